//! The case list (filters, search, pages) and intake: a new case by application (R7),
//! ex officio (R8) or complaint (R9), including the endings where no case is initiated
//! (R7-a 不予受理, R8-b 不予立案, R9-b 不予处理), each from its intake record type's rules.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liuhen_core::case::CaseStatus;
use liuhen_core::error::{CoreError, Refusal};
use liuhen_core::ids::PowerItemId;
use liuhen_core::service::OpenCase;
use serde::Deserialize;

use super::auth::StaffRejection;
use super::form::{self, Errors, FormContext, Values};
use super::records::standard_html;
use super::view::{DueView, Layout, RefusalView, RuleNames, due_view, status_label};
use super::{Staff, WbError, render};
use crate::state::AppState;

/// Cases per page.
const PAGE_SIZE: usize = 20;

/// An `<option>`.
pub(crate) struct Opt {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

fn opts(pairs: Vec<(String, String)>, current: &str) -> Vec<Opt> {
    pairs
        .into_iter()
        .map(|(value, label)| Opt {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

/// A case in the list.
pub(crate) struct CaseRow {
    pub(crate) url: String,
    pub(crate) number: String,
    pub(crate) title: String,
    pub(crate) party: String,
    pub(crate) procedure: String,
    pub(crate) stage: String,
    pub(crate) status: String,
    pub(crate) opened_on: String,
    pub(crate) due: Option<DueView>,
}

#[derive(Template)]
#[template(path = "workbench/cases.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<CaseRow>,
    total: usize,
    page: usize,
    pages: usize,
    prev_url: String,
    next_url: String,
    q: String,
    from: String,
    to: String,
    procedures: Vec<Opt>,
    stages: Vec<Opt>,
    statuses: Vec<Opt>,
    dues: Vec<Opt>,
    officers: Vec<Opt>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    officer: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<usize>,
}

impl ListQuery {
    fn url(&self, page: usize) -> String {
        let mut out = format!("/workbench/cases?page={page}");
        for (name, value) in [
            ("q", &self.q),
            ("procedure", &self.procedure),
            ("stage", &self.stage),
            ("status", &self.status),
            ("due", &self.due),
            ("officer", &self.officer),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                out.push_str(&format!("&{name}={}", encode(value)));
            }
        }
        out
    }
}

fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn parse_day(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), format).ok()
}

/// `GET /workbench/cases`.
pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, WbError> {
    let services = &state.services;
    let names = RuleNames(services.rules());
    let today = super::view::today(services);
    let (cases, deadlines) = super::home::cases_and_open_deadlines(&state, &staff).await?;
    // The worst open deadline of each case (red before yellow).
    let mut worst: HashMap<String, time::Date> = HashMap::new();
    for row in deadlines {
        if let Some(case) = row.case_id {
            let entry = worst.entry(case.to_string()).or_insert(row.due);
            if row.due < *entry {
                *entry = row.due;
            }
        }
    }
    let q = query.q.trim().to_lowercase();
    let from = parse_day(&query.from);
    let to = parse_day(&query.to);
    let mut rows: Vec<(time::Date, String, CaseRow)> = Vec::new();
    for case in &cases {
        let due = worst
            .get(case.id.as_str())
            .map(|due| due_view(services.calendar(), *due, today));
        let keep = (query.procedure.is_empty() || case.procedure == query.procedure)
            && (query.stage.is_empty() || case.stage == query.stage)
            && (query.status.is_empty() || case.status.code() == query.status)
            && (query.officer.is_empty() || case.participants.contains(&query.officer))
            && from.is_none_or(|from| case.opened_on >= from)
            && to.is_none_or(|to| case.opened_on <= to)
            && (query.due.is_empty()
                || due.as_ref().is_some_and(|d| d.class == query.due.as_str()))
            && (q.is_empty()
                || case.case_number.to_lowercase().contains(&q)
                || case.title.to_lowercase().contains(&q)
                || case
                    .party
                    .as_ref()
                    .is_some_and(|party| party.to_lowercase().contains(&q)));
        if !keep {
            continue;
        }
        rows.push((
            case.opened_on,
            case.case_number.clone(),
            CaseRow {
                url: format!("/workbench/cases/{}", case.id),
                number: case.case_number.clone(),
                title: case.title.clone(),
                party: case.party.clone().unwrap_or_else(|| "—".to_owned()),
                procedure: names.procedure(&case.procedure),
                stage: names.stage(&case.procedure, &case.stage),
                status: status_label(case.status).to_owned(),
                opened_on: case.opened_on.to_string(),
                due: if case.status == CaseStatus::Open {
                    due
                } else {
                    None
                },
            },
        ));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows: Vec<CaseRow> = rows
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|(_, _, row)| row)
        .collect();
    // Filter choices: procedures and stages of the rule book, officers of the bodies.
    let mut procedures: Vec<(String, String)> = Vec::new();
    let mut stages: Vec<(String, String)> = Vec::new();
    for set in services.rules().sets() {
        for procedure in set.procedures.values() {
            if !procedures.iter().any(|(id, _)| *id == procedure.id) {
                procedures.push((procedure.id.clone(), procedure.name.clone()));
            }
            if query.procedure.is_empty() || procedure.id == query.procedure {
                for stage in &procedure.stages {
                    if !stages.iter().any(|(id, _)| *id == stage.id) {
                        stages.push((stage.id.clone(), stage.name.clone()));
                    }
                }
            }
        }
    }
    let registry = state.workbench.names(&state).await;
    let mut officers: Vec<(String, String)> = Vec::new();
    if let Some(body) = &staff.grant.body {
        for officer in services.officers(&staff.ctx, body).await? {
            officers.push((officer.id.to_string(), officer.profile.name.clone()));
        }
    }
    let _ = registry;
    let page_view = ListPage {
        layout: staff.layout("cases"),
        rows,
        total,
        page,
        pages,
        prev_url: if page > 1 {
            query.url(page - 1)
        } else {
            String::new()
        },
        next_url: if page < pages {
            query.url(page + 1)
        } else {
            String::new()
        },
        q: query.q.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
        procedures: opts(procedures, &query.procedure),
        stages: opts(stages, &query.stage),
        statuses: opts(
            vec![
                ("open".into(), "办理中".into()),
                ("closed".into(), "已结案".into()),
                ("not_initiated".into(), "未立案".into()),
            ],
            &query.status,
        ),
        dues: opts(
            vec![
                ("late".into(), "已逾期".into()),
                ("soon".into(), "即将到期".into()),
            ],
            &query.due,
        ),
        officers: opts(officers, &query.officer),
    };
    Ok(render(&page_view).into_response())
}

