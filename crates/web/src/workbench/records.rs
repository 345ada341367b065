//! Record entry: the form of a record type, generated from the rule set ([`super::form`]), its
//! submission (with attachments streamed into the blob store and hashed by the server, R3-c,
//! R27), the dry-run check (`Services::check_record`: the same rules as saving, nothing saved),
//! correction (supersede) and void with a reason (R4-a).
//!
//! A refused or invalid submission comes back with every value as typed, the errors next to
//! their fields, the refusal's rule ID and article above the form, and files already uploaded
//! kept (as hidden references to the stored blobs), so nothing the officer entered is lost.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liuhen_core::blobs::BlobInfo;
use liuhen_core::case::{CaseView, types};
use liuhen_core::error::{CoreError, Refusal};
use liuhen_core::ids::{CaseId, StreamSeq};
use liuhen_core::record::FileRef;
use liuhen_core::rules::schema::{RecordKindSpec, RecordTypeSpec};
use liuhen_core::service::evidence::{EvidenceError, EvidenceInput};
use liuhen_core::service::{RecordInput, RecordView};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::auth::StaffRejection;
use super::case_page::{CaseHeader, case_id, party_of};
use super::form::{self, Errors, FormContext, OfficerChoice, RecordChoice, Values, esc};
use super::view::{Layout, RefusalView, RuleNames, minute};
use super::{Staff, WbError, render};
use crate::state::AppState;

/// Largest text part of a form (a long statement of facts is 20,000 characters).
const MAX_TEXT_PART: usize = 256 * 1024;
/// Most parts of one form.
const MAX_PARTS: usize = 3_000;

/// A file already in the blob store, carried through a re-shown form.
#[derive(Debug, Clone)]
pub(crate) struct Uploaded {
    pub(crate) info: BlobInfo,
    pub(crate) name: String,
    /// The attachment field it was uploaded for ([`form::is_attachment`]); empty for the
    /// record's general attachments.
    pub(crate) field: String,
}

impl Uploaded {
    /// The hidden-field form: `sha256|sm3|size|media type|field|name`.
    pub(crate) fn token(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}",
            self.info.sha256,
            self.info.sm3,
            self.info.size,
            self.info.media_type,
            self.field,
            self.name
        )
    }

    pub(crate) fn parse(token: &str) -> Option<Uploaded> {
        let mut parts = token.splitn(6, '|');
        let sha256 = parts.next()?.to_owned();
        let sm3 = parts.next()?.to_owned();
        let size = parts.next()?.parse().ok()?;
        let media_type = parts.next()?.to_owned();
        let field = parts.next()?.to_owned();
        let name = parts.next().unwrap_or("").to_owned();
        Some(Uploaded {
            info: BlobInfo {
                sha256,
                sm3,
                size,
                media_type,
                deduplicated: false,
            },
            name,
            field,
        })
    }
}

/// Everything the record form page shows.
#[derive(Template)]
#[template(path = "workbench/record_form.html")]
pub(crate) struct RecordFormPage {
    pub(crate) layout: Layout,
    pub(crate) case: CaseHeader,
    pub(crate) action: String,
    pub(crate) record_type: String,
    pub(crate) type_name: String,
    pub(crate) citation: String,
    pub(crate) requires: String,
    pub(crate) supersedes: String,
    pub(crate) blocked: Option<RefusalView>,
    pub(crate) refusal: Option<RefusalView>,
    pub(crate) notice: String,
    pub(crate) check_ok: bool,
    pub(crate) fields_html: String,
    pub(crate) standard_html: String,
    pub(crate) uploaded: Vec<(String, String)>,
    pub(crate) is_av: bool,
    pub(crate) wants_files: bool,
}

