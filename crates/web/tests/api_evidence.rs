//! Evidence over HTTP (issue 6 items 1–4) through the real router with the production blob
//! store (`LocalBlobs` in a temp dir): raw, multipart and resumable uploads, a 64 MiB upload
//! that must be written while it arrives, the size limit, R27 refusals with rule IDs, range
//! requests, scope, and audited downloads.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use common::{Api, Auth, Reply, assert_error};
use liuhen_store::blobs::LocalBlobs;
use liuhen_web::state::WebConfig;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// An MP4 (ISO BMFF `ftyp` box) of `len` bytes with pseudo-random payload.
fn mp4_bytes(len: usize, seed: u32) -> Vec<u8> {
    let mut out = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut state = seed | 1;
    while out.len() < len {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        out.push((state >> 16) as u8);
    }
    out.truncate(len);
    out
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct Fixture {
    api: Api,
    case_id: String,
    off1: Auth,
    blob_dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    fixture_with(WebConfig {
        secure_cookies: false,
        ..WebConfig::default()
    })
    .await
}

async fn fixture_with(config: WebConfig) -> Fixture {
    let limit = config.evidence_limit;
    let mut api = common::api_with(config).await;
    let blob_dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::open(blob_dir.path(), limit).unwrap();
    api.state = api.state.clone().with_blobs(Arc::new(blobs));
    let off1 = api.bearer("off1").await;
    let reply = api.open_case(&off1).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let case_id = reply.json["case_id"].as_str().unwrap().to_owned();
    Fixture {
        api,
        case_id,
        off1,
        blob_dir,
    }
}

fn bearer(auth: &Auth) -> String {
    match auth {
        Auth::Bearer(token) => format!("Bearer {token}"),
        other => panic!("tests use bearer tokens, got {other:?}"),
    }
}

/// Every file under the blob root except the `tmp/` and `uploads/` work folders: what is
/// visible as stored blobs.
fn stored_files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != "tmp" && name != "uploads" {
            walk(&path, &mut out);
        }
    }
    out
}

fn tmp_files(root: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(root.join("tmp"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

impl Fixture {
    fn path(&self, rest: &str) -> String {
        format!("/api/v1/cases/{}/evidence{rest}", self.case_id)
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        self.api.send_raw(request).await
    }

    fn request(&self, method: Method, rest: &str, auth: &Auth) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(self.path(rest))
            .header(header::AUTHORIZATION, bearer(auth))
    }

    /// Begins a resumable upload of `len` bytes; its location and session id.
    async fn begin_upload(&self, len: usize, auth: &Auth) -> (String, String) {
        let create = self
            .request(Method::POST, "/uploads", auth)
            .header("upload-length", len.to_string())
            .body(Body::empty())
            .unwrap();
        let created = self.send(create).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let location = created.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        let upload_id = location.rsplit('/').next().unwrap().to_owned();
        (location, upload_id)
    }

    async fn upload_raw(&self, bytes: &[u8], auth: &Auth) -> Reply {
        let request = self
            .request(Method::POST, "/blobs", auth)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        self.send(request).await
    }

    async fn add(&self, body: Value) -> Reply {
        self.api.post(&self.path(""), &self.off1, body).await
    }

    /// Uploads `bytes` and links them as an A/V record; returns the blob JSON.
    async fn upload_and_link(&self, bytes: &[u8]) -> Value {
        let reply = self.upload_raw(bytes, &self.off1).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let blob = reply.json.clone();
        let linked = self.add(av_body(&blob)).await;
        assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
        blob
    }

    async fn get_file(&self, sha256: &str, auth: &Auth, range: Option<&str>) -> Reply {
        let mut builder = self.request(Method::GET, &format!("/{sha256}"), auth);
        if let Some(range) = range {
            builder = builder.header(header::RANGE, range);
        }
        self.send(builder.body(Body::empty()).unwrap()).await
    }
}

fn av_metadata() -> Value {
    json!({
        "record_type": "av_record",
        "file_name": "DCIM/100MEDIA/FILE0001.MP4",
        "event_time": "2024-10-08T14:00:00+08:00",
        "event_end": "2024-10-08T14:40:00+08:00",
        "av": {
            "device_type": "执法记录仪",
            "method": "执法记录仪连续录像",
            "makers": ["o1", "o2"],
            "proof_object": "当事人现场销售过期食品的事实",
            "device_id": "ZFJLY-0007",
            "gps": "34.79,117.25"
        }
    })
}

fn av_body(blob: &Value) -> Value {
    let mut body = av_metadata();
    body["blob"] = blob.clone();
    body
}

#[tokio::test]
async fn raw_upload_is_hashed_sniffed_and_linked_as_an_av_record_with_the_r28_check() {
    let f = fixture().await;
    let bytes = mp4_bytes(300_000, 7);
    let reply = f.upload_raw(&bytes, &f.off1).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["sha256"], sha256_hex(&bytes));
    assert_eq!(reply.json["size"], 300_000);
    assert_eq!(
        reply.json["media_type"], "video/mp4",
        "sniffed, not declared"
    );
    assert_eq!(reply.json["deduplicated"], false);
    assert_eq!(reply.json["sm3"].as_str().unwrap().len(), 64);

    let linked = f.add(av_body(&reply.json)).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
    assert_eq!(linked.json["file"]["name"], "FILE0001.MP4");
    assert_eq!(linked.json["file"]["sha256"], sha256_hex(&bytes));
    // Recorded 2024-10-08, stored on the district clock's 2024-12-20: flagged late (R28-a).
    assert_eq!(linked.json["storage"]["due"], "2024-10-10");
    assert_eq!(linked.json["storage"]["late"], true);
    assert!(
        linked.json["storage"]["label"]
            .as_str()
            .unwrap()
            .starts_with("逾期存储")
    );

    // The same bytes again: stored once.
    let again = f.upload_raw(&bytes, &f.off1).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json["deduplicated"], true);

    let list = f.api.get(&f.path(""), &f.off1).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let items = list.json.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["file"]["sha256"], sha256_hex(&bytes));
    assert_eq!(items[0]["record_type"], "av_record");
    assert_eq!(items[0]["storage"]["late"], true);
}

