//! `smtpx test-auth SERVER`: do these credentials work on this server, and how?
//!
//! The plan (server, TLS policy, credentials) is settled before connecting; a missing password
//! source fails there (exit 78). One session then goes: connect (implicit TLS on 465), banner,
//! EHLO, STARTTLS per `--tls` (required on 587), EHLO again, and [`account::login`]. The AUTH
//! mechanisms advertised before and after TLS are shown, then the verdict with the reply
//! explained. `--mech all` first looks at what the server offers, then tries each mechanism
//! smtpx supports in a connection of its own, stopping at the first 535 (each failure counts
//! against the account) unless `--keep-going`, and prints a table.
//!
//! By default only observations are shown (connection, TLS, mechanisms, notes); `-v` adds the
//! transcript and `-vv` the raw bytes. Every secret stays inside the engine's redaction.

use std::cell::Cell;
use std::io::Write;

use anyhow::Result;
use clap::Args;

use crate::account::{self, AuthArgs, AuthPlan, MechChoice, PlanContext, ProfileArgs};
use crate::cli::{ConnectArgs, OutputArgs, TlsArgs, TlsMode};
use crate::dns::{self, DnsOptions};
use crate::exit::{Classify, Exit};
use crate::output::Verbosity;
use crate::output::json as jsonout;
use crate::output::transcript::{Annotate, TranscriptPrinter};
use crate::plan::{self, PlanError};
use crate::smtp::auth::AuthOutcome;
use crate::smtp::event::{Event, Observer, Recorder, Tee};
use crate::smtp::extension::EhloInfo;
use crate::smtp::sasl::{Mechanism, OAuthError};
use crate::smtp::tls::TlsInfo;
use crate::smtp::{Client, Error, Reply, SessionConfig};
use crate::tls_policy::{TlsPolicy, Upgrade};

mod report;
use report::{document, render, tried_count};

/// The port when neither SERVER, `--port` nor the profile names one: submission (RFC 6409),
/// where AUTH lives; port 25 rarely offers it.
pub const DEFAULT_PORT: u16 = 587;

/// `smtpx test-auth`.
#[derive(Debug, Args)]
// The shared --port help names port 25, the right default for trace but not for submission.
#[command(mut_arg("port", |arg| arg
    .help("Port to connect to (default: 587, or the port in SERVER or the profile)")
    .long_help(None::<&str>)))]
pub struct TestAuthArgs {
    /// The submission server, HOST or HOST:PORT (default port 587). Optional with a --profile that
    /// names a server.
    #[arg(value_name = "SERVER")]
    pub server: Option<String>,
    /// With --mech all: go on after a 535 instead of stopping (every failure counts against the
    /// account's lockout limit).
    #[arg(long)]
    pub keep_going: bool,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub profile: ProfileArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub tls: TlsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Everything `test-auth` will do, validated, with the credentials already in hand.
#[derive(Debug)]
pub struct TestAuthPlan {
    pub host: String,
    pub port: u16,
    pub tls_mode: TlsMode,
    pub session: SessionConfig,
    pub dns: DnsOptions,
    pub auth: AuthPlan,
    pub keep_going: bool,
}

impl TestAuthPlan {
    /// Merges the profile, validates everything and obtains the credentials; no socket yet.
    pub fn from_args(args: &TestAuthArgs) -> Result<TestAuthPlan, PlanError> {
        let (profile, connect, tls_args) =
            account::with_profile(&args.profile, &args.connect, &args.tls)?;
        let (host, port) = account::server_and_port(
            args.server.as_deref(),
            connect.port,
            profile.as_ref(),
            DEFAULT_PORT,
        )?;
        if args.keep_going && args.auth.mech != Some(account::MechArg::All) {
            return Err(PlanError::usage(
                "--keep-going only applies to --mech all",
                "add --mech all, or drop --keep-going",
            ));
        }
        let tls = plan::session_tls_params(&tls_args)?;
        let context = PlanContext { client_certificate: tls.identity.is_some(), allow_all: true };
        let session = plan::session_config(&connect, tls)?;
        let dns = plan::dns_options(&connect)?;
        let auth = AuthPlan::from_args(&args.auth, profile.as_ref(), context)?;
        Ok(TestAuthPlan {
            host,
            port,
            tls_mode: tls_args.mode(),
            session,
            dns,
            auth,
            keep_going: args.keep_going,
        })
    }

