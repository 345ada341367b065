//! Forms generated from the rule set: a record type's fields become widgets, and a submitted
//! form becomes the record's `data` again (R3-a, R4-c: what must be recorded is what the form
//! asks for).
//!
//! # Design
//! - One widget per field type of `rules::schema::FieldType`. Money is typed in 元 and stored in
//!   分; officers are picked from the body's registry with their credential shown (D7-a); record
//!   references are chosen from the case's records, never typed as sequence numbers; document
//!   numbers are not asked for at all (R26-b: the system assigns them).
//! - Form keys: `f.<field>`, `f.<field>.<sub>` for a party, person or object, and
//!   `f.<field>.<row>.<sub>` for a list. Core error paths (`party.uscc`, `penalties[0].kind`)
//!   map onto the same keys, so a refusal lands next to its field.
//! - Parsing never loses a value: the submitted values are kept as they were typed and shown
//!   again with the errors; only the record data is normalised (元 → 分, local time → RFC 3339).
//! - HTML is built here from escaped parts (every value and label goes through [`esc`]), because
//!   the widgets nest (a list of objects) and askama templates do not recurse.

//!
//! `render` builds the widgets, `parse` reads a submitted form back into record data.

mod parse;
mod render;

use std::collections::BTreeMap;

use liuhen_core::rules::fields::CONFIDENTIALITY_LABELS;
use liuhen_core::rules::schema::{FieldSpec, FieldType};
use serde_json::{Map, Value};

pub(crate) use parse::{local_value, parse, parse_local_datetime, values_from_data};
pub(crate) use render::{defaults, error_html, open_field, render};

/// Submitted (or default) form values by key; a key may repeat (check boxes).
#[derive(Debug, Clone, Default)]
pub(crate) struct Values(pub(crate) BTreeMap<String, Vec<String>>);

