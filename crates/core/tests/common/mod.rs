//! Shared harness: a district with two bodies, users for every role, and a data filler +
//! procedure walker driven by the rule set itself (so every record type and field of
//! `rules/xc-2024.toml` is exercised without hand-written fixtures).
//!
//! The district runs on any store (issues 7 and 8: the workflow tests run "on both stores"):
//! [`district()`] builds it on a `MemoryStore`; [`on`] runs a test on a fresh store of a given
//! [`Backend`] — SQLite in a temporary folder, or PostgreSQL in a fresh schema `t_<pid>_<nanos>_<n>`
//! when `LIUHEN_TEST_PG_URL` is set (failing, never skipping, if that server is unusable) — and
//! cleans up afterwards even when the test panics; [`on_every_store!`] expands a list of test
//! functions into one `#[tokio::test]` per backend (`memory::name`, `sqlite::name`,
//! `postgres::name`), following `crates/store/tests/store_backends.rs`.
#![allow(dead_code, unused_macros, unused_imports)]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use liuhen_calendar::Calendar;
use liuhen_core::case::CaseView;
use liuhen_core::error::CoreError;
use liuhen_core::ids::{
    BodyId, CaseId, LogIndex, OfficerId, PowerItemId, StreamId, StreamSeq, UnitId, UserId,
};
use liuhen_core::memory::MemoryStore;
use liuhen_core::ports::{
    AppendBatch, AuditEntry, AuditQuery, Clock, DeadlineQuery, DeadlineRow, Digest32, LogState,
    Projection, ProjectionKind, ProjectionQuery, Receipt, Session, Store, StoreError, StoredRecord,
    StreamHead,
};
use liuhen_core::registry::{
    BodyKind, BodyProfile, Credential, CredentialStatus, OfficerProfile, PowerItem, RoleGrant,
    Unit, UserProfile,
};
use liuhen_core::role::Role;
use liuhen_core::rules::RuleBook;
use liuhen_core::rules::schema::{FieldSpec, FieldType, GateCheck, ProcedureSpec, RecordTypeSpec};
use liuhen_core::service::{Ctx, OpenCase, RecordInput, Services};
use liuhen_ledger::hash::HashProfile;
use liuhen_store::sql_store::{PostgresConfig, SqlStore, SqliteConfig};
use serde_json::{Map, Value, json};
use sqlx::Connection;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const BODY_A: &str = "xc-scjgj";
pub const BODY_B: &str = "xc-zhzf";
pub const DOMAIN: &str = "市场监管";

/// The variable naming the PostgreSQL server for tests (as in liuhen-store's tests).
pub const PG_URL_VAR: &str = "LIUHEN_TEST_PG_URL";

/// A clock tests can move.
pub struct TestClock(pub Mutex<OffsetDateTime>);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

/// The store a district runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `liuhen_core::memory::MemoryStore`, the reference behaviour.
    Memory,
    /// `SqlStore` on an SQLite file in a temporary folder.
    Sqlite,
    /// `SqlStore` on PostgreSQL (`LIUHEN_TEST_PG_URL`), in a fresh schema.
    Postgres,
}

/// The district's store on any backend. It implements `Store` by handing every call to the
/// backend, so tests use it as they used `Arc<MemoryStore>` (`district.store.read_audit(..)`
/// with `Store` in scope, `district.store.clone()` as an `Arc<dyn Store>`); on
/// [`Backend::Memory`] it also keeps the `MemoryStore` itself for the few tests that need its
/// test-only methods (tampering with a stored record has no counterpart in the `Store` trait,
/// on purpose: R4-a).
pub struct TestStore {
    inner: Arc<dyn Store>,
    memory: Option<Arc<MemoryStore>>,
    backend: Backend,
    /// The PostgreSQL schema, dropped after the test.
    schema: Option<String>,
}

