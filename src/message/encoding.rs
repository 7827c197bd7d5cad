//! Content-Transfer-Encoding (RFC 2045 §6): choosing one by content, and streaming encoders.
//!
//! It owns the classification pass ([`ContentStats`]: one read of a file that decides 7bit,
//! quoted-printable or base64 and measures the exact encoded length) and the encoders, which are
//! push-style [`StreamEncoder`]s wrapped as `Read` adapters by [`EncodeReader`], so a 200 MB file
//! flows through fixed buffers. It must not know about headers, MIME trees or files.
//!
//! Bodies are always 7-bit clean (7bit, quoted-printable or base64): that needs no 8BITMIME
//! from the server, and the exact size is known before the server is even contacted.

use std::fmt;
use std::io::{self, Read};

use super::crlf::CrlfNormalizer;

/// RFC 5322 §2.1.1 / RFC 2045 §2.7: 7bit lines are at most 998 octets before CRLF.
const MAX_7BIT_LINE: u64 = 998;
/// RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters; with the `=` of a soft break
/// that leaves 75 for content.
const QP_MAX_CONTENT: usize = 75;
/// RFC 2045 §6.8: base64 lines are at most 76 characters: 57 input octets make 76.
const BASE64_LINE_INPUT: usize = 57;
/// Above this share of non-ASCII octets, base64 is shorter than quoted-printable.
const BASE64_NON_ASCII_PERCENT: u64 = 30;
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// A Content-Transfer-Encoding value smtpx writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferEncoding {
    /// ASCII lines of at most 998 octets, CRLF line breaks (RFC 2045 §2.7).
    SevenBit,
    /// RFC 2045 §6.7.
    QuotedPrintable,
    /// RFC 2045 §6.8.
    Base64,
}

impl TransferEncoding {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SevenBit => "7bit",
            Self::QuotedPrintable => "quoted-printable",
            Self::Base64 => "base64",
        }
    }
}

impl fmt::Display for TransferEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A push-style streaming transformation: bytes in, bytes out, a little state in between.
pub trait StreamEncoder {
    /// Transforms `input`, appending to `out`.
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>);
    /// Flushes what is held back at the end of the input.
    fn finish(&mut self, out: &mut Vec<u8>);
}

/// Size of the chunks an [`EncodeReader`] reads from its inner reader.
const CHUNK: usize = 16 * 1024;

/// A `Read` adapter that runs a [`StreamEncoder`] over an inner `Read`, with fixed buffers.
#[derive(Debug)]
pub struct EncodeReader<R, E> {
    inner: R,
    encoder: E,
    input: Box<[u8]>,
    output: Vec<u8>,
    pos: usize,
    finished: bool,
}

impl<R: Read, E: StreamEncoder + Default> EncodeReader<R, E> {
    /// Wraps `inner` with a default encoder.
    pub fn new(inner: R) -> Self {
        Self::with_encoder(inner, E::default())
    }
}

impl<R: Read, E: StreamEncoder> EncodeReader<R, E> {
    /// Wraps `inner` with a configured encoder.
    pub fn with_encoder(inner: R, encoder: E) -> Self {
        EncodeReader {
            inner,
            encoder,
            input: vec![0; CHUNK].into_boxed_slice(),
            output: Vec::with_capacity(CHUNK * 2),
            pos: 0,
            finished: false,
        }
    }
}

