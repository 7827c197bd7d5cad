//! What one probe learned about one host, address and port ([`PortReport`]), and the verdict in
//! plain words that a person reads first ([`judge`]).
//!
//! Owns: the report types (they serialize as the `probes` of the `--json` document), reading a
//! banner for the host name and server software, and the rules that turn facts into a verdict
//! and warnings. Must not touch: sockets (the probe in [`super::probe`] fills the report) or
//! printing (the renderer in [`crate::output::probe`] draws it). Server text is stored as
//! received; whoever prints it sanitizes it.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use crate::smtp::client::EXPIRY_WARNING_DAYS;
use crate::smtp::error::human_duration;
use crate::smtp::extension::EhloInfo;
use crate::smtp::reply::Reply;
use crate::smtp::tls::TlsInfo;
use crate::smtp::tls::certificate::TrustVerdict;

/// The TCP outcome of the first connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TcpState {
    /// The three-way handshake completed.
    Open,
    /// The host answered with a reset: nothing listens on the port.
    Closed,
    /// No answer within the connect timeout: a firewall drops the packets (or the host is down).
    Filtered,
    /// The network or host is unreachable (an ICMP error, or no route).
    Unreachable,
    /// Another socket error.
    Error,
    /// Not probed yet (only while the probe runs).
    Pending,
}

impl TcpState {
    /// The word in the table.
    pub fn word(self) -> &'static str {
        match self {
            TcpState::Open => "open",
            TcpState::Closed => "closed",
            TcpState::Filtered => "filtered",
            TcpState::Unreachable => "unreachable",
            TcpState::Error => "error",
            TcpState::Pending => "-",
        }
    }
}

/// How TLS was used on the port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsPath {
    /// No TLS (not offered, not tried, or no session).
    None,
    /// RFC 3207: upgraded with STARTTLS.
    Starttls,
    /// RFC 8314: TLS from the first byte.
    Implicit,
}

/// Where in the session a probe stopped with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Connecting again (for implicit TLS or the certificate's second session).
    Connect,
    /// Waiting for the greeting.
    Banner,
    /// EHLO (and the HELO fallback).
    Ehlo,
    /// STARTTLS and its reply.
    Starttls,
    /// The TLS handshake.
    Tls,
    /// EHLO after TLS.
    EhloAfterTls,
}

/// An engine error, as the user reads it: the phase and the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeError {
    /// Where in the session it happened.
    pub stage: Stage,
    /// The engine's phase: timeout, network, protocol, tls, ...
    pub phase: String,
    /// The message (server text may be quoted in it).
    pub message: String,
}

/// The server's greeting, with what it says about the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BannerFacts {
    /// The reply code (220 when the server accepts sessions).
    pub code: u16,
    /// The enhanced status code, when the banner carries one.
    pub enhanced_code: Option<String>,
    /// Every line of the greeting, as received.
    pub lines: Vec<String>,
    /// The server's own name: the first word of the greeting (RFC 5321 §4.3.1).
    pub host: Option<String>,
    /// The server software, when the greeting names a known one.
    pub software: Option<String>,
}

/// Server software that greetings commonly name, as a lower-case word or phrase and the name
/// to show. Matched on whole words, so "exim" does not match "eximius".
const SOFTWARE: &[(&str, &str)] = &[
    ("postfix", "Postfix"),
    ("exim", "Exim"),
    ("sendmail", "Sendmail"),
    ("microsoft esmtp mail service", "Microsoft Exchange"),
    ("exchange", "Microsoft Exchange"),
    ("opensmtpd", "OpenSMTPD"),
    ("haraka", "Haraka"),
    ("qmail", "qmail"),
    ("courier", "Courier"),
    ("zimbra", "Zimbra"),
    ("hmailserver", "hMailServer"),
    ("mailenable", "MailEnable"),
    ("mdaemon", "MDaemon"),
    ("kerio", "Kerio Connect"),
    ("icewarp", "IceWarp"),
    ("axigen", "Axigen"),
    ("stalwart", "Stalwart"),
    ("maddy", "maddy"),
];

