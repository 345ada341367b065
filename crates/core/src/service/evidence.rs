//! Evidence: files uploaded to a case and the records that commit to them (issue 6 items 1–4;
//! R3-c, R4-a, R27-a/b/c, R28-a, R30-d).
//!
//! Flow: the caller streams the bytes through [`Services::upload_evidence`] (or the resumable
//! `begin/append/finish_evidence_upload`), which checks that the caller may write to the case
//! *before* accepting bytes, and gets a [`BlobInfo`] (SHA-256, SM3, size, sniffed media type).
//! [`Services::add_evidence`] then appends the record — an `av_record` (音像记录) or a text
//! evidence type — through [`Services::add_record`], so every rule of the rule set applies (roles,
//! stage, fields with their requirement IDs, officers' credentials), with the file's
//! [`FileRef`] in the record's `files`: the log commits to the file (R4-a).
//!
//! What this module adds on top of `add_record`:
//! - the file must be in the blob store and match the claimed hashes (a forged SM3 or size in a
//!   client's request is refused);
//! - A/V records (R3-c, R27-a): the file must be a photo, audio or video *by content*; the
//!   declared 媒体类型 must fit the content and is derived from it when absent; 制作时间 needs a
//!   start and an end (a photo's end defaults to its start); 存储位置 defaults to 执法信息系统;
//! - R28-a: the storage check (due date = 2nd working day after the recording's end date; the
//!   storage date is the date the record committing to the verified file is entered), returned as
//!   [`StorageCheck`] with the working days of delay — flagged, never refused (R28-a "flagged");
//! - R27-b: whether the record is audio-only and so needs an `av_transcript`
//!   ([`audio_without_transcript`]);
//! - reads of evidence are scoped and audited ([`Services::open_evidence`]: `download` for a
//!   whole file, `view` for a range), and files can be re-verified ([`Services::verify_evidence`]).
//!
//! # Archiving rules (R27-b, R29-b, R29-d)
//! Three rules need the case's records and files rather than its folded view, so they live here
//! and `add_record` calls them (the gates of `crate::gates` see only the view):
//! - **R27-b**: a decision (every decision record type of D8-b,
//!   [`crate::disclosure::extract::SOURCES`]) or the archiving record is refused while an
//!   effective audio-only A/V record has no effective `av_transcript`; the refusal names the
//!   records. Whether the decision cites that recording is not machine-readable (its 证据 is
//!   prose), so every effective recording of the case counts as evidence; a recording that is
//!   not evidence can be voided with a reason (R4-a).
//! - **R29-b**: appending `r29_archive` re-hashes every file of the case against the blob store
//!   (R4-a) and refuses on a mismatch or a missing blob, naming the file; the result is written
//!   into the record as platform-computed fields (`hashes_verified`, `files_verified`,
//!   `files_external`, `files_unverified`), replacing whatever the caller sent. After archiving
//!   the case is read-only: only `head_approval` with matter 补充归档 and
//!   `r29_supplementary_filing` citing such an approval (entered after the archiving, by an
//!   AGENCY_HEAD, used once) are accepted — no other record, correction or void.
//! - **R29-d**: a body without any user holding ARCHIVIST cannot archive (refused with R29-d
//!   before the role check, so the reason is the missing archivist, not the caller's role), and
//!   [`Services::archivist_coverage`] lists the bodies for SUPERVISOR.

use std::collections::BTreeMap;

use liuhen_calendar::PeriodRequest;
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

use super::{Ctx, RecordInput, Services};
use crate::blobs::{BlobError, BlobInfo, BlobReader, Blobs, ByteRange, MediaClass, UploadStatus};
use crate::case::CaseView;
use crate::deadlines::AV_STORAGE_PERIOD;
use crate::disclosure::ItemKind;
use crate::disclosure::extract::SOURCES;
use crate::error::{CoreError, Refusal};
use crate::ids::{BodyId, CaseId, OfficerId, RequirementId, StreamId, StreamSeq, UserId};
use crate::ports::{ProjectionKind, Receipt, StoreError};
use crate::record::{FileRef, Record};
use crate::registry::{BodyView, UserView};
use crate::role::Role;
use crate::rules::RuleSet;
use crate::rules::fields::CONFIDENTIALITY_FIELD;

/// The A/V record type of the rule set (音像记录).
pub const AV_RECORD: &str = "av_record";
/// The transcript record type (声音资料文字记录, R27-b).
pub const AV_TRANSCRIPT: &str = "av_transcript";
/// 存储位置 value for files stored in the platform (R28-a).
pub const STORED_IN_PLATFORM: &str = "执法信息系统";
/// 存储位置 value for files kept in the body's dedicated storage (专用存储器, R28-a): their
/// bytes need not be in the platform's blob store.
pub const STORED_IN_DEDICATED: &str = "本单位专用存储器";
/// The archiving record type (立卷归档, R29-a, R29-b, R29-d).
pub const ARCHIVE: &str = "r29_archive";
/// The supplementary filing record type (补充归档, R29-b): the only record of an archived case.
pub const SUPPLEMENTARY_FILING: &str = "r29_supplementary_filing";
/// The head's approval record type (行政执法有关事项审批); with matter [`SUPPLEMENTARY_MATTER`]
/// it approves a supplementary filing (R29-b).
pub const HEAD_APPROVAL: &str = "head_approval";
/// `head_approval.matter` of an approval of a supplementary filing (R29-b).
pub const SUPPLEMENTARY_MATTER: &str = "补充归档";

/// Errors of the evidence service: a core error (refusal, scope, store) or a blob store error
/// (too large, not found, corrupt, I/O).
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// A rule, the caller's scope, the input or the record store refused or failed.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The blob store refused or failed (size limit → HTTP 413, range → 416, not found → 404).
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// The services were built without a blob store ([`Services::with_blobs`] not called).
    #[error("no evidence blob store is configured")]
    NoBlobStore,
}

impl EvidenceError {
    /// The refusal, if this error is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            EvidenceError::Core(err) => err.refusal(),
            _ => None,
        }
    }
}

