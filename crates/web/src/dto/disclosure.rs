//! Wire types of the staff side of disclosure (信息公示, issue 8; 《薛城区行政执法信息公示办法》
//! D3–D15): items and their workflow, the body's D5-b settings, restrictions (D10),
//! corrections (D13), withdrawals (D14), the supervision dashboard (D15) and the D9 annual
//! figures. Converted from and into the core's `disclosure` types, which stay internal.

use std::collections::BTreeMap;

use liuhen_core::disclosure::annual::AnnualFigures;
use liuhen_core::disclosure::{
    CorrectionNote, FieldChange, Form, Ground, ItemKind, ItemSource, ItemState, ItemView,
    Obligation, PublishedVersion, RequestView, Restriction, SettingsView, Step, StepEntry,
    Withdrawal,
};
use liuhen_core::ids::BodyId;
use liuhen_core::service::disclosure::{
    CorrectionReply, ManualItem, SupervisionEntry, SupervisionIssue, WithdrawalEvent,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::{fmt_date, fmt_time, parse_date, parse_id};
use crate::error::ApiError;

fn invalid(field: &str, reason: &str) -> ApiError {
    ApiError::Invalid {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Parses a D5-b step code (`collect`, `submit`, `review`, `publish`).
pub(crate) fn parse_step(field: &str, code: &str) -> Result<Step, ApiError> {
    serde_json::from_value(Value::String(code.to_owned()))
        .map_err(|_| invalid(field, "步骤须为 collect、submit、review 或 publish"))
}

/// Parses an item state code (`drafted`, `collected`, …).
pub(crate) fn parse_state(field: &str, code: &str) -> Result<ItemState, ApiError> {
    serde_json::from_value(Value::String(code.to_owned())).map_err(|_| {
        invalid(
            field,
            "状态须为 drafted、collected、submitted、approved、published、restricted 或 withdrawn",
        )
    })
}

fn step_code(step: Step) -> String {
    serde_json::to_value(step)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn kind_code(kind: ItemKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn form_code(form: Form) -> &'static str {
    match form {
        Form::Summary => "summary",
        Form::FullDocument => "full_document",
    }
}

fn ground_code(ground: Ground) -> &'static str {
    match ground {
        Ground::StateSecret => "D10.1",
        Ground::Security => "D10.2",
        Ground::Obstruction => "D10.3",
        Ground::Other => "D10.4",
    }
}

// ---------------------------------------------------------------------------------------------
// Items

/// Query of `GET /disclosures`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ItemQuery {
    /// Only this body (default: every body the caller works for; SUPERVISOR: all).
    #[serde(default)]
    pub body: Option<String>,
    /// Only items in this state: `drafted` (待采集), `collected` (已采集), `submitted` (待审核),
    /// `approved` (待发布), `published` (已公示), `restricted` (不予公示), `withdrawn` (已撤下).
    #[serde(default)]
    pub state: Option<String>,
}

impl ItemQuery {
    pub(crate) fn to_core(&self) -> Result<(Option<BodyId>, Option<ItemState>), ApiError> {
        let body = self
            .body
            .as_deref()
            .map(|b| parse_id("body", b, BodyId::new))
            .transpose()?;
        let state = self
            .state
            .as_deref()
            .map(|s| parse_state("state", s))
            .transpose()?;
        Ok((body, state))
    }
}

/// One item in a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemSummaryDto {
    /// Stable item id (D11-b).
    pub id: String,
    /// Owning body (D3-a).
    pub body: String,
    /// Kind code: `body_profile`, `officers`, `power_item`, `entrustment`, `inspection_result`,
    /// `decision`, `performance`, `annual_data`, `other`.
    pub kind: String,
    /// Chinese label of the kind.
    pub kind_label: String,
    /// Title.
    pub title: String,
    /// State code (see `GET /disclosures?state=`).
    pub state: String,
    /// Chinese label of the state.
    pub state_label: String,
    /// Date the information was formed or changed (D12-b).
    pub formation_date: String,
    /// Due date of the open publication obligation (D12, D9, D14), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Published versions so far.
    pub versions: u32,
    /// Case the item was drafted from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
}

impl From<&ItemView> for ItemSummaryDto {
    fn from(view: &ItemView) -> ItemSummaryDto {
        ItemSummaryDto {
            id: view.id.clone(),
            body: view.body.to_string(),
            kind: kind_code(view.kind),
            kind_label: view.kind.label().to_owned(),
            title: view.title.clone(),
            state: view.state.code().to_owned(),
            state_label: view.state.label().to_owned(),
            formation_date: fmt_date(view.formation_date),
            due: view.open_obligation().map(|o| fmt_date(o.due)),
            versions: u32::try_from(view.versions.len()).unwrap_or(u32::MAX),
            case_id: view.source.as_ref().map(|s| s.case_id.to_string()),
        }
    }
}

/// One step of the D5-b workflow history: who did what, when.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StepDto {
    /// Record type (`disclosure_collected`, `disclosure_reviewed`, …).
    pub record_type: String,
    /// Seq in the item's stream.
    pub seq: u64,
    /// Performer.
    pub user: String,
    /// When (RFC 3339, +08:00).
    pub at: String,
    /// Opinion, reason or note.
    pub note: String,
}

