//! One module per family of subcommands; each parses its own arguments and prints its output.

pub mod log;
pub mod redact;
pub mod workdays;
