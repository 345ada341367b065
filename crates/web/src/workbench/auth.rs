//! Sign-in, sign-out, the grant a user acts in, the idle timeout and CSRF for the workbench.
//!
//! # Design
//! - The workbench uses the API's sessions (`crate::session`): one sign-in path
//!   (`session::sign_in`: Argon2id, failure limit, audit), the same HttpOnly SameSite=Strict cookie,
//!   Secure when configured. Only the cookie is read here, never a bearer token.
//! - Idle timeout (等保 2.0 level 3): a session unused for `WebConfig::idle_timeout` (default 30
//!   minutes) is deleted on its next use, and the user signs in again. Activity is kept in the
//!   store (`Store::touch_session`), so it holds across nodes and restarts; API requests that
//!   come with the session cookie (the workbench's own uploads) count as activity too.
//! - A form sent after the session ended is not lost: its values are kept server-side as a
//!   *draft* ([`super::WbShared`]), the sign-in page carries only the draft's random id, and after
//!   sign-in the user lands back on the same form with every value filled in. A file chosen in
//!   that form cannot be kept by a browser and must be chosen again; the page says so.
//! - CSRF: every state-changing form carries the session's CSRF token in a hidden field, checked
//!   in constant time; the sign-in form (no session yet) uses a double-submit cookie.
//! - A user with several grants (roles, or one role in several bodies) chooses the one they act
//!   in; the choice is a cookie naming the grant, and every request narrows the caller's context
//!   to it, so a page can do only what the chosen role may. The cookie can only narrow: a grant
//!   the user does not hold is ignored.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use liuhen_core::ports::Session;
use liuhen_core::registry::RoleGrant;
use liuhen_core::role::Role;
use liuhen_core::service::Ctx;
use serde::Deserialize;
use subtle::ConstantTimeEq as _;

use super::view::Layout;
use super::{PREFIX, WbError, render};
use crate::error::ApiError;
use crate::session::{self, AuditSlot, ClientIp, SESSION_COOKIE};
use crate::state::AppState;

/// Cookie naming the grant the user acts in: `ROLE@body` or `ROLE@-` (district-wide).
const ACTING_COOKIE: &str = "liuhen_acting";
/// Double-submit cookie of the sign-in form.
const LOGIN_CSRF_COOKIE: &str = "liuhen_login_csrf";

/// 128 random bits, base64url (draft ids, sign-in form tokens).
pub(crate) fn random_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|text| text.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .ok()
}

fn grant_code(grant: &RoleGrant) -> String {
    format!(
        "{}@{}",
        grant.role.code(),
        grant.body.as_ref().map_or("-", |body| body.as_str())
    )
}

/// A local workbench path to return to (never another site: no open redirect).
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with("/workbench")
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => PREFIX.to_owned(),
    }
}

