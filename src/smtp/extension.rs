//! What the server said about itself in its EHLO reply: every keyword with its parameters, kept
//! as sent (unknown ones too, since a diagnostic tool must show them), with typed accessors for
//! the extensions smtpx uses.
//!
//! RFC 5321 §4.1.1.1: the first line is the server's domain and greeting, each further line is
//! `keyword [params]`. Keywords are case-insensitive; we store them upper-cased.

use serde::Serialize;

use super::reply::Reply;

/// One EHLO keyword and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extension {
    /// The keyword, upper-cased: `SIZE`, `AUTH`, `X-ANYTHING`.
    pub keyword: String,
    /// The space-separated parameters, as sent.
    pub params: Vec<String>,
}

/// The parsed EHLO (or HELO) reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EhloInfo {
    /// The first line: the server's name and greeting.
    pub greeting: String,
    /// Every keyword line, in order.
    pub extensions: Vec<Extension>,
    /// True when EHLO was refused and HELO accepted: no extensions at all (RFC 5321 §4.1.4).
    pub helo_fallback: bool,
}

/// Facts about the extensions smtpx knows, with the RFC that defines each (shown by `trace`).
pub const KNOWN_EXTENSIONS: &[(&str, &str, &str)] = &[
    ("8BITMIME", "RFC 6152", "accepts 8-bit message bodies"),
    ("AUTH", "RFC 4954", "authentication, with these SASL mechanisms"),
    ("BINARYMIME", "RFC 3030", "accepts binary bodies with BDAT"),
    ("CHUNKING", "RFC 3030", "accepts the message in chunks with BDAT"),
    ("DELIVERBY", "RFC 2852", "delivery time limits"),
    ("DSN", "RFC 3461", "delivery status notifications on request"),
    ("ENHANCEDSTATUSCODES", "RFC 2034", "replies carry enhanced status codes"),
    ("ETRN", "RFC 1985", "remote queue starting"),
    ("HELP", "RFC 5321", "HELP command"),
    ("LIMITS", "RFC 9422", "announces its limits on recipients and transactions"),
    ("MT-PRIORITY", "RFC 6710", "message priorities"),
    ("MTRK", "RFC 3885", "message tracking"),
    ("PIPELINING", "RFC 2920", "several commands may be sent without waiting"),
    ("REQUIRETLS", "RFC 8689", "can require TLS for the whole delivery path"),
    ("SIZE", "RFC 1870", "declares a maximum message size"),
    ("SMTPUTF8", "RFC 6531", "accepts internationalised (UTF-8) addresses"),
    ("STARTTLS", "RFC 3207", "can upgrade this connection to TLS"),
    ("VRFY", "RFC 5321", "address verification"),
];

impl EhloInfo {
    /// Builds the info from a positive EHLO reply.
    pub fn from_reply(reply: &Reply) -> EhloInfo {
        let mut lines = reply.lines.iter();
        let greeting = lines.next().cloned().unwrap_or_default();
        let extensions = lines
            .filter_map(|line| {
                let mut words = line.split_ascii_whitespace();
                let keyword = words.next()?.to_ascii_uppercase();
                Some(Extension { keyword, params: words.map(str::to_string).collect() })
            })
            .collect();
        EhloInfo { greeting, extensions, helo_fallback: false }
    }

    /// The info after a HELO: a greeting, no extensions.
    pub fn from_helo(reply: &Reply) -> EhloInfo {
        let greeting = reply.lines.first().cloned().unwrap_or_default();
        EhloInfo { greeting, extensions: Vec::new(), helo_fallback: true }
    }