#[async_trait::async_trait]
impl Store for TestStore {
    async fn append(&self, batch: AppendBatch) -> Result<Vec<Receipt>, StoreError> {
        self.inner.append(batch).await
    }
    async fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        self.inner.stream_head(stream).await
    }
    async fn read_stream(&self, stream: &StreamId) -> Result<Vec<StoredRecord>, StoreError> {
        self.inner.read_stream(stream).await
    }
    async fn read_log(&self, from: LogIndex, limit: u32) -> Result<Vec<StoredRecord>, StoreError> {
        self.inner.read_log(from, limit).await
    }
    async fn projection(
        &self,
        kind: ProjectionKind,
        id: &str,
    ) -> Result<Option<Projection>, StoreError> {
        self.inner.projection(kind, id).await
    }
    async fn list_projections(
        &self,
        query: &ProjectionQuery,
    ) -> Result<Vec<Projection>, StoreError> {
        self.inner.list_projections(query).await
    }
    async fn deadlines(&self, query: &DeadlineQuery) -> Result<Vec<DeadlineRow>, StoreError> {
        self.inner.deadlines(query).await
    }
    async fn replace_all_projections(
        &self,
        projections: Vec<Projection>,
        deadlines: Vec<DeadlineRow>,
    ) -> Result<(), StoreError> {
        self.inner
            .replace_all_projections(projections, deadlines)
            .await
    }
    async fn log_state(&self) -> Result<LogState, StoreError> {
        self.inner.log_state().await
    }
    async fn prove_inclusion(
        &self,
        index: LogIndex,
        size: u64,
    ) -> Result<Vec<Digest32>, StoreError> {
        self.inner.prove_inclusion(index, size).await
    }
    async fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Digest32>, StoreError> {
        self.inner.prove_consistency(old, new).await
    }
    async fn audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        self.inner.audit(entry).await
    }
    async fn read_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.read_audit(query).await
    }
    async fn password_hash(&self, username: &str) -> Result<Option<(UserId, String)>, StoreError> {
        self.inner.password_hash(username).await
    }
    async fn set_password_hash(
        &self,
        user: &UserId,
        username: &str,
        phc: &str,
    ) -> Result<(), StoreError> {
        self.inner.set_password_hash(user, username, phc).await
    }
    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        self.inner.create_session(session).await
    }
    async fn session(&self, token_hash: &Digest32) -> Result<Option<Session>, StoreError> {
        self.inner.session(token_hash).await
    }
    async fn delete_session(&self, token_hash: &Digest32) -> Result<(), StoreError> {
        self.inner.delete_session(token_hash).await
    }
    async fn touch_session(
        &self,
        token_hash: &Digest32,
        now_ms: i64,
        idle_ms: i64,
    ) -> Result<bool, StoreError> {
        self.inner.touch_session(token_hash, now_ms, idle_ms).await
    }
}

/// Every projection kind, for snapshots through `Store::list_projections`.
const PROJECTION_KINDS: [ProjectionKind; 8] = [
    ProjectionKind::Case,
    ProjectionKind::Body,
    ProjectionKind::Officer,
    ProjectionKind::PowerItem,
    ProjectionKind::User,
    ProjectionKind::Disclosure,
    ProjectionKind::DisclosureRequest,
    ProjectionKind::DisclosureSettings,
];

/// Position of `kind` in [`PROJECTION_KINDS`]. The match has no wildcard so that a new kind
/// fails to compile here until it is added to the list (a snapshot must not silently miss it).
const fn projection_kind_index(kind: ProjectionKind) -> usize {
    match kind {
        ProjectionKind::Case => 0,
        ProjectionKind::Body => 1,
        ProjectionKind::Officer => 2,
        ProjectionKind::PowerItem => 3,
        ProjectionKind::User => 4,
        ProjectionKind::Disclosure => 5,
        ProjectionKind::DisclosureRequest => 6,
        ProjectionKind::DisclosureSettings => 7,
    }
}

impl TestStore {
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The PostgreSQL schema the store lives in (None on other backends).
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The `MemoryStore`, or None on a SQL backend.
    pub fn memory(&self) -> Option<&MemoryStore> {
        self.memory.as_deref()
    }

    fn memory_only(&self, what: &str) -> &MemoryStore {
        self.memory().unwrap_or_else(|| {
            panic!("{what} is MemoryStore-only; use `district.store.snapshot()` on SQL backends")
        })
    }

    /// All projection rows. MemoryStore only (panics on a SQL backend): kept for the
    /// Memory-only tests; [`TestStore::snapshot`] works on every backend.
    pub fn all_projections(&self) -> Vec<Projection> {
        self.memory_only("all_projections").all_projections()
    }

    /// All deadline rows. MemoryStore only (panics on a SQL backend), see `all_projections`.
    pub fn all_deadlines(&self) -> Vec<DeadlineRow> {
        self.memory_only("all_deadlines").all_deadlines()
    }

    /// Flips one byte of a stored record. MemoryStore only (panics on a SQL backend): the
    /// `Store` trait has no way to change a stored record, which is the point of R4-a.
    pub fn tamper_record(&self, index: LogIndex, byte: usize) -> bool {
        self.memory_only("tamper_record").tamper_record(index, byte)
    }

