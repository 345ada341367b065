//! The store test suite: behaviour every `liuhen_core::ports::Store` must show, written against
//! `&dyn Store` only, so that the SQLite store, the PostgreSQL store and core's `MemoryStore` can
//! all run it (issue 5 item 6: "the same store test suite runs against both").
//!
//! Fixtures assume an empty store and a log in the SM3 profile ([`PROFILE`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use liuhen_core::ids::{BodyId, CaseId, LogIndex, StreamId, StreamSeq, UserId};
use liuhen_core::ports::{
    AppendBatch, AuditEntry, AuditQuery, DeadlineQuery, DeadlineRow, Digest32, NewRecord,
    Projection, ProjectionKind, ProjectionQuery, Session, Store, StoreError,
};
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::verify;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

/// The log's hash profile in every fixture store.
pub const PROFILE: HashProfile = HashProfile::Sm3;

// ---------------------------------------------------------------------------------------------
// Fixtures

/// A stream by name (`case/c1`, `body/b1`, …).
pub fn stream(name: &str) -> StreamId {
    StreamId::parse(name).unwrap()
}

/// A body id.
pub fn body(id: &str) -> BodyId {
    BodyId::new(id).unwrap()
}

/// A record of `stream` at `seq`: its canonical bytes name stream, seq and a payload, so every
/// fixture record has a distinct hash.
pub fn record(stream_name: &str, seq: u64, payload: &str) -> NewRecord {
    let canonical =
        format!(r#"{{"payload":"{payload}","seq":{seq},"stream":"{stream_name}"}}"#).into_bytes();
    NewRecord {
        stream: stream(stream_name),
        seq: StreamSeq(seq),
        body: body("b1"),
        record_type: "r10_1_questioning_party".to_owned(),
        entry_time: datetime!(2024-05-06 10:00:00 +08:00),
        hash: *PROFILE.digest(&canonical).as_bytes(),
        canonical,
    }
}

/// A batch of records only.
pub fn records(records: Vec<NewRecord>) -> AppendBatch {
    AppendBatch {
        records,
        ..AppendBatch::default()
    }
}

/// A case projection.
pub fn case_projection(id: &str, body_id: Option<&str>, status: &str, last_seq: u64) -> Projection {
    Projection {
        kind: ProjectionKind::Case,
        id: id.to_owned(),
        body: body_id.map(body),
        status: status.to_owned(),
        last_seq: StreamSeq(last_seq),
        data: serde_json::json!({ "id": id, "status": status, "title": "某某公司无照经营案" }),
    }
}

/// A deadline row of `stream_name` (a case stream).
pub fn deadline(
    stream_name: &str,
    key: &str,
    body_id: &str,
    due: Date,
    met_on: Option<Date>,
) -> DeadlineRow {
    let stream_id = stream(stream_name);
    let case_id = (stream_id.kind() == "case").then(|| CaseId::new(stream_id.id()).unwrap());
    DeadlineRow {
        stream: stream_id,
        case_id,
        body: body(body_id),
        key: key.to_owned(),
        period: "penalty_decision_90d".to_owned(),
        due,
        provisional: key.ends_with("provisional"),
        met_on,
    }
}

fn ids(projections: &[Projection]) -> Vec<&str> {
    projections
        .iter()
        .map(|projection| projection.id.as_str())
        .collect()
}

fn query(
    bodies: Option<&[&str]>,
    status: Option<&str>,
    limit: u32,
    offset: u32,
) -> ProjectionQuery {
    ProjectionQuery {
        kind: Some(ProjectionKind::Case),
        bodies: bodies.map(|bodies| bodies.iter().map(|id| body(id)).collect()),
        status: status.map(str::to_owned),
        limit,
        offset,
    }
}

/// Asserts that `result` is a conflict on `stream_name` carrying `expected` with head `actual`.
fn check_conflict<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    stream_name: &str,
    expected: u64,
    actual: u64,
) {
    match result {
        Err(StoreError::Conflict {
            stream,
            expected: got_expected,
            actual: got_actual,
        }) => {
            assert_eq!(
                (stream.as_str(), got_expected, got_actual),
                (stream_name, expected, actual)
            );
        }
        other => panic!("expected a conflict on {stream_name}, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Records and the log

/// Records come back with the log indexes their receipts named, by stream and in log order.
pub async fn append_returns_receipts_and_records_read_back(store: &dyn Store) {
    let first = store
        .append(records(vec![
            record("case/c1", 1, "立案"),
            record("body/b1", 1, "register"),
        ]))
        .await
        .unwrap();
    let second = store
        .append(records(vec![record("case/c1", 2, "询问")]))
        .await
        .unwrap();
    let receipts: Vec<(u64, u64)> = first
        .iter()
        .chain(&second)
        .map(|r| (r.seq.0, r.log_index.0))
        .collect();
    assert_eq!(receipts, [(1, 0), (1, 1), (2, 2)]);
    assert_eq!(second[0].hash, record("case/c1", 2, "询问").hash);

    let case_records = store.read_stream(&stream("case/c1")).await.unwrap();
    let seen: Vec<(u64, u64)> = case_records
        .iter()
        .map(|r| (r.seq.0, r.log_index.0))
        .collect();
    assert_eq!(seen, [(1, 0), (2, 2)]);
    assert_eq!(
        case_records[1].canonical,
        record("case/c1", 2, "询问").canonical
    );
    assert_eq!(case_records[1].hash, record("case/c1", 2, "询问").hash);

    let head = store
        .stream_head(&stream("case/c1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((head.seq, head.hash), (StreamSeq(2), second[0].hash));
    assert_eq!(store.stream_head(&stream("case/none")).await.unwrap(), None);
    assert!(
        store
            .read_stream(&stream("case/none"))
            .await
            .unwrap()
            .is_empty()
    );

    let log: Vec<String> = store
        .read_log(LogIndex(0), 10)
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{}#{}@{}", r.stream, r.seq.0, r.log_index.0))
        .collect();
    assert_eq!(log, ["case/c1#1@0", "body/b1#1@1", "case/c1#2@2"]);
    let page = store.read_log(LogIndex(1), 1).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].log_index, LogIndex(1));
    assert!(store.read_log(LogIndex(3), 10).await.unwrap().is_empty());
    assert!(
        store
            .read_log(LogIndex(u64::MAX), 10)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(store.log_state().await.unwrap().size, 3);
}

/// A batch with one bad record leaves no trace: no record, no log leaf, no projection, no
/// deadline (ports.rs `Store::append`: "nothing is written").
pub async fn seq_conflict_writes_nothing(store: &dyn Store) {
    store
        .append(records(vec![record("case/c1", 1, "立案")]))
        .await
        .unwrap();
    let before = store.log_state().await.unwrap();

    let mut bad = records(vec![
        record("case/c2", 1, "立案"),
        record("case/c1", 3, "跳号"),
    ]);
    bad.projections
        .push(case_projection("c2", Some("b1"), "filed", 1));
    bad.deadlines.push((
        stream("case/c2"),
        vec![deadline(
            "case/c2",
            "decision",
            "b1",
            date!(2024 - 08 - 04),
            None,
        )],
    ));
    check_conflict(store.append(bad).await, "case/c1", 3, 1);

    check_conflict(
        store
            .append(records(vec![record("case/c1", 1, "重号")]))
            .await,
        "case/c1",
        1,
        1,
    );
    check_conflict(
        store
            .append(records(vec![record("case/c3", 2, "新流跳号")]))
            .await,
        "case/c3",
        2,
        0,
    );
    // Within one batch, records of one stream must follow each other.
    check_conflict(
        store
            .append(records(vec![
                record("case/c4", 1, "a"),
                record("case/c4", 1, "b"),
            ]))
            .await,
        "case/c4",
        1,
        1,
    );

    assert_eq!(store.log_state().await.unwrap(), before);
    assert_eq!(store.read_log(LogIndex(0), 100).await.unwrap().len(), 1);
    for name in ["case/c2", "case/c3", "case/c4"] {
        assert_eq!(
            store.stream_head(&stream(name)).await.unwrap(),
            None,
            "{name}"
        );
    }
    assert_eq!(
        store.projection(ProjectionKind::Case, "c2").await.unwrap(),
        None
    );
    assert!(
        store
            .deadlines(&DeadlineQuery::default())
            .await
            .unwrap()
            .is_empty()
    );

    // The store is still usable and the next leaf takes the next index.
    let receipts = store
        .append(records(vec![
            record("case/c1", 2, "询问"),
            record("case/c1", 3, "勘验"),
        ]))
        .await
        .unwrap();
    assert_eq!(
        receipts.iter().map(|r| r.log_index.0).collect::<Vec<_>>(),
        [1, 2]
    );
}

/// Inclusion proofs from the store verify with the ledger's verifier against the store's root,
/// consistency proofs link every earlier size to the current one, and a tampered leaf fails.
pub async fn inclusion_and_consistency_proofs_verify(store: &dyn Store) {
    let mut all = Vec::new();
    let mut roots = Vec::new();
    for batch_no in 0..7u64 {
        let batch: Vec<NewRecord> = (1..=batch_no % 3 + 1)
            .map(|i| record(&format!("case/p{batch_no}"), i, "x"))
            .collect();
        all.extend(batch.iter().map(|r| r.hash));
        store.append(records(batch)).await.unwrap();
        roots.push(store.log_state().await.unwrap());
    }
    let state = store.log_state().await.unwrap();
    assert_eq!(state.size, all.len() as u64);
    let root = Hash::from_bytes(state.root);
    for (index, record_hash) in all.iter().enumerate() {
        let index = index as u64;
        let leaf_hash = PROFILE.leaf_hash(record_hash);
        let proof = store
            .prove_inclusion(LogIndex(index), state.size)
            .await
            .unwrap();
        let proof: Vec<Hash> = proof.into_iter().map(Hash::from_bytes).collect();
        verify::verify_inclusion(PROFILE, &leaf_hash, index, state.size, &proof, &root).unwrap();
        let tampered = PROFILE.leaf_hash(&[0u8; 32]);
        assert!(
            verify::verify_inclusion(PROFILE, &tampered, index, state.size, &proof, &root).is_err()
        );
    }
    for old in &roots {
        let proof = store.prove_consistency(old.size, state.size).await.unwrap();
        let proof: Vec<Hash> = proof.into_iter().map(Hash::from_bytes).collect();
        verify::verify_consistency(
            PROFILE,
            old.size,
            state.size,
            &proof,
            &Hash::from_bytes(old.root),
            &root,
        )
        .unwrap();
    }
    // A leaf beyond the tree is refused, not answered with garbage.
    assert!(
        store
            .prove_inclusion(LogIndex(state.size), state.size)
            .await
            .is_err()
    );
    assert!(
        store
            .prove_inclusion(LogIndex(0), state.size + 1)
            .await
            .is_err()
    );
}

/// 32 tasks appending to one stream, each re-reading the head and retrying on conflict, leave a
/// gap-free sequence 1..=32 whose log indexes are distinct and whose log verifies.
pub async fn concurrent_appends_to_one_stream_are_gap_free(store: Arc<dyn Store>) {
    const TASKS: u64 = 32;
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            for _attempt in 0..1_000 {
                let head = store
                    .stream_head(&stream("case/busy"))
                    .await
                    .unwrap()
                    .map_or(0, |h| h.seq.0);
                match store
                    .append(records(vec![record(
                        "case/busy",
                        head + 1,
                        &format!("task {task}"),
                    )]))
                    .await
                {
                    Ok(receipts) => return receipts[0],
                    Err(StoreError::Conflict { .. }) => tokio::task::yield_now().await,
                    Err(other) => panic!("task {task}: {other}"),
                }
            }
            panic!("task {task} never got through");
        });
    }
    let mut receipts = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        receipts.push(joined.unwrap());
    }
    let seqs: BTreeSet<u64> = receipts.iter().map(|r| r.seq.0).collect();
    assert_eq!(seqs, (1..=TASKS).collect());
    let indexes: BTreeSet<u64> = receipts.iter().map(|r| r.log_index.0).collect();
    assert_eq!(indexes, (0..TASKS).collect());
    let stored = store.read_stream(&stream("case/busy")).await.unwrap();
    assert_eq!(
        stored.iter().map(|r| r.seq.0).collect::<Vec<_>>(),
        (1..=TASKS).collect::<Vec<_>>()
    );
    let state = store.log_state().await.unwrap();
    assert_eq!(state.size, TASKS);
    for stored_record in &stored {
        let proof = store
            .prove_inclusion(stored_record.log_index, state.size)
            .await
            .unwrap();
        let proof: Vec<Hash> = proof.into_iter().map(Hash::from_bytes).collect();
        verify::verify_inclusion(
            PROFILE,
            &PROFILE.leaf_hash(&stored_record.hash),
            stored_record.log_index.0,
            state.size,
            &proof,
            &Hash::from_bytes(state.root),
        )
        .unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Projections and deadlines

/// Projections are upserted by (kind, id) with their record, and listed by body, status and
/// page, ordered by id.
pub async fn projections_upsert_and_query(store: &dyn Store) {
    let mut batch = records(vec![record("case/c1", 1, "立案")]);
    batch.projections = vec![
        case_projection("c1", Some("b1"), "filed", 1),
        case_projection("c2", Some("b2"), "filed", 1),
        case_projection("c3", Some("b1"), "decided", 4),
        case_projection("c-4", None, "filed", 1),
        case_projection("c.5", Some("b1"), "filed", 2),
    ];
    batch.projections.push(Projection {
        kind: ProjectionKind::Body,
        id: "b1".to_owned(),
        body: Some(body("b1")),
        status: String::new(),
        last_seq: StreamSeq(1),
        data: serde_json::json!({ "name": "薛城区市场监督管理局", "counters": { "2024": 7 } }),
    });
    store.append(batch).await.unwrap();
    let mut update = records(vec![record("case/c1", 2, "决定")]);
    update.projections = vec![case_projection("c1", Some("b1"), "decided", 2)];
    store.append(update).await.unwrap();

    let c1 = store
        .projection(ProjectionKind::Case, "c1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c1, case_projection("c1", Some("b1"), "decided", 2));
    assert_eq!(
        store.projection(ProjectionKind::Body, "c1").await.unwrap(),
        None
    );
    let body_row = store
        .projection(ProjectionKind::Body, "b1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(body_row.data["counters"]["2024"], 7);

    let check = |q: ProjectionQuery, expect: &'static [&'static str]| async move {
        let rows = store.list_projections(&q).await.unwrap();
        assert_eq!(ids(&rows), expect, "{q:?}");
    };
    // Byte order: '-' (0x2D) < '.' (0x2E) < '1'.
    check(query(None, None, 100, 0), &["c-4", "c.5", "c1", "c2", "c3"]).await;
    check(query(Some(&["b1"]), None, 100, 0), &["c.5", "c1", "c3"]).await;
    check(
        query(Some(&["b1", "b2"]), Some("filed"), 100, 0),
        &["c.5", "c2"],
    )
    .await;
    check(query(None, Some("decided"), 100, 0), &["c1", "c3"]).await;
    check(query(None, None, 2, 1), &["c.5", "c1"]).await;
    check(query(None, None, 2, 4), &["c3"]).await;
    check(query(Some(&[]), None, 100, 0), &[]).await;
    check(query(Some(&["b9"]), None, 100, 0), &[]).await;
    check(query(None, None, 0, 0), &[]).await;
    check(
        ProjectionQuery {
            kind: None,
            limit: 100,
            ..ProjectionQuery::default()
        },
        &[],
    )
    .await;
    let bodies = store
        .list_projections(&ProjectionQuery {
            kind: Some(ProjectionKind::Body),
            limit: 10,
            ..ProjectionQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(&bodies), ["b1"]);
}

/// Pages are capped at 1,000 rows whatever the caller asks for.
pub async fn list_queries_are_capped_at_one_thousand_rows(store: &dyn Store) {
    let projections: Vec<Projection> = (0..1_005)
        .map(|i| case_projection(&format!("c{i:04}"), Some("b1"), "filed", 1))
        .collect();
    store
        .replace_all_projections(projections, Vec::new())
        .await
        .unwrap();
    let rows = store
        .list_projections(&query(None, None, u32::MAX, 0))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1_000);
    assert_eq!(rows[999].id, "c0999");
    let rest = store
        .list_projections(&query(None, None, u32::MAX, 1_000))
        .await
        .unwrap();
    assert_eq!(ids(&rest), ["c1000", "c1001", "c1002", "c1003", "c1004"]);
}

/// Each listed stream's deadline set is replaced as a whole; queries filter by body, open and
/// due date, ordered by due date.
pub async fn deadlines_replace_and_query(store: &dyn Store) {
    let mut batch = records(vec![
        record("case/c1", 1, "立案"),
        record("case/c2", 1, "立案"),
    ]);
    batch.deadlines = vec![
        (
            stream("case/c1"),
            vec![
                deadline("case/c1", "decision", "b1", date!(2024 - 08 - 04), None),
                deadline("case/c1", "r28:av-1", "b1", date!(2024 - 05 - 08), None),
            ],
        ),
        (
            stream("case/c2"),
            vec![deadline(
                "case/c2",
                "decision-provisional",
                "b2",
                date!(2025 - 01 - 02),
                None,
            )],
        ),
    ];
    store.append(batch).await.unwrap();

    let keys = |rows: Vec<DeadlineRow>| {
        rows.into_iter()
            .map(|row| format!("{}:{}", row.stream, row.key))
            .collect::<Vec<_>>()
    };
    let all = store.deadlines(&DeadlineQuery::default()).await.unwrap();
    assert_eq!(
        all[2],
        deadline(
            "case/c2",
            "decision-provisional",
            "b2",
            date!(2025 - 01 - 02),
            None
        )
    );
    assert!(all[2].provisional);
    assert_eq!(
        keys(all),
        [
            "case/c1:r28:av-1",
            "case/c1:decision",
            "case/c2:decision-provisional"
        ]
    );

    // Replace c1's set: the A/V deadline was met, the decision deadline is gone.
    let mut replace = records(vec![record("case/c1", 2, "存储")]);
    replace.deadlines = vec![(
        stream("case/c1"),
        vec![deadline(
            "case/c1",
            "r28:av-1",
            "b1",
            date!(2024 - 05 - 08),
            Some(date!(2024 - 05 - 07)),
        )],
    )];
    store.append(replace).await.unwrap();

    let check = |q: DeadlineQuery, expect: &'static [&'static str]| async move {
        let rows = store.deadlines(&q).await.unwrap();
        assert_eq!(keys(rows), expect, "{q:?}");
    };
    check(
        DeadlineQuery::default(),
        &["case/c1:r28:av-1", "case/c2:decision-provisional"],
    )
    .await;
    check(
        DeadlineQuery {
            open_only: true,
            ..DeadlineQuery::default()
        },
        &["case/c2:decision-provisional"],
    )
    .await;
    check(
        DeadlineQuery {
            bodies: Some(vec![body("b1")]),
            ..DeadlineQuery::default()
        },
        &["case/c1:r28:av-1"],
    )
    .await;
    check(
        DeadlineQuery {
            bodies: Some(vec![]),
            ..DeadlineQuery::default()
        },
        &[],
    )
    .await;
    check(
        DeadlineQuery {
            due_on_or_before: Some(date!(2024 - 12 - 31)),
            ..DeadlineQuery::default()
        },
        &["case/c1:r28:av-1"],
    )
    .await;
    check(
        DeadlineQuery {
            due_on_or_before: Some(date!(2025 - 01 - 02)),
            open_only: true,
            bodies: None,
        },
        &["case/c2:decision-provisional"],
    )
    .await;
    let met = store
        .deadlines(&DeadlineQuery {
            bodies: Some(vec![body("b1")]),
            ..DeadlineQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(met[0].met_on, Some(date!(2024 - 05 - 07)));

    // An empty set clears the stream's deadlines.
    let mut clear = records(vec![record("case/c2", 2, "结案")]);
    clear.deadlines = vec![(stream("case/c2"), Vec::new())];
    store.append(clear).await.unwrap();
    check(DeadlineQuery::default(), &["case/c1:r28:av-1"]).await;
}

/// Rebuild replaces every projection and deadline row at once.
pub async fn replace_all_projections_replaces_everything(store: &dyn Store) {
    let mut batch = records(vec![record("case/c1", 1, "立案")]);
    batch.projections = vec![
        case_projection("c1", Some("b1"), "filed", 1),
        case_projection("old", Some("b1"), "filed", 1),
    ];
    batch.deadlines = vec![(
        stream("case/c1"),
        vec![deadline(
            "case/c1",
            "decision",
            "b1",
            date!(2024 - 08 - 04),
            None,
        )],
    )];
    store.append(batch).await.unwrap();

    let new_projections = vec![
        case_projection("c1", Some("b1"), "decided", 1),
        case_projection("new", Some("b2"), "filed", 1),
    ];
    let new_deadlines = vec![deadline(
        "case/new",
        "delivery",
        "b2",
        date!(2024 - 06 - 01),
        None,
    )];
    store
        .replace_all_projections(new_projections.clone(), new_deadlines.clone())
        .await
        .unwrap();

    let rows = store
        .list_projections(&query(None, None, 100, 0))
        .await
        .unwrap();
    assert_eq!(rows, new_projections);
    assert_eq!(
        store.deadlines(&DeadlineQuery::default()).await.unwrap(),
        new_deadlines
    );
    // Records are untouched.
    assert_eq!(
        store.read_stream(&stream("case/c1")).await.unwrap().len(),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// Audit, passwords and sessions

fn audit_entry(minute: u8, user: Option<&str>, object: &str) -> AuditEntry {
    AuditEntry {
        time: datetime!(2024-05-06 10:00:00 +08:00)
            .replace_minute(minute)
            .unwrap(),
        user: user.map(|user| UserId::new(user).unwrap()),
        action: "read".to_owned(),
        object: object.to_owned(),
        client_ip: Some("127.0.0.1".to_owned()),
        outcome: "ok".to_owned(),
    }
}

/// Audit entries come back newest first, exactly as written (offset included), filtered by a
/// case-sensitive object prefix and by user.
pub async fn audit_appends_and_reads_newest_first(store: &dyn Store) {
    let entries = [
        audit_entry(1, Some("u1"), "case/A1"),
        audit_entry(2, Some("u2"), "case/A1/records"),
        audit_entry(3, None, "session"),
        audit_entry(4, Some("u1"), "case/a1"),
        audit_entry(5, Some("u1"), "case/A%"),
    ];
    for entry in &entries {
        store.audit(entry.clone()).await.unwrap();
    }
    let all = store
        .read_audit(&AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let expect: Vec<AuditEntry> = entries.iter().rev().cloned().collect();
    assert_eq!(all, expect);
    assert_eq!(
        all[0].time.offset(),
        time::UtcOffset::from_hms(8, 0, 0).unwrap()
    );

    let minutes = |rows: Vec<AuditEntry>| rows.iter().map(|e| e.time.minute()).collect::<Vec<_>>();
    let check = |q: AuditQuery, expect: &'static [u8]| async move {
        let rows = store.read_audit(&q).await.unwrap();
        assert_eq!(minutes(rows), expect, "{q:?}");
    };
    let prefix = |p: &str| Some(p.to_owned());
    check(
        AuditQuery {
            object_prefix: prefix("case/A1"),
            limit: 100,
            user: None,
        },
        &[2, 1],
    )
    .await;
    check(
        AuditQuery {
            object_prefix: prefix("case/A"),
            limit: 100,
            user: None,
        },
        &[5, 2, 1],
    )
    .await;
    check(
        AuditQuery {
            object_prefix: prefix("case/A%"),
            limit: 100,
            user: None,
        },
        &[5],
    )
    .await;
    check(
        AuditQuery {
            object_prefix: prefix("case/_1"),
            limit: 100,
            user: None,
        },
        &[],
    )
    .await;
    check(
        AuditQuery {
            object_prefix: None,
            limit: 100,
            user: Some(UserId::new("u1").unwrap()),
        },
        &[5, 4, 1],
    )
    .await;
    check(
        AuditQuery {
            object_prefix: prefix("case/"),
            limit: 2,
            user: Some(UserId::new("u1").unwrap()),
        },
        &[5, 4],
    )
    .await;
    check(
        AuditQuery {
            object_prefix: None,
            limit: 0,
            user: None,
        },
        &[],
    )
    .await;
}

/// Password hashes are stored per user and username; renaming keeps one row per user, and a
/// username of another user is refused.
pub async fn password_hashes_are_set_replaced_and_looked_up(store: &dyn Store) {
    let u1 = UserId::new("u1").unwrap();
    let u2 = UserId::new("u2").unwrap();
    assert_eq!(store.password_hash("zhang").await.unwrap(), None);
    store
        .set_password_hash(
            &u1,
            "zhang",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaDE",
        )
        .await
        .unwrap();
    store
        .set_password_hash(&u2, "li", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaDI")
        .await
        .unwrap();
    assert_eq!(
        store.password_hash("zhang").await.unwrap(),
        Some((
            u1.clone(),
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaDE".to_owned()
        ))
    );
    // New password and new username for u1: the old username no longer signs in.
    store
        .set_password_hash(&u1, "zhangsan", "$argon2id$new")
        .await
        .unwrap();
    assert_eq!(store.password_hash("zhang").await.unwrap(), None);
    assert_eq!(
        store.password_hash("zhangsan").await.unwrap(),
        Some((u1.clone(), "$argon2id$new".to_owned()))
    );
    // Taking u2's username is refused and changes nothing.
    assert!(matches!(
        store.set_password_hash(&u1, "li", "$argon2id$x").await,
        Err(StoreError::Backend(_))
    ));
    assert_eq!(
        store
            .password_hash("li")
            .await
            .unwrap()
            .map(|(user, _)| user),
        Some(u2)
    );
    assert_eq!(
        store
            .password_hash("zhangsan")
            .await
            .unwrap()
            .map(|(_, phc)| phc)
            .as_deref(),
        Some("$argon2id$new")
    );
}

fn session(token_byte: u8, expires_at: OffsetDateTime) -> Session {
    Session {
        token_hash: [token_byte; 32],
        user: UserId::new("u1").unwrap(),
        created_at: datetime!(2024-05-06 09:00:00.5 +08:00),
        expires_at,
        csrf_token: format!("csrf-{token_byte}"),
    }
}

/// Sessions round-trip; expired ones are still returned (the caller checks) until a sign-out
/// sweeps them; sign-out deletes the session itself.
pub async fn sessions_are_created_read_and_deleted(store: &dyn Store) {
    let far_future = datetime!(2999-01-01 00:00:00 +08:00);
    let expired = datetime!(2000-01-01 00:00:00 +08:00);
    let live = session(1, far_future);
    let other = session(2, far_future);
    let stale = session(3, expired);
    for s in [&live, &other, &stale] {
        store.create_session(s).await.unwrap();
    }
    assert!(store.create_session(&live).await.is_err());
    assert_eq!(
        store.session(&live.token_hash).await.unwrap(),
        Some(live.clone())
    );
    assert_eq!(
        store.session(&stale.token_hash).await.unwrap(),
        Some(stale.clone())
    );
    assert_eq!(store.session(&[9; 32]).await.unwrap(), None);

    store.delete_session(&live.token_hash).await.unwrap();
    assert_eq!(store.session(&live.token_hash).await.unwrap(), None);
    assert_eq!(
        store.session(&stale.token_hash).await.unwrap(),
        None,
        "expired sessions are swept"
    );
    assert_eq!(
        store.session(&other.token_hash).await.unwrap(),
        Some(other.clone())
    );
    // Deleting an unknown session is not an error (sign-out is idempotent).
    let unknown: Digest32 = [9; 32];
    store.delete_session(&unknown).await.unwrap();
}

/// The idle timeout's activity is kept in the store (等保 2.0 level 3): a session never used is
/// active; a use within the idle time moves its clock; one idle too long is refused and left
/// as it was; an unknown session is never active.
pub async fn session_activity_keeps_the_idle_clock(store: &dyn Store) {
    let far_future = datetime!(2999-01-01 00:00:00 +08:00);
    let live = session(11, far_future);
    store.create_session(&live).await.unwrap();
    let idle = 30 * 60 * 1000;
    let t0 = 1_800_000_000_000_i64;
    assert!(
        store
            .touch_session(&live.token_hash, t0, idle)
            .await
            .unwrap()
    );
    assert!(
        store
            .touch_session(&live.token_hash, t0 + idle, idle)
            .await
            .unwrap()
    );
    // The clock moved to t0 + idle: idle + 1 ms later is still within reach of that use…
    assert!(
        store
            .touch_session(&live.token_hash, t0 + 2 * idle, idle)
            .await
            .unwrap()
    );
    // …but a gap longer than the idle time is refused, and refusing does not move the clock.
    assert!(
        !store
            .touch_session(&live.token_hash, t0 + 3 * idle + 1, idle)
            .await
            .unwrap()
    );
    assert!(
        !store
            .touch_session(&live.token_hash, t0 + 3 * idle + 2, idle)
            .await
            .unwrap()
    );
    assert!(!store.touch_session(&[7; 32], t0, idle).await.unwrap());
    // The session itself is unchanged (deleting it is the caller's decision).
    assert_eq!(
        store.session(&live.token_hash).await.unwrap(),
        Some(live.clone())
    );
    store.delete_session(&live.token_hash).await.unwrap();
    assert!(
        !store
            .touch_session(&live.token_hash, t0, idle)
            .await
            .unwrap()
    );
}

/// Appends from many tasks to distinct streams, committed together by the store (group commit),
/// keep every batch's records, projections and log leaves together: each stream is gap-free,
/// each projection is at its stream's head, and the log holds exactly the records in index order.
pub async fn concurrent_appends_to_many_streams_keep_batches_whole(store: Arc<dyn Store>) {
    const TASKS: u64 = 16;
    const PER_TASK: u64 = 8;
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            let stream_name = format!("case/m{task}");
            for seq in 1..=PER_TASK {
                let mut batch = records(vec![record(&stream_name, seq, "并发")]);
                batch.projections = vec![case_projection(
                    &format!("m{task}"),
                    Some("b1"),
                    "filed",
                    seq,
                )];
                batch.deadlines = vec![(
                    stream(&stream_name),
                    vec![deadline(
                        &stream_name,
                        &format!("step-{seq}"),
                        "b1",
                        date!(2024 - 08 - 04),
                        None,
                    )],
                )];
                store.append(batch).await.unwrap();
                // A stale append in between is refused and leaves nothing behind.
                check_conflict(
                    store
                        .append(records(vec![record(&stream_name, seq, "重复")]))
                        .await,
                    &stream_name,
                    seq,
                    seq,
                );
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap();
    }
    let state = store.log_state().await.unwrap();
    assert_eq!(state.size, TASKS * PER_TASK);
    let log = store.read_log(LogIndex(0), 1_000).await.unwrap();
    assert_eq!(
        log.iter().map(|r| r.log_index.0).collect::<Vec<_>>(),
        (0..TASKS * PER_TASK).collect::<Vec<_>>()
    );
    for task in 0..TASKS {
        let stream_name = format!("case/m{task}");
        let stored = store.read_stream(&stream(&stream_name)).await.unwrap();
        assert_eq!(
            stored.iter().map(|r| r.seq.0).collect::<Vec<_>>(),
            (1..=PER_TASK).collect::<Vec<_>>()
        );
        assert!(
            stored
                .iter()
                .all(|r| r.hash == record(&stream_name, r.seq.0, "并发").hash)
        );
        let projection = store
            .projection(ProjectionKind::Case, &format!("m{task}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(projection.last_seq, StreamSeq(PER_TASK));
    }
    let open = store.deadlines(&DeadlineQuery::default()).await.unwrap();
    assert_eq!(
        open.len() as u64,
        TASKS,
        "each stream keeps only its last deadline set"
    );
    // Every leaf is the hash of the record stored at its index.
    let root = Hash::from_bytes(state.root);
    for stored in log.iter().step_by(7) {
        let proof = store
            .prove_inclusion(stored.log_index, state.size)
            .await
            .unwrap();
        let proof: Vec<Hash> = proof.into_iter().map(Hash::from_bytes).collect();
        verify::verify_inclusion(
            PROFILE,
            &PROFILE.leaf_hash(&stored.hash),
            stored.log_index.0,
            state.size,
            &proof,
            &root,
        )
        .unwrap();
    }
}

/// A case projection whose data carries a `records` list (ports `ProjectionItem`).
fn case_with_list(id: &str, last_seq: u64, list: serde_json::Value) -> Projection {
    Projection {
        kind: ProjectionKind::Case,
        id: id.to_owned(),
        body: Some(body("b1")),
        status: "open".to_owned(),
        last_seq: StreamSeq(last_seq),
        data: serde_json::json!({ "title": "某某案", "records": list }),
    }
}

/// One list element of case `id` at `key`.
fn item(id: &str, key: u64, data: serde_json::Value) -> liuhen_core::ports::ProjectionItem {
    liuhen_core::ports::ProjectionItem {
        kind: ProjectionKind::Case,
        id: id.to_owned(),
        key,
        data,
    }
}

pub async fn projection_lists_are_written_incrementally_and_read_whole(store: &dyn Store) {
    use serde_json::json;
    // Complete form: the list as given.
    let mut batch = records(vec![record("case/c1", 1, "立案")]);
    batch.projections.push(case_with_list(
        "c1",
        1,
        json!([{"seq": 1, "voided_by": null}, {"seq": 2, "voided_by": null}]),
    ));
    store.append(batch).await.unwrap();
    let read = store.projection(ProjectionKind::Case, "c1").await.unwrap();
    assert_eq!(
        read.unwrap().data["records"],
        json!([{"seq": 1, "voided_by": null}, {"seq": 2, "voided_by": null}])
    );

    // Incremental form: one element changed, one added; the rest is kept.
    let mut batch = records(vec![record("case/c1", 2, "作废")]);
    batch
        .projections
        .push(case_with_list("c1", 2, serde_json::Value::Null));
    batch.items = vec![
        item("c1", 0, json!({"seq": 1, "voided_by": 3})),
        item("c1", 2, json!({"seq": 3, "voided_by": null})),
    ];
    store.append(batch).await.unwrap();
    let expected = json!([
        {"seq": 1, "voided_by": 3},
        {"seq": 2, "voided_by": null},
        {"seq": 3, "voided_by": null}
    ]);
    let read = store
        .projection(ProjectionKind::Case, "c1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, case_with_list("c1", 2, expected.clone()));
    // Lists merge the same way, one case with a list beside one without.
    let mut other = records(vec![record("case/c2", 1, "立案")]);
    other
        .projections
        .push(case_projection("c2", Some("b1"), "open", 1));
    store.append(other).await.unwrap();
    let listed = store
        .list_projections(&ProjectionQuery {
            kind: Some(ProjectionKind::Case),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], case_with_list("c1", 2, expected.clone()));
    assert_eq!(listed[1], case_projection("c2", Some("b1"), "open", 1));

    // A refused batch writes none of its items.
    let mut bad = records(vec![record("case/c1", 9, "跳号")]);
    bad.projections
        .push(case_with_list("c1", 9, serde_json::Value::Null));
    bad.items = vec![item("c1", 0, json!({"seq": 1, "voided_by": null}))];
    assert!(matches!(
        store.append(bad).await,
        Err(StoreError::Conflict { .. })
    ));
    let read = store.projection(ProjectionKind::Case, "c1").await.unwrap();
    assert_eq!(read.unwrap().data["records"], expected);

    // A complete rewrite (rebuild) replaces the list, also with a shorter one.
    store
        .replace_all_projections(
            vec![case_with_list("c1", 2, json!([{"seq": 1, "voided_by": 2}]))],
            Vec::new(),
        )
        .await
        .unwrap();
    let read = store.projection(ProjectionKind::Case, "c1").await.unwrap();
    assert_eq!(
        read.unwrap(),
        case_with_list("c1", 2, json!([{"seq": 1, "voided_by": 2}]))
    );
}

pub async fn audit_entries_of_a_batch_commit_with_its_records(store: &dyn Store) {
    let entry = |object: &str| AuditEntry {
        time: datetime!(2024-05-06 10:00:00 +08:00),
        user: Some(UserId::new("off1").unwrap()),
        action: "create".to_owned(),
        object: object.to_owned(),
        client_ip: Some("10.0.0.7".to_owned()),
        outcome: "ok".to_owned(),
    };
    let mut ok = records(vec![record("case/c1", 1, "立案")]);
    ok.audit.push(entry("case/c1"));
    store.append(ok).await.unwrap();
    // R4-b: a refused batch leaves no entry claiming a record was created.
    let mut bad = records(vec![record("case/c1", 5, "跳号")]);
    bad.audit.push(entry("case/c1#bad"));
    check_conflict(store.append(bad).await, "case/c1", 5, 1);
    // Standalone entries still go in, after the batch's.
    store.audit(entry("case/c1/records")).await.unwrap();
    let read = store
        .read_audit(&AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(read, vec![entry("case/c1/records"), entry("case/c1")]);
}

/// Group commit with batches that cannot share one merged write (issue 5): some fail only when
/// their rows are written (a deadline key twice in one set violates the table's key), and some
/// touch the same projection row (a body's counter), which forces batch-by-batch writing. Every
/// good batch still commits whole, every bad one is answered with its error and leaves nothing,
/// and the shared projection ends at the last writer's value.
pub async fn failing_and_overlapping_batches_in_a_group_keep_the_others_whole(
    store: Arc<dyn Store>,
) {
    const TASKS: u64 = 12;
    const PER_TASK: u64 = 6;
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            let stream_name = format!("case/g{task}");
            let mut seq = 0;
            for round in 1..=PER_TASK {
                let bad = (task + round) % 3 == 0;
                let mut batch = records(vec![record(&stream_name, seq + 1, "组")]);
                let mut projection =
                    case_projection(&format!("g{task}"), Some("b1"), "filed", seq + 1);
                if task % 2 == 0 {
                    // Half the tasks also write one shared row: not mergeable with each other.
                    projection =
                        case_projection("shared", Some("b1"), &format!("t{task}"), seq + 1);
                }
                batch.projections = vec![projection];
                let mut rows = vec![deadline(
                    &stream_name,
                    "k",
                    "b1",
                    date!(2024 - 08 - 04),
                    None,
                )];
                if bad {
                    rows.push(deadline(
                        &stream_name,
                        "k",
                        "b1",
                        date!(2024 - 08 - 05),
                        None,
                    ));
                }
                batch.deadlines = vec![(stream(&stream_name), rows)];
                match store.append(batch).await {
                    Ok(receipts) => {
                        assert!(!bad, "a batch with a duplicate deadline key was accepted");
                        assert_eq!(receipts.len(), 1);
                        seq += 1;
                    }
                    Err(err) => assert!(bad, "a good batch was refused: {err}"),
                }
            }
            seq
        });
    }
    let mut total = 0;
    let mut heads = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let seq = joined.unwrap();
        total += seq;
        heads.push(seq);
    }
    assert!(total < TASKS * PER_TASK, "some batches were meant to fail");
    let state = store.log_state().await.unwrap();
    assert_eq!(state.size, total, "only the good batches reached the log");
    for task in 0..TASKS {
        let stream_name = format!("case/g{task}");
        let stored = store.read_stream(&stream(&stream_name)).await.unwrap();
        let seqs: Vec<u64> = stored.iter().map(|r| r.seq.0).collect();
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "{stream_name} gap-free"
        );
        let rows = store
            .deadlines(&DeadlineQuery::default())
            .await
            .unwrap()
            .into_iter()
            .filter(|row| row.stream.as_str() == stream_name)
            .count();
        assert_eq!(
            rows,
            usize::from(!seqs.is_empty()),
            "{stream_name}: one deadline row"
        );
        if task % 2 == 1 && !seqs.is_empty() {
            let projection = store
                .projection(ProjectionKind::Case, &format!("g{task}"))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(projection.last_seq, StreamSeq(seqs.len() as u64));
        }
    }
    let shared = store
        .projection(ProjectionKind::Case, "shared")
        .await
        .unwrap()
        .unwrap();
    assert!(shared.status.starts_with('t'));
}
