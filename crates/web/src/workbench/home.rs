//! 待办: what the acting role has to do, with each obligation's working-day deadline (T2–T5),
//! yellow when due within 2 working days (P8), red when overdue. An officer sees the cases they
//! work on; heads, reviewers and archivists see their body's.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use liuhen_core::case::{CaseStatus, CaseView};
use liuhen_core::ports::{DeadlineQuery, DeadlineRow};
use liuhen_core::role::Role;
use liuhen_core::service::CaseFilter;

use super::view::{DueView, Layout, RuleNames, due_view, status_label};
use super::{Staff, WbError, render};
use crate::state::AppState;

/// One obligation on the home page.
pub(crate) struct TodoRow {
    pub(crate) title: String,
    pub(crate) case_url: String,
    pub(crate) case_number: String,
    pub(crate) case_title: String,
    pub(crate) due: String,
    pub(crate) state: DueView,
    /// The form of the record that meets the obligation, and its name (`until` of the
    /// procedure's deadline in the rule set); empty when the rule set names none.
    pub(crate) action_url: String,
    pub(crate) action: String,
}

/// The record type that meets deadline `key` of `case`'s procedure: the first `until` type.
fn meeting_type(state: &AppState, case: &CaseView, key: &str) -> Option<String> {
    state
        .services
        .rules()
        .sets()
        .iter()
        .rev()
        .filter_map(|set| set.procedure(&case.procedure))
        .find_map(|procedure| procedure.deadlines.iter().find(|d| d.key == key))
        .and_then(|deadline| deadline.until.first().cloned())
}

/// One open case on the home page.
pub(crate) struct OpenCaseRow {
    pub(crate) url: String,
    pub(crate) number: String,
    pub(crate) title: String,
    pub(crate) procedure: String,
    pub(crate) stage: String,
    pub(crate) status: String,
}

#[derive(Template)]
#[template(path = "workbench/home.html")]
struct HomePage {
    layout: Layout,
    today: String,
    overdue: usize,
    due_soon: usize,
    on_time: usize,
    rows: Vec<TodoRow>,
    open_cases: Vec<OpenCaseRow>,
    officer: bool,
}

/// Whether the caller works on the case (named on a record or entered one).
pub(crate) fn works_on(staff: &Staff, case: &CaseView) -> bool {
    case.participants.contains(staff.ctx.user.as_str())
        || staff
            .ctx
            .officer
            .as_ref()
            .is_some_and(|officer| case.participants.contains(officer.as_str()))
}

/// The cases the caller may read (the first 1,000) and the open deadlines of their bodies: what
/// the 待办 page and the case list reckon deadlines from.
pub(crate) async fn cases_and_open_deadlines(
    state: &AppState,
    staff: &Staff,
) -> Result<(Vec<CaseView>, Vec<DeadlineRow>), WbError> {
    let cases = state
        .services
        .list_cases(
            &staff.ctx,
            CaseFilter {
                limit: 1000,
                ..CaseFilter::default()
            },
        )
        .await?;
    let bodies = staff.ctx.readable_bodies();
    if bodies.as_ref().is_some_and(Vec::is_empty) {
        return Ok((cases, Vec::new()));
    }
    let rows = state
        .store
        .deadlines(&DeadlineQuery {
            bodies,
            open_only: true,
            due_on_or_before: None,
        })
        .await
        .map_err(|err| WbError::Internal(err.to_string()))?;
    Ok((cases, rows))
}

/// `GET /workbench`.
pub(crate) async fn home(State(state): State<AppState>, staff: Staff) -> Result<Response, WbError> {
    let services = &state.services;
    let today = super::view::today(services);
    let (cases, rows) = cases_and_open_deadlines(&state, &staff).await?;
    let officer = staff.grant.role == Role::Officer;
    let mine: HashMap<String, &CaseView> = cases
        .iter()
        .filter(|case| !officer || works_on(&staff, case))
        .map(|case| (case.id.to_string(), case))
        .collect();
    let names = RuleNames(services.rules());
    let mut todo: Vec<(time::Date, TodoRow)> = rows
        .into_iter()
        .filter_map(|row| {
            let case = mine.get(row.case_id.as_ref()?.as_str())?;
            let meets = meeting_type(&state, case, &row.key);
            Some((
                row.due,
                TodoRow {
                    title: names.period(&row.period),
                    case_url: format!("/workbench/cases/{}", case.id),
                    case_number: case.case_number.clone(),
                    case_title: case.title.clone(),
                    due: row.due.to_string(),
                    state: due_view(services.calendar(), row.due, today),
                    action_url: meets
                        .as_ref()
                        .map(|t| format!("/workbench/cases/{}/records/new?type={t}", case.id))
                        .unwrap_or_default(),
                    action: meets
                        .as_ref()
                        .map(|t| format!("录入「{}」", names.record_type(t)))
                        .unwrap_or_default(),
                },
            ))
        })
        .collect();
    todo.sort_by_key(|(due, _)| *due);
    let rows: Vec<TodoRow> = todo.into_iter().map(|(_, row)| row).collect();
    let count = |class: &str| rows.iter().filter(|r| r.state.class == class).count();
    let mut open_cases: Vec<&CaseView> = mine
        .values()
        .copied()
        .filter(|case| case.status == CaseStatus::Open)
        .collect();
    open_cases.sort_by(|a, b| {
        b.opened_on
            .cmp(&a.opened_on)
            .then(a.case_number.cmp(&b.case_number))
    });
    let open_cases = open_cases
        .into_iter()
        .take(20)
        .map(|case| OpenCaseRow {
            url: format!("/workbench/cases/{}", case.id),
            number: case.case_number.clone(),
            title: case.title.clone(),
            procedure: names.procedure(&case.procedure),
            stage: names.stage(&case.procedure, &case.stage),
            status: status_label(case.status).to_owned(),
        })
        .collect();
    let page = HomePage {
        layout: staff.layout("home"),
        today: today.to_string(),
        overdue: count("late"),
        due_soon: count("soon"),
        on_time: count("ok"),
        rows,
        open_cases,
        officer,
    };
    Ok(render(&page).into_response())
}
