//! Email addresses and mailboxes as users type them (`bob@example.com`,
//! `Bob Smith <bob@example.com>`, `"Smith, Bob" <bob@example.com>`, comma-separated lists), and
//! their two output forms: the SMTP envelope form and the RFC 5322 header form.
//!
//! It owns address syntax (RFC 5322 §3.4, RFC 5321 §4.1.2 and §4.5.3.1, RFC 6532 for UTF-8) and
//! the conversion of non-ASCII domains to A-labels (IDNA, through the `idna` crate). It must not
//! know about header folding beyond producing fold-able tokens, nor about SMTP sessions.

use std::fmt;
use std::str::FromStr;

use super::header::{self, Token};

/// RFC 5321 §4.5.3.1.1: the local part is at most 64 octets.
const MAX_LOCAL_OCTETS: usize = 64;
/// RFC 5321 §4.5.3.1.3 allows a 256-octet path including `<` and `>`: 254 for the address.
const MAX_ADDRESS_OCTETS: usize = 254;
/// RFC 1035 §2.3.4: a label is at most 63 octets, a name at most 253 in text form.
const MAX_LABEL_OCTETS: usize = 63;
const MAX_DOMAIN_OCTETS: usize = 253;

/// What is wrong with an address, named so the user can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddressErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// No `@` between local part and domain.
    MissingAt,
    /// A CR or LF anywhere: refused, it would allow header or command injection.
    CrLf,
    /// Another control character (NUL, ESC, DEL, ...).
    ControlChar,
    /// Nothing before the `@`.
    EmptyLocalPart,
    /// Nothing after the `@`.
    EmptyDomain,
    /// The local part is over 64 octets.
    LocalPartTooLong,
    /// The local part has a character that is not allowed unquoted, or misplaced dots.
    InvalidLocalPart(String),
    /// One label of the domain is invalid; the string says which and why.
    InvalidDomainLabel(String),
    /// The domain as a whole is invalid (IDNA failure, too long, bare IP address).
    InvalidDomain(String),
    /// The whole address is over 254 octets.
    TooLong,
    /// A `"` without its closing partner.
    UnclosedQuote,
    /// A `<` without `>`, or a stray `>`.
    UnbalancedAngle,
    /// A `(` comment without its `)`.
    UnclosedComment,
    /// Text after the closing `>`.
    TrailingText,
}

impl fmt::Display for AddressErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty address"),
            Self::MissingAt => f.write_str("missing @"),
            Self::CrLf => f.write_str("CR or LF not allowed"),
            Self::ControlChar => f.write_str("control characters not allowed"),
            Self::EmptyLocalPart => f.write_str("empty local part"),
            Self::EmptyDomain => f.write_str("empty domain"),
            Self::LocalPartTooLong => f.write_str("local part longer than 64 octets"),
            Self::InvalidLocalPart(why) => write!(f, "invalid local part: {why}"),
            Self::InvalidDomainLabel(why) => write!(f, "invalid domain label {why}"),
            Self::InvalidDomain(why) => write!(f, "invalid domain: {why}"),
            Self::TooLong => f.write_str("address longer than 254 octets"),
            Self::UnclosedQuote => f.write_str("unclosed quote"),
            Self::UnbalancedAngle => f.write_str("unbalanced < >"),
            Self::UnclosedComment => f.write_str("unclosed ( comment"),
            Self::TrailingText => f.write_str("unexpected text after '>'"),
        }
    }
}

/// An address that could not be parsed: the input (as typed) and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressError {
    /// The text the user typed for this one address.
    pub input: String,
    /// What is wrong with it.
    pub kind: AddressErrorKind,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid address {:?}: {}", self.input, self.kind)
    }
}

impl std::error::Error for AddressError {}

fn err(input: &str, kind: AddressErrorKind) -> AddressError {
    AddressError { input: input.to_string(), kind }
}

