//! Disclosure (issue 8; 《薛城区行政执法信息公示办法》 D3–D15) through the real router: the D5-b
//! workflow by separate users, the D10-d leak block and its head-only override, the
//! separation refusal, a public correction request answered by the body, a D14 withdrawal,
//! the D15 supervision dashboard and overview with their access rule, and the D9 figures.
//!
//! The penalty decision that drafts the item is walked through the core harness (the fixture
//! is not what is tested); every disclosure step under test goes over HTTP.

mod common;

use axum::http::{Method, StatusCode};
use common::{Api, Auth, BODY_A, api, assert_error};
use liuhen_core::record::FileRef;
use liuhen_core::service::disclosure::PublicCorrectionRequest;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

const ID_NUMBER: &str = "11010519491231002X";

fn set_clock(api: &Api, at: OffsetDateTime) {
    *api.district.clock.0.lock().unwrap() = at;
}

/// Walks a penalty case to its decision dated `decision_at` (the core drafts the item in the
/// same batch) and returns the item id.
async fn penalty_decision(api: &Api, decision_at: OffsetDateTime) -> String {
    common::penalty_decision_item(&api.district, decision_at).await
}

/// The head grants the D5-b steps over HTTP: off1 collects and submits, uhead reviews, arch
/// publishes; `extra` adds more `(user, step)` pairs.
async fn grant(api: &Api, extra: &[(&str, &str)]) -> Value {
    let mut permissions = vec![
        json!({"user": "off1", "step": "collect", "granted": true}),
        json!({"user": "off1", "step": "submit", "granted": true}),
        json!({"user": "uhead", "step": "review", "granted": true}),
        json!({"user": "arch", "step": "publish", "granted": true}),
    ];
    for (user, step) in extra {
        permissions.push(json!({"user": user, "step": step, "granted": true}));
    }
    let reply = api
        .send(
            Method::PUT,
            &format!("/api/v1/bodies/{BODY_A}/disclosure-settings"),
            &api.bearer("ahead").await,
            Some(json!({"permissions": permissions})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json
}

fn item_path(id: &str, step: &str) -> String {
    format!("/api/v1/disclosures/{id}/{step}")
}

/// Collects (with `facts`), submits and approves over HTTP.
async fn to_approved(api: &Api, id: &str, facts: &str) {
    let off1 = api.bearer("off1").await;
    let uhead = api.bearer("uhead").await;
    let steps = [
        (
            &off1,
            "collect",
            Some(json!({"changes": {"facts": facts}, "reason": "补充主要事实"})),
        ),
        (&off1, "submit", None),
        (
            &uhead,
            "review",
            Some(json!({"approve": true, "opinion": "同意公示"})),
        ),
    ];
    for (auth, step, body) in steps {
        let reply = api
            .send(Method::POST, &item_path(id, step), auth, body)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{step}: {}", reply.text);
    }
}

/// A published decision item, dated 2024-09-27 and published 2024-10-09.
async fn published(api: &Api) -> String {
    grant(api, &[]).await;
    let id = penalty_decision(api, datetime!(2024-09-27 10:00 +8)).await;
    set_clock(api, datetime!(2024-10-09 10:00 +8));
    to_approved(api, &id, "2024年9月20日销售超过保质期的食品").await;
    let reply = api
        .post(
            &item_path(&id, "publish"),
            &api.bearer("arch").await,
            json!({}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    id
}

fn assert_refused(reply: &common::Reply, rule: &str) {
    let body = assert_error(reply, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    let rules = body["rule"].as_str().unwrap_or("");
    assert!(
        rules.split(',').any(|r| r == rule),
        "expected {rule}, got {rules}: {}",
        reply.text
    );
}

#[tokio::test]
async fn workflow_by_separate_users_publishes_and_the_detail_shows_every_step() {
    let api = api().await;
    let settings = grant(&api, &[]).await;
    assert_eq!(settings["separation"], json!(true), "D5-b default");
    assert_eq!(
        settings["permissions"]["off1"],
        json!(["collect", "submit"])
    );
    let id = penalty_decision(&api, datetime!(2024-09-27 10:00 +8)).await;
    let ahead = api.bearer("ahead").await;
    let drafted = api.get("/api/v1/disclosures?state=drafted", &ahead).await;
    assert_eq!(drafted.status, StatusCode::OK, "{}", drafted.text);
    let row = drafted
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["kind"], "decision");
    assert_eq!(row["due"], "2024-10-12", "D12-c, across National Day");
    set_clock(&api, datetime!(2024-10-09 10:00 +8));
    to_approved(&api, &id, "2024年9月20日销售超过保质期的食品").await;
    let off1 = api.bearer("off1").await;
    let redact = api
        .send(Method::POST, &item_path(&id, "redact"), &off1, None)
        .await;
    assert_eq!(redact.status, StatusCode::CREATED, "{}", redact.text);
    let arch = api.bearer("arch").await;
    let publish = api.post(&item_path(&id, "publish"), &arch, json!({})).await;
    assert_eq!(publish.status, StatusCode::CREATED, "{}", publish.text);
    assert!(publish.json["log_index"].is_u64());

    let detail = api.get(&format!("/api/v1/disclosures/{id}"), &ahead).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.text);
    let d = &detail.json;
    assert_eq!(d["state"], "published");
    assert_eq!(d["state_label"], "已公示");
    assert_eq!(d["published"].as_array().unwrap().len(), 1);
    assert_eq!(d["published"][0]["user"], "arch");
    assert_eq!(d["obligations"][0]["met_on"], "2024-10-09");
    assert_eq!(d["collectors"], json!(["off1"]));
    assert_eq!(d["redaction_current"], json!(true));
    let performed: Vec<(String, String)> = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["record_type"].as_str().unwrap().to_owned(),
                s["user"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (record_type, user) in [
        ("disclosure_collected", "off1"),
        ("disclosure_submitted", "off1"),
        ("disclosure_reviewed", "uhead"),
        ("disclosure_published", "arch"),
    ] {
        assert!(
            performed.contains(&(record_type.to_owned(), user.to_owned())),
            "{record_type} by {user} in {performed:?}"
        );
    }
    let listed = api
        .get(
            &format!("/api/v1/disclosures?state=published&body={BODY_A}"),
            &off1,
        )
        .await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1, "{}", listed.text);
    // Body B's officer neither lists nor reads body A's items (D3-a, existence not revealed).
    let offb = api.bearer("offb").await;
    let none = api.get("/api/v1/disclosures", &offb).await;
    assert_eq!(none.json, json!([]));
    let hidden = api.get(&format!("/api/v1/disclosures/{id}"), &offb).await;
    assert_error(&hidden, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn publish_with_an_unmasked_id_is_refused_citing_d10_d_and_only_the_head_may_override() {
    let api = api().await;
    grant(&api, &[("ahead", "publish")]).await;
    let id = penalty_decision(&api, datetime!(2024-09-27 10:00 +8)).await;
    set_clock(&api, datetime!(2024-10-09 10:00 +8));
    to_approved(
        &api,
        &id,
        &format!("当事人身份证号{ID_NUMBER}，销售过期食品"),
    )
    .await;
    let arch = api.bearer("arch").await;
    let blocked = api.post(&item_path(&id, "publish"), &arch, json!({})).await;
    assert_refused(&blocked, "D10-d");
    let not_head = api
        .post(
            &item_path(&id, "publish"),
            &arch,
            json!({"leak_override": "号码系单位登记信息"}),
        )
        .await;
    assert_refused(&not_head, "D10-d");
    let wrong_type = api
        .post(
            &item_path(&id, "publish"),
            &arch,
            json!({"leak_override": 1}),
        )
        .await;
    assert_error(&wrong_type, StatusCode::BAD_REQUEST, "invalid");
    let head = api
        .post(
            &item_path(&id, "publish"),
            &api.bearer("ahead").await,
            json!({"leak_override": "号码系单位登记信息，经负责人同意公开"}),
        )
        .await;
    assert_eq!(head.status, StatusCode::CREATED, "{}", head.text);
    let detail = api.get(&format!("/api/v1/disclosures/{id}"), &arch).await;
    assert_eq!(detail.json["published"][0]["leak_override"], json!(true));
}

#[tokio::test]
async fn the_collector_may_not_review_while_separation_is_on_citing_d5_b() {
    let api = api().await;
    grant(&api, &[("off1", "review")]).await;
    let id = penalty_decision(&api, datetime!(2024-09-27 10:00 +8)).await;
    let off1 = api.bearer("off1").await;
    let collect = api.post(&item_path(&id, "collect"), &off1, json!({})).await;
    assert_eq!(collect.status, StatusCode::CREATED, "{}", collect.text);
    let submit = api
        .send(Method::POST, &item_path(&id, "submit"), &off1, None)
        .await;
    assert_eq!(submit.status, StatusCode::CREATED, "{}", submit.text);
    let review = api
        .post(
            &item_path(&id, "review"),
            &off1,
            json!({"approve": true, "opinion": "同意"}),
        )
        .await;
    assert_refused(&review, "D5-b");
    // Only the head switches separation, and only with a reason.
    let path = format!("/api/v1/bodies/{BODY_A}/disclosure-settings");
    let by_officer = api
        .send(
            Method::PUT,
            &path,
            &off1,
            Some(json!({"separation": {"required": false, "reason": "人手不足"}})),
        )
        .await;
    assert_refused(&by_officer, "D5-b");
    let bad_step = api
        .send(
            Method::PUT,
            &path,
            &api.bearer("ahead").await,
            Some(json!({"permissions": [{"user": "off2", "step": "approve", "granted": true}]})),
        )
        .await;
    assert_error(&bad_step, StatusCode::BAD_REQUEST, "invalid");
}

#[tokio::test]
async fn a_public_correction_request_is_listed_and_answered_by_the_body() {
    let api = api().await;
    let id = published(&api).await;
    let evidence = FileRef {
        name: "购货凭证.pdf".into(),
        media_type: "application/pdf".into(),
        size: 10,
        sha256: "0".repeat(64),
        sm3: "0".repeat(64),
    };
    let tracking = api
        .district
        .services
        .submit_correction_request(PublicCorrectionRequest {
            item: id.clone(),
            requester_type: "法人".into(),
            requester_name: "某超市有限公司".into(),
            contact: "薛城区某路1号".into(),
            reason: "违法行为发生日期有误".into(),
            proposed: "应为9月21日".into(),
            evidence: vec![evidence],
        })
        .await
        .unwrap();
    let uhead = api.bearer("uhead").await;
    let listed = api
        .get(
            &format!("/api/v1/bodies/{BODY_A}/correction-requests"),
            &uhead,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let request = &listed.json[0];
    assert_eq!(request["tracking"], tracking.as_str());
    assert_eq!(request["status"], "处理中");
    assert_eq!(request["evidence"], json!(["购货凭证.pdf"]));
    let path = format!("/api/v1/correction-requests/{tracking}/reply");
    // D13-c: 不予更正 needs reasons.
    let mut reply = json!({
        "outcome": "不予更正",
        "reply_text": "经核实，原公示内容与执法决定书一致。",
        "method": "邮寄",
        "sent_on": "2024-10-12",
    });
    assert_refused(&api.post(&path, &uhead, reply.clone()).await, "D13-c");
    reply["reasons"] = json!("决定书载明的日期为9月20日，有现场笔录为证");
    let done = api.post(&path, &uhead, reply.clone()).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
    let status = api
        .district
        .services
        .correction_status(&tracking)
        .await
        .unwrap();
    assert_eq!(status.outcome.as_deref(), Some("不予更正"));
    let again = api.post(&path, &uhead, reply).await;
    assert_error(&again, StatusCode::BAD_REQUEST, "invalid");
    // Body B's officer cannot see body A's requests.
    let hidden = api
        .get(
            &format!("/api/v1/bodies/{BODY_A}/correction-requests"),
            &api.bearer("offb").await,
        )
        .await;
    assert_error(&hidden, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_self_correction_is_published_as_version_two() {
    let api = api().await;
    let id = published(&api).await;
    let off1 = api.bearer("off1").await;
    let started = api
        .post(
            &item_path(&id, "corrections"),
            &off1,
            json!({
                "changes": {"facts": "2024年9月21日销售超过保质期的食品"},
                "reason": "违法行为日期笔误",
                "discovered_on": "2024-10-10",
            }),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let submit = api
        .send(Method::POST, &item_path(&id, "submit"), &off1, None)
        .await;
    assert_eq!(submit.status, StatusCode::CREATED, "{}", submit.text);
    let review = api
        .post(
            &item_path(&id, "review"),
            &api.bearer("uhead").await,
            json!({"approve": true, "opinion": "同意更正"}),
        )
        .await;
    assert_eq!(review.status, StatusCode::CREATED, "{}", review.text);
    let publish = api
        .post(
            &item_path(&id, "publish"),
            &api.bearer("arch").await,
            json!({}),
        )
        .await;
    assert_eq!(publish.status, StatusCode::CREATED, "{}", publish.text);
    let public = api.district.services.published_item(&id).await.unwrap();
    assert_eq!(public.item.version, 2);
    assert!(public.item.notes.iter().any(|n| n.label == "已更正"));
}

#[tokio::test]
async fn a_revoked_decision_is_withdrawn_and_the_public_sees_the_notice() {
    let api = api().await;
    let id = published(&api).await;
    let off1 = api.bearer("off1").await;
    let trigger = json!({
        "event": "撤销",
        "source": "行政复议决定",
        "source_doc": "薛政复决字〔2024〕3号",
        "event_date": "2024-10-14",
    });
    let mut wrong = trigger.clone();
    wrong["event"] = json!("作废");
    assert_refused(
        &api.post(&item_path(&id, "withdrawal-trigger"), &off1, wrong)
            .await,
        "D14-a",
    );
    let recorded = api
        .post(&item_path(&id, "withdrawal-trigger"), &off1, trigger)
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    set_clock(&api, datetime!(2024-10-16 10:00 +8));
    // A week later: the earlier session has expired, sign in again.
    let arch = api.bearer("arch").await;
    let withdrawn = api
        .post(
            &item_path(&id, "withdrawal"),
            &arch,
            json!({"explanation": "原处罚决定已被行政复议机关撤销"}),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::CREATED, "{}", withdrawn.text);
    let detail = api.get(&format!("/api/v1/disclosures/{id}"), &arch).await;
    let w = &detail.json["withdrawal"];
    assert_eq!(
        w["due"], "2024-10-17",
        "3 working days, 行政处罚法 第四十八条"
    );
    assert_eq!(w["withdrawn_on"], "2024-10-16");
    let public = api.district.services.published_item(&id).await.unwrap();
    assert!(
        public.item.content.is_none(),
        "D14-a: the notice replaces the content"
    );
}

#[tokio::test]
async fn supervision_lists_an_overdue_item_for_the_supervisor_and_refuses_an_officer() {
    let api = api().await;
    let id = penalty_decision(&api, datetime!(2024-09-27 10:00 +8)).await;
    let sup = api.bearer("sup").await;
    let reply = api
        .get("/api/v1/supervision/disclosures?date=2024-10-15", &sup)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["date"], "2024-10-15");
    let block = reply.json["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["body"] == BODY_A)
        .cloned()
        .expect("body A has a line");
    assert_eq!(block["name"], "薛城区市场监督管理局");
    assert_eq!(block["overdue"], json!(1));
    let entry = &block["entries"][0];
    assert_eq!(entry["item"], id.as_str());
    assert_eq!(entry["issue"], "overdue");
    assert_eq!(entry["working_days_late"], json!(2));
    assert_eq!(entry["due"], "2024-10-12");
    assert!(entry["label"].as_str().unwrap().contains("D12"));
    assert!(!entry["history"].as_array().unwrap().is_empty());
    // Due soon on the Friday before the due date.
    let soon = api
        .get("/api/v1/supervision/disclosures?date=2024-10-11", &sup)
        .await;
    assert_eq!(soon.json["bodies"][0]["entries"][0]["issue"], "due_soon");

    for user in ["off1", "rev"] {
        let refused = api
            .get("/api/v1/supervision/disclosures", &api.bearer(user).await)
            .await;
        let body = assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        assert!(body["message"].as_str().unwrap().contains("D15-a"));
        let overview = api
            .get("/api/v1/supervision/overview", &api.bearer(user).await)
            .await;
        assert_error(&overview, StatusCode::FORBIDDEN, "forbidden");
    }
    let bad = api
        .get("/api/v1/supervision/disclosures?date=15.10.2024", &sup)
        .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "invalid");
}

#[tokio::test]
async fn overview_counts_per_body_for_the_supervisor_and_only_the_own_body_for_a_head() {
    let api = api().await;
    penalty_decision(&api, datetime!(2024-09-27 10:00 +8)).await;
    let reply = api
        .get(
            "/api/v1/supervision/overview?date=2024-10-15",
            &api.bearer("sup").await,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let bodies = reply.json["bodies"].as_array().unwrap();
    assert!(bodies.len() >= 2, "every body: {}", reply.text);
    let a = bodies.iter().find(|b| b["body"] == BODY_A).unwrap();
    assert_eq!(a["disclosures_overdue"], json!(1));
    assert!(a["reviews"]["reviews"].is_u64(), "{a}");
    let head = api
        .get(
            "/api/v1/supervision/overview?date=2024-10-15",
            &api.bearer("ahead").await,
        )
        .await;
    assert_eq!(head.status, StatusCode::OK, "{}", head.text);
    let own: Vec<&str> = head.json["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["body"].as_str().unwrap())
        .collect();
    assert_eq!(own, vec![BODY_A]);
    let head_list = api
        .get(
            "/api/v1/supervision/disclosures?date=2024-10-15",
            &api.bearer("ahead").await,
        )
        .await;
    assert_eq!(head_list.json["bodies"][0]["overdue"], json!(1));
}

#[tokio::test]
async fn annual_figures_count_the_published_penalty_and_stay_within_scope() {
    let api = api().await;
    published(&api).await;
    let path = format!("/api/v1/bodies/{BODY_A}/annual-figures?year=2024");
    let reply = api.get(&path, &api.bearer("ahead").await).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let f = &reply.json;
    assert_eq!(f["body"], BODY_A);
    assert_eq!(f["year"], json!(2024));
    assert_eq!(f["cases_by_action"]["penalty"], json!(1));
    assert_eq!(f["decisions_by_action"]["penalty"], json!(1));
    assert_eq!(f["fines_fen"], json!(500_000));
    assert_eq!(f["disclosures_on_time"], json!(1));
    let sup = api.get(&path, &api.bearer("sup").await).await;
    assert_eq!(sup.json, reply.json, "SUPERVISOR reads every body");
    let hidden = api.get(&path, &api.bearer("offb").await).await;
    assert_error(&hidden, StatusCode::NOT_FOUND, "not_found");
    let no_year = api
        .get(
            &format!("/api/v1/bodies/{BODY_A}/annual-figures"),
            &api.bearer("ahead").await,
        )
        .await;
    assert_error(&no_year, StatusCode::BAD_REQUEST, "invalid");
    // Drafting the annual item over HTTP: due 31 January of the next year (D9-a, T4).
    set_clock(&api, datetime!(2025-01-02 10:00 +8));
    let drafted = api
        .post(
            &format!("/api/v1/bodies/{BODY_A}/disclosures/annual"),
            &api.bearer("off1").await,
            json!({"year": 2024}),
        )
        .await;
    assert_eq!(drafted.status, StatusCode::CREATED, "{}", drafted.text);
    let annual = drafted.json["ids"][0].as_str().unwrap();
    let item = api
        .get(
            &format!("/api/v1/disclosures/{annual}"),
            &api.bearer("off1").await,
        )
        .await;
    assert_eq!(item.json["kind"], "annual_data");
    assert_eq!(item.json["due"], "2025-01-31");
}

#[tokio::test]
async fn a_manual_item_is_drafted_by_a_collector_of_the_owner_body_only() {
    let api = api().await;
    grant(&api, &[]).await;
    let body = json!({
        "body": BODY_A,
        "kind": "other",
        "title": "投诉举报渠道",
        "fields": {"content": "投诉举报电话：12315"},
        "formation_date": "2024-10-08",
    });
    let ok = api
        .post(
            "/api/v1/disclosures",
            &api.bearer("off1").await,
            body.clone(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let id = ok.json["ids"][0].as_str().unwrap();
    let item = api
        .get(
            &format!("/api/v1/disclosures/{id}"),
            &api.bearer("off1").await,
        )
        .await;
    assert_eq!(
        item.json["due"], "2024-11-04",
        "20 working days incl. the 12 Oct make-up day, D12-b"
    );
    let other_body = api
        .post(
            "/api/v1/disclosures",
            &api.bearer("offb").await,
            body.clone(),
        )
        .await;
    assert_refused(&other_body, "D3-a");
    let no_permission = api
        .post("/api/v1/disclosures", &api.bearer("off2").await, body)
        .await;
    assert_refused(&no_permission, "D5-b");
    let pre = api
        .post(
            &format!("/api/v1/bodies/{BODY_A}/disclosures/pre-enforcement"),
            &api.bearer("off1").await,
            json!({"formation_date": "2024-09-27"}),
        )
        .await;
    assert_eq!(pre.status, StatusCode::CREATED, "{}", pre.text);
    assert_eq!(pre.json["ids"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_restriction_takes_effect_only_with_the_heads_approval() {
    let api = api().await;
    grant(&api, &[]).await;
    let id = penalty_decision(&api, datetime!(2024-09-27 10:00 +8)).await;
    let off1 = api.bearer("off1").await;
    let unknown = api
        .post(
            &item_path(&id, "restriction"),
            &off1,
            json!({"ground": "D10.9", "reason": "x"}),
        )
        .await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid");
    let no_citation = api
        .post(
            &item_path(&id, "restriction"),
            &off1,
            json!({"ground": "D10.4", "reason": "依法不予公开"}),
        )
        .await;
    assert_refused(&no_citation, "D10-a");
    let proposed = api
        .post(
            &item_path(&id, "restriction"),
            &off1,
            json!({"ground": "D10.3", "reason": "关联人员在逃，公开妨碍追查"}),
        )
        .await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.text);
    let decision = json!({"approve": true, "reason": "同意暂不公示"});
    assert_refused(
        &api.post(
            &item_path(&id, "restriction/decision"),
            &off1,
            decision.clone(),
        )
        .await,
        "D10-a",
    );
    set_clock(&api, datetime!(2024-10-08 10:00 +8));
    let decided = api
        .post(
            &item_path(&id, "restriction/decision"),
            &api.bearer("ahead").await,
            decision,
        )
        .await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.text);
    let item = api.get(&format!("/api/v1/disclosures/{id}"), &off1).await;
    assert_eq!(item.json["state"], "restricted");
    assert_eq!(item.json["restriction"]["reexamine_on"], "2025-01-06");
    assert_eq!(item.json["restriction"]["approved_by"], "ahead");
}

#[tokio::test]
async fn writes_need_a_session() {
    let api = api().await;
    let reply = api
        .post("/api/v1/disclosures/d-00/publish", &Auth::None, json!({}))
        .await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
    let reply = api.get("/api/v1/supervision/overview", &Auth::None).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
}
