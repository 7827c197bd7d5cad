//! SMTP replies as typed values, and the one parser that enforces the multi-line rule.
//!
//! RFC 5321 §4.2: a reply is one or more lines `CODE-text` ending with `CODE text` (or the bare
//! `CODE`), all lines carrying the same three-digit code. RFC 3463 / RFC 2034: when the server
//! speaks ENHANCEDSTATUSCODES, the text starts with `class.subject.detail`. A 4xx or 5xx is not
//! an error here; it is a value that the caller decides about.

use std::fmt;

/// Longest reply line accepted, in bytes. RFC 5321 §4.5.3.1.5 allows 512 octets; real servers
/// exceed that a little, a hostile one arbitrarily, so we allow 8x and then refuse.
pub const MAX_LINE_LEN: usize = 4096;
/// Most lines accepted in one reply; EHLO replies have about twenty.
pub const MAX_REPLY_LINES: usize = 256;

/// An enhanced mail system status code, RFC 3463 §2: `class.subject.detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedCode {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    pub class: u8,
    /// 0 to 7 in the registry (other values are syntactically valid).
    pub subject: u16,
    /// The detail within the subject.
    pub detail: u16,
}

impl EnhancedCode {
    /// Parses `5.1.1` at the start of `text`; returns the code and the rest of the text.
    /// RFC 3463 §2: class is one digit of 2, 4 or 5; subject and detail are 1 to 3 digits.
    pub fn parse_prefix(text: &str) -> Option<(EnhancedCode, &str)> {
        let end = text.find(|c: char| c.is_ascii_whitespace()).unwrap_or(text.len());
        let code = Self::parse(&text[..end])?;
        Some((code, text[end..].trim_start()))
    }

    /// Parses exactly `class.subject.detail`.
    pub fn parse(s: &str) -> Option<EnhancedCode> {
        let mut parts = s.split('.');
        let (class, subject, detail) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let number = |p: &str| -> Option<u16> {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let class = match class {
            "2" => 2,
            "4" => 4,
            "5" => 5,
            _ => return None,
        };
        Some(EnhancedCode { class, subject: number(subject)?, detail: number(detail)? })
    }
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// The class of a reply, from its first digit (RFC 5321 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// 2yz: the action was completed.
    PositiveCompletion,
    /// 3yz: accepted, send more (354 after DATA, 334 during AUTH).
    PositiveIntermediate,
    /// 4yz: not done now; the same request may work later.
    TransientNegative,
    /// 5yz: not done, and repeating the same request will not help.
    PermanentNegative,
}

/// One complete reply from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit code, 200 to 599.
    pub code: u16,
    /// The enhanced status code of the first line, when present and of the same class.
    pub enhanced: Option<EnhancedCode>,
    /// The text of each line after `CODE-`/`CODE `, as received (invalid UTF-8 escaped as \xNN).
    pub lines: Vec<String>,
}

impl Reply {
    /// The class of this reply.
    pub fn severity(&self) -> Severity {
        match self.code / 100 {
            2 => Severity::PositiveCompletion,
            3 => Severity::PositiveIntermediate,
            4 => Severity::TransientNegative,
            _ => Severity::PermanentNegative,
        }
    }

    /// Any 2yz, including 251 and 252.
    pub fn is_positive(&self) -> bool {
        self.severity() == Severity::PositiveCompletion
    }

    /// 4yz or 5yz.
    pub fn is_negative(&self) -> bool {
        matches!(self.severity(), Severity::TransientNegative | Severity::PermanentNegative)
    }

    /// The text of all lines with the enhanced code removed, joined by a space.
    pub fn message(&self) -> String {
        let strip = |line: &str| -> String {
            match EnhancedCode::parse_prefix(line) {
                Some((_, rest)) if self.enhanced.is_some() => rest.to_string(),
                _ => line.to_string(),
            }
        };
        self.lines.iter().map(|l| strip(l)).collect::<Vec<_>>().join(" ")
    }

    /// `550 5.1.1` or `250`: the short form used in summaries.
    pub fn short(&self) -> String {
        match self.enhanced {
            Some(e) => format!("{} {}", self.code, e),
            None => self.code.to_string(),
        }
    }

