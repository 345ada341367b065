//! Cases, their records, deadlines to do, and R30 record access. Each handler extracts its
//! input, calls one core command and maps the result (STYLE.md "Handlers and services"); scope,
//! roles, gates and auditing of reads happen in the core.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use liuhen_core::ids::{CaseId, StreamSeq};

use crate::dto::{
    AccessDecisionInput, AccessRequestInput, CaseCreated, CaseDto, CaseListItem, CaseListQuery,
    DeadlineDto, DeadlinesQuery, OpenCaseRequest, ReceiptDto, RecordCheckDto, RecordDto,
    RecordInputDto, RecordOptionDto, TodoItemDto, TodoQuery, parse_date, parse_id,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::session::{Audited, Authenticated};
use crate::state::AppState;

pub(crate) fn case_id(text: &str) -> Result<CaseId, ApiError> {
    // An id that cannot exist is reported as absent, like any other unknown case.
    parse_id("id", text, CaseId::new).map_err(|_| ApiError::NotFound(format!("case {text:?}")))
}

/// Lists the cases the caller may read (own bodies; SUPERVISOR: all).
#[utoipa::path(
    get,
    path = "/cases",
    tag = "cases",
    params(CaseListQuery),
    responses(
        (status = 200, description = "Cases, newest first", body = [CaseListItem]),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn list_cases(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<CaseListQuery>,
) -> Result<AppJson<Vec<CaseListItem>>, ApiError> {
    let cases = state
        .services
        .list_cases(&auth.ctx, query.to_core()?)
        .await?;
    Ok(AppJson(cases.into_iter().map(CaseListItem::from).collect()))
}

/// Opens a case with its intake record (R7 application, R8 ex officio, R9 complaint).
#[utoipa::path(
    post,
    path = "/cases",
    tag = "cases",
    request_body = OpenCaseRequest,
    responses(
        (status = 201, description = "Case opened; the intake record is in the log", body = CaseCreated),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role may not write (e.g. SUPERVISOR), or CSRF", body = ErrorBody),
        (status = 404, description = "Body or power item unknown or outside scope", body = ErrorBody),
        (status = 422, description = "Refused by a rule (rule IDs in `rule`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn open_case(
    State(state): State<AppState>,
    auth: Authenticated,
    AppJson(request): AppJson<OpenCaseRequest>,
) -> Result<(StatusCode, AppJson<CaseCreated>), ApiError> {
    let receipt = state
        .services
        .open_case(&auth.ctx, request.to_core()?)
        .await?;
    Ok((StatusCode::CREATED, AppJson(receipt.into())))
}

/// One case with its record summaries. Audited (R4-b).
#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = CaseDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn get_case(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<CaseDto>, ApiError> {
    let view = state.services.case(&auth.ctx, &case_id(&id)?).await?;
    Ok(AppJson(view.into()))
}

/// The case's full records with log index and hash. Audited (R4-b).
#[utoipa::path(
    get,
    path = "/cases/{id}/records",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "Records in sequence order", body = [RecordDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn list_records(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<Vec<RecordDto>>, ApiError> {
    let records = state
        .services
        .case_records(&auth.ctx, &case_id(&id)?)
        .await?;
    Ok(AppJson(
        records
            .into_iter()
            .map(RecordDto::from_core)
            .collect::<Result<_, _>>()?,
    ))
}

/// Appends a record to a case: fields, roles, stage rules and gates are checked in the core.
///
/// The legal-review workflow (issue 7) is recorded here too: see the `legal review` tag for its
/// record types. A decision of a case that needs review is refused with 422 and rule `L2-a`
/// until the review has passed, whatever the caller's role.
#[utoipa::path(
    post,
    path = "/cases/{id}/records",
    tag = "cases",
    description = crate::dto::review::REVIEW_RECORD_TYPES_DOC,
    params(("id" = String, Path, description = "Case id")),
    request_body = RecordInputDto,
    responses(
        (status = 201, description = "Recorded; the receipt names the log leaf", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role may not write (e.g. SUPERVISOR), or CSRF", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
        (status = 409, description = "Concurrent writers; retry", body = ErrorBody),
        (status = 422, description = "Refused by a rule or gate (e.g. `L2-a`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn add_record(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(input): AppJson<RecordInputDto>,
) -> Result<(StatusCode, AppJson<ReceiptDto>), ApiError> {
    let receipt = state
        .services
        .add_record(&auth.ctx, &case_id(&id)?, input.to_core()?)
        .await?;
    Ok((StatusCode::CREATED, AppJson(receipt.into())))
}

/// Checks a record exactly as `POST /cases/{id}/records` would — roles, stage rules (R4-c),
/// fields, credentials, gates such as legal review (L2-a), the legal-review workflow and
/// archiving — without recording anything: no record, no document number, no change to the
/// case. 200 `{"ok": true}` when the append would accept it (barring a concurrent change);
/// otherwise the append's own error (status and body). Audited as `check`.
#[utoipa::path(
    post,
    path = "/cases/{id}/records/check",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = RecordInputDto,
    responses(
        (status = 200, description = "The record would be accepted; nothing was recorded", body = RecordCheckDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role may not write (e.g. SUPERVISOR), or CSRF", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
        (status = 422, description = "The append would be refused by a rule or gate (e.g. `L2-a`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn check_record(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(input): AppJson<RecordInputDto>,
) -> Result<Response, ApiError> {
    let case_id = case_id(&id)?;
    let input = input.to_core()?;
    let result = state
        .services
        .check_record(&auth.ctx, &case_id, &input)
        .await;
    let mut response = match result {
        Ok(()) => AppJson(RecordCheckDto { ok: true }).into_response(),
        Err(err) => ApiError::from(err).into_response(),
    };
    // The core audited the check with its outcome, whatever it was (R4-b); the middleware's
    // `create` entry would record a write that did not happen.
    response.extensions_mut().insert(Audited);
    Ok(response)
}

/// Every record type of the case's procedure (stage by stage, then those of any stage) with
/// whether the caller could add it now, and if not the rule that blocks it (role, stage R4-c,
/// archived case R29-b, gates such as L2-a, R14-c, R23-a), as a form needs it before anything
/// is filled in. `blocked: null` does not promise acceptance: the fields, named officers and
/// A/V coverage are checked on submission (or by `POST /cases/{id}/records/check`). Audited
/// read (R4-b).
#[utoipa::path(
    get,
    path = "/cases/{id}/record-options",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "Record types in form order, each with what blocks it", body = [RecordOptionDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn record_options(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<Vec<RecordOptionDto>>, ApiError> {
    let options = state
        .services
        .record_options(&auth.ctx, &case_id(&id)?)
        .await?;
    Ok(AppJson(
        options.into_iter().map(RecordOptionDto::from).collect(),
    ))
}

/// Every obligation of one case (met and open) with its status on the day asked, reckoned on
/// the working-day calendar (T2–T6; provisional where a year has no published calendar).
#[utoipa::path(
    get,
    path = "/cases/{id}/deadlines",
    tag = "cases",
    params(("id" = String, Path, description = "Case id"), DeadlinesQuery),
    responses(
        (status = 200, description = "Obligations by due date", body = [DeadlineDto]),
        (status = 400, description = "Bad date", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn case_deadlines(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppQuery(query): AppQuery<DeadlinesQuery>,
) -> Result<AppJson<Vec<DeadlineDto>>, ApiError> {
    let today = match query.date.as_deref() {
        Some(text) => parse_date("date", text)?,
        None => state.services.now().date(),
    };
    let mut rows = state
        .services
        .case_deadlines(&auth.ctx, &case_id(&id)?)
        .await?;
    rows.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.key.cmp(&b.key)));
    let periods = state.services.rules().periods();
    let calendar = state.services.calendar();
    let items = rows
        .into_iter()
        .map(|row| {
            let title = periods
                .get(&row.period)
                .map_or_else(|| row.period.clone(), |period| period.title.clone());
            DeadlineDto::new(row, title, calendar, today)
        })
        .collect::<Result<_, _>>()?;
    Ok(AppJson(items))
}

/// Due-soon and overdue obligations of the caller's bodies (decision, delivery, R28, R29,
/// payment).
#[utoipa::path(
    get,
    path = "/todo",
    tag = "cases",
    params(TodoQuery),
    responses(
        (status = 200, description = "Obligations by due date", body = [TodoItemDto]),
        (status = 400, description = "Bad date", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn todo(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<TodoQuery>,
) -> Result<AppJson<Vec<TodoItemDto>>, ApiError> {
    let today = match query.date.as_deref() {
        Some(text) => parse_date("date", text)?,
        None => state.services.now().date(),
    };
    let items = state.services.todo(&auth.ctx, today).await?;
    Ok(AppJson(items.into_iter().map(TodoItemDto::from).collect()))
}

/// Registers a party's request to read case records (查阅申请, R30-a).
#[utoipa::path(
    post,
    path = "/cases/{id}/access-requests",
    tag = "record access",
    params(("id" = String, Path, description = "Case id")),
    request_body = AccessRequestInput,
    responses(
        (status = 201, description = "Request recorded; its `seq` identifies it", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
        (status = 422, description = "Refused by a rule", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn request_access(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(input): AppJson<AccessRequestInput>,
) -> Result<(StatusCode, AppJson<ReceiptDto>), ApiError> {
    let receipt = state
        .services
        .request_record_access(&auth.ctx, &case_id(&id)?, input.to_core())
        .await?;
    Ok((StatusCode::CREATED, AppJson(receipt.into())))
}

/// The agency head decides an access request (R30-a), confirming excluded labelled records
/// (R30-b).
#[utoipa::path(
    post,
    path = "/cases/{id}/access-requests/{seq}/decision",
    tag = "record access",
    params(
        ("id" = String, Path, description = "Case id"),
        ("seq" = u64, Path, description = "Seq of the request record"),
    ),
    request_body = AccessDecisionInput,
    responses(
        (status = 201, description = "Decision recorded", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case or request", body = ErrorBody),
        (status = 422, description = "Refused by a rule (e.g. not AGENCY_HEAD)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn decide_access(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, seq)): AppPath<(String, u64)>,
    AppJson(input): AppJson<AccessDecisionInput>,
) -> Result<(StatusCode, AppJson<ReceiptDto>), ApiError> {
    let receipt = state
        .services
        .decide_record_access(&auth.ctx, &case_id(&id)?, input.to_core(seq)?)
        .await?;
    Ok((StatusCode::CREATED, AppJson(receipt.into())))
}

/// The records an approved request opens, within the P10 window; every view audited (R30-c).
#[utoipa::path(
    get,
    path = "/cases/{id}/access-requests/{seq}/records",
    tag = "record access",
    params(
        ("id" = String, Path, description = "Case id"),
        ("seq" = u64, Path, description = "Seq of the request record"),
    ),
    responses(
        (status = 200, description = "Approved, non-excluded records", body = [RecordDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case or request", body = ErrorBody),
        (status = 422, description = "Not approved, or the window has passed", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn access_records(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, seq)): AppPath<(String, u64)>,
) -> Result<AppJson<Vec<RecordDto>>, ApiError> {
    let records = state
        .services
        .access_records(&auth.ctx, &case_id(&id)?, StreamSeq(seq))
        .await?;
    Ok(AppJson(
        records
            .into_iter()
            .map(RecordDto::from_core)
            .collect::<Result<_, _>>()?,
    ))
}
