//! The `smtpx send` command line, as plain clap data: nothing here reads a file or checks an
//! address (that is the plan step). One piece is hand-written: `--attach-type` and
//! `--attach-name` belong to the `--attach` before them, which only argument positions can tell.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, ValueEnum};

use crate::account::{AuthArgs, ProfileArgs};
use crate::cli::{ConnectArgs, OutputArgs, TlsArgs};

/// `smtpx send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Recipient in To (repeatable; a comma-separated list works too).
    #[arg(long, value_name = "ADDRESS", help_heading = "Message")]
    pub to: Vec<String>,
    /// Recipient in Cc (repeatable).
    #[arg(long, value_name = "ADDRESS", help_heading = "Message")]
    pub cc: Vec<String>,
    /// Hidden recipient (repeatable): in the envelope, never in the header.
    #[arg(long, value_name = "ADDRESS", help_heading = "Message")]
    pub bcc: Vec<String>,
    /// The From field, and the envelope sender unless -f is given (default: the profile's
    /// `from`, else $USER at the EHLO name).
    #[arg(long, value_name = "ADDRESS", help_heading = "Message")]
    pub from: Option<String>,
    /// Reply-To (repeatable).
    #[arg(long, value_name = "ADDRESS", help_heading = "Message")]
    pub reply_to: Vec<String>,
    /// The subject (non-ASCII is sent as RFC 2047 encoded words).
    #[arg(long, value_name = "TEXT", help_heading = "Message")]
    pub subject: Option<OsString>,
    /// An extra header field (repeatable), e.g. -H 'X-Ticket: 42'.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", help_heading = "Message")]
    pub headers: Vec<String>,
    /// The text body.
    #[arg(long, value_name = "TEXT", conflicts_with = "body_file", help_heading = "Message")]
    pub body: Option<String>,
    /// The text body from a UTF-8 file, or - for standard input.
    #[arg(long, value_name = "PATH|-", help_heading = "Message")]
    pub body_file: Option<PathBuf>,
    /// An HTML body (sent as multipart/alternative with the text body).
    #[arg(long, value_name = "HTML", conflicts_with = "html_file", help_heading = "Message")]
    pub html: Option<String>,
    /// The HTML body from a UTF-8 file, or - for standard input.
    #[arg(long, value_name = "PATH|-", help_heading = "Message")]
    pub html_file: Option<PathBuf>,
    #[command(flatten)]
    pub attachments: AttachArgs,

    /// Send an existing RFC 5322 message as it is (line endings normalised), from a file or
    /// - for standard input. Recipients come from --to/--cc/--bcc, -t or the arguments.
    #[arg(long, value_name = "PATH|-", help_heading = "Raw message (sendmail style)",
          conflicts_with_all = ["subject", "headers", "body", "body_file", "html", "html_file",
                                "reply_to", "attach"])]
    pub raw: Option<PathBuf>,
    /// With --raw: take recipients from the To, Cc and Bcc fields and remove Bcc (sendmail -t).
    #[arg(short = 't', long, requires = "raw", help_heading = "Raw message (sendmail style)")]
    pub read_recipients: bool,
    /// With --raw: more envelope recipients, as sendmail takes them.
    #[arg(value_name = "RECIPIENT", requires = "raw")]
    pub recipients: Vec<String>,
    /// The envelope sender (MAIL FROM), or '<>' for the null sender; -f as in sendmail.
    #[arg(short = 'f', long, value_name = "ADDRESS", help_heading = "Message")]
    pub envelope_from: Option<String>,
    /// sendmail's -i (a lone dot does not end the message): always true here, accepted for
    /// compatibility.
    #[arg(short = 'i', hide = true)]
    pub ignore_dots: bool,
    /// sendmail's -o options (-oi, -oem): accepted and ignored, for compatibility.
    #[arg(short = 'o', hide = true, value_name = "OPTION")]
    pub sendmail_options: Vec<String>,

    /// Write the message to standard output and send nothing.
    #[arg(long, help_heading = "Delivery")]
    pub print: bool,
    /// The server to hand the message to (default: the profile's, else each recipient
    /// domain's MX hosts).
    #[arg(short = 's', long, value_name = "HOST[:PORT]", help_heading = "Delivery")]
    pub server: Option<String>,
    /// Send to the accepted recipients even when others are refused (default: all or nothing).
    #[arg(long, help_heading = "Delivery")]
    pub allow_partial: bool,
    /// Where to save the message if it cannot be delivered (a file or a directory; default:
    /// $XDG_STATE_HOME/smtpx/failed/, for messages from arguments or standard input).
    #[arg(long, value_name = "PATH", help_heading = "Delivery")]
    pub save_failed: Option<PathBuf>,
    /// Send the content in BDAT chunks when the server offers CHUNKING (RFC 3030).
    #[arg(long, help_heading = "Delivery")]
    pub chunking: bool,
    /// Ask every server on the way to use TLS (RFC 8689 REQUIRETLS); implies STARTTLS.
    #[arg(long, help_heading = "Delivery")]
    pub require_tls: bool,
    /// Delivery status notifications: never, or a list of success, failure, delay (RFC 3461).
    #[arg(long, value_name = "WHEN", help_heading = "Delivery")]
    pub dsn_notify: Option<String>,
    /// What a DSN returns of the message.
    #[arg(long, value_enum, value_name = "WHAT", help_heading = "Delivery")]
    pub dsn_ret: Option<DsnRet>,
    /// An envelope id that DSNs quote back (printable ASCII, at most 100 characters).
    #[arg(long, value_name = "ID", help_heading = "Delivery")]
    pub dsn_envid: Option<String>,

    #[command(flatten, next_help_heading = "Account")]
    pub profile: ProfileArgs,
    #[command(flatten, next_help_heading = "Authentication")]
    pub auth: AuthArgs,
    #[command(flatten, next_help_heading = "Connection")]
    pub connect: ConnectArgs,
    #[command(flatten, next_help_heading = "TLS")]
    pub tls: TlsArgs,
    #[command(flatten, next_help_heading = "Output")]
    pub output: OutputArgs,
}

