//! The review state of a case, folded purely from its records (so that the gate, the queues and
//! a rebuild agree). One [`ReviewRound`] per submission (L6, L10-b resubmissions); the status of
//! the latest round is the case's review status.
//!
//! Package freezing (L2-b, L6-a): a submission lists the sequence numbers and hashes of every
//! record of the case at submission time. A later record that supersedes or voids one of them,
//! or a new draft decision record, invalidates the round: the gate refuses the decision until a
//! new submission passes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use super::{bool_field, list_field, seq_field, str_field, types};
use crate::case::types as case_types;
use crate::ids::{BodyId, CaseId, StreamSeq, UserId};
use crate::record::Record;

/// Where the review of a case stands (requirements.md L2-a, L9-a, L10-a, L10-c, I11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// 未报送.
    NotSubmitted,
    /// 待审核.
    Pending,
    /// 待补充 (L9-a).
    AwaitingSupplement,
    /// 退回修改 (L10-a; also after the head upheld the review, L10-c).
    Returned,
    /// 待负责人决定 (L10-c).
    Escalated,
    /// 通过 (L8-a).
    Passed,
    /// 负责人决定作出 (L10-c, I11): counts as passed.
    HeadDecided,
    /// 送审材料已变更 (L2-b): a frozen record was corrected or voided, or the draft changed.
    Invalidated,
}

impl ReviewStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReviewStatus::NotSubmitted => "not_submitted",
            ReviewStatus::Pending => "pending",
            ReviewStatus::AwaitingSupplement => "awaiting_supplement",
            ReviewStatus::Returned => "returned",
            ReviewStatus::Escalated => "escalated",
            ReviewStatus::Passed => "passed",
            ReviewStatus::HeadDecided => "head_decided",
            ReviewStatus::Invalidated => "invalidated",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::NotSubmitted => "未报送",
            ReviewStatus::Pending => "待审核",
            ReviewStatus::AwaitingSupplement => "待补充",
            ReviewStatus::Returned => "退回修改",
            ReviewStatus::Escalated => "待负责人决定",
            ReviewStatus::Passed => "通过",
            ReviewStatus::HeadDecided => "负责人决定作出",
            ReviewStatus::Invalidated => "送审材料已变更",
        }
    }

    /// Whether the status satisfies L2-a (通过, or 负责人决定作出 by I11).
    pub fn passes(self) -> bool {
        matches!(self, ReviewStatus::Passed | ReviewStatus::HeadDecided)
    }
}

/// One frozen record of a submission package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenRecord {
    /// Its sequence number in the case stream.
    pub seq: u64,
    /// Its record hash (hex, the log's profile).
    pub hash: String,
}

/// One answered point of the L7 checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistAnswer {
    /// `L7.1` … `L7.9`.
    pub point: String,
    /// 符合 / 不符合 (L7.1–L7.7), 否 / 是 (L7.8), text (L7.9).
    pub finding: String,
    /// The reviewer's note.
    pub note: String,
}

/// A problem listed by an L10-a opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemItem {
    /// Checklist point it belongs to (`L7.4`).
    pub item: String,
    /// The problem.
    pub problem: String,
    /// Suggested handling.
    pub suggestion: String,
}

/// The handling unit's answer to a listed problem on resubmission (L10-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemResponse {
    /// 1-based number of the problem in the previous opinion.
    pub problem_no: u64,
    /// 已处理 / 不同意.
    pub answer: String,
    /// What was done, or why the unit disagrees.
    pub detail: String,
}

/// Outcome of an opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpinionOutcome {
    /// 同意 (L8-a).
    Approved,
    /// 存在问题 (L10-a).
    Problems,
}

/// A written opinion (法制审核意见书, L8-a / L10-a), filed in the case (L8-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionView {
    /// Its record.
    pub seq: StreamSeq,
    /// Outcome.
    pub outcome: OpinionOutcome,
    /// The reviewer who signed it.
    pub reviewer: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The nine answers.
    pub checklist: Vec<ChecklistAnswer>,
    /// Problems (存在问题 only).
    pub problems: Vec<ProblemItem>,
}

