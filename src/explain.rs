//! The offline analysis behind `smtpx explain`: what a pasted SMTP reply or bounce line means.
//!
//! It owns finding the reply code and enhanced status code in whatever a user pastes (a bare
//! `550` or `5.7.26`, a reply line, a multi-line `550-...` reply, or the bounce and log lines
//! that Postfix, Exchange and Gmail wrap around a reply), joining multi-line replies, and the
//! keyword and code rules that name likely causes and retry advice. Code meanings come from
//! [`crate::smtp::codes`].
//!
//! It must not print, colour or sanitize (the output layer renders an [`Explanation`] and must
//! escape `input` and `text`, which are the user's raw text), and it must not touch the network.

use std::fmt;

use serde::Serialize;

use crate::smtp::codes;

/// Everything `smtpx explain` knows about one pasted reply.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The input as given (lines of a joined multi-line reply separated by `\n`).
    pub input: String,
    /// The basic reply code, when one was found.
    pub code: Option<CodeFacts>,
    /// The enhanced status code, when one was found.
    pub enhanced: Option<EnhancedFacts>,
    /// The server's own words after the codes, whitespace-normalized; `None` when empty.
    pub text: Option<String>,
    /// Whether sending again can help.
    pub retry: RetryAdvice,
    /// Likely causes, most specific first.
    pub causes: Vec<Cause>,
    /// Remarks about the input itself, such as a class mismatch between the two codes.
    pub notes: Vec<String>,
    /// The RFCs (with sections where known) behind the codes and causes.
    pub references: Vec<&'static str>,
}

/// What a basic reply code means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeFacts {
    /// The three-digit code.
    pub code: u16,
    /// Its class from the first digit: "success", "intermediate", "temporary failure",
    /// "permanent failure".
    pub class: &'static str,
    /// The short meaning, e.g. "mailbox unavailable".
    pub meaning: &'static str,
    /// One sentence in plain words (for unknown codes: what its digits say).
    pub explanation: String,
    /// Where it is defined.
    pub rfc: &'static str,
    /// Whether a standard defines this code (false: described from its digits only).
    pub known: bool,
}

/// What an enhanced status code means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnhancedFacts {
    /// The code as written, e.g. "5.7.26".
    pub code: String,
    /// The class sub-code: 2, 4 or 5.
    pub class: u8,
    /// The subject sub-code.
    pub subject: u16,
    /// The detail sub-code.
    pub detail: u16,
    /// The class in words, e.g. "permanent failure".
    pub class_text: &'static str,
    /// The subject in words, e.g. "security or policy status".
    pub subject_text: &'static str,
    /// The registry title, e.g. "multiple authentication checks failed".
    pub title: &'static str,
    /// What it means for the sender and what to do.
    pub description: &'static str,
    /// Where it is defined.
    pub rfc: &'static str,
    /// Whether the detail code is in the IANA registry.
    pub known: bool,
}

/// Whether sending the same message again can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAdvice {
    /// A permanent failure that the sender cannot fix by changing its own setup.
    No,
    /// A temporary failure: the same message may go through later.
    Later,
    /// A permanent failure with a cause the sender can fix; after that, send again.
    AfterFix,
    /// A success or intermediate reply: nothing failed.
    NotApplicable,
}

impl RetryAdvice {
    /// The advice as one plain sentence.
    pub fn sentence(self) -> &'static str {
        match self {
            RetryAdvice::No => "Retrying will not help: the failure is permanent.",
            RetryAdvice::Later => {
                "Retry later: the failure is temporary, and a mail server retries on its own."
            }
            RetryAdvice::AfterFix => {
                "Retrying as is will not help; fix the cause, then send again."
            }
            RetryAdvice::NotApplicable => "Nothing to retry: this reply is not a failure.",
        }
    }
}

/// The kinds of cause `explain` recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    /// The sending IP or domain is on a DNS block list (RFC 5782).
    Blocklist,
    /// SPF failed or errored (RFC 7208).
    Spf,
    /// DKIM signature missing or unacceptable (RFC 6376).
    Dkim,
    /// DMARC, or several authentication checks, failed (RFC 7489, RFC 7372).
    Dmarc,
    /// The receiver defers unknown senders on purpose (RFC 6647).
    Greylisting,
    /// Too many connections or messages.
    RateLimit,
    /// The recipient's mailbox is over quota.
    MailboxFull,
    /// The server will not relay for this client.
    RelayDenied,
    /// The recipient address does not exist.
    UserUnknown,
    /// An encrypted connection is required (RFC 3207, RFC 8689).
    TlsRequired,
    /// Authentication is required, or the mechanism is not good enough (RFC 4954).
    AuthRequired,
    /// Authentication was attempted and the credentials were refused (RFC 4954).
    AuthFailed,
    /// The message exceeds a size limit (RFC 1870).
    MessageTooBig,
    /// The sending IP has no valid reverse DNS name.
    ReverseDns,
    /// The content was judged spam.
    SpamContent,
}

impl CauseKind {
    /// Whether the sender can remove this cause by changing its own setup, which turns a
    /// permanent failure into [`RetryAdvice::AfterFix`].
    pub fn sender_can_fix(self) -> bool {
        use CauseKind::*;
        matches!(
            self,
            Blocklist
                | Spf
                | Dkim
                | Dmarc
                | TlsRequired
                | AuthRequired
                | AuthFailed
                | MessageTooBig
                | RelayDenied
                | ReverseDns
        )
    }

    /// What to do about it, in one sentence.
    #[rustfmt::skip]
    pub fn hint(self) -> &'static str {
        use CauseKind::*;
        match self {
            Blocklist => "Look the sending IP up on the named list and follow its delisting steps; on a shared IP, send through your provider's relay.",
            Spf => "Publish or fix the SPF record of the sender's domain so it covers the sending server's IP.",
            Dkim => "Sign outgoing mail with DKIM for the From domain and publish the public key in DNS.",
            Dmarc => "Make SPF or DKIM pass for the From domain (aligned), as that domain's DMARC policy demands.",
            Greylisting => "Nothing to fix: the receiver defers first contact on purpose, and a normal mail server gets through on a later retry.",
            RateLimit => "Send more slowly (fewer connections and messages per minute), then retry later.",
            MailboxFull => "The recipient must free space; retry later or reach them another way.",
            RelayDenied => "Authenticate and send through your own submission server (port 587 with AUTH), or deliver to the recipient domain's MX.",
            UserUnknown => "Check the address for typos; remove it from your lists if it is really gone.",
            TlsRequired => "Use an encrypted connection: STARTTLS, or implicit TLS on port 465.",
            AuthRequired => "Authenticate before sending, over TLS, with a mechanism the server offers.",
            AuthFailed => "Check the username and password; some providers need an app password or an OAuth2 token.",
            MessageTooBig => "Send a smaller message (link to large files instead of attaching them); the SIZE value in the EHLO reply is the limit.",
            ReverseDns => "Ask the owner of the sending IP (hosting provider or ISP) for a PTR record whose name resolves back to the IP.",
            SpamContent => "The content was judged spam: review the message, its links and the sender's reputation.",
        }
    }

    /// The RFC that defines the mechanism behind this cause, when there is one.
    pub fn reference(self) -> Option<&'static str> {
        use CauseKind::*;
        match self {
            Blocklist => Some("RFC 5782"),
            Spf => Some("RFC 7208"),
            Dkim => Some("RFC 6376"),
            Dmarc => Some("RFC 7489"),
            Greylisting => Some("RFC 6647"),
            RelayDenied => Some("RFC 6409"),
            TlsRequired => Some("RFC 3207"),
            AuthRequired | AuthFailed => Some("RFC 4954"),
            MessageTooBig => Some("RFC 1870"),
            RateLimit | MailboxFull | UserUnknown | ReverseDns | SpamContent => None,
        }
    }
}

