//! Line-ending normalisation to CRLF, as a push encoder and as a streaming `Read` adapter.
//!
//! RFC 5321 §2.3.8 and RFC 5322 §2.3: a line ends with CRLF, and CR or LF alone must not
//! appear. Bare LF becomes CRLF, bare CR becomes CRLF, CRLF stays. The rule itself is the wire
//! writer's ([`LineEndings`], which also dot-stuffs DATA), so the message and the wire cannot
//! disagree about it; this module adapts it to the composer's [`StreamEncoder`]. It owns nothing
//! else: no dot-stuffing, no line-length policy.

use super::encoding::{EncodeReader, StreamEncoder};
use crate::smtp::data::LineEndings;

/// Normalises line endings to CRLF. Keeps one bit between chunks: a CR whose LF may follow.
#[derive(Debug, Default, Clone)]
pub struct CrlfNormalizer {
    lines: LineEndings,
    /// Ends non-empty output that lacks a final line break with CRLF.
    final_newline: bool,
}

/// Streams normalised content: `CrlfReader::new(reader)`.
pub type CrlfReader<R> = EncodeReader<R, CrlfNormalizer>;

impl CrlfNormalizer {
    /// A normaliser that changes only line endings.
    pub fn new() -> Self {
        Self::default()
    }

    /// A normaliser that also ends the last line with CRLF when the input does not.
    pub fn with_final_newline() -> Self {
        CrlfNormalizer { final_newline: true, ..Self::default() }
    }
}

impl StreamEncoder for CrlfNormalizer {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.lines.push(input, out);
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        self.lines.end(self.final_newline, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::encoding::tests::{ChunkedReader, encode_all, pseudo_random};
    use std::io::Read;

    #[test]
    fn bare_lf_and_bare_cr_become_crlf() {
        assert_eq!(encode_all(CrlfNormalizer::new(), b"a\nb\rc\r\nd", 64), b"a\r\nb\r\nc\r\nd");
        assert_eq!(encode_all(CrlfNormalizer::new(), b"\r\r\n\n\r", 64), b"\r\n\r\n\r\n\r\n");
    }

    #[test]
    fn crlf_split_across_chunks_stays_one_line_break() {
        assert_eq!(encode_all(CrlfNormalizer::new(), b"a\r\nb\r", 1), b"a\r\nb\r\n");
        let mut out = Vec::new();
        CrlfReader::new(ChunkedReader { data: b"x\r\ny\rz", chunk: 2 })
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"x\r\ny\r\nz");
    }

    #[test]
    fn final_newline_only_when_asked_and_needed() {
        assert_eq!(encode_all(CrlfNormalizer::with_final_newline(), b"a", 1), b"a\r\n");
        assert_eq!(encode_all(CrlfNormalizer::with_final_newline(), b"a\n", 1), b"a\r\n");
        assert_eq!(encode_all(CrlfNormalizer::with_final_newline(), b"", 1), b"");
        assert_eq!(encode_all(CrlfNormalizer::new(), b"a", 1), b"a");
    }

    #[test]
    fn output_never_has_bare_cr_or_lf() {
        for seed in 0..50 {
            let mut data = pseudo_random(seed, 2000);
            // Bias towards line-ending bytes.
            for (i, b) in data.iter_mut().enumerate() {
                if i % 3 == 0 {
                    *b = if *b & 1 == 0 { b'\r' } else { b'\n' };
                }
            }
            let out = encode_all(CrlfNormalizer::new(), &data, seed as usize + 1);
            for (i, &b) in out.iter().enumerate() {
                if b == b'\r' {
                    assert_eq!(out.get(i + 1), Some(&b'\n'));
                }
                if b == b'\n' {
                    assert!(i > 0 && out[i - 1] == b'\r');
                }
            }
        }
    }
}
