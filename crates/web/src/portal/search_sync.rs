//! The portal's search index and how it is kept current (D11-b: the public portal is searchable).
//!
//! # How the index follows publications
//! The index holds the *public* version of every published, not withdrawn item (the frozen,
//! masked portal JSON; liuhen-search never sees anything else). Instead of a hook in each
//! publishing code path (API, CLI, demo, future jobs), the portal follows the verifiable log:
//! it remembers the log size it has indexed ([`Portal::synced_size`]); before a search or the
//! home page it compares that with the log's current size and, if the log grew, reads the new
//! records (`Store::read_log`), collects the `disclosure/d-…` streams they touch (publish,
//! correction, withdrawal) and re-reads those items through the core's public query
//! `published_item`: published → upsert, withdrawn or not public → remove. One commit per
//! catch-up. Every write to the platform is a log record, so no publication can be missed.
//!
//! On disk ([`Portal::in_dir`]; `liuhen serve` uses `<data dir>/search`) the folder holds the
//! tantivy index, and every commit stores with it, atomically, the log position it reflects
//! and the hash of the record just before that position. A restart reuses the index and
//! continues from there. The index is derived data, so it is rebuilt from the published items
//! (by following the log from leaf 0) whenever it cannot be trusted: the folder is missing or
//! unreadable (it is deleted and recreated), the commit carries no position (a new index, or
//! one from an older liuhen), or the recorded hash does not match the log (the folder was built
//! from another database). Upserts are idempotent, so re-indexing is always safe. In memory
//! ([`Portal::in_memory`], what [`crate::state::AppState::new`] creates) the first catch-up
//! indexes the whole log.
//!
//! The catch-up check runs before every search: one log-size query, compared without a lock,
//! so concurrent searches do not queue behind each other while nothing was published.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use liuhen_core::error::CoreError;
use liuhen_core::ids::LogIndex;
use liuhen_core::service::Services;
use liuhen_core::service::disclosure::PublicItem;
use liuhen_search::error::SearchError;
use liuhen_search::index::{IndexedItem, SearchIndex};
use serde_json::Value;
use time::{Date, OffsetDateTime, Time};

/// Log records read per batch while catching up.
const BATCH: u32 = 1000;
/// Log records after which the position is committed even when no item changed, so a restart
/// does not re-read a long stretch of unrelated records.
const PERSIST_EVERY: u64 = 10_000;
/// First word of the commit payload (the format of the rest may change with it).
const PAYLOAD_TAG: &str = "liuhen-portal-index/1";
/// The position file of earlier versions (the position now travels with each commit).
const LEGACY_POSITION_FILE: &str = "log-position";
/// Correction requests accepted per client address per window (D13-b intake is public).
pub(crate) const CORRECTIONS_PER_WINDOW: usize = 5;
/// The rate-limit window.
pub(crate) const CORRECTION_WINDOW: Duration = Duration::from_secs(600);
/// Value of the lock-free position mirror before the index was checked against the log.
const UNVERIFIED: u64 = u64::MAX;

/// Errors of the portal's own machinery (search index, its folder).
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// The search index failed (open, upsert, commit, search).
    #[error("search index: {0}")]
    Search(#[from] SearchError),
    /// A core query failed while catching up with the log.
    #[error("core: {0}")]
    Core(#[from] CoreError),
    /// The index folder could not be removed for a rebuild.
    #[error("{path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
}

/// Where the index stands in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Position {
    /// Log size the index reflects.
    size: u64,
    /// Hex hash of the record at `size - 1` (none when `size` is 0).
    last_hash: Option<String>,
    /// Log size stored with the last commit.
    persisted: u64,
    /// Whether `last_hash` was compared with the log since the index was opened.
    verified: bool,
}

impl Position {
    fn start() -> Position {
        Position {
            size: 0,
            last_hash: None,
            persisted: 0,
            verified: false,
        }
    }

    /// The commit payload: tag, size, hash.
    fn payload(&self) -> String {
        format!(
            "{PAYLOAD_TAG} {} {}",
            self.size,
            self.last_hash.as_deref().unwrap_or("-")
        )
    }

    /// Reads a commit payload; anything else (no payload, another format) means "start over".
    fn parse(payload: Option<&str>) -> Position {
        let mut parts = payload.unwrap_or_default().split_whitespace();
        let (Some(PAYLOAD_TAG), Some(size), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Position::start();
        };
        let Ok(size) = size.parse::<u64>() else {
            return Position::start();
        };
        let last_hash = (hash != "-").then(|| hash.to_owned());
        if (size == 0) != last_hash.is_none() {
            return Position::start();
        }
        Position {
            size,
            last_hash,
            persisted: size,
            verified: false,
        }
    }
}