/// A validated `local@domain`. The fields are private so that every value is valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress {
    /// The local part's content, unquoted (`john doe` for `"john doe"@x`).
    local: String,
    /// The domain as typed (may hold U-labels or be a `[literal]`).
    domain: String,
    /// The domain in A-labels (punycode); equal to `domain` when that is ASCII.
    ascii_domain: String,
}

impl EmailAddress {
    /// Parses an addr-spec (`local@domain`); surrounding `<` `>` are accepted.
    pub fn parse(input: &str) -> Result<EmailAddress, AddressError> {
        check_controls(input)?;
        let trimmed = input.trim();
        let inner = match trimmed.strip_prefix('<') {
            Some(rest) => rest
                .strip_suffix('>')
                .ok_or_else(|| err(input, AddressErrorKind::UnbalancedAngle))?,
            None => trimmed,
        };
        parse_addr_spec(inner.trim()).map_err(|kind| err(input, kind))
    }

    /// The local part's content, without quoting.
    pub fn local(&self) -> &str {
        &self.local
    }

    /// The domain as typed.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The domain with non-ASCII labels converted to A-labels (IDNA, RFC 5890).
    pub fn ascii_domain(&self) -> &str {
        &self.ascii_domain
    }

    /// True when the local part is non-ASCII: only SMTPUTF8 (RFC 6531) can carry it. A non-ASCII
    /// domain alone does not count, it is sent as A-labels.
    pub fn needs_smtputf8(&self) -> bool {
        !self.local.is_ascii()
    }

    /// The form for `MAIL FROM:<...>` / `RCPT TO:<...>` and for headers: the local part quoted
    /// when it is not a dot-atom, the domain in A-labels unless SMTPUTF8 is needed anyway.
    pub fn smtp_form(&self) -> String {
        let domain = if self.needs_smtputf8() { &self.domain } else { &self.ascii_domain };
        format!("{}@{}", local_wire_form(&self.local), domain)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.smtp_form())
    }
}

impl FromStr for EmailAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailAddress::parse(s)
    }
}

/// An address with an optional display name: `Bob Smith <bob@example.com>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// The name shown to people, unquoted and undecoded (`Smith, Bob`).
    pub display_name: Option<String>,
    /// The address itself.
    pub address: EmailAddress,
}

impl Mailbox {
    /// A mailbox from its parts (the display name is checked when composing).
    pub fn new(display_name: Option<String>, address: EmailAddress) -> Mailbox {
        Mailbox { display_name, address }
    }

    /// Parses one mailbox: `addr`, `<addr>`, `Name <addr>` or `"Quoted, Name" <addr>`.
    pub fn parse(input: &str) -> Result<Mailbox, AddressError> {
        check_controls(input)?;
        let cleaned = strip_comments(input).map_err(|kind| err(input, kind))?;
        parse_mailbox(&cleaned).map_err(|kind| err(input.trim(), kind))
    }

    /// Checks the display name (which is a public field) for CR, LF and control characters.
    pub fn validate(&self) -> Result<(), AddressError> {
        match &self.display_name {
            Some(name) => check_controls(name),
            None => Ok(()),
        }
    }

    /// The RFC 5322 header form on one line (`"Smith, Bob" <bob@example.com>`, non-ASCII
    /// names as RFC 2047 encoded words).
    pub fn header_form(&self) -> String {
        let tokens = self.header_tokens();
        let mut out = String::new();
        for token in &tokens {
            out.push_str(&token.sep);
            out.push_str(&token.text);
        }
        out
    }

    /// The header form as fold-able tokens; the first token has an empty separator.
    pub(crate) fn header_tokens(&self) -> Vec<Token> {
        let addr = self.address.smtp_form();
        let name = self.display_name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let Some(name) = name else {
            return vec![Token::new("", addr)];
        };
        let mut tokens = display_name_tokens(name);
        tokens.push(Token::new(" ", format!("<{addr}>")));
        if let Some(first) = tokens.first_mut() {
            first.sep.clear();
        }
        tokens
    }
}

