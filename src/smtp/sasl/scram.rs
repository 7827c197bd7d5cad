//! SCRAM-SHA-1 (RFC 5802), SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 7677), client side.
//!
//! It owns the message grammar (RFC 5802 §7), the key derivation (§3) and the check of the
//! server signature, which is what makes SCRAM mutual: a server that cannot produce `v=` does
//! not know the password. Crypto comes from RustCrypto (`pbkdf2`, `hmac`, `sha1`, `sha2`); the
//! client nonce from the OS (`getrandom`). Every server attribute is bounded before use (the
//! iteration count drives CPU time).
//!
//! SASLprep (RFC 4013, required for names and passwords by RFC 5802 §2.2) comes from the
//! `stringprep` crate. ASCII without control characters passes unchanged (the common case).
//! Where SASLprep refuses a string, the raw UTF-8 is used instead: that crate applies the
//! stricter "stored strings" rule and refuses code points unassigned in Unicode 3.2 (every
//! emoji), which RFC 5802's "query" rule allows, and servers that skip SASLprep (Dovecot,
//! Cyrus) compare raw bytes anyway.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{
    ChannelBinding, Credentials, Mechanism, REDACTED, SaslError, SaslSession, Steps, printable,
    require_secret, saslname,
};

/// The highest PBKDF2 iteration count we accept; servers use 4096 to a few hundred thousand.
/// A hostile server could otherwise pin the CPU with i=4294967295.
const MAX_ITERATIONS: u32 = 1_000_000;

/// Random bytes in the client nonce; 18 bytes make 24 base64 characters, no padding.
const NONCE_BYTES: usize = 18;

/// The hash a SCRAM variant is built on.
#[derive(Debug, Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
}

/// Where the exchange stands.
enum State {
    /// Nothing sent yet.
    Initial,
    /// client-first sent; waiting for server-first.
    SentClientFirst,
    /// client-final sent; the server must now prove itself with `v=`.
    SentClientFinal { server_key: Zeroizing<Vec<u8>>, auth_message: Vec<u8> },
    /// The server signature checked out.
    Verified,
    /// The exchange failed; nothing more will be sent.
    Failed,
}

/// A SCRAM exchange.
pub(super) struct Scram {
    mech: Mechanism,
    hash: Hash,
    password: Zeroizing<Vec<u8>>,
    /// gs2-header (RFC 5802 §7), e.g. `n,,` or `p=tls-server-end-point,,`.
    gs2_header: String,
    /// Channel-binding data appended to the gs2 header in `c=` (empty unless -PLUS).
    cbind_data: Vec<u8>,
    client_nonce: String,
    client_first_bare: String,
    state: State,
    steps: Steps,
}

impl Scram {
    /// A session with a fresh nonce from the OS RNG.
    pub(super) fn new(
        mech: Mechanism,
        creds: &Credentials,
        binding: Option<ChannelBinding>,
    ) -> Result<Self, SaslError> {
        let mut random = [0u8; NONCE_BYTES];
        getrandom::fill(&mut random).map_err(|e| SaslError::Random(e.to_string()))?;
        Self::with_nonce(mech, creds, binding, BASE64.encode(random))
    }

    /// A session with a given client nonce (tests use the RFC examples' nonces).
    fn with_nonce(
        mech: Mechanism,
        creds: &Credentials,
        binding: Option<ChannelBinding>,
        client_nonce: String,
    ) -> Result<Self, SaslError> {
        let hash = match mech {
            Mechanism::ScramSha1 => Hash::Sha1,
            _ => Hash::Sha256,
        };
        let password = Zeroizing::new(prepare(require_secret(creds)?.expose()).as_bytes().to_vec());
        let username = prepare(&creds.username);
        if username.is_empty() {
            return Err(SaslError::InvalidCredential("SCRAM needs a non-empty username"));
        }
        let (gs2_header, cbind_data) = gs2_header(mech, creds.authzid.as_deref(), binding)?;
        let client_first_bare = format!("n={},r={client_nonce}", saslname(&username)?);
        Ok(Scram {
            mech,
            hash,
            password,
            gs2_header,
            cbind_data,
            client_nonce,
            client_first_bare,
            state: State::Initial,
            steps: Steps::default(),
        })
    }

