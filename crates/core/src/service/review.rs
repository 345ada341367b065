//! Legal-review commands and queries (issue 7; 《薛城区重大执法决定法制审核办法》). The workflow
//! records themselves go through [`Services::add_record`] — the only write path for case records
//! — where [`crate::review::WorkflowReviewGate`] checks them; the helpers here build the inputs
//! (`submit_for_review`) and answer the queries of the workbench and of supervision. Catalogue
//! and reviewer profiles are registry-like streams (`catalogue/<body>`, `reviewer/<user>`).

use std::collections::{BTreeMap, BTreeSet};

use liuhen_calendar::WorkingDays;
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

use super::{CaseFilter, Ctx, MAX_ATTEMPTS, RecordInput, Services, to_value};
use crate::case::{CaseView, flags};
use crate::error::{CoreError, Refusal};
use crate::ids::{BodyId, CaseId, OfficerId, RequirementId, StreamId, StreamSeq, UserId};
use crate::ports::{AppendBatch, ProjectionKind, Receipt, StoreError};
use crate::record::{Actor, Record};
use crate::registry::{OfficerView, PowerItemView};
use crate::review::catalogue::{AmountLimit, CaseFacts, catalogue_at, fold_catalogue};
use crate::review::gate::{body_view, handled_case, qualification, read_records, review_body};
use crate::review::precheck::{self, OfficerFacts, PrecheckInput, PrecheckReport};
use crate::review::state::{OpinionOutcome, ProblemResponse};
use crate::review::{
    CatalogueEntry, CatalogueView, DEFAULT_TIME_LIMIT_WORKING_DAYS, ReviewStatus, ReviewTimeLimit,
    ReviewView, ReviewerQualification, WorkflowReviewGate, types,
};
use crate::role::Role;

/// The L12-b attestation the submitter confirms; stored with the submission.
pub const ATTESTATION: &str =
    "本机构对送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、程序的合法性负责。";

/// A submission for review (L6-a), as the handling unit gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionInput {
    /// The draft decision record (the latest `r13_examination`).
    pub draft_ref: StreamSeq,
    /// 拟作出的行政执法决定 (text; its SHA-256 binds the approval, L2-b).
    pub draft_decision: String,
    /// Evidence list: records of the case.
    pub evidence: Vec<StreamSeq>,
    /// 法律依据.
    pub legal_basis: String,
    /// 裁量基准 applied.
    pub discretion_standard: String,
    /// 案件概要.
    pub summary: String,
    /// Answers to the previous opinion's problems (L10-b), for a resubmission.
    pub responses: Vec<ProblemResponse>,
    /// The submitter confirms [`ATTESTATION`] (L12-b).
    pub attest: bool,
}

/// What the platform proposes for the L4 determination of a case (L4-b, L4-c, L5-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeterminationProposal {
    /// Catalogue version applied (0: the body has no catalogue).
    pub catalogue_version: u64,
    /// Matching catalogue entries (cannot be removed by the handler, L4-c).
    pub matches: Vec<CatalogueEntry>,
    /// L4.4 is locked to yes: a hearing was held (L4-c).
    pub l4_4_locked: bool,
    /// Review required by the procedure (L4-a: penalty, not on the spot).
    pub required_by_procedure: bool,
    /// Marked manually (L4-e).
    pub manually_marked: bool,
    /// The platform's proposal: review required.
    pub review_required: bool,
}

/// A review waiting for someone (the workbench queue, L8-c).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingReview {
    /// The case.
    pub case_id: CaseId,
    /// 案号.
    pub case_number: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: BodyId,
    /// Action kind.
    pub action: String,
    /// Status (待审核 / 待补充 / 待负责人决定).
    pub status: ReviewStatus,
    /// Round number (L10-b).
    pub round: u32,
    /// When the current round was submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// Review due date (body limit L5-a, else P1).
    pub due: Date,
    /// Working days of the limit applied.
    pub limit_working_days: u32,
    /// Whether the due date has passed.
    pub overdue: bool,
    /// The handling period's due date (L11-b: the clock keeps running).
    pub handling_due: Option<String>,
    /// Whether the caller handled the case and so may not review it (L3-a).
    pub excluded: bool,
}

