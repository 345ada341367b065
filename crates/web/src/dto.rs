//! Wire types (DTOs) of the API. Core types are not the wire format (STYLE.md "Handlers and
//! services", architecture.md *Serialization*): each DTO here is converted from or into a core
//! type, so the core can change its internals without breaking clients. The one exception is the
//! record envelope in [`RecordDto::record`], which is the documented canonical format
//! (`docs/formats/record.md`) whose hash is in the log.
//!
//! Conventions: dates are `YYYY-MM-DD`, instants RFC 3339 with offset (`+08:00`, T1), hashes
//! lower-case hex, roles their codes (`OFFICER`, …), identifiers `[A-Za-z0-9._-]{1,64}`.

use std::collections::BTreeMap;

use liuhen_core::ids::{BodyId, OfficerId, PowerItemId, UnitId, UserId};
use liuhen_core::ports::{AuditEntry, Receipt, Session};
use liuhen_core::registry::{
    BodyKind, BodyProfile, BodyView, Credential, CredentialStatus, Entrustment, OfficerProfile,
    OfficerView, PowerItem, PowerItemView, RoleGrant, Unit, UserProfile, UserView,
};
use liuhen_core::role::Role;
use liuhen_core::service::Ctx;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

pub mod disclosure;
pub mod evidence;
pub mod review;

/// `YYYY-MM-DD`.
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Formats a date as `YYYY-MM-DD`.
pub(crate) fn fmt_date(date: Date) -> String {
    date.format(DATE_FORMAT).unwrap_or_default()
}

/// Formats an instant as RFC 3339 in Asia/Shanghai (T1).
pub(crate) fn fmt_time(instant: OffsetDateTime) -> String {
    instant
        .to_offset(liuhen_core::CHINA_OFFSET)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Parses a `YYYY-MM-DD` field.
pub(crate) fn parse_date(field: &str, text: &str) -> Result<Date, ApiError> {
    Date::parse(text, DATE_FORMAT).map_err(|_| ApiError::Invalid {
        field: field.to_owned(),
        reason: "须为 YYYY-MM-DD 格式的日期".to_owned(),
    })
}

/// Parses an RFC 3339 instant field; the offset is required (T1: no floating local times).
pub(crate) fn parse_time(field: &str, text: &str) -> Result<OffsetDateTime, ApiError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| ApiError::Invalid {
        field: field.to_owned(),
        reason: "须为带时区的 RFC 3339 时间，如 2024-10-08T09:30:00+08:00".to_owned(),
    })
}

/// Wraps an identifier from the wire, reporting which field was wrong.
pub(crate) fn parse_id<T>(
    field: &str,
    text: &str,
    make: impl FnOnce(String) -> Result<T, liuhen_core::error::CoreError>,
) -> Result<T, ApiError> {
    make(text.to_owned()).map_err(|_| ApiError::Invalid {
        field: field.to_owned(),
        reason: "标识须为 1–64 个字母、数字、点、下划线或连字符".to_owned(),
    })
}

fn parse_role(field: &str, code: &str) -> Result<Role, ApiError> {
    Role::from_code(code).ok_or_else(|| ApiError::Invalid {
        field: field.to_owned(),
        reason: format!("未知角色 {code}"),
    })
}

// ---------------------------------------------------------------------------------------------
// Session

/// Sign-in request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username.
    pub username: String,
    /// Password (sent over TLS; never logged).
    pub password: String,
}

/// A role held for a body, or district-wide when `body` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantDto {
    /// Role code: `OFFICER`, `UNIT_HEAD`, `AGENCY_HEAD`, `REVIEWER`, `ARCHIVIST`, `SUPERVISOR`,
    /// `SYSADMIN`, `SECADMIN`, `AUDITOR`.
    pub role: String,
    /// Body id; absent for district-wide roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl GrantDto {
    fn from_core(grant: &RoleGrant) -> GrantDto {
        GrantDto {
            role: grant.role.code().to_owned(),
            body: grant.body.as_ref().map(ToString::to_string),
        }
    }

    /// Converts to the core grant.
    pub(crate) fn to_core(&self) -> Result<RoleGrant, ApiError> {
        Ok(RoleGrant {
            role: parse_role("role", &self.role)?,
            body: self
                .body
                .as_deref()
                .map(|body| parse_id("body", body, BodyId::new))
                .transpose()?,
        })
    }
}

/// The signed-in user and session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WhoAmI {
    /// User id.
    pub user: String,
    /// Officer identity, when the user is an enforcement officer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// Role grants.
    pub grants: Vec<GrantDto>,
    /// When the session ends (absolute).
    pub expires_at: String,
}

impl WhoAmI {
    pub(crate) fn new(ctx: &Ctx, session: &Session) -> WhoAmI {
        WhoAmI {
            user: ctx.user.to_string(),
            officer: ctx.officer.as_ref().map(ToString::to_string),
            grants: ctx.grants.iter().map(GrantDto::from_core).collect(),
            expires_at: fmt_time(session.expires_at),
        }
    }
}

/// Sign-in response. The token is also set as the `liuhen_session` cookie; programs send it as
/// `Authorization: Bearer <token>`. Browsers send `csrf_token` as `X-CSRF-Token` on unsafe
/// requests.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionCreated {
    /// Session token (secret).
    pub token: String,
    /// CSRF token for cookie-authenticated unsafe requests.
    pub csrf_token: String,
    /// The session.
    pub who: WhoAmI,
}

// ---------------------------------------------------------------------------------------------
// Receipts and records

/// What an append acknowledges: the record is durable and is leaf `log_index` of the log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReceiptDto {
    /// Sequence number in its stream.
    pub seq: u64,
    /// Leaf index in the global log (for `GET /log/proof?index=`).
    pub log_index: u64,
    /// Record hash (hex), the leaf's data.
    pub hash: String,
}

impl From<Receipt> for ReceiptDto {
    fn from(receipt: Receipt) -> ReceiptDto {
        ReceiptDto {
            seq: receipt.seq.0,
            log_index: receipt.log_index.0,
            hash: hex::encode(receipt.hash),
        }
    }
}

