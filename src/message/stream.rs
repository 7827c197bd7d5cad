//! The plan a composed (or raw) message becomes, and the reader that streams it.
//!
//! A plan is a list of [`Segment`]s: literal bytes (headers, boundaries) and bodies (a source
//! plus an encoding pipeline with its exact output length). [`MessageReader`] opens each source
//! only when it reaches it and checks, as it goes, that every source still has the length and
//! fingerprint measured when the plan was made: the engine announced the size with `SIZE=` and
//! must never send a different one. This module owns that check; it must not decide encodings
//! (that is `encoding`/`mime`) nor touch the network.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::crlf::{CrlfNormalizer, CrlfReader};
use super::encoding::{
    Base64Reader, EncodeReader, EncodingChoice, Fingerprint, QpReader, TransferEncoding,
};
use super::error::ComposeError;
use super::raw::BccFilter;

/// A private temporary file (mode 0600: it may hold a private message), removed on drop: standard
/// input spooled for `--raw -` or `--body-file -`.
#[derive(Debug)]
pub struct TempFile {
    pub path: PathBuf,
}

impl TempFile {
    /// Creates `$TMPDIR/{prefix}{random}{suffix}`, which must not exist yet.
    pub fn create(prefix: &str, suffix: &str) -> io::Result<(File, TempFile)> {
        let name =
            super::mime::Rng::new(None).token(20).map_err(|e| io::Error::other(e.to_string()))?;
        let path = std::env::temp_dir().join(format!("{prefix}{name}{suffix}"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        Ok((file, TempFile { path }))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Best effort: a leftover file in the temp directory is not worth failing over.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Where a body's bytes come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Text given on the command line, or standard input small enough to keep.
    Memory(Arc<[u8]>),
    /// A file the user named.
    File(PathBuf),
    /// Standard input spooled to a temporary file.
    Spooled(Arc<TempFile>),
}

impl Source {
    /// The name used in errors.
    pub fn label(&self) -> &Path {
        match self {
            Source::Memory(_) => Path::new("<text>"),
            Source::File(path) => path,
            Source::Spooled(_) => Path::new("-"),
        }
    }

    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Source::Memory(bytes) => Box::new(Cursor::new(Arc::clone(bytes))),
            Source::File(path) => Box::new(File::open(path)?),
            Source::Spooled(temp) => Box::new(File::open(&temp.path)?),
        })
    }
}

/// How a body's bytes are transformed on the way out.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pipeline {
    /// A MIME body: optional CRLF normalisation, then the transfer encoding.
    Encode(EncodingChoice),
    /// A raw message: CRLF normalisation (with a final CRLF), optionally Bcc removal.
    Raw { strip_bcc: bool },
}

/// One body in a plan.
#[derive(Debug, Clone)]
pub(crate) struct BodyPlan {
    pub source: Source,
    /// Octets the source held when measured.
    pub input_len: u64,
    /// Fingerprint of the source when it was read in full; `None` when only its size was taken.
    pub fingerprint: Option<u64>,
    pub pipeline: Pipeline,
    /// Exact octets the pipeline produces.
    pub output_len: u64,
}

/// A piece of a message plan.
#[derive(Debug, Clone)]
pub(crate) enum Segment {
    Literal(Vec<u8>),
    Body(BodyPlan),
}

impl Segment {
    pub fn len(&self) -> u64 {
        match self {
            Segment::Literal(bytes) => bytes.len() as u64,
            Segment::Body(plan) => plan.output_len,
        }
    }
}

/// Collects header text and bodies into segments, merging adjacent literals.
#[derive(Debug, Default)]
pub(crate) struct PlanBuilder {
    segments: Vec<Segment>,
    pub literal: Vec<u8>,
}

impl PlanBuilder {
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.literal.extend_from_slice(bytes);
    }

    pub fn body(&mut self, plan: BodyPlan) {
        if !self.literal.is_empty() {
            self.segments.push(Segment::Literal(std::mem::take(&mut self.literal)));
        }
        self.segments.push(Segment::Body(plan));
    }

    pub fn finish(mut self) -> Arc<[Segment]> {
        if !self.literal.is_empty() {
            self.segments.push(Segment::Literal(std::mem::take(&mut self.literal)));
        }
        self.segments.into()
    }
}

/// Checks, before any byte is sent, that every file still has its measured size.
pub(crate) fn precheck(segments: &[Segment]) -> Result<(), ComposeError> {
    for segment in segments {
        let Segment::Body(plan) = segment else { continue };
        let path = match &plan.source {
            Source::File(path) => path.as_path(),
            Source::Spooled(temp) => temp.path.as_path(),
            Source::Memory(_) => continue,
        };
        let meta = std::fs::metadata(path).map_err(|e| ComposeError::unavailable(path, e))?;
        if meta.len() != plan.input_len {
            return Err(ComposeError::FileChanged { path: plan.source.label().to_path_buf() });
        }
    }
    Ok(())
}

