//! The `probe-ports` report as text: a compact table (one row per host, address and port), then
//! the details of each probe under its verdict, then one summary line.
//!
//! It renders [`PortReport`]s into any `W: Write` (tests render into a `Vec<u8>`) and never
//! touches a socket. Everything the server or DNS said (banner, EHLO keywords, certificate
//! fields, error messages quoting them, host names) passes through [`terminal_safe`]. Columns
//! are padded before they are coloured, so colour never shifts the alignment.

use std::io::{self, Write};

use crate::commands::probe_ports::report::{
    HostReport, Level, PortReport, Summary, TcpState, TlsPath,
};
use crate::smtp::tls::certificate::TrustVerdict;

use super::Verbosity;
use super::palette::{Palette, Role};
use super::sanitize::terminal_safe;
use super::transcript::certificate_line;

/// What the renderer draws.
pub struct ProbeView<'a> {
    /// `MX example.com: 10 mx1.example.com` when the hosts came from MX records.
    pub route_line: Option<String>,
    /// The hosts with their probes.
    pub hosts: &'a [HostReport],
    /// The outcome.
    pub summary: &'a Summary,
}

/// Draws the whole report.
pub fn render<W: Write>(
    out: &mut W,
    palette: Palette,
    verbosity: Verbosity,
    view: &ProbeView<'_>,
) -> io::Result<()> {
    if let Some(route) = &view.route_line {
        writeln!(out, "{}", palette.paint(Role::Note, &format!("· {}", terminal_safe(route))))?;
    }
    table(out, palette, view.hosts)?;
    for host in view.hosts {
        writeln!(out)?;
        details(out, palette, verbosity, host)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", palette.verdict(view.summary.ok, &view.summary.text))
}

/// The column titles.
const HEADERS: [&str; 9] =
    ["HOST", "ADDRESS", "PORT", "TCP", "CONNECT", "BANNER", "TLS", "CERTIFICATE", "AUTH"];

/// One table cell: its text and how to colour it.
type Cell = (String, Role);

/// Draws the table.
pub fn table<W: Write>(out: &mut W, palette: Palette, hosts: &[HostReport]) -> io::Result<()> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for host in hosts {
        if host.error.is_some() {
            let mut row = vec![(terminal_safe(&host.host), Role::Note)];
            row.extend(["-", "-", "unresolved"].map(|t| (t.to_string(), Role::Bad)));
            row.extend(std::iter::repeat_n(("-".to_string(), Role::Dim), HEADERS.len() - 4));
            rows.push(row);
        }
        rows.extend(host.probes.iter().map(row));
    }
    // A target given as an IP address makes HOST repeat ADDRESS: leave the column out then.
    let first = if hosts.iter().all(|h| {
        h.error.is_none() && h.addresses.iter().all(|a| super::is_ip_literal_of(&h.host, a))
    }) {
        1
    } else {
        0
    };
    let widths: Vec<usize> = (0..HEADERS.len())
        .map(|i| {
            rows.iter().map(|r| r[i].0.chars().count()).chain([HEADERS[i].len()]).max().unwrap_or(0)
        })
        .collect();
    let header: Vec<Cell> = HEADERS.iter().map(|h| (h.to_string(), Role::Dim)).collect();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (text, role)) in row.iter().enumerate().skip(first) {
            // The last column is not padded: no trailing spaces, with or without colour.
            let last = i + 1 == row.len();
            let pad = if last { 0 } else { widths[i].saturating_sub(text.chars().count()) };
            // CONNECT is a number: right-aligned, so times line up.
            let padded = if i == 4 {
                format!("{}{text}", " ".repeat(pad))
            } else {
                format!("{text}{}", " ".repeat(pad))
            };
            if i > first {
                line.push_str("  ");
            }
            line.push_str(&palette.paint(*role, &padded));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn row(p: &PortReport) -> Vec<Cell> {
    let tcp_role = match p.tcp {
        TcpState::Open => Role::Success,
        TcpState::Filtered => Role::Transient,
        _ => Role::Permanent,
    };
    let connect = p.connect_ms.map(|ms| format!("{ms} ms")).unwrap_or_else(|| "-".into());
    let banner = match (&p.banner, p.tcp) {
        (Some(b), _) => (b.code.to_string(), Palette::reply_role(b.code)),
        (None, TcpState::Open) => ("none".to_string(), Role::Permanent),
        (None, _) => ("-".to_string(), Role::Dim),
    };
    vec![
        (terminal_safe(&p.host), Role::Note),
        (p.address.to_string(), Role::Note),
        (p.port.to_string(), Role::Note),
        (p.tcp.word().to_string(), tcp_role),
        (connect, Role::Dim),
        banner,
        tls_cell(p),
        certificate_cell(p),
        auth_cell(p),
    ]
}

fn tls_cell(p: &PortReport) -> Cell {
    let version = p.tls_version_short();
    match (p.tls_path, &p.tls) {
        (TlsPath::Implicit, Some(_)) => (format!("implicit {version}"), Role::Tls),
        (TlsPath::Starttls, Some(_)) => (format!("STARTTLS {version}"), Role::Tls),
        (TlsPath::Implicit, None) => ("implicit failed".into(), Role::Bad),
        (TlsPath::Starttls, None) => ("STARTTLS failed".into(), Role::Bad),
        _ if p.starttls_refused.is_some() => ("STARTTLS refused".into(), Role::Warning),
        _ if p.starttls_offered => ("offered".into(), Role::Warning),
        _ if p.ehlo.is_some() => ("none".into(), Role::Warning),
        _ => ("-".into(), Role::Dim),
    }
}

/// The certificate verdict in one or two words.
fn certificate_cell(p: &PortReport) -> Cell {
    let word = match (&p.trust, &p.tls) {
        (Some(TrustVerdict::Trusted), _) => return ("trusted".into(), Role::Success),
        (Some(TrustVerdict::SelfSigned), _) => "self-signed",
        (Some(TrustVerdict::Expired { .. }), _) => "expired",
        (Some(TrustVerdict::NotYetValid { .. }), _) => "not yet valid",
        (Some(TrustVerdict::NameMismatch { .. }), _) => "name mismatch",
        (Some(TrustVerdict::UntrustedIssuer { .. }), _) => "untrusted CA",
        (Some(TrustVerdict::Other(_)), _) => "untrusted",
        (None, Some(_)) => "unverified",
        (None, None) => return ("-".into(), Role::Dim),
    };
    (word.into(), Role::Bad)
}

/// Whether and where a password could be sent.
fn auth_cell(p: &PortReport) -> Cell {
    let facts = &p.facts;
    if !facts.auth_before_tls.is_empty() {
        let word = if p.tls.is_some() { "before TLS!" } else { "in clear!" };
        return (word.into(), Role::Bad);
    }
    if !facts.auth_after_tls.is_empty() {
        return ("after TLS".into(), Role::Success);
    }
    if p.accepts_session { ("none".into(), Role::Note) } else { ("-".into(), Role::Dim) }
}

/// The details of one host: per address, each port's verdict, warnings and facts.
fn details<W: Write>(
    out: &mut W,
    palette: Palette,
    verbosity: Verbosity,
    host: &HostReport,
) -> io::Result<()> {
    let name = terminal_safe(&host.host);
    if let Some(error) = &host.error {
        let text = format!("✗ {name}: does not resolve — {}", terminal_safe(error));
        return writeln!(out, "{}", palette.paint(Role::Bad, &text));
    }
    for (i, address) in host.addresses.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let ip = address.to_string();
        let title = if super::is_ip_literal_of(&host.host, address) {
            ip
        } else {
            format!("{name} [{ip}]")
        };
        writeln!(out, "{}", palette.paint(Role::Note, &title))?;
        for probe in host.probes.iter().filter(|p| p.address == *address) {
            port_details(out, palette, verbosity, probe)?;
        }
    }
    Ok(())
}

