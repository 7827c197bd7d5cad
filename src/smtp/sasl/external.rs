//! EXTERNAL (RFC 4422 Appendix A): the identity comes from outside SASL, here the TLS client
//! certificate; the only message is the authorization identity, or nothing for "whoever the
//! certificate says".
//!
//! It owns that one message. It must not look at the certificate: the TLS layer presents it.

use super::{Credentials, Mechanism, SaslError, SaslSession, Steps};

/// An EXTERNAL exchange: one (possibly empty) message.
pub(super) struct External {
    authzid: Vec<u8>,
    sent: bool,
    steps: Steps,
}

impl External {
    pub(super) fn new(creds: &Credentials) -> Result<Self, SaslError> {
        let authzid = creds.authzid.clone().unwrap_or_default();
        if authzid.contains('\0') {
            return Err(SaslError::InvalidCredential("the authzid contains a NUL character"));
        }
        Ok(External { authzid: authzid.into_bytes(), sent: false, steps: Steps::default() })
    }
}

impl SaslSession for External {
    fn mechanism(&self) -> Mechanism {
        Mechanism::External
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, SaslError> {
        self.sent = true;
        Ok(Some(self.authzid.clone())) // empty is sent as "=" (RFC 4954 §4)
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        self.steps.next(self.max_steps())?;
        if self.sent {
            return Err(SaslError::TooManySteps);
        }
        self.sent = true;
        Ok(self.authzid.clone())
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        Ok(())
    }

    fn max_steps(&self) -> usize {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(authzid: Option<&str>) -> Credentials {
        Credentials { username: String::new(), secret: None, authzid: authzid.map(Into::into) }
    }

    #[test]
    fn no_authzid_sends_empty_initial_response() {
        let mut ext = External::new(&creds(None)).unwrap();
        assert_eq!(ext.initial_response().unwrap(), Some(Vec::new()));
        assert_eq!(ext.respond(b""), Err(SaslError::TooManySteps));
        assert_eq!(ext.finish(None), Ok(()));
    }

    #[test]
    fn authzid_is_the_initial_response() {
        let mut ext = External::new(&creds(Some("postmaster@example.org"))).unwrap();
        assert_eq!(ext.initial_response().unwrap().unwrap(), b"postmaster@example.org");
    }

    #[test]
    fn empty_challenge_gets_the_authzid_when_no_initial_response_was_sent() {
        let mut ext = External::new(&creds(Some("bob"))).unwrap();
        assert_eq!(ext.respond(b"").unwrap(), b"bob");
    }
}
