//! The byte pipe under a session: TCP (optionally bound to a local address), later TLS, with a
//! read buffer that enforces the reply bounds and a write buffer flushed once per command group.
//!
//! Why buffer writes: a command or the final `.` sent as its own small segment meets Nagle's
//! algorithm and the peer's delayed ACK, costing ~40 ms per round trip. We set TCP_NODELAY and
//! flush exactly when a reply is awaited. Why own the read buffer: after the 220 to STARTTLS,
//! anything already buffered was sent before TLS and must be detected (response injection).

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::deadline::{Deadline, DeadlineStream};
use super::error::{ConnectAttempt, ConnectFailure, Error};
use super::event::{Event, Observer};
use super::reply::{MAX_LINE_LEN, Reply, ReplyBuilder};
use super::tls::record::HandshakeRecorder;

/// A TLS stream over TCP, with the recorder that captured the server's handshake bytes.
pub type TlsStream = native_tls::TlsStream<HandshakeRecorder<DeadlineStream>>;

/// The stream currently carrying the session.
enum Stream {
    Plain(DeadlineStream),
    Tls(Box<TlsStream>),
    /// Transiently empty while the plain stream is handed to the TLS handshake.
    Detached,
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Detached => Err(io::Error::new(io::ErrorKind::NotConnected, "detached")),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
            Stream::Detached => Err(io::Error::new(io::ErrorKind::NotConnected, "detached")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
            Stream::Detached => Ok(()),
        }
    }
}

/// How to open the TCP connection.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Bound on each address's TCP handshake.
    pub connect_timeout: Duration,
    /// Bound on each complete reply (a deadline, so a server trickling bytes cannot evade it).
    pub reply_timeout: Duration,
    /// Source address to bind before connecting (`--local-addr`).
    pub local_addr: Option<IpAddr>,
}

/// A connected session's transport.
pub struct Transport {
    stream: Stream,
    peer: SocketAddr,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    reply_timeout: Duration,
    /// Bound on each flush of queued bytes: the user's `--timeout`, even while a reply is
    /// allowed to take longer (the end of a message).
    write_timeout: Duration,
    /// The end of the current wait, obeyed by the stream under TLS too.
    deadline: Deadline,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("peer", &self.peer).finish_non_exhaustive()
    }
}

/// Opens one TCP connection, honouring the timeout and the local address.
fn connect_one(addr: SocketAddr, opts: &ConnectOptions) -> Result<TcpStream, ConnectFailure> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(ConnectFailure::Other)?;
    if let Some(local) = opts.local_addr {
        socket.bind(&SockAddr::from(SocketAddr::new(local, 0))).map_err(ConnectFailure::Other)?;
    }
    match socket.connect_timeout(&SockAddr::from(addr), opts.connect_timeout) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            return Err(ConnectFailure::Refused);
        }
        Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
            return Err(ConnectFailure::TimedOut(opts.connect_timeout));
        }
        Err(e) => return Err(ConnectFailure::Other(e)),
    }
    let stream: TcpStream = socket.into();
    stream.set_nodelay(true).map_err(ConnectFailure::Other)?;
    Ok(stream)
}

impl Transport {
    /// Tries each address in turn until one connects, emitting an event per attempt.
    pub fn connect(
        host: &str,
        addrs: &[SocketAddr],
        opts: &ConnectOptions,
        observer: &mut dyn Observer,
    ) -> Result<Transport, Error> {
        let mut attempts = Vec::new();
        for &addr in addrs {
            observer.on_event(&Event::Connecting { host: host.to_string(), addr });
            let started = Instant::now();
            match connect_one(addr, opts) {
                Ok(stream) => {
                    observer.on_event(&Event::Connected { addr, elapsed: started.elapsed() });
                    return Transport::from_stream(stream, opts.reply_timeout);
                }
                Err(error) => {
                    observer.on_event(&Event::ConnectFailed { addr, error: error.to_string() });
                    attempts.push(ConnectAttempt { addr, error });
                }
            }
        }
        Err(Error::Connect { host: host.to_string(), attempts })
    }

    fn from_stream(stream: TcpStream, reply_timeout: Duration) -> Result<Transport, Error> {
        let io_err = |source| Error::Io { during: "connect".into(), source };
        let peer = stream.peer_addr().map_err(io_err)?;
        let deadline = Deadline::default();
        Ok(Transport {
            stream: Stream::Plain(DeadlineStream::new(stream, deadline.clone())),
            peer,
            rbuf: Vec::with_capacity(4096),
            rpos: 0,
            wbuf: Vec::with_capacity(4096),
            reply_timeout,
            write_timeout: reply_timeout,
            deadline,
        })
    }

    /// The server's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// True once TLS carries the session.
    pub fn is_tls(&self) -> bool {
        matches!(self.stream, Stream::Tls(_))
    }

    /// Queues bytes; nothing is sent until [`Transport::flush`].
    pub fn queue(&mut self, bytes: &[u8]) {
        self.wbuf.extend_from_slice(bytes);
    }

