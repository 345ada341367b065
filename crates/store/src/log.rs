//! [`SqlLog`]: the verifiable record log (liuhen-ledger) stored in SQLite or PostgreSQL.
//!
//! The ledger is sans-I/O: it names the tiles an operation needs and computes on a
//! [`TileSet`]. This module reads and writes those tiles with sqlx. Tables (migrations
//! `0001_log.sql` of each backend): `log_meta` (one row: profile, origin, size, root), `log_tiles`
//! (level, idx, width, data — C2SP tlog-tiles, partial tiles replaced as they grow), `log_leaves`
//! (idx, data — kept so that [`SqlLog::verify`] can recompute everything) and `log_checkpoints`.
//!
//! # Appending inside the caller's transaction
//!
//! A case store must add its leaves in the same transaction as its record rows (DESIGN.md "Data
//! flow"). [`append_in`] does that: it takes a [`LogConn`], i.e. `&mut SqliteConnection` or
//! `&mut PgConnection` — what `&mut *tx` gives for an `sqlx::Transaction` of either backend —
//! and never commits. An enum over the two connection types was chosen over a function generic
//! over `sqlx::Database`: the generic bounds (`for<'c> &'c mut DB::Connection: Executor<'c>`,
//! `Encode`/`Decode` for each column type) are long and leak into every caller, while the enum
//! keeps one SQL text (with `$n` placeholders) expanded for both backends by a macro.
//!
//! ```no_run
//! # async fn example(pool: sqlx::SqlitePool) -> Result<(), Box<dyn std::error::Error>> {
//! use liuhen_store::log::{append_in, LogConn};
//! let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
//! // ... INSERT the record rows with &mut *tx ...
//! let receipt = append_in(LogConn::from(&mut *tx), &[b"record hash".as_slice()]).await?;
//! // ... store receipt.first_index with the records ...
//! tx.commit().await?;
//! # Ok(()) }
//! ```
//!
//! Appends are serialised per log: on PostgreSQL by the transaction-scoped advisory lock
//! [`PG_LOG_LOCK`] (re-entrant, so a caller may take it first), on SQLite by the database write
//! lock, which [`append_in`] takes first with a no-op `UPDATE` of the metadata row. SQLite callers
//! should begin with `BEGIN IMMEDIATE`: a deferred transaction that has already read could fail
//! with `SQLITE_BUSY` when it upgrades to a writer (an error, never a lost leaf).
//!
//! # Durability
//!
//! SQLite runs in WAL mode with `synchronous=FULL` and one transaction per batch, so a batch is on
//! disk when the commit returns: an acknowledged append survives `kill -9` and power loss
//! (issue 2 §2, R28). PostgreSQL relies on its default `synchronous_commit=on`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use liuhen_ledger::error::TreeError;
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::proof::{ConsistencyProof, InclusionProof};
use liuhen_ledger::tile::{TileId, TileSet};
use liuhen_ledger::tree::{self, TreeBuilder};
use liuhen_ledger::verify::TreeHead;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, SqliteConnection, SqlitePool};

/// Serialises log appends on PostgreSQL for the current schema, held until the transaction ends.
/// The case store takes the same lock, so either may go first.
pub const PG_LOG_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtext('liuhen.log.' || current_schema()))";

/// Leaves per statement when inserting leaf rows (SQLite allows 32 766 bound parameters).
const LEAF_INSERT_CHUNK: usize = 1000;
/// Leaves read per query by [`SqlLog::verify`].
const VERIFY_PAGE: i64 = 8192;
/// Tiles kept in the proof cache (at most 8 KiB each: 32 MiB).
const TILE_CACHE_CAPACITY: usize = 4096;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Errors of the SQL log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The database failed (connection, constraint, I/O).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The tree computation failed, typically on a missing or malformed stored tile.
    #[error("tree: {0}")]
    Tree(#[from] TreeError),
    /// The log has no metadata row yet: call [`SqlLog::init`] / [`init_in`] first.
    #[error("the log is not initialised")]
    NotInitialized,
    /// [`SqlLog::init`] on a log that exists with another profile or origin.
    #[error("the log already exists with profile {profile} and origin {origin:?}")]
    AlreadyInitialized {
        /// Stored profile.
        profile: HashProfile,
        /// Stored origin.
        origin: String,
    },
    /// A value in the metadata row cannot be right (negative size, unknown profile, bad root).
    #[error("corrupt log metadata: {0}")]
    CorruptMeta(String),
    /// A requested index or size is beyond the log.
    #[error("{what} {value} is out of range (log size {size})")]
    OutOfRange {
        /// What was requested.
        what: &'static str,
        /// The requested value.
        value: u64,
        /// Current log size.
        size: u64,
    },
    /// [`SqlLog::verify`] found damage; the value names the first bad place.
    #[error("log damaged: {0}")]
    Damaged(Damage),
}

