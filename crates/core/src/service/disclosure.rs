//! Disclosure commands and queries (issue 8; 《薛城区行政执法信息公示办法》 D3–D15). The model
//! and folds are in [`crate::disclosure`]; this module checks permissions (D3-a owner body,
//! D5-b steps and separation, D10-a head approval), computes due dates with the calendar and
//! appends records to `disclosure/<id>` streams. Public queries take no [`Ctx`] and return only
//! published, frozen, masked content.

use std::collections::BTreeMap;

use liuhen_calendar::{DeadlineStatus, PeriodRequest, StatusPolicy, WorkingDays, deadline_status};
use liuhen_redact::policy::{Action, Channel, Policy};
use liuhen_redact::{KnownEntities, Role as EntityRole, leak_check, redact};
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::{Date, Duration, Month};

use super::{Ctx, MAX_ATTEMPTS, Services, to_value};
use crate::canonical::to_canonical_bytes;
use crate::case::CaseView;
use crate::disclosure::annual::{self, AnnualFigures};
use crate::disclosure::extract::{self, ExtractContext};
use crate::disclosure::{
    self, CorrectionRequestData, CorrectionStarted, DisclosureState, Drafted, Facts, Form, Ground,
    ItemKind, ItemSource, ItemState, ItemView, LeakOverrideData, Obligation, PermissionSet,
    Published, ReplyData, RequestView, RestrictionDecision, SeparationSet, SettingsView,
    SourceChanged, Step, StepEntry, WithdrawalTrigger, types,
};
use crate::error::{CoreError, Refusal};
use crate::ids::{BodyId, LogIndex, RequirementId, RuleSetId, StreamId, StreamSeq, UserId};
use crate::ports::{
    AppendBatch, DeadlineRow, NewRecord, Projection, ProjectionKind, ProjectionQuery, Receipt,
    StoreError,
};
use crate::record::{Actor, FileRef, Record};
use crate::registry::{BodyKind, BodyView, OfficerView, PowerItemView};
use crate::role::Role;

const MEASURE: &str = "《薛城区行政执法信息公示办法》";
/// The channel liuhen publishes on: the district's government portal, a qualifying online
/// channel for D12-c (I4).
pub const PORTAL_CHANNEL: &str = "政府门户网站";
/// Channels a public version is frozen for.
const CHANNELS: [(Channel, &str); 2] = [
    (Channel::Portal, "portal"),
    (Channel::OpenData, "open-data"),
];

/// A hand-drafted item (D4.5 other information, or any item a collector enters).
#[derive(Debug, Clone, PartialEq)]
pub struct ManualItem {
    /// Owning body.
    pub body: BodyId,
    /// Kind.
    pub kind: ItemKind,
    /// Title.
    pub title: String,
    /// Content fields.
    pub fields: Map<String, Value>,
    /// Natural persons named in the content (masked per P9).
    pub persons: Vec<String>,
    /// Formation or change date (D12-b, entered by the collector).
    pub formation_date: Date,
}

/// A correction request as the public portal takes it in (D13-b).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicCorrectionRequest {
    /// The published item's id.
    pub item: String,
    /// 公民 / 法人 / 其他组织.
    pub requester_type: String,
    /// Name.
    pub requester_name: String,
    /// Contact (phone, address or e-mail).
    pub contact: String,
    /// What is inaccurate, and why.
    pub reason: String,
    /// Proposed correct content.
    pub proposed: String,
    /// Evidence files, already in the blob store (at least one, D13-b).
    pub evidence: Vec<FileRef>,
}

/// A reply that closes a correction request (D13-c).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionReply {
    /// 更正 or 不予更正.
    pub outcome: String,
    /// Reasons (mandatory for 不予更正).
    pub reasons: String,
    /// The written reply.
    pub reply_text: String,
    /// Sending method.
    pub method: String,
    /// Date sent.
    pub sent_on: Date,
}

/// The D14-a event that requires a takedown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalEvent {
    /// 撤销 / 确认违法 / 责令重新作出.
    pub event: String,
    /// 行政复议决定 / 法院裁判 / 本机关自行纠正 / 上级机关.
    pub source: String,
    /// Source document number.
    pub source_doc: String,
    /// Date of the event.
    pub event_date: Date,
}

/// A filter over published items (public).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicFilter {
    /// Only this body.
    pub body: Option<BodyId>,
    /// Only this kind.
    pub kind: Option<ItemKind>,
    /// Published on or after.
    pub from: Option<Date>,
    /// Published on or before.
    pub to: Option<Date>,
    /// Page size (0 = 100, at most 1,000).
    pub limit: u32,
    /// Items to skip.
    pub offset: u32,
}

/// A public note on an item (D13-a 已更正, D14-a 已撤下).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicNote {
    /// `已更正` or `已撤下`.
    pub label: String,
    /// Date.
    pub date: Date,
    /// Text shown.
    pub text: String,
}

/// A published item as the public sees it: no personal data beyond the masked, frozen content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicItem {
    /// Stable id (D11-b).
    pub id: String,
    /// Owning body.
    pub body: BodyId,
    /// Kind.
    pub kind: ItemKind,
    /// Kind label.
    pub kind_label: String,
    /// Title (from the frozen version).
    pub title: String,
    /// Current version.
    pub version: u32,
    /// First publication date.
    pub first_published_on: Date,
    /// Publication date of the current version.
    pub published_on: Date,
    /// The frozen portal JSON of the current version; `None` once withdrawn (D14-a: the notice
    /// replaces the content).
    pub content: Option<Value>,
    /// Notes (已更正 / 已撤下).
    pub notes: Vec<PublicNote>,
}

/// One published version with its place in the log (the portal's "verify" section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicVersion {
    /// Version.
    pub version: u32,
    /// Date.
    pub published_on: Date,
    /// Seq of the publish record in the item stream.
    pub seq: StreamSeq,
    /// Leaf index of the publish record in the global log.
    pub log_index: LogIndex,
    /// Hex hash of the publish record (the leaf's data).
    pub record_hash: String,
    /// Hex hash of the frozen portal JSON (also inside the record).
    pub public_hash: String,
}

/// One item with its version history (public).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicItemDetail {
    /// The item.
    pub item: PublicItem,
    /// Every published version, oldest first; the last is current.
    pub versions: Vec<PublicVersion>,
}

/// The status of a correction request as the public sees it: no personal data (D13-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorrectionStatus {
    /// Tracking number.
    pub tracking: String,
    /// The item concerned.
    pub item: String,
    /// 处理中 / 已答复.
    pub status: String,
    /// Received on.
    pub received_on: Date,
    /// Closed on.
    pub closed_on: Option<Date>,
    /// 更正 / 不予更正, once closed.
    pub outcome: Option<String>,
}

/// Promptness of an obligation the measures call 及时 (I16: never "overdue").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Promptness {
    /// Within the P1 reminder threshold.
    Within,
    /// 已超过提醒时限 (P1 first threshold).
    ReminderThresholdPassed,
    /// 已超过督办时限 (P1 escalation threshold; on SUPERVISOR's dashboard, D13-d, D14-d).
    EscalationThresholdPassed,
}

impl Promptness {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Promptness::Within => "正常",
            Promptness::ReminderThresholdPassed => "已超过提醒时限（P1）",
            Promptness::EscalationThresholdPassed => "已超过督办时限（P1）",
        }
    }
}

/// What a supervision entry is about (D15-a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "issue", rename_all = "snake_case")]
pub enum SupervisionIssue {
    /// Pending past its due date (D12-e 已逾期).
    Overdue {
        /// Working days late.
        working_days: u32,
    },
    /// Pending, due within P8 (D12-e 即将到期).
    DueSoon {
        /// Working days remaining.
        remaining: u32,
    },
    /// Published after the due date (逾期公示).
    Late {
        /// Working days late.
        working_days: u32,
    },
    /// A restriction proposed but not approved by AGENCY_HEAD (D10-a).
    RestrictionUnapproved,
    /// A D10.3 restriction past its re-examination date (D10-e).
    RestrictionReexamineDue,
    /// Prefilled values changed (D3-c).
    PrefillChanged {
        /// Number of changes.
        changes: u32,
    },
    /// A correction request open past a P1 threshold (D13-d).
    CorrectionRequest {
        /// Tracking number.
        tracking: String,
        /// Threshold passed.
        promptness: Promptness,
    },
    /// A takedown (D14-d) or a correction (D13-a) past a P1 threshold.
    Promptness {
        /// What.
        what: String,
        /// Threshold passed.
        promptness: Promptness,
    },
}

/// One line of the supervision dashboard, with the item's step history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupervisionEntry {
    /// Body.
    pub body: BodyId,
    /// Item id.
    pub item: String,
    /// Title.
    pub title: String,
    /// State.
    pub state: ItemState,
    /// Due date of the obligation concerned.
    pub due: Option<Date>,
    /// The issue.
    pub issue: SupervisionIssue,
    /// Label with rule ID and the measure's title (D1-a).
    pub label: String,
    /// History: every step with performer and time (D5-b).
    pub history: Vec<StepEntry>,
}

fn refusal(ids: &[&str], message: &str, details: Vec<String>) -> Refusal {
    Refusal {
        ids: ids.iter().map(|id| RequirementId::new(*id)).collect(),
        message: message.to_owned(),
        citation: MEASURE.to_owned(),
        details,
    }
}

