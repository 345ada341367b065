//! A submitted form read back into record data: 元 into 分, Beijing time into RFC 3339, check
//! digits checked; and a stored record's data put back into form values (corrections).

use liuhen_core::rules::schema::{FieldSpec, FieldType};
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use super::{Errors, MAX_ROWS, PARTY_FIELDS, PERSON_FIELDS, Values};

/// Parses 元 (`200`, `200.5`, `1,200.00`, full-width digits) into 分.
pub(crate) fn parse_yuan(text: &str) -> Option<u64> {
    let folded: String = text
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            other => other,
        })
        .collect();
    let folded = folded.trim_end_matches('元');
    let (whole, frac) = folded.split_once('.').unwrap_or((folded, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 13
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: u64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(frac)
}

/// Parses a `datetime-local` value (Beijing time) into RFC 3339.
pub(crate) fn parse_local_datetime(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let with_seconds = if text.len() == 16 {
        format!("{text}:00")
    } else {
        text.to_owned()
    };
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    PrimitiveDateTime::parse(&with_seconds, format)
        .ok()
        .map(|local| local.assume_offset(liuhen_core::CHINA_OFFSET))
}

/// `datetime-local` value of a time, in Beijing time.
pub(crate) fn local_value(time: OffsetDateTime) -> String {
    let local = time.to_offset(liuhen_core::CHINA_OFFSET);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}

/// Whether an 18-character resident ID number's check character is right (GB 11643-1999,
/// ISO 7064 MOD 11-2).
pub(crate) fn resident_id_ok(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = chars[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let expected = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    chars[17].to_ascii_uppercase() == expected
}

/// The record data of a submitted form; format errors (money, numbers, dates, check digits)
/// go into `errors` by key, and such fields are left out of the data.
pub(crate) fn parse(
    fields: &[FieldSpec],
    values: &Values,
    errors: &mut Errors,
) -> Map<String, Value> {
    let mut data = Map::new();
    for field in fields {
        let key = format!("f.{}", field.name);
        if let Some(value) = parse_field(field, &key, values, errors) {
            data.insert(field.name.clone(), value);
        }
    }
    data
}

fn parse_field(
    field: &FieldSpec,
    key: &str,
    values: &Values,
    errors: &mut Errors,
) -> Option<Value> {
    let text = values.get(key);
    match field.field_type {
        FieldType::DocNumber => None,
        FieldType::Text | FieldType::LongText | FieldType::Enum | FieldType::Officer => {
            (!text.is_empty()).then(|| Value::String(text.to_owned()))
        }
        FieldType::Integer => {
            if text.is_empty() {
                return None;
            }
            match text.parse::<i64>() {
                Ok(number) => Some(Value::from(number)),
                Err(_) => {
                    errors.insert(key.to_owned(), "请填写整数".to_owned());
                    None
                }
            }
        }
        FieldType::AmountFen => {
            if text.is_empty() {
                return None;
            }
            match parse_yuan(text) {
                Some(fen) => Some(Value::from(fen)),
                None => {
                    errors.insert(
                        key.to_owned(),
                        "请填写以元为单位的金额，最多两位小数，例如 200 或 1500.50".to_owned(),
                    );
                    None
                }
            }
        }
        FieldType::Bool => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Date => {
            if text.is_empty() {
                return None;
            }
            let format = time::macros::format_description!("[year]-[month]-[day]");
            match Date::parse(text, format) {
                Ok(_) => Some(Value::String(text.to_owned())),
                Err(_) => {
                    errors.insert(key.to_owned(), "请选择日期".to_owned());
                    None
                }
            }
        }
        FieldType::DateTime => {
            if text.is_empty() {
                return None;
            }
            match parse_local_datetime(text).and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }) {
                Some(rfc) => Some(Value::String(rfc)),
                None => {
                    errors.insert(key.to_owned(), "请选择日期和时间".to_owned());
                    None
                }
            }
        }
        FieldType::Officers => {
            let chosen = values.all(key);
            (!chosen.is_empty()).then(|| {
                Value::Array(
                    chosen
                        .into_iter()
                        .map(|id| Value::String(id.to_owned()))
                        .collect(),
                )
            })
        }
        FieldType::RecordRef => {
            if text.is_empty() {
                return None;
            }
            match text.parse::<u64>() {
                Ok(seq) => Some(Value::from(seq)),
                Err(_) => {
                    errors.insert(key.to_owned(), "请从列表中选择记录".to_owned());
                    None
                }
            }
        }
        FieldType::RecordRefs => {
            let seqs: Vec<Value> = values
                .all(key)
                .into_iter()
                .filter_map(|s| s.parse::<u64>().ok())
                .map(Value::from)
                .collect();
            (!seqs.is_empty()).then_some(Value::Array(seqs))
        }
        FieldType::Party => {
            let kind = match values.get(&format!("{key}.kind")) {
                "organization" => "organization",
                _ => "natural_person",
            };
            let mut members = Map::new();
            let mut any = false;
            for (name, _, only) in PARTY_FIELDS {
                if only.is_some_and(|k| k != kind) {
                    continue;
                }
                let sub_key = format!("{key}.{name}");
                let value = values.get(&sub_key);
                if value.is_empty() {
                    continue;
                }
                if *name != "id_type" {
                    any = true;
                }
                if *name == "id_number"
                    && values.get(&format!("{key}.id_type")) == "居民身份证"
                    && !resident_id_ok(value)
                {
                    errors.insert(
                        sub_key.clone(),
                        "居民身份证号码应为18位，且校验码须正确（GB 11643），请核对".to_owned(),
                    );
                }
                members.insert((*name).to_owned(), Value::String(value.to_owned()));
            }
            if !any {
                return None;
            }
            members.insert("kind".to_owned(), Value::String(kind.to_owned()));
            Some(Value::Object(members))
        }
        FieldType::Person => {
            let mut members = Map::new();
            for (name, _) in PERSON_FIELDS {
                let value = values.get(&format!("{key}.{name}"));
                if !value.is_empty() {
                    members.insert((*name).to_owned(), Value::String(value.to_owned()));
                }
            }
            let only_type = members.len() == 1 && members.contains_key("id_type");
            (!members.is_empty() && !only_type).then_some(Value::Object(members))
        }
        FieldType::Object => {
            let mut members = Map::new();
            for sub in &field.item_fields {
                if let Some(value) =
                    parse_field(sub, &format!("{key}.{}", sub.name), values, errors)
                {
                    members.insert(sub.name.clone(), value);
                }
            }
            (!members.is_empty()).then_some(Value::Object(members))
        }
        FieldType::List => {
            let mut items = Vec::new();
            for row in 0..MAX_ROWS {
                let prefix = format!("{key}.{row}.");
                if !values.has_prefix(&prefix) {
                    continue;
                }
                let mut members = Map::new();
                for sub in &field.item_fields {
                    if let Some(value) =
                        parse_field(sub, &format!("{prefix}{}", sub.name), values, errors)
                    {
                        members.insert(sub.name.clone(), value);
                    }
                }
                if !members.is_empty() {
                    items.push(Value::Object(members));
                }
            }
            (!items.is_empty()).then_some(Value::Array(items))
        }
    }
}

