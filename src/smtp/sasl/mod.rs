//! Client-side SASL mechanisms for SMTP AUTH (RFC 4954), as pure state machines.
//!
//! This module owns the mechanisms (what bytes to send for each challenge, how to verify the
//! server's final data), the automatic choice among advertised mechanisms, and how AUTH
//! payloads appear in a transcript. It performs no I/O and knows nothing of base64 on the wire,
//! `334`/`235` replies or sockets: the engine sends `AUTH <MECH> [initial-response]`, decodes
//! each `334` challenge, calls [`SaslSession::respond`], and base64-encodes what comes back.
//! It must not print, and no error or transcript string it builds may contain a secret.
//!
//! Engine protocol, in order:
//! 1. [`start`] a session; send `AUTH NAME` plus [`SaslSession::initial_response`] if `Some`
//!    (an empty one is sent as `=`, RFC 4954 §4).
//! 2. For each `334`, at most [`SaslSession::max_steps`] times: base64-decode the text and send
//!    back the base64 of [`SaslSession::respond`]. On `Err`, cancel with `*` (RFC 4954 §4) and
//!    report the error.
//! 3. On `235`, call [`SaslSession::finish`] with any base64 data the reply carried; an `Err`
//!    there means the *server* failed to authenticate itself (SCRAM) and the session must not
//!    be trusted. On `535` and friends, [`SaslSession::server_error`] may explain why.

mod choose;
mod cram_md5;
mod error;
mod external;
mod login;
mod oauth;
mod plain;
mod scram;

use std::fmt;

pub use choose::{choose, choose_explained};
pub use error::SaslError;
pub use oauth::OAuthError;

use crate::secret::Secret;

/// A SASL mechanism smtpx can run, as registered with IANA ("SASL Mechanisms" registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mechanism {
    /// RFC 4616: the password itself, in one message.
    Plain,
    /// draft-murchison-sasl-login: username and password answered to two prompts.
    Login,
    /// RFC 2195: HMAC-MD5 of a server challenge keyed with the password.
    CramMd5,
    /// RFC 5802: salted challenge-response with mutual authentication, SHA-1.
    ScramSha1,
    /// RFC 7677: SCRAM with SHA-256.
    ScramSha256,
    /// RFC 7677 + RFC 5929 §4: SCRAM-SHA-256 bound to the TLS channel (tls-server-end-point).
    ScramSha256Plus,
    /// Google's XOAUTH2: an OAuth 2.0 bearer token (developers.google.com/gmail/imap/xoauth2-protocol).
    XOAuth2,
    /// RFC 7628: an OAuth 2.0 bearer token, the standard way.
    OAuthBearer,
    /// RFC 4422 Appendix A: identity from outside SASL, here the TLS client certificate.
    External,
}

/// Every mechanism, in declaration order (weakest password mechanisms first).
const ALL: &[Mechanism] = &[
    Mechanism::Plain,
    Mechanism::Login,
    Mechanism::CramMd5,
    Mechanism::ScramSha1,
    Mechanism::ScramSha256,
    Mechanism::ScramSha256Plus,
    Mechanism::XOAuth2,
    Mechanism::OAuthBearer,
    Mechanism::External,
];

