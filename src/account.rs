//! Who the user is to a submission server and how smtpx logs in: the clap flags for credentials
//! and profiles ([`AuthArgs`], [`ProfileArgs`]), the merge of a profile with the command line
//! (flags win, field by field), the credentials obtained at plan time ([`AuthPlan`]), and the
//! AUTH policy applied to a live session ([`login`], [`select`], [`attempt`]).
//!
//! Shared by `test-auth` and, later, `send`. The policy, in order: never AUTH over a connection
//! without TLS unless `--allow-plaintext-auth`; a named mechanism must be advertised unless
//! `--force-mech`; `auto` picks with [`sasl::choose_explained`] and says which and why;
//! SCRAM-SHA-256-PLUS binds to the certificate of the TLS session it runs on.
//!
//! It must not open connections or run the TLS handshake (the commands do), print (it emits
//! events through the [`Client`]), or let a secret reach a message, an event or a `Debug`
//! string: secrets stay in [`Secret`](crate::secret::Secret)s inside [`Credentials`], and where a secret came from is
//! described without quoting a password command (which might embed the password).

use std::fmt;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::{ConnectArgs, TlsArgs, TlsMode};
use crate::config::{self, Profile};
use crate::credentials::{self, SecretKind, SecretOrigin, SecretSources};
use crate::message::Mailbox;
use crate::plan::{self, PlanError, PlanErrorKind};
use crate::smtp::auth::{self, AuthError, AuthOutcome};
use crate::smtp::event::Event;
use crate::smtp::extension::EhloInfo;
use crate::smtp::sasl::{self, ChannelBinding, CredentialKind, Credentials, Mechanism, SaslError};
use crate::smtp::tls::SkippedBy;
use crate::smtp::{Client, Error};

/// The `--mech` values. `all` is accepted by clap everywhere but only `test-auth` runs it;
/// other commands refuse it at plan time (hidden from the value list, documented in the help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MechArg {
    /// The strongest mechanism the server advertises for the credential (SCRAM-SHA-256-PLUS >
    /// SCRAM > CRAM-MD5 > PLAIN/LOGIN; OAUTHBEARER > XOAUTH2 for a token), with the reason.
    Auto,
    /// RFC 4616: the password, protected only by TLS.
    Plain,
    /// The LOGIN draft: user name and password in two steps, protected only by TLS.
    Login,
    /// RFC 2195: an HMAC-MD5 of a challenge; the password is not sent.
    #[value(name = "cram-md5")]
    CramMd5,
    /// RFC 5802: salted challenge-response; the server proves it knows the password.
    #[value(name = "scram-sha-1")]
    ScramSha1,
    /// RFC 7677: SCRAM with SHA-256.
    #[value(name = "scram-sha-256")]
    ScramSha256,
    /// RFC 7677 + RFC 5929: SCRAM-SHA-256 bound to this TLS connection (tls-server-end-point).
    #[value(name = "scram-sha-256-plus")]
    ScramSha256Plus,
    /// Google's XOAUTH2: an OAuth 2.0 access token.
    Xoauth2,
    /// RFC 7628: an OAuth 2.0 access token.
    Oauthbearer,
    /// RFC 4422: the identity of the TLS client certificate (--client-cert/--client-key).
    External,
    /// test-auth only: every advertised mechanism, each in a new connection.
    #[value(hide = true)]
    All,
}

impl MechArg {
    /// The mechanism named, or `None` for `auto` and `all`.
    pub fn mechanism(self) -> Option<Mechanism> {
        Some(match self {
            MechArg::Auto | MechArg::All => return None,
            MechArg::Plain => Mechanism::Plain,
            MechArg::Login => Mechanism::Login,
            MechArg::CramMd5 => Mechanism::CramMd5,
            MechArg::ScramSha1 => Mechanism::ScramSha1,
            MechArg::ScramSha256 => Mechanism::ScramSha256,
            MechArg::ScramSha256Plus => Mechanism::ScramSha256Plus,
            MechArg::Xoauth2 => Mechanism::XOAuth2,
            MechArg::Oauthbearer => Mechanism::OAuthBearer,
            MechArg::External => Mechanism::External,
        })
    }

    /// The value as typed on the command line (and in a profile's `mech`).
    pub fn name(self) -> String {
        self.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
    }
}

