//! STUB (replaced by the tlsfacts helper).
use std::io::{Read, Write};
#[derive(Debug)]
pub struct HandshakeRecorder<S> {
    inner: S,
    buf: Vec<u8>,
    on: bool,
}
impl<S> HandshakeRecorder<S> {
    pub fn new(inner: S) -> Self {
        HandshakeRecorder { inner, buf: Vec::new(), on: true }
    }
    pub fn stop_recording(&mut self) -> Vec<u8> {
        self.on = false;
        std::mem::take(&mut self.buf)
    }
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}
impl<S: Read> Read for HandshakeRecorder<S> {
    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(b)?;
        if self.on {
            self.buf.extend_from_slice(&b[..n]);
        }
        Ok(n)
    }
}
impl<S: Write> Write for HandshakeRecorder<S> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.inner.write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
