//! Cases: the folded view of a case stream and the pure checks a new record must pass (stage
//! rules R3-a/R4-c, record references, gates). The service (`crate::service`) does the I/O
//! around them; everything here is deterministic so that live projections equal rebuilt ones.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};

use crate::error::{CoreError, Refusal};
use crate::ids::{BodyId, CaseId, PowerItemId, RequirementId, StreamSeq, UserId};
use crate::record::Record;
use crate::role::Role;
use crate::rules::fields::{CONFIDENTIALITY_FIELD, parse_date, record_refs};
use crate::rules::schema::{FieldType, ProcedureSpec, RecordKindSpec, RecordTypeSpec};
use crate::rules::{RuleBook, RuleSet};

/// Built-in record types of case streams.
pub mod types {
    /// First record of every case stream: procedure, numbers, title (written by `open_case`).
    pub const CASE_OPENED: &str = "sys_case_opened";
    /// 作废 — voids an earlier record with a reason (R4-a: void, never delete).
    pub const VOID: &str = "sys_void";
    /// 查阅申请 — a party's request to inspect records (R30-a).
    pub const ACCESS_REQUEST: &str = "sys_access_request";
    /// The head's decision on an access request (R30-a, R30-b).
    pub const ACCESS_DECISION: &str = "sys_access_decision";
}

/// Flags the engine itself reads (see the note at the top of `rules/schema.rs`).
pub mod flags {
    /// L4-e manual mark, or any other trigger: legal review required.
    pub const REVIEW_REQUIRED: &str = "review_required";
    /// A passing legal review is recorded (L2-a; the default gate's condition).
    pub const REVIEW_PASSED: &str = "review_passed";
    /// 简易程序 / 当场处罚: no procedure-level review.
    pub const ON_THE_SPOT: &str = "on_the_spot";
    /// R15-c: a hearing was held, review becomes required.
    pub const HEARING_HELD: &str = "hearing_held";
    /// R14-b: the party's response (or waiver, or expiry) is recorded.
    pub const STATEMENT_CLOSED: &str = "statement_closed";
    /// R8-b / R9-b: an initiating record's condition failed (set by the engine).
    pub const NOT_INITIATED: &str = "not_initiated";
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Open (立案 or intake recorded and accepted).
    Open,
    /// Ended without initiation (不予受理 / 不予立案 / 不启动, R7-a, R8-b, R9-b).
    NotInitiated,
    /// 结案.
    Closed,
}

impl CaseStatus {
    /// Storage code (projection `status`).
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::NotInitiated => "not_initiated",
            CaseStatus::Closed => "closed",
        }
    }
}

/// Data of the built-in `sys_case_opened` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOpened {
    /// Procedure id of the rule set.
    pub procedure: String,
    /// Action kind (R2-a).
    pub action: String,
    /// 案号.
    pub case_number: String,
    /// Title.
    pub title: String,
    /// Power item, if any.
    #[serde(default)]
    pub power_item: Option<PowerItemId>,
    /// Enforcement domain (from the power item); officers' credentials must cover it.
    #[serde(default)]
    pub domain: Option<String>,
    /// Whether the procedure requires legal review by default (L4-a).
    #[serde(default)]
    pub review_required: bool,
}

/// One record of a case, summarised for rules and lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// Sequence number.
    pub seq: StreamSeq,
    /// Record type.
    pub record_type: String,
    /// Text or A/V.
    pub av: bool,
    /// Event time.
    #[serde(with = "time::serde::rfc3339")]
    pub event_time: OffsetDateTime,
    /// Event end.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub event_end: Option<OffsetDateTime>,
    /// Entry time.
    #[serde(with = "time::serde::rfc3339")]
    pub entry_time: OffsetDateTime,
    /// Who entered it.
    pub user: UserId,
    /// In which role.
    pub role: Role,
    /// The record that superseded this one (R4-a).
    pub superseded_by: Option<StreamSeq>,
    /// Voided (R4-a), by which record.
    pub voided_by: Option<StreamSeq>,
    /// Confidentiality label (R30-d).
    pub confidentiality: String,
    /// Document number assigned (R26-b).
    pub doc_number: Option<String>,
    /// `period_end` field (R14-b 期满未提出), if present.
    pub period_end: Option<Date>,
    /// Flags this record set.
    pub sets_flags: Vec<String>,
    /// Officers named in it.
    pub officers: Vec<String>,
}

