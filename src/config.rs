//! Account profiles from the config file (`$XDG_CONFIG_HOME/smtpx/config.toml`, or
//! `--config PATH`): where the file is, parsing it strictly (unknown keys and bad values are
//! errors that point at line and column), refusing a file that stores a password where other
//! users can read it, and expanding `~` in paths.
//!
//! It owns only the file and the [`Profile`] it yields. It must not merge a profile with the
//! command line (beyond [`Profile::secret_sources`]), open a connection, read a password file or
//! run a password command (that is [`crate::credentials`]), and no error or `Debug` string it
//! builds may contain a stored password.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use zeroize::Zeroizing;

use crate::credentials::{SecretKind, SecretSources, open_to_others};
use crate::plan::PlanError;
use crate::secret::Secret;

/// A config file larger than this is certainly not a list of accounts.
const MAX_CONFIG_LEN: u64 = 1024 * 1024;

/// The `tls` values, the same as `--tls` accepts.
pub const TLS_MODES: &[&str] = &["auto", "starttls", "implicit", "opportunistic", "none"];

/// The `mech` values: `auto` or a SASL mechanism smtpx implements, lower-cased (IANA "SASL
/// Mechanisms" registry names; the list mirrors `smtp::sasl::Mechanism`).
pub const MECHANISMS: &[&str] = &[
    "auto",
    "plain",
    "login",
    "cram-md5",
    "scram-sha-1",
    "scram-sha-256",
    "scram-sha-256-plus",
    "xoauth2",
    "oauthbearer",
    "external",
];

/// A minimal profile, shown when the file is missing or a profile is not found.
const EXAMPLE: &str = "[profiles.work]
    server = \"smtp.example.com:587\"
    user = \"alice@example.com\"
    password-command = \"pass show mail/work\"";

/// One `[profiles.NAME]` table. Every field is optional; command-line flags override them.
/// Paths are `~`-expanded and, when relative, taken from the config file's directory; `tls` and
/// `mech` are checked and lower-cased.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Profile {
    /// `HOST` or `HOST:PORT`.
    pub server: Option<String>,
    /// The port, 1-65535.
    #[serde(default, deserialize_with = "port_number")]
    pub port: Option<u16>,
    /// One of [`TLS_MODES`].
    #[serde(default, deserialize_with = "tls_mode")]
    pub tls: Option<String>,
    /// The SASL user name.
    pub user: Option<String>,
    /// A command whose first line of output is the password (`pass show mail/work`).
    pub password_command: Option<String>,
    /// A file whose first line is the password.
    pub password_file: Option<PathBuf>,
    /// The password itself: allowed, but only in a file no one else can read.
    #[serde(default, deserialize_with = "secret_value")]
    pub password: Option<Secret>,
    /// The envelope sender (and From: header) to use.
    pub from: Option<String>,
    /// The name to announce in EHLO.
    pub ehlo: Option<String>,
    /// Extra trust anchors (PEM).
    pub ca_file: Option<PathBuf>,
    /// One of [`MECHANISMS`].
    #[serde(default, deserialize_with = "mechanism")]
    pub mech: Option<String>,
    /// The profile's name (the `NAME` in `[profiles.NAME]`), filled in after parsing.
    #[serde(skip)]
    pub name: String,
    /// The config file it came from, filled in after parsing.
    #[serde(skip)]
    pub path: PathBuf,
}

/// The whole file: nothing but profiles, so a misspelt table is an error too.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

impl Profile {
    /// The credential sources for this profile. A `--password-file` or `--password-command`
    /// given on the command line replaces all of the profile's sources (so a flag of one kind
    /// never collides with the profile's other kind); otherwise the profile's are used.
    pub fn secret_sources(
        &self,
        kind: SecretKind,
        file: Option<PathBuf>,
        command: Option<String>,
        prompt: bool,
    ) -> SecretSources {
        let mut sources = SecretSources::new(kind, prompt);
        if file.is_some() || command.is_some() {
            sources.file = file;
            sources.command = command;
        } else {
            sources.file = self.password_file.clone();
            sources.command = self.password_command.clone();
            sources.stored = self.password.clone().map(|secret| (secret, self.path.clone()));
        }
        sources
    }
}