/// The form's own fields besides the record type's: when, until when, label, attachments.
pub(crate) fn standard_html(
    spec: &RecordTypeSpec,
    values: &Values,
    errors: &Errors,
    correcting: bool,
) -> String {
    use std::fmt::Write as _;
    let mut html = String::new();
    let field = |html: &mut String, key: &str, label: &str, note: &str, input: String| {
        form::open_field(html, key, label, note, "", errors);
        html.push_str(&input);
        form::error_html(html, key, errors);
        html.push_str("</div>");
    };
    let is_av = spec.kind == RecordKindSpec::Av;
    field(
        &mut html,
        "event_time",
        if is_av {
            "制作（开始）时间"
        } else {
            "发生时间"
        },
        "",
        format!(
            "<input id=\"event_time\" name=\"event_time\" type=\"datetime-local\" value=\"{}\" required>",
            esc(values.get("event_time"))
        ),
    );
    if is_av || spec.needs_av {
        field(
            &mut html,
            "event_end",
            "结束时间",
            if is_av {
                "（照片可不填；录音录像必填，R27-a）"
            } else {
                "（选填）"
            },
            format!(
                "<input id=\"event_end\" name=\"event_end\" type=\"datetime-local\" value=\"{}\">",
                esc(values.get("event_end"))
            ),
        );
    }
    if correcting {
        field(
            &mut html,
            "correction_reason",
            "更正理由",
            "（R4-a：原记录保留，新记录替代它）",
            format!(
                "<textarea id=\"correction_reason\" name=\"correction_reason\" rows=\"2\" maxlength=\"500\" required>{}</textarea>",
                esc(values.get("correction_reason"))
            ),
        );
    }
    let current = match values.get("confidentiality") {
        "" => "普通",
        other => other,
    };
    let mut options = String::new();
    for (value, label) in form::confidentiality_options() {
        let selected = if value == current { " selected" } else { "" };
        let _ = write!(
            options,
            "<option value=\"{}\"{selected}>{}</option>",
            esc(&value),
            esc(&label)
        );
    }
    field(
        &mut html,
        "confidentiality",
        "涉密或者隐私标注",
        "（R30-d：标注后仅承办人员和负责人可见）",
        format!("<select id=\"confidentiality\" name=\"confidentiality\">{options}</select>"),
    );
    html
}

fn officer_choices(
    officers: &[liuhen_core::registry::OfficerView],
    today: time::Date,
    domain: Option<&str>,
) -> Vec<OfficerChoice> {
    let mut out: Vec<OfficerChoice> = officers
        .iter()
        .map(|officer| {
            let valid = officer.has_valid_credential(today, domain);
            let credential = officer
                .credentials
                .iter()
                .rev()
                .find(|c| c.valid_for(today, domain))
                .or_else(|| officer.credentials.last())
                .map(|c| {
                    if valid {
                        format!("执法证号 {}，有效期至 {}", c.number, c.valid_to)
                    } else {
                        format!("执法证号 {}，今日无效（D7-a）", c.number)
                    }
                })
                .unwrap_or_else(|| "无执法证件（D7-a）".to_owned());
            OfficerChoice {
                id: officer.id.to_string(),
                name: officer.profile.name.clone(),
                credential,
                valid,
            }
        })
        .collect();
    out.sort_by(|a, b| b.valid.cmp(&a.valid).then(a.name.cmp(&b.name)));
    out
}

/// What the widgets of a case's forms need: officers of the body (and of the delegating body,
/// R2-b), the case's effective records for reference pickers, the case's party.
pub(crate) async fn form_context(
    state: &AppState,
    staff: &Staff,
    case: &CaseView,
    records: &[RecordView],
) -> Result<FormContext, WbError> {
    let names = RuleNames(state.services.rules());
    let now = state.services.now();
    let today = now.to_offset(liuhen_core::CHINA_OFFSET).date();
    let mut officers = state.services.officers(&staff.ctx, &case.body).await?;
    let bodies = state.services.bodies(&staff.ctx).await?;
    if let Some(delegating) = bodies
        .iter()
        .find(|b| b.id == case.body)
        .and_then(|b| b.profile.entrustment.as_ref())
        .map(|e| e.delegating_body.clone())
    {
        officers.extend(state.services.officers(&staff.ctx, &delegating).await?);
    }
    let effective: std::collections::HashSet<u64> = case
        .records
        .iter()
        .filter(|s| s.is_effective())
        .map(|s| s.seq.0)
        .collect();
    let choices = records
        .iter()
        .filter(|r| effective.contains(&r.record.seq.0))
        .filter(|r| !r.record.record_type.as_str().starts_with("sys_"))
        .map(|r| RecordChoice {
            seq: r.record.seq.0,
            record_type: r.record.record_type.as_str().to_owned(),
            label: format!(
                "第{}号 {}（{}）",
                r.record.seq.0,
                names.record_type(r.record.record_type.as_str()),
                minute(r.record.event_time)
            ),
        })
        .collect();
    Ok(FormContext {
        officers: officer_choices(&officers, today, case.domain.as_deref()),
        records: choices,
        me: staff.ctx.officer.as_ref().map(|o| o.to_string()),
        party: party_of(records),
        now_local: form::local_value(now),
        attachments: Default::default(),
    })
}