impl From<&StepEntry> for StepDto {
    fn from(step: &StepEntry) -> StepDto {
        StepDto {
            record_type: step.record_type.clone(),
            seq: step.seq.0,
            user: step.user.to_string(),
            at: fmt_time(step.at),
            note: step.note.clone(),
        }
    }
}

/// A change to a prefilled value, with its reason (D3-c).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldChangeDto {
    /// Field key.
    pub field: String,
    /// Value before.
    pub old: Value,
    /// Value after.
    pub new: Value,
    /// Reason.
    pub reason: String,
    /// Who changed it.
    pub user: String,
    /// When.
    pub at: String,
}

impl From<&FieldChange> for FieldChangeDto {
    fn from(c: &FieldChange) -> FieldChangeDto {
        FieldChangeDto {
            field: c.field.clone(),
            old: c.old.clone(),
            new: c.new.clone(),
            reason: c.reason.clone(),
            user: c.user.to_string(),
            at: fmt_time(c.at),
        }
    }
}

/// A publication obligation with its due date (D12, D9-a, D14).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ObligationDto {
    /// Key (`d12`, `d12-2`, `d9`, `d14`).
    pub key: String,
    /// Period name of the period table.
    pub period: String,
    /// Start date.
    pub start: String,
    /// Due date.
    pub due: String,
    /// Computed over a year without a published calendar (T6).
    pub provisional: bool,
    /// When it was met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_on: Option<String>,
}

impl From<&Obligation> for ObligationDto {
    fn from(o: &Obligation) -> ObligationDto {
        ObligationDto {
            key: o.key.clone(),
            period: o.period.clone(),
            start: fmt_date(o.start),
            due: fmt_date(o.due),
            provisional: o.provisional,
            met_on: o.met_on.map(fmt_date),
        }
    }
}

/// A published version (its frozen JSON's hash is in the log).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VersionDto {
    /// Version number, from 1.
    pub version: u32,
    /// Seq of the publish record.
    pub seq: u64,
    /// Publication date.
    pub published_on: String,
    /// Channel (政府门户网站).
    pub channel: String,
    /// Publisher.
    pub user: String,
    /// Hex hash of the frozen JSON per channel (`portal`, `open-data`).
    pub public_hash: BTreeMap<String, String>,
    /// A correction (D13).
    pub correction: bool,
    /// Published with an AGENCY_HEAD leak override (D10-d).
    pub leak_override: bool,
}

impl From<&PublishedVersion> for VersionDto {
    fn from(v: &PublishedVersion) -> VersionDto {
        VersionDto {
            version: v.version,
            seq: v.seq.0,
            published_on: fmt_date(v.published_on),
            channel: v.channel.clone(),
            user: v.user.to_string(),
            public_hash: v.public_hash.clone(),
            correction: v.correction,
            leak_override: v.leak_override,
        }
    }
}

/// A D10 restriction.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RestrictionDto {
    /// Ground: `D10.1` … `D10.4`.
    pub ground: String,
    /// Chinese label of the ground.
    pub ground_label: String,
    /// Reason.
    pub reason: String,
    /// Citation (mandatory for D10.4).
    pub citation: String,
    /// Proposer.
    pub proposed_by: String,
    /// AGENCY_HEAD who approved it; absent while pending (not yet in effect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// Approval date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<String>,
    /// Next re-examination (D10.3, every P7 = 90 days, D10-e).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reexamine_on: Option<String>,
}

