//! Cases through the real router: opening, recording, role and body scoping, refusals with rule
//! IDs, and the audit of every read of case records.

mod common;

use axum::http::StatusCode;
use common::{Api, BODY_A, Walker, api, assert_error};
use serde_json::{Value, json};

/// Opens a case as `off1` and returns its id.
async fn opened(api: &Api) -> String {
    let reply = api.open_case(&api.bearer("off1").await).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert!(
        reply.json["case_number"]
            .as_str()
            .is_some_and(|number| !number.is_empty())
    );
    assert!(
        reply.json["receipt"]["log_index"].is_u64(),
        "{}",
        reply.text
    );
    reply.json["case_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn officer_opens_a_case_and_reads_it_back_with_log_indexes() {
    let api = api().await;
    let case_id = opened(&api).await;
    let auth = api.bearer("off1").await;
    let case = api.get(&format!("/api/v1/cases/{case_id}"), &auth).await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.text);
    assert_eq!(case.json["body"], BODY_A);
    assert_eq!(case.json["status"], "open");
    assert!(
        case.json["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["record_type"] == "r8_initiation"),
        "{}",
        case.text
    );
    let records = api
        .get(&format!("/api/v1/cases/{case_id}/records"), &auth)
        .await;
    assert_eq!(records.status, StatusCode::OK, "{}", records.text);
    let first = &records.json[0];
    assert!(first["log_index"].is_u64());
    assert_eq!(first["hash"].as_str().map(str::len), Some(64));
    assert_eq!(first["record"]["seq"], first["seq"]);
    assert!(
        records
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["record"]["type"] == "r8_initiation"),
        "{}",
        records.text
    );
    let list = api.get("/api/v1/cases", &auth).await;
    assert!(
        list.json
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["id"] == case_id.as_str())
    );
}

