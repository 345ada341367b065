//! Sign-in, sessions, bearer vs cookie + CSRF, expiry, sign-out and the failed sign-in limiter.

mod common;

use axum::http::{Method, StatusCode, header};
use common::{Auth, USERS, api, assert_error, password_of};
use serde_json::json;

#[tokio::test]
async fn login_sets_an_httponly_strict_cookie_and_returns_tokens() {
    let api = api().await;
    let reply = api.login_reply("off1", &password_of("off1")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let token = reply.json["token"].as_str().unwrap();
    assert!(
        reply.json["csrf_token"]
            .as_str()
            .is_some_and(|csrf| csrf.len() >= 43)
    );
    assert_eq!(reply.json["who"]["user"], "off1");
    assert_eq!(reply.json["who"]["officer"], "o1");
    assert_eq!(
        reply.json["who"]["grants"],
        json!([{"role": "OFFICER", "body": "xc-scjgj"}])
    );
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cookie.starts_with(&format!("liuhen_session={token};")),
        "{cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(
        !cookie.contains("Secure"),
        "the test config turns Secure off: {cookie}"
    );
}

#[tokio::test]
async fn secure_flag_is_set_by_default() {
    let api = common::api_with(liuhen_web::state::WebConfig {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let reply = api.login_reply("off1", &password_of("off1")).await;
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[tokio::test]
async fn every_test_user_can_sign_in() {
    let api = api().await;
    for user in USERS {
        let who = api.get("/api/v1/session", &api.bearer(user).await).await;
        assert_eq!(who.status, StatusCode::OK, "{user}: {}", who.text);
        assert_eq!(who.json["user"], *user);
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let api = api().await;
    let wrong = api.login_reply("off1", "错误口令").await;
    let unknown = api.login_reply("nobody", "错误口令").await;
    let wrong_body = assert_error(&wrong, StatusCode::UNAUTHORIZED, "unauthenticated");
    let unknown_body = assert_error(&unknown, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(
        wrong_body, unknown_body,
        "no user enumeration through the body"
    );
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn failed_and_successful_logins_are_audited_with_the_client_address() {
    let api = api().await;
    let _ = api.login_reply("off1", "错误口令").await;
    let _ = api.bearer("off1").await;
    let entries = api.audit_entries().await;
    let logins: Vec<_> = entries
        .iter()
        .filter(|entry| entry.action == "login")
        .collect();
    assert!(logins.iter().any(|entry| entry.outcome == "unauthenticated"
        && entry.user.is_none()
        && entry.object == "session/off1"));
    assert!(
        logins
            .iter()
            .all(|entry| entry.client_ip.as_deref() == Some("10.1.2.3")),
        "{logins:?}"
    );
    assert!(
        logins.iter().any(|entry| entry.outcome == "ok"
            && entry.user.as_ref().is_some_and(|u| u.as_str() == "off1"))
    );
}

#[tokio::test]
async fn requests_without_a_session_get_401() {
    let api = api().await;
    for path in [
        "/api/v1/cases",
        "/api/v1/todo",
        "/api/v1/rules",
        "/api/v1/bodies",
        "/api/v1/session",
    ] {
        let reply = api.get(path, &Auth::None).await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
        assert!(
            reply.headers.get(header::WWW_AUTHENTICATE).is_some(),
            "{path}"
        );
    }
    let forged = api
        .get("/api/v1/cases", &Auth::Bearer("forged-token".into()))
        .await;
    assert_error(&forged, StatusCode::UNAUTHORIZED, "unauthenticated");
    let basic = api
        .send_raw(
            axum::http::Request::builder()
                .uri("/api/v1/cases")
                .header(header::AUTHORIZATION, "Basic b2ZmMTp4")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&basic, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn sessions_expire_after_eight_hours() {
    let api = api().await;
    let auth = api.bearer("off1").await;
    *api.district.clock.0.lock().unwrap() += time::Duration::hours(8) - time::Duration::seconds(1);
    assert_eq!(
        api.get("/api/v1/session", &auth).await.status,
        StatusCode::OK
    );
    *api.district.clock.0.lock().unwrap() += time::Duration::seconds(1);
    assert_error(
        &api.get("/api/v1/session", &auth).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let api = api().await;
    let auth = api.bearer("off1").await;
    let reply = api
        .send(Method::DELETE, "/api/v1/session", &auth, None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cookie.starts_with("liuhen_session=;") && cookie.contains("Max-Age=0"),
        "{cookie}"
    );
    assert_error(
        &api.get("/api/v1/session", &auth).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_on_unsafe_methods_and_bearer_does_not() {
    let api = api().await;
    let login = api.login_reply("off1", &password_of("off1")).await;
    let token = login.json["token"].as_str().unwrap().to_owned();
    let csrf = login.json["csrf_token"].as_str().unwrap().to_owned();
    let body = common::open_case_body(&api.district);

    // Safe methods with the cookie alone are fine.
    assert_eq!(
        api.get("/api/v1/cases", &Auth::Cookie(token.clone(), None))
            .await
            .status,
        StatusCode::OK
    );
    // Unsafe without, or with a wrong token: refused before anything runs.
    for csrf_header in [None, Some("wrong".to_owned())] {
        let reply = api
            .post(
                "/api/v1/cases",
                &Auth::Cookie(token.clone(), csrf_header),
                body.clone(),
            )
            .await;
        assert_error(&reply, StatusCode::FORBIDDEN, "csrf");
    }
    let with_csrf = api
        .post(
            "/api/v1/cases",
            &Auth::Cookie(token.clone(), Some(csrf)),
            body.clone(),
        )
        .await;
    assert_eq!(with_csrf.status, StatusCode::CREATED, "{}", with_csrf.text);
    let bearer = api.post("/api/v1/cases", &Auth::Bearer(token), body).await;
    assert_eq!(bearer.status, StatusCode::CREATED, "{}", bearer.text);
}

#[tokio::test]
async fn repeated_failures_lock_the_username_with_429_and_retry_after() {
    let api = api().await;
    for _ in 0..5 {
        assert_eq!(
            api.login_reply("off2", "错误口令").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused while locked.
    let locked = api.login_reply("off2", &password_of("off2")).await;
    assert_error(&locked, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert!(locked.headers.get(header::RETRY_AFTER).is_some());
    // Other usernames are unaffected.
    assert_eq!(
        api.login_reply("off1", &password_of("off1")).await.status,
        StatusCode::OK
    );
    // After the window the user can sign in again.
    *api.district.clock.0.lock().unwrap() += time::Duration::minutes(16);
    assert_eq!(
        api.login_reply("off2", &password_of("off2")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn login_with_malformed_or_oversized_fields_is_400_not_a_crash() {
    let api = api().await;
    let long_name = "名".repeat(65);
    let reply = api
        .send(
            Method::POST,
            "/api/v1/session",
            &Auth::None,
            Some(json!({"username": long_name, "password": "x"})),
        )
        .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "invalid");
    let reply = api
        .send(
            Method::POST,
            "/api/v1/session",
            &Auth::None,
            Some(json!({"username": "off1"})),
        )
        .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "invalid");
}

/// The sign-in cache (`auth_cache`, issue 5) never outlives a role change made through this
/// process: a revoked role is gone on the very next request, although the session had just been
/// resolved and cached.
#[tokio::test]
async fn a_revoked_role_is_gone_on_the_next_request_despite_the_sign_in_cache() {
    let api = api().await;
    let officer = api.bearer("off1").await;
    let before = api.get("/api/v1/session", &officer).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert_eq!(
        before.json["grants"],
        json!([{"role": "OFFICER", "body": "xc-scjgj"}])
    );
    let admin = api.bearer("admin").await;
    let revoked = api
        .post(
            "/api/v1/users/off1/grants/revoke",
            &admin,
            json!({"role": "OFFICER", "body": "xc-scjgj"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::CREATED, "{}", revoked.text);
    let after = api.get("/api/v1/session", &officer).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.text);
    assert_eq!(after.json["grants"], json!([]));
}
