//! DNS for smtpx: where mail for a domain goes (MX, implicit MX, null MX) and which addresses a
//! host has, behind synchronous functions.
//!
//! Owns: the hickory-resolver configuration (the system's, or one server the user named), the
//! small tokio runtime each call runs on and drops, the rules of RFC 5321 §5.1 and RFC 7505 that
//! turn answers into a [`MailRoute`], and the [`DnsError`] a user reads when a lookup fails.
//! Must not touch: printing (callers render routes and errors), SMTP, or any socket other than
//! the resolver's own. No async type leaves this module: the engine is synchronous.
//!
//! IDNA: hickory's `Name::from_utf8` already converts Unicode names to A-labels (UTS #46 with
//! the STD3 rules, through the `idna` crate it depends on), so this module adds no `idna`
//! dependency. Names it hands back (MX exchanges, the implicit host) are in ASCII form, which
//! every later step (getaddrinfo, SNI, EHLO) can use as is.

use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError as ProtoDnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};

/// What the system path calls its resolver when getaddrinfo, not hickory, answers.
const SYSTEM_RESOLVER: &str = "the system resolver (getaddrinfo)";

/// How to look names up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsOptions {
    /// Ask only this server (UDP, then TCP when an answer is truncated). `None` uses the system's
    /// configuration: /etc/resolv.conf for [`mail_route`], getaddrinfo for [`resolve_host`].
    pub server: Option<SocketAddr>,
    /// Upper bound for one whole call, retries and the implicit-MX address lookups included.
    pub timeout: Duration,
    /// Which addresses [`resolve_host`] may return.
    pub family: AddressFamily,
}

impl Default for DnsOptions {
    fn default() -> Self {
        Self { server: None, timeout: Duration::from_secs(10), family: AddressFamily::Any }
    }
}

/// The address families a caller accepts (`-4`, `-6`, or neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AddressFamily {
    /// IPv4 and IPv6.
    #[default]
    Any,
    /// IPv4 only (`-4`).
    V4Only,
    /// IPv6 only (`-6`).
    V6Only,
}

impl AddressFamily {
    /// Whether an address of this kind may be returned.
    pub fn allows(self, ip: IpAddr) -> bool {
        match self {
            AddressFamily::Any => true,
            AddressFamily::V4Only => ip.is_ipv4(),
            AddressFamily::V6Only => ip.is_ipv6(),
        }
    }

    /// The record types to ask for, in the order their answers are returned (AAAA first, as
    /// hickory's default `Ipv6AndIpv4` strategy orders them).
    fn record_types(self) -> &'static [RecordType] {
        match self {
            AddressFamily::Any => &[RecordType::AAAA, RecordType::A],
            AddressFamily::V4Only => &[RecordType::A],
            AddressFamily::V6Only => &[RecordType::AAAA],
        }
    }
}

impl fmt::Display for AddressFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressFamily::Any => "IPv4 or IPv6",
            AddressFamily::V4Only => "IPv4",
            AddressFamily::V6Only => "IPv6",
        })
    }
}

/// One MX record: a host that accepts mail for the domain (RFC 5321 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxHost {
    /// Lower is tried first.
    pub preference: u16,
    /// The mail host, in ASCII form, without the trailing dot.
    pub exchange: String,
}

/// Where mail for a domain goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailRoute {
    /// The MX hosts, sorted by preference; hosts of equal preference keep the server's order.
    Mx(Vec<MxHost>),
    /// No MX records, but the domain has an address: it is its own mail host (RFC 5321 §5.1).
    /// Holds the host to connect to: the domain in ASCII form, or the address literal given.
    Implicit(String),
    /// The domain publishes a null MX (RFC 7505): it accepts no mail at all.
    NullMx,
}

impl MailRoute {
    /// The hosts to try, in order; `None` for a null MX, which each caller reports its own way.
    pub fn hosts(&self) -> Option<Vec<String>> {
        match self {
            MailRoute::Mx(hosts) => Some(hosts.iter().map(|h| h.exchange.clone()).collect()),
            MailRoute::Implicit(host) => Some(vec![host.clone()]),
            MailRoute::NullMx => None,
        }
    }
}

