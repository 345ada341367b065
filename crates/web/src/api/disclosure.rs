//! The staff side of disclosure (信息公示, issue 8; 《薛城区行政执法信息公示办法》 D3–D15): items of
//! the caller's bodies, the D5-b workflow (collect → redact → submit → review → publish), the
//! body's settings, D10 restrictions, D13 corrections and replies, D14 withdrawals, the D15
//! supervision dashboard and the D9 annual figures.
//!
//! Owner-body checks (D3-a), step permissions and separation (D5-b), head approvals (D10-a),
//! the leak block (D10-d) and the audit of reads live in the core
//! (`liuhen_core::service::disclosure`); each handler calls one command. The one check made here
//! is who may open the supervision dashboard (D15-a): the district SUPERVISOR, and an
//! AGENCY_HEAD for their own body — a view for overseers, not for every officer.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use liuhen_calendar::DeadlineStatus;
use liuhen_core::ids::{BodyId, UserId};
use liuhen_core::role::Role;
use liuhen_core::service::Ctx;
use liuhen_core::service::disclosure::{SupervisionEntry, SupervisionIssue};
use time::Date;

use crate::dto::disclosure::{
    AnnualFiguresDto, AnnualItemRequest, AnnualQuery, CollectRequest, CorrectionReplyRequest,
    CorrectionRequestBody, CorrectionRequestDto, DecisionRequest, DraftedDto, ItemDetailDto,
    ItemQuery, ItemSummaryDto, ManualItemRequest, OverviewBodyDto, OverviewDto,
    PreEnforcementRequest, PublishRequest, RestrictionRequest, ReviewRequest, ReviewSummaryDto,
    SettingsDto, SettingsUpdate, SupervisionBodyDto, SupervisionDto, SupervisionEntryDto,
    SupervisionQuery, WithdrawRequest, WithdrawalTriggerRequest, parse_step,
};
use crate::dto::{ReceiptDto, fmt_date, parse_date, parse_id};
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

/// Item ids are `d-` + hex, tracking numbers `CR` + base32: both fit the identifier shape;
/// anything else cannot name an item and is answered 404 by the core.
fn item_id(text: &str) -> Result<&str, ApiError> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(text)
    } else {
        Err(ApiError::Invalid {
            field: "id".to_owned(),
            reason: "标识须为 1–64 个字母、数字、点、下划线或连字符".to_owned(),
        })
    }
}

fn today_or(state: &AppState, date: Option<&str>) -> Result<Date, ApiError> {
    match date {
        Some(text) => parse_date("date", text),
        None => Ok(state.services.now().date()),
    }
}

// ---------------------------------------------------------------------------------------------
// Items