/// A file attached to a record, by hash (uploaded separately to the blob store).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRefDto {
    /// Original file name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256.
    pub sha256: String,
    /// Hex SM3.
    pub sm3: String,
}

impl FileRefDto {
    fn to_core(&self) -> liuhen_core::record::FileRef {
        liuhen_core::record::FileRef {
            name: self.name.clone(),
            media_type: self.media_type.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            sm3: self.sm3.clone(),
        }
    }
}

/// A record to append to a case: its type from the rule set, the event times and the fields
/// the record type requires.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInputDto {
    /// Record type id of the rule set, e.g. `r8_initiation`.
    pub record_type: String,
    /// When the event happened or started (RFC 3339 with offset).
    pub event_time: String,
    /// When it ended, for activities with a duration (R3-a).
    #[serde(default)]
    pub event_end: Option<String>,
    /// The record type's fields.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub data: Map<String, Value>,
    /// Attached files.
    #[serde(default)]
    pub files: Vec<FileRefDto>,
    /// The earlier record of this case this one replaces (R4-a).
    #[serde(default)]
    pub supersedes: Option<u64>,
}

impl RecordInputDto {
    pub(crate) fn to_core(&self) -> Result<liuhen_core::service::RecordInput, ApiError> {
        Ok(liuhen_core::service::RecordInput {
            record_type: self.record_type.clone(),
            event_time: parse_time("event_time", &self.event_time)?,
            event_end: self
                .event_end
                .as_deref()
                .map(|text| parse_time("event_end", text))
                .transpose()?,
            data: self.data.clone(),
            files: self.files.iter().map(FileRefDto::to_core).collect(),
            supersedes: self.supersedes.map(liuhen_core::ids::StreamSeq),
        })
    }
}

/// The answer of `POST /cases/{id}/records/check` when the record would be accepted. A record
/// that would be refused is answered with the error `POST /cases/{id}/records` would give.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordCheckDto {
    /// Always `true`.
    pub ok: bool,
}

/// Why a record type cannot be added now: the refusal's rule IDs, message and citation, in the
/// shape of the error body of a refusal ([`crate::error::ErrorBody`] without its `code`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlockedDto {
    /// Requirement IDs joined with `,` (e.g. `L2-a`, `R4-c`); empty when none applies.
    pub rule: String,
    /// Chinese message: the rule set's own, verbatim.
    pub message: String,
    /// The article the rule rests on.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub citation: String,
    /// Machine-readable details: the failing gate, the missing mandatory records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

impl From<liuhen_core::error::Refusal> for BlockedDto {
    fn from(refusal: liuhen_core::error::Refusal) -> BlockedDto {
        // The error body's own mapping, so that the two shapes cannot drift.
        let body = ApiError::Refused(refusal).body();
        BlockedDto {
            rule: body.rule,
            message: body.message,
            citation: body.citation,
            details: body.details,
        }
    }
}

/// One record type of a case's procedure and whether the caller could add it now (R4-c stage,
/// roles, gates such as L2-a that the case's state alone decides).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordOptionDto {
    /// Record type id of the rule set, e.g. `r10_1_questioning_party`.
    pub record_type: String,
    /// Chinese name.
    pub name: String,
    /// Chinese name of the stage it would be recorded in; `null` for types of any stage.
    pub stage: Option<String>,
    /// Why it cannot be added now; `null` when only the form's own field values (checked on
    /// submission) could stand in the way.
    pub blocked: Option<BlockedDto>,
}

impl From<liuhen_core::service::RecordOption> for RecordOptionDto {
    fn from(option: liuhen_core::service::RecordOption) -> RecordOptionDto {
        RecordOptionDto {
            record_type: option.record_type,
            name: option.name,
            stage: option.stage,
            blocked: option.blocked.map(BlockedDto::from),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Registries

/// 委托 — entrustment terms of a 受委托组织 (D4.4).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntrustmentDto {
    /// Delegating body id.
    pub delegating_body: String,
    /// 委托依据.
    pub basis: Vec<String>,
    /// 委托事项.
    pub matters: Vec<String>,
    /// 委托权限.
    pub scope: String,
    /// First day (`YYYY-MM-DD`).
    pub period_from: String,
    /// Last day (`YYYY-MM-DD`).
    pub period_to: String,
    /// 双方权利和义务.
    #[serde(default)]
    pub rights_and_duties: String,
    /// 法律责任.
    #[serde(default)]
    pub liability: String,
}

impl EntrustmentDto {
    fn from_core(entrustment: &Entrustment) -> EntrustmentDto {
        EntrustmentDto {
            delegating_body: entrustment.delegating_body.to_string(),
            basis: entrustment.basis.clone(),
            matters: entrustment.matters.clone(),
            scope: entrustment.scope.clone(),
            period_from: fmt_date(entrustment.period_from),
            period_to: fmt_date(entrustment.period_to),
            rights_and_duties: entrustment.rights_and_duties.clone(),
            liability: entrustment.liability.clone(),
        }
    }

    fn to_core(&self) -> Result<Entrustment, ApiError> {
        Ok(Entrustment {
            delegating_body: parse_id(
                "entrustment.delegating_body",
                &self.delegating_body,
                BodyId::new,
            )?,
            basis: self.basis.clone(),
            matters: self.matters.clone(),
            scope: self.scope.clone(),
            period_from: parse_date("entrustment.period_from", &self.period_from)?,
            period_to: parse_date("entrustment.period_to", &self.period_to)?,
            rights_and_duties: self.rights_and_duties.clone(),
            liability: self.liability.clone(),
        })
    }
}

fn body_kind_code(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::Agency => "agency",
        BodyKind::Authorized => "authorized",
        BodyKind::Entrusted => "entrusted",
    }
}

fn parse_body_kind(code: &str) -> Result<BodyKind, ApiError> {
    match code {
        "agency" => Ok(BodyKind::Agency),
        "authorized" => Ok(BodyKind::Authorized),
        "entrusted" => Ok(BodyKind::Entrusted),
        _ => Err(ApiError::Invalid {
            field: "kind".to_owned(),
            reason: "须为 agency、authorized 或 entrusted".to_owned(),
        }),
    }
}

/// A body's profile (request of register and amend).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyProfileDto {
    /// Full name, e.g. 薛城区市场监督管理局.
    pub name: String,
    /// Short name used in numbers, e.g. 薛市监.
    pub short_name: String,
    /// `agency` (行政执法机关), `authorized` (法律法规授权组织) or `entrusted` (受委托组织).
    pub kind: String,
    /// 统一社会信用代码 (GB 32100, check character verified).
    pub uscc: String,
    /// Parent body id.
    #[serde(default)]
    pub parent: Option<String>,
    /// Entrustment, only and always for `entrusted`.
    #[serde(default)]
    pub entrustment: Option<EntrustmentDto>,
    /// 执法职责.
    #[serde(default)]
    pub duties: String,
    /// Address.
    #[serde(default)]
    pub address: String,
}

