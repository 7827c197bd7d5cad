//! The server's queue id, read from its reply to the end of the message: what a postmaster asks
//! for when a message goes missing. No RFC defines it; these are the forms the common servers
//! use, and anything else yields `None` rather than a guess.

use crate::smtp::reply::Reply;

/// The queue id in a positive final reply, when the server's wording is one we know:
///
/// - Postfix: `250 2.0.0 Ok: queued as 4XyZ1a2B3c`
/// - Exim: `250 OK id=1tAbCd-0001Ef-Gh`
/// - Sendmail: `250 2.0.0 4AP9x1Yz012345 Message accepted for delivery`
/// - Microsoft: `250 2.6.0 <id@host> [InternalId=123, Hostname=...] Queued mail for delivery`
/// - Gmail: `250 2.0.0 OK  1732550000 d2e1a72fcca58-72-gsmtp`
/// - qmail: `250 ok 1732550000 qp 12345`
pub fn parse(reply: &Reply) -> Option<String> {
    if !reply.is_positive() {
        return None;
    }
    let text = reply.message();
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let after = |i: usize| words.get(i).map(|w| clean(w)).filter(|w| !w.is_empty());
    // "queued as ID" (Postfix and many others).
    if let Some(i) = lower.windows(2).position(|w| w[0] == "queued" && w[1] == "as") {
        return after(i + 2);
    }
    // "id=ID" (Exim).
    if let Some(word) = words.iter().find(|w| w.to_ascii_lowercase().starts_with("id=")) {
        return Some(clean(&word[3..])).filter(|w| !w.is_empty());
    }
    // "ID Message accepted for delivery" (Sendmail).
    if let Some(i) = lower.windows(2).position(|w| w[0] == "message" && w[1] == "accepted") {
        return i.checked_sub(1).and_then(after);
    }
    // "<ID> [InternalId=...] Queued mail for delivery" (Exchange, Microsoft 365).
    if lower.iter().any(|w| w == "queued") && words.first().is_some_and(|w| w.starts_with('<')) {
        return after(0);
    }
    // "OK  TIMESTAMP ID-gsmtp" (Gmail).
    if let Some(word) = words.iter().rev().find(|w| w.ends_with("gsmtp")) {
        return Some(word.to_string());
    }
    // "ok TIMESTAMP qp PID" (qmail): the pair is what its logs carry.
    if let Some(i) = lower.iter().position(|w| w == "qp") {
        return Some(format!("{} qp {}", words.get(i.checked_sub(1)?)?, words.get(i + 1)?));
    }
    None
}

/// Strips the punctuation servers wrap ids in: `<id>`, `(id)`, `id.`, `id,`.
fn clean(word: &str) -> String {
    word.trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | '.'))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::parse_reply;

    fn id(text: &str) -> Option<String> {
        parse(&parse_reply(format!("{text}\r\n").as_bytes()).unwrap())
    }

    #[test]
    fn known_server_wordings() {
        assert_eq!(id("250 2.0.0 Ok: queued as 4XyZ1a2B3c").as_deref(), Some("4XyZ1a2B3c"));
        assert_eq!(id("250 OK id=1tAbCd-0001Ef-Gh").as_deref(), Some("1tAbCd-0001Ef-Gh"));
        assert_eq!(
            id("250 2.0.0 4AP9x1Yz012345 Message accepted for delivery").as_deref(),
            Some("4AP9x1Yz012345")
        );
        assert_eq!(
            id("250 2.6.0 <abc@host.example> [InternalId=12, Hostname=X] Queued mail for delivery")
                .as_deref(),
            Some("abc@host.example")
        );
        assert_eq!(
            id("250 2.0.0 OK  1732550000 d2e1a72fcca58-72-gsmtp").as_deref(),
            Some("d2e1a72fcca58-72-gsmtp")
        );
        assert_eq!(id("250 ok 1732550000 qp 12345").as_deref(), Some("1732550000 qp 12345"));
    }

    #[test]
    fn no_guess_when_the_wording_is_unknown() {
        assert_eq!(id("250 2.0.0 Ok"), None);
        assert_eq!(id("250 Message received"), None);
        assert_eq!(id("554 5.7.1 queued as nothing"), None);
        assert_eq!(id("250 queued as"), None);
    }
}
