//! A small, independent MIME reader for checking what smtpx sent (DATA content) or what a real
//! server delivered (Maildir files, LF line endings): header fields unfolded, multiparts split
//! at their boundary, bodies decoded from base64 or quoted-printable, RFC 2231 file names and
//! RFC 2047 words decoded. Written apart from `src/message/` so the tests do not check the
//! composer with its own logic.

use base64::Engine as _;

/// One MIME entity: its header fields, its raw body and, for a multipart, its parts.
#[derive(Debug, Clone)]
pub struct Entity {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub parts: Vec<Entity>,
}

impl Entity {
    /// Parses a message or body part; CRLF and LF line endings both work.
    pub fn parse(data: &[u8]) -> Entity {
        let text = normalize(data);
        let (head, body) = match find(&text, b"\n\n") {
            Some(i) => (&text[..i + 1], text[i + 2..].to_vec()),
            None => (&text[..], Vec::new()),
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in String::from_utf8_lossy(head).lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push_str(line);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.to_string(), value.trim().to_string()));
            }
        }
        let mut entity = Entity { headers, body, parts: Vec::new() };
        if let Some(boundary) = entity.param("Content-Type", "boundary") {
            entity.parts =
                split(&entity.body, &boundary).iter().map(|p| Entity::parse(p)).collect();
        }
        entity
    }

    /// The first field with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// How many fields have this name.
    pub fn count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }

    /// `type/subtype`, lower case.
    pub fn content_type(&self) -> String {
        let value = self.header("Content-Type").unwrap_or("text/plain");
        value.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
    }

    /// A parameter of a field, with RFC 2231 continuations and charset decoding applied.
    pub fn param(&self, field: &str, name: &str) -> Option<String> {
        let value = self.header(field)?;
        let params = split_params(value);
        if let Some((_, v)) = params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
            return Some(v.clone());
        }
        let mut pieces: Vec<(usize, String)> = Vec::new();
        for (key, v) in &params {
            let key = key.to_ascii_lowercase();
            let Some(rest) = key.strip_prefix(&format!("{}*", name.to_ascii_lowercase())) else {
                continue;
            };
            let index = rest.trim_end_matches('*').parse().unwrap_or(0);
            let v = v.split_once("''").map_or(v.as_str(), |(_, v)| v);
            pieces.push((index, v.to_string()));
        }
        if pieces.is_empty() {
            return None;
        }
        pieces.sort();
        let joined: String = pieces.into_iter().map(|(_, v)| v).collect();
        Some(String::from_utf8(percent_decode(&joined)).expect("UTF-8 parameter"))
    }

    /// The body with its Content-Transfer-Encoding undone.
    pub fn decoded(&self) -> Vec<u8> {
        let encoding = self.header("Content-Transfer-Encoding").unwrap_or("7bit");
        match encoding.to_ascii_lowercase().as_str() {
            "base64" => {
                let compact: Vec<u8> =
                    self.body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
                base64::engine::general_purpose::STANDARD.decode(compact).expect("valid base64")
            }
            "quoted-printable" => qp_decode(&self.body),
            _ => self.body.clone(),
        }
    }

    /// The leaf parts, depth first.
    pub fn leaves(&self) -> Vec<&Entity> {
        if self.parts.is_empty() {
            return vec![self];
        }
        self.parts.iter().flat_map(Entity::leaves).collect()
    }
}

/// Decodes RFC 2047 encoded words (B and Q, any charset assumed UTF-8) in a header value.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for word in value.split_whitespace() {
        let decoded = word.strip_prefix("=?").and_then(|w| w.strip_suffix("?=")).and_then(|w| {
            let mut it = w.splitn(3, '?');
            let (_, kind, text) = (it.next()?, it.next()?, it.next()?);
            let bytes = match kind {
                "B" | "b" => base64::engine::general_purpose::STANDARD.decode(text).ok()?,
                _ => qp_decode(text.replace('_', " ").as_bytes()),
            };
            String::from_utf8(bytes).ok()
        });
        match decoded {
            Some(text) => {
                if !out.is_empty() && !last_encoded {
                    out.push(' ');
                }
                out.push_str(&text);
                last_encoded = true;
            }
            None => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
                last_encoded = false;
            }
        }
    }
    out
}

fn normalize(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(data[i]);
        i += 1;
    }
    out
}

/// The byte offset of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts between `--boundary` lines, without the line break before each delimiter.
fn split(body: &[u8], boundary: &str) -> Vec<Vec<u8>> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for line in body.split_inclusive(|&b| b == b'\n') {
        let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
        if trimmed == format!("{delimiter}--").as_bytes() {
            if let Some(part) = current.take() {
                parts.push(part);
            }
            break;
        }
        if trimmed == delimiter.as_bytes() {
            if let Some(part) = current.take() {
                parts.push(part);
            }
            current = Some(Vec::new());
            continue;
        }
        if let Some(part) = current.as_mut() {
            part.extend_from_slice(line);
        }
    }
    for part in &mut parts {
        // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        if part.ends_with(b"\n") {
            part.pop();
        }
    }
    parts
}

/// `type/sub; a=1; b="x;y"` → [("a","1"), ("b","x;y")].
fn split_params(value: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut items = Vec::new();
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    items.push(current);
    for item in items.into_iter().skip(1) {
        if let Some((k, v)) = item.split_once('=') {
            params.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    params
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn qp_decode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'=' if data.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if data.get(i + 1) == Some(&b'\r') && data.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' if i + 3 <= data.len() => {
                let hex = std::str::from_utf8(&data[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'=');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}
