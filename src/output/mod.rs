//! Everything a user sees: transcripts, reports, JSON, colours. It renders events and facts into
//! any `W: Write` (tests render into a `Vec<u8>`), and never touches a socket.

pub mod annotate;
pub mod json;
pub mod palette;
pub mod probe;
pub mod progress;
pub mod report;
pub mod sanitize;
pub mod transcript;

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: nothing but errors.
    Quiet,
    /// The default.
    Normal,
    /// `-v`: timings and detail.
    Verbose,
    /// `-vv`: raw bytes too.
    Raw,
}
