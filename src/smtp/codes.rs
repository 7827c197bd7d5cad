//! STUB (replaced by the codes helper).
pub struct BasicCode {
    pub code: u16,
    pub meaning: &'static str,
    pub explanation: &'static str,
    pub rfc: &'static str,
}
pub fn basic_code(_code: u16) -> Option<&'static BasicCode> {
    None
}
pub fn describe_digits(code: u16) -> String {
    format!("code {code}")
}
pub struct StatusDetail {
    pub subject: u16,
    pub detail: u16,
    pub title: &'static str,
    pub description: &'static str,
    pub rfc: &'static str,
}
pub fn status_class(_class: u8) -> Option<&'static str> {
    None
}
pub fn status_subject(_subject: u16) -> Option<&'static str> {
    None
}
pub fn status_detail(_s: u16, _d: u16) -> Option<&'static StatusDetail> {
    None
}
