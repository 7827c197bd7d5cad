//! Authentication and profiles in `smtpx send`: AUTH after STARTTLS with the report naming the
//! mechanism and user, a refused login (exit 77, nothing sent), no AUTH over a clear connection,
//! the password never in any output, and a profile supplying server, user, password and from.

use base64::Engine as _;

use super::{greeting, quit};
use crate::support::server::{ScriptedServer, Step, TlsIdentity, expect, send, tls_dir};
use crate::support::{TempDir, smtpx_with};

const PASSWORD: &str = "s3cret-Pa55";

/// Greeting with STARTTLS, the TLS handshake, then EHLO offering AUTH PLAIN.
fn starttls_then_auth() -> Vec<Step> {
    let mut s = greeting(&["STARTTLS"]);
    s.extend([expect("STARTTLS"), send("220 2.0.0 Ready"), Step::Tls(TlsIdentity::Good)]);
    s.extend(greeting(&["AUTH PLAIN LOGIN", "PIPELINING"]).into_iter().skip(1));
    s
}

fn plain(user: &str) -> String {
    let payload = format!("\0{user}\0{PASSWORD}");
    format!("AUTH PLAIN {}", base64::engine::general_purpose::STANDARD.encode(payload))
}

fn ca() -> String {
    tls_dir().join("ca.pem").to_str().unwrap().to_string()
}

/// After AUTH PLAIN as `user` succeeds: one pipelined transaction to b@example.com, then QUIT.
fn authed_delivery(user: &str) -> Vec<Step> {
    let mut script = starttls_then_auth();
    script.extend([
        expect(&plain(user)),
        send("235 2.7.0 Authentication successful"),
        expect(&format!("MAIL FROM:<{user}>")),
        expect("RCPT TO:<b@example.com>"),
        expect("DATA"),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    script.extend(quit());
    script
}

/// `send` as alice through the scripted server over STARTTLS, with more arguments.
fn run_login_send(server: &ScriptedServer, dir: &TempDir, extra: &[&str]) -> crate::support::Run {
    let target = format!("localhost:{}", server.port());
    let ca = ca();
    let mut args = vec![
        "send",
        "-s",
        &target,
        "--ehlo",
        "client.test",
        "--ca-file",
        &ca,
        "-u",
        "alice@example.org",
        "--from",
        "alice@example.org",
        "--to",
        "b@example.com",
    ];
    args.extend_from_slice(extra);
    smtpx_with(
        &args,
        &[("SMTPX_PASSWORD", PASSWORD), ("XDG_STATE_HOME", dir.path().to_str().unwrap())],
        None,
    )
}

#[test]
fn auth_plain_after_starttls_is_reported() {
    let server = ScriptedServer::one(authed_delivery("alice@example.org"));
    let dir = TempDir::new("auth-plain");
    let run = run_login_send(&server, &dir, &["-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains("C: AUTH PLAIN <redacted>\n"), "{}", run.stdout);
    assert!(run.stdout.contains("auth    PLAIN as alice@example.org\n"), "{}", run.stdout);
    assert!(!run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD));
}

#[test]
fn a_refused_login_exits_77_and_sends_nothing() {
    let mut script = starttls_then_auth();
    script.extend([
        expect(&plain("alice@example.org")),
        send("535 5.7.8 Error: authentication failed"),
    ]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("auth-refused");
    let run = run_login_send(&server, &dir, &["--json"]);
    run.assert_code(77);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [auth]: AUTH PLAIN refused: 535 5.7.8 Error: authentication failed"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["recipients"][0]["status"], "not_attempted");
    drop(run);
    assert!(!String::from_utf8(server.received()).unwrap().contains("MAIL FROM"));
}

#[test]
fn no_auth_over_a_clear_connection() {
    let mut script = greeting(&["AUTH PLAIN"]);
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let dir = TempDir::new("auth-clear");
    let state = dir.path().to_str().unwrap();
    let target = format!("127.0.0.1:{}", server.port());
    let run = smtpx_with(
        &[
            "send",
            "-s",
            &target,
            "--ehlo",
            "client.test",
            "-u",
            "alice",
            "--from",
            "alice@example.org",
            "--to",
            "b@example.com",
        ],
        &[("SMTPX_PASSWORD", PASSWORD), ("XDG_STATE_HOME", state)],
        None,
    );
    run.assert_code(77);
    assert!(run.stderr.contains("refusing to authenticate to 127.0.0.1 without TLS"));
    drop(run);
    assert_eq!(String::from_utf8(server.received()).unwrap(), "EHLO client.test\r\nQUIT\r\n");
}

#[test]
fn authentication_without_a_server_is_a_usage_error() {
    let run = smtpx_with(
        &["send", "-u", "alice", "--from", "alice@example.org", "--to", "b@example.com"],
        &[("SMTPX_PASSWORD", PASSWORD)],
        None,
    );
    run.assert_code(64);
    assert!(run.stderr.contains("authentication needs a server to log in to"), "{}", run.stderr);
}

#[test]
fn a_profile_gives_server_user_password_and_from() {
    let server = ScriptedServer::one(authed_delivery("me@example.org"));
    let dir = TempDir::new("profile");
    let password = dir.file("pw", &format!("{PASSWORD}\n"), 0o600);
    let config = dir.file(
        "config.toml",
        &format!(
            "[profiles.work]\nserver = \"localhost:{}\"\nuser = \"me@example.org\"\n\
             password-file = \"{password}\"\nfrom = \"me@example.org\"\nehlo = \"client.test\"\n\
             ca-file = \"{}\"\n",
            server.port(),
            ca()
        ),
        0o600,
    );
    let run = smtpx_with(
        &[
            "send",
            "--profile",
            "work",
            "--config",
            &config,
            "--to",
            "b@example.com",
            "--subject",
            "via profile",
        ],
        &[("XDG_STATE_HOME", dir.path().to_str().unwrap())],
        None,
    );
    run.assert_code(0);
    assert!(run.stdout.contains("auth    PLAIN as me@example.org\n"), "{}", run.stdout);
    drop(run);
    let content = String::from_utf8(server.contents()[0].clone()).unwrap();
    assert!(content.contains("\r\nFrom: me@example.org\r\n"), "{content}");
}

#[test]
fn raw_with_a_profile_uses_the_profile_sender() {
    let server = ScriptedServer::one(authed_delivery("me@example.org"));
    let dir = TempDir::new("profile-raw");
    let config = dir.file(
        "config.toml",
        &format!(
            "[profiles.work]\nserver = \"localhost:{}\"\nuser = \"me@example.org\"\n\
             password = \"{PASSWORD}\"\nfrom = \"me@example.org\"\nca-file = \"{}\"\n",
            server.port(),
            ca()
        ),
        0o600,
    );
    let message = b"From: Someone Else <else@example.net>\nSubject: x\n\nbody\n";
    let run = run_send_profile(&dir, &config, message);
    run.assert_code(0);
}

fn run_send_profile(dir: &TempDir, config: &str, stdin: &[u8]) -> crate::support::Run {
    smtpx_with(
        &[
            "send",
            "--profile",
            "work",
            "--config",
            config,
            "--ehlo",
            "client.test",
            "--raw",
            "-",
            "b@example.com",
        ],
        &[("XDG_STATE_HOME", dir.path().to_str().unwrap())],
        Some(stdin),
    )
}
