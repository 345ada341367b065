//! Legal review of major enforcement decisions (法制审核, issue 7; L1–L14): the reviewer's queue,
//! a case's review state and its automated pre-checks (L7-b), the determination proposal,
//! submission, the body's review catalogue, time limits and amount limits, reviewer
//! qualification and supervision statistics.
//!
//! The review acts (opinions, supplements, meetings, escalation, head decision, determination
//! and its confirmation) are case records entered with `POST /cases/{id}/records`; the core's
//! review gate checks them there. Roles, scoping, the L2-a gate and the audit of reads live in
//! the core (`Services::…` in `liuhen_core::service::review`); each handler calls one command.

use axum::extract::State;
use axum::http::StatusCode;
use liuhen_core::ids::{BodyId, UserId};

use crate::api::cases::case_id;
use crate::dto::review::{
    AmountLimitDto, CatalogueDto, CatalogueEntryDto, CatalogueQuery, DeterminationProposalDto,
    PendingQuery, PendingReviewDto, PrechecksDto, ProposalQuery, QualificationDto,
    REVIEW_RECORD_TYPES_DOC, ReviewDto, ReviewStatisticsDto, ReviewerDto, StatisticsQuery,
    SubmissionRequest, TimeLimitDto,
};
use crate::dto::{ReceiptDto, parse_date, parse_id, parse_time};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::session::Authenticated;
use crate::state::AppState;

type Created = Result<(StatusCode, AppJson<ReceiptDto>), ApiError>;

fn created(receipt: liuhen_core::ports::Receipt) -> Created {
    Ok((StatusCode::CREATED, AppJson(receipt.into())))
}

fn body_id(text: &str) -> Result<BodyId, ApiError> {
    parse_id("id", text, BodyId::new)
}

