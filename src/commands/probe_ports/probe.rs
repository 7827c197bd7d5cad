//! One probe: the SMTP sessions that learn everything about one address and port, run on one
//! thread, filling a [`PortReport`].
//!
//! The way in depends on the port: implicit TLS on 465 (RFC 8314), plain SMTP with STARTTLS when
//! offered on 25, 587 and 2525, and on any other port plain SMTP first — but a port that stays
//! silent for a moment may be an implicit-TLS port (a TLS server waits for the client to speak
//! first, an SMTP server greets first, RFC 5321 §3.1), so implicit TLS is then tried on a new
//! connection. The well-known plain ports are never tried that way: postscreen-style greet
//! pauses on port 25 would count an early ClientHello as a spambot's pregreeting.
//!
//! When the certificate is not trusted, the engine has already read it in a second, unverified
//! handshake; one more session, unverified, learns what the server offers over TLS (AUTH after
//! STARTTLS). The probe never sends MAIL, RCPT or AUTH, and ends every SMTP session with QUIT.
//! It must not print: the live status goes through [`StatusLine`], the rest into the report.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::cli::TlsMode;
use crate::exit::Classify;
use crate::output::progress::StatusLine;
use crate::smtp::error::{ConnectFailure, human_duration};
use crate::smtp::event::{Event, Observer};
use crate::smtp::reply::Reply;
use crate::smtp::tls::TlsFailure;
use crate::smtp::tls::certificate::TrustVerdict;
use crate::smtp::{Client, Error, SessionConfig};

use super::report::{
    BannerFacts, PortReport, ProbeError, ReplyFacts, Stage, TcpState, Timeouts, TlsPath,
};

/// How long a port of unknown convention may stay silent before implicit TLS is tried (never
/// more than half of `--timeout`). Real servers greet within milliseconds; a TLS port never does.
pub const IMPLICIT_TLS_SNIFF: Duration = Duration::from_secs(2);

/// Ports whose convention is plain SMTP with STARTTLS (RFC 5321, RFC 6409, and the common
/// alternative 2525): a silent server there is slow, not TLS.
pub const PLAIN_PORTS: [u16; 3] = [25, 587, 2525];

/// The port of implicit TLS for submission (RFC 8314 §7.3).
pub const IMPLICIT_TLS_PORT: u16 = 465;

/// What the probe needs besides the address.
#[derive(Debug, Clone)]
pub struct ProbeSettings {
    /// EHLO name, timeouts, trust anchors, `--insecure`.
    pub session: SessionConfig,
    /// `--tls`, read as described in the command's help.
    pub mode: TlsMode,
}

/// How to enter a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approach {
    /// TLS from the first byte.
    Implicit,
    /// Plain SMTP; `starttls`: upgrade when offered; `sniff`: try implicit TLS when silent.
    Plain { starttls: bool, sniff: bool },
}

/// The approach `--tls` and the port number call for.
pub fn approach(mode: TlsMode, port: u16) -> Approach {
    match mode {
        TlsMode::Implicit => Approach::Implicit,
        TlsMode::None => Approach::Plain { starttls: false, sniff: false },
        TlsMode::Starttls => Approach::Plain { starttls: true, sniff: false },
        TlsMode::Auto | TlsMode::Opportunistic if port == IMPLICIT_TLS_PORT => Approach::Implicit,
        TlsMode::Auto | TlsMode::Opportunistic => {
            Approach::Plain { starttls: true, sniff: !PLAIN_PORTS.contains(&port) }
        }
    }
}

/// Probes `addr` (with `host` as the TLS name) and returns the finished report.
pub fn probe(
    host: &str,
    addr: SocketAddr,
    settings: &ProbeSettings,
    status: &StatusLine,
) -> PortReport {
    let started = Instant::now();
    let mut report = PortReport::new(host, addr);
    let mut run = Probe { host, addr, settings, status, report: &mut report, first: true };
    match approach(settings.mode, addr.port()) {
        Approach::Implicit => {
            if let Some(failure) = run.implicit(settings.session.connect.reply_timeout) {
                run.tls_failed(failure, Stage::Tls);
            }
        }
        Approach::Plain { starttls, sniff } => run.plain(starttls, sniff),
    }
    let timeouts = Timeouts {
        connect: settings.session.connect.connect_timeout,
        reply: settings.session.connect.reply_timeout,
    };
    report.finish(started.elapsed(), &timeouts);
    report
}

