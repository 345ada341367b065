//! [`SqlStore`]: the case store (`liuhen_core::ports::Store`) on SQLite or PostgreSQL.
//!
//! SQLite is the default (DESIGN.md principle 4, "Embedded by default"): one database file in
//! the data folder, WAL journal, `synchronous=FULL` so that an acknowledged append survives a
//! power cut, foreign keys on, and a busy timeout for other processes (e.g. `liuhen rebuild`).
//! PostgreSQL serves provinces running several stateless app nodes.
//!
//! # One SQL text, two backends
//!
//! The statements live once in `ops.rs` and are expanded for each backend by a macro; they use
//! `$n` placeholders, which both drivers accept. The schema (`migrations/*/0002_case_store.sql`)
//! stores instants as RFC 3339 text, dates as Julian day numbers and hashes as 32-byte blobs, so
//! the same binds and decoders serve both. The `Any` driver was rejected: it has no dates or
//! JSON and hides which backend a statement runs on.
//!
//! # Append: one transaction, serialised
//!
//! [`Store::append`] runs in ONE transaction: take the log lock, read the log size, check each
//! record's `seq` against its stream head, insert the records at the next log indexes, upsert
//! the projections, replace the deadline sets, append the record hashes as log leaves
//! (`log_glue`, through [`crate::log::append_in`], checked to land at those indexes), commit.
//! Log appends are inherently serial (each leaf index depends on the previous size), so
//! serialising the whole append costs nothing extra and makes the head check exact:
//! - SQLite: all writes go through a one-connection writer pool and start with
//!   `BEGIN IMMEDIATE`, so the write lock is held from the first read (a deferred transaction
//!   upgrading to a writer could fail with `SQLITE_BUSY` instead of waiting). Reads use a
//!   separate pool and run concurrently (WAL).
//! - PostgreSQL: `pg_advisory_xact_lock` on a key derived from the current schema, released at
//!   commit or rollback. Under READ COMMITTED each later statement sees every append committed
//!   before the lock was granted. `UNIQUE(stream, seq)` backs the check up in both cases.
//!
//! A refused batch (seq conflict, invalid row, database error) rolls back entirely: no record,
//! no log leaf, no projection (ports.rs: "nothing is written").
//!
//! Appends waiting at the same time share one transaction and one durable commit, each batch in
//! its own savepoint (`group_commit`): an `fsync` per append would otherwise cap throughput
//! near 1,000 appends/s.
//!
//! # Example
//!
//! ```
//! use liuhen_core::ports::{ProjectionKind, Store};
//! use liuhen_store::sql_store::SqlStore;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let data_dir = tempfile::tempdir()?;
//! let store = SqlStore::open_data_dir(data_dir.path()).await?; // <data dir>/liuhen.db
//! let state = store.log_state().await?;
//! assert_eq!(state.size, 0);
//! assert!(store.projection(ProjectionKind::Case, "c1").await?.is_none());
//! store.close().await;
//! # Ok(())
//! # }
//! ```

mod convert;
pub mod error;
mod group_commit;
mod log_glue;
mod ops;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use liuhen_core::ids::{LogIndex, StreamId, UserId};
use liuhen_core::ports::{
    AppendBatch, AuditEntry, AuditQuery, DeadlineQuery, DeadlineRow, Digest32, LogState,
    Projection, ProjectionKind, ProjectionQuery, Receipt, Session, Store, StoreError, StoredRecord,
    StreamHead,
};
use liuhen_ledger::hash::HashProfile;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgPool, SqlitePool};

use self::convert::{backend, db};
use self::error::SqlStoreError;
use crate::log::{PG_LOG_LOCK, SqlLog};

/// Largest page any list query returns (ports.rs: "the store caps it at 1,000").
pub const MAX_PAGE: u32 = 1_000;

/// Checkpoint origin of a log created without an explicit one (C2SP tlog-checkpoint origin
/// line). Deployments set their own, e.g. `zfj.xuecheng.gov.cn/liuhen`.
pub const DEFAULT_ORIGIN: &str = "localhost/liuhen";

