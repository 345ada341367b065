//! Gates: conditions that must hold before a record type can be entered (R13-a, R14-c, R16-c,
//! R16-d, R5-a, L2-a, L11-a). Data gates come from the rule set ([`GateCheck`]); code gates are
//! named there and implemented here. Gates run in the core for every caller — never only in a UI.

use async_trait::async_trait;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::case::{CaseView, av_gap, flags};
use crate::error::{CoreError, Refusal};
use crate::ids::{OfficerId, RequirementId, StreamSeq, UserId};
use crate::role::Role;
use crate::rules::RuleSet;
use crate::rules::schema::{GateCheck, GateSpec, ProcedureSpec, RecordTypeSpec};

/// P2: the longest gap allowed in mandatory A/V coverage (R5-a).
pub const AV_MAX_GAP: time::Duration = time::Duration::seconds(60);

/// The legal-review hook of L2-a. The default of [`crate::service::Services`] is the review
/// workflow of issue 7 ([`crate::review::WorkflowReviewGate`]); [`FlagReviewGate`] is the older
/// flag-only hook, kept for tests of other rules.
#[async_trait]
pub trait LegalReviewGate: Send + Sync {
    /// Whether the decision of `case` may be recorded as far as legal review is concerned.
    async fn review_satisfied(&self, case: &CaseView) -> Result<bool, CoreError>;

    /// When the review of `case` reached a passing state (通过 or 负责人决定作出), if it has
    /// (L11-a, I12: a collective discussion may not be dated earlier). Default: not tracked.
    async fn review_passed_at(
        &self,
        _case: &CaseView,
    ) -> Result<Option<OffsetDateTime>, CoreError> {
        Ok(None)
    }

    /// Review-specific checks on a record about to be entered through `Services::add_record`
    /// (L3, L4-c, L6, L7–L10, L12-c). Returns platform-computed fields (package hashes, catalogue
    /// matches, …) that the engine merges into the record's data, replacing any value the caller
    /// supplied. Default: no checks, no fields.
    async fn check_record(
        &self,
        _check: &RecordCheck<'_>,
    ) -> Result<Map<String, Value>, CoreError> {
        Ok(Map::new())
    }
}

/// What the review hook sees of a record about to be entered (including `sys_void`).
pub struct RecordCheck<'a> {
    /// The case as it stands.
    pub case: &'a CaseView,
    /// The rule set the record is checked against (its `[messages]` give the refusals).
    pub set: &'a RuleSet,
    /// The signed-in user.
    pub user: &'a UserId,
    /// The user's officer identity, if any.
    pub officer: Option<&'a OfficerId>,
    /// The role the user acts in.
    pub role: Role,
    /// The record type id (`sys_void` for a void).
    pub record_type: &'a str,
    /// The data as supplied.
    pub data: &'a Map<String, Value>,
    /// The event time as supplied.
    pub event_time: OffsetDateTime,
    /// The record it supersedes or voids.
    pub supersedes: Option<StreamSeq>,
    /// Server time (the entry time the record will carry).
    pub now: OffsetDateTime,
}

/// The default hook: a case that requires review (procedure default unless on the spot, a held
/// hearing R15-c, or a manual mark L4-e) passes only once a record set the `review_passed` flag.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlagReviewGate;

#[async_trait]
impl LegalReviewGate for FlagReviewGate {
    async fn review_satisfied(&self, case: &CaseView) -> Result<bool, CoreError> {
        Ok(!case.review_required() || case.flags.contains(flags::REVIEW_PASSED))
    }
}

/// What a gate sees of the record being entered.
pub struct Candidate<'a> {
    /// Its type.
    pub spec: &'a RecordTypeSpec,
    /// Its data.
    pub data: &'a Map<String, Value>,
    /// Its event time.
    pub event_time: OffsetDateTime,
    /// Its event end.
    pub event_end: Option<OffsetDateTime>,
}