fn multipart_body(boundary: &str, metadata: Option<&Value>, name: &str, file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(metadata) = metadata {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{metadata}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

async fn upload_multipart(f: &Fixture, body: Vec<u8>, boundary: &str) -> Reply {
    let request = f
        .request(Method::POST, "/blobs", &f.off1)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    f.send(request).await
}

#[tokio::test]
async fn multipart_upload_streams_the_file_part_and_links_its_metadata() {
    let f = fixture().await;
    let bytes = mp4_bytes(2 * 1024 * 1024 + 17, 11);
    let mut metadata = av_metadata();
    metadata
        .as_object_mut()
        .unwrap()
        .remove("file_name")
        .unwrap();
    let boundary = "----liuhen-test-boundary";
    let body = multipart_body(boundary, Some(&metadata), "DCIM/FILE0002.MP4", &bytes);
    let reply = upload_multipart(&f, body, boundary).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["blob"]["sha256"], sha256_hex(&bytes));
    assert_eq!(
        reply.json["blob"]["media_type"], "video/mp4",
        "the part's text/plain is not trusted"
    );
    assert_eq!(reply.json["evidence"]["file"]["name"], "FILE0002.MP4");
    let seq = reply.json["evidence"]["receipt"]["seq"].as_u64().unwrap();
    let records = f
        .api
        .get(&format!("/api/v1/cases/{}/records", f.case_id), &f.off1)
        .await;
    let record = records
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record"]["seq"] == seq)
        .unwrap_or_else(|| panic!("record {seq} in {}", records.text));
    assert_eq!(record["record"]["files"][0]["sha256"], sha256_hex(&bytes));

    // Without metadata: only the blob.
    let other = mp4_bytes(5000, 12);
    let reply = upload_multipart(
        &f,
        multipart_body(boundary, None, "b.mp4", &other),
        boundary,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["blob"]["sha256"], sha256_hex(&other));
    assert_eq!(reply.json["evidence"], Value::Null);

    // Metadata refused by R27-a: the blob is stored, the record is not appended.
    let mut bad = av_metadata();
    bad["av"]["method"] = json!("");
    let third = mp4_bytes(5000, 13);
    let reply = upload_multipart(
        &f,
        multipart_body(boundary, Some(&bad), "c.mp4", &third),
        boundary,
    )
    .await;
    let body = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert!(body["rule"].as_str().unwrap().contains("R27-a"), "{body}");
}

#[tokio::test]
async fn resumable_upload_resumes_at_the_durable_offset_after_an_interrupted_patch() {
    let f = fixture().await;
    let total = 3 * 1024 * 1024 + 5;
    let bytes = mp4_bytes(total, 21);
    let create = f
        .request(Method::POST, "/uploads", &f.off1)
        .header("upload-length", total.to_string())
        .body(Body::empty())
        .unwrap();
    let created = f.send(create).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let location = created.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(created.headers["upload-offset"], "0");
    assert_eq!(created.json["location"], location.as_str());
    let patch = |offset: usize, body: Body| {
        Request::builder()
            .method(Method::PATCH)
            .uri(&location)
            .header(header::AUTHORIZATION, bearer(&f.off1))
            .header("upload-offset", offset.to_string())
            .header(header::CONTENT_TYPE, "application/offset+octet-stream")
            .body(body)
            .unwrap()
    };

    // The connection breaks after 1 MiB: a body stream that fails.
    let first = Bytes::copy_from_slice(&bytes[..1024 * 1024]);
    let broken = futures_util::stream::iter(vec![
        Ok::<Bytes, std::io::Error>(first),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "client went away",
        )),
    ]);
    let reply = f.send(patch(0, Body::from_stream(broken))).await;
    assert!(!reply.status.is_success(), "{}", reply.status);
    assert!(
        stored_files(f.blob_dir.path()).is_empty(),
        "nothing visible before finish"
    );

    let head = Request::builder()
        .method(Method::HEAD)
        .uri(&location)
        .header(header::AUTHORIZATION, bearer(&f.off1))
        .body(Body::empty())
        .unwrap();
    let status = f.send(head).await;
    assert_eq!(status.status, StatusCode::OK);
    let offset: usize = status.headers["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        offset,
        1024 * 1024,
        "the bytes before the break are durable"
    );
    assert_eq!(status.headers["upload-length"], total.to_string().as_str());

    // A stale offset is refused with the expected one.
    let stale = f.send(patch(0, Body::from(bytes[..10].to_vec()))).await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");
    assert_eq!(stale.headers["upload-offset"], offset.to_string().as_str());

    let rest = f
        .send(patch(offset, Body::from(bytes[offset..].to_vec())))
        .await;
    assert_eq!(rest.status, StatusCode::NO_CONTENT, "{}", rest.text);
    assert_eq!(rest.headers["upload-offset"], total.to_string().as_str());

    let finish = f
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(format!("{location}/finish"))
                .header(header::AUTHORIZATION, bearer(&f.off1))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(finish.status, StatusCode::CREATED, "{}", finish.text);
    assert_eq!(finish.json["sha256"], sha256_hex(&bytes));
    assert_eq!(finish.json["size"], total);
    // The session is over.
    let gone = f.send(patch(total, Body::from(vec![0u8; 1]))).await;
    assert_error(&gone, StatusCode::NOT_FOUND, "not_found");
    // And the blob links like any other.
    let linked = f.add(av_body(&finish.json)).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
}

