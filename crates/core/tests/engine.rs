//! Engine behaviour beyond single procedures: scoping (R2, D3-a, L2-a), concurrency and the log
//! (R4), rebuild equality, hash chains, deadlines (T2–T5, R28-a, R29-a, 行政处罚法 第六十条), R30.

mod common;

use std::sync::Arc;

use common::{BODY_A, Walker, district};
use liuhen_core::case::{AccessDecisionData, AccessOutcome, AccessRequestData};
use liuhen_core::error::CoreError;
use liuhen_core::ids::{LogIndex, StreamSeq};
use liuhen_core::record::Record;
use liuhen_core::service::CaseFilter;
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::verify::verify_inclusion;
use time::macros::date;

#[tokio::test]
async fn officer_of_another_body_can_neither_read_nor_write() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    let other = district.ctx("offb").await;
    assert!(matches!(
        district.services.case(&other, &case_id).await,
        Err(CoreError::NotFound(_))
    ));
    assert!(matches!(
        district.services.case_records(&other, &case_id).await,
        Err(CoreError::NotFound(_))
    ));
    let input = walker.input("r8_unit_opinion").await;
    assert!(matches!(
        district.services.add_record(&other, &case_id, input).await,
        Err(CoreError::NotFound(_))
    ));
    assert!(
        district
            .services
            .list_cases(&other, CaseFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn supervisor_reads_every_body_and_writes_none() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    let supervisor = district.ctx("sup").await;
    assert_eq!(
        district
            .services
            .case(&supervisor, &case_id)
            .await
            .unwrap()
            .id,
        case_id
    );
    assert_eq!(
        district
            .services
            .list_cases(&supervisor, CaseFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    let input = walker.input("r8_unit_opinion").await;
    assert!(matches!(
        district
            .services
            .add_record(&supervisor, &case_id, input)
            .await,
        Err(CoreError::Forbidden(_))
    ));
}

#[tokio::test]
async fn sysadmin_cannot_record_a_decision() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let input = walker.input("r16_penalty_decision").await;
    let err = district
        .services
        .add_record(&district.admin, walker.case_id.as_ref().unwrap(), input)
        .await
        .unwrap_err();
    assert!(
        matches!(err, CoreError::NotFound(_) | CoreError::Forbidden(_)),
        "{err}"
    );
}

#[tokio::test]
async fn officer_cannot_sign_the_decision_reserved_to_the_agency_head() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let input = walker.input("r16_penalty_decision").await;
    let officer = district.ctx("off1").await;
    let err = district
        .services
        .add_record(&officer, walker.case_id.as_ref().unwrap(), input)
        .await
        .unwrap_err();
    let refusal = err.refusal().expect("role refusal");
    assert!(
        refusal.ids.iter().any(|id| id.as_str() == "R16-a"),
        "{refusal:?}"
    );
}

#[tokio::test]
async fn decision_without_review_is_refused_citing_l2_a() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.walk().await.unwrap();
    // A second case walked up to the decision with the review gate alone unmet.
    let mut second = Walker::new(&district, "penalty_ordinary");
    second.open("r8_initiation").await.unwrap();
    for id in [
        "r8_unit_opinion",
        "r8_head_opinion",
        "investigation_concluded",
        "r13_examination",
        "r13_unit_review",
        "r13_head_approval",
        "r14_statement_notice",
        "r14_statement_response",
    ] {
        second.ensure(id).await.unwrap();
    }
    let err = second.add("r16_penalty_decision").await.unwrap_err();
    let refusal = err.refusal().expect("refusal");
    assert!(
        refusal.ids.iter().any(|id| id.as_str() == "L2-a"),
        "{refusal:?}"
    );
    // The refusal is audited (L2-a: blocked attempts are logged).
    let entries = audit_entries(&district).await;
    assert!(
        entries
            .iter()
            .any(|e| e.action == "refused" && e.outcome.contains("L2-a"))
    );
}