/// The first place where stored data disagrees with the recomputed tree (R4, R28: tampering is
/// detected and located).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Leaf `index` is missing from `log_leaves` (deleted rows).
    LeafMissing {
        /// First missing index.
        index: u64,
    },
    /// The stored leaf data at `index` does not hash to the leaf hash stored in `tile`: the leaf
    /// or the tile was altered (a swap of two leaves shows up at the lower index).
    LeafMismatch {
        /// Leaf index.
        index: u64,
        /// Level-0 tile holding the stored leaf hash.
        tile: TileId,
    },
    /// A stored tile differs from the recomputed one at hash `position`.
    TileMismatch {
        /// The tile, at its recomputed width.
        tile: TileId,
        /// First differing hash within the tile.
        position: u16,
    },
    /// A tile the tree needs is not stored.
    TileMissing {
        /// The tile.
        tile: TileId,
    },
    /// A stored tile's bytes or width column are inconsistent.
    TileMalformed {
        /// Tile level.
        level: u8,
        /// Tile index.
        index: u64,
    },
    /// Tiles are stored beyond what the tree size implies.
    ExtraTiles {
        /// Tiles expected.
        expected: u64,
        /// Tiles found.
        found: u64,
    },
    /// Leaf rows exist at or beyond the log size (or at negative indexes).
    ExtraLeaf {
        /// The first such index.
        index: i64,
    },
    /// The root in `log_meta` is not the recomputed root.
    RootMismatch {
        /// Log size.
        size: u64,
    },
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::LeafMissing { index } => write!(f, "leaf {index} is missing"),
            Damage::LeafMismatch { index, tile } => {
                write!(
                    f,
                    "leaf {index} does not match its stored hash in tile {tile}"
                )
            }
            Damage::TileMismatch { tile, position } => {
                write!(
                    f,
                    "tile {tile} differs from the recomputed tree at hash {position}"
                )
            }
            Damage::TileMissing { tile } => write!(f, "tile {tile} is missing"),
            Damage::TileMalformed { level, index } => {
                write!(f, "tile at level {level} index {index} is malformed")
            }
            Damage::ExtraTiles { expected, found } => {
                write!(f, "{found} tiles stored where the tree has {expected}")
            }
            Damage::ExtraLeaf { index } => write!(f, "leaf row {index} lies outside the log"),
            Damage::RootMismatch { size } => {
                write!(
                    f,
                    "stored root of size {size} differs from the recomputed root"
                )
            }
        }
    }
}

/// The metadata row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogMeta {
    /// Hash profile (fixed for the life of the log).
    pub profile: HashProfile,
    /// Checkpoint origin line (C2SP tlog-checkpoint), e.g. `example.gov.cn/liuhen`.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// Current root.
    pub root: Hash,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendReceipt {
    /// Index of the first appended leaf (the others follow in order).
    pub first_index: u64,
    /// Leaf hashes of the appended leaves, in order.
    pub leaf_hashes: Vec<Hash>,
    /// Tree head after the append.
    pub head: TreeHead,
}

/// The outcome of a successful [`SqlLog::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// The recomputed (and stored) head.
    pub head: TreeHead,
    /// Recomputed heads at the sizes asked for (e.g. the latest checkpoint's size), for the caller
    /// to compare with signed checkpoints.
    pub heads_at: Vec<TreeHead>,
}

/// A connection inside the caller's transaction, of either backend.
pub enum LogConn<'c> {
    /// SQLite (`&mut *tx` of an `sqlx::Transaction<'_, Sqlite>`).
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL (`&mut *tx` of an `sqlx::Transaction<'_, Postgres>`).
    Postgres(&'c mut PgConnection),
}

impl<'c> From<&'c mut SqliteConnection> for LogConn<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        LogConn::Sqlite(conn)
    }
}

impl<'c> From<&'c mut PgConnection> for LogConn<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        LogConn::Postgres(conn)
    }
}