    fn client_first(&mut self) -> Vec<u8> {
        self.state = State::SentClientFirst;
        format!("{}{}", self.gs2_header, self.client_first_bare).into_bytes()
    }

    /// Reads server-first, derives the keys and builds client-final.
    fn client_final(&mut self, server_first: &[u8]) -> Result<Vec<u8>, SaslError> {
        let first = ServerFirst::parse(server_first, &self.client_nonce)?;
        let mut cbind_input = self.gs2_header.as_bytes().to_vec();
        cbind_input.extend_from_slice(&self.cbind_data);
        let without_proof = format!("c={},r={}", BASE64.encode(cbind_input), first.nonce);
        let server_first = String::from_utf8_lossy(server_first); // checked ASCII by parse
        let auth_message =
            format!("{},{server_first},{without_proof}", self.client_first_bare).into_bytes();
        let keys = match self.hash {
            Hash::Sha1 => {
                derive::<Sha1>(&self.password, &first.salt, first.iterations, &auth_message)
            }
            Hash::Sha256 => {
                derive::<Sha256>(&self.password, &first.salt, first.iterations, &auth_message)
            }
        };
        self.state = State::SentClientFinal { server_key: keys.server_key, auth_message };
        Ok(format!("{without_proof},p={}", BASE64.encode(&*keys.client_proof)).into_bytes())
    }

    /// Checks server-final (`v=` or `e=`); on success the exchange is complete.
    fn verify(&mut self, server_final: &[u8]) -> Result<(), SaslError> {
        let State::SentClientFinal { server_key, auth_message } =
            std::mem::replace(&mut self.state, State::Failed)
        else {
            return Err(SaslError::ServerSignatureMismatch);
        };
        let signature = match ServerFinal::parse(server_final) {
            ServerFinal::Error(value) => return Err(SaslError::ScramServerError(value)),
            ServerFinal::Verifier(signature) => signature,
            ServerFinal::Invalid => return Err(SaslError::ServerSignatureMismatch),
        };
        let ok = match self.hash {
            Hash::Sha1 => hmac_verify::<Sha1>(&server_key, &auth_message, &signature),
            Hash::Sha256 => hmac_verify::<Sha256>(&server_key, &auth_message, &signature),
        };
        if !ok {
            return Err(SaslError::ServerSignatureMismatch);
        }
        self.state = State::Verified;
        Ok(())
    }
}

impl SaslSession for Scram {
    fn mechanism(&self) -> Mechanism {
        self.mech
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, SaslError> {
        match self.state {
            State::Initial => Ok(Some(self.client_first())),
            _ => Err(SaslError::TooManySteps),
        }
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        self.steps.next(self.max_steps())?;
        match self.state {
            // An empty 334 because no initial response was sent.
            State::Initial => Ok(self.client_first()),
            State::SentClientFirst => self.client_final(challenge).inspect_err(|_| {
                self.state = State::Failed;
            }),
            // RFC 4954 §4: server-final may come as a last 334; the answer is empty.
            State::SentClientFinal { .. } => self.verify(challenge).map(|()| Vec::new()),
            State::Verified | State::Failed => Err(SaslError::TooManySteps),
        }
    }

    fn finish(&mut self, final_data: Option<&[u8]>) -> Result<(), SaslError> {
        match (&self.state, final_data) {
            (State::Verified, _) => Ok(()),
            (State::SentClientFinal { .. }, Some(data)) => self.verify(data),
            // A 235 without v= (or before we even sent a proof): the server never proved
            // itself, so the session cannot be trusted.
            _ => {
                self.state = State::Failed;
                Err(SaslError::ServerSignatureMismatch)
            }
        }
    }

    fn max_steps(&self) -> usize {
        3 // (empty 334 if no initial response), server-first, server-final
    }
}

/// SASLprep (RFC 4013), or the raw string where SASLprep refuses it (see the module header).
fn prepare(s: &str) -> Cow<'_, str> {
    stringprep::saslprep(s).unwrap_or(Cow::Borrowed(s))
}

