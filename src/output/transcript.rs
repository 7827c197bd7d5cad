//! The annotated session transcript: `C:` what smtpx sent, `S:` what the server said, `·` what
//! smtpx observed, `!` warnings, and under a reply its meaning (`↳`). It is an [`Observer`], so
//! it prints live as the engine emits events. The exact format is pinned by golden tests.

use std::io::Write;

use crate::dns::MailRoute;
use crate::smtp::error::human_duration;
use crate::smtp::event::{Event, Observer};
use crate::smtp::extension::{EhloInfo, KNOWN_EXTENSIONS};
use crate::smtp::reply::Reply;
use crate::smtp::tls::TlsInfo;

use super::Verbosity;
use super::annotate;
use super::palette::{Palette, Role};
use super::sanitize::{escape_bytes, terminal_safe};

/// Which replies get a meaning line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotate {
    /// Every reply (trace: the point is to understand the session).
    All,
    /// Only refusals, 4xx and 5xx (send -v, test-auth -v).
    Failures,
}

/// Prints events as transcript lines into any writer.
pub struct TranscriptPrinter<W: Write> {
    out: W,
    palette: Palette,
    verbosity: Verbosity,
    annotate: Annotate,
    /// True while a "connecting …" line waits for its outcome on the same line.
    open_line: bool,
    /// True when the last command sent was EHLO: its reply lists extensions to explain.
    after_ehlo: bool,
}

impl<W: Write> TranscriptPrinter<W> {
    /// A printer writing to `out`.
    pub fn new(out: W, palette: Palette, verbosity: Verbosity, annotate: Annotate) -> Self {
        TranscriptPrinter { out, palette, verbosity, annotate, open_line: false, after_ehlo: false }
    }

    /// Gives the writer back (tests read the bytes from it).
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Prints a final verdict line: `✓ ...` or `✗ ...`.
    pub fn verdict(&mut self, ok: bool, text: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        self.close_line();
        let _ = writeln!(self.out, "{}", self.palette.verdict(ok, text));
    }

    fn close_line(&mut self) {
        if self.open_line {
            let _ = writeln!(self.out);
            self.open_line = false;
        }
    }

    fn line(&mut self, role: Role, text: &str) {
        self.close_line();
        let _ = writeln!(self.out, "{}", self.palette.paint(role, text));
    }

    fn note(&mut self, text: &str) {
        self.line(Role::Note, &format!("· {}", terminal_safe(text)));
    }

    fn raw(&mut self, bytes: &[u8]) {
        if self.verbosity >= Verbosity::Raw {
            let text = format!("   raw: \"{}\"", escape_bytes(bytes));
            self.line(Role::Dim, &text);
        }
    }

    fn reply(&mut self, reply: &Reply, elapsed: std::time::Duration, raw: &[u8]) {
        let role = Palette::reply_role(reply.code);
        let lines = reply.wire_lines();
        let last = lines.len().saturating_sub(1);
        for (i, line) in lines.iter().enumerate() {
            let mut text = self.palette.paint(role, &format!("S: {}", terminal_safe(line)));
            if i == last && self.verbosity >= Verbosity::Verbose {
                let time = format!("  ({})", human_duration(elapsed));
                text.push_str(&self.palette.paint(Role::Dim, &time));
            }
            self.close_line();
            let _ = writeln!(self.out, "{text}");
        }
        self.raw(raw);
        if self.annotate == Annotate::All || reply.is_negative() {
            let text = format!("   ↳ {}", terminal_safe(&annotate::annotation(reply)));
            self.line(Role::Dim, &text);
        }
        if self.after_ehlo && reply.is_positive() && self.verbosity >= Verbosity::Verbose {
            self.extensions(reply);
        }
    }

    /// With -v, what each EHLO keyword the server announced means, from the RFC table.
    fn extensions(&mut self, reply: &Reply) {
        let info = EhloInfo::from_reply(reply);
        for ext in &info.extensions {
            let Some((_, rfc, meaning)) =
                KNOWN_EXTENSIONS.iter().find(|(k, _, _)| *k == ext.keyword)
            else {
                continue;
            };
            let text = format!("     {:<20} {meaning} ({rfc})", terminal_safe(&ext.keyword));
            self.line(Role::Dim, &text);
        }
    }

