//! `smtpx send` through the real Postfix of the interop rig (skipped without it), each message
//! read back from the recipient's Maildir: headers, body text, and every attachment decoded to
//! the same SHA-256 as its source file, a 50 MB one and one with a non-ASCII name included.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::interop::{Rig, rig};
use crate::support::mime::{Entity, decode_words};
use crate::support::{Run, TempDir, smtpx_with};

/// A file of pseudo-random bytes (deterministic, incompressible enough to be honest).
fn random_file(dir: &TempDir, name: &str, len: usize) -> PathBuf {
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ len as u64;
    let mut data = Vec::with_capacity(len);
    while data.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(len);
    PathBuf::from(dir.bytes(name, &data))
}

fn sha256(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_file(path: &Path) -> String {
    sha256(&std::fs::read(path).unwrap())
}

/// A Message-ID no other test uses.
fn unique_id(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    format!("<{test}.{}.{}@client.smtpx.test>", std::process::id(), nanos.as_nanos())
}

/// The message in `user`'s Maildir whose header holds `needle`. Only the first 64 KiB of each
/// file are searched, so large messages are read once.
fn find_message(rig: &Rig, user: &str, needle: &str) -> Option<Vec<u8>> {
    let local = user.split('@').next().unwrap();
    let dir = Path::new(&rig.mail_dir).join(local).join("new");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let mut head = vec![0u8; 64 * 1024];
        let Ok(mut file) = std::fs::File::open(entry.path()) else { continue };
        let n = file.read(&mut head).unwrap_or(0);
        if String::from_utf8_lossy(&head[..n]).contains(needle) {
            return std::fs::read(entry.path()).ok();
        }
    }
    None
}

