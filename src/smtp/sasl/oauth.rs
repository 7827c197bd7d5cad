//! OAuth 2.0 bearer tokens: OAUTHBEARER (RFC 7628) and Google's XOAUTH2, and the JSON error a
//! server sends when it refuses the token.
//!
//! It owns both wire forms and [`OAuthError`]. Failure is a small dance in both: the server
//! answers the token with a `334` carrying base64 JSON, the client must reply (`^A` for
//! OAUTHBEARER, RFC 7628 §3.2.3; empty for XOAUTH2) and only then gets the final `535`. The
//! decoded JSON is kept for the engine ([`super::SaslSession::server_error`]). Obtaining or
//! refreshing tokens is not this module's business.

use std::fmt;

use serde::Serialize;

use super::{
    Credentials, Mechanism, REDACTED, SaslError, SaslSession, Steps, printable, require_secret,
    saslname,
};

/// The key/value separator of both formats (RFC 7628 §3.1 `kvsep`).
const KVSEP: u8 = 0x01;

/// Why the server refused a bearer token, decoded from its JSON challenge (RFC 7628 §3.2.2;
/// Google's XOAUTH2 sends the same shape with `schemes`). Fields the server left out, or that
/// could not be read, are `None`; `raw` always holds what it sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthError {
    /// The error code: `invalid_token`, `insufficient_scope`, `invalid_request` (RFC 6750 §3.1),
    /// or Google's HTTP-like `400`/`401`.
    pub status: Option<String>,
    /// The scope the token would need.
    pub scope: Option<String>,
    /// The authentication schemes the server accepts (Google's `schemes`).
    pub schemes: Option<String>,
    /// Where to discover the authorization server (RFC 7628 `openid-configuration`).
    pub openid_configuration: Option<String>,
    /// The challenge as received (lossily decoded as UTF-8), for when the JSON is not JSON.
    pub raw: String,
}

impl OAuthError {
    /// Decodes a server's error challenge. Never fails: garbage leaves every field `None`.
    pub fn parse(challenge: &[u8]) -> OAuthError {
        let raw = String::from_utf8_lossy(challenge).into_owned();
        let json: Option<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_slice(challenge).ok();
        // Google sends "status":"401" but a number is as clear; accept both.
        let field = |name: &str| match json.as_ref()?.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        OAuthError {
            status: field("status"),
            scope: field("scope"),
            schemes: field("schemes"),
            openid_configuration: field("openid-configuration"),
            raw,
        }
    }

    /// What the status means for the user, for the registered codes (RFC 6750 §3.1) and
    /// Google's numeric ones.
    pub fn meaning(&self) -> Option<&'static str> {
        Some(match self.status.as_deref()? {
            "invalid_token" | "401" => {
                "the token is expired, revoked or not valid for this account: get a new one"
            }
            "insufficient_scope" => "the token lacks the scope this server requires",
            "invalid_request" | "400" => "the server could not make sense of the request",
            _ => return None,
        })
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.status {
            Some(status) => f.write_str(status)?,
            None => return write!(f, "unreadable error: {}", printable(self.raw.as_bytes())),
        }
        if let Some(meaning) = self.meaning() {
            write!(f, " ({meaning})")?;
        }
        if let Some(scope) = &self.scope {
            write!(f, "; required scope: {scope}")?;
        }
        Ok(())
    }
}

/// An OAUTHBEARER or XOAUTH2 exchange.
pub(super) struct OAuth {
    mech: Mechanism,
    message: Vec<u8>,
    sent: bool,
    error: Option<OAuthError>,
    steps: Steps,
}

