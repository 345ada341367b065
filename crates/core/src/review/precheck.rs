//! The automated pre-checks of the review screen (L7-b): what the platform can verify itself of
//! checklist points L7.1 (lawful subject), L7.2 (officers qualified), L7.3 (lawful procedure),
//! L7.6 (within statutory authority) and L7.7 (documents complete and numbered).
//!
//! Pre-checks are advisory: they never decide an answer of the nine-point checklist (L7-a) and
//! never block a record — the reviewer reads them beside the case file. Each gives a status
//! (通过 / 不通过 / 不适用) and findings, each finding with the requirement IDs it rests on and,
//! where one record is concerned, its sequence number.
//!
//! Most checks repeat at review time what the engine enforced at entry (credentials D7-a,
//! A/V coverage R5-a, stage order R4-c), because what held then may not hold now: a covering
//! A/V record or a mandatory record may have been voided since (R4-a), a credential suspended
//! with effect before an act, an entrustment shortened. Others exist only here: the late-entry
//! flag (R4-d), the 出示执法证件 answers (D7-a), postal service without a return receipt
//! (R19-b), the 涉案金额 limit of the power item (L7.6).
//!
//! [`run`] is pure: the service gathers the case, its records, the registry entries and the
//! catalogue, and the same inputs always give the same report. Finding texts are composed from
//! the case's data, so they are written here rather than as fixed `[messages]` of the rule set.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use time::{Date, OffsetDateTime};

use super::catalogue::AmountLimit;
use super::types as review_types;
use crate::case::{CaseStatus, CaseView, RecordSummary, av_gap};
use crate::gates::AV_MAX_GAP;
use crate::ids::{CaseId, RequirementId, StreamSeq};
use crate::record::Record;
use crate::registry::{
    self, BodyKind, BodyView, Credential, CredentialStatus, CredentialStatusChange, OfficerView,
    PowerItemView,
};
use crate::rules::RuleSet;
use crate::rules::schema::{GateCheck, ProcedureSpec};

/// Record type of a head's reasoned exception to a mandatory record or to A/V coverage (R4-c,
/// R5-a).
const STAGE_EXCEPTION: &str = "stage_exception";
/// `stage_exception.kind` for a missing mandatory record (R4-c).
const EXCEPTION_MANDATORY: &str = "必备记录缺失";
/// `stage_exception.kind` for incomplete full-process A/V (R5-a).
const EXCEPTION_AV: &str = "全程音像记录不完整";
/// The notice of the rights to statement and defence; it must be served (R14-b, R17-a).
const STATEMENT_NOTICE: &str = "r14_statement_notice";
/// Service by post, complete only with its return receipt (R19-b).
const POSTAL_DELIVERY: &str = "r19_postal_delivery";
/// The return receipt of a service by post (R19-b).
const POSTAL_RECEIPT: &str = "r19_postal_receipt";
/// Requirement every service record type cites (R17-a); with a `document_refs` field it marks
/// the service record types of the rule set.
const SERVICE_REQUIREMENT: &str = "R17-a";

/// Outcome of one pre-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrecheckStatus {
    /// 通过: nothing found.
    Passed,
    /// 不通过: at least one finding for the reviewer to look at.
    Failed,
    /// 不适用: nothing to check (no officers named, no limit configured, no documents).
    NotApplicable,
}

impl PrecheckStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PrecheckStatus::Passed => "passed",
            PrecheckStatus::Failed => "failed",
            PrecheckStatus::NotApplicable => "not_applicable",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            PrecheckStatus::Passed => "通过",
            PrecheckStatus::Failed => "不通过",
            PrecheckStatus::NotApplicable => "不适用",
        }
    }
}

/// One finding of a pre-check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrecheckFinding {
    /// Requirement IDs it rests on (e.g. `D7-a`, `R4-d`).
    pub ids: Vec<RequirementId>,
    /// What was found, in Chinese.
    pub message: String,
    /// The record concerned, if one is.
    pub record: Option<StreamSeq>,
    /// Whether it makes the pre-check 不通过. A note (false) records something the reviewer
    /// should see that the rules allow: a head's approved exception (R4-c, R5-a), leaving
    /// service without a witness's signature (R20-a).
    pub fails: bool,
}

