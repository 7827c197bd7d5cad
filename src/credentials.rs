//! Where a password or OAuth token comes from, and getting it without leaking it.
//!
//! This module owns the order of the sources (environment variable, `--password-file`,
//! `--password-command`, a password stored in the config file, a no-echo prompt), the checks
//! on each (file permissions, the command's exit status and time bound, size limits) and the
//! messages that explain what is missing. Every error and `Debug` string it builds is free of
//! the secret: a command's standard output is never quoted, only its exit status.
//!
//! It must not know about clap structs or profiles (the caller merges those into
//! [`SecretSources`]), must not print anything except the prompt itself (which rpassword writes
//! to the terminal), and must never wait on a pipe for a password nobody will type.

use std::ffi::OsString;
use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, IsTerminal, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::plan::PlanError;
use crate::secret::Secret;

/// The longest secret accepted from a file or a command. OAuth access tokens (JWTs) run to a
/// few KiB; anything past this is a wrong file, not a credential.
pub const MAX_SECRET_LEN: usize = 16 * 1024;

/// How long a password command may run before it is killed. Long enough for a GPG agent to
/// unlock a key on a hardware token, short enough that a stuck command does not hang a script.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a running password command is checked for having exited.
const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// Permission bits that give anyone but the owner access to a file. The same rule OpenSSH
/// applies to private keys: a secret at rest is for its owner only.
pub(crate) const NOT_OWNER_BITS: u32 = 0o077;

/// What is being obtained; it only changes the wording of prompts and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A password for PLAIN, LOGIN, CRAM-MD5, SCRAM.
    Password,
    /// An OAuth 2.0 access token for XOAUTH2 or OAUTHBEARER.
    OAuthToken,
}

impl SecretKind {
    /// The noun used in messages: "password" or "OAuth token".
    pub fn noun(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::OAuthToken => "OAuth token",
        }
    }

    /// The environment variable that carries this kind of secret.
    pub fn env_var(self) -> &'static str {
        match self {
            SecretKind::Password => "SMTPX_PASSWORD",
            SecretKind::OAuthToken => "SMTPX_TOKEN",
        }
    }

    /// The file and command flags that supply this kind of secret.
    pub fn flags(self) -> (&'static str, &'static str) {
        match self {
            SecretKind::Password => ("--password-file", "--password-command"),
            SecretKind::OAuthToken => ("--token-file", "--token-command"),
        }
    }

    /// The noun at the start of a sentence or prompt.
    fn label(self) -> &'static str {
        match self {
            SecretKind::Password => "Password",
            SecretKind::OAuthToken => "OAuth token",
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// The places a secret may be taken from, already merged from the command line and a profile.
/// At most one of `file` and `command` may be set.
#[derive(Debug, Clone)]
pub struct SecretSources {
    /// `SMTPX_PASSWORD` or `SMTPX_TOKEN` (see [`SecretKind::env_var`]); used when non-empty.
    pub env_var: &'static str,
    /// `--password-file` (or a profile's `password-file`): its first line is the secret.
    pub file: Option<PathBuf>,
    /// `--password-command` (or a profile's `password-command`), run with `sh -c`.
    pub command: Option<String>,
    /// A profile's inline `password`, with the config file it came from (for messages).
    pub stored: Option<(Secret, PathBuf)>,
    /// Whether asking on the terminal is allowed (it also needs stdin to be a terminal).
    pub prompt: bool,
}

impl SecretSources {
    /// Only the environment variable for `kind`, plus the prompt when `prompt` is true.
    pub fn new(kind: SecretKind, prompt: bool) -> SecretSources {
        SecretSources { env_var: kind.env_var(), file: None, command: None, stored: None, prompt }
    }
}

/// Where a secret was found, for a `-v` line such as "password from the SMTPX_PASSWORD
/// environment variable".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOrigin {
    /// A non-empty environment variable.
    Environment(&'static str),
    /// The first line of a file.
    File(PathBuf),
    /// The first line a command printed.
    Command(String),
    /// A `password` written in a profile of this config file.
    ConfigFile(PathBuf),
    /// Typed at a no-echo prompt.
    Prompt,
}

impl fmt::Display for SecretOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretOrigin::Environment(var) => write!(f, "the {var} environment variable"),
            SecretOrigin::File(path) => write!(f, "the file {}", path.display()),
            SecretOrigin::Command(command) => write!(f, "the command `{command}`"),
            SecretOrigin::ConfigFile(path) => write!(f, "the config file {}", path.display()),
            SecretOrigin::Prompt => f.write_str("the terminal prompt"),
        }
    }
}

