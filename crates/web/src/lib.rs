//! liuhen-web provides the HTTP API of liuhen (留痕): JSON under `/api/v1`, described by an
//! OpenAPI document at `/api/v1/openapi.json`, over the core's [`liuhen_core::service::Services`].
//!
//! # Brief overview
//! - [`app`] builds the router from an [`state::AppState`]; tests call
//!   `app(state).oneshot(request)` with no socket (axum `examples/testing`).
//! - [`serve::serve`] opens the store, loads rules, calendar and keys, and listens
//!   (`liuhen serve`).
//! - [`error::ApiError`] is the one error type of handlers; its `IntoResponse` is the only place
//!   that chooses status codes (table in [`error`]).
//! - [`session`] is sign-in (Argon2id, random tokens, cookie or bearer, CSRF) and the
//!   [`session::Authenticated`] extractor.
//! - [`dto`] holds the wire types; core types are not serialised to clients.
//!
//! # Design
//! Handlers are thin: extract, call one core command, map the result. Roles, body scoping,
//! gates and the auditing of case reads live in the core, so they hold for every caller (CLI,
//! demo, future UI), not just this API. What lives here is what only HTTP knows: sessions, CSRF,
//! client addresses, body limits and timeouts, and an audit middleware that records every write
//! and every refused request. The OpenAPI document and the router are generated from the same
//! registrations (`utoipa_axum::routes!`), so an undocumented route cannot exist.
//!
//! # Example
//! ```no_run
//! # async fn run(state: liuhen_web::state::AppState) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let app = liuhen_web::app(state);
//! axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await
//! # }
//! ```

pub mod annual_report;
pub mod api;
mod auth_cache;
pub mod dto;
pub mod error;
pub mod extract;
mod middleware;
pub mod password;
pub mod portal;
pub mod serve;
pub mod session;
mod signed_checkpoint;
pub mod state;
pub mod workbench;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// Prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "liuhen API",
        description = "留痕：行政执法三项制度平台 API。错误统一为 {code, rule, message}；422 表示规则拒绝（rule 为要求编号）。",
        license(name = "Apache-2.0"),
    ),
    components(schemas(error::ErrorBody)),
    tags(
        (name = "session", description = "登录与会话"),
        (name = "cases", description = "案件与全过程记录"),
        (name = "record access", description = "当事人查阅（R30）"),
        (name = "evidence", description = "证据文件与音像记录（R3-c、R27、R28）：流式上传（原始请求体、multipart、可续传）、证据记录、带 Range 的回放、案卷导出（R26、R29）"),
        (name = "legal review", description = "重大执法决定法制审核（L1–L14）：审核队列、审核状态、自动预审（L7-b）、报送、目录清单、审核人员资格、统计。审核意见等环节为案件记录，经 POST /cases/{id}/records 录入：l4_determination、l4_determination_confirmation、l4_review_mark、l6_review_submission、l9_supplement_request、l9_supplement_reply、l9_review_meeting、l8_review_approved、l10_review_problems、l10_escalation、l10_head_decision。"),
        (name = "disclosure", description = "信息公示（D3–D15）：公示信息的采集、适当处理、传递、审核、发布，不予公示，更正与撤下，公示权限设置，监督（D15）与年度数据（D9）"),
        (name = "registry", description = "执法主体、人员、权力事项、用户"),
        (name = "log", description = "可验证日志：检查点与包含证明"),
        (name = "rules", description = "现行规则集"),
        (name = "audit", description = "审计日志"),
        (name = "meta", description = "接口描述"),
    )
)]
struct ApiDoc;

/// The API routes with their OpenAPI descriptions, relative to [`API_PREFIX`]. Router and
/// document come from the same registrations.
fn api_routes() -> OpenApiRouter<AppState> {
    use api::{cases, disclosure, evidence, log, meta, registry, review};
    OpenApiRouter::new()
        .routes(routes!(session::login, session::whoami, session::logout))
        .routes(routes!(cases::list_cases, cases::open_case))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::list_records, cases::add_record))
        .routes(routes!(cases::check_record))
        .routes(routes!(cases::record_options))
        .routes(routes!(cases::case_deadlines))
        .routes(routes!(cases::todo))
        .routes(routes!(cases::request_access))
        .routes(routes!(cases::decide_access))
        .routes(routes!(cases::access_records))
        .routes(routes!(evidence::list_evidence, evidence::add_evidence))
        .routes(routes!(evidence::verify_evidence))
        .routes(routes!(evidence::archivists))
        .routes(routes!(registry::list_bodies, registry::register_body))
        .routes(routes!(registry::amend_body))
        .routes(routes!(registry::register_unit))
        .routes(routes!(registry::list_officers, registry::register_officer))
        .routes(routes!(registry::issue_credential))
        .routes(routes!(registry::change_credential_status))
        .routes(routes!(
            registry::list_power_items,
            registry::register_power_item
        ))
        .routes(routes!(registry::list_users, registry::register_user))
        .routes(routes!(registry::set_password))
        .routes(routes!(registry::grant_role))
        .routes(routes!(registry::revoke_role))
        .routes(routes!(review::pending))
        .routes(routes!(review::statistics))
        .routes(routes!(review::case_review))
        .routes(routes!(review::prechecks))
        .routes(routes!(review::proposal))
        .routes(routes!(review::submit))
        .routes(routes!(review::catalogue))
        .routes(routes!(review::set_catalogue_entry))
        .routes(routes!(review::set_time_limit))
        .routes(routes!(review::set_amount_limit))
        .routes(routes!(review::reviewer, review::set_reviewer))
        .routes(routes!(disclosure::list_items, disclosure::draft_item))
        .routes(routes!(disclosure::get_item))
        .routes(routes!(disclosure::collect))
        .routes(routes!(disclosure::redact))
        .routes(routes!(disclosure::submit))
        .routes(routes!(disclosure::review))
        .routes(routes!(disclosure::publish))
        .routes(routes!(disclosure::propose_restriction))
        .routes(routes!(disclosure::decide_restriction))
        .routes(routes!(disclosure::reexamine_restriction))
        .routes(routes!(disclosure::correct))
        .routes(routes!(disclosure::withdrawal_trigger))
        .routes(routes!(disclosure::withdraw))
        .routes(routes!(disclosure::reply_correction_request))
        .routes(routes!(disclosure::correction_requests))
        .routes(routes!(disclosure::correction_evidence))
        .routes(routes!(disclosure::settings, disclosure::set_settings))
        .routes(routes!(disclosure::draft_pre_enforcement))
        .routes(routes!(disclosure::draft_annual))
        .routes(routes!(disclosure::annual_figures))
        .routes(routes!(disclosure::supervision))
        .routes(routes!(disclosure::overview))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::verifier_keys))
        .routes(routes!(log::proof))
        .routes(routes!(log::consistency))
        .routes(routes!(meta::rules))
        .routes(routes!(meta::audit_log))
        .routes(routes!(meta::openapi_json))
}

