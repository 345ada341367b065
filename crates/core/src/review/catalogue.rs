//! The review catalogue (法制审核目录清单, L5-b), review time limits (L5-a) and the 涉案金额
//! limits of power items that the L7.6 pre-check applies (L7-b) of a body.
//!
//! Each change is a record in `catalogue/<body>`; the catalogue's version is the sequence
//! number of its last record, and [`catalogue_at`] refolds it as it stood at any moment, so the
//! L4 determination applies the version in force when it is made (L5-b) and publishes that
//! version number with it (L5-c).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{data_as, types};
use crate::error::CoreError;
use crate::ids::{BodyId, PowerItemId};
use crate::record::Record;

/// The L4 items a catalogue entry may name as its ground.
pub const L4_ITEMS: &[&str] = &["L4.1", "L4.2", "L4.3", "L4.4", "L4.5", "L4.6"];

/// Largest amount accepted (canonical JSON integers stop at 2^53-1).
const MAX_AMOUNT_FEN: u64 = (1 << 53) - 1;

/// One catalogue entry (data of `review_catalogue_entry`). A case matches when EVERY factor the
/// entry specifies matches the case (L5-b); an entry must specify at least one factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    /// Entry code, unique within the body's catalogue (e.g. `SJ-01`).
    pub id: String,
    /// Title shown on the portal, e.g. 罚款数额较大的行政处罚.
    pub title: String,
    /// 执法行为类别 (R2-a action kind), e.g. `penalty`.
    #[serde(default)]
    pub action: Option<String>,
    /// 执法层级, as entered in the determination (区级 / 镇（街道）级).
    #[serde(default)]
    pub level: Option<String>,
    /// 所属领域 (the power item's domain).
    #[serde(default)]
    pub domain: Option<String>,
    /// 涉案金额 threshold: the case matches when its amount involved is ≥ this many 分.
    #[serde(default)]
    pub min_amount_fen: Option<u64>,
    /// Specific power items (any of them).
    #[serde(default)]
    pub power_items: Vec<PowerItemId>,
    /// The L4 items (L4.1–L4.6) the entry stands for, for display.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Legal basis of the entry.
    #[serde(default)]
    pub basis: String,
    /// The entry is withdrawn from this version on.
    #[serde(default)]
    pub withdrawn: bool,
}

/// Review time limit of an action kind (data of `review_time_limit`, L5-a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewTimeLimit {
    /// Action kind (R2-a).
    pub action: String,
    /// Working days from submission (T2).
    pub working_days: u32,
}

/// The 涉案金额 limit of one power item of the body (data of `review_amount_limit`; L7-b,
/// L7.6): the body may decide cases of the item up to this amount (级别管辖 by amount, set by
/// law or by the body's 实施细则, L5-a); a case above it is flagged by the L7.6 pre-check as
/// possibly beyond the body's statutory authority. D4-b's power-item fields have no such limit,
/// so it lives here, beside the catalogue that the same office keeps, versioned with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountLimit {
    /// The power item.
    pub power_item: PowerItemId,
    /// Largest 涉案金额 the body may decide, in 分.
    pub max_amount_fen: u64,
    /// Legal basis of the limit.
    #[serde(default)]
    pub basis: String,
    /// The limit is withdrawn from this version on.
    #[serde(default)]
    pub withdrawn: bool,
}

impl AmountLimit {
    /// Checks the limit: an amount in the canonical range, a basis unless withdrawn.
    pub fn validate(&self) -> Result<(), CoreError> {
        let invalid = |field: &str, reason: &str| CoreError::Invalid {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        if self.max_amount_fen > MAX_AMOUNT_FEN {
            return Err(invalid("max_amount_fen", "金额超出范围"));
        }
        if !self.withdrawn && self.basis.trim().is_empty() {
            return Err(invalid("basis", "权力事项金额限额须写明依据（L7-b）"));
        }
        Ok(())
    }
}

/// What a case offers to catalogue matching.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    /// Action kind of the case's procedure.
    pub action: &'a str,
    /// Domain of its power item.
    pub domain: Option<&'a str>,
    /// Its power item.
    pub power_item: Option<&'a PowerItemId>,
    /// 执法层级 entered in the determination.
    pub level: Option<&'a str>,
    /// 涉案金额 entered in the determination, in 分.
    pub amount_fen: Option<u64>,
}