/// Waits (bounded) for the message with this Message-ID: Postfix delivers just after its 250.
fn delivered(rig: &Rig, user: &str, message_id: &str) -> Vec<u8> {
    let needle = format!("Message-ID: {message_id}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(message) = find_message(rig, user, &needle) {
            return message;
        }
        assert!(Instant::now() < deadline, "no message {message_id} for {user}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn send(rig: &Rig, dir: &TempDir, port: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let server = format!("{}:{port}", rig.host);
    let state = dir.path().join("state");
    let mut all = vec!["send", "-s", &server, "--ehlo", "client.smtpx.test", "--ca-file", &rig.ca];
    all.extend_from_slice(args);
    let mut env = env.to_vec();
    env.push(("XDG_STATE_HOME", state.to_str().unwrap()));
    smtpx_with(&all, &env, None)
}

/// Checks the delivered message: headers, the text body, and each attachment by SHA-256.
fn check_message(raw: &[u8], subject: &str, body: &str, attachments: &[(&str, &Path)]) {
    let message = Entity::parse(raw);
    assert_eq!(decode_words(message.header("Subject").unwrap()), subject);
    assert_eq!(message.header("From"), Some("Sender <sender@client.smtpx.test>"));
    assert_eq!(message.header("MIME-Version"), Some("1.0"));
    assert_eq!(message.count("Bcc"), 0);
    let leaves = message.leaves();
    assert_eq!(leaves[0].content_type(), "text/plain");
    assert_eq!(String::from_utf8(leaves[0].decoded()).unwrap().trim_end(), body);
    assert_eq!(leaves.len(), attachments.len() + 1, "one part per attachment");
    for (leaf, (name, path)) in leaves[1..].iter().zip(attachments) {
        assert_eq!(leaf.param("Content-Disposition", "filename").as_deref(), Some(*name));
        assert_eq!(sha256(&leaf.decoded()), sha256_file(path), "attachment {name}");
    }
}

#[test]
fn send_plain_port_delivers_a_50_mb_attachment_and_a_non_ascii_name() {
    let Some(rig) = rig() else { return };
    let dir = TempDir::new("interop-plain");
    let big = random_file(&dir, "big.bin", 50 * 1024 * 1024);
    let named = random_file(&dir, "Prüfbericht für Zoë.pdf", 70_000);
    let id = unique_id("plain");
    let header = format!("Message-ID: {id}");
    let run = send(
        &rig,
        &dir,
        &rig.plain_port,
        &[
            "--tls",
            "none",
            "--from",
            "Sender <sender@client.smtpx.test>",
            "--to",
            &rig.user,
            "--subject",
            "Interop: große Anhänge",
            "--body",
            "Both files attached.",
            "-H",
            &header,
            "--attach",
            big.to_str().unwrap(),
            "--attach",
            named.to_str().unwrap(),
        ],
        &[],
    );
    if run.stderr.contains("accepts messages of at most") {
        panic!(
            "the rig's Postfix refuses messages this size: scripts/interop/setup.sh must set \
             message_size_limit (and virtual_mailbox_limit) to at least 100 MB\n{}",
            run.stderr
        );
    }
    run.assert_code(0);
    assert!(run.stdout.contains("queued  as "), "{}", run.stdout);
    let raw = delivered(&rig, &rig.user, &id);
    check_message(
        &raw,
        "Interop: große Anhänge",
        "Both files attached.",
        &[("big.bin", &big), ("Prüfbericht für Zoë.pdf", &named)],
    );
}

#[test]
fn send_plain_port_refuses_an_unknown_recipient_and_sends_nothing() {
    let Some(rig) = rig() else { return };
    let dir = TempDir::new("interop-refused");
    let id = unique_id("refused");
    let header = format!("Message-ID: {id}");
    let to = format!("{},{}", rig.user, rig.unknown);
    let run = send(
        &rig,
        &dir,
        &rig.plain_port,
        &["--from", "sender@client.smtpx.test", "--to", &to, "--subject", "never", "-H", &header],
        &[],
    );
    run.assert_code(69);
    assert!(run.stdout.contains("   ↳ 550 permanent failure: mailbox unavailable · 5.1.1 "));
    assert!(run.stderr.contains("nothing was sent; the message was saved to "), "{}", run.stderr);
    // A second message proves the session after it works and that the first never arrived.
    let later = unique_id("after-refused");
    let header = format!("Message-ID: {later}");
    let run = send(
        &rig,
        &dir,
        &rig.plain_port,
        &[
            "--from",
            "sender@client.smtpx.test",
            "--to",
            &rig.user,
            "--subject",
            "later",
            "-H",
            &header,
        ],
        &[],
    );
    run.assert_code(0);
    delivered(&rig, &rig.user, &later);
    let needle = format!("Message-ID: {id}");
    assert!(find_message(&rig, &rig.user, &needle).is_none(), "the refused message was delivered");
}

/// A message with two small attachments through an authenticated TLS port, read back.
fn send_authenticated(rig: &Rig, port: &str, tls: &str, test: &str) {
    let dir = TempDir::new(test);
    let report = dir.bytes("report.csv", b"quarter,total\nQ1,12\nQ2,.5\n");
    let image = random_file(&dir, "image.png", 300_000);
    let id = unique_id(test);
    let header = format!("Message-ID: {id}");
    let run = send(
        rig,
        &dir,
        port,
        &[
            "--tls",
            tls,
            "-u",
            &rig.user,
            "--from",
            "Sender <sender@client.smtpx.test>",
            "--to",
            &rig.user,
            "--subject",
            "Interop: authenticated",
            "--body",
            "Numbers and a picture.",
            "-H",
            &header,
            "--attach",
            &report,
            "--attach",
            image.to_str().unwrap(),
        ],
        &[("SMTPX_PASSWORD", &rig.password)],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("tls     TLS 1.3 "), "{}", run.stdout);
    assert!(run.stdout.contains(&format!(" as {}\n", rig.user)), "{}", run.stdout);
    assert!(!run.stdout.contains(&rig.password) && !run.stderr.contains(&rig.password));
    let raw = delivered(rig, &rig.user, &id);
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains(&format!("(Authenticated sender: {})", rig.user)), "{text}");
    assert!(text.contains("using TLSv1.3"), "{text}");
    check_message(
        &raw,
        "Interop: authenticated",
        "Numbers and a picture.",
        &[("report.csv", Path::new(&report)), ("image.png", &image)],
    );
}

#[test]
fn send_starttls_and_auth_on_the_submission_port() {
    let Some(rig) = rig() else { return };
    send_authenticated(&rig, &rig.submission_port, "starttls", "interop-submission");
}

#[test]
fn send_implicit_tls_and_auth_on_the_submissions_port() {
    let Some(rig) = rig() else { return };
    send_authenticated(&rig, &rig.smtps_port, "implicit", "interop-implicit");
}
