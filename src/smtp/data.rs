//! The message content on the wire after DATA: CRLF-normalised and dot-stuffed (RFC 5321
//! §4.5.2), ended by `<CRLF>.<CRLF>`.
//!
//! No bare LF and no bare CR ever leaves smtpx: servers disagree on what they mean, and that
//! disagreement is what SMTP smuggling exploits. Every LF becomes CRLF, every CR not followed by
//! LF becomes CRLF, and a line starting with `.` gets a second one. The encoder is streaming:
//! it keeps two bits of state between chunks, so a 200 MB attachment never sits in memory.

/// Streaming CRLF normaliser and dot-stuffer.
#[derive(Debug)]
pub struct DotStuffer {
    /// True when the next byte starts a line.
    at_line_start: bool,
    /// True when the previous chunk ended with a CR whose LF may come in the next chunk.
    pending_cr: bool,
}

impl Default for DotStuffer {
    fn default() -> Self {
        DotStuffer { at_line_start: true, pending_cr: false }
    }
}

impl DotStuffer {
    /// A stuffer at the start of the content.
    pub fn new() -> Self {
        Self::default()
    }

    /// Encodes `input`, appending the wire bytes to `out`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 32 + 4);
        for &b in input {
            if self.pending_cr {
                self.pending_cr = false;
                out.extend_from_slice(b"\r\n");
                self.at_line_start = true;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => self.pending_cr = true,
                b'\n' => {
                    out.extend_from_slice(b"\r\n");
                    self.at_line_start = true;
                }
                _ => {
                    if self.at_line_start && b == b'.' {
                        out.push(b'.');
                    }
                    out.push(b);
                    self.at_line_start = false;
                }
            }
        }
    }

    /// Ends the content: completes the last line and appends the terminating `.` line.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        if self.pending_cr {
            self.pending_cr = false;
            out.extend_from_slice(b"\r\n");
            self.at_line_start = true;
        }
        if !self.at_line_start {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
    }
}

/// Encodes a whole buffer (for tests and small messages).
pub fn encode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stuffer = DotStuffer::new();
    stuffer.push(input, &mut out);
    stuffer.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_starting_with_a_dot_are_doubled() {
        assert_eq!(encode(b".hidden\r\nok\r\n..two\r\n"), b"..hidden\r\nok\r\n...two\r\n.\r\n");
    }

    #[test]
    fn a_lone_dot_line_cannot_end_the_message_early() {
        assert_eq!(encode(b"a\r\n.\r\nb\r\n"), b"a\r\n..\r\nb\r\n.\r\n");
    }

    #[test]
    fn bare_lf_and_bare_cr_become_crlf() {
        assert_eq!(encode(b"a\nb\rc\r\n"), b"a\r\nb\r\nc\r\n.\r\n");
        // The smuggling payload: "\n.\r\n" must not end the data early.
        assert_eq!(encode(b"x\n.\r\nMAIL FROM:<e>\r\n"), b"x\r\n..\r\nMAIL FROM:<e>\r\n.\r\n");
        assert_eq!(encode(b"x\r.\r"), b"x\r\n..\r\n.\r\n");
    }

    #[test]
    fn missing_final_newline_is_added() {
        assert_eq!(encode(b"no newline"), b"no newline\r\n.\r\n");
        assert_eq!(encode(b""), b".\r\n");
    }

    #[test]
    fn crlf_split_across_chunks_stays_one_line_break() {
        let mut out = Vec::new();
        let mut s = DotStuffer::new();
        s.push(b"line\r", &mut out);
        s.push(b"\n.dot", &mut out);
        s.finish(&mut out);
        assert_eq!(out, b"line\r\n..dot\r\n.\r\n");
    }

    #[test]
    fn every_chunking_gives_the_same_bytes() {
        let input = b"a\r\n.b\n\rc\r\r\n.\n..\rz";
        let whole = encode(input);
        for split in 0..=input.len() {
            let mut out = Vec::new();
            let mut s = DotStuffer::new();
            s.push(&input[..split], &mut out);
            s.push(&input[split..], &mut out);
            s.finish(&mut out);
            assert_eq!(out, whole, "split at {split}");
        }
        // And nothing bare survives.
        for (i, &b) in whole.iter().enumerate() {
            if b == b'\n' {
                assert_eq!(whole[i - 1], b'\r');
            }
            if b == b'\r' {
                assert_eq!(whole[i + 1], b'\n');
            }
        }
    }
}
