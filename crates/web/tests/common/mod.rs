//! Shared harness of the API tests: the core's test district (two bodies, users for every role,
//! on a `MemoryStore`) behind the real router, with passwords and a checkpoint key.
#![allow(dead_code)]

// The core's harness builds the district and walks procedures by the rule set; reusing it keeps
// the API tests about HTTP, not about fixtures.
#[path = "../../../core/tests/common/mod.rs"]
pub mod district;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use liuhen_core::ids::UserId;
use liuhen_core::ports::Store;
use liuhen_core::registry::{RoleGrant, UserProfile};
use liuhen_core::role::Role;
use liuhen_ledger::hash::HashProfile;
use liuhen_ledger::signer::Ed25519Signer;
use liuhen_web::password::{PasswordParams, hash_password};
use liuhen_web::state::{AppState, LogKeys, WebConfig};
use serde_json::Value;
use tower::ServiceExt as _;

pub use district::{BODY_A, District, Walker};

/// The peer address every test request comes from (as `ConnectInfo` of a real socket would).
pub const CLIENT_ADDR: &str = "10.1.2.3:50000";

/// Checkpoint origin (and key name) of the test log.
pub const ORIGIN: &str = "liuhen.test/xc-log";

/// Every test user; the password of `u` is `password_of(u)`.
pub const USERS: &[&str] = &[
    "admin", "off1", "off2", "uhead", "ahead", "rev", "arch", "offb", "sup", "auditor",
];

pub fn password_of(user: &str) -> String {
    format!("口令-{user}-2024")
}

pub struct Api {
    pub district: District,
    pub state: AppState,
    pub verifier_key: String,
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Bearer(String),
    /// Cookie token, and the CSRF header if any.
    Cookie(String, Option<String>),
}

pub async fn api() -> Api {
    api_with(WebConfig {
        secure_cookies: false,
        ..WebConfig::default()
    })
    .await
}

pub async fn api_with(config: WebConfig) -> Api {
    let district = district::district().await;
    // An auditor besides the core's users.
    let auditor = UserId::new("auditor").unwrap();
    district
        .services
        .register_user(
            &district.admin,
            &auditor,
            UserProfile {
                username: "auditor".into(),
                name: "审计员".into(),
                officer: None,
            },
        )
        .await
        .unwrap();
    district
        .services
        .grant_role(
            &district.admin,
            &auditor,
            RoleGrant {
                role: Role::Auditor,
                body: None,
            },
        )
        .await
        .unwrap();
    for user in USERS {
        let phc = hash_password(&password_of(user), PasswordParams::INSECURE_FAST).unwrap();
        district
            .store
            .set_password_hash(&UserId::new(*user).unwrap(), user, &phc)
            .await
            .unwrap();
    }
    let signer = Ed25519Signer::generate(ORIGIN).unwrap();
    let verifier_key = signer.verifier_key();
    let keys = LogKeys {
        origin: ORIGIN.to_owned(),
        profile: HashProfile::Sm3,
        signers: vec![Box::new(signer)],
        verifier_keys: vec![verifier_key.clone()],
    };
    let config = WebConfig {
        password_params: PasswordParams::INSECURE_FAST,
        ..config
    };
    let store: Arc<dyn Store> = district.store.clone();
    let state = AppState::new(Arc::new(district.services.clone()), store, keys, config).unwrap();
    Api {
        district,
        state,
        verifier_key,
    }
}

impl Api {
    pub fn app(&self) -> Router {
        let peer: std::net::SocketAddr = CLIENT_ADDR.parse().unwrap();
        liuhen_web::app(self.state.clone())
            .layer(axum::extract::connect_info::MockConnectInfo(peer))
    }

