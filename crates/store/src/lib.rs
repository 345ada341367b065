//! liuhen-store provides the SQL storage of liuhen: the verifiable record log ([`log::SqlLog`])
//! and the case store ([`sql_store`]), each on SQLite (embedded default) or PostgreSQL
//! (DESIGN.md "Storage"). One migration set per backend lives in `migrations/{sqlite,postgres}`;
//! the same SQL text, with `$n` placeholders, serves both.

pub mod blobs;
pub mod log;
pub mod sql_store;
