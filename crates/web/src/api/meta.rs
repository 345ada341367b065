//! Rule sets in force, the audit log, and the OpenAPI document.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use liuhen_core::ids::UserId;
use liuhen_core::ports::AuditQuery;

use crate::dto::{AuditEntryDto, AuditQueryDto, RuleSetDto, RulesQuery, parse_date, parse_id};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppQuery};
use crate::session::Authenticated;
use crate::state::AppState;

/// The rule sets in force on a date (district set and bodies' overrides; D16-a).
#[utoipa::path(
    get,
    path = "/rules",
    tag = "rules",
    params(RulesQuery),
    responses(
        (status = 200, description = "Rule sets in force", body = [RuleSetDto]),
        (status = 400, description = "Bad date", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn rules(
    State(state): State<AppState>,
    _auth: Authenticated,
    AppQuery(query): AppQuery<RulesQuery>,
) -> Result<AppJson<Vec<RuleSetDto>>, ApiError> {
    let date = match query.date.as_deref() {
        Some(text) => parse_date("date", text)?,
        None => state.services.now().date(),
    };
    let sets = state
        .services
        .rules()
        .sets()
        .iter()
        .filter(|set| set.in_force_on(date))
        .map(|set| RuleSetDto::from_core(set));
    Ok(AppJson(sets.collect()))
}

/// The audit log, newest first (AUDITOR only; 等保2.0 separation of administrators).
#[utoipa::path(
    get,
    path = "/audit",
    tag = "audit",
    params(AuditQueryDto),
    responses(
        (status = 200, description = "Audit entries, newest first", body = [AuditEntryDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an AUDITOR", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn audit_log(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<AuditQueryDto>,
) -> Result<AppJson<Vec<AuditEntryDto>>, ApiError> {
    let audit_query = AuditQuery {
        object_prefix: query.object_prefix.clone(),
        user: query
            .user
            .as_deref()
            .map(|user| parse_id("user", user, UserId::new))
            .transpose()?,
        limit: query.limit.unwrap_or(100).min(1000),
    };
    let entries = state.services.read_audit(&auth.ctx, &audit_query).await?;
    Ok(AppJson(
        entries.into_iter().map(AuditEntryDto::from).collect(),
    ))
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI document", body = Object))
)]
pub(crate) async fn openapi_json() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let document = DOCUMENT.get_or_init(|| {
        crate::openapi()
            .to_json()
            .unwrap_or_else(|_| "{}".to_owned())
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.clone(),
    )
        .into_response()
}
