//! The automated pre-checks of the review screen (L7-b) and the R4-d late-entry flag, through
//! `Services::review_prechecks`: a clean case passes every pre-check, and each kind of failure
//! is found — L7.1 (no power item; entrustment ended), L7.2 (credential suspended before an act;
//! credentials not shown), L7.3 (voided mandatory record, R14 response missing and notice not
//! served, postal service without receipt, A/V coverage lost, late entry), L7.6 (amount above
//! the power item's limit), L7.7 (wrong document number on a service record). Also the review of
//! an entrusted organisation's case by the delegating body's office and head (L2-c, I13, L10-c).
//!
//! The clock follows the walker (`keep_up`), so entries are timely unless a test makes one late.

mod common;

use common::{BODY_A, District, Walker, district};
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, CaseId, OfficerId, PowerItemId, StreamSeq, UnitId, UserId};
use liuhen_core::ports::{AuditQuery, Receipt};
use liuhen_core::registry::{
    BodyKind, BodyProfile, CredentialStatus, Entrustment, RoleGrant, Unit, UserProfile, uscc,
};
use liuhen_core::review::precheck::{Precheck, PrecheckReport, PrecheckStatus};
use liuhen_core::review::state::ProblemResponse;
use liuhen_core::review::{AmountLimit, ReviewStatus, ReviewerQualification};
use liuhen_core::role::Role;
use liuhen_core::service::review::SubmissionInput;
use liuhen_core::service::{OpenCase, RecordInput};
use serde_json::{Map, Value, json};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

const ENTRUSTED: &str = "xc-scjgj-wt";

/// Moves the clock just past the walker's next events, so that entries are timely (R4-d).
fn keep_up(w: &Walker<'_>) {
    set_clock(w.district, w.time + Duration::hours(6));
}

fn set_clock(d: &District, at: OffsetDateTime) {
    *d.clock.0.lock().unwrap() = at;
}

async fn ensure(w: &mut Walker<'_>, record_type: &str) {
    keep_up(w);
    w.ensure(record_type)
        .await
        .unwrap_or_else(|err| panic!("{record_type}: {err}"));
}

fn latest(w_view: &liuhen_core::case::CaseView, record_type: &str) -> StreamSeq {
    w_view
        .records
        .iter()
        .rev()
        .find(|r| r.is_effective() && r.record_type == record_type)
        .map(|r| r.seq)
        .unwrap_or_else(|| panic!("no {record_type}"))
}

/// Adds `input` as `user` (any body), with the clock kept up.
async fn add_as(w: &Walker<'_>, user: &str, input: RecordInput) -> Result<Receipt, CoreError> {
    keep_up(w);
    let ctx = w.district.ctx(user).await;
    w.district
        .services
        .add_record(&ctx, w.case_id.as_ref().unwrap(), input)
        .await
}

/// A service record of `record_type` serving the record `target`, listing its 文号 (or
/// `number` when given, to test L7.7).
async fn serve_input(
    w: &mut Walker<'_>,
    record_type: &str,
    target: StreamSeq,
    number: Option<&str>,
) -> RecordInput {
    let mut input = w.input(record_type).await;
    let view = w.view().await;
    let doc_number = number
        .map(str::to_owned)
        .or_else(|| view.record(target).and_then(|r| r.doc_number.clone()))
        .unwrap();
    let listed = json!([{"name": "行政处罚告知书", "number": doc_number}]);
    input.data.insert("document_refs".into(), json!([target.0]));
    for field in ["documents", "mailing_list"] {
        if input.data.contains_key(field) {
            input.data.insert(field.into(), listed.clone());
        }
    }
    input
}

async fn serve(w: &mut Walker<'_>, record_type: &str, target: StreamSeq, number: Option<&str>) {
    let input = serve_input(w, record_type, target, number).await;
    add_as(w, "off1", input).await.unwrap();
}

