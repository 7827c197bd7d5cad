//! [`Secret`]: a password or access token that cannot be printed by accident.
//!
//! It owns only the wrapping: `Debug` and `Display` print `<redacted>`, the value is reachable
//! through [`Secret::expose`] alone (so every use is greppable), and the heap buffer is wiped
//! when the secret is dropped. It must not know where secrets come from (prompt, file, command:
//! that is the credentials layer) and deliberately implements neither `Serialize` nor
//! `PartialEq` (a JSON report must never carry one, and `==` on secrets invites timing leaks).

use std::fmt;

use zeroize::Zeroizing;

/// What `Debug` and `Display` print in place of the value.
const REDACTED: &str = "<redacted>";

/// A password or token. Read it with [`Secret::expose`]; printing it shows `<redacted>`.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The value itself: the only way in, so every place that handles the cleartext is visible.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the value is the empty string (e.g. an empty password from a prompt).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "hunter2-Sup3rS3cret";

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::from(VALUE.to_string());
        let shown = format!("{secret:?} {secret:#?}");
        assert!(!shown.contains(VALUE), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn display_never_shows_the_value() {
        let secret = Secret::from(VALUE);
        let shown = format!("{secret} {secret:>40} {}", secret.clone());
        assert!(!shown.contains(VALUE), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn debug_of_a_containing_struct_stays_redacted() {
        #[derive(Debug)]
        #[allow(dead_code)] // read only through Debug
        struct Login {
            user: String,
            password: Secret,
        }
        let login = Login { user: "alice".into(), password: Secret::new(VALUE) };
        let shown = format!("{login:?}");
        assert!(shown.contains("alice"));
        assert!(!shown.contains(VALUE), "{shown}");
    }

    #[test]
    fn expose_returns_the_value() {
        let secret = Secret::new(VALUE);
        assert_eq!(secret.expose(), VALUE);
        assert_eq!(secret.clone().expose(), VALUE);
        assert!(!secret.is_empty());
        assert!(Secret::new("").is_empty());
    }
}
