//! Interop against a real Postfix (and Dovecot for SASL) on loopback ports, started by
//! `scripts/interop/setup.sh`; `scripts/test` exports the rig's facts (SMTPX_INTEROP_*). Without
//! them (a plain `cargo test` as a normal user) these tests say they were skipped and pass.

use crate::support::{Run, smtpx};

/// The rig's facts from the environment.
#[allow(dead_code)] // password serves the auth interop tests
pub struct Rig {
    pub host: String,
    pub plain_port: String,
    pub submission_port: String,
    pub smtps_port: String,
    pub ca: String,
    pub user: String,
    pub password: String,
    pub unknown: String,
    pub mail_dir: String,
}

/// The rig, or `None` (with a note on stderr) when it was not started.
pub fn rig() -> Option<Rig> {
    if std::env::var("SMTPX_INTEROP").as_deref() != Ok("1") {
        eprintln!("skipped: the interop rig is not running (scripts/test starts it)");
        return None;
    }
    let var = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| panic!("{k} missing from the rig's environment"))
    };
    Some(Rig {
        host: var("SMTPX_INTEROP_HOST"),
        plain_port: var("SMTPX_INTEROP_PLAIN_PORT"),
        submission_port: var("SMTPX_INTEROP_SUBMISSION_PORT"),
        smtps_port: var("SMTPX_INTEROP_SMTPS_PORT"),
        ca: var("SMTPX_INTEROP_CA"),
        user: var("SMTPX_INTEROP_USER"),
        password: var("SMTPX_INTEROP_PASSWORD"),
        unknown: var("SMTPX_INTEROP_UNKNOWN_RECIPIENT"),
        mail_dir: var("SMTPX_INTEROP_MAIL_DIR"),
    })
}

impl Rig {
    /// `smtpx trace HOST:PORT --ehlo client.smtpx.test --ca-file CA ...`.
    pub fn trace(&self, port: &str, extra: &[&str]) -> Run {
        let target = format!("{}:{port}", self.host);
        let mut args =
            vec!["trace", target.as_str(), "--ehlo", "client.smtpx.test", "--ca-file", &self.ca];
        args.extend_from_slice(extra);
        smtpx(&args)
    }
}

#[test]
fn trace_plain_session_accepts_a_local_recipient() {
    let Some(rig) = rig() else { return };
    let run = rig.trace(&rig.plain_port, &["--tls", "none", "--rcpt", &rig.user]);
    run.assert_code(0);
    assert!(run.stdout.contains("S: 220 "), "{}", run.stdout);
    assert!(run.stdout.contains("S: 250-PIPELINING\n"), "{}", run.stdout);
    assert!(!run.stdout.contains("· TLS"), "{}", run.stdout);
    assert!(run.stdout.ends_with("✓ recipient accepted (250 2.1.5)\n"), "{}", run.stdout);
}

#[test]
fn trace_starttls_shows_tls_facts_and_ehlo_again() {
    let Some(rig) = rig() else { return };
    let run = rig.trace(&rig.plain_port, &["--rcpt", &rig.user]);
    run.assert_code(0);
    let tls = run.stdout.lines().find(|l| l.starts_with("· TLS")).expect("TLS line");
    assert!(tls.starts_with("· TLS 1.3 TLS_"), "{tls}");
    assert!(tls.contains("· certificate localhost, issued by smtpx test CA, expires "), "{tls}");
    assert!(tls.ends_with(" · trusted"), "{tls}");
    assert_eq!(run.stdout.matches("C: EHLO client.smtpx.test\n").count(), 2, "{}", run.stdout);
}

#[test]
fn trace_rejected_recipient_is_explained() {
    let Some(rig) = rig() else { return };
    let run = rig.trace(&rig.plain_port, &["--rcpt", &rig.unknown]);
    run.assert_code(69);
    assert!(
        run.stdout.contains(
            "   ↳ 550 permanent failure: mailbox unavailable · 5.1.1 bad destination mailbox address:"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("✗ recipient refused (550 5.1.1)\n"), "{}", run.stdout);
}

#[test]
fn trace_implicit_tls_on_the_smtps_port() {
    let Some(rig) = rig() else { return };
    let run = rig.trace(&rig.smtps_port, &["--tls", "implicit", "--json"]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["tls"]["upgrade"], "implicit");
    assert_eq!(doc["tls"]["version"], "TLS 1.3");
    assert_eq!(doc["tls"]["trusted"], true);
    assert!(doc["ehlo"]["extensions"].as_array().unwrap().iter().any(|e| e["keyword"] == "AUTH"));
}

#[test]
fn trace_submission_port_requires_starttls() {
    let Some(rig) = rig() else { return };
    // Port 587 semantics come from --tls starttls here, since the rig uses a high port.
    let run = rig.trace(&rig.submission_port, &["--tls", "starttls", "--quit-after", "tls"]);
    run.assert_code(0);
    assert!(run.stdout.contains("· TLS 1.3 "), "{}", run.stdout);
    assert!(run.stdout.contains("S: 250-AUTH "), "AUTH after TLS: {}", run.stdout);
}

#[test]
fn trace_send_delivers_to_the_mailbox() {
    let Some(rig) = rig() else { return };
    let run = rig.trace(
        &rig.plain_port,
        &["--rcpt", &rig.user, "--from", "trace@client.smtpx.test", "--send"],
    );
    run.assert_code(0);
    let line = run.stdout.lines().last().unwrap();
    assert!(line.starts_with("✓ message accepted (250 2.0.0): Ok: queued as "), "{line}");
    let queue_id = line.rsplit(' ').next().unwrap().to_string();
    let local = rig.user.split('@').next().unwrap();
    let message = wait_for_delivery(&format!("{}/{local}/new", rig.mail_dir), &queue_id);
    assert!(message.contains("Subject: smtpx trace test\n"), "{message}");
    assert!(message.contains("This is a test message sent by `smtpx trace --send`."), "{message}");
}

/// Postfix delivers just after its 250; waits (bounded) for the message that mentions `needle`
/// to appear in a Maildir `new/` folder and returns it.
pub fn wait_for_delivery(dir: &str, needle: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found = std::fs::read_dir(dir).into_iter().flatten().flatten().find_map(|entry| {
            let text = std::fs::read_to_string(entry.path()).ok()?;
            text.contains(needle).then_some(text)
        });
        if let Some(text) = found {
            return text;
        }
        assert!(std::time::Instant::now() < deadline, "no message with {needle} in {dir}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