/// Name of the SQLite database file inside a data folder.
pub const SQLITE_FILE_NAME: &str = "liuhen.db";

/// Settings of an SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteConfig {
    /// The database file (created if missing), usually `<data dir>/liuhen.db`.
    pub path: PathBuf,
    /// Connections of the read pool (writes always use one dedicated connection).
    pub readers: u32,
    /// How long a statement waits for another process's lock before failing.
    pub busy_timeout: Duration,
    /// Hash profile of the log (SM3 by default). A log never changes profile: opening a log
    /// created with another profile fails.
    pub profile: HashProfile,
    /// Checkpoint origin: used when the log is created; when set, an existing log must have it.
    /// `None` creates with [`DEFAULT_ORIGIN`] and accepts any existing origin.
    pub origin: Option<String>,
}

impl SqliteConfig {
    /// Defaults for a database file: 4 readers, 10 s busy timeout, SM3, any origin.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        SqliteConfig {
            path: path.into(),
            readers: 4,
            busy_timeout: Duration::from_secs(10),
            profile: HashProfile::Sm3,
            origin: None,
        }
    }
}

/// Settings of a PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresConfig {
    /// Connection URL, e.g. `postgres://liuhen@db.example/liuhen`.
    pub url: String,
    /// Schema to use (created if missing) instead of the role's default search path; 1–63
    /// characters of `[a-z0-9_]` starting with a letter. Tests use one fresh schema each.
    pub schema: Option<String>,
    /// Pool size.
    pub max_connections: u32,
    /// How long to wait for a connection (also bounds connecting at start-up).
    pub acquire_timeout: Duration,
    /// Hash profile of the log (SM3 by default). A log never changes profile: opening a log
    /// created with another profile fails.
    pub profile: HashProfile,
    /// Checkpoint origin: used when the log is created; when set, an existing log must have it.
    /// `None` creates with [`DEFAULT_ORIGIN`] and accepts any existing origin.
    pub origin: Option<String>,
}

impl PostgresConfig {
    /// Defaults for a URL: default search path, 10 connections, 30 s acquire timeout, SM3.
    pub fn new(url: impl Into<String>) -> Self {
        PostgresConfig {
            url: url.into(),
            schema: None,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(30),
            profile: HashProfile::Sm3,
            origin: None,
        }
    }
}

/// The two backends. SQLite keeps separate writer and reader pools (see the module docs).
#[derive(Debug, Clone)]
enum Backend {
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Postgres(PgPool),
}

