//! Sign-in sessions: `POST /api/v1/session` (login), `GET` (who am I), `DELETE` (logout), and the
//! [`Authenticated`] extractor every protected handler takes.
//!
//! # Design
//! - A session token is 32 random bytes from the OS (getrandom), base64url. The store keeps only
//!   its SHA-256 (`Session::token_hash`), so a database leak yields no usable tokens. SHA-256 and
//!   not Argon2: the token has 256 bits of entropy, there is nothing to brute-force.
//! - The token travels either as the cookie `liuhen_session` (HttpOnly, SameSite=Strict, Secure
//!   unless configured off for the loopback demo) or as `Authorization: Bearer <token>` for
//!   programs. The login response carries it in the JSON body for the latter.
//! - Sessions expire absolutely after `WebConfig::session_ttl` (8 h); no sliding renewal. A
//!   browser's (cookie) session also ends after `WebConfig::idle_timeout` without use (30 min,
//!   等保 2.0 level 3); the activity is kept in the store (`Store::touch_session`).
//! - CSRF: SameSite=Strict already keeps other sites' requests from carrying the cookie; as
//!   defence in depth (older browsers, same-site subdomains), a cookie-authenticated request with
//!   an unsafe method must send `X-CSRF-Token` equal to the session's token, which only the
//!   login response reveals. Bearer requests are exempt: a browser never adds that header by
//!   itself, so a cross-site request cannot carry it.
//! - Unknown usernames are checked against a dummy Argon2 hash so that they take as long as a
//!   wrong password (no user enumeration by timing), and both answer the same 401.
//! - Failed sign-ins are limited per username ([`crate::password`]): 429 after 5 failures in 15
//!   minutes.
//! - Every sign-in attempt, success or failure, is audited with the client address (R4-b).

use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use liuhen_core::ids::UserId;
use liuhen_core::ports::{AuditEntry, Digest32, Session};
use liuhen_core::service::Ctx;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::dto::{LoginRequest, SessionCreated, WhoAmI};
use crate::error::{ApiError, ErrorBody};
use crate::extract::AppJson;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "liuhen_session";
/// Header carrying the CSRF token on cookie-authenticated unsafe requests.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Longest username accepted.
const MAX_USERNAME_LEN: usize = 64;

/// The client address as the middleware determined it (connection peer, or the trusted
/// `X-Forwarded-For`), for audit entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientIp(pub(crate) Option<String>);

/// Filled by [`Authenticated`] so that the audit middleware knows who made the request after the
/// handler has run.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuditSlot(pub(crate) Arc<Mutex<Option<UserId>>>);

impl AuditSlot {
    pub(crate) fn set(&self, user: &UserId) {
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Some(user.clone());
    }

    pub(crate) fn get(&self) -> Option<UserId> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// Marks a response whose handler wrote its own audit entry (sign-in), so the middleware does
/// not write a second one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Audited;

/// How the request presented its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// `Authorization: Bearer …` (programs; CSRF-exempt).
    Bearer,
    /// The `liuhen_session` cookie (browsers; CSRF-checked on unsafe methods).
    Cookie,
}

/// A signed-in caller: the core context plus the session it came with. Extracting it rejects
/// with 401 (no/expired session) or 403 `csrf`.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The core's context: user, role grants, officer identity, client address.
    pub ctx: Ctx,
    /// The session.
    pub session: Session,
    /// How the token came.
    pub source: TokenSource,
}

pub(crate) fn token_hash(token: &str) -> Digest32 {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Sha256::digest(token.as_bytes()));
    out
}

fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| ApiError::Internal(format!("getrandom: {err}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The token of the request: bearer first, then the cookie. A malformed `Authorization` header
/// is an error rather than a fall-through to the cookie, so a program's mistake is not masked.
pub(crate) fn request_token(
    headers: &HeaderMap,
) -> Result<Option<(String, TokenSource)>, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let text = value.to_str().map_err(|_| ApiError::Unauthenticated)?;
        let Some((scheme, token)) = text.split_once(' ') else {
            return Err(ApiError::Unauthenticated);
        };
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::Unauthenticated);
        }
        return Ok(Some((token.trim().to_owned(), TokenSource::Bearer)));
    }
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for pair in text.split(';') {
            if let Some((name, token)) = pair.trim().split_once('=')
                && name == SESSION_COOKIE
                && !token.is_empty()
            {
                return Ok(Some((token.to_owned(), TokenSource::Cookie)));
            }
        }
    }
    Ok(None)
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Authenticated, ApiError> {
        let Some((token, source)) = request_token(&parts.headers)? else {
            return Err(ApiError::Unauthenticated);
        };
        let hash = token_hash(&token);
        let client_ip = parts
            .extensions
            .get::<ClientIp>()
            .and_then(|ip| ip.0.clone());
        let (session, ctx) = resolve(state, &hash, client_ip).await?;
        if let Some(slot) = parts.extensions.get::<AuditSlot>() {
            slot.set(&session.user);
        }
        // A browser's session (the cookie) ends after the idle timeout, whether the last
        // requests were pages or the pages' own API calls (uploads); programs (bearer) are not
        // interactive and keep only the absolute lifetime.
        if source == TokenSource::Cookie {
            let active = state.workbench.touch(state, &hash).await?;
            if !active {
                crate::workbench::end_session(state, &session).await;
                return Err(ApiError::Unauthenticated);
            }
        }
        if source == TokenSource::Cookie && !parts.method.is_safe() {
            let presented = parts
                .headers
                .get(CSRF_HEADER)
                .map(HeaderValue::as_bytes)
                .unwrap_or_default();
            let expected = session.csrf_token.as_bytes();
            if presented.is_empty() || !bool::from(presented.ct_eq(expected)) {
                return Err(ApiError::Csrf);
            }
        }
        Ok(Authenticated {
            ctx,
            session,
            source,
        })
    }
}

