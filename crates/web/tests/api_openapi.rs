//! The OpenAPI document: served at `/api/v1/openapi.json`, lists every route the router answers,
//! and every operation documents its error body.

mod common;

use axum::http::{Method, StatusCode};
use common::{Auth, api};
use serde_json::Value;

/// Every route of the API. Router and document come from the same registrations, so this list
/// is the contract: adding a route means adding it here.
const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/session"),
    ("get", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("get", "/api/v1/cases/{id}/records"),
    ("post", "/api/v1/cases/{id}/records"),
    ("post", "/api/v1/cases/{id}/records/check"),
    ("get", "/api/v1/cases/{id}/record-options"),
    ("get", "/api/v1/cases/{id}/deadlines"),
    ("get", "/api/v1/todo"),
    ("get", "/api/v1/reviews/pending"),
    ("get", "/api/v1/reviews/statistics"),
    ("get", "/api/v1/cases/{id}/review"),
    ("get", "/api/v1/cases/{id}/review/prechecks"),
    ("get", "/api/v1/cases/{id}/review/proposal"),
    ("post", "/api/v1/cases/{id}/review/submissions"),
    ("get", "/api/v1/bodies/{id}/review-catalogue"),
    ("post", "/api/v1/bodies/{id}/review-catalogue/entries"),
    ("post", "/api/v1/bodies/{id}/review-catalogue/time-limits"),
    ("post", "/api/v1/bodies/{id}/review-catalogue/amount-limits"),
    ("get", "/api/v1/reviews/reviewers/{id}"),
    ("put", "/api/v1/reviews/reviewers/{id}"),
    ("post", "/api/v1/cases/{id}/access-requests"),
    ("post", "/api/v1/cases/{id}/access-requests/{seq}/decision"),
    ("get", "/api/v1/cases/{id}/access-requests/{seq}/records"),
    ("get", "/api/v1/cases/{id}/evidence"),
    ("post", "/api/v1/cases/{id}/evidence"),
    ("post", "/api/v1/cases/{id}/evidence/verify"),
    ("post", "/api/v1/cases/{id}/evidence/blobs"),
    ("post", "/api/v1/cases/{id}/evidence/uploads"),
    ("head", "/api/v1/cases/{id}/evidence/uploads/{upload}"),
    ("get", "/api/v1/cases/{id}/evidence/uploads/{upload}"),
    ("patch", "/api/v1/cases/{id}/evidence/uploads/{upload}"),
    ("delete", "/api/v1/cases/{id}/evidence/uploads/{upload}"),
    (
        "post",
        "/api/v1/cases/{id}/evidence/uploads/{upload}/finish",
    ),
    ("get", "/api/v1/cases/{id}/evidence/{sha256}"),
    ("get", "/api/v1/cases/{id}/casefile"),
    ("get", "/api/v1/disclosures"),
    ("post", "/api/v1/disclosures"),
    ("get", "/api/v1/disclosures/{id}"),
    ("post", "/api/v1/disclosures/{id}/collect"),
    ("post", "/api/v1/disclosures/{id}/redact"),
    ("post", "/api/v1/disclosures/{id}/submit"),
    ("post", "/api/v1/disclosures/{id}/review"),
    ("post", "/api/v1/disclosures/{id}/publish"),
    ("post", "/api/v1/disclosures/{id}/restriction"),
    ("post", "/api/v1/disclosures/{id}/restriction/decision"),
    ("post", "/api/v1/disclosures/{id}/restriction/reexamination"),
    ("post", "/api/v1/disclosures/{id}/corrections"),
    ("post", "/api/v1/disclosures/{id}/withdrawal-trigger"),
    ("post", "/api/v1/disclosures/{id}/withdrawal"),
    ("post", "/api/v1/correction-requests/{tracking}/reply"),
    ("get", "/api/v1/bodies/{id}/correction-requests"),
    (
        "get",
        "/api/v1/correction-requests/{tracking}/evidence/{sha256}",
    ),
    ("get", "/api/v1/bodies/{id}/disclosure-settings"),
    ("put", "/api/v1/bodies/{id}/disclosure-settings"),
    ("post", "/api/v1/bodies/{id}/disclosures/pre-enforcement"),
    ("post", "/api/v1/bodies/{id}/disclosures/annual"),
    ("get", "/api/v1/bodies/{id}/annual-figures"),
    ("get", "/api/v1/supervision/disclosures"),
    ("get", "/api/v1/supervision/overview"),
    ("get", "/api/v1/supervision/archivists"),
    ("get", "/api/v1/bodies"),
    ("post", "/api/v1/bodies"),
    ("put", "/api/v1/bodies/{id}"),
    ("post", "/api/v1/bodies/{id}/units"),
    ("get", "/api/v1/officers"),
    ("post", "/api/v1/officers"),
    ("post", "/api/v1/officers/{id}/credentials"),
    ("put", "/api/v1/officers/{id}/credentials/{number}/status"),
    ("get", "/api/v1/power-items"),
    ("post", "/api/v1/power-items"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("put", "/api/v1/users/{id}/password"),
    ("post", "/api/v1/users/{id}/grants"),
    ("post", "/api/v1/users/{id}/grants/revoke"),
    ("get", "/api/v1/log/checkpoint"),
    ("get", "/api/v1/log/verifier-keys"),
    ("get", "/api/v1/log/proof"),
    ("get", "/api/v1/log/consistency"),
    ("get", "/api/v1/rules"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/openapi.json"),
];

/// Routes that need no sign-in.
const PUBLIC: &[&str] = &[
    "post /api/v1/session",
    "get /api/v1/log/checkpoint",
    "get /api/v1/log/verifier-keys",
    "get /api/v1/log/proof",
    "get /api/v1/log/consistency",
    "get /api/v1/openapi.json",
];

async fn document() -> Value {
    let api = api().await;
    let reply = api.get("/api/v1/openapi.json", &Auth::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.json,
        serde_json::to_value(liuhen_web::openapi()).unwrap(),
        "served = built"
    );
    reply.json
}

fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    out
}

#[tokio::test]
async fn document_lists_exactly_the_routes_of_the_api() {
    let document = document().await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented: Vec<(String, String)> = operations(&document)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    documented.sort();
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);
}

