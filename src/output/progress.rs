//! The progress bar for sending a large message: on stderr, only when stderr is a terminal,
//! never with `-q`, and only for messages big enough to take a while. It is cleared when done,
//! so what remains on the screen is the report.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Messages smaller than this go out too fast for a bar to help.
pub const THRESHOLD: u64 = 1024 * 1024;

/// A bar, or nothing when it is not wanted.
#[derive(Debug)]
pub struct SendProgress {
    bar: Option<ProgressBar>,
}

impl SendProgress {
    /// A bar for a message of `size` octets when `wanted` (stderr is a terminal, not quiet)
    /// and the message is large.
    pub fn new(size: u64, wanted: bool) -> SendProgress {
        if !wanted || size < THRESHOLD {
            return SendProgress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
        let template = "sending [{bar:32}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}";
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        SendProgress { bar: Some(bar) }
    }

    /// `sent` octets of `total` are out (a new session may start again from 0).
    pub fn update(&self, sent: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(sent);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// True when a bar is drawn.
    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bar_for_small_messages_or_when_not_wanted() {
        assert!(!SendProgress::new(THRESHOLD - 1, true).is_shown());
        assert!(!SendProgress::new(THRESHOLD * 10, false).is_shown());
        assert!(SendProgress::new(THRESHOLD, true).is_shown());
    }
}