/// Items of the caller's bodies (SUPERVISOR: every body), optionally of one body and in one
/// state (待采集, 已采集, 待审核, 待发布, 已公示, 不予公示, 已撤下).
#[utoipa::path(
    get,
    path = "/disclosures",
    tag = "disclosure",
    params(ItemQuery),
    responses(
        (status = 200, description = "Items, in the store's order", body = [ItemSummaryDto]),
        (status = 400, description = "Bad body id or state", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn list_items(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<ItemQuery>,
) -> Result<AppJson<Vec<ItemSummaryDto>>, ApiError> {
    let (body, item_state) = query.to_core()?;
    let items = state
        .services
        .disclosure_items(&auth.ctx, body.as_ref(), item_state)
        .await?;
    Ok(AppJson(items.iter().map(ItemSummaryDto::from).collect()))
}

/// Drafts an item by hand (采集, D4.5 / D4-f; collect permission, D5-b). The caller is recorded
/// as its collector.
#[utoipa::path(
    post,
    path = "/disclosures",
    tag = "disclosure",
    request_body = ManualItemRequest,
    responses(
        (status = 201, description = "Drafted; `ids` holds the new item's id", body = DraftedDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "CSRF", body = ErrorBody),
        (status = 422, description = "Refused (`D3-a` not the owner, `D5-b` no collect permission)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn draft_item(
    State(state): State<AppState>,
    auth: Authenticated,
    AppJson(request): AppJson<ManualItemRequest>,
) -> Result<(StatusCode, AppJson<DraftedDto>), ApiError> {
    let id = state
        .services
        .draft_item(&auth.ctx, request.to_core()?)
        .await?;
    Ok((StatusCode::CREATED, AppJson(DraftedDto { ids: vec![id] })))
}

/// One item with content, prefill changes, redacted versions, obligations, published versions
/// and the step history (staff of the owning body or SUPERVISOR; audited read).
#[utoipa::path(
    get,
    path = "/disclosures/{id}",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = ItemDetailDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn get_item(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<ItemDetailDto>, ApiError> {
    let view = state
        .services
        .disclosure_item(&auth.ctx, item_id(&id)?)
        .await?;
    Ok(AppJson(ItemDetailDto::from(&view)))
}

/// Drafts (or, when the registry data changed, re-drafts) the body's D4 pre-enforcement items:
/// body profile, officers with valid credentials, each power item, each entrustment (D4-a…e,
/// D6-b; collect permission).
#[utoipa::path(
    post,
    path = "/bodies/{id}/disclosures/pre-enforcement",
    tag = "disclosure",
    params(("id" = String, Path, description = "Body id")),
    request_body = PreEnforcementRequest,
    responses(
        (status = 201, description = "Items written (empty when nothing changed)", body = DraftedDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such body", body = ErrorBody),
        (status = 422, description = "Refused (`D3-a`, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn draft_pre_enforcement(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<PreEnforcementRequest>,
) -> Result<(StatusCode, AppJson<DraftedDto>), ApiError> {
    let formation = parse_date("formation_date", &request.formation_date)?;
    let ids = state
        .services
        .draft_pre_enforcement_items(&auth.ctx, &body_id(&id)?, formation)
        .await?;
    Ok((StatusCode::CREATED, AppJson(DraftedDto { ids })))
}

/// Drafts (or refreshes) the body's D9 annual-data item for a year, due 31 January of the next
/// year (D9-a, T4); it is then published through the ordinary workflow (collect permission).
#[utoipa::path(
    post,
    path = "/bodies/{id}/disclosures/annual",
    tag = "disclosure",
    params(("id" = String, Path, description = "Body id")),
    request_body = AnnualItemRequest,
    responses(
        (status = 201, description = "The annual item's id", body = DraftedDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Refused (`D3-a`, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn draft_annual(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<AnnualItemRequest>,
) -> Result<(StatusCode, AppJson<DraftedDto>), ApiError> {
    let id = state
        .services
        .draft_annual_item(&auth.ctx, &body_id(&id)?, request.year)
        .await?;
    Ok((StatusCode::CREATED, AppJson(DraftedDto { ids: vec![id] })))
}

// ---------------------------------------------------------------------------------------------
// Workflow (D5-b)

/// 采集: the collector confirms the item, changing fields; a change to a prefilled value needs a
/// reason (D3-c).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/collect",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = CollectRequest,
    responses(
        (status = 201, description = "Collected", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 409, description = "Concurrent writers; retry", body = ErrorBody),
        (status = 422, description = "Refused (`D3-a`, `D5-b`, `D3-c`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn collect(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<CollectRequest>,
) -> Created {
    created(
        state
            .services
            .collect_item(&auth.ctx, item_id(&id)?, request.changes, &request.reason)
            .await?,
    )
}

/// 适当处理: prepares the masked versions per channel (`portal`, `open-data`) with the
/// redaction crate's policies (D10-c, D10-d; collect or review permission).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/redact",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 201, description = "Redacted versions recorded", body = ReceiptDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 409, description = "The content changed meanwhile; retry", body = ErrorBody),
        (status = 422, description = "Refused (`D3-a`, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn redact(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Created {
    created(state.services.redact_item(&auth.ctx, item_id(&id)?).await?)
}

/// 传递: submits the collected item for review (submit permission); refused while a mandatory
/// field is empty (D5-c, D8-e, D4-b).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/submit",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 201, description = "Submitted", body = ReceiptDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D5-b`, `D5-c`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn submit(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Created {
    created(state.services.submit_item(&auth.ctx, item_id(&id)?).await?)
}

/// 审核: approves or returns the item with an opinion (review permission; with separation on, not
/// a collector of the current content, D5-b).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/review",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = ReviewRequest,
    responses(
        (status = 201, description = "Reviewed", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D5-b`: permission, order or separation)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn review(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<ReviewRequest>,
) -> Created {
    created(
        state
            .services
            .review_item(&auth.ctx, item_id(&id)?, request.approve, &request.opinion)
            .await?,
    )
}

/// 发布: freezes the public version per channel; its hash goes into the log. Refused while
/// restricted (D10-a), while a mandatory field is empty (D5-c), while an identity or mobile
/// number is in the clear (D10-d) unless an AGENCY_HEAD gives `leak_override`, and, with
/// separation on, for a collector (D5-b).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/publish",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = PublishRequest,
    responses(
        (status = 201, description = "Published; the receipt names the publish record (a log leaf)", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D10-d` leak, `D10-a`, `D5-b`, `D5-c`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn publish(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<PublishRequest>,
) -> Created {
    created(
        state
            .services
            .publish_item(&auth.ctx, item_id(&id)?, request.leak_override.as_deref())
            .await?,
    )
}

// ---------------------------------------------------------------------------------------------
// Restrictions (D10)

/// Proposes not to disclose the item (D10.1–D10.4) with a reason, and a citation for D10.4
/// (collect permission). Takes effect only with the head's approval.
#[utoipa::path(
    post,
    path = "/disclosures/{id}/restriction",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = RestrictionRequest,
    responses(
        (status = 201, description = "Proposed", body = ReceiptDto),
        (status = 400, description = "Malformed request or unknown ground", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D10-a` reason or citation missing, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn propose_restriction(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<RestrictionRequest>,
) -> Created {
    let ground = request.ground()?;
    created(
        state
            .services
            .propose_restriction(
                &auth.ctx,
                item_id(&id)?,
                ground,
                &request.reason,
                &request.citation,
            )
            .await?,
    )
}

/// AGENCY_HEAD approves or refuses a proposed restriction (D10-a); a D10.3 restriction is
/// re-examined after P7 = 90 days (D10-e).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/restriction/decision",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = DecisionRequest,
    responses(
        (status = 201, description = "Decided", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D10-a` not the head, nothing pending)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn decide_restriction(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<DecisionRequest>,
) -> Created {
    created(
        state
            .services
            .decide_restriction(&auth.ctx, item_id(&id)?, request.approve, &request.reason)
            .await?,
    )
}

/// AGENCY_HEAD re-examines a restriction (D10-e): `approve` renews it for P7, `false` lifts it
/// (new D12-b due date from today).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/restriction/reexamination",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = DecisionRequest,
    responses(
        (status = 201, description = "Re-examined", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D10-a`, `D10-e`, `D5-b` state)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn reexamine_restriction(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<DecisionRequest>,
) -> Created {
    created(
        state
            .services
            .reexamine_restriction(&auth.ctx, item_id(&id)?, request.approve, &request.reason)
            .await?,
    )
}

// ---------------------------------------------------------------------------------------------
// Corrections (D13) and withdrawals (D14)

/// The body corrects a published item (D13-a; with `request`, answering a D13-b request). The
/// new version goes through submit → review → publish; the public keeps the old one until then.
#[utoipa::path(
    post,
    path = "/disclosures/{id}/corrections",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = CorrectionRequestBody,
    responses(
        (status = 201, description = "Correction started", body = ReceiptDto),
        (status = 400, description = "Malformed request, or the request does not concern the item", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D13-a` changes or reason missing, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn correct(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<CorrectionRequestBody>,
) -> Created {
    let discovered = parse_date("discovered_on", &request.discovered_on)?;
    created(
        state
            .services
            .correct_item(
                &auth.ctx,
                item_id(&id)?,
                request.changes,
                &request.reason,
                discovered,
                request.request.as_deref(),
            )
            .await?,
    )
}

/// Correction requests received by a body (D13-b; staff of the body or SUPERVISOR). They hold
/// the requesters' personal data: an audited read.
#[utoipa::path(
    get,
    path = "/bodies/{id}/correction-requests",
    tag = "disclosure",
    params(("id" = String, Path, description = "Body id")),
    responses(
        (status = 200, description = "Requests", body = [CorrectionRequestDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such body, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn correction_requests(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<Vec<CorrectionRequestDto>>, ApiError> {
    let requests = state
        .services
        .correction_requests(&auth.ctx, &body_id(&id)?)
        .await?;
    Ok(AppJson(
        requests.iter().map(CorrectionRequestDto::from).collect(),
    ))
}

/// One evidence file of a correction request (D13.p2), as the applicant uploaded it on the
/// portal (stored in the blob store, media type sniffed): staff of the owning body or
/// SUPERVISOR; an audited read. The file comes as an attachment, never rendered inline.
#[utoipa::path(
    get,
    path = "/correction-requests/{tracking}/evidence/{sha256}",
    tag = "disclosure",
    params(
        ("tracking" = String, Path, description = "Tracking number"),
        ("sha256" = String, Path, description = "SHA-256 of the file (from `evidence_files`)"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such request or file, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn correction_evidence(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((tracking, sha256)): AppPath<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::{HeaderValue, header};
    let (file, reader) = state
        .services
        .correction_request_evidence(&auth.ctx, &tracking, &sha256)
        .await?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let mut response = axum::response::Response::new(body);
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.media_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(file.size));
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // RFC 6266 / RFC 8187: the (cleaned) original name, percent-encoded as UTF-8.
    let encoded: String = file
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    out.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"evidence\"; filename*=UTF-8''{encoded}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Closes a correction request with a written reply (D13-c): `更正` once the corrected version
/// is published, `不予更正` with reasons.
#[utoipa::path(
    post,
    path = "/correction-requests/{tracking}/reply",
    tag = "disclosure",
    params(("tracking" = String, Path, description = "Tracking number")),
    request_body = CorrectionReplyRequest,
    responses(
        (status = 201, description = "Replied and closed", body = ReceiptDto),
        (status = 400, description = "Malformed request, or already closed", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 422, description = "Refused (`D13-c`, `D3-a`, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn reply_correction_request(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(tracking): AppPath<String>,
    AppJson(request): AppJson<CorrectionReplyRequest>,
) -> Created {
    created(
        state
            .services
            .reply_correction_request(&auth.ctx, item_id(&tracking)?, request.to_core()?)
            .await?,
    )
}

/// Records that a published decision was revoked, confirmed unlawful or ordered remade
/// (D14-a); for a penalty the takedown is due in 3 working days (行政处罚法 第四十八条).
#[utoipa::path(
    post,
    path = "/disclosures/{id}/withdrawal-trigger",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = WithdrawalTriggerRequest,
    responses(
        (status = 201, description = "Recorded", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D14-a`, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn withdrawal_trigger(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<WithdrawalTriggerRequest>,
) -> Created {
    created(
        state
            .services
            .record_withdrawal_trigger(&auth.ctx, item_id(&id)?, request.to_core()?)
            .await?,
    )
}

/// Takes the item down with an explanation (D14-a; publish permission): the portal shows the
/// notice instead of the content, the history stays in the log.
#[utoipa::path(
    post,
    path = "/disclosures/{id}/withdrawal",
    tag = "disclosure",
    params(("id" = String, Path, description = "Item id")),
    request_body = WithdrawRequest,
    responses(
        (status = 201, description = "Withdrawn", body = ReceiptDto),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Refused (`D14-a` no trigger or explanation, `D10-d`, `D5-b`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<WithdrawRequest>,
) -> Created {
    created(
        state
            .services
            .withdraw_item(&auth.ctx, item_id(&id)?, &request.explanation)
            .await?,
    )
}

// ---------------------------------------------------------------------------------------------
// Settings (D5-b)

/// A body's D5-b settings: steps granted per user and the separation switch with its history
/// (staff of the body or SUPERVISOR).
#[utoipa::path(
    get,
    path = "/bodies/{id}/disclosure-settings",
    tag = "disclosure",
    params(("id" = String, Path, description = "Body id")),
    responses(
        (status = 200, description = "Settings", body = SettingsDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such body, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn settings(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<SettingsDto>, ApiError> {
    let body = body_id(&id)?;
    let view = state.services.disclosure_settings(&auth.ctx, &body).await?;
    Ok(AppJson(SettingsDto::new(&body, &view)))
}

/// Changes a body's D5-b settings (AGENCY_HEAD of the body): grants or revokes steps, switches
/// separation with a reason (audited). Each change is one record, applied in order; the
/// answer is the settings afterwards.
#[utoipa::path(
    put,
    path = "/bodies/{id}/disclosure-settings",
    tag = "disclosure",
    params(("id" = String, Path, description = "Body id")),
    request_body = SettingsUpdate,
    responses(
        (status = 200, description = "Settings after the change", body = SettingsDto),
        (status = 400, description = "Malformed request, unknown step, or a user outside the body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such body", body = ErrorBody),
        (status = 422, description = "Refused (`D5-b`: only the body's AGENCY_HEAD)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn set_settings(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<SettingsUpdate>,
) -> Result<AppJson<SettingsDto>, ApiError> {
    let body = body_id(&id)?;
    // Parse everything before writing anything: a typo in the last entry must not leave the
    // first ones applied.
    let mut changes = Vec::with_capacity(request.permissions.len());
    for change in &request.permissions {
        changes.push((
            parse_id("user", &change.user, UserId::new)?,
            parse_step("step", &change.step)?,
            change.granted,
        ));
    }
    for (user, step, granted) in changes {
        state
            .services
            .set_disclosure_permission(&auth.ctx, &body, &user, step, granted)
            .await?;
    }
    if let Some(separation) = &request.separation {
        state
            .services
            .set_disclosure_separation(&auth.ctx, &body, separation.required, &separation.reason)
            .await?;
    }
    let view = state.services.disclosure_settings(&auth.ctx, &body).await?;
    Ok(AppJson(SettingsDto::new(&body, &view)))
}

// ---------------------------------------------------------------------------------------------
// Supervision (D15)

/// Bodies whose dashboard the caller may open (D15-a): `None` = every body (district
/// SUPERVISOR), else the bodies the caller heads. Anyone else is refused.
fn supervised(ctx: &Ctx) -> Result<Option<Vec<BodyId>>, ApiError> {
    if ctx.has_district(Role::Supervisor) {
        return Ok(None);
    }
    let mut bodies: Vec<BodyId> = ctx
        .grants
        .iter()
        .filter(|g| g.role == Role::AgencyHead)
        .filter_map(|g| g.body.clone())
        .collect();
    bodies.sort();
    bodies.dedup();
    if bodies.is_empty() {
        return Err(ApiError::forbidden(
            &["D15-a"],
            "信息公示监督仅供监督人员和本机关负责人查看（D15-a）",
        ));
    }
    Ok(Some(bodies))
}

async fn body_names(state: &AppState, ctx: &Ctx) -> Result<BTreeMap<BodyId, String>, ApiError> {
    Ok(state
        .services
        .bodies(ctx)
        .await?
        .into_iter()
        .map(|b| (b.id, b.profile.name))
        .collect())
}

async fn supervision_entries(
    state: &AppState,
    ctx: &Ctx,
    scope: &Option<Vec<BodyId>>,
    today: Date,
) -> Result<Vec<SupervisionEntry>, ApiError> {
    let mut entries = state.services.disclosure_supervision(ctx, today).await?;
    if let Some(bodies) = scope {
        entries.retain(|e| bodies.contains(&e.body));
    }
    Ok(entries)
}

/// The D15-a dashboard: per body, items overdue and due soon (D12-e), late publications,
/// restrictions lacking approval or past re-examination, changed prefills, and correction
/// requests / takedowns past P1 — each with the item's step history. SUPERVISOR sees every
/// body, an AGENCY_HEAD their own; others are refused.
#[utoipa::path(
    get,
    path = "/supervision/disclosures",
    tag = "disclosure",
    params(SupervisionQuery),
    responses(
        (status = 200, description = "One block per body with lines", body = SupervisionDto),
        (status = 400, description = "Bad date", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither SUPERVISOR nor AGENCY_HEAD", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn supervision(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<SupervisionQuery>,
) -> Result<AppJson<SupervisionDto>, ApiError> {
    let scope = supervised(&auth.ctx)?;
    let today = today_or(&state, query.date.as_deref())?;
    let entries = supervision_entries(&state, &auth.ctx, &scope, today).await?;
    let names = body_names(&state, &auth.ctx).await?;
    let mut blocks: BTreeMap<BodyId, SupervisionBodyDto> = BTreeMap::new();
    for entry in &entries {
        let block = blocks
            .entry(entry.body.clone())
            .or_insert_with(|| SupervisionBodyDto {
                body: entry.body.to_string(),
                name: names
                    .get(&entry.body)
                    .cloned()
                    .unwrap_or_else(|| entry.body.to_string()),
                overdue: 0,
                due_soon: 0,
                entries: Vec::new(),
            });
        match entry.issue {
            SupervisionIssue::Overdue { .. } => block.overdue += 1,
            SupervisionIssue::DueSoon { .. } => block.due_soon += 1,
            _ => {}
        }
        block.entries.push(SupervisionEntryDto::from(entry));
    }
    Ok(AppJson(SupervisionDto {
        date: fmt_date(today),
        bodies: blocks.into_values().collect(),
    }))
}

/// The supervision overview for a dashboard: per body, counts of overdue, due-soon and late
/// disclosures (D15), overdue and due-soon case deadlines from the to-do list (decision,
/// delivery, R28, R29, payment …), and legal review statistics (L13-a). SUPERVISOR sees every
/// body, an AGENCY_HEAD their own; others are refused.
#[utoipa::path(
    get,
    path = "/supervision/overview",
    tag = "disclosure",
    params(SupervisionQuery),
    responses(
        (status = 200, description = "One row per supervised body", body = OverviewDto),
        (status = 400, description = "Bad date", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither SUPERVISOR nor AGENCY_HEAD", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn overview(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<SupervisionQuery>,
) -> Result<AppJson<OverviewDto>, ApiError> {
    let scope = supervised(&auth.ctx)?;
    let today = today_or(&state, query.date.as_deref())?;
    let names = body_names(&state, &auth.ctx).await?;
    let bodies: Vec<BodyId> = match &scope {
        Some(bodies) => bodies.clone(),
        None => names.keys().cloned().collect(),
    };
    let mut rows: BTreeMap<BodyId, OverviewBodyDto> = bodies
        .iter()
        .map(|body| {
            let row = OverviewBodyDto {
                body: body.to_string(),
                name: names.get(body).cloned().unwrap_or_else(|| body.to_string()),
                disclosures_overdue: 0,
                disclosures_due_soon: 0,
                disclosures_late: 0,
                disclosure_other_issues: 0,
                case_deadlines_overdue: 0,
                case_deadlines_due_soon: 0,
                reviews: None,
            };
            (body.clone(), row)
        })
        .collect();
    for entry in supervision_entries(&state, &auth.ctx, &scope, today).await? {
        let Some(row) = rows.get_mut(&entry.body) else {
            continue;
        };
        match entry.issue {
            SupervisionIssue::Overdue { .. } => row.disclosures_overdue += 1,
            SupervisionIssue::DueSoon { .. } => row.disclosures_due_soon += 1,
            SupervisionIssue::Late { .. } => row.disclosures_late += 1,
            _ => row.disclosure_other_issues += 1,
        }
    }
    // Case deadlines only: the disclosure rows of the to-do list are counted above, with the
    // measure's own due-soon window (P8).
    for item in state.services.todo(&auth.ctx, today).await? {
        if item.deadline.case_id.is_none() {
            continue;
        }
        let Some(row) = rows.get_mut(&item.deadline.body) else {
            continue;
        };
        match item.status {
            DeadlineStatus::Overdue { .. } => row.case_deadlines_overdue += 1,
            DeadlineStatus::DueSoon { .. } => row.case_deadlines_due_soon += 1,
            DeadlineStatus::OnTime { .. } => {}
        }
    }
    // The review statistics refuse a caller who does not oversee a body (L13-a); the overview
    // then simply has no review figures rather than failing as a whole.
    if let Ok(stats) = state.services.review_statistics(&auth.ctx, None).await {
        for s in stats {
            if let Some(row) = rows.get_mut(&s.body) {
                row.reviews = Some(ReviewSummaryDto {
                    reviews: s.reviews,
                    pending: s.pending,
                    first_round_pass_rate: s.first_round_pass_rate,
                    escalations: s.escalations,
                });
            }
        }
    }
    Ok(AppJson(OverviewDto {
        date: fmt_date(today),
        bodies: rows.into_values().collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// Annual figures (D9)

/// The D9-b figures of a body for a calendar year, computed from the case and disclosure
/// projections: cases by action and outcome, penalties by kind and amount, permits,
/// inspections, reviews, hearings, withdrawals, disclosures on time / late / missed,
/// corrections (staff of the body or SUPERVISOR).
#[utoipa::path(
    get,
    path = "/bodies/{id}/annual-figures",
    tag = "disclosure",
    params(("id" = String, Path, description = "Body id"), AnnualQuery),
    responses(
        (status = 200, description = "The figures", body = AnnualFiguresDto),
        (status = 400, description = "Bad year", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such body, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn annual_figures(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppQuery(query): AppQuery<AnnualQuery>,
) -> Result<AppJson<AnnualFiguresDto>, ApiError> {
    if !(1949..=9999).contains(&query.year) {
        return Err(ApiError::Invalid {
            field: "year".to_owned(),
            reason: "年度须在 1949–9999 之间".to_owned(),
        });
    }
    let body = body_id(&id)?;
    let figures = state
        .services
        .annual_figures(&auth.ctx, &body, query.year)
        .await?;
    Ok(AppJson(AnnualFiguresDto::new(&body, figures)))
}
