//! ESMTP parameters of `MAIL FROM` and `RCPT TO`, from what the message needs, what the user
//! asked for and what the server offers: `SIZE=` (RFC 1870), `BODY=8BITMIME` (RFC 6152),
//! `SMTPUTF8` (RFC 6531), `RET=`/`ENVID=`/`NOTIFY=` (RFC 3461), `REQUIRETLS` (RFC 8689).
//!
//! It owns the rules for when a parameter may be sent and when the message cannot go to this
//! server at all, plus the DSN value syntax (xtext). It must not talk to the server.

use crate::smtp::extension::EhloInfo;

/// RFC 3461 requests, already validated (see [`parse_notify`], [`xtext`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dsn {
    /// `NOTIFY=` value: `NEVER`, or a comma list of `SUCCESS`, `FAILURE`, `DELAY`.
    pub notify: Option<String>,
    /// `RET=` value: `FULL` or `HDRS`.
    pub ret: Option<String>,
    /// `ENVID=` value, xtext-encoded.
    pub envid: Option<String>,
}

impl Dsn {
    /// True when any DSN parameter was asked for.
    pub fn requested(&self) -> bool {
        self.notify.is_some() || self.ret.is_some() || self.envid.is_some()
    }
}

/// RFC 3461 §4.1: `NEVER` alone, or any of `SUCCESS`, `FAILURE`, `DELAY`. Case-insensitive,
/// duplicates dropped, returned upper-cased in the order given.
pub fn parse_notify(text: &str) -> Result<String, String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(',').map(str::trim) {
        let word = word.to_ascii_uppercase();
        if !matches!(word.as_str(), "NEVER" | "SUCCESS" | "FAILURE" | "DELAY") {
            return Err(format!("{word:?} is not one of never, success, failure, delay"));
        }
        if !words.contains(&word) {
            words.push(word);
        }
    }
    if words.len() > 1 && words.iter().any(|w| w == "NEVER") {
        return Err("never cannot be combined with success, failure or delay".into());
    }
    Ok(words.join(","))
}

/// RFC 3461 §4: xtext, where `+`, `=`, and octets outside `!`..`~` are written `+XX`.
/// `ENVID` is printable ASCII of at most 100 characters (§4.4); anything else is refused.
pub fn xtext(value: &str) -> Result<String, String> {
    if value.is_empty() || value.len() > 100 {
        return Err("must be 1 to 100 characters".into());
    }
    if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err("must be printable ASCII".into());
    }
    Ok(value
        .bytes()
        .map(|b| match b {
            b'+' | b'=' | b' ' => format!("+{b:02X}"),
            _ => (b as char).to_string(),
        })
        .collect())
}

/// What the message needs from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// Exact size in octets.
    pub size: u64,
    /// Octets ≥ 0x80 in the content.
    pub eight_bit: bool,
    /// A UTF-8 address or header (RFC 6531 / 6532).
    pub smtputf8: bool,
    /// `--require-tls`.
    pub require_tls: bool,
}

/// The parameters to send, and what to tell the user about the choices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiated {
    pub mail: Vec<String>,
    pub rcpt: Vec<String>,
    /// Extensions used, for the report.
    pub used: Vec<String>,
    /// Requests dropped because the server does not offer them.
    pub warnings: Vec<String>,
}