/// A way to open a case: a procedure and one of its intake record types.
pub(crate) struct StartChoice {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) blocked: String,
}

/// A procedure on the intake page.
pub(crate) struct ProcedureChoice {
    pub(crate) name: String,
    pub(crate) citation: String,
    pub(crate) starts: Vec<StartChoice>,
}

#[derive(Template)]
#[template(path = "workbench/case_new.html")]
struct NewPage {
    layout: Layout,
    choices: Vec<ProcedureChoice>,
    form: Option<NewForm>,
}

/// The intake form.
pub(crate) struct NewForm {
    pub(crate) procedure: String,
    pub(crate) procedure_name: String,
    pub(crate) intake: String,
    pub(crate) intake_name: String,
    pub(crate) citation: String,
    pub(crate) title: String,
    pub(crate) title_error: String,
    pub(crate) power_items: Vec<Opt>,
    pub(crate) power_error: String,
    pub(crate) standard_html: String,
    pub(crate) fields_html: String,
    pub(crate) refusal: Option<RefusalView>,
    pub(crate) notice: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    intake: String,
    #[serde(default)]
    draft: String,
}

/// The rule set in force today for `body` (D16).
fn rule_set<'a>(
    state: &'a AppState,
    body: &liuhen_core::ids::BodyId,
) -> Result<&'a liuhen_core::rules::RuleSet, WbError> {
    state
        .services
        .rules()
        .effective(body, super::view::today(&state.services))
        .ok_or(WbError::NotFound)
}

fn acting_body(staff: &Staff) -> Result<liuhen_core::ids::BodyId, WbError> {
    staff.grant.body.clone().ok_or_else(|| {
        WbError::Forbidden("当前身份不属于任何执法主体，不能立案。请切换到执法主体的岗位。".into())
    })
}

async fn power_items(
    state: &AppState,
    staff: &Staff,
    action: &str,
) -> Result<Vec<(String, String)>, WbError> {
    let body = acting_body(staff)?;
    let bodies = state.services.bodies(&staff.ctx).await?;
    let entrustment = bodies
        .iter()
        .find(|b| b.id == body)
        .and_then(|b| b.profile.entrustment.clone());
    let mut items = Vec::new();
    // An entrusted organisation acts on the delegating body's items it was entrusted with (R2-b).
    let (source, matters) = match &entrustment {
        Some(e) => (e.delegating_body.clone(), Some(e.matters.clone())),
        None => (body, None),
    };
    for item in state.services.power_items(&staff.ctx, &source).await? {
        let delegated = matters
            .as_ref()
            .is_none_or(|m| m.iter().any(|id| id == item.id.as_str()));
        if delegated && (item.item.action == action || action == "other") {
            items.push((item.id.to_string(), item.item.name.clone()));
        }
    }
    Ok(items)
}

