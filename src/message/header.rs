//! Header fields: validation of names and values, the policy for user `--header 'Name: value'`
//! fields, RFC 2047 encoded words for non-ASCII text, folding (RFC 5322 §2.2.3: 78 octets
//! preferred, never over 998), and the RFC 5322 §3.3 date format.
//!
//! It owns the exact bytes of header lines. It must not decide the MIME structure (that is
//! `mime`) nor parse addresses (that is `address`, which hands it tokens).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// RFC 5322 §2.1.1: lines SHOULD be at most 78 characters, excluding CRLF.
pub const PREFERRED_LINE: usize = 78;
/// RFC 5322 §2.1.1: lines MUST be at most 998 characters, excluding CRLF.
pub const MAX_LINE: usize = 998;
/// RFC 2047 §2: an encoded word is at most 75 characters.
const MAX_ENCODED_WORD: usize = 75;
/// `=?UTF-8?Q?` plus `?=`.
const ENCODED_WORD_OVERHEAD: usize = 12;
/// An ASCII word longer than this is sent as encoded words, which may be split anywhere.
const MAX_PLAIN_WORD: usize = 900;

/// A header value or name that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// `--header` text without a `:`.
    MissingColon { input: String },
    /// The field name is not RFC 5322 §3.6.8 ftext.
    InvalidName { name: String, reason: &'static str },
    /// CR or LF in a value: refused, it would inject header lines.
    CrLf { name: String },
    /// NUL in a value.
    Nul { name: String },
    /// A field smtpx writes itself or takes from a dedicated option.
    Reserved { name: String, hint: &'static str },
    /// A field that may appear only once was given twice.
    Duplicate { name: String },
    /// A structured field (message ids, dates, trace) with non-ASCII text.
    NonAscii { name: String },
    /// A word too long to fit in a 998-octet line.
    TooLong { name: String },
    /// A value with the wrong syntax for its field.
    Invalid { name: String, reason: &'static str },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingColon { input } => {
                write!(f, "header {input:?} has no ':' (use 'Name: value')")
            }
            Self::InvalidName { name, reason } => {
                write!(f, "invalid header name {name:?}: {reason}")
            }
            Self::CrLf { name } => write!(f, "header {name}: CR or LF not allowed in a value"),
            Self::Nul { name } => write!(f, "header {name}: NUL not allowed in a value"),
            Self::Reserved { name, hint } => {
                write!(f, "header {name} cannot be set with --header: {hint}")
            }
            Self::Duplicate { name } => write!(f, "header {name} given more than once"),
            Self::NonAscii { name } => write!(f, "header {name}: value must be ASCII"),
            Self::TooLong { name } => {
                write!(f, "header {name}: a word is too long for a 998-octet line")
            }
            Self::Invalid { name, reason } => write!(f, "header {name}: {reason}"),
        }
    }
}

impl std::error::Error for HeaderError {}

/// How the composer treats a user-supplied header field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserHeaderRole {
    /// Free text: written as given, non-ASCII as RFC 2047 encoded words (X-*, Comments, ...).
    Unstructured,
    /// Structured ASCII (References, In-Reply-To, Sender, trace fields): folded at spaces only.
    AsciiStructured,
    /// An address list merged into the message's Reply-To.
    ReplyTo,
    /// Replaces the generated Date.
    Date,
    /// Replaces the generated Message-ID.
    MessageId,
}

/// Fields `--header` may not set, with what to use instead (RFC 5322 §3.6, RFC 2045 §3-6).
const RESERVED: &[(&str, &str)] = &[
    ("From", "use --from"),
    ("To", "use --to"),
    ("Cc", "use --cc"),
    ("Bcc", "use --bcc (Bcc is never written into the message)"),
    ("Subject", "use --subject"),
    ("MIME-Version", "smtpx writes the MIME structure itself"),
];

/// Structured fields whose syntax RFC 2047 encoding would break (RFC 2047 §5).
const ASCII_STRUCTURED: &[&str] =
    &["In-Reply-To", "References", "Sender", "Return-Path", "Received", "DKIM-Signature"];

/// Parses `--header 'Name: value'` and applies the policy; returns the name and trimmed value.
pub fn parse_user_header(input: &str) -> Result<(String, String), HeaderError> {
    let (name, value) = input
        .split_once(':')
        .ok_or_else(|| HeaderError::MissingColon { input: input.to_string() })?;
    let value = value.trim_matches([' ', '\t']);
    check_user_header(name, value)?;
    Ok((name.to_string(), value.to_string()))
}

