//! One module per subcommand. [`run`] is the single dispatch point; each command validates its
//! arguments (via [`crate::plan`]) before it opens any connection, and returns the exit code
//! for a finished run or an error that `main` reports once.

pub mod explain;
pub mod generate;
pub mod probe_ports;
pub mod send;
pub mod test_auth;
pub mod trace;

use std::io::IsTerminal;

use crate::cli::{Cli, Command, OutputArgs};
use crate::exit::Exit;
use crate::output::Verbosity;
use crate::output::palette::Palette;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Send(args) => send::run(*args),
        Command::Trace(args) => trace::run(*args),
        Command::ProbePorts(args) => probe_ports::run(*args),
        Command::TestAuth(args) => test_auth::run(*args),
        Command::Explain(args) => explain::run(args),
        Command::Generate(args) => generate::run(args),
    }
}

/// The verbosity the output flags ask for.
pub fn verbosity(output: &OutputArgs) -> Verbosity {
    match (output.quiet, output.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, 0) => Verbosity::Normal,
        (false, 1) => Verbosity::Verbose,
        (false, _) => Verbosity::Raw,
    }
}

/// The palette for stdout.
pub fn stdout_palette(output: &OutputArgs) -> Palette {
    Palette::choose(output.color, std::io::stdout().is_terminal())
}
