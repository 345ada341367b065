//! The registries of the demo district of 薛城区: four enforcement bodies with their units, an
//! entrusted organisation per body (D4.4), officers with credentials (one expired, one suspended
//! per body), power items (D4-b) and a user for every role. Everything goes through the real
//! `Services` registry commands, so every entry is a record in the log.

use liuhen_core::ids::{BodyId, OfficerId, PowerItemId, UnitId, UserId};
use liuhen_core::registry::{
    BodyKind, BodyProfile, Credential, CredentialStatus, Entrustment, OfficerProfile, PowerItem,
    RoleGrant, Unit, UserProfile,
};
use liuhen_core::review::{QUALIFYING_EXAM, ReviewerQualification};
use liuhen_core::role::Role;
use liuhen_core::service::{Ctx, Services};
use time::{Date, Duration};

use super::ident::uscc;
use super::{DemoError, step};

/// One body of the demo district.
pub struct BodyDef {
    /// Body id.
    pub id: &'static str,
    /// Username prefix of its staff.
    pub prefix: &'static str,
    /// Full name.
    pub name: &'static str,
    /// Short name used in 案号 and 文号.
    pub short: &'static str,
    /// First 17 characters of its 统一社会信用代码 (11 = 机关, 370403 = 薛城区).
    pub uscc17: &'static str,
    /// Enforcement domain of its credentials and power items.
    pub domain: &'static str,
    /// 执法职责.
    pub duties: &'static str,
    /// Address.
    pub address: &'static str,
    /// Name of the handling unit.
    pub handling_unit: &'static str,
    /// Name of the legal-review office (L3-a).
    pub legal_unit: &'static str,
    /// Officers: (name, credential suffix).
    pub officers: [&'static str; 5],
    /// Names of unit head, agency head, reviewer, archivist.
    pub staff: [&'static str; 4],
    /// The entrusted organisation: (name, uscc17, entrusted power item suffix, scope).
    pub entrusted: (&'static str, &'static str, &'static str, &'static str),
    /// Power items: (id suffix, name, action, basis, procedure text, time limit).
    pub items: &'static [ItemDef],
}

/// A power item of a body.
pub struct ItemDef {
    /// Suffix of the id (`<body>-<suffix>`).
    pub suffix: &'static str,
    /// 名称.
    pub name: &'static str,
    /// Action kind (R2-a).
    pub action: &'static str,
    /// 依据.
    pub basis: &'static str,
    /// 办理程序.
    pub procedure: &'static str,
    /// 时限.
    pub time_limit: &'static str,
}

/// Remedies text of every power item (行政复议法 第二十条, 行政诉讼法 第四十六条).
const REMEDIES: &str = "对行政执法决定不服的，可以自知道之日起六十日内向薛城区人民政府申请行政复议，或者自知道之日起六个月内向薛城区人民法院提起行政诉讼。";

/// The four bodies.
pub const BODIES: &[BodyDef] = &[
    BodyDef {
        id: "xc-scjgj",
        prefix: "scjg",
        name: "薛城区市场监督管理局",
        short: "薛市监",
        uscc17: "11370403MB2850017",
        domain: "市场监管",
        duties: "负责本辖区市场主体登记注册、食品安全、产品质量、价格、广告等市场监督管理和行政执法工作。",
        address: "枣庄市薛城区示范路100号",
        handling_unit: "执法稽查科",
        legal_unit: "法制审核科",
        officers: ["周明远", "孙晓晨", "钱立伟", "吴海峰", "郑雅琴"],
        staff: ["冯建华", "陈国栋", "褚文静", "卫子涵"],
        entrusted: (
            "薛城区市场监管综合服务中心",
            "12370403MB2850025",
            "inspect",
            "受委托以薛城区市场监督管理局名义实施食品经营者日常监督检查",
        ),
        items: &[
            ItemDef {
                suffix: "food",
                name: "对经营超过保质期食品等违法行为的行政处罚",
                action: "penalty",
                basis: "《中华人民共和国食品安全法》第三十四条、第一百二十四条",
                procedure: "立案、调查取证、审核、告知、决定、送达、执行",
                time_limit: "自立案之日起九十日内作出处理决定",
            },
            ItemDef {
                suffix: "price",
                name: "对不执行明码标价规定等价格违法行为的行政处罚",
                action: "penalty",
                basis: "《中华人民共和国价格法》第十三条、第四十二条",
                procedure: "立案、调查取证、审核、告知、决定、送达、执行",
                time_limit: "自立案之日起九十日内作出处理决定",
            },
            ItemDef {
                suffix: "licence",
                name: "食品经营许可",
                action: "licensing",
                basis: "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
                procedure: "申请、受理、审查、决定、送达",
                time_limit: "自受理之日起十个工作日内作出决定",
            },
            ItemDef {
                suffix: "seize",
                name: "查封、扣押不符合食品安全标准的食品",
                action: "coercion",
                basis: "《中华人民共和国食品安全法》第一百一十条第四项",
                procedure: "批准、决定、实施、处理",
                time_limit: "查封、扣押期限不超过三十日",
            },
            ItemDef {
                suffix: "freeze",
                name: "冻结涉嫌传销的资金",
                action: "coercion",
                basis: "《禁止传销条例》第十四条；《中华人民共和国行政强制法》第二十九条",
                procedure: "批准、决定、实施、处理",
                time_limit: "冻结期限不超过三十日",
            },
            ItemDef {
                suffix: "inspect",
                name: "食品生产经营监督检查",
                action: "inspection",
                basis: "《中华人民共和国食品安全法》第一百一十条",
                procedure: "制定计划、现场检查、结果处理",
                time_limit: "按检查计划",
            },
        ],
    },
    BodyDef {
        id: "xc-zhzf",
        prefix: "zhzf",
        name: "薛城区综合行政执法局",
        short: "薛综执",
        uscc17: "11370403MB2860012",
        domain: "城市管理",
        duties: "集中行使城乡规划、市容环境卫生、园林绿化、市政公用等领域的行政处罚权及相关行政强制权。",
        address: "枣庄市薛城区示范路200号",
        handling_unit: "执法一大队",
        legal_unit: "法制科",
        officers: ["王志强", "李雪梅", "刘振宇", "杨文博", "赵丽华"],
        staff: ["黄宏伟", "林海涛", "何佳怡", "高云飞"],
        entrusted: (
            "薛城区城市管理服务中心",
            "12370403MB2860020",
            "road",
            "受委托以薛城区综合行政执法局名义查处占道经营行为",
        ),
        items: &[
            ItemDef {
                suffix: "build",
                name: "对未取得建设工程规划许可证进行建设的行政处罚",
                action: "penalty",
                basis: "《中华人民共和国城乡规划法》第四十条、第六十四条",
                procedure: "立案、调查取证、审核、告知、决定、送达、执行",
                time_limit: "自立案之日起九十日内作出处理决定",
            },
            ItemDef {
                suffix: "road",
                name: "对擅自占用城市道路摆摊经营的行政处罚",
                action: "penalty",
                basis: "《城市市容和环境卫生管理条例》第十四条、第三十六条",
                procedure: "当场处罚或者普通程序",
                time_limit: "当场作出或者自立案之日起九十日内",
            },
            ItemDef {
                suffix: "demolish",
                name: "强制拆除违法建筑物、构筑物",
                action: "compulsory_execution",
                basis: "《中华人民共和国行政强制法》第四十四条；《中华人民共和国城乡规划法》第六十八条",
                procedure: "催告、公告、决定、实施",
                time_limit: "公告限期届满后实施",
            },
            ItemDef {
                suffix: "inspect",
                name: "市容环境卫生监督检查",
                action: "inspection",
                basis: "《城市市容和环境卫生管理条例》第四条",
                procedure: "制定计划、现场检查、结果处理",
                time_limit: "按检查计划",
            },
        ],
    },
    BodyDef {
        id: "xc-sthj",
        prefix: "sthj",
        name: "枣庄市生态环境局薛城分局",
        short: "枣环薛",
        uscc17: "11370403MB2870018",
        domain: "生态环境",
        duties: "负责本辖区大气、水、土壤、固体废物等污染防治的监督管理和生态环境保护综合行政执法。",
        address: "枣庄市薛城区示范路300号",
        handling_unit: "生态环境保护综合执法大队",
        legal_unit: "法制审核室",
        officers: ["马俊杰", "胡晓燕", "朱振华", "徐丹丹", "许文涛"],
        staff: ["邓志远", "曹文华", "彭静怡", "曾凡宇"],
        entrusted: (
            "薛城区生态环境保护综合服务中心",
            "12370403MB2870026",
            "inspect",
            "受委托以枣庄市生态环境局薛城分局名义实施排污单位日常监督检查",
        ),
        items: &[
            ItemDef {
                suffix: "air",
                name: "对超过大气污染物排放标准排放大气污染物的行政处罚",
                action: "penalty",
                basis: "《中华人民共和国大气污染防治法》第十八条、第九十九条",
                procedure: "立案、调查取证、审核、告知、决定、送达、执行",
                time_limit: "自立案之日起九十日内作出处理决定",
            },
            ItemDef {
                suffix: "water",
                name: "对通过暗管等逃避监管的方式排放水污染物的行政处罚",
                action: "penalty",
                basis: "《中华人民共和国水污染防治法》第三十九条、第八十三条",
                procedure: "立案、调查取证、审核、告知、决定、送达、执行",
                time_limit: "自立案之日起九十日内作出处理决定",
            },
            ItemDef {
                suffix: "seize",
                name: "查封、扣押造成污染物排放的设施、设备",
                action: "coercion",
                basis: "《中华人民共和国环境保护法》第二十五条",
                procedure: "批准、决定、实施、处理",
                time_limit: "查封、扣押期限不超过三十日",
            },
            ItemDef {
                suffix: "court",
                name: "申请人民法院强制执行行政处罚决定",
                action: "compulsory_execution",
                basis: "《中华人民共和国行政强制法》第五十三条、第五十四条",
                procedure: "催告、申请、裁定、执行",
                time_limit: "复议、诉讼期限届满之日起三个月内申请",
            },
            ItemDef {
                suffix: "inspect",
                name: "排污单位现场监督检查",
                action: "inspection",
                basis: "《中华人民共和国环境保护法》第二十四条",
                procedure: "制定计划、现场检查、结果处理",
                time_limit: "按检查计划",
            },
        ],
    },
    BodyDef {
        id: "xc-yjglj",
        prefix: "yjgl",
        name: "薛城区应急管理局",
        short: "薛应急",
        uscc17: "11370403MB2880013",
        domain: "应急管理",
        duties: "负责本辖区安全生产综合监督管理和工贸行业安全生产监督管理，组织应急救援和防汛抗旱工作。",
        address: "枣庄市薛城区示范路400号",
        handling_unit: "安全生产执法大队",
        legal_unit: "政策法规科",
        officers: ["韩立新", "唐晓峰", "冯雪莹", "董建军", "萧文斌"],
        staff: ["程国华", "袁志刚", "潘晓丽", "蔡明辉"],
        entrusted: (
            "薛城区安全生产监察服务中心",
            "12370403MB2880021",
            "inspect",
            "受委托以薛城区应急管理局名义实施工贸企业安全生产监督检查",
        ),
        items: &[
            ItemDef {
                suffix: "safety",
                name: "对未按规定对从业人员进行安全生产教育和培训等行为的行政处罚",
                action: "penalty",
                basis: "《中华人民共和国安全生产法》第二十八条、第九十七条",
                procedure: "立案、调查取证、审核、告知、决定、送达、执行",
                time_limit: "自立案之日起九十日内作出处理决定",
            },
            ItemDef {
                suffix: "inspect",
                name: "工贸企业安全生产监督检查",
                action: "inspection",
                basis: "《中华人民共和国安全生产法》第六十五条",
                procedure: "制定计划、现场检查、结果处理",
                time_limit: "按检查计划",
            },
            ItemDef {
                suffix: "requisition",
                name: "突发事件应急处置中征用单位和个人的财产",
                action: "expropriation",
                basis: "《中华人民共和国突发事件应对法》第十二条",
                procedure: "决定、征用、返还、补偿",
                time_limit: "使用完毕或者应急处置工作结束后及时返还",
            },
        ],
    },
];

/// Username of the district supervisor; registered last, so its presence marks a complete demo.
pub const SUPERVISOR: &str = "supervisor";
/// Username of the system administrator (the bootstrap user).
pub const SYSADMIN: &str = "sysadmin";

/// A demo account, for the printed list.
#[derive(Debug, Clone)]
pub struct Account {
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role and body, in Chinese.
    pub role: String,
}

/// The role suffixes of a body's staff users, with their roles.
pub const BODY_ROLES: [(&str, Role); 6] = [
    ("officer1", Role::Officer),
    ("officer2", Role::Officer),
    ("unithead", Role::UnitHead),
    ("head", Role::AgencyHead),
    ("reviewer", Role::Reviewer),
    ("archivist", Role::Archivist),
];

/// Officer id `n` (1-based) of a body.
pub fn officer_id(body: &BodyDef, n: usize) -> String {
    format!("{}-o{n}", body.prefix)
}

/// Every account the demo creates, in a stable order.
pub fn accounts() -> Vec<Account> {
    let mut out = vec![Account {
        username: SYSADMIN.into(),
        name: "系统管理员".into(),
        role: "系统管理员（全区）".into(),
    }];
    for body in BODIES {
        for (idx, (suffix, role)) in BODY_ROLES.iter().enumerate() {
            let name = match idx {
                0 | 1 => body.officers[idx],
                n => body.staff[n - 2],
            };
            out.push(Account {
                username: format!("{}-{suffix}", body.prefix),
                name: name.into(),
                role: format!("{}（{}）", role.label(), body.name),
            });
        }
    }
    for (username, name, role) in [
        ("secadmin", "安全管理员", Role::SecAdmin),
        ("auditor", "审计管理员", Role::Auditor),
        (SUPERVISOR, "区司法局执法监督科", Role::Supervisor),
    ] {
        out.push(Account {
            username: username.into(),
            name: name.into(),
            role: format!("{}（全区）", role.label()),
        });
    }
    out
}

fn id<T>(
    make: impl FnOnce(String) -> Result<T, liuhen_core::error::CoreError>,
    value: String,
) -> Result<T, DemoError> {
    make(value).map_err(|err| DemoError::Core {
        step: "identifier".into(),
        source: err,
    })
}

/// Registers the bodies, units, entrusted organisations, power items, officers and body staff.
/// `today` anchors the credential dates: credentials run 2023-01-01 to 2028-12-31, except one
/// expired (before the demo's cases) and one suspended per body.
pub async fn register(services: &Services, admin: &Ctx, today: Date) -> Result<(), DemoError> {
    for body in BODIES {
        let body_id = id(BodyId::new, body.id.to_owned())?;
        let code =
            uscc(body.uscc17).ok_or_else(|| DemoError::Data(format!("uscc {}", body.uscc17)))?;
        let profile = BodyProfile {
            name: body.name.into(),
            short_name: body.short.into(),
            kind: BodyKind::Agency,
            uscc: code,
            parent: None,
            entrustment: None,
            duties: body.duties.into(),
            address: body.address.into(),
        };
        step(
            "register_body",
            services.register_body(admin, &body_id, profile),
        )
        .await?;
        for (unit_id, name, legal) in [
            ("handling", body.handling_unit, false),
            ("legal", body.legal_unit, true),
        ] {
            let unit = Unit {
                id: id(UnitId::new, unit_id.to_owned())?,
                name: name.into(),
                duties: if legal {
                    "负责重大行政执法决定法制审核".into()
                } else {
                    "负责案件调查取证和办理".into()
                },
                address: body.address.into(),
                legal_review: legal,
            };
            step(
                "register_unit",
                services.register_unit(admin, &body_id, unit),
            )
            .await?;
        }
        for item in body.items {
            let power = PowerItem {
                name: item.name.into(),
                action: item.action.into(),
                basis: item.basis.split('；').map(str::to_owned).collect(),
                unit: Some(id(UnitId::new, "handling".to_owned())?),
                procedure: item.procedure.into(),
                time_limit: item.time_limit.into(),
                remedies: REMEDIES.into(),
                domain: body.domain.into(),
                service: [
                    ("办理场所".to_owned(), body.address.to_owned()),
                    ("联系方式".to_owned(), "0632-0000000（演示）".to_owned()),
                    ("投诉举报".to_owned(), "12345 政务服务便民热线".to_owned()),
                ]
                .into_iter()
                .collect(),
            };
            let item_id = id(PowerItemId::new, format!("{}-{}", body.id, item.suffix))?;
            step(
                "register_power_item",
                services.register_power_item(admin, &item_id, &body_id, power),
            )
            .await?;
        }
        // The entrusted organisation acts in the delegating body's name (R2-b, D4.4).
        let (name, uscc17, matter, scope) = body.entrusted;
        let entrusted_id = id(BodyId::new, format!("{}-wt", body.id))?;
        let profile = BodyProfile {
            name: name.into(),
            short_name: format!("{}委", body.short),
            kind: BodyKind::Entrusted,
            uscc: uscc(uscc17).ok_or_else(|| DemoError::Data(format!("uscc {uscc17}")))?,
            parent: Some(body_id.clone()),
            entrustment: Some(Entrustment {
                delegating_body: body_id.clone(),
                basis: vec![
                    "《中华人民共和国行政处罚法》第二十条".into(),
                    "《中华人民共和国行政许可法》第二十四条".into(),
                ],
                matters: vec![format!("{}-{matter}", body.id)],
                scope: scope.into(),
                period_from: time::macros::date!(2025 - 01 - 01),
                period_to: time::macros::date!(2027 - 12 - 31),
                rights_and_duties: "受委托组织在委托范围内以委托机关名义实施，不得再委托其他组织或者个人；委托机关负责监督并对其行为后果承担法律责任。".into(),
                liability: "超越委托权限或者违法实施的，由委托机关依法承担责任并追究受委托组织及其工作人员的责任。".into(),
            }),
            duties: scope.into(),
            address: body.address.into(),
        };
        step(
            "register_body",
            services.register_body(admin, &entrusted_id, profile),
        )
        .await?;
        let unit = Unit {
            id: id(UnitId::new, "handling".to_owned())?,
            name: "执法服务科".into(),
            duties: String::new(),
            address: body.address.into(),
            legal_review: false,
        };
        step(
            "register_unit",
            services.register_unit(admin, &entrusted_id, unit),
        )
        .await?;

        for (idx, name) in body.officers.iter().enumerate() {
            let n = idx + 1;
            let officer = id(OfficerId::new, officer_id(body, n))?;
            let user = (n <= 2).then(|| format!("{}-officer{n}", body.prefix));
            let profile = OfficerProfile {
                name: (*name).into(),
                unit: Some(id(UnitId::new, "handling".to_owned())?),
                user: user.map(|u| id(UserId::new, u)).transpose()?,
            };
            step(
                "register_officer",
                services.register_officer(admin, &officer, &body_id, profile),
            )
            .await?;
            // 鲁执字 + 3704 (枣庄) + 03 (薛城) + body digit + serial.
            let number = format!(
                "鲁执字370403{}{:03}",
                &body.uscc17[12..13],
                idx as u32 * 7 + 101
            );
            let expired = n == 4;
            let credential = Credential {
                number: number.clone(),
                domains: vec![body.domain.into()],
                valid_from: time::macros::date!(2021 - 01 - 01),
                valid_to: if expired {
                    today - Duration::days(400)
                } else {
                    time::macros::date!(2028 - 12 - 31)
                },
                status: CredentialStatus::Active,
            };
            step(
                "issue_credential",
                services.issue_credential(admin, &officer, credential),
            )
            .await?;
            if n == 5 {
                step(
                    "change_credential_status",
                    services.change_credential_status(
                        admin,
                        &officer,
                        &number,
                        CredentialStatus::Suspended,
                        "年度执法资格考核不合格，暂扣执法证件待重新培训考试",
                    ),
                )
                .await?;
            }
        }
        for (idx, (suffix, role)) in BODY_ROLES.iter().enumerate() {
            let username = format!("{}-{suffix}", body.prefix);
            let user = id(UserId::new, username.clone())?;
            let (name, officer) = match idx {
                0 | 1 => (
                    body.officers[idx],
                    Some(id(OfficerId::new, officer_id(body, idx + 1))?),
                ),
                n => (body.staff[n - 2], None),
            };
            let profile = UserProfile {
                username,
                name: name.into(),
                officer,
            };
            step(
                "register_user",
                services.register_user(admin, &user, profile),
            )
            .await?;
            let grant = RoleGrant {
                role: *role,
                body: Some(body_id.clone()),
            };
            step("grant_role", services.grant_role(admin, &user, grant)).await?;
            if *role == Role::Reviewer {
                // L3-c: reviewers of penalty decisions hold the 法律职业资格.
                let qualification = ReviewerQualification {
                    has_qualification: true,
                    certificate_no: Some(format!("A2018370403{:04}", idx * 11 + body.prefix.len())),
                    obtained_on: Some(time::macros::date!(2018 - 12 - 20)),
                    obtained_by: Some(QUALIFYING_EXAM.into()),
                    first_penalty_review_on: None,
                    evidence: "法律职业资格证书（演示）".into(),
                };
                step(
                    "record_reviewer_qualification",
                    services.record_reviewer_qualification(admin, &user, qualification),
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Registers the district-wide users; the supervisor comes last and marks the demo complete.
pub async fn register_district_users(services: &Services, admin: &Ctx) -> Result<(), DemoError> {
    for (username, name, role) in [
        ("secadmin", "安全管理员", Role::SecAdmin),
        ("auditor", "审计管理员", Role::Auditor),
        (SUPERVISOR, "区司法局执法监督科", Role::Supervisor),
    ] {
        let user = id(UserId::new, username.to_owned())?;
        let profile = UserProfile {
            username: username.into(),
            name: name.into(),
            officer: None,
        };
        step(
            "register_user",
            services.register_user(admin, &user, profile),
        )
        .await?;
        step(
            "grant_role",
            services.grant_role(admin, &user, RoleGrant { role, body: None }),
        )
        .await?;
    }
    Ok(())
}