/// `$XDG_CONFIG_HOME/smtpx/config.toml`, else `~/.config/smtpx/config.toml`; `None` when
/// neither variable is usable.
pub fn default_config_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME");
    let home = std::env::var_os("HOME");
    default_config_path_from(xdg.as_deref(), home.as_deref())
}

/// [`default_config_path`] with the environment passed in. The XDG Base Directory spec says a
/// relative `XDG_CONFIG_HOME` is invalid and must be ignored, like an empty one.
pub fn default_config_path_from(xdg: Option<&OsStr>, home: Option<&OsStr>) -> Option<PathBuf> {
    let xdg = xdg.map(Path::new).filter(|path| path.is_absolute());
    let base = match (xdg, home.filter(|h| !h.is_empty())) {
        (Some(xdg), _) => xdg.to_path_buf(),
        (None, Some(home)) => Path::new(home).join(".config"),
        (None, None) => return None,
    };
    Some(base.join("smtpx").join("config.toml"))
}

/// Loads profile `name` from `explicit_path` (`--config`) or the default file.
///
/// Errors: an explicit file that is missing is NoInput (66); a missing default file, an
/// unknown profile, a syntax error or bad value (reported as `PATH:LINE:COL: ...`), and a file
/// holding a password that others can read are Config (78).
pub fn load_profile(name: &str, explicit_path: Option<&Path>) -> Result<Profile, PlanError> {
    let home = std::env::var_os("HOME");
    match explicit_path {
        Some(path) => load_profile_at(name, path, true, home.as_deref()),
        None => {
            let path = default_config_path().ok_or_else(|| {
                PlanError::config(
                    format!(
                        "cannot find the config file for --profile {name}: \
                         neither XDG_CONFIG_HOME nor HOME is set"
                    ),
                    "give the file with --config PATH",
                )
            })?;
            load_profile_at(name, &path, false, home.as_deref())
        }
    }
}

/// [`load_profile`] with the file and `$HOME` passed in.
fn load_profile_at(
    name: &str,
    path: &Path,
    explicit: bool,
    home: Option<&OsStr>,
) -> Result<Profile, PlanError> {
    let (text, metadata) = read_config(name, path, explicit)?;
    let mut file = parse(path, &text)?;
    if file.profiles.values().any(|profile| profile.password.is_some())
        && let Some(mode) = open_to_others(&metadata)
    {
        return Err(PlanError::config(
            format!(
                "{} stores a password and can be read by other users (mode {mode:04o}); \
                 refusing to use it",
                path.display()
            ),
            format!("chmod 600 {}", path.display()),
        ));
    }
    let Some(mut profile) = file.profiles.remove(name) else {
        return Err(unknown_profile(name, path, file.profiles.keys()));
    };
    profile.name = name.to_string();
    profile.path = path.to_path_buf();
    profile.finish(home)?;
    Ok(profile)
}

/// Reads the file (bounded, UTF-8) into a buffer wiped on drop, since it may hold a password.
fn read_config(
    name: &str,
    path: &Path,
    explicit: bool,
) -> Result<(Zeroizing<String>, Metadata), PlanError> {
    let unreadable = |err: &io::Error| PlanError::file("config file", path, err);
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound && !explicit => {
            return Err(PlanError::config(
                format!("--profile {name}: there is no config file at {}", path.display()),
                format!("create {} with the profile, for example:\n    {EXAMPLE}", path.display()),
            ));
        }
        Err(err) if explicit => return Err(PlanError::file("--config", path, &err)),
        Err(err) => return Err(unreadable(&err)),
    };
    // The open file's own metadata, so the permissions checked are those of the file read.
    let metadata = file.metadata().map_err(|e| unreadable(&e))?;
    let expected = metadata.len().min(MAX_CONFIG_LEN) as usize + 1;
    let mut bytes = Zeroizing::new(Vec::with_capacity(expected));
    file.take(MAX_CONFIG_LEN + 1).read_to_end(&mut bytes).map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > MAX_CONFIG_LEN {
        return Err(PlanError::config(
            format!("{} is larger than {MAX_CONFIG_LEN} bytes", path.display()),
            "point --config at the smtpx config file",
        ));
    }
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok((Zeroizing::new(text), metadata)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            drop(Zeroizing::new(err.into_bytes()));
            Err(PlanError::config(
                format!("{}: byte {at} is not valid UTF-8", path.display()),
                "save the file as UTF-8",
            ))
        }
    }
}

