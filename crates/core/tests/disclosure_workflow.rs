//! Disclosure (issue 8; 《薛城区行政执法信息公示办法》): a penalty decision drafts its item with the
//! D12-c due date across National Day, the D5-b workflow with separation, D10 restrictions with
//! head approval, the D10-d leak block, D13 corrections on request, D14 withdrawal, D9 figures,
//! D15 supervision — through `Services`, on each store (issue 8: "on both stores"):
//! `memory::<name>`, `sqlite::<name>` and `postgres::<name>` (the last when `LIUHEN_TEST_PG_URL`
//! is set; see `common::on_every_store!`).

mod common;

use common::{BODY_A, District, Walker};
use liuhen_core::disclosure::{self, Ground, ItemKind, ItemState, Step};
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, UserId};
use liuhen_core::record::FileRef;
use liuhen_core::service::disclosure::{
    CorrectionReply, PublicCorrectionRequest, PublicFilter, SupervisionIssue, WithdrawalEvent,
};
use liuhen_ledger::hash::HashProfile;
use serde_json::{Map, Value, json};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

const ID_NUMBER: &str = "11010519491231002X";
const MOBILE: &str = "13812345678";

fn body() -> BodyId {
    BodyId::new(BODY_A).unwrap()
}

fn set_clock(district: &District, at: OffsetDateTime) {
    *district.clock.0.lock().unwrap() = at;
}

/// Asserts that `result` is a refusal naming requirement `id`.
fn check_refused<T: std::fmt::Debug>(result: Result<T, CoreError>, id: &str) {
    match result {
        Err(CoreError::Refused(refusal)) => assert!(
            refusal.ids.iter().any(|x| x.as_str() == id),
            "expected {id}, got {refusal:?}"
        ),
        other => panic!("expected a refusal citing {id}, got {other:?}"),
    }
}

/// Body A grants the four D5-b permissions: off1 collects and submits (and may also review
/// and publish, to test separation), uhead reviews, arch publishes.
async fn grant_permissions(district: &District) {
    let head = district.ctx("ahead").await;
    for (user, steps) in [
        (
            "off1",
            &[Step::Collect, Step::Submit, Step::Review, Step::Publish][..],
        ),
        ("uhead", &[Step::Review, Step::Collect][..]),
        ("arch", &[Step::Publish][..]),
    ] {
        for step in steps {
            district
                .services
                .set_disclosure_permission(&head, &body(), &UserId::new(user).unwrap(), *step, true)
                .await
                .unwrap();
        }
    }
}

/// A penalty case whose decision is dated `decision_at`; returns the drafted item id.
async fn penalty_decision(district: &District, decision_at: OffsetDateTime) -> String {
    let mut walker = Walker::new(district, "penalty_ordinary");
    walker.time = decision_at - time::Duration::days(6);
    walker.walk_until("r16_penalty_decision").await;
    walker.time = decision_at - time::Duration::hours(1);
    let receipt = walker.add("r16_penalty_decision").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    disclosure::item_id_for(
        HashProfile::Sm3,
        &format!("case/{case_id}#{}", receipt.seq.0),
    )
}

trait WalkUntil {
    async fn walk_until(&mut self, record_type: &str);
}

impl WalkUntil for Walker<'_> {
    async fn walk_until(&mut self, record_type: &str) {
        let start = self.procedure.start[0].clone();
        self.open(&start).await.unwrap();
        for stage in self.procedure.stages.clone() {
            for mandatory in &stage.mandatory {
                if mandatory == record_type {
                    self.prepare(record_type).await.unwrap();
                    return;
                }
                self.ensure(mandatory).await.unwrap();
            }
        }
    }
}

fn changes(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect()
}

/// Collects (with a fact containing an ID and a mobile number), submits and reviews the item.
async fn to_approved(district: &District, id: &str, facts: &str) {
    let s = &district.services;
    let off1 = district.ctx("off1").await;
    let uhead = district.ctx("uhead").await;
    s.collect_item(&off1, id, changes(&[("facts", facts)]), "补充主要事实")
        .await
        .unwrap();
    s.submit_item(&off1, id).await.unwrap();
    s.review_item(&uhead, id, true, "同意公示").await.unwrap();
}

