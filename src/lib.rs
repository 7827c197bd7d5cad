//! smtpx: an SMTP client and diagnostic tool.
//!
//! The library holds everything; `main.rs` only parses the command line, calls
//! [`commands::run`] and turns the outcome into an exit code. The layers, from the user inward:
//!
//! - [`cli`]: clap structs, plain data with no side effects.
//! - [`plan`]: validation of user input before any socket opens (nothing is ever half-sent).
//! - [`commands`]: one module per subcommand, each drives the engine and the output layer.
//! - [`account`]: credentials, profiles and the AUTH policy, for the commands that log in; it
//!   builds on [`credentials`] (password sources), [`config`] (profile files) and [`secret`]
//!   (a string that cannot be printed by accident).
//! - [`tls_policy`]: when TLS is implicit or required, and the STARTTLS step, for every session.
//! - [`smtp`]: the synchronous SMTP engine. It never prints; it emits [`smtp::event::Event`]s.
//! - [`delivery`]: sending one message with the engine: routes, MX order, extensions, results.
//! - [`message`]: composing RFC 5322/MIME messages (or taking raw ones), streamed with exact sizes.
//! - [`explain`]: the offline analysis of a reply code or bounce line.
//! - [`output`]: renders events and reports as text, tables or JSON. It never touches a socket.
//! - [`dns`]: MX and address lookups behind synchronous functions.
//! - [`exit`]: the documented exit codes and the mapping from errors to them.
//! - [`civil`]: UTC calendar arithmetic for dates in messages, certificates and file names.

pub mod account;
pub mod civil;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod delivery;
pub mod dns;
pub mod exit;
pub mod explain;
pub mod message;
pub mod output;
pub mod plan;
pub mod secret;
pub mod smtp;
#[cfg(test)]
mod testutil;
pub mod tls_policy;