/// The owner an upload session is bound to: the user and the case (see
/// `Services::begin_evidence_upload`).
fn upload_owner(ctx: &Ctx, case_id: &CaseId) -> String {
    format!("{}@{case_id}", ctx.user)
}

/// R3-c / R27-a / R27-c metadata of an A/V file, typed (the rule set's `av_record` fields).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AvMetadata {
    /// 媒体类型 (R3-c): 照片 / 录音 / 录像 / 视频; derived from the sniffed content when `None`.
    pub media_type: Option<String>,
    /// 记录设备类型 (R3-c): 照相机 / 录音机 / 摄像机 / 执法记录仪 / 视频监控 / 其他.
    pub device_type: String,
    /// 记录制作方法 (R27-a), e.g. `执法记录仪连续录像`.
    pub method: String,
    /// 制作人 (R27-a): officer ids.
    pub makers: Vec<OfficerId>,
    /// 证明对象 (R27-a): what the recording is offered to prove.
    pub proof_object: String,
    /// Case records it proves (optional link to facts, R27-a).
    pub proof_refs: Vec<StreamSeq>,
    /// 记录设备编号 (R6-a, R27-c).
    pub device_id: Option<String>,
    /// 拍摄位置 (GPS, `lat,lon`).
    pub gps: Option<String>,
    /// 执法办案场所编号 (R6-b).
    pub venue_id: Option<String>,
    /// Device clock minus server time, seconds (R27-c).
    pub clock_offset_seconds: Option<i64>,
}

/// A file to link to a case as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceInput {
    /// `av_record` or a text evidence type of the rule set (e.g. `text_document`).
    pub record_type: String,
    /// The uploaded blob (as returned by the upload; re-checked against the store).
    pub blob: BlobInfo,
    /// Original file name (display only; path components are dropped).
    pub file_name: String,
    /// Start of the recording (制作时间) or time of the evidence.
    pub event_time: OffsetDateTime,
    /// End of the recording.
    pub event_end: Option<OffsetDateTime>,
    /// A/V metadata; required for `av_record` (missing fields are refused with R27-a / R3-c).
    pub av: Option<AvMetadata>,
    /// Further fields of the record type (e.g. `content_tags`, `confidentiality`, or all fields
    /// of a text evidence type).
    pub data: Map<String, Value>,
}

/// The R28-a storage check of one A/V record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StorageCheck {
    /// Date the recording ended (Asia/Shanghai, T1).
    pub recording_end: Date,
    /// Due date: the 2nd working day after `recording_end` (T2; due 23:59:59).
    pub due: Date,
    /// Date the file was stored (the record committing to the verified file was entered).
    pub stored_on: Date,
    /// Working days `d` with `due < d <= stored_on`: 0 when on time (T5 lateness unit).
    pub late_working_days: u32,
    /// The count crossed a year without a published calendar (T6).
    pub provisional: bool,
    /// The recording ended before XC-2024 was in force (R31-a): never flagged.
    pub legacy: bool,
}

impl StorageCheck {
    /// Whether the file was stored late (逾期存储).
    pub fn is_late(&self) -> bool {
        !self.legacy && self.late_working_days > 0
    }

    /// Chinese label: 按期存储 / 逾期存储（N个工作日） / 规则集生效前的记录.
    pub fn label_zh(&self) -> String {
        if self.legacy {
            "规则集生效前的记录，不计存储期限".to_owned()
        } else if self.late_working_days > 0 {
            format!("逾期存储（逾期{}个工作日）", self.late_working_days)
        } else {
            "按期存储".to_owned()
        }
    }
}

/// What [`Services::add_evidence`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceReceipt {
    /// The appended record's receipt (seq, log index, hash).
    pub receipt: Receipt,
    /// The file reference the record carries.
    pub file: FileRef,
    /// Earlier records of the same case already linking this file (stored once, linked again).
    pub already_linked: Vec<StreamSeq>,
    /// R28-a storage check (A/V records only).
    pub storage: Option<StorageCheck>,
    /// R27-b: audio-only recording, needs an `av_transcript` before it is cited or archived.
    pub transcript_required: bool,
}

/// What a reader of evidence gets with the bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceMeta {
    /// The file reference from the record (name, media type, size, hashes).
    pub file: FileRef,
    /// The record that links it (the first one the caller may see).
    pub record_seq: StreamSeq,
    /// The range served (`None`: the whole file).
    pub range: Option<ByteRange>,
}

/// One evidence file of a case, for lists (R28-a flag, R27-b status).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceItem {
    /// Record sequence number.
    pub seq: StreamSeq,
    /// Record type.
    pub record_type: String,
    /// Whether the record is still effective (not voided or superseded).
    pub effective: bool,
    /// The file.
    pub file: FileRef,
    /// R28-a storage check, for A/V records.
    pub storage: Option<StorageCheck>,
    /// R27-b: audio-only A/V record.
    pub audio_only: bool,
    /// The transcript records linked to it (R27-b).
    pub transcripts: Vec<StreamSeq>,
}

/// The result of re-verifying one evidence file (R4-a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// The record linking the file.
    pub seq: StreamSeq,
    /// The file's name in the record.
    pub name: String,
    /// The file reference from the record.
    pub sha256: String,
    /// `ok`, `missing`, `corrupt` (SHA-256 differs), `sm3_mismatch` (SM3 or size differ from
    /// the record's), or `external` (not in the blob store, and the record says it is kept in
    /// the body's dedicated storage, R28-a: checked through its storage receipt, not here).
    pub status: String,
    /// What was found, for `corrupt` / `sm3_mismatch`.
    pub detail: Option<String>,
}

impl FileCheck {
    /// Whether the check found nothing wrong (`ok`, or `external`: not the platform's to hold).
    pub fn passed(&self) -> bool {
        matches!(self.status.as_str(), "ok" | "external")
    }