/// Appends `leaves` (their data; the leaf hash is computed with the log's profile) inside the
/// caller's transaction, which the caller commits or rolls back. Takes the per-log append lock.
pub async fn append_in<D: AsRef<[u8]> + Sync>(
    conn: LogConn<'_>,
    leaves: &[D],
) -> Result<AppendReceipt, LogError> {
    match conn {
        LogConn::Sqlite(conn) => sqlite_ops::append(conn, leaves).await,
        LogConn::Postgres(conn) => pg_ops::append(conn, leaves).await,
    }
}

/// Creates the metadata row inside the caller's transaction if there is none; if there is one,
/// checks it has this profile and origin. Returns the metadata.
pub async fn init_in(
    conn: LogConn<'_>,
    profile: HashProfile,
    origin: &str,
) -> Result<LogMeta, LogError> {
    match conn {
        LogConn::Sqlite(conn) => sqlite_ops::init(conn, profile, origin).await,
        LogConn::Postgres(conn) => pg_ops::init(conn, profile, origin).await,
    }
}

/// Reads the metadata row inside the caller's transaction.
pub async fn meta_in(conn: LogConn<'_>) -> Result<LogMeta, LogError> {
    match conn {
        LogConn::Sqlite(conn) => sqlite_ops::read_meta(conn).await,
        LogConn::Postgres(conn) => pg_ops::read_meta(conn).await,
    }
}

fn to_u64(value: i64, what: &str) -> Result<u64, LogError> {
    u64::try_from(value).map_err(|_| LogError::CorruptMeta(format!("negative {what}: {value}")))
}

fn to_i64(value: u64) -> Result<i64, LogError> {
    i64::try_from(value).map_err(|_| LogError::Tree(TreeError::SizeOverflow))
}

fn meta_from_row(row: (String, String, i64, Vec<u8>)) -> Result<LogMeta, LogError> {
    let (profile, origin, size, root) = row;
    Ok(LogMeta {
        profile: HashProfile::from_str(&profile)
            .map_err(|err| LogError::CorruptMeta(err.to_string()))?,
        origin,
        size: to_u64(size, "size")?,
        root: Hash::from_slice(&root).map_err(|err| LogError::CorruptMeta(err.to_string()))?,
    })
}

/// Adds a stored tile row to `tiles`, checking the width column against the bytes.
fn add_tile_row(tiles: &mut TileSet, row: (i64, i64, i64, Vec<u8>)) -> Result<(), LogError> {
    let (level, index, width, data) = row;
    let malformed = || {
        LogError::Tree(TreeError::MalformedTile {
            level: u8::try_from(level).unwrap_or(u8::MAX),
            index: u64::try_from(index).unwrap_or(u64::MAX),
            reason: "width column does not match the data",
        })
    };
    let level_u8 = u8::try_from(level).map_err(|_| malformed())?;
    let index_u64 = u64::try_from(index).map_err(|_| malformed())?;
    let width_u16 = u16::try_from(width).map_err(|_| malformed())?;
    let id = TileId::new(level_u8, index_u64, width_u16)?;
    tiles.insert(id, data).map_err(|_| malformed())?;
    Ok(())
}

