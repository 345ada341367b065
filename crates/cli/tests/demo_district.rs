//! `liuhen demo --no-serve` on a fresh folder: the district is complete (≥ 40 cases over every
//! procedure and stage), the log verifies, a second run adds nothing, and `liuhen rebuild`
//! reproduces the live projections exactly (issue 5 items 6 and 8). The demo also has a case
//! in every legal-review state with each body's catalogue (issue 7 "Done when"), and real,
//! masked disclosures of its cases — on time, late, pending, restricted, corrected on the
//! body's own initiative and on request, withdrawn — with correction status lookups (issue 8
//! "Done when").

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use liuhen_core::case::CaseView;
use liuhen_core::disclosure::{ItemKind, ItemState, ItemView};
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, StreamId, UserId};
use liuhen_core::ports::{
    AuditQuery, DeadlineQuery, Projection, ProjectionKind, ProjectionQuery, Store, SystemClock,
};
use liuhen_core::record::Record;
use liuhen_core::registry::{BodyView, OfficerView};
use liuhen_core::review::precheck::PrecheckStatus;
use liuhen_core::review::state::OpinionOutcome;
use liuhen_core::review::{ReviewStatus, ReviewView};
use liuhen_core::service::disclosure::{PublicFilter, SupervisionIssue};
use liuhen_core::service::{Ctx, Services};
use liuhen_ledger::hash::HashProfile;
use liuhen_redact::{KnownEntities, Role as EntityRole, leak_check};
use liuhen_store::sql_store::SqlStore;
use serde_json::Value;