    /// Chinese description of a failed check, naming the record and the file (R29-b).
    fn failure_zh(&self) -> String {
        let what = match self.status.as_str() {
            "missing" => "文件缺失",
            "corrupt" => "文件内容与登记的SHA-256不一致",
            "sm3_mismatch" => "文件的SM3或大小与登记的不一致",
            _ => "复核未通过",
        };
        let short: String = self.sha256.chars().take(12).collect();
        format!(
            "第{}号记录的文件「{}」（SHA-256 {short}…）{what}",
            self.seq.0, self.name
        )
    }
}

/// One user holding ARCHIVIST for a body (档案管理专人, R29-d).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Archivist {
    /// User id.
    pub user: UserId,
    /// Display name.
    pub name: String,
}

/// Whether a body has designated archivists (R29-d), for SUPERVISOR's dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivistCoverage {
    /// The body.
    pub body: BodyId,
    /// Its name.
    pub name: String,
    /// Users holding ARCHIVIST in it; empty = the body cannot archive.
    pub archivists: Vec<Archivist>,
}

impl ArchivistCoverage {
    /// Whether the body lacks an archivist (listed for SUPERVISOR and refused archiving, R29-d).
    pub fn missing(&self) -> bool {
        self.archivists.is_empty()
    }
}

/// Whether `record_type` makes a decision (D8-b: the decision types that draft a disclosure
/// item), before which R27-b transcripts must exist.
pub fn is_decision(record_type: &str) -> bool {
    SOURCES
        .iter()
        .any(|s| s.kind == ItemKind::Decision && s.record_type == record_type)
}

/// Date in Asia/Shanghai (T1).
fn shanghai_date(time: OffsetDateTime) -> Date {
    time.to_offset(crate::CHINA_OFFSET).date()
}

/// The display name of an uploaded file: its last path component, control characters removed,
/// at most 255 characters; `未命名文件` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "未命名文件".to_owned()
    } else {
        cleaned
    }
}

/// Whether a record is an audio-only A/V record (R27-b, I8): declared 录音, or its file is audio.
pub fn is_audio_only(record: &Record) -> bool {
    if record.record_type.as_str() != AV_RECORD {
        return false;
    }
    let declared = record.data.get("media_type").and_then(Value::as_str);
    declared == Some("录音")
        || (declared.is_none()
            && record
                .files
                .iter()
                .any(|f| MediaClass::of(&f.media_type) == MediaClass::Audio))
}

/// R27-b: the effective audio-only A/V records of a case's records (in stream order) that no
/// effective `av_transcript` refers to. The decision and archiving gate
/// (`Services::check_archive_records`, called by `add_record`) refuses while this is not empty.
pub fn audio_without_transcript(records: &[Record]) -> Vec<StreamSeq> {
    let ineffective = ineffective_seqs(records);
    let transcribed: Vec<u64> = records
        .iter()
        .filter(|r| r.record_type.as_str() == AV_TRANSCRIPT && !ineffective.contains(&r.seq))
        .filter_map(|r| r.data.get("av_ref").and_then(Value::as_u64))
        .collect();
    records
        .iter()
        .filter(|r| is_audio_only(r) && !ineffective.contains(&r.seq))
        .filter(|r| !transcribed.contains(&r.seq.0))
        .map(|r| r.seq)
        .collect()
}

/// Sequence numbers voided (`sys_void`) or superseded by a later record.
fn ineffective_seqs(records: &[Record]) -> Vec<StreamSeq> {
    records.iter().filter_map(|r| r.supersedes).collect()
}

fn refusal(ids: &[&str], message: String, details: Vec<String>) -> CoreError {
    CoreError::Refused(Refusal {
        ids: ids.iter().map(|id| RequirementId::new(*id)).collect(),
        message,
        citation: "《薛城区行政执法全过程记录办法》第三条第三款、第二十七条".to_owned(),
        details,
    })
}

impl Services {
    fn blob_store(&self) -> Result<&dyn Blobs, EvidenceError> {
        self.blobs.as_deref().ok_or(EvidenceError::NoBlobStore)
    }

    /// The case, if the caller may read it (NotFound otherwise, never revealing other bodies').
    async fn evidence_case(&self, ctx: &Ctx, case_id: &CaseId) -> Result<CaseView, CoreError> {
        let view: Option<CaseView> = self
            .projection_as(ProjectionKind::Case, case_id.as_str())
            .await?;
        match view {
            Some(view) if ctx.can_read(&view.body) => Ok(view),
            _ => Err(CoreError::NotFound(format!("case/{case_id}"))),
        }
    }

    /// The case, if the caller holds a role in its body (SUPERVISOR reads but never writes);
    /// checked before any byte of an upload is accepted.
    async fn writable_case(&self, ctx: &Ctx, case_id: &CaseId) -> Result<CaseView, CoreError> {
        let view = self.evidence_case(ctx, case_id).await?;
        if ctx.roles_for(&view.body).is_empty() {
            return Err(CoreError::forbidden(
                &["L13-a", "D15-b"],
                "监督人员只读，不能上传证据",
            ));
        }
        Ok(view)
    }

    async fn case_stream_records(&self, case_id: &CaseId) -> Result<Vec<Record>, CoreError> {
        let stored = self.store.read_stream(&StreamId::case(case_id)).await?;
        stored
            .iter()
            .map(|row| Record::from_bytes(&row.canonical))
            .collect()
    }

    /// Whether the caller may see records labelled other than 普通 (R30-d): users on the case
    /// and the body's UNIT_HEAD, AGENCY_HEAD, REVIEWER and ARCHIVIST (same rule as
    /// `case_records`).
    fn sees_labelled_evidence(ctx: &Ctx, view: &CaseView) -> bool {
        let held = ctx.roles_for(&view.body);
        held.iter().any(|r| {
            matches!(
                r,
                Role::UnitHead | Role::AgencyHead | Role::Reviewer | Role::Archivist
            )
        }) || view.participants.contains(ctx.user.as_str())
            || ctx
                .officer
                .as_ref()
                .is_some_and(|o| view.participants.contains(o.as_str()))
    }

