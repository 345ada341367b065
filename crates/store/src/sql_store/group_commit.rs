//! Group commit: appends waiting at the same moment share one durable commit.
//!
//! A durable commit costs one `fsync` (SQLite WAL with `synchronous=FULL`; PostgreSQL with
//! `synchronous_commit=on`), about a millisecond on ordinary disks, and log appends are serial
//! anyway. Committing each append alone therefore caps throughput near 1,000 appends/s however
//! many clients wait. Instead one writer task takes every append that is queued when it becomes
//! free (up to [`MAX_GROUP`]), applies each in its own SAVEPOINT inside one transaction, and
//! commits once. Each batch keeps its own all-or-nothing semantics: a batch that fails (seq
//! conflict, invalid row) is rolled back to its savepoint and answered with its error, while the
//! others go on. Every caller is answered only after the commit, so "durable when it returns"
//! (ports.rs `Store::append`) still holds. A lone append takes no savepoint.
//!
//! Batches in one group are applied in arrival order and see each other's rows, so the seq check
//! and the log indexes are exactly as if they had been committed one by one. The log indexes are
//! assigned from the log size read under the write lock, and the leaves of all successful
//! batches are appended to the log in ONE call at the end of the group (checked to land at the
//! indexes assigned), so the tree's right edge is rewritten once per group, not once per batch.

use std::collections::HashMap;

use liuhen_core::ports::{AppendBatch, Digest32, Receipt, StoreError};
use sqlx::{Connection, PgConnection, PgPool, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::convert;
use super::error::SqlStoreError;
use super::{Backend, log_glue, ops};
use crate::log::{self, LogConn, PG_LOG_LOCK};

/// Most batches committed together. Bounds the transaction's size and the wait of the first
/// batch in a group.
pub(crate) const MAX_GROUP: usize = 64;

/// Appends queued for the writer beyond which callers wait to enqueue (back-pressure).
const QUEUE_CAPACITY: usize = 1_024;

/// The outcome of one batch.
type Outcome = Result<Vec<Receipt>, StoreError>;

/// One queued append and where to send its outcome.
#[derive(Debug)]
pub(crate) struct Job {
    batch: AppendBatch,
    reply: oneshot::Sender<Outcome>,
}

/// Handle to the writer task; cheap to clone. The task ends when every handle is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Appender {
    queue: mpsc::Sender<Job>,
}

impl Appender {
    /// Starts the writer task for `backend` on the current tokio runtime.
    pub(crate) fn spawn(backend: Backend) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(writer_loop(backend, jobs));
        Appender { queue }
    }

    /// Queues `batch` and waits until it is committed (or refused).
    pub(crate) async fn append(&self, batch: AppendBatch) -> Outcome {
        let (reply, outcome) = oneshot::channel();
        if self.queue.send(Job { batch, reply }).await.is_err() {
            return Err(convert::backend(SqlStoreError::WriterStopped));
        }
        outcome
            .await
            .unwrap_or_else(|_| Err(convert::backend(SqlStoreError::WriterStopped)))
    }
}

/// Streams whose heads the writer remembers at most; beyond it the cache starts afresh.
const HEAD_CACHE_CAPACITY: usize = 100_000;

/// Stream heads as of the writer's last commit, valid while the log is still at `log_size`.
///
/// Why: the seq check of every batch read its streams' heads, one statement each. Every
/// record is appended together with its log leaf, in one transaction (`Store::append` is the
/// only way records are written), so if the log size read under the write lock equals the size
/// this writer left after its last commit, no one else — no other process or node — appended
/// any record since, and the heads it remembers are exact. Otherwise the cache is dropped and
/// heads are read. A failed group drops it too.
#[derive(Debug, Default)]
pub(crate) struct HeadCache {
    log_size: Option<u64>,
    heads: HashMap<String, u64>,
}

impl HeadCache {
    /// Makes the cache valid for a group starting at log size `size`.
    fn validate(&mut self, size: u64) {
        if self.log_size != Some(size) {
            self.heads.clear();
            self.log_size = None;
        }
    }

    /// Takes the heads a committed group moved, and the log size it left.
    fn committed(&mut self, moved: HashMap<String, u64>, size: u64) {
        if self.heads.len() + moved.len() > HEAD_CACHE_CAPACITY {
            self.heads.clear();
        }
        self.heads.extend(moved);
        self.log_size = Some(size);
    }

    fn clear(&mut self) {
        self.heads.clear();
        self.log_size = None;
    }
}

