//! The main entry point into liuhen.
//!
//! The binary is deliberately thin: it parses the command line with clap and hands each
//! subcommand to its module under `cmd/`, which calls into the library crates. Only this crate
//! uses `anyhow`; libraries return typed errors.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod demo;

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
    /// Serve the HTTP API over a data folder or PostgreSQL.
    Serve(cmd::serve::ServeArgs),
    /// Create (or reuse) the demo district of 薛城区 and serve it.
    Demo(cmd::demo::DemoArgs),
    /// Replay the log into fresh projections and report counts.
    Rebuild(cmd::rebuild::RebuildArgs),
    /// Evidence files: bulk import into a case (`add`), ingest benchmark (`bench`).
    #[command(subcommand)]
    Evidence(cmd::evidence::EvidenceCommand),
    /// Benchmarks of the platform (`bench api`: records over HTTP; `bench portal`: pages;
    /// `bench workbench`: staff pages' server time).
    #[command(subcommand)]
    Bench(cmd::bench_portal::BenchCommand),
    /// Case files (案卷): export a verifiable package, list cases.
    #[command(subcommand)]
    Case(cmd::case::CaseCommand),
    /// Reports: `report annual --year Y [--body B]`, the D9 annual figures with SVG charts.
    #[command(subcommand)]
    Report(cmd::report::ReportCommand),
    /// Verify a case-file package offline and report the four properties (档案 四性).
    Verify(cmd::verify::VerifyArgs),
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
        Command::Serve(args) => cmd::serve::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Rebuild(args) => cmd::rebuild::run(args),
        Command::Bench(command) => cmd::bench_portal::run(command),
        Command::Evidence(command) => cmd::evidence::run(command),
        Command::Case(command) => cmd::case::run(command),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Report(command) => cmd::report::run(command),
    }
}