    fn tls(&mut self, info: &TlsInfo, failed: bool) {
        let mut parts = Vec::new();
        let protocol = info.protocol_summary();
        parts.push(if protocol.is_empty() { "TLS".to_string() } else { protocol });
        if let Some(cert) = &info.certificate {
            parts.push(certificate_line(cert));
        }
        parts.push(info.verdict.clone());
        let role = if failed { Role::Bad } else { Role::Tls };
        self.line(role, &format!("· {}", terminal_safe(&parts.join(" · "))));
        if self.verbosity >= Verbosity::Verbose {
            if let Some(cert) = &info.certificate {
                let detail = format!(
                    "  subject {} · SANs {} · issuer {} · valid {} to {}",
                    cert.subject,
                    cert.sans.join(", "),
                    cert.issuer,
                    cert.not_before,
                    cert.not_after
                );
                self.line(Role::Dim, &terminal_safe(&detail));
            }
            for note in &info.notes {
                self.line(Role::Dim, &format!("  {}", terminal_safe(note)));
            }
        }
    }
}

/// `certificate mx1.example.com, issued by R11, expires 2027-01-30 (67 days)`.
pub fn certificate_line(cert: &crate::smtp::tls::certificate::CertificateSummary) -> String {
    let name = cert
        .subject_cn
        .clone()
        .or_else(|| cert.sans.first().cloned())
        .unwrap_or_else(|| cert.subject.clone());
    let issuer = cert
        .issuer_cn
        .clone()
        .or_else(|| cert.issuer_org.clone())
        .unwrap_or_else(|| cert.issuer.clone());
    let date = cert.not_after.split(' ').next().unwrap_or(&cert.not_after).to_string();
    let when = if cert.days_left < 0 {
        // Counted as the trust verdict counts them (whole days since), so both lines agree.
        let days_ago = (crate::smtp::tls::now_unix() - cert.not_after_unix).div_euclid(86_400);
        format!("expired {date} ({days_ago} days ago)")
    } else {
        format!("expires {date} ({} days)", cert.days_left)
    };
    format!("certificate {name}, issued by {issuer}, {when}")
}

/// `MX example.com: 10 mx1.example.com, 20 mx2.example.com`.
pub fn route_line(domain: &str, route: &MailRoute) -> String {
    match route {
        MailRoute::Mx(hosts) => {
            let list: Vec<String> =
                hosts.iter().map(|h| format!("{} {}", h.preference, h.exchange)).collect();
            format!("MX {domain}: {}", list.join(", "))
        }
        MailRoute::Implicit(host) => {
            format!("MX {domain}: none; using {host} itself (implicit MX, RFC 5321 §5.1)")
        }
        MailRoute::NullMx => {
            format!("MX {domain}: null MX (RFC 7505): this domain accepts no mail")
        }
    }
}

impl<W: Write> Observer for TranscriptPrinter<W> {
    fn on_event(&mut self, event: &Event) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        match event {
            Event::MxLookup { domain, route } => self.note(&route_line(domain, route)),
            Event::Resolved { host, addrs } => {
                if self.verbosity >= Verbosity::Verbose {
                    let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
                    self.note(&format!("{host} has address {}", list.join(", ")));
                }
            }
            Event::Connecting { host, addr } => {
                self.close_line();
                let text = format!(
                    "· connecting to {} …",
                    terminal_safe(&super::host_address(host, *addr))
                );
                let _ = write!(self.out, "{}", self.palette.paint(Role::Note, &text));
                self.open_line = true;
            }
            Event::Connected { elapsed, .. } => {
                let mut text = " connected".to_string();
                if self.verbosity >= Verbosity::Verbose {
                    text.push_str(&format!(" in {}", human_duration(*elapsed)));
                }
                let _ = writeln!(self.out, "{}", self.palette.paint(Role::Note, &text));
                self.open_line = false;
            }
            Event::ConnectFailed { error, .. } => {
                let text = format!(" {}", terminal_safe(error));
                let _ = writeln!(self.out, "{}", self.palette.paint(Role::Bad, &text));
                self.open_line = false;
            }
            Event::Sent { line, raw } => {
                self.after_ehlo = line.starts_with("EHLO ");
                self.line(Role::Client, &format!("C: {}", terminal_safe(line)));
                self.raw(raw);
            }
            Event::ContentSent { bytes, elapsed } => {
                let mut text = format!("C: <message content, {bytes} bytes>");
                if self.verbosity >= Verbosity::Verbose {
                    text.push_str(&format!("  ({})", human_duration(*elapsed)));
                }
                self.line(Role::Client, &text);
                self.line(Role::Client, "C: .");
            }
            Event::Received { reply, elapsed, raw } => {
                self.reply(reply, *elapsed, raw);
            }
            Event::TlsEstablished(info) => self.tls(info, false),
            Event::TlsFailed(info) => self.tls(info, true),
            Event::Note(text) => self.note(text),
            Event::Warning(text) => {
                self.line(Role::Warning, &format!("! {}", terminal_safe(text)));
            }
        }
    }
}