impl BodyProfileDto {
    fn from_core(profile: &BodyProfile) -> BodyProfileDto {
        BodyProfileDto {
            name: profile.name.clone(),
            short_name: profile.short_name.clone(),
            kind: body_kind_code(profile.kind).to_owned(),
            uscc: profile.uscc.clone(),
            parent: profile.parent.as_ref().map(ToString::to_string),
            entrustment: profile.entrustment.as_ref().map(EntrustmentDto::from_core),
            duties: profile.duties.clone(),
            address: profile.address.clone(),
        }
    }

    pub(crate) fn to_core(&self) -> Result<BodyProfile, ApiError> {
        Ok(BodyProfile {
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            kind: parse_body_kind(&self.kind)?,
            uscc: self.uscc.clone(),
            parent: self
                .parent
                .as_deref()
                .map(|parent| parse_id("parent", parent, BodyId::new))
                .transpose()?,
            entrustment: self
                .entrustment
                .as_ref()
                .map(EntrustmentDto::to_core)
                .transpose()?,
            duties: self.duties.clone(),
            address: self.address.clone(),
        })
    }
}

/// Request to register a body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBodyRequest {
    /// New body id.
    pub id: String,
    /// Profile.
    pub profile: BodyProfileDto,
}

/// 内设机构 — a unit of a body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitDto {
    /// Unit id.
    pub id: String,
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

impl UnitDto {
    fn from_core(unit: &Unit) -> UnitDto {
        UnitDto {
            id: unit.id.to_string(),
            name: unit.name.clone(),
            duties: unit.duties.clone(),
            address: unit.address.clone(),
            legal_review: unit.legal_review,
        }
    }

    pub(crate) fn to_core(&self) -> Result<Unit, ApiError> {
        Ok(Unit {
            id: parse_id("id", &self.id, UnitId::new)?,
            name: self.name.clone(),
            duties: self.duties.clone(),
            address: self.address.clone(),
            legal_review: self.legal_review,
        })
    }
}

/// 执法主体 — a body with its units.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BodyDto {
    /// Id.
    pub id: String,
    /// Profile.
    pub profile: BodyProfileDto,
    /// Units.
    pub units: Vec<UnitDto>,
    /// Registration date.
    pub registered_on: String,
}

impl From<BodyView> for BodyDto {
    fn from(view: BodyView) -> BodyDto {
        BodyDto {
            id: view.id.to_string(),
            profile: BodyProfileDto::from_core(&view.profile),
            units: view.units.iter().map(UnitDto::from_core).collect(),
            registered_on: fmt_date(view.registered_on),
        }
    }
}

fn credential_status_code(status: CredentialStatus) -> &'static str {
    match status {
        CredentialStatus::Active => "active",
        CredentialStatus::Suspended => "suspended",
        CredentialStatus::Revoked => "revoked",
    }
}

/// Parses a credential status code.
pub(crate) fn parse_credential_status(code: &str) -> Result<CredentialStatus, ApiError> {
    match code {
        "active" => Ok(CredentialStatus::Active),
        "suspended" => Ok(CredentialStatus::Suspended),
        "revoked" => Ok(CredentialStatus::Revoked),
        _ => Err(ApiError::Invalid {
            field: "status".to_owned(),
            reason: "须为 active、suspended 或 revoked".to_owned(),
        }),
    }
}

/// 执法证件 — an officer's credential.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialDto {
    /// Credential number.
    pub number: String,
    /// Enforcement domains it covers.
    pub domains: Vec<String>,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day.
    pub valid_to: String,
    /// `active`, `suspended` or `revoked` (expiry follows from the dates).
    #[serde(default = "active_code")]
    pub status: String,
}

fn active_code() -> String {
    "active".to_owned()
}

impl CredentialDto {
    fn from_core(credential: &Credential) -> CredentialDto {
        CredentialDto {
            number: credential.number.clone(),
            domains: credential.domains.clone(),
            valid_from: fmt_date(credential.valid_from),
            valid_to: fmt_date(credential.valid_to),
            status: credential_status_code(credential.status).to_owned(),
        }
    }

    pub(crate) fn to_core(&self) -> Result<Credential, ApiError> {
        Ok(Credential {
            number: self.number.clone(),
            domains: self.domains.clone(),
            valid_from: parse_date("valid_from", &self.valid_from)?,
            valid_to: parse_date("valid_to", &self.valid_to)?,
            status: parse_credential_status(&self.status)?,
        })
    }
}

/// Request to change a credential's status (暂扣 / 注销 / 恢复).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialStatusRequest {
    /// New status: `active`, `suspended` or `revoked`.
    pub status: String,
    /// Reason.
    pub reason: String,
}

/// Request to register an officer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterOfficerRequest {
    /// New officer id.
    pub id: String,
    /// Body id.
    pub body: String,
    /// Name.
    pub name: String,
    /// Unit id of the body.
    #[serde(default)]
    pub unit: Option<String>,
    /// User account the officer signs in with.
    #[serde(default)]
    pub user: Option<String>,
}

