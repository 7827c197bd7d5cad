//! What SMTP reply codes and enhanced status codes mean, as tables that cite their RFC.
//!
//! It owns two tables of protocol facts: the basic three-digit reply codes (RFC 5321 §4.2 and
//! the extensions that add codes users meet: AUTH in RFC 4954, STARTTLS in RFC 3207, 521/556 in
//! RFC 7504) and the enhanced status codes `class.subject.detail` (RFC 3463, RFC 5248 and the
//! IANA "SMTP Enhanced Status Codes" registry with its later additions). Unknown codes still get
//! a description built from the meaning of their digits.
//!
//! It is pure data and lookups: it must not parse reply lines (that is `smtp::reply`), decide
//! what a command does with a reply, or print anything.

/// One basic reply code and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicCode {
    /// The three-digit code.
    pub code: u16,
    /// A short meaning, lower case, e.g. "mailbox unavailable".
    pub meaning: &'static str,
    /// One sentence in plain words: what happened and what it means for the sender.
    pub explanation: &'static str,
    /// Where the code is defined, e.g. "RFC 5321 §4.2.3".
    pub rfc: &'static str,
}

const fn basic(
    code: u16,
    meaning: &'static str,
    explanation: &'static str,
    rfc: &'static str,
) -> BasicCode {
    BasicCode { code, meaning, explanation, rfc }
}

const RFC5321_LIST: &str = "RFC 5321 §4.2.3";
const RFC4954_CODES: &str = "RFC 4954 §6";

/// Reply codes, sorted by code. RFC 5321 §4.2.3 lists the base set in numeric order; the
/// others come from the extensions named in each entry.
#[rustfmt::skip]
pub const BASIC_CODES: &[BasicCode] = &[
    basic(211, "system status", "A reply to a status or help request; it carries information, not a verdict on your mail.", RFC5321_LIST),
    basic(214, "help message", "Help text meant for a person, usually the answer to HELP.", RFC5321_LIST),
    basic(220, "service ready", "The server greets the client and is ready for commands (also the go-ahead after STARTTLS).", RFC5321_LIST),
    basic(221, "closing connection", "The server is closing the connection, normally in answer to QUIT.", RFC5321_LIST),
    basic(235, "authentication succeeded", "The server accepted the credentials; the client is now authenticated.", RFC4954_CODES),
    basic(250, "requested action completed", "The command succeeded.", RFC5321_LIST),
    basic(251, "user not local; will forward", "The recipient is not hosted here, but the server accepts the message and forwards it.", RFC5321_LIST),
    basic(252, "cannot verify user; will attempt delivery", "The server will not confirm whether the address exists, but accepts mail for it.", RFC5321_LIST),
    basic(334, "authentication challenge", "The server is in the middle of an AUTH exchange and waits for the client's next base64 response.", "RFC 4954 §4"),
    basic(354, "start mail input", "The server waits for the message content, ended by a line holding a single dot.", RFC5321_LIST),
    basic(421, "service not available", "The server is closing the connection, usually because it is overloaded, shutting down or limiting this client; try again later.", RFC5321_LIST),
    basic(432, "password transition needed", "The account must authenticate once with PLAIN (over TLS) before the chosen mechanism works.", RFC4954_CODES),
    basic(450, "mailbox unavailable (temporary)", "The mailbox cannot be used right now (busy, locked, greylisting or a temporary policy block); the same request may work later.", RFC5321_LIST),
    basic(451, "local error in processing", "The server hit a problem on its side and aborted the command; try again later.", RFC5321_LIST),
    basic(452, "insufficient system storage", "The server is short of storage, or too many recipients were given at once; retry later or with fewer recipients.", RFC5321_LIST),
    basic(454, "temporary authentication failure", "Authentication (or TLS) cannot be done right now because of a problem on the server side; try again later.", "RFC 4954 §6; RFC 3207 §4"),
    basic(455, "server unable to accommodate parameters", "The server cannot handle the MAIL FROM or RCPT TO parameters right now; try again later.", RFC5321_LIST),
    basic(500, "syntax error, command unrecognized", "The server did not understand the command, or the line was too long (also sent when an AUTH response is too long).", RFC5321_LIST),
    basic(501, "syntax error in parameters or arguments", "The command was understood but its arguments were malformed, for example a badly formed address.", RFC5321_LIST),
    basic(502, "command not implemented", "The server does not support this command.", RFC5321_LIST),
    basic(503, "bad sequence of commands", "A command came in the wrong order, for example RCPT before MAIL, or MAIL before a required AUTH.", RFC5321_LIST),
    basic(504, "command parameter not implemented", "The server does not support a parameter or mechanism the client asked for.", RFC5321_LIST),
    basic(521, "host does not accept mail", "This host never accepts mail at all; sending to it will not work.", "RFC 7504"),
    basic(530, "authentication required", "The server requires the client to authenticate, or to start TLS first, before this command.", "RFC 4954 §6; RFC 3207 §4"),
    basic(534, "authentication mechanism is too weak", "The server refuses the chosen mechanism for this account; use a stronger one.", RFC4954_CODES),
    basic(535, "authentication credentials invalid", "The username, password or token was rejected.", RFC4954_CODES),
    basic(538, "encryption required for requested authentication mechanism", "This mechanism may only be used over an encrypted connection; start TLS first.", RFC4954_CODES),
    basic(550, "mailbox unavailable", "The request was refused for good: the mailbox does not exist, cannot be reached, or policy refused the message.", RFC5321_LIST),
    basic(551, "user not local", "The recipient is not hosted here and the server will not forward the message; try the address it suggests.", RFC5321_LIST),
    basic(552, "exceeded storage allocation", "A storage limit was hit: the recipient's mailbox is full or the message is too big.", RFC5321_LIST),
    basic(553, "mailbox name not allowed", "The address is not acceptable, for example malformed or not allowed for this sender.", RFC5321_LIST),
    basic(554, "transaction failed", "The transaction failed, or (as the greeting) the server will not talk to this client; often a policy or block-list rejection.", RFC5321_LIST),
    basic(555, "MAIL FROM/RCPT TO parameters not recognized or not implemented", "The server does not know or support a parameter given with MAIL FROM or RCPT TO.", "RFC 5321 §4.2.3 (from RFC 1869)"),
    basic(556, "domain does not accept mail", "The recipient's domain publishes a null MX: it accepts no mail at all.", "RFC 7504"),
];

