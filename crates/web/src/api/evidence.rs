//! Evidence files (证据文件、音像记录) over HTTP (issue 6 items 1–4; docs/evidence.md): streamed
//! uploads (raw body, multipart, resumable), evidence records with R27 metadata, the list with
//! the R28-a flag, R4-a re-verification, and playback with range requests.
//!
//! # Streaming
//! No handler holds a file in memory. Uploads: the request body's frames become an `AsyncRead`
//! (`Body::into_data_stream` → `StreamReader`) that the core's blob store reads in 1 MiB chunks
//! while hashing SHA-256 and SM3 and writing (docs/evidence.md "One pass, two hashes"); a
//! multipart `file` part is pumped into the same kind of reader through a channel of four
//! frames. Downloads: the blob store's reader becomes the response body (`ReaderStream`).
//!
//! # Limits
//! The upload routes are not under the 1 MiB JSON limit: they carry their own
//! `RequestBodyLimitLayer` of [`crate::state::WebConfig::evidence_limit`] (see
//! [`crate::app`]), the blob store applies the same limit while streaming, and either way an
//! oversized upload is answered 413 in our error format and stores nothing. They have no
//! request timeout either (a multi-GB body-camera file takes minutes).
//!
//! # Resumable uploads (tus-like, <https://tus.io/protocols/resumable-upload> core protocol)
//! `POST …/evidence/uploads` with `Upload-Length` → 201 with `Location`; `PATCH <Location>` with
//! `Upload-Offset` and the next bytes → 204 with the new durable `Upload-Offset`; after a dropped
//! connection `HEAD <Location>` gives the offset to resume from; a wrong offset is 409 with the
//! expected one in `Upload-Offset`; `POST <Location>/finish` hashes and stores the blob;
//! `DELETE <Location>` (tus termination) deletes the partial file and ends the session.
//!
//! # Archiving (R29-d)
//! `GET /supervision/archivists` lists, for SUPERVISOR, the bodies without a designated
//! archivist (they cannot archive). The archiving rules themselves (R27-b, R29-b) are enforced
//! by the core when `r29_archive` is entered through `POST /cases/{id}/records`.
//!
//! # Auditing
//! Uploads, links, reads and downloads are audited by the core service (`upload`, `attach`,
//! `read`, `view` for a range, `download` for the whole file), refusals included; the HTTP audit
//! middleware adds its entry for every write request as for any route.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use axum::body::Body;
use axum::extract::{FromRequest as _, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::TryStreamExt as _;
use liuhen_core::blobs::{BlobError, BlobInfo, BlobReader, ByteRange};
use liuhen_core::error::CoreError;
use liuhen_core::ids::CaseId;
use liuhen_core::service::Ctx;
use liuhen_core::service::evidence::EvidenceError;
use tokio_util::io::{ReaderStream, StreamReader};

use super::cases::case_id;
use crate::dto::evidence::{
    AddEvidenceRequest, ArchivistCoverageDto, BlobDto, EvidenceItemDto, EvidenceMetadataDto,
    EvidenceReceiptDto, FileCheckDto, UploadReplyDto, UploadSessionDto,
};
use crate::error::{ApiError, AuditOutcome, ErrorBody};
use crate::extract::{AppJson, AppPath};
use crate::session::Authenticated;
use crate::state::AppState;

/// tus header: the announced total size of a resumable upload.
pub const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
/// tus header: the offset a `PATCH` starts at / the durable offset after it.
pub const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
/// tus header: the size is not known yet (`Upload-Defer-Length: 1`).
pub const UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");
/// tus header: protocol version, sent on every upload-session response.
pub const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const TUS_VERSION: &str = "1.0.0";

/// Largest `metadata` part of a multipart upload (JSON; the file part is streamed).
const MAX_METADATA_PART: usize = 64 * 1024;
/// Frames of a multipart file part in flight between the parser and the blob store.
const MULTIPART_QUEUE: usize = 4;
/// Read size of the download stream.
const DOWNLOAD_CHUNK: usize = 256 * 1024;

/// Chinese messages of the evidence-specific HTTP errors (protocol, not rules: no rule set entry
/// to come from).
mod messages {
    pub(super) const TOO_LARGE: &str = "文件超过大小限制，未保存";
    pub(super) const RANGE: &str = "请求的范围超出文件大小";
    pub(super) const OFFSET: &str = "上传偏移量与已接收的数据不一致，请按 Upload-Offset 续传";
    pub(super) const UPLOAD_NOT_FOUND: &str = "上传会话不存在或已结束";
    pub(super) const SIZE_MISMATCH: &str = "已接收的数据量与声明的文件大小不一致";
    pub(super) const BODY: &str = "上传的数据未能完整接收，请重试";
}

/// Errors of the evidence routes: everything [`ApiError`] covers, plus the blob store's
/// protocol errors that need their own status and headers.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceApiError {
    /// A general API error (refusal 422, scope 404, input 400, …).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The upload exceeded the evidence size limit (413; nothing stored).
    #[error("evidence exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The `Range` lies outside the file (416 with `Content-Range: bytes */size`).
    #[error("range not satisfiable for {size} bytes")]
    RangeNotSatisfiable {
        /// The file's size.
        size: u64,
    },
    /// A `PATCH` was sent for another offset than the session's (409 with the expected
    /// `Upload-Offset`).
    #[error("upload is at offset {expected}, got {got}")]
    OffsetMismatch {
        /// The session's durable offset.
        expected: u64,
        /// The offset the request claimed.
        got: u64,
    },
    /// The upload session does not exist (404).
    #[error("upload session not found")]
    UploadNotFound,
    /// `finish` was called before all announced bytes arrived (409).
    #[error("upload has {actual} of {expected} bytes")]
    SizeMismatch {
        /// Announced size.
        expected: u64,
        /// Received size.
        actual: u64,
    },
    /// The request body broke off or could not be read (400); for resumable uploads the bytes
    /// received so far are kept.
    #[error("request body could not be read: {0}")]
    Body(String),
}

