//! Reads the negotiated TLS version and cipher suite out of the bytes a server sent at the start
//! of a TLS connection (as captured by [`super::record::HandshakeRecorder`]), because native-tls
//! does not expose them. Also names cipher suites and alerts.
//!
//! It owns the parsing of TLS records up to the first real ServerHello; it must not touch a
//! socket, decrypt anything or judge whether a suite is acceptable. The input is hostile: every
//! length is checked, nothing panics, and work is bounded by the input's length.

use std::fmt;

/// The `random` of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// TLS record content types (RFC 8446 §5.1, RFC 5246 §6.2.1).
const CONTENT_CHANGE_CIPHER_SPEC: u8 = 20;
const CONTENT_ALERT: u8 = 21;
const CONTENT_HANDSHAKE: u8 = 22;

/// Handshake message type of ServerHello (RFC 8446 §4, RFC 5246 §7.4).
const HANDSHAKE_SERVER_HELLO: u8 = 2;

/// The supported_versions extension (RFC 8446 §4.2.1).
const EXTENSION_SUPPORTED_VERSIONS: u16 = 43;

/// A record's fragment may not exceed 2^14 bytes of plaintext (RFC 8446 §5.1); ciphertext may be
/// up to 2^14 + 2048 (RFC 5246 §6.2.3). Anything longer is not TLS.
const MAX_RECORD_LENGTH: usize = (1 << 14) + 2048;

/// A protocol version, as carried on the wire (RFC 8446 §4.2.1, RFC 5246 appendix E).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsVersion {
    /// SSL 3.0, 0x0300 (RFC 6101), long broken.
    Ssl3,
    /// TLS 1.0, 0x0301 (RFC 2246), deprecated by RFC 8996.
    Tls10,
    /// TLS 1.1, 0x0302 (RFC 4346), deprecated by RFC 8996.
    Tls11,
    /// TLS 1.2, 0x0303 (RFC 5246).
    Tls12,
    /// TLS 1.3, 0x0304 (RFC 8446).
    Tls13,
    /// Anything else (draft versions such as 0x7f1c, GREASE, garbage).
    Unknown(u16),
}

impl TlsVersion {
    /// The version for a wire value.
    pub fn from_wire(value: u16) -> TlsVersion {
        match value {
            0x0300 => TlsVersion::Ssl3,
            0x0301 => TlsVersion::Tls10,
            0x0302 => TlsVersion::Tls11,
            0x0303 => TlsVersion::Tls12,
            0x0304 => TlsVersion::Tls13,
            other => TlsVersion::Unknown(other),
        }
    }

    /// The wire value.
    pub fn to_wire(self) -> u16 {
        match self {
            TlsVersion::Ssl3 => 0x0300,
            TlsVersion::Tls10 => 0x0301,
            TlsVersion::Tls11 => 0x0302,
            TlsVersion::Tls12 => 0x0303,
            TlsVersion::Tls13 => 0x0304,
            TlsVersion::Unknown(value) => value,
        }
    }

    /// True for versions that RFC 8996 (or, for SSL 3.0, RFC 7568) forbids.
    pub fn is_deprecated(self) -> bool {
        matches!(self, TlsVersion::Ssl3 | TlsVersion::Tls10 | TlsVersion::Tls11)
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsVersion::Ssl3 => f.write_str("SSL 3.0"),
            TlsVersion::Tls10 => f.write_str("TLS 1.0"),
            TlsVersion::Tls11 => f.write_str("TLS 1.1"),
            TlsVersion::Tls12 => f.write_str("TLS 1.2"),
            TlsVersion::Tls13 => f.write_str("TLS 1.3"),
            TlsVersion::Unknown(value) => write!(f, "unknown TLS version 0x{value:04x}"),
        }
    }
}

impl serde::Serialize for TlsVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What the server chose in its ServerHello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerHelloFacts {
    /// The negotiated version: supported_versions when present, legacy_version otherwise.
    pub version: TlsVersion,
    /// The cipher suite's IANA number; see [`cipher_suite_name`].
    pub cipher_suite: u16,
}

