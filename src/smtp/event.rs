//! The events the engine emits. One stream of events serves the text transcript, `--json` and
//! the tests; the engine never prints, so whatever a user can see passes through here.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::reply::Reply;
use super::tls::TlsInfo;

/// Something that happened in a session, in order.
#[derive(Debug, Clone)]
pub enum Event {
    /// The domain's mail route was looked up (emitted by commands that resolve MX).
    MxLookup { domain: String, route: crate::dns::MailRoute },
    /// A host name resolved to these addresses.
    Resolved { host: String, addrs: Vec<IpAddr> },
    /// A TCP connection attempt starts.
    Connecting { host: String, addr: SocketAddr },
    /// The TCP connection is up.
    Connected { addr: SocketAddr, elapsed: Duration },
    /// One address failed; the engine may go on to the next.
    ConnectFailed { addr: SocketAddr, error: String },
    /// A command line went out. `line` is safe to show (AUTH payloads redacted); `raw` is the
    /// exact bytes, or the redacted line plus CRLF when the command carries a secret.
    Sent { line: String, raw: Vec<u8> },
    /// The message content went out (DATA or BDAT): its size, not its bytes.
    ContentSent { bytes: u64, elapsed: Duration },
    /// A complete reply arrived, `elapsed` after we started waiting for it.
    Received { reply: Reply, elapsed: Duration, raw: Vec<u8> },
    /// The TLS handshake finished.
    TlsEstablished(Box<TlsInfo>),
    /// The TLS handshake failed; the facts we could gather (the error follows separately).
    TlsFailed(Box<TlsInfo>),
    /// Something smtpx observed or decided that the user should know.
    Note(String),
    /// Something that works but deserves attention (a certificate about to expire, ...).
    Warning(String),
}

impl Event {
    /// `host` resolved to `addrs` (the ports are the caller's, the event keeps the addresses).
    pub fn resolved(host: &str, addrs: &[SocketAddr]) -> Event {
        Event::Resolved { host: host.to_string(), addrs: addrs.iter().map(|a| a.ip()).collect() }
    }
}

/// Receives events. The transcript printer, the JSON collector and test recorders implement it.
pub trait Observer {
    /// Called for every event, in order.
    fn on_event(&mut self, event: &Event);
}

/// Discards events (for side connections whose details nobody asked for).
#[derive(Debug, Default)]
pub struct NullObserver;

impl Observer for NullObserver {
    fn on_event(&mut self, _event: &Event) {}
}

/// Forwards each event to two observers (e.g. the live transcript and the JSON collector).
pub struct Tee<'a, 'b>(pub &'a mut dyn Observer, pub &'b mut dyn Observer);

impl Observer for Tee<'_, '_> {
    fn on_event(&mut self, event: &Event) {
        self.0.on_event(event);
        self.1.on_event(event);
    }
}

/// Keeps every event, for tests and for building JSON after the fact.
#[derive(Debug, Default)]
pub struct Recorder {
    pub events: Vec<Event>,
}

impl Observer for Recorder {
    fn on_event(&mut self, event: &Event) {
        self.events.push(event.clone());
    }
}
