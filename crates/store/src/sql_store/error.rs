//! Errors specific to the SQL case store. They reach the core wrapped in
//! [`liuhen_core::ports::StoreError::Backend`]; conflicts, corruption and missing objects use the
//! port's own variants.

/// What went wrong in [`super::SqlStore`] beyond the port's `Conflict`/`Corrupt`/`NotFound`.
#[derive(Debug, thiserror::Error)]
pub enum SqlStoreError {
    /// The database refused or failed a statement, or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the schema migrations failed (e.g. the database was migrated by a newer liuhen).
    #[error("schema migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A PostgreSQL schema name was not 1–63 characters of `[a-z0-9_]` starting with a letter.
    #[error("invalid PostgreSQL schema name {0:?}")]
    InvalidSchemaName(String),
    /// A number does not fit the signed 64-bit columns of the schema.
    #[error("{what} {value} is out of range for storage")]
    OutOfRange {
        /// Which value.
        what: &'static str,
        /// The value.
        value: u64,
    },
    /// An instant cannot be written as RFC 3339 (year outside 0000–9999, or an offset with seconds).
    #[error("{what} cannot be stored as RFC 3339: {message}")]
    Instant {
        /// Which value.
        what: &'static str,
        /// The formatter's explanation.
        message: String,
    },
    /// A batch is inconsistent in itself, e.g. a deadline row filed under another stream's set.
    #[error("invalid append batch: {0}")]
    InvalidBatch(String),
    /// A query filter lists more values than one statement may bind.
    #[error("filter lists {given} {what}, at most {max} are accepted")]
    FilterTooLarge {
        /// Which filter.
        what: &'static str,
        /// How many were given.
        given: usize,
        /// The maximum.
        max: usize,
    },
    /// `set_password_hash` named a username that belongs to another user.
    #[error("username {0:?} belongs to another user")]
    UsernameTaken(String),
    /// A session with this token hash already exists.
    #[error("a session with this token hash already exists")]
    DuplicateSession,
    /// The writer task that commits appends has stopped (the runtime is shutting down).
    #[error("the store's writer task has stopped")]
    WriterStopped,
    /// The shared transaction of a group commit failed to begin or commit; no batch of the
    /// group was written.
    #[error("group commit failed, nothing was written: {0}")]
    GroupFailed(String),
    /// The verifiable log failed, or exists with another hash profile or origin than configured.
    #[error("verifiable log: {0}")]
    Log(#[source] crate::log::LogError),
}