/// A negative answer: the name asked about and the resolver that gave the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negative {
    /// The name as the user wrote it (without a trailing dot).
    pub name: String,
    /// The resolver that answered, e.g. `127.0.0.1:5353`.
    pub resolver: String,
}

/// Compares the name, so `err == DnsError::NxDomain(..)` checks can be written against a domain.
impl PartialEq<str> for Negative {
    fn eq(&self, other: &str) -> bool {
        self.name == other
    }
}

impl PartialEq<&str> for Negative {
    fn eq(&self, other: &&str) -> bool {
        self.name == *other
    }
}

/// Why a lookup failed. Every message names what was asked and the resolver that was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// The name does not exist: the resolver answered NXDOMAIN (RFC 1035 §4.1.1, RCODE 3).
    NxDomain(Negative),
    /// The domain exists but has neither MX records nor an A/AAAA address, so no host accepts
    /// mail for it (RFC 5321 §5.1).
    NoMailHost(Negative),
    /// The host exists but has no address of the family the caller allows.
    NoAddresses {
        /// The host as the user wrote it.
        host: String,
        /// The family that was allowed.
        family: AddressFamily,
        /// Who was asked (or why nobody was).
        resolver: String,
    },
    /// No answer within [`DnsOptions::timeout`]: the resolver is down, unreachable, or slow.
    Timeout {
        /// The name asked about.
        name: String,
        /// The resolver that did not answer.
        server: String,
    },
    /// Any other failure, in words that name the query and the resolver: SERVFAIL, REFUSED, a
    /// network error, an unreadable system configuration.
    Resolver(String),
    /// The name is not a valid domain name (empty, an empty label, a character DNS names cannot
    /// hold). Nothing was asked.
    InvalidName {
        /// The input as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::NxDomain(n) => {
                write!(f, "{} does not exist (NXDOMAIN from {})", n.name, n.resolver)
            }
            DnsError::NoMailHost(n) => write!(
                f,
                "{} has no MX record and no address, so no host accepts mail for it (asked {})",
                n.name, n.resolver
            ),
            DnsError::NoAddresses { host, family, resolver } => {
                write!(f, "{host} has no {family} address (asked {resolver})")
            }
            DnsError::Timeout { name, server } => {
                write!(f, "no answer about {name} from {server} in time (DNS timeout)")
            }
            DnsError::Resolver(message) => f.write_str(message),
            DnsError::InvalidName { name, reason } => {
                write!(f, "{name:?} is not a valid domain name: {reason}")
            }
        }
    }
}

impl std::error::Error for DnsError {}

/// Finds where mail for `domain` goes: its MX hosts, itself (implicit MX), or nowhere (null MX).
///
/// An address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`, RFC 5321 §4.1.3) needs no DNS and
/// routes to itself. Otherwise the MX records are asked for; NOERROR without MX records (NODATA)
/// falls back to the domain's own A/AAAA addresses (RFC 5321 §5.1).
pub fn mail_route(domain: &str, opts: &DnsOptions) -> Result<MailRoute, DnsError> {
    if parse_literal(domain).is_some() {
        return Ok(MailRoute::Implicit(domain.to_string()));
    }
    let domain = Domain::parse(domain)?;
    let upstream = Upstream::new(opts)?;
    upstream.run(opts.timeout, &domain.shown, async |asker| route(&asker, &domain).await)
}

