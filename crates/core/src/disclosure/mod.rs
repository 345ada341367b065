//! Disclosure of enforcement information (公示, 《薛城区行政执法信息公示办法》 D1–D16; issue 8).
//!
//! Everything is a record in a `disclosure/<id>` stream, folded by the pure functions here:
//! - **items** (`disclosure/d-…`): pre-enforcement information (D4) and results (D8), annual data
//!   (D9). An item goes 采集 → 传递 → 审核 → 发布 (D5-b); it can be restricted (D10-a, with
//!   AGENCY_HEAD approval), corrected (D13) and withdrawn (D14). Every publication freezes the
//!   public version per channel (its canonical JSON and hash are in the record, so in the log).
//! - **correction requests** (`disclosure/cr-<tracking number>`, D13-b/c): taken in from the
//!   public portal, closed only with a written reply.
//! - **settings** (`disclosure/s-…`, one per body): who holds which of the four D5-b permissions
//!   and whether the reviewer/publisher must differ from the collector.
//!
//! Due dates are computed by the service with the calendar when the triggering record is written
//! and stored in it, so the folds need no calendar and rebuild gives the same rows (T7 note: a
//! calendar change does not move recorded due dates; see docs/disclosure.md "Known limits").

pub mod annual;
pub mod extract;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};

use crate::error::CoreError;
use crate::ids::{BodyId, CaseId, StreamId, StreamSeq, UserId};
use crate::ports::{DeadlineRow, Projection, ProjectionKind};
use crate::record::Record;

/// P7: a D10.3 restriction is re-examined this many days after approval (D10-e).
pub const P7_REEXAMINE_DAYS: i64 = 90;
/// P1: first reminder for obligations the measures call 及时 (D13-a, D13-d, D14-d), working days.
pub const P1_REMINDER_WORKING_DAYS: u32 = 5;
/// P1: escalation to SUPERVISOR, working days.
pub const P1_ESCALATION_WORKING_DAYS: u32 = 10;
/// P8: due-soon window for disclosure items, working days (D12-e).
pub const P8_DUE_SOON_WORKING_DAYS: u32 = 2;
/// P9: natural persons' names are masked in every published item (D8-e, D10-d).
pub const P9_MASK_NAMES: bool = true;

/// Record type ids of disclosure streams (engine-defined, like the review catalogue's).
pub mod types {
    /// An item is drafted (automatically from a case record, from the registries, or by hand).
    pub const DRAFTED: &str = "disclosure_drafted";
    /// The item's source changed (a corrected decision, changed registry data): D12 "变更".
    pub const SOURCE_CHANGED: &str = "disclosure_source_changed";
    /// 采集: a collector confirms the content, possibly changing prefilled values (D3-c).
    pub const COLLECTED: &str = "disclosure_collected";
    /// The redacted (适当处理) public versions per channel are prepared (D10-c, D10-d).
    pub const REDACTED: &str = "disclosure_redacted";
    /// 传递.
    pub const SUBMITTED: &str = "disclosure_submitted";
    /// 审核: approved or returned.
    pub const REVIEWED: &str = "disclosure_reviewed";
    /// 发布: the frozen public versions with their hashes (D11-a).
    pub const PUBLISHED: &str = "disclosure_published";
    /// A D10 restriction is proposed with its ground and reason.
    pub const RESTRICTION_PROPOSED: &str = "disclosure_restriction_proposed";
    /// AGENCY_HEAD approves or refuses the proposed restriction (D10-a).
    pub const RESTRICTION_DECIDED: &str = "disclosure_restriction_decided";
    /// AGENCY_HEAD renews or lifts a restriction on re-examination (D10-e).
    pub const RESTRICTION_REEXAMINED: &str = "disclosure_restriction_reexamined";
    /// The body corrects a published item (D13-a, or on request D13-b): a new version follows.
    pub const CORRECTION_STARTED: &str = "disclosure_correction_started";
    /// The decision was revoked, confirmed unlawful or ordered remade (D14-a): takedown task.
    pub const WITHDRAWAL_TRIGGERED: &str = "disclosure_withdrawal_triggered";
    /// The item is taken down with an explanation (D14-a).
    pub const WITHDRAWN: &str = "disclosure_withdrawn";
    /// A correction request from the public (D13-b).
    pub const REQUEST_RECEIVED: &str = "disclosure_correction_requested";
    /// The body's written reply that closes a request (D13-c).
    pub const REQUEST_REPLIED: &str = "disclosure_correction_replied";
    /// A D5-b permission granted or revoked.
    pub const PERMISSION_SET: &str = "disclosure_permission_set";
    /// The D5-b separation switch (reviewer/publisher ≠ collector), audited.
    pub const SEPARATION_SET: &str = "disclosure_separation_set";
}

/// The four steps of D5-b.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 采集.
    Collect,
    /// 传递.
    Submit,
    /// 审核.
    Review,
    /// 发布.
    Publish,
}

