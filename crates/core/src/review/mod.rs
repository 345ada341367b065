//! Legal review of major enforcement decisions (法制审核, 《薛城区重大执法决定法制审核办法》
//! L1–L14; issue 7).
//!
//! The workflow is made of ordinary case records (rule set `rules/xc-2024.toml`, record types
//! below), entered through `Services::add_record` — the only write path — so the same gates,
//! roles and hash chain apply to them as to every other record. This module adds what data rules
//! cannot express:
//! - [`catalogue`]: the body's review catalogue (目录清单, L5-b) and review time limits (L5-a),
//!   kept as records in the stream `catalogue/<body>`; the version in force at the moment of the
//!   L4 determination is the one applied.
//! - [`reviewer`]: reviewer qualification profiles (L3-c, I10, P5) in `reviewer/<user>`.
//! - [`state`]: the pure fold of a case's records into its review state (rounds, opinions,
//!   supplements, escalation, frozen submission packages and their invalidation, L2-b).
//! - [`gate`]: [`WorkflowReviewGate`], the default `LegalReviewGate` of the services: the L2-a
//!   decision gate, the L11-a ordering and the per-record checks of L3, L4-c, L6–L10, L12-c.
//! - [`precheck`]: the advisory automated pre-checks of the review screen (L7-b: L7.1, L7.2,
//!   L7.3 with the R4-d late-entry flag, L7.6, L7.7).
//! - [`delegation`]: the delegating body's heads and review office act on the cases of its
//!   entrusted organisations (L2-c, I13, R2-b).
//!
//! Every refusal names the requirement IDs and uses the rule set's Chinese `[messages.review_*]`.

pub mod catalogue;
pub mod delegation;
pub mod gate;
pub mod precheck;
pub mod reviewer;
pub mod state;

use serde_json::{Map, Value};

pub use catalogue::{AmountLimit, CatalogueEntry, CatalogueView, ReviewTimeLimit};
pub use gate::WorkflowReviewGate;
pub use reviewer::{P5_CUTOFF, QUALIFYING_EXAM, ReviewerQualification};
pub use state::{ReviewRound, ReviewStatus, ReviewView};

use crate::error::CoreError;
use crate::ids::StreamSeq;
use crate::record::Record;

/// Record type ids of the review workflow. Case-stream types are defined (fields, roles,
/// citations) in the rule set; the engine relies on these ids.
pub mod types {
    /// L4-b/L4-c: the six-question determination (with catalogue matches computed by the platform).
    pub const DETERMINATION: &str = "l4_determination";
    /// L4-d: the handling unit head confirms the (latest) determination.
    pub const DETERMINATION_CONFIRMATION: &str = "l4_determination_confirmation";
    /// L4-e: manual mark by a reviewer or the agency head; nobody can undo it.
    pub const MANUAL_MARK: &str = "l4_review_mark";
    /// L6: the submission package (draft, evidence, basis, attestation, frozen record hashes).
    pub const SUBMISSION: &str = "l6_review_submission";
    /// L9-a: the reviewer asks for an explanation or material (status 待补充).
    pub const SUPPLEMENT_REQUEST: &str = "l9_supplement_request";
    /// L9-a: the handling unit answers a supplement request.
    pub const SUPPLEMENT_REPLY: &str = "l9_supplement_reply";
    /// L9-b: 座谈会 / 专家论证会 held by the review office.
    pub const MEETING: &str = "l9_review_meeting";
    /// L8-a: approving opinion (同意).
    pub const APPROVED: &str = "l8_review_approved";
    /// L10-a: opinion listing problems (存在问题).
    pub const PROBLEMS: &str = "l10_review_problems";
    /// L10-c: the reviewer refers a maintained disagreement to the agency head.
    pub const ESCALATION: &str = "l10_escalation";
    /// L10-c / I11: the agency head's decision on an escalation.
    pub const HEAD_DECISION: &str = "l10_head_decision";
    /// The record type that carries the draft decision (拟作出的行政执法决定, R13-a).
    pub const DRAFT: &str = "r13_examination";

