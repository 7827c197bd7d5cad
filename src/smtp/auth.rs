//! SMTP AUTH (RFC 4954): drives a SASL mechanism from [`super::sasl`] over a [`Client`].
//!
//! The exchange is `AUTH MECH [initial-response]`, then any number of `334 challenge` /
//! `response` rounds (bounded by the mechanism), ending in 235 (success) or an error reply. A
//! challenge that is not base64, or one the mechanism cannot parse, is a protocol error and the
//! exchange is cancelled with `*`. Secrets never reach an event: client payloads show as
//! `<redacted>`, and server data that would allow offline guessing (SCRAM `v=`) is masked.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::client::Client;
use super::command::Command;
use super::error::Error;
use super::event::Event;
use super::reply::Reply;
use super::sasl::{
    self, ChannelBinding, Credentials, Mechanism, OAuthError, SaslError, SaslSession,
};

/// How an AUTH exchange ended, when it ended with a reply.
#[derive(Debug, Clone)]
pub struct AuthOutcome {
    /// The mechanism used.
    pub mechanism: Mechanism,
    /// True on 235 with a verified server (SCRAM).
    pub success: bool,
    /// The final reply (235, or the refusal such as 535 5.7.8).
    pub reply: Reply,
    /// OAUTHBEARER/XOAUTH2: the server's decoded JSON error.
    pub oauth_error: Option<OAuthError>,
}

/// A failure inside the SASL exchange (not a refusal by the server).
#[derive(Debug, Clone)]
pub struct AuthError {
    /// The mechanism in use.
    pub mechanism: Mechanism,
    /// What went wrong.
    pub reason: SaslError,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} authentication failed: {}", self.mechanism, self.reason)
    }
}

/// Authenticates with `mechanism`. The caller has already checked the policy (TLS, advertised
/// mechanisms); this runs the exchange.
pub fn authenticate(
    client: &mut Client<'_>,
    mechanism: Mechanism,
    credentials: &Credentials,
    binding: Option<ChannelBinding>,
) -> Result<AuthOutcome, Error> {
    let sasl_error = |reason: SaslError| Error::Auth(Box::new(AuthError { mechanism, reason }));
    let host = client.host().to_string();
    let port = client.peer().port();
    let mut session =
        sasl::start(mechanism, credentials, binding, &host, port).map_err(sasl_error)?;
    let initial = session.initial_response().map_err(sasl_error)?;
    client.send(&Command::Auth {
        mechanism: mechanism.name().to_string(),
        initial_response: initial.map(|ir| BASE64.encode(ir)),
    });
    let mut steps = 0;
    loop {
        let reply = client.receive_masked("AUTH", &|r| mask_challenge(mechanism, r))?;
        match reply.code {
            334 => {
                steps += 1;
                if steps > session.max_steps() {
                    return Err(cancel(client, mechanism, SaslError::TooManySteps));
                }
                let response = decode_challenge(&reply).and_then(|c| session.respond(&c));
                match response {
                    Ok(bytes) => client.send(&Command::AuthResponse(BASE64.encode(bytes))),
                    Err(reason) => return Err(cancel(client, mechanism, reason)),
                }
            }
            235 => return finish(session.as_mut(), reply),
            _ => {
                let oauth_error = session.server_error().cloned();
                if let Some(e) = &oauth_error {
                    client.emit(Event::Note(format!("the server says about the token: {e}")));
                }
                return Ok(AuthOutcome { mechanism, success: false, reply, oauth_error });
            }
        }
    }
}

/// After 235: SCRAM must have verified the server's signature, or the server is not who it
/// claims to be and the session must not be trusted.
fn finish(session: &mut dyn SaslSession, reply: Reply) -> Result<AuthOutcome, Error> {
    let mechanism = session.mechanism();
    let final_data = reply.lines.first().and_then(|l| BASE64.decode(l.trim()).ok());
    session
        .finish(final_data.as_deref())
        .map_err(|reason| Error::Auth(Box::new(AuthError { mechanism, reason })))?;
    Ok(AuthOutcome { mechanism, success: true, reply, oauth_error: None })
}

/// Cancels the exchange with `*` (RFC 4954 §4) and reads the server's answer, then reports the
/// client-side reason. A server that hangs up instead is fine here.
fn cancel(client: &mut Client<'_>, mechanism: Mechanism, reason: SaslError) -> Error {
    client.send(&Command::AuthResponse("*".into()));
    let _ = client.receive("AUTH cancel");
    Error::Auth(Box::new(AuthError { mechanism, reason }))
}

/// A 334's text is base64 (possibly empty); anything else is a protocol violation.
fn decode_challenge(reply: &Reply) -> Result<Vec<u8>, SaslError> {
    let text = reply.lines.join("");
    BASE64
        .decode(text.trim())
        .map_err(|_| SaslError::MalformedChallenge("the 334 challenge is not valid base64".into()))
}

/// The transcript form of a 334: unchanged unless the decoded challenge holds something that
/// must not be shown, in which case the text becomes `<redacted>`.
fn mask_challenge(mechanism: Mechanism, reply: &Reply) -> Option<Reply> {
    if reply.code != 334 && reply.code != 235 {
        return None;
    }
    let decoded = BASE64.decode(reply.lines.join("").trim()).ok()?;
    let shown = sasl::redact_server_for_transcript(mechanism, &decoded);
    if !shown.contains("<redacted>") {
        return None;
    }
    Some(Reply { code: reply.code, enhanced: None, lines: vec!["<redacted>".into()] })
}
