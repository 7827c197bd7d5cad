//! `smtpx trace` against the scripted server: golden transcripts (exact lines), the bytes on
//! the wire, STARTTLS and implicit TLS with certificate facts, and the `--json` document.

use crate::support::server::{ScriptedServer, Step, expect, send};
use crate::support::{assert_lines, smtpx, trace};

fn ehlo_reply(extra: &[&str]) -> Vec<Step> {
    let mut lines = vec!["250-mx.test".to_string()];
    lines.extend(extra.iter().map(|e| format!("250-{e}")));
    lines.push("250 8BITMIME".into());
    vec![Step::Send(lines.join("\r\n").into_bytes()), Step::Send(b"\r\n".to_vec())]
}

fn rejected_recipient_script() -> Vec<Step> {
    let mut s = vec![send("220 mx.test ESMTP ready"), expect("EHLO client.test")];
    s.extend(ehlo_reply(&["PIPELINING"]));
    s.extend([
        expect("MAIL FROM:<>"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<bob@example.com>"),
        send("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    s
}

#[test]
fn rejected_recipient_golden_transcript() {
    let server = ScriptedServer::one(rejected_recipient_script());
    let target = format!("127.0.0.1:{}", server.port());
    let run = smtpx(&["trace", &target, "--rcpt", "bob@example.com", "--ehlo", "client.test"]);
    run.assert_code(69);
    let expected =
        include_str!("golden/trace_rejected.txt").replace("PORT", &server.port().to_string());
    assert_lines(&run.stdout, &expected);
    assert_eq!(
        run.stderr,
        "smtpx: error [rejected]: RCPT TO refused: 550 5.1.1 <bob@example.com>: Recipient address \
         rejected: User unknown\n  hint: run `smtpx explain \"550 5.1.1\"` for details\n"
    );
    drop(run);
    assert_eq!(
        String::from_utf8(server.received()).unwrap(),
        "EHLO client.test\r\nMAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nQUIT\r\n"
    );
}

#[test]
fn json_document_has_the_documented_shape() {
    let server = ScriptedServer::one(rejected_recipient_script());
    let target = format!("127.0.0.1:{}", server.port());
    let run =
        smtpx(&["trace", &target, "--rcpt", "bob@example.com", "--ehlo", "client.test", "--json"]);
    run.assert_code(69);
    let doc: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], "trace");
    assert_eq!(doc["target"]["kind"], "host");
    assert_eq!(doc["target"]["port"], server.port());
    assert_eq!(doc["dns"], serde_json::Value::Null);
    assert_eq!(doc["connection"]["address"], target);
    assert_eq!(doc["tls"], serde_json::Value::Null);
    assert_eq!(doc["ehlo"]["greeting"], "mx.test");
    assert_eq!(doc["ehlo"]["extensions"][0]["keyword"], "PIPELINING");
    let result = &doc["result"];
    assert_eq!(result["ok"], false);
    assert_eq!(result["exit_code"], 69);
    assert_eq!(result["stage_reached"], "mail");
    assert_eq!(result["summary"], "recipient refused (550 5.1.1)");
    assert_eq!(result["error"]["phase"], "rejected");
    let kinds: Vec<&str> =
        doc["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "resolved",
            "connecting",
            "connected",
            "reply",
            "sent",
            "reply",
            "note",
            "sent",
            "reply",
            "sent",
            "reply",
            "sent",
            "reply"
        ]
    );
    let refusal = &doc["events"][10];
    assert_eq!(refusal["code"], 550);
    assert_eq!(refusal["enhanced_code"], "5.1.1");
    assert_eq!(refusal["class"], "permanent failure");
    // Nothing but the document on stdout; the error goes to stderr once.
    assert!(run.stderr.starts_with("smtpx: error [rejected]:"));
}

/// A session that accepts everything, for stage and output-mode tests.
fn accepting(until_rcpt: bool) -> Vec<Step> {
    let mut s = vec![
        send("220 mx.test ESMTP ready"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 8BITMIME"),
    ];
    if until_rcpt {
        s.extend([
            expect("MAIL FROM:<alice@example.org>"),
            send("250 2.1.0 Ok"),
            expect("RCPT TO:<bob@example.com>"),
            send("250 2.1.5 Ok"),
        ]);
    }
    s.extend([expect("QUIT"), send("221 2.0.0 Bye")]);
    s
}

#[test]
fn quit_after_ehlo_stops_there() {
    let server = ScriptedServer::one(accepting(false));
    let run = trace(&server, &["--quit-after", "ehlo", "--rcpt", "bob@example.com"]);
    run.assert_code(0);
    assert!(run.stdout.ends_with("✓ EHLO accepted (250)\n"), "{}", run.stdout);
    assert_eq!(String::from_utf8(server.received()).unwrap(), "EHLO client.test\r\nQUIT\r\n");
}

#[test]
fn quit_after_connect_and_banner() {
    let server =
        ScriptedServer::one(vec![send("220 mx.test ESMTP"), expect("QUIT"), send("221 Bye")]);
    let run = trace(&server, &["--quit-after", "banner"]);
    run.assert_code(0);
    assert!(run.stdout.ends_with("✓ server ready (220)\n"), "{}", run.stdout);
}

#[test]
fn send_delivers_a_dot_stuffed_test_message() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP ready"),
        expect("EHLO client.test"),
        send("250 mx.test"),
        expect("MAIL FROM:<alice@example.org>"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<bob@example.com>"),
        send("250 2.1.5 Ok"),
        expect("DATA"),
        send("354 End data with <CR><LF>.<CR><LF>"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4ABC123"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let run =
        trace(&server, &["--from", "alice@example.org", "--rcpt", "bob@example.com", "--send"]);
    run.assert_code(0);
    assert!(
        run.stdout.ends_with("✓ message accepted (250 2.0.0): Ok: queued as 4ABC123\n"),
        "{}",
        run.stdout
    );
    let content = String::from_utf8(server.contents().remove(0)).unwrap();
    assert!(content.starts_with("Date: "), "{content}");
    assert!(content.contains(
        "\r\nFrom: <alice@example.org>\r\nTo: <bob@example.com>\r\nSubject: smtpx trace test\r\n"
    ));
    assert!(
        content.ends_with("This is a test message sent by `smtpx trace --send`.\r\n.\r\n"),
        "{content}"
    );
    assert!(!content.replace("\r\n", "").contains('\n'), "bare LF on the wire");
}

#[test]
fn quit_after_data_closes_without_content() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP ready"),
        expect("EHLO client.test"),
        send("250 mx.test"),
        expect("MAIL FROM:<>"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<bob@example.com>"),
        send("250 2.1.5 Ok"),
        expect("DATA"),
        send("354 go ahead"),
        Step::Stall,
    ]);
    let run = trace(&server, &["--rcpt", "bob@example.com", "--quit-after", "data"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("· closing without sending content: the server discards the transaction\n")
    );
    assert!(
        run.stdout.ends_with("✓ DATA accepted (354); stopped before the content\n"),
        "{}",
        run.stdout
    );
    assert!(String::from_utf8(server.received()).unwrap().ends_with("DATA\r\n"));
}

#[test]
fn helo_fallback_when_ehlo_is_refused() {
    let server = ScriptedServer::one(vec![
        send("220 old.test SMTP"),
        expect("EHLO client.test"),
        send("502 5.5.2 Command not recognized"),
        expect("HELO client.test"),
        send("250 old.test"),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let run = trace(&server, &["--quit-after", "ehlo"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(
            "· EHLO refused; falling back to HELO (no extensions)\nC: HELO client.test\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn verbose_adds_timings_and_raw_adds_bytes() {
    let server = ScriptedServer::one(accepting(false));
    let run = trace(&server, &["--quit-after", "ehlo", "-vv"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let banner = lines.iter().position(|l| l.starts_with("S: 220 mx.test ESMTP ready")).unwrap();
    let timing = lines[banner].strip_prefix("S: 220 mx.test ESMTP ready  (").unwrap();
    assert!(timing.ends_with(" ms)"), "{}", lines[banner]);
    assert_eq!(lines[banner + 1], "   raw: \"220 mx.test ESMTP ready\\r\\n\"");
    assert!(lines.contains(&"   raw: \"EHLO client.test\\r\\n\""), "{}", run.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("· connecting to 127.0.0.1:") && l.contains(" … connected in "))
    );
}

#[test]
fn hostile_server_text_is_escaped() {
    let server = ScriptedServer::one(vec![
        Step::Send(b"220 evil.test \x1b]0;pwned\x07 \xe2\x80\xae gnirts\r\n".to_vec()),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let run = trace(&server, &["--quit-after", "banner"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("S: 220 evil.test \\x1b]0;pwned\\x07 \\u{202e} gnirts\n"),
        "{:?}",
        run.stdout
    );
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let server = ScriptedServer::start(vec![accepting(false), accepting(false)]);
    let target = format!("127.0.0.1:{}", server.port());
    let plain = smtpx(&["trace", &target, "--ehlo", "client.test", "--quit-after", "ehlo"]);
    assert!(!plain.stdout.contains('\x1b'), "piped output must be plain");
    let coloured = smtpx(&[
        "trace",
        &target,
        "--ehlo",
        "client.test",
        "--quit-after",
        "ehlo",
        "--color",
        "always",
    ]);
    assert!(
        coloured.stdout.contains("\x1b[32mS: 220 mx.test ESMTP ready"),
        "{:?}",
        coloured.stdout
    );
}

#[test]
fn ipv6_loopback_and_local_address() {
    let listener = match std::net::TcpListener::bind("[::1]:0") {
        Ok(l) => l,
        Err(e) => panic!("IPv6 loopback is needed for this test: {e}"),
    };
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        let (mut stream, peer) = listener.accept().unwrap();
        stream.write_all(b"220 v6.test ESMTP\r\n").unwrap();
        let mut line = String::new();
        BufReader::new(stream.try_clone().unwrap()).read_line(&mut line).unwrap();
        stream.write_all(b"221 Bye\r\n").unwrap();
        (peer, line)
    });
    let target = format!("[::1]:{port}");
    let run = smtpx(&[
        "trace",
        &target,
        "-6",
        "--local-addr",
        "::1",
        "--ehlo",
        "client.test",
        "--quit-after",
        "banner",
    ]);
    run.assert_code(0);
    let (peer, line) = handle.join().unwrap();
    assert_eq!(peer.ip().to_string(), "::1");
    assert_eq!(line, "QUIT\r\n");
    assert!(
        run.stdout.starts_with(&format!("· connecting to [::1]:{port} … connected\n")),
        "{}",
        run.stdout
    );
}

#[test]
fn profile_fills_ehlo_and_tls_for_trace() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP"),
        expect("EHLO laptop.example.org"),
        send("250-mx.test\r\n250 STARTTLS"),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let dir = crate::support::TempDir::new("trace-profile");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[profiles.work]\nehlo = \"laptop.example.org\"\ntls = \"none\"\n")
        .unwrap();
    let target = format!("127.0.0.1:{}", server.port());
    let config = config.to_string_lossy().into_owned();
    let run =
        smtpx(&["trace", &target, "--profile", "work", "--config", &config, "--quit-after", "tls"]);
    run.assert_code(0);
    // tls = "none" from the profile: STARTTLS is offered but not used.
    assert!(!run.stdout.contains("C: STARTTLS"), "{}", run.stdout);
}

#[test]
fn verbose_explains_each_ehlo_keyword() {
    let server = ScriptedServer::one(accepting(false));
    let run = trace(&server, &["--quit-after", "ehlo", "-v"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("\n     8BITMIME             accepts 8-bit message bodies (RFC 6152)\n"),
        "{}",
        run.stdout
    );
}