/// Review statistics of one body (supervision, L13-a).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewStatistics {
    /// The body.
    pub body: BodyId,
    /// Whether the body has a designated review office (L3-b).
    pub has_review_office: bool,
    /// Catalogue version (0: none, L13-a).
    pub catalogue_version: u64,
    /// Cases submitted for review.
    pub reviews: u64,
    /// Submissions (rounds).
    pub rounds: u64,
    /// Reviews whose first round was approved.
    pub first_round_passed: u64,
    /// `first_round_passed / reviews` (0 when none).
    pub first_round_pass_rate: f64,
    /// Reviews now in a passing state.
    pub passed: u64,
    /// Average calendar days from first submission to passing, over passed reviews.
    pub average_days: f64,
    /// Problems raised, by checklist point (L7.1–L7.9).
    pub issues_by_point: BTreeMap<String, u64>,
    /// Escalations to the agency head (L10-c).
    pub escalations: u64,
    /// Head decisions for the handling unit (I11).
    pub head_for_unit: u64,
    /// Head decisions upholding the review.
    pub head_for_review: u64,
    /// Reviews pending (待审核, 待补充, 待负责人决定).
    pub pending: u64,
}

fn refused(ids: &[&str], message: &str) -> CoreError {
    CoreError::Refused(Refusal {
        ids: ids.iter().map(|id| RequirementId::new(*id)).collect(),
        message: message.to_owned(),
        citation: "《薛城区重大执法决定法制审核办法》".to_owned(),
        details: vec![],
    })
}

impl Services {
    fn review_workflow(&self) -> WorkflowReviewGate {
        WorkflowReviewGate::new(self.store.clone())
    }

    /// Appends one record to a review registry stream (catalogue or reviewer profile); these
    /// streams have no projection, they are folded on demand.
    async fn append_review_registry(
        &self,
        ctx: &Ctx,
        role: Role,
        stream: StreamId,
        body: &BodyId,
        record_type: &str,
        data: Value,
    ) -> Result<Receipt, CoreError> {
        let Value::Object(data) = data else {
            return Err(CoreError::Invalid {
                field: "data".into(),
                reason: "not an object".into(),
            });
        };
        let lock = self.stream_lock(&stream);
        let _guard = lock.lock().await;
        for _ in 0..MAX_ATTEMPTS {
            let head = self.store.stream_head(&stream).await?;
            let seq = head.map_or(1, |h| h.seq.0 + 1);
            let (record, new) = self.seal(
                stream.clone(),
                seq,
                head.map(|h| h.hash),
                record_type,
                body,
                self.now(),
                None,
                Actor {
                    user: ctx.user.clone(),
                    role,
                    officer: None,
                },
                data.clone(),
                Vec::new(),
                None,
                self.registry_rule_set(body)?,
            )?;
            crate::review::check_registry_record(&record)?;
            let batch = AppendBatch {
                records: vec![new],
                audit: vec![self.audit_entry(ctx, "create", stream.as_str(), "ok")],
                ..AppendBatch::default()
            };
            match self.store.append(batch).await {
                Ok(receipts) => {
                    return receipts
                        .into_iter()
                        .next()
                        .ok_or_else(|| CoreError::Store(StoreError::Corrupt("no receipt".into())));
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(err) => return Err(err.into()),
            }
        }
        Err(CoreError::Conflict(stream.to_string()))
    }

    /// Records a reviewer's qualification profile (SYSADMIN, L3-c): the 法律职业资格 and the date
    /// of first penalty-decision review (I10, P5).
    pub async fn record_reviewer_qualification(
        &self,
        ctx: &Ctx,
        user: &UserId,
        profile: ReviewerQualification,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["L3-c"])?;
        profile.validate()?;
        if self
            .store
            .projection(ProjectionKind::User, user.as_str())
            .await?
            .is_none()
        {
            return Err(CoreError::NotFound(format!("user/{user}")));
        }
        let district = BodyId::new("district")?;
        self.append_review_registry(
            ctx,
            Role::SysAdmin,
            StreamId::reviewer(user),
            &district,
            types::QUALIFICATION,
            to_value(&profile)?,
        )
        .await
    }