/// One pre-check (one checklist point).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Precheck {
    /// `L7.1`, `L7.2`, `L7.3`, `L7.6` or `L7.7`.
    pub point: String,
    /// The checklist point's wording (L7-a).
    pub title: String,
    /// What the platform checked, in Chinese.
    pub scope: String,
    /// Outcome.
    pub status: PrecheckStatus,
    /// Findings (failures and notes).
    pub findings: Vec<PrecheckFinding>,
}

/// The pre-checks of a case's review (L7-b).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrecheckReport {
    /// The case.
    pub case_id: CaseId,
    /// The current submission, if the case was submitted (L6-a).
    pub submission: Option<StreamSeq>,
    /// Its round (L10-b).
    pub round: Option<u32>,
    /// When the checks ran (the state of the case then).
    #[serde(with = "time::serde::rfc3339")]
    pub checked_at: OffsetDateTime,
    /// L7.1, L7.2, L7.3, L7.6, L7.7, in that order.
    pub checks: Vec<Precheck>,
}

/// An officer's registry entry with the records of its stream, so that a credential's status
/// can be taken as it was on an act's date (a suspension or revocation counts from the date it
/// was recorded, not backwards).
#[derive(Debug, Clone)]
pub struct OfficerFacts {
    /// The officer's projection (body, name).
    pub view: OfficerView,
    /// The `officer/<id>` stream.
    pub records: Vec<Record>,
}

impl OfficerFacts {
    /// Whether some credential was valid on `date` for `domain` (D7-a): within its validity
    /// dates, covering the domain, and 有效 as of that date — the latest status change recorded
    /// on or before it, else the status it was issued with.
    pub fn valid_on(&self, date: Date, domain: Option<&str>) -> bool {
        let mut credentials: Vec<(Credential, Vec<(Date, CredentialStatus)>)> = Vec::new();
        for record in &self.records {
            let data = Value::Object(record.data.clone());
            match record.record_type.as_str() {
                registry::types::CREDENTIAL_ISSUED => {
                    if let Ok(credential) = serde_json::from_value::<Credential>(data) {
                        credentials.retain(|(c, _)| c.number != credential.number);
                        credentials.push((credential, Vec::new()));
                    }
                }
                registry::types::CREDENTIAL_STATUS_CHANGED => {
                    if let Ok(change) = serde_json::from_value::<CredentialStatusChange>(data)
                        && let Some((_, changes)) = credentials
                            .iter_mut()
                            .find(|(c, _)| c.number == change.number)
                    {
                        let on = record.event_time.to_offset(crate::CHINA_OFFSET).date();
                        changes.push((on, change.status));
                    }
                }
                _ => {}
            }
        }
        credentials.iter().any(|(credential, changes)| {
            let status = changes
                .iter()
                .rev()
                .find(|(on, _)| *on <= date)
                .map_or(credential.status, |(_, status)| *status);
            Credential {
                status,
                ..credential.clone()
            }
            .valid_for(date, domain)
        })
    }
}

/// What the pre-checks read.
pub struct PrecheckInput<'a> {
    /// The case as it stands.
    pub case: &'a CaseView,
    /// Its records (full data), in order.
    pub records: &'a [Record],
    /// The rule set of the case.
    pub set: &'a RuleSet,
    /// The case's body.
    pub body: &'a BodyView,
    /// The case's power item, if it has one and it is registered.
    pub power_item: Option<&'a PowerItemView>,
    /// Every officer named on the case or acting in it, by id (absent: not registered).
    pub officers: &'a BTreeMap<String, OfficerFacts>,
    /// The 涉案金额 limit of the power item in the review body's catalogue, if any (L7.6).
    pub amount_limit: Option<&'a AmountLimit>,
    /// The day the checks run: the proposed decision date for the delegation period (D4-e).
    pub today: Date,
}

/// A failing finding with a text that is already rule data (a gate's message).
fn finding(ids: &[&str], message: String, record: Option<StreamSeq>) -> PrecheckFinding {
    PrecheckFinding {
        ids: ids.iter().map(|id| RequirementId::new(*id)).collect(),
        message,
        record,
        fails: true,
    }
}

/// A value put into a finding's text.
type Arg<'v> = (&'static str, &'v dyn std::fmt::Display);

