//! Live status lines on stderr while work runs concurrently (indicatif): one spinner line per
//! task, e.g. one per probed port, each showing what that task is doing now.
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
}

impl LiveStatus {
    /// Draws on stderr when `enabled` (stderr is a terminal and the user did not ask for quiet).
    pub fn new(enabled: bool) -> LiveStatus {
        let multi = enabled
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10)));
        LiveStatus { multi }
    }

    /// A status that draws nothing (tests, pipes).
    pub fn disabled() -> LiveStatus {
        LiveStatus { multi: None }
    }

    /// Adds a line labelled `label` (e.g. `127.0.0.1:587`).
    pub fn line(&self, label: &str) -> StatusLine {
        let Some(multi) = &self.multi else { return StatusLine { bar: None } };
        let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
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
    /// A line that draws nothing.
    pub fn hidden() -> StatusLine {
        StatusLine { bar: None }
    }

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