impl RegisterOfficerRequest {
    pub(crate) fn to_core(&self) -> Result<(OfficerId, BodyId, OfficerProfile), ApiError> {
        Ok((
            parse_id("id", &self.id, OfficerId::new)?,
            parse_id("body", &self.body, BodyId::new)?,
            OfficerProfile {
                name: self.name.clone(),
                unit: self
                    .unit
                    .as_deref()
                    .map(|unit| parse_id("unit", unit, UnitId::new))
                    .transpose()?,
                user: self
                    .user
                    .as_deref()
                    .map(|user| parse_id("user", user, UserId::new))
                    .transpose()?,
            },
        ))
    }
}

/// 行政执法人员 — an officer with credentials.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfficerDto {
    /// Id.
    pub id: String,
    /// Body id.
    pub body: String,
    /// Name.
    pub name: String,
    /// Unit id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Credentials in issue order.
    pub credentials: Vec<CredentialDto>,
}

impl From<OfficerView> for OfficerDto {
    fn from(view: OfficerView) -> OfficerDto {
        OfficerDto {
            id: view.id.to_string(),
            body: view.body.to_string(),
            name: view.profile.name.clone(),
            unit: view.profile.unit.as_ref().map(ToString::to_string),
            user: view.profile.user.as_ref().map(ToString::to_string),
            credentials: view
                .credentials
                .iter()
                .map(CredentialDto::from_core)
                .collect(),
        }
    }
}

/// 权力事项 — a power item's data (D4-b mandatory fields, D4-c service fields).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PowerItemDataDto {
    /// 名称.
    pub name: String,
    /// 种类: `penalty`, `coercion`, `compulsory_execution`, `inspection`, `expropriation`,
    /// `licensing`, `other`.
    pub action: String,
    /// 依据.
    pub basis: Vec<String>,
    /// 承办机构 (unit id).
    #[serde(default)]
    pub unit: Option<String>,
    /// 办理程序.
    pub procedure: String,
    /// 时限.
    pub time_limit: String,
    /// 救济渠道.
    pub remedies: String,
    /// 执法领域.
    pub domain: String,
    /// D4.3 service information by key.
    #[serde(default)]
    pub service: BTreeMap<String, String>,
}

impl PowerItemDataDto {
    fn from_core(item: &PowerItem) -> PowerItemDataDto {
        PowerItemDataDto {
            name: item.name.clone(),
            action: item.action.clone(),
            basis: item.basis.clone(),
            unit: item.unit.as_ref().map(ToString::to_string),
            procedure: item.procedure.clone(),
            time_limit: item.time_limit.clone(),
            remedies: item.remedies.clone(),
            domain: item.domain.clone(),
            service: item.service.clone(),
        }
    }

    pub(crate) fn to_core(&self) -> Result<PowerItem, ApiError> {
        Ok(PowerItem {
            name: self.name.clone(),
            action: self.action.clone(),
            basis: self.basis.clone(),
            unit: self
                .unit
                .as_deref()
                .map(|unit| parse_id("unit", unit, UnitId::new))
                .transpose()?,
            procedure: self.procedure.clone(),
            time_limit: self.time_limit.clone(),
            remedies: self.remedies.clone(),
            domain: self.domain.clone(),
            service: self.service.clone(),
        })
    }
}

/// Request to register a power item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterPowerItemRequest {
    /// New power item id.
    pub id: String,
    /// Body id.
    pub body: String,
    /// The item.
    pub item: PowerItemDataDto,
}

/// A registered power item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PowerItemDto {
    /// Id.
    pub id: String,
    /// Body id.
    pub body: String,
    /// The item.
    pub item: PowerItemDataDto,
}

impl From<PowerItemView> for PowerItemDto {
    fn from(view: PowerItemView) -> PowerItemDto {
        PowerItemDto {
            id: view.id.to_string(),
            body: view.body.to_string(),
            item: PowerItemDataDto::from_core(&view.item),
        }
    }
}

/// Request to register a staff user, optionally with an initial password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterUserRequest {
    /// New user id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Officer identity, when the user is an officer.
    #[serde(default)]
    pub officer: Option<String>,
    /// Initial password (stored only as an Argon2id hash).
    #[serde(default)]
    pub password: Option<String>,
}

impl RegisterUserRequest {
    pub(crate) fn to_core(&self) -> Result<(UserId, UserProfile), ApiError> {
        Ok((
            parse_id("id", &self.id, UserId::new)?,
            UserProfile {
                username: self.username.clone(),
                name: self.name.clone(),
                officer: self
                    .officer
                    .as_deref()
                    .map(|officer| parse_id("officer", officer, OfficerId::new))
                    .transpose()?,
            },
        ))
    }
}

/// Request to set a user's password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    /// The new password.
    pub password: String,
}

/// A staff user with roles.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserDto {
    /// Id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Officer identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// Role grants.
    pub grants: Vec<GrantDto>,
}

impl From<UserView> for UserDto {
    fn from(view: UserView) -> UserDto {
        UserDto {
            id: view.id.to_string(),
            username: view.profile.username.clone(),
            name: view.profile.name.clone(),
            officer: view.profile.officer.as_ref().map(ToString::to_string),
            grants: view.grants.iter().map(GrantDto::from_core).collect(),
        }
    }
}

/// Query of the officer and power-item lists.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BodyQuery {
    /// Body id.
    pub body: String,
}

/// Identifies a power item in a path (kept for symmetry with the other registries).
pub(crate) fn parse_power_item_id(text: &str) -> Result<PowerItemId, ApiError> {
    parse_id("id", text, PowerItemId::new)
}

// ---------------------------------------------------------------------------------------------
// Audit