/// The gs2-header and channel-binding data (RFC 5802 §6): `p=TYPE` for -PLUS, `y` when we
/// could bind but the mechanism does not, `n` when we cannot.
fn gs2_header(
    mech: Mechanism,
    authzid: Option<&str>,
    binding: Option<ChannelBinding>,
) -> Result<(String, Vec<u8>), SaslError> {
    let authzid = match authzid {
        Some(a) if !a.is_empty() => format!("a={}", saslname(&prepare(a))?),
        _ => String::new(),
    };
    match (mech.needs_tls_binding(), binding) {
        (true, None) => Err(SaslError::MissingChannelBinding),
        (true, Some(cb)) => {
            // cb-name = 1*(ALPHA / DIGIT / "." / "-") (RFC 5802 §7)
            let valid = !cb.kind.is_empty()
                && cb.kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
            if !valid {
                return Err(SaslError::InvalidCredential(
                    "the channel-binding type name is invalid",
                ));
            }
            Ok((format!("p={},{authzid},", cb.kind), cb.data))
        }
        (false, Some(_)) => Ok((format!("y,{authzid},"), Vec::new())),
        (false, None) => Ok((format!("n,{authzid},"), Vec::new())),
    }
}

/// The parts of server-first-message we use (RFC 5802 §7).
struct ServerFirst {
    nonce: String,
    salt: Vec<u8>,
    iterations: u32,
}

impl ServerFirst {
    /// Parses `[m=..,]r=NONCE,s=SALT,i=COUNT[,ext]`, checking each part.
    fn parse(message: &[u8], client_nonce: &str) -> Result<ServerFirst, SaslError> {
        let malformed =
            |why: &str| SaslError::MalformedChallenge(format!("SCRAM server-first: {why}"));
        let text = std::str::from_utf8(message)
            .ok()
            .filter(|t| t.bytes().all(|b| (0x20..0x7f).contains(&b)))
            .ok_or_else(|| malformed("not printable ASCII"))?;
        let attrs =
            attributes(text).ok_or_else(|| malformed("not a list of a=value attributes"))?;
        match attrs.first() {
            Some(('e', value)) => return Err(SaslError::ScramServerError((*value).to_string())),
            Some(('m', _)) => {
                return Err(malformed("the server requires an unknown extension (m=)"));
            }
            _ => {}
        }
        let [('r', nonce), ('s', salt), ('i', count), ..] = attrs.as_slice() else {
            return Err(malformed("expected r=, s= and i=, in that order"));
        };
        if !nonce.bytes().all(|b| b != b',' && (0x21..0x7f).contains(&b)) {
            return Err(malformed("the nonce contains characters outside printable ASCII"));
        }
        if !(nonce.starts_with(client_nonce) && nonce.len() > client_nonce.len()) {
            return Err(malformed("the nonce does not extend the client's nonce"));
        }
        let salt = BASE64.decode(salt).map_err(|_| malformed("the salt is not base64"))?;
        let iterations = parse_iterations(count).ok_or_else(|| {
            // Quote the value only when short: a hostile server controls its length.
            let shown = if count.len() <= 12 { format!("{count:?} ") } else { String::new() };
            malformed(&format!("iteration count {shown}is not between 1 and {MAX_ITERATIONS}"))
        })?;
        Ok(ServerFirst { nonce: (*nonce).to_string(), salt, iterations })
    }
}

/// `i=` as a number within bounds: digits only (no sign), 1 to [`MAX_ITERATIONS`].
fn parse_iterations(count: &str) -> Option<u32> {
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    count.parse::<u32>().ok().filter(|i| (1..=MAX_ITERATIONS).contains(i))
}

/// What server-final-message says.
enum ServerFinal {
    /// `e=value`: the server reports failure.
    Error(String),
    /// `v=base64`: the decoded server signature.
    Verifier(Vec<u8>),
    /// Anything else: no usable signature.
    Invalid,
}

