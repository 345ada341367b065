//! The blob port: where evidence files live (issue 6 items 1 and 4; R4-a, R27-c, R28-a).
//!
//! Records never carry file bytes; they carry a [`crate::record::FileRef`] with the file's
//! SHA-256 (the blob store's address) and SM3, so the log commits to the file. The bytes live in
//! a content-addressed blob store behind the [`Blobs`] trait: `liuhen-store` implements it on a
//! local folder (`LocalBlobs`); tests may use the same implementation on a temp dir.
//!
//! Contract of every implementation:
//! - **Streaming.** [`Blobs::put_stream`] reads its input in chunks and never holds a whole file
//!   in memory; SHA-256 and SM3 are computed in the same pass that writes the bytes.
//! - **Atomic visibility.** A blob becomes visible only after it is fully written, hashed and
//!   synced; an interrupted upload leaves no blob under any address.
//! - **Content addressing, dedup.** The address is the lower-case hex SHA-256; storing the same
//!   bytes twice stores them once.
//! - **Sniffed media type.** The media type comes from the first bytes ([`sniff_media_type`]),
//!   never from the file name (issue 6 item 2).
//! - **Ranges.** [`Blobs::open_range`] serves a byte range for HTTP range requests (RFC 9110
//!   §14), so a browser can seek in a video; [`ByteRange::parse`] turns a `Range` header into one.
//! - **Re-verification.** [`Blobs::verify`] re-hashes a stored blob (R4-a: "hashes are re-verified
//!   at archiving and on demand").

use std::pin::Pin;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncRead;

use crate::record::FileRef;

/// A stream of bytes going into or coming out of the blob store.
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// How many leading bytes [`sniff_media_type`] looks at (enough for every signature it knows).
pub const SNIFF_LEN: usize = 64;

/// Default size limit of one blob: 16 GiB (a full shift of body-camera footage is 4–8 GiB).
pub const DEFAULT_BLOB_LIMIT: u64 = 16 * 1024 * 1024 * 1024;

/// Errors of a [`Blobs`] implementation.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No blob is stored under this address.
    #[error("blob not found: {0}")]
    NotFound(String),
    /// The address is not 64 lower-case hex digits (refused before touching the file system, so a
    /// crafted address can never name a path outside the store).
    #[error("invalid blob address: {0:?}")]
    InvalidAddress(String),
    /// The upload exceeded the size limit; nothing was stored.
    #[error("file exceeds the size limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes that was exceeded.
        limit: u64,
    },
    /// A stored blob no longer hashes to its address (R4-a integrity alert): it was altered on
    /// disk or damaged.
    #[error("blob {sha256} is corrupt: its content now hashes to {actual}")]
    Corrupt {
        /// The blob's address (expected SHA-256).
        sha256: String,
        /// The SHA-256 its bytes have now (or a description when the size already differs).
        actual: String,
    },
    /// The requested range lies outside the blob (HTTP 416).
    #[error("range not satisfiable for a blob of {size} bytes")]
    RangeNotSatisfiable {
        /// The blob's size.
        size: u64,
    },
    /// The upload session does not exist (never begun, finished, aborted or expired).
    #[error("upload session not found: {0}")]
    UploadNotFound(String),
    /// A chunk was sent for an offset other than the session's current length; the client should
    /// ask for the offset and resume from there.
    #[error("upload is at offset {expected}, chunk was sent for offset {got}")]
    OffsetMismatch {
        /// The session's current length.
        expected: u64,
        /// The offset the chunk claimed.
        got: u64,
    },
    /// The finished upload is not the size the client announced at `begin_upload`.
    #[error("upload has {actual} bytes, {expected} were announced")]
    SizeMismatch {
        /// Announced size.
        expected: u64,
        /// Received size.
        actual: u64,
    },
    /// Reading the input or the file system failed; `context` says what was being done.
    #[error("{context}: {source}")]
    Io {
        /// The operation and path.
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl BlobError {
    /// An I/O error with context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> BlobError {
        BlobError::Io {
            context: context.into(),
            source,
        }
    }
}

/// What the blob store knows about a stored blob (R27-c technical metadata).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobInfo {
    /// Lower-case hex SHA-256: the address.
    pub sha256: String,
    /// Lower-case hex SM3 (GB/T 32905-2016), computed in the same pass.
    pub sm3: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type sniffed from the first bytes ([`sniff_media_type`]).
    pub media_type: String,
    /// True when the bytes were already stored (the upload was deduplicated). Not persisted.
    #[serde(default)]
    pub deduplicated: bool,
}

