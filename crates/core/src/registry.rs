//! Registries: enforcement bodies with their units, officers with credentials, power items and
//! staff users with role grants (D2-a, D4.1–D4.4, R2-b, L3-a). Every change is a record in the
//! entry's own stream (`body/…`, `officer/…`, `power/…`, `user/…`); the views here are folded
//! from those records by pure functions, so `liuhen rebuild` can regenerate them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use crate::error::CoreError;
use crate::ids::{BodyId, OfficerId, PowerItemId, StreamSeq, UnitId, UserId};
use crate::record::Record;
use crate::role::Role;

/// Record type ids of registry streams (fixed in code: they are not legal steps).
pub mod types {
    /// A body is registered (D2-a, D4-a).
    pub const BODY_REGISTERED: &str = "body_registered";
    /// A body's profile is amended (the whole profile is restated).
    pub const BODY_AMENDED: &str = "body_amended";
    /// A unit of a body is registered (incl. the legal-review office, L3-a).
    pub const UNIT_REGISTERED: &str = "unit_registered";
    /// A number of a body counter (案号, 文号) is assigned (R26-b).
    pub const NUMBER_ASSIGNED: &str = "number_assigned";
    /// An officer is registered (D4-a).
    pub const OFFICER_REGISTERED: &str = "officer_registered";
    /// A credential (执法证件) is issued.
    pub const CREDENTIAL_ISSUED: &str = "credential_issued";
    /// A credential's status changes (暂扣 / 注销 / 恢复).
    pub const CREDENTIAL_STATUS_CHANGED: &str = "credential_status_changed";
    /// A power item is registered (D4-b, D4-c).
    pub const POWER_ITEM_REGISTERED: &str = "power_item_registered";
    /// A staff user is registered.
    pub const USER_REGISTERED: &str = "user_registered";
    /// A role is granted.
    pub const ROLE_GRANTED: &str = "role_granted";
    /// A role is revoked.
    pub const ROLE_REVOKED: &str = "role_revoked";
}

/// 统一社会信用代码 (unified social credit code), GB 32100-2015.
pub mod uscc {
    /// The 31 characters of the code, in value order (no I, O, Z, S, V).
    const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    /// Weights of positions 1–17: 3^(i) mod 31 (GB 32100-2015 §4.3).
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];

    /// Whether `code` is 18 characters of the code alphabet whose 18th is the check character
    /// `C18 = 31 − (Σ Ci·Wi mod 31)` (31 maps to 0).
    pub fn is_valid(code: &str) -> bool {
        let bytes = code.as_bytes();
        if bytes.len() != 18 {
            return false;
        }
        let mut values = [0u32; 18];
        for (idx, byte) in bytes.iter().enumerate() {
            let Some(value) = ALPHABET.iter().position(|c| c == byte) else {
                return false;
            };
            // INVARIANT: position < 31, so the cast is lossless.
            values[idx] = value as u32;
        }
        let sum: u32 = WEIGHTS.iter().zip(values.iter()).map(|(w, v)| w * v).sum();
        let check = (31 - sum % 31) % 31;
        values[17] == check
    }
}

/// 执法主体 kind (D2-a, R2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// 行政执法机关.
    Agency,
    /// 法律法规授权组织.
    Authorized,
    /// 受委托组织 (needs an entrustment, D4.4).
    Entrusted,
}

/// 委托执法 — the terms of an entrustment (D4-e, R2-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entrustment {
    /// The delegating body.
    pub delegating_body: BodyId,
    /// 委托依据: legal basis citations.
    pub basis: Vec<String>,
    /// 委托事项: power items delegated.
    pub matters: Vec<String>,
    /// 委托权限: scope of authority.
    pub scope: String,
    /// 委托期限: first day.
    pub period_from: Date,
    /// 委托期限: last day.
    pub period_to: Date,
    /// 双方权利和义务.
    #[serde(default)]
    pub rights_and_duties: String,
    /// 法律责任.
    #[serde(default)]
    pub liability: String,
}

/// A body's profile: the data of `body_registered` / `body_amended`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyProfile {
    /// Full name, e.g. 薛城区市场监督管理局.
    pub name: String,
    /// Short name used in numbers, e.g. 薛市监.
    pub short_name: String,
    /// Kind.
    pub kind: BodyKind,
    /// 统一社会信用代码.
    pub uscc: String,
    /// Parent body, if any.
    #[serde(default)]
    pub parent: Option<BodyId>,
    /// Entrustment (only and always for `Entrusted`).
    #[serde(default)]
    pub entrustment: Option<Entrustment>,
    /// 执法职责.
    #[serde(default)]
    pub duties: String,
    /// Address.
    #[serde(default)]
    pub address: String,
}

