//! The case page: header (案号, party, procedure, stage, officers, deadlines), the timeline of
//! every record with its status (R4-a), R30-d label, attachments, log index and hash, and what
//! may be recorded now — each record type the rules block shown disabled with its rule ID and
//! article before anyone types anything (R4-c, L2-a, R23-a, …). Also each record's inclusion
//! proof against the signed checkpoint.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use liuhen_core::case::{CaseView, RecordSummary};
use liuhen_core::ids::{CaseId, LogIndex};
use liuhen_core::rules::schema::{FieldSpec, FieldType, RecordKindSpec};
use liuhen_core::service::RecordView;
use serde::Deserialize;
use serde_json::Value;

use super::auth::Names as RegistryNames;
use super::view::{DueView, Layout, RefusalView, RuleNames, due_view, minute, status_label, yuan};
use super::{Staff, WbError, render};
use crate::state::AppState;

/// The case id of a path, or the workbench's 404 (an id that cannot exist is simply absent).
pub(crate) fn case_id(text: &str) -> Result<CaseId, WbError> {
    CaseId::new(text).map_err(|_| WbError::NotFound)
}

/// The header every case page shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseHeader {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) number: String,
    pub(crate) title: String,
    pub(crate) party: String,
    pub(crate) procedure: String,
    pub(crate) stage: String,
    pub(crate) status: String,
    pub(crate) body: String,
    pub(crate) officers: String,
    pub(crate) opened_on: String,
    pub(crate) deadlines: Vec<DeadlineLine>,
}

/// A deadline in the header.
#[derive(Debug, Clone)]
pub(crate) struct DeadlineLine {
    pub(crate) title: String,
    pub(crate) due: String,
    pub(crate) state: DueView,
    pub(crate) met: String,
}

/// The case's party from its records: the first effective record that names one.
pub(crate) fn party_of(records: &[RecordView]) -> Option<serde_json::Map<String, Value>> {
    records
        .iter()
        .filter(|r| !r.redacted)
        .find_map(|r| liuhen_core::case::party_in(&r.record.data).cloned())
}

