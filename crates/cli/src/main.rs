//! The main entry point into liuhen.
//!
//! The binary is deliberately thin: it parses the command line with clap and hands each
//! subcommand to its module under `cmd/`, which calls into the library crates. Only this crate
//! uses `anyhow`; libraries return typed errors.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// 留痕 liuhen — administrative enforcement disclosure, full-process recording and legal review.
#[derive(Debug, Parser)]
#[command(name = "liuhen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with a verifiable log folder (init, append, checkpoint, prove, verify, bench).
    #[command(subcommand)]
    Log(cmd::log::LogCommand),
    /// Working-day arithmetic on the China calendar (is, add, between).
    #[command(subcommand)]
    Workdays(cmd::workdays::WorkdaysCommand),
    /// Compute the due date of a statutory period from the period table.
    Deadline(cmd::workdays::DeadlineArgs),
    /// Manage the holiday calendar data (import a newly published year, list coverage).
    #[command(subcommand)]
    Calendar(cmd::workdays::CalendarCommand),
    /// Detect and mask personal information in text.
    Redact(cmd::redact::RedactArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误 error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Log(command) => cmd::log::run(command),
        Command::Workdays(command) => cmd::workdays::run_workdays(command),
        Command::Deadline(args) => cmd::workdays::run_deadline(args),
        Command::Calendar(command) => cmd::workdays::run_calendar(command),
        Command::Redact(args) => cmd::redact::run(args),
    }
}