    /// A reviewer's qualification profile (any signed-in staff user: it is shown on opinions).
    pub async fn reviewer_qualification(
        &self,
        _ctx: &Ctx,
        user: &UserId,
    ) -> Result<Option<ReviewerQualification>, CoreError> {
        qualification(self.store.as_ref(), user).await
    }

    fn require_catalogue_role(ctx: &Ctx, body: &BodyId) -> Result<Role, CoreError> {
        let held = ctx.roles_for(body);
        [Role::AgencyHead, Role::Reviewer]
            .into_iter()
            .find(|r| held.contains(r))
            .ok_or_else(|| {
                refused(
                    &["L5-b", "L5-a"],
                    "法制审核目录清单和审核时限由本机关负责人或者法制审核机构维护",
                )
            })
    }

    /// Sets (adds or restates) or withdraws (`entry.withdrawn`) a catalogue entry (L5-b); each
    /// change is a new catalogue version. AGENCY_HEAD or REVIEWER of the body.
    pub async fn set_catalogue_entry(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        entry: CatalogueEntry,
    ) -> Result<Receipt, CoreError> {
        let role = Self::require_catalogue_role(ctx, body)?;
        entry.validate()?;
        self.append_review_registry(
            ctx,
            role,
            StreamId::catalogue(body),
            body,
            types::CATALOGUE_ENTRY,
            to_value(&entry)?,
        )
        .await
    }

    /// Sets the review time limit of an action kind, in working days (L5-a, L8-c).
    pub async fn set_review_time_limit(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        limit: ReviewTimeLimit,
    ) -> Result<Receipt, CoreError> {
        let role = Self::require_catalogue_role(ctx, body)?;
        if !crate::rules::ACTION_KINDS.contains(&limit.action.as_str())
            || limit.working_days == 0
            || limit.working_days > 365
        {
            return Err(CoreError::Invalid {
                field: "working_days".into(),
                reason: "审核时限须为1–365个工作日，执法行为类别须有效（L5-a）".into(),
            });
        }
        self.append_review_registry(
            ctx,
            role,
            StreamId::catalogue(body),
            body,
            types::TIME_LIMIT,
            to_value(&limit)?,
        )
        .await
    }

    /// Sets or withdraws (`limit.withdrawn`) the 涉案金额 limit of one of the body's power items,
    /// applied by the L7.6 pre-check (L7-b); a new catalogue version. AGENCY_HEAD or REVIEWER of
    /// the body, for a power item registered to it.
    pub async fn set_amount_limit(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        limit: AmountLimit,
    ) -> Result<Receipt, CoreError> {
        let role = Self::require_catalogue_role(ctx, body)?;
        limit.validate()?;
        let item: Option<PowerItemView> = self
            .projection_as(ProjectionKind::PowerItem, limit.power_item.as_str())
            .await?;
        if item.is_none_or(|item| &item.body != body) {
            return Err(CoreError::Invalid {
                field: "power_item".into(),
                reason: "权力事项未登记或者不属于本机关（D4-b）".into(),
            });
        }
        self.append_review_registry(
            ctx,
            role,
            StreamId::catalogue(body),
            body,
            types::AMOUNT_LIMIT,
            to_value(&limit)?,
        )
        .await
    }

