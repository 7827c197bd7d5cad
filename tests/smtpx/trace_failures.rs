//! Every failure class of a traced session, each with its message and exit code: refused
//! connection, timeout, 4xx, 5xx, malformed reply, oversized line, connection closed, STARTTLS
//! injection, TLS required but not offered.

use crate::support::server::{ScriptedServer, Step, expect, send};
use crate::support::{smtpx, trace};

fn greeting_and_ehlo(ehlo_lines: &str) -> Vec<Step> {
    vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        Step::Send(ehlo_lines.as_bytes().to_vec()),
    ]
}

#[test]
fn refused_connection_exits_69() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let target = format!("127.0.0.1:{port}");
    let run = smtpx(&["trace", &target, "--ehlo", "client.test"]);
    run.assert_code(69);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        format!(
            "smtpx: error [connect]: could not connect to 127.0.0.1: 127.0.0.1:{port} connection refused"
        )
    );
    assert_eq!(run.stdout, format!("· connecting to 127.0.0.1:{port} … connection refused\n"));
}

#[test]
fn silent_server_times_out_with_75() {
    let server = ScriptedServer::one(vec![Step::Stall]);
    let run = trace(&server, &["--timeout", "300ms"]);
    run.assert_code(75);
    assert_eq!(
        run.stderr,
        "smtpx: error [timeout]: no reply to the banner within 300 ms\n  \
         hint: the server is slow or stalled; if this port expects TLS from the first byte \
         (like 465), add --tls implicit\n"
    );
}

#[test]
fn temporary_refusal_exits_75() {
    let server = ScriptedServer::one(vec![
        send("421 4.3.2 mx.test Service shutting down"),
        expect("QUIT"),
        Step::Close,
    ]);
    let run = trace(&server, &[]);
    run.assert_code(75);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [rejected]: banner refused: 421 4.3.2 mx.test Service shutting down\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.ends_with("✗ server refused the connection (421 4.3.2)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn permanent_refusal_of_sender_exits_69() {
    let mut script = greeting_and_ehlo("250 mx.test\r\n");
    script.extend([
        expect("MAIL FROM:<alice@example.org>"),
        send("553 5.7.1 <alice@example.org>: Sender address rejected: not owned by you"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let server = ScriptedServer::one(script);
    let run = trace(
        &server,
        &["--from", "alice@example.org", "--rcpt", "bob@example.com", "--tls", "none"],
    );
    run.assert_code(69);
    assert!(run.stdout.ends_with("✗ sender refused (553 5.7.1)\n"), "{}", run.stdout);
}

#[test]
fn garbage_banner_is_a_protocol_error() {
    let server = ScriptedServer::one(vec![send("HTTP/1.1 400 Bad Request"), Step::Stall]);
    let run = trace(&server, &[]);
    run.assert_code(76);
    assert_eq!(
        run.stderr,
        "smtpx: error [protocol]: malformed reply to the banner: malformed reply line \"HTTP/1.1 400 Bad Request\"\n"
    );
}

#[test]
fn oversized_reply_line_is_refused() {
    let mut line = b"220 ".to_vec();
    line.extend(std::iter::repeat_n(b'a', 10_000));
    line.extend(b"\r\n");
    let server = ScriptedServer::one(vec![Step::Send(line), Step::Stall]);
    let run = trace(&server, &[]);
    run.assert_code(76);
    assert_eq!(
        run.stderr,
        "smtpx: error [protocol]: reply line to the banner is longer than 4096 bytes\n"
    );
}

#[test]
fn multi_line_reply_changing_code_is_refused() {
    let server = ScriptedServer::one(greeting_and_ehlo("250-mx.test\r\n251 PIPELINING\r\n"));
    let run = trace(&server, &[]);
    run.assert_code(76);
    assert_eq!(
        run.stderr,
        "smtpx: error [protocol]: malformed reply to EHLO: multi-line reply changed its code from 250 to 251\n"
    );
}

#[test]
fn connection_closed_mid_session_exits_75() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        Step::Close,
    ]);
    let run = trace(&server, &[]);
    run.assert_code(75);
    assert_eq!(
        run.stderr,
        "smtpx: error [network]: the server closed the connection while we waited for EHLO\n"
    );
}

#[test]
fn bytes_after_starttls_220_are_an_injection() {
    let mut script = greeting_and_ehlo("250-mx.test\r\n250 STARTTLS\r\n");
    script.extend([
        expect("STARTTLS"),
        // The 220 and a forged reply in one write: a MITM planting a reply for later.
        Step::Send(b"220 2.0.0 Ready to start TLS\r\n250 2.1.0 forged\r\n".to_vec()),
        Step::Stall,
    ]);
    let server = ScriptedServer::one(script);
    let run = trace(&server, &[]);
    run.assert_code(76);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [protocol]: the server sent 18 unexpected byte(s) after its 220 to STARTTLS"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn required_starttls_not_offered_stops_before_mail() {
    let mut script = greeting_and_ehlo("250 mx.test\r\n");
    script.push(Step::Stall);
    let server = ScriptedServer::one(script);
    let run = trace(&server, &["--tls", "starttls", "--rcpt", "bob@example.com"]);
    run.assert_code(69);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [tls]: 127.0.0.1 does not offer STARTTLS, and TLS is required here (--tls starttls); stopping before MAIL FROM\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!String::from_utf8(server.received()).unwrap().contains("MAIL FROM"));
}

#[test]
fn a_long_line_arriving_with_its_end_is_still_refused() {
    // 5000 bytes and the CRLF in one write: the bound is on the line, not on each read.
    let mut line = b"220 ".to_vec();
    line.extend(std::iter::repeat_n(b'b', 5000));
    line.extend(b"\r\n");
    let server = ScriptedServer::one(vec![Step::Send(line), Step::Stall]);
    let run = trace(&server, &[]);
    run.assert_code(76);
    assert_eq!(
        run.stderr,
        "smtpx: error [protocol]: reply line to the banner is longer than 4096 bytes\n"
    );
}