    /// The TLS policy for this destination (the rules of `trace`).
    fn tls(&self) -> TlsPolicy {
        TlsPolicy::from_mode(self.tls_mode)
    }
}

/// What the sessions showed, for the text verdict and the JSON document.
#[derive(Debug, Default)]
pub struct Report {
    /// The address connected to (the first session's).
    pub address: Option<String>,
    /// The TLS facts of the first session.
    pub tls: Option<TlsInfo>,
    /// The last EHLO of the first session.
    pub ehlo: Option<EhloInfo>,
    /// AUTH mechanisms advertised before STARTTLS (`None` with implicit TLS).
    pub before_tls: Option<Vec<String>>,
    /// AUTH mechanisms advertised over TLS (`None` when TLS was not used).
    pub after_tls: Option<Vec<String>>,
    /// One row per mechanism tried, skipped or unsupported.
    pub attempts: Vec<Attempt>,
}

/// What happened to one mechanism.
#[derive(Debug)]
pub struct Attempt {
    /// The mechanism's name as advertised.
    pub mechanism: String,
    pub outcome: Outcome,
}

/// The result column of the table.
#[derive(Debug)]
pub enum Outcome {
    /// 235: authenticated (and, for SCRAM, the server proved itself).
    Success(Reply),
    /// The server refused; OAuth mechanisms may have said why in JSON.
    Refused { reply: Reply, oauth: Option<OAuthError> },
    /// The exchange failed on our side or the connection did (the error, classified).
    Failed { phase: &'static str, message: String, exit: Exit },
    /// Not tried, and why.
    Skipped(String),
    /// Advertised, but smtpx does not implement it.
    Unsupported,
}

impl Outcome {
    fn word(&self) -> &'static str {
        match self {
            Outcome::Success(_) => "ok",
            Outcome::Refused { .. } => "refused",
            Outcome::Failed { .. } => "failed",
            Outcome::Skipped(_) => "skipped",
            Outcome::Unsupported => "unsupported",
        }
    }

