//! `--raw FILE|-`: an existing RFC 5322 message sent as it is, with line endings normalised to
//! CRLF and a final CRLF added when missing; with `-t/--read-recipients`, the recipients taken
//! from To/Cc/Bcc and the Bcc fields (with their continuation lines) removed, as `sendmail -t`
//! does (RFC 5322 §3.6.3: Bcc recipients must not be disclosed).
//!
//! It owns one measuring pass (exact output size, 8-bit detection, header block ≤ 1 MiB, lines
//! ≤ 998 octets) and the Bcc filter. Standard input cannot be read twice, so it is spooled:
//! in memory up to 8 MiB, beyond that in a private temporary file removed on drop. It must not
//! rewrite anything else in the message.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;

use super::address::{Mailbox, parse_mailbox_list};
use super::crlf::CrlfNormalizer;
use super::encoding::{Fingerprint, StreamEncoder};
use super::error::ComposeError;
use super::stream::{BodyPlan, MessageReader, Pipeline, Segment, Source, TempFile, precheck};

/// The largest header block accepted (to the first empty line).
pub const MAX_HEADER_BLOCK: usize = 1024 * 1024;
/// RFC 5322 §2.1.1: at most 998 octets per line, excluding CRLF.
const MAX_LINE: u64 = 998;
/// Standard input up to this size stays in memory.
const SPOOL_IN_MEMORY: usize = 8 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// How a raw message is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawOptions {
    /// Remove Bcc fields (always wanted with `-t`).
    pub strip_bcc: bool,
}

/// A measured raw message, ready to stream.
#[derive(Debug, Clone)]
pub struct RawMessage {
    segments: Arc<[Segment]>,
    size: u64,
    needs_8bitmime: bool,
    needs_smtputf8: bool,
    /// To/Cc/Bcc (and From) fields, unfolded: (canonical name, value).
    recipient_fields: Vec<(&'static str, String)>,
}

impl RawMessage {
    /// Measures a message file (one pass; the file is read again when streaming).
    pub fn from_path(path: &Path, options: RawOptions) -> Result<RawMessage, ComposeError> {
        let (file, _) = super::mime::open_file(path)?;
        let mut scan = RawScan::new(options);
        read_all(file, path, |chunk| {
            scan.push(chunk);
            Ok(scan.error.is_none())
        })?;
        scan.finish(Source::File(path.to_path_buf()))
    }

    /// Reads a message from a stream (standard input), spooling it so it can be sent later.
    pub fn from_reader<R: Read>(input: R, options: RawOptions) -> Result<RawMessage, ComposeError> {
        let mut scan = RawScan::new(options);
        let mut spool = Spool::default();
        read_all(input, Path::new("-"), |chunk| {
            spool.write(chunk)?;
            scan.push(chunk);
            Ok(scan.error.is_none())
        })?;
        let source = spool.into_source()?;
        scan.finish(source)
    }

    /// Recipients from To, Cc and Bcc, in that order, without duplicates (compared without
    /// case). Errs when a field does not parse or when there is none at all.
    pub fn recipients(&self) -> Result<Vec<Mailbox>, ComposeError> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let by_kind = ["To", "Cc", "Bcc"]
            .into_iter()
            .flat_map(|kind| self.recipient_fields.iter().filter(move |(name, _)| *name == kind));
        for (name, value) in by_kind {
            for mailbox in parse_mailbox_list(value).map_err(|e| ComposeError::address(name, e))? {
                if seen.insert(mailbox.address.smtp_form().to_lowercase()) {
                    out.push(mailbox);
                }
            }
        }
        if out.is_empty() {
            return Err(ComposeError::NoRecipients);
        }
        Ok(out)
    }

    /// The first mailbox of the first From field: the envelope sender sendmail uses when given
    /// none. `None` when there is no From or it does not parse.
    pub fn from(&self) -> Option<Mailbox> {
        let (_, value) = self.recipient_fields.iter().find(|(name, _)| *name == "From")?;
        parse_mailbox_list(value).ok()?.into_iter().next()
    }

    /// Exact octets [`Self::reader`] produces.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Streams the message (normalised, Bcc removed if asked).
    pub fn reader(&self) -> Result<MessageReader, ComposeError> {
        precheck(&self.segments)?;
        Ok(MessageReader::new(Arc::clone(&self.segments)))
    }

