//! Wire types of evidence files (issue 6 items 1–4; docs/evidence.md): uploaded blobs, resumable
//! upload sessions, evidence records with their R27 metadata, the R28-a storage check, the
//! R4-a re-verification and the R29-d archivist coverage.

use liuhen_core::blobs::{BlobInfo, UploadStatus};
use liuhen_core::ids::{OfficerId, StreamSeq};
use liuhen_core::record::FileRef;
use liuhen_core::service::evidence::{
    ArchivistCoverage, AvMetadata, EvidenceInput, EvidenceItem, EvidenceReceipt, FileCheck,
    StorageCheck,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{ReceiptDto, fmt_date, parse_id, parse_time};
use crate::error::ApiError;

/// A stored blob: the address (SHA-256), SM3 computed in the same pass, size and the media type
/// sniffed from the content (never from the file name).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlobDto {
    /// Lower-case hex SHA-256: the blob's address.
    pub sha256: String,
    /// Lower-case hex SM3 (GB/T 32905-2016).
    pub sm3: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type sniffed from the first bytes.
    pub media_type: String,
    /// True when the same bytes were already stored (stored once, linked again).
    #[serde(default)]
    pub deduplicated: bool,
}

impl From<BlobInfo> for BlobDto {
    fn from(info: BlobInfo) -> BlobDto {
        BlobDto {
            sha256: info.sha256,
            sm3: info.sm3,
            size: info.size,
            media_type: info.media_type,
            deduplicated: info.deduplicated,
        }
    }
}

/// The blob an evidence record links: what the upload returned. The store re-checks SM3 and size
/// (a request cannot claim hashes the stored bytes do not have).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlobRefDto {
    /// Lower-case hex SHA-256 (the address).
    pub sha256: String,
    /// Lower-case hex SM3.
    pub sm3: String,
    /// Size in bytes.
    pub size: u64,
    /// Ignored (the store's sniffed type is authoritative); accepted so an upload reply can be
    /// sent back as is.
    #[serde(default)]
    pub media_type: Option<String>,
    /// Ignored; accepted for the same reason.
    #[serde(default)]
    pub deduplicated: Option<bool>,
}

/// A resumable upload session (tus-like, docs/evidence.md).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadSessionDto {
    /// Session id (opaque).
    pub id: String,
    /// Bytes durably received: the offset of the next `PATCH`.
    pub offset: u64,
    /// The size announced with `Upload-Length`, if any.
    pub expected_size: Option<u64>,
    /// Where to `PATCH`, `HEAD` and `POST …/finish`.
    pub location: String,
}

impl UploadSessionDto {
    pub(crate) fn new(status: UploadStatus, location: String) -> UploadSessionDto {
        UploadSessionDto {
            id: status.id,
            offset: status.offset,
            expected_size: status.expected_size,
            location,
        }
    }
}

/// R3-c / R27-a / R27-c metadata of an A/V file (音像记录).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvMetadataDto {
    /// 媒体类型 (R3-c): 照片 / 录音 / 录像 / 视频; derived from the content when absent.
    #[serde(default)]
    pub media_type: Option<String>,
    /// 记录设备类型 (R3-c): 照相机 / 录音机 / 摄像机 / 执法记录仪 / 视频监控 / 其他.
    #[serde(default)]
    pub device_type: String,
    /// 记录制作方法 (R27-a), e.g. `执法记录仪连续录像`.
    #[serde(default)]
    pub method: String,
    /// 制作人 (R27-a): officer ids.
    #[serde(default)]
    pub makers: Vec<String>,
    /// 证明对象 (R27-a): what the recording is offered to prove.
    #[serde(default)]
    pub proof_object: String,
    /// Case records (sequence numbers) it proves.
    #[serde(default)]
    pub proof_refs: Vec<u64>,
    /// 记录设备编号 (R6-a, R27-c).
    #[serde(default)]
    pub device_id: Option<String>,
    /// 拍摄位置 (`lat,lon`).
    #[serde(default)]
    pub gps: Option<String>,
    /// 执法办案场所编号 (R6-b).
    #[serde(default)]
    pub venue_id: Option<String>,
    /// Device clock minus server time in seconds (R27-c).
    #[serde(default)]
    pub clock_offset_seconds: Option<i64>,
}

impl AvMetadataDto {
    fn to_core(&self) -> Result<AvMetadata, ApiError> {
        Ok(AvMetadata {
            media_type: self.media_type.clone(),
            device_type: self.device_type.clone(),
            method: self.method.clone(),
            makers: self
                .makers
                .iter()
                .map(|maker| parse_id("av.makers", maker, OfficerId::new))
                .collect::<Result<_, _>>()?,
            proof_object: self.proof_object.clone(),
            proof_refs: self.proof_refs.iter().copied().map(StreamSeq).collect(),
            device_id: self.device_id.clone(),
            gps: self.gps.clone(),
            venue_id: self.venue_id.clone(),
            clock_offset_seconds: self.clock_offset_seconds,
        })
    }
}

