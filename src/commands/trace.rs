//! `smtpx trace`: one real session, shown line by line with every reply explained.
//!
//! The plan (target, recipient, stages, TLS policy) is fixed before connecting. For an address
//! the domain's MX hosts are looked up and tried in preference order; the session then walks the
//! stages — connect, banner, EHLO, STARTTLS, AUTH (with `--user`), MAIL, RCPT, DATA — and stops
//! at `--quit-after`, at the first refusal, or at the first error, always ending with QUIT when
//! the session allows it. AUTH follows [`crate::account`]'s policy, as `test-auth` does.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use serde_json::{Value, json};

use crate::account::{self, AuthPlan, PlanContext};
use crate::cli::{Stage, TlsMode, TraceArgs};
use crate::dns::{self, DnsOptions, NullMx};
use crate::exit::Exit;
use crate::output::Verbosity;
use crate::output::json as jsonout;
use crate::output::transcript::{Annotate, TranscriptPrinter};
use crate::plan::{self, Address, PlanError, Target};
use crate::smtp::command::Command;
use crate::smtp::event::{Event, Observer, Recorder, Tee};
use crate::smtp::extension::EhloInfo;
use crate::smtp::tls::TlsInfo;
use crate::smtp::{Client, Error, Reply, SessionConfig};
use crate::tls_policy::{TlsPolicy, Upgrade};

/// Everything `trace` will do, validated.
#[derive(Debug)]
pub struct TracePlan {
    pub target: Target,
    pub port: u16,
    pub from: Option<Address>,
    pub rcpt: Option<Address>,
    pub last_stage: Stage,
    pub send: bool,
    pub all_mx: bool,
    pub tls_mode: TlsMode,
    pub session: SessionConfig,
    pub dns: DnsOptions,
    /// Credentials, obtained at plan time, when `--user` or `--mech` asked for AUTH.
    pub auth: Option<AuthPlan>,
}

impl TracePlan {
    /// Validates the arguments; nothing is resolved or connected yet.
    pub fn from_args(args: &TraceArgs) -> Result<TracePlan, PlanError> {
        let target = plan::parse_target(&args.target)?;
        // A profile fills what the flags leave unset: EHLO name, CA file, TLS mode, the user and
        // password source for the AUTH stage, and the envelope sender.
        let (profile, connect, tls_args) =
            account::with_profile(&args.profile, &args.connect, &args.tls)?;
        let from = match (&args.from, profile.as_ref().and_then(|p| p.from.as_ref())) {
            (Some(a), _) => Some(plan::parse_address("--from", a)?),
            // Already checked when the profile was loaded.
            (None, Some(mailbox)) => Some(Address {
                local: mailbox.address.local().to_string(),
                domain: mailbox.address.domain().to_string(),
            }),
            (None, None) => None,
        };
        let rcpt = match (&args.rcpt, &target) {
            (Some(r), _) => Some(plan::parse_address("--rcpt", r)?),
            (None, Target::Address(a)) => Some(a.clone()),
            (None, Target::Host { .. }) => None,
        };
        let port = match (&target, connect.port) {
            (Target::Host { port: Some(named), .. }, Some(flag)) if *named != flag => {
                return Err(crate::account::port_conflict(*named, flag));
            }
            (_, Some(p)) => p,
            (Target::Host { port: Some(p), .. }, None) => *p,
            _ => 25,
        };
        let tls = plan::session_tls_params(&tls_args)?;
        let wants_auth = args.auth.user.is_some()
            || args.auth.mech.is_some()
            || profile.as_ref().is_some_and(|p| p.user.is_some());
        let auth = if wants_auth {
            let context =
                PlanContext { client_certificate: tls.identity.is_some(), allow_all: false };
            Some(AuthPlan::from_args(&args.auth, profile.as_ref(), context)?)
        } else {
            None
        };
        let default_stage = match (&rcpt, &auth) {
            (Some(_), _) => Stage::Rcpt,
            (None, Some(_)) => Stage::Auth,
            (None, None) => Stage::Tls,
        };
        let last_stage =
            if args.send { Stage::Data } else { args.quit_after.unwrap_or(default_stage) };
        if rcpt.is_none() && last_stage >= Stage::Rcpt {
            return Err(PlanError::usage(
                "a HOST target needs a recipient to go past MAIL FROM",
                "add --rcpt ADDRESS, or trace an address instead of a host",
            ));
        }
        Ok(TracePlan {
            target,
            port,
            from,
            rcpt,
            last_stage,
            send: args.send,
            all_mx: args.all_mx,
            tls_mode: tls_args.mode(),
            session: plan::session_config(&connect, tls)?,
            dns: plan::dns_options(&connect)?,
            auth,
        })
    }

