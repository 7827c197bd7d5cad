//! Direct delivery (no --server): the recipients' MX hosts from a loopback DNS server, tried in
//! preference order, the next one after a connection failure or a 4xx, one transaction per
//! domain, and null MX reported as a domain that accepts no mail.

use std::net::Ipv4Addr;

use super::{accepting, greeting, quit};
use crate::support::dns::{TestDns, Zone};
use crate::support::server::{ScriptedServer, expect, send};
use crate::support::{Run, TempDir, smtpx_with};

fn direct(dns: &TestDns, port: u16, dir: &TempDir, args: &[&str]) -> Run {
    let dns_server = dns.addr().to_string();
    let port = port.to_string();
    let mut all = vec![
        "send",
        "--dns-server",
        &dns_server,
        "--port",
        &port,
        "-4",
        "--ehlo",
        "client.test",
        "--from",
        "a@example.org",
        "--subject",
        "direct",
        "--timeout",
        "10s",
    ];
    all.extend_from_slice(args);
    let state = dir.path().join("state");
    smtpx_with(&all, &[("XDG_STATE_HOME", state.to_str().unwrap())], None)
}

#[test]
fn the_next_mx_is_tried_after_a_connection_failure() {
    let server = ScriptedServer::one(accepting("a@example.org", "bob@example.test"));
    // mx1 is 127.0.0.2, where nothing listens on the server's port.
    let dns = TestDns::start(
        Zone::new()
            .mx("example.test", 20, "mx2.example.test")
            .mx("example.test", 10, "mx1.example.test")
            .a("mx1.example.test", Ipv4Addr::new(127, 0, 0, 2))
            .a("mx2.example.test", Ipv4Addr::LOCALHOST),
    );
    let dir = TempDir::new("mx-next");
    let run = direct(&dns, server.port(), &dir, &["--to", "bob@example.test"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("server  mx1.example.test:{} (mail host of example.test)", server.port())
    );
    assert!(
        lines[1].starts_with("✗ could not connect to mx1.example.test: 127.0.0.2:"),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines[2],
        format!(
            "server  mx2.example.test [127.0.0.1]:{} (mail host of example.test)",
            server.port()
        )
    );
    assert!(run.stdout.contains("✓ bob@example.test  250 2.1.5 Ok\n"), "{}", run.stdout);
}

#[test]
fn a_temporary_refusal_sends_the_message_to_the_next_mx() {
    let mut deferring = greeting(&[]);
    deferring.extend([
        expect("MAIL FROM:<a@example.org>"),
        send("451 4.3.2 System not accepting network messages"),
        expect("RSET"),
        send("250 2.0.0 Ok"),
    ]);
    deferring.extend(quit());
    let server =
        ScriptedServer::start(vec![deferring, accepting("a@example.org", "bob@example.test")]);
    let dns = TestDns::start(
        Zone::new()
            .mx("example.test", 10, "mx1.example.test")
            .mx("example.test", 20, "mx2.example.test")
            .a("mx1.example.test", Ipv4Addr::LOCALHOST)
            .a("mx2.example.test", Ipv4Addr::LOCALHOST),
    );
    let dir = TempDir::new("mx-4xx");
    let run = direct(&dns, server.port(), &dir, &["--to", "bob@example.test", "-v"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("· temporary failure; trying the next MX host\n"),
        "{}",
        run.stdout
    );
    drop(run);
    assert_eq!(server.contents().len(), 1);
}

#[test]
fn each_domain_gets_its_own_transaction() {
    let server = ScriptedServer::start(vec![
        accepting("a@example.org", "bob@one.test"),
        accepting("a@example.org", "carol@two.test"),
    ]);
    let dns = TestDns::start(
        Zone::new()
            .mx("one.test", 10, "mx.one.test")
            .a("mx.one.test", Ipv4Addr::LOCALHOST)
            .a("two.test", Ipv4Addr::LOCALHOST),
    );
    let dir = TempDir::new("mx-domains");
    let run =
        direct(&dns, server.port(), &dir, &["--to", "bob@one.test", "--cc", "carol@two.test"]);
    run.assert_code(0);
    assert!(run.stdout.contains("(mail host of one.test)"), "{}", run.stdout);
    // two.test has no MX: its own address is its mail host (RFC 5321 §5.1).
    assert!(run.stdout.contains("server  two.test [127.0.0.1]:"), "{}", run.stdout);
    assert!(run.stdout.contains("✓ sent "), "{}", run.stdout);
}

#[test]
fn a_null_mx_domain_accepts_no_mail() {
    let dns = TestDns::start(Zone::new().null_mx("example.test"));
    let dir = TempDir::new("null-mx");
    let run = direct(&dns, 25, &dir, &["--to", "bob@example.test"]);
    run.assert_code(69);
    assert!(
        run.stderr.starts_with(
            "smtpx: error [dns]: example.test accepts no mail: it publishes a null MX (RFC 7505)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("- bob@example.test  not attempted\n"), "{}", run.stdout);
}
