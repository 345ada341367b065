//! `liuhen demo --no-serve` on a fresh folder: the district is complete (≥ 40 cases over every
//! procedure and stage), the log verifies, a second run adds nothing, and `liuhen rebuild`
//! reproduces the live projections exactly (issue 5 items 6 and 8).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use liuhen_core::case::CaseView;
use liuhen_core::ports::{DeadlineQuery, Projection, ProjectionKind, ProjectionQuery, Store};
use liuhen_core::registry::{BodyView, OfficerView};
use liuhen_store::sql_store::SqlStore;

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