/// Parses the TOML, turning toml's byte span into `PATH:LINE:COL: message`. Only the error's
/// message is used: its `Display` quotes the source line, which may hold a password.
fn parse(path: &Path, text: &str) -> Result<ConfigFile, PlanError> {
    toml::from_str(text).map_err(|err: toml::de::Error| {
        let message = err.message().trim().replace('\n', "; ");
        let location = match err.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                format!("{}:{line}:{column}", path.display())
            }
            None => path.display().to_string(),
        };
        PlanError::config(
            format!("{location}: {message}"),
            format!("a profile looks like this:\n    {EXAMPLE}"),
        )
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut cut = offset.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn unknown_profile<'a>(
    name: &str,
    path: &Path,
    names: impl Iterator<Item = &'a String>,
) -> PlanError {
    let names: Vec<&str> = names.map(String::as_str).collect();
    let hint = if names.is_empty() {
        format!("the file defines no profiles; add one, for example:\n    {EXAMPLE}")
    } else {
        format!("profiles in that file: {}", names.join(", "))
    };
    PlanError::config(format!("no profile {name:?} in {}", path.display()), hint)
}

impl Profile {
    /// Checks what spans cannot (how the fields fit together) and expands paths.
    fn finish(&mut self, home: Option<&OsStr>) -> Result<(), PlanError> {
        let here = format!("{}: profile {:?}", self.path.display(), self.name);
        let given: Vec<&str> = [
            ("password", self.password.is_some()),
            ("password-file", self.password_file.is_some()),
            ("password-command", self.password_command.is_some()),
        ]
        .iter()
        .filter(|(_, set)| *set)
        .map(|(key, _)| *key)
        .collect();
        if given.len() > 1 {
            return Err(PlanError::config(
                format!("{here} sets both {}", given.join(" and ")),
                "keep one way of getting the password",
            ));
        }
        if self.password.as_ref().is_some_and(Secret::is_empty) {
            return Err(PlanError::config(
                format!("{here}: password is empty"),
                "remove the line to be prompted, or use password-command",
            ));
        }
        let base = self.path.parent().unwrap_or(Path::new("")).to_path_buf();
        for (key, value) in
            [("password-file", &mut self.password_file), ("ca-file", &mut self.ca_file)]
        {
            if let Some(path) = value {
                *path = expand_path(path, home, &base).map_err(|why| {
                    PlanError::config(
                        format!("{here}: {key} {}: {why}", path.display()),
                        "write ~/PATH, an absolute path, or a path relative to the config file",
                    )
                })?;
            }
        }
        Ok(())
    }
}

/// Expands a leading `~` (alone or followed by `/`) to `home`, and makes a relative path
/// relative to `base` (the config file's directory) rather than to wherever smtpx runs.
fn expand_path(path: &Path, home: Option<&OsStr>, base: &Path) -> Result<PathBuf, String> {
    if let Ok(rest) = path.strip_prefix("~") {
        let home =
            home.filter(|h| !h.is_empty()).ok_or("HOME is not set, so ~ cannot be expanded")?;
        return Ok(Path::new(home).join(rest));
    }
    if path.as_os_str().as_encoded_bytes().starts_with(b"~") {
        return Err("only ~/ is expanded (not ~user/)".into());
    }
    Ok(if path.is_absolute() { path.to_path_buf() } else { base.join(path) })
}

