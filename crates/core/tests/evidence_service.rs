//! The evidence service (issue 6 items 1–4): uploads scoped to the case, evidence records that
//! commit to the file, R3-c / R27-a refusals with rule IDs, sniffed media types, the R28-a
//! storage flag with working days of delay, R27-b audio transcripts, audited scoped reads with
//! ranges, R4-a re-verification.

mod common;

use std::sync::Arc;

use common::{District, Walker, district};
use liuhen_core::blobs::{BlobInfo, BlobReader, ByteRange, MemoryBlobs};
use liuhen_core::ids::{CaseId, OfficerId};
use liuhen_core::ports::{AuditQuery, DeadlineQuery, Store};
use liuhen_core::record::Record;
use liuhen_core::service::evidence::{
    AvMetadata, EvidenceError, EvidenceInput, audio_without_transcript,
};
use liuhen_core::service::{Ctx, RecordInput, Services};
use serde_json::{Map, json};
use time::OffsetDateTime;
use time::macros::{date, datetime};
use tokio::io::AsyncReadExt;

const LIMIT: u64 = 1 << 30;

fn mp4_bytes(len: usize) -> Vec<u8> {
    let mut out = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut state: u32 = 12345;
    while out.len() < len {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        out.push((state >> 16) as u8);
    }
    out
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const AMR: &[u8] = b"#!AMR\n\x3c\x48\xf5\x1f\x96\x66\x79\xe1\xe0\x01\xe7\xcf\xf0\x00\x00\x00";

fn reader(bytes: &[u8]) -> BlobReader {
    Box::pin(std::io::Cursor::new(bytes.to_vec()))
}

struct Fixture {
    district: District,
    services: Services,
    blobs: Arc<MemoryBlobs>,
    case_id: CaseId,
}

/// A district whose services have an in-memory blob store, and one open penalty case of body A
/// opened on 2024-10-08 (clock then moved to `now`).
async fn fixture(now: OffsetDateTime) -> Fixture {
    let district = district().await;
    *district.clock.0.lock().unwrap() = datetime!(2024-10-08 12:00 +8);
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    *district.clock.0.lock().unwrap() = now;
    let blobs = Arc::new(MemoryBlobs::new());
    let services = district.services.clone().with_blobs(blobs.clone());
    Fixture {
        district,
        services,
        blobs,
        case_id,
    }
}

fn av_meta() -> AvMetadata {
    AvMetadata {
        media_type: None,
        device_type: "执法记录仪".into(),
        method: "执法记录仪连续录像".into(),
        makers: vec![OfficerId::new("o1").unwrap(), OfficerId::new("o2").unwrap()],
        proof_object: "当事人现场销售过期食品的事实".into(),
        proof_refs: vec![],
        device_id: Some("ZFJLY-0007".into()),
        gps: Some("34.79,117.25".into()),
        venue_id: None,
        clock_offset_seconds: Some(-3),
    }
}

fn av_input(blob: &BlobInfo, name: &str, start: OffsetDateTime) -> EvidenceInput {
    EvidenceInput {
        record_type: "av_record".into(),
        blob: blob.clone(),
        file_name: name.into(),
        event_time: start,
        event_end: Some(start + time::Duration::minutes(40)),
        av: Some(av_meta()),
        data: Map::new(),
    }
}

impl Fixture {
    async fn ctx(&self, user: &str) -> Ctx {
        self.district.ctx(user).await
    }

    async fn upload(&self, bytes: &[u8]) -> BlobInfo {
        let ctx = self.ctx("off1").await;
        self.services
            .upload_evidence(&ctx, &self.case_id, reader(bytes), LIMIT)
            .await
            .unwrap()
    }

    async fn add(
        &self,
        input: EvidenceInput,
    ) -> Result<liuhen_core::service::evidence::EvidenceReceipt, EvidenceError> {
        let ctx = self.ctx("off1").await;
        self.services.add_evidence(&ctx, &self.case_id, input).await
    }

    async fn records(&self) -> Vec<Record> {
        let ctx = self.ctx("ahead").await;
        self.services
            .case_records(&ctx, &self.case_id)
            .await
            .unwrap()
            .into_iter()
            .map(|view| view.record)
            .collect()
    }

    async fn audit(&self, prefix: &str) -> Vec<(String, String, String)> {
        self.district
            .store
            .read_audit(&AuditQuery {
                object_prefix: Some(prefix.to_owned()),
                user: None,
                limit: 1000,
            })
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.object, e.outcome))
            .collect()
    }
}