impl CatalogueEntry {
    /// Checks the entry: code and title, at least one factor, known action kind and L4 items.
    pub fn validate(&self) -> Result<(), CoreError> {
        let invalid = |field: &str, reason: &str| CoreError::Invalid {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        crate::ids::RecordTypeId::new(self.id.clone())
            .map_err(|_| invalid("id", "条目编号须为1–64位字母、数字或 ._-"))?;
        if self.title.trim().is_empty() {
            return Err(invalid("title", "条目名称不能为空（L5-b）"));
        }
        let has_factor = self.action.is_some()
            || self.level.is_some()
            || self.domain.is_some()
            || self.min_amount_fen.is_some()
            || !self.power_items.is_empty();
        if !has_factor && !self.withdrawn {
            return Err(invalid(
                "action",
                "目录清单条目须至少指定执法行为类别、执法层级、所属领域、涉案金额或者权力事项之一（L5-b）",
            ));
        }
        if let Some(action) = &self.action
            && !crate::rules::ACTION_KINDS.contains(&action.as_str())
        {
            return Err(invalid("action", "未知的执法行为类别（R2-a）"));
        }
        if self.min_amount_fen.is_some_and(|n| n > MAX_AMOUNT_FEN) {
            return Err(invalid("min_amount_fen", "金额超出范围"));
        }
        if let Some(bad) = self
            .triggers
            .iter()
            .find(|t| !L4_ITEMS.contains(&t.as_str()))
        {
            return Err(invalid("triggers", &format!("未知的第四条情形：{bad}")));
        }
        Ok(())
    }

    /// Whether the case matches: every specified factor matches (L5-b).
    pub fn matches(&self, facts: &CaseFacts<'_>) -> bool {
        if self.withdrawn {
            return false;
        }
        let action_ok = self.action.as_deref().is_none_or(|a| a == facts.action);
        let level_ok = self.level.as_deref().is_none_or(|l| facts.level == Some(l));
        let domain_ok = self
            .domain
            .as_deref()
            .is_none_or(|d| facts.domain == Some(d));
        let amount_ok = self
            .min_amount_fen
            .is_none_or(|min| facts.amount_fen.is_some_and(|amount| amount >= min));
        let item_ok = self.power_items.is_empty()
            || facts
                .power_item
                .is_some_and(|item| self.power_items.contains(item));
        action_ok && level_ok && domain_ok && amount_ok && item_ok
    }
}

/// A body's catalogue as folded from its stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueView {
    /// The body.
    pub body: BodyId,
    /// Version: the sequence number of the last record folded (0: no catalogue yet, L13-a).
    pub version: u64,
    /// When the last change was entered (the publication date of L5-c follows it).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// Entries in force (withdrawn ones removed), by code.
    pub entries: Vec<CatalogueEntry>,
    /// Review time limits by action kind, in working days (L5-a).
    pub time_limits: BTreeMap<String, u32>,
    /// 涉案金额 limits of power items in force (withdrawn ones removed), by power item (L7.6).
    #[serde(default)]
    pub amount_limits: Vec<AmountLimit>,
}

impl CatalogueView {
    /// The catalogue of a body that has none yet.
    pub fn empty(body: BodyId) -> Self {
        CatalogueView {
            body,
            version: 0,
            updated_at: None,
            entries: Vec::new(),
            time_limits: BTreeMap::new(),
            amount_limits: Vec::new(),
        }
    }

