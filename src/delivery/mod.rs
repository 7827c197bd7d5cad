//! Delivering one message: to a relay (`--server`, a profile) in one transaction, or straight to
//! the recipients' mail hosts, one transaction per domain, trying MX hosts in preference order.
//!
//! It owns the delivery policy: which host next (RFC 5321 §5.1: next MX on a connection failure
//! or a temporary refusal), all-or-nothing recipients unless partial delivery is allowed, and the
//! per-recipient result. `session` runs one transaction on one host with the extensions of
//! RFC 1870, 2920, 3030, 3461, 6152, 6531 and 8689. It must not print (everything a user sees
//! goes through the engine's events or the [`DeliveryOutcome`]), know about clap, or save files.

mod error;
pub mod params;
pub mod queue_id;
mod session;

use std::io::Read;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::account::AuthPlan;
use crate::dns::{self, DnsOptions};
use crate::message::{ComposeError, ComposedMessage, EmailAddress, RawMessage};
use crate::smtp::SessionConfig;
use crate::smtp::event::{Event, Observer};
use crate::smtp::extension::EhloInfo;
use crate::smtp::reply::Reply;
use crate::smtp::tls::TlsInfo;

pub use error::{DeliveryError, Failure};
pub use params::Dsn;

/// The message to send, as composed from arguments or read as it is (`--raw`).
#[derive(Debug, Clone)]
pub enum Outgoing {
    Composed(ComposedMessage),
    Raw(RawMessage),
}

impl Outgoing {
    /// Exact octets of the message before dot-stuffing (RFC 1870 `SIZE=`).
    pub fn size(&self) -> u64 {
        match self {
            Outgoing::Composed(m) => m.size(),
            Outgoing::Raw(m) => m.size(),
        }
    }

    /// Streams the message, CRLF line endings throughout.
    pub fn reader(&self) -> Result<Box<dyn Read + Send>, ComposeError> {
        Ok(match self {
            Outgoing::Composed(m) => Box::new(m.reader()?),
            Outgoing::Raw(m) => Box::new(m.reader()?),
        })
    }

    /// True when the content has octets ≥ 0x80 (RFC 6152 `BODY=8BITMIME`).
    pub fn needs_8bitmime(&self) -> bool {
        match self {
            Outgoing::Composed(m) => m.needs_8bitmime(),
            Outgoing::Raw(m) => m.needs_8bitmime(),
        }
    }

    /// True when the header holds UTF-8 that only SMTPUTF8 may carry (RFC 6532).
    pub fn needs_smtputf8(&self) -> bool {
        match self {
            Outgoing::Composed(m) => m.needs_smtputf8(),
            Outgoing::Raw(m) => m.needs_smtputf8(),
        }
    }
}

/// Who the message is from and for, as SMTP sees it (RFC 5321 §3.3).
#[derive(Debug, Clone)]
pub struct Envelope {
    /// `MAIL FROM`; `None` is the null reverse-path `<>`.
    pub reverse_path: Option<EmailAddress>,
    /// `RCPT TO`, without duplicates.
    pub recipients: Vec<EmailAddress>,
}

/// Where the message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// One server takes every recipient (a submission server or a smarthost).
    Relay { host: String, port: u16 },
    /// Each recipient domain's MX hosts, on this port (25 unless a test says otherwise).
    Direct { port: u16 },
}

pub use crate::tls_policy::TlsPolicy;

/// The optional behaviours of a transaction.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// RFC 3461 parameters; used when the server offers DSN.
    pub dsn: Dsn,
    /// Send the content with BDAT when the server offers CHUNKING (RFC 3030).
    pub chunking: bool,
    /// Send to the accepted recipients even when others are refused.
    pub allow_partial: bool,
    /// RFC 8689 REQUIRETLS: the whole path must use TLS.
    pub require_tls: bool,
}

/// Everything a delivery needs, validated by the caller.
#[derive(Debug)]
pub struct DeliveryPlan {
    pub envelope: Envelope,
    pub route: Route,
    pub tls: TlsPolicy,
    pub session: SessionConfig,
    pub dns: DnsOptions,
    pub options: Options,
    /// How to log in (after TLS), when asked to.
    pub auth: Option<AuthPlan>,
}

/// What happened to one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientStatus {
    /// Accepted at RCPT, and the server took the message.
    Delivered,
    /// Refused at RCPT (the reply says whether for now, 4xx, or for good, 5xx).
    Refused,
    /// Accepted at RCPT, but the message was not sent: another recipient was refused
    /// (all-or-nothing) or the transaction failed later.
    NotSent,
    /// No server got as far as this recipient.
    NotAttempted,
}

/// One recipient's result.
#[derive(Debug, Clone)]
pub struct RecipientResult {
    /// The address as sent in `RCPT TO`.
    pub address: String,
    pub status: RecipientStatus,
    /// The reply to its `RCPT TO`, when there was one.
    pub reply: Option<Reply>,
    /// Index into [`DeliveryOutcome::sessions`] of the session that last tried it.
    pub session: Option<usize>,
}

