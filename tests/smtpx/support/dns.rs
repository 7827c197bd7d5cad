//! A tiny authoritative DNS server for tests, on 127.0.0.1 (UDP and TCP on the same port).
//!
//! Owns: a [`Zone`] built in the test, and two background threads (UDP, TCP accept) plus one per
//! TCP connection, all stopped and joined when the [`TestDns`] is dropped.
//! Must not touch: any address but 127.0.0.1, or any global state; it never recurses or
//! forwards. Messages are decoded and encoded with hickory-proto, through
//! `hickory_resolver::proto`, so it is always the very version the resolver speaks.
//!
//! Answers, as an authoritative server would give them (RFC 1035 §4.3.2, RFC 2308):
//! a name with records of the asked type → NOERROR with them; a name that exists (it owns
//! records, was declared with [`Zone::empty`], or has a descendant: an empty non-terminal,
//! RFC 8020) but has none of that type → NOERROR/NODATA; any other name → NXDOMAIN. Negative
//! answers carry an SOA in the authority section (RFC 2308 §2.1), though hickory tells NODATA
//! from NXDOMAIN by the RCODE alone.

// Each integration test binary uses only part of this module.
#![allow(dead_code)]

use std::collections::HashSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hickory_resolver::proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA, MX, SOA};
use hickory_resolver::proto::rr::{Name, RData, Record};

/// How often blocked reads wake up to check for shutdown.
const POLL: Duration = Duration::from_millis(50);
/// TTL of every record; nothing caches across calls anyway (smtpx builds a resolver per call).
const TTL: u32 = 60;

/// The data the server answers from. Names are case-insensitive; a trailing dot is optional.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    /// (owner, data) in insertion order: answers keep it, so MX order is under test control.
    records: Vec<(String, RData)>,
    empty: HashSet<String>,
    nxdomain: HashSet<String>,
    stall: HashSet<String>,
    servfail: HashSet<String>,
    truncate: HashSet<String>,
}

impl Zone {
    pub fn new() -> Self {
        Self::default()
    }

    /// An MX record; `exchange` "." is the root (see [`Zone::null_mx`]).
    pub fn mx(mut self, domain: &str, preference: u16, exchange: &str) -> Self {
        let rdata = RData::MX(MX::new(preference, name(exchange)));
        self.records.push((key(domain), rdata));
        self
    }

    pub fn a(mut self, name: &str, ip: Ipv4Addr) -> Self {
        self.records.push((key(name), RData::A(A(ip))));
        self
    }

    pub fn aaaa(mut self, name: &str, ip: Ipv6Addr) -> Self {
        self.records.push((key(name), RData::AAAA(AAAA(ip))));
        self
    }

    /// RFC 7505: the single MX "." of preference 0.
    pub fn null_mx(self, domain: &str) -> Self {
        self.mx(domain, 0, ".")
    }

    /// NXDOMAIN for this name even if records or descendants were added (any name not in the
    /// zone gets NXDOMAIN anyway; this one says so explicitly).
    pub fn nxdomain(mut self, name: &str) -> Self {
        self.nxdomain.insert(key(name));
        self
    }

    /// The name exists but owns no records: NODATA for every type.
    pub fn empty(mut self, name: &str) -> Self {
        self.empty.insert(key(name));
        self
    }

    /// Queries for this name are received (and counted) but never answered, over UDP or TCP.
    pub fn stall(mut self, name: &str) -> Self {
        self.stall.insert(key(name));
        self
    }

    /// Queries for this name get SERVFAIL.
    pub fn servfail(mut self, name: &str) -> Self {
        self.servfail.insert(key(name));
        self
    }

    /// Over UDP, answers for this name come back empty with TC set, so the client must retry
    /// over TCP (RFC 7766 §5), where the full answer is given.
    pub fn truncate_udp(mut self, name: &str) -> Self {
        self.truncate.insert(key(name));
        self
    }

