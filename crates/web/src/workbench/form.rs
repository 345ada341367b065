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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use liuhen_core::rules::fields::CONFIDENTIALITY_LABELS;
use liuhen_core::rules::schema::{FieldSpec, FieldType};
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

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

/// Default values of a fresh form: now for date-times, the signed-in officer in officer
/// pickers, the case's party in party fields.
pub(crate) fn defaults(fields: &[FieldSpec], context: &FormContext) -> Values {
    let mut values = Values::default();
    for field in fields {
        let key = format!("f.{}", field.name);
        match field.field_type {
            FieldType::DateTime => values.set(&key, context.now_local.clone()),
            FieldType::Officer => {
                if let Some(me) = &context.me {
                    values.set(&key, me.clone());
                }
            }
            FieldType::Officers => {
                if let Some(me) = &context.me {
                    values.push(&key, me.clone());
                }
            }
            FieldType::Party => {
                if let Some(party) = &context.party {
                    for (name, value) in party {
                        if let Some(text) = value.as_str() {
                            values.set(&format!("{key}.{name}"), text);
                        }
                    }
                } else {
                    values.set(&format!("{key}.kind"), "natural_person");
                    values.set(&format!("{key}.id_type"), "居民身份证");
                }
            }
            FieldType::RecordRef => {
                // The only candidate is chosen already.
                let candidates: Vec<&RecordChoice> = context
                    .records
                    .iter()
                    .filter(|r| {
                        field.ref_types.is_empty() || field.ref_types.contains(&r.record_type)
                    })
                    .collect();
                if let [only] = candidates.as_slice() {
                    values.set(&key, only.seq.to_string());
                }
            }
            _ => {}
        }
    }
    values
}

/// Renders the widgets of `fields`.
pub(crate) fn render(
    fields: &[FieldSpec],
    context: &FormContext,
    values: &Values,
    errors: &Errors,
) -> String {
    let mut html = String::new();
    for field in fields {
        render_field(
            &mut html,
            field,
            &format!("f.{}", field.name),
            context,
            values,
            errors,
        );
    }
    html
}

fn required_note(field: &FieldSpec) -> String {
    match &field.when {
        Some(condition) => format!("（{}时必填）", condition.values.join("或")),
        None if field.required => String::new(),
        None => "（选填）".to_owned(),
    }
}

pub(crate) fn error_html(html: &mut String, key: &str, errors: &Errors) {
    if let Some(message) = errors.get(key) {
        let _ = write!(
            html,
            "<p class=\"error\" id=\"e-{k}\" role=\"alert\">{m}</p>",
            k = esc(key),
            m = esc(message)
        );
    }
}

/// `data-required` marks a field the rule set always requires (no `when`), for scripts and
/// tests; the note beside the label says it to the user.
pub(crate) fn open_field(
    html: &mut String,
    key: &str,
    label: &str,
    note: &str,
    help: &str,
    errors: &Errors,
) {
    let class = if errors.contains_key(key) {
        "field has-error"
    } else {
        "field"
    };
    let _ = write!(
        html,
        "<div class=\"{class}\" data-key=\"{k}\"{r}><label for=\"{k}\">{l}<span class=\"note\">{n}</span></label>",
        k = esc(key),
        l = esc(label),
        n = esc(note),
        r = if note.is_empty() {
            " data-required=\"true\""
        } else {
            ""
        }
    );
    if !help.is_empty() {
        let _ = write!(html, "<p class=\"help\">{}</p>", esc(help));
    }
}

/// Opens a `<fieldset>` for a group of inputs (choices, a party, a list): its legend with the
/// note, `data-required` for a field always required, and the error mark.
/// What a fieldset's legend says: the label, the required note, the help line.
struct Legend<'a> {
    label: &'a str,
    note: &'a str,
    help: &'a str,
}