fn party_line(party: &serde_json::Map<String, Value>) -> String {
    let text = |key: &str| {
        party
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let kind = if text("kind") == "organization" {
        "单位"
    } else {
        "自然人"
    };
    format!("{}（{kind}）", text("name"))
}

impl CaseHeader {
    pub(crate) async fn build(
        state: &AppState,
        staff: &Staff,
        case: &CaseView,
        records: &[RecordView],
    ) -> Result<CaseHeader, WbError> {
        let names = RuleNames(state.services.rules());
        let registry = state.workbench.names(state).await;
        let officers: Vec<String> = case
            .participants
            .iter()
            .filter_map(|id| registry.officers.get(id).cloned())
            .collect();
        let today = super::view::today(&state.services);
        let rows = state.services.case_deadlines(&staff.ctx, &case.id).await?;
        let deadlines = rows
            .into_iter()
            .map(|row| DeadlineLine {
                title: names.period(&row.period),
                due: row.due.to_string(),
                state: if row.met_on.is_some() {
                    DueView {
                        class: "done",
                        text: "已完成".to_owned(),
                    }
                } else {
                    due_view(state.services.calendar(), row.due, today)
                },
                met: row.met_on.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect();
        Ok(CaseHeader {
            id: case.id.to_string(),
            url: format!("/workbench/cases/{}", case.id),
            number: case.case_number.clone(),
            title: case.title.clone(),
            party: party_of(records)
                .map(|p| party_line(&p))
                .unwrap_or_else(|| "—".to_owned()),
            procedure: names.procedure(&case.procedure),
            stage: names.stage(&case.procedure, &case.stage),
            status: status_label(case.status).to_owned(),
            body: registry.body(&case.body),
            officers: if officers.is_empty() {
                "—".to_owned()
            } else {
                officers.join("、")
            },
            opened_on: case.opened_on.to_string(),
            deadlines,
        })
    }
}

/// One field of a record as the timeline shows it.
pub(crate) struct FieldLine {
    pub(crate) label: String,
    pub(crate) value: String,
}

/// An attachment on the timeline.
pub(crate) struct FileLine {
    pub(crate) url: String,
    pub(crate) name: String,
    pub(crate) size: String,
    /// `image`, `video`, `audio`, `pdf` or `other`.
    pub(crate) kind: &'static str,
}

/// A record on the timeline.
pub(crate) struct TimelineEntry {
    pub(crate) seq: u64,
    pub(crate) type_name: String,
    pub(crate) event_time: String,
    pub(crate) event_end: String,
    pub(crate) entry_time: String,
    pub(crate) who: String,
    pub(crate) role: String,
    pub(crate) status: String,
    pub(crate) status_class: &'static str,
    pub(crate) label: String,
    pub(crate) redacted: bool,
    pub(crate) fields: Vec<FieldLine>,
    pub(crate) files: Vec<FileLine>,
    pub(crate) log_index: u64,
    pub(crate) hash: String,
    pub(crate) proof_url: String,
    pub(crate) correct_url: String,
    pub(crate) void_url: String,
    pub(crate) supersedes: String,
    pub(crate) highlight: bool,
}

/// A record type offered by "add record".
pub(crate) struct OptionLine {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) blocked: Option<RefusalView>,
}

/// A group of record types (a stage, or "any stage").
pub(crate) struct OptionGroup {
    pub(crate) title: String,
    pub(crate) open: bool,
    pub(crate) options: Vec<OptionLine>,
}

#[derive(Template)]
#[template(path = "workbench/case.html")]
struct CasePage {
    layout: Layout,
    case: CaseHeader,
    saved: String,
    entries: Vec<TimelineEntry>,
    groups: Vec<OptionGroup>,
    available: usize,
}

fn human_size(bytes: u64) -> String {
    match bytes {
        0..=1023 => format!("{bytes} 字节"),
        1024..=1_048_575 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

fn file_kind(media_type: &str) -> &'static str {
    if media_type.starts_with("image/") {
        "image"
    } else if media_type.starts_with("video/") {
        "video"
    } else if media_type.starts_with("audio/") {
        "audio"
    } else if media_type == "application/pdf" {
        "pdf"
    } else {
        "other"
    }
}

/// A field value as words (no codes: officers by name, records by number and type, money in 元).
pub(crate) fn show_value(
    field: &FieldSpec,
    value: &Value,
    names: &RuleNames<'_>,
    registry: &RegistryNames,
    types_by_seq: &HashMap<u64, String>,
) -> String {
    let record = |seq: u64| {
        format!(
            "第{seq}号记录（{}）",
            types_by_seq
                .get(&seq)
                .map_or_else(|| "—".to_owned(), |t| names.record_type(t))
        )
    };
    match (field.field_type, value) {
        (FieldType::AmountFen, Value::Number(n)) => n
            .as_u64()
            .map_or_else(|| n.to_string(), |fen| format!("{} 元", yuan(fen))),
        (FieldType::Bool, Value::Bool(b)) => if *b { "是" } else { "否" }.to_owned(),
        (FieldType::Officer, Value::String(id)) => registry
            .officers
            .get(id)
            .cloned()
            .unwrap_or_else(|| "未登记的执法人员".to_owned()),
        (FieldType::Officers, Value::Array(ids)) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(|id| {
                registry
                    .officers
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| "未登记的执法人员".to_owned())
            })
            .collect::<Vec<_>>()
            .join("、"),
        (FieldType::RecordRef, Value::Number(n)) => n.as_u64().map_or_else(String::new, record),
        (FieldType::RecordRefs, Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_u64)
            .map(record)
            .collect::<Vec<_>>()
            .join("；"),
        (FieldType::DateTime, Value::String(text)) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map_or_else(|_| text.clone(), minute)
        }
        (FieldType::Party, Value::Object(members)) => {
            let get = |k: &str| members.get(k).and_then(Value::as_str).unwrap_or("");
            let mut parts = vec![party_line(members)];
            for (key, label) in [
                ("id_type", ""),
                ("id_number", ""),
                ("uscc", "统一社会信用代码 "),
                ("legal_representative", "法定代表人 "),
                ("address", "地址 "),
                ("phone", "电话 "),
            ] {
                if !get(key).is_empty() {
                    parts.push(format!("{label}{}", get(key)));
                }
            }
            parts.join("，")
        }
        (FieldType::Person, Value::Object(members)) => members
            .values()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("，"),
        (FieldType::List, Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let line = field
                    .item_fields
                    .iter()
                    .filter_map(|sub| {
                        item.get(&sub.name)
                            .map(|v| show_value(sub, v, names, registry, types_by_seq))
                    })
                    .collect::<Vec<_>>()
                    .join("，");
                format!("{}. {line}", i + 1)
            })
            .collect::<Vec<_>>()
            .join("\n"),
        (FieldType::Object, Value::Object(_)) => field
            .item_fields
            .iter()
            .filter_map(|sub| {
                value.get(&sub.name).map(|v| {
                    format!(
                        "{}：{}",
                        sub.label,
                        show_value(sub, v, names, registry, types_by_seq)
                    )
                })
            })
            .collect::<Vec<_>>()
            .join("\n"),
        (_, Value::String(text)) => text.clone(),
        (_, Value::Number(n)) => n.to_string(),
        (_, Value::Bool(b)) => if *b { "是" } else { "否" }.to_owned(),
        _ => String::new(),
    }
}