fn encode_query(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A signed-in staff member acting in one grant.
#[derive(Debug, Clone)]
pub(crate) struct Staff {
    /// The caller, narrowed to the acting grant.
    pub(crate) ctx: Ctx,
    /// The session.
    pub(crate) session: Session,
    /// The grant acted in.
    pub(crate) grant: RoleGrant,
    /// Header data of every page.
    pub(crate) layout: Layout,
}

impl Staff {
    /// The page header with `nav` as the current entry.
    pub(crate) fn layout(&self, nav: &'static str) -> Layout {
        Layout {
            nav,
            ..self.layout.clone()
        }
    }

    /// Checks a form's CSRF token against the session's.
    pub(crate) fn check_csrf(&self, presented: &str) -> Result<(), WbError> {
        let expected = self.session.csrf_token.as_bytes();
        if presented.is_empty() || !bool::from(presented.as_bytes().ct_eq(expected)) {
            return Err(WbError::Forbidden(
                "表单已过期或不是从本系统页面提交的，请刷新页面后重新提交。".to_owned(),
            ));
        }
        Ok(())
    }
}

/// Why a request has no usable session; answered with the sign-in page.
#[derive(Debug, Clone)]
pub(crate) struct NeedLogin {
    /// The page asked for (path and query).
    pub(crate) next: String,
    /// Why: `idle`, `expired` or none (never signed in).
    pub(crate) why: Option<&'static str>,
    /// The user of the ended session, when known (a draft is kept for them only).
    pub(crate) user: Option<String>,
}

impl NeedLogin {
    /// The sign-in page after a form was sent without a session: keeps the values as a draft
    /// and sends the user back to the form after sign-in.
    pub(crate) fn keep_draft(
        self,
        state: &AppState,
        path: &str,
        fields: Vec<(String, String)>,
    ) -> Response {
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .filter(|(name, _)| name != "csrf")
            .collect();
        let draft = state
            .workbench
            .save_draft(path.to_owned(), fields, self.user.clone());
        login_response(
            state,
            &self.next,
            self.why.or(Some("expired")),
            draft,
            None,
            String::new(),
        )
    }
}

/// Either a role must be chosen first, or the sign-in page is needed.
#[derive(Debug)]
pub(crate) enum StaffRejection {
    Login(NeedLogin),
    ChooseRole(String),
    NoGrant,
    Internal(String),
}

impl IntoResponse for StaffRejection {
    fn into_response(self) -> Response {
        match self {
            StaffRejection::Login(need) => {
                let mut target = format!("{PREFIX}/login?next={}", encode_query(&need.next));
                if let Some(why) = need.why {
                    target.push_str(&format!("&why={why}"));
                }
                Redirect::to(&target).into_response()
            }
            StaffRejection::ChooseRole(next) => {
                Redirect::to(&format!("{PREFIX}/role?next={}", encode_query(&next))).into_response()
            }
            StaffRejection::NoGrant => WbError::Forbidden(
                "该账号没有任何执法主体或岗位授权，请联系安全管理员。".to_owned(),
            )
            .into_response(),
            StaffRejection::Internal(detail) => WbError::Internal(detail).into_response(),
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = StaffRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Staff, StaffRejection> {
        let next = parts
            .uri
            .path_and_query()
            .map_or_else(|| PREFIX.to_owned(), |pq| pq.as_str().to_owned());
        // After a form is sent without a session, the user returns to the same path (each
        // workbench form is served and received at one path; its draft brings the values back).
        let next = if parts.method == Method::GET {
            next
        } else {
            parts.uri.path().to_owned()
        };
        let login = |why, user| {
            StaffRejection::Login(NeedLogin {
                next: next.clone(),
                why,
                user,
            })
        };
        let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty())
        else {
            return Err(login(None, None));
        };
        let hash = session::token_hash(token);
        let client_ip = parts
            .extensions
            .get::<ClientIp>()
            .and_then(|ip| ip.0.clone());
        let (session, mut ctx) = match session::resolve(state, &hash, client_ip).await {
            Ok(found) => found,
            Err(ApiError::Unauthenticated) => return Err(login(Some("expired"), None)),
            Err(other) => return Err(StaffRejection::Internal(other.to_string())),
        };
        let active = state
            .workbench
            .touch(state, &hash)
            .await
            .map_err(|err| StaffRejection::Internal(err.to_string()))?;
        if !active {
            end_session(state, &session).await;
            return Err(login(Some("idle"), Some(session.user.to_string())));
        }
        if let Some(slot) = parts.extensions.get::<AuditSlot>() {
            slot.set(&session.user);
        }
        let grants = ctx.grants.clone();
        let chosen = cookie_value(&parts.headers, ACTING_COOKIE)
            .and_then(|code| grants.iter().find(|grant| grant_code(grant) == code))
            .cloned();
        let grant = match (chosen, grants.as_slice()) {
            (Some(grant), _) => grant,
            (None, [only]) => only.clone(),
            (None, []) => return Err(StaffRejection::NoGrant),
            (None, _) => {
                let path = parts.uri.path();
                if path == format!("{PREFIX}/role") || path == format!("{PREFIX}/logout") {
                    grants[0].clone()
                } else {
                    return Err(StaffRejection::ChooseRole(next));
                }
            }
        };
        ctx.grants = vec![grant.clone()];
        let names = state.workbench.names(state).await;
        let body_name = grant
            .body
            .as_ref()
            .map_or_else(|| "全区".to_owned(), |body| names.body(body));
        let user_name = ctx
            .officer
            .as_ref()
            .and_then(|officer| names.officers.get(officer.as_str()).cloned())
            .unwrap_or_else(|| names.user(session.user.as_str()));
        let layout = Layout {
            user_name,
            acting: format!("{} · {body_name}", grant.role.label()),
            can_switch: grants.len() > 1,
            csrf: session.csrf_token.clone(),
            nav: "",
            idle_text: super::view::idle_text(state.config.idle_timeout),
        };
        Ok(Staff {
            ctx,
            session,
            grant,
            layout,
        })
    }
}

/// Deletes a session everywhere this process knows it.
pub(crate) async fn end_session(state: &AppState, session: &Session) {
    state.auth_cache.remove(&session.token_hash);
    state.workbench.forget(&session.token_hash);
    if let Err(err) = state.store.delete_session(&session.token_hash).await {
        tracing::warn!(error = %err, "could not delete a session");
    }
    state.auth_cache.remove(&session.token_hash);
}

#[derive(Template)]
#[template(path = "workbench/login.html")]
struct LoginPage {
    next: String,
    notice: String,
    error: String,
    draft: String,
    username: String,
    token: String,
}

fn login_response(
    state: &AppState,
    next: &str,
    why: Option<&str>,
    draft: Option<String>,
    error: Option<String>,
    username: String,
) -> Response {
    let notice = match (why, draft.is_some()) {
        (Some("idle"), true) => format!(
            "您已超过 {} 未操作，系统已自动退出。刚才填写的内容已保存，重新登录后将回到原页面继续填写。",
            super::view::idle_text(state.config.idle_timeout)
        ),
        (Some("idle"), false) => format!(
            "您已超过 {} 未操作，系统已自动退出，请重新登录。",
            super::view::idle_text(state.config.idle_timeout)
        ),
        (Some(_), true) => {
            "登录已失效。刚才填写的内容已保存，重新登录后将回到原页面继续填写。".to_owned()
        }
        (Some("out"), false) => "您已安全退出。".to_owned(),
        (Some(_), false) => "登录已失效，请重新登录。".to_owned(),
        (None, _) => String::new(),
    };
    let token = random_id().unwrap_or_default();
    let page = LoginPage {
        next: safe_next(Some(next)),
        notice,
        error: error.unwrap_or_default(),
        draft: draft.unwrap_or_default(),
        username,
        token: token.clone(),
    };
    let status = if page.error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNAUTHORIZED
    };
    let mut response = (status, render(&page)).into_response();
    if let Some(cookie) = set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    why: Option<String>,
}

/// `GET /workbench/login`.
pub(crate) async fn login_page(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let why = match query.why.as_deref() {
        Some("idle") => Some("idle"),
        Some("expired") => Some("expired"),
        Some("out") => Some("out"),
        _ => None,
    };
    login_response(
        &state,
        query.next.as_deref().unwrap_or(PREFIX),
        why,
        None,
        None,
        String::new(),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    draft: String,
    #[serde(default)]
    token: String,
}

/// `POST /workbench/login`.
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    client_ip: Option<axum::Extension<ClientIp>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let draft = (!form.draft.is_empty()).then(|| form.draft.clone());
    let cookie_token = cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if form.token.is_empty() || !bool::from(form.token.as_bytes().ct_eq(cookie_token.as_bytes())) {
        return login_response(
            &state,
            &form.next,
            None,
            draft,
            Some("登录页面已过期，请重新输入用户名和口令后登录。".to_owned()),
            form.username,
        );
    }
    let client_ip = client_ip.and_then(|axum::Extension(ClientIp(ip))| ip);
    let signed_in = match session::sign_in(&state, &form.username, &form.password, client_ip).await
    {
        Ok(signed_in) => signed_in,
        Err(err) => {
            let message = match err {
                ApiError::TooManyAttempts { retry_after_secs } => format!(
                    "登录失败次数过多，该账号已暂时锁定，请 {} 分钟后再试。",
                    retry_after_secs.div_ceil(60).max(1)
                ),
                ApiError::Invalid { .. } => "请输入用户名（1–64 个字符）。".to_owned(),
                ApiError::BadCredentials | ApiError::Unauthenticated => {
                    "用户名或口令不正确。".to_owned()
                }
                other => {
                    tracing::error!(error = %other, "workbench sign-in failed");
                    "服务器内部错误，请稍后再试。".to_owned()
                }
            };
            return login_response(
                &state,
                &form.next,
                None,
                draft,
                Some(message),
                form.username,
            );
        }
    };
    // The first use of the new session (its idle clock starts here, on every node).
    if let Err(err) = state
        .workbench
        .touch(&state, &signed_in.session.token_hash)
        .await
    {
        tracing::warn!(error = %err, "could not record a session's first use");
    }
    let mut target = match draft
        .as_deref()
        .and_then(|id| state.workbench.draft_path(id).map(|path| (id, path)))
    {
        Some((id, path)) => format!("{path}?draft={id}"),
        None => safe_next(Some(&form.next)),
    };
    // Several grants and none chosen yet (or the chosen one no longer held): choose first.
    let chosen = cookie_value(&headers, ACTING_COOKIE).is_some_and(|code| {
        signed_in
            .ctx
            .grants
            .iter()
            .any(|grant| grant_code(grant) == code)
    });
    if signed_in.ctx.grants.len() > 1 && !chosen {
        target = format!("{PREFIX}/role?next={}", encode_query(&target));
    }
    let mut response = Redirect::to(&target).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, signed_in.cookie);
    if let Some(cookie) = set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response.extensions_mut().insert(session::Audited);
    response
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /workbench/logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    staff: Result<Staff, StaffRejection>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Ok(staff) = staff else {
        return Redirect::to(&format!("{PREFIX}/login?why=out")).into_response();
    };
    if let Err(err) = staff.check_csrf(&form.csrf) {
        return err.into_response();
    }
    end_session(&state, &staff.session).await;
    let mut response = Redirect::to(&format!("{PREFIX}/login?why=out")).into_response();
    for name in [SESSION_COOKIE, ACTING_COOKIE] {
        if let Some(cookie) = set_cookie(&state, name, "", 0) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// A grant on the role page.
pub(crate) struct GrantOption {
    code: String,
    role: String,
    body: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "workbench/role.html")]
struct RolePage {
    layout: Layout,
    grants: Vec<GrantOption>,
    next: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// `GET /workbench/role`: choose the grant to act in.
pub(crate) async fn role_page(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, WbError> {
    let ctx = state
        .services
        .context_for(&staff.session.user, None)
        .await?;
    let names = state.workbench.names(&state).await;
    let current = cookie_value(&headers, ACTING_COOKIE).unwrap_or_default();
    let mut grants: Vec<GrantOption> = ctx
        .grants
        .iter()
        .map(|grant| GrantOption {
            code: grant_code(grant),
            role: grant.role.label().to_owned(),
            body: grant
                .body
                .as_ref()
                .map_or_else(|| "全区".to_owned(), |body| names.body(body)),
            current: grant_code(grant) == current,
        })
        .collect();
    grants.sort_by(|a, b| (&a.body, &a.role).cmp(&(&b.body, &b.role)));
    let page = RolePage {
        layout: staff.layout("role"),
        grants,
        next: safe_next(query.next.as_deref()),
    };
    Ok(render(&page).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    grant: String,
    #[serde(default)]
    next: String,
}

/// `POST /workbench/role`.
pub(crate) async fn choose_role(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<RoleForm>,
) -> Result<Response, WbError> {
    staff.check_csrf(&form.csrf)?;
    let ctx = state
        .services
        .context_for(&staff.session.user, None)
        .await?;
    if !ctx
        .grants
        .iter()
        .any(|grant| grant_code(grant) == form.grant)
    {
        return Err(WbError::BadRequest("请选择您持有的一项授权。".to_owned()));
    }
    let mut response = Redirect::to(&safe_next(Some(&form.next))).into_response();
    if let Some(cookie) = set_cookie(
        &state,
        ACTING_COOKIE,
        &form.grant,
        state.config.session_ttl.whole_seconds(),
    ) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// How long registry names are reused when this process made no registry change (a change made
/// on another node of the deployment shows within this time).
const NAMES_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// Names of bodies and officers for page headers and pickers, refreshed when the registry
/// changes in this process (`Services::registry_generation`) and at least every [`NAMES_TTL`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    generation: u64,
    /// When it was read: another node's registry changes show after [`NAMES_TTL`].
    read_at: Option<std::time::Instant>,
    pub(crate) bodies: HashMap<String, String>,
    pub(crate) officers: HashMap<String, String>,
    /// Display names of users (staff are shown by name, never by account name).
    pub(crate) users: HashMap<String, String>,
}

impl Names {
    /// A user's display name; `工作人员` for an account the registry does not know.
    pub(crate) fn user(&self, user: &str) -> String {
        self.users
            .get(user)
            .cloned()
            .unwrap_or_else(|| "工作人员".to_owned())
    }

    /// A body's name (its id only if the registry has none, which a registered body always has).
    pub(crate) fn body(&self, body: &liuhen_core::ids::BodyId) -> String {
        self.bodies
            .get(body.as_str())
            .cloned()
            .unwrap_or_else(|| "未登记的执法主体".to_owned())
    }
}

impl super::WbShared {
    /// The registry names, read again only after a registry change.
    pub(crate) async fn names(&self, state: &AppState) -> std::sync::Arc<Names> {
        let generation = state.services.registry_generation();
        {
            let cached = super::lock(&self.names);
            if let Some(names) = cached.as_ref()
                && names.generation == generation
                && names.read_at.is_some_and(|at| at.elapsed() < NAMES_TTL)
            {
                return names.clone();
            }
        }
        let mut names = Names {
            generation,
            read_at: Some(std::time::Instant::now()),
            ..Names::default()
        };
        // The registry is public data (D4-a); a caller without grants reads it.
        let ctx = Ctx {
            user: match liuhen_core::ids::UserId::new("workbench") {
                Ok(user) => user,
                Err(_) => return std::sync::Arc::new(names),
            },
            grants: vec![RoleGrant {
                role: Role::Supervisor,
                body: None,
            }],
            officer: None,
            client_ip: None,
        };
        if let Ok(bodies) = state.services.bodies(&ctx).await {
            for body in bodies {
                if let Ok(officers) = state.services.officers(&ctx, &body.id).await {
                    for officer in officers {
                        names
                            .officers
                            .insert(officer.id.to_string(), officer.profile.name.clone());
                    }
                }
                names
                    .bodies
                    .insert(body.id.to_string(), body.profile.name.clone());
            }
        }
        // User profiles are read from the store directly: listing users is an administrator's
        // command, and the workbench needs only the display names (UserProfile::name).
        let mut offset = 0;
        loop {
            let rows = state
                .store
                .list_projections(&liuhen_core::ports::ProjectionQuery {
                    kind: Some(liuhen_core::ports::ProjectionKind::User),
                    bodies: None,
                    status: None,
                    limit: 1000,
                    offset,
                })
                .await
                .unwrap_or_default();
            let count = rows.len();
            for row in rows {
                if let Ok(user) =
                    serde_json::from_value::<liuhen_core::registry::UserView>(row.data)
                {
                    names
                        .users
                        .insert(user.id.to_string(), user.profile.name.clone());
                }
            }
            if count < 1000 {
                break;
            }
            offset += 1000;
        }
        let names = std::sync::Arc::new(names);
        *super::lock(&self.names) = Some(names.clone());
        names
    }
}
