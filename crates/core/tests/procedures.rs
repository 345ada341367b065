//! Procedure walks over the district rule set: for each action kind the full legal path succeeds,
//! each gate refuses with its rule ID, and every required field's absence is refused.
//!
//! The full-path walks run on every store (`memory::`, `sqlite::`, `postgres::`; see
//! `common::on_every_store!`): between them they write every record type and field type of the
//! rule set, which is what the SQL stores must round-trip. The gate checks stay on the
//! `MemoryStore`: a refusal is decided by the engine before anything reaches the store, and
//! they build dozens of walkers each (about 20 s more per run on the SQL stores).

mod common;

use common::{District, Walker, district};
use liuhen_core::rules::schema::GateCheck;

/// Walks `procedure` along its full legal path, probing every required field on the way.
async fn check_walk(district: &District, procedure: &str) {
    let mut walker = Walker::new(district, procedure);
    walker.probe_required = true;
    walker
        .walk()
        .await
        .unwrap_or_else(|err| panic!("{procedure}: {err} after {:?}", walker.log));
    let view = walker.view().await;
    let last = walker.procedure.stages.last().unwrap();
    assert_eq!(
        view.stage, last.id,
        "{procedure} ends in the last stage; path {:?}",
        walker.log
    );
    assert!(
        walker.probes > 0,
        "{procedure}: no required field was probed"
    );
}

async fn penalty_ordinary_full_path_succeeds(district: &District) {
    check_walk(district, "penalty_ordinary").await;
}
async fn penalty_summary_full_path_succeeds(district: &District) {
    check_walk(district, "penalty_summary").await;
}
async fn licensing_full_path_succeeds(district: &District) {
    check_walk(district, "licensing").await;
}
async fn coercion_seizure_full_path_succeeds(district: &District) {
    check_walk(district, "coercion_seizure").await;
}
async fn coercion_freeze_full_path_succeeds(district: &District) {
    check_walk(district, "coercion_freeze").await;
}
async fn compulsory_execution_full_path_succeeds(district: &District) {
    check_walk(district, "compulsory_execution").await;
}
async fn inspection_full_path_succeeds(district: &District) {
    check_walk(district, "inspection").await;
}
async fn expropriation_full_path_succeeds(district: &District) {
    check_walk(district, "expropriation").await;
}

/// For every gate of `procedure`: satisfy every other gate of the guarded record type, then try
/// it. The engine must refuse citing the gate's IDs unless the gate's condition already holds.
async fn check_gates_refuse(district: &District, procedure: &str) {
    let spec = common::set(district).procedure(procedure).unwrap().clone();
    let mut refused_count = 0;
    for gate in &spec.gates {
        let mut walker = Walker::new(district, procedure);
        walker.skip_av = matches!(&gate.check, GateCheck::Code(name) if name == "av_coverage");
        walker.open(&spec.start[0]).await.unwrap();
        // Reach the guarded type's stage.
        let target_stage = spec
            .stages
            .iter()
            .position(|s| s.record_types.contains(&gate.before))
            .unwrap_or(0);
        for stage in &spec.stages[..target_stage] {
            for mandatory in &stage.mandatory {
                walker
                    .ensure(mandatory)
                    .await
                    .unwrap_or_else(|err| panic!("{procedure}/{}: {err}", gate.id));
            }
        }
        let others: Vec<_> = spec
            .gates
            .iter()
            .filter(|g| g.before == gate.before && g.id != gate.id)
            .cloned()
            .collect();
        let mut full = walker.procedure.clone();
        full.gates = others;
        let saved = std::mem::replace(&mut walker.procedure, full);
        if walker.prepare(&gate.before).await.is_err() {
            continue; // another gate's preparation depends on this one
        }
        walker.procedure = saved;
        let view = walker.view().await;
        let holds = match &gate.check {
            GateCheck::RecordsExist(ids) => ids.iter().all(|id| view.has(id)),
            GateCheck::IfRecordThen {
                if_record,
                then_any,
            } => !view.has(if_record) || then_any.iter().any(|id| view.has(id)),
            GateCheck::IfFlagThen { flag, then_any } => {
                !view.flags.contains(flag) || then_any.iter().any(|id| view.has(id))
            }
            GateCheck::FlagNotSet(flag) => !view.flags.contains(flag),
            GateCheck::Code(name) => match name.as_str() {
                "legal_review" | "collective_after_review" => {
                    !view.review_required() || view.flags.contains("review_passed")
                }
                "statement_period_passed" => view.flags.contains("statement_closed"),
                _ => false,
            },
        };
        match walker.add(&gate.before).await {
            Ok(_) => assert!(
                holds,
                "{procedure}: {} let {} through",
                gate.id, gate.before
            ),
            Err(err) => {
                let refusal = err
                    .refusal()
                    .unwrap_or_else(|| panic!("{procedure}/{}: {err}", gate.id));
                if refusal.details.first() == Some(&gate.id) {
                    for id in &gate.requires {
                        assert!(
                            refusal.ids.iter().any(|r| r.as_str() == id),
                            "{}: {refusal:?}",
                            gate.id
                        );
                    }
                    refused_count += 1;
                }
            }
        }
    }
    assert!(
        refused_count > 0 || spec.gates.is_empty(),
        "{procedure}: no gate refused"
    );
}

#[tokio::test]
async fn penalty_ordinary_gates_refuse_with_their_rule_ids() {
    check_gates_refuse(&district().await, "penalty_ordinary").await;
}
#[tokio::test]
async fn coercion_seizure_gates_refuse_with_their_rule_ids() {
    check_gates_refuse(&district().await, "coercion_seizure").await;
}
#[tokio::test]
async fn licensing_gates_refuse_with_their_rule_ids() {
    check_gates_refuse(&district().await, "licensing").await;
}

common::on_every_store!(
    penalty_ordinary_full_path_succeeds,
    penalty_summary_full_path_succeeds,
    licensing_full_path_succeeds,
    coercion_seizure_full_path_succeeds,
    coercion_freeze_full_path_succeeds,
    compulsory_execution_full_path_succeeds,
    inspection_full_path_succeeds,
    expropriation_full_path_succeeds,
);
