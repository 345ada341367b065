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

use std::collections::BTreeMap;

use liuhen_calendar::PeriodRequest;
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

use super::{Ctx, RecordInput, Services};
use crate::blobs::{BlobError, BlobInfo, BlobReader, Blobs, ByteRange, MediaClass, UploadStatus};
use crate::case::CaseView;
use crate::deadlines::AV_STORAGE_PERIOD;
use crate::error::{CoreError, Refusal};
use crate::ids::{CaseId, OfficerId, RequirementId, StreamId, StreamSeq};
use crate::ports::{ProjectionKind, Receipt};
use crate::record::{FileRef, Record};
use crate::role::Role;
use crate::rules::fields::CONFIDENTIALITY_FIELD;

/// The A/V record type of the rule set (音像记录).
pub const AV_RECORD: &str = "av_record";
/// The transcript record type (声音资料文字记录, R27-b).
pub const AV_TRANSCRIPT: &str = "av_transcript";
/// 存储位置 value for files stored in the platform (R28-a).
pub const STORED_IN_PLATFORM: &str = "执法信息系统";

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
    /// The file reference from the record.
    pub sha256: String,
    /// `ok`, `missing`, `corrupt` (SHA-256 differs) or `sm3_mismatch`.
    pub status: String,
    /// What was found, for `corrupt` / `sm3_mismatch`.
    pub detail: Option<String>,
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
/// effective `av_transcript` refers to. The engine's decision and archiving gates, and the case
/// file export, call this (issue 6; the gate itself is not wired into the engine yet).
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
            return Err(CoreError::Forbidden(
                "监督人员只读，不能上传证据".to_owned(),
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
            | Err(EvidenceError::Blob(BlobError::NotFound(_))) => "not_found".to_owned(),
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
    pub async fn begin_evidence_upload(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        expected_size: Option<u64>,
    ) -> Result<UploadStatus, EvidenceError> {
        self.writable_case(ctx, case_id).await?;
        Ok(self.blob_store()?.begin_upload(expected_size).await?)
    }

    /// The offset to resume an upload session from.
    pub async fn evidence_upload_status(
        &self,
        ctx: &Ctx,
        case_id: &CaseId,
        id: &str,
    ) -> Result<UploadStatus, EvidenceError> {
        self.writable_case(ctx, case_id).await?;
        Ok(self.blob_store()?.upload_status(id).await?)
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
        self.writable_case(ctx, case_id).await?;
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
            self.writable_case(ctx, case_id).await?;
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
            Ok(checks) if checks.iter().all(|c| c.status == "ok") => "ok",
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
        let mut checks = Vec::new();
        for record in &records {
            for file in &record.files {
                let (status, detail) = match blobs.verify(&file.sha256).await {
                    Ok(info) if info.sm3 == file.sm3 && info.size == file.size => ("ok", None),
                    Ok(info) => ("sm3_mismatch", Some(info.sm3)),
                    Err(BlobError::NotFound(_)) | Err(BlobError::InvalidAddress(_)) => {
                        ("missing", None)
                    }
                    Err(BlobError::Corrupt { actual, .. }) => ("corrupt", Some(actual)),
                    Err(err) => return Err(err.into()),
                };
                checks.push(FileCheck {
                    seq: record.seq,
                    sha256: file.sha256.clone(),
                    status: status.to_owned(),
                    detail,
                });
            }
        }
        Ok(checks)
    }
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
