//! Wire types of the legal-review API (法制审核, issue 7; 《薛城区重大执法决定法制审核办法》
//! L1–L14). Converted from and into the core's `review` types, which stay internal.
//!
//! The workflow acts themselves (determination, confirmation, opinions, supplements, meetings,
//! escalation, head decision) are ordinary case records entered with `POST /cases/{id}/records`;
//! their record types are listed in [`REVIEW_RECORD_TYPES_DOC`].

use std::collections::BTreeMap;

use liuhen_core::ids::{PowerItemId, StreamSeq};
use liuhen_core::review::precheck::{PrecheckFinding, PrecheckReport};
use liuhen_core::review::state::{
    ChecklistAnswer, DeterminationView, FrozenRecord, HeadDecisionView, OpinionOutcome,
    OpinionView, ProblemItem, ProblemResponse, SupplementView,
};
use liuhen_core::review::{
    AmountLimit, CatalogueEntry, CatalogueView, ReviewRound, ReviewStatus, ReviewTimeLimit,
    ReviewView, ReviewerQualification,
};
use liuhen_core::service::review::{
    DeterminationProposal, PendingReview, ReviewStatistics, SubmissionInput,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{fmt_date, fmt_time, parse_date, parse_id};
use crate::error::ApiError;

/// The review record types, for the OpenAPI descriptions of the review routes and of
/// `POST /cases/{id}/records` (one place, so the two cannot disagree).
pub const REVIEW_RECORD_TYPES_DOC: &str = "法制审核流程的各环节是案件记录，经 `POST /cases/{id}/records` 录入（字段见 `GET /rules` 的记录类型）：\
`l4_determination`（情形认定，OFFICER，L4-b；平台填写 catalogue_match / catalogue_matches / catalogue_version）、\
`l4_determination_confirmation`（认定确认，UNIT_HEAD，L4-d）、\
`l4_review_mark`（标记为需要审核，REVIEWER / AGENCY_HEAD，L4-e）、\
`l6_review_submission`（报送审核，UNIT_HEAD，L6-a；建议用 `POST /cases/{id}/review/submissions`）、\
`l9_supplement_request` / `l9_supplement_reply`（要求补充 / 补充说明，L9-a）、\
`l9_review_meeting`（座谈会、专家论证会，L9-b）、\
`l8_review_approved`（同意，REVIEWER，L8-a）、`l10_review_problems`（存在问题，REVIEWER，L10-a）；\
两种意见均须逐项填写 l7_1…l7_9 及 l7_N_note 并指明 submission_ref（L7）、\
`l10_escalation`（分歧报负责人，REVIEWER，L10-c）、`l10_head_decision`（负责人决定，AGENCY_HEAD，L10-c）。\
需审核的案件在审核通过前不能录入决定记录（L2-a，任何角色均被拒绝）。";

fn status_code(status: ReviewStatus) -> String {
    status.code().to_owned()
}

// ---------------------------------------------------------------------------------------------
// Queue and statistics

/// Query of `GET /reviews/pending`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PendingQuery {
    /// The day `overdue` is judged on (`YYYY-MM-DD`); default today in Asia/Shanghai.
    #[serde(default)]
    pub date: Option<String>,
}

/// A review waiting for the caller (L8-c): for a REVIEWER the submissions of their body
/// (待审核, 待补充); for an AGENCY_HEAD the escalations (待负责人决定).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PendingReviewDto {
    /// Case id.
    pub case_id: String,
    /// 案号.
    pub case_number: String,
    /// Case title.
    pub title: String,
    /// Body id.
    pub body: String,
    /// Action kind of the case.
    pub action: String,
    /// `pending`, `awaiting_supplement` or `escalated`.
    pub status: String,
    /// Chinese label of the status.
    pub status_label: String,
    /// Round: 1 for the first submission, 2 for the first resubmission, … (L10-b).
    pub round: u32,
    /// When the current round was submitted.
    pub submitted_at: String,
    /// Review due date (the body's limit, L5-a, else P1 = 5 working days).
    pub due: String,
    /// Working days of the limit applied.
    pub limit_working_days: u32,
    /// Whether the due date has passed.
    pub overdue: bool,
    /// Due date of the handling period (the 90-day clock keeps running, L11-b).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling_due: Option<String>,
    /// The caller handled the case and may not review it (L3-a).
    pub excluded: bool,
}