impl Mechanism {
    /// The registered name, as it appears after `AUTH` (e.g. `SCRAM-SHA-256-PLUS`).
    pub fn name(&self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::ScramSha1 => "SCRAM-SHA-1",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha256Plus => "SCRAM-SHA-256-PLUS",
            Mechanism::XOAuth2 => "XOAUTH2",
            Mechanism::OAuthBearer => "OAUTHBEARER",
            Mechanism::External => "EXTERNAL",
        }
    }

    /// The document that defines the mechanism.
    pub fn spec(&self) -> &'static str {
        match self {
            Mechanism::Plain => "RFC 4616",
            Mechanism::Login => "draft-murchison-sasl-login",
            Mechanism::CramMd5 => "RFC 2195",
            Mechanism::ScramSha1 => "RFC 5802",
            Mechanism::ScramSha256 | Mechanism::ScramSha256Plus => "RFC 7677",
            Mechanism::XOAuth2 => "Google XOAUTH2",
            Mechanism::OAuthBearer => "RFC 7628",
            Mechanism::External => "RFC 4422 Appendix A",
        }
    }

    /// Parses a mechanism name, ignoring ASCII case (`scram-sha-256` works).
    pub fn from_name(name: &str) -> Option<Mechanism> {
        ALL.iter().copied().find(|m| m.name().eq_ignore_ascii_case(name))
    }

    /// Every mechanism smtpx implements.
    pub fn all() -> &'static [Mechanism] {
        ALL
    }

    /// A rough rank for ordering and display (higher is stronger). Channel binding beats
    /// mutual authentication, which beats a password that never crosses the wire, which beats
    /// a credential that does (bearer tokens are scoped and expire, so they rank above a
    /// password sent whole).
    pub fn strength(&self) -> u8 {
        match self {
            Mechanism::External => 100,
            Mechanism::ScramSha256Plus => 90,
            Mechanism::ScramSha256 => 80,
            Mechanism::ScramSha1 => 70,
            Mechanism::OAuthBearer => 50,
            Mechanism::XOAuth2 => 45,
            Mechanism::CramMd5 => 40,
            Mechanism::Plain => 20,
            Mechanism::Login => 10,
        }
    }

    /// True for mechanisms that need TLS channel-binding data ([`ChannelBinding`]).
    pub fn needs_tls_binding(&self) -> bool {
        matches!(self, Mechanism::ScramSha256Plus)
    }

    /// True when the credential itself crosses the wire, readable by anyone who can see the
    /// exchange: PLAIN and LOGIN (the password) and XOAUTH2 and OAUTHBEARER (the bearer token,
    /// as replayable as a password while it lives). Never send these without TLS.
    pub fn sends_cleartext_password(&self) -> bool {
        matches!(
            self,
            Mechanism::Plain | Mechanism::Login | Mechanism::XOAuth2 | Mechanism::OAuthBearer
        )
    }

    /// The kind of credential the mechanism consumes.
    pub fn credential_kind(&self) -> CredentialKind {
        match self {
            Mechanism::XOAuth2 | Mechanism::OAuthBearer => CredentialKind::OAuthToken,
            Mechanism::External => CredentialKind::ClientCertificate,
            _ => CredentialKind::Password,
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the user authenticates with; it decides which mechanisms can be used at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// A username and password.
    Password,
    /// A username and an OAuth 2.0 access token (in [`Credentials::secret`]).
    OAuthToken,
    /// A TLS client certificate presented during the handshake.
    ClientCertificate,
}

/// Who authenticates, with what, and on whose behalf.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The authentication identity (SASL "authcid").
    pub username: String,
    /// The password or access token; `None` for EXTERNAL.
    pub secret: Option<Secret>,
    /// Act as this identity instead (SASL "authzid"); `None` means "as myself".
    pub authzid: Option<String>,
}

/// TLS channel-binding data for `-PLUS` mechanisms (RFC 5056, types from RFC 5929).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelBinding {
    /// The channel-binding type name, e.g. `tls-server-end-point`.
    pub kind: &'static str,
    /// The binding data: for `tls-server-end-point`, the hash of the server's certificate
    /// (RFC 5929 §4.1: SHA-256 when the certificate is signed with MD5 or SHA-1, otherwise the
    /// hash of its signature algorithm).
    pub data: Vec<u8>,
}

impl ChannelBinding {
    /// The RFC 5929 §4 type that works with every TLS version smtpx speaks.
    pub const TLS_SERVER_END_POINT: &'static str = "tls-server-end-point";

    /// `tls-server-end-point` binding over the given certificate hash.
    pub fn tls_server_end_point(certificate_hash: Vec<u8>) -> Self {
        ChannelBinding { kind: Self::TLS_SERVER_END_POINT, data: certificate_hash }
    }
}

/// One running SASL exchange. Mechanisms are small state machines behind this trait.
pub trait SaslSession: Send {
    /// The mechanism this session runs.
    fn mechanism(&self) -> Mechanism;