impl<R: Read, E: StreamEncoder> Read for EncodeReader<R, E> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.pos == self.output.len() {
            if self.finished {
                return Ok(0);
            }
            self.output.clear();
            self.pos = 0;
            let n = match self.inner.read(&mut self.input) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.encoder.finish(&mut self.output);
                self.finished = true;
            } else {
                self.encoder.push(&self.input[..n], &mut self.output);
            }
        }
        let n = buf.len().min(self.output.len() - self.pos);
        buf[..n].copy_from_slice(&self.output[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Quoted-printable encoder (RFC 2045 §6.7) over any bytes: CRLF becomes a hard line break, a
/// lone CR or LF is escaped, space and tab are escaped before a line break or the end (rule 3),
/// `=` and non-printables are escaped (rules 1-2), and soft breaks keep lines ≤ 76 (rule 5).
#[derive(Debug, Default, Clone)]
pub struct QpEncoder {
    col: usize,
    pending_ws: Option<u8>,
    pending_cr: bool,
}

/// Streams quoted-printable.
pub type QpReader<R> = EncodeReader<R, QpEncoder>;

impl QpEncoder {
    /// An encoder at the start of a line.
    pub fn new() -> Self {
        Self::default()
    }

    fn token(&mut self, out: &mut Vec<u8>, bytes: &[u8]) {
        if self.col + bytes.len() > QP_MAX_CONTENT {
            out.extend_from_slice(b"=\r\n");
            self.col = 0;
        }
        out.extend_from_slice(bytes);
        self.col += bytes.len();
    }

    fn escaped(&mut self, out: &mut Vec<u8>, b: u8) {
        self.token(out, &[b'=', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }

    /// Whitespace followed by something other than a line break stays literal.
    fn flush_ws_literal(&mut self, out: &mut Vec<u8>) {
        if let Some(ws) = self.pending_ws.take() {
            self.token(out, &[ws]);
        }
    }

    /// Whitespace at the end of a line is escaped so transports cannot strip it (rule 3).
    fn flush_ws_escaped(&mut self, out: &mut Vec<u8>) {
        if let Some(ws) = self.pending_ws.take() {
            self.escaped(out, ws);
        }
    }

    fn byte(&mut self, b: u8, out: &mut Vec<u8>) {
        if self.pending_cr {
            self.pending_cr = false;
            if b == b'\n' {
                self.flush_ws_escaped(out);
                out.extend_from_slice(b"\r\n");
                self.col = 0;
                return;
            }
            self.flush_ws_literal(out);
            self.escaped(out, b'\r');
        }
        match b {
            b'\r' => self.pending_cr = true,
            b' ' | b'\t' => {
                self.flush_ws_literal(out);
                self.pending_ws = Some(b);
            }
            33..=60 | 62..=126 => {
                self.flush_ws_literal(out);
                self.token(out, &[b]);
            }
            _ => {
                self.flush_ws_literal(out);
                self.escaped(out, b);
            }
        }
    }
}

impl StreamEncoder for QpEncoder {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 8);
        for &b in input {
            self.byte(b, out);
        }
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        if self.pending_cr {
            self.pending_cr = false;
            self.flush_ws_literal(out);
            self.escaped(out, b'\r');
        }
        self.flush_ws_escaped(out);
    }
}

/// Base64 encoder (RFC 2045 §6.8): 76-character lines, each ended by CRLF, the last one too.
#[derive(Debug, Clone)]
pub struct Base64Encoder {
    carry: [u8; BASE64_LINE_INPUT],
    carry_len: usize,
}

/// Streams base64.
pub type Base64Reader<R> = EncodeReader<R, Base64Encoder>;

impl Default for Base64Encoder {
    fn default() -> Self {
        Base64Encoder { carry: [0; BASE64_LINE_INPUT], carry_len: 0 }
    }
}

impl Base64Encoder {
    /// An encoder at the start of the data.
    pub fn new() -> Self {
        Self::default()
    }
}

impl StreamEncoder for Base64Encoder {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut data = input;
        if self.carry_len > 0 {
            let take = (BASE64_LINE_INPUT - self.carry_len).min(data.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&data[..take]);
            self.carry_len += take;
            data = &data[take..];
            if self.carry_len < BASE64_LINE_INPUT {
                return;
            }
            base64_into(&self.carry, out);
            out.extend_from_slice(b"\r\n");
            self.carry_len = 0;
        }
        out.reserve(data.len() / 3 * 4 + data.len() / 28 + 4);
        let mut lines = data.chunks_exact(BASE64_LINE_INPUT);
        for line in &mut lines {
            base64_into(line, out);
            out.extend_from_slice(b"\r\n");
        }
        let rest = lines.remainder();
        self.carry[..rest.len()].copy_from_slice(rest);
        self.carry_len = rest.len();
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        if self.carry_len > 0 {
            base64_into(&self.carry[..self.carry_len], out);
            out.extend_from_slice(b"\r\n");
            self.carry_len = 0;
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), appended to `out`: the `base64` crate's engine,
/// writing straight into the buffer.
pub(crate) fn base64_into(input: &[u8], out: &mut Vec<u8>) {
    use base64::Engine;
    let start = out.len();
    out.resize(start + base64::encoded_len(input.len(), true).unwrap_or(0), 0);
    // The slice is sized by encoded_len, so encoding cannot run out of room.
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(input, &mut out[start..])
        .unwrap_or(0);
    out.truncate(start + written);
}

/// Exact length of [`Base64Encoder`]'s output for `n` input octets: arithmetic, no data.
pub fn base64_encoded_len(n: u64) -> u64 {
    n.div_ceil(3) * 4 + n.div_ceil(BASE64_LINE_INPUT as u64) * 2
}

/// Exact length of any encoder's output over `input`, in one pass with a fixed buffer.
pub fn encoded_len<R: Read, E: StreamEncoder>(mut input: R, mut encoder: E) -> io::Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut out = Vec::with_capacity(CHUNK * 3);
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        encoder.push(&buf[..n], &mut out);
        total += out.len() as u64;
        out.clear();
    }
    encoder.finish(&mut out);
    Ok(total + out.len() as u64)
}

/// Exact length of [`QpEncoder`]'s output over `input` (one pass).
pub fn qp_encoded_len<R: Read>(input: R) -> io::Result<u64> {
    encoded_len(input, QpEncoder::new())
}

/// 64-bit FNV-1a: a cheap fingerprint to notice a file that changed between the measuring pass
/// and the sending pass (not a defence against an adversary, who owns the file anyway).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    pub fn update(&mut self, data: &[u8]) {
        for &b in data {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn value(self) -> u64 {
        self.0
    }
}

/// Streaming UTF-8 validation across chunk boundaries.
#[derive(Debug, Default)]
struct Utf8Check {
    pending: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    fn push(&mut self, mut data: &[u8]) {
        if self.invalid {
            return;
        }
        while !self.pending.is_empty() && !data.is_empty() {
            self.pending.push(data[0]);
            data = &data[1..];
            match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.clear(),
                Err(e) if e.error_len().is_some() => {
                    self.invalid = true;
                    return;
                }
                Err(_) => {}
            }
        }
        if !self.pending.is_empty() {
            return;
        }
        if let Err(e) = std::str::from_utf8(data) {
            match e.error_len() {
                Some(_) => self.invalid = true,
                None => self.pending = data[e.valid_up_to()..].to_vec(),
            }
        }
    }

    fn valid_at_end(&self) -> bool {
        !self.invalid && self.pending.is_empty()
    }
}

