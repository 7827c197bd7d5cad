//! The command line, as plain clap data. Nothing here opens a file or a socket: validation that
//! needs more than clap's syntax happens in [`crate::plan`].

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;
use crate::output::palette::ColorChoice;

/// SMTP client and diagnostic tool: trace a session with every reply explained, or decode a
/// reply code offline.
#[derive(Debug, Parser)]
#[command(name = "smtpx", version, about, after_long_help = EXIT_CODES_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compose a message (or take one as it is) and deliver it, explaining every refusal.
    #[command(after_long_help = SEND_HELP)]
    Send(Box<crate::commands::send::SendArgs>),
    /// Watch a whole SMTP session, every reply annotated with what it means.
    #[command(after_long_help = TRACE_HELP)]
    Trace(Box<TraceArgs>),
    /// See which of 25, 465 and 587 accept SMTP on a host, how (TLS, AUTH), and whether it is
    /// safe.
    #[command(after_long_help = crate::commands::probe_ports::HELP)]
    ProbePorts(Box<crate::commands::probe_ports::ProbePortsArgs>),
    /// Check credentials on a submission server, with the mechanisms and the reply explained.
    #[command(after_long_help = TEST_AUTH_HELP)]
    TestAuth(Box<crate::commands::test_auth::TestAuthArgs>),
    /// Decode a reply code, an enhanced status code or a bounce line, offline.
    #[command(after_long_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Write shell completions and man pages (for packagers and the repository).
    #[command(hide = true)]
    Generate(GenerateArgs),
}

const SEND_HELP: &str = "\
Examples:
  smtpx send --from me@example.org --to bob@example.com --subject hi --body 'Hello Bob'
  smtpx send --profile work --to bob@example.com --subject report --attach report.pdf
  smtpx send -s mail.example.org:587 -u me@example.org --to bob@example.com \\
      --subject news --body-file news.txt --html-file news.html
  smtpx send --raw message.eml -t                 To/Cc/Bcc from the message (sendmail -t)
  git send-email --sendmail-cmd='smtpx send --profile work --raw -' ...
  smtpx send --to bob@example.com --body x --print  show the message, send nothing

Without --server or --profile the message goes straight to each recipient domain's MX hosts.
By default delivery is all or nothing: if the server refuses any recipient, nothing is sent
(--allow-partial sends to the others). An undelivered message composed from arguments or read
from standard input is saved (--save-failed) and the error says where.

Exit codes (sysexits):
  0   delivered to every recipient
  64  usage error          65  bad address, header or other input
  66  input file missing or unreadable
  68  host or MX not found 69  5xx refusal, null MX, server lacks SMTPUTF8/REQUIRETLS or SIZE too small
  74  local I/O error (the message could not be read while sending)
  75  4xx refusal, timeout, connection lost (retry later)
  76  protocol error       77  certificate not trusted, authentication failed
  78  configuration error";

const TRACE_HELP: &str = "\
Examples:
  smtpx trace bob@example.com               MX lookup, then the session up to RCPT TO
  smtpx trace mail.example.com:587 --quit-after tls
  smtpx trace smtp.example.com:587 --user alice        ... STARTTLS, AUTH (password prompted)
  smtpx trace smtp.example.com --send --from me@example.org --rcpt me@example.org
  smtpx trace bob@example.com --json | jq .result

Exit codes (sysexits):
  0   the session reached its last stage and every reply was positive
  64  usage error          65  bad address or input
  68  host or MX not found 69  5xx rejection, refused connection, null MX, TLS required but absent
  75  4xx reply, timeout, connection lost (retry later)
  76  protocol error (malformed reply, bytes injected after STARTTLS)
  77  certificate not trusted, authentication failed
  78  configuration error";

const TEST_AUTH_HELP: &str = "\
The password comes from, in order: SMTPX_PASSWORD, --password-file, --password-command, the
profile (password-command, password-file or password), or a no-echo prompt on a terminal; an
OAuth token from SMTPX_TOKEN, --token-file or --token-command. It is never taken from the
command line, and never shown: AUTH lines appear as <redacted>.

AUTH is refused on a connection without TLS unless --allow-plaintext-auth. --tls auto uses
implicit TLS on 465 and requires STARTTLS on 587 (the default port).

Examples:
  smtpx test-auth smtp.example.com -u alice@example.com       port 587, password prompted
  SMTPX_PASSWORD=... smtpx test-auth smtp.example.com:465 -u alice
  smtpx test-auth smtp.example.com -u alice --password-command 'pass show mail/alice'
  smtpx test-auth smtp.example.com -u alice --mech all         a table, one login each
  smtpx test-auth smtp.example.com -u alice --token-file tok --mech xoauth2
  smtpx test-auth --profile work --json | jq .result

A profile ($XDG_CONFIG_HOME/smtpx/config.toml, or --config PATH):
  [profiles.work]
  server = \"smtp.example.com:587\"
  user = \"alice@example.com\"
  password-command = \"pass show mail/work\"

Exit codes (sysexits):
  0   authenticated (--mech all: every mechanism tried succeeded)
  64  usage error          65  bad input (user name, address)
  66  file missing         68  host not found
  69  5xx banner or EHLO, no usable mechanism advertised, TLS required but absent
  75  4xx reply (454 4.7.0 temporary failure), timeout, connection lost
  76  protocol error (malformed 334 challenge, bytes injected after STARTTLS)
  77  credentials rejected (535 5.7.8), mechanism refused (534, 538), wrong SCRAM
      server signature, AUTH refused without TLS, certificate not trusted
  78  configuration: no password source and no terminal, bad profile, password
      file or profile with a password readable by others