impl From<&Restriction> for RestrictionDto {
    fn from(r: &Restriction) -> RestrictionDto {
        RestrictionDto {
            ground: ground_code(r.ground).to_owned(),
            ground_label: r.ground.label().to_owned(),
            reason: r.reason.clone(),
            citation: r.citation.clone(),
            proposed_by: r.proposed_by.to_string(),
            approved_by: r.approved_by.as_ref().map(ToString::to_string),
            approved_on: r.approved_on.map(fmt_date),
            reexamine_on: r.reexamine_on.map(fmt_date),
        }
    }
}

/// A correction of the item (D13-a, or on request D13-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CorrectionNoteDto {
    /// Date the error was discovered.
    pub discovered_on: String,
    /// Reason.
    pub reason: String,
    /// Tracking number of the request it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// When the corrected version was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<String>,
    /// The corrected version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
}

impl From<&CorrectionNote> for CorrectionNoteDto {
    fn from(c: &CorrectionNote) -> CorrectionNoteDto {
        CorrectionNoteDto {
            discovered_on: fmt_date(c.discovered_on),
            reason: c.reason.clone(),
            request: c.request.clone(),
            published_on: c.published_on.map(fmt_date),
            version: c.version,
        }
    }
}

/// A withdrawal (D14-a): its trigger and, once done, the takedown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WithdrawalDto {
    /// 撤销 / 确认违法 / 责令重新作出.
    pub event: String,
    /// Source (行政复议决定, 法院裁判, …).
    pub source: String,
    /// Source document number.
    pub source_doc: String,
    /// Date of the event.
    pub event_date: String,
    /// Takedown due date (3 working days for penalties, 行政处罚法 第四十八条).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// When it was taken down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<String>,
    /// The public explanation.
    pub explanation: String,
}

impl From<&Withdrawal> for WithdrawalDto {
    fn from(w: &Withdrawal) -> WithdrawalDto {
        WithdrawalDto {
            event: w.trigger.event.clone(),
            source: w.trigger.source.clone(),
            source_doc: w.trigger.source_doc.clone(),
            event_date: fmt_date(w.trigger.event_date),
            due: w.trigger.obligation.as_ref().map(|o| fmt_date(o.due)),
            withdrawn_on: w.withdrawn_on.map(fmt_date),
            explanation: w.explanation.clone(),
        }
    }
}

/// Where a case-derived item comes from (D3-c).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemSourceDto {
    /// Case id.
    pub case_id: String,
    /// 案号.
    pub case_number: String,
    /// Seq of the triggering case record.
    pub seq: u64,
    /// Its record type.
    pub record_type: String,
    /// Action type of the case.
    pub action: String,
}

impl From<&ItemSource> for ItemSourceDto {
    fn from(s: &ItemSource) -> ItemSourceDto {
        ItemSourceDto {
            case_id: s.case_id.to_string(),
            case_number: s.case_number.clone(),
            seq: s.seq.0,
            record_type: s.record_type.clone(),
            action: s.action.clone(),
        }
    }
}

/// One item with its content, versions and workflow history (staff view; contains unmasked
/// content, so it is an audited read).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemDetailDto {
    /// The summary.
    #[serde(flatten)]
    pub summary: ItemSummaryDto,
    /// `summary` (摘要形式, D8-e) or `full_document` (决定书形式).
    pub form: String,
    /// Current content fields (unmasked).
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// Values the platform prefilled (D3-c).
    #[schema(value_type = Object)]
    pub prefilled: Map<String, Value>,
    /// Changes to prefilled values, with reasons (D3-c).
    pub changes: Vec<FieldChangeDto>,
    /// The case record it was drafted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ItemSourceDto>,
    /// Users who collected or changed the current content (excluded from review and publication
    /// while separation is on, D5-b).
    pub collectors: Vec<String>,
    /// Workflow history (D5-b).
    pub steps: Vec<StepDto>,
    /// Redacted versions per channel (`portal`, `open-data`), when prepared.
    #[schema(value_type = Object)]
    pub redacted: BTreeMap<String, Map<String, Value>>,
    /// Whether the redacted versions are of the current content.
    pub redaction_current: bool,
    /// Restriction (D10), if proposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<RestrictionDto>,
    /// Every obligation with its due date.
    pub obligations: Vec<ObligationDto>,
    /// Published versions, oldest first.
    pub published: Vec<VersionDto>,
    /// Corrections (D13).
    pub corrections: Vec<CorrectionNoteDto>,
    /// Withdrawal (D14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<WithdrawalDto>,
}