    fn tried(&self) -> bool {
        matches!(self, Outcome::Success(_) | Outcome::Refused { .. } | Outcome::Failed { .. })
    }
}

/// Runs `smtpx test-auth`.
pub fn run(args: TestAuthArgs) -> Result<Exit> {
    let plan = TestAuthPlan::from_args(&args)?;
    let verbosity =
        if args.output.json { Verbosity::Quiet } else { super::verbosity(&args.output) };
    let palette = super::stdout_palette(&args.output);
    let stdout = std::io::stdout();
    let mut printer = TranscriptPrinter::new(stdout.lock(), palette, verbosity, Annotate::Failures);
    let mut recorder = Recorder::default();
    let mut report = Report::default();
    let mute = Cell::new(false);
    let result = {
        let mut shown = Shown {
            printer: &mut printer,
            transcript: verbosity >= Verbosity::Verbose,
            mute: &mute,
        };
        let mut tee = Tee(&mut shown, &mut recorder);
        describe_credentials(&plan, &mut tee);
        match plan.auth.choice {
            MechChoice::All => test_all(&plan, &mut tee, &mut report, &mute),
            _ => test_one(&plan, &mut tee, &mut report),
        }
    };
    if args.output.json {
        let doc = document(&plan, &recorder.events, &report, &result);
        jsonout::print(&mut std::io::stdout().lock(), &doc)?;
        return result.map(|()| Exit::Ok);
    }
    let mut out = printer.into_inner();
    if verbosity > Verbosity::Quiet {
        render(&mut out, palette, verbosity, &plan, &report)?;
    }
    out.flush()?;
    result.map(|()| Exit::Ok)
}

/// Forwards what the default output shows: observations always, the transcript with `-v`,
/// nothing but warnings while `mute` is set (the repeated sessions of `--mech all`).
struct Shown<'a, 'm, W: Write> {
    printer: &'a mut TranscriptPrinter<W>,
    transcript: bool,
    mute: &'m Cell<bool>,
}

impl<W: Write> Observer for Shown<'_, '_, W> {
    fn on_event(&mut self, event: &Event) {
        let wire = matches!(
            event,
            Event::Sent { .. } | Event::Received { .. } | Event::ContentSent { .. }
        );
        let muted = self.mute.get() && !self.transcript && !matches!(event, Event::Warning(_));
        if (wire && !self.transcript) || muted {
            return;
        }
        self.printer.on_event(event);
    }
}

/// Says where each credential came from (never what it is).
fn describe_credentials(plan: &TestAuthPlan, observer: &mut dyn Observer) {
    let user = plan.auth.user.as_deref().unwrap_or("");
    for (noun, obtained) in [("password", &plan.auth.password), ("OAuth token", &plan.auth.token)] {
        if let Some(obtained) = obtained {
            observer
                .on_event(&Event::Note(format!("{noun} for {user} from {}", obtained.source())));
        }
    }
}

/// One session, one mechanism (named or automatic).
fn test_one(plan: &TestAuthPlan, observer: &mut dyn Observer, report: &mut Report) -> Result<()> {
    let addrs = resolve(plan, observer)?;
    let mut client = Client::connect(&plan.host, &addrs, &plan.session, observer)?;
    report.address = Some(client.peer().to_string());
    let result = open(plan, &mut client).and_then(|seen| {
        describe_mechanisms(&mut client, &seen);
        (report.before_tls, report.after_tls) = (seen.before, seen.after);
        let mechanism = account::select(&mut client, &plan.auth, plan.auth.choice)?;
        Ok((mechanism, account::attempt(&mut client, &plan.auth, mechanism)))
    });
    report.tls = client.tls_info().cloned();
    report.ehlo = client.ehlo_info().cloned();
    let (mechanism, outcome) = match result {
        Ok(done) => done,
        Err(err) => {
            if still_usable(&err) {
                let _ = client.quit();
            }
            return Err(err.into());
        }
    };
    // QUIT's own failure is ignored: a server that hangs up after a refusal must not replace
    // the refusal, which is what the user needs to hear, with a network error.
    if outcome.as_ref().map_or_else(still_usable, |_| true) {
        let _ = client.quit();
    }
    let (attempt, error) = judge(mechanism.name(), outcome);
    report.attempts.push(attempt);
    error.map_or(Ok(()), |e| Err(e.into()))
}

/// True when the session can still take a QUIT after this error (a policy or SASL failure, a
/// refusal), as opposed to a broken or hostile connection.
fn still_usable(err: &Error) -> bool {
    matches!(
        err,
        Error::Rejected { .. }
            | Error::Auth(_)
            | Error::PlaintextAuth { .. }
            | Error::NoMechanism { .. }
            | Error::TlsUnavailable { .. }
    )
}

/// The table row for one AUTH exchange, and the error it ends the command with, if any.
fn judge(mechanism: &str, result: Result<AuthOutcome, Error>) -> (Attempt, Option<Error>) {
    let mechanism = mechanism.to_string();
    match result {
        Ok(outcome) if outcome.success => {
            (Attempt { mechanism, outcome: Outcome::Success(outcome.reply) }, None)
        }
        Ok(outcome) => {
            let error = Error::Rejected {
                command: format!("AUTH {mechanism}"),
                reply: outcome.reply.clone(),
            };
            let refused = Outcome::Refused { reply: outcome.reply, oauth: outcome.oauth_error };
            (Attempt { mechanism, outcome: refused }, Some(error))
        }
        Err(error) => {
            let failed = Outcome::Failed {
                phase: error.phase(),
                message: error.to_string(),
                exit: error.exit(),
            };
            (Attempt { mechanism, outcome: failed }, Some(error))
        }
    }
}

/// Resolves the server and reports the addresses.
fn resolve(plan: &TestAuthPlan, observer: &mut dyn Observer) -> Result<Vec<std::net::SocketAddr>> {
    let addrs = dns::resolve_host(&plan.host, plan.port, &plan.dns)?;
    observer.on_event(&Event::resolved(&plan.host, &addrs));
    Ok(addrs)
}

/// The AUTH mechanisms a session saw.
#[derive(Debug, Default)]
struct Seen {
    before: Option<Vec<String>>,
    after: Option<Vec<String>>,
}

/// Up to the last EHLO: implicit TLS, banner, EHLO, STARTTLS per the policy, EHLO again.
fn open(plan: &TestAuthPlan, client: &mut Client<'_>) -> Result<Seen, Error> {
    if plan.tls().implicit(plan.port) {
        client.implicit_tls()?;
    }
    positive(client.banner()?, "banner")?;
    positive(client.ehlo()?, "EHLO")?;
    let advertised =
        |client: &Client<'_>| client.ehlo_info().map(EhloInfo::auth_mechanisms).unwrap_or_default();
    if plan.tls().implicit(plan.port) {
        return Ok(Seen { before: None, after: Some(advertised(client)) });
    }
    let before = Some(advertised(client));
    if !starttls(plan, client)? {
        return Ok(Seen { before, after: None });
    }
    positive(client.ehlo()?, "EHLO")?;
    Ok(Seen { before, after: Some(advertised(client)) })
}

/// A reply the session cannot go on without.
fn positive(reply: Reply, what: &str) -> Result<Reply, Error> {
    if reply.is_positive() {
        return Ok(reply);
    }
    Err(Error::Rejected { command: what.to_string(), reply })
}

/// STARTTLS per the policy; true when TLS is now up.
fn starttls(plan: &TestAuthPlan, client: &mut Client<'_>) -> Result<bool, Error> {
    Ok(plan.tls().starttls(client, plan.port, "AUTH")? == Upgrade::Done)
}

/// Notes the mechanisms advertised before and after TLS, and warns when a password mechanism
/// is offered in clear.
fn describe_mechanisms(client: &mut Client<'_>, seen: &Seen) {
    let list = |m: &[String]| if m.is_empty() { "none advertised".into() } else { m.join(" ") };
    match (&seen.before, &seen.after) {
        (None, Some(after)) => {
            client.emit(Event::Note(format!("AUTH (implicit TLS): {}", list(after))))
        }
        (Some(before), None) => {
            client.emit(Event::Note(format!("AUTH (no TLS): {}", list(before))))
        }
        (Some(before), Some(after)) => {
            client.emit(Event::Note(format!("AUTH before STARTTLS: {}", list(before))));
            client.emit(Event::Note(format!("AUTH after STARTTLS: {}", list(after))));
        }
        (None, None) => {}
    }
    let cleartext = |m: &String| m.eq_ignore_ascii_case("PLAIN") || m.eq_ignore_ascii_case("LOGIN");
    if seen.after.is_some() && seen.before.as_ref().is_some_and(|b| b.iter().any(cleartext)) {
        client.emit(Event::Warning(
            "the server offers PLAIN/LOGIN before STARTTLS: a client that does not insist on \
             TLS sends its password in clear"
                .into(),
        ));
    }
}

/// `--mech all`: look once, then one connection per mechanism.
fn test_all(
    plan: &TestAuthPlan,
    observer: &mut dyn Observer,
    report: &mut Report,
    mute: &Cell<bool>,
) -> Result<()> {
    observer.on_event(&Event::Warning(
        "--mech all authenticates once per mechanism, each in a new connection: repeated \
         failures can lock the account or get this address blocked"
            .into(),
    ));
    let addrs = resolve(plan, observer)?;
    let candidates = discover(plan, &addrs, observer, report)?;
    let mut first_error: Option<Error> = None;
    let mut stopped: Option<&str> = None;
    for (name, candidate) in candidates {
        let mechanism = match (candidate, stopped) {
            (Err(outcome), _) => {
                report.attempts.push(Attempt { mechanism: name, outcome });
                continue;
            }
            (Ok(_), Some(why)) => {
                let outcome = Outcome::Skipped(why.to_string());
                report.attempts.push(Attempt { mechanism: name, outcome });
                continue;
            }
            (Ok(mechanism), None) => mechanism,
        };
        mute.set(true);
        observer.on_event(&Event::Note(format!("trying {mechanism} in a new connection")));
        let (attempt, error) = judge(&name, try_in_new_session(plan, &addrs, observer, mechanism));
        stopped = stop_reason(&attempt.outcome, error.as_ref(), plan.keep_going);
        report.attempts.push(attempt);
        if first_error.is_none() {
            first_error = error;
        }
    }
    mute.set(false);
    let tried = report.attempts.iter().filter(|a| a.outcome.tried()).count();
    if tried == 0 {
        return Err(Error::NoMechanism {
            reason: "none of the advertised mechanisms can be tried with these credentials \
                     (see the table)"
                .into(),
        }
        .into());
    }
    let failed = report
        .attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Refused { .. } | Outcome::Failed { .. }))
        .count();
    match first_error {
        None => Ok(()),
        Some(err) => Err(anyhow::Error::new(err)
            .context(format!("{failed} of {} failed; the first", tried_count(tried)))),
    }
}

