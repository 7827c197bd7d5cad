//! CRAM-MD5 (RFC 2195): the answer is `username SP hex(HMAC-MD5(password, challenge))`.
//!
//! It owns computing that answer (with RustCrypto's `hmac` and `md-5`) and hiding the digest
//! in transcripts: the digest is not the password, but with the visible challenge it lets
//! anyone holding the transcript test password guesses offline.

use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;

use super::{
    Credentials, Mechanism, SaslError, SaslSession, Secret, Steps, printable, require_secret,
};

/// A CRAM-MD5 exchange: one challenge, one answer.
pub(super) struct CramMd5 {
    username: String,
    password: Secret,
    steps: Steps,
}

impl CramMd5 {
    pub(super) fn new(creds: &Credentials) -> Result<Self, SaslError> {
        let password = require_secret(creds)?.clone();
        if creds.authzid.is_some() {
            return Err(SaslError::InvalidCredential(
                "CRAM-MD5 cannot carry an authorization identity (authzid); use PLAIN or SCRAM",
            ));
        }
        Ok(CramMd5 { username: creds.username.clone(), password, steps: Steps::default() })
    }
}

impl SaslSession for CramMd5 {
    fn mechanism(&self) -> Mechanism {
        Mechanism::CramMd5
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, SaslError> {
        Ok(None) // RFC 2195 §2: the server speaks first.
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        self.steps.next(self.max_steps())?;
        // An empty challenge would make the answer the same for every session (replayable).
        if challenge.is_empty() {
            return Err(SaslError::MalformedChallenge("the CRAM-MD5 challenge is empty".into()));
        }
        let mut mac = <Hmac<Md5> as KeyInit>::new_from_slice(self.password.expose().as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(challenge);
        let digest = mac.finalize().into_bytes();
        let mut answer = String::with_capacity(self.username.len() + 33);
        answer.push_str(&self.username);
        answer.push(' ');
        for byte in digest.iter() {
            let _ = write!(answer, "{byte:02x}"); // writing to a String cannot fail
        }
        Ok(answer.into_bytes())
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        Ok(())
    }

    fn max_steps(&self) -> usize {
        1
    }
}

/// Shows `username <redacted>` when the bytes end in ` ` plus 32 lowercase hex digits.
pub(super) fn redact(client_bytes: &[u8]) -> Option<String> {
    let split = client_bytes.len().checked_sub(33)?;
    let (user, digest) = client_bytes.split_at(split);
    let hex_ok = digest[1..].iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
    (digest[0] == b' ' && hex_ok).then(|| format!("{} <redacted>", printable(user)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(user: &str, password: &str) -> CramMd5 {
        let creds = Credentials {
            username: user.into(),
            secret: Some(Secret::new(password)),
            authzid: None,
        };
        CramMd5::new(&creds).unwrap()
    }

    #[test]
    fn rfc2195_example() {
        let mut cram = session("tim", "tanstaaftanstaaf");
        assert_eq!(cram.initial_response().unwrap(), None);
        let answer = cram.respond(b"<1896.697170952@postoffice.reston.mci.net>").unwrap();
        assert_eq!(answer, b"tim b913a602c7eda7a495b4e6e7334d3890");
        assert_eq!(cram.finish(None), Ok(()));
    }

    #[test]
    fn empty_challenge_is_malformed() {
        let mut cram = session("tim", "x");
        assert!(matches!(cram.respond(b""), Err(SaslError::MalformedChallenge(_))));
    }

    #[test]
    fn second_challenge_is_too_many_steps() {
        let mut cram = session("tim", "x");
        cram.respond(b"<1@x>").unwrap();
        assert_eq!(cram.respond(b"<2@x>"), Err(SaslError::TooManySteps));
    }

    #[test]
    fn redaction_shows_user_and_hides_digest() {
        let shown = redact(b"tim b913a602c7eda7a495b4e6e7334d3890").unwrap();
        assert_eq!(shown, "tim <redacted>");
        assert_eq!(redact(b"tim short"), None);
        assert_eq!(redact(b"tim B913A602C7EDA7A495B4E6E7334D3890"), None);
    }
}
