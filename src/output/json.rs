//! JSON renderings of engine events and replies, shared by every command's `--json` document.
//! Each document carries `schema_version`; fields are only ever added within a version.

use serde_json::{Value, json};

use crate::smtp::event::Event;
use crate::smtp::reply::Reply;

use super::annotate;

/// Bumped when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// A reply with its meaning.
pub fn reply(reply: &Reply) -> Value {
    json!({
        "code": reply.code,
        "enhanced_code": reply.enhanced.map(|e| e.to_string()),
        "lines": reply.lines,
        "class": annotate::class_word(reply.code),
        "meaning": annotate::code_meaning(reply.code),
        "enhanced_meaning": reply.enhanced.map(annotate::enhanced_meaning),
        "annotation": annotate::annotation(reply),
    })
}

/// One event as an object with a `type`. `elapsed_ms` fields are wall-clock and vary run to run.
pub fn event(event: &Event) -> Value {
    match event {
        Event::MxLookup { domain, route } => {
            json!({ "type": "mx", "domain": domain, "route": route_value(route) })
        }
        Event::Resolved { host, addrs } => {
            json!({ "type": "resolved", "host": host, "addresses": addrs })
        }
        Event::Connecting { host, addr } => {
            json!({ "type": "connecting", "host": host, "address": addr.to_string() })
        }
        Event::Connected { addr, elapsed } => json!({
            "type": "connected", "address": addr.to_string(), "elapsed_ms": elapsed.as_millis() as u64
        }),
        Event::ConnectFailed { addr, error } => {
            json!({ "type": "connect_failed", "address": addr.to_string(), "error": error })
        }
        Event::Sent { line, .. } => json!({ "type": "sent", "line": line }),
        Event::ContentSent { bytes, elapsed } => json!({
            "type": "content_sent", "bytes": bytes, "elapsed_ms": elapsed.as_millis() as u64
        }),
        Event::Received { reply: r, elapsed, .. } => {
            let mut v = reply(r);
            v["type"] = json!("reply");
            v["elapsed_ms"] = json!(elapsed.as_millis() as u64);
            v
        }
        Event::TlsEstablished(info) => json!({ "type": "tls", "tls": info }),
        Event::TlsFailed(info) => json!({ "type": "tls_failed", "tls": info }),
        Event::Note(text) => json!({ "type": "note", "text": text }),
        Event::Warning(text) => json!({ "type": "warning", "text": text }),
    }
}

/// The mail route of a domain.
pub fn route_value(route: &crate::dns::MailRoute) -> Value {
    use crate::dns::MailRoute;
    match route {
        MailRoute::Mx(hosts) => json!({
            "kind": "mx",
            "hosts": hosts.iter().map(|h| json!({"preference": h.preference, "exchange": h.exchange})).collect::<Vec<_>>(),
        }),
        MailRoute::Implicit(host) => json!({ "kind": "implicit", "host": host }),
        MailRoute::NullMx => json!({ "kind": "null_mx" }),
    }
}

/// An error as `{phase, message, exit_code, hint}`.
pub fn error(err: &anyhow::Error) -> Value {
    let (phase, exit, hint) = crate::exit::facts(err);
    json!({ "phase": phase, "message": format!("{err:#}"), "exit_code": exit as u8, "hint": hint })
}

/// Writes a document followed by a newline.
pub fn print(out: &mut dyn std::io::Write, doc: &Value) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    writeln!(out)
}

/// The `result` object every document ends with: `ok`, `exit_code` and `error`; commands add
/// their own fields to it.
pub fn result(result: &anyhow::Result<()>) -> Value {
    json!({
        "ok": result.is_ok(),
        "exit_code": crate::exit::exit_of(result) as u8,
        "error": result.as_ref().err().map(error),
    })
}