fn port_details<W: Write>(
    out: &mut W,
    palette: Palette,
    verbosity: Verbosity,
    p: &PortReport,
) -> io::Result<()> {
    let (mark, role) = match p.verdict.level {
        Level::Good => ("✓", Role::Good),
        Level::Warning => ("!", Role::Warning),
        Level::Bad => ("✗", Role::Bad),
    };
    let verdict = format!("  {mark} {}", terminal_safe(&p.verdict.text));
    writeln!(out, "{}", palette.paint(role, &verdict))?;
    for warning in &p.warnings {
        let text = format!("  ! {}: {}", p.port, terminal_safe(warning));
        writeln!(out, "{}", palette.paint(Role::Warning, &text))?;
    }
    for (label, value) in facts(p, verbosity) {
        let text = format!("      {label:<12} {}", terminal_safe(&value));
        writeln!(out, "{}", palette.paint(Role::Dim, &text))?;
    }
    Ok(())
}

/// The fact lines under a verdict, in the order the session learned them, as (label, value);
/// server text is sanitized by the caller.
pub fn facts(p: &PortReport, verbosity: Verbosity) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let verbose = verbosity >= Verbosity::Verbose;
    if verbose && let Some(ms) = p.connect_ms {
        lines.push(("timing", format!("connect {ms} ms · whole probe {} ms", p.elapsed_ms)));
    }
    let implicit = p.tls_path == TlsPath::Implicit;
    if implicit {
        tls_facts(p, verbose, &mut lines);
    }
    if let Some(banner) = &p.banner {
        lines.push(("banner", banner.first_line()));
        if verbose {
            lines.extend(banner.lines.iter().skip(1).map(|l| ("", format!("{} {l}", banner.code))));
        }
        let server: Vec<String> =
            [banner.host.clone(), banner.software.clone()].into_iter().flatten().collect();
        if !server.is_empty() {
            lines.push(("server", server.join(", ")));
        }
    }
    if let Some(ehlo) = &p.ehlo {
        lines.push(("EHLO", keywords(ehlo)));
    }
    if !implicit {
        tls_facts(p, verbose, &mut lines);
    }
    if let Some(after) = &p.ehlo_after_tls {
        let shown = match &p.ehlo {
            Some(before) if !verbose => ehlo_changes(before, after),
            _ => keywords(after),
        };
        lines.push(("EHLO (TLS)", shown));
    }
    if p.accepts_session {
        session_facts(p, &mut lines);
    }
    if verbose {
        lines.extend(p.notes.iter().map(|n| ("note", n.clone())));
    }
    lines
}

