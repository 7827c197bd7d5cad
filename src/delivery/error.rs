//! Why a delivery failed, in the words a user reads first, with the exit code that tells a script
//! whether to retry (75) or give up (69). Engine and DNS errors keep their own classification;
//! this module adds what only a delivery knows: refused recipients, a refused message, a server
//! that lacks what the message needs, and a message that could not be read while sending.

use std::fmt;

use crate::dns::DnsError;
use crate::exit::{Classify, Exit};
use crate::smtp::Error as SmtpError;
use crate::smtp::reply::Reply;

/// One thing that went wrong.
#[derive(Debug)]
pub enum Failure {
    /// The engine failed: connection, TLS, timeout, protocol, authentication.
    Session(SmtpError),
    /// A mail host or a domain's route could not be looked up.
    Dns(DnsError),
    /// The domain publishes a null MX (RFC 7505).
    NullMx { domain: String },
    /// The server lacks something the message needs (SMTPUTF8, 8BITMIME, REQUIRETLS) or its
    /// SIZE limit is too small. Nothing was sent.
    Unsupported { host: String, what: String },
    /// A step the message needs was refused: the greeting, EHLO, MAIL FROM, DATA, the content.
    Refused { host: String, step: &'static str, reply: Reply },
    /// Recipients were refused: (address, reply) for each.
    Recipients { refused: Vec<(String, Reply)>, delivered: usize, total: usize },
    /// The message could not be read while it was being sent (a file vanished or changed).
    Local { message: String },
}

impl Failure {
    /// True for refused recipients (the verdict rebuilds those from every session).
    pub fn is_recipients(&self) -> bool {
        matches!(self, Failure::Recipients { .. })
    }

    /// True when another MX host may do better (RFC 5321 §5.1): no connection, a lost one, or
    /// a 4xx reply.
    pub fn is_temporary(&self) -> bool {
        match self {
            Failure::Session(e) => matches!(
                e,
                SmtpError::Connect { .. }
                    | SmtpError::Timeout { .. }
                    | SmtpError::Closed { .. }
                    | SmtpError::Io { .. }
            ),
            Failure::Refused { reply, .. } => reply.code / 100 == 4,
            Failure::Recipients { refused, .. } => {
                !refused.is_empty() && refused.iter().all(|(_, r)| r.code / 100 == 4)
            }
            _ => false,
        }
    }

    fn classified(&self) -> Option<&dyn Classify> {
        match self {
            Failure::Session(e) => Some(e),
            Failure::Dns(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Session(e) => e.fmt(f),
            Failure::Dns(e) => e.fmt(f),
            Failure::NullMx { domain } => {
                write!(f, "{domain} accepts no mail: it publishes a null MX (RFC 7505)")
            }
            Failure::Unsupported { host, what } => write!(f, "{host} {what}; nothing was sent"),
            Failure::Refused { host, step, reply } => {
                write!(f, "{host} refused {step}: {} {}", reply.code, reply.lines.join(" "))
            }
            Failure::Recipients { refused, delivered, total } if refused.is_empty() => {
                write!(f, "{} of {total} recipients were not reached", total - delivered)
            }
            Failure::Recipients { refused, delivered, total } => {
                let list: Vec<String> =
                    refused.iter().map(|(a, r)| format!("{a} ({})", r.short())).collect();
                let what = if refused.len() == 1 {
                    "recipient refused".to_string()
                } else {
                    format!("{} of {total} recipients refused", refused.len())
                };
                write!(f, "{what}: {}", list.join(", "))?;
                if *delivered == 0 {
                    f.write_str("; nothing was sent")
                } else {
                    write!(f, "; sent to the other {delivered}")
                }
            }
            Failure::Local { message } => write!(f, "reading the message failed: {message}"),
        }
    }
}

/// The error of a delivery: the failure that explains it, what was still delivered, and notes
/// added by the caller (where the message was saved).
#[derive(Debug)]
pub struct DeliveryError {
    pub failure: Failure,
    pub delivered: usize,
    pub total: usize,
    pub notes: Vec<String>,
}

impl DeliveryError {
    pub fn new(failure: Failure, delivered: usize, total: usize) -> DeliveryError {
        DeliveryError { failure, delivered, total, notes: Vec::new() }
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.failure.fmt(f)?;
        let partial = self.delivered > 0 && !self.failure.is_recipients();
        if partial {
            write!(f, " (delivered to {} of {} recipients)", self.delivered, self.total)?;
        }
        self.notes.iter().try_for_each(|note| write!(f, "; {note}"))
    }
}

impl std::error::Error for DeliveryError {}

impl Classify for DeliveryError {
    fn phase(&self) -> &'static str {
        if let Some(c) = self.failure.classified() {
            return c.phase();
        }
        match &self.failure {
            Failure::NullMx { .. } => "dns",
            Failure::Unsupported { .. } => "unsupported",
            Failure::Local { .. } => "input",
            _ => "rejected",
        }
    }

