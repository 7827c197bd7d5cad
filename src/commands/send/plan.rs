//! Parse, then plan: `smtpx send`'s arguments become a validated [`SendPlan`] before any socket
//! opens. Every address, header value and file is checked here and a problem names the
//! argument it came from (exit 64 usage, 65 bad data, 66 missing or unreadable file); the
//! message is composed (files measured, sizes exact) so nothing can half-send later.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::args::SendArgs;
use super::stdin::{SpooledStdin, read_body};
use crate::account::{self, AccountProfile, AuthPlan, PlanContext};
use crate::cli::{ConnectArgs, TlsArgs, TlsMode};
use crate::delivery::params::{self, Dsn};
use crate::delivery::{DeliveryPlan, Envelope, Options, Outgoing, Route, TlsPolicy};
use crate::message::header::validate_value;
use crate::message::{
    AttachmentSpec, BodySource, ComposeError, ComposedMessage, EmailAddress, Mailbox, MessageSpec,
    RawMessage, RawOptions, parse_mailbox_list, parse_user_header,
};
use crate::plan::{self, PlanError, PlanErrorKind};

/// Where the message came from; it decides whether a failed message is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Composed from arguments (its body may have come from standard input).
    Arguments,
    /// `--raw -`.
    Stdin,
    /// `--raw PATH`: the file is still there, nothing to save.
    File(PathBuf),
}

/// Where to save the message when it cannot be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveTarget {
    /// `$XDG_STATE_HOME/smtpx/failed/<timestamp>.eml`.
    Default,
    /// `--save-failed PATH` (a file, or a directory that receives `<timestamp>.eml`).
    Path(PathBuf),
    /// The message is a file the user has; nothing to save.
    Never,
}

/// Everything `smtpx send` will do.
#[derive(Debug)]
pub struct SendPlan {
    pub message: Outgoing,
    pub origin: Origin,
    /// `--print`: write the message to stdout, send nothing.
    pub print: bool,
    pub delivery: DeliveryPlan,
    pub save: SaveTarget,
    /// The From used when none was given (`$USER@ehlo-name`), to say so in the report.
    pub default_from: Option<String>,
    /// Temporary copies of standard input, removed when the plan is dropped.
    _spools: Vec<SpooledStdin>,
}

impl SendPlan {
    /// Validates the arguments (merged with the profile), obtains the credentials and composes
    /// (or measures) the message; connects to nothing.
    pub fn from_args(args: &SendArgs) -> Result<SendPlan, PlanError> {
        check_stdin_used_once(args)?;
        let account = Account::merge(args)?;
        let tls = plan::session_tls_params(&account.tls)?;
        let context = PlanContext { client_certificate: tls.identity.is_some(), allow_all: false };
        let session = plan::session_config(&account.connect, tls)?;
        let dns = plan::dns_options(&account.connect)?;
        let route = account.route(args)?;
        let auth = account.auth(args, &route, context)?;
        let mut spools = Vec::new();
        let mut default_from = None;
        let profile_from = account.from()?;
        let (message, origin, reverse_path, mut recipients) = match &args.raw {
            Some(path) => raw(args, path, profile_from)?,
            None => {
                let from = match (&args.from, profile_from) {
                    (Some(text), _) => mailbox("--from", text)?,
                    (None, Some(from)) => from,
                    (None, None) => {
                        let from = default_sender(&session.ehlo_name)?;
                        default_from = Some(from.address.smtp_form());
                        from
                    }
                };
                let (message, recipients) = composed(args, &from, &mut spools)?;
                (Outgoing::Composed(message), Origin::Arguments, Some(from.address), recipients)
            }
        };
        let reverse_path = match &args.envelope_from {
            Some(text) => envelope_sender(text)?,
            None => reverse_path,
        };
        dedup(&mut recipients);
        if recipients.is_empty() && !args.print {
            let hint = if args.raw.is_some() {
                "give recipients as arguments or with --to, or -t to read them from the message"
            } else {
                "give at least one of --to, --cc, --bcc"
            };
            return Err(PlanError::usage("no recipients", hint));
        }
        let delivery = DeliveryPlan {
            envelope: Envelope { reverse_path, recipients },
            route,
            tls: TlsPolicy { mode: account.tls.mode(), require_tls: args.require_tls },
            session,
            dns,
            options: options(args, account.tls.mode())?,
            auth,
        };
        Ok(SendPlan {
            message,
            save: save_target(args, &origin)?,
            origin,
            print: args.print,
            delivery,
            default_from,
            _spools: spools,
        })
    }
}

/// The command line with the profile's values filled in where flags were not given.
struct Account {
    connect: ConnectArgs,
    tls: TlsArgs,
    profile: Option<AccountProfile>,
}