impl BlobInfo {
    /// The file reference a record carries for this blob (R4-a: the log commits to the file).
    pub fn file_ref(&self, name: &str) -> FileRef {
        FileRef {
            name: name.to_owned(),
            media_type: self.media_type.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            sm3: self.sm3.clone(),
        }
    }
}

/// The state of a resumable upload session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStatus {
    /// Session id (opaque, URL-safe).
    pub id: String,
    /// Bytes durably received so far: the offset of the next chunk.
    pub offset: u64,
    /// The size the client announced, if any.
    pub expected_size: Option<u64>,
    /// Who may continue the session, as given to [`Blobs::begin_upload`] (empty for sessions
    /// begun before sessions had owners). The services bind a session to its user and case.
    pub owner: String,
}

/// A byte range `first..=last` of a blob, both inclusive as in HTTP (RFC 9110 §14.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte offset.
    pub first: u64,
    /// Last byte offset (inclusive).
    pub last: u64,
}

impl ByteRange {
    /// Number of bytes in the range.
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// Never true: a range has at least one byte (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The whole blob of `size` bytes, or None for an empty blob.
    pub fn full(size: u64) -> Option<ByteRange> {
        (size > 0).then(|| ByteRange {
            first: 0,
            last: size - 1,
        })
    }

    /// The `Content-Range` header value for a 206 response: `bytes first-last/size`.
    pub fn content_range(&self, size: u64) -> String {
        format!("bytes {}-{}/{size}", self.first, self.last)
    }

    /// Parses a `Range` header value against a representation of `size` bytes (RFC 9110
    /// §14.1.2, §14.2):
    /// - `Ok(None)`: serve the whole representation with 200 (no usable range: another unit,
    ///   a syntax error, or several ranges — a server MAY ignore Range, §14.2);
    /// - `Ok(Some(range))`: serve 206 with [`ByteRange::content_range`];
    /// - `Err(BlobError::RangeNotSatisfiable)`: answer 416 with `Content-Range: bytes */size`.
    ///
    /// Forms: `bytes=a-b` (b clipped to the end), `bytes=a-`, `bytes=-n` (the last n bytes).
    pub fn parse(header: &str, size: u64) -> Result<Option<ByteRange>, BlobError> {
        let header = header.trim();
        let Some((unit, spec)) = header.split_once('=') else {
            return Ok(None);
        };
        if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
            return Ok(None);
        }
        let Some((first, last)) = spec.trim().split_once('-') else {
            return Ok(None);
        };
        let parse = |text: &str| -> Option<u64> {
            let text = text.trim();
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            text.parse().ok()
        };
        let unsatisfiable = BlobError::RangeNotSatisfiable { size };
        if first.trim().is_empty() {
            // Suffix range: the last n bytes.
            let Some(n) = parse(last) else {
                return Ok(None);
            };
            if n == 0 || size == 0 {
                return Err(unsatisfiable);
            }
            return Ok(Some(ByteRange {
                first: size.saturating_sub(n),
                last: size - 1,
            }));
        }
        let Some(first) = parse(first) else {
            return Ok(None);
        };
        let last = if last.trim().is_empty() {
            None
        } else {
            match parse(last) {
                Some(last) if last >= first => Some(last),
                _ => return Ok(None), // invalid (§14.1.1: last < first is invalid, ignore)
            }
        };
        if first >= size {
            return Err(unsatisfiable);
        }
        let last = last.map_or(size - 1, |last| last.min(size - 1));
        Ok(Some(ByteRange { first, last }))
    }
}