/// The spec of `record_type` for a case today.
fn spec_for<'a>(
    state: &'a AppState,
    case: &CaseView,
    record_type: &str,
) -> Result<&'a RecordTypeSpec, WbError> {
    let today = super::view::today(&state.services);
    state
        .services
        .rules()
        .effective(&case.body, today)
        .or_else(|| state.services.rules().sets().last().map(AsRef::as_ref))
        .and_then(|set| set.record_type(record_type))
        .ok_or(WbError::NotFound)
}

/// Form values of an existing record (for a correction, R4-a).
fn values_of_record(spec: &RecordTypeSpec, record: &liuhen_core::record::Record) -> Values {
    let mut values = Values::default();
    for field in &spec.fields {
        if let Some(value) = record.data.get(&field.name) {
            form::values_from_data(&mut values, field, &format!("f.{}", field.name), value);
        }
    }
    if let Some(label) = record.data.get("confidentiality").and_then(Value::as_str) {
        values.set("confidentiality", label);
    }
    values
}

#[derive(Debug, Deserialize)]
pub(crate) struct FormQuery {
    #[serde(rename = "type")]
    record_type: Option<String>,
    supersedes: Option<u64>,
    draft: Option<String>,
}

struct Shown {
    values: Values,
    errors: Errors,
    refusal: Option<Refusal>,
    notice: String,
    check_ok: bool,
    uploaded: Vec<Uploaded>,
}

async fn show_form(
    state: &AppState,
    staff: &Staff,
    case_id: &CaseId,
    record_type: &str,
    supersedes: Option<u64>,
    shown: Option<Shown>,
) -> Result<RecordFormPage, WbError> {
    let case = state.services.case(&staff.ctx, case_id).await?;
    let records = state.services.case_records(&staff.ctx, case_id).await?;
    let spec = spec_for(state, &case, record_type)?;
    let context = form_context(state, staff, &case, &records).await?;
    let header = CaseHeader::build(state, staff, &case, &records).await?;
    let options = state.services.record_options(&staff.ctx, case_id).await?;
    let blocked = if supersedes.is_some() {
        None
    } else {
        options
            .iter()
            .find(|o| o.record_type == record_type)
            .and_then(|o| o.blocked.as_ref())
            .map(RefusalView::of)
    };
    let shown = match shown {
        Some(shown) => shown,
        None => {
            let mut values = match supersedes {
                Some(seq) => {
                    let old = records
                        .iter()
                        .find(|r| r.record.seq.0 == seq && !r.redacted)
                        .ok_or(WbError::NotFound)?;
                    let mut values = values_of_record(spec, &old.record);
                    values.set("event_time", form::local_value(old.record.event_time));
                    if let Some(end) = old.record.event_end {
                        values.set("event_end", form::local_value(end));
                    }
                    values
                }
                None => {
                    let mut values = form::defaults(&spec.fields, &context);
                    values.set("event_time", context.now_local.clone());
                    values
                }
            };
            if values.get("confidentiality").is_empty() {
                values.set("confidentiality", "普通");
            }
            Shown {
                values,
                errors: Errors::new(),
                refusal: None,
                notice: String::new(),
                check_ok: false,
                uploaded: Vec::new(),
            }
        }
    };
    let is_av = spec.kind == RecordKindSpec::Av;
    let mut context = context;
    for upload in shown.uploaded.iter().filter(|u| !u.field.is_empty()) {
        context
            .attachments
            .entry(upload.field.clone())
            .or_default()
            .push((upload.token(), upload.name.clone()));
    }
    let page = RecordFormPage {
        layout: staff.layout("cases"),
        case: header,
        action: format!("/workbench/cases/{}/records/new", case.id),
        record_type: spec.id.clone(),
        type_name: spec.name.clone(),
        citation: spec.citation.clone(),
        requires: spec.requires.join("、"),
        supersedes: supersedes.map(|s| s.to_string()).unwrap_or_default(),
        blocked,
        refusal: shown.refusal.as_ref().map(RefusalView::of),
        notice: shown.notice,
        check_ok: shown.check_ok,
        fields_html: form::render(&spec.fields, &context, &shown.values, &shown.errors),
        standard_html: standard_html(spec, &shown.values, &shown.errors, supersedes.is_some()),
        uploaded: shown
            .uploaded
            .iter()
            .filter(|u| u.field.is_empty())
            .map(|u| (u.token(), format!("{}（{}）", u.name, u.info.media_type)))
            .collect(),
        is_av,
        wants_files: is_av
            || spec.document.is_some()
            || spec.subtype.contains("文书")
            || spec.subtype.contains("证据"),
    };
    Ok(page)
}

