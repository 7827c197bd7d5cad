//! The `--tls` policy shared by everything that opens a session (trace, test-auth, probe of a
//! single port, delivery): when TLS is implicit, when STARTTLS is required, and the STARTTLS
//! step itself with the messages that explain a stop. RFC 8314 §3.3 (implicit TLS on 465),
//! RFC 3207 (STARTTLS), RFC 8689 §4.1 (REQUIRETLS is meaningless over a clear connection);
//! "required on 587" is the submission port's modern practice (RFC 8314 §3.1).

use crate::cli::TlsMode;
use crate::smtp::event::Event;
use crate::smtp::extension::EhloInfo;
use crate::smtp::{Client, Error};

/// When TLS is used: the `--tls` mode, and `--require-tls` (RFC 8689), which makes it
/// mandatory. The port is given to each question, since it decides under `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsPolicy {
    /// What `--tls` (or the profile) asked for.
    pub mode: TlsMode,
    /// `send --require-tls`.
    pub require_tls: bool,
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
    /// The policy of the diagnostic commands: `--tls` alone.
    pub fn from_mode(mode: TlsMode) -> TlsPolicy {
        TlsPolicy { mode, require_tls: false }
    }

    /// Implicit TLS: asked for, or `auto` on port 465.
    pub fn implicit(&self, port: u16) -> bool {
        self.mode == TlsMode::Implicit || (self.mode == TlsMode::Auto && port == 465)
    }

    /// STARTTLS must succeed: asked for, `auto` on the submission port 587, or REQUIRETLS.
    pub fn starttls_required(&self, port: u16) -> bool {
        !self.implicit(port)
            && (self.mode == TlsMode::Starttls
                || (self.mode == TlsMode::Auto && port == 587)
                || self.require_tls)
    }

    /// Why TLS is required, for messages.
    fn why_required(&self) -> &'static str {
        match (self.mode, self.require_tls) {
            (_, true) => "--require-tls",
            (TlsMode::Starttls, _) => "--tls starttls",
            _ => "port 587",
        }
    }

    /// STARTTLS after EHLO, per the policy. `next` names the step that must not happen in clear
    /// ("MAIL FROM", "AUTH") for the error when TLS is required but unavailable.
    pub fn starttls(
        &self,
        client: &mut Client<'_>,
        port: u16,
        next: &str,
    ) -> Result<Upgrade, Error> {
        if self.implicit(port) || self.mode == TlsMode::None {
            return Ok(Upgrade::Skipped);
        }
        if !client.ehlo_info().is_some_and(EhloInfo::starttls) {
            if self.starttls_required(port) {
                return Err(Error::TlsUnavailable {
                    reason: format!(
                        "{} does not offer STARTTLS, and TLS is required here ({}); stopping \
                         before {next}",
                        client.host(),
                        self.why_required()
                    ),
                    for_requiretls: self.require_tls,
                });
            }
            client.emit(Event::Note("STARTTLS not offered; continuing without TLS".into()));
            return Ok(Upgrade::Skipped);
        }
        let reply = client.starttls()?;
        if reply.code == 220 {
            return Ok(Upgrade::Done);
        }
        if self.starttls_required(port) {
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
        let auto = TlsPolicy::from_mode(TlsMode::Auto);
        assert!(auto.implicit(465) && !auto.starttls_required(465));
        assert!(!auto.implicit(587) && auto.starttls_required(587));
        assert!(!auto.implicit(25) && !auto.starttls_required(25));
    }

    #[test]
    fn explicit_modes_ignore_the_port() {
        let starttls = TlsPolicy::from_mode(TlsMode::Starttls);
        assert!(starttls.starttls_required(25) && !starttls.implicit(25));
        assert!(TlsPolicy::from_mode(TlsMode::Implicit).implicit(2525));
        let none = TlsPolicy::from_mode(TlsMode::None);
        assert!(!none.implicit(587) && !none.starttls_required(587));
    }

    #[test]
    fn requiretls_demands_starttls_unless_implicit() {
        let required = TlsPolicy { mode: TlsMode::Auto, require_tls: true };
        assert!(required.starttls_required(25));
        assert_eq!(required.why_required(), "--require-tls");
        let implicit = TlsPolicy { mode: TlsMode::Implicit, require_tls: true };
        assert!(implicit.implicit(25) && !implicit.starttls_required(25));
    }
}
