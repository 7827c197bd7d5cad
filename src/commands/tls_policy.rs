//! The `--tls` policy shared by the commands that open a session: when TLS is implicit, when
//! STARTTLS is required, and the STARTTLS step itself with the messages that explain a stop.
//! RFC 8314 §3.3 (implicit TLS on 465) and RFC 3207 (STARTTLS); "required on 587" is the
//! submission port's modern practice (RFC 8314 §3.1).

use crate::cli::TlsMode;
use crate::smtp::event::Event;
use crate::smtp::extension::EhloInfo;
use crate::smtp::{Client, Error};

/// The policy for one destination port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsPolicy {
    /// What `--tls` (or the profile) asked for.
    pub mode: TlsMode,
    /// The port connected to.
    pub port: u16,
}

/// What the STARTTLS step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upgrade {
    /// TLS is up; the caller sends EHLO again (RFC 3207 §4.2).
    Done,
    /// No TLS, and the policy allows going on in clear (a note was emitted).
    Skipped,
}

impl TlsPolicy {
    /// Implicit TLS: asked for, or `auto` on port 465.
    pub fn implicit(&self) -> bool {
        self.mode == TlsMode::Implicit || (self.mode == TlsMode::Auto && self.port == 465)
    }

    /// STARTTLS must succeed: asked for, or `auto` on the submission port 587.
    pub fn starttls_required(&self) -> bool {
        self.mode == TlsMode::Starttls || (self.mode == TlsMode::Auto && self.port == 587)
    }

    /// Why TLS is required, for messages.
    fn why_required(&self) -> &'static str {
        if self.mode == TlsMode::Starttls { "--tls starttls" } else { "port 587" }
    }

    /// STARTTLS after EHLO, per the policy. `next` names the step that must not happen in clear
    /// ("MAIL FROM", "AUTH") for the error when TLS is required but unavailable.
    pub fn starttls(&self, client: &mut Client<'_>, next: &str) -> Result<Upgrade, Error> {
        if self.implicit() || self.mode == TlsMode::None {
            return Ok(Upgrade::Skipped);
        }
        if !client.ehlo_info().is_some_and(EhloInfo::starttls) {
            if self.starttls_required() {
                return Err(Error::TlsUnavailable {
                    reason: format!(
                        "{} does not offer STARTTLS, and TLS is required here ({}); stopping \
                         before {next}",
                        client.host(),
                        self.why_required()
                    ),
                });
            }
            client.emit(Event::Note("STARTTLS not offered; continuing without TLS".into()));
            return Ok(Upgrade::Skipped);
        }
        let reply = client.starttls()?;
        if reply.code == 220 {
            return Ok(Upgrade::Done);
        }
        if self.starttls_required() {
            return Err(Error::Rejected { command: "STARTTLS".into(), reply });
        }
        client.emit(Event::Note("STARTTLS refused; continuing without TLS".into()));
        Ok(Upgrade::Skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_decides_under_auto() {
        let auto = |port| TlsPolicy { mode: TlsMode::Auto, port };
        assert!(auto(465).implicit() && !auto(465).starttls_required());
        assert!(!auto(587).implicit() && auto(587).starttls_required());
        assert!(!auto(25).implicit() && !auto(25).starttls_required());
    }

    #[test]
    fn explicit_modes_ignore_the_port() {
        let starttls = TlsPolicy { mode: TlsMode::Starttls, port: 25 };
        assert!(starttls.starttls_required() && !starttls.implicit());
        let implicit = TlsPolicy { mode: TlsMode::Implicit, port: 2525 };
        assert!(implicit.implicit());
        let none = TlsPolicy { mode: TlsMode::None, port: 587 };
        assert!(!none.implicit() && !none.starttls_required());
    }
}
