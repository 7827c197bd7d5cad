//! STUB (replaced by the tlsfacts helper).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertificateSummary {
    pub subject: String,
    pub subject_cn: Option<String>,
    pub sans: Vec<String>,
    pub issuer: String,
    pub issuer_cn: Option<String>,
    pub issuer_org: Option<String>,
    pub not_before: String,
    pub not_after: String,
    pub not_before_unix: i64,
    pub not_after_unix: i64,
    pub days_left: i64,
    pub self_signed: bool,
    pub serial: String,
    pub signature_algorithm: String,
}
pub fn summarize(_der: &[u8], _now: i64) -> Result<CertificateSummary, String> {
    Err("stub".into())
}
#[derive(Debug, Clone)]
pub enum TrustVerdict {
    Trusted,
    Other(String),
}
impl std::fmt::Display for TrustVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
pub fn classify_failure(_s: &CertificateSummary, _h: &str, _n: i64, e: &str) -> TrustVerdict {
    TrustVerdict::Other(e.into())
}