/// One likely cause of a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// Which kind of cause.
    pub kind: CauseKind,
    /// What was recognized, e.g. "the sending IP is listed on Spamhaus (zen.spamhaus.org)".
    pub summary: String,
    /// What to do about it.
    pub hint: &'static str,
}

/// Why the input could not be explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExplainError {
    /// The input is empty or only whitespace.
    Empty,
    /// No reply code or enhanced status code appears anywhere in the input.
    NoCode {
        /// The start of the input, escaped for display.
        excerpt: String,
    },
    /// The input is a bare number that is not a valid code, such as `650` or `3.1.1`.
    NotACode {
        /// The token, escaped for display.
        token: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
}

/// The forms `explain` accepts, named in every error.
const ACCEPTED_FORMS: &str = "Give a reply code (550), an enhanced status code (5.7.26), or a \
     reply or bounce line (550 5.1.1 <bob@example.com>: User unknown).";

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::Empty => {
                write!(f, "nothing to explain: the input is empty. {ACCEPTED_FORMS}")
            }
            ExplainError::NoCode { excerpt } => write!(
                f,
                "no SMTP reply code or enhanced status code found in \"{excerpt}\". {ACCEPTED_FORMS}"
            ),
            ExplainError::NotACode { token, reason } => {
                write!(f, "\"{token}\" is not an SMTP code: {reason}. {ACCEPTED_FORMS}")
            }
        }
    }
}

impl std::error::Error for ExplainError {}

/// Explains one pasted reply. A multi-line reply (`550-...` lines ending in `550 ...`) may be
/// passed whole; for input holding several unrelated lines, use [`explain_lines`].
pub fn explain(input: &str) -> Result<Explanation, ExplainError> {
    let lines: Vec<&str> = input.lines().filter(|l| !l.trim().is_empty()).collect();
    analyze(&lines)
}

/// Explains each non-empty line of `input` (for stdin), joining the lines of a multi-line
/// reply (`550-5.7.26 ...` continued up to `550 5.7.26 ...`) into one explanation.
pub fn explain_lines(input: &str) -> Vec<Result<Explanation, ExplainError>> {
    group_reply_lines(input).iter().map(|group| analyze(group)).collect()
}

/// Splits input into replies: a line starting `DDD-` opens a multi-line reply that takes the
/// following lines with the same code, up to the line `DDD ` that ends it (RFC 5321 §4.2.1).
fn group_reply_lines(input: &str) -> Vec<Vec<&str>> {
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut open: Option<&str> = None;
    for line in input.lines() {
        if line.trim().is_empty() {
            open = None;
            continue;
        }
        let lead = line.trim_start();
        let this = line_code(lead);
        match (open, this, groups.last_mut()) {
            (Some(code), Some((c, sep)), Some(group)) if code == c => {
                group.push(line);
                open = (sep == b'-').then_some(code);
            }
            _ => {
                groups.push(vec![line]);
                open = match this {
                    Some((c, b'-')) => Some(c),
                    _ => None,
                };
            }
        }
    }
    groups
}

/// The `DDD` a reply line starts with, and the byte after it (`-`, or space for the last line).
fn line_code(line: &str) -> Option<(&str, u8)> {
    let b = line.as_bytes();
    if b.len() < 3 || !b[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    match b.get(3) {
        None => Some((&line[..3], b' ')),
        Some(&sep @ (b'-' | b' ' | b'\t')) => {
            Some((&line[..3], if sep == b'-' { b'-' } else { b' ' }))
        }
        Some(_) => None,
    }
}

/// An enhanced status code as found in text (RFC 3463 §2: class.subject.detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Enhanced {
    class: u8,
    subject: u16,
    detail: u16,
}

impl fmt::Display for Enhanced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// A value found in the input and its byte range.
#[derive(Debug, Clone, Copy)]
struct Span<T> {
    value: T,
    start: usize,
    end: usize,
}

/// The codes located in one input.
#[derive(Debug, Clone, Copy)]
struct Located {
    code: Option<Span<u16>>,
    enhanced: Option<Span<Enhanced>>,
    /// Whether the enhanced code directly follows the reply code (`550 5.1.1`, `550-5.7.26`).
    adjacent: bool,
}

/// Explains the lines of one reply (or one line).
fn analyze(lines: &[&str]) -> Result<Explanation, ExplainError> {
    let input = lines.join("\n");
    if input.trim().is_empty() {
        return Err(ExplainError::Empty);
    }
    check_bare_token(input.trim())?;
    let found = locate(&input);
    if found.code.is_none() && found.enhanced.is_none() {
        return Err(ExplainError::NoCode { excerpt: excerpt(&input) });
    }
    let text = reply_text(&input, &found);
    let code = found.code.map(|s| s.value);
    let enhanced = found.enhanced.map(|s| s.value);
    let causes = detect_causes(code, enhanced, text.as_deref().unwrap_or(""));
    let mut notes = Vec::new();
    if let (Some(c), Some(e)) = (code, enhanced)
        && u16::from(e.class) != c / 100
    {
        notes.push(format!(
            "the enhanced code {e} has class {} but the reply code {c} has class {}; \
             RFC 3463 §2 requires them to agree, so the reply code decides",
            e.class,
            c / 100
        ));
    }
    let class = code.map_or_else(|| enhanced.map_or(0, |e| u16::from(e.class)), |c| c / 100);
    let code_facts = code.map(code_facts);
    let enhanced_facts = enhanced.map(enhanced_facts);
    let references = references(code_facts.as_ref(), enhanced_facts.as_ref(), &causes);
    Ok(Explanation {
        input,
        code: code_facts,
        enhanced: enhanced_facts,
        text,
        retry: retry_advice(class, &causes),
        causes,
        notes,
        references,
    })
}

