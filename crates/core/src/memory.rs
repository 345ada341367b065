//! `MemoryStore`: a complete in-memory [`Store`], used by the core's and the web crate's tests
//! and as the reference behaviour the SQL stores must match (same seq check, same log, same
//! ordering of queries). One mutex guards everything, so every batch is atomic.
//!
//! The log is liuhen-ledger's [`Log`] over a [`MemoryTileStore`]: each record's hash is the data
//! of one leaf, so the leaf hash is RFC 9162 `H(0x00 || record_hash)`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::store::{Log, MemoryTileStore};
use serde_json::Value;

use crate::ids::{LogIndex, StreamId, UserId};
use crate::ports::{
    AppendBatch, AuditEntry, AuditQuery, DeadlineQuery, DeadlineRow, Digest32, LogState,
    Projection, ProjectionKind, ProjectionQuery, Receipt, Session, Store, StoreError, StoredRecord,
    StreamHead,
};

/// Page size cap of list queries (as the SQL stores).
const MAX_PAGE: u32 = 1_000;

struct Inner {
    records: Vec<StoredRecord>,
    streams: HashMap<StreamId, Vec<usize>>,
    log: Log<MemoryTileStore>,
    projections: BTreeMap<(ProjectionKind, String), Projection>,
    deadlines: BTreeMap<StreamId, Vec<DeadlineRow>>,
    audit: Vec<AuditEntry>,
    passwords: HashMap<String, (UserId, String)>,
    sessions: HashMap<Digest32, Session>,
    /// Last use of each session, milliseconds since the epoch (`Store::touch_session`).
    session_seen: HashMap<Digest32, i64>,
}

/// An in-memory store.
pub struct MemoryStore {
    profile: HashProfile,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

fn poisoned() -> StoreError {
    StoreError::Corrupt("memory store lock poisoned".to_owned())
}

fn tree_error(err: liuhen_ledger::error::TreeError) -> StoreError {
    match err {
        liuhen_ledger::error::TreeError::OutOfRange { .. } => StoreError::NotFound(err.to_string()),
        other => StoreError::Corrupt(other.to_string()),
    }
}

impl MemoryStore {
    /// An empty store whose log uses `profile`.
    pub fn new(profile: HashProfile) -> Self {
        MemoryStore {
            profile,
            inner: Mutex::new(Inner {
                records: Vec::new(),
                streams: HashMap::new(),
                log: Log::new(profile, MemoryTileStore::new()),
                projections: BTreeMap::new(),
                deadlines: BTreeMap::new(),
                audit: Vec::new(),
                passwords: HashMap::new(),
                sessions: HashMap::new(),
                session_seen: HashMap::new(),
            }),
        }
    }

    /// The log's hash profile.
    pub fn profile(&self) -> HashProfile {
        self.profile
    }

    /// All projection rows (for rebuild-equality tests).
    pub fn all_projections(&self) -> Vec<Projection> {
        self.inner
            .lock()
            .map(|inner| inner.projections.values().cloned().collect())
            .unwrap_or_default()
    }

    /// All deadline rows, by stream then key (for rebuild-equality tests).
    pub fn all_deadlines(&self) -> Vec<DeadlineRow> {
        self.inner
            .lock()
            .map(|inner| inner.deadlines.values().flatten().cloned().collect())
            .unwrap_or_default()
    }

