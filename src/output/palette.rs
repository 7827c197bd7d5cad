//! Colour, decided once: `--color`, `NO_COLOR` (<https://no-color.org>) and whether the stream is
//! a terminal. The plain palette takes the same code path with no styling, so output logic is
//! identical with and without colour.

use colored::{Color, Colorize};

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// What a piece of text is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A line smtpx sent (`C:`).
    Client,
    /// A 2xx reply.
    Success,
    /// A 3xx reply.
    Intermediate,
    /// A 4xx reply.
    Transient,
    /// A 5xx reply.
    Permanent,
    /// TLS facts.
    Tls,
    /// Observations (`·`).
    Note,
    /// Warnings.
    Warning,
    /// Secondary detail: timings, raw bytes, annotations.
    Dim,
    /// The final verdict when good.
    Good,
    /// The final verdict when bad.
    Bad,
}

/// Styles text, or deliberately does not.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    enabled: bool,
}

impl Palette {
    /// Decides once, from the flag, the environment and the stream.
    pub fn choose(choice: ColorChoice, is_terminal: bool) -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Palette::decide(choice, is_terminal, no_color)
    }

    /// The decision itself, free of the environment so it can be tested.
    pub fn decide(choice: ColorChoice, is_terminal: bool, no_color: bool) -> Palette {
        match choice {
            ColorChoice::Always => Palette::pretty(),
            ColorChoice::Never => Palette::plain(),
            ColorChoice::Auto if is_terminal && !no_color => Palette::pretty(),
            ColorChoice::Auto => Palette::plain(),
        }
    }

    /// Colours on.
    pub fn pretty() -> Palette {
        // colored checks the environment itself; we already decided, so override its guess.
        colored::control::set_override(true);
        Palette { enabled: true }
    }

    /// No styling at all.
    pub fn plain() -> Palette {
        Palette { enabled: false }
    }

    /// True when styling is on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The role for a reply code's class.
    pub fn reply_role(code: u16) -> Role {
        match code / 100 {
            2 => Role::Success,
            3 => Role::Intermediate,
            4 => Role::Transient,
            _ => Role::Permanent,
        }
    }

    /// The final verdict line of a command: `✓ text` in the good style, `✗ text` in the bad one.
    /// The text is escaped: it may quote a server or a host name.
    pub fn verdict(&self, ok: bool, text: &str) -> String {
        let (mark, role) = if ok { ("✓", Role::Good) } else { ("✗", Role::Bad) };
        self.paint(role, &format!("{mark} {}", super::sanitize::terminal_safe(text)))
    }

    /// Styles `text` for `role`.
    pub fn paint(&self, role: Role, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        let styled = match role {
            Role::Client => text.color(Color::Cyan),
            Role::Success => text.color(Color::Green),
            Role::Intermediate => text.color(Color::Blue),
            Role::Transient => text.color(Color::Yellow),
            Role::Permanent => text.color(Color::Red),
            Role::Tls => text.color(Color::Magenta),
            Role::Note => text.normal(),
            Role::Warning => text.color(Color::Yellow).bold(),
            Role::Dim => text.dimmed(),
            Role::Good => text.color(Color::Green).bold(),
            Role::Bad => text.color(Color::Red).bold(),
        };
        styled.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_palette_adds_nothing() {
        let p = Palette::plain();
        assert_eq!(p.paint(Role::Permanent, "550 no"), "550 no");
    }

    #[test]
    fn pretty_palette_adds_escape_codes() {
        let p = Palette::pretty();
        let s = p.paint(Role::Permanent, "550 no");
        assert!(s.starts_with("\x1b[") && s.contains("550 no"), "{s:?}");
    }

    #[test]
    fn no_color_turns_auto_off_even_on_a_terminal() {
        assert!(Palette::decide(ColorChoice::Auto, true, false).enabled());
        assert!(!Palette::decide(ColorChoice::Auto, true, true).enabled());
        assert!(Palette::decide(ColorChoice::Always, true, true).enabled());
    }

    #[test]
    fn never_wins_over_a_terminal() {
        assert!(!Palette::choose(ColorChoice::Never, true).enabled());
        assert!(Palette::choose(ColorChoice::Always, false).enabled());
        assert!(!Palette::choose(ColorChoice::Auto, false).enabled());
    }
}
