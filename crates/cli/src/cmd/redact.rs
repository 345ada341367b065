//! `liuhen redact` — placeholder until the redaction crate lands.
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RedactArgs {}

pub fn run(_args: RedactArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