fn label_of(spec_fields: Option<&[FieldSpec]>, name: &str) -> Option<String> {
    match name {
        "reason" => Some("理由".to_owned()),
        "correction_reason" => Some("更正理由".to_owned()),
        liuhen_core::rules::fields::CONFIDENTIALITY_FIELD => Some("密级或者标注".to_owned()),
        _ => spec_fields?
            .iter()
            .find(|f| f.name == name)
            .map(|f| super::form::clean_label(&f.label)),
    }
}

/// The timeline of a case.
pub(crate) async fn timeline(
    state: &AppState,
    case: &CaseView,
    records: &[RecordView],
    highlight: Option<u64>,
) -> Vec<TimelineEntry> {
    let names = RuleNames(state.services.rules());
    let registry = state.workbench.names(state).await;
    let summaries: HashMap<u64, &RecordSummary> =
        case.records.iter().map(|s| (s.seq.0, s)).collect();
    let types_by_seq: HashMap<u64, String> = records
        .iter()
        .map(|r| (r.record.seq.0, r.record.record_type.as_str().to_owned()))
        .collect();
    let mut entries = Vec::with_capacity(records.len());
    for view in records {
        let record = &view.record;
        let seq = record.seq.0;
        let type_id = record.record_type.as_str();
        let spec = state
            .services
            .rules()
            .sets()
            .iter()
            .rev()
            .find_map(|set| set.record_type(type_id));
        let summary = summaries.get(&seq);
        let (status, status_class) = match summary {
            Some(s) if s.voided_by.is_some() => (
                format!("已作废（见第{}号记录）", s.voided_by.map_or(0, |q| q.0)),
                "void",
            ),
            Some(s) if s.superseded_by.is_some() => (
                format!(
                    "已被更正（见第{}号记录）",
                    s.superseded_by.map_or(0, |q| q.0)
                ),
                "superseded",
            ),
            _ => ("有效".to_owned(), "valid"),
        };
        let mut fields = Vec::new();
        if !view.redacted {
            let ordered: Vec<&str> = match spec {
                Some(spec) => {
                    let mut names: Vec<&str> =
                        spec.fields.iter().map(|f| f.name.as_str()).collect();
                    for extra in ["reason", "correction_reason"] {
                        if !names.contains(&extra) {
                            names.push(extra);
                        }
                    }
                    names
                }
                None => record.data.keys().map(String::as_str).collect(),
            };
            for name in ordered {
                let Some(value) = record.data.get(name) else {
                    continue;
                };
                let field = spec.and_then(|s| s.fields.iter().find(|f| f.name == name));
                let text = match field {
                    Some(field) if super::form::is_attachment(field) => {
                        let sha = value.as_str().unwrap_or_default();
                        record.files.iter().find(|f| f.sha256 == sha).map_or_else(
                            || "（未附文件）".to_owned(),
                            |f| format!("见附件「{}」", f.name),
                        )
                    }
                    Some(field) => show_value(field, value, &names, &registry, &types_by_seq),
                    None if type_id == liuhen_core::case::types::CASE_OPENED => continue,
                    None => match value {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    },
                };
                if text.is_empty() {
                    continue;
                }
                fields.push(FieldLine {
                    label: label_of(spec.map(|s| s.fields.as_slice()), name)
                        .unwrap_or_else(|| "其他".to_owned()),
                    value: text,
                });
            }
        }
        let files = record
            .files
            .iter()
            .map(|file| FileLine {
                url: format!("/api/v1/cases/{}/evidence/{}", case.id, file.sha256),
                name: file.name.clone(),
                size: human_size(file.size),
                kind: file_kind(&file.media_type),
            })
            .collect();
        let effective = status_class == "valid";
        let system = type_id.starts_with("sys_");
        let who = record
            .actor
            .officer
            .as_ref()
            .and_then(|o| registry.officers.get(o.as_str()).cloned())
            .unwrap_or_else(|| registry.user(record.actor.user.as_str()));
        entries.push(TimelineEntry {
            seq,
            type_name: names.record_type(type_id),
            event_time: minute(record.event_time),
            event_end: record.event_end.map(minute).unwrap_or_default(),
            entry_time: minute(record.entry_time),
            who,
            role: record.actor.role.label().to_owned(),
            status,
            status_class,
            label: summary
                .map(|s| s.confidentiality.clone())
                .filter(|l| l != "普通")
                .unwrap_or_default(),
            redacted: view.redacted,
            fields,
            files,
            log_index: view.log_index.0,
            hash: hex::encode(view.hash),
            proof_url: format!("/workbench/cases/{}/records/{seq}/proof", case.id),
            correct_url: if effective
                && !system
                && spec.is_some_and(|s| s.kind == RecordKindSpec::Text)
            {
                format!(
                    "/workbench/cases/{}/records/new?type={type_id}&supersedes={seq}",
                    case.id
                )
            } else {
                String::new()
            },
            void_url: if effective && !system {
                format!("/workbench/cases/{}/records/{seq}/void", case.id)
            } else {
                String::new()
            },
            supersedes: record
                .supersedes
                .map(|s| format!("更正第{}号记录", s.0))
                .unwrap_or_default(),
            highlight: highlight == Some(seq),
        });
    }
    entries
}