impl Step {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Step::Collect => "采集",
            Step::Submit => "传递",
            Step::Review => "审核",
            Step::Publish => "发布",
        }
    }
}

/// What an item discloses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// D4.1 body profile (units, duties, powers).
    BodyProfile,
    /// D4.1 officers with valid credentials.
    Officers,
    /// D4.2/D4.3 a power item with its service information.
    PowerItem,
    /// D4.4 an entrustment.
    Entrustment,
    /// D8.1 inspection result (I5).
    InspectionResult,
    /// D8.2 enforcement decision.
    Decision,
    /// D8.3 performance update.
    Performance,
    /// D9 annual enforcement data.
    AnnualData,
    /// D4.5 / D4-f other information.
    Other,
}

impl ItemKind {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::BodyProfile => "执法主体信息",
            ItemKind::Officers => "执法人员信息",
            ItemKind::PowerItem => "执法权力事项",
            ItemKind::Entrustment => "委托执法信息",
            ItemKind::InspectionResult => "检查结果",
            ItemKind::Decision => "行政执法决定",
            ItemKind::Performance => "决定履行情况",
            ItemKind::AnnualData => "年度行政执法数据",
            ItemKind::Other => "其他公示信息",
        }
    }

    /// Parses the snake_case code.
    pub fn from_code(code: &str) -> Option<ItemKind> {
        serde_json::from_value(Value::String(code.to_owned())).ok()
    }

    /// The mandatory fields a publication needs (D4-b, D5-c, D8-e, I5).
    pub fn mandatory_fields(self) -> &'static [&'static str] {
        match self {
            ItemKind::Decision => &[
                "doc_number",
                "party",
                "matter",
                "facts",
                "basis",
                "body_name",
                "date",
            ],
            ItemKind::InspectionResult => &[
                "doc_number",
                "party",
                "matter",
                "result",
                "basis",
                "body_name",
                "date",
            ],
            ItemKind::Performance => &["decision_item", "status", "date"],
            ItemKind::PowerItem => &[
                "name",
                "action",
                "basis",
                "unit",
                "procedure",
                "time_limit",
                "remedies",
            ],
            ItemKind::BodyProfile => &["name", "kind", "duties", "units", "powers"],
            ItemKind::Officers => &["officers"],
            ItemKind::Entrustment => &[
                "organisation",
                "basis",
                "matters",
                "scope",
                "period",
                "rights_and_duties",
                "liability",
            ],
            ItemKind::AnnualData => &["year", "figures"],
            ItemKind::Other => &["content"],
        }
    }
}

/// Chinese label of a field key (for pages and exports).
pub fn field_label(key: &str) -> &str {
    match key {
        "doc_number" => "行政执法决定书文号",
        "party" => "行政执法相对人名称",
        "matter" => "行政执法事项名称",
        "facts" => "主要事实",
        "basis" => "依据",
        "body_name" => "作出行政执法决定的行政执法机关名称",
        "date" => "日期",
        "outcome" => "决定内容",
        "result" => "检查结果",
        "status" => "履行情况",
        "decision_item" => "所涉决定",
        "name" => "名称",
        "action" => "种类",
        "unit" => "承办机构",
        "procedure" => "办理程序",
        "time_limit" => "办理时限",
        "remedies" => "救济渠道",
        "kind" => "主体类型",
        "duties" => "执法职责",
        "units" => "执法机构",
        "powers" => "执法权限",
        "officers" => "执法人员",
        "organisation" => "受委托组织",
        "matters" => "委托事项",
        "scope" => "委托权限",
        "period" => "委托期限",
        "rights_and_duties" => "双方权利和义务",
        "liability" => "法律责任",
        "year" => "年度",
        "figures" => "数据",
        "content" => "内容",
        other => extract::extra_label(other).unwrap_or(other),
    }
}

/// Chinese name of a case's action type code (R2-a, D4-b): 行政处罚, 行政许可, …; an unknown
/// code is shown as it is. Used by the 双公示 fields, the portal and the annual report.
pub fn action_label(code: &str) -> &str {
    match code {
        "penalty" => "行政处罚",
        "coercion" => "行政强制措施",
        "compulsory_execution" => "行政强制执行",
        "inspection" => "行政检查",
        "expropriation" => "行政征收征用",
        "licensing" => "行政许可",
        "other" => "其他",
        other => other,
    }
}

/// Form of a result item (D8-d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// 摘要形式 (the seven D8-e fields).
    Summary,
    /// 决定书形式 (the full document, redacted, D10-c).
    FullDocument,
}

/// Where an item stands (D12-e states are derived from this plus dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Drafted by the platform, not yet collected (待采集).
    Drafted,
    /// 已采集 (or returned by the reviewer).
    Collected,
    /// 已传递, awaiting review.
    Submitted,
    /// 审核通过, awaiting publication.
    Approved,
    /// 已公示 (the current version is public).
    Published,
    /// 不予公示 (D10-a, approved restriction).
    Restricted,
    /// 已撤下 (D14-a).
    Withdrawn,
}