impl From<PendingReview> for PendingReviewDto {
    fn from(item: PendingReview) -> PendingReviewDto {
        PendingReviewDto {
            case_id: item.case_id.to_string(),
            case_number: item.case_number,
            title: item.title,
            body: item.body.to_string(),
            action: item.action,
            status: status_code(item.status),
            status_label: item.status.label().to_owned(),
            round: item.round,
            submitted_at: fmt_time(item.submitted_at),
            due: fmt_date(item.due),
            limit_working_days: item.limit_working_days,
            overdue: item.overdue,
            handling_due: item.handling_due,
            excluded: item.excluded,
        }
    }
}

/// Query of `GET /reviews/statistics`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    /// Only this body; default every body the caller oversees (SUPERVISOR: all).
    #[serde(default)]
    pub body: Option<String>,
}

/// Review statistics of one body, for supervision (L13-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewStatisticsDto {
    /// Body id.
    pub body: String,
    /// Whether the body has a designated review office (L3-b).
    pub has_review_office: bool,
    /// Catalogue version in force (0: no catalogue, L13-a).
    pub catalogue_version: u64,
    /// Cases submitted for review.
    pub reviews: u64,
    /// Submissions, resubmissions included.
    pub rounds: u64,
    /// Reviews approved in their first round.
    pub first_round_passed: u64,
    /// `first_round_passed / reviews` (0 when none).
    pub first_round_pass_rate: f64,
    /// Reviews now passed (通过 or 负责人决定作出).
    pub passed: u64,
    /// Average calendar days from first submission to passing, over passed reviews.
    pub average_days: f64,
    /// Problems raised, by checklist point (`L7.1` … `L7.9`).
    pub issues_by_point: BTreeMap<String, u64>,
    /// Escalations to the agency head (L10-c).
    pub escalations: u64,
    /// Head decisions for the handling unit (I11).
    pub head_for_unit: u64,
    /// Head decisions upholding the review.
    pub head_for_review: u64,
    /// Reviews waiting (待审核, 待补充, 待负责人决定).
    pub pending: u64,
}

impl From<ReviewStatistics> for ReviewStatisticsDto {
    fn from(stats: ReviewStatistics) -> ReviewStatisticsDto {
        ReviewStatisticsDto {
            body: stats.body.to_string(),
            has_review_office: stats.has_review_office,
            catalogue_version: stats.catalogue_version,
            reviews: stats.reviews,
            rounds: stats.rounds,
            first_round_passed: stats.first_round_passed,
            first_round_pass_rate: stats.first_round_pass_rate,
            passed: stats.passed,
            average_days: stats.average_days,
            issues_by_point: stats.issues_by_point,
            escalations: stats.escalations,
            head_for_unit: stats.head_for_unit,
            head_for_review: stats.head_for_review,
            pending: stats.pending,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Review state of a case

/// One frozen record of a submission package (L6-a, L2-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FrozenRecordDto {
    /// Seq in the case.
    pub seq: u64,
    /// Record hash (hex) at submission time.
    pub hash: String,
}

impl From<&FrozenRecord> for FrozenRecordDto {
    fn from(frozen: &FrozenRecord) -> FrozenRecordDto {
        FrozenRecordDto {
            seq: frozen.seq,
            hash: frozen.hash.clone(),
        }
    }
}

/// The handling unit's answer to a problem of the previous opinion (L10-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemResponseDto {
    /// 1-based number of the problem in the previous opinion.
    pub problem_no: u64,
    /// `已处理` or `不同意`.
    pub answer: String,
    /// What was done, or why the unit disagrees.
    pub detail: String,
}

impl From<&ProblemResponse> for ProblemResponseDto {
    fn from(response: &ProblemResponse) -> ProblemResponseDto {
        ProblemResponseDto {
            problem_no: response.problem_no,
            answer: response.answer.clone(),
            detail: response.detail.clone(),
        }
    }
}

impl ProblemResponseDto {
    fn to_core(&self) -> ProblemResponse {
        ProblemResponse {
            problem_no: self.problem_no,
            answer: self.answer.clone(),
            detail: self.detail.clone(),
        }
    }
}

/// A supplement request and its reply (L9-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SupplementDto {
    /// Seq of the request record.
    pub request: u64,
    /// When requested.
    pub requested_at: String,
    /// What is needed.
    pub items: String,
    /// Seq of the reply record, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<u64>,
}