    async fn audited<T>(
        &self,
        ctx: &Ctx,
        action: &str,
        object: &str,
        result: Result<T, EvidenceError>,
    ) -> Result<T, EvidenceError> {
        let outcome = match &result {
            Ok(_) => "ok".to_owned(),
            Err(EvidenceError::Core(CoreError::Refused(r))) => r
                .ids
                .iter()
                .map(RequirementId::as_str)
                .collect::<Vec<_>>()
                .join(","),
            Err(EvidenceError::Core(CoreError::Forbidden(_))) => "forbidden".to_owned(),
            Err(EvidenceError::Core(CoreError::NotFound(_)))
            | Err(EvidenceError::Blob(BlobError::NotFound(_)))
            | Err(EvidenceError::Blob(BlobError::UploadNotFound(_))) => "not_found".to_owned(),
            Err(EvidenceError::Blob(BlobError::TooLarge { .. })) => "too_large".to_owned(),
            Err(EvidenceError::Blob(BlobError::Corrupt { .. })) => "R4-a".to_owned(),
            Err(_) => "error".to_owned(),
        };
        self.audit(ctx, action, object, &outcome).await?;
        result
    }

    /// Streams an upload into the blob store for `case_id` (issue 6 item 1): the caller must be
    /// able to write to the case; the size limit is the smaller of `limit` and the store's.
    /// Audited as `upload` of `case/<id>/files`.
    pub async fn upload_evidence(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        reader: BlobReader,
        limit: u64,
    ) -> Result<BlobInfo, EvidenceError> {
        let result = async {
            self.writable_case(ctx, case_id).await?;
            Ok(self.blob_store()?.put_stream(reader, limit).await?)
        }
        .await;
        let object = match &result {
            Ok(info) => format!("case/{case_id}/files/{}", info.sha256),
            Err(_) => format!("case/{case_id}/files"),
        };
        self.audited(ctx, "upload", &object, result).await
    }

    /// Begins a resumable upload for `case_id` (see `liuhen_store::blobs` for the protocol).
    /// The session belongs to the caller and the case: only they can continue, finish or
    /// abort it (least privilege; a session id seen in a log or a shared screen is not enough).
    pub async fn begin_evidence_upload(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        expected_size: Option<u64>,
    ) -> Result<UploadStatus, EvidenceError> {
        self.writable_case(ctx, case_id).await?;
        Ok(self
            .blob_store()?
            .begin_upload(expected_size, &upload_owner(ctx, case_id))
            .await?)
    }

    /// The session `id`, if the caller may use it for `case_id`: it must exist and have been
    /// begun by this user for this case. Anything else is "no such upload", so that session
    /// ids of other users and cases cannot even be confirmed to exist.
    async fn own_upload(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        id: &str,
    ) -> Result<UploadStatus, EvidenceError> {
        self.writable_case(ctx, case_id).await?;
        let status = self.blob_store()?.upload_status(id).await?;
        if status.owner != upload_owner(ctx, case_id) {
            return Err(BlobError::UploadNotFound(id.to_owned()).into());
        }
        Ok(status)
    }

    /// The offset to resume an upload session from.
    pub async fn evidence_upload_status(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        id: &str,
    ) -> Result<UploadStatus, EvidenceError> {
        self.own_upload(ctx, case_id, id).await
    }

    /// Appends a chunk to an upload session at `offset`.
    pub async fn append_evidence_chunk(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        id: &str,
        offset: u64,
        reader: BlobReader,
    ) -> Result<UploadStatus, EvidenceError> {
        self.own_upload(ctx, case_id, id).await?;
        Ok(self.blob_store()?.append_chunk(id, offset, reader).await?)
    }

    /// Finishes an upload session: hashes the bytes and stores the blob (audited `upload`).
    pub async fn finish_evidence_upload(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        id: &str,
    ) -> Result<BlobInfo, EvidenceError> {
        let result = async {
            self.own_upload(ctx, case_id, id).await?;
            Ok(self.blob_store()?.finish_upload(id).await?)
        }
        .await;
        let object = match &result {
            Ok(info) => format!("case/{case_id}/files/{}", info.sha256),
            Err(_) => format!("case/{case_id}/files"),
        };
        self.audited(ctx, "upload", &object, result).await
    }