fn gate_refusal(gate: &GateSpec, detail: String) -> Refusal {
    Refusal {
        ids: gate.requires.iter().map(RequirementId::new).collect(),
        message: gate.message.clone(),
        citation: gate.citation.clone(),
        details: vec![gate.id.clone(), detail],
    }
}

/// Runs every gate of `procedure` that guards the candidate's record type; the first failing gate
/// refuses, citing its requirement IDs and message.
pub async fn check_gates(
    case: &CaseView,
    _set: &RuleSet,
    procedure: &ProcedureSpec,
    candidate: &Candidate<'_>,
    review_gate: &dyn LegalReviewGate,
) -> Result<(), CoreError> {
    run_gates(case, procedure, candidate, review_gate, |_| true).await
}

/// Whether a gate's outcome depends on what the new record itself says, so that it cannot be
/// decided before its form is filled in: the A/V coverage of R5-a (`av_coverage`) is decided by
/// the A/V records the form links and the times it gives.
///
/// `statement_period_passed` (R14-b) and `collective_after_review` (L11-a) also read the
/// record's event time, but only to refuse a date earlier than the period's end or the review;
/// dated now, they refuse exactly when the case is not yet there, which is what a form needs
/// to know beforehand.
pub fn depends_on_record_data(check: &GateCheck) -> bool {
    matches!(check, GateCheck::Code(name) if name == "av_coverage" || name == "on_the_spot_limits")
}

/// 《行政处罚法》第五十一条: the most an on-the-spot fine may be, in 分 — 200元 for a natural
/// person.
pub const ON_THE_SPOT_FINE_LIMIT_NATURAL_FEN: u64 = 20_000;
/// The same for a legal person or other organisation: 3000元.
pub const ON_THE_SPOT_FINE_LIMIT_ORGANIZATION_FEN: u64 = 300_000;

/// Runs the gates of `procedure` guarding `spec` whose outcome does not depend on the new
/// record's data ([`depends_on_record_data`]), as for a record of `spec` entered at `now`
/// (R4-c: which records the case's state allows; L2-a, R14-c, R23-a: which gates still stand in
/// the way). The first failing gate refuses, as in [`check_gates`].
///
/// Success does *not* mean that a record of `spec` will be accepted: its fields, the officers
/// it names and its A/V coverage are checked only when it is entered.
pub async fn check_gates_without_data(
    case: &CaseView,
    procedure: &ProcedureSpec,
    spec: &RecordTypeSpec,
    now: OffsetDateTime,
    review_gate: &dyn LegalReviewGate,
) -> Result<(), CoreError> {
    let data = Map::new();
    let candidate = Candidate {
        spec,
        data: &data,
        event_time: now,
        event_end: None,
    };
    run_gates(case, procedure, &candidate, review_gate, |check| {
        !depends_on_record_data(check)
    })
    .await
}

/// Runs the gates guarding the candidate's type for which `wanted` holds, in rule-set order.
async fn run_gates(
    case: &CaseView,
    procedure: &ProcedureSpec,
    candidate: &Candidate<'_>,
    review_gate: &dyn LegalReviewGate,
    wanted: impl Fn(&GateCheck) -> bool,
) -> Result<(), CoreError> {
    for gate in procedure
        .gates
        .iter()
        .filter(|g| g.before == candidate.spec.id && wanted(&g.check))
    {
        let failure: Option<String> = match &gate.check {
            GateCheck::RecordsExist(ids) => {
                let missing: Vec<&String> = ids.iter().filter(|id| !case.has(id)).collect();
                (!missing.is_empty()).then(|| format!("missing: {missing:?}"))
            }
            GateCheck::IfRecordThen {
                if_record,
                then_any,
            } => (case.has(if_record) && !then_any.iter().any(|id| case.has(id)))
                .then(|| format!("{if_record} without {then_any:?}")),
            GateCheck::IfFlagThen { flag, then_any } => (case.flags.contains(flag)
                && !then_any.iter().any(|id| case.has(id)))
            .then(|| format!("flag {flag} without {then_any:?}")),
            GateCheck::FlagNotSet(flag) => case
                .flags
                .contains(flag)
                .then(|| format!("flag {flag} is set")),
            GateCheck::Code(name) => check_code(name, case, candidate, review_gate).await?,
        };
        if let Some(detail) = failure {
            return Err(CoreError::Refused(gate_refusal(gate, detail)));
        }
    }
    Ok(())
}

