//! The facts smtpx shows about a server's certificate (subject, names, issuer, validity), the
//! RFC 6125 host-name check, the trust verdict that explains in plain words why a handshake
//! failed verification ([`TrustVerdict`], [`classify_failure`]), and the RFC 5929
//! tls-server-end-point channel binding for SCRAM-*-PLUS.
//!
//! It owns reading one DER certificate with x509-parser and interpreting OpenSSL's verify
//! result; it must not verify signatures or chains itself (OpenSSL does that during the
//! handshake) and must not print. Strings taken from the certificate are server-controlled:
//! the output layer sanitizes them before a terminal sees them (the DN formatter already
//! escapes control characters, RFC 4514 §2.4).

use std::fmt;
use std::net::IpAddr;

use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AlgorithmIdentifier, AttributeTypeAndValue, X509Name};

/// What smtpx reports about a certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertificateSummary {
    /// The subject DN, most specific part first (RFC 4514 order), e.g. `CN=localhost, O=smtpx`.
    pub subject: String,
    /// The subject's (last, most specific) common name.
    pub subject_cn: Option<String>,
    /// Subject alternative names: DNS names and IP addresses, in certificate order.
    pub sans: Vec<String>,
    /// The issuer DN, formatted as `subject`.
    pub issuer: String,
    /// The issuer's common name (e.g. "R11").
    pub issuer_cn: Option<String>,
    /// The issuer's organization (e.g. "Let's Encrypt").
    pub issuer_org: Option<String>,
    /// Start of validity, `YYYY-MM-DD HH:MM:SS UTC`.
    pub not_before: String,
    /// End of validity, `YYYY-MM-DD HH:MM:SS UTC`.
    pub not_after: String,
    /// Start of validity, Unix seconds.
    pub not_before_unix: i64,
    /// End of validity, Unix seconds.
    pub not_after_unix: i64,
    /// Whole days from `now` to `not_after`, rounded down; negative once expired.
    pub days_left: i64,
    /// Issued by itself: subject equals issuer, and the authority key id (when present) is its
    /// own subject key id. The signature is not checked.
    pub self_signed: bool,
    /// The serial number in upper-case hex, without leading zeros.
    pub serial: String,
    /// The signature algorithm's name (e.g. `ecdsa-with-SHA256`), or its OID.
    pub signature_algorithm: String,
    /// DNS names among the SANs (for host matching; `sans` carries them for display).
    #[serde(skip)]
    pub dns_names: Vec<String>,
    /// IP addresses among the SANs.
    #[serde(skip)]
    pub ip_addresses: Vec<IpAddr>,
}

/// Why a certificate could not be read or hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateError {
    /// The bytes are not a DER X.509 certificate (the parser's words follow).
    Parse(String),
    /// tls-server-end-point is not defined for this signature algorithm (RFC 5929 §4.1 leaves
    /// algorithms without a single hash, such as Ed25519, undefined).
    NoEndPointHash(String),
}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateError::Parse(why) => write!(f, "unreadable certificate: {why}"),
            CertificateError::NoEndPointHash(alg) => {
                write!(f, "no tls-server-end-point channel binding for signature algorithm {alg}")
            }
        }
    }
}

impl std::error::Error for CertificateError {}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, CertificateError> {
    match X509Certificate::from_der(der) {
        Ok((_, cert)) => Ok(cert),
        Err(e) => Err(CertificateError::Parse(e.to_string())),
    }
}

/// Summarizes a DER certificate as seen at `now_unix`.
pub fn summarize(der: &[u8], now_unix: i64) -> Result<CertificateSummary, CertificateError> {
    let cert = parse(der)?;
    let (dns_names, ip_addresses, sans) = alternative_names(&cert)?;
    let not_before_unix = cert.validity().not_before.timestamp();
    let not_after_unix = cert.validity().not_after.timestamp();
    let algorithm = SignatureAlgorithm::of(&cert.signature_algorithm);
    Ok(CertificateSummary {
        subject: format_dn(cert.subject()),
        subject_cn: last_string(cert.subject().iter_common_name()),
        sans,
        issuer: format_dn(cert.issuer()),
        issuer_cn: last_string(cert.issuer().iter_common_name()),
        issuer_org: last_string(cert.issuer().iter_organization()),
        not_before: format_utc(not_before_unix),
        not_after: format_utc(not_after_unix),
        not_before_unix,
        not_after_unix,
        days_left: (not_after_unix.saturating_sub(now_unix)).div_euclid(86_400),
        self_signed: is_self_issued(&cert),
        serial: serial_hex(cert.raw_serial()),
        signature_algorithm: algorithm.name(),
        dns_names,
        ip_addresses,
    })
}