impl EvidenceApiError {
    fn parts(&self) -> (StatusCode, ErrorBody) {
        let body = |code: &str, message: &str, details: Vec<String>| ErrorBody {
            code: code.to_owned(),
            rule: String::new(),
            message: message.to_owned(),
            citation: String::new(),
            details,
        };
        match self {
            EvidenceApiError::Api(err) => (err.status(), err.body()),
            EvidenceApiError::TooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body(
                    "payload_too_large",
                    messages::TOO_LARGE,
                    vec![format!("limit: {limit}")],
                ),
            ),
            EvidenceApiError::RangeNotSatisfiable { size } => (
                StatusCode::RANGE_NOT_SATISFIABLE,
                body(
                    "range_not_satisfiable",
                    messages::RANGE,
                    vec![format!("size: {size}")],
                ),
            ),
            EvidenceApiError::OffsetMismatch { expected, got } => (
                StatusCode::CONFLICT,
                body(
                    "conflict",
                    messages::OFFSET,
                    vec![format!("Upload-Offset: expected {expected}, got {got}")],
                ),
            ),
            EvidenceApiError::UploadNotFound => (
                StatusCode::NOT_FOUND,
                body("not_found", messages::UPLOAD_NOT_FOUND, Vec::new()),
            ),
            EvidenceApiError::SizeMismatch { expected, actual } => (
                StatusCode::CONFLICT,
                body(
                    "conflict",
                    messages::SIZE_MISMATCH,
                    vec![format!("received {actual} of {expected} bytes")],
                ),
            ),
            EvidenceApiError::Body(_) => (
                StatusCode::BAD_REQUEST,
                body("invalid", messages::BODY, Vec::new()),
            ),
        }
    }
}

impl IntoResponse for EvidenceApiError {
    fn into_response(self) -> Response {
        if let EvidenceApiError::Api(err) = self {
            return err.into_response();
        }
        let (status, body) = self.parts();
        tracing::debug!(status = status.as_u16(), error = %self, "evidence request failed");
        let outcome = body.code.clone();
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            EvidenceApiError::RangeNotSatisfiable { size } => {
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    headers.insert(header::CONTENT_RANGE, value);
                }
            }
            EvidenceApiError::OffsetMismatch { expected, .. } => {
                headers.insert(UPLOAD_OFFSET, HeaderValue::from(expected));
                headers.insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
            }
            _ => {}
        }
        response.extensions_mut().insert(AuditOutcome(outcome));
        response
    }
}

impl From<CoreError> for EvidenceApiError {
    fn from(err: CoreError) -> EvidenceApiError {
        EvidenceApiError::Api(err.into())
    }
}