    /// A body's catalogue as in force at `at` (now if None); public information (L5-c).
    pub async fn review_catalogue(
        &self,
        _ctx: &Ctx,
        body: &BodyId,
        at: Option<OffsetDateTime>,
    ) -> Result<CatalogueView, CoreError> {
        let records = read_records(self.store.as_ref(), &StreamId::catalogue(body)).await?;
        catalogue_at(body, &records, Some(at.unwrap_or_else(|| self.now())))
    }

    async fn readable_case_view(&self, ctx: &Ctx, case_id: &CaseId) -> Result<CaseView, CoreError> {
        let view: Option<CaseView> = self
            .projection_as(ProjectionKind::Case, case_id.as_str())
            .await?;
        match view {
            Some(view) if ctx.can_read(&view.body) => Ok(view),
            _ => Err(CoreError::NotFound(format!("case/{case_id}"))),
        }
    }

    /// The platform's proposal for the L4 determination (L4-b, L4-c, L5-b): catalogue matches
    /// for the amount and level given, the locked L4.4 after a hearing, the procedure default.
    pub async fn propose_determination(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        amount_involved_fen: Option<u64>,
        level: Option<String>,
    ) -> Result<DeterminationProposal, CoreError> {
        let case = self.readable_case_view(ctx, case_id).await?;
        let office = review_body(self.store.as_ref(), &case.body).await?;
        let records = read_records(self.store.as_ref(), &StreamId::catalogue(&office.id)).await?;
        let catalogue = catalogue_at(&office.id, &records, Some(self.now()))?;
        let facts = CaseFacts {
            action: &case.action,
            domain: case.domain.as_deref(),
            power_item: case.power_item.as_ref(),
            level: level.as_deref(),
            amount_fen: amount_involved_fen,
        };
        let matches: Vec<CatalogueEntry> = catalogue.matches(&facts).into_iter().cloned().collect();
        let l4_4_locked = case.flags.contains(flags::HEARING_HELD);
        let required_by_procedure =
            case.procedure_review_required && !case.flags.contains(flags::ON_THE_SPOT);
        let manually_marked = case.flags.contains(flags::REVIEW_REQUIRED);
        Ok(DeterminationProposal {
            catalogue_version: catalogue.version,
            review_required: !matches.is_empty()
                || l4_4_locked
                || required_by_procedure
                || manually_marked,
            matches,
            l4_4_locked,
            required_by_procedure,
            manually_marked,
        })
    }

    /// The review state of a case (audited read, R4-b): rounds, opinions, supplements,
    /// escalation, the frozen package and whether it still holds.
    pub async fn review(&self, ctx: &Ctx, case_id: &CaseId) -> Result<ReviewView, CoreError> {
        let object = format!("case/{case_id}/review");
        let case = match self.readable_case_view(ctx, case_id).await {
            Ok(case) => case,
            Err(err) => {
                self.audit(ctx, "read", &object, "not_found").await?;
                return Err(err);
            }
        };
        let view = self.review_workflow().load(&case).await?;
        self.audit(ctx, "read", &object, "ok").await?;
        Ok(view)
    }

