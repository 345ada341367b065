//! Archiving (R27-b, R29-a, R29-b, R29-d; issue 6): an audio recording without its transcript
//! blocks decisions and archiving; archiving re-hashes every file and records the result itself;
//! an archived case is read-only except for an approved supplementary filing; a body without an
//! archivist cannot archive and is listed for SUPERVISOR; the 30-day archive deadline (I9).

mod common;

use std::sync::Arc;

use common::{District, Walker, district};
use liuhen_core::blobs::{BlobInfo, BlobReader, Blobs, MemoryBlobs};
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, CaseId, OfficerId, StreamSeq, UserId};
use liuhen_core::ports::{AuditQuery, Receipt, Store};
use liuhen_core::record::{FileRef, Record};
use liuhen_core::registry::RoleGrant;
use liuhen_core::role::Role;
use liuhen_core::service::evidence::{AvMetadata, EvidenceInput};
use liuhen_core::service::{RecordInput, Services};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::{date, datetime};

const LIMIT: u64 = 1 << 30;

const AMR: &[u8] = b"#!AMR\n\x3c\x48\xf5\x1f\x96\x66\x79\xe1\xe0\x01\xe7\xcf\xf0\x00\x00\x00";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn mp4_bytes(seed: u32) -> Vec<u8> {
    let mut out = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut state = seed | 1;
    while out.len() < 4096 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        out.push((state >> 16) as u8);
    }
    out
}

fn reader(bytes: &[u8]) -> BlobReader {
    Box::pin(std::io::Cursor::new(bytes.to_vec()))
}

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// A district whose services have an in-memory blob store, and one penalty case of body A opened
/// on 2024-10-08 by the walker (which then drives the rest through the same store and caches).
struct Fixture<'a> {
    walker: Walker<'a>,
    services: Services,
    blobs: Arc<MemoryBlobs>,
    case_id: CaseId,
}

impl<'a> Fixture<'a> {
    async fn new(district: &'a District) -> Fixture<'a> {
        let mut walker = Walker::new(district, "penalty_ordinary");
        walker.open("r8_initiation").await.unwrap();
        let case_id = walker.case_id.clone().unwrap();
        let blobs = Arc::new(MemoryBlobs::new());
        let services = district.services.clone().with_blobs(blobs.clone());
        Fixture {
            walker,
            services,
            blobs,
            case_id,
        }
    }

    fn district(&self) -> &'a District {
        self.walker.district
    }

    fn at(&mut self) -> OffsetDateTime {
        self.walker.time += time::Duration::hours(1);
        self.walker.time
    }

    async fn upload(&self, bytes: &[u8]) -> BlobInfo {
        let ctx = self.district().ctx("off1").await;
        self.services
            .upload_evidence(&ctx, &self.case_id, reader(bytes), LIMIT)
            .await
            .unwrap()
    }

    /// Uploads and links an A/V recording; returns its seq and the file's SHA-256.
    async fn add_av(&mut self, bytes: &[u8], name: &str, media_type: &str) -> (StreamSeq, String) {
        let blob = self.upload(bytes).await;
        let start = self.at();
        let input = EvidenceInput {
            record_type: "av_record".into(),
            blob,
            file_name: name.into(),
            event_time: start,
            event_end: Some(start + time::Duration::minutes(20)),
            av: Some(AvMetadata {
                media_type: Some(media_type.into()),
                device_type: "执法记录仪".into(),
                method: "执法记录仪录音".into(),
                makers: vec![OfficerId::new("o1").unwrap(), OfficerId::new("o2").unwrap()],
                proof_object: "当事人陈述的内容".into(),
                ..AvMetadata::default()
            }),
            data: Map::new(),
        };
        let ctx = self.district().ctx("off1").await;
        let receipt = self
            .services
            .add_evidence(&ctx, &self.case_id, input)
            .await
            .unwrap();
        (receipt.receipt.seq, receipt.file.sha256)
    }

    /// Appends a record as `user` through the blob-enabled services.
    async fn add_as(
        &mut self,
        user: &str,
        record_type: &str,
        data: Value,
        files: Vec<FileRef>,
        supersedes: Option<StreamSeq>,
    ) -> Result<Receipt, CoreError> {
        let at = self.at();
        let input = RecordInput {
            record_type: record_type.into(),
            event_time: at,
            event_end: None,
            data: map(data),
            files,
            supersedes,
        };
        let ctx = self.district().ctx(user).await;
        self.services.add_record(&ctx, &self.case_id, input).await
    }