impl BannerFacts {
    /// Reads a greeting.
    pub fn from_reply(reply: &Reply) -> BannerFacts {
        let first = reply.lines.first().map(String::as_str).unwrap_or("");
        let host = first.split_ascii_whitespace().next().map(str::to_string);
        let rest: String = reply.lines.join(" ").to_ascii_lowercase();
        let words: Vec<&str> = rest.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        let software =
            SOFTWARE
                .iter()
                .find(|(needle, _)| {
                    if needle.contains(' ') {
                        rest.contains(needle)
                    } else {
                        words.contains(needle)
                    }
                })
                .map(|(_, name)| (*name).to_string());
        BannerFacts {
            code: reply.code,
            enhanced_code: reply.enhanced.map(|e| e.to_string()),
            lines: reply.lines.clone(),
            host,
            software,
        }
    }

    /// `220 mx.example.com ESMTP Postfix`: the first line as it was on the wire.
    pub fn first_line(&self) -> String {
        format!("{} {}", self.code, self.lines.first().map(String::as_str).unwrap_or(""))
    }
}

/// A reply that ended a step (a refused EHLO or STARTTLS), for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyFacts {
    /// The code.
    pub code: u16,
    /// `454 4.7.0`.
    pub short: String,
    /// The text, enhanced code removed.
    pub message: String,
}

impl ReplyFacts {
    /// The facts of a reply.
    pub fn from_reply(reply: &Reply) -> ReplyFacts {
        ReplyFacts { code: reply.code, short: reply.short(), message: reply.message() }
    }
}

/// How the verdict feels: all good, works with a warning, or does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The port works and nothing needs attention.
    Good,
    /// The port works, but something needs attention (see the warnings).
    Warning,
    /// The port does not accept an SMTP session.
    Bad,
}

/// The verdict: one sentence, starting with the port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Good, warning or bad.
    pub level: Level,
    /// `587: submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN`.
    pub text: String,
}

/// The SIZE extension (RFC 1870).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SizeFact {
    /// The largest message in octets; `None` when SIZE is advertised without a limit.
    pub limit: Option<u64>,
}

/// Facts derived from the EHLO replies, kept in the report so the JSON carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Derived {
    /// SASL mechanisms offered before TLS (in clear): a password sent then can be read.
    pub auth_before_tls: Vec<String>,
    /// SASL mechanisms offered over TLS (after STARTTLS, or on an implicit-TLS port).
    pub auth_after_tls: Vec<String>,
    /// SIZE, from the last EHLO.
    pub size: Option<SizeFact>,
    /// The last EHLO's keywords with parameters (`SIZE 10240000`), in order.
    pub extensions: Vec<String>,
    /// RFC 2920.
    pub pipelining: bool,
    /// RFC 6531.
    pub smtputf8: bool,
    /// RFC 6152.
    pub eightbitmime: bool,
    /// RFC 3030.
    pub chunking: bool,
    /// RFC 3461.
    pub dsn: bool,
    /// RFC 8689.
    pub requiretls: bool,
}

