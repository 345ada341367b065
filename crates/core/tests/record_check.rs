//! The dry run of a record (`Services::check_record`) and the record types a case's form may
//! offer (`Services::record_options`): the dry run answers exactly as `add_record` would and
//! leaves the case, the body's number counters and the log as they were; the options name the
//! rule that blocks a type before its form is filled in (R4-c stage, L2-a legal review, R23-a
//! execution before closure, L13-a SUPERVISOR). Every test runs on each store:
//! `memory::<name>`, `sqlite::<name>` and `postgres::<name>` (the last when
//! `LIUHEN_TEST_PG_URL` is set; see `common::on_every_store!`).

mod common;

use common::{BODY_A, District, Walker};
use liuhen_core::error::{CoreError, Refusal};
use liuhen_core::ids::{BodyId, CaseId, StreamId};
use liuhen_core::ports::{AuditQuery, LogState, Projection, ProjectionKind, Store, StreamHead};
use liuhen_core::service::{RecordInput, RecordOption};
use time::Duration;

/// What a dry run must leave alone: the case's stream head and projection, the body stream
/// (document and case numbers, R26-b) and the log.
#[derive(Debug, PartialEq)]
struct Written {
    case_head: Option<StreamHead>,
    case_projection: Option<Projection>,
    body_head: Option<StreamHead>,
    log: LogState,
}

async fn written(d: &District, case_id: &CaseId) -> Written {
    let store = d.services.store();
    let body = BodyId::new(BODY_A).unwrap();
    Written {
        case_head: store.stream_head(&StreamId::case(case_id)).await.unwrap(),
        case_projection: store
            .projection(ProjectionKind::Case, case_id.as_str())
            .await
            .unwrap(),
        body_head: store.stream_head(&StreamId::body(&body)).await.unwrap(),
        log: store.log_state().await.unwrap(),
    }
}

/// Checks `input` as `user`, asserts that nothing was written, then adds the same input and
/// asserts that the append answered as the check did. Returns the check's answer.
async fn check_then_add(
    d: &District,
    case_id: &CaseId,
    user: &str,
    input: RecordInput,
) -> Result<(), CoreError> {
    let ctx = d.ctx(user).await;
    let before = written(d, case_id).await;
    let checked = d.services.check_record(&ctx, case_id, &input).await;
    assert_eq!(
        written(d, case_id).await,
        before,
        "check_record of {} wrote something",
        input.record_type
    );
    let record_type = input.record_type.clone();
    let added = d.services.add_record(&ctx, case_id, input).await;
    match (&checked, &added) {
        (Ok(()), Ok(_)) => {}
        // CoreError has no PartialEq (it wraps store errors); its Debug form shows every field
        // of a refusal: IDs, message, citation and details.
        (Err(check), Err(add)) => assert_eq!(
            format!("{check:?}"),
            format!("{add:?}"),
            "{record_type}: check and append answer differently"
        ),
        _ => panic!("{record_type}: check_record answered {checked:?}, add_record {added:?}"),
    }
    checked
}

fn cites(refusal: &Refusal, id: &str) -> bool {
    refusal.ids.iter().any(|r| r.as_str() == id)
}

fn refusal_of(err: &CoreError) -> &Refusal {
    match err {
        CoreError::Refused(refusal) => refusal,
        CoreError::Forbidden(refusal) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The option for `record_type`.
fn option<'o>(options: &'o [RecordOption], record_type: &str) -> &'o RecordOption {
    options
        .iter()
        .find(|option| option.record_type == record_type)
        .unwrap_or_else(|| panic!("{record_type} is not listed: {options:?}"))
}

/// A penalty case with every prerequisite of the decision except legal review (as the review
/// workflow tests build it).
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