impl From<&SupplementView> for SupplementDto {
    fn from(view: &SupplementView) -> SupplementDto {
        SupplementDto {
            request: view.request.0,
            requested_at: fmt_time(view.requested_at),
            items: view.items.clone(),
            reply: view.reply.map(|seq| seq.0),
        }
    }
}

/// One answered point of the nine-point checklist (L7.1–L7.9).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChecklistAnswerDto {
    /// `L7.1` … `L7.9`.
    pub point: String,
    /// 符合 / 不符合 (L7.1–L7.7), 否 / 是 (L7.8), text (L7.9).
    pub finding: String,
    /// The reviewer's note.
    pub note: String,
}

impl From<&ChecklistAnswer> for ChecklistAnswerDto {
    fn from(answer: &ChecklistAnswer) -> ChecklistAnswerDto {
        ChecklistAnswerDto {
            point: answer.point.clone(),
            finding: answer.finding.clone(),
            note: answer.note.clone(),
        }
    }
}

/// A problem listed by a 存在问题 opinion (L10-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemItemDto {
    /// Checklist point (`L7.4`).
    pub item: String,
    /// The problem.
    pub problem: String,
    /// Suggested handling.
    pub suggestion: String,
}

impl From<&ProblemItem> for ProblemItemDto {
    fn from(item: &ProblemItem) -> ProblemItemDto {
        ProblemItemDto {
            item: item.item.clone(),
            problem: item.problem.clone(),
            suggestion: item.suggestion.clone(),
        }
    }
}

/// A written opinion (法制审核意见书, L8-a / L10-a), filed in the case (L8-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OpinionDto {
    /// Seq of the opinion record.
    pub seq: u64,
    /// `approved` (同意) or `problems` (存在问题).
    pub outcome: String,
    /// User id of the reviewer who signed it.
    pub reviewer: String,
    /// When.
    pub at: String,
    /// The nine answers.
    pub checklist: Vec<ChecklistAnswerDto>,
    /// Problems (存在问题 only).
    pub problems: Vec<ProblemItemDto>,
}

impl From<&OpinionView> for OpinionDto {
    fn from(view: &OpinionView) -> OpinionDto {
        OpinionDto {
            seq: view.seq.0,
            outcome: match view.outcome {
                OpinionOutcome::Approved => "approved",
                OpinionOutcome::Problems => "problems",
            }
            .to_owned(),
            reviewer: view.reviewer.to_string(),
            at: fmt_time(view.at),
            checklist: view
                .checklist
                .iter()
                .map(ChecklistAnswerDto::from)
                .collect(),
            problems: view.problems.iter().map(ProblemItemDto::from).collect(),
        }
    }
}

/// The agency head's decision on an escalation (L10-c).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeadDecisionDto {
    /// Seq of the decision record.
    pub seq: u64,
    /// `true`: 按承办机构意见办理 (counts as passed, I11); `false`: 采纳审核意见.
    pub for_unit: bool,
    /// User id of the head.
    pub by: String,
    /// When.
    pub at: String,
    /// Reasons.
    pub reasons: String,
}

impl From<&HeadDecisionView> for HeadDecisionDto {
    fn from(view: &HeadDecisionView) -> HeadDecisionDto {
        HeadDecisionDto {
            seq: view.seq.0,
            for_unit: view.for_unit,
            by: view.by.to_string(),
            at: fmt_time(view.at),
            reasons: view.reasons.clone(),
        }
    }
}

/// One submission and what happened to it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewRoundDto {
    /// Round number (L10-b).
    pub round: u32,
    /// Status of this round (codes as in [`ReviewDto::status`]).
    pub status: String,
    /// Seq of the submission record.
    pub submission: u64,
    /// When submitted.
    pub submitted_at: String,
    /// User id of the submitter.
    pub submitted_by: String,
    /// Seq of the previous submission, for a resubmission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<u64>,
    /// Seq of the draft decision record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_ref: Option<u64>,
    /// SHA-256 (hex) of the draft decision text (L2-b).
    pub draft_hash: String,
    /// Every record of the case at submission time (L6-a, L2-b).
    pub frozen: Vec<FrozenRecordDto>,
    /// Evidence list (seqs).
    pub evidence: Vec<u64>,
    /// Answers to the previous round's problems (L10-b).
    pub responses: Vec<ProblemResponseDto>,
    /// Supplement requests (L9-a).
    pub supplements: Vec<SupplementDto>,
    /// Seqs of 座谈会 / 专家论证会 records (L9-b).
    pub meetings: Vec<u64>,
    /// The opinion, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<OpinionDto>,
    /// Seq of the escalation record (L10-c).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<u64>,
    /// The head's decision (L10-c).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_decision: Option<HeadDecisionDto>,
    /// Seq of the record that invalidated the package (L2-b).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidated_by: Option<u64>,
}