#[tokio::test]
async fn officer_of_another_body_gets_404_for_the_case_and_its_records() {
    let api = api().await;
    let case_id = opened(&api).await;
    let other = api.bearer("offb").await;
    for path in [
        format!("/api/v1/cases/{case_id}"),
        format!("/api/v1/cases/{case_id}/records"),
    ] {
        assert_error(
            &api.get(&path, &other).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    let list = api.get("/api/v1/cases", &other).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.json
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["id"] != case_id.as_str()),
        "{}",
        list.text
    );
    // Same answer as for a case that does not exist: existence is not revealed.
    let missing = api.get("/api/v1/cases/no-such-case", &other).await;
    assert_eq!(
        missing.json,
        api.get(&format!("/api/v1/cases/{case_id}"), &other)
            .await
            .json
    );
    // Writing to it is no different.
    let input = json!({"record_type": "r8_unit_opinion", "event_time": "2024-10-08T11:00:00+08:00", "data": {}});
    let write = api
        .post(&format!("/api/v1/cases/{case_id}/records"), &other, input)
        .await;
    assert_error(&write, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn supervisor_reads_every_body_but_writes_nothing() {
    let api = api().await;
    let case_id = opened(&api).await;
    let supervisor = api.bearer("sup").await;
    assert_eq!(
        api.get(&format!("/api/v1/cases/{case_id}"), &supervisor)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.get(&format!("/api/v1/cases/{case_id}/records"), &supervisor)
            .await
            .status,
        StatusCode::OK
    );
    // Opening and recording are both refused with 403 and the rule set's message
    // (`supervisor_read_only`, L13-a, D15-b): the supervisor can read the body, so there is
    // nothing to hide behind a 404.
    let open = api.open_case(&supervisor).await;
    let error = assert_error(&open, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        error["message"], "监督人员只能查看，不能录入或者修改案件记录",
        "{error}"
    );
    let input = json!({"record_type": "r8_unit_opinion", "event_time": "2024-10-08T11:00:00+08:00", "data": {}});
    let write = api
        .post(
            &format!("/api/v1/cases/{case_id}/records"),
            &supervisor,
            input,
        )
        .await;
    let error = assert_error(&write, StatusCode::FORBIDDEN, "forbidden");
    assert!(
        error["message"].as_str().unwrap().contains("监督人员"),
        "{error}"
    );
}

#[tokio::test]
async fn administrators_cannot_open_cases_or_record_legal_steps() {
    let api = api().await;
    let case_id = opened(&api).await;
    for user in ["admin", "auditor"] {
        let auth = api.bearer(user).await;
        let open = api.open_case(&auth).await;
        let error = assert_error(&open, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(
            error["message"], "系统管理员、安全管理员、审计管理员不能实施或者绕过任何执法步骤",
            "{user}: {error}"
        );
        let input = json!({"record_type": "r8_unit_opinion", "event_time": "2024-10-08T11:00:00+08:00", "data": {}});
        let write = api
            .post(&format!("/api/v1/cases/{case_id}/records"), &auth, input)
            .await;
        assert_error(&write, StatusCode::FORBIDDEN, "forbidden");
    }
}

#[tokio::test]
async fn every_read_of_case_records_is_audited_with_user_and_address() {
    let api = api().await;
    let case_id = opened(&api).await;
    let before = api.audit_entries().await.len();
    let supervisor = api.bearer("sup").await;
    api.get(&format!("/api/v1/cases/{case_id}"), &supervisor)
        .await;
    api.get(&format!("/api/v1/cases/{case_id}/records"), &supervisor)
        .await;
    let entries = api.audit_entries().await;
    let reads: Vec<_> = entries
        .iter()
        .take(entries.len() - before)
        .filter(|entry| {
            entry
                .user
                .as_ref()
                .is_some_and(|user| user.as_str() == "sup")
                && entry.object.contains(&case_id)
        })
        .collect();
    assert!(reads.len() >= 2, "one entry per read: {entries:?}");
    assert!(
        reads
            .iter()
            .all(|entry| entry.client_ip.as_deref() == Some("10.1.2.3")),
        "{reads:?}"
    );
}

#[tokio::test]
async fn writes_and_refusals_are_audited_by_the_middleware() {
    let api = api().await;
    let case_id = opened(&api).await;
    let entries = api.audit_entries().await;
    assert!(
        entries.iter().any(|entry| entry.action == "create"
            && entry.object == "cases"
            && entry.outcome == "ok"),
        "{entries:?}"
    );
    let other = api.bearer("sup").await;
    let input = json!({"record_type": "r8_unit_opinion", "event_time": "2024-10-08T11:00:00+08:00", "data": {}});
    api.post(&format!("/api/v1/cases/{case_id}/records"), &other, input)
        .await;
    let entries = api.audit_entries().await;
    assert!(
        entries.iter().any(|entry| entry.outcome == "forbidden"
            && entry.user.as_ref().is_some_and(|u| u.as_str() == "sup")),
        "{entries:?}"
    );
}

#[tokio::test]
async fn a_missing_required_field_is_refused_with_422_and_rule_ids() {
    let api = api().await;
    let mut body = common::open_case_body(&api.district);
    let spec = Walker::new(&api.district, "penalty_ordinary").spec("r8_initiation");
    let removed = spec
        .fields
        .iter()
        .find(|field| field.required && field.when.is_none())
        .unwrap()
        .name
        .clone();
    body["intake"]["data"]
        .as_object_mut()
        .unwrap()
        .remove(&removed);
    let reply = api.open_case_with(&api.bearer("off1").await, body).await;
    let error = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert!(!error["rule"].as_str().unwrap().is_empty(), "{error}");
    assert!(error["details"].to_string().contains(&removed), "{error}");
}

#[tokio::test]
async fn seizure_decision_in_a_case_marked_for_review_is_refused_citing_l2_a() {
    let api = api().await;
    // Walk a seizure case to where the seizure decision is possible, have the reviewer mark it
    // as requiring legal review (L4-e), then try the decision over HTTP.
    let mut walker = Walker::new(&api.district, "coercion_seizure");
    walker.open("r8_initiation").await.unwrap();
    walker.ensure("r8_unit_opinion").await.unwrap();
    walker.ensure("r8_head_opinion").await.unwrap();
    walker.ensure("l4_review_mark").await.unwrap();
    walker.ensure("head_approval").await.unwrap();
    let input = walker.input("seizure_decision").await;
    let case_id = walker.case_id.clone().unwrap();
    let body = json!({
        "record_type": input.record_type,
        "event_time": input.event_time.format(&time::format_description::well_known::Rfc3339).unwrap(),
        "data": Value::Object(input.data),
    });
    let reply = api
        .post(
            &format!("/api/v1/cases/{case_id}/records"),
            &api.bearer("off1").await,
            body,
        )
        .await;
    let error = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert_eq!(error["rule"], "L2-a", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("法制审核"),
        "{error}"
    );
    assert!(
        error["citation"]
            .as_str()
            .is_some_and(|citation| citation.contains("第二条")),
        "{error}"
    );
}

#[tokio::test]
async fn todo_lists_deadlines_of_own_bodies_only() {
    let api = api().await;
    // The decision clock (90 days, 《行政处罚法》第六十条) starts once the case is initiated.
    let mut walker = Walker::new(&api.district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    walker.ensure("r8_unit_opinion").await.unwrap();
    walker.ensure("r8_head_opinion").await.unwrap();
    let case_id = walker.case_id.clone().unwrap().to_string();
    let own = api
        .get("/api/v1/todo?date=2025-03-01", &api.bearer("off1").await)
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    let items = own.json.as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|item| item["case_id"] == case_id.as_str() && item["status"] == "overdue"),
        "{}",
        own.text
    );
    let other = api
        .get("/api/v1/todo?date=2025-03-01", &api.bearer("offb").await)
        .await;
    assert!(
        other
            .json
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["case_id"] != case_id.as_str()),
        "{}",
        other.text
    );
    assert_error(
        &api.get("/api/v1/todo?date=2025-02-30", &api.bearer("off1").await)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
}

#[tokio::test]
async fn rules_in_force_are_listed_with_procedures_and_record_types() {
    let api = api().await;
    let reply = api
        .get("/api/v1/rules?date=2024-10-08", &api.bearer("off1").await)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let sets = reply.json.as_array().unwrap();
    let district = sets
        .iter()
        .find(|set| set["id"] == "XC-2024")
        .expect("district rule set in force");
    assert!(
        district["procedures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "penalty_ordinary")
    );
    assert!(
        district["record_types"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "r8_initiation")
    );
    let before = api
        .get("/api/v1/rules?date=2000-01-01", &api.bearer("off1").await)
        .await;
    assert_eq!(before.json, json!([]), "nothing was in force in 2000");
}

#[tokio::test]
async fn audit_log_is_for_auditors_only() {
    let api = api().await;
    opened(&api).await;
    for user in ["off1", "sup", "admin"] {
        assert_error(
            &api.get("/api/v1/audit", &api.bearer(user).await).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    let reply = api
        .get("/api/v1/audit?limit=5", &api.bearer("auditor").await)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json.as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn registries_are_readable_and_admin_writes_are_records() {
    let api = api().await;
    let officer = api.bearer("off1").await;
    let bodies = api.get("/api/v1/bodies", &officer).await;
    assert_eq!(bodies.status, StatusCode::OK, "{}", bodies.text);
    assert!(
        bodies
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|body| body["id"] == BODY_A)
    );
    let officers = api
        .get(&format!("/api/v1/officers?body={BODY_A}"), &officer)
        .await;
    assert!(
        officers
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == "o1" && o["credentials"][0]["status"] == "active")
    );
    let items = api
        .get(&format!("/api/v1/power-items?body={BODY_A}"), &officer)
        .await;
    assert_eq!(items.json[0]["item"]["action"], "penalty");
    assert_error(
        &api.get("/api/v1/users", &officer).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    let admin = api.bearer("admin").await;
    let new_user =
        json!({"id": "u-new", "username": "newbie", "name": "新人", "password": "新口令-123"});
    let created = api.post("/api/v1/users", &admin, new_user.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let grant = api
        .post(
            "/api/v1/users/u-new/grants",
            &admin,
            json!({"role": "OFFICER", "body": BODY_A}),
        )
        .await;
    assert_eq!(grant.status, StatusCode::CREATED, "{}", grant.text);
    let login = api.login_reply("newbie", "新口令-123").await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    assert_eq!(
        login.json["who"]["grants"],
        json!([{"role": "OFFICER", "body": BODY_A}])
    );
    // Officers cannot write registries.
    let refused = api
        .post(
            "/api/v1/users",
            &officer,
            json!({"id": "u-x", "username": "x", "name": "x"}),
        )
        .await;
    assert!(
        refused.status == StatusCode::FORBIDDEN
            || refused.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    // A bad 统一社会信用代码 is refused with the core's Chinese reason.
    let body = json!({"id": "b-bad", "profile": {"name": "测试局", "short_name": "测", "kind": "agency", "uscc": "91350100M000100Y44"}});
    let bad = api.post("/api/v1/bodies", &admin, body).await;
    let error = assert_error(&bad, StatusCode::BAD_REQUEST, "invalid");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("统一社会信用代码"),
        "{error}"
    );
}

#[tokio::test]
async fn record_access_request_is_decided_by_the_head_and_views_are_audited() {
    let api = api().await;
    let case_id = opened(&api).await;
    let officer = api.bearer("off1").await;
    let records = api
        .get(&format!("/api/v1/cases/{case_id}/records"), &officer)
        .await;
    let wanted: Vec<u64> = records
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["record"]["type"] == "r8_initiation")
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    let request = json!({
        "requester": "张三", "id_type": "居民身份证", "id_number": "370402199001011234",
        "capacity": "当事人", "records": wanted, "purpose": "了解案件办理情况"
    });
    let requested = api
        .post(
            &format!("/api/v1/cases/{case_id}/access-requests"),
            &officer,
            request,
        )
        .await;
    assert_eq!(requested.status, StatusCode::CREATED, "{}", requested.text);
    let seq = requested.json["seq"].as_u64().unwrap();

    // Only the agency head decides (R30-a).
    let decision = json!({"outcome": "approve", "approved": wanted, "reasons": "符合查阅条件"});
    let by_officer = api
        .post(
            &format!("/api/v1/cases/{case_id}/access-requests/{seq}/decision"),
            &officer,
            decision.clone(),
        )
        .await;
    assert!(
        by_officer.status == StatusCode::UNPROCESSABLE_ENTITY
            || by_officer.status == StatusCode::FORBIDDEN,
        "{}",
        by_officer.text
    );
    let head = api.bearer("ahead").await;
    let decided = api
        .post(
            &format!("/api/v1/cases/{case_id}/access-requests/{seq}/decision"),
            &head,
            decision,
        )
        .await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.text);

    let before = api.audit_entries().await.len();
    let opened_records = api
        .get(
            &format!("/api/v1/cases/{case_id}/access-requests/{seq}/records"),
            &officer,
        )
        .await;
    assert_eq!(
        opened_records.status,
        StatusCode::OK,
        "{}",
        opened_records.text
    );
    let seqs: Vec<u64> = opened_records
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, wanted);
    assert!(
        api.audit_entries().await.len() > before,
        "access views are audited"
    );
    let case = api.get(&format!("/api/v1/cases/{case_id}"), &officer).await;
    assert_eq!(
        case.json["access_requests"][0]["outcome"], "approve",
        "{}",
        case.text
    );
}

/// The JSON body of `POST /cases/{id}/records` for `input`.
fn record_body(input: &liuhen_core::service::RecordInput) -> Value {
    let format = |at: time::OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    json!({
        "record_type": input.record_type,
        "event_time": format(input.event_time),
        "event_end": input.event_end.map(format),
        "data": Value::Object(input.data.clone()),
    })
}

/// The case's stored records and the log size: what a dry run must leave as it was.
async fn appended(api: &Api, case_id: &str) -> (usize, u64) {
    let records = api
        .get(
            &format!("/api/v1/cases/{case_id}/records"),
            &api.bearer("ahead").await,
        )
        .await;
    let count = records.json.as_array().map_or(0, Vec::len);
    let log = liuhen_core::ports::Store::log_state(api.district.store.as_ref())
        .await
        .unwrap();
    (count, log.size)
}

/// A walker on a case opened over HTTP, to fill record data from the rule set.
fn walker_on<'a>(api: &'a Api, case_id: &str) -> Walker<'a> {
    let mut walker = Walker::new(&api.district, "penalty_ordinary");
    walker.case_id = Some(liuhen_core::ids::CaseId::new(case_id).unwrap());
    walker
}

#[tokio::test]
async fn check_route_refuses_like_the_append_route_and_appends_nothing() {
    let api = api().await;
    let case_id = opened(&api).await;
    let mut walker = walker_on(&api, &case_id);
    let spec = walker.spec("r8_unit_opinion");
    let mut input = walker.input("r8_unit_opinion").await;
    let removed = spec
        .fields
        .iter()
        .find(|field| field.required && field.when.is_none())
        .unwrap()
        .name
        .clone();
    input.data.remove(&removed);
    let incomplete = record_body(&input);
    let later_stage = record_body(&walker.input("r10_1_questioning_party").await);
    for (user, body, status, code) in [
        (
            "uhead",
            incomplete.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused",
        ),
        (
            "off1",
            later_stage,
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused",
        ),
        (
            "sup",
            incomplete.clone(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        ("offb", incomplete, StatusCode::NOT_FOUND, "not_found"),
    ] {
        let auth = api.bearer(user).await;
        let before = appended(&api, &case_id).await;
        let check = api
            .post(
                &format!("/api/v1/cases/{case_id}/records/check"),
                &auth,
                body.clone(),
            )
            .await;
        let error = assert_error(&check, status, code);
        assert_eq!(appended(&api, &case_id).await, before, "{user}: appended");
        let append = api
            .post(&format!("/api/v1/cases/{case_id}/records"), &auth, body)
            .await;
        assert_eq!(append.status, check.status, "{user}: {}", append.text);
        assert_eq!(append.json, error, "{user}: same body as the append");
    }
    let missing = api
        .post(
            &format!("/api/v1/cases/{case_id}/records/check"),
            &api.bearer("uhead").await,
            json!({"record_type": "r8_unit_opinion", "event_time": "2024-10-08T11:00:00+08:00", "data": {}}),
        )
        .await;
    let error = assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert!(error["rule"].as_str().unwrap().contains("R8-a"), "{error}");
    // A malformed body is a 400, as for the append.
    let malformed = api
        .post(
            &format!("/api/v1/cases/{case_id}/records/check"),
            &api.bearer("uhead").await,
            json!({"record_type": "r8_unit_opinion", "event_time": "yesterday"}),
        )
        .await;
    assert_error(&malformed, StatusCode::BAD_REQUEST, "invalid");
    // Each check that reached the core is audited once, as `check` (not as a `create`).
    let entries = api.audit_entries().await;
    let object = format!("case/{case_id}");
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "check" && e.object == object)
            .count(),
        5,
        "{entries:?}"
    );
    assert!(
        !entries
            .iter()
            .any(|e| e.object.ends_with("/records/check") && e.outcome != "invalid"),
        "{entries:?}"
    );
}

#[tokio::test]
async fn check_route_accepts_a_valid_record_and_appends_nothing() {
    let api = api().await;
    let case_id = opened(&api).await;
    let mut walker = walker_on(&api, &case_id);
    let body = record_body(&walker.input("r8_unit_opinion").await);
    let auth = api.bearer("uhead").await;
    let before = appended(&api, &case_id).await;
    let check = api
        .post(
            &format!("/api/v1/cases/{case_id}/records/check"),
            &auth,
            body.clone(),
        )
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text);
    assert_eq!(check.json, json!({"ok": true}));
    assert_eq!(appended(&api, &case_id).await, before, "the check appended");
    let append = api
        .post(&format!("/api/v1/cases/{case_id}/records"), &auth, body)
        .await;
    assert_eq!(append.status, StatusCode::CREATED, "{}", append.text);
    assert_eq!(appended(&api, &case_id).await.0, before.0 + 1);
}