    /// The limit in force for a power item (L7.6), if any.
    pub fn amount_limit(&self, power_item: &PowerItemId) -> Option<&AmountLimit> {
        self.amount_limits
            .iter()
            .find(|limit| &limit.power_item == power_item)
    }

    /// The entries the case matches (L5-b).
    pub fn matches(&self, facts: &CaseFacts<'_>) -> Vec<&CatalogueEntry> {
        self.entries.iter().filter(|e| e.matches(facts)).collect()
    }
}

/// Folds one catalogue-stream record.
pub fn fold_catalogue(
    mut view: CatalogueView,
    record: &Record,
) -> Result<CatalogueView, CoreError> {
    match record.record_type.as_str() {
        types::CATALOGUE_ENTRY => {
            let entry: CatalogueEntry = data_as(record)?;
            view.entries.retain(|e| e.id != entry.id);
            if !entry.withdrawn {
                view.entries.push(entry);
                view.entries.sort_by(|a, b| a.id.cmp(&b.id));
            }
        }
        types::TIME_LIMIT => {
            let limit: ReviewTimeLimit = data_as(record)?;
            view.time_limits.insert(limit.action, limit.working_days);
        }
        types::AMOUNT_LIMIT => {
            let limit: AmountLimit = data_as(record)?;
            view.amount_limits
                .retain(|existing| existing.power_item != limit.power_item);
            if !limit.withdrawn {
                view.amount_limits.push(limit);
                view.amount_limits
                    .sort_by(|a, b| a.power_item.cmp(&b.power_item));
            }
        }
        other => {
            return Err(CoreError::Invalid {
                field: format!("{}#{}", record.stream, record.seq.0),
                reason: format!("unexpected record type {other} in a catalogue stream"),
            });
        }
    }
    view.version = record.seq.0;
    view.updated_at = Some(record.entry_time);
    Ok(view)
}

/// The catalogue as it stood at `at`: the records entered up to then (L5-b).
pub fn catalogue_at(
    body: &BodyId,
    records: &[Record],
    at: Option<OffsetDateTime>,
) -> Result<CatalogueView, CoreError> {
    let mut view = CatalogueView::empty(body.clone());
    for record in records {
        if at.is_some_and(|at| record.entry_time > at) {
            break;
        }
        view = fold_catalogue(view, record)?;
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(min: Option<u64>, action: Option<&str>) -> CatalogueEntry {
        CatalogueEntry {
            id: "E1".into(),
            title: "较大数额".into(),
            action: action.map(str::to_owned),
            level: None,
            domain: None,
            min_amount_fen: min,
            power_items: vec![],
            triggers: vec!["L4.3".into()],
            basis: String::new(),
            withdrawn: false,
        }
    }

    fn check(entry: &CatalogueEntry, action: &str, amount: Option<u64>, expect: bool) {
        let facts = CaseFacts {
            action,
            domain: None,
            power_item: None,
            level: None,
            amount_fen: amount,
        };
        assert_eq!(
            entry.matches(&facts),
            expect,
            "{entry:?} {action} {amount:?}"
        );
    }

    #[test]
    fn amount_threshold_matches_at_and_above_the_threshold_only() {
        let e = entry(Some(5_000_000), Some("licensing"));
        check(&e, "licensing", Some(5_000_000), true);
        check(&e, "licensing", Some(9_000_000), true);
        check(&e, "licensing", Some(4_999_999), false);
        check(&e, "licensing", None, false);
        check(&e, "coercion", Some(9_000_000), false);
    }

    #[test]
    fn an_entry_without_factors_is_refused_citing_l5_b() {
        let e = entry(None, None);
        assert!(e.validate().is_err());
        assert!(entry(Some(1), None).validate().is_ok());
        let mut bad = entry(Some(1), Some("fishing"));
        assert!(bad.validate().is_err());
        bad.action = None;
        bad.triggers = vec!["L9.9".into()];
        assert!(bad.validate().is_err());
    }
}