/// The SQL of both backends, expanded once per connection type. Statements use `$n`
/// placeholders, which both drivers accept.
macro_rules! log_ops {
    ($module:ident, $Conn:ty, $Db:ty, $lock:expr) => {
        mod $module {
            use super::*;

            pub(super) async fn read_meta(conn: &mut $Conn) -> Result<LogMeta, LogError> {
                let row: Option<(String, String, i64, Vec<u8>)> = sqlx::query_as(
                    "SELECT profile, origin, size, root FROM log_meta WHERE id = 1",
                )
                .fetch_optional(&mut *conn)
                .await?;
                meta_from_row(row.ok_or(LogError::NotInitialized)?)
            }

            pub(super) async fn init(
                conn: &mut $Conn,
                profile: HashProfile,
                origin: &str,
            ) -> Result<LogMeta, LogError> {
                sqlx::query(
                    "INSERT INTO log_meta (id, profile, origin, size, root) VALUES (1, $1, $2, 0, $3) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(profile.name())
                .bind(origin)
                .bind(profile.empty_root().as_bytes().to_vec())
                .execute(&mut *conn)
                .await?;
                let meta = read_meta(conn).await?;
                if meta.profile != profile || meta.origin != origin {
                    return Err(LogError::AlreadyInitialized {
                        profile: meta.profile,
                        origin: meta.origin,
                    });
                }
                Ok(meta)
            }

            pub(super) async fn read_tiles(
                conn: &mut $Conn,
                ids: &[TileId],
                tiles: &mut TileSet,
            ) -> Result<(), LogError> {
                for id in ids {
                    if tiles.contains(id.level(), id.index()) {
                        continue;
                    }
                    let row: Option<(i64, i64, i64, Vec<u8>)> = sqlx::query_as(
                        "SELECT level, idx, width, data FROM log_tiles WHERE level = $1 AND idx = $2",
                    )
                    .bind(i64::from(id.level()))
                    .bind(to_i64(id.index())?)
                    .fetch_optional(&mut *conn)
                    .await?;
                    let row = row.ok_or(LogError::Tree(TreeError::MissingTile(*id)))?;
                    add_tile_row(tiles, row)?;
                }
                Ok(())
            }

            pub(super) async fn read_tile_range(
                conn: &mut $Conn,
                level: u8,
                first: u64,
                last: u64,
            ) -> Result<Vec<(i64, i64, i64, Vec<u8>)>, LogError> {
                Ok(sqlx::query_as(
                    "SELECT level, idx, width, data FROM log_tiles \
                     WHERE level = $1 AND idx >= $2 AND idx <= $3 ORDER BY idx",
                )
                .bind(i64::from(level))
                .bind(to_i64(first)?)
                .bind(to_i64(last)?)
                .fetch_all(&mut *conn)
                .await?)
            }

            pub(super) async fn append<D: AsRef<[u8]> + Sync>(
                conn: &mut $Conn,
                leaves: &[D],
            ) -> Result<AppendReceipt, LogError> {
                sqlx::query($lock).execute(&mut *conn).await?;
                let meta = read_meta(conn).await?;
                let leaf_hashes: Vec<Hash> =
                    leaves.iter().map(|leaf| meta.profile.leaf_hash(leaf.as_ref())).collect();
                let mut tiles = TileSet::new();
                read_tiles(conn, &tree::tiles_needed_for_append(meta.size), &mut tiles).await?;
                let outcome = tree::append(meta.profile, meta.size, &tiles, &leaf_hashes)?;
                let first = to_i64(meta.size)?;
                for (chunk_number, chunk) in leaves.chunks(LEAF_INSERT_CHUNK).enumerate() {
                    let offset = first + (chunk_number * LEAF_INSERT_CHUNK) as i64;
                    let mut insert =
                        sqlx::QueryBuilder::<$Db>::new("INSERT INTO log_leaves (idx, data) ");
                    insert.push_values(chunk.iter().enumerate(), |mut values, (i, leaf)| {
                        values.push_bind(offset + i as i64).push_bind(leaf.as_ref().to_vec());
                    });
                    insert.build().execute(&mut *conn).await?;
                }
                for (id, data) in &outcome.tiles {
                    sqlx::query(
                        "INSERT INTO log_tiles (level, idx, width, data) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, data = excluded.data",
                    )
                    .bind(i64::from(id.level()))
                    .bind(to_i64(id.index())?)
                    .bind(i64::from(id.width()))
                    .bind(data.as_slice())
                    .execute(&mut *conn)
                    .await?;
                }
                sqlx::query("UPDATE log_meta SET size = $1, root = $2 WHERE id = 1")
                    .bind(to_i64(outcome.new_size)?)
                    .bind(outcome.root.as_bytes().as_slice())
                    .execute(&mut *conn)
                    .await?;
                Ok(AppendReceipt {
                    first_index: meta.size,
                    leaf_hashes,
                    head: TreeHead { size: outcome.new_size, root: outcome.root },
                })
            }

            pub(super) async fn leaf_page(
                conn: &mut $Conn,
                from: i64,
                limit: i64,
            ) -> Result<Vec<(i64, Vec<u8>)>, LogError> {
                Ok(sqlx::query_as(
                    "SELECT idx, data FROM log_leaves WHERE idx >= $1 ORDER BY idx LIMIT $2",
                )
                .bind(from)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?)
            }

            pub(super) async fn counts(
                conn: &mut $Conn,
                size: u64,
            ) -> Result<(i64, Option<i64>), LogError> {
                let tiles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_tiles")
                    .fetch_one(&mut *conn)
                    .await?;
                let outside: Option<i64> = sqlx::query_scalar(
                    "SELECT MIN(idx) FROM log_leaves WHERE idx < 0 OR idx >= $1",
                )
                .bind(to_i64(size)?)
                .fetch_one(&mut *conn)
                .await?;
                Ok((tiles, outside))
            }

            pub(super) async fn leaf(conn: &mut $Conn, index: u64) -> Result<Option<Vec<u8>>, LogError> {
                Ok(sqlx::query_scalar("SELECT data FROM log_leaves WHERE idx = $1")
                    .bind(to_i64(index)?)
                    .fetch_optional(&mut *conn)
                    .await?)
            }

            pub(super) async fn put_checkpoint(conn: &mut $Conn, size: u64, note: &str) -> Result<(), LogError> {
                sqlx::query(
                    "INSERT INTO log_checkpoints (size, note) VALUES ($1, $2) \
                     ON CONFLICT (size) DO UPDATE SET note = excluded.note",
                )
                .bind(to_i64(size)?)
                .bind(note)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            pub(super) async fn latest_checkpoint(conn: &mut $Conn) -> Result<Option<(u64, String)>, LogError> {
                let row: Option<(i64, String)> = sqlx::query_as(
                    "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1",
                )
                .fetch_optional(&mut *conn)
                .await?;
                row.map(|(size, note)| Ok((to_u64(size, "checkpoint size")?, note))).transpose()
            }
        }
    };
}

log_ops!(
    sqlite_ops,
    SqliteConnection,
    sqlx::Sqlite,
    "UPDATE log_meta SET size = size WHERE id = 1"
);
log_ops!(pg_ops, PgConnection, sqlx::Postgres, PG_LOG_LOCK);

/// The two backends. SQLite has one writer connection (appends are serial anyway, and a single
/// writer never meets `SQLITE_BUSY` from itself) and a pool of readers (WAL readers do not block).
#[derive(Debug, Clone)]
enum Backend {
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Postgres(PgPool),
}

/// Runs `$func` of the backend's ops module on a connection of the read (`reader`) or write
/// (`writer`) pool.
macro_rules! with_conn {
    ($self:ident, $pool:ident, |$conn:ident| $body:expr) => {
        match &$self.backend {
            Backend::Sqlite { $pool, .. } => {
                let mut pooled = $pool.acquire().await?;
                let $conn: &mut SqliteConnection = &mut pooled;
                #[allow(unused_imports)]
                use sqlite_ops as ops;
                $body
            }
            Backend::Postgres(pool) => {
                let mut pooled = pool.acquire().await?;
                let $conn: &mut PgConnection = &mut pooled;
                #[allow(unused_imports)]
                use pg_ops as ops;
                $body
            }
        }
    };
}

/// A cache of committed tiles for proofs, evicted first-in first-out.
///
/// Sound because stored hashes never change once committed: a full tile is immutable, and a
/// partial tile only grows, so a cached partial tile of width `w` serves any request needing at
/// most `w` hashes; a request for more reads the database and keeps the wider version. Only reads
/// from the reader pool (committed data) fill it, never a caller's transaction, which could roll
/// back. The [`TileSet`] also memoises interior node hashes, so warm proofs hash little.
#[derive(Debug, Default)]
struct TileCache {
    tiles: TileSet,
    order: VecDeque<(u8, u64)>,
}

impl TileCache {
    /// The ids whose tile is absent or narrower than needed.
    fn missing(&self, ids: &[TileId]) -> Vec<TileId> {
        ids.iter()
            .filter(|id| {
                self.tiles
                    .get(id.level(), id.index())
                    .is_none_or(|data| data.len() < usize::from(id.width()) * Hash::LEN)
            })
            .copied()
            .collect()
    }

    fn add(&mut self, fresh: TileSet, ids: &[TileId]) {
        for id in ids {
            if !self.tiles.contains(id.level(), id.index()) {
                self.order.push_back((id.level(), id.index()));
            }
        }
        self.tiles.merge(fresh);
    }

    fn evict(&mut self) {
        while self.order.len() > TILE_CACHE_CAPACITY {
            if let Some((level, index)) = self.order.pop_front() {
                self.tiles.remove(level, index);
            }
        }
    }
}

/// The verifiable log in an SQL database. Cheap to share behind an `Arc`; all methods take
/// `&self`.
#[derive(Debug)]
pub struct SqlLog {
    backend: Backend,
    cache: Mutex<TileCache>,
    /// Profile and the largest size seen committed: sizes only grow, so a proof for a size at
    /// most this needs no metadata read.
    known: Mutex<Option<(HashProfile, u64)>>,
}

impl SqlLog {
    /// Opens (creating if missing) the SQLite database at `path`: WAL, `synchronous=FULL`,
    /// migrations applied.
    pub async fn open_sqlite(path: &Path) -> Result<Self, LogError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        SQLITE_MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        Ok(SqlLog::from_backend(Backend::Sqlite { writer, reader }))
    }

    /// Connects to PostgreSQL (`url`), optionally in `schema` (created if missing; 1–63 of
    /// `[a-z0-9_]`, starting with a letter), and applies the migrations.
    pub async fn connect_postgres(url: &str, schema: Option<&str>) -> Result<Self, LogError> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            let valid = (1..=63).contains(&schema.len())
                && schema.starts_with(|c: char| c.is_ascii_lowercase())
                && schema
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(LogError::Database(sqlx::Error::Configuration(
                    format!("invalid schema name {schema:?}").into(),
                )));
            }
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await?;
            // The name is checked above to be [a-z0-9_] only, so quoting it is enough.
            let create = sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""));
            sqlx::query(create).execute(&pool).await?;
            pool.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        POSTGRES_MIGRATOR.run(&pool).await?;
        Ok(SqlLog::from_backend(Backend::Postgres(pool)))
    }

    /// Wraps existing SQLite pools (migrated by the caller); `writer` should have one connection.
    pub fn from_sqlite_pools(writer: SqlitePool, reader: SqlitePool) -> Self {
        SqlLog::from_backend(Backend::Sqlite { writer, reader })
    }

    /// Wraps an existing PostgreSQL pool (migrated by the caller).
    pub fn from_postgres_pool(pool: PgPool) -> Self {
        SqlLog::from_backend(Backend::Postgres(pool))
    }

    fn from_backend(backend: Backend) -> Self {
        SqlLog {
            backend,
            cache: Mutex::new(TileCache::default()),
            known: Mutex::new(None),
        }
    }

    /// The SQLite writer pool (one connection), for callers that append with [`append_in`] in
    /// their own transaction; `None` on PostgreSQL.
    pub fn sqlite_writer(&self) -> Option<&SqlitePool> {
        match &self.backend {
            Backend::Sqlite { writer, .. } => Some(writer),
            Backend::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool; `None` on SQLite.
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.backend {
            Backend::Sqlite { .. } => None,
            Backend::Postgres(pool) => Some(pool),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes the pools (for SQLite this checkpoints the WAL).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    /// Creates the log with `profile` and `origin`, or checks that the existing log has them.
    pub async fn init(&self, profile: HashProfile, origin: &str) -> Result<LogMeta, LogError> {
        match &self.backend {
            Backend::Sqlite { writer, .. } => {
                let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
                let meta = sqlite_ops::init(&mut tx, profile, origin).await?;
                tx.commit().await?;
                Ok(meta)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let meta = pg_ops::init(&mut tx, profile, origin).await?;
                tx.commit().await?;
                Ok(meta)
            }
        }
    }

    /// The metadata row.
    pub async fn meta(&self) -> Result<LogMeta, LogError> {
        let meta = with_conn!(self, reader, |conn| ops::read_meta(conn).await)?;
        self.remember(meta.profile, meta.size);
        Ok(meta)
    }

    fn remember(&self, profile: HashProfile, size: u64) {
        if let Ok(mut known) = self.known.lock() {
            match *known {
                Some((_, known_size)) if known_size >= size => {}
                _ => *known = Some((profile, size)),
            }
        }
    }

    /// The profile and the tree size to use: `size` if given and not beyond the log (checked
    /// against the remembered size first, the metadata row if needed), else the current size.
    async fn profile_and_size(&self, size: Option<u64>) -> Result<(HashProfile, u64), LogError> {
        if let Some(size) = size
            && let Ok(known) = self.known.lock()
            && let Some((profile, known_size)) = *known
            && size <= known_size
        {
            return Ok((profile, size));
        }
        let meta = self.meta().await?;
        let size = size.unwrap_or(meta.size);
        SqlLog::check_size(size, meta.size)?;
        Ok((meta.profile, size))
    }

    /// Appends a batch of leaves in one durable transaction; returns when it is committed.
    pub async fn append_batch<D: AsRef<[u8]> + Sync>(
        &self,
        leaves: &[D],
    ) -> Result<AppendReceipt, LogError> {
        let receipt = match &self.backend {
            Backend::Sqlite { writer, .. } => {
                let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
                let receipt = sqlite_ops::append(&mut tx, leaves).await?;
                tx.commit().await?;
                receipt
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let receipt = pg_ops::append(&mut tx, leaves).await?;
                tx.commit().await?;
                receipt
            }
        };
        // Profile is unchanged by an append; remember the new size once committed.
        if let Ok(mut known) = self.known.lock()
            && let Some((profile, size)) = *known
            && size < receipt.head.size
        {
            *known = Some((profile, receipt.head.size));
        }
        Ok(receipt)
    }

    /// Stored data of leaf `index`.
    pub async fn leaf(&self, index: u64) -> Result<Vec<u8>, LogError> {
        let size = self.meta().await?.size;
        let data = with_conn!(self, reader, |conn| ops::leaf(conn, index).await)?;
        data.ok_or(LogError::OutOfRange {
            what: "leaf index",
            value: index,
            size,
        })
    }

    /// Runs `compute` on the named tiles, read through the cache (see [`TileCache`]).
    async fn with_tiles<T>(
        &self,
        ids: &[TileId],
        compute: impl FnOnce(&TileSet) -> Result<T, TreeError>,
    ) -> Result<T, LogError> {
        // A poisoned lock only means another thread panicked mid-update; the cached hashes are
        // still committed data, so the cache stays usable.
        let missing = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .missing(ids);
        let mut fresh = TileSet::new();
        if !missing.is_empty() {
            with_conn!(self, reader, |conn| ops::read_tiles(
                conn, &missing, &mut fresh
            )
            .await)?;
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.add(fresh, &missing);
        let result = compute(&cache.tiles);
        cache.evict();
        Ok(result?)
    }

    fn check_size(size: u64, log_size: u64) -> Result<(), LogError> {
        if size > log_size {
            return Err(LogError::OutOfRange {
                what: "tree size",
                value: size,
                size: log_size,
            });
        }
        Ok(())
    }

    /// The root of the tree of `size` leaves (at most the current size).
    pub async fn root_at(&self, size: u64) -> Result<Hash, LogError> {
        let (profile, size) = self.profile_and_size(Some(size)).await?;
        self.with_tiles(&tree::tiles_needed_for_root(size), |tiles| {
            tree::tree_root(profile, size, tiles)
        })
        .await
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (default: current size).
    pub async fn prove_inclusion(
        &self,
        index: u64,
        size: Option<u64>,
    ) -> Result<InclusionProof, LogError> {
        let (profile, size) = self.profile_and_size(size).await?;
        if index >= size {
            return Err(LogError::OutOfRange {
                what: "leaf index",
                value: index,
                size,
            });
        }
        let mut ids = tree::tiles_needed_for_inclusion(index, size)?;
        ids.push(tree::tile_needed_for_leaf_hash(index));
        self.with_tiles(&ids, |tiles| {
            Ok(InclusionProof {
                profile,
                index,
                size,
                leaf_hash: tree::stored_leaf_hash(profile, index, tiles)?,
                hashes: tree::prove_inclusion(profile, index, size, tiles)?,
            })
        })
        .await
    }

    /// The consistency proof from `old_size` to `new_size` (default: current size).
    pub async fn prove_consistency(
        &self,
        old_size: u64,
        new_size: Option<u64>,
    ) -> Result<ConsistencyProof, LogError> {
        let (profile, new_size) = self.profile_and_size(new_size).await?;
        if !(0 < old_size && old_size <= new_size) {
            return Err(LogError::OutOfRange {
                what: "old size",
                value: old_size,
                size: new_size,
            });
        }
        let ids = tree::tiles_needed_for_consistency(old_size, new_size)?;
        self.with_tiles(&ids, |tiles| {
            Ok(ConsistencyProof {
                profile,
                old_size,
                new_size,
                hashes: tree::prove_consistency(profile, old_size, new_size, tiles)?,
            })
        })
        .await
    }

    /// Stores a signed checkpoint (C2SP signed-note text) for tree size `size`.
    pub async fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), LogError> {
        with_conn!(self, writer, |conn| ops::put_checkpoint(conn, size, note)
            .await)
    }

    /// The stored checkpoint with the largest size, if any.
    pub async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, LogError> {
        with_conn!(self, reader, |conn| ops::latest_checkpoint(conn).await)
    }

    /// Recomputes the whole tree from the stored leaves and compares every stored tile, the leaf
    /// rows and the stored root with it (R4, R28). Returns the first damage as
    /// [`LogError::Damaged`]; on success, the head and the recomputed heads at `sizes`.
    pub async fn verify(&self, sizes: &[u64]) -> Result<VerifyReport, LogError> {
        let meta = self.meta().await?;
        let mut wanted: Vec<u64> = sizes.iter().copied().filter(|s| *s <= meta.size).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut wanted = wanted.into_iter().peekable();
        let mut heads_at = Vec::new();
        let mut builder = TreeBuilder::new(meta.profile);
        while wanted.next_if_eq(&0).is_some() {
            heads_at.push(TreeHead {
                size: 0,
                root: meta.profile.empty_root(),
            });
        }
        let mut next: u64 = 0;
        while next < meta.size {
            let page = with_conn!(self, reader, |conn| {
                ops::leaf_page(conn, to_i64(next)?, VERIFY_PAGE).await
            })?;
            let mut progressed = false;
            for (index, data) in page {
                if next >= meta.size {
                    break;
                }
                if index != to_i64(next)? {
                    return Err(LogError::Damaged(Damage::LeafMissing { index: next }));
                }
                builder.push(meta.profile.leaf_hash(&data));
                next += 1;
                progressed = true;
                while wanted.next_if_eq(&next).is_some() {
                    heads_at.push(TreeHead {
                        size: next,
                        root: builder.root(),
                    });
                }
            }
            if !progressed {
                return Err(LogError::Damaged(Damage::LeafMissing { index: next }));
            }
            self.compare_tiles(builder.take_full_tiles()).await?;
        }
        self.compare_tiles(builder.partial_tiles()).await?;
        let expected_tiles = expected_tile_count(meta.size);
        let (found_tiles, outside) =
            with_conn!(self, reader, |conn| ops::counts(conn, meta.size).await)?;
        if let Some(index) = outside {
            return Err(LogError::Damaged(Damage::ExtraLeaf { index }));
        }
        if u64::try_from(found_tiles).ok() != Some(expected_tiles) {
            return Err(LogError::Damaged(Damage::ExtraTiles {
                expected: expected_tiles,
                found: u64::try_from(found_tiles).unwrap_or(0),
            }));
        }
        let root = builder.root();
        if root != meta.root {
            return Err(LogError::Damaged(Damage::RootMismatch { size: meta.size }));
        }
        Ok(VerifyReport {
            head: TreeHead {
                size: meta.size,
                root,
            },
            heads_at,
        })
    }

    /// Compares recomputed tiles with the stored ones, reading each level's index range at once.
    async fn compare_tiles(&self, computed: Vec<(TileId, Vec<u8>)>) -> Result<(), LogError> {
        let mut by_level: BTreeMap<u8, Vec<(TileId, Vec<u8>)>> = BTreeMap::new();
        for (id, data) in computed {
            by_level.entry(id.level()).or_default().push((id, data));
        }
        for (level, mut tiles) in by_level {
            tiles.sort_by_key(|(id, _)| id.index());
            let (Some(first), Some(last)) = (tiles.first(), tiles.last()) else {
                continue;
            };
            let (first, last) = (first.0.index(), last.0.index());
            let rows = with_conn!(self, reader, |conn| {
                ops::read_tile_range(conn, level, first, last).await
            })?;
            let stored: HashMap<i64, (i64, Vec<u8>)> = rows
                .into_iter()
                .map(|(_, idx, width, data)| (idx, (width, data)))
                .collect();
            for (id, data) in tiles {
                let Some((width, stored_data)) = stored.get(&to_i64(id.index())?) else {
                    return Err(LogError::Damaged(Damage::TileMissing { tile: id }));
                };
                if *width != i64::from(id.width()) || stored_data.len() != data.len() {
                    return Err(LogError::Damaged(Damage::TileMalformed {
                        level,
                        index: id.index(),
                    }));
                }
                let differing = data
                    .chunks_exact(Hash::LEN)
                    .zip(stored_data.chunks_exact(Hash::LEN))
                    .position(|(computed, stored)| computed != stored);
                if let Some(position) = differing {
                    let damage = if level == 0 {
                        Damage::LeafMismatch {
                            index: id.index() * 256 + position as u64,
                            tile: id,
                        }
                    } else {
                        Damage::TileMismatch {
                            tile: id,
                            position: position as u16,
                        }
                    };
                    return Err(LogError::Damaged(damage));
                }
            }
        }
        Ok(())
    }
}

/// Number of tiles a tree of `size` leaves stores: `ceil((size >> 8L) / 256)` per tile level.
fn expected_tile_count(size: u64) -> u64 {
    (0..8u32)
        .map(|level| (size >> (8 * level)).div_ceil(256))
        .sum()
}