impl From<&ItemView> for ItemDetailDto {
    fn from(view: &ItemView) -> ItemDetailDto {
        ItemDetailDto {
            summary: ItemSummaryDto::from(view),
            form: form_code(view.form).to_owned(),
            fields: view.fields.clone(),
            prefilled: view.prefilled.clone(),
            changes: view.changes.iter().map(FieldChangeDto::from).collect(),
            source: view.source.as_ref().map(ItemSourceDto::from),
            collectors: view.collectors.iter().map(ToString::to_string).collect(),
            steps: view.steps.iter().map(StepDto::from).collect(),
            redacted: view.redacted.clone(),
            redaction_current: !view.redacted.is_empty()
                && view.redacted_for == view.content_version,
            restriction: view.restriction.as_ref().map(RestrictionDto::from),
            obligations: view.obligations.iter().map(ObligationDto::from).collect(),
            published: view.versions.iter().map(VersionDto::from).collect(),
            corrections: view
                .corrections
                .iter()
                .map(CorrectionNoteDto::from)
                .collect(),
            withdrawal: view.withdrawal.as_ref().map(WithdrawalDto::from),
        }
    }
}

/// A hand-drafted item (采集, D4.5 / D4-f).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualItemRequest {
    /// Owning body.
    pub body: String,
    /// Kind code (see [`ItemSummaryDto::kind`]).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Content fields (the kind's mandatory fields must be filled before submission, D5-c).
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// Natural persons named in the content (their names are masked on publication, P9).
    #[serde(default)]
    pub persons: Vec<String>,
    /// Formation or change date (`YYYY-MM-DD`, D12-b).
    pub formation_date: String,
}

impl ManualItemRequest {
    pub(crate) fn to_core(&self) -> Result<ManualItem, ApiError> {
        Ok(ManualItem {
            body: parse_id("body", &self.body, BodyId::new)?,
            kind: ItemKind::from_code(&self.kind)
                .ok_or_else(|| invalid("kind", "未知的公示信息种类"))?,
            title: self.title.clone(),
            fields: self.fields.clone(),
            persons: self.persons.clone(),
            formation_date: parse_date("formation_date", &self.formation_date)?,
        })
    }
}

/// Ids of drafted items.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DraftedDto {
    /// Item ids written (empty when nothing changed).
    pub ids: Vec<String>,
}

/// Request of `POST /bodies/{id}/disclosures/pre-enforcement` (D4, D6-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreEnforcementRequest {
    /// Date the information took effect or changed (`YYYY-MM-DD`, D12-b).
    pub formation_date: String,
}

/// Request of `POST /bodies/{id}/disclosures/annual` (D9-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnualItemRequest {
    /// The year reported (the item is due 31 January of the next year).
    pub year: i32,
}

/// 采集: confirm the item, with changes to its fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectRequest {
    /// Changed fields (a change to a prefilled value needs `reason`, D3-c).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub changes: Map<String, Value>,
    /// Reason of the changes.
    #[serde(default)]
    pub reason: String,
}

/// 审核: approve or return.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `true` approves (待发布), `false` returns the item to the collector.
    pub approve: bool,
    /// The reviewer's opinion.
    #[serde(default)]
    pub opinion: String,
}

/// 发布.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// AGENCY_HEAD only: publish although the leak check finds an identity or mobile number in
    /// the clear, for this recorded reason (D10-d). The kinds let through are recorded, never
    /// the values.
    #[serde(default)]
    pub leak_override: Option<String>,
}

/// Proposes a restriction (D10-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestrictionRequest {
    /// `D10.1` 国家秘密, `D10.2` 危及安全稳定, `D10.3` 妨碍正常执法活动, `D10.4` 法律、法规和规章规定.
    pub ground: String,
    /// Reason.
    pub reason: String,
    /// Legal basis (mandatory for `D10.4`).
    #[serde(default)]
    pub citation: String,
}

impl RestrictionRequest {
    pub(crate) fn ground(&self) -> Result<Ground, ApiError> {
        serde_json::from_value(Value::String(self.ground.clone()))
            .map_err(|_| invalid("ground", "理由类别须为 D10.1、D10.2、D10.3 或 D10.4"))
    }
}