/// A string from a fixed set, compared without regard to ASCII case and stored lower-cased.
/// The error is raised inside deserialization so toml attaches the value's position.
fn one_of<'de, D: Deserializer<'de>>(
    deserializer: D,
    what: &str,
    allowed: &[&str],
) -> Result<Option<String>, D::Error> {
    let value = String::deserialize(deserializer)?;
    let lower = value.to_ascii_lowercase();
    if allowed.contains(&lower.as_str()) {
        return Ok(Some(lower));
    }
    Err(de::Error::custom(format!(
        "unknown {what} {value:?}, expected one of {}",
        allowed.join(", ")
    )))
}

fn tls_mode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    one_of(deserializer, "tls mode", TLS_MODES)
}

fn mechanism<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    one_of(deserializer, "mechanism", MECHANISMS)
}

fn port_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u16>, D::Error> {
    match i64::deserialize(deserializer)? {
        port @ 1..=65535 => Ok(u16::try_from(port).ok()),
        port => Err(de::Error::custom(format!("port {port} is out of range, expected 1-65535"))),
    }
}

/// Reads a password straight into a [`Secret`]. A value of the wrong type gets an error that
/// does not quote it (serde's default would print `invalid type: integer `1234``).
fn secret_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Secret>, D::Error> {
    deserializer.deserialize_any(SecretVisitor).map(Some)
}

struct SecretVisitor;

/// The one error for every non-string password.
const NOT_A_STRING: &str = "password must be a string in quotes";

