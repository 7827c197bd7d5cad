//! One SMTP session over a [`Transport`]: the verbs in order, STARTTLS and implicit TLS with the
//! security rules of DESIGN.md §3, and an event for everything that happens.
//!
//! The client never decides whether a 4xx/5xx ends the session: it returns the reply and the
//! command layer decides. It does decide what is unsafe (bytes after the STARTTLS 220) and what
//! is broken (malformed replies), because no caller could want to go on after those.

use std::io::Read;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::command::Command;
use super::data::DotStuffer;
use super::error::Error;
use super::event::{Event, NullObserver, Observer};
use super::extension::EhloInfo;
use super::reply::Reply;
use super::tls::certificate::classify_failure;
use super::tls::{self, TlsInfo, TlsParams, TlsUpgrade};
use super::transport::{ConnectOptions, Transport};

/// Certificates expiring sooner than this get a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// Everything a session needs besides the server's address.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The name we announce in EHLO/HELO.
    pub ehlo_name: String,
    /// Timeouts and the local address.
    pub connect: ConnectOptions,
    /// Trust anchors, SNI, client certificate, `--insecure`.
    pub tls: TlsParams,
}

/// A live session.
pub struct Client<'o> {
    transport: Transport,
    observer: &'o mut dyn Observer,
    host: String,
    config: SessionConfig,
    ehlo: Option<EhloInfo>,
    tls: Option<TlsInfo>,
}