/// How to authenticate. Flattened into every command that logs in.
#[derive(Debug, Clone, Default, Args)]
pub struct AuthArgs {
    /// User name to authenticate as (SASL authentication identity).
    #[arg(short = 'u', long, value_name = "NAME")]
    pub user: Option<String>,
    /// File whose first line is the password; it must not be readable by other users
    /// (chmod 600). SMTPX_PASSWORD, if set, is used first.
    #[arg(long, value_name = "PATH", conflicts_with = "password_command")]
    pub password_file: Option<PathBuf>,
    /// Command whose first line of output is the password, run with sh -c
    /// (e.g. 'pass show mail/work'). SMTPX_PASSWORD, if set, is used first.
    #[arg(long, value_name = "CMD")]
    pub password_command: Option<String>,
    /// File whose first line is the OAuth 2.0 access token (for XOAUTH2 and OAUTHBEARER);
    /// SMTPX_TOKEN, if set, is used first.
    #[arg(long, value_name = "PATH", conflicts_with = "token_command")]
    pub token_file: Option<PathBuf>,
    /// Command whose first line of output is the OAuth 2.0 access token; SMTPX_TOKEN, if set,
    /// is used first.
    #[arg(long, value_name = "CMD")]
    pub token_command: Option<String>,
    /// SASL mechanism [default: auto, or a --profile's mech]. test-auth also takes `all`: each
    /// advertised mechanism smtpx supports, in its own connection.
    #[arg(long, value_enum, value_name = "MECH")]
    pub mech: Option<MechArg>,
    /// Use --mech even if the server does not advertise it.
    #[arg(long)]
    pub force_mech: bool,
    /// Allow AUTH on a connection without TLS (DANGEROUS: anyone on the path can read PLAIN
    /// and LOGIN passwords, and guess the others offline).
    #[arg(long)]
    pub allow_plaintext_auth: bool,
}

/// Which named account to use.
#[derive(Debug, Clone, Default, Args)]
pub struct ProfileArgs {
    /// Take server, port, tls, user, password source, from, ehlo, ca-file and mech from this
    /// [profiles.NAME] of the config file; command-line flags override each of them.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file [default: $XDG_CONFIG_HOME/smtpx/config.toml, else
    /// ~/.config/smtpx/config.toml].
    #[arg(long, value_name = "PATH", requires = "profile")]
    pub config: Option<PathBuf>,
}

/// A profile whose values have been checked, ready to fill in what the command line left out.
#[derive(Debug)]
pub struct AccountProfile {
    /// The profile as read (kept for its password sources).
    profile: Profile,
    /// The host of `server`.
    pub host: Option<String>,
    /// `port`, else the port in `server`.
    pub port: Option<u16>,
    /// The TLS mode.
    pub tls: Option<TlsMode>,
    /// The user name.
    pub user: Option<String>,
    /// The sender (display name and address).
    pub from: Option<Mailbox>,
    /// The EHLO name.
    pub ehlo: Option<String>,
    /// The mechanism.
    pub mech: Option<MechArg>,
}

/// Loads and checks `--profile NAME` (from `--config PATH` or the default file), or `None`.
pub fn load_profile(args: &ProfileArgs) -> Result<Option<AccountProfile>, PlanError> {
    let Some(name) = &args.profile else { return Ok(None) };
    let profile = config::load_profile(name, args.config.as_deref())?;
    AccountProfile::check(profile).map(Some)
}

impl AccountProfile {
    /// Validates the values with the same rules as their flags, naming the file and profile.
    fn check(profile: Profile) -> Result<AccountProfile, PlanError> {
        let here = format!("{}: profile {:?}:", profile.path.display(), profile.name);
        let in_profile = |mut err: PlanError| {
            err.kind = PlanErrorKind::Config;
            err
        };
        let (host, port) = match &profile.server {
            Some(text) => {
                let (host, port) =
                    plan::parse_host_port(&format!("{here} server"), text).map_err(in_profile)?;
                (Some(host), profile.port.or(port))
            }
            None => (None, profile.port),
        };
        // The same parser as --from: "Alice <alice@example.com>" is a sender, not an error.
        let from = match &profile.from {
            Some(text) => Some(Mailbox::parse(text).map_err(|e| {
                PlanError::config(
                    format!("{here} from: {e}"),
                    "give an address like Me <me@example.com>",
                )
            })?),
            None => None,
        };
        if let Some(ehlo) = &profile.ehlo {
            plan::check_domain(ehlo).map_err(|why| {
                PlanError::config(format!("{here} ehlo {ehlo:?}: {why}"), "give a host name")
            })?;
        }
        if let Some(user) = &profile.user {
            check_user(user).map_err(|why| {
                PlanError::config(format!("{here} user: {why}"), "give the login name")
            })?;
        }
        // config.rs has already limited both to the values clap accepts.
        let tls = profile.tls.as_deref().and_then(|t| TlsMode::from_str(t, true).ok());
        let mech = profile.mech.as_deref().and_then(|m| MechArg::from_str(m, true).ok());
        Ok(AccountProfile {
            host,
            port,
            tls,
            user: profile.user.clone(),
            from,
            ehlo: profile.ehlo.clone(),
            mech,
            profile,
        })
    }

