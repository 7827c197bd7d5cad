//! TLS in traced sessions: STARTTLS and implicit TLS with the test CA, the facts shown (version,
//! cipher, certificate), and every way a certificate can fail verification (exit 77, with the
//! reason and the certificate from a second, unverified handshake).

use crate::support::server::{ScriptedServer, Step, TlsIdentity, expect, send, tls_dir};
use crate::support::{Run, smtpx};

fn ca_file() -> String {
    tls_dir().join("ca.pem").to_string_lossy().into_owned()
}

/// The way into TLS: banner, EHLO offering STARTTLS, STARTTLS, 220, handshake.
fn starttls_prelude(identity: TlsIdentity) -> Vec<Step> {
    vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS"),
        expect("STARTTLS"),
        send("220 2.0.0 Ready to start TLS"),
        Step::Tls(identity),
    ]
}

/// Banner, EHLO offering STARTTLS (without PIPELINING), STARTTLS and its 220: what comes next
/// (a handshake, silence, garbage) is the test's.
fn starttls_offer() -> Vec<Step> {
    vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 STARTTLS"),
        expect("STARTTLS"),
        send("220 2.0.0 Ready to start TLS"),
    ]
}

fn trace_localhost(server: &ScriptedServer, extra: &[&str]) -> Run {
    let target = format!("localhost:{}", server.port());
    let mut args = vec!["trace", target.as_str(), "--ehlo", "client.test", "-4"];
    args.extend_from_slice(extra);
    smtpx(&args)
}