async fn penalty_decision_drafts_its_item_due_on_the_make_up_saturday_d12_c(district: &District) {
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let head = district.ctx("ahead").await;
    let item = district.services.disclosure_item(&head, &id).await.unwrap();
    assert_eq!(item.kind, ItemKind::Decision);
    assert_eq!(item.state, ItemState::Drafted);
    for field in ItemKind::Decision.mandatory_fields() {
        let value = item
            .fields
            .get(*field)
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(!value.is_empty(), "D8-e field {field} is prefilled");
    }
    assert_eq!(item.fields["date"], json!("2024年9月27日"));
    assert_eq!(item.fields["body_name"], json!("薛城区市场监督管理局"));
    let obligation = item.open_obligation().unwrap();
    assert_eq!(
        obligation.period,
        liuhen_calendar::names::DISCLOSURE_DECISION
    );
    assert_eq!(obligation.due, date!(2024 - 10 - 12));
    // D12-f: the item's deadline is on the body's to-do list, due soon on the Friday before.
    let todo = district
        .services
        .todo(&head, date!(2024 - 10 - 11))
        .await
        .unwrap();
    assert!(
        todo.iter()
            .any(|t| t.deadline.stream.as_str() == format!("disclosure/{id}")
                && t.deadline.due == date!(2024 - 10 - 12)),
        "{todo:#?}"
    );
}

async fn publishing_is_blocked_by_an_unmasked_id_and_separation_and_allowed_after_redaction(
    district: &District,
) {
    grant_permissions(district).await;
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let s = &district.services;
    set_clock(district, datetime!(2024-10-09 10:00 +8));
    let facts = format!("当事人张三（公民身份号码{ID_NUMBER}，联系电话{MOBILE}）销售过期食品");
    to_approved(district, &id, &facts).await;
    let off1 = district.ctx("off1").await;
    let arch = district.ctx("arch").await;
    // D5-b: off1 collected the content, so off1 may not publish it.
    check_refused(s.publish_item(&off1, &id, None).await, "D5-b");
    // D10-d: the ID and mobile number are still in the clear.
    check_refused(s.publish_item(&arch, &id, None).await, "D10-d");
    // An override needs AGENCY_HEAD.
    check_refused(
        s.publish_item(&arch, &id, Some("号码为单位电话")).await,
        "D10-d",
    );
    s.redact_item(&district.ctx("uhead").await, &id)
        .await
        .unwrap();
    s.publish_item(&arch, &id, None).await.unwrap();
    let detail = s.published_item(&id).await.unwrap();
    let text = serde_json::to_string(&detail).unwrap();
    for secret in [ID_NUMBER, MOBILE, "张三"] {
        assert!(
            !text.contains(secret),
            "P9/D10-d: {secret} leaked in {text}"
        );
    }
    assert!(text.contains("张某"), "{text}");
    assert_eq!(detail.versions.len(), 1);
    let item = s.disclosure_item(&arch, &id).await.unwrap();
    assert_eq!(item.obligations[0].met_on, Some(date!(2024 - 10 - 09)));
    // The frozen version's hash is in the publish record, which is a log leaf.
    let state = s.log_state().await.unwrap();
    assert!(detail.versions[0].log_index.0 < state.size);
    assert_eq!(detail.versions[0].public_hash.len(), 64);
    let listed = s.published_items(&PublicFilter::default()).await.unwrap();
    assert_eq!(listed.len(), 1);
}

async fn workflow_steps_need_their_permission_and_order(district: &District) {
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let s = &district.services;
    let off1 = district.ctx("off1").await;
    // No permission granted yet (D5-b); body B's officer is not the owner (D3-a).
    check_refused(s.collect_item(&off1, &id, Map::new(), "").await, "D5-b");
    check_refused(
        s.collect_item(&district.ctx("offb").await, &id, Map::new(), "")
            .await,
        "D3-a",
    );
    check_refused(
        s.collect_item(&district.ctx("sup").await, &id, Map::new(), "")
            .await,
        "D3-a",
    );
    grant_permissions(district).await;
    // Review before submit is out of order; changing a prefilled value needs a reason (D3-c).
    check_refused(
        s.review_item(&district.ctx("uhead").await, &id, true, "")
            .await,
        "D5-b",
    );
    check_refused(
        s.collect_item(&off1, &id, changes(&[("facts", "改")]), " ")
            .await,
        "D3-c",
    );
    s.collect_item(&off1, &id, Map::new(), "").await.unwrap();
    s.submit_item(&off1, &id).await.unwrap();
    // D5-b separation: the collector may not review.
    check_refused(s.review_item(&off1, &id, true, "").await, "D5-b");
    // Switched off by the head (audited), the same user may review.
    let head = district.ctx("ahead").await;
    s.set_disclosure_separation(&head, &body(), false, "本机关人员少，经集体研究不再分设")
        .await
        .unwrap();
    s.review_item(&off1, &id, true, "同意").await.unwrap();
    let settings = s.disclosure_settings(&head, &body()).await.unwrap();
    assert!(!settings.separation);
    assert_eq!(settings.separation_changes.len(), 1);
}

