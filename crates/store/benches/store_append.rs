//! Append throughput of the case store (issue 5 "Tests and numbers"): single-record batches, as
//! the service issues them, sequentially and from 16 concurrent tasks (each on its own stream),
//! on SQLite (a file in a temporary folder under the current directory, WAL, synchronous=FULL)
//! and, when `LIUHEN_TEST_PG_URL` is set, PostgreSQL (a fresh schema, dropped afterwards).
//!
//! Run: `cargo bench -p liuhen-store --bench store_append` (optionally `BENCH_APPENDS=4000`).
//! Prints one JSON object per backend and mode: appends/s and latency median/p99 in ms.

use std::sync::Arc;
use std::time::{Duration, Instant};

use liuhen_core::ids::{BodyId, StreamId, StreamSeq};
use liuhen_core::ports::{AppendBatch, NewRecord, Projection, ProjectionKind, Store};
use liuhen_ledger::hash::HashProfile;
use liuhen_store::sql_store::{PostgresConfig, SqlStore, SqliteConfig};
use sqlx::Connection;

const CONCURRENCY: usize = 16;

fn batch(stream: &str, seq: u64) -> AppendBatch {
    let canonical =
        format!(r#"{{"payload":"询问笔录","seq":{seq},"stream":"{stream}"}}"#).into_bytes();
    let stream_id = StreamId::parse(stream).expect("bench stream names are valid");
    let body = BodyId::new("b1").expect("valid id");
    AppendBatch {
        records: vec![NewRecord {
            stream: stream_id.clone(),
            seq: StreamSeq(seq),
            body: body.clone(),
            record_type: "r10_1_questioning_party".to_owned(),
            entry_time: time::OffsetDateTime::now_utc(),
            hash: *HashProfile::Sm3.digest(&canonical).as_bytes(),
            canonical,
        }],
        // A projection row per record, as the service writes one.
        projections: vec![Projection {
            kind: ProjectionKind::Case,
            id: stream_id.id().to_owned(),
            body: Some(body),
            status: "investigating".to_owned(),
            last_seq: StreamSeq(seq),
            data: serde_json::json!({ "seq": seq, "title": "某某公司无照经营案" }),
        }],
        ..AppendBatch::default()
    }
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted.get(index).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// Appends `total` single-record batches spread over `tasks` tasks (one stream each).
async fn run(store: Arc<dyn Store>, label: &str, total: usize, tasks: usize) {
    let per_task = total / tasks;
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for task in 0..tasks {
        let store = Arc::clone(&store);
        let stream = format!("case/{label}-{task}");
        set.spawn(async move {
            let mut latencies = Vec::with_capacity(per_task);
            for seq in 1..=per_task as u64 {
                let one = Instant::now();
                store.append(batch(&stream, seq)).await.expect("append");
                latencies.push(one.elapsed());
            }
            latencies
        });
    }
    let mut latencies = Vec::new();
    while let Some(joined) = set.join_next().await {
        latencies.extend(joined.expect("task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    println!(
        "{{\"bench\":\"store_append\",\"mode\":\"{label}\",\"tasks\":{tasks},\"appends\":{},\"appends_per_s\":{:.0},\"median_ms\":{:.3},\"p99_ms\":{:.3}}}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    );
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::var("BENCH_APPENDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);

    let dir = tempfile::tempdir_in(".").expect("temporary folder");
    let sqlite = SqlStore::open_sqlite_with(&SqliteConfig::new(dir.path().join("liuhen.db")))
        .await
        .expect("sqlite");
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    run(Arc::clone(&store), "sqlite-sequential", total, 1).await;
    run(store, "sqlite-concurrent", total, CONCURRENCY).await;
    sqlite.close().await;

    if let Ok(url) = std::env::var("LIUHEN_TEST_PG_URL") {
        let schema = format!("bench_{}", std::process::id());
        let config = PostgresConfig {
            schema: Some(schema.clone()),
            max_connections: CONCURRENCY as u32,
            ..PostgresConfig::new(url.clone())
        };
        let pg = SqlStore::connect_postgres_with(&config)
            .await
            .expect("postgres");
        let store: Arc<dyn Store> = Arc::new(pg.clone());
        run(Arc::clone(&store), "postgres-sequential", total, 1).await;
        run(store, "postgres-concurrent", total, CONCURRENCY).await;
        pg.close().await;
        let mut admin = sqlx::PgConnection::connect(&url)
            .await
            .expect("postgres admin");
        let drop = sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE"));
        sqlx::query(drop)
            .execute(&mut admin)
            .await
            .expect("drop schema");
    }
}