#[tokio::test]
async fn av_evidence_record_commits_to_the_file_hashes() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let bytes = mp4_bytes(200_000);
    let blob = f.upload(&bytes).await;
    assert_eq!(blob.media_type, "video/mp4");
    let receipt = f
        .add(av_input(
            &blob,
            "DCIM/FILE0001.MP4",
            datetime!(2024-10-08 14:00 +8),
        ))
        .await
        .unwrap();
    assert_eq!(receipt.file.name, "FILE0001.MP4");
    assert!(!receipt.transcript_required);
    let records = f.records().await;
    let record = records
        .iter()
        .find(|r| r.seq == receipt.receipt.seq)
        .unwrap();
    assert_eq!(record.files, vec![receipt.file.clone()]);
    assert_eq!(record.files[0].sha256, blob.sha256);
    assert_eq!(record.files[0].sm3, blob.sm3);
    assert_eq!(record.files[0].size, 200_000);
    assert_eq!(record.data["media_type"], json!("录像"));
    assert_eq!(record.data["storage"], json!("执法信息系统"));
    assert_eq!(record.data["device_id"], json!("ZFJLY-0007"));
    // The log leaf is the hash of the canonical bytes, which contain both file hashes.
    let canonical = String::from_utf8(record.canonical_bytes().unwrap()).unwrap();
    assert!(canonical.contains(&blob.sha256) && canonical.contains(&blob.sm3));
    assert_eq!(
        f.services.record_hash(canonical.as_bytes()),
        receipt.receipt.hash
    );
    let audit = f.audit(&format!("case/{}/files/", f.case_id)).await;
    assert!(audit.iter().any(|(a, _, o)| a == "upload" && o == "ok"));
    assert!(audit.iter().any(|(a, _, o)| a == "attach" && o == "ok"));
}

/// Runs `add_evidence` with `change` applied to a valid A/V input; expects a refusal citing
/// `ids` (all of them) or, with `ids` empty, success.
async fn check(
    f: &Fixture,
    blob: &BlobInfo,
    change: impl FnOnce(&mut EvidenceInput),
    ids: &[&str],
) {
    let mut input = av_input(blob, "a.mp4", datetime!(2024-10-08 14:00 +8));
    change(&mut input);
    let result = f.add(input).await;
    if ids.is_empty() {
        assert!(result.is_ok(), "{result:?}");
        return;
    }
    let err = result.expect_err("must be refused");
    let refusal = err
        .refusal()
        .unwrap_or_else(|| panic!("not a refusal: {err:?}"));
    for id in ids {
        assert!(
            refusal.ids.iter().any(|r| r.as_str() == *id),
            "{id} not in {:?} ({})",
            refusal.ids,
            refusal.message
        );
    }
}

#[tokio::test]
async fn missing_r27a_metadata_is_refused_citing_r27_a() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let blob = f.upload(&mp4_bytes(10_000)).await;
    check(
        &f,
        &blob,
        |i| i.av.as_mut().unwrap().method.clear(),
        &["R27-a"],
    )
    .await;
    check(
        &f,
        &blob,
        |i| i.av.as_mut().unwrap().makers.clear(),
        &["R27-a"],
    )
    .await;
    check(
        &f,
        &blob,
        |i| i.av.as_mut().unwrap().proof_object = " ".into(),
        &["R27-a"],
    )
    .await;
    check(&f, &blob, |i| i.event_end = None, &["R27-a"]).await;
    check(&f, &blob, |i| i.av = None, &["R27-a"]).await;
    check(
        &f,
        &blob,
        |i| i.av.as_mut().unwrap().device_type.clear(),
        &["R3-c"],
    )
    .await;
    // Nothing of the refused attempts reached the log; the complete input passes.
    assert!(f.records().await.iter().all(|r| r.files.is_empty()));
    check(&f, &blob, |_| {}, &[]).await;
}

