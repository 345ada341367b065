//! Whole-path tests of the legal-review workflow (issue 7, L2–L11) through `Services`, the
//! default gate being `WorkflowReviewGate`. Every test runs on each store (issue 7: "Same on
//! PostgreSQL"): `memory::<name>`, `sqlite::<name>` and `postgres::<name>` (the last when
//! `LIUHEN_TEST_PG_URL` is set; see `common::on_every_store!`).

mod common;

use common::{BODY_A, District, Walker};
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, StreamSeq, UserId};
use liuhen_core::ports::{AuditQuery, Receipt, Store};
use liuhen_core::registry::{RoleGrant, UserProfile};
use liuhen_core::review::state::ProblemResponse;
use liuhen_core::review::{CatalogueEntry, ReviewStatus, ReviewView, ReviewerQualification};
use liuhen_core::role::Role;
use liuhen_core::service::RecordInput;
use liuhen_core::service::review::SubmissionInput;
use serde_json::{Map, Value, json};
use time::Duration;
use time::macros::date;

fn ids(err: &CoreError) -> Vec<String> {
    err.refusal()
        .map(|r| r.ids.iter().map(|i| i.as_str().to_owned()).collect())
        .unwrap_or_default()
}

/// Expects a refusal citing `id`.
fn check_refused(result: Result<Receipt, CoreError>, id: &str) {
    match result {
        Ok(receipt) => panic!("expected a refusal citing {id}, got {receipt:?}"),
        Err(err) => assert!(ids(&err).iter().any(|i| i == id), "expected {id}: {err}"),
    }
}

/// A penalty case with every prerequisite of the decision except legal review.
async fn at_decision(d: &District) -> Walker<'_> {
    let mut w = Walker::new(d, "penalty_ordinary");
    w.open("r8_initiation").await.unwrap();
    for t in [
        "r8_unit_opinion",
        "r8_head_opinion",
        "investigation_concluded",
        "r13_examination",
        "r13_unit_review",
        "r14_statement_notice",
        "r14_statement_response",
        "r13_head_approval",
    ] {
        w.ensure(t).await.unwrap();
    }
    w.time += Duration::days(2);
    w
}

async fn review(w: &Walker<'_>) -> ReviewView {
    let ctx = w.district.ctx("ahead").await;
    w.district
        .services
        .review(&ctx, w.case_id.as_ref().unwrap())
        .await
        .unwrap()
}

async fn decide(w: &mut Walker<'_>, user: &str) -> Result<Receipt, CoreError> {
    let input = w.input("r16_penalty_decision").await;
    let ctx = w.district.ctx(user).await;
    w.district
        .services
        .add_record(&ctx, w.case_id.as_ref().unwrap(), input)
        .await
}

async fn submit(w: &mut Walker<'_>, responses: Vec<ProblemResponse>) -> Result<Receipt, CoreError> {
    let view = w.view().await;
    let latest = |t: &str| {
        view.records
            .iter()
            .rev()
            .find(|r| r.is_effective() && r.record_type == t)
            .map(|r| r.seq)
            .unwrap()
    };
    let submission = SubmissionInput {
        draft_ref: latest("r13_examination"),
        draft_decision: "拟对当事人处以罚款人民币五千元".into(),
        evidence: vec![latest("r8_initiation"), latest("investigation_concluded")],
        legal_basis: "《中华人民共和国行政处罚法》第二十八条".into(),
        discretion_standard: "一般情节，中间档".into(),
        summary: "当事人经营超过保质期的食品".into(),
        responses,
        attest: true,
    };
    let ctx = w.district.ctx("uhead").await;
    w.district
        .services
        .submit_for_review(&ctx, w.case_id.as_ref().unwrap(), submission)
        .await
}

