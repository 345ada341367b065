//! Staff roles (requirements.md §1, DESIGN.md "Roles"). Deny by default: a command lists the
//! roles that may perform it; every other role is refused.

use serde::{Deserialize, Serialize};

/// A role a staff user can hold. A user may hold several; separation rules (L3-a, D5-b) still
/// apply. The three administrators are separated as 等保2.0 requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// 行政执法人员 — records acts and evidence, drafts documents, handles cases.
    Officer,
    /// 承办机构负责人 — head of the handling unit (R8-a, R13-a, L6-b).
    UnitHead,
    /// 行政执法机关负责人 — approves and signs decisions (R13-a, R16-a), decides R30-a requests.
    AgencyHead,
    /// 法制审核人员 — member of the legal-review office (L7–L10).
    Reviewer,
    /// 档案管理专人 — designated archivist (R29.p2).
    Archivist,
    /// 监督人员 — district supervision office: reads all bodies, writes none.
    Supervisor,
    /// 系统管理员 — registries, calendar, rule sets, users; cannot perform or bypass a legal step.
    SysAdmin,
    /// 安全管理员 — security settings and keys.
    SecAdmin,
    /// 审计管理员 — reads the audit log.
    Auditor,
    /// 社会公众 — anyone on the public portal, not signed in. Only the actor of records the
    /// portal takes in (D13-b correction requests); never granted, and deliberately absent from
    /// [`Role::ALL`] so that no rule set can name it.
    Public,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 9] = [
        Role::Officer,
        Role::UnitHead,
        Role::AgencyHead,
        Role::Reviewer,
        Role::Archivist,
        Role::Supervisor,
        Role::SysAdmin,
        Role::SecAdmin,
        Role::Auditor,
    ];

    /// The wire name (`OFFICER`, `UNIT_HEAD`, …), as used in rule sets and the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::Officer => "OFFICER",
            Role::UnitHead => "UNIT_HEAD",
            Role::AgencyHead => "AGENCY_HEAD",
            Role::Reviewer => "REVIEWER",
            Role::Archivist => "ARCHIVIST",
            Role::Supervisor => "SUPERVISOR",
            Role::SysAdmin => "SYSADMIN",
            Role::SecAdmin => "SECADMIN",
            Role::Auditor => "AUDITOR",
            Role::Public => "PUBLIC",
        }
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Officer => "行政执法人员",
            Role::UnitHead => "承办机构负责人",
            Role::AgencyHead => "行政执法机关负责人",
            Role::Reviewer => "法制审核人员",
            Role::Archivist => "档案管理员",
            Role::Supervisor => "监督人员",
            Role::SysAdmin => "系统管理员",
            Role::SecAdmin => "安全管理员",
            Role::Auditor => "审计管理员",
            Role::Public => "社会公众",
        }
    }

    /// Parses a wire name.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }
}
