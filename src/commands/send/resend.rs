//! The command that resends a saved message the way the failed one was meant to go: the same
//! route (server or profile), TLS, identity and delivery options, only the message replaced by
//! `--raw FILE` and the recipients by those not reached. Without the route a resend would go
//! straight to the recipients' MX hosts, which is not what the user chose.

use clap::ValueEnum;

use super::args::SendArgs;

/// The options of `args` that decide where and how a message goes (never a secret: password
/// and token sources are named by path or command, as the user typed them).
pub fn route_options(args: &SendArgs) -> Vec<String> {
    let mut out = Vec::new();
    let mut flag = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push(name.to_string());
            out.push(value);
        }
    };
    let path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let name = |v: Option<&dyn ValueName>| v.map(|v| v.value_name());
    flag("--profile", args.profile.profile.clone());
    flag("--config", path(&args.profile.config));
    flag("--server", args.server.clone());
    flag("--port", args.connect.port.map(|p| p.to_string()));
    flag("--tls", name(args.tls.tls.as_ref().map(|t| t as &dyn ValueName)));
    flag("--ca-file", path(&args.tls.ca_file));
    flag("--sni", args.tls.sni.clone());
    flag("--client-cert", path(&args.tls.client_cert));
    flag("--client-key", path(&args.tls.client_key));
    flag("--user", args.auth.user.clone());
    flag("--password-file", path(&args.auth.password_file));
    flag("--password-command", args.auth.password_command.clone());
    flag("--token-file", path(&args.auth.token_file));
    flag("--token-command", args.auth.token_command.clone());
    flag("--mech", name(args.auth.mech.as_ref().map(|m| m as &dyn ValueName)));
    flag("--ehlo", args.connect.ehlo.clone());
    flag("--local-addr", args.connect.local_addr.map(|a| a.to_string()));
    flag("--dns-server", args.connect.dns_server.clone());
    flag("--envelope-from", args.envelope_from.clone());
    flag("--dsn-notify", args.dsn_notify.clone());
    flag("--dsn-ret", name(args.dsn_ret.as_ref().map(|r| r as &dyn ValueName)));
    flag("--dsn-envid", args.dsn_envid.clone());
    let switches = [
        ("--insecure", args.tls.insecure),
        ("--force-mech", args.auth.force_mech),
        ("--allow-plaintext-auth", args.auth.allow_plaintext_auth),
        ("-4", args.connect.ipv4),
        ("-6", args.connect.ipv6),
        ("--require-tls", args.require_tls),
        ("--chunking", args.chunking),
    ];
    out.extend(switches.iter().filter(|(_, on)| *on).map(|(s, _)| s.to_string()));
    out
}

/// The name clap accepts for a value-enum value.
trait ValueName {
    fn value_name(&self) -> String;
}

impl<T: ValueEnum> ValueName for T {
    fn value_name(&self) -> String {
        self.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        send: SendArgs,
    }

    fn options(argv: &[&str]) -> Vec<String> {
        let args = Cli::parse_from(std::iter::once("send").chain(argv.iter().copied())).send;
        route_options(&args)
    }

    #[test]
    fn route_tls_and_identity_are_kept_message_options_are_not() {
        let got = options(&[
            "--server",
            "smtp.example.com:587",
            "--tls",
            "starttls",
            "--ca-file",
            "ca.pem",
            "-u",
            "me@example.com",
            "--mech",
            "scram-sha-256",
            "--to",
            "bob@example.com",
            "--subject",
            "hi",
            "--body",
            "x",
            "--chunking",
        ]);
        assert_eq!(
            got,
            [
                "--server",
                "smtp.example.com:587",
                "--tls",
                "starttls",
                "--ca-file",
                "ca.pem",
                "--user",
                "me@example.com",
                "--mech",
                "scram-sha-256",
                "--chunking"
            ]
        );
    }

    #[test]
    fn a_profile_is_named_again() {
        assert_eq!(options(&["--profile", "work", "--to", "b@example.com"]), ["--profile", "work"]);
    }
}