/// Validates a user header field (name, value and policy) and says how it is written.
pub fn check_user_header(name: &str, value: &str) -> Result<UserHeaderRole, HeaderError> {
    validate_name(name)?;
    validate_value(name, value)?;
    let role = classify(name)?;
    if role != UserHeaderRole::Unstructured && role != UserHeaderRole::ReplyTo && !value.is_ascii()
    {
        return Err(HeaderError::NonAscii { name: name.to_string() });
    }
    Ok(role)
}

fn classify(name: &str) -> Result<UserHeaderRole, HeaderError> {
    if let Some((_, hint)) = RESERVED.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return Err(HeaderError::Reserved { name: name.to_string(), hint });
    }
    if name.len() >= 8 && name[..8].eq_ignore_ascii_case("Content-") {
        let hint = "smtpx builds the MIME structure (use --html and --attach with --attach-type; or --raw to send a message as it is)";
        return Err(HeaderError::Reserved { name: name.to_string(), hint });
    }
    let role = if name.eq_ignore_ascii_case("Reply-To") {
        UserHeaderRole::ReplyTo
    } else if name.eq_ignore_ascii_case("Date") {
        UserHeaderRole::Date
    } else if name.eq_ignore_ascii_case("Message-ID") {
        UserHeaderRole::MessageId
    } else if ASCII_STRUCTURED.iter().any(|n| n.eq_ignore_ascii_case(name))
        || (name.len() >= 7 && name[..7].eq_ignore_ascii_case("Resent-"))
    {
        UserHeaderRole::AsciiStructured
    } else {
        UserHeaderRole::Unstructured
    };
    Ok(role)
}

/// RFC 5322 §3.6.8: a field name is 1*ftext, printable ASCII except `:`. The 76-octet cap keeps
/// `Name: ` plus an encoded word within a line.
pub fn validate_name(name: &str) -> Result<(), HeaderError> {
    let reason = if name.is_empty() {
        "empty"
    } else if name.len() > 76 {
        "longer than 76 characters"
    } else if !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        "only printable ASCII without spaces or ':' is allowed"
    } else {
        return Ok(());
    };
    Err(HeaderError::InvalidName { name: name.to_string(), reason })
}

/// A value must not carry CR or LF (header injection) nor NUL.
pub fn validate_value(name: &str, value: &str) -> Result<(), HeaderError> {
    if value.contains(['\r', '\n']) {
        return Err(HeaderError::CrLf { name: name.to_string() });
    }
    if value.contains('\0') {
        return Err(HeaderError::Nul { name: name.to_string() });
    }
    Ok(())
}

/// One foldable piece of a header value: the whitespace before it (where a fold may go; empty
/// means "glued, never fold here") and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub sep: String,
    pub text: String,
}

impl Token {
    pub fn new(sep: &str, text: impl Into<String>) -> Token {
        Token { sep: sep.to_string(), text: text.into() }
    }
}

/// Writes `Name: tokens` folded: a fold (CRLF before the separator) goes where the next token
/// would pass 78 columns, never before the first token. Errs if a line would pass 998.
pub(crate) fn write_field(
    out: &mut Vec<u8>,
    name: &str,
    tokens: &[Token],
) -> Result<(), HeaderError> {
    let start = out.len();
    out.extend_from_slice(name.as_bytes());
    out.push(b':');
    let mut col = name.len() + 1;
    let mut longest = col;
    for (i, token) in tokens.iter().enumerate() {
        let sep = if i == 0 { " " } else { token.sep.as_str() };
        if i > 0 && !sep.is_empty() && col + sep.len() + token.text.len() > PREFERRED_LINE {
            out.extend_from_slice(b"\r\n");
            col = 0;
        }
        out.extend_from_slice(sep.as_bytes());
        out.extend_from_slice(token.text.as_bytes());
        col += sep.len() + token.text.len();
        longest = longest.max(col);
    }
    out.extend_from_slice(b"\r\n");
    if longest > MAX_LINE {
        out.truncate(start);
        return Err(HeaderError::TooLong { name: name.to_string() });
    }
    Ok(())
}

/// Splits at runs of spaces/tabs: `(whitespace before, word)` pairs; the first has `""`.
fn words(value: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let ws_end = rest.find(|c| c != ' ' && c != '\t').unwrap_or(rest.len());
        let (ws, after) = rest.split_at(ws_end);
        let word_end = after.find([' ', '\t']).unwrap_or(after.len());
        let (word, tail) = after.split_at(word_end);
        if !word.is_empty() {
            out.push((ws, word));
        }
        rest = tail;
    }
    out
}

