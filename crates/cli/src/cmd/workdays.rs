//! `liuhen workdays …`, `liuhen deadline`, `liuhen calendar …` — placeholder.
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum WorkdaysCommand {
    /// Not yet implemented.
    Is,
}
#[derive(Debug, clap::Args)]
pub struct DeadlineArgs {}
#[derive(Debug, clap::Subcommand)]
pub enum CalendarCommand {
    /// Not yet implemented.
    Import,
}

pub fn run_workdays(_command: WorkdaysCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
pub fn run_deadline(_args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
pub fn run_calendar(_command: CalendarCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
