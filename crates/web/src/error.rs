//! Errors of the web crate, mapped to HTTP once, in [`ApiError::into_response`] (STYLE.md
//! "Errors", axum `examples/error-handling`).
//!
//! # Status codes
//!
//! | error | status | `code` |
//! |---|---|---|
//! | a rule refuses the command (gate, missing field, role not allowed by the rule set) | 422 | `refused` |
//! | malformed JSON, query or path; invalid identifier or value | 400 | `invalid` |
//! | no session, expired session, wrong password | 401 | `unauthenticated` |
//! | cookie session without a matching `X-CSRF-Token` on an unsafe method | 403 | `csrf` |
//! | signed in, but the role may not do this (e.g. a SUPERVISOR writing); `rule` names it | 403 | `forbidden` |
//! | object absent **or outside the caller's scope** (existence is not revealed) | 404 | `not_found` |
//! | another writer won a race that retries could not resolve | 409 | `conflict` |
//! | body larger than the limit | 413 | `payload_too_large` |
//! | body is not `application/json` | 415 | `unsupported_media_type` |
//! | too many failed sign-ins for a username | 429 | `too_many_requests` |
//! | the request took longer than the configured timeout | 503 | `timeout` |
//! | anything else (storage, bugs) | 500 | `internal`, generic message, details only in the log |
//!
//! Gates (L2-a, R14-b, R5-a, …) answer **422**, like every other refusal: the request is well
//! formed and understood, but the rules refuse it in the case's current state. 409 is kept for
//! concurrency conflicts only, so a client can treat 409 as "retry" and 422 as "fix the case
//! first" without parsing the body.
//!
//! The body is always `{code, rule, message}` (plus `citation` and `details` where known):
//! `rule` is the requirement IDs joined with `,` (e.g. `L2-a`), empty when no rule applies;
//! `message` is Chinese — for refusals it is the rule set's message, verbatim. A 403 of the role
//! checks carries its rule too (`L13-a,D15-b` for a SUPERVISOR writing, `L2-a` for an
//! administrator recording a legal step, `R4-b` for the audit log; `§1` — requirements.md §1
//! "Roles" — for account administration, which no numbered requirement covers).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use liuhen_core::error::{CoreError, Refusal};
use liuhen_core::ids::RequirementId;
use liuhen_core::ports::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The error body of every API response that is not a success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Machine-readable error kind: `refused`, `invalid`, `unauthenticated`, `csrf`, `forbidden`,
    /// `not_found`, `conflict`, `payload_too_large`, `unsupported_media_type`,
    /// `too_many_requests`, `timeout`, `internal`.
    pub code: String,
    /// Requirement IDs the refusal (422) or the role check (403) rests on, joined with `,`
    /// (e.g. `L2-a`); empty when none.
    pub rule: String,
    /// Chinese message for the user.
    pub message: String,
    /// The article the rule rests on, for refusals.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub citation: String,
    /// Machine-readable details: missing field names, the failing gate, the offending input path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// What the audit middleware records as the outcome of a request that failed: the `code`, or
/// the rule IDs for refusals. Attached to the response's extensions by
/// [`ApiError::into_response`].
#[derive(Debug, Clone)]
pub(crate) struct AuditOutcome(pub(crate) String);

/// Messages of errors that are about the HTTP exchange itself, not about a rule. Rule refusals
/// carry the rule set's own message (DESIGN.md principle 2); these few protocol messages have no
/// rule set entry to come from, so they live here, in one place.
mod messages {
    pub(super) const INVALID: &str = "请求内容有误，请检查后重试";
    pub(super) const UNAUTHENTICATED: &str = "未登录或登录已过期，请重新登录";
    pub(super) const BAD_CREDENTIALS: &str = "用户名或密码错误";
    pub(super) const CSRF: &str = "请求缺少有效的防伪令牌（X-CSRF-Token）";
    pub(super) const FORBIDDEN: &str = "无权执行此操作";
    pub(super) const NOT_FOUND: &str = "未找到请求的对象";
    pub(super) const CONFLICT: &str = "数据已被他人同时修改，请刷新后重试";
    pub(super) const PAYLOAD_TOO_LARGE: &str = "请求内容超过大小限制";
    pub(super) const UNSUPPORTED_MEDIA_TYPE: &str =
        "请求内容须为 JSON（Content-Type: application/json）";
    pub(super) const TOO_MANY_REQUESTS: &str = "登录失败次数过多，请稍后再试";
    pub(super) const TIMEOUT: &str = "请求处理超时，请稍后重试";
    pub(super) const INTERNAL: &str = "服务器内部错误，请联系系统管理员";
}