async fn a_restriction_needs_a_reason_and_head_approval_and_then_blocks_publication(
    district: &District,
) {
    grant_permissions(district).await;
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let s = &district.services;
    let off1 = district.ctx("off1").await;
    check_refused(
        s.propose_restriction(&off1, &id, Ground::Other, "依法不予公开", "")
            .await,
        "D10-a",
    );
    s.propose_restriction(
        &off1,
        &id,
        Ground::Obstruction,
        "案件关联人员在逃，公开妨碍追查",
        "",
    )
    .await
    .unwrap();
    // Without the head's approval nothing is restricted, and the collector cannot approve.
    check_refused(
        s.decide_restriction(&off1, &id, true, "同意").await,
        "D10-a",
    );
    let pending = s.disclosure_item(&off1, &id).await.unwrap();
    assert_ne!(pending.state, ItemState::Restricted);
    set_clock(district, datetime!(2024-10-08 10:00 +8));
    s.decide_restriction(&district.ctx("ahead").await, &id, true, "同意暂不公示")
        .await
        .unwrap();
    let item = s.disclosure_item(&off1, &id).await.unwrap();
    assert_eq!(item.state, ItemState::Restricted);
    // D10-e: re-examined P7 = 90 days after approval.
    let restriction = item.restriction.clone().unwrap();
    assert_eq!(restriction.reexamine_on, Some(date!(2025 - 01 - 06)));
    check_refused(
        s.publish_item(&district.ctx("arch").await, &id, None).await,
        "D10-a",
    );
    // D10-a: restricted items get no due date, so nothing is overdue.
    let head = district.ctx("ahead").await;
    let todo = s.todo(&head, date!(2024 - 10 - 20)).await.unwrap();
    assert!(!todo.iter().any(|t| t.deadline.stream.id() == id));
}

async fn a_correction_request_gets_a_tracking_number_and_closes_with_the_published_correction(
    district: &District,
) {
    grant_permissions(district).await;
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let s = &district.services;
    set_clock(district, datetime!(2024-10-09 10:00 +8));
    to_approved(district, &id, "销售过期食品").await;
    let arch = district.ctx("arch").await;
    s.publish_item(&arch, &id, None).await.unwrap();
    let evidence = FileRef {
        name: "发票.pdf".into(),
        media_type: "application/pdf".into(),
        size: 10,
        sha256: "0".repeat(64),
        sm3: "0".repeat(64),
    };
    let request = |evidence: Vec<FileRef>| PublicCorrectionRequest {
        item: id.clone(),
        requester_type: "公民".into(),
        requester_name: "王五".into(),
        contact: "13912345678".into(),
        reason: "主要事实中的日期有误".into(),
        proposed: "应为9月20日".into(),
        evidence,
    };
    check_refused(s.submit_correction_request(request(vec![])).await, "D13-b");
    let tracking = s
        .submit_correction_request(request(vec![evidence.clone()]))
        .await
        .unwrap();
    let other = s
        .submit_correction_request(request(vec![evidence]))
        .await
        .unwrap();
    assert!(
        tracking.starts_with("CR") && tracking.len() == 22,
        "{tracking}"
    );
    assert_ne!(tracking, other);
    let status = s.correction_status(&tracking).await.unwrap();
    assert_eq!(status.status, "处理中");
    assert!(!serde_json::to_string(&status).unwrap().contains("王五"));
    let off1 = district.ctx("off1").await;
    let uhead = district.ctx("uhead").await;
    let reply = CorrectionReply {
        outcome: "更正".into(),
        reasons: String::new(),
        reply_text: "经核实，已更正。".into(),
        method: "邮寄".into(),
        sent_on: date!(2024 - 10 - 12),
    };
    // D13-c: 更正 cannot close the request before the correction is published.
    check_refused(
        s.reply_correction_request(&uhead, &tracking, reply.clone())
            .await,
        "D13-c",
    );
    s.correct_item(
        &off1,
        &id,
        changes(&[("facts", "2024年9月20日销售过期食品")]),
        "日期有误",
        date!(2024 - 10 - 10),
        Some(&tracking),
    )
    .await
    .unwrap();
    s.submit_item(&off1, &id).await.unwrap();
    s.review_item(&uhead, &id, true, "同意更正").await.unwrap();
    set_clock(district, datetime!(2024-10-11 10:00 +8));
    // The public still sees version 1 until the correction is published.
    assert_eq!(s.published_item(&id).await.unwrap().item.version, 1);
    s.publish_item(&arch, &id, None).await.unwrap();
    s.reply_correction_request(&uhead, &tracking, reply)
        .await
        .unwrap();
    let status = s.correction_status(&tracking).await.unwrap();
    assert_eq!(
        (status.status.as_str(), status.outcome.as_deref()),
        ("已答复", Some("更正"))
    );
    let detail = s.published_item(&id).await.unwrap();
    assert_eq!(detail.item.version, 2);
    assert_eq!(detail.versions.len(), 2);
    assert!(detail.item.notes.iter().any(|n| n.label == "已更正"));
    let content = serde_json::to_string(&detail.item.content).unwrap();
    assert!(content.contains("9月20日"), "{content}");
    assert!(s.correction_status("CR0000000000000000000A").await.is_err());
}

