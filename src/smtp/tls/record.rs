//! A stream wrapper that keeps a copy of the bytes the server sends during the TLS handshake,
//! so smtpx can read the ServerHello itself (native-tls does not expose the negotiated version
//! or cipher suite).
//!
//! It owns only the copying: it forwards every read and write unchanged and must not interpret
//! the bytes (that is [`super::server_hello`]'s job). The copy is bounded, because the server
//! controls how much it sends.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, MutexGuard};

/// The most bytes kept. A ServerHello comes first and is a few hundred bytes; the rest of a
/// TLS 1.2 flight (certificates) rarely passes 16 KiB.
pub const MAX_RECORDED: usize = 64 * 1024;

/// What has been captured so far; shared with [`RecordingHandle`]s.
#[derive(Default)]
struct Recording {
    bytes: Vec<u8>,
    recording: bool,
    /// Set when bytes were dropped because the cap was reached.
    overflowed: bool,
}

/// Wraps a stream (normally a `TcpStream` under `native_tls::TlsConnector::connect`) and copies
/// the bytes read from it, up to [`MAX_RECORDED`], until [`stop_recording`] is called.
///
/// native-tls drops the stream when a handshake fails, so a [`RecordingHandle`] taken before
/// the handshake can still read what was captured.
///
/// [`stop_recording`]: HandshakeRecorder::stop_recording
pub struct HandshakeRecorder<S> {
    inner: S,
    shared: Arc<Mutex<Recording>>,
}

impl<S> HandshakeRecorder<S> {
    /// Starts recording the reads of `inner`.
    pub fn new(inner: S) -> Self {
        let recording = Recording { recording: true, ..Recording::default() };
        HandshakeRecorder { inner, shared: Arc::new(Mutex::new(recording)) }
    }

    /// Returns the captured bytes and stops recording; later reads are only forwarded.
    pub fn stop_recording(&mut self) -> Vec<u8> {
        take(&self.shared)
    }

    /// A handle that can read the capture even after this recorder has been consumed (by a
    /// failed handshake, for instance).
    pub fn handle(&self) -> RecordingHandle {
        RecordingHandle { shared: Arc::clone(&self.shared) }
    }

    /// True when the cap was reached and later bytes were not kept.
    pub fn overflowed(&self) -> bool {
        lock(&self.shared).overflowed
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped stream, mutably (reading from it directly bypasses the recording).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the stream, dropping whatever was captured and not taken.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// Reads a recorder's capture from outside the stream stack.
#[derive(Clone)]
pub struct RecordingHandle {
    shared: Arc<Mutex<Recording>>,
}

impl RecordingHandle {
    /// Returns the captured bytes and stops recording (as [`HandshakeRecorder::stop_recording`]).
    pub fn stop_recording(&self) -> Vec<u8> {
        take(&self.shared)
    }
}

impl fmt::Debug for RecordingHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingHandle")
            .field("recorded", &lock(&self.shared).bytes.len())
            .finish()
    }
}

/// A poisoned lock only means another thread panicked while copying bytes; the bytes are
/// still usable, so never propagate the panic.
fn lock(shared: &Mutex<Recording>) -> MutexGuard<'_, Recording> {
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn take(shared: &Mutex<Recording>) -> Vec<u8> {
    let mut recording = lock(shared);
    recording.recording = false;
    std::mem::take(&mut recording.bytes)
}

impl<S: Read> Read for HandshakeRecorder<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut recording = lock(&self.shared);
        if recording.recording {
            let room = MAX_RECORDED - recording.bytes.len();
            let kept = n.min(room);
            recording.bytes.extend_from_slice(&buf[..kept]);
            recording.overflowed |= kept < n;
        }
        Ok(n)
    }
}

impl<S: Write> Write for HandshakeRecorder<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.inner.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Shows the stream and the size of the capture, never the bytes (up to 64 KiB of them).
impl<S: fmt::Debug> fmt::Debug for HandshakeRecorder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let recording = lock(&self.shared);
        f.debug_struct("HandshakeRecorder")
            .field("inner", &self.inner)
            .field("recording", &recording.recording)
            .field("recorded", &recording.bytes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn reads_are_forwarded_and_copied() {
        let mut recorder = HandshakeRecorder::new(Cursor::new(b"\x16\x03\x03hello".to_vec()));
        let mut buf = [0u8; 4];
        assert_eq!(recorder.read(&mut buf).unwrap(), 4);
        assert_eq!(&buf, b"\x16\x03\x03h");
        let mut rest = Vec::new();
        recorder.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"ello");
        assert_eq!(recorder.stop_recording(), b"\x16\x03\x03hello");
    }

    #[test]
    fn writes_are_forwarded_not_copied() {
        let mut recorder = HandshakeRecorder::new(Cursor::new(Vec::new()));
        recorder.write_all(b"EHLO x\r\n").unwrap();
        recorder.flush().unwrap();
        assert_eq!(recorder.stop_recording(), b"");
        assert_eq!(recorder.into_inner().into_inner(), b"EHLO x\r\n");
    }

    #[test]
    fn nothing_is_copied_after_stop() {
        let mut recorder = HandshakeRecorder::new(Cursor::new(b"abcdef".to_vec()));
        let mut buf = [0u8; 3];
        recorder.read_exact(&mut buf).unwrap();
        assert_eq!(recorder.stop_recording(), b"abc");
        recorder.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"def");
        assert_eq!(recorder.stop_recording(), b"");
    }

    #[test]
    fn capture_stops_at_the_cap() {
        let data: Vec<u8> = (0..MAX_RECORDED + 5000).map(|i| (i % 251) as u8).collect();
        let mut recorder = HandshakeRecorder::new(Cursor::new(data.clone()));
        let mut all = Vec::new();
        recorder.read_to_end(&mut all).unwrap();
        assert_eq!(all, data, "reads past the cap are still forwarded whole");
        assert!(recorder.overflowed());
        let captured = recorder.stop_recording();
        assert_eq!(captured.len(), MAX_RECORDED);
        assert_eq!(captured, data[..MAX_RECORDED]);
    }

    #[test]
    fn handle_outlives_the_recorder() {
        let mut recorder =
            HandshakeRecorder::new(Cursor::new(b"\x15\x03\x03\x00\x02\x02\x28".to_vec()));
        let handle = recorder.handle();
        let mut sink = Vec::new();
        recorder.read_to_end(&mut sink).unwrap();
        drop(recorder);
        assert_eq!(handle.stop_recording(), b"\x15\x03\x03\x00\x02\x02\x28");
    }

    #[test]
    fn debug_shows_size_not_bytes() {
        let mut recorder = HandshakeRecorder::new(Cursor::new(b"secret".to_vec()));
        let mut sink = Vec::new();
        recorder.read_to_end(&mut sink).unwrap();
        let debug = format!("{recorder:?}");
        assert!(debug.contains("recorded: 6"), "{debug}");
        assert!(recorder.get_ref().get_ref().len() == 6 && recorder.get_mut().position() == 6);
    }
}