impl ItemState {
    /// Storage code (projection `status`).
    pub fn code(self) -> &'static str {
        match self {
            ItemState::Drafted => "drafted",
            ItemState::Collected => "collected",
            ItemState::Submitted => "submitted",
            ItemState::Approved => "approved",
            ItemState::Published => "published",
            ItemState::Restricted => "restricted",
            ItemState::Withdrawn => "withdrawn",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Drafted => "待采集",
            ItemState::Collected => "已采集",
            ItemState::Submitted => "待审核",
            ItemState::Approved => "待发布",
            ItemState::Published => "已公示",
            ItemState::Restricted => "不予公示",
            ItemState::Withdrawn => "已撤下",
        }
    }
}

/// Grounds of D10 (D10.1–D10.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ground {
    /// D10.1 国家秘密: only a placeholder is kept (D10-b).
    #[serde(rename = "D10.1")]
    StateSecret,
    /// D10.2 危及国家安全、公共安全、经济安全和社会稳定.
    #[serde(rename = "D10.2")]
    Security,
    /// D10.3 妨碍正常执法活动: re-examined every P7 (D10-e).
    #[serde(rename = "D10.3")]
    Obstruction,
    /// D10.4 法律、法规和规章规定不予公开: a citation is mandatory.
    #[serde(rename = "D10.4")]
    Other,
}

impl Ground {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Ground::StateSecret => "涉及国家秘密",
            Ground::Security => "公开后可能危及国家安全、公共安全、经济安全和社会稳定",
            Ground::Obstruction => "公开后可能妨碍正常执法活动",
            Ground::Other => "法律、法规和规章规定不予公开",
        }
    }
}

/// Where a case-derived item comes from (D3-c prefill).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSource {
    /// The case.
    pub case_id: CaseId,
    /// 案号.
    pub case_number: String,
    /// The decision / result record.
    pub seq: StreamSeq,
    /// Its record type.
    pub record_type: String,
    /// The case's action kind (penalty, licensing, …).
    pub action: String,
}

/// Internal facts kept for the annual figures (D9-b); never published as such.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Outcome text (给予行政处罚 / 不予行政许可 / 检查结果 …).
    #[serde(default)]
    pub outcome: String,
    /// Penalty kinds imposed.
    #[serde(default)]
    pub penalty_kinds: Vec<String>,
    /// Fine in fen.
    #[serde(default)]
    pub fine_fen: u64,
    /// Confiscation in fen.
    #[serde(default)]
    pub confiscation_fen: u64,
}

/// Data of [`types::DRAFTED`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drafted {
    /// Kind.
    pub kind: ItemKind,
    /// Title (no personal data; masked again at publication).
    pub title: String,
    /// Form (D8-d).
    pub form: Form,
    /// Content fields (internal, unmasked).
    pub fields: Map<String, Value>,
    /// Source record of a case-derived item.
    #[serde(default)]
    pub source: Option<ItemSource>,
    /// Internal facts for D9.
    #[serde(default)]
    pub facts: Facts,
    /// Natural persons named in the content (masked per P9).
    #[serde(default)]
    pub persons: Vec<String>,
    /// Organisations named (kept in full, D8-e).
    #[serde(default)]
    pub organisations: Vec<String>,
    /// Formation date (D12-b) / decision date (D12-c).
    pub formation_date: Date,
    /// The D12 obligation (None: legacy or not due, D16-a).
    #[serde(default)]
    pub obligation: Option<Obligation>,
    /// Drafted by the platform (not a collection act, D5-b).
    #[serde(default)]
    pub auto: bool,
}

/// Data of [`types::SOURCE_CHANGED`]: new prefilled content and a new D12 obligation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceChanged {
    /// New content.
    pub fields: Map<String, Value>,
    /// New facts.
    #[serde(default)]
    pub facts: Facts,
    /// Natural persons.
    #[serde(default)]
    pub persons: Vec<String>,
    /// Organisations.
    #[serde(default)]
    pub organisations: Vec<String>,
    /// The new source record, if the change comes from a superseding case record.
    #[serde(default)]
    pub source: Option<ItemSource>,
    /// Date of the change (D12 "变更之日").
    pub change_date: Date,
    /// The new obligation.
    #[serde(default)]
    pub obligation: Option<Obligation>,
}

/// An obligation with a due date, stored in the record that triggers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// Unique within the item (`d12`, `d12-2`, `d14`, `d9`).
    pub key: String,
    /// Period name of the period table.
    pub period: String,
    /// Trigger date.
    pub start: Date,
    /// Due date.
    pub due: Date,
    /// Computed over a year without a loaded calendar (T6).
    #[serde(default)]
    pub provisional: bool,
    /// When met (set by the fold).
    #[serde(default)]
    pub met_on: Option<Date>,
}