/// The case store on SQLite or PostgreSQL, with its verifiable log on the same pools. Cheap to
/// clone (pools and log are shared).
#[derive(Debug, Clone)]
pub struct SqlStore {
    backend: Backend,
    log: Arc<SqlLog>,
    appender: group_commit::Appender,
    profile: HashProfile,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl SqlStore {
    /// Opens (creating if needed) the SQLite database at `path` with default settings and
    /// applies pending migrations.
    pub async fn open_sqlite(path: impl AsRef<Path>) -> Result<Self, SqlStoreError> {
        Self::open_sqlite_with(&SqliteConfig::new(path.as_ref())).await
    }

    /// Opens the SQLite database `<data_dir>/liuhen.db`.
    pub async fn open_data_dir(data_dir: impl AsRef<Path>) -> Result<Self, SqlStoreError> {
        Self::open_sqlite(data_dir.as_ref().join(SQLITE_FILE_NAME)).await
    }

    /// Opens an SQLite store with explicit settings.
    pub async fn open_sqlite_with(config: &SqliteConfig) -> Result<Self, SqlStoreError> {
        let options = SqliteConnectOptions::new()
            .filename(&config.path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(config.busy_timeout);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone())
            .await?;
        SQLITE_MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(config.readers.max(1))
            .connect_with(options)
            .await?;
        let log = SqlLog::from_sqlite_pools(writer.clone(), reader.clone());
        log_glue::open(&log, config.profile, config.origin.as_deref()).await?;
        let backend = Backend::Sqlite { writer, reader };
        let appender = group_commit::Appender::spawn(backend.clone());
        Ok(SqlStore {
            backend,
            log: Arc::new(log),
            appender,
            profile: config.profile,
        })
    }

    /// Connects to PostgreSQL at `url` with default settings and applies pending migrations.
    pub async fn connect_postgres(url: &str) -> Result<Self, SqlStoreError> {
        Self::connect_postgres_with(&PostgresConfig::new(url)).await
    }

    /// Connects to PostgreSQL with explicit settings.
    pub async fn connect_postgres_with(config: &PostgresConfig) -> Result<Self, SqlStoreError> {
        let mut options = PgConnectOptions::from_str(&config.url)?;
        if let Some(schema) = &config.schema {
            check_schema_name(schema)?;
            let connect = sqlx::PgConnection::connect_with(&options);
            let mut conn = tokio::time::timeout(config.acquire_timeout, connect)
                .await
                .map_err(|_| SqlStoreError::Database(sqlx::Error::PoolTimedOut))??;
            // The name is checked above to be [a-z0-9_] only, so it needs no quoting beyond this.
            let create = sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""));
            sqlx::query(create).execute(&mut conn).await?;
            conn.close().await?;
            options = options.options([("search_path", schema.as_str())]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .acquire_timeout(config.acquire_timeout)
            .connect_with(options)
            .await?;
        POSTGRES_MIGRATOR.run(&pool).await?;
        let log = SqlLog::from_postgres_pool(pool.clone());
        log_glue::open(&log, config.profile, config.origin.as_deref()).await?;
        let backend = Backend::Postgres(pool);
        let appender = group_commit::Appender::spawn(backend.clone());
        Ok(SqlStore {
            backend,
            log: Arc::new(log),
            appender,
            profile: config.profile,
        })
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The log's hash profile.
    pub fn profile(&self) -> HashProfile {
        self.profile
    }

    /// The verifiable log on the same database, for checkpoints (`put_checkpoint`,
    /// `latest_checkpoint`) and full verification (`verify`). Append records through
    /// [`Store::append`] only, so that every leaf has its record row.
    pub fn log(&self) -> &SqlLog {
        &self.log
    }

    /// Closes the pools, waiting for connections in use to be returned. For SQLite this
    /// checkpoints the WAL into the database file.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

/// Accepts 1–63 characters of `[a-z0-9_]` starting with a letter: safe to splice into DDL and
/// within PostgreSQL's identifier length.
fn check_schema_name(schema: &str) -> Result<(), SqlStoreError> {
    let ok = (1..=63).contains(&schema.len())
        && schema.starts_with(|c: char| c.is_ascii_lowercase())
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(SqlStoreError::InvalidSchemaName(schema.to_owned()))
    }
}

/// Runs `$func` of the right backend's ops module on the read pool.
macro_rules! read_op {
    ($self:ident, $func:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite { reader, .. } => ops::sqlite::$func(reader, $($arg),*).await,
            Backend::Postgres(pool) => ops::postgres::$func(pool, $($arg),*).await,
        }
    };
}

/// Runs `$func` of the right backend's ops module on the write pool (single statements that
/// need no transaction of their own).
macro_rules! write_op {
    ($self:ident, $func:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite { writer, .. } => ops::sqlite::$func(writer, $($arg),*).await,
            Backend::Postgres(pool) => ops::postgres::$func(pool, $($arg),*).await,
        }
    };
}

#[async_trait]
impl Store for SqlStore {
    async fn append(&self, batch: AppendBatch) -> Result<Vec<Receipt>, StoreError> {
        // Refuse a malformed batch before it waits in the queue.
        ops::check_batch_shape(&batch)?;
        self.appender.append(batch).await
    }

