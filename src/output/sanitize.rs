//! Makes untrusted text (server replies, certificate fields, error messages that quote them)
//! safe for a terminal: control characters, C1 controls and bidirectional overrides are shown
//! as escapes instead of being interpreted. An ESC from a hostile banner must not recolour,
//! retitle or rewrite the user's terminal, and a U+202E must not reverse what they read.

/// Escapes every character a terminal would interpret. Tabs are kept (harmless, and common in
/// bounce text); everything else below U+0020, DEL, C1 and the bidi controls become `\x1b` or
/// `\u{202e}` forms.
pub fn terminal_safe(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    match c {
        '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidirectional controls (Unicode TR9): LRM, RLM, ALM, embeddings, overrides, isolates.
        '\u{200e}'
        | '\u{200f}'
        | '\u{061c}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// Escapes raw wire bytes for `-vv`: printable ASCII as is, CR and LF as `\r` `\n`, everything
/// else as `\xNN`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for &b in bytes {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_neutralised() {
        assert_eq!(terminal_safe("220 \x1b[31mred\x1b[0m"), "220 \\x1b[31mred\\x1b[0m");
        assert_eq!(terminal_safe("bell\x07 and nul\0"), "bell\\x07 and nul\\x00");
        assert_eq!(terminal_safe("c1 \u{9b}31m"), "c1 \\x9b31m");
    }

    #[test]
    fn bidi_overrides_are_visible() {
        assert_eq!(terminal_safe("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal_safe("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn ordinary_text_passes_unchanged() {
        let text = "250 mx.example.com Grüße 👋\tok";
        assert_eq!(terminal_safe(text), text);
    }

    #[test]
    fn raw_bytes_are_escaped() {
        assert_eq!(escape_bytes(b"250 ok\r\n"), "250 ok\\r\\n");
        assert_eq!(escape_bytes(b"\xff\x1b\\"), "\\xff\\x1b\\\\");
    }
}