    async fn transcribe(&mut self, av: StreamSeq) -> Receipt {
        self.add_as(
            "off1",
            "av_transcript",
            json!({"av_ref": av.0, "transcript": "当事人称：货是上周进的。", "transcribers": ["o1", "o2"]}),
            vec![],
            None,
        )
        .await
        .unwrap()
    }

    async fn close(&mut self) {
        self.add_as(
            "uhead",
            "case_closure",
            json!({"reason": "撤销案件", "summary": "经调查，违法事实不能成立。", "opinion": "同意结案。"}),
            vec![],
            None,
        )
        .await
        .unwrap();
    }

    async fn archive_as(&mut self, user: &str, claims: Value) -> Result<Receipt, CoreError> {
        let mut data = json!({"archive_no": "薛市监-2024-0001", "retention": "30年", "volumes": 1,
            "pages": 30, "location": "档案室"});
        for (key, value) in map(claims) {
            data[key] = value;
        }
        self.add_as(user, "r29_archive", data, vec![], None).await
    }

    async fn record(&self, seq: StreamSeq) -> Record {
        let ctx = self.district().ctx("ahead").await;
        self.services
            .case_records(&ctx, &self.case_id)
            .await
            .unwrap()
            .into_iter()
            .map(|view| view.record)
            .find(|r| r.seq == seq)
            .unwrap()
    }
}

/// Asserts a refusal citing `id` and returns its message.
fn refused(result: Result<Receipt, CoreError>, id: &str) -> String {
    let err = result.expect_err("expected a refusal");
    let refusal = err
        .refusal()
        .unwrap_or_else(|| panic!("expected a refusal citing {id}, got {err:?}"));
    assert!(
        refusal.ids.iter().any(|r| r.as_str() == id),
        "expected {id}: {refusal:?}"
    );
    refusal.message.clone()
}

#[tokio::test]
async fn decision_with_an_untranscribed_audio_recording_is_refused_citing_r27_b() {
    let district = district().await;
    let mut f = Fixture::new(&district).await;
    let (audio, _) = f.add_av(AMR, "询问录音.amr", "录音").await;
    // A video needs no transcript (R27-b, P11).
    f.add_av(&mp4_bytes(3), "现场.mp4", "录像").await;
    // Every mandatory record up to the decision, then its gates.
    for stage in f.walker.procedure.stages.clone() {
        for mandatory in stage
            .mandatory
            .iter()
            .filter(|m| *m != "r16_penalty_decision")
        {
            f.walker.ensure(mandatory).await.unwrap();
        }
        if stage.id == "decision" {
            break;
        }
    }
    f.walker.prepare("r16_penalty_decision").await.unwrap();
    let message = refused(f.walker.add("r16_penalty_decision").await, "R27-b");
    assert!(
        message.contains(&format!("第{}号记录", audio.0)) && message.contains("询问录音.amr"),
        "the refusal names the recording: {message}"
    );
    // The refusal is audited (blocked attempts are logged).
    let audit = district
        .store
        .read_audit(&AuditQuery {
            object_prefix: Some(format!("case/{}", f.case_id)),
            user: None,
            limit: 1000,
        })
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "refused" && e.outcome.contains("R27-b")),
        "{audit:?}"
    );

    f.transcribe(audio).await;
    f.walker.time = f.at();
    f.walker.add("r16_penalty_decision").await.unwrap();
}

#[tokio::test]
async fn voiding_the_transcript_brings_the_r27_b_refusal_back() {
    let district = district().await;
    let mut f = Fixture::new(&district).await;
    let (audio, _) = f.add_av(AMR, "询问录音.amr", "录音").await;
    let transcript = f.transcribe(audio).await;
    f.add_as(
        "off1",
        "sys_void",
        json!({"reason": "文字记录与录音不符，重新整理"}),
        vec![],
        Some(transcript.seq),
    )
    .await
    .unwrap();
    f.close().await;
    refused(f.archive_as("arch", json!({})).await, "R27-b");
}