    /// True when any octet is ≥ 0x80 (the server must offer 8BITMIME, RFC 6152).
    pub fn needs_8bitmime(&self) -> bool {
        self.needs_8bitmime
    }

    /// True when the header block holds non-ASCII (RFC 6532 UTF-8 headers need SMTPUTF8).
    pub fn needs_smtputf8(&self) -> bool {
        self.needs_smtputf8
    }
}

/// Reads `input` in chunks until the end or until `each` returns `Ok(false)`.
fn read_all<R: Read>(
    mut input: R,
    label: &Path,
    mut each: impl FnMut(&[u8]) -> Result<bool, ComposeError>,
) -> Result<(), ComposeError> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ComposeError::read(label, e)),
        };
        if !each(&buf[..n])? {
            return Ok(());
        }
    }
}

/// The measuring pass: runs the same normaliser and filter the reader will, counting.
struct RawScan {
    crlf: CrlfNormalizer,
    bcc: Option<BccFilter>,
    fingerprint: Fingerprint,
    input_len: u64,
    output_len: u64,
    line_no: u64,
    line_len: u64,
    in_header: bool,
    header: Vec<u8>,
    eight_bit: bool,
    header_eight_bit: bool,
    error: Option<ComposeError>,
    normalized: Vec<u8>,
    filtered: Vec<u8>,
}

impl RawScan {
    fn new(options: RawOptions) -> RawScan {
        RawScan {
            crlf: CrlfNormalizer::with_final_newline(),
            bcc: options.strip_bcc.then(BccFilter::new),
            fingerprint: Fingerprint::default(),
            input_len: 0,
            output_len: 0,
            line_no: 1,
            line_len: 0,
            in_header: true,
            header: Vec::new(),
            eight_bit: false,
            header_eight_bit: false,
            error: None,
            normalized: Vec::with_capacity(CHUNK * 2),
            filtered: Vec::with_capacity(CHUNK * 2),
        }
    }

    fn push(&mut self, data: &[u8]) {
        self.input_len += data.len() as u64;
        self.fingerprint.update(data);
        let mut normalized = std::mem::take(&mut self.normalized);
        normalized.clear();
        self.crlf.push(data, &mut normalized);
        self.scan(&normalized, false);
        self.normalized = normalized;
    }

    fn scan(&mut self, normalized: &[u8], last: bool) {
        match self.bcc.as_mut() {
            Some(bcc) => {
                self.filtered.clear();
                bcc.push(normalized, &mut self.filtered);
                if last {
                    bcc.finish(&mut self.filtered);
                }
                self.output_len += self.filtered.len() as u64;
            }
            None => self.output_len += normalized.len() as u64,
        }
        for &b in normalized {
            self.eight_bit |= b >= 0x80;
            if self.in_header {
                self.header_byte(b);
            }
            if b == b'\n' {
                if self.line_len > MAX_LINE && self.error.is_none() {
                    self.error =
                        Some(ComposeError::LineTooLong { line: self.line_no, len: self.line_len });
                }
                self.line_no += 1;
                self.line_len = 0;
            } else if b != b'\r' {
                self.line_len += 1;
            }
        }
    }

    /// Collects the header block up to its empty line (RFC 5322 §2.1), bounded.
    fn header_byte(&mut self, b: u8) {
        self.header_eight_bit |= b >= 0x80;
        self.header.push(b);
        if b == b'\n' && (self.header == b"\r\n" || self.header.ends_with(b"\r\n\r\n")) {
            self.in_header = false;
        } else if self.header.len() > MAX_HEADER_BLOCK && self.error.is_none() {
            self.error = Some(ComposeError::HeaderTooLarge { limit: MAX_HEADER_BLOCK });
        }
    }