async fn check_answers_as_add_record_and_writes_nothing(d: &District) {
    let mut w = Walker::new(d, "penalty_ordinary");
    w.open("r8_initiation").await.unwrap();
    let case_id = w.case_id.clone().unwrap();

    // A required field left out (R8-a): refused, naming the field.
    let spec = w.spec("r8_unit_opinion");
    let mut input = w.input("r8_unit_opinion").await;
    let required = spec
        .fields
        .iter()
        .find(|f| f.required && f.when.is_none())
        .unwrap();
    input.data.remove(&required.name);
    let err = check_then_add(d, &case_id, "uhead", input)
        .await
        .unwrap_err();
    assert!(refusal_of(&err).details.contains(&required.name), "{err:?}");

    // A type of a later stage while the initiation stage is incomplete (R4-c).
    let input = w.input("r10_1_questioning_party").await;
    let err = check_then_add(d, &case_id, "off1", input)
        .await
        .unwrap_err();
    assert!(cites(refusal_of(&err), "R4-c"), "{err:?}");

    // A role the type does not allow (the head's opinion by an officer).
    let input = w.input("r8_head_opinion").await;
    let err = check_then_add(d, &case_id, "off1", input)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Refused(_)), "{err:?}");

    // SUPERVISOR writes nothing (L13-a), an officer of another body does not see the case, a
    // system administrator performs no legal step (L2-a): 403, 404 and 403 as for the append.
    let input = w.input("r8_unit_opinion").await;
    let err = check_then_add(d, &case_id, "sup", input.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(_)), "{err:?}");
    assert!(cites(refusal_of(&err), "L13-a"), "{err:?}");
    let err = check_then_add(d, &case_id, "offb", input.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound(_)), "{err:?}");
    let err = check_then_add(d, &case_id, "admin", input.clone())
        .await
        .unwrap_err();
    assert!(cites(refusal_of(&err), "L2-a"), "{err:?}");

    // Malformed input: an event in the future (R3-d).
    let mut future = input.clone();
    future.event_time = d.services.now() + Duration::days(1);
    let err = check_then_add(d, &case_id, "uhead", future)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Invalid { .. }), "{err:?}");

    // A valid record: the check accepts it and writes nothing; the append then accepts it.
    check_then_add(d, &case_id, "uhead", input).await.unwrap();
    let view = w.view().await;
    assert!(view.has("r8_unit_opinion"));

    // The head's opinion now passes the R8-a gate; its document number (R26-b) is assigned by
    // the append only — the body stream is part of what `check_then_add` compares.
    let input = w.input("r8_head_opinion").await;
    check_then_add(d, &case_id, "ahead", input).await.unwrap();

    // Every check is audited as `check` with its outcome (R4-b).
    let entries = d
        .store
        .read_audit(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let object = format!("case/{case_id}");
    let checks: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "check" && e.object == object)
        .collect();
    assert_eq!(checks.len(), 9, "{checks:?}");
    assert!(checks.iter().any(|e| e.outcome == "ok"), "{checks:?}");
    assert!(
        checks.iter().any(|e| e.outcome.contains("R4-c")),
        "{checks:?}"
    );
    assert!(
        checks.iter().any(|e| e.outcome == "forbidden"),
        "{checks:?}"
    );
}

async fn check_of_a_decision_before_legal_review_is_refused_citing_l2_a(d: &District) {
    let mut w = at_decision(d).await;
    let case_id = w.case_id.clone().unwrap();
    let input = w.input("r16_penalty_decision").await;
    let err = check_then_add(d, &case_id, "ahead", input)
        .await
        .unwrap_err();
    let refusal = refusal_of(&err);
    assert!(cites(refusal, "L2-a"), "{refusal:?}");
    assert!(
        refusal
            .details
            .iter()
            .any(|detail| detail == "l2a_legal_review_r16_penalty_decision"),
        "{refusal:?}"
    );
}

async fn check_of_a_closure_before_the_execution_status_is_refused_citing_r23_a(d: &District) {
    let mut w = Walker::new(d, "penalty_summary");
    w.open("summary_onsite_finding").await.unwrap();
    w.ensure("penalty_on_the_spot_decision").await.unwrap();
    let case_id = w.case_id.clone().unwrap();

    let ctx = d.ctx("uhead").await;
    let options = d.services.record_options(&ctx, &case_id).await.unwrap();
    let closure = option(&options, "case_closure");
    assert_eq!(closure.stage, None, "case_closure is of any stage");
    let blocked = closure.blocked.as_ref().expect("closure is blocked");
    assert!(cites(blocked, "R23-a"), "{blocked:?}");

    let input = w.input("case_closure").await;
    let err = check_then_add(d, &case_id, "uhead", input)
        .await
        .unwrap_err();
    assert_eq!(
        refusal_of(&err),
        blocked,
        "options and check give one refusal"
    );
}

