//! Composing messages for `smtpx send`: RFC 5322 header fields and MIME structure (RFC
//! 2045-2049, 2047, 2183, 2231), and raw messages for `--raw`. Pure and streaming: no network,
//! and no file is ever held whole in memory.
//!
//! The flow: the CLI's plan step builds a [`MessageSpec`] (addresses parsed with
//! [`Mailbox::parse`] / [`parse_mailbox_list`], `--header` with [`parse_user_header`]);
//! [`ComposedMessage::compose`] validates it and measures the files once; the engine takes
//! [`ComposedMessage::size`] for `SIZE=` and a progress bar, then streams
//! [`ComposedMessage::reader`] through its dot-stuffing writer. Every line produced ends in CRLF
//! and is at most 998 octets; bodies are always 7bit, quoted-printable or base64.
//!
//! This module must not touch sockets, print, or know about the CLI's flags beyond the hints
//! in its error messages.

pub mod address;
pub mod crlf;
pub mod encoding;
pub mod error;
pub mod header;
pub mod mime;
pub mod raw;
mod stream;

pub use address::{AddressError, AddressErrorKind, EmailAddress, Mailbox, parse_mailbox_list};
pub use crlf::{CrlfNormalizer, CrlfReader};
pub use encoding::TransferEncoding;
pub use error::ComposeError;
pub use header::{HeaderError, parse_user_header};
pub use mime::{AttachmentSpec, BodySource, ComposedMessage, MessageSpec, PartSummary};
pub use raw::{RawMessage, RawOptions};
pub use stream::{MessageReader, TempFile};

#[cfg(test)]
mod testutil;