/// The authentication a session performed (filled in by the caller's login step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSummary {
    pub mechanism: String,
    pub user: String,
}

/// One session with one host: what it established and how it ended.
#[derive(Debug, Clone, Default)]
pub struct SessionReport {
    /// The recipient domain, for direct delivery.
    pub domain: Option<String>,
    pub host: String,
    /// The port connected to.
    pub port: u16,
    /// The address that answered.
    pub address: Option<SocketAddr>,
    pub tls: Option<TlsInfo>,
    pub auth: Option<AuthSummary>,
    pub ehlo: Option<EhloInfo>,
    /// Extensions this transaction used: `PIPELINING`, `SIZE`, `CHUNKING`, ...
    pub used: Vec<String>,
    /// The reply to the end of the content.
    pub final_reply: Option<Reply>,
    /// The server's queue id, parsed from the final reply.
    pub queue_id: Option<String>,
    /// Why the session failed, when it did.
    pub error: Option<String>,
    pub elapsed: Duration,
}

/// The result of a delivery, whether or not it worked.
#[derive(Debug, Default)]
pub struct DeliveryOutcome {
    /// In the order of [`Envelope::recipients`].
    pub recipients: Vec<RecipientResult>,
    pub sessions: Vec<SessionReport>,
    pub elapsed: Duration,
}

impl DeliveryOutcome {
    /// Recipients the message reached.
    pub fn delivered(&self) -> usize {
        self.recipients.iter().filter(|r| r.status == RecipientStatus::Delivered).count()
    }
}

/// Hears how many octets of the message have been sent, out of how many.
pub type Progress<'a> = dyn FnMut(u64, u64) + 'a;

/// Delivers the message. The outcome is complete even when the result is an error.
pub fn deliver(
    plan: &DeliveryPlan,
    message: &Outgoing,
    observer: &mut dyn Observer,
    progress: &mut Progress<'_>,
) -> (DeliveryOutcome, Result<(), DeliveryError>) {
    let started = Instant::now();
    let mut run = Run {
        plan,
        message,
        outcome: DeliveryOutcome {
            recipients: plan
                .envelope
                .recipients
                .iter()
                .map(|a| RecipientResult {
                    address: a.smtp_form(),
                    status: RecipientStatus::NotAttempted,
                    reply: None,
                    session: None,
                })
                .collect(),
            ..DeliveryOutcome::default()
        },
        failures: Vec::new(),
    };
    match &plan.route {
        Route::Relay { host, port } => {
            let all: Vec<usize> = (0..plan.envelope.recipients.len()).collect();
            run.try_hosts(None, std::slice::from_ref(host), *port, &all, observer, progress);
        }
        Route::Direct { port } => run.direct(*port, observer, progress),
    }
    run.outcome.elapsed = started.elapsed();
    let result = run.verdict();
    (run.outcome, result)
}

/// The state of one delivery.
struct Run<'a> {
    plan: &'a DeliveryPlan,
    message: &'a Outgoing,
    outcome: DeliveryOutcome,
    /// Why things failed, in order; the verdict picks the one to report.
    failures: Vec<Failure>,
}

