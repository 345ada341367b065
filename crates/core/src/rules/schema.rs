//! NOTE TO THE RULES HELPER (from the ENGINE helper) — conventions the engine relies on:
//! - Flags read by code gates / the engine: `review_required` (L4-e manual mark or any trigger),
//!   `review_passed` (set by the record that records a passing legal review; the default
//!   `LegalReviewGate` lets the decision through when review is required only if this is set),
//!   `on_the_spot` (简易程序: procedure review not required), `hearing_held` (R15-c: makes review
//!   required), `statement_closed` (set by the R14-b response record: 提出陈述申辩 / 明确放弃 /
//!   期满未提出; if that record has a `date` field named `period_end`, the decision's event date
//!   must be after it).
//! - Code gates (`check = { code = "…" }`): `legal_review`, `statement_period_passed`,
//!   `av_coverage` (the guarded record type needs `needs_av = true` and a `record_refs` field
//!   named `av_records` listing A/V records whose event_time..event_end cover the act's
//!   event_time..event_end with no gap > 60 s, P2), `collective_after_review` (L11-a).
//! - `min_officers` counts distinct ids in the field named `officers` (type `officers`).
//! - A field of type `doc_number` is ASSIGNED by the engine (R26-b) and must not be supplied by the
//!   user; mark it `required = false`. The number reads `{body short name}{document}〔{year}〕{n}号`,
//!   using the record type's `document` (e.g. "罚决字") or "字".
//! - `[[procedures.deadlines]] from` = a record type id, or `case_opened`, `closed` (结案) or
//!   `execution_concluded` (R29 with I9 fallback to `closed`). `until` = record types meeting it.
//!   R28 (period `av-storage`) rows are added by the engine for every `kind = "av"` record.
//! - Every record may carry `data.confidentiality` (普通/个人隐私/商业秘密/依法保密/国家秘密, R30-d);
//!   the engine accepts it on every record type without declaring it. Record types
//!   `sys_case_opened`, `sys_void`, `sys_access_request`, `sys_access_decision` are built in
//!   (case header, R4-a void, R30); do not define them.
//! - After an `initiates_when` condition fails the engine sets flag `not_initiated`; the case then
//!   accepts only `any_stage` types and the last stage's (archive) types (R8-b, R9-b, I9).
//! - Optional `[messages.<key>]` override the engine's refusals for code checks; keys:
//!   `role_refused`, `credential_invalid` (D7-a), `min_officers`, `stage_refused`,
//!   `mandatory_missing` (R4-c), `case_not_initiated`, `av_coverage` (R5-a).
//! - `party` values: `{kind: natural_person|organization, name, id_type, id_number, address,
//!   phone}` / `{kind: organization, name, uscc (GB 32100 checked), legal_representative,
//!   address, phone}`; `person` values: `{name, id_type?, id_number?, phone?, address?,
//!   organization?, role?}`.
//!
//! The rule-set file format (TOML), as plain serde types. One file is one rule set; the loader
//! (`rules::load`) checks cross-references and reports diagnostics naming file, line and rule.
//!
//! Rules are data with citations (DESIGN.md principle 2): every record type, field, gate and
//! deadline names the requirement IDs it implements (`requires = ["R8-a"]`) and the article it
//! rests on (`citation = "《…》第八条"`). Refusal messages are written here, in Chinese, not in
//! Rust.
//!
//! Shape of a file (see `rules/xc-2024.toml` for the full district rule set):
//! ```toml
//! [rule_set]
//! id = "XC-2024"
//! name = "薛城区行政执法三项制度规则"
//! effective_from = 2024-09-01
//! effective_to = 2029-08-31
//! citation = "薛政办发〔2024〕8号"
//!
//! [[record_types]]
//! id = "r8_initiation"
//! name = "依职权启动记录"
//! kind = "text"
//! requires = ["R8-a"]
//! citation = "《薛城区行政执法全过程记录办法》第八条"
//! roles = ["OFFICER"]
//! fields = [
//!   { name = "reason", label = "启动原因", type = "text" },
//!   { name = "source", label = "案件来源", type = "enum", values = ["监督检查发现", "投诉举报"] },
//! ]
//!
//! [[procedures]]
//! id = "penalty_ordinary"
//! action = "penalty"
//! …
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A whole rule-set file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetFile {
    /// Identity and validity period (D16-a).
    pub rule_set: RuleSetHeader,
    /// Record types this file defines.
    #[serde(default)]
    pub record_types: Vec<Spanned<RecordTypeSpec>>,
    /// Procedures (one per action kind and variant).
    #[serde(default)]
    pub procedures: Vec<Spanned<ProcedureSpec>>,
    /// Named refusal messages used by code-backed checks (role refused, credential invalid, …),
    /// keyed by check name.
    #[serde(default)]
    pub messages: BTreeMap<String, MessageSpec>,
}