/// A change of a prefilled value (D3-c).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Field key.
    pub field: String,
    /// Old value.
    pub old: Value,
    /// New value.
    pub new: Value,
    /// Reason given.
    pub reason: String,
    /// Who.
    pub user: UserId,
    /// When (entry time).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// One performed step (D5-b: performer and time of each step).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepEntry {
    /// Record type.
    pub record_type: String,
    /// Seq in the item stream.
    pub seq: StreamSeq,
    /// Who.
    pub user: UserId,
    /// When (entry time).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Short note (opinion, reason).
    #[serde(default)]
    pub note: String,
}

/// A restriction (D10-a) and its approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    /// Ground.
    pub ground: Ground,
    /// Reason.
    pub reason: String,
    /// Law-registry citation (mandatory for D10.4).
    #[serde(default)]
    pub citation: String,
    /// Proposer.
    pub proposed_by: UserId,
    /// Approving AGENCY_HEAD, once approved.
    #[serde(default)]
    pub approved_by: Option<UserId>,
    /// Approval date.
    #[serde(default)]
    pub approved_on: Option<Date>,
    /// Re-examination date (D10.3: approval + P7).
    #[serde(default)]
    pub reexamine_on: Option<Date>,
}

/// Data of [`types::RESTRICTION_DECIDED`] and [`types::RESTRICTION_REEXAMINED`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictionDecision {
    /// Approve (or renew) / refuse (or lift).
    pub approve: bool,
    /// Reason.
    pub reason: String,
    /// Next re-examination date (D10.3 only).
    #[serde(default)]
    pub reexamine_on: Option<Date>,
    /// After lifting: the new D12 obligation from the lifting date (D10-e).
    #[serde(default)]
    pub obligation: Option<Obligation>,
}

/// A published version (D11-a, D13-a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedVersion {
    /// Version number from 1.
    pub version: u32,
    /// Seq of the publish record (its log index is read from the store).
    pub seq: StreamSeq,
    /// Publication date.
    pub published_on: Date,
    /// Channel label (政府门户网站 …).
    pub channel: String,
    /// Publisher.
    pub user: UserId,
    /// Hex hashes of the frozen public JSON per channel.
    pub public_hash: BTreeMap<String, String>,
    /// Whether this version corrects an earlier one.
    pub correction: bool,
    /// A leak-check override was recorded (D10-d).
    pub leak_override: bool,
}

/// Data of [`types::PUBLISHED`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// Version number.
    pub version: u32,
    /// Channel label.
    pub channel: String,
    /// URL or place.
    #[serde(default)]
    pub location: String,
    /// Frozen public JSON per channel (`portal`, `open-data`).
    pub public: BTreeMap<String, Value>,
    /// Hex digest (log hash profile) of each channel's canonical JSON.
    pub public_hash: BTreeMap<String, String>,
    /// D10-d override: reason and the kinds let through (never the values).
    #[serde(default)]
    pub leak_override: Option<LeakOverrideData>,
}

/// A recorded D10-d override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakOverrideData {
    /// Why.
    pub reason: String,
    /// `field: kind` of each finding let through.
    pub findings: Vec<String>,
}

/// Data of [`types::CORRECTION_STARTED`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionStarted {
    /// Changed fields.
    pub changes: Map<String, Value>,
    /// Why (what was inaccurate).
    pub reason: String,
    /// Discovery date (D13-a, measured against P1).
    pub discovered_on: Date,
    /// The correction request answered, if any (D13-b).
    #[serde(default)]
    pub request: Option<String>,
}

/// Data of [`types::WITHDRAWAL_TRIGGERED`] (D14-a).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalTrigger {
    /// 撤销 / 确认违法 / 责令重新作出.
    pub event: String,
    /// 行政复议决定 / 法院裁判 / 本机关自行纠正 / 上级机关.
    pub source: String,
    /// Source document number.
    pub source_doc: String,
    /// Date of the event.
    pub event_date: Date,
    /// The takedown obligation (行政处罚法 第四十八条: 3 WD for penalties; else P1).
    #[serde(default)]
    pub obligation: Option<Obligation>,
}

/// The withdrawal state of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// The trigger.
    pub trigger: WithdrawalTrigger,
    /// When taken down.
    #[serde(default)]
    pub withdrawn_on: Option<Date>,
    /// The explanation (必要的说明).
    #[serde(default)]
    pub explanation: String,
}

/// A correction note shown publicly (已更正).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionNote {
    /// Discovery date.
    pub discovered_on: Date,
    /// Reason (internal; the public sees the date and label).
    pub reason: String,
    /// Request tracking number, if on request.
    #[serde(default)]
    pub request: Option<String>,
    /// Published on (set when the corrected version is published).
    #[serde(default)]
    pub published_on: Option<Date>,
    /// Version that carries the correction.
    #[serde(default)]
    pub version: Option<u32>,
}

