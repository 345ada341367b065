//! The checks a new case record must pass, in one place for the append and its dry run:
//! `add_record` writes what [`Services::check_case_record`] accepted, and `check_record` runs the
//! same function and writes nothing. Why not a separate set of checks for the dry run: they
//! would drift, and a form that says "would be accepted" for a record the append then refuses
//! is worse than no dry run at all.
//!
//! `record_options` answers the question a form asks before anything is filled in: which record
//! types of the case's procedure the caller could add now, and for the others the rule that
//! stands in the way (role, stage R4-c, archived case R29-b, gates such as L2-a, R14-c, R23-a).
//! It runs the part of the same checks that does not depend on the form's field values.

use serde_json::{Map, Value};
use time::Date;

use super::evidence::HEAD_APPROVAL;
use super::{Ctx, RecordInput, Services};
use crate::case::{self, CaseStatus, CaseView, check_refs, check_stage};
use crate::error::{CoreError, Refusal};
use crate::gates::{Candidate, RecordCheck, check_gates, check_gates_without_data};
use crate::ids::{BodyId, CaseId, RequirementId};
use crate::ports::ProjectionKind;
use crate::registry::{BodyView, OfficerView};
use crate::role::Role;
use crate::rules::RuleSet;
use crate::rules::fields::{CONFIDENTIALITY_FIELD, named_officers, validate_data};
use crate::rules::schema::{FieldType, GateCheck, ProcedureSpec, RecordTypeSpec, StageSpec};

use super::cases::{refused, shanghai_date};

/// One record type of a case's procedure and whether the caller could add it now.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordOption {
    /// Record type id (rule set), e.g. "r10_1_questioning_party".
    pub record_type: String,
    /// Chinese name from the rule set.
    pub name: String,
    /// Chinese name of the stage the type belongs to; None for the procedure's any_stage types.
    pub stage: Option<String>,
    /// Why it cannot be added now (role, stage rule R4-c, archived case R29-b, data-independent
    /// gates such as L2-a legal review, R23-a, R14-c, flags), with rule IDs, Chinese message and
    /// citation; None when nothing but the form's own field values stands in the way.
    pub blocked: Option<Refusal>,
}

/// What the checks of a new case record established: what `add_record` needs to write it.
pub(super) struct CheckedRecord<'s> {
    /// The rule set in force on the event date.
    pub(super) set: &'s RuleSet,
    /// The role the caller acts in.
    pub(super) role: Role,
    /// The case's body.
    pub(super) body: BodyView,
    /// The record type; `None` for `sys_void`.
    pub(super) spec: Option<&'s RecordTypeSpec>,
    /// The data to write: the caller's, with the platform-computed fields of the legal-review
    /// workflow and of archiving merged in (they replace any value the caller supplied).
    pub(super) data: Map<String, Value>,
}

impl Services {
    /// Runs exactly the rules and gates that `add_record` would run for `input` (role, body scope,
    /// stage, fields, credentials, refs, gates incl. code gates, legal-review workflow checks,
    /// archive checks) and returns the same error add_record would, WITHOUT appending anything
    /// (no record, no number assignment, no projection change). Ok(()) when add_record would
    /// accept it (barring a concurrent change). Audited as action "check".
    ///
    /// The case is read from the store, not from the write path's cache, and no stream lock is
    /// taken: the answer is about the stored state, and an append running meanwhile is neither
    /// delayed nor robbed of its cached view. Document numbers (R26-b) are not assigned; they
    /// cannot make an append fail.
    pub async fn check_record(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        input: &RecordInput,
    ) -> Result<(), CoreError> {
        let result = self.check_record_inner(ctx, case_id, input).await;
        let outcome = match &result {
            Ok(()) => "ok".to_owned(),
            Err(err) => audit_outcome(err),
        };
        // R4-b: who asked what about which case, from where; a dry run is not a write, so it is
        // not a `create`, and it is not a `refused` attempt either.
        self.audit(ctx, "check", &format!("case/{case_id}"), &outcome)
            .await?;
        result
    }