/// Decides the parameters, or says why this server cannot take the message (the `what` of
/// [`super::Failure::Unsupported`]).
pub fn negotiate(info: &EhloInfo, needs: Needs, dsn: &Dsn) -> Result<Negotiated, String> {
    if needs.smtputf8 && !info.smtputf8() {
        return Err("does not offer SMTPUTF8 (RFC 6531), which the non-ASCII addresses need".into());
    }
    if needs.eight_bit && !needs.smtputf8 && !info.eightbitmime() {
        return Err("does not offer 8BITMIME (RFC 6152), and the message has 8-bit content".into());
    }
    if needs.require_tls && !info.requiretls() {
        return Err("does not offer REQUIRETLS (RFC 8689), which --require-tls needs".into());
    }
    let mut out = Negotiated::default();
    if let Some(limit) = info.size() {
        if let Some(max) = limit.filter(|&max| needs.size > max) {
            return Err(format!(
                "accepts messages of at most {max} bytes (SIZE, RFC 1870); this one is {} bytes",
                needs.size
            ));
        }
        out.mail.push(format!("SIZE={}", needs.size));
        out.used.push("SIZE".into());
    }
    if needs.eight_bit && info.eightbitmime() {
        out.mail.push("BODY=8BITMIME".into());
        out.used.push("8BITMIME".into());
    }
    if needs.smtputf8 {
        out.mail.push("SMTPUTF8".into());
        out.used.push("SMTPUTF8".into());
    }
    if needs.require_tls {
        out.mail.push("REQUIRETLS".into());
        out.used.push("REQUIRETLS".into());
    }
    if dsn.requested() {
        if info.dsn() {
            out.mail.extend(dsn.ret.iter().map(|r| format!("RET={r}")));
            out.mail.extend(dsn.envid.iter().map(|e| format!("ENVID={e}")));
            out.rcpt.extend(dsn.notify.iter().map(|n| format!("NOTIFY={n}")));
            out.used.push("DSN".into());
        } else {
            out.warnings.push(
                "the server does not offer DSN (RFC 3461); --dsn-* options are not sent".into(),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::parse_reply;

    fn ehlo(keywords: &[&str]) -> EhloInfo {
        let mut text = String::from("250-mx.test\r\n");
        for k in keywords {
            text.push_str(&format!("250-{k}\r\n"));
        }
        text.push_str("250 HELP\r\n");
        EhloInfo::from_reply(&parse_reply(text.as_bytes()).unwrap())
    }

    const PLAIN: Needs =
        Needs { size: 1000, eight_bit: false, smtputf8: false, require_tls: false };

    #[test]
    fn size_is_declared_and_checked_against_the_limit() {
        let n = negotiate(&ehlo(&["SIZE 5000"]), PLAIN, &Dsn::default()).unwrap();
        assert_eq!(n.mail, ["SIZE=1000"]);
        let too_big = Needs { size: 5001, ..PLAIN };
        let err = negotiate(&ehlo(&["SIZE 5000"]), too_big, &Dsn::default()).unwrap_err();
        assert!(err.contains("at most 5000 bytes") && err.contains("5001 bytes"), "{err}");
        // No SIZE keyword: nothing declared. SIZE without a limit: declared, never too big.
        assert!(negotiate(&ehlo(&[]), PLAIN, &Dsn::default()).unwrap().mail.is_empty());
        let unlimited = negotiate(&ehlo(&["SIZE"]), too_big, &Dsn::default()).unwrap();
        assert_eq!(unlimited.mail, ["SIZE=5001"]);
    }

    #[test]
    fn utf8_needs_smtputf8_and_8bit_needs_8bitmime() {
        let utf8 = Needs { eight_bit: true, smtputf8: true, ..PLAIN };
        assert!(negotiate(&ehlo(&["8BITMIME"]), utf8, &Dsn::default()).is_err());
        let n = negotiate(&ehlo(&["8BITMIME", "SMTPUTF8"]), utf8, &Dsn::default()).unwrap();
        assert_eq!(n.mail, ["BODY=8BITMIME", "SMTPUTF8"]);
        let eight = Needs { eight_bit: true, ..PLAIN };
        assert!(negotiate(&ehlo(&[]), eight, &Dsn::default()).unwrap_err().contains("8BITMIME"));
    }

    #[test]
    fn dsn_parameters_only_when_offered() {
        let dsn = Dsn {
            notify: Some("SUCCESS,FAILURE".into()),
            ret: Some("HDRS".into()),
            envid: Some(xtext("id+1 x").unwrap()),
        };
        let n = negotiate(&ehlo(&["DSN"]), PLAIN, &dsn).unwrap();
        assert_eq!(n.mail, ["RET=HDRS", "ENVID=id+2B1+20x"]);
        assert_eq!(n.rcpt, ["NOTIFY=SUCCESS,FAILURE"]);
        let n = negotiate(&ehlo(&[]), PLAIN, &dsn).unwrap();
        assert!(n.mail.is_empty() && n.rcpt.is_empty());
        assert_eq!(n.warnings.len(), 1);
    }

    #[test]
    fn requiretls_must_be_offered() {
        let needs = Needs { require_tls: true, ..PLAIN };
        assert!(negotiate(&ehlo(&[]), needs, &Dsn::default()).is_err());
        assert_eq!(
            negotiate(&ehlo(&["REQUIRETLS"]), needs, &Dsn::default()).unwrap().mail,
            ["REQUIRETLS"]
        );
    }

    #[test]
    fn notify_values_follow_rfc_3461() {
        assert_eq!(parse_notify("failure, delay,failure").unwrap(), "FAILURE,DELAY");
        assert_eq!(parse_notify("never").unwrap(), "NEVER");
        assert!(parse_notify("never,success").is_err());
        assert!(parse_notify("sometimes").is_err());
    }

    #[test]
    fn envid_is_xtext() {
        assert_eq!(xtext("a=b+c").unwrap(), "a+3Db+2Bc");
        assert!(xtext("").is_err());
        assert!(xtext("caf\u{e9}").is_err());
        assert!(xtext(&"x".repeat(101)).is_err());
    }
}
