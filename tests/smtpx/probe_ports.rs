//! `smtpx probe-ports` against several scripted servers at once: plain with STARTTLS, implicit
//! TLS found on a silent port, a refused port, a port that accepts TCP and never greets, expired
//! and wrong-name certificates, a refusing banner; the table rows, the verdicts, the exit codes
//! (0, 69, 68, 64) and the JSON document. Ports are random, so rows are compared with each port
//! replaced by a name and timings by `N ms`; the renderer's exact layout is unit-tested beside it.
//! The `interop` test probes the loopback Postfix rig (SMTPX_INTEROP=1, set by scripts/test).

use std::net::TcpListener;

use crate::support::dns::{TestDns, Zone};
use crate::support::server::{ScriptedServer, Step, TlsIdentity, expect, send, tls_dir};
use crate::support::{Run, assert_lines, smtpx};

fn ca_file() -> String {
    tls_dir().join("ca.pem").to_string_lossy().into_owned()
}

/// A port nothing listens on: bound, then released.
fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Banner, EHLO offering STARTTLS, STARTTLS, handshake with `identity`.
fn starttls_prelude(identity: TlsIdentity) -> Vec<Step> {
    vec![
        send("220 mx.test ESMTP Postfix (Debian/GNU)"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS"),
        expect("STARTTLS"),
        send("220 2.0.0 Ready to start TLS"),
        Step::Tls(identity),
    ]
}

/// The EHLO after TLS (AUTH appears only now) and QUIT.
fn after_tls() -> Vec<Step> {
    vec![
        expect("EHLO client.test"),
        send("250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 AUTH PLAIN LOGIN"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]
}

/// A submission server: STARTTLS with a trusted certificate, AUTH only after TLS.
fn submission_server() -> ScriptedServer {
    let mut script = starttls_prelude(TlsIdentity::Good);
    script.extend(after_tls());
    ScriptedServer::one(script)
}

/// Implicit TLS on a random port: the first connection waits for a ClientHello that does not
/// come (the probe waits for a banner, then hangs up), the second one speaks TLS.
fn implicit_server() -> ScriptedServer {
    ScriptedServer::start(vec![
        vec![Step::Tls(TlsIdentity::Good)],
        vec![
            Step::Tls(TlsIdentity::Good),
            send("220 mx.test ESMTP Exim 4.96"),
            expect("EHLO client.test"),
            send("250-mx.test\r\n250-SIZE 52428800\r\n250 AUTH PLAIN"),
            expect("QUIT"),
            send("221 mx.test closing connection"),
        ],
    ])
}

/// A certificate the probe does not trust: the verified handshake, the engine's inspection of
/// the certificate, then the probe's unverified session that reads the EHLO after TLS.
fn untrusted_server(identity: TlsIdentity) -> ScriptedServer {
    let mut inspection = starttls_prelude(identity);
    inspection.push(expect("QUIT"));
    let mut unverified = starttls_prelude(identity);
    unverified.extend(after_tls());
    ScriptedServer::start(vec![starttls_prelude(identity), inspection, unverified])
}

fn probe(ports: &[u16], extra: &[&str]) -> Run {
    let ports = ports.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
    let ca = ca_file();
    let mut args =
        vec!["probe-ports", "127.0.0.1", "--ports", &ports, "--ehlo", "client.test", "--ca-file"];
    args.push(&ca);
    args.extend_from_slice(extra);
    smtpx(&args)
}

/// Replaces each port (a whole run of digits) by its name and every `N ms` timing by `N ms`,
/// and collapses runs of spaces: column widths and indentation depend on the port numbers.
fn normalize(text: &str, names: &[(u16, &str)]) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut words: Vec<String> =
            line.split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
        for i in 0..words.len() {
            if words.get(i + 1).is_some_and(|w| w == "ms") && words[i].parse::<u64>().is_ok() {
                words[i] = "N".into();
            }
        }
        out.push_str(&rename_ports(&words.join(" "), names));
        out.push('\n');
    }
    out
}

fn rename_ports(line: &str, names: &[(u16, &str)]) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        let name = names.iter().find(|(p, _)| p.to_string() == *digits).map(|(_, n)| *n);
        out.push_str(name.unwrap_or(digits));
        digits.clear();
    };
    for c in line.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

