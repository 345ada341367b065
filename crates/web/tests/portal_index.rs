//! The portal's search index as part of the application state (issue 8; D11-b): kept in a
//! folder, reused after a restart, rebuilt from the published items when the folder is
//! damaged or was built from another database, and followed by the portal's pages.

mod common;

use common::{Api, BODY_A, District, api};
use liuhen_core::disclosure::Step;
use liuhen_core::ids::{BodyId, UserId};
use liuhen_ledger::hash::HashProfile;
use liuhen_search::query::SearchRequest;
use liuhen_web::state::AppState;
use serde_json::Map;
use time::OffsetDateTime;
use time::macros::datetime;

fn body() -> BodyId {
    BodyId::new(BODY_A).unwrap()
}

fn set_clock(district: &District, at: OffsetDateTime) {
    *district.clock.0.lock().unwrap() = at;
}

/// Body A's D5-b permissions: off1 collects and submits, uhead reviews, arch publishes.
async fn grant_permissions(district: &District) {
    let head = district.ctx("ahead").await;
    for (user, steps) in [
        ("off1", &[Step::Collect, Step::Submit][..]),
        ("uhead", &[Step::Review][..]),
        ("arch", &[Step::Publish][..]),
    ] {
        for step in steps {
            district
                .services
                .set_disclosure_permission(&head, &body(), &UserId::new(user).unwrap(), *step, true)
                .await
                .unwrap();
        }
    }
}

/// A penalty decision dated `at`, taken through the workflow and published; returns its id.
async fn published_penalty(district: &District, at: OffsetDateTime) -> String {
    set_clock(district, at + time::Duration::hours(1));
    let id = common::penalty_decision_item(district, at).await;
    set_clock(district, at + time::Duration::days(2));
    let s = &district.services;
    let (off1, uhead, arch) = (
        district.ctx("off1").await,
        district.ctx("uhead").await,
        district.ctx("arch").await,
    );
    s.collect_item(&off1, &id, Map::new(), "补充公示内容")
        .await
        .unwrap();
    s.redact_item(&uhead, &id).await.unwrap();
    s.submit_item(&off1, &id).await.unwrap();
    s.review_item(&uhead, &id, true, "同意公示").await.unwrap();
    s.publish_item(&arch, &id, None).await.unwrap();
    id
}

/// A fresh application state over the same store, its index in `dir`: what a restart of
/// `liuhen serve` builds.
fn restart(api: &Api, dir: &std::path::Path) -> AppState {
    AppState::new(
        api.state.services.clone(),
        api.state.store.clone(),
        liuhen_web::state::LogKeys {
            origin: common::ORIGIN.to_owned(),
            profile: HashProfile::Sm3,
            signers: vec![Box::new(
                liuhen_ledger::signer::Ed25519Signer::generate(common::ORIGIN).unwrap(),
            )],
            verifier_keys: Vec::new(),
        },
        liuhen_web::state::WebConfig::default(),
    )
    .unwrap()
    .with_search_dir(dir)
    .unwrap()
}

fn found(state: &AppState, text: &str) -> Vec<String> {
    state
        .portal
        .index()
        .search(&SearchRequest {
            text: text.into(),
            ..Default::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| hit.item.id)
        .collect()
}

#[tokio::test]
async fn index_in_a_folder_is_reused_after_a_restart_and_follows_new_publications() {
    let api = api().await;
    let district = &api.district;
    grant_permissions(district).await;
    let first = published_penalty(district, datetime!(2024-09-27 10:00 +8)).await;
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("search");
    {
        let state = restart(&api, &dir);
        assert_eq!(state.portal.dir(), Some(dir.as_path()));
        assert_eq!(state.portal.sync(&state.services).await.unwrap(), 1);
        assert_eq!(found(&state, "行政处罚"), std::slice::from_ref(&first));
    }
    // Restart: the index opens at the position it reflects; nothing is re-read.
    let state = restart(&api, &dir);
    let size = state.services.log_state().await.unwrap().size;
    assert_eq!(state.portal.synced_size().await, size);
    assert_eq!(
        found(&state, "行政处罚"),
        std::slice::from_ref(&first),
        "before any catch-up"
    );
    assert_eq!(state.portal.sync(&state.services).await.unwrap(), 0);
    assert!(!state.portal.rebuilt_folder());
    // A publication after the restart is picked up by the portal's own pages.
    let second = published_penalty(district, datetime!(2024-10-15 10:00 +8)).await;
    let html = page(&state, "/search?q=%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A").await;
    assert!(html.contains(&second) && html.contains(&first), "{html}");
}

/// A portal page of `state`, through the real router.
async fn page(state: &AppState, path: &str) -> String {
    use tower::ServiceExt as _;
    let peer: std::net::SocketAddr = common::CLIENT_ADDR.parse().unwrap();
    let response = liuhen_web::app(state.clone())
        .layer(axum::extract::connect_info::MockConnectInfo(peer))
        .oneshot(
            axum::http::Request::builder()
                .uri(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), axum::http::StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn damaged_or_missing_index_folder_is_rebuilt_from_the_published_items() {
    let api = api().await;
    let district = &api.district;
    grant_permissions(district).await;
    let item = published_penalty(district, datetime!(2024-09-27 10:00 +8)).await;
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("search");
    {
        let state = restart(&api, &dir);
        state.portal.sync(&state.services).await.unwrap();
    }
    std::fs::write(dir.join("meta.json"), b"{ damaged").unwrap();
    {
        let state = restart(&api, &dir);
        assert!(state.portal.rebuilt_folder());
        assert_eq!(state.portal.synced_size().await, 0);
        assert_eq!(state.portal.sync(&state.services).await.unwrap(), 1);
        assert_eq!(found(&state, "行政处罚"), std::slice::from_ref(&item));
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let state = restart(&api, &dir);
    assert_eq!(state.portal.sync(&state.services).await.unwrap(), 1);
    assert_eq!(found(&state, "行政处罚"), [item]);
}

#[tokio::test]
async fn index_built_from_another_database_is_cleared_and_rebuilt() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("search");
    // Database A publishes an item and indexes it in the folder.
    let a = api().await;
    grant_permissions(&a.district).await;
    let from_a = published_penalty(&a.district, datetime!(2024-09-27 10:00 +8)).await;
    {
        let state = restart(&a, &dir);
        state.portal.sync(&state.services).await.unwrap();
        assert_eq!(found(&state, "行政处罚"), std::slice::from_ref(&from_a));
    }
    // Database B has a different history of at least the same length: the record before the
    // index's position differs, so nothing of A may stay searchable.
    let b = api().await;
    grant_permissions(&b.district).await;
    let from_b = published_penalty(&b.district, datetime!(2024-11-05 10:00 +8)).await;
    let extra = published_penalty(&b.district, datetime!(2024-11-20 10:00 +8)).await;
    let state = restart(&b, &dir);
    assert!(
        state.services.log_state().await.unwrap().size >= state.portal.synced_size().await,
        "B's log reaches A's position"
    );
    state.portal.sync(&state.services).await.unwrap();
    let mut expect = vec![from_b, extra];
    expect.sort();
    let mut got = found(&state, "行政处罚");
    got.sort();
    assert_eq!(got, expect);
    assert!(!got.contains(&from_a));
    drop(state);
    // A database with a shorter log is another database too.
    let c = api().await;
    let state = restart(&c, &dir);
    state.portal.sync(&state.services).await.unwrap();
    assert!(found(&state, "行政处罚").is_empty());
}