    /// Links an uploaded file to a case as an evidence record (issue 6 items 2 and 3). See the
    /// module docs for the checks; every rule of `add_record` applies as well.
    pub async fn add_evidence(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        input: EvidenceInput,
    ) -> Result<EvidenceReceipt, EvidenceError> {
        let blobs = self.blob_store()?;
        let view = self.writable_case(ctx, case_id).await?;
        // The blob must be stored and be what the caller says it is (a request body could claim
        // any SM3 or size; the store's values are authoritative).
        let stored = match blobs.info(&input.blob.sha256).await {
            Ok(info) => info,
            Err(BlobError::NotFound(_)) | Err(BlobError::InvalidAddress(_)) => {
                return Err(CoreError::Invalid {
                    field: "blob.sha256".into(),
                    reason: "文件未上传或地址无效".into(),
                }
                .into());
            }
            Err(err) => return Err(err.into()),
        };
        if stored.sm3 != input.blob.sm3 || stored.size != input.blob.size {
            return Err(CoreError::Invalid {
                field: "blob".into(),
                reason: "文件的SM3或大小与存储的不一致".into(),
            }
            .into());
        }
        let file = stored.file_ref(&clean_file_name(&input.file_name));
        let mut data = input.data.clone();
        let mut event_end = input.event_end;
        let set = self
            .rules
            .effective(&view.body, shanghai_date(input.event_time))
            .or_else(|| self.rules.sets().first().map(AsRef::as_ref));
        let is_av = set
            .and_then(|set| set.record_type(&input.record_type))
            .map_or(input.record_type == AV_RECORD, |spec| {
                spec.kind == crate::rules::schema::RecordKindSpec::Av
            });
        let mut audio_only = false;
        if is_av {
            let class = MediaClass::of(&stored.media_type);
            let allowed = class.av_media_types();
            if allowed.is_empty() {
                return Err(refusal(
                    &["R3-c"],
                    format!(
                        "音像记录的文件须为照片、录音或录像，检测到的文件类型为 {}",
                        stored.media_type
                    ),
                    vec!["media_type".into(), stored.media_type.clone()],
                )
                .into());
            }
            let av = input.av.clone().unwrap_or_default();
            let media = match av.media_type.as_deref() {
                Some(declared) if !allowed.contains(&declared) => {
                    return Err(refusal(
                        &["R3-c", "R27-c"],
                        format!(
                            "声明的媒体类型「{declared}」与文件内容（{}）不符",
                            stored.media_type
                        ),
                        vec!["media_type".into(), stored.media_type.clone()],
                    )
                    .into());
                }
                Some(declared) => declared.to_owned(),
                None => allowed[0].to_owned(),
            };
            audio_only = media == "录音";
            // R27-a 制作时间: start and end; a photo is an instant.
            if event_end.is_none() {
                if class == MediaClass::Photo {
                    event_end = Some(input.event_time);
                } else {
                    return Err(refusal(
                        &["R27-a"],
                        "音像记录须写明制作时间（开始和结束时间）".into(),
                        vec!["event_end".into()],
                    )
                    .into());
                }
            }
            data.insert("media_type".into(), json!(media));
            let mut put = |name: &str, value: Option<Value>| {
                if let Some(value) = value {
                    data.insert(name.to_owned(), value);
                }
            };
            let text = |s: &str| (!s.trim().is_empty()).then(|| json!(s.trim()));
            put("device_type", text(&av.device_type));
            put("method", text(&av.method));
            put("proof_object", text(&av.proof_object));
            put(
                "makers",
                (!av.makers.is_empty())
                    .then(|| json!(av.makers.iter().map(|m| m.as_str()).collect::<Vec<_>>())),
            );
            put(
                "proof_refs",
                (!av.proof_refs.is_empty())
                    .then(|| json!(av.proof_refs.iter().map(|s| s.0).collect::<Vec<_>>())),
            );
            put("device_id", av.device_id.as_deref().and_then(text));
            put("gps", av.gps.as_deref().and_then(text));
            put("venue_id", av.venue_id.as_deref().and_then(text));
            put(
                "clock_offset_seconds",
                av.clock_offset_seconds.map(|s| json!(s)),
            );
            data.entry("storage")
                .or_insert_with(|| json!(STORED_IN_PLATFORM));
        }
        let before = self.case_stream_records(case_id).await?;
        let already_linked: Vec<StreamSeq> = before
            .iter()
            .filter(|r| r.files.iter().any(|f| f.sha256 == file.sha256))
            .map(|r| r.seq)
            .collect();
        let record = RecordInput {
            record_type: input.record_type.clone(),
            event_time: input.event_time,
            event_end,
            data,
            files: vec![file.clone()],
            supersedes: None,
        };
        let receipt = self.add_record(ctx, case_id, record).await?;
        let storage = if is_av {
            let end = event_end.unwrap_or(input.event_time);
            Some(self.storage_check(&view, end, self.now())?)
        } else {
            None
        };
        self.audit(
            ctx,
            "attach",
            &format!("case/{case_id}/files/{}", file.sha256),
            "ok",
        )
        .await?;
        Ok(EvidenceReceipt {
            receipt,
            file,
            already_linked,
            storage,
            transcript_required: audio_only,
        })
    }

    /// R28-a: the storage check of a recording that ended at `end`, stored at `stored`.
    pub fn storage_check(
        &self,
        view: &CaseView,
        end: OffsetDateTime,
        stored: OffsetDateTime,
    ) -> Result<StorageCheck, CoreError> {
        let recording_end = shanghai_date(end);
        let stored_on = shanghai_date(stored);
        let legacy = self.rules.effective(&view.body, recording_end).is_none();
        let deadline = self
            .rules
            .periods()
            .deadline(
                &self.calendar,
                AV_STORAGE_PERIOD,
                &PeriodRequest::starting(recording_end),
            )
            .map_err(|err| CoreError::Invalid {
                field: AV_STORAGE_PERIOD.to_owned(),
                reason: err.to_string(),
            })?;
        let mut provisional = deadline.provisional;
        let late_working_days = if !legacy && stored_on > deadline.due {
            let late = self
                .calendar
                .working_days_between(deadline.due, stored_on)
                .map_err(|err| CoreError::Invalid {
                    field: AV_STORAGE_PERIOD.to_owned(),
                    reason: err.to_string(),
                })?;
            provisional |= late.is_provisional();
            late.value.0
        } else {
            0
        };
        Ok(StorageCheck {
            recording_end,
            due: deadline.due,
            stored_on,
            late_working_days,
            provisional,
            legacy,
        })
    }

    /// The evidence files of a case with their R28-a flag and R27-b status (audited `read` of
    /// `case/<id>/files`). Labelled records the caller may not see (R30-d) are left out.
    pub async fn case_evidence(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
    ) -> Result<Vec<EvidenceItem>, EvidenceError> {
        let result = self.case_evidence_inner(ctx, case_id).await;
        self.audited(ctx, "read", &format!("case/{case_id}/files"), result)
            .await
    }