/// `template` with every `{name}` replaced by the value of `name` in `args`, in one pass (a
/// value that itself contains braces is not expanded again); unknown names stay as written.
fn fill(template: &str, args: &[Arg<'_>]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) => {
                match args.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl PrecheckInput<'_> {
    /// A finding that makes the pre-check 不通过: the rule set's `[messages.<key>]` text with its
    /// `{name}` placeholders filled from `args`, and that message's requirement IDs (rules are
    /// data: the texts and their citations live in the rule set, not here). A key the set does
    /// not define — which a content test rules out for the shipped set — still yields a finding
    /// under L7-b, its text the key itself.
    fn finding(&self, key: &str, args: &[Arg<'_>], record: Option<StreamSeq>) -> PrecheckFinding {
        let spec = self.set.messages.get(key);
        PrecheckFinding {
            ids: spec.map_or_else(
                || vec![RequirementId::new("L7-b")],
                |spec| spec.requires.iter().map(RequirementId::new).collect(),
            ),
            message: spec.map_or_else(|| key.to_owned(), |spec| fill(&spec.message, args)),
            record,
            fails: true,
        }
    }

    /// [`PrecheckInput::finding`] for a note the reviewer should see that the rules allow.
    fn note(&self, key: &str, args: &[Arg<'_>], record: Option<StreamSeq>) -> PrecheckFinding {
        PrecheckFinding {
            fails: false,
            ..self.finding(key, args, record)
        }
    }
}

fn precheck(
    point: &str,
    title: &str,
    scope: &str,
    applicable: bool,
    findings: Vec<PrecheckFinding>,
) -> Precheck {
    let status = if findings.iter().any(|f| f.fails) {
        PrecheckStatus::Failed
    } else if applicable {
        PrecheckStatus::Passed
    } else {
        PrecheckStatus::NotApplicable
    };
    Precheck {
        point: point.to_owned(),
        title: title.to_owned(),
        scope: scope.to_owned(),
        status,
        findings,
    }
}

/// Runs the pre-checks of L7-b on a case.
pub fn run(input: &PrecheckInput<'_>) -> Vec<Precheck> {
    let procedure = input.set.procedure(&input.case.procedure);
    vec![
        subject(input),
        officers(input),
        procedure_check(input, procedure),
        authority(input),
        documents(input, procedure),
    ]
}

impl PrecheckInput<'_> {
    fn name(&self, record_type: &str) -> String {
        self.set
            .record_type(record_type)
            .map_or_else(|| record_type.to_owned(), |spec| spec.name.clone())
    }

    fn record(&self, seq: StreamSeq) -> Option<&Record> {
        self.records.iter().find(|r| r.seq == seq)
    }

    /// Effective records of the handling of the case: not built-in, not the review workflow's
    /// own (the review is not an enforcement act).
    fn acts(&self) -> impl Iterator<Item = &RecordSummary> {
        self.case.records.iter().filter(|r| {
            r.is_effective()
                && !r.record_type.starts_with("sys_")
                && !review_types::WORKFLOW.contains(&r.record_type.as_str())
        })
    }

    fn effective(&self, record_type: &str) -> impl Iterator<Item = &RecordSummary> {
        self.case
            .records
            .iter()
            .filter(move |r| r.is_effective() && r.record_type == record_type)
    }

    /// The effective `stage_exception` records of `kind` with their data.
    fn exceptions(&self, kind: &str) -> Vec<&Record> {
        self.effective(STAGE_EXCEPTION)
            .filter_map(|summary| self.record(summary.seq))
            .filter(|record| text(record, "kind") == kind)
            .collect()
    }
}

fn text<'r>(record: &'r Record, field: &str) -> &'r str {
    record
        .data
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn seqs(record: &Record, field: &str) -> Vec<StreamSeq> {
    match record.data.get(field) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_u64)
            .map(StreamSeq)
            .collect(),
        Some(value) => value.as_u64().map(StreamSeq).into_iter().collect(),
        None => Vec::new(),
    }
}

