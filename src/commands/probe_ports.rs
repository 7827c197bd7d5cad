//! `smtpx probe-ports`: which of 25, 465 and 587 (or the ports given) accept SMTP on a host, how
//! (STARTTLS or implicit TLS, which AUTH), and whether it is safe — at a glance.
//!
//! Owns: the command line of the command, the plan (target, ports, TLS reading), resolving the
//! target (its MX hosts with `--mx` or for an email address), running one thread per host and
//! one per address and port so the whole probe takes about as long as the slowest port, the exit
//! code, and the `--json` document. The sessions themselves are in [`probe`], the facts and
//! verdicts in [`report`], the table and details in [`crate::output::probe`].
//! Must not touch: the engine's internals (it drives [`crate::smtp::Client`] only) or stdout
//! outside the final rendering (live status goes to stderr).

pub mod probe;
pub mod report;

use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};

use anyhow::Result;
use clap::Args;
use serde_json::{Value, json};

use crate::cli::{ConnectArgs, OutputArgs, TlsArgs};
use crate::dns::{self, DnsError, DnsOptions, MailRoute};
use crate::exit::Exit;
use crate::output::Verbosity;
use crate::output::json as jsonout;
use crate::output::probe::{ProbeView, render};
use crate::output::progress::{LiveStatus, StatusLine};
use crate::plan::{self, PlanError, Target};

use self::probe::ProbeSettings;
use self::report::{HostReport, PortReport, Summary};

/// The ports probed when none are given: relay, implicit-TLS submission, submission.
pub const DEFAULT_PORTS: [u16; 3] = [25, 465, 587];

/// The most ports one run probes (each address and port gets a thread).
pub const MAX_PORTS: usize = 64;

/// `smtpx probe-ports`.
#[derive(Debug, Args)]
#[command(
    mut_arg("port", |arg| arg.hide(true)),
    mut_arg("tls", |arg| {
        arg.help("How TLS is used on each port: auto, implicit, starttls, none (see below)")
            .hide_possible_values(true)
    })
)]
pub struct ProbePortsArgs {
    /// A host, an IP address, HOST:PORT (probes that port alone), or an email address (probes
    /// its domain's MX hosts).
    #[arg(value_name = "HOST|ADDRESS")]
    pub target: String,
    /// Ports to probe, comma-separated [default: 25,465,587].
    #[arg(long, value_name = "PORTS", value_delimiter = ',',
          value_parser = clap::value_parser!(u16).range(1..))]
    pub ports: Vec<u16>,
    /// Probe the MX hosts of the domain TARGET instead of TARGET itself.
    #[arg(long)]
    pub mx: bool,
    /// Exit 0 only if every probe of these ports accepts an SMTP session (they are probed even
    /// when --ports leaves them out).
    #[arg(long, value_name = "PORTS", value_delimiter = ',',
          value_parser = clap::value_parser!(u16).range(1..))]
    pub require: Vec<u16>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub tls: TlsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The long help's tail: what --tls means here, an example, and the exit codes.
pub const HELP: &str = "\
Every resolved address (IPv4 and IPv6; -4/-6 to restrict) and every port is probed at the same
time, so the whole probe takes about as long as the slowest port. A probe never sends MAIL, RCPT
or AUTH, and ends every session with QUIT. The certificate is verified (--ca-file adds trust
anchors) and the verdict reported; an untrusted certificate does not stop the probe, which reads
the rest in an unverified session.

--tls here: auto (default) uses implicit TLS on 465, STARTTLS when offered on 25, 587 and 2525,
and on any other port tries implicit TLS when the port stays silent for 2 s (at most half of
--timeout); implicit: TLS from the first byte on every port; starttls: never implicit TLS;
none: no TLS at all (STARTTLS is only reported); opportunistic: as auto. --port is not used:
give --ports, or HOST:PORT.

