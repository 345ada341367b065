//! The store's SQL, written once and instantiated for each backend by [`backend_ops!`].
//!
//! Every statement here is plain SQL with `$n` placeholders that SQLite and PostgreSQL both
//! accept (DESIGN.md "Stack": one SQL string serves both; no `Any` driver). Dynamic filters go
//! through [`sqlx::QueryBuilder`], which emits the right placeholder syntax for each backend. What
//! differs between the backends — how a write transaction starts, how the log is locked and
//! appended — lives in `super` and `super::log_glue`.
//!
//! The macro expands the same function bodies against `sqlx::Sqlite` and `sqlx::Postgres`, so
//! each body is type-checked per backend without the trait-bound soup a generic
//! `async fn f<DB: Database>` needs for every column type.

use std::collections::HashMap;

use liuhen_core::ids::{LogIndex, StreamSeq, UserId};
use liuhen_core::ports::{
    AppendBatch, AuditEntry, AuditQuery, DeadlineQuery, DeadlineRow, Digest32, NewRecord,
    Projection, ProjectionItem, ProjectionKind, ProjectionQuery, Receipt, Session, StoreError,
    StoredRecord, StreamHead,
};
use serde_json::Value;
use sqlx::Row;

use super::convert::{
    backend, date_to_day, day_to_date, db, instant_to_text, text_to_instant, to_body, to_case,
    to_digest, to_i64, to_json, to_kind, to_stream, to_u64, to_user,
};
use super::error::SqlStoreError;

use super::MAX_PAGE;

/// Most body ids one projection or deadline filter may list. A user holds roles in a handful of
/// bodies; the cap keeps every statement well under SQLite's 32,766 bound parameters.
pub(crate) const MAX_FILTER_BODIES: usize = 1_000;

/// Most deadline rows one [`super::SqlStore`] deadline query returns. `DeadlineQuery` has no page
/// size (a to-do list must not silently lose overdue items), so the cap is generous; a district
/// has at most some thousands of open obligations.
pub(crate) const MAX_DEADLINE_ROWS: i64 = 10_000;

/// Checks that `bodies` is small enough to bind.
pub(crate) fn check_body_filter(
    bodies: Option<&[liuhen_core::ids::BodyId]>,
) -> Result<(), StoreError> {
    match bodies {
        Some(bodies) if bodies.len() > MAX_FILTER_BODIES => {
            Err(backend(SqlStoreError::FilterTooLarge {
                what: "bodies",
                given: bodies.len(),
                max: MAX_FILTER_BODIES,
            }))
        }
        _ => Ok(()),
    }
}

/// Checks the batch for inconsistencies that no database state can fix: a deadline row filed
/// under another stream's set would survive the next replacement of its own stream's set.
pub(crate) fn check_batch_shape(batch: &AppendBatch) -> Result<(), StoreError> {
    // An item without its incremental projection row in the batch would change a list whose
    // row (last_seq, status) says otherwise.
    for item in &batch.items {
        let owner = batch.projections.iter().any(|projection| {
            projection.kind == item.kind && projection.id == item.id && needs_items(projection)
        });
        if !owner {
            return Err(backend(SqlStoreError::InvalidBatch(format!(
                "item {} of projection {}/{} has no incremental projection row in the batch",
                item.key,
                item.kind.as_str(),
                item.id
            ))));
        }
    }
    for (stream, rows) in &batch.deadlines {
        if let Some(row) = rows.iter().find(|row| &row.stream != stream) {
            return Err(backend(SqlStoreError::InvalidBatch(format!(
                "deadline {:?} of stream {} is listed in the set of stream {stream}",
                row.key, row.stream
            ))));
        }
    }
    Ok(())
}

/// Rows per multi-row INSERT of a merged group ([`mergeable`]): at most 8 parameters a row, so
/// a statement stays well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const GROUP_INSERT_CHUNK: usize = 500;

/// Whether `batches` can be written by one multi-row statement per table (`write_group`) with
/// exactly the rows that writing them one after the other would leave: no projection row and no
/// deadline set is named twice (by two batches, or twice by one), so the order of the batches
/// cannot matter for those tables. Records and audit entries are independent rows anyway, and
/// an item always belongs to a projection row of its own batch ([`check_batch_shape`]).
pub(crate) fn mergeable(batches: &[&AppendBatch]) -> bool {
    let mut projections = std::collections::HashSet::new();
    let mut streams = std::collections::HashSet::new();
    for batch in batches {
        for projection in &batch.projections {
            if !projections.insert((projection.kind, projection.id.as_str())) {
                return false;
            }
        }
        for (stream, _) in &batch.deadlines {
            if !streams.insert(stream.as_str()) {
                return false;
            }
        }
    }
    true
}

/// Projection items written per multi-row INSERT (4 parameters each; well under SQLite's
/// 32,766 and PostgreSQL's 65,535 bound parameters).
const ITEM_INSERT_CHUNK: usize = 500;