/// The portal's state that outlives single requests: the search index and what follows the log
/// into it, and the correction-request rate limit. One per [`crate::state::AppState`].
pub struct Portal {
    index: SearchIndex,
    dir: Option<PathBuf>,
    /// Where the index stands; the mutex also serialises catch-ups.
    position: tokio::sync::Mutex<Position>,
    /// `position.size` once verified, for the lock-free check ([`UNVERIFIED`] before).
    synced: AtomicU64,
    /// Whether the index was rebuilt because its folder was unreadable (reported once).
    rebuilt_folder: bool,
    /// Accepted correction requests per client address (sliding window).
    submissions: std::sync::Mutex<Vec<(String, Instant)>>,
    started: AtomicBool,
    /// Matches counted exactly on the search page ([`liuhen_search::query::COUNT_LIMIT`]).
    count_limit: AtomicUsize,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portal")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Portal {
    /// A portal with an in-memory index (filled from the log on first use).
    pub fn in_memory() -> Result<Portal, PortalError> {
        Ok(Portal::with_index(
            SearchIndex::create_in_ram()?,
            None,
            Position::start(),
            false,
        ))
    }

    /// A portal whose index lives in `dir` (created if missing). An index that cannot be
    /// opened (damaged files, an older schema) is deleted and rebuilt from the log; an index
    /// locked by another running process is an error ([`SearchError::Locked`]).
    pub fn in_dir(dir: &Path) -> Result<Portal, PortalError> {
        let (index, rebuilt) = match SearchIndex::open_in_dir(dir) {
            Ok(index) => (index, false),
            Err(SearchError::Locked) => return Err(SearchError::Locked.into()),
            Err(err) => {
                // Derived data: never worth refusing to start over.
                tracing::warn!(dir = %dir.display(), error = %err, "search index unreadable; rebuilding it from the published items");
                match std::fs::remove_dir_all(dir) {
                    Ok(()) => {}
                    Err(source) if source.kind() == std::io::ErrorKind::NotFound => {}
                    Err(source) => {
                        return Err(PortalError::Io {
                            path: dir.to_owned(),
                            source,
                        });
                    }
                }
                (SearchIndex::open_in_dir(dir)?, true)
            }
        };
        // Earlier versions kept the position in a file beside the index; it is not trusted.
        let _ = std::fs::remove_file(dir.join(LEGACY_POSITION_FILE));
        let position = Position::parse(index.payload()?.as_deref());
        Ok(Portal::with_index(
            index,
            Some(dir.to_owned()),
            position,
            rebuilt,
        ))
    }

    fn with_index(
        index: SearchIndex,
        dir: Option<PathBuf>,
        position: Position,
        rebuilt_folder: bool,
    ) -> Portal {
        Portal {
            index,
            dir,
            position: tokio::sync::Mutex::new(position),
            synced: AtomicU64::new(UNVERIFIED),
            rebuilt_folder,
            submissions: std::sync::Mutex::new(Vec::new()),
            started: AtomicBool::new(false),
            count_limit: AtomicUsize::new(liuhen_search::query::COUNT_LIMIT),
        }
    }

    /// The search index (current after [`Portal::sync`]).
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// The index folder; `None` for an in-memory index.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Whether opening found the folder unreadable and started a new index in it.
    pub fn rebuilt_folder(&self) -> bool {
        self.rebuilt_folder
    }

    /// The log size the index reflects.
    pub async fn synced_size(&self) -> u64 {
        self.position.lock().await.size
    }

    /// Matches the search page counts exactly before it shows “more than”.
    pub fn count_limit(&self) -> usize {
        self.count_limit.load(Ordering::Relaxed)
    }

    /// Changes [`Portal::count_limit`] (0 restores the default); tests use a small one.
    pub fn set_count_limit(&self, limit: usize) {
        let limit = if limit == 0 {
            liuhen_search::query::COUNT_LIMIT
        } else {
            limit
        };
        self.count_limit.store(limit, Ordering::Relaxed);
    }

