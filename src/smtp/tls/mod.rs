//! TLS for a session: the handshake (STARTTLS or implicit), and the facts a user wants to see
//! about it — version, cipher suite, certificate, and whether it is trusted and why not.
//!
//! native-tls does not expose the negotiated version or cipher suite, so the handshake runs over
//! a [`record::HandshakeRecorder`] and [`server_hello`] parses the server's first flight. The
//! certificate is summarised by [`certificate`] with x509-parser. [`TlsInfo::end_point`] also
//! carries the certificate's `tls-server-end-point` hash (RFC 5929 §4), the channel binding that
//! SCRAM-SHA-256-PLUS needs; it is taken from the handshake that carries the session.

pub mod certificate;
pub mod record;
pub mod server_hello;

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use self::certificate::{CertificateSummary, TrustVerdict};
use self::record::HandshakeRecorder;
use super::deadline::DeadlineStream;
use super::transport::TlsStream;

/// How TLS was entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsUpgrade {
    /// RFC 3207: upgraded in the session with STARTTLS.
    Starttls,
    /// RFC 8314: TLS from the first byte (port 465).
    Implicit,
}

/// What the user configured for TLS, loaded and checked at plan time.
#[derive(Clone, Default)]
pub struct TlsParams {
    /// Extra trust anchors (`--ca-file`), added to the system's.
    pub roots: Vec<native_tls::Certificate>,
    /// `--insecure`: accept any certificate and name (loudly warned about).
    pub insecure: bool,
    /// `--tls opportunistic`: encrypt, report the certificate, but do not enforce trust (what
    /// MTAs do between each other on port 25).
    pub opportunistic: bool,
    /// `--sni`: the name to send and verify instead of the host name.
    pub sni: Option<String>,
    /// `--client-cert` / `--client-key`.
    pub identity: Option<native_tls::Identity>,
}

impl fmt::Debug for TlsParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsParams")
            .field("roots", &self.roots.len())
            .field("insecure", &self.insecure)
            .field("opportunistic", &self.opportunistic)
            .field("sni", &self.sni)
            .field("client_identity", &self.identity.is_some())
            .finish()
    }
}

/// Which choice of the user turned certificate verification off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SkippedBy {
    /// `--insecure`: the user accepts anyone's certificate, knowingly.
    Insecure,
    /// `--tls opportunistic`: encryption without authentication, as MTAs do on port 25.
    Opportunistic,
}

/// The facts of an established (or inspected) TLS session.
#[derive(Debug, Clone, Serialize)]
pub struct TlsInfo {
    /// STARTTLS or implicit.
    pub upgrade: TlsUpgrade,
    /// The name sent as SNI and verified against the certificate.
    pub server_name: String,
    /// `TLS 1.3`, from the ServerHello.
    pub version: Option<String>,
    /// The IANA name of the negotiated cipher suite, or its number in hex.
    pub cipher_suite: Option<String>,
    /// The server's leaf certificate.
    pub certificate: Option<CertificateSummary>,
    /// True when the chain and name were verified.
    pub trusted: bool,
    /// Why verification was skipped, when the user chose that: `insecure` or `opportunistic`.
    pub skipped_by: Option<SkippedBy>,
    /// `trusted`, `not verified (--insecure)`, or why it is not trusted.
    pub verdict: String,
    /// Why a fact is missing (e.g. the ServerHello could not be parsed).
    pub notes: Vec<String>,
    /// The RFC 5929 §4 `tls-server-end-point` channel-binding data of the server certificate
    /// (its hash), for SCRAM-SHA-256-PLUS. `None` when there is no certificate or its signature
    /// algorithm defines no hash. Not serialized: it is binding material, not a fact to show.
    #[serde(skip)]
    pub end_point: Option<Vec<u8>>,
}