/// The caller's review queue (L8-c): as REVIEWER the submissions waiting for their body's review
/// office (待审核, 待补充), as AGENCY_HEAD the escalations waiting for them (待负责人决定); with
/// round, due date, the handling period's due date (L11-b) and whether the caller handled the
/// case (L3-a). Earliest due first.
#[utoipa::path(
    get,
    path = "/reviews/pending",
    tag = "legal review",
    params(PendingQuery),
    responses(
        (status = 200, description = "Reviews waiting for the caller, earliest due first", body = [PendingReviewDto]),
        (status = 400, description = "Bad date", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn pending(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<PendingQuery>,
) -> Result<AppJson<Vec<PendingReviewDto>>, ApiError> {
    let today = match query.date.as_deref() {
        Some(text) => parse_date("date", text)?,
        None => state.services.now().date(),
    };
    let items = state.services.pending_reviews(&auth.ctx, today).await?;
    Ok(AppJson(
        items.into_iter().map(PendingReviewDto::from).collect(),
    ))
}

/// Review statistics per body for supervision (L13-a): reviews, rounds, first-round pass rate,
/// average days to pass, problems by checklist point, escalations and head decisions. For the
/// district SUPERVISOR (every body) and a body's AGENCY_HEAD and REVIEWER (their body).
#[utoipa::path(
    get,
    path = "/reviews/statistics",
    tag = "legal review",
    params(StatisticsQuery),
    responses(
        (status = 200, description = "One row per body", body = [ReviewStatisticsDto]),
        (status = 400, description = "Bad body id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a supervisor, head or reviewer of the body", body = ErrorBody),
        (status = 404, description = "No such body", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn statistics(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<StatisticsQuery>,
) -> Result<AppJson<Vec<ReviewStatisticsDto>>, ApiError> {
    let body = query
        .body
        .as_deref()
        .map(|body| parse_id("body", body, BodyId::new))
        .transpose()?;
    let stats = state.services.review_statistics(&auth.ctx, body).await?;
    Ok(AppJson(
        stats.into_iter().map(ReviewStatisticsDto::from).collect(),
    ))
}

/// The review state of a case: status, rounds with their frozen packages (L6-a, L2-b),
/// opinions with the nine checklist answers (L7–L10), supplements, meetings, escalation and
/// the head's decision, the latest L4 determination. Audited read (R4-b).
#[utoipa::path(
    get,
    path = "/cases/{id}/review",
    tag = "legal review",
    description = REVIEW_RECORD_TYPES_DOC,
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case's review state", body = ReviewDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn case_review(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<ReviewDto>, ApiError> {
    let view = state.services.review(&auth.ctx, &case_id(&id)?).await?;
    Ok(AppJson(view.into()))
}

/// The automated pre-checks of the case's review (L7-b), shown beside the checklist: L7.1 the
/// body holds the power item or an entrustment covers it on the act dates (D4-b, D4-e); L7.2
/// every officer had a valid credential on each act's date and showed it (D7-a); L7.3 the
/// mandatory records of completed stages (R4-c), statement/defence and hearing (R14, R15),
/// service (R17–R22), full-process A/V (R5-a) and late entries (R4-d); L7.6 the 涉案金额 within
/// the power item's limit, if one is configured; L7.7 documents present and numbered (R26-b).
/// Each with status 通过 / 不通过 / 不适用 and findings citing their rules. Advisory: they decide
/// no answer of the checklist. For whoever may read the case; audited read (R4-b).
#[utoipa::path(
    get,
    path = "/cases/{id}/review/prechecks",
    tag = "legal review",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The pre-checks of the case as it stands", body = PrechecksDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn prechecks(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<PrechecksDto>, ApiError> {
    let report = state
        .services
        .review_prechecks(&auth.ctx, &case_id(&id)?)
        .await?;
    Ok(AppJson(report.into()))
}

/// What the platform proposes for the case's L4 determination (L4-b, L4-c, L5-b): the matching
/// entries of the catalogue in force for the amount and level given, L4.4 locked after a
/// hearing, the procedure's default and manual marks. The officer then records
/// `l4_determination` (the platform fills the catalogue fields itself) and the unit head
/// confirms it (`l4_determination_confirmation`).
#[utoipa::path(
    get,
    path = "/cases/{id}/review/proposal",
    tag = "legal review",
    params(("id" = String, Path, description = "Case id"), ProposalQuery),
    responses(
        (status = 200, description = "The proposal", body = DeterminationProposalDto),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn proposal(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppQuery(query): AppQuery<ProposalQuery>,
) -> Result<AppJson<DeterminationProposalDto>, ApiError> {
    let proposal = state
        .services
        .propose_determination(
            &auth.ctx,
            &case_id(&id)?,
            query.amount_involved_fen,
            query.level,
        )
        .await?;
    Ok(AppJson(proposal.into()))
}

/// Submits the case for review (L6-a, L6-b, L12-b) as the handling unit's head: one
/// `l6_review_submission` record whose package the platform freezes (seq and hash of every
/// record of the case, SHA-256 of the draft; L2-b) and numbers (round, previous submission).
/// A resubmission answers every problem of the previous opinion (L10-b).
#[utoipa::path(
    post,
    path = "/cases/{id}/review/submissions",
    tag = "legal review",
    params(("id" = String, Path, description = "Case id")),
    request_body = SubmissionRequest,
    responses(
        (status = 201, description = "Submitted; the receipt names the submission record", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Read-only role, or CSRF", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
        (status = 409, description = "Concurrent writers; retry", body = ErrorBody),
        (status = 422, description = "Refused by a rule (e.g. `L6-a`, `L10-b`, `L12-b`, `L3-a`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn submit(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<SubmissionRequest>,
) -> Created {
    created(
        state
            .services
            .submit_for_review(&auth.ctx, &case_id(&id)?, request.to_core())
            .await?,
    )
}

/// A body's review catalogue (目录清单, L5-b) and review time limits (L5-a) as in force at a
/// moment (default now). Public information (L5-c); any signed-in user may read it.
#[utoipa::path(
    get,
    path = "/bodies/{id}/review-catalogue",
    tag = "legal review",
    params(("id" = String, Path, description = "Body id"), CatalogueQuery),
    responses(
        (status = 200, description = "The catalogue", body = CatalogueDto),
        (status = 400, description = "Bad id or time", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn catalogue(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppQuery(query): AppQuery<CatalogueQuery>,
) -> Result<AppJson<CatalogueDto>, ApiError> {
    let at = query
        .at
        .as_deref()
        .map(|text| parse_time("at", text))
        .transpose()?;
    let view = state
        .services
        .review_catalogue(&auth.ctx, &body_id(&id)?, at)
        .await?;
    Ok(AppJson(view.into()))
}

/// Sets (adds or restates) or withdraws (`withdrawn: true`) a catalogue entry (L5-b); each
/// change is a new catalogue version, a record in the log. AGENCY_HEAD or REVIEWER of the body.
#[utoipa::path(
    post,
    path = "/bodies/{id}/review-catalogue/entries",
    tag = "legal review",
    params(("id" = String, Path, description = "Body id")),
    request_body = CatalogueEntryDto,
    responses(
        (status = 201, description = "New catalogue version recorded", body = ReceiptDto),
        (status = 400, description = "Malformed entry", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "CSRF", body = ErrorBody),
        (status = 409, description = "Concurrent writers; retry", body = ErrorBody),
        (status = 422, description = "Not the body's head or review office (`L5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn set_catalogue_entry(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(entry): AppJson<CatalogueEntryDto>,
) -> Created {
    created(
        state
            .services
            .set_catalogue_entry(&auth.ctx, &body_id(&id)?, entry.to_core()?)
            .await?,
    )
}

/// Sets the review time limit of an action kind in working days (L5-a, L8-c); the queue's due
/// dates follow it. AGENCY_HEAD or REVIEWER of the body.
#[utoipa::path(
    post,
    path = "/bodies/{id}/review-catalogue/time-limits",
    tag = "legal review",
    params(("id" = String, Path, description = "Body id")),
    request_body = TimeLimitDto,
    responses(
        (status = 201, description = "New catalogue version recorded", body = ReceiptDto),
        (status = 400, description = "Unknown action kind or days outside 1–365", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "CSRF", body = ErrorBody),
        (status = 409, description = "Concurrent writers; retry", body = ErrorBody),
        (status = 422, description = "Not the body's head or review office (`L5-a`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn set_time_limit(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(limit): AppJson<TimeLimitDto>,
) -> Created {
    created(
        state
            .services
            .set_review_time_limit(&auth.ctx, &body_id(&id)?, limit.to_core())
            .await?,
    )
}

/// Sets (or restates, or with `withdrawn: true` removes) the 涉案金额 limit of one of the
/// body's power items; the L7.6 pre-check flags cases above it (L7-b). A new catalogue version.
/// AGENCY_HEAD or REVIEWER of the body.
#[utoipa::path(
    post,
    path = "/bodies/{id}/review-catalogue/amount-limits",
    tag = "legal review",
    params(("id" = String, Path, description = "Body id")),
    request_body = AmountLimitDto,
    responses(
        (status = 201, description = "New catalogue version recorded", body = ReceiptDto),
        (status = 400, description = "Unknown power item, amount out of range or no basis", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "CSRF", body = ErrorBody),
        (status = 409, description = "Concurrent writers; retry", body = ErrorBody),
        (status = 422, description = "Not the body's head or review office (`L5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn set_amount_limit(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(limit): AppJson<AmountLimitDto>,
) -> Created {
    created(
        state
            .services
            .set_amount_limit(&auth.ctx, &body_id(&id)?, limit.to_core()?)
            .await?,
    )
}

/// A user's reviewer qualification profile (shown on opinions) and whether it allows reviewing
/// penalty decisions (L3-c, I10).
#[utoipa::path(
    get,
    path = "/reviews/reviewers/{id}",
    tag = "legal review",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The profile (absent when none was recorded)", body = ReviewerDto),
        (status = 400, description = "Bad user id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn reviewer(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<ReviewerDto>, ApiError> {
    let user = parse_id("id", &id, UserId::new)?;
    let profile = state
        .services
        .reviewer_qualification(&auth.ctx, &user)
        .await?;
    Ok(AppJson(ReviewerDto::new(user.to_string(), profile)))
}

/// Records a reviewer's qualification profile (SYSADMIN, L3-c): the 法律职业资格 obtained
/// through the national examination, or the date of first penalty-decision review before P5
/// (I10). A registry record in `reviewer/<user>`; the latest one is the profile.
#[utoipa::path(
    put,
    path = "/reviews/reviewers/{id}",
    tag = "legal review",
    params(("id" = String, Path, description = "User id")),
    request_body = QualificationDto,
    responses(
        (status = 201, description = "Profile recorded", body = ReceiptDto),
        (status = 400, description = "Malformed or incomplete profile", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not SYSADMIN, or CSRF", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "Concurrent writers; retry", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn set_reviewer(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(profile): AppJson<QualificationDto>,
) -> Created {
    let user = parse_id("id", &id, UserId::new)?;
    created(
        state
            .services
            .record_reviewer_qualification(&auth.ctx, &user, profile.to_core()?)
            .await?,
    )
}
