//! Parse, then plan: turns the raw command line into validated values before any socket opens.
//! Files are read, addresses and names are checked, and every problem is reported with the
//! argument it came from and how to fix it — so bad input never half-sends anything.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use crate::cli::{ConnectArgs, TlsArgs};
use crate::dns::{AddressFamily, DnsOptions};
use crate::exit::{Classify, Exit};
use crate::smtp::SessionConfig;
use crate::smtp::tls::TlsParams;
use crate::smtp::transport::ConnectOptions;

/// What kind of input problem this is (it decides the exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanErrorKind {
    /// The command line does not make sense (64).
    Usage,
    /// A value is malformed: an address, a name, a header (65).
    Input,
    /// A file is missing or unreadable (66).
    NoInput,
    /// A configuration file or credential source is wrong (78).
    Config,
}

/// A problem found before connecting.
#[derive(Debug, Clone)]
pub struct PlanError {
    pub kind: PlanErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

impl PlanError {
    /// A malformed value.
    pub fn input(message: impl Into<String>, hint: impl Into<String>) -> PlanError {
        PlanError { kind: PlanErrorKind::Input, message: message.into(), hint: Some(hint.into()) }
    }

    /// A configuration file or credential source that is wrong.
    pub fn config(message: impl Into<String>, hint: impl Into<String>) -> PlanError {
        PlanError { kind: PlanErrorKind::Config, message: message.into(), hint: Some(hint.into()) }
    }

    /// A command line that does not fit together.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> PlanError {
        PlanError { kind: PlanErrorKind::Usage, message: message.into(), hint: Some(hint.into()) }
    }

    /// A file that cannot be read.
    pub fn file(arg: &str, path: &Path, err: &std::io::Error) -> PlanError {
        PlanError {
            kind: PlanErrorKind::NoInput,
            message: format!("{arg} {}: {err}", path.display()),
            hint: Some(format!("check that {} exists and is readable", path.display())),
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlanError {}

impl Classify for PlanError {
    fn phase(&self) -> &'static str {
        match self.kind {
            PlanErrorKind::Usage => "usage",
            PlanErrorKind::Input | PlanErrorKind::NoInput => "input",
            PlanErrorKind::Config => "config",
        }
    }
    fn exit(&self) -> Exit {
        match self.kind {
            PlanErrorKind::Usage => Exit::Usage,
            PlanErrorKind::Input => Exit::DataErr,
            PlanErrorKind::NoInput => Exit::NoInput,
            PlanErrorKind::Config => Exit::Config,
        }
    }
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

/// An envelope address, `local@domain` (RFC 5321 §4.1.2 Mailbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub local: String,
    pub domain: String,
}

impl Address {
    /// True when the address needs SMTPUTF8 (RFC 6531): any non-ASCII character.
    pub fn is_international(&self) -> bool {
        !self.local.is_ascii() || !self.domain.is_ascii()
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

/// Checks an envelope address given for `arg` (e.g. `--rcpt`). Angle brackets are accepted
/// and removed, since people paste them from headers.
pub fn parse_address(arg: &str, text: &str) -> Result<Address, PlanError> {
    let bad = |why: &str| {
        PlanError::input(
            format!("{arg} {text:?} is not a valid address: {why}"),
            "give an address like bob@example.com",
        )
    };
    let trimmed = text.trim();
    let trimmed = trimmed.strip_prefix('<').and_then(|t| t.strip_suffix('>')).unwrap_or(trimmed);
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(bad("control characters (CR, LF, ...) are not allowed"));
    }
    if trimmed.chars().any(|c| c.is_whitespace() || matches!(c, '<' | '>' | ',')) {
        return Err(bad("spaces, '<', '>' and ',' are not allowed"));
    }
    let Some((local, domain)) = trimmed.rsplit_once('@') else {
        return Err(bad("missing '@'"));
    };
    if local.is_empty() {
        return Err(bad("nothing before the '@'"));
    }
    // RFC 5321 §4.1.2: an '@' in the local part is only possible inside a quoted string.
    if local.contains('@') && !(local.starts_with('"') && local.ends_with('"')) {
        return Err(bad("more than one '@'"));
    }
    // RFC 5321 §4.5.3.1: local part at most 64 octets, path at most 256.
    if local.len() > 64 {
        return Err(bad("the part before '@' is longer than 64 octets"));
    }
    check_domain(domain).map_err(|why| bad(&why))?;
    if trimmed.len() > 254 {
        return Err(bad("longer than 254 octets"));
    }
    Ok(Address { local: local.to_string(), domain: domain.to_string() })
}

/// Checks a domain name's syntax (labels of 1..=63 characters, no leading or trailing hyphen);
/// an address literal `[192.0.2.1]` is accepted too.
pub fn check_domain(domain: &str) -> Result<(), String> {
    if domain.starts_with('[') && domain.ends_with(']') {
        let inner = &domain[1..domain.len() - 1];
        let inner = inner.strip_prefix("IPv6:").unwrap_or(inner);
        return inner.parse::<IpAddr>().map(|_| ()).map_err(|_| "bad address literal".into());
    }
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.is_empty() {
        return Err("empty domain".into());
    }
    if domain.len() > 253 {
        return Err("domain longer than 253 octets".into());
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(format!("empty label in domain {domain:?}"));
        }
        if label.chars().count() > 63 {
            return Err(format!("label {label:?} is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label {label:?} starts or ends with '-'"));
        }
        if !label.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("label {label:?} has characters not allowed in a host name"));
        }
    }
    Ok(())
}