/// RFC 3461 §4.3 `RET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DsnRet {
    /// The whole message.
    Full,
    /// Only its header.
    Hdrs,
}

impl DsnRet {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            DsnRet::Full => "FULL",
            DsnRet::Hdrs => "HDRS",
        }
    }
}

/// One `--attach`, with the type and name given after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachArg {
    pub path: PathBuf,
    pub content_type: Option<String>,
    pub name: Option<String>,
}

/// The attachments, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachArgs {
    pub list: Vec<AttachArg>,
}

const ATTACH: &str = "attach";
const ATTACH_TYPE: &str = "attach_type";
const ATTACH_NAME: &str = "attach_name";

impl Args for AttachArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.arg(
            Arg::new(ATTACH)
                .short('a')
                .long("attach")
                .value_name("PATH")
                .action(ArgAction::Append)
                .value_parser(clap::value_parser!(PathBuf))
                .help_heading("Message")
                .help("Attach a file (repeatable); its type is guessed from the name"),
        )
        .arg(
            Arg::new(ATTACH_TYPE)
                .long("attach-type")
                .value_name("TYPE")
                .action(ArgAction::Append)
                .requires(ATTACH)
                .help_heading("Message")
                .help("Content type of the --attach before it, e.g. application/pdf"),
        )
        .arg(
            Arg::new(ATTACH_NAME)
                .long("attach-name")
                .value_name("NAME")
                .action(ArgAction::Append)
                .requires(ATTACH)
                .help_heading("Message")
                .help("File name the recipient sees for the --attach before it"),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for AttachArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let paths: Vec<(usize, PathBuf)> = indexed(matches, ATTACH);
        let mut list: Vec<AttachArg> = paths
            .iter()
            .map(|(_, path)| AttachArg { path: path.clone(), content_type: None, name: None })
            .collect();
        for (flag, id) in [("--attach-type", ATTACH_TYPE), ("--attach-name", ATTACH_NAME)] {
            for (index, value) in indexed::<String>(matches, id) {
                let Some(owner) = paths.iter().rposition(|(at, _)| *at < index) else {
                    return Err(usage(format!(
                        "{flag} {value:?} must follow the --attach it is for"
                    )));
                };
                let slot = match id {
                    ATTACH_TYPE => &mut list[owner].content_type,
                    _ => &mut list[owner].name,
                };
                if slot.replace(value).is_some() {
                    return Err(usage(format!("{flag} given twice for one --attach")));
                }
            }
        }
        Ok(AttachArgs { list })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// The values of an argument with their positions on the command line.
fn indexed<T: Clone + Send + Sync + 'static>(matches: &ArgMatches, id: &str) -> Vec<(usize, T)> {
    match (matches.indices_of(id), matches.get_many::<T>(id)) {
        (Some(indices), Some(values)) => indices.zip(values.cloned()).collect(),
        _ => Vec::new(),
    }
}

fn usage(message: String) -> clap::Error {
    clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, format!("{message}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrapper {
        #[command(flatten)]
        attach: AttachArgs,
    }

    fn parse(args: &[&str]) -> Result<AttachArgs, clap::Error> {
        let argv = std::iter::once("test").chain(args.iter().copied());
        Wrapper::try_parse_from(argv).map(|w| w.attach)
    }

    #[test]
    fn type_and_name_belong_to_the_attach_before_them() {
        let a = parse(&[
            "--attach",
            "a.bin",
            "--attach",
            "r.pdf",
            "--attach-name",
            "Report.pdf",
            "--attach-type",
            "application/pdf",
            "-a",
            "c.txt",
        ])
        .unwrap();
        assert_eq!(a.list.len(), 3);
        assert_eq!(a.list[0], AttachArg { path: "a.bin".into(), content_type: None, name: None });
        assert_eq!(a.list[1].name.as_deref(), Some("Report.pdf"));
        assert_eq!(a.list[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(a.list[2].name, None);
    }

    #[test]
    fn misplaced_or_repeated_options_are_usage_errors() {
        assert!(parse(&["--attach-type", "text/plain", "--attach", "a"]).is_err());
        assert!(parse(&["--attach", "a", "--attach-name", "x", "--attach-name", "y"]).is_err());
        assert!(parse(&["--attach-name", "x"]).is_err());
        assert_eq!(parse(&[]).unwrap(), AttachArgs::default());
    }
}
