//! Validation of a record's `data` against its record type's fields (R7–R25, R27).
//!
//! Two kinds of failure, in this order: malformed input (wrong JSON type, unknown field, bad date,
//! value not in an enum) is [`CoreError::Invalid`] and is reported before any rule runs; a missing
//! required field is a rule refusal ([`CoreError::Refused`]) citing the field's requirement IDs and
//! its Chinese label — `缺少必填项：启动原因（R8-a）` — because the law, not the parser, demands it.

use serde_json::{Map, Value};

use crate::error::{CoreError, Refusal};
use crate::ids::{OfficerId, RequirementId};
use crate::rules::schema::{FieldSpec, FieldType, RecordTypeSpec};

/// The confidentiality labels of R30-d; `data.confidentiality` may carry one on any record.
pub const CONFIDENTIALITY_LABELS: &[&str] =
    &["普通", "个人隐私", "商业秘密", "依法保密", "国家秘密"];

/// Name of the confidentiality field every record type accepts (R30-d).
pub const CONFIDENTIALITY_FIELD: &str = "confidentiality";

/// The field every record may carry when it corrects (supersedes) another: why (R4-a). Like
/// the confidentiality label, it is accepted on every record type without being declared.
pub const CORRECTION_REASON_FIELD: &str = "correction_reason";

const MAX_TEXT_CHARS: usize = 500;
const MAX_LONG_TEXT_CHARS: usize = 20_000;
const MAX_LIST_ITEMS: usize = 1_000;

/// Sub-fields of a `party` value (R8-a(3)): `kind` = `natural_person` or `organization`.
const PARTY_NATURAL: &[(&str, &str, bool)] = &[
    ("kind", "当事人类型", true),
    ("name", "姓名", true),
    ("id_type", "身份证件类型", true),
    ("id_number", "身份证件号码", true),
    ("address", "住址", true),
    ("phone", "联系电话", true),
];
const PARTY_ORGANIZATION: &[(&str, &str, bool)] = &[
    ("kind", "当事人类型", true),
    ("name", "名称", true),
    ("uscc", "统一社会信用代码", true),
    ("legal_representative", "法定代表人或负责人", true),
    ("address", "地址", true),
    ("phone", "联系电话", true),
];
/// Sub-fields of a `person` value (witness, recipient, participant): only the name is required.
const PERSON: &[(&str, &str, bool)] = &[
    ("name", "姓名", true),
    ("id_type", "身份证件类型", false),
    ("id_number", "身份证件号码", false),
    ("phone", "联系电话", false),
    ("address", "地址", false),
    ("organization", "单位", false),
    ("role", "身份", false),
];

/// Checks `data` against `spec`: types first (`Invalid`), then required fields (`Refused`, with
/// every missing field listed in `details` and in the message).
pub fn validate_data(spec: &RecordTypeSpec, data: &Map<String, Value>) -> Result<(), CoreError> {
    for (name, value) in data {
        if name == CONFIDENTIALITY_FIELD {
            let ok = value
                .as_str()
                .is_some_and(|label| CONFIDENTIALITY_LABELS.contains(&label));
            if !ok {
                return Err(invalid(
                    name,
                    "须为 普通/个人隐私/商业秘密/依法保密/国家秘密 之一（R30-d）",
                ));
            }
            continue;
        }
        if name == CORRECTION_REASON_FIELD {
            // R4-a: a correction says why the record it supersedes was wrong.
            check_text(value, name, MAX_TEXT_CHARS)?;
            continue;
        }
        let Some(field) = spec.fields.iter().find(|f| &f.name == name) else {
            return Err(invalid(name, "记录类型中没有该字段"));
        };
        check_type(field, value, name)?;
    }
    let mut missing = Vec::new();
    collect_missing(&spec.fields, data, &spec.requires, "", &mut missing);
    if missing.is_empty() {
        return Ok(());
    }
    Err(CoreError::Refused(missing_refusal(missing, &spec.citation)))
}

/// One missing required field: its path, label and requirement IDs.
#[derive(Debug, Clone)]
struct Missing {
    path: String,
    label: String,
    ids: Vec<String>,
}

fn missing_refusal(missing: Vec<Missing>, citation: &str) -> Refusal {
    let mut ids: Vec<RequirementId> = Vec::new();
    let mut parts = Vec::new();
    let mut details = Vec::new();
    for item in missing {
        for id in &item.ids {
            let id = RequirementId::new(id.clone());
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        parts.push(format!("{}（{}）", item.label, item.ids.join("、")));
        details.push(item.path);
    }
    Refusal {
        ids,
        message: format!("缺少必填项：{}", parts.join("；")),
        citation: citation.to_owned(),
        details,
    }
}

fn invalid(path: &str, reason: &str) -> CoreError {
    CoreError::Invalid {
        field: path.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Whether a value counts as absent: null, empty/blank string, empty list or object.
fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(members)) => members.is_empty(),
        Some(_) => false,
    }
}