/// Query of the audit log.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQueryDto {
    /// Only entries about objects starting with this prefix, e.g. `cases/`.
    #[serde(default)]
    pub object_prefix: Option<String>,
    /// Only entries by this user.
    #[serde(default)]
    pub user: Option<String>,
    /// Page size (default 100, at most 1,000).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One audit entry (R4-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryDto {
    /// When.
    pub time: String,
    /// Who (absent for anonymous or failed sign-in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// What: `read`, `create`, `update`, `delete`, `login`, …
    pub action: String,
    /// Which object, e.g. `case/<id>/records` or `cases`.
    pub object: String,
    /// Client address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    /// `ok`, or an error code / rule IDs.
    pub outcome: String,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(entry: AuditEntry) -> AuditEntryDto {
        AuditEntryDto {
            time: fmt_time(entry.time),
            user: entry.user.as_ref().map(ToString::to_string),
            action: entry.action,
            object: entry.object,
            client_ip: entry.client_ip,
            outcome: entry.outcome,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Log

/// Query of `GET /log/proof`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProofQuery {
    /// Leaf index (a receipt's `log_index`).
    pub index: u64,
    /// Tree size the proof is for (a checkpoint's size); default: the current size.
    #[serde(default)]
    pub size: Option<u64>,
}

/// An inclusion proof document, exactly `docs/formats/proof.md` (`liuhen-inclusion-proof/1`):
/// verify it with `liuhen log verify-inclusion` against a checkpoint of the same size.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InclusionProofDto {
    /// `liuhen-inclusion-proof/1`.
    pub format: String,
    /// Hash profile: `sm3` or `sha256`.
    pub profile: String,
    /// Leaf index.
    pub index: u64,
    /// Tree size.
    pub size: u64,
    /// Leaf hash `H(0x00 ‖ record hash)`, hex.
    pub leaf_hash: String,
    /// Audit path, leaf upwards, hex.
    pub hashes: Vec<String>,
}

/// Query of `GET /log/consistency`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// Size of the older tree (an earlier checkpoint's size), at least 1.
    pub old: u64,
    /// Size of the newer tree; default: the current size.
    #[serde(default)]
    pub new: Option<u64>,
}

/// A consistency proof document, exactly `docs/formats/proof.md`
/// (`liuhen-consistency-proof/1`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsistencyProofDto {
    /// `liuhen-consistency-proof/1`.
    pub format: String,
    /// Hash profile: `sm3` or `sha256`.
    pub profile: String,
    /// Size of the older tree.
    pub old_size: u64,
    /// Size of the newer tree.
    pub new_size: u64,
    /// Proof hashes, hex.
    pub hashes: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Cases

/// Request to open a case with its intake record (R7 application, R8 ex officio, R9 complaint).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// Procedure id of the rule set, e.g. `penalty_ordinary`.
    pub procedure: String,
    /// Body id.
    pub body: String,
    /// Power item id.
    #[serde(default)]
    pub power_item: Option<String>,
    /// Title.
    pub title: String,
    /// The intake record.
    pub intake: RecordInputDto,
}

impl OpenCaseRequest {
    pub(crate) fn to_core(&self) -> Result<liuhen_core::service::OpenCase, ApiError> {
        Ok(liuhen_core::service::OpenCase {
            procedure: self.procedure.clone(),
            body: parse_id("body", &self.body, BodyId::new)?,
            power_item: self
                .power_item
                .as_deref()
                .map(|item| parse_id("power_item", item, PowerItemId::new))
                .transpose()?,
            title: self.title.clone(),
            intake: self.intake.to_core()?,
        })
    }
}

/// A case was opened.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseCreated {
    /// Case id.
    pub case_id: String,
    /// 案号.
    pub case_number: String,
    /// The intake record's receipt.
    pub receipt: ReceiptDto,
}

impl From<liuhen_core::service::CaseReceipt> for CaseCreated {
    fn from(receipt: liuhen_core::service::CaseReceipt) -> CaseCreated {
        CaseCreated {
            case_id: receipt.case_id.to_string(),
            case_number: receipt.case_number,
            receipt: receipt.receipt.into(),
        }
    }
}

/// One record of a case, summarised.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordSummaryDto {
    /// Sequence number in the case.
    pub seq: u64,
    /// Record type id.
    pub record_type: String,
    /// Whether it is an A/V record (音像记录).
    pub av: bool,
    /// Event time.
    pub event_time: String,
    /// Event end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_end: Option<String>,
    /// Entry time (server).
    pub entry_time: String,
    /// Who entered it.
    pub user: String,
    /// In which role.
    pub role: String,
    /// Superseded by (R4-a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<u64>,
    /// Voided by (R4-a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voided_by: Option<u64>,
    /// Confidentiality label (R30-d).
    pub confidentiality: String,
    /// 文号 assigned (R26-b).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// 补录: a text record entered more than P6 = 24 h after its event (R4-d).
    #[serde(default)]
    pub late_entry: bool,
}

impl RecordSummaryDto {
    fn from_core(summary: &liuhen_core::case::RecordSummary) -> RecordSummaryDto {
        RecordSummaryDto {
            seq: summary.seq.0,
            record_type: summary.record_type.clone(),
            av: summary.av,
            event_time: fmt_time(summary.event_time),
            event_end: summary.event_end.map(fmt_time),
            entry_time: fmt_time(summary.entry_time),
            user: summary.user.to_string(),
            role: summary.role.code().to_owned(),
            superseded_by: summary.superseded_by.map(|seq| seq.0),
            voided_by: summary.voided_by.map(|seq| seq.0),
            confidentiality: summary.confidentiality.clone(),
            doc_number: summary.doc_number.clone(),
            late_entry: summary.late_entry(),
        }
    }
}

/// An R30 record access request and its decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessRequestDto {
    /// Seq of the request record (identifies the request).
    pub request_seq: u64,
    /// Requester.
    pub requester: String,
    /// Records requested.
    pub records: Vec<u64>,
    /// Purpose.
    pub purpose: String,
    /// Outcome once decided: `approve`, `partial`, `refuse`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Records opened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approved: Vec<u64>,
    /// Labelled records excluded (R30-b).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<u64>,
    /// Decision date (start of the P10 window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
}

fn access_outcome_code(outcome: liuhen_core::case::AccessOutcome) -> &'static str {
    match outcome {
        liuhen_core::case::AccessOutcome::Approve => "approve",
        liuhen_core::case::AccessOutcome::Partial => "partial",
        liuhen_core::case::AccessOutcome::Refuse => "refuse",
    }
}

