//! Correction requests from the public (D13-b) and their status lookup.
//!
//! # CSRF without a session
//! The portal has no sign-in, so there is no session to bind a token to. Each form view makes a
//! fresh random token, sets it as a `SameSite=Strict`, `HttpOnly` cookie scoped to
//! `/correction/` and puts the same value in a hidden field (double submit). A POST is accepted
//! only when both are present and equal (constant-time comparison): a cross-site form can neither
//! read nor set the cookie. Submissions are rate-limited per client address
//! ([`super::search_sync::CORRECTIONS_PER_WINDOW`] per 10 minutes).
//!
//! The evidence file is required (D13-b) and is kept: once the form is accepted (CSRF, rate
//! limit) its bytes go into the blob store, which hashes them (SHA-256, SM3) and sniffs the
//! media type from the content; the request record carries that file reference (and so the
//! log commits to the file), and the owning body reads the file through
//! `GET /api/v1/correction-requests/{tracking}/evidence/{sha256}` (D13.p2: the body weighs the
//! evidence). Files are at most [`MAX_EVIDENCE_BYTES`]; only PDF, images and plain text are
//! taken, since staff will open what the public sends. A platform without a blob store answers
//! 500 rather than accept evidence it would drop.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use liuhen_core::blobs::BlobError;
use liuhen_core::service::disclosure::PublicCorrectionRequest;
use serde::Deserialize;
use subtle::ConstantTimeEq as _;

use super::pages::cn_date;
use super::view::{self, Opt};
use super::{PageError, PortalState, html};
use crate::session::ClientIp;

/// Name of the CSRF cookie of the correction form.
pub const CSRF_COOKIE: &str = "liuhen_portal_csrf";
/// Largest evidence file accepted, in bytes (the whole request must also fit the body limit).
pub const MAX_EVIDENCE_BYTES: usize = 512 * 1024;
/// Longest text field accepted, in characters.
const MAX_TEXT: usize = 2000;

const REQUESTER_TYPES: [&str; 3] = ["公民", "法人", "其他组织"];

/// Media types accepted as evidence (sniffed from the content, never from the name): documents
/// and pictures a member of the public can make; anything else is refused on the form.
const EVIDENCE_TYPES: &[&str] = &[
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/heif",
    "text/plain; charset=utf-8",
];

/// The evidence as received, before it is stored.
struct Evidence {
    name: String,
    bytes: axum::body::Bytes,
}

fn new_token() -> Result<String, PageError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| PageError::Internal(format!("random: {err}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn cookie_header(state: &PortalState, token: &str) -> Result<HeaderValue, PageError> {
    let secure = if state.app.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{CSRF_COOKIE}={token}; Path=/correction/; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    ))
    .map_err(|err| PageError::Internal(format!("cookie: {err}")))
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == CSRF_COOKIE)
        .map(|(_, value)| value.to_owned())
}

#[derive(Default)]
struct Values {
    requester_type: String,
    name: String,
    contact: String,
    reason: String,
    proposed: String,
}