    /// Every projection row (sorted by kind and id) and every deadline row (sorted by stream and
    /// key), read through the `Store` trait so that it works on every backend: the state a
    /// rebuild must reproduce exactly.
    pub async fn snapshot(&self) -> (Vec<Projection>, Vec<DeadlineRow>) {
        const PAGE: u32 = 1_000;
        let mut projections = Vec::new();
        for kind in PROJECTION_KINDS {
            debug_assert_eq!(PROJECTION_KINDS[projection_kind_index(kind)], kind);
            let mut offset = 0;
            loop {
                let page = self
                    .inner
                    .list_projections(&ProjectionQuery {
                        kind: Some(kind),
                        bodies: None,
                        status: None,
                        limit: PAGE,
                        offset,
                    })
                    .await
                    .unwrap();
                let full = page.len() as u32 == PAGE;
                projections.extend(page);
                if !full {
                    break;
                }
                offset += PAGE;
            }
        }
        projections.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        let mut deadlines = self
            .inner
            .deadlines(&DeadlineQuery::default())
            .await
            .unwrap();
        deadlines.sort_by(|a, b| (a.stream.as_str(), &a.key).cmp(&(b.stream.as_str(), &b.key)));
        (projections, deadlines)
    }
}

pub struct District {
    pub services: Services,
    pub store: Arc<TestStore>,
    pub clock: Arc<TestClock>,
    pub admin: Ctx,
}

pub fn rules() -> Arc<RuleBook> {
    let (book, _warnings) = RuleBook::builtin(&[]).expect("district rule set loads");
    Arc::new(book)
}

fn body_id(id: &str) -> BodyId {
    BodyId::new(id).unwrap()
}

/// The district on a fresh `MemoryStore`.
pub async fn district() -> District {
    let memory = Arc::new(MemoryStore::new(HashProfile::Sm3));
    let store = TestStore {
        inner: memory.clone(),
        memory: Some(memory),
        backend: Backend::Memory,
        schema: None,
    };
    district_with(Arc::new(store)).await
}

/// The district (registry, users, roles, one qualified reviewer) built through `Services` on
/// `store`.
async fn district_with(store: Arc<TestStore>) -> District {
    let clock = Arc::new(TestClock(Mutex::new(datetime!(2024-12-20 09:00 +8))));
    let services = Services::new(
        Arc::clone(&store.inner),
        clock.clone(),
        rules(),
        Arc::new(Calendar::embedded().unwrap()),
        HashProfile::Sm3,
    );
    let admin_id = UserId::new("admin").unwrap();
    services
        .bootstrap_admin(
            &admin_id,
            UserProfile {
                username: "admin".into(),
                name: "管理员".into(),
                officer: None,
            },
        )
        .await
        .unwrap();
    let admin = services.context_for(&admin_id, None).await.unwrap();
    for (id, name, short, uscc) in [
        (
            BODY_A,
            "薛城区市场监督管理局",
            "薛市监",
            "91350100M000100Y43",
        ),
        (
            BODY_B,
            "薛城区综合行政执法局",
            "薛综执",
            "91110000802100433B",
        ),
    ] {
        let profile = BodyProfile {
            name: name.into(),
            short_name: short.into(),
            kind: BodyKind::Agency,
            uscc: uscc.into(),
            parent: None,
            entrustment: None,
            duties: "执法".into(),
            address: "薛城区".into(),
        };
        services
            .register_body(&admin, &body_id(id), profile)
            .await
            .unwrap();
        for (unit, legal) in [("handling", false), ("legal", true)] {
            let unit = Unit {
                id: UnitId::new(unit).unwrap(),
                name: format!("{unit}科"),
                duties: String::new(),
                address: String::new(),
                legal_review: legal,
            };
            services
                .register_unit(&admin, &body_id(id), unit)
                .await
                .unwrap();
        }
        let item = PowerItem {
            name: "对违法行为的行政处罚".into(),
            action: "penalty".into(),
            basis: vec!["《中华人民共和国行政处罚法》第八条".into()],
            unit: Some(UnitId::new("handling").unwrap()),
            procedure: "立案、调查、决定、送达、执行".into(),
            time_limit: "立案之日起九十日".into(),
            remedies: "行政复议、行政诉讼".into(),
            domain: DOMAIN.into(),
            service: Default::default(),
        };
        services
            .register_power_item(
                &admin,
                &PowerItemId::new(format!("{id}-p1")).unwrap(),
                &body_id(id),
                item,
            )
            .await
            .unwrap();
    }
    let users: &[(&str, Role, Option<&str>, Option<&str>)] = &[
        ("off1", Role::Officer, Some(BODY_A), Some("o1")),
        ("off2", Role::Officer, Some(BODY_A), Some("o2")),
        ("uhead", Role::UnitHead, Some(BODY_A), None),
        ("ahead", Role::AgencyHead, Some(BODY_A), None),
        ("rev", Role::Reviewer, Some(BODY_A), None),
        ("arch", Role::Archivist, Some(BODY_A), None),
        ("offb", Role::Officer, Some(BODY_B), Some("ob")),
        ("sup", Role::Supervisor, None, None),
    ];
    for (user, role, body, officer) in users {
        if let (Some(officer), Some(body)) = (officer, body) {
            let officer_id = OfficerId::new(*officer).unwrap();
            services
                .register_officer(
                    &admin,
                    &officer_id,
                    &body_id(body),
                    OfficerProfile {
                        name: format!("执法员{officer}"),
                        unit: None,
                        user: Some(UserId::new(*user).unwrap()),
                    },
                )
                .await
                .unwrap();
            let credential = Credential {
                number: format!("37040{officer}"),
                domains: vec![DOMAIN.into()],
                valid_from: time::macros::date!(2024 - 01 - 01),
                valid_to: time::macros::date!(2026 - 12 - 31),
                status: CredentialStatus::Active,
            };
            services
                .issue_credential(&admin, &officer_id, credential)
                .await
                .unwrap();
        }
        let user_id = UserId::new(*user).unwrap();
        let profile = UserProfile {
            username: user.to_string(),
            name: user.to_string(),
            officer: officer.map(|o| OfficerId::new(o).unwrap()),
        };
        services
            .register_user(&admin, &user_id, profile)
            .await
            .unwrap();
        services
            .grant_role(
                &admin,
                &user_id,
                RoleGrant {
                    role: *role,
                    body: body.map(body_id),
                },
            )
            .await
            .unwrap();
    }
    // L3-c (issue 7): the reviewer of body A holds the 法律职业资格 (exam), so penalty reviews
    // may be assigned to them.
    services
        .record_reviewer_qualification(
            &admin,
            &UserId::new("rev").unwrap(),
            liuhen_core::review::ReviewerQualification {
                has_qualification: true,
                certificate_no: Some("A20193704000001".into()),
                obtained_on: Some(time::macros::date!(2019 - 03 - 01)),
                obtained_by: Some(liuhen_core::review::QUALIFYING_EXAM.into()),
                first_penalty_review_on: None,
                evidence: "法律职业资格证书".into(),
            },
        )
        .await
        .unwrap();
    District {
        services,
        store,
        clock,
        admin,
    }
}

