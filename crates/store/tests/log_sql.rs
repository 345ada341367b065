//! The SQL log (`liuhen_store::log`) on SQLite and, when `LIUHEN_TEST_PG_URL` is set, on
//! PostgreSQL: the same test bodies run on both (DESIGN.md "Storage"). If the variable is set and
//! the server is unreachable, the PostgreSQL tests fail rather than skip.

use std::future::Future;

use liuhen_ledger::hash::HashProfile;
use liuhen_ledger::verify::{self, TreeHead};
use liuhen_store::log::{Damage, LogConn, LogError, SqlLog, append_in};

const PG_URL_VAR: &str = "LIUHEN_TEST_PG_URL";

/// Runs `body` on a fresh SQLite log in a temporary folder.
async fn on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(SqlLog) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let log = SqlLog::open_sqlite(&dir.path().join("log.db"))
        .await
        .unwrap();
    body(log).await;
}

/// Runs `body` on a fresh PostgreSQL schema, dropped afterwards; does nothing when
/// `LIUHEN_TEST_PG_URL` is unset.
async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(SqlLog) -> Fut,
    Fut: Future<Output = ()>,
{
    let Ok(url) = std::env::var(PG_URL_VAR) else {
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = format!("t_log_{}_{}", std::process::id(), nanos % 1_000_000_000_000);
    let log = SqlLog::connect_postgres(&url, Some(&schema))
        .await
        .unwrap_or_else(|err| panic!("{PG_URL_VAR} is set but PostgreSQL is unusable: {err}"));
    body(log).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let drop = sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE"));
    sqlx::query(drop).execute(&pool).await.unwrap();
}

/// Declares `<name>_on_sqlite` and `<name>_on_postgres` running the async fn `name`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::on_sqlite(super::$name).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::on_postgres(super::$name).await; })*
        }
    };
}

on_both!(
    appended_leaves_have_verifiable_inclusion_and_consistency_proofs,
    an_append_in_a_rolled_back_transaction_leaves_no_trace,
    init_with_another_profile_is_refused,
    concurrent_appends_get_distinct_indexes,
    a_changed_leaf_byte_is_named_by_index,
    a_changed_tile_byte_is_named,
    a_deleted_leaf_is_named,
    swapped_leaves_are_named_at_the_lower_index,
    a_changed_stored_root_is_detected,
    proofs_stay_correct_as_cached_partial_tiles_grow,
);

fn leaves(from: u64, count: u64) -> Vec<Vec<u8>> {
    (from..from + count)
        .map(|i| format!("record {i}").into_bytes())
        .collect()
}

async fn filled(log: &SqlLog, profile: HashProfile, size: u64) {
    log.init(profile, "test.liuhen/log").await.unwrap();
    let mut next = 0;
    for batch in [1u64, 2, 255, 256, 3, 300] {
        if next >= size {
            break;
        }
        let count = batch.min(size - next);
        let receipt = log.append_batch(&leaves(next, count)).await.unwrap();
        assert_eq!(receipt.first_index, next);
        next += count;
        assert_eq!(receipt.head.size, next);
    }
    if next < size {
        log.append_batch(&leaves(next, size - next)).await.unwrap();
    }
}

async fn appended_leaves_have_verifiable_inclusion_and_consistency_proofs(log: SqlLog) {
    let profile = HashProfile::Sha256;
    filled(&log, profile, 1000).await;
    let meta = log.meta().await.unwrap();
    assert_eq!((meta.size, meta.profile), (1000, profile));
    for (index, size) in [(0u64, 1u64), (5, 1000), (256, 700), (999, 1000), (511, 512)] {
        let proof = log.prove_inclusion(index, Some(size)).await.unwrap();
        assert_eq!(proof.leaf_hash, profile.leaf_hash(&leaves(index, 1)[0]));
        let head = TreeHead {
            size,
            root: log.root_at(size).await.unwrap(),
        };
        proof.verify(&head).unwrap();
    }
    for (old, new) in [(1u64, 1000u64), (256, 257), (300, 999), (1000, 1000)] {
        let proof = log.prove_consistency(old, Some(new)).await.unwrap();
        let old_head = TreeHead {
            size: old,
            root: log.root_at(old).await.unwrap(),
        };
        let new_head = TreeHead {
            size: new,
            root: log.root_at(new).await.unwrap(),
        };
        proof.verify(&old_head, &new_head).unwrap();
    }
    assert!(matches!(
        log.prove_inclusion(1000, None).await,
        Err(LogError::OutOfRange { .. })
    ));
    assert_eq!(log.leaf(7).await.unwrap(), leaves(7, 1)[0]);
    let report = log.verify(&[0, 300, 1000]).await.unwrap();
    assert_eq!(
        report.head,
        TreeHead {
            size: 1000,
            root: meta.root
        }
    );
    assert_eq!(report.heads_at.len(), 3);
    assert_eq!(
        report.heads_at[1],
        TreeHead {
            size: 300,
            root: log.root_at(300).await.unwrap()
        }
    );
    // The root is the RFC root of the leaves, independent of batching.
    let hashes: Vec<_> = leaves(0, 3)
        .iter()
        .map(|leaf| profile.leaf_hash(leaf))
        .collect();
    let proof = log.prove_inclusion(2, Some(3)).await.unwrap();
    verify::verify_inclusion(
        profile,
        &hashes[2],
        2,
        3,
        &proof.hashes,
        &log.root_at(3).await.unwrap(),
    )
    .unwrap();
}