impl From<EvidenceError> for EvidenceApiError {
    fn from(err: EvidenceError) -> EvidenceApiError {
        match err {
            EvidenceError::Core(err) => err.into(),
            EvidenceError::Blob(err) => err.into(),
            EvidenceError::NoBlobStore => EvidenceApiError::Api(ApiError::Internal(
                "no evidence blob store is configured".to_owned(),
            )),
        }
    }
}

impl From<BlobError> for EvidenceApiError {
    fn from(err: BlobError) -> EvidenceApiError {
        match err {
            BlobError::TooLarge { limit } => EvidenceApiError::TooLarge { limit },
            BlobError::RangeNotSatisfiable { size } => {
                EvidenceApiError::RangeNotSatisfiable { size }
            }
            BlobError::OffsetMismatch { expected, got } => {
                EvidenceApiError::OffsetMismatch { expected, got }
            }
            BlobError::UploadNotFound(_) => EvidenceApiError::UploadNotFound,
            BlobError::SizeMismatch { expected, actual } => {
                EvidenceApiError::SizeMismatch { expected, actual }
            }
            BlobError::NotFound(detail) => EvidenceApiError::Api(ApiError::NotFound(detail)),
            BlobError::InvalidAddress(text) => EvidenceApiError::Api(ApiError::Invalid {
                field: "sha256".to_owned(),
                reason: format!("not a blob address: {text:?}"),
            }),
            // R4-a integrity alert or a disk problem: the client cannot fix it.
            err @ (BlobError::Corrupt { .. } | BlobError::Io { .. }) => {
                EvidenceApiError::Api(ApiError::Internal(err.to_string()))
            }
        }
    }
}

/// Why a streamed request body failed, recorded by the stream adapter so that the handler can
/// answer 413 (the body limit layer cut it) or 400 (the client broke off) rather than the blob
/// store's generic I/O error.
#[derive(Debug, Default)]
struct BodyFailure(AtomicU8);

const BODY_OK: u8 = 0;
const BODY_TOO_LARGE: u8 = 1;
const BODY_BROKEN: u8 = 2;

impl BodyFailure {
    fn record(&self, too_large: bool) {
        let kind = if too_large {
            BODY_TOO_LARGE
        } else {
            BODY_BROKEN
        };
        // The first failure is the cause; later ones are consequences.
        let _ = self
            .0
            .compare_exchange(BODY_OK, kind, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The error to answer with: the body's failure if there was one, else the service's.
    fn explain(&self, err: EvidenceError, limit: u64) -> EvidenceApiError {
        match (self.0.load(Ordering::SeqCst), &err) {
            (BODY_TOO_LARGE, _) => EvidenceApiError::TooLarge { limit },
            (BODY_BROKEN, EvidenceError::Blob(BlobError::Io { .. })) => {
                EvidenceApiError::Body(err.to_string())
            }
            _ => err.into(),
        }
    }
}

/// Whether an error (or one of its sources) is the body limit layer's `LengthLimitError`.
fn is_length_limit(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(err) = current {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = err.source();
    }
    false
}

/// The request body as a blob reader, frame by frame (never collected).
fn body_reader(body: Body, failure: Arc<BodyFailure>) -> BlobReader {
    let stream = body.into_data_stream().map_err(move |err| {
        failure.record(is_length_limit(&err));
        std::io::Error::other(err)
    });
    Box::pin(StreamReader::new(stream))
}

fn location(case_id: &CaseId, upload: &str) -> String {
    format!(
        "{}/cases/{case_id}/evidence/uploads/{upload}",
        crate::API_PREFIX
    )
}

fn header_u64(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse().ok())
        .map(Some)
        .ok_or_else(|| ApiError::Invalid {
            field: name.as_str().to_owned(),
            reason: "须为非负整数".to_owned(),
        })
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

fn multipart_error(err: axum::extract::multipart::MultipartError, limit: u64) -> EvidenceApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return EvidenceApiError::TooLarge { limit };
    }
    EvidenceApiError::Api(ApiError::Invalid {
        field: "multipart".to_owned(),
        reason: err.body_text(),
    })
}

