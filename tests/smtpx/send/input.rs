//! Bad input is refused before any connection, with a message naming the argument: 65 for bad
//! data, 66 for a missing or unreadable file, 64 for a command line that does not fit. A
//! listener checks that nothing even tried to connect. `--print` sends nothing either.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

use crate::support::{Run, TempDir, smtpx};

/// A port where a connection would be noticed.
struct Watch(TcpListener);

impl Watch {
    fn new() -> Watch {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Watch(listener)
    }

    fn server(&self) -> String {
        format!("127.0.0.1:{}", self.0.local_addr().unwrap().port())
    }

    #[track_caller]
    fn assert_untouched(&self) {
        match self.0.accept() {
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            other => panic!("something connected: {other:?}"),
        }
    }
}

fn send(watch: &Watch, args: &[&str]) -> Run {
    let server = watch.server();
    let mut all = vec!["send", "-s", &server, "--ehlo", "client.test"];
    all.extend_from_slice(args);
    smtpx(&all)
}

#[track_caller]
fn refused(args: &[&str], code: i32, stderr_start: &str) {
    let watch = Watch::new();
    let run = send(&watch, args);
    run.assert_code(code);
    assert!(run.stderr.starts_with(stderr_start), "{args:?}\n{}", run.stderr);
    assert_eq!(run.stdout, "");
    watch.assert_untouched();
}

const OK: [&str; 4] = ["--from", "a@example.org", "--to", "b@example.com"];

fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    OK.iter().copied().chain(extra.iter().copied()).collect()
}

#[test]
fn bad_addresses_exit_65_naming_the_argument() {
    refused(
        &["--from", "a@example.org", "--to", "bob@@example.com"],
        65,
        "smtpx: error [input]: --to: invalid address",
    );
    refused(&["--from", "nobody", "--to", "b@example.com"], 65, "smtpx: error [input]: --from:");
    refused(&with(&["--cc", "c@exa mple.com"]), 65, "smtpx: error [input]: --cc:");
    refused(&with(&["-f", "x@"]), 65, "smtpx: error [input]: -f/--envelope-from:");
}

#[test]
fn line_breaks_in_header_values_exit_65() {
    refused(
        &with(&["-H", "X-Note: a\r\nBcc: victim@example.net"]),
        65,
        "smtpx: error [input]: --header \"X-Note: a\\r\\nBcc: victim@example.net\"",
    );
    refused(&with(&["--subject", "one\ntwo"]), 65, "smtpx: error [input]: --subject: ");
    refused(&with(&["-H", "Bcc: x@example.net"]), 65, "smtpx: error [input]: --header \"Bcc:");
}

#[test]
fn missing_or_unreadable_files_exit_66() {
    refused(
        &with(&["--attach", "/nonexistent/r.pdf"]),
        66,
        "smtpx: error [input]: --attach /nonexistent/r.pdf: ",
    );
    refused(
        &with(&["--body-file", "/nonexistent/b.txt"]),
        66,
        "smtpx: error [input]: --body-file /nonexistent/b.txt: ",
    );
    refused(
        &with(&["--html-file", "/nonexistent/b.html"]),
        66,
        "smtpx: error [input]: --html-file ",
    );
    refused(&with(&["--attach", "/"]), 66, "smtpx: error [input]: --attach /: not a regular file");
    refused(&["--raw", "/nonexistent/m.eml", "b@example.com"], 66, "smtpx: error [input]: --raw ");
}

#[test]
fn a_body_file_that_is_not_utf8_exits_65() {
    let dir = TempDir::new("latin1");
    let path = dir.bytes("latin1.txt", b"caf\xe9\n");
    let watch = Watch::new();
    let run = send(&watch, &with(&["--body-file", &path]));
    run.assert_code(65);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    watch.assert_untouched();
}

#[test]
fn a_subject_that_is_not_utf8_exits_65() {
    let watch = Watch::new();
    let server = watch.server();
    let output = Command::new(env!("CARGO_BIN_EXE_smtpx"))
        .args(["send", "-s", &server, "--ehlo", "client.test"])
        .args(OK)
        .arg("--subject")
        .arg(OsStr::from_bytes(b"caf\xe9"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(65));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("smtpx: error [input]: --subject is not valid UTF-8"), "{stderr}");
    watch.assert_untouched();
}

#[test]
fn command_lines_that_do_not_fit_exit_64() {
    refused(&["--from", "a@example.org", "--body", "x"], 64, "smtpx: error [usage]: no recipients");
    refused(
        &with(&["--attach-type", "text/plain", "--attach", "x"]),
        64,
        "smtpx: error [usage]: --attach-type",
    );
    refused(&with(&["--require-tls", "--tls", "none"]), 64, "smtpx: error [usage]: --require-tls");
    refused(&with(&["--dsn-notify", "sometimes"]), 64, "smtpx: error [usage]: --dsn-notify");
    refused(&with(&["-t"]), 64, "smtpx: error [usage]: the following required arguments");
    refused(&with(&["--raw", "-", "--subject", "x"]), 64, "smtpx: error [usage]: the argument '--");
    refused(
        &with(&["--body-file", "-", "--html-file", "-"]),
        64,
        "smtpx: error [usage]: standard input",
    );
}

#[test]
fn print_writes_the_message_and_sends_nothing() {
    let watch = Watch::new();
    let run = send(&watch, &with(&["--subject", "hi", "--body", ".dot\nline", "--print"]));
    run.assert_code(0);
    assert!(run.stdout.starts_with("Date: "), "{}", run.stdout);
    assert!(run.stdout.contains("\r\nSubject: hi\r\n"), "{}", run.stdout);
    // Printed as the message is, before dot-stuffing.
    assert!(run.stdout.ends_with("\r\n\r\n.dot\r\nline\r\n"), "{:?}", run.stdout);
    watch.assert_untouched();
}