impl TlsInfo {
    /// `TLS 1.3 TLS_AES_256_GCM_SHA384`, or what is known of it.
    pub fn protocol_summary(&self) -> String {
        [self.version.as_deref(), self.cipher_suite.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A failed handshake, with whatever we could learn about the server's certificate.
#[derive(Debug, Clone)]
pub struct TlsFailure {
    /// The name we verified against.
    pub server_name: String,
    /// The TLS library's message.
    pub message: String,
    /// True when the failure is the certificate's (as opposed to no common protocol, reset...).
    pub untrusted: bool,
    /// Why the certificate is not trusted, in plain words.
    pub verdict: Option<TrustVerdict>,
    /// Facts from a second, unverified handshake made only to show the certificate.
    pub inspected: Option<TlsInfo>,
    /// True when the handshake did not finish within the reply timeout.
    pub timed_out: bool,
    /// True when the server closed the connection in the middle of the handshake. Like a
    /// timeout, worth retrying later; unlike one, the server did answer.
    pub lost: bool,
    /// What the server's first flight said: the negotiated version and suite, or its alert.
    pub server_hello: Option<String>,
}

impl TlsFailure {
    /// True when the certificate was not trusted.
    pub fn is_untrusted(&self) -> bool {
        self.untrusted
    }

    /// What to try next.
    pub fn hint(&self) -> Option<String> {
        if self.untrusted {
            Some(
                "if you trust this server, pass its CA with --ca-file; --insecure skips \
                 verification (never with real passwords)"
                    .into(),
            )
        } else if self.timed_out {
            Some("the server stalled during the TLS handshake; retry later".into())
        } else if self.lost {
            Some("the server closed the connection during the TLS handshake; retry later".into())
        } else {
            Some("the server may not support a TLS version or cipher suite we offer".into())
        }
    }
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.verdict, self.untrusted) {
            (Some(verdict), true) => {
                write!(
                    f,
                    "certificate of {} is not trusted: {}",
                    self.server_name,
                    verdict.reason()
                )
            }
            (None, true) => {
                write!(f, "certificate of {} is not trusted: {}", self.server_name, self.message)
            }
            _ if self.timed_out => {
                write!(f, "TLS handshake with {} timed out", self.server_name)
            }
            _ => {
                write!(f, "TLS handshake with {} failed: {}", self.server_name, self.message)?;
                match &self.server_hello {
                    Some(hello) => write!(f, " (server: {hello})"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The current time as seconds since the epoch, for validity checks.
pub fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Runs the TLS handshake on `tcp`. With `verify` false, any certificate is accepted (used by
/// `--insecure` and by the second handshake that shows an untrusted certificate).
pub fn handshake(
    tcp: DeadlineStream,
    host: &str,
    params: &TlsParams,
    verify: bool,
    upgrade: TlsUpgrade,
) -> Result<(TlsStream, TlsInfo), Box<TlsFailure>> {
    let server_name = params.sni.clone().unwrap_or_else(|| host.to_string());
    let failure = |message: String, timed_out: bool| {
        Box::new(TlsFailure {
            server_name: server_name.clone(),
            untrusted: is_verification_error(&message),
            message,
            verdict: None,
            inspected: None,
            timed_out,
            lost: false,
            server_hello: None,
        })
    };
    let mut builder = native_tls::TlsConnector::builder();
    for root in &params.roots {
        builder.add_root_certificate(root.clone());
    }
    if let Some(identity) = &params.identity {
        builder.identity(identity.clone());
    }
    if !verify {
        builder.danger_accept_invalid_certs(true).danger_accept_invalid_hostnames(true);
    }
    let connector = builder.build().map_err(|e| failure(e.to_string(), false))?;
    // The name is given without brackets; native-tls skips SNI for IP literals by itself.
    let name = server_name.trim_start_matches('[').trim_end_matches(']');
    let recorder = HandshakeRecorder::new(tcp);
    // native-tls drops the stream on failure; the handle keeps what the server sent, so a
    // failed handshake can still say which version was chosen or which alert came back.
    let capture = recorder.handle();
    let mut stream = match connector.connect(name, recorder) {
        Ok(stream) => stream,
        Err(native_tls::HandshakeError::Failure(e)) => {
            let message = e.to_string();
            // A connection lost mid-handshake is a network failure, not a TLS verdict.
            let lost = ["unexpected eof", "connection reset", "broken pipe"]
                .iter()
                .any(|m| message.to_ascii_lowercase().contains(m));
            let mut failed = failure(message, false);
            failed.lost = lost;
            failed.server_hello =
                Some(match server_hello::parse_server_hello(&capture.stop_recording()) {
                    Ok(facts) => format!("{} {}", facts.version, facts.cipher_suite_label()),
                    Err(e) => e.to_string(),
                });
            return Err(failed);
        }
        Err(native_tls::HandshakeError::WouldBlock(_)) => {
            return Err(failure("no answer during the handshake".into(), true));
        }
    };
    let recorded = stream.get_mut().stop_recording();
    let mut info = describe(&stream, &recorded, &server_name, upgrade);
    if verify {
        info.trusted = true;
        info.verdict = "trusted".into();
    } else if params.opportunistic && !params.insecure {
        info.verdict = "not verified (opportunistic TLS)".into();
        info.skipped_by = Some(SkippedBy::Opportunistic);
    } else {
        info.verdict = "not verified (--insecure)".into();
        info.skipped_by = Some(SkippedBy::Insecure);
    }
    Ok((stream, info))
}

/// Gathers the facts of a finished handshake.
fn describe(
    stream: &TlsStream,
    recorded: &[u8],
    server_name: &str,
    upgrade: TlsUpgrade,
) -> TlsInfo {
    let mut notes = Vec::new();
    let (version, cipher_suite) = match server_hello::parse_server_hello(recorded) {
        Ok(facts) => {
            let suite = server_hello::cipher_suite_name(facts.cipher_suite)
                .map(str::to_string)
                .unwrap_or_else(|| format!("0x{:04X}", facts.cipher_suite));
            (Some(facts.version.to_string()), Some(suite))
        }
        Err(e) => {
            notes.push(format!("could not read the ServerHello: {e}"));
            (None, None)
        }
    };
    let der = match stream.peer_certificate().map(|c| c.map(|c| c.to_der())) {
        Ok(Some(Ok(der))) => Some(der),
        Ok(Some(Err(e))) => {
            notes.push(format!("could not read the certificate: {e}"));
            None
        }
        _ => None,
    };
    let certificate = der.as_deref().and_then(|der| {
        certificate::summarize(der, now_unix())
            .map_err(|e| notes.push(format!("could not read the certificate: {e}")))
            .ok()
    });
    // Computed here, from the very certificate of this handshake, so a -PLUS exchange binds to
    // the channel it runs on; a second connection could present a different certificate.
    let end_point = der.as_deref().and_then(|der| certificate::tls_server_end_point(der).ok());
    TlsInfo {
        upgrade,
        server_name: server_name.to_string(),
        version,
        cipher_suite,
        certificate,
        trusted: false,
        skipped_by: None,
        verdict: String::new(),
        notes,
        end_point,
    }
}

/// OpenSSL reports verification failures as "certificate verify failed" (and Secure Transport /
/// SChannel have their own words); anything else is a handshake failure.
fn is_verification_error(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("certificate verify failed")
        || m.contains("certificate is not trusted")
        || m.contains("unable to get local issuer")
        || m.contains("self-signed certificate")
        || m.contains("self signed certificate")
        || m.contains("hostname mismatch")
}