fn invalid(field: &str, reason: &str) -> CoreError {
    CoreError::Invalid {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

fn corrupt(what: String) -> CoreError {
    CoreError::Store(StoreError::Corrupt(what))
}

fn kind_of_stream(id: &str) -> ProjectionKind {
    if id.starts_with("CR") {
        ProjectionKind::DisclosureRequest
    } else if id.starts_with("s-") {
        ProjectionKind::DisclosureSettings
    } else {
        ProjectionKind::Disclosure
    }
}

/// Crockford-free base32 alphabet (RFC 4648) for tracking numbers.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A fresh, unguessable tracking number: `CR` + 20 base32 characters from 100 random bits
/// (UUID v4 randomness from the OS), never sequential (D13-b).
pub fn new_tracking_number() -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let mut bits: u128 = u128::from_be_bytes(bytes);
    let mut out = String::from("CR");
    for _ in 0..20 {
        out.push(char::from(BASE32[(bits & 31) as usize]));
        bits >>= 5;
    }
    out
}

fn known_entities(persons: &[String], organisations: &[String]) -> KnownEntities {
    let mut known = KnownEntities::new();
    for name in persons {
        let _ = known.add_person(name, EntityRole::Party);
    }
    for name in organisations {
        let _ = known.add_organisation(name);
    }
    known
}

/// P9: a policy that masks natural persons' names only (applied to every frozen version).
fn names_policy() -> Policy {
    let mut policy = Policy::for_channel(Channel::Internal);
    if disclosure::P9_MASK_NAMES {
        // Internal channel: setting an action cannot be refused for being too weak.
        let _ = policy.set(liuhen_redact::Kind::PersonName, Action::Name);
    }
    policy
}

fn map_strings(fields: &Map<String, Value>, f: impl Fn(&str) -> String) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => Value::String(f(s)),
                other => other.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        _ => false,
    }
}

fn shanghai_date(at: time::OffsetDateTime) -> Date {
    at.to_offset(crate::CHINA_OFFSET).date()
}

impl Services {
    // ------------------------------------------------------------------ plumbing

    async fn disclosure_state(&self, id: &str) -> Result<Option<DisclosureState>, CoreError> {
        let kind = kind_of_stream(id);
        let Some(row) = self.store.projection(kind, id).await? else {
            return Ok(None);
        };
        let bad =
            |err: serde_json::Error| corrupt(format!("projection {}/{id}: {err}", kind.as_str()));
        Ok(Some(match kind {
            ProjectionKind::DisclosureRequest => {
                DisclosureState::Request(Box::new(serde_json::from_value(row.data).map_err(bad)?))
            }
            ProjectionKind::DisclosureSettings => DisclosureState::Settings(
                row.body
                    .ok_or_else(|| corrupt(format!("settings {id} without body")))?,
                serde_json::from_value(row.data).map_err(bad)?,
            ),
            _ => DisclosureState::Item(Box::new(serde_json::from_value(row.data).map_err(bad)?)),
        }))
    }

    /// The item (internal view) without permission checks.
    async fn item_view(&self, id: &str) -> Result<ItemView, CoreError> {
        match self.disclosure_state(id).await? {
            Some(DisclosureState::Item(view)) => Ok(*view),
            _ => Err(CoreError::NotFound(format!("disclosure/{id}"))),
        }
    }

    async fn settings_of(&self, body: &BodyId) -> Result<SettingsView, CoreError> {
        let id = disclosure::settings_id_for(self.profile, body);
        match self.disclosure_state(&id).await? {
            Some(DisclosureState::Settings(_, view)) => Ok(view),
            _ => Ok(SettingsView::initial()),
        }
    }

    fn disclosure_rule_set(&self, body: &BodyId, date: Date) -> Result<RuleSetId, CoreError> {
        self.rules
            .effective(body, date)
            .or_else(|| self.rules.sets().first().map(AsRef::as_ref))
            .map(|set| set.id.clone())
            .ok_or_else(|| CoreError::RuleSet(vec!["no rule set loaded".to_owned()]))
    }

    /// The refusal of the rule set in force today for `body`, by message key.
    fn disclosure_refusal(
        &self,
        body: &BodyId,
        key: &str,
        ids: &[&str],
        fallback: &str,
        details: Vec<String>,
    ) -> CoreError {
        let today = self.now().date();
        let set = self
            .rules
            .effective(body, today)
            .or_else(|| self.rules.sets().first().map(AsRef::as_ref));
        CoreError::Refused(match set {
            Some(set) => {
                let mut r = set.refusal(key, ids, fallback, details);
                if r.citation.is_empty() {
                    r.citation = MEASURE.to_owned();
                }
                r
            }
            None => refusal(ids, fallback, details),
        })
    }

    /// A D12 / D9 / D14 obligation from `start`, or None for a legacy trigger (D16-a).
    fn obligation(
        &self,
        body: &BodyId,
        key: &str,
        period: &str,
        start: Date,
    ) -> Result<Option<Obligation>, CoreError> {
        if self.rules.effective(body, start).is_none() {
            return Ok(None);
        }
        let deadline = self
            .rules
            .periods()
            .deadline(&self.calendar, period, &PeriodRequest::starting(start))
            .map_err(|err| invalid(period, &err.to_string()))?;
        Ok(Some(Obligation {
            key: key.to_owned(),
            period: period.to_owned(),
            start,
            due: deadline.due,
            provisional: deadline.provisional,
            met_on: None,
        }))
    }

    /// Seals one disclosure record and folds it; returns the new record and the state.
    #[allow(clippy::too_many_arguments)]
    async fn seal_disclosure(
        &self,
        actor: Actor,
        id: &str,
        body: &BodyId,
        record_type: &str,
        data: Map<String, Value>,
        files: Vec<FileRef>,
        rule_set: RuleSetId,
        current: Option<DisclosureState>,
    ) -> Result<(NewRecord, DisclosureState), CoreError> {
        let stream = StreamId::disclosure(id)?;
        let head = self.store.stream_head(&stream).await?;
        let seq = head.map_or(1, |h| h.seq.0 + 1);
        let now = self.now();
        let (record, new) = self.seal(
            stream,
            seq,
            head.map(|h| h.hash),
            record_type,
            body,
            now,
            None,
            actor,
            data,
            files,
            None,
            rule_set,
        )?;
        let state = disclosure::fold_disclosure(current, &record)?;
        Ok((new, state))
    }