/// The folded state of an item (projection `disclosure`; internal, contains unmasked content).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemView {
    /// Item id.
    pub id: String,
    /// Owning body (D3-a).
    pub body: BodyId,
    /// Kind.
    pub kind: ItemKind,
    /// Title.
    pub title: String,
    /// Form.
    pub form: Form,
    /// Current content.
    pub fields: Map<String, Value>,
    /// Values as prefilled (D3-c).
    pub prefilled: Map<String, Value>,
    /// Changes of prefilled values (D3-c, shown to SUPERVISOR).
    pub changes: Vec<FieldChange>,
    /// Source record.
    pub source: Option<ItemSource>,
    /// Internal facts (D9).
    pub facts: Facts,
    /// Natural persons (P9).
    pub persons: Vec<String>,
    /// Organisations.
    pub organisations: Vec<String>,
    /// Formation date.
    pub formation_date: Date,
    /// State.
    pub state: ItemState,
    /// Users who collected or changed the current content (D5-b separation).
    pub collectors: Vec<UserId>,
    /// Every step performed, in order (D5-b).
    pub steps: Vec<StepEntry>,
    /// Redacted versions per channel, valid while `redacted_for == content_version`.
    pub redacted: BTreeMap<String, Map<String, Value>>,
    /// Content version the redaction was made for.
    pub redacted_for: u32,
    /// Content version (bumped by every content change).
    pub content_version: u32,
    /// Restriction.
    pub restriction: Option<Restriction>,
    /// Obligations (D12, D14, D9).
    pub obligations: Vec<Obligation>,
    /// Published versions.
    pub versions: Vec<PublishedVersion>,
    /// The current public JSON per channel (the last published version).
    pub public: BTreeMap<String, Value>,
    /// Corrections (D13).
    pub corrections: Vec<CorrectionNote>,
    /// Withdrawal (D14).
    pub withdrawal: Option<Withdrawal>,
    /// Last folded seq.
    pub last_seq: StreamSeq,
}

impl ItemView {
    /// The open obligation that decides the D12-e state, if any.
    pub fn open_obligation(&self) -> Option<&Obligation> {
        self.obligations
            .iter()
            .find(|o| o.met_on.is_none() && (o.key.starts_with("d12") || o.key == "d9"))
    }

    /// Whether the item is visible on the portal (published or withdrawn with a notice).
    pub fn is_public(&self) -> bool {
        !self.versions.is_empty()
    }

    /// Deadline rows (D3-d, D12-f): one per obligation; restricted items have none (D10-a).
    pub fn deadline_rows(&self) -> Vec<DeadlineRow> {
        let stream = StreamId::disclosure_raw(&self.id);
        self.obligations
            .iter()
            .filter(|o| self.state != ItemState::Restricted || o.met_on.is_some())
            .map(|o| DeadlineRow {
                stream: stream.clone(),
                case_id: self.source.as_ref().map(|s| s.case_id.clone()),
                body: self.body.clone(),
                key: o.key.clone(),
                period: o.period.clone(),
                due: o.due,
                provisional: o.provisional,
                met_on: o.met_on,
            })
            .collect()
    }
}

/// A correction request (projection `disclosure_request`; internal — it holds the requester's
/// personal data, which no public query returns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    /// Tracking number.
    pub tracking: String,
    /// The item.
    pub item: String,
    /// Owning body.
    pub body: BodyId,
    /// The request as received.
    pub request: CorrectionRequestData,
    /// Received (server date).
    pub received_on: Date,
    /// The reply, once given (closes the request, D13-c).
    pub reply: Option<ReplyData>,
    /// Closed on.
    pub closed_on: Option<Date>,
    /// Evidence files.
    pub evidence: Vec<crate::record::FileRef>,
    /// Last folded seq.
    pub last_seq: StreamSeq,
}

/// Data of [`types::REQUEST_RECEIVED`] (D13-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequestData {
    /// The item (id or stable URL's id).
    pub item: String,
    /// 公民 / 法人 / 其他组织.
    pub requester_type: String,
    /// Name.
    pub requester_name: String,
    /// Contact (phone, address or e-mail).
    pub contact: String,
    /// What is inaccurate and why.
    pub reason: String,
    /// Proposed correct content.
    #[serde(default)]
    pub proposed: String,
}

/// Data of [`types::REQUEST_REPLIED`] (D13-c).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyData {
    /// 更正 or 不予更正.
    pub outcome: String,
    /// Reasons (mandatory for 不予更正).
    #[serde(default)]
    pub reasons: String,
    /// The written reply (文字答复).
    pub reply_text: String,
    /// Sending method (邮寄 / 电子邮件 / 当面交付 …).
    pub method: String,
    /// Date sent.
    pub sent_on: Date,
    /// The published correction (version number), for 更正.
    #[serde(default)]
    pub correction_version: Option<u32>,
}

/// A body's D5-b settings (projection `disclosure_settings`, id = the settings stream's id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    /// Permissions: user → steps.
    pub permissions: BTreeMap<String, Vec<Step>>,
    /// Whether the reviewer and publisher must differ from the collector (default true).
    pub separation: bool,
    /// Audit trail of separation changes: (date, required, reason, user).
    pub separation_changes: Vec<(Date, bool, String, UserId)>,
    /// Last folded seq.
    pub last_seq: StreamSeq,
}