/// What one pass over some content learned: enough to choose the transfer encoding and to know
/// its exact encoded length without holding the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentStats {
    /// Octets read.
    pub input_len: u64,
    /// Octets after line endings are normalised to CRLF.
    pub normalized_len: u64,
    /// A NUL octet was seen: the content is binary.
    pub has_nul: bool,
    /// Octets ≥ 0x80.
    pub non_ascii: u64,
    /// The longest line after normalisation, without its CRLF.
    pub max_line: u64,
    /// `=_` occurs: smtpx boundaries start with `=_`, so such text is never sent as 7bit
    /// (quoted-printable turns `=` into `=3D`), which makes a boundary collision impossible.
    pub has_boundary_marker: bool,
    /// The normalised content ends with CRLF.
    pub ends_with_newline: bool,
    /// The content is valid UTF-8.
    pub utf8: bool,
    /// Exact quoted-printable length of the normalised content.
    pub qp_len: u64,
    /// Fingerprint of the raw content.
    pub fingerprint: u64,
}

/// Nothing seen yet: empty content is valid UTF-8.
impl Default for ContentStats {
    fn default() -> Self {
        ContentStats {
            input_len: 0,
            normalized_len: 0,
            has_nul: false,
            non_ascii: 0,
            max_line: 0,
            has_boundary_marker: false,
            ends_with_newline: false,
            utf8: true,
            qp_len: 0,
            fingerprint: 0,
        }
    }
}