impl From<&ReviewRound> for ReviewRoundDto {
    fn from(round: &ReviewRound) -> ReviewRoundDto {
        ReviewRoundDto {
            round: round.version,
            status: status_code(round.status()),
            submission: round.submission.0,
            submitted_at: fmt_time(round.submitted_at),
            submitted_by: round.submitted_by.to_string(),
            previous: round.previous.map(|seq| seq.0),
            draft_ref: round.draft_ref.map(|seq| seq.0),
            draft_hash: round.draft_hash.clone(),
            frozen: round.frozen.iter().map(FrozenRecordDto::from).collect(),
            evidence: round.evidence.clone(),
            responses: round
                .responses
                .iter()
                .map(ProblemResponseDto::from)
                .collect(),
            supplements: round.supplements.iter().map(SupplementDto::from).collect(),
            meetings: round.meetings.iter().map(|seq| seq.0).collect(),
            opinion: round.opinion.as_ref().map(OpinionDto::from),
            escalation: round.escalation.map(|seq| seq.0),
            head_decision: round.head_decision.as_ref().map(HeadDecisionDto::from),
            invalidated_by: round.invalidated_by.map(|seq| seq.0),
        }
    }
}

/// The latest L4 determination (L4-b, L4-c, L4-d).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeterminationDto {
    /// Seq of the determination record.
    pub seq: u64,
    /// Catalogue version applied (L5-b).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue_version: Option<u64>,
    /// Codes of the matching catalogue entries.
    pub matches: Vec<String>,
    /// Whether any of L4.1–L4.6 was answered yes.
    pub any_yes: bool,
    /// Seq of the UNIT_HEAD confirmation (L4-d), once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_by: Option<u64>,
}

impl From<&DeterminationView> for DeterminationDto {
    fn from(view: &DeterminationView) -> DeterminationDto {
        DeterminationDto {
            seq: view.seq.0,
            catalogue_version: view.catalogue_version,
            matches: view.matches.clone(),
            any_yes: view.any_yes,
            confirmed_by: view.confirmed_by.map(|seq| seq.0),
        }
    }
}

/// The review state of a case: rounds, opinions, supplements, escalation, the frozen package
/// and whether it still holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewDto {
    /// Case id.
    pub case_id: String,
    /// Body id.
    pub body: String,
    /// `not_submitted` (未报送), `pending` (待审核), `awaiting_supplement` (待补充), `returned`
    /// (退回修改), `escalated` (待负责人决定), `passed` (通过), `head_decided` (负责人决定作出)
    /// or `invalidated` (送审材料已变更).
    pub status: String,
    /// Chinese label of the status.
    pub status_label: String,
    /// Whether the status lets the decision be recorded (通过 or 负责人决定作出, L2-a).
    pub passes: bool,
    /// Rounds in order.
    pub rounds: Vec<ReviewRoundDto>,
    /// Seqs of manual marks (L4-e).
    pub manual_marks: Vec<u64>,
    /// The latest determination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub determination: Option<DeterminationDto>,
    /// Last record folded.
    pub last_seq: u64,
}