impl SettingsView {
    /// Default settings of a body that recorded none: separation on (D5-b), no permissions.
    pub fn initial() -> SettingsView {
        SettingsView {
            permissions: BTreeMap::new(),
            separation: true,
            separation_changes: Vec::new(),
            last_seq: StreamSeq(0),
        }
    }

    /// Whether `user` holds `step`.
    pub fn holds(&self, user: &UserId, step: Step) -> bool {
        self.permissions
            .get(user.as_str())
            .is_some_and(|steps| steps.contains(&step))
    }
}

/// Data of [`types::PERMISSION_SET`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// The user.
    pub user: UserId,
    /// The step.
    pub step: Step,
    /// Granted (true) or revoked.
    pub granted: bool,
}

/// Data of [`types::SEPARATION_SET`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeparationSet {
    /// Required.
    pub required: bool,
    /// Why (audited).
    pub reason: String,
}

/// The folded state of any disclosure stream.
#[derive(Debug, Clone, PartialEq)]
pub enum DisclosureState {
    /// An item.
    Item(Box<ItemView>),
    /// A correction request.
    Request(Box<RequestView>),
    /// A body's settings (with the body id).
    Settings(BodyId, SettingsView),
}

impl DisclosureState {
    /// The projection row of this state.
    pub fn projection(&self, stream_id: &str) -> Result<Projection, CoreError> {
        let to = |value: Result<Value, serde_json::Error>| {
            value.map_err(|err| CoreError::Invalid {
                field: "projection".into(),
                reason: err.to_string(),
            })
        };
        Ok(match self {
            DisclosureState::Item(view) => Projection {
                kind: ProjectionKind::Disclosure,
                id: view.id.clone(),
                body: Some(view.body.clone()),
                status: view.state.code().to_owned(),
                last_seq: view.last_seq,
                data: to(serde_json::to_value(view))?,
            },
            DisclosureState::Request(view) => Projection {
                kind: ProjectionKind::DisclosureRequest,
                id: view.tracking.clone(),
                body: Some(view.body.clone()),
                status: if view.reply.is_some() {
                    "closed".into()
                } else {
                    "open".into()
                },
                last_seq: view.last_seq,
                data: to(serde_json::to_value(view))?,
            },
            DisclosureState::Settings(body, view) => Projection {
                kind: ProjectionKind::DisclosureSettings,
                id: stream_id.to_owned(),
                body: Some(body.clone()),
                status: String::new(),
                last_seq: view.last_seq,
                data: to(serde_json::to_value(view))?,
            },
        })
    }

    /// Deadline rows of the state (items only).
    pub fn deadline_rows(&self) -> Vec<DeadlineRow> {
        match self {
            DisclosureState::Item(view) => view.deadline_rows(),
            _ => Vec::new(),
        }
    }
}

fn corrupt(record: &Record, reason: &str) -> CoreError {
    CoreError::Invalid {
        field: format!("{}#{}", record.stream, record.seq.0),
        reason: reason.to_owned(),
    }
}

pub(crate) fn data_as<T: serde::de::DeserializeOwned>(record: &Record) -> Result<T, CoreError> {
    serde_json::from_value(Value::Object(record.data.clone()))
        .map_err(|err| corrupt(record, &err.to_string()))
}