/// A fresh store of one backend and what must be cleaned up after it.
struct Fixture {
    store: Arc<TestStore>,
    sql: Option<SqlStore>,
    /// SQLite: the folder holding the database file, deleted on drop.
    _dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the server URL and the schema to drop.
    pg_schema: Option<(String, String)>,
}

/// A schema name unique across processes and runs (`t_<pid>_<nanos>_<n>`, as in liuhen-store's
/// tests): 1–63 characters of `[a-z0-9_]`, as `PostgresConfig::schema` requires.
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

impl Fixture {
    /// Opens a fresh store, or None when `backend` is PostgreSQL and `LIUHEN_TEST_PG_URL` is
    /// not set. Panics (fails the test, never skips it) when the variable is set but the server
    /// is unusable.
    async fn open(backend: Backend) -> Option<Fixture> {
        match backend {
            Backend::Memory => {
                let memory = Arc::new(MemoryStore::new(HashProfile::Sm3));
                Some(Fixture {
                    store: Arc::new(TestStore {
                        inner: memory.clone(),
                        memory: Some(memory),
                        backend,
                        schema: None,
                    }),
                    sql: None,
                    _dir: None,
                    pg_schema: None,
                })
            }
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let config = SqliteConfig::new(dir.path().join("liuhen.db"));
                let sql = SqlStore::open_sqlite_with(&config).await.unwrap();
                Some(Fixture {
                    store: Arc::new(TestStore {
                        inner: Arc::new(sql.clone()),
                        memory: None,
                        backend,
                        schema: None,
                    }),
                    sql: Some(sql),
                    _dir: Some(dir),
                    pg_schema: None,
                })
            }
            Backend::Postgres => {
                let Ok(url) = std::env::var(PG_URL_VAR) else {
                    eprintln!("{PG_URL_VAR} is not set: PostgreSQL workflow tests not run");
                    return None;
                };
                Some(Fixture::postgres(&url).await)
            }
        }
    }

    /// A fresh schema on the PostgreSQL server at `url`. Panics when the server is unusable.
    async fn postgres(url: &str) -> Fixture {
        let schema = fresh_schema();
        let config = PostgresConfig {
            schema: Some(schema.clone()),
            max_connections: 8,
            acquire_timeout: std::time::Duration::from_secs(10),
            ..PostgresConfig::new(url)
        };
        let sql = SqlStore::connect_postgres_with(&config)
            .await
            .unwrap_or_else(|error| {
                panic!("{PG_URL_VAR}={url} is set but PostgreSQL is unusable: {error}")
            });
        Fixture {
            store: Arc::new(TestStore {
                inner: Arc::new(sql.clone()),
                memory: None,
                backend: Backend::Postgres,
                schema: Some(schema.clone()),
            }),
            sql: Some(sql),
            _dir: None,
            pg_schema: Some((url.to_owned(), schema)),
        }
    }

    /// Closes the store and drops the PostgreSQL schema (the SQLite folder goes with `self`).
    async fn finish(self) {
        if let Some(sql) = &self.sql {
            sql.close().await;
        }
        if let Some((url, schema)) = &self.pg_schema {
            let mut admin = sqlx::PgConnection::connect(url).await.unwrap();
            // The name was made by `fresh_schema` ([a-z0-9_] only), so quoting it is enough.
            let drop = sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE"));
            sqlx::query(drop).execute(&mut admin).await.unwrap();
            admin.close().await.unwrap();
        }
    }
}

