//! Shared harness: a district with two bodies on a `MemoryStore`, users for every role, and a
//! data filler + procedure walker driven by the rule set itself (so every record type and field
//! of `rules/xc-2024.toml` is exercised without hand-written fixtures).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use liuhen_calendar::Calendar;
use liuhen_core::case::CaseView;
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, CaseId, OfficerId, PowerItemId, StreamSeq, UnitId, UserId};
use liuhen_core::memory::MemoryStore;
use liuhen_core::ports::{Clock, Receipt};
use liuhen_core::registry::{
    BodyKind, BodyProfile, Credential, CredentialStatus, OfficerProfile, PowerItem, RoleGrant,
    Unit, UserProfile,
};
use liuhen_core::role::Role;
use liuhen_core::rules::RuleBook;
use liuhen_core::rules::schema::{FieldSpec, FieldType, GateCheck, ProcedureSpec, RecordTypeSpec};
use liuhen_core::service::{Ctx, OpenCase, RecordInput, Services};
use liuhen_ledger::hash::HashProfile;
use serde_json::{Map, Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const BODY_A: &str = "xc-scjgj";
pub const BODY_B: &str = "xc-zhzf";
pub const DOMAIN: &str = "市场监管";

/// A clock tests can move.
pub struct TestClock(pub Mutex<OffsetDateTime>);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

pub struct District {
    pub services: Services,
    pub store: Arc<MemoryStore>,
    pub clock: Arc<TestClock>,
    pub admin: Ctx,
}

pub fn rules() -> Arc<RuleBook> {
    let (book, _warnings) = RuleBook::builtin(&[]).expect("district rule set loads");
    Arc::new(book)
}

fn body_id(id: &str) -> BodyId {
    BodyId::new(id).unwrap()
}

pub async fn district() -> District {
    let store = Arc::new(MemoryStore::new(HashProfile::Sm3));
    let clock = Arc::new(TestClock(Mutex::new(datetime!(2024-12-20 09:00 +8))));
    let services = Services::new(
        store.clone(),
        clock.clone(),
        rules(),
        Arc::new(Calendar::embedded().unwrap()),
        HashProfile::Sm3,
    );
    let admin_id = UserId::new("admin").unwrap();
    services
        .bootstrap_admin(
            &admin_id,
            UserProfile {
                username: "admin".into(),
                name: "管理员".into(),
                officer: None,
            },
        )
        .await
        .unwrap();
    let admin = services.context_for(&admin_id, None).await.unwrap();
    for (id, name, short, uscc) in [
        (
            BODY_A,
            "薛城区市场监督管理局",
            "薛市监",
            "91350100M000100Y43",
        ),
        (
            BODY_B,
            "薛城区综合行政执法局",
            "薛综执",
            "91110000802100433B",
        ),
    ] {
        let profile = BodyProfile {
            name: name.into(),
            short_name: short.into(),
            kind: BodyKind::Agency,
            uscc: uscc.into(),
            parent: None,
            entrustment: None,
            duties: "执法".into(),
            address: "薛城区".into(),
        };
        services
            .register_body(&admin, &body_id(id), profile)
            .await
            .unwrap();
        for (unit, legal) in [("handling", false), ("legal", true)] {
            let unit = Unit {
                id: UnitId::new(unit).unwrap(),
                name: format!("{unit}科"),
                duties: String::new(),
                address: String::new(),
                legal_review: legal,
            };
            services
                .register_unit(&admin, &body_id(id), unit)
                .await
                .unwrap();
        }
        let item = PowerItem {
            name: "对违法行为的行政处罚".into(),
            action: "penalty".into(),
            basis: vec!["《中华人民共和国行政处罚法》第八条".into()],
            unit: Some(UnitId::new("handling").unwrap()),
            procedure: "立案、调查、决定、送达、执行".into(),
            time_limit: "立案之日起九十日".into(),
            remedies: "行政复议、行政诉讼".into(),
            domain: DOMAIN.into(),
            service: Default::default(),
        };
        services
            .register_power_item(
                &admin,
                &PowerItemId::new(format!("{id}-p1")).unwrap(),
                &body_id(id),
                item,
            )
            .await
            .unwrap();
    }
    let users: &[(&str, Role, Option<&str>, Option<&str>)] = &[
        ("off1", Role::Officer, Some(BODY_A), Some("o1")),
        ("off2", Role::Officer, Some(BODY_A), Some("o2")),
        ("uhead", Role::UnitHead, Some(BODY_A), None),
        ("ahead", Role::AgencyHead, Some(BODY_A), None),
        ("rev", Role::Reviewer, Some(BODY_A), None),
        ("arch", Role::Archivist, Some(BODY_A), None),
        ("offb", Role::Officer, Some(BODY_B), Some("ob")),
        ("sup", Role::Supervisor, None, None),
    ];
    for (user, role, body, officer) in users {
        if let (Some(officer), Some(body)) = (officer, body) {
            let officer_id = OfficerId::new(*officer).unwrap();
            services
                .register_officer(
                    &admin,
                    &officer_id,
                    &body_id(body),
                    OfficerProfile {
                        name: format!("执法员{officer}"),
                        unit: None,
                        user: Some(UserId::new(*user).unwrap()),
                    },
                )
                .await
                .unwrap();
            let credential = Credential {
                number: format!("37040{officer}"),
                domains: vec![DOMAIN.into()],
                valid_from: time::macros::date!(2024 - 01 - 01),
                valid_to: time::macros::date!(2026 - 12 - 31),
                status: CredentialStatus::Active,
            };
            services
                .issue_credential(&admin, &officer_id, credential)
                .await
                .unwrap();
        }
        let user_id = UserId::new(*user).unwrap();
        let profile = UserProfile {
            username: user.to_string(),
            name: user.to_string(),
            officer: officer.map(|o| OfficerId::new(o).unwrap()),
        };
        services
            .register_user(&admin, &user_id, profile)
            .await
            .unwrap();
        services
            .grant_role(
                &admin,
                &user_id,
                RoleGrant {
                    role: *role,
                    body: body.map(body_id),
                },
            )
            .await
            .unwrap();
    }
    // L3-c (issue 7): the reviewer of body A holds the 法律职业资格 (exam), so penalty reviews
    // may be assigned to them.
    services
        .record_reviewer_qualification(
            &admin,
            &UserId::new("rev").unwrap(),
            liuhen_core::review::ReviewerQualification {
                has_qualification: true,
                certificate_no: Some("A20193704000001".into()),
                obtained_on: Some(time::macros::date!(2019 - 03 - 01)),
                obtained_by: Some(liuhen_core::review::QUALIFYING_EXAM.into()),
                first_penalty_review_on: None,
                evidence: "法律职业资格证书".into(),
            },
        )
        .await
        .unwrap();
    District {
        services,
        store,
        clock,
        admin,
    }
}

impl District {
    pub async fn ctx(&self, user: &str) -> Ctx {
        self.services
            .context_for(&UserId::new(user).unwrap(), Some("127.0.0.1".into()))
            .await
            .unwrap()
    }

    /// The user that acts for a record type in body A.
    pub async fn actor_for(&self, spec: &RecordTypeSpec) -> Ctx {
        for (role, user) in [
            ("OFFICER", "off1"),
            ("UNIT_HEAD", "uhead"),
            ("AGENCY_HEAD", "ahead"),
            ("REVIEWER", "rev"),
            ("ARCHIVIST", "arch"),
        ] {
            if spec.roles.iter().any(|r| r == role) {
                return self.ctx(user).await;
            }
        }
        panic!("no test user for roles {:?}", spec.roles)
    }
}

/// A valid value for a field (the first enum value unless `prefer` names one).
pub fn sample(field: &FieldSpec, at: OffsetDateTime, prefer: Option<&str>) -> Option<Value> {
    let date = at.date().to_string();
    Some(match field.field_type {
        FieldType::Text => json!(format!("{}（测试）", field.label)),
        FieldType::LongText => json!(format!("{}：详细内容（测试）", field.label)),
        FieldType::Integer => json!(1),
        FieldType::AmountFen => json!(500_000),
        FieldType::Bool => json!(false),
        FieldType::Date => json!(date),
        FieldType::DateTime => json!(
            at.format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        ),
        FieldType::Enum => json!(prefer.unwrap_or(field.values[0].as_str())),
        FieldType::Party => {
            json!({"kind": "natural_person", "name": "张三", "id_type": "居民身份证", "id_number": "370402199001011234", "address": "薛城区", "phone": "13800000000"})
        }
        FieldType::Person => json!({"name": "李四"}),
        FieldType::Officer => json!("o1"),
        FieldType::Officers => json!(["o1", "o2"]),
        FieldType::RecordRef | FieldType::RecordRefs | FieldType::DocNumber => return None,
        FieldType::List => {
            let item: Map<String, Value> = field
                .item_fields
                .iter()
                .filter_map(|f| sample(f, at, None).map(|v| (f.name.clone(), v)))
                .collect();
            json!([item])
        }
        FieldType::Object => {
            let item: Map<String, Value> = field
                .item_fields
                .iter()
                .filter_map(|f| sample(f, at, None).map(|v| (f.name.clone(), v)))
                .collect();
            Value::Object(item)
        }
    })
}

/// Walks procedures by the rule set: records every mandatory record type of every stage,
/// satisfying gates and references on the way.
pub struct Walker<'a> {
    pub district: &'a District,
    pub procedure: ProcedureSpec,
    pub case_id: Option<CaseId>,
    pub time: OffsetDateTime,
    pub log: Vec<String>,
    /// Before each add, try it once without each required field and expect a refusal naming it.
    pub probe_required: bool,
    /// Number of required-field probes that were refused as expected.
    pub probes: usize,
    /// Do not record covering A/V before `needs_av` acts (to test R5-a).
    pub skip_av: bool,
}