/// L7.1: the body holds the case's power item (D4-b), or, for an entrusted organisation, an
/// entrustment of the delegating body covers the item on every act date and on the day of the
/// check, the proposed decision date (D4-e, R2-b).
fn subject(input: &PrecheckInput<'_>) -> Precheck {
    let case = input.case;
    let mut findings = Vec::new();
    match (&case.power_item, input.power_item) {
        (None, _) => findings.push(input.finding("precheck_no_power_item", &[], None)),
        (Some(id), None) => {
            findings.push(input.finding("precheck_power_item_unregistered", &[("id", id)], None))
        }
        (Some(id), Some(item)) => {
            if item.item.action != case.action {
                findings.push(input.finding(
                    "precheck_power_item_action",
                    &[
                        ("item", &item.item.name),
                        ("item_action", &item.item.action),
                        ("case_action", &case.action),
                    ],
                    None,
                ));
            }
            match (input.body.profile.kind, &input.body.profile.entrustment) {
                (BodyKind::Entrusted, None) => {
                    findings.push(input.finding("precheck_no_entrustment", &[], None))
                }
                (BodyKind::Entrusted, Some(entrustment)) => {
                    if item.body != entrustment.delegating_body {
                        findings.push(input.finding(
                            "precheck_item_not_of_delegating_body",
                            &[
                                ("item", &item.item.name),
                                ("body", &entrustment.delegating_body),
                            ],
                            None,
                        ));
                    }
                    if !entrustment.matters.iter().any(|m| m == id.as_str()) {
                        findings.push(input.finding(
                            "precheck_item_not_entrusted",
                            &[("item", &item.item.name)],
                            None,
                        ));
                    }
                    let (from, to) = (entrustment.period_from, entrustment.period_to);
                    let outside = |date: Date| date < from || to < date;
                    for act in input.acts().filter(|act| outside(act.event_date())) {
                        findings.push(input.finding(
                            "precheck_act_outside_entrustment",
                            &[
                                ("act", &input.name(&act.record_type)),
                                ("date", &act.event_date()),
                                ("from", &from),
                                ("to", &to),
                            ],
                            Some(act.seq),
                        ));
                    }
                    if outside(input.today) {
                        findings.push(input.finding(
                            "precheck_decision_outside_entrustment",
                            &[("date", &input.today), ("from", &from), ("to", &to)],
                            None,
                        ));
                    }
                }
                _ => {
                    if item.body != case.body {
                        findings.push(input.finding(
                            "precheck_item_of_another_body",
                            &[("item", &item.item.name), ("body", &item.body)],
                            None,
                        ));
                    }
                }
            }
        }
    }
    precheck(
        "L7.1",
        "行政执法主体是否合法",
        "本机关是否持有案件的权力事项；受委托组织的委托是否覆盖该事项及各执法行为日期",
        true,
        findings,
    )
}

/// L7.2: every officer named on the case's acts, and every officer who entered one, belonged to
/// the body (or its delegating body) and held a credential valid on the act's date for the
/// case's domain; on-site acts record that credentials were shown (D7-a).
fn officers(input: &PrecheckInput<'_>) -> Precheck {
    let case = input.case;
    let delegating = input
        .body
        .profile
        .entrustment
        .as_ref()
        .map(|e| &e.delegating_body);
    let mut findings = Vec::new();
    let mut checked = false;
    for act in input.acts() {
        let Some(record) = input.record(act.seq) else {
            continue;
        };
        let mut named: BTreeSet<&str> = act.officers.iter().map(String::as_str).collect();
        if let Some(officer) = &record.actor.officer {
            named.insert(officer.as_str());
        }
        let date = act.event_date();
        let act_name = input.name(&act.record_type);
        for officer in named {
            checked = true;
            let Some(facts) = input.officers.get(officer) else {
                findings.push(input.finding(
                    "precheck_officer_unregistered",
                    &[("officer", &officer), ("act", &act_name)],
                    Some(act.seq),
                ));
                continue;
            };
            let who = format!("{}（{officer}）", facts.view.profile.name);
            if facts.view.body != case.body && Some(&facts.view.body) != delegating {
                findings.push(input.finding(
                    "precheck_officer_of_another_body",
                    &[("officer", &who), ("act", &act_name)],
                    Some(act.seq),
                ));
            } else if !facts.valid_on(date, case.domain.as_deref()) {
                findings.push(input.finding(
                    "precheck_officer_without_credential",
                    &[("officer", &who), ("date", &date), ("act", &act_name)],
                    Some(act.seq),
                ));
            }
        }
        if record
            .data
            .get("credentials_shown")
            .and_then(Value::as_bool)
            == Some(false)
        {
            checked = true;
            findings.push(input.finding(
                "precheck_credential_not_shown",
                &[("act", &act_name)],
                Some(act.seq),
            ));
        }
    }
    precheck(
        "L7.2",
        "行政执法人员是否具备执法资格",
        "案件各执法行为的执法人员在行为之日是否持有有效执法证件，现场执法是否出示证件",
        checked,
        findings,
    )
}