/// AUTH before and after TLS, and SIZE.
fn session_facts(p: &PortReport, lines: &mut Vec<(&'static str, String)>) {
    let facts = &p.facts;
    let list = |m: &[String]| if m.is_empty() { "none".to_string() } else { m.join(" ") };
    let auth = if p.tls_path == TlsPath::Implicit {
        list(&facts.auth_after_tls)
    } else {
        let after = if p.tls.is_some() { list(&facts.auth_after_tls) } else { "-".into() };
        format!("before TLS: {} · after TLS: {after}", list(&facts.auth_before_tls))
    };
    lines.push(("AUTH", auth));
    if let Some(size) = facts.size {
        lines.push(("SIZE", size_words(size.limit)));
    }
}

fn tls_facts(p: &PortReport, verbose: bool, lines: &mut Vec<(&'static str, String)>) {
    let Some(tls) = &p.tls else { return };
    let how = match (p.tls_path, p.implicit_tls_detected) {
        (TlsPath::Implicit, true) => "implicit TLS (found: the port was silent)",
        (TlsPath::Implicit, false) => "implicit TLS",
        _ => "STARTTLS",
    };
    let protocol = tls.protocol_summary();
    let text = if protocol.is_empty() { how.to_string() } else { format!("{how} · {protocol}") };
    lines.push(("TLS", text));
    let Some(cert) = &tls.certificate else { return };
    // The reason of a trust failure is in the warning above; the line only says which.
    let trust = match &p.trust {
        Some(verdict) if verdict.is_trusted() => "trusted",
        Some(_) => "not trusted",
        None => "not verified (--insecure)",
    };
    let line = certificate_line(cert);
    let line = line.strip_prefix("certificate ").unwrap_or(&line);
    lines.push(("certificate", format!("{line} · {trust}")));
    lines.push(("names", cert.sans.join(", ")));
    if verbose {
        lines.push(("subject", cert.subject.clone()));
        lines.push(("issuer", cert.issuer.clone()));
        lines.push(("valid", format!("{} to {}", cert.not_before, cert.not_after)));
        lines.push(("serial", format!("{} · {}", cert.serial, cert.signature_algorithm)));
    }
}

/// `PIPELINING, SIZE 10240000, STARTTLS`, or a note when HELO had to stand in.
fn keywords(ehlo: &crate::smtp::extension::EhloInfo) -> String {
    if ehlo.helo_fallback {
        return "refused; HELO accepted (no extensions)".into();
    }
    let words = ehlo.keywords();
    if words.is_empty() { "no extensions".into() } else { words.join(", ") }
}

/// What TLS changed in the EHLO reply: `as before TLS, plus AUTH PLAIN LOGIN, without VRFY`
/// (the full list is shown with -v).
fn ehlo_changes(
    before: &crate::smtp::extension::EhloInfo,
    after: &crate::smtp::extension::EhloInfo,
) -> String {
    let (before, after) = (before.keywords(), after.keywords());
    let added: Vec<&str> =
        after.iter().filter(|k| !before.contains(k)).map(String::as_str).collect();
    // STARTTLS is expected to go once TLS is up (RFC 3207 §4.2); it is not worth a mention.
    let dropped: Vec<&str> = before
        .iter()
        .filter(|k| !after.contains(k) && !k.eq_ignore_ascii_case("STARTTLS"))
        .map(String::as_str)
        .collect();
    let mut text = "as before TLS".to_string();
    if !added.is_empty() {
        text.push_str(&format!(", plus {}", added.join(", ")));
    }
    if !dropped.is_empty() {
        text.push_str(&format!(", without {}", dropped.join(", ")));
    }
    text
}

/// `10240000 bytes (9.8 MiB)`.
pub fn size_words(limit: Option<u64>) -> String {
    match limit {
        None => "advertised without a limit".into(),
        Some(n) if n >= 1 << 20 => format!("{n} bytes ({:.1} MiB)", n as f64 / f64::from(1 << 20)),
        Some(n) => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::Duration;

    use super::*;
    use crate::commands::probe_ports::report::{BannerFacts, Timeouts};
    use crate::smtp::extension::EhloInfo;
    use crate::smtp::reply::parse_reply;
    use crate::smtp::tls::certificate::CertificateSummary;
    use crate::smtp::tls::{TlsInfo, TlsUpgrade};

    const TIMEOUTS: Timeouts =
        Timeouts { connect: Duration::from_secs(3), reply: Duration::from_secs(30) };

    fn report(port: u16, tcp: TcpState) -> PortReport {
        let addr = SocketAddr::from(([192, 0, 2, 10], port));
        let mut r = PortReport::new("mx.example.com", addr);
        r.tcp = tcp;
        r
    }

    fn ehlo(text: &[u8]) -> EhloInfo {
        EhloInfo::from_reply(&parse_reply(text).unwrap())
    }

    fn certificate() -> CertificateSummary {
        CertificateSummary {
            subject: "CN=mx.example.com".into(),
            subject_cn: Some("mx.example.com".into()),
            sans: vec!["mx.example.com".into()],
            issuer: "CN=R11, O=Let's Encrypt".into(),
            issuer_cn: Some("R11".into()),
            issuer_org: Some("Let's Encrypt".into()),
            not_before: "2026-01-01 00:00:00 UTC".into(),
            not_after: "2027-01-30 00:00:00 UTC".into(),
            not_before_unix: 0,
            not_after_unix: 0,
            days_left: 67,
            self_signed: false,
            serial: "1001".into(),
            signature_algorithm: "ecdsa-with-SHA256".into(),
            dns_names: vec!["mx.example.com".into()],
            ip_addresses: Vec::new(),
        }
    }

    /// Submission on 587: STARTTLS, trusted certificate, AUTH after TLS only.
    fn submission() -> PortReport {
        let mut r = report(587, TcpState::Open);
        r.connect_ms = Some(23);
        let banner = parse_reply(b"220 mx.example.com ESMTP Postfix\r\n").unwrap();
        r.banner = Some(BannerFacts::from_reply(&banner));
        r.ehlo = Some(ehlo(b"250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n"));
        r.starttls_offered = true;
        r.tls_path = TlsPath::Starttls;
        r.tls = Some(TlsInfo {
            upgrade: TlsUpgrade::Starttls,
            server_name: "mx.example.com".into(),
            version: Some("TLS 1.3".into()),
            cipher_suite: Some("TLS_AES_256_GCM_SHA384".into()),
            certificate: Some(certificate()),
            trusted: true,
            skipped_by: None,
            verdict: "trusted".into(),
            notes: Vec::new(),
            end_point: None,
        });
        r.trust = Some(TrustVerdict::Trusted);
        r.ehlo_after_tls =
            Some(ehlo(b"250-mx.example.com\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n"));
        r
    }

    fn render_plain(hosts: &[HostReport], summary: &Summary) -> String {
        let view = ProbeView { route_line: None, hosts, summary };
        let mut out = Vec::new();
        render(&mut out, Palette::plain(), Verbosity::Normal, &view).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn table_details_and_summary() {
        let mut probes =
            vec![report(25, TcpState::Filtered), submission(), report(465, TcpState::Closed)];
        probes.iter_mut().for_each(|p| p.finish(Duration::ZERO, &TIMEOUTS));
        let host = HostReport {
            host: "mx.example.com".into(),
            addresses: vec!["192.0.2.10".parse().unwrap()],
            error: None,
            dns_error: None,
            probes,
        };
        let summary = Summary {
            ok: true,
            accepting: 1,
            probes: 3,
            text: "1 of 3 probes accept an SMTP session (ports 587)".into(),
        };
        let expected = "\
HOST            ADDRESS     PORT  TCP       CONNECT  BANNER  TLS           CERTIFICATE  AUTH
mx.example.com  192.0.2.10  25    filtered        -  -       -             -            -
mx.example.com  192.0.2.10  587   open        23 ms  220     STARTTLS 1.3  trusted      after TLS
mx.example.com  192.0.2.10  465   closed          -  -       -             -            -

mx.example.com [192.0.2.10]
  ✗ 25: filtered — no answer within 3 s (outbound port 25 is often blocked by ISPs and cloud providers)
  ✓ 587: submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN
      banner       220 mx.example.com ESMTP Postfix
      server       mx.example.com, Postfix
      EHLO         PIPELINING, STARTTLS
      TLS          STARTTLS · TLS 1.3 TLS_AES_256_GCM_SHA384
      certificate  mx.example.com, issued by R11, expires 2027-01-30 (67 days) · trusted
      names        mx.example.com
      EHLO (TLS)   as before TLS, plus AUTH PLAIN LOGIN
      AUTH         before TLS: none · after TLS: PLAIN LOGIN
  ✗ 465: closed — connection refused, nothing listens there

✓ 1 of 3 probes accept an SMTP session (ports 587)
";
        assert_eq!(render_plain(&[host], &summary), expected);
    }

    #[test]
    fn unresolved_host_gets_a_row_and_a_line() {
        let host = HostReport {
            host: "mx2.example.com".into(),
            addresses: Vec::new(),
            error: Some("mx2.example.com does not exist (NXDOMAIN from 192.0.2.53:53)".into()),
            dns_error: None,
            probes: Vec::new(),
        };
        let summary =
            Summary { ok: false, accepting: 0, probes: 0, text: "nothing was probed".into() };
        let expected = "\
HOST             ADDRESS  PORT  TCP         CONNECT  BANNER  TLS  CERTIFICATE  AUTH
mx2.example.com  -        -     unresolved        -  -       -    -            -

✗ mx2.example.com: does not resolve — mx2.example.com does not exist (NXDOMAIN from 192.0.2.53:53)

✗ nothing was probed
";
        assert_eq!(render_plain(&[host], &summary), expected);
    }

    #[test]
    fn colour_does_not_shift_columns() {
        let mut p = submission();
        p.finish(Duration::ZERO, &TIMEOUTS);
        let host = HostReport {
            host: "mx.example.com".into(),
            addresses: vec!["192.0.2.10".parse().unwrap()],
            error: None,
            dns_error: None,
            probes: vec![p],
        };
        let strip = |s: &str| {
            let mut out = String::new();
            let mut chars = s.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    chars.by_ref().find(|&c| c == 'm');
                } else {
                    out.push(c);
                }
            }
            out
        };
        let (mut plain, mut pretty) = (Vec::new(), Vec::new());
        table(&mut plain, Palette::plain(), std::slice::from_ref(&host)).unwrap();
        table(&mut pretty, Palette::pretty(), &[host]).unwrap();
        let pretty = String::from_utf8(pretty).unwrap();
        assert!(pretty.contains('\x1b'));
        assert_eq!(strip(&pretty), String::from_utf8(plain).unwrap());
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(size_words(Some(10_240_000)), "10240000 bytes (9.8 MiB)");
        assert_eq!(size_words(Some(1000)), "1000 bytes");
        assert_eq!(size_words(None), "advertised without a limit");
    }
}