impl ServerFinal {
    fn parse(message: &[u8]) -> ServerFinal {
        let Some(attrs) = std::str::from_utf8(message).ok().and_then(attributes) else {
            return ServerFinal::Invalid;
        };
        match attrs.first() {
            Some(('e', value)) => ServerFinal::Error(printable(value.as_bytes())),
            Some(('v', value)) => {
                BASE64.decode(value).map_or(ServerFinal::Invalid, ServerFinal::Verifier)
            }
            _ => ServerFinal::Invalid,
        }
    }
}

/// Splits `a=x,b=y` into (name, value) pairs; `None` unless every part is one letter, `=`,
/// value (RFC 5802 §7 `attr-val`).
fn attributes(text: &str) -> Option<Vec<(char, &str)>> {
    text.split(',')
        .map(|part| {
            let mut chars = part.chars();
            let name = chars.next().filter(char::is_ascii_alphabetic)?;
            let value = chars.as_str().strip_prefix('=')?;
            Some((name, value))
        })
        .collect()
}

/// What client-final needs and what verifying server-final needs, from RFC 5802 §3.
struct Keys {
    client_proof: Zeroizing<Vec<u8>>,
    server_key: Zeroizing<Vec<u8>>,
}

/// RFC 5802 §3: SaltedPassword = Hi(password, salt, i); ClientKey = HMAC(SaltedPassword,
/// "Client Key"); StoredKey = H(ClientKey); ClientProof = ClientKey XOR HMAC(StoredKey,
/// AuthMessage); ServerKey = HMAC(SaltedPassword, "Server Key").
fn derive<D: EagerHash>(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    auth_message: &[u8],
) -> Keys {
    let mut salted = Zeroizing::new(vec![0u8; <D as Digest>::output_size()]);
    pbkdf2::pbkdf2_hmac::<D>(password, salt, iterations, &mut salted);
    let client_key = Zeroizing::new(hmac::<D>(&salted, b"Client Key"));
    let stored_key = D::digest(&*client_key);
    let client_signature = hmac::<D>(&stored_key, auth_message);
    let client_proof = client_key.iter().zip(&client_signature).map(|(k, s)| k ^ s).collect();
    Keys {
        client_proof: Zeroizing::new(client_proof),
        server_key: Zeroizing::new(hmac::<D>(&salted, b"Server Key")),
    }
}