/// How many stages of the procedure the case has completed: those before its current stage,
/// none for a matter not initiated (R8-b, R9-b: it ends without passing them).
fn completed_stages(case: &CaseView, procedure: &ProcedureSpec) -> usize {
    if case.status == CaseStatus::NotInitiated {
        return 0;
    }
    procedure
        .stages
        .iter()
        .position(|s| s.id == case.stage)
        .unwrap_or(0)
}

/// Whether a data gate holds on the case (as `gates::check_gates` evaluates it); code gates are
/// not evaluated here.
fn gate_holds(case: &CaseView, check: &GateCheck) -> bool {
    match check {
        GateCheck::RecordsExist(ids) => ids.iter().all(|id| case.has(id)),
        GateCheck::IfRecordThen {
            if_record,
            then_any,
        } => !case.has(if_record) || then_any.iter().any(|id| case.has(id)),
        GateCheck::IfFlagThen { flag, then_any } => {
            !case.flags.contains(flag) || then_any.iter().any(|id| case.has(id))
        }
        GateCheck::FlagNotSet(flag) => !case.flags.contains(flag),
        GateCheck::Code(_) => true,
    }
}

/// L7.3: the mandatory records of the stages the case has left (R4-c), the statement/defence
/// and hearing gates of the decision (R14, R15), service records (R17–R22), full-process A/V
/// of the acts that need it (R5-a), and late entries (R4-d).
fn procedure_check(input: &PrecheckInput<'_>, procedure: Option<&ProcedureSpec>) -> Precheck {
    let case = input.case;
    let mut findings = Vec::new();
    let Some(procedure) = procedure else {
        findings.push(input.finding(
            "precheck_unknown_procedure",
            &[("procedure", &case.procedure)],
            None,
        ));
        return precheck("L7.3", "行政执法程序是否合法", "", true, findings);
    };
    // R4-c: every stage before the current one holds its mandatory records (they were checked
    // when the case moved on; a later void, R4-a, can undo that). A matter not initiated ended
    // without passing them (R8-b, R9-b): it has no completed stage.
    let current = completed_stages(case, procedure);
    let mandatory_exceptions = input.exceptions(EXCEPTION_MANDATORY);
    for stage in procedure.stages.iter().take(current) {
        for mandatory in stage.mandatory.iter().filter(|m| !case.has(m)) {
            let name = input.name(mandatory);
            let excused = mandatory_exceptions.iter().find(|exception| {
                let missing = text(exception, "missing");
                missing.contains(mandatory.as_str()) || missing.contains(name.as_str())
            });
            match excused {
                Some(exception) => findings.push(input.note(
                    "precheck_mandatory_missing_excused",
                    &[("stage", &stage.name), ("record", &name)],
                    Some(exception.seq),
                )),
                None => findings.push(input.finding(
                    "precheck_mandatory_missing",
                    &[("stage", &stage.name), ("record", &name)],
                    None,
                )),
            }
        }
    }
    // R14 / R15: the data gates of the decision that concern statement, defence and hearing —
    // once the case has reached the stage where the decision is made (before it, a missing
    // notice is not yet a defect).
    let decisions: BTreeSet<&str> = procedure
        .gates
        .iter()
        .filter(|g| matches!(&g.check, GateCheck::Code(name) if name == "legal_review"))
        .map(|g| g.before.as_str())
        .filter(|decision| {
            procedure
                .stages
                .iter()
                .position(|s| s.record_types.iter().any(|t| t == decision))
                .is_some_and(|stage| stage <= current)
        })
        .collect();
    for gate in procedure.gates.iter().filter(|g| {
        decisions.contains(g.before.as_str())
            && g.requires
                .iter()
                .any(|id| id.starts_with("R14-") || id.starts_with("R15-"))
    }) {
        if !gate_holds(case, &gate.check) {
            let ids: Vec<&str> = std::iter::once("L7-b")
                .chain(gate.requires.iter().map(String::as_str))
                .collect();
            findings.push(finding(&ids, gate.message.clone(), None));
        }
    }
    service(input, &mut findings);
    // R5-a: the linked A/V records still cover every act that needs full-process A/V.
    let av_exceptions = input.exceptions(EXCEPTION_AV);
    for act in input.acts() {
        let needs_av = input
            .set
            .record_type(&act.record_type)
            .is_some_and(|spec| spec.needs_av);
        let Some(record) = input.record(act.seq).filter(|_| needs_av) else {
            continue;
        };
        let refs = seqs(record, "av_records");
        let end = act.event_end.unwrap_or(act.event_time);
        let Some(gap) = av_gap(case, &refs, act.event_time, end, AV_MAX_GAP) else {
            continue;
        };
        let gap = gap.to_offset(crate::CHINA_OFFSET);
        let name = input.name(&act.record_type);
        let excused = av_exceptions
            .iter()
            .find(|exception| seqs(exception, "record_ref").contains(&act.seq));
        match excused {
            Some(exception) => findings.push(input.note(
                "precheck_av_gap_excused",
                &[("act", &name), ("gap", &gap)],
                Some(exception.seq),
            )),
            None => findings.push(input.finding(
                "precheck_av_gap",
                &[("act", &name), ("gap", &gap)],
                Some(act.seq),
            )),
        }
    }
    // R4-d: text records entered more than P6 after their event.
    for record in case
        .records
        .iter()
        .filter(|r| r.is_effective() && !r.record_type.starts_with("sys_") && r.late_entry())
    {
        let hours =
            (record.entry_time - record.event_end.unwrap_or(record.event_time)).whole_hours();
        findings.push(input.finding(
            "precheck_late_entry",
            &[
                ("record", &input.name(&record.record_type)),
                ("hours", &hours),
            ],
            Some(record.seq),
        ));
    }
    precheck(
        "L7.3",
        "行政执法程序是否合法",
        "已完成阶段的必备记录、陈述申辩和听证记录、送达记录、全程音像记录、补录标记",
        true,
        findings,
    )
}