impl ServerHelloFacts {
    /// The suite's IANA name, or `0xC0FF`-style hex when it is not in the table.
    pub fn cipher_suite_label(&self) -> String {
        match cipher_suite_name(self.cipher_suite) {
            Some(name) => name.to_owned(),
            None => format!("0x{:04X}", self.cipher_suite),
        }
    }
}

/// Why no ServerHello could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerHelloError {
    /// The bytes ended (or were empty) inside a record or handshake message, before a ServerHello.
    Truncated,
    /// A record of another type (application data, or not TLS at all) came before the ServerHello.
    /// A first byte in the printable range usually means the server answered in plaintext.
    NotHandshake {
        /// The record's first byte.
        content_type: u8,
    },
    /// The server sent an alert instead of a ServerHello.
    Alert {
        /// 1 = warning, 2 = fatal (RFC 5246 §7.2).
        level: u8,
        /// The alert description (see [`alert_description_name`]).
        description: u8,
    },
    /// Every record was complete, but none held a ServerHello.
    NoServerHello,
    /// A length or field breaks the record or handshake layout.
    Malformed(&'static str),
}

impl fmt::Display for ServerHelloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerHelloError::Truncated => {
                f.write_str("the server's TLS handshake ended before its ServerHello")
            }
            ServerHelloError::NotHandshake { content_type } => {
                write!(f, "expected a TLS handshake record, got content type {content_type}")?;
                if content_type.is_ascii_graphic() {
                    f.write_str(" (the server may be speaking plaintext)")?;
                }
                Ok(())
            }
            ServerHelloError::Alert { level, description } => {
                let level = if *level == 1 { "warning" } else { "fatal" };
                match alert_description_name(*description) {
                    Some(name) => write!(f, "server sent a {level} alert: {name} ({description})"),
                    None => write!(f, "server sent a {level} alert: {description}"),
                }
            }
            ServerHelloError::NoServerHello => {
                f.write_str("the server's handshake held no ServerHello")
            }
            ServerHelloError::Malformed(what) => write!(f, "malformed TLS handshake: {what}"),
        }
    }
}

impl std::error::Error for ServerHelloError {}

/// Parses the server→client bytes from the start of a TLS connection and returns what the first
/// real ServerHello chose. HelloRetryRequests (RFC 8446 §4.1.4) and change_cipher_spec records
/// (the TLS 1.3 middlebox-compatibility kind, RFC 8446 §D.4) before it are skipped; a handshake
/// message may span records and several may share one (RFC 8446 §5.1).
pub fn parse_server_hello(bytes: &[u8]) -> Result<ServerHelloFacts, ServerHelloError> {
    let mut handshake = HandshakeStream::default();
    let mut rest = bytes;
    let mut seen_retry = false;
    if rest.is_empty() {
        return Err(ServerHelloError::Truncated);
    }
    while !rest.is_empty() {
        let (content_type, fragment, after) = split_record(rest)?;
        rest = after;
        match content_type {
            CONTENT_HANDSHAKE => handshake.push(fragment),
            CONTENT_CHANGE_CIPHER_SPEC => continue,
            CONTENT_ALERT => return Err(alert_error(fragment)),
            other => return Err(ServerHelloError::NotHandshake { content_type: other }),
        }
        while let Some((msg_type, body)) = handshake.next_message() {
            if msg_type != HANDSHAKE_SERVER_HELLO {
                // HelloRequest (RFC 5246 §7.4.1.1) may precede it; nothing else should, but
                // skipping is harmless and keeps the parser forgiving.
                continue;
            }
            let hello = parse_server_hello_body(body)?;
            if !hello.retry {
                return Ok(hello.facts);
            }
            if seen_retry {
                // RFC 8446 §4.1.4: a second HelloRetryRequest is an unexpected_message.
                return Err(ServerHelloError::Malformed("second HelloRetryRequest"));
            }
            seen_retry = true;
        }
    }
    if handshake.has_partial_message() {
        Err(ServerHelloError::Truncated)
    } else {
        Err(ServerHelloError::NoServerHello)
    }
}

