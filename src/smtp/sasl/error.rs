//! [`SaslError`]: why a SASL exchange could not go on, in plain words.
//!
//! It owns the error type shared by every mechanism and the table of SCRAM server error values
//! (RFC 5802 §7). It must never carry a secret: no variant holds a password, a token, a proof or
//! a key, and no message quotes one (not even a single character of one: that is why SASLprep
//! failures are reported without the offending character).

use std::fmt;

use super::oauth::OAuthError;

/// Why a SASL exchange failed on the client side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslError {
    /// A server challenge broke the mechanism's grammar (missing or misordered SCRAM attribute,
    /// nonce that does not extend ours, iteration count out of bounds, empty CRAM-MD5
    /// challenge, …). The text says what was wrong. This is a protocol violation.
    MalformedChallenge(String),
    /// SCRAM: the server's signature (`v=`) was wrong or missing. The server does not know the
    /// password, or someone in the middle answered for it; treat as an authentication failure.
    ServerSignatureMismatch,
    /// The server sent more `334` challenges than the mechanism has steps.
    TooManySteps,
    /// The mechanism needs a password or token and none was given.
    MissingSecret,
    /// A `-PLUS` mechanism was requested without TLS channel-binding data.
    MissingChannelBinding,
    /// The credentials cannot be carried by this mechanism (a NUL in a PLAIN field, an empty
    /// SCRAM username, a control character in a token, …). The text says which and why.
    InvalidCredential(&'static str),
    /// OAUTHBEARER or XOAUTH2: the server rejected the token and explained why in JSON.
    ServerError(OAuthError),
    /// SCRAM: the server ended the exchange with `e=<value>` (RFC 5802 §7).
    ScramServerError(String),
    /// The operating system's random number generator failed (SCRAM needs a fresh nonce).
    Random(String),
}

impl SaslError {
    /// True when the server broke the protocol (exit code 76, "protocol error").
    pub fn is_protocol_violation(&self) -> bool {
        matches!(self, SaslError::MalformedChallenge(_) | SaslError::TooManySteps)
    }

    /// True when the exchange ran but authentication did not succeed, either because the
    /// server refused us or because we refused the server (exit code 77, "permission").
    pub fn is_authentication_failure(&self) -> bool {
        matches!(
            self,
            SaslError::ServerSignatureMismatch
                | SaslError::ServerError(_)
                | SaslError::ScramServerError(_)
        )
    }

    /// True when the problem is in what the user supplied (exit code 78, "configuration").
    pub fn is_credential_problem(&self) -> bool {
        matches!(
            self,
            SaslError::MissingSecret
                | SaslError::MissingChannelBinding
                | SaslError::InvalidCredential(_)
        )
    }
}

impl fmt::Display for SaslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaslError::MalformedChallenge(why) => {
                write!(f, "the server sent a malformed SASL challenge: {why}")
            }
            SaslError::ServerSignatureMismatch => f.write_str(
                "the server could not prove it knows the password (SCRAM server signature \
                 wrong or missing): it may not be the server you think",
            ),
            SaslError::TooManySteps => {
                f.write_str("the server sent more SASL challenges than the mechanism allows")
            }
            SaslError::MissingSecret => {
                f.write_str("this mechanism needs a password or token, and none was given")
            }
            SaslError::MissingChannelBinding => f.write_str(
                "this -PLUS mechanism needs TLS channel-binding data, which is not available",
            ),
            SaslError::InvalidCredential(why) => write!(f, "the credentials cannot be sent: {why}"),
            SaslError::ServerError(err) => write!(f, "the server rejected the token: {err}"),
            SaslError::ScramServerError(value) => {
                write!(f, "the server reported SCRAM error \"{value}\"")?;
                match scram_error_meaning(value) {
                    Some(meaning) => write!(f, ": {meaning}"),
                    None => Ok(()),
                }
            }
            SaslError::Random(why) => {
                write!(f, "the operating system's random number generator failed: {why}")
            }
        }
    }
}

impl std::error::Error for SaslError {}

/// The server-error-value registry of RFC 5802 §7, with what each means to a user.
const SCRAM_ERRORS: &[(&str, &str)] = &[
    ("invalid-encoding", "the server could not parse our message"),
    ("extensions-not-supported", "the server does not support an extension we used"),
    ("invalid-proof", "the password is wrong (or the stored credentials do not match it)"),
    ("channel-bindings-dont-match", "the TLS channel binding differs: a man in the middle?"),
    (
        "server-does-support-channel-binding",
        "the server offers a -PLUS mechanism, so a client that can bind must use it",
    ),
    ("channel-binding-not-supported", "the server does not support channel binding"),
    ("unsupported-channel-binding-type", "the server does not support this binding type"),
    ("unknown-user", "the server does not know this username"),
    ("invalid-username-encoding", "the username is not valid UTF-8 or failed SASLprep"),
    ("no-resources", "the server is out of resources; try again later"),
    ("other-error", "the server gave no specific reason"),
];

/// The meaning of a SCRAM `e=` value, if it is a registered one.
pub(super) fn scram_error_meaning(value: &str) -> Option<&'static str> {
    SCRAM_ERRORS.iter().find(|(name, _)| *name == value).map(|(_, meaning)| *meaning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scram_error_is_explained() {
        let shown = SaslError::ScramServerError("invalid-proof".into()).to_string();
        assert!(shown.contains("invalid-proof"), "{shown}");
        assert!(shown.contains("password is wrong"), "{shown}");
        let unknown = SaslError::ScramServerError("x-custom".into()).to_string();
        assert!(unknown.ends_with("\"x-custom\""), "{unknown}");
    }

    #[test]
    fn categories_are_disjoint() {
        let all = [
            SaslError::MalformedChallenge("x".into()),
            SaslError::ServerSignatureMismatch,
            SaslError::TooManySteps,
            SaslError::MissingSecret,
            SaslError::MissingChannelBinding,
            SaslError::InvalidCredential("x"),
            SaslError::ScramServerError("x".into()),
            SaslError::Random("x".into()),
        ];
        for err in &all {
            let hits = [
                err.is_protocol_violation(),
                err.is_authentication_failure(),
                err.is_credential_problem(),
            ];
            assert!(hits.iter().filter(|&&h| h).count() <= 1, "{err:?}");
        }
        assert!(SaslError::ServerSignatureMismatch.is_authentication_failure());
        assert!(SaslError::TooManySteps.is_protocol_violation());
        assert!(SaslError::MissingSecret.is_credential_problem());
    }
}