async fn audit_entries(district: &common::District) -> Vec<liuhen_core::ports::AuditEntry> {
    liuhen_core::ports::Store::read_audit(
        district.store.as_ref(),
        &liuhen_core::ports::AuditQuery {
            limit: 1000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn seizure_with_an_av_gap_is_refused_citing_r5_a() {
    let district = district().await;
    let mut walker = Walker::new(&district, "coercion_seizure");
    walker.open("r8_initiation").await.unwrap();
    walker.ensure("r8_unit_opinion").await.unwrap();
    walker.ensure("r8_head_opinion").await.unwrap();
    walker.prepare("seizure_act").await.unwrap();
    let spec = walker.spec("seizure_act");
    let mut input = walker.input("seizure_act").await;
    // Stretch the act well past the end of the covering recording (P2 = 60 s).
    input.event_end = Some(input.event_time + time::Duration::hours(2));
    let err = walker.add_input(&spec, input).await.unwrap_err();
    let refusal = err.refusal().expect("refusal");
    assert!(
        refusal.ids.iter().any(|id| id.as_str() == "R5-a"),
        "{refusal:?}"
    );
}

#[tokio::test]
async fn reads_of_case_records_are_audited() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let ctx = district.ctx("off1").await;
    let case_id = walker.case_id.clone().unwrap();
    district
        .services
        .case_records(&ctx, &case_id)
        .await
        .unwrap();
    let entries = audit_entries(&district).await;
    assert!(entries.iter().any(|e| e.action == "read"
        && e.object == format!("case/{case_id}/records")
        && e.user.as_ref().map(|u| u.as_str()) == Some("off1")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_appends_keep_a_gap_free_order_and_the_log_verifies() {
    let district = Arc::new(district().await);
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    let spec = walker.spec("av_record");
    let mut inputs = Vec::new();
    for _ in 0..32 {
        inputs.push(walker.input("av_record").await);
    }
    let ctx = district.ctx("off1").await;
    let mut tasks = Vec::new();
    for input in inputs {
        let district = district.clone();
        let ctx = ctx.clone();
        let case_id = case_id.clone();
        tasks.push(tokio::spawn(async move {
            district.services.add_record(&ctx, &case_id, input).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let _ = spec;
    let records = district
        .services
        .case_records(&ctx, &case_id)
        .await
        .unwrap();
    assert_eq!(records.len(), 34);
    let mut prev: Option<String> = None;
    let state = district.services.log_state().await.unwrap();
    for (idx, view) in records.iter().enumerate() {
        assert_eq!(view.record.seq, StreamSeq(idx as u64 + 1));
        assert_eq!(view.record.prev, prev);
        let canonical = view.record.canonical_bytes().unwrap();
        let hash = *HashProfile::Sm3.digest(&canonical).as_bytes();
        assert_eq!(
            hash, view.hash,
            "record hash recomputes from canonical bytes"
        );
        prev = Some(hex::encode(hash));
        let proof = district
            .services
            .prove_inclusion(view.log_index, state.size)
            .await
            .unwrap();
        let proof: Vec<Hash> = proof.into_iter().map(Hash::from_bytes).collect();
        let leaf = HashProfile::Sm3.leaf_hash(&view.hash);
        verify_inclusion(
            HashProfile::Sm3,
            &leaf,
            view.log_index.0,
            state.size,
            &proof,
            &Hash::from_bytes(state.root),
        )
        .unwrap();
    }
}

#[tokio::test]
async fn rebuild_equals_live_projections() {
    let district = district().await;
    for procedure in ["penalty_ordinary", "coercion_seizure", "licensing"] {
        let mut walker = Walker::new(&district, procedure);
        walker.walk().await.unwrap();
    }
    let live = district.store.all_projections();
    let live_deadlines = district.store.all_deadlines();
    let report = district.services.rebuild().await.unwrap();
    assert!(report.records > 50);
    assert_eq!(district.store.all_projections(), live);
    assert_eq!(district.store.all_deadlines(), live_deadlines);
}

#[tokio::test]
async fn rebuild_names_a_tampered_record() {
    let district = district().await;
    assert!(district.store.tamper_record(LogIndex(3), 10));
    let err = district.services.rebuild().await.unwrap_err();
    assert!(err.to_string().contains("log index 3"), "{err}");
}

#[tokio::test]
async fn document_numbers_increase_by_one_per_body_and_year() {
    let district = district().await;
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let mut walker = Walker::new(&district, "penalty_ordinary");
        walker.walk().await.unwrap();
        let view = walker.view().await;
        numbers.push(
            view.records
                .iter()
                .find(|r| r.record_type == "r16_penalty_decision")
                .and_then(|r| r.doc_number.clone())
                .unwrap(),
        );
        assert!(
            view.case_number.starts_with("薛市监案〔2024〕"),
            "{}",
            view.case_number
        );
    }
    assert_eq!(numbers[0].replace("1号", "2号"), numbers[1], "{numbers:?}");
}

/// Deadline rows of a walked penalty case, against the known answers of issue 3.
#[tokio::test]
async fn penalty_deadlines_follow_the_period_table() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    walker.ensure("r8_unit_opinion").await.unwrap();
    walker.ensure("r8_head_opinion").await.unwrap();
    let ctx = district.ctx("off1").await;
    let case_id = walker.case_id.clone().unwrap();
    let rows = district
        .services
        .case_deadlines(&ctx, &case_id)
        .await
        .unwrap();
    let decision = rows.iter().find(|r| r.key == "decision").unwrap();
    // 立案 2024-10-08 + 90 days (《行政处罚法》第六十条; T3: not moved).
    assert_eq!(decision.due, date!(2025 - 01 - 06));
    // R28-a known answer: recording ended 2024-09-30 16:00 → due 2024-10-09.
    let spec = walker.spec("av_record");
    let mut input = walker.input("av_record").await;
    input.event_time = time::macros::datetime!(2024-09-30 15:00 +8);
    input.event_end = Some(time::macros::datetime!(2024-09-30 16:00 +8));
    walker.add_input(&spec, input).await.unwrap();
    let rows = district
        .services
        .case_deadlines(&ctx, &case_id)
        .await
        .unwrap();
    let r28 = rows.iter().find(|r| r.key.starts_with("r28:")).unwrap();
    assert_eq!(r28.due, date!(2024 - 10 - 09));
    // The to-do list shows the decision clock as due soon two working days before 2025-01-06.
    let todo = district
        .services
        .todo(&ctx, date!(2025 - 01 - 03))
        .await
        .unwrap();
    assert!(
        todo.iter().any(|item| item.deadline.key == "decision"),
        "{todo:?}"
    );
    let todo = district
        .services
        .todo(&ctx, date!(2024 - 12 - 01))
        .await
        .unwrap();
    assert!(!todo.iter().any(|item| item.deadline.key == "decision"));
}

#[tokio::test]
async fn r29_archive_due_is_thirty_days_after_execution_concluded() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.time = time::macros::datetime!(2024-09-02 09:00 +8);
    walker.walk().await.unwrap();
    let ctx = district.ctx("off1").await;
    let view = walker.view().await;
    let concluded = view.execution_concluded_on.unwrap();
    let rows = district
        .services
        .case_deadlines(&ctx, walker.case_id.as_ref().unwrap())
        .await
        .unwrap();
    let archive = rows.iter().find(|r| r.key == "archive").unwrap();
    assert_eq!(archive.due, concluded + time::Duration::days(30));
    assert!(archive.met_on.is_some());
}

#[tokio::test]
async fn party_access_opens_only_approved_unlabelled_records_within_p10() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let spec = walker.spec("av_record");
    let mut input = walker.input("av_record").await;
    input
        .data
        .insert("confidentiality".into(), "个人隐私".into());
    walker.add_input(&spec, input).await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    let officer = district.ctx("off1").await;
    let head = district.ctx("ahead").await;
    let request = AccessRequestData {
        requester: "张三".into(),
        id_type: "居民身份证".into(),
        id_number: "370402199001011234".into(),
        capacity: "当事人".into(),
        records: vec![StreamSeq(2), StreamSeq(3)],
        purpose: "了解案件".into(),
    };
    let receipt = district
        .services
        .request_record_access(&officer, &case_id, request)
        .await
        .unwrap();
    // Nothing is shown before the head decides (R30-a).
    assert!(
        district
            .services
            .access_records(&officer, &case_id, receipt.seq)
            .await
            .is_err()
    );
    let unconfirmed = AccessDecisionData {
        request: receipt.seq,
        outcome: AccessOutcome::Approve,
        approved: vec![StreamSeq(2)],
        excluded: vec![],
        reasons: String::new(),
        download: false,
    };
    let err = district
        .services
        .decide_record_access(&head, &case_id, unconfirmed.clone())
        .await
        .unwrap_err();
    assert!(
        err.refusal()
            .unwrap()
            .ids
            .iter()
            .any(|id| id.as_str() == "R30-b")
    );
    assert!(
        district
            .services
            .decide_record_access(&officer, &case_id, unconfirmed.clone())
            .await
            .is_err()
    );
    let decision = AccessDecisionData {
        excluded: vec![StreamSeq(3)],
        ..unconfirmed
    };
    district
        .services
        .decide_record_access(&head, &case_id, decision)
        .await
        .unwrap();
    let opened = district
        .services
        .access_records(&officer, &case_id, receipt.seq)
        .await
        .unwrap();
    assert_eq!(
        opened.iter().map(|r| r.record.seq).collect::<Vec<_>>(),
        vec![StreamSeq(2)]
    );
    assert!(
        audit_entries(&district)
            .await
            .iter()
            .any(|e| e.action == "party_access")
    );
    *district.clock.0.lock().unwrap() += time::Duration::days(8);
    assert!(
        district
            .services
            .access_records(&officer, &case_id, receipt.seq)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn canonical_bytes_of_stored_records_are_their_hash_preimage() {
    let district = district().await;
    let rows = liuhen_core::ports::Store::read_log(district.store.as_ref(), LogIndex(0), 1000)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        let record = Record::from_bytes(&row.canonical).unwrap();
        assert_eq!(
            record.canonical_bytes().unwrap(),
            row.canonical,
            "stored bytes are canonical"
        );
        assert_eq!(
            *HashProfile::Sm3.digest(&row.canonical).as_bytes(),
            row.hash
        );
    }
    let _ = BODY_A;
}