    /// The initial response to send on the AUTH line (RFC 4954 §4), or `None` for mechanisms
    /// where the server speaks first (LOGIN, CRAM-MD5). `Some(empty)` is sent as `=`.
    /// Call it only if the engine will send what it returns; otherwise the first (empty) `334`
    /// gets the same bytes from [`respond`](Self::respond).
    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, SaslError>;

    /// The answer to one decoded `334` challenge.
    fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError>;

    /// Called on `235` with the decoded additional data, if the reply carried any. SCRAM
    /// verifies the server signature here unless a final `334` already delivered it.
    fn finish(&mut self, final_data: Option<&[u8]>) -> Result<(), SaslError>;

    /// The most `334` challenges this mechanism can need; more is a protocol violation.
    fn max_steps(&self) -> usize;

    /// How the transcript should show `client_bytes`, which this session just produced.
    /// Unlike [`redact_for_transcript`] it knows which LOGIN prompt was answered, so it can
    /// show the username and hide the password whatever order the server asked in.
    fn redact(&self, client_bytes: &[u8]) -> String {
        redact_for_transcript(self.mechanism(), client_bytes)
    }

    /// The server's explanation of a failure, when the mechanism carries one (OAUTHBEARER and
    /// XOAUTH2 send JSON in a `334` before the final `535`).
    fn server_error(&self) -> Option<&OAuthError> {
        None
    }
}

/// Starts a session for `mech`. `host` and `port` are the server as the user named it (only
/// OAUTHBEARER sends them). `binding` is required for `-PLUS`; passing it to a plain SCRAM
/// mechanism sends the gs2 flag `y` ("I could bind, but you did not offer -PLUS", RFC 5802 §6),
/// so pass it there only when the server did not advertise the `-PLUS` variant: a server that
/// did must reject `y` as a downgrade attack.
pub fn start(
    mech: Mechanism,
    creds: &Credentials,
    binding: Option<ChannelBinding>,
    host: &str,
    port: u16,
) -> Result<Box<dyn SaslSession>, SaslError> {
    Ok(match mech {
        Mechanism::Plain => Box::new(plain::Plain::new(creds)?),
        Mechanism::Login => Box::new(login::Login::new(creds)?),
        Mechanism::CramMd5 => Box::new(cram_md5::CramMd5::new(creds)?),
        Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::ScramSha256Plus => {
            Box::new(scram::Scram::new(mech, creds, binding)?)
        }
        Mechanism::XOAuth2 | Mechanism::OAuthBearer => {
            Box::new(oauth::OAuth::new(mech, creds, host, port)?)
        }
        Mechanism::External => Box::new(external::External::new(creds)?),
    })
}

/// What a transcript shows for a client AUTH payload (the initial response or an answer to a
/// `334`), decoded: passwords, tokens, SCRAM proofs and CRAM-MD5 digests become `<redacted>`,
/// the rest (usernames, nonces, gs2 headers) stays visible with control bytes escaped. The
/// decision is made on the bytes, not on the step number, so an unexpected order cannot leak a
/// secret; LOGIN answers are always hidden here (a username and a password look alike), use
/// [`SaslSession::redact`] to show the username.
pub fn redact_for_transcript(mech: Mechanism, client_bytes: &[u8]) -> String {
    if client_bytes.is_empty() {
        return String::new();
    }
    let shown = match mech {
        Mechanism::Plain => plain::redact(client_bytes),
        Mechanism::Login => None,
        Mechanism::CramMd5 => cram_md5::redact(client_bytes),
        Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::ScramSha256Plus => {
            scram::redact(client_bytes)
        }
        Mechanism::XOAuth2 | Mechanism::OAuthBearer => oauth::redact(client_bytes),
        Mechanism::External => Some(printable(client_bytes)),
    };
    shown.unwrap_or_else(|| REDACTED.to_string())
}