#[test]
fn starttls_with_trusted_certificate_shows_the_facts() {
    let mut script = starttls_prelude(TlsIdentity::Good);
    script.extend([
        expect("EHLO client.test"),
        send("250-mx.test\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let server = ScriptedServer::one(script);
    let ca = ca_file();
    let run = trace_localhost(&server, &["--ca-file", &ca]);
    run.assert_code(0);
    let tls_line = run.stdout.lines().find(|l| l.starts_with("· TLS")).expect("a TLS line");
    assert!(tls_line.starts_with("· TLS 1.3 TLS_AES_256_GCM_SHA384 · "), "{tls_line}");
    assert!(
        tls_line.contains("· certificate localhost, issued by smtpx test CA, expires "),
        "{tls_line}"
    );
    assert!(tls_line.ends_with(" · trusted"), "{tls_line}");
    // RFC 3207 §4.2: EHLO again after TLS, and only then the session goes on.
    assert_eq!(
        String::from_utf8(server.received()).unwrap(),
        "EHLO client.test\r\nSTARTTLS\r\nEHLO client.test\r\nQUIT\r\n"
    );
    assert!(run.stdout.ends_with("✓ TLS established, EHLO accepted (250)\n"), "{}", run.stdout);
}

#[test]
fn implicit_tls_with_json_reports_tls_facts() {
    let server = ScriptedServer::one(vec![
        Step::Tls(TlsIdentity::Good),
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 AUTH PLAIN"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let ca = ca_file();
    let run = trace_localhost(&server, &["--tls", "implicit", "--ca-file", &ca, "--json"]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let tls = &doc["tls"];
    assert_eq!(tls["upgrade"], "implicit");
    assert_eq!(tls["version"], "TLS 1.3");
    assert_eq!(tls["cipher_suite"], "TLS_AES_256_GCM_SHA384");
    assert!(tls["cipher_suite"].as_str().unwrap().starts_with("TLS_"), "{tls}");
    assert_eq!(tls["trusted"], true);
    assert_eq!(tls["certificate"]["subject_cn"], "localhost");
    assert!(tls["certificate"]["sans"].as_array().unwrap().iter().any(|s| s == "127.0.0.1"));
    assert!(tls["certificate"]["days_left"].as_i64().unwrap() > 365);
}

/// Untrusted certificate scripts: the failed handshake, then the inspection connection.
fn untrusted(identity: TlsIdentity) -> ScriptedServer {
    let mut second = starttls_prelude(identity);
    second.push(expect("QUIT"));
    ScriptedServer::start(vec![starttls_prelude(identity), second])
}

fn assert_untrusted(run: &Run, reason: &str) {
    run.assert_code(77);
    assert!(
        run.stderr.starts_with("smtpx: error [tls]: certificate of localhost is not trusted: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(reason), "wanted {reason:?} in {}", run.stderr);
    assert!(run.stderr.contains("hint: if you trust this server, pass its CA with --ca-file"));
    // The certificate is still shown, from the second handshake.
    let line = run.stdout.lines().find(|l| l.starts_with("· TLS")).expect("certificate shown");
    assert!(line.contains("certificate "), "{line}");
}

#[test]
fn self_signed_certificate_is_refused_with_reason() {
    let server = untrusted(TlsIdentity::SelfSigned);
    assert_untrusted(&trace_localhost(&server, &[]), "self-signed");
}

#[test]
fn expired_certificate_is_refused_with_reason() {
    let server = untrusted(TlsIdentity::Expired);
    let ca = ca_file();
    assert_untrusted(&trace_localhost(&server, &["--ca-file", &ca]), "expired");
}

#[test]
fn wrong_name_certificate_is_refused_with_reason() {
    let server = untrusted(TlsIdentity::WrongName);
    let ca = ca_file();
    assert_untrusted(&trace_localhost(&server, &["--ca-file", &ca]), "other.example");
}

#[test]
fn insecure_accepts_and_warns_loudly() {
    let mut script = starttls_prelude(TlsIdentity::SelfSigned);
    script.extend([
        expect("EHLO client.test"),
        send("250 mx.test"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let server = ScriptedServer::one(script);
    let run = trace_localhost(&server, &["--insecure"]);
    run.assert_code(0);
    assert!(run.stdout.contains(" · not verified (--insecure)\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("! --insecure: the certificate was not verified"),
        "{}",
        run.stdout
    );
}

#[test]
fn plaintext_answer_to_client_hello_is_a_handshake_failure() {
    let mut script = starttls_offer();
    script.extend([Step::Discard, send("500 5.5.1 what is this"), Step::Close]);
    let server = ScriptedServer::one(script);
    let run = trace_localhost(&server, &[]);
    run.assert_code(69);
    assert!(
        run.stderr.starts_with("smtpx: error [tls]: TLS handshake with localhost failed: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("(server: "), "{}", run.stderr);
    assert!(run.stderr.contains("plaintext"), "{}", run.stderr);
}

#[test]
fn sni_names_the_certificate_to_verify_when_connecting_by_address() {
    let mut script = starttls_prelude(TlsIdentity::Good);
    script.extend([
        expect("EHLO client.test"),
        send("250 mx.test"),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let server = ScriptedServer::one(script);
    let target = format!("127.0.0.1:{}", server.port());
    let ca = ca_file();
    let run = smtpx(&[
        "trace",
        &target,
        "--ehlo",
        "client.test",
        "--ca-file",
        &ca,
        "--sni",
        "mail.smtpx.test",
        "--json",
    ]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["tls"]["server_name"], "mail.smtpx.test");
    assert_eq!(doc["tls"]["trusted"], true);
}

#[test]
fn stalled_handshake_times_out_with_75() {
    let mut script = starttls_offer();
    script.extend([Step::Stall]);
    let server = ScriptedServer::one(script);
    let run = trace_localhost(&server, &["--timeout", "300ms"]);
    run.assert_code(75);
    assert!(
        run.stderr.starts_with("smtpx: error [tls]: TLS handshake with localhost timed out\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_handshake_trickled_byte_by_byte_still_times_out() {
    // A TLS record header announcing 16 KB, then its body one byte at a time: each byte would
    // renew a per-read socket timeout; the reply deadline must end the wait anyway.
    let mut record = vec![0x16, 0x03, 0x03, 0x40, 0x00];
    record.extend(std::iter::repeat_n(0u8, 400));
    let mut script = starttls_offer();
    script.extend([Step::Discard, Step::Trickle(record, std::time::Duration::from_millis(20))]);
    let server = ScriptedServer::one(script);
    let run = trace_localhost(&server, &["--timeout", "500ms"]);
    run.assert_code(75);
    assert!(
        run.stderr.starts_with("smtpx: error [tls]: TLS handshake with localhost timed out"),
        "{}",
        run.stderr
    );
}

#[test]
fn connection_closed_during_the_handshake_is_worth_a_retry() {
    let mut script = starttls_offer();
    script.extend([Step::Discard, Step::Close]);
    let server = ScriptedServer::one(script);
    let run = trace_localhost(&server, &[]);
    run.assert_code(75);
    assert!(
        run.stderr.starts_with("smtpx: error [tls]: TLS handshake with localhost failed: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "hint: the server closed the connection during the TLS handshake; retry later"
        ),
        "{}",
        run.stderr
    );
}