    /// The reply as wire lines (without CRLF): `250-first`, `250 last`.
    pub fn wire_lines(&self) -> Vec<String> {
        let last = self.lines.len().saturating_sub(1);
        self.lines
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let sep = if i == last { ' ' } else { '-' };
                if text.is_empty() && i == last {
                    self.code.to_string()
                } else {
                    format!("{}{}{}", self.code, sep, text)
                }
            })
            .collect()
    }
}

/// Why a sequence of lines is not a valid reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyError {
    /// The line does not start with three digits followed by space, hyphen or end of line.
    Malformed(String),
    /// A continuation line carries a different code than the first line.
    InconsistentCode { first: u16, found: u16 },
    /// More than [`MAX_REPLY_LINES`] lines.
    TooManyLines,
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::Malformed(line) => write!(f, "malformed reply line {line:?}"),
            ReplyError::InconsistentCode { first, found } => {
                write!(f, "multi-line reply changed its code from {first} to {found}")
            }
            ReplyError::TooManyLines => {
                write!(f, "reply has more than {MAX_REPLY_LINES} lines")
            }
        }
    }
}

/// Decodes a line for display and storage: valid UTF-8 stays as is, invalid bytes become `\xNN`
/// so nothing the server sent is silently lost or turned into U+FFFD.
pub fn decode_line(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// One parsed reply line: its code, whether more lines follow, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyLine {
    pub code: u16,
    pub more: bool,
    pub text: String,
}

/// Parses one line (without its CRLF or LF).
pub fn parse_line(line: &[u8]) -> Result<ReplyLine, ReplyError> {
    let malformed = || ReplyError::Malformed(decode_line(&line[..line.len().min(80)]));
    if line.len() < 3 || !line[..3].iter().all(u8::is_ascii_digit) {
        return Err(malformed());
    }
    let code =
        (line[0] - b'0') as u16 * 100 + (line[1] - b'0') as u16 * 10 + (line[2] - b'0') as u16;
    if !(200..=599).contains(&code) {
        return Err(malformed());
    }
    let (more, text) = match line.get(3) {
        None => (false, &line[3..]),
        Some(b' ') => (false, &line[4..]),
        Some(b'-') => (true, &line[4..]),
        Some(_) => return Err(malformed()),
    };
    Ok(ReplyLine { code, more, text: decode_line(text) })
}

/// Accumulates lines into a [`Reply`], checking the multi-line invariant.
#[derive(Debug, Default)]
pub struct ReplyBuilder {
    code: Option<u16>,
    lines: Vec<String>,
}

impl ReplyBuilder {
    /// Adds one raw line; returns the finished reply when it was the last line.
    pub fn push(&mut self, raw: &[u8]) -> Result<Option<Reply>, ReplyError> {
        let line = parse_line(raw)?;
        match self.code {
            Some(first) if first != line.code => {
                return Err(ReplyError::InconsistentCode { first, found: line.code });
            }
            _ => self.code = Some(line.code),
        }
        if self.lines.len() >= MAX_REPLY_LINES {
            return Err(ReplyError::TooManyLines);
        }
        self.lines.push(line.text);
        if line.more {
            return Ok(None);
        }
        let lines = std::mem::take(&mut self.lines);
        let code = line.code;
        // RFC 3463 §3: the enhanced code's class must agree with the reply's first digit;
        // a "250 5.0.0" is not an enhanced code, just text.
        let enhanced = lines
            .first()
            .and_then(|l| EnhancedCode::parse_prefix(l))
            .map(|(e, _)| e)
            .filter(|e| u16::from(e.class) == code / 100);
        self.code = None;
        Ok(Some(Reply { code, enhanced, lines }))
    }
}