/// Whether `text` is a valid blob address: exactly 64 lower-case hex digits.
pub fn is_address(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks an address (see [`is_address`]).
pub fn check_address(text: &str) -> Result<(), BlobError> {
    if is_address(text) {
        Ok(())
    } else {
        Err(BlobError::InvalidAddress(text.chars().take(80).collect()))
    }
}

/// Storage for evidence files, content-addressed by SHA-256. See the module docs for the
/// contract every implementation keeps.
#[async_trait]
pub trait Blobs: Send + Sync {
    /// Stores the bytes of `reader`, at most `limit` bytes (the store's own limit applies too;
    /// the smaller wins), hashing SHA-256 and SM3 in the same pass and sniffing the media type.
    /// Visible only once complete and synced; a failure or a dropped future leaves nothing.
    async fn put_stream(&self, reader: BlobReader, limit: u64) -> Result<BlobInfo, BlobError>;
    /// The stored metadata of a blob (sizes, both hashes, media type), without re-hashing.
    async fn info(&self, sha256: &str) -> Result<BlobInfo, BlobError>;
    /// Reads `range` of a blob (the whole blob when `None`). Ranges past the end are refused with
    /// [`BlobError::RangeNotSatisfiable`].
    async fn open_range(
        &self,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<BlobReader, BlobError>;
    /// Size in bytes of a stored blob.
    async fn size(&self, sha256: &str) -> Result<u64, BlobError>;
    /// Whether a blob is stored under `sha256`.
    async fn exists(&self, sha256: &str) -> Result<bool, BlobError>;
    /// Re-hashes a stored blob (R4-a); [`BlobError::Corrupt`] names it when the bytes changed.
    async fn verify(&self, sha256: &str) -> Result<BlobInfo, BlobError>;
    /// Begins a resumable upload of (optionally) `expected_size` bytes, for `owner` (kept with
    /// the session and returned by [`Blobs::upload_status`]; the store does not interpret it).
    async fn begin_upload(
        &self,
        expected_size: Option<u64>,
        owner: &str,
    ) -> Result<UploadStatus, BlobError>;
    /// The current state of an upload session (the offset to resume from).
    async fn upload_status(&self, id: &str) -> Result<UploadStatus, BlobError>;
    /// Appends the bytes of `reader` at `offset`, which must equal the session's current
    /// offset. Bytes received before a dropped connection stay; the returned status is durable.
    async fn append_chunk(
        &self,
        id: &str,
        offset: u64,
        reader: BlobReader,
    ) -> Result<UploadStatus, BlobError>;
    /// Hashes the received bytes and stores them as a blob, ending the session.
    async fn finish_upload(&self, id: &str) -> Result<BlobInfo, BlobError>;
    /// Discards an upload session and its bytes.
    async fn abort_upload(&self, id: &str) -> Result<(), BlobError>;
}

/// The kind of content a media type is, for the R3-c media type of A/V records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaClass {
    /// Still image (照片).
    Photo,
    /// Audio only (录音).
    Audio,
    /// Video (录像 / 视频).
    Video,
    /// PDF, text or other document.
    Document,
    /// Unrecognised bytes.
    Other,
}

impl MediaClass {
    /// The class of a media type string.
    pub fn of(media_type: &str) -> MediaClass {
        let main = media_type.split(';').next().unwrap_or("").trim();
        if main.starts_with("image/") {
            MediaClass::Photo
        } else if main.starts_with("audio/") {
            MediaClass::Audio
        } else if main.starts_with("video/") {
            MediaClass::Video
        } else if main == "application/pdf" || main.starts_with("text/") {
            MediaClass::Document
        } else {
            MediaClass::Other
        }
    }

    /// The R3-c media type values of the `av_record` type that fit this class.
    pub fn av_media_types(self) -> &'static [&'static str] {
        match self {
            MediaClass::Photo => &["照片"],
            MediaClass::Audio => &["录音"],
            MediaClass::Video => &["录像", "视频"],
            MediaClass::Document | MediaClass::Other => &[],
        }
    }
}

/// The media type of a file from its first bytes (at least [`SNIFF_LEN`] when the file is that
/// long). Known signatures: ISO BMFF (mp4, mov, m4a, 3gp, heic/heif, avif), RIFF (avi, wav,
/// webp), EBML (mkv, webm), MPEG audio (mp3 with or without ID3), ADTS AAC, AMR, Ogg, FLAC,
/// JPEG, PNG, GIF, PDF; UTF-8 text; otherwise `application/octet-stream`. The file name is never
/// consulted (issue 6 item 2).
pub fn sniff_media_type(head: &[u8]) -> &'static str {
    let starts = |sig: &[u8]| head.starts_with(sig);
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        return match brand {
            b"qt  " => "video/quicktime",
            b"M4A " | b"M4B " | b"M4P " => "audio/mp4",
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => "image/heic",
            b"mif1" | b"msf1" => "image/heif",
            b"avif" | b"avis" => "image/avif",
            _ if brand.starts_with(b"3gp") || brand.starts_with(b"3g2") => "video/3gpp",
            _ => "video/mp4",
        };
    }
    if head.len() >= 12 && starts(b"RIFF") {
        return match &head[8..12] {
            b"AVI " => "video/x-msvideo",
            b"WAVE" => "audio/wav",
            b"WEBP" => "image/webp",
            _ => "application/octet-stream",
        };
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let is_webm = head.windows(4).any(|w| w == b"webm");
        return if is_webm {
            "video/webm"
        } else {
            "video/x-matroska"
        };
    }
    if starts(b"#!AMR-WB\n") {
        return "audio/amr-wb";
    }
    if starts(b"#!AMR\n") {
        return "audio/amr";
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return "image/jpeg";
    }
    if starts(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return "image/png";
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return "image/gif";
    }
    if starts(b"%PDF-") {
        return "application/pdf";
    }
    if starts(b"OggS") {
        return "audio/ogg";
    }
    if starts(b"fLaC") {
        return "audio/flac";
    }
    if starts(b"ID3") {
        return "audio/mpeg";
    }
    if head.len() >= 2 && head[0] == 0xFF {
        let b1 = head[1];
        // ADTS (ISO/IEC 13818-7): 12-bit sync, layer bits 00.
        if b1 & 0xF6 == 0xF0 {
            return "audio/aac";
        }
        // MPEG audio frame: 11-bit sync, layer bits not 00 (ISO/IEC 11172-3).
        if b1 & 0xE0 == 0xE0 && (b1 >> 1) & 0x03 != 0 {
            return "audio/mpeg";
        }
    }
    if !head.is_empty() && looks_like_text(head) {
        return "text/plain; charset=utf-8";
    }
    "application/octet-stream"
}

