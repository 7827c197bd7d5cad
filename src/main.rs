//! The `smtpx` binary: parse, dispatch, report the error once, exit with a documented code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match smtpx::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // clap exits 2 on usage errors; our contract is sysexits' 64 (EX_USAGE).
        Err(err) => return smtpx::exit::report_usage(&err).into(),
    };
    match smtpx::commands::run(cli) {
        Ok(code) => code.into(),
        Err(err) => smtpx::exit::report(&err).into(),
    }
}