    async fn check_record_inner(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        input: &RecordInput,
    ) -> Result<(), CoreError> {
        self.check_record_input(input)?;
        let view = match self.readable_case(ctx, case_id).await {
            Ok(view) => view,
            Err(err) => return Err(self.unreadable_case_error(ctx, err)),
        };
        self.check_case_record(ctx, &view, input).await.map(|_| ())
    }

    /// Every record type of the case's procedure (each stage's types in stage order, then
    /// any_stage; excluding the built-in sys_* types), with whether the caller could add it now.
    /// Audited as a read of the case (R4-b). NotFound for a case the caller cannot read.
    ///
    /// A type listed in several stages is listed once, with the stage it would be recorded in
    /// now: the first at or after the case's current stage that lists it (as `check_stage`
    /// reckons), else the first that lists it. A type of `any_stage` is listed there only.
    /// The rule set is the one in force today. `blocked: None` does *not* mean that a record
    /// will be accepted: its fields, the officers it names, its references and its A/V
    /// coverage (R5-a) are checked only when it is entered (see `check_record`).
    pub async fn record_options(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
    ) -> Result<Vec<RecordOption>, CoreError> {
        let result = self.readable_case(ctx, case_id).await;
        let outcome = if result.is_ok() { "ok" } else { "not_found" };
        self.audit(ctx, "read", &format!("case/{case_id}"), outcome)
            .await?;
        let view = result?;
        let now = self.now();
        let set = self.rule_set_on(&view.body, shanghai_date(now))?;
        let procedure = procedure_of(set, &view)?;
        // SUPERVISOR and the administrators may add nothing to any case (L13-a, D15-b, L2-a).
        let case_wide = self
            .district_write_refusal(ctx, Some(&view.body))
            .map(into_refusal)
            .transpose()?;
        let mut options = Vec::new();
        for (spec, stage) in listed_types(set, procedure, &view.stage) {
            let blocked = match &case_wide {
                Some(refusal) => Some(refusal.clone()),
                None => match self
                    .check_without_data(ctx, &view, set, procedure, spec)
                    .await
                {
                    Ok(()) => None,
                    Err(err) => Some(into_refusal(err)?),
                },
            };
            options.push(RecordOption {
                record_type: spec.id.clone(),
                name: spec.name.clone(),
                stage: stage.map(|stage| stage.name.clone()),
                blocked,
            });
        }
        Ok(options)
    }

    /// The checks of `check_case_record` for a record of `spec` that do not depend on what the
    /// record says, in the same order: archive access (R29-b, R29-d), the acting role, the
    /// stage (R4-c, R8-b) and the gates that the case's state alone decides, dated now.
    async fn check_without_data(
        &self,
        ctx: &Ctx,
        view: &CaseView,
        set: &RuleSet,
        procedure: &ProcedureSpec,
        spec: &RecordTypeSpec,
    ) -> Result<(), CoreError> {
        // A head's approval may be the one that opens an archived case to a supplementary
        // filing (R29-b); whether it is depends on its `matter` field, which is not known yet.
        let supplementary_approval = spec.id == HEAD_APPROVAL;
        self.check_archive_state(view, set, &spec.id, supplementary_approval)
            .await?;
        Self::acting_role(ctx, set, spec, &view.body)?;
        check_stage(view, set, procedure, spec)?;
        check_gates_without_data(view, procedure, spec, self.now(), self.review_gate.as_ref()).await
    }

    /// The input checks `add_record` runs before it reads the case: record types that only
    /// their own commands create, and the event times (R3-d).
    pub(super) fn check_record_input(&self, input: &RecordInput) -> Result<(), CoreError> {
        if input.record_type == case::types::ACCESS_REQUEST
            || input.record_type == case::types::ACCESS_DECISION
            || input.record_type == case::types::CASE_OPENED
        {
            return Err(CoreError::Invalid {
                field: "record_type".into(),
                reason: "该记录类型只能由专门的操作生成".into(),
            });
        }
        self.check_input(input)
    }

    /// The error for a case the caller cannot read. An administrator cannot read the case, but
    /// the answer to a legal step is the same whether it exists or not (L2-a).
    pub(super) fn unreadable_case_error(&self, ctx: &Ctx, err: CoreError) -> CoreError {
        self.district_write_refusal(ctx, None).unwrap_or(err)
    }