#[tokio::test]
async fn record_options_list_a_blocked_type_with_its_rule() {
    let api = api().await;
    let case_id = opened(&api).await;
    let reply = api
        .get(
            &format!("/api/v1/cases/{case_id}/record-options"),
            &api.bearer("off1").await,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let options = reply.json.as_array().unwrap();
    let option = |record_type: &str| {
        options
            .iter()
            .find(|o| o["record_type"] == record_type)
            .unwrap_or_else(|| panic!("{record_type} not listed: {}", reply.text))
    };
    let first = &options[0];
    assert_eq!(first["record_type"], "r8_initiation", "{}", reply.text);
    assert_eq!(first["stage"], "启动");
    // Open to an officer: blocked is null.
    assert_eq!(option("r9_complaint")["blocked"], Value::Null);
    let av = option("av_record");
    assert_eq!(av["stage"], Value::Null);
    assert_eq!(av["blocked"], Value::Null);
    // A type of a later stage: blocked by the stage rule, in the error body's shape.
    let later = option("r10_1_questioning_party");
    assert_eq!(later["name"], "询问当事人");
    assert_eq!(later["stage"], "调查取证");
    let blocked = &later["blocked"];
    assert!(
        blocked["rule"].as_str().unwrap().contains("R4-c"),
        "{blocked}"
    );
    assert!(
        blocked["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{blocked}"
    );
    assert!(blocked["citation"].is_string(), "{blocked}");
    // The same refusal the append gives.
    let input = walker_on(&api, &case_id)
        .input("r10_1_questioning_party")
        .await;
    let append = api
        .post(
            &format!("/api/v1/cases/{case_id}/records"),
            &api.bearer("off1").await,
            record_body(&input),
        )
        .await;
    let error = assert_error(&append, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert_eq!(error["rule"], blocked["rule"]);
    assert_eq!(error["message"], blocked["message"]);
    // A case of another body is not revealed.
    let other = api
        .get(
            &format!("/api/v1/cases/{case_id}/record-options"),
            &api.bearer("offb").await,
        )
        .await;
    assert_error(&other, StatusCode::NOT_FOUND, "not_found");
}