Examples:
  smtpx probe-ports mail.example.com                 25, 465 and 587 on every address
  smtpx probe-ports bob@example.com --ports 25       port 25 of each MX host
  smtpx probe-ports smtp.example.com --require 587   exit 0 only if 587 works
  smtpx probe-ports mail.example.com --json | jq '.probes[] | {port, verdict}'

  $ smtpx probe-ports 127.0.0.1 --ports 10025,10465,10587,10026,2526 --ca-file ca.pem
  ADDRESS    PORT   TCP     CONNECT  BANNER  TLS           CERTIFICATE  AUTH
  127.0.0.1  10025  open       0 ms  220     STARTTLS 1.3  trusted      none
  127.0.0.1  10465  open       0 ms  220     implicit 1.3  trusted      after TLS
  127.0.0.1  10587  open       0 ms  220     STARTTLS 1.3  trusted      after TLS
  127.0.0.1  10026  open       0 ms  220     STARTTLS 1.3  trusted      before TLS!
  127.0.0.1  2526   closed        -  -       -             -            -

  127.0.0.1
    ✓ 10025: SMTP ready — STARTTLS (TLS 1.3), no AUTH
        banner       220 mail.smtpx.test ESMTP smtpx interop rig (Postfix)
        …            (EHLO keywords, TLS, certificate, AUTH before/after TLS, SIZE)
    ✓ 10465: submission ready — implicit TLS (TLS 1.3), AUTH PLAIN LOGIN CRAM-MD5 …
    ✓ 10587: submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN CRAM-MD5 …
    ! 10026: submission ready — STARTTLS (TLS 1.3), AUTH PLAIN LOGIN CRAM-MD5 …
    ! 10026: AUTH offered before TLS (password would travel in clear)
    ✗ 2526: closed — connection refused, nothing listens there

  ✓ 4 of 5 probes accept an SMTP session (ports 10025, 10465, 10587, 10026)

Exit codes:
  0   at least one probed port accepts an SMTP session (with --require: every probe of
      the required ports does)
  64  usage error      65  bad target or option value      66  --ca-file unreadable
  68  the target (or every MX host) does not resolve
  69  no probed port accepts an SMTP session; or the domain has a null MX (RFC 7505)
  75  the DNS resolver did not answer (retry later)";

/// Where the hosts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostSource {
    /// One host or IP address.
    Host(String),
    /// The MX hosts of a domain.
    Mx(String),
}

/// Everything `probe-ports` will do, validated.
#[derive(Debug)]
pub struct ProbePlan {
    /// The target as typed.
    pub input: String,
    /// Where the hosts come from.
    pub source: HostSource,
    /// The ports, in order, without duplicates.
    pub ports: Vec<u16>,
    /// `--require`.
    pub require: Vec<u16>,
    /// Session settings shared by every probe.
    pub settings: ProbeSettings,
    /// How to resolve.
    pub dns: DnsOptions,
}

impl ProbePlan {
    /// Validates the arguments; nothing is resolved or connected yet.
    pub fn from_args(args: &ProbePortsArgs) -> Result<ProbePlan, PlanError> {
        if args.connect.port.is_some() {
            return Err(PlanError::usage(
                "probe-ports probes several ports: --port does not apply",
                "give --ports 25,587 (or HOST:PORT for one port)",
            ));
        }
        let (source, target_port) = match plan::parse_target(&args.target)? {
            Target::Address(a) => (HostSource::Mx(a.domain), None),
            Target::Host { host, port } if args.mx => {
                if host.parse::<IpAddr>().is_ok() {
                    return Err(PlanError::usage(
                        format!("--mx needs a domain, and {host} is an IP address"),
                        "drop --mx to probe the address itself",
                    ));
                }
                (HostSource::Mx(host), port)
            }
            Target::Host { host, port } => (HostSource::Host(host), port),
        };
        let ports = ports(&args.ports, target_port, &args.require)?;
        let tls = plan::tls_params(&args.tls)?;
        let settings = ProbeSettings {
            session: plan::session_config(&args.connect, tls)?,
            mode: args.tls.mode(),
        };
        Ok(ProbePlan {
            input: args.target.clone(),
            source,
            ports,
            require: dedup(&args.require),
            settings,
            dns: plan::dns_options(&args.connect)?,
        })
    }
}

/// The port list: `--ports`, else the one in TARGET, else the defaults; then `--require`'s.
fn ports(given: &[u16], in_target: Option<u16>, require: &[u16]) -> Result<Vec<u16>, PlanError> {
    let mut ports = match (given.is_empty(), in_target) {
        (false, Some(port)) => {
            return Err(PlanError::usage(
                format!("the target names port {port} and --ports names others"),
                "give the ports either in TARGET or in --ports",
            ));
        }
        (false, None) => dedup(given),
        (true, Some(port)) => vec![port],
        (true, None) => DEFAULT_PORTS.to_vec(),
    };
    for port in require {
        if !ports.contains(port) {
            ports.push(*port);
        }
    }
    if ports.len() > MAX_PORTS {
        return Err(PlanError::usage(
            format!("{} ports given; probe-ports probes at most {MAX_PORTS}", ports.len()),
            "probe fewer ports per run",
        ));
    }
    Ok(ports)
}