/// Everything one probe learned.
#[derive(Debug, Clone, Serialize)]
pub struct PortReport {
    /// The host name the user (or the MX record) gave; also the name TLS is verified against.
    pub host: String,
    /// The address probed.
    pub address: IpAddr,
    /// The port probed.
    pub port: u16,
    /// The first connection's TCP outcome.
    pub tcp: TcpState,
    /// Why the first connection failed.
    pub tcp_error: Option<String>,
    /// How long the first TCP handshake took.
    pub connect_ms: Option<u64>,
    /// How TLS was used.
    pub tls_path: TlsPath,
    /// True when implicit TLS was found by trying it on a port that stayed silent.
    pub implicit_tls_detected: bool,
    /// The greeting.
    pub banner: Option<BannerFacts>,
    /// The EHLO reply in clear (none on an implicit-TLS port).
    pub ehlo: Option<EhloInfo>,
    /// A refused EHLO (and HELO).
    pub ehlo_refused: Option<ReplyFacts>,
    /// True when the EHLO in clear advertised STARTTLS.
    pub starttls_offered: bool,
    /// A refused STARTTLS.
    pub starttls_refused: Option<ReplyFacts>,
    /// The TLS facts: from the session, or from an unverified handshake when the certificate was
    /// not trusted.
    pub tls: Option<TlsInfo>,
    /// The certificate verdict; `None` when TLS was not used or not verified (`--insecure`).
    pub trust: Option<TrustVerdict>,
    /// The EHLO reply over TLS (after STARTTLS, or on an implicit-TLS port).
    pub ehlo_after_tls: Option<EhloInfo>,
    /// What stopped the probe early, if anything did.
    pub error: Option<ProbeError>,
    /// True when the server greeted with 2xx and accepted EHLO (or HELO).
    pub accepts_session: bool,
    /// Derived from the EHLO replies.
    pub facts: Derived,
    /// The verdict in plain words.
    pub verdict: Verdict,
    /// Things that work but deserve attention.
    pub warnings: Vec<String>,
    /// How the facts were gathered (second sessions, detection), for -v and JSON.
    pub notes: Vec<String>,
    /// Wall time of the whole probe.
    pub elapsed_ms: u64,
}

impl PortReport {
    /// An empty report for one address and port.
    pub fn new(host: &str, addr: SocketAddr) -> PortReport {
        PortReport {
            host: host.to_string(),
            address: addr.ip(),
            port: addr.port(),
            tcp: TcpState::Pending,
            tcp_error: None,
            connect_ms: None,
            tls_path: TlsPath::None,
            implicit_tls_detected: false,
            banner: None,
            ehlo: None,
            ehlo_refused: None,
            starttls_offered: false,
            starttls_refused: None,
            tls: None,
            trust: None,
            ehlo_after_tls: None,
            error: None,
            accepts_session: false,
            facts: Derived::default(),
            verdict: Verdict { level: Level::Bad, text: String::new() },
            warnings: Vec::new(),
            notes: Vec::new(),
            elapsed_ms: 0,
        }
    }

    /// The EHLO that describes the session as it ends: over TLS when there was TLS.
    pub fn last_ehlo(&self) -> Option<&EhloInfo> {
        self.ehlo_after_tls.as_ref().or(self.ehlo.as_ref())
    }

    /// Fills in the derived facts, the verdict and the warnings, once the probe is over.
    pub fn finish(&mut self, elapsed: Duration, timeouts: &Timeouts) {
        self.elapsed_ms = elapsed.as_millis() as u64;
        self.accepts_session = self.banner.as_ref().is_some_and(|b| b.code / 100 == 2)
            && (self.ehlo.is_some() || self.ehlo_after_tls.is_some());
        self.facts = derive(self);
        let (verdict, warnings) = judge(self, timeouts);
        self.verdict = verdict;
        self.warnings = warnings;
    }

    /// The TLS version without "TLS ": `1.3`, or `?` when the ServerHello was not read.
    pub fn tls_version_short(&self) -> String {
        self.tls
            .as_ref()
            .and_then(|t| t.version.clone())
            .map(|v| v.trim_start_matches("TLS ").to_string())
            .unwrap_or_else(|| "?".into())
    }
}

/// One host of the target: its addresses and the probes of each address and port.
#[derive(Debug, Clone)]
pub struct HostReport {
    /// The host name (or IP) as given or as the MX record names it.
    pub host: String,
    /// The addresses it resolved to, in the resolver's order.
    pub addresses: Vec<IpAddr>,
    /// Why it did not resolve.
    pub error: Option<String>,
    /// The same, typed, for the exit code.
    pub dns_error: Option<crate::dns::DnsError>,
    /// One report per address and port, addresses first, ports in the order given.
    pub probes: Vec<PortReport>,
}

/// The outcome of the whole run: what the exit code says, in words.
#[derive(Debug, Clone)]
pub struct Summary {
    /// True when the exit code is 0.
    pub ok: bool,
    /// Probes whose port accepted an SMTP session.
    pub accepting: usize,
    /// All probes.
    pub probes: usize,
    /// `2 of 3 probes accept an SMTP session (ports 465, 587)`.
    pub text: String,
}

