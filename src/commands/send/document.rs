//! The `smtpx send --json` document: the facts of the delivery for scripts. It carries
//! `schema_version`; fields are only ever added within a version. Secrets never appear (AUTH
//! payloads are redacted in the events, as everywhere).

use std::path::Path;

use serde_json::{Value, json};

use super::plan::{Origin, SendPlan};
use crate::delivery::{DeliveryError, DeliveryOutcome, Outgoing, RecipientStatus, Route};
use crate::exit::{Classify, Exit};
use crate::output::json as jsonout;
use crate::smtp::event::Event;

/// Builds the document.
pub fn document(
    plan: &SendPlan,
    outcome: &DeliveryOutcome,
    events: &[Event],
    result: &Result<(), DeliveryError>,
    saved: Option<&Path>,
) -> Value {
    let delivery = &plan.delivery;
    let route = match &delivery.route {
        Route::Relay { host, port } => json!({ "kind": "relay", "host": host, "port": port }),
        Route::Direct { port } => json!({ "kind": "direct", "port": port }),
    };
    let exit = match result {
        Ok(()) => Exit::Ok,
        Err(e) => e.exit(),
    };
    json!({
        "schema_version": jsonout::SCHEMA_VERSION,
        "command": "send",
        "message": message(plan),
        "envelope": {
            "from": delivery.envelope.reverse_path.as_ref().map(|a| a.smtp_form()).unwrap_or_default(),
            "recipients": delivery.envelope.recipients.iter().map(|a| a.smtp_form()).collect::<Vec<_>>(),
        },
        "route": route,
        "sessions": outcome.sessions.iter().map(|s| json!({
            "domain": s.domain,
            "host": s.host,
            "address": s.address.map(|a| a.to_string()),
            "tls": s.tls,
            "auth": s.auth.as_ref().map(|a| json!({ "mechanism": a.mechanism, "user": a.user })),
            "ehlo": s.ehlo,
            "extensions_used": s.used,
            "final_reply": s.final_reply.as_ref().map(jsonout::reply),
            "queue_id": s.queue_id,
            "error": s.error,
            "elapsed_ms": s.elapsed.as_millis() as u64,
        })).collect::<Vec<_>>(),
        "recipients": outcome.recipients.iter().map(|r| json!({
            "address": r.address,
            "status": status(r.status),
            "reply": r.reply.as_ref().map(jsonout::reply),
            "session": r.session,
        })).collect::<Vec<_>>(),
        "saved_to": saved.map(|p| p.display().to_string()),
        "elapsed_ms": outcome.elapsed.as_millis() as u64,
        "events": events.iter().map(jsonout::event).collect::<Vec<_>>(),
        "result": {
            "ok": result.is_ok(),
            "exit_code": exit as u8,
            "delivered": outcome.delivered(),
            "total": outcome.recipients.len(),
            "error": result.as_ref().err().map(|e| json!({
                "phase": e.phase(),
                "message": e.to_string(),
                "exit_code": e.exit() as u8,
                "hint": e.hint(),
            })),
        },
    })
}

fn message(plan: &SendPlan) -> Value {
    let origin = match &plan.origin {
        Origin::Arguments => json!({ "kind": "arguments" }),
        Origin::Stdin => json!({ "kind": "stdin" }),
        Origin::File(path) => json!({ "kind": "file", "path": path.display().to_string() }),
    };
    let (message_id, parts) = match &plan.message {
        Outgoing::Composed(m) => {
            let parts: Vec<Value> = m
                .parts()
                .iter()
                .map(|p| {
                    json!({
                        "content_type": p.content_type,
                        "encoding": p.encoding.as_str(),
                        "file_name": p.file_name,
                        "size": p.input_len,
                        "encoded_size": p.encoded_len,
                    })
                })
                .collect();
            (Some(m.message_id().to_string()), Some(parts))
        }
        Outgoing::Raw(_) => (None, None),
    };
    json!({
        "origin": origin,
        "size": plan.message.size(),
        "message_id": message_id,
        "parts": parts,
    })
}

/// The recipient status as a word.
pub fn status(status: RecipientStatus) -> &'static str {
    match status {
        RecipientStatus::Delivered => "delivered",
        RecipientStatus::Refused => "refused",
        RecipientStatus::NotSent => "not_sent",
        RecipientStatus::NotAttempted => "not_attempted",
    }
}