impl fmt::Display for Mailbox {
    /// The human form: like the header form but with UTF-8 left as is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.display_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) if is_plain_phrase(name) || !name.is_ascii() => {
                write!(f, "{name} <{}>", self.address)
            }
            Some(name) => write!(f, "{} <{}>", quote(name), self.address),
            None => write!(f, "{}", self.address),
        }
    }
}

impl FromStr for Mailbox {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mailbox::parse(s)
    }
}

/// Parses a comma-separated list. Commas inside quotes, angle brackets or comments do not split;
/// RFC 5322 groups (`team: a@x, b@y;`) contribute their members; empty items are skipped.
pub fn parse_mailbox_list(input: &str) -> Result<Vec<Mailbox>, AddressError> {
    check_controls(input)?;
    let cleaned = strip_comments(input).map_err(|kind| err(input, kind))?;
    let mut mailboxes = Vec::new();
    for item in split_list(&cleaned).map_err(|kind| err(input, kind))? {
        let item = item.trim();
        if !item.is_empty() {
            mailboxes.push(parse_mailbox(item).map_err(|kind| err(item, kind))?);
        }
    }
    Ok(mailboxes)
}

/// Refuses CR/LF (injection) and other control characters; TAB is allowed (it is whitespace).
fn check_controls(input: &str) -> Result<(), AddressError> {
    if input.contains(['\r', '\n']) {
        return Err(err(input, AddressErrorKind::CrLf));
    }
    if input.chars().any(|c| c.is_control() && c != '\t') {
        return Err(err(input, AddressErrorKind::ControlChar));
    }
    Ok(())
}

/// Removes `( ... )` comments outside quoted strings (RFC 5322 §3.2.2), keeping a space.
fn strip_comments(input: &str) -> Result<String, AddressErrorKind> {
    let mut out = String::with_capacity(input.len());
    let (mut depth, mut in_quote, mut escaped) = (0usize, false, false);
    for c in input.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if in_quote || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                in_quote = !in_quote;
                out.push(c);
            }
            '(' if !in_quote => depth += 1,
            ')' if !in_quote && depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(' ');
                }
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if depth > 0 {
        return Err(AddressErrorKind::UnclosedComment);
    }
    Ok(out)
}

/// Splits at top-level commas, and at group syntax (`name:` starts, `;` ends a group).
fn split_list(input: &str) -> Result<Vec<&str>, AddressErrorKind> {
    let mut items = Vec::new();
    let (mut start, mut in_quote, mut escaped) = (0, false, false);
    // Inside <...> or a [domain literal] neither ',' nor ':' is a separator.
    let (mut in_angle, mut in_literal) = (false, false);
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        let top = !in_quote && !in_angle && !in_literal;
        match c {
            '\\' if in_quote => escaped = true,
            '"' if !in_literal => in_quote = !in_quote,
            '<' if !in_quote => in_angle = true,
            '>' if !in_quote => in_angle = false,
            '[' if !in_quote => in_literal = true,
            ']' if !in_quote => in_literal = false,
            ',' | ';' if top => {
                items.push(&input[start..i]);
                start = i + 1;
            }
            // A group's display name ends at ':'; it names no mailbox, so it is dropped.
            ':' if top => start = i + 1,
            _ => {}
        }
    }
    if in_quote {
        return Err(AddressErrorKind::UnclosedQuote);
    }
    if in_angle {
        return Err(AddressErrorKind::UnbalancedAngle);
    }
    items.push(&input[start..]);
    Ok(items)
}

/// One mailbox, comments already removed.
fn parse_mailbox(input: &str) -> Result<Mailbox, AddressErrorKind> {
    let input = input.trim();
    if input.is_empty() {
        return Err(AddressErrorKind::Empty);
    }
    let Some(open) = find_unquoted(input, '<')? else {
        if find_unquoted(input, '>')?.is_some() {
            return Err(AddressErrorKind::UnbalancedAngle);
        }
        return Ok(Mailbox { display_name: None, address: parse_addr_spec(input)? });
    };
    let after = &input[open + 1..];
    let close = find_unquoted(after, '>')?.ok_or(AddressErrorKind::UnbalancedAngle)?;
    if !after[close + 1..].trim().is_empty() {
        return Err(AddressErrorKind::TrailingText);
    }
    let address = parse_addr_spec(after[..close].trim())?;
    let display_name = decode_phrase(&input[..open])?;
    Ok(Mailbox { display_name, address })
}