async fn a_revoked_penalty_is_withdrawn_within_three_working_days(district: &District) {
    grant_permissions(district).await;
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let s = &district.services;
    set_clock(district, datetime!(2024-10-09 10:00 +8));
    to_approved(district, &id, "销售过期食品").await;
    let arch = district.ctx("arch").await;
    s.publish_item(&arch, &id, None).await.unwrap();
    let off1 = district.ctx("off1").await;
    let event = WithdrawalEvent {
        event: "撤销".into(),
        source: "行政复议决定".into(),
        source_doc: "薛政复决字〔2024〕3号".into(),
        event_date: date!(2024 - 10 - 14),
    };
    check_refused(
        s.record_withdrawal_trigger(
            &off1,
            &id,
            WithdrawalEvent {
                event: "作废".into(),
                ..event.clone()
            },
        )
        .await,
        "D14-a",
    );
    s.record_withdrawal_trigger(&off1, &id, event)
        .await
        .unwrap();
    check_refused(s.withdraw_item(&arch, &id, " ").await, "D14-a");
    set_clock(district, datetime!(2024-10-16 10:00 +8));
    s.withdraw_item(&arch, &id, "原处罚决定已被行政复议机关撤销")
        .await
        .unwrap();
    let item = s.disclosure_item(&arch, &id).await.unwrap();
    let d14 = item.obligations.iter().find(|o| o.key == "d14").unwrap();
    assert_eq!(d14.due, date!(2024 - 10 - 17));
    assert_eq!(d14.met_on, Some(date!(2024 - 10 - 16)));
    let detail = s.published_item(&id).await.unwrap();
    assert!(
        detail.item.content.is_none(),
        "D14-a: the notice replaces the content"
    );
    assert!(
        detail
            .item
            .notes
            .iter()
            .any(|n| n.label == "已撤下" && n.text.contains("撤销"))
    );
    assert_eq!(detail.versions.len(), 1, "history stays verifiable");
}

async fn annual_figures_count_the_seeded_year_and_the_item_is_due_on_31_january(
    district: &District,
) {
    grant_permissions(district).await;
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let s = &district.services;
    set_clock(district, datetime!(2024-10-09 10:00 +8));
    to_approved(district, &id, "销售过期食品").await;
    s.publish_item(&district.ctx("arch").await, &id, None)
        .await
        .unwrap();
    let head = district.ctx("ahead").await;
    let figures = s.annual_figures(&head, &body(), 2024).await.unwrap();
    assert_eq!(figures.cases_by_action.get("penalty"), Some(&1));
    assert_eq!(figures.decisions_by_action.get("penalty"), Some(&1));
    assert_eq!(figures.fines_fen, 500_000);
    assert_eq!(figures.disclosures_on_time, 1);
    assert!(figures.reviews_approved >= 1, "{figures:?}");
    assert_eq!(
        s.annual_figures(&head, &body(), 2023)
            .await
            .unwrap()
            .decisions_by_action
            .len(),
        0
    );
    set_clock(district, datetime!(2025-01-02 10:00 +8));
    let annual = s
        .draft_annual_item(&district.ctx("off1").await, &body(), 2024)
        .await
        .unwrap();
    let item = s.disclosure_item(&head, &annual).await.unwrap();
    assert_eq!(item.kind, ItemKind::AnnualData);
    assert_eq!(
        item.open_obligation().map(|o| o.due),
        Some(date!(2025 - 01 - 31))
    );
}

