//! The case file download (issue 6 item 5) through the real router: a ZIP streamed from the
//! case file writer, signed with the server's checkpoint key, that the casefile crate's offline
//! verifier accepts with the published verifier key alone — and rejects once a byte changes.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Auth, assert_error};
use liuhen_casefile::verify::{Limits, TrustedKeys, verify_package};
use liuhen_store::blobs::LocalBlobs;
use serde_json::json;

fn mp4_bytes(len: usize) -> Vec<u8> {
    let mut out = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut state: u32 = 99;
    while out.len() < len {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        out.push((state >> 16) as u8);
    }
    out
}

fn bearer(auth: &Auth) -> String {
    match auth {
        Auth::Bearer(token) => format!("Bearer {token}"),
        other => panic!("tests use bearer tokens, got {other:?}"),
    }
}

#[tokio::test]
async fn casefile_download_verifies_offline_with_the_published_key_and_is_audited() {
    let mut api = common::api().await;
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::open(dir.path(), 1 << 30).unwrap();
    api.state = api.state.clone().with_blobs(Arc::new(blobs));
    let off1 = api.bearer("off1").await;
    let opened = api.open_case(&off1).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    let case_id = opened.json["case_id"].as_str().unwrap().to_owned();

    // One body-camera file, uploaded and linked with its R27 metadata.
    let video = mp4_bytes(300_000);
    let upload = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cases/{case_id}/evidence/blobs"))
        .header(header::AUTHORIZATION, bearer(&off1))
        .body(Body::from(video.clone()))
        .unwrap();
    let blob = api.send_raw(upload).await;
    assert_eq!(blob.status, StatusCode::CREATED, "{}", blob.text);
    let linked = api
        .post(
            &format!("/api/v1/cases/{case_id}/evidence"),
            &off1,
            json!({
                "blob": blob.json,
                "file_name": "FILE0001.MP4",
                "event_time": "2024-10-08T14:00:00+08:00",
                "event_end": "2024-10-08T14:40:00+08:00",
                "av": {
                    "device_type": "执法记录仪",
                    "method": "执法记录仪连续录像",
                    "makers": ["o1", "o2"],
                    "proof_object": "当事人现场销售过期食品的事实"
                }
            }),
        )
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);

    let path = format!("/api/v1/cases/{case_id}/casefile");
    let reply = api.get(&path, &off1).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/zip");
    assert!(
        reply.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"casefile-")
    );
    // `Reply.text` is lossy; fetch the bytes themselves.
    let response = tower::ServiceExt::oneshot(
        api.app(),
        Request::builder()
            .uri(&path)
            .header(header::AUTHORIZATION, bearer(&off1))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    assert!(
        bytes.len() > video.len(),
        "the media file is in the package"
    );

    let trust = TrustedKeys {
        keys: vec![api.verifier_key.clone()],
        use_package_keys: false,
    };
    let report = verify_package(std::io::Cursor::new(&bytes), &trust, &Limits::default());
    assert!(report.ok(), "{}", report.render_text());

    // Tampering with one byte of the media inside the package is detected.
    let at = bytes
        .windows(16)
        .position(|w| w == &video[1000..1016])
        .expect("media stored uncompressed");
    let mut tampered = bytes.clone();
    tampered[at] ^= 0x01;
    let report = verify_package(std::io::Cursor::new(&tampered), &trust, &Limits::default());
    assert!(!report.ok(), "a changed media byte must fail verification");

    // Another body's officer: not found; the exports are audited.
    let offb = api.bearer("offb").await;
    assert_error(
        &api.get(&path, &offb).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let exports: Vec<(String, String)> = api
        .audit_entries()
        .await
        .into_iter()
        .filter(|e| e.action == "export" && e.object == format!("case/{case_id}/casefile"))
        .map(|e| {
            (
                e.user.map(|u| u.as_str().to_owned()).unwrap_or_default(),
                e.outcome,
            )
        })
        .collect();
    assert!(
        exports
            .iter()
            .filter(|(u, o)| u == "off1" && o == "ok")
            .count()
            >= 2,
        "{exports:?}"
    );
    assert!(
        exports.iter().any(|(u, o)| u == "offb" && o != "ok"),
        "{exports:?}"
    );
}
