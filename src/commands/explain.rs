//! `smtpx explain`: decodes reply codes, enhanced status codes and bounce lines offline, using
//! the analysis in [`crate::explain`]. One explanation per input (several with `-` on stdin,
//! where multi-line replies are joined); text or one `--json` document.

use std::io::{Read, Write};

use anyhow::Result;
use serde_json::json;

use crate::cli::ExplainArgs;
use crate::exit::Exit;
use crate::explain::{self, ExplainError, Explanation};
use crate::output::json as jsonout;
use crate::output::palette::{Palette, Role};
use crate::output::sanitize::terminal_safe;
use crate::plan::{PlanError, PlanErrorKind};

/// Largest stdin accepted: a pasted bounce or a log excerpt, not a whole mail log.
const MAX_STDIN: u64 = 16 * 1024 * 1024;

/// Runs `smtpx explain`.
pub fn run(args: ExplainArgs) -> Result<Exit> {
    let results = if args.input.len() == 1 && args.input[0] == "-" {
        explain::explain_lines(&read_stdin()?)
    } else {
        vec![explain::explain(&args.input.join(" "))]
    };
    let explained = results.iter().filter(|r| r.is_ok()).count();
    if args.output.json {
        print_json(&results)?;
    } else if !args.output.quiet {
        let palette = super::stdout_palette(&args.output);
        let mut out = std::io::stdout().lock();
        render_all(&mut out, &results, palette)?;
    }
    if explained > 0 {
        return Ok(Exit::Ok);
    }
    let message = match results.first() {
        Some(Err(e)) => e.to_string(),
        _ => "no input to explain".to_string(),
    };
    Err(PlanError { kind: PlanErrorKind::Input, message, hint: None }.into())
}

fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().take(MAX_STDIN).read_to_end(&mut bytes).map_err(|e| PlanError {
        kind: PlanErrorKind::NoInput,
        message: format!("cannot read standard input: {e}"),
        hint: None,
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn print_json(results: &[Result<Explanation, ExplainError>]) -> Result<()> {
    let explanations: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let errors: Vec<String> =
        results.iter().filter_map(|r| r.as_ref().err()).map(ToString::to_string).collect();
    let ok = !explanations.is_empty();
    let doc = json!({
        "schema_version": jsonout::SCHEMA_VERSION,
        "command": "explain",
        "explanations": explanations,
        "unexplained": errors,
        "result": {
            "ok": ok,
            "exit_code": if ok { Exit::Ok } else { Exit::DataErr } as u8,
            "explained": explanations.len(),
        },
    });
    jsonout::print(&mut std::io::stdout().lock(), &doc)?;
    Ok(())
}

/// Renders every result; unexplained stdin lines are listed briefly so nothing is silently lost.
pub fn render_all(
    out: &mut dyn Write,
    results: &[Result<Explanation, ExplainError>],
    palette: Palette,
) -> std::io::Result<()> {
    let many = results.len() > 1;
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        match result {
            Ok(explanation) => render(out, explanation, palette)?,
            Err(e) if many => writeln!(
                out,
                "{}",
                palette.paint(Role::Dim, &format!("· {}", terminal_safe(&e.to_string())))
            )?,
            Err(_) => {}
        }
    }
    Ok(())
}

/// One explanation as labelled lines:
/// ```text
/// 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown
///   code     550 permanent failure: mailbox unavailable. <explanation> (RFC 5321 §4.2.3)
///   status   5.1.1 permanent failure, addressing status: bad destination mailbox address. <description> (RFC 3463 §3.2)
///   cause    user unknown: <summary>. <hint>
///   retry    Retrying will not help: the failure is permanent.
///   see      RFC 5321 §4.2.3, RFC 3463 §3.2
/// ```
pub fn render(out: &mut dyn Write, e: &Explanation, palette: Palette) -> std::io::Result<()> {
    let role = match e
        .code
        .as_ref()
        .map(|c| c.code / 100)
        .or(e.enhanced.as_ref().map(|s| u16::from(s.class)))
    {
        Some(2) => Role::Success,
        Some(3) => Role::Intermediate,
        Some(4) => Role::Transient,
        _ => Role::Permanent,
    };
    writeln!(out, "{}", palette.paint(role, &terminal_safe(&e.input.replace('\n', " / "))))?;
    let mut field = |label: &str, text: String| -> std::io::Result<()> {
        writeln!(
            out,
            "  {}{}",
            palette.paint(Role::Dim, &format!("{label:<8} ")),
            terminal_safe(&text)
        )
    };
    if let Some(c) = &e.code {
        field(
            "code",
            format!("{} {}: {}. {} ({})", c.code, c.class, c.meaning, c.explanation, c.rfc),
        )?;
    }
    if let Some(s) = &e.enhanced {
        let title = if s.known { s.title } else { "not in the IANA registry" };
        let text = format!(
            "{} {}, {}: {}. {} ({})",
            s.code, s.class_text, s.subject_text, title, s.description, s.rfc
        );
        field("status", text)?;
    }
    for cause in &e.causes {
        field("cause", format!("{}. {}", cause.summary, cause.hint))?;
    }
    for note in &e.notes {
        field("note", note.clone())?;
    }
    field("retry", e.retry.sentence().to_string())?;
    if !e.references.is_empty() {
        field("see", e.references.join(", "))?;
    }
    Ok(())
}