impl ContentStats {
    /// Measures content from a reader, one pass with fixed buffers.
    pub fn measure<R: Read>(mut input: R) -> io::Result<ContentStats> {
        let mut acc = StatsAccumulator::default();
        let mut buf = vec![0u8; CHUNK];
        loop {
            match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => acc.push(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(acc.finish())
    }

    /// Measures content in memory.
    pub fn measure_bytes(data: &[u8]) -> ContentStats {
        let mut acc = StatsAccumulator::default();
        acc.push(data);
        acc.finish()
    }
}

#[derive(Debug, Default)]
struct StatsAccumulator {
    stats: ContentStats,
    crlf: CrlfNormalizer,
    qp: QpEncoder,
    utf8: Utf8Check,
    fingerprint: Fingerprint,
    line: u64,
    last: u8,
    normalized: Vec<u8>,
    scratch: Vec<u8>,
}

impl StatsAccumulator {
    fn push(&mut self, data: &[u8]) {
        self.stats.input_len += data.len() as u64;
        self.fingerprint.update(data);
        self.utf8.push(data);
        let mut normalized = std::mem::take(&mut self.normalized);
        normalized.clear();
        self.crlf.push(data, &mut normalized);
        self.scan(&normalized);
        self.normalized = normalized;
    }

    /// Looks at normalised bytes: line lengths, 8-bit and NUL octets, `=_`, QP length.
    fn scan(&mut self, normalized: &[u8]) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        self.qp.push(normalized, &mut scratch);
        let (mut line, mut last) = (self.line, self.last);
        let stats = &mut self.stats;
        stats.qp_len += scratch.len() as u64;
        stats.normalized_len += normalized.len() as u64;
        for &b in normalized {
            match b {
                b'\n' => line = 0,
                b'\r' => {}
                _ => {
                    line += 1;
                    stats.max_line = stats.max_line.max(line);
                }
            }
            stats.has_nul |= b == 0;
            stats.non_ascii += u64::from(b >= 0x80);
            stats.has_boundary_marker |= last == b'=' && b == b'_';
            last = b;
        }
        (self.line, self.last) = (line, last);
        self.scratch = scratch;
    }

    fn finish(mut self) -> ContentStats {
        let mut tail = Vec::new();
        self.crlf.finish(&mut tail);
        self.scan(&tail);
        let mut qp_tail = Vec::new();
        self.qp.finish(&mut qp_tail);
        let (last, fingerprint, utf8) =
            (self.last, self.fingerprint.value(), self.utf8.valid_at_end());
        let mut stats = self.stats;
        stats.qp_len += qp_tail.len() as u64;
        stats.ends_with_newline = last == b'\n';
        stats.utf8 = utf8;
        stats.fingerprint = fingerprint;
        stats
    }
}

/// The decision for one body: its encoding, whether line endings are normalised to CRLF before
/// encoding (text), and the exact length of the encoded output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingChoice {
    /// Content-Transfer-Encoding.
    pub encoding: TransferEncoding,
    /// Line endings become CRLF before encoding (RFC 2049 §4 canonical text).
    pub normalize: bool,
    /// Exact octets the encoder will produce.
    pub encoded_len: u64,
}

/// Chooses the encoding for text content: base64 of the raw bytes when there is a NUL (binary),
/// base64 of the normalised text when over 30% is non-ASCII, 7bit for short-lined ASCII without
/// `=_`, quoted-printable otherwise.
pub fn choose_encoding(stats: &ContentStats) -> EncodingChoice {
    let (encoding, normalize, encoded_len) = if stats.has_nul {
        (TransferEncoding::Base64, false, base64_encoded_len(stats.input_len))
    } else if stats.non_ascii * 100 > stats.normalized_len * BASE64_NON_ASCII_PERCENT {
        (TransferEncoding::Base64, true, base64_encoded_len(stats.normalized_len))
    } else if stats.non_ascii == 0 && stats.max_line <= MAX_7BIT_LINE && !stats.has_boundary_marker
    {
        (TransferEncoding::SevenBit, true, stats.normalized_len)
    } else {
        (TransferEncoding::QuotedPrintable, true, stats.qp_len)
    };
    EncodingChoice { encoding, normalize, encoded_len }
}