#[tokio::test]
async fn media_type_comes_from_content_not_from_the_name() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let png = f.upload(PNG).await;
    assert_eq!(png.media_type, "image/png");
    // A PNG named .mp4 declared as 录像 is refused (R3-c); undeclared it becomes a 照片.
    check(
        &f,
        &png,
        |i| {
            i.file_name = "现场录像.mp4".into();
            i.av.as_mut().unwrap().media_type = Some("录像".into());
        },
        &["R3-c"],
    )
    .await;
    let mut input = av_input(&png, "现场录像.mp4", datetime!(2024-10-08 14:00 +8));
    input.event_end = None; // a photo is an instant: end = start
    let receipt = f.add(input).await.unwrap();
    assert_eq!(receipt.file.media_type, "image/png");
    let records = f.records().await;
    let record = records
        .iter()
        .find(|r| r.seq == receipt.receipt.seq)
        .unwrap();
    assert_eq!(record.data["media_type"], json!("照片"));
    assert_eq!(record.event_end, Some(record.event_time));
    // A PDF is not an A/V file at all.
    let pdf = f.upload(b"%PDF-1.7\n1 0 obj").await;
    check(&f, &pdf, |_| {}, &["R3-c"]).await;
}

#[tokio::test]
async fn forged_or_missing_blob_is_refused() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let blob = f.upload(&mp4_bytes(5_000)).await;
    let mut forged = blob.clone();
    forged.sm3 = "0".repeat(64);
    let err = f
        .add(av_input(&forged, "a.mp4", datetime!(2024-10-08 14:00 +8)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            EvidenceError::Core(liuhen_core::error::CoreError::Invalid { .. })
        ),
        "{err:?}"
    );
    let mut missing = blob.clone();
    missing.sha256 = "1".repeat(64);
    assert!(
        f.add(av_input(&missing, "a.mp4", datetime!(2024-10-08 14:00 +8)))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn storage_after_the_r28_deadline_is_flagged_with_working_days_across_the_holiday() {
    // Recording ended 2024-09-30 16:00 → due 2024-10-09 (requirements.md §3, R28-a): the
    // National Day holiday 10-01…07 does not count. Stored on 2024-10-12 (a make-up Saturday):
    // late by 10-10, 10-11 and 10-12 = 3 working days.
    let f = fixture(datetime!(2024-10-12 10:00 +8)).await;
    let blob = f.upload(&mp4_bytes(8_000)).await;
    let mut input = av_input(&blob, "a.mp4", datetime!(2024-09-30 15:00 +8));
    input.event_end = Some(datetime!(2024-09-30 16:00 +8));
    let receipt = f.add(input).await.unwrap();
    let storage = receipt.storage.unwrap();
    assert_eq!(storage.recording_end, date!(2024 - 09 - 30));
    assert_eq!(storage.due, date!(2024 - 10 - 09));
    assert_eq!(storage.stored_on, date!(2024 - 10 - 12));
    assert_eq!(storage.late_working_days, 3);
    assert!(storage.is_late());
    assert_eq!(storage.label_zh(), "逾期存储（逾期3个工作日）");
    // The same flag in the case's evidence list, and the deadline row of the engine agrees.
    let ctx = f.ctx("off1").await;
    let items = f.services.case_evidence(&ctx, &f.case_id).await.unwrap();
    let item = items.iter().find(|i| i.seq == receipt.receipt.seq).unwrap();
    assert_eq!(item.storage, Some(storage));
    let rows = f
        .district
        .store
        .deadlines(&DeadlineQuery::default())
        .await
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r.key == format!("r28:{}", receipt.receipt.seq.0))
        .unwrap();
    assert_eq!(row.due, date!(2024 - 10 - 09));
    assert_eq!(row.met_on, Some(date!(2024 - 10 - 12)));
}