/// Splits one record off the front: (content type, fragment, rest). RFC 8446 §5.1.
fn split_record(bytes: &[u8]) -> Result<(u8, &[u8], &[u8]), ServerHelloError> {
    let Some(&content_type) = bytes.first() else {
        return Err(ServerHelloError::Truncated);
    };
    if !matches!(content_type, CONTENT_CHANGE_CIPHER_SPEC..=23) {
        // Not a TLS record type: report it before looking at the rest of the header, so a
        // plaintext "220 ..." greeting is named as such even when it is short.
        return Err(ServerHelloError::NotHandshake { content_type });
    }
    let Some(header) = bytes.get(..5) else {
        return Err(ServerHelloError::Truncated);
    };
    if header[1] != 3 {
        return Err(ServerHelloError::Malformed("record version is not 3.x"));
    }
    let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
    if length > MAX_RECORD_LENGTH {
        return Err(ServerHelloError::Malformed("record longer than TLS allows"));
    }
    let Some(fragment) = bytes.get(5..5 + length) else {
        return Err(ServerHelloError::Truncated);
    };
    Ok((content_type, fragment, &bytes[5 + length..]))
}

/// The error for an alert record (RFC 8446 §6: level, description).
fn alert_error(fragment: &[u8]) -> ServerHelloError {
    match fragment {
        [level, description, ..] => {
            ServerHelloError::Alert { level: *level, description: *description }
        }
        _ => ServerHelloError::Truncated,
    }
}

/// Handshake bytes reassembled across records, consumed message by message.
#[derive(Default)]
struct HandshakeStream {
    buffer: Vec<u8>,
    consumed: usize,
}

impl HandshakeStream {
    fn push(&mut self, fragment: &[u8]) {
        self.buffer.extend_from_slice(fragment);
    }

    /// The next complete message (type, body), or None when more bytes are needed.
    /// RFC 8446 §4: msg_type (1 byte), length (3 bytes), body.
    fn next_message(&mut self) -> Option<(u8, &[u8])> {
        let pending = &self.buffer[self.consumed..];
        let header = pending.get(..4)?;
        let length =
            usize::from(header[1]) << 16 | usize::from(header[2]) << 8 | usize::from(header[3]);
        if pending.len() - 4 < length {
            return None;
        }
        let start = self.consumed + 4;
        self.consumed = start + length;
        Some((header[0], &self.buffer[start..start + length]))
    }

    fn has_partial_message(&self) -> bool {
        self.consumed < self.buffer.len()
    }
}

/// One parsed ServerHello or HelloRetryRequest.
struct ParsedHello {
    facts: ServerHelloFacts,
    retry: bool,
}

/// Parses a ServerHello body (RFC 8446 §4.1.3; RFC 5246 §7.4.1.3, where extensions may be
/// absent altogether).
fn parse_server_hello_body(body: &[u8]) -> Result<ParsedHello, ServerHelloError> {
    let mut reader = Reader(body);
    let legacy_version = reader.u16()?;
    let random = reader.take(32)?;
    let session_id_len = usize::from(reader.u8()?);
    if session_id_len > 32 {
        return Err(ServerHelloError::Malformed("session id longer than 32 bytes"));
    }
    reader.take(session_id_len)?;
    let cipher_suite = reader.u16()?;
    let _compression = reader.u8()?;
    let mut version = TlsVersion::from_wire(legacy_version);
    if !reader.0.is_empty() {
        let extensions_len = usize::from(reader.u16()?);
        let mut extensions = Reader(reader.take(extensions_len)?);
        while !extensions.0.is_empty() {
            let kind = extensions.u16()?;
            let len = usize::from(extensions.u16()?);
            let data = extensions.take(len)?;
            if kind == EXTENSION_SUPPORTED_VERSIONS {
                // In a ServerHello it is a single selected_version (RFC 8446 §4.2.1).
                let [hi, lo] = data else {
                    return Err(ServerHelloError::Malformed("supported_versions is not 2 bytes"));
                };
                version = TlsVersion::from_wire(u16::from_be_bytes([*hi, *lo]));
            }
        }
    }
    Ok(ParsedHello {
        facts: ServerHelloFacts { version, cipher_suite },
        retry: random == HELLO_RETRY_REQUEST_RANDOM,
    })
}