/// What a transcript shows for a decoded server challenge or `235` data during AUTH. Only the
/// SCRAM server signature (`v=`) is hidden: together with the visible nonces and salt it would
/// let anyone holding the transcript test password guesses offline, just as the client proof
/// would.
pub fn redact_server_for_transcript(mech: Mechanism, server_bytes: &[u8]) -> String {
    match mech {
        Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::ScramSha256Plus => {
            scram::redact_server(server_bytes)
        }
        _ => printable(server_bytes),
    }
}

/// The placeholder for anything secret.
const REDACTED: &str = "<redacted>";

/// Decodes bytes as UTF-8 (lossily) and escapes control characters, so a transcript line
/// stays one line and shows NUL and ^A separators for what they are.
fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for c in String::from_utf8_lossy(bytes).chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The secret from `creds`, or [`SaslError::MissingSecret`].
fn require_secret(creds: &Credentials) -> Result<&Secret, SaslError> {
    creds.secret.as_ref().ok_or(SaslError::MissingSecret)
}

/// Encodes a name for a GS2 header or SCRAM `n=` (RFC 5802 §5.1, RFC 5801 §4): `,` becomes
/// `=2C` and `=` becomes `=3D`; NUL cannot be carried at all.
fn saslname(name: &str) -> Result<String, SaslError> {
    if name.contains('\0') {
        return Err(SaslError::InvalidCredential("a name contains a NUL character"));
    }
    Ok(name.replace('=', "=3D").replace(',', "=2C"))
}

/// Counts challenges so that no mechanism answers more than it should, whatever the engine
/// does with [`SaslSession::max_steps`].
#[derive(Debug, Default)]
struct Steps(usize);