/// Data of an opinion on the current submission; `problem` makes it 存在问题 at L7.4.
async fn opinion_input(w: &Walker<'_>, record_type: &str, problem: bool) -> RecordInput {
    let submission = review(w).await.current().unwrap().submission;
    let mut data = Map::new();
    for i in 1..=9 {
        let finding = match i {
            8 => "否",
            9 => "无",
            4 if problem => "不符合",
            _ => "符合",
        };
        data.insert(format!("l7_{i}"), json!(finding));
        data.insert(format!("l7_{i}_note"), json!(format!("第{i}项已审核")));
    }
    data.insert("submission_ref".into(), json!(submission.0));
    data.insert(
        "reviewers".into(),
        json!([{"name": "审核员", "qualification_no": "A2019"}]),
    );
    if problem {
        data.insert(
            "problems".into(),
            json!([{"item": "L7.4", "problem": "证据不足", "suggestion": "补充现场检查笔录"}]),
        );
    } else {
        data.insert("opinion".into(), json!("同意"));
    }
    RecordInput {
        record_type: record_type.into(),
        event_time: w.district.services.now(),
        event_end: None,
        data,
        files: vec![],
        supersedes: None,
    }
}

async fn opine(w: &mut Walker<'_>, user: &str, approve: bool) -> Result<Receipt, CoreError> {
    let record_type = if approve {
        "l8_review_approved"
    } else {
        "l10_review_problems"
    };
    let input = opinion_input(w, record_type, !approve).await;
    let ctx = w.district.ctx(user).await;
    w.district
        .services
        .add_record(&ctx, w.case_id.as_ref().unwrap(), input)
        .await
}

async fn add(
    w: &Walker<'_>,
    user: &str,
    record_type: &str,
    data: Value,
) -> Result<Receipt, CoreError> {
    let ctx = w.district.ctx(user).await;
    let input = RecordInput {
        record_type: record_type.into(),
        event_time: w.district.services.now(),
        event_end: None,
        data: data.as_object().cloned().unwrap_or_default(),
        files: vec![],
        supersedes: None,
    };
    w.district
        .services
        .add_record(&ctx, w.case_id.as_ref().unwrap(), input)
        .await
}

fn answered(answer: &str) -> Vec<ProblemResponse> {
    vec![ProblemResponse {
        problem_no: 1,
        answer: answer.into(),
        detail: "已补充现场检查笔录，理由如下".into(),
    }]
}

async fn add_user(d: &District, id: &str, role: Role) -> UserId {
    let user = UserId::new(id).unwrap();
    d.services
        .register_user(
            &d.admin,
            &user,
            UserProfile {
                username: id.into(),
                name: id.into(),
                officer: None,
            },
        )
        .await
        .unwrap();
    d.services
        .grant_role(
            &d.admin,
            &user,
            RoleGrant {
                role,
                body: Some(BodyId::new(BODY_A).unwrap()),
            },
        )
        .await
        .unwrap();
    user
}

async fn review_passes_first_time_and_then_the_decision_is_numbered(d: &District) {
    let mut w = at_decision(d).await;
    check_refused(decide(&mut w, "ahead").await, "L2-a");
    submit(&mut w, vec![]).await.unwrap();
    let state = review(&w).await;
    assert_eq!(state.status, ReviewStatus::Pending);
    let round = state.current().unwrap();
    assert_eq!(round.version, 1);
    // L6-a/L2-b: every record of the case at submission time is frozen with its hash.
    let case = w.view().await;
    assert_eq!(round.frozen.len() as u64, case.last_seq.0 - 1);
    assert_eq!(round.draft_hash.len(), 64);
    let queue = d
        .services
        .pending_reviews(&d.ctx("rev").await, date!(2024 - 12 - 20))
        .await
        .unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].round, 1);
    assert!(!queue[0].excluded);
    opine(&mut w, "rev", true).await.unwrap();
    assert_eq!(review(&w).await.status, ReviewStatus::Passed);
    decide(&mut w, "ahead").await.unwrap();
    let decision = w.view().await;
    let numbered = decision
        .records
        .iter()
        .find(|r| r.record_type == "r16_penalty_decision")
        .and_then(|r| r.doc_number.clone())
        .unwrap();
    assert_eq!(numbered, "薛市监罚决字〔2024〕1号");
    let stats = d
        .services
        .review_statistics(&d.ctx("sup").await, None)
        .await
        .unwrap();
    let a = stats.iter().find(|s| s.body.as_str() == BODY_A).unwrap();
    assert_eq!((a.reviews, a.rounds, a.first_round_passed), (1, 1, 1));
    assert!((a.first_round_pass_rate - 1.0).abs() < 1e-9);
    assert!(a.has_review_office);
}