    /// Every rule a new record of `input` must pass in `view`, the case as it stands: body scope
    /// (SUPERVISOR and administrators write nothing), archive access (R29-b, R29-d), the acting
    /// role, voids (R4-a) and corrections, the stage (R4-c), fields, credentials (D7-a), refs,
    /// gates (L2-a, R14-c, R23-a, …), A/V coverage (R5-a), the legal-review workflow's own
    /// checks (L3, L6–L10, L12-c) and the archiving checks (R27-b, R29-b). Appends nothing;
    /// the one write is the audit entry of a file that fails its re-verification at archiving
    /// (R4-a), which a dry run must leave too.
    ///
    /// Shared by `add_record`, which writes the result, and `check_record`, which does not.
    pub(super) async fn check_case_record(
        &self,
        ctx: &Ctx,
        view: &CaseView,
        input: &RecordInput,
    ) -> Result<CheckedRecord<'_>, CoreError> {
        if let Some(err) = self.district_write_refusal(ctx, Some(&view.body)) {
            // SUPERVISOR reads all bodies and writes none.
            return Err(err);
        }
        let event_date = shanghai_date(input.event_time);
        let set = self.rule_set_on(&view.body, event_date)?;
        let body: BodyView = self
            .projection_as(ProjectionKind::Body, view.body.as_str())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("body/{}", view.body)))?;
        // R29-b (an archived case is read-only), R29-d (an archivist): service/evidence.rs.
        self.check_archive_access(view, set, input).await?;
        let mut data = input.data.clone();
        let role;
        let mut checked_spec = None;
        if input.record_type == case::types::VOID {
            // R4-a: void with a reason; by a head of the body or the record's own author.
            let target = input
                .supersedes
                .and_then(|seq| view.record(seq))
                .filter(|r| r.is_effective())
                .ok_or_else(|| CoreError::Invalid {
                    field: "supersedes".into(),
                    reason: "须指明要作废的有效记录".into(),
                })?;
            let reason_ok = data
                .get("reason")
                .and_then(Value::as_str)
                .is_some_and(|r| !r.trim().is_empty());
            if !reason_ok || data.len() != 1 {
                return Err(refused(
                    &["R4-a"],
                    "作废记录须写明理由（reason）".into(),
                    "",
                    vec!["reason".into()],
                ));
            }
            let held = ctx.roles_for(&view.body);
            role = if held.contains(&Role::AgencyHead) {
                Role::AgencyHead
            } else if held.contains(&Role::UnitHead) {
                Role::UnitHead
            } else if target.user == ctx.user && held.contains(&target.role) {
                target.role
            } else {
                return Err(refused(
                    &["R4-a"],
                    "只有记录录入人或负责人可以作废记录".into(),
                    "",
                    vec![],
                ));
            };
        } else {
            let procedure = procedure_of(set, view)?;
            let spec = set
                .record_type(&input.record_type)
                .ok_or_else(|| CoreError::Invalid {
                    field: "record_type".into(),
                    reason: format!("未知记录类型：{}", input.record_type),
                })?;
            role = Self::acting_role(ctx, set, spec, &view.body)?;
            match input.supersedes {
                Some(old) => {
                    let target =
                        view.record(old)
                            .filter(|r| r.is_effective())
                            .ok_or_else(|| CoreError::Invalid {
                                field: "supersedes".into(),
                                reason: "须指明要更正的有效记录".into(),
                            })?;
                    if target.record_type != spec.id {
                        return Err(CoreError::Invalid {
                            field: "supersedes".into(),
                            reason: "更正记录须与原记录类型相同（R4-a）".into(),
                        });
                    }
                    if view.status == CaseStatus::NotInitiated {
                        check_stage(view, set, procedure, spec)?;
                    }
                }
                None => check_stage(view, set, procedure, spec)?,
            }
            self.check_rules(view, set, procedure, spec, input, &body)
                .await?;
            checked_spec = Some(spec);
        }
        // L2-a, L3, L6–L10, L12-c: the legal-review workflow checks its own records (and
        // voids of them) and supplies platform-computed fields (issue 7).
        let platform_fields = self
            .review_gate
            .check_record(&RecordCheck {
                case: view,
                set,
                user: &ctx.user,
                officer: ctx.officer.as_ref(),
                role,
                record_type: &input.record_type,
                data: &input.data,
                event_time: input.event_time,
                supersedes: input.supersedes,
                now: self.now(),
            })
            .await?;
        data.extend(platform_fields);
        // R27-b transcripts, R29-b approvals and file hashes at archiving (evidence.rs).
        data.extend(self.check_archive_records(ctx, view, set, input).await?);
        Ok(CheckedRecord {
            set,
            role,
            body,
            spec: checked_spec,
            data,
        })
    }

    /// Why a district-wide role without a role in `body` may not write there, in the rule set's
    /// words: SUPERVISOR reads every body and writes none (`supervisor_read_only`, L13-a,
    /// D15-b); SYSADMIN, SECADMIN and AUDITOR perform no legal step (`admin_no_legal_steps`,
    /// L2-a). `Forbidden` (403), as for every write outside the caller's roles; `None` when the
    /// caller holds a role in the body or no such district role. `body = None`: the body is not
    /// known (a case the caller cannot read).
    pub(super) fn district_write_refusal(
        &self,
        ctx: &Ctx,
        body: Option<&BodyId>,
    ) -> Option<CoreError> {
        if body.is_some_and(|body| !ctx.roles_for(body).is_empty()) {
            return None;
        }
        let (key, fallback_ids, fallback): (_, &[&str], _) = if ctx.has_district(Role::Supervisor) {
            (
                "supervisor_read_only",
                &["L13-a", "D15-b"],
                "监督人员只能查看，不能录入或者修改案件记录",
            )
        } else if [Role::SysAdmin, Role::SecAdmin, Role::Auditor]
            .into_iter()
            .any(|role| ctx.has_district(role))
        {
            (
                "admin_no_legal_steps",
                &["L2-a"],
                "系统管理员、安全管理员、审计管理员不能实施或者绕过任何执法步骤",
            )
        } else {
            return None;
        };
        let refusal = body
            .and_then(|body| self.rules.effective(body, self.now().date()))
            .or_else(|| self.rules.sets().first().map(AsRef::as_ref))
            .map_or_else(
                || Refusal {
                    ids: fallback_ids
                        .iter()
                        .map(|id| RequirementId::new(*id))
                        .collect(),
                    message: fallback.to_owned(),
                    citation: String::new(),
                    details: Vec::new(),
                },
                |set| set.refusal(key, fallback_ids, fallback, Vec::new()),
            );
        Some(CoreError::Forbidden(Box::new(refusal)))
    }

    /// The role the caller acts in for a record type: one of the type's roles held for `body`.
    pub(super) fn acting_role(
        ctx: &Ctx,
        set: &RuleSet,
        spec: &RecordTypeSpec,
        body: &BodyId,
    ) -> Result<Role, CoreError> {
        let held = ctx.roles_for(body);
        let allowed: Vec<Role> = spec
            .roles
            .iter()
            .filter_map(|code| Role::from_code(code))
            .collect();
        if let Some(role) = allowed.iter().find(|role| held.contains(role)) {
            return Ok(*role);
        }
        let mut refusal = set.refusal(
            "role_refused",
            &[],
            &format!("当前角色无权录入「{}」", spec.name),
            vec![spec.id.clone()],
        );
        if refusal.ids.is_empty() {
            refusal.ids = spec.requires.iter().map(RequirementId::new).collect();
            refusal.citation = spec.citation.clone();
        }
        // The roles in words, not codes: the message reaches a user's screen.
        let allowed: Vec<String> = spec
            .roles
            .iter()
            .map(|code| {
                Role::from_code(code).map_or_else(|| code.clone(), |r| r.label().to_owned())
            })
            .collect();
        refusal.message = format!("{}（允许：{}）", refusal.message, allowed.join("、"));
        Err(CoreError::Refused(refusal))
    }

    /// Every officer named in the record is registered with the case's body and holds a
    /// credential valid on the event date for the case's domain (D7-a); `min_officers` distinct
    /// officers in `officers` (《行政处罚法》第四十二条).
    async fn check_officers(
        &self,
        set: &RuleSet,
        spec: &RecordTypeSpec,
        data: &Map<String, Value>,
        body: &BodyView,
        domain: Option<&str>,
        event_date: Date,
    ) -> Result<(), CoreError> {
        let mut valid = Vec::new();
        for officer_id in named_officers(spec, data) {
            let officer: Option<OfficerView> = self
                .projection_as(ProjectionKind::Officer, &officer_id)
                .await?;
            let delegating = body
                .profile
                .entrustment
                .as_ref()
                .map(|e| &e.delegating_body);
            let ok = officer.as_ref().is_some_and(|officer| {
                (officer.body == body.id || Some(&officer.body) == delegating)
                    && officer.has_valid_credential(event_date, domain)
            });
            if !ok {
                return Err(CoreError::Refused(set.refusal(
                    "credential_invalid",
                    &["D7-a"],
                    &format!("执法人员 {officer_id} 在 {event_date} 无有效执法证件或不属于本主体"),
                    vec![officer_id],
                )));
            }
            valid.push(officer_id);
        }
        if spec.min_officers > 0 {
            let count = data
                .get("officers")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if count < spec.min_officers as usize {
                return Err(CoreError::Refused(set.refusal(
                    "min_officers",
                    &["D7-a"],
                    &format!(
                        "执法人员不得少于{}人（《中华人民共和国行政处罚法》第四十二条）",
                        spec.min_officers
                    ),
                    vec![count.to_string()],
                )));
            }
        }
        Ok(())
    }

    /// Input checks common to every case record: times, data, refs.
    pub(super) fn check_input(&self, input: &RecordInput) -> Result<(), CoreError> {
        if let Some(end) = input.event_end
            && end < input.event_time
        {
            return Err(CoreError::Invalid {
                field: "event_end".into(),
                reason: "结束时间早于开始时间".into(),
            });
        }
        // R3-d: event times are facts of the past; a few minutes of clock skew are tolerated.
        if input.event_time > self.now() + time::Duration::minutes(5) {
            return Err(CoreError::Invalid {
                field: "event_time".into(),
                reason: "事件时间晚于当前时间".into(),
            });
        }
        Ok(())
    }

    /// Runs every rule a new record of `spec` must pass in `view` (except stage rules, which
    /// the caller runs for non-intake records).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn check_rules(
        &self,
        view: &CaseView,
        set: &RuleSet,
        procedure: &ProcedureSpec,
        spec: &RecordTypeSpec,
        input: &RecordInput,
        body: &BodyView,
    ) -> Result<(), CoreError> {
        for field in spec
            .fields
            .iter()
            .filter(|f| f.field_type == FieldType::DocNumber)
        {
            if input.data.get(&field.name).is_some_and(|v| !v.is_null()) {
                return Err(CoreError::Invalid {
                    field: field.name.clone(),
                    reason: "文号由系统在签发时分配（R26-b）".into(),
                });
            }
        }
        validate_data(spec, &input.data)?;
        if input
            .data
            .get(CONFIDENTIALITY_FIELD)
            .and_then(Value::as_str)
            == Some("国家秘密")
            && !input.files.is_empty()
        {
            // D10-b / R30-d: the platform is not a classified system; only placeholders.
            return Err(refused(
                &["D10-b", "R30-d"],
                "国家秘密事项只能登记占位信息，不能上传内容".into(),
                "",
                vec![],
            ));
        }
        check_refs(view, spec, &input.data)?;
        let event_date = shanghai_date(input.event_time);
        self.check_officers(
            set,
            spec,
            &input.data,
            body,
            view.domain.as_deref(),
            event_date,
        )
        .await?;
        let candidate = Candidate {
            spec,
            data: &input.data,
            event_time: input.event_time,
            event_end: input.event_end,
        };
        check_gates(view, set, procedure, &candidate, self.review_gate.as_ref()).await?;
        // R5-a applies to every needs_av type, whether or not the rule set names the gate.
        let has_gate = procedure.gates.iter().any(|g| {
            g.before == spec.id
                && matches!(&g.check, GateCheck::Code(name) if name == "av_coverage")
        });
        if spec.needs_av && !has_gate && crate::gates::candidate_av_gap(view, &candidate).is_some()
        {
            return Err(CoreError::Refused(set.refusal(
                "av_coverage",
                &["R5-a"],
                "该执法活动须全程音像记录，关联的音像记录未覆盖全过程（间隔不得超过60秒）",
                vec![spec.id.clone()],
            )));
        }
        Ok(())
    }
}

