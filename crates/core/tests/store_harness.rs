//! The store-generic test harness itself (`common::on`, issues 7 and 8): each backend is the one
//! asked for and receives what `Services` writes, a PostgreSQL test's schema is dropped even when
//! the test panics, and a set but unreachable PostgreSQL server fails the test instead of
//! skipping it.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::{Backend, District, PG_URL_VAR, catch, on, on_postgres_at};
use liuhen_core::ids::LogIndex;
use liuhen_core::ports::Store;
use sqlx::Connection;

/// The district is built on `backend`, and the records of its set-up are in that store's log.
async fn check_backend(backend: Backend) {
    on(backend, async |d: &District| {
        assert_eq!(d.store.backend(), backend);
        assert_eq!(d.store.memory().is_some(), backend == Backend::Memory);
        assert_eq!(d.store.schema().is_some(), backend == Backend::Postgres);
        let state = d.store.log_state().await.unwrap();
        let rows = d.store.read_log(LogIndex(0), 1000).await.unwrap();
        assert!(state.size > 10, "registry records in the log: {state:?}");
        assert_eq!(rows.len() as u64, state.size);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_district_is_on_a_memory_store() {
    check_backend(Backend::Memory).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_district_is_on_an_sqlite_store() {
    check_backend(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_district_is_on_a_postgres_store_in_its_own_schema() {
    check_backend(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_postgres_test_still_drops_its_schema() {
    let Ok(url) = std::env::var(PG_URL_VAR) else {
        eprintln!("{PG_URL_VAR} is not set: PostgreSQL harness test not run");
        return;
    };
    let seen = Arc::new(Mutex::new(None));
    let seen_in_test = Arc::clone(&seen);
    let outcome = catch(on_postgres_at(&url, async move |d: &District| {
        *seen_in_test.lock().unwrap() = d.store.schema().map(str::to_owned);
        panic!("a deliberate failure inside a PostgreSQL test");
    }))
    .await;
    assert!(outcome.is_err(), "the test's panic is resumed");
    let schema = seen.lock().unwrap().clone().unwrap();
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1",
    )
    .bind(&schema)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    admin.close().await.unwrap();
    assert_eq!(left, 0, "schema {schema} was dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_but_unreachable_postgres_server_fails_the_test() {
    let ran = AtomicBool::new(false);
    // Port 1 on loopback: nothing listens there.
    let outcome = catch(on_postgres_at(
        "postgres://postgres@127.0.0.1:1/test",
        async |_: &District| ran.store(true, Ordering::Relaxed),
    ))
    .await;
    assert!(
        outcome.is_err(),
        "an unusable server is a failure, not a skip"
    );
    assert!(!ran.load(Ordering::Relaxed));
}