impl From<ReviewView> for ReviewDto {
    fn from(view: ReviewView) -> ReviewDto {
        ReviewDto {
            case_id: view.case_id.to_string(),
            body: view.body.to_string(),
            status: status_code(view.status),
            status_label: view.status.label().to_owned(),
            passes: view.status.passes(),
            rounds: view.rounds.iter().map(ReviewRoundDto::from).collect(),
            manual_marks: view.manual_marks.iter().map(|seq| seq.0).collect(),
            determination: view.determination.as_ref().map(DeterminationDto::from),
            last_seq: view.last_seq.0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Determination and submission

/// Query of `GET /cases/{id}/review/proposal`: the facts the determination form has so far.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProposalQuery {
    /// 涉案金额 in 分.
    #[serde(default)]
    pub amount_involved_fen: Option<u64>,
    /// 执法层级 (区级 / 镇（街道）级).
    #[serde(default)]
    pub level: Option<String>,
}

/// The platform's proposal for the L4 determination (L4-b, L4-c, L5-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeterminationProposalDto {
    /// Catalogue version applied (0: the body has no catalogue).
    pub catalogue_version: u64,
    /// Matching catalogue entries (the handler cannot remove them, L4-c).
    pub matches: Vec<CatalogueEntryDto>,
    /// L4.4 is locked to yes: a hearing was held (L4-c).
    pub l4_4_locked: bool,
    /// Review required by the procedure (L4-a: penalty, not on the spot).
    pub required_by_procedure: bool,
    /// Marked manually (L4-e).
    pub manually_marked: bool,
    /// The proposal: review required.
    pub review_required: bool,
}

impl From<DeterminationProposal> for DeterminationProposalDto {
    fn from(proposal: DeterminationProposal) -> DeterminationProposalDto {
        DeterminationProposalDto {
            catalogue_version: proposal.catalogue_version,
            matches: proposal
                .matches
                .iter()
                .map(CatalogueEntryDto::from_core)
                .collect(),
            l4_4_locked: proposal.l4_4_locked,
            required_by_procedure: proposal.required_by_procedure,
            manually_marked: proposal.manually_marked,
            review_required: proposal.review_required,
        }
    }
}

/// A submission for review (L6-a) by the handling unit's head; the platform freezes the
/// package (the hashes of every record of the case, L2-b) and numbers the round.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRequest {
    /// Seq of the draft decision record (the latest `r13_examination`).
    pub draft_ref: u64,
    /// 拟作出的行政执法决定 (its SHA-256 binds the approval, L2-b).
    pub draft_decision: String,
    /// Evidence: seqs of records of the case.
    #[serde(default)]
    pub evidence: Vec<u64>,
    /// 法律依据.
    pub legal_basis: String,
    /// 裁量基准 applied.
    #[serde(default)]
    pub discretion_standard: String,
    /// 案件概要.
    pub summary: String,
    /// Answers to the previous opinion's problems, for a resubmission (L10-b).
    #[serde(default)]
    pub responses: Vec<ProblemResponseDto>,
    /// The submitter confirms the L12-b attestation (承办机构对送审材料的真实性、准确性、完整性
    /// 负责); without it the submission is refused.
    pub attest: bool,
}

impl SubmissionRequest {
    pub(crate) fn to_core(&self) -> SubmissionInput {
        SubmissionInput {
            draft_ref: StreamSeq(self.draft_ref),
            draft_decision: self.draft_decision.clone(),
            evidence: self.evidence.iter().copied().map(StreamSeq).collect(),
            legal_basis: self.legal_basis.clone(),
            discretion_standard: self.discretion_standard.clone(),
            summary: self.summary.clone(),
            responses: self
                .responses
                .iter()
                .map(ProblemResponseDto::to_core)
                .collect(),
            attest: self.attest,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Catalogue

/// One entry of a body's review catalogue (目录清单, L5-b). A case matches when every factor the
/// entry names matches; an entry names at least one factor.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntryDto {
    /// Entry code, unique in the body's catalogue (e.g. `SJ-01`); setting an existing code
    /// restates the entry.
    pub id: String,
    /// Title shown on the portal, e.g. 罚款数额较大的行政处罚.
    pub title: String,
    /// 执法行为类别 (`penalty`, `coercion`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// 执法层级 (区级 / 镇（街道）级).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// 所属领域 (the power item's domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// 涉案金额 threshold in 分: cases with at least this amount match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_amount_fen: Option<u64>,
    /// Specific power item ids (any of them).
    #[serde(default)]
    pub power_items: Vec<String>,
    /// The L4 items the entry stands for (`L4.1` … `L4.6`).
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Legal basis of the entry.
    #[serde(default)]
    pub basis: String,
    /// Withdraws the entry from this version on.
    #[serde(default)]
    pub withdrawn: bool,
}

impl CatalogueEntryDto {
    fn from_core(entry: &CatalogueEntry) -> CatalogueEntryDto {
        CatalogueEntryDto {
            id: entry.id.clone(),
            title: entry.title.clone(),
            action: entry.action.clone(),
            level: entry.level.clone(),
            domain: entry.domain.clone(),
            min_amount_fen: entry.min_amount_fen,
            power_items: entry.power_items.iter().map(ToString::to_string).collect(),
            triggers: entry.triggers.clone(),
            basis: entry.basis.clone(),
            withdrawn: entry.withdrawn,
        }
    }

    pub(crate) fn to_core(&self) -> Result<CatalogueEntry, ApiError> {
        Ok(CatalogueEntry {
            id: self.id.clone(),
            title: self.title.clone(),
            action: self.action.clone(),
            level: self.level.clone(),
            domain: self.domain.clone(),
            min_amount_fen: self.min_amount_fen,
            power_items: self
                .power_items
                .iter()
                .map(|item| parse_id("power_items", item, PowerItemId::new))
                .collect::<Result<_, _>>()?,
            triggers: self.triggers.clone(),
            basis: self.basis.clone(),
            withdrawn: self.withdrawn,
        })
    }
}

/// The review time limit of an action kind (L5-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitDto {
    /// Action kind (`penalty`, …).
    pub action: String,
    /// Working days from submission (1–365).
    pub working_days: u32,
}

impl TimeLimitDto {
    pub(crate) fn to_core(&self) -> ReviewTimeLimit {
        ReviewTimeLimit {
            action: self.action.clone(),
            working_days: self.working_days,
        }
    }
}

/// The 涉案金额 limit of one of the body's power items, applied by the L7.6 pre-check (L7-b).
/// Setting it again restates it; `withdrawn` removes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountLimitDto {
    /// Power item id (of this body).
    pub power_item: String,
    /// Largest 涉案金额 the body may decide, in 分.
    pub max_amount_fen: u64,
    /// Legal basis of the limit (required unless withdrawn).
    #[serde(default)]
    pub basis: String,
    /// Withdraws the limit from this version on.
    #[serde(default)]
    pub withdrawn: bool,
}