/// Whether `record_type` is a service record type of the rule set: it cites R17-a and lists
/// the documents it serves in `document_refs` (直接、邮寄、留置、委托、转交、公告、电子送达).
fn is_service(input: &PrecheckInput<'_>, record_type: &str) -> bool {
    input.set.record_type(record_type).is_some_and(|spec| {
        spec.requires.iter().any(|id| id == SERVICE_REQUIREMENT)
            && spec.fields.iter().any(|f| f.name == "document_refs")
    })
}

/// R17–R22 within L7.3: service by post has its return receipt (R19-b); leaving service
/// without a witness's signature is shown to the reviewer (R20-a); a served document has not
/// been corrected or voided since; every notice of the rights to statement and defence was
/// served (R14-b, R17-a).
fn service(input: &PrecheckInput<'_>, findings: &mut Vec<PrecheckFinding>) {
    let case = input.case;
    let receipts: Vec<StreamSeq> = input
        .effective(POSTAL_RECEIPT)
        .filter_map(|summary| input.record(summary.seq))
        .flat_map(|record| seqs(record, "postal_ref"))
        .collect();
    let mut served: BTreeSet<StreamSeq> = BTreeSet::new();
    for summary in case
        .records
        .iter()
        .filter(|r| r.is_effective() && is_service(input, &r.record_type))
    {
        let Some(record) = input.record(summary.seq) else {
            continue;
        };
        let name = input.name(&summary.record_type);
        let complete = summary.record_type != POSTAL_DELIVERY || receipts.contains(&summary.seq);
        if !complete {
            findings.push(input.finding(
                "precheck_postal_receipt_missing",
                &[("service", &name)],
                Some(summary.seq),
            ));
        }
        if text(record, "witness_status") == "无见证人签字" {
            findings.push(input.note(
                "precheck_no_witness_signature",
                &[("service", &name)],
                Some(summary.seq),
            ));
        }
        for target in seqs(record, "document_refs") {
            match case.record(target) {
                Some(document) if document.is_effective() => {
                    served.extend(complete.then_some(target));
                }
                Some(document) => findings.push(input.finding(
                    "precheck_served_document_voided",
                    &[
                        ("service", &name),
                        ("document", &input.name(&document.record_type)),
                    ],
                    Some(summary.seq),
                )),
                None => {}
            }
        }
    }
    for notice in input
        .effective(STATEMENT_NOTICE)
        .filter(|notice| !served.contains(&notice.seq))
    {
        findings.push(input.finding(
            "precheck_notice_not_served",
            &[("document", &input.name(&notice.record_type))],
            Some(notice.seq),
        ));
    }
}