/// Parses a complete reply from text (lines separated by LF or CRLF). Used by tests and by
/// `explain`, which accepts pasted replies.
pub fn parse_reply(text: &[u8]) -> Result<Reply, ReplyError> {
    let mut builder = ReplyBuilder::default();
    let mut lines = text.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() && lines.peek().is_none() {
            break;
        }
        if let Some(reply) = builder.push(line)? {
            return Ok(reply);
        }
    }
    Err(ReplyError::Malformed("reply ends before its last line".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_with_enhanced_code() {
        let r =
            parse_reply(b"550 5.1.1 <bob@example.com>: Recipient address rejected\r\n").unwrap();
        assert_eq!(r.code, 550);
        assert_eq!(r.enhanced, Some(EnhancedCode { class: 5, subject: 1, detail: 1 }));
        assert_eq!(r.message(), "<bob@example.com>: Recipient address rejected");
        assert_eq!(r.short(), "550 5.1.1");
    }

    #[test]
    fn multi_line_reply_keeps_every_line() {
        let r = parse_reply(b"250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n").unwrap();
        assert_eq!(r.lines, vec!["mx.example.com", "PIPELINING", "STARTTLS"]);
        assert_eq!(r.wire_lines(), vec!["250-mx.example.com", "250-PIPELINING", "250 STARTTLS"]);
    }

    #[test]
    fn bare_code_is_a_complete_reply() {
        let r = parse_reply(b"250\r\n").unwrap();
        assert_eq!(r.code, 250);
        assert_eq!(r.lines, vec![""]);
        assert_eq!(r.wire_lines(), vec!["250"]);
    }

    #[test]
    fn continuation_with_other_code_is_refused() {
        let err = parse_reply(b"250-first\r\n251 second\r\n").unwrap_err();
        assert_eq!(err, ReplyError::InconsistentCode { first: 250, found: 251 });
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(parse_reply(b"HTTP/1.1 400 Bad\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(parse_reply(b"25\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(parse_reply(b"250x\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(parse_reply(b"199 too low\r\n"), Err(ReplyError::Malformed(_))));
        assert!(matches!(parse_reply(b"600 too high\r\n"), Err(ReplyError::Malformed(_))));
    }

    #[test]
    fn reply_ends_abruptly() {
        assert!(matches!(parse_reply(b"250-more to come\r\n"), Err(ReplyError::Malformed(_))));
    }

    #[test]
    fn enhanced_code_of_other_class_is_just_text() {
        let r = parse_reply(b"250 5.0.0 odd but legal\r\n").unwrap();
        assert_eq!(r.enhanced, None);
        assert_eq!(r.message(), "5.0.0 odd but legal");
    }

    #[test]
    fn enhanced_code_syntax() {
        assert_eq!(EnhancedCode::parse("5.7.26").unwrap().to_string(), "5.7.26");
        assert_eq!(EnhancedCode::parse("3.1.1"), None);
        assert_eq!(EnhancedCode::parse("5.1"), None);
        assert_eq!(EnhancedCode::parse("5.1.1.1"), None);
        assert_eq!(EnhancedCode::parse("5.1000.1"), None);
        assert_eq!(EnhancedCode::parse("5..1"), None);
    }

    #[test]
    fn too_many_lines_are_refused() {
        let mut b = ReplyBuilder::default();
        for _ in 0..MAX_REPLY_LINES {
            assert_eq!(b.push(b"250-x").unwrap(), None);
        }
        assert_eq!(b.push(b"250-x"), Err(ReplyError::TooManyLines));
    }

    #[test]
    fn invalid_utf8_is_escaped_not_lost() {
        let r = parse_reply(b"220 caf\xe9 ready\r\n").unwrap();
        assert_eq!(r.lines[0], "caf\\xe9 ready");
    }

    #[test]
    fn severity_follows_first_digit() {
        let code = |c: &[u8]| parse_reply(c).unwrap().severity();
        assert_eq!(code(b"252 ok"), Severity::PositiveCompletion);
        assert_eq!(code(b"354 go"), Severity::PositiveIntermediate);
        assert_eq!(code(b"421 bye"), Severity::TransientNegative);
        assert_eq!(code(b"554 no"), Severity::PermanentNegative);
    }

    #[test]
    fn random_lines_never_panic_and_bounds_hold() {
        // A fixed xorshift stream: reproducible, and biased towards digits, '-' and ' ' so that
        // many inputs get past the first checks.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const ALPHABET: &[u8] = b"0123456789012345-  .\r\x1b\xff\xe2\x80\xaeaZ";
        for _ in 0..20_000 {
            let mut builder = ReplyBuilder::default();
            let lines = 1 + next() % 4;
            for _ in 0..lines {
                let len = (next() % 12) as usize;
                let line: Vec<u8> =
                    (0..len).map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize]).collect();
                match builder.push(&line) {
                    Ok(Some(reply)) => {
                        assert!((200..=599).contains(&reply.code));
                        assert!(!reply.lines.is_empty() && reply.lines.len() <= MAX_REPLY_LINES);
                        if let Some(e) = reply.enhanced {
                            assert_eq!(u16::from(e.class), reply.code / 100);
                        }
                        break;
                    }
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
        }
    }
}