#[derive(Debug, Deserialize)]
pub(crate) struct ShowQuery {
    saved: Option<u64>,
}

/// `GET /workbench/cases/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, WbError> {
    let case_id = case_id(&id)?;
    let case = state.services.case(&staff.ctx, &case_id).await?;
    let records = state.services.case_records(&staff.ctx, &case_id).await?;
    let header = CaseHeader::build(&state, &staff, &case, &records).await?;
    let entries = timeline(&state, &case, &records, query.saved).await;
    let options = state.services.record_options(&staff.ctx, &case_id).await?;
    let saved = query
        .saved
        .and_then(|seq| entries.iter().find(|e| e.seq == seq))
        .map(|entry| {
            let number = records
                .iter()
                .find(|r| r.record.seq.0 == entry.seq)
                .and_then(|r| {
                    r.record.data.values().find_map(|v| {
                        v.as_str()
                            .filter(|t| t.contains('〔') && t.ends_with('号'))
                            .map(str::to_owned)
                    })
                })
                .map(|n| format!("，文号 {n}"))
                .unwrap_or_default();
            format!(
                "已保存「{}」，为本案第{}号记录{number}。",
                entry.type_name, entry.seq
            )
        })
        .unwrap_or_default();
    let mut groups: Vec<OptionGroup> = Vec::new();
    let current_stage = RuleNames(state.services.rules()).stage(&case.procedure, &case.stage);
    let mut available = 0;
    for option in options {
        let title = option
            .stage
            .clone()
            .unwrap_or_else(|| "各阶段均可录入".to_owned());
        if option.blocked.is_none() {
            available += 1;
        }
        let line = OptionLine {
            name: option.name.clone(),
            url: format!(
                "/workbench/cases/{}/records/new?type={}",
                case.id, option.record_type
            ),
            blocked: option.blocked.as_ref().map(RefusalView::of),
        };
        match groups.iter_mut().find(|g| g.title == title) {
            Some(group) => group.options.push(line),
            None => groups.push(OptionGroup {
                open: title == current_stage || option.stage.is_none(),
                title,
                options: vec![line],
            }),
        }
    }
    // Available entries first within each group.
    for group in &mut groups {
        group.options.sort_by_key(|o| o.blocked.is_some());
        if group.options.iter().any(|o| o.blocked.is_none()) && !group.open {
            group.open = true;
        }
    }
    let page = CasePage {
        layout: staff.layout("cases"),
        case: header,
        saved,
        entries,
        groups,
        available,
    };
    Ok(render(&page).into_response())
}

