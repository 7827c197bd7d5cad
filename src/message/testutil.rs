//! Test helpers shared by the message module's tests: temporary directories, reading a stream
//! with a small fixed buffer, wire-form assertions, and a minimal MIME parser to read composed
//! messages back. Compiled only for tests; it must not be used by production code.

use std::io::{self, Read};

use base64::Engine as _;

use super::encoding::tests::qp_decode;

/// Temporary directories come from the crate-wide test helpers.
pub use crate::testutil::TempDir as TestDir;

/// Reads everything with a fixed small buffer, as the engine would.
pub fn read_with_buffer<R: Read>(mut reader: R, size: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; size];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// Every line ends with CRLF, no bare CR or LF, no line over 998 octets.
pub fn assert_wire_lines(message: &[u8]) {
    assert!(message.is_empty() || message.ends_with(b"\r\n"), "message does not end with CRLF");
    let mut line_len = 0usize;
    for (i, &b) in message.iter().enumerate() {
        match b {
            b'\r' => assert_eq!(message.get(i + 1), Some(&b'\n'), "bare CR at {i}"),
            b'\n' => {
                assert!(i > 0 && message[i - 1] == b'\r', "bare LF at {i}");
                line_len = 0;
            }
            _ => {
                line_len += 1;
                assert!(line_len <= 998, "line over 998 octets at {i}");
            }
        }
    }
}

/// A MIME entity read back: unfolded header fields, raw body, and children for multiparts.
#[derive(Debug)]
pub struct Entity {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub children: Vec<Entity>,
}

impl Entity {
    /// The value of the first field named `name` (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }

    pub fn count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }

    /// The body with its transfer encoding undone.
    pub fn decoded(&self) -> Vec<u8> {
        match self.header("Content-Transfer-Encoding").unwrap_or("7bit") {
            "7bit" => self.body.clone(),
            "quoted-printable" => qp_decode(&self.body),
            "base64" => {
                let compact: Vec<u8> =
                    self.body.iter().copied().filter(|b| !b"\r\n".contains(b)).collect();
                base64::engine::general_purpose::STANDARD.decode(compact).unwrap()
            }
            other => panic!("unexpected encoding {other}"),
        }
    }
}

/// Parses a message (or part) strictly as smtpx writes it.
pub fn parse_entity(data: &[u8]) -> Entity {
    let (head, body) = match find(data, b"\r\n\r\n") {
        Some(i) => (&data[..i + 2], &data[i + 4..]),
        None if data.starts_with(b"\r\n") => (&data[..0], &data[2..]),
        None => panic!("no header/body separator"),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    let head = std::str::from_utf8(head).unwrap();
    for line in head.split_terminator("\r\n") {
        if line.starts_with([' ', '\t']) {
            headers.last_mut().unwrap().1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_string(), value.to_string()));
        }
    }
    let mut entity = Entity { headers, body: body.to_vec(), children: Vec::new() };
    let content_type = entity.header("Content-Type").unwrap_or("text/plain").to_string();
    if content_type.starts_with("multipart/") {
        let boundary = content_type.split("boundary=\"").nth(1).unwrap().split('"').next().unwrap();
        entity.children = split_multipart(body, boundary).iter().map(|p| parse_entity(p)).collect();
    }
    entity
}

/// Splits a multipart body at its delimiters (RFC 2046 §5.1.1); asserts the close delimiter.
fn split_multipart<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delimiter = format!("\r\n--{boundary}");
    let first = format!("--{boundary}\r\n");
    // The first delimiter may open the body without a CRLF before it.
    let mut rest = if body.starts_with(first.as_bytes()) {
        &body[first.len() - 2..]
    } else {
        let at = find(body, delimiter.as_bytes()).expect("first delimiter");
        &body[at + delimiter.len()..]
    };
    let mut parts = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix(b"--") {
            assert!(after.is_empty() || after == b"\r\n", "text after close delimiter");
            return parts;
        }
        let content = rest.strip_prefix(b"\r\n").expect("CRLF after delimiter");
        let end = find(content, delimiter.as_bytes()).expect("next delimiter");
        parts.push(&content[..end]);
        rest = &content[end + delimiter.len()..];
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
