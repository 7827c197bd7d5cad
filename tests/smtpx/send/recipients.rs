//! Who gets the message when some recipients are refused (all or nothing by default,
//! `--allow-partial` otherwise), the report and the JSON document, the saved message, and the
//! exit codes that tell retry (75) from give up (69).

use super::{accepting, greeting, quit, run_send};
use crate::support::TempDir;
use crate::support::mime::Entity;
use crate::support::server::{ScriptedServer, Step, expect, send};

/// MAIL, two RCPTs (the second answered `second`) without PIPELINING, then the RSET that
/// all-or-nothing sends and QUIT.
fn refused_session(second: &str) -> Vec<Step> {
    let mut s = greeting(&[]);
    s.extend([
        expect("MAIL FROM:<a@example.org>"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<b@example.com>"),
        send("250 2.1.5 Ok"),
        expect("RCPT TO:<c@example.com>"),
        send(second),
        expect("RSET"),
        send("250 2.0.0 Ok"),
    ]);
    s.extend(quit());
    s
}

const TWO: [&str; 6] =
    ["--from", "a@example.org", "--to", "b@example.com,c@example.com", "--subject", "hello"];

#[test]
fn one_refusal_sends_nothing_explains_it_and_saves_the_message() {
    let server = ScriptedServer::one(refused_session("550 5.1.1 <c@example.com>: User unknown"));
    let dir = TempDir::new("all-or-nothing");
    let run = run_send(&server, &dir, &TWO);
    run.assert_code(69);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("server  127.0.0.1:{}", server.port()));
    assert_eq!(lines[1], "tls     none (the connection is not encrypted)");
    assert_eq!(lines[2], "auth    none");
    assert_eq!(lines[3], "- b@example.com  250 2.1.5 Ok (accepted, not sent)");
    assert_eq!(lines[4], "✗ c@example.com  550 5.1.1 <c@example.com>: User unknown");
    assert!(lines[5].starts_with("   ↳ 550 permanent failure: mailbox unavailable · 5.1.1 "));
    assert!(lines[6].starts_with("✗ not sent ("), "{}", run.stdout);
    let failed = dir.path().join("state/smtpx/failed");
    let saved: Vec<_> = std::fs::read_dir(&failed).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(saved.len(), 1);
    let path = saved[0].display().to_string();
    assert!(path.ends_with(".eml"), "{path}");
    assert_eq!(
        run.stderr,
        format!(
            "smtpx: error [rejected]: recipient refused: c@example.com (550 5.1.1); nothing was \
             sent; the message was saved to {path}; to resend it: smtpx send --server \
             127.0.0.1:{port} --ehlo client.test --raw {path} b@example.com c@example.com\n  \
             hint: Check the address for typos; remove it from your lists if it is really gone. \
             Or add --allow-partial to send to the accepted ones.\n",
            port = server.port()
        )
    );
    let message = Entity::parse(&std::fs::read(&saved[0]).unwrap());
    assert_eq!(message.header("Subject"), Some("hello"));
    assert_eq!(message.header("To"), Some("b@example.com, c@example.com"));
    drop(run);
    assert!(server.contents().is_empty(), "nothing may be sent");
}

#[test]
fn a_refusal_after_a_pipelined_354_closes_without_the_final_dot() {
    let mut script = greeting(&["PIPELINING"]);
    script.extend([
        expect("MAIL FROM:<a@example.org>"),
        expect("RCPT TO:<b@example.com>"),
        expect("RCPT TO:<c@example.com>"),
        expect("DATA"),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 unknown\r\n354 go ahead"),
        // Anything smtpx sent now would be message content; it must hang up instead.
        Step::Stall,
    ]);
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("pipelined-refusal");
    let save = dir.path().join("saved.eml");
    let mut args = TWO.to_vec();
    args.extend(["--save-failed", save.to_str().unwrap(), "-v"]);
    let run = run_send(&server, &dir, &args);
    run.assert_code(69);
    assert!(run.stdout.contains("· closing the connection without ending the message"));
    assert!(run.stderr.contains(&format!("saved to {}", save.display())), "{}", run.stderr);
    assert!(save.is_file());
    drop(run);
    assert!(String::from_utf8(server.received()).unwrap().ends_with("DATA\r\n"));
}

