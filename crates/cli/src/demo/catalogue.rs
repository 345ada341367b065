//! The review catalogue (法制审核目录清单, L5-b) and review time limits (L5-a) of each demo
//! body, set by its agency head through `Services::set_catalogue_entry` /
//! `set_review_time_limit` before the first case, so every L4 determination applies a version
//! and the portal's catalogue page is not empty (L5-c).
//!
//! The entries are chosen so that they agree with the demo's case paths: an entry without an
//! amount threshold matches only cases whose path goes through review anyway (the demolition);
//! the others carry a 涉案金额 threshold the demo's determinations do not reach (they record no
//! amount), so a "not needed" determination (L4-d) stays correct.

use liuhen_core::ids::{BodyId, PowerItemId};
use liuhen_core::review::{CatalogueEntry, ReviewTimeLimit};
use liuhen_core::service::Services;

use super::disclose::Desk;
use super::district::BODIES;
use super::{DemoError, step};

/// One catalogue entry of the demo: (body index, code, title, action, power item suffix,
/// 涉案金额 threshold in 分, L4 items, basis).
type EntryDef = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<u64>,
    &'static [&'static str],
    &'static str,
);

/// Basis of the penalty entries: 行政处罚法 第五十八条 and the district's measures.
const PENALTY_BASIS: &str = "《中华人民共和国行政处罚法》第五十八条第一款；《薛城区重大执法决定法制审核办法》第四条第（三）项";

const ENTRIES: &[EntryDef] = &[
    (
        0,
        "SJ-01",
        "罚款数额较大的行政处罚（罚款五万元以上）",
        "penalty",
        None,
        Some(5_000_000),
        &["L4.3"],
        PENALTY_BASIS,
    ),
    (
        0,
        "SJ-02",
        "查封、扣押货值较大的涉案食品（货值十万元以上）",
        "coercion",
        Some("seize"),
        Some(10_000_000),
        &["L4.1", "L4.3"],
        "《中华人民共和国食品安全法》第一百一十条；《薛城区重大执法决定法制审核办法》第四条第（一）项、第（三）项",
    ),
    (
        0,
        "SJ-03",
        "冻结涉嫌传销的大额资金（五十万元以上）",
        "coercion",
        Some("freeze"),
        Some(50_000_000),
        &["L4.2", "L4.3"],
        "《禁止传销条例》第十四条；《薛城区重大执法决定法制审核办法》第四条第（二）项、第（三）项",
    ),
    (
        1,
        "ZZ-01",
        "强制拆除违法建筑物、构筑物",
        "compulsory_execution",
        Some("demolish"),
        None,
        &["L4.3"],
        "《中华人民共和国行政强制法》第四十四条；《薛城区重大执法决定法制审核办法》第四条第（三）项",
    ),
    (
        1,
        "ZZ-02",
        "罚款数额较大的行政处罚（罚款五万元以上）",
        "penalty",
        None,
        Some(5_000_000),
        &["L4.3"],
        PENALTY_BASIS,
    ),
    (
        2,
        "HB-01",
        "罚款数额较大的生态环境行政处罚（罚款十万元以上）",
        "penalty",
        None,
        Some(10_000_000),
        &["L4.1", "L4.3"],
        PENALTY_BASIS,
    ),
    (
        2,
        "HB-02",
        "查封、扣押价值较大的排污设施、设备（二十万元以上）",
        "coercion",
        Some("seize"),
        Some(20_000_000),
        &["L4.1", "L4.3"],
        "《中华人民共和国环境保护法》第二十五条；《薛城区重大执法决定法制审核办法》第四条第（一）项、第（三）项",
    ),
    (
        3,
        "YJ-01",
        "罚款数额较大的安全生产行政处罚（罚款五万元以上）",
        "penalty",
        None,
        Some(5_000_000),
        &["L4.3"],
        PENALTY_BASIS,
    ),
    (
        3,
        "YJ-02",
        "征用单位和个人价值较大的财产（五十万元以上）",
        "expropriation",
        Some("requisition"),
        Some(50_000_000),
        &["L4.2", "L4.3"],
        "《中华人民共和国突发事件应对法》第十二条；《薛城区重大执法决定法制审核办法》第四条第（二）项、第（三）项",
    ),
];

/// Review time limits in working days from submission (L5-a, T2), the same for every body.
const TIME_LIMITS: &[(&str, u32)] = &[
    ("penalty", 5),
    ("licensing", 3),
    ("coercion", 3),
    ("compulsory_execution", 5),
    ("expropriation", 3),
];

/// Sets every body's catalogue entries and time limits (AGENCY_HEAD, L5-a, L5-b).
pub async fn set(services: &Services, desk: &Desk) -> Result<(), DemoError> {
    for (n, body) in BODIES.iter().enumerate() {
        let head = desk.staff(n, "head")?;
        let body_id = BodyId::new(body.id).map_err(|e| DemoError::Data(e.to_string()))?;
        for &(_, id, title, action, item, min_amount_fen, triggers, basis) in
            ENTRIES.iter().filter(|e| e.0 == n)
        {
            let power_items = item
                .map(|suffix| PowerItemId::new(format!("{}-{suffix}", body.id)))
                .transpose()
                .map_err(|e| DemoError::Data(e.to_string()))?
                .into_iter()
                .collect();
            let entry = CatalogueEntry {
                id: id.into(),
                title: title.into(),
                action: Some(action.into()),
                level: None,
                domain: None,
                min_amount_fen,
                power_items,
                triggers: triggers.iter().map(|t| (*t).to_owned()).collect(),
                basis: basis.into(),
                withdrawn: false,
            };
            step(
                "set_catalogue_entry",
                services.set_catalogue_entry(head, &body_id, entry),
            )
            .await?;
        }
        for &(action, working_days) in TIME_LIMITS {
            let limit = ReviewTimeLimit {
                action: action.into(),
                working_days,
            };
            step(
                "set_review_time_limit",
                services.set_review_time_limit(head, &body_id, limit),
            )
            .await?;
        }
    }
    Ok(())
}
