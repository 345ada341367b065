//! The staff workbench (工作台): server-rendered Chinese HTML for officers under `/workbench`,
//! beside the JSON API and the public portal.
//!
//! # Brief overview
//! - [`router`] returns the routes; `crate::app` merges them.
//! - [`auth`]: sign-in, sign-out, the idle timeout (等保 2.0 level 3), the grant a user acts in,
//!   CSRF tokens in forms, and resuming a form after the session ended.
//! - [`home`]: 待办 — the deadlines of the acting role's bodies, yellow when due soon, red when
//!   overdue.
//! - [`cases`]: the case list with filters, and intake (R7 application, R8 ex officio, R9
//!   complaint, including the not-initiated endings).
//! - [`case_page`]: a case's header, timeline (R4-a status, R30-d labels, log index and hash, the
//!   inclusion proof of each record) and the record types the case allows now, each blocked one
//!   with its rule ID and article (`Services::record_options`).
//! - [`records`]: record entry; [`form`] turns a record type of the rule set into a form and a
//!   submitted form back into record data, so the form *is* the rule set.
//!
//! # Design
//! Pages call `Services` as the API handlers do; there is no HTTP round trip to our own API.
//! Every page works without JavaScript. `workbench.js` only adds resumable uploads with a
//! progress bar (through the API's tus routes), metadata prefilled from the chosen file, check
//! digits checked as they are typed, and a local copy of unsent form values. Nothing is fetched
//! from outside: the CSS and the script are embedded. No code or key reaches the screen: every
//! label comes from the rule set or from this module's Chinese texts.

mod auth;
mod case_page;
mod cases;
mod form;
mod home;
mod records;
mod view;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use liuhen_core::error::CoreError;
use liuhen_core::ports::Digest32;
use tower_http::limit::RequestBodyLimitLayer;

use crate::state::AppState;

pub(crate) use auth::{Staff, end_session};

/// The workbench's Content-Security-Policy: like the portal's, plus `blob:` media for previews
/// of a file chosen for upload and `'self'` scripts (the embedded enhancement script).
pub const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Prefix of every workbench route.
pub const PREFIX: &str = "/workbench";

/// Most drafts kept at once for users whose session ended mid-form.
const MAX_DRAFTS: usize = 2_000;
/// How long a saved draft waits for its user to sign in again.
const DRAFT_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

/// What the workbench keeps in memory between requests: when this process last recorded each
/// session's use in the store (so that a page view need not write), the drafts of forms sent
/// after their session had ended, and the registry names of page headers.
///
/// Drafts are per process: on several nodes, a draft is found again only on the node that kept
/// it (a sign-in elsewhere shows the form without the values).
#[derive(Debug, Default)]
pub struct WbShared {
    idle: Mutex<HashMap<Digest32, Instant>>,
    drafts: Mutex<HashMap<String, Draft>>,
    names: Mutex<Option<std::sync::Arc<auth::Names>>>,
}

/// Form values sent after the session ended, kept until the user signs in again.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    /// The workbench page the form belongs to.
    pub(crate) path: String,
    /// The values, in form order, without the CSRF token.
    pub(crate) fields: Vec<(String, String)>,
    /// The user the session belonged to, when known: only they may resume it.
    pub(crate) user: Option<String>,
    saved: Instant,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl WbShared {
    /// Marks the session used now; `false` if it had been idle longer than `timeout` (the
    /// caller ends it). The authority is the store (`Store::touch_session`), so that every node
    /// of a deployment and a restarted one see the same activity; this process writes there at
    /// most every `timeout / 4` (at most a minute) per session, so a page view costs no write.
    /// An idle session is therefore found idle up to that interval early, never late.
    pub(crate) async fn touch(
        &self,
        state: &AppState,
        session: &Digest32,
    ) -> Result<bool, liuhen_core::ports::StoreError> {
        let store = state.store.as_ref();
        let timeout = state.config.idle_timeout.unsigned_abs();
        let now = Instant::now();
        let write_every = (timeout / 4).min(std::time::Duration::from_secs(60));
        if lock(&self.idle)
            .get(session)
            .is_some_and(|written| now.duration_since(*written) < write_every)
        {
            return Ok(true);
        }
        let now_ms = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis(),
        )
        .unwrap_or(i64::MAX);
        let idle_ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
        let active = store.touch_session(session, now_ms, idle_ms).await?;
        let mut idle = lock(&self.idle);
        if active {
            if idle.len() > 100_000 {
                idle.retain(|_, written| now.duration_since(*written) <= timeout);
            }
            idle.insert(*session, now);
        } else {
            idle.remove(session);
        }
        Ok(active)
    }

    /// Forgets a session (sign-out).
    pub(crate) fn forget(&self, session: &Digest32) {
        lock(&self.idle).remove(session);
    }

    /// Keeps a draft and returns its random id.
    pub(crate) fn save_draft(
        &self,
        path: String,
        fields: Vec<(String, String)>,
        user: Option<String>,
    ) -> Option<String> {
        let id = auth::random_id()?;
        let mut drafts = lock(&self.drafts);
        drafts.retain(|_, draft| draft.saved.elapsed() < DRAFT_TTL);
        if drafts.len() >= MAX_DRAFTS {
            return None;
        }
        drafts.insert(
            id.clone(),
            Draft {
                path,
                fields,
                user,
                saved: Instant::now(),
            },
        );
        Some(id)
    }

    /// Takes the draft `id` for `path` if it belongs to `user` (or to nobody known).
    pub(crate) fn take_draft(&self, id: &str, path: &str, user: &str) -> Option<Draft> {
        let mut drafts = lock(&self.drafts);
        let draft = drafts.get(id)?;
        if draft.path != path
            || draft.saved.elapsed() >= DRAFT_TTL
            || draft.user.as_deref().is_some_and(|owner| owner != user)
        {
            return None;
        }
        drafts.remove(id)
    }

    /// The page a draft returns to (for the redirect after sign-in).
    pub(crate) fn draft_path(&self, id: &str) -> Option<String> {
        lock(&self.drafts).get(id).map(|draft| draft.path.clone())
    }
}