/// Uploads one evidence file to the case's blob store (issue 6 item 1), streamed.
///
/// - **Raw body** (any content type but multipart, e.g. `application/octet-stream`): the body
///   is the file; answers the stored blob.
/// - **`multipart/form-data`**: a `file` part (streamed; its file name is kept) and optionally a
///   `metadata` part with the JSON of `EvidenceMetadataDto`; with metadata the evidence record is
///   appended too (`add_evidence`, every rule applies) and both are answered.
///
/// The media type is sniffed from the content; the file name and the part's content type are
/// never trusted. Same bytes twice are stored once (`deduplicated: true`).
#[utoipa::path(
    post,
    path = "/cases/{id}/evidence/blobs",
    tag = "evidence",
    params(("id" = String, Path, description = "Case id")),
    request_body(
        content(
            (Vec<u8> = "application/octet-stream"),
            (Vec<u8> = "multipart/form-data"),
        ),
        description = "文件内容（原始请求体），或 multipart：file 部分为文件，metadata 部分为证据元数据 JSON（可选）"
    ),
    responses(
        (status = 201, description = "Stored (raw body: the blob; multipart: `UploadReplyDto`)", body = BlobDto),
        (status = 400, description = "Malformed multipart or a broken-off body", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role may not write (e.g. SUPERVISOR), or CSRF", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
        (status = 413, description = "Larger than the evidence size limit; nothing stored", body = ErrorBody),
        (status = 422, description = "Metadata refused by a rule (R27-a, R3-c, …)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn upload_blob(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    request: Request,
) -> Result<Response, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let limit = state.config.evidence_limit;
    if is_multipart(request.headers()) {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|rejection| {
                EvidenceApiError::Api(ApiError::Invalid {
                    field: "multipart".to_owned(),
                    reason: rejection.body_text(),
                })
            })?;
        let reply = upload_multipart(&state, &auth.ctx, &case_id, multipart, limit).await?;
        return Ok((StatusCode::CREATED, AppJson(reply)).into_response());
    }
    let failure = Arc::new(BodyFailure::default());
    let reader = body_reader(request.into_body(), failure.clone());
    let info = state
        .services
        .upload_evidence(&auth.ctx, &case_id, reader, limit)
        .await
        .map_err(|err| failure.explain(err, limit))?;
    Ok((StatusCode::CREATED, AppJson(BlobDto::from(info))).into_response())
}

/// Reads the parts of a multipart upload: `file` streamed into the blob store, `metadata`
/// parsed as JSON; then links the evidence when metadata came.
async fn upload_multipart(
    state: &AppState,
    ctx: &Ctx,
    case_id: &CaseId,
    mut multipart: Multipart,
    limit: u64,
) -> Result<UploadReplyDto, EvidenceApiError> {
    let mut metadata: Option<EvidenceMetadataDto> = None;
    let mut uploaded: Option<(BlobInfo, Option<String>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|err| multipart_error(err, limit))?
    {
        match field.name() {
            Some("file") if uploaded.is_none() => {
                let name = field.file_name().map(str::to_owned);
                let info = stream_part(state, ctx, case_id, field, limit).await?;
                uploaded = Some((info, name));
            }
            Some("metadata") if metadata.is_none() => {
                let text = read_small_part(field, limit).await?;
                let parsed = serde_json::from_slice(&text).map_err(|err| ApiError::Invalid {
                    field: "metadata".to_owned(),
                    reason: err.to_string(),
                })?;
                metadata = Some(parsed);
            }
            other => {
                return Err(ApiError::Invalid {
                    field: "multipart".to_owned(),
                    reason: format!(
                        "unexpected or repeated part {:?}; expected one `file` and at most one `metadata`",
                        other.unwrap_or("")
                    ),
                }
                .into());
            }
        }
    }
    let Some((blob, file_name)) = uploaded else {
        return Err(ApiError::Invalid {
            field: "file".to_owned(),
            reason: "multipart upload without a `file` part".to_owned(),
        }
        .into());
    };
    let evidence = match metadata {
        Some(metadata) => {
            let input = metadata.to_core(blob.clone(), file_name.as_deref())?;
            let receipt = state
                .services
                .add_evidence(ctx, case_id, input)
                .await
                .map_err(EvidenceApiError::from)?;
            Some(EvidenceReceiptDto::from(receipt))
        }
        None => None,
    };
    Ok(UploadReplyDto {
        blob: blob.into(),
        evidence,
    })
}