/// P6: a text record entered more than this long after its event is a late entry (R4-d).
pub const P6_LATE_ENTRY: time::Duration = time::Duration::hours(24);

impl RecordSummary {
    /// Whether this is a late entry (R4-d): a text record entered more than P6 after its event
    /// — after the event's end, for an activity with one.
    pub fn late_entry(&self) -> bool {
        !self.av && self.entry_time - self.event_end.unwrap_or(self.event_time) > P6_LATE_ENTRY
    }

    /// Whether the record still counts (not superseded, not voided).
    pub fn is_effective(&self) -> bool {
        self.superseded_by.is_none() && self.voided_by.is_none()
    }

    /// The event date in Asia/Shanghai (T1).
    pub fn event_date(&self) -> Date {
        self.event_time.to_offset(crate::CHINA_OFFSET).date()
    }
}

/// An R30 access request and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestView {
    /// Seq of the request record.
    pub request_seq: StreamSeq,
    /// Requester name.
    pub requester: String,
    /// Records requested.
    pub records: Vec<StreamSeq>,
    /// Purpose.
    pub purpose: String,
    /// Decision, once made.
    pub decision: Option<AccessDecisionData>,
    /// Date of the decision (start of the P10 window).
    pub decided_on: Option<Date>,
}

/// Data of `sys_access_request` (R30-a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRequestData {
    /// Requester's name.
    pub requester: String,
    /// Identity document type.
    pub id_type: String,
    /// Identity document number.
    pub id_number: String,
    /// 当事人 or 委托代理人 (with power of attorney).
    pub capacity: String,
    /// Records requested (seqs of this case).
    pub records: Vec<StreamSeq>,
    /// Purpose.
    pub purpose: String,
}

/// The head's decision on an access request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessOutcome {
    /// 同意.
    Approve,
    /// 部分同意.
    Partial,
    /// 不同意.
    Refuse,
}

/// Data of `sys_access_decision` (R30-a, R30-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessDecisionData {
    /// The request decided.
    pub request: StreamSeq,
    /// Outcome.
    pub outcome: AccessOutcome,
    /// Records opened to the requester.
    pub approved: Vec<StreamSeq>,
    /// Labelled records excluded (the head confirms the list, R30-b).
    pub excluded: Vec<StreamSeq>,
    /// Reasons.
    pub reasons: String,
    /// Whether downloading is allowed (R30-c).
    #[serde(default)]
    pub download: bool,
}

/// The folded state of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// Id.
    pub id: CaseId,
    /// 案号.
    pub case_number: String,
    /// Body.
    pub body: BodyId,
    /// Procedure id.
    pub procedure: String,
    /// Action kind.
    pub action: String,
    /// Power item.
    pub power_item: Option<PowerItemId>,
    /// Domain for credential checks.
    pub domain: Option<String>,
    /// Title.
    pub title: String,
    /// Status.
    pub status: CaseStatus,
    /// Current stage id.
    pub stage: String,
    /// Case flags.
    pub flags: BTreeSet<String>,
    /// Procedure-level review requirement (L4-a).
    pub procedure_review_required: bool,
    /// Date of the intake event (立案 / 受理 date).
    pub opened_on: Date,
    /// 结案 date.
    pub closed_on: Option<Date>,
    /// 执行终结 date (R23-a).
    pub execution_concluded_on: Option<Date>,
    /// Records.
    pub records: Vec<RecordSummary>,
    /// R30 access requests.
    pub access_requests: Vec<AccessRequestView>,
    /// Users and officers on the case (R30-d visibility).
    pub participants: BTreeSet<String>,
    /// Last folded seq.
    pub last_seq: StreamSeq,
    /// The party's name (当事人), from the first record that names one (R8-a(3)), so that staff
    /// can find a case by party. Absent in projections folded before it existed (a rebuild
    /// fills it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// That party's kind: `natural_person` or `organization` (《行政处罚法》第五十一条 sets
    /// different on-the-spot limits for each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_kind: Option<String>,
}

