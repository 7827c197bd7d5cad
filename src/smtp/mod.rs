//! The synchronous SMTP engine.
//!
//! It owns the wire: connecting, reading and bounding replies, writing commands, STARTTLS and
//! implicit TLS. It never prints; everything a user may want to see is emitted as an
//! [`event::Event`] to an [`event::Observer`], and 4xx/5xx replies are returned as data so the
//! commands can explain them. It must not know about clap, colours or JSON.

pub mod auth;
pub mod client;
pub mod codes;
pub mod command;
pub mod data;
pub mod deadline;
pub mod error;
pub mod event;
pub mod extension;
pub mod reply;
pub mod sasl;
pub mod tls;
pub mod transport;

pub use client::{Client, SessionConfig};
pub use error::Error;
pub use reply::{EnhancedCode, Reply};