/// The timeouts the verdict quotes.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// `--connect-timeout`.
    pub connect: Duration,
    /// `--timeout`.
    pub reply: Duration,
}

fn derive(report: &PortReport) -> Derived {
    let (clear, over_tls) = (report.ehlo.as_ref(), report.ehlo_after_tls.as_ref());
    let last = report.last_ehlo();
    let has = |f: fn(&EhloInfo) -> bool| last.is_some_and(f);
    Derived {
        auth_before_tls: clear.map(EhloInfo::auth_mechanisms).unwrap_or_default(),
        auth_after_tls: over_tls.map(EhloInfo::auth_mechanisms).unwrap_or_default(),
        size: last.and_then(EhloInfo::size).map(|limit| SizeFact { limit }),
        extensions: last.map(EhloInfo::keywords).unwrap_or_default(),
        pipelining: has(EhloInfo::pipelining),
        smtputf8: has(EhloInfo::smtputf8),
        eightbitmime: has(EhloInfo::eightbitmime),
        chunking: has(EhloInfo::chunking),
        dsn: has(EhloInfo::dsn),
        requiretls: has(EhloInfo::requiretls),
    }
}

/// The verdict and the warnings for a finished probe.
pub fn judge(report: &PortReport, timeouts: &Timeouts) -> (Verdict, Vec<String>) {
    let port = report.port;
    let bad =
        |text: String| (Verdict { level: Level::Bad, text: format!("{port}: {text}") }, vec![]);
    match report.tcp {
        TcpState::Open => {}
        TcpState::Closed => return bad("closed — connection refused, nothing listens there".into()),
        TcpState::Filtered => {
            let mut text =
                format!("filtered — no answer within {}", human_duration(timeouts.connect));
            if port == 25 {
                text.push_str(" (outbound port 25 is often blocked by ISPs and cloud providers)");
            }
            return bad(text);
        }
        TcpState::Unreachable | TcpState::Error | TcpState::Pending => {
            let why = report.tcp_error.clone().unwrap_or_else(|| "not probed".into());
            return bad(format!("{} — {why}", report.tcp.word()));
        }
    }
    if !report.accepts_session {
        return bad(no_session(report, timeouts));
    }
    let warnings = warnings(report);
    let level = if warnings.is_empty() { Level::Good } else { Level::Warning };
    (Verdict { level, text: format!("{port}: {}", session_words(report)) }, warnings)
}

/// Why an open port gave no usable session.
fn no_session(report: &PortReport, timeouts: &Timeouts) -> String {
    if let Some(banner) = report.banner.as_ref().filter(|b| b.code / 100 != 2) {
        let how = if banner.code / 100 == 4 { "temporarily refuses" } else { "refuses" };
        let text = banner.lines.join(" ");
        return format!("{how} sessions ({} {})", banner.code, text.trim());
    }
    if let Some(refused) = &report.ehlo_refused {
        return format!(
            "greets, but refuses EHLO and HELO ({} {})",
            refused.short, refused.message
        );
    }
    let Some(error) = &report.error else {
        return "no SMTP session (reason unknown)".into();
    };
    match (error.stage, error.phase.as_str()) {
        (Stage::Banner, "timeout") if report.notes.iter().any(|n| n.contains("implicit TLS")) => {
            format!(
                "no SMTP banner within {} and no TLS handshake either — the port accepts TCP but \
                 says nothing",
                human_duration(timeouts.reply)
            )
        }
        (Stage::Banner, "timeout") => format!(
            "no SMTP banner within {} — the port accepts TCP but says nothing",
            human_duration(timeouts.reply)
        ),
        (Stage::Banner, "network") => "closed the connection before its banner".into(),
        (Stage::Banner | Stage::Ehlo, "protocol") => {
            format!("does not speak SMTP — {}", error.message)
        }
        (Stage::Tls, _) => error.message.clone(),
        (stage, _) => format!("{} failed — {}", stage_words(stage), error.message),
    }
}