/// Finds the secret for `user`, trying in order: the environment variable (when non-empty),
/// the file, the command, the password stored in the config file, and a no-echo prompt (only
/// when `sources.prompt` is set and stdin is a terminal). With nothing to try it fails at once
/// with a configuration error (exit 78) rather than waiting on a pipe.
pub fn obtain_secret(
    kind: SecretKind,
    user: &str,
    sources: &SecretSources,
) -> Result<(Secret, SecretOrigin), PlanError> {
    let context = Context {
        env: std::env::var_os(sources.env_var),
        terminal: io::stdin().is_terminal(),
        timeout: COMMAND_TIMEOUT,
    };
    obtain_in(kind, user, sources, context)
}

/// What [`obtain_secret`] reads from the process, passed in so tests need no environment
/// changes, no terminal and no 30 s wait.
struct Context {
    env: Option<OsString>,
    terminal: bool,
    timeout: Duration,
}

fn obtain_in(
    kind: SecretKind,
    user: &str,
    sources: &SecretSources,
    context: Context,
) -> Result<(Secret, SecretOrigin), PlanError> {
    if let (Some(file), Some(command)) = (&sources.file, &sources.command) {
        return Err(PlanError::usage(
            format!(
                "both a {noun} file ({}) and a {noun} command (`{command}`) were given",
                file.display(),
                noun = kind.noun()
            ),
            "use either --password-file or --password-command, not both",
        ));
    }
    if let Some(value) = context.env.filter(|value| !value.is_empty()) {
        let value = value.into_string().map_err(|_| {
            PlanError::config(
                format!("the {} environment variable is not valid UTF-8", sources.env_var),
                format!("set {} to the {} as UTF-8 text", sources.env_var, kind.noun()),
            )
        })?;
        return Ok((Secret::new(value), SecretOrigin::Environment(sources.env_var)));
    }
    if let Some(path) = &sources.file {
        let secret = read_secret_file(kind, path)?;
        return Ok((secret, SecretOrigin::File(path.clone())));
    }
    if let Some(command) = &sources.command {
        let secret = run_secret_command(kind, command, context.timeout)?;
        return Ok((secret, SecretOrigin::Command(command.clone())));
    }
    if let Some((secret, path)) = &sources.stored {
        return Ok((secret.clone(), SecretOrigin::ConfigFile(path.clone())));
    }
    if sources.prompt && context.terminal {
        return prompt(kind, user).map(|secret| (secret, SecretOrigin::Prompt));
    }
    Err(no_source(kind, user, sources))
}

/// The error for "nothing to take the secret from", with the way out that fits.
fn no_source(kind: SecretKind, user: &str, sources: &SecretSources) -> PlanError {
    let (file, command) = kind.flags();
    let example = format!("e.g. {command} 'pass show mail/account'");
    let hint = if sources.prompt {
        format!("standard input is not a terminal, so smtpx cannot ask; {example}")
    } else {
        format!("{example}, or {} in a --profile", &command[2..])
    };
    PlanError::config(
        format!(
            "no {} for {user}: set {}, or use {file} or {command}",
            kind.noun(),
            sources.env_var
        ),
        hint,
    )
}

/// The permission bits (`mode & 0o7777`) of a regular file that someone other than its owner
/// can access, or `None` when only the owner can. Pipes and devices (`<(pass show x)`,
/// `/dev/stdin`) hold nothing at rest, so they are not judged.
pub(crate) fn open_to_others(metadata: &Metadata) -> Option<u32> {
    let mode = metadata.permissions().mode();
    (metadata.is_file() && mode & NOT_OWNER_BITS != 0).then_some(mode & 0o7777)
}