/// The case's procedure in `set`, or a refusal citing D16-a (the rule set in force does not
/// know it).
fn procedure_of<'s>(set: &'s RuleSet, view: &CaseView) -> Result<&'s ProcedureSpec, CoreError> {
    set.procedure(&view.procedure).ok_or_else(|| {
        refused(
            &["D16-a"],
            format!("规则集 {} 中没有程序 {}", set.id, view.procedure),
            "",
            vec![],
        )
    })
}

/// The record types `record_options` lists, in its order, each with the stage it would be
/// recorded in (`None`: any_stage). Built-in `sys_*` types and ids the rule set does not define
/// are left out; each type is listed once.
fn listed_types<'s>(
    set: &'s RuleSet,
    procedure: &'s ProcedureSpec,
    current_stage: &str,
) -> Vec<(&'s RecordTypeSpec, Option<&'s StageSpec>)> {
    let current_idx = procedure
        .stages
        .iter()
        .position(|stage| stage.id == current_stage)
        .unwrap_or(0);
    let mut seen: Vec<&str> = Vec::new();
    let mut listed = Vec::new();
    let staged = procedure
        .stages
        .iter()
        .flat_map(|stage| stage.record_types.iter());
    for id in staged {
        if procedure.any_stage.contains(id) || seen.contains(&id.as_str()) {
            continue;
        }
        seen.push(id);
        let Some(spec) = set.record_type(id) else {
            continue;
        };
        if spec.id.starts_with("sys_") {
            continue;
        }
        let lists = |stage: &&StageSpec| stage.record_types.contains(id);
        let stage = procedure
            .stages
            .iter()
            .skip(current_idx)
            .find(lists)
            .or_else(|| procedure.stages.iter().find(lists));
        listed.push((spec, stage));
    }
    for id in &procedure.any_stage {
        if seen.contains(&id.as_str()) {
            continue;
        }
        seen.push(id);
        if let Some(spec) = set.record_type(id)
            && !spec.id.starts_with("sys_")
        {
            listed.push((spec, None));
        }
    }
    listed
}