    /// Appends one record to a disclosure stream after `check` accepts the current state.
    #[allow(clippy::too_many_arguments)]
    async fn append_disclosure<F>(
        &self,
        ctx_user: &UserId,
        role: Role,
        id: &str,
        body: &BodyId,
        record_type: &str,
        data: Value,
        files: Vec<FileRef>,
        check: F,
    ) -> Result<(Receipt, DisclosureState), CoreError>
    where
        F: Fn(Option<&DisclosureState>) -> Result<(), CoreError>,
    {
        let Value::Object(data) = data else {
            return Err(invalid("data", "not an object"));
        };
        let stream = StreamId::disclosure(id)?;
        let lock = self.stream_lock(&stream);
        let _guard = lock.lock().await;
        let rule_set = self.disclosure_rule_set(body, self.now().date())?;
        for _ in 0..MAX_ATTEMPTS {
            let current = self.disclosure_state(id).await?;
            check(current.as_ref())?;
            let actor = Actor {
                user: ctx_user.clone(),
                role,
                officer: None,
            };
            let (new, state) = self
                .seal_disclosure(
                    actor,
                    id,
                    body,
                    record_type,
                    data.clone(),
                    files.clone(),
                    rule_set.clone(),
                    current,
                )
                .await?;
            let batch = AppendBatch {
                records: vec![new],
                projections: vec![state.projection(id)?],
                deadlines: vec![(stream.clone(), state.deadline_rows())],
                ..AppendBatch::default()
            };
            match self.store.append(batch).await {
                Ok(receipts) => {
                    let receipt = receipts
                        .into_iter()
                        .next()
                        .ok_or_else(|| corrupt("no receipt".into()))?;
                    return Ok((receipt, state));
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(err) => return Err(err.into()),
            }
        }
        Err(CoreError::Conflict(stream.to_string()))
    }

    /// D3-a and D5-b: the caller must be staff of `body` (not SUPERVISOR, not an administrator)
    /// holding `step`. Returns the role to record.
    async fn require_step(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        step: Step,
    ) -> Result<(Role, SettingsView), CoreError> {
        let roles = ctx.roles_for(body);
        let Some(role) = roles.first().copied() else {
            return Err(self.disclosure_refusal(
                body,
                "disclosure_owner",
                &["D3-a"],
                "只有信息所属的行政执法机关可以采集、传递、审核、发布、更正或者撤下公示信息",
                vec![body.to_string()],
            ));
        };
        let settings = self.settings_of(body).await?;
        if !settings.holds(&ctx.user, step) {
            return Err(self.disclosure_refusal(
                body,
                "disclosure_permission",
                &["D5-b"],
                "未被本机关授予该公示步骤的权限",
                vec![step.label().to_owned()],
            ));
        }
        let role = if roles.contains(&Role::AgencyHead) {
            Role::AgencyHead
        } else {
            role
        };
        Ok((role, settings))
    }

    fn require_head(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        key: &str,
        ids: &[&str],
        msg: &str,
    ) -> Result<(), CoreError> {
        if ctx.roles_for(body).contains(&Role::AgencyHead) {
            Ok(())
        } else {
            Err(self.disclosure_refusal(body, key, ids, msg, vec![ctx.user.to_string()]))
        }
    }

    fn state_refusal(&self, view: &ItemView, action: &str) -> CoreError {
        self.disclosure_refusal(
            &view.body,
            "disclosure_state",
            &["D5-b"],
            "公示信息当前状态不能进行此项操作",
            vec![view.state.code().to_owned(), action.to_owned()],
        )
    }

    async fn item_step<F>(
        &self,
        ctx: &Ctx,
        id: &str,
        step: Step,
        record_type: &str,
        data: Value,
        check: F,
    ) -> Result<Receipt, CoreError>
    where
        F: Fn(&ItemView, &SettingsView) -> Result<(), CoreError>,
    {
        let view = self.item_view(id).await?;
        let (role, settings) = self.require_step(ctx, &view.body, step).await?;
        let (receipt, _) = self
            .append_disclosure(
                &ctx.user,
                role,
                id,
                &view.body,
                record_type,
                data,
                Vec::new(),
                |state| match state {
                    Some(DisclosureState::Item(view)) => check(view, &settings),
                    _ => Err(CoreError::NotFound(format!("disclosure/{id}"))),
                },
            )
            .await?;
        self.audit(ctx, "create", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(receipt)
    }

    // ------------------------------------------------------------------ case hook (D3-b)

    /// The disclosure record a case record drafts, if any (D3-b, D8-a/b/c): called by the case
    /// service inside the same batch as the case record, so both are written or neither.
    pub(crate) async fn disclosure_for_case_record(
        &self,
        record: &Record,
        case: &CaseView,
    ) -> Result<Option<(NewRecord, Projection, (StreamId, Vec<DeadlineRow>))>, CoreError> {
        let record_type = record.record_type.as_str();
        let performance = record_type == extract::EXECUTION_STATUS
            && record
                .data
                .get("status")
                .and_then(Value::as_str)
                .is_some_and(|s| extract::PERFORMANCE_STATUSES.contains(&s));
        let spec = extract::source_spec(record_type);
        if spec.is_none() && !performance {
            return Ok(None);
        }
        // D3-a / I13: an entrusted organisation's items belong to its delegating body.
        let case_body: BodyView = self
            .projection_as(ProjectionKind::Body, case.body.as_str())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("body/{}", case.body)))?;
        let owner: BodyView = match (&case_body.profile.kind, &case_body.profile.entrustment) {
            (BodyKind::Entrusted, Some(e)) => self
                .projection_as(ProjectionKind::Body, e.delegating_body.as_str())
                .await?
                .unwrap_or(case_body),
            _ => case_body,
        };
        let date = shanghai_date(record.event_time);
        let item_key = |seq: StreamSeq| format!("case/{}#{}", case.id, seq.0);
        let (kind, title, fields, facts, persons, organisations) = if let Some(spec) = spec {
            let power: Option<PowerItemView> = match &case.power_item {
                Some(id) => {
                    self.projection_as(ProjectionKind::PowerItem, id.as_str())
                        .await?
                }
                None => None,
            };
            let fallback = if extract::party_of(&record.data).is_none() {
                let stored = self.store.read_stream(&record.stream).await?;
                let mut party = None;
                for row in stored.iter().rev() {
                    let r = Record::from_bytes(&row.canonical)?;
                    if let Some(p) = extract::party_of(&r.data) {
                        party = Some(p);
                        break;
                    }
                }
                party
            } else {
                None
            };
            let cx = ExtractContext {
                case,
                body_name: &owner.profile.name,
                matter: power.as_ref().map(|p| p.item.name.as_str()),
                matter_basis: power.as_ref().map_or(&[], |p| p.item.basis.as_slice()),
                fallback_party: fallback.as_ref(),
            };
            let e = extract::extract(spec, &record.data, date, &cx);
            (
                e.kind,
                e.title,
                e.fields,
                e.facts,
                e.persons,
                e.organisations,
            )
        } else {
            let decision = record
                .data
                .get("decision_ref")
                .and_then(Value::as_u64)
                .map(StreamSeq)
                .or_else(|| {
                    case.records
                        .iter()
                        .rev()
                        .find(|r| {
                            r.is_effective() && extract::source_spec(&r.record_type).is_some()
                        })
                        .map(|r| r.seq)
                });
            let decision_item = decision
                .map(|seq| disclosure::item_id_for(self.profile, &item_key(seq)))
                .unwrap_or_default();
            let status = record
                .data
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let mut fields = Map::new();
            fields.insert("decision_item".into(), json!(decision_item));
            fields.insert("status".into(), json!(status.clone()));
            fields.insert(
                "date".into(),
                json!(format!(
                    "{}年{}月{}日",
                    date.year(),
                    u8::from(date.month()),
                    date.day()
                )),
            );
            fields.insert("body_name".into(), json!(owner.profile.name.clone()));
            (
                ItemKind::Performance,
                format!("行政执法决定履行情况（{}）", case.case_number),
                fields,
                Facts {
                    outcome: status,
                    ..Facts::default()
                },
                Vec::new(),
                Vec::new(),
            )
        };
        let period = if extract::seven_day_rule(kind, &case.action) {
            liuhen_calendar::names::DISCLOSURE_DECISION
        } else {
            liuhen_calendar::names::DISCLOSURE
        };
        let source = ItemSource {
            case_id: case.id.clone(),
            case_number: case.case_number.clone(),
            seq: record.seq,
            record_type: record_type.to_owned(),
            action: case.action.clone(),
        };
        // R4-a: a superseding decision changes the existing item (D12 "变更").
        let existing = match record.supersedes {
            Some(old) => {
                let id = disclosure::item_id_for(self.profile, &item_key(old));
                match self.disclosure_state(&id).await? {
                    Some(DisclosureState::Item(view)) => Some((id, view)),
                    _ => None,
                }
            }
            None => None,
        };
        let actor = record.actor.clone();
        let (id, record_type, data, current) = match existing {
            Some((id, view)) => {
                let n = view
                    .obligations
                    .iter()
                    .filter(|o| o.key.starts_with("d12"))
                    .count()
                    + 1;
                let obligation = self.obligation(&owner.id, &format!("d12-{n}"), period, date)?;
                let data = to_value(&SourceChanged {
                    fields,
                    facts,
                    persons,
                    organisations,
                    source: Some(source),
                    change_date: date,
                    obligation,
                })?;
                (
                    id,
                    types::SOURCE_CHANGED,
                    data,
                    Some(DisclosureState::Item(view)),
                )
            }
            None => {
                let id = disclosure::item_id_for(self.profile, &item_key(record.seq));
                let obligation = self.obligation(&owner.id, "d12", period, date)?;
                let data = to_value(&Drafted {
                    kind,
                    title,
                    form: Form::Summary,
                    fields,
                    source: Some(source),
                    facts,
                    persons,
                    organisations,
                    formation_date: date,
                    obligation,
                    auto: true,
                })?;
                (id, types::DRAFTED, data, None)
            }
        };
        let Value::Object(data) = data else {
            return Err(invalid("data", "not an object"));
        };
        let (new, state) = self
            .seal_disclosure(
                actor,
                &id,
                &owner.id,
                record_type,
                data,
                Vec::new(),
                record.rule_set.clone(),
                current,
            )
            .await?;
        let stream = StreamId::disclosure(&id)?;
        Ok(Some((
            new,
            state.projection(&id)?,
            (stream, state.deadline_rows()),
        )))
    }

    // ------------------------------------------------------------------ settings (D5-b)