/// Every way an API request can fail. Converted to a response exactly once, by
/// [`IntoResponse`]; handlers return `Result<_, ApiError>` and use `?`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A rule refused the command: a gate, a missing field, a role the record type does not
    /// allow, an invalid credential. Carries the rule set's IDs and Chinese message.
    #[error("{0}")]
    Refused(Refusal),
    /// The input is malformed: a field or path segment has the wrong shape. `field` names it.
    #[error("invalid input at {field}: {reason}")]
    Invalid {
        /// The offending field, path or parameter.
        field: String,
        /// What is wrong, for the client's developer (never internal state).
        reason: String,
    },
    /// The JSON body could not be read: syntax, types, content type or size.
    #[error("bad JSON body: {0}")]
    Json(#[from] JsonRejection),
    /// The query string could not be read.
    #[error("bad query string: {0}")]
    Query(#[from] QueryRejection),
    /// A path parameter could not be read.
    #[error("bad path parameter: {0}")]
    Path(#[from] PathRejection),
    /// The request has no session, the session expired or was deleted.
    #[error("not signed in")]
    Unauthenticated,
    /// Sign-in failed: unknown user or wrong password (deliberately indistinguishable).
    #[error("bad credentials")]
    BadCredentials,
    /// A cookie-authenticated unsafe request lacks the session's `X-CSRF-Token`.
    #[error("CSRF token missing or wrong")]
    Csrf,
    /// Signed in, but the user's roles do not allow the operation (a SUPERVISOR writing, a
    /// non-AUDITOR reading the audit log). Carries the requirement IDs (answered as `rule`) and
    /// the Chinese message shown to the user.
    #[error("forbidden: {0}")]
    Forbidden(Refusal),
    /// The object does not exist, or exists outside the caller's scope (not revealed). The text
    /// is for the log only.
    #[error("not found: {0}")]
    NotFound(String),
    /// A concurrent writer won every retry. The text is for the log only.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The body exceeded the configured limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Too many failed sign-ins for this username; retry after the given number of seconds.
    #[error("too many failed sign-ins; retry after {retry_after_secs} s")]
    TooManyAttempts {
        /// Seconds until the lockout ends (sent as `Retry-After`).
        retry_after_secs: u64,
    },
    /// The request exceeded the configured processing time.
    #[error("request timed out")]
    Timeout,
    /// Anything the client cannot fix: storage failure, corrupt data, a bug. The text goes to the
    /// log, never to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A role check of the web layer failed (403): `ids` are the requirement IDs it rests on,
    /// `message` is shown to the user (Chinese), as [`CoreError::forbidden`] in the core.
    pub fn forbidden(ids: &[&str], message: impl Into<String>) -> ApiError {
        ApiError::Forbidden(Refusal {
            ids: ids.iter().map(|id| RequirementId::new(*id)).collect(),
            message: message.into(),
            citation: String::new(),
            details: Vec::new(),
        })
    }

    /// The HTTP status this error is answered with (see the module table).
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Invalid { .. } | ApiError::Query(_) | ApiError::Path(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Json(rejection) => match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                // axum answers type errors with 422; we keep 422 for rule refusals only.
                _ => StatusCode::BAD_REQUEST,
            },
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Csrf | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The response body. Only input-related detail is included; internal text never is.
    pub fn body(&self) -> ErrorBody {
        let simple = |code: &str, message: &str| ErrorBody {
            code: code.to_owned(),
            rule: String::new(),
            message: message.to_owned(),
            citation: String::new(),
            details: Vec::new(),
        };
        match self {
            ApiError::Refused(refusal) => refusal_body("refused", refusal),
            ApiError::Invalid { field, reason } => {
                // The core words its validation reasons in Chinese for the user (e.g. 统一社会
                // 信用代码校验位不正确); parser reasons are English and stay in `details` only.
                let message = if reason.chars().any(is_cjk) {
                    reason.as_str()
                } else {
                    messages::INVALID
                };
                ErrorBody {
                    details: vec![format!("{field}: {reason}")],
                    ..simple("invalid", message)
                }
            }
            ApiError::Json(rejection) => match self.status() {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    simple("payload_too_large", messages::PAYLOAD_TOO_LARGE)
                }
                StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                    simple("unsupported_media_type", messages::UNSUPPORTED_MEDIA_TYPE)
                }
                // serde's text names the line, column and path of the problem in the client's
                // own input; it holds nothing internal.
                _ => ErrorBody {
                    details: vec![rejection.body_text()],
                    ..simple("invalid", messages::INVALID)
                },
            },
            ApiError::Query(rejection) => ErrorBody {
                details: vec![rejection.body_text()],
                ..simple("invalid", messages::INVALID)
            },
            ApiError::Path(rejection) => ErrorBody {
                details: vec![rejection.body_text()],
                ..simple("invalid", messages::INVALID)
            },
            ApiError::Unauthenticated => simple("unauthenticated", messages::UNAUTHENTICATED),
            ApiError::BadCredentials => simple("unauthenticated", messages::BAD_CREDENTIALS),
            ApiError::Csrf => simple("csrf", messages::CSRF),
            // Role checks word their refusal in Chinese for the user (监督人员只能查看…); a
            // message that is not Chinese is not for the user.
            ApiError::Forbidden(refusal) if refusal.message.chars().any(is_cjk) => {
                refusal_body("forbidden", refusal)
            }
            ApiError::Forbidden(refusal) => ErrorBody {
                message: messages::FORBIDDEN.to_owned(),
                ..refusal_body("forbidden", refusal)
            },
            ApiError::NotFound(_) => simple("not_found", messages::NOT_FOUND),
            ApiError::Conflict(_) => simple("conflict", messages::CONFLICT),
            ApiError::PayloadTooLarge => simple("payload_too_large", messages::PAYLOAD_TOO_LARGE),
            ApiError::TooManyAttempts { .. } => {
                simple("too_many_requests", messages::TOO_MANY_REQUESTS)
            }
            ApiError::Timeout => simple("timeout", messages::TIMEOUT),
            ApiError::Internal(_) => simple("internal", messages::INTERNAL),
        }
    }

    /// Builds the response for a bare status produced by a tower layer (body limit, timeout)
    /// so that it, too, comes out in our format. `None` for statuses we do not rewrite.
    pub(crate) fn for_layer_status(status: StatusCode) -> Option<ApiError> {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => Some(ApiError::PayloadTooLarge),
            StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
                Some(ApiError::Timeout)
            }
            _ => None,
        }
    }
}