/// A supplement request and its reply (L9-a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementView {
    /// The request record.
    pub request: StreamSeq,
    /// When requested.
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    /// What is needed.
    pub items: String,
    /// The reply record, once given.
    pub reply: Option<StreamSeq>,
}

/// The agency head's decision on an escalation (L10-c).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadDecisionView {
    /// Its record.
    pub seq: StreamSeq,
    /// 按承办机构意见办理 (true) or 采纳审核意见 (false).
    pub for_unit: bool,
    /// Who decided.
    pub by: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Reasons.
    pub reasons: String,
}

/// One submission and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRound {
    /// 1 for the first submission, 2 for the first resubmission, … (L10-b).
    pub version: u32,
    /// The submission record.
    pub submission: StreamSeq,
    /// When submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// Who submitted.
    pub submitted_by: UserId,
    /// The previous submission, for a resubmission.
    pub previous: Option<StreamSeq>,
    /// The draft decision record.
    pub draft_ref: Option<StreamSeq>,
    /// SHA-256 of the draft decision text (L2-b).
    pub draft_hash: String,
    /// Every record of the case at submission time (L6-a, L2-b).
    pub frozen: Vec<FrozenRecord>,
    /// Evidence list.
    pub evidence: Vec<u64>,
    /// Answers to the previous round's problems (L10-b).
    pub responses: Vec<ProblemResponse>,
    /// Supplement requests (L9-a).
    pub supplements: Vec<SupplementView>,
    /// 座谈会 / 专家论证会 records (L9-b).
    pub meetings: Vec<StreamSeq>,
    /// The opinion, once given.
    pub opinion: Option<OpinionView>,
    /// The escalation record (L10-c).
    pub escalation: Option<StreamSeq>,
    /// The head's decision (L10-c).
    pub head_decision: Option<HeadDecisionView>,
    /// The record that invalidated the package (L2-b).
    pub invalidated_by: Option<StreamSeq>,
}

impl ReviewRound {
    /// Status of the round.
    pub fn status(&self) -> ReviewStatus {
        if self.invalidated_by.is_some() {
            return ReviewStatus::Invalidated;
        }
        if let Some(decision) = &self.head_decision {
            return if decision.for_unit {
                ReviewStatus::HeadDecided
            } else {
                ReviewStatus::Returned
            };
        }
        if self.escalation.is_some() {
            return ReviewStatus::Escalated;
        }
        match self.opinion.as_ref().map(|o| o.outcome) {
            Some(OpinionOutcome::Approved) => ReviewStatus::Passed,
            Some(OpinionOutcome::Problems) => ReviewStatus::Returned,
            None if self.supplements.iter().any(|s| s.reply.is_none()) => {
                ReviewStatus::AwaitingSupplement
            }
            None => ReviewStatus::Pending,
        }
    }

    /// Whether the unit disagreed (不同意) with a problem of the previous round (L10-c).
    pub fn disagrees(&self) -> bool {
        self.responses.iter().any(|r| r.answer == "不同意")
    }

    /// When the round reached a passing state.
    pub fn passed_at(&self) -> Option<OffsetDateTime> {
        match self.status() {
            ReviewStatus::Passed => self.opinion.as_ref().map(|o| o.at),
            ReviewStatus::HeadDecided => self.head_decision.as_ref().map(|d| d.at),
            _ => None,
        }
    }
}

/// The latest L4 determination (L4-b, L4-c, L4-d).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeterminationView {
    /// Its record.
    pub seq: StreamSeq,
    /// Catalogue version applied (L5-b).
    pub catalogue_version: Option<u64>,
    /// Matching entries (codes).
    pub matches: Vec<String>,
    /// Whether any of L4.1–L4.6 was answered yes.
    pub any_yes: bool,
    /// The UNIT_HEAD confirmation (L4-d).
    pub confirmed_by: Option<StreamSeq>,
}