fn open_fieldset(
    html: &mut String,
    class: &str,
    attributes: &str,
    key: &str,
    legend: Legend<'_>,
    errors: &Errors,
) {
    let Legend { label, note, help } = legend;
    let _ = write!(
        html,
        "<fieldset class=\"{class}{e}\" data-key=\"{k}\"{attributes}{r}><legend>{l}<span class=\"note\">{n}</span></legend>",
        e = if errors.contains_key(key) {
            " has-error"
        } else {
            ""
        },
        k = esc(key),
        l = esc(label),
        n = esc(note),
        r = if note.is_empty() {
            " data-required=\"true\""
        } else {
            ""
        }
    );
    if !help.is_empty() {
        let _ = write!(html, "<p class=\"help\">{}</p>", esc(help));
    }
}

fn described(key: &str, errors: &Errors) -> String {
    if errors.contains_key(key) {
        format!(" aria-invalid=\"true\" aria-describedby=\"e-{}\"", esc(key))
    } else {
        String::new()
    }
}

fn select(
    html: &mut String,
    key: &str,
    options: &[(String, String)],
    current: &str,
    errors: &Errors,
) {
    let _ = write!(
        html,
        "<select id=\"{k}\" name=\"{k}\"{d}><option value=\"\">请选择</option>",
        k = esc(key),
        d = described(key, errors)
    );
    for (value, label) in options {
        let selected = if value == current { " selected" } else { "" };
        let _ = write!(
            html,
            "<option value=\"{v}\"{selected}>{l}</option>",
            v = esc(value),
            l = esc(label)
        );
    }
    html.push_str("</select>");
}

fn text_input(html: &mut String, key: &str, value: &str, extra: &str, errors: &Errors) {
    let _ = write!(
        html,
        "<input id=\"{k}\" name=\"{k}\" value=\"{v}\"{extra}{d}>",
        k = esc(key),
        v = esc(value),
        d = described(key, errors)
    );
}

