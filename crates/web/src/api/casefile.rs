//! The case file (案卷) download (issue 6 item 5; R26, R29-b; docs/formats/casefile.md): a ZIP
//! with the catalogue, every record as canonical JSON, media, a manifest with SM3 and SHA-256 of
//! every file, inclusion proofs and a checkpoint signed by the server's checkpoint signers that
//! also commits to the manifest. `liuhen verify FILE.zip --key VKEY` checks it offline.
//!
//! The export is gathered by `liuhen_casefile::write::prepare` (scope checked by the core, the
//! case read audited, the export audited as `export`, R4-b), then written on a blocking thread
//! into a bounded channel that is the response body: media are streamed from the blob store and
//! re-hashed on the way, never held in memory. A failure while streaming (a media file no longer
//! matching its hashes, R4-a) aborts the response, so the client gets a truncated download that
//! no ZIP reader or verifier accepts, never a package that looks complete.

use std::io::{Read, Write};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use liuhen_casefile::error::CasefileError;
use liuhen_casefile::write::{ExportOptions, LogSigning, MediaSource, prepare};
use liuhen_core::blobs::{BlobReader, Blobs};
use liuhen_ledger::signer::Signer;
use tokio::io::AsyncReadExt as _;
use tokio::runtime::Handle;
use tokio::sync::mpsc;

use super::cases::case_id;
use super::evidence::encode_rfc8187;
use crate::error::{ApiError, ErrorBody};
use crate::extract::AppPath;
use crate::session::Authenticated;
use crate::state::AppState;

/// Bytes per frame of the response body.
const FRAME: usize = 256 * 1024;
/// Frames in flight between the ZIP writer and the connection.
const FRAMES_IN_FLIGHT: usize = 4;

/// The blob store as the case file writer's [`MediaSource`]: `contains` awaits the store while
/// the export is prepared; `open` runs on the writer's blocking thread and drives the store's
/// async reader with the runtime's handle.
struct BlobMedia {
    blobs: Option<Arc<dyn Blobs>>,
    handle: Handle,
}

/// A blob store reader read from a blocking thread.
struct BlockingReader {
    reader: BlobReader,
    handle: Handle,
}

impl Read for BlockingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.handle.block_on(self.reader.read(buf))
    }
}

#[async_trait::async_trait]
impl MediaSource for BlobMedia {
    async fn contains(&self, sha256: &str) -> std::io::Result<bool> {
        match &self.blobs {
            Some(blobs) => blobs.exists(sha256).await.map_err(std::io::Error::other),
            None => Ok(false),
        }
    }

    fn open(&self, sha256: &str) -> std::io::Result<Box<dyn Read + Send + '_>> {
        let blobs = self.blobs.as_ref().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "no evidence blob store")
        })?;
        let reader = self
            .handle
            .block_on(blobs.open_range(sha256, None))
            .map_err(std::io::Error::other)?;
        Ok(Box::new(BlockingReader {
            reader,
            handle: self.handle.clone(),
        }))
    }
}

/// A `Write` whose bytes become response body frames; blocks (on the writer's thread) while the
/// client is slower than the export, fails with `BrokenPipe` when the client went away.
struct ChannelWriter {
    sender: mpsc::Sender<std::io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let frame = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(FRAME),
        ));
        self.sender
            .blocking_send(Ok(frame))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = FRAME.saturating_sub(self.buffer.len()).max(1);
        let n = buf.len().min(room);
        self.buffer
            .extend_from_slice(buf.get(..n).unwrap_or_default());
        if self.buffer.len() >= FRAME {
            self.send_buffer()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffer()
    }
}

fn export_error(err: CasefileError) -> ApiError {
    match err {
        CasefileError::Core(err) => err.into(),
        CasefileError::EmptyCase(case) => ApiError::NotFound(format!("case {case} has no records")),
        // Inconsistent store data, proofs, signing, media: nothing the client can fix (the
        // detail goes to the log; R4-a alerts are raised by the writer's audit entry).
        err => ApiError::Internal(format!("case file export: {err}")),
    }
}

/// Downloads the case file (案卷) as a ZIP stream (issue 6 item 5): catalogue in procedure
/// order, records as canonical JSON, media, manifest (SM3 + SHA-256 of every file), inclusion
/// proofs of every record and a checkpoint signed with the server's keys. Labelled records the
/// caller may not see (R30-d) are withheld (hash and proof only). Audited as `export`.
#[utoipa::path(
    get,
    path = "/cases/{id}/casefile",
    tag = "evidence",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The package (docs/formats/casefile.md)", content_type = "application/zip", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such case, or outside the caller's scope", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub(crate) async fn export_casefile(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
) -> Result<Response, ApiError> {
    let case_id = case_id(&id)?;
    let media = BlobMedia {
        blobs: state.blobs.clone(),
        handle: Handle::current(),
    };
    let keys = state.log_keys.clone();
    let signers: Vec<&dyn Signer> = keys.signers.iter().map(AsRef::as_ref).collect();
    let signing = LogSigning {
        origin: &keys.origin,
        signers: &signers,
        verifier_keys: &keys.verifier_keys,
    };
    let case_file = prepare(
        &state.services,
        &auth.ctx,
        &case_id,
        &signing,
        &media,
        &ExportOptions::default(),
    )
    .await
    .map_err(export_error)?;
    let case_number = case_file.summary().case_number.clone();

    let (sender, receiver) = mpsc::channel::<std::io::Result<Bytes>>(FRAMES_IN_FLIGHT);
    let object = format!("case/{case_id}/casefile");
    tokio::task::spawn_blocking(move || {
        let writer = ChannelWriter {
            sender: sender.clone(),
            buffer: Vec::with_capacity(FRAME),
        };
        let result = case_file
            .write(writer, &media)
            .map_err(|err| err.to_string())
            .and_then(|mut writer| writer.flush().map_err(|err| err.to_string()));
        if let Err(err) = result {
            tracing::error!(object = %object, error = %err, "case file export failed while streaming");
            // Ends the body with an error: the connection is cut, the download is incomplete.
            let _ = sender.blocking_send(Err(std::io::Error::other(err)));
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    let disposition = format!(
        "attachment; filename=\"casefile-{case_id}.zip\"; filename*=UTF-8''{}",
        encode_rfc8187(&format!("案卷-{case_number}.zip"))
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