impl CertificateSummary {
    /// True when `host` is one of the certificate's names (RFC 6125 §6.4): DNS SANs, compared
    /// case-insensitively, with a wildcard allowed only as the whole left-most label; an IP
    /// literal (bare, or bracketed IPv6) matches only IP SANs; the CN counts only when there
    /// are no DNS SANs (RFC 6125 §6.4.4). This is the rule OpenSSL applies for native-tls
    /// (`X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`).
    pub fn matches_host(&self, host: &str) -> bool {
        let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return self.ip_addresses.contains(&ip);
        }
        let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        if host.is_empty() {
            return false;
        }
        if self.dns_names.is_empty() {
            return self.subject_cn.as_deref().is_some_and(|cn| dns_name_matches(cn, &host));
        }
        self.dns_names.iter().any(|name| dns_name_matches(name, &host))
    }

    /// True when `now_unix` is past the end of validity.
    pub fn expired(&self, now_unix: i64) -> bool {
        now_unix > self.not_after_unix
    }

    /// True when `now_unix` is before the start of validity.
    pub fn not_yet_valid(&self, now_unix: i64) -> bool {
        now_unix < self.not_before_unix
    }
}

/// RFC 6125 §6.4.1 and §6.4.3 for one presented name; `host` is lower-case without a final dot.
fn dns_name_matches(presented: &str, host: &str) -> bool {
    let presented = presented.strip_suffix('.').unwrap_or(presented).to_ascii_lowercase();
    if let Some(suffix) = presented.strip_prefix("*.") {
        // The wildcard stands for exactly one whole label, and never for a public suffix-like
        // single label ("*.com"): require a dot in what remains.
        if suffix.contains('*') || !suffix.contains('.') {
            return false;
        }
        return match host.split_once('.') {
            Some((first, rest)) => !first.is_empty() && rest == suffix,
            None => false,
        };
    }
    !presented.contains('*') && presented == host
}

/// (DNS names, IP addresses, both for display) from the subjectAltName extension.
type AltNames = (Vec<String>, Vec<IpAddr>, Vec<String>);

fn alternative_names(cert: &X509Certificate<'_>) -> Result<AltNames, CertificateError> {
    let (mut dns, mut ips, mut all) = (Vec::new(), Vec::new(), Vec::new());
    let san =
        cert.subject_alternative_name().map_err(|e| CertificateError::Parse(e.to_string()))?;
    let Some(san) = san else {
        return Ok((dns, ips, all));
    };
    for name in &san.value.general_names {
        match name {
            GeneralName::DNSName(name) => {
                dns.push((*name).to_owned());
                all.push((*name).to_owned());
            }
            GeneralName::IPAddress(bytes) => {
                // RFC 5280 §4.2.1.6: 4 octets for IPv4, 16 for IPv6; ignore anything else.
                let ip = match *bytes {
                    [a, b, c, d] => IpAddr::from([*a, *b, *c, *d]),
                    octets => match <[u8; 16]>::try_from(octets) {
                        Ok(v6) => IpAddr::from(v6),
                        Err(_) => continue,
                    },
                };
                ips.push(ip);
                all.push(ip.to_string());
            }
            _ => {}
        }
    }
    Ok((dns, ips, all))
}

fn is_self_issued(cert: &X509Certificate<'_>) -> bool {
    if cert.subject().as_raw() != cert.issuer().as_raw() {
        return false;
    }
    let mut subject_key = None;
    let mut authority_key = None;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => subject_key = Some(id.0),
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key = aki.key_identifier.as_ref().map(|id| id.0);
            }
            _ => {}
        }
    }
    // A CA that re-issued itself under a new key shares its name but not its key id.
    match (authority_key, subject_key) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

fn last_string<'a>(attrs: impl Iterator<Item = &'a AttributeTypeAndValue<'a>>) -> Option<String> {
    attrs.last().map(attribute_text)
}

/// ASN.1 universal tags of the string types x509-parser's `as_str` leaves out (X.680 §8.4).
const TAG_TELETEX_STRING: u32 = 20;
const TAG_BMP_STRING: u32 = 30;

/// An attribute value as text; types we cannot read as `#` + hex of their content (RFC 4514
/// §2.4 form).
fn attribute_text(attr: &AttributeTypeAndValue<'_>) -> String {
    if let Ok(s) = attr.as_str() {
        return s.to_owned();
    }
    let bytes = attr.as_slice();
    let decoded = match attr.attr_value().tag().0 {
        TAG_BMP_STRING => bmp_string(bytes),
        // In practice T.61 strings in certificates hold Latin-1.
        TAG_TELETEX_STRING => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        _ => None,
    };
    decoded.unwrap_or_else(|| format!("#{}", hex(bytes, "")))
}

/// BMPString (UCS-2 big-endian), still found in old certificates.
fn bmp_string(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
    char::decode_utf16(units).collect::<Result<String, _>>().ok()
}

/// Short names of DN attributes (RFC 4514 §3, plus the usual extras).
const ATTRIBUTE_NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.97", "organizationIdentifier"),
    ("2.5.4.15", "businessCategory"),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
];

/// RFC 4514 §2: RDNs last-to-first, multi-valued RDNs joined by '+', values escaped. A space
/// follows each comma for readability (hence "-ish").
fn format_dn(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            let parts: Vec<String> = rdn
                .iter()
                .map(|attr| {
                    let oid = attr.attr_type().to_id_string();
                    let key = ATTRIBUTE_NAMES
                        .iter()
                        .find(|(id, _)| *id == oid)
                        .map_or(oid.clone(), |(_, short)| (*short).to_owned());
                    format!("{key}={}", escape_dn_value(&attribute_text(attr)))
                })
                .collect();
            parts.join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(", ")
}

