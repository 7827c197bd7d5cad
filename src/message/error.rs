//! The one error type of message composition, with the split the CLI needs for exit codes:
//! a missing or unreadable input file (EX_NOINPUT, 66), an I/O failure while reading (EX_IOERR,
//! 74), and everything else: bad input data (EX_DATAERR, 65).
//!
//! It owns wording, not policy: it must not print, and the exit code mapping itself lives in the
//! CLI's exit module.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::address::AddressError;
use super::header::HeaderError;

/// Why a message could not be composed or streamed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ComposeError {
    /// A file the user named cannot be opened or examined (missing, permission denied).
    FileUnavailable { path: PathBuf, source: io::Error },
    /// The path names a directory or another non-regular file.
    NotAFile { path: PathBuf },
    /// Reading failed part-way through (`-` is standard input).
    Read { path: PathBuf, source: io::Error },
    /// The file changed (size or content) between `compose()` and the end of streaming; the
    /// announced size would be wrong, so the message must not be completed.
    FileChanged { path: PathBuf },
    /// A body file is not UTF-8, but text parts are declared `charset=utf-8`.
    NotUtf8 { path: PathBuf },
    /// An address or display name is invalid; `field` says where (From, To, Reply-To, ...).
    Address { field: String, source: AddressError },
    /// A header field is invalid or not allowed.
    Header(HeaderError),
    /// An attachment content type is invalid or not allowed.
    ContentType { value: String, reason: &'static str },
    /// An attachment file name cannot be used.
    FileName { name: String, reason: &'static str },
    /// The date is before 1970 and cannot be written.
    Date,
    /// The operating system's random source failed.
    Random(String),
    /// `--raw`: the header block is larger than the limit.
    HeaderTooLarge { limit: usize },
    /// `--raw`: a line is longer than RFC 5322 §2.1.1 allows.
    LineTooLong { line: u64, len: u64 },
    /// `--raw -t`: the header names no recipient.
    NoRecipients,
    /// Standard input could not be spooled to a temporary file.
    Spool(io::Error),
}

impl ComposeError {
    /// True for input files that do not exist or cannot be opened (exit 66, EX_NOINPUT).
    pub fn is_missing_file(&self) -> bool {
        matches!(self, Self::FileUnavailable { .. } | Self::NotAFile { .. })
    }

    /// True for I/O failures after a file was opened (exit 74, EX_IOERR).
    pub fn is_io_error(&self) -> bool {
        matches!(
            self,
            Self::Read { .. } | Self::FileChanged { .. } | Self::Spool(_) | Self::Random(_)
        )
    }

    /// The `ComposeError` inside an `io::Error` from [`super::MessageReader`], if there is one.
    pub fn from_io(error: &io::Error) -> Option<&ComposeError> {
        error.get_ref()?.downcast_ref::<ComposeError>()
    }

    pub(crate) fn unavailable(path: &Path, source: io::Error) -> Self {
        Self::FileUnavailable { path: path.to_path_buf(), source }
    }

    pub(crate) fn read(path: &Path, source: io::Error) -> Self {
        Self::Read { path: path.to_path_buf(), source }
    }

    pub(crate) fn address(field: &str, source: AddressError) -> Self {
        Self::Address { field: field.to_string(), source }
    }
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FileUnavailable { path, source } => write!(f, "{}: {source}", path.display()),
            Self::NotAFile { path } => write!(f, "{}: not a regular file", path.display()),
            Self::Read { path, source } => write!(f, "{}: read failed: {source}", path.display()),
            Self::FileChanged { path } => {
                write!(f, "{}: file changed while the message was being sent", path.display())
            }
            Self::NotUtf8 { path } => write!(
                f,
                "{}: not valid UTF-8 (message text must be UTF-8; attach the file instead)",
                path.display()
            ),
            Self::Address { field, source } => write!(f, "{field}: {source}"),
            Self::Header(e) => e.fmt(f),
            Self::ContentType { value, reason } => write!(f, "content type {value:?}: {reason}"),
            Self::FileName { name, reason } => write!(f, "attachment name {name:?}: {reason}"),
            Self::Date => f.write_str("date before 1970 cannot be written"),
            Self::Random(e) => write!(f, "random source failed: {e}"),
            Self::HeaderTooLarge { limit } => {
                write!(f, "message header block is larger than {} KiB", limit / 1024)
            }
            Self::LineTooLong { line, len } => write!(
                f,
                "line {line} is {len} octets long; RFC 5322 allows at most 998 (re-encode the message)"
            ),
            Self::NoRecipients => f.write_str("the message names no recipient in To, Cc or Bcc"),
            Self::Spool(e) => write!(f, "cannot buffer standard input in a temporary file: {e}"),
        }
    }
}

impl std::error::Error for ComposeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::FileUnavailable { source, .. }
            | Self::Read { source, .. }
            | Self::Spool(source) => Some(source),
            Self::Address { source, .. } => Some(source),
            Self::Header(e) => Some(e),
            _ => None,
        }
    }
}

impl From<HeaderError> for ComposeError {
    fn from(e: HeaderError) -> Self {
        Self::Header(e)
    }
}