async fn writer_loop(backend: Backend, mut jobs: mpsc::Receiver<Job>) {
    let mut heads = HeadCache::default();
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcomes = match &backend {
            Backend::Sqlite { writer, .. } => commit_sqlite(writer, &group, &mut heads).await,
            Backend::Postgres(pool) => commit_postgres(pool, &group, &mut heads).await,
        };
        if outcomes.is_err() {
            heads.clear();
        }
        let outcomes = match outcomes {
            Ok(outcomes) => outcomes,
            // The transaction itself failed (begin, savepoint, commit): nothing of the group
            // is written, and every caller learns so.
            Err(error) => {
                let message = error.to_string();
                group
                    .iter()
                    .map(|_| {
                        Err(convert::backend(SqlStoreError::GroupFailed(
                            message.clone(),
                        )))
                    })
                    .collect()
            }
        };
        for (job, outcome) in group.into_iter().zip(outcomes) {
            // A caller that stopped waiting (cancelled request) is no error of the writer.
            let _ = job.reply.send(outcome);
        }
    }
}

/// Why a whole group failed.
type GroupError = Box<dyn std::error::Error + Send + Sync>;

/// Instantiates `apply`, `commit` and its two ways (`merged`, `sequential`) for one backend.
macro_rules! group_ops {
    ($apply:ident, $commit:ident, $merged:ident, $sequential:ident, $ops:ident, $Conn:ty, $Pool:ty, $begin:expr, $lock:expr) => {
        /// Checks and writes one batch's rows inside the current transaction or savepoint, its
        /// records at log indexes `first_index..` (the leaves follow at the end of the group).
        async fn $apply(
            conn: &mut $Conn,
            batch: &AppendBatch,
            first_index: u64,
            known: &(dyn Fn(&str) -> Option<u64> + Sync),
        ) -> Outcome {
            ops::check_batch_shape(batch)?;
            ops::$ops::check_heads(&mut *conn, &batch.records, known).await?;
            ops::$ops::write_batch(&mut *conn, batch, first_index).await
        }

        /// Applies `group` in one transaction; `Err` when the transaction itself failed.
        ///
        /// First as one merged write (`ops::write_group`: a few multi-row statements for the
        /// whole group); if the group's rows cannot be merged or the merged write fails, that
        /// transaction is rolled back and the group is applied batch by batch, each in its own
        /// savepoint, which isolates the failing batch and answers it with its own error.
        async fn $commit(
            pool: &$Pool,
            group: &[Job],
            heads: &mut HeadCache,
        ) -> Result<Vec<Outcome>, GroupError> {
            if let Some(outcomes) = $merged(pool, group, heads).await? {
                return Ok(outcomes);
            }
            $sequential(pool, group, heads).await
        }

        /// The merged way of [`$commit`]: every batch's seq check in order (reads only), then
        /// one `write_group` of the batches that passed. `Ok(None)`: nothing was written (the
        /// transaction was rolled back); use the sequential way.
        async fn $merged(
            pool: &$Pool,
            group: &[Job],
            heads: &mut HeadCache,
        ) -> Result<Option<Vec<Outcome>>, GroupError> {
            let mut tx = pool.begin_with($begin).await?;
            if let Some(lock) = $lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let start = log::meta_in(LogConn::from(&mut *tx)).await?.size;
            heads.validate(start);
            let mut moved: HashMap<String, u64> = HashMap::new();
            // `None`: passed its checks, answered with its receipts after the write.
            let mut refused: Vec<Option<StoreError>> = Vec::with_capacity(group.len());
            let mut accepted: Vec<&AppendBatch> = Vec::new();
            for job in group {
                let known = |stream: &str| {
                    moved
                        .get(stream)
                        .or_else(|| heads.heads.get(stream))
                        .copied()
                };
                let checked = match ops::check_batch_shape(&job.batch) {
                    Ok(()) => ops::$ops::check_heads(&mut tx, &job.batch.records, &known).await,
                    Err(err) => Err(err),
                };
                match checked {
                    Ok(()) => {
                        for record in &job.batch.records {
                            moved.insert(record.stream.to_string(), record.seq.0);
                        }
                        accepted.push(&job.batch);
                        refused.push(None);
                    }
                    Err(err) => refused.push(Some(err)),
                }
            }
            if !ops::mergeable(&accepted) {
                tx.rollback().await?;
                return Ok(None);
            }
            let mut receipts = if accepted.is_empty() {
                Vec::new()
            } else {
                match ops::$ops::write_group(&mut tx, &accepted, start).await {
                    Ok(receipts) => receipts,
                    Err(_) => {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                }
            }
            .into_iter();
            let leaves: Vec<Digest32> = accepted
                .iter()
                .flat_map(|batch| batch.records.iter().map(|record| record.hash))
                .collect();
            if leaves.is_empty() {
                if accepted.is_empty() {
                    tx.rollback().await?;
                } else {
                    tx.commit().await?;
                }
            } else {
                let first_index = log_glue::append_in(LogConn::from(&mut *tx), &leaves).await?;
                if first_index != start {
                    return Err(format!(
                        "log grew from {start} to {first_index} under the write lock"
                    )
                    .into());
                }
                tx.commit().await?;
            }
            heads.committed(moved, start + leaves.len() as u64);
            let mut outcomes = Vec::with_capacity(group.len());
            for refusal in refused {
                outcomes.push(match refusal {
                    Some(err) => Err(err),
                    None => receipts
                        .next()
                        .ok_or_else(|| StoreError::Corrupt("merged write lost a receipt".into())),
                });
            }
            Ok(Some(outcomes))
        }

        /// The sequential way of [`$commit`]: each batch in its own savepoint.
        async fn $sequential(
            pool: &$Pool,
            group: &[Job],
            heads: &mut HeadCache,
        ) -> Result<Vec<Outcome>, GroupError> {
            let mut tx = pool.begin_with($begin).await?;
            if let Some(lock) = $lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            // The write lock is held: nobody else can move the log between here and the commit.
            let start = log::meta_in(LogConn::from(&mut *tx)).await?.size;
            heads.validate(start);
            // Heads moved by the group's successful batches so far (later batches see them).
            let mut moved: HashMap<String, u64> = HashMap::new();
            let mut next_index = start;
            let mut leaves: Vec<Digest32> = Vec::new();
            let mut outcomes = Vec::with_capacity(group.len());
            for job in group {
                let known = |stream: &str| {
                    moved
                        .get(stream)
                        .or_else(|| heads.heads.get(stream))
                        .copied()
                };
                let outcome = if let [_] = group {
                    // A lone batch needs no savepoint: on failure the whole transaction goes.
                    $apply(&mut tx, &job.batch, next_index, &known).await
                } else {
                    let mut savepoint = Connection::begin(&mut *tx).await?;
                    let outcome = $apply(&mut savepoint, &job.batch, next_index, &known).await;
                    if outcome.is_ok() {
                        savepoint.commit().await?;
                    } else {
                        savepoint.rollback().await?;
                    }
                    outcome
                };
                if outcome.is_ok() {
                    leaves.extend(job.batch.records.iter().map(|record| record.hash));
                    next_index = start + leaves.len() as u64;
                    for record in &job.batch.records {
                        moved.insert(record.stream.to_string(), record.seq.0);
                    }
                }
                outcomes.push(outcome);
            }
            if leaves.is_empty() {
                // Nothing to log; projections of record-less batches may still be pending.
                if outcomes.iter().any(Result::is_ok) {
                    tx.commit().await?;
                } else {
                    tx.rollback().await?;
                }
                heads.committed(moved, start);
                return Ok(outcomes);
            }
            // One log append for the whole group: the tree's right edge is read and rewritten
            // once, not once per batch.
            let first_index = log_glue::append_in(LogConn::from(&mut *tx), &leaves).await?;
            if first_index != start {
                return Err(
                    format!("log grew from {start} to {first_index} under the write lock").into(),
                );
            }
            tx.commit().await?;
            heads.committed(moved, start + leaves.len() as u64);
            Ok(outcomes)
        }
    };
}

// SQLite: BEGIN IMMEDIATE takes the write lock before the first read (see the module docs of
// `sql_store`); the single-connection writer pool already serialises this process.
group_ops!(
    apply_sqlite,
    commit_sqlite,
    merged_sqlite,
    sequential_sqlite,
    sqlite,
    SqliteConnection,
    SqlitePool,
    "BEGIN IMMEDIATE",
    None::<&'static str>
);
// PostgreSQL: the log's advisory lock, taken once per group, serialises appends of all nodes.
group_ops!(
    apply_postgres,
    commit_postgres,
    merged_postgres,
    sequential_postgres,
    postgres,
    PgConnection,
    PgPool,
    "BEGIN",
    Some(PG_LOG_LOCK)
);
