//! 《行政处罚法》第五十一条 on the platform: an on-the-spot (summary procedure) decision is only a
//! warning, or a fine of at most 200元 for a natural person or 3000元 for a legal person or other
//! organisation. Anything beyond is refused citing the article, because the exemption from legal
//! review (L4-a, 《薛城区重大执法决定法制审核办法》第四条第二款) holds only within these limits.
//! Run on memory, SQLite and PostgreSQL.

mod common;

use common::{BODY_A, District, Walker};
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, PowerItemId};
use liuhen_core::service::{OpenCase, RecordInput};
use serde_json::json;

/// Opens a summary-procedure case whose party is `party`; returns the walker on it.
async fn summary_case<'a>(d: &'a District, party: serde_json::Value) -> Walker<'a> {
    let mut w = Walker::new(d, "penalty_summary");
    let spec = w.spec("summary_onsite_finding");
    let at = w.time;
    let mut data = w.fill(&spec, None, at);
    data.insert("party".into(), party);
    let ctx = d.actor_for(&spec).await;
    let receipt = d
        .services
        .open_case(
            &ctx,
            OpenCase {
                procedure: "penalty_summary".into(),
                body: BodyId::new(BODY_A).unwrap(),
                power_item: Some(PowerItemId::new(format!("{BODY_A}-p1")).unwrap()),
                title: "当场处罚限额".into(),
                intake: RecordInput {
                    record_type: "summary_onsite_finding".into(),
                    event_time: at,
                    event_end: None,
                    data,
                    files: vec![],
                    supersedes: None,
                },
            },
        )
        .await
        .unwrap();
    w.case_id = Some(receipt.case_id);
    w
}

fn natural_person() -> serde_json::Value {
    json!({"kind": "natural_person", "name": "张三", "id_type": "居民身份证",
           "id_number": "11010519491231002X", "address": "薛城区", "phone": "13800000000"})
}

fn organization() -> serde_json::Value {
    json!({"kind": "organization", "name": "某某商贸有限公司", "uscc": "91370403MA3C4XKX0K",
           "legal_representative": "李四", "address": "薛城区", "phone": "0632-0000000"})
}

/// The decision with `kind` and `fine_fen`, as the walker would fill it otherwise.
async fn decide(w: &mut Walker<'_>, kind: &str, fine_fen: Option<u64>) -> Result<(), CoreError> {
    let spec = w.spec("penalty_on_the_spot_decision");
    let mut input = w.input("penalty_on_the_spot_decision").await;
    input.data.insert("penalty_kind".into(), json!(kind));
    match fine_fen {
        Some(fen) => input.data.insert("fine_fen".into(), json!(fen)),
        None => input.data.remove("fine_fen"),
    };
    w.add_input(&spec, input).await.map(|_| ())
}

fn assert_art51(result: Result<(), CoreError>) {
    match result {
        Err(CoreError::Refused(refusal)) => {
            assert!(
                refusal.citation.contains("第五十一条"),
                "cites art. 51: {refusal:?}"
            );
            assert!(
                refusal.ids.iter().any(|id| id.as_str() == "L4-a"),
                "{refusal:?}"
            );
            assert!(refusal.message.contains("二百元"), "{refusal:?}");
        }
        other => panic!("expected the art. 51 refusal, got {other:?}"),
    }
}

async fn natural_person_fines_stop_at_200_yuan(d: &District) {
    let mut over = summary_case(d, natural_person()).await;
    assert_art51(decide(&mut over, "罚款", Some(20_001)).await);
    let mut at_limit = summary_case(d, natural_person()).await;
    decide(&mut at_limit, "罚款", Some(20_000)).await.unwrap();
    let mut warning = summary_case(d, natural_person()).await;
    decide(&mut warning, "警告", None).await.unwrap();
}

async fn organization_fines_stop_at_3000_yuan(d: &District) {
    let mut over = summary_case(d, organization()).await;
    assert_art51(decide(&mut over, "罚款", Some(300_001)).await);
    let mut at_limit = summary_case(d, organization()).await;
    decide(&mut at_limit, "罚款", Some(300_000)).await.unwrap();
}

async fn the_limit_is_known_before_the_click_only_from_the_form(d: &District) {
    // The limit depends on the amount typed, so the record type is not blocked in advance;
    // the dry run refuses exactly as the append would.
    let w = summary_case(d, natural_person()).await;
    let case_id = w.case_id.clone().unwrap();
    let ctx = d.ctx("off1").await;
    let options = d.services.record_options(&ctx, &case_id).await.unwrap();
    let decision = options
        .iter()
        .find(|o| o.record_type == "penalty_on_the_spot_decision")
        .unwrap();
    assert!(decision.blocked.is_none(), "{:?}", decision.blocked);
    let mut w = w;
    let mut input = w.input("penalty_on_the_spot_decision").await;
    input.data.insert("penalty_kind".into(), json!("罚款"));
    input.data.insert("fine_fen".into(), json!(50_000));
    let checked = d.services.check_record(&ctx, &case_id, &input).await;
    assert_art51(checked);
}

common::on_every_store!(
    natural_person_fines_stop_at_200_yuan,
    organization_fines_stop_at_3000_yuan,
    the_limit_is_known_before_the_click_only_from_the_form,
);