/// RFC 4514 §2.4, plus control characters as `\XX` so a DN cannot drive a terminal.
fn escape_dn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if c.is_control() {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\{byte:02X}"));
            }
        } else {
            if special {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

fn serial_hex(raw: &[u8]) -> String {
    let start = raw.iter().position(|&b| b != 0).unwrap_or(raw.len().saturating_sub(1));
    hex(&raw[start.min(raw.len())..], "").to_ascii_uppercase()
}

fn hex(bytes: &[u8], separator: &str) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(separator)
}

/// `YYYY-MM-DD HH:MM:SS UTC` for Unix seconds (proleptic Gregorian calendar).
pub fn format_utc(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = crate::civil::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs / 60 % 60, secs % 60)
}

/// `YYYY-MM-DD` for Unix seconds.
pub fn format_date(unix: i64) -> String {
    let (y, m, d) = crate::civil::civil_from_days(unix.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The hash inside a signature algorithm, as far as RFC 5929 §4.1 cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// No single hash (EdDSA) or an algorithm we do not know.
    None,
}

/// A certificate's signature algorithm: its name and its hash.
struct SignatureAlgorithm {
    name: Option<&'static str>,
    oid: String,
    hash: Hash,
}

/// (OID, name, hash): RFC 8017 appendix C (RSA PKCS#1), RFC 5758 §3.2 (ECDSA), RFC 8410 §3
/// (EdDSA), RFC 3279 §2.2 (DSA and older).
const SIGNATURE_ALGORITHMS: &[(&str, &str, Hash)] = &[
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption", Hash::Md5),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption", Hash::Sha1),
    ("1.2.840.113549.1.1.14", "sha224WithRSAEncryption", Hash::Sha224),
    ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption", Hash::Sha256),
    ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption", Hash::Sha384),
    ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption", Hash::Sha512),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1", Hash::Sha1),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224", Hash::Sha224),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256", Hash::Sha256),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384", Hash::Sha384),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512", Hash::Sha512),
    ("1.2.840.10040.4.3", "dsa-with-SHA1", Hash::Sha1),
    ("2.16.840.1.101.3.4.3.2", "dsa-with-SHA256", Hash::Sha256),
    ("1.3.101.112", "Ed25519", Hash::None),
    ("1.3.101.113", "Ed448", Hash::None),
];

/// RSASSA-PSS (RFC 4055 §3.1): the hash is in its parameters, SHA-1 by default.
const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";

/// Hash algorithm OIDs (RFC 3279 §2.1, RFC 5758 §2) as they appear in PSS parameters.
const HASH_OIDS: &[(&str, Hash)] = &[
    ("1.2.840.113549.2.5", Hash::Md5),
    ("1.3.14.3.2.26", Hash::Sha1),
    ("2.16.840.1.101.3.4.2.4", Hash::Sha224),
    ("2.16.840.1.101.3.4.2.1", Hash::Sha256),
    ("2.16.840.1.101.3.4.2.2", Hash::Sha384),
    ("2.16.840.1.101.3.4.2.3", Hash::Sha512),
];

impl SignatureAlgorithm {
    fn of(alg: &AlgorithmIdentifier<'_>) -> SignatureAlgorithm {
        let oid = alg.algorithm.to_id_string();
        if oid == OID_RSASSA_PSS {
            return SignatureAlgorithm { name: Some("RSASSA-PSS"), hash: pss_hash(alg), oid };
        }
        match SIGNATURE_ALGORITHMS.iter().find(|(id, _, _)| *id == oid) {
            Some((_, name, hash)) => SignatureAlgorithm { name: Some(name), oid, hash: *hash },
            None => SignatureAlgorithm { name: None, oid, hash: Hash::None },
        }
    }

    fn name(&self) -> String {
        self.name.map_or_else(|| self.oid.clone(), str::to_owned)
    }
}

fn pss_hash(alg: &AlgorithmIdentifier<'_>) -> Hash {
    use x509_parser::signature_algorithm::RsaSsaPssParams;
    let Some(params) = alg.parameters.as_ref() else {
        return Hash::Sha1;
    };
    let Ok(params) = RsaSsaPssParams::try_from(params) else {
        return Hash::None;
    };
    let hash_oid: &Oid<'_> = params.hash_algorithm_oid();
    let id = hash_oid.to_id_string();
    HASH_OIDS.iter().find(|(oid, _)| *oid == id).map_or(Hash::None, |(_, hash)| *hash)
}

/// The tls-server-end-point channel binding (RFC 5929 §4.1): the certificate's DER hashed with
/// the hash of its signature algorithm, where MD5 and SHA-1 are replaced by SHA-256 (as is
/// SHA-224, which no RFC names; SHA-256 is what OpenSSL-based servers use for it).
pub fn tls_server_end_point(der: &[u8]) -> Result<Vec<u8>, CertificateError> {
    let cert = parse(der)?;
    let algorithm = SignatureAlgorithm::of(&cert.signature_algorithm);
    end_point_digest(algorithm.hash, der)
        .ok_or_else(|| CertificateError::NoEndPointHash(algorithm.name()))
}