impl AmountLimitDto {
    fn from_core(limit: &AmountLimit) -> AmountLimitDto {
        AmountLimitDto {
            power_item: limit.power_item.to_string(),
            max_amount_fen: limit.max_amount_fen,
            basis: limit.basis.clone(),
            withdrawn: limit.withdrawn,
        }
    }

    pub(crate) fn to_core(&self) -> Result<AmountLimit, ApiError> {
        Ok(AmountLimit {
            power_item: parse_id("power_item", &self.power_item, PowerItemId::new)?,
            max_amount_fen: self.max_amount_fen,
            basis: self.basis.clone(),
            withdrawn: self.withdrawn,
        })
    }
}

/// Query of `GET /bodies/{id}/review-catalogue`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// The moment the catalogue is wanted for (RFC 3339 with offset); default now. Each change
    /// is a version, so the catalogue applied to an earlier determination can be shown (L5-b).
    #[serde(default)]
    pub at: Option<String>,
}

/// A body's review catalogue and time limits as in force at a moment (public, L5-c).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CatalogueDto {
    /// Body id.
    pub body: String,
    /// Version: seq of the last change (0: no catalogue yet, L13-a).
    pub version: u64,
    /// When the last change was entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Entries in force, by code.
    pub entries: Vec<CatalogueEntryDto>,
    /// Review time limits in working days, by action kind (L5-a).
    pub time_limits: BTreeMap<String, u32>,
    /// 涉案金额 limits of power items, applied by the L7.6 pre-check (L7-b).
    #[serde(default)]
    pub amount_limits: Vec<AmountLimitDto>,
}

