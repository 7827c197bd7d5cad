//! `smtpx explain`: exact text for the forms users paste, stdin with several replies, `--json`,
//! and the exit code for input that holds no reply code.

use crate::support::{assert_lines, smtpx, smtpx_with};

#[test]
fn pasted_reply_line_golden() {
    let run = smtpx(&[
        "explain",
        "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown",
    ]);
    run.assert_code(0);
    assert_lines(&run.stdout, include_str!("golden/explain_550_511.txt"));
}

#[test]
fn enhanced_code_alone_names_class_subject_and_detail() {
    let run = smtpx(&["explain", "5.7.26"]);
    run.assert_code(0);
    let status = run.stdout.lines().nth(1).unwrap();
    assert!(
        status.starts_with(
            "  status   5.7.26 permanent failure, security or policy status: multiple authentication checks failed."
        ),
        "{status}"
    );
    assert!(
        run.stdout
            .contains("  retry    Retrying as is will not help; fix the cause, then send again.\n")
    );
}

#[test]
fn basic_code_alone_says_retry_later_for_421() {
    let run = smtpx(&["explain", "421"]);
    run.assert_code(0);
    assert!(
        run.stdout.starts_with("421\n  code     421 temporary failure: service not available."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  retry    Retry later:"), "{}", run.stdout);
}

#[test]
fn unquoted_words_are_joined() {
    let run = smtpx(&["explain", "452", "4.2.2", "Mailbox", "full"]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("452 4.2.2 Mailbox full\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  cause    "), "{}", run.stdout);
}

#[test]
fn stdin_lines_and_multi_line_replies() {
    let input = b"550-5.7.26 This mail is unauthenticated, which poses a security risk\n\
550-5.7.26 to the sender and Gmail users.\n\
550 5.7.26 https://support.google.com/mail/answer/81126\n\
just a log line without a code\n\
450 4.2.0 <a@b.example>: Recipient address rejected: Greylisted\n";
    let run = smtpx_with(&["explain", "-"], &[], Some(input));
    run.assert_code(0);
    let blocks: Vec<&str> = run.stdout.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{}", run.stdout);
    assert!(blocks[0].starts_with("550-5.7.26 This mail is unauthenticated"), "{}", blocks[0]);
    assert!(blocks[1].starts_with("· no SMTP reply code"), "{}", blocks[1]);
    assert!(blocks[2].contains("greylist"), "{}", blocks[2]);
}

#[test]
fn json_lists_explanations() {
    let run = smtpx(&[
        "explain",
        "--json",
        "554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org",
    ]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], "explain");
    let e = &doc["explanations"][0];
    assert_eq!(e["code"]["code"], 554);
    assert_eq!(e["enhanced"]["code"], "5.7.1");
    assert_eq!(e["retry"], "after_fix");
    assert_eq!(e["causes"][0]["kind"], "blocklist");
    assert_eq!(doc["result"]["ok"], true);
    assert_eq!(doc["result"]["exit_code"], 0);
}

#[test]
fn input_without_a_code_exits_65() {
    let run = smtpx(&["explain", "hello world"]);
    run.assert_code(65);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("smtpx: error [input]: no SMTP reply code or enhanced status code found in \"hello world\""),
        "{}",
        run.stderr
    );
}

#[test]
fn terminal_escapes_in_input_are_neutralised() {
    let run = smtpx(&["explain", "550 5.1.1 \x1b[2Jgone"]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("550 5.1.1 \\x1b[2Jgone\n"), "{:?}", run.stdout);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtpx"))
        .args(["explain", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of stdout before smtpx writes: every write then meets a broken pipe.
    drop(child.stdout.take());
    let input = "550 5.1.1 <bob@example.com>: User unknown\n".repeat(5000);
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
