//! `smtpx explain` (placeholder until the analysis lands).
use crate::cli::ExplainArgs;
use crate::exit::Exit;
pub fn run(_args: ExplainArgs) -> anyhow::Result<Exit> {
    anyhow::bail!("not yet")
}