    /// Fills the connection flags the command line left unset: the EHLO name, the CA file and
    /// the TLS mode (the server and port: [`server_and_port`]). An explicit `--tls` wins over
    /// the profile's `tls`.
    pub fn fill_connection(&self, connect: &mut ConnectArgs, tls: &mut TlsArgs) {
        if connect.ehlo.is_none() {
            connect.ehlo = self.ehlo.clone();
        }
        if tls.ca_file.is_none() {
            tls.ca_file = self.profile.ca_file.clone();
        }
        if tls.tls.is_none() {
            tls.tls = self.tls;
        }
    }
}

/// `--profile` loaded (if any) and merged into copies of the connection and TLS flags: what
/// every command that connects starts from.
pub fn with_profile(
    profile: &ProfileArgs,
    connect: &ConnectArgs,
    tls: &TlsArgs,
) -> Result<(Option<AccountProfile>, ConnectArgs, TlsArgs), PlanError> {
    let profile = load_profile(profile)?;
    let (mut connect, mut tls) = (connect.clone(), tls.clone());
    if let Some(profile) = &profile {
        profile.fill_connection(&mut connect, &mut tls);
    }
    Ok((profile, connect, tls))
}

/// Where to connect: the SERVER argument, else the profile's server; the port from `--port`,
/// else SERVER:PORT, else the profile's, else `default_port`.
pub fn server_and_port(
    server: Option<&str>,
    port: Option<u16>,
    profile: Option<&AccountProfile>,
    default_port: u16,
) -> Result<(String, u16), PlanError> {
    let (host, named_port) = match (server, profile.and_then(|p| p.host.clone())) {
        (Some(text), _) => plan::parse_host_port("server", text)?,
        (None, Some(host)) => (host, None),
        (None, None) => {
            return Err(PlanError::usage(
                "no server to connect to",
                "give HOST[:PORT], or a --profile whose entry has a server",
            ));
        }
    };
    if let (Some(flag), Some(named)) = (port, named_port)
        && flag != named
    {
        return Err(port_conflict(named, flag));
    }
    let profile_port = profile.and_then(|p| p.port);
    Ok((host, port.or(named_port).or(profile_port).unwrap_or(default_port)))
}

/// HOST:PORT and `--port` disagree: guessing which one was meant could reach the wrong service.
pub fn port_conflict(named: u16, flag: u16) -> PlanError {
    PlanError::usage(
        format!("the server names port {named} but --port says {flag}"),
        "give the port once, either as HOST:PORT or with --port",
    )
}

/// What `--mech` asked for, after the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MechChoice {
    /// Pick from what the server advertises.
    Auto,
    /// This mechanism.
    One(Mechanism),
    /// Each advertised mechanism in turn (test-auth).
    All,
}

/// A credential with where it came from.
#[derive(Debug, Clone)]
pub struct Obtained {
    /// User name and secret.
    pub credentials: Credentials,
    /// Where the secret was found (`None` for a client certificate).
    pub origin: Option<SecretOrigin>,
}

impl Obtained {
    /// Where the secret came from, in words safe to print: a password command is not quoted,
    /// since people do write `--password-command 'echo hunter2'`.
    pub fn source(&self) -> String {
        match &self.origin {
            None => "the TLS client certificate".into(),
            Some(SecretOrigin::Command(_)) => "the configured command (not shown)".into(),
            Some(origin) => origin.to_string(),
        }
    }
}

/// Everything about logging in that can be settled before connecting, credentials included.
#[derive(Debug, Clone)]
pub struct AuthPlan {
    /// What `--mech` (or the profile) asked for.
    pub choice: MechChoice,
    /// `--force-mech`.
    pub force: bool,
    /// `--allow-plaintext-auth`.
    pub allow_plaintext: bool,
    /// The user name, when one is needed or given.
    pub user: Option<String>,
    /// The password, when a password mechanism may run.
    pub password: Option<Obtained>,
    /// The OAuth token, when a token mechanism may run.
    pub token: Option<Obtained>,
    /// EXTERNAL's (empty) credentials, when a client certificate is configured.
    pub certificate: Option<Obtained>,
}

