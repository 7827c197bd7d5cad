//! `smtpx generate`: writes shell completions to `completions/` and one man page per
//! subcommand to `man/`. The outputs are committed; a test regenerates them and fails on drift.

use std::fs;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateArgs};
use crate::exit::Exit;

/// The shells we ship completions for.
pub const SHELLS: [Shell; 5] =
    [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish];

/// Writes everything under `args.out_dir`.
pub fn run(args: GenerateArgs) -> anyhow::Result<Exit> {
    for (path, bytes) in render_all()? {
        let path = args.out_dir.join(path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Exit::Ok)
}

/// Every generated file as (relative path, contents); the drift test compares these.
pub fn render_all() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in SHELLS {
        let mut cmd = Cli::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "smtpx", &mut buf);
        let name = match shell {
            Shell::Bash => "smtpx.bash",
            Shell::Zsh => "_smtpx",
            Shell::Fish => "smtpx.fish",
            Shell::PowerShell => "_smtpx.ps1",
            _ => "smtpx.elv",
        };
        files.push((format!("completions/{name}"), buf));
    }
    let root = Cli::command();
    files.push(("man/smtpx.1".to_string(), render_man(&root)?));
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("smtpx-{}", sub.get_name());
        let page = sub.clone().name(name.clone()).bin_name(format!("smtpx {}", sub.get_name()));
        files.push((format!("man/{name}.1"), render_man(&page)?));
    }
    Ok(files)
}

fn render_man(cmd: &clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf).context("rendering a man page")?;
    Ok(buf)
}