/// A bare token of digits and dots must be a valid code; say which rule it breaks otherwise.
fn check_bare_token(token: &str) -> Result<(), ExplainError> {
    // A sentence may end right after the code: "5.1.1." is still 5.1.1.
    let token = token.strip_suffix('.').unwrap_or(token);
    let b = token.as_bytes();
    if b.is_empty() || !b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        return Ok(());
    }
    let reason = if token.contains('.') {
        match enhanced_at(b, 0) {
            Some(s) if s.end == b.len() => return Ok(()),
            _ => {
                "an enhanced status code is class.subject.detail, with class 2, 4 or 5 and one to \
                 three digits in the others (RFC 3463 §2)"
            }
        }
    } else if b.len() != 3 {
        "a reply code has exactly three digits (RFC 5321 §4.2)"
    } else if reply_code_at(b, 0).is_some() {
        return Ok(());
    } else {
        "the first digit of a reply code is 2, 3, 4 or 5 (RFC 5321 §4.2.1)"
    };
    Err(ExplainError::NotACode { token: excerpt(token), reason })
}

/// Up to 60 characters of `s`, with control and bidi characters escaped, for error messages.
fn excerpt(s: &str) -> String {
    const MAX: usize = 60;
    let s = s.trim();
    let mut out: String = s.chars().take(MAX).collect::<String>().escape_debug().collect();
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Finds the first plausible reply code and enhanced code. A reply code directly followed by
/// an enhanced code wins over an earlier lone number; otherwise the first reply code is used
/// with the first registered-subject enhanced code, preferring one of the same class.
fn locate(input: &str) -> Located {
    let b = input.as_bytes();
    let mut first: Option<Span<u16>> = None;
    for i in 0..b.len() {
        let Some(code) = reply_code_at(b, i) else { continue };
        if let Some(enhanced) = enhanced_after(b, code.end) {
            return Located { code: Some(code), enhanced: Some(enhanced), adjacent: true };
        }
        first.get_or_insert(code);
    }
    let all: Vec<Span<Enhanced>> = (0..b.len()).filter_map(|i| enhanced_at(b, i)).collect();
    let enhanced = match first {
        Some(code) => {
            let plausible =
                || all.iter().filter(|e| codes::status_subject(e.value.subject).is_some());
            plausible()
                .find(|e| u16::from(e.value.class) == code.value / 100)
                .or_else(|| plausible().next())
                .copied()
        }
        None => all.first().copied(),
    };
    Located { code: first, enhanced, adjacent: false }
}

/// A reply code at byte `i`: three digits, the first 2 to 5, standing alone. A preceding
/// dot, letter or digit (IP addresses, versions, identifiers) or a following digit or dot
/// disqualifies it; a following `-` must start continuation text, not another number.
fn reply_code_at(b: &[u8], i: usize) -> Option<Span<u16>> {
    let digits = b.get(i..i + 3)?;
    if !(b'2'..=b'5').contains(&digits[0]) || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b"._-/@+%$#=".contains(&b[i - 1])) {
        return None;
    }
    let end = i + 3;
    let ok_next = match b.get(end) {
        None => true,
        Some(c) if c.is_ascii_whitespace() || b"'\",;)".contains(c) => true,
        Some(b'-') => match b.get(end + 1) {
            Some(c) if c.is_ascii_digit() => enhanced_at(b, end + 1).is_some(),
            _ => true,
        },
        Some(_) => false,
    };
    let value = digits.iter().fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    ok_next.then_some(Span { value, start: i, end })
}

/// The enhanced code that directly follows a reply code ending at `end`: after one `-` (the
/// continuation form) or after spaces.
fn enhanced_after(b: &[u8], end: usize) -> Option<Span<Enhanced>> {
    let start = match b.get(end)? {
        b'-' => end + 1,
        c if c.is_ascii_whitespace() && *c != b'\n' => {
            end + b[end..].iter().take_while(|c| **c == b' ' || **c == b'\t').count()
        }
        _ => return None,
    };
    enhanced_at(b, start)
}

/// An enhanced status code at byte `i` (RFC 3463 §2): class 2, 4 or 5, then subject and
/// detail of one to three digits, not part of a longer dotted number such as an IP address.
fn enhanced_at(b: &[u8], i: usize) -> Option<Span<Enhanced>> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.') {
        return None;
    }
    let class = match b.get(i)? {
        b'2' => 2,
        b'4' => 4,
        b'5' => 5,
        _ => return None,
    };
    if b.get(i + 1) != Some(&b'.') {
        return None;
    }
    let (subject, after_subject) = sub_code(b, i + 2)?;
    if b.get(after_subject) != Some(&b'.') {
        return None;
    }
    let (detail, end) = sub_code(b, after_subject + 1)?;
    let ok_next = match b.get(end) {
        None => true,
        Some(b'.') => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(c) => !c.is_ascii_alphanumeric(),
    };
    ok_next.then_some(Span { value: Enhanced { class, subject, detail }, start: i, end })
}

/// One to three digits at `i`; the value and the index after them.
fn sub_code(b: &[u8], i: usize) -> Option<(u16, usize)> {
    let len = b.get(i..)?.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=3).contains(&len) {
        return None;
    }
    let value = b[i..i + len].iter().fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    Some((value, i + len))
}