/// What `trace` and friends were pointed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An email address: its domain's MX hosts are used.
    Address(Address),
    /// A host with an optional port.
    Host { host: String, port: Option<u16> },
}

/// Parses `bob@example.com`, `host`, `host:587`, `192.0.2.1:25`, `[2001:db8::1]:25` or `::1`.
pub fn parse_target(text: &str) -> Result<Target, PlanError> {
    if text.contains('@') {
        return parse_address("target", text).map(Target::Address);
    }
    let (host, port) = parse_host_port("target", text)?;
    Ok(Target::Host { host, port })
}

/// Splits `HOST[:PORT]`; IPv6 literals need brackets when a port is given.
pub fn parse_host_port(arg: &str, text: &str) -> Result<(String, Option<u16>), PlanError> {
    let bad = |why: String| {
        PlanError::input(
            format!("{arg} {text:?}: {why}"),
            "use HOST, HOST:PORT, an IP address or [IPv6]:PORT",
        )
    };
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok((ip.to_string(), None));
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(|| bad("missing ']'".into()))?;
        inside.parse::<std::net::Ipv6Addr>().map_err(|_| bad("not an IPv6 address".into()))?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| bad("expected ':' after ']'".into()))?),
        };
        (inside.to_string(), port)
    } else {
        match text.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (text.to_string(), None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(PlanError::usage(
                    format!("{arg} {text:?}: {p:?} is not a port number (1-65535)"),
                    "use HOST:PORT with a port from 1 to 65535",
                ));
            }
        },
    };
    if host.parse::<IpAddr>().is_err() {
        check_domain(&host).map_err(bad)?;
    }
    Ok((host, port))
}

/// The name for EHLO: `--ehlo`, else this machine's host name.
pub fn ehlo_name(args: &ConnectArgs) -> Result<String, PlanError> {
    let name = match &args.ehlo {
        Some(name) => name.clone(),
        None => std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "localhost".to_string()),
    };
    // RFC 5321 §4.1.1.1: a domain or an address literal.
    if check_domain(&name).is_err() {
        return Err(PlanError::input(
            format!("--ehlo {name:?} is not a host name or address literal"),
            "give a name like client.example.org or [192.0.2.1]",
        ));
    }
    Ok(name)
}

/// Loads the TLS trust anchors and client identity named on the command line.
pub fn tls_params(args: &TlsArgs) -> Result<TlsParams, PlanError> {
    let mut params =
        TlsParams { insecure: args.insecure, sni: args.sni.clone(), ..Default::default() };
    if let Some(path) = &args.ca_file {
        let pem = std::fs::read(path).map_err(|e| PlanError::file("--ca-file", path, &e))?;
        params.roots = parse_pem_certificates(&pem).map_err(|why| {
            PlanError::input(
                format!("--ca-file {}: {why}", path.display()),
                "give a PEM file with one or more -----BEGIN CERTIFICATE----- blocks",
            )
        })?;
    }
    if let (Some(cert), Some(key)) = (&args.client_cert, &args.client_key) {
        let cert_pem =
            std::fs::read(cert).map_err(|e| PlanError::file("--client-cert", cert, &e))?;
        let key_pem = std::fs::read(key).map_err(|e| PlanError::file("--client-key", key, &e))?;
        let identity = native_tls::Identity::from_pkcs8(&cert_pem, &key_pem).map_err(|e| {
            PlanError::input(
                format!("--client-cert/--client-key: {e}"),
                "give a PEM certificate and its PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)",
            )
        })?;
        params.identity = Some(identity);
    }
    if let Some(sni) = &args.sni {
        check_domain(sni)
            .map_err(|why| PlanError::input(format!("--sni {sni:?}: {why}"), "give a host name"))?;
    }
    Ok(params)
}