/// What a re-shown intake form carries: the values as typed, errors, the refusal, a notice.
struct Entered<'a> {
    values: &'a Values,
    errors: &'a Errors,
    refusal: Option<&'a Refusal>,
    notice: String,
}

async fn new_form(
    state: &AppState,
    staff: &Staff,
    procedure_id: &str,
    intake: &str,
    entered: Entered<'_>,
) -> Result<NewForm, WbError> {
    let Entered {
        values,
        errors,
        refusal,
        notice,
    } = entered;
    let body = acting_body(staff)?;
    let today = super::view::today(&state.services);
    let set = rule_set(state, &body)?;
    let procedure = set.procedure(procedure_id).ok_or(WbError::NotFound)?;
    if !procedure.start.iter().any(|s| s == intake) {
        return Err(WbError::NotFound);
    }
    let spec = set.record_type(intake).ok_or(WbError::NotFound)?;
    let officers = state.services.officers(&staff.ctx, &body).await?;
    let context = FormContext {
        officers: officers
            .iter()
            .map(|o| form::OfficerChoice {
                id: o.id.to_string(),
                name: o.profile.name.clone(),
                credential: if o.has_valid_credential(today, None) {
                    o.credentials
                        .last()
                        .map(|c| format!("执法证号 {}", c.number))
                        .unwrap_or_default()
                } else {
                    "今日无有效执法证件（D7-a）".to_owned()
                },
                valid: o.has_valid_credential(today, None),
            })
            .collect(),
        records: Vec::new(),
        me: staff.ctx.officer.as_ref().map(|o| o.to_string()),
        party: None,
        now_local: form::local_value(state.services.now()),
        attachments: Default::default(),
    };
    Ok(NewForm {
        procedure: procedure.id.clone(),
        procedure_name: procedure.name.clone(),
        intake: spec.id.clone(),
        intake_name: spec.name.clone(),
        citation: spec.citation.clone(),
        title: values.get("title").to_owned(),
        title_error: errors.get("title").cloned().unwrap_or_default(),
        power_items: opts(
            power_items(state, staff, &procedure.action).await?,
            values.get("power_item"),
        ),
        power_error: errors.get("power_item").cloned().unwrap_or_default(),
        standard_html: standard_html(spec, values, errors, false),
        fields_html: form::render(&spec.fields, &context, values, errors),
        refusal: refusal.map(RefusalView::of),
        notice,
    })
}

/// `GET /workbench/cases/new`.
pub(crate) async fn new_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<NewQuery>,
) -> Result<Response, WbError> {
    let body = acting_body(&staff)?;
    if !query.draft.is_empty()
        && let Some(draft) = state.workbench.take_draft(
            &query.draft,
            "/workbench/cases/new",
            staff.ctx.user.as_str(),
        )
    {
        let values = Values::from_pairs(&draft.fields);
        let form = new_form(
            &state,
            &staff,
            values.get("procedure"),
            values.get("intake"),
            Entered {
                values: &values,
                errors: &Errors::new(),
                refusal: None,
                notice: "已恢复您登录失效前填写的内容，请核对后提交。".to_owned(),
            },
        )
        .await?;
        let page = NewPage {
            layout: staff.layout("new"),
            choices: Vec::new(),
            form: Some(form),
        };
        return Ok(render(&page).into_response());
    }
    if !query.procedure.is_empty() && !query.intake.is_empty() {
        let fields = rule_set(&state, &body)?
            .record_type(&query.intake)
            .map(|spec| spec.fields.clone())
            .unwrap_or_default();
        let mut values = form::defaults(
            &fields,
            &FormContext {
                me: staff.ctx.officer.as_ref().map(|o| o.to_string()),
                now_local: form::local_value(state.services.now()),
                ..FormContext::default()
            },
        );
        values.set("event_time", form::local_value(state.services.now()));
        values.set("confidentiality", "普通");
        let form = new_form(
            &state,
            &staff,
            &query.procedure,
            &query.intake,
            Entered {
                values: &values,
                errors: &Errors::new(),
                refusal: None,
                notice: String::new(),
            },
        )
        .await?;
        let page = NewPage {
            layout: staff.layout("new"),
            choices: Vec::new(),
            form: Some(form),
        };
        return Ok(render(&page).into_response());
    }
    let set = rule_set(&state, &body)?;
    let role = staff.grant.role.code();
    // The everyday procedures first: on-the-spot and ordinary penalties, inspections, licences.
    const ORDER: [&str; 4] = [
        "penalty_summary",
        "penalty_ordinary",
        "inspection",
        "licensing",
    ];
    let mut procedures: Vec<_> = set.procedures.values().collect();
    procedures.sort_by_key(|p| {
        ORDER
            .iter()
            .position(|id| *id == p.id)
            .unwrap_or(ORDER.len())
    });
    let choices = procedures
        .into_iter()
        .map(|procedure| ProcedureChoice {
            name: procedure.name.clone(),
            citation: procedure.citation.clone(),
            starts: procedure
                .start
                .iter()
                .filter_map(|start| set.record_type(start))
                .map(|spec| StartChoice {
                    name: spec.name.clone(),
                    url: format!(
                        "/workbench/cases/new?procedure={}&intake={}",
                        procedure.id, spec.id
                    ),
                    blocked: if spec.roles.iter().any(|r| r == role) {
                        String::new()
                    } else {
                        format!(
                            "当前岗位（{}）不能录入「{}」（{}）",
                            staff.grant.role.label(),
                            spec.name,
                            spec.requires.join("、")
                        )
                    },
                })
                .collect(),
        })
        .collect();
    let page = NewPage {
        layout: staff.layout("new"),
        choices,
        form: None,
    };
    Ok(render(&page).into_response())
}