/// `GET /workbench/cases/{id}/records/new?type=…[&supersedes=…][&draft=…]`.
pub(crate) async fn form_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<FormQuery>,
) -> Result<Response, WbError> {
    let case_id = case_id(&id)?;
    let path = format!("/workbench/cases/{id}/records/new");
    // Back from a sign-in after the session ended mid-form: the values the officer had typed.
    if let Some(draft) = query.draft.as_deref().and_then(|draft| {
        state
            .workbench
            .take_draft(draft, &path, staff.ctx.user.as_str())
    }) {
        let values = Values::from_pairs(&draft.fields);
        let record_type = values.get("record_type").to_owned();
        let supersedes = values.get("supersedes").parse().ok();
        let uploaded = values
            .all("uploaded")
            .into_iter()
            .filter_map(Uploaded::parse)
            .collect();
        let shown = Shown {
            values,
            errors: Errors::new(),
            refusal: None,
            notice:
                "已恢复您登录失效前填写的内容，请核对后提交。之前选择但未上传的文件需要重新选择。"
                    .to_owned(),
            check_ok: false,
            uploaded,
        };
        let page = show_form(
            &state,
            &staff,
            &case_id,
            &record_type,
            supersedes,
            Some(shown),
        )
        .await?;
        return Ok(render(&page).into_response());
    }
    let record_type = query.record_type.ok_or(WbError::NotFound)?;
    let page = show_form(
        &state,
        &staff,
        &case_id,
        &record_type,
        query.supersedes,
        None,
    )
    .await?;
    Ok(render(&page).into_response())
}

/// The parts of a submitted record form.
struct Submitted {
    pairs: Vec<(String, String)>,
    files: Vec<Uploaded>,
    file_errors: Vec<String>,
}

/// Reads a multipart or urlencoded form; files go to the blob store as they stream in (only
/// for a signed-in caller who may write to the case: `upload_evidence` checks).
async fn read_form(
    state: &AppState,
    staff: Option<&Staff>,
    case_id: &CaseId,
    request: Request,
) -> Result<Submitted, WbError> {
    let is_multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut out = Submitted {
        pairs: Vec::new(),
        files: Vec::new(),
        file_errors: Vec::new(),
    };
    if !is_multipart {
        let axum::Form(pairs): axum::Form<Vec<(String, String)>> =
            axum::Form::from_request(request, state)
                .await
                .map_err(|_| {
                    WbError::BadRequest("表单格式不正确，请从页面重新提交。".to_owned())
                })?;
        out.pairs = pairs;
        return Ok(out);
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| WbError::BadRequest("表单格式不正确，请从页面重新提交。".to_owned()))?;
    let limit = state.config.evidence_limit;
    let mut parts = 0;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Err(WbError::BadRequest(
                    "上传未完成（连接中断或文件过大），请重新提交。".to_owned(),
                ));
            }
        };
        parts += 1;
        if parts > MAX_PARTS {
            return Err(WbError::BadRequest("表单项过多。".to_owned()));
        }
        let name = field.name().unwrap_or("").to_owned();
        if name == "files" || name.starts_with("file.f.") {
            let tag = name.strip_prefix("file.f.").unwrap_or("").to_owned();
            let file_name = field.file_name().unwrap_or("").to_owned();
            if file_name.is_empty() {
                // An empty file input still sends a part; drain it.
                let mut field = field;
                while let Ok(Some(_)) = field.chunk().await {}
                continue;
            }
            let Some(staff) = staff else {
                // No session: the file cannot be stored (nobody to store it for), and a caller
                // without a session must not make the server read gigabytes. A small file is
                // skipped; at a large one the reading stops, keeping the values before it.
                let mut field = field;
                let mut skipped = 0usize;
                while let Ok(Some(chunk)) = field.chunk().await {
                    skipped += chunk.len();
                    if skipped > MAX_TEXT_PART {
                        return Ok(out);
                    }
                }
                continue;
            };
            match crate::api::evidence::stream_part(state, &staff.ctx, case_id, field, limit).await
            {
                Ok(info) => out.files.push(Uploaded {
                    info,
                    name: liuhen_core::service::evidence::clean_file_name(&file_name),
                    field: tag,
                }),
                Err(err) => {
                    tracing::warn!(error = %err, "workbench upload refused");
                    out.file_errors.push(format!(
                        "文件「{file_name}」未能保存：{}",
                        upload_message(&err)
                    ));
                }
            }
            continue;
        }
        let mut text = Vec::new();
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if text.len() + chunk.len() > MAX_TEXT_PART {
                        return Err(WbError::BadRequest("表单中某一项内容过长。".to_owned()));
                    }
                    text.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => {
                    return Err(WbError::BadRequest(
                        "表单未能完整接收，请重新提交。".to_owned(),
                    ));
                }
            }
        }
        out.pairs
            .push((name, String::from_utf8_lossy(&text).into_owned()));
    }
    Ok(out)
}