/// How a projection row's list field is written (ports `ProjectionItem`).
enum ListForm {
    /// The kind has no list field, or the data does not carry it: the row is stored as given.
    None,
    /// Complete: the list, to store as items `0..n` (replacing the stored ones).
    Complete(Vec<Value>),
    /// Incremental: the stored items stay; the batch's items are upserted.
    Incremental,
}

/// Splits a projection's list field off its data: the row is stored with the field `null`.
fn split_list(projection: &Projection) -> (String, ListForm) {
    let Some(field) = projection.kind.items_field() else {
        return (projection.data.to_string(), ListForm::None);
    };
    match projection.data.get(field) {
        Some(Value::Array(list)) => {
            let mut data = projection.data.clone();
            if let Value::Object(map) = &mut data {
                map.insert(field.to_owned(), Value::Null);
            }
            (data.to_string(), ListForm::Complete(list.clone()))
        }
        Some(Value::Null) => (projection.data.to_string(), ListForm::Incremental),
        _ => (projection.data.to_string(), ListForm::None),
    }
}

/// Puts the stored items of a row back into its list field, checking that the keys are
/// `0..n`. Rows whose list field is not `null` are left as they are.
fn merge_list(projection: &mut Projection, items: Vec<(i64, String)>) -> Result<(), StoreError> {
    let Some(field) = projection.kind.items_field() else {
        return Ok(());
    };
    let place = format!("projection {}/{}", projection.kind.as_str(), projection.id);
    let Value::Object(map) = &mut projection.data else {
        return Ok(());
    };
    if !map.get(field).is_some_and(Value::is_null) {
        return Ok(());
    }
    let mut list = Vec::with_capacity(items.len());
    for (expected, (key, data)) in items.into_iter().enumerate() {
        if usize::try_from(key).ok() != Some(expected) {
            return Err(StoreError::Corrupt(format!(
                "{place}: list item {key} where {expected} was expected"
            )));
        }
        list.push(to_json(&place, &data)?);
    }
    map.insert(field.to_owned(), Value::Array(list));
    Ok(())
}

/// Whether a stored row keeps its list as items (its list field is `null`).
fn needs_items(projection: &Projection) -> bool {
    projection
        .kind
        .items_field()
        .is_some_and(|field| projection.data.get(field).is_some_and(Value::is_null))
}

/// The expected head of each stream as the batch is applied in order: the seq check of
/// `Store::append` for records of one stream within one batch.
pub(crate) fn conflict(record: &NewRecord, actual: u64) -> StoreError {
    StoreError::Conflict {
        stream: record.stream.to_string(),
        expected: record.seq.0,
        actual,
    }
}

