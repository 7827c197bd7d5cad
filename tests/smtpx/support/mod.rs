//! Test support: the scripted SMTP server, and helpers to run the smtpx binary.

#![allow(dead_code)]

pub mod dns;
pub mod mime;
pub mod scram;
pub mod server;

use std::process::{Command, Output, Stdio};

/// The result of running smtpx.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with both streams when the exit code differs.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs the binary with arguments, no stdin, and NO_COLOR unset so colour decisions are ours.
pub fn smtpx(args: &[&str]) -> Run {
    smtpx_with(args, &[], None)
}

/// Runs `trace 127.0.0.1:PORT --ehlo client.test` against a scripted server, with more arguments.
pub fn trace(server: &server::ScriptedServer, extra: &[&str]) -> Run {
    let target = format!("127.0.0.1:{}", server.port());
    let mut args = vec!["trace", target.as_str(), "--ehlo", "client.test"];
    args.extend_from_slice(extra);
    smtpx(&args)
}

/// Runs the binary with extra environment variables and optional stdin.
pub fn smtpx_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smtpx"));
    cmd.args(args).env_remove("NO_COLOR").env_remove("SMTPX_PASSWORD").env_remove("SMTPX_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run smtpx");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Compares text line by line and shows a readable diff on failure.
#[track_caller]
pub fn assert_lines(actual: &str, expected: &str) {
    if actual == expected {
        return;
    }
    let mut report = String::new();
    let (a, e): (Vec<_>, Vec<_>) = (actual.lines().collect(), expected.lines().collect());
    for i in 0..a.len().max(e.len()) {
        let (al, el) =
            (a.get(i).copied().unwrap_or("<none>"), e.get(i).copied().unwrap_or("<none>"));
        let mark = if al == el { ' ' } else { '!' };
        report.push_str(&format!("{mark} expected: {el}\n{mark} actual:   {al}\n"));
    }
    panic!("output differs:\n{report}\n--- actual\n{actual}");
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    /// A new empty directory; `name` makes leftovers recognisable.
    pub fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("smtpx-it-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    /// The directory.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// Writes `name` with `contents` and permission bits `mode`; returns its path as a string.
    pub fn file(&self, name: &str, contents: &str, mode: u32) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write temp file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        path.to_string_lossy().into_owned()
    }

    /// Writes `name` with these bytes; returns its path as a string.
    pub fn bytes(&self, name: &str, contents: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write temp file");
        path.to_str().expect("UTF-8 temp path").to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