/// The basic reply code `code`, when it is one a standard defines.
pub fn basic_code(code: u16) -> Option<&'static BasicCode> {
    BASIC_CODES.binary_search_by_key(&code, |c| c.code).ok().map(|i| &BASIC_CODES[i])
}

/// RFC 5321 §4.2.1: the first digit says whether the request worked. Index = digit.
const FIRST_DIGIT: [Option<(&str, &str)>; 10] = [
    None,
    None,
    Some(("positive completion", "the requested action was completed")),
    Some(("positive intermediate", "accepted so far; the server waits for more from the client")),
    Some((
        "transient negative completion",
        "not done, but the condition is temporary; the same request may work later",
    )),
    Some((
        "permanent negative completion",
        "not done, and repeating the same request will not help without a change",
    )),
    None,
    None,
    None,
    None,
];

/// RFC 5321 §4.2.1: the second digit says what the reply is about. Index = digit.
const SECOND_DIGIT: [Option<(&str, &str)>; 10] = [
    Some(("syntax", "syntax errors, and commands that are unimplemented or superfluous")),
    Some(("information", "replies to requests for information, such as status or help")),
    Some(("connections", "replies about the transmission channel")),
    Some(("unspecified", "a category RFC 5321 leaves unspecified")),
    Some(("unspecified", "a category RFC 5321 leaves unspecified")),
    Some(("mail system", "the state of the receiving mail system for the requested action")),
    None,
    None,
    None,
    None,
];

/// The class of a reply code in plain words, from its first digit (RFC 5321 §4.2.1):
/// "success", "intermediate", "temporary failure" or "permanent failure".
pub fn reply_class(code: u16) -> Option<&'static str> {
    match code / 100 {
        2 => Some("success"),
        3 => Some("intermediate"),
        4 => Some("temporary failure"),
        5 => Some("permanent failure"),
        _ => None,
    }
}