/// Tokens for ASCII structured text: words as they are, folded only at whitespace.
pub(crate) fn structured_tokens(value: &str) -> Vec<Token> {
    words(value.trim()).into_iter().map(|(ws, word)| Token::new(ws, word)).collect()
}

/// Tokens for unstructured text (RFC 5322 §3.2.5): ASCII words as they are; each run of words
/// that need encoding (non-ASCII, controls, `=?` look-alikes, huge words) becomes encoded words,
/// with the spaces between those words inside the encoding so they survive decoding.
/// `first_max` caps the first encoded word so `Name: ` plus it fits in 78 columns.
pub(crate) fn unstructured_tokens(value: &str, first_max: usize) -> Vec<Token> {
    let needs = |w: &str| {
        !w.is_ascii()
            || w.contains("=?")
            || w.len() > MAX_PLAIN_WORD
            || w.chars().any(|c| c.is_control())
    };
    let list = words(value.trim());
    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let (ws, word) = list[i];
        if !needs(word) {
            tokens.push(Token::new(ws, word));
            i += 1;
            continue;
        }
        let mut text = word.to_string();
        i += 1;
        while i < list.len() && needs(list[i].1) {
            text.push_str(list[i].0);
            text.push_str(list[i].1);
            i += 1;
        }
        let max = if tokens.is_empty() { first_max } else { MAX_ENCODED_WORD };
        let mut encoded = encode_words(&text, max);
        if let Some(first) = encoded.first_mut() {
            first.sep = ws.to_string();
        }
        tokens.extend(encoded);
    }
    tokens
}

/// RFC 2047 §5 (3): the literal characters allowed in a phrase (display name), which makes
/// them safe in every context, so one Q encoder serves Subject and display names. Space is `_`.
fn q_literal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!*+-/".contains(&b)
}

fn q_len(b: u8) -> usize {
    if q_literal(b) || b == b' ' { 1 } else { 3 }
}