impl OAuth {
    /// `mech` must be [`Mechanism::OAuthBearer`] or [`Mechanism::XOAuth2`].
    pub(super) fn new(
        mech: Mechanism,
        creds: &Credentials,
        host: &str,
        port: u16,
    ) -> Result<Self, SaslError> {
        let token = require_secret(creds)?.expose();
        // RFC 6750 §2.1 b64token: visible ASCII only. A space or ^A would break the framing.
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(SaslError::InvalidCredential(
                "the access token is empty or contains spaces, control or non-ASCII characters",
            ));
        }
        if creds.username.bytes().chain(host.bytes()).any(|b| b.is_ascii_control()) {
            return Err(SaslError::InvalidCredential(
                "the username or host contains a control character",
            ));
        }
        let message = if mech == Mechanism::XOAuth2 {
            if creds.authzid.is_some() {
                return Err(SaslError::InvalidCredential(
                    "XOAUTH2 cannot carry an authorization identity (authzid); use OAUTHBEARER",
                ));
            }
            xoauth2_message(&creds.username, token)
        } else {
            // RFC 7628 §3.1: the gs2 authzid names the user; an explicit authzid wins.
            let user = creds.authzid.as_deref().unwrap_or(&creds.username);
            oauthbearer_message(user, host, port, token)?
        };
        Ok(OAuth { mech, message, sent: false, error: None, steps: Steps::default() })
    }
}

/// `user=USER ^A auth=Bearer TOKEN ^A ^A` (developers.google.com/gmail/imap/xoauth2-protocol).
fn xoauth2_message(user: &str, token: &str) -> Vec<u8> {
    format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes()
}

/// `n,a=USER, ^A host=H ^A port=P ^A auth=Bearer TOKEN ^A ^A` (RFC 7628 §3.1, example §4.1).
fn oauthbearer_message(
    user: &str,
    host: &str,
    port: u16,
    token: &str,
) -> Result<Vec<u8>, SaslError> {
    let authzid = if user.is_empty() { String::new() } else { format!("a={}", saslname(user)?) };
    Ok(format!("n,{authzid},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
        .into_bytes())
}

impl SaslSession for OAuth {
    fn mechanism(&self) -> Mechanism {
        self.mech
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, SaslError> {
        self.sent = true;
        Ok(Some(self.message.clone()))
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        self.steps.next(self.max_steps())?;
        if !self.sent {
            // The server wanted the message after an empty 334 (no initial response sent).
            self.sent = true;
            return Ok(self.message.clone());
        }
        if let Some(error) = &self.error {
            // The server was told we saw its error and still challenges: give up.
            return Err(SaslError::ServerError(error.clone()));
        }
        self.error = Some(OAuthError::parse(challenge));
        Ok(match self.mech {
            Mechanism::OAuthBearer => vec![KVSEP], // RFC 7628 §3.2.3
            _ => Vec::new(),                       // Google: an empty response
        })
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        // A 235 after the server said the token is bad is contradictory: believe the error.
        match &self.error {
            Some(error) => Err(SaslError::ServerError(error.clone())),
            None => Ok(()),
        }
    }

    fn max_steps(&self) -> usize {
        2 // an empty 334 if no initial response was sent, then the error challenge
    }

    fn server_error(&self) -> Option<&OAuthError> {
        self.error.as_ref()
    }
}

impl Drop for OAuth {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.message);
    }
}

