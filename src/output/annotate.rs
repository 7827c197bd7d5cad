//! One-line meanings of replies, from the code tables in [`crate::smtp::codes`]: what the basic
//! code says (RFC 5321 §4.2), what the enhanced code adds (RFC 3463 and the IANA registry), and
//! whether retrying can help.

use crate::smtp::codes;
use crate::smtp::reply::{EnhancedCode, Reply};

/// The word for a reply's first digit (RFC 5321 §4.2.1).
pub fn class_word(code: u16) -> &'static str {
    match code / 100 {
        2 => "success",
        3 => "go ahead",
        4 => "temporary failure",
        5 => "permanent failure",
        _ => "unknown class",
    }
}

/// What the basic code means: the table's short meaning, or one built from its digits.
pub fn code_meaning(code: u16) -> String {
    match codes::basic_code(code) {
        Some(info) => info.meaning.to_string(),
        None => codes::describe_digits(code),
    }
}

/// `5.1.1 bad destination mailbox address: the address does not exist there`.
pub fn enhanced_meaning(e: EnhancedCode) -> String {
    match codes::status_detail(e.subject, e.detail) {
        Some(d) => format!("{e} {}: {}", d.title, d.description),
        None => match codes::status_subject(e.subject) {
            Some(subject) => format!("{e} {subject} (detail {} is not registered)", e.detail),
            None => format!("{e} (not a registered status code)"),
        },
    }
}

/// `2.1.5 destination address valid`: the code and its registry title only.
pub fn enhanced_title(e: EnhancedCode) -> String {
    match codes::status_detail(e.subject, e.detail) {
        Some(d) => format!("{e} {}", d.title),
        None => e.to_string(),
    }
}

/// What a user should do about a reply, in a short sentence.
pub fn retry_advice(code: u16) -> &'static str {
    match code / 100 {
        4 => "Retry later.",
        5 => "Retrying will not help.",
        _ => "",
    }
}

/// The full annotation shown under a reply: `550 permanent failure: mailbox unavailable · 5.1.1
/// bad destination mailbox address: ... Retrying will not help.`
pub fn annotation(reply: &Reply) -> String {
    let mut text =
        format!("{} {}: {}", reply.code, class_word(reply.code), code_meaning(reply.code));
    // "2.0.0" on a success says nothing the basic code did not already say.
    let informative = |e: &EnhancedCode| !(reply.is_positive() && e.subject == 0 && e.detail == 0);
    if let Some(e) = reply.enhanced.filter(informative) {
        text.push_str(" · ");
        // On success the registry's descriptions (written for failures) would mislead; the
        // title alone says what the server confirmed.
        if reply.is_positive() {
            text.push_str(&enhanced_title(e));
        } else {
            text.push_str(&enhanced_meaning(e));
        }
    }
    let advice = retry_advice(reply.code);
    if !advice.is_empty() {
        text.push(' ');
        text.push_str(advice);
    }
    text
}
