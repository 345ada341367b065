//! [`WorkflowReviewGate`]: the default legal-review hook of the services (L2-a). It folds the
//! case's review records from the store and
//! - lets a decision through only when review is not required or the latest round is 通过 /
//!   负责人决定作出 with its package intact (L2-a, L2-b, I11);
//! - dates the pass for the collective-discussion gate (L11-a, I12);
//! - checks every review record before it is entered: the review office (L3-a, L3-b), the
//!   reviewer (L3-a handled the case, L3-c qualification, I10), the package (L6-a, L12-b, L10-b),
//!   the round state (L7–L10), immutability (L12-c, L4-e) and the locked determination answers
//!   (L4-c, L5-b), and fills the platform-computed fields.

use std::sync::Arc;

use async_trait::async_trait;
use liuhen_ledger::hash::HashProfile;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::catalogue::{CaseFacts, catalogue_at};
use super::delegation::holds_own_grant;
use super::reviewer::{ReviewerQualification, fold_reviewer};
use super::state::{OpinionOutcome, ReviewStatus, ReviewView};
use super::{list_field, seq_field, str_field, types};
use crate::case::{CaseView, flags};
use crate::error::CoreError;
use crate::gates::{LegalReviewGate, RecordCheck};
use crate::ids::{BodyId, CaseId, StreamId, UserId};
use crate::ports::{DeadlineQuery, ProjectionKind, Store, StoreError};
use crate::record::Record;
use crate::registry::{BodyKind, BodyView, PowerItemView};
use crate::role::Role;
use crate::rules::RuleSet;

/// The review-workflow gate over a store.
#[derive(Clone)]
pub struct WorkflowReviewGate {
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for WorkflowReviewGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkflowReviewGate").finish_non_exhaustive()
    }
}

fn refuse(
    set: &RuleSet,
    key: &str,
    ids: &[&str],
    fallback: &str,
    details: Vec<String>,
) -> CoreError {
    CoreError::Refused(set.refusal(key, ids, fallback, details))
}

/// Reads a stream's records.
pub(crate) async fn read_records(
    store: &dyn Store,
    stream: &StreamId,
) -> Result<Vec<Record>, CoreError> {
    store
        .read_stream(stream)
        .await?
        .iter()
        .map(|row| Record::from_bytes(&row.canonical))
        .collect()
}

/// A body's projection.
pub(crate) async fn body_view(store: &dyn Store, body: &BodyId) -> Result<BodyView, CoreError> {
    let row = store
        .projection(ProjectionKind::Body, body.as_str())
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("body/{body}")))?;
    serde_json::from_value(row.data)
        .map_err(|err| CoreError::Store(StoreError::Corrupt(format!("body/{body}: {err}"))))
}

/// The body whose review office and catalogue apply to a case: the delegating body for an
/// entrusted organisation (I13, L2-c), else the case's body.
pub(crate) async fn review_body(store: &dyn Store, body: &BodyId) -> Result<BodyView, CoreError> {
    let view = body_view(store, body).await?;
    if view.profile.kind == BodyKind::Entrusted
        && let Some(entrustment) = &view.profile.entrustment
    {
        return body_view(store, &entrustment.delegating_body).await;
    }
    Ok(view)
}

/// The latest qualification profile of a reviewer.
pub(crate) async fn qualification(
    store: &dyn Store,
    user: &UserId,
) -> Result<Option<ReviewerQualification>, CoreError> {
    let mut state = None;
    for record in read_records(store, &StreamId::reviewer(user)).await? {
        state = Some(fold_reviewer(state, &record)?);
    }
    Ok(state)
}

/// Whether `user` (or their officer identity) handled the case: entered, or is named as an
/// officer on, any record other than the review workflow's own (L3-a).
pub fn handled_case(case: &CaseView, user: &UserId, officer: Option<&str>) -> bool {
    case.records.iter().any(|r| {
        !types::WORKFLOW.contains(&r.record_type.as_str())
            && (r.user == *user || officer.is_some_and(|o| r.officers.iter().any(|x| x == o)))
    })
}