/// Byte index of `wanted` outside quoted strings.
fn find_unquoted(input: &str, wanted: char) -> Result<Option<usize>, AddressErrorKind> {
    let (mut in_quote, mut escaped) = (false, false);
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
        } else if in_quote && c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quote = !in_quote;
        } else if c == wanted && !in_quote {
            return Ok(Some(i));
        }
    }
    if in_quote { Err(AddressErrorKind::UnclosedQuote) } else { Ok(None) }
}

/// The text of a display name: quoted strings unquoted, everything else kept, trimmed.
fn decode_phrase(raw: &str) -> Result<Option<String>, AddressErrorKind> {
    let mut out = String::new();
    let (mut in_quote, mut escaped) = (false, false);
    for c in raw.chars() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if in_quote && c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quote = !in_quote;
        } else {
            out.push(c);
        }
    }
    if in_quote {
        return Err(AddressErrorKind::UnclosedQuote);
    }
    let name = out.trim();
    Ok(if name.is_empty() { None } else { Some(name.to_string()) })
}

/// `local@domain` with a dot-atom or quoted-string local part.
fn parse_addr_spec(input: &str) -> Result<EmailAddress, AddressErrorKind> {
    if input.is_empty() {
        return Err(AddressErrorKind::Empty);
    }
    let (local, domain) = if input.starts_with('"') {
        let (local, rest) = parse_quoted_local(input)?;
        let domain = rest.strip_prefix('@').ok_or(AddressErrorKind::MissingAt)?;
        (local, domain)
    } else {
        let at = input.rfind('@').ok_or(AddressErrorKind::MissingAt)?;
        let local = &input[..at];
        check_dot_atom(local)?;
        (local.to_string(), &input[at + 1..])
    };
    if local.len() > MAX_LOCAL_OCTETS {
        return Err(AddressErrorKind::LocalPartTooLong);
    }
    let ascii_domain = check_domain(domain)?;
    let address = EmailAddress { local, domain: domain.to_string(), ascii_domain };
    if address.smtp_form().len() > MAX_ADDRESS_OCTETS {
        return Err(AddressErrorKind::TooLong);
    }
    Ok(address)
}

/// A quoted local part: returns its content and the rest of the input after the closing quote.
fn parse_quoted_local(input: &str) -> Result<(String, &str), AddressErrorKind> {
    let mut content = String::new();
    let mut escaped = false;
    for (i, c) in input.char_indices().skip(1) {
        if escaped {
            content.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            if content.is_empty() {
                return Err(AddressErrorKind::EmptyLocalPart);
            }
            return Ok((content, &input[i + 1..]));
        } else {
            content.push(c);
        }
    }
    Err(AddressErrorKind::UnclosedQuote)
}

/// RFC 5322 §3.2.3 atext, extended with UTF-8 by RFC 6532 §3.2.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

fn check_dot_atom(local: &str) -> Result<(), AddressErrorKind> {
    if local.is_empty() {
        return Err(AddressErrorKind::EmptyLocalPart);
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(AddressErrorKind::InvalidLocalPart(
            "dots may not start, end or repeat (quote it: \"a..b\"@example.com)".into(),
        ));
    }
    if let Some(bad) = local.chars().find(|&c| c != '.' && !is_atext(c)) {
        let hint = if bad == ' ' { " (use \"Name <address>\" for a display name)" } else { "" };
        return Err(AddressErrorKind::InvalidLocalPart(format!(
            "character {bad:?} not allowed{hint}"
        )));
    }
    Ok(())
}

/// True when `local` can be written without quotes.
fn is_dot_atom(local: &str) -> bool {
    check_dot_atom(local).is_ok()
}

