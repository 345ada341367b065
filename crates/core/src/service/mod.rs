//! `Services`: the commands and queries the web crate calls (issue 5 "Service API"). Every
//! command takes the caller's [`Ctx`] first, checks it in the core (deny by default), and writes
//! through [`Store::append`] one batch: the record(s), the new projection rows and deadline rows.
//!
//! API changes: none against the brief, with these additions — `Services::with_review_gate`,
//! `Services::bootstrap_admin` (first SYSADMIN of an empty store), `Services::store()`,
//! `Services::rules()`, `Services::calendar()`, `Services::profile()`, `prove_consistency`,
//! `read_audit`, `case_deadlines`. `RoleGrant` lives in `crate::registry` (same fields);
//! `register_*` take the registry data types of `crate::registry`.
//!
//! Concurrency: commands on one stream are serialised in-process by a `tokio::sync::Mutex` per
//! stream, and the store's seq check (`StoreError::Conflict`) catches writers in other processes;
//! a conflicting command re-reads and retries, at most [`MAX_ATTEMPTS`] times.

mod cases;
mod check;
pub mod disclosure;
pub mod evidence;
pub mod review;

use std::collections::HashMap;
use std::sync::Arc;

use liuhen_calendar::Calendar;
use liuhen_ledger::hash::HashProfile;
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::error::CoreError;
use crate::gates::LegalReviewGate;
use crate::ids::{
    BodyId, LogIndex, OfficerId, PowerItemId, RecordTypeId, RuleSetId, StreamId, StreamSeq, UserId,
};
use crate::ports::{
    AppendBatch, AuditEntry, AuditQuery, Clock, Digest32, LogState, NewRecord, Projection,
    ProjectionKind, ProjectionQuery, Receipt, Store, StoreError,
};
use crate::record::{Actor, FileRef, RECORD_FORMAT_VERSION, Record};
use crate::registry::{
    self, BodyProfile, BodyView, Credential, CredentialStatus, CredentialStatusChange,
    OfficerProfile, OfficerView, PowerItem, PowerItemView, RoleGrant, Unit, UserProfile, UserView,
    types,
};
use crate::review::WorkflowReviewGate;
use crate::role::Role;
use crate::rules::RuleBook;

pub use cases::{
    CaseFilter, CaseReceipt, OpenCase, RebuildReport, RecordInput, RecordView, TodoItem,
};
pub use check::RecordOption;

/// Attempts of one command against concurrent writers before giving up with `Conflict`.
pub const MAX_ATTEMPTS: usize = 64;

/// Who is calling: the signed-in user, their role grants and officer identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ctx {
    /// The user.
    pub user: UserId,
    /// Their grants.
    pub grants: Vec<RoleGrant>,
    /// The officer identity, when the user is an officer.
    pub officer: Option<OfficerId>,
    /// Client address (audit, R4-b).
    pub client_ip: Option<String>,
}

impl Ctx {
    /// Roles the user holds for `body`.
    pub fn roles_for(&self, body: &BodyId) -> Vec<Role> {
        self.grants
            .iter()
            .filter(|g| g.body.as_ref() == Some(body))
            .map(|g| g.role)
            .collect()
    }

    /// Whether the user holds `role` district-wide.
    pub fn has_district(&self, role: Role) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && g.body.is_none())
    }

    /// Whether the user may read `body`'s cases: any role in the body, or SUPERVISOR.
    pub fn can_read(&self, body: &BodyId) -> bool {
        !self.roles_for(body).is_empty() || self.has_district(Role::Supervisor)
    }

    /// Bodies whose cases the user may read; `None` = all (SUPERVISOR).
    pub fn readable_bodies(&self) -> Option<Vec<BodyId>> {
        if self.has_district(Role::Supervisor) {
            return None;
        }
        let mut bodies: Vec<BodyId> = self.grants.iter().filter_map(|g| g.body.clone()).collect();
        bodies.sort();
        bodies.dedup();
        Some(bodies)
    }
}