    /// The TLS policy for this destination.
    fn tls(&self) -> TlsPolicy {
        TlsPolicy::from_mode(self.tls_mode)
    }
}

/// What the session established, for the verdict and the JSON document.
#[derive(Debug, Default)]
pub struct TraceOutcome {
    pub host: Option<String>,
    pub address: Option<String>,
    pub ehlo: Option<EhloInfo>,
    pub tls: Option<TlsInfo>,
    pub reached: Option<Stage>,
    /// The reply that ended the session when it was a refusal, or the last positive one.
    pub summary: String,
}

/// Runs `smtpx trace`.
pub fn run(args: TraceArgs) -> Result<Exit> {
    let plan = TracePlan::from_args(&args)?;
    let verbosity =
        if args.output.json { Verbosity::Quiet } else { super::verbosity(&args.output) };
    let palette = super::stdout_palette(&args.output);
    let stdout = std::io::stdout();
    let mut printer = TranscriptPrinter::new(stdout.lock(), palette, verbosity, Annotate::All);
    let mut recorder = Recorder::default();
    let mut outcome = TraceOutcome::default();
    let result = {
        let mut tee = Tee(&mut printer, &mut recorder);
        trace(&plan, &mut tee, &mut outcome)
    };
    if args.output.json {
        let doc = document(&plan, &recorder.events, &outcome, &result);
        jsonout::print(&mut std::io::stdout().lock(), &doc)?;
        return result.map(|()| Exit::Ok);
    }
    match &result {
        Ok(()) => printer.verdict(true, &outcome.summary),
        Err(err) if rejection(err).is_some() => printer.verdict(false, &outcome.summary),
        Err(_) => {}
    }
    let _ = printer.into_inner().flush();
    result.map(|()| Exit::Ok)
}

fn rejection(err: &anyhow::Error) -> Option<&Reply> {
    err.downcast_ref::<Error>().and_then(Error::reply)
}