impl Steps {
    /// Records one more challenge; fails once `max` have been answered.
    fn next(&mut self, max: usize) -> Result<usize, SaslError> {
        if self.0 >= max {
            return Err(SaslError::TooManySteps);
        }
        self.0 += 1;
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A password no mechanism may ever show.
    const PASSWORD: &str = "Zebra-Pw-7731";

    fn password_creds() -> Credentials {
        Credentials { username: "alice".into(), secret: Some(Secret::new(PASSWORD)), authzid: None }
    }

    #[test]
    fn names_round_trip_case_insensitively() {
        for &m in Mechanism::all() {
            assert_eq!(Mechanism::from_name(m.name()), Some(m));
            assert_eq!(Mechanism::from_name(&m.name().to_lowercase()), Some(m));
            assert_eq!(m.to_string(), m.name());
        }
        assert_eq!(Mechanism::from_name("scram-sha-256-plus"), Some(Mechanism::ScramSha256Plus));
        assert_eq!(Mechanism::from_name("GSSAPI"), None);
        assert_eq!(Mechanism::all().len(), 9);
    }

    #[test]
    fn start_requires_what_the_mechanism_needs() {
        let no_secret = Credentials { username: "alice".into(), secret: None, authzid: None };
        for &m in Mechanism::all() {
            let result = start(m, &no_secret, None, "mx.example", 587);
            match m {
                Mechanism::External => assert!(result.is_ok()),
                _ => assert_eq!(result.err(), Some(SaslError::MissingSecret), "{m}"),
            }
        }
        let plus = start(Mechanism::ScramSha256Plus, &password_creds(), None, "mx", 587);
        assert_eq!(plus.err(), Some(SaslError::MissingChannelBinding));
    }

    /// The challenges a well-behaved server would send, as far as they can be scripted.
    fn script(mech: Mechanism, client_first: Option<&[u8]>) -> Vec<Vec<u8>> {
        match mech {
            Mechanism::Login => vec![b"Password:".to_vec(), b"Username:".to_vec()],
            Mechanism::CramMd5 => vec![b"<1896.697170952@postoffice.example.net>".to_vec()],
            Mechanism::ScramSha1 | Mechanism::ScramSha256 | Mechanism::ScramSha256Plus => {
                let first = String::from_utf8_lossy(client_first.unwrap_or_default()).into_owned();
                let nonce = first.rsplit("r=").next().unwrap_or_default().to_string();
                vec![format!("r={nonce}srv,s=QSXCR+Q6sek8bf92,i=4096").into_bytes()]
            }
            Mechanism::XOAuth2 | Mechanism::OAuthBearer => {
                vec![br#"{"status":"invalid_token"}"#.to_vec()]
            }
            _ => Vec::new(),
        }
    }

    /// Everything `mech` sends in one scripted exchange.
    /// What a session sent: the bytes, and how the session itself redacted them.
    type Sent = Vec<(Vec<u8>, String)>;

    fn client_messages(mech: Mechanism) -> (Box<dyn SaslSession>, Sent) {
        let binding = Some(ChannelBinding::tls_server_end_point(vec![7; 32]));
        let binding = if mech.needs_tls_binding() { binding } else { None };
        let mut session = start(mech, &password_creds(), binding, "mx.example", 587).unwrap();
        let mut sent = Vec::new();
        let first = session.initial_response().unwrap();
        if let Some(bytes) = &first {
            sent.push((bytes.clone(), session.redact(bytes)));
        }
        for challenge in script(mech, first.as_deref()) {
            let bytes = session.respond(&challenge).unwrap();
            sent.push((bytes.clone(), session.redact(&bytes)));
        }
        (session, sent)
    }

    #[test]
    fn transcripts_never_show_the_password() {
        for &mech in Mechanism::all() {
            let (session, sent) = client_messages(mech);
            assert!(!sent.is_empty() || mech == Mechanism::External, "{mech} sent nothing");
            for (step, (bytes, by_session)) in sent.iter().enumerate() {
                let free = redact_for_transcript(mech, bytes);
                for shown in [&free, by_session] {
                    assert!(!shown.contains(PASSWORD), "{mech} step {step}: {shown}");
                    assert!(!shown.contains("Zebra"), "{mech} step {step}: {shown}");
                }
            }
            if let Some(err) = session.server_error() {
                assert!(!err.to_string().contains(PASSWORD));
            }
            // The raw password handed to any redactor stays hidden too.
            if mech != Mechanism::External {
                assert_eq!(redact_for_transcript(mech, PASSWORD.as_bytes()), "<redacted>");
            }
        }
    }

    #[test]
    fn transcripts_show_what_is_safe() {
        let (_, login) = client_messages(Mechanism::Login);
        assert_eq!(login[0].1, "<redacted>"); // asked for the password first
        assert_eq!(login[1].1, "alice");
        let (_, plain) = client_messages(Mechanism::Plain);
        assert_eq!(plain[0].1, "\\0alice\\0<redacted>");
        let (_, scram) = client_messages(Mechanism::ScramSha256);
        assert!(scram[0].1.starts_with("n,,n=alice,r="), "{}", scram[0].1);
        assert!(scram[1].1.ends_with(",p=<redacted>"), "{}", scram[1].1);
        let (_, cram) = client_messages(Mechanism::CramMd5);
        assert_eq!(cram[0].1, "alice <redacted>");
        assert_eq!(redact_for_transcript(Mechanism::External, b""), "");
    }

    #[test]
    fn errors_never_show_the_password() {
        let mut creds = password_creds();
        creds.secret = Some(Secret::new(format!("{PASSWORD}\0")));
        let err = start(Mechanism::Plain, &creds, None, "h", 1).err().unwrap();
        assert!(!format!("{err} {err:?}").contains(PASSWORD));
        creds.secret = Some(Secret::new(format!("{PASSWORD} with space")));
        let err = start(Mechanism::XOAuth2, &creds, None, "h", 1).err().unwrap();
        assert!(!format!("{err} {err:?}").contains(PASSWORD));
    }

    #[test]
    fn steps_stop_at_the_bound() {
        let mut steps = Steps::default();
        assert_eq!(steps.next(2), Ok(1));
        assert_eq!(steps.next(2), Ok(2));
        assert_eq!(steps.next(2), Err(SaslError::TooManySteps));
    }

    #[test]
    fn printable_escapes_controls() {
        assert_eq!(printable(b"a\0b\x01c\\d\r\n"), "a\\0b\\x01c\\\\d\\x0d\\x0a");
        assert_eq!(printable("é".as_bytes()), "é");
    }
}