    fn exit(&self) -> Exit {
        if let Some(c) = self.failure.classified() {
            return c.exit();
        }
        match &self.failure {
            Failure::Refused { reply, .. } if reply.code / 100 == 4 => Exit::TempFail,
            // Retrying cannot help a recipient refused for good, so one 5xx decides.
            Failure::Recipients { refused, .. }
                if refused.iter().all(|(_, r)| r.code / 100 == 4) =>
            {
                Exit::TempFail
            }
            Failure::Local { .. } => Exit::IoErr,
            _ => Exit::Unavailable,
        }
    }

    fn hint(&self) -> Option<String> {
        if let Some(c) = self.failure.classified() {
            return c.hint();
        }
        match &self.failure {
            Failure::NullMx { .. } => {
                Some("the address cannot receive mail; check the domain or ask its owner".into())
            }
            Failure::Refused { reply, .. } => {
                Some(format!("run `smtpx explain \"{}\"` for details", reply.short()))
            }
            Failure::Recipients { delivered: 0, refused, .. } => Some(recipients_hint(refused)),
            Failure::Recipients { refused, .. } => refused
                .first()
                .map(|(_, r)| format!("run `smtpx explain \"{}\"` for details", r.short())),
            _ => None,
        }
    }
}

/// What to do about refused recipients: retry later when every refusal is temporary; else
/// the cause `explain` recognises in the first refusal (relay denied, authentication needed,
/// block list, ...); else the generic advice.
fn recipients_hint(refused: &[(String, Reply)]) -> String {
    if !refused.is_empty() && refused.iter().all(|(_, r)| r.code / 100 == 4) {
        return "the refusal is temporary (4xx): send the saved message again later, or add \
                --allow-partial to send to the accepted ones now"
            .into();
    }
    let first = refused.first().map(|(_, r)| r.wire_lines().join(" "));
    let cause = first
        .and_then(|text| crate::explain::explain(&text).ok())
        .and_then(|e| e.causes.first().map(|c| c.hint));
    match cause {
        Some(hint) => format!("{hint} Or add --allow-partial to send to the accepted ones."),
        None => "fix or remove the refused recipients, or add --allow-partial to send to the \
                 accepted ones"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::parse_reply;

    fn reply(text: &str) -> Reply {
        parse_reply(format!("{text}\r\n").as_bytes()).unwrap()
    }

    #[test]
    fn recipient_hints_follow_the_refusal() {
        let one = |text: &str| vec![("a@x.test".to_string(), reply(text))];
        assert!(
            recipients_hint(&one("450 4.2.0 Greylisted")).starts_with("the refusal is temporary")
        );
        let relay = recipients_hint(&one("554 5.7.1 <a@x.test>: Relay access denied"));
        assert!(
            relay.contains("--allow-partial") && relay.to_lowercase().contains("auth"),
            "{relay}"
        );
        assert!(
            recipients_hint(&one("550 no")).starts_with("fix or remove the refused recipients")
        );
    }

    #[test]
    fn one_permanent_refusal_means_give_up() {
        let failure = Failure::Recipients {
            refused: vec![
                ("a@x.test".into(), reply("450 4.2.0 busy")),
                ("b@x.test".into(), reply("550 5.1.1 unknown")),
            ],
            delivered: 0,
            total: 3,
        };
        assert!(!failure.is_temporary());
        let error = DeliveryError::new(failure, 0, 3);
        assert_eq!(error.exit(), Exit::Unavailable);
        assert_eq!(error.phase(), "rejected");
        assert_eq!(
            error.to_string(),
            "2 of 3 recipients refused: a@x.test (450 4.2.0), b@x.test (550 5.1.1); nothing was sent"
        );
    }

    #[test]
    fn temporary_refusals_mean_retry_later() {
        let failure = Failure::Recipients {
            refused: vec![("a@x.test".into(), reply("451 4.3.0 try later"))],
            delivered: 1,
            total: 2,
        };
        assert!(failure.is_temporary());
        let mut error = DeliveryError::new(failure, 1, 2);
        error.notes.push("the message was saved to /tmp/x.eml".into());
        assert_eq!(error.exit(), Exit::TempFail);
        assert_eq!(
            error.to_string(),
            "recipient refused: a@x.test (451 4.3.0); sent to the other 1; the message was saved \
             to /tmp/x.eml"
        );
    }

    #[test]
    fn engine_errors_keep_their_classification() {
        let error = DeliveryError::new(
            Failure::Session(SmtpError::Closed { waiting_for: "DATA".into() }),
            0,
            1,
        );
        assert_eq!((error.phase(), error.exit()), ("network", Exit::TempFail));
        let refused = Failure::Refused {
            host: "mx.test".into(),
            step: "the message",
            reply: reply("552 5.3.4 too big"),
        };
        assert!(!refused.is_temporary());
        assert_eq!(DeliveryError::new(refused, 0, 1).exit(), Exit::Unavailable);
    }
}