/// The review state of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    /// The case.
    pub case_id: CaseId,
    /// Its body.
    pub body: BodyId,
    /// Status of the latest round (or 未报送).
    pub status: ReviewStatus,
    /// Rounds in order.
    pub rounds: Vec<ReviewRound>,
    /// Manual marks (L4-e).
    pub manual_marks: Vec<StreamSeq>,
    /// The latest determination.
    pub determination: Option<DeterminationView>,
    /// Last record folded.
    pub last_seq: StreamSeq,
}

impl ReviewView {
    /// An empty state for a case.
    pub fn new(case_id: CaseId, body: BodyId) -> Self {
        ReviewView {
            case_id,
            body,
            status: ReviewStatus::NotSubmitted,
            rounds: Vec::new(),
            manual_marks: Vec::new(),
            determination: None,
            last_seq: StreamSeq(0),
        }
    }

    /// The latest round.
    pub fn current(&self) -> Option<&ReviewRound> {
        self.rounds.last()
    }

    /// When the review reached a passing state, if it is passing now (L11-a).
    pub fn passed_at(&self) -> Option<OffsetDateTime> {
        self.current().and_then(ReviewRound::passed_at)
    }

    /// Folds the records of a case stream, in order.
    pub fn from_records(case_id: CaseId, body: BodyId, records: &[Record]) -> Self {
        let mut view = ReviewView::new(case_id, body);
        for record in records {
            view.fold(record);
        }
        view
    }