#[test]
fn plain_implicit_and_refused_ports_in_one_run() {
    let submission = submission_server();
    let implicit = implicit_server();
    let closed = refused_port();
    let ports = [submission.port(), implicit.port(), closed];
    let run = probe(&ports, &[]);
    run.assert_code(0);
    let names = [(submission.port(), "SUBM"), (implicit.port(), "IMPL"), (closed, "SHUT")];
    let text = normalize(&run.stdout, &names);
    let expected = "\
ADDRESS PORT TCP CONNECT BANNER TLS CERTIFICATE AUTH
127.0.0.1 SUBM open N ms 220 STARTTLS 1.3 trusted after TLS
127.0.0.1 IMPL open N ms 220 implicit 1.3 trusted after TLS
127.0.0.1 SHUT closed - - - - -

127.0.0.1
✓ SUBM: submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN
banner 220 mx.test ESMTP Postfix (Debian/GNU)
server mx.test, Postfix
EHLO PIPELINING, SIZE 10240000, STARTTLS
TLS STARTTLS · TLS 1.3 TLS_AES_256_GCM_SHA384
";
    assert_lines(&text[..expected.len().min(text.len())], expected);
    let verdicts: Vec<&str> = text.lines().filter(|l| l.starts_with(['✓', '!', '✗'])).collect();
    assert_eq!(
        verdicts,
        [
            "✓ SUBM: submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN",
            "✓ IMPL: submission ready — implicit TLS (TLS 1.3), AUTH PLAIN",
            "✗ SHUT: closed — connection refused, nothing listens there",
            "✓ 2 of 3 probes accept an SMTP session (ports SUBM, IMPL)",
        ]
    );
    assert!(text.contains("\nEHLO (TLS) as before TLS, plus AUTH PLAIN LOGIN\n"), "{text}");
    assert!(text.contains("\nAUTH before TLS: none · after TLS: PLAIN LOGIN\n"), "{text}");
    assert!(text.contains("\nSIZE 10240000 bytes (9.8 MiB)\n"), "{text}");
    assert!(text.contains("\nserver mx.test, Exim\n"), "{text}");
    assert!(text.contains("\nEHLO (TLS) SIZE 52428800, AUTH PLAIN\n"), "{text}");
    // Never MAIL, RCPT or AUTH; every session ends with QUIT.
    assert_eq!(
        String::from_utf8(submission.received()).unwrap(),
        "EHLO client.test\r\nSTARTTLS\r\nEHLO client.test\r\nQUIT\r\n"
    );
    assert_eq!(String::from_utf8(implicit.received()).unwrap(), "EHLO client.test\r\nQUIT\r\n");
}

#[test]
fn table_columns_line_up() {
    let submission = submission_server();
    let closed = refused_port();
    let run = probe(&[submission.port(), closed], &[]);
    run.assert_code(0);
    let table: Vec<&str> = run.stdout.lines().take(3).collect();
    let column = |line: &str, word: &str| line.find(word).unwrap();
    // Each header starts where its column's values start.
    for (header, open_row, closed_row) in [("TCP", "open", "closed"), ("TLS", "STARTTLS", "-")] {
        assert_eq!(column(table[0], header), column(table[1], open_row), "{table:?}");
        if closed_row != "-" {
            assert_eq!(column(table[0], header), column(table[2], closed_row), "{table:?}");
        }
    }
    assert!(!run.stdout.contains('\x1b'), "no colour when stdout is not a terminal");
}