/// UTF-8 without control characters other than tab, CR, LF (a cut final character is allowed,
/// since `head` is a prefix).
fn looks_like_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if err.error_len().is_none() => {
            match std::str::from_utf8(&head[..err.valid_up_to()]) {
                Ok(text) => text,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_sniff(head: &[u8], expect: &str) {
        assert_eq!(sniff_media_type(head), expect, "{head:02x?}");
    }

    #[test]
    fn sniffs_known_signatures_from_content() {
        let mut mp4 = vec![0, 0, 0, 0x20];
        mp4.extend_from_slice(b"ftypisom\0\0\x02\0");
        check_sniff(&mp4, "video/mp4");
        check_sniff(b"\0\0\0\x14ftypqt  \0\0\0\0", "video/quicktime");
        check_sniff(b"\0\0\0\x1cftypM4A \0\0\0\0", "audio/mp4");
        check_sniff(b"\0\0\0\x18ftypheic\0\0\0\0", "image/heic");
        check_sniff(b"RIFF\x10\0\0\0AVI LIST", "video/x-msvideo");
        check_sniff(b"RIFF\x10\0\0\0WAVEfmt ", "audio/wav");
        check_sniff(
            b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
            "video/webm",
        );
        check_sniff(
            b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",
            "video/x-matroska",
        );
        check_sniff(b"ID3\x04\0\0\0\0\0\0", "audio/mpeg");
        check_sniff(&[0xFF, 0xFB, 0x90, 0x64], "audio/mpeg");
        check_sniff(&[0xFF, 0xF1, 0x50, 0x80], "audio/aac");
        check_sniff(b"#!AMR\n\x3c", "audio/amr");
        check_sniff(b"#!AMR-WB\n", "audio/amr-wb");
        check_sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], "image/jpeg");
        check_sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png");
        check_sniff(b"%PDF-1.7\n", "application/pdf");
        check_sniff("询问笔录：张三".as_bytes(), "text/plain; charset=utf-8");
        check_sniff(&[0, 1, 2, 3, 4], "application/octet-stream");
        check_sniff(b"", "application/octet-stream");
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let text = "证据材料".as_bytes();
        check_sniff(&text[..text.len() - 1], "text/plain; charset=utf-8");
    }

    fn check_range(header: &str, size: u64, expect: Result<Option<(u64, u64)>, ()>) {
        let got = ByteRange::parse(header, size)
            .map(|r| r.map(|r| (r.first, r.last)))
            .map_err(|_| ());
        assert_eq!(got, expect, "{header} of {size}");
    }

    #[test]
    fn range_headers_follow_rfc_9110() {
        check_range("bytes=0-0", 10, Ok(Some((0, 0))));
        check_range("bytes=0-", 10, Ok(Some((0, 9))));
        check_range("bytes=3-5", 10, Ok(Some((3, 5))));
        check_range("bytes=3-500", 10, Ok(Some((3, 9))));
        check_range("bytes=-1", 10, Ok(Some((9, 9))));
        check_range("bytes=-100", 10, Ok(Some((0, 9))));
        check_range("bytes=9-9", 10, Ok(Some((9, 9))));
        check_range("bytes=10-", 10, Err(()));
        check_range("bytes=-0", 10, Err(()));
        check_range("bytes=0-", 0, Err(()));
        check_range("bytes=5-3", 10, Ok(None));
        check_range("bytes=0-1,4-5", 10, Ok(None));
        check_range("items=0-1", 10, Ok(None));
        check_range("bytes=a-b", 10, Ok(None));
        check_range("bytes=+1-2", 10, Ok(None));
    }

    #[test]
    fn addresses_are_64_lower_hex() {
        assert!(is_address(&"a".repeat(64)));
        assert!(!is_address(&"A".repeat(64)));
        assert!(!is_address("../../etc/passwd"));
        assert!(!is_address(&"a".repeat(63)));
    }

    #[test]
    fn media_classes_map_to_r3c_values() {
        assert_eq!(MediaClass::of("image/png"), MediaClass::Photo);
        assert_eq!(MediaClass::of("audio/amr"), MediaClass::Audio);
        assert_eq!(MediaClass::of("video/mp4"), MediaClass::Video);
        assert_eq!(
            MediaClass::of("text/plain; charset=utf-8"),
            MediaClass::Document
        );
        assert_eq!(MediaClass::Video.av_media_types(), &["录像", "视频"]);
    }
}