    /// Grants or revokes one of the four D5-b permissions of `body` (AGENCY_HEAD of the body).
    pub async fn set_disclosure_permission(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        user: &UserId,
        step: Step,
        granted: bool,
    ) -> Result<Receipt, CoreError> {
        self.require_head(
            ctx,
            body,
            "disclosure_permission_admin",
            &["D5-b"],
            "公示权限由本机关负责人授予",
        )?;
        let user_view: Option<crate::registry::UserView> = self
            .projection_as(ProjectionKind::User, user.as_str())
            .await?;
        if !user_view.is_some_and(|u| u.grants.iter().any(|g| g.body.as_ref() == Some(body))) {
            return Err(invalid("user", "只能授予本机关的工作人员"));
        }
        let id = disclosure::settings_id_for(self.profile, body);
        let data = to_value(&PermissionSet {
            user: user.clone(),
            step,
            granted,
        })?;
        let (receipt, _) = self
            .append_disclosure(
                &ctx.user,
                Role::AgencyHead,
                &id,
                body,
                types::PERMISSION_SET,
                data,
                Vec::new(),
                |_| Ok(()),
            )
            .await?;
        self.audit(ctx, "create", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(receipt)
    }

    /// Switches the D5-b separation (reviewer/publisher ≠ collector) on or off, with a reason
    /// (audited; AGENCY_HEAD of the body).
    pub async fn set_disclosure_separation(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        required: bool,
        reason: &str,
    ) -> Result<Receipt, CoreError> {
        self.require_head(
            ctx,
            body,
            "disclosure_permission_admin",
            &["D5-b"],
            "公示权限由本机关负责人授予",
        )?;
        if reason.trim().is_empty() {
            return Err(invalid("reason", "须写明理由"));
        }
        let id = disclosure::settings_id_for(self.profile, body);
        let data = to_value(&SeparationSet {
            required,
            reason: reason.trim().to_owned(),
        })?;
        let (receipt, _) = self
            .append_disclosure(
                &ctx.user,
                Role::AgencyHead,
                &id,
                body,
                types::SEPARATION_SET,
                data,
                Vec::new(),
                |_| Ok(()),
            )
            .await?;
        self.audit(ctx, "create", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(receipt)
    }

    /// A body's D5-b settings (readable by its staff and SUPERVISOR).
    pub async fn disclosure_settings(
        &self,
        ctx: &Ctx,
        body: &BodyId,
    ) -> Result<SettingsView, CoreError> {
        if !ctx.can_read(body) {
            return Err(CoreError::NotFound(format!("body/{body}")));
        }
        self.settings_of(body).await
    }

    // ------------------------------------------------------------------ drafting (D4, D9)

    /// Drafts an item by hand (采集, D4.5/D4-f); the collector is recorded (D5-b).
    pub async fn draft_item(&self, ctx: &Ctx, item: ManualItem) -> Result<String, CoreError> {
        let (role, _) = self.require_step(ctx, &item.body, Step::Collect).await?;
        if item.title.trim().is_empty() || item.fields.is_empty() {
            return Err(invalid("fields", "标题和内容不能为空"));
        }
        let id = disclosure::item_id_for(
            self.profile,
            &format!("manual/{}", uuid::Uuid::new_v4().simple()),
        );
        let obligation = self.obligation(
            &item.body,
            "d12",
            liuhen_calendar::names::DISCLOSURE,
            item.formation_date,
        )?;
        let data = to_value(&Drafted {
            kind: item.kind,
            title: item.title.trim().to_owned(),
            form: Form::Summary,
            fields: item.fields,
            source: None,
            facts: Facts::default(),
            persons: item.persons,
            organisations: Vec::new(),
            formation_date: item.formation_date,
            obligation,
            auto: false,
        })?;
        self.append_disclosure(
            &ctx.user,
            role,
            &id,
            &item.body,
            types::DRAFTED,
            data,
            Vec::new(),
            |s| match s {
                None => Ok(()),
                Some(_) => Err(invalid("id", "已存在")),
            },
        )
        .await?;
        self.audit(ctx, "create", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(id)
    }

    /// Drafts (or, when the registry data changed, re-drafts) the D4 pre-enforcement items of a
    /// body from the registries: body profile, officers with valid credentials, each power item,
    /// each entrustment the body made (D4-a…D4-e, D6-b). `formation_date` is the date the
    /// information took effect or changed (D12-b). Returns the ids of the items written.
    pub async fn draft_pre_enforcement_items(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        formation_date: Date,
    ) -> Result<Vec<String>, CoreError> {
        let (role, _) = self.require_step(ctx, body, Step::Collect).await?;
        let view: BodyView = self
            .projection_as(ProjectionKind::Body, body.as_str())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("body/{body}")))?;
        let powers: Vec<PowerItemView> = self
            .list_as(ProjectionKind::PowerItem, Some(vec![body.clone()]))
            .await?;
        let officers: Vec<OfficerView> = self
            .list_as(ProjectionKind::Officer, Some(vec![body.clone()]))
            .await?;
        let bodies: Vec<BodyView> = self.list_as(ProjectionKind::Body, None).await?;
        let mut drafts: Vec<(String, ItemKind, String, Map<String, Value>)> = Vec::new();
        let kind_label = match view.profile.kind {
            BodyKind::Agency => "行政执法机关",
            BodyKind::Authorized => "法律法规授权组织",
            BodyKind::Entrusted => "受委托组织",
        };
        let unit_name = |unit: &Option<crate::ids::UnitId>| {
            unit.as_ref()
                .and_then(|u| view.units.iter().find(|x| &x.id == u))
                .map_or_else(String::new, |u| u.name.clone())
        };
        let mut fields = Map::new();
        fields.insert("name".into(), json!(view.profile.name));
        fields.insert("kind".into(), json!(kind_label));
        fields.insert("duties".into(), json!(view.profile.duties));
        fields.insert("address".into(), json!(view.profile.address));
        fields.insert(
            "units".into(),
            json!(
                view.units
                    .iter()
                    .map(|u| format!("{}：{}", u.name, u.duties))
                    .collect::<Vec<_>>()
                    .join("；")
            ),
        );
        fields.insert(
            "powers".into(),
            json!(
                powers
                    .iter()
                    .map(|p| p.item.name.clone())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
        );
        drafts.push((
            format!("d4/body/{body}"),
            ItemKind::BodyProfile,
            format!("{}执法主体信息", view.profile.name),
            fields,
        ));
        let mut lines = Vec::new();
        for officer in &officers {
            for c in officer
                .credentials
                .iter()
                .filter(|c| c.valid_for(formation_date, None))
            {
                lines.push(format!(
                    "{}（{}）执法证号{}，执法领域{}，有效期{}至{}",
                    officer.profile.name,
                    unit_name(&officer.profile.unit),
                    c.number,
                    c.domains.join("、"),
                    c.valid_from,
                    c.valid_to
                ));
            }
        }
        let mut fields = Map::new();
        fields.insert("officers".into(), json!(lines.join("；")));
        drafts.push((
            format!("d4/officers/{body}"),
            ItemKind::Officers,
            format!("{}执法人员信息", view.profile.name),
            fields,
        ));
        for p in &powers {
            let mut fields = Map::new();
            fields.insert("name".into(), json!(p.item.name));
            fields.insert("action".into(), json!(p.item.action));
            fields.insert("basis".into(), json!(p.item.basis.join("；")));
            fields.insert("unit".into(), json!(unit_name(&p.item.unit)));
            fields.insert("procedure".into(), json!(p.item.procedure));
            fields.insert("time_limit".into(), json!(p.item.time_limit));
            fields.insert("remedies".into(), json!(p.item.remedies));
            for (k, v) in &p.item.service {
                fields.insert(format!("service.{k}"), json!(v));
            }
            drafts.push((
                format!("d4/power/{}", p.id),
                ItemKind::PowerItem,
                format!("权力事项：{}", p.item.name),
                fields,
            ));
        }
        for other in bodies.iter().filter(|b| {
            b.profile
                .entrustment
                .as_ref()
                .is_some_and(|e| &e.delegating_body == body)
        }) {
            let Some(e) = &other.profile.entrustment else {
                continue;
            };
            let mut fields = Map::new();
            fields.insert(
                "organisation".into(),
                json!(format!("{}（{}）", other.profile.name, other.profile.uscc)),
            );
            fields.insert("basis".into(), json!(e.basis.join("；")));
            fields.insert("matters".into(), json!(e.matters.join("；")));
            fields.insert("scope".into(), json!(e.scope));
            fields.insert(
                "period".into(),
                json!(format!("{}至{}", e.period_from, e.period_to)),
            );
            fields.insert("rights_and_duties".into(), json!(e.rights_and_duties));
            fields.insert("liability".into(), json!(e.liability));
            drafts.push((
                format!("d4/entrust/{}", other.id),
                ItemKind::Entrustment,
                format!("委托执法：{}", other.profile.name),
                fields,
            ));
        }
        let mut written = Vec::new();
        for (key, kind, title, fields) in drafts {
            let id = disclosure::item_id_for(self.profile, &key);
            let existing = self.disclosure_state(&id).await?;
            let (record_type, data) = match &existing {
                Some(DisclosureState::Item(view)) => {
                    if view.prefilled == fields {
                        continue;
                    }
                    let n = view
                        .obligations
                        .iter()
                        .filter(|o| o.key.starts_with("d12"))
                        .count()
                        + 1;
                    let obligation = self.obligation(
                        body,
                        &format!("d12-{n}"),
                        liuhen_calendar::names::DISCLOSURE,
                        formation_date,
                    )?;
                    (
                        types::SOURCE_CHANGED,
                        to_value(&SourceChanged {
                            fields,
                            facts: Facts::default(),
                            persons: Vec::new(),
                            organisations: Vec::new(),
                            source: None,
                            change_date: formation_date,
                            obligation,
                        })?,
                    )
                }
                Some(_) => return Err(corrupt(format!("disclosure/{id} is not an item"))),
                None => {
                    let obligation = self.obligation(
                        body,
                        "d12",
                        liuhen_calendar::names::DISCLOSURE,
                        formation_date,
                    )?;
                    (
                        types::DRAFTED,
                        to_value(&Drafted {
                            kind,
                            title,
                            form: Form::Summary,
                            fields,
                            source: None,
                            facts: Facts::default(),
                            persons: Vec::new(),
                            organisations: Vec::new(),
                            formation_date,
                            obligation,
                            auto: true,
                        })?,
                    )
                }
            };
            self.append_disclosure(
                &ctx.user,
                role,
                &id,
                body,
                record_type,
                data,
                Vec::new(),
                |_| Ok(()),
            )
            .await?;
            written.push(id);
        }
        self.audit(ctx, "create", &format!("body/{body}/disclosure-d4"), "ok")
            .await?;
        Ok(written)
    }

    /// The D9 figures of `body` for `year` (D9-b), computed from the projections.
    pub async fn annual_figures(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        year: i32,
    ) -> Result<AnnualFigures, CoreError> {
        if !ctx.can_read(body) {
            return Err(CoreError::NotFound(format!("body/{body}")));
        }
        let scope = Some(vec![body.clone()]);
        let cases: Vec<CaseView> = self.list_as(ProjectionKind::Case, scope.clone()).await?;
        let items: Vec<ItemView> = self
            .list_as(ProjectionKind::Disclosure, scope.clone())
            .await?;
        let requests: Vec<RequestView> = self
            .list_as(ProjectionKind::DisclosureRequest, scope)
            .await?;
        Ok(annual::compute(body, year, &cases, &items, &requests))
    }

    /// Drafts (or refreshes) the D9 annual-data item of `body` for `year`, due 31 January of
    /// the next year (D9-a, T4, I3). Publishing it is the ordinary workflow.
    pub async fn draft_annual_item(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        year: i32,
    ) -> Result<String, CoreError> {
        let (role, _) = self.require_step(ctx, body, Step::Collect).await?;
        let figures = self.annual_figures(ctx, body, year).await?;
        let mut fields = Map::new();
        fields.insert("year".into(), json!(year.to_string()));
        fields.insert("figures".into(), to_value(&figures)?);
        let id = disclosure::item_id_for(self.profile, &format!("annual/{body}/{year}"));
        let start = Date::from_calendar_date(year, Month::December, 31)
            .map_err(|e| invalid("year", &e.to_string()))?;
        let formed = start + Duration::days(1);
        let body_name = self
            .projection_as::<BodyView>(ProjectionKind::Body, body.as_str())
            .await?
            .map_or_else(|| body.to_string(), |b| b.profile.name);
        let (record_type, data) = match self.disclosure_state(&id).await? {
            Some(DisclosureState::Item(view)) => {
                if view.prefilled == fields {
                    return Ok(id);
                }
                (
                    types::SOURCE_CHANGED,
                    to_value(&SourceChanged {
                        fields,
                        facts: Facts::default(),
                        persons: Vec::new(),
                        organisations: Vec::new(),
                        source: None,
                        change_date: self.now().date(),
                        obligation: None,
                    })?,
                )
            }
            Some(_) => return Err(corrupt(format!("disclosure/{id} is not an item"))),
            None => {
                let obligation =
                    self.obligation(body, "d9", liuhen_calendar::names::ANNUAL_DATA, start)?;
                (
                    types::DRAFTED,
                    to_value(&Drafted {
                        kind: ItemKind::AnnualData,
                        title: format!("{body_name}{year}年度行政执法数据"),
                        form: Form::Summary,
                        fields,
                        source: None,
                        facts: Facts::default(),
                        persons: Vec::new(),
                        organisations: Vec::new(),
                        formation_date: formed,
                        obligation,
                        auto: true,
                    })?,
                )
            }
        };
        self.append_disclosure(
            &ctx.user,
            role,
            &id,
            body,
            record_type,
            data,
            Vec::new(),
            |_| Ok(()),
        )
        .await?;
        self.audit(ctx, "create", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(id)
    }

    // ------------------------------------------------------------------ workflow (D5-b)

    /// 采集: a collector confirms the item, changing prefilled values with a reason (D3-c).
    pub async fn collect_item(
        &self,
        ctx: &Ctx,
        id: &str,
        changes: Map<String, Value>,
        reason: &str,
    ) -> Result<Receipt, CoreError> {
        let data = json!({"changes": changes, "reason": reason.trim()});
        let changes_prefilled = !changes.is_empty();
        self.item_step(ctx, id, Step::Collect, types::COLLECTED, data, |view, _| {
            if !matches!(
                view.state,
                ItemState::Drafted
                    | ItemState::Collected
                    | ItemState::Submitted
                    | ItemState::Approved
            ) {
                return Err(self.state_refusal(view, "collect"));
            }
            if changes_prefilled
                && reason.trim().is_empty()
                && changes.keys().any(|k| view.prefilled.contains_key(k))
            {
                return Err(self.disclosure_refusal(
                    &view.body,
                    "disclosure_change_reason",
                    &["D3-c"],
                    "修改系统预填的内容须说明理由",
                    changes.keys().cloned().collect(),
                ));
            }
            Ok(())
        })
        .await
    }

    /// Prepares the redacted public versions per channel (适当处理, D10-c, D10-d) with the
    /// redaction crate's channel policies. Collect or review permission.
    pub async fn redact_item(&self, ctx: &Ctx, id: &str) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        let step = if self
            .settings_of(&view.body)
            .await?
            .holds(&ctx.user, Step::Review)
        {
            Step::Review
        } else {
            Step::Collect
        };
        let known = known_entities(&view.persons, &view.organisations);
        let mut versions = Map::new();
        let mut findings: BTreeMap<String, u64> = BTreeMap::new();
        for (channel, name) in CHANNELS {
            let policy = Policy::for_channel(channel);
            let masked = map_strings(&view.fields, |text| redact(text, &policy, &known).text);
            versions.insert(name.to_owned(), Value::Object(masked));
        }
        for text in view.fields.values().filter_map(Value::as_str) {
            for f in liuhen_redact::scan(text, &known) {
                *findings.entry(f.kind.label_zh().to_owned()).or_default() += 1;
            }
        }
        let data = json!({"versions": versions, "findings": findings});
        let version = view.content_version;
        self.item_step(ctx, id, step, types::REDACTED, data, |v, _| {
            if v.content_version != version {
                return Err(CoreError::Conflict(format!("disclosure/{id}")));
            }
            if matches!(v.state, ItemState::Restricted | ItemState::Withdrawn) {
                return Err(self.state_refusal(v, "redact"));
            }
            Ok(())
        })
        .await
    }

    /// 传递: submits the collected item for review.
    pub async fn submit_item(&self, ctx: &Ctx, id: &str) -> Result<Receipt, CoreError> {
        self.item_step(
            ctx,
            id,
            Step::Submit,
            types::SUBMITTED,
            json!({}),
            |view, _| {
                if view.state != ItemState::Collected {
                    return Err(self.state_refusal(view, "submit"));
                }
                self.check_mandatory(view)
            },
        )
        .await
    }

    /// 审核: approves or returns the item; the reviewer must not be a collector of the current
    /// content while the body's separation switch is on (D5-b).
    pub async fn review_item(
        &self,
        ctx: &Ctx,
        id: &str,
        approve: bool,
        opinion: &str,
    ) -> Result<Receipt, CoreError> {
        let user = ctx.user.clone();
        self.item_step(
            ctx,
            id,
            Step::Review,
            types::REVIEWED,
            json!({"approve": approve, "opinion": opinion.trim()}),
            |view, settings| {
                if view.state != ItemState::Submitted {
                    return Err(self.state_refusal(view, "review"));
                }
                self.check_separation(view, settings, &user)
            },
        )
        .await
    }

    fn check_separation(
        &self,
        view: &ItemView,
        settings: &SettingsView,
        user: &UserId,
    ) -> Result<(), CoreError> {
        if settings.separation && view.collectors.contains(user) {
            return Err(self.disclosure_refusal(
                &view.body,
                "disclosure_separation",
                &["D5-b"],
                "审核、发布公示信息的人员不得与采集人员为同一人",
                vec![user.to_string()],
            ));
        }
        Ok(())
    }

    fn check_mandatory(&self, view: &ItemView) -> Result<(), CoreError> {
        let missing: Vec<String> = view
            .kind
            .mandatory_fields()
            .iter()
            .filter(|k| is_blank(view.fields.get(**k)))
            .map(|k| (*k).to_owned())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(self.disclosure_refusal(
            &view.body,
            "disclosure_fields_missing",
            &["D5-c", "D8-e", "D4-b"],
            "公示内容的必填项为空，不得传递或者发布",
            missing,
        ))
    }

    /// 发布: freezes the public version per channel and appends it (its hash goes into the
    /// log). Refused while restricted (D10-a), while a mandatory field is empty (D5-c, D8-e),
    /// while an identity or mobile number is unmasked (D10-d) — unless AGENCY_HEAD records an
    /// override reason — and, with separation on, for a collector (D5-b).
    pub async fn publish_item(
        &self,
        ctx: &Ctx,
        id: &str,
        leak_override: Option<&str>,
    ) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        let (role, settings) = self.require_step(ctx, &view.body, Step::Publish).await?;
        if view.restriction.is_some() || view.state == ItemState::Restricted {
            return Err(self.disclosure_refusal(
                &view.body,
                "disclosure_restricted",
                &["D10-a"],
                "已决定不予公示或者正在审批不予公示的信息不得发布",
                vec![],
            ));
        }
        if view.state != ItemState::Approved {
            return Err(self.state_refusal(&view, "publish"));
        }
        self.check_separation(&view, &settings, &ctx.user)?;
        self.check_mandatory(&view)?;
        let known = known_entities(&view.persons, &view.organisations);
        let names = names_policy();
        let mut leaks = Vec::new();
        let mut public = BTreeMap::new();
        let mut hashes = BTreeMap::new();
        let body_name = self
            .projection_as::<BodyView>(ProjectionKind::Body, view.body.as_str())
            .await?
            .map_or_else(|| view.body.to_string(), |b| b.profile.name);
        let version = u32::try_from(view.versions.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let published_on = self.now().date();
        for (_, name) in CHANNELS {
            let candidate = match view.redacted.get(name) {
                Some(fields) if view.redacted_for == view.content_version => fields.clone(),
                _ => view.fields.clone(),
            };
            for (key, value) in &candidate {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if let Err(liuhen_redact::error::LeakError::UnmaskedPersonalData { leaks: found }) =
                    leak_check(&text, &known)
                {
                    for f in found {
                        let line = format!("{name}.{key}: {}", f.kind.label_zh());
                        if !leaks.contains(&line) {
                            leaks.push(line);
                        }
                    }
                }
            }
            let masked = map_strings(&candidate, |t| redact(t, &names, &known).text);
            let title = redact(&view.title, &names, &known).text;
            let frozen = json!({
                "id": view.id,
                "body": view.body,
                "body_name": body_name,
                "kind": view.kind,
                "kind_label": view.kind.label(),
                "title": title,
                "form": view.form,
                "fields": masked,
                "version": version,
                "published_on": published_on.to_string(),
                "channel": name,
            });
            let bytes = to_canonical_bytes(&frozen)?;
            hashes.insert(name.to_owned(), hex::encode(self.record_hash(&bytes)));
            public.insert(name.to_owned(), frozen);
        }
        let leak_override = if leaks.is_empty() {
            None
        } else {
            match leak_override.map(str::trim).filter(|r| !r.is_empty()) {
                None => {
                    return Err(self.disclosure_refusal(
                        &view.body,
                        "disclosure_leak",
                        &["D10-d"],
                        "公示内容中仍有未脱敏的身份证号或者手机号，不得发布",
                        leaks,
                    ));
                }
                Some(reason) => {
                    self.require_head(
                        ctx,
                        &view.body,
                        "disclosure_leak_override",
                        &["D10-d"],
                        "放行未脱敏信息须由行政执法机关负责人记录理由",
                    )?;
                    Some(LeakOverrideData {
                        reason: reason.to_owned(),
                        findings: leaks,
                    })
                }
            }
        };
        let data = to_value(&Published {
            version,
            channel: PORTAL_CHANNEL.to_owned(),
            location: format!("/disclosure/{id}"),
            public,
            public_hash: hashes,
            leak_override,
        })?;
        let expected_seq = view.last_seq;
        let (receipt, _) = self
            .append_disclosure(
                &ctx.user,
                role,
                id,
                &view.body,
                types::PUBLISHED,
                data,
                Vec::new(),
                |s| match s {
                    Some(DisclosureState::Item(v)) if v.last_seq == expected_seq => Ok(()),
                    _ => Err(CoreError::Conflict(format!("disclosure/{id}"))),
                },
            )
            .await?;
        self.audit(ctx, "publish", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(receipt)
    }

    // ------------------------------------------------------------------ restrictions (D10)

    /// Proposes a D10 restriction with its ground and reason (collect permission); it takes
    /// effect only with AGENCY_HEAD approval ([`Services::decide_restriction`]).
    pub async fn propose_restriction(
        &self,
        ctx: &Ctx,
        id: &str,
        ground: Ground,
        reason: &str,
        citation: &str,
    ) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        if reason.trim().is_empty() || (ground == Ground::Other && citation.trim().is_empty()) {
            return Err(self.disclosure_refusal(
                &view.body,
                "disclosure_restriction_reason",
                &["D10-a"],
                "不予公示须写明理由；依据法律、法规和规章不予公开的，须注明依据",
                vec![],
            ));
        }
        let data = json!({"ground": ground, "reason": reason.trim(), "citation": citation.trim()});
        self.item_step(
            ctx,
            id,
            Step::Collect,
            types::RESTRICTION_PROPOSED,
            data,
            |v, _| {
                if matches!(
                    v.state,
                    ItemState::Published | ItemState::Restricted | ItemState::Withdrawn
                ) || v.restriction.is_some()
                {
                    return Err(self.state_refusal(v, "restrict"));
                }
                Ok(())
            },
        )
        .await
    }

    /// AGENCY_HEAD approves or refuses a proposed restriction (D10-a); a D10.3 restriction gets
    /// its re-examination date, approval + P7 (D10-e).
    pub async fn decide_restriction(
        &self,
        ctx: &Ctx,
        id: &str,
        approve: bool,
        reason: &str,
    ) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        self.require_head(
            ctx,
            &view.body,
            "disclosure_restriction_approval",
            &["D10-a"],
            "不予公示须经行政执法机关负责人批准",
        )?;
        let Some(restriction) = view.restriction.clone().filter(|r| r.approved_by.is_none()) else {
            return Err(self.state_refusal(&view, "decide_restriction"));
        };
        let reexamine_on = (approve && restriction.ground == Ground::Obstruction)
            .then(|| self.now().date() + Duration::days(disclosure::P7_REEXAMINE_DAYS));
        let data = to_value(&RestrictionDecision {
            approve,
            reason: reason.trim().to_owned(),
            reexamine_on,
            obligation: None,
        })?;
        let (receipt, _) = self
            .append_disclosure(
                &ctx.user,
                Role::AgencyHead,
                id,
                &view.body,
                types::RESTRICTION_DECIDED,
                data,
                Vec::new(),
                |_| Ok(()),
            )
            .await?;
        self.audit(ctx, "create", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(receipt)
    }

    /// AGENCY_HEAD renews (next date + P7) or lifts a restriction on re-examination (D10-e);
    /// after lifting the item gets a D12-b due date counted from the lifting date.
    pub async fn reexamine_restriction(
        &self,
        ctx: &Ctx,
        id: &str,
        renew: bool,
        reason: &str,
    ) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        self.require_head(
            ctx,
            &view.body,
            "disclosure_restriction_approval",
            &["D10-a", "D10-e"],
            "不予公示的复核由行政执法机关负责人决定",
        )?;
        if view.state != ItemState::Restricted || reason.trim().is_empty() {
            return Err(self.state_refusal(&view, "reexamine"));
        }
        let today = self.now().date();
        let n = view
            .obligations
            .iter()
            .filter(|o| o.key.starts_with("d12"))
            .count()
            + 1;
        let obligation = if renew {
            None
        } else {
            self.obligation(
                &view.body,
                &format!("d12-{n}"),
                liuhen_calendar::names::DISCLOSURE,
                today,
            )?
        };
        let data = to_value(&RestrictionDecision {
            approve: renew,
            reason: reason.trim().to_owned(),
            reexamine_on: renew.then(|| today + Duration::days(disclosure::P7_REEXAMINE_DAYS)),
            obligation,
        })?;
        let (receipt, _) = self
            .append_disclosure(
                &ctx.user,
                Role::AgencyHead,
                id,
                &view.body,
                types::RESTRICTION_REEXAMINED,
                data,
                Vec::new(),
                |_| Ok(()),
            )
            .await?;
        self.audit(ctx, "create", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(receipt)
    }

    // ------------------------------------------------------------------ corrections (D13)

    /// The body corrects a published item (D13-a; `request` links a D13-b request). The new
    /// version goes through submit → review → publish again; the public keeps the old version
    /// until then.
    pub async fn correct_item(
        &self,
        ctx: &Ctx,
        id: &str,
        changes: Map<String, Value>,
        reason: &str,
        discovered_on: Date,
        request: Option<&str>,
    ) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        if changes.is_empty() || reason.trim().is_empty() {
            return Err(self.disclosure_refusal(
                &view.body,
                "disclosure_change_reason",
                &["D13-a", "D3-c"],
                "更正须写明更正内容和理由",
                vec![],
            ));
        }
        if let Some(tracking) = request {
            match self.disclosure_state(tracking).await? {
                Some(DisclosureState::Request(r)) if r.item == id => {}
                _ => return Err(invalid("request", "更正申请不存在或者不涉及本信息")),
            }
        }
        let data = to_value(&CorrectionStarted {
            changes,
            reason: reason.trim().to_owned(),
            discovered_on,
            request: request.map(str::to_owned),
        })?;
        self.item_step(
            ctx,
            id,
            Step::Collect,
            types::CORRECTION_STARTED,
            data,
            |v, _| {
                if v.state != ItemState::Published {
                    return Err(self.state_refusal(v, "correct"));
                }
                Ok(())
            },
        )
        .await
    }

    /// Takes in a correction request from the public portal (D13-b) and returns its tracking
    /// number (random, unguessable). The item must be published; evidence is mandatory.
    pub async fn submit_correction_request(
        &self,
        request: PublicCorrectionRequest,
    ) -> Result<String, CoreError> {
        let item = self
            .item_view(&request.item)
            .await
            .map_err(|_| CoreError::NotFound(format!("disclosure/{}", request.item)))?;
        if !item.is_public() {
            return Err(CoreError::NotFound(format!("disclosure/{}", request.item)));
        }
        let blank = |s: &str| s.trim().is_empty();
        if blank(&request.requester_name)
            || blank(&request.contact)
            || blank(&request.reason)
            || request.evidence.is_empty()
            || !["公民", "法人", "其他组织"].contains(&request.requester_type.as_str())
        {
            return Err(self.disclosure_refusal(
                &item.body,
                "disclosure_correction_request",
                &["D13-b"],
                "更正申请须写明申请人类型、姓名或者名称、联系方式、不准确的内容，并提供证据",
                vec![],
            ));
        }
        let tracking = new_tracking_number();
        let data = to_value(&CorrectionRequestData {
            item: request.item.clone(),
            requester_type: request.requester_type,
            requester_name: request.requester_name.trim().to_owned(),
            contact: request.contact.trim().to_owned(),
            reason: request.reason.trim().to_owned(),
            proposed: request.proposed.trim().to_owned(),
        })?;
        let public = UserId::new("public")?;
        self.append_disclosure(
            &public,
            Role::Public,
            &tracking,
            &item.body,
            types::REQUEST_RECEIVED,
            data,
            request.evidence,
            |s| match s {
                None => Ok(()),
                Some(_) => Err(CoreError::Conflict(tracking.clone())),
            },
        )
        .await?;
        self.store
            .audit(crate::ports::AuditEntry {
                time: self.now(),
                user: None,
                action: "correction_request".into(),
                object: format!("disclosure/{}", request.item),
                client_ip: None,
                outcome: "ok".into(),
            })
            .await?;
        Ok(tracking)
    }

    /// Closes a request with the written reply (D13-c): 更正 needs the corrected version to be
    /// published first; 不予更正 needs reasons.
    pub async fn reply_correction_request(
        &self,
        ctx: &Ctx,
        tracking: &str,
        reply: CorrectionReply,
    ) -> Result<Receipt, CoreError> {
        let Some(DisclosureState::Request(request)) = self.disclosure_state(tracking).await? else {
            return Err(CoreError::NotFound(format!("disclosure/{tracking}")));
        };
        let role = match self.require_step(ctx, &request.body, Step::Review).await {
            Ok((role, _)) => role,
            Err(_) => {
                self.require_step(ctx, &request.body, Step::Collect)
                    .await?
                    .0
            }
        };
        let item = self.item_view(&request.item).await?;
        let correction_version = item
            .corrections
            .iter()
            .find(|c| c.request.as_deref() == Some(tracking))
            .and_then(|c| c.version);
        let ok = !reply.reply_text.trim().is_empty()
            && !reply.method.trim().is_empty()
            && match reply.outcome.as_str() {
                "更正" => correction_version.is_some(),
                "不予更正" => !reply.reasons.trim().is_empty(),
                _ => false,
            };
        if !ok {
            return Err(self.disclosure_refusal(
                &request.body,
                "disclosure_reply",
                &["D13-c"],
                "更正申请须以书面答复办结：更正的须先发布更正后的信息，不予更正的须说明理由",
                vec![reply.outcome.clone()],
            ));
        }
        let data = to_value(&ReplyData {
            outcome: reply.outcome,
            reasons: reply.reasons.trim().to_owned(),
            reply_text: reply.reply_text.trim().to_owned(),
            method: reply.method.trim().to_owned(),
            sent_on: reply.sent_on,
            correction_version,
        })?;
        let (receipt, _) = self
            .append_disclosure(
                &ctx.user,
                role,
                tracking,
                &request.body,
                types::REQUEST_REPLIED,
                data,
                Vec::new(),
                |s| match s {
                    Some(DisclosureState::Request(r)) if r.reply.is_none() => Ok(()),
                    _ => Err(invalid("tracking", "更正申请已办结")),
                },
            )
            .await?;
        self.audit(ctx, "create", &format!("disclosure/{tracking}"), "ok")
            .await?;
        Ok(receipt)
    }

    /// The public status of a correction request: no personal data (D13-b).
    pub async fn correction_status(&self, tracking: &str) -> Result<CorrectionStatus, CoreError> {
        let not_found = || CoreError::NotFound("更正申请".to_owned());
        if !tracking.starts_with("CR") || crate::ids::StreamId::disclosure(tracking).is_err() {
            return Err(not_found());
        }
        let Some(DisclosureState::Request(r)) = self.disclosure_state(tracking).await? else {
            return Err(not_found());
        };
        Ok(CorrectionStatus {
            tracking: r.tracking,
            item: r.item,
            status: if r.reply.is_some() {
                "已答复".into()
            } else {
                "处理中".into()
            },
            received_on: r.received_on,
            closed_on: r.closed_on,
            outcome: r.reply.map(|x| x.outcome),
        })
    }

    /// Correction requests of a body (staff of the body or SUPERVISOR; contains personal data).
    pub async fn correction_requests(
        &self,
        ctx: &Ctx,
        body: &BodyId,
    ) -> Result<Vec<RequestView>, CoreError> {
        if !ctx.can_read(body) {
            return Err(CoreError::NotFound(format!("body/{body}")));
        }
        let out = self
            .list_as(ProjectionKind::DisclosureRequest, Some(vec![body.clone()]))
            .await?;
        self.audit(
            ctx,
            "read",
            &format!("body/{body}/correction-requests"),
            "ok",
        )
        .await?;
        Ok(out)
    }

    /// One evidence file of a correction request (D13.p2: the applicant's evidence, which the
    /// portal stores in the blob store), for staff of the owning body or SUPERVISOR. Anyone else,
    /// an unknown request or a file the request does not name gets `NotFound`. Audited as a read
    /// of personal data.
    pub async fn correction_request_evidence(
        &self,
        ctx: &Ctx,
        tracking: &str,
        sha256: &str,
    ) -> Result<(FileRef, crate::blobs::BlobReader), CoreError> {
        let not_found = || CoreError::NotFound(format!("disclosure/{tracking}/evidence"));
        if !tracking.starts_with("CR") || StreamId::disclosure(tracking).is_err() {
            return Err(not_found());
        }
        let Some(DisclosureState::Request(request)) = self.disclosure_state(tracking).await? else {
            return Err(not_found());
        };
        if !ctx.can_read(&request.body) {
            return Err(not_found());
        }
        let file = request
            .evidence
            .iter()
            .find(|f| f.sha256 == sha256)
            .cloned()
            .ok_or_else(not_found)?;
        let blobs = self.blobs.as_ref().ok_or_else(not_found)?;
        let reader = blobs
            .open_range(sha256, None)
            .await
            .map_err(|err| match err {
                crate::blobs::BlobError::NotFound(_) => not_found(),
                other => CoreError::Store(StoreError::Backend(Box::new(other))),
            })?;
        self.audit(
            ctx,
            "read",
            &format!("disclosure/{tracking}/evidence/{sha256}"),
            "ok",
        )
        .await?;
        Ok((file, reader))
    }

    // ------------------------------------------------------------------ withdrawal (D14)

    /// Records that a published decision was revoked, confirmed unlawful or ordered remade
    /// (D14-a); for a penalty the takedown is due in 3 working days (行政处罚法 第四十八条).
    pub async fn record_withdrawal_trigger(
        &self,
        ctx: &Ctx,
        id: &str,
        event: WithdrawalEvent,
    ) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        if !["撤销", "确认违法", "责令重新作出"].contains(&event.event.as_str())
            || event.source.trim().is_empty()
            || event.source_doc.trim().is_empty()
        {
            return Err(self.disclosure_refusal(
                &view.body,
                "disclosure_withdrawal",
                &["D14-a"],
                "撤下须记明事由（撤销、确认违法或者责令重新作出）、来源和文书文号",
                vec![],
            ));
        }
        let penalty = view.source.as_ref().is_some_and(|s| s.action == "penalty");
        let obligation = if penalty {
            self.obligation(
                &view.body,
                "d14",
                liuhen_calendar::names::PENALTY_WITHDRAWAL,
                event.event_date,
            )?
        } else {
            None
        };
        let data = to_value(&WithdrawalTrigger {
            event: event.event,
            source: event.source.trim().to_owned(),
            source_doc: event.source_doc.trim().to_owned(),
            event_date: event.event_date,
            obligation,
        })?;
        self.item_step(
            ctx,
            id,
            Step::Collect,
            types::WITHDRAWAL_TRIGGERED,
            data,
            |v, _| {
                if !v.is_public() || v.withdrawal.is_some() || v.kind != ItemKind::Decision {
                    return Err(self.state_refusal(v, "withdrawal_trigger"));
                }
                Ok(())
            },
        )
        .await
    }