    fn finish(mut self, source: Source) -> Result<RawMessage, ComposeError> {
        let mut tail = Vec::new();
        self.crlf.finish(&mut tail);
        self.scan(&tail, true);
        if let Some(error) = self.error {
            return Err(error);
        }
        let plan = BodyPlan {
            source,
            input_len: self.input_len,
            fingerprint: Some(self.fingerprint.value()),
            pipeline: Pipeline::Raw { strip_bcc: self.bcc.is_some() },
            output_len: self.output_len,
        };
        Ok(RawMessage {
            segments: vec![Segment::Body(plan)].into(),
            size: self.output_len,
            needs_8bitmime: self.eight_bit,
            needs_smtputf8: self.header_eight_bit,
            recipient_fields: recipient_fields(&self.header),
        })
    }
}

/// Unfolds the header block (RFC 5322 §2.2.3: a CRLF followed by WSP is removed) and returns
/// the To, Cc, Bcc and From fields.
fn recipient_fields(header: &[u8]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<Vec<u8>> = Vec::new();
    for line in header.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match (line.first(), fields.last_mut()) {
            (None, _) => {}
            (Some(b' ' | b'\t'), Some(field)) => field.extend_from_slice(line),
            _ => fields.push(line.to_vec()),
        }
    }
    let mut out = Vec::new();
    for field in fields {
        let Some(colon) = field.iter().position(|&b| b == b':') else { continue };
        let name = String::from_utf8_lossy(&field[..colon]);
        let name = name.trim_end();
        let canonical =
            ["To", "Cc", "Bcc", "From"].into_iter().find(|n| n.eq_ignore_ascii_case(name));
        if let Some(canonical) = canonical {
            out.push((canonical, String::from_utf8_lossy(&field[colon + 1..]).into_owned()));
        }
    }
    out
}

/// Longest piece of a header line held before deciding; lines longer than this (refused by
/// the measuring pass anyway) are passed on in pieces with the decision made at their start.
const BCC_LINE_CAP: usize = 1024;

/// Removes Bcc fields and their continuation lines from the header block of CRLF-normalised
/// input; passes the body through untouched.
#[derive(Debug, Default)]
pub(crate) struct BccFilter {
    in_body: bool,
    line: Vec<u8>,
    /// The field being read is a Bcc field.
    dropping: bool,
    /// The held line is the rest of a line already judged.
    partial: bool,
}

impl BccFilter {
    pub fn new() -> BccFilter {
        BccFilter::default()
    }

    fn flush_line(&mut self, out: &mut Vec<u8>) {
        let line = std::mem::take(&mut self.line);
        let complete = line.ends_with(b"\n");
        if !self.partial {
            match line.first() {
                _ if line == b"\r\n" => self.in_body = true,
                Some(b' ' | b'\t') => {}
                _ => {
                    let name =
                        line.iter().position(|&b| b == b':').map(|i| line[..i].trim_ascii_end());
                    self.dropping = name.is_some_and(|n| n.eq_ignore_ascii_case(b"bcc"));
                }
            }
        }
        if self.in_body || !self.dropping {
            out.extend_from_slice(&line);
        }
        self.partial = !complete;
        self.line = line;
        self.line.clear();
    }
}

impl StreamEncoder for BccFilter {
    fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut rest = input;
        while !rest.is_empty() {
            if self.in_body {
                out.extend_from_slice(rest);
                return;
            }
            let room = BCC_LINE_CAP - self.line.len();
            let end = rest.iter().take(room).position(|&b| b == b'\n').map(|i| i + 1);
            let take = end.unwrap_or(room.min(rest.len()));
            self.line.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if end.is_some() || self.line.len() >= BCC_LINE_CAP {
                self.flush_line(out);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        if !self.line.is_empty() {
            self.flush_line(out);
        }
    }
}

/// Standard input kept for the sending pass: memory first, a private temporary file when big.
#[derive(Default)]
struct Spool {
    memory: Vec<u8>,
    file: Option<(File, TempFile)>,
}

impl Spool {
    fn write(&mut self, data: &[u8]) -> Result<(), ComposeError> {
        if self.file.is_none() && self.memory.len() + data.len() <= SPOOL_IN_MEMORY {
            self.memory.extend_from_slice(data);
            return Ok(());
        }
        if self.file.is_none() {
            let (mut file, temp) = create_temp_file()?;
            file.write_all(&self.memory).map_err(ComposeError::Spool)?;
            self.memory = Vec::new();
            self.file = Some((file, temp));
        }
        match self.file.as_mut() {
            Some((file, _)) => file.write_all(data).map_err(ComposeError::Spool),
            None => Ok(()),
        }
    }