/// Reads the first line of a password file, refusing one that others can read.
fn read_secret_file(kind: SecretKind, path: &Path) -> Result<Secret, PlanError> {
    let unreadable = |err: &io::Error| PlanError::file(&format!("{} file", kind.noun()), path, err);
    let mut file = File::open(path).map_err(|e| unreadable(&e))?;
    // The open file's own metadata, so the file checked is the file read.
    let metadata = file.metadata().map_err(|e| unreadable(&e))?;
    if let Some(mode) = open_to_others(&metadata) {
        return Err(PlanError::config(
            format!(
                "the {} file {} can be read by other users (mode {mode:04o}); refusing to use it",
                kind.noun(),
                path.display()
            ),
            format!("chmod 600 {}", path.display()),
        ));
    }
    let line = read_first_line(&mut file).map_err(|e| unreadable(&e))?;
    secret_from_line(line).map_err(|problem| {
        PlanError::config(
            format!("the {} file {}: {problem}", kind.noun(), path.display()),
            format!("put the {} alone on the first line of the file", kind.noun()),
        )
    })
}

/// Runs `sh -c COMMAND` and takes the first line of its standard output. Its standard error
/// goes to ours (so `pass` or `gpg` can explain a failure), its standard input is empty (so it
/// cannot steal ours), and it is killed when it outlives `timeout`.
fn run_secret_command(
    kind: SecretKind,
    command: &str,
    timeout: Duration,
) -> Result<Secret, PlanError> {
    let what = format!("the {} command `{command}`", kind.noun());
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            PlanError::config(format!("cannot start {what}: {e}"), "check that sh exists")
        })?;
    let Some(mut stdout) = child.stdout.take() else {
        stop(&mut child);
        return Err(PlanError::config(format!("cannot read the output of {what}"), "try again"));
    };
    let (sender, receiver) = mpsc::channel();
    // A thread reads the output so the child never blocks on a full pipe while we wait for it;
    // after the first line it drains (and drops) the rest.
    thread::spawn(move || {
        let _ = sender.send(read_first_line(&mut stdout));
        let _ = io::copy(&mut stdout, &mut io::sink());
    });
    let (status, line) = match wait_for_command(&mut child, &receiver, timeout) {
        Ok(Waited::Finished(status, line)) => (status, line),
        Ok(Waited::Failed(status)) => {
            return Err(PlanError::config(
                format!("{what} failed ({status})"),
                "its error output, if any, is above (smtpx never shows what it printed)",
            ));
        }
        Ok(Waited::TimedOut) => {
            stop(&mut child);
            return Err(PlanError::config(
                format!("{what} did not finish within {} s and was stopped", timeout.as_secs()),
                "a command that asks for a passphrase needs an agent (gpg-agent, pinentry)",
            ));
        }
        Err(err) => {
            stop(&mut child);
            return Err(PlanError::config(format!("cannot wait for {what}: {err}"), "try again"));
        }
    };
    debug_assert!(status.success());
    let line = line.map_err(|e| {
        PlanError::config(
            format!("cannot read the output of {what}: {e}"),
            "try running it by hand",
        )
    })?;
    secret_from_line(line).map_err(|problem| {
        PlanError::config(
            format!("{what} succeeded but its output is unusable: {problem}"),
            format!("the command must print the {} on its first line", kind.noun()),
        )
    })
}

/// How a password command ended.
enum Waited {
    /// It exited successfully; its first line (or the error reading it).
    Finished(ExitStatus, io::Result<Zeroizing<Vec<u8>>>),
    /// It exited unsuccessfully (whatever it printed is dropped unseen).
    Failed(ExitStatus),
    /// It was still running at the deadline.
    TimedOut,
}

/// Waits until the command has exited and its first line has been read, or the deadline.
fn wait_for_command(
    child: &mut Child,
    lines: &Receiver<io::Result<Zeroizing<Vec<u8>>>>,
    timeout: Duration,
) -> io::Result<Waited> {
    let deadline = Instant::now() + timeout;
    let mut status = None;
    let mut line = None;
    loop {
        if status.is_none() {
            status = child.try_wait()?;
        }
        if let Some(status) = status
            && !status.success()
        {
            return Ok(Waited::Failed(status));
        }
        let step = deadline.saturating_duration_since(Instant::now()).min(POLL_INTERVAL);
        if line.is_none() {
            // Waiting on the channel doubles as the poll interval and wakes early for output.
            match lines.recv_timeout(step) {
                Ok(read) => line = Some(read),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    line = Some(Err(io::Error::other("the output reader stopped")));
                }
            }
        } else if status.is_none() {
            thread::sleep(step);
        }
        match (status, line.take()) {
            (Some(status), Some(read)) => return Ok(Waited::Finished(status, read)),
            (_, read) => line = read,
        }
        if Instant::now() >= deadline {
            return Ok(Waited::TimedOut);
        }
    }
}