pub fn set(district: &District) -> &liuhen_core::rules::RuleSet {
    district
        .services
        .rules()
        .sets()
        .first()
        .map(AsRef::as_ref)
        .unwrap()
}

impl<'a> Walker<'a> {
    pub fn new(district: &'a District, procedure: &str) -> Self {
        let procedure = set(district).procedure(procedure).unwrap().clone();
        Walker {
            district,
            procedure,
            case_id: None,
            time: datetime!(2024-10-08 09:00 +8),
            log: Vec::new(),
            probe_required: false,
            probes: 0,
            skip_av: false,
        }
    }

    pub fn spec(&self, id: &str) -> RecordTypeSpec {
        set(self.district)
            .record_type(id)
            .unwrap_or_else(|| panic!("no record type {id}"))
            .clone()
    }

    pub async fn view(&self) -> CaseView {
        let ctx = self.district.ctx("ahead").await;
        self.district
            .services
            .case(&ctx, self.case_id.as_ref().unwrap())
            .await
            .unwrap()
    }

    fn tick(&mut self) -> OffsetDateTime {
        self.time += Duration::hours(1);
        self.time
    }

    /// The data a record of `spec` gets, given the case so far.
    pub fn fill(
        &self,
        spec: &RecordTypeSpec,
        view: Option<&CaseView>,
        at: OffsetDateTime,
    ) -> Map<String, Value> {
        let mut data = Map::new();
        for field in &spec.fields {
            if field.when.is_some() {
                continue; // filled below once the fields it depends on are known
            }
            let effects = &spec.effects;
            let prefer = [&effects.initiates_when, &effects.execution_concluded_when]
                .into_iter()
                .flatten()
                .find(|c| c.field == field.name)
                .map(|c| c.values[0].as_str());
            match field.field_type {
                FieldType::RecordRef | FieldType::RecordRefs => {
                    let Some(view) = view else { continue };
                    let target = view
                        .records
                        .iter()
                        .filter(|r| r.is_effective())
                        .filter(|r| {
                            if field.ref_types.is_empty() {
                                !r.record_type.starts_with("sys_")
                            } else {
                                field.ref_types.contains(&r.record_type)
                            }
                        })
                        .filter(|r| field.name != "av_records" || r.av)
                        .map(|r| r.seq.0)
                        .next_back();
                    if let Some(seq) = target {
                        let value = if field.field_type == FieldType::RecordRef {
                            json!(seq)
                        } else {
                            json!([seq])
                        };
                        data.insert(field.name.clone(), value);
                    }
                }
                _ => {
                    if let Some(value) = sample(field, at, prefer) {
                        data.insert(field.name.clone(), value);
                    }
                }
            }
        }
        for field in spec.fields.iter().filter(|f| f.when.is_some()) {
            if !liuhen_core::rules::fields::is_required(field, &data) {
                continue;
            }
            if matches!(
                field.field_type,
                FieldType::RecordRef | FieldType::RecordRefs
            ) {
                let target = view.and_then(|view| {
                    view.records
                        .iter()
                        .filter(|r| r.is_effective() && field.ref_types.contains(&r.record_type))
                        .map(|r| r.seq.0)
                        .next_back()
                });
                if let Some(seq) = target {
                    let value = if field.field_type == FieldType::RecordRef {
                        json!(seq)
                    } else {
                        json!([seq])
                    };
                    data.insert(field.name.clone(), value);
                }
            } else if let Some(value) = sample(field, at, None) {
                data.insert(field.name.clone(), value);
            }
        }
        data
    }