async fn failed_review_is_fixed_resubmitted_and_passes_in_round_two(d: &District) {
    let mut w = at_decision(d).await;
    submit(&mut w, vec![]).await.unwrap();
    opine(&mut w, "rev", false).await.unwrap();
    assert_eq!(review(&w).await.status, ReviewStatus::Returned);
    check_refused(decide(&mut w, "ahead").await, "L2-a");
    // L10-b: the resubmission answers every listed problem.
    check_refused(submit(&mut w, vec![]).await, "L10-b");
    submit(&mut w, answered("已处理")).await.unwrap();
    let state = review(&w).await;
    assert_eq!(state.rounds.len(), 2);
    assert_eq!(state.rounds[1].previous, Some(state.rounds[0].submission));
    opine(&mut w, "rev", true).await.unwrap();
    decide(&mut w, "ahead").await.unwrap();
    let stats = d
        .services
        .review_statistics(&d.ctx("ahead").await, Some(BodyId::new(BODY_A).unwrap()))
        .await
        .unwrap();
    assert_eq!((stats[0].rounds, stats[0].first_round_passed), (2, 0));
    assert_eq!(stats[0].issues_by_point.get("L7.4"), Some(&1));
}

async fn supplement_request_holds_the_review_but_not_the_ninety_day_clock(d: &District) {
    let mut w = at_decision(d).await;
    let case_id = w.case_id.clone().unwrap();
    let ctx = d.ctx("ahead").await;
    let due_before = d.services.case_deadlines(&ctx, &case_id).await.unwrap();
    submit(&mut w, vec![]).await.unwrap();
    let submission = review(&w).await.current().unwrap().submission.0;
    let request = add(
        &w,
        "rev",
        "l9_supplement_request",
        json!({"submission_ref": submission, "items": "请补充抽样检验报告"}),
    )
    .await
    .unwrap();
    assert_eq!(review(&w).await.status, ReviewStatus::AwaitingSupplement);
    // No opinion while the supplement is outstanding.
    check_refused(opine(&mut w, "rev", true).await, "L9-a");
    add(
        &w,
        "rev",
        "l9_review_meeting",
        json!({"submission_ref": submission, "form": "专家论证会",
               "participants": [{"name": "王教授", "affiliation": "某大学", "field": "食品安全"}],
               "questions": "检验方法是否合规", "conclusions": "合规"}),
    )
    .await
    .unwrap();
    add(
        &w,
        "off1",
        "l9_supplement_reply",
        json!({"request_ref": request.seq.0, "explanation": "已补充检验报告"}),
    )
    .await
    .unwrap();
    let state = review(&w).await;
    assert_eq!(state.status, ReviewStatus::Pending);
    assert_eq!(state.current().unwrap().meetings.len(), 1);
    opine(&mut w, "rev", true).await.unwrap();
    // L11-b: review time counts toward the handling period — the decision deadline is unchanged.
    let due_after = d.services.case_deadlines(&ctx, &case_id).await.unwrap();
    let decision_due = |rows: &[liuhen_core::ports::DeadlineRow]| {
        rows.iter().find(|r| r.key == "decision").map(|r| r.due)
    };
    assert!(decision_due(&due_before).is_some());
    assert_eq!(decision_due(&due_before), decision_due(&due_after));
    decide(&mut w, "ahead").await.unwrap();
}