/// `POST /workbench/cases/new`.
pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Result<Staff, StaffRejection>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WbError> {
    let staff = match staff {
        Ok(staff) => staff,
        Err(StaffRejection::Login(need)) => {
            return Ok(need.keep_draft(&state, "/workbench/cases/new", pairs));
        }
        Err(other) => return Ok(other.into_response()),
    };
    let values = Values::from_pairs(&pairs);
    staff.check_csrf(values.get("csrf"))?;
    let body = acting_body(&staff)?;
    let procedure = values.get("procedure").to_owned();
    let intake = values.get("intake").to_owned();
    let spec = rule_set(&state, &body)?
        .record_type(&intake)
        .cloned()
        .ok_or(WbError::NotFound)?;
    let mut errors = Errors::new();
    let title = values.get("title").to_owned();
    if title.is_empty() {
        errors.insert("title".into(), "请填写案件名称".into());
    }
    let power_item = match values.get("power_item") {
        "" => None,
        text => match PowerItemId::new(text) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.insert("power_item".into(), "请从列表中选择权力事项".into());
                None
            }
        },
    };
    let data = form::parse(&spec.fields, &values, &mut errors);
    let event_time = form::parse_local_datetime(values.get("event_time"));
    if event_time.is_none() {
        errors.insert("event_time".into(), "请选择发生时间".into());
    }
    let mut refusal = None;
    if errors.is_empty()
        && let Some(event_time) = event_time
    {
        let mut data = data;
        let label = values.get("confidentiality");
        if !label.is_empty() && label != "普通" {
            data.insert(
                "confidentiality".into(),
                serde_json::Value::String(label.to_owned()),
            );
        }
        let command = OpenCase {
            procedure: procedure.clone(),
            body,
            power_item,
            title: title.clone(),
            intake: liuhen_core::service::RecordInput {
                record_type: intake.clone(),
                event_time,
                event_end: None,
                data,
                files: Vec::new(),
                supersedes: None,
            },
        };
        match state.services.open_case(&staff.ctx, command).await {
            Ok(receipt) => {
                return Ok(Redirect::to(&format!(
                    "/workbench/cases/{}?saved={}#r{}",
                    receipt.case_id, receipt.receipt.seq.0, receipt.receipt.seq.0
                ))
                .into_response());
            }
            Err(CoreError::Refused(found)) => {
                form::place_missing(&found, &mut errors);
                refusal = Some(found);
            }
            Err(CoreError::Forbidden(found)) => refusal = Some(*found),
            Err(CoreError::Invalid { field, reason }) => {
                let key = match field.as_str() {
                    "power_item" | "title" => field,
                    other => form::key_of_path(other.trim_start_matches("intake.")),
                };
                errors.insert(key, reason);
            }
            Err(CoreError::NotFound(_)) => {
                errors.insert("power_item".into(), "所选权力事项或执法主体未登记".into());
            }
            Err(other) => return Err(WbError::from(other)),
        }
    }
    let notice = if errors.is_empty() {
        String::new()
    } else {
        format!(
            "有 {} 处需要修改，已在对应项下方标出；已填写的内容均已保留。",
            errors.len()
        )
    };
    let form = new_form(
        &state,
        &staff,
        &procedure,
        &intake,
        Entered {
            values: &values,
            errors: &errors,
            refusal: refusal.as_ref(),
            notice,
        },
    )
    .await?;
    let page = NewPage {
        layout: staff.layout("new"),
        choices: Vec::new(),
        form: Some(form),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}