/// Identity and validity of a rule set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetHeader {
    /// Identifier, e.g. `XC-2024`.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Version number within the id; a body override must name the version it extends.
    #[serde(default = "one")]
    pub version: u32,
    /// First day in force (inclusive).
    pub effective_from: toml::value::Datetime,
    /// Last day in force (inclusive), if limited (D16: 2029-08-31).
    #[serde(default)]
    pub effective_to: Option<toml::value::Datetime>,
    /// For a body's own 实施细则 (R4.p2): the body id this file applies to. Absent for the
    /// district-wide set.
    #[serde(default)]
    pub body: Option<String>,
    /// For an override: the rule set it extends (its record types and procedures are inherited;
    /// entries with the same id replace the inherited ones).
    #[serde(default)]
    pub extends: Option<String>,
    /// Requirement IDs.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Source document.
    #[serde(default)]
    pub citation: String,
}

fn one() -> u32 {
    1
}

/// A refusal message with its citation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageSpec {
    /// Chinese message shown to the user.
    pub message: String,
    /// Requirement IDs.
    pub requires: Vec<String>,
    /// Article.
    #[serde(default)]
    pub citation: String,
}

/// 文字记录 or 音像记录 (R3-a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKindSpec {
    /// 文字记录.
    Text,
    /// 音像记录 (R27 metadata required).
    Av,
}

/// A record type: what an officer (or head, reviewer, …) can record, with its required fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordTypeSpec {
    /// Identifier, `[a-z0-9_]`, e.g. `r10_1_questioning_party`.
    pub id: String,
    /// Chinese name, e.g. `询问当事人`.
    pub name: String,
    /// Text or A/V.
    pub kind: RecordKindSpec,
    /// Subtype label (R3-b/R3-c), e.g. `行政执法文书`, `证据材料`, `录像`.
    #[serde(default)]
    pub subtype: String,
    /// Requirement IDs.
    pub requires: Vec<String>,
    /// Article.
    pub citation: String,
    /// Roles that may enter it (`OFFICER`, `UNIT_HEAD`, `AGENCY_HEAD`, …). Deny by default.
    pub roles: Vec<String>,
    /// Fields of the record's `data`.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// Minimum number of distinct officers with valid credentials named in the field `officers`
    /// (行政处罚法 第四十二条: 不得少于两人). 0 means no check.
    #[serde(default)]
    pub min_officers: u32,
    /// The act requires full-process A/V (R5-a): the record must link A/V records of the case
    /// (field `av_records`) before it can be entered as completed.
    #[serde(default)]
    pub needs_av: bool,
    /// The document type this record must link (R10-b), if any.
    #[serde(default)]
    pub document: Option<String>,
    /// Effects on the case when recorded.
    #[serde(default)]
    pub effects: EffectsSpec,
}

/// What recording a record type does to the case state.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffectsSpec {
    /// Flags set on the case (e.g. `hearing_held`, `review_required`, `on_the_spot`).
    #[serde(default)]
    pub set_flags: Vec<String>,
    /// Flags cleared.
    #[serde(default)]
    pub clear_flags: Vec<String>,
    /// Flags set from boolean fields of the record: `{ field = "needs_hearing", flag = "hearing_requested" }`.
    #[serde(default)]
    pub flags_from_fields: Vec<FlagFromField>,
    /// The case moves to this stage once the record is entered.
    #[serde(default)]
    pub advance_to: Option<String>,
    /// The record initiates the case (R7-a/R8-a/R9-a) when this field has one of these values;
    /// with other values the case ends as not initiated (R8-b, R9-b).
    #[serde(default)]
    pub initiates_when: Option<FieldCondition>,
    /// The record closes the case (结案).
    #[serde(default)]
    pub closes: bool,
    /// The record marks execution as concluded (执行终结, R23-a): starts the R29 clock.
    #[serde(default)]
    pub execution_concluded_when: Option<FieldCondition>,
}

/// Sets a case flag from a boolean field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagFromField {
    /// Boolean field name.
    pub field: String,
    /// Case flag set when the field is true.
    pub flag: String,
}

/// `field` has one of `values`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldCondition {
    /// Field name.
    pub field: String,
    /// Accepted values.
    pub values: Vec<String>,
}

/// Type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text (≤ 500 chars).
    Text,
    /// Long text (≤ 20,000 chars).
    LongText,
    /// Whole number.
    Integer,
    /// Money in 分 (integer), e.g. 罚款金额.
    AmountFen,
    /// Boolean.
    Bool,
    /// Date `YYYY-MM-DD` (Asia/Shanghai).
    Date,
    /// Date-time, RFC 3339 with offset.
    DateTime,
    /// One of `values`.
    Enum,
    /// A party (当事人): natural person or organisation, with the R8-a(3) sub-fields.
    Party,
    /// A person (name, id type, id number, contact…), e.g. witness, recipient.
    Person,
    /// One officer id (registered, credential valid on the event date).
    Officer,
    /// A list of officer ids.
    Officers,
    /// A reference to an earlier record of the same case (its seq).
    RecordRef,
    /// A list of references to earlier records of the same case.
    RecordRefs,
    /// A document number (文号).
    DocNumber,
    /// A list of objects with `item_fields`.
    List,
    /// An object with `item_fields`.
    Object,
}