fn stage_words(stage: Stage) -> &'static str {
    match stage {
        Stage::Connect => "connecting",
        Stage::Banner => "banner",
        Stage::Ehlo => "EHLO",
        Stage::Starttls => "STARTTLS",
        Stage::Tls => "TLS",
        Stage::EhloAfterTls => "EHLO after TLS",
    }
}

/// `submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN`.
fn session_words(report: &PortReport) -> String {
    let facts = &report.facts;
    let kind = if facts.auth_after_tls.is_empty() { "SMTP ready" } else { "submission ready" };
    let tls = match (report.tls_path, &report.tls) {
        (TlsPath::Implicit, Some(_)) => {
            format!("implicit TLS (TLS {})", report.tls_version_short())
        }
        (TlsPath::Starttls, Some(_)) => format!("STARTTLS (TLS {})", report.tls_version_short()),
        (TlsPath::Starttls, None) => "STARTTLS failed".into(),
        _ if report.starttls_refused.is_some() => "STARTTLS refused".into(),
        _ if report.starttls_offered => "STARTTLS offered, not tried (--tls none)".into(),
        _ => "no TLS".into(),
    };
    let auth = if !facts.auth_after_tls.is_empty() {
        format!("AUTH {}", facts.auth_after_tls.join(" "))
    } else if !facts.auth_before_tls.is_empty() {
        format!("AUTH {} in clear only", facts.auth_before_tls.join(" "))
    } else {
        "no AUTH".into()
    };
    format!("{kind} — {tls}, {auth}")
}

/// What works but deserves attention, most important first.
fn warnings(report: &PortReport) -> Vec<String> {
    let mut out = Vec::new();
    let facts = &report.facts;
    if !facts.auth_before_tls.is_empty() {
        if report.starttls_offered {
            out.push("AUTH offered before TLS (password would travel in clear)".to_string());
        } else {
            out.push("AUTH offered without TLS (password would travel in clear)".to_string());
        }
    } else if report.tls.is_none()
        && report.tls_path == TlsPath::None
        && report.starttls_refused.is_none()
    {
        out.push("no TLS: mail would travel in clear".to_string());
    }
    if let Some(refused) = &report.starttls_refused {
        out.push(format!("STARTTLS offered but refused ({} {})", refused.short, refused.message));
    }
    if report.tls_path == TlsPath::Starttls
        && report.tls.is_none()
        && let Some(error) = &report.error
    {
        out.push(format!("STARTTLS offered, but {}", error.message));
    }
    if let Some(error) = report.error.as_ref().filter(|e| e.stage == Stage::EhloAfterTls) {
        out.push(format!("EHLO after TLS failed: {}", error.message));
    }
    if let Some(tls) = &report.tls {
        certificate_warnings(report, tls, &mut out);
    }
    out
}