fn upload_message(err: &crate::api::evidence::EvidenceApiError) -> String {
    use crate::api::evidence::EvidenceApiError;
    match err {
        EvidenceApiError::TooLarge { limit } => {
            format!("超过大小限制（{} MB）", limit / 1_048_576)
        }
        EvidenceApiError::Api(api) => match api {
            crate::error::ApiError::Forbidden(refusal) => refusal.message.clone(),
            crate::error::ApiError::Refused(refusal) => refusal.message.clone(),
            _ => "上传失败，请重试".to_owned(),
        },
        _ => "上传失败，请重试".to_owned(),
    }
}

/// Record form values → record input; format errors into `errors`.
fn record_input(
    spec: &RecordTypeSpec,
    values: &Values,
    files: Vec<FileRef>,
    supersedes: Option<u64>,
    errors: &mut Errors,
) -> Option<RecordInput> {
    let mut data: Map<String, Value> = form::parse(&spec.fields, values, errors);
    let label = values.get("confidentiality");
    if !label.is_empty() && label != "普通" {
        data.insert("confidentiality".into(), Value::String(label.to_owned()));
    }
    let reason = values.get("correction_reason");
    if supersedes.is_some() {
        if reason.is_empty() {
            errors.insert("correction_reason".into(), "更正须写明理由（R4-a）".into());
        } else {
            data.insert("correction_reason".into(), Value::String(reason.to_owned()));
        }
    }
    let event_time = form::parse_local_datetime(values.get("event_time"));
    if event_time.is_none() {
        errors.insert("event_time".into(), "请选择发生时间".into());
    }
    let event_end = match values.get("event_end") {
        "" => None,
        text => match form::parse_local_datetime(text) {
            Some(end) => Some(end),
            None => {
                errors.insert("event_end".into(), "请选择结束时间".into());
                None
            }
        },
    };
    Some(RecordInput {
        record_type: spec.id.clone(),
        event_time: event_time?,
        event_end,
        data,
        files,
        supersedes: supersedes.map(StreamSeq),
    })
}