/// What the plan needs to know besides the flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanContext {
    /// `--client-cert`/`--client-key` were given.
    pub client_certificate: bool,
    /// The command can run `--mech all`.
    pub allow_all: bool,
}

impl AuthPlan {
    /// Merges the flags with the profile, decides which credentials are needed, and obtains
    /// them now, before any connection: a missing source fails here (exit 78), never later.
    pub fn from_args(
        args: &AuthArgs,
        profile: Option<&AccountProfile>,
        context: PlanContext,
    ) -> Result<AuthPlan, PlanError> {
        let mech = args.mech.or(profile.and_then(|p| p.mech)).unwrap_or(MechArg::Auto);
        let choice = match (mech, mech.mechanism()) {
            (MechArg::All, _) if !context.allow_all => {
                return Err(PlanError::usage(
                    "--mech all is only for test-auth",
                    "name one mechanism, or use --mech auto",
                ));
            }
            (MechArg::All, _) => MechChoice::All,
            (_, Some(m)) => MechChoice::One(m),
            (_, None) => MechChoice::Auto,
        };
        let user = args.user.clone().or_else(|| profile.and_then(|p| p.user.clone()));
        if let Some(user) = &user {
            check_user(user).map_err(|why| {
                PlanError::input(format!("--user {user:?}: {why}"), "give the login name")
            })?;
        }
        let present = Present::from_env(args, profile);
        let needs = Needs::decide(choice, &present, context.client_certificate, user.is_some())?;
        let mut plan = AuthPlan {
            choice,
            force: args.force_mech,
            allow_plaintext: args.allow_plaintext_auth,
            user: user.clone(),
            password: None,
            token: None,
            certificate: None,
        };
        if needs.certificate {
            plan.certificate = Some(Obtained {
                // EXTERNAL sends an empty authorization identity: the server takes the
                // identity from the certificate (RFC 4422 Appendix A).
                credentials: Credentials {
                    username: user.clone().unwrap_or_default(),
                    secret: None,
                    authzid: None,
                },
                origin: None,
            });
        }
        for kind in [SecretKind::Password, SecretKind::OAuthToken] {
            let wanted = match kind {
                SecretKind::Password => needs.password,
                SecretKind::OAuthToken => needs.token,
            };
            if !wanted {
                continue;
            }
            let user = require_user(user.as_deref(), kind)?;
            let sources = sources_for(kind, args, profile);
            let (secret, origin) = credentials::obtain_secret(kind, user, &sources)?;
            let obtained = Obtained {
                credentials: Credentials {
                    username: user.to_string(),
                    secret: Some(secret),
                    authzid: None,
                },
                origin: Some(origin),
            };
            match kind {
                SecretKind::Password => plan.password = Some(obtained),
                SecretKind::OAuthToken => plan.token = Some(obtained),
            }
        }
        Ok(plan)
    }

    /// The credential for a kind of mechanism, if the plan has it.
    pub fn credentials(&self, kind: CredentialKind) -> Option<&Obtained> {
        match kind {
            CredentialKind::Password => self.password.as_ref(),
            CredentialKind::OAuthToken => self.token.as_ref(),
            CredentialKind::ClientCertificate => self.certificate.as_ref(),
        }
    }

    /// The credential `auto` chooses a mechanism for: the only one obtained, preferring a
    /// token, then a password, then the certificate.
    pub fn primary_kind(&self) -> CredentialKind {
        if self.token.is_some() {
            CredentialKind::OAuthToken
        } else if self.password.is_some() {
            CredentialKind::Password
        } else if self.certificate.is_some() {
            CredentialKind::ClientCertificate
        } else {
            CredentialKind::Password
        }
    }

    /// Why a mechanism cannot run with these credentials, or `None` when it can.
    pub fn missing_credential(&self, mechanism: Mechanism) -> Option<&'static str> {
        if self.credentials(mechanism.credential_kind()).is_some() {
            return None;
        }
        Some(match mechanism.credential_kind() {
            CredentialKind::Password => "no password (give --user and a password source)",
            CredentialKind::OAuthToken => {
                "no OAuth token (--token-file, --token-command or SMTPX_TOKEN)"
            }
            CredentialKind::ClientCertificate => {
                "no client certificate (--client-cert and --client-key)"
            }
        })
    }
}

