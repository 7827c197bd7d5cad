//! The engine's errors. Each variant knows its *phase* (what the user reads first), its exit
//! code and, where one helps, a hint. A 4xx/5xx reply is not an error inside the engine; it
//! becomes [`Error::Rejected`] only when a command decides the reply ends the session.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::exit::{Classify, Exit};

use super::auth::AuthError;
use super::reply::{Reply, ReplyError};
use super::tls::TlsFailure;

/// Why connecting to one address failed.
#[derive(Debug)]
pub struct ConnectAttempt {
    /// The address tried.
    pub addr: SocketAddr,
    /// What went wrong there.
    pub error: ConnectFailure,
}

/// The TCP outcome of one connection attempt.
#[derive(Debug)]
pub enum ConnectFailure {
    /// The host answered with a reset: nothing listens on that port.
    Refused,
    /// No answer within the connect timeout: a firewall drops the packets, or the host is down.
    TimedOut(Duration),
    /// The network or host is unreachable, or another socket error.
    Other(std::io::Error),
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectFailure::Refused => f.write_str("connection refused"),
            ConnectFailure::TimedOut(d) => write!(f, "no answer within {}", human_duration(*d)),
            ConnectFailure::Other(e) => write!(f, "{e}"),
        }
    }
}

/// An engine error.
#[derive(Debug)]
pub enum Error {
    /// Every address of the host failed to connect.
    Connect { host: String, attempts: Vec<ConnectAttempt> },
    /// The server did not finish a reply within the reply timeout.
    Timeout { waiting_for: String, after: Duration },
    /// The server closed the connection while we waited for a reply.
    Closed { waiting_for: String },
    /// A socket error during the session (reset, broken pipe).
    Io { during: String, source: std::io::Error },
    /// The reply did not follow RFC 5321 §4.2 (garbage, mixed codes, too many lines).
    Malformed { waiting_for: String, reason: ReplyError },
    /// A reply line was longer than the bound.
    LineTooLong { waiting_for: String, limit: usize },
    /// Bytes arrived after the 220 to STARTTLS, before the TLS handshake: a response-injection
    /// attack (CVE-2011-0411 and its many cousins), or a badly broken server.
    StartTlsInjection { bytes: usize },
    /// TLS was required (by `--tls` or by the port) but the server does not offer it.
    TlsUnavailable {
        reason: String,
        /// True when `--require-tls` (RFC 8689) made TLS mandatory: then there is no way to
        /// continue without it.
        for_requiretls: bool,
    },
    /// The TLS handshake failed or the certificate is not trusted.
    Tls(Box<TlsFailure>),
    /// The server refused a step that the command needs.
    Rejected { command: String, reply: Reply },
    /// The SASL exchange failed on our side: malformed challenge, wrong SCRAM server
    /// signature, missing secret.
    Auth(Box<AuthError>),
    /// AUTH would send credentials over an unencrypted connection, which smtpx refuses unless
    /// `--allow-plaintext-auth` is given.
    PlaintextAuth { reason: String },
    /// No SASL mechanism can be used: the server advertises no AUTH, does not advertise the
    /// one asked for, or offers none that fits the credential. Nothing was sent.
    NoMechanism { reason: String },
}