    /// Flips one byte of a stored record's canonical bytes (tamper tests).
    pub fn tamper_record(&self, index: LogIndex, byte: usize) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        let Some(record) = usize::try_from(index.0)
            .ok()
            .and_then(|idx| inner.records.get_mut(idx))
        else {
            return false;
        };
        match record.canonical.get_mut(byte) {
            Some(value) => {
                *value ^= 0x01;
                true
            }
            None => false,
        }
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn append(&self, batch: AppendBatch) -> Result<Vec<Receipt>, StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        // Check every seq first (records of one stream in a batch must be consecutive).
        let mut heads: HashMap<&StreamId, u64> = HashMap::new();
        for record in &batch.records {
            let head = match heads.get(&record.stream) {
                Some(head) => *head,
                None => inner
                    .streams
                    .get(&record.stream)
                    .map_or(0, |idxs| idxs.len() as u64),
            };
            if record.seq.0 != head + 1 {
                return Err(StoreError::Conflict {
                    stream: record.stream.to_string(),
                    expected: record.seq.0,
                    actual: head,
                });
            }
            heads.insert(&record.stream, record.seq.0);
        }
        // Merge projections before anything is written: a bad item refuses the whole batch.
        let mut projections = Vec::with_capacity(batch.projections.len());
        for mut projection in batch.projections {
            let key = (projection.kind, projection.id.clone());
            // Incremental form (ports `ProjectionItem`): keep the stored list and apply the
            // batch's items by position. Rows are kept merged, as readers see them.
            if let Some(field) = projection.kind.items_field()
                && let Value::Object(map) = &mut projection.data
                && map.get(field).is_some_and(Value::is_null)
            {
                let mut list = inner
                    .projections
                    .get(&key)
                    .and_then(|row| row.data.get(field))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for item in batch
                    .items
                    .iter()
                    .filter(|item| item.kind == projection.kind && item.id == projection.id)
                {
                    let position = usize::try_from(item.key).unwrap_or(usize::MAX);
                    match position.cmp(&list.len()) {
                        std::cmp::Ordering::Less => list[position] = item.data.clone(),
                        std::cmp::Ordering::Equal => list.push(item.data.clone()),
                        std::cmp::Ordering::Greater => {
                            return Err(StoreError::Corrupt(format!(
                                "projection {}/{}: item {} leaves a gap after {} items",
                                projection.kind.as_str(),
                                projection.id,
                                item.key,
                                list.len()
                            )));
                        }
                    }
                }
                map.insert(field.to_owned(), Value::Array(list));
            }
            projections.push((key, projection));
        }
        let leaf_hashes: Vec<Hash> = batch
            .records
            .iter()
            .map(|record| self.profile.leaf_hash(&record.hash))
            .collect();
        let first = if leaf_hashes.is_empty() {
            inner.log.size()
        } else {
            inner.log.append_hashes(&leaf_hashes).map_err(tree_error)?
        };
        let mut receipts = Vec::with_capacity(batch.records.len());
        for (offset, record) in batch.records.into_iter().enumerate() {
            let log_index = LogIndex(first + offset as u64);
            let position = inner.records.len();
            receipts.push(Receipt {
                seq: record.seq,
                log_index,
                hash: record.hash,
            });
            inner
                .streams
                .entry(record.stream.clone())
                .or_default()
                .push(position);
            inner.records.push(StoredRecord {
                log_index,
                stream: record.stream,
                seq: record.seq,
                hash: record.hash,
                canonical: record.canonical,
            });
        }
        for (key, projection) in projections {
            inner.projections.insert(key, projection);
        }
        for (stream, rows) in batch.deadlines {
            inner.deadlines.insert(stream, rows);
        }
        inner.audit.extend(batch.audit);
        Ok(receipts)
    }