/// Resolves `host` to socket addresses on `port`, in the resolver's order, keeping only the
/// families `opts.family` allows.
///
/// An IP literal (also bracketed: `[::1]`, `[IPv6:::1]`) is returned as is, without any DNS.
/// Without `opts.server` the system resolver answers (getaddrinfo: /etc/hosts, "localhost");
/// with one, that server is asked for AAAA and A.
pub fn resolve_host(host: &str, port: u16, opts: &DnsOptions) -> Result<Vec<SocketAddr>, DnsError> {
    if let Some(ip) = parse_literal(host) {
        if opts.family.allows(ip) {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        let resolver = "nothing: it is an address literal".to_string();
        return Err(DnsError::NoAddresses {
            host: host.to_string(),
            family: opts.family,
            resolver,
        });
    }
    let domain = Domain::parse(host)?;
    let (ips, resolver) = match opts.server {
        None => (system_lookup(&domain, opts.timeout)?, SYSTEM_RESOLVER.to_string()),
        Some(_) => {
            let upstream = Upstream::new(opts)?;
            let label = upstream.label.clone();
            let family = opts.family;
            let ips = upstream.run(opts.timeout, &domain.shown, async |asker| {
                asker.addresses(&domain, family).await
            })?;
            (ips, label)
        }
    };
    let addrs: Vec<SocketAddr> = ips
        .into_iter()
        .filter(|ip| opts.family.allows(*ip))
        .map(|ip| SocketAddr::new(ip, port))
        .collect();
    if addrs.is_empty() {
        return Err(DnsError::NoAddresses { host: domain.shown, family: opts.family, resolver });
    }
    Ok(addrs)
}

/// The MX lookup and, on NODATA, the implicit-MX address check.
async fn route(asker: &Asker, domain: &Domain) -> Result<MailRoute, DnsError> {
    if let Answer::Records(records) = asker.ask(domain, RecordType::MX).await? {
        let hosts: Vec<MxHost> = records
            .iter()
            .filter_map(|rdata| match rdata {
                RData::MX(mx) => {
                    Some(MxHost { preference: mx.preference, exchange: ascii_host(&mx.exchange) })
                }
                _ => None,
            })
            .collect();
        // An answer holding only a CNAME chain without MX at its end is NODATA too.
        if !hosts.is_empty() {
            return Ok(mx_route(hosts));
        }
    }
    let ips = asker.addresses(domain, AddressFamily::Any).await?;
    if ips.is_empty() {
        return Err(DnsError::NoMailHost(asker.negative(domain)));
    }
    Ok(MailRoute::Implicit(domain.ascii()))
}

/// Orders MX hosts and recognizes a null MX.
///
/// RFC 7505 §3: a null MX is a single MX of preference 0 whose exchange is the root ("."). The
/// root is never a host one can connect to, so a "." mixed with real hosts (a misconfiguration
/// the RFC forbids) is dropped and the real hosts are used. RFC 5321 §5.1 asks for random order
/// among equal preferences; a stable sort keeps the server's order, so output is reproducible.
fn mx_route(mut hosts: Vec<MxHost>) -> MailRoute {
    hosts.retain(|h| h.exchange != ".");
    if hosts.is_empty() {
        return MailRoute::NullMx;
    }
    hosts.sort_by_key(|h| h.preference);
    MailRoute::Mx(hosts)
}

/// A name in ASCII form without the trailing dot; the root stays ".".
fn ascii_host(name: &Name) -> String {
    if name.is_root() {
        return ".".to_string();
    }
    let ascii = name.to_ascii();
    ascii.strip_suffix('.').map(str::to_string).unwrap_or(ascii)
}

/// An address literal: a bare IP, `[IP]`, or RFC 5321 §4.1.3's `[IPv6:...]`.
fn parse_literal(text: &str) -> Option<IpAddr> {
    let Some(inner) = text.strip_prefix('[') else {
        return text.parse().ok();
    };
    let inner = inner.strip_suffix(']')?;
    match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => {
            inner[5..].parse().ok().filter(IpAddr::is_ipv6)
        }
        _ => inner.parse().ok(),
    }
}

/// A validated domain: the text to show the user, and the fully qualified name to ask about.
///
/// The name is always fully qualified, so no search list or ndots rule ever rewrites it: mail
/// domains are absolute (RFC 5321 §2.3.5), and so are the hosts smtpx connects to.
#[derive(Debug, Clone)]
struct Domain {
    shown: String,
    name: Name,
}