fn new_mac<D: EagerHash>(key: &[u8]) -> Hmac<D> {
    <Hmac<D> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

fn hmac<D: EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = new_mac::<D>(key);
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Constant-time check of ServerSignature = HMAC(ServerKey, AuthMessage).
fn hmac_verify<D: EagerHash>(key: &[u8], data: &[u8], expected: &[u8]) -> bool {
    let mut mac = new_mac::<D>(key);
    mac.update(data);
    mac.verify_slice(expected).is_ok()
}

/// Shows client-first whole (it holds no secret) and client-final with the proof hidden.
pub(super) fn redact(client_bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(client_bytes).ok()?;
    if text.starts_with("c=") {
        // client-final: the proof is the last attribute (RFC 5802 §7).
        let at = text.find(",p=")?;
        return Some(format!("{},p={REDACTED}", printable(&client_bytes[..at])));
    }
    // client-first: gs2 flag, authzid, then the bare message, which must not hold a proof.
    let mut gs2 = text.splitn(3, ',');
    let (flag, _authzid, bare) = (gs2.next()?, gs2.next()?, gs2.next()?);
    let flag_ok = flag == "n" || flag == "y" || flag.starts_with("p=");
    (flag_ok && bare.starts_with("n=") && !bare.contains(",p=")).then(|| printable(client_bytes))
}

/// Shows a server message with the server signature (`v=`) hidden.
pub(super) fn redact_server(server_bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(server_bytes);
    let parts: Vec<String> = text
        .split(',')
        .map(|part| {
            if part.starts_with("v=") {
                format!("v={REDACTED}")
            } else {
                printable(part.as_bytes())
            }
        })
        .collect();
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    /// RFC 5802 §5.
    const SHA1_NONCE: &str = "fyko+d2lbbFgONRv9qkxdawL";
    const SHA1_SERVER_FIRST: &[u8] =
        b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
    const SHA1_CLIENT_FINAL: &[u8] =
        b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
    const SHA1_SERVER_FINAL: &[u8] = b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

    /// RFC 7677 §3.
    const SHA256_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
    const SHA256_SERVER_FIRST: &[u8] =
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    fn creds(user: &str, password: &str, authzid: Option<&str>) -> Credentials {
        Credentials {
            username: user.into(),
            secret: Some(Secret::new(password)),
            authzid: authzid.map(Into::into),
        }
    }

    fn session(mech: Mechanism, nonce: &str, binding: Option<ChannelBinding>) -> Scram {
        Scram::with_nonce(mech, &creds("user", "pencil", None), binding, nonce.into()).unwrap()
    }

    /// A SHA-1 session that has answered the RFC 5802 server-first.
    fn sha1_after_client_final() -> Scram {
        let mut s = session(Mechanism::ScramSha1, SHA1_NONCE, None);
        s.initial_response().unwrap();
        s.respond(SHA1_SERVER_FIRST).unwrap();
        s
    }

    fn assert_malformed(server_first: &[u8]) {
        let mut s = session(Mechanism::ScramSha1, SHA1_NONCE, None);
        s.initial_response().unwrap();
        let result = s.respond(server_first);
        assert!(
            matches!(result, Err(SaslError::MalformedChallenge(_))),
            "{:?} gave {result:?}",
            String::from_utf8_lossy(server_first)
        );
    }

    #[test]
    fn rfc5802_sha1_example() {
        let mut s = session(Mechanism::ScramSha1, SHA1_NONCE, None);
        assert_eq!(s.initial_response().unwrap().unwrap(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        assert_eq!(s.respond(SHA1_SERVER_FIRST).unwrap(), SHA1_CLIENT_FINAL);
        // server-final arrives with the 235.
        assert_eq!(s.finish(Some(SHA1_SERVER_FINAL)), Ok(()));
    }

    #[test]
    fn rfc7677_sha256_example_with_server_final_in_a_334() {
        let mut s = session(Mechanism::ScramSha256, SHA256_NONCE, None);
        assert_eq!(s.initial_response().unwrap().unwrap(), b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assert_eq!(
            s.respond(SHA256_SERVER_FIRST).unwrap(),
            b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
              p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        let server_final = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
        assert_eq!(s.respond(server_final).unwrap(), b"");
        assert_eq!(s.finish(None), Ok(()));
        assert_eq!(s.respond(b"more?"), Err(SaslError::TooManySteps));
    }

    #[test]
    fn plus_sends_channel_binding_in_c() {
        // Expected values computed independently (Python hashlib/hmac) over the RFC 7677
        // exchange with binding data DE AD BE EF.
        let binding = ChannelBinding::tls_server_end_point(vec![0xde, 0xad, 0xbe, 0xef]);
        let mut s = session(Mechanism::ScramSha256Plus, SHA256_NONCE, Some(binding));
        let first = s.initial_response().unwrap().unwrap();
        assert_eq!(first, b"p=tls-server-end-point,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assert_eq!(
            s.respond(SHA256_SERVER_FIRST).unwrap(),
            b"c=cD10bHMtc2VydmVyLWVuZC1wb2ludCws3q2+7w==,\
              r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
              p=TEa84bEQI/2PI4Vj3exWhtk2x04JYP5CIBXWVZiaShA="
        );
        assert_eq!(s.finish(Some(b"v=pbKn1iFIoL79breNjerTPyM7wlXQrOwmqc4hVZHDCWE=")), Ok(()));
    }

    #[test]
    fn plus_without_binding_is_refused() {
        let result =
            Scram::with_nonce(Mechanism::ScramSha256Plus, &creds("u", "p", None), None, "n".into());
        assert!(matches!(result, Err(SaslError::MissingChannelBinding)));
    }

    #[test]
    fn binding_without_plus_sends_y_flag() {
        let binding = ChannelBinding::tls_server_end_point(vec![1, 2, 3]);
        let mut s = session(Mechanism::ScramSha256, SHA256_NONCE, Some(binding));
        assert!(s.initial_response().unwrap().unwrap().starts_with(b"y,,n=user,"));
        let final_msg = s.respond(SHA256_SERVER_FIRST).unwrap();
        assert!(final_msg.starts_with(b"c=eSws,"), "{}", String::from_utf8_lossy(&final_msg));
    }

    #[test]
    fn authzid_and_username_are_saslname_escaped() {
        let c = creds("a,b=c", "x", Some("ad=min"));
        let mut s = Scram::with_nonce(Mechanism::ScramSha256, &c, None, "abc".into()).unwrap();
        assert_eq!(s.initial_response().unwrap().unwrap(), b"n,a=ad=3Dmin,n=a=2Cb=3Dc,r=abc");
    }

    #[test]
    fn wrong_server_signature_is_a_mismatch() {
        let mut s = sha1_after_client_final();
        let wrong = b"v=AAAAqV8S7suAoZWja4dJRkFsKQ=";
        assert_eq!(s.respond(wrong), Err(SaslError::ServerSignatureMismatch));
        // The exchange is over; a late 235 does not rescue it.
        assert_eq!(s.finish(Some(SHA1_SERVER_FINAL)), Err(SaslError::ServerSignatureMismatch));
    }

    #[test]
    fn missing_server_signature_is_a_mismatch() {
        assert_eq!(sha1_after_client_final().finish(None), Err(SaslError::ServerSignatureMismatch));
        let not_v = sha1_after_client_final().finish(Some(b"2.7.0 Authentication successful"));
        assert_eq!(not_v, Err(SaslError::ServerSignatureMismatch));
        let bad_b64 = sha1_after_client_final().finish(Some(b"v=!!!"));
        assert_eq!(bad_b64, Err(SaslError::ServerSignatureMismatch));
    }

    #[test]
    fn success_before_any_proof_is_a_mismatch() {
        let mut s = session(Mechanism::ScramSha1, SHA1_NONCE, None);
        s.initial_response().unwrap();
        assert_eq!(s.finish(None), Err(SaslError::ServerSignatureMismatch));
    }

    #[test]
    fn server_error_in_server_final_is_reported() {
        let mut s = sha1_after_client_final();
        let err = s.respond(b"e=invalid-proof").unwrap_err();
        assert_eq!(err, SaslError::ScramServerError("invalid-proof".into()));
        assert!(err.is_authentication_failure());
    }

    #[test]
    fn server_error_in_server_first_is_reported() {
        let mut s = session(Mechanism::ScramSha1, SHA1_NONCE, None);
        s.initial_response().unwrap();
        assert_eq!(
            s.respond(b"e=unknown-user"),
            Err(SaslError::ScramServerError("unknown-user".into()))
        );
    }

    #[test]
    fn malformed_server_first_messages() {
        assert_malformed(b"s=QSXCR+Q6sek8bf92,i=4096"); // no r=
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,i=4096,s=QSXCR+Q6sek8bf92"); // order
        assert_malformed(b"r=someoneelse3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096"); // not extended
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=0");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=1000001");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4294967296");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=+4096");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=not*base64,i=4096");
        assert_malformed(b"m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,4096");
        assert_malformed(b"r=fyko+d2lbbFgONRv9qkxdawL\xc3\xa9,s=QSXCR+Q6sek8bf92,i=4096");
        assert_malformed(b"");
    }

    #[test]
    fn iteration_bounds_are_inclusive() {
        let parse = |i: &str| {
            let msg = format!("r=abcdef,s=QSXCR+Q6sek8bf92,i={i}");
            ServerFirst::parse(msg.as_bytes(), "abc").map(|f| f.iterations)
        };
        assert_eq!(parse("1"), Ok(1));
        assert_eq!(parse("1000000"), Ok(1_000_000));
        assert!(parse("1000001").is_err());
        let huge = "9".repeat(5000);
        let Err(SaslError::MalformedChallenge(why)) = parse(&huge) else { panic!("accepted") };
        assert!(why.len() < 200, "{why}");
    }

    #[test]
    fn extensions_after_iteration_count_are_ignored() {
        let msg = b"r=abcdef,s=QSXCR+Q6sek8bf92,i=4096,x=future";
        assert_eq!(ServerFirst::parse(msg, "abc").map(|f| f.iterations), Ok(4096));
    }

    #[test]
    fn a_failed_exchange_answers_nothing_more() {
        let mut s = session(Mechanism::ScramSha1, SHA1_NONCE, None);
        s.initial_response().unwrap();
        assert!(s.respond(b"garbage").is_err());
        assert_eq!(s.respond(SHA1_SERVER_FIRST), Err(SaslError::TooManySteps));
    }

    #[test]
    fn empty_first_challenge_gets_client_first() {
        let mut s = session(Mechanism::ScramSha1, SHA1_NONCE, None);
        assert_eq!(s.respond(b"").unwrap(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        assert_eq!(s.respond(SHA1_SERVER_FIRST).unwrap(), SHA1_CLIENT_FINAL);
        assert_eq!(s.respond(SHA1_SERVER_FINAL).unwrap(), b"");
        assert_eq!(s.respond(b""), Err(SaslError::TooManySteps));
    }

    #[test]
    fn saslprep_maps_and_falls_back_to_raw() {
        // RFC 4013 §3 examples.
        assert_eq!(prepare("I\u{AD}X"), "IX");
        assert_eq!(prepare("\u{2168}"), "IX");
        assert_eq!(prepare("user"), "user");
        // Prohibited (control) or unassigned in Unicode 3.2 (emoji): sent as given.
        assert_eq!(prepare("a\u{7}b"), "a\u{7}b");
        assert_eq!(prepare("pw\u{1F600}"), "pw\u{1F600}");
    }

    #[test]
    fn saslprep_applies_to_the_password() {
        // A soft hyphen is mapped to nothing, so this is "pencil" and the RFC vector holds.
        let c = creds("user", "pen\u{AD}cil", None);
        let mut s = Scram::with_nonce(Mechanism::ScramSha1, &c, None, SHA1_NONCE.into()).unwrap();
        s.initial_response().unwrap();
        assert_eq!(s.respond(SHA1_SERVER_FIRST).unwrap(), SHA1_CLIENT_FINAL);
    }

    #[test]
    fn empty_username_is_refused() {
        let result =
            Scram::with_nonce(Mechanism::ScramSha1, &creds("", "p", None), None, "n".into());
        assert!(matches!(result, Err(SaslError::InvalidCredential(_))));
    }

    #[test]
    fn random_nonces_are_printable_and_differ() {
        let c = creds("user", "pencil", None);
        let a = Scram::new(Mechanism::ScramSha256, &c, None).unwrap().client_nonce;
        let b = Scram::new(Mechanism::ScramSha256, &c, None).unwrap().client_nonce;
        assert_ne!(a, b);
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|ch| ch != b',' && (0x21..0x7f).contains(&ch)), "{a}");
    }

    #[test]
    fn redaction_shows_client_first_and_hides_proof() {
        assert_eq!(redact(b"n,,n=user,r=fyko").unwrap(), "n,,n=user,r=fyko");
        assert_eq!(
            redact(SHA1_CLIENT_FINAL).unwrap(),
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=<redacted>"
        );
        assert_eq!(redact(b"c=biws,r=x"), None);
        assert_eq!(redact(b"pencil"), None);
        assert_eq!(redact(b"n,,n=user,r=x,p=proof"), None);
        assert_eq!(redact_server(SHA1_SERVER_FINAL), "v=<redacted>");
        assert_eq!(redact_server(SHA1_SERVER_FIRST), String::from_utf8_lossy(SHA1_SERVER_FIRST));
    }
}