impl AccessRequestDto {
    fn from_core(view: &liuhen_core::case::AccessRequestView) -> AccessRequestDto {
        AccessRequestDto {
            request_seq: view.request_seq.0,
            requester: view.requester.clone(),
            records: view.records.iter().map(|seq| seq.0).collect(),
            purpose: view.purpose.clone(),
            outcome: view
                .decision
                .as_ref()
                .map(|decision| access_outcome_code(decision.outcome).to_owned()),
            approved: view
                .decision
                .as_ref()
                .map(|d| d.approved.iter().map(|seq| seq.0).collect())
                .unwrap_or_default(),
            excluded: view
                .decision
                .as_ref()
                .map(|d| d.excluded.iter().map(|seq| seq.0).collect())
                .unwrap_or_default(),
            decided_on: view.decided_on.map(fmt_date),
        }
    }
}

fn case_status_code(status: liuhen_core::case::CaseStatus) -> &'static str {
    status.code()
}

/// A case with its record summaries.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseDto {
    /// Id.
    pub id: String,
    /// 案号.
    pub case_number: String,
    /// Body id.
    pub body: String,
    /// Procedure id.
    pub procedure: String,
    /// Action kind.
    pub action: String,
    /// Power item id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_item: Option<String>,
    /// Title.
    pub title: String,
    /// `open`, `not_initiated` or `closed`.
    pub status: String,
    /// Current stage id.
    pub stage: String,
    /// Case flags.
    pub flags: Vec<String>,
    /// Whether legal review is required before the decision (L2-a, L4).
    pub review_required: bool,
    /// 立案 / 受理 date.
    pub opened_on: String,
    /// 结案 date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    /// Sequence number of the last record.
    pub last_seq: u64,
    /// Record summaries (the full records are at `/cases/{id}/records`).
    pub records: Vec<RecordSummaryDto>,
    /// R30 access requests.
    pub access_requests: Vec<AccessRequestDto>,
}

impl From<liuhen_core::case::CaseView> for CaseDto {
    fn from(view: liuhen_core::case::CaseView) -> CaseDto {
        CaseDto {
            review_required: view.review_required(),
            id: view.id.to_string(),
            case_number: view.case_number.clone(),
            body: view.body.to_string(),
            procedure: view.procedure.clone(),
            action: view.action.clone(),
            power_item: view.power_item.as_ref().map(ToString::to_string),
            title: view.title.clone(),
            status: case_status_code(view.status).to_owned(),
            stage: view.stage.clone(),
            flags: view.flags.iter().cloned().collect(),
            opened_on: fmt_date(view.opened_on),
            closed_on: view.closed_on.map(fmt_date),
            last_seq: view.last_seq.0,
            records: view
                .records
                .iter()
                .map(RecordSummaryDto::from_core)
                .collect(),
            access_requests: view
                .access_requests
                .iter()
                .map(AccessRequestDto::from_core)
                .collect(),
        }
    }
}

/// A case in a list (no record summaries).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseListItem {
    /// Id.
    pub id: String,
    /// 案号.
    pub case_number: String,
    /// Body id.
    pub body: String,
    /// Procedure id.
    pub procedure: String,
    /// Action kind.
    pub action: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: String,
    /// Stage.
    pub stage: String,
    /// 立案 / 受理 date.
    pub opened_on: String,
    /// Number of records.
    pub records: usize,
}

impl From<liuhen_core::case::CaseView> for CaseListItem {
    fn from(view: liuhen_core::case::CaseView) -> CaseListItem {
        CaseListItem {
            id: view.id.to_string(),
            case_number: view.case_number.clone(),
            body: view.body.to_string(),
            procedure: view.procedure.clone(),
            action: view.action.clone(),
            title: view.title.clone(),
            status: case_status_code(view.status).to_owned(),
            stage: view.stage.clone(),
            opened_on: fmt_date(view.opened_on),
            records: view.records.len(),
        }
    }
}

/// Query of `GET /cases`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseListQuery {
    /// Only this body.
    #[serde(default)]
    pub body: Option<String>,
    /// Only this status: `open`, `closed`, `not_initiated`.
    #[serde(default)]
    pub status: Option<String>,
    /// Page size (default 100, at most 1,000).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Rows to skip.
    #[serde(default)]
    pub offset: Option<u32>,
}

impl CaseListQuery {
    pub(crate) fn to_core(&self) -> Result<liuhen_core::service::CaseFilter, ApiError> {
        Ok(liuhen_core::service::CaseFilter {
            body: self
                .body
                .as_deref()
                .map(|body| parse_id("body", body, BodyId::new))
                .transpose()?,
            status: self.status.clone(),
            limit: self.limit.unwrap_or(100).min(1000),
            offset: self.offset.unwrap_or(0),
        })
    }
}

/// A full record with its place in the log. `record` is the canonical envelope
/// (`docs/formats/record.md`): its RFC 8785 bytes hash to `hash`, whose leaf is `log_index`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordDto {
    /// Sequence number in the case.
    pub seq: u64,
    /// Leaf index in the log.
    pub log_index: u64,
    /// Record hash, hex (of the unredacted canonical bytes).
    pub hash: String,
    /// Whether `record.data` was withheld (R30-d labelled record, caller not entitled); the hash
    /// then cannot be recomputed from this copy.
    pub redacted: bool,
    /// The record envelope.
    #[schema(value_type = Object)]
    pub record: Value,
}

impl RecordDto {
    pub(crate) fn from_core(view: liuhen_core::service::RecordView) -> Result<RecordDto, ApiError> {
        let record = serde_json::to_value(&view.record)
            .map_err(|err| ApiError::Internal(format!("record serialisation: {err}")))?;
        Ok(RecordDto {
            seq: view.record.seq.0,
            log_index: view.log_index.0,
            hash: hex::encode(view.hash),
            redacted: view.redacted,
            record,
        })
    }
}

/// Query of `GET /todo`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TodoQuery {
    /// The day to evaluate (`YYYY-MM-DD`); default today in Asia/Shanghai.
    #[serde(default)]
    pub date: Option<String>,
}