/// A description of any three-digit code from the meaning of its digits (RFC 5321 §4.2.1),
/// for codes no table knows, such as 471.
pub fn describe_digits(code: u16) -> String {
    if !(100..=999).contains(&code) {
        return format!("{code} is not a three-digit SMTP reply code");
    }
    let first = usize::from(code / 100);
    let second = usize::from(code / 10 % 10);
    let first_text = match FIRST_DIGIT[first] {
        Some((name, plain)) => format!("{first}yz {name}: {plain}"),
        None => format!("{first}yz: not a reply class (RFC 5321 uses 2 to 5)"),
    };
    let second_text = match SECOND_DIGIT[second] {
        Some((name, plain)) => format!("x{second}z {name}: {plain}"),
        None => format!("x{second}z: not a category RFC 5321 defines (it uses 0 to 5)"),
    };
    format!("{first_text}; {second_text}")
}

/// One detail code of the enhanced status code registry, without its class: `X.S.D`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusDetail {
    /// The subject sub-code S (0 to 7).
    pub subject: u16,
    /// The detail sub-code D.
    pub detail: u16,
    /// The registry's title, lower case, e.g. "bad destination mailbox address".
    pub title: &'static str,
    /// What it means for the sender and what to do, in plain words.
    pub description: &'static str,
    /// Where it is defined, e.g. "RFC 3463 §3.2".
    pub rfc: &'static str,
}

const fn d(
    subject: u16,
    detail: u16,
    title: &'static str,
    description: &'static str,
    rfc: &'static str,
) -> StatusDetail {
    StatusDetail { subject, detail, title, description, rfc }
}