/// The body of a refusal (422) or of a role check (403): its rule IDs, message, citation and
/// details.
fn refusal_body(code: &str, refusal: &Refusal) -> ErrorBody {
    ErrorBody {
        code: code.to_owned(),
        rule: refusal
            .ids
            .iter()
            .map(|id| id.as_str())
            .collect::<Vec<_>>()
            .join(","),
        message: refusal.message.clone(),
        citation: refusal.citation.clone(),
        details: refusal.details.clone(),
    }
}

fn is_cjk(ch: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&ch)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            // "Don't expose any details about the error to the client" (axum
            // examples/error-handling): the detail goes to the log only.
            ApiError::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            ApiError::NotFound(detail) | ApiError::Conflict(detail) => {
                tracing::debug!(status = status.as_u16(), detail = %detail, "request refused")
            }
            _ => tracing::debug!(status = status.as_u16(), error = %self, "request failed"),
        }
        let body = self.body();
        let outcome = if body.rule.is_empty() {
            body.code.clone()
        } else {
            body.rule.clone()
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let ApiError::TooManyAttempts { retry_after_secs } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"liuhen\""),
            );
        }
        response.extensions_mut().insert(AuditOutcome(outcome));
        response
    }
}

impl From<CoreError> for ApiError {
    fn from(err: CoreError) -> ApiError {
        match err {
            CoreError::Refused(refusal) => ApiError::Refused(refusal),
            CoreError::Forbidden(refusal) => ApiError::Forbidden(*refusal),
            CoreError::NotFound(detail) => ApiError::NotFound(detail),
            CoreError::Invalid { field, reason } => ApiError::Invalid { field, reason },
            CoreError::InvalidId { what, value } => ApiError::Invalid {
                field: what.to_owned(),
                reason: format!("invalid identifier {value:?}"),
            },
            CoreError::NotCanonical { path } => ApiError::Invalid {
                field: path,
                reason: "only integers up to 2^53-1 are allowed (RFC 8785)".to_owned(),
            },
            CoreError::Conflict(detail) => ApiError::Conflict(detail),
            CoreError::Store(store_error) => ApiError::from(store_error),
            // A rule set that fails to load is a deployment problem, not the client's.
            err @ CoreError::RuleSet(_) => ApiError::Internal(err.to_string()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::Conflict { .. } => ApiError::Conflict(err.to_string()),
            StoreError::NotFound(detail) => ApiError::NotFound(detail),
            StoreError::Corrupt(_) | StoreError::Backend(_) => ApiError::Internal(err.to_string()),
        }
    }
}

/// Errors of starting and running the server ([`crate::serve::serve`]), for the CLI.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The configuration file could not be read or parsed.
    #[error("configuration: {0}")]
    Config(String),
    /// The store could not be opened or migrated.
    #[error("store: {0}")]
    Store(String),
    /// The rule sets or the calendar could not be loaded.
    #[error("rules: {0}")]
    Rules(String),
    /// The checkpoint signing key could not be read, created or parsed.
    #[error("signing key: {0}")]
    Key(String),
    /// Binding or serving on the socket failed.
    #[error("listening on {addr}: {source}")]
    Listen {
        /// The configured address.
        addr: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