/// The TLS parameters of a session command (trace, test-auth, send): [`tls_params`], plus
/// `--tls opportunistic`'s "encrypt but do not verify". probe-ports does not use this: it
/// reports the verdict under every mode.
pub fn session_tls_params(args: &TlsArgs) -> Result<TlsParams, PlanError> {
    let mut params = tls_params(args)?;
    params.opportunistic = args.mode() == crate::cli::TlsMode::Opportunistic;
    Ok(params)
}

/// Splits a PEM bundle into certificates.
fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<native_tls::Certificate>, String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = std::str::from_utf8(pem).map_err(|_| "not a text (PEM) file".to_string())?;
    let mut certs = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let end = rest[start..].find(END).ok_or("a certificate block has no END line")?
            + start
            + END.len();
        let cert = native_tls::Certificate::from_pem(&rest.as_bytes()[start..end])
            .map_err(|e| format!("certificate {} is invalid: {e}", certs.len() + 1))?;
        certs.push(cert);
        rest = &rest[end..];
    }
    if certs.is_empty() {
        return Err("no certificate found".into());
    }
    Ok(certs)
}

/// The DNS options: resolver, timeout and address family.
pub fn dns_options(args: &ConnectArgs) -> Result<DnsOptions, PlanError> {
    let server = match &args.dns_server {
        None => None,
        Some(text) => Some(parse_dns_server(text)?),
    };
    let family = match (args.ipv4, args.ipv6) {
        (true, _) => AddressFamily::V4Only,
        (_, true) => AddressFamily::V6Only,
        _ => AddressFamily::Any,
    };
    Ok(DnsOptions { server, timeout: args.timeout.min(std::time::Duration::from_secs(15)), family })
}

fn parse_dns_server(text: &str) -> Result<SocketAddr, PlanError> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    // A malformed option value is a command-line error (64), like the ones clap finds.
    text.parse::<SocketAddr>().map_err(|_| {
        PlanError::usage(
            format!("--dns-server {text:?} is not an IP address or IP:PORT"),
            "e.g. --dns-server 9.9.9.9 or --dns-server 127.0.0.1:5353 or [::1]:53",
        )
    })
}

/// The engine configuration.
pub fn session_config(args: &ConnectArgs, tls: TlsParams) -> Result<SessionConfig, PlanError> {
    Ok(SessionConfig {
        ehlo_name: ehlo_name(args)?,
        connect: ConnectOptions {
            connect_timeout: args.connect_timeout,
            reply_timeout: args.timeout,
            local_addr: args.local_addr,
        },
        tls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        let a = parse_address("--rcpt", "<bob@example.com>").unwrap();
        assert_eq!(a.to_string(), "bob@example.com");
        assert!(parse_address("--rcpt", "bob").unwrap_err().message.contains("missing '@'"));
        assert!(parse_address("--rcpt", "@example.com").is_err());
        assert!(parse_address("--rcpt", "bob@").is_err());
        assert!(parse_address("--rcpt", "bob@exa mple.com").is_err());
        let injected = parse_address("--rcpt", "bob@example.com\r\nDATA").unwrap_err();
        assert!(injected.message.contains("control characters"), "{}", injected.message);
        assert_eq!(injected.exit(), Exit::DataErr);
        assert!(parse_address("--rcpt", "bob@[192.0.2.1]").is_ok());
        assert!(parse_address("--rcpt", "josé@exämple.de").unwrap().is_international());
    }

    #[test]
    fn targets_and_ports() {
        assert_eq!(
            parse_target("mail.example.com:587").unwrap(),
            Target::Host { host: "mail.example.com".into(), port: Some(587) }
        );
        assert_eq!(parse_target("::1").unwrap(), Target::Host { host: "::1".into(), port: None });
        assert_eq!(
            parse_target("[::1]:2525").unwrap(),
            Target::Host { host: "::1".into(), port: Some(2525) }
        );
        assert!(matches!(parse_target("bob@example.com").unwrap(), Target::Address(_)));
        assert!(parse_target("host:0").is_err());
        assert!(parse_target("host:99999").is_err());
        assert!(parse_target("bad_host!").is_err());
        assert!(parse_target("[::1").is_err());
    }

    #[test]
    fn dns_server_takes_ip_or_socket_address() {
        assert_eq!(parse_dns_server("127.0.0.1").unwrap(), "127.0.0.1:53".parse().unwrap());
        assert_eq!(parse_dns_server("[::1]:5353").unwrap(), "[::1]:5353".parse().unwrap());
        assert!(parse_dns_server("dns.example").is_err());
    }

    #[test]
    fn pem_bundle_without_certificates_is_refused() {
        assert!(parse_pem_certificates(b"hello").is_err());
    }
}