impl Account {
    fn merge(args: &SendArgs) -> Result<Account, PlanError> {
        let (profile, connect, tls) =
            account::with_profile(&args.profile, &args.connect, &args.tls)?;
        Ok(Account { connect, tls, profile })
    }

    /// `--server` (or the profile's server) with `--port` taking precedence; else direct to
    /// the recipients' MX hosts.
    fn route(&self, args: &SendArgs) -> Result<Route, PlanError> {
        let profile = self.profile.as_ref();
        if args.server.is_none() && profile.and_then(|p| p.host.as_ref()).is_none() {
            return Ok(Route::Direct { port: self.connect.port.unwrap_or(25) });
        }
        let (host, port) =
            account::server_and_port(args.server.as_deref(), self.connect.port, profile, 25)
                .map_err(|mut e| {
                    e.message = e.message.replacen("server", "--server", 1);
                    e
                })?;
        Ok(Route::Relay { host, port })
    }

    /// The profile's `from`, as a mailbox.
    fn from(&self) -> Result<Option<Mailbox>, PlanError> {
        Ok(self.profile.as_ref().and_then(|p| p.from.clone()))
    }

    /// Credentials, when any authentication is asked for (a user, a secret source or a
    /// mechanism, on the command line or in the profile). Logging in needs a server to log in
    /// to: the MX hosts of recipient domains take mail without it.
    fn auth(
        &self,
        args: &SendArgs,
        route: &Route,
        context: PlanContext,
    ) -> Result<Option<AuthPlan>, PlanError> {
        let a = &args.auth;
        let wanted = a.user.is_some()
            || self.profile.as_ref().is_some_and(|p| p.user.is_some())
            || a.mech.is_some()
            || a.password_file.is_some()
            || a.password_command.is_some()
            || a.token_file.is_some()
            || a.token_command.is_some();
        if !wanted {
            return Ok(None);
        }
        if matches!(route, Route::Direct { .. }) {
            return Err(PlanError::usage(
                "authentication needs a server to log in to, and none is given",
                "add --server HOST[:PORT] (your submission server), or a --profile with a server",
            ));
        }
        AuthPlan::from_args(a, self.profile.as_ref(), context).map(Some)
    }
}

/// Standard input can feed only one of --body-file, --html-file and --raw.
fn check_stdin_used_once(args: &SendArgs) -> Result<(), PlanError> {
    let dash = |p: &Option<PathBuf>| p.as_deref() == Some(Path::new("-"));
    let uses = [dash(&args.body_file), dash(&args.html_file), dash(&args.raw)];
    if uses.iter().filter(|&&used| used).count() > 1 {
        return Err(PlanError::usage(
            "standard input (-) given for more than one of --body-file, --html-file, --raw",
            "read at most one of them from standard input; use a file for the others",
        ));
    }
    Ok(())
}

/// `$USER@ehlo-name`, as mail(1) and swaks do when no sender is given. Cron jobs and containers
/// often have no $USER, so the passwd entry of the running user is the fallback.
fn default_sender(ehlo_name: &str) -> Result<Mailbox, PlanError> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(passwd_user_name)
        .unwrap_or_default();
    Mailbox::parse(&format!("{user}@{ehlo_name}")).map_err(|_| {
        PlanError::usage(
            "no sender: --from is not given and $USER at this host is not an address",
            "add --from ADDRESS (or `from` in the profile)",
        )
    })
}

/// The login name of the real user, from /proc (its uid) and /etc/passwd; `None` when either
/// is unreadable.
fn passwd_user_name() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?.split_whitespace().next()?;
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_string())
    })
}

/// The message composed from arguments, and its envelope recipients (To, Cc, then Bcc).
fn composed(
    args: &SendArgs,
    from: &Mailbox,
    spools: &mut Vec<SpooledStdin>,
) -> Result<(ComposedMessage, Vec<EmailAddress>), PlanError> {
    let mut spec = MessageSpec::new(from.clone());
    spec.to = mailbox_lists("--to", &args.to)?;
    spec.cc = mailbox_lists("--cc", &args.cc)?;
    let bcc = mailbox_lists("--bcc", &args.bcc)?;
    spec.reply_to = mailbox_lists("--reply-to", &args.reply_to)?;
    spec.subject = args.subject.as_ref().map(subject).transpose()?;
    for text in &args.headers {
        let header = parse_user_header(text).map_err(|e| {
            PlanError::input(format!("--header {text:?}: {e}"), "write it as 'Name: value'")
        })?;
        spec.headers.push(header);
    }
    spec.text = body("--body", args.body.as_ref(), args.body_file.as_deref(), spools)?;
    spec.html = body("--html", args.html.as_ref(), args.html_file.as_deref(), spools)?;
    for attach in &args.attachments.list {
        check_file("--attach", &attach.path)?;
        spec.attachments.push(AttachmentSpec {
            path: attach.path.clone(),
            content_type: attach.content_type.clone(),
            name: attach.name.clone(),
        });
    }
    let message = ComposedMessage::compose(&spec).map_err(|e| compose_error("", e, spools))?;
    let recipients = spec.to.iter().chain(&spec.cc).chain(&bcc).map(|m| m.address.clone());
    Ok((message, recipients.collect()))
}

