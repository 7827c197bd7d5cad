//! The command line itself: generated completions and man pages match the CLI, help documents
//! the exit codes, and usage errors exit 64.

use crate::support::smtpx;

#[test]
fn generated_files_match_the_committed_ones() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, bytes) in smtpx::commands::generate::render_all().unwrap() {
        let committed = std::fs::read(root.join(&path))
            .unwrap_or_else(|_| panic!("{path} is missing: run `cargo run -- generate`"));
        assert!(committed == bytes, "{path} is stale: run `cargo run -- generate` and commit it");
    }
}

#[test]
fn help_documents_exit_codes() {
    let run = smtpx(&["trace", "--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("75  4xx reply, timeout"), "{}", run.stdout);
    let run = smtpx(&["--help"]);
    assert!(run.stdout.contains("77  permission: authentication failed"), "{}", run.stdout);
}

#[test]
fn usage_errors_exit_64() {
    let run = smtpx(&["trace"]);
    run.assert_code(64);
    assert!(
        run.stderr.starts_with("smtpx: error [usage]: the following required"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("ADDRESS|HOST[:PORT]"), "{}", run.stderr);
    smtpx(&["trace", "localhost", "--tls", "sometimes"]).assert_code(64);
}

#[test]
fn bad_addresses_are_refused_before_connecting() {
    // Port 9 on loopback: nothing connects there, and nothing must even be tried.
    let run =
        smtpx(&["trace", "127.0.0.1:9", "--rcpt", "bob@@example.com", "--ehlo", "client.test"]);
    run.assert_code(65);
    assert!(
        run.stderr.starts_with("smtpx: error [input]: --rcpt \"bob@@example.com\""),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("connecting"), "{}", run.stdout);
    let run = smtpx(&["trace", "127.0.0.1:9", "--quit-after", "rcpt", "--ehlo", "client.test"]);
    run.assert_code(64);
    assert!(run.stderr.contains("needs a recipient"), "{}", run.stderr);
}

#[test]
fn missing_ca_file_exits_66() {
    let run = smtpx(&["trace", "127.0.0.1:9", "--ca-file", "/nonexistent/ca.pem"]);
    run.assert_code(66);
    assert!(run.stderr.contains("--ca-file /nonexistent/ca.pem"), "{}", run.stderr);
}

#[test]
fn a_port_given_twice_differently_is_refused() {
    let run = smtpx(&["trace", "127.0.0.1:9", "-p", "25"]);
    run.assert_code(64);
    assert!(
        run.stderr
            .starts_with("smtpx: error [usage]: the server names port 9 but --port says 25\n")
    );
    let run = smtpx(&[
        "send",
        "-s",
        "127.0.0.1:9",
        "-p",
        "25",
        "--from",
        "a@example.org",
        "--to",
        "b@example.com",
        "--body",
        "x",
    ]);
    run.assert_code(64);
    assert!(
        run.stderr
            .starts_with("smtpx: error [usage]: the --server names port 9 but --port says 25\n"),
        "{}",
        run.stderr
    );
}
