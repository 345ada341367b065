//! The public portal (issue 8 item 4; 《薛城区行政执法信息公示办法》 D4, D7-b, D9, D11, D13, L5-c):
//! server-rendered Chinese HTML with no sign-in, plus the open-data exports (item 6).
//!
//! # Brief overview
//! - [`router`] returns the portal's routes; `crate::app` merges them beside the API.
//! - Pages: home (`/`), search (`/search`), item (`/disclosure/{id}`, the stable URL the core
//!   records as the publication location, D11-b), bodies (`/bodies`, `/bodies/{id}`), officer
//!   credential check (`/verify/officer…`, D7-b), how to verify (`/verify`), correction request and
//!   status (`/correction…`, D13-b), annual reports (`/annual…`, D9), open data (`/open-data…`).
//! - Every response carries a strict CSP (`default-src 'self'`): the portal makes no external
//!   request; CSS, favicon and QR codes are served by liuhen itself ([`assets`]).
//!
//! # Design
//! The portal reads only the core's *public* queries (`published_items`, `published_item`,
//! `correction_status`, the registry listings filtered to what D4-a publishes), so it can show
//! nothing that was not frozen and masked at publication. The search index ([`search_sync`]) is
//! fed from those same public versions and kept current by following the log, whatever code path
//! published, corrected or withdrew an item.

pub mod assets;
pub(crate) mod charts;
pub mod correction;
mod open_data;
mod pages;
pub mod search_sync;
mod view;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use liuhen_core::error::CoreError;
use liuhen_core::ids::UserId;
use liuhen_core::service::Ctx;

use crate::state::AppState;
pub use search_sync::{Portal, PortalError};

/// The Content-Security-Policy of every portal response: everything from liuhen itself, no
/// inline script, no framing (DESIGN.md "Stack": no CDN, assets embedded).
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// State of the portal handlers: the API state plus its portal (search index, rate limits).
#[derive(Clone)]
pub(crate) struct PortalState {
    pub(crate) app: AppState,
    pub(crate) portal: Arc<Portal>,
    /// The 双公示 export files of the latest log state (made once per state).
    pub(crate) exports: Arc<open_data::ExportCache>,
}

impl AppState {
    /// Keeps the portal's search index in `dir` (`liuhen serve`: `<data dir>/search`) instead of
    /// memory, so a restart reuses it instead of re-indexing every published item; an index
    /// that cannot be trusted is rebuilt (see [`search_sync`]). Call before serving.
    pub fn with_search_dir(mut self, dir: &Path) -> Result<AppState, PortalError> {
        // The in-memory portal made by `AppState::new` is dropped here, before any request.
        self.portal = Arc::new(Portal::in_dir(dir)?);
        Ok(self)
    }
}

/// The portal's routes (pages, open data, assets), with security headers. Merged into the
/// application by `crate::app`.
pub fn router(state: &AppState) -> Router<AppState> {
    let portal = state.portal.clone();
    portal.spawn_initial_sync(state.services.clone());
    let state = PortalState {
        app: state.clone(),
        portal,
        exports: Arc::new(open_data::ExportCache::default()),
    };
    Router::new()
        .route("/", get(pages::home))
        .route("/search", get(pages::search))
        .route("/disclosure/{id}", get(pages::item))
        .route("/bodies", get(pages::bodies))
        .route("/bodies/{id}", get(pages::body))
        .route("/verify", get(pages::verify_howto))
        .route("/verify/officer", get(pages::officer_form))
        .route("/verify/officer/{credential}", get(pages::officer))
        .route(
            "/verify/officer/{credential}/qr.svg",
            get(pages::officer_qr),
        )
        .route(
            "/correction/{item}",
            get(correction::form).post(correction::submit),
        )
        .route("/correction-status", get(correction::status))
        .route("/annual", get(pages::annual_list))
        .route("/annual/{id}", get(pages::annual))
        .route("/open-data", get(open_data::index))
        .route("/open-data/items.json", get(open_data::items_json))
        .route("/open-data/feed.atom", get(open_data::feed))
        .route("/open-data/{file}", get(open_data::export))
        .route("/assets/{file}", get(assets::asset))
        .route("/favicon.svg", get(assets::favicon))
        .route("/favicon.ico", get(assets::favicon))
        .route("/robots.txt", get(assets::robots))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Adds the CSP and the other protective headers to every portal response.
async fn security_headers(mut response: Response) -> Response {
    protective_headers(response.headers_mut(), CSP);
    response
}

/// The Content-Security-Policy `csp`, no sniffing, no framing, same-origin referrers: the
/// headers of every HTML page liuhen serves (portal and workbench).
pub(crate) fn protective_headers(headers: &mut axum::http::HeaderMap, csp: &'static str) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// The caller of the public registry queries: nobody signed in, no grants (PUBLIC, §1).
pub(crate) fn public_ctx() -> Result<Ctx, CoreError> {
    Ok(Ctx {
        user: UserId::new("public")?,
        grants: Vec::new(),
        officer: None,
        client_ip: None,
    })
}

/// Why a portal page could not be shown; answered as an HTML page with the right status.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    /// The object does not exist or is not public (never revealed which). The text is the
    /// Chinese message shown.
    #[error("not found: {0}")]
    NotFound(String),
    /// The input is not acceptable (form validation); the text is shown.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Too many submissions from one address (correction requests).
    #[error("too many requests")]
    TooMany,
    /// A rule of the core refused the submission (the refusal's Chinese message is shown).
    #[error("refused: {0}")]
    Refused(String),
    /// Anything else; details go to the log only.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<CoreError> for PageError {
    fn from(err: CoreError) -> PageError {
        match err {
            CoreError::NotFound(_) => PageError::NotFound("未找到请求的公示信息".to_owned()),
            CoreError::Refused(refusal) => PageError::Refused(format!(
                "{}（{}）",
                refusal.message,
                refusal
                    .ids
                    .iter()
                    .map(|id| id.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )),
            CoreError::Invalid { reason, .. } if reason.chars().any(view::is_cjk) => {
                PageError::BadRequest(reason)
            }
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<PortalError> for PageError {
    fn from(err: PortalError) -> PageError {
        PageError::Internal(err.to_string())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            PageError::NotFound(text) => (StatusCode::NOT_FOUND, "未查到", text.clone()),
            PageError::BadRequest(text) => (StatusCode::BAD_REQUEST, "请求有误", text.clone()),
            PageError::Refused(text) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "未能受理", text.clone())
            }
            PageError::TooMany => (
                StatusCode::TOO_MANY_REQUESTS,
                "提交过于频繁",
                "同一网络地址提交次数过多，请稍后再试".to_owned(),
            ),
            PageError::Internal(detail) => {
                tracing::error!(error = %detail, "portal page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务暂时不可用",
                    "服务器内部错误，请稍后再试".to_owned(),
                )
            }
        };
        let page = view::ErrorPage {
            title: title.to_owned(),
            message,
        };
        (status, view::render(&page)).into_response()
    }
}

/// Renders a template into an HTML response (a render failure becomes the 500 page).
pub(crate) fn html<T: askama::Template>(template: &T) -> Result<Html<String>, PageError> {
    template
        .render()
        .map(Html)
        .map_err(|err| PageError::Internal(format!("template: {err}")))
}