/// The server's words after the codes: continuation prefixes (`550-5.7.26`, `550 5.7.26`)
/// removed, whitespace collapsed, and a quote that wrapped the reply dropped.
fn reply_text(input: &str, found: &Located) -> Option<String> {
    let b = input.as_bytes();
    let (after, opening) = match (found.code, found.enhanced) {
        (Some(code), Some(e)) if found.adjacent => (e.end, code.start),
        // `550-text`: the hyphen belongs to the code, not to the text.
        (Some(code), _) => (code.end + usize::from(b.get(code.end) == Some(&b'-')), code.start),
        (None, Some(e)) => (e.end, e.start),
        (None, None) => return None,
    };
    let code = found.code.map(|s| s.value.to_string());
    let enhanced = found.enhanced.map(|s| s.value.to_string());
    let mut words: Vec<&str> = Vec::new();
    for (n, line) in input[after..].split('\n').enumerate() {
        let mut tokens = line.split_whitespace().peekable();
        let mut first = n > 0;
        while let Some(token) = tokens.next() {
            let line_start = std::mem::replace(&mut first, false);
            let is_code = code.as_deref() == Some(token);
            let dashed = code.as_deref().and_then(|c| token.strip_prefix(c)?.strip_prefix('-'));
            if let Some(e) = enhanced.as_deref() {
                // Postfix keeps `550-5.7.26` and `550 5.7.26` inside one joined log line.
                if dashed == Some(e) {
                    continue;
                }
                if is_code && tokens.peek() == Some(&e) {
                    tokens.next();
                    continue;
                }
            }
            match (line_start, is_code, dashed) {
                (true, true, _) | (true, _, Some("")) => {}
                (true, _, Some(rest)) => words.push(rest),
                _ => words.push(token),
            }
        }
    }
    let mut text = words.join(" ");
    let quote = opening.checked_sub(1).and_then(|i| b.get(i)).copied();
    if let Some(q @ (b'\'' | b'"')) = quote
        && text.ends_with(char::from(q))
    {
        text.pop();
    }
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn code_facts(code: u16) -> CodeFacts {
    let class = codes::reply_class(code).unwrap_or("unknown class");
    match codes::basic_code(code) {
        Some(known) => CodeFacts {
            code,
            class,
            meaning: known.meaning,
            explanation: known.explanation.to_string(),
            rfc: known.rfc,
            known: true,
        },
        None => CodeFacts {
            code,
            class,
            meaning: "unregistered reply code",
            explanation: codes::describe_digits(code),
            rfc: "RFC 5321 §4.2.1",
            known: false,
        },
    }
}

const UNKNOWN_DETAIL: &str = "This detail code is not in the IANA registry; it is probably \
     specific to the receiving system, so the reply text says more. Its class and subject still \
     apply.";

fn enhanced_facts(e: Enhanced) -> EnhancedFacts {
    let detail = codes::status_detail(e.subject, e.detail);
    EnhancedFacts {
        code: e.to_string(),
        class: e.class,
        subject: e.subject,
        detail: e.detail,
        class_text: codes::status_class(e.class).unwrap_or("unknown class"),
        subject_text: codes::status_subject(e.subject).unwrap_or("unregistered subject"),
        title: detail.map_or("unregistered detail code", |d| d.title),
        description: detail.map_or(UNKNOWN_DETAIL, |d| d.description),
        rfc: detail.map_or("RFC 3463 §2", |d| d.rfc),
        known: detail.is_some(),
    }
}

/// 4xx: later. 5xx: no, unless a cause is one the sender can fix. 2xx/3xx: nothing failed.
/// `class` is the reply code's first digit, or the enhanced class when there is no code.
fn retry_advice(class: u16, causes: &[Cause]) -> RetryAdvice {
    match class {
        4 => RetryAdvice::Later,
        5 if causes.iter().any(|c| c.kind.sender_can_fix()) => RetryAdvice::AfterFix,
        5 => RetryAdvice::No,
        _ => RetryAdvice::NotApplicable,
    }
}

fn references(
    code: Option<&CodeFacts>,
    enhanced: Option<&EnhancedFacts>,
    causes: &[Cause],
) -> Vec<&'static str> {
    let mut refs: Vec<&'static str> = Vec::new();
    let all = code
        .map(|c| c.rfc)
        .into_iter()
        .chain(enhanced.map(|e| e.rfc))
        .chain(causes.iter().filter_map(|c| c.kind.reference()));
    for r in all {
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    refs
}

/// One cause rule. It fires when every condition it sets holds: the reply code, the enhanced
/// code's subject and detail (any class), and any one of the words in the reply text.
struct Rule {
    kind: CauseKind,
    code: Option<u16>,
    enhanced: Option<(u16, u16)>,
    words: &'static [&'static str],
    summary: &'static str,
}

const fn on_code(kind: CauseKind, subject: u16, detail: u16, summary: &'static str) -> Rule {
    Rule { kind, code: None, enhanced: Some((subject, detail)), words: &[], summary }
}

const fn on_reply(kind: CauseKind, code: u16, summary: &'static str) -> Rule {
    Rule { kind, code: Some(code), enhanced: None, words: &[], summary }
}

const fn on_words(kind: CauseKind, words: &'static [&'static str], summary: &'static str) -> Rule {
    Rule { kind, code: None, enhanced: None, words, summary }
}