impl<'de> Visitor<'de> for SecretVisitor {
    type Value = Secret;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Secret, E> {
        Ok(Secret::new(value))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Secret, E> {
        Ok(Secret::new(value))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
    fn visit_char<E: de::Error>(self, _: char) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        Err(de::Error::custom(NOT_A_STRING))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        Err(de::Error::custom(NOT_A_STRING))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlanErrorKind;
    use crate::testutil::{TempDir, write_file};

    /// Recognisable, so any leak into a message is caught.
    const SECRET: &str = "Tr0ub4dor&3-correct-horse";

    const FULL: &str = r#"# accounts
[profiles.work]
server = "smtp.example.com"
port = 587
tls = "STARTTLS"
user = "alice@example.com"
password-command = "pass show mail/work"
from = "Alice <alice@example.com>"
ehlo = "laptop.example.com"
ca-file = "~/certs/work.pem"
mech = "SCRAM-SHA-256"

[profiles.personal]
server = "mail.example.org:465"
password-file = "personal.pass"
"#;

    fn home() -> Option<&'static OsStr> {
        Some(OsStr::new("/home/alice"))
    }

    fn load(name: &str, path: &Path) -> Result<Profile, PlanError> {
        load_profile_at(name, path, true, home())
    }

    #[test]
    fn full_profile_is_parsed_and_normalised() {
        let dir = TempDir::new("cfg-full");
        let path = write_file(&dir, "config.toml", FULL.as_bytes(), 0o644);
        let work = load("work", &path).unwrap();
        assert_eq!(work.server.as_deref(), Some("smtp.example.com"));
        assert_eq!(work.port, Some(587));
        assert_eq!(work.tls.as_deref(), Some("starttls"));
        assert_eq!(work.user.as_deref(), Some("alice@example.com"));
        assert_eq!(work.password_command.as_deref(), Some("pass show mail/work"));
        assert_eq!(work.from.as_deref(), Some("Alice <alice@example.com>"));
        assert_eq!(work.ehlo.as_deref(), Some("laptop.example.com"));
        assert_eq!(work.ca_file, Some(PathBuf::from("/home/alice/certs/work.pem")));
        assert_eq!(work.mech.as_deref(), Some("scram-sha-256"));
        assert!(work.password.is_none() && work.password_file.is_none());
        assert_eq!((work.name.as_str(), work.path.as_path()), ("work", path.as_path()));
        let personal = load("personal", &path).unwrap();
        assert_eq!(personal.password_file, Some(dir.join("personal.pass")));
        assert_eq!(personal.tls, None);
    }

    #[test]
    fn unknown_field_points_at_line_and_column() {
        let dir = TempDir::new("cfg-typo");
        let text = FULL.replace("password-command", "pasword");
        let path = write_file(&dir, "config.toml", text.as_bytes(), 0o600);
        let err = load("personal", &path).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        let expected = format!("{}:7:1: unknown field `pasword`, expected one of", path.display());
        assert!(err.message.starts_with(&expected), "{}", err.message);
        assert!(err.message.contains("`password-command`"), "{}", err.message);
    }

    #[test]
    fn bad_tls_mech_and_port_name_the_allowed_values() {
        let dir = TempDir::new("cfg-values");
        let cases = [
            (
                "tls = \"startls\"",
                "2:7: unknown tls mode \"startls\", expected one of auto, starttls",
            ),
            (
                "mech = \"digest-md5\"",
                "2:8: unknown mechanism \"digest-md5\", expected one of auto, plain",
            ),
            ("port = 0", "2:8: port 0 is out of range, expected 1-65535"),
            ("port = 70000", "2:8: port 70000 is out of range"),
            ("[profiles.x.extra]", "2:"),
        ];
        for (line, expected) in cases {
            let text = format!("[profiles.x]\n{line}\n");
            let path = write_file(&dir, "config.toml", text.as_bytes(), 0o600);
            let err = load("x", &path).unwrap_err();
            assert_eq!(err.kind, PlanErrorKind::Config, "{line}");
            let expected = format!("{}:{expected}", path.display());
            assert!(err.message.starts_with(&expected), "{line}: {}", err.message);
        }
    }

    #[test]
    fn unknown_profile_lists_the_existing_ones() {
        let dir = TempDir::new("cfg-unknown");
        let path = write_file(&dir, "config.toml", FULL.as_bytes(), 0o600);
        let err = load("wrok", &path).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        assert_eq!(err.message, format!("no profile \"wrok\" in {}", path.display()));
        assert_eq!(err.hint.as_deref(), Some("profiles in that file: personal, work"));
        let empty = write_file(&dir, "empty.toml", b"# nothing yet\n", 0o600);
        let err = load("work", &empty).unwrap_err();
        assert!(err.hint.unwrap_or_default().contains("[profiles.work]"));
    }

    #[test]
    fn readable_file_with_a_password_is_refused() {
        let dir = TempDir::new("cfg-perm");
        let text = format!("[profiles.a]\nuser = \"a\"\n\n[profiles.b]\npassword = \"{SECRET}\"\n");
        for mode in [0o644, 0o640, 0o604, 0o660] {
            let path = write_file(&dir, "config.toml", text.as_bytes(), mode);
            // Profile `a` has no password, but the file does: refused all the same.
            let err = load("a", &path).unwrap_err();
            assert_eq!(err.kind, PlanErrorKind::Config, "mode {mode:o}");
            assert!(err.message.contains("other users"), "{}", err.message);
            assert_eq!(err.hint.as_deref(), Some(format!("chmod 600 {}", path.display()).as_str()));
            assert!(!format!("{err:?}").contains(SECRET));
        }
        let path = write_file(&dir, "config.toml", text.as_bytes(), 0o600);
        let b = load("b", &path).unwrap();
        assert_eq!(b.password.as_ref().map(Secret::expose), Some(SECRET));
        assert!(!format!("{b:?}").contains(SECRET), "{b:?}");
    }

    #[test]
    fn readable_file_without_a_password_is_accepted() {
        let dir = TempDir::new("cfg-open");
        let path = write_file(&dir, "config.toml", FULL.as_bytes(), 0o644);
        assert!(load("work", &path).is_ok());
    }

    #[test]
    fn password_errors_never_quote_the_value() {
        let dir = TempDir::new("cfg-leak");
        let lines = [
            "password = 918273645546372819".to_string(),
            format!("password = {SECRET}"),
            format!("password = [\"{SECRET}\"]"),
            format!("password = \"{SECRET}"),
            format!("password = \"{SECRET}\"\npassword = \"{SECRET}\""),
            format!("password = \"{SECRET}\"\npassword-file = \"x\""),
        ];
        for line in lines {
            let text = format!("[profiles.x]\n{line}\n");
            let path = write_file(&dir, "config.toml", text.as_bytes(), 0o600);
            let err = load("x", &path).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains(SECRET) && !shown.contains("918273645546372819"), "{shown}");
            assert!(err.message.contains(&path.display().to_string()), "{}", err.message);
        }
    }