/// AGENCY_HEAD's decision on a proposed restriction (D10-a), or on its re-examination (D10-e).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Decision: approve the restriction (or, on re-examination, renew it); `false` refuses it
    /// (or lifts it, with a new D12-b due date from today).
    pub approve: bool,
    /// Reason.
    #[serde(default)]
    pub reason: String,
}

/// The body corrects a published item (D13-a; with `request`, answering a D13-b request).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequestBody {
    /// Changed fields.
    #[schema(value_type = Object)]
    pub changes: Map<String, Value>,
    /// Reason.
    pub reason: String,
    /// When the error was discovered (`YYYY-MM-DD`).
    pub discovered_on: String,
    /// Tracking number of the correction request this answers.
    #[serde(default)]
    pub request: Option<String>,
}

/// The written reply that closes a correction request (D13-c).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionReplyRequest {
    /// `更正` (after the corrected version is published) or `不予更正` (with reasons).
    pub outcome: String,
    /// Reasons (mandatory for 不予更正).
    #[serde(default)]
    pub reasons: String,
    /// The written reply.
    pub reply_text: String,
    /// Sending method (邮寄, 电子邮件, 当面送达…).
    pub method: String,
    /// Date sent (`YYYY-MM-DD`).
    pub sent_on: String,
}

impl CorrectionReplyRequest {
    pub(crate) fn to_core(&self) -> Result<CorrectionReply, ApiError> {
        Ok(CorrectionReply {
            outcome: self.outcome.clone(),
            reasons: self.reasons.clone(),
            reply_text: self.reply_text.clone(),
            method: self.method.clone(),
            sent_on: parse_date("sent_on", &self.sent_on)?,
        })
    }
}

/// The D14-a event requiring a takedown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalTriggerRequest {
    /// 撤销 / 确认违法 / 责令重新作出.
    pub event: String,
    /// 行政复议决定 / 法院裁判 / 本机关自行纠正 / 上级机关.
    pub source: String,
    /// Source document number.
    pub source_doc: String,
    /// Date of the event (`YYYY-MM-DD`).
    pub event_date: String,
}

impl WithdrawalTriggerRequest {
    pub(crate) fn to_core(&self) -> Result<WithdrawalEvent, ApiError> {
        Ok(WithdrawalEvent {
            event: self.event.clone(),
            source: self.source.clone(),
            source_doc: self.source_doc.clone(),
            event_date: parse_date("event_date", &self.event_date)?,
        })
    }
}

/// Takes the item down (D14-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// The explanation the public sees instead of the content (no unmasked personal data).
    pub explanation: String,
}

// ---------------------------------------------------------------------------------------------
// Correction requests

/// The written reply to a correction request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReplyDto {
    /// 更正 / 不予更正.
    pub outcome: String,
    /// Reasons.
    pub reasons: String,
    /// Reply text.
    pub reply_text: String,
    /// Method.
    pub method: String,
    /// Date sent.
    pub sent_on: String,
    /// The corrected version, for 更正.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction_version: Option<u32>,
}

/// A correction request as the body sees it (contains the requester's personal data; audited).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CorrectionRequestDto {
    /// Tracking number (D13-b).
    pub tracking: String,
    /// The item concerned.
    pub item: String,
    /// Body.
    pub body: String,
    /// 公民 / 法人 / 其他组织.
    pub requester_type: String,
    /// Requester's name.
    pub requester_name: String,
    /// Contact.
    pub contact: String,
    /// What is inaccurate, and why.
    pub reason: String,
    /// Proposed content.
    pub proposed: String,
    /// Evidence file names.
    pub evidence: Vec<String>,
    /// Evidence files (D13.p2), each readable at `url` by the body's staff.
    pub evidence_files: Vec<CorrectionEvidenceDto>,
    /// Received on.
    pub received_on: String,
    /// `处理中` or `已答复`.
    pub status: String,
    /// Closed on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    /// The reply, once closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyDto>,
}

/// One evidence file of a correction request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CorrectionEvidenceDto {
    /// File name as uploaded (cleaned).
    pub name: String,
    /// Media type sniffed from the content.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 (hex), the blob address.
    pub sha256: String,
    /// Where the body's staff read it.
    pub url: String,
}