#[tokio::test]
async fn archiving_with_an_untranscribed_audio_recording_is_refused_until_it_is_transcribed() {
    let district = district().await;
    let mut f = Fixture::new(&district).await;
    let (audio, _) = f.add_av(AMR, "询问录音.amr", "录音").await;
    f.close().await;
    let message = refused(f.archive_as("arch", json!({})).await, "R27-b");
    assert!(message.contains("询问录音.amr"), "{message}");
    f.transcribe(audio).await;
    let receipt = f.archive_as("arch", json!({})).await.unwrap();
    let archive = f.record(receipt.seq).await;
    assert_eq!(archive.data["hashes_verified"], true);
    assert_eq!(archive.data["files_verified"], 1);
    // R29-d: the record says who archived it.
    assert_eq!(archive.actor.user.as_str(), "arch");
    assert_eq!(archive.actor.role, Role::Archivist);
}

#[tokio::test]
async fn archiving_rehashes_every_file_and_refuses_a_changed_or_missing_one_citing_r29_b() {
    let district = district().await;
    let mut f = Fixture::new(&district).await;
    let video = mp4_bytes(11);
    let (_, video_sha) = f.add_av(&video, "现场执法.mp4", "录像").await;
    // A photo whose record names a file the platform never received: hashed elsewhere (same
    // bytes, another store), not uploaded here.
    let elsewhere = MemoryBlobs::new();
    let photo = elsewhere.put_stream(reader(PNG), LIMIT).await.unwrap();
    let photo_ref = photo.file_ref("现场照片.png");
    let mut input = f.walker.input("av_record").await;
    input.files = vec![photo_ref.clone()];
    input.data.insert("media_type".into(), json!("照片"));
    let ctx = district.ctx("off1").await;
    f.services
        .add_record(&ctx, &f.case_id, input.clone())
        .await
        .unwrap();
    // A recording kept in the body's dedicated storage (R28-a): not the platform's to verify.
    let mut kept = input;
    let stored = elsewhere
        .put_stream(reader(&mp4_bytes(12)), LIMIT)
        .await
        .unwrap();
    kept.files = vec![stored.file_ref("专用存储器录像.mp4")];
    kept.data.insert("media_type".into(), json!("录像"));
    kept.data
        .insert("storage".into(), json!("本单位专用存储器"));
    kept.data
        .insert("storage_ref".into(), json!("存储器 CCQ-01 / 2024/10/08"));
    f.services.add_record(&ctx, &f.case_id, kept).await.unwrap();
    f.close().await;
    // Someone changed the video on disk.
    assert!(f.blobs.damage(&video_sha, b"tampered".to_vec()));

    // Claiming the check passed does not make it pass.
    let claims = json!({"hashes_verified": true, "files_verified": 9});
    let message = refused(f.archive_as("arch", claims.clone()).await, "R29-b");
    assert!(
        message.contains("现场执法.mp4"),
        "names the changed file: {message}"
    );
    assert!(
        message.contains("现场照片.png"),
        "names the missing file: {message}"
    );
    assert!(!message.contains("专用存储器录像.mp4"), "{message}");
    let audit = district
        .store
        .read_audit(&AuditQuery {
            object_prefix: Some(format!("case/{}/files", f.case_id)),
            user: None,
            limit: 100,
        })
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "verify" && e.outcome == "R4-a"),
        "the mismatch leaves an integrity trail (R4-a): {audit:?}"
    );

    // Restored from backup, and the missing photo delivered: archiving verifies and records it.
    assert!(f.blobs.damage(&video_sha, video.clone()));
    f.upload(PNG).await;
    let receipt = f
        .archive_as(
            "arch",
            json!({"hashes_verified": false, "files_verified": 9}),
        )
        .await
        .unwrap();
    let archive = f.record(receipt.seq).await;
    assert_eq!(archive.data["hashes_verified"], true);
    assert_eq!(archive.data["files_verified"], 2, "video and photo");
    assert_eq!(
        archive.data["files_external"], 1,
        "the dedicated-storage recording"
    );
    assert_eq!(archive.data["files_unverified"], 0);
}