#[allow(clippy::too_many_lines)]
fn render_field(
    html: &mut String,
    field: &FieldSpec,
    key: &str,
    context: &FormContext,
    values: &Values,
    errors: &Errors,
) {
    let label = shown_label(field);
    let note = required_note(field);
    let help = field.help.as_str();
    if is_attachment(field) {
        let file_key = format!("file.{key}");
        let class = if errors.contains_key(key) {
            "field has-error attachment"
        } else {
            "field attachment"
        };
        let _ = write!(
            html,
            "<div class=\"{class}\" data-key=\"{k}\"{r}><label for=\"{fk}\">{l}<span class=\"note\">{n}</span></label><p class=\"help\">{h}</p>",
            k = esc(key),
            fk = esc(&file_key),
            l = esc(&label),
            n = esc(&note),
            r = if note.is_empty() {
                " data-required=\"true\""
            } else {
                ""
            },
            h = esc(if help.is_empty() {
                "上传签字、盖章后的文书扫描件或照片；系统保存文件并计算哈希值存证。"
            } else {
                help
            })
        );
        let stored = context
            .attachments
            .get(&field.name)
            .cloned()
            .unwrap_or_default();
        for (token, name) in &stored {
            let _ = write!(
                html,
                "<p class=\"uploaded\"><input type=\"hidden\" name=\"uploaded\" value=\"{t}\">已上传：{n}</p>",
                t = esc(token),
                n = esc(name)
            );
        }
        let _ = write!(
            html,
            "<input id=\"{fk}\" name=\"{fk}\" type=\"file\" accept=\"image/*,application/pdf\"{d}><div class=\"progress\" hidden><progress max=\"100\" value=\"0\"></progress> <span class=\"pct\"></span></div><p class=\"file-info muted small\" aria-live=\"polite\"></p>",
            fk = esc(&file_key),
            d = described(key, errors)
        );
        error_html(html, key, errors);
        html.push_str("</div>");
        return;
    }
    match field.field_type {
        FieldType::DocNumber => {
            let _ = write!(
                html,
                "<div class=\"field\"><span class=\"label\">{}</span><p class=\"help\">文号由系统在保存时按顺序自动分配（R26-b），保存后显示。</p></div>",
                esc(&label)
            );
        }
        FieldType::Text | FieldType::Integer | FieldType::AmountFen => {
            open_field(html, key, &label, &note, help, errors);
            let extra = match field.field_type {
                FieldType::Integer => " inputmode=\"numeric\" maxlength=\"20\"",
                FieldType::AmountFen => " inputmode=\"decimal\" maxlength=\"20\" class=\"money\"",
                _ => " maxlength=\"500\"",
            };
            text_input(html, key, values.get(key), extra, errors);
            if field.field_type == FieldType::AmountFen {
                html.push_str("<span class=\"unit\">元</span>");
            }
            error_html(html, key, errors);
            html.push_str("</div>");
        }
        FieldType::LongText => {
            open_field(html, key, &label, &note, help, errors);
            let _ = write!(
                html,
                "<textarea id=\"{k}\" name=\"{k}\" rows=\"4\" maxlength=\"20000\"{d}>{v}</textarea>",
                k = esc(key),
                v = esc(values
                    .0
                    .get(key)
                    .and_then(|v| v.first())
                    .map_or("", String::as_str)),
                d = described(key, errors)
            );
            error_html(html, key, errors);
            html.push_str("</div>");
        }
        FieldType::Date | FieldType::DateTime => {
            open_field(html, key, &label, &note, help, errors);
            let kind = if field.field_type == FieldType::Date {
                " type=\"date\""
            } else {
                " type=\"datetime-local\""
            };
            text_input(html, key, values.get(key), kind, errors);
            error_html(html, key, errors);
            html.push_str("</div>");
        }
        FieldType::Enum => {
            open_field(html, key, &label, &note, help, errors);
            let options: Vec<(String, String)> = field
                .values
                .iter()
                .map(|v| (v.clone(), v.clone()))
                .collect();
            select(html, key, &options, values.get(key), errors);
            error_html(html, key, errors);
            html.push_str("</div>");
        }
        FieldType::Bool => {
            open_fieldset(
                html,
                "field",
                "",
                key,
                Legend {
                    label: &label,
                    note: &note,
                    help,
                },
                errors,
            );
            html.push_str("<div class=\"choices inline\">");
            for (value, text) in [("true", "是"), ("false", "否")] {
                let checked = if values.get(key) == value {
                    " checked"
                } else {
                    ""
                };
                let _ = write!(
                    html,
                    "<label class=\"choice\"><input type=\"radio\" name=\"{k}\" value=\"{value}\"{checked}> {text}</label>",
                    k = esc(key)
                );
            }
            html.push_str("</div>");
            error_html(html, key, errors);
            html.push_str("</fieldset>");
        }
        FieldType::Officer => {
            open_field(html, key, &label, &note, help, errors);
            let options: Vec<(String, String)> = context
                .officers
                .iter()
                .map(|o| (o.id.clone(), format!("{}（{}）", o.name, o.credential)))
                .collect();
            select(html, key, &options, values.get(key), errors);
            error_html(html, key, errors);
            html.push_str("</div>");
        }
        FieldType::Officers => {
            let chosen: BTreeSet<&str> = values.all(key).into_iter().collect();
            open_fieldset(
                html,
                "field",
                "",
                key,
                Legend {
                    label: &label,
                    note: &note,
                    help,
                },
                errors,
            );
            html.push_str("<div class=\"choices\">");
            for officer in &context.officers {
                let checked = if chosen.contains(officer.id.as_str()) {
                    " checked"
                } else {
                    ""
                };
                let class = if officer.valid {
                    "choice"
                } else {
                    "choice invalid"
                };
                let _ = write!(
                    html,
                    "<label class=\"{class}\"><input type=\"checkbox\" name=\"{k}\" value=\"{v}\"{checked}> {n}<span class=\"cred\">{c}</span></label>",
                    k = esc(key),
                    v = esc(&officer.id),
                    n = esc(&officer.name),
                    c = esc(&officer.credential)
                );
            }
            html.push_str("</div>");
            error_html(html, key, errors);
            html.push_str("</fieldset>");
        }
        FieldType::RecordRef | FieldType::RecordRefs => {
            let candidates: Vec<&RecordChoice> = context
                .records
                .iter()
                .filter(|r| field.ref_types.is_empty() || field.ref_types.contains(&r.record_type))
                .collect();
            if field.field_type == FieldType::RecordRef {
                open_field(html, key, &label, &note, help, errors);
                let options: Vec<(String, String)> = candidates
                    .iter()
                    .map(|r| (r.seq.to_string(), r.label.clone()))
                    .collect();
                if options.is_empty() {
                    html.push_str("<p class=\"help\">本案尚无可选的记录。</p>");
                }
                select(html, key, &options, values.get(key), errors);
                error_html(html, key, errors);
                html.push_str("</div>");
            } else {
                let chosen: BTreeSet<&str> = values.all(key).into_iter().collect();
                open_fieldset(
                    html,
                    "field",
                    "",
                    key,
                    Legend {
                        label: &label,
                        note: &note,
                        help: "",
                    },
                    errors,
                );
                if candidates.is_empty() {
                    html.push_str("<p class=\"help\">本案尚无可选的记录。</p>");
                }
                html.push_str("<div class=\"choices\">");
                for record in candidates {
                    let seq = record.seq.to_string();
                    let checked = if chosen.contains(seq.as_str()) {
                        " checked"
                    } else {
                        ""
                    };
                    let _ = write!(
                        html,
                        "<label class=\"choice\"><input type=\"checkbox\" name=\"{k}\" value=\"{seq}\"{checked}> {l}</label>",
                        k = esc(key),
                        l = esc(&record.label)
                    );
                }
                html.push_str("</div>");
                error_html(html, key, errors);
                html.push_str("</fieldset>");
            }
        }
        FieldType::Party => render_party(html, field, key, values, errors),
        FieldType::Person => {
            open_fieldset(
                html,
                "group",
                "",
                key,
                Legend {
                    label: &label,
                    note: &note,
                    help: "",
                },
                errors,
            );
            for (name, sub_label) in PERSON_FIELDS {
                let sub_key = format!("{key}.{name}");
                let sub_note = if *name == "name" { "" } else { "（选填）" };
                open_field(html, &sub_key, sub_label, sub_note, "", errors);
                if *name == "id_type" {
                    let options: Vec<(String, String)> = ID_TYPES
                        .iter()
                        .map(|t| ((*t).to_owned(), (*t).to_owned()))
                        .collect();
                    select(html, &sub_key, &options, values.get(&sub_key), errors);
                } else {
                    let extra = if *name == "id_number" {
                        " maxlength=\"64\" data-check=\"id\" autocomplete=\"off\""
                    } else {
                        " maxlength=\"500\""
                    };
                    text_input(html, &sub_key, values.get(&sub_key), extra, errors);
                }
                error_html(html, &sub_key, errors);
                html.push_str("</div>");
            }
            error_html(html, key, errors);
            html.push_str("</fieldset>");
        }
        FieldType::Object => {
            open_fieldset(
                html,
                "group",
                "",
                key,
                Legend {
                    label: &label,
                    note: &note,
                    help: "",
                },
                errors,
            );
            for sub in &field.item_fields {
                render_field(
                    html,
                    sub,
                    &format!("{key}.{}", sub.name),
                    context,
                    values,
                    errors,
                );
            }
            error_html(html, key, errors);
            html.push_str("</fieldset>");
        }
        FieldType::List => {
            let filled = (0..crate::workbench::form::MAX_ROWS)
                .filter(|row| values.has_prefix(&format!("{key}.{row}.")))
                .max()
                .map_or(0, |last| last + 1);
            let rows = filled + 1;
            open_fieldset(
                html,
                "group list",
                &format!(" data-rows=\"{rows}\""),
                key,
                Legend {
                    label: &label,
                    note: &note,
                    help: "",
                },
                errors,
            );
            html.push_str("<p class=\"help\">每行一项；未填写的行不保存。</p>");
            for row in 0..rows {
                let _ = write!(html, "<div class=\"row-item\" data-row=\"{row}\">");
                for sub in &field.item_fields {
                    render_field(
                        html,
                        sub,
                        &format!("{key}.{row}.{}", sub.name),
                        context,
                        values,
                        errors,
                    );
                }
                html.push_str("</div>");
            }
            error_html(html, key, errors);
            html.push_str("</fieldset>");
        }
    }
}