/// The 涉案金额 of the case: the latest effective record stating one (the L4 determination,
/// else the initiation record).
fn amount_involved(input: &PrecheckInput<'_>) -> Option<(u64, StreamSeq)> {
    input
        .case
        .records
        .iter()
        .rev()
        .filter(|r| r.is_effective())
        .filter_map(|summary| input.record(summary.seq))
        .find_map(|record| {
            record
                .data
                .get("amount_involved_fen")
                .and_then(Value::as_u64)
                .map(|amount| (amount, record.seq))
        })
}

fn yuan(fen: u64) -> String {
    if fen.is_multiple_of(100) {
        format!("{}元", fen / 100)
    } else {
        format!("{}.{:02}元", fen / 100, fen % 100)
    }
}

/// L7.6: the 涉案金额 is within the limit configured for the power item, if any.
fn authority(input: &PrecheckInput<'_>) -> Precheck {
    let mut findings = Vec::new();
    let scope = "涉案金额是否在权力事项配置的金额限额以内（未配置限额的不适用）";
    let Some(limit) = input.amount_limit else {
        return precheck(
            "L7.6",
            "行政执法行为是否超越法定权限",
            scope,
            false,
            findings,
        );
    };
    match amount_involved(input) {
        None => findings.push(input.finding(
            "precheck_amount_missing",
            &[("limit", &yuan(limit.max_amount_fen))],
            None,
        )),
        Some((amount, seq)) if amount > limit.max_amount_fen => findings.push(input.finding(
            "precheck_amount_over_limit",
            &[
                ("amount", &yuan(amount)),
                ("limit", &yuan(limit.max_amount_fen)),
                ("basis", &limit.basis),
            ],
            Some(seq),
        )),
        Some(_) => {}
    }
    precheck(
        "L7.6",
        "行政执法行为是否超越行政执法机关法定权限",
        scope,
        true,
        findings,
    )
}