fn issue_on(
    entries: &[liuhen_core::service::disclosure::SupervisionEntry],
    id: &str,
) -> Option<SupervisionIssue> {
    entries
        .iter()
        .find(|e| e.item == id)
        .map(|e| e.issue.clone())
}

async fn supervision_lists_due_soon_then_overdue_items_with_d12_and_the_measure_title(
    district: &District,
) {
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    let s = &district.services;
    let sup = district.ctx("sup").await;
    let check = |today: Date, expect: Option<SupervisionIssue>| {
        let sup = sup.clone();
        let id = id.clone();
        async move {
            let entries = s.disclosure_supervision(&sup, today).await.unwrap();
            assert_eq!(issue_on(&entries, &id), expect, "on {today}");
            entries
        }
    };
    check(date!(2024 - 10 - 08), None).await;
    check(
        date!(2024 - 10 - 11),
        Some(SupervisionIssue::DueSoon { remaining: 1 }),
    )
    .await;
    let entries = check(
        date!(2024 - 10 - 15),
        Some(SupervisionIssue::Overdue { working_days: 2 }),
    )
    .await;
    let entry = entries.iter().find(|e| e.item == id).unwrap();
    assert!(entry.label.contains("D12") && entry.label.contains("《薛城区行政执法信息公示办法》"));
    assert!(!entry.history.is_empty());
    // Body B's officer sees nothing of body A.
    let offb = district.ctx("offb").await;
    assert!(
        s.disclosure_supervision(&offb, date!(2024 - 10 - 15))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn pre_enforcement_items_come_from_the_registries_and_change_with_them(district: &District) {
    grant_permissions(district).await;
    let s = &district.services;
    let off1 = district.ctx("off1").await;
    let ids = s
        .draft_pre_enforcement_items(&off1, &body(), date!(2024 - 09 - 27))
        .await
        .unwrap();
    assert_eq!(ids.len(), 3, "profile, officers, one power item");
    let again = s
        .draft_pre_enforcement_items(&off1, &body(), date!(2024 - 10 - 08))
        .await
        .unwrap();
    assert!(again.is_empty(), "unchanged registry data drafts nothing");
    let items = s
        .disclosure_items(&off1, Some(&body()), None)
        .await
        .unwrap();
    let officers = items.iter().find(|i| i.kind == ItemKind::Officers).unwrap();
    let text = officers.fields["officers"].as_str().unwrap();
    assert!(
        text.contains("执法员o1") && text.contains("37040o1"),
        "{text}"
    );
    assert_eq!(
        officers.open_obligation().map(|o| o.due),
        Some(date!(2024 - 10 - 30)),
        "D12-b"
    );
}

async fn rebuild_reproduces_disclosure_projections_and_deadlines(district: &District) {
    grant_permissions(district).await;
    let id = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    set_clock(district, datetime!(2024-10-09 10:00 +8));
    to_approved(district, &id, "销售过期食品").await;
    district
        .services
        .publish_item(&district.ctx("arch").await, &id, None)
        .await
        .unwrap();
    let live = district.store.snapshot().await;
    assert!(
        live.0.iter().any(|p| p.id == id),
        "the published item is among the projections"
    );
    district.services.rebuild().await.unwrap();
    let rebuilt = district.store.snapshot().await;
    assert_eq!(rebuilt.0, live.0, "projections");
    assert_eq!(rebuilt.1, live.1, "deadlines");
}

common::on_every_store!(
    penalty_decision_drafts_its_item_due_on_the_make_up_saturday_d12_c,
    publishing_is_blocked_by_an_unmasked_id_and_separation_and_allowed_after_redaction,
    workflow_steps_need_their_permission_and_order,
    a_restriction_needs_a_reason_and_head_approval_and_then_blocks_publication,
    a_correction_request_gets_a_tracking_number_and_closes_with_the_published_correction,
    a_revoked_penalty_is_withdrawn_within_three_working_days,
    annual_figures_count_the_seeded_year_and_the_item_is_due_on_31_january,
    supervision_lists_due_soon_then_overdue_items_with_d12_and_the_measure_title,
    pre_enforcement_items_come_from_the_registries_and_change_with_them,
    rebuild_reproduces_disclosure_projections_and_deadlines,
);