#[tokio::test]
async fn storage_on_the_due_date_is_not_late_and_legacy_recordings_are_not_flagged() {
    let f = fixture(datetime!(2024-10-09 23:00 +8)).await;
    let blob = f.upload(&mp4_bytes(8_000)).await;
    let mut input = av_input(&blob, "a.mp4", datetime!(2024-09-30 15:00 +8));
    input.event_end = Some(datetime!(2024-09-30 16:00 +8));
    let storage = f.add(input).await.unwrap().storage.unwrap();
    assert_eq!(storage.late_working_days, 0);
    assert_eq!(storage.label_zh(), "按期存储");
    // R31-a: recording ended 2024-08-30, stored 2024-09-10: legacy, never 逾期存储.
    let ctx = f.ctx("off1").await;
    let view = f.services.case(&ctx, &f.case_id).await.unwrap();
    let legacy = f
        .services
        .storage_check(
            &view,
            datetime!(2024-08-30 16:00 +8),
            datetime!(2024-09-10 10:00 +8),
        )
        .unwrap();
    assert!(legacy.legacy);
    assert!(!legacy.is_late());
}

#[tokio::test]
async fn audio_only_recording_needs_a_transcript_r27_b() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let amr = f.upload(AMR).await;
    assert_eq!(amr.media_type, "audio/amr");
    let mut input = av_input(&amr, "询问录音.amr", datetime!(2024-10-08 14:00 +8));
    input.av.as_mut().unwrap().device_type = "录音机".into();
    let receipt = f.add(input).await.unwrap();
    assert!(receipt.transcript_required);
    let seq = receipt.receipt.seq;
    assert_eq!(audio_without_transcript(&f.records().await), vec![seq]);
    let ctx = f.ctx("off1").await;
    let mut data = Map::new();
    data.insert("av_ref".into(), json!(seq.0));
    data.insert(
        "transcript".into(),
        json!("问：你是否销售了过期食品？答：是。"),
    );
    data.insert("transcribers".into(), json!(["o1"]));
    let transcript = f
        .services
        .add_record(
            &ctx,
            &f.case_id,
            RecordInput {
                record_type: "av_transcript".into(),
                event_time: datetime!(2024-10-08 16:00 +8),
                event_end: None,
                data,
                files: vec![],
                supersedes: None,
            },
        )
        .await
        .unwrap();
    assert!(audio_without_transcript(&f.records().await).is_empty());
    let items = f.services.case_evidence(&ctx, &f.case_id).await.unwrap();
    let item = items.iter().find(|i| i.seq == seq).unwrap();
    assert!(item.audio_only);
    assert_eq!(item.transcripts, vec![transcript.seq]);
}

#[tokio::test]
async fn duplicate_file_is_stored_once_and_linked_again() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let bytes = mp4_bytes(30_000);
    let first_blob = f.upload(&bytes).await;
    let first = f
        .add(av_input(
            &first_blob,
            "a.mp4",
            datetime!(2024-10-08 14:00 +8),
        ))
        .await
        .unwrap();
    let second_blob = f.upload(&bytes).await;
    assert!(second_blob.deduplicated);
    let second = f
        .add(av_input(
            &second_blob,
            "copy.mp4",
            datetime!(2024-10-08 14:00 +8),
        ))
        .await
        .unwrap();
    assert_eq!(second.already_linked, vec![first.receipt.seq]);
}