impl From<&RequestView> for CorrectionRequestDto {
    fn from(r: &RequestView) -> CorrectionRequestDto {
        CorrectionRequestDto {
            tracking: r.tracking.clone(),
            item: r.item.clone(),
            body: r.body.to_string(),
            requester_type: r.request.requester_type.clone(),
            requester_name: r.request.requester_name.clone(),
            contact: r.request.contact.clone(),
            reason: r.request.reason.clone(),
            proposed: r.request.proposed.clone(),
            evidence: r.evidence.iter().map(|f| f.name.clone()).collect(),
            evidence_files: r
                .evidence
                .iter()
                .map(|f| CorrectionEvidenceDto {
                    name: f.name.clone(),
                    media_type: f.media_type.clone(),
                    size: f.size,
                    sha256: f.sha256.clone(),
                    url: format!(
                        "/api/v1/correction-requests/{}/evidence/{}",
                        r.tracking, f.sha256
                    ),
                })
                .collect(),
            received_on: fmt_date(r.received_on),
            status: if r.reply.is_some() {
                "已答复"
            } else {
                "处理中"
            }
            .to_owned(),
            closed_on: r.closed_on.map(fmt_date),
            reply: r.reply.as_ref().map(|x| ReplyDto {
                outcome: x.outcome.clone(),
                reasons: x.reasons.clone(),
                reply_text: x.reply_text.clone(),
                method: x.method.clone(),
                sent_on: fmt_date(x.sent_on),
                correction_version: x.correction_version,
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Settings (D5-b)

/// A change of the body's separation switch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SeparationChangeDto {
    /// Date.
    pub date: String,
    /// Separation required after the change.
    pub required: bool,
    /// Reason.
    pub reason: String,
    /// AGENCY_HEAD who switched it.
    pub user: String,
}

/// A body's D5-b settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SettingsDto {
    /// Body.
    pub body: String,
    /// Steps granted per user id (`collect`, `submit`, `review`, `publish`).
    pub permissions: BTreeMap<String, Vec<String>>,
    /// Whether reviewers and publishers must differ from the collectors (default on).
    pub separation: bool,
    /// History of the switch.
    pub separation_changes: Vec<SeparationChangeDto>,
}

impl SettingsDto {
    pub(crate) fn new(body: &BodyId, view: &SettingsView) -> SettingsDto {
        SettingsDto {
            body: body.to_string(),
            permissions: view
                .permissions
                .iter()
                .map(|(user, steps)| (user.clone(), steps.iter().copied().map(step_code).collect()))
                .collect(),
            separation: view.separation,
            separation_changes: view
                .separation_changes
                .iter()
                .map(|(date, required, reason, user)| SeparationChangeDto {
                    date: fmt_date(*date),
                    required: *required,
                    reason: reason.clone(),
                    user: user.to_string(),
                })
                .collect(),
        }
    }
}

/// Grants or revokes one step for one user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionChangeDto {
    /// User id (staff of the body).
    pub user: String,
    /// `collect`, `submit`, `review` or `publish`.
    pub step: String,
    /// Grant (`true`) or revoke.
    pub granted: bool,
}

/// Switches separation on or off, with a reason (audited).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeparationDto {
    /// Separation required.
    pub required: bool,
    /// Reason (mandatory).
    pub reason: String,
}

/// Request of `PUT /bodies/{id}/disclosure-settings` (AGENCY_HEAD of the body). Each change is
/// one record; they are applied in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    /// Permission changes.
    #[serde(default)]
    pub permissions: Vec<PermissionChangeDto>,
    /// Separation switch.
    #[serde(default)]
    pub separation: Option<SeparationDto>,
}

// ---------------------------------------------------------------------------------------------
// Supervision (D15)

/// Query of the supervision routes.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SupervisionQuery {
    /// The day statuses are judged on (`YYYY-MM-DD`); default today in Asia/Shanghai.
    #[serde(default)]
    pub date: Option<String>,
}

/// One line of the D15 dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SupervisionEntryDto {
    /// Item id.
    pub item: String,
    /// Title.
    pub title: String,
    /// State code.
    pub state: String,
    /// Due date of the obligation concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// `overdue` (已逾期), `due_soon` (即将到期), `late` (逾期公示), `restriction_unapproved`,
    /// `restriction_reexamine_due`, `prefill_changed`, `correction_request`, `promptness`.
    pub issue: String,
    /// Working days late (`overdue`, `late`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days_late: Option<u32>,
    /// Working days remaining (`due_soon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_working_days: Option<u32>,
    /// Tracking number (`correction_request`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<String>,
    /// Chinese label with the rule ID and the measure's title (D1-a).
    pub label: String,
    /// The item's workflow history.
    pub history: Vec<StepDto>,
}