    /// Takes the item down with an explanation (D14-a; publish permission). The portal then
    /// shows the notice instead of the content; the history stays in the log.
    pub async fn withdraw_item(
        &self,
        ctx: &Ctx,
        id: &str,
        explanation: &str,
    ) -> Result<Receipt, CoreError> {
        let view = self.item_view(id).await?;
        let known = known_entities(&view.persons, &view.organisations);
        if explanation.trim().is_empty() || leak_check(explanation, &known).is_err() {
            return Err(self.disclosure_refusal(
                &view.body,
                "disclosure_withdrawal",
                &["D14-a", "D10-d"],
                "撤下须作必要的说明，说明中不得含有未脱敏的个人信息",
                vec![],
            ));
        }
        let text = redact(explanation.trim(), &names_policy(), &known).text;
        self.item_step(
            ctx,
            id,
            Step::Publish,
            types::WITHDRAWN,
            json!({"explanation": text}),
            |v, _| {
                if v.withdrawal
                    .as_ref()
                    .is_none_or(|w| w.withdrawn_on.is_some())
                {
                    return Err(self.state_refusal(v, "withdraw"));
                }
                Ok(())
            },
        )
        .await
    }

    // ------------------------------------------------------------------ staff queries

    /// One item, internal view (staff of the owning body or SUPERVISOR; audited).
    pub async fn disclosure_item(&self, ctx: &Ctx, id: &str) -> Result<ItemView, CoreError> {
        let view = self.item_view(id).await?;
        if !ctx.can_read(&view.body) {
            return Err(CoreError::NotFound(format!("disclosure/{id}")));
        }
        self.audit(ctx, "read", &format!("disclosure/{id}"), "ok")
            .await?;
        Ok(view)
    }

