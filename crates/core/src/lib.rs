//! liuhen-core: the domain of administrative enforcement — bodies, officers, power items, cases
//! and their records — with the rule engine that checks every command against the rule sets.
//!
//! # Brief overview
//! - [`record::Record`] is the envelope of every change; [`canonical`] gives its RFC 8785 bytes.
//! - [`ports::Store`] and [`ports::Clock`] are how the outside world comes in; the core does no I/O.
//! - Identifiers are newtypes in [`ids`]; staff roles are [`role::Role`].
//!
//! The rest of the crate (rule sets, registries, cases, commands, gates, deadlines) is described in
//! `docs/ARCHITECTURE.md`.

pub mod blobs;
pub mod canonical;
pub mod case;
pub mod deadlines;
pub mod disclosure;
pub mod error;
pub mod gates;
pub mod ids;
pub mod memory;
pub mod ports;
pub mod record;
pub mod registry;
pub mod review;
pub mod role;
pub mod rules;
pub mod service;

/// China Standard Time, UTC+8 (requirements.md T1). No daylight saving time.
pub const CHINA_OFFSET: time::UtcOffset = match time::UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => time::UtcOffset::UTC,
};