/// Polls a future, turning a panic into `Err` so that the runner can clean up before it
/// resumes the panic. (`tokio::spawn` would catch it too, but the walker's boxed futures are
/// not `Send`, and the test should not have to be.)
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.get_mut().0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Awaits `future`, returning its panic as `Err` instead of unwinding.
pub async fn catch<F: Future>(future: F) -> std::thread::Result<F::Output> {
    CatchUnwind(Box::pin(future)).await
}

/// Runs `test` on a district built on a fresh store of `backend`, then closes the store and
/// drops its PostgreSQL schema — also when building the district or the test panicked (the
/// panic is resumed afterwards). On PostgreSQL without `LIUHEN_TEST_PG_URL` nothing runs.
pub async fn on(backend: Backend, test: impl AsyncFnOnce(&District)) {
    let Some(fixture) = Fixture::open(backend).await else {
        return;
    };
    run(fixture, test).await;
}

/// As [`on`] with PostgreSQL, on the server at `url` whatever `LIUHEN_TEST_PG_URL` says (for
/// testing the harness itself). Panics when the server is unusable.
pub async fn on_postgres_at(url: &str, test: impl AsyncFnOnce(&District)) {
    run(Fixture::postgres(url).await, test).await;
}

async fn run(fixture: Fixture, test: impl AsyncFnOnce(&District)) {
    let store = Arc::clone(&fixture.store);
    let outcome = catch(async move {
        let district = district_with(store).await;
        test(&district).await;
    })
    .await;
    fixture.finish().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// One `#[tokio::test]` per listed `async fn name(d: &District)` and backend: `memory::name`,
/// `sqlite::name` and `postgres::name` (filter with e.g. `cargo test -p liuhen-core --test
/// review_workflow postgres::`). The multi-thread runtime matches the server, where the SQL
/// store's group-commit writer runs beside the request tasks.
macro_rules! on_every_store {
    ($($test:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    $crate::common::on($crate::common::Backend::Memory, super::$test).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    $crate::common::on($crate::common::Backend::Sqlite, super::$test).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    $crate::common::on($crate::common::Backend::Postgres, super::$test).await;
                }
            )*
        }
    };
}
pub(crate) use on_every_store;

impl District {
    pub async fn ctx(&self, user: &str) -> Ctx {
        self.services
            .context_for(&UserId::new(user).unwrap(), Some("127.0.0.1".into()))
            .await
            .unwrap()
    }

    /// The user that acts for a record type in body A.
    pub async fn actor_for(&self, spec: &RecordTypeSpec) -> Ctx {
        for (role, user) in [
            ("OFFICER", "off1"),
            ("UNIT_HEAD", "uhead"),
            ("AGENCY_HEAD", "ahead"),
            ("REVIEWER", "rev"),
            ("ARCHIVIST", "arch"),
        ] {
            if spec.roles.iter().any(|r| r == role) {
                return self.ctx(user).await;
            }
        }
        panic!("no test user for roles {:?}", spec.roles)
    }
}