impl BodyProfile {
    /// Checks the profile: names, the GB 32100 check character, entrustment iff entrusted.
    pub fn validate(&self) -> Result<(), CoreError> {
        if self.name.trim().is_empty() || self.short_name.trim().is_empty() {
            return Err(invalid("name", "名称和简称不能为空"));
        }
        if !uscc::is_valid(&self.uscc) {
            return Err(invalid("uscc", "统一社会信用代码校验位不正确（GB 32100）"));
        }
        match (&self.kind, &self.entrustment) {
            (BodyKind::Entrusted, None) => {
                return Err(invalid(
                    "entrustment",
                    "受委托组织须登记委托依据、事项、权限和期限（D4.4）",
                ));
            }
            (BodyKind::Entrusted, Some(entrustment)) => {
                if entrustment.basis.is_empty()
                    || entrustment.matters.is_empty()
                    || entrustment.scope.trim().is_empty()
                {
                    return Err(invalid(
                        "entrustment",
                        "委托依据、委托事项和委托权限不能为空（D4-e）",
                    ));
                }
                if entrustment.period_to < entrustment.period_from {
                    return Err(invalid("entrustment.period_to", "委托期限结束日早于开始日"));
                }
            }
            (_, Some(_)) => return Err(invalid("entrustment", "只有受委托组织登记委托（D4.4）")),
            (_, None) => {}
        }
        Ok(())
    }
}

/// 内设机构 — a unit of a body (data of `unit_registered`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Unit id.
    pub id: UnitId,
    /// Name.
    pub name: String,
    /// Duties.
    #[serde(default)]
    pub duties: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Whether this is the body's legal-review office (法制审核机构, L3-a).
    #[serde(default)]
    pub legal_review: bool,
}

/// A counter assignment (data of `number_assigned`, R26-b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberAssigned {
    /// Counter key: `case:<year>` or `doc:<document>:<year>`.
    pub counter: String,
    /// The number assigned (previous + 1).
    pub value: u64,
    /// The formatted number.
    pub text: String,
    /// The stream the number is for.
    pub for_stream: String,
}

/// The folded state of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyView {
    /// Id.
    pub id: BodyId,
    /// Current profile.
    pub profile: BodyProfile,
    /// Units.
    pub units: Vec<Unit>,
    /// Last value of each counter.
    pub counters: BTreeMap<String, u64>,
    /// Date registered.
    pub registered_on: Date,
    /// Last folded seq.
    pub last_seq: StreamSeq,
}

impl BodyView {
    /// The legal-review office, if registered (L3-a).
    pub fn legal_review_unit(&self) -> Option<&Unit> {
        self.units.iter().find(|unit| unit.legal_review)
    }
}

/// Status of a credential (D4-a: 有效 / 过期 / 注销; 过期 is computed from the dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// 有效 (subject to the validity dates).
    Active,
    /// 暂扣.
    Suspended,
    /// 注销.
    Revoked,
}

/// 执法证件 (data of `credential_issued`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// Credential number.
    pub number: String,
    /// Enforcement domains (执法领域) it covers.
    pub domains: Vec<String>,
    /// First valid day.
    pub valid_from: Date,
    /// Last valid day.
    pub valid_to: Date,
    /// Status.
    #[serde(default = "active")]
    pub status: CredentialStatus,
}

fn active() -> CredentialStatus {
    CredentialStatus::Active
}

impl Credential {
    /// Whether the credential allows enforcement on `date` in `domain` (any domain if None).
    pub fn valid_for(&self, date: Date, domain: Option<&str>) -> bool {
        self.status == CredentialStatus::Active
            && self.valid_from <= date
            && date <= self.valid_to
            && domain.is_none_or(|domain| self.domains.iter().any(|d| d == domain))
    }
}

/// Data of `credential_status_changed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialStatusChange {
    /// Credential number.
    pub number: String,
    /// New status.
    pub status: CredentialStatus,
    /// Reason.
    pub reason: String,
}

/// Data of `officer_registered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerProfile {
    /// Name.
    pub name: String,
    /// Unit of the body.
    #[serde(default)]
    pub unit: Option<UnitId>,
    /// The user account the officer signs in with.
    #[serde(default)]
    pub user: Option<UserId>,
}

/// The folded state of an officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerView {
    /// Id.
    pub id: OfficerId,
    /// Body.
    pub body: BodyId,
    /// Profile.
    pub profile: OfficerProfile,
    /// Credentials, in issue order.
    pub credentials: Vec<Credential>,
    /// Last folded seq.
    pub last_seq: StreamSeq,
}