/// Whether `field` is required given the rest of the data (its `when` condition).
pub fn is_required(field: &FieldSpec, data: &Map<String, Value>) -> bool {
    if !field.required && field.when.is_none() {
        return false;
    }
    match &field.when {
        None => true,
        Some(condition) => match data.get(&condition.field) {
            Some(Value::String(text)) => condition.values.iter().any(|v| v == text),
            Some(Value::Bool(flag)) => condition
                .values
                .iter()
                .any(|v| v == if *flag { "true" } else { "false" }),
            _ => false,
        },
    }
}

fn collect_missing(
    fields: &[FieldSpec],
    data: &Map<String, Value>,
    parent_ids: &[String],
    prefix: &str,
    missing: &mut Vec<Missing>,
) {
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.clone()
        } else {
            format!("{prefix}.{}", field.name)
        };
        let ids = if field.requires.is_empty() {
            parent_ids.to_vec()
        } else {
            field.requires.clone()
        };
        let value = data.get(&field.name);
        if is_blank(value) {
            if is_required(field, data) {
                missing.push(Missing {
                    path,
                    label: field.label.clone(),
                    ids,
                });
            }
            continue;
        }
        match (field.field_type, value) {
            (FieldType::Object, Some(Value::Object(members))) => {
                collect_missing(&field.item_fields, members, &ids, &path, missing);
            }
            (FieldType::List, Some(Value::Array(items))) => {
                for (idx, item) in items.iter().enumerate() {
                    if let Value::Object(members) = item {
                        collect_missing(
                            &field.item_fields,
                            members,
                            &ids,
                            &format!("{path}[{idx}]"),
                            missing,
                        );
                    }
                }
            }
            (FieldType::Party, Some(Value::Object(members))) => {
                let table = match members.get("kind").and_then(Value::as_str) {
                    Some("organization") => PARTY_ORGANIZATION,
                    _ => PARTY_NATURAL,
                };
                sub_missing(table, members, &field.label, &ids, &path, missing);
            }
            (FieldType::Person, Some(Value::Object(members))) => {
                sub_missing(PERSON, members, &field.label, &ids, &path, missing);
            }
            _ => {}
        }
    }
}

fn sub_missing(
    table: &[(&str, &str, bool)],
    members: &Map<String, Value>,
    label: &str,
    ids: &[String],
    path: &str,
    missing: &mut Vec<Missing>,
) {
    for (name, sub_label, required) in table {
        if *required && is_blank(members.get(*name)) {
            missing.push(Missing {
                path: format!("{path}.{name}"),
                label: format!("{label}·{sub_label}"),
                ids: ids.to_vec(),
            });
        }
    }
}

fn check_text(value: &Value, path: &str, max: usize) -> Result<(), CoreError> {
    let Some(text) = value.as_str() else {
        return Err(invalid(path, "须为文本"));
    };
    if text.chars().count() > max {
        return Err(invalid(path, &format!("超过 {max} 字")));
    }
    Ok(())
}

fn check_sub_object(
    table: &[(&str, &str, bool)],
    value: &Value,
    path: &str,
) -> Result<(), CoreError> {
    let Some(members) = value.as_object() else {
        return Err(invalid(path, "须为对象"));
    };
    for (name, member) in members {
        if !table.iter().any(|(known, _, _)| known == name) {
            return Err(invalid(&format!("{path}.{name}"), "未知的子字段"));
        }
        if !member.is_null() {
            check_text(member, &format!("{path}.{name}"), MAX_TEXT_CHARS)?;
        }
    }
    Ok(())
}