/// `POST /workbench/cases/{id}/records/new`: save (or, with `intent=check`, only check).
pub(crate) async fn submit(
    State(state): State<AppState>,
    staff: Result<Staff, StaffRejection>,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, WbError> {
    let case_id = case_id(&id)?;
    let path = format!("/workbench/cases/{id}/records/new");
    let staff = match staff {
        Ok(staff) => staff,
        Err(StaffRejection::Login(need)) => {
            let submitted = read_form(&state, None, &case_id, request).await?;
            return Ok(need.keep_draft(&state, &path, submitted.pairs));
        }
        Err(other) => return Ok(other.into_response()),
    };
    let submitted = read_form(&state, Some(&staff), &case_id, request).await?;
    let mut values = Values::from_pairs(&submitted.pairs);
    staff.check_csrf(values.get("csrf"))?;
    let record_type = values.get("record_type").to_owned();
    let supersedes: Option<u64> = values.get("supersedes").parse().ok();
    let case = state.services.case(&staff.ctx, &case_id).await?;
    let spec = spec_for(&state, &case, &record_type)?.clone();
    let mut errors = Errors::new();
    // Files uploaded before (the enhancement script, or an earlier try of this form).
    let mut uploaded: Vec<Uploaded> = Vec::new();
    for token in values.all("uploaded") {
        let Some(claimed) = Uploaded::parse(token) else {
            continue;
        };
        match state.blobs.as_ref() {
            Some(blobs) => match blobs.info(&claimed.info.sha256).await {
                Ok(info) if info.sm3 == claimed.info.sm3 && info.size == claimed.info.size => {
                    uploaded.push(Uploaded {
                        info,
                        name: claimed.name,
                        field: claimed.field,
                    });
                }
                _ => {
                    errors.insert(
                        "files".into(),
                        "之前上传的文件未找到，请重新选择文件".into(),
                    );
                }
            },
            None => {
                errors.insert("files".into(), "本系统未配置证据文件存储".into());
            }
        }
    }
    uploaded.extend(submitted.files);
    if !submitted.file_errors.is_empty() {
        errors.insert("files".into(), submitted.file_errors.join("；"));
    }
    let is_av = spec.kind == RecordKindSpec::Av;
    if is_av && supersedes.is_none() && uploaded.len() != 1 && !errors.contains_key("files") {
        errors.insert(
            "files".into(),
            if uploaded.is_empty() {
                "请选择要上传的照片、录音或录像文件（每条音像记录对应一个文件）".into()
            } else {
                "每条音像记录对应一个文件，请分别录入".into()
            },
        );
    }
    // An attachment field holds its file's SHA-256, filled here from the stored file (R10-b).
    for upload in uploaded.iter().filter(|u| !u.field.is_empty()) {
        let is_field = spec
            .fields
            .iter()
            .any(|f| f.name == upload.field && form::is_attachment(f));
        if is_field {
            values.set(&format!("f.{}", upload.field), upload.info.sha256.clone());
        }
    }
    let files: Vec<FileRef> = uploaded.iter().map(|u| u.info.file_ref(&u.name)).collect();
    let input = record_input(&spec, &values, files, supersedes, &mut errors);
    let check_only = values.get("intent") == "check";
    let mut refusal = None;
    let mut notice = String::new();
    let mut check_ok = false;
    if errors.is_empty()
        && let Some(input) = input
    {
        let outcome = if check_only {
            state
                .services
                .check_record(&staff.ctx, &case_id, &input)
                .await
                .map(|()| None)
        } else if is_av && supersedes.is_none() {
            let file = uploaded.first().cloned();
            match file {
                Some(file) => state
                    .services
                    .add_evidence(
                        &staff.ctx,
                        &case_id,
                        EvidenceInput {
                            record_type: spec.id.clone(),
                            blob: file.info.clone(),
                            file_name: file.name.clone(),
                            event_time: input.event_time,
                            event_end: input.event_end,
                            av: None,
                            data: input.data.clone(),
                        },
                    )
                    .await
                    .map(|receipt| Some(receipt.receipt.seq.0))
                    .map_err(|err| match err {
                        EvidenceError::Core(core) => core,
                        other => CoreError::Invalid {
                            field: "files".into(),
                            reason: format!("文件未能登记：{other}"),
                        },
                    }),
                None => Err(CoreError::Invalid {
                    field: "files".into(),
                    reason: "请选择文件".into(),
                }),
            }
        } else {
            state
                .services
                .add_record(&staff.ctx, &case_id, input)
                .await
                .map(|receipt| Some(receipt.seq.0))
        };
        match outcome {
            Ok(Some(seq)) => {
                return Ok(
                    Redirect::to(&format!("/workbench/cases/{case_id}?saved={seq}#r{seq}"))
                        .into_response(),
                );
            }
            Ok(None) => {
                check_ok = true;
                notice = "检查通过：按现行规则可以保存这条记录（尚未保存）。".to_owned();
            }
            Err(CoreError::Refused(found)) => {
                form::place_missing(&found, &mut errors);
                refusal = Some(found);
            }
            Err(CoreError::Forbidden(found)) => refusal = Some(*found),
            Err(CoreError::Invalid { field, reason }) => {
                let key = form::key_of_path(&field);
                let message = if reason.chars().any(super::view::is_cjk) {
                    reason
                } else {
                    "内容格式不正确".to_owned()
                };
                errors.insert(key, message);
            }
            Err(CoreError::NotFound(_)) => return Err(WbError::NotFound),
            Err(other) => return Err(WbError::from(other)),
        }
    }
    if !errors.is_empty() && refusal.is_none() {
        notice = format!(
            "有 {} 处需要修改，已在对应项下方标出；已填写的内容均已保留。",
            errors.len()
        );
    }
    let shown = Shown {
        values,
        errors,
        refusal,
        notice,
        check_ok,
        uploaded,
    };
    let page = show_form(
        &state,
        &staff,
        &case_id,
        &record_type,
        supersedes,
        Some(shown),
    )
    .await?;
    let status = if check_ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Template)]
