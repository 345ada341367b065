//! Ports: what the core needs from the outside world, as traits (DESIGN.md principle 3, "Pure
//! core, thin edges"). `liuhen-store` implements [`Store`] on SQLite and PostgreSQL; tests use
//! [`crate::memory::MemoryStore`]. The core never opens a file or a socket itself.
//!
//! The store is deliberately dumb: it persists what the core computed (records with their hashes,
//! projections, deadline rows) atomically, and answers simple queries. All rules live in the core,
//! so both backends behave the same by construction.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::ids::{BodyId, CaseId, LogIndex, StreamId, StreamSeq, UserId};

/// A 32-byte digest (SM3 or SHA-256, by the log's hash profile).
pub type Digest32 = [u8; 32];

/// Errors of a [`Store`] implementation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A record's `seq` was not its stream's head + 1: another writer appended first. The core
    /// re-reads and retries; nothing was written.
    #[error("stream {stream} is at {actual}, append expected {expected}")]
    Conflict {
        /// The contested stream.
        stream: String,
        /// The sequence number the append carried.
        expected: u64,
        /// The stream's actual head.
        actual: u64,
    },
    /// Stored bytes fail a consistency check (hash, chain, tile); the message names the place.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A requested object, proof or size does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The database or file system failed.
    #[error("storage backend failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A record ready to append: the core has canonicalised and hashed it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    /// Its stream.
    pub stream: StreamId,
    /// Its sequence number; must equal the stream head + 1 (or 1 for a new stream).
    pub seq: StreamSeq,
    /// The owning body, for scoping queries.
    pub body: BodyId,
    /// The record type id (denormalised for queries).
    pub record_type: String,
    /// Server entry time (denormalised for queries).
    pub entry_time: OffsetDateTime,
    /// Hash of `canonical` under the log's profile; the log leaf's data.
    pub hash: Digest32,
    /// RFC 8785 canonical JSON of the [`crate::record::Record`].
    pub canonical: Vec<u8>,
}

/// A record as stored, with its position in the global log.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    /// Leaf index of the record's hash in the global log.
    pub log_index: LogIndex,
    /// Its stream.
    pub stream: StreamId,
    /// Its sequence number in the stream.
    pub seq: StreamSeq,
    /// Its hash (the log leaf's data).
    pub hash: Digest32,
    /// Its canonical JSON bytes.
    pub canonical: Vec<u8>,
}

/// What an append acknowledges: the record is durable and in the log at `log_index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Sequence number in the stream.
    pub seq: StreamSeq,
    /// Leaf index in the global log.
    pub log_index: LogIndex,
    /// The record's hash.
    pub hash: Digest32,
}

/// The last record of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHead {
    /// Its sequence number.
    pub seq: StreamSeq,
    /// Its hash (the next record's `prev`).
    pub hash: Digest32,
}

/// Kinds of projection (query tables rebuilt from records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionKind {
    /// A case (`CaseView`).
    Case,
    /// A body with its units (`BodyView`).
    Body,
    /// An officer with credentials.
    Officer,
    /// A power item.
    PowerItem,
    /// A staff user with roles.
    User,
    /// A disclosure item (`disclosure::ItemView`, issue 8).
    Disclosure,
    /// A correction request (`disclosure::RequestView`, D13-b).
    DisclosureRequest,
    /// A body's D5-b disclosure settings (`disclosure::SettingsView`).
    DisclosureSettings,
}

impl ProjectionKind {
    /// Stable storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectionKind::Case => "case",
            ProjectionKind::Body => "body",
            ProjectionKind::Officer => "officer",
            ProjectionKind::PowerItem => "power_item",
            ProjectionKind::User => "user",
            ProjectionKind::Disclosure => "disclosure",
            ProjectionKind::DisclosureRequest => "disclosure_request",
            ProjectionKind::DisclosureSettings => "disclosure_settings",
        }
    }

    /// The list field of this kind's projection data that the store keeps element by element
    /// ([`ProjectionItem`]), or None. A case's `records` (one summary per record) grows with the
    /// case; storing it as one JSON value would make every append rewrite the whole list
    /// (issue 5 bench: the cost of an append must not grow with the case).
    pub fn items_field(self) -> Option<&'static str> {
        match self {
            ProjectionKind::Case => Some("records"),
            _ => None,
        }
    }
}