async fn escalated(d: &District) -> Walker<'_> {
    let mut w = at_decision(d).await;
    submit(&mut w, vec![]).await.unwrap();
    opine(&mut w, "rev", false).await.unwrap();
    // L10-c: no escalation before the unit disagreed.
    let submission = review(&w).await.current().unwrap().submission.0;
    let escalation = json!({"submission_ref": submission, "review_position": "证据不足",
                            "unit_position": "证据充分"});
    check_refused(add(&w, "rev", "l10_escalation", escalation).await, "L10-c");
    submit(&mut w, answered("不同意")).await.unwrap();
    opine(&mut w, "rev", false).await.unwrap();
    let submission = review(&w).await.current().unwrap().submission.0;
    add(
        &w,
        "rev",
        "l10_escalation",
        json!({"submission_ref": submission, "review_position": "证据不足",
               "unit_position": "证据充分"}),
    )
    .await
    .unwrap();
    assert_eq!(review(&w).await.status, ReviewStatus::Escalated);
    w
}

async fn escalation_decided_for_the_unit_counts_as_passed_per_i11(d: &District) {
    let mut w = escalated(d).await;
    check_refused(decide(&mut w, "ahead").await, "L2-a");
    let queue = d
        .services
        .pending_reviews(&d.ctx("ahead").await, date!(2024 - 12 - 20))
        .await
        .unwrap();
    assert!(
        queue
            .iter()
            .any(|p| p.status == ReviewStatus::Escalated && p.round == 2)
    );
    let escalation = review(&w).await.current().unwrap().escalation.unwrap().0;
    // Only the agency head decides (L10-c).
    let decision =
        json!({"escalation_ref": escalation, "adopt_unit_opinion": true, "reasons": "证据充分"});
    assert!(
        add(&w, "rev", "l10_head_decision", decision.clone())
            .await
            .is_err()
    );
    add(&w, "ahead", "l10_head_decision", decision)
        .await
        .unwrap();
    assert_eq!(review(&w).await.status, ReviewStatus::HeadDecided);
    decide(&mut w, "ahead").await.unwrap();
}

async fn escalation_decided_for_the_review_returns_the_case(d: &District) {
    let mut w = escalated(d).await;
    let escalation = review(&w).await.current().unwrap().escalation.unwrap().0;
    add(
        &w,
        "ahead",
        "l10_head_decision",
        json!({"escalation_ref": escalation, "adopt_unit_opinion": false, "reasons": "采纳审核意见"}),
    )
    .await
    .unwrap();
    assert_eq!(review(&w).await.status, ReviewStatus::Returned);
    check_refused(decide(&mut w, "ahead").await, "L2-a");
}

async fn collective_discussion_before_a_passed_review_is_refused_citing_l11_a(d: &District) {
    let mut w = at_decision(d).await;
    let input = w.input("r16_collective_discussion").await;
    let spec = w.spec("r16_collective_discussion");
    check_refused(w.add_input(&spec, input.clone()).await, "L11-a");
    submit(&mut w, vec![]).await.unwrap();
    check_refused(w.add_input(&spec, input).await, "L11-a");
    opine(&mut w, "rev", true).await.unwrap();
    // I12: the meeting may not be dated before the pass.
    let mut early = w.input("r16_collective_discussion").await;
    early.event_time = d.services.now() - Duration::days(1);
    check_refused(w.add_input(&spec, early).await, "L11-a");
    let mut later = w.input("r16_collective_discussion").await;
    later.event_time = d.services.now();
    w.add_input(&spec, later).await.unwrap();
}