/// An in-memory [`Blobs`] for tests of the services and the web crate (like
/// [`crate::memory::MemoryStore`]): keeps every blob in a `Vec`, so it is for small files only;
/// the production store is `liuhen_store::blobs::LocalBlobs`.
#[derive(Debug, Default)]
pub struct MemoryBlobs {
    limit: Option<u64>,
    inner: std::sync::Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    blobs: std::collections::HashMap<String, (Vec<u8>, BlobInfo)>,
    /// Upload sessions: received bytes, announced size, owner.
    uploads: std::collections::HashMap<String, (Vec<u8>, Option<u64>, String)>,
    next_upload: u64,
}

impl MemoryBlobs {
    /// An empty store without a size limit of its own.
    pub fn new() -> MemoryBlobs {
        MemoryBlobs::default()
    }

    /// An empty store with a size limit.
    pub fn with_limit(limit: u64) -> MemoryBlobs {
        MemoryBlobs {
            limit: Some(limit),
            ..MemoryBlobs::default()
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Replaces the stored bytes of a blob without changing its address: simulates damage or
    /// tampering on disk, for R4-a tests. Returns false when there is no such blob.
    pub fn damage(&self, sha256: &str, bytes: Vec<u8>) -> bool {
        match self.lock().blobs.get_mut(sha256) {
            Some(entry) => {
                entry.0 = bytes;
                true
            }
            None => false,
        }
    }

    fn store_bytes(&self, bytes: Vec<u8>) -> BlobInfo {
        use liuhen_ledger::hash::HashProfile;
        let mut info = BlobInfo {
            sha256: HashProfile::Sha256.digest(&bytes).to_hex(),
            sm3: HashProfile::Sm3.digest(&bytes).to_hex(),
            size: bytes.len() as u64,
            media_type: sniff_media_type(&bytes[..bytes.len().min(SNIFF_LEN)]).to_owned(),
            deduplicated: false,
        };
        let mut inner = self.lock();
        if inner.blobs.contains_key(&info.sha256) {
            info.deduplicated = true;
        } else {
            inner
                .blobs
                .insert(info.sha256.clone(), (bytes, info.clone()));
        }
        info
    }
}

async fn read_limited(mut reader: BlobReader, limit: u64) -> Result<Vec<u8>, BlobError> {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader
            .read(&mut buf)
            .await
            .map_err(|err| BlobError::io("reading the upload", err))?;
        if n == 0 {
            return Ok(out);
        }
        if out.len() as u64 + n as u64 > limit {
            return Err(BlobError::TooLarge { limit });
        }
        out.extend_from_slice(&buf[..n]);
    }
}

#[async_trait]
impl Blobs for MemoryBlobs {
    async fn put_stream(&self, reader: BlobReader, limit: u64) -> Result<BlobInfo, BlobError> {
        let limit = self.limit.map_or(limit, |own| own.min(limit));
        let bytes = read_limited(reader, limit).await?;
        Ok(self.store_bytes(bytes))
    }

    async fn info(&self, sha256: &str) -> Result<BlobInfo, BlobError> {
        check_address(sha256)?;
        self.lock()
            .blobs
            .get(sha256)
            .map(|(_, info)| info.clone())
            .ok_or_else(|| BlobError::NotFound(sha256.to_owned()))
    }