/// Which credential sources exist, read once at plan time (environment included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Present {
    /// A password flag, a password source in the profile, or a non-empty SMTPX_PASSWORD.
    password: bool,
    /// A token flag or a non-empty SMTPX_TOKEN.
    token: bool,
}

impl Present {
    fn from_env(args: &AuthArgs, profile: Option<&AccountProfile>) -> Present {
        let set = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
        let profile_password = profile.is_some_and(|p| {
            let p = &p.profile;
            p.password.is_some() || p.password_file.is_some() || p.password_command.is_some()
        });
        Present {
            password: args.password_file.is_some()
                || args.password_command.is_some()
                || profile_password
                || set(SecretKind::Password.env_var()),
            token: args.token_file.is_some()
                || args.token_command.is_some()
                || set(SecretKind::OAuthToken.env_var()),
        }
    }
}

/// Which credentials to obtain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Needs {
    password: bool,
    token: bool,
    certificate: bool,
}

impl Needs {
    /// A named mechanism needs its own kind of credential. `auto` takes a token when one is
    /// given and no password source is, the certificate when there is one and no user, and a
    /// password otherwise (from the prompt if need be). `all` takes every credential given,
    /// and a password when nothing else is.
    fn decide(
        choice: MechChoice,
        present: &Present,
        certificate: bool,
        user: bool,
    ) -> Result<Needs, PlanError> {
        let kind = match choice {
            MechChoice::One(m) => m.credential_kind(),
            MechChoice::Auto if present.token && !present.password => CredentialKind::OAuthToken,
            MechChoice::Auto if certificate && !user && !present.password => {
                CredentialKind::ClientCertificate
            }
            MechChoice::Auto => CredentialKind::Password,
            MechChoice::All => {
                let others = present.token || (certificate && !user);
                return Ok(Needs {
                    password: present.password || !others,
                    token: present.token,
                    certificate,
                });
            }
        };
        if kind == CredentialKind::ClientCertificate && !certificate {
            return Err(PlanError::usage(
                "EXTERNAL authenticates with a TLS client certificate, and none was given",
                "add --client-cert PEM and --client-key PEM",
            ));
        }
        Ok(Needs {
            password: kind == CredentialKind::Password,
            token: kind == CredentialKind::OAuthToken,
            certificate: kind == CredentialKind::ClientCertificate,
        })
    }
}

/// The secret sources for `kind`: the flags of that kind, else the profile's password sources
/// (a profile's password-command may well print a token, as msmtp's passwordeval does).
fn sources_for(
    kind: SecretKind,
    args: &AuthArgs,
    profile: Option<&AccountProfile>,
) -> SecretSources {
    let (file, command) = match kind {
        SecretKind::Password => (args.password_file.clone(), args.password_command.clone()),
        SecretKind::OAuthToken => (args.token_file.clone(), args.token_command.clone()),
    };
    match profile {
        Some(p) => p.profile.secret_sources(kind, file, command, true),
        None => SecretSources { file, command, ..SecretSources::new(kind, true) },
    }
}

fn require_user(user: Option<&str>, kind: SecretKind) -> Result<&str, PlanError> {
    user.ok_or_else(|| {
        PlanError::usage(
            format!("a user name is needed to authenticate with a {}", kind.noun()),
            "give --user NAME, or user in the --profile",
        )
    })
}

/// A user name goes into SASL messages and the transcript: no control characters.
fn check_user(user: &str) -> Result<(), String> {
    if user.is_empty() {
        return Err("the user name is empty".into());
    }
    if user.chars().any(char::is_control) {
        return Err("control characters (CR, LF, ...) are not allowed".into());
    }
    Ok(())
}

/// Logs in on an established session (after EHLO, and STARTTLS if any): [`select`] then
/// [`attempt`]. A 4xx/5xx to AUTH comes back as an unsuccessful [`AuthOutcome`]; the caller
/// decides what it means. `MechChoice::All` is treated as `Auto` here: commands that try every
/// mechanism call [`attempt`] for each.
pub fn login(client: &mut Client<'_>, plan: &AuthPlan) -> Result<AuthOutcome, Error> {
    let mechanism = select(client, plan, plan.choice)?;
    attempt(client, plan, mechanism)
}