/// A valid value for a field (the first enum value unless `prefer` names one).
pub fn sample(field: &FieldSpec, at: OffsetDateTime, prefer: Option<&str>) -> Option<Value> {
    let date = at.date().to_string();
    Some(match field.field_type {
        FieldType::Text => json!(format!("{}（测试）", field.label)),
        FieldType::LongText => json!(format!("{}：详细内容（测试）", field.label)),
        FieldType::Integer => json!(1),
        FieldType::AmountFen => json!(500_000),
        FieldType::Bool => json!(false),
        FieldType::Date => json!(date),
        FieldType::DateTime => json!(
            at.format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        ),
        FieldType::Enum => json!(prefer.unwrap_or(field.values[0].as_str())),
        FieldType::Party => {
            json!({"kind": "natural_person", "name": "张三", "id_type": "居民身份证", "id_number": "370402199001011234", "address": "薛城区", "phone": "13800000000"})
        }
        FieldType::Person => json!({"name": "李四"}),
        FieldType::Officer => json!("o1"),
        FieldType::Officers => json!(["o1", "o2"]),
        FieldType::RecordRef | FieldType::RecordRefs | FieldType::DocNumber => return None,
        FieldType::List => {
            let item: Map<String, Value> = field
                .item_fields
                .iter()
                .filter_map(|f| sample(f, at, None).map(|v| (f.name.clone(), v)))
                .collect();
            json!([item])
        }
        FieldType::Object => {
            let item: Map<String, Value> = field
                .item_fields
                .iter()
                .filter_map(|f| sample(f, at, None).map(|v| (f.name.clone(), v)))
                .collect();
            Value::Object(item)
        }
    })
}

/// Walks procedures by the rule set: records every mandatory record type of every stage,
/// satisfying gates and references on the way.
pub struct Walker<'a> {
    pub district: &'a District,
    pub procedure: ProcedureSpec,
    pub case_id: Option<CaseId>,
    pub time: OffsetDateTime,
    pub log: Vec<String>,
    /// Before each add, try it once without each required field and expect a refusal naming it.
    pub probe_required: bool,
    /// Number of required-field probes that were refused as expected.
    pub probes: usize,
    /// Do not record covering A/V before `needs_av` acts (to test R5-a).
    pub skip_av: bool,
}

pub fn set(district: &District) -> &liuhen_core::rules::RuleSet {
    district
        .services
        .rules()
        .sets()
        .first()
        .map(AsRef::as_ref)
        .unwrap()
}

impl<'a> Walker<'a> {
    pub fn new(district: &'a District, procedure: &str) -> Self {
        let procedure = set(district).procedure(procedure).unwrap().clone();
        Walker {
            district,
            procedure,
            case_id: None,
            time: datetime!(2024-10-08 09:00 +8),
            log: Vec::new(),
            probe_required: false,
            probes: 0,
            skip_av: false,
        }
    }

    pub fn spec(&self, id: &str) -> RecordTypeSpec {
        set(self.district)
            .record_type(id)
            .unwrap_or_else(|| panic!("no record type {id}"))
            .clone()
    }

    pub async fn view(&self) -> CaseView {
        let ctx = self.district.ctx("ahead").await;
        self.district
            .services
            .case(&ctx, self.case_id.as_ref().unwrap())
            .await
            .unwrap()
    }

    fn tick(&mut self) -> OffsetDateTime {
        self.time += Duration::hours(1);
        self.time
    }

    /// The data a record of `spec` gets, given the case so far.
    pub fn fill(
        &self,
        spec: &RecordTypeSpec,
        view: Option<&CaseView>,
        at: OffsetDateTime,
    ) -> Map<String, Value> {
        let mut data = Map::new();
        for field in &spec.fields {
            if field.when.is_some() {
                continue; // filled below once the fields it depends on are known
            }
            let effects = &spec.effects;
            let prefer = [&effects.initiates_when, &effects.execution_concluded_when]
                .into_iter()
                .flatten()
                .find(|c| c.field == field.name)
                .map(|c| c.values[0].as_str());
            match field.field_type {
                FieldType::RecordRef | FieldType::RecordRefs => {
                    let Some(view) = view else { continue };
                    let target = view
                        .records
                        .iter()
                        .filter(|r| r.is_effective())
                        .filter(|r| {
                            if field.ref_types.is_empty() {
                                !r.record_type.starts_with("sys_")
                            } else {
                                field.ref_types.contains(&r.record_type)
                            }
                        })
                        .filter(|r| field.name != "av_records" || r.av)
                        .map(|r| r.seq.0)
                        .next_back();
                    if let Some(seq) = target {
                        let value = if field.field_type == FieldType::RecordRef {
                            json!(seq)
                        } else {
                            json!([seq])
                        };
                        data.insert(field.name.clone(), value);
                    }
                }
                _ => {
                    if let Some(value) = sample(field, at, prefer) {
                        data.insert(field.name.clone(), value);
                    }
                }
            }
        }
        for field in spec.fields.iter().filter(|f| f.when.is_some()) {
            if !liuhen_core::rules::fields::is_required(field, &data) {
                continue;
            }
            if matches!(
                field.field_type,
                FieldType::RecordRef | FieldType::RecordRefs
            ) {
                let target = view.and_then(|view| {
                    view.records
                        .iter()
                        .filter(|r| r.is_effective() && field.ref_types.contains(&r.record_type))
                        .map(|r| r.seq.0)
                        .next_back()
                });
                if let Some(seq) = target {
                    let value = if field.field_type == FieldType::RecordRef {
                        json!(seq)
                    } else {
                        json!([seq])
                    };
                    data.insert(field.name.clone(), value);
                }
            } else if let Some(value) = sample(field, at, None) {
                data.insert(field.name.clone(), value);
            }
        }
        data
    }