#[test]
fn silent_port_has_no_banner_and_no_tls() {
    // Both connections (the plain one, then the implicit-TLS attempt) get nothing back.
    let silent = ScriptedServer::start(vec![vec![Step::Stall], vec![Step::Stall]]);
    let run = probe(&[silent.port()], &["--timeout", "1s"]);
    run.assert_code(69);
    let text = normalize(&run.stdout, &[(silent.port(), "MUTE")]);
    assert!(text.starts_with("ADDRESS PORT TCP CONNECT BANNER TLS CERTIFICATE AUTH\n127.0.0.1 MUTE open N ms none - - -\n"), "{text}");
    assert!(
        text.contains(
            "\n✗ MUTE: no SMTP banner within 1 s and no TLS handshake either — the port accepts \
             TCP but says nothing\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("\n✗ no probed port accepts an SMTP session\n"), "{text}");
}

#[test]
fn implicit_tls_to_a_silent_port_times_out() {
    // Before the engine bounded the handshake, this blocked forever.
    let silent = ScriptedServer::one(vec![Step::Stall]);
    let run = probe(&[silent.port()], &["--tls", "implicit", "--timeout", "1s"]);
    run.assert_code(69);
    let text = normalize(&run.stdout, &[(silent.port(), "MUTE")]);
    assert!(text.contains("\n127.0.0.1 MUTE open N ms none implicit failed - -\n"), "{text}");
    assert!(text.contains("\n✗ MUTE: TLS handshake with 127.0.0.1 timed out\n"), "{text}");
}

#[test]
fn untrusted_certificates_are_reported_and_the_rest_still_read() {
    let expired = untrusted_server(TlsIdentity::Expired);
    let wrong_name = untrusted_server(TlsIdentity::WrongName);
    let run = probe(&[expired.port(), wrong_name.port()], &[]);
    run.assert_code(0);
    let names = [(expired.port(), "OLD"), (wrong_name.port(), "WRONG")];
    let text = normalize(&run.stdout, &names);
    assert!(
        text.contains("\n127.0.0.1 OLD open N ms 220 STARTTLS 1.3 expired after TLS\n"),
        "{text}"
    );
    assert!(
        text.contains("\n127.0.0.1 WRONG open N ms 220 STARTTLS 1.3 name mismatch after TLS\n"),
        "{text}"
    );
    for port in ["OLD", "WRONG"] {
        let verdict =
            format!("\n! {port}: submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN\n");
        assert!(text.contains(&verdict), "{text}");
    }
    assert!(
        text.contains("\n! OLD: certificate not trusted: certificate expired 2021-01-01 ("),
        "{text}"
    );
    assert!(
        text.contains(
            "\n! WRONG: certificate not trusted: certificate is for other.example, not 127.0.0.1\n"
        ),
        "{text}"
    );
    // The certificate facts come from the inspection handshake.
    assert!(
        text.contains("\ncertificate other.example, issued by smtpx test CA, expires "),
        "{text}"
    );
    assert!(
        text.contains("\ncertificate localhost, issued by smtpx test CA, expired 2021-01-01"),
        "{text}"
    );
}

#[test]
fn refusing_banner_is_not_a_session() {
    let server = ScriptedServer::one(vec![
        send("554 5.7.1 mx.test no SMTP service here"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]);
    let run = probe(&[server.port()], &[]);
    run.assert_code(69);
    let text = normalize(&run.stdout, &[(server.port(), "NOPE")]);
    assert!(text.contains("\n127.0.0.1 NOPE open N ms 554 - - -\n"), "{text}");
    assert!(
        text.contains("\n✗ NOPE: refuses sessions (554 5.7.1 mx.test no SMTP service here)\n"),
        "{text}"
    );
}

#[test]
fn server_text_is_escaped() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test \x1b]0;owned\x07 ESMTP \u{202e}gnp"),
        expect("EHLO client.test"),
        send("250 mx.test"),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let run = probe(&[server.port()], &[]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("banner       220 mx.test \\x1b]0;owned\\x07 ESMTP \\u{202e}gnp\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\x1b') && !run.stdout.contains('\u{202e}'), "{}", run.stdout);
}

#[test]
fn plain_session_without_tls_warns() {
    let server = ScriptedServer::one(vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        send("250-mx.test\r\n250 AUTH LOGIN"),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let run = probe(&[server.port()], &[]);
    run.assert_code(0);
    let text = normalize(&run.stdout, &[(server.port(), "PORT")]);
    assert!(text.contains("\n127.0.0.1 PORT open N ms 220 none - in clear!\n"), "{text}");
    assert!(text.contains("\n! PORT: SMTP ready — no TLS, AUTH LOGIN in clear only\n"), "{text}");
    assert!(
        text.contains("\n! PORT: AUTH offered without TLS (password would travel in clear)\n"),
        "{text}"
    );
}

#[test]
fn json_document_carries_every_fact() {
    let submission = submission_server();
    let closed = refused_port();
    let run = probe(&[submission.port(), closed], &["--json"]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], "probe-ports");
    assert_eq!(doc["target"]["kind"], "host");
    assert_eq!(doc["ports"], serde_json::json!([submission.port(), closed]));
    assert_eq!(doc["hosts"][0]["addresses"], serde_json::json!(["127.0.0.1"]));
    let p = &doc["probes"][0];
    assert_eq!(p["port"], submission.port());
    assert_eq!(p["tcp"], "open");
    assert!(p["connect_ms"].is_u64());
    assert_eq!(p["banner"]["code"], 220);
    assert_eq!(p["banner"]["host"], "mx.test");
    assert_eq!(p["banner"]["software"], "Postfix");
    assert_eq!(p["starttls_offered"], true);
    assert_eq!(p["tls_path"], "starttls");
    assert_eq!(p["tls"]["version"], "TLS 1.3");
    assert_eq!(p["tls"]["cipher_suite"], "TLS_AES_256_GCM_SHA384");
    assert_eq!(p["tls"]["certificate"]["subject_cn"], "localhost");
    assert!(p["tls"]["certificate"]["days_left"].as_i64().unwrap() > 14);
    assert_eq!(p["trust"]["kind"], "trusted");
    assert_eq!(p["facts"]["auth_before_tls"], serde_json::json!([]));
    assert_eq!(p["facts"]["auth_after_tls"], serde_json::json!(["PLAIN", "LOGIN"]));
    assert_eq!(p["facts"]["size"]["limit"], 10_240_000);
    assert_eq!(p["facts"]["pipelining"], true);
    assert_eq!(p["ehlo"]["extensions"][2]["keyword"], "STARTTLS");
    assert_eq!(p["ehlo_after_tls"]["extensions"][2]["keyword"], "AUTH");
    assert_eq!(p["accepts_session"], true);
    assert_eq!(p["verdict"]["level"], "good");
    assert_eq!(p["warnings"], serde_json::json!([]));
    let closed_probe = &doc["probes"][1];
    assert_eq!(closed_probe["tcp"], "closed");
    assert_eq!(closed_probe["tcp_error"], "connection refused");
    assert_eq!(closed_probe["verdict"]["level"], "bad");
    assert_eq!(doc["result"]["ok"], true);
    assert_eq!(doc["result"]["exit_code"], 0);
    assert_eq!(doc["result"]["accepting"], 1);
    assert_eq!(doc["result"]["probes"], 2);
}

#[test]
fn require_decides_the_exit_code() {
    let submission = submission_server();
    let closed = refused_port();
    let run = probe(&[submission.port()], &["--require", &closed.to_string()]);
    run.assert_code(69);
    let last = run.stdout.lines().last().unwrap();
    assert_eq!(
        last,
        format!("✗ required port {closed} does not accept an SMTP session at 127.0.0.1:{closed}")
    );
    let submission = submission_server();
    let run = probe(&[closed], &["--require", &submission.port().to_string()]);
    run.assert_code(0);
    assert!(run.stdout.ends_with(&format!(
        "✓ every probe of the required ports ({}) accepts an SMTP session\n",
        submission.port()
    )));
}

#[test]
fn mx_hosts_are_probed_and_unresolved_ones_listed() {
    let server = ScriptedServer::one(vec![
        send("220 mx1.example.test ESMTP"),
        expect("EHLO client.test"),
        send("250 mx1.example.test"),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let dns = TestDns::start(
        Zone::new()
            .mx("example.test", 10, "mx1.example.test")
            .mx("example.test", 20, "mx2.example.test")
            .a("mx1.example.test", "127.0.0.1".parse().unwrap()),
    );
    let (port, dns_addr) = (server.port().to_string(), dns.addr().to_string());
    let run = smtpx(&[
        "probe-ports",
        "bob@example.test",
        "--ports",
        &port,
        "--dns-server",
        &dns_addr,
        "--ehlo",
        "client.test",
        "-4",
    ]);
    run.assert_code(0);
    let text = normalize(&run.stdout, &[(server.port(), "PORT")]);
    let expected = "\
· MX example.test: 10 mx1.example.test, 20 mx2.example.test
HOST ADDRESS PORT TCP CONNECT BANNER TLS CERTIFICATE AUTH
mx1.example.test 127.0.0.1 PORT open N ms 220 none - none
mx2.example.test - - unresolved - - - - -

mx1.example.test [127.0.0.1]
! PORT: SMTP ready — no TLS, no AUTH
! PORT: no TLS: mail would travel in clear
banner 220 mx1.example.test ESMTP
server mx1.example.test
EHLO no extensions
AUTH before TLS: none · after TLS: -

✗ mx2.example.test: does not resolve — mx2.example.test does not exist (NXDOMAIN from ";
    assert_lines(&text[..expected.len().min(text.len())], expected);
    assert!(text.ends_with("\n✓ 1 of 1 probes accept an SMTP session (ports PORT)\n"), "{text}");
}

#[test]
fn unresolvable_target_exits_68() {
    let dns = TestDns::start(Zone::new().nxdomain("nowhere.test"));
    let run = smtpx(&["probe-ports", "nowhere.test", "--dns-server", &dns.addr().to_string()]);
    run.assert_code(68);
    assert!(
        run.stderr.starts_with("smtpx: error [dns]: nowhere.test does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("✗ nowhere.test: does not resolve"), "{}", run.stdout);
}

#[test]
fn null_mx_exits_69() {
    let dns = TestDns::start(Zone::new().null_mx("nomail.test"));
    let run =
        smtpx(&["probe-ports", "--mx", "nomail.test", "--dns-server", &dns.addr().to_string()]);
    run.assert_code(69);
    assert!(
        run.stderr.contains("nomail.test accepts no mail: it publishes a null MX"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_64() {
    let run = smtpx(&["probe-ports", "127.0.0.1", "--port", "25"]);
    run.assert_code(64);
    assert!(run.stderr.contains("--port does not apply"), "{}", run.stderr);
    let run = smtpx(&["probe-ports", "127.0.0.1:25", "--ports", "587"]);
    run.assert_code(64);
    assert!(run.stderr.contains("either in TARGET or in --ports"), "{}", run.stderr);
    smtpx(&["probe-ports", "--mx", "127.0.0.1"]).assert_code(64);
    smtpx(&["probe-ports", "127.0.0.1", "--ports", "0"]).assert_code(64);
}

#[test]
fn help_documents_exit_codes_and_tls() {
    let run = smtpx(&["probe-ports", "--help"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("68  the target (or every MX host) does not resolve"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("69  no probed port accepts an SMTP session"), "{}", run.stdout);
    assert!(!run.stdout.contains("--port <"), "--port is hidden: {}", run.stdout);
}

/// Against the loopback Postfix rig that scripts/interop/setup.sh starts.
#[test]
fn interop_postfix_ports() {
    if std::env::var("SMTPX_INTEROP").as_deref() != Ok("1") {
        println!("skipped: set SMTPX_INTEROP=1 (scripts/test does)");
        return;
    }
    // The rig's ports (scripts/test exports them), with the defaults of scripts/interop/setup.sh.
    let port = |key: &str, default: u16| {
        std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let plain = port("SMTPX_INTEROP_PLAIN_PORT", 10025);
    let smtps = port("SMTPX_INTEROP_SMTPS_PORT", 10465);
    let submission = port("SMTPX_INTEROP_SUBMISSION_PORT", 10587);
    let clear_auth = port("SMTPX_INTEROP_AUTH_BEFORE_TLS_PORT", 10026);
    let (ports, ca) = (format!("{plain},{smtps},{submission},{clear_auth}"), ca_file());
    let run = smtpx(&[
        "probe-ports",
        "127.0.0.1",
        "--ports",
        &ports,
        "--ca-file",
        &ca,
        "--ehlo",
        "client.example.org",
        "--json",
    ]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let probe = |port: u16| {
        doc["probes"].as_array().unwrap().iter().find(|p| p["port"] == port).unwrap().clone()
    };
    let verdict = |p: &serde_json::Value| p["verdict"]["text"].as_str().unwrap().to_string();
    for port in [plain, smtps, submission, clear_auth] {
        let p = probe(port);
        assert_eq!(p["accepts_session"], true, "{port}: {p}");
        assert_eq!(p["trust"]["kind"], "trusted", "{port}: {p}");
        assert_eq!(p["banner"]["software"], "Postfix", "{port}: {p}");
    }
    // Submission: STARTTLS, and AUTH only after TLS.
    let p = probe(submission);
    assert_eq!(p["tls_path"], "starttls");
    assert_eq!(p["facts"]["auth_before_tls"], serde_json::json!([]));
    assert!(!p["facts"]["auth_after_tls"].as_array().unwrap().is_empty(), "{p}");
    assert_eq!(p["verdict"]["level"], "good");
    let want = format!("{submission}: submission ready — STARTTLS (TLS 1.");
    assert!(verdict(&p).starts_with(&want), "{p}");
    // Implicit TLS, found although the port is not 465.
    let p = probe(smtps);
    assert_eq!(p["tls_path"], "implicit");
    assert_eq!(p["implicit_tls_detected"], true);
    let want = format!("{smtps}: submission ready — implicit TLS (TLS 1.");
    assert!(verdict(&p).starts_with(&want), "{p}");
    // AUTH offered before TLS: a warning.
    let p = probe(clear_auth);
    assert!(!p["facts"]["auth_before_tls"].as_array().unwrap().is_empty(), "{p}");
    assert_eq!(p["verdict"]["level"], "warning");
    assert_eq!(p["warnings"][0], "AUTH offered before TLS (password would travel in clear)");
    // The relay port: STARTTLS, no AUTH at all.
    let p = probe(plain);
    assert_eq!(p["facts"]["auth_after_tls"], serde_json::json!([]));
    assert!(verdict(&p).starts_with(&format!("{plain}: SMTP ready — STARTTLS (TLS 1.")), "{p}");
}
