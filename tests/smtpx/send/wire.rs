//! The exact bytes on the wire: dot-stuffing, CRLF normalisation (no bare CR or LF, ever),
//! header fields and MIME structure, SIZE= and DSN parameters, PIPELINING in one write, BDAT
//! chunks, SMTPUTF8 and REQUIRETLS.

use super::{
    accepting, assert_no_bare_line_endings, greeting, quit, run_send, run_send_stdin, unstuff,
};
use crate::support::TempDir;
use crate::support::mime::{Entity, decode_words, find};
use crate::support::server::{ScriptedServer, Step, TlsIdentity, expect, send};

/// A raw message that tries SMTP smuggling: bare LF, bare CR and a lone dot.
const SMUGGLER: &[u8] = b"From: a@example.org\nTo: b@example.com\nSubject: x\n\n\
line1\n.\r\nMAIL FROM:<evil@example.net>\rbare cr\n\n.\n";

/// What SMUGGLER must become before dot-stuffing.
const SMUGGLER_NORMALISED: &[u8] =
    b"From: a@example.org\r\nTo: b@example.com\r\nSubject: x\r\n\r\n\
line1\r\n.\r\nMAIL FROM:<evil@example.net>\r\nbare cr\r\n\r\n.\r\n";

#[test]
fn body_lines_starting_with_a_dot_are_stuffed() {
    let dir = TempDir::new("dots");
    let body = dir.bytes("body.txt", b".hidden line\nplain\n..two dots\n.\nend");
    let server = ScriptedServer::one(accepting("a@example.org", "b@example.com"));
    let run = run_send(
        &server,
        &dir,
        &["--from", "a@example.org", "--to", "b@example.com", "--body-file", &body],
    );
    run.assert_code(0);
    drop(run);
    let content = &server.contents()[0];
    let expected: &[u8] = b"\r\n\r\n..hidden line\r\nplain\r\n...two dots\r\n..\r\nend\r\n.\r\n";
    assert!(content.ends_with(expected), "{}", String::from_utf8_lossy(content));
    assert_no_bare_line_endings(&server.received());
}

#[test]
fn raw_messages_are_normalised_and_stuffed_against_smuggling() {
    let dir = TempDir::new("smuggle");
    let raw = dir.bytes("m.eml", SMUGGLER);
    let server = ScriptedServer::one(accepting("a@example.org", "b@example.com"));
    let run = run_send(&server, &dir, &["--raw", &raw, "--to", "b@example.com"]);
    run.assert_code(0);
    drop(run);
    let expected: &[u8] = b"From: a@example.org\r\nTo: b@example.com\r\nSubject: x\r\n\r\n\
line1\r\n..\r\nMAIL FROM:<evil@example.net>\r\nbare cr\r\n\r\n..\r\n.\r\n";
    assert_eq!(String::from_utf8_lossy(&server.contents()[0]), String::from_utf8_lossy(expected));
    assert_eq!(unstuff(&server.contents()[0]), SMUGGLER_NORMALISED);
    assert_no_bare_line_endings(&server.received());
}