/// A cursor over a handshake body; running out of bytes inside a complete message means a
/// length field lied, so it is `Malformed`, not `Truncated`.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ServerHelloError> {
        if self.0.len() < n {
            return Err(ServerHelloError::Malformed("field runs past the end of its message"));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, ServerHelloError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, ServerHelloError> {
        let bytes = self.take(2)?;
        Ok(u16::from_be_bytes([bytes[0], bytes[1]]))
    }
}

/// IANA names of the cipher suites a mail server is likely to pick
/// (IANA "TLS Cipher Suites" registry).
pub fn cipher_suite_name(id: u16) -> Option<&'static str> {
    CIPHER_SUITES.iter().find(|(suite, _)| *suite == id).map(|(_, name)| *name)
}

/// (id, IANA name). Sources per block.
const CIPHER_SUITES: &[(u16, &str)] = &[
    // TLS 1.3, RFC 8446 §B.4.
    (0x1301, "TLS_AES_128_GCM_SHA256"),
    (0x1302, "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    (0x1304, "TLS_AES_128_CCM_SHA256"),
    (0x1305, "TLS_AES_128_CCM_8_SHA256"),
    // ECDHE with AES-GCM and SHA-2 CBC, RFC 5289 §3.1–3.2.
    (0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    // ECDHE with AES-CBC and SHA-1, RFC 8422 §6 (was RFC 4492).
    (0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
    // ChaCha20-Poly1305, RFC 7905 §2.
    (0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    // RSA and DHE with AES-GCM, RFC 5288 §3.
    (0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    // AES-CCM, RFC 6655 §3 and RFC 7251 §2.
    (0xC09C, "TLS_RSA_WITH_AES_128_CCM"),
    (0xC09D, "TLS_RSA_WITH_AES_256_CCM"),
    (0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM"),
    (0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM"),
    (0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
    (0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"),
    // RSA and DHE with AES-CBC, 3DES, RC4 and NULL, RFC 5246 §A.5.
    (0x0000, "TLS_NULL_WITH_NULL_NULL"),
    (0x0001, "TLS_RSA_WITH_NULL_MD5"),
    (0x0002, "TLS_RSA_WITH_NULL_SHA"),
    (0x003B, "TLS_RSA_WITH_NULL_SHA256"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
];

/// Names of alert descriptions (RFC 8446 §6; the older ones from RFC 5246 §7.2, RFC 6066 §9,
/// RFC 7507 §2, RFC 7301 §3.2).
pub fn alert_description_name(description: u8) -> Option<&'static str> {
    let name = match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => return None,
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from `openssl s_server -tls1_3` (OpenSSL 3.0, EC P-256 certificate) answering
    // `openssl s_client -tls1_3`: the ServerHello record and the compatibility CCS record.
    const TLS13_SERVER_HELLO: &[u8] = &[
        0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0xee, 0xb6, 0x6f, 0xe0,
        0x25, 0x3a, 0xe2, 0x62, 0x42, 0xb4, 0xb0, 0xf3, 0xca, 0xc3, 0x17, 0xa4, 0x54, 0x1f, 0xb8,
        0x21, 0xb9, 0x0a, 0x8b, 0x59, 0x46, 0xd2, 0xdf, 0x70, 0xaa, 0x7b, 0x5f, 0x81, 0x20, 0x0c,
        0x65, 0xa8, 0xd3, 0xac, 0x4c, 0x98, 0x1e, 0x86, 0xb5, 0xe7, 0x92, 0x12, 0x0a, 0x57, 0x1d,
        0xc4, 0xc1, 0x9a, 0x24, 0xe0, 0x23, 0x97, 0x88, 0xbc, 0xa8, 0x6b, 0x83, 0xb5, 0xaf, 0x9a,
        0xa9, 0x13, 0x02, 0x00, 0x00, 0x2e, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00,
        0x24, 0x00, 0x1d, 0x00, 0x20, 0xbf, 0xdd, 0xf1, 0xaf, 0x92, 0x45, 0xc2, 0x68, 0xf3, 0x2d,
        0x5c, 0x27, 0xa2, 0x69, 0xff, 0xda, 0xe8, 0x9d, 0xdc, 0xe1, 0x5d, 0xa8, 0xd2, 0x81, 0x45,
        0xbf, 0xa6, 0xd6, 0x5e, 0xc8, 0xd2, 0x7a, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01,
    ];

    // `openssl s_server -tls1_2` answering `s_client -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384`:
    // the ServerHello record (the Certificate record that followed is left out).
    const TLS12_SERVER_HELLO: &[u8] = &[
        0x16, 0x03, 0x03, 0x00, 0x41, 0x02, 0x00, 0x00, 0x3d, 0x03, 0x03, 0xd0, 0xc8, 0x4c, 0x48,
        0x4b, 0x1c, 0xf0, 0xe1, 0xda, 0xc4, 0xdc, 0x4f, 0xc3, 0x30, 0x04, 0xc0, 0xbe, 0x3d, 0xf5,
        0x7b, 0x52, 0xa2, 0xfa, 0x9b, 0x63, 0x05, 0xd2, 0xc3, 0x8a, 0x67, 0xf4, 0x8a, 0x00, 0xc0,
        0x2c, 0x00, 0x00, 0x15, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00,
        0x01, 0x02, 0x00, 0x23, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00,
    ];

    // The same with `-cipher ECDHE-ECDSA-CHACHA20-POLY1305`.
    const TLS12_CHACHA_SERVER_HELLO: &[u8] = &[
        0x16, 0x03, 0x03, 0x00, 0x41, 0x02, 0x00, 0x00, 0x3d, 0x03, 0x03, 0xac, 0xde, 0x0f, 0x03,
        0x2d, 0xb2, 0x65, 0xd8, 0x59, 0xb4, 0xf3, 0x04, 0x4f, 0xbb, 0x51, 0xd6, 0x25, 0x55, 0x0c,
        0xbf, 0xf5, 0xfc, 0x1c, 0x5b, 0x40, 0x1a, 0x94, 0xfd, 0x05, 0x8b, 0x23, 0xe9, 0x00, 0xcc,
        0xa9, 0x00, 0x00, 0x15, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00,
        0x01, 0x02, 0x00, 0x23, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00,
    ];

    // `s_server -tls1_3 -groups P-256` answering `s_client -tls1_3 -groups X25519:P-256`: a
    // HelloRetryRequest asking for P-256, a CCS record, then the real (still plaintext)
    // ServerHello.
    const TLS13_HRR_THEN_SERVER_HELLO: &[u8] = &[
        0x16, 0x03, 0x03, 0x00, 0x58, 0x02, 0x00, 0x00, 0x54, 0x03, 0x03, 0xcf, 0x21, 0xad, 0x74,
        0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
        0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c, 0x20, 0x65,
        0xf4, 0xc9, 0x46, 0x41, 0x17, 0xd6, 0x1c, 0x7b, 0x1f, 0xe1, 0x0a, 0x19, 0x79, 0x01, 0x36,
        0x56, 0x81, 0xe0, 0x68, 0xc1, 0xf6, 0x62, 0x56, 0x09, 0x40, 0xc0, 0x2e, 0x27, 0x79, 0xd9,
        0xc7, 0x13, 0x02, 0x00, 0x00, 0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00,
        0x02, 0x00, 0x17, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x16, 0x03, 0x03, 0x00, 0x9b, 0x02,
        0x00, 0x00, 0x97, 0x03, 0x03, 0x17, 0x3f, 0xbd, 0x1b, 0x6f, 0xf9, 0x89, 0xea, 0x2e, 0x40,
        0xb0, 0xca, 0x8f, 0xdb, 0xa6, 0x09, 0xcb, 0xd2, 0xcd, 0x48, 0xa2, 0x34, 0x4e, 0xe3, 0x10,
        0xed, 0xd6, 0x92, 0x7d, 0x02, 0x0c, 0x87, 0x20, 0x65, 0xf4, 0xc9, 0x46, 0x41, 0x17, 0xd6,
        0x1c, 0x7b, 0x1f, 0xe1, 0x0a, 0x19, 0x79, 0x01, 0x36, 0x56, 0x81, 0xe0, 0x68, 0xc1, 0xf6,
        0x62, 0x56, 0x09, 0x40, 0xc0, 0x2e, 0x27, 0x79, 0xd9, 0xc7, 0x13, 0x02, 0x00, 0x00, 0x4f,
        0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x45, 0x00, 0x17, 0x00, 0x41, 0x04,
        0xa0, 0x59, 0xd9, 0x4b, 0x4b, 0x31, 0x9c, 0xfb, 0x93, 0x45, 0xf8, 0x05, 0x54, 0x1f, 0x71,
        0x48, 0x84, 0xca, 0x4d, 0x06, 0x77, 0xcf, 0x4a, 0x50, 0x86, 0xf5, 0xb0, 0xc4, 0x73, 0x18,
        0x49, 0x19, 0x86, 0xed, 0x72, 0xd3, 0x46, 0x11, 0x59, 0xac, 0x89, 0x5e, 0x3a, 0x50, 0xc0,
        0x21, 0x5f, 0xa4, 0xd9, 0xfa, 0x12, 0xaa, 0x3a, 0x9f, 0x19, 0xd8, 0xa9, 0x8c, 0x3f, 0x44,
        0x03, 0x75, 0x75, 0x01,
    ];

    // `s_server -tls1_2` answering `s_client -tls1_3`: fatal protocol_version.
    const ALERT_PROTOCOL_VERSION: &[u8] = &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46];

    /// The handshake message (4-byte header + body) inside a single-record fixture.
    fn message_of(record: &[u8]) -> &[u8] {
        let len = usize::from(u16::from_be_bytes([record[3], record[4]]));
        &record[5..5 + len]
    }

    fn record(content_type: u8, fragment: &[u8]) -> Vec<u8> {
        let mut out = vec![content_type, 0x03, 0x03];
        out.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
        out.extend_from_slice(fragment);
        out
    }

    #[test]
    fn tls13_server_hello_reports_supported_versions() {
        let facts = parse_server_hello(TLS13_SERVER_HELLO).unwrap();
        assert_eq!(facts.version, TlsVersion::Tls13);
        assert_eq!(facts.cipher_suite, 0x1302);
        assert_eq!(facts.cipher_suite_label(), "TLS_AES_256_GCM_SHA384");
    }

    #[test]
    fn tls12_server_hello_reports_legacy_version() {
        let facts = parse_server_hello(TLS12_SERVER_HELLO).unwrap();
        assert_eq!(facts.version, TlsVersion::Tls12);
        assert_eq!(
            cipher_suite_name(facts.cipher_suite),
            Some("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
        );
        let facts = parse_server_hello(TLS12_CHACHA_SERVER_HELLO).unwrap();
        assert_eq!(
            cipher_suite_name(facts.cipher_suite),
            Some("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
        );
    }

    #[test]
    fn hello_retry_request_is_skipped() {
        // Give the HRR a different suite so taking the wrong message would show.
        let mut bytes = TLS13_HRR_THEN_SERVER_HELLO.to_vec();
        assert_eq!(&bytes[76..78], &[0x13, 0x02]);
        bytes[77] = 0x01;
        let facts = parse_server_hello(&bytes).unwrap();
        assert_eq!(facts, ServerHelloFacts { version: TlsVersion::Tls13, cipher_suite: 0x1302 });
    }

    #[test]
    fn hello_retry_request_alone_is_not_a_server_hello() {
        let hrr_and_ccs = &TLS13_HRR_THEN_SERVER_HELLO[..93 + 6];
        assert_eq!(parse_server_hello(hrr_and_ccs), Err(ServerHelloError::NoServerHello));
    }

    #[test]
    fn second_hello_retry_request_is_malformed() {
        let hrr = &TLS13_HRR_THEN_SERVER_HELLO[..93];
        let twice = [hrr, hrr].concat();
        assert!(matches!(parse_server_hello(&twice), Err(ServerHelloError::Malformed(_))));
    }

    #[test]
    fn message_split_across_records() {
        let message = message_of(TLS13_SERVER_HELLO);
        let mut bytes = Vec::new();
        for chunk in message.chunks(7) {
            bytes.extend(record(CONTENT_HANDSHAKE, chunk));
        }
        let facts = parse_server_hello(&bytes).unwrap();
        assert_eq!(facts.version, TlsVersion::Tls13);
        assert_eq!(facts.cipher_suite, 0x1302);
    }

    #[test]
    fn messages_sharing_one_record() {
        // A HelloRequest (type 0, empty) then the ServerHello then a partial Certificate, all in
        // one record: the parser stops at the ServerHello.
        let mut fragment = vec![0, 0, 0, 0];
        fragment.extend_from_slice(message_of(TLS12_SERVER_HELLO));
        fragment.extend_from_slice(&[11, 0, 1, 0, 0xAA]);
        let facts = parse_server_hello(&record(CONTENT_HANDSHAKE, &fragment)).unwrap();
        assert_eq!(facts.cipher_suite, 0xC02C);
    }

    #[test]
    fn server_hello_without_extensions() {
        // A TLS 1.0-era ServerHello may end right after compression_method.
        let body = [&[0x03, 0x01][..], &[0x5a; 32], &[0], &[0x00, 0x2F], &[0]].concat();
        let mut message = vec![HANDSHAKE_SERVER_HELLO, 0, 0, body.len() as u8];
        message.extend_from_slice(&body);
        let facts = parse_server_hello(&record(CONTENT_HANDSHAKE, &message)).unwrap();
        assert_eq!(facts.version, TlsVersion::Tls10);
        assert_eq!(facts.cipher_suite_label(), "TLS_RSA_WITH_AES_128_CBC_SHA");
    }

    #[test]
    fn alert_is_reported_with_its_name() {
        let err = parse_server_hello(ALERT_PROTOCOL_VERSION).unwrap_err();
        assert_eq!(err, ServerHelloError::Alert { level: 2, description: 70 });
        assert_eq!(err.to_string(), "server sent a fatal alert: protocol_version (70)");
        let handshake_failure = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
        assert!(
            parse_server_hello(&handshake_failure)
                .unwrap_err()
                .to_string()
                .contains("handshake_failure")
        );
    }

    #[test]
    fn plaintext_reply_is_not_handshake() {
        let err = parse_server_hello(b"220 mail.example.com ESMTP\r\n").unwrap_err();
        assert_eq!(err, ServerHelloError::NotHandshake { content_type: b'2' });
        assert!(err.to_string().contains("plaintext"));
        let app_data = record(23, &[1, 2, 3]);
        assert_eq!(
            parse_server_hello(&app_data),
            Err(ServerHelloError::NotHandshake { content_type: 23 })
        );
    }

    #[test]
    fn input_ends_abruptly() {
        assert_eq!(parse_server_hello(b""), Err(ServerHelloError::Truncated));
        assert_eq!(parse_server_hello(&[0x16, 0x03]), Err(ServerHelloError::Truncated));
        assert_eq!(parse_server_hello(&TLS12_SERVER_HELLO[..40]), Err(ServerHelloError::Truncated));
        // Complete records, incomplete message.
        let message = message_of(TLS12_SERVER_HELLO);
        let half = record(CONTENT_HANDSHAKE, &message[..30]);
        assert_eq!(parse_server_hello(&half), Err(ServerHelloError::Truncated));
    }

    #[test]
    fn only_change_cipher_spec_is_no_server_hello() {
        let ccs = record(CONTENT_CHANGE_CIPHER_SPEC, &[1]);
        assert_eq!(parse_server_hello(&ccs), Err(ServerHelloError::NoServerHello));
    }

    #[test]
    fn lying_lengths_are_malformed() {
        // supported_versions with 3 bytes of data.
        let mut bytes = TLS13_SERVER_HELLO.to_vec();
        let ext = bytes.windows(4).position(|w| w == [0x00, 0x2b, 0x00, 0x02]).unwrap();
        bytes[ext + 3] = 0x03;
        assert!(matches!(parse_server_hello(&bytes), Err(ServerHelloError::Malformed(_))));
        // Oversized record length.
        let huge = [0x16, 0x03, 0x03, 0xff, 0xff];
        assert!(matches!(parse_server_hello(&huge), Err(ServerHelloError::Malformed(_))));
        // Session id longer than 32.
        let mut bytes = TLS12_SERVER_HELLO.to_vec();
        bytes[5 + 4 + 2 + 32] = 33;
        assert!(matches!(parse_server_hello(&bytes), Err(ServerHelloError::Malformed(_))));
    }

    #[test]
    fn every_truncation_and_mutation_is_handled() {
        // Never panics, and any answer is one of the documented ones. Mutations are
        // deterministic (every byte position × a few values) so a failure reproduces.
        // (fixture, length of the shortest prefix that holds the whole ServerHello)
        let fixtures = [
            (TLS13_SERVER_HELLO, 127),
            (TLS12_SERVER_HELLO, 70),
            (TLS13_HRR_THEN_SERVER_HELLO, 259),
        ];
        for (fixture, complete) in fixtures {
            for end in 0..=fixture.len() {
                let result = parse_server_hello(&fixture[..end]);
                assert_eq!(result.is_ok(), end >= complete, "prefix of {end} bytes: {result:?}");
            }
            for position in 0..fixture.len() {
                for value in [0x00, 0x01, 0x02, 0x14, 0x15, 0x16, 0x2b, 0x7f, 0x80, 0xff] {
                    let mut mutated = fixture.to_vec();
                    mutated[position] = value;
                    let _ = parse_server_hello(&mutated);
                    mutated.truncate(position + 1);
                    let _ = parse_server_hello(&mutated);
                }
            }
        }
    }

    #[test]
    fn version_names() {
        assert_eq!(TlsVersion::from_wire(0x0304).to_string(), "TLS 1.3");
        assert_eq!(TlsVersion::from_wire(0x0303).to_string(), "TLS 1.2");
        assert_eq!(TlsVersion::from_wire(0x0302).to_string(), "TLS 1.1");
        assert_eq!(TlsVersion::from_wire(0x0301).to_string(), "TLS 1.0");
        assert_eq!(TlsVersion::from_wire(0x0300).to_string(), "SSL 3.0");
        assert_eq!(TlsVersion::from_wire(0x7f1c), TlsVersion::Unknown(0x7f1c));
        assert_eq!(TlsVersion::Unknown(0x7f1c).to_wire(), 0x7f1c);
        assert!(TlsVersion::Tls11.is_deprecated() && !TlsVersion::Tls12.is_deprecated());
    }

    #[test]
    fn cipher_suite_table_has_no_duplicates() {
        for (i, (id, name)) in CIPHER_SUITES.iter().enumerate() {
            assert!(name.starts_with("TLS_"), "{name}");
            assert!(CIPHER_SUITES[i + 1..].iter().all(|(other, _)| other != id), "{id:#06x}");
        }
        assert_eq!(cipher_suite_name(0xC030), Some("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assert_eq!(cipher_suite_name(0x1303), Some("TLS_CHACHA20_POLY1305_SHA256"));
        assert_eq!(cipher_suite_name(0xFFFF), None);
    }
}