With --mech all the code is that of the first mechanism that failed.";

const EXPLAIN_HELP: &str = "\
Examples:
  smtpx explain 550
  smtpx explain 5.7.26
  smtpx explain \"550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown\"
  grep 'said:' /var/log/mail.log | smtpx explain -

Exit codes: 0 explained, 65 no reply code found in the input, 66 stdin unreadable.";

/// How the output looks.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Print one JSON document (with a schema_version) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail (commands that connect): -v adds the transcript or timings and certificate
    /// details, -vv raw bytes.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour the output (NO_COLOR is honoured with auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// Where and how to connect.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Port to connect to (default: 25, or the port in HOST:PORT).
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// Use IPv4 only.
    #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Use IPv6 only.
    #[arg(short = '6', long = "ipv6")]
    pub ipv6: bool,
    /// Name to announce in EHLO/HELO (default: this machine's host name).
    #[arg(long, value_name = "NAME")]
    pub ehlo: Option<String>,
    /// Time allowed for each TCP connection attempt (e.g. 10s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub connect_timeout: Duration,
    /// Time allowed for each server reply and each write (the reply to the end of a message
    /// gets at least 10 minutes, RFC 5321 §4.5.3.2.6, since giving up early risks duplicates).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Local address to connect from.
    #[arg(long, value_name = "IP")]
    pub local_addr: Option<IpAddr>,
    /// Ask this DNS resolver (IP or IP:PORT) instead of the system's.
    #[arg(long, value_name = "IP[:PORT]")]
    pub dns_server: Option<String>,
}

/// TLS policy: when to use TLS and what to trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsMode {
    /// Implicit TLS on 465, STARTTLS required on 587, STARTTLS when offered elsewhere; the
    /// certificate is always verified.
    Auto,
    /// STARTTLS required: stop before MAIL FROM if it is not offered or fails.
    Starttls,
    /// TLS from the first byte (RFC 8314, port 465).
    Implicit,
    /// STARTTLS when offered; the certificate is checked and reported but not enforced (what
    /// MTAs do on port 25).
    Opportunistic,
    /// Never use TLS.
    None,
}

/// TLS options shared by every command that connects.
#[derive(Debug, Clone, Args)]
pub struct TlsArgs {
    /// When to use TLS [default: auto, or the profile's `tls`].
    // No clap default: a profile's `tls` must apply unless --tls was given, and a default would
    // be indistinguishable from an explicit `--tls auto`.
    #[arg(long, value_enum, value_name = "MODE")]
    pub tls: Option<TlsMode>,
    /// PEM file of CA certificates to trust, in addition to the system's.
    #[arg(long, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
    /// Do not verify the server's certificate (DANGEROUS: anyone on the path can read and
    /// change the session).
    #[arg(long)]
    pub insecure: bool,
    /// Server name to send in SNI and to verify (default: the host name).
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,
    /// PEM client certificate to present.
    #[arg(long, value_name = "PATH", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// PEM (PKCS#8) private key of the client certificate.
    #[arg(long, value_name = "PATH", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
}

impl TlsArgs {
    /// The TLS mode in force: `--tls`, else `auto`.
    pub fn mode(&self) -> TlsMode {
        self.tls.unwrap_or(TlsMode::Auto)
    }
}

/// The stages of a traced session, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Stage {
    /// After the TCP (and implicit TLS) connection.
    Connect,
    /// After the server's greeting.
    Banner,
    /// After EHLO.
    Ehlo,
    /// After STARTTLS and the second EHLO.
    Tls,
    /// After AUTH, when --user (or --mech) asks for it; without, the same as tls.
    Auth,
    /// After MAIL FROM.
    Mail,
    /// After RCPT TO (the default without --send).
    Rcpt,
    /// After DATA's 354: the connection is closed without sending content, so the server
    /// discards the transaction (RFC 5321 §4.1.1.4).
    Data,
}

/// `smtpx trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// An email address (its domain's MX is traced), a HOST, or HOST:PORT.
    #[arg(value_name = "ADDRESS|HOST[:PORT]")]
    pub target: String,
    /// Envelope sender for MAIL FROM (default: the null sender <>).
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// Recipient for RCPT TO (default: the target address; a HOST target without it stops
    /// before MAIL FROM).
    #[arg(long, value_name = "ADDRESS")]
    pub rcpt: Option<String>,
    /// Stop after this stage and QUIT.
    #[arg(long, value_enum, value_name = "STAGE")]
    pub quit_after: Option<Stage>,
    /// Go through DATA and send a small generated test message.
    #[arg(long, conflicts_with = "quit_after")]
    pub send: bool,
    /// On a connection failure, go on to the next MX host, as an MTA would.
    #[arg(long)]
    pub all_mx: bool,
    // With --user or --mech, AUTH after TLS (and auth becomes the default last stage for a
    // HOST target).
    #[command(flatten)]
    pub auth: crate::account::AuthArgs,
    #[command(flatten)]
    pub profile: crate::account::ProfileArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub tls: TlsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `smtpx explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A reply code (550), an enhanced code (5.7.26), a reply or bounce line, or - for stdin.
    #[arg(value_name = "CODE|REPLY|-", required = true, num_args = 1..)]
    pub input: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `smtpx generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory that receives completions/ and man/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out_dir: PathBuf,
}

/// Parses `30`, `30s`, `500ms`, `2m` into a duration (plain numbers are seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration; use e.g. 10s, 500ms or 2m"))?;
    let seconds = match unit {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        _ => return Err(format!("unknown unit '{unit}' in '{text}'; use ms, s or m")),
    };
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!("'{text}' must be more than 0 and at most 24 hours"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
    }
}