/// `--raw`: the message, where it came from, the sender it names and the envelope recipients.
fn raw(
    args: &SendArgs,
    path: &Path,
    profile_from: Option<Mailbox>,
) -> Result<(Outgoing, Origin, Option<EmailAddress>, Vec<EmailAddress>), PlanError> {
    let options = RawOptions { strip_bcc: args.read_recipients };
    let context = format!("--raw {}: ", path.display());
    let (message, origin) = if path == Path::new("-") {
        let message = RawMessage::from_reader(std::io::stdin().lock(), options);
        (message, Origin::Stdin)
    } else {
        check_file("--raw", path)?;
        (RawMessage::from_path(path, options), Origin::File(path.to_path_buf()))
    };
    let message = message.map_err(|e| compose_error(&context, e, &[]))?;
    let mut recipients = Vec::new();
    for (arg, values) in [("--to", &args.to), ("--cc", &args.cc), ("--bcc", &args.bcc)] {
        recipients.extend(mailbox_lists(arg, values)?.into_iter().map(|m| m.address));
    }
    for text in &args.recipients {
        recipients.push(address("recipient", text)?);
    }
    if args.read_recipients {
        let listed = message.recipients().map_err(|e| compose_error("-t: ", e, &[]))?;
        recipients.extend(listed.into_iter().map(|m| m.address));
    }
    // The sender sendmail would use: --from, the profile's, else the message's own From.
    let sender = match (&args.from, profile_from) {
        (Some(text), _) => Some(mailbox("--from", text)?.address),
        (None, Some(from)) => Some(from.address),
        (None, None) => message.from().map(|m| m.address),
    };
    if sender.is_none() && args.envelope_from.is_none() {
        return Err(PlanError::usage(
            format!("{context}the message has no usable From field for the envelope sender"),
            "give the envelope sender with -f ADDRESS (or --from)",
        ));
    }
    Ok((Outgoing::Raw(message), origin, sender, recipients))
}

/// A text or HTML body from `--body TEXT`, `--body-file PATH`, or `--body-file -`.
fn body(
    arg: &str,
    text: Option<&String>,
    file: Option<&Path>,
    spools: &mut Vec<SpooledStdin>,
) -> Result<Option<BodySource>, PlanError> {
    let file_arg = format!("{arg}-file");
    match (text, file) {
        (Some(text), _) => Ok(Some(BodySource::Text(text.clone()))),
        (None, Some(path)) if path == Path::new("-") => {
            let (body, spool) = read_body(std::io::stdin().lock()).map_err(|e| PlanError {
                kind: if e.kind() == std::io::ErrorKind::InvalidData {
                    PlanErrorKind::Input
                } else {
                    PlanErrorKind::NoInput
                },
                message: format!("{file_arg} - (standard input): {e}"),
                hint: Some("message text must be UTF-8; attach other files with --attach".into()),
            })?;
            spools.extend(spool);
            Ok(Some(body))
        }
        (None, Some(path)) => {
            check_file(&file_arg, path)?;
            Ok(Some(BodySource::File(path.to_path_buf())))
        }
        (None, None) => Ok(None),
    }
}

/// `--subject`: UTF-8 (clap hands it over as the OS gave it) without line breaks.
fn subject(raw: &OsString) -> Result<String, PlanError> {
    let text = raw.clone().into_string().map_err(|_| {
        PlanError::input(
            "--subject is not valid UTF-8",
            "check the terminal's or the script's character encoding (LANG, LC_ALL)",
        )
    })?;
    validate_value("Subject", &text)
        .map_err(|e| PlanError::input(format!("--subject: {e}"), "give the subject on one line"))?;
    Ok(text)
}

/// The file exists, is a regular file and can be opened for reading.
fn check_file(arg: &str, path: &Path) -> Result<(), PlanError> {
    let file = File::open(path).map_err(|e| PlanError::file(arg, path, &e))?;
    let meta = file.metadata().map_err(|e| PlanError::file(arg, path, &e))?;
    if !meta.is_file() {
        let e = std::io::Error::other("not a regular file");
        return Err(PlanError::file(arg, path, &e));
    }
    Ok(())
}

