//! A TCP stream whose every read and write stops at a deadline shared with the transport.
//!
//! Why not just the socket's read timeout: that bounds each `read(2)`, not the wait for a reply.
//! Under TLS one read of the stream becomes many socket reads (a record of up to 16 KB), and a
//! server trickling one byte a second would never trip a per-read timeout. This wrapper sits
//! under the TLS layer and re-arms the socket timeout with what is left before each system call,
//! so a reply, a handshake or a write can never outlive its deadline.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The moment the current wait must end; shared by the transport (which sets it) and the
/// stream (which obeys it). `None` means no bound.
#[derive(Debug, Clone, Default)]
pub struct Deadline(Arc<Mutex<Option<Instant>>>);

impl Deadline {
    /// Ends the current wait `after` from now.
    pub fn arm(&self, after: Duration) {
        self.set(Some(Instant::now() + after));
    }

    /// Sets or clears the deadline.
    pub fn set(&self, at: Option<Instant>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = at;
        }
    }

    /// What is left before the deadline: `Ok(None)` without one, `Err` once it has passed.
    fn left(&self) -> io::Result<Option<Duration>> {
        let at = self.0.lock().map(|slot| *slot).unwrap_or(None);
        match at {
            None => Ok(None),
            Some(at) => {
                let left = at.saturating_duration_since(Instant::now());
                // WouldBlock, as an expired socket timeout reports it: native-tls then says
                // "would block" (a handshake cut short) rather than a failure of its own.
                if left.is_zero() {
                    Err(io::Error::new(io::ErrorKind::WouldBlock, "deadline passed"))
                } else {
                    Ok(Some(left))
                }
            }
        }
    }
}

/// A TCP stream that obeys a [`Deadline`].
#[derive(Debug)]
pub struct DeadlineStream {
    tcp: TcpStream,
    deadline: Deadline,
}

impl DeadlineStream {
    /// Wraps `tcp`; the stream obeys `deadline` from now on.
    pub fn new(tcp: TcpStream, deadline: Deadline) -> DeadlineStream {
        DeadlineStream { tcp, deadline }
    }

    /// The deadline this stream obeys.
    pub fn deadline(&self) -> &Deadline {
        &self.deadline
    }

    /// The socket underneath.
    pub fn get_ref(&self) -> &TcpStream {
        &self.tcp
    }
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(left) = self.deadline.left()? {
            self.tcp.set_read_timeout(Some(left))?;
        }
        self.tcp.read(buf)
    }
}

impl Write for DeadlineStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(left) = self.deadline.left()? {
            self.tcp.set_write_timeout(Some(left))?;
        }
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    #[test]
    fn a_passed_deadline_fails_reads_and_writes_at_once() {
        let (client, _server) = pair();
        let deadline = Deadline::default();
        let mut stream = DeadlineStream::new(client, deadline.clone());
        deadline.set(Some(Instant::now()));
        let mut buf = [0u8; 4];
        assert_eq!(stream.read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert_eq!(stream.write(b"x").unwrap_err().kind(), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn without_a_deadline_data_flows() {
        let (client, mut server) = pair();
        let mut stream = DeadlineStream::new(client, Deadline::default());
        server.write_all(b"220 ok\r\n").unwrap();
        let mut buf = [0u8; 8];
        stream.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"220 ok\r\n");
    }
}