    /// The automated pre-checks of the case's review (L7-b): L7.1, L7.2, L7.3 (with the R4-d
    /// late-entry flags), L7.6 and L7.7 on the case as it stands now, for whoever may read the
    /// case. Advisory: they decide no checklist answer. Audited read (R4-b).
    pub async fn review_prechecks(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
    ) -> Result<PrecheckReport, CoreError> {
        let object = format!("case/{case_id}/review/prechecks");
        let case = match self.readable_case_view(ctx, case_id).await {
            Ok(case) => case,
            Err(err) => {
                self.audit(ctx, "read", &object, "not_found").await?;
                return Err(err);
            }
        };
        let store = self.store.as_ref();
        let records: Vec<Record> = read_records(store, &StreamId::case(&case.id))
            .await?
            .into_iter()
            .filter(|r| r.seq <= case.last_seq)
            .collect();
        let set = records
            .last()
            .and_then(|record| self.rules.by_id(record.rule_set.as_str(), &case.body))
            .ok_or_else(|| {
                CoreError::Store(StoreError::Corrupt(format!(
                    "case/{case_id}: rule set not loaded"
                )))
            })?;
        let body = body_view(store, &case.body).await?;
        let power_item: Option<PowerItemView> = match &case.power_item {
            Some(item) => {
                self.projection_as(ProjectionKind::PowerItem, item.as_str())
                    .await?
            }
            None => None,
        };
        let mut officers = BTreeMap::new();
        let named = case
            .records
            .iter()
            .flat_map(|summary| summary.officers.iter().cloned())
            .chain(
                records
                    .iter()
                    .filter_map(|record| record.actor.officer.as_ref().map(ToString::to_string)),
            )
            .collect::<BTreeSet<String>>();
        for officer in named {
            let Ok(officer_id) = OfficerId::new(officer.clone()) else {
                continue;
            };
            let view: Option<OfficerView> = self
                .projection_as(ProjectionKind::Officer, officer_id.as_str())
                .await?;
            if let Some(view) = view {
                let records = read_records(store, &StreamId::officer(&officer_id)).await?;
                officers.insert(officer, OfficerFacts { view, records });
            }
        }
        let now = self.now();
        let office = review_body(store, &case.body).await?;
        let catalogue = catalogue_at(
            &office.id,
            &read_records(store, &StreamId::catalogue(&office.id)).await?,
            Some(now),
        )?;
        let amount_limit = case
            .power_item
            .as_ref()
            .and_then(|item| catalogue.amount_limit(item));
        let checks = precheck::run(&PrecheckInput {
            case: &case,
            records: &records,
            set,
            body: &body,
            power_item: power_item.as_ref(),
            officers: &officers,
            amount_limit,
            today: now.to_offset(crate::CHINA_OFFSET).date(),
        });
        let review = self.review_workflow().load(&case).await?;
        self.audit(ctx, "read", &object, "ok").await?;
        Ok(PrecheckReport {
            case_id: case.id.clone(),
            submission: review.current().map(|round| round.submission),
            round: review.current().map(|round| round.version),
            checked_at: now,
            checks,
        })
    }

    /// Submits the case for review (L6-a, L6-b, L12-b): one `l6_review_submission` record via
    /// [`Services::add_record`]; the platform freezes the package (L2-b).
    pub async fn submit_for_review(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        submission: SubmissionInput,
    ) -> Result<Receipt, CoreError> {
        if !submission.attest {
            return Err(refused(&["L12-b"], "报送须确认承办机构承诺（L12-b）"));
        }
        let mut data = Map::new();
        data.insert("draft_ref".into(), json!(submission.draft_ref.0));
        data.insert("draft_decision".into(), json!(submission.draft_decision));
        data.insert(
            "evidence".into(),
            Value::Array(submission.evidence.iter().map(|s| json!(s.0)).collect()),
        );
        data.insert("legal_basis".into(), json!(submission.legal_basis));
        data.insert(
            "discretion_standard".into(),
            json!(submission.discretion_standard),
        );
        data.insert("summary".into(), json!(submission.summary));
        data.insert("attestation".into(), json!(ATTESTATION));
        if !submission.responses.is_empty() {
            data.insert("responses".into(), to_value(&submission.responses)?);
        }
        self.add_record(
            ctx,
            case_id,
            RecordInput {
                record_type: types::SUBMISSION.into(),
                event_time: self.now(),
                event_end: None,
                data,
                files: Vec::new(),
                supersedes: None,
            },
        )
        .await
    }

