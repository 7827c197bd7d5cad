//! STUB (replaced by the dns helper).
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;
#[derive(Debug, Clone)]
pub struct DnsOptions {
    pub server: Option<SocketAddr>,
    pub timeout: Duration,
    pub family: AddressFamily,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressFamily {
    Any,
    V4Only,
    V6Only,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxHost {
    pub preference: u16,
    pub exchange: String,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailRoute {
    Mx(Vec<MxHost>),
    Implicit(String),
    NullMx,
}
#[derive(Debug)]
pub enum DnsError {
    NxDomain(String),
    NoMailHost(String),
    NoAddresses { host: String },
    Timeout { server: String },
    Resolver(String),
}
impl std::fmt::Display for DnsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
impl std::error::Error for DnsError {}
pub fn mail_route(domain: &str, _o: &DnsOptions) -> Result<MailRoute, DnsError> {
    Ok(MailRoute::Implicit(domain.into()))
}
pub fn resolve_host(host: &str, port: u16, _o: &DnsOptions) -> Result<Vec<SocketAddr>, DnsError> {
    (host, port)
        .to_socket_addrs()
        .map(|a| a.collect())
        .map_err(|e| DnsError::Resolver(e.to_string()))
}
