//! Runs the store suite (`store_suite`) against SQLite (always, in a temporary folder) and
//! PostgreSQL (whenever `LIUHEN_TEST_PG_URL` is set, e.g.
//! `LIUHEN_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo test -p liuhen-store`).
//! If the variable is set and the server is unreachable, the PostgreSQL tests fail; they never
//! skip. Each PostgreSQL test runs in a fresh schema `t_<random>`, dropped at the end.

mod store_suite;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use liuhen_core::ids::{LogIndex, StreamSeq};
use liuhen_core::ports::Store;
use liuhen_store::sql_store::{PostgresConfig, SqlStore, SqliteConfig};
use sqlx::Connection;

/// The variable naming the PostgreSQL server for tests.
const PG_URL_VAR: &str = "LIUHEN_TEST_PG_URL";

async fn open_sqlite(dir: &tempfile::TempDir) -> SqlStore {
    SqlStore::open_sqlite_with(&SqliteConfig::new(dir.path().join("liuhen.db")))
        .await
        .unwrap()
}

/// Runs `test` on a fresh SQLite store.
async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = open_sqlite(&dir).await;
    test(Arc::new(store.clone())).await;
    store.close().await;
}

/// A schema name unique across processes and runs.
fn fresh_schema() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!(
        "t_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `test` on a fresh PostgreSQL schema when `LIUHEN_TEST_PG_URL` is set; drops the schema
/// afterwards, also when the test failed (the test runs as its own task so that a panic is
/// caught, the schema dropped, and the panic resumed).
async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(url) = std::env::var(PG_URL_VAR) else {
        eprintln!("{PG_URL_VAR} is not set: PostgreSQL store tests not run");
        return;
    };
    let schema = fresh_schema();
    let config = PostgresConfig {
        schema: Some(schema.clone()),
        max_connections: 8,
        ..PostgresConfig::new(url.clone())
    };
    let store = SqlStore::connect_postgres_with(&config)
        .await
        .unwrap_or_else(|error| {
            panic!("{PG_URL_VAR}={url} is set but PostgreSQL is unusable: {error}")
        });
    let outcome = tokio::spawn(test(Arc::new(store.clone()))).await;
    store.close().await;
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    let drop = sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE"));
    sqlx::query(drop).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// One `#[tokio::test]` per suite function and backend. `ref` functions take `&dyn Store`,
/// `arc` functions take `Arc<dyn Store>` (they spawn tasks).
macro_rules! suite {
    (ref: [$($by_ref:ident),* $(,)?], arc: [$($by_arc:ident),* $(,)?] $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $by_ref() {
                    on_sqlite(|store| async move { store_suite::$by_ref(&*store).await }).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $by_arc() {
                    on_sqlite(store_suite::$by_arc).await;
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $by_ref() {
                    on_postgres(|store| async move { store_suite::$by_ref(&*store).await }).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $by_arc() {
                    on_postgres(store_suite::$by_arc).await;
                }
            )*
        }
    };
}

suite!(
    ref: [
        append_returns_receipts_and_records_read_back,
        seq_conflict_writes_nothing,
        inclusion_and_consistency_proofs_verify,
        projections_upsert_and_query,
        list_queries_are_capped_at_one_thousand_rows,
        deadlines_replace_and_query,
        replace_all_projections_replaces_everything,
        audit_appends_and_reads_newest_first,
        password_hashes_are_set_replaced_and_looked_up,
        sessions_are_created_read_and_deleted,
        session_activity_keeps_the_idle_clock,
        projection_lists_are_written_incrementally_and_read_whole,
        audit_entries_of_a_batch_commit_with_its_records,
    ],
    arc: [
        concurrent_appends_to_one_stream_are_gap_free,
        concurrent_appends_to_many_streams_keep_batches_whole,
        failing_and_overlapping_batches_in_a_group_keep_the_others_whole,
    ],
);

/// SQLite only: everything written survives closing and reopening the database file, and the
/// log continues at the next index.
#[tokio::test]
async fn sqlite_data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_sqlite(&dir).await;
    let mut batch = store_suite::records(vec![store_suite::record("case/c1", 1, "立案")]);
    batch
        .projections
        .push(store_suite::case_projection("c1", Some("b1"), "filed", 1));
    store.append(batch).await.unwrap();
    let state = store.log_state().await.unwrap();
    store.close().await;
    drop(store);

    let reopened = open_sqlite(&dir).await;
    assert_eq!(reopened.log_state().await.unwrap(), state);
    assert_eq!(reopened.read_log(LogIndex(0), 10).await.unwrap().len(), 1);
    assert_eq!(
        reopened
            .projection(liuhen_core::ports::ProjectionKind::Case, "c1")
            .await
            .unwrap(),
        Some(store_suite::case_projection("c1", Some("b1"), "filed", 1))
    );
    let receipts = reopened
        .append(store_suite::records(vec![store_suite::record(
            "case/c1", 2, "询问",
        )]))
        .await
        .unwrap();
    assert_eq!(
        (receipts[0].seq, receipts[0].log_index),
        (StreamSeq(2), LogIndex(1))
    );
    reopened.close().await;
}

/// SQLite only: two stores on one file (two processes) append to one stream in turn. Each
/// writer's remembered stream heads must give way to the other's appends: the seq check stays
/// exact (no false conflict, no gap or duplicate accepted).
#[tokio::test]
async fn two_writers_on_one_file_keep_the_seq_check_exact() {
    let dir = tempfile::tempdir().unwrap();
    let one = open_sqlite(&dir).await;
    let two = open_sqlite(&dir).await;
    let append = |store: &SqlStore, seq: u64| {
        let store = store.clone();
        async move {
            store
                .append(store_suite::records(vec![store_suite::record(
                    "case/c1",
                    seq,
                    &format!("记录{seq}"),
                )]))
                .await
        }
    };
    append(&one, 1).await.unwrap();
    append(&one, 2).await.unwrap();
    append(&two, 3).await.unwrap();
    // `one` last saw head 2; the stream is at 3.
    assert!(matches!(
        append(&one, 3).await,
        Err(liuhen_core::ports::StoreError::Conflict { actual: 3, .. })
    ));
    assert!(matches!(
        append(&one, 5).await,
        Err(liuhen_core::ports::StoreError::Conflict { actual: 3, .. })
    ));
    let receipts = append(&one, 4).await.unwrap();
    assert_eq!(
        (receipts[0].seq, receipts[0].log_index),
        (StreamSeq(4), LogIndex(3))
    );
    assert!(matches!(
        append(&two, 4).await,
        Err(liuhen_core::ports::StoreError::Conflict { actual: 4, .. })
    ));
    one.close().await;
    two.close().await;
}

/// PostgreSQL only: a set but unreachable server is an error, never a silent skip.
#[tokio::test]
async fn postgres_unreachable_server_is_an_error() {
    // Port 1 on loopback: nothing listens there.
    let config = PostgresConfig {
        acquire_timeout: std::time::Duration::from_secs(2),
        ..PostgresConfig::new("postgres://postgres@127.0.0.1:1/test")
    };
    assert!(SqlStore::connect_postgres_with(&config).await.is_err());
}
