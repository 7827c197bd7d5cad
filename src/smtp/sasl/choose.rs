//! Automatic choice of a SASL mechanism from what the server advertises (EHLO `AUTH`).
//!
//! It owns the preference order and the reason given to the user for the pick. It must not
//! decide whether AUTH may happen at all (that is the engine's rule: never over plaintext
//! unless the user allowed it), but it never picks a mechanism that sends the credential
//! itself over a connection without TLS, and says so when that leaves nothing.

use super::{CredentialKind, Mechanism};

/// Password mechanisms in order of preference, with why each wins when it is the best offered.
const PASSWORD_PREFERENCE: &[(Mechanism, &str)] = &[
    (
        Mechanism::ScramSha256Plus,
        "SCRAM-SHA-256-PLUS: the password never crosses the wire, the server proves it knows \
         it, and the exchange is bound to this TLS connection",
    ),
    (
        Mechanism::ScramSha256,
        "SCRAM-SHA-256: the password never crosses the wire and the server proves it knows it",
    ),
    (
        Mechanism::ScramSha1,
        "SCRAM-SHA-1: the password never crosses the wire and the server proves it knows it \
         (SHA-256 not offered)",
    ),
    (
        Mechanism::CramMd5,
        "CRAM-MD5: the password does not cross the wire, but MD5 is weak and the server does \
         not authenticate itself (no SCRAM offered)",
    ),
    (Mechanism::Plain, "PLAIN over TLS: the password is sent, protected only by TLS"),
    (
        Mechanism::Login,
        "LOGIN over TLS: the password is sent, protected only by TLS (PLAIN not offered)",
    ),
];

/// Token mechanisms in order of preference: the standard before Google's predecessor.
const TOKEN_PREFERENCE: &[(Mechanism, &str)] = &[
    (Mechanism::OAuthBearer, "OAUTHBEARER (RFC 7628): the access token, protected by TLS"),
    (Mechanism::XOAuth2, "XOAUTH2: the access token, protected by TLS (OAUTHBEARER not offered)"),
];

/// Picks the best advertised mechanism for this credential and connection, with the reason.
/// `None` when nothing fits; [`choose_explained`] says why.
pub fn choose(
    advertised: &[String],
    on_tls: bool,
    have_binding: bool,
    credential_kind: CredentialKind,
) -> Option<(Mechanism, &'static str)> {
    choose_explained(advertised, on_tls, have_binding, credential_kind).ok()
}

