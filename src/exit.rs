//! The documented exit codes (sysexits, as sendmail and msmtp use them) and the one place where
//! an error is reported to the user and turned into a code.
//!
//! Scripts rely on these numbers to tell "retry later" (75) from "give up" (69), so they are a
//! contract: change them only with the README, `--help` and the man pages.

use std::io::Write;

use crate::dns::DnsError;
use crate::plan::PlanError;
use crate::smtp::error::Error as SmtpError;

/// A process exit status with its sysexits meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Everything worked.
    Ok = 0,
    /// The command line was wrong (EX_USAGE).
    Usage = 64,
    /// Input data was wrong: an address, a header value, a reply to explain (EX_DATAERR).
    DataErr = 65,
    /// An input file does not exist or cannot be read (EX_NOINPUT).
    NoInput = 66,
    /// The host or the domain's MX could not be found (EX_NOHOST).
    NoHost = 68,
    /// The service refused: permanent (5xx) rejection, nothing listening, TLS required but
    /// unavailable (EX_UNAVAILABLE).
    Unavailable = 69,
    /// A local I/O error, e.g. writing output (EX_IOERR).
    IoErr = 74,
    /// A temporary failure: 4xx reply, timeout, connection lost. Retry later (EX_TEMPFAIL).
    TempFail = 75,
    /// The server broke the protocol: malformed reply, injected bytes after STARTTLS (EX_PROTOCOL).
    Protocol = 76,
    /// Permission: authentication failed, certificate not trusted (EX_NOPERM).
    NoPerm = 77,
    /// Configuration error: profile file, missing credentials source (EX_CONFIG).
    Config = 78,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

/// The exit-code table as printed at the end of every `--help` and in the man pages.
pub const EXIT_CODES_HELP: &str = "\
Exit codes (sysexits):
  0   success
  64  usage error (bad command line)
  65  bad input data (address, header, reply text)
  66  input file missing or unreadable
  68  host or MX not found (NXDOMAIN, no address)
  69  service unavailable: permanent 5xx rejection, connection refused, null MX, TLS required but not offered
  74  local I/O error
  75  temporary failure: 4xx reply, timeout, connection lost (retry later)
  76  protocol error: malformed reply, bytes injected after STARTTLS
  77  permission: authentication failed, certificate not trusted
  78  configuration error";

/// What the user reads first about an error: the phase it happened in, its code and a hint.
pub trait Classify {
    /// Short phase name: dns, connect, tls, auth, protocol, rejected, timeout, input, config.
    fn phase(&self) -> &'static str;
    /// The exit code this error maps to.
    fn exit(&self) -> Exit;
    /// A sentence telling the user what to try, when there is one.
    fn hint(&self) -> Option<String> {
        None
    }
}

/// Finds the first classified error in the chain, so context added with anyhow does not hide it.
pub fn classify(err: &anyhow::Error) -> Option<&dyn Classify> {
    err.chain().find_map(|cause| -> Option<&dyn Classify> {
        if let Some(e) = cause.downcast_ref::<SmtpError>() {
            return Some(e);
        }
        if let Some(e) = cause.downcast_ref::<DnsError>() {
            return Some(e);
        }
        if let Some(e) = cause.downcast_ref::<PlanError>() {
            return Some(e);
        }
        if let Some(e) = cause.downcast_ref::<crate::dns::NullMx>() {
            return Some(e);
        }
        if let Some(e) = cause.downcast_ref::<crate::delivery::DeliveryError>() {
            return Some(e);
        }
        None
    })
}

/// True when the error is a closed stdout (`smtpx ... | head`): the reader has what it wanted.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// An error's phase, exit code and hint; `internal` (exit 74) for an error no layer classified.
pub fn facts(err: &anyhow::Error) -> (&'static str, Exit, Option<String>) {
    classify(err).map_or(("internal", Exit::IoErr, None), |c| (c.phase(), c.exit(), c.hint()))
}

/// The exit code of a command's result.
pub fn exit_of(result: &anyhow::Result<()>) -> Exit {
    result.as_ref().map_or_else(|e| facts(e).1, |()| Exit::Ok)
}

/// Prints `smtpx: error [phase]: message` (and a hint) to stderr, once, and returns the code.
/// A closed stdout is not an error worth a message: like other filters, smtpx stops quietly.
pub fn report(err: &anyhow::Error) -> Exit {
    if is_broken_pipe(err) && classify(err).is_none() {
        return Exit::Ok;
    }
    let (phase, exit, hint) = facts(err);
    let mut stderr = std::io::stderr().lock();
    let message = crate::output::sanitize::terminal_safe(&format!("{err:#}"));
    let _ = writeln!(stderr, "smtpx: error [{phase}]: {message}");
    if let Some(hint) = hint {
        let _ = writeln!(stderr, "  hint: {}", crate::output::sanitize::terminal_safe(&hint));
    }
    exit
}

/// Reports a command-line error from clap in our format: `smtpx: error [usage]: ...`, keeping
/// clap's own explanation (suggestions, usage line) underneath. Help and version requests are
/// printed as they are and exit 0.
pub fn report_usage(err: &clap::Error) -> Exit {
    if !err.use_stderr() {
        let _ = err.print();
        return Exit::Ok;
    }
    let rendered = err.render().to_string();
    let text = rendered.strip_prefix("error: ").unwrap_or(&rendered);
    let _ = write!(std::io::stderr().lock(), "smtpx: error [usage]: {text}");
    Exit::Usage
}

/// Maps a DNS failure to an exit code: a name that does not exist is "no host", a resolver that
/// does not answer is worth retrying.
impl Classify for DnsError {
    fn phase(&self) -> &'static str {
        "dns"
    }
    fn exit(&self) -> Exit {
        match self {
            DnsError::Timeout { .. } | DnsError::Resolver(_) => Exit::TempFail,
            DnsError::InvalidName { .. } => Exit::DataErr,
            _ => Exit::NoHost,
        }
    }
    fn hint(&self) -> Option<String> {
        match self {
            DnsError::NxDomain(_) => Some("check the domain for typos".into()),
            DnsError::Timeout { .. } => {
                Some("the resolver did not answer; try --dns-server or retry later".into())
            }
            _ => None,
        }
    }
}