/// Why the remaining mechanisms are not tried after this one, if they are not.
fn stop_reason(outcome: &Outcome, error: Option<&Error>, keep_going: bool) -> Option<&'static str> {
    let bad_credentials = match (outcome, error) {
        (Outcome::Refused { reply, .. }, _) => reply.code == 535,
        (_, Some(Error::Auth(e))) => e.reason.is_authentication_failure(),
        _ => false,
    };
    match error {
        Some(Error::Rejected { .. } | Error::Auth(_) | Error::NoMechanism { .. }) | None => {
            (bad_credentials && !keep_going)
                .then_some("not tried: stopped after the first 535 (--keep-going tries the rest)")
        }
        // The connection or TLS failed: the next one would most likely fail the same way.
        Some(_) => Some("not tried: stopped after a connection failure"),
    }
}

/// The discovery session: what the server advertises, in the order they will be tried
/// (strongest first), each either a mechanism to try or the row explaining why not.
fn discover(
    plan: &TestAuthPlan,
    addrs: &[std::net::SocketAddr],
    observer: &mut dyn Observer,
    report: &mut Report,
) -> Result<Vec<(String, Result<Mechanism, Outcome>)>> {
    let mut client = Client::connect(&plan.host, addrs, &plan.session, observer)?;
    report.address = Some(client.peer().to_string());
    let seen = open(plan, &mut client);
    report.tls = client.tls_info().cloned();
    report.ehlo = client.ehlo_info().cloned();
    let seen = match seen {
        Ok(seen) => seen,
        Err(err) => {
            if still_usable(&err) {
                let _ = client.quit();
            }
            return Err(err.into());
        }
    };
    describe_mechanisms(&mut client, &seen);
    (report.before_tls, report.after_tls) = (seen.before, seen.after);
    let advertised = client.ehlo_info().map(EhloInfo::auth_mechanisms).unwrap_or_default();
    // The same policy as a single test: no AUTH at all, or no TLS, ends here.
    let policy = if advertised.is_empty() {
        account::select(&mut client, &plan.auth, MechChoice::Auto).map(|_| ())
    } else {
        account::check_tls(&client, &plan.auth)
    };
    let binding = client.tls_info().is_some_and(|t| t.end_point.is_some());
    let _ = client.quit();
    policy?;
    Ok(candidates(&advertised, &plan.auth, binding))
}