/// The workbench's routes, with security headers. Record entry takes the evidence size limit
/// (a form may carry a video) and no timeout; every other route has the JSON body limit and the
/// request timeout.
pub fn router(state: &AppState) -> Router<AppState> {
    let evidence_limit = usize::try_from(state.config.evidence_limit).unwrap_or(usize::MAX);
    let uploads = Router::new()
        .route(
            "/workbench/cases/{id}/records/new",
            get(records::form_page).post(records::submit),
        )
        .layer(RequestBodyLimitLayer::new(evidence_limit))
        .layer(DefaultBodyLimit::disable());
    let pages = Router::new()
        .route("/workbench", get(home::home))
        .route("/workbench/", get(home::home))
        .route("/workbench/login", get(auth::login_page).post(auth::login))
        .route("/workbench/logout", post(auth::logout))
        .route(
            "/workbench/role",
            get(auth::role_page).post(auth::choose_role),
        )
        .route("/workbench/cases", get(cases::list))
        .route(
            "/workbench/cases/new",
            get(cases::new_page).post(cases::create),
        )
        .route("/workbench/cases/{id}", get(case_page::show))
        .route(
            "/workbench/cases/{id}/records/{seq}/proof",
            get(case_page::proof),
        )
        .route(
            "/workbench/cases/{id}/records/{seq}/void",
            get(records::void_page).post(records::void),
        )
        .route("/workbench/assets/{file}", get(view::asset))
        .route("/workbench/{*rest}", get(not_found))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config.request_timeout,
        ))
        .layer(RequestBodyLimitLayer::new(state.config.body_limit))
        .layer(DefaultBodyLimit::max(state.config.body_limit));
    (pages.merge(uploads)).layer(axum::middleware::map_response(security_headers))
}

/// Adds the CSP and the other protective headers; pages are personal, so never cached.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    crate::portal::protective_headers(headers, CSP);
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn not_found(staff: Staff) -> WbError {
    let _ = staff;
    WbError::NotFound
}

/// Why a workbench page cannot be shown; always answered as a workbench HTML page, never JSON.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WbError {
    /// No such page or object, or one outside the user's bodies (never revealed which).
    #[error("not found")]
    NotFound,
    /// The role may not do this; the text says why in Chinese.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request is malformed (not a form the workbench made); the text is shown.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Anything else; details go to the log only.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<CoreError> for WbError {
    fn from(err: CoreError) -> WbError {
        match err {
            CoreError::NotFound(_) => WbError::NotFound,
            CoreError::Forbidden(refusal) => WbError::Forbidden(view::refusal_text(&refusal)),
            CoreError::Refused(refusal) => WbError::Forbidden(view::refusal_text(&refusal)),
            CoreError::Invalid { reason, .. } if reason.chars().any(view::is_cjk) => {
                WbError::BadRequest(reason)
            }
            other => WbError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for WbError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            WbError::NotFound => (
                StatusCode::NOT_FOUND,
                "未找到",
                "未找到该页面或案件，或者它不在您所在执法主体的范围内。".to_owned(),
            ),
            WbError::Forbidden(text) => (StatusCode::FORBIDDEN, "无权操作", text.clone()),
            WbError::BadRequest(text) => (StatusCode::BAD_REQUEST, "请求有误", text.clone()),
            WbError::Internal(detail) => {
                tracing::error!(error = %detail, "workbench page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务暂时不可用",
                    "服务器内部错误，请稍后再试。已输入的内容未丢失时，可返回上一页重新提交。"
                        .to_owned(),
                )
            }
        };
        let page = view::ErrorPage {
            title: title.to_owned(),
            message,
        };
        (status, render(&page)).into_response()
    }
}

/// Renders a template, falling back to a minimal page (a template bug must not be a panic).
pub(crate) fn render<T: askama::Template>(template: &T) -> Html<String> {
    match template.render() {
        Ok(html) => Html(html),
        Err(err) => {
            tracing::error!(error = %err, "workbench template failed");
            Html(
                "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>错误</title><p>服务器内部错误</p></html>"
                    .to_owned(),
            )
        }
    }
}