/// A penalty case at the decision point with every record the pre-checks look at in order:
/// the notice of the rights to statement and defence served directly, the response recorded.
async fn clean_case(d: &District) -> Walker<'_> {
    let mut w = until_notice(d).await;
    let notice = latest(&w.view().await, "r14_statement_notice");
    serve(&mut w, "r18_direct_delivery", notice, None).await;
    for record_type in ["r14_statement_response", "r13_head_approval"] {
        ensure(&mut w, record_type).await;
    }
    w
}

/// A penalty case up to the notice of the rights to statement and defence (not served).
async fn until_notice(d: &District) -> Walker<'_> {
    let mut w = Walker::new(d, "penalty_ordinary");
    keep_up(&w);
    w.open("r8_initiation").await.unwrap();
    for record_type in [
        "r8_unit_opinion",
        "r8_head_opinion",
        "investigation_concluded",
        "r13_examination",
        "r13_unit_review",
        "r14_statement_notice",
    ] {
        ensure(&mut w, record_type).await;
    }
    w
}

fn submission_of(
    view: &liuhen_core::case::CaseView,
    responses: Vec<ProblemResponse>,
) -> SubmissionInput {
    SubmissionInput {
        draft_ref: latest(view, "r13_examination"),
        draft_decision: "拟对当事人处以罚款人民币五千元".into(),
        evidence: vec![
            latest(view, "r8_initiation"),
            latest(view, "investigation_concluded"),
        ],
        legal_basis: "《中华人民共和国食品安全法》第一百二十四条".into(),
        discretion_standard: "一般情节，中间档".into(),
        summary: "当事人经营超过保质期的食品".into(),
        responses,
        attest: true,
    }
}

async fn submit_as(w: &Walker<'_>, user: &str, responses: Vec<ProblemResponse>) {
    keep_up(w);
    let view = w.view().await;
    let ctx = w.district.ctx(user).await;
    w.district
        .services
        .submit_for_review(
            &ctx,
            w.case_id.as_ref().unwrap(),
            submission_of(&view, responses),
        )
        .await
        .unwrap();
}

async fn prechecks(w: &Walker<'_>, user: &str) -> PrecheckReport {
    let ctx = w.district.ctx(user).await;
    w.district
        .services
        .review_prechecks(&ctx, w.case_id.as_ref().unwrap())
        .await
        .unwrap()
}

fn point<'r>(report: &'r PrecheckReport, point: &str) -> &'r Precheck {
    report
        .checks
        .iter()
        .find(|c| c.point == point)
        .unwrap_or_else(|| panic!("no pre-check {point}: {report:#?}"))
}

/// The rule IDs of the failing findings of a pre-check.
fn failing(check: &Precheck) -> Vec<String> {
    check
        .findings
        .iter()
        .filter(|f| f.fails)
        .flat_map(|f| f.ids.iter().map(|id| id.as_str().to_owned()))
        .collect()
}

/// Expects `status` for `point`, and (when failed) a failing finding citing `id`.
fn check(report: &PrecheckReport, point_id: &str, status: PrecheckStatus, id: Option<&str>) {
    let found = point(report, point_id);
    assert_eq!(found.status, status, "{point_id}: {:#?}", found.findings);
    if let Some(id) = id {
        assert!(
            failing(found).iter().any(|i| i == id),
            "{point_id} must cite {id}: {:#?}",
            found.findings
        );
    }
}

fn void_input(d: &District, target: StreamSeq) -> RecordInput {
    let mut data = Map::new();
    data.insert("reason".into(), json!("录入错误"));
    RecordInput {
        record_type: "sys_void".into(),
        event_time: d.services.now(),
        event_end: None,
        data,
        files: vec![],
        supersedes: Some(target),
    }
}