/// The local part as it must be written: dot-atom as is, anything else quoted.
fn local_wire_form(local: &str) -> String {
    if is_dot_atom(local) { local.to_string() } else { quote(local) }
}

/// A quoted-string (RFC 5322 §3.2.4) with `"` and `\` escaped.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Validates a domain and returns its ASCII (A-label) form.
fn check_domain(domain: &str) -> Result<String, AddressErrorKind> {
    if domain.is_empty() {
        return Err(AddressErrorKind::EmptyDomain);
    }
    if let Some(literal) = domain.strip_prefix('[') {
        return check_domain_literal(domain, literal);
    }
    if domain.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(AddressErrorKind::InvalidDomain(format!(
            "an IP address must be written as a literal: [{domain}]"
        )));
    }
    let ascii = if domain.is_ascii() {
        domain.to_string()
    } else {
        idna::domain_to_ascii_strict(domain).map_err(|_| {
            AddressErrorKind::InvalidDomain(format!("{domain:?} is not a valid IDNA name"))
        })?
    };
    if ascii.len() > MAX_DOMAIN_OCTETS {
        return Err(AddressErrorKind::InvalidDomain("longer than 253 octets".into()));
    }
    for label in ascii.split('.') {
        check_label(label)?;
    }
    Ok(ascii)
}

/// RFC 1035 §2.3.1 letter-digit-hyphen labels (RFC 5321 §4.1.2 `sub-domain`).
fn check_label(label: &str) -> Result<(), AddressErrorKind> {
    let why = if label.is_empty() {
        "is empty (two dots in a row, or a dot at the start or end)"
    } else if label.len() > MAX_LABEL_OCTETS {
        "is longer than 63 octets"
    } else if label.starts_with('-') || label.ends_with('-') {
        "starts or ends with a hyphen"
    } else if !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        "has a character other than a letter, digit or hyphen"
    } else {
        return Ok(());
    };
    Err(AddressErrorKind::InvalidDomainLabel(format!("{label:?}: {why}")))
}

/// `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3).
fn check_domain_literal(domain: &str, after_bracket: &str) -> Result<String, AddressErrorKind> {
    let inner = after_bracket
        .strip_suffix(']')
        .ok_or_else(|| AddressErrorKind::InvalidDomain("address literal without ']'".into()))?;
    let valid = match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => {
            inner[5..].parse::<std::net::Ipv6Addr>().is_ok()
        }
        _ => inner.parse::<std::net::Ipv4Addr>().is_ok(),
    };
    if !valid {
        return Err(AddressErrorKind::InvalidDomain(format!(
            "{domain} is not an IPv4 literal or [IPv6:...] literal"
        )));
    }
    Ok(domain.to_string())
}

/// True when a display name can be written as atoms separated by single spaces.
fn is_plain_phrase(name: &str) -> bool {
    !name.contains("=?")
        && name
            .split(' ')
            .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii() && is_atext(c)))
}

