//! A text or HTML body read from standard input (`--body-file -`). Standard input can be read
//! only once, but the composer reads a body twice (to measure it, then to send it), so it is
//! kept: in memory up to 8 MiB, beyond that in a private temporary file removed on drop.

use std::fs::File;
use std::io::{self, Read, Write};

use crate::message::{BodySource, TempFile};

/// Standard input up to this size stays in memory.
const IN_MEMORY: usize = 8 * 1024 * 1024;

/// A temporary copy of standard input, removed when dropped.
pub type SpooledStdin = TempFile;

/// Reads `input` whole; returns the body and, when it went to a file, the guard of that file.
/// A small body that is not UTF-8 is refused here; a spooled one by the composer.
pub fn read_body(mut input: impl Read) -> io::Result<(BodySource, Option<SpooledStdin>)> {
    let mut memory = Vec::new();
    (&mut input).take(IN_MEMORY as u64 + 1).read_to_end(&mut memory)?;
    if memory.len() <= IN_MEMORY {
        let text = String::from_utf8(memory)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"))?;
        return Ok((BodySource::Text(text), None));
    }
    let (mut file, guard) = create_private_file()?;
    file.write_all(&memory)?;
    io::copy(&mut input, &mut file)?;
    file.flush()?;
    Ok((BodySource::File(guard.path.clone()), Some(guard)))
}

/// A new file in the temporary directory that only this user can read (the body may be private).
fn create_private_file() -> io::Result<(File, SpooledStdin)> {
    TempFile::create("smtpx-body-", ".txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bodies_stay_in_memory() {
        let (body, guard) = read_body(&b"hello\n"[..]).unwrap();
        assert_eq!(body, BodySource::Text("hello\n".into()));
        assert!(guard.is_none());
        assert!(read_body(&b"\xff\xfe"[..]).is_err());
    }

    #[test]
    fn large_bodies_go_to_a_private_file_removed_on_drop() {
        let data = vec![b'x'; IN_MEMORY + 10];
        let (body, guard) = read_body(&data[..]).unwrap();
        let guard = guard.unwrap();
        assert_eq!(body, BodySource::File(guard.path().to_path_buf()));
        let meta = std::fs::metadata(guard.path()).unwrap();
        assert_eq!(meta.len(), data.len() as u64);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let path = guard.path().to_path_buf();
        drop(guard);
        assert!(!path.exists());
    }
}