impl Domain {
    fn parse(input: &str) -> Result<Self, DnsError> {
        let invalid =
            |reason: &str| DnsError::InvalidName { name: input.to_string(), reason: reason.into() };
        let shown = input.strip_suffix('.').unwrap_or(input);
        if shown.is_empty() {
            return Err(invalid("it is empty"));
        }
        if shown.split('.').any(str::is_empty) {
            return Err(invalid("it has an empty label (a leading dot or two dots in a row)"));
        }
        let name = if shown.is_ascii() {
            // Letters, digits, hyphens, and underscores (found in real host names); hickory's
            // parser would also accept backslash escapes and "*", which have no place here.
            let bad = shown.chars().find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)));
            if let Some(c) = bad {
                return Err(invalid(&format!("it contains {c:?}")));
            }
            // RFC 1035 §2.3.4: labels of at most 63 octets, names of at most 255 on the wire
            // (253 characters in text form).
            if shown.split('.').any(|label| label.len() > 63) {
                return Err(invalid("a label is longer than 63 characters"));
            }
            if shown.len() > 253 {
                return Err(invalid("it is longer than 253 characters"));
            }
            if shown.split('.').any(|label| label.starts_with('-')) {
                return Err(invalid("a label starts with '-'"));
            }
            Name::from_ascii(shown)
        } else {
            // IDNA: hickory converts U-labels to A-labels (xn--...) here.
            Name::from_utf8(shown)
        };
        let mut name = name.map_err(|e| invalid(&e.to_string()))?;
        name.set_fqdn(true);
        Ok(Self { shown: shown.to_string(), name })
    }

    /// The ASCII (A-label) form without the trailing dot.
    fn ascii(&self) -> String {
        ascii_host(&self.name)
    }
}

/// What one query produced, short of an error.
enum Answer {
    /// Records of the asked type (a CNAME chain's own records are left out).
    Records(Vec<RData>),
    /// NOERROR with nothing of the asked type (NODATA).
    NoData,
}

/// Which resolver to ask and how, before any runtime exists.
struct Upstream {
    config: ResolverConfig,
    options: ResolverOpts,
    /// Names the resolver in error messages.
    label: String,
}

impl Upstream {
    fn new(opts: &DnsOptions) -> Result<Self, DnsError> {
        match opts.server {
            Some(addr) => Ok(Self::server(addr, opts.timeout)),
            None => {
                let system = hickory_resolver::system_conf::read_system_conf().map_err(|e| {
                    DnsError::Resolver(format!("cannot read the system DNS configuration: {e}"))
                })?;
                Ok(Self::system(system, opts.timeout))
            }
        }
    }

    /// Only `addr`, over UDP and TCP; /etc/hosts is not consulted, since the user asked for
    /// this server's view.
    fn server(addr: SocketAddr, timeout: Duration) -> Self {
        let mut udp = ConnectionConfig::udp();
        udp.port = addr.port();
        let mut tcp = ConnectionConfig::tcp();
        tcp.port = addr.port();
        let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(
            addr.ip(),
            true,
            vec![udp, tcp],
        )]);
        let mut options = ResolverOpts::default();
        options.use_hosts_file = ResolveHosts::Never;
        Self::tuned(config, options, addr.to_string(), timeout)
    }

    /// The system's configuration (/etc/resolv.conf and its options), timeouts ours.
    fn system((config, options): (ResolverConfig, ResolverOpts), timeout: Duration) -> Self {
        let ips: Vec<String> = config.name_servers().iter().map(|ns| ns.ip.to_string()).collect();
        let label = format!("{} (system resolver)", ips.join(", "));
        Self::tuned(config, options, label, timeout)
    }

    /// Two tries of half the budget each, so one lost datagram is retransmitted; `run` still
    /// enforces the whole budget.
    fn tuned(
        config: ResolverConfig,
        mut options: ResolverOpts,
        label: String,
        t: Duration,
    ) -> Self {
        options.timeout = (t / 2).max(Duration::from_millis(10));
        options.attempts = 1;
        Self { config, options, label }
    }

    /// Runs `work` on a current-thread runtime made for this call and dropped after it, bounded
    /// by `timeout` (hickory's own timeouts should fire first; this is the guarantee).
    fn run<T, F>(self, timeout: Duration, name: &str, work: F) -> Result<T, DnsError>
    where
        F: AsyncFnOnce(Asker) -> Result<T, DnsError>,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| DnsError::Resolver(format!("cannot start the DNS runtime: {e}")))?;
        let timed_out = DnsError::Timeout { name: name.to_string(), server: self.label.clone() };
        runtime.block_on(async move {
            // Built inside the runtime: hickory spawns its connection tasks on it.
            let asker = self.build()?;
            tokio::time::timeout(timeout, work(asker)).await.unwrap_or(Err(timed_out))
        })
    }

    fn build(self) -> Result<Asker, DnsError> {
        let resolver =
            TokioResolver::builder_with_config(self.config, TokioRuntimeProvider::default())
                .with_options(self.options)
                .build()
                .map_err(|e| {
                    DnsError::Resolver(format!("cannot set up the resolver {}: {e}", self.label))
                })?;
        Ok(Asker { resolver, label: self.label })
    }
}