    pub async fn open(&mut self, record_type: &str) -> Result<(), CoreError> {
        let spec = self.spec(record_type);
        let at = self.tick();
        let ctx = self.district.actor_for(&spec).await;
        let intake = RecordInput {
            record_type: record_type.into(),
            event_time: at,
            event_end: None,
            data: self.fill(&spec, None, at),
            files: vec![],
            supersedes: None,
        };
        let command = OpenCase {
            procedure: self.procedure.id.clone(),
            body: BodyId::new(BODY_A).unwrap(),
            power_item: Some(PowerItemId::new(format!("{BODY_A}-p1")).unwrap()),
            title: format!("{} 测试案件", self.procedure.name),
            intake,
        };
        let receipt = self.district.services.open_case(&ctx, command).await?;
        self.case_id = Some(receipt.case_id);
        self.log.push(record_type.to_owned());
        Ok(())
    }

    /// The input for a record of `record_type` now (prerequisites are the caller's business).
    pub async fn input(&mut self, record_type: &str) -> RecordInput {
        let spec = self.spec(record_type);
        let at = self.tick();
        let view = self.view().await;
        let end = (spec.needs_av || spec.kind == liuhen_core::rules::schema::RecordKindSpec::Av)
            .then(|| at + Duration::minutes(30));
        RecordInput {
            record_type: record_type.into(),
            event_time: at,
            event_end: end,
            data: self.fill(&spec, Some(&view), at),
            files: vec![],
            supersedes: None,
        }
    }