fn check_type(field: &FieldSpec, value: &Value, path: &str) -> Result<(), CoreError> {
    if value.is_null() {
        return Ok(());
    }
    match field.field_type {
        FieldType::Text | FieldType::DocNumber => check_text(value, path, MAX_TEXT_CHARS),
        FieldType::LongText => check_text(value, path, MAX_LONG_TEXT_CHARS),
        FieldType::Integer => {
            if value.as_i64().is_none() {
                return Err(invalid(path, "须为整数"));
            }
            Ok(())
        }
        FieldType::AmountFen => {
            if value.as_u64().is_none() {
                return Err(invalid(path, "须为以分计的非负整数"));
            }
            Ok(())
        }
        FieldType::Bool => {
            if !value.is_boolean() {
                return Err(invalid(path, "须为 true 或 false"));
            }
            Ok(())
        }
        FieldType::Date => {
            let ok = value
                .as_str()
                .is_some_and(|text| parse_date(text).is_some());
            if !ok {
                return Err(invalid(path, "须为日期 YYYY-MM-DD"));
            }
            Ok(())
        }
        FieldType::DateTime => {
            let ok = value
                .as_str()
                .is_some_and(|text| parse_date_time(text).is_some());
            if !ok {
                return Err(invalid(path, "须为带时区的时间（RFC 3339）"));
            }
            Ok(())
        }
        FieldType::Enum => {
            let ok = value
                .as_str()
                .is_some_and(|text| field.values.iter().any(|v| v == text));
            if !ok {
                return Err(invalid(
                    path,
                    &format!("须为以下之一：{}", field.values.join("、")),
                ));
            }
            Ok(())
        }
        FieldType::Party => {
            let kind = value.get("kind").and_then(Value::as_str);
            let table = match kind {
                Some("natural_person") | None => PARTY_NATURAL,
                Some("organization") => PARTY_ORGANIZATION,
                Some(_) => {
                    return Err(invalid(
                        &format!("{path}.kind"),
                        "须为 natural_person 或 organization",
                    ));
                }
            };
            check_sub_object(table, value, path)?;
            if let Some(code) = value.get("uscc").and_then(Value::as_str)
                && !code.is_empty()
                && !crate::registry::uscc::is_valid(code)
            {
                return Err(invalid(
                    &format!("{path}.uscc"),
                    "统一社会信用代码校验位不正确（GB 32100）",
                ));
            }
            Ok(())
        }
        FieldType::Person => check_sub_object(PERSON, value, path),
        FieldType::Officer => {
            let ok = value
                .as_str()
                .is_some_and(|text| OfficerId::new(text).is_ok());
            if !ok {
                return Err(invalid(path, "须为执法人员编号"));
            }
            Ok(())
        }
        FieldType::Officers => {
            let Some(items) = value.as_array() else {
                return Err(invalid(path, "须为执法人员编号列表"));
            };
            let mut seen = Vec::new();
            for item in items {
                let Some(text) = item.as_str().filter(|text| OfficerId::new(*text).is_ok()) else {
                    return Err(invalid(path, "须为执法人员编号列表"));
                };
                if seen.contains(&text) {
                    return Err(invalid(path, "执法人员重复"));
                }
                seen.push(text);
            }
            Ok(())
        }
        FieldType::RecordRef => {
            if value.as_u64().is_none_or(|seq| seq == 0) {
                return Err(invalid(path, "须为本案记录序号（≥1）"));
            }
            Ok(())
        }
        FieldType::RecordRefs => {
            let ok = value.as_array().is_some_and(|items| {
                items.len() <= MAX_LIST_ITEMS
                    && items
                        .iter()
                        .all(|item| item.as_u64().is_some_and(|seq| seq > 0))
            });
            if !ok {
                return Err(invalid(path, "须为本案记录序号列表"));
            }
            Ok(())
        }
        FieldType::Object => {
            let Some(members) = value.as_object() else {
                return Err(invalid(path, "须为对象"));
            };
            check_members(&field.item_fields, members, path)
        }
        FieldType::List => {
            let Some(items) = value.as_array() else {
                return Err(invalid(path, "须为列表"));
            };
            if items.len() > MAX_LIST_ITEMS {
                return Err(invalid(path, "列表过长"));
            }
            for (idx, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{idx}]");
                let Some(members) = item.as_object() else {
                    return Err(invalid(&item_path, "须为对象"));
                };
                check_members(&field.item_fields, members, &item_path)?;
            }
            Ok(())
        }
    }
}

fn check_members(
    fields: &[FieldSpec],
    members: &Map<String, Value>,
    path: &str,
) -> Result<(), CoreError> {
    for (name, member) in members {
        let member_path = format!("{path}.{name}");
        let Some(field) = fields.iter().find(|f| &f.name == name) else {
            return Err(invalid(&member_path, "未知的子字段"));
        };
        check_type(field, member, &member_path)?;
    }
    Ok(())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<time::Date> {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// Parses an RFC 3339 date-time with offset.
pub fn parse_date_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// The officer ids named in fields of type `officer`/`officers` (for credential checks).
pub fn named_officers(spec: &RecordTypeSpec, data: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for field in &spec.fields {
        match (field.field_type, data.get(&field.name)) {
            (FieldType::Officer, Some(Value::String(id))) => out.push(id.clone()),
            (FieldType::Officers, Some(Value::Array(items))) => {
                out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The record sequence numbers referenced from fields of type `record_ref(s)`, with the field.
pub fn record_refs<'a>(
    spec: &'a RecordTypeSpec,
    data: &Map<String, Value>,
) -> Vec<(&'a FieldSpec, u64)> {
    let mut out = Vec::new();
    for field in &spec.fields {
        match (field.field_type, data.get(&field.name)) {
            (FieldType::RecordRef, Some(value)) => {
                if let Some(seq) = value.as_u64() {
                    out.push((field, seq));
                }
            }
            (FieldType::RecordRefs, Some(Value::Array(items))) => {
                out.extend(
                    items
                        .iter()
                        .filter_map(Value::as_u64)
                        .map(|seq| (field, seq)),
                );
            }
            _ => {}
        }
    }
    out
}