/// Streams one multipart part into the blob store. The part borrows the parser, so it cannot
/// become the `'static` reader the store takes; a bounded channel of [`MULTIPART_QUEUE`] frames
/// connects the two, both driven by this task (`join!`), so memory stays at a few frames.
pub(crate) async fn stream_part(
    state: &AppState,
    ctx: &Ctx,
    case_id: &CaseId,
    mut field: axum::extract::multipart::Field<'_>,
    limit: u64,
) -> Result<BlobInfo, EvidenceApiError> {
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(MULTIPART_QUEUE);
    let failure = Arc::new(BodyFailure::default());
    let pump_failure = failure.clone();
    let pump = async move {
        loop {
            let item = match field.chunk().await {
                Ok(Some(chunk)) => Ok(chunk),
                Ok(None) => break,
                Err(err) => {
                    pump_failure.record(err.status() == StatusCode::PAYLOAD_TOO_LARGE);
                    Err(std::io::Error::other(err.body_text()))
                }
            };
            let failed = item.is_err();
            // A closed channel means the store stopped reading (refused or failed): stop too.
            if sender.send(item).await.is_err() || failed {
                break;
            }
        }
    };
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    let reader: BlobReader = Box::pin(StreamReader::new(stream));
    let upload = state.services.upload_evidence(ctx, case_id, reader, limit);
    let ((), result) = tokio::join!(pump, upload);
    result.map_err(|err| failure.explain(err, limit))
}

/// Reads a small (metadata) part, refusing more than [`MAX_METADATA_PART`] bytes.
async fn read_small_part(
    mut field: axum::extract::multipart::Field<'_>,
    limit: u64,
) -> Result<Vec<u8>, EvidenceApiError> {
    let mut out = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|err| multipart_error(err, limit))?
    {
        if out.len() + chunk.len() > MAX_METADATA_PART {
            return Err(ApiError::Invalid {
                field: "metadata".to_owned(),
                reason: format!("metadata part exceeds {MAX_METADATA_PART} bytes"),
            }
            .into());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Begins a resumable upload (tus `POST`): `Upload-Length` announces the size (or
/// `Upload-Defer-Length: 1`). Answers 201 with the session's `Location` and `Upload-Offset: 0`.
#[utoipa::path(
    post,
    path = "/cases/{id}/evidence/uploads",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Case id"),
        ("Upload-Length" = Option<u64>, Header, description = "文件总字节数（tus）"),
        ("Upload-Defer-Length" = Option<String>, Header, description = "`1`：大小暂不确定"),
    ),
    responses(
        (status = 201, description = "Session created; PATCH the bytes to `Location`", body = UploadSessionDto),
        (status = 400, description = "Bad or missing Upload-Length", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role may not write, or CSRF", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
        (status = 413, description = "Announced size over the evidence size limit", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn create_upload(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    headers: HeaderMap,
) -> Result<Response, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let length = header_u64(&headers, &UPLOAD_LENGTH)?;
    let deferred = headers
        .get(&UPLOAD_DEFER_LENGTH)
        .is_some_and(|value| value.as_bytes() == b"1");
    if length.is_none() && !deferred {
        return Err(ApiError::Invalid {
            field: UPLOAD_LENGTH.as_str().to_owned(),
            reason: "须提供 Upload-Length（或 Upload-Defer-Length: 1）".to_owned(),
        }
        .into());
    }
    let limit = state.config.evidence_limit;
    if length.is_some_and(|length| length > limit) {
        return Err(EvidenceApiError::TooLarge { limit });
    }
    let status = state
        .services
        .begin_evidence_upload(&auth.ctx, &case_id, length)
        .await?;
    let location = location(&case_id, &status.id);
    let mut response = (
        StatusCode::CREATED,
        AppJson(UploadSessionDto::new(status, location.clone())),
    )
        .into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, value);
    }
    headers.insert(UPLOAD_OFFSET, HeaderValue::from(0u64));
    headers.insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    Ok(response)
}

fn session_headers(response: &mut Response, offset: u64, length: Option<u64>) {
    let headers = response.headers_mut();
    headers.insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    if let Some(length) = length {
        headers.insert(UPLOAD_LENGTH, HeaderValue::from(length));
    }
    headers.insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// The durable offset of an upload session (tus `HEAD`): where to resume after a dropped
/// connection. Headers `Upload-Offset` and `Upload-Length`; no body.
#[utoipa::path(
    head,
    path = "/cases/{id}/evidence/uploads/{upload}",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Case id"),
        ("upload" = String, Path, description = "Upload session id"),
    ),
    responses(
        (status = 200, description = "Headers Upload-Offset, Upload-Length"),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such session or case"),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn upload_status_head(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, upload)): AppPath<(String, String)>,
) -> Result<Response, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let status = state
        .services
        .evidence_upload_status(&auth.ctx, &case_id, &upload)
        .await?;
    let mut response = StatusCode::OK.into_response();
    session_headers(&mut response, status.offset, status.expected_size);
    Ok(response)
}

/// The state of an upload session as JSON (same information as `HEAD`).
#[utoipa::path(
    get,
    path = "/cases/{id}/evidence/uploads/{upload}",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Case id"),
        ("upload" = String, Path, description = "Upload session id"),
    ),
    responses(
        (status = 200, description = "The session", body = UploadSessionDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such session or case", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn upload_status(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, upload)): AppPath<(String, String)>,
) -> Result<Response, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let status = state
        .services
        .evidence_upload_status(&auth.ctx, &case_id, &upload)
        .await?;
    let (offset, length) = (status.offset, status.expected_size);
    let location = location(&case_id, &status.id);
    let mut response = AppJson(UploadSessionDto::new(status, location)).into_response();
    session_headers(&mut response, offset, length);
    Ok(response)
}