fn default_record_type() -> String {
    liuhen_core::service::evidence::AV_RECORD.to_owned()
}

/// The evidence metadata of a file: the record type, times, R27 metadata and further fields.
/// Sent as the JSON body of `POST /cases/{id}/evidence` (with `blob`) or as the `metadata` part
/// of a multipart upload (without `blob`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceMetadataDto {
    /// `av_record` (default) or a text evidence type of the rule set (e.g. `text_document`).
    #[serde(default = "default_record_type")]
    pub record_type: String,
    /// Original file name (display only; path components are dropped). Multipart: defaults to
    /// the `file` part's file name.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Start of the recording (制作时间) or time of the evidence, RFC 3339 with offset.
    pub event_time: String,
    /// End of the recording (required for audio and video, R27-a).
    #[serde(default)]
    pub event_end: Option<String>,
    /// A/V metadata; required for `av_record` (missing fields refused with R27-a / R3-c).
    #[serde(default)]
    pub av: Option<AvMetadataDto>,
    /// Further fields of the record type (`content_tags`, `confidentiality`, …).
    #[schema(value_type = Object)]
    #[serde(default)]
    pub data: Map<String, Value>,
}

impl EvidenceMetadataDto {
    pub(crate) fn to_core(
        &self,
        blob: BlobInfo,
        fallback_name: Option<&str>,
    ) -> Result<EvidenceInput, ApiError> {
        Ok(EvidenceInput {
            record_type: self.record_type.clone(),
            blob,
            file_name: self
                .file_name
                .clone()
                .or_else(|| fallback_name.map(str::to_owned))
                .unwrap_or_default(),
            event_time: parse_time("event_time", &self.event_time)?,
            event_end: self
                .event_end
                .as_deref()
                .map(|text| parse_time("event_end", text))
                .transpose()?,
            av: self.av.as_ref().map(AvMetadataDto::to_core).transpose()?,
            data: self.data.clone(),
        })
    }
}

/// `POST /cases/{id}/evidence`: link an uploaded blob to the case as an evidence record. The
/// fields besides `blob` are those of [`EvidenceMetadataDto`].
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddEvidenceRequest {
    /// The uploaded blob (as the upload returned it).
    pub blob: BlobRefDto,
    /// `av_record` (default) or a text evidence type of the rule set.
    #[serde(default = "default_record_type")]
    pub record_type: String,
    /// Original file name (display only).
    #[serde(default)]
    pub file_name: Option<String>,
    /// Start of the recording or time of the evidence, RFC 3339 with offset.
    pub event_time: String,
    /// End of the recording (required for audio and video, R27-a).
    #[serde(default)]
    pub event_end: Option<String>,
    /// A/V metadata (R3-c, R27-a, R27-c).
    #[serde(default)]
    pub av: Option<AvMetadataDto>,
    /// Further fields of the record type.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub data: Map<String, Value>,
}

impl AddEvidenceRequest {
    pub(crate) fn to_core(&self) -> Result<EvidenceInput, ApiError> {
        let blob = BlobInfo {
            sha256: self.blob.sha256.clone(),
            sm3: self.blob.sm3.clone(),
            size: self.blob.size,
            media_type: self.blob.media_type.clone().unwrap_or_default(),
            deduplicated: false,
        };
        let metadata = EvidenceMetadataDto {
            record_type: self.record_type.clone(),
            file_name: self.file_name.clone(),
            event_time: self.event_time.clone(),
            event_end: self.event_end.clone(),
            av: self.av.clone(),
            data: self.data.clone(),
        };
        metadata.to_core(blob, None)
    }
}

/// A file a record carries (as committed to by the log).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvidenceFileDto {
    /// File name (display only).
    pub name: String,
    /// Media type sniffed at upload.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256 (address; `GET /cases/{id}/evidence/{sha256}`).
    pub sha256: String,
    /// Hex SM3.
    pub sm3: String,
}

impl From<FileRef> for EvidenceFileDto {
    fn from(file: FileRef) -> EvidenceFileDto {
        EvidenceFileDto {
            name: file.name,
            media_type: file.media_type,
            size: file.size,
            sha256: file.sha256,
            sm3: file.sm3,
        }
    }
}

/// R28-a storage check of an A/V record: due on the 2nd working day after the recording ended;
/// late storage is flagged with its working days of delay, never refused.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StorageCheckDto {
    /// Date the recording ended (Asia/Shanghai).
    pub recording_end: String,
    /// Due date.
    pub due: String,
    /// Date stored (the record committing to the file was entered).
    pub stored_on: String,
    /// Working days late (0: on time).
    pub late_working_days: u32,
    /// Whether stored late (逾期存储).
    pub late: bool,
    /// The count crossed a year without a published calendar (T6).
    pub provisional: bool,
    /// Recorded before the rule set was in force (R31-a): never flagged.
    pub legacy: bool,
    /// Chinese label: 按期存储 / 逾期存储（逾期N个工作日） / ….
    pub label: String,
}