    pub async fn open(&mut self, record_type: &str) -> Result<(), CoreError> {
        let spec = self.spec(record_type);
        let at = self.tick();
        let ctx = self.district.actor_for(&spec).await;
        let intake = RecordInput {
            record_type: record_type.into(),
            event_time: at,
            event_end: None,
            data: self.fill(&spec, None, at),
            files: vec![],
            supersedes: None,
        };
        let command = OpenCase {
            procedure: self.procedure.id.clone(),
            body: BodyId::new(BODY_A).unwrap(),
            power_item: Some(PowerItemId::new(format!("{BODY_A}-p1")).unwrap()),
            title: format!("{} 测试案件", self.procedure.name),
            intake,
        };
        let receipt = self.district.services.open_case(&ctx, command).await?;
        self.case_id = Some(receipt.case_id);
        self.log.push(record_type.to_owned());
        Ok(())
    }

    /// The input for a record of `record_type` now (prerequisites are the caller's business).
    pub async fn input(&mut self, record_type: &str) -> RecordInput {
        let spec = self.spec(record_type);
        let at = self.tick();
        let view = self.view().await;
        let end = (spec.needs_av || spec.kind == liuhen_core::rules::schema::RecordKindSpec::Av)
            .then(|| at + Duration::minutes(30));
        RecordInput {
            record_type: record_type.into(),
            event_time: at,
            event_end: end,
            data: self.fill(&spec, Some(&view), at),
            files: vec![],
            supersedes: None,
        }
    }

    pub async fn add(&mut self, record_type: &str) -> Result<Receipt, CoreError> {
        let spec = self.spec(record_type);
        let input = self.input(record_type).await;
        self.add_input(&spec, input).await
    }

    pub async fn add_input(
        &mut self,
        spec: &RecordTypeSpec,
        input: RecordInput,
    ) -> Result<Receipt, CoreError> {
        let ctx = self.district.actor_for(spec).await;
        if self.probe_required {
            for field in spec
                .fields
                .iter()
                .filter(|f| f.required && f.when.is_none())
            {
                if !input.data.contains_key(&field.name) {
                    continue;
                }
                let mut without = input.clone();
                without.data.remove(&field.name);
                let err = self
                    .district
                    .services
                    .add_record(&ctx, self.case_id.as_ref().unwrap(), without)
                    .await
                    .unwrap_err();
                let refusal = err.refusal().unwrap_or_else(|| {
                    panic!("{}.{}: expected a refusal, got {err}", spec.id, field.name)
                });
                assert!(
                    refusal.details.contains(&field.name),
                    "{}.{}: {refusal:?}",
                    spec.id,
                    field.name
                );
                assert!(
                    refusal.message.contains(&field.label),
                    "{}.{}: {}",
                    spec.id,
                    field.name,
                    refusal.message
                );
                let ids = if field.requires.is_empty() {
                    &spec.requires
                } else {
                    &field.requires
                };
                for id in ids {
                    assert!(
                        refusal.ids.iter().any(|r| r.as_str() == id),
                        "{}.{} must cite {id}: {refusal:?}",
                        spec.id,
                        field.name
                    );
                }
                self.probes += 1;
            }
        }
        let receipt = self
            .district
            .services
            .add_record(&ctx, self.case_id.as_ref().unwrap(), input)
            .await?;
        self.log.push(spec.id.clone());
        Ok(receipt)
    }

    fn setter_of(&self, flag: &str) -> Option<String> {
        let set = set(self.district);
        let allowed = |id: &String| {
            self.procedure.any_stage.contains(id)
                || self
                    .procedure
                    .stages
                    .iter()
                    .any(|s| s.record_types.contains(id))
        };
        set.record_types
            .values()
            .filter(|t| allowed(&t.id))
            .find(|t| t.effects.set_flags.iter().any(|f| f == flag))
            .map(|t| t.id.clone())
    }