impl CaseView {
    /// Whether an effective record of `record_type` exists.
    pub fn has(&self, record_type: &str) -> bool {
        self.records
            .iter()
            .any(|r| r.is_effective() && r.record_type == record_type)
    }

    /// The summary of `seq`.
    pub fn record(&self, seq: StreamSeq) -> Option<&RecordSummary> {
        self.records.iter().find(|r| r.seq == seq)
    }

    /// The first effective record of a type.
    pub fn first(&self, record_type: &str) -> Option<&RecordSummary> {
        self.records
            .iter()
            .find(|r| r.is_effective() && r.record_type == record_type)
    }

    /// Whether legal review is required: by the procedure (unless on the spot, L4-a), after a
    /// hearing (R15-c), or by a manual mark (L4-e).
    pub fn review_required(&self) -> bool {
        (self.procedure_review_required && !self.flags.contains(flags::ON_THE_SPOT))
            || self.flags.contains(flags::HEARING_HELD)
            || self.flags.contains(flags::REVIEW_REQUIRED)
    }
}

fn corrupt(record: &Record, reason: &str) -> CoreError {
    CoreError::Invalid {
        field: format!("{}#{}", record.stream, record.seq.0),
        reason: reason.to_owned(),
    }
}

/// The party a record names (R8-a(3)): its `party` field, else the first party-shaped value
/// (`{kind, name, …}` with kind `natural_person` or `organization`, e.g. a licence's applicant).
pub fn party_in(data: &Map<String, Value>) -> Option<&Map<String, Value>> {
    let is_party = |members: &&Map<String, Value>| {
        matches!(
            members.get("kind").and_then(Value::as_str),
            Some("natural_person" | "organization")
        ) && members.get("name").is_some_and(Value::is_string)
    };
    data.get("party")
        .and_then(Value::as_object)
        .filter(is_party)
        .or_else(|| data.values().filter_map(Value::as_object).find(is_party))
}

/// The name and kind of the party a record names ([`party_in`]).
fn party_of(data: &Map<String, Value>) -> Option<(String, String)> {
    let party = party_in(data)?;
    let text = |key: &str| party.get(key).and_then(Value::as_str).map(str::to_owned);
    Some((text("name")?, text("kind")?))
}