    pub async fn add(&mut self, record_type: &str) -> Result<Receipt, CoreError> {
        let spec = self.spec(record_type);
        let input = self.input(record_type).await;
        self.add_input(&spec, input).await
    }

    pub async fn add_input(
        &mut self,
        spec: &RecordTypeSpec,
        input: RecordInput,
    ) -> Result<Receipt, CoreError> {
        let ctx = self.district.actor_for(spec).await;
        if self.probe_required {
            for field in spec
                .fields
                .iter()
                .filter(|f| f.required && f.when.is_none())
            {
                if !input.data.contains_key(&field.name) {
                    continue;
                }
                let mut without = input.clone();
                without.data.remove(&field.name);
                let err = self
                    .district
                    .services
                    .add_record(&ctx, self.case_id.as_ref().unwrap(), without)
                    .await
                    .unwrap_err();
                let refusal = err.refusal().unwrap_or_else(|| {
                    panic!("{}.{}: expected a refusal, got {err}", spec.id, field.name)
                });
                assert!(
                    refusal.details.contains(&field.name),
                    "{}.{}: {refusal:?}",
                    spec.id,
                    field.name
                );
                assert!(
                    refusal.message.contains(&field.label),
                    "{}.{}: {}",
                    spec.id,
                    field.name,
                    refusal.message
                );
                let ids = if field.requires.is_empty() {
                    &spec.requires
                } else {
                    &field.requires
                };
                for id in ids {
                    assert!(
                        refusal.ids.iter().any(|r| r.as_str() == id),
                        "{}.{} must cite {id}: {refusal:?}",
                        spec.id,
                        field.name
                    );
                }
                self.probes += 1;
            }
        }
        let receipt = self
            .district
            .services
            .add_record(&ctx, self.case_id.as_ref().unwrap(), input)
            .await?;
        self.log.push(spec.id.clone());
        Ok(receipt)
    }

    fn setter_of(&self, flag: &str) -> Option<String> {
        let set = set(self.district);
        let allowed = |id: &String| {
            self.procedure.any_stage.contains(id)
                || self
                    .procedure
                    .stages
                    .iter()
                    .any(|s| s.record_types.contains(id))
        };
        set.record_types
            .values()
            .filter(|t| allowed(&t.id))
            .find(|t| t.effects.set_flags.iter().any(|f| f == flag))
            .map(|t| t.id.clone())
    }