    /// Starts the first catch-up in the background (once per portal), so the first visitor does
    /// not wait for a large log to be indexed. Without a tokio runtime nothing happens; the
    /// first search catches up instead.
    pub(crate) fn spawn_initial_sync(self: &Arc<Self>, services: Arc<Services>) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let portal = self.clone();
            handle.spawn(async move {
                if let Err(err) = portal.sync(&services).await {
                    tracing::error!(error = %err, "initial search index catch-up failed");
                }
            });
        }
    }

    /// Brings the index up to the log's current size (see the module docs). Returns the number
    /// of items re-read.
    pub async fn sync(&self, services: &Services) -> Result<usize, PortalError> {
        let size = services.log_state().await?.size;
        if self.synced.load(Ordering::Acquire) == size {
            return Ok(0);
        }
        let mut position = self.position.lock().await;
        // Read again under the lock: a concurrent catch-up may have gone past `size` meanwhile,
        // and a log never shrinks (a smaller one is another database).
        let size = services.log_state().await?.size;
        let mut reset = false;
        if !position.verified || size < position.size {
            if !self.built_from_this_log(services, &position, size).await? {
                tracing::info!(
                    indexed = position.size,
                    log = size,
                    "search index does not match the log; rebuilding it"
                );
                self.index.clear()?;
                *position = Position::start();
                reset = true;
            }
            position.verified = true;
        }
        let mut touched = BTreeSet::new();
        let mut from = position.size;
        let mut last_hash = position.last_hash.clone();
        while from < size {
            let records = services
                .store()
                .read_log(LogIndex(from), BATCH)
                .await
                .map_err(CoreError::from)?;
            let Some(last) = records.last() else { break };
            from = last.log_index.0 + 1;
            last_hash = Some(hex::encode(last.hash));
            for record in &records {
                if record.stream.kind() == "disclosure" && record.stream.id().starts_with("d-") {
                    touched.insert(record.stream.id().to_owned());
                }
            }
        }
        for id in &touched {
            match services.published_item(id).await {
                Ok(detail) => match indexed(&detail.item) {
                    Some(item) => self.index.upsert(&item)?,
                    None => self.index.remove(id)?,
                },
                Err(CoreError::NotFound(_)) => self.index.remove(id)?,
                Err(other) => return Err(other.into()),
            }
        }
        position.size = from;
        position.last_hash = last_hash;
        if !touched.is_empty() || reset || from.saturating_sub(position.persisted) >= PERSIST_EVERY
        {
            self.index.commit_with_payload(&position.payload())?;
            position.persisted = from;
        }
        self.synced.store(from, Ordering::Release);
        Ok(touched.len())
    }

    /// Whether the index at `position` was built from this log: the record just before the
    /// position is the one recorded (a log of `size` leaves, never shorter than the position).
    async fn built_from_this_log(
        &self,
        services: &Services,
        position: &Position,
        size: u64,
    ) -> Result<bool, PortalError> {
        let Some(expected) = &position.last_hash else {
            // Position 0: nothing was indexed from any log — unless documents are there anyway
            // (a commit without a position), which only a rebuild can vouch for.
            return Ok(position.size == 0 && self.index.num_items() == 0);
        };
        if position.size > size || position.size == 0 {
            return Ok(false);
        }
        let records = services
            .store()
            .read_log(LogIndex(position.size - 1), 1)
            .await
            .map_err(CoreError::from)?;
        Ok(records
            .first()
            .is_some_and(|record| hex::encode(record.hash) == *expected))
    }

    /// Records a correction request from `client` if it is within the rate limit
    /// ([`CORRECTIONS_PER_WINDOW`] per [`CORRECTION_WINDOW`]); false when over it.
    pub(crate) fn allow_submission(&self, client: &str) -> bool {
        let mut list = match self.submissions.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = Instant::now();
        list.retain(|(_, at)| now.duration_since(*at) < CORRECTION_WINDOW);
        if list.iter().filter(|(who, _)| who == client).count() >= CORRECTIONS_PER_WINDOW {
            return false;
        }
        list.push((client.to_owned(), now));
        true
    }
}

/// Text of a field of the frozen content, if it is a string.
pub(crate) fn field_text<'a>(content: &'a Value, key: &str) -> &'a str {
    content
        .get("fields")
        .and_then(|fields| fields.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Parses a D5-c display date (`2024年9月27日`).
pub(crate) fn parse_cn_date(text: &str) -> Option<Date> {
    let (year, rest) = text.trim().split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let month = time::Month::try_from(month.trim().parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.trim().parse().ok()?, month, day.trim().parse().ok()?).ok()
}

/// The index document of a public item; `None` when withdrawn (no content: D14-a, the public
/// no longer finds it by search, only by its stable URL).
pub(crate) fn indexed(item: &PublicItem) -> Option<IndexedItem> {
    let content = item.content.as_ref()?;
    let mut summary = String::new();
    if let Some(fields) = content.get("fields").and_then(Value::as_object) {
        for (key, value) in fields {
            if let Some(text) = value.as_str().filter(|t| !t.trim().is_empty()) {
                if !summary.is_empty() {
                    summary.push('；');
                }
                summary.push_str(liuhen_core::disclosure::field_label(key));
                summary.push('：');
                summary.push_str(text);
            }
        }
    }
    let summary: String = summary
        .chars()
        .take(liuhen_search::index::MAX_TEXT_CHARS)
        .collect();
    let decided_on = parse_cn_date(field_text(content, "date")).unwrap_or(item.published_on);
    let published_at =
        OffsetDateTime::new_in_offset(item.published_on, Time::MIDNIGHT, liuhen_core::CHINA_OFFSET);
    Some(IndexedItem {
        id: item.id.clone(),
        body_id: item.body.to_string(),
        body_name: content
            .get("body_name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        kind: kind_code(item.kind),
        title: item.title.clone(),
        party_name: field_text(content, "party").to_owned(),
        summary,
        doc_number: field_text(content, "doc_number").to_owned(),
        decided_on,
        published_at,
        url: format!("/disclosure/{}", item.id),
    })
}

/// The snake_case code of an item kind (as serialised by the core).
pub(crate) fn kind_code(kind: liuhen_core::disclosure::ItemKind) -> String {
    match serde_json::to_value(kind) {
        Ok(Value::String(code)) => code,
        _ => String::new(),
    }
}