/// Folds one case-stream record into the view. Pure: the same records and rule book give the
/// same view, live or on rebuild.
pub fn fold_case(
    state: Option<CaseView>,
    record: &Record,
    rules: &RuleBook,
) -> Result<CaseView, CoreError> {
    let case_id = CaseId::new(record.stream.id())?;
    let Some(mut view) = state else {
        if record.record_type.as_str() != types::CASE_OPENED {
            return Err(corrupt(
                record,
                "case stream must start with sys_case_opened",
            ));
        }
        let opened: CaseOpened = serde_json::from_value(Value::Object(record.data.clone()))
            .map_err(|err| corrupt(record, &err.to_string()))?;
        let stage = rules
            .by_id(record.rule_set.as_str(), &record.body)
            .and_then(|set| set.procedure(&opened.procedure))
            .and_then(|p| p.stages.first())
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let mut participants = BTreeSet::new();
        participants.insert(record.actor.user.to_string());
        return Ok(CaseView {
            id: case_id,
            case_number: opened.case_number,
            body: record.body.clone(),
            procedure: opened.procedure,
            action: opened.action,
            power_item: opened.power_item,
            domain: opened.domain,
            title: opened.title,
            status: CaseStatus::Open,
            stage,
            flags: BTreeSet::new(),
            procedure_review_required: opened.review_required,
            opened_on: record.event_time.to_offset(crate::CHINA_OFFSET).date(),
            closed_on: None,
            execution_concluded_on: None,
            records: Vec::new(),
            access_requests: Vec::new(),
            participants,
            last_seq: record.seq,
            party: None,
            party_kind: None,
        });
    };
    if record.seq.0 != view.last_seq.0 + 1 {
        return Err(corrupt(record, "sequence gap in case stream"));
    }
    view.last_seq = record.seq;
    let event_date = record.event_time.to_offset(crate::CHINA_OFFSET).date();
    view.participants.insert(record.actor.user.to_string());
    if let Some(officer) = &record.actor.officer {
        view.participants.insert(officer.to_string());
    }
    match record.record_type.as_str() {
        types::CASE_OPENED => return Err(corrupt(record, "second sys_case_opened")),
        types::VOID => {
            let target = record
                .supersedes
                .ok_or_else(|| corrupt(record, "void without target"))?;
            if let Some(summary) = view.records.iter_mut().find(|r| r.seq == target) {
                summary.voided_by = Some(record.seq);
            }
            push_summary(&mut view, record, None, Vec::new());
            return Ok(view);
        }
        types::ACCESS_REQUEST => {
            let data: AccessRequestData =
                serde_json::from_value(Value::Object(record.data.clone()))
                    .map_err(|err| corrupt(record, &err.to_string()))?;
            view.access_requests.push(AccessRequestView {
                request_seq: record.seq,
                requester: data.requester,
                records: data.records,
                purpose: data.purpose,
                decision: None,
                decided_on: None,
            });
            push_summary(&mut view, record, None, Vec::new());
            return Ok(view);
        }
        types::ACCESS_DECISION => {
            let data: AccessDecisionData =
                serde_json::from_value(Value::Object(record.data.clone()))
                    .map_err(|err| corrupt(record, &err.to_string()))?;
            if let Some(request) = view
                .access_requests
                .iter_mut()
                .find(|r| r.request_seq == data.request)
            {
                request.decision = Some(data);
                request.decided_on = Some(event_date);
            }
            push_summary(&mut view, record, None, Vec::new());
            return Ok(view);
        }
        _ => {}
    }
    // A labelled record (R30-d) does not lend its party to the case's list entry.
    if view.party.is_none()
        && !record.data.contains_key(CONFIDENTIALITY_FIELD)
        && let Some((name, kind)) = party_of(&record.data)
    {
        view.party = Some(name);
        view.party_kind = Some(kind);
    }
    let set = rules
        .by_id(record.rule_set.as_str(), &record.body)
        .ok_or_else(|| corrupt(record, "rule set not loaded"))?;
    let spec = set
        .record_type(record.record_type.as_str())
        .ok_or_else(|| corrupt(record, "unknown record type"))?;
    if let Some(old) = record.supersedes
        && let Some(summary) = view.records.iter_mut().find(|r| r.seq == old)
    {
        summary.superseded_by = Some(record.seq);
    }
    // Effects (schema `EffectsSpec`).
    let effects = &spec.effects;
    let mut set_flags: Vec<String> = effects.set_flags.clone();
    for link in &effects.flags_from_fields {
        if record.data.get(&link.field).and_then(Value::as_bool) == Some(true) {
            set_flags.push(link.flag.clone());
        }
    }
    for flag in &effects.clear_flags {
        view.flags.remove(flag);
    }
    for flag in &set_flags {
        view.flags.insert(flag.clone());
    }
    if let Some(condition) = &effects.initiates_when {
        let value = record
            .data
            .get(&condition.field)
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !condition.values.iter().any(|v| v == value) {
            view.status = CaseStatus::NotInitiated;
            view.flags.insert(flags::NOT_INITIATED.to_owned());
        } else {
            view.opened_on = event_date;
        }
    }
    if let Some(condition) = &effects.execution_concluded_when {
        let value = record
            .data
            .get(&condition.field)
            .and_then(Value::as_str)
            .unwrap_or_default();
        if condition.values.iter().any(|v| v == value) {
            view.execution_concluded_on = Some(event_date);
        }
    }
    if effects.closes {
        // A matter not initiated keeps that status; its closing date starts R29 (I9).
        if view.status != CaseStatus::NotInitiated {
            view.status = CaseStatus::Closed;
        }
        view.closed_on = Some(event_date);
    }
    if let Some(procedure) = set.procedure(&view.procedure)
        && let Some(target) = target_stage(procedure, &view.stage, spec)
    {
        view.stage = target;
    }
    let doc_number = spec
        .fields
        .iter()
        .find(|f| f.field_type == FieldType::DocNumber)
        .and_then(|f| record.data.get(&f.name))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let officers = crate::rules::fields::named_officers(spec, &record.data);
    for officer in &officers {
        view.participants.insert(officer.clone());
    }
    push_summary(&mut view, record, doc_number, set_flags);
    if let Some(summary) = view.records.last_mut() {
        summary.av = spec.kind == RecordKindSpec::Av;
        summary.officers = officers;
    }
    Ok(view)
}

