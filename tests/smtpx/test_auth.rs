//! `smtpx test-auth` against scripted servers: every SASL mechanism succeeding and failing (with
//! real CRAM-MD5 and SCRAM answers, a lying SCRAM server and a malformed challenge), channel
//! binding, EXTERNAL with a client certificate, the TLS policy (no AUTH without TLS, AUTH only
//! after STARTTLS), `--mech all`, the credential sources, profiles, and a password that must
//! never reach any output. The Postfix/Dovecot interop tests are at the end, gated by the rig.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};

use crate::interop::rig;
use crate::support::scram::ScramServer;
use std::sync::{Arc, Mutex};

use crate::support::server::{ScriptedServer, Step, TlsIdentity, expect, respond, send, tls_dir};
use crate::support::{Run, TempDir, smtpx_with};

/// Recognisable, so a leak anywhere is caught.
const PASSWORD: &str = "Zebra-Pw-7731-never-shown";
const TOKEN: &str = "ya29.Tok3n-never-shown";

fn b64(bytes: impl AsRef<[u8]>) -> String {
    BASE64.encode(bytes)
}

fn data_file(name: &str) -> String {
    tls_dir().join(name).to_string_lossy().into_owned()
}

fn password_env() -> Vec<(&'static str, &'static str)> {
    vec![("SMTPX_PASSWORD", PASSWORD)]
}

/// Banner, EHLO offering STARTTLS (and no AUTH), STARTTLS, the handshake, and EHLO offering
/// AUTH with `mechs`.
fn into_tls(mechs: &str) -> Vec<Step> {
    vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS"),
        expect("STARTTLS"),
        send("220 2.0.0 Ready to start TLS"),
        Step::Tls(TlsIdentity::Good),
        expect("EHLO client.test"),
        send(&format!("250-mx.test\r\n250-AUTH {mechs}\r\n250 ENHANCEDSTATUSCODES")),
    ]
}

fn quit() -> Vec<Step> {
    vec![expect("QUIT"), send("221 2.0.0 Bye")]
}

/// `into_tls(mechs)`, then `exchange`, then QUIT.
fn session(mechs: &str, exchange: Vec<Step>) -> Vec<Step> {
    let mut script = into_tls(mechs);
    script.extend(exchange);
    script.extend(quit());
    script
}

/// test-auth against the scripted server as alice, STARTTLS required, the test CA trusted.
fn test_auth(server: &ScriptedServer, extra: &[&str], env: &[(&str, &str)]) -> Run {
    let target = format!("localhost:{}", server.port());
    let ca = data_file("ca.pem");
    let mut args =
        vec!["test-auth", target.as_str(), "--ehlo", "client.test", "-4", "--ca-file", &ca];
    // STARTTLS required, as on port 587, unless the test says otherwise.
    if !extra.contains(&"--tls") {
        args.extend(["--tls", "starttls"]);
    }
    args.extend_from_slice(extra);
    smtpx_with(&args, env, None)
}

fn received(server: &ScriptedServer) -> String {
    String::from_utf8_lossy(&server.received()).into_owned()
}

fn refused_535() -> Step {
    send("535 5.7.8 Error: authentication failed")
}

// ---- PLAIN, LOGIN, CRAM-MD5 ----