/// Kills and reaps a child we gave up on. Errors are ignored: it may have just exited.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads up to the first `\n` (excluded) or end of input, at most [`MAX_SECRET_LEN`] + 1
/// bytes, into one buffer allocated up front and wiped on drop (no reallocation leaves a copy
/// behind).
fn read_first_line(reader: &mut impl Read) -> io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; MAX_SECRET_LEN + 1]);
    let mut filled = 0;
    while filled < buf.len() {
        let n = match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if let Some(at) = buf[filled..filled + n].iter().position(|&b| b == b'\n') {
            buf.truncate(filled + at);
            return Ok(buf);
        }
        filled += n;
    }
    buf.truncate(filled);
    Ok(buf)
}

/// Why a line read from a file or a command is not a usable secret. Never carries the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineProblem {
    Empty,
    TooLong,
    NotUtf8,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineProblem::Empty => f.write_str("the first line is empty"),
            LineProblem::TooLong => {
                write!(f, "the first line is longer than {MAX_SECRET_LEN} bytes")
            }
            LineProblem::NotUtf8 => f.write_str("the first line is not valid UTF-8"),
        }
    }
}

/// Turns a first line into a secret: trailing CR/LF removed (files written on Windows end
/// lines with CRLF), nothing else touched (a password may end with a space).
fn secret_from_line(mut line: Zeroizing<Vec<u8>>) -> Result<Secret, LineProblem> {
    if line.len() > MAX_SECRET_LEN {
        return Err(LineProblem::TooLong);
    }
    while matches!(line.last(), Some(b'\r' | b'\n')) {
        line.pop();
    }
    if line.is_empty() {
        return Err(LineProblem::Empty);
    }
    // Moves the buffer (no copy) into the Secret, which wipes it on drop.
    match String::from_utf8(std::mem::take(&mut *line)) {
        Ok(text) => Ok(Secret::new(text)),
        Err(err) => {
            drop(Zeroizing::new(err.into_bytes()));
            Err(LineProblem::NotUtf8)
        }
    }
}

