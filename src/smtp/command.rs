//! SMTP commands, one variant per verb, whose `Display` is the exact wire line (without CRLF).
//!
//! RFC 5321 §4.1.1 defines the verbs; extension parameters come from RFC 1870 (SIZE), 6152
//! (BODY=8BITMIME), 6531 (SMTPUTF8), 3461 (DSN), 8689 (REQUIRETLS), 3030 (BDAT) and 4954 (AUTH).
//! Values that reach a command have been validated at plan time: no CR or LF can get here, and
//! the constructor functions check it again because a smuggled CRLF is a different command.

use std::fmt;

/// A command the client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `EHLO domain` (RFC 5321 §4.1.1.1).
    Ehlo(String),
    /// `HELO domain`, the fallback when EHLO is refused.
    Helo(String),
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `AUTH mechanism [initial-response]` (RFC 4954 §4). The initial response is base64.
    Auth { mechanism: String, initial_response: Option<String> },
    /// A base64 line answering a 334 challenge (RFC 4954 §4), or `*` to cancel.
    AuthResponse(String),
    /// `MAIL FROM:<reverse-path> [params]`; an empty path is the null sender `<>`.
    MailFrom { reverse_path: String, params: Vec<String> },
    /// `RCPT TO:<forward-path> [params]`.
    RcptTo { forward_path: String, params: Vec<String> },
    /// `DATA`.
    Data,
    /// `BDAT size [LAST]` (RFC 3030).
    Bdat { size: u64, last: bool },
    /// `RSET`.
    Rset,
    /// `NOOP`.
    Noop,
    /// `QUIT`.
    Quit,
}

impl Command {
    /// The verb, for messages such as "RCPT TO refused".
    pub fn verb(&self) -> &'static str {
        match self {
            Command::Ehlo(_) => "EHLO",
            Command::Helo(_) => "HELO",
            Command::StartTls => "STARTTLS",
            Command::Auth { .. } => "AUTH",
            Command::AuthResponse(_) => "AUTH response",
            Command::MailFrom { .. } => "MAIL FROM",
            Command::RcptTo { .. } => "RCPT TO",
            Command::Data => "DATA",
            Command::Bdat { .. } => "BDAT",
            Command::Rset => "RSET",
            Command::Noop => "NOOP",
            Command::Quit => "QUIT",
        }
    }

    /// The line as it may be shown to a user: AUTH payloads are secret, so the mechanism is kept
    /// and every payload becomes `<redacted>`. Commands that carry no secret show as sent.
    pub fn redacted(&self) -> String {
        match self {
            Command::Auth { mechanism, initial_response: Some(_) } => {
                format!("AUTH {mechanism} <redacted>")
            }
            Command::AuthResponse(r) if r == "*" => "*".to_string(),
            Command::AuthResponse(_) => "<redacted>".to_string(),
            other => other.to_string(),
        }
    }

    /// True when the wire form carries a secret and must never be logged raw.
    pub fn is_secret(&self) -> bool {
        matches!(self, Command::Auth { initial_response: Some(_), .. } | Command::AuthResponse(_))
    }

    /// The exact bytes on the wire, CRLF included.
    pub fn wire(&self) -> Vec<u8> {
        let mut line = self.to_string().into_bytes();
        // Defence in depth: a value with CR or LF must have been refused at plan time; if one
        // slips through, cut it rather than let it become a second command (SMTP injection).
        line.retain(|&b| b != b'\r' && b != b'\n');
        line.extend_from_slice(b"\r\n");
        line
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params = |f: &mut fmt::Formatter<'_>, params: &[String]| -> fmt::Result {
            params.iter().try_for_each(|p| write!(f, " {p}"))
        };
        match self {
            Command::Ehlo(domain) => write!(f, "EHLO {domain}"),
            Command::Helo(domain) => write!(f, "HELO {domain}"),
            Command::StartTls => f.write_str("STARTTLS"),
            Command::Auth { mechanism, initial_response: None } => write!(f, "AUTH {mechanism}"),
            Command::Auth { mechanism, initial_response: Some(ir) } => {
                // RFC 4954 §4: an empty initial response is sent as "=".
                let ir = if ir.is_empty() { "=" } else { ir };
                write!(f, "AUTH {mechanism} {ir}")
            }
            Command::AuthResponse(r) => f.write_str(r),
            Command::MailFrom { reverse_path, params: p } => {
                write!(f, "MAIL FROM:<{reverse_path}>")?;
                params(f, p)
            }
            Command::RcptTo { forward_path, params: p } => {
                write!(f, "RCPT TO:<{forward_path}>")?;
                params(f, p)
            }
            Command::Data => f.write_str("DATA"),
            Command::Bdat { size, last: true } => write!(f, "BDAT {size} LAST"),
            Command::Bdat { size, last: false } => write!(f, "BDAT {size}"),
            Command::Rset => f.write_str("RSET"),
            Command::Noop => f.write_str("NOOP"),
            Command::Quit => f.write_str("QUIT"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_forms_match_rfc_5321() {
        let mail = Command::MailFrom {
            reverse_path: "alice@example.org".into(),
            params: vec!["SIZE=1234".into(), "BODY=8BITMIME".into()],
        };
        assert_eq!(mail.wire(), b"MAIL FROM:<alice@example.org> SIZE=1234 BODY=8BITMIME\r\n");
        let null = Command::MailFrom { reverse_path: String::new(), params: vec![] };
        assert_eq!(null.wire(), b"MAIL FROM:<>\r\n");
        let rcpt = Command::RcptTo {
            forward_path: "bob@example.com".into(),
            params: vec!["NOTIFY=FAILURE".into()],
        };
        assert_eq!(rcpt.wire(), b"RCPT TO:<bob@example.com> NOTIFY=FAILURE\r\n");
        assert_eq!(Command::Ehlo("client.example".into()).wire(), b"EHLO client.example\r\n");
        assert_eq!(Command::Bdat { size: 42, last: true }.wire(), b"BDAT 42 LAST\r\n");
        assert_eq!(Command::Quit.wire(), b"QUIT\r\n");
        assert_eq!(Command::StartTls.wire(), b"STARTTLS\r\n");
    }

    #[test]
    fn empty_initial_response_is_an_equals_sign() {
        let auth =
            Command::Auth { mechanism: "EXTERNAL".into(), initial_response: Some("".into()) };
        assert_eq!(auth.wire(), b"AUTH EXTERNAL =\r\n");
    }

    #[test]
    fn auth_payloads_are_redacted_for_display() {
        let auth =
            Command::Auth { mechanism: "PLAIN".into(), initial_response: Some("AGFsaWNl".into()) };
        assert_eq!(auth.redacted(), "AUTH PLAIN <redacted>");
        assert!(auth.is_secret());
        assert_eq!(Command::AuthResponse("c2VjcmV0".into()).redacted(), "<redacted>");
        assert_eq!(
            Command::Auth { mechanism: "LOGIN".into(), initial_response: None }.redacted(),
            "AUTH LOGIN"
        );
    }

    #[test]
    fn smuggled_line_break_cannot_reach_the_wire() {
        let evil = Command::Helo("x\r\nRCPT TO:<victim@example.com>".into());
        assert_eq!(evil.wire(), b"HELO xRCPT TO:<victim@example.com>\r\n");
    }
}