#[derive(Template)]
#[template(path = "workbench/proof.html")]
struct ProofPage {
    layout: Layout,
    case: CaseHeader,
    seq: u64,
    type_name: String,
    log_index: u64,
    hash: String,
    size: u64,
    root: String,
    proof: Vec<String>,
    verified: bool,
    note: String,
    proof_url: String,
}

/// `GET /workbench/cases/{id}/records/{seq}/proof`: the record's inclusion proof against the
/// signed checkpoint, checked here and given for offline checking (R4-a).
pub(crate) async fn proof(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, seq)): Path<(String, u64)>,
) -> Result<Response, WbError> {
    let case_id = case_id(&id)?;
    let case = state.services.case(&staff.ctx, &case_id).await?;
    let records = state.services.case_records(&staff.ctx, &case_id).await?;
    let view = records
        .iter()
        .find(|r| r.record.seq.0 == seq)
        .ok_or(WbError::NotFound)?;
    let header = CaseHeader::build(&state, &staff, &case, &records).await?;
    let note = state
        .checkpoint
        .current(&state)
        .await
        .map_err(|err| WbError::Internal(err.to_string()))?;
    let hashes = state
        .services
        .prove_inclusion(LogIndex(view.log_index.0), note.size)
        .await?;
    let profile = state.log_keys.profile;
    let root = hex::decode(&note.root_hex)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(liuhen_ledger::hash::Hash::from_bytes);
    let proof_hashes: Vec<liuhen_ledger::hash::Hash> = hashes
        .iter()
        .map(|h| liuhen_ledger::hash::Hash::from_bytes(*h))
        .collect();
    let verified = root.is_some_and(|root| {
        liuhen_ledger::verify::verify_inclusion(
            profile,
            &profile.leaf_hash(&view.hash),
            view.log_index.0,
            note.size,
            &proof_hashes,
            &root,
        )
        .is_ok()
    });
    let page = ProofPage {
        layout: staff.layout("cases"),
        case: header,
        seq,
        type_name: RuleNames(state.services.rules()).record_type(view.record.record_type.as_str()),
        log_index: view.log_index.0,
        hash: hex::encode(view.hash),
        size: note.size,
        root: note.root_hex.clone(),
        proof: hashes.iter().map(hex::encode).collect(),
        verified,
        note: note.note.clone(),
        proof_url: format!(
            "/api/v1/log/proof?index={}&size={}",
            view.log_index.0, note.size
        ),
    };
    Ok(render(&page).into_response())
}