/// Decides the mechanism for this session: refuses a connection without TLS (unless allowed),
/// checks that a named mechanism is advertised (unless forced), or picks one and says why.
/// `choice` is usually `plan.choice`; `--mech all` passes each mechanism in turn.
pub fn select(
    client: &mut Client<'_>,
    plan: &AuthPlan,
    choice: MechChoice,
) -> Result<Mechanism, Error> {
    check_tls(client, plan)?;
    let info = client.ehlo_info().cloned().unwrap_or_default();
    let advertised = info.auth_mechanisms();
    if let MechChoice::One(mechanism) = choice {
        if is_advertised(&advertised, mechanism) {
            return Ok(mechanism);
        }
        if plan.force {
            client.emit(Event::Warning(format!(
                "--force-mech: the server does not advertise {mechanism}; trying it anyway"
            )));
            return Ok(mechanism);
        }
        let offered = if advertised.is_empty() {
            no_auth_reason(&info, client.is_tls())
        } else {
            format!("it offers {}", advertised.join(" "))
        };
        return Err(Error::NoMechanism {
            reason: format!("the server does not advertise {mechanism}: {offered}"),
        });
    }
    // The user accepted a connection without TLS explicitly, so choose as if it were protected.
    let protected = client.is_tls() || plan.allow_plaintext;
    let binding = client.tls_info().is_some_and(|t| t.end_point.is_some());
    match sasl::choose_explained(&advertised, protected, binding, plan.primary_kind()) {
        Ok((mechanism, why)) => {
            client.emit(Event::Note(format!("mechanism chosen automatically — {why}")));
            Ok(mechanism)
        }
        Err(_) if advertised.is_empty() => {
            Err(Error::NoMechanism { reason: no_auth_reason(&info, client.is_tls()) })
        }
        Err(why) => Err(Error::NoMechanism {
            reason: format!("no usable SASL mechanism: {why} (it offers {})", advertised.join(" ")),
        }),
    }
}

/// Runs one AUTH exchange with `mechanism`, after the same TLS check as [`select`]. The
/// mechanism is not checked against the advertisement: that is [`select`]'s job.
pub fn attempt(
    client: &mut Client<'_>,
    plan: &AuthPlan,
    mechanism: Mechanism,
) -> Result<AuthOutcome, Error> {
    check_tls(client, plan)?;
    let sasl_error = |reason| Error::Auth(Box::new(AuthError { mechanism, reason }));
    let Some(obtained) = plan.credentials(mechanism.credential_kind()) else {
        return Err(sasl_error(SaslError::MissingSecret));
    };
    let binding = channel_binding(client, mechanism);
    if mechanism.needs_tls_binding() && binding.is_none() {
        return Err(sasl_error(SaslError::MissingChannelBinding));
    }
    if let Some(info) = client.tls_info()
        && !info.trusted
        && mechanism.credential_kind() != CredentialKind::ClientCertificate
    {
        client.emit(Event::Warning(format!(
            "authenticating over TLS whose certificate was not verified ({}): a man in the \
             middle could be the one reading the credentials",
            info.verdict
        )));
    }
    auth::authenticate(client, mechanism, &obtained.credentials, binding)
}

/// True when `mechanism` is in the server's AUTH list.
pub fn is_advertised(advertised: &[String], mechanism: Mechanism) -> bool {
    advertised.iter().any(|a| a.eq_ignore_ascii_case(mechanism.name()))
}

/// The channel binding to hand the SCRAM mechanism. -PLUS binds to this connection's
/// certificate. Plain SCRAM gets the data too (gs2 flag `y`: "I could bind, you do not seem
/// to") unless the server advertised the -PLUS variant: then `y` would rightly be taken for a
/// downgrade attack (RFC 5802 §6), so it gets none (`n`).
fn channel_binding(client: &Client<'_>, mechanism: Mechanism) -> Option<ChannelBinding> {
    let data = client.tls_info()?.end_point.clone()?;
    let binding = ChannelBinding::tls_server_end_point(data);
    match mechanism {
        Mechanism::ScramSha256Plus => Some(binding),
        Mechanism::ScramSha1 | Mechanism::ScramSha256 => {
            let plus = format!("{}-PLUS", mechanism.name());
            let advertised = client.ehlo_info().map(EhloInfo::auth_mechanisms).unwrap_or_default();
            let offers_plus = advertised.iter().any(|a| a.eq_ignore_ascii_case(&plus));
            (!offers_plus).then_some(binding)
        }
        _ => None,
    }
}

