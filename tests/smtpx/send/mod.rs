//! `smtpx send` end to end. `auth` covers logging in and profiles; `wire` checks the exact bytes smtpx puts on the wire (dot-stuffing,
//! CRLF, headers, MIME, parameters, pipelining, BDAT); `recipients` the all-or-nothing and
//! partial policies, the saved message and the exit codes; `input` that bad input is refused
//! before any connection; `mx` direct delivery through a loopback DNS server; `interop` delivery
//! through the Postfix rig, read back from its mailboxes.

mod auth;
mod input;
mod interop;
mod mx;
mod recipients;
mod wire;

use crate::support::server::{ScriptedServer, Step, expect, send};
use crate::support::{Run, TempDir, smtpx_with};

/// The server's greeting and its EHLO reply with these keywords.
pub fn greeting(keywords: &[&str]) -> Vec<Step> {
    let mut lines = vec!["250-mx.test".to_string()];
    lines.extend(keywords.iter().map(|k| format!("250-{k}")));
    lines.push("250 ENHANCEDSTATUSCODES".into());
    vec![
        send("220 mx.test ESMTP"),
        expect("EHLO client.test"),
        Step::Send(format!("{}\r\n", lines.join("\r\n")).into_bytes()),
    ]
}

/// QUIT and its reply.
pub fn quit() -> Vec<Step> {
    vec![expect("QUIT"), send("221 2.0.0 Bye")]
}

/// A whole accepting session for one recipient, without PIPELINING.
pub fn accepting(from: &str, to: &str) -> Vec<Step> {
    let mut s = greeting(&[]);
    s.extend([
        expect(&format!("MAIL FROM:<{from}>")),
        send("250 2.1.0 Ok"),
        expect(&format!("RCPT TO:<{to}>")),
        send("250 2.1.5 Ok"),
        expect("DATA"),
        send("354 End data with <CR><LF>.<CR><LF>"),
        Step::ExpectContent,
        send("250 2.0.0 Ok: queued as 4XyZ1a2B3c"),
    ]);
    s.extend(quit());
    s
}

/// Runs `smtpx send -s 127.0.0.1:PORT --ehlo client.test ...`, with the state directory (where
/// failed messages are saved by default) inside `dir`.
pub fn run_send(server: &ScriptedServer, dir: &TempDir, args: &[&str]) -> Run {
    run_send_stdin(server, dir, args, None)
}

/// [`run_send`] with standard input.
pub fn run_send_stdin(
    server: &ScriptedServer,
    dir: &TempDir,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> Run {
    let target = format!("127.0.0.1:{}", server.port());
    let mut all = vec!["send", "-s", &target, "--ehlo", "client.test", "--timeout", "10s"];
    all.extend_from_slice(args);
    let state = dir.path().join("state");
    smtpx_with(&all, &[("XDG_STATE_HOME", state.to_str().unwrap())], stdin)
}

/// DATA content as the message: the terminating `.` line removed, dot-stuffing undone.
pub fn unstuff(block: &[u8]) -> Vec<u8> {
    let body = block.strip_suffix(b".\r\n").expect("content ends with the dot line");
    let mut out = Vec::with_capacity(body.len());
    let mut line_start = true;
    let mut i = 0;
    while i < body.len() {
        if line_start && body[i] == b'.' {
            assert_eq!(body.get(i + 1), Some(&b'.'), "a line starting with '.' was not stuffed");
            i += 1;
        }
        line_start = body[i] == b'\n';
        out.push(body[i]);
        i += 1;
    }
    out
}

/// Every LF is preceded by CR and every CR followed by LF: no bare line ending left smtpx.
#[track_caller]
pub fn assert_no_bare_line_endings(bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
}