impl Run<'_> {
    /// One transaction per recipient domain. All-or-nothing stops at the first domain that
    /// fails (a domain already delivered cannot be taken back; the report says which).
    fn direct(&mut self, port: u16, observer: &mut dyn Observer, progress: &mut Progress<'_>) {
        for (domain, indices) in group_by_domain(&self.plan.envelope.recipients) {
            let hosts = match self.mail_hosts(&domain, observer) {
                Ok(hosts) => hosts,
                Err(failure) => {
                    self.failures.push(failure);
                    if self.plan.options.allow_partial {
                        continue;
                    }
                    return;
                }
            };
            let ok = self.try_hosts(Some(&domain), &hosts, port, &indices, observer, progress);
            if !ok && !self.plan.options.allow_partial {
                return;
            }
        }
    }

    /// The hosts to try for a domain, best first (RFC 5321 §5.1, RFC 7505).
    fn mail_hosts(
        &self,
        domain: &str,
        observer: &mut dyn Observer,
    ) -> Result<Vec<String>, Failure> {
        let route = dns::mail_route(domain, &self.plan.dns).map_err(Failure::Dns)?;
        observer.on_event(&Event::MxLookup { domain: domain.to_string(), route: route.clone() });
        route.hosts().ok_or_else(|| Failure::NullMx { domain: domain.to_string() })
    }

    /// Tries the hosts in order until the recipients are delivered or a failure is final.
    /// Returns true when every recipient given was delivered.
    fn try_hosts(
        &mut self,
        domain: Option<&str>,
        hosts: &[String],
        port: u16,
        recipients: &[usize],
        observer: &mut dyn Observer,
        progress: &mut Progress<'_>,
    ) -> bool {
        let mut pending = recipients.to_vec();
        for (i, host) in hosts.iter().enumerate() {
            let more = i + 1 < hosts.len();
            let addrs = match dns::resolve_host(host, port, &self.plan.dns) {
                Ok(addrs) => addrs,
                Err(e) => {
                    let failure = Failure::Dns(e);
                    if more {
                        observer.on_event(&Event::Note(format!("{failure}; trying the next MX")));
                    }
                    self.failures.push(failure);
                    continue;
                }
            };
            observer.on_event(&Event::resolved(host, &addrs));
            let attempt = session::Attempt {
                plan: self.plan,
                message: self.message,
                recipients: &pending,
                domain,
                port,
            };
            let result = attempt.run(host, &addrs, observer, progress);
            let index = self.outcome.sessions.len();
            self.outcome.sessions.push(result.report);
            self.record(index, &pending, &result.rcpt_replies, result.delivered);
            let retry_here = result.failure.as_ref().is_some_and(Failure::is_temporary);
            if let Some(failure) = result.failure {
                self.failures.push(failure);
            }
            pending.retain(|&r| self.outcome.recipients[r].status != RecipientStatus::Delivered);
            if pending.is_empty() {
                return true;
            }
            // RFC 5321 §5.1: a temporary failure sends us on to the next MX. In a partial
            // delivery the recipients deferred with 4xx go there too.
            let deferred_only = pending.iter().all(|&r| self.is_deferred(r));
            if !(more && domain.is_some() && (retry_here || deferred_only)) {
                return false;
            }
            observer.on_event(&Event::Note("temporary failure; trying the next MX host".into()));
        }
        false
    }

    fn is_deferred(&self, r: usize) -> bool {
        let result = &self.outcome.recipients[r];
        match result.status {
            RecipientStatus::Refused => result.reply.as_ref().is_some_and(|x| x.code / 100 == 4),
            RecipientStatus::NotSent | RecipientStatus::NotAttempted => true,
            RecipientStatus::Delivered => false,
        }
    }

    /// Updates the recipients a session tried.
    fn record(&mut self, session: usize, tried: &[usize], replies: &[(usize, Reply)], sent: bool) {
        for &r in tried {
            let result = &mut self.outcome.recipients[r];
            result.session = Some(session);
            match replies.iter().find(|(i, _)| *i == r) {
                Some((_, reply)) => {
                    result.reply = Some(reply.clone());
                    result.status = match (reply.is_positive(), sent) {
                        (true, true) => RecipientStatus::Delivered,
                        (true, false) => RecipientStatus::NotSent,
                        (false, _) => RecipientStatus::Refused,
                    };
                }
                None => {
                    result.reply = None;
                    result.status = RecipientStatus::NotAttempted;
                }
            }
        }
    }

    /// Ok when every recipient was delivered; otherwise the failure that explains it best.
    fn verdict(&mut self) -> Result<(), DeliveryError> {
        let recipients = &self.outcome.recipients;
        if recipients.iter().all(|r| r.status == RecipientStatus::Delivered) {
            return Ok(());
        }
        let refused: Vec<(String, Reply)> = recipients
            .iter()
            .filter(|r| r.status == RecipientStatus::Refused)
            .filter_map(|r| Some((r.address.clone(), r.reply.clone()?)))
            .collect();
        let delivered = self.outcome.delivered();
        let total = recipients.len();
        // Refused recipients are the story when there are any; otherwise the last failure of a
        // whole session (connection, TLS, a refused MAIL FROM or message) explains the rest.
        let session_failure = self.failures.iter().rposition(|f| !f.is_recipients());
        let failure = match session_failure {
            Some(i) if refused.is_empty() => self.failures.swap_remove(i),
            _ => Failure::Recipients { refused, delivered, total },
        };
        Err(DeliveryError::new(failure, delivered, recipients.len()))
    }
}

/// Recipients grouped by domain (A-labels, lower case), in the order the domains first appear.
pub fn group_by_domain(recipients: &[EmailAddress]) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, address) in recipients.iter().enumerate() {
        let domain = address.ascii_domain().to_ascii_lowercase();
        match groups.iter_mut().find(|(d, _)| *d == domain) {
            Some((_, list)) => list.push(i),
            None => groups.push((domain, vec![i])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_grouped_by_domain_in_first_seen_order() {
        let list: Vec<EmailAddress> = ["a@B.example", "c@d.example", "e@b.example"]
            .iter()
            .map(|a| EmailAddress::parse(a).unwrap())
            .collect();
        let groups = group_by_domain(&list);
        assert_eq!(
            groups,
            vec![("b.example".to_string(), vec![0, 2]), ("d.example".to_string(), vec![1])]
        );
    }
}