#[tokio::test]
async fn every_documented_route_is_answered_by_the_router() {
    let api = api().await;
    for (method, path) in ROUTES {
        let concrete = path
            .replace("{id}", "x")
            .replace("{seq}", "1")
            .replace("{number}", "n");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let reply = api.send(method.clone(), &concrete, &Auth::None, None).await;
        assert_ne!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let unrouted = reply.status == StatusCode::NOT_FOUND
            && reply.json["code"] == "not_found"
            && !path.contains('{');
        assert!(!unrouted, "{method} {path} is not routed: {}", reply.text);
    }
}

#[tokio::test]
async fn protected_operations_declare_security_and_all_document_errors() {
    let document = document().await;
    for (method, path, operation) in operations(&document) {
        let key = format!("{method} {path}");
        let secured = operation
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|list| !list.is_empty());
        assert_eq!(secured, !PUBLIC.contains(&key.as_str()), "{key}: security");
        let responses = operation["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|status| status.starts_with('2')),
            "{key}: success response"
        );
        if secured {
            assert!(responses.contains_key("401"), "{key}: documents 401");
        }
    }
    let schemes = document["components"]["securitySchemes"]
        .as_object()
        .unwrap();
    assert!(schemes.contains_key("bearer") && schemes.contains_key("cookie"));
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn review_record_types_are_documented_where_records_are_entered() {
    let document = document().await;
    for (path, method) in [
        ("/api/v1/cases/{id}/records", "post"),
        ("/api/v1/cases/{id}/review", "get"),
    ] {
        let description = document["paths"][path][method]["description"]
            .as_str()
            .unwrap_or_default();
        for record_type in [
            "l4_determination",
            "l6_review_submission",
            "l8_review_approved",
            "l10_review_problems",
            "l10_escalation",
            "l10_head_decision",
        ] {
            assert!(
                description.contains(record_type),
                "{method} {path} documents {record_type}: {description}"
            );
        }
    }
    let tags = document["tags"].as_array().unwrap();
    assert!(tags.iter().any(|tag| tag["name"] == "legal review"));
}