/// DESIGN.md §3: never AUTH over a connection without TLS unless the user explicitly allows it.
/// The error says what to do instead, and says so when the server keeps AUTH behind STARTTLS.
pub fn check_tls(client: &Client<'_>, plan: &AuthPlan) -> Result<(), Error> {
    // Opportunistic TLS encrypts but does not authenticate the server: the credentials would
    // go to whoever answered. Only --insecure (a deliberate choice about this server) or
    // --allow-plaintext-auth (a deliberate choice about the credentials) lets AUTH go on.
    if let Some(info) = client.tls_info()
        && info.skipped_by == Some(SkippedBy::Opportunistic)
        && !plan.allow_plaintext
    {
        return Err(Error::PlaintextAuth {
            reason: format!(
                "refusing to authenticate to {} over opportunistic TLS: the certificate was not \
                 verified, so the credentials could go to anyone in the middle; use --tls auto \
                 or --tls starttls (verified), or --insecure to accept that risk for this server",
                client.host()
            ),
        });
    }
    if client.is_tls() || plan.allow_plaintext {
        return Ok(());
    }
    let info = client.ehlo_info().cloned().unwrap_or_default();
    let why = match (info.starttls(), info.auth()) {
        (true, false) => {
            "the server advertises AUTH only after STARTTLS (as it should); let smtpx use \
             STARTTLS (--tls auto or --tls starttls)"
        }
        (true, true) => "the server offers STARTTLS; let smtpx use it (--tls auto or starttls)",
        (false, _) => {
            "the server does not offer STARTTLS here; use port 587 with STARTTLS or 465 with \
             implicit TLS"
        }
    };
    Err(Error::PlaintextAuth {
        reason: format!(
            "refusing to authenticate to {} without TLS: the credentials would cross the \
             network where anyone on the path can read them (PLAIN, LOGIN, tokens) or test \
             guesses against them (CRAM-MD5, SCRAM); {why}",
            client.host()
        ),
    })
}

/// Why there is no AUTH at all, naming STARTTLS when the server keeps AUTH behind it.
fn no_auth_reason(info: &EhloInfo, on_tls: bool) -> String {
    if !on_tls && info.starttls() {
        "the server advertises AUTH only after STARTTLS; let smtpx use STARTTLS (--tls auto or \
         --tls starttls)"
            .into()
    } else {
        "the server does not advertise AUTH: it accepts no authentication on this port \
         (submission is usually 587 or 465)"
            .into()
    }
}