/// The enumerated codes of the IANA "SMTP Enhanced Status Codes" registry (RFC 5248 §2),
/// sorted by (subject, detail). X.4.8 and X.7.31+ are not assigned; X.6.10 is a deprecated
/// duplicate kept so servers that send it are still understood.
#[rustfmt::skip]
pub const STATUS_DETAILS: &[StatusDetail] = &[
    d(0, 0, "other undefined status", "Something failed and the server gave no more detail than the class; the reply text is the only clue.", "RFC 3463 §3.1"),
    d(1, 0, "other address status", "Something about an address (sender or recipient) caused this; check both addresses.", "RFC 3463 §3.2"),
    d(1, 1, "bad destination mailbox address", "The address does not exist there; check it for typos.", "RFC 3463 §3.2"),
    d(1, 2, "bad destination system address", "The recipient's domain does not exist or cannot receive mail; check the part after the @.", "RFC 3463 §3.2"),
    d(1, 3, "bad destination mailbox address syntax", "The recipient address is malformed; fix its syntax.", "RFC 3463 §3.2"),
    d(1, 4, "destination mailbox address ambiguous", "The address matches more than one mailbox on the receiving system; use a more exact address.", "RFC 3463 §3.2"),
    d(1, 5, "destination address valid", "The recipient address was accepted.", "RFC 3463 §3.2"),
    d(1, 6, "destination mailbox has moved, no forwarding address", "The address used to be valid but no longer receives mail; remove it or ask for the new one.", "RFC 3463 §3.2"),
    d(1, 7, "bad sender's mailbox address syntax", "The sender (MAIL FROM) address is malformed; fix it.", "RFC 3463 §3.2"),
    d(1, 8, "bad sender's system address", "The sender's domain does not exist or cannot receive replies; fix that domain's DNS (MX or A records) or use another sender address.", "RFC 3463 §3.2"),
    d(1, 9, "message relayed to non-compliant mailer", "The address was valid, but the message went on to a system that cannot report delivery status; no further news will come.", "RFC 3886"),
    d(1, 10, "recipient address has null MX", "The recipient's domain publishes a null MX, meaning it accepts no mail; this address cannot receive mail.", "RFC 7505"),
    d(2, 0, "other or undefined mailbox status", "The mailbox exists, but something about it stopped delivery; the reply text may say what.", "RFC 3463 §3.3"),
    d(2, 1, "mailbox disabled, not accepting messages", "The mailbox exists but is switched off, for now or for good; reach the recipient another way.", "RFC 3463 §3.3"),
    d(2, 2, "mailbox full", "The recipient's mailbox is over its quota; they must make room, so retry later or tell them another way.", "RFC 3463 §3.3"),
    d(2, 3, "message length exceeds administrative limit", "The message is larger than this mailbox accepts; send a smaller one (a link instead of an attachment).", "RFC 3463 §3.3"),
    d(2, 4, "mailing list expansion problem", "The address is a mailing list that could not be expanded; tell the list owner.", "RFC 3463 §3.3"),
    d(3, 0, "other or undefined mail system status", "The receiving system normally accepts mail, but something on its side caused this.", "RFC 3463 §3.4"),
    d(3, 1, "mail system full", "The receiving system is out of storage; retry later.", "RFC 3463 §3.4"),
    d(3, 2, "system not accepting network messages", "The receiving host is not accepting mail now (maintenance, overload, shutdown) or at all.", "RFC 3463 §3.4"),
    d(3, 3, "system not capable of selected features", "The receiving system does not support a feature the message asked for.", "RFC 3463 §3.4"),
    d(3, 4, "message too big for system", "The message exceeds the receiving system's size limit; send a smaller message.", "RFC 3463 §3.4"),
    d(3, 5, "system incorrectly configured", "The receiving system is misconfigured and cannot accept this message; its administrator must fix it.", "RFC 3463 §3.4"),
    d(3, 6, "requested priority was changed", "The message was accepted, but not at the priority asked for; the reply text gives the new priority.", "RFC 6710"),
    d(4, 0, "other or undefined network or routing status", "Something went wrong in the network or in routing, with no more detail.", "RFC 3463 §3.5"),
    d(4, 1, "no answer from host", "The next server could not be reached (no answer, or busy); delivery is usually retried.", "RFC 3463 §3.5"),
    d(4, 2, "bad connection", "A connection was made but broke or timed out before the transfer finished; retry later.", "RFC 3463 §3.5"),
    d(4, 3, "directory server failure", "A lookup service, usually DNS, was unavailable, so the message could not be routed; retry later.", "RFC 3463 §3.5"),
    d(4, 4, "unable to route", "No route to the destination was found, for example the domain has no usable MX or address records; check the domain.", "RFC 3463 §3.5"),
    d(4, 5, "mail system congestion", "The mail system is congested; retry later.", "RFC 3463 §3.5"),
    d(4, 6, "routing loop detected", "The message went around in a forwarding loop; the administrators must fix the routing or forwarding rules.", "RFC 3463 §3.5"),
    d(4, 7, "delivery time expired", "The message waited too long in a queue and was given up; the real cause is usually in the earlier attempts.", "RFC 3463 §3.5"),
    d(5, 0, "other or undefined protocol status", "Something went wrong in the SMTP exchange itself.", "RFC 3463 §3.6"),
    d(5, 1, "invalid command", "A command was sent out of order or is not supported.", "RFC 3463 §3.6"),
    d(5, 2, "syntax error", "A command could not be parsed or is unknown.", "RFC 3463 §3.6"),
    d(5, 3, "too many recipients", "The message has more recipients than the server takes at once; split the recipient list.", "RFC 3463 §3.6"),
    d(5, 4, "invalid command arguments", "A valid command had arguments that are out of range or not supported.", "RFC 3463 §3.6"),
    d(5, 5, "wrong protocol version", "Client and server disagree on a protocol version and cannot resolve it.", "RFC 3463 §3.6"),
    d(5, 6, "authentication exchange line is too long", "An AUTH response was longer than the server accepts for this mechanism.", RFC4954_CODES),
    d(6, 0, "other or undefined media error", "Something about the message content made it undeliverable.", "RFC 3463 §3.7"),
    d(6, 1, "media not supported", "The message's content type is not supported on the path to the recipient.", "RFC 3463 §3.7"),
    d(6, 2, "conversion required and prohibited", "The content must be converted to be delivered, but conversion is not allowed.", "RFC 3463 §3.7"),
    d(6, 3, "conversion required but not supported", "The content must be converted (for example 8-bit to 7-bit) and no system on the path can do it; send MIME-encoded, 7-bit-safe content.", "RFC 3463 §3.7"),
    d(6, 4, "conversion with loss performed", "The message was delivered, but converting it lost some data.", "RFC 3463 §3.7"),
    d(6, 5, "conversion failed", "A needed conversion of the content failed.", "RFC 3463 §3.7"),
    d(6, 6, "message content not available", "The message content could not be fetched from the remote system it was referenced on (BURL).", "RFC 4468"),
    d(6, 7, "non-ASCII addresses not permitted for that sender/recipient", "An address contains non-ASCII characters, which this server does not accept for it.", "RFC 6531"),
    d(6, 8, "UTF-8 string reply is required, but not permitted by the SMTP client", "The server would need a UTF-8 reply to show the mailbox name, but the client did not allow one.", "RFC 6531"),
    d(6, 9, "UTF-8 header message cannot be transferred to one or more recipients", "The message has UTF-8 headers that cannot be delivered to some recipients, so it was rejected.", "RFC 6531"),
    d(6, 10, "UTF-8 string reply is required (deprecated duplicate of X.6.8)", "Registered by mistake as a duplicate of X.6.8; it means the same.", "RFC 6531"),
    d(7, 0, "other or undefined security status", "A security or policy reason stopped the message, without more detail (often: authentication or TLS required, or temporarily unavailable).", "RFC 3463 §3.8"),
    d(7, 1, "delivery not authorized, message refused", "The receiver's policy refused the message: a block list, spam filter, relay denial or recipient rule; the reply text usually says which.", "RFC 3463 §3.8"),
    d(7, 2, "mailing list expansion prohibited", "The sender is not allowed to post to this mailing list.", "RFC 3463 §3.8"),
    d(7, 3, "security conversion required but not possible", "The message would need converting between secure-messaging formats, which is not possible.", "RFC 3463 §3.8"),
    d(7, 4, "security features not supported", "The message uses security features that the delivery path does not support.", "RFC 3463 §3.8"),
    d(7, 5, "cryptographic failure", "A system allowed to verify or decrypt the message could not, for example because a key was missing or invalid.", "RFC 3463 §3.8"),
    d(7, 6, "cryptographic algorithm not supported", "A system could not verify or decrypt the message because it lacks the algorithm.", "RFC 3463 §3.8"),
    d(7, 7, "message integrity failure", "The message was found corrupted or altered in transit.", "RFC 3463 §3.8"),
    d(7, 8, "authentication credentials invalid", "Authentication failed: the username, password or token was rejected; check the credentials.", RFC4954_CODES),
    d(7, 9, "authentication mechanism is too weak", "The server refuses this mechanism for this account; use a stronger one.", RFC4954_CODES),
    d(7, 10, "encryption needed", "This authentication needs an encrypted connection; start TLS first, or use a stronger mechanism.", "RFC 5248"),
    d(7, 11, "encryption required for requested authentication mechanism", "This mechanism may only be used over an encrypted connection; start TLS first.", RFC4954_CODES),
    d(7, 12, "a password transition is needed", "Authenticate once with PLAIN (over TLS) so the server can set up the mechanism that was chosen.", RFC4954_CODES),
    d(7, 13, "user account disabled", "The credentials were right but the account is disabled; only its administrator can re-enable it.", "RFC 5248"),
    d(7, 14, "trust relationship required", "The submission server needs a configured trust relationship with a third-party server to fetch the content.", "RFC 5248"),
    d(7, 15, "priority level is too low", "The message's priority is below what the server accepts now; retry later or with a higher priority.", "RFC 6710"),
    d(7, 16, "message is too big for the specified priority", "At the requested priority this message is too large; make it smaller or lower its priority.", "RFC 6710"),
    d(7, 17, "mailbox owner has changed", "The recipient mailbox changed owners since the date the sender required (RRVS); the intended person no longer has it.", "RFC 7293"),
    d(7, 18, "domain owner has changed", "The recipient domain changed owners since the date the sender required (RRVS).", "RFC 7293"),
    d(7, 19, "RRVS test cannot be completed", "The receiver cannot check mailbox ownership since the given date; decide whether to resend without RRVS.", "RFC 7293"),
    d(7, 20, "no passing DKIM signature found", "The message carried no valid DKIM signature; sign outgoing mail with DKIM and check the public key in DNS.", "RFC 7372 §3.1"),
    d(7, 21, "no acceptable DKIM signature found", "DKIM signatures verified, but none is acceptable to the receiver (for example the wrong signing domain).", "RFC 7372 §3.1"),
    d(7, 22, "no valid author-matched DKIM signature found", "No valid DKIM signature matches the domain in the From header; sign with the From domain.", "RFC 7372 §3.1"),
    d(7, 23, "SPF validation failed", "The sending IP is not allowed by the SPF record of the sender's domain; add it to SPF or send through an authorized server.", "RFC 7372 §3.2"),
    d(7, 24, "SPF validation error", "Checking SPF hit an error, such as a broken SPF record or a DNS failure; fix the record and its lookups.", "RFC 7372 §3.2"),
    d(7, 25, "reverse DNS validation failed", "The sending IP has no reverse DNS (PTR) name that resolves back to it; have the IP's owner set one.", "RFC 7372 §3.3"),
    d(7, 26, "multiple authentication checks failed", "The message failed more than one authentication check (typically SPF and DKIM, so DMARC fails too); publish SPF and sign with DKIM, aligned with the From domain.", "RFC 7372 §3.4"),
    d(7, 27, "sender address has null MX", "The sender's domain publishes a null MX (it receives no mail), so the receiver refuses mail it could never bounce; use a sender domain that receives mail.", "RFC 7505"),
    d(7, 28, "mail flood detected", "The message looks like part of a flood of similar abusive messages; slow down and check the sending for abuse.", "IANA registry (draft-levine-mailbomb-header)"),
    d(7, 29, "ARC validation failure", "The message's Authenticated Received Chain (ARC) did not validate.", "RFC 8617"),
    d(7, 30, "REQUIRETLS support required", "The message demanded REQUIRETLS, but the next hop does not support it, so it could not be passed on.", "RFC 8689"),
];

