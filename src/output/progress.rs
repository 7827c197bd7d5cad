//! Progress on stderr (indicatif): live status lines while work runs concurrently (one spinner
//! line per task, e.g. one per probed port), and the byte bar of a large message being sent.
//!
//! Only on a terminal: the caller decides once ([`LiveStatus::new`]); a disabled status takes the
//! same code path and draws nothing, so piped or redirected output never carries escape codes.
//! Text passed in is sanitized here, since callers may quote a host name from DNS. It must not
//! touch stdout, where reports and JSON go.

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::sanitize::terminal_safe;

/// A set of live status lines, or nothing when disabled.
pub struct LiveStatus {
    multi: Option<MultiProgress>,
    colour: bool,
}

impl LiveStatus {
    /// Draws on stderr when `enabled` (stderr is a terminal and the user did not ask for quiet);
    /// bold labels only when `colour` (the `--color`/NO_COLOR decision for stderr).
    pub fn new(enabled: bool, colour: bool) -> LiveStatus {
        let multi = enabled
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10)));
        LiveStatus { multi, colour }
    }

    /// Adds a line labelled `label` (e.g. `127.0.0.1:587`).
    pub fn line(&self, label: &str) -> StatusLine {
        let Some(multi) = &self.multi else { return StatusLine { bar: None } };
        let template = if self.colour {
            "{spinner} {prefix:.bold} {wide_msg}"
        } else {
            "{spinner} {prefix} {wide_msg}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = multi.add(ProgressBar::new_spinner().with_style(style));
        bar.set_prefix(terminal_safe(label));
        bar.enable_steady_tick(Duration::from_millis(120));
        StatusLine { bar: Some(bar) }
    }

    /// Removes every line, so the report printed next starts on a clean screen.
    pub fn clear(&self) {
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
    }
}

/// One task's live line. Cheap to share across a thread boundary by reference.
pub struct StatusLine {
    bar: Option<ProgressBar>,
}

impl StatusLine {
    /// Shows what the task is doing now.
    pub fn set(&self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(terminal_safe(text));
        }
    }

    /// Shows the outcome and stops the spinner.
    pub fn finish(&self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_with_message(terminal_safe(text));
        }
    }
}

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
