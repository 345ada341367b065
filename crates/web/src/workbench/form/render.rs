//! Widgets of the generated forms: one per field type, built from escaped parts.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use liuhen_core::rules::schema::{FieldSpec, FieldType};

use super::{
    Errors, FormContext, ID_TYPES, PARTY_FIELDS, PERSON_FIELDS, RecordChoice, Values, esc,
    is_attachment, shown_label,
};

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

/// Opens a field's `<div>`: label with the required note, `data-required`, the error mark and
/// the help line.
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
        r = required_attribute(note)
    );
    help_html(html, help);
}

/// What a fieldset's legend says: the label, the required note, the help line.
struct Legend<'a> {
    label: &'a str,
    note: &'a str,
    help: &'a str,
}

/// `data-required` for a field the rule set always requires (its note is empty), for scripts and
/// tests; the note beside the label says it to the user.
fn required_attribute(note: &str) -> &'static str {
    if note.is_empty() {
        " data-required=\"true\""
    } else {
        ""
    }
}

fn help_html(html: &mut String, help: &str) {
    if !help.is_empty() {
        let _ = write!(html, "<p class=\"help\">{}</p>", esc(help));
    }
}

/// Opens a `<fieldset>` for a group of inputs (choices, a party, a list): its legend with the
/// note, `data-required`, the error mark and the help line.
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
        r = required_attribute(note)
    );
    help_html(html, help);
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
            r = required_attribute(&note),
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