fn dedup(ports: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(ports.len());
    for port in ports {
        if !out.contains(port) {
            out.push(*port);
        }
    }
    out
}

/// Runs `smtpx probe-ports`.
pub fn run(args: ProbePortsArgs) -> Result<Exit> {
    let plan = ProbePlan::from_args(&args)?;
    let verbosity = super::verbosity(&args.output);
    let on_terminal = std::io::stderr().is_terminal();
    let colour = crate::output::palette::Palette::choose(args.output.color, on_terminal).enabled();
    let live = LiveStatus::new(on_terminal && verbosity != Verbosity::Quiet, colour);
    let (route, hosts) = hosts(&plan)?;
    let reports = probe_hosts(&plan, &hosts, &live)?;
    live.clear();
    let summary = summarize(&plan, &reports);
    let route_line = route
        .as_ref()
        .zip(mx_domain(&plan))
        .map(|(route, domain)| crate::output::transcript::route_line(domain, route));
    let mut stdout = std::io::stdout().lock();
    // The run's exit code, decided once for the JSON document and the process.
    let failure = unresolved(&reports);
    let exit = match &failure {
        Some(error) => crate::exit::Classify::exit(error),
        None if summary.ok => Exit::Ok,
        None => Exit::Unavailable,
    };
    if args.output.json {
        let doc = document(&plan, route.as_ref(), &reports, &summary, exit);
        jsonout::print(&mut stdout, &doc)?;
    } else if verbosity != Verbosity::Quiet {
        let view = ProbeView { route_line, hosts: &reports, summary: &summary };
        render(&mut stdout, super::stdout_palette(&args.output), verbosity, &view)?;
    }
    stdout.flush()?;
    match failure {
        Some(error) => Err(error.into()),
        None => Ok(exit),
    }
}

fn mx_domain(plan: &ProbePlan) -> Option<&str> {
    match &plan.source {
        HostSource::Mx(domain) => Some(domain),
        HostSource::Host(_) => None,
    }
}

/// The hosts to probe: the target, or its domain's MX hosts (RFC 5321 §5.1).
fn hosts(plan: &ProbePlan) -> Result<(Option<MailRoute>, Vec<String>)> {
    let domain = match &plan.source {
        HostSource::Host(host) => return Ok((None, vec![host.clone()])),
        HostSource::Mx(domain) => domain,
    };
    let route = dns::mail_route(domain, &plan.dns)?;
    let hosts = route.hosts().ok_or_else(|| crate::dns::NullMx(domain.clone()))?;
    Ok((Some(route), hosts))
}

/// When no host resolved, the first host's DNS error: its exit code is the run's (68 for a
/// name that does not exist, 75 for a resolver that did not answer).
fn unresolved(reports: &[HostReport]) -> Option<DnsError> {
    if reports.iter().any(|h| h.dns_error.is_none()) {
        return None;
    }
    reports.first().and_then(|h| h.dns_error.clone())
}

/// Resolves every host and probes every address and port, each on its own thread.
fn probe_hosts(plan: &ProbePlan, hosts: &[String], live: &LiveStatus) -> Result<Vec<HostReport>> {
    let outcomes = std::thread::scope(|scope| {
        let handles = hosts
            .iter()
            .map(|host| {
                std::thread::Builder::new()
                    .name(format!("resolve {host}"))
                    .spawn_scoped(scope, move || probe_host(plan, host, live))
            })
            .collect::<Vec<_>>();
        handles
            .into_iter()
            .map(|handle| handle.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))))
            .collect::<std::io::Result<Vec<_>>>()
    })?;
    outcomes.into_iter().collect()
}

/// One host: resolve it, then probe each address and port concurrently.
fn probe_host(plan: &ProbePlan, host: &str, live: &LiveStatus) -> Result<HostReport> {
    let addresses: Vec<IpAddr> = match dns::resolve_host(host, 0, &plan.dns) {
        Ok(addrs) => addrs.iter().map(SocketAddr::ip).collect(),
        Err(error) => return Ok(unresolved_host(host, &error)),
    };
    let jobs: Vec<(SocketAddr, StatusLine)> = addresses
        .iter()
        .flat_map(|ip| plan.ports.iter().map(move |port| SocketAddr::new(*ip, *port)))
        .map(|addr| (addr, live.line(&crate::output::host_address(host, addr))))
        .collect();
    let probes = std::thread::scope(|scope| {
        let handles = jobs
            .iter()
            .map(|(addr, status)| {
                std::thread::Builder::new().name(format!("probe {addr}")).spawn_scoped(
                    scope,
                    move || {
                        let report = probe::probe(host, *addr, &plan.settings, status);
                        status.finish(&report.verdict.text);
                        report
                    },
                )
            })
            .collect::<Vec<_>>();
        handles
            .into_iter()
            .map(|handle| handle.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))))
            .collect::<std::io::Result<Vec<PortReport>>>()
    })?;
    Ok(HostReport { host: host.to_string(), addresses, error: None, dns_error: None, probes })
}

