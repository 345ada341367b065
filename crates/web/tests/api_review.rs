//! Legal review (issue 7, L1–L14) through the real router: the reviewer's queue, the L2-a gate
//! for every role, a review passed first time followed by the decision, supervision statistics,
//! the catalogue, reviewer qualification, and the deadlines of a case.
//!
//! Cases are walked to the decision point through the core harness (the fixtures are not what
//! is tested); every review step under test goes over HTTP.

mod common;

use axum::http::{Method, StatusCode};
use common::{Api, BODY_A, Walker, api, assert_error};
use liuhen_core::service::RecordInput;
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

/// The JSON body of `POST /cases/{id}/records` for a core record input.
fn record_body(input: &RecordInput) -> Value {
    let mut body = json!({
        "record_type": input.record_type,
        "event_time": input.event_time.format(&Rfc3339).unwrap(),
        "data": Value::Object(input.data.clone()),
    });
    if let Some(end) = input.event_end {
        body["event_end"] = json!(end.format(&Rfc3339).unwrap());
    }
    body
}

/// A penalty case with every prerequisite of the decision except legal review (as the core's
/// review tests prepare it).
async fn at_decision(api: &Api) -> (Walker<'_>, String) {
    let mut walker = Walker::new(&api.district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    for record_type in [
        "r8_unit_opinion",
        "r8_head_opinion",
        "investigation_concluded",
        "r13_examination",
        "r13_unit_review",
        "r14_statement_notice",
        "r14_statement_response",
        "r13_head_approval",
    ] {
        walker.ensure(record_type).await.unwrap();
    }
    walker.time += Duration::days(2);
    let case_id = walker.case_id.clone().unwrap().to_string();
    (walker, case_id)
}

/// Submits the case for review over HTTP as the handling unit's head.
async fn submit(api: &Api, walker: &Walker<'_>, case_id: &str) -> Value {
    let view = walker.view().await;
    let latest = |record_type: &str| {
        view.records
            .iter()
            .rev()
            .find(|r| r.is_effective() && r.record_type == record_type)
            .map(|r| r.seq.0)
            .unwrap()
    };
    let body = json!({
        "draft_ref": latest("r13_examination"),
        "draft_decision": "拟对当事人处以罚款人民币五千元",
        "evidence": [latest("r8_initiation"), latest("investigation_concluded")],
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
        "discretion_standard": "一般情节，中间档",
        "summary": "当事人经营超过保质期的食品",
        "attest": true,
    });
    let reply = api
        .post(
            &format!("/api/v1/cases/{case_id}/review/submissions"),
            &api.bearer("uhead").await,
            body,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json
}

/// The approving opinion (同意, L8-a) on the current submission, with all nine checklist points
/// answered (L7).
async fn approve(api: &Api, case_id: &str) -> Value {
    let reviewer = api.bearer("rev").await;
    let review = api
        .get(&format!("/api/v1/cases/{case_id}/review"), &reviewer)
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text);
    let submission = review.json["rounds"][0]["submission"].as_u64().unwrap();
    let mut data = serde_json::Map::new();
    for point in 1..=9 {
        let finding = match point {
            8 => "否",
            9 => "无",
            _ => "符合",
        };
        data.insert(format!("l7_{point}"), json!(finding));
        data.insert(
            format!("l7_{point}_note"),
            json!(format!("第{point}项已审核")),
        );
    }
    data.insert("submission_ref".into(), json!(submission));
    data.insert(
        "reviewers".into(),
        json!([{"name": "审核员", "qualification_no": "A2019"}]),
    );
    data.insert("opinion".into(), json!("同意"));
    let now = api.district.services.now().format(&Rfc3339).unwrap();
    let body = json!({"record_type": "l8_review_approved", "event_time": now, "data": data});
    let reply = api
        .post(&format!("/api/v1/cases/{case_id}/records"), &reviewer, body)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json
}

/// `POST` of the penalty decision as `user`.
async fn decide(api: &Api, walker: &mut Walker<'_>, case_id: &str, user: &str) -> common::Reply {
    let input = walker.input("r16_penalty_decision").await;
    api.post(
        &format!("/api/v1/cases/{case_id}/records"),
        &api.bearer(user).await,
        record_body(&input),
    )
    .await
}

#[tokio::test]
async fn reviewer_sees_the_pending_review_with_round_and_due_date() {
    let api = api().await;
    let (walker, case_id) = at_decision(&api).await;
    let reviewer = api.bearer("rev").await;
    let empty = api.get("/api/v1/reviews/pending", &reviewer).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(empty.json, json!([]));
    submit(&api, &walker, &case_id).await;
    let queue = api
        .get("/api/v1/reviews/pending?date=2024-12-20", &reviewer)
        .await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
    let items = queue.json.as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", queue.text);
    let item = &items[0];
    assert_eq!(item["case_id"], case_id.as_str());
    assert_eq!(item["status"], "pending");
    assert_eq!(item["status_label"], "待审核");
    assert_eq!(item["round"], 1);
    assert_eq!(item["excluded"], false);
    // Submitted on Friday 2024-12-20; P1 = 5 working days → Friday 2024-12-27.
    assert_eq!(item["due"], "2024-12-27");
    assert_eq!(item["overdue"], false);
    assert!(item["handling_due"].is_string(), "{item}");
    let late = api
        .get("/api/v1/reviews/pending?date=2024-12-30", &reviewer)
        .await;
    assert_eq!(late.json[0]["overdue"], true, "{}", late.text);
    // Not the officer's queue, nor the head's (no escalation).
    for user in ["off1", "ahead"] {
        let other = api
            .get("/api/v1/reviews/pending", &api.bearer(user).await)
            .await;
        assert_eq!(other.json, json!([]), "{user}: {}", other.text);
    }
    // The case's review state shows the frozen package.
    let state = api
        .get(&format!("/api/v1/cases/{case_id}/review"), &reviewer)
        .await;
    assert_eq!(state.json["status"], "pending", "{}", state.text);
    assert_eq!(state.json["passes"], false);
    let round = &state.json["rounds"][0];
    assert!(!round["frozen"].as_array().unwrap().is_empty(), "{round}");
    assert_eq!(round["draft_hash"].as_str().unwrap().len(), 64);
    assert_error(
        &api.get("/api/v1/reviews/pending?date=2024-13-01", &reviewer)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
}

#[tokio::test]
async fn decision_before_the_review_passes_is_refused_for_every_role() {
    let api = api().await;
    let (mut walker, case_id) = at_decision(&api).await;
    let check = |user: &str, reply: &common::Reply| {
        // The officer of another body does not learn that the case exists (404); every other
        // role, administrators included, is refused (403 or 422), never served.
        let allowed: &[StatusCode] = if user == "offb" {
            &[StatusCode::NOT_FOUND]
        } else {
            &[StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY]
        };
        assert!(
            allowed.contains(&reply.status),
            "{user}: {} {}",
            reply.status,
            reply.text
        );
    };
    // Before submission and while the review is pending.
    for pending in [false, true] {
        if pending {
            submit(&api, &walker, &case_id).await;
        }
        for user in common::USERS {
            let reply = decide(&api, &mut walker, &case_id, user).await;
            check(user, &reply);
            if *user == "ahead" {
                // The head is the role that signs decisions: only the review gate stops them.
                let error = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "refused");
                assert!(
                    error["rule"]
                        .as_str()
                        .unwrap()
                        .split(',')
                        .any(|id| id == "L2-a"),
                    "{error}"
                );
                assert!(
                    error["message"].as_str().unwrap().contains("法制审核"),
                    "{error}"
                );
            }
        }
    }
    let admin = decide(&api, &mut walker, &case_id, "admin").await;
    let error = assert_error(&admin, StatusCode::FORBIDDEN, "forbidden");
    assert!(
        error["message"].as_str().unwrap().contains("系统管理员"),
        "{error}"
    );
    let supervisor = decide(&api, &mut walker, &case_id, "sup").await;
    let error = assert_error(&supervisor, StatusCode::FORBIDDEN, "forbidden");
    assert!(
        error["message"].as_str().unwrap().contains("监督人员"),
        "{error}"
    );
    // Nothing was recorded, and the head's blocked attempt is in the audit log (L2-a).
    let case = api
        .get(
            &format!("/api/v1/cases/{case_id}"),
            &api.bearer("ahead").await,
        )
        .await;
    assert!(
        case.json["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|record| record["record_type"] != "r16_penalty_decision"),
        "{}",
        case.text
    );
    let entries = api.audit_entries().await;
    assert!(
        entries.iter().any(|entry| entry.action == "refused"
            && entry.user.as_ref().is_some_and(|u| u.as_str() == "ahead")
            && entry.outcome.split(',').any(|id| id == "L2-a")),
        "{entries:?}"
    );
}

#[tokio::test]
async fn review_passed_first_time_then_the_decision_is_recorded_and_numbered() {
    let api = api().await;
    let (mut walker, case_id) = at_decision(&api).await;
    submit(&api, &walker, &case_id).await;
    approve(&api, &case_id).await;
    let head = api.bearer("ahead").await;
    let state = api
        .get(&format!("/api/v1/cases/{case_id}/review"), &head)
        .await;
    assert_eq!(state.json["status"], "passed", "{}", state.text);
    assert_eq!(state.json["passes"], true);
    let opinion = &state.json["rounds"][0]["opinion"];
    assert_eq!(opinion["outcome"], "approved");
    assert_eq!(opinion["reviewer"], "rev");
    assert_eq!(opinion["checklist"].as_array().unwrap().len(), 9);
    // The passed review left the queue.
    let queue = api
        .get("/api/v1/reviews/pending", &api.bearer("rev").await)
        .await;
    assert_eq!(queue.json, json!([]), "{}", queue.text);
    let decision = decide(&api, &mut walker, &case_id, "ahead").await;
    assert_eq!(decision.status, StatusCode::CREATED, "{}", decision.text);
    let case = api.get(&format!("/api/v1/cases/{case_id}"), &head).await;
    let number = case.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["record_type"] == "r16_penalty_decision")
        .and_then(|record| record["doc_number"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(number, "薛市监罚决字〔2024〕1号", "{}", case.text);
}

#[tokio::test]
async fn statistics_are_visible_to_supervision_and_forbidden_to_an_officer() {
    let api = api().await;
    let (mut walker, case_id) = at_decision(&api).await;
    submit(&api, &walker, &case_id).await;
    approve(&api, &case_id).await;
    let decision = decide(&api, &mut walker, &case_id, "ahead").await;
    assert_eq!(decision.status, StatusCode::CREATED, "{}", decision.text);
    let supervisor = api.bearer("sup").await;
    for path in [
        "/api/v1/reviews/statistics".to_owned(),
        format!("/api/v1/reviews/statistics?body={BODY_A}"),
    ] {
        let reply = api.get(&path, &supervisor).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
        let row = reply
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["body"] == BODY_A)
            .cloned()
            .unwrap_or_else(|| panic!("{path}: {}", reply.text));
        assert_eq!(row["reviews"], 1, "{row}");
        assert_eq!(row["rounds"], 1, "{row}");
        assert_eq!(row["first_round_passed"], 1, "{row}");
        assert_eq!(row["first_round_pass_rate"], 1.0, "{row}");
        assert_eq!(row["passed"], 1, "{row}");
        assert_eq!(row["has_review_office"], true, "{row}");
    }
    // The body's own head sees its body, not another one.
    let head = api.bearer("ahead").await;
    let own = api
        .get(&format!("/api/v1/reviews/statistics?body={BODY_A}"), &head)
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    assert_error(
        &api.get("/api/v1/reviews/statistics?body=xc-zhzf", &head)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let officer = api.bearer("off1").await;
    for path in [
        "/api/v1/reviews/statistics".to_owned(),
        format!("/api/v1/reviews/statistics?body={BODY_A}"),
    ] {
        assert_error(
            &api.get(&path, &officer).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
}

#[tokio::test]
async fn catalogue_is_kept_by_the_head_versioned_and_applied_to_the_proposal() {
    let api = api().await;
    let mut walker = Walker::new(&api.district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap().to_string();
    let head = api.bearer("ahead").await;
    let officer = api.bearer("off1").await;
    let entries = format!("/api/v1/bodies/{BODY_A}/review-catalogue/entries");
    let entry = json!({
        "id": "SJ-01",
        "title": "涉案金额较大的行政处罚",
        "action": "penalty",
        "min_amount_fen": 5_000_000,
        "triggers": ["L4.3"],
        "basis": "《薛城区重大执法决定法制审核办法》第五条",
    });
    let refused = api.post(&entries, &officer, entry.clone()).await;
    let error = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert!(error["rule"].as_str().unwrap().contains("L5-b"), "{error}");
    let reply = api.post(&entries, &head, entry).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert!(reply.json["log_index"].is_u64());
    let limit = api
        .post(
            &format!("/api/v1/bodies/{BODY_A}/review-catalogue/time-limits"),
            &head,
            json!({"action": "penalty", "working_days": 10}),
        )
        .await;
    assert_eq!(limit.status, StatusCode::CREATED, "{}", limit.text);
    let bad = api
        .post(
            &format!("/api/v1/bodies/{BODY_A}/review-catalogue/time-limits"),
            &head,
            json!({"action": "penalty", "working_days": 0}),
        )
        .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "invalid");
    // Public: any signed-in user reads it, at the current or an earlier version.
    let catalogue = api
        .get(
            &format!("/api/v1/bodies/{BODY_A}/review-catalogue"),
            &officer,
        )
        .await;
    assert_eq!(catalogue.status, StatusCode::OK, "{}", catalogue.text);
    assert_eq!(catalogue.json["version"], 2);
    assert_eq!(catalogue.json["entries"][0]["id"], "SJ-01");
    assert_eq!(catalogue.json["time_limits"]["penalty"], 10);
    let before = api
        .get(
            &format!("/api/v1/bodies/{BODY_A}/review-catalogue?at=2024-01-01T00:00:00%2B08:00"),
            &officer,
        )
        .await;
    assert_eq!(before.json["version"], 0, "{}", before.text);
    let proposal = |amount: u64| {
        format!("/api/v1/cases/{case_id}/review/proposal?amount_involved_fen={amount}")
    };
    let large = api.get(&proposal(6_000_000), &officer).await;
    assert_eq!(large.status, StatusCode::OK, "{}", large.text);
    assert_eq!(large.json["catalogue_version"], 2);
    assert_eq!(large.json["matches"][0]["id"], "SJ-01", "{}", large.text);
    assert_eq!(large.json["review_required"], true);
    let small = api.get(&proposal(100), &officer).await;
    assert_eq!(small.json["matches"], json!([]), "{}", small.text);
    // A penalty needs review anyway (L4-a).
    assert_eq!(small.json["required_by_procedure"], true);
    let outsider = api.bearer("offb").await;
    assert_error(
        &api.get(&proposal(100), &outsider).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn reviewer_qualification_is_recorded_by_the_sysadmin_only() {
    let api = api().await;
    let officer = api.bearer("off1").await;
    let shown = api.get("/api/v1/reviews/reviewers/rev", &officer).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert_eq!(shown.json["may_review_penalties"], true, "{}", shown.text);
    assert_eq!(
        shown.json["qualification"]["obtained_by"],
        "国家统一法律职业资格考试"
    );
    let none = api.get("/api/v1/reviews/reviewers/ahead", &officer).await;
    assert_eq!(none.json["may_review_penalties"], false, "{}", none.text);
    assert!(none.json.get("qualification").is_none(), "{}", none.text);
    let profile = json!({
        "has_qualification": false,
        "first_penalty_review_on": "2023-05-01",
        "evidence": "任职文件 薛市监〔2023〕12号",
    });
    let refused = api
        .send(
            Method::PUT,
            "/api/v1/reviews/reviewers/ahead",
            &officer,
            Some(profile.clone()),
        )
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let admin = api.bearer("admin").await;
    let recorded = api
        .send(
            Method::PUT,
            "/api/v1/reviews/reviewers/ahead",
            &admin,
            Some(profile),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    let shown = api.get("/api/v1/reviews/reviewers/ahead", &officer).await;
    // Penalty reviews before P5 = 2024-09-01 count (I10).
    assert_eq!(shown.json["may_review_penalties"], true, "{}", shown.text);
    let incomplete = api
        .send(
            Method::PUT,
            "/api/v1/reviews/reviewers/ahead",
            &admin,
            Some(json!({"has_qualification": true})),
        )
        .await;
    assert_error(&incomplete, StatusCode::BAD_REQUEST, "invalid");
    let unknown = api
        .send(
            Method::PUT,
            "/api/v1/reviews/reviewers/nobody",
            &admin,
            Some(json!({"has_qualification": false})),
        )
        .await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn case_deadlines_carry_their_status_on_the_day_asked() {
    let api = api().await;
    let mut walker = Walker::new(&api.district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    walker.ensure("r8_unit_opinion").await.unwrap();
    walker.ensure("r8_head_opinion").await.unwrap();
    let case_id = walker.case_id.clone().unwrap().to_string();
    let officer = api.bearer("off1").await;
    let path = |date: &str| format!("/api/v1/cases/{case_id}/deadlines?date={date}");
    let decision = |reply: &common::Reply| {
        reply
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["key"] == "decision")
            .cloned()
            .unwrap_or_else(|| panic!("no decision deadline: {}", reply.text))
    };
    let early = api.get(&path("2024-10-09"), &officer).await;
    assert_eq!(early.status, StatusCode::OK, "{}", early.text);
    let row = decision(&early);
    assert_eq!(row["status"], "on_time", "{row}");
    assert!(row["remaining_working_days"].as_u64().unwrap() > 2, "{row}");
    assert_eq!(row["provisional"], false, "{row}");
    assert!(!row["title"].as_str().unwrap().is_empty(), "{row}");
    let due = row["due"].as_str().unwrap().to_owned();
    let on_due = decision(&api.get(&path(&due), &officer).await);
    assert_eq!(on_due["status"], "due_soon", "{on_due}");
    assert_eq!(on_due["remaining_working_days"], 0, "{on_due}");
    let late = decision(&api.get(&path("2025-03-01"), &officer).await);
    assert_eq!(late["status"], "overdue", "{late}");
    assert!(late["overdue_days"].as_u64().unwrap() > 0, "{late}");
    assert_eq!(late["status_label"], "已逾期（红色预警）");
    // Far beyond the published calendars the status is provisional (T6).
    let far = decision(&api.get(&path("2031-06-01"), &officer).await);
    assert_eq!(far["provisional"], true, "{far}");
    assert_error(
        &api.get(&path("2024-02-30"), &officer).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_error(
        &api.get(&path("2024-10-09"), &api.bearer("offb").await)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

/// The rule IDs of the findings of one pre-check in a `GET …/review/prechecks` body.
fn precheck<'v>(body: &'v Value, point: &str) -> &'v Value {
    body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["point"] == point)
        .unwrap_or_else(|| panic!("no {point}: {body}"))
}

#[tokio::test]
async fn prechecks_are_served_with_status_and_rule_ids_and_follow_the_amount_limit() {
    let api = api().await;
    let (walker, case_id) = at_decision(&api).await;
    submit(&api, &walker, &case_id).await;
    let reviewer = api.bearer("rev").await;
    let path = format!("/api/v1/cases/{case_id}/review/prechecks");
    let reply = api.get(&path, &reviewer).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let points: Vec<&str> = reply.json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|check| check["point"].as_str().unwrap())
        .collect();
    assert_eq!(points, ["L7.1", "L7.2", "L7.3", "L7.6", "L7.7"]);
    assert_eq!(reply.json["round"], 1);
    assert_eq!(precheck(&reply.json, "L7.1")["status"], "passed");
    assert_eq!(precheck(&reply.json, "L7.6")["status"], "not_applicable");
    assert_eq!(precheck(&reply.json, "L7.6")["status_label"], "不适用");
    // The harness enters October events in December: every record is a late entry (R4-d), and
    // the notice of the rights to statement and defence was never served (R14-b, R17-a).
    let l7_3 = precheck(&reply.json, "L7.3");
    assert_eq!(l7_3["status"], "failed", "{l7_3}");
    assert_eq!(l7_3["status_label"], "不通过");
    let rules: Vec<&str> = l7_3["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|finding| finding["rule"].as_str().unwrap().split(','))
        .collect();
    assert!(
        rules.contains(&"R4-d") && rules.contains(&"R17-a"),
        "{l7_3}"
    );
    // The case view shows the late-entry flag on each record (R4-d).
    let case = api
        .get(&format!("/api/v1/cases/{case_id}"), &reviewer)
        .await;
    assert!(
        case.json["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|record| record["late_entry"] == true),
        "{}",
        case.text
    );
    // L7.6 follows the power item's 涉案金额 limit set by the head (5000 yuan entered > 1000).
    let limit = json!({"power_item": format!("{BODY_A}-p1"), "max_amount_fen": 100_000,
                       "basis": "级别管辖规定（示例）"});
    let limits = format!("/api/v1/bodies/{BODY_A}/review-catalogue/amount-limits");
    let refused = api
        .post(&limits, &api.bearer("off1").await, limit.clone())
        .await;
    let error = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert!(error["rule"].as_str().unwrap().contains("L5-b"), "{error}");
    let set = api.post(&limits, &api.bearer("ahead").await, limit).await;
    assert_eq!(set.status, StatusCode::CREATED, "{}", set.text);
    let catalogue = api
        .get(
            &format!("/api/v1/bodies/{BODY_A}/review-catalogue"),
            &reviewer,
        )
        .await;
    assert_eq!(
        catalogue.json["amount_limits"][0]["max_amount_fen"], 100_000,
        "{}",
        catalogue.text
    );
    let after = api.get(&path, &reviewer).await;
    assert_eq!(
        precheck(&after.json, "L7.6")["status"],
        "failed",
        "{}",
        after.text
    );
    // Another body's officer does not learn that the case exists.
    let other = api.get(&path, &api.bearer("offb").await).await;
    assert_error(&other, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_403_names_the_rule_it_rests_on() {
    let api = api().await;
    let (mut walker, case_id) = at_decision(&api).await;
    let rule = |reply: &common::Reply| {
        let error = assert_error(reply, StatusCode::FORBIDDEN, "forbidden");
        error["rule"].as_str().unwrap().to_owned()
    };
    // SUPERVISOR reads every body and writes none (L13-a, D15-b); administrators perform no
    // legal step (L2-a).
    assert_eq!(
        rule(&decide(&api, &mut walker, &case_id, "sup").await),
        "L13-a,D15-b"
    );
    assert_eq!(
        rule(&decide(&api, &mut walker, &case_id, "admin").await),
        "L2-a"
    );
    let officer = api.bearer("off1").await;
    // The audit log is the AUDITOR's (R4-b); review statistics are supervision's (L13-a).
    assert_eq!(rule(&api.get("/api/v1/audit", &officer).await), "R4-b");
    assert_eq!(
        rule(&api.get("/api/v1/reviews/statistics", &officer).await),
        "L13-a"
    );
    // Account administration has no numbered requirement: requirements.md §1 (Roles).
    let password = api
        .send(
            Method::PUT,
            "/api/v1/users/off2/password",
            &officer,
            Some(json!({"password": "另一个足够长的口令-2024"})),
        )
        .await;
    assert_eq!(rule(&password), "§1");
}