/// Size of the (single) in-progress temp file of the blob store, 0 when there is none.
fn tmp_progress(root: &Path) -> u64 {
    tmp_files(root)
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|meta| meta.len())
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_64_mib_upload_is_written_while_it_arrives_never_buffered_whole() {
    const MIB: usize = 1024 * 1024;
    const CHUNKS: usize = 64;
    /// How far the client may run ahead of what is on disk: the blob store's queues (4 chunks
    /// per worker) and the reader's buffer, with room to spare. Buffering the body would need
    /// all 64.
    const SLACK_MIB: usize = 16;
    let f = fixture().await;
    let root = f.blob_dir.path().to_owned();
    let hasher = Arc::new(std::sync::Mutex::new(Sha256::new()));
    let stream_hasher = hasher.clone();
    let max_lag = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stream_lag = max_lag.clone();
    // A generated body of unknown length: chunk k is produced only once at least k − SLACK MiB
    // have reached the blob store's temp file; a server that collected the body first would
    // never see chunk SLACK+1, and the stream fails after 20 s of no progress.
    let body = futures_util::stream::unfold(0usize, move |k| {
        let root = root.clone();
        let hasher = stream_hasher.clone();
        let lag = stream_lag.clone();
        async move {
            if k == CHUNKS {
                return None;
            }
            let waited = Instant::now();
            loop {
                let on_disk = usize::try_from(tmp_progress(&root)).unwrap() / MIB;
                if k < SLACK_MIB || on_disk + SLACK_MIB >= k {
                    lag.fetch_max(
                        k.saturating_sub(on_disk),
                        std::sync::atomic::Ordering::SeqCst,
                    );
                    break;
                }
                if waited.elapsed() > Duration::from_secs(20) {
                    return Some((
                        Err(std::io::Error::other(format!(
                            "server did not write chunk {} before asking for chunk {k}",
                            k - SLACK_MIB
                        ))),
                        CHUNKS,
                    ));
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let chunk = mp4_bytes(MIB, u32::try_from(k).unwrap() + 100);
            hasher.lock().unwrap().update(&chunk);
            Some((Ok::<Bytes, std::io::Error>(Bytes::from(chunk)), k + 1))
        }
    });
    let request = f
        .request(Method::POST, "/blobs", &f.off1)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from_stream(body))
        .unwrap();
    let reply = f.send(request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let expected = hex::encode(hasher.lock().unwrap().clone().finalize());
    assert_eq!(reply.json["sha256"], expected);
    assert_eq!(reply.json["size"], CHUNKS * MIB);
    let lag = max_lag.load(std::sync::atomic::Ordering::SeqCst);
    assert!(lag <= SLACK_MIB, "client ran {lag} MiB ahead of the disk");
    assert!(tmp_files(f.blob_dir.path()).is_empty());
}

#[tokio::test]
async fn uploads_over_the_evidence_limit_are_413_in_our_format_and_store_nothing() {
    let f = fixture_with(WebConfig {
        secure_cookies: false,
        evidence_limit: 1024 * 1024,
        ..WebConfig::default()
    })
    .await;
    let big = mp4_bytes(2 * 1024 * 1024, 31);
    // Announced with Content-Length: refused by the body limit layer before reading.
    let reply = f.upload_raw(&big, &f.off1).await;
    let body = assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert_eq!(body["rule"], "");
    // Streamed without a length: cut while streaming.
    let chunks: Vec<Result<Bytes, std::io::Error>> = big
        .chunks(256 * 1024)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .collect();
    let request = f
        .request(Method::POST, "/blobs", &f.off1)
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let reply = f.send(request).await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // Multipart.
    let boundary = "b0undary";
    let reply = upload_multipart(
        &f,
        multipart_body(boundary, None, "big.mp4", &big),
        boundary,
    )
    .await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // A resumable session announcing too much.
    let create = f
        .request(Method::POST, "/uploads", &f.off1)
        .header("upload-length", big.len().to_string())
        .body(Body::empty())
        .unwrap();
    let reply = f.send(create).await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    assert!(stored_files(f.blob_dir.path()).is_empty());
    assert!(tmp_files(f.blob_dir.path()).is_empty());

    // Under the limit passes, and the JSON routes keep their own 1 MiB limit.
    let small = mp4_bytes(512 * 1024, 32);
    assert_eq!(
        f.upload_raw(&small, &f.off1).await.status,
        StatusCode::CREATED
    );
    let mut huge_json = av_metadata();
    huge_json["data"] = json!({"note": "字".repeat(400_000)});
    huge_json["blob"] = json!({"sha256": sha256_hex(&small), "sm3": "0", "size": 1});
    let reply = f.add(huge_json).await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn r27_metadata_is_required_and_refused_with_its_rule_ids() {
    let f = fixture().await;
    let video = f.upload_raw(&mp4_bytes(4000, 41), &f.off1).await.json;
    let png = f.upload_raw(PNG, &f.off1).await.json;
    assert_eq!(png["media_type"], "image/png");
    /// Sends a valid A/V body for `blob` changed by `change`; expects refusal citing every ID
    /// in `ids`, or success when `ids` is empty.
    async fn check(f: &Fixture, blob: &Value, change: impl FnOnce(&mut Value), ids: &[&str]) {
        let mut body = av_body(blob);
        change(&mut body);
        let reply = f.add(body.clone()).await;
        if ids.is_empty() {
            assert_eq!(reply.status, StatusCode::CREATED, "{body}: {}", reply.text);
            return;
        }
        let error = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let rule = error["rule"].as_str().unwrap();
        for id in ids {
            assert!(rule.split(',').any(|r| r == *id), "{id} in {rule}: {body}");
        }
    }
    check(&f, &video, |b| b["av"]["method"] = json!(""), &["R27-a"]).await;
    check(
        &f,
        &video,
        |b| b["av"]["proof_object"] = json!(""),
        &["R27-a"],
    )
    .await;
    check(&f, &video, |b| b["av"]["makers"] = json!([]), &["R27-a"]).await;
    check(&f, &video, |b| b["event_end"] = Value::Null, &["R27-a"]).await;
    check(
        &f,
        &video,
        |b| b["av"]["device_type"] = json!(""),
        &["R3-c"],
    )
    .await;
    check(
        &f,
        &png,
        |b| b["av"]["media_type"] = json!("录像"),
        &["R3-c", "R27-c"],
    )
    .await;
    // A photo is an instant: no end needed.
    check(&f, &png, |b| b["event_end"] = Value::Null, &[]).await;
    check(&f, &video, |_| {}, &[]).await;

    // Hashes the store does not have are input errors, not refusals.
    let mut forged = av_body(&video);
    forged["blob"]["sm3"] = json!("0".repeat(64));
    assert_error(&f.add(forged).await, StatusCode::BAD_REQUEST, "invalid");
}

#[tokio::test]
async fn range_requests_serve_206_200_and_416_with_playback_headers() {
    let f = fixture().await;
    let bytes = mp4_bytes(100_000, 51);
    let blob = f.upload_and_link(&bytes).await;
    let sha = blob["sha256"].as_str().unwrap();
    let size = bytes.len();
    /// `range` → expected status, `Content-Range` and body slice.
    async fn check(
        f: &Fixture,
        sha: &str,
        range: Option<&str>,
        expect: (StatusCode, Option<String>, Option<std::ops::Range<usize>>),
        bytes: &[u8],
    ) {
        let reply = f.get_file(sha, &f.off1, range).await;
        assert_eq!(reply.status, expect.0, "{range:?}: {}", reply.text);
        let content_range = reply
            .headers
            .get(header::CONTENT_RANGE)
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(content_range, expect.1, "{range:?}");
        if let Some(slice) = expect.2 {
            let body = f.get_file_bytes(sha, range).await;
            assert_eq!(body.len(), slice.len(), "{range:?}");
            assert!(body == bytes[slice], "{range:?}: content");
            assert_eq!(
                reply.headers[header::CONTENT_LENGTH],
                body.len().to_string().as_str()
            );
        }
    }
    let n = size;
    check(&f, sha, None, (StatusCode::OK, None, Some(0..n)), &bytes).await;
    check(
        &f,
        sha,
        Some("bytes=0-0"),
        (
            StatusCode::PARTIAL_CONTENT,
            Some(format!("bytes 0-0/{n}")),
            Some(0..1),
        ),
        &bytes,
    )
    .await;
    check(
        &f,
        sha,
        Some("bytes=40000-49999"),
        (
            StatusCode::PARTIAL_CONTENT,
            Some(format!("bytes 40000-49999/{n}")),
            Some(40000..50000),
        ),
        &bytes,
    )
    .await;
    check(
        &f,
        sha,
        Some("bytes=99990-"),
        (
            StatusCode::PARTIAL_CONTENT,
            Some(format!("bytes 99990-99999/{n}")),
            Some(99990..n),
        ),
        &bytes,
    )
    .await;
    check(
        &f,
        sha,
        Some("bytes=-500"),
        (
            StatusCode::PARTIAL_CONTENT,
            Some(format!("bytes {}-{}/{n}", n - 500, n - 1)),
            Some(n - 500..n),
        ),
        &bytes,
    )
    .await;
    check(
        &f,
        sha,
        Some("bytes=99000-200000"),
        (
            StatusCode::PARTIAL_CONTENT,
            Some(format!("bytes 99000-99999/{n}")),
            Some(99000..n),
        ),
        &bytes,
    )
    .await;
    // Several ranges or another unit: the whole file (a server may ignore Range).
    check(
        &f,
        sha,
        Some("bytes=0-1,5-6"),
        (StatusCode::OK, None, Some(0..n)),
        &bytes,
    )
    .await;
    check(
        &f,
        sha,
        Some("items=0-1"),
        (StatusCode::OK, None, Some(0..n)),
        &bytes,
    )
    .await;
    // Past the end: 416 with the size, in our error format.
    let reply = f.get_file(sha, &f.off1, Some(&format!("bytes={n}-"))).await;
    assert_error(
        &reply,
        StatusCode::RANGE_NOT_SATISFIABLE,
        "range_not_satisfiable",
    );
    assert_eq!(
        reply.headers[header::CONTENT_RANGE],
        format!("bytes */{n}").as_str()
    );

    let whole = f.get_file(sha, &f.off1, None).await;
    let h = &whole.headers;
    assert_eq!(h[header::ACCEPT_RANGES], "bytes");
    assert_eq!(h[header::CONTENT_TYPE], "video/mp4");
    assert_eq!(h[header::ETAG], format!("\"{sha}\"").as_str());
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        h[header::CONTENT_DISPOSITION],
        "inline; filename=\"FILE0001.MP4\"; filename*=UTF-8''FILE0001.MP4"
    );
    // If-Range naming another representation: the whole file.
    let request = f
        .request(Method::GET, &format!("/{sha}"), &f.off1)
        .header(header::RANGE, "bytes=0-0")
        .header(header::IF_RANGE, "\"other\"")
        .body(Body::empty())
        .unwrap();
    assert_eq!(f.send(request).await.status, StatusCode::OK);
}

impl Fixture {
    async fn get_file_bytes(&self, sha256: &str, range: Option<&str>) -> Vec<u8> {
        let mut builder = self.request(Method::GET, &format!("/{sha256}"), &self.off1);
        if let Some(range) = range {
            builder = builder.header(header::RANGE, range);
        }
        let response =
            tower::ServiceExt::oneshot(self.api.app(), builder.body(Body::empty()).unwrap())
                .await
                .unwrap();
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }
}

#[tokio::test]
async fn another_bodys_officer_gets_404_everywhere_and_uploads_nothing() {
    let f = fixture().await;
    let bytes = mp4_bytes(10_000, 61);
    let blob = f.upload_and_link(&bytes).await;
    let sha = blob["sha256"].as_str().unwrap();
    let offb = f.api.bearer("offb").await;
    let files_before = stored_files(f.blob_dir.path()).len();

    assert_error(
        &f.get_file(sha, &offb, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &f.get_file(sha, &offb, Some("bytes=0-0")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Even a range past the end does not reveal the file's size to an outsider.
    assert_error(
        &f.get_file(sha, &offb, Some("bytes=999999999-")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &f.api.get(&f.path(""), &offb).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let other = mp4_bytes(10_000, 62);
    assert_error(
        &f.upload_raw(&other, &offb).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let create = f
        .request(Method::POST, "/uploads", &offb)
        .header("upload-length", "10")
        .body(Body::empty())
        .unwrap();
    assert_error(&f.send(create).await, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(stored_files(f.blob_dir.path()).len(), files_before);
    // A file of the case that is not linked to it is not served either.
    let unlinked = f.upload_raw(&other, &f.off1).await.json;
    assert_error(
        &f.get_file(unlinked["sha256"].as_str().unwrap(), &f.off1, None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Not signed in.
    let request = Request::builder()
        .uri(f.path(&format!("/{sha}")))
        .body(Body::empty())
        .unwrap();
    assert_error(
        &f.send(request).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

#[tokio::test]
async fn downloads_and_views_are_audited_with_user_object_and_outcome() {
    let f = fixture().await;
    let bytes = mp4_bytes(10_000, 71);
    let blob = f.upload_and_link(&bytes).await;
    let sha = blob["sha256"].as_str().unwrap();
    assert_eq!(f.get_file(sha, &f.off1, None).await.status, StatusCode::OK);
    assert_eq!(
        f.get_file(sha, &f.off1, Some("bytes=0-99")).await.status,
        StatusCode::PARTIAL_CONTENT
    );
    let offb = f.api.bearer("offb").await;
    f.get_file(sha, &offb, None).await;

    let object = format!("case/{}/files/{sha}", f.case_id);
    let entries: Vec<(String, String, String)> = f
        .api
        .audit_entries()
        .await
        .into_iter()
        .filter(|e| e.object == object)
        .map(|e| {
            (
                e.action,
                e.user.map(|u| u.as_str().to_owned()).unwrap_or_default(),
                e.outcome,
            )
        })
        .collect();
    let has = |action: &str, user: &str, outcome: &str| {
        entries
            .iter()
            .any(|(a, u, o)| a == action && u == user && o == outcome)
    };
    assert!(has("upload", "off1", "ok"), "{entries:?}");
    assert!(has("attach", "off1", "ok"), "{entries:?}");
    assert!(has("download", "off1", "ok"), "{entries:?}");
    assert!(has("view", "off1", "ok"), "{entries:?}");
    assert!(has("download", "offb", "not_found"), "{entries:?}");
}

#[tokio::test]
async fn verify_rehashes_every_linked_file() {
    let f = fixture().await;
    f.upload_and_link(&mp4_bytes(10_000, 81)).await;
    let reply = f.api.post(&f.path("/verify"), &f.off1, json!({})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let checks = reply.json.as_array().unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0]["status"], "ok");
}

#[tokio::test]
async fn terminating_an_upload_deletes_the_partial_file_and_later_requests_get_404() {
    let f = fixture().await;
    let bytes = mp4_bytes(200_000, 91);
    let (location, upload_id) = f.begin_upload(bytes.len(), &f.off1).await;
    let at = |method: Method, auth: &Auth| {
        Request::builder()
            .method(method)
            .uri(&location)
            .header(header::AUTHORIZATION, bearer(auth))
    };
    let patch = |offset: usize, body: Vec<u8>| {
        at(Method::PATCH, &f.off1)
            .header("upload-offset", offset.to_string())
            .header(header::CONTENT_TYPE, "application/offset+octet-stream")
            .body(Body::from(body))
            .unwrap()
    };
    let first = f.send(patch(0, bytes[..100_000].to_vec())).await;
    assert_eq!(first.status, StatusCode::NO_CONTENT, "{}", first.text);
    let partial = f
        .blob_dir
        .path()
        .join("uploads")
        .join(format!("{upload_id}.part"));
    assert_eq!(std::fs::metadata(&partial).unwrap().len(), 100_000);

    // SUPERVISOR reads but never writes; another body's officer cannot see the case. Neither
    // touches the session.
    let supervisor = f.api.bearer("sup").await;
    let refused = f
        .send(at(Method::DELETE, &supervisor).body(Body::empty()).unwrap())
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let outsider = f.api.bearer("offb").await;
    let hidden = f
        .send(at(Method::DELETE, &outsider).body(Body::empty()).unwrap())
        .await;
    assert_error(&hidden, StatusCode::NOT_FOUND, "not_found");
    assert!(
        partial.exists(),
        "the session survives refused terminations"
    );

    let terminated = f
        .send(at(Method::DELETE, &f.off1).body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        terminated.status,
        StatusCode::NO_CONTENT,
        "{}",
        terminated.text
    );
    assert_eq!(terminated.headers["tus-resumable"], "1.0.0");
    assert!(!partial.exists(), "the partial file is deleted");
    assert!(
        stored_files(f.blob_dir.path()).is_empty(),
        "nothing was stored"
    );
    let later = f.send(patch(100_000, bytes[100_000..].to_vec())).await;
    assert_error(&later, StatusCode::NOT_FOUND, "not_found");
    let head = f
        .send(at(Method::HEAD, &f.off1).body(Body::empty()).unwrap())
        .await;
    assert_eq!(head.status, StatusCode::NOT_FOUND);
    let again = f
        .send(at(Method::DELETE, &f.off1).body(Body::empty()).unwrap())
        .await;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");

    let entries = f.api.audit_entries().await;
    let object = format!("case/{}/uploads/{upload_id}", f.case_id);
    let has = |user: &str, outcome: &str| {
        entries.iter().any(|e| {
            e.action == "abort_upload"
                && e.object == object
                && e.user.as_ref().map(|u| u.as_str()) == Some(user)
                && e.outcome == outcome
        })
    };
    assert!(has("off1", "ok"), "{entries:?}");
    assert!(has("sup", "forbidden"), "{entries:?}");
    assert!(has("off1", "not_found"), "{entries:?}");
}

/// Appends a record through `POST /cases/{id}/records`.
async fn add_record(f: &Fixture, auth: &Auth, record_type: &str, time: &str, data: Value) -> Reply {
    let body = json!({"record_type": record_type, "event_time": time, "data": data});
    f.api
        .post(&format!("/api/v1/cases/{}/records", f.case_id), auth, body)
        .await
}

#[tokio::test]
async fn archiving_rehashes_the_files_and_records_the_result_itself_r29_b() {
    let f = fixture().await;
    let video = mp4_bytes(50_000, 93);
    let blob = f.upload_and_link(&video).await;
    let unit_head = f.api.bearer("uhead").await;
    let closed = add_record(
        &f,
        &unit_head,
        "case_closure",
        "2024-10-09T10:00:00+08:00",
        json!({"reason": "撤销案件", "summary": "违法事实不能成立。", "opinion": "同意结案。"}),
    )
    .await;
    assert_eq!(closed.status, StatusCode::CREATED, "{}", closed.text);
    let archivist = f.api.bearer("arch").await;
    let archive = |archive_no: &str| {
        json!({"archive_no": archive_no, "retention": "10年", "volumes": 1, "pages": 20,
            "location": "档案室", "hashes_verified": true, "files_verified": 7})
    };

    // The file changed on disk: archiving is refused naming it, whatever the request claims.
    let path = f
        .blob_dir
        .path()
        .join(&blob["sha256"].as_str().unwrap()[0..2])
        .join(&blob["sha256"].as_str().unwrap()[2..4])
        .join(blob["sha256"].as_str().unwrap());
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    let mut tampered = video.clone();
    tampered[40_000] ^= 0xff;
    std::fs::write(&path, &tampered).unwrap();
    let refused = add_record(
        &f,
        &archivist,
        "r29_archive",
        "2024-10-10T10:00:00+08:00",
        archive("薛市监-2024-0009"),
    )
    .await;
    let body = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert!(
        body["rule"].as_str().unwrap().contains("R29-b"),
        "{}",
        refused.text
    );
    assert!(
        body["message"].as_str().unwrap().contains("FILE0001.MP4"),
        "names the file: {}",
        refused.text
    );

    // Restored: archived, with the platform's own result.
    std::fs::write(&path, &video).unwrap();
    let archived = add_record(
        &f,
        &archivist,
        "r29_archive",
        "2024-10-10T10:00:00+08:00",
        archive("薛市监-2024-0009"),
    )
    .await;
    assert_eq!(archived.status, StatusCode::CREATED, "{}", archived.text);
    let seq = archived.json["seq"].as_u64().unwrap();
    let records = f
        .api
        .get(&format!("/api/v1/cases/{}/records", f.case_id), &archivist)
        .await;
    let record = records
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["seq"] == seq)
        .unwrap();
    assert_eq!(record["record"]["data"]["hashes_verified"], true);
    assert_eq!(record["record"]["data"]["files_verified"], 1);

    // Read-only now: even evidence cannot be added (R29-b).
    let late = f.add(av_body(&blob)).await;
    let body = assert_error(&late, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    assert!(
        body["rule"].as_str().unwrap().contains("R29-b"),
        "{}",
        late.text
    );
}

#[tokio::test]
async fn supervisor_lists_bodies_without_an_archivist_r29_d() {
    let api = common::api().await;
    let supervisor = api.bearer("sup").await;
    let reply = api.get("/api/v1/supervision/archivists", &supervisor).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let rows = reply.json.as_array().unwrap();
    assert_eq!(
        rows[0]["body"], "xc-zhzf",
        "bodies without an archivist first"
    );
    assert_eq!(rows[0]["missing"], true);
    let body_a = rows.iter().find(|r| r["body"] == common::BODY_A).unwrap();
    assert_eq!(body_a["missing"], false);
    assert_eq!(body_a["archivists"][0]["user"], "arch");
    let officer = api.bearer("off1").await;
    assert_error(
        &api.get("/api/v1/supervision/archivists", &officer).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

/// An upload session belongs to the user who began it and to its case: another officer of the
/// same body (who may write to the case) and the same user on another case get 404 for every
/// step, and the session is untouched; its owner then finishes it.
#[tokio::test]
async fn an_upload_session_is_bound_to_its_user_and_case() {
    let f = fixture().await;
    let bytes = mp4_bytes(50_000, 17);
    let (location, upload_id) = f.begin_upload(bytes.len(), &f.off1).await;
    let other_case = f.api.open_case(&f.off1).await;
    let other_case = other_case.json["case_id"].as_str().unwrap().to_owned();
    let elsewhere = format!("/api/v1/cases/{other_case}/evidence/uploads/{upload_id}");
    let off2 = f.api.bearer("off2").await;
    let attempts = [(&off2, location.as_str()), (&f.off1, elsewhere.as_str())];
    for (auth, uri) in attempts {
        let at = |method: Method, suffix: &str| {
            Request::builder()
                .method(method)
                .uri(format!("{uri}{suffix}"))
                .header(header::AUTHORIZATION, bearer(auth))
        };
        let head = f
            .send(at(Method::HEAD, "").body(Body::empty()).unwrap())
            .await;
        assert_eq!(head.status, StatusCode::NOT_FOUND, "HEAD {uri}");
        let patch = at(Method::PATCH, "")
            .header("upload-offset", "0")
            .header(header::CONTENT_TYPE, "application/offset+octet-stream")
            .body(Body::from(bytes.clone()))
            .unwrap();
        assert_error(&f.send(patch).await, StatusCode::NOT_FOUND, "not_found");
        let finish = at(Method::POST, "/finish").body(Body::empty()).unwrap();
        assert_error(&f.send(finish).await, StatusCode::NOT_FOUND, "not_found");
        let delete = at(Method::DELETE, "").body(Body::empty()).unwrap();
        assert_error(&f.send(delete).await, StatusCode::NOT_FOUND, "not_found");
    }
    let partial = f
        .blob_dir
        .path()
        .join("uploads")
        .join(format!("{upload_id}.part"));
    assert_eq!(std::fs::metadata(&partial).unwrap().len(), 0, "untouched");

    let own = |method: Method, suffix: &str| {
        Request::builder()
            .method(method)
            .uri(format!("{location}{suffix}"))
            .header(header::AUTHORIZATION, bearer(&f.off1))
    };
    let patch = own(Method::PATCH, "")
        .header("upload-offset", "0")
        .header(header::CONTENT_TYPE, "application/offset+octet-stream")
        .body(Body::from(bytes.clone()))
        .unwrap();
    assert_eq!(f.send(patch).await.status, StatusCode::NO_CONTENT);
    let finished = f
        .send(own(Method::POST, "/finish").body(Body::empty()).unwrap())
        .await;
    assert!(finished.status.is_success(), "{}", finished.text);
    assert_eq!(
        finished.json["sha256"],
        sha256_hex(&bytes),
        "{}",
        finished.text
    );
}