async fn an_append_in_a_rolled_back_transaction_leaves_no_trace(log: SqlLog) {
    log.init(HashProfile::Sm3, "o").await.unwrap();
    log.append_batch(&leaves(0, 10)).await.unwrap();
    if let Some(pool) = log.sqlite_writer() {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let receipt = append_in(LogConn::from(&mut *tx), &leaves(10, 5))
            .await
            .unwrap();
        assert_eq!(receipt.first_index, 10);
        tx.rollback().await.unwrap();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        append_in(LogConn::from(&mut *tx), &leaves(10, 3))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    if let Some(pool) = log.postgres_pool() {
        let mut tx = pool.begin().await.unwrap();
        append_in(LogConn::from(&mut *tx), &leaves(10, 5))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        append_in(LogConn::from(&mut *tx), &leaves(10, 3))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(log.meta().await.unwrap().size, 13);
    log.verify(&[]).await.unwrap();
}

async fn init_with_another_profile_is_refused(log: SqlLog) {
    log.init(HashProfile::Sm3, "o").await.unwrap();
    log.init(HashProfile::Sm3, "o").await.unwrap();
    assert!(matches!(
        log.init(HashProfile::Sha256, "o").await,
        Err(LogError::AlreadyInitialized {
            profile: HashProfile::Sm3,
            ..
        })
    ));
}

async fn concurrent_appends_get_distinct_indexes(log: SqlLog) {
    log.init(HashProfile::Sha256, "o").await.unwrap();
    let log = std::sync::Arc::new(log);
    let mut tasks = Vec::new();
    for task in 0..4u64 {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            let mut firsts = Vec::new();
            for round in 0..10u64 {
                let receipt = log
                    .append_batch(&leaves(task * 1000 + round * 10, 7))
                    .await
                    .unwrap();
                firsts.push(receipt.first_index);
            }
            firsts
        }));
    }
    let mut firsts = Vec::new();
    for task in tasks {
        firsts.extend(task.await.unwrap());
    }
    firsts.sort_unstable();
    assert_eq!(firsts, (0..40).map(|i| i * 7).collect::<Vec<u64>>());
    log.verify(&[]).await.unwrap();
}

async fn exec(log: &SqlLog, sql: &'static str, args: (i64, Option<Vec<u8>>)) {
    if let Some(pool) = log.sqlite_writer() {
        let query = sqlx::query(sql).bind(args.0);
        let query = if let Some(data) = args.1.clone() {
            query.bind(data)
        } else {
            query
        };
        query.execute(pool).await.unwrap();
    }
    if let Some(pool) = log.postgres_pool() {
        let query = sqlx::query(sql).bind(args.0);
        let query = if let Some(data) = args.1 {
            query.bind(data)
        } else {
            query
        };
        query.execute(pool).await.unwrap();
    }
}

fn damage(result: Result<liuhen_store::log::VerifyReport, LogError>) -> Damage {
    match result {
        Err(LogError::Damaged(damage)) => damage,
        other => panic!("expected damage, got {other:?}"),
    }
}

async fn a_changed_leaf_byte_is_named_by_index(log: SqlLog) {
    filled(&log, HashProfile::Sm3, 600).await;
    let mut data = log.leaf(300).await.unwrap();
    data[0] ^= 1;
    exec(
        &log,
        "UPDATE log_leaves SET data = $2 WHERE idx = $1",
        (300, Some(data)),
    )
    .await;
    let found = damage(log.verify(&[]).await);
    assert!(
        matches!(found, Damage::LeafMismatch { index: 300, .. }),
        "{found:?}"
    );
    assert!(found.to_string().contains("tile/0/001"), "{found}");
}