impl From<StorageCheck> for StorageCheckDto {
    fn from(check: StorageCheck) -> StorageCheckDto {
        StorageCheckDto {
            recording_end: fmt_date(check.recording_end),
            due: fmt_date(check.due),
            stored_on: fmt_date(check.stored_on),
            late_working_days: check.late_working_days,
            late: check.is_late(),
            provisional: check.provisional,
            legacy: check.legacy,
            label: check.label_zh(),
        }
    }
}

/// What linking evidence returns.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvidenceReceiptDto {
    /// The appended record (seq, log index, hash).
    pub receipt: ReceiptDto,
    /// The file the record commits to.
    pub file: EvidenceFileDto,
    /// Earlier records of the case already linking the same file.
    pub already_linked: Vec<u64>,
    /// R28-a storage check (A/V records).
    pub storage: Option<StorageCheckDto>,
    /// R27-b: audio-only recording; an `av_transcript` record is required.
    pub transcript_required: bool,
}

impl From<EvidenceReceipt> for EvidenceReceiptDto {
    fn from(receipt: EvidenceReceipt) -> EvidenceReceiptDto {
        EvidenceReceiptDto {
            receipt: receipt.receipt.into(),
            file: receipt.file.into(),
            already_linked: receipt.already_linked.iter().map(|seq| seq.0).collect(),
            storage: receipt.storage.map(StorageCheckDto::from),
            transcript_required: receipt.transcript_required,
        }
    }
}

/// What a multipart upload returns: the blob, and the evidence record when a `metadata` part was
/// sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadReplyDto {
    /// The stored blob.
    pub blob: BlobDto,
    /// The evidence record, when metadata was sent.
    pub evidence: Option<EvidenceReceiptDto>,
}

/// One evidence file of a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvidenceItemDto {
    /// Sequence number of the record linking it.
    pub seq: u64,
    /// Record type.
    pub record_type: String,
    /// Whether the record is still effective (not voided or superseded).
    pub effective: bool,
    /// The file.
    pub file: EvidenceFileDto,
    /// R28-a storage check (A/V records).
    pub storage: Option<StorageCheckDto>,
    /// R27-b: audio-only A/V record.
    pub audio_only: bool,
    /// Transcript records linked to it (R27-b).
    pub transcripts: Vec<u64>,
}

impl From<EvidenceItem> for EvidenceItemDto {
    fn from(item: EvidenceItem) -> EvidenceItemDto {
        EvidenceItemDto {
            seq: item.seq.0,
            record_type: item.record_type,
            effective: item.effective,
            file: item.file.into(),
            storage: item.storage.map(StorageCheckDto::from),
            audio_only: item.audio_only,
            transcripts: item.transcripts.iter().map(|seq| seq.0).collect(),
        }
    }
}

/// The R4-a re-verification of one file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FileCheckDto {
    /// The record linking the file.
    pub seq: u64,
    /// The file's name in the record.
    pub name: String,
    /// The file's address.
    pub sha256: String,
    /// `ok`, `missing`, `corrupt`, `sm3_mismatch`, or `external` (kept in the body's dedicated
    /// storage per the record, R28-a; not in the platform's store and not a failure).
    pub status: String,
    /// What was found, for `corrupt` / `sm3_mismatch`.
    pub detail: Option<String>,
}

impl From<FileCheck> for FileCheckDto {
    fn from(check: FileCheck) -> FileCheckDto {
        FileCheckDto {
            seq: check.seq.0,
            name: check.name,
            sha256: check.sha256,
            status: check.status,
            detail: check.detail,
        }
    }
}

/// One designated archivist (档案管理专人, R29-d).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ArchivistDto {
    /// User id.
    pub user: String,
    /// Display name.
    pub name: String,
}

/// Whether a body has a designated archivist (R29-d). A body with none (`missing: true`) cannot
/// archive; SUPERVISOR's dashboard lists it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ArchivistCoverageDto {
    /// Body id.
    pub body: String,
    /// Body name.
    pub name: String,
    /// True when no user holds ARCHIVIST in the body.
    pub missing: bool,
    /// The users holding ARCHIVIST in the body.
    pub archivists: Vec<ArchivistDto>,
}

impl From<ArchivistCoverage> for ArchivistCoverageDto {
    fn from(coverage: ArchivistCoverage) -> ArchivistCoverageDto {
        ArchivistCoverageDto {
            body: coverage.body.to_string(),
            name: coverage.name.clone(),
            missing: coverage.missing(),
            archivists: coverage
                .archivists
                .into_iter()
                .map(|a| ArchivistDto {
                    user: a.user.to_string(),
                    name: a.name,
                })
                .collect(),
        }
    }
}