/// Routes that carry files (issue 6): evidence uploads and downloads and the case file. They are
/// not under the JSON body limit and request timeout; [`app`] gives them the evidence size limit
/// instead (`WebConfig::evidence_limit`), and they stream their bodies.
fn media_routes() -> OpenApiRouter<AppState> {
    use api::{casefile, evidence};
    OpenApiRouter::new()
        .routes(routes!(evidence::upload_blob))
        .routes(routes!(evidence::create_upload))
        .routes(routes!(
            evidence::upload_status_head,
            evidence::upload_status,
            evidence::append_upload,
            evidence::terminate_upload
        ))
        .routes(routes!(evidence::finish_upload))
        .routes(routes!(evidence::get_evidence))
        .routes(routes!(casefile::export_casefile))
}

/// Adds the two ways to authenticate to the document.
fn add_security_schemes(openapi: &mut OpenApi) {
    let components = openapi.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    components.add_security_scheme(
        "cookie",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            session::SESSION_COOKIE,
            "会话 Cookie；不安全方法须同时携带 X-CSRF-Token",
        ))),
    );
}

/// The OpenAPI document of the API (what `GET /api/v1/openapi.json` returns).
pub fn openapi() -> OpenApi {
    let mut openapi = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(API_PREFIX, api_routes())
        .nest(API_PREFIX, media_routes())
        .into_openapi();
    add_security_schemes(&mut openapi);
    openapi
}

/// Request ids: UUID v7 (time-ordered, so log lines sort by arrival).
#[derive(Debug, Clone, Copy, Default)]
struct MakeRequestUuidV7;

impl MakeRequestId for MakeRequestUuidV7 {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = uuid::Uuid::now_v7().simple().to_string();
        axum::http::HeaderValue::from_str(&id)
            .ok()
            .map(RequestId::new)
    }
}

/// Builds the whole application: routes under [`API_PREFIX`], our 404 for unknown paths, and the
/// middleware stack (outermost first): panic → 500, request id, tracing span per request,
/// error normalisation, client address, audit; then per group of routes: JSON routes get the
/// timeout and the 1 MiB body limit, media routes ([`media_routes`]) the evidence size limit and
/// no timeout (a multi-GB upload or download takes minutes).
pub fn app(state: AppState) -> Router {
    let (api_router, _openapi) = OpenApiRouter::new()
        .nest(API_PREFIX, api_routes())
        .split_for_parts();
    let (media_router, _openapi) = OpenApiRouter::new()
        .nest(API_PREFIX, media_routes())
        .split_for_parts();
    let request_id = HeaderName::from_static("x-request-id");
    let middleware = ServiceBuilder::new()
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuidV7))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let request_id = request.headers().get("x-request-id").and_then(|value| value.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id = %request_id, method = %request.method(), path = %request.uri().path())
        })
        // One INFO line per response with status and latency; 5xx also at ERROR (the default
        // on_failure). Headers are not logged: they carry tokens.
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)))
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(axum::middleware::from_fn(middleware::normalize_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::client_ip))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::audit));
    // Layers apply to the routes present when `layer` is called: the media routes are merged
    // after the JSON limits, with their own. The body limit layer changes the body type, so it
    // comes after axum's `from_fn` layers.
    let evidence_limit = usize::try_from(state.config.evidence_limit).unwrap_or(usize::MAX);
    let media_router = media_router
        .layer(RequestBodyLimitLayer::new(evidence_limit))
        .layer(DefaultBodyLimit::disable());
    // The workbench's record form has its own (evidence) body limit; it is merged with the
    // media routes, outside the JSON limits.
    let workbench_router = workbench::router(&state);
    api_router
        .merge(portal::router(&state))
        .fallback(middleware::not_found)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config.request_timeout,
        ))
        .layer(RequestBodyLimitLayer::new(state.config.body_limit))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .merge(media_router)
        .merge(workbench_router)
        .layer(middleware)
        .with_state(state)
}