    /// Folds one record (pure; malformed review data is ignored, since the engine validated it
    /// on entry).
    pub fn fold(&mut self, record: &Record) {
        self.last_seq = record.seq;
        let data = &record.data;
        let kind = record.record_type.as_str();
        // L2-b: a correction or void of a frozen record, or a new draft, invalidates the package.
        if let Some(round) = self.rounds.last_mut()
            && round.invalidated_by.is_none()
            && !matches!(round.status(), ReviewStatus::Returned)
        {
            let touches_frozen = record
                .supersedes
                .is_some_and(|old| round.frozen.iter().any(|f| f.seq == old.0));
            let new_draft = kind == types::DRAFT;
            if touches_frozen || new_draft {
                round.invalidated_by = Some(record.seq);
            }
        }
        match kind {
            types::SUBMISSION => {
                let frozen = list_field(data, "frozen")
                    .iter()
                    .filter_map(|item| {
                        Some(FrozenRecord {
                            seq: item.get("seq")?.as_u64()?,
                            hash: item.get("hash")?.as_str()?.to_owned(),
                        })
                    })
                    .collect();
                let responses = list_field(data, "responses")
                    .iter()
                    .filter_map(|item| {
                        Some(ProblemResponse {
                            problem_no: item.get("problem_no")?.as_u64()?,
                            answer: item.get("answer")?.as_str()?.to_owned(),
                            detail: item
                                .get("detail")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned(),
                        })
                    })
                    .collect();
                let version = u32::try_from(self.rounds.len() + 1).unwrap_or(u32::MAX);
                self.rounds.push(ReviewRound {
                    version,
                    submission: record.seq,
                    submitted_at: record.event_time,
                    submitted_by: record.actor.user.clone(),
                    previous: seq_field(data, "previous_ref"),
                    draft_ref: seq_field(data, "draft_ref"),
                    draft_hash: str_field(data, "draft_hash").to_owned(),
                    frozen,
                    evidence: list_field(data, "evidence")
                        .iter()
                        .filter_map(Value::as_u64)
                        .collect(),
                    responses,
                    supplements: Vec::new(),
                    meetings: Vec::new(),
                    opinion: None,
                    escalation: None,
                    head_decision: None,
                    invalidated_by: None,
                });
            }
            types::SUPPLEMENT_REQUEST => {
                if let Some(round) = self.round_for(data, "submission_ref") {
                    round.supplements.push(SupplementView {
                        request: record.seq,
                        requested_at: record.event_time,
                        items: str_field(data, "items").to_owned(),
                        reply: None,
                    });
                }
            }
            types::SUPPLEMENT_REPLY => {
                let request = seq_field(data, "request_ref");
                if let Some(round) = self.rounds.last_mut()
                    && let Some(supplement) = round
                        .supplements
                        .iter_mut()
                        .find(|s| Some(s.request) == request)
                {
                    supplement.reply = Some(record.seq);
                }
            }
            types::MEETING => {
                if let Some(round) = self.round_for(data, "submission_ref") {
                    round.meetings.push(record.seq);
                }
            }
            types::APPROVED | types::PROBLEMS => {
                let outcome = if kind == types::APPROVED {
                    OpinionOutcome::Approved
                } else {
                    OpinionOutcome::Problems
                };
                let checklist = (1..=9)
                    .map(|i| ChecklistAnswer {
                        point: format!("L7.{i}"),
                        finding: str_field(data, &format!("l7_{i}")).to_owned(),
                        note: str_field(data, &format!("l7_{i}_note")).to_owned(),
                    })
                    .collect();
                let problems = list_field(data, "problems")
                    .iter()
                    .map(|item| ProblemItem {
                        item: item
                            .get("item")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        problem: item
                            .get("problem")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        suggestion: item
                            .get("suggestion")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    })
                    .collect();
                let opinion = OpinionView {
                    seq: record.seq,
                    outcome,
                    reviewer: record.actor.user.clone(),
                    at: record.event_time,
                    checklist,
                    problems,
                };
                if let Some(round) = self.round_for(data, "submission_ref") {
                    round.opinion = Some(opinion);
                }
            }
            types::ESCALATION => {
                if let Some(round) = self.round_for(data, "submission_ref") {
                    round.escalation = Some(record.seq);
                }
            }
            types::HEAD_DECISION => {
                let escalation = seq_field(data, "escalation_ref");
                if let Some(round) = self.rounds.last_mut()
                    && round.escalation.is_some()
                    && round.escalation == escalation
                {
                    round.head_decision = Some(HeadDecisionView {
                        seq: record.seq,
                        for_unit: bool_field(data, "adopt_unit_opinion"),
                        by: record.actor.user.clone(),
                        at: record.event_time,
                        reasons: str_field(data, "reasons").to_owned(),
                    });
                }
            }
            types::MANUAL_MARK => self.manual_marks.push(record.seq),
            types::DETERMINATION => {
                let any_yes = (1..=6).any(|i| {
                    data.iter().any(|(k, v)| {
                        k.starts_with(&format!("l4_{i}_")) && v.as_bool() == Some(true)
                    })
                });
                self.determination = Some(DeterminationView {
                    seq: record.seq,
                    catalogue_version: data.get("catalogue_version").and_then(Value::as_u64),
                    matches: list_field(data, "catalogue_matches")
                        .iter()
                        .filter_map(|m| m.get("entry").and_then(Value::as_str))
                        .map(str::to_owned)
                        .collect(),
                    any_yes,
                    confirmed_by: None,
                });
            }
            types::DETERMINATION_CONFIRMATION => {
                let target = seq_field(data, "determination_ref");
                if let Some(determination) = &mut self.determination
                    && Some(determination.seq) == target
                {
                    determination.confirmed_by = Some(record.seq);
                }
            }
            case_types::VOID => {
                // A voided determination no longer counts.
                if let Some(determination) = &self.determination
                    && record.supersedes == Some(determination.seq)
                {
                    self.determination = None;
                }
            }
            _ => {}
        }
        self.status = self
            .rounds
            .last()
            .map_or(ReviewStatus::NotSubmitted, ReviewRound::status);
    }

    /// The latest round, if `field` of `data` names its submission.
    fn round_for(
        &mut self,
        data: &serde_json::Map<String, Value>,
        field: &str,
    ) -> Option<&mut ReviewRound> {
        let target = seq_field(data, field)?;
        self.rounds.last_mut().filter(|r| r.submission == target)
    }
}