/// Like [`choose`], but when nothing fits the `Err` says why in plain words. A mechanism that
/// sends the credential itself is never chosen without TLS.
pub fn choose_explained(
    advertised: &[String],
    on_tls: bool,
    have_binding: bool,
    credential_kind: CredentialKind,
) -> Result<(Mechanism, &'static str), &'static str> {
    // One name per entry is expected; splitting also copes with a whole "PLAIN LOGIN" entry.
    let names = || advertised.iter().flat_map(|a| a.split_whitespace());
    let offered = |m: Mechanism| names().any(|name| name.eq_ignore_ascii_case(m.name()));
    if names().next().is_none() {
        return Err("the server does not offer any SASL mechanism (no AUTH in its EHLO reply)");
    }
    let usable = |m: Mechanism| {
        offered(m)
            && (on_tls || !m.sends_cleartext_password())
            && (!m.needs_tls_binding() || (on_tls && have_binding))
    };
    match credential_kind {
        CredentialKind::Password => first_usable(PASSWORD_PREFERENCE, usable).ok_or(
            if !on_tls && offered_cleartext(&offered) {
                "the server offers only PLAIN/LOGIN, which send the password in the clear, \
                 and this connection is not encrypted"
            } else {
                "none of the server's SASL mechanisms works with a password"
            },
        ),
        CredentialKind::OAuthToken => first_usable(TOKEN_PREFERENCE, usable).ok_or(
            if !on_tls && (offered(Mechanism::OAuthBearer) || offered(Mechanism::XOAuth2)) {
                "OAUTHBEARER/XOAUTH2 send the token in the clear, and this connection is not \
                 encrypted"
            } else {
                "the server offers neither OAUTHBEARER nor XOAUTH2 for an OAuth token"
            },
        ),
        CredentialKind::ClientCertificate => match (offered(Mechanism::External), on_tls) {
            (true, true) => Ok((
                Mechanism::External,
                "EXTERNAL: the identity comes from the TLS client certificate",
            )),
            (true, false) => {
                Err("EXTERNAL needs a TLS client certificate, and this connection is not encrypted")
            }
            (false, _) => Err("the server does not offer EXTERNAL for a client certificate"),
        },
    }
}

/// The first entry of `table` that `usable` accepts.
fn first_usable(
    table: &[(Mechanism, &'static str)],
    usable: impl Fn(Mechanism) -> bool,
) -> Option<(Mechanism, &'static str)> {
    table.iter().copied().find(|(m, _)| usable(*m))
}

/// True when the server offers PLAIN or LOGIN.
fn offered_cleartext(offered: &impl Fn(Mechanism) -> bool) -> bool {
    offered(Mechanism::Plain) || offered(Mechanism::Login)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn all_names() -> Vec<String> {
        Mechanism::all().iter().map(|m| m.name().to_string()).collect()
    }

    #[test]
    fn properties_follow_the_mechanism() {
        let binding: Vec<_> = Mechanism::all().iter().filter(|m| m.needs_tls_binding()).collect();
        assert_eq!(binding, [&Mechanism::ScramSha256Plus]);
        assert!(Mechanism::Plain.sends_cleartext_password());
        assert!(Mechanism::XOAuth2.sends_cleartext_password());
        assert!(!Mechanism::CramMd5.sends_cleartext_password());
        assert!(!Mechanism::ScramSha1.sends_cleartext_password());
        assert_eq!(Mechanism::OAuthBearer.credential_kind(), CredentialKind::OAuthToken);
        // The automatic password preference is also the strength order.
        let strengths: Vec<u8> = PASSWORD_PREFERENCE.iter().map(|(m, _)| m.strength()).collect();
        assert!(strengths.windows(2).all(|w| w[0] > w[1]), "{strengths:?}");
    }

    #[test]
    fn choose_prefers_plus_when_bound() {
        let (m, why) = choose(&all_names(), true, true, CredentialKind::Password).unwrap();
        assert_eq!(m, Mechanism::ScramSha256Plus);
        assert!(why.contains("TLS connection"), "{why}");
    }

    #[test]
    fn choose_walks_down_the_password_order() {
        let pick = |adv: &[&str]| choose(&names(adv), true, false, CredentialKind::Password);
        let all = all_names();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        assert_eq!(pick(&all).unwrap().0, Mechanism::ScramSha256);
        assert_eq!(
            pick(&["SCRAM-SHA-256-PLUS", "SCRAM-SHA-1", "PLAIN"]).unwrap().0,
            Mechanism::ScramSha1
        );
        assert_eq!(pick(&["PLAIN", "LOGIN", "CRAM-MD5"]).unwrap().0, Mechanism::CramMd5);
        assert_eq!(pick(&["LOGIN", "PLAIN"]).unwrap().0, Mechanism::Plain);
        assert_eq!(pick(&["login"]).unwrap().0, Mechanism::Login);
        assert_eq!(pick(&["PLAIN CRAM-MD5"]).unwrap().0, Mechanism::CramMd5);
        assert_eq!(pick(&["GSSAPI", "XOAUTH2"]), None);
        assert_eq!(pick(&["SCRAM-SHA-256-PLUS"]), None); // no binding data
    }

    #[test]
    fn choose_refuses_cleartext_without_tls_and_says_so() {
        let adv = names(&["PLAIN", "LOGIN"]);
        assert_eq!(choose(&adv, false, false, CredentialKind::Password), None);
        let why = choose_explained(&adv, false, false, CredentialKind::Password).unwrap_err();
        assert!(why.contains("not encrypted"), "{why}");
        // A mechanism that keeps the password off the wire is still fine.
        let adv = names(&["PLAIN", "SCRAM-SHA-256"]);
        let (m, _) = choose(&adv, false, false, CredentialKind::Password).unwrap();
        assert_eq!(m, Mechanism::ScramSha256);
    }

    #[test]
    fn choose_uses_only_token_mechanisms_for_tokens() {
        let pick = |adv: &[&str], tls| {
            choose_explained(&names(adv), tls, false, CredentialKind::OAuthToken)
        };
        assert_eq!(
            pick(&["PLAIN", "XOAUTH2", "OAUTHBEARER"], true).unwrap().0,
            Mechanism::OAuthBearer
        );
        assert_eq!(pick(&["SCRAM-SHA-256", "XOAUTH2"], true).unwrap().0, Mechanism::XOAuth2);
        assert!(pick(&["XOAUTH2"], false).unwrap_err().contains("not encrypted"));
        assert!(pick(&["PLAIN", "SCRAM-SHA-256"], true).unwrap_err().contains("neither"));
    }

    #[test]
    fn choose_uses_external_for_client_certificates() {
        let pick = |adv: &[&str], tls| {
            choose_explained(&names(adv), tls, false, CredentialKind::ClientCertificate)
        };
        assert_eq!(pick(&["PLAIN", "EXTERNAL"], true).unwrap().0, Mechanism::External);
        assert!(pick(&["EXTERNAL"], false).unwrap_err().contains("not encrypted"));
        assert!(pick(&["PLAIN"], true).is_err());
    }

    #[test]
    fn choose_without_auth_says_so() {
        let why = choose_explained(&[], true, true, CredentialKind::Password).unwrap_err();
        assert!(why.contains("no AUTH"), "{why}");
        let blank = choose_explained(&names(&[" "]), true, true, CredentialKind::Password);
        assert!(blank.unwrap_err().contains("no AUTH"));
    }
}