/// Asks on the terminal without echo. rpassword reads from and writes to `/dev/tty`.
fn prompt(kind: SecretKind, user: &str) -> Result<Secret, PlanError> {
    // The user name may come from a config file: keep escape sequences off the terminal.
    let shown: String = user.chars().filter(|c| !c.is_control()).collect();
    let typed =
        rpassword::prompt_password(format!("{} for {shown}: ", kind.label())).map_err(|e| {
            PlanError::config(
                format!("cannot read the {} from the terminal: {e}", kind.noun()),
                format!("set {} or use {}", kind.env_var(), kind.flags().1),
            )
        })?;
    let secret = Secret::new(typed);
    if secret.is_empty() {
        return Err(PlanError::config(
            format!("no {} was typed for {shown}", kind.noun()),
            format!("type it at the prompt, or use {} or {}", kind.flags().0, kind.flags().1),
        ));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlanErrorKind;

    /// Recognisable, so any leak into a message is caught.
    const SECRET: &str = "Tr0ub4dor&3-correct-horse";

    use crate::testutil::{TempDir, write_file};

    fn context(env: Option<&str>) -> Context {
        Context { env: env.map(OsString::from), terminal: false, timeout: COMMAND_TIMEOUT }
    }

    fn sources() -> SecretSources {
        SecretSources::new(SecretKind::Password, true)
    }

    fn obtain(
        sources: &SecretSources,
        env: Option<&str>,
    ) -> Result<(Secret, SecretOrigin), PlanError> {
        obtain_in(SecretKind::Password, "alice", sources, context(env))
    }

    /// Everything a user or a log could see of an outcome.
    fn shown<T: fmt::Debug>(result: &Result<T, PlanError>) -> String {
        match result {
            Ok(value) => format!("{value:?}"),
            Err(err) => format!("{err} {err:?} {:?}", err.hint),
        }
    }

    #[test]
    fn environment_wins_when_non_empty() {
        let dir = TempDir::new("env");
        let mut sources = sources();
        sources.file = Some(write_file(&dir, "pw", b"from-file\n", 0o600));
        let (secret, origin) = obtain(&sources, Some(SECRET)).unwrap();
        assert_eq!(secret.expose(), SECRET);
        assert_eq!(origin, SecretOrigin::Environment("SMTPX_PASSWORD"));
        assert_eq!(origin.to_string(), "the SMTPX_PASSWORD environment variable");
        let (secret, origin) = obtain(&sources, Some("")).unwrap();
        assert_eq!(secret.expose(), "from-file");
        assert!(matches!(origin, SecretOrigin::File(_)));
    }

    #[test]
    fn file_first_line_without_line_ending() {
        let dir = TempDir::new("file");
        let mut sources = sources();
        let contents = format!("{SECRET}\r\nsecond line\n");
        sources.file = Some(write_file(&dir, "pw", contents.as_bytes(), 0o600));
        let (secret, origin) = obtain(&sources, None).unwrap();
        assert_eq!(secret.expose(), SECRET);
        assert_eq!(origin.to_string(), format!("the file {}", dir.join("pw").display()));
        sources.file = Some(write_file(&dir, "no-newline", b"  spaced pw ", 0o400));
        assert_eq!(obtain(&sources, None).unwrap().0.expose(), "  spaced pw ");
    }

    #[test]
    fn file_readable_by_others_is_refused() {
        let dir = TempDir::new("open");
        for mode in [0o644, 0o640, 0o604, 0o620] {
            let mut sources = sources();
            sources.file = Some(write_file(&dir, "pw", SECRET.as_bytes(), mode));
            let err = obtain(&sources, None).unwrap_err();
            assert_eq!(err.kind, PlanErrorKind::Config, "mode {mode:o}");
            assert!(err.message.contains("other users"), "{}", err.message);
            assert!(err.message.contains(&format!("{mode:04o}")), "{}", err.message);
            let hint = err.hint.clone().unwrap_or_default();
            assert_eq!(hint, format!("chmod 600 {}", dir.join("pw").display()));
            assert!(!shown(&Err::<(), _>(err)).contains(SECRET));
        }
    }

    #[test]
    fn missing_file_is_no_input() {
        let mut sources = sources();
        sources.file = Some(PathBuf::from("/nonexistent-smtpx-test/nope"));
        let err = obtain(&sources, None).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::NoInput);
        assert!(err.message.contains("nope"), "{}", err.message);
    }

    #[test]
    fn empty_or_unusable_file_is_a_config_error() {
        let dir = TempDir::new("empty");
        let mut sources = sources();
        for (name, contents) in [("empty", &b""[..]), ("blank", b"\r\n"), ("latin1", b"caf\xe9\n")]
        {
            sources.file = Some(write_file(&dir, name, contents, 0o600));
            let err = obtain(&sources, None).unwrap_err();
            assert_eq!(err.kind, PlanErrorKind::Config, "{name}");
        }
        sources.file = Some(write_file(&dir, "huge", &vec![b'x'; MAX_SECRET_LEN + 1], 0o600));
        let err = obtain(&sources, None).unwrap_err();
        assert!(err.message.contains("longer than"), "{}", err.message);
        // Exactly the limit is still accepted.
        sources.file = Some(write_file(&dir, "max", &vec![b'x'; MAX_SECRET_LEN], 0o600));
        assert_eq!(obtain(&sources, None).unwrap().0.expose().len(), MAX_SECRET_LEN);
    }

    #[test]
    fn command_output_first_line_is_the_secret() {
        let dir = TempDir::new("cmd");
        let file = write_file(&dir, "pw", format!("{SECRET}\nuser: alice\n").as_bytes(), 0o600);
        let mut sources = sources();
        sources.command = Some(format!("cat '{}'", file.display()));
        let (secret, origin) = obtain(&sources, None).unwrap();
        assert_eq!(secret.expose(), SECRET);
        assert_eq!(origin, SecretOrigin::Command(format!("cat '{}'", file.display())));
    }

    #[test]
    fn failing_command_reports_status_but_not_output() {
        let dir = TempDir::new("fail");
        let file = write_file(&dir, "pw", SECRET.as_bytes(), 0o600);
        let mut sources = sources();
        sources.command = Some(format!("cat '{}'; exit 3", file.display()));
        let result = obtain(&sources, None);
        let err = result.as_ref().unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        assert!(err.message.contains("exit status: 3"), "{}", err.message);
        assert!(!shown(&result).contains(SECRET));
    }

    #[test]
    fn command_with_no_output_is_a_config_error() {
        let mut sources = sources();
        sources.command = Some("true".into());
        let err = obtain(&sources, None).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        assert!(err.message.contains("first line is empty"), "{}", err.message);
    }

    #[test]
    fn command_that_outlives_its_deadline_is_stopped() {
        let mut sources = sources();
        sources.command = Some("exec sleep 30".into());
        let context = Context { timeout: Duration::from_millis(200), ..context(None) };
        let err = obtain_in(SecretKind::Password, "alice", &sources, context).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        assert!(err.message.contains("did not finish"), "{}", err.message);
    }

    #[test]
    fn command_that_reads_stdin_sees_end_of_input() {
        // With stdin inherited this would wait for the terminal (or the test harness).
        let mut sources = sources();
        sources.command = Some("if read line; then echo \"got:$line\"; else echo eof; fi".into());
        assert_eq!(obtain(&sources, None).unwrap().0.expose(), "eof");
        sources.command = Some("cat; echo after-eof".into());
        assert_eq!(obtain(&sources, None).unwrap().0.expose(), "after-eof");
    }

    #[test]
    fn file_and_command_together_are_a_usage_error() {
        let mut sources = sources();
        sources.file = Some(PathBuf::from("/nonexistent/pw"));
        sources.command = Some("pass show mail".into());
        let err = obtain(&sources, Some(SECRET)).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Usage);
    }

    #[test]
    fn stored_password_comes_after_file_and_command() {
        let mut sources = sources();
        sources.stored = Some((Secret::new(SECRET), PathBuf::from("/home/a/config.toml")));
        let (secret, origin) = obtain(&sources, None).unwrap();
        assert_eq!(secret.expose(), SECRET);
        assert_eq!(origin.to_string(), "the config file /home/a/config.toml");
        sources.command = Some("echo from-command".into());
        assert_eq!(obtain(&sources, None).unwrap().0.expose(), "from-command");
    }

    #[test]
    fn no_source_and_no_terminal_fails_at_once() {
        let err = obtain(&sources(), None).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        assert_eq!(
            err.message,
            "no password for alice: \
             set SMTPX_PASSWORD, or use --password-file or --password-command"
        );
        assert!(err.hint.unwrap_or_default().contains("not a terminal"));
        let token = SecretSources::new(SecretKind::OAuthToken, false);
        let context = Context { terminal: true, ..context(None) };
        let err = obtain_in(SecretKind::OAuthToken, "bob", &token, context).unwrap_err();
        assert!(
            err.message.starts_with("no OAuth token for bob: set SMTPX_TOKEN"),
            "{}",
            err.message
        );
    }

    #[test]
    fn secret_never_shows_in_any_outcome() {
        let dir = TempDir::new("leak");
        let good = write_file(&dir, "good", SECRET.as_bytes(), 0o600);
        let open = write_file(&dir, "open", SECRET.as_bytes(), 0o644);
        let with = |f: &dyn Fn(&mut SecretSources)| {
            let mut s = sources();
            f(&mut s);
            s
        };
        let cases = [
            (with(&|_| {}), Some(SECRET)),
            (with(&|s| s.file = Some(good.clone())), None),
            (with(&|s| s.file = Some(open.clone())), None),
            (with(&|s| s.command = Some(format!("cat '{}'", good.display()))), None),
            (with(&|s| s.command = Some(format!("cat '{}'; exit 1", good.display()))), None),
            (with(&|s| s.command = Some(format!("cat '{}'; kill -9 $$", good.display()))), None),
            (with(&|s| s.stored = Some((Secret::new(SECRET), good.clone()))), None),
        ];
        for (sources, env) in &cases {
            let result = obtain(sources, *env);
            let text = format!("{} {sources:?}", shown(&result));
            assert!(!text.contains(SECRET), "leaked: {text}");
            if let Ok((secret, _)) = result {
                assert_eq!(secret.expose(), SECRET);
            }
        }
    }

    #[test]
    fn first_line_reader_stops_at_newline_and_limit() {
        let line = read_first_line(&mut &b"abc\ndef"[..]).unwrap();
        assert_eq!(&line[..], b"abc");
        let line = read_first_line(&mut &b"no newline"[..]).unwrap();
        assert_eq!(&line[..], b"no newline");
        let long = vec![b'y'; MAX_SECRET_LEN + 100];
        let line = read_first_line(&mut &long[..]).unwrap();
        assert_eq!(line.len(), MAX_SECRET_LEN + 1);
        assert_eq!(secret_from_line(line).unwrap_err(), LineProblem::TooLong);
    }
}