async fn a_changed_tile_byte_is_named(log: SqlLog) {
    filled(&log, HashProfile::Sm3, 70_000).await;
    // Tile 1/000 holds level-8 hashes; byte 40 belongs to hash 1 (leaves 256..512).
    exec(
        &log,
        "UPDATE log_tiles SET data = $2 WHERE level = 1 AND idx = $1",
        (0, Some(tampered_tile(&log, 1, 0, 40).await)),
    )
    .await;
    let found = damage(log.verify(&[]).await);
    assert_eq!(
        found.to_string(),
        "tile tile/1/000 differs from the recomputed tree at hash 1"
    );
    // A level-0 tile byte: the leaf whose stored hash changed is named.
    exec(
        &log,
        "UPDATE log_tiles SET data = $2 WHERE level = 1 AND idx = $1",
        (0, Some(tampered_tile(&log, 1, 0, 40).await)),
    )
    .await;
    log.verify(&[]).await.unwrap();
    exec(
        &log,
        "UPDATE log_tiles SET data = $2 WHERE level = 0 AND idx = $1",
        (3, Some(tampered_tile(&log, 0, 3, 32 * 17).await)),
    )
    .await;
    let found = damage(log.verify(&[]).await);
    assert!(
        matches!(found, Damage::LeafMismatch { index: 785, .. }),
        "{found:?}"
    );
}

/// The stored bytes of tile (level, index) with one bit of byte `at` flipped.
async fn tampered_tile(log: &SqlLog, level: i64, index: i64, at: usize) -> Vec<u8> {
    let sql = "SELECT data FROM log_tiles WHERE level = $1 AND idx = $2";
    let mut data: Vec<u8> = if let Some(pool) = log.sqlite_writer() {
        sqlx::query_scalar(sql)
            .bind(level)
            .bind(index)
            .fetch_one(pool)
            .await
            .unwrap()
    } else if let Some(pool) = log.postgres_pool() {
        sqlx::query_scalar(sql)
            .bind(level)
            .bind(index)
            .fetch_one(pool)
            .await
            .unwrap()
    } else {
        unreachable!("one of the two backends")
    };
    data[at] ^= 1;
    data
}

async fn a_deleted_leaf_is_named(log: SqlLog) {
    filled(&log, HashProfile::Sha256, 600).await;
    exec(&log, "DELETE FROM log_leaves WHERE idx = $1", (123, None)).await;
    assert_eq!(
        damage(log.verify(&[]).await),
        Damage::LeafMissing { index: 123 }
    );
    filled_more_and_delete_last(&log).await;
}

async fn filled_more_and_delete_last(log: &SqlLog) {
    exec(log, "DELETE FROM log_leaves WHERE idx >= $1", (100, None)).await;
    assert_eq!(
        damage(log.verify(&[]).await),
        Damage::LeafMissing { index: 100 }
    );
}

async fn swapped_leaves_are_named_at_the_lower_index(log: SqlLog) {
    filled(&log, HashProfile::Sha256, 600).await;
    let (a, b) = (log.leaf(40).await.unwrap(), log.leaf(520).await.unwrap());
    exec(
        &log,
        "UPDATE log_leaves SET data = $2 WHERE idx = $1",
        (40, Some(b)),
    )
    .await;
    exec(
        &log,
        "UPDATE log_leaves SET data = $2 WHERE idx = $1",
        (520, Some(a)),
    )
    .await;
    let found = damage(log.verify(&[]).await);
    assert!(
        matches!(found, Damage::LeafMismatch { index: 40, .. }),
        "{found:?}"
    );
}

async fn a_changed_stored_root_is_detected(log: SqlLog) {
    filled(&log, HashProfile::Sha256, 10).await;
    exec(
        &log,
        "UPDATE log_meta SET root = $2 WHERE id = $1",
        (1, Some(vec![7; 32])),
    )
    .await;
    assert_eq!(
        damage(log.verify(&[]).await),
        Damage::RootMismatch { size: 10 }
    );
}

async fn proofs_stay_correct_as_cached_partial_tiles_grow(log: SqlLog) {
    let profile = HashProfile::Sm3;
    log.init(profile, "o").await.unwrap();
    let mut all = Vec::new();
    for step in 0..12u64 {
        let batch = leaves(all.len() as u64, 37 + step * 11);
        log.append_batch(&batch).await.unwrap();
        all.extend(batch);
        let size = all.len() as u64;
        // Proofs at the new size need the wider partial tiles, not the cached narrower ones.
        for index in [0, size / 2, size - 1] {
            let proof = log.prove_inclusion(index, None).await.unwrap();
            assert_eq!(proof.leaf_hash, profile.leaf_hash(&all[index as usize]));
            let head = TreeHead {
                size,
                root: log.meta().await.unwrap().root,
            };
            proof.verify(&head).unwrap();
        }
        let old = 1 + size / 3;
        let proof = log.prove_consistency(old, None).await.unwrap();
        let old_head = TreeHead {
            size: old,
            root: log.root_at(old).await.unwrap(),
        };
        let new_head = TreeHead {
            size,
            root: log.root_at(size).await.unwrap(),
        };
        proof.verify(&old_head, &new_head).unwrap();
    }
}