fn push_summary(
    view: &mut CaseView,
    record: &Record,
    doc_number: Option<String>,
    sets_flags: Vec<String>,
) {
    let confidentiality = record
        .data
        .get(CONFIDENTIALITY_FIELD)
        .and_then(Value::as_str)
        .unwrap_or("普通")
        .to_owned();
    let period_end = record
        .data
        .get("period_end")
        .and_then(Value::as_str)
        .and_then(parse_date);
    view.records.push(RecordSummary {
        seq: record.seq,
        record_type: record.record_type.to_string(),
        av: false,
        event_time: record.event_time,
        event_end: record.event_end,
        entry_time: record.entry_time,
        user: record.actor.user.clone(),
        role: record.actor.role,
        superseded_by: None,
        voided_by: None,
        confidentiality,
        doc_number,
        period_end,
        sets_flags,
        officers: Vec::new(),
    });
}

/// The stage a record of `spec` moves the case to, if it moves it forward: the first stage at or
/// after the current one that lists the type, or the record's explicit `advance_to`.
pub fn target_stage(
    procedure: &ProcedureSpec,
    current: &str,
    spec: &RecordTypeSpec,
) -> Option<String> {
    let current_idx = procedure.stages.iter().position(|s| s.id == current)?;
    let mut target = current_idx;
    if !procedure.any_stage.contains(&spec.id)
        && let Some(offset) = procedure.stages[current_idx..]
            .iter()
            .position(|s| s.record_types.contains(&spec.id))
    {
        target = current_idx + offset;
    }
    if let Some(advance) = &spec.effects.advance_to
        && let Some(idx) = procedure.stages.iter().position(|s| &s.id == advance)
        && idx > target
    {
        target = idx;
    }
    (target > current_idx).then(|| procedure.stages[target].id.clone())
}

fn refusal(ids: &[&str], message: String, citation: &str, details: Vec<String>) -> Refusal {
    Refusal {
        ids: ids.iter().map(|id| RequirementId::new(*id)).collect(),
        message,
        citation: citation.to_owned(),
        details,
    }
}