/// The session behind `hash` and its caller context, from the sign-in cache or the store
/// ([`crate::auth_cache`]); 401 for an unknown or expired session or a user that no longer exists.
pub(crate) async fn resolve(
    state: &AppState,
    hash: &Digest32,
    client_ip: Option<String>,
) -> Result<(Session, Ctx), ApiError> {
    let now = state.services.now();
    let generation = state.services.registry_generation();
    let cached = state
        .auth_cache
        .get(hash, generation, std::time::Instant::now());
    let (session, mut ctx) = match cached {
        Some(found) => found,
        None => {
            let Some(session) = state.store.session(hash).await? else {
                return Err(ApiError::Unauthenticated);
            };
            let ctx = state
                .services
                .context_for(&session.user, None)
                .await
                .map_err(|err| {
                    // A session whose user no longer exists is no session.
                    match ApiError::from(err) {
                        ApiError::NotFound(_) | ApiError::Forbidden(_) => ApiError::Unauthenticated,
                        other => other,
                    }
                })?;
            if now < session.expires_at {
                state.auth_cache.put(
                    session.clone(),
                    ctx.clone(),
                    generation,
                    std::time::Instant::now(),
                );
            }
            (session, ctx)
        }
    };
    if now >= session.expires_at {
        state.auth_cache.remove(hash);
        // Expired sessions are removed lazily; failing to remove one changes nothing for the
        // caller, who is refused either way.
        if let Err(err) = state.store.delete_session(hash).await {
            tracing::warn!(error = %err, "could not delete an expired session");
        }
        return Err(ApiError::Unauthenticated);
    }
    ctx.client_ip = client_ip;
    Ok((session, ctx))
}

pub(crate) fn session_cookie(
    token: &str,
    max_age_secs: i64,
    secure: bool,
) -> Result<HeaderValue, ApiError> {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}"
    );
    HeaderValue::from_str(&cookie)
        .map_err(|err| ApiError::Internal(format!("cookie header: {err}")))
}

async fn audit(state: &AppState, entry: AuditEntry) {
    if let Err(err) = state.store.audit(entry).await {
        tracing::error!(error = %err, "could not write an audit entry");
    }
}

/// Signs in with username and password.
#[utoipa::path(
    post,
    path = "/session",
    tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; also sets the `liuhen_session` cookie", body = SessionCreated),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Unknown user or wrong password", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins for this username", body = ErrorBody),
    )
)]
pub(crate) async fn login(
    State(state): State<AppState>,
    client_ip: Option<axum::Extension<ClientIp>>,
    AppJson(request): AppJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let client_ip = client_ip.and_then(|axum::Extension(ClientIp(ip))| ip);
    let signed_in = sign_in(&state, &request.username, &request.password, client_ip).await?;
    let body = SessionCreated {
        token: signed_in.token.clone(),
        csrf_token: signed_in.session.csrf_token.clone(),
        who: WhoAmI::new(&signed_in.ctx, &signed_in.session),
    };
    let mut response = (StatusCode::OK, AppJson(body)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, signed_in.cookie);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.extensions_mut().insert(Audited);
    Ok(response)
}

/// A new session: its token (shown once), the stored session, the caller and the cookie.
pub(crate) struct SignedIn {
    pub(crate) token: String,
    pub(crate) session: Session,
    pub(crate) ctx: Ctx,
    pub(crate) cookie: HeaderValue,
}

