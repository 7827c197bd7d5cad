//! The message content on the wire after DATA: CRLF-normalised and dot-stuffed (RFC 5321
//! §4.5.2), ended by `<CRLF>.<CRLF>`.
//!
//! No bare LF and no bare CR ever leaves smtpx: servers disagree on what they mean, and that
//! disagreement is what SMTP smuggling exploits. Every LF becomes CRLF, every CR not followed by
//! LF becomes CRLF, and a line starting with `.` gets a second one. The encoder is streaming:
//! it keeps two bits of state between chunks, so a 200 MB attachment never sits in memory.

/// The one implementation of the wire's line-ending rule, streaming: bare LF and bare CR become
/// CRLF, CRLF stays, and, for DATA, a line starting with `.` gets a second one. Runs between
/// line endings are copied whole (found with memchr), so a large message costs little more than
/// a copy. The message composer's CRLF normaliser is this without the dots.
#[derive(Debug, Clone, Default)]
pub struct LineEndings {
    /// The previous chunk ended with a CR whose LF may come in the next chunk.
    pending_cr: bool,
    /// Bytes were written since the last CRLF.
    open_line: bool,
    /// Double a leading `.` (RFC 5321 §4.5.2).
    stuff_dots: bool,
}

impl LineEndings {
    /// Normalises line endings only.
    pub fn normalizer() -> Self {
        Self::default()
    }

    /// Normalises line endings and dot-stuffs, for DATA.
    pub fn dot_stuffer() -> Self {
        LineEndings { stuff_dots: true, ..Self::default() }
    }

    /// Encodes `input`, appending the wire bytes to `out`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 16 + 4);
        let mut rest = input;
        while !rest.is_empty() {
            if self.pending_cr {
                self.pending_cr = false;
                out.extend_from_slice(b"\r\n");
                self.open_line = false;
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            if self.stuff_dots && !self.open_line && rest[0] == b'.' {
                out.push(b'.');
            }
            let end = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
            if end > 0 {
                out.extend_from_slice(&rest[..end]);
                self.open_line = true;
            }
            match rest.get(end) {
                Some(b'\r') => self.pending_cr = true,
                Some(_) => {
                    out.extend_from_slice(b"\r\n");
                    self.open_line = false;
                }
                None => {}
            }
            rest = rest.get(end + 1..).unwrap_or(&[]);
        }
    }

    /// Completes a CR left pending at the end of the input; with `final_newline`, also ends a
    /// last line that has no line break.
    pub fn end(&mut self, final_newline: bool, out: &mut Vec<u8>) {
        if self.pending_cr || (final_newline && self.open_line) {
            out.extend_from_slice(b"\r\n");
        }
        self.pending_cr = false;
        self.open_line = false;
    }
}

/// Streaming CRLF normaliser and dot-stuffer for DATA.
#[derive(Debug)]
pub struct DotStuffer(LineEndings);

impl Default for DotStuffer {
    fn default() -> Self {
        DotStuffer(LineEndings::dot_stuffer())
    }
}

impl DotStuffer {
    /// A stuffer at the start of the content.
    pub fn new() -> Self {
        Self::default()
    }

    /// Encodes `input`, appending the wire bytes to `out`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.0.push(input, out);
    }

    /// Ends the content: completes the last line and appends the terminating `.` line.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        self.0.end(true, out);
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

    /// The rule, one byte at a time: the reference the fast encoder must match.
    fn reference(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut line_start, mut pending_cr) = (true, false);
        for &b in input {
            if pending_cr {
                pending_cr = false;
                out.extend_from_slice(b"\r\n");
                line_start = true;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => pending_cr = true,
                b'\n' => {
                    out.extend_from_slice(b"\r\n");
                    line_start = true;
                }
                _ => {
                    if line_start && b == b'.' {
                        out.push(b'.');
                    }
                    out.push(b);
                    line_start = false;
                }
            }
        }
        if pending_cr || !line_start {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
        out
    }

    #[test]
    fn matches_the_byte_by_byte_rule_on_any_input_and_chunking() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for round in 0..300 {
            let len = round % 97 + 1;
            let input: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    b".\r\nab"[(state % 5) as usize]
                })
                .collect();
            let chunk = round % 7 + 1;
            let mut out = Vec::new();
            let mut s = DotStuffer::new();
            input.chunks(chunk).for_each(|c| s.push(c, &mut out));
            s.finish(&mut out);
            assert_eq!(out, reference(&input), "input {input:?}, chunks of {chunk}");
        }
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
