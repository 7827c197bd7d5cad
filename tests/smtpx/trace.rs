//! `smtpx trace` against the scripted server: golden transcripts (exact lines), the bytes on
//! the wire, STARTTLS and implicit TLS with certificate facts, and the `--json` document.

use crate::support::server::{ScriptedServer, Step, expect, send};
use crate::support::{assert_lines, smtpx};

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
