//! The short report `smtpx send` prints by default: per server, where the message went, over
//! what TLS, authenticated how; each recipient's result (refusals with their meaning); the queue
//! id; and a verdict with the time taken. Rendered into any writer; the format is pinned by
//! golden tests.
//!
//! ```text
//! server  mx.example.com [192.0.2.10]:587
//! tls     TLS 1.3 TLS_AES_256_GCM_SHA384 · trusted
//! auth    PLAIN as alice@example.com
//! ✓ bob@example.com    250 2.1.5 Ok
//! queued  as 4XyZ1a2B3c
//! ✓ sent 1234 bytes to 1 recipient in 85 ms
//! ```

use std::io::{self, Write};

use crate::delivery::{DeliveryOutcome, RecipientResult, RecipientStatus, SessionReport};
use crate::smtp::error::human_duration;

use super::annotate;
use super::palette::{Palette, Role};
use super::sanitize::terminal_safe;

/// What the report shows besides the outcome.
#[derive(Debug, Clone, Copy)]
pub struct ReportFacts<'a> {
    pub outcome: &'a DeliveryOutcome,
    /// Message size in octets.
    pub size: u64,
    /// The sender used because none was given.
    pub default_from: Option<&'a str>,
    /// Warnings the session raised (DSN not offered, --insecure, a certificate about to
    /// expire): shown in the short report too, since they change what the user got.
    pub warnings: &'a [String],
}

/// Writes the report.
pub fn render<W: Write>(out: &mut W, palette: Palette, facts: ReportFacts<'_>) -> io::Result<()> {
    let mut r = Renderer { out, palette };
    if let Some(from) = facts.default_from {
        r.field("from", &format!("{from} (no --from given)"), Role::Note)?;
    }
    let outcome = facts.outcome;
    let width = outcome.recipients.iter().map(|x| x.address.chars().count()).max().unwrap_or(0);
    for (i, session) in outcome.sessions.iter().enumerate() {
        r.session(session)?;
        // Each recipient is shown under the last session that tried it.
        for result in outcome.recipients.iter().filter(|x| x.session == Some(i)) {
            r.recipient(result, width)?;
        }
        r.ending(session)?;
    }
    for result in outcome.recipients.iter().filter(|x| x.session.is_none()) {
        r.recipient(result, width)?;
    }
    for warning in facts.warnings {
        let line = r.palette.paint(Role::Warning, &format!("! {}", terminal_safe(warning)));
        writeln!(r.out, "{line}")?;
    }
    r.verdict(facts)
}

struct Renderer<'w, W: Write> {
    out: &'w mut W,
    palette: Palette,
}