impl Error {
    /// The reply, when the error is a refusal.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            Error::Rejected { reply, .. } => Some(reply),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect { host, attempts } => {
                write!(f, "could not connect to {host}: ")?;
                let parts: Vec<String> =
                    attempts.iter().map(|a| format!("{} {}", a.addr, a.error)).collect();
                f.write_str(&parts.join("; "))
            }
            Error::Timeout { waiting_for, after } => {
                write!(f, "no reply to {waiting_for} within {}", human_duration(*after))
            }
            Error::Closed { waiting_for } => {
                write!(f, "the server closed the connection while we waited for {waiting_for}")
            }
            Error::Io { during, source } => write!(f, "network error during {during}: {source}"),
            Error::Malformed { waiting_for, reason } => {
                write!(f, "malformed reply to {waiting_for}: {reason}")
            }
            Error::LineTooLong { waiting_for, limit } => {
                write!(f, "reply line to {waiting_for} is longer than {limit} bytes")
            }
            Error::StartTlsInjection { bytes } => write!(
                f,
                "the server sent {bytes} unexpected byte(s) after its 220 to STARTTLS, before \
                 TLS started; refusing to continue (possible response injection)"
            ),
            Error::TlsUnavailable { reason, .. } => f.write_str(reason),
            Error::Tls(failure) => write!(f, "{failure}"),
            Error::Rejected { command, reply } => {
                write!(f, "{command} refused: {} {}", reply.code, reply.lines.join(" "))
            }
            Error::Auth(e) => write!(f, "{e}"),
            Error::PlaintextAuth { reason } | Error::NoMechanism { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for Error {}

impl Classify for Error {
    fn phase(&self) -> &'static str {
        match self {
            Error::Connect { .. } => "connect",
            Error::Timeout { .. } => "timeout",
            Error::Closed { .. } | Error::Io { .. } => "network",
            Error::Malformed { .. }
            | Error::LineTooLong { .. }
            | Error::StartTlsInjection { .. } => "protocol",
            Error::TlsUnavailable { .. } | Error::Tls(_) => "tls",
            Error::Rejected { command, .. } if command.starts_with("AUTH") => "auth",
            Error::Rejected { .. } => "rejected",
            Error::Auth(e) if e.reason.is_protocol_violation() => "protocol",
            Error::Auth(_) | Error::PlaintextAuth { .. } | Error::NoMechanism { .. } => "auth",
        }
    }

    fn exit(&self) -> Exit {
        match self {
            Error::Connect { attempts, .. } => {
                // Refused everywhere is a clear "no service"; a timeout anywhere may pass.
                if attempts.iter().all(|a| matches!(a.error, ConnectFailure::Refused)) {
                    Exit::Unavailable
                } else {
                    Exit::TempFail
                }
            }
            Error::Timeout { .. } | Error::Closed { .. } | Error::Io { .. } => Exit::TempFail,
            Error::Malformed { .. }
            | Error::LineTooLong { .. }
            | Error::StartTlsInjection { .. } => Exit::Protocol,
            Error::TlsUnavailable { .. } => Exit::Unavailable,
            Error::Tls(failure) if failure.is_untrusted() => Exit::NoPerm,
            Error::Tls(failure) if failure.timed_out || failure.lost => Exit::TempFail,
            Error::Tls(_) => Exit::Unavailable,
            Error::Rejected { reply, .. } if reply.code / 100 == 4 => Exit::TempFail,
            // RFC 4954 §6: 530/534/535/538 say "not with these credentials or this mechanism".
            Error::Rejected { command, .. } if command.starts_with("AUTH") => Exit::NoPerm,
            Error::Rejected { .. } => Exit::Unavailable,
            Error::Auth(e) if e.reason.is_protocol_violation() => Exit::Protocol,
            Error::Auth(e) if e.reason.is_credential_problem() => Exit::Config,
            Error::Auth(_) | Error::PlaintextAuth { .. } => Exit::NoPerm,
            // Like a service the server does not offer: no credential would change it.
            Error::NoMechanism { .. } => Exit::Unavailable,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Error::Connect { attempts, .. } => {
                if attempts.iter().any(|a| matches!(a.error, ConnectFailure::TimedOut(_))) {
                    Some(
                        "a firewall may drop the packets (outbound port 25 is often blocked by \
                         ISPs and cloud providers); try `smtpx probe-ports HOST`"
                            .into(),
                    )
                } else {
                    Some("check the host and port; `smtpx probe-ports HOST` shows which ports answer".into())
                }
            }
            // A silent greeting is what an implicit-TLS port (465) looks like to a plain client.
            Error::Timeout { waiting_for, .. } if waiting_for == "the banner" => Some(
                "the server is slow or stalled; if this port expects TLS from the first byte \
                 (like 465), add --tls implicit"
                    .into(),
            ),
            Error::Timeout { .. } => {
                Some("the server is slow or stalled; raise --timeout or retry later".into())
            }
            Error::Tls(failure) => failure.hint(),
            // REQUIRETLS mail must not travel in clear at all (RFC 8689): no way around it.
            Error::TlsUnavailable { for_requiretls: true, .. } => {
                Some("this server cannot take REQUIRETLS mail; use one that offers STARTTLS".into())
            }
            Error::TlsUnavailable { .. } => Some(
                "use --tls opportunistic or --tls none to continue without TLS (not for passwords)"
                    .into(),
            ),
            Error::PlaintextAuth { .. } => Some(
                "use port 587 with STARTTLS or 465 with implicit TLS; --allow-plaintext-auth \
                 sends the password in clear anyway"
                    .into(),
            ),
            Error::NoMechanism { .. } => Some(
                "`smtpx trace HOST:PORT --quit-after tls` shows the AUTH line the server sends; \
                 --force-mech tries a mechanism anyway"
                    .into(),
            ),
            Error::Rejected { reply, .. } => {
                Some(format!("run `smtpx explain \"{}\"` for details", reply.short()))
            }
            _ => None,
        }
    }
}

/// `250 ms`, `10 s`, `1.5 s`: durations as people read them.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}