fn mailbox(arg: &str, text: &str) -> Result<Mailbox, PlanError> {
    Mailbox::parse(text).map_err(|e| {
        PlanError::input(format!("{arg}: {e}"), "give an address like bob@example.com")
    })
}

fn address(arg: &str, text: &str) -> Result<EmailAddress, PlanError> {
    EmailAddress::parse(text).map_err(|e| {
        PlanError::input(format!("{arg}: {e}"), "give an address like bob@example.com")
    })
}

/// Every value of a repeatable address option, each possibly a comma-separated list.
fn mailbox_lists(arg: &str, values: &[String]) -> Result<Vec<Mailbox>, PlanError> {
    let mut out = Vec::new();
    for text in values {
        out.extend(parse_mailbox_list(text).map_err(|e| {
            PlanError::input(format!("{arg}: {e}"), "give addresses like bob@example.com")
        })?);
    }
    Ok(out)
}

/// `-f ADDRESS`, or `<>` (also the empty string) for the null sender.
fn envelope_sender(text: &str) -> Result<Option<EmailAddress>, PlanError> {
    match text.trim() {
        "" | "<>" => Ok(None),
        text => address("-f/--envelope-from", text).map(Some),
    }
}

/// Removes repeated recipients (compared without case), keeping the first.
fn dedup(recipients: &mut Vec<EmailAddress>) {
    let mut seen = std::collections::HashSet::new();
    recipients.retain(|a| seen.insert(a.smtp_form().to_lowercase()));
}

/// A composing error, with the right exit code and standard input's temporary name hidden.
fn compose_error(context: &str, error: ComposeError, spools: &[SpooledStdin]) -> PlanError {
    let kind = if error.is_missing_file() || error.is_io_error() {
        PlanErrorKind::NoInput
    } else {
        PlanErrorKind::Input
    };
    let mut message = format!("{context}{error}");
    for spool in spools {
        message = message.replace(&spool.path().display().to_string(), "- (standard input)");
    }
    PlanError { kind, message, hint: None }
}

/// DSN, chunking, partial delivery and REQUIRETLS, checked.
fn options(args: &SendArgs, mode: TlsMode) -> Result<Options, PlanError> {
    let notify = match &args.dsn_notify {
        None => None,
        Some(text) => Some(params::parse_notify(text).map_err(|e| {
            PlanError::usage(
                format!("--dsn-notify {text:?}: {e}"),
                "e.g. --dsn-notify failure,delay",
            )
        })?),
    };
    let envid = match &args.dsn_envid {
        None => None,
        Some(text) => Some(params::xtext(text).map_err(|e| {
            PlanError::input(format!("--dsn-envid {text:?}: {e}"), "use a short ASCII id")
        })?),
    };
    if args.require_tls && matches!(mode, TlsMode::None | TlsMode::Opportunistic) {
        return Err(PlanError::usage(
            format!("--require-tls cannot be combined with --tls {mode:?}").to_lowercase(),
            "REQUIRETLS needs TLS with a verified certificate; drop --tls or use --tls starttls",
        ));
    }
    Ok(Options {
        dsn: Dsn { notify, ret: args.dsn_ret.map(|r| r.as_str().to_string()), envid },
        chunking: args.chunking,
        allow_partial: args.allow_partial,
        require_tls: args.require_tls,
    })
}

/// Where a failed message goes; an explicit path is checked now, not after the failure.
fn save_target(args: &SendArgs, origin: &Origin) -> Result<SaveTarget, PlanError> {
    let Some(path) = &args.save_failed else {
        return Ok(match origin {
            Origin::File(_) => SaveTarget::Never,
            _ => SaveTarget::Default,
        });
    };
    if path.is_dir() {
        return Ok(SaveTarget::Path(path.clone()));
    }
    // A trailing slash says "a directory": make it now, so a failure later still has a place
    // to keep the message.
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)
            .map_err(|e| PlanError::file("--save-failed", path, &e))?;
        return Ok(SaveTarget::Path(path.clone()));
    }
    if path.exists() {
        return Err(PlanError::usage(
            format!("--save-failed {}: the file exists", path.display()),
            "give a new file name or a directory",
        ));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(PlanError {
            kind: PlanErrorKind::NoInput,
            message: format!(
                "--save-failed {}: the directory {} does not exist",
                path.display(),
                parent.display()
            ),
            hint: Some("create it first, or end the path with / to have smtpx create it".into()),
        });
    }
    Ok(SaveTarget::Path(path.clone()))
}