/// Stage rules (R3-a, R4-c): the record type must be allowed in the current stage, a later stage
/// (the case moves forward once the current and skipped stages' mandatory records exist), or in
/// every stage. Supersessions and closed-case rules are checked by the caller.
pub fn check_stage(
    view: &CaseView,
    set: &RuleSet,
    procedure: &ProcedureSpec,
    spec: &RecordTypeSpec,
) -> Result<(), Refusal> {
    if procedure.any_stage.contains(&spec.id) {
        return Ok(());
    }
    if view.status == CaseStatus::NotInitiated {
        // R8-b / R9-b: a matter not initiated takes only its notification, closure (any_stage)
        // and archiving (the last stage, R29 with I9), never investigation or decision records.
        let archiving = procedure
            .stages
            .last()
            .is_some_and(|s| s.record_types.contains(&spec.id));
        if archiving {
            return Ok(());
        }
        return Err(set.refusal(
            "case_not_initiated",
            &["R8-b", "R9-b"],
            "该事项未立案，程序已终结，不能再录入执法记录",
            vec![view.status.code().to_owned()],
        ));
    }
    let Some(current_idx) = procedure.stages.iter().position(|s| s.id == view.stage) else {
        return Err(refusal(
            &["R3-a"],
            format!("案件阶段无效：{}", view.stage),
            "",
            vec![],
        ));
    };
    let Some(offset) = procedure.stages[current_idx..]
        .iter()
        .position(|s| s.record_types.contains(&spec.id))
    else {
        return Err(set.refusal(
            "stage_refused",
            &["R3-a", "R4-c"],
            &format!(
                "当前阶段（{}）不能录入「{}」",
                procedure.stages[current_idx].name, spec.name
            ),
            vec![view.stage.clone()],
        ));
    };
    let target = target_stage(procedure, &view.stage, spec)
        .and_then(|id| procedure.stages.iter().position(|s| s.id == id))
        .unwrap_or(current_idx + offset);
    let mut missing = Vec::new();
    for stage in &procedure.stages[current_idx..target] {
        for mandatory in &stage.mandatory {
            if !view.has(mandatory) && mandatory != &spec.id && !missing.contains(mandatory) {
                missing.push(mandatory.clone());
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing
        .iter()
        .map(|id| {
            set.record_type(id)
                .map_or_else(|| id.clone(), |t| t.name.clone())
        })
        .collect();
    Err(set.refusal(
        "mandatory_missing",
        &["R4-c"],
        &format!("本阶段必备记录缺失，不能进入下一阶段：{}", names.join("、")),
        missing,
    ))
}

/// Checks references to earlier records (`record_ref(s)` fields, R16-b, R5-a): they must exist in
/// this case, be effective, and be of an allowed type.
pub fn check_refs(
    view: &CaseView,
    spec: &RecordTypeSpec,
    data: &Map<String, Value>,
) -> Result<(), CoreError> {
    for (field, seq) in record_refs(spec, data) {
        let Some(target) = view.record(StreamSeq(seq)) else {
            return Err(CoreError::Invalid {
                field: field.name.clone(),
                reason: format!("本案没有序号为 {seq} 的记录"),
            });
        };
        if !target.is_effective() {
            return Err(CoreError::Invalid {
                field: field.name.clone(),
                reason: format!("记录 {seq} 已被更正或作废"),
            });
        }
        if !field.ref_types.is_empty() && !field.ref_types.contains(&target.record_type) {
            return Err(CoreError::Invalid {
                field: field.name.clone(),
                reason: format!("记录 {seq} 的类型 {} 不在允许的类型中", target.record_type),
            });
        }
    }
    Ok(())
}

/// The A/V coverage check of R5-a: the A/V records `refs` cover `[start, end]` with no gap longer
/// than `max_gap` (P2 = 60 s) — at the start, between recordings, or at the end. Returns the
/// first uncovered gap's start, if any.
pub fn av_gap(
    view: &CaseView,
    refs: &[StreamSeq],
    start: OffsetDateTime,
    end: OffsetDateTime,
    max_gap: time::Duration,
) -> Option<OffsetDateTime> {
    let mut intervals: Vec<(OffsetDateTime, OffsetDateTime)> = refs
        .iter()
        .filter_map(|seq| view.record(*seq))
        .filter(|r| r.av && r.is_effective())
        .map(|r| (r.event_time, r.event_end.unwrap_or(r.event_time)))
        .collect();
    intervals.sort();
    let mut covered_to = start;
    for (from, to) in intervals {
        if to < covered_to {
            continue;
        }
        if from - covered_to > max_gap {
            return Some(covered_to);
        }
        if to > covered_to {
            covered_to = to;
        }
        if covered_to >= end {
            return None;
        }
    }
    if end - covered_to > max_gap {
        Some(covered_to)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn view_with_av(intervals: &[(OffsetDateTime, OffsetDateTime)]) -> CaseView {
        let mut view = CaseView {
            id: CaseId::new("c").unwrap(),
            case_number: String::new(),
            body: BodyId::new("b").unwrap(),
            procedure: String::new(),
            action: String::new(),
            power_item: None,
            domain: None,
            title: String::new(),
            status: CaseStatus::Open,
            stage: String::new(),
            flags: BTreeSet::new(),
            procedure_review_required: false,
            opened_on: time::macros::date!(2024 - 10 - 08),
            closed_on: None,
            execution_concluded_on: None,
            records: Vec::new(),
            access_requests: Vec::new(),
            participants: BTreeSet::new(),
            last_seq: StreamSeq(1),
            party: None,
            party_kind: None,
        };
        for (idx, (from, to)) in intervals.iter().enumerate() {
            view.records.push(RecordSummary {
                seq: StreamSeq(idx as u64 + 2),
                record_type: "av".into(),
                av: true,
                event_time: *from,
                event_end: Some(*to),
                entry_time: *to,
                user: UserId::new("u").unwrap(),
                role: Role::Officer,
                superseded_by: None,
                voided_by: None,
                confidentiality: "普通".into(),
                doc_number: None,
                period_end: None,
                sets_flags: vec![],
                officers: vec![],
            });
        }
        view
    }

    fn check_gap(intervals: &[(OffsetDateTime, OffsetDateTime)], expect_gap: bool) {
        let view = view_with_av(intervals);
        let refs: Vec<StreamSeq> = view.records.iter().map(|r| r.seq).collect();
        let gap = av_gap(
            &view,
            &refs,
            datetime!(2024-10-08 09:00 +8),
            datetime!(2024-10-08 10:00 +8),
            time::Duration::seconds(60),
        );
        assert_eq!(gap.is_some(), expect_gap, "{intervals:?} → {gap:?}");
    }

    #[test]
    fn av_coverage_allows_gaps_up_to_p2_only() {
        check_gap(
            &[(
                datetime!(2024-10-08 08:59 +8),
                datetime!(2024-10-08 10:01 +8),
            )],
            false,
        );
        check_gap(
            &[
                (
                    datetime!(2024-10-08 09:00 +8),
                    datetime!(2024-10-08 09:30 +8),
                ),
                (
                    datetime!(2024-10-08 09:31 +8),
                    datetime!(2024-10-08 10:00 +8),
                ),
            ],
            false,
        );
        check_gap(
            &[
                (
                    datetime!(2024-10-08 09:00 +8),
                    datetime!(2024-10-08 09:30 +8),
                ),
                (
                    datetime!(2024-10-08 09:31:01 +8),
                    datetime!(2024-10-08 10:00 +8),
                ),
            ],
            true,
        );
        check_gap(
            &[(
                datetime!(2024-10-08 09:02 +8),
                datetime!(2024-10-08 10:00 +8),
            )],
            true,
        );
        check_gap(
            &[(
                datetime!(2024-10-08 09:00 +8),
                datetime!(2024-10-08 09:58 +8),
            )],
            true,
        );
        check_gap(&[], true);
    }
}