/// A field of a record type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Name in `data` (`[a-z0-9_]`).
    pub name: String,
    /// Chinese label, used in refusals: `缺少必填项：启动原因`.
    pub label: String,
    /// Type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Required (default true). Required only when `when` holds, if given.
    #[serde(default = "yes")]
    pub required: bool,
    /// Condition that makes a field required (e.g. 不予受理 → reasons required).
    #[serde(default)]
    pub when: Option<FieldCondition>,
    /// Allowed values for `enum`.
    #[serde(default)]
    pub values: Vec<String>,
    /// For `list` and `object`: the fields of each item.
    #[serde(default)]
    pub item_fields: Vec<FieldSpec>,
    /// For `record_ref(s)`: the record types that may be referenced.
    #[serde(default)]
    pub ref_types: Vec<String>,
    /// Requirement IDs that demand this field (default: the record type's).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Help text shown under the field in forms (Chinese): what to write, and the article that
    /// asks for it. Empty when the label says enough.
    #[serde(default)]
    pub help: String,
}

fn yes() -> bool {
    true
}

/// A procedure: the stages of one action kind (and variant) and what may be recorded in each.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureSpec {
    /// Identifier, e.g. `penalty_ordinary`.
    pub id: String,
    /// Chinese name, e.g. `行政处罚普通程序`.
    pub name: String,
    /// Action kind (R2-a): `penalty`, `coercion`, `compulsory_execution`, `inspection`,
    /// `expropriation`, `licensing`, `other`.
    pub action: String,
    /// Requirement IDs.
    pub requires: Vec<String>,
    /// Article.
    pub citation: String,
    /// Record types that can open a case of this procedure (R7/R8/R9 intake records).
    pub start: Vec<String>,
    /// Stages in order.
    pub stages: Vec<StageSpec>,
    /// Record types allowed in every stage (notes, A/V, evidence, supersede, void…).
    #[serde(default)]
    pub any_stage: Vec<String>,
    /// Gates.
    #[serde(default)]
    pub gates: Vec<GateSpec>,
    /// Deadline clocks.
    #[serde(default)]
    pub deadlines: Vec<DeadlineSpec>,
    /// Legal review required by default for cases of this procedure (L4-a: every penalty unless
    /// on the spot). Evaluated by the legal-review hook.
    #[serde(default)]
    pub review_required: bool,
}

/// A stage (R3-a: 启动 / 调查取证 / 审核决定 / 送达执行 / 归档).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    /// `initiation`, `investigation`, `decision`, `delivery_execution`, `archive`.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Record types allowed in this stage.
    pub record_types: Vec<String>,
    /// Record types that must exist before the case leaves this stage (R4-c).
    #[serde(default)]
    pub mandatory: Vec<String>,
}

/// A gate: before `before` can be recorded, `check` must hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSpec {
    /// Identifier.
    pub id: String,
    /// The record type the gate guards.
    pub before: String,
    /// The condition.
    pub check: GateCheck,
    /// Chinese refusal message.
    pub message: String,
    /// Requirement IDs.
    pub requires: Vec<String>,
    /// Article.
    pub citation: String,
}

/// Conditions a gate can check, as data. Code-backed checks are named (`code = "legal_review"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum GateCheck {
    /// Every listed record type exists in the case (not voided).
    RecordsExist(Vec<String>),
    /// If a record of `if_record` exists, one of `then_any` must exist too (R14-c).
    IfRecordThen {
        /// Trigger record type.
        if_record: String,
        /// Any of these satisfies the gate.
        then_any: Vec<String>,
    },
    /// If the case flag is set, one of `then_any` must exist (R16-c, R16-d).
    IfFlagThen {
        /// Case flag.
        flag: String,
        /// Any of these satisfies the gate.
        then_any: Vec<String>,
    },
    /// The case flag must not be set.
    FlagNotSet(String),
    /// A check implemented in code, by name: `legal_review` (L2-a hook),
    /// `statement_period_passed` (R14-b/I14), `av_coverage` (R5-a).
    Code(String),
}

/// A deadline clock: starts at the event date of `from`, met by `until`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineSpec {
    /// Obligation key, e.g. `decision`.
    pub key: String,
    /// Period name from the calendar's period table (`rules/periods.toml`).
    pub period: String,
    /// Record type whose event date starts the clock (or `case_opened`).
    pub from: String,
    /// Record types that meet the obligation.
    pub until: Vec<String>,
}