async fn decision_before_review_is_refused_for_every_role_and_logged(d: &District) {
    let mut w = at_decision(d).await;
    // A user holding SYSADMIN together with every body role still meets the gate.
    let all = add_user(d, "all", Role::AgencyHead).await;
    for role in [
        Role::Officer,
        Role::UnitHead,
        Role::Reviewer,
        Role::Archivist,
    ] {
        d.services
            .grant_role(
                &d.admin,
                &all,
                RoleGrant {
                    role,
                    body: Some(BodyId::new(BODY_A).unwrap()),
                },
            )
            .await
            .unwrap();
    }
    d.services
        .grant_role(
            &d.admin,
            &all,
            RoleGrant {
                role: Role::SysAdmin,
                body: None,
            },
        )
        .await
        .unwrap();
    for user in ["ahead", "all"] {
        check_refused(decide(&mut w, user).await, "L2-a");
    }
    for user in ["off1", "uhead", "rev", "arch", "sup", "admin", "offb"] {
        assert!(
            decide(&mut w, user).await.is_err(),
            "{user} must be refused"
        );
    }
    let case = w.view().await;
    assert!(!case.has("r16_penalty_decision"));
    // No document number was consumed.
    let bodies = d.services.bodies(&d.admin).await.unwrap();
    let a = bodies.iter().find(|b| b.id.as_str() == BODY_A).unwrap();
    assert!(!a.counters.keys().any(|k| k.starts_with("doc:罚决字")));
    // Blocked attempts are audited with the rule ID.
    let audit = d
        .store
        .read_audit(&AuditQuery {
            object_prefix: Some(format!("case/{}", case.id)),
            user: None,
            limit: 1000,
        })
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .filter(|e| e.action == "refused" && e.outcome.contains("L2-a"))
            .count()
            >= 2
    );
}

async fn a_reviewer_who_handled_the_case_is_refused_citing_l3_a(d: &District) {
    let mut w = at_decision(d).await;
    // off1 recorded the investigation; give them the REVIEWER role and a qualification.
    d.services
        .grant_role(
            &d.admin,
            &UserId::new("off1").unwrap(),
            RoleGrant {
                role: Role::Reviewer,
                body: Some(BodyId::new(BODY_A).unwrap()),
            },
        )
        .await
        .unwrap();
    d.services
        .record_reviewer_qualification(&d.admin, &UserId::new("off1").unwrap(), qualified())
        .await
        .unwrap();
    submit(&mut w, vec![]).await.unwrap();
    let queue = d
        .services
        .pending_reviews(&d.ctx("off1").await, date!(2024 - 12 - 20))
        .await
        .unwrap();
    assert!(queue[0].excluded);
    check_refused(opine(&mut w, "off1", true).await, "L3-a");
}

fn qualified() -> ReviewerQualification {
    ReviewerQualification {
        has_qualification: true,
        certificate_no: Some("A20200001".into()),
        obtained_on: Some(date!(2020 - 03 - 01)),
        obtained_by: Some(liuhen_core::review::QUALIFYING_EXAM.into()),
        first_penalty_review_on: None,
        evidence: "证书".into(),
    }
}

async fn an_unqualified_first_time_reviewer_is_refused_and_a_pre_p5_reviewer_allowed(d: &District) {
    let mut w = at_decision(d).await;
    let rev2 = add_user(d, "rev2", Role::Reviewer).await;
    submit(&mut w, vec![]).await.unwrap();
    check_refused(opine(&mut w, "rev2", true).await, "L3-c");
    // First engaged on the cut-off day itself: still 初次从事 (I10, P5 = 2024-09-01).
    let on_p5 = ReviewerQualification {
        has_qualification: false,
        certificate_no: None,
        obtained_on: None,
        obtained_by: None,
        first_penalty_review_on: Some(date!(2024 - 09 - 01)),
        evidence: "任职文件".into(),
    };
    d.services
        .record_reviewer_qualification(&d.admin, &rev2, on_p5.clone())
        .await
        .unwrap();
    check_refused(opine(&mut w, "rev2", true).await, "L3-c");
    let before_p5 = ReviewerQualification {
        first_penalty_review_on: Some(date!(2023 - 05 - 01)),
        ..on_p5
    };
    d.services
        .record_reviewer_qualification(&d.admin, &rev2, before_p5)
        .await
        .unwrap();
    opine(&mut w, "rev2", true).await.unwrap();
}