    fn into_source(self) -> Result<Source, ComposeError> {
        match self.file {
            Some((mut file, temp)) => {
                file.flush().map_err(ComposeError::Spool)?;
                Ok(Source::Spooled(Arc::new(temp)))
            }
            None => Ok(Source::Memory(self.memory.into())),
        }
    }
}

/// A new file in the temporary directory, readable only by the user (the message may be private).
fn create_temp_file() -> Result<(File, TempFile), ComposeError> {
    TempFile::create("smtpx-raw-", ".eml").map_err(ComposeError::Spool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::testutil::{TestDir, assert_wire_lines, read_with_buffer};

    fn render(message: &RawMessage) -> Vec<u8> {
        let bytes = read_with_buffer(message.reader().unwrap(), 1000).unwrap();
        assert_eq!(message.size(), bytes.len() as u64, "size() differs from the bytes produced");
        assert_wire_lines(&bytes);
        bytes
    }

    fn from_bytes(data: &[u8], strip_bcc: bool) -> RawMessage {
        RawMessage::from_reader(data, RawOptions { strip_bcc }).unwrap()
    }

    const FOLDED_BCC: &[u8] = b"From: a@example.com\n\
To: Bob <bob@example.org>,\n\t\"Smith, C\" <c@example.org>\n\
BCC: secret@example.net,\n  other@example.net\n\
Subject: hi\n\
Cc: team: d@example.org, bob@EXAMPLE.org;\n\
\n\
Body line\n\
Bcc: this is body text, not a header\n";

    #[test]
    fn bcc_with_continuations_is_removed_and_recipients_read() {
        let message = from_bytes(FOLDED_BCC, true);
        let bytes = render(&message);
        let expected = b"From: a@example.com\r\n\
To: Bob <bob@example.org>,\r\n\t\"Smith, C\" <c@example.org>\r\n\
Subject: hi\r\n\
Cc: team: d@example.org, bob@EXAMPLE.org;\r\n\
\r\n\
Body line\r\n\
Bcc: this is body text, not a header\r\n";
        assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(expected));
        let recipients: Vec<String> =
            message.recipients().unwrap().iter().map(|m| m.address.smtp_form()).collect();
        assert_eq!(
            recipients,
            [
                "bob@example.org",
                "c@example.org",
                "d@example.org",
                "secret@example.net",
                "other@example.net"
            ]
        );
        assert_eq!(message.from().unwrap().address.smtp_form(), "a@example.com");
    }

    #[test]
    fn without_strip_bcc_the_message_is_only_normalised() {
        let message = from_bytes(FOLDED_BCC, false);
        let bytes = render(&message);
        assert!(bytes.starts_with(b"From: a@example.com\r\nTo: Bob"));
        assert!(
            crate::message::testutil::find(&bytes, b"BCC: secret@example.net,\r\n  other")
                .is_some()
        );
    }

    #[test]
    fn line_endings_normalised_and_final_crlf_added() {
        let message = from_bytes(b"Subject: x\r\rbody\rmore\nend", false);
        assert_eq!(render(&message), b"Subject: x\r\n\r\nbody\r\nmore\r\nend\r\n");
        assert!(!message.needs_8bitmime() && !message.needs_smtputf8());
    }

    #[test]
    fn eight_bit_body_and_utf8_header_are_reported() {
        let message = from_bytes("Subject: x\n\nGrüße\n".as_bytes(), false);
        assert!(message.needs_8bitmime() && !message.needs_smtputf8());
        let message = from_bytes("Subject: Grüße\n\nx\n".as_bytes(), false);
        assert!(message.needs_8bitmime() && message.needs_smtputf8());
    }

    #[test]
    fn header_block_over_1_mib_is_refused() {
        let mut data = Vec::new();
        while data.len() <= MAX_HEADER_BLOCK {
            data.extend_from_slice(b"X-Filler: 0123456789012345678901234567890123456789\n");
        }
        data.extend_from_slice(b"\nbody\n");
        let err = RawMessage::from_reader(&data[..], RawOptions::default()).unwrap_err();
        assert!(matches!(err, ComposeError::HeaderTooLarge { .. }), "{err}");
    }

    #[test]
    fn line_over_998_is_refused_with_its_number() {
        let data = format!("Subject: x\n\nok\n{}\n", "y".repeat(999));
        let err = RawMessage::from_reader(data.as_bytes(), RawOptions::default()).unwrap_err();
        assert!(matches!(err, ComposeError::LineTooLong { line: 4, len: 999 }), "{err}");
        let data = format!("Subject: x\n\n{}\n", "y".repeat(998));
        assert!(RawMessage::from_reader(data.as_bytes(), RawOptions::default()).is_ok());
    }

    #[test]
    fn no_recipients_and_bad_recipients_are_errors() {
        let message = from_bytes(b"Subject: x\n\nbody\n", true);
        assert!(matches!(message.recipients(), Err(ComposeError::NoRecipients)));
        let message = from_bytes(b"To: not an address\n\nbody\n", true);
        let err = message.recipients().unwrap_err();
        assert!(matches!(&err, ComposeError::Address { field, .. } if field == "To"), "{err}");
    }

    #[test]
    fn bcc_filter_judges_overlong_lines_by_their_start() {
        use crate::message::encoding::tests::encode_all;
        let data = format!(
            "To: a@x.org\r\nBcc: {}\r\n continued\r\nX-Long: {}\r\n\r\nbody\r\n",
            "b@y.org, ".repeat(150),
            "z".repeat(1500)
        );
        let expected = format!("To: a@x.org\r\nX-Long: {}\r\n\r\nbody\r\n", "z".repeat(1500));
        for chunk in [1, 7, 1000, usize::MAX] {
            let out = encode_all(BccFilter::new(), data.as_bytes(), chunk);
            assert!(out == expected.as_bytes(), "chunk {chunk}");
        }
    }

    #[test]
    fn bcc_filter_output_does_not_depend_on_chunking() {
        let data = b"Bcc: a@b.org\r\n c@d.org\r\nTo: e@f.org\r\nbcc : g@h.org\r\n\r\nBcc: body\r\n";
        let whole = crate::message::encoding::tests::encode_all(BccFilter::new(), data, usize::MAX);
        assert_eq!(whole, b"To: e@f.org\r\n\r\nBcc: body\r\n");
        for chunk in 1..data.len() {
            assert_eq!(
                crate::message::encoding::tests::encode_all(BccFilter::new(), data, chunk),
                whole
            );
        }
    }

    #[test]
    fn file_source_streams_and_detects_changes() {
        let dir = TestDir::new("message");
        let path = dir.file("m.eml", FOLDED_BCC);
        let message = RawMessage::from_path(&path, RawOptions { strip_bcc: true }).unwrap();
        assert_eq!(render(&message), render(&from_bytes(FOLDED_BCC, true)));
        let mut changed = FOLDED_BCC.to_vec();
        changed[0] = b'f';
        std::fs::write(&path, &changed).unwrap();
        let err = read_with_buffer(message.reader().unwrap(), 100).unwrap_err();
        assert!(
            matches!(ComposeError::from_io(&err), Some(ComposeError::FileChanged { .. })),
            "{err}"
        );
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(message.reader(), Err(ComposeError::FileChanged { .. })));
        let missing = RawMessage::from_path(&dir.path().join("none.eml"), RawOptions::default());
        assert!(missing.unwrap_err().is_missing_file());
    }

    #[test]
    fn large_stdin_is_spooled_to_a_private_temp_file_removed_on_drop() {
        let mut data = b"To: a@b.org\nBcc: c@d.org\n\n".to_vec();
        let line = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
        while data.len() <= SPOOL_IN_MEMORY + 1000 {
            data.extend_from_slice(line);
        }
        let message = from_bytes(&data, true);
        let Segment::Body(BodyPlan { source: Source::Spooled(temp), .. }) = &message.segments[0]
        else {
            panic!("expected a spooled source")
        };
        let path = temp.path.clone();
        assert!(path.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let bytes = render(&message);
        let body_lines = (data.len() - 26) / line.len();
        assert_eq!(bytes.len(), "To: a@b.org\r\n\r\n".len() + body_lines * (line.len() + 1));
        drop(message);
        assert!(!path.exists());
    }
}