/// Checks a username and password and opens a session: the one sign-in of the API and the
/// workbench. Limits failures per username, audits every attempt with the client address
/// (R4-b) and answers an unknown user exactly like a wrong password.
pub(crate) async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    client_ip: Option<String>,
) -> Result<SignedIn, ApiError> {
    let now = state.services.now();
    let username = username.trim().to_owned();
    if username.is_empty() || username.chars().count() > MAX_USERNAME_LEN {
        return Err(ApiError::Invalid {
            field: "username".to_owned(),
            reason: "须为 1–64 个字符".to_owned(),
        });
    }
    if password.len() > crate::password::MAX_PASSWORD_BYTES {
        return Err(ApiError::BadCredentials);
    }
    let object = format!("session/{username}");
    if let Err(retry_after_secs) = state.login_limiter.check(&username, now) {
        audit(
            state,
            AuditEntry {
                time: now,
                user: None,
                action: "login".to_owned(),
                object,
                client_ip,
                outcome: "too_many_requests".to_owned(),
            },
        )
        .await;
        return Err(ApiError::TooManyAttempts { retry_after_secs });
    }
    let stored = state.store.password_hash(&username).await?;
    let matches = state
        .passwords
        .verify(password, stored.as_ref().map(|(_, phc)| phc.as_str()))
        .await;
    let user = match (matches, stored) {
        (true, Some((user, _))) => user,
        _ => {
            state.login_limiter.record_failure(&username, now);
            audit(
                state,
                AuditEntry {
                    time: now,
                    user: None,
                    action: "login".to_owned(),
                    object,
                    client_ip,
                    outcome: "unauthenticated".to_owned(),
                },
            )
            .await;
            return Err(ApiError::BadCredentials);
        }
    };
    state.login_limiter.record_success(&username);
    let ctx = state
        .services
        .context_for(&user, client_ip.clone())
        .await
        .map_err(|err| match ApiError::from(err) {
            // A password without a user registry entry cannot sign in.
            ApiError::NotFound(_) | ApiError::Forbidden(_) => ApiError::BadCredentials,
            other => other,
        })?;
    let token = random_token()?;
    let csrf_token = random_token()?;
    let expires_at = now + state.config.session_ttl;
    let session = Session {
        token_hash: token_hash(&token),
        user: user.clone(),
        created_at: now,
        expires_at,
        csrf_token,
    };
    state.store.create_session(&session).await?;
    audit(
        state,
        AuditEntry {
            time: now,
            user: Some(user),
            action: "login".to_owned(),
            object,
            client_ip,
            outcome: "ok".to_owned(),
        },
    )
    .await;
    let cookie = session_cookie(
        &token,
        state.config.session_ttl.whole_seconds(),
        state.config.secure_cookies,
    )?;
    Ok(SignedIn {
        token,
        session,
        ctx,
        cookie,
    })
}

/// Who is signed in: user, officer identity, role grants, session expiry.
#[utoipa::path(
    get,
    path = "/session",
    tag = "session",
    responses(
        (status = 200, description = "The current session", body = WhoAmI),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn whoami(auth: Authenticated) -> AppJson<WhoAmI> {
    AppJson(WhoAmI::new(&auth.ctx, &auth.session))
}

/// Signs out: deletes the session and clears the cookie.
#[utoipa::path(
    delete,
    path = "/session",
    tag = "session",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Cookie session without X-CSRF-Token", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn logout(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, ApiError> {
    state.auth_cache.remove(&auth.session.token_hash);
    state.store.delete_session(&auth.session.token_hash).await?;
    // Removed again: a request that read the session before the delete may have cached it.
    state.auth_cache.remove(&auth.session.token_hash);
    let cookie = session_cookie("", 0, state.config.secure_cookies)?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(headers: &[(&str, &str)], expect: Result<Option<(&str, TokenSource)>, ()>) {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let got = request_token(&map).map_err(|_| ());
        let got = got.as_ref().map(|found| {
            found
                .as_ref()
                .map(|(token, source)| (token.as_str(), *source))
        });
        assert_eq!(got, expect.as_ref().map(|found| *found), "{headers:?}");
    }

    #[test]
    fn bearer_header_is_read() {
        check(
            &[("authorization", "Bearer abc")],
            Ok(Some(("abc", TokenSource::Bearer))),
        );
        check(
            &[("authorization", "bearer abc")],
            Ok(Some(("abc", TokenSource::Bearer))),
        );
    }

    #[test]
    fn malformed_authorization_is_refused_not_ignored() {
        check(
            &[
                ("authorization", "Basic abc"),
                ("cookie", "liuhen_session=x"),
            ],
            Err(()),
        );
        check(&[("authorization", "Bearer ")], Err(()));
        check(&[("authorization", "Bearer")], Err(()));
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        check(
            &[("cookie", "a=1; liuhen_session=tok; b=2")],
            Ok(Some(("tok", TokenSource::Cookie))),
        );
        check(
            &[("cookie", "a=1"), ("cookie", "liuhen_session=tok")],
            Ok(Some(("tok", TokenSource::Cookie))),
        );
        check(&[("cookie", "liuhen_sessionx=tok")], Ok(None));
        check(&[], Ok(None));
    }

    #[test]
    fn tokens_are_random_and_256_bits() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
    }
}