/// Orders the advertised mechanisms for `--mech all` and decides which can be tried.
fn candidates(
    advertised: &[String],
    auth: &AuthPlan,
    binding: bool,
) -> Vec<(String, Result<Mechanism, Outcome>)> {
    let mut known: Vec<Mechanism> =
        advertised.iter().filter_map(|name| Mechanism::from_name(name)).collect();
    known.sort_by_key(|m| std::cmp::Reverse(m.strength()));
    let mut rows: Vec<(String, Result<Mechanism, Outcome>)> = known
        .into_iter()
        .map(|m| {
            let skip = if let Some(why) = auth.missing_credential(m) {
                Some(why.to_string())
            } else if m.needs_tls_binding() && !binding {
                Some("needs TLS channel-binding data, which this connection lacks".to_string())
            } else {
                None
            };
            let row = match skip {
                Some(why) => Err(Outcome::Skipped(why)),
                None => Ok(m),
            };
            (m.name().to_string(), row)
        })
        .collect();
    rows.extend(
        advertised
            .iter()
            .filter(|name| Mechanism::from_name(name).is_none())
            .map(|name| (name.clone(), Err(Outcome::Unsupported))),
    );
    rows
}

/// A fresh session for one mechanism of `--mech all`; the mechanism must be advertised there
/// too (a load balancer may send us to a differently configured server).
fn try_in_new_session(
    plan: &TestAuthPlan,
    addrs: &[std::net::SocketAddr],
    observer: &mut dyn Observer,
    mechanism: Mechanism,
) -> Result<AuthOutcome, Error> {
    let mut client = Client::connect(&plan.host, addrs, &plan.session, observer)?;
    let result = open(plan, &mut client).and_then(|_| {
        let named = MechChoice::One(mechanism);
        let mechanism = account::select(&mut client, &plan.auth, named)?;
        account::attempt(&mut client, &plan.auth, mechanism)
    });
    if result.as_ref().map_or_else(still_usable, |_| true) {
        let _ = client.quit();
    }
    result
}
