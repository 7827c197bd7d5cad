//! What `test-auth` prints after its sessions: the verdict for one mechanism, the
//! MECHANISM | RESULT | REPLY | MEANING table for `--mech all`, and the `--json` document. It only
//! renders the [`Report`] the sessions filled in; it never touches a connection.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use super::{Attempt, Outcome, Report, TestAuthPlan};
use crate::account::{self, MechChoice};
use crate::output::Verbosity;
use crate::output::annotate;
use crate::output::json as jsonout;
use crate::output::palette::{Palette, Role};
use crate::output::sanitize::terminal_safe;
use crate::smtp::event::Event;
use crate::smtp::sasl::{Mechanism, OAuthError};
use crate::smtp::{Reply, codes};

/// The text after the session: the verdict for one mechanism, or the table for `--mech all`.
pub(super) fn render<W: Write>(
    out: &mut W,
    palette: Palette,
    verbosity: Verbosity,
    plan: &TestAuthPlan,
    report: &Report,
) -> std::io::Result<()> {
    if plan.auth.choice == MechChoice::All {
        return render_table(out, palette, report);
    }
    let Some(attempt) = report.attempts.first() else { return Ok(()) };
    let who = match &plan.auth.user {
        Some(user) if attempt.mechanism != Mechanism::External.name() => user.clone(),
        _ => "the client certificate's identity".to_string(),
    };
    let mech = &attempt.mechanism;
    let (ok, text) = match &attempt.outcome {
        Outcome::Success(reply) => {
            (true, format!("authenticated as {who} with {mech} ({})", reply_text(reply)))
        }
        Outcome::Refused { reply, .. } => {
            (false, format!("{mech} authentication refused for {who} ({})", reply_text(reply)))
        }
        Outcome::Failed { message, .. } => (false, format!("{mech} failed for {who}: {message}")),
        Outcome::Skipped(_) | Outcome::Unsupported => return Ok(()),
    };
    verdict(out, palette, ok, &text)?;
    // With -v the transcript has already explained the reply, right under it.
    if let (Outcome::Refused { reply, .. }, Verbosity::Normal) = (&attempt.outcome, verbosity) {
        let line = format!("   ↳ {}", terminal_safe(&annotate::annotation(reply)));
        writeln!(out, "{}", palette.paint(Role::Dim, &line))?;
    }
    Ok(())
}

/// `535 5.7.8 Error: authentication failed`.
fn reply_text(reply: &Reply) -> String {
    let message = reply.message();
    if message.is_empty() { reply.short() } else { format!("{} {message}", reply.short()) }
}

/// `✓ text` or `✗ text`, as the transcript printer writes its verdicts.
fn verdict<W: Write>(out: &mut W, palette: Palette, ok: bool, text: &str) -> std::io::Result<()> {
    writeln!(out, "{}", palette.verdict(ok, text))
}