    /// Catalogue stream: an entry is set (added or restated) or withdrawn (L5-b).
    pub const CATALOGUE_ENTRY: &str = "review_catalogue_entry";
    /// Catalogue stream: the review time limit of an action kind, in working days (L5-a).
    pub const TIME_LIMIT: &str = "review_time_limit";
    /// Catalogue stream: the 涉案金额 limit of a power item, applied by the L7.6 pre-check
    /// (L7-b).
    pub const AMOUNT_LIMIT: &str = "review_amount_limit";
    /// Reviewer stream: the reviewer's qualification profile is recorded (L3-c).
    pub const QUALIFICATION: &str = "reviewer_qualification";

    /// Records that, once entered, are never voided or superseded (L12-c signed opinions,
    /// L4-e manual marks): a correction is a new record.
    pub const IMMUTABLE: &[&str] = &[
        MANUAL_MARK,
        DETERMINATION_CONFIRMATION,
        SUBMISSION,
        SUPPLEMENT_REQUEST,
        SUPPLEMENT_REPLY,
        MEETING,
        APPROVED,
        PROBLEMS,
        ESCALATION,
        HEAD_DECISION,
    ];

    /// Records made by the review office; entering them does not make a user a handler of the
    /// case (L3-a), and the reviewer checks of L3 apply to them.
    pub const REVIEWER_ACTS: &[&str] =
        &[SUPPLEMENT_REQUEST, MEETING, APPROVED, PROBLEMS, ESCALATION];

    /// Records of the review workflow (not handling acts, L3-a).
    pub const WORKFLOW: &[&str] = &[
        MANUAL_MARK,
        SUBMISSION,
        SUPPLEMENT_REQUEST,
        SUPPLEMENT_REPLY,
        MEETING,
        APPROVED,
        PROBLEMS,
        ESCALATION,
        HEAD_DECISION,
    ];
}

/// Default review time limit where the body configured none (L8-c falls back to P1: the first
/// reminder after 5 working days).
pub const DEFAULT_TIME_LIMIT_WORKING_DAYS: u32 = 5;

/// Checks that a record of the `catalogue/…` or `reviewer/…` streams parses (used by replay).
pub fn check_registry_record(record: &Record) -> Result<(), CoreError> {
    match record.stream.kind() {
        "catalogue" => catalogue::fold_catalogue(
            catalogue::CatalogueView::empty(crate::ids::BodyId::new(record.stream.id())?),
            record,
        )
        .map(|_| ()),
        "reviewer" => reviewer::fold_reviewer(None, record).map(|_| ()),
        _ => Err(CoreError::Invalid {
            field: record.stream.to_string(),
            reason: "not a review registry stream".into(),
        }),
    }
}

pub(crate) fn seq_field(data: &Map<String, Value>, name: &str) -> Option<StreamSeq> {
    data.get(name).and_then(Value::as_u64).map(StreamSeq)
}

pub(crate) fn str_field<'a>(data: &'a Map<String, Value>, name: &str) -> &'a str {
    data.get(name).and_then(Value::as_str).unwrap_or_default()
}

pub(crate) fn bool_field(data: &Map<String, Value>, name: &str) -> bool {
    data.get(name).and_then(Value::as_bool).unwrap_or(false)
}

pub(crate) fn list_field<'a>(data: &'a Map<String, Value>, name: &str) -> &'a [Value] {
    data.get(name)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

pub(crate) fn data_as<T: serde::de::DeserializeOwned>(record: &Record) -> Result<T, CoreError> {
    serde_json::from_value(Value::Object(record.data.clone())).map_err(|err| CoreError::Invalid {
        field: format!("{}#{}", record.stream, record.seq.0),
        reason: err.to_string(),
    })
}
