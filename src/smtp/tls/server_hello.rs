//! STUB (replaced by the tlsfacts helper).
#[derive(Debug, Clone, Copy)]
pub enum TlsVersion {
    Tls13,
    Unknown(u16),
}
impl std::fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
pub struct ServerHelloFacts {
    pub version: TlsVersion,
    pub cipher_suite: u16,
}
pub fn parse_server_hello(_b: &[u8]) -> Result<ServerHelloFacts, String> {
    Err("stub".into())
}
pub fn cipher_suite_name(_id: u16) -> Option<&'static str> {
    None
}