impl OfficerView {
    /// Whether some credential is valid on `date` for `domain` (行政处罚法 第四十二条).
    pub fn has_valid_credential(&self, date: Date, domain: Option<&str>) -> bool {
        self.credentials
            .iter()
            .any(|credential| credential.valid_for(date, domain))
    }
}

/// 权力事项 (data of `power_item_registered`): D4-b mandatory fields and D4-c service fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerItem {
    /// 名称.
    pub name: String,
    /// 种类: penalty, coercion, compulsory_execution, inspection, expropriation, licensing, other.
    pub action: String,
    /// 依据: citations.
    pub basis: Vec<String>,
    /// 承办机构.
    pub unit: Option<UnitId>,
    /// 办理程序.
    pub procedure: String,
    /// 时限 (text, e.g. 立案之日起九十日).
    pub time_limit: String,
    /// 救济渠道.
    pub remedies: String,
    /// 执法领域: credentials of the handling officers must cover it.
    pub domain: String,
    /// D4.3 service information (办理场所, 执法岗位, 联系方式, 服务指南, 流程图, 材料目录, 示范文本,
    /// 进度查询, 咨询, 投诉举报), by key.
    #[serde(default)]
    pub service: BTreeMap<String, String>,
}

impl PowerItem {
    /// Checks the D4-b mandatory fields.
    pub fn validate(&self) -> Result<(), CoreError> {
        let required = [
            ("name", &self.name),
            ("procedure", &self.procedure),
            ("time_limit", &self.time_limit),
            ("remedies", &self.remedies),
            ("domain", &self.domain),
        ];
        for (name, value) in required {
            if value.trim().is_empty() {
                return Err(invalid(name, "权力事项必填项为空（D4-b）"));
            }
        }
        if self.basis.is_empty() {
            return Err(invalid("basis", "权力事项须有依据（D4-b）"));
        }
        if !crate::rules::ACTION_KINDS.contains(&self.action.as_str()) {
            return Err(invalid("action", "未知的执法行为类别（R2-a）"));
        }
        Ok(())
    }
}

/// The folded state of a power item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerItemView {
    /// Id.
    pub id: PowerItemId,
    /// Body.
    pub body: BodyId,
    /// Item.
    pub item: PowerItem,
    /// Last folded seq.
    pub last_seq: StreamSeq,
}

/// A role held by a user, for one body or district-wide.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleGrant {
    /// Role.
    pub role: Role,
    /// Body; None = district-wide (SUPERVISOR and the three administrators).
    pub body: Option<BodyId>,
}

impl RoleGrant {
    /// Body roles need a body; district roles must not have one (deny by default).
    pub fn validate(&self) -> Result<(), CoreError> {
        let district = matches!(
            self.role,
            Role::Supervisor | Role::SysAdmin | Role::SecAdmin | Role::Auditor
        );
        if self.role == Role::Public {
            return Err(invalid("role", "社会公众不是可授予的角色"));
        }
        match (district, &self.body) {
            (true, Some(_)) => Err(invalid("body", "该角色为全区角色，不属于某一执法主体")),
            (false, None) => Err(invalid("body", "该角色须指定执法主体")),
            _ => Ok(()),
        }
    }
}

/// Data of `user_registered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserProfile {
    /// Sign-in name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// The officer identity, when the user is an officer.
    #[serde(default)]
    pub officer: Option<OfficerId>,
}

/// The folded state of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// Id.
    pub id: UserId,
    /// Profile.
    pub profile: UserProfile,
    /// Current grants.
    pub grants: Vec<RoleGrant>,
    /// Last folded seq.
    pub last_seq: StreamSeq,
}