/// Streams a message plan. Files are opened when reached; read errors and files that changed
/// since they were measured surface as `io::Error`s wrapping a [`ComposeError`] (see
/// [`ComposeError::from_io`]), before the last byte, so the engine can abort instead of
/// completing a message of the wrong size.
pub struct MessageReader {
    segments: Arc<[Segment]>,
    index: usize,
    offset: usize,
    current: Option<Box<dyn Read + Send>>,
}

impl std::fmt::Debug for MessageReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageReader").field("segment", &self.index).finish_non_exhaustive()
    }
}

impl MessageReader {
    pub(crate) fn new(segments: Arc<[Segment]>) -> MessageReader {
        MessageReader { segments, index: 0, offset: 0, current: None }
    }
}

impl Read for MessageReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while let Some(segment) = self.segments.get(self.index) {
            match segment {
                Segment::Literal(bytes) => {
                    let rest = &bytes[self.offset..];
                    if !rest.is_empty() {
                        let n = rest.len().min(buf.len());
                        buf[..n].copy_from_slice(&rest[..n]);
                        self.offset += n;
                        return Ok(n);
                    }
                }
                Segment::Body(plan) => {
                    if self.current.is_none() {
                        self.current = Some(open_body(plan)?);
                    }
                    if let Some(reader) = self.current.as_mut() {
                        let n = reader.read(buf)?;
                        if n > 0 {
                            return Ok(n);
                        }
                    }
                    self.current = None;
                }
            }
            self.index += 1;
            self.offset = 0;
        }
        Ok(0)
    }
}

fn changed(source: &Source) -> io::Error {
    io::Error::other(ComposeError::FileChanged { path: source.label().to_path_buf() })
}

/// Builds the reader chain for one body: source → input check → pipeline → output check.
fn open_body(plan: &BodyPlan) -> io::Result<Box<dyn Read + Send>> {
    let label = plan.source.label();
    let raw = plan
        .source
        .open()
        .map_err(|e| io::Error::new(e.kind(), ComposeError::unavailable(label, e)))?;
    let checked = InputCheck {
        inner: raw,
        source: plan.source.clone(),
        expected: plan.input_len,
        seen: 0,
        fingerprint: plan.fingerprint.map(|want| (want, Fingerprint::default())),
    };
    let encoded: Box<dyn Read + Send> = match plan.pipeline {
        Pipeline::Encode(choice) => {
            let staged: Box<dyn Read + Send> = if choice.normalize {
                Box::new(CrlfReader::new(checked))
            } else {
                Box::new(checked)
            };
            match choice.encoding {
                TransferEncoding::SevenBit => staged,
                TransferEncoding::QuotedPrintable => Box::new(QpReader::new(staged)),
                TransferEncoding::Base64 => Box::new(Base64Reader::new(staged)),
            }
        }
        Pipeline::Raw { strip_bcc } => {
            let normalized =
                EncodeReader::with_encoder(checked, CrlfNormalizer::with_final_newline());
            if strip_bcc {
                Box::new(EncodeReader::with_encoder(normalized, BccFilter::new()))
            } else {
                Box::new(normalized)
            }
        }
    };
    Ok(Box::new(OutputCheck {
        inner: encoded,
        source: plan.source.clone(),
        expected: plan.output_len,
        seen: 0,
    }))
}

/// Verifies the source's length (and fingerprint, when known) against the measuring pass.
struct InputCheck {
    inner: Box<dyn Read + Send>,
    source: Source,
    expected: u64,
    seen: u64,
    fingerprint: Option<(u64, Fingerprint)>,
}

impl Read for InputCheck {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                return Err(io::Error::new(e.kind(), ComposeError::read(self.source.label(), e)));
            }
        };
        self.seen += n as u64;
        if self.seen > self.expected {
            return Err(changed(&self.source));
        }
        if let Some((_, fp)) = self.fingerprint.as_mut() {
            fp.update(&buf[..n]);
        }
        if n == 0 {
            let fingerprint_ok = self.fingerprint.is_none_or(|(want, fp)| fp.value() == want);
            if self.seen != self.expected || !fingerprint_ok {
                return Err(changed(&self.source));
            }
        }
        Ok(n)
    }
}

/// Verifies the encoded length against the announced one: the last line of defence.
struct OutputCheck {
    inner: Box<dyn Read + Send>,
    source: Source,
    expected: u64,
    seen: u64,
}

impl Read for OutputCheck {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen += n as u64;
        if self.seen > self.expected || (n == 0 && self.seen != self.expected) {
            return Err(changed(&self.source));
        }
        Ok(n)
    }
}