impl Values {
    /// From the pairs of a form body, in order.
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Values {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, value) in pairs {
            map.entry(key.clone()).or_default().push(value.clone());
        }
        Values(map)
    }

    /// The first value of `key`, trimmed ("" when absent).
    pub(crate) fn get(&self, key: &str) -> &str {
        self.0
            .get(key)
            .and_then(|values| values.first())
            .map_or("", |value| value.trim())
    }

    /// Every non-empty value of `key`.
    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .get(key)
            .map(|values| {
                values
                    .iter()
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn set(&mut self, key: &str, value: impl Into<String>) {
        self.0.insert(key.to_owned(), vec![value.into()]);
    }

    fn push(&mut self, key: &str, value: impl Into<String>) {
        self.0.entry(key.to_owned()).or_default().push(value.into());
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        self.0
            .range(prefix.to_owned()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .any(|(_, values)| values.iter().any(|v| !v.trim().is_empty()))
    }
}

/// Errors by form key, in Chinese.
pub(crate) type Errors = BTreeMap<String, String>;

/// An officer the pickers offer.
#[derive(Debug, Clone)]
pub(crate) struct OfficerChoice {
    pub(crate) id: String,
    pub(crate) name: String,
    /// `执法证号 鲁…（有效期至 2028-06-30）` or why it is not valid today.
    pub(crate) credential: String,
    pub(crate) valid: bool,
}

/// A record of the case the reference pickers offer.
#[derive(Debug, Clone)]
pub(crate) struct RecordChoice {
    pub(crate) seq: u64,
    pub(crate) record_type: String,
    pub(crate) label: String,
}

/// What the widgets need besides the field specs.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormContext {
    pub(crate) officers: Vec<OfficerChoice>,
    pub(crate) records: Vec<RecordChoice>,
    /// The signed-in officer (pickers start with them).
    pub(crate) me: Option<String>,
    /// The case's party (party fields start with it).
    pub(crate) party: Option<Map<String, Value>>,
    /// Now, as a `datetime-local` value in Beijing time.
    pub(crate) now_local: String,
    /// Files already stored for attachment fields, by field name: (hidden token, file name).
    pub(crate) attachments: BTreeMap<String, Vec<(String, String)>>,
}

/// Whether a field stands for an attached document: the rule set records the file's SHA-256
/// in a text field (R10-b, R17–R22). The form asks for the file, never for the hash: the
/// server stores the file, computes the hash and fills the field.
pub(crate) fn is_attachment(field: &FieldSpec) -> bool {
    field.field_type == FieldType::Text && field.label.contains("附件SHA-256")
}

/// A label without the storage detail (`询问笔录（附件SHA-256）` → `询问笔录（附件）`).
pub(crate) fn clean_label(label: &str) -> String {
    label.replace("附件SHA-256", "附件").replace("（分）", "")
}

/// HTML-escapes text for element content and quoted attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The label as the form shows it: amounts are typed in 元.
fn shown_label(field: &FieldSpec) -> String {
    if is_attachment(field) {
        return clean_label(&field.label);
    }
    if field.field_type == FieldType::AmountFen {
        if field.label.contains("（分）") {
            return field.label.replace("（分）", "（元）");
        }
        return format!("{}（元）", field.label);
    }
    field.label.clone()
}

/// Party sub-fields: key, label, who fills it (`None`: both kinds).
const PARTY_FIELDS: &[(&str, &str, Option<&str>)] = &[
    ("name", "姓名或者名称", None),
    ("id_type", "身份证件类型", Some("natural_person")),
    ("id_number", "身份证件号码", Some("natural_person")),
    ("uscc", "统一社会信用代码", Some("organization")),
    (
        "legal_representative",
        "法定代表人或者负责人",
        Some("organization"),
    ),
    ("address", "住址或者地址", None),
    ("phone", "联系电话", None),
];

const PERSON_FIELDS: &[(&str, &str)] = &[
    ("name", "姓名"),
    ("id_type", "身份证件类型"),
    ("id_number", "身份证件号码"),
    ("phone", "联系电话"),
    ("address", "地址"),
    ("organization", "单位"),
    ("role", "身份"),
];

const ID_TYPES: &[&str] = &[
    "居民身份证",
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "其他",
];

/// Rows a list widget accepts.
pub(crate) const MAX_ROWS: usize = 50;
/// The form key of a core error path: `party.uscc` → `f.party.uscc`, `penalties[0].kind` →
/// `f.penalties.0.kind`; the record's own fields (`event_time`, `event_end`) keep their names.
pub(crate) fn key_of_path(path: &str) -> String {
    let dotted = path.replace('[', ".").replace(']', "");
    match dotted.as_str() {
        "event_time" | "event_end" | "confidentiality" | "files" | "file" => dotted,
        _ => format!("f.{dotted}"),
    }
}

/// Marks each field a missing-fields refusal names (core's `validate_data`: the message starts
/// 缺少必填项 and `details` are the fields' paths) with 此项必填, beside the refusal's banner.
pub(crate) fn place_missing(refusal: &liuhen_core::error::Refusal, errors: &mut Errors) {
    if refusal.message.starts_with("缺少必填项") {
        for path in &refusal.details {
            errors
                .entry(key_of_path(path))
                .or_insert_with(|| "此项必填".to_owned());
        }
    }
}

/// The confidentiality labels (R30-d), for the form's own select.
pub(crate) fn confidentiality_options() -> Vec<(String, String)> {
    CONFIDENTIALITY_LABELS
        .iter()
        .filter(|label| **label != "国家秘密")
        .map(|label| ((*label).to_owned(), (*label).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse::{parse_yuan, resident_id_ok};
    use super::*;

    #[test]
    fn yuan_is_parsed_into_fen() {
        assert_eq!(parse_yuan("200"), Some(20_000));
        assert_eq!(parse_yuan("200.5"), Some(20_050));
        assert_eq!(parse_yuan("1,500.05"), Some(150_005));
        assert_eq!(parse_yuan("２００"), Some(20_000));
        assert_eq!(parse_yuan("50元"), Some(5_000));
        assert_eq!(parse_yuan("0.01"), Some(1));
        for bad in ["", "abc", "1.234", "-5", "1.2.3", "99999999999999"] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn resident_id_check_character() {
        assert!(resident_id_ok("11010519491231002X"));
        assert!(resident_id_ok("11010519491231002x"));
        assert!(!resident_id_ok("110105194912310021"));
        assert!(!resident_id_ok("1101051949123100"));
    }

    #[test]
    fn core_paths_map_to_form_keys() {
        assert_eq!(key_of_path("party.uscc"), "f.party.uscc");
        assert_eq!(key_of_path("penalties[0].kind"), "f.penalties.0.kind");
        assert_eq!(key_of_path("event_time"), "event_time");
    }

    #[test]
    fn widgets_escape_values_and_labels() {
        let field: FieldSpec =
            toml::from_str("name = \"facts\"\nlabel = \"违法<事实>\"\ntype = \"text\"").unwrap();
        let mut values = Values::default();
        values.set("f.facts", "\"><script>alert(1)</script>");
        let html = render(&[field], &FormContext::default(), &values, &Errors::new());
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("违法&lt;事实&gt;"), "{html}");
    }

    #[test]
    fn list_rows_and_party_kind_round_trip() {
        let fields: Vec<FieldSpec> = vec![
            toml::from_str(
                "name = \"penalties\"\nlabel = \"处罚\"\ntype = \"list\"\nitem_fields = [{ name = \"kind\", label = \"种类\", type = \"enum\", values = [\"警告\", \"罚款\"] }]",
            )
            .unwrap(),
            toml::from_str("name = \"party\"\nlabel = \"当事人\"\ntype = \"party\"").unwrap(),
            toml::from_str("name = \"fine_fen\"\nlabel = \"罚款（分）\"\ntype = \"amount_fen\"")
                .unwrap(),
        ];
        let pairs: Vec<(String, String)> = [
            ("f.penalties.0.kind", "警告"),
            ("f.penalties.1.kind", ""),
            ("f.penalties.2.kind", "罚款"),
            ("f.party.kind", "organization"),
            ("f.party.name", "某某超市"),
            ("f.party.id_number", "should be dropped for an organisation"),
            ("f.party.uscc", "91370403MA3C4XKX0B"),
            ("f.fine_fen", "1500.5"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let mut errors = Errors::new();
        let data = parse(&fields, &Values::from_pairs(&pairs), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            data["penalties"],
            serde_json::json!([{ "kind": "警告" }, { "kind": "罚款" }])
        );
        assert_eq!(data["party"]["kind"], "organization");
        assert!(data["party"].get("id_number").is_none());
        assert_eq!(data["fine_fen"], 150_050);
        let html = render(
            &fields,
            &FormContext::default(),
            &Values::from_pairs(&pairs),
            &errors,
        );
        assert!(html.contains("某某超市"));
        assert!(html.contains("罚款（元）"));
    }
}
