//! Everything a user sees: transcripts, reports, JSON, colours. It renders events and facts into
//! any `W: Write` (tests render into a `Vec<u8>`), and never touches a socket.

pub mod annotate;
pub mod json;
pub mod palette;
pub mod probe;
pub mod progress;
pub mod report;
pub mod sanitize;
pub mod transcript;

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: nothing but errors.
    Quiet,
    /// The default.
    Normal,
    /// `-v`: timings and detail.
    Verbose,
    /// `-vv`: raw bytes too.
    Raw,
}

/// True when `host` is `ip` itself (an IP-literal target, possibly in brackets).
pub fn is_ip_literal_of(host: &str, ip: &std::net::IpAddr) -> bool {
    host.trim_matches(['[', ']']) == ip.to_string()
}

/// `mx.example.com [192.0.2.1]:587`, or `192.0.2.1:587` when the host is the address. Not
/// escaped: callers print it through [`sanitize::terminal_safe`].
pub fn host_address(host: &str, addr: std::net::SocketAddr) -> String {
    if is_ip_literal_of(host, &addr.ip()) {
        addr.to_string()
    } else {
        format!("{host} [{}]:{}", addr.ip(), addr.port())
    }
}

#[cfg(test)]
mod tests {
    use super::host_address as label;
    use std::net::SocketAddr;

    #[test]
    fn labels_name_the_host_only_when_it_differs() {
        let addr: SocketAddr = "192.0.2.1:25".parse().unwrap();
        assert_eq!(label("192.0.2.1", addr), "192.0.2.1:25");
        assert_eq!(label("mx.example.com", addr), "mx.example.com [192.0.2.1]:25");
        let v6: SocketAddr = "[2001:db8::1]:587".parse().unwrap();
        assert_eq!(label("2001:db8::1", v6), "[2001:db8::1]:587");
    }
}