/// Turns engine events into the live status line (our verbs and reply codes only: server text
/// stays out of it).
struct StatusObserver<'s>(&'s StatusLine);

impl Observer for StatusObserver<'_> {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::Connecting { .. } => self.0.set("connecting"),
            Event::Connected { .. } => self.0.set("connected, waiting for the banner"),
            Event::Sent { line, .. } => {
                let verb = line.split_ascii_whitespace().next().unwrap_or("");
                self.0.set(&format!("{verb} …"));
            }
            Event::Received { reply, .. } => self.0.set(&format!("got {}", reply.code)),
            Event::TlsEstablished(_) => self.0.set("TLS established"),
            _ => {}
        }
    }
}

/// One probe in progress.
struct Probe<'a> {
    host: &'a str,
    addr: SocketAddr,
    settings: &'a ProbeSettings,
    status: &'a StatusLine,
    report: &'a mut PortReport,
    /// True until the first connection's TCP outcome is recorded.
    first: bool,
}

impl<'a> Probe<'a> {
    /// Connects; the first connection's outcome is the port's TCP state, a later failure is an
    /// error of the session that needed it.
    fn connect<'o>(
        &mut self,
        config: &SessionConfig,
        observer: &'o mut StatusObserver<'a>,
    ) -> Option<Client<'o>> {
        let started = Instant::now();
        let result = Client::connect(self.host, &[self.addr], config, observer);
        let first = std::mem::replace(&mut self.first, false);
        match result {
            Ok(client) => {
                if first {
                    self.report.tcp = TcpState::Open;
                    self.report.connect_ms = Some(started.elapsed().as_millis() as u64);
                }
                Some(client)
            }
            Err(e) if first => {
                self.record_connect_failure(e);
                None
            }
            Err(e) => {
                self.fail(Stage::Connect, &e);
                None
            }
        }
    }

    fn record_connect_failure(&mut self, error: Error) {
        let failure = match error {
            Error::Connect { attempts, .. } => attempts.into_iter().next().map(|a| a.error),
            _ => None,
        };
        let (state, text) = match failure {
            Some(ConnectFailure::Refused) => (TcpState::Closed, "connection refused".to_string()),
            Some(ConnectFailure::TimedOut(d)) => {
                (TcpState::Filtered, format!("no answer within {}", human_duration(d)))
            }
            Some(ConnectFailure::Other(e)) => {
                let unreachable = matches!(
                    e.kind(),
                    std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable
                );
                (if unreachable { TcpState::Unreachable } else { TcpState::Error }, e.to_string())
            }
            None => (TcpState::Error, "no connection attempt was made".to_string()),
        };
        self.report.tcp = state;
        self.report.tcp_error = Some(text);
    }

    fn fail(&mut self, stage: Stage, error: &Error) {
        self.report.error = Some(ProbeError {
            stage,
            phase: error.phase().to_string(),
            message: error.to_string(),
        });
    }

    fn note(&mut self, text: String) {
        self.report.notes.push(text);
    }

    /// Plain SMTP first: banner, EHLO, STARTTLS when offered (and allowed), EHLO, QUIT.
    fn plain(&mut self, starttls: bool, sniff: bool) {
        let full = self.settings.session.connect.reply_timeout;
        let wait = if sniff { IMPLICIT_TLS_SNIFF.min(full / 2) } else { full };
        let settings = self.settings;
        let mut observer = StatusObserver(self.status);
        let Some(mut client) = self.connect(&settings.session, &mut observer) else { return };
        if wait != full {
            client.set_reply_timeout(wait);
        }
        let banner = match client.banner() {
            Ok(banner) => banner,
            Err(Error::Timeout { .. }) if sniff => {
                drop(client);
                return self.after_silence(starttls, wait);
            }
            Err(e) => return self.fail(Stage::Banner, &e),
        };
        client.set_reply_timeout(full);
        self.after_banner(&mut client, &banner, starttls);
    }

    /// The port stayed silent: try implicit TLS on a new connection, in the rest of the time.
    fn after_silence(&mut self, starttls: bool, waited: Duration) {
        let full = self.settings.session.connect.reply_timeout;
        self.status.set("no banner yet: trying implicit TLS");
        self.note(format!(
            "no banner within {}: tried implicit TLS (a TLS server waits for the client's hello)",
            human_duration(waited)
        ));
        let Some(failure) = self.implicit(full.saturating_sub(waited)) else { return };
        if failure.timed_out {
            let message = format!("no reply to the banner within {}", human_duration(full));
            self.report.error =
                Some(ProbeError { stage: Stage::Banner, phase: "timeout".into(), message });
            self.report.tls_path = TlsPath::None;
            return;
        }
        // Something answered the ClientHello that is not TLS: a plain server, only slow to greet.
        self.note(format!("not implicit TLS ({}); waited for the banner again", failure.message));
        self.report.tls_path = TlsPath::None;
        self.plain(starttls, false);
    }

    /// Banner, EHLO, then STARTTLS when offered and wanted.
    fn after_banner(&mut self, client: &mut Client<'_>, banner: &Reply, starttls: bool) {
        self.report.banner = Some(BannerFacts::from_reply(banner));
        if !banner.is_positive() {
            return quit(client, self.report);
        }
        let ehlo = match client.ehlo() {
            Ok(reply) => reply,
            Err(e) => return self.fail(Stage::Ehlo, &e),
        };
        if !ehlo.is_positive() {
            self.report.ehlo_refused = Some(ReplyFacts::from_reply(&ehlo));
            return quit(client, self.report);
        }
        self.report.ehlo = client.ehlo_info().cloned();
        self.report.starttls_offered = client.ehlo_info().is_some_and(|e| e.starttls());
        if !(self.report.starttls_offered && starttls) {
            return quit(client, self.report);
        }
        self.report.tls_path = TlsPath::Starttls;
        match client.starttls() {
            Ok(reply) if reply.code == 220 => {
                self.tls_up(client);
                self.ehlo_after_tls(client);
                quit(client, self.report);
            }
            Ok(reply) => {
                self.report.tls_path = TlsPath::None;
                self.report.starttls_refused = Some(ReplyFacts::from_reply(&reply));
                quit(client, self.report);
            }
            // The connection is gone with the handshake: there is no session left to QUIT.
            Err(Error::Tls(failure)) => self.tls_failed(*failure, Stage::Starttls),
            Err(e) => self.fail(Stage::Starttls, &e),
        }
    }

    /// Implicit TLS on a new connection, the handshake bounded by `handshake_timeout`. Returns
    /// the failure when the port does not speak TLS or the handshake failed.
    fn implicit(&mut self, handshake_timeout: Duration) -> Option<TlsFailure> {
        let mut config = self.settings.session.clone();
        config.connect.reply_timeout = handshake_timeout.max(Duration::from_millis(1));
        let mut observer = StatusObserver(self.status);
        let mut client = self.connect(&config, &mut observer)?;
        self.report.tls_path = TlsPath::Implicit;
        match client.implicit_tls() {
            Ok(()) => {}
            Err(Error::Tls(failure)) if failure.untrusted => {
                self.report.implicit_tls_detected = !self.first_was_this_port();
                self.tls_failed(*failure, Stage::Tls);
                return None;
            }
            Err(Error::Tls(failure)) => return Some(*failure),
            Err(e) => {
                self.fail(Stage::Tls, &e);
                return None;
            }
        }
        self.report.implicit_tls_detected = !self.first_was_this_port();
        self.tls_up(&client);
        client.set_reply_timeout(self.settings.session.connect.reply_timeout);
        self.implicit_session(&mut client);
        None
    }

    /// True when the probe went straight to implicit TLS (465 or `--tls implicit`), false when
    /// it found implicit TLS by trying it on a silent port.
    fn first_was_this_port(&self) -> bool {
        approach(self.settings.mode, self.addr.port()) == Approach::Implicit
    }

    /// Banner and EHLO over implicit TLS, then QUIT.
    fn implicit_session(&mut self, client: &mut Client<'_>) {
        let banner = match client.banner() {
            Ok(banner) => banner,
            Err(e) => return self.fail(Stage::Banner, &e),
        };
        self.report.banner = Some(BannerFacts::from_reply(&banner));
        if !banner.is_positive() {
            return quit(client, self.report);
        }
        match client.ehlo() {
            Ok(reply) if reply.is_positive() => {
                self.report.ehlo_after_tls = client.ehlo_info().cloned();
            }
            Ok(reply) => self.report.ehlo_refused = Some(ReplyFacts::from_reply(&reply)),
            Err(e) => return self.fail(Stage::Ehlo, &e),
        }
        quit(client, self.report);
    }

    /// Records the facts of an established TLS session.
    fn tls_up(&mut self, client: &Client<'_>) {
        self.report.tls = client.tls_info().cloned();
        let verified = !self.settings.session.tls.insecure;
        self.report.trust = verified.then_some(TrustVerdict::Trusted);
    }

    fn ehlo_after_tls(&mut self, client: &mut Client<'_>) {
        match client.ehlo() {
            Ok(reply) if reply.is_positive() => {
                self.report.ehlo_after_tls = client.ehlo_info().cloned();
            }
            Ok(reply) => {
                let text = format!("{} {}", reply.short(), reply.message());
                self.report.error = Some(ProbeError {
                    stage: Stage::EhloAfterTls,
                    phase: "rejected".into(),
                    message: format!("EHLO refused ({text})"),
                });
            }
            Err(e) => self.fail(Stage::EhloAfterTls, &e),
        }
    }

    /// A failed handshake: an untrusted certificate is reported with its verdict, and one more,
    /// unverified session learns what the server offers over TLS; any other failure ends here.
    fn tls_failed(&mut self, failure: TlsFailure, stage: Stage) {
        if !failure.untrusted {
            let message = failure.to_string();
            self.report.error = Some(ProbeError { stage, phase: "tls".into(), message });
            return;
        }
        let verdict =
            failure.verdict.clone().unwrap_or_else(|| TrustVerdict::Other(failure.message.clone()));
        if let Some(mut info) = failure.inspected.clone() {
            info.verdict = failure.to_string();
            self.report.tls = Some(info);
            self.note("certificate read in a second, unverified handshake".into());
        }
        self.report.trust = Some(verdict);
        self.unverified_session();
    }

    /// The session again without verifying the certificate, only to learn the EHLO over TLS (and
    /// on an implicit-TLS port, the banner). Its certificate facts fill in what is missing.
    fn unverified_session(&mut self) {
        let mut config = self.settings.session.clone();
        config.tls.insecure = true;
        let mut observer = StatusObserver(self.status);
        let Some(mut client) = self.connect(&config, &mut observer) else { return };
        let implicit = self.report.tls_path == TlsPath::Implicit;
        let upgraded =
            if implicit { client.implicit_tls().map(|()| None) } else { plain_to_tls(&mut client) };
        match upgraded {
            Ok(None) => {}
            Ok(Some(reply)) => {
                self.note(format!("the unverified session stopped at {}", reply.short()));
                return quit(&mut client, self.report);
            }
            Err(e) => {
                let stage = if implicit { Stage::Tls } else { Stage::Starttls };
                return self.fail(stage, &e);
            }
        }
        if self.report.tls.is_none() {
            let mut info = client.tls_info().cloned();
            if let (Some(info), Some(trust)) = (info.as_mut(), &self.report.trust) {
                info.verdict = trust.to_string();
            }
            self.report.tls = info;
        }
        self.note("what the server offers over TLS was read in a session that did not verify the certificate".into());
        if implicit {
            self.implicit_session(&mut client);
        } else {
            self.ehlo_after_tls(&mut client);
            quit(&mut client, self.report);
        }
    }
}

/// Banner, EHLO and STARTTLS up to the handshake. `Ok(Some(reply))` when a reply stopped it.
fn plain_to_tls(client: &mut Client<'_>) -> Result<Option<Reply>, Error> {
    let banner = client.banner()?;
    if !banner.is_positive() {
        return Ok(Some(banner));
    }
    let ehlo = client.ehlo()?;
    if !ehlo.is_positive() {
        return Ok(Some(ehlo));
    }
    let reply = client.starttls()?;
    Ok((reply.code != 220).then_some(reply))
}

/// QUIT; a failure is only noted, since everything worth knowing was learned already.
fn quit(client: &mut Client<'_>, report: &mut PortReport) {
    if let Err(e) = client.quit() {
        report.notes.push(format!("QUIT: {e}"));
    }
}