    fn exists(&self, name: &str) -> bool {
        let below = format!(".{name}");
        self.empty.contains(name)
            || self.records.iter().any(|(owner, _)| owner == name || owner.ends_with(&below))
    }

    /// The response to one query, or `None` to stay silent.
    fn respond(&self, request: &Message, over_udp: bool) -> Option<Message> {
        let query = request.queries.first()?;
        let owner = key(&query.name().to_ascii());
        if self.stall.contains(&owner) {
            return None;
        }
        let mut response = response_to(request, query);
        if self.servfail.contains(&owner) {
            response.metadata.response_code = ResponseCode::ServFail;
        } else if self.nxdomain.contains(&owner) || !self.exists(&owner) {
            response.metadata.response_code = ResponseCode::NXDomain;
            response.add_authority(soa_for(&owner));
        } else if over_udp && self.truncate.contains(&owner) {
            response.metadata.truncation = true;
        } else {
            let answers: Vec<Record> = self
                .records
                .iter()
                .filter(|(o, data)| *o == owner && data.record_type() == query.query_type())
                .map(|(_, data)| Record::from_rdata(query.name().clone(), TTL, data.clone()))
                .collect();
            if answers.is_empty() {
                response.add_authority(soa_for(&owner));
            }
            response.add_answers(answers);
        }
        Some(response)
    }
}

/// Lowercase, without the trailing dot: how the zone keys names.
fn key(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

fn name(text: &str) -> Name {
    if text == "." {
        return Name::root();
    }
    let fqdn = format!("{}.", key(text));
    Name::from_ascii(&fqdn).unwrap_or_else(|e| panic!("bad name {text:?} in a test zone: {e}"))
}

/// An SOA for negative answers, owned by the name's last two labels (a stand-in zone apex).
fn soa_for(owner: &str) -> Record {
    let labels: Vec<&str> = owner.split('.').collect();
    let apex = labels[labels.len().saturating_sub(2)..].join(".");
    let soa = SOA::new(
        name(&format!("ns.{apex}")),
        name(&format!("hostmaster.{apex}")),
        1,
        3600,
        600,
        86400,
        TTL,
    );
    Record::from_rdata(name(&apex), TTL, RData::SOA(soa))
}

fn response_to(request: &Message, query: &Query) -> Message {
    let mut response = Message::response(request.metadata.id, request.metadata.op_code);
    response.metadata.authoritative = true;
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    response.add_query(query.clone());
    // RFC 6891 §6.1.1: a query with OPT gets an OPT back.
    if request.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(1232);
        response.set_edns(edns);
    }
    response
}