impl From<&SupervisionEntry> for SupervisionEntryDto {
    fn from(e: &SupervisionEntry) -> SupervisionEntryDto {
        let (issue, late, remaining, tracking) = match &e.issue {
            SupervisionIssue::Overdue { working_days } => {
                ("overdue", Some(*working_days), None, None)
            }
            SupervisionIssue::DueSoon { remaining } => ("due_soon", None, Some(*remaining), None),
            SupervisionIssue::Late { working_days } => ("late", Some(*working_days), None, None),
            SupervisionIssue::RestrictionUnapproved => ("restriction_unapproved", None, None, None),
            SupervisionIssue::RestrictionReexamineDue => {
                ("restriction_reexamine_due", None, None, None)
            }
            SupervisionIssue::PrefillChanged { .. } => ("prefill_changed", None, None, None),
            SupervisionIssue::CorrectionRequest { tracking, .. } => {
                ("correction_request", None, None, Some(tracking.clone()))
            }
            SupervisionIssue::Promptness { .. } => ("promptness", None, None, None),
        };
        SupervisionEntryDto {
            item: e.item.clone(),
            title: e.title.clone(),
            state: e.state.code().to_owned(),
            due: e.due.map(fmt_date),
            issue: issue.to_owned(),
            working_days_late: late,
            remaining_working_days: remaining,
            tracking,
            label: e.label.clone(),
            history: e.history.iter().map(StepDto::from).collect(),
        }
    }
}

/// The dashboard lines of one body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SupervisionBodyDto {
    /// Body id.
    pub body: String,
    /// Body name.
    pub name: String,
    /// Items overdue (已逾期).
    pub overdue: u32,
    /// Items due soon (即将到期, P8).
    pub due_soon: u32,
    /// Every line, earliest due first.
    pub entries: Vec<SupervisionEntryDto>,
}

/// `GET /supervision/disclosures`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SupervisionDto {
    /// The day judged on.
    pub date: String,
    /// One block per body with at least one line.
    pub bodies: Vec<SupervisionBodyDto>,
}

/// Review figures of a body for the overview (L13-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewSummaryDto {
    /// Cases submitted for review.
    pub reviews: u64,
    /// Reviews pending.
    pub pending: u64,
    /// First-round pass rate (0–1).
    pub first_round_pass_rate: f64,
    /// Escalations to the agency head.
    pub escalations: u64,
}

/// One body of the supervision overview.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverviewBodyDto {
    /// Body id.
    pub body: String,
    /// Body name.
    pub name: String,
    /// Disclosures overdue (D12-e 已逾期).
    pub disclosures_overdue: u32,
    /// Disclosures due soon (P8).
    pub disclosures_due_soon: u32,
    /// Disclosures published late (逾期公示).
    pub disclosures_late: u32,
    /// Other disclosure issues (restrictions, changed prefills, P1 thresholds).
    pub disclosure_other_issues: u32,
    /// Case deadlines overdue (to-do list: decision, delivery, R28, R29, payment …).
    pub case_deadlines_overdue: u32,
    /// Case deadlines due soon.
    pub case_deadlines_due_soon: u32,
    /// Legal review statistics, where the caller may see them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<ReviewSummaryDto>,
}

/// `GET /supervision/overview`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverviewDto {
    /// The day judged on.
    pub date: String,
    /// One row per body the caller supervises.
    pub bodies: Vec<OverviewBodyDto>,
}

// ---------------------------------------------------------------------------------------------
// Annual figures (D9)

/// Query of `GET /bodies/{id}/annual-figures`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AnnualQuery {
    /// The calendar year.
    pub year: i32,
}