/// The cause rules, most specific first (the first rule of a kind that fires writes the
/// summary). Words are lower case and match whole words or phrases, case-insensitively.
/// Code rules follow the registry titles (RFC 3463, RFC 4954 §6, RFC 7372 §3, RFC 8689).
#[rustfmt::skip]
const RULES: &[Rule] = &[
    on_code(CauseKind::UserUnknown, 1, 1, "the recipient address does not exist"),
    on_code(CauseKind::UserUnknown, 1, 6, "the recipient mailbox has moved and left no forwarding address"),
    on_code(CauseKind::MailboxFull, 2, 2, "the recipient's mailbox is full"),
    on_code(CauseKind::MessageTooBig, 2, 3, "the message is larger than this mailbox accepts"),
    on_code(CauseKind::MessageTooBig, 3, 4, "the message is larger than the receiving system accepts"),
    on_code(CauseKind::Dkim, 7, 20, "the message has no passing DKIM signature"),
    on_code(CauseKind::Dkim, 7, 21, "the message has no acceptable DKIM signature"),
    on_code(CauseKind::Dkim, 7, 22, "no valid DKIM signature matches the From domain"),
    on_code(CauseKind::Spf, 7, 23, "the sending IP is not allowed by the sender domain's SPF record"),
    on_code(CauseKind::Spf, 7, 24, "checking the sender domain's SPF record ended in an error"),
    on_code(CauseKind::ReverseDns, 7, 25, "the sending IP has no valid reverse DNS (PTR) name"),
    on_code(CauseKind::Dmarc, 7, 26, "the message failed several authentication checks (SPF and DKIM, so DMARC too)"),
    on_code(CauseKind::RateLimit, 7, 28, "the receiver sees a flood of similar messages from this sender"),
    on_code(CauseKind::TlsRequired, 7, 10, "this authentication needs an encrypted connection"),
    on_code(CauseKind::TlsRequired, 7, 11, "this authentication mechanism needs an encrypted connection"),
    on_code(CauseKind::TlsRequired, 7, 30, "the message requires REQUIRETLS, which the next hop lacks"),
    on_code(CauseKind::AuthFailed, 7, 8, "the server refused the credentials"),
    on_code(CauseKind::AuthRequired, 7, 9, "the authentication mechanism is too weak for this account"),
    Rule { kind: CauseKind::RelayDenied, code: None, enhanced: Some((7, 1)), words: &["relay", "relaying"], summary: "the server refuses to relay mail for this client" },
    on_reply(CauseKind::TlsRequired, 538, "this authentication mechanism needs an encrypted connection"),
    on_reply(CauseKind::AuthFailed, 535, "the server refused the credentials"),
    on_reply(CauseKind::AuthRequired, 534, "the authentication mechanism is too weak for this account"),
    on_words(CauseKind::Blocklist, &["spamhaus", "spamcop", "barracuda", "barracudacentral", "sorbs", "uceprotect", "abuseat", "psbl", "mailspike", "blocked using", "blacklist", "blacklisted", "blocklist", "blocklisted", "block list", "black list", "dnsbl", "rbl", "s3140", "s3150"], "the sender is on a block list"),
    on_words(CauseKind::Dmarc, &["dmarc"], "the reply names DMARC: the From domain's policy rejected the message"),
    on_words(CauseKind::Spf, &["spf", "sender policy framework"], "the reply names SPF: the sender domain's list of allowed servers"),
    on_words(CauseKind::Dkim, &["dkim", "domainkeys"], "the reply names DKIM: the message signature"),
    on_words(CauseKind::Greylisting, &["greylisted", "greylisting", "greylist", "graylisted", "graylisting", "graylist", "grey-listed", "gray-listed", "grey listed", "gray listed"], "the receiver is greylisting: it defers unknown senders once on purpose"),
    on_words(CauseKind::RateLimit, &["rate limit", "rate limited", "rate-limited", "rate limiting", "ratelimit", "ratelimited", "too many connections", "too many messages", "too many concurrent", "throttled", "throttling", "sending rate", "unusual rate", "rate that prevents", "slow down", "exceeded the rate"], "the receiver is limiting how fast this sender may send"),
    on_words(CauseKind::MailboxFull, &["mailbox full", "mailbox is full", "mailbox was full", "inbox is full", "over quota", "quota exceeded", "exceeded quota", "quota", "exceeded storage", "mailbox size limit", "out of storage"], "the recipient's mailbox is full"),
    on_words(CauseKind::RelayDenied, &["relay access denied", "relaying denied", "relay denied", "relay not permitted", "relaying not permitted", "not permitted to relay", "relay not allowed", "relaying not allowed", "unable to relay", "we do not relay", "no relaying", "relay prohibited", "relaying prohibited"], "the server refuses to relay mail for this client"),
    on_words(CauseKind::UserUnknown, &["user unknown", "unknown user", "no such user", "no such recipient", "no such mailbox", "unknown recipient", "recipient unknown", "user not found", "recipient not found", "recipientnotfound", "mailbox not found", "does not exist", "doesn't exist", "invalid recipient", "invalid mailbox", "addressee unknown", "unrouteable address"], "the recipient address does not exist"),
    on_words(CauseKind::TlsRequired, &["starttls", "tls required", "tls is required", "requires tls", "must use tls", "encryption required", "encryption is required", "requiretls", "secure connection required"], "the server requires an encrypted connection"),
    on_words(CauseKind::AuthFailed, &["authentication failed", "authentication unsuccessful", "authentication credentials invalid", "invalid credentials", "incorrect authentication data", "username and password not accepted", "bad username or password", "invalid username or password", "invalid login", "login failed", "auth failed"], "the server refused the credentials"),
    on_words(CauseKind::AuthRequired, &["authentication required", "authentication is required", "auth required", "requires authentication", "please authenticate", "authenticate first", "not authenticated", "must be authenticated", "smtp auth"], "the server requires authentication before accepting mail"),
    on_words(CauseKind::MessageTooBig, &["message too big", "message too large", "message is too big", "message is too large", "message size exceeds", "size exceeds", "exceeds size limit", "maximum message size", "message size limit", "message length exceeds", "message exceeds", "too large"], "the message exceeds a size limit"),
    on_words(CauseKind::ReverseDns, &["reverse dns", "rdns", "ptr", "ptr record", "reverse lookup", "reverse hostname", "reverse mapping", "cannot find your hostname", "fcrdns"], "the sending IP's reverse DNS (PTR) name is missing or does not match"),
    on_words(CauseKind::SpamContent, &["spam", "spammy", "junk", "unsolicited", "phishing", "content rejected", "suspected spam", "likely spam"], "the message was judged spam"),
];

impl Rule {
    fn fires(&self, code: Option<u16>, enhanced: Option<Enhanced>, lower: &str) -> bool {
        let code_ok = self.code.is_none_or(|want| code == Some(want));
        let enhanced_ok = self
            .enhanced
            .is_none_or(|want| enhanced.is_some_and(|e| (e.subject, e.detail) == want));
        let words_ok = self.words.is_empty() || self.words.iter().any(|w| contains_word(lower, w));
        code_ok && enhanced_ok && words_ok
    }
}

/// The causes whose rules fire, one per kind, in table order.
fn detect_causes(code: Option<u16>, enhanced: Option<Enhanced>, text: &str) -> Vec<Cause> {
    let lower = text.to_ascii_lowercase();
    let mut causes: Vec<Cause> = Vec::new();
    for rule in RULES {
        if causes.iter().any(|c| c.kind == rule.kind) || !rule.fires(code, enhanced, &lower) {
            continue;
        }
        let summary = match rule.kind {
            CauseKind::Blocklist => blocklist_summary(&lower),
            _ => rule.summary.to_string(),
        };
        causes.push(Cause { kind: rule.kind, summary, hint: rule.kind.hint() });
    }
    causes
}

/// Whether `needle` occurs in `haystack` with no letter or digit right before or after it.
/// Both are ASCII-lowercased already.
fn contains_word(haystack: &str, needle: &str) -> bool {
    let b = haystack.as_bytes();
    haystack.match_indices(needle).any(|(i, m)| {
        let before = i.checked_sub(1).and_then(|j| b.get(j));
        let after = b.get(i + m.len());
        !before.is_some_and(u8::is_ascii_alphanumeric)
            && !after.is_some_and(u8::is_ascii_alphanumeric)
    })
}

/// Known block lists by a word of their zone or message, and the name to show.
const BLOCKLIST_NAMES: &[(&str, &str)] = &[
    ("spamhaus", "Spamhaus"),
    ("spamcop", "SpamCop"),
    ("barracuda", "Barracuda"),
    ("barracudacentral", "Barracuda"),
    ("sorbs", "SORBS"),
    ("uceprotect", "UCEPROTECT"),
    ("abuseat", "the CBL"),
    ("psbl", "PSBL"),
    ("mailspike", "Mailspike"),
    ("s3140", "Microsoft's block list"),
    ("s3150", "Microsoft's block list"),
];