async fn read_all(mut reader: BlobReader) -> Vec<u8> {
    let mut out = Vec::new();
    reader.read_to_end(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn evidence_reads_are_scoped_ranged_and_audited() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let bytes = mp4_bytes(100_000);
    let blob = f.upload(&bytes).await;
    f.add(av_input(&blob, "a.mp4", datetime!(2024-10-08 14:00 +8)))
        .await
        .unwrap();
    let ctx = f.ctx("off2").await;
    // Whole file, then first, middle, last byte and a suffix range.
    let (meta, whole) = f
        .services
        .open_evidence(&ctx, &f.case_id, &blob.sha256, None)
        .await
        .unwrap();
    assert_eq!(meta.file.sha256, blob.sha256);
    assert_eq!(read_all(whole).await, bytes);
    let size = bytes.len() as u64;
    for header in [
        "bytes=0-0",
        "bytes=50000-50000",
        "bytes=99999-",
        "bytes=-1000",
    ] {
        let range = ByteRange::parse(header, size).unwrap().unwrap();
        let (meta, part) = f
            .services
            .open_evidence(&ctx, &f.case_id, &blob.sha256, Some(range))
            .await
            .unwrap();
        assert_eq!(meta.range, Some(range));
        assert_eq!(
            read_all(part).await,
            bytes[range.first as usize..=range.last as usize].to_vec(),
            "{header}"
        );
    }
    // Another body's officer sees nothing (not even that the case exists); unknown files too.
    let other = f.ctx("offb").await;
    let err = f
        .services
        .open_evidence(&other, &f.case_id, &blob.sha256, None)
        .await
        .err()
        .unwrap();
    assert!(matches!(
        err,
        EvidenceError::Core(liuhen_core::error::CoreError::NotFound(_))
    ));
    assert!(
        f.services
            .open_evidence(&ctx, &f.case_id, &"2".repeat(64), None)
            .await
            .is_err()
    );
    // SUPERVISOR reads all bodies but uploads to none.
    let sup = f.ctx("sup").await;
    assert!(
        f.services
            .open_evidence(&sup, &f.case_id, &blob.sha256, None)
            .await
            .is_ok()
    );
    let err = f
        .services
        .upload_evidence(&sup, &f.case_id, reader(PNG), LIMIT)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        EvidenceError::Core(liuhen_core::error::CoreError::Forbidden(_))
    ));
    let object = format!("case/{}/files/{}", f.case_id, blob.sha256);
    let audit = f.audit(&object).await;
    let count = |action: &str, outcome: &str| {
        audit
            .iter()
            .filter(|(a, o, out)| a == action && *o == object && out == outcome)
            .count()
    };
    assert_eq!(count("download", "ok"), 2); // off2 and sup
    assert_eq!(count("view", "ok"), 4);
    assert_eq!(count("download", "not_found"), 1); // offb
}

#[tokio::test]
async fn damaged_file_is_named_by_verification_r4_a() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let good = f.upload(&mp4_bytes(4_000)).await;
    let bad = f.upload(&mp4_bytes(6_000)).await;
    for blob in [&good, &bad] {
        f.add(av_input(blob, "a.mp4", datetime!(2024-10-08 14:00 +8)))
            .await
            .unwrap();
    }
    let mut damaged = mp4_bytes(6_000);
    damaged[3_000] ^= 0x80;
    assert!(f.blobs.damage(&bad.sha256, damaged));
    let ctx = f.ctx("arch").await;
    let checks = f.services.verify_evidence(&ctx, &f.case_id).await.unwrap();
    let status = |sha: &str| {
        checks
            .iter()
            .find(|c| c.sha256 == sha)
            .map(|c| c.status.clone())
            .unwrap()
    };
    assert_eq!(status(&good.sha256), "ok");
    assert_eq!(status(&bad.sha256), "corrupt");
    let audit = f.audit(&format!("case/{}/files", f.case_id)).await;
    assert!(audit.iter().any(|(a, _, o)| a == "verify" && o == "R4-a"));
}

#[tokio::test]
async fn services_without_a_blob_store_say_so() {
    let f = fixture(datetime!(2024-10-09 09:00 +8)).await;
    let ctx = f.ctx("off1").await;
    let err = f
        .district
        .services
        .upload_evidence(&ctx, &f.case_id, reader(PNG), LIMIT)
        .await
        .unwrap_err();
    assert!(matches!(err, EvidenceError::NoBlobStore));
}