    async fn open_range(
        &self,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<BlobReader, BlobError> {
        check_address(sha256)?;
        let bytes = self
            .lock()
            .blobs
            .get(sha256)
            .map(|(bytes, _)| bytes.clone())
            .ok_or_else(|| BlobError::NotFound(sha256.to_owned()))?;
        let size = bytes.len() as u64;
        let slice = match range {
            None => bytes,
            Some(r) if r.first <= r.last && r.last < size => {
                bytes[r.first as usize..=r.last as usize].to_vec()
            }
            Some(_) => return Err(BlobError::RangeNotSatisfiable { size }),
        };
        Ok(Box::pin(std::io::Cursor::new(slice)))
    }

    async fn size(&self, sha256: &str) -> Result<u64, BlobError> {
        check_address(sha256)?;
        self.lock()
            .blobs
            .get(sha256)
            .map(|(bytes, _)| bytes.len() as u64)
            .ok_or_else(|| BlobError::NotFound(sha256.to_owned()))
    }

    async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        check_address(sha256)?;
        Ok(self.lock().blobs.contains_key(sha256))
    }

    async fn verify(&self, sha256: &str) -> Result<BlobInfo, BlobError> {
        use liuhen_ledger::hash::HashProfile;
        check_address(sha256)?;
        let (bytes, info) = self
            .lock()
            .blobs
            .get(sha256)
            .cloned()
            .ok_or_else(|| BlobError::NotFound(sha256.to_owned()))?;
        let actual = HashProfile::Sha256.digest(&bytes).to_hex();
        if actual != sha256 {
            return Err(BlobError::Corrupt {
                sha256: sha256.to_owned(),
                actual,
            });
        }
        Ok(BlobInfo {
            sm3: HashProfile::Sm3.digest(&bytes).to_hex(),
            ..info
        })
    }

    async fn begin_upload(
        &self,
        expected_size: Option<u64>,
        owner: &str,
    ) -> Result<UploadStatus, BlobError> {
        let mut inner = self.lock();
        inner.next_upload += 1;
        let id = format!("{:032x}", inner.next_upload);
        inner
            .uploads
            .insert(id.clone(), (Vec::new(), expected_size, owner.to_owned()));
        Ok(UploadStatus {
            id,
            offset: 0,
            expected_size,
            owner: owner.to_owned(),
        })
    }

    async fn upload_status(&self, id: &str) -> Result<UploadStatus, BlobError> {
        self.lock()
            .uploads
            .get(id)
            .map(|(bytes, expected_size, owner)| UploadStatus {
                id: id.to_owned(),
                offset: bytes.len() as u64,
                expected_size: *expected_size,
                owner: owner.clone(),
            })
            .ok_or_else(|| BlobError::UploadNotFound(id.to_owned()))
    }

    async fn append_chunk(
        &self,
        id: &str,
        offset: u64,
        reader: BlobReader,
    ) -> Result<UploadStatus, BlobError> {
        let status = self.upload_status(id).await?;
        if status.offset != offset {
            return Err(BlobError::OffsetMismatch {
                expected: status.offset,
                got: offset,
            });
        }
        let room = status
            .expected_size
            .or(self.limit)
            .unwrap_or(u64::MAX)
            .saturating_sub(offset);
        let chunk = read_limited(reader, room).await?;
        let mut inner = self.lock();
        let entry = inner
            .uploads
            .get_mut(id)
            .ok_or_else(|| BlobError::UploadNotFound(id.to_owned()))?;
        entry.0.extend_from_slice(&chunk);
        Ok(UploadStatus {
            id: id.to_owned(),
            offset: entry.0.len() as u64,
            expected_size: entry.1,
            owner: entry.2.clone(),
        })
    }

    async fn finish_upload(&self, id: &str) -> Result<BlobInfo, BlobError> {
        let (bytes, expected, owner) = self
            .lock()
            .uploads
            .remove(id)
            .ok_or_else(|| BlobError::UploadNotFound(id.to_owned()))?;
        if let Some(expected) = expected
            && expected != bytes.len() as u64
        {
            let actual = bytes.len() as u64;
            self.lock()
                .uploads
                .insert(id.to_owned(), (bytes, Some(expected), owner));
            return Err(BlobError::SizeMismatch { expected, actual });
        }
        Ok(self.store_bytes(bytes))
    }

    async fn abort_upload(&self, id: &str) -> Result<(), BlobError> {
        self.lock()
            .uploads
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| BlobError::UploadNotFound(id.to_owned()))
    }
}