impl<W: Write> Renderer<'_, W> {
    /// `label  value`, the label padded to a column.
    fn field(&mut self, label: &str, value: &str, role: Role) -> io::Result<()> {
        let text = self.palette.paint(role, &terminal_safe(value));
        writeln!(self.out, "{label:<7} {text}")
    }

    fn session(&mut self, session: &SessionReport) -> io::Result<()> {
        let mut server = match session.address {
            Some(addr) => super::host_address(&session.host, addr),
            None if session.port == 0 => session.host.clone(),
            None if session.host.contains(':') => format!("[{}]:{}", session.host, session.port),
            None => format!("{}:{}", session.host, session.port),
        };
        if let Some(domain) = &session.domain {
            server.push_str(&format!(" (mail host of {domain})"));
        }
        self.field("server", &server, Role::Note)?;
        if session.address.is_none() {
            return Ok(());
        }
        let tls = match &session.tls {
            Some(info) => {
                let protocol = info.protocol_summary();
                let protocol = if protocol.is_empty() { "TLS".to_string() } else { protocol };
                (format!("{protocol} · {}", info.verdict), Role::Tls)
            }
            None => ("none (the connection is not encrypted)".to_string(), Role::Warning),
        };
        self.field("tls", &tls.0, tls.1)?;
        let auth = match &session.auth {
            Some(auth) => format!("{} as {}", auth.mechanism, auth.user),
            None => "none".to_string(),
        };
        self.field("auth", &auth, Role::Note)
    }

    fn recipient(&mut self, result: &RecipientResult, width: usize) -> io::Result<()> {
        let (mark, role) = match result.status {
            RecipientStatus::Delivered => ("✓", Role::Good),
            RecipientStatus::Refused => ("✗", Role::Bad),
            RecipientStatus::NotSent | RecipientStatus::NotAttempted => ("-", Role::Warning),
        };
        let reply = result.reply.as_ref();
        let detail = match (result.status, reply) {
            (RecipientStatus::NotSent, Some(r)) => {
                format!("{} {} (accepted, not sent)", r.short(), r.message())
            }
            (RecipientStatus::NotAttempted, _) => "not attempted".to_string(),
            (_, Some(r)) => format!("{} {}", r.short(), r.message()),
            (_, None) => String::new(),
        };
        let address = format!("{:<width$}", terminal_safe(&result.address));
        let line =
            format!("{} {address}  {}", self.palette.paint(role, mark), terminal_safe(&detail));
        writeln!(self.out, "{}", line.trim_end())?;
        if let Some(r) = reply.filter(|r| !r.is_positive()) {
            let meaning = format!("   ↳ {}", terminal_safe(&annotate::annotation(r)));
            writeln!(self.out, "{}", self.palette.paint(Role::Dim, &meaning))?;
        }
        Ok(())
    }

    /// The end of a session: the queue id, or why it failed.
    fn ending(&mut self, session: &SessionReport) -> io::Result<()> {
        if let Some(id) = &session.queue_id {
            return self.field("queued", &format!("as {id}"), Role::Note);
        }
        if let Some(reply) = session.final_reply.as_ref().filter(|r| r.is_positive()) {
            return self.field(
                "reply",
                &format!("{} {}", reply.short(), reply.message()),
                Role::Note,
            );
        }
        match &session.error {
            Some(error) => {
                let text = format!("✗ {}", terminal_safe(error));
                writeln!(self.out, "{}", self.palette.paint(Role::Bad, &text))
            }
            None => Ok(()),
        }
    }

    fn verdict(&mut self, facts: ReportFacts<'_>) -> io::Result<()> {
        let outcome = facts.outcome;
        let total = outcome.recipients.len();
        let delivered = outcome.delivered();
        let time = human_duration(outcome.elapsed);
        let plural = |n: usize| if n == 1 { "recipient" } else { "recipients" };
        let (ok, text) = if delivered == total {
            (true, format!("sent {} bytes to {total} {} in {time}", facts.size, plural(total)))
        } else if delivered > 0 {
            (false, format!("sent to {delivered} of {total} recipients in {time}"))
        } else {
            (false, format!("not sent ({time})"))
        };
        writeln!(self.out, "{}", self.palette.verdict(ok, &text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::AuthSummary;
    use crate::smtp::reply::parse_reply;
    use std::time::Duration;

    fn reply(text: &str) -> crate::smtp::reply::Reply {
        parse_reply(format!("{text}\r\n").as_bytes()).unwrap()
    }

    fn recipient(
        address: &str,
        status: RecipientStatus,
        r: Option<&str>,
        session: Option<usize>,
    ) -> RecipientResult {
        RecipientResult { address: address.into(), status, reply: r.map(reply), session }
    }

    #[test]
    fn direct_delivery_shows_each_session_and_who_it_served() {
        let outcome = DeliveryOutcome {
            sessions: vec![
                SessionReport {
                    domain: Some("one.test".into()),
                    host: "mx1.one.test".into(),
                    error: Some(
                        "could not connect to mx1.one.test: 192.0.2.1:25 connection refused".into(),
                    ),
                    ..SessionReport::default()
                },
                SessionReport {
                    domain: Some("one.test".into()),
                    host: "mx2.one.test".into(),
                    address: Some("192.0.2.2:25".parse().unwrap()),
                    auth: Some(AuthSummary { mechanism: "PLAIN".into(), user: "me".into() }),
                    queue_id: Some("Q1".into()),
                    ..SessionReport::default()
                },
            ],
            recipients: vec![
                recipient(
                    "bob@one.test",
                    RecipientStatus::Delivered,
                    Some("250 2.1.5 Ok"),
                    Some(1),
                ),
                recipient("eve@one.test", RecipientStatus::Refused, Some("550 5.1.1 no"), Some(1)),
                recipient("x@null.test", RecipientStatus::NotAttempted, None, None),
            ],
            elapsed: Duration::from_millis(42),
        };
        let mut out = Vec::new();
        let facts = ReportFacts {
            outcome: &outcome,
            size: 100,
            default_from: Some("me@host"),
            warnings: &[],
        };
        render(&mut out, Palette::plain(), facts).unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected = "\
from    me@host (no --from given)
server  mx1.one.test (mail host of one.test)
✗ could not connect to mx1.one.test: 192.0.2.1:25 connection refused
server  mx2.one.test [192.0.2.2]:25 (mail host of one.test)
tls     none (the connection is not encrypted)
auth    PLAIN as me
✓ bob@one.test  250 2.1.5 Ok
✗ eve@one.test  550 5.1.1 no
   ↳ 550 permanent failure: mailbox unavailable · 5.1.1 bad destination mailbox address: The address does not exist there; check it for typos. Retrying will not help.
queued  as Q1
- x@null.test   not attempted
✗ sent to 1 of 3 recipients in 42 ms
";
        assert_eq!(text, expected);
    }
}