    /// Records `record_type` after satisfying its gates and required references.
    pub fn ensure<'s>(
        &'s mut self,
        record_type: &'s str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), CoreError>> + 's>> {
        Box::pin(async move {
            let view = self.view().await;
            if view.has(record_type) {
                return Ok(());
            }
            self.prepare(record_type).await?;
            self.add(record_type).await.map(|_| ())
        })
    }

    /// Satisfies the gates and required references of `record_type` without recording it.
    pub fn prepare<'s>(
        &'s mut self,
        record_type: &'s str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), CoreError>> + 's>> {
        Box::pin(async move {
            let spec = self.spec(record_type);
            let planned = self.fill(&spec, None, self.time);
            for field in spec.fields.iter().filter(|f| {
                liuhen_core::rules::fields::is_required(f, &planned)
                    && matches!(f.field_type, FieldType::RecordRef | FieldType::RecordRefs)
            }) {
                let view = self.view().await;
                let present = view.records.iter().any(|r| {
                    r.is_effective()
                        && (field.ref_types.is_empty() || field.ref_types.contains(&r.record_type))
                });
                if !present
                    && field.name != "av_records"
                    && let Some(target) = field.ref_types.first()
                {
                    let target = target.clone();
                    self.ensure(&target).await?;
                }
            }
            if spec.needs_av && !self.skip_av {
                self.add_av_cover().await?;
            }
            let gates: Vec<_> = self
                .procedure
                .gates
                .iter()
                .filter(|g| g.before == record_type)
                .cloned()
                .collect();
            for gate in gates {
                let view = self.view().await;
                match &gate.check {
                    GateCheck::RecordsExist(ids) => {
                        for id in ids {
                            self.ensure(id).await?;
                        }
                    }
                    GateCheck::IfRecordThen {
                        if_record,
                        then_any,
                    } => {
                        if view.has(if_record) && !then_any.iter().any(|id| view.has(id)) {
                            let pick = then_any
                                .iter()
                                .find(|id| {
                                    view.review_required()
                                        && self
                                            .spec(id)
                                            .effects
                                            .set_flags
                                            .iter()
                                            .any(|f| f == "review_passed")
                                })
                                .unwrap_or(&then_any[0])
                                .clone();
                            self.ensure(&pick).await?;
                        }
                    }
                    GateCheck::IfFlagThen { flag, then_any } => {
                        if view.flags.contains(flag) && !then_any.iter().any(|id| view.has(id)) {
                            self.ensure(&then_any[0].clone()).await?;
                        }
                    }
                    GateCheck::FlagNotSet(_) => {}
                    GateCheck::Code(name) => {
                        let flag = match name.as_str() {
                            "legal_review" | "collective_after_review"
                                if view.review_required() =>
                            {
                                Some("review_passed")
                            }
                            "statement_period_passed" => Some("statement_closed"),
                            _ => None,
                        };
                        if let Some(flag) = flag
                            && !view.flags.contains(flag)
                        {
                            let setter = self
                                .setter_of(flag)
                                .unwrap_or_else(|| panic!("no record type sets {flag}"));
                            self.ensure(&setter).await?;
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// An A/V record covering the next act (the act starts one tick later, lasts 30 minutes).
    pub async fn add_av_cover(&mut self) -> Result<(), CoreError> {
        let spec = self.spec("av_record");
        let view = self.view().await;
        let start = self.time + Duration::hours(1) - Duration::minutes(1);
        let input = RecordInput {
            record_type: "av_record".into(),
            event_time: start,
            event_end: Some(start + Duration::hours(1) + Duration::minutes(32)),
            data: self.fill(&spec, Some(&view), start),
            files: vec![],
            supersedes: None,
        };
        self.add_input(&spec, input).await.map(|_| ())
    }

    /// The full legal path: every mandatory record of every stage, in order.
    pub async fn walk(&mut self) -> Result<(), CoreError> {
        let start = self.procedure.start[0].clone();
        self.open(&start).await?;
        for stage in self.procedure.stages.clone() {
            for mandatory in &stage.mandatory {
                self.ensure(mandatory).await.map_err(|err| {
                    eprintln!(
                        "walk {} stopped at {mandatory} after {:?}: {err}",
                        self.procedure.id, self.log
                    );
                    err
                })?;
            }
        }
        Ok(())
    }
}

pub fn seq(n: u64) -> StreamSeq {
    StreamSeq(n)
}