fn liuhen(args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(args)
        .output()
        .expect("run liuhen");
    assert!(
        output.status.success(),
        "liuhen {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

async fn rows(store: &SqlStore, kind: ProjectionKind) -> Vec<Projection> {
    store
        .list_projections(&ProjectionQuery {
            kind: Some(kind),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
}

async fn snapshot(dir: &Path) -> (Vec<Projection>, Vec<liuhen_core::ports::DeadlineRow>, u64) {
    let store = SqlStore::open_data_dir(dir).await.unwrap();
    let mut all = Vec::new();
    for kind in [
        ProjectionKind::Case,
        ProjectionKind::Body,
        ProjectionKind::Officer,
        ProjectionKind::PowerItem,
        ProjectionKind::User,
        ProjectionKind::Disclosure,
        ProjectionKind::DisclosureRequest,
        ProjectionKind::DisclosureSettings,
    ] {
        all.extend(rows(&store, kind).await);
    }
    let mut deadlines = store.deadlines(&DeadlineQuery::default()).await.unwrap();
    deadlines.sort_by_key(|row| (row.stream.to_string(), row.key.clone()));
    let size = store.log_state().await.unwrap().size;
    store.close().await;
    (all, deadlines, size)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_builds_a_complete_district_idempotently_and_rebuild_reproduces_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let dir_arg = dir.to_str().unwrap();
    let first = liuhen(&["demo", "--no-serve", "--data-dir", dir_arg]);
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("已在"), "{text}");
    assert!(
        text.contains("scjg-officer1") && text.contains("supervisor"),
        "{text}"
    );

    let store = SqlStore::open_data_dir(&dir).await.unwrap();
    // Cases: ≥ 40, every procedure of XC-2024, every stage.
    let cases: Vec<CaseView> = rows(&store, ProjectionKind::Case)
        .await
        .into_iter()
        .map(|row| serde_json::from_value(row.data).unwrap())
        .collect();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let (book, _) = liuhen_core::rules::RuleBook::builtin(&[]).unwrap();
    let procedures: BTreeSet<&str> = cases.iter().map(|c| c.procedure.as_str()).collect();
    for procedure in &book.sets()[0].procedures {
        assert!(
            procedures.contains(procedure.0.as_str()),
            "no case of {}",
            procedure.0
        );
    }
    let mut stages: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        let label = match case.status.code() {
            "open" => case.stage.clone(),
            other => other.to_owned(),
        };
        *stages.entry(label).or_default() += 1;
    }
    for stage in [
        "initiation",
        "investigation",
        "decision",
        "delivery_execution",
        "closed",
        "not_initiated",
    ] {
        assert!(stages.contains_key(stage), "no case in {stage}: {stages:?}");
    }
    assert!(
        cases.iter().any(|c| c.has("r29_archive")),
        "an archived case"
    );
    // A penalty case waits for legal review (L2-a): decision stage, no review passed.
    assert!(cases.iter().any(|c| c.procedure == "penalty_ordinary"
        && c.stage == "decision"
        && c.has("r14_statement_response")
        && !c.has("l8_review_approved")));
    // Registries: four agencies (+ entrusted organisations) with a legal-review office; one
    // expired and one suspended credential per agency.
    let bodies: Vec<BodyView> = rows(&store, ProjectionKind::Body)
        .await
        .into_iter()
        .map(|row| serde_json::from_value(row.data).unwrap())
        .collect();
    let agencies: Vec<&BodyView> = bodies
        .iter()
        .filter(|b| b.profile.entrustment.is_none())
        .collect();
    assert_eq!(agencies.len(), 4);
    assert!(agencies.iter().all(|b| b.legal_review_unit().is_some()));
    assert_eq!(bodies.len(), 8, "four entrusted organisations");
    for body in &bodies {
        assert!(liuhen_core::registry::uscc::is_valid(&body.profile.uscc));
    }
    let officers: Vec<OfficerView> = rows(&store, ProjectionKind::Officer)
        .await
        .into_iter()
        .map(|row| serde_json::from_value(row.data).unwrap())
        .collect();
    let today = time::OffsetDateTime::now_utc().date();
    let invalid = officers
        .iter()
        .filter(|o| !o.has_valid_credential(today, None))
        .count();
    assert_eq!(
        invalid, 8,
        "one expired and one suspended credential per agency"
    );
    // The log verifies from its records (store log verification).
    let verified = store.log().verify(&[]).await.unwrap();
    let size = store.log_state().await.unwrap().size;
    assert_eq!(verified.head.size, size);
    // Every demo account has a password (Argon2id).
    let phc = store
        .password_hash("scjg-officer1")
        .await
        .unwrap()
        .unwrap()
        .1;
    assert!(phc.starts_with("$argon2id$"), "{phc}");

    // Issues 7 and 8, through the services the web crate calls.
    let store = Arc::new(store);
    let services = services_over(&store);
    let today = time::OffsetDateTime::now_utc()
        .to_offset(liuhen_core::CHINA_OFFSET)
        .date();
    every_review_state_is_present_with_catalogues(&services, &cases, today).await;
    decisions_are_published_on_time_late_and_pending(&services, today).await;
    corrections_withdrawal_and_restriction_are_visible(&services, &dir).await;
    published_json_holds_no_unmasked_personal_data(&services, &store, &cases).await;
    store.close().await;

    // Second run: recognised, nothing added.
    let (before, deadlines_before, size_before) = snapshot(&dir).await;
    let second = liuhen(&["demo", "--no-serve", "--data-dir", dir_arg]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("已有演示数据"));
    let (_, _, size_after) = snapshot(&dir).await;
    assert_eq!(size_before, size_after, "second run appended records");

    // Rebuild: every projection and deadline equals the live one.
    let rebuilt = liuhen(&["rebuild", "--data-dir", dir_arg]);
    let report: serde_json::Value = serde_json::from_slice(&rebuilt.stdout).unwrap();
    assert_eq!(report["records"], size_before);
    assert_eq!(report["projections_differing_from_live"], 0, "{report}");
    assert_eq!(report["deadlines_differing_from_live"], false, "{report}");
    let (after, deadlines_after, _) = snapshot(&dir).await;
    assert_eq!(before.len(), after.len());
    for (live, replayed) in before.iter().zip(&after) {
        assert_eq!(
            live,
            replayed,
            "projection {}/{}",
            live.kind.as_str(),
            live.id
        );
    }
    assert_eq!(deadlines_before, deadlines_after);
}

/// The services over the demo's store, as `liuhen serve` builds them (SM3, built-in rules).
fn services_over(store: &Arc<SqlStore>) -> Services {
    let (rules, _) = liuhen_core::rules::RuleBook::builtin(&[]).unwrap();
    let calendar = liuhen_calendar::Calendar::embedded().unwrap();
    let dyn_store: Arc<dyn Store> = store.clone();
    Services::new(
        dyn_store,
        Arc::new(SystemClock),
        Arc::new(rules),
        Arc::new(calendar),
        HashProfile::Sm3,
    )
}

async fn ctx(services: &Services, user: &str) -> Ctx {
    services
        .context_for(&UserId::new(user).unwrap(), None)
        .await
        .unwrap()
}

const BODY_PREFIXES: [(&str, &str); 4] = [
    ("xc-scjgj", "scjg"),
    ("xc-zhzf", "zhzf"),
    ("xc-sthj", "sthj"),
    ("xc-yjglj", "yjgl"),
];

/// Issue 7 "Done when": a case in each review state (L2-a, L4-d, L4-e, L8, L9, L10), each
/// body's catalogue (L5-b) and time limits (L5-a), the review queues (L8-c), and the refused
/// decision attempts audited with L2-a.
async fn every_review_state_is_present_with_catalogues(
    services: &Services,
    cases: &[CaseView],
    today: time::Date,
) {
    let supervisor = ctx(services, "supervisor").await;
    let mut reviews: Vec<ReviewView> = Vec::new();
    for case in cases {
        reviews.push(services.review(&supervisor, &case.id).await.unwrap());
    }
    let count = |f: &dyn Fn(&ReviewView) -> bool| reviews.iter().filter(|r| f(r)).count();
    let first_outcome = |r: &ReviewView, n: usize| {
        r.rounds
            .get(n)
            .and_then(|round| round.opinion.as_ref())
            .map(|o| o.outcome)
    };
    let states = [
        ("待审核", count(&|r| r.status == ReviewStatus::Pending)),
        (
            "待补充",
            count(&|r| r.status == ReviewStatus::AwaitingSupplement),
        ),
        (
            "一次通过",
            count(&|r| {
                r.status == ReviewStatus::Passed
                    && r.rounds.len() == 1
                    && first_outcome(r, 0) == Some(OpinionOutcome::Approved)
            }),
        ),
        (
            "存在问题后再次报送通过",
            count(&|r| {
                r.status == ReviewStatus::Passed
                    && r.rounds.len() >= 2
                    && first_outcome(r, 0) == Some(OpinionOutcome::Problems)
                    && !r.rounds[1].responses.is_empty()
            }),
        ),
        (
            "补充材料后通过",
            count(&|r| {
                r.status == ReviewStatus::Passed
                    && r.rounds.iter().any(|round| {
                        !round.supplements.is_empty()
                            && round.supplements.iter().all(|s| s.reply.is_some())
                            && !round.meetings.is_empty()
                    })
            }),
        ),
        (
            "负责人决定作出",
            count(&|r| {
                r.status == ReviewStatus::HeadDecided
                    && r.current().is_some_and(|round| {
                        round.escalation.is_some()
                            && round.head_decision.as_ref().is_some_and(|d| d.for_unit)
                    })
            }),
        ),
        (
            "负责人采纳审核意见",
            count(&|r| {
                r.status == ReviewStatus::Returned
                    && r.current().is_some_and(|round| {
                        round.head_decision.as_ref().is_some_and(|d| !d.for_unit)
                    })
            }),
        ),
        (
            "认定无需审核（L4-d）",
            count(&|r| {
                r.rounds.is_empty()
                    && r.determination.as_ref().is_some_and(|d| {
                        !d.any_yes
                            && d.confirmed_by.is_some()
                            && d.catalogue_version.is_some_and(|v| v > 0)
                    })
            }),
        ),
        (
            "人工标记（L4-e）后通过",
            count(&|r| !r.manual_marks.is_empty() && r.status == ReviewStatus::Passed),
        ),
        (
            "待负责人决定（L10-c）",
            count(&|r| r.status == ReviewStatus::Escalated),
        ),
        (
            "送审材料已变更（L2-b）",
            count(&|r| r.status == ReviewStatus::Invalidated),
        ),
        ("退回修改", count(&|r| r.status == ReviewStatus::Returned)),
        ("未报送", count(&|r| r.status == ReviewStatus::NotSubmitted)),
    ];
    for (label, n) in states {
        assert!(n >= 1, "no case in review state {label}: {states:?}");
    }
    // The decision refused before the review passed is audited with the rule (L2-a).
    let refused = services
        .store()
        .read_audit(&AuditQuery {
            object_prefix: Some("case/".into()),
            user: None,
            limit: 1000,
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "refused" && e.outcome.contains("L2-a"))
        .count();
    assert!(
        refused >= 5,
        "{refused} refused decisions audited with L2-a"
    );
    for (body, prefix) in BODY_PREFIXES {
        let body = BodyId::new(body).unwrap();
        let catalogue = services
            .review_catalogue(&supervisor, &body, None)
            .await
            .unwrap();
        assert!(
            catalogue.version > 0 && !catalogue.entries.is_empty(),
            "{body}: empty catalogue"
        );
        assert_eq!(catalogue.time_limits.get("penalty"), Some(&5), "{body}");
        let stats = services
            .review_statistics(&supervisor, Some(body.clone()))
            .await
            .unwrap();
        assert!(stats[0].has_review_office && stats[0].catalogue_version > 0);
        // The reviewer's queue lists what waits for the office (L8-c).
        let reviewer = ctx(services, &format!("{prefix}-reviewer")).await;
        for pending in services.pending_reviews(&reviewer, today).await.unwrap() {
            assert!(matches!(
                pending.status,
                ReviewStatus::Pending | ReviewStatus::AwaitingSupplement
            ));
            assert!(!pending.excluded, "the reviewer handled no demo case");
        }
    }
    // L10-c: an escalation waits in an agency head's queue, and only there.
    let mut escalations = 0;
    for (_, prefix) in BODY_PREFIXES {
        let head = ctx(services, &format!("{prefix}-head")).await;
        let queue = services.pending_reviews(&head, today).await.unwrap();
        assert!(
            queue.iter().all(|p| p.status == ReviewStatus::Escalated),
            "{prefix}: {queue:?}"
        );
        escalations += queue.len();
    }
    assert!(escalations >= 1, "no escalation in any head's queue");
    // Every review state has its case (L2-a … L10-c, I11).
    for status in [
        ReviewStatus::NotSubmitted,
        ReviewStatus::Pending,
        ReviewStatus::AwaitingSupplement,
        ReviewStatus::Returned,
        ReviewStatus::Escalated,
        ReviewStatus::Passed,
        ReviewStatus::HeadDecided,
        ReviewStatus::Invalidated,
    ] {
        assert!(
            reviews.iter().any(|r| r.status == status),
            "no case in review state {}",
            status.label()
        );
    }
    // The pre-checks (L7-b) run on every submitted demo case: the demo's cases were handled
    // by the book, so none fails (notices served, credentials valid, documents numbered).
    for review in reviews.iter().filter(|r| !r.rounds.is_empty()) {
        let report = services
            .review_prechecks(&supervisor, &review.case_id)
            .await
            .unwrap();
        assert_eq!(report.checks.len(), 5);
        assert!(
            report
                .checks
                .iter()
                .all(|c| c.status != PrecheckStatus::Failed),
            "{report:#?}"
        );
    }
    let reviewer = ctx(services, "scjg-reviewer").await;
    let queue = services.pending_reviews(&reviewer, today).await.unwrap();
    assert!(
        queue.iter().any(|p| p.status == ReviewStatus::Pending)
            && queue
                .iter()
                .any(|p| p.status == ReviewStatus::AwaitingSupplement),
        "{queue:?}"
    );
}

fn met_on_time(item: &ItemView) -> Option<bool> {
    let o = item.obligations.iter().find(|o| o.key == "d12")?;
    Some(o.met_on? <= o.due)
}

/// Issue 8: decisions of penalty and licensing cases are published within their D12 period
/// (most), some late (supervision history), some pending (due soon / overdue); the D4 items and
/// the D9 annual item exist.
async fn decisions_are_published_on_time_late_and_pending(services: &Services, today: time::Date) {
    let supervisor = ctx(services, "supervisor").await;
    let items = services
        .disclosure_items(&supervisor, None, None)
        .await
        .unwrap();
    let decisions = |action: &str| {
        items
            .iter()
            .filter(|i| i.kind == ItemKind::Decision)
            .filter(|i| i.source.as_ref().is_some_and(|s| s.action == action))
            .collect::<Vec<_>>()
    };
    for action in ["penalty", "licensing"] {
        let on_time = decisions(action)
            .into_iter()
            .filter(|i| i.is_public() && met_on_time(i) == Some(true))
            .count();
        assert!(
            on_time >= 2,
            "{on_time} {action} decisions published on time"
        );
    }
    let published: Vec<&ItemView> = items.iter().filter(|i| i.is_public()).collect();
    let on_time = published
        .iter()
        .filter(|i| met_on_time(i) == Some(true))
        .count();
    let late = published
        .iter()
        .filter(|i| met_on_time(i) == Some(false))
        .count();
    assert!(
        late >= 1 && on_time > 5 * late,
        "{on_time} on time, {late} late"
    );
    let pending: Vec<&ItemView> = items
        .iter()
        .filter(|i| {
            matches!(
                i.state,
                ItemState::Drafted | ItemState::Collected | ItemState::Submitted
            )
        })
        .collect();
    assert!(!pending.is_empty(), "no pending item");
    let dashboard = services
        .disclosure_supervision(&supervisor, today)
        .await
        .unwrap();
    let has = |f: &dyn Fn(&SupervisionIssue) -> bool| dashboard.iter().any(|e| f(&e.issue));
    assert!(
        has(&|i| matches!(i, SupervisionIssue::Late { .. })),
        "no late publication"
    );
    assert!(
        has(&|i| matches!(i, SupervisionIssue::Overdue { .. })),
        "no overdue item"
    );
    assert!(
        has(&|i| matches!(i, SupervisionIssue::DueSoon { .. })),
        "no item due soon"
    );
    assert!(dashboard.iter().all(|e| !e.history.is_empty()));
    // D4 from the registries, D9 for the previous year.
    for kind in [
        ItemKind::BodyProfile,
        ItemKind::Officers,
        ItemKind::PowerItem,
        ItemKind::Entrustment,
        ItemKind::InspectionResult,
        ItemKind::Performance,
    ] {
        let public = services
            .published_items(&PublicFilter {
                kind: Some(kind),
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(!public.is_empty(), "no published {kind:?} item");
    }
    let annual = items
        .iter()
        .filter(|i| i.kind == ItemKind::AnnualData)
        .count();
    assert_eq!(
        annual, 4,
        "the previous year's annual item of each body (D9)"
    );
}

/// D13-a, D13-b/c, D14-a and D10: the public sees the notes; correction requests can be looked
/// up by tracking number; a restriction is approved by the head.
async fn corrections_withdrawal_and_restriction_are_visible(services: &Services, dir: &Path) {
    use liuhen_core::blobs::Blobs as _;
    let blobs = liuhen_store::blobs::LocalBlobs::open(
        dir.join(liuhen_web::serve::DEFAULT_BLOBS_DIR),
        u64::MAX,
    )
    .unwrap();
    let public = services
        .published_items(&PublicFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let corrected: Vec<_> = public
        .iter()
        .filter(|i| i.notes.iter().any(|n| n.label == "已更正"))
        .collect();
    assert!(
        corrected.len() >= 2,
        "a correction by the body and one on request"
    );
    for item in &corrected {
        assert!(item.version >= 2 && item.content.is_some());
        let detail = services.published_item(&item.id).await.unwrap();
        assert_eq!(detail.versions.len() as u32, item.version);
    }
    let withdrawn: Vec<_> = public
        .iter()
        .filter(|i| i.notes.iter().any(|n| n.label == "已撤下"))
        .collect();
    assert_eq!(withdrawn.len(), 1, "one withdrawal (D14-a)");
    assert!(
        withdrawn[0].content.is_none(),
        "the notice replaces the content"
    );
    assert!(withdrawn[0].notes.iter().any(|n| n.text.contains("撤销")));

    let supervisor = ctx(services, "supervisor").await;
    let mut statuses = Vec::new();
    for (body, _) in BODY_PREFIXES {
        let body = BodyId::new(body).unwrap();
        for request in services
            .correction_requests(&supervisor, &body)
            .await
            .unwrap()
        {
            let status = services.correction_status(&request.tracking).await.unwrap();
            assert_eq!(status.item, request.item);
            // D13-b: the evidence the requester attached is kept, and staff can open it.
            assert!(!request.evidence.is_empty(), "{}", request.tracking);
            for file in &request.evidence {
                let stored = blobs.verify(&file.sha256).await.unwrap();
                assert_eq!(stored.sm3, file.sm3, "{}", file.name);
                assert_eq!(stored.media_type, "application/pdf", "{}", file.name);
            }
            statuses.push((status.status, status.outcome));
        }
    }
    assert!(
        statuses.contains(&("已答复".to_owned(), Some("更正".to_owned())))
            && statuses.iter().any(|(s, o)| s == "处理中" && o.is_none()),
        "{statuses:?}"
    );
    assert!(matches!(
        services.correction_status("CRAAAAAAAAAAAAAAAAAAAA").await,
        Err(CoreError::NotFound(_))
    ));
    let restricted = services
        .disclosure_items(&supervisor, None, Some(ItemState::Restricted))
        .await
        .unwrap();
    assert!(
        restricted
            .iter()
            .any(|i| i.restriction.as_ref().is_some_and(|r| r
                .approved_by
                .as_ref()
                .is_some_and(|u| u.as_str().ends_with("-head")))),
        "a D10 restriction approved by the agency head"
    );
}

/// The natural persons of the demo's cases (parties and legal representatives) with their
/// identity and phone numbers, read from the case records.
async fn natural_persons(store: &SqlStore, cases: &[CaseView]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for case in cases {
        for row in store.read_stream(&StreamId::case(&case.id)).await.unwrap() {
            let record = Record::from_bytes(&row.canonical).unwrap();
            let Some(Value::Object(party)) = record.data.get("party") else {
                continue;
            };
            let text = |k: &str| party.get(k).and_then(Value::as_str).map(str::to_owned);
            let mut entry = match (text("kind").as_deref(), text("name")) {
                (Some("natural_person"), Some(name)) => (name, Vec::new()),
                _ => match text("legal_representative") {
                    Some(rep) => (rep, Vec::new()),
                    None => continue,
                },
            };
            if text("kind").as_deref() == Some("natural_person") {
                entry.1.extend(text("id_number"));
                entry.1.extend(text("phone"));
            }
            if !out.iter().any(|(n, _)| n == &entry.0) {
                out.push(entry);
            }
        }
    }
    out
}

/// D10-c, D10-d, P9: no published JSON (portal and open-data versions, the public queries)
/// names a natural person in full or shows an identity or mobile number.
async fn published_json_holds_no_unmasked_personal_data(
    services: &Services,
    store: &SqlStore,
    cases: &[CaseView],
) {
    let persons = natural_persons(store, cases).await;
    assert!(persons.len() >= 6, "{persons:?}");
    let mut known = KnownEntities::new();
    for (name, _) in &persons {
        known.add_person(name, EntityRole::Party).unwrap();
    }
    let supervisor = ctx(services, "supervisor").await;
    let mut texts = Vec::new();
    for item in services
        .disclosure_items(&supervisor, None, None)
        .await
        .unwrap()
    {
        if item.is_public() {
            texts.push((
                item.id.clone(),
                serde_json::to_string(&item.public).unwrap(),
            ));
            let detail = services.published_item(&item.id).await.unwrap();
            texts.push((item.id.clone(), serde_json::to_string(&detail).unwrap()));
        }
    }
    assert!(texts.len() > 100, "{} published texts", texts.len());
    let mut masked_parties = 0;
    for (id, text) in &texts {
        assert!(leak_check(text, &known).is_ok(), "{id}: {text}");
        for (name, numbers) in &persons {
            assert!(!text.contains(name.as_str()), "{id} names {name}: {text}");
            for number in numbers {
                assert!(!text.contains(number.as_str()), "{id} shows {number}");
            }
        }
        if text.contains("某") {
            masked_parties += 1;
        }
    }
    assert!(masked_parties > 0, "natural persons appear masked");
}