/// The refusal a blocked record option shows: a rule's refusal (422) or a role check's (403)
/// as it is; malformed input as a refusal without rule IDs whose message is the reason (its
/// field in `details`). Anything else — the store failing — is not an answer about the record
/// type, and is returned as the error it is.
fn into_refusal(err: CoreError) -> Result<Refusal, CoreError> {
    match err {
        CoreError::Refused(refusal) => Ok(refusal),
        CoreError::Forbidden(refusal) => Ok(*refusal),
        CoreError::Invalid { field, reason } => Ok(Refusal {
            ids: Vec::new(),
            message: reason,
            citation: String::new(),
            details: vec![field],
        }),
        other => Err(other),
    }
}

/// The audit outcome of a failed command (R4-b): the refusal's rule IDs, or the kind of error.
pub(super) fn audit_outcome(err: &CoreError) -> String {
    match err {
        CoreError::Refused(refusal) => refusal
            .ids
            .iter()
            .map(RequirementId::as_str)
            .collect::<Vec<_>>()
            .join(","),
        CoreError::Forbidden(_) => "forbidden".to_owned(),
        CoreError::NotFound(_) => "not_found".to_owned(),
        CoreError::Invalid { .. }
        | CoreError::InvalidId { .. }
        | CoreError::NotCanonical { .. } => "invalid".to_owned(),
        CoreError::Conflict(_) => "conflict".to_owned(),
        CoreError::RuleSet(_) | CoreError::Store(_) => "error".to_owned(),
    }
}