    #[test]
    fn missing_files() {
        let dir = TempDir::new("cfg-missing");
        let path = dir.join("config.toml");
        let err = load_profile_at("work", &path, true, home()).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::NoInput);
        let err = load_profile_at("work", &path, false, home()).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        let hint = err.hint.unwrap_or_default();
        assert!(hint.contains(&path.display().to_string()), "{hint}");
        assert!(hint.contains("[profiles.work]"), "{hint}");
    }

    #[test]
    fn tilde_and_relative_paths_are_expanded() {
        let base = Path::new("/etc/smtpx");
        let expand = |p: &str| expand_path(Path::new(p), home(), base);
        assert_eq!(expand("~/a/b").unwrap(), PathBuf::from("/home/alice/a/b"));
        assert_eq!(expand("~").unwrap(), PathBuf::from("/home/alice"));
        assert_eq!(expand("/abs/x").unwrap(), PathBuf::from("/abs/x"));
        assert_eq!(expand("rel/x").unwrap(), PathBuf::from("/etc/smtpx/rel/x"));
        assert_eq!(expand("a/~/b").unwrap(), PathBuf::from("/etc/smtpx/a/~/b"));
        assert!(expand("~bob/x").unwrap_err().contains("~user"));
        assert!(expand_path(Path::new("~/x"), None, base).unwrap_err().contains("HOME"));
    }

    #[test]
    fn xdg_config_home_is_preferred_when_absolute() {
        let os = |s: &'static str| Some(OsStr::new(s));
        let expected = |s: &str| Some(PathBuf::from(s));
        assert_eq!(
            default_config_path_from(os("/x/cfg"), os("/home/a")),
            expected("/x/cfg/smtpx/config.toml")
        );
        assert_eq!(
            default_config_path_from(None, os("/home/a")),
            expected("/home/a/.config/smtpx/config.toml")
        );
        assert_eq!(
            default_config_path_from(os(""), os("/home/a")),
            expected("/home/a/.config/smtpx/config.toml")
        );
        assert_eq!(
            default_config_path_from(os("rel"), os("/home/a")),
            expected("/home/a/.config/smtpx/config.toml")
        );
        assert_eq!(default_config_path_from(os("/x"), None), expected("/x/smtpx/config.toml"));
        assert_eq!(default_config_path_from(None, os("")), None);
        assert_eq!(default_config_path_from(None, None), None);
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("é\néx", 5), (2, 2));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn command_line_sources_replace_the_profile_ones() {
        let profile = Profile {
            password: Some(Secret::new(SECRET)),
            path: PathBuf::from("/c.toml"),
            ..Profile::default()
        };
        let sources = profile.secret_sources(SecretKind::Password, None, None, true);
        assert!(sources.stored.is_some() && sources.file.is_none());
        let cli = profile.secret_sources(SecretKind::Password, None, Some("pass x".into()), true);
        assert!(cli.stored.is_none());
        assert_eq!(cli.command.as_deref(), Some("pass x"));
        let profile = Profile { password_file: Some("/p".into()), ..Profile::default() };
        let cli = profile.secret_sources(SecretKind::OAuthToken, None, Some("x".into()), false);
        assert!(cli.file.is_none(), "a flag and the profile's other kind must not collide");
        assert_eq!(cli.env_var, "SMTPX_TOKEN");
    }
}