/// The choice for content that is not text: base64 of the bytes as they are.
pub fn binary_choice(len: u64) -> EncodingChoice {
    EncodingChoice {
        encoding: TransferEncoding::Base64,
        normalize: false,
        encoded_len: base64_encoded_len(len),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::Engine as _;

    pub(crate) fn encode_all<E: StreamEncoder>(
        mut encoder: E,
        input: &[u8],
        chunk: usize,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            encoder.push(piece, &mut out);
        }
        encoder.finish(&mut out);
        out
    }

    /// A QP decoder for tests (RFC 2045 §6.7), strict about what smtpx produces.
    pub(crate) fn qp_decode(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < data.len() {
            match data[i] {
                b'=' if data[i + 1..].starts_with(b"\r\n") => i += 3,
                b'=' => {
                    let hex = std::str::from_utf8(&data[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        out
    }

    /// A tiny deterministic generator for test data.
    pub(crate) fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 33) as u8
            })
            .collect()
    }

    fn assert_qp_lines(encoded: &[u8]) {
        for line in encoded.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(line.len() <= 76, "QP line too long: {:?}", String::from_utf8_lossy(line));
            assert!(!line.ends_with(b" ") && !line.ends_with(b"\t"), "trailing whitespace");
            assert!(!line.contains(&b'\r'));
        }
    }

    #[test]
    fn qp_escapes_equals_and_non_ascii() {
        let out = encode_all(QpEncoder::new(), "a=b é\r\n".as_bytes(), 64);
        assert_eq!(out, b"a=3Db =C3=A9\r\n");
    }

    #[test]
    fn qp_escapes_trailing_whitespace() {
        assert_eq!(
            encode_all(QpEncoder::new(), b"end \r\nx\t\r\nlast ", 1),
            b"end=20\r\nx=09\r\nlast=20"
        );
        assert_eq!(encode_all(QpEncoder::new(), b"a  b", 1), b"a  b");
    }

    #[test]
    fn qp_soft_breaks_at_76() {
        let input = "x".repeat(200);
        let out = encode_all(QpEncoder::new(), input.as_bytes(), 7);
        let expected = format!("{}=\r\n{}=\r\n{}", "x".repeat(75), "x".repeat(75), "x".repeat(50));
        assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
        assert_eq!(qp_decode(&out), input.as_bytes());
    }

    #[test]
    fn qp_never_splits_an_escape() {
        let input = format!("{}é", "x".repeat(74));
        let out = encode_all(QpEncoder::new(), input.as_bytes(), 3);
        assert_eq!(out, format!("{}=\r\n=C3=A9", "x".repeat(74)).as_bytes());
    }

    #[test]
    fn qp_escapes_lone_cr_and_lf() {
        assert_eq!(encode_all(QpEncoder::new(), b"a\rb\nc\r", 1), b"a=0Db=0Ac=0D");
        assert_eq!(encode_all(QpEncoder::new(), b"a \r", 1), b"a =0D");
    }

    #[test]
    fn qp_round_trips_random_bytes_in_any_chunking() {
        for seed in 0..20 {
            let data = pseudo_random(seed, 3000);
            let whole = encode_all(QpEncoder::new(), &data, usize::MAX);
            let pieces = encode_all(QpEncoder::new(), &data, seed as usize + 1);
            assert_eq!(whole, pieces);
            assert_qp_lines(&whole);
            assert_eq!(qp_decode(&whole), data);
            assert_eq!(qp_encoded_len(&data[..]).unwrap(), whole.len() as u64);
        }
    }

    #[test]
    fn base64_lines_are_76_and_round_trip() {
        for len in [0usize, 1, 2, 3, 56, 57, 58, 114, 1000, 4099] {
            let data = pseudo_random(len as u64, len);
            let out = encode_all(Base64Encoder::new(), &data, 13);
            assert_eq!(out.len() as u64, base64_encoded_len(len as u64), "len {len}");
            let text = String::from_utf8(out).unwrap();
            let lines: Vec<&str> = text.split_terminator("\r\n").collect();
            assert!(lines.iter().all(|l| l.len() <= 76));
            assert!(lines.iter().rev().skip(1).all(|l| l.len() == 76));
            assert!(text.is_empty() || text.ends_with("\r\n"));
            let decoded = base64::engine::general_purpose::STANDARD.decode(lines.concat()).unwrap();
            assert_eq!(decoded, data);
        }
    }

    #[test]
    fn encode_reader_matches_push_encoding() {
        let data = pseudo_random(7, 100_000);
        let mut reader = Base64Reader::new(&data[..]);
        let mut out = Vec::new();
        let mut buf = [0u8; 100];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, encode_all(Base64Encoder::new(), &data, 1000));
        let mut qp = Vec::new();
        QpReader::new(&data[..]).read_to_end(&mut qp).unwrap();
        assert_eq!(qp, encode_all(QpEncoder::new(), &data, 1));
    }

    #[test]
    fn ascii_text_is_7bit_and_normalised() {
        let stats = ContentStats::measure_bytes(b"hello\nworld\r\n");
        assert_eq!(stats.normalized_len, 14);
        assert!(stats.ends_with_newline && stats.utf8 && !stats.has_nul);
        let choice = choose_encoding(&stats);
        assert_eq!(
            choice,
            EncodingChoice {
                encoding: TransferEncoding::SevenBit,
                normalize: true,
                encoded_len: 14
            }
        );
    }

    #[test]
    fn some_non_ascii_is_quoted_printable() {
        let stats = ContentStats::measure_bytes("Viele Grüße aus Köln\n".as_bytes());
        let choice = choose_encoding(&stats);
        assert_eq!(choice.encoding, TransferEncoding::QuotedPrintable);
        assert_eq!(choice.encoded_len, b"Viele Gr=C3=BC=C3=9Fe aus K=C3=B6ln\r\n".len() as u64);
    }

    #[test]
    fn long_ascii_lines_are_quoted_printable() {
        let line = "a".repeat(999);
        assert_eq!(
            choose_encoding(&ContentStats::measure_bytes(line.as_bytes())).encoding,
            TransferEncoding::QuotedPrintable
        );
        let line = "a".repeat(998);
        assert_eq!(
            choose_encoding(&ContentStats::measure_bytes(line.as_bytes())).encoding,
            TransferEncoding::SevenBit
        );
    }

    #[test]
    fn boundary_marker_forces_quoted_printable() {
        let stats = ContentStats::measure_bytes(b"--=_smtpx_looks_like_a_boundary\n");
        assert!(stats.has_boundary_marker);
        assert_eq!(choose_encoding(&stats).encoding, TransferEncoding::QuotedPrintable);
    }

    #[test]
    fn mostly_non_ascii_is_base64_of_normalised_text() {
        let stats = ContentStats::measure_bytes("Привет, мир\n".as_bytes());
        let choice = choose_encoding(&stats);
        assert_eq!((choice.encoding, choice.normalize), (TransferEncoding::Base64, true));
        assert_eq!(choice.encoded_len, base64_encoded_len(stats.normalized_len));
    }

    #[test]
    fn nul_means_binary_base64_of_raw_bytes() {
        let stats = ContentStats::measure_bytes(b"a\0b\n");
        let choice = choose_encoding(&stats);
        assert_eq!((choice.encoding, choice.normalize), (TransferEncoding::Base64, false));
        assert_eq!(choice.encoded_len, base64_encoded_len(4));
    }

    #[test]
    fn utf8_validity_is_tracked_across_chunks() {
        let text = "€uro".as_bytes();
        let stats = ContentStats::measure(ChunkedReader { data: text, chunk: 1 }).unwrap();
        assert!(stats.utf8);
        let stats = ContentStats::measure(ChunkedReader { data: b"caf\xe9\n", chunk: 2 }).unwrap();
        assert!(!stats.utf8);
        assert!(!ContentStats::measure_bytes(b"\xe2\x82").utf8);
    }

    #[test]
    fn stats_do_not_depend_on_chunking() {
        let mut data = pseudo_random(3, 5000);
        data.retain(|&b| b != 0);
        let whole = ContentStats::measure_bytes(&data);
        let pieces = ContentStats::measure(ChunkedReader { data: &data, chunk: 5 }).unwrap();
        assert_eq!(whole, pieces);
        assert_eq!(whole.input_len, data.len() as u64);
    }

    /// Hands out at most `chunk` bytes per read, to exercise state kept between chunks.
    pub(crate) struct ChunkedReader<'a> {
        pub data: &'a [u8],
        pub chunk: usize,
    }

    impl Read for ChunkedReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }
}