fn unresolved_host(host: &str, error: &DnsError) -> HostReport {
    HostReport {
        host: host.to_string(),
        addresses: Vec::new(),
        error: Some(error.to_string()),
        dns_error: Some(error.clone()),
        probes: Vec::new(),
    }
}

/// What the exit code says, in words.
pub fn summarize(plan: &ProbePlan, hosts: &[HostReport]) -> Summary {
    let probes: Vec<&PortReport> = hosts.iter().flat_map(|h| &h.probes).collect();
    let accepting: Vec<&PortReport> =
        probes.iter().copied().filter(|p| p.accepts_session).collect();
    let (ok, text) = if plan.require.is_empty() {
        let ports = dedup(&accepting.iter().map(|p| p.port).collect::<Vec<_>>());
        let list = ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
        match accepting.len() {
            0 if probes.is_empty() => (false, "nothing was probed".to_string()),
            0 => (false, "no probed port accepts an SMTP session".to_string()),
            n => (
                true,
                format!("{n} of {} probes accept an SMTP session (ports {list})", probes.len()),
            ),
        }
    } else {
        required(&plan.require, &probes)
    };
    Summary { ok, accepting: accepting.len(), probes: probes.len(), text }
}

/// `--require`: every probe of each required port must accept a session.
fn required(require: &[u16], probes: &[&PortReport]) -> (bool, String) {
    let list = require.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    for port in require {
        let of_port: Vec<&&PortReport> = probes.iter().filter(|p| p.port == *port).collect();
        if of_port.is_empty() {
            return (false, format!("required port {port} was not probed (no address)"));
        }
        if let Some(failed) = of_port.iter().find(|p| !p.accepts_session) {
            let at = crate::output::host_address(
                &failed.host,
                SocketAddr::new(failed.address, failed.port),
            );
            return (
                false,
                format!("required port {port} does not accept an SMTP session at {at}"),
            );
        }
    }
    (true, format!("every probe of the required ports ({list}) accepts an SMTP session"))
}

/// The `--json` document.
fn document(
    plan: &ProbePlan,
    route: Option<&MailRoute>,
    hosts: &[HostReport],
    summary: &Summary,
    exit: Exit,
) -> Value {
    let target = match &plan.source {
        HostSource::Host(host) => json!({ "input": plan.input, "kind": "host", "host": host }),
        HostSource::Mx(domain) => json!({ "input": plan.input, "kind": "mx", "domain": domain }),
    };
    let connect = &plan.settings.session.connect;
    json!({
        "schema_version": jsonout::SCHEMA_VERSION,
        "command": "probe-ports",
        "target": target,
        "mx": route.map(jsonout::route_value),
        "ports": plan.ports,
        "require": plan.require,
        "settings": {
            "tls": format!("{:?}", plan.settings.mode).to_lowercase(),
            "connect_timeout_ms": connect.connect_timeout.as_millis() as u64,
            "timeout_ms": connect.reply_timeout.as_millis() as u64,
            "ehlo": plan.settings.session.ehlo_name,
            "verify_certificates": !plan.settings.session.tls.insecure,
        },
        "hosts": hosts.iter().map(|h| json!({
            "host": h.host, "addresses": h.addresses, "error": h.error,
        })).collect::<Vec<_>>(),
        "probes": hosts.iter().flat_map(|h| &h.probes).collect::<Vec<_>>(),
        "result": {
            "ok": summary.ok,
            "exit_code": exit as u8,
            "accepting": summary.accepting,
            "probes": summary.probes,
            "summary": summary.text,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_come_from_one_place() {
        assert_eq!(ports(&[], None, &[]).unwrap(), DEFAULT_PORTS);
        assert_eq!(ports(&[], Some(2525), &[]).unwrap(), [2525]);
        assert_eq!(ports(&[587, 25, 587], None, &[465]).unwrap(), [587, 25, 465]);
        assert!(ports(&[25], Some(587), &[]).is_err());
        let many: Vec<u16> = (1..=65).collect();
        assert!(ports(&many, None, &[]).is_err());
    }
}