/// One element of a projection's list field ([`ProjectionKind::items_field`]), at position
/// `key` (0-based) of the list.
///
/// A projection of a kind with a list field is written in one of two forms:
/// - *complete*: `data[field]` is an array; the store keeps its elements as the projection's
///   items (replacing all earlier ones). `replace_all_projections` and naive callers use this.
/// - *incremental*: `data[field]` is `null`; the store keeps the stored items and upserts the
///   batch's [`AppendBatch::items`] of that projection by key. The caller must send every
///   element that changed (or is new), so that the keys stay `0..n` without gaps.
///
/// Reads ([`Store::projection`], [`Store::list_projections`]) always return the list merged
/// back into `data[field]`, in key order, so readers see exactly the complete form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectionItem {
    /// The projection's kind.
    pub kind: ProjectionKind,
    /// The projection's id.
    pub id: String,
    /// Position in the list, from 0.
    pub key: u64,
    /// The element.
    pub data: serde_json::Value,
}

/// A projection row: the folded state of one stream, as JSON, plus columns for filtering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// Which kind.
    pub kind: ProjectionKind,
    /// The entity id (the stream's id part).
    pub id: String,
    /// The owning body (None for district-wide entries).
    pub body: Option<BodyId>,
    /// A short status code for filtering (e.g. case stage), or empty.
    pub status: String,
    /// Sequence number of the last record folded in.
    pub last_seq: StreamSeq,
    /// The folded state.
    pub data: serde_json::Value,
}

/// A filter over projections. `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectionQuery {
    /// Kind to list (required in practice; `None` lists nothing).
    pub kind: Option<ProjectionKind>,
    /// Only rows of these bodies; `None` means every body (supervisors).
    pub bodies: Option<Vec<BodyId>>,
    /// Only rows with this status.
    pub status: Option<String>,
    /// Page size (the store caps it at 1,000).
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// One obligation with a due date (deadline clocks: R28, R29, D12, 行政处罚法 art. 60, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRow {
    /// The stream the obligation belongs to.
    pub stream: StreamId,
    /// The case, when the stream is a case.
    pub case_id: Option<CaseId>,
    /// The owning body.
    pub body: BodyId,
    /// Obligation key, unique within the stream (e.g. `decision`, `r28:av-3`).
    pub key: String,
    /// Period name from the period table (e.g. `penalty_decision_90d`).
    pub period: String,
    /// Due date (23:59:59 Asia/Shanghai on that date is the due time, T2–T4).
    pub due: Date,
    /// True when the due date was computed over a year with no published calendar (T6).
    pub provisional: bool,
    /// When the obligation was met, if it was.
    pub met_on: Option<Date>,
}

/// A filter over deadlines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeadlineQuery {
    /// Only these bodies; `None` means every body.
    pub bodies: Option<Vec<BodyId>>,
    /// Only obligations not yet met.
    pub open_only: bool,
    /// Only obligations due on or before this date.
    pub due_on_or_before: Option<Date>,
}

/// Everything one command writes, in one transaction: all or nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppendBatch {
    /// Records, in order; each goes to its stream (seq checked) and to the log.
    pub records: Vec<NewRecord>,
    /// Projection rows to insert or replace (by kind and id).
    pub projections: Vec<Projection>,
    /// For each listed stream, the complete new set of its deadline rows (replaces the old set).
    pub deadlines: Vec<(StreamId, Vec<DeadlineRow>)>,
    /// List elements of incremental projections in this batch ([`ProjectionItem`]).
    pub items: Vec<ProjectionItem>,
    /// Audit entries of the command (R4-b), written in the same transaction as its records:
    /// a record is never durable without the entry saying who created it, and the entry costs
    /// no durable commit of its own.
    pub audit: Vec<AuditEntry>,
}

/// The log's current size and root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogState {
    /// Number of leaves.
    pub size: u64,
    /// RFC 9162 root hash at that size.
    pub root: Digest32,
}

/// One audited action (R4-b): who did what to which object, when, from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// Who (None for anonymous or failed sign-in).
    pub user: Option<UserId>,
    /// What: `read`, `create`, `export`, `download`, `login`, `refused`, …
    pub action: String,
    /// Which object: `case/<id>`, `case/<id>/records`, …
    pub object: String,
    /// Client address, where known.
    pub client_ip: Option<String>,
    /// Outcome: `ok`, or a rule ID / error code.
    pub outcome: String,
}

/// A filter over the audit log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    /// Only entries about objects starting with this prefix.
    pub object_prefix: Option<String>,
    /// Only entries by this user.
    pub user: Option<UserId>,
    /// Page size (capped at 1,000).
    pub limit: u32,
}