#[tokio::test]
async fn without_a_blob_store_archiving_records_that_nothing_was_verified() {
    let district = district().await;
    let mut f = Fixture::new(&district).await;
    f.add_av(&mp4_bytes(5), "现场.mp4", "录像").await;
    f.close().await;
    // The same case through services that have no blob store (as the demo generator).
    let ctx = district.ctx("arch").await;
    let at = f.at();
    let receipt = district
        .services
        .add_record(
            &ctx,
            &f.case_id,
            RecordInput {
                record_type: "r29_archive".into(),
                event_time: at,
                event_end: None,
                data: map(
                    json!({"archive_no": "薛市监-2024-0002", "retention": "10年",
                    "volumes": 1, "pages": 12, "location": "档案室", "hashes_verified": true}),
                ),
                files: vec![],
                supersedes: None,
            },
        )
        .await
        .unwrap();
    let archive = f.record(receipt.seq).await;
    assert_eq!(archive.data["hashes_verified"], false);
    assert_eq!(archive.data["files_unverified"], 1);
}

#[tokio::test]
async fn an_archived_case_is_read_only_except_an_approved_supplementary_filing() {
    let district = district().await;
    let mut f = Fixture::new(&district).await;
    let (photo, _) = f.add_av(PNG, "现场照片.png", "照片").await;
    f.close().await;
    let approval = |matter: &str, approved: bool| json!({"matter": matter, "approved": approved, "opinion": "同意补充归档。"});
    let supplement = |approval: u64| json!({"approval_ref": approval, "materials": "当事人补交的缴款凭证", "pages": 2});
    // An approval given before the archiving does not count; a filing needs an archived case.
    let early = f
        .add_as(
            "ahead",
            "head_approval",
            approval("补充归档", true),
            vec![],
            None,
        )
        .await
        .unwrap();
    refused(
        f.add_as(
            "arch",
            "r29_supplementary_filing",
            supplement(early.seq.0),
            vec![],
            None,
        )
        .await,
        "R29-b",
    );
    f.archive_as("arch", json!({})).await.unwrap();

    // Read-only: no new record, no correction, no void, no second archiving.
    let message = refused(
        f.add_as("off1", "text_document", json!({}), vec![], None)
            .await,
        "R29-b",
    );
    assert!(message.contains("归档"), "{message}");
    refused(
        f.add_as(
            "ahead",
            "sys_void",
            json!({"reason": "误录"}),
            vec![],
            Some(photo),
        )
        .await,
        "R29-b",
    );
    refused(f.archive_as("arch", json!({})).await, "R29-b");
    refused(
        f.add_as(
            "ahead",
            "head_approval",
            approval("其他", true),
            vec![],
            None,
        )
        .await,
        "R29-b",
    );
    refused(
        f.add_as(
            "arch",
            "r29_supplementary_filing",
            supplement(early.seq.0),
            vec![],
            None,
        )
        .await,
        "R29-b",
    );
    // A refused approval is on the record but approves nothing.
    let declined = f
        .add_as(
            "ahead",
            "head_approval",
            approval("补充归档", false),
            vec![],
            None,
        )
        .await
        .unwrap();
    refused(
        f.add_as(
            "arch",
            "r29_supplementary_filing",
            supplement(declined.seq.0),
            vec![],
            None,
        )
        .await,
        "R29-b",
    );
    let granted = f
        .add_as(
            "ahead",
            "head_approval",
            approval("补充归档", true),
            vec![],
            None,
        )
        .await
        .unwrap();
    f.add_as(
        "arch",
        "r29_supplementary_filing",
        supplement(granted.seq.0),
        vec![],
        None,
    )
    .await
    .unwrap();
    // One approval, one filing.
    refused(
        f.add_as(
            "arch",
            "r29_supplementary_filing",
            supplement(granted.seq.0),
            vec![],
            None,
        )
        .await,
        "R29-b",
    );
}