    /// The extension with this keyword (case-insensitive).
    pub fn get(&self, keyword: &str) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.keyword.eq_ignore_ascii_case(keyword))
    }

    /// True when the keyword was advertised.
    pub fn has(&self, keyword: &str) -> bool {
        self.get(keyword).is_some()
    }

    /// RFC 1870: `Some(None)` when SIZE is advertised without a limit (or `SIZE 0`),
    /// `Some(Some(n))` with a limit of n octets.
    pub fn size(&self) -> Option<Option<u64>> {
        let ext = self.get("SIZE")?;
        let limit = ext.params.first().and_then(|p| p.parse::<u64>().ok()).filter(|&n| n > 0);
        Some(limit)
    }

    /// RFC 2920.
    pub fn pipelining(&self) -> bool {
        self.has("PIPELINING")
    }

    /// RFC 6152.
    pub fn eightbitmime(&self) -> bool {
        self.has("8BITMIME")
    }

    /// RFC 6531.
    pub fn smtputf8(&self) -> bool {
        self.has("SMTPUTF8")
    }

    /// RFC 3207.
    pub fn starttls(&self) -> bool {
        self.has("STARTTLS")
    }

    /// RFC 2034.
    pub fn enhanced_status_codes(&self) -> bool {
        self.has("ENHANCEDSTATUSCODES")
    }

    /// RFC 3461.
    pub fn dsn(&self) -> bool {
        self.has("DSN")
    }

    /// RFC 3030.
    pub fn chunking(&self) -> bool {
        self.has("CHUNKING")
    }

    /// RFC 8689.
    pub fn requiretls(&self) -> bool {
        self.has("REQUIRETLS")
    }

    /// RFC 4954 §3: the SASL mechanisms, upper-cased, without duplicates. Old servers announce
    /// them as `AUTH=PLAIN LOGIN` (a pre-standard form some clients still need), which counts too.
    pub fn auth_mechanisms(&self) -> Vec<String> {
        let mut mechs: Vec<String> = Vec::new();
        for ext in &self.extensions {
            let params: Vec<String> = if ext.keyword == "AUTH" {
                ext.params.clone()
            } else if let Some(first) = ext.keyword.strip_prefix("AUTH=") {
                std::iter::once(first.to_string()).chain(ext.params.iter().cloned()).collect()
            } else {
                continue;
            };
            for m in params {
                let m = m.to_ascii_uppercase();
                if !m.is_empty() && !mechs.contains(&m) {
                    mechs.push(m);
                }
            }
        }
        mechs
    }

    /// True when any AUTH keyword is advertised.
    pub fn auth(&self) -> bool {
        !self.auth_mechanisms().is_empty()
    }

    /// RFC 9422: `LIMITS RCPTMAX=100 MAILMAX=1000` as name/value pairs.
    pub fn limits(&self) -> Vec<(String, String)> {
        self.get("LIMITS")
            .map(|ext| {
                ext.params
                    .iter()
                    .filter_map(|p| p.split_once('='))
                    .map(|(k, v)| (k.to_ascii_uppercase(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The keywords in order, for one-line summaries (`PIPELINING SIZE 10240000 STARTTLS`).
    pub fn keywords(&self) -> Vec<String> {
        self.extensions
            .iter()
            .map(|e| {
                std::iter::once(e.keyword.as_str())
                    .chain(e.params.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::parse_reply;

    fn info(text: &[u8]) -> EhloInfo {
        EhloInfo::from_reply(&parse_reply(text).unwrap())
    }

    #[test]
    fn keeps_every_keyword_with_params() {
        let i = info(
            b"250-mx.example.com Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-X-FOO bar baz\r\n250 starttls\r\n",
        );
        assert_eq!(i.greeting, "mx.example.com Hello");
        assert_eq!(i.keywords(), vec!["PIPELINING", "SIZE 10240000", "X-FOO bar baz", "STARTTLS"]);
        assert!(i.pipelining() && i.starttls());
        assert_eq!(i.size(), Some(Some(10_240_000)));
        assert!(!i.smtputf8());
    }

    #[test]
    fn size_without_limit() {
        assert_eq!(info(b"250-x\r\n250 SIZE\r\n").size(), Some(None));
        assert_eq!(info(b"250-x\r\n250 SIZE 0\r\n").size(), Some(None));
        assert_eq!(info(b"250 x\r\n").size(), None);
    }

    #[test]
    fn auth_mechanisms_merge_both_forms() {
        let i = info(b"250-x\r\n250-AUTH PLAIN login CRAM-MD5\r\n250 AUTH=LOGIN PLAIN XOAUTH2\r\n");
        assert_eq!(i.auth_mechanisms(), vec!["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"]);
    }

    #[test]
    fn limits_are_pairs() {
        let i = info(b"250-x\r\n250 LIMITS RCPTMAX=100 MAILMAX=5\r\n");
        assert_eq!(
            i.limits(),
            vec![("RCPTMAX".to_string(), "100".to_string()), ("MAILMAX".into(), "5".into())]
        );
    }

    #[test]
    fn typed_accessors_cover_the_extensions_we_use() {
        let i = info(
            b"250-x\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250-DSN\r\n250-CHUNKING\r\n250 REQUIRETLS\r\n",
        );
        assert!(i.eightbitmime() && i.smtputf8() && i.enhanced_status_codes());
        assert!(i.dsn() && i.chunking() && i.requiretls());
        assert!(!i.auth());
    }
}
