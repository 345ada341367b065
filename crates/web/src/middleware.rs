//! Request middleware: client address, audit of writes and refusals, and rewriting bare statuses
//! from tower layers (body limit, timeout) into our error format.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::rejection::ExtensionRejection as ConnectInfoRejection;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use liuhen_core::ports::AuditEntry;

use crate::error::{ApiError, AuditOutcome};
use crate::session::{AuditSlot, Audited, ClientIp};
use crate::state::AppState;

/// Longest audit `object` kept (a path could be long; the audit row should not be).
const MAX_AUDIT_OBJECT_CHARS: usize = 200;

/// Determines the client address and stores it as a request extension ([`ClientIp`]).
///
/// The connection's peer address is used, from axum's `ConnectInfo` (present when served with
/// `into_make_service_with_connect_info`). `X-Forwarded-For` is honoured only when
/// `WebConfig::trust_forwarded_for` is set, and then only its *last* entry — the one the trusted
/// proxy appended; earlier entries are whatever the client claimed.
pub(crate) async fn client_ip(
    State(state): State<AppState>,
    connect_info: Result<ConnectInfo<SocketAddr>, ConnectInfoRejection>,
    mut request: Request,
    next: Next,
) -> Response {
    let forwarded = if state.config.trust_forwarded_for {
        request
            .headers()
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.rsplit(',').next())
            .map(str::trim)
            .filter(|text| text.parse::<std::net::IpAddr>().is_ok())
            .map(str::to_owned)
    } else {
        None
    };
    // The extractor also accepts axum's `MockConnectInfo`, which is how tests set a peer.
    let peer = connect_info
        .ok()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    request
        .extensions_mut()
        .insert(ClientIp(forwarded.or(peer)));
    request.extensions_mut().insert(AuditSlot::default());
    next.run(request).await
}

/// Writes an audit entry (R4-b: who, when, what, from where, outcome) for every request that
/// changes something (unsafe method) and for every refused one (401/403), whatever the route.
///
/// Reads of case records are audited by the core service itself (it knows which records were
/// returned); sign-in is audited by its handler with the username. This middleware covers the
/// rest, so a new write route cannot forget its audit entry.
pub(crate) async fn audit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let object = request
        .uri()
        .path()
        .trim_start_matches("/api/v1/")
        .chars()
        .take(MAX_AUDIT_OBJECT_CHARS)
        .collect::<String>();
    let slot = request
        .extensions()
        .get::<AuditSlot>()
        .cloned()
        .unwrap_or_default();
    let client_ip = request
        .extensions()
        .get::<ClientIp>()
        .and_then(|ip| ip.0.clone());
    let response = next.run(request).await;
    let status = response.status();
    let refused = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    let wanted = !method.is_safe() || refused;
    if response.extensions().get::<Audited>().is_some()
        || !wanted
        || audited_by_core(&method, &object, status)
    {
        return response;
    }
    let action = match method {
        Method::POST => "create",
        Method::PUT | Method::PATCH => "update",
        Method::DELETE => "delete",
        _ => "read",
    };
    let outcome = if status.is_success() {
        "ok".to_owned()
    } else {
        response
            .extensions()
            .get::<AuditOutcome>()
            .map(|outcome| outcome.0.clone())
            .unwrap_or_else(|| status.as_u16().to_string())
    };
    let entry = AuditEntry {
        time: state.services.now(),
        user: slot.get(),
        action: action.to_owned(),
        object,
        client_ip,
        outcome,
    };
    if let Err(err) = state.store.audit(entry).await {
        // The request already happened; failing it now would not undo it. The log line is the
        // fallback record.
        tracing::error!(error = %err, "could not write an audit entry");
    }
    response
}

/// Whether the core service already wrote this request's audit entry: a record appended to a
/// case (`POST cases/{id}/records`, 2xx) is audited as `create case/{id}` by
/// `Services::add_record` in the same transaction as the record itself (R4-b: who, when, from
/// which address). A second entry here would only repeat it, at the cost of a write of its own
/// on the busiest route. Refusals and failures are still audited here.
fn audited_by_core(method: &Method, object: &str, status: StatusCode) -> bool {
    if *method != Method::POST || !status.is_success() {
        return false;
    }
    let mut parts = object.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("cases"), Some(id), Some("records"), None) if !id.is_empty()
    )
}

/// Rewrites bare error statuses that tower layers produce (413 from the body limit, 408/503 from
/// the timeout) into our `{code, rule, message}` body, so every error a client sees has one
/// format.
pub(crate) async fn normalize_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if is_json || response.status().is_success() {
        return response;
    }
    match ApiError::for_layer_status(response.status()) {
        Some(err) => err.into_response(),
        None => response,
    }
}

/// Answers unknown paths with our 404 body instead of an empty one.
pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound("no such route".to_owned())
}

/// Turns a panic in a handler into our generic 500 (the panic message goes to the log only).
/// Handlers must not panic on input; this is the net under that rule.
pub(crate) fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_else(|| "panic".to_owned());
    ApiError::Internal(format!("handler panicked: {detail}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_successful_record_appends_are_left_to_the_core_audit() {
        let check = |method: Method, object: &str, status: StatusCode, expect: bool| {
            assert_eq!(
                audited_by_core(&method, object, status),
                expect,
                "{method} {object} {status}"
            );
        };
        check(Method::POST, "cases/c1/records", StatusCode::CREATED, true);
        check(
            Method::POST,
            "cases/c1/records",
            StatusCode::FORBIDDEN,
            false,
        );
        check(
            Method::POST,
            "cases/c1/records",
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
        );
        check(Method::POST, "cases", StatusCode::CREATED, false);
        check(Method::POST, "cases//records", StatusCode::CREATED, false);
        check(
            Method::POST,
            "cases/c1/records/x",
            StatusCode::CREATED,
            false,
        );
        check(Method::PUT, "cases/c1/records", StatusCode::OK, false);
    }
}