    /// Sends a request through the real router (no socket).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        match auth {
            Auth::None => {}
            Auth::Bearer(token) => {
                builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"))
            }
            Auth::Cookie(token, csrf) => {
                builder = builder.header(header::COOKIE, format!("liuhen_session={token}"));
                if let Some(csrf) = csrf {
                    builder = builder.header("x-csrf-token", csrf);
                }
            }
        }
        let body = match body {
            Some(value) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        self.send_raw(builder.body(body).unwrap()).await
    }

    pub async fn send_raw(&self, request: Request<Body>) -> Reply {
        let response = self.app().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Reply {
        self.send(Method::GET, path, auth, None).await
    }

    pub async fn post(&self, path: &str, auth: &Auth, body: Value) -> Reply {
        self.send(Method::POST, path, auth, Some(body)).await
    }

    /// Signs in and returns the login reply.
    pub async fn login_reply(&self, user: &str, password: &str) -> Reply {
        let body = serde_json::json!({"username": user, "password": password});
        self.send(Method::POST, "/api/v1/session", &Auth::None, Some(body))
            .await
    }

    /// Signs in as `user` and returns a bearer auth.
    pub async fn bearer(&self, user: &str) -> Auth {
        let reply = self.login_reply(user, &password_of(user)).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "login of {user}: {}",
            reply.text
        );
        Auth::Bearer(reply.json["token"].as_str().unwrap().to_owned())
    }

    /// `POST /cases` with a valid body for body A.
    pub async fn open_case(&self, auth: &Auth) -> Reply {
        self.post("/api/v1/cases", auth, open_case_body(&self.district))
            .await
    }

    /// `POST /cases` with the given body.
    pub async fn open_case_with(&self, auth: &Auth, body: Value) -> Reply {
        self.post("/api/v1/cases", auth, body).await
    }

    pub async fn audit_entries(&self) -> Vec<liuhen_core::ports::AuditEntry> {
        self.district
            .store
            .read_audit(&liuhen_core::ports::AuditQuery {
                object_prefix: None,
                user: None,
                limit: 1000,
            })
            .await
            .unwrap()
    }
}

/// A valid `POST /cases` body: a penalty case opened ex officio (R8) in body A, with the intake
/// record's data filled by the core harness from the rule set.
/// Walks a penalty case of body A up to its decision dated `at` (the core drafts the decision's
/// disclosure item in the same batch); returns the item's id.
pub async fn penalty_decision_item(district: &District, at: time::OffsetDateTime) -> String {
    let mut walker = Walker::new(district, "penalty_ordinary");
    walker.time = at - time::Duration::days(6);
    let start = walker.procedure.start[0].clone();
    walker.open(&start).await.unwrap();
    'stages: for stage in walker.procedure.stages.clone() {
        for mandatory in &stage.mandatory {
            if mandatory == "r16_penalty_decision" {
                walker.prepare(mandatory).await.unwrap();
                break 'stages;
            }
            walker.ensure(mandatory).await.unwrap();
        }
    }
    walker.time = at - time::Duration::hours(1);
    let receipt = walker.add("r16_penalty_decision").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    liuhen_core::disclosure::item_id_for(
        HashProfile::Sm3,
        &format!("case/{case_id}#{}", receipt.seq.0),
    )
}

pub fn open_case_body(district: &District) -> Value {
    let walker = Walker::new(district, "penalty_ordinary");
    let spec = walker.spec("r8_initiation");
    let at = time::macros::datetime!(2024-10-08 10:00 +8);
    let data = walker.fill(&spec, None, at);
    serde_json::json!({
        "procedure": "penalty_ordinary",
        "body": BODY_A,
        "power_item": format!("{BODY_A}-p1"),
        "title": "某超市销售过期食品案",
        "intake": {
            "record_type": "r8_initiation",
            "event_time": "2024-10-08T10:00:00+08:00",
            "data": data,
        }
    })
}

/// Asserts the error format `{code, rule, message}` and returns the body.
pub fn assert_error(reply: &Reply, status: StatusCode, code: &str) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text);
    let content_type = reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        content_type.starts_with("application/json"),
        "error body is JSON, got {content_type}: {}",
        reply.text
    );
    assert_eq!(reply.json["code"], code, "{}", reply.text);
    assert!(
        reply.json["rule"].is_string(),
        "rule is a string: {}",
        reply.text
    );
    let message = reply.json["message"].as_str().unwrap_or("");
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "message is Chinese: {message}"
    );
    reply.json.clone()
}