/// A resolver inside the running runtime, and its name for messages.
#[derive(Clone)]
struct Asker {
    resolver: TokioResolver,
    label: String,
}

impl Asker {
    fn negative(&self, domain: &Domain) -> Negative {
        Negative { name: domain.shown.clone(), resolver: self.label.clone() }
    }

    /// One query; NXDOMAIN is an error, NODATA an [`Answer`].
    async fn ask(&self, domain: &Domain, rtype: RecordType) -> Result<Answer, DnsError> {
        match self.resolver.lookup(domain.name.clone(), rtype).await {
            Ok(lookup) => {
                let records: Vec<RData> = lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == rtype)
                    .map(|r| r.data.clone())
                    .collect();
                Ok(if records.is_empty() { Answer::NoData } else { Answer::Records(records) })
            }
            Err(err) => self.classify(err, domain, rtype),
        }
    }

    fn classify(
        &self,
        err: NetError,
        domain: &Domain,
        rtype: RecordType,
    ) -> Result<Answer, DnsError> {
        let shown = &domain.shown;
        let label = &self.label;
        match err {
            NetError::Dns(ProtoDnsError::NoRecordsFound(no)) => match no.response_code {
                ResponseCode::NXDomain => Err(DnsError::NxDomain(self.negative(domain))),
                _ => Ok(Answer::NoData),
            },
            NetError::Timeout => {
                Err(DnsError::Timeout { name: shown.clone(), server: label.clone() })
            }
            NetError::Dns(ProtoDnsError::ResponseCode(code)) => Err(DnsError::Resolver(format!(
                "{label} answered {code} (RCODE {}) to the {rtype} query for {shown}",
                u16::from(code)
            ))),
            other => Err(DnsError::Resolver(format!(
                "the {rtype} query for {shown} to {label} failed: {other}"
            ))),
        }
    }

    /// The AAAA and A queries the family allows, asked in parallel; AAAA answers come first.
    /// Any answer wins over the other query's failure, as hickory's `lookup_ip` does; with no
    /// address at all, the first failure is reported (NXDOMAIN, timeout, ...), else an empty list.
    async fn addresses(
        &self,
        domain: &Domain,
        family: AddressFamily,
    ) -> Result<Vec<IpAddr>, DnsError> {
        let tasks: Vec<_> = family
            .record_types()
            .iter()
            .map(|&rtype| {
                let (asker, domain) = (self.clone(), domain.clone());
                tokio::spawn(async move { asker.ask(&domain, rtype).await })
            })
            .collect();
        let mut ips = Vec::new();
        let mut failure = None;
        for task in tasks {
            let outcome = task.await.unwrap_or_else(|e| {
                Err(DnsError::Resolver(format!("a DNS task for {} failed: {e}", domain.shown)))
            });
            match outcome {
                Ok(Answer::Records(records)) => ips.extend(records.iter().filter_map(ip_of)),
                Ok(Answer::NoData) => {}
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
        match failure {
            Some(e) if ips.is_empty() => Err(e),
            _ => Ok(ips),
        }
    }
}

fn ip_of(rdata: &RData) -> Option<IpAddr> {
    match rdata {
        RData::A(a) => Some(IpAddr::V4(a.0)),
        RData::AAAA(aaaa) => Some(IpAddr::V6(aaaa.0)),
        _ => None,
    }
}

/// getaddrinfo, bounded by `timeout`. getaddrinfo cannot be cancelled, so it runs on its own
/// thread; on timeout that thread is left to finish on its own and its answer is dropped.
fn system_lookup(domain: &Domain, timeout: Duration) -> Result<Vec<IpAddr>, DnsError> {
    let (tx, rx) = mpsc::channel();
    let host = domain.ascii();
    std::thread::Builder::new()
        .name("smtpx-getaddrinfo".into())
        .spawn(move || {
            let result = (host.as_str(), 0).to_socket_addrs().map(|it| it.collect::<Vec<_>>());
            let _ = tx.send(result);
        })
        .map_err(|e| DnsError::Resolver(format!("cannot start a resolver thread: {e}")))?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(addrs)) => Ok(addrs.into_iter().map(|a| a.ip()).collect()),
        Ok(Err(err)) => Err(gai_error(&domain.shown, &err)),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(DnsError::Timeout {
            name: domain.shown.clone(),
            server: SYSTEM_RESOLVER.to_string(),
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(DnsError::Resolver(format!(
            "{SYSTEM_RESOLVER} stopped without answering about {}",
            domain.shown
        ))),
    }
}

/// Classifies a getaddrinfo failure. std reports only gai_strerror's text, so the EAI code is
/// recognized by its message (glibc, musl and BSD wordings); anything else stays a resolver
/// error, which callers treat as temporary.
fn gai_error(host: &str, err: &std::io::Error) -> DnsError {
    let text = err.to_string();
    let negative = || Negative { name: host.to_string(), resolver: SYSTEM_RESOLVER.to_string() };
    let has = |needle: &str| text.to_ascii_lowercase().contains(needle);
    if has("name or service not known")
        || has("nodename nor servname")
        || has("name does not resolve")
    {
        DnsError::NxDomain(negative())
    } else if has("no address associated") {
        DnsError::NoAddresses {
            host: host.to_string(),
            family: AddressFamily::Any,
            resolver: SYSTEM_RESOLVER.to_string(),
        }
    } else {
        DnsError::Resolver(format!("{SYSTEM_RESOLVER} could not resolve {host}: {text}"))
    }
}

/// RFC 7505: the domain publishes a null MX; it accepts no mail at all.
#[derive(Debug)]
pub struct NullMx(pub String);

impl std::fmt::Display for NullMx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} accepts no mail: it publishes a null MX (RFC 7505)", self.0)
    }
}