/// A display name as tokens that can be folded between words (RFC 5322 §3.2.5 phrase).
fn display_name_tokens(name: &str) -> Vec<Token> {
    let long_word = name.split(' ').any(|w| w.len() > 60);
    if !name.is_ascii() || name.chars().any(|c| c.is_control()) || long_word {
        return header::encode_words(name, 66);
    }
    let text = if is_plain_phrase(name) { name.to_string() } else { quote(name) };
    // Folding inside a quoted string is FWS (RFC 5322 §3.2.4): unfolding restores the space.
    text.split(' ').map(|word| Token::new(" ", word.to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(input: &str) -> AddressErrorKind {
        Mailbox::parse(input).expect_err(input).kind
    }

    #[test]
    fn bare_address_parses() {
        let m = Mailbox::parse("  bob@example.com ").unwrap();
        assert_eq!(m.display_name, None);
        assert_eq!(m.address.local(), "bob");
        assert_eq!(m.address.domain(), "example.com");
        assert_eq!(m.header_form(), "bob@example.com");
    }

    #[test]
    fn display_name_with_angle_address() {
        let m = Mailbox::parse("Bob Smith <bob@example.com>").unwrap();
        assert_eq!(m.display_name.as_deref(), Some("Bob Smith"));
        assert_eq!(m.header_form(), "Bob Smith <bob@example.com>");
        assert_eq!(m.to_string(), "Bob Smith <bob@example.com>");
    }

    #[test]
    fn quoted_display_name_is_unquoted_and_requoted() {
        let m = Mailbox::parse(r#""Smith, Bob" <bob@example.com>"#).unwrap();
        assert_eq!(m.display_name.as_deref(), Some("Smith, Bob"));
        assert_eq!(m.header_form(), r#""Smith, Bob" <bob@example.com>"#);
        let m = Mailbox::parse(r#""Bob \"the builder\"" <b@x.org>"#).unwrap();
        assert_eq!(m.display_name.as_deref(), Some(r#"Bob "the builder""#));
        assert_eq!(m.header_form(), r#""Bob \"the builder\"" <b@x.org>"#);
    }

    #[test]
    fn dotted_display_name_gets_quoted() {
        let m = Mailbox::parse("Bob S. Jr <b@x.org>").unwrap();
        assert_eq!(m.header_form(), r#""Bob S. Jr" <b@x.org>"#);
    }

    #[test]
    fn angle_only_address() {
        let m = Mailbox::parse("<bob@example.com>").unwrap();
        assert_eq!(m.display_name, None);
        assert_eq!(m.address.smtp_form(), "bob@example.com");
    }

    #[test]
    fn list_splits_only_at_top_level_commas() {
        let list = parse_mailbox_list(
            r#"a@x.org, "Smith, Bob" <bob@example.com>,<c@y.org> , Dee <"d,e"@z.org>,"#,
        )
        .unwrap();
        let addrs: Vec<String> = list.iter().map(|m| m.address.smtp_form()).collect();
        assert_eq!(addrs, ["a@x.org", "bob@example.com", "c@y.org", "\"d,e\"@z.org"]);
        assert_eq!(list[1].display_name.as_deref(), Some("Smith, Bob"));
    }

    #[test]
    fn list_with_group_and_comments() {
        let list = parse_mailbox_list("team: a@x.org (Al), b@y.org;, c@z.org").unwrap();
        let addrs: Vec<&str> = list.iter().map(|m| m.address.local()).collect();
        assert_eq!(addrs, ["a", "b", "c"]);
        assert!(parse_mailbox_list("undisclosed-recipients:;").unwrap().is_empty());
    }

    #[test]
    fn list_keeps_colons_inside_address_literals() {
        let list =
            parse_mailbox_list("root@[IPv6:2001:db8::1], Admin <admin@[192.0.2.1]>").unwrap();
        assert_eq!(list[0].address.domain(), "[IPv6:2001:db8::1]");
        assert_eq!(list[1].header_form(), "Admin <admin@[192.0.2.1]>");
    }

    #[test]
    fn quoted_local_part_round_trips() {
        let a = EmailAddress::parse(r#""john doe"@example.com"#).unwrap();
        assert_eq!(a.local(), "john doe");
        assert_eq!(a.smtp_form(), r#""john doe"@example.com"#);
        assert!(!a.needs_smtputf8());
    }

    #[test]
    fn non_ascii_domain_becomes_a_labels() {
        let a = EmailAddress::parse("bob@bücher.example").unwrap();
        assert_eq!(a.ascii_domain(), "xn--bcher-kva.example");
        assert_eq!(a.smtp_form(), "bob@xn--bcher-kva.example");
        assert!(!a.needs_smtputf8());
    }

    #[test]
    fn non_ascii_local_part_needs_smtputf8() {
        let a = EmailAddress::parse("jörg@bücher.example").unwrap();
        assert!(a.needs_smtputf8());
        assert_eq!(a.smtp_form(), "jörg@bücher.example");
    }

    #[test]
    fn address_literals() {
        assert!(EmailAddress::parse("root@[192.0.2.1]").is_ok());
        assert!(EmailAddress::parse("root@[IPv6:2001:db8::1]").is_ok());
        assert!(matches!(
            EmailAddress::parse("root@[300.1.1.1]").unwrap_err().kind,
            AddressErrorKind::InvalidDomain(_)
        ));
        let e = EmailAddress::parse("root@127.0.0.1").unwrap_err();
        assert!(e.to_string().contains("[127.0.0.1]"), "{e}");
    }

    #[test]
    fn single_label_domain_is_allowed() {
        assert_eq!(EmailAddress::parse("root@localhost").unwrap().domain(), "localhost");
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(kind("bob.example.com"), AddressErrorKind::MissingAt);
        assert_eq!(kind("@example.com"), AddressErrorKind::EmptyLocalPart);
        assert_eq!(kind("bob@"), AddressErrorKind::EmptyDomain);
        assert_eq!(kind(""), AddressErrorKind::Empty);
        assert_eq!(kind("bob@example.com\r\nRCPT TO:<x@y>"), AddressErrorKind::CrLf);
        assert_eq!(kind("bob@exa\0mple.com"), AddressErrorKind::ControlChar);
        assert_eq!(kind("Bob <bob@example.com"), AddressErrorKind::UnbalancedAngle);
        assert_eq!(kind("\"Bob <bob@example.com>"), AddressErrorKind::UnclosedQuote);
        assert_eq!(kind("Bob <bob@example.com> x"), AddressErrorKind::TrailingText);
        assert_eq!(kind(&format!("{}@x.org", "a".repeat(65))), AddressErrorKind::LocalPartTooLong);
        assert!(matches!(kind("a..b@x.org"), AddressErrorKind::InvalidLocalPart(_)));
        assert!(matches!(kind("a b@x.org"), AddressErrorKind::InvalidLocalPart(_)));
        let long = format!("{}@{}.org", "a".repeat(60), vec!["b".repeat(50); 4].join("."));
        assert_eq!(kind(&long), AddressErrorKind::TooLong);
    }

    #[test]
    fn domain_label_errors_name_the_label() {
        let e = Mailbox::parse("bob@ex_ample.com").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid address \"bob@ex_ample.com\": invalid domain label \"ex_ample\": \
             has a character other than a letter, digit or hyphen"
        );
        assert!(matches!(kind("bob@-x.com"), AddressErrorKind::InvalidDomainLabel(_)));
        assert!(matches!(kind("bob@x..com"), AddressErrorKind::InvalidDomainLabel(_)));
        assert!(matches!(kind("bob@x.com."), AddressErrorKind::InvalidDomainLabel(_)));
        let label = "a".repeat(64);
        assert!(matches!(
            kind(&format!("bob@{label}.com")),
            AddressErrorKind::InvalidDomainLabel(_)
        ));
    }

    #[test]
    fn display_name_injection_refused() {
        assert_eq!(kind("Bob\r\nBcc: x@y.org <bob@example.com>"), AddressErrorKind::CrLf);
        let m =
            Mailbox { display_name: Some("Bob\nX".into()), address: "b@x.org".parse().unwrap() };
        assert_eq!(m.validate().unwrap_err().kind, AddressErrorKind::CrLf);
    }

    #[test]
    fn non_ascii_display_name_is_encoded_word() {
        let m = Mailbox::parse("Jörg Müller <j@x.org>").unwrap();
        let form = m.header_form();
        assert!(form.starts_with("=?UTF-8?"), "{form}");
        assert!(form.ends_with(" <j@x.org>"), "{form}");
        assert!(form.is_ascii());
        assert_eq!(m.to_string(), "Jörg Müller <j@x.org>");
    }

    #[test]
    fn encoded_word_lookalike_name_is_quoted() {
        let m = Mailbox::parse("=?utf-8?q?x?= <j@x.org>").unwrap();
        assert_eq!(m.header_form(), "\"=?utf-8?q?x?=\" <j@x.org>");
    }
}