    async fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let head = inner
            .streams
            .get(stream)
            .and_then(|idxs| idxs.last())
            .and_then(|idx| inner.records.get(*idx))
            .map(|record| StreamHead {
                seq: record.seq,
                hash: record.hash,
            });
        Ok(head)
    }

    async fn read_stream(&self, stream: &StreamId) -> Result<Vec<StoredRecord>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        Ok(inner
            .streams
            .get(stream)
            .map(|idxs| {
                idxs.iter()
                    .filter_map(|idx| inner.records.get(*idx))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn read_log(&self, from: LogIndex, limit: u32) -> Result<Vec<StoredRecord>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let start = usize::try_from(from.0).unwrap_or(usize::MAX);
        Ok(inner
            .records
            .iter()
            .skip(start)
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn projection(
        &self,
        kind: ProjectionKind,
        id: &str,
    ) -> Result<Option<Projection>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        Ok(inner.projections.get(&(kind, id.to_owned())).cloned())
    }

    async fn list_projections(
        &self,
        query: &ProjectionQuery,
    ) -> Result<Vec<Projection>, StoreError> {
        let Some(kind) = query.kind else {
            return Ok(Vec::new());
        };
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let limit = query.limit.min(MAX_PAGE) as usize;
        Ok(inner
            .projections
            .range((kind, String::new())..)
            .take_while(|((row_kind, _), _)| *row_kind == kind)
            .map(|(_, row)| row)
            .filter(|row| match &query.bodies {
                None => true,
                Some(bodies) => row.body.as_ref().is_some_and(|body| bodies.contains(body)),
            })
            .filter(|row| {
                query
                    .status
                    .as_ref()
                    .is_none_or(|status| &row.status == status)
            })
            .skip(query.offset as usize)
            .take(limit)
            .cloned()
            .collect())
    }

    async fn deadlines(&self, query: &DeadlineQuery) -> Result<Vec<DeadlineRow>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let mut rows: Vec<DeadlineRow> = inner
            .deadlines
            .values()
            .flatten()
            .filter(|row| {
                query
                    .bodies
                    .as_ref()
                    .is_none_or(|bodies| bodies.contains(&row.body))
            })
            .filter(|row| !query.open_only || row.met_on.is_none())
            .filter(|row| query.due_on_or_before.is_none_or(|limit| row.due <= limit))
            .cloned()
            .collect();
        rows.sort_by(|a, b| (a.due, &a.stream, &a.key).cmp(&(b.due, &b.stream, &b.key)));
        Ok(rows)
    }

    async fn replace_all_projections(
        &self,
        projections: Vec<Projection>,
        deadlines: Vec<DeadlineRow>,
    ) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        inner.projections = projections
            .into_iter()
            .map(|row| ((row.kind, row.id.clone()), row))
            .collect();
        let mut by_stream: BTreeMap<StreamId, Vec<DeadlineRow>> = BTreeMap::new();
        for row in deadlines {
            by_stream.entry(row.stream.clone()).or_default().push(row);
        }
        inner.deadlines = by_stream;
        Ok(())
    }

    async fn log_state(&self) -> Result<LogState, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        Ok(LogState {
            size: inner.log.size(),
            root: *inner.log.root().as_bytes(),
        })
    }

    async fn prove_inclusion(
        &self,
        index: LogIndex,
        size: u64,
    ) -> Result<Vec<Digest32>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        if index.0 >= size {
            return Err(StoreError::NotFound(format!(
                "leaf {} in tree of size {size}",
                index.0
            )));
        }
        let proof = inner
            .log
            .prove_inclusion(index.0, size)
            .map_err(tree_error)?;
        Ok(proof.hashes.iter().map(|hash| *hash.as_bytes()).collect())
    }

    async fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Digest32>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        if old > new {
            return Err(StoreError::NotFound(format!("consistency {old} > {new}")));
        }
        let proof = inner.log.prove_consistency(old, new).map_err(tree_error)?;
        Ok(proof.hashes.iter().map(|hash| *hash.as_bytes()).collect())
    }

    async fn audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        inner.audit.push(entry);
        Ok(())
    }

    async fn read_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let limit = query.limit.min(MAX_PAGE) as usize;
        Ok(inner
            .audit
            .iter()
            .rev()
            .filter(|entry| {
                query
                    .object_prefix
                    .as_ref()
                    .is_none_or(|prefix| entry.object.starts_with(prefix.as_str()))
            })
            .filter(|entry| {
                query
                    .user
                    .as_ref()
                    .is_none_or(|user| entry.user.as_ref() == Some(user))
            })
            .take(limit)
            .cloned()
            .collect())
    }

    async fn password_hash(&self, username: &str) -> Result<Option<(UserId, String)>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        Ok(inner.passwords.get(username).cloned())
    }

    async fn set_password_hash(
        &self,
        user: &UserId,
        username: &str,
        phc: &str,
    ) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        // A user has one username: drop any earlier name of this user.
        inner.passwords.retain(|_, (existing, _)| existing != user);
        inner
            .passwords
            .insert(username.to_owned(), (user.clone(), phc.to_owned()));
        Ok(())
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        inner.sessions.insert(session.token_hash, session.clone());
        Ok(())
    }

    async fn session(&self, token_hash: &Digest32) -> Result<Option<Session>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        Ok(inner.sessions.get(token_hash).cloned())
    }

    async fn touch_session(
        &self,
        token_hash: &Digest32,
        now_ms: i64,
        idle_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        if !inner.sessions.contains_key(token_hash) {
            return Ok(false);
        }
        let active = inner
            .session_seen
            .get(token_hash)
            .is_none_or(|seen| *seen >= now_ms - idle_ms);
        if active {
            inner.session_seen.insert(*token_hash, now_ms);
        }
        Ok(active)
    }

    async fn delete_session(&self, token_hash: &Digest32) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        inner.sessions.remove(token_hash);
        inner.session_seen.remove(token_hash);
        let now = time::OffsetDateTime::now_utc();
        inner.sessions.retain(|_, session| session.expires_at > now);
        Ok(())
    }
}