fn push_q(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b == b' ' {
            out.push('_');
        } else if q_literal(b) {
            out.push(b as char);
        } else {
            out.push('=');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Encodes `text` as UTF-8 encoded words (RFC 2047 §4): Q when that is no longer than B.
/// Each word is at most `first_max` (the first) or 75 characters and holds whole characters,
/// so every word decodes on its own (§5 last paragraph). The words are separated by a space,
/// which decoders ignore between adjacent encoded words (§6.2).
pub(crate) fn encode_words(text: &str, first_max: usize) -> Vec<Token> {
    let q_total: usize = text.bytes().map(q_len).sum();
    let use_q = q_total <= text.len().div_ceil(3) * 4;
    let mut tokens = Vec::new();
    let mut chunk_start = 0;
    let mut chunk_cost = 0;
    let mut max = first_max.clamp(24, MAX_ENCODED_WORD) - ENCODED_WORD_OVERHEAD;
    for (i, c) in text.char_indices() {
        let bytes = &text.as_bytes()[i..i + c.len_utf8()];
        let cost = if use_q { bytes.iter().map(|&b| q_len(b)).sum() } else { bytes.len() };
        let fits = if use_q {
            chunk_cost + cost <= max
        } else {
            (chunk_cost + cost).div_ceil(3) * 4 <= max
        };
        if !fits && chunk_cost > 0 {
            tokens.push(Token::new(" ", encoded_word(&text[chunk_start..i], use_q)));
            chunk_start = i;
            chunk_cost = 0;
            max = MAX_ENCODED_WORD - ENCODED_WORD_OVERHEAD;
        }
        chunk_cost += cost;
    }
    if chunk_start < text.len() || tokens.is_empty() {
        tokens.push(Token::new(" ", encoded_word(&text[chunk_start..], use_q)));
    }
    tokens
}

fn encoded_word(chunk: &str, use_q: bool) -> String {
    if use_q {
        let mut out = String::from("=?UTF-8?Q?");
        push_q(&mut out, chunk.as_bytes());
        out.push_str("?=");
        out
    } else {
        let mut b64 = Vec::with_capacity(chunk.len() / 3 * 4 + 4);
        super::encoding::base64_into(chunk.as_bytes(), &mut b64);
        // base64 output is ASCII by construction.
        format!("=?UTF-8?B?{}?=", String::from_utf8_lossy(&b64))
    }
}

/// An RFC 5322 §3.3 date-time in UTC (`Thu, 21 May 2026 10:00:00 +0000`). Plain arithmetic:
/// no time-zone database is needed for UTC, and `+0000` is a valid zone.
pub fn format_date(time: SystemTime) -> Option<String> {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = crate::civil::civil_from_days(days as i64);
    let weekday = DAYS[(days % 7) as usize];
    let month_name = MONTHS.get(month.checked_sub(1)? as usize)?;
    Some(format!(
        "{weekday}, {day:02} {month_name} {year} {:02}:{:02}:{:02} +0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::time::Duration;

    /// A small RFC 2047 decoder for tests: decodes encoded words, drops whitespace between
    /// adjacent encoded words, and unfolds.
    pub(crate) fn decode_2047(value: &str) -> String {
        use base64::Engine as _;
        let unfolded = value.replace("\r\n", "");
        let mut out = String::new();
        let mut pending_ws = String::new();
        let mut last_was_encoded = false;
        for (ws, word) in words(&unfolded) {
            let decoded = word
                .strip_prefix("=?UTF-8?")
                .and_then(|w| w.strip_suffix("?="))
                .and_then(|w| w.split_once('?'))
                .map(|(enc, data)| match enc {
                    "B" => base64::engine::general_purpose::STANDARD.decode(data).unwrap(),
                    "Q" => q_decode(data),
                    other => panic!("unknown encoding {other}"),
                });
            pending_ws.push_str(ws);
            match decoded {
                Some(bytes) => {
                    if !last_was_encoded {
                        out.push_str(&pending_ws);
                    }
                    out.push_str(std::str::from_utf8(&bytes).expect("each word is whole UTF-8"));
                    last_was_encoded = true;
                }
                None => {
                    out.push_str(&pending_ws);
                    out.push_str(word);
                    last_was_encoded = false;
                }
            }
            pending_ws.clear();
        }
        out
    }

    fn q_decode(data: &str) -> Vec<u8> {
        let bytes = data.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'_' => out.push(b' '),
                b'=' => {
                    out.push(u8::from_str_radix(&data[i + 1..i + 3], 16).unwrap());
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        out
    }

    fn field(name: &str, tokens: &[Token]) -> String {
        let mut out = Vec::new();
        write_field(&mut out, name, tokens).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The decoded value of a `Subject:` field.
    fn decoded(field: &str) -> String {
        decode_2047(field.strip_prefix("Subject:").unwrap()).trim_start().to_string()
    }

    fn subject(value: &str) -> String {
        field("Subject", &unstructured_tokens(value, PREFERRED_LINE - "Subject: ".len()))
    }

    fn assert_lines_ok(text: &str) {
        assert!(text.ends_with("\r\n"));
        for line in text.strip_suffix("\r\n").unwrap().split("\r\n") {
            assert!(line.len() <= PREFERRED_LINE, "line over 78: {line:?}");
            assert!(!line.contains(['\r', '\n']));
        }
    }

    #[test]
    fn ascii_subject_is_left_alone() {
        assert_eq!(subject("Hello world"), "Subject: Hello world\r\n");
    }

    #[test]
    fn subject_with_emoji_round_trips() {
        let text = subject("Grüße 👋");
        assert!(text.is_ascii());
        assert!(text.starts_with("Subject: =?UTF-8?"), "{text}");
        assert_eq!(decoded(&text), "Grüße 👋");
    }

    #[test]
    fn mixed_subject_keeps_ascii_words_readable() {
        let text = subject("Re: Grüße aus Köln, bis bald");
        assert!(text.starts_with("Subject: Re: =?UTF-8?"), "{text}");
        assert!(text.contains("?= aus =?UTF-8?") && text.ends_with("?= bis bald\r\n"), "{text}");
        assert_eq!(decoded(&text), "Re: Grüße aus Köln, bis bald");
    }

    #[test]
    fn long_non_ascii_subject_splits_on_char_boundaries() {
        let original = "日本語のテキスト👋".repeat(12);
        let text = subject(&original);
        assert_lines_ok(&text);
        for word in text.split_whitespace().filter(|w| w.starts_with("=?")) {
            assert!(word.len() <= 75, "{word}");
        }
        assert_eq!(decoded(&text), original);
    }

    #[test]
    fn long_ascii_subject_folds_at_spaces() {
        let original = "word ".repeat(40).trim_end().to_string();
        let text = subject(&original);
        assert_lines_ok(&text);
        assert!(text.contains("\r\n word"));
        assert_eq!(
            text.strip_prefix("Subject: ").unwrap().replace("\r\n", "").trim_end(),
            original
        );
    }

    #[test]
    fn huge_ascii_word_is_encoded_not_overlong() {
        let original = "x".repeat(2000);
        let text = subject(&original);
        assert_lines_ok(&text);
        assert_eq!(decoded(&text), original);
    }

    #[test]
    fn encoded_word_lookalike_is_encoded() {
        let text = subject("about =?utf-8?q?x?= things");
        assert_eq!(decoded(&text), "about =?utf-8?q?x?= things");
    }

    #[test]
    fn b_encoding_chosen_for_dense_non_ascii() {
        let text = subject("Привет мир");
        assert!(text.contains("=?UTF-8?B?"), "{text}");
        assert_eq!(decoded(&text), "Привет мир");
    }

    #[test]
    fn structured_word_over_998_is_refused() {
        let tokens = structured_tokens(&format!("<{}@x>", "a".repeat(1000)));
        let mut out = b"keep".to_vec();
        let e = write_field(&mut out, "References", &tokens).unwrap_err();
        assert_eq!(e, HeaderError::TooLong { name: "References".into() });
        assert_eq!(out, b"keep");
    }

    #[test]
    fn user_header_parsing_and_policy() {
        assert_eq!(parse_user_header("X-Test:  hello "), Ok(("X-Test".into(), "hello".into())));
        assert_eq!(check_user_header("X-Test", "Grüße"), Ok(UserHeaderRole::Unstructured));
        assert_eq!(check_user_header("reply-to", "a@b.org"), Ok(UserHeaderRole::ReplyTo));
        assert_eq!(check_user_header("References", "<a@b>"), Ok(UserHeaderRole::AsciiStructured));
        assert_eq!(check_user_header("Message-ID", "<a@b>"), Ok(UserHeaderRole::MessageId));
        assert_eq!(
            check_user_header("Resent-From", "a@b.org"),
            Ok(UserHeaderRole::AsciiStructured)
        );
        assert!(matches!(parse_user_header("Subject: x"), Err(HeaderError::Reserved { .. })));
        assert!(matches!(
            parse_user_header("content-type: text/html"),
            Err(HeaderError::Reserved { .. })
        ));
        assert!(matches!(
            parse_user_header("MIME-Version: 1.0"),
            Err(HeaderError::Reserved { .. })
        ));
        assert!(matches!(parse_user_header("Bcc: a@b.org"), Err(HeaderError::Reserved { .. })));
        assert!(matches!(parse_user_header("No colon"), Err(HeaderError::MissingColon { .. })));
        assert!(matches!(parse_user_header("Bad Name: x"), Err(HeaderError::InvalidName { .. })));
        assert!(matches!(parse_user_header(": x"), Err(HeaderError::InvalidName { .. })));
        assert!(matches!(
            parse_user_header("References: <ü@x>"),
            Err(HeaderError::NonAscii { .. })
        ));
        let e = parse_user_header("Subject: x").unwrap_err();
        assert_eq!(e.to_string(), "header Subject cannot be set with --header: use --subject");
    }

    #[test]
    fn header_injection_refused() {
        assert_eq!(
            parse_user_header("X-A: ok\r\nBcc: evil@x.org"),
            Err(HeaderError::CrLf { name: "X-A".into() })
        );
        assert_eq!(parse_user_header("X-A: a\nb"), Err(HeaderError::CrLf { name: "X-A".into() }));
        assert_eq!(parse_user_header("X-A: a\0b"), Err(HeaderError::Nul { name: "X-A".into() }));
        assert_eq!(
            validate_value("Subject", "hi\rthere"),
            Err(HeaderError::CrLf { name: "Subject".into() })
        );
    }

    #[test]
    fn date_formats_per_rfc5322() {
        assert_eq!(format_date(UNIX_EPOCH).unwrap(), "Thu, 01 Jan 1970 00:00:00 +0000");
        let t = UNIX_EPOCH + Duration::from_secs(1_779_357_600);
        assert_eq!(format_date(t).unwrap(), "Thu, 21 May 2026 10:00:00 +0000");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(format_date(leap).unwrap(), "Tue, 29 Feb 2000 00:00:00 +0000");
        assert_eq!(format_date(UNIX_EPOCH - Duration::from_secs(1)), None);
    }
}