    async fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        read_op!(self, stream_head(stream.as_str()))
    }

    async fn read_stream(&self, stream: &StreamId) -> Result<Vec<StoredRecord>, StoreError> {
        read_op!(self, read_stream(stream.as_str()))
    }

    async fn read_log(&self, from: LogIndex, limit: u32) -> Result<Vec<StoredRecord>, StoreError> {
        read_op!(self, read_log(from.0, limit))
    }

    async fn projection(
        &self,
        kind: ProjectionKind,
        id: &str,
    ) -> Result<Option<Projection>, StoreError> {
        read_op!(self, projection(kind, id))
    }

    async fn list_projections(
        &self,
        query: &ProjectionQuery,
    ) -> Result<Vec<Projection>, StoreError> {
        read_op!(self, list_projections(query))
    }

    async fn deadlines(&self, query: &DeadlineQuery) -> Result<Vec<DeadlineRow>, StoreError> {
        read_op!(self, deadlines(query))
    }

    async fn replace_all_projections(
        &self,
        projections: Vec<Projection>,
        deadlines: Vec<DeadlineRow>,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite { writer, .. } => {
                let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
                ops::sqlite::replace_all(&mut tx, &projections, &deadlines).await?;
                tx.commit().await.map_err(db)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(db)?;
                // Taken so that no append interleaves its projection rows with the rebuild.
                sqlx::query(PG_LOG_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                ops::postgres::replace_all(&mut tx, &projections, &deadlines).await?;
                tx.commit().await.map_err(db)
            }
        }
    }

    async fn log_state(&self) -> Result<LogState, StoreError> {
        log_glue::state(&self.log).await
    }

    async fn prove_inclusion(
        &self,
        index: LogIndex,
        size: u64,
    ) -> Result<Vec<Digest32>, StoreError> {
        log_glue::prove_inclusion(&self.log, index.0, size).await
    }

    async fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Digest32>, StoreError> {
        log_glue::prove_consistency(&self.log, old, new).await
    }

    async fn audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        // Through the group-commit writer: a standalone entry (a read, a refusal, a request
        // audited by the web layer) shares the durable commit of whatever is being written at
        // the time instead of paying an fsync of its own, and on SQLite no longer competes
        // with the writer task for the one write connection.
        self.appender
            .append(AppendBatch {
                audit: vec![entry],
                ..AppendBatch::default()
            })
            .await
            .map(|_| ())
    }

    async fn read_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        read_op!(self, read_audit(query))
    }

    async fn password_hash(&self, username: &str) -> Result<Option<(UserId, String)>, StoreError> {
        read_op!(self, password_hash(username))
    }

    async fn set_password_hash(
        &self,
        user: &UserId,
        username: &str,
        phc: &str,
    ) -> Result<(), StoreError> {
        write_op!(self, set_password_hash(user, username, phc))
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        write_op!(self, create_session(session))
    }

    async fn session(&self, token_hash: &Digest32) -> Result<Option<Session>, StoreError> {
        read_op!(self, session(token_hash))
    }

    async fn delete_session(&self, token_hash: &Digest32) -> Result<(), StoreError> {
        // The sweep uses the wall clock: session expiry is about real time, not the injected
        // clock that back-dates demo cases.
        let now_unix = time::OffsetDateTime::now_utc().unix_timestamp();
        write_op!(self, delete_session(token_hash, now_unix))
    }

    async fn touch_session(
        &self,
        token_hash: &Digest32,
        now_ms: i64,
        idle_ms: i64,
    ) -> Result<bool, StoreError> {
        write_op!(self, touch_session(token_hash, now_ms, now_ms - idle_ms))
    }
}

/// Lets callers that hold a [`SqlStoreError`] hand it to the core.
impl From<SqlStoreError> for StoreError {
    fn from(error: SqlStoreError) -> Self {
        backend(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_restricted_to_a_safe_alphabet() {
        for good in ["t_0abc", "liuhen", "a"] {
            assert!(check_schema_name(good).is_ok(), "{good}");
        }
        for bad in ["", "0abc", "T_abc", "a-b", "a\"; DROP", &"a".repeat(64)] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
    }
}
