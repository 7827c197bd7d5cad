//! Nothing lost: a message that could not be delivered, and that exists nowhere else (composed
//! from arguments or read from standard input), is written to a file the error names. Default:
//! `$XDG_STATE_HOME/smtpx/failed/<UTC timestamp>.eml`, else `~/.local/state/...`; the directory
//! is private (0700) and so is the file (0600), which is never overwritten.

use std::ffi::OsStr;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::plan::SaveTarget;
use crate::civil::civil_from_days;
use crate::delivery::Outgoing;

/// Writes the message (as it would have been sent, before dot-stuffing) and returns the path.
pub fn save(message: &Outgoing, target: &SaveTarget) -> io::Result<PathBuf> {
    let (dir, name) = match target {
        SaveTarget::Never => return Err(io::Error::other("nothing to save")),
        SaveTarget::Path(path) if path.is_dir() => (path.clone(), None),
        SaveTarget::Path(path) => (PathBuf::new(), Some(path.clone())),
        SaveTarget::Default => {
            let state = state_dir(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
                .ok_or_else(|| io::Error::other("neither XDG_STATE_HOME nor HOME is set"))?;
            (state.join("smtpx").join("failed"), None)
        }
    };
    let (mut file, path) = match name {
        Some(path) => (create(&path)?, path),
        None => {
            DirBuilder::new().recursive(true).mode(0o700).create(&dir)?;
            create_unique(&dir, &timestamp(SystemTime::now()))?
        }
    };
    let mut reader = message.reader().map_err(io::Error::other)?;
    if let Err(e) = io::copy(&mut reader, &mut file).and_then(|_| file.sync_all()) {
        // A partial copy would look like the message; better no file than a wrong one.
        let _ = fs::remove_file(&path);
        return Err(e);
    }
    Ok(path)
}

/// The XDG state directory: `$XDG_STATE_HOME` when absolute, else `$HOME/.local/state`.
pub fn state_dir(
    xdg: Option<impl AsRef<OsStr>>,
    home: Option<impl AsRef<OsStr>>,
) -> Option<PathBuf> {
    let xdg = xdg.map(|x| PathBuf::from(x.as_ref())).filter(|p| p.is_absolute());
    let home = home.map(|h| PathBuf::from(h.as_ref())).filter(|h| !h.as_os_str().is_empty());
    match (xdg, home) {
        (Some(xdg), _) => Some(xdg),
        (None, Some(home)) => Some(home.join(".local").join("state")),
        (None, None) => None,
    }
}

/// `20261125T160555Z`.
pub fn timestamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

fn create(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

/// `<stamp>.eml`, or `<stamp>-2.eml` and so on when several failures share a second.
fn create_unique(dir: &Path, stamp: &str) -> io::Result<(File, PathBuf)> {
    for n in 1..1000 {
        let name = if n == 1 { format!("{stamp}.eml") } else { format!("{stamp}-{n}.eml") };
        let path = dir.join(name);
        match create(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "too many saved messages in this second"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{RawMessage, RawOptions};
    use crate::testutil::TempDir;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    #[test]
    fn state_dir_follows_xdg() {
        assert_eq!(state_dir(Some("/x/state"), Some("/home/a")), Some("/x/state".into()));
        assert_eq!(
            state_dir(Some("relative"), Some("/home/a")),
            Some("/home/a/.local/state".into())
        );
        assert_eq!(state_dir(None::<&str>, None::<&str>), None);
    }

    #[test]
    fn timestamps_are_compact_utc() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_622_755);
        assert_eq!(timestamp(t), "20261125T160555Z");
    }

    #[test]
    fn saved_files_are_private_and_never_overwritten() {
        let dir = TempDir::new("saved");
        let raw = RawMessage::from_reader(&b"Subject: x\n\nbody\n"[..], RawOptions::default());
        let message = Outgoing::Raw(raw.unwrap());
        let target = SaveTarget::Path(dir.path().to_path_buf());
        let first = save(&message, &target).unwrap();
        let second = save(&message, &target).unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read(&first).unwrap(), b"Subject: x\r\n\r\nbody\r\n");
        assert_eq!(fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o600);
        let named = SaveTarget::Path(dir.path().join("m.eml"));
        assert_eq!(save(&message, &named).unwrap(), dir.path().join("m.eml"));
        assert!(save(&message, &named).is_err());
    }
}
