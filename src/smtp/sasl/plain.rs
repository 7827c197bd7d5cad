//! PLAIN (RFC 4616): `authzid NUL authcid NUL passwd`, sent as the initial response.
//!
//! It owns building that message and showing it redacted. The password crosses the wire
//! whole, so whether it may be sent at all (TLS only) is the engine's decision, not this one's.
//! Fields are sent as given, without SASLprep: RFC 4616 §2 leaves preparation to the server,
//! and servers compare what they stored.

use super::{Credentials, Mechanism, SaslError, SaslSession, Steps, printable, require_secret};

/// A PLAIN exchange: one message, sent either on the AUTH line or after an empty `334`.
pub(super) struct Plain {
    message: Vec<u8>,
    sent: bool,
    steps: Steps,
}

impl Plain {
    pub(super) fn new(creds: &Credentials) -> Result<Self, SaslError> {
        let password = require_secret(creds)?.expose();
        let authzid = creds.authzid.as_deref().unwrap_or("");
        // RFC 4616 §2: NUL separates the fields, so none may contain one.
        if [authzid, &creds.username, password].iter().any(|field| field.contains('\0')) {
            return Err(SaslError::InvalidCredential(
                "PLAIN cannot carry a NUL character in the username, authzid or password",
            ));
        }
        let mut message =
            Vec::with_capacity(authzid.len() + creds.username.len() + password.len() + 2);
        message.extend_from_slice(authzid.as_bytes());
        message.push(0);
        message.extend_from_slice(creds.username.as_bytes());
        message.push(0);
        message.extend_from_slice(password.as_bytes());
        Ok(Plain { message, sent: false, steps: Steps::default() })
    }

    fn take_message(&mut self) -> Vec<u8> {
        self.sent = true;
        self.message.clone()
    }
}

impl SaslSession for Plain {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Plain
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, SaslError> {
        Ok(Some(self.take_message()))
    }

    fn respond(&mut self, _challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        self.steps.next(self.max_steps())?;
        // RFC 4954 §4: without an initial response the server sends an empty 334 first. Once
        // the credentials are out, PLAIN has nothing more to say.
        if self.sent {
            return Err(SaslError::TooManySteps);
        }
        Ok(self.take_message())
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        Ok(())
    }

    fn max_steps(&self) -> usize {
        1
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.message);
    }
}

/// Shows `authzid\0authcid\0<redacted>`, or nothing if the bytes are not a PLAIN message.
pub(super) fn redact(client_bytes: &[u8]) -> Option<String> {
    let mut fields = client_bytes.splitn(3, |&b| b == 0);
    let (authzid, authcid, _password) = (fields.next()?, fields.next()?, fields.next()?);
    Some(format!("{}\\0{}\\0<redacted>", printable(authzid), printable(authcid)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn creds(authzid: Option<&str>, user: &str, password: &str) -> Credentials {
        Credentials {
            username: user.into(),
            secret: Some(Secret::new(password)),
            authzid: authzid.map(Into::into),
        }
    }

    #[test]
    fn rfc4616_example_without_authzid() {
        // RFC 4616 §4: user "tim", password "tanstaaftanstaaf".
        let mut plain = Plain::new(&creds(None, "tim", "tanstaaftanstaaf")).unwrap();
        let ir = plain.initial_response().unwrap();
        assert_eq!(ir.as_deref(), Some(&b"\0tim\0tanstaaftanstaaf"[..]));
        assert_eq!(plain.finish(None), Ok(()));
    }

    #[test]
    fn rfc4616_example_with_authzid() {
        // RFC 4616 §4: Kurt authenticates with "xipj3plmq" and acts as Ursel.
        let mut plain = Plain::new(&creds(Some("Ursel"), "Kurt", "xipj3plmq")).unwrap();
        assert_eq!(plain.initial_response().unwrap().unwrap(), b"Ursel\0Kurt\0xipj3plmq");
    }

    #[test]
    fn empty_challenge_gets_the_message_once() {
        let mut plain = Plain::new(&creds(None, "tim", "pw")).unwrap();
        assert_eq!(plain.respond(b"").unwrap(), b"\0tim\0pw");
        assert_eq!(plain.respond(b""), Err(SaslError::TooManySteps));
    }

    #[test]
    fn challenge_after_initial_response_is_too_many_steps() {
        let mut plain = Plain::new(&creds(None, "tim", "pw")).unwrap();
        plain.initial_response().unwrap();
        assert_eq!(plain.respond(b"what?"), Err(SaslError::TooManySteps));
    }

    #[test]
    fn nul_in_password_is_refused() {
        let err = Plain::new(&creds(None, "tim", "pa\0ss")).err().unwrap();
        assert!(matches!(err, SaslError::InvalidCredential(_)));
        assert!(!err.to_string().contains("pa\0ss"));
    }

    #[test]
    fn missing_password_is_refused() {
        let creds = Credentials { username: "tim".into(), secret: None, authzid: None };
        assert_eq!(Plain::new(&creds).err(), Some(SaslError::MissingSecret));
    }

    #[test]
    fn redaction_keeps_identities_and_hides_password() {
        assert_eq!(redact(b"Ursel\0Kurt\0xipj3plmq").unwrap(), "Ursel\\0Kurt\\0<redacted>");
        assert_eq!(redact(b"no separators"), None);
    }
}
