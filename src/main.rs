//! The `smtpx` binary: parse, dispatch, report the error once, exit with a documented code.

use clap::Parser;
use smtpx::exit::Exit;

fn main() -> std::process::ExitCode {
    let cli = match smtpx::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap exits 2 on usage errors; our contract is sysexits' 64 (EX_USAGE).
            let _ = err.print();
            return if err.use_stderr() { Exit::Usage } else { Exit::Ok }.into();
        }
    };
    match smtpx::commands::run(cli) {
        Ok(code) => code.into(),
        Err(err) => smtpx::exit::report(&err).into(),
    }
}