/// MECHANISM | RESULT | REPLY | MEANING, then the overall verdict.
fn render_table<W: Write>(out: &mut W, palette: Palette, report: &Report) -> std::io::Result<()> {
    if report.attempts.is_empty() {
        return Ok(());
    }
    let rows: Vec<[String; 4]> = report
        .attempts
        .iter()
        .map(|a| {
            let (reply, meaning) = match &a.outcome {
                Outcome::Success(reply) => (reply.short(), meaning(reply, None)),
                Outcome::Refused { reply, oauth } => {
                    (reply.short(), meaning(reply, oauth.as_ref()))
                }
                Outcome::Failed { phase, message, .. } => {
                    ("-".into(), format!("[{phase}] {message}"))
                }
                Outcome::Skipped(why) => ("-".into(), why.clone()),
                Outcome::Unsupported => ("-".into(), "smtpx does not implement it".into()),
            };
            [terminal_safe(&a.mechanism), a.outcome.word().into(), reply, terminal_safe(&meaning)]
        })
        .collect();
    let header = ["MECHANISM", "RESULT", "REPLY", "MEANING"].map(String::from);
    let width = |i: usize| rows.iter().chain([&header]).map(|r| r[i].chars().count()).max();
    let widths = [width(0), width(1), width(2)].map(Option::unwrap_or_default);
    let pad = |text: &str, w: usize| format!("{text:<w$}");
    let line = |r: &[String; 4]| {
        format!(
            "{}  {}  {}  {}",
            pad(&r[0], widths[0]),
            pad(&r[1], widths[1]),
            pad(&r[2], widths[2]),
            r[3]
        )
    };
    writeln!(out, "{}", palette.paint(Role::Dim, line(&header).trim_end()))?;
    for (row, attempt) in rows.iter().zip(&report.attempts) {
        let role = match attempt.outcome {
            Outcome::Success(_) => Role::Good,
            Outcome::Refused { .. } | Outcome::Failed { .. } => Role::Bad,
            Outcome::Skipped(_) | Outcome::Unsupported => Role::Dim,
        };
        writeln!(out, "{}", palette.paint(role, line(row).trim_end()))?;
    }
    let tried = report.attempts.iter().filter(|a| a.outcome.tried()).count();
    let ok = report.attempts.iter().filter(|a| matches!(a.outcome, Outcome::Success(_))).count();
    match (tried, ok) {
        (0, _) => Ok(()),
        (t, o) if t == o => {
            verdict(out, palette, true, &format!("{o} of {} succeeded", tried_count(t)))
        }
        (t, o) => verdict(out, palette, false, &format!("{} of {} failed", t - o, tried_count(t))),
    }
}

/// `1 mechanism tried`, `3 mechanisms tried`.
pub(super) fn tried_count(n: usize) -> String {
    format!("{n} mechanism{} tried", if n == 1 { "" } else { "s" })
}

/// The MEANING column: the basic code's meaning, the enhanced code's title when it adds
/// something, and the OAuth server's reason.
fn meaning(reply: &Reply, oauth: Option<&OAuthError>) -> String {
    let mut text = annotate::code_meaning(reply.code);
    if let Some(e) = reply.enhanced
        && e.detail != 0
        && let Some(detail) = codes::status_detail(e.subject, e.detail)
        && detail.title != text
    {
        text = format!("{text} · {}", detail.title);
    }
    if let Some(oauth) = oauth {
        text = format!("{text} · token: {oauth}");
    }
    text
}

/// The `--json` document: the same facts as the text, with `schema_version`.
pub(super) fn document(
    plan: &TestAuthPlan,
    events: &[Event],
    report: &Report,
    result: &Result<()>,
) -> Value {
    let source = |o: &Option<account::Obtained>| o.as_ref().map(account::Obtained::source);
    json!({
        "schema_version": jsonout::SCHEMA_VERSION,
        "command": "test-auth",
        "server": { "host": plan.host, "port": plan.port, "address": report.address },
        "user": plan.auth.user,
        "credentials": {
            "password": source(&plan.auth.password),
            "token": source(&plan.auth.token),
            "client_certificate": plan.auth.certificate.is_some(),
        },
        "mechanism_requested": plan.auth.choice.to_string(),
        "tls": report.tls,
        "ehlo": report.ehlo,
        "auth_mechanisms": { "before_tls": report.before_tls, "after_tls": report.after_tls },
        "attempts": report.attempts.iter().map(attempt_value).collect::<Vec<_>>(),
        "events": events.iter().map(jsonout::event).collect::<Vec<_>>(),
        "result": jsonout::result(result),
    })
}

fn attempt_value(attempt: &Attempt) -> Value {
    let mut value = json!({ "mechanism": attempt.mechanism, "result": attempt.outcome.word() });
    match &attempt.outcome {
        Outcome::Success(reply) => value["reply"] = jsonout::reply(reply),
        Outcome::Refused { reply, oauth } => {
            value["reply"] = jsonout::reply(reply);
            value["oauth_error"] = json!(oauth);
        }
        Outcome::Failed { phase, message, exit } => {
            value["error"] =
                json!({ "phase": phase, "message": message, "exit_code": *exit as u8 });
        }
        Outcome::Skipped(why) => value["reason"] = json!(why),
        Outcome::Unsupported => value["reason"] = json!("smtpx does not implement it"),
    }
    value
}
