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
//! On disk ([`Portal::in_dir`], normally `<data dir>/search`) the folder holds the tantivy index
//! and `log-position` (the log size it reflects); a restart continues from there. A missing or
//! unreadable position file, or a log smaller than the position (another database), starts over
//! from leaf 0 — upserts are idempotent, so re-indexing is always safe. In memory
//! ([`Portal::in_memory`], the default) the first request indexes the whole log.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
/// Name of the file (in the index folder) holding the indexed log size.
const POSITION_FILE: &str = "log-position";
/// Correction requests accepted per client address per window (D13-b intake is public).
pub(crate) const CORRECTIONS_PER_WINDOW: usize = 5;
/// The rate-limit window.
pub(crate) const CORRECTION_WINDOW: Duration = Duration::from_secs(600);

/// Errors of the portal's own machinery (search index, its folder).
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// The search index failed (open, upsert, commit, search).
    #[error("search index: {0}")]
    Search(#[from] SearchError),
    /// A core query failed while catching up with the log.
    #[error("core: {0}")]
    Core(#[from] CoreError),
    /// The position file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
}

/// The portal's state that outlives single requests.
pub struct Portal {
    index: SearchIndex,
    dir: Option<PathBuf>,
    /// Log size reflected by the index; the mutex also serialises catch-ups.
    synced: tokio::sync::Mutex<u64>,
    /// Accepted correction requests per client address (sliding window).
    submissions: std::sync::Mutex<Vec<(String, Instant)>>,
    started: std::sync::atomic::AtomicBool,
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
        Ok(Portal::with_index(SearchIndex::create_in_ram()?, None, 0))
    }

    /// A portal whose index lives in `dir` (created if missing).
    pub fn in_dir(dir: &Path) -> Result<Portal, PortalError> {
        let index = match SearchIndex::open_in_dir(dir) {
            Err(SearchError::SchemaMismatch { .. }) => {
                // An index of an older version: it is derived data, rebuild it from the log.
                std::fs::remove_dir_all(dir).map_err(|source| PortalError::Io {
                    path: dir.to_owned(),
                    source,
                })?;
                SearchIndex::open_in_dir(dir)?
            }
            other => other?,
        };
        let position = std::fs::read_to_string(dir.join(POSITION_FILE))
            .ok()
            .and_then(|text| text.trim().parse::<u64>().ok())
            .unwrap_or(0);
        Ok(Portal::with_index(index, Some(dir.to_owned()), position))
    }

    fn with_index(index: SearchIndex, dir: Option<PathBuf>, position: u64) -> Portal {
        Portal {
            index,
            dir,
            synced: tokio::sync::Mutex::new(position),
            submissions: std::sync::Mutex::new(Vec::new()),
            started: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The search index (current after [`Portal::sync`]).
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// The log size the index reflects.
    pub async fn synced_size(&self) -> u64 {
        *self.synced.lock().await
    }

    /// Starts the first catch-up in the background (once per portal), so the first visitor does
    /// not wait for a large log to be indexed. Without a tokio runtime nothing happens; the
    /// first search catches up instead.
    pub(crate) fn spawn_initial_sync(self: &Arc<Self>, services: Arc<Services>) {
        if self.started.swap(true, std::sync::atomic::Ordering::SeqCst) {
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
        let mut synced = self.synced.lock().await;
        let size = services.log_state().await?.size;
        if size == *synced {
            return Ok(0);
        }
        if size < *synced {
            *synced = 0;
        }
        let mut touched = BTreeSet::new();
        let mut from = *synced;
        while from < size {
            let records = services
                .store()
                .read_log(LogIndex(from), BATCH)
                .await
                .map_err(CoreError::from)?;
            let Some(last) = records.last() else { break };
            from = last.log_index.0 + 1;
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
        if !touched.is_empty() {
            self.index.commit()?;
        }
        *synced = from;
        if let Some(dir) = &self.dir {
            let path = dir.join(POSITION_FILE);
            std::fs::write(&path, from.to_string())
                .map_err(|source| PortalError::Io { path, source })?;
        }
        Ok(touched.len())
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