async fn a_changed_record_after_submission_invalidates_the_frozen_package(d: &District) {
    let mut w = at_decision(d).await;
    submit(&mut w, vec![]).await.unwrap();
    opine(&mut w, "rev", true).await.unwrap();
    // Correct a frozen record (R4-a supersede): the approval lapses (L2-b).
    let view = w.view().await;
    let target = view
        .records
        .iter()
        .find(|r| r.record_type == "investigation_concluded")
        .unwrap()
        .seq;
    let mut correction = w.input("investigation_concluded").await;
    correction.supersedes = Some(target);
    let spec = w.spec("investigation_concluded");
    w.add_input(&spec, correction).await.unwrap();
    let state = review(&w).await;
    assert_eq!(state.status, ReviewStatus::Invalidated);
    check_refused(decide(&mut w, "ahead").await, "L2-a");
    check_refused(opine(&mut w, "rev", true).await, "L2-b");
    submit(&mut w, vec![]).await.unwrap();
    opine(&mut w, "rev", true).await.unwrap();
    // A new draft decision also invalidates.
    w.add("r13_examination").await.unwrap();
    assert_eq!(review(&w).await.status, ReviewStatus::Invalidated);
    check_refused(decide(&mut w, "ahead").await, "L2-a");
}

async fn review_records_cannot_be_voided_even_by_heads(d: &District) {
    let w = at_decision(d).await;
    let mark = add(
        &w,
        "rev",
        "l4_review_mark",
        json!({"reason": "社会影响较大"}),
    )
    .await
    .unwrap();
    for user in ["uhead", "ahead", "rev"] {
        let ctx = d.ctx(user).await;
        let void = RecordInput {
            record_type: "sys_void".into(),
            event_time: d.services.now(),
            event_end: None,
            data: json!({"reason": "撤销标记"}).as_object().cloned().unwrap(),
            files: vec![],
            supersedes: Some(StreamSeq(mark.seq.0)),
        };
        let result = d
            .services
            .add_record(&ctx, w.case_id.as_ref().unwrap(), void)
            .await;
        check_refused(result, "L4-e");
    }
}

async fn on_the_spot_penalty_needs_no_review(d: &District) {
    let mut w = Walker::new(d, "penalty_summary");
    w.walk().await.unwrap();
    let case = w.view().await;
    assert!(case.has("penalty_on_the_spot_decision"));
    assert!(!case.review_required());
    assert_eq!(review(&w).await.status, ReviewStatus::NotSubmitted);
}

async fn rebuild_replays_catalogue_and_reviewer_streams(d: &District) {
    let mut w = at_decision(d).await;
    submit(&mut w, vec![]).await.unwrap();
    opine(&mut w, "rev", true).await.unwrap();
    let ahead = d.ctx("ahead").await;
    d.services
        .set_catalogue_entry(
            &ahead,
            &BodyId::new(BODY_A).unwrap(),
            CatalogueEntry {
                id: "SJ-01".into(),
                title: "较大数额罚款".into(),
                action: Some("penalty".into()),
                level: None,
                domain: None,
                min_amount_fen: Some(1),
                power_items: vec![],
                triggers: vec![],
                basis: String::new(),
                withdrawn: false,
            },
        )
        .await
        .unwrap();
    let report = d.services.rebuild().await.unwrap();
    assert_eq!(d.store.log_state().await.unwrap().size, report.records);
    assert_eq!(review(&w).await.status, ReviewStatus::Passed);
}

common::on_every_store!(
    review_passes_first_time_and_then_the_decision_is_numbered,
    failed_review_is_fixed_resubmitted_and_passes_in_round_two,
    supplement_request_holds_the_review_but_not_the_ninety_day_clock,
    escalation_decided_for_the_unit_counts_as_passed_per_i11,
    escalation_decided_for_the_review_returns_the_case,
    collective_discussion_before_a_passed_review_is_refused_citing_l11_a,
    decision_before_review_is_refused_for_every_role_and_logged,
    a_reviewer_who_handled_the_case_is_refused_citing_l3_a,
    an_unqualified_first_time_reviewer_is_refused_and_a_pre_p5_reviewer_allowed,
    a_changed_record_after_submission_invalidates_the_frozen_package,
    review_records_cannot_be_voided_even_by_heads,
    on_the_spot_penalty_needs_no_review,
    rebuild_replays_catalogue_and_reviewer_streams,
);