/// Resolves the target and runs the session against the first host that connects.
pub fn trace(
    plan: &TracePlan,
    observer: &mut dyn Observer,
    outcome: &mut TraceOutcome,
) -> Result<()> {
    let hosts = candidate_hosts(plan, observer)?;
    let mut last_error = None;
    for (i, host) in hosts.iter().enumerate() {
        let addrs = match dns::resolve_host(host, plan.port, &plan.dns) {
            Ok(addrs) => addrs,
            Err(e) if plan.all_mx && i + 1 < hosts.len() => {
                observer.on_event(&Event::Note(format!("{e}; trying the next MX host")));
                last_error = Some(anyhow::Error::new(e));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        observer.on_event(&Event::resolved(host, &addrs));
        match session(plan, host, &addrs, observer, outcome) {
            Err(e) if plan.all_mx && i + 1 < hosts.len() && is_connect_failure(&e) => {
                observer.on_event(&Event::Note("trying the next MX host".into()));
                last_error = Some(e.into());
            }
            other => return other.map_err(Into::into),
        }
    }
    Err(last_error.unwrap_or_else(|| anyhow::anyhow!("no host to connect to")))
}

fn is_connect_failure(e: &Error) -> bool {
    matches!(e, Error::Connect { .. })
}

/// The hosts to try, in order: the MX hosts of an address's domain, or the given host.
fn candidate_hosts(plan: &TracePlan, observer: &mut dyn Observer) -> Result<Vec<String>> {
    let domain = match &plan.target {
        Target::Host { host, .. } => return Ok(vec![host.clone()]),
        Target::Address(a) => a.domain.clone(),
    };
    let route = dns::mail_route(&domain, &plan.dns)?;
    observer.on_event(&Event::MxLookup { domain: domain.clone(), route: route.clone() });
    route.hosts().ok_or_else(|| NullMx(domain).into())
}

/// One session against one host; always tries to QUIT, except when DATA was left open on
/// purpose or the connection is unusable.
fn session(
    plan: &TracePlan,
    host: &str,
    addrs: &[std::net::SocketAddr],
    observer: &mut dyn Observer,
    outcome: &mut TraceOutcome,
) -> Result<(), Error> {
    let mut client = Client::connect(host, addrs, &plan.session, observer)?;
    outcome.host = Some(host.to_string());
    outcome.address = Some(client.peer().to_string());
    let result = stages(plan, &mut client, outcome);
    outcome.ehlo = client.ehlo_info().cloned().or(outcome.ehlo.take());
    outcome.tls = client.tls_info().cloned();
    match &result {
        Ok(Ended::LeftInData) => {
            client.emit(Event::Note(
                "closing without sending content: the server discards the transaction".into(),
            ));
        }
        Ok(Ended::Completed) => {
            client.quit()?;
        }
        Err(
            Error::Rejected { .. }
            | Error::Auth(_)
            | Error::PlaintextAuth { .. }
            | Error::NoMechanism { .. },
        ) => {
            // The refusal is what the user needs to hear; a server that hangs up instead of
            // answering QUIT must not replace it with a network error.
            let _ = client.quit();
        }
        Err(_) => {}
    }
    result.map(|_| ())
}

/// How the stages ended.
enum Ended {
    Completed,
    LeftInData,
}

/// Refuses the session with the reply when it is not positive.
fn expect_positive(reply: Reply, what: &str, outcome: &mut TraceOutcome) -> Result<Reply, Error> {
    if reply.is_positive() || (what == "DATA" && reply.code == 354) {
        return Ok(reply);
    }
    outcome.summary = format!("{} ({})", refusal_words(what), reply.short());
    Err(Error::Rejected { command: what.to_string(), reply })
}

fn refusal_words(what: &str) -> String {
    match what {
        "banner" => "server refused the connection".into(),
        "RCPT TO" => "recipient refused".into(),
        "MAIL FROM" => "sender refused".into(),
        "end of data" => "message refused".into(),
        other => format!("{other} refused"),
    }
}

fn stages(
    plan: &TracePlan,
    client: &mut Client<'_>,
    outcome: &mut TraceOutcome,
) -> Result<Ended, Error> {
    let reached = |outcome: &mut TraceOutcome, stage: Stage| {
        outcome.reached = Some(stage);
        stage >= plan.last_stage
    };
    if plan.tls().implicit(plan.port) {
        client.implicit_tls()?;
    }
    outcome.summary = format!("connected to {}", client.peer());
    if reached(outcome, Stage::Connect) {
        return Ok(Ended::Completed);
    }
    let banner = expect_positive(client.banner()?, "banner", outcome)?;
    outcome.summary = format!("server ready ({})", banner.short());
    if reached(outcome, Stage::Banner) {
        return Ok(Ended::Completed);
    }
    let ehlo = expect_positive(client.ehlo()?, "EHLO", outcome)?;
    outcome.summary = format!("EHLO accepted ({})", ehlo.short());
    if reached(outcome, Stage::Ehlo) {
        return Ok(Ended::Completed);
    }
    outcome.ehlo = client.ehlo_info().cloned();
    starttls(plan, client, outcome)?;
    if reached(outcome, Stage::Tls) {
        return Ok(Ended::Completed);
    }
    if let Some(auth) = &plan.auth {
        let done = account::login(client, auth)?;
        let reply = expect_positive(done.reply, &format!("AUTH {}", done.mechanism), outcome)?;
        outcome.summary = format!("authenticated with {} ({})", done.mechanism, reply.short());
    }
    if reached(outcome, Stage::Auth) {
        return Ok(Ended::Completed);
    }
    envelope(plan, client, outcome)
}

/// STARTTLS per the TLS policy, then EHLO again (RFC 3207 §4.2: forget what was said before).
fn starttls(
    plan: &TracePlan,
    client: &mut Client<'_>,
    outcome: &mut TraceOutcome,
) -> Result<(), Error> {
    match plan.tls().starttls(client, plan.port, "MAIL FROM") {
        Ok(Upgrade::Done) => {}
        Ok(Upgrade::Skipped) => return Ok(()),
        Err(Error::Rejected { command, reply }) => {
            return expect_positive(reply, &command, outcome).map(|_| ());
        }
        Err(e) => return Err(e),
    }
    outcome.summary = "TLS established".into();
    let ehlo = expect_positive(client.ehlo()?, "EHLO", outcome)?;
    outcome.summary = format!("TLS established, EHLO accepted ({})", ehlo.short());
    outcome.ehlo = client.ehlo_info().cloned();
    Ok(())
}

/// MAIL FROM, RCPT TO, and DATA with a test message when asked.
fn envelope(
    plan: &TracePlan,
    client: &mut Client<'_>,
    outcome: &mut TraceOutcome,
) -> Result<Ended, Error> {
    let reverse_path = plan.from.as_ref().map(ToString::to_string).unwrap_or_default();
    let mail = client.command(&Command::MailFrom { reverse_path, params: Vec::new() })?;
    let mail = expect_positive(mail, "MAIL FROM", outcome)?;
    outcome.summary = format!("sender accepted ({})", mail.short());
    outcome.reached = Some(Stage::Mail);
    if plan.last_stage == Stage::Mail {
        return Ok(Ended::Completed);
    }
    let Some(rcpt) = &plan.rcpt else { return Ok(Ended::Completed) };
    let reply =
        client.command(&Command::RcptTo { forward_path: rcpt.to_string(), params: Vec::new() })?;
    let reply = expect_positive(reply, "RCPT TO", outcome)?;
    outcome.summary = format!("recipient accepted ({})", reply.short());
    outcome.reached = Some(Stage::Rcpt);
    if plan.last_stage == Stage::Rcpt {
        return Ok(Ended::Completed);
    }
    expect_positive(client.command(&Command::Data)?, "DATA", outcome)?;
    outcome.reached = Some(Stage::Data);
    if !plan.send {
        outcome.summary = "DATA accepted (354); stopped before the content".into();
        return Ok(Ended::LeftInData);
    }
    let message = test_message(plan, &rcpt.to_string());
    let reply = client.send_content(message.as_bytes(), &mut |_| {})?;
    let reply = expect_positive(reply, "end of data", outcome)?;
    outcome.summary = format!("message accepted ({}): {}", reply.short(), reply.message());
    Ok(Ended::Completed)
}

/// The small message `--send` delivers.
fn test_message(plan: &TracePlan, rcpt: &str) -> String {
    let ehlo = &plan.session.ehlo_name;
    let from =
        plan.from.as_ref().map(ToString::to_string).unwrap_or_else(|| format!("smtpx@{ehlo}"));
    let now = SystemTime::now();
    let id = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
    let date = crate::message::header::format_date(now).unwrap_or_default();
    format!(
        "Date: {date}\r\nFrom: <{from}>\r\nTo: <{rcpt}>\r\nSubject: smtpx trace test\r\n\
         Message-ID: <{id}.smtpx@{ehlo}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=us-ascii\r\n\r\n\
         This is a test message sent by `smtpx trace --send`.\r\n",
    )
}

/// The `--json` document.
fn document(
    plan: &TracePlan,
    events: &[Event],
    outcome: &TraceOutcome,
    result: &Result<()>,
) -> Value {
    let target = match &plan.target {
        Target::Address(a) => {
            json!({ "kind": "address", "address": a.to_string(), "domain": a.domain, "port": plan.port })
        }
        Target::Host { host, .. } => json!({ "kind": "host", "host": host, "port": plan.port }),
    };
    let dns = events.iter().find_map(|e| match e {
        Event::MxLookup { domain, route } => {
            Some(json!({ "domain": domain, "route": jsonout::route_value(route) }))
        }
        _ => None,
    });
    let mut outcome_json = jsonout::result(result);
    outcome_json["stage_reached"] = json!(outcome.reached.map(|s| format!("{s:?}").to_lowercase()));
    outcome_json["summary"] = json!(outcome.summary);
    json!({
        "schema_version": jsonout::SCHEMA_VERSION,
        "command": "trace",
        "target": target,
        "dns": dns,
        "connection": outcome.address.as_ref().map(|a| json!({ "host": outcome.host, "address": a })),
        "tls": outcome.tls,
        "ehlo": outcome.ehlo,
        "events": events.iter().map(jsonout::event).collect::<Vec<_>>(),
        "result": outcome_json,
    })
}
