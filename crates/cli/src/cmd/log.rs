//! `liuhen log …` — placeholder until the ledger lands.
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum LogCommand {
    /// Not yet implemented.
    Init,
}

pub fn run(_command: LogCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