/// The class of an enhanced status code (RFC 3463 §2): 2, 4 or 5.
pub fn status_class(class: u8) -> Option<&'static str> {
    match class {
        2 => Some("success"),
        4 => Some("persistent transient failure"),
        5 => Some("permanent failure"),
        _ => None,
    }
}

/// The subject of an enhanced status code (RFC 3463 §2): 0 to 7.
pub fn status_subject(subject: u16) -> Option<&'static str> {
    const SUBJECTS: [&str; 8] = [
        "other or undefined status",
        "addressing status",
        "mailbox status",
        "mail system status",
        "network and routing status",
        "mail delivery protocol status",
        "message content or media status",
        "security or policy status",
    ];
    SUBJECTS.get(usize::from(subject)).copied()
}

/// The registry entry for `X.subject.detail`, when it is assigned.
pub fn status_detail(subject: u16, detail: u16) -> Option<&'static StatusDetail> {
    STATUS_DETAILS
        .binary_search_by_key(&(subject, detail), |s| (s.subject, s.detail))
        .ok()
        .map(|i| &STATUS_DETAILS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cites_a_source(rfc: &str) -> bool {
        rfc.starts_with("RFC ") || rfc.starts_with("IANA registry")
    }

    #[test]
    fn basic_codes_are_sorted_unique_and_complete() {
        assert!(BASIC_CODES.windows(2).all(|w| w[0].code < w[1].code));
        for c in BASIC_CODES {
            assert!((200..600).contains(&c.code), "{}", c.code);
            assert!(!c.meaning.is_empty() && !c.explanation.is_empty(), "{}", c.code);
            assert!(cites_a_source(c.rfc), "{} cites {:?}", c.code, c.rfc);
            assert_eq!(basic_code(c.code), Some(c));
        }
        let rfc5321 = [
            211, 214, 220, 221, 250, 251, 252, 354, 421, 450, 451, 452, 455, 500, 501, 502, 503,
            504, 550, 551, 552, 553, 554, 555,
        ];
        let others = [235, 334, 432, 454, 521, 530, 534, 535, 538, 556];
        for code in rfc5321.iter().chain(&others) {
            assert!(basic_code(*code).is_some(), "{code} missing");
        }
        assert_eq!(BASIC_CODES.len(), rfc5321.len() + others.len());
    }

    #[test]
    fn basic_code_spot_checks() {
        let c550 = basic_code(550).expect("550");
        assert_eq!(c550.meaning, "mailbox unavailable");
        assert_eq!(c550.rfc, "RFC 5321 §4.2.3");
        let c421 = basic_code(421).expect("421");
        assert_eq!(c421.meaning, "service not available");
        assert!(c421.explanation.contains("later"));
        assert_eq!(basic_code(535).map(|c| c.rfc), Some("RFC 4954 §6"));
        assert_eq!(basic_code(556).map(|c| c.rfc), Some("RFC 7504"));
    }

    #[test]
    fn unknown_basic_codes_are_absent() {
        for code in [0, 199, 471, 599, 600, u16::MAX] {
            assert_eq!(basic_code(code), None, "{code}");
        }
    }

    #[test]
    fn digits_describe_an_unknown_code() {
        let text = describe_digits(471);
        assert!(text.contains("transient negative"), "{text}");
        assert!(text.contains("x7z"), "{text}");
        assert!(text.contains("not a category"), "{text}");
        let text = describe_digits(559);
        assert!(text.starts_with("5yz permanent negative completion"), "{text}");
        assert!(text.contains("x5z mail system"), "{text}");
        assert!(describe_digits(120).contains("not a reply class"));
        assert!(describe_digits(42).contains("not a three-digit"));
        assert!(describe_digits(u16::MAX).contains("not a three-digit"));
    }

    #[test]
    fn every_first_and_second_digit_has_a_description() {
        for first in 2..=5u16 {
            for second in 0..=5u16 {
                let text = describe_digits(first * 100 + second * 10);
                assert!(!text.contains("not a"), "{text}");
            }
        }
    }

    #[test]
    fn reply_class_follows_first_digit() {
        assert_eq!(reply_class(250), Some("success"));
        assert_eq!(reply_class(354), Some("intermediate"));
        assert_eq!(reply_class(421), Some("temporary failure"));
        assert_eq!(reply_class(550), Some("permanent failure"));
        assert_eq!(reply_class(650), None);
    }

    #[test]
    fn status_details_are_sorted_unique_and_cited() {
        assert!(
            STATUS_DETAILS
                .windows(2)
                .all(|w| (w[0].subject, w[0].detail) < (w[1].subject, w[1].detail))
        );
        for s in STATUS_DETAILS {
            assert!(status_subject(s.subject).is_some(), "X.{}.{}", s.subject, s.detail);
            assert!(!s.title.is_empty() && !s.description.is_empty());
            assert!(cites_a_source(s.rfc), "X.{}.{} cites {:?}", s.subject, s.detail, s.rfc);
            assert_eq!(status_detail(s.subject, s.detail), Some(s));
        }
    }

    #[test]
    fn registry_detail_counts_per_subject() {
        // Highest assigned detail per subject in the IANA registry (X.1.10, X.2.4, X.3.6,
        // X.4.7, X.5.6, X.6.10, X.7.30), and every detail below it is assigned.
        let highest = [0u16, 10, 4, 6, 7, 6, 10, 30];
        for (subject, top) in highest.iter().enumerate() {
            let subject = subject as u16;
            for detail in 0..=*top {
                assert!(status_detail(subject, detail).is_some(), "X.{subject}.{detail}");
            }
            assert!(status_detail(subject, top + 1).is_none(), "X.{subject}.{}", top + 1);
        }
    }

    #[test]
    fn status_detail_spot_checks() {
        let s = status_detail(7, 26).expect("X.7.26");
        assert_eq!(s.title, "multiple authentication checks failed");
        assert_eq!(s.rfc, "RFC 7372 §3.4");
        let s = status_detail(1, 1).expect("X.1.1");
        assert_eq!(s.title, "bad destination mailbox address");
        assert_eq!(
            status_detail(7, 0).map(|s| s.title),
            Some("other or undefined security status")
        );
        assert_eq!(status_detail(7, 8).map(|s| s.rfc), Some("RFC 4954 §6"));
        assert_eq!(
            status_detail(7, 9).map(|s| s.title),
            Some("authentication mechanism is too weak")
        );
        assert_eq!(status_detail(7, 23).map(|s| s.title), Some("SPF validation failed"));
        assert_eq!(status_detail(7, 27).map(|s| s.rfc), Some("RFC 7505"));
        assert_eq!(status_detail(7, 29).map(|s| s.rfc), Some("RFC 8617"));
        assert_eq!(status_detail(7, 30).map(|s| s.rfc), Some("RFC 8689"));
        assert_eq!(status_detail(4, 8), None);
        assert_eq!(status_detail(8, 0), None);
    }

    #[test]
    fn classes_and_subjects() {
        assert_eq!(status_class(2), Some("success"));
        assert_eq!(status_class(4), Some("persistent transient failure"));
        assert_eq!(status_class(5), Some("permanent failure"));
        for class in [0, 1, 3, 6, 9, u8::MAX] {
            assert_eq!(status_class(class), None, "{class}");
        }
        assert_eq!(status_subject(1), Some("addressing status"));
        assert_eq!(status_subject(7), Some("security or policy status"));
        assert_eq!(status_subject(8), None);
        assert_eq!(status_subject(u16::MAX), None);
    }
}