/// A sign-in session. The token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the bearer/cookie token.
    pub token_hash: Digest32,
    /// The user.
    pub user: UserId,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it expires (absolute).
    pub expires_at: OffsetDateTime,
    /// CSRF token bound to this session (for HTML forms).
    pub csrf_token: String,
}

/// Persistence for records, projections, the log, audit and sessions.
#[async_trait]
pub trait Store: Send + Sync {
    /// Appends `batch` atomically: each record after checking `seq == head + 1` of its stream
    /// (else [`StoreError::Conflict`] and nothing is written), each record hash as a log leaf, the
    /// projections and deadline sets. Durable when it returns (`synchronous=FULL` on SQLite).
    async fn append(&self, batch: AppendBatch) -> Result<Vec<Receipt>, StoreError>;
    /// The head of a stream, or None if it has no records.
    async fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError>;
    /// All records of a stream, in sequence order.
    async fn read_stream(&self, stream: &StreamId) -> Result<Vec<StoredRecord>, StoreError>;
    /// Records in log order starting at `from`, at most `limit` (for rebuild and export).
    async fn read_log(&self, from: LogIndex, limit: u32) -> Result<Vec<StoredRecord>, StoreError>;
    /// One projection row.
    async fn projection(
        &self,
        kind: ProjectionKind,
        id: &str,
    ) -> Result<Option<Projection>, StoreError>;
    /// Projection rows matching `query`, ordered by id.
    async fn list_projections(
        &self,
        query: &ProjectionQuery,
    ) -> Result<Vec<Projection>, StoreError>;
    /// Deadline rows matching `query`, ordered by due date.
    async fn deadlines(&self, query: &DeadlineQuery) -> Result<Vec<DeadlineRow>, StoreError>;
    /// Replaces ALL projections and deadlines (used by `liuhen rebuild`), in one transaction.
    async fn replace_all_projections(
        &self,
        projections: Vec<Projection>,
        deadlines: Vec<DeadlineRow>,
    ) -> Result<(), StoreError>;
    /// Current log size and root.
    async fn log_state(&self) -> Result<LogState, StoreError>;
    /// RFC 9162 inclusion proof for leaf `index` in the tree of `size` leaves.
    async fn prove_inclusion(
        &self,
        index: LogIndex,
        size: u64,
    ) -> Result<Vec<Digest32>, StoreError>;
    /// RFC 9162 consistency proof between sizes `old` and `new`.
    async fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Digest32>, StoreError>;
    /// Appends an audit entry (R4-b), durable when it returns. The audit log is append-only.
    /// Entries of a command that appends records go in [`AppendBatch::audit`] instead.
    async fn audit(&self, entry: AuditEntry) -> Result<(), StoreError>;
    /// Reads audit entries, newest first.
    async fn read_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
    /// The user id and Argon2id PHC string for a username.
    async fn password_hash(&self, username: &str) -> Result<Option<(UserId, String)>, StoreError>;
    /// Sets (inserts or replaces) a user's username and Argon2id PHC string.
    async fn set_password_hash(
        &self,
        user: &UserId,
        username: &str,
        phc: &str,
    ) -> Result<(), StoreError>;
    /// Stores a new session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    /// Looks up a session by token hash (expired sessions are returned; the caller checks).
    async fn session(&self, token_hash: &Digest32) -> Result<Option<Session>, StoreError>;
    /// Deletes a session (sign-out) and, opportunistically, expired ones.
    async fn delete_session(&self, token_hash: &Digest32) -> Result<(), StoreError>;
    /// Records that the session was used at `now_ms` (milliseconds since the epoch, wall clock),
    /// unless its last recorded use is older than `idle_ms` before that: then nothing changes
    /// and `false` comes back (the idle timeout of 等保 2.0 level 3). Kept in the store so that
    /// every node of a deployment sees the same activity. A session never used counts as active;
    /// an unknown one as not.
    async fn touch_session(
        &self,
        token_hash: &Digest32,
        now_ms: i64,
        idle_ms: i64,
    ) -> Result<bool, StoreError>;
}

/// The time source. Injected so that tests and the demo's back-dated cases control "now".
pub trait Clock: Send + Sync {
    /// Current time with the Asia/Shanghai offset (+08:00, T1).
    fn now(&self) -> OffsetDateTime;
}

/// The real clock, in UTC+8 (China has no daylight saving time since 1991).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc().to_offset(crate::CHINA_OFFSET)
    }
}
