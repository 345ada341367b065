//! One module per family of subcommands; each parses its own arguments and prints its output.

pub mod bench_api;
pub mod bench_portal;
pub mod bench_workbench;
pub mod case;
pub mod demo;
pub mod evidence;
pub mod log;
pub mod rebuild;
pub mod redact;
pub mod report;
pub mod serve;
pub mod verify;
pub mod workdays;