impl WorkflowReviewGate {
    /// The gate over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        WorkflowReviewGate { store }
    }

    /// The review state of a case as of `case.last_seq`.
    pub async fn load(&self, case: &CaseView) -> Result<ReviewView, CoreError> {
        let records: Vec<Record> = read_records(self.store.as_ref(), &StreamId::case(&case.id))
            .await?
            .into_iter()
            .filter(|r| r.seq <= case.last_seq)
            .collect();
        Ok(ReviewView::from_records(
            case.id.clone(),
            case.body.clone(),
            &records,
        ))
    }

    /// The review state of a case by id (for queries).
    pub async fn load_id(&self, case_id: &CaseId, body: &BodyId) -> Result<ReviewView, CoreError> {
        let records = read_records(self.store.as_ref(), &StreamId::case(case_id)).await?;
        Ok(ReviewView::from_records(
            case_id.clone(),
            body.clone(),
            &records,
        ))
    }

    async fn check_reviewer(&self, check: &RecordCheck<'_>) -> Result<(), CoreError> {
        let case = check.case;
        // L2-c, I13: an entrusted organisation's case is reviewed by the delegating body's
        // office; the organisation's own staff do not review it.
        let office = review_body(self.store.as_ref(), &case.body).await?;
        if office.id != case.body
            && !holds_own_grant(self.store.as_ref(), check.user, Role::Reviewer, &office.id).await?
        {
            return Err(refuse(
                check.set,
                "review_delegating_office",
                &["L2-c", "I13"],
                "受委托组织的案件由委托机关的法制审核机构审核",
                vec![office.id.to_string()],
            ));
        }
        if handled_case(case, check.user, check.officer.map(|o| o.as_str())) {
            return Err(refuse(
                check.set,
                "review_reviewer_handled",
                &["L3-a"],
                "法制审核人员不得审核本人承办的案件",
                vec![check.user.to_string()],
            ));
        }
        if case.action == "penalty" {
            let ok = qualification(self.store.as_ref(), check.user)
                .await?
                .is_some_and(|q| q.may_review_penalties());
            if !ok {
                return Err(refuse(
                    check.set,
                    "review_reviewer_unqualified",
                    &["L3-c", "I10", "P5"],
                    "初次从事行政处罚决定法制审核的人员，应当取得法律职业资格",
                    vec![check.user.to_string()],
                ));
            }
        }
        Ok(())
    }

    async fn check_office(&self, check: &RecordCheck<'_>) -> Result<(), CoreError> {
        let case = check.case;
        let office = review_body(self.store.as_ref(), &case.body).await?;
        let Some(unit) = office.legal_review_unit() else {
            return Err(refuse(
                check.set,
                "review_office_missing",
                &["L3-a", "L3-b"],
                "本机关未明确法制审核机构，不能报送法制审核",
                vec![office.id.to_string()],
            ));
        };
        if let Some(item) = &case.power_item
            && let Some(row) = self
                .store
                .projection(ProjectionKind::PowerItem, item.as_str())
                .await?
            && let Ok(item) = serde_json::from_value::<PowerItemView>(row.data)
            && item.item.unit.as_ref() == Some(&unit.id)
            && office.id == case.body
        {
            return Err(refuse(
                check.set,
                "review_office_missing",
                &["L3-a"],
                "法制审核机构不能是本案的承办机构",
                vec![unit.id.to_string()],
            ));
        }
        Ok(())
    }

    async fn determination_fields(
        &self,
        check: &RecordCheck<'_>,
    ) -> Result<Map<String, Value>, CoreError> {
        let case = check.case;
        // L4-c: after a held hearing L4.4 is locked to yes.
        if case.flags.contains(flags::HEARING_HELD)
            && check
                .data
                .get("l4_4_after_hearing")
                .and_then(Value::as_bool)
                != Some(true)
        {
            return Err(refuse(
                check.set,
                "review_determination_locked",
                &["L4-c"],
                "经过听证的须认定为“是”",
                vec!["l4_4_after_hearing".into()],
            ));
        }
        let office = review_body(self.store.as_ref(), &case.body).await?;
        let records = read_records(self.store.as_ref(), &StreamId::catalogue(&office.id)).await?;
        let catalogue = catalogue_at(&office.id, &records, Some(check.now))?;
        let level = check.data.get("enforcement_level").and_then(Value::as_str);
        let amount = check
            .data
            .get("amount_involved_fen")
            .and_then(Value::as_u64);
        let facts = CaseFacts {
            action: &case.action,
            domain: case.domain.as_deref(),
            power_item: case.power_item.as_ref(),
            level,
            amount_fen: amount,
        };
        let matches = catalogue.matches(&facts);
        let mut fields = Map::new();
        fields.insert("catalogue_match".into(), json!(!matches.is_empty()));
        fields.insert(
            "catalogue_matches".into(),
            Value::Array(
                matches
                    .iter()
                    .map(|e| json!({"entry": e.id, "title": e.title}))
                    .collect(),
            ),
        );
        fields.insert("catalogue_version".into(), json!(catalogue.version));
        Ok(fields)
    }

    async fn submission_fields(
        &self,
        check: &RecordCheck<'_>,
        review: &ReviewView,
    ) -> Result<Map<String, Value>, CoreError> {
        let case = check.case;
        self.check_office(check).await?;
        if !matches!(
            review.status,
            ReviewStatus::NotSubmitted | ReviewStatus::Returned | ReviewStatus::Invalidated
        ) {
            return Err(refuse(
                check.set,
                "review_submission_open",
                &["L6-a", "L10-b"],
                "本案已有待审核的报送，不能重复报送",
                vec![review.status.code().into()],
            ));
        }
        let latest_draft = case
            .records
            .iter()
            .rev()
            .find(|r| r.is_effective() && r.record_type == types::DRAFT)
            .map(|r| r.seq);
        let evidence = list_field(check.data, "evidence");
        if latest_draft.is_none()
            || seq_field(check.data, "draft_ref") != latest_draft
            || evidence.is_empty()
            || str_field(check.data, "draft_decision").trim().is_empty()
            || str_field(check.data, "legal_basis").trim().is_empty()
        {
            return Err(refuse(
                check.set,
                "review_package_incomplete",
                &["L6-a", "L2-b"],
                "报送材料须包括拟作出的决定、证据清单和法律依据",
                vec!["draft_ref".into(), "evidence".into()],
            ));
        }
        // L10-b: a resubmission answers each problem of the previous opinion.
        if let Some(previous) = review.current()
            && let Some(opinion) = &previous.opinion
            && opinion.outcome == OpinionOutcome::Problems
        {
            let answered = |n: u64| {
                list_field(check.data, "responses").iter().any(|r| {
                    r.get("problem_no").and_then(Value::as_u64) == Some(n)
                        && r.get("detail")
                            .and_then(Value::as_str)
                            .is_some_and(|d| !d.trim().is_empty())
                })
            };
            let missing: Vec<String> = (1..=opinion.problems.len() as u64)
                .filter(|n| !answered(*n))
                .map(|n| n.to_string())
                .collect();
            if !missing.is_empty() {
                return Err(refuse(
                    check.set,
                    "review_responses_missing",
                    &["L10-b"],
                    "再次报送须逐项答复上一轮审核意见提出的问题",
                    missing,
                ));
            }
        }
        let frozen: Vec<Value> = self
            .store
            .read_stream(&StreamId::case(&case.id))
            .await?
            .iter()
            .filter(|row| row.seq <= case.last_seq)
            .map(|row| json!({"seq": row.seq.0, "hash": hex::encode(row.hash)}))
            .collect();
        let draft_hash =
            HashProfile::Sha256.digest(str_field(check.data, "draft_decision").as_bytes());
        let due = self
            .store
            .deadlines(&DeadlineQuery {
                bodies: Some(vec![case.body.clone()]),
                open_only: false,
                due_on_or_before: None,
            })
            .await?
            .into_iter()
            .find(|row| row.case_id.as_ref() == Some(&case.id) && row.key == "decision")
            .map(|row| row.due.to_string());
        let mut fields = Map::new();
        fields.insert("version".into(), json!(review.rounds.len() + 1));
        match review.current() {
            Some(previous) => fields.insert("previous_ref".into(), json!(previous.submission.0)),
            None => fields.insert("previous_ref".into(), Value::Null),
        };
        fields.insert(
            "draft_hash".into(),
            json!(hex::encode(draft_hash.as_bytes())),
        );
        fields.insert("frozen".into(), Value::Array(frozen));
        fields.insert(
            "handling_due".into(),
            due.map_or(Value::Null, Value::String),
        );
        fields.retain(|_, v| !v.is_null());
        Ok(fields)
    }

    fn not_pending(check: &RecordCheck<'_>, status: ReviewStatus) -> CoreError {
        refuse(
            check.set,
            "review_not_pending",
            &["L7-a", "L8-a", "L9-a", "L10-a"],
            "当前状态不能进行此项审核操作",
            vec![status.code().into()],
        )
    }

    async fn reviewer_act(
        &self,
        check: &RecordCheck<'_>,
        review: &ReviewView,
    ) -> Result<(), CoreError> {
        self.check_reviewer(check).await?;
        let Some(round) = review.current() else {
            return Err(Self::not_pending(check, review.status));
        };
        if seq_field(check.data, "submission_ref") != Some(round.submission) {
            return Err(Self::not_pending(check, review.status));
        }
        if round.invalidated_by.is_some() {
            return Err(refuse(
                check.set,
                "review_package_changed",
                &["L2-b", "L6-a"],
                "送审材料已变更，须重新报送",
                vec![],
            ));
        }
        let status = review.status;
        let allowed = match check.record_type {
            types::SUPPLEMENT_REQUEST | types::MEETING => matches!(
                status,
                ReviewStatus::Pending | ReviewStatus::AwaitingSupplement
            ),
            types::APPROVED | types::PROBLEMS => status == ReviewStatus::Pending,
            types::ESCALATION => {
                let maintained = status == ReviewStatus::Returned
                    && round.head_decision.is_none()
                    && round
                        .opinion
                        .as_ref()
                        .is_some_and(|o| o.outcome == OpinionOutcome::Problems);
                if !(maintained && round.disagrees()) {
                    return Err(refuse(
                        check.set,
                        "review_escalation_refused",
                        &["L10-c"],
                        "只有承办机构不同意、审核机构坚持意见的，才能报负责人决定",
                        vec![status.code().into()],
                    ));
                }
                true
            }
            _ => false,
        };
        if !allowed {
            return Err(Self::not_pending(check, status));
        }
        if check.record_type == types::PROBLEMS {
            let problems = list_field(check.data, "problems");
            let complete = !problems.is_empty()
                && problems.iter().all(|p| {
                    ["item", "problem", "suggestion"].iter().all(|k| {
                        p.get(*k)
                            .and_then(Value::as_str)
                            .is_some_and(|s| !s.trim().is_empty())
                    })
                });
            if !complete {
                return Err(refuse(
                    check.set,
                    "review_problems_missing",
                    &["L10-a"],
                    "存在问题的审核意见须逐项列明问题和处理建议",
                    vec!["problems".into()],
                ));
            }
        }
        Ok(())
    }
}