/// A due-soon or overdue obligation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TodoItemDto {
    /// Case id, when the obligation belongs to a case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// Body id.
    pub body: String,
    /// Obligation key within its stream (e.g. `decision`, `r28:3`).
    pub key: String,
    /// Period name from the period table.
    pub period: String,
    /// Chinese title of the period.
    pub title: String,
    /// Due date.
    pub due: String,
    /// `on_time`, `due_soon` or `overdue`.
    pub status: String,
    /// Chinese label of the status.
    pub status_label: String,
    /// Working days remaining (on time / due soon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_working_days: Option<u32>,
    /// Working days late (overdue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_working_days: Option<u32>,
    /// Calendar days late (overdue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<u32>,
    /// Whether the count crosses a year without a published calendar (T6).
    pub provisional: bool,
}

/// The wire parts of a deadline status: code, working days remaining, working days and
/// calendar days late.
fn status_parts(
    status: liuhen_calendar::DeadlineStatus,
) -> (&'static str, Option<u32>, Option<u32>, Option<u32>) {
    use liuhen_calendar::DeadlineStatus;
    match status {
        DeadlineStatus::OnTime { remaining } => ("on_time", Some(remaining.0), None, None),
        DeadlineStatus::DueSoon { remaining } => ("due_soon", Some(remaining.0), None, None),
        DeadlineStatus::Overdue { working_days, days } => {
            ("overdue", None, Some(working_days.0), Some(days.0))
        }
    }
}

impl From<liuhen_core::service::TodoItem> for TodoItemDto {
    fn from(item: liuhen_core::service::TodoItem) -> TodoItemDto {
        let (status, remaining, late_wd, late_days) = status_parts(item.status);
        TodoItemDto {
            case_id: item.deadline.case_id.as_ref().map(ToString::to_string),
            body: item.deadline.body.to_string(),
            key: item.deadline.key.clone(),
            period: item.deadline.period.clone(),
            title: item.title.clone(),
            due: fmt_date(item.deadline.due),
            status: status.to_owned(),
            status_label: item.status.label_zh().to_owned(),
            remaining_working_days: remaining,
            overdue_working_days: late_wd,
            overdue_days: late_days,
            provisional: item.provisional || item.deadline.provisional,
        }
    }
}

/// Query of `GET /cases/{id}/deadlines`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesQuery {
    /// The day the statuses are judged on (`YYYY-MM-DD`); default today in Asia/Shanghai.
    #[serde(default)]
    pub date: Option<String>,
}

/// One obligation of a case with its status on the day asked (decision 90 days, delivery,
/// R28, R29, payment; T2–T6).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeadlineDto {
    /// Obligation key within the case (e.g. `decision`, `r28:3`).
    pub key: String,
    /// Period name from the period table.
    pub period: String,
    /// Chinese title of the period.
    pub title: String,
    /// Due date (the whole day counts, T2–T4).
    pub due: String,
    /// Day the obligation was met; then `status` is `met`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_on: Option<String>,
    /// `met`, `on_time`, `due_soon` or `overdue`.
    pub status: String,
    /// Chinese label of the status.
    pub status_label: String,
    /// Working days remaining (on time / due soon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_working_days: Option<u32>,
    /// Working days late (overdue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_working_days: Option<u32>,
    /// Calendar days late (overdue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<u32>,
    /// Whether the due date or the status was reckoned over a year without a published
    /// holiday calendar (T6): it may move once the State Council notice is loaded.
    pub provisional: bool,
}

impl DeadlineDto {
    /// The row with its status on `today` (open rows only; a met row has no status to reckon).
    pub(crate) fn new(
        row: liuhen_core::ports::DeadlineRow,
        title: String,
        calendar: &liuhen_calendar::Calendar,
        today: Date,
    ) -> Result<DeadlineDto, ApiError> {
        let mut dto = DeadlineDto {
            key: row.key,
            period: row.period,
            title,
            due: fmt_date(row.due),
            met_on: row.met_on.map(fmt_date),
            status: "met".to_owned(),
            status_label: "已完成".to_owned(),
            remaining_working_days: None,
            overdue_working_days: None,
            overdue_days: None,
            provisional: row.provisional,
        };
        if row.met_on.is_none() {
            let reckoned = liuhen_calendar::deadline_status(
                calendar,
                row.due,
                today,
                liuhen_calendar::StatusPolicy::default(),
            )
            .map_err(|err| ApiError::Invalid {
                field: "date".to_owned(),
                reason: err.to_string(),
            })?;
            let (status, remaining, late_wd, late_days) = status_parts(reckoned.value);
            dto.status = status.to_owned();
            dto.status_label = reckoned.value.label_zh().to_owned();
            dto.remaining_working_days = remaining;
            dto.overdue_working_days = late_wd;
            dto.overdue_days = late_days;
            dto.provisional |= reckoned.is_provisional();
        }
        Ok(dto)
    }
}

// ---------------------------------------------------------------------------------------------
// R30 record access

/// 查阅申请 — a party's request to read case records (R30-a).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequestInput {
    /// Requester's name.
    pub requester: String,
    /// Identity document type.
    pub id_type: String,
    /// Identity document number.
    pub id_number: String,
    /// `当事人` or `委托代理人`.
    pub capacity: String,
    /// Records requested (seqs of this case).
    pub records: Vec<u64>,
    /// Purpose.
    pub purpose: String,
}

impl AccessRequestInput {
    pub(crate) fn to_core(&self) -> liuhen_core::case::AccessRequestData {
        liuhen_core::case::AccessRequestData {
            requester: self.requester.clone(),
            id_type: self.id_type.clone(),
            id_number: self.id_number.clone(),
            capacity: self.capacity.clone(),
            records: self
                .records
                .iter()
                .copied()
                .map(liuhen_core::ids::StreamSeq)
                .collect(),
            purpose: self.purpose.clone(),
        }
    }
}

