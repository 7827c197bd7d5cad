//! `trace user@domain` end to end through a DNS server on loopback: MX ordering, the next MX on
//! connection failure (`--all-mx`), implicit MX, null MX and NXDOMAIN, each with its exit code.

use std::net::Ipv4Addr;

use crate::support::dns::{TestDns, Zone};
use crate::support::server::{ScriptedServer, Step, expect, send};
use crate::support::{Run, smtpx};

const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// A session that accepts bob@example.test and quits.
fn accepting_script() -> Vec<Step> {
    vec![
        send("220 mx1.example.test ESMTP"),
        expect("EHLO client.test"),
        send("250 mx1.example.test"),
        expect("MAIL FROM:<>"),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<bob@example.test>"),
        send("250 2.1.5 Ok"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]
}

fn trace(dns: &TestDns, address: &str, port: u16, extra: &[&str]) -> Run {
    let dns_server = dns.addr().to_string();
    let port = port.to_string();
    let mut args = vec![
        "trace",
        address,
        "--dns-server",
        &dns_server,
        "--port",
        &port,
        "--ehlo",
        "client.test",
        "-4",
    ];
    args.extend_from_slice(extra);
    smtpx(&args)
}

#[test]
fn mx_hosts_are_listed_in_preference_order_and_the_best_is_used() {
    let server = ScriptedServer::one(accepting_script());
    let dns = TestDns::start(
        Zone::new()
            .mx("example.test", 20, "mx2.example.test")
            .mx("example.test", 10, "mx1.example.test")
            .mx("example.test", 30, "mx3.example.test")
            .a("mx1.example.test", LOOPBACK),
    );
    let run = trace(&dns, "bob@example.test", server.port(), &[]);
    run.assert_code(0);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "· MX example.test: 10 mx1.example.test, 20 mx2.example.test, 30 mx3.example.test"
    );
    assert_eq!(
        lines.next().unwrap(),
        format!("· connecting to mx1.example.test [127.0.0.1]:{} … connected", server.port())
    );
    assert!(run.stdout.ends_with("✓ recipient accepted (250 2.1.5)\n"), "{}", run.stdout);
}

#[test]
fn all_mx_goes_on_to_the_next_host_after_a_refusal() {
    let server = ScriptedServer::one(accepting_script());
    // mx1 resolves to 127.0.0.2, where nothing listens on the server's port.
    let dns = TestDns::start(
        Zone::new()
            .mx("example.test", 10, "mx1.example.test")
            .mx("example.test", 20, "mx2.example.test")
            .a("mx1.example.test", Ipv4Addr::new(127, 0, 0, 2))
            .a("mx2.example.test", LOOPBACK),
    );
    let run = trace(&dns, "bob@example.test", server.port(), &["--all-mx"]);
    run.assert_code(0);
    let port = server.port();
    assert!(
        run.stdout.contains(&format!(
            "· connecting to mx1.example.test [127.0.0.2]:{port} … connection refused\n\
             · trying the next MX host\n\
             · connecting to mx2.example.test [127.0.0.1]:{port} … connected\n"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn without_all_mx_a_refused_best_mx_is_the_answer() {
    let dns = TestDns::start(
        Zone::new()
            .mx("example.test", 10, "mx1.example.test")
            .mx("example.test", 20, "mx2.example.test")
            .a("mx1.example.test", Ipv4Addr::new(127, 0, 0, 2)),
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let run = trace(&dns, "bob@example.test", port, &[]);
    run.assert_code(69);
    assert!(
        run.stderr.starts_with("smtpx: error [connect]: could not connect to mx1.example.test"),
        "{}",
        run.stderr
    );
}

#[test]
fn implicit_mx_uses_the_domain_itself() {
    let server = ScriptedServer::one(accepting_script());
    let dns = TestDns::start(Zone::new().a("example.test", LOOPBACK));
    let run = trace(&dns, "bob@example.test", server.port(), &[]);
    run.assert_code(0);
    assert!(
        run.stdout.starts_with(
            "· MX example.test: none; using example.test itself (implicit MX, RFC 5321 §5.1)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn null_mx_is_reported_and_exits_69() {
    let dns = TestDns::start(Zone::new().null_mx("example.test"));
    let run = trace(&dns, "bob@example.test", 25, &[]);
    run.assert_code(69);
    assert_eq!(run.stdout, "· MX example.test: null MX (RFC 7505): this domain accepts no mail\n");
    assert!(
        run.stderr.starts_with(
            "smtpx: error [dns]: example.test accepts no mail: it publishes a null MX (RFC 7505)\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn nxdomain_exits_68() {
    let dns = TestDns::start(Zone::new().nxdomain("nowhere.test"));
    let run = trace(&dns, "bob@nowhere.test", 25, &[]);
    run.assert_code(68);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "smtpx: error [dns]: nowhere.test does not exist (NXDOMAIN from {})\n  hint: check the domain for typos\n",
            dns.addr()
        )
    );
}

#[test]
fn json_reports_the_mail_route() {
    let server = ScriptedServer::one(accepting_script());
    let dns = TestDns::start(
        Zone::new().mx("example.test", 10, "mx1.example.test").a("mx1.example.test", LOOPBACK),
    );
    let run = trace(&dns, "bob@example.test", server.port(), &["--json"]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["target"]["kind"], "address");
    assert_eq!(doc["dns"]["domain"], "example.test");
    assert_eq!(doc["dns"]["route"]["kind"], "mx");
    assert_eq!(doc["dns"]["route"]["hosts"][0]["exchange"], "mx1.example.test");
    assert_eq!(doc["connection"]["host"], "mx1.example.test");
    assert_eq!(doc["result"]["stage_reached"], "rcpt");
    assert_eq!(doc["result"]["ok"], true);
}

#[test]
fn each_address_of_a_host_is_tried_in_turn() {
    let server =
        ScriptedServer::one(vec![send("220 mx.test ESMTP"), expect("QUIT"), send("221 Bye")]);
    let dns = TestDns::start(
        Zone::new()
            .a("mx.example.test", Ipv4Addr::new(127, 0, 0, 3))
            .a("mx.example.test", LOOPBACK),
    );
    let dns_server = dns.addr().to_string();
    let target = format!("mx.example.test:{}", server.port());
    let run = smtpx(&[
        "trace",
        &target,
        "--dns-server",
        &dns_server,
        "--ehlo",
        "client.test",
        "--quit-after",
        "banner",
    ]);
    run.assert_code(0);
    let port = server.port();
    assert!(
        run.stdout.starts_with(&format!(
            "· connecting to mx.example.test [127.0.0.3]:{port} … connection refused\n\
             · connecting to mx.example.test [127.0.0.1]:{port} … connected\n"
        )),
        "{}",
        run.stdout
    );
}