#[tokio::test]
async fn a_body_without_an_archivist_cannot_archive_and_is_listed_for_the_supervisor_r29_d() {
    let district = district().await;
    let supervisor = district.ctx("sup").await;
    let coverage = district
        .services
        .archivist_coverage(&supervisor)
        .await
        .unwrap();
    let row = |body: &str| {
        coverage
            .iter()
            .find(|c| c.body.as_str() == body)
            .unwrap_or_else(|| panic!("{body} listed: {coverage:?}"))
            .clone()
    };
    assert!(row(common::BODY_B).missing(), "body B has no archivist");
    assert_eq!(
        row(common::BODY_A)
            .archivists
            .iter()
            .map(|a| a.user.as_str())
            .collect::<Vec<_>>(),
        ["arch"]
    );
    assert!(coverage[0].missing(), "bodies lacking an archivist first");
    // An agency head sees their own body; an officer is refused.
    let head = district.ctx("ahead").await;
    let own = district.services.archivist_coverage(&head).await.unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].body.as_str(), common::BODY_A);
    let officer = district.ctx("off1").await;
    let err = district
        .services
        .archivist_coverage(&officer)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(_)), "{err:?}");

    let mut f = Fixture::new(&district).await;
    f.close().await;
    district
        .services
        .revoke_role(
            &district.admin,
            &UserId::new("arch").unwrap(),
            RoleGrant {
                role: Role::Archivist,
                body: Some(BodyId::new(common::BODY_A).unwrap()),
            },
        )
        .await
        .unwrap();
    // The reason is the missing archivist, not the caller's role (an AGENCY_HEAD may not
    // archive either way).
    let message = refused(f.archive_as("ahead", json!({})).await, "R29-d");
    assert!(message.contains("档案管理"), "{message}");
    let coverage = district
        .services
        .archivist_coverage(&supervisor)
        .await
        .unwrap();
    assert!(
        coverage
            .iter()
            .find(|c| c.body.as_str() == common::BODY_A)
            .is_some_and(|c| c.missing())
    );
}

#[tokio::test]
async fn archive_deadline_is_thirty_calendar_days_after_closing_without_execution_i9() {
    let district = district().await;
    let mut walker = Walker::new(&district, "penalty_ordinary");
    walker.time = datetime!(2024-09-09 08:00 +8);
    walker.open("r8_initiation").await.unwrap();
    let case_id = walker.case_id.clone().unwrap();
    let uhead = district.ctx("uhead").await;
    district
        .services
        .add_record(
            &uhead,
            &case_id,
            RecordInput {
                record_type: "case_closure".into(),
                event_time: datetime!(2024-09-10 15:00 +8),
                event_end: None,
                data: map(json!({"reason": "撤销案件", "summary": "违法事实不能成立。", "opinion": "同意结案。"})),
                files: vec![],
                supersedes: None,
            },
        )
        .await
        .unwrap();
    let archive_row = |rows: &[liuhen_core::ports::DeadlineRow]| {
        rows.iter()
            .find(|r| r.key == "archive" && r.case_id.as_ref() == Some(&case_id))
            .cloned()
    };
    let rows = district
        .services
        .case_deadlines(&uhead, &case_id)
        .await
        .unwrap();
    let row = archive_row(&rows).expect("an archive deadline once the case is closed");
    // 日, not 工作日, and no roll-forward across the National Day holiday (R29-a, T3).
    assert_eq!(row.due, date!(2024 - 10 - 10));
    assert_eq!(row.met_on, None);
    let archivist = district.ctx("arch").await;
    let todo = district
        .services
        .todo(&archivist, date!(2024 - 10 - 11))
        .await
        .unwrap();
    assert!(
        todo.iter().any(|item| item.deadline.key == "archive"
            && item.deadline.case_id.as_ref() == Some(&case_id)),
        "the overdue archiving is on the archivist's to-do list: {todo:?}"
    );

    district
        .services
        .add_record(
            &archivist,
            &case_id,
            RecordInput {
                record_type: "r29_archive".into(),
                event_time: datetime!(2024-10-12 10:00 +8),
                event_end: None,
                data: map(
                    json!({"archive_no": "薛市监-2024-0003", "retention": "10年",
                    "volumes": 1, "pages": 8, "location": "档案室"}),
                ),
                files: vec![],
                supersedes: None,
            },
        )
        .await
        .unwrap();
    let rows = district
        .services
        .case_deadlines(&uhead, &case_id)
        .await
        .unwrap();
    assert_eq!(
        archive_row(&rows).and_then(|r| r.met_on),
        Some(date!(2024 - 10 - 12))
    );
    let todo = district
        .services
        .todo(&archivist, date!(2024 - 10 - 13))
        .await
        .unwrap();
    assert!(
        !todo.iter().any(|item| item.deadline.key == "archive"
            && item.deadline.case_id.as_ref() == Some(&case_id))
    );
}