fn certificate_warnings(report: &PortReport, tls: &TlsInfo, out: &mut Vec<String>) {
    if let Some(version) = tls.version.as_deref()
        && matches!(version, "SSL 3.0" | "TLS 1.0" | "TLS 1.1")
    {
        out.push(format!("{version} is deprecated (RFC 8996); TLS 1.2 or 1.3 expected"));
    }
    match &report.trust {
        Some(TrustVerdict::Trusted) => {}
        Some(verdict) => out.push(format!("certificate {verdict}")),
        None => out.push("certificate not verified (--insecure)".to_string()),
    }
    let Some(cert) = &tls.certificate else { return };
    let reported = |kind: &str| report.trust.as_ref().is_some_and(|t| t.kind() == kind);
    if (0..EXPIRY_WARNING_DAYS).contains(&cert.days_left) {
        out.push(format!("certificate expires in {} days ({})", cert.days_left, cert.not_after));
    } else if cert.days_left < 0 && !reported("expired") {
        out.push(format!("certificate expired on {}", cert.not_after));
    }
    // A verified handshake checked the name; a trust failure names only its first problem
    // (expiry before name), and --insecure checked nothing, so those get the local check.
    let name_checked =
        matches!(report.trust, Some(TrustVerdict::Trusted | TrustVerdict::NameMismatch { .. }));
    let host = tls.server_name.as_str();
    if !name_checked && !cert.matches_host(host) {
        out.push(format!("certificate does not name {host}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::parse_reply;

    fn reply(text: &[u8]) -> Reply {
        parse_reply(text).unwrap()
    }

    #[test]
    fn banner_names_host_and_software() {
        let b =
            BannerFacts::from_reply(&reply(b"220 mx.example.com ESMTP Postfix (Debian/GNU)\r\n"));
        assert_eq!(b.host.as_deref(), Some("mx.example.com"));
        assert_eq!(b.software.as_deref(), Some("Postfix"));
        let b = BannerFacts::from_reply(&reply(
            b"220 mail.example.org Microsoft ESMTP MAIL Service ready at Tue\r\n",
        ));
        assert_eq!(b.software.as_deref(), Some("Microsoft Exchange"));
        let b = BannerFacts::from_reply(&reply(b"220 mx.google.com ESMTP d2-20020a\r\n"));
        assert_eq!(b.software, None);
        let b = BannerFacts::from_reply(&reply(b"220 eximius.example ESMTP\r\n"));
        assert_eq!(b.software, None, "whole words only");
    }

    fn timeouts() -> Timeouts {
        Timeouts { connect: Duration::from_secs(3), reply: Duration::from_secs(30) }
    }

    fn open(port: u16) -> PortReport {
        let mut r = PortReport::new("mx.example.com", SocketAddr::from(([192, 0, 2, 1], port)));
        r.tcp = TcpState::Open;
        r.banner = Some(BannerFacts::from_reply(&reply(b"220 mx.example.com ESMTP\r\n")));
        r
    }

    fn ehlo(text: &[u8]) -> EhloInfo {
        EhloInfo::from_reply(&reply(text))
    }

    #[test]
    fn filtered_port_25_mentions_isp_blocking() {
        let mut r = PortReport::new("mx.example.com", SocketAddr::from(([192, 0, 2, 1], 25)));
        r.tcp = TcpState::Filtered;
        r.finish(Duration::ZERO, &timeouts());
        assert_eq!(r.verdict.level, Level::Bad);
        assert_eq!(
            r.verdict.text,
            "25: filtered — no answer within 3 s (outbound port 25 is often blocked by ISPs and \
             cloud providers)"
        );
    }

    #[test]
    fn auth_only_in_clear_is_a_warning() {
        let mut r = open(587);
        r.ehlo = Some(ehlo(b"250-mx\r\n250 AUTH PLAIN LOGIN\r\n"));
        r.finish(Duration::ZERO, &timeouts());
        assert!(r.accepts_session);
        assert_eq!(r.verdict.level, Level::Warning);
        assert_eq!(r.verdict.text, "587: SMTP ready — no TLS, AUTH PLAIN LOGIN in clear only");
        assert_eq!(r.warnings, ["AUTH offered without TLS (password would travel in clear)"]);
    }

    #[test]
    fn refused_banner_is_bad() {
        let mut r = open(25);
        r.banner = Some(BannerFacts::from_reply(&reply(b"554 5.7.1 go away\r\n")));
        r.finish(Duration::ZERO, &timeouts());
        assert!(!r.accepts_session);
        assert_eq!(r.verdict.text, "25: refuses sessions (554 5.7.1 go away)");
    }

    #[test]
    fn starttls_refused_is_reported() {
        let mut r = open(25);
        r.ehlo = Some(ehlo(b"250-mx\r\n250 STARTTLS\r\n"));
        r.starttls_offered = true;
        r.starttls_refused =
            Some(ReplyFacts::from_reply(&reply(b"454 4.7.0 TLS not available\r\n")));
        r.finish(Duration::ZERO, &timeouts());
        assert_eq!(r.verdict.text, "25: SMTP ready — STARTTLS refused, no AUTH");
        assert_eq!(r.warnings, ["STARTTLS offered but refused (454 4.7.0 TLS not available)"]);
    }
}