#[test]
fn pipelining_sends_mail_rcpt_and_data_in_one_write() {
    // The server reads all three commands before it answers any: a client that waited for
    // the MAIL FROM reply would deadlock here and time out.
    let mut script = greeting(&["PIPELINING"]);
    script.extend([
        expect("MAIL FROM:<a@example.org>"),
        expect("RCPT TO:<b@example.com>"),
        expect("RCPT TO:<c@example.com>"),
        expect("DATA"),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("pipelining");
    let run = run_send(
        &server,
        &dir,
        &["--from", "a@example.org", "--to", "b@example.com,c@example.com", "--body", "hi", "-v"],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("· PIPELINING: MAIL FROM, 2 RCPT TO and DATA in one write\n"));
}

#[test]
fn without_pipelining_each_command_waits_for_its_reply() {
    let server = ScriptedServer::one(accepting("a@example.org", "b@example.com"));
    let dir = TempDir::new("no-pipelining");
    let run = run_send(&server, &dir, &["--from", "a@example.org", "--to", "b@example.com"]);
    run.assert_code(0);
    assert!(run.stdout.contains("✓ b@example.com  250 2.1.5 Ok\n"), "{}", run.stdout);
}

#[test]
fn headers_and_mime_structure_and_exact_size() {
    let dir = TempDir::new("mime");
    let binary: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 256) as u8).collect();
    let data = dir.bytes("data.bin", &binary);
    let text = dir.bytes("été.txt", "naïve café\n".as_bytes());
    let mut script = greeting(&["PIPELINING", "SIZE 10000000"]);
    script.extend([
        Step::ExpectPrefix("MAIL FROM:<alice@example.org> SIZE=".into()),
        expect("RCPT TO:<bob@example.com>"),
        expect("RCPT TO:<carol@example.com>"),
        expect("RCPT TO:<secret@example.net>"),
        expect("DATA"),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let run = run_send(
        &server,
        &dir,
        &[
            "--from",
            "Alice Ünicode <alice@example.org>",
            "--to",
            "bob@example.com",
            "--cc",
            "Carol <carol@example.com>",
            "--bcc",
            "secret@example.net",
            "--reply-to",
            "replies@example.org",
            "--subject",
            "Grüße aus Köln",
            "-H",
            "X-Ticket: 42",
            "--body",
            "Hello Bob",
            "--html",
            "<p>Hello <b>Bob</b></p>",
            "--attach",
            &data,
            "--attach",
            &text,
            "--attach-name",
            "été.txt",
        ],
    );
    run.assert_code(0);
    drop(run);
    let content = unstuff(&server.contents()[0]);
    assert_no_bare_line_endings(&content);
    assert!(content.split(|&b| b == b'\n').all(|line| line.len() <= 1000), "a line over 998");
    let received = String::from_utf8(server.received()).unwrap();
    let size: usize =
        received.split("SIZE=").nth(1).unwrap().split("\r\n").next().unwrap().parse().unwrap();
    assert_eq!(size, content.len(), "SIZE= must be the exact message size");
    assert!(find(&content, b"secret@example.net").is_none(), "Bcc leaked into the message");

    let message = Entity::parse(&content);
    assert_eq!(decode_words(message.header("From").unwrap()), "Alice Ünicode <alice@example.org>");
    assert_eq!(message.header("To"), Some("bob@example.com"));
    assert_eq!(message.header("Cc"), Some("Carol <carol@example.com>"));
    assert_eq!(message.count("Bcc"), 0);
    assert_eq!(message.header("Reply-To"), Some("replies@example.org"));
    assert_eq!(decode_words(message.header("Subject").unwrap()), "Grüße aus Köln");
    assert_eq!(message.header("X-Ticket"), Some("42"));
    assert_eq!(message.header("MIME-Version"), Some("1.0"));
    assert!(message.header("Date").is_some() && message.header("Message-ID").is_some());
    assert_eq!(message.content_type(), "multipart/mixed");
    let [body, first, second] = &message.parts[..] else { panic!("three parts") };
    assert_eq!(body.content_type(), "multipart/alternative");
    assert_eq!(body.parts[0].content_type(), "text/plain");
    assert_eq!(body.parts[0].decoded(), b"Hello Bob");
    assert_eq!(body.parts[1].content_type(), "text/html");
    assert_eq!(body.parts[1].decoded(), b"<p>Hello <b>Bob</b></p>");
    assert_eq!(first.content_type(), "application/octet-stream");
    assert_eq!(first.param("Content-Disposition", "filename").as_deref(), Some("data.bin"));
    assert_eq!(first.decoded(), binary);
    assert_eq!(second.content_type(), "text/plain");
    assert_eq!(second.param("Content-Disposition", "filename").as_deref(), Some("été.txt"));
    assert_eq!(String::from_utf8(second.decoded()).unwrap(), "naïve café\n");
}

#[test]
fn size_and_dsn_parameters_are_declared() {
    let dir = TempDir::new("dsn");
    let raw = dir.bytes("m.eml", b"Subject: x\r\n\r\nhello\r\n");
    let mut script = greeting(&["SIZE 100000", "DSN"]);
    script.extend([
        expect("MAIL FROM:<a@example.org> SIZE=21 RET=HDRS ENVID=abc+201"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<b@example.com> NOTIFY=FAILURE,DELAY"),
        send("250 2.1.5 Ok"),
        expect("DATA"),
        send("354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let run = run_send(
        &server,
        &dir,
        &[
            "--raw",
            &raw,
            "-f",
            "a@example.org",
            "--to",
            "b@example.com",
            "--dsn-notify",
            "failure,delay",
            "--dsn-ret",
            "hdrs",
            "--dsn-envid",
            "abc 1",
        ],
    );
    run.assert_code(0);
}

#[test]
fn dsn_requests_are_dropped_with_a_warning_when_not_offered() {
    let dir = TempDir::new("no-dsn");
    let server = ScriptedServer::one(accepting("a@example.org", "b@example.com"));
    let run = run_send(
        &server,
        &dir,
        &["--from", "a@example.org", "--to", "b@example.com", "--dsn-notify", "never"],
    );
    run.assert_code(0);
    // The short report shows it too: the user asked for something they did not get.
    assert!(run.stdout.contains("! the server does not offer DSN (RFC 3461)"), "{}", run.stdout);
}

#[test]
fn bdat_sends_normalised_chunks_without_dot_stuffing() {
    let dir = TempDir::new("bdat");
    let raw = dir.bytes("m.eml", SMUGGLER);
    let mut script = greeting(&["CHUNKING"]);
    script.extend([
        expect("MAIL FROM:<a@example.org>"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<b@example.com>"),
        send("250 2.1.5 Ok"),
        expect(&format!("BDAT {} LAST", SMUGGLER_NORMALISED.len())),
        Step::ExpectBytes(SMUGGLER_NORMALISED.len()),
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let run = run_send(&server, &dir, &["--raw", &raw, "--to", "b@example.com", "--chunking"]);
    run.assert_code(0);
    drop(run);
    assert_eq!(server.contents()[0], SMUGGLER_NORMALISED);
    assert_no_bare_line_endings(&server.received());
}

#[test]
fn bdat_splits_a_large_message_into_fixed_chunks() {
    let dir = TempDir::new("bdat-large");
    let mut message = b"Subject: big\r\n\r\n".to_vec();
    while message.len() < 1_500_000 {
        message.extend_from_slice(&[b'x'; 98]);
        message.extend_from_slice(b"\r\n");
    }
    let raw = dir.bytes("big.eml", &message);
    const CHUNK: usize = 1024 * 1024;
    let rest = message.len() - CHUNK;
    let mut script = greeting(&["CHUNKING", "PIPELINING"]);
    script.extend([
        expect("MAIL FROM:<a@example.org>"),
        expect("RCPT TO:<b@example.com>"),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok"),
        expect(&format!("BDAT {CHUNK}")),
        Step::ExpectBytes(CHUNK),
        send("250 2.0.0 chunk received"),
        expect(&format!("BDAT {rest} LAST")),
        Step::ExpectBytes(rest),
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let run = run_send(
        &server,
        &dir,
        &["--raw", &raw, "-f", "a@example.org", "b@example.com", "--chunking"],
    );
    run.assert_code(0);
    drop(run);
    assert_eq!(server.contents().concat(), message);
}

#[test]
fn smtputf8_is_requested_for_a_utf8_address() {
    let dir = TempDir::new("utf8");
    let mut script = greeting(&["8BITMIME", "SMTPUTF8"]);
    script.extend([
        expect("MAIL FROM:<a@example.org> BODY=8BITMIME SMTPUTF8"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<josé@example.com>"),
        send("250 2.1.5 Ok"),
        expect("DATA"),
        send("354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let run = run_send(&server, &dir, &["--from", "a@example.org", "--to", "josé@example.com"]);
    run.assert_code(0);
    assert!(run.stdout.contains("reply   250 2.0.0 Ok\n"), "{}", run.stdout);
    drop(run);
    assert!(find(&server.contents()[0], "To: josé@example.com\r\n".as_bytes()).is_some());
}

#[test]
fn requiretls_is_sent_over_verified_tls() {
    let dir = TempDir::new("requiretls");
    let mut script = greeting(&["STARTTLS"]);
    script.extend([expect("STARTTLS"), send("220 2.0.0 Ready"), Step::Tls(TlsIdentity::Good)]);
    script.extend(greeting(&["REQUIRETLS"]).into_iter().skip(1));
    script.extend([
        expect("MAIL FROM:<a@example.org> REQUIRETLS"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<b@example.com>"),
        send("250 2.1.5 Ok"),
        expect("DATA"),
        send("354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let ca = crate::support::server::tls_dir().join("ca.pem");
    let run = run_send(
        &server,
        &dir,
        &[
            "--from",
            "a@example.org",
            "--to",
            "b@example.com",
            "--require-tls",
            "--ca-file",
            ca.to_str().unwrap(),
        ],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("tls     TLS 1.3 "), "{}", run.stdout);
}

#[test]
fn raw_from_stdin_like_sendmail_t() {
    // git send-email runs `CMD -f FROM -i RECIPIENT...` with the message on stdin; mutt and
    // cron use -t. Both at once: the union of arguments and header recipients, Bcc removed.
    let dir = TempDir::new("sendmail-t");
    let mut script = greeting(&["PIPELINING"]);
    script.extend([
        expect("MAIL FROM:<env@example.org>"),
        expect("RCPT TO:<extra@example.com>"),
        expect("RCPT TO:<b@example.com>"),
        expect("RCPT TO:<hidden@example.net>"),
        expect("DATA"),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let message =
        b"From: a@example.org\nTo: b@example.com\nBcc: hidden@example.net\nSubject: x\n\nbody\n";
    let run = run_send_stdin(
        &server,
        &dir,
        &["--raw", "-", "-t", "-f", "env@example.org", "-i", "-oi", "extra@example.com"],
        Some(message),
    );
    run.assert_code(0);
    drop(run);
    let content = String::from_utf8(server.contents()[0].clone()).unwrap();
    assert_eq!(
        content,
        "From: a@example.org\r\nTo: b@example.com\r\nSubject: x\r\n\r\nbody\r\n.\r\n"
    );
}

#[test]
fn raw_without_f_uses_the_from_field_as_envelope_sender() {
    let dir = TempDir::new("raw-from");
    let server = ScriptedServer::one(accepting("a@example.org", "b@example.com"));
    let message = b"From: A <a@example.org>\nSubject: x\n\nbody\n";
    let run = run_send_stdin(&server, &dir, &["--raw", "-", "b@example.com"], Some(message));
    run.assert_code(0);
}