#[test]
fn plain_success_shows_mechanisms_before_and_after_tls() {
    let initial = b64(format!("\0alice\0{PASSWORD}"));
    let server = ScriptedServer::one(session(
        "PLAIN LOGIN",
        vec![expect(&format!("AUTH PLAIN {initial}")), send("235 2.7.0 Authentication successful")],
    ));
    let run = test_auth(&server, &["-u", "alice", "--mech", "plain"], &password_env());
    run.assert_code(0);
    assert!(run.stdout.contains("· AUTH before STARTTLS: none advertised\n"), "{}", run.stdout);
    assert!(run.stdout.contains("· AUTH after STARTTLS: PLAIN LOGIN\n"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with(
            "✓ authenticated as alice with PLAIN (235 2.7.0 Authentication successful)\n"
        ),
        "{}",
        run.stdout
    );
    // Without -v there is no transcript.
    assert!(!run.stdout.contains("C: "), "{}", run.stdout);
}

#[test]
fn plain_refused_is_explained_and_exits_77() {
    let initial = b64(format!("\0alice\0{PASSWORD}"));
    let server = ScriptedServer::one(session(
        "PLAIN",
        vec![expect(&format!("AUTH PLAIN {initial}")), refused_535()],
    ));
    let run = test_auth(&server, &["-u", "alice"], &password_env());
    run.assert_code(77);
    assert!(
        run.stdout.contains(
            "✗ PLAIN authentication refused for alice (535 5.7.8 Error: authentication failed)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("   ↳ 535 permanent failure: authentication credentials invalid"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.starts_with("smtpx: error [auth]: AUTH PLAIN refused: 535"),
        "{}",
        run.stderr
    );
}

#[test]
fn temporary_failure_exits_75() {
    let server = ScriptedServer::one(session(
        "PLAIN",
        vec![Step::Discard, send("454 4.7.0 Temporary authentication failure")],
    ));
    let run = test_auth(&server, &["-u", "alice"], &password_env());
    run.assert_code(75);
    assert!(run.stdout.contains("temporary authentication failure"), "{}", run.stdout);
}

fn login_exchange(last: Step) -> Vec<Step> {
    vec![
        expect("AUTH LOGIN"),
        send("334 VXNlcm5hbWU6"),
        expect(&b64("alice")),
        send("334 UGFzc3dvcmQ6"),
        expect(&b64(PASSWORD)),
        last,
    ]
}

#[test]
fn login_success_and_failure() {
    let ok = ScriptedServer::one(session(
        "LOGIN",
        login_exchange(send("235 2.7.0 Authentication successful")),
    ));
    let run = test_auth(&ok, &["-u", "alice", "--mech", "login", "-v"], &password_env());
    run.assert_code(0);
    // The transcript shows the prompts, never the answers.
    assert!(run.stdout.contains("C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6  ("), "{}", run.stdout);
    assert_eq!(run.stdout.matches("C: <redacted>\n").count(), 2, "{}", run.stdout);
    let bad = ScriptedServer::one(session("LOGIN", login_exchange(refused_535())));
    test_auth(&bad, &["-u", "alice", "--mech", "login"], &password_env()).assert_code(77);
}

fn cram_md5_answer(challenge: &str) -> String {
    let mut mac = <Hmac<md5::Md5> as KeyInit>::new_from_slice(PASSWORD.as_bytes()).unwrap();
    mac.update(challenge.as_bytes());
    let digest: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    b64(format!("alice {digest}"))
}

#[test]
fn cram_md5_answers_a_fixed_challenge() {
    let challenge = "<1896.697170952@postoffice.example.net>";
    let exchange = |last: Step| {
        vec![
            expect("AUTH CRAM-MD5"),
            send(&format!("334 {}", b64(challenge))),
            expect(&cram_md5_answer(challenge)),
            last,
        ]
    };
    let ok = ScriptedServer::one(session(
        "CRAM-MD5 PLAIN",
        exchange(send("235 2.7.0 Authentication successful")),
    ));
    let run = test_auth(&ok, &["-u", "alice"], &password_env());
    run.assert_code(0);
    assert!(
        run.stdout.contains("· mechanism chosen automatically — CRAM-MD5: "),
        "auto prefers CRAM-MD5 to PLAIN: {}",
        run.stdout
    );
    let bad = ScriptedServer::one(session("CRAM-MD5", exchange(refused_535())));
    test_auth(&bad, &["-u", "alice", "--mech", "cram-md5"], &password_env()).assert_code(77);
}

#[test]
fn malformed_challenge_is_a_protocol_error() {
    let server = ScriptedServer::one(session(
        "CRAM-MD5",
        vec![
            expect("AUTH CRAM-MD5"),
            send("334 this is not base64!"),
            expect("*"),
            send("501 5.7.0 Authentication cancelled"),
        ],
    ));
    let run = test_auth(&server, &["-u", "alice", "--mech", "cram-md5"], &password_env());
    run.assert_code(76);
    assert!(run.stderr.starts_with("smtpx: error [protocol]: "), "{}", run.stderr);
    assert!(run.stderr.contains("malformed"), "{}", run.stderr);
}

// ---- SCRAM ----

#[test]
fn scram_sha_1_and_sha_256_succeed_with_real_signatures() {
    for mech in ["SCRAM-SHA-1", "SCRAM-SHA-256"] {
        let scram = ScramServer::new(mech, PASSWORD);
        let server = ScriptedServer::one(session(mech, scram.success()));
        let run =
            test_auth(&server, &["-u", "alice", "--mech", &mech.to_lowercase()], &password_env());
        run.assert_code(0);
        assert!(run.stdout.contains(&format!("with {mech} (235 2.7.0")), "{}", run.stdout);
        // On TLS, with no -PLUS offered: "y", I could bind but you cannot (RFC 5802 §6).
        assert_eq!(scram.gs2_headers(), ["y,,"], "{mech}");
        drop(server);
    }
}

#[test]
fn scram_wrong_password_is_refused() {
    let scram = ScramServer::new("SCRAM-SHA-256", "another password");
    let server = ScriptedServer::one(session("SCRAM-SHA-256", vec![scram.first(), scram.last()]));
    let run = test_auth(&server, &["-u", "alice"], &password_env());
    run.assert_code(77);
    assert!(
        run.stdout.contains("(535 5.7.8 Authentication credentials invalid)"),
        "{}",
        run.stdout
    );
}

#[test]
fn scram_server_with_a_wrong_signature_is_not_trusted() {
    let scram = ScramServer::new("SCRAM-SHA-256", PASSWORD).lying();
    let server = ScriptedServer::one(session(
        "SCRAM-SHA-256",
        vec![scram.first(), scram.last(), expect("*"), send("501 5.7.0 Authentication cancelled")],
    ));
    let run = test_auth(&server, &["-u", "alice"], &password_env());
    run.assert_code(77);
    assert!(run.stderr.contains("could not prove it knows the password"), "{}", run.stderr);
    assert!(run.stdout.contains("✗ SCRAM-SHA-256 failed for alice: "), "{}", run.stdout);
}

fn end_point() -> Vec<u8> {
    let hex = std::fs::read_to_string(tls_dir().join("server.end-point.sha256")).unwrap();
    let hex = hex.trim();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn scram_plus_binds_to_the_server_certificate() {
    let scram = ScramServer::new("SCRAM-SHA-256-PLUS", PASSWORD).binding(end_point());
    let server = ScriptedServer::one(session("SCRAM-SHA-256 SCRAM-SHA-256-PLUS", scram.success()));
    let run = test_auth(&server, &["-u", "alice"], &password_env());
    run.assert_code(0);
    assert!(
        run.stdout.contains("· mechanism chosen automatically — SCRAM-SHA-256-PLUS: "),
        "{}",
        run.stdout
    );
    assert_eq!(scram.gs2_headers(), ["p=tls-server-end-point,,"]);
}

#[test]
fn plain_scram_does_not_claim_binding_when_plus_is_offered() {
    // "y" here would tell the server a downgrade happened; "n" is the honest flag.
    let scram = ScramServer::new("SCRAM-SHA-256", PASSWORD);
    let server = ScriptedServer::one(session("SCRAM-SHA-256 SCRAM-SHA-256-PLUS", scram.success()));
    let run = test_auth(&server, &["-u", "alice", "--mech", "scram-sha-256"], &password_env());
    run.assert_code(0);
    assert_eq!(scram.gs2_headers(), ["n,,"]);
}

// ---- OAuth ----

#[test]
fn xoauth2_sends_the_token_and_decodes_the_json_error() {
    let initial = b64(format!("user=alice\x01auth=Bearer {TOKEN}\x01\x01"));
    let ok = ScriptedServer::one(session(
        "XOAUTH2",
        vec![expect(&format!("AUTH XOAUTH2 {initial}")), send("235 2.7.0 Accepted")],
    ));
    let env = [("SMTPX_TOKEN", TOKEN)];
    test_auth(&ok, &["-u", "alice", "--mech", "xoauth2"], &env).assert_code(0);
    let error = r#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#;
    let bad = ScriptedServer::one(session(
        "XOAUTH2",
        vec![
            expect(&format!("AUTH XOAUTH2 {initial}")),
            send(&format!("334 {}", b64(error))),
            expect(""),
            send("535 5.7.8 Username and Password not accepted"),
        ],
    ));
    let run = test_auth(&bad, &["-u", "alice", "--mech", "xoauth2"], &env);
    run.assert_code(77);
    assert!(
        run.stdout.contains(
            "· the server says about the token: 401 (the token is expired, revoked or not valid \
             for this account: get a new one); required scope: https://mail.google.com/"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn oauthbearer_from_a_token_file_is_chosen_automatically() {
    let dir = TempDir::new("token");
    let token_file = dir.file("token", &format!("{TOKEN}\n"), 0o600);
    let error = r#"{"status":"invalid_token","scope":"mail"}"#;
    // The port is known only once the server runs, so the AUTH line is kept and checked after.
    let auth_line = Arc::new(Mutex::new(String::new()));
    let keep = auth_line.clone();
    let server = ScriptedServer::one(session(
        "PLAIN OAUTHBEARER XOAUTH2",
        vec![
            respond(move |line| {
                *keep.lock().unwrap() = line.to_string();
                format!("334 {}", b64(error))
            }),
            expect(&b64("\x01")),
            send("535 5.7.8 Authentication credentials invalid"),
        ],
    ));
    let run = test_auth(&server, &["-u", "alice", "--token-file", &token_file], &[]);
    run.assert_code(77);
    assert!(run.stdout.contains("— OAUTHBEARER (RFC 7628)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("the server says about the token: invalid_token ("),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("required scope: mail"), "{}", run.stdout);
    // The message names the host and port it was sent to (RFC 7628 §3.1).
    let line = auth_line.lock().unwrap().clone();
    let encoded = line.strip_prefix("AUTH OAUTHBEARER ").expect("an OAUTHBEARER initial response");
    let decoded = BASE64.decode(encoded).unwrap();
    let expected = format!(
        "n,a=alice,\x01host=localhost\x01port={}\x01auth=Bearer {TOKEN}\x01\x01",
        server.port()
    );
    assert_eq!(String::from_utf8(decoded).unwrap(), expected);
}

// ---- EXTERNAL ----

#[test]
fn external_authenticates_with_the_client_certificate() {
    let mut script = vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 STARTTLS"),
        expect("STARTTLS"),
        send("220 2.0.0 Ready"),
        Step::TlsClientCert,
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 AUTH EXTERNAL PLAIN"),
        expect("AUTH EXTERNAL ="),
        send("235 2.7.0 Authentication successful"),
    ];
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let (cert, key) = (data_file("client.pem"), data_file("client.key"));
    // No --user and a certificate: auto means EXTERNAL.
    let run = test_auth(&server, &["--client-cert", &cert, "--client-key", &key], &[]);
    run.assert_code(0);
    assert!(run.stdout.contains("— EXTERNAL: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("✓ authenticated as the client certificate's identity with EXTERNAL"),
        "{}",
        run.stdout
    );
    assert_eq!(server.client_cn().as_deref(), Some("alice"));
}

#[test]
fn external_without_a_certificate_is_a_usage_error() {
    let run = smtpx_with(&["test-auth", "127.0.0.1:9", "--mech", "external"], &[], None);
    run.assert_code(64);
    assert!(run.stderr.contains("--client-cert"), "{}", run.stderr);
}

// ---- TLS policy ----

#[test]
fn no_auth_without_tls_and_nothing_sent_but_quit() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 AUTH PLAIN LOGIN"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let run = test_auth(&server, &["-u", "alice", "--tls", "none"], &password_env());
    run.assert_code(77);
    assert_eq!(received(&server), "EHLO client.test\r\nQUIT\r\n");
    assert!(run.stdout.contains("· AUTH (no TLS): PLAIN LOGIN\n"), "{}", run.stdout);
    assert!(
        run.stderr.contains("refusing to authenticate to localhost without TLS"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("use port 587 with STARTTLS or 465"), "{}", run.stderr);
}

#[test]
fn auth_offered_only_after_starttls_is_said() {
    let script = || {
        vec![
            send("220 mx.test ESMTP"),
            expect("EHLO client.test"),
            send("250-mx.test\r\n250 STARTTLS"),
            expect("QUIT"),
            send("221 2.0.0 Bye"),
        ]
    };
    let server = ScriptedServer::one(script());
    let run = test_auth(&server, &["-u", "alice", "--tls", "none"], &password_env());
    run.assert_code(77);
    assert!(run.stderr.contains("advertises AUTH only after STARTTLS"), "{}", run.stderr);
    // Even when plaintext AUTH is allowed, there is nothing to use before STARTTLS.
    let server = ScriptedServer::one(script());
    let extra = ["-u", "alice", "--tls", "none", "--allow-plaintext-auth"];
    let run = test_auth(&server, &extra, &password_env());
    run.assert_code(69);
    assert!(run.stderr.contains("advertises AUTH only after STARTTLS"), "{}", run.stderr);
}

#[test]
fn allow_plaintext_auth_sends_it_anyway() {
    let initial = b64(format!("\0alice\0{PASSWORD}"));
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 AUTH PLAIN"),
        expect(&format!("AUTH PLAIN {initial}")),
        send("235 2.7.0 Authentication successful"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let extra = ["-u", "alice", "--tls", "none", "--allow-plaintext-auth"];
    test_auth(&server, &extra, &password_env()).assert_code(0);
}

#[test]
fn starttls_required_on_submission_but_not_offered() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 AUTH PLAIN"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let run = test_auth(&server, &["-u", "alice"], &password_env());
    run.assert_code(69);
    assert!(run.stderr.contains("does not offer STARTTLS"), "{}", run.stderr);
    assert!(!received(&server).contains("AUTH"));
}

#[test]
fn implicit_tls_shows_one_mechanism_list() {
    let mut script = vec![
        Step::Tls(TlsIdentity::Good),
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 AUTH PLAIN"),
        Step::Discard,
        send("235 2.7.0 Authentication successful"),
    ];
    script.extend(quit());
    let server = ScriptedServer::one(script);
    let run = test_auth(&server, &["-u", "alice", "--tls", "implicit"], &password_env());
    run.assert_code(0);
    assert!(run.stdout.contains("· AUTH (implicit TLS): PLAIN\n"), "{}", run.stdout);
}

#[test]
fn unadvertised_mechanism_needs_force() {
    let server = ScriptedServer::one(session("PLAIN", vec![]));
    let run = test_auth(&server, &["-u", "alice", "--mech", "cram-md5"], &password_env());
    run.assert_code(69);
    assert!(run.stderr.contains("does not advertise CRAM-MD5: it offers PLAIN"), "{}", run.stderr);
    assert!(run.stderr.contains("--force-mech"), "{}", run.stderr);
    let forced = ScriptedServer::one(session(
        "PLAIN",
        vec![expect("AUTH CRAM-MD5"), send("504 5.5.4 Unrecognized authentication type")],
    ));
    let extra = ["-u", "alice", "--mech", "cram-md5", "--force-mech"];
    let run = test_auth(&forced, &extra, &password_env());
    run.assert_code(77);
    assert!(
        run.stdout.contains("! --force-mech: the server does not advertise CRAM-MD5"),
        "{}",
        run.stdout
    );
}

// ---- --mech all ----

fn plain_ok() -> Vec<Step> {
    vec![Step::Discard, send("235 2.7.0 Authentication successful")]
}

#[test]
fn mech_all_tries_each_in_a_new_connection_and_stops_at_535() {
    let mechs = "PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256 GSSAPI";
    let scram = ScramServer::new("SCRAM-SHA-256", PASSWORD);
    let server = ScriptedServer::start(vec![
        session(mechs, vec![]),
        session(mechs, scram.success()),
        session(
            mechs,
            vec![
                expect("AUTH CRAM-MD5"),
                send("334 PDEyMzRAdGVzdD4="),
                Step::Discard,
                refused_535(),
            ],
        ),
    ]);
    let run = test_auth(&server, &["-u", "alice", "--mech", "all"], &password_env());
    run.assert_code(77);
    assert!(run.stdout.contains("! --mech all authenticates once per mechanism"), "{}", run.stdout);
    assert!(run.stdout.contains("can lock the account"), "{}", run.stdout);
    let table: Vec<&str> = run.stdout.lines().skip_while(|l| !l.starts_with("MECHANISM")).collect();
    assert_eq!(
        table,
        [
            "MECHANISM      RESULT       REPLY      MEANING",
            "SCRAM-SHA-256  ok           235 2.7.0  authentication succeeded",
            "CRAM-MD5       refused      535 5.7.8  authentication credentials invalid",
            "PLAIN          skipped      -          not tried: stopped after the first 535 (--keep-going tries the rest)",
            "LOGIN          skipped      -          not tried: stopped after the first 535 (--keep-going tries the rest)",
            "GSSAPI         unsupported  -          smtpx does not implement it",
            "✗ 1 of 2 mechanisms tried failed",
        ]
    );
    assert!(run.stderr.contains("1 of 2 mechanisms tried failed"), "{}", run.stderr);
}

#[test]
fn mech_all_keep_going_and_all_succeeding() {
    let mechs = "PLAIN LOGIN";
    let server = ScriptedServer::start(vec![
        session(mechs, vec![]),
        session(mechs, vec![Step::Discard, refused_535()]),
        session(mechs, login_exchange(send("235 2.7.0 Authentication successful"))),
    ]);
    let extra = ["-u", "alice", "--mech", "all", "--keep-going", "--json"];
    let run = test_auth(&server, &extra, &password_env());
    run.assert_code(77);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let results: Vec<(&str, &str)> = doc["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["mechanism"].as_str().unwrap(), a["result"].as_str().unwrap()))
        .collect();
    assert_eq!(results, [("PLAIN", "refused"), ("LOGIN", "ok")]);
    assert_eq!(doc["result"]["exit_code"], 77);
    let server = ScriptedServer::start(vec![
        session(mechs, vec![]),
        session(mechs, plain_ok()),
        session(mechs, login_exchange(send("235 2.7.0 Authentication successful"))),
    ]);
    let run = test_auth(&server, &["-u", "alice", "--mech", "all"], &password_env());
    run.assert_code(0);
    assert!(run.stdout.ends_with("✓ 2 of 2 mechanisms tried succeeded\n"), "{}", run.stdout);
}

#[test]
fn keep_going_without_all_is_a_usage_error() {
    let run =
        smtpx_with(&["test-auth", "127.0.0.1:9", "-u", "a", "--keep-going"], &password_env(), None);
    run.assert_code(64);
}

// ---- credentials ----

fn plain_session() -> ScriptedServer {
    let initial = b64(format!("\0alice\0{PASSWORD}"));
    ScriptedServer::one(session(
        "PLAIN",
        vec![expect(&format!("AUTH PLAIN {initial}")), send("235 2.7.0 Authentication successful")],
    ))
}

#[test]
fn password_file_must_be_private() {
    let dir = TempDir::new("pwfile");
    let private = dir.file("pw", &format!("{PASSWORD}\n"), 0o600);
    let server = plain_session();
    let run = test_auth(&server, &["-u", "alice", "--password-file", &private], &[]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!("· password for alice from the file {private}")),
        "{}",
        run.stdout
    );
    let open = dir.file("open", &format!("{PASSWORD}\n"), 0o644);
    let run = smtpx_with(
        &["test-auth", "127.0.0.1:9", "-u", "alice", "--password-file", &open],
        &[],
        None,
    );
    run.assert_code(78);
    assert!(run.stderr.contains(&format!("hint: chmod 600 {open}")), "{}", run.stderr);
    assert!(!run.stdout.contains("connecting"), "{}", run.stdout);
}

#[test]
fn password_command_output_is_the_password() {
    let dir = TempDir::new("pwcmd");
    let file = dir.file("pw", &format!("{PASSWORD}\nsecond line\n"), 0o600);
    let server = plain_session();
    let command = format!("cat '{file}'");
    let run = test_auth(&server, &["-u", "alice", "--password-command", &command], &[]);
    run.assert_code(0);
    // The command is not quoted: people do put passwords in it.
    assert!(
        run.stdout.contains("· password for alice from the configured command (not shown)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_password_source_and_no_terminal_exits_78_at_once() {
    // Port 9: nothing may connect; stdin is /dev/null, so no prompt and no hang.
    let run = smtpx_with(&["test-auth", "127.0.0.1:9", "-u", "alice"], &[], None);
    run.assert_code(78);
    assert!(run.stderr.contains("no password for alice"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn user_is_required_for_a_password() {
    let run = smtpx_with(&["test-auth", "127.0.0.1:9"], &password_env(), None);
    run.assert_code(64);
    assert!(run.stderr.contains("--user"), "{}", run.stderr);
}

// ---- profiles ----

#[test]
fn profile_supplies_server_user_and_password_and_flags_win() {
    let dir = TempDir::new("profile");
    let pw = dir.file("pw", PASSWORD, 0o600);
    let server = plain_session();
    let config = dir.file(
        "config.toml",
        &format!(
            "[profiles.work]\nserver = \"localhost:{}\"\nuser = \"bob\"\npassword-file = \"{pw}\"\n\
             tls = \"starttls\"\nehlo = \"client.test\"\nca-file = \"{}\"\nmech = \"plain\"\n",
            server.port(),
            data_file("ca.pem")
        ),
        0o644,
    );
    // --user overrides the profile's bob.
    let args = ["test-auth", "--profile", "work", "--config", &config, "-4", "-u", "alice"];
    let run = smtpx_with(&args, &[], None);
    run.assert_code(0);
    assert!(run.stdout.contains("✓ authenticated as alice with PLAIN"), "{}", run.stdout);
}

#[test]
fn profile_with_a_password_readable_by_others_is_refused() {
    let dir = TempDir::new("profile-open");
    let config = dir.file(
        "config.toml",
        &format!("[profiles.work]\nserver = \"127.0.0.1:9\"\nuser = \"alice\"\npassword = \"{PASSWORD}\"\n"),
        0o644,
    );
    let run = smtpx_with(&["test-auth", "--profile", "work", "--config", &config], &[], None);
    run.assert_code(78);
    assert!(run.stderr.contains("can be read by other users"), "{}", run.stderr);
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
    assert!(!format!("{}{}", run.stdout, run.stderr).contains(PASSWORD));
}

#[test]
fn profile_with_a_bad_value_points_at_the_line() {
    let dir = TempDir::new("profile-bad");
    let config = dir.file(
        "config.toml",
        "[profiles.work]\nuser = \"alice\"\nmech = \"digest-md5\"\n",
        0o600,
    );
    let run = smtpx_with(&["test-auth", "--profile", "work", "--config", &config], &[], None);
    run.assert_code(78);
    assert!(run.stderr.contains(&format!("{config}:3:8: unknown mechanism")), "{}", run.stderr);
}

// ---- the password never shows ----

/// Every form the password takes on the wire.
fn leaked(text: &str) -> bool {
    [
        PASSWORD.to_string(),
        b64(PASSWORD),
        b64(format!("\0alice\0{PASSWORD}")),
        b64(format!("alice\0{PASSWORD}")),
    ]
    .iter()
    .any(|form| text.contains(form.as_str()))
}

#[test]
fn the_password_appears_in_no_output_mode() {
    let modes: [&[&str]; 5] = [&[], &["-v"], &["-vv"], &["--json"], &["-q"]];
    for mode in modes {
        // PLAIN (refused), LOGIN (accepted) and a lying SCRAM server: success, refusal, error.
        let initial = b64(format!("\0alice\0{PASSWORD}"));
        let scram = ScramServer::new("SCRAM-SHA-256", PASSWORD).lying();
        let server = ScriptedServer::start(vec![
            session("PLAIN", vec![expect(&format!("AUTH PLAIN {initial}")), refused_535()]),
            session("LOGIN", login_exchange(send("235 2.7.0 Authentication successful"))),
            session(
                "SCRAM-SHA-256",
                vec![scram.first(), scram.last(), expect("*"), send("501 5.7.0 Cancelled")],
            ),
        ]);
        for (mech, code) in [("plain", 77), ("login", 0), ("scram-sha-256", 77)] {
            let mut extra = vec!["-u", "alice", "--mech", mech];
            extra.extend_from_slice(mode);
            let run = test_auth(&server, &extra, &password_env());
            run.assert_code(code);
            assert!(!leaked(&run.stdout), "{mode:?} {mech} stdout: {}", run.stdout);
            assert!(!leaked(&run.stderr), "{mode:?} {mech} stderr: {}", run.stderr);
        }
    }
}

// ---- trace --quit-after auth ----

fn trace(server: &ScriptedServer, extra: &[&str]) -> Run {
    let target = format!("localhost:{}", server.port());
    let ca = data_file("ca.pem");
    let mut args = vec!["trace", &target, "--ehlo", "client.test", "-4", "--ca-file", &ca];
    args.extend_from_slice(&["--tls", "starttls", "-u", "alice"]);
    args.extend_from_slice(extra);
    smtpx_with(&args, &password_env(), None)
}

#[test]
fn trace_with_a_user_stops_after_auth() {
    let server = plain_session();
    let run = trace(&server, &[]);
    run.assert_code(0);
    assert!(run.stdout.contains("C: AUTH PLAIN <redacted>\n"), "{}", run.stdout);
    assert!(run.stdout.ends_with("✓ authenticated with PLAIN (235 2.7.0)\n"), "{}", run.stdout);
    assert!(!leaked(&run.stdout), "{}", run.stdout);
}

#[test]
fn trace_authenticates_before_the_envelope() {
    let initial = b64(format!("\0alice\0{PASSWORD}"));
    let server = ScriptedServer::one(session(
        "PLAIN",
        vec![
            expect(&format!("AUTH PLAIN {initial}")),
            send("235 2.7.0 Authentication successful"),
            expect("MAIL FROM:<alice@example.org>"),
            send("250 2.1.0 Ok"),
            expect("RCPT TO:<bob@example.com>"),
            send("250 2.1.5 Ok"),
        ],
    ));
    let run = trace(&server, &["--from", "alice@example.org", "--rcpt", "bob@example.com"]);
    run.assert_code(0);
    assert!(run.stdout.ends_with("✓ recipient accepted (250 2.1.5)\n"), "{}", run.stdout);
}

#[test]
fn trace_auth_refused_exits_77() {
    let server = ScriptedServer::one(session("PLAIN", vec![Step::Discard, refused_535()]));
    let run = trace(&server, &["--quit-after", "auth"]);
    run.assert_code(77);
    assert!(run.stdout.ends_with("✗ AUTH PLAIN refused (535 5.7.8)\n"), "{}", run.stdout);
}

// ---- interop: Postfix + Dovecot on loopback (scripts/interop/setup.sh) ----

/// The rig's submission (STARTTLS) and smtps (implicit TLS) ports with their --tls mode.
fn rig_ports(rig: &crate::interop::Rig) -> [(String, &'static str); 2] {
    [(rig.submission_port.clone(), "starttls"), (rig.smtps_port.clone(), "implicit")]
}

fn rig_test_auth(
    rig: &crate::interop::Rig,
    port: &str,
    tls: &str,
    mech: &str,
    password: &str,
) -> Run {
    let target = format!("{}:{port}", rig.host);
    let args = [
        "test-auth",
        &target,
        "--tls",
        tls,
        "--ca-file",
        &rig.ca,
        "--ehlo",
        "client.smtpx.test",
        "-u",
        &rig.user,
        "--mech",
        mech,
    ];
    smtpx_with(&args, &[("SMTPX_PASSWORD", password)], None)
}

#[test]
fn interop_every_mechanism_succeeds_with_the_right_password() {
    let Some(rig) = rig() else { return };
    for (port, tls) in rig_ports(&rig) {
        for mech in ["plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256", "auto"] {
            let run = rig_test_auth(&rig, &port, tls, mech, &rig.password);
            run.assert_code(0);
            assert!(run.stdout.contains("✓ authenticated as "), "{mech} on {port}: {}", run.stdout);
            assert!(!run.stdout.contains(&rig.password), "{}", run.stdout);
        }
    }
}

#[test]
fn interop_wrong_password_exits_77() {
    let Some(rig) = rig() else { return };
    for (port, tls) in rig_ports(&rig) {
        for mech in ["plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256"] {
            let run = rig_test_auth(&rig, &port, tls, mech, "wrong-password");
            run.assert_code(77);
            assert!(run.stdout.contains("(535 5.7.8 "), "{mech} on {port}: {}", run.stdout);
        }
    }
}

#[test]
fn interop_mech_all_table() {
    let Some(rig) = rig() else { return };
    let run = rig_test_auth(&rig, &rig.submission_port, "starttls", "all", &rig.password);
    run.assert_code(0);
    for mech in ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(mech) && l.contains(" ok ")),
            "{mech}: {}",
            run.stdout
        );
    }
}

#[test]
fn interop_no_auth_in_clear_on_the_auth_before_tls_port() {
    let Some(rig) = rig() else { return };
    // The rig's port that offers AUTH before STARTTLS: smtpx still refuses to use it in clear.
    let Ok(port) = std::env::var("SMTPX_INTEROP_AUTH_BEFORE_TLS_PORT") else { return };
    let run = rig_test_auth(&rig, &port, "none", "plain", &rig.password);
    run.assert_code(77);
    assert!(run.stderr.contains("without TLS"), "{}", run.stderr);
}

#[test]
fn interop_trace_logs_in_on_the_submission_port() {
    let Some(rig) = rig() else { return };
    let target = format!("{}:{}", rig.host, rig.submission_port);
    let args = [
        "trace",
        &target,
        "--tls",
        "starttls",
        "--ca-file",
        &rig.ca,
        "--ehlo",
        "client.smtpx.test",
        "-u",
        &rig.user,
    ];
    let run = smtpx_with(&args, &[("SMTPX_PASSWORD", &rig.password)], None);
    run.assert_code(0);
    assert!(
        run.stdout.ends_with("✓ authenticated with SCRAM-SHA-256 (235 2.7.0)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn opportunistic_tls_is_not_enough_for_credentials() {
    // Opportunistic TLS skips verification: AUTH would hand the password to anyone in the middle.
    let server = ScriptedServer::one(session("PLAIN LOGIN", vec![]));
    let run = test_auth(
        &server,
        &["--tls", "opportunistic", "--mech", "plain", "-u", "alice"],
        &password_env(),
    );
    run.assert_code(77);
    assert!(
        run.stderr.contains("refusing to authenticate to localhost over opportunistic TLS"),
        "{}",
        run.stderr
    );
    assert!(!received(&server).contains("AUTH"), "{}", received(&server));
}