fn end_point_digest(hash: Hash, der: &[u8]) -> Option<Vec<u8>> {
    Some(match hash {
        Hash::Md5 | Hash::Sha1 | Hash::Sha224 | Hash::Sha256 => Sha256::digest(der).to_vec(),
        Hash::Sha384 => Sha384::digest(der).to_vec(),
        Hash::Sha512 => Sha512::digest(der).to_vec(),
        Hash::None => return None,
    })
}

// ---- Trust verdict: why verification failed, in plain words ----

/// Whether the certificate was trusted, and if not, the main reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustVerdict {
    /// The handshake verified the chain and the name.
    Trusted,
    /// The certificate signed itself and is not in the trust store.
    SelfSigned,
    /// The certificate's validity ended.
    Expired {
        /// Date of `notAfter`, `YYYY-MM-DD`.
        not_after: String,
        /// Whole days since then.
        days_ago: i64,
    },
    /// The certificate's validity has not started (or the local clock is wrong).
    NotYetValid {
        /// Date of `notBefore`, `YYYY-MM-DD`.
        not_before: String,
        /// Whole days until then.
        days_until: i64,
    },
    /// The certificate does not name the host we connected to.
    NameMismatch {
        /// The host smtpx checked.
        host: String,
        /// The names the certificate does carry (SANs, or the CN when there are none).
        names: Vec<String>,
    },
    /// The chain does not lead to a trusted CA.
    UntrustedIssuer {
        /// The issuer's common name, or its DN.
        issuer: String,
    },
    /// Anything else, in OpenSSL's words (e.g. "certificate revoked").
    Other(String),
}

impl TrustVerdict {
    /// True only for [`TrustVerdict::Trusted`].
    pub fn is_trusted(&self) -> bool {
        matches!(self, TrustVerdict::Trusted)
    }

    /// A stable identifier for JSON and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            TrustVerdict::Trusted => "trusted",
            TrustVerdict::SelfSigned => "self_signed",
            TrustVerdict::Expired { .. } => "expired",
            TrustVerdict::NotYetValid { .. } => "not_yet_valid",
            TrustVerdict::NameMismatch { .. } => "name_mismatch",
            TrustVerdict::UntrustedIssuer { .. } => "untrusted_issuer",
            TrustVerdict::Other(_) => "other",
        }
    }
}

/// How many names a mismatch message lists before "and N more".
const NAMES_SHOWN: usize = 3;

impl TrustVerdict {
    /// The reason alone, without the "not trusted: " prefix (for messages that already say
    /// "is not trusted"); "trusted" for [`TrustVerdict::Trusted`].
    pub fn reason(&self) -> String {
        match self {
            TrustVerdict::Trusted => "trusted".to_owned(),
            TrustVerdict::SelfSigned => "the certificate is self-signed".to_owned(),
            TrustVerdict::Expired { not_after, days_ago } => {
                format!("certificate expired {not_after} ({})", days_phrase(*days_ago, "ago"))
            }
            TrustVerdict::NotYetValid { not_before, days_until } => {
                let when = match days_until {
                    0 => "today".to_owned(),
                    1 => "in 1 day".to_owned(),
                    n => format!("in {n} days"),
                };
                format!(
                    "certificate is not valid before {not_before} ({when}; is the clock right?)"
                )
            }
            TrustVerdict::NameMismatch { host, names } => name_mismatch_reason(host, names),
            TrustVerdict::UntrustedIssuer { issuer } => {
                format!("issuer \"{issuer}\" is not a trusted certificate authority")
            }
            TrustVerdict::Other(reason) => reason.clone(),
        }
    }
}

fn name_mismatch_reason(host: &str, names: &[String]) -> String {
    if names.is_empty() {
        return format!("certificate names no host, so not {host}");
    }
    let mut out =
        format!("certificate is for {}", names[..names.len().min(NAMES_SHOWN)].join(", "));
    if names.len() > NAMES_SHOWN {
        out.push_str(&format!(" and {} more", names.len() - NAMES_SHOWN));
    }
    out.push_str(&format!(", not {host}"));
    out
}

/// "trusted", or "not trusted: " and the [`reason`](TrustVerdict::reason).
impl fmt::Display for TrustVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_trusted() {
            f.write_str("trusted")
        } else {
            write!(f, "not trusted: {}", self.reason())
        }
    }
}

fn days_phrase(days: i64, direction: &str) -> String {
    match days {
        0 => "today".to_owned(),
        1 => format!("1 day {direction}"),
        n => format!("{n} days {direction}"),
    }
}

/// A stable, machine-readable shape: `{"trusted": bool, "kind": "...", "reason": "..."}`.
impl serde::Serialize for TrustVerdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("TrustVerdict", 3)?;
        s.serialize_field("trusted", &self.is_trusted())?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("reason", &self.to_string())?;
        s.end()
    }
}

/// OpenSSL's X.509 verify results (the text native-tls appends in parentheses, from
/// `X509_verify_cert_error_string`, OpenSSL 3.0 spelling; 1.1 wrote "self signed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpensslReason {
    SelfSigned,
    UntrustedChain,
    Expired,
    NotYetValid,
    NameMismatch,
}