#[template(path = "workbench/void.html")]
struct VoidPage {
    layout: Layout,
    case: CaseHeader,
    seq: u64,
    type_name: String,
    reason: String,
    error: String,
}

/// `GET /workbench/cases/{id}/records/{seq}/void`.
pub(crate) async fn void_page(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, seq)): Path<(String, u64)>,
    Query(query): Query<FormQuery>,
) -> Result<Response, WbError> {
    let case_id = case_id(&id)?;
    let path = format!("/workbench/cases/{id}/records/{seq}/void");
    let reason = query
        .draft
        .as_deref()
        .and_then(|d| {
            state
                .workbench
                .take_draft(d, &path, staff.ctx.user.as_str())
        })
        .map(|draft| Values::from_pairs(&draft.fields).get("reason").to_owned())
        .unwrap_or_default();
    show_void(&state, &staff, &case_id, seq, reason, String::new()).await
}

async fn show_void(
    state: &AppState,
    staff: &Staff,
    case_id: &CaseId,
    seq: u64,
    reason: String,
    error: String,
) -> Result<Response, WbError> {
    let case = state.services.case(&staff.ctx, case_id).await?;
    let records = state.services.case_records(&staff.ctx, case_id).await?;
    let record = records
        .iter()
        .find(|r| r.record.seq.0 == seq)
        .ok_or(WbError::NotFound)?;
    let page = VoidPage {
        layout: staff.layout("cases"),
        case: CaseHeader::build(state, staff, &case, &records).await?,
        seq,
        type_name: RuleNames(state.services.rules())
            .record_type(record.record.record_type.as_str()),
        reason,
        error: error.clone(),
    };
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct VoidForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /workbench/cases/{id}/records/{seq}/void`: voids a record with a reason (R4-a); the
/// record stays in the log and on the timeline, marked 已作废.
pub(crate) async fn void(
    State(state): State<AppState>,
    staff: Result<Staff, StaffRejection>,
    Path((id, seq)): Path<(String, u64)>,
    axum::Form(form): axum::Form<VoidForm>,
) -> Result<Response, WbError> {
    let case_id = case_id(&id)?;
    let staff = match staff {
        Ok(staff) => staff,
        Err(StaffRejection::Login(need)) => {
            let path = format!("/workbench/cases/{id}/records/{seq}/void");
            return Ok(need.keep_draft(&state, &path, vec![("reason".into(), form.reason)]));
        }
        Err(other) => return Ok(other.into_response()),
    };
    staff.check_csrf(&form.csrf)?;
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        return show_void(
            &state,
            &staff,
            &case_id,
            seq,
            form.reason,
            "请写明作废理由（R4-a）".into(),
        )
        .await;
    }
    let input = RecordInput {
        record_type: types::VOID.to_owned(),
        event_time: state.services.now(),
        event_end: None,
        data: Map::from_iter([("reason".to_owned(), Value::String(reason.clone()))]),
        files: Vec::new(),
        supersedes: Some(StreamSeq(seq)),
    };
    match state.services.add_record(&staff.ctx, &case_id, input).await {
        Ok(receipt) => Ok(Redirect::to(&format!(
            "/workbench/cases/{case_id}?saved={}#r{}",
            receipt.seq.0, receipt.seq.0
        ))
        .into_response()),
        Err(CoreError::Refused(refusal)) => {
            show_void(
                &state,
                &staff,
                &case_id,
                seq,
                reason,
                super::view::refusal_text(&refusal),
            )
            .await
        }
        Err(CoreError::Forbidden(refusal)) => {
            show_void(
                &state,
                &staff,
                &case_id,
                seq,
                reason,
                super::view::refusal_text(&refusal),
            )
            .await
        }
        Err(CoreError::Invalid { reason: why, .. }) => {
            show_void(&state, &staff, &case_id, seq, reason, why).await
        }
        Err(other) => Err(WbError::from(other)),
    }
}