async fn form_page(
    state: &PortalState,
    item_id: &str,
    error: Option<String>,
    values: Values,
    status: StatusCode,
) -> Result<Response, PageError> {
    let detail = state.app.services.published_item(item_id).await?;
    if detail.item.content.is_none() {
        return Err(PageError::NotFound(
            "该信息已撤下，不再受理更正申请".to_owned(),
        ));
    }
    let token = new_token()?;
    let page = view::CorrectionForm {
        item_id: detail.item.id.clone(),
        item_title: detail.item.title.clone(),
        csrf: token.clone(),
        error,
        requester_types: REQUESTER_TYPES
            .iter()
            .map(|t| Opt {
                value: (*t).to_owned(),
                label: (*t).to_owned(),
                selected: *t == values.requester_type,
            })
            .collect(),
        name: values.name,
        contact: values.contact,
        reason: values.reason,
        proposed: values.proposed,
    };
    let mut response = (status, html(&page)?).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie_header(state, &token)?);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /correction/{item}`: the D13-b form for a published item.
pub(crate) async fn form(
    State(state): State<PortalState>,
    Path(item): Path<String>,
) -> Result<Response, PageError> {
    form_page(&state, &item, None, Values::default(), StatusCode::OK).await
}

fn text_field(text: String) -> Result<String, String> {
    if text.chars().count() > MAX_TEXT {
        return Err(format!("内容不得超过{MAX_TEXT}字"));
    }
    Ok(text)
}

/// `POST /correction/{item}` (multipart): checks the CSRF token and the rate limit, hashes the
/// evidence, submits the request to the core and shows the tracking number.
pub(crate) async fn submit(
    State(state): State<PortalState>,
    Path(item): Path<String>,
    headers: HeaderMap,
    client: Option<axum::Extension<ClientIp>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let mut multipart =
        multipart.map_err(|_| PageError::BadRequest("请通过页面表单提交".to_owned()))?;
    let mut values = Values::default();
    let mut csrf = String::new();
    let mut evidence: Option<Evidence> = None;
    let mut problem: Option<String> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Err(PageError::BadRequest(format!(
                    "提交内容无法读取（证据文件不得超过{}KB）",
                    MAX_EVIDENCE_BYTES / 1024
                )));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "evidence" {
            let file_name = field.file_name().unwrap_or("证据").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| PageError::BadRequest("证据文件无法读取".to_owned()))?;
            if bytes.is_empty() {
                continue;
            }
            if bytes.len() > MAX_EVIDENCE_BYTES {
                problem = Some(format!("证据文件不得超过{}KB", MAX_EVIDENCE_BYTES / 1024));
                continue;
            }
            let head = bytes.get(..liuhen_core::blobs::SNIFF_LEN).unwrap_or(&bytes);
            if !EVIDENCE_TYPES.contains(&liuhen_core::blobs::sniff_media_type(head)) {
                problem = Some(
                    "证据文件须为 PDF、图片（JPEG、PNG、GIF、WebP、HEIC）或纯文本文件".to_owned(),
                );
                continue;
            }
            evidence = Some(Evidence {
                name: liuhen_core::service::evidence::clean_file_name(&file_name),
                bytes,
            });
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|_| PageError::BadRequest("提交内容无法读取".to_owned()))?;
        let checked = text_field(text);
        let text = match checked {
            Ok(text) => text,
            Err(message) => {
                problem = Some(message);
                String::new()
            }
        };
        match name.as_str() {
            "csrf" => csrf = text,
            "requester_type" => values.requester_type = text,
            "name" => values.name = text,
            "contact" => values.contact = text,
            "reason" => values.reason = text,
            "proposed" => values.proposed = text,
            _ => {}
        }
    }
    let cookie = cookie_token(&headers).unwrap_or_default();
    if csrf.is_empty() || cookie.is_empty() || !bool::from(csrf.as_bytes().ct_eq(cookie.as_bytes()))
    {
        return Err(PageError::BadRequest(
            "表单已过期或来源无效，请返回重新打开申请页面后提交".to_owned(),
        ));
    }
    if let Some(message) = problem {
        return form_page(
            &state,
            &item,
            Some(message),
            values,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let Some(evidence) = evidence else {
        return form_page(
            &state,
            &item,
            Some("须提供至少一份证据材料（D13-b）".to_owned()),
            values,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let client = client
        .and_then(|axum::Extension(ip)| ip.0)
        .unwrap_or_else(|| "unknown".to_owned());
    if !state.portal.allow_submission(&client) {
        return Err(PageError::TooMany);
    }
    // Only now, with the form accepted, do the bytes go into the blob store.
    let Some(blobs) = state.app.blobs.as_ref() else {
        return Err(PageError::Internal(
            "no blob store: correction evidence cannot be kept".to_owned(),
        ));
    };
    let size = evidence.bytes.len() as u64;
    let reader: liuhen_core::blobs::BlobReader =
        Box::pin(std::io::Cursor::new(evidence.bytes.clone()));
    let stored = match blobs.put_stream(reader, MAX_EVIDENCE_BYTES as u64).await {
        Ok(info) if info.size == size => info,
        Ok(info) => {
            return Err(PageError::Internal(format!(
                "evidence stored with {} of {size} bytes",
                info.size
            )));
        }
        Err(BlobError::TooLarge { .. }) => {
            return form_page(
                &state,
                &item,
                Some(format!("证据文件不得超过{}KB", MAX_EVIDENCE_BYTES / 1024)),
                values,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        Err(err) => return Err(PageError::Internal(format!("evidence: {err}"))),
    };
    let evidence = stored.file_ref(&evidence.name);
    let request = PublicCorrectionRequest {
        item: item.clone(),
        requester_type: values.requester_type.clone(),
        requester_name: values.name.clone(),
        contact: values.contact.clone(),
        reason: values.reason.clone(),
        proposed: values.proposed.clone(),
        evidence: vec![evidence],
    };
    match state.app.services.submit_correction_request(request).await {
        Ok(tracking) => {
            let mut response = html(&view::CorrectionDone {
                tracking,
                item_url: format!("/disclosure/{item}"),
            })?
            .into_response();
            // The token is spent: a reload cannot submit twice.
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "liuhen_portal_csrf=; Path=/correction/; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
            Ok(response)
        }
        Err(liuhen_core::error::CoreError::Refused(refusal)) => {
            form_page(
                &state,
                &item,
                Some(refusal.message),
                values,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// Query of `GET /correction-status`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StatusQuery {
    #[serde(default)]
    tracking: String,
}

/// `GET /correction-status?tracking=…`: the public status (no personal data); unknown numbers
/// answer 404 with 未查到.
pub(crate) async fn status(
    State(state): State<PortalState>,
    query: Result<Query<StatusQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let Query(query) = query.unwrap_or_default();
    let tracking = query.tracking.trim().to_owned();
    if tracking.is_empty() {
        return Ok(html(&view::CorrectionStatusPage {
            query: String::new(),
            result: None,
            not_found: false,
        })?
        .into_response());
    }
    match state.app.services.correction_status(&tracking).await {
        Ok(status) => Ok(html(&view::CorrectionStatusPage {
            query: tracking,
            result: Some(view::StatusRow {
                tracking: status.tracking,
                item_url: format!("/disclosure/{}", status.item),
                status: status.status,
                received: cn_date(status.received_on),
                closed: status
                    .closed_on
                    .map(cn_date)
                    .unwrap_or_else(|| "—".to_owned()),
                outcome: status.outcome.unwrap_or_else(|| "—".to_owned()),
            }),
            not_found: false,
        })?
        .into_response()),
        Err(liuhen_core::error::CoreError::NotFound(_)) => Ok((
            StatusCode::NOT_FOUND,
            html(&view::CorrectionStatusPage {
                query: tracking.chars().take(40).collect(),
                result: None,
                not_found: true,
            })?,
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}