    async fn time_limit(&self, body: &BodyId, action: &str) -> Result<u32, CoreError> {
        let records = read_records(self.store.as_ref(), &StreamId::catalogue(body)).await?;
        let mut view = CatalogueView::empty(body.clone());
        for record in &records {
            view = fold_catalogue(view, record)?;
        }
        Ok(view
            .time_limits
            .get(action)
            .copied()
            .unwrap_or(DEFAULT_TIME_LIMIT_WORKING_DAYS))
    }

    async fn cases_of(&self, ctx: &Ctx, body: &BodyId) -> Result<Vec<CaseView>, CoreError> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let page = self
                .list_cases(
                    ctx,
                    CaseFilter {
                        body: Some(body.clone()),
                        status: None,
                        limit: 1000,
                        offset,
                    },
                )
                .await?;
            let n = page.len();
            out.extend(
                page.into_iter()
                    .filter(|c| c.records.iter().any(|r| r.record_type == types::SUBMISSION)),
            );
            if n < 1000 {
                return Ok(out);
            }
            offset += 1000;
        }
    }

    /// The caller's review queue (L8-c): submissions waiting for the review office of the bodies
    /// where the caller is REVIEWER (待审核, 待补充) and escalations waiting for the caller as
    /// AGENCY_HEAD (待负责人决定), with round, due date and the handling period (L11-b).
    pub async fn pending_reviews(
        &self,
        ctx: &Ctx,
        today: Date,
    ) -> Result<Vec<PendingReview>, CoreError> {
        let mut bodies: Vec<(BodyId, Role)> = ctx
            .grants
            .iter()
            .filter(|g| matches!(g.role, Role::Reviewer | Role::AgencyHead))
            .filter_map(|g| g.body.clone().map(|b| (b, g.role)))
            .collect();
        bodies.sort();
        bodies.dedup();
        let workflow = self.review_workflow();
        let mut out = Vec::new();
        for (body, role) in bodies {
            // An entrusted organisation's reviews wait for the delegating body's office and
            // head (L2-c, I13, L10-c), not for the organisation's own staff.
            let office = review_body(self.store.as_ref(), &body).await?;
            if office.id != body && !ctx.roles_for(&office.id).contains(&role) {
                continue;
            }
            for case in self.cases_of(ctx, &body).await? {
                let review = workflow.load(&case).await?;
                let wanted = match role {
                    Role::Reviewer => matches!(
                        review.status,
                        ReviewStatus::Pending | ReviewStatus::AwaitingSupplement
                    ),
                    _ => review.status == ReviewStatus::Escalated,
                };
                let Some(round) = review.current().filter(|_| wanted) else {
                    continue;
                };
                let limit = self.time_limit(&body, &case.action).await?;
                let submitted_on = round.submitted_at.to_offset(crate::CHINA_OFFSET).date();
                let due = self
                    .calendar
                    .add_working_days(submitted_on, WorkingDays(limit))
                    .map_err(|err| CoreError::Invalid {
                        field: "due".into(),
                        reason: err.to_string(),
                    })?
                    .value;
                let handling_due = self
                    .case_deadlines(ctx, &case.id)
                    .await?
                    .into_iter()
                    .find(|row| row.key == "decision")
                    .map(|row| row.due.to_string());
                out.push(PendingReview {
                    case_id: case.id.clone(),
                    case_number: case.case_number.clone(),
                    title: case.title.clone(),
                    body: body.clone(),
                    action: case.action.clone(),
                    status: review.status,
                    round: round.version,
                    submitted_at: round.submitted_at,
                    due,
                    limit_working_days: limit,
                    overdue: today > due,
                    handling_due,
                    excluded: role == Role::Reviewer
                        && handled_case(&case, &ctx.user, ctx.officer.as_ref().map(|o| o.as_str())),
                });
            }
        }
        out.sort_by(|a, b| a.due.cmp(&b.due).then(a.case_number.cmp(&b.case_number)));
        Ok(out)
    }

    /// Review statistics per body for supervision (L13-a): reviews, first-round pass rate,
    /// average days, issues by checklist point, escalations. Shown to the district supervision
    /// office (every body) and to a body's AGENCY_HEAD and REVIEWER (their body); anyone else
    /// is refused with `Forbidden`. `body = None`: every body the caller may see.
    pub async fn review_statistics(
        &self,
        ctx: &Ctx,
        body: Option<BodyId>,
    ) -> Result<Vec<ReviewStatistics>, CoreError> {
        let supervisor = ctx.has_district(Role::Supervisor);
        let oversees = |body: &BodyId| {
            supervisor
                || ctx
                    .roles_for(body)
                    .iter()
                    .any(|role| matches!(role, Role::AgencyHead | Role::Reviewer))
        };
        let bodies: Vec<BodyId> = match body {
            Some(body) => vec![body],
            None if supervisor => self.bodies(ctx).await?.into_iter().map(|b| b.id).collect(),
            None => {
                let mut own: Vec<BodyId> = ctx
                    .grants
                    .iter()
                    .filter_map(|grant| grant.body.clone())
                    .filter(|body| oversees(body))
                    .collect();
                own.sort();
                own.dedup();
                own
            }
        };
        if (bodies.is_empty() && !supervisor) || !bodies.iter().all(oversees) {
            return Err(CoreError::forbidden(
                &["L13-a"],
                "法制审核统计仅供监督人员、本机关负责人和法制审核机构查看",
            ));
        }
        let workflow = self.review_workflow();
        let mut out = Vec::new();
        for body in bodies {
            let office = review_body(self.store.as_ref(), &body).await?;
            let catalogue = self.review_catalogue(ctx, &office.id, None).await?;
            let mut stats = ReviewStatistics {
                body: body.clone(),
                has_review_office: office.legal_review_unit().is_some(),
                catalogue_version: catalogue.version,
                reviews: 0,
                rounds: 0,
                first_round_passed: 0,
                first_round_pass_rate: 0.0,
                passed: 0,
                average_days: 0.0,
                issues_by_point: BTreeMap::new(),
                escalations: 0,
                head_for_unit: 0,
                head_for_review: 0,
                pending: 0,
            };
            let mut total_days = 0i64;
            for case in self.cases_of(ctx, &body).await? {
                let review: ReviewView = workflow.load(&case).await?;
                let Some(first) = review.rounds.first() else {
                    continue;
                };
                stats.reviews += 1;
                stats.rounds += review.rounds.len() as u64;
                if first.status() == ReviewStatus::Passed
                    || first
                        .opinion
                        .as_ref()
                        .is_some_and(|o| o.outcome == OpinionOutcome::Approved)
                {
                    stats.first_round_passed += 1;
                }
                if let Some(passed_at) = review.passed_at() {
                    stats.passed += 1;
                    total_days += (passed_at - first.submitted_at).whole_days();
                }
                if matches!(
                    review.status,
                    ReviewStatus::Pending
                        | ReviewStatus::AwaitingSupplement
                        | ReviewStatus::Escalated
                ) {
                    stats.pending += 1;
                }
                for round in &review.rounds {
                    for problem in round.opinion.iter().flat_map(|o| &o.problems) {
                        *stats
                            .issues_by_point
                            .entry(problem.item.clone())
                            .or_default() += 1;
                    }
                    if round.escalation.is_some() {
                        stats.escalations += 1;
                    }
                    match round.head_decision.as_ref().map(|d| d.for_unit) {
                        Some(true) => stats.head_for_unit += 1,
                        Some(false) => stats.head_for_review += 1,
                        None => {}
                    }
                }
            }
            if stats.reviews > 0 {
                stats.first_round_pass_rate =
                    stats.first_round_passed as f64 / stats.reviews as f64;
            }
            if stats.passed > 0 {
                stats.average_days = total_days as f64 / stats.passed as f64;
            }
            out.push(stats);
        }
        self.audit(ctx, "read", "reviews/statistics", "ok").await?;
        Ok(out)
    }
}
