//! LOGIN (draft-murchison-sasl-login-00): the server prompts `Username:` then `Password:`,
//! and the client answers each with the bare value.
//!
//! It owns answering the prompts. The prompt text is not standardised (Exchange once sent
//! `User Name`, some servers send nothing), so the answer follows the prompt's content when it
//! names a username or password, and the order (username first) otherwise. It also remembers
//! what it last sent so the transcript can show the username and hide the password.

use super::{
    Credentials, Mechanism, REDACTED, SaslError, SaslSession, Secret, Steps, printable,
    require_secret,
};

/// Which value a LOGIN answer carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answered {
    Username,
    Password,
}

/// A LOGIN exchange: two prompts, two answers, no initial response.
pub(super) struct Login {
    username: String,
    password: Secret,
    last: Option<Answered>,
    steps: Steps,
}

impl Login {
    pub(super) fn new(creds: &Credentials) -> Result<Self, SaslError> {
        let password = require_secret(creds)?.clone();
        // LOGIN has no authzid field; silently dropping one would act as the wrong user.
        if creds.authzid.is_some() {
            return Err(SaslError::InvalidCredential(
                "LOGIN cannot carry an authorization identity (authzid); use PLAIN or SCRAM",
            ));
        }
        Ok(Login {
            username: creds.username.clone(),
            password,
            last: None,
            steps: Steps::default(),
        })
    }
}

/// What a prompt asks for, from its text (case-insensitive), if it says.
fn prompt_asks_for(challenge: &[u8]) -> Option<Answered> {
    let text = String::from_utf8_lossy(challenge).to_ascii_lowercase();
    if text.contains("pass") {
        Some(Answered::Password)
    } else if text.contains("user") {
        Some(Answered::Username)
    } else {
        None
    }
}

impl SaslSession for Login {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Login
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, SaslError> {
        // Some servers accept the username here, but the draft does not; wait for the prompt.
        Ok(None)
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        let step = self.steps.next(self.max_steps())?;
        let by_order = if step == 1 { Answered::Username } else { Answered::Password };
        let answer = prompt_asks_for(challenge).unwrap_or(by_order);
        self.last = Some(answer);
        Ok(match answer {
            Answered::Username => self.username.as_bytes().to_vec(),
            Answered::Password => self.password.expose().as_bytes().to_vec(),
        })
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        Ok(())
    }

    fn max_steps(&self) -> usize {
        2
    }

    fn redact(&self, client_bytes: &[u8]) -> String {
        // Show the username only when that is what was just answered, and the bytes are it:
        // a password equal to the username is still hidden when it is sent as the password.
        match self.last {
            Some(Answered::Username) if client_bytes == self.username.as_bytes() => {
                printable(client_bytes)
            }
            _ if client_bytes.is_empty() => String::new(),
            _ => REDACTED.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> Login {
        let creds = Credentials {
            username: "alice".into(),
            secret: Some(Secret::new("Wonderland!")),
            authzid: None,
        };
        Login::new(&creds).unwrap()
    }

    #[test]
    fn answers_the_usual_prompts_in_order() {
        let mut login = login();
        assert_eq!(login.initial_response().unwrap(), None);
        assert_eq!(login.respond(b"Username:").unwrap(), b"alice");
        assert_eq!(login.redact(b"alice"), "alice");
        assert_eq!(login.respond(b"Password:").unwrap(), b"Wonderland!");
        assert_eq!(login.redact(b"Wonderland!"), "<redacted>");
        assert_eq!(login.finish(None), Ok(()));
    }

    #[test]
    fn answers_by_prompt_content_even_out_of_order() {
        let mut login = login();
        assert_eq!(login.respond(b"PASSWORD:").unwrap(), b"Wonderland!");
        assert_eq!(login.redact(b"Wonderland!"), "<redacted>");
        assert_eq!(login.respond(b"user name").unwrap(), b"alice");
    }

    #[test]
    fn falls_back_to_order_for_unknown_prompts() {
        let mut login = login();
        assert_eq!(login.respond(b"").unwrap(), b"alice");
        assert_eq!(login.respond(b"\x01\x02").unwrap(), b"Wonderland!");
    }

    #[test]
    fn third_prompt_is_too_many_steps() {
        let mut login = login();
        login.respond(b"Username:").unwrap();
        login.respond(b"Password:").unwrap();
        assert_eq!(login.respond(b"Password:"), Err(SaslError::TooManySteps));
    }

    #[test]
    fn password_equal_to_username_is_hidden_when_sent_as_password() {
        let creds = Credentials {
            username: "same".into(),
            secret: Some(Secret::new("same")),
            authzid: None,
        };
        let mut login = Login::new(&creds).unwrap();
        login.respond(b"Password:").unwrap();
        assert_eq!(login.redact(b"same"), "<redacted>");
    }

    #[test]
    fn authzid_is_refused() {
        let creds = Credentials {
            username: "alice".into(),
            secret: Some(Secret::new("x")),
            authzid: Some("bob".into()),
        };
        assert!(matches!(Login::new(&creds), Err(SaslError::InvalidCredential(_))));
    }
}