/// Names the list: "the sending IP is listed on Spamhaus (zen.spamhaus.org)".
fn blocklist_summary(lower: &str) -> String {
    let name = BLOCKLIST_NAMES.iter().find(|(word, _)| contains_word(lower, word)).map(|p| p.1);
    let zone = lower.find("blocked using ").and_then(|i| {
        let rest = &lower[i + "blocked using ".len()..];
        let end = rest.find(|c: char| c.is_whitespace() || ";,)]'\"".contains(c));
        let zone = rest[..end.unwrap_or(rest.len())].trim_end_matches(['.', ':']);
        (!zone.is_empty()).then_some(zone)
    });
    match (name, zone) {
        (Some(name), Some(zone)) => format!("the sending IP is listed on {name} ({zone})"),
        (Some(name), None) => format!("the sender is listed on {name}"),
        (None, Some(zone)) => format!("the sending IP is listed on {zone}"),
        (None, None) => "the sender is on a block list".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> Explanation {
        match explain(input) {
            Ok(e) => e,
            Err(err) => panic!("{input:?}: {err}"),
        }
    }

    fn kinds(e: &Explanation) -> Vec<CauseKind> {
        e.causes.iter().map(|c| c.kind).collect()
    }

    fn enhanced_code(e: &Explanation) -> Option<&str> {
        e.enhanced.as_ref().map(|x| x.code.as_str())
    }

    #[test]
    fn bare_reply_code() {
        let e = ok("550");
        let code = e.code.as_ref().expect("code");
        assert_eq!((code.code, code.meaning, code.known), (550, "mailbox unavailable", true));
        assert_eq!(code.class, "permanent failure");
        assert!(e.enhanced.is_none() && e.text.is_none() && e.causes.is_empty());
        assert_eq!(e.retry, RetryAdvice::No);
        assert_eq!(e.references, vec!["RFC 5321 §4.2.3"]);
    }

    #[test]
    fn bare_enhanced_code() {
        let e = ok("  5.7.26\n");
        assert!(e.code.is_none());
        let x = e.enhanced.as_ref().expect("enhanced");
        assert_eq!((x.class, x.subject, x.detail, x.known), (5, 7, 26, true));
        assert_eq!(x.subject_text, "security or policy status");
        assert_eq!(x.title, "multiple authentication checks failed");
        assert_eq!(kinds(&e), vec![CauseKind::Dmarc]);
        assert_eq!(e.retry, RetryAdvice::AfterFix);
        assert_eq!(e.references, vec!["RFC 7372 §3.4", "RFC 7489"]);
        assert_eq!(enhanced_code(&ok("5.1.1.")), Some("5.1.1"));
    }

    #[test]
    fn recipient_rejected_line() {
        let e = ok("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");
        assert_eq!(e.code.as_ref().map(|c| c.code), Some(550));
        assert_eq!(enhanced_code(&e), Some("5.1.1"));
        assert_eq!(
            e.text.as_deref(),
            Some("<bob@example.com>: Recipient address rejected: User unknown")
        );
        assert_eq!(kinds(&e), vec![CauseKind::UserUnknown]);
        assert_eq!(e.retry, RetryAdvice::No);
        assert!(e.notes.is_empty());
        assert_eq!(e.references, vec!["RFC 5321 §4.2.3", "RFC 3463 §3.2"]);
    }

    #[test]
    fn enhanced_spot_checks() {
        let x = ok("4.7.0").enhanced.expect("enhanced");
        assert_eq!(x.class_text, "persistent transient failure");
        assert_eq!(x.title, "other or undefined security status");
        let e = ok("534 5.7.9 Please log in with your web browser");
        assert_eq!(
            e.enhanced.as_ref().map(|x| x.title),
            Some("authentication mechanism is too weak")
        );
        assert_eq!(kinds(&e), vec![CauseKind::AuthRequired]);
        assert_eq!(e.retry, RetryAdvice::AfterFix);
    }

    #[test]
    fn continuation_form_on_one_line() {
        let e = ok("550-5.7.26 This mail is unauthenticated, which poses a security risk");
        assert_eq!(e.code.as_ref().map(|c| c.code), Some(550));
        assert_eq!(enhanced_code(&e), Some("5.7.26"));
        assert_eq!(
            e.text.as_deref(),
            Some("This mail is unauthenticated, which poses a security risk")
        );
    }

    const GMAIL: &str = "550-5.7.26 This mail is unauthenticated, which poses a security risk to the\r\n\
        550-5.7.26 sender and Gmail users, and has been blocked. The sender must authenticate\r\n\
        550-5.7.26 with at least one of SPF or DKIM. For this message, DKIM checks did not\r\n\
        550 5.7.26 pass and SPF check for [example.com] did not pass. - gsmtp\r\n";

    #[test]
    fn multi_line_reply_is_joined() {
        let results = explain_lines(GMAIL);
        assert_eq!(results.len(), 1);
        let e = results[0].as_ref().expect("explained");
        assert_eq!(e.input.lines().count(), 4);
        let text = e.text.as_deref().expect("text");
        assert!(text.starts_with("This mail is unauthenticated"), "{text}");
        assert!(text.contains("to the sender and Gmail users"), "{text}");
        assert!(!text.contains("5.7.26") && !text.contains("550"), "{text}");
        assert_eq!(kinds(e), vec![CauseKind::Dmarc, CauseKind::Spf, CauseKind::Dkim]);
        assert!(!kinds(e).contains(&CauseKind::AuthRequired));
        assert_eq!(e.retry, RetryAdvice::AfterFix);
        // explain() on the whole paste gives the same analysis.
        assert_eq!(ok(GMAIL).text, e.text);
    }

    #[test]
    fn postfix_log_with_joined_continuations() {
        let line = "host gmail-smtp-in.l.google.com[142.250.1.26] said: 550-5.7.26 This mail \
                    is unauthenticated 550-5.7.26 and has been blocked. 550 5.7.26 gsmtp (in \
                    reply to end of DATA command)";
        let e = ok(line);
        assert_eq!(enhanced_code(&e), Some("5.7.26"));
        let text = e.text.as_deref().expect("text");
        assert_eq!(
            text,
            "This mail is unauthenticated and has been blocked. gsmtp (in reply to end of DATA command)"
        );
    }

    #[test]
    fn exchange_remote_server_returned() {
        let e = ok("Remote Server returned '550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized'");
        assert_eq!(e.code.as_ref().map(|c| c.code), Some(550));
        assert_eq!(enhanced_code(&e), Some("5.7.1"));
        assert_eq!(e.text.as_deref(), Some("RESOLVER.RST.NotAuthorized; not authorized"));
        assert_eq!(e.retry, RetryAdvice::No);
    }

    #[test]
    fn postfix_greylisting_said() {
        let e = ok("host mx.example.com[192.0.2.1] said: 450 4.2.0 <x@y>: Recipient address \
                    rejected: Greylisted (in reply to RCPT TO command)");
        assert_eq!(e.code.as_ref().map(|c| c.code), Some(450));
        let x = e.enhanced.as_ref().expect("enhanced");
        assert_eq!((x.code.as_str(), x.title), ("4.2.0", "other or undefined mailbox status"));
        assert_eq!(kinds(&e), vec![CauseKind::Greylisting]);
        assert_eq!(e.retry, RetryAdvice::Later);
        assert!(e.references.contains(&"RFC 6647"));
    }

    #[test]
    fn spamhaus_block_is_named() {
        let e = ok("smtp; 554 5.7.1 Service unavailable; Client host [1.2.3.4] blocked using \
                    zen.spamhaus.org; https://www.spamhaus.org/query/ip/1.2.3.4");
        assert_eq!(e.code.as_ref().map(|c| c.code), Some(554));
        assert_eq!(enhanced_code(&e), Some("5.7.1"));
        assert_eq!(kinds(&e), vec![CauseKind::Blocklist]);
        assert_eq!(e.causes[0].summary, "the sending IP is listed on Spamhaus (zen.spamhaus.org)");
        assert_eq!(e.retry, RetryAdvice::AfterFix);
        assert!(e.references.contains(&"RFC 5782"));
    }

    #[test]
    fn blocklist_names_without_zone_and_zone_without_name() {
        let e = ok("550 5.7.1 Client host blocked using bl.example.net.");
        assert_eq!(e.causes[0].summary, "the sending IP is listed on bl.example.net");
        let e = ok("550 Listed by SpamCop, see https://www.spamcop.net/bl.shtml?1.2.3.4");
        assert_eq!(e.causes[0].summary, "the sender is listed on SpamCop");
        let e = ok("550 5.7.1 Your IP is on our blacklist");
        assert_eq!(e.causes[0].summary, "the sender is on a block list");
    }

    #[test]
    fn every_cause_kind_is_detected() {
        use CauseKind::*;
        let cases: &[(&str, CauseKind)] = &[
            ("554 5.7.1 rejected: listed at dnsbl.sorbs.net", Blocklist),
            ("550 5.7.23 SPF validation failed", Spf),
            ("550 5.7.1 SPF fail - not authorized", Spf),
            ("550 5.7.20 No passing DKIM signature found", Dkim),
            ("550 5.7.1 message failed DKIM verification", Dkim),
            ("550 5.7.509 Access denied, sending domain does not pass DMARC verification", Dmarc),
            ("451 4.7.1 Greylisting in action, please come back later", Greylisting),
            ("421 4.7.0 Too many connections from your IP, slow down", RateLimit),
            ("452 4.2.2 The email account that you tried to reach is over quota", MailboxFull),
            ("552 5.2.2 Mailbox full", MailboxFull),
            ("554 5.7.1 <bob@example.org>: Relay access denied", RelayDenied),
            ("550 5.7.1 Relaying denied", RelayDenied),
            ("550 5.1.1 The email account that you tried to reach does not exist", UserUnknown),
            ("550 No such user here", UserUnknown),
            ("530 5.7.0 Must issue a STARTTLS command first", TlsRequired),
            ("550 5.7.30 REQUIRETLS support required", TlsRequired),
            ("530 5.7.0 Authentication required", AuthRequired),
            ("530 5.7.57 Client not authenticated to send mail", AuthRequired),
            ("535 5.7.8 Username and Password not accepted", AuthFailed),
            ("535 Incorrect authentication data", AuthFailed),
            ("552 5.3.4 Message size exceeds fixed maximum message size", MessageTooBig),
            ("552 Message too large", MessageTooBig),
            ("450 4.7.1 Client host rejected: cannot find your hostname, [1.2.3.4]", ReverseDns),
            (
                "550 5.7.25 The IP address sending this message does not have a PTR record",
                ReverseDns,
            ),
            (
                "550 5.7.1 Our system has detected that this message is likely unsolicited mail",
                SpamContent,
            ),
            ("554 5.7.1 Message rejected as spam", SpamContent),
        ];
        for (input, kind) in cases {
            let e = ok(input);
            assert!(kinds(&e).contains(kind), "{input:?} gave {:?}", kinds(&e));
        }
    }

    #[test]
    fn relay_needs_the_word_after_the_code() {
        // A relay host name before the reply must not read as a relay denial.
        let e = ok("relay.example.com said: 550 5.7.1 message refused");
        assert!(kinds(&e).is_empty(), "{:?}", kinds(&e));
        assert_eq!(e.retry, RetryAdvice::No);
    }

    #[test]
    fn words_match_whole_words_only() {
        assert!(contains_word("blocked using zen.spamhaus.org", "spamhaus"));
        assert!(!contains_word("blocked using zen.spamhaus.org", "spam"));
        assert!(contains_word("spf=fail", "spf"));
        assert!(!contains_word("xspf", "spf"));
        assert!(!contains_word("nullptr", "ptr") && contains_word("no ptr.", "ptr"));
    }

    #[test]
    fn class_mismatch_is_noted_and_reply_code_decides() {
        let e = ok("550 4.2.0 greylisted");
        assert_eq!(enhanced_code(&e), Some("4.2.0"));
        assert_eq!(e.notes.len(), 1);
        assert!(e.notes[0].contains("class 4") && e.notes[0].contains("class 5"), "{:?}", e.notes);
        assert_eq!(e.retry, RetryAdvice::No);
    }

    #[test]
    fn enhanced_code_elsewhere_prefers_the_same_class() {
        let e = ok("550 Requested action not taken (2.0.0 then 5.1.1)");
        assert_eq!(enhanced_code(&e), Some("5.1.1"));
        assert!(e.notes.is_empty());
    }

    #[test]
    fn version_numbers_are_not_enhanced_codes() {
        let e = ok("550 rejected by Postfix 2.10.1");
        assert_eq!(e.code.as_ref().map(|c| c.code), Some(550));
        assert!(e.enhanced.is_none());
    }

    #[test]
    fn ip_addresses_and_phone_numbers_are_not_codes() {
        assert!(matches!(
            explain("connect to 203.0.113.5 failed"),
            Err(ExplainError::NoCode { .. })
        ));
        assert!(matches!(explain("call 555-1234 or 4.4.4.4"), Err(ExplainError::NoCode { .. })));
        let e = ok("host [203.0.113.250] said: 421 4.4.2 timeout");
        assert_eq!(e.code.as_ref().map(|c| c.code), Some(421));
        assert_eq!(enhanced_code(&e), Some("4.4.2"));
        assert_eq!(e.retry, RetryAdvice::Later);
    }

    #[test]
    fn unknown_reply_code_uses_digits() {
        let e = ok("471 Bad sender");
        let code = e.code.as_ref().expect("code");
        assert!(!code.known);
        assert_eq!(code.rfc, "RFC 5321 §4.2.1");
        assert!(code.explanation.contains("transient negative"), "{}", code.explanation);
        assert_eq!(e.retry, RetryAdvice::Later);
    }

    #[test]
    fn unknown_enhanced_detail_keeps_class_and_subject() {
        let e = ok("550 5.7.606 Access denied, banned sending IP");
        let x = e.enhanced.as_ref().expect("enhanced");
        assert!(!x.known);
        assert_eq!((x.subject_text, x.rfc), ("security or policy status", "RFC 3463 §2"));
    }

    #[test]
    fn success_is_not_applicable() {
        let e = ok("250 2.0.0 Ok: queued as 4F3A2B1C2D");
        assert_eq!(e.retry, RetryAdvice::NotApplicable);
        assert!(e.causes.is_empty());
        let e = ok("2.1.5");
        assert_eq!(e.retry, RetryAdvice::NotApplicable);
    }

    #[test]
    fn garbage_is_an_error_naming_accepted_forms() {
        let err = explain("hello world").expect_err("garbage");
        assert!(matches!(err, ExplainError::NoCode { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains("hello world") && msg.contains("550") && msg.contains("5.7.26"),
            "{msg}"
        );
        let _: &dyn std::error::Error = &err;
    }

    #[test]
    fn empty_input_is_an_error() {
        assert_eq!(explain("").expect_err("empty"), ExplainError::Empty);
        assert_eq!(explain(" \n\t\r\n").expect_err("blank"), ExplainError::Empty);
        assert!(ExplainError::Empty.to_string().contains("5.7.26"));
    }

    #[test]
    fn bare_numbers_that_are_not_codes_say_why() {
        for (input, rule) in [
            ("650", "first digit"),
            ("55", "exactly three digits"),
            ("5500", "exactly three digits"),
            ("3.1.1", "class 2, 4 or 5"),
            ("5.1234.1", "class 2, 4 or 5"),
            ("5.1", "class 2, 4 or 5"),
            ("5..1", "class 2, 4 or 5"),
        ] {
            match explain(input) {
                Err(ExplainError::NotACode { token, reason }) => {
                    assert_eq!(token, input);
                    assert!(reason.contains(rule), "{input}: {reason}");
                }
                other => panic!("{input}: {other:?}"),
            }
        }
    }

    #[test]
    fn error_excerpt_escapes_controls_and_is_bounded() {
        let err = explain("\u{1b}[31mred\u{202e}txt").expect_err("garbage");
        let msg = err.to_string();
        assert!(!msg.contains('\u{1b}') && !msg.contains('\u{202e}'), "{msg:?}");
        let long = "x".repeat(10_000);
        let msg = explain(&long).expect_err("garbage").to_string();
        assert!(msg.len() < 400, "{}", msg.len());
    }

    #[test]
    fn hostile_and_odd_input_does_not_panic() {
        let inputs = [
            "5",
            "5.",
            "5.1.",
            "550-",
            "550-\n",
            "-550",
            "550\u{e9}",
            "\u{e9}550 5.1.1 x",
            "550 5.1.1 Пользователь не найден",
            "550 5.1.1 '",
            "'550'",
            "\"",
            "550 \u{0}\u{7f}",
            "999 9.9.9",
            "550 5.999.999 x",
            "5.1.1.1.1",
            "550-550-550-5.5.5",
        ];
        for input in inputs {
            let _ = explain(input);
            let _ = explain_lines(input);
        }
        let big = "550 5.1.1 ".repeat(20_000);
        assert!(explain(&big).is_ok());
    }

    #[test]
    fn lines_are_explained_separately() {
        let input = "550 5.1.1 unknown\n\n421 4.7.0 try later\nnot a reply\n250 ok\n";
        let results = explain_lines(input);
        assert_eq!(results.len(), 4);
        assert_eq!(results[0].as_ref().map(|e| e.retry), Ok(RetryAdvice::No));
        assert_eq!(results[1].as_ref().map(|e| e.retry), Ok(RetryAdvice::Later));
        assert!(matches!(results[2], Err(ExplainError::NoCode { .. })));
        assert_eq!(results[3].as_ref().map(|e| e.retry), Ok(RetryAdvice::NotApplicable));
    }

    #[test]
    fn unterminated_continuation_ends_at_a_different_code() {
        let input = "550-5.1.1 first\n550-5.1.1 second\n421 4.3.2 shutting down\n";
        let results = explain_lines(input);
        assert_eq!(results.len(), 2);
        let first = results[0].as_ref().expect("first");
        assert_eq!(first.text.as_deref(), Some("first second"));
        assert_eq!(results[1].as_ref().map(|e| e.code.as_ref().map(|c| c.code)), Ok(Some(421)));
    }

    #[test]
    fn continuation_without_enhanced_codes() {
        let results = explain_lines("550-Mailbox unavailable\n550-really\n550 gone\n");
        assert_eq!(results.len(), 1);
        let e = results[0].as_ref().expect("explained");
        assert_eq!(e.text.as_deref(), Some("Mailbox unavailable really gone"));
    }

    #[test]
    fn json_shape() {
        let e = ok("554 5.7.1 <bob@example.org>: Relay access denied");
        let v = serde_json::to_value(&e).expect("serializes");
        assert_eq!(v["retry"], "after_fix");
        assert_eq!(v["causes"][0]["kind"], "relay_denied");
        assert_eq!(v["code"]["code"], 554);
        assert_eq!(v["enhanced"]["code"], "5.7.1");
        assert_eq!(v["references"][0], "RFC 5321 §4.2.3");
        let v = serde_json::to_value(RetryAdvice::NotApplicable).expect("serializes");
        assert_eq!(v, "not_applicable");
    }

    #[test]
    fn rules_are_well_formed() {
        for rule in RULES {
            assert!(
                rule.code.is_some() || rule.enhanced.is_some() || !rule.words.is_empty(),
                "{:?} has no condition",
                rule.kind
            );
            assert!(!rule.summary.is_empty());
            for w in rule.words {
                assert!(!w.is_empty() && *w == w.to_ascii_lowercase() && w.trim() == *w, "{w:?}");
            }
            if let Some((subject, detail)) = rule.enhanced {
                assert!(codes::status_detail(subject, detail).is_some(), "X.{subject}.{detail}");
            }
            if let Some(code) = rule.code {
                assert!(codes::basic_code(code).is_some(), "{code}");
            }
        }
    }

    #[test]
    fn fixable_kinds_follow_the_brief() {
        use CauseKind::*;
        for kind in [Greylisting, RateLimit, MailboxFull, UserUnknown, SpamContent] {
            assert!(!kind.sender_can_fix(), "{kind:?}");
        }
        for kind in
            [Spf, Dkim, Dmarc, Blocklist, TlsRequired, AuthRequired, MessageTooBig, RelayDenied]
        {
            assert!(kind.sender_can_fix(), "{kind:?}");
            assert!(!kind.hint().is_empty());
        }
        for advice in
            [RetryAdvice::No, RetryAdvice::Later, RetryAdvice::AfterFix, RetryAdvice::NotApplicable]
        {
            assert!(advice.sentence().ends_with('.'));
        }
    }
}