/// The services of the core, shared by all requests.
#[derive(Clone)]
pub struct Services {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    rules: Arc<RuleBook>,
    calendar: Arc<Calendar>,
    profile: HashProfile,
    review_gate: Arc<dyn LegalReviewGate>,
    /// Evidence file storage (issue 6); `None` until [`Services::with_blobs`] is called.
    blobs: Option<Arc<dyn crate::blobs::Blobs>>,
    locks: Arc<std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    /// Write-through cache of case views, keyed by case id (see [`cases`]: `cached_case`).
    case_cache: Arc<std::sync::Mutex<cases::CaseCache>>,
    /// Bumped after every registry record this process appends and after a rebuild, so that a
    /// caller caching what it derived from registry projections (the web layer's sign-in cache:
    /// a user's grants and officer identity) can tell that its copy may be stale.
    registry_generation: Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// What a registry listing returns.
pub type Listing<T> = Result<Vec<T>, CoreError>;

impl Services {
    /// Services over a store, clock, rule book, calendar and hash profile, with the default
    /// legal-review hook: the review workflow of issue 7 ([`WorkflowReviewGate`], L2-a).
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        rules: Arc<RuleBook>,
        calendar: Arc<Calendar>,
        profile: HashProfile,
    ) -> Self {
        let review_gate: Arc<dyn LegalReviewGate> =
            Arc::new(WorkflowReviewGate::new(store.clone()));
        Services {
            store,
            clock,
            rules,
            calendar,
            profile,
            review_gate,
            blobs: None,
            locks: Arc::new(std::sync::Mutex::new(HashMap::new())),
            case_cache: Arc::new(std::sync::Mutex::new(cases::CaseCache::default())),
            registry_generation: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }

    /// A counter that changes whenever this process appends a registry record (users, roles,
    /// bodies, officers, credentials, power items) or rebuilds the projections. Equal values mean
    /// no such change happened in this process in between; changes made by another process are
    /// not seen here, so a cache keyed on it must also expire by time.
    pub fn registry_generation(&self) -> u64 {
        self.registry_generation
            .load(std::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn bump_registry_generation(&self) {
        self.registry_generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Replaces the legal-review hook (issue 7).
    pub fn with_review_gate(mut self, gate: Arc<dyn LegalReviewGate>) -> Self {
        self.review_gate = gate;
        self
    }

    /// Attaches the evidence blob store (issue 6; see [`evidence`]).
    pub fn with_blobs(mut self, blobs: Arc<dyn crate::blobs::Blobs>) -> Self {
        self.blobs = Some(blobs);
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The rule book.
    pub fn rules(&self) -> &Arc<RuleBook> {
        &self.rules
    }

    /// The calendar.
    pub fn calendar(&self) -> &Arc<Calendar> {
        &self.calendar
    }

    /// The log's hash profile.
    pub fn profile(&self) -> HashProfile {
        self.profile
    }

    /// Current time (Asia/Shanghai).
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now().to_offset(crate::CHINA_OFFSET)
    }

    fn stream_lock(&self, stream: &StreamId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = match self.locks.lock() {
            Ok(locks) => locks,
            Err(poisoned) => poisoned.into_inner(),
        };
        locks.entry(stream.to_string()).or_default().clone()
    }

    /// The record hash under the log's profile: the data of the record's log leaf.
    pub fn record_hash(&self, canonical: &[u8]) -> Digest32 {
        *self.profile.digest(canonical).as_bytes()
    }

    /// Builds the envelope, canonicalises and hashes it.
    #[allow(clippy::too_many_arguments)]
    fn seal(
        &self,
        stream: StreamId,
        seq: u64,
        prev: Option<Digest32>,
        record_type: &str,
        body: &BodyId,
        event_time: OffsetDateTime,
        event_end: Option<OffsetDateTime>,
        actor: Actor,
        data: Map<String, Value>,
        files: Vec<FileRef>,
        supersedes: Option<StreamSeq>,
        rule_set: RuleSetId,
    ) -> Result<(Record, NewRecord), CoreError> {
        let record = Record {
            v: RECORD_FORMAT_VERSION,
            stream: stream.clone(),
            seq: StreamSeq(seq),
            record_type: RecordTypeId::new(record_type)?,
            rule_set,
            body: body.clone(),
            event_time: event_time.to_offset(crate::CHINA_OFFSET),
            event_end: event_end.map(|end| end.to_offset(crate::CHINA_OFFSET)),
            entry_time: self.now(),
            actor,
            data,
            files,
            prev: prev.map(hex::encode),
            supersedes,
        };
        let canonical = record.canonical_bytes()?;
        let hash = self.record_hash(&canonical);
        let new = NewRecord {
            stream,
            seq: StreamSeq(seq),
            body: body.clone(),
            record_type: record_type.to_owned(),
            entry_time: record.entry_time,
            hash,
            canonical,
        };
        Ok((record, new))
    }

    /// The rule-set id to stamp on registry records: the set in force today for `body`, or the
    /// first loaded set.
    fn registry_rule_set(&self, body: &BodyId) -> Result<RuleSetId, CoreError> {
        let today = self.now().date();
        self.rules
            .effective(body, today)
            .or_else(|| self.rules.sets().first().map(AsRef::as_ref))
            .map(|set| set.id.clone())
            .ok_or_else(|| CoreError::RuleSet(vec!["no rule set loaded".to_owned()]))
    }

    /// The audit entry (R4-b) of the caller's `action` on `object`, stamped now.
    fn audit_entry(&self, ctx: &Ctx, action: &str, object: &str, outcome: &str) -> AuditEntry {
        AuditEntry {
            time: self.now(),
            user: Some(ctx.user.clone()),
            action: action.to_owned(),
            object: object.to_owned(),
            client_ip: ctx.client_ip.clone(),
            outcome: outcome.to_owned(),
        }
    }

    async fn audit(
        &self,
        ctx: &Ctx,
        action: &str,
        object: &str,
        outcome: &str,
    ) -> Result<(), CoreError> {
        self.store
            .audit(self.audit_entry(ctx, action, object, outcome))
            .await?;
        Ok(())
    }

    async fn projection_as<T: serde::de::DeserializeOwned>(
        &self,
        kind: ProjectionKind,
        id: &str,
    ) -> Result<Option<T>, CoreError> {
        match self.store.projection(kind, id).await? {
            None => Ok(None),
            Some(row) => serde_json::from_value(row.data).map(Some).map_err(|err| {
                CoreError::Store(StoreError::Corrupt(format!(
                    "projection {}/{id}: {err}",
                    kind.as_str()
                )))
            }),
        }
    }

    /// The caller holds `role` district-wide, or `Forbidden` citing `ids`: the requirement
    /// the registry or log serves (D2-a bodies, D4-a officers, D4-b power items, R4-b the audit
    /// log), or `§1` (requirements.md §1 "Roles") for accounts and grants.
    fn require_district(&self, ctx: &Ctx, role: Role, ids: &[&str]) -> Result<(), CoreError> {
        if ctx.has_district(role) {
            Ok(())
        } else {
            Err(CoreError::forbidden(
                ids,
                format!("需要{}角色", role.label()),
            ))
        }
    }

    /// Appends one registry record to `stream`, folding it with `fold` into the projection.
    #[allow(clippy::too_many_arguments)]
    async fn append_registry<T, F>(
        &self,
        ctx: &Ctx,
        role: Role,
        stream: StreamId,
        kind: ProjectionKind,
        body: &BodyId,
        record_type: &str,
        data: Value,
        must_exist: Option<bool>,
        fold: F,
    ) -> Result<Receipt, CoreError>
    where
        T: Serialize + serde::de::DeserializeOwned,
        F: Fn(Option<T>, &Record) -> Result<T, CoreError>,
    {
        let Value::Object(data) = data else {
            return Err(CoreError::Invalid {
                field: "data".to_owned(),
                reason: "not an object".to_owned(),
            });
        };
        let lock = self.stream_lock(&stream);
        let _guard = lock.lock().await;
        for _ in 0..MAX_ATTEMPTS {
            let head = self.store.stream_head(&stream).await?;
            let current: Option<T> = self.projection_as(kind, stream.id()).await?;
            match (must_exist, head.is_some()) {
                (Some(true), false) => return Err(CoreError::NotFound(stream.to_string())),
                (Some(false), true) => {
                    return Err(CoreError::Invalid {
                        field: "id".to_owned(),
                        reason: format!("{stream} 已登记"),
                    });
                }
                _ => {}
            }
            let seq = head.map_or(1, |h| h.seq.0 + 1);
            let actor = Actor {
                user: ctx.user.clone(),
                role,
                officer: None,
            };
            let now = self.now();
            let (record, new) = self.seal(
                stream.clone(),
                seq,
                head.map(|h| h.hash),
                record_type,
                body,
                now,
                None,
                actor,
                data.clone(),
                Vec::new(),
                None,
                self.registry_rule_set(body)?,
            )?;
            let view = fold(current, &record)?;
            let projection = Projection {
                kind,
                id: stream.id().to_owned(),
                body: (kind != ProjectionKind::User).then(|| body.clone()),
                status: String::new(),
                last_seq: StreamSeq(seq),
                data: serde_json::to_value(&view).map_err(|err| CoreError::Invalid {
                    field: "projection".into(),
                    reason: err.to_string(),
                })?,
            };
            let batch = AppendBatch {
                records: vec![new],
                projections: vec![projection],
                audit: vec![self.audit_entry(ctx, "create", stream.as_str(), "ok")],
                ..AppendBatch::default()
            };
            let appended = self.store.append(batch).await;
            // Bumped whether or not the append went through: a failed commit may still have
            // reached the database, and a spurious bump only costs a cache miss.
            self.bump_registry_generation();
            match appended {
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

    /// Builds the caller context from the user projection (grants and officer identity), with
    /// the grants a REVIEWER or AGENCY_HEAD holds through entrustment (L2-c, I13).
    pub async fn context_for(
        &self,
        user_id: &UserId,
        client_ip: Option<String>,
    ) -> Result<Ctx, CoreError> {
        let user: UserView = self
            .projection_as(ProjectionKind::User, user_id.as_str())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("user/{user_id}")))?;
        // L2-c, I13, R2-b: a delegating body's review office and head act on the cases of the
        // organisations it entrusted (see `review::delegation`).
        let mut grants = user.grants;
        let delegated =
            crate::review::delegation::delegated_grants(self.store.as_ref(), &grants).await?;
        grants.extend(delegated);
        Ok(Ctx {
            user: user.id,
            grants,
            officer: user.profile.officer,
            client_ip,
        })
    }

    /// Registers the first SYSADMIN of an empty platform (the only command without a caller).
    /// Refused once any user exists.
    pub async fn bootstrap_admin(
        &self,
        user_id: &UserId,
        profile: UserProfile,
    ) -> Result<Receipt, CoreError> {
        let existing = self
            .store
            .list_projections(&ProjectionQuery {
                kind: Some(ProjectionKind::User),
                limit: 1,
                ..Default::default()
            })
            .await?;
        if !existing.is_empty() {
            return Err(CoreError::forbidden(
                &["§1"],
                "已有用户，不能再初始化系统管理员",
            ));
        }
        let ctx = Ctx {
            user: user_id.clone(),
            grants: vec![RoleGrant {
                role: Role::SysAdmin,
                body: None,
            }],
            officer: None,
            client_ip: None,
        };
        let district = BodyId::new("district")?;
        self.register_user(&ctx, user_id, profile).await?;
        self.append_registry(
            &ctx,
            Role::SysAdmin,
            StreamId::user(user_id),
            ProjectionKind::User,
            &district,
            types::ROLE_GRANTED,
            to_value(&RoleGrant {
                role: Role::SysAdmin,
                body: None,
            })?,
            Some(true),
            registry::fold_user,
        )
        .await
    }

    /// Registers a body (SYSADMIN).
    pub async fn register_body(
        &self,
        ctx: &Ctx,
        id: &BodyId,
        profile: BodyProfile,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["D2-a"])?;
        profile.validate()?;
        if let Some(parent) = &profile.parent
            && self
                .store
                .projection(ProjectionKind::Body, parent.as_str())
                .await?
                .is_none()
        {
            return Err(CoreError::Invalid {
                field: "parent".into(),
                reason: format!("上级主体未登记：{parent}"),
            });
        }
        if let Some(entrustment) = &profile.entrustment
            && self
                .store
                .projection(ProjectionKind::Body, entrustment.delegating_body.as_str())
                .await?
                .is_none()
        {
            return Err(CoreError::Invalid {
                field: "entrustment.delegating_body".into(),
                reason: "委托机关未登记".into(),
            });
        }
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::body(id),
            ProjectionKind::Body,
            id,
            types::BODY_REGISTERED,
            to_value(&profile)?,
            Some(false),
            registry::fold_body,
        )
        .await
    }

    /// Amends a body's profile (SYSADMIN).
    pub async fn amend_body(
        &self,
        ctx: &Ctx,
        id: &BodyId,
        profile: BodyProfile,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["D2-a"])?;
        profile.validate()?;
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::body(id),
            ProjectionKind::Body,
            id,
            types::BODY_AMENDED,
            to_value(&profile)?,
            Some(true),
            registry::fold_body,
        )
        .await
    }

    /// Registers a unit of a body, e.g. the legal-review office (SYSADMIN, L3-a).
    pub async fn register_unit(
        &self,
        ctx: &Ctx,
        body: &BodyId,
        unit: Unit,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["D2-a", "L3-a"])?;
        if unit.name.trim().is_empty() {
            return Err(CoreError::Invalid {
                field: "name".into(),
                reason: "机构名称为空".into(),
            });
        }
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::body(body),
            ProjectionKind::Body,
            body,
            types::UNIT_REGISTERED,
            to_value(&unit)?,
            Some(true),
            registry::fold_body,
        )
        .await
    }

    /// Registers an officer of a body (SYSADMIN).
    pub async fn register_officer(
        &self,
        ctx: &Ctx,
        id: &OfficerId,
        body: &BodyId,
        profile: OfficerProfile,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["D4-a"])?;
        let body_view: BodyView = self
            .projection_as(ProjectionKind::Body, body.as_str())
            .await?
            .ok_or_else(|| CoreError::Invalid {
                field: "body".into(),
                reason: format!("执法主体未登记：{body}"),
            })?;
        if let Some(unit) = &profile.unit
            && !body_view.units.iter().any(|u| &u.id == unit)
        {
            return Err(CoreError::Invalid {
                field: "unit".into(),
                reason: format!("机构未登记：{unit}"),
            });
        }
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::officer(id),
            ProjectionKind::Officer,
            body,
            types::OFFICER_REGISTERED,
            to_value(&profile)?,
            Some(false),
            registry::fold_officer,
        )
        .await
    }

    /// Issues a credential to an officer (SYSADMIN, D4-a).
    pub async fn issue_credential(
        &self,
        ctx: &Ctx,
        officer: &OfficerId,
        credential: Credential,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["D4-a", "D7-a"])?;
        if credential.number.trim().is_empty()
            || credential.domains.is_empty()
            || credential.valid_to < credential.valid_from
        {
            return Err(CoreError::Invalid {
                field: "credential".into(),
                reason: "证件号、执法领域或有效期无效（D4-a）".into(),
            });
        }
        let view = self.officer(officer).await?;
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::officer(officer),
            ProjectionKind::Officer,
            &view.body,
            types::CREDENTIAL_ISSUED,
            to_value(&credential)?,
            Some(true),
            registry::fold_officer,
        )
        .await
    }

    /// Suspends, revokes or reinstates a credential (SYSADMIN).
    pub async fn change_credential_status(
        &self,
        ctx: &Ctx,
        officer: &OfficerId,
        number: &str,
        status: CredentialStatus,
        reason: &str,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["D4-a", "D7-a"])?;
        let view = self.officer(officer).await?;
        if !view.credentials.iter().any(|c| c.number == number) {
            return Err(CoreError::NotFound(format!("credential {number}")));
        }
        let change = CredentialStatusChange {
            number: number.to_owned(),
            status,
            reason: reason.to_owned(),
        };
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::officer(officer),
            ProjectionKind::Officer,
            &view.body,
            types::CREDENTIAL_STATUS_CHANGED,
            to_value(&change)?,
            Some(true),
            registry::fold_officer,
        )
        .await
    }

    /// Registers (or restates) a power item of a body (SYSADMIN, D4-b, D4-c).
    pub async fn register_power_item(
        &self,
        ctx: &Ctx,
        id: &PowerItemId,
        body: &BodyId,
        item: PowerItem,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["D4-b"])?;
        item.validate()?;
        if self
            .store
            .projection(ProjectionKind::Body, body.as_str())
            .await?
            .is_none()
        {
            return Err(CoreError::Invalid {
                field: "body".into(),
                reason: format!("执法主体未登记：{body}"),
            });
        }
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::power_item(id),
            ProjectionKind::PowerItem,
            body,
            types::POWER_ITEM_REGISTERED,
            to_value(&item)?,
            None,
            registry::fold_power_item,
        )
        .await
    }

    /// Registers a staff user (SYSADMIN). The password is set by the web crate
    /// (`Store::set_password_hash`); the core never sees it.
    pub async fn register_user(
        &self,
        ctx: &Ctx,
        id: &UserId,
        profile: UserProfile,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["§1"])?;
        if profile.username.trim().is_empty() || profile.name.trim().is_empty() {
            return Err(CoreError::Invalid {
                field: "username".into(),
                reason: "用户名和姓名不能为空".into(),
            });
        }
        let district = BodyId::new("district")?;
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::user(id),
            ProjectionKind::User,
            &district,
            types::USER_REGISTERED,
            to_value(&profile)?,
            Some(false),
            registry::fold_user,
        )
        .await
    }

    /// Grants a role (SYSADMIN). Body roles need a registered body.
    pub async fn grant_role(
        &self,
        ctx: &Ctx,
        user: &UserId,
        grant: RoleGrant,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["§1"])?;
        grant.validate()?;
        if let Some(body) = &grant.body
            && self
                .store
                .projection(ProjectionKind::Body, body.as_str())
                .await?
                .is_none()
        {
            return Err(CoreError::Invalid {
                field: "body".into(),
                reason: format!("执法主体未登记：{body}"),
            });
        }
        let district = BodyId::new("district")?;
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::user(user),
            ProjectionKind::User,
            &district,
            types::ROLE_GRANTED,
            to_value(&grant)?,
            Some(true),
            registry::fold_user,
        )
        .await
    }

    /// Revokes a role (SYSADMIN).
    pub async fn revoke_role(
        &self,
        ctx: &Ctx,
        user: &UserId,
        grant: RoleGrant,
    ) -> Result<Receipt, CoreError> {
        self.require_district(ctx, Role::SysAdmin, &["§1"])?;
        let district = BodyId::new("district")?;
        self.append_registry(
            ctx,
            Role::SysAdmin,
            StreamId::user(user),
            ProjectionKind::User,
            &district,
            types::ROLE_REVOKED,
            to_value(&grant)?,
            Some(true),
            registry::fold_user,
        )
        .await
    }

    async fn officer(&self, officer: &OfficerId) -> Result<OfficerView, CoreError> {
        self.projection_as(ProjectionKind::Officer, officer.as_str())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("officer/{officer}")))
    }

    async fn list_as<T: serde::de::DeserializeOwned>(
        &self,
        kind: ProjectionKind,
        bodies: Option<Vec<BodyId>>,
    ) -> Listing<T> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_projections(&ProjectionQuery {
                    kind: Some(kind),
                    bodies: bodies.clone(),
                    status: None,
                    limit: 1000,
                    offset,
                })
                .await?;
            let n = page.len();
            for row in page {
                out.push(
                    serde_json::from_value(row.data)
                        .map_err(|err| CoreError::Store(StoreError::Corrupt(err.to_string())))?,
                );
            }
            if n < 1000 {
                return Ok(out);
            }
            offset += 1000;
        }
    }

    /// All bodies (registry data is public information, D4-a; any signed-in user).
    pub async fn bodies(&self, _ctx: &Ctx) -> Listing<BodyView> {
        self.list_as(ProjectionKind::Body, None).await
    }

    /// Officers of a body.
    pub async fn officers(&self, _ctx: &Ctx, body: &BodyId) -> Listing<OfficerView> {
        self.list_as(ProjectionKind::Officer, Some(vec![body.clone()]))
            .await
    }

    /// Power items of a body.
    pub async fn power_items(&self, _ctx: &Ctx, body: &BodyId) -> Listing<PowerItemView> {
        self.list_as(ProjectionKind::PowerItem, Some(vec![body.clone()]))
            .await
    }

    /// All users (SYSADMIN, SECADMIN or AUDITOR).
    pub async fn users(&self, ctx: &Ctx) -> Listing<UserView> {
        if !(ctx.has_district(Role::SysAdmin)
            || ctx.has_district(Role::SecAdmin)
            || ctx.has_district(Role::Auditor))
        {
            return Err(CoreError::forbidden(&["§1"], "需要管理员角色"));
        }
        self.list_as(ProjectionKind::User, None).await
    }

    /// Log size and root.
    pub async fn log_state(&self) -> Result<LogState, CoreError> {
        Ok(self.store.log_state().await?)
    }

    /// Inclusion proof (RFC 9162 §2.1.3) of leaf `index` in the tree of `size`.
    pub async fn prove_inclusion(
        &self,
        index: LogIndex,
        size: u64,
    ) -> Result<Vec<Digest32>, CoreError> {
        Ok(self.store.prove_inclusion(index, size).await?)
    }

    /// Consistency proof (RFC 9162 §2.1.4) between two sizes.
    pub async fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Digest32>, CoreError> {
        Ok(self.store.prove_consistency(old, new).await?)
    }

    /// The audit log (AUDITOR only, 等保2.0 separation).
    pub async fn read_audit(&self, ctx: &Ctx, query: &AuditQuery) -> Listing<AuditEntry> {
        self.require_district(ctx, Role::Auditor, &["R4-b"])?;
        Ok(self.store.read_audit(query).await?)
    }
}

fn to_value<T: Serialize>(value: &T) -> Result<Value, CoreError> {
    serde_json::to_value(value).map_err(|err| CoreError::Invalid {
        field: "data".to_owned(),
        reason: err.to_string(),
    })
}