/// The head's decision on an access request (R30-a, R30-b).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessDecisionInput {
    /// `approve`, `partial` or `refuse`.
    pub outcome: String,
    /// Records opened.
    #[serde(default)]
    pub approved: Vec<u64>,
    /// Labelled records excluded (the head confirms the list, R30-b).
    #[serde(default)]
    pub excluded: Vec<u64>,
    /// Reasons.
    pub reasons: String,
    /// Whether downloading is allowed (R30-c).
    #[serde(default)]
    pub download: bool,
}

impl AccessDecisionInput {
    pub(crate) fn to_core(
        &self,
        request: u64,
    ) -> Result<liuhen_core::case::AccessDecisionData, ApiError> {
        use liuhen_core::case::AccessOutcome;
        let outcome = match self.outcome.as_str() {
            "approve" => AccessOutcome::Approve,
            "partial" => AccessOutcome::Partial,
            "refuse" => AccessOutcome::Refuse,
            _ => {
                return Err(ApiError::Invalid {
                    field: "outcome".to_owned(),
                    reason: "须为 approve、partial 或 refuse".to_owned(),
                });
            }
        };
        Ok(liuhen_core::case::AccessDecisionData {
            request: liuhen_core::ids::StreamSeq(request),
            outcome,
            approved: self
                .approved
                .iter()
                .copied()
                .map(liuhen_core::ids::StreamSeq)
                .collect(),
            excluded: self
                .excluded
                .iter()
                .copied()
                .map(liuhen_core::ids::StreamSeq)
                .collect(),
            reasons: self.reasons.clone(),
            download: self.download,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Rules

/// Query of `GET /rules`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RulesQuery {
    /// The day the rule sets must be in force on (`YYYY-MM-DD`, D16-a); default today.
    #[serde(default)]
    pub date: Option<String>,
}

/// A field of a record type.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldDto {
    /// Field name in `data`.
    pub name: String,
    /// Chinese label.
    pub label: String,
    /// Type: `text`, `long_text`, `integer`, `amount_fen`, `bool`, `date`, `date_time`, `enum`, …
    pub field_type: String,
    /// Whether it must be present.
    pub required: bool,
    /// Allowed values of an enum.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Requirement IDs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
}

/// A record type of a rule set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordTypeDto {
    /// Id.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Whether it is an A/V record.
    pub av: bool,
    /// Requirement IDs.
    pub requires: Vec<String>,
    /// Article.
    pub citation: String,
    /// Roles that may record it.
    pub roles: Vec<String>,
    /// Fields.
    pub fields: Vec<FieldDto>,
}

/// A stage of a procedure.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StageDto {
    /// Id.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Record types allowed in this stage.
    pub record_types: Vec<String>,
}

/// A procedure of a rule set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProcedureDto {
    /// Id.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Action kind.
    pub action: String,
    /// Requirement IDs.
    pub requires: Vec<String>,
    /// Article.
    pub citation: String,
    /// Stages in order.
    pub stages: Vec<StageDto>,
}

/// A rule set in force.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RuleSetDto {
    /// Id, e.g. `XC-2024`.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Version.
    pub version: u32,
    /// First day in force.
    pub effective_from: String,
    /// Last day in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<String>,
    /// The body whose 实施细则 this is; absent for the district set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The rule set it extends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Source document.
    pub citation: String,
    /// Procedures.
    pub procedures: Vec<ProcedureDto>,
    /// Record types.
    pub record_types: Vec<RecordTypeDto>,
}

/// `LongText` → `long_text`: the rule-set file's own spelling of an enum variant name.
fn snake_case(debug_name: &str) -> String {
    let mut out = String::with_capacity(debug_name.len() + 4);
    for (idx, ch) in debug_name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if idx > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

impl RuleSetDto {
    pub(crate) fn from_core(set: &liuhen_core::rules::RuleSet) -> RuleSetDto {
        use liuhen_core::rules::schema::RecordKindSpec;
        RuleSetDto {
            id: set.id.to_string(),
            name: set.name.clone(),
            version: set.version,
            effective_from: fmt_date(set.effective_from),
            effective_to: set.effective_to.map(fmt_date),
            body: set.body.as_ref().map(ToString::to_string),
            extends: set.extends.clone(),
            citation: set.citation.clone(),
            procedures: set
                .procedures
                .values()
                .map(|procedure| ProcedureDto {
                    id: procedure.id.clone(),
                    name: procedure.name.clone(),
                    action: procedure.action.clone(),
                    requires: procedure.requires.clone(),
                    citation: procedure.citation.clone(),
                    stages: procedure
                        .stages
                        .iter()
                        .map(|stage| StageDto {
                            id: stage.id.clone(),
                            name: stage.name.clone(),
                            record_types: stage.record_types.clone(),
                        })
                        .collect(),
                })
                .collect(),
            record_types: set
                .record_types
                .values()
                .map(|spec| RecordTypeDto {
                    id: spec.id.clone(),
                    name: spec.name.clone(),
                    av: spec.kind == RecordKindSpec::Av,
                    requires: spec.requires.clone(),
                    citation: spec.citation.clone(),
                    roles: spec.roles.clone(),
                    fields: spec
                        .fields
                        .iter()
                        .map(|field| FieldDto {
                            name: field.name.clone(),
                            label: field.label.clone(),
                            field_type: snake_case(&format!("{:?}", field.field_type)),
                            required: field.required,
                            values: field.values.clone(),
                            requires: field.requires.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_become_snake_case() {
        assert_eq!(snake_case("LongText"), "long_text");
        assert_eq!(snake_case("AmountFen"), "amount_fen");
        assert_eq!(snake_case("Text"), "text");
    }

    #[test]
    fn dates_and_times_round_trip_and_bad_ones_are_invalid() {
        let date = parse_date("d", "2024-10-08").unwrap();
        assert_eq!(fmt_date(date), "2024-10-08");
        let instant = parse_time("t", "2024-10-08T01:30:00Z").unwrap();
        assert_eq!(fmt_time(instant), "2024-10-08T09:30:00+08:00");
        for bad in ["2024-13-01", "20241008", "", "2024-10-08T09:30:00"] {
            assert!(parse_date("d", bad).is_err(), "{bad}");
            assert!(parse_time("t", bad).is_err(), "{bad}");
        }
    }
}