/// Instantiates the store's SQL for one backend as module `$name`.
macro_rules! backend_ops {
    ($name:ident, $db:ty) => {
        pub(crate) mod $name {
            use super::*;

            type Db = $db;
            type Conn = <Db as sqlx::Database>::Connection;
            type DbRow = <Db as sqlx::Database>::Row;
            type Pool = sqlx::Pool<Db>;

            const RECORD_COLUMNS: &str = "log_index, stream, seq, hash, canonical";

            fn stored_record(row: &DbRow) -> Result<StoredRecord, StoreError> {
                let log_index: i64 = row.try_get("log_index").map_err(db)?;
                let place = format!("record at log index {log_index}");
                let stream: String = row.try_get("stream").map_err(db)?;
                let seq: i64 = row.try_get("seq").map_err(db)?;
                let hash: Vec<u8> = row.try_get("hash").map_err(db)?;
                let canonical: Vec<u8> = row.try_get("canonical").map_err(db)?;
                Ok(StoredRecord {
                    log_index: LogIndex(to_u64(&place, log_index)?),
                    stream: to_stream(&place, &stream)?,
                    seq: StreamSeq(to_u64(&place, seq)?),
                    hash: to_digest(&place, &hash)?,
                    canonical,
                })
            }

            fn projection_row(row: &DbRow) -> Result<Projection, StoreError> {
                let kind: String = row.try_get("kind").map_err(db)?;
                let id: String = row.try_get("id").map_err(db)?;
                let place = format!("projection {kind}/{id}");
                let body: Option<String> = row.try_get("body").map_err(db)?;
                let last_seq: i64 = row.try_get("last_seq").map_err(db)?;
                let data: String = row.try_get("data").map_err(db)?;
                Ok(Projection {
                    kind: to_kind(&place, &kind)?,
                    body: body.map(|body| to_body(&place, &body)).transpose()?,
                    status: row.try_get("status").map_err(db)?,
                    last_seq: StreamSeq(to_u64(&place, last_seq)?),
                    data: to_json(&place, &data)?,
                    id,
                })
            }

            fn deadline_row(row: &DbRow) -> Result<DeadlineRow, StoreError> {
                let stream: String = row.try_get("stream").map_err(db)?;
                let key: String = row.try_get("obligation_key").map_err(db)?;
                let place = format!("deadline {stream}:{key}");
                let case_id: Option<String> = row.try_get("case_id").map_err(db)?;
                let body: String = row.try_get("body").map_err(db)?;
                let due: i64 = row.try_get("due").map_err(db)?;
                let met_on: Option<i64> = row.try_get("met_on").map_err(db)?;
                Ok(DeadlineRow {
                    stream: to_stream(&place, &stream)?,
                    case_id: case_id.map(|case_id| to_case(&place, &case_id)).transpose()?,
                    body: to_body(&place, &body)?,
                    period: row.try_get("period").map_err(db)?,
                    due: day_to_date(&place, due)?,
                    provisional: row.try_get("provisional").map_err(db)?,
                    met_on: met_on.map(|day| day_to_date(&place, day)).transpose()?,
                    key,
                })
            }

            fn audit_row(row: &DbRow) -> Result<AuditEntry, StoreError> {
                let id: i64 = row.try_get("id").map_err(db)?;
                let place = format!("audit entry {id}");
                let time: String = row.try_get("time").map_err(db)?;
                let user: Option<String> = row.try_get("user_id").map_err(db)?;
                Ok(AuditEntry {
                    time: text_to_instant(&place, &time)?,
                    user: user.map(|user| to_user(&place, &user)).transpose()?,
                    action: row.try_get("action").map_err(db)?,
                    object: row.try_get("object").map_err(db)?,
                    client_ip: row.try_get("client_ip").map_err(db)?,
                    outcome: row.try_get("outcome").map_err(db)?,
                })
            }

            fn session_row(row: &DbRow) -> Result<Session, StoreError> {
                let token_hash: Vec<u8> = row.try_get("token_hash").map_err(db)?;
                let place = "session";
                let user: String = row.try_get("user_id").map_err(db)?;
                let created_at: String = row.try_get("created_at").map_err(db)?;
                let expires_at: String = row.try_get("expires_at").map_err(db)?;
                Ok(Session {
                    token_hash: to_digest(place, &token_hash)?,
                    user: to_user(place, &user)?,
                    created_at: text_to_instant(place, &created_at)?,
                    expires_at: text_to_instant(place, &expires_at)?,
                    csrf_token: row.try_get("csrf").map_err(db)?,
                })
            }

            /// The head of `stream` (highest seq), read through the UNIQUE(stream, seq) index.
            pub(crate) async fn stream_head<'c, E>(executor: E, stream: &str) -> Result<Option<StreamHead>, StoreError>
            where
                E: sqlx::Executor<'c, Database = Db>,
            {
                let row = sqlx::query("SELECT seq, hash FROM records WHERE stream = $1 ORDER BY seq DESC LIMIT 1")
                    .bind(stream)
                    .fetch_optional(executor)
                    .await
                    .map_err(db)?;
                let Some(row) = row else { return Ok(None) };
                let place = format!("head of {stream}");
                let seq: i64 = row.try_get("seq").map_err(db)?;
                let hash: Vec<u8> = row.try_get("hash").map_err(db)?;
                Ok(Some(StreamHead { seq: StreamSeq(to_u64(&place, seq)?), hash: to_digest(&place, &hash)? }))
            }

            /// The seq check of `Store::append`: every record must be its stream's head + 1,
            /// counting the batch's earlier records of the same stream. Runs inside the write
            /// transaction after the log lock is held, so no other writer can move a head
            /// between this check and the commit.
            ///
            /// `known` answers the head of a stream when the caller knows it for certain
            /// (`group_commit`'s head cache); other streams are read.
            pub(crate) async fn check_heads(
                conn: &mut Conn,
                records: &[NewRecord],
                known: &(dyn Fn(&str) -> Option<u64> + Sync),
            ) -> Result<(), StoreError> {
                let mut heads: HashMap<&str, u64> = HashMap::new();
                for record in records {
                    let stream = record.stream.as_str();
                    let head = match heads.get(stream).copied().or_else(|| known(stream)) {
                        Some(head) => head,
                        None => stream_head(&mut *conn, stream).await?.map_or(0, |head| head.seq.0),
                    };
                    if head.checked_add(1) != Some(record.seq.0) {
                        return Err(conflict(record, head));
                    }
                    heads.insert(stream, record.seq.0);
                }
                Ok(())
            }

            /// Inserts the batch's records at log indexes `first_index..`, then its projections
            /// and deadline sets. Runs inside the caller's transaction.
            pub(crate) async fn write_batch(
                conn: &mut Conn,
                batch: &AppendBatch,
                first_index: u64,
            ) -> Result<Vec<Receipt>, StoreError> {
                let mut receipts = Vec::with_capacity(batch.records.len());
                let mut log_index = first_index;
                for record in &batch.records {
                    let inserted = sqlx::query(
                        "INSERT INTO records (log_index, stream, seq, body, record_type, entry_time, hash, canonical) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(to_i64("log index", log_index)?)
                    .bind(record.stream.as_str())
                    .bind(to_i64("seq", record.seq.0)?)
                    .bind(record.body.as_str())
                    .bind(record.record_type.as_str())
                    .bind(instant_to_text("entry time", record.entry_time)?)
                    .bind(record.hash.as_slice())
                    .bind(record.canonical.as_slice())
                    .execute(&mut *conn)
                    .await;
                    match inserted {
                        Ok(_) => {}
                        // UNIQUE(stream, seq): another writer won despite the head check (only
                        // possible if something bypassed the log lock). Still nothing is written:
                        // the caller drops the transaction.
                        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                            let actual = stream_head(&mut *conn, record.stream.as_str())
                                .await?
                                .map_or(0, |head| head.seq.0);
                            return Err(conflict(record, actual));
                        }
                        Err(error) => return Err(db(error)),
                    }
                    receipts.push(Receipt { seq: record.seq, log_index: LogIndex(log_index), hash: record.hash });
                    log_index = log_index
                        .checked_add(1)
                        .ok_or_else(|| backend(SqlStoreError::OutOfRange { what: "log index", value: u64::MAX }))?;
                }
                for projection in &batch.projections {
                    upsert_projection(&mut *conn, projection, true).await?;
                }
                upsert_items(&mut *conn, &batch.items).await?;
                for (stream, rows) in &batch.deadlines {
                    sqlx::query("DELETE FROM deadlines WHERE stream = $1")
                        .bind(stream.as_str())
                        .execute(&mut *conn)
                        .await
                        .map_err(db)?;
                    for row in rows {
                        insert_deadline(&mut *conn, row).await?;
                    }
                }
                for entry in &batch.audit {
                    audit(&mut *conn, entry).await?;
                }
                Ok(receipts)
            }

            /// Writes the rows of `batches` — already seq-checked, and [`mergeable`] — with one
            /// multi-row statement per table (chunked), their records at log indexes
            /// `first_index..` in order: the same rows as [`write_batch`] on each batch in turn,
            /// in a handful of statements instead of five or more per batch. Why: on SQLite every
            /// statement is a round trip to the connection's worker thread, which dominated the
            /// cost of an append (issue 5, docs/BENCHMARKS.md).
            ///
            /// Any error leaves the transaction to be rolled back by the caller, which then
            /// writes the group batch by batch to find out which one failed.
            pub(crate) async fn write_group(
                conn: &mut Conn,
                batches: &[&AppendBatch],
                first_index: u64,
            ) -> Result<Vec<Vec<Receipt>>, StoreError> {
                let mut receipts = Vec::with_capacity(batches.len());
                let mut records = Vec::new();
                let mut log_index = first_index;
                for batch in batches {
                    let mut mine = Vec::with_capacity(batch.records.len());
                    for record in &batch.records {
                        records.push((
                            to_i64("log index", log_index)?,
                            record,
                            to_i64("seq", record.seq.0)?,
                            instant_to_text("entry time", record.entry_time)?,
                        ));
                        mine.push(Receipt { seq: record.seq, log_index: LogIndex(log_index), hash: record.hash });
                        log_index = log_index
                            .checked_add(1)
                            .ok_or_else(|| backend(SqlStoreError::OutOfRange { what: "log index", value: u64::MAX }))?;
                    }
                    receipts.push(mine);
                }
                for chunk in records.chunks(GROUP_INSERT_CHUNK) {
                    let mut builder = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO records (log_index, stream, seq, body, record_type, entry_time, hash, canonical) ",
                    );
                    builder.push_values(chunk, |mut row, (index, record, seq, entry_time)| {
                        row.push_bind(*index)
                            .push_bind(record.stream.as_str())
                            .push_bind(*seq)
                            .push_bind(record.body.as_str())
                            .push_bind(record.record_type.as_str())
                            .push_bind(entry_time.as_str())
                            .push_bind(record.hash.as_slice())
                            .push_bind(record.canonical.as_slice());
                    });
                    builder.build().execute(&mut *conn).await.map_err(db)?;
                }

                // Projections: complete lists replace their stored items (deleted first, one
                // statement per such row; registry rows, not the record path), then all items
                // and all rows in multi-row upserts. Within a batch its own items come after the
                // complete lists, as in `write_batch`; a key named twice keeps the later value.
                let mut items: Vec<ProjectionItem> = Vec::new();
                let mut item_at: HashMap<(ProjectionKind, String, u64), usize> = HashMap::new();
                let mut rows = Vec::new();
                for batch in batches {
                    let mut batch_items: Vec<ProjectionItem> = Vec::new();
                    for projection in &batch.projections {
                        let (data, list) = split_list(projection);
                        if let ListForm::Complete(list) = list {
                            sqlx::query("DELETE FROM projection_items WHERE kind = $1 AND id = $2")
                                .bind(projection.kind.as_str())
                                .bind(projection.id.as_str())
                                .execute(&mut *conn)
                                .await
                                .map_err(db)?;
                            batch_items.extend(list.into_iter().enumerate().map(|(key, data)| ProjectionItem {
                                kind: projection.kind,
                                id: projection.id.clone(),
                                key: key as u64,
                                data,
                            }));
                        }
                        rows.push((projection, data, to_i64("projection last_seq", projection.last_seq.0)?));
                    }
                    batch_items.extend(batch.items.iter().cloned());
                    // One multi-row upsert may not name a key twice (PostgreSQL refuses it):
                    // the later value wins, as it would written one after the other.
                    for item in batch_items {
                        let key = (item.kind, item.id.clone(), item.key);
                        match item_at.get(&key) {
                            Some(&at) => items[at] = item,
                            None => {
                                item_at.insert(key, items.len());
                                items.push(item);
                            }
                        }
                    }
                }
                upsert_items(&mut *conn, &items).await?;
                for chunk in rows.chunks(GROUP_INSERT_CHUNK) {
                    let mut builder = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO projections (kind, id, body, status, last_seq, data) ",
                    );
                    builder.push_values(chunk, |mut row, (projection, data, last_seq)| {
                        row.push_bind(projection.kind.as_str())
                            .push_bind(projection.id.as_str())
                            .push_bind(projection.body.as_ref().map(|body| body.as_str()))
                            .push_bind(projection.status.as_str())
                            .push_bind(*last_seq)
                            .push_bind(data.as_str());
                    });
                    builder.push(
                        " ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, status = excluded.status, \
                         last_seq = excluded.last_seq, data = excluded.data",
                    );
                    builder.build().execute(&mut *conn).await.map_err(db)?;
                }

                // Deadline sets replace their stream's rows.
                let streams: Vec<&str> = batches
                    .iter()
                    .flat_map(|batch| batch.deadlines.iter().map(|(stream, _)| stream.as_str()))
                    .collect();
                for chunk in streams.chunks(GROUP_INSERT_CHUNK) {
                    let mut builder = sqlx::QueryBuilder::<Db>::new("DELETE FROM deadlines WHERE stream IN (");
                    let mut separated = builder.separated(", ");
                    for stream in chunk {
                        separated.push_bind(*stream);
                    }
                    builder.push(")");
                    builder.build().execute(&mut *conn).await.map_err(db)?;
                }
                let deadlines: Vec<&DeadlineRow> = batches
                    .iter()
                    .flat_map(|batch| batch.deadlines.iter().flat_map(|(_, rows)| rows.iter()))
                    .collect();
                for chunk in deadlines.chunks(GROUP_INSERT_CHUNK) {
                    let mut builder = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO deadlines (stream, obligation_key, case_id, body, period, due, provisional, met_on) ",
                    );
                    builder.push_values(chunk, |mut row, deadline| {
                        row.push_bind(deadline.stream.as_str())
                            .push_bind(deadline.key.as_str())
                            .push_bind(deadline.case_id.as_ref().map(|case_id| case_id.as_str()))
                            .push_bind(deadline.body.as_str())
                            .push_bind(deadline.period.as_str())
                            .push_bind(date_to_day(deadline.due))
                            .push_bind(deadline.provisional)
                            .push_bind(deadline.met_on.map(date_to_day));
                    });
                    builder.build().execute(&mut *conn).await.map_err(db)?;
                }

                let mut entries = Vec::new();
                for batch in batches {
                    for entry in &batch.audit {
                        entries.push((instant_to_text("audit time", entry.time)?, entry));
                    }
                }
                for chunk in entries.chunks(GROUP_INSERT_CHUNK) {
                    let mut builder = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO audit (time, user_id, action, object, client_ip, outcome) ",
                    );
                    builder.push_values(chunk, |mut row, (time, entry)| {
                        row.push_bind(time.as_str())
                            .push_bind(entry.user.as_ref().map(|user| user.as_str()))
                            .push_bind(entry.action.as_str())
                            .push_bind(entry.object.as_str())
                            .push_bind(entry.client_ip.as_deref())
                            .push_bind(entry.outcome.as_str());
                    });
                    builder.build().execute(&mut *conn).await.map_err(db)?;
                }
                Ok(receipts)
            }

            /// Upserts the batch's items of incremental projections, by (kind, id, key).
            async fn upsert_items(conn: &mut Conn, items: &[ProjectionItem]) -> Result<(), StoreError> {
                for chunk in items.chunks(ITEM_INSERT_CHUNK) {
                    let mut builder = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO projection_items (kind, id, item_key, data) ",
                    );
                    let mut rows = Vec::with_capacity(chunk.len());
                    for item in chunk {
                        rows.push((item.kind.as_str(), item.id.as_str(), to_i64("item key", item.key)?, item.data.to_string()));
                    }
                    builder.push_values(rows, |mut row, (kind, id, key, data)| {
                        row.push_bind(kind).push_bind(id).push_bind(key).push_bind(data);
                    });
                    builder.push(" ON CONFLICT (kind, id, item_key) DO UPDATE SET data = excluded.data");
                    builder.build().execute(&mut *conn).await.map_err(db)?;
                }
                Ok(())
            }

            /// Inserts or replaces a projection row. A complete list (ports `ProjectionItem`)
            /// goes to `projection_items`; `replace` deletes the row's earlier items first (not
            /// needed after `replace_all` emptied the table).
            async fn upsert_projection(conn: &mut Conn, projection: &Projection, replace: bool) -> Result<(), StoreError> {
                let (data, list) = split_list(projection);
                if let ListForm::Complete(list) = list {
                    if replace {
                        sqlx::query("DELETE FROM projection_items WHERE kind = $1 AND id = $2")
                            .bind(projection.kind.as_str())
                            .bind(projection.id.as_str())
                            .execute(&mut *conn)
                            .await
                            .map_err(db)?;
                    }
                    let items: Vec<ProjectionItem> = list
                        .into_iter()
                        .enumerate()
                        .map(|(key, data)| ProjectionItem {
                            kind: projection.kind,
                            id: projection.id.clone(),
                            key: key as u64,
                            data,
                        })
                        .collect();
                    upsert_items(&mut *conn, &items).await?;
                }
                sqlx::query(
                    "INSERT INTO projections (kind, id, body, status, last_seq, data) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, status = excluded.status, \
                     last_seq = excluded.last_seq, data = excluded.data",
                )
                .bind(projection.kind.as_str())
                .bind(projection.id.as_str())
                .bind(projection.body.as_ref().map(|body| body.as_str()))
                .bind(projection.status.as_str())
                .bind(to_i64("projection last_seq", projection.last_seq.0)?)
                .bind(data)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
                Ok(())
            }

            async fn insert_deadline(conn: &mut Conn, row: &DeadlineRow) -> Result<(), StoreError> {
                let inserted = sqlx::query(
                    "INSERT INTO deadlines (stream, obligation_key, case_id, body, period, due, provisional, met_on) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(row.stream.as_str())
                .bind(row.key.as_str())
                .bind(row.case_id.as_ref().map(|case_id| case_id.as_str()))
                .bind(row.body.as_str())
                .bind(row.period.as_str())
                .bind(date_to_day(row.due))
                .bind(row.provisional)
                .bind(row.met_on.map(date_to_day))
                .execute(&mut *conn)
                .await;
                match inserted {
                    Ok(_) => Ok(()),
                    Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                        Err(backend(SqlStoreError::InvalidBatch(format!(
                            "deadline key {:?} appears twice for stream {}",
                            row.key, row.stream
                        ))))
                    }
                    Err(error) => Err(db(error)),
                }
            }

            /// `Store::read_stream`.
            pub(crate) async fn read_stream(pool: &Pool, stream: &str) -> Result<Vec<StoredRecord>, StoreError> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {RECORD_COLUMNS} FROM records WHERE stream = $1 ORDER BY seq"
                ));
                let rows = sqlx::query(sql).bind(stream).fetch_all(pool).await.map_err(db)?;
                rows.iter().map(stored_record).collect()
            }

            /// `Store::read_log`, paginated by log index.
            pub(crate) async fn read_log(pool: &Pool, from: u64, limit: u32) -> Result<Vec<StoredRecord>, StoreError> {
                let limit = i64::from(limit.min(MAX_PAGE));
                let Ok(from) = i64::try_from(from) else { return Ok(Vec::new()) };
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {RECORD_COLUMNS} FROM records WHERE log_index >= $1 ORDER BY log_index LIMIT $2"
                ));
                let rows = sqlx::query(sql).bind(from).bind(limit).fetch_all(pool).await.map_err(db)?;
                rows.iter().map(stored_record).collect()
            }

            /// `Store::projection`.
            pub(crate) async fn projection(
                pool: &Pool,
                kind: ProjectionKind,
                id: &str,
            ) -> Result<Option<Projection>, StoreError> {
                let row = sqlx::query(
                    "SELECT kind, id, body, status, last_seq, data FROM projections WHERE kind = $1 AND id = $2",
                )
                .bind(kind.as_str())
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(db)?;
                let Some(mut projection) = row.as_ref().map(projection_row).transpose()? else {
                    return Ok(None);
                };
                if needs_items(&projection) {
                    let items = sqlx::query_as::<_, (i64, String)>(
                        "SELECT item_key, data FROM projection_items WHERE kind = $1 AND id = $2 ORDER BY item_key",
                    )
                    .bind(kind.as_str())
                    .bind(id)
                    .fetch_all(pool)
                    .await
                    .map_err(db)?;
                    merge_list(&mut projection, items)?;
                }
                Ok(Some(projection))
            }

            /// Merges the stored items of every row of `rows` whose list is kept as items, with
            /// one query for the page.
            async fn merge_items(pool: &Pool, rows: &mut [Projection]) -> Result<(), StoreError> {
                let wanted: Vec<usize> = (0..rows.len()).filter(|&i| needs_items(&rows[i])).collect();
                let Some(&first) = wanted.first() else { return Ok(()) };
                let kind = rows[first].kind;
                let mut builder = sqlx::QueryBuilder::<Db>::new(
                    "SELECT id, item_key, data FROM projection_items WHERE kind = ",
                );
                builder.push_bind(kind.as_str());
                builder.push(" AND id IN (");
                let mut list = builder.separated(", ");
                for &i in &wanted {
                    list.push_bind(rows[i].id.clone());
                }
                builder.push(") ORDER BY id, item_key");
                let found = builder.build().fetch_all(pool).await.map_err(db)?;
                let mut by_id: HashMap<String, Vec<(i64, String)>> = HashMap::new();
                for row in &found {
                    let id: String = row.try_get("id").map_err(db)?;
                    let key: i64 = row.try_get("item_key").map_err(db)?;
                    let data: String = row.try_get("data").map_err(db)?;
                    by_id.entry(id).or_default().push((key, data));
                }
                for &i in &wanted {
                    let items = by_id.remove(&rows[i].id).unwrap_or_default();
                    merge_list(&mut rows[i], items)?;
                }
                Ok(())
            }

            /// `Store::list_projections`.
            pub(crate) async fn list_projections(
                pool: &Pool,
                query: &ProjectionQuery,
            ) -> Result<Vec<Projection>, StoreError> {
                let Some(kind) = query.kind else { return Ok(Vec::new()) };
                check_body_filter(query.bodies.as_deref())?;
                if query.bodies.as_ref().is_some_and(|bodies| bodies.is_empty()) || query.limit == 0 {
                    return Ok(Vec::new());
                }
                let mut builder = sqlx::QueryBuilder::<Db>::new(
                    "SELECT kind, id, body, status, last_seq, data FROM projections WHERE kind = ",
                );
                builder.push_bind(kind.as_str());
                if let Some(bodies) = &query.bodies {
                    builder.push(" AND body IN (");
                    let mut list = builder.separated(", ");
                    for body in bodies {
                        list.push_bind(body.as_str().to_owned());
                    }
                    builder.push(")");
                }
                if let Some(status) = &query.status {
                    builder.push(" AND status = ");
                    builder.push_bind(status.clone());
                }
                builder.push(" ORDER BY id LIMIT ");
                builder.push_bind(i64::from(query.limit.min(MAX_PAGE)));
                builder.push(" OFFSET ");
                builder.push_bind(i64::from(query.offset));
                let rows = builder.build().fetch_all(pool).await.map_err(db)?;
                let mut rows = rows.iter().map(projection_row).collect::<Result<Vec<_>, _>>()?;
                merge_items(pool, &mut rows).await?;
                Ok(rows)
            }

            /// `Store::deadlines`, ordered by due date (then stream and key, for a stable order).
            pub(crate) async fn deadlines(pool: &Pool, query: &DeadlineQuery) -> Result<Vec<DeadlineRow>, StoreError> {
                check_body_filter(query.bodies.as_deref())?;
                if query.bodies.as_ref().is_some_and(|bodies| bodies.is_empty()) {
                    return Ok(Vec::new());
                }
                let mut builder = sqlx::QueryBuilder::<Db>::new(
                    "SELECT stream, obligation_key, case_id, body, period, due, provisional, met_on \
                     FROM deadlines WHERE 1 = 1",
                );
                if let Some(bodies) = &query.bodies {
                    builder.push(" AND body IN (");
                    let mut list = builder.separated(", ");
                    for body in bodies {
                        list.push_bind(body.as_str().to_owned());
                    }
                    builder.push(")");
                }
                if query.open_only {
                    builder.push(" AND met_on IS NULL");
                }
                if let Some(date) = query.due_on_or_before {
                    builder.push(" AND due <= ");
                    builder.push_bind(date_to_day(date));
                }
                builder.push(" ORDER BY due, stream, obligation_key LIMIT ");
                builder.push_bind(MAX_DEADLINE_ROWS);
                let rows = builder.build().fetch_all(pool).await.map_err(db)?;
                rows.iter().map(deadline_row).collect()
            }

            /// `Store::replace_all_projections`, inside the caller's transaction.
            pub(crate) async fn replace_all(
                conn: &mut Conn,
                projections: &[Projection],
                deadlines: &[DeadlineRow],
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM projections").execute(&mut *conn).await.map_err(db)?;
                sqlx::query("DELETE FROM deadlines").execute(&mut *conn).await.map_err(db)?;
                sqlx::query("DELETE FROM projection_items").execute(&mut *conn).await.map_err(db)?;
                for projection in projections {
                    upsert_projection(&mut *conn, projection, false).await?;
                }
                for row in deadlines {
                    insert_deadline(&mut *conn, row).await?;
                }
                Ok(())
            }

            /// `Store::audit`: the only statement that touches the audit table is this INSERT.
            pub(crate) async fn audit<'c, E>(executor: E, entry: &AuditEntry) -> Result<(), StoreError>
            where
                E: sqlx::Executor<'c, Database = Db>,
            {
                sqlx::query(
                    "INSERT INTO audit (time, user_id, action, object, client_ip, outcome) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(instant_to_text("audit time", entry.time)?)
                .bind(entry.user.as_ref().map(|user| user.as_str()))
                .bind(entry.action.as_str())
                .bind(entry.object.as_str())
                .bind(entry.client_ip.as_deref())
                .bind(entry.outcome.as_str())
                .execute(executor)
                .await
                .map_err(db)?;
                Ok(())
            }

            /// `Store::read_audit`, newest first. The prefix match compares a substring rather
            /// than using LIKE, which is case-insensitive on SQLite and would need escaping.
            pub(crate) async fn read_audit(pool: &Pool, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
                if query.limit == 0 {
                    return Ok(Vec::new());
                }
                let mut builder = sqlx::QueryBuilder::<Db>::new(
                    "SELECT id, time, user_id, action, object, client_ip, outcome FROM audit WHERE 1 = 1",
                );
                if let Some(prefix) = &query.object_prefix {
                    builder.push(" AND substr(object, 1, ");
                    builder.push_bind(i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX));
                    builder.push(") = ");
                    builder.push_bind(prefix.clone());
                }
                if let Some(user) = &query.user {
                    builder.push(" AND user_id = ");
                    builder.push_bind(user.as_str().to_owned());
                }
                builder.push(" ORDER BY id DESC LIMIT ");
                builder.push_bind(i64::from(query.limit.min(MAX_PAGE)));
                let rows = builder.build().fetch_all(pool).await.map_err(db)?;
                rows.iter().map(audit_row).collect()
            }

            /// `Store::password_hash`.
            pub(crate) async fn password_hash(pool: &Pool, username: &str) -> Result<Option<(UserId, String)>, StoreError> {
                let row = sqlx::query("SELECT user_id, phc FROM users_auth WHERE username = $1")
                    .bind(username)
                    .fetch_optional(pool)
                    .await
                    .map_err(db)?;
                let Some(row) = row else { return Ok(None) };
                let user: String = row.try_get("user_id").map_err(db)?;
                let phc: String = row.try_get("phc").map_err(db)?;
                Ok(Some((to_user("password hash", &user)?, phc)))
            }

            /// `Store::set_password_hash`.
            pub(crate) async fn set_password_hash(
                pool: &Pool,
                user: &UserId,
                username: &str,
                phc: &str,
            ) -> Result<(), StoreError> {
                let result = sqlx::query(
                    "INSERT INTO users_auth (user_id, username, phc) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, phc = excluded.phc",
                )
                .bind(user.as_str())
                .bind(username)
                .bind(phc)
                .execute(pool)
                .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                        Err(backend(SqlStoreError::UsernameTaken(username.to_owned())))
                    }
                    Err(error) => Err(db(error)),
                }
            }

            /// `Store::create_session`.
            pub(crate) async fn create_session(pool: &Pool, session: &Session) -> Result<(), StoreError> {
                let result = sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, expires_unix, csrf) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(session.token_hash.as_slice())
                .bind(session.user.as_str())
                .bind(instant_to_text("session creation time", session.created_at)?)
                .bind(instant_to_text("session expiry time", session.expires_at)?)
                .bind(session.expires_at.unix_timestamp())
                .bind(session.csrf_token.as_str())
                .execute(pool)
                .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                        Err(backend(SqlStoreError::DuplicateSession))
                    }
                    Err(error) => Err(db(error)),
                }
            }

            /// `Store::session`.
            pub(crate) async fn session(pool: &Pool, token_hash: &Digest32) -> Result<Option<Session>, StoreError> {
                let row = sqlx::query(
                    "SELECT token_hash, user_id, created_at, expires_at, csrf FROM sessions WHERE token_hash = $1",
                )
                .bind(token_hash.as_slice())
                .fetch_optional(pool)
                .await
                .map_err(db)?;
                row.as_ref().map(session_row).transpose()
            }

            /// `Store::touch_session`: one conditional update, so that the check and the new
            /// time cannot be torn apart by another node's request.
            pub(crate) async fn touch_session(pool: &Pool, token_hash: &Digest32, now_ms: i64, cutoff_ms: i64) -> Result<bool, StoreError> {
                let result = sqlx::query(
                    "UPDATE sessions SET last_seen_ms = $1 WHERE token_hash = $2 \
                     AND (last_seen_ms IS NULL OR last_seen_ms >= $3)",
                )
                .bind(now_ms)
                .bind(token_hash.as_slice())
                .bind(cutoff_ms)
                .execute(pool)
                .await
                .map_err(db)?;
                Ok(result.rows_affected() > 0)
            }

            /// `Store::delete_session`: the session itself and every session expired before
            /// `now_unix`.
            pub(crate) async fn delete_session(pool: &Pool, token_hash: &Digest32, now_unix: i64) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_unix < $2")
                    .bind(token_hash.as_slice())
                    .bind(now_unix)
                    .execute(pool)
                    .await
                    .map_err(db)?;
                Ok(())
            }
        }
    };
}

backend_ops!(sqlite, sqlx::Sqlite);
backend_ops!(postgres, sqlx::Postgres);