/// Shows the message with the `auth=` value replaced, or a bare `^A` reply as is.
pub(super) fn redact(client_bytes: &[u8]) -> Option<String> {
    if client_bytes.iter().all(|&b| b == KVSEP) {
        return Some(printable(client_bytes));
    }
    let mut found = false;
    let parts: Vec<Vec<u8>> = client_bytes
        .split(|&b| b == KVSEP)
        .map(|part| {
            if part.len() >= 5 && part[..5].eq_ignore_ascii_case(b"auth=") {
                found = true;
                format!("auth={REDACTED}").into_bytes()
            } else {
                part.to_vec()
            }
        })
        .collect();
    found.then(|| printable(&parts.join(&KVSEP)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    const TOKEN: &str = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";

    fn creds(user: &str) -> Credentials {
        Credentials { username: user.into(), secret: Some(Secret::new(TOKEN)), authzid: None }
    }

    #[test]
    fn oauthbearer_initial_response_matches_rfc7628_example() {
        // RFC 7628 §4.1.
        let mut s = OAuth::new(
            Mechanism::OAuthBearer,
            &creds("user@example.com"),
            "server.example.com",
            143,
        )
        .unwrap();
        assert_eq!(
            s.initial_response().unwrap().unwrap(),
            b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01\
              auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert_eq!(s.finish(None), Ok(()));
    }

    #[test]
    fn oauthbearer_escapes_comma_and_equals_in_user() {
        let msg = oauthbearer_message("a,b=c", "h", 587, "t").unwrap();
        assert!(msg.starts_with(b"n,a=a=2Cb=3Dc,\x01host=h\x01port=587\x01"));
    }

    #[test]
    fn xoauth2_initial_response_matches_google_format() {
        let mut s =
            OAuth::new(Mechanism::XOAuth2, &creds("someuser@example.com"), "h", 587).unwrap();
        assert_eq!(
            s.initial_response().unwrap().unwrap(),
            b"user=someuser@example.com\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
    }

    #[test]
    fn oauthbearer_error_is_decoded_and_answered_with_kvsep() {
        // RFC 7628 §4.3, decoded.
        let json = br#"{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}"#;
        let mut s = OAuth::new(Mechanism::OAuthBearer, &creds("u"), "h", 587).unwrap();
        s.initial_response().unwrap();
        assert_eq!(s.respond(json).unwrap(), b"\x01");
        let err = s.server_error().unwrap();
        assert_eq!(err.status.as_deref(), Some("invalid_token"));
        assert_eq!(err.scope.as_deref(), Some("example_scope"));
        assert_eq!(
            err.openid_configuration.as_deref(),
            Some("https://example.com/.well-known/openid-configuration")
        );
        assert!(err.to_string().contains("expired"), "{err}");
        assert!(matches!(s.finish(None), Err(SaslError::ServerError(_))));
    }

    #[test]
    fn xoauth2_error_is_decoded_and_answered_empty() {
        let json = br#"{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}"#;
        let mut s = OAuth::new(Mechanism::XOAuth2, &creds("u"), "h", 587).unwrap();
        s.initial_response().unwrap();
        assert_eq!(s.respond(json).unwrap(), b"");
        let err = s.server_error().unwrap();
        assert_eq!(err.status.as_deref(), Some("401"));
        assert_eq!(err.schemes.as_deref(), Some("bearer mac"));
        assert_eq!(err.scope.as_deref(), Some("https://mail.google.com/"));
        // A second challenge after the error is the end.
        assert!(matches!(s.respond(b"{}"), Err(SaslError::ServerError(_))));
    }

    #[test]
    fn garbage_error_keeps_raw_text() {
        let err = OAuthError::parse(b"not json\x07");
        assert_eq!(err.status, None);
        assert_eq!(err.raw, "not json\x07");
        assert_eq!(err.to_string(), "unreadable error: not json\\x07");
        assert_eq!(OAuthError::parse(br#"{"status":401}"#).status.as_deref(), Some("401"));
    }

    #[test]
    fn token_with_kvsep_is_refused() {
        let mut c = creds("u");
        c.secret = Some(Secret::new("abc\x01auth=x"));
        let err = OAuth::new(Mechanism::XOAuth2, &c, "h", 1).err().unwrap();
        assert!(matches!(err, SaslError::InvalidCredential(_)));
    }

    #[test]
    fn redaction_hides_the_token_only() {
        let shown =
            redact(b"n,a=u,\x01host=h\x01port=587\x01auth=Bearer secret-token\x01\x01").unwrap();
        assert_eq!(shown, "n,a=u,\\x01host=h\\x01port=587\\x01auth=<redacted>\\x01\\x01");
        assert_eq!(redact(b"\x01").unwrap(), "\\x01");
        assert_eq!(redact(b"no auth here"), None);
    }
}