    /// Records `record_type` after satisfying its gates and required references.
    pub fn ensure<'s>(
        &'s mut self,
        record_type: &'s str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), CoreError>> + 's>> {
        Box::pin(async move {
            let view = self.view().await;
            if view.has(record_type) {
                return Ok(());
            }
            self.prepare(record_type).await?;
            self.add(record_type).await.map(|_| ())
        })
    }

    /// Satisfies the gates and required references of `record_type` without recording it.
    pub fn prepare<'s>(
        &'s mut self,
        record_type: &'s str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), CoreError>> + 's>> {
        Box::pin(async move {
            let spec = self.spec(record_type);
            let planned = self.fill(&spec, None, self.time);
            for field in spec.fields.iter().filter(|f| {
                liuhen_core::rules::fields::is_required(f, &planned)
                    && matches!(f.field_type, FieldType::RecordRef | FieldType::RecordRefs)
            }) {
                let view = self.view().await;
                let present = view.records.iter().any(|r| {
                    r.is_effective()
                        && (field.ref_types.is_empty() || field.ref_types.contains(&r.record_type))
                });
                if !present
                    && field.name != "av_records"
                    && let Some(target) = field.ref_types.first()
                {
                    let target = target.clone();
                    self.ensure(&target).await?;
                }
            }
            if spec.needs_av && !self.skip_av {
                self.add_av_cover().await?;
            }
            let gates: Vec<_> = self
                .procedure
                .gates
                .iter()
                .filter(|g| g.before == record_type)
                .cloned()
                .collect();
            for gate in gates {
                let view = self.view().await;
                match &gate.check {
                    GateCheck::RecordsExist(ids) => {
                        for id in ids {
                            self.ensure(id).await?;
                        }
                    }
                    GateCheck::IfRecordThen {
                        if_record,
                        then_any,
                    } => {
                        if view.has(if_record) && !then_any.iter().any(|id| view.has(id)) {
                            let pick = then_any
                                .iter()
                                .find(|id| {
                                    view.review_required()
                                        && self
                                            .spec(id)
                                            .effects
                                            .set_flags
                                            .iter()
                                            .any(|f| f == "review_passed")
                                })
                                .unwrap_or(&then_any[0])
                                .clone();
                            self.ensure(&pick).await?;
                        }
                    }
                    GateCheck::IfFlagThen { flag, then_any } => {
                        if view.flags.contains(flag) && !then_any.iter().any(|id| view.has(id)) {
                            self.ensure(&then_any[0].clone()).await?;
                        }
                    }
                    GateCheck::FlagNotSet(_) => {}
                    GateCheck::Code(name) => {
                        let flag = match name.as_str() {
                            "legal_review" | "collective_after_review"
                                if view.review_required() =>
                            {
                                Some("review_passed")
                            }
                            "statement_period_passed" => Some("statement_closed"),
                            _ => None,
                        };
                        if let Some(flag) = flag
                            && !view.flags.contains(flag)
                        {
                            let setter = self
                                .setter_of(flag)
                                .unwrap_or_else(|| panic!("no record type sets {flag}"));
                            self.ensure(&setter).await?;
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// An A/V record covering the next act (the act starts one tick later, lasts 30 minutes).
    pub async fn add_av_cover(&mut self) -> Result<(), CoreError> {
        let spec = self.spec("av_record");
        let view = self.view().await;
        let start = self.time + Duration::hours(1) - Duration::minutes(1);
        let input = RecordInput {
            record_type: "av_record".into(),
            event_time: start,
            event_end: Some(start + Duration::hours(1) + Duration::minutes(32)),
            data: self.fill(&spec, Some(&view), start),
            files: vec![],
            supersedes: None,
        };
        self.add_input(&spec, input).await.map(|_| ())
    }

    /// The full legal path: every mandatory record of every stage, in order.
    pub async fn walk(&mut self) -> Result<(), CoreError> {
        let start = self.procedure.start[0].clone();
        self.open(&start).await?;
        for stage in self.procedure.stages.clone() {
            for mandatory in &stage.mandatory {
                self.ensure(mandatory).await.map_err(|err| {
                    eprintln!(
                        "walk {} stopped at {mandatory} after {:?}: {err}",
                        self.procedure.id, self.log
                    );
                    err
                })?;
            }
        }
        Ok(())
    }
}

pub fn seq(n: u64) -> StreamSeq {
    StreamSeq(n)
}