impl fmt::Display for MechChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MechChoice::Auto => f.write_str("auto"),
            MechChoice::One(m) => write!(f, "{m}"),
            MechChoice::All => f.write_str("all"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present(password: bool, token: bool) -> Present {
        Present { password, token }
    }

    fn needs(choice: MechChoice, p: Present, cert: bool, user: bool) -> Needs {
        Needs::decide(choice, &p, cert, user).unwrap()
    }

    #[test]
    fn a_named_mechanism_needs_its_own_credential() {
        let n = needs(MechChoice::One(Mechanism::CramMd5), present(false, true), false, true);
        assert_eq!(n, Needs { password: true, ..Needs::default() });
        let n = needs(MechChoice::One(Mechanism::XOAuth2), present(true, false), false, true);
        assert_eq!(n, Needs { token: true, ..Needs::default() });
        let n = needs(MechChoice::One(Mechanism::External), present(true, false), true, true);
        assert_eq!(n, Needs { certificate: true, ..Needs::default() });
        let err = Needs::decide(
            MechChoice::One(Mechanism::External),
            &present(false, false),
            false,
            true,
        )
        .unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Usage);
    }

    #[test]
    fn auto_takes_the_credential_that_was_given() {
        let n = needs(MechChoice::Auto, present(false, false), false, true);
        assert_eq!(n, Needs { password: true, ..Needs::default() });
        let n = needs(MechChoice::Auto, present(false, true), false, true);
        assert_eq!(n, Needs { token: true, ..Needs::default() });
        // Both given: the password wins (SMTPX_TOKEN may be set for another tool).
        let n = needs(MechChoice::Auto, present(true, true), false, true);
        assert_eq!(n, Needs { password: true, ..Needs::default() });
        let n = needs(MechChoice::Auto, present(false, false), true, false);
        assert_eq!(n, Needs { certificate: true, ..Needs::default() });
        let n = needs(MechChoice::Auto, present(false, false), true, true);
        assert_eq!(n, Needs { password: true, ..Needs::default() });
    }

    #[test]
    fn all_takes_every_credential_given() {
        let n = needs(MechChoice::All, present(false, false), false, true);
        assert_eq!(n, Needs { password: true, ..Needs::default() });
        let n = needs(MechChoice::All, present(false, true), true, true);
        assert_eq!(n, Needs { password: false, token: true, certificate: true });
        let n = needs(MechChoice::All, present(true, true), false, true);
        assert_eq!(n, Needs { password: true, token: true, certificate: false });
    }

    #[test]
    fn mech_values_match_the_config_file_values() {
        let names: Vec<String> = MechArg::value_variants()
            .iter()
            .filter(|m| **m != MechArg::All)
            .map(|m| m.name())
            .collect();
        assert_eq!(names, config::MECHANISMS);
        for m in MechArg::value_variants() {
            if let Some(mech) = m.mechanism() {
                assert_eq!(mech.name().to_ascii_lowercase(), m.name());
            }
        }
    }

    #[test]
    fn user_names_without_controls() {
        assert!(check_user("alice@example.com").is_ok());
        assert!(check_user("").is_err());
        assert!(check_user("alice\r\nRCPT").is_err());
    }

    #[test]
    fn the_source_of_a_command_is_not_quoted() {
        let obtained = Obtained {
            credentials: Credentials { username: "a".into(), secret: None, authzid: None },
            origin: Some(SecretOrigin::Command("echo hunter2".into())),
        };
        assert_eq!(obtained.source(), "the configured command (not shown)");
        let env =
            Obtained { origin: Some(SecretOrigin::Environment("SMTPX_PASSWORD")), ..obtained };
        assert_eq!(env.source(), "the SMTPX_PASSWORD environment variable");
    }

    #[test]
    fn server_and_port_follow_flags_then_profile() {
        let profile = |server: Option<(&str, Option<u16>)>| AccountProfile {
            profile: Profile::default(),
            host: server.map(|(h, _)| h.to_string()),
            port: server.and_then(|(_, p)| p),
            tls: None,
            user: None,
            from: None,
            ehlo: None,
            mech: None,
        };
        let p = profile(Some(("smtp.example.com", Some(465))));
        assert_eq!(
            server_and_port(None, None, Some(&p), 587).unwrap(),
            ("smtp.example.com".into(), 465)
        );
        assert_eq!(
            server_and_port(Some("other.example"), None, Some(&p), 587).unwrap(),
            ("other.example".into(), 465)
        );
        let conflict = server_and_port(Some("other.example:2525"), Some(26), Some(&p), 587);
        assert_eq!(conflict.unwrap_err().kind, PlanErrorKind::Usage);
        assert_eq!(
            server_and_port(Some("other.example:26"), Some(26), Some(&p), 587).unwrap(),
            ("other.example".into(), 26)
        );
        assert_eq!(
            server_and_port(Some("other.example"), None, None, 587).unwrap(),
            ("other.example".into(), 587)
        );
        let err = server_and_port(None, None, Some(&profile(None)), 587).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Usage);
    }

    #[test]
    fn profile_tls_applies_unless_tls_was_given() {
        use clap::Parser;
        #[derive(Parser)]
        struct Flags {
            #[command(flatten)]
            connect: ConnectArgs,
            #[command(flatten)]
            tls: TlsArgs,
        }
        let profile = AccountProfile {
            profile: Profile::default(),
            host: None,
            port: None,
            tls: Some(TlsMode::Implicit),
            user: None,
            from: None,
            ehlo: None,
            mech: None,
        };
        let mut unset = Flags::parse_from(["x"]);
        profile.fill_connection(&mut unset.connect, &mut unset.tls);
        assert_eq!(unset.tls.mode(), TlsMode::Implicit);
        // An explicit `--tls auto` is a choice, not the absence of one.
        let mut explicit = Flags::parse_from(["x", "--tls", "auto"]);
        profile.fill_connection(&mut explicit.connect, &mut explicit.tls);
        assert_eq!(explicit.tls.mode(), TlsMode::Auto);
    }

    #[test]
    fn profile_from_may_have_a_display_name() {
        let profile =
            Profile { from: Some("Alice <alice@example.com>".into()), ..Profile::default() };
        let checked = AccountProfile::check(profile).unwrap();
        let from = checked.from.unwrap();
        assert_eq!(from.display_name.as_deref(), Some("Alice"));
        assert_eq!(from.address.to_string(), "alice@example.com");
        let bad = Profile { from: Some("alice@@example.com".into()), ..Profile::default() };
        let err = AccountProfile::check(bad).unwrap_err();
        assert_eq!(err.kind, PlanErrorKind::Config);
        assert!(err.message.contains("from"), "{}", err.message);
    }
}