/// Rows a list widget accepts.
pub(crate) const MAX_ROWS: usize = 50;

fn render_party(html: &mut String, field: &FieldSpec, key: &str, values: &Values, errors: &Errors) {
    let kind_key = format!("{key}.kind");
    let kind = match values.get(&kind_key) {
        "organization" => "organization",
        _ => "natural_person",
    };
    open_fieldset(
        html,
        "group party",
        &format!(" data-kind=\"{kind}\""),
        key,
        Legend {
            label: &shown_label(field),
            note: &required_note(field),
            help: "",
        },
        errors,
    );
    html.push_str("<div class=\"choices inline\">");
    for (value, text) in [
        ("natural_person", "自然人"),
        ("organization", "法人或者其他组织"),
    ] {
        let checked = if value == kind { " checked" } else { "" };
        let _ = write!(
            html,
            "<label class=\"choice\"><input type=\"radio\" name=\"{k}\" value=\"{value}\"{checked}> {text}</label>",
            k = esc(&kind_key)
        );
    }
    html.push_str("</div>");
    for (name, sub_label, only) in PARTY_FIELDS {
        let sub_key = format!("{key}.{name}");
        let hint = match only {
            Some("natural_person") => "（自然人填写）",
            Some(_) => "（单位填写）",
            None => "",
        };
        let class_only = only.map_or(String::new(), |k| format!(" only-{k}"));
        let class = if errors.contains_key(&sub_key) {
            "field has-error"
        } else {
            "field"
        };
        let _ = write!(
            html,
            "<div class=\"{class}{class_only}\" data-key=\"{k}\" data-required=\"true\"><label for=\"{k}\">{l}<span class=\"note\">{hint}</span></label>",
            k = esc(&sub_key),
            l = esc(sub_label)
        );
        match *name {
            "id_type" => {
                let options: Vec<(String, String)> = ID_TYPES
                    .iter()
                    .map(|t| ((*t).to_owned(), (*t).to_owned()))
                    .collect();
                select(html, &sub_key, &options, values.get(&sub_key), errors);
            }
            "id_number" => text_input(
                html,
                &sub_key,
                values.get(&sub_key),
                " maxlength=\"64\" data-check=\"id\" autocomplete=\"off\"",
                errors,
            ),
            "uscc" => text_input(
                html,
                &sub_key,
                values.get(&sub_key),
                " maxlength=\"18\" data-check=\"uscc\" autocomplete=\"off\"",
                errors,
            ),
            "phone" => text_input(
                html,
                &sub_key,
                values.get(&sub_key),
                " type=\"tel\" maxlength=\"30\"",
                errors,
            ),
            _ => text_input(
                html,
                &sub_key,
                values.get(&sub_key),
                " maxlength=\"500\"",
                errors,
            ),
        }
        let _ = write!(html, "<p class=\"check\" aria-live=\"polite\"></p>");
        error_html(html, &sub_key, errors);
        html.push_str("</div>");
    }
    error_html(html, key, errors);
    html.push_str("</fieldset>");
}

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
                values.set(key, super::view::yuan(fen));
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

/// The form key of a core error path: `party.uscc` → `f.party.uscc`, `penalties[0].kind` →
/// `f.penalties.0.kind`; the record's own fields (`event_time`, `event_end`) keep their names.
pub(crate) fn key_of_path(path: &str) -> String {
    let dotted = path.replace('[', ".").replace(']', "");
    match dotted.as_str() {
        "event_time" | "event_end" | "confidentiality" | "files" | "file" => dotted,
        _ => format!("f.{dotted}"),
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