const OPENSSL_REASONS: &[(&str, OpensslReason)] = &[
    // Longer phrases first: "self-signed certificate" is a prefix of the chain one.
    ("self-signed certificate in certificate chain", OpensslReason::UntrustedChain),
    ("self signed certificate in certificate chain", OpensslReason::UntrustedChain),
    ("self-signed certificate", OpensslReason::SelfSigned),
    ("self signed certificate", OpensslReason::SelfSigned),
    ("unable to get local issuer certificate", OpensslReason::UntrustedChain),
    ("unable to get issuer certificate", OpensslReason::UntrustedChain),
    ("unable to verify the first certificate", OpensslReason::UntrustedChain),
    ("certificate has expired", OpensslReason::Expired),
    ("certificate is not yet valid", OpensslReason::NotYetValid),
    ("hostname mismatch", OpensslReason::NameMismatch),
    ("ip address mismatch", OpensslReason::NameMismatch),
];

/// The verify result in native-tls's error text: the last parenthesized group, e.g.
/// `error:0A000086:SSL routines:...:certificate verify failed:...:1889: (hostname mismatch)`.
fn verify_result(openssl_error: &str) -> Option<&str> {
    let text = openssl_error.trim_end();
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    Some(inner[open + 1..].trim())
}

/// Explains why verification failed: the certificate's own facts first (expiry and names do
/// not depend on the trust store), then OpenSSL's verify result, then the self-signed fact.
/// Never returns [`TrustVerdict::Trusted`].
pub fn classify_failure(
    summary: &CertificateSummary,
    host: &str,
    now_unix: i64,
    openssl_error: &str,
) -> TrustVerdict {
    let result = verify_result(openssl_error);
    let reason = result.and_then(|text| {
        let lower = text.to_ascii_lowercase();
        OPENSSL_REASONS.iter().find(|(phrase, _)| lower == *phrase).map(|(_, reason)| *reason)
    });
    if summary.expired(now_unix) {
        return expired(summary, now_unix);
    }
    if summary.not_yet_valid(now_unix) {
        return not_yet_valid(summary, now_unix);
    }
    match reason {
        // A trust problem is what OpenSSL hit first; report it before a name problem.
        Some(OpensslReason::SelfSigned) => return TrustVerdict::SelfSigned,
        Some(OpensslReason::UntrustedChain) => return untrusted_issuer(summary),
        _ => {}
    }
    if !summary.matches_host(host) {
        return name_mismatch(summary, host);
    }
    match reason {
        // The leaf's dates are fine, so an intermediate is out of its validity.
        Some(OpensslReason::Expired) => {
            TrustVerdict::Other("a certificate in the chain has expired".to_owned())
        }
        Some(OpensslReason::NotYetValid) => {
            TrustVerdict::Other("a certificate in the chain is not yet valid".to_owned())
        }
        Some(OpensslReason::NameMismatch) => name_mismatch(summary, host),
        // Only when OpenSSL named no reason: a self-signed certificate that the user trusts
        // (--ca-file) can fail for another reason, which OpenSSL's words then give.
        _ if result.is_none() && summary.self_signed => TrustVerdict::SelfSigned,
        _ => TrustVerdict::Other(other_reason(openssl_error, result)),
    }
}

fn expired(summary: &CertificateSummary, now_unix: i64) -> TrustVerdict {
    TrustVerdict::Expired {
        not_after: format_date(summary.not_after_unix),
        days_ago: (now_unix - summary.not_after_unix).div_euclid(86_400),
    }
}

fn not_yet_valid(summary: &CertificateSummary, now_unix: i64) -> TrustVerdict {
    TrustVerdict::NotYetValid {
        not_before: format_date(summary.not_before_unix),
        days_until: (summary.not_before_unix - now_unix).div_euclid(86_400),
    }
}

fn untrusted_issuer(summary: &CertificateSummary) -> TrustVerdict {
    let issuer = summary.issuer_cn.clone().unwrap_or_else(|| summary.issuer.clone());
    TrustVerdict::UntrustedIssuer { issuer }
}

fn name_mismatch(summary: &CertificateSummary, host: &str) -> TrustVerdict {
    let names = if summary.sans.is_empty() {
        summary.subject_cn.iter().cloned().collect()
    } else {
        summary.sans.clone()
    };
    TrustVerdict::NameMismatch { host: host.to_owned(), names }
}