impl std::error::Error for NullMx {}

impl crate::exit::Classify for NullMx {
    fn phase(&self) -> &'static str {
        "dns"
    }
    fn exit(&self) -> crate::exit::Exit {
        crate::exit::Exit::Unavailable
    }
    fn hint(&self) -> Option<String> {
        Some("the address cannot receive mail; check the domain or ask its owner".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr, UdpSocket};

    fn mx(preference: u16, exchange: &str) -> MxHost {
        MxHost { preference, exchange: exchange.to_string() }
    }

    fn exchanges(route: &MailRoute) -> Vec<(u16, &str)> {
        match route {
            MailRoute::Mx(hosts) => {
                hosts.iter().map(|h| (h.preference, h.exchange.as_str())).collect()
            }
            other => panic!("expected MX hosts, got {other:?}"),
        }
    }

    #[test]
    fn mx_hosts_sorted_by_preference() {
        let route = mx_route(vec![mx(20, "b"), mx(10, "a"), mx(30, "c")]);
        assert_eq!(exchanges(&route), [(10, "a"), (20, "b"), (30, "c")]);
    }

    #[test]
    fn equal_preferences_keep_server_order() {
        let route = mx_route(vec![mx(10, "z"), mx(5, "first"), mx(10, "y"), mx(10, "x")]);
        assert_eq!(exchanges(&route), [(5, "first"), (10, "z"), (10, "y"), (10, "x")]);
    }

    #[test]
    fn single_root_exchange_is_null_mx() {
        assert_eq!(mx_route(vec![mx(0, ".")]), MailRoute::NullMx);
    }

    #[test]
    fn root_exchange_among_real_hosts_is_ignored() {
        let route = mx_route(vec![mx(0, "."), mx(10, "mx.example.test")]);
        assert_eq!(exchanges(&route), [(10, "mx.example.test")]);
    }

    #[test]
    fn literals_parse_with_and_without_brackets() {
        let v6: IpAddr = Ipv6Addr::LOCALHOST.into();
        let v4: IpAddr = Ipv4Addr::new(192, 0, 2, 1).into();
        assert_eq!(parse_literal("::1"), Some(v6));
        assert_eq!(parse_literal("[::1]"), Some(v6));
        assert_eq!(parse_literal("[IPv6:::1]"), Some(v6));
        assert_eq!(parse_literal("[ipv6:::1]"), Some(v6));
        assert_eq!(parse_literal("192.0.2.1"), Some(v4));
        assert_eq!(parse_literal("[192.0.2.1]"), Some(v4));
        assert_eq!(parse_literal("[IPv6:192.0.2.1]"), None);
        assert_eq!(parse_literal("[::1"), None);
        assert_eq!(parse_literal("example.test"), None);
        assert_eq!(parse_literal("[]"), None);
    }

    #[test]
    fn domain_trailing_dot_is_stripped() {
        let d = Domain::parse("Example.Test.").unwrap();
        assert_eq!(d.shown, "Example.Test");
        assert!(d.name.is_fqdn());
    }

    #[test]
    fn invalid_domains_are_refused_without_panic() {
        for input in ["", ".", "..", "a..b", ".a", "a b", "a\\.b", "*.x", "x\ny", "-a.test", "[::1"]
        {
            let err = Domain::parse(input).unwrap_err();
            assert!(matches!(err, DnsError::InvalidName { .. }), "{input:?}: {err:?}");
        }
        let long_label = "a".repeat(64) + ".test";
        assert!(matches!(Domain::parse(&long_label), Err(DnsError::InvalidName { .. })));
        let long_name = ["abcdefghi"; 30].join(".");
        assert!(matches!(Domain::parse(&long_name), Err(DnsError::InvalidName { .. })));
    }

    #[test]
    fn unicode_domain_becomes_a_labels() {
        let d = Domain::parse("bücher.example.").unwrap();
        assert_eq!(d.ascii(), "xn--bcher-kva.example");
        assert_eq!(d.shown, "bücher.example");
    }

    #[test]
    fn errors_name_the_domain_and_the_resolver() {
        let nx = DnsError::NxDomain(Negative {
            name: "example.invalid".into(),
            resolver: "127.0.0.1:5353".into(),
        });
        assert_eq!(nx.to_string(), "example.invalid does not exist (NXDOMAIN from 127.0.0.1:5353)");
        let none = DnsError::NoAddresses {
            host: "mx.test".into(),
            family: AddressFamily::V6Only,
            resolver: "127.0.0.1:53".into(),
        };
        assert_eq!(none.to_string(), "mx.test has no IPv6 address (asked 127.0.0.1:53)");
        let timeout = DnsError::Timeout { name: "a.test".into(), server: "[::1]:53".into() };
        assert_eq!(
            timeout.to_string(),
            "no answer about a.test from [::1]:53 in time (DNS timeout)"
        );
    }

    #[test]
    fn getaddrinfo_messages_are_classified() {
        let io =
            |m: &str| std::io::Error::other(format!("failed to lookup address information: {m}"));
        assert!(matches!(gai_error("x", &io("Name or service not known")), DnsError::NxDomain(_)));
        assert!(matches!(
            gai_error("x", &io("No address associated with hostname")),
            DnsError::NoAddresses { .. }
        ));
        assert!(matches!(
            gai_error("x", &io("Temporary failure in name resolution")),
            DnsError::Resolver(_)
        ));
    }

    fn opts(family: AddressFamily) -> DnsOptions {
        DnsOptions { server: None, timeout: Duration::from_secs(5), family }
    }

    #[test]
    fn ip_literals_resolve_to_themselves() {
        let any = opts(AddressFamily::Any);
        let want: SocketAddr = "192.0.2.7:25".parse().unwrap();
        assert_eq!(resolve_host("192.0.2.7", 25, &any).unwrap(), [want]);
        let want6: SocketAddr = "[2001:db8::1]:587".parse().unwrap();
        assert_eq!(resolve_host("[2001:db8::1]", 587, &any).unwrap(), [want6]);
        assert_eq!(resolve_host("2001:db8::1", 587, &any).unwrap(), [want6]);
        assert_eq!(resolve_host("[IPv6:2001:db8::1]", 587, &any).unwrap(), [want6]);
    }

    #[test]
    fn ip_literal_of_the_wrong_family_has_no_address() {
        let err = resolve_host("[::1]", 25, &opts(AddressFamily::V4Only)).unwrap_err();
        assert!(matches!(err, DnsError::NoAddresses { family: AddressFamily::V4Only, .. }));
        let err = resolve_host("127.0.0.1", 25, &opts(AddressFamily::V6Only)).unwrap_err();
        assert!(matches!(err, DnsError::NoAddresses { family: AddressFamily::V6Only, .. }));
    }

    #[test]
    fn localhost_resolves_through_the_system_resolver() {
        // getaddrinfo answers "localhost" from /etc/hosts ("files" comes first in nsswitch).
        let addrs = resolve_host("localhost", 2525, &opts(AddressFamily::Any)).unwrap();
        assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 2525), "{addrs:?}");
        let v4 = resolve_host("localhost", 25, &opts(AddressFamily::V4Only)).unwrap();
        assert!(v4.contains(&"127.0.0.1:25".parse().unwrap()), "{v4:?}");
        assert!(v4.iter().all(|a| a.is_ipv4()));
    }

    #[test]
    fn address_literal_domain_routes_to_itself() {
        let route = mail_route("[192.0.2.1]", &opts(AddressFamily::Any)).unwrap();
        assert_eq!(route, MailRoute::Implicit("[192.0.2.1]".into()));
        let route = mail_route("[IPv6:2001:db8::25]", &opts(AddressFamily::Any)).unwrap();
        assert_eq!(route, MailRoute::Implicit("[IPv6:2001:db8::25]".into()));
    }

    #[test]
    fn invalid_domain_is_refused_before_any_lookup() {
        let err = mail_route("bad..domain", &opts(AddressFamily::Any)).unwrap_err();
        assert!(matches!(err, DnsError::InvalidName { .. }), "{err:?}");
        let err = resolve_host("", 25, &opts(AddressFamily::Any)).unwrap_err();
        assert!(matches!(err, DnsError::InvalidName { .. }), "{err:?}");
    }

    /// The system configuration with its name servers swapped for a loopback socket that never
    /// answers: proves hickory answers "localhost" and ".invalid" itself, without a query, so
    /// the system path is safe to use for them.
    fn system_with_tripwire(timeout: Duration) -> (Upstream, UdpSocket) {
        let tripwire = UdpSocket::bind("127.0.0.1:0").unwrap();
        tripwire.set_nonblocking(true).unwrap();
        let port = tripwire.local_addr().unwrap().port();
        let (config, options) = hickory_resolver::system_conf::read_system_conf().unwrap();
        let (domain, search, _) = config.into_parts();
        let mut udp = ConnectionConfig::udp();
        udp.port = port;
        let ns = NameServerConfig::new(Ipv4Addr::LOCALHOST.into(), true, vec![udp]);
        let config = ResolverConfig::from_parts(domain, search, vec![ns]);
        (Upstream::system((config, options), timeout), tripwire)
    }

    fn assert_nothing_asked(tripwire: &UdpSocket) {
        let mut buf = [0u8; 512];
        let got = tripwire.recv_from(&mut buf);
        assert!(
            matches!(&got, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "a query reached the name server: {got:?}"
        );
    }

    #[test]
    fn system_path_answers_localhost_without_a_query() {
        let (upstream, tripwire) = system_with_tripwire(Duration::from_secs(2));
        let domain = Domain::parse("localhost").unwrap();
        let route = upstream
            .run(Duration::from_secs(2), "localhost", async |asker| route(&asker, &domain).await);
        assert_eq!(route, Ok(MailRoute::Implicit("localhost".into())));
        assert_nothing_asked(&tripwire);
    }

    #[test]
    fn system_path_answers_invalid_tld_without_a_query() {
        let (upstream, tripwire) = system_with_tripwire(Duration::from_secs(2));
        let domain = Domain::parse("example.invalid").unwrap();
        let route = upstream.run(Duration::from_secs(2), "example.invalid", async |asker| {
            route(&asker, &domain).await
        });
        assert!(
            matches!(route, Err(DnsError::NxDomain(ref n)) if n == "example.invalid"),
            "{route:?}"
        );
        assert_nothing_asked(&tripwire);
    }

    #[test]
    fn silent_server_times_out() {
        // Bound but never read: the datagram sits in its buffer and nothing answers.
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
        let server = Some(silent.local_addr().unwrap());
        let o =
            DnsOptions { server, timeout: Duration::from_millis(300), family: AddressFamily::Any };
        let err = mail_route("example.test", &o).unwrap_err();
        assert!(
            matches!(err, DnsError::Timeout { ref name, .. } if name == "example.test"),
            "{err:?}"
        );
        let err = resolve_host("mx.example.test", 25, &o).unwrap_err();
        assert!(matches!(err, DnsError::Timeout { .. }), "{err:?}");
    }
}