/// L7.7: every document record carries its 文号 (R26-b), every mandatory document of the
/// stages the case has left is present (R4-c), and service records name the numbers of the
/// documents they serve (R18-a, R19-b).
fn documents(input: &PrecheckInput<'_>, procedure: Option<&ProcedureSpec>) -> Precheck {
    let case = input.case;
    let is_document = |record_type: &str| {
        input
            .set
            .record_type(record_type)
            .is_some_and(|spec| spec.document.is_some())
    };
    let mut findings = Vec::new();
    let mut applicable = false;
    for summary in case
        .records
        .iter()
        .filter(|r| r.is_effective() && is_document(&r.record_type))
    {
        applicable = true;
        if summary
            .doc_number
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
        {
            findings.push(input.finding(
                "precheck_document_without_number",
                &[("document", &input.name(&summary.record_type))],
                Some(summary.seq),
            ));
        }
    }
    if let Some(procedure) = procedure {
        let current = completed_stages(case, procedure);
        for stage in procedure.stages.iter().take(current) {
            for mandatory in stage.mandatory.iter().filter(|m| is_document(m)) {
                applicable = true;
                if !case.has(mandatory) {
                    findings.push(input.finding(
                        "precheck_stage_document_missing",
                        &[("stage", &stage.name), ("document", &input.name(mandatory))],
                        None,
                    ));
                }
            }
        }
    }
    for summary in case
        .records
        .iter()
        .filter(|r| r.is_effective() && is_service(input, &r.record_type))
    {
        let Some(record) = input.record(summary.seq) else {
            continue;
        };
        let listed: BTreeSet<&str> = ["documents", "mailing_list"]
            .iter()
            .filter_map(|field| record.data.get(*field).and_then(Value::as_array))
            .flatten()
            .filter_map(|item| item.get("number").and_then(Value::as_str))
            .collect();
        for target in seqs(record, "document_refs") {
            let Some(number) = case.record(target).and_then(|d| d.doc_number.as_deref()) else {
                continue;
            };
            if !listed.contains(number) {
                findings.push(input.finding(
                    "precheck_service_number_mismatch",
                    &[
                        ("service", &input.name(&summary.record_type)),
                        ("number", &number),
                    ],
                    Some(summary.seq),
                ));
            }
        }
    }
    precheck(
        "L7.7",
        "行政执法文书是否完备、规范",
        "文书是否编有文号、已完成阶段应有的文书是否齐全、送达记录所列文号是否与文书一致",
        applicable,
        findings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{BodyId, OfficerId, UserId};
    use crate::record::Actor;
    use crate::registry::OfficerProfile;
    use crate::role::Role;
    use time::macros::{date, datetime};

    fn officer_record(seq: u64, record_type: &str, at: OffsetDateTime, data: Value) -> Record {
        Record {
            v: crate::record::RECORD_FORMAT_VERSION,
            stream: crate::ids::StreamId::officer(&OfficerId::new("o1").unwrap()),
            seq: StreamSeq(seq),
            prev: None,
            record_type: crate::ids::RecordTypeId::new(record_type).unwrap(),
            rule_set: crate::ids::RuleSetId::new("registry").unwrap(),
            body: BodyId::new("b").unwrap(),
            event_time: at,
            event_end: None,
            entry_time: at,
            actor: Actor {
                user: UserId::new("admin").unwrap(),
                role: Role::SysAdmin,
                officer: None,
            },
            data: data.as_object().cloned().unwrap_or_default(),
            files: Vec::new(),
            supersedes: None,
        }
    }

    #[test]
    fn a_suspension_counts_from_its_date_not_backwards() {
        let issued = officer_record(
            2,
            registry::types::CREDENTIAL_ISSUED,
            datetime!(2024-12-20 09:00 +8),
            serde_json::to_value(Credential {
                number: "N1".into(),
                domains: vec!["市场监管".into()],
                valid_from: date!(2024 - 01 - 01),
                valid_to: date!(2026 - 12 - 31),
                status: CredentialStatus::Active,
            })
            .unwrap(),
        );
        let suspended = officer_record(
            3,
            registry::types::CREDENTIAL_STATUS_CHANGED,
            datetime!(2025-03-01 09:00 +8),
            serde_json::to_value(CredentialStatusChange {
                number: "N1".into(),
                status: CredentialStatus::Suspended,
                reason: "考核不合格".into(),
            })
            .unwrap(),
        );
        let facts = OfficerFacts {
            view: OfficerView {
                id: OfficerId::new("o1").unwrap(),
                body: BodyId::new("b").unwrap(),
                profile: OfficerProfile {
                    name: "执法员".into(),
                    unit: None,
                    user: None,
                },
                credentials: Vec::new(),
                last_seq: StreamSeq(3),
            },
            records: vec![issued, suspended],
        };
        // Issued (recorded) after the act, valid from earlier: the act is covered.
        assert!(facts.valid_on(date!(2024 - 10 - 08), Some("市场监管")));
        assert!(facts.valid_on(date!(2025 - 02 - 28), Some("市场监管")));
        assert!(!facts.valid_on(date!(2025 - 03 - 01), Some("市场监管")));
        assert!(!facts.valid_on(date!(2024 - 10 - 08), Some("城市管理")));
        assert!(!facts.valid_on(date!(2027 - 01 - 01), None));
    }

    #[test]
    fn fill_replaces_named_placeholders_once_and_keeps_unknown_ones() {
        let act = "现场检查笔录";
        let tricky = "{act}";
        assert_eq!(
            fill(
                "{act}（{date}）不在期限内",
                &[("act", &act), ("date", &"2024-09-27")]
            ),
            "现场检查笔录（2024-09-27）不在期限内"
        );
        // A value containing braces is not expanded again; an unknown name stays as written;
        // an unclosed brace is kept.
        assert_eq!(fill("{x}与{act}", &[("x", &tricky)]), "{act}与{act}");
        assert_eq!(fill("金额{", &[]), "金额{");
    }
}