/// The most readable part of an error we could not classify: the verify result, else
/// OpenSSL's reason field (`error:CODE:LIBRARY:FUNCTION:REASON:FILE:LINE:`), else all of it.
fn other_reason(openssl_error: &str, result: Option<&str>) -> String {
    if let Some(result) = result.filter(|r| !r.is_empty()) {
        return result.to_owned();
    }
    let fields: Vec<&str> = openssl_error.split(':').collect();
    match fields.as_slice() {
        ["error", _code, _library, _function, reason, ..] if !reason.is_empty() => {
            (*reason).to_owned()
        }
        _ => openssl_error.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER_PEM: &str = include_str!("../../../tests/data/tls/server.pem");
    const SELF_SIGNED_PEM: &str = include_str!("../../../tests/data/tls/self-signed.pem");
    const CA_PEM: &str = include_str!("../../../tests/data/tls/ca.pem");
    /// Written by gen.sh: `openssl x509 -outform DER | openssl dgst -sha256`.
    const SERVER_END_POINT: &str = include_str!("../../../tests/data/tls/server.end-point.sha256");

    fn der(pem: &str) -> Vec<u8> {
        x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap().1.contents
    }

    /// 2026-11-25 00:00:00 UTC.
    const NOW: i64 = 1_795_564_800;

    fn summary_with(dns: &[&str], ips: &[&str], cn: Option<&str>) -> CertificateSummary {
        let mut s = summarize(&der(SERVER_PEM), NOW).unwrap();
        s.dns_names = dns.iter().map(|d| (*d).to_owned()).collect();
        s.ip_addresses = ips.iter().map(|ip| ip.parse().unwrap()).collect();
        s.subject_cn = cn.map(str::to_owned);
        s
    }

    #[test]
    fn server_certificate_summary() {
        let s = summarize(&der(SERVER_PEM), NOW).unwrap();
        assert_eq!(s.subject, "CN=localhost");
        assert_eq!(s.subject_cn.as_deref(), Some("localhost"));
        assert_eq!(s.sans, ["localhost", "mail.smtpx.test", "127.0.0.1", "::1"]);
        assert_eq!(s.issuer, "CN=smtpx test CA, O=smtpx");
        assert_eq!(s.issuer_cn.as_deref(), Some("smtpx test CA"));
        assert_eq!(s.issuer_org.as_deref(), Some("smtpx"));
        assert_eq!(s.not_before, "2025-01-01 00:00:00 UTC");
        assert_eq!(s.not_after, "2050-01-01 00:00:00 UTC");
        assert_eq!(s.not_after_unix, 2_524_608_000);
        assert_eq!(s.days_left, (2_524_608_000 - NOW) / 86_400);
        assert!(!s.self_signed);
        assert_eq!(s.serial, "1001"); // gen.sh issues the CA as 1000, then server.pem
        assert_eq!(s.signature_algorithm, "ecdsa-with-SHA256");
    }

    #[test]
    fn self_signed_and_ca_are_self_issued() {
        assert!(summarize(&der(SELF_SIGNED_PEM), NOW).unwrap().self_signed);
        assert!(summarize(&der(CA_PEM), NOW).unwrap().self_signed);
    }

    #[test]
    fn summary_serializes_without_helper_fields() {
        let json = serde_json::to_value(summarize(&der(SERVER_PEM), NOW).unwrap()).unwrap();
        assert_eq!(json["sans"][2], "127.0.0.1");
        assert!(json.get("dns_names").is_none() && json.get("ip_addresses").is_none());
    }

    #[test]
    fn garbage_is_a_parse_error() {
        assert!(matches!(summarize(b"\x30\x03\x02\x01", NOW), Err(CertificateError::Parse(_))));
        let der = der(SERVER_PEM);
        for end in 0..der.len() {
            assert!(summarize(&der[..end], NOW).is_err());
        }
    }

    #[test]
    fn mutated_certificates_never_panic() {
        // Deterministic mutations of every byte; whatever parses must still summarize,
        // match and bind without panicking.
        let original = der(SERVER_PEM);
        for position in 0..original.len() {
            for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut mutated = original.clone();
                mutated[position] = value;
                if let Ok(s) = summarize(&mutated, NOW) {
                    let _ = s.matches_host("localhost");
                    let _ = s.matches_host("127.0.0.1");
                }
                let _ = tls_server_end_point(&mutated);
            }
        }
    }

    #[test]
    fn non_utf8_string_types_are_decoded() {
        assert_eq!(bmp_string(&[0x00, 0x41, 0x00, 0xe9]).as_deref(), Some("Aé"));
        assert_eq!(bmp_string(&[0x00]), None);
        assert_eq!(bmp_string(&[0xd8, 0x00]), None, "lone surrogate");
    }

    #[test]
    fn validity_window() {
        let s = summarize(&der(SERVER_PEM), NOW).unwrap();
        assert!(!s.expired(NOW) && !s.not_yet_valid(NOW));
        assert!(s.expired(s.not_after_unix + 1) && !s.expired(s.not_after_unix));
        assert!(s.not_yet_valid(s.not_before_unix - 1) && !s.not_yet_valid(s.not_before_unix));
        assert_eq!(summarize(&der(SERVER_PEM), s.not_after_unix + 1).unwrap().days_left, -1);
    }

    #[test]
    fn host_matches_dns_sans_case_insensitively() {
        let s = summarize(&der(SERVER_PEM), NOW).unwrap();
        assert!(s.matches_host("localhost"));
        assert!(s.matches_host("MAIL.smtpx.Test"));
        assert!(s.matches_host("mail.smtpx.test."));
        assert!(!s.matches_host("smtpx.test"));
        assert!(!s.matches_host("other.example"));
        assert!(!s.matches_host(""));
    }

    #[test]
    fn ip_literals_match_only_ip_sans() {
        let s = summarize(&der(SERVER_PEM), NOW).unwrap();
        assert!(s.matches_host("127.0.0.1"));
        assert!(s.matches_host("::1"));
        assert!(s.matches_host("[::1]"));
        assert!(!s.matches_host("127.0.0.2"));
        // A DNS SAN spelled like an address is not an IP SAN.
        let dns_only = summary_with(&["127.0.0.1"], &[], None);
        assert!(!dns_only.matches_host("127.0.0.1"));
    }

    #[test]
    fn wildcard_covers_one_left_most_label() {
        let s = summary_with(&["*.example.com"], &[], None);
        assert!(s.matches_host("mail.example.com"));
        assert!(s.matches_host("MX1.Example.COM"));
        assert!(!s.matches_host("example.com"));
        assert!(!s.matches_host("a.b.example.com"));
        assert!(!s.matches_host(".example.com"));
        let partial = summary_with(&["m*.example.com", "*.*.example.com", "*.com"], &[], None);
        assert!(!partial.matches_host("mail.example.com"));
        assert!(!partial.matches_host("a.b.example.com"));
        assert!(!partial.matches_host("example.com"));
    }

    #[test]
    fn common_name_counts_only_without_dns_sans() {
        let cn_only = summary_with(&[], &[], Some("mx.example.org"));
        assert!(cn_only.matches_host("mx.example.org"));
        let with_sans = summary_with(&["other.example.org"], &[], Some("mx.example.org"));
        assert!(!with_sans.matches_host("mx.example.org"));
        // Nor does a CN stand in for an IP SAN.
        let ip_cn = summary_with(&[], &[], Some("192.0.2.1"));
        assert!(!ip_cn.matches_host("192.0.2.1"));
    }

    #[test]
    fn dn_values_are_escaped() {
        assert_eq!(escape_dn_value("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape_dn_value("#x "), "\\#x\\ ");
        assert_eq!(escape_dn_value("evil\x1b[31m"), "evil\\1B[31m");
        assert_eq!(escape_dn_value("Let's Encrypt"), "Let's Encrypt");
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_609_459_199), "2020-12-31 23:59:59 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(format_date(2_524_608_000), "2050-01-01");
    }

    #[test]
    fn serial_drops_leading_zeros() {
        assert_eq!(serial_hex(&[0x00, 0x9f, 0x01]), "9F01");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[]), "");
    }

    #[test]
    fn end_point_binding_is_sha256_of_the_der() {
        let binding = tls_server_end_point(&der(SERVER_PEM)).unwrap();
        assert_eq!(hex(&binding, ""), SERVER_END_POINT.trim());
    }

    fn hash_for(oid: &[u64], parameters: Option<&[u8]>) -> Hash {
        let oid = Oid::from(oid).unwrap();
        let parameters =
            parameters.map(|der| x509_parser::der_parser::asn1_rs::Any::from_der(der).unwrap().1);
        SignatureAlgorithm::of(&AlgorithmIdentifier::new(oid, parameters)).hash
    }

    #[test]
    fn end_point_hash_follows_the_signature_algorithm() {
        assert_eq!(hash_for(&[1, 2, 840, 10045, 4, 3, 3], None), Hash::Sha384);
        assert_eq!(hash_for(&[1, 2, 840, 113549, 1, 1, 13], None), Hash::Sha512);
        assert_eq!(hash_for(&[1, 2, 840, 113549, 1, 1, 5], None), Hash::Sha1);
        assert_eq!(hash_for(&[1, 3, 101, 112], None), Hash::None);
        // RSASSA-PSS with SHA-384 (RFC 4055 §3.1: [0] { AlgorithmIdentifier sha384 }).
        let pss_sha384: &[u8] = &[
            0x30, 0x0f, 0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
            0x04, 0x02, 0x02,
        ];
        assert_eq!(hash_for(&[1, 2, 840, 113549, 1, 1, 10], Some(pss_sha384)), Hash::Sha384);
        // Empty PSS parameters mean SHA-1, which binds with SHA-256.
        assert_eq!(hash_for(&[1, 2, 840, 113549, 1, 1, 10], Some(&[0x30, 0x00])), Hash::Sha1);
    }

    #[test]
    fn end_point_digest_lengths() {
        assert_eq!(end_point_digest(Hash::Sha1, b"x").unwrap().len(), 32);
        assert_eq!(end_point_digest(Hash::Md5, b"x").unwrap().len(), 32);
        assert_eq!(end_point_digest(Hash::Sha384, b"x").unwrap().len(), 48);
        assert_eq!(end_point_digest(Hash::Sha512, b"x").unwrap().len(), 64);
        assert!(end_point_digest(Hash::None, b"x").is_none());
    }

    /// native-tls's Display on Debian 12 (OpenSSL 3.0) for a failed verification.
    fn openssl_says(result: &str) -> String {
        format!(
            "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify \
             failed:../ssl/statem/statem_clnt.c:1889: ({result})"
        )
    }

    fn load(name: &str) -> CertificateSummary {
        let pem = match name {
            "server" => SERVER_PEM,
            "expired" => include_str!("../../../tests/data/tls/expired.pem"),
            "wrong-name" => include_str!("../../../tests/data/tls/wrong-name.pem"),
            "self-signed" => SELF_SIGNED_PEM,
            "untrusted" => include_str!("../../../tests/data/tls/untrusted.pem"),
            _ => unreachable!("no fixture {name}"),
        };
        summarize(&der(pem), NOW).unwrap()
    }

    #[test]
    fn expired_certificate() {
        let v = classify_failure(
            &load("expired"),
            "localhost",
            NOW,
            &openssl_says("certificate has expired"),
        );
        assert_eq!(v, TrustVerdict::Expired { not_after: "2021-01-01".into(), days_ago: 2154 });
        assert_eq!(v.to_string(), "not trusted: certificate expired 2021-01-01 (2154 days ago)");
    }

    #[test]
    fn expiry_wins_over_untrusted_issuer() {
        // Facts first: whatever OpenSSL met first, an expired leaf is reported as expired.
        let v = classify_failure(
            &load("expired"),
            "localhost",
            NOW,
            &openssl_says("unable to get local issuer certificate"),
        );
        assert_eq!(v.kind(), "expired");
    }

    #[test]
    fn not_yet_valid_certificate() {
        let before_start = load("server").not_before_unix - 3 * 86_400;
        let v = classify_failure(&load("server"), "localhost", before_start, "");
        assert_eq!(v, TrustVerdict::NotYetValid { not_before: "2025-01-01".into(), days_until: 3 });
        assert!(v.to_string().contains("not valid before 2025-01-01 (in 3 days"));
    }

    #[test]
    fn wrong_name() {
        let v = classify_failure(
            &load("wrong-name"),
            "localhost",
            NOW,
            &openssl_says("hostname mismatch"),
        );
        assert_eq!(
            v,
            TrustVerdict::NameMismatch {
                host: "localhost".into(),
                names: vec!["other.example".into()]
            }
        );
        assert_eq!(v.to_string(), "not trusted: certificate is for other.example, not localhost");
        let by_ip = classify_failure(
            &load("server"),
            "192.0.2.7",
            NOW,
            &openssl_says("IP address mismatch"),
        );
        assert_eq!(
            by_ip.to_string(),
            "not trusted: certificate is for localhost, mail.smtpx.test, 127.0.0.1 and 1 more, not 192.0.2.7"
        );
    }

    #[test]
    fn self_signed_certificate() {
        let v = classify_failure(
            &load("self-signed"),
            "localhost",
            NOW,
            &openssl_says("self-signed certificate"),
        );
        assert_eq!(v, TrustVerdict::SelfSigned);
        assert_eq!(v.to_string(), "not trusted: the certificate is self-signed");
        // OpenSSL 1.1 spelling, and the fact alone when the text says nothing useful.
        let old =
            classify_failure(&load("self-signed"), "localhost", NOW, "x (self signed certificate)");
        assert_eq!(old, TrustVerdict::SelfSigned);
        assert_eq!(
            classify_failure(&load("self-signed"), "localhost", NOW, "boom"),
            TrustVerdict::SelfSigned
        );
    }

    #[test]
    fn trusted_self_signed_failing_otherwise_keeps_openssl_reason() {
        let v = classify_failure(
            &load("self-signed"),
            "localhost",
            NOW,
            &openssl_says("unsupported certificate purpose"),
        );
        assert_eq!(v, TrustVerdict::Other("unsupported certificate purpose".into()));
    }

    #[test]
    fn untrusted_issuer() {
        for text in [
            "unable to get local issuer certificate",
            "self-signed certificate in certificate chain",
        ] {
            let v = classify_failure(&load("untrusted"), "localhost", NOW, &openssl_says(text));
            assert_eq!(
                v,
                TrustVerdict::UntrustedIssuer { issuer: "untrusted test CA".into() },
                "{text}"
            );
        }
        let v = classify_failure(
            &load("untrusted"),
            "localhost",
            NOW,
            &openssl_says("unable to get local issuer certificate"),
        );
        assert_eq!(
            v.to_string(),
            "not trusted: issuer \"untrusted test CA\" is not a trusted certificate authority"
        );
    }

    #[test]
    fn other_reasons_use_openssl_words() {
        let v = classify_failure(
            &load("server"),
            "localhost",
            NOW,
            &openssl_says("certificate revoked"),
        );
        assert_eq!(v, TrustVerdict::Other("certificate revoked".into()));
        let v = classify_failure(
            &load("server"),
            "localhost",
            NOW,
            &openssl_says("certificate has expired"),
        );
        assert_eq!(v.to_string(), "not trusted: a certificate in the chain has expired");
        let bare = "error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../ssl/record/rec_layer_s3.c:1584:SSL alert number 40";
        let v = classify_failure(&load("server"), "localhost", NOW, bare);
        assert_eq!(v, TrustVerdict::Other("sslv3 alert handshake failure".into()));
        assert_eq!(other_reason("weird", None), "weird");
    }

    #[test]
    fn verdict_serializes_as_kind_and_reason() {
        let json = serde_json::to_value(TrustVerdict::SelfSigned).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"trusted": false, "kind": "self_signed", "reason": "not trusted: the certificate is self-signed"})
        );
        assert_eq!(TrustVerdict::Trusted.to_string(), "trusted");
        assert_eq!(TrustVerdict::SelfSigned.reason(), "the certificate is self-signed");
        assert!(TrustVerdict::Trusted.is_trusted());
    }
}