    /// Bytes queued and not yet sent.
    pub fn queued(&self) -> usize {
        self.wbuf.len()
    }

    /// Sends everything queued, in as few segments as the kernel likes.
    pub fn flush(&mut self, during: &str) -> Result<(), Error> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        self.deadline.arm(self.write_timeout);
        let result = self.stream.write_all(&self.wbuf).and_then(|()| self.stream.flush());
        self.wbuf.clear();
        result.map_err(|source| match source.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                Error::Timeout { waiting_for: during.to_string(), after: self.write_timeout }
            }
            _ => Error::Io { during: during.to_string(), source },
        })
    }

    /// Bytes received but not yet consumed by a reply.
    pub fn buffered(&self) -> usize {
        self.rbuf.len() - self.rpos
    }

    /// Reads one complete reply within the reply timeout. Returns it with its raw bytes.
    pub fn read_reply(&mut self, waiting_for: &str) -> Result<(Reply, Vec<u8>), Error> {
        // The stream obeys this deadline on every system call, under TLS too.
        self.deadline.arm(self.reply_timeout);
        let mut builder = ReplyBuilder::default();
        let mut raw = Vec::new();
        loop {
            let line = self.read_line(waiting_for)?;
            raw.extend_from_slice(&line);
            let content = line.strip_suffix(b"\n").unwrap_or(&line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            let reply = builder.push(content).map_err(|reason| Error::Malformed {
                waiting_for: waiting_for.to_string(),
                reason,
            })?;
            if let Some(reply) = reply {
                return Ok((reply, raw));
            }
        }
    }

    /// Reads one line including its LF, bounded by [`MAX_LINE_LEN`] and the deadline.
    fn read_line(&mut self, waiting_for: &str) -> Result<Vec<u8>, Error> {
        // Bytes after `rpos` already searched for LF; relative, because `fill` compacts.
        let mut checked = 0;
        loop {
            let pending = &self.rbuf[self.rpos..];
            if let Some(i) = pending[checked..].iter().position(|&b| b == b'\n') {
                // The bound holds exactly, whatever a single read happened to bring in.
                if checked + i > MAX_LINE_LEN + 1 {
                    return Err(Error::LineTooLong {
                        waiting_for: waiting_for.to_string(),
                        limit: MAX_LINE_LEN,
                    });
                }
                let end = self.rpos + checked + i + 1;
                let line = self.rbuf[self.rpos..end].to_vec();
                self.rpos = end;
                if self.rpos == self.rbuf.len() {
                    self.rbuf.clear();
                    self.rpos = 0;
                }
                return Ok(line);
            }
            checked = pending.len();
            if checked > MAX_LINE_LEN {
                return Err(Error::LineTooLong {
                    waiting_for: waiting_for.to_string(),
                    limit: MAX_LINE_LEN,
                });
            }
            self.fill(waiting_for)?;
        }
    }

    /// Reads more bytes into the buffer, waiting at most until the deadline.
    fn fill(&mut self, waiting_for: &str) -> Result<(), Error> {
        let timeout =
            || Error::Timeout { waiting_for: waiting_for.to_string(), after: self.reply_timeout };
        if self.rpos > 0 {
            self.rbuf.drain(..self.rpos);
            self.rpos = 0;
        }
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk) {
            Ok(0) => Err(Error::Closed { waiting_for: waiting_for.to_string() }),
            Ok(n) => {
                self.rbuf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                Err(timeout())
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof
                ) =>
            {
                Err(Error::Closed { waiting_for: waiting_for.to_string() })
            }
            Err(source) => Err(Error::Io { during: waiting_for.to_string(), source }),
        }
    }

    /// Writes content bytes directly (DATA payload), bypassing the command queue.
    pub fn write_content(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.queue(bytes);
        self.flush("message content")
    }

    /// Hands the plain stream to a TLS handshake (with a full reply timeout on its deadline).
    /// `None` if TLS is already up.
    pub fn take_plain(&mut self) -> Option<DeadlineStream> {
        match std::mem::replace(&mut self.stream, Stream::Detached) {
            Stream::Plain(s) => {
                // The handshake reads through the stream: it gets one reply timeout in all.
                self.deadline.arm(self.reply_timeout);
                Some(s)
            }
            other => {
                self.stream = other;
                None
            }
        }
    }

    /// Installs the TLS stream after a successful handshake.
    pub fn install_tls(&mut self, tls: TlsStream) {
        self.rbuf.clear();
        self.rpos = 0;
        self.stream = Stream::Tls(Box::new(tls));
    }

    /// Changes the bound on each later reply. `probe-ports` waits a short while for a banner
    /// before it tries implicit TLS; delivery waits longer for the reply to the end of a message.
    /// Writes keep the timeout given at connect time: a server that stops reading must not
    /// hold the client for as long as a slow final reply may take.
    pub fn set_reply_timeout(&mut self, timeout: Duration) {
        self.reply_timeout = timeout;
    }
}
