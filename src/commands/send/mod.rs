//! `smtpx send`: compose (or take) a message and deliver it, then say precisely what happened.
//!
//! The flow: [`plan::SendPlan`] validates everything and composes the message before any socket
//! opens; [`crate::delivery`] sends it (relay or direct MX, extensions, all-or-nothing); the
//! outcome becomes a short report, the `-v` transcript (printed live), or one JSON document. A
//! message that was not delivered and exists nowhere else is saved (`saved`) and the error says
//! where. This module owns that flow and its output choices; protocol decisions are the
//! delivery's, wording of the report is [`crate::output::report`]'s.

pub mod args;
mod document;
pub mod plan;
mod resend;
mod saved;
mod stdin;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};

use self::plan::{SaveTarget, SendPlan};
use crate::delivery::{self, DeliveryError, DeliveryOutcome, RecipientStatus};
use crate::exit::Exit;
use crate::output::Verbosity;
use crate::output::json as jsonout;
use crate::output::progress::SendProgress;
use crate::output::report::{self, ReportFacts};
use crate::output::transcript::{Annotate, TranscriptPrinter};
use crate::smtp::event::{Event, Recorder, Tee};

pub use self::args::SendArgs;

/// Runs `smtpx send`.
pub fn run(args: SendArgs) -> Result<Exit> {
    let plan = SendPlan::from_args(&args)?;
    if plan.print {
        return print(&plan);
    }
    let json = args.output.json;
    let verbosity = super::verbosity(&args.output);
    let palette = super::stdout_palette(&args.output);
    // The transcript is the -v view; the default view is the report after the session.
    let live = if !json && verbosity >= Verbosity::Verbose { verbosity } else { Verbosity::Quiet };
    let mut printer =
        TranscriptPrinter::new(std::io::stdout().lock(), palette, live, Annotate::Failures);
    let mut recorder = Recorder::default();
    let wanted = verbosity != Verbosity::Quiet && std::io::stderr().is_terminal();
    let progress = SendProgress::new(plan.message.size(), wanted);
    let (outcome, result) = {
        let mut tee = Tee(&mut printer, &mut recorder);
        delivery::deliver(&plan.delivery, &plan.message, &mut tee, &mut |sent, total| {
            progress.update(sent, total)
        })
    };
    progress.finish();
    let mut saved = None;
    let route = resend::route_options(&args);
    let result = result.map_err(|error| keep_message(&plan, &route, &outcome, error, &mut saved));
    let mut out = printer.into_inner();
    let written = if json {
        let doc = document::document(&plan, &outcome, &recorder.events, &result, saved.as_deref());
        jsonout::print(&mut out, &doc)
    } else if verbosity != Verbosity::Quiet {
        // With -v the live transcript has already shown them.
        let shown_live = live != Verbosity::Quiet;
        let warnings: Vec<String> = recorder
            .events
            .iter()
            .filter(|_| !shown_live)
            .filter_map(|e| match e {
                Event::Warning(text) => Some(text.clone()),
                _ => None,
            })
            .collect();
        let facts = ReportFacts {
            outcome: &outcome,
            size: plan.message.size(),
            default_from: plan.default_from.as_deref(),
            warnings: &warnings,
        };
        report::render(&mut out, palette, facts)
    } else {
        Ok(())
    };
    // A delivery error matters more than a closed stdout; a delivered message's report that
    // cannot be written is still an error (exit 74), since a script may depend on it.
    result?;
    written.and_then(|()| out.flush()).context("writing the report")?;
    Ok(Exit::Ok)
}

/// Saves an undelivered message that exists nowhere else, and says so in the error.
fn keep_message(
    plan: &SendPlan,
    route: &[String],
    outcome: &DeliveryOutcome,
    mut error: DeliveryError,
    saved: &mut Option<PathBuf>,
) -> DeliveryError {
    if plan.save == SaveTarget::Never {
        return error;
    }
    match saved::save(&plan.message, &plan.save) {
        Ok(path) => {
            let quoted = shell_word(&path.display().to_string());
            let words: Vec<String> = route
                .iter()
                .map(|w| shell_word(w))
                .chain([format!("--raw {quoted}")])
                .chain(unsent(outcome).iter().map(|a| shell_word(a)))
                .collect();
            error.notes.push(format!(
                "the message was saved to {}; to resend it: smtpx send {}",
                path.display(),
                words.join(" "),
            ));
            *saved = Some(path);
        }
        Err(e) => error.notes.push(format!("the message could not be saved: {e}")),
    }
    error
}

/// The recipients the message did not reach: the ones a resend is for.
fn unsent(outcome: &DeliveryOutcome) -> Vec<String> {
    outcome
        .recipients
        .iter()
        .filter(|r| r.status != RecipientStatus::Delivered)
        .map(|r| r.address.clone())
        .collect()
}

/// A word as a POSIX shell reads it back: as it is when plain, else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `--print`: the message exactly as it would be sent, before dot-stuffing.
fn print(plan: &SendPlan) -> Result<Exit> {
    let mut reader = plan.message.reader().context("reading the message")?;
    let mut out = std::io::stdout().lock();
    std::io::copy(&mut reader, &mut out).context("writing the message")?;
    out.flush()?;
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn resend_commands_quote_what_the_shell_would_split() {
        assert_eq!(shell_word("/tmp/20261125T160555Z.eml"), "/tmp/20261125T160555Z.eml");
        assert_eq!(shell_word("/tmp/my mail/x.eml"), "'/tmp/my mail/x.eml'");
        assert_eq!(shell_word("o'brien@example.com"), r"'o'\''brien@example.com'");
    }
}