/// Appends the body to an upload session at `Upload-Offset` (tus `PATCH`). Bytes are durable
/// (fsynced) before the answer; after a dropped connection what arrived is kept, and `HEAD`
/// tells where to resume. A wrong offset is 409 with the expected `Upload-Offset`.
#[utoipa::path(
    patch,
    path = "/cases/{id}/evidence/uploads/{upload}",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Case id"),
        ("upload" = String, Path, description = "Upload session id"),
        ("Upload-Offset" = u64, Header, description = "本段数据的起始偏移量"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream", description = "下一段数据"),
    responses(
        (status = 204, description = "Appended; header Upload-Offset is the new durable offset"),
        (status = 400, description = "Missing Upload-Offset, or the body broke off (bytes received are kept)", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such session or case", body = ErrorBody),
        (status = 409, description = "Offset differs from the session's; header Upload-Offset", body = ErrorBody),
        (status = 413, description = "Beyond the announced size or the size limit", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn append_upload(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, upload)): AppPath<(String, String)>,
    request: Request,
) -> Result<Response, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let offset =
        header_u64(request.headers(), &UPLOAD_OFFSET)?.ok_or_else(|| ApiError::Invalid {
            field: UPLOAD_OFFSET.as_str().to_owned(),
            reason: "须提供 Upload-Offset".to_owned(),
        })?;
    let failure = Arc::new(BodyFailure::default());
    let reader = body_reader(request.into_body(), failure.clone());
    let status = state
        .services
        .append_evidence_chunk(&auth.ctx, &case_id, &upload, offset, reader)
        .await
        .map_err(|err| failure.explain(err, state.config.evidence_limit))?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    session_headers(&mut response, status.offset, status.expected_size);
    Ok(response)
}

/// Terminates an upload session (tus termination extension, `DELETE <Location>`): the bytes
/// received so far are deleted and the session ends; a later `PATCH`, `HEAD` or `finish` gets
/// 404. For a client that gives up (wrong file, cancelled by the officer) instead of leaving a
/// partial file until the 7-day expiry. Audited (`abort_upload`).
#[utoipa::path(
    delete,
    path = "/cases/{id}/evidence/uploads/{upload}",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Case id"),
        ("upload" = String, Path, description = "Upload session id"),
    ),
    responses(
        (status = 204, description = "Terminated; the partial file is deleted"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role may not write (e.g. SUPERVISOR), or CSRF", body = ErrorBody),
        (status = 404, description = "No such session or case", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn terminate_upload(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, upload)): AppPath<(String, String)>,
) -> Result<Response, EvidenceApiError> {
    let case_id = case_id(&id)?;
    state
        .services
        .abort_evidence_upload(&auth.ctx, &case_id, &upload)
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    Ok(response)
}

/// Finishes an upload session: hashes the received bytes (SHA-256 and SM3) and stores the blob;
/// the session ends. Then link it with `POST /cases/{id}/evidence`.
#[utoipa::path(
    post,
    path = "/cases/{id}/evidence/uploads/{upload}/finish",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Case id"),
        ("upload" = String, Path, description = "Upload session id"),
    ),
    responses(
        (status = 201, description = "Stored", body = BlobDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such session or case", body = ErrorBody),
        (status = 409, description = "Fewer bytes than announced", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn finish_upload(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, upload)): AppPath<(String, String)>,
) -> Result<(StatusCode, AppJson<BlobDto>), EvidenceApiError> {
    let case_id = case_id(&id)?;
    let info = state
        .services
        .finish_evidence_upload(&auth.ctx, &case_id, &upload)
        .await?;
    Ok((StatusCode::CREATED, AppJson(info.into())))
}

/// Links an uploaded blob to the case as an evidence record (issue 6 items 2–3): the record goes
/// into the log with the file's SHA-256 and SM3, so the log commits to the file. A/V records
/// need their R27-a metadata (制作方法、制作时间、制作人、证明对象) and R3-c device and media
/// type; the declared media type must fit the sniffed content. Returns the R28-a storage check.
#[utoipa::path(
    post,
    path = "/cases/{id}/evidence",
    tag = "evidence",
    params(("id" = String, Path, description = "Case id")),
    request_body = AddEvidenceRequest,
    responses(
        (status = 201, description = "Evidence record appended", body = EvidenceReceiptDto),
        (status = 400, description = "Malformed request, or the blob is not uploaded / its hashes differ", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role may not write, or CSRF", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
        (status = 422, description = "Refused by a rule (R27-a, R3-c, R27-c, …) with the rule IDs", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn add_evidence(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<AddEvidenceRequest>,
) -> Result<(StatusCode, AppJson<EvidenceReceiptDto>), EvidenceApiError> {
    let case_id = case_id(&id)?;
    let receipt = state
        .services
        .add_evidence(&auth.ctx, &case_id, request.to_core()?)
        .await?;
    Ok((StatusCode::CREATED, AppJson(receipt.into())))
}

/// The evidence files of a case with their R28-a storage flag and R27-b transcript status.
/// Audited (`read`); files of labelled records (R30-d) the caller may not see are left out.
#[utoipa::path(
    get,
    path = "/cases/{id}/evidence",
    tag = "evidence",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "Files in record order", body = [EvidenceItemDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn list_evidence(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<Vec<EvidenceItemDto>>, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let items = state.services.case_evidence(&auth.ctx, &case_id).await?;
    Ok(AppJson(items.into_iter().map(Into::into).collect()))
}

/// Re-hashes every file of the case against the hashes its records committed to (R4-a "on
/// demand"). Audited (`verify`, outcome `R4-a` on any mismatch).
#[utoipa::path(
    post,
    path = "/cases/{id}/evidence/verify",
    tag = "evidence",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "One check per file", body = [FileCheckDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn verify_evidence(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<Vec<FileCheckDto>>, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let checks = state.services.verify_evidence(&auth.ctx, &case_id).await?;
    Ok(AppJson(checks.into_iter().map(Into::into).collect()))
}

/// Which bodies have a designated archivist (档案管理专人, R29-d): a body without one cannot
/// archive (`r29_archive` is refused citing R29-d) and is listed here, first, for SUPERVISOR's
/// dashboard. SUPERVISOR and SYSADMIN see every body, an AGENCY_HEAD their own.
#[utoipa::path(
    get,
    path = "/supervision/archivists",
    tag = "evidence",
    responses(
        (status = 200, description = "One row per body, bodies without an archivist first", body = [ArchivistCoverageDto]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither SUPERVISOR, SYSADMIN nor AGENCY_HEAD", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn archivists(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<AppJson<Vec<ArchivistCoverageDto>>, ApiError> {
    let coverage = state.services.archivist_coverage(&auth.ctx).await?;
    Ok(AppJson(coverage.into_iter().map(Into::into).collect()))
}

/// RFC 8187 `attr-char`s pass; everything else is percent-encoded (for `filename*`).
pub(crate) fn encode_rfc8187(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `Content-Disposition: inline` with an ASCII fallback name and the UTF-8 name (RFC 6266 §4.3).
fn content_disposition(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let value = format!(
        "inline; filename=\"{fallback}\"; filename*=UTF-8''{}",
        encode_rfc8187(name)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("inline"))
}

/// Plays back or downloads an evidence file (issue 6 item 4) with HTTP range requests (RFC 9110
/// §14), so a browser can seek in a video: `Range: bytes=a-b` → 206 with `Content-Range`; no
/// usable range → 200 with the whole file; a range outside the file → 416 with
/// `Content-Range: bytes */size`. `If-Range` with another validator than the ETag serves the
/// whole file. The body is streamed from the blob store. The caller must be able to read the
/// case and the linking record (R30-d); audited as `download` (whole) or `view` (range).
#[utoipa::path(
    get,
    path = "/cases/{id}/evidence/{sha256}",
    tag = "evidence",
    params(
        ("id" = String, Path, description = "Case id"),
        ("sha256" = String, Path, description = "The file's SHA-256 (lower-case hex)"),
        ("Range" = Option<String>, Header, description = "例如 bytes=0-1023、bytes=1024-、bytes=-500"),
    ),
    responses(
        (status = 200, description = "The whole file (Content-Type sniffed at upload)", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The requested range, with Content-Range", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such file in the case, or outside the caller's scope", body = ErrorBody),
        (status = 416, description = "Range outside the file; Content-Range: bytes */size", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn get_evidence(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, sha256)): AppPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, EvidenceApiError> {
    let case_id = case_id(&id)?;
    let etag = format!("\"{sha256}\"");
    let range_header = headers
        .get(header::RANGE)
        .and_then(|value| value.to_str().ok())
        // If-Range (RFC 9110 §13.1.5): a range only applies to the representation named.
        .filter(|_| {
            headers
                .get(header::IF_RANGE)
                .is_none_or(|value| value.as_bytes() == etag.as_bytes())
        });
    // The size is needed to interpret the Range; it is looked up without revealing anything:
    // the service checks scope before any byte or status depending on the file is answered.
    let range = match (range_header, state.blobs.as_ref()) {
        (Some(text), Some(blobs)) => match blobs.size(&sha256).await {
            Ok(size) => match ByteRange::parse(text, size) {
                Ok(range) => range,
                // Asked through the service, so scope is checked and the refusal audited.
                Err(_) => Some(ByteRange {
                    first: size,
                    last: size,
                }),
            },
            Err(_) => None,
        },
        _ => None,
    };
    let (meta, reader) = state
        .services
        .open_evidence(&auth.ctx, &case_id, &sha256, range)
        .await?;
    let size = meta.file.size;
    let (status, length) = match meta.range {
        Some(range) => (StatusCode::PARTIAL_CONTENT, range.len()),
        None => (StatusCode::OK, size),
    };
    let body = Body::from_stream(ReaderStream::with_capacity(reader, DOWNLOAD_CHUNK));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let out = response.headers_mut();
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&meta.file.media_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(&meta.file.name),
    );
    // Every access is audited by the server, so shared caches must not serve copies.
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Some(range) = meta.range
        && let Ok(value) = HeaderValue::from_str(&range.content_range(size))
    {
        out.insert(header::CONTENT_RANGE, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_encoded_per_rfc_8187_with_an_ascii_fallback() {
        let check = |name: &str, expect: &str| {
            assert_eq!(content_disposition(name).to_str().unwrap(), expect);
        };
        check(
            "FILE0001.MP4",
            "inline; filename=\"FILE0001.MP4\"; filename*=UTF-8''FILE0001.MP4",
        );
        check(
            "现场 录像.mp4",
            "inline; filename=\"_____.mp4\"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E5%BD%95%E5%83%8F.mp4",
        );
        check(
            "a\"b\\c.mp4",
            "inline; filename=\"a_b_c.mp4\"; filename*=UTF-8''a%22b%5Cc.mp4",
        );
    }

    #[test]
    fn upload_headers_must_be_plain_non_negative_integers() {
        let check = |value: Option<&str>, expect: Result<Option<u64>, ()>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(UPLOAD_OFFSET, HeaderValue::from_str(value).unwrap());
            }
            assert_eq!(
                header_u64(&headers, &UPLOAD_OFFSET).map_err(|_| ()),
                expect,
                "{value:?}"
            );
        };
        check(None, Ok(None));
        check(Some("0"), Ok(Some(0)));
        check(Some("1048576"), Ok(Some(1_048_576)));
        check(Some("-1"), Err(()));
        check(Some("+5"), Err(()));
        check(Some(""), Err(()));
        check(Some("99999999999999999999999"), Err(()));
    }
}