    /// Items of the caller's bodies (or one body), optionally in one state.
    pub async fn disclosure_items(
        &self,
        ctx: &Ctx,
        body: Option<&BodyId>,
        state: Option<ItemState>,
    ) -> Result<Vec<ItemView>, CoreError> {
        let bodies = match (body, ctx.readable_bodies()) {
            (Some(b), _) if !ctx.can_read(b) => return Ok(Vec::new()),
            (Some(b), _) => Some(vec![b.clone()]),
            (None, readable) => readable,
        };
        let items: Vec<ItemView> = self.list_as(ProjectionKind::Disclosure, bodies).await?;
        Ok(items
            .into_iter()
            .filter(|i| state.is_none_or(|s| i.state == s))
            .collect())
    }

    // ------------------------------------------------------------------ public queries

    fn public_item(view: &ItemView) -> Option<PublicItem> {
        let current = view.versions.last()?;
        let first = view.versions.first()?;
        let content = view.public.get("portal").cloned();
        let title = content
            .as_ref()
            .and_then(|c| c.get("title"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut notes = Vec::new();
        for c in view.corrections.iter().filter(|c| c.published_on.is_some()) {
            if let Some(on) = c.published_on {
                notes.push(PublicNote {
                    label: "已更正".into(),
                    date: on,
                    text: format!("本信息已于{}更正（第{}版）", on, c.version.unwrap_or(0)),
                });
            }
        }
        let withdrawn = view.state == ItemState::Withdrawn;
        if let Some(w) = view.withdrawal.as_ref().filter(|_| withdrawn)
            && let Some(on) = w.withdrawn_on
        {
            notes.push(PublicNote {
                label: "已撤下".into(),
                date: on,
                text: format!(
                    "该行政执法决定已于{}被{}（{}，{}），原决定信息已撤下。说明：{}",
                    w.trigger.event_date,
                    w.trigger.event,
                    w.trigger.source,
                    w.trigger.source_doc,
                    w.explanation
                ),
            });
        }
        Some(PublicItem {
            id: view.id.clone(),
            body: view.body.clone(),
            kind: view.kind,
            kind_label: view.kind.label().to_owned(),
            title,
            version: current.version,
            first_published_on: first.published_on,
            published_on: current.published_on,
            content: if withdrawn { None } else { content },
            notes,
        })
    }

    /// Published items (public, no login): only items with a published version; the content
    /// is the frozen, masked portal version (D11-b).
    pub async fn published_items(
        &self,
        filter: &PublicFilter,
    ) -> Result<Vec<PublicItem>, CoreError> {
        let bodies = filter.body.clone().map(|b| vec![b]);
        let limit = if filter.limit == 0 {
            100
        } else {
            filter.limit.min(1000)
        } as usize;
        let mut out = Vec::new();
        let mut skipped = 0u32;
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_projections(&ProjectionQuery {
                    kind: Some(ProjectionKind::Disclosure),
                    bodies: bodies.clone(),
                    status: None,
                    limit: 1000,
                    offset,
                })
                .await?;
            let n = page.len();
            for row in page {
                let view: ItemView =
                    serde_json::from_value(row.data).map_err(|e| corrupt(e.to_string()))?;
                let Some(item) = Self::public_item(&view) else {
                    continue;
                };
                if filter.kind.is_some_and(|k| k != item.kind)
                    || filter.from.is_some_and(|d| item.published_on < d)
                    || filter.to.is_some_and(|d| item.published_on > d)
                {
                    continue;
                }
                if skipped < filter.offset {
                    skipped += 1;
                    continue;
                }
                out.push(item);
                if out.len() >= limit {
                    return Ok(out);
                }
            }
            if n < 1000 {
                return Ok(out);
            }
            offset += 1000;
        }
    }

    /// One published item with its versions and their log positions (public; D11-b stable id,
    /// the portal's "verify" section).
    pub async fn published_item(&self, id: &str) -> Result<PublicItemDetail, CoreError> {
        let not_found = || CoreError::NotFound(format!("disclosure/{id}"));
        if !id.starts_with("d-") {
            return Err(not_found());
        }
        let view = self.item_view(id).await.map_err(|_| not_found())?;
        let item = Self::public_item(&view).ok_or_else(not_found)?;
        let stored = self.store.read_stream(&StreamId::disclosure(id)?).await?;
        let mut versions = Vec::new();
        for v in &view.versions {
            let Some(row) = stored.iter().find(|r| r.seq == v.seq) else {
                return Err(corrupt(format!("disclosure/{id}#{} missing", v.seq.0)));
            };
            versions.push(PublicVersion {
                version: v.version,
                published_on: v.published_on,
                seq: v.seq,
                log_index: row.log_index,
                record_hash: hex::encode(row.hash),
                public_hash: v.public_hash.get("portal").cloned().unwrap_or_default(),
            });
        }
        Ok(PublicItemDetail { item, versions })
    }

    // ------------------------------------------------------------------ supervision (D15)

    fn promptness(&self, start: Date, today: Date) -> Result<Promptness, CoreError> {
        let at = |n: u32| {
            self.calendar
                .add_working_days(start, WorkingDays(n))
                .map(|r| r.value)
                .map_err(|e| invalid("calendar", &e.to_string()))
        };
        Ok(if today > at(disclosure::P1_ESCALATION_WORKING_DAYS)? {
            Promptness::EscalationThresholdPassed
        } else if today > at(disclosure::P1_REMINDER_WORKING_DAYS)? {
            Promptness::ReminderThresholdPassed
        } else {
            Promptness::Within
        })
    }

    /// The D15-a dashboard: per body, overdue and due-soon items (D12-e), late publications,
    /// restrictions lacking approval or past re-examination, changed prefills, and correction
    /// requests / takedowns past P1 (I16 labels) — each with the item's step history. Staff see
    /// their bodies, SUPERVISOR all.
    pub async fn disclosure_supervision(
        &self,
        ctx: &Ctx,
        today: Date,
    ) -> Result<Vec<SupervisionEntry>, CoreError> {
        let bodies = ctx.readable_bodies();
        if bodies.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let items: Vec<ItemView> = self
            .list_as(ProjectionKind::Disclosure, bodies.clone())
            .await?;
        let requests: Vec<RequestView> = self
            .list_as(ProjectionKind::DisclosureRequest, bodies)
            .await?;
        let policy = StatusPolicy {
            due_soon_within: WorkingDays(disclosure::P8_DUE_SOON_WORKING_DAYS),
        };
        let mut out = Vec::new();
        let entry = |view: &ItemView, due: Option<Date>, issue: SupervisionIssue, label: String| {
            SupervisionEntry {
                body: view.body.clone(),
                item: view.id.clone(),
                title: view.title.clone(),
                state: view.state,
                due,
                issue,
                label,
                history: view.steps.clone(),
            }
        };
        for view in &items {
            for o in &view.obligations {
                if view.state == ItemState::Restricted && o.met_on.is_none() {
                    continue;
                }
                let rule = if o.key.starts_with("d14") {
                    "D14"
                } else if o.key == "d9" {
                    "D9"
                } else {
                    "D12"
                };
                match o.met_on {
                    None => {
                        let status = deadline_status(&self.calendar, o.due, today, policy)
                            .map_err(|e| invalid("due", &e.to_string()))?;
                        match status.value {
                            DeadlineStatus::Overdue { working_days, .. } => out.push(entry(
                                view,
                                Some(o.due),
                                SupervisionIssue::Overdue {
                                    working_days: working_days.0,
                                },
                                format!("已逾期（{rule}，{MEASURE}）：{}", view.title),
                            )),
                            DeadlineStatus::DueSoon { remaining } => out.push(entry(
                                view,
                                Some(o.due),
                                SupervisionIssue::DueSoon {
                                    remaining: remaining.0,
                                },
                                format!("即将到期（{rule}，{MEASURE}）：{}", view.title),
                            )),
                            DeadlineStatus::OnTime { .. } => {}
                        }
                    }
                    Some(on) if on > o.due => {
                        let late = self
                            .calendar
                            .working_days_between(o.due, on)
                            .map_err(|e| invalid("due", &e.to_string()))?;
                        out.push(entry(
                            view,
                            Some(o.due),
                            SupervisionIssue::Late {
                                working_days: late.value.0,
                            },
                            format!("逾期公示（{rule}，{MEASURE}）：{}", view.title),
                        ));
                    }
                    Some(_) => {}
                }
            }
            if let Some(r) = &view.restriction {
                if r.approved_by.is_none() {
                    out.push(entry(
                        view,
                        None,
                        SupervisionIssue::RestrictionUnapproved,
                        format!("不予公示未经负责人批准（D10-a，{MEASURE}）"),
                    ));
                } else if r.reexamine_on.is_some_and(|d| d < today) {
                    out.push(entry(
                        view,
                        r.reexamine_on,
                        SupervisionIssue::RestrictionReexamineDue,
                        format!("不予公示已到复核日期（D10-e，{MEASURE}）"),
                    ));
                }
            }
            if !view.changes.is_empty() {
                out.push(entry(
                    view,
                    None,
                    SupervisionIssue::PrefillChanged {
                        changes: u32::try_from(view.changes.len()).unwrap_or(u32::MAX),
                    },
                    format!("预填内容被修改（D3-c，{MEASURE}）"),
                ));
            }
            if let Some(w) = view
                .withdrawal
                .as_ref()
                .filter(|w| w.withdrawn_on.is_none() && w.trigger.obligation.is_none())
            {
                let p = self.promptness(w.trigger.event_date, today)?;
                if p != Promptness::Within {
                    out.push(entry(
                        view,
                        None,
                        SupervisionIssue::Promptness {
                            what: "撤下".into(),
                            promptness: p,
                        },
                        format!("撤下{}（D14-d，{MEASURE}）", p.label()),
                    ));
                }
            }
            if let Some(c) = view.corrections.iter().find(|c| c.published_on.is_none()) {
                let p = self.promptness(c.discovered_on, today)?;
                if p != Promptness::Within {
                    out.push(entry(
                        view,
                        None,
                        SupervisionIssue::Promptness {
                            what: "更正".into(),
                            promptness: p,
                        },
                        format!("更正{}（D13-a，{MEASURE}）", p.label()),
                    ));
                }
            }
        }
        for r in requests.iter().filter(|r| r.reply.is_none()) {
            let p = self.promptness(r.received_on, today)?;
            if p == Promptness::Within {
                continue;
            }
            let Some(view) = items.iter().find(|i| i.id == r.item) else {
                continue;
            };
            out.push(entry(
                view,
                None,
                SupervisionIssue::CorrectionRequest {
                    tracking: r.tracking.clone(),
                    promptness: p,
                },
                format!("更正申请{}（D13-d，{MEASURE}）", p.label()),
            ));
        }
        out.sort_by(|a, b| {
            (a.body.as_str(), a.due, a.item.as_str()).cmp(&(
                b.body.as_str(),
                b.due,
                b.item.as_str(),
            ))
        });
        Ok(out)
    }
}