/// State shared with the server threads.
struct Shared {
    zone: Zone,
    stop: AtomicBool,
    queries: AtomicUsize,
    tcp_queries: AtomicUsize,
    asked: Mutex<Vec<String>>,
    connections: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    /// Decodes, records and answers one message; `None` for garbage, non-queries and stalls.
    fn handle(&self, bytes: &[u8], over_udp: bool) -> Option<Vec<u8>> {
        let request = Message::from_vec(bytes).ok()?;
        if request.metadata.message_type != MessageType::Query
            || request.metadata.op_code != OpCode::Query
        {
            return None;
        }
        self.queries.fetch_add(1, Ordering::SeqCst);
        if !over_udp {
            self.tcp_queries.fetch_add(1, Ordering::SeqCst);
        }
        if let Some(q) = request.queries.first() {
            let line = format!("{} {}", key(&q.name().to_ascii()), q.query_type());
            self.asked.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
        self.zone.respond(&request, over_udp)?.to_vec().ok()
    }
}

/// The running server. Dropping it stops and joins every thread it started.
pub struct TestDns {
    addr: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl TestDns {
    /// Binds UDP and TCP on the same free port of 127.0.0.1 and starts answering from `zone`.
    pub fn start(zone: Zone) -> TestDns {
        let (udp, tcp) = bind_pair();
        let addr = udp.local_addr().expect("local address of the test DNS socket");
        let shared = Arc::new(Shared {
            zone,
            stop: AtomicBool::new(false),
            queries: AtomicUsize::new(0),
            tcp_queries: AtomicUsize::new(0),
            asked: Mutex::new(Vec::new()),
            connections: Mutex::new(Vec::new()),
        });
        let threads = vec![
            spawn("test-dns-udp", {
                let s = shared.clone();
                move || serve_udp(&s, &udp)
            }),
            spawn("test-dns-tcp", {
                let s = shared.clone();
                move || serve_tcp(&s, &tcp)
            }),
        ];
        TestDns { addr, shared, threads }
    }

    /// Where to send queries (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many well-formed queries arrived (UDP and TCP, answered or not).
    pub fn queries(&self) -> usize {
        self.shared.queries.load(Ordering::SeqCst)
    }

    /// How many of those came over TCP.
    pub fn tcp_queries(&self) -> usize {
        self.shared.tcp_queries.load(Ordering::SeqCst)
    }

    /// The queries received, in order, as "name TYPE" (e.g. "example.test MX").
    pub fn asked(&self) -> Vec<String> {
        self.shared.asked.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocked receive and accept at once instead of waiting for their timeouts.
        if let Ok(waker) = UdpSocket::bind("127.0.0.1:0") {
            let _ = waker.send_to(b"", self.addr);
        }
        let _ = TcpStream::connect_timeout(&self.addr, POLL);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        let connections =
            std::mem::take(&mut *self.shared.connections.lock().unwrap_or_else(|p| p.into_inner()));
        for thread in connections {
            let _ = thread.join();
        }
    }
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    std::thread::Builder::new().name(name.into()).spawn(body).expect("spawn a test DNS thread")
}

/// A UDP socket and a TCP listener on the same port (a few tries: the TCP port may be taken).
fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind the test DNS UDP socket");
        let port = udp.local_addr().expect("local address").port();
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)) {
            return (udp, tcp);
        }
    }
    panic!("no port of 127.0.0.1 was free for both UDP and TCP");
}

fn serve_udp(shared: &Shared, socket: &UdpSocket) {
    let _ = socket.set_read_timeout(Some(POLL));
    let mut buf = [0u8; 4096];
    while !shared.stop.load(Ordering::SeqCst) {
        // Timeouts, and ICMP errors surfacing on a UDP socket, just mean "look again".
        let Ok((len, peer)) = socket.recv_from(&mut buf) else { continue };
        if let Some(reply) = shared.handle(&buf[..len], true) {
            let _ = socket.send_to(&reply, peer);
        }
    }
}

fn serve_tcp(shared: &Arc<Shared>, listener: &TcpListener) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let s = shared.clone();
        let thread = spawn("test-dns-conn", move || serve_connection(&s, stream));
        shared.connections.lock().unwrap_or_else(|p| p.into_inner()).push(thread);
    }
}

/// RFC 1035 §4.2.2 / RFC 7766 §8: each message is preceded by its two-byte length.
fn serve_connection(shared: &Shared, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(POLL));
    loop {
        let mut len = [0u8; 2];
        if !read_full(shared, &mut stream, &mut len) {
            return;
        }
        let mut message = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if !read_full(shared, &mut stream, &mut message) {
            return;
        }
        if let Some(reply) = shared.handle(&message, false) {
            let Ok(reply_len) = u16::try_from(reply.len()) else { return };
            let mut framed = reply_len.to_be_bytes().to_vec();
            framed.extend_from_slice(&reply);
            if stream.write_all(&framed).is_err() {
                return;
            }
        }
    }
}

/// Fills `buf`, waking every [`POLL`] to honour shutdown; false on EOF, error, or stop.
fn read_full(shared: &Shared, stream: &mut TcpStream, buf: &mut [u8]) -> bool {
    let mut filled = 0;
    while filled < buf.len() {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        match stream.read(&mut buf[filled..]) {
            Ok(0) => return false,
            Ok(n) => filled += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}