    async fn case_evidence_inner(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
    ) -> Result<Vec<EvidenceItem>, EvidenceError> {
        let view = self.evidence_case(ctx, case_id).await?;
        let records = self.case_stream_records(case_id).await?;
        let entitled = Self::sees_labelled_evidence(ctx, &view);
        let ineffective = ineffective_seqs(&records);
        let mut transcripts: BTreeMap<u64, Vec<StreamSeq>> = BTreeMap::new();
        for record in records
            .iter()
            .filter(|r| r.record_type.as_str() == AV_TRANSCRIPT && !ineffective.contains(&r.seq))
        {
            if let Some(target) = record.data.get("av_ref").and_then(Value::as_u64) {
                transcripts.entry(target).or_default().push(record.seq);
            }
        }
        let mut out = Vec::new();
        for record in &records {
            if !entitled && label(record) != "普通" {
                continue;
            }
            for file in &record.files {
                let av = record.record_type.as_str() == AV_RECORD;
                let storage = if av {
                    let end = record.event_end.unwrap_or(record.event_time);
                    Some(self.storage_check(&view, end, record.entry_time)?)
                } else {
                    None
                };
                out.push(EvidenceItem {
                    seq: record.seq,
                    record_type: record.record_type.as_str().to_owned(),
                    effective: !ineffective.contains(&record.seq),
                    file: file.clone(),
                    storage,
                    audio_only: is_audio_only(record),
                    transcripts: transcripts.get(&record.seq.0).cloned().unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    /// Opens an evidence file of a case for viewing or download (issue 6 items 3 and 4): the
    /// caller must be able to read the case and the record linking the file (R30-d labels);
    /// `range` serves HTTP range requests. Audited as `download` (whole file) or `view` (range)
    /// of `case/<id>/files/<sha256>`, refusals included.
    pub async fn open_evidence(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<(EvidenceMeta, BlobReader), EvidenceError> {
        let result = self.open_evidence_inner(ctx, case_id, sha256, range).await;
        let action = if range.is_some() { "view" } else { "download" };
        let object = format!(
            "case/{case_id}/files/{}",
            sha256.chars().take(64).collect::<String>()
        );
        self.audited(ctx, action, &object, result).await
    }

    async fn open_evidence_inner(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<(EvidenceMeta, BlobReader), EvidenceError> {
        let blobs = self.blob_store()?;
        let view = self.evidence_case(ctx, case_id).await?;
        let entitled = Self::sees_labelled_evidence(ctx, &view);
        let records = self.case_stream_records(case_id).await?;
        let not_found = || CoreError::NotFound(format!("case/{case_id}/files/{sha256}"));
        let (seq, file) = records
            .iter()
            .filter(|r| entitled || label(r) == "普通")
            .find_map(|r| {
                r.files
                    .iter()
                    .find(|f| f.sha256 == sha256)
                    .map(|f| (r.seq, f.clone()))
            })
            .ok_or_else(not_found)?;
        let reader = blobs.open_range(sha256, range).await?;
        Ok((
            EvidenceMeta {
                file,
                record_seq: seq,
                range,
            },
            reader,
        ))
    }

    /// Re-hashes every file of a case against the hashes its records committed to (R4-a "on
    /// demand"; R29-b at archiving). Audited as `verify` of `case/<id>/files` with outcome
    /// `R4-a` when any file fails.
    pub async fn verify_evidence(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
    ) -> Result<Vec<FileCheck>, EvidenceError> {
        let result = self.verify_evidence_inner(ctx, case_id).await;
        let outcome = match &result {
            Ok(checks) if checks.iter().all(FileCheck::passed) => "ok",
            Ok(_) => "R4-a",
            Err(_) => "error",
        };
        self.audit(ctx, "verify", &format!("case/{case_id}/files"), outcome)
            .await?;
        result
    }

    async fn verify_evidence_inner(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
    ) -> Result<Vec<FileCheck>, EvidenceError> {
        let blobs = self.blob_store()?;
        self.evidence_case(ctx, case_id).await?;
        let records = self.case_stream_records(case_id).await?;
        Ok(check_files(blobs, &records).await?)
    }

    /// Ends an upload session without storing anything (tus termination): the partial file is
    /// removed. The caller must be able to write to the case. Audited as `abort_upload` of
    /// `case/<id>/uploads/<upload>`, refusals included.
    pub async fn abort_evidence_upload(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        id: &str,
    ) -> Result<(), EvidenceError> {
        let result = async {
            self.own_upload(ctx, case_id, id).await?;
            Ok(self.blob_store()?.abort_upload(id).await?)
        }
        .await;
        let object = format!(
            "case/{case_id}/uploads/{}",
            id.chars().take(64).collect::<String>()
        );
        self.audited(ctx, "abort_upload", &object, result).await
    }

    /// Users holding ARCHIVIST, per body (R29-d).
    async fn archivists_by_body(&self) -> Result<BTreeMap<BodyId, Vec<Archivist>>, CoreError> {
        let users: Vec<UserView> = self.list_as(ProjectionKind::User, None).await?;
        let mut out: BTreeMap<BodyId, Vec<Archivist>> = BTreeMap::new();
        for user in users {
            for grant in user.grants.iter().filter(|g| g.role == Role::Archivist) {
                if let Some(body) = &grant.body {
                    out.entry(body.clone()).or_default().push(Archivist {
                        user: user.id.clone(),
                        name: user.profile.name.clone(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// R29-d: which bodies have designated archivists. A body without one is listed on
    /// SUPERVISOR's dashboard and cannot archive. SUPERVISOR and SYSADMIN (who grants the role)
    /// see every body, an AGENCY_HEAD their own bodies; anyone else is refused.
    pub async fn archivist_coverage(&self, ctx: &Ctx) -> Result<Vec<ArchivistCoverage>, CoreError> {
        let everything = ctx.has_district(Role::Supervisor) || ctx.has_district(Role::SysAdmin);
        let headed: Vec<&BodyId> = ctx
            .grants
            .iter()
            .filter(|g| g.role == Role::AgencyHead)
            .filter_map(|g| g.body.as_ref())
            .collect();
        if !everything && headed.is_empty() {
            return Err(CoreError::forbidden(
                &["R29-d"],
                "档案管理专人配备情况仅供监督人员、系统管理员和本机关负责人查看",
            ));
        }
        let mut archivists = self.archivists_by_body().await?;
        let bodies: Vec<BodyView> = self.list_as(ProjectionKind::Body, None).await?;
        let mut out: Vec<ArchivistCoverage> = bodies
            .into_iter()
            .filter(|body| everything || headed.contains(&&body.id))
            .map(|body| ArchivistCoverage {
                archivists: archivists.remove(&body.id).unwrap_or_default(),
                name: body.profile.name,
                body: body.id,
            })
            .collect();
        // Bodies lacking an archivist first: they are what the dashboard is for.
        out.sort_by(|a, b| (!a.missing(), &a.body).cmp(&(!b.missing(), &b.body)));
        Ok(out)
    }

    /// The archiving rules that depend on the case's state alone, run by `add_record` before
    /// the role check (see the module docs):
    /// - R29-b: an archived case takes only a 补充归档 approval and supplementary filings; a
    ///   supplementary filing needs an archived case;
    /// - R29-d: archiving and supplementary filing need an ARCHIVIST in the case's body.
    pub(super) async fn check_archive_access(
        &self,
        view: &CaseView,
        set: &RuleSet,
        input: &RecordInput,
    ) -> Result<(), CoreError> {
        let supplementary_approval = input.record_type == HEAD_APPROVAL
            && input.supersedes.is_none()
            && input.data.get("matter").and_then(Value::as_str) == Some(SUPPLEMENTARY_MATTER);
        self.check_archive_state(view, set, &input.record_type, supplementary_approval)
            .await
    }

    /// [`Services::check_archive_access`] for a record of `record_type`, given whether it is the
    /// head's approval of a supplementary filing (R29-b) — or, asked before its form is filled
    /// in (`record_options`), whether it could be one.
    pub(super) async fn check_archive_state(
        &self,
        view: &CaseView,
        set: &RuleSet,
        record_type: &str,
        supplementary_approval: bool,
    ) -> Result<(), CoreError> {
        let archived = view.first(ARCHIVE).map(|r| r.seq);
        match archived {
            Some(archive_seq)
                if !(supplementary_approval || record_type == SUPPLEMENTARY_FILING) =>
            {
                let mut refusal = set.refusal(
                    "r29b_archived_read_only",
                    &["R29-b"],
                    "案件已立卷归档，案卷只读；归档后补充材料的，须经行政执法机关负责人批准（审批事项：补充归档），以补充归档方式录入",
                    vec![record_type.to_owned(), format!("archived at {}", archive_seq.0)],
                );
                refusal.message = format!("{}（归档记录：第{}号）", refusal.message, archive_seq.0);
                return Err(CoreError::Refused(refusal));
            }
            Some(_) => {}
            None if record_type == SUPPLEMENTARY_FILING => {
                return Err(CoreError::Refused(set.refusal(
                    "r29b_not_archived",
                    &["R29-b"],
                    "案件尚未立卷归档，不能补充归档",
                    vec![record_type.to_owned()],
                )));
            }
            None => {}
        }
        if (record_type == ARCHIVE || record_type == SUPPLEMENTARY_FILING)
            && !self.archivists_by_body().await?.contains_key(&view.body)
        {
            let mut refusal = set.refusal(
                "r29d_no_archivist",
                &["R29-d"],
                "本机关未明确档案管理专人（没有用户具有档案管理员角色），不能归档；请先指定档案管理专人",
                vec![view.body.to_string()],
            );
            refusal.message = format!("{}（执法主体：{}）", refusal.message, view.body);
            return Err(CoreError::Refused(refusal));
        }
        Ok(())
    }

    /// The rules that need the case's records and files, run by `add_record` after every other
    /// check of the record passed (see the module docs): R27-b before a decision or archiving,
    /// the approval of a supplementary filing (R29-b), and the re-verification of every file at
    /// archiving (R29-b, R4-a). Returns the platform-computed fields of the archiving record,
    /// which replace any value the caller supplied.
    pub(super) async fn check_archive_records(
        &self,
        ctx: &Ctx,
        view: &CaseView,
        set: &RuleSet,
        input: &RecordInput,
    ) -> Result<Map<String, Value>, CoreError> {
        let record_type = input.record_type.as_str();
        let archiving = record_type == ARCHIVE;
        if !(archiving || record_type == SUPPLEMENTARY_FILING || is_decision(record_type)) {
            return Ok(Map::new());
        }
        let records = self.case_stream_records(&view.id).await?;
        if record_type == SUPPLEMENTARY_FILING {
            check_supplementary_approval(view, set, input, &records)?;
            return Ok(Map::new());
        }
        let untranscribed = audio_without_transcript(&records);
        if !untranscribed.is_empty() {
            let named: Vec<String> = untranscribed
                .iter()
                .map(|seq| {
                    let name = records
                        .iter()
                        .find(|r| r.seq == *seq)
                        .and_then(|r| r.files.first())
                        .map_or_else(String::new, |f| format!("「{}」", f.name));
                    format!("第{}号记录{name}", seq.0)
                })
                .collect();
            let mut refusal = set.refusal(
                "r27b_transcript_missing",
                &["R27-b"],
                "录音须附声音内容的文字记录后，方可作为决定的证据或者归档",
                untranscribed.iter().map(|s| s.0.to_string()).collect(),
            );
            refusal.message = format!("{}：{}缺少文字记录", refusal.message, named.join("、"));
            return Err(CoreError::Refused(refusal));
        }
        if !archiving {
            return Ok(Map::new());
        }
        self.archive_hash_fields(ctx, view, set, &records).await
    }

    /// R29-b / R4-a at archiving: re-hashes every file of the case and returns the
    /// platform-computed result fields, or refuses naming each file that is missing or changed
    /// (and audits `verify` with outcome `R4-a`, the integrity alert's trail).
    ///
    /// Services without a blob store (the demo generator, tests of other rules) cannot
    /// re-verify anything: they archive with `hashes_verified = false` and the number of
    /// unverified files, so the record says what was not done instead of claiming it.
    async fn archive_hash_fields(
        &self,
        ctx: &Ctx,
        view: &CaseView,
        set: &RuleSet,
        records: &[Record],
    ) -> Result<Map<String, Value>, CoreError> {
        let distinct = |checks: &[&FileCheck]| {
            let mut seen: Vec<&str> = checks.iter().map(|c| c.sha256.as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        };
        let mut fields = Map::new();
        let Some(blobs) = self.blobs.as_deref() else {
            let mut files: Vec<&str> = records
                .iter()
                .flat_map(|r| r.files.iter().map(|f| f.sha256.as_str()))
                .collect();
            files.sort_unstable();
            files.dedup();
            fields.insert("hashes_verified".into(), json!(files.is_empty()));
            fields.insert("files_verified".into(), json!(0));
            fields.insert("files_external".into(), json!(0));
            fields.insert("files_unverified".into(), json!(files.len()));
            return Ok(fields);
        };
        let checks = check_files(blobs, records)
            .await
            .map_err(|err| CoreError::Store(StoreError::Backend(Box::new(err))))?;
        let failed: Vec<&FileCheck> = checks.iter().filter(|c| !c.passed()).collect();
        if !failed.is_empty() {
            self.audit(ctx, "verify", &format!("case/{}/files", view.id), "R4-a")
                .await?;
            let mut refusal = set.refusal(
                "r29b_hash_mismatch",
                &["R29-b", "R4-a"],
                "归档时复核文件哈希未通过，不能归档",
                failed.iter().map(|c| c.sha256.clone()).collect(),
            );
            let named: Vec<String> = failed.iter().map(|c| c.failure_zh()).collect();
            refusal.message = format!("{}：{}", refusal.message, named.join("；"));
            return Err(CoreError::Refused(refusal));
        }
        let ok: Vec<&FileCheck> = checks.iter().filter(|c| c.status == "ok").collect();
        let external: Vec<&FileCheck> = checks.iter().filter(|c| c.status == "external").collect();
        fields.insert("hashes_verified".into(), json!(true));
        fields.insert("files_verified".into(), json!(distinct(&ok)));
        fields.insert("files_external".into(), json!(distinct(&external)));
        fields.insert("files_unverified".into(), json!(0));
        Ok(fields)
    }
}

/// R29-b: a supplementary filing cites an approval of the AGENCY_HEAD (the `head_approval`
/// record type allows that role only) with matter 补充归档, approved, entered after the
/// archiving, and not cited by another effective supplementary filing. Missing or dangling
/// references were refused earlier by the field checks.
fn check_supplementary_approval(
    view: &CaseView,
    set: &RuleSet,
    input: &RecordInput,
    records: &[Record],
) -> Result<(), CoreError> {
    let refuse = |detail: String| {
        CoreError::Refused(set.refusal(
            "r29b_supplement_unapproved",
            &["R29-b"],
            "补充归档须经行政执法机关负责人在归档后批准（审批事项：补充归档，批准），每次批准只能用于一次补充归档",
            vec!["approval_ref".into(), detail],
        ))
    };
    let Some(approval_seq) = input.data.get("approval_ref").and_then(Value::as_u64) else {
        return Err(refuse("approval_ref missing".into()));
    };
    let archive_seq = view.first(ARCHIVE).map_or(u64::MAX, |r| r.seq.0);
    let ineffective = ineffective_seqs(records);
    let approval = records.iter().find(|r| r.seq.0 == approval_seq);
    let approved = approval.is_some_and(|r| {
        r.record_type.as_str() == HEAD_APPROVAL
            && !ineffective.contains(&r.seq)
            && r.seq.0 > archive_seq
            && r.data.get("matter").and_then(Value::as_str) == Some(SUPPLEMENTARY_MATTER)
            && r.data.get("approved").and_then(Value::as_bool) == Some(true)
    });
    if !approved {
        return Err(refuse(format!("approval {approval_seq}")));
    }
    let used = records.iter().any(|r| {
        r.record_type.as_str() == SUPPLEMENTARY_FILING
            && !ineffective.contains(&r.seq)
            && Some(r.seq) != input.supersedes
            && r.data.get("approval_ref").and_then(Value::as_u64) == Some(approval_seq)
    });
    if used {
        return Err(refuse(format!("approval {approval_seq} already used")));
    }
    Ok(())
}

/// Re-hashes every file of `records` against the blob store (R4-a), each distinct blob once.
async fn check_files(blobs: &dyn Blobs, records: &[Record]) -> Result<Vec<FileCheck>, BlobError> {
    /// What the store holds under an address.
    enum Found {
        Blob(BlobInfo),
        Missing,
        Corrupt(String),
    }
    let mut found: BTreeMap<String, Found> = BTreeMap::new();
    let mut checks = Vec::new();
    for record in records {
        let dedicated =
            record.data.get("storage").and_then(Value::as_str) == Some(STORED_IN_DEDICATED);
        for file in &record.files {
            if !found.contains_key(&file.sha256) {
                let outcome = match blobs.verify(&file.sha256).await {
                    Ok(info) => Found::Blob(info),
                    Err(BlobError::NotFound(_)) | Err(BlobError::InvalidAddress(_)) => {
                        Found::Missing
                    }
                    Err(BlobError::Corrupt { actual, .. }) => Found::Corrupt(actual),
                    Err(err) => return Err(err),
                };
                found.insert(file.sha256.clone(), outcome);
            }
            let (status, detail) = match found.get(&file.sha256) {
                Some(Found::Blob(info)) if info.sm3 == file.sm3 && info.size == file.size => {
                    ("ok", None)
                }
                Some(Found::Blob(info)) => ("sm3_mismatch", Some(info.sm3.clone())),
                Some(Found::Corrupt(actual)) => ("corrupt", Some(actual.clone())),
                Some(Found::Missing) | None if dedicated => ("external", None),
                Some(Found::Missing) | None => ("missing", None),
            };
            checks.push(FileCheck {
                seq: record.seq,
                name: file.name.clone(),
                sha256: file.sha256.clone(),
                status: status.to_owned(),
                detail,
            });
        }
    }
    Ok(checks)
}

fn label(record: &Record) -> &str {
    record
        .data
        .get(CONFIDENTIALITY_FIELD)
        .and_then(Value::as_str)
        .unwrap_or("普通")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        let check = |input: &str, expect: &str| assert_eq!(clean_file_name(input), expect);
        check("DCIM/100MEDIA/FILE0001.MP4", "FILE0001.MP4");
        check("C:\\录像\\a.mp4", "a.mp4");
        check("../..", "未命名文件");
        check("a\u{0}b\nc.mp4", "abc.mp4");
        check("", "未命名文件");
    }
}