fn exception_input(
    d: &District,
    kind: &str,
    missing: &str,
    record: Option<StreamSeq>,
) -> RecordInput {
    let mut data = Map::new();
    data.insert("kind".into(), json!(kind));
    data.insert("missing".into(), json!(missing));
    data.insert("reason".into(), json!("执法记录仪故障，已书面说明"));
    if let Some(record) = record {
        data.insert("record_ref".into(), json!(record.0));
    }
    RecordInput {
        record_type: "stage_exception".into(),
        event_time: d.services.now(),
        event_end: None,
        data,
        files: vec![],
        supersedes: None,
    }
}

async fn a_clean_case_passes_every_precheck_and_the_read_is_audited(d: &District) {
    let w = clean_case(d).await;
    submit_as(&w, "uhead", vec![]).await;
    let report = prechecks(&w, "rev").await;
    for id in ["L7.1", "L7.2", "L7.3", "L7.7"] {
        check(&report, id, PrecheckStatus::Passed, None);
    }
    // No limit is configured for the power item (L7.6 不适用).
    check(&report, "L7.6", PrecheckStatus::NotApplicable, None);
    assert_eq!(report.round, Some(1));
    assert!(report.submission.is_some());
    let case_id = w.case_id.as_ref().unwrap();
    let entries = d
        .services
        .store()
        .read_audit(&AuditQuery {
            object_prefix: Some(format!("case/{case_id}/review/prechecks")),
            user: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert!(
        entries.iter().any(|e| e.action == "read"
            && e.outcome == "ok"
            && e.user.as_ref().is_some_and(|u| u.as_str() == "rev")),
        "{entries:?}"
    );
    // Another body's officer does not learn that the case exists.
    let other = d.ctx("offb").await;
    assert!(matches!(
        d.services.review_prechecks(&other, case_id).await,
        Err(CoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn l7_1_a_case_without_power_item_fails_citing_d4_b() {
    let d = district().await;
    let w = open_penalty_case(&d, "off1", BODY_A, None, "未关联权力事项的案件").await;
    let report = prechecks(&w, "ahead").await;
    check(&report, "L7.1", PrecheckStatus::Failed, Some("D4-b"));
    assert_eq!(report.submission, None);
}

#[tokio::test]
async fn l7_2_a_credential_suspended_before_an_act_is_found_not_one_suspended_after() {
    let d = district().await;
    let w = clean_case(&d).await;
    // Suspended now (after every act): the acts stand.
    let o2 = OfficerId::new("o2").unwrap();
    d.services
        .change_credential_status(
            &d.admin,
            &o2,
            "37040o2",
            CredentialStatus::Suspended,
            "考核不合格",
        )
        .await
        .unwrap();
    check(
        &prechecks(&w, "rev").await,
        "L7.2",
        PrecheckStatus::Passed,
        None,
    );
    // Suspended with effect before the first act (recorded on 2024-10-07).
    let o1 = OfficerId::new("o1").unwrap();
    set_clock(&d, datetime!(2024-10-07 09:00 +8));
    d.services
        .change_credential_status(
            &d.admin,
            &o1,
            "37040o1",
            CredentialStatus::Suspended,
            "暂扣",
        )
        .await
        .unwrap();
    keep_up(&w);
    let report = prechecks(&w, "rev").await;
    check(&report, "L7.2", PrecheckStatus::Failed, Some("D7-a"));
    let l7_2 = point(&report, "L7.2");
    assert!(
        l7_2.findings.iter().all(|f| f.message.contains("o1")),
        "{:#?}",
        l7_2.findings
    );
    assert!(l7_2.findings.iter().all(|f| f.record.is_some()));
}

#[tokio::test]
async fn l7_2_an_onsite_act_without_credentials_shown_is_found() {
    let d = district().await;
    let mut w = Walker::new(&d, "penalty_ordinary");
    keep_up(&w);
    w.open("r8_initiation").await.unwrap();
    for record_type in ["r8_unit_opinion", "r8_head_opinion"] {
        ensure(&mut w, record_type).await;
    }
    let mut input = w.input("r10_4_onsite_inspection").await;
    input.data.insert("credentials_shown".into(), json!(false));
    let inspection = add_as(&w, "off1", input).await.unwrap().seq;
    let report = prechecks(&w, "ahead").await;
    check(&report, "L7.2", PrecheckStatus::Failed, Some("D7-a"));
    assert!(
        point(&report, "L7.2")
            .findings
            .iter()
            .any(|f| f.fails && f.record == Some(inspection) && f.message.contains("出示执法证件")),
        "{report:#?}"
    );
}

#[tokio::test]
async fn l7_3_a_voided_mandatory_record_is_found_until_the_head_records_an_exception() {
    let d = district().await;
    let w = clean_case(&d).await;
    let opinion = latest(&w.view().await, "r8_unit_opinion");
    add_as(&w, "ahead", void_input(&d, opinion)).await.unwrap();
    let report = prechecks(&w, "rev").await;
    check(&report, "L7.3", PrecheckStatus::Failed, Some("R4-c"));
    assert!(
        point(&report, "L7.3")
            .findings
            .iter()
            .any(|f| f.message.contains("立案审批（承办机构意见）")),
        "{report:#?}"
    );
    // R4-c: the head's reasoned exception turns the finding into a note.
    add_as(
        &w,
        "ahead",
        exception_input(&d, "必备记录缺失", "立案审批（承办机构意见）", None),
    )
    .await
    .unwrap();
    let report = prechecks(&w, "rev").await;
    check(&report, "L7.3", PrecheckStatus::Passed, None);
    assert!(point(&report, "L7.3").findings.iter().any(|f| !f.fails));
}

#[tokio::test]
async fn l7_3_a_missing_statement_response_and_an_unserved_notice_are_found() {
    let d = district().await;
    let mut w = until_notice(&d).await;
    let report = prechecks(&w, "ahead").await;
    // R14-c: the notice was given, the response is not recorded; R14-b/R17-a: not served.
    check(&report, "L7.3", PrecheckStatus::Failed, Some("R14-c"));
    check(&report, "L7.3", PrecheckStatus::Failed, Some("R17-a"));
    let notice = latest(&w.view().await, "r14_statement_notice");
    serve(&mut w, "r18_direct_delivery", notice, None).await;
    ensure(&mut w, "r14_statement_response").await;
    check(
        &prechecks(&w, "ahead").await,
        "L7.3",
        PrecheckStatus::Passed,
        None,
    );
}

#[tokio::test]
async fn l7_3_postal_service_counts_only_with_its_return_receipt() {
    let d = district().await;
    let mut w = until_notice(&d).await;
    let notice = latest(&w.view().await, "r14_statement_notice");
    serve(&mut w, "r19_postal_delivery", notice, None).await;
    ensure(&mut w, "r14_statement_response").await;
    let report = prechecks(&w, "ahead").await;
    check(&report, "L7.3", PrecheckStatus::Failed, Some("R19-b"));
    check(&report, "L7.3", PrecheckStatus::Failed, Some("R14-b"));
    ensure(&mut w, "r19_postal_receipt").await;
    check(
        &prechecks(&w, "ahead").await,
        "L7.3",
        PrecheckStatus::Passed,
        None,
    );
}

#[tokio::test]
async fn l7_3_av_coverage_lost_by_a_voided_recording_is_found() {
    let d = district().await;
    let mut w = Walker::new(&d, "penalty_ordinary");
    keep_up(&w);
    w.open("r8_initiation").await.unwrap();
    for record_type in ["r8_unit_opinion", "r8_head_opinion", "seizure_act"] {
        ensure(&mut w, record_type).await;
    }
    check(
        &prechecks(&w, "ahead").await,
        "L7.3",
        PrecheckStatus::Passed,
        None,
    );
    let view = w.view().await;
    let seizure = latest(&view, "seizure_act");
    let recording = latest(&view, "av_record");
    add_as(&w, "ahead", void_input(&d, recording))
        .await
        .unwrap();
    let report = prechecks(&w, "ahead").await;
    check(&report, "L7.3", PrecheckStatus::Failed, Some("R5-a"));
    assert!(
        point(&report, "L7.3")
            .findings
            .iter()
            .any(|f| f.fails && f.record == Some(seizure)),
        "{report:#?}"
    );
    // R5-a: the head's written explanation (device failure) for that act.
    add_as(
        &w,
        "ahead",
        exception_input(&d, "全程音像记录不完整", "查封扣押全程录像", Some(seizure)),
    )
    .await
    .unwrap();
    check(
        &prechecks(&w, "ahead").await,
        "L7.3",
        PrecheckStatus::Passed,
        None,
    );
}

#[tokio::test]
async fn l7_3_a_text_record_entered_more_than_p6_after_its_event_is_a_late_entry_per_r4_d() {
    let d = district().await;
    let mut w = Walker::new(&d, "penalty_ordinary");
    keep_up(&w);
    w.open("r8_initiation").await.unwrap();
    ensure(&mut w, "r8_unit_opinion").await;
    // `add_as` enters at the walker's time + 6 h.
    let mut late = w.input("text_document").await;
    late.event_time = w.time + Duration::hours(6) - Duration::hours(25);
    let late = add_as(&w, "off1", late).await.unwrap().seq;
    let mut timely = w.input("text_document").await;
    timely.event_time = w.time + Duration::hours(6) - Duration::hours(23);
    let timely = add_as(&w, "off1", timely).await.unwrap().seq;
    let report = prechecks(&w, "ahead").await;
    check(&report, "L7.3", PrecheckStatus::Failed, Some("R4-d"));
    let flagged: Vec<Option<StreamSeq>> = point(&report, "L7.3")
        .findings
        .iter()
        .filter(|f| f.ids.iter().any(|id| id.as_str() == "R4-d"))
        .map(|f| f.record)
        .collect();
    assert_eq!(flagged, vec![Some(late)]);
    // The same flag is on the record summary of the case view.
    let view = w.view().await;
    assert!(view.record(late).unwrap().late_entry());
    assert!(!view.record(timely).unwrap().late_entry());
}

#[tokio::test]
async fn l7_6_an_amount_above_the_power_items_limit_is_found() {
    let d = district().await;
    let w = clean_case(&d).await;
    let body = BodyId::new(BODY_A).unwrap();
    let limit = |max: u64, withdrawn: bool| AmountLimit {
        power_item: PowerItemId::new(format!("{BODY_A}-p1")).unwrap(),
        max_amount_fen: max,
        basis: "《山东省行政处罚级别管辖规定》（示例）".into(),
        withdrawn,
    };
    // Kept by the head or the review office only (L5-b).
    let refused = d
        .services
        .set_amount_limit(&d.ctx("off1").await, &body, limit(100_000, false))
        .await
        .unwrap_err();
    assert!(
        refused
            .refusal()
            .is_some_and(|r| r.ids.iter().any(|i| i.as_str() == "L5-b"))
    );
    let head = d.ctx("ahead").await;
    // The case's 涉案金额 is 5000 yuan (500000 分, entered at initiation).
    d.services
        .set_amount_limit(&head, &body, limit(100_000, false))
        .await
        .unwrap();
    check(
        &prechecks(&w, "rev").await,
        "L7.6",
        PrecheckStatus::Failed,
        Some("L7-b"),
    );
    d.services
        .set_amount_limit(&head, &body, limit(1_000_000, false))
        .await
        .unwrap();
    check(
        &prechecks(&w, "rev").await,
        "L7.6",
        PrecheckStatus::Passed,
        None,
    );
    d.services
        .set_amount_limit(&head, &body, limit(0, true))
        .await
        .unwrap();
    check(
        &prechecks(&w, "rev").await,
        "L7.6",
        PrecheckStatus::NotApplicable,
        None,
    );
    let catalogue = d
        .services
        .review_catalogue(&head, &body, None)
        .await
        .unwrap();
    assert!(catalogue.amount_limits.is_empty());
}

#[tokio::test]
async fn l7_7_a_service_record_listing_another_number_is_found() {
    let d = district().await;
    let mut w = until_notice(&d).await;
    let notice = latest(&w.view().await, "r14_statement_notice");
    serve(
        &mut w,
        "r18_direct_delivery",
        notice,
        Some("薛市监告字〔2024〕99号"),
    )
    .await;
    let report = prechecks(&w, "ahead").await;
    check(&report, "L7.7", PrecheckStatus::Failed, Some("R18-a"));
    // The notice itself carries its number (R26-b).
    let view = w.view().await;
    assert!(view.record(notice).unwrap().doc_number.is_some());
}

// ---------------------------------------------------------------------------------------------
// Entrusted organisations (L2-c, I13, L10-c)

/// A valid 统一社会信用代码 with the given first 17 characters (GB 32100 check character).
fn with_check_character(first17: &str) -> String {
    "0123456789ABCDEFGHJKLMNPQRTUWXY"
        .chars()
        .map(|c| format!("{first17}{c}"))
        .find(|code| uscc::is_valid(code))
        .unwrap()
}

async fn add_user(d: &District, id: &str, role: Role, body: &str) {
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
                body: Some(BodyId::new(body).unwrap()),
            },
        )
        .await
        .unwrap();
}

/// Body A entrusts an organisation with its power item for 2024-01-01 – 2025-06-30; the
/// organisation has an officer, a unit head, a head and — wrongly — a reviewer of its own.
async fn entrust(d: &District) {
    let body = BodyId::new(ENTRUSTED).unwrap();
    let profile = BodyProfile {
        name: "薛城区市场监管综合服务中心".into(),
        short_name: "薛市监委".into(),
        kind: BodyKind::Entrusted,
        uscc: with_check_character("12370403MB0000001"),
        parent: Some(BodyId::new(BODY_A).unwrap()),
        entrustment: Some(Entrustment {
            delegating_body: BodyId::new(BODY_A).unwrap(),
            basis: vec!["《中华人民共和国行政处罚法》第二十条".into()],
            matters: vec![format!("{BODY_A}-p1")],
            scope: "食品经营违法行为的行政处罚".into(),
            period_from: date!(2024 - 01 - 01),
            period_to: date!(2025 - 06 - 30),
            rights_and_duties: "以委托机关名义实施".into(),
            liability: "委托机关承担法律责任".into(),
        }),
        duties: "受委托实施行政处罚".into(),
        address: "薛城区".into(),
    };
    d.services
        .register_body(&d.admin, &body, profile)
        .await
        .unwrap();
    d.services
        .register_unit(
            &d.admin,
            &body,
            Unit {
                id: UnitId::new("handling").unwrap(),
                name: "执法科".into(),
                duties: String::new(),
                address: String::new(),
                legal_review: false,
            },
        )
        .await
        .unwrap();
    for (user, role) in [
        ("offe", Role::Officer),
        ("uhe", Role::UnitHead),
        ("aheade", Role::AgencyHead),
        ("reve", Role::Reviewer),
    ] {
        add_user(d, user, role, ENTRUSTED).await;
    }
    d.services
        .record_reviewer_qualification(
            &d.admin,
            &UserId::new("reve").unwrap(),
            ReviewerQualification {
                has_qualification: true,
                certificate_no: Some("A20193704000002".into()),
                obtained_on: Some(date!(2019 - 03 - 01)),
                obtained_by: Some(liuhen_core::review::QUALIFYING_EXAM.into()),
                first_penalty_review_on: None,
                evidence: "法律职业资格证书".into(),
            },
        )
        .await
        .unwrap();
}

/// A penalty case of `body` opened by `user` with `power_item`, the walker at its initiation.
async fn open_penalty_case<'d>(
    d: &'d District,
    user: &str,
    body: &str,
    power_item: Option<PowerItemId>,
    title: &str,
) -> Walker<'d> {
    let mut w = Walker::new(d, "penalty_ordinary");
    keep_up(&w);
    let spec = w.spec("r8_initiation");
    let at = w.time + Duration::hours(1);
    let intake = RecordInput {
        record_type: "r8_initiation".into(),
        event_time: at,
        event_end: None,
        data: w.fill(&spec, None, at),
        files: vec![],
        supersedes: None,
    };
    let receipt = d
        .services
        .open_case(
            &d.ctx(user).await,
            OpenCase {
                procedure: "penalty_ordinary".into(),
                body: BodyId::new(body).unwrap(),
                power_item,
                title: title.into(),
                intake,
            },
        )
        .await
        .unwrap();
    w.case_id = Some(receipt.case_id);
    w.time = at;
    w
}

/// The organisation's penalty case at the decision point, entered by its own staff (the
/// officers named are body A's, which an entrusted organisation may use, D4-e).
async fn entrusted_case(d: &District) -> Walker<'_> {
    let power_item = PowerItemId::new(format!("{BODY_A}-p1")).unwrap();
    let mut w = open_penalty_case(
        d,
        "offe",
        ENTRUSTED,
        Some(power_item),
        "受委托组织办理的案件",
    )
    .await;
    for (user, record_type) in [
        ("uhe", "r8_unit_opinion"),
        ("aheade", "r8_head_opinion"),
        ("offe", "investigation_concluded"),
        ("offe", "r13_examination"),
        ("uhe", "r13_unit_review"),
        ("offe", "r14_statement_notice"),
    ] {
        let input = w.input(record_type).await;
        add_as(&w, user, input)
            .await
            .unwrap_or_else(|err| panic!("{record_type}: {err}"));
    }
    let notice = latest(&w.view().await, "r14_statement_notice");
    let input = serve_input(&mut w, "r18_direct_delivery", notice, None).await;
    add_as(&w, "offe", input).await.unwrap();
    for (user, record_type) in [
        ("offe", "r14_statement_response"),
        ("aheade", "r13_head_approval"),
    ] {
        let input = w.input(record_type).await;
        add_as(&w, user, input)
            .await
            .unwrap_or_else(|err| panic!("{record_type}: {err}"));
    }
    w
}

async fn opinion(w: &Walker<'_>, user: &str, approve: bool) -> Result<Receipt, CoreError> {
    let ctx = w.district.ctx("ahead").await;
    let case_id: &CaseId = w.case_id.as_ref().unwrap();
    let submission = w
        .district
        .services
        .review(&ctx, case_id)
        .await
        .unwrap()
        .current()
        .unwrap()
        .submission;
    let mut data = Map::new();
    for i in 1..=9 {
        let finding = match i {
            8 => "否",
            9 => "无",
            4 if !approve => "不符合",
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
    if approve {
        data.insert("opinion".into(), json!("同意"));
    } else {
        data.insert(
            "problems".into(),
            json!([{"item": "L7.4", "problem": "证据不足", "suggestion": "补充现场检查笔录"}]),
        );
    }
    let record_type = if approve {
        "l8_review_approved"
    } else {
        "l10_review_problems"
    };
    add_as(
        w,
        user,
        record(w.district, record_type, Value::Object(data)),
    )
    .await
}

fn record(d: &District, record_type: &str, data: Value) -> RecordInput {
    RecordInput {
        record_type: record_type.into(),
        event_time: d.services.now(),
        event_end: None,
        data: data.as_object().cloned().unwrap_or_default(),
        files: vec![],
        supersedes: None,
    }
}

fn cites(result: Result<Receipt, CoreError>, id: &str) {
    match result {
        Ok(receipt) => panic!("expected a refusal citing {id}, got {receipt:?}"),
        Err(err) => assert!(
            err.refusal()
                .is_some_and(|r| r.ids.iter().any(|i| i.as_str() == id)),
            "expected {id}: {err}"
        ),
    }
}

async fn status(w: &Walker<'_>) -> ReviewStatus {
    let ctx = w.district.ctx("ahead").await;
    w.district
        .services
        .review(&ctx, w.case_id.as_ref().unwrap())
        .await
        .unwrap()
        .status
}

async fn an_entrusted_organisations_case_is_reviewed_by_the_delegating_bodys_office_and_head(
    d: &District,
) {
    entrust(d).await;
    let w = entrusted_case(d).await;
    submit_as(&w, "uhe", vec![]).await;
    let today = w.time.date();
    // The delegating body's reviewer has the case in the queue; the organisation's own does not.
    let queue = d
        .services
        .pending_reviews(&d.ctx("rev").await, today)
        .await
        .unwrap();
    assert!(
        queue
            .iter()
            .any(|p| Some(&p.case_id) == w.case_id.as_ref() && p.body.as_str() == ENTRUSTED),
        "{queue:?}"
    );
    let own = d
        .services
        .pending_reviews(&d.ctx("reve").await, today)
        .await
        .unwrap();
    assert!(own.is_empty(), "{own:?}");
    cites(opinion(&w, "reve", true).await, "L2-c");
    // L7.1: the delegation covers the power item on every act date and today.
    let report = prechecks(&w, "rev").await;
    check(&report, "L7.1", PrecheckStatus::Passed, None);
    // Problems, a disagreeing resubmission, the problem maintained, escalation (L10).
    opinion(&w, "rev", false).await.unwrap();
    submit_as(
        &w,
        "uhe",
        vec![ProblemResponse {
            problem_no: 1,
            answer: "不同意".into(),
            detail: "现有证据足以认定".into(),
        }],
    )
    .await;
    opinion(&w, "rev", false).await.unwrap();
    let ctx = d.ctx("ahead").await;
    let case_id = w.case_id.clone().unwrap();
    let submission = d
        .services
        .review(&ctx, &case_id)
        .await
        .unwrap()
        .current()
        .unwrap()
        .submission;
    add_as(
        &w,
        "rev",
        record(
            d,
            "l10_escalation",
            json!({"submission_ref": submission.0, "review_position": "证据不足", "unit_position": "证据充分"}),
        ),
    )
    .await
    .unwrap();
    assert_eq!(status(&w).await, ReviewStatus::Escalated);
    // The delegating body's head has it in the queue and decides; the organisation's head not.
    let heads = d.services.pending_reviews(&ctx, today).await.unwrap();
    assert!(
        heads.iter().any(|p| p.status == ReviewStatus::Escalated),
        "{heads:?}"
    );
    let escalation = d
        .services
        .review(&ctx, &case_id)
        .await
        .unwrap()
        .current()
        .unwrap()
        .escalation
        .unwrap();
    let decision =
        json!({"escalation_ref": escalation.0, "adopt_unit_opinion": true, "reasons": "证据充分"});
    cites(
        add_as(
            &w,
            "aheade",
            record(d, "l10_head_decision", decision.clone()),
        )
        .await,
        "L2-c",
    );
    add_as(&w, "ahead", record(d, "l10_head_decision", decision))
        .await
        .unwrap();
    assert_eq!(status(&w).await, ReviewStatus::HeadDecided);
    // The delegating body's unit head is not given the organisation's cases.
    assert!(matches!(
        d.services.review(&d.ctx("uhead").await, &case_id).await,
        Err(CoreError::NotFound(_))
    ));
    // After the entrustment ends, a decision would be outside it (L7.1, D4-e).
    set_clock(d, datetime!(2025-07-01 10:00 +8));
    check(
        &prechecks(&w, "rev").await,
        "L7.1",
        PrecheckStatus::Failed,
        Some("D4-e"),
    );
}

common::on_every_store!(
    a_clean_case_passes_every_precheck_and_the_read_is_audited,
    an_entrusted_organisations_case_is_reviewed_by_the_delegating_bodys_office_and_head,
);