impl<'o> Client<'o> {
    /// Connects to the first address of `addrs` that answers. `host` is the name used for TLS
    /// verification and messages.
    pub fn connect(
        host: &str,
        addrs: &[SocketAddr],
        config: &SessionConfig,
        observer: &'o mut dyn Observer,
    ) -> Result<Client<'o>, Error> {
        let transport = Transport::connect(host, addrs, &config.connect, observer)?;
        Ok(Client {
            transport,
            observer,
            host: host.to_string(),
            config: config.clone(),
            ehlo: None,
            tls: None,
        })
    }

    /// The server's address.
    pub fn peer(&self) -> SocketAddr {
        self.transport.peer()
    }

    /// The host name this session verifies TLS against.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The latest EHLO facts (cleared by STARTTLS, as RFC 3207 §4.2 requires).
    pub fn ehlo_info(&self) -> Option<&EhloInfo> {
        self.ehlo.as_ref()
    }

    /// The TLS facts, once TLS is up.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.tls.as_ref()
    }

    /// Changes the reply timeout for the rest of the session (see
    /// [`Transport::set_reply_timeout`]); a zero duration is raised to one millisecond, since
    /// sockets refuse a zero timeout.
    pub fn set_reply_timeout(&mut self, timeout: Duration) {
        self.transport.set_reply_timeout(timeout.max(Duration::from_millis(1)));
    }

    /// True when the session runs over TLS.
    pub fn is_tls(&self) -> bool {
        self.transport.is_tls()
    }

    /// Emits an event on behalf of the command layer (notes, warnings).
    pub fn emit(&mut self, event: Event) {
        self.observer.on_event(&event);
    }

    /// Queues a command without waiting (for PIPELINING, RFC 2920).
    pub fn send(&mut self, cmd: &Command) {
        let raw = if cmd.is_secret() {
            format!("{}\r\n", cmd.redacted()).into_bytes()
        } else {
            cmd.wire()
        };
        self.observer.on_event(&Event::Sent { line: cmd.redacted(), raw });
        self.transport.queue(&cmd.wire());
    }

    /// Flushes what is queued and reads one reply.
    pub fn receive(&mut self, waiting_for: &str) -> Result<Reply, Error> {
        self.receive_masked(waiting_for, &|_| None)
    }

    /// Like [`Client::receive`], but the event shows `mask(reply)` when it returns one: AUTH
    /// challenges can carry values that must not reach a transcript (SCRAM's `v=`).
    pub fn receive_masked(
        &mut self,
        waiting_for: &str,
        mask: &dyn Fn(&Reply) -> Option<Reply>,
    ) -> Result<Reply, Error> {
        self.transport.flush(waiting_for)?;
        let started = Instant::now();
        let (reply, raw) = self.transport.read_reply(waiting_for)?;
        let elapsed = started.elapsed();
        let event = match mask(&reply) {
            Some(shown) => {
                let raw = shown
                    .wire_lines()
                    .iter()
                    .flat_map(|l| format!("{l}\r\n").into_bytes())
                    .collect();
                Event::Received { reply: shown, elapsed, raw }
            }
            None => Event::Received { reply: reply.clone(), elapsed, raw },
        };
        self.observer.on_event(&event);
        Ok(reply)
    }

    /// Sends one command and reads its reply.
    pub fn command(&mut self, cmd: &Command) -> Result<Reply, Error> {
        self.send(cmd);
        self.receive(cmd.verb())
    }

    /// Sends a group of commands in one write and reads their replies in order (RFC 2920 §3.1).
    pub fn pipeline(&mut self, cmds: &[Command]) -> Result<Vec<Reply>, Error> {
        cmds.iter().for_each(|cmd| self.send(cmd));
        cmds.iter().map(|cmd| self.receive(cmd.verb())).collect()
    }

    /// Reads the server's greeting.
    pub fn banner(&mut self) -> Result<Reply, Error> {
        self.receive("the banner")
    }

    /// EHLO; when the server refuses it with a 5xx (an old server, RFC 5321 §4.1.4), HELO.
    pub fn ehlo(&mut self) -> Result<Reply, Error> {
        let name = self.config.ehlo_name.clone();
        let reply = self.command(&Command::Ehlo(name.clone()))?;
        if reply.is_positive() {
            self.ehlo = Some(EhloInfo::from_reply(&reply));
            return Ok(reply);
        }
        if reply.code / 100 != 5 {
            return Ok(reply);
        }
        self.emit(Event::Note("EHLO refused; falling back to HELO (no extensions)".into()));
        let helo = self.command(&Command::Helo(name))?;
        if helo.is_positive() {
            self.ehlo = Some(EhloInfo::from_helo(&helo));
        }
        Ok(helo)
    }

    /// STARTTLS (RFC 3207). On 220 the handshake follows and the EHLO facts are forgotten; any
    /// other reply is returned for the caller to judge.
    pub fn starttls(&mut self) -> Result<Reply, Error> {
        let reply = self.command(&Command::StartTls)?;
        if reply.code != 220 {
            return Ok(reply);
        }
        // RFC 3207 §5 and CVE-2011-0411: anything the server sent after its 220 was sent in
        // clear and would be read as if it came over TLS. There is no innocent explanation.
        let leftover = self.transport.buffered();
        if leftover > 0 {
            return Err(Error::StartTlsInjection { bytes: leftover });
        }
        self.upgrade(TlsUpgrade::Starttls)?;
        self.ehlo = None;
        Ok(reply)
    }

    /// Starts TLS right after connecting (RFC 8314, port 465).
    pub fn implicit_tls(&mut self) -> Result<(), Error> {
        self.upgrade(TlsUpgrade::Implicit)
    }

    fn upgrade(&mut self, upgrade: TlsUpgrade) -> Result<(), Error> {
        let Some(tcp) = self.transport.take_plain() else {
            return Ok(());
        };
        // take_plain armed the stream's deadline: the whole handshake gets one reply timeout.
        let verify = !(self.config.tls.insecure || self.config.tls.opportunistic);
        match tls::handshake(tcp, &self.host, &self.config.tls, verify, upgrade) {
            Ok((stream, info)) => {
                self.transport.install_tls(stream);
                self.observer.on_event(&Event::TlsEstablished(Box::new(info.clone())));
                self.warn_about_certificate(&info);
                self.tls = Some(info);
                Ok(())
            }
            Err(mut failure) => {
                if failure.untrusted {
                    let inspected =
                        inspect_certificate(self.peer(), &self.host, &self.config, upgrade);
                    if let Some(cert) = inspected.as_ref().and_then(|i| i.certificate.as_ref()) {
                        let verdict = classify_failure(
                            cert,
                            &failure.server_name,
                            tls::now_unix(),
                            &failure.message,
                        );
                        failure.verdict = Some(verdict);
                    }
                    if let Some(mut info) = inspected.clone() {
                        info.verdict = failure.to_string();
                        self.observer.on_event(&Event::TlsFailed(Box::new(info)));
                    }
                    failure.inspected = inspected;
                }
                Err(Error::Tls(failure))
            }
        }
    }

    fn warn_about_certificate(&mut self, info: &TlsInfo) {
        let Some(cert) = &info.certificate else { return };
        if cert.days_left < EXPIRY_WARNING_DAYS {
            let msg = if cert.days_left < 0 {
                format!("certificate expired on {}", cert.not_after)
            } else {
                format!("certificate expires in {} days ({})", cert.days_left, cert.not_after)
            };
            self.emit(Event::Warning(msg));
        }
        if self.config.tls.insecure {
            self.emit(Event::Warning(
                "--insecure: the certificate was not verified; anyone on the path could read \
                 and change this session"
                    .into(),
            ));
        }
    }

    /// Sends the message content after a 354: CRLF-normalised, dot-stuffed, terminated, in
    /// chunks so it is never held whole; `progress` hears the bytes read so far.
    pub fn send_content(
        &mut self,
        mut content: impl Read,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Reply, Error> {
        const CHUNK: usize = 64 * 1024;
        let started = Instant::now();
        let mut stuffer = DotStuffer::new();
        let mut input = vec![0u8; CHUNK];
        let mut out = Vec::with_capacity(CHUNK * 2);
        let mut total = 0u64;
        loop {
            let n = match content.read(&mut input) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(Error::Io { during: "reading the message".into(), source });
                }
            };
            total += n as u64;
            stuffer.push(&input[..n], &mut out);
            if out.len() >= CHUNK {
                self.transport.write_content(&out)?;
                out.clear();
                progress(total);
            }
        }
        stuffer.finish(&mut out);
        self.transport.queue(&out);
        progress(total);
        self.observer.on_event(&Event::ContentSent { bytes: total, elapsed: started.elapsed() });
        self.receive("the end of the message")
    }

    /// One `BDAT size [LAST]` chunk (RFC 3030) and its reply. The chunk goes out as it is, in the
    /// same write as its command: BDAT frames content by size, so there is no dot-stuffing and
    /// no terminator. The caller must have CRLF-normalised it (no bare CR or LF may leave).
    /// The transcript shows the command line only; its size says how much content followed.
    pub fn bdat(&mut self, chunk: &[u8], last: bool) -> Result<Reply, Error> {
        self.send(&Command::Bdat { size: chunk.len() as u64, last });
        self.transport.queue(chunk);
        self.receive("BDAT")
    }

    /// QUIT and its 221. A server that closes instead of answering is fine at this point.
    pub fn quit(&mut self) -> Result<Option<Reply>, Error> {
        self.send(&Command::Quit);
        match self.receive("QUIT") {
            Ok(reply) => Ok(Some(reply)),
            Err(Error::Closed { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Opens a second connection and repeats the way into TLS without verification, only to show
/// the user the certificate that failed. Its events are not shown; failures yield `None`.
fn inspect_certificate(
    peer: SocketAddr,
    host: &str,
    config: &SessionConfig,
    upgrade: TlsUpgrade,
) -> Option<TlsInfo> {
    let mut quiet = NullObserver;
    let mut transport = Transport::connect(host, &[peer], &config.connect, &mut quiet).ok()?;
    if upgrade == TlsUpgrade::Starttls {
        transport.read_reply("the banner").ok()?;
        for cmd in [Command::Ehlo(config.ehlo_name.clone()), Command::StartTls] {
            transport.queue(&cmd.wire());
            transport.flush(cmd.verb()).ok()?;
            let (reply, _) = transport.read_reply(cmd.verb()).ok()?;
            if !reply.is_positive() {
                return None;
            }
        }
    }
    let tcp = transport.take_plain()?;
    let (stream, mut info) = tls::handshake(tcp, host, &config.tls, false, upgrade).ok()?;
    transport.install_tls(stream);
    transport.queue(&Command::Quit.wire());
    let _ = transport.flush("QUIT");
    info.notes.push("certificate read in a second, unverified handshake".into());
    Some(info)
}