/// R5-a: where the A/V records the candidate links (`av_records`) leave its act uncovered for
/// longer than P2, the first uncovered moment.
pub fn candidate_av_gap(case: &CaseView, candidate: &Candidate<'_>) -> Option<OffsetDateTime> {
    let refs: Vec<StreamSeq> = candidate
        .data
        .get("av_records")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_u64)
                .map(StreamSeq)
                .collect()
        })
        .unwrap_or_default();
    let end = candidate.event_end.unwrap_or(candidate.event_time);
    av_gap(case, &refs, candidate.event_time, end, AV_MAX_GAP)
}

async fn check_code(
    name: &str,
    case: &CaseView,
    candidate: &Candidate<'_>,
    review_gate: &dyn LegalReviewGate,
) -> Result<Option<String>, CoreError> {
    match name {
        // L2-a: the decision waits for a passing review where review is required.
        "legal_review" => Ok((!review_gate.review_satisfied(case).await?)
            .then(|| "legal review not passed".to_owned())),
        // L11-a / I12: a collective discussion only after the review has passed.
        "collective_after_review" => {
            if !case.review_required() {
                return Ok(None);
            }
            if !review_gate.review_satisfied(case).await? {
                return Ok(Some(
                    "review not passed before collective discussion".to_owned(),
                ));
            }
            let passed_at = review_gate.review_passed_at(case).await?;
            Ok(passed_at
                .filter(|at| candidate.event_time < *at)
                .map(|at| format!("collective discussion dated before the review passed at {at}")))
        }
        // R14-b / R14-c / I14: the party's response, waiver or the expiry of the period is
        // recorded; when that record states the period's end, the decision comes after it.
        "statement_period_passed" => {
            if !case.flags.contains(flags::STATEMENT_CLOSED) {
                return Ok(Some("statement period not closed".to_owned()));
            }
            let decision_date = candidate.event_time.to_offset(crate::CHINA_OFFSET).date();
            let too_early = case
                .records
                .iter()
                .filter(|r| {
                    r.is_effective() && r.sets_flags.iter().any(|f| f == flags::STATEMENT_CLOSED)
                })
                .filter_map(|r| r.period_end)
                .any(|end| decision_date <= end);
            Ok(too_early.then(|| "statement period has not passed".to_owned()))
        }
        // R5-a: linked A/V records cover the act with no gap over P2.
        "av_coverage" => {
            Ok(candidate_av_gap(case, candidate).map(|at| format!("A/V gap from {at}")))
        }
        // 《行政处罚法》第五十一条: on the spot only a warning, or a fine of at most 200元 for a
        // natural person or 3000元 for an organisation; anything else takes the ordinary
        // procedure (and its legal review, L4-a). A party of unknown kind gets the lower limit.
        "on_the_spot_limits" => {
            let limit = match case.party_kind.as_deref() {
                Some("organization") => ON_THE_SPOT_FINE_LIMIT_ORGANIZATION_FEN,
                _ => ON_THE_SPOT_FINE_LIMIT_NATURAL_FEN,
            };
            let kind = candidate.data.get("penalty_kind").and_then(Value::as_str);
            let fine = candidate.data.get("fine_fen").and_then(Value::as_u64);
            Ok(match kind {
                Some("罚款") => fine
                    .filter(|fine| *fine > limit)
                    .map(|fine| format!("fine {fine} fen over the on-the-spot limit {limit}")),
                Some("警告") | None => None,
                Some(other) => Some(format!(
                    "penalty kind {other} cannot be decided on the spot"
                )),
            })
        }
        other => Err(CoreError::Invalid {
            field: "gate".to_owned(),
            reason: format!("unknown code gate {other}"),
        }),
    }
}