#[async_trait]
impl LegalReviewGate for WorkflowReviewGate {
    async fn review_satisfied(&self, case: &CaseView) -> Result<bool, CoreError> {
        if !case.review_required() {
            return Ok(true);
        }
        Ok(self.load(case).await?.status.passes())
    }

    async fn review_passed_at(&self, case: &CaseView) -> Result<Option<OffsetDateTime>, CoreError> {
        Ok(self.load(case).await?.passed_at())
    }

    async fn check_record(&self, check: &RecordCheck<'_>) -> Result<Map<String, Value>, CoreError> {
        // L12-c / L4-e: review records are never voided or superseded.
        if let Some(target) = check.supersedes.and_then(|seq| check.case.record(seq))
            && types::IMMUTABLE.contains(&target.record_type.as_str())
        {
            return Err(refuse(
                check.set,
                "review_record_immutable",
                &["L12-c", "L4-e"],
                "法制审核记录不得作废或者更正",
                vec![target.record_type.clone()],
            ));
        }
        match check.record_type {
            types::DETERMINATION => self.determination_fields(check).await,
            types::DETERMINATION_CONFIRMATION => {
                let latest = check
                    .case
                    .records
                    .iter()
                    .rev()
                    .find(|r| r.is_effective() && r.record_type == types::DETERMINATION)
                    .map(|r| r.seq);
                if latest.is_none() || seq_field(check.data, "determination_ref") != latest {
                    return Err(refuse(
                        check.set,
                        "review_determination_stale",
                        &["L4-d"],
                        "确认的须是本案最新的情形认定",
                        vec![],
                    ));
                }
                Ok(Map::new())
            }
            types::SUBMISSION => {
                let review = self.load(check.case).await?;
                self.submission_fields(check, &review).await
            }
            kind if types::REVIEWER_ACTS.contains(&kind) => {
                let review = self.load(check.case).await?;
                self.reviewer_act(check, &review).await?;
                Ok(Map::new())
            }
            types::SUPPLEMENT_REPLY => {
                let review = self.load(check.case).await?;
                let request = seq_field(check.data, "request_ref");
                let open = review.current().is_some_and(|round| {
                    round.invalidated_by.is_none()
                        && round
                            .supplements
                            .iter()
                            .any(|s| Some(s.request) == request && s.reply.is_none())
                });
                if !open {
                    return Err(Self::not_pending(check, review.status));
                }
                Ok(Map::new())
            }
            types::HEAD_DECISION => {
                // L10-c with I13: for an entrusted organisation's case the disagreement goes to
                // the delegating body's head.
                let office = review_body(self.store.as_ref(), &check.case.body).await?;
                if office.id != check.case.body
                    && !holds_own_grant(
                        self.store.as_ref(),
                        check.user,
                        Role::AgencyHead,
                        &office.id,
                    )
                    .await?
                {
                    return Err(refuse(
                        check.set,
                        "review_delegating_head",
                        &["L10-c", "L2-c", "I13"],
                        "受委托组织案件的审核分歧由委托机关负责人决定",
                        vec![office.id.to_string()],
                    ));
                }
                let review = self.load(check.case).await?;
                let ok = review.status == ReviewStatus::Escalated
                    && review
                        .current()
                        .is_some_and(|r| r.escalation == seq_field(check.data, "escalation_ref"));
                if !ok {
                    return Err(refuse(
                        check.set,
                        "review_escalation_refused",
                        &["L10-c"],
                        "没有待负责人决定的审核分歧",
                        vec![review.status.code().into()],
                    ));
                }
                Ok(Map::new())
            }
            _ => Ok(Map::new()),
        }
    }
}