/// The D9-b figures of a body for one year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnnualFiguresDto {
    /// Body.
    pub body: String,
    /// Year.
    pub year: i32,
    /// Cases initiated, by action type.
    pub cases_by_action: BTreeMap<String, u64>,
    /// Matters ended without initiation.
    pub cases_not_initiated: u64,
    /// Cases closed.
    pub cases_closed: u64,
    /// Decisions by action type.
    pub decisions_by_action: BTreeMap<String, u64>,
    /// Decisions by outcome.
    pub decisions_by_outcome: BTreeMap<String, u64>,
    /// Penalty decisions by penalty kind.
    pub penalties_by_kind: BTreeMap<String, u64>,
    /// Total fines, in fen.
    pub fines_fen: u64,
    /// Total confiscations, in fen.
    pub confiscations_fen: u64,
    /// Licences granted.
    pub permits_granted: u64,
    /// Licences refused.
    pub permits_refused: u64,
    /// Inspection results by result.
    pub inspections_by_result: BTreeMap<String, u64>,
    /// Legal reviews submitted (rounds).
    pub reviews_submitted: u64,
    /// Approving opinions.
    pub reviews_approved: u64,
    /// Opinions with problems.
    pub reviews_with_problems: u64,
    /// Escalations.
    pub reviews_escalated: u64,
    /// Hearings held.
    pub hearings: u64,
    /// Withdrawals by event.
    pub withdrawals_by_event: BTreeMap<String, u64>,
    /// Disclosures published on time.
    pub disclosures_on_time: u64,
    /// Disclosures published late.
    pub disclosures_late: u64,
    /// Disclosures due in the year and still pending.
    pub disclosures_missed: u64,
    /// Items restricted.
    pub disclosures_restricted: u64,
    /// Self-corrections.
    pub corrections_self: u64,
    /// Correction requests received.
    pub correction_requests: u64,
    /// Requests closed with 更正.
    pub correction_requests_corrected: u64,
    /// Requests closed with 不予更正.
    pub correction_requests_refused: u64,
}

impl AnnualFiguresDto {
    pub(crate) fn new(body: &BodyId, f: AnnualFigures) -> AnnualFiguresDto {
        AnnualFiguresDto {
            body: body.to_string(),
            year: f.year,
            cases_by_action: f.cases_by_action,
            cases_not_initiated: f.cases_not_initiated,
            cases_closed: f.cases_closed,
            decisions_by_action: f.decisions_by_action,
            decisions_by_outcome: f.decisions_by_outcome,
            penalties_by_kind: f.penalties_by_kind,
            fines_fen: f.fines_fen,
            confiscations_fen: f.confiscations_fen,
            permits_granted: f.permits_granted,
            permits_refused: f.permits_refused,
            inspections_by_result: f.inspections_by_result,
            reviews_submitted: f.reviews_submitted,
            reviews_approved: f.reviews_approved,
            reviews_with_problems: f.reviews_with_problems,
            reviews_escalated: f.reviews_escalated,
            hearings: f.hearings,
            withdrawals_by_event: f.withdrawals_by_event,
            disclosures_on_time: f.disclosures_on_time,
            disclosures_late: f.disclosures_late,
            disclosures_missed: f.disclosures_missed,
            disclosures_restricted: f.disclosures_restricted,
            corrections_self: f.corrections_self,
            correction_requests: f.correction_requests,
            correction_requests_corrected: f.correction_requests_corrected,
            correction_requests_refused: f.correction_requests_refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_step(code: &str, expect: Option<Step>) {
        assert_eq!(parse_step("step", code).ok(), expect, "{code}");
    }

    #[test]
    fn step_codes_parse_and_round_trip_and_unknown_codes_are_invalid() {
        check_step("collect", Some(Step::Collect));
        check_step("publish", Some(Step::Publish));
        check_step("Publish", None);
        check_step("", None);
        for step in [Step::Collect, Step::Submit, Step::Review, Step::Publish] {
            assert_eq!(parse_step("step", &step_code(step)).ok(), Some(step));
        }
    }

    #[test]
    fn state_and_ground_codes_match_the_core() {
        assert_eq!(parse_state("s", "approved").ok(), Some(ItemState::Approved));
        assert!(parse_state("s", "待发布").is_err());
        let request = |ground: &str| RestrictionRequest {
            ground: ground.into(),
            reason: "r".into(),
            citation: String::new(),
        };
        for ground in [
            Ground::StateSecret,
            Ground::Security,
            Ground::Obstruction,
            Ground::Other,
        ] {
            assert_eq!(request(ground_code(ground)).ground().ok(), Some(ground));
        }
        assert!(request("D10.5").ground().is_err());
    }
}