fn str_of(data: &Map<String, Value>, key: &str) -> String {
    data.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn entry_date(record: &Record) -> Date {
    record.entry_time.to_offset(crate::CHINA_OFFSET).date()
}

fn step(record: &Record, note: String) -> StepEntry {
    StepEntry {
        record_type: record.record_type.to_string(),
        seq: record.seq,
        user: record.actor.user.clone(),
        at: record.entry_time,
        note,
    }
}

/// Folds one record of a `disclosure/…` stream. Pure: live and rebuilt states are equal.
pub fn fold_disclosure(
    state: Option<DisclosureState>,
    record: &Record,
) -> Result<DisclosureState, CoreError> {
    if let Some(prev) = &state {
        let last = match prev {
            DisclosureState::Item(v) => v.last_seq,
            DisclosureState::Request(v) => v.last_seq,
            DisclosureState::Settings(_, v) => v.last_seq,
        };
        if record.seq.0 != last.0 + 1 {
            return Err(corrupt(record, "sequence gap in disclosure stream"));
        }
    }
    match (state, record.record_type.as_str()) {
        (None, types::DRAFTED) => {
            let d: Drafted = data_as(record)?;
            let collectors = if d.auto {
                Vec::new()
            } else {
                vec![record.actor.user.clone()]
            };
            let state = if d.auto {
                ItemState::Drafted
            } else {
                ItemState::Collected
            };
            Ok(DisclosureState::Item(Box::new(ItemView {
                id: record.stream.id().to_owned(),
                body: record.body.clone(),
                kind: d.kind,
                title: d.title,
                form: d.form,
                prefilled: d.fields.clone(),
                fields: d.fields,
                changes: Vec::new(),
                source: d.source,
                facts: d.facts,
                persons: d.persons,
                organisations: d.organisations,
                formation_date: d.formation_date,
                state,
                collectors,
                steps: vec![step(record, String::new())],
                redacted: BTreeMap::new(),
                redacted_for: 0,
                content_version: 1,
                restriction: None,
                obligations: d.obligation.into_iter().collect(),
                versions: Vec::new(),
                public: BTreeMap::new(),
                corrections: Vec::new(),
                withdrawal: None,
                last_seq: record.seq,
            })))
        }
        (None, types::REQUEST_RECEIVED) => {
            let request: CorrectionRequestData = data_as(record)?;
            Ok(DisclosureState::Request(Box::new(RequestView {
                tracking: record.stream.id().to_owned(),
                item: request.item.clone(),
                body: record.body.clone(),
                request,
                received_on: entry_date(record),
                reply: None,
                closed_on: None,
                evidence: record.files.clone(),
                last_seq: record.seq,
            })))
        }
        (Some(DisclosureState::Request(mut view)), types::REQUEST_REPLIED) => {
            if view.reply.is_some() {
                return Err(corrupt(record, "request already closed"));
            }
            let reply: ReplyData = data_as(record)?;
            view.closed_on = Some(reply.sent_on);
            view.reply = Some(reply);
            view.last_seq = record.seq;
            Ok(DisclosureState::Request(view))
        }
        (None, types::PERMISSION_SET | types::SEPARATION_SET) => {
            fold_settings(record.body.clone(), SettingsView::initial(), record)
        }
        (Some(DisclosureState::Settings(body, view)), _) => fold_settings(body, view, record),
        (Some(DisclosureState::Item(view)), _) => {
            fold_item(*view, record).map(|v| DisclosureState::Item(Box::new(v)))
        }
        _ => Err(corrupt(record, "unexpected record type for this stream")),
    }
}

fn fold_settings(
    body: BodyId,
    mut view: SettingsView,
    record: &Record,
) -> Result<DisclosureState, CoreError> {
    match record.record_type.as_str() {
        types::PERMISSION_SET => {
            let p: PermissionSet = data_as(record)?;
            let steps = view.permissions.entry(p.user.to_string()).or_default();
            steps.retain(|s| *s != p.step);
            if p.granted {
                steps.push(p.step);
                steps.sort();
            }
            view.permissions.retain(|_, steps| !steps.is_empty());
        }
        types::SEPARATION_SET => {
            let s: SeparationSet = data_as(record)?;
            view.separation = s.required;
            view.separation_changes.push((
                entry_date(record),
                s.required,
                s.reason,
                record.actor.user.clone(),
            ));
        }
        _ => return Err(corrupt(record, "unexpected record type for settings")),
    }
    view.last_seq = record.seq;
    Ok(DisclosureState::Settings(body, view))
}

fn apply_changes(view: &mut ItemView, record: &Record, changes: &Map<String, Value>, reason: &str) {
    for (key, new) in changes {
        let old = view.fields.get(key).cloned().unwrap_or(Value::Null);
        if &old == new {
            continue;
        }
        if view.prefilled.contains_key(key) {
            view.changes.push(FieldChange {
                field: key.clone(),
                old: old.clone(),
                new: new.clone(),
                reason: reason.to_owned(),
                user: record.actor.user.clone(),
                at: record.entry_time,
            });
        }
        view.fields.insert(key.clone(), new.clone());
        view.content_version += 1;
    }
}

fn meet(view: &mut ItemView, prefix: &str, on: Date) {
    for o in view
        .obligations
        .iter_mut()
        .filter(|o| o.met_on.is_none() && o.key.starts_with(prefix))
    {
        o.met_on = Some(on);
    }
}

fn fold_item(mut view: ItemView, record: &Record) -> Result<ItemView, CoreError> {
    let data = &record.data;
    let note = str_of(data, "reason");
    match record.record_type.as_str() {
        types::SOURCE_CHANGED => {
            let c: SourceChanged = data_as(record)?;
            view.prefilled = c.fields.clone();
            if view.fields != c.fields {
                view.content_version += 1;
            }
            view.fields = c.fields;
            view.facts = c.facts;
            view.persons = c.persons;
            view.organisations = c.organisations;
            if c.source.is_some() {
                view.source = c.source;
            }
            view.obligations.extend(c.obligation);
            view.collectors.clear();
            if !matches!(view.state, ItemState::Restricted | ItemState::Withdrawn) {
                view.state = ItemState::Drafted;
            }
        }
        types::COLLECTED => {
            let changes = data
                .get("changes")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            apply_changes(&mut view, record, &changes, &note);
            if !view.collectors.contains(&record.actor.user) {
                view.collectors.push(record.actor.user.clone());
            }
            view.state = ItemState::Collected;
        }
        types::CORRECTION_STARTED => {
            let c: CorrectionStarted = data_as(record)?;
            apply_changes(&mut view, record, &c.changes, &c.reason);
            view.collectors = vec![record.actor.user.clone()];
            view.corrections.push(CorrectionNote {
                discovered_on: c.discovered_on,
                reason: c.reason,
                request: c.request,
                published_on: None,
                version: None,
            });
            view.state = ItemState::Collected;
        }
        types::REDACTED => {
            let versions = data
                .get("versions")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            view.redacted = versions
                .into_iter()
                .filter_map(|(k, v)| v.as_object().cloned().map(|m| (k, m)))
                .collect();
            view.redacted_for = view.content_version;
        }
        types::SUBMITTED => view.state = ItemState::Submitted,
        types::REVIEWED => {
            let approve = data.get("approve").and_then(Value::as_bool) == Some(true);
            view.state = if approve {
                ItemState::Approved
            } else {
                ItemState::Collected
            };
            view.steps.push(step(record, str_of(data, "opinion")));
            view.last_seq = record.seq;
            return Ok(view);
        }
        types::PUBLISHED => {
            let p: Published = data_as(record)?;
            let on = entry_date(record);
            let correction = !view.versions.is_empty();
            view.versions.push(PublishedVersion {
                version: p.version,
                seq: record.seq,
                published_on: on,
                channel: p.channel,
                user: record.actor.user.clone(),
                public_hash: p.public_hash,
                correction,
                leak_override: p.leak_override.is_some(),
            });
            view.public = p.public;
            if correction
                && let Some(note) = view
                    .corrections
                    .iter_mut()
                    .rev()
                    .find(|n| n.published_on.is_none())
            {
                note.published_on = Some(on);
                note.version = Some(p.version);
            }
            meet(&mut view, "d12", on);
            meet(&mut view, "d9", on);
            view.state = ItemState::Published;
        }
        types::RESTRICTION_PROPOSED => {
            let ground: Ground =
                serde_json::from_value(data.get("ground").cloned().unwrap_or(Value::Null))
                    .map_err(|err| corrupt(record, &err.to_string()))?;
            view.restriction = Some(Restriction {
                ground,
                reason: note.clone(),
                citation: str_of(data, "citation"),
                proposed_by: record.actor.user.clone(),
                approved_by: None,
                approved_on: None,
                reexamine_on: None,
            });
        }
        types::RESTRICTION_DECIDED => {
            let d: RestrictionDecision = data_as(record)?;
            if d.approve {
                if let Some(r) = view.restriction.as_mut() {
                    r.approved_by = Some(record.actor.user.clone());
                    r.approved_on = Some(entry_date(record));
                    r.reexamine_on = d.reexamine_on;
                    if r.ground == Ground::StateSecret {
                        // D10-b: only an unclassified placeholder stays in the projection.
                        view.fields.clear();
                        view.prefilled.clear();
                        view.persons.clear();
                    }
                }
                view.state = ItemState::Restricted;
            } else {
                view.restriction = None;
            }
        }
        types::RESTRICTION_REEXAMINED => {
            let d: RestrictionDecision = data_as(record)?;
            if d.approve {
                if let Some(r) = view.restriction.as_mut() {
                    r.reexamine_on = d.reexamine_on;
                }
            } else {
                view.restriction = None;
                view.obligations.extend(d.obligation);
                view.state = if view.collectors.is_empty() {
                    ItemState::Drafted
                } else {
                    ItemState::Collected
                };
            }
        }
        types::WITHDRAWAL_TRIGGERED => {
            let trigger: WithdrawalTrigger = data_as(record)?;
            view.obligations.extend(trigger.obligation.clone());
            view.withdrawal = Some(Withdrawal {
                trigger,
                withdrawn_on: None,
                explanation: String::new(),
            });
        }
        types::WITHDRAWN => {
            let on = entry_date(record);
            if let Some(w) = view.withdrawal.as_mut() {
                w.withdrawn_on = Some(on);
                w.explanation = str_of(data, "explanation");
            }
            meet(&mut view, "d14", on);
            view.state = ItemState::Withdrawn;
        }
        _ => return Err(corrupt(record, "unexpected record type for an item")),
    }
    view.steps.push(step(record, note));
    view.last_seq = record.seq;
    Ok(view)
}

/// A deterministic item id for a source key (`case/<id>#<seq>`, `d4/power/<id>`, …): `d-` and
/// 32 hex digits of the source key's digest, so ids stay short and URL-safe.
pub fn item_id_for(profile: liuhen_ledger::hash::HashProfile, source_key: &str) -> String {
    let digest = profile.digest(source_key.as_bytes());
    format!("d-{}", &hex::encode(digest.as_bytes())[..32])
}

/// The settings stream id of a body: `s-` and 32 hex digits of the body id's digest.
pub fn settings_id_for(profile: liuhen_ledger::hash::HashProfile, body: &BodyId) -> String {
    let digest = profile.digest(format!("settings/{body}").as_bytes());
    format!("s-{}", &hex::encode(digest.as_bytes())[..32])
}
