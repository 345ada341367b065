//! The write path's shortcuts keep the guarantees (issue 5 bench): the case-view cache never
//! serves a state another writer has moved past, record summaries written incrementally equal a
//! rebuild, and the `create` audit entry (R4-b) is written with the record, by the core. Every
//! test runs on each store (`memory::`, `sqlite::`, `postgres::`; see `common::on_every_store!`):
//! the shortcuts matter most where another process really shares the database.

mod common;

use std::sync::Arc;

use common::{District, Walker, rules};
use liuhen_calendar::Calendar;
use liuhen_core::ids::StreamSeq;
use liuhen_core::ports::{AuditQuery, Store};
use liuhen_core::service::Services;
use liuhen_ledger::hash::HashProfile;

async fn a_case_written_by_another_process_is_reread_not_served_from_the_cache(
    district: &District,
) {
    let mut walker = Walker::new(district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    // A second node: its own Services (own cache, own stream locks) over the same store.
    let other = Services::new(
        district.store.clone(),
        district.clock.clone(),
        rules(),
        Arc::new(Calendar::embedded().unwrap()),
        HashProfile::Sm3,
    );
    let ctx = district.ctx("off1").await;
    let first = walker.input("av_record").await;
    let second = walker.input("av_record").await;
    let third = walker.input("av_record").await;
    district
        .services
        .add_record(&ctx, &case_id, first)
        .await
        .unwrap();
    other.add_record(&ctx, &case_id, second).await.unwrap();
    // The first node's cached view is at seq 3, the stream at 4: it must re-read, not refuse
    // or fork the chain.
    let receipt = district
        .services
        .add_record(&ctx, &case_id, third)
        .await
        .unwrap();
    assert_eq!(receipt.seq, StreamSeq(5));
    let view = district.services.case(&ctx, &case_id).await.unwrap();
    assert_eq!(view.last_seq, StreamSeq(5));
    let seqs: Vec<u64> = view.records.iter().map(|r| r.seq.0).collect();
    assert_eq!(seqs, vec![2, 3, 4, 5]);
}

async fn superseded_and_voided_summaries_written_incrementally_equal_a_rebuild(
    district: &District,
) {
    let mut walker = Walker::new(district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    let ctx = district.ctx("off1").await;
    let mut receipts = Vec::new();
    for _ in 0..3 {
        let input = walker.input("av_record").await;
        receipts.push(
            district
                .services
                .add_record(&ctx, &case_id, input)
                .await
                .unwrap(),
        );
    }
    // Correct the first A/V record (R4-a supersede), then void the second.
    let mut correction = walker.input("av_record").await;
    correction.supersedes = Some(receipts[0].seq);
    district
        .services
        .add_record(&ctx, &case_id, correction)
        .await
        .unwrap();
    let mut void = walker.input("av_record").await;
    void.record_type = "sys_void".into();
    void.event_end = None;
    void.data = serde_json::Map::from_iter([("reason".to_owned(), "重复录入".into())]);
    void.supersedes = Some(receipts[1].seq);
    district
        .services
        .add_record(&ctx, &case_id, void)
        .await
        .unwrap();
    let view = district.services.case(&ctx, &case_id).await.unwrap();
    let first = view.record(receipts[0].seq).unwrap();
    assert!(first.superseded_by.is_some(), "{first:?}");
    let second = view.record(receipts[1].seq).unwrap();
    assert!(second.voided_by.is_some(), "{second:?}");
    let live = district.store.snapshot().await;
    district.services.rebuild().await.unwrap();
    assert_eq!(district.store.snapshot().await, live);
}

async fn each_appended_record_has_exactly_one_create_entry_with_the_client_address(
    district: &District,
) {
    let mut walker = Walker::new(district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    let ctx = district.ctx("off1").await;
    for _ in 0..3 {
        let input = walker.input("av_record").await;
        district
            .services
            .add_record(&ctx, &case_id, input)
            .await
            .unwrap();
    }
    let entries = district
        .store
        .read_audit(&AuditQuery {
            object_prefix: Some(format!("case/{case_id}")),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let creates: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "create" && e.object == format!("case/{case_id}"))
        .collect();
    // One for the opening (by the walker's actor) and one per record.
    assert_eq!(creates.len(), 4, "{entries:?}");
    assert!(
        creates
            .iter()
            .all(|e| e.client_ip.as_deref() == Some("127.0.0.1") && e.outcome == "ok"),
        "{creates:?}"
    );
}

common::on_every_store!(
    a_case_written_by_another_process_is_reread_not_served_from_the_cache,
    superseded_and_voided_summaries_written_incrementally_equal_a_rebuild,
    each_appended_record_has_exactly_one_create_entry_with_the_client_address,
);