/// Puts a stored value back into form values under `key` (a correction starts from the
/// record it corrects, R4-a).
pub(crate) fn values_from_data(values: &mut Values, field: &FieldSpec, key: &str, value: &Value) {
    match (field.field_type, value) {
        (FieldType::AmountFen, Value::Number(n)) => {
            if let Some(fen) = n.as_u64() {
                values.set(key, crate::workbench::view::yuan(fen));
            }
        }
        (FieldType::Bool, Value::Bool(b)) => values.set(key, if *b { "true" } else { "false" }),
        (FieldType::DateTime, Value::String(text)) => {
            if let Ok(time) =
                OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            {
                values.set(key, local_value(time));
            }
        }
        (FieldType::Officers | FieldType::RecordRefs, Value::Array(items)) => {
            for item in items {
                match item {
                    Value::String(text) => values.push(key, text.clone()),
                    Value::Number(n) => values.push(key, n.to_string()),
                    _ => {}
                }
            }
        }
        (FieldType::Party | FieldType::Person, Value::Object(members)) => {
            for (name, member) in members {
                if let Some(text) = member.as_str() {
                    values.set(&format!("{key}.{name}"), text);
                }
            }
        }
        (FieldType::Object, Value::Object(members)) => {
            for sub in &field.item_fields {
                if let Some(member) = members.get(&sub.name) {
                    values_from_data(values, sub, &format!("{key}.{}", sub.name), member);
                }
            }
        }
        (FieldType::List, Value::Array(items)) => {
            for (row, item) in items.iter().enumerate().take(MAX_ROWS) {
                for sub in &field.item_fields {
                    if let Some(member) = item.get(&sub.name) {
                        values_from_data(values, sub, &format!("{key}.{row}.{}", sub.name), member);
                    }
                }
            }
        }
        (_, Value::String(text)) => values.set(key, text.clone()),
        (_, Value::Number(n)) => values.set(key, n.to_string()),
        _ => {}
    }
}