#[test]
fn allow_partial_sends_to_the_accepted_and_lists_the_refused() {
    let mut script = greeting(&["PIPELINING"]);
    script.extend([
        expect("MAIL FROM:<a@example.org>"),
        expect("RCPT TO:<b@example.com>"),
        expect("RCPT TO:<c@example.com>"),
        expect("DATA"),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 unknown\r\n354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("partial");
    let mut args = TWO.to_vec();
    args.push("--allow-partial");
    let run = run_send(&server, &dir, &args);
    run.assert_code(69);
    assert!(run.stdout.contains("✓ b@example.com  250 2.1.5 Ok\n"), "{}", run.stdout);
    assert!(run.stdout.contains("✗ c@example.com  550 5.1.1 unknown\n"), "{}", run.stdout);
    assert!(run.stdout.contains("queued  as 4XyZ1a2B3c\n"), "{}", run.stdout);
    assert!(run.stdout.contains("✗ sent to 1 of 2 recipients in "), "{}", run.stdout);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [rejected]: recipient refused: c@example.com (550 5.1.1); sent to \
             the other 1; the message was saved to "
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(".eml c@example.com\n"), "only c needs a resend: {}", run.stderr);
    drop(run);
    assert_eq!(server.contents().len(), 1);
}

#[test]
fn a_temporary_refusal_exits_75() {
    let server = ScriptedServer::one(refused_session("451 4.3.0 try again later"));
    let dir = TempDir::new("tempfail");
    let run = run_send(&server, &dir, &TWO);
    run.assert_code(75);
    assert!(run.stdout.contains("   ↳ 451 temporary failure"), "{}", run.stdout);
}

#[test]
fn a_refused_message_is_explained() {
    let mut script = greeting(&[]);
    script.extend([
        expect("MAIL FROM:<a@example.org>"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<b@example.com>"),
        send("250 2.1.5 Ok"),
        expect("DATA"),
        send("354 go ahead"),
        Step::ExpectContent,
        send("554 5.7.1 Message rejected as spam"),
        expect("RSET"),
        send("250 2.0.0 Ok"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("refused-message");
    let run = run_send(&server, &dir, &["--from", "a@example.org", "--to", "b@example.com"]);
    run.assert_code(69);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [rejected]: 127.0.0.1 refused the message: 554 5.7.1 Message rejected \
             as spam; the message was saved to "
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("- b@example.com  250 2.1.5 Ok (accepted, not sent)\n"));
}

#[test]
fn report_shows_server_tls_auth_recipients_queue_id_and_time() {
    let server = ScriptedServer::one(accepting("a@example.org", "b@example.com"));
    let dir = TempDir::new("report");
    let run = run_send(&server, &dir, &["--from", "a@example.org", "--to", "b@example.com"]);
    run.assert_code(0);
    let (head, last) = run.stdout.trim_end().rsplit_once('\n').unwrap();
    assert_eq!(
        head,
        format!(
            "server  127.0.0.1:{}\ntls     none (the connection is not encrypted)\nauth    none\n\
             ✓ b@example.com  250 2.1.5 Ok\nqueued  as 4XyZ1a2B3c",
            server.port()
        )
    );
    assert!(last.starts_with("✓ sent ") && last.contains(" bytes to 1 recipient in "), "{last}");
    assert_eq!(run.stderr, "");
}

#[test]
fn quiet_prints_nothing_on_success() {
    let server = ScriptedServer::one(accepting("a@example.org", "b@example.com"));
    let dir = TempDir::new("quiet");
    let run = run_send(&server, &dir, &["--from", "a@example.org", "--to", "b@example.com", "-q"]);
    run.assert_code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
}

#[test]
fn json_document_has_the_facts() {
    let server = ScriptedServer::one(refused_session("550 5.1.1 unknown"));
    let dir = TempDir::new("json");
    let mut args = TWO.to_vec();
    args.push("--json");
    let run = run_send(&server, &dir, &args);
    run.assert_code(69);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], "send");
    assert_eq!(doc["envelope"]["from"], "a@example.org");
    assert_eq!(doc["route"]["kind"], "relay");
    assert_eq!(doc["message"]["origin"]["kind"], "arguments");
    assert_eq!(doc["message"]["parts"][0]["content_type"], "text/plain");
    assert_eq!(doc["recipients"][0]["status"], "not_sent");
    assert_eq!(doc["recipients"][1]["status"], "refused");
    assert_eq!(doc["recipients"][1]["reply"]["code"], 550);
    assert_eq!(doc["recipients"][1]["reply"]["enhanced_code"], "5.1.1");
    assert_eq!(doc["sessions"][0]["address"], format!("127.0.0.1:{}", server.port()));
    assert_eq!(doc["result"]["ok"], false);
    assert_eq!(doc["result"]["exit_code"], 69);
    assert_eq!(doc["result"]["error"]["phase"], "rejected");
    assert!(doc["saved_to"].as_str().unwrap().ends_with(".eml"));
    assert!(doc["events"].as_array().unwrap().iter().any(|e| e["type"] == "sent"));
}

#[test]
fn a_raw_file_that_fails_is_not_copied() {
    let dir = TempDir::new("raw-not-saved");
    let raw = dir.bytes("m.eml", b"From: a@example.org\r\nSubject: x\r\n\r\nhi\r\n");
    let mut script = greeting(&["SIZE 10"]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let run = run_send(&server, &dir, &["--raw", &raw, "b@example.com"]);
    run.assert_code(69);
    assert_eq!(
        run.stderr,
        "smtpx: error [unsupported]: 127.0.0.1 accepts messages of at most 10 bytes (SIZE, RFC \
         1870); this one is 39 bytes; nothing was sent\n"
    );
    assert!(!dir.path().join("state").exists());
}

#[test]
fn missing_smtputf8_stops_before_anything_is_sent() {
    let mut script = greeting(&["8BITMIME"]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("no-smtputf8");
    let run = run_send(&server, &dir, &["--from", "a@example.org", "--to", "josé@example.com"]);
    run.assert_code(69);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [unsupported]: 127.0.0.1 does not offer SMTPUTF8 (RFC 6531), which \
             josé@example.com, the message header needs; nothing was sent"
        ),
        "{}",
        run.stderr
    );
    drop(run);
    assert_eq!(String::from_utf8(server.received()).unwrap(), "EHLO client.test\r\nQUIT\r\n");
}

#[test]
fn starttls_required_but_not_offered_stops_before_mail() {
    let mut script = greeting(&[]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("starttls-required");
    let run = run_send(
        &server,
        &dir,
        &["--from", "a@example.org", "--to", "b@example.com", "--tls", "starttls"],
    );
    run.assert_code(69);
    assert!(
        run.stderr.contains("does not offer STARTTLS, and TLS is required here (--tls starttls)")
    );
    drop(run);
    assert_eq!(String::from_utf8(server.received()).unwrap(), "EHLO client.test\r\nQUIT\r\n");
}