fn invalid(field: &str, reason: &str) -> CoreError {
    CoreError::Invalid {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

fn data_as<T: serde::de::DeserializeOwned>(record: &Record) -> Result<T, CoreError> {
    serde_json::from_value(Value::Object(record.data.clone())).map_err(|err| CoreError::Invalid {
        field: format!("{}#{}", record.stream, record.seq.0),
        reason: err.to_string(),
    })
}

fn wrong_record(record: &Record) -> CoreError {
    CoreError::Invalid {
        field: format!("{}#{}", record.stream, record.seq.0),
        reason: format!(
            "unexpected record type {} for this state",
            record.record_type
        ),
    }
}

/// Folds a body-stream record.
pub fn fold_body(state: Option<BodyView>, record: &Record) -> Result<BodyView, CoreError> {
    let body_id = BodyId::new(record.stream.id())?;
    match (state, record.record_type.as_str()) {
        (None, types::BODY_REGISTERED) => Ok(BodyView {
            id: body_id,
            profile: data_as(record)?,
            units: Vec::new(),
            counters: BTreeMap::new(),
            registered_on: record.event_time.to_offset(crate::CHINA_OFFSET).date(),
            last_seq: record.seq,
        }),
        (Some(mut view), types::BODY_AMENDED) => {
            view.profile = data_as(record)?;
            view.last_seq = record.seq;
            Ok(view)
        }
        (Some(mut view), types::UNIT_REGISTERED) => {
            let unit: Unit = data_as(record)?;
            view.units.retain(|existing| existing.id != unit.id);
            view.units.push(unit);
            view.last_seq = record.seq;
            Ok(view)
        }
        (Some(mut view), types::NUMBER_ASSIGNED) => {
            let assigned: NumberAssigned = data_as(record)?;
            view.counters.insert(assigned.counter, assigned.value);
            view.last_seq = record.seq;
            Ok(view)
        }
        _ => Err(wrong_record(record)),
    }
}

/// Folds an officer-stream record.
pub fn fold_officer(state: Option<OfficerView>, record: &Record) -> Result<OfficerView, CoreError> {
    let officer_id = OfficerId::new(record.stream.id())?;
    match (state, record.record_type.as_str()) {
        (None, types::OFFICER_REGISTERED) => Ok(OfficerView {
            id: officer_id,
            body: record.body.clone(),
            profile: data_as(record)?,
            credentials: Vec::new(),
            last_seq: record.seq,
        }),
        (Some(mut view), types::CREDENTIAL_ISSUED) => {
            let credential: Credential = data_as(record)?;
            view.credentials
                .retain(|existing| existing.number != credential.number);
            view.credentials.push(credential);
            view.last_seq = record.seq;
            Ok(view)
        }
        (Some(mut view), types::CREDENTIAL_STATUS_CHANGED) => {
            let change: CredentialStatusChange = data_as(record)?;
            for credential in &mut view.credentials {
                if credential.number == change.number {
                    credential.status = change.status;
                }
            }
            view.last_seq = record.seq;
            Ok(view)
        }
        _ => Err(wrong_record(record)),
    }
}

/// Folds a power-item-stream record.
pub fn fold_power_item(
    state: Option<PowerItemView>,
    record: &Record,
) -> Result<PowerItemView, CoreError> {
    let id = PowerItemId::new(record.stream.id())?;
    match (state, record.record_type.as_str()) {
        (None | Some(_), types::POWER_ITEM_REGISTERED) => Ok(PowerItemView {
            id,
            body: record.body.clone(),
            item: data_as(record)?,
            last_seq: record.seq,
        }),
        _ => Err(wrong_record(record)),
    }
}

/// Folds a user-stream record.
pub fn fold_user(state: Option<UserView>, record: &Record) -> Result<UserView, CoreError> {
    let id = UserId::new(record.stream.id())?;
    match (state, record.record_type.as_str()) {
        (None, types::USER_REGISTERED) => Ok(UserView {
            id,
            profile: data_as(record)?,
            grants: Vec::new(),
            last_seq: record.seq,
        }),
        (Some(mut view), types::ROLE_GRANTED) => {
            let grant: RoleGrant = data_as(record)?;
            if !view.grants.contains(&grant) {
                view.grants.push(grant);
                view.grants.sort();
            }
            view.last_seq = record.seq;
            Ok(view)
        }
        (Some(mut view), types::ROLE_REVOKED) => {
            let grant: RoleGrant = data_as(record)?;
            view.grants.retain(|existing| existing != &grant);
            view.last_seq = record.seq;
            Ok(view)
        }
        _ => Err(wrong_record(record)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uscc_check_character_follows_gb_32100() {
        for good in ["91350100M000100Y43", "91110000802100433B"] {
            assert!(uscc::is_valid(good), "{good}");
        }
        for bad in [
            "91350100M000100Y44",
            "91350100M000100Y4",
            "91350100M000100YI3",
            "",
            "9135O100M000100Y43",
        ] {
            assert!(!uscc::is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn district_roles_have_no_body_and_body_roles_need_one() {
        let body = Some(BodyId::new("b1").unwrap());
        assert!(
            RoleGrant {
                role: Role::Officer,
                body: body.clone()
            }
            .validate()
            .is_ok()
        );
        assert!(
            RoleGrant {
                role: Role::Officer,
                body: None
            }
            .validate()
            .is_err()
        );
        assert!(
            RoleGrant {
                role: Role::Supervisor,
                body: None
            }
            .validate()
            .is_ok()
        );
        assert!(
            RoleGrant {
                role: Role::SysAdmin,
                body
            }
            .validate()
            .is_err()
        );
    }
}