impl From<CatalogueView> for CatalogueDto {
    fn from(view: CatalogueView) -> CatalogueDto {
        CatalogueDto {
            body: view.body.to_string(),
            version: view.version,
            updated_at: view.updated_at.map(fmt_time),
            entries: view
                .entries
                .iter()
                .map(CatalogueEntryDto::from_core)
                .collect(),
            time_limits: view.time_limits,
            amount_limits: view
                .amount_limits
                .iter()
                .map(AmountLimitDto::from_core)
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pre-checks (L7-b)

/// One finding of a pre-check.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PrecheckFindingDto {
    /// Requirement IDs it rests on, joined with `,` (e.g. `L7-b,D7-a`).
    pub rule: String,
    /// What was found (Chinese).
    pub message: String,
    /// Seq of the record concerned, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// Whether it makes the pre-check 不通过; `false` for a note (a head's approved exception,
    /// R4-c / R5-a; leaving service without a witness's signature, R20-a).
    pub fails: bool,
}

impl PrecheckFindingDto {
    fn from_core(finding: &PrecheckFinding) -> PrecheckFindingDto {
        PrecheckFindingDto {
            rule: finding
                .ids
                .iter()
                .map(|id| id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            message: finding.message.clone(),
            record: finding.record.map(|seq| seq.0),
            fails: finding.fails,
        }
    }
}

/// One pre-check: a point of the L7 checklist the platform can check itself.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PrecheckDto {
    /// `L7.1`, `L7.2`, `L7.3`, `L7.6` or `L7.7`.
    pub point: String,
    /// The checklist point (L7-a).
    pub title: String,
    /// What the platform checked.
    pub scope: String,
    /// `passed`, `failed` or `not_applicable`.
    pub status: String,
    /// 通过 / 不通过 / 不适用.
    pub status_label: String,
    /// Findings, failures and notes.
    pub findings: Vec<PrecheckFindingDto>,
}

/// The automated pre-checks of a case's review (L7-b). Advisory: they decide no checklist
/// answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PrechecksDto {
    /// Case id.
    pub case_id: String,
    /// Seq of the current submission, if the case was submitted (L6-a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<u64>,
    /// Its round (L10-b).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// When the checks ran.
    pub checked_at: String,
    /// L7.1, L7.2, L7.3, L7.6, L7.7.
    pub checks: Vec<PrecheckDto>,
}

impl From<PrecheckReport> for PrechecksDto {
    fn from(report: PrecheckReport) -> PrechecksDto {
        PrechecksDto {
            case_id: report.case_id.to_string(),
            submission: report.submission.map(|seq| seq.0),
            round: report.round,
            checked_at: fmt_time(report.checked_at),
            checks: report
                .checks
                .iter()
                .map(|check| PrecheckDto {
                    point: check.point.clone(),
                    title: check.title.clone(),
                    scope: check.scope.clone(),
                    status: check.status.code().to_owned(),
                    status_label: check.status.label().to_owned(),
                    findings: check
                        .findings
                        .iter()
                        .map(PrecheckFindingDto::from_core)
                        .collect(),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reviewer qualification

/// A reviewer's qualification profile (L3-c, I10, P5 = 2024-09-01).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QualificationDto {
    /// Holds the 法律职业资格.
    pub has_qualification: bool,
    /// 法律职业资格证书编号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_no: Option<String>,
    /// Date obtained (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obtained_on: Option<String>,
    /// How obtained; only `国家统一法律职业资格考试` qualifies for penalty reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obtained_by: Option<String>,
    /// 初次从事行政处罚决定法制审核日期 (`YYYY-MM-DD`), for reviews before the platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_penalty_review_on: Option<String>,
    /// Evidence for the entries (任职文件, 证书扫描件 hash).
    #[serde(default)]
    pub evidence: String,
}

impl QualificationDto {
    pub(crate) fn to_core(&self) -> Result<ReviewerQualification, ApiError> {
        Ok(ReviewerQualification {
            has_qualification: self.has_qualification,
            certificate_no: self.certificate_no.clone(),
            obtained_on: self
                .obtained_on
                .as_deref()
                .map(|text| parse_date("obtained_on", text))
                .transpose()?,
            obtained_by: self.obtained_by.clone(),
            first_penalty_review_on: self
                .first_penalty_review_on
                .as_deref()
                .map(|text| parse_date("first_penalty_review_on", text))
                .transpose()?,
            evidence: self.evidence.clone(),
        })
    }

    fn from_core(profile: &ReviewerQualification) -> QualificationDto {
        QualificationDto {
            has_qualification: profile.has_qualification,
            certificate_no: profile.certificate_no.clone(),
            obtained_on: profile.obtained_on.map(fmt_date),
            obtained_by: profile.obtained_by.clone(),
            first_penalty_review_on: profile.first_penalty_review_on.map(fmt_date),
            evidence: profile.evidence.clone(),
        }
    }
}

/// A user's reviewer profile as shown on opinions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewerDto {
    /// User id.
    pub user: String,
    /// The recorded profile; absent when none was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification: Option<QualificationDto>,
    /// Whether the user may review penalty decisions (exam qualification, or penalty reviews
    /// before P5; L3-c, I10).
    pub may_review_penalties: bool,
}

impl ReviewerDto {
    pub(crate) fn new(user: String, profile: Option<ReviewerQualification>) -> ReviewerDto {
        ReviewerDto {
            user,
            may_review_penalties: profile
                .as_ref()
                .is_some_and(ReviewerQualification::may_review_penalties),
            qualification: profile.as_ref().map(QualificationDto::from_core),
        }
    }
}