async fn options_of_a_fresh_penalty_case_name_the_blocking_rule(d: &District) {
    let mut w = Walker::new(d, "penalty_ordinary");
    w.open("r8_initiation").await.unwrap();
    let case_id = w.case_id.clone().unwrap();
    let officer = d.ctx("off1").await;
    let options = d.services.record_options(&officer, &case_id).await.unwrap();

    // Every type of the procedure once, stage types first (in stage order), then any_stage.
    let procedure = &w.procedure;
    let first_stage = &procedure.stages[0];
    assert_eq!(options[0].record_type, first_stage.record_types[0]);
    assert_eq!(options[0].stage.as_deref(), Some(first_stage.name.as_str()));
    assert!(options.iter().all(|o| !o.record_type.starts_with("sys_")));
    let mut ids: Vec<&str> = options.iter().map(|o| o.record_type.as_str()).collect();
    let n_listed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n_listed, "a type is listed twice");
    let first_any = options.iter().position(|o| o.stage.is_none()).unwrap();
    assert!(options[first_any..].iter().all(|o| o.stage.is_none()));
    assert!(
        options[first_any..]
            .iter()
            .all(|o| procedure.any_stage.contains(&o.record_type))
    );

    // The stage's types are open to their roles, except that the head's opinion, which ends
    // the stage, waits for the unit's (R4-c: the stage's mandatory records come first).
    let unit_head = d.ctx("uhead").await;
    let as_unit_head = d
        .services
        .record_options(&unit_head, &case_id)
        .await
        .unwrap();
    assert_eq!(option(&as_unit_head, "r8_unit_opinion").blocked, None);
    assert_eq!(option(&options, "r9_complaint").blocked, None);
    assert_eq!(option(&options, "av_record").blocked, None);
    let head = d.ctx("ahead").await;
    let as_head = d.services.record_options(&head, &case_id).await.unwrap();
    let gated = option(&as_head, "r8_head_opinion")
        .blocked
        .as_ref()
        .expect("the head's opinion waits for the unit's");
    assert!(cites(gated, "R4-c"), "{gated:?}");
    assert!(
        gated.details.iter().any(|d| d == "r8_unit_opinion"),
        "{gated:?}"
    );

    // A type of a later stage: the stage rule (R4-c), with the stage it belongs to.
    let later = option(&options, "r10_1_questioning_party");
    assert_eq!(later.stage.as_deref(), Some("调查取证"));
    let blocked = later.blocked.as_ref().expect("a later stage is blocked");
    assert!(cites(blocked, "R4-c"), "{blocked:?}");
    assert!(has_cjk(&blocked.message), "{blocked:?}");

    // A type the officer's role does not allow.
    let role = option(&options, "r8_unit_opinion")
        .blocked
        .as_ref()
        .expect("an officer cannot give the unit's opinion");
    assert!(has_cjk(&role.message), "{role:?}");

    // SUPERVISOR reads the case but may add nothing (L13-a, D15-b).
    let supervisor = d.ctx("sup").await;
    let as_supervisor = d
        .services
        .record_options(&supervisor, &case_id)
        .await
        .unwrap();
    assert_eq!(as_supervisor.len(), options.len());
    for option in &as_supervisor {
        let blocked = option
            .blocked
            .as_ref()
            .unwrap_or_else(|| panic!("{} is open to SUPERVISOR", option.record_type));
        assert!(cites(blocked, "L13-a"), "{blocked:?}");
    }

    // A case of another body is not revealed; the read is audited either way (R4-b).
    let other = d.ctx("offb").await;
    let err = d
        .services
        .record_options(&other, &case_id)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound(_)), "{err:?}");
    let entries = d
        .store
        .read_audit(&AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let object = format!("case/{case_id}");
    assert!(entries.iter().any(|e| e.action == "read"
        && e.object == object
        && e.outcome == "not_found"
        && e.user.as_ref().is_some_and(|u| u.as_str() == "offb")));
    assert!(entries.iter().any(|e| e.action == "read"
        && e.object == object
        && e.outcome == "ok"
        && e.user.as_ref().is_some_and(|u| u.as_str() == "sup")));
}

async fn options_at_the_decision_name_legal_review_l2_a(d: &District) {
    let w = at_decision(d).await;
    let case_id = w.case_id.clone().unwrap();
    let head = d.ctx("ahead").await;
    let options = d.services.record_options(&head, &case_id).await.unwrap();
    let decision = option(&options, "r16_penalty_decision");
    assert_eq!(decision.stage.as_deref(), Some("审核决定"));
    let blocked = decision.blocked.as_ref().expect("the decision is blocked");
    assert!(cites(blocked, "L2-a"), "{blocked:?}");
    assert!(
        blocked
            .details
            .iter()
            .any(|detail| detail == "l2a_legal_review_r16_penalty_decision"),
        "the legal-review gate blocks, not the role or the stage: {blocked:?}"
    );
    assert!(has_cjk(&blocked.message), "{blocked:?}");
    assert!(!blocked.citation.is_empty(), "{blocked:?}");
}

common::on_every_store!(
    check_answers_as_add_record_and_writes_nothing,
    check_of_a_decision_before_legal_review_is_refused_citing_l2_a,
    check_of_a_closure_before_the_execution_status_is_refused_citing_r23_a,
    options_of_a_fresh_penalty_case_name_the_blocking_rule,
    options_at_the_decision_name_legal_review_l2_a,
);
