//! Case-file export and offline verification (issue 6 items 5–6): a real case built through
//! `Services`, exported, verified; then one tamper per kind, each detected and named.

mod support;

use std::io::{Cursor, Write};

use liuhen_casefile::format::{
    CATALOGUE_PATH, CATALOGUE_TEXT_PATH, CHECKPOINT_PATH, COVER_PATH, Catalogue, Cover,
    MANIFEST_PATH, media_path, proof_path, record_path,
};
use liuhen_casefile::report::{Code, Property};
use liuhen_casefile::verify::{Limits, TrustedKeys, verify_package};
use liuhen_core::error::CoreError;
use liuhen_core::ports::{AuditQuery, Store as _};
use liuhen_ledger::checkpoint::{Checkpoint, sign_checkpoint};
use liuhen_ledger::note::Note;
use support::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

#[tokio::test]
async fn exported_case_verifies_on_all_four_properties() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let report = verify(&bytes);
    assert!(report.ok(), "{}", report.render_text());
    for property in report.properties() {
        assert!(property.checked && property.ok, "{property:?}");
    }
    let catalogue: Catalogue =
        serde_json::from_slice(entry_mut(&mut entries(&bytes), CATALOGUE_PATH)).unwrap();
    assert_eq!(report.records, catalogue.items.len() as u64);
    assert!(report.records >= 10, "a full ordinary procedure");
    // The video is attached twice and stored once (content addressing).
    assert_eq!(report.media_files, 2);
    let names: Vec<String> = entries(&bytes).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        &names[..5],
        [
            MANIFEST_PATH,
            CHECKPOINT_PATH,
            COVER_PATH,
            CATALOGUE_PATH,
            CATALOGUE_TEXT_PATH
        ]
    );
    assert!(names.contains(&media_path(&fixture.attachments[0].sha256)));
}

#[tokio::test]
async fn catalogue_is_in_stage_order_with_consecutive_pages_and_cover_has_r29_b_items() {
    let fixture = fixture().await;
    let mut all = entries(&fixture.export().await);
    let catalogue: Catalogue = serde_json::from_slice(entry_mut(&mut all, CATALOGUE_PATH)).unwrap();
    let cover: Cover = serde_json::from_slice(entry_mut(&mut all, COVER_PATH)).unwrap();
    let position = |id: &str| catalogue.stages.iter().position(|s| s.id == id).unwrap();
    let stages: Vec<usize> = catalogue.items.iter().map(|i| position(&i.stage)).collect();
    assert!(stages.windows(2).all(|w| w[0] <= w[1]), "{stages:?}");
    assert!(
        stages.last() > stages.first(),
        "the case moved through stages"
    );
    let mut page = 1;
    for item in &catalogue.items {
        assert_eq!(item.page_from, page);
        page = item.page_to + 1;
    }
    assert_eq!(cover.pages, page - 1);
    assert_eq!(cover.case_number, catalogue.case_number);
    assert!(!cover.parties.is_empty(), "party as recorded");
    assert_eq!(cover.retention, "永久");
    assert!(cover.body_name.contains("市场监督管理局"));
    let text = String::from_utf8(entry_mut(&mut all, CATALOGUE_TEXT_PATH).clone()).unwrap();
    assert!(
        text.contains("序号\t阶段\t题名\t文号\t责任者\t日期\t页号\t备注"),
        "{text}"
    );
    assert!(text.contains(&cover.case_number));
}

#[tokio::test]
async fn two_exports_of_the_same_state_are_byte_identical() {
    let fixture = fixture().await;
    let first = fixture.export().await;
    let second = fixture.export().await;
    assert!(first == second, "exports differ");
}

#[tokio::test]
async fn export_is_audited_as_export() {
    let fixture = fixture().await;
    fixture.export().await;
    let entries = fixture
        .district
        .store
        .read_audit(&AuditQuery {
            object_prefix: Some(format!("case/{}/casefile", fixture.case_id)),
            user: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert!(
        entries.iter().any(|e| e.action == "export"
            && e.outcome == "ok"
            && e.user.as_ref().map(|u| u.as_str()) == Some("arch")),
        "{entries:?}"
    );
}

#[tokio::test]
async fn officer_of_another_body_cannot_export_and_the_attempt_is_audited() {
    let fixture = fixture().await;
    let err = fixture.export_as("offb").await.unwrap_err();
    assert!(
        matches!(
            err,
            liuhen_casefile::error::CasefileError::Core(CoreError::NotFound(_))
        ),
        "{err}"
    );
    let entries = fixture
        .district
        .store
        .read_audit(&AuditQuery {
            object_prefix: Some(format!("case/{}/casefile", fixture.case_id)),
            user: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "export" && e.outcome != "ok")
    );
}

#[tokio::test]
async fn media_that_differs_from_its_record_stops_the_export() {
    let mut fixture = fixture().await;
    let sha = fixture.attachments[1].sha256.clone();
    fixture
        .media
        .0
        .insert(sha.clone(), b"\xff\xd8\xff\xe0 other".to_vec());
    let err = fixture.export_as("arch").await.unwrap_err();
    assert!(
        matches!(&err, liuhen_casefile::error::CasefileError::MediaMismatch { sha256 } if *sha256 == sha),
        "{err}"
    );
}

#[tokio::test]
async fn missing_media_becomes_a_storage_reference_reported_as_a_warning() {
    let mut fixture = fixture().await;
    fixture.media.0.remove(&fixture.attachments[1].sha256);
    let bytes = fixture.export().await;
    let report = verify(&bytes);
    assert!(report.ok(), "{}", report.render_text());
    assert!(report.findings.iter().any(|f| f.code == Code::ExternalMedia
        && f.subject == media_path(&fixture.attachments[1].sha256)));
}

// ---- tamper tests: one per kind, each detected and named ----

/// Flips one byte in the middle of entry `name` and checks the finding.
fn check_flip(bytes: &[u8], name: &str, code: Code, subject: &str) {
    let tampered = tamper(bytes, |all| {
        let data = entry_mut(all, name);
        let middle = data.len() / 2;
        data[middle] ^= 0x01;
    });
    assert_named(&verify(&tampered), code, subject);
}

#[tokio::test]
async fn one_changed_byte_in_any_file_is_detected_and_named() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let video = media_path(&fixture.attachments[0].sha256);
    for name in [
        record_path(3),
        proof_path(2),
        video.clone(),
        COVER_PATH.to_owned(),
        CATALOGUE_PATH.to_owned(),
        CATALOGUE_TEXT_PATH.to_owned(),
    ] {
        check_flip(&bytes, &name, Code::Sha256Mismatch, &name);
        check_flip(&bytes, &name, Code::Sm3Mismatch, &name);
    }
    check_flip(
        &bytes,
        &record_path(3),
        Code::RecordHashMismatch,
        &record_path(3),
    );
    check_flip(&bytes, MANIFEST_PATH, Code::ManifestNotBound, MANIFEST_PATH);
    check_flip(
        &bytes,
        CHECKPOINT_PATH,
        Code::CheckpointSignature,
        CHECKPOINT_PATH,
    );
}

#[tokio::test]
async fn a_changed_byte_in_the_zip_container_is_detected_and_names_the_entry() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    // The video is stored uncompressed: find its bytes in the container and flip one.
    let needle = b"ftypmp42 body camera";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    let mut tampered = bytes.clone();
    tampered[at + 3] ^= 0x20;
    let video = media_path(&fixture.attachments[0].sha256);
    assert_named(&verify(&tampered), Code::UnreadableEntry, &video);
}

#[tokio::test]
async fn a_dropped_record_is_named() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let tampered = tamper(&bytes, |all| all.retain(|(n, _)| *n != record_path(4)));
    assert_named(&verify(&tampered), Code::MissingFile, &record_path(4));
}

#[tokio::test]
async fn reordered_records_are_named() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let tampered = tamper(&bytes, |all| {
        let a = entry_mut(all, &record_path(2)).clone();
        let b = entry_mut(all, &record_path(3)).clone();
        *entry_mut(all, &record_path(2)) = b;
        *entry_mut(all, &record_path(3)) = a;
    });
    let report = verify(&tampered);
    for name in [record_path(2), record_path(3)] {
        assert_named(&report, Code::RecordHashMismatch, &name);
        assert_named(&report, Code::SequenceGap, &name);
    }
}

#[tokio::test]
async fn swapped_proofs_are_named() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let tampered = tamper(&bytes, |all| {
        let a = entry_mut(all, &proof_path(5)).clone();
        let b = entry_mut(all, &proof_path(6)).clone();
        *entry_mut(all, &proof_path(5)) = b;
        *entry_mut(all, &proof_path(6)) = a;
    });
    let report = verify(&tampered);
    for name in [proof_path(5), proof_path(6)] {
        assert_named(&report, Code::ProofMismatch, &name);
    }
}

#[tokio::test]
async fn checkpoint_signed_by_another_key_is_refused() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let tampered = tamper(&bytes, |all| {
        let note = Note::parse(entry_mut(all, CHECKPOINT_PATH)).unwrap();
        let checkpoint = Checkpoint::parse(note.text()).unwrap();
        let forged = sign_checkpoint(&checkpoint, &[&other_signer()]).unwrap();
        *entry_mut(all, CHECKPOINT_PATH) = forged.into_bytes();
    });
    let report = verify(&tampered);
    assert_named(&report, Code::CheckpointSignature, CHECKPOINT_PATH);
    assert!(!report.properties()[0].ok, "真实性 fails");
}

#[tokio::test]
async fn an_unlisted_file_is_named() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let extra = media_path(&"ab".repeat(32));
    let tampered = tamper(&bytes, |all| {
        all.push((extra.clone(), b"smuggled".to_vec()))
    });
    assert_named(&verify(&tampered), Code::UnlistedFile, &extra);
}

#[tokio::test]
async fn without_a_trusted_key_authenticity_fails_and_package_keys_need_opt_in() {
    let fixture = fixture().await;
    let bytes = fixture.export().await;
    let none = verify_package(
        Cursor::new(&bytes),
        &TrustedKeys::default(),
        &Limits::default(),
    );
    assert_named(&none, Code::CheckpointSignature, CHECKPOINT_PATH);
    let opt_in = TrustedKeys {
        keys: vec![],
        use_package_keys: true,
    };
    let report = verify_package(Cursor::new(&bytes), &opt_in, &Limits::default());
    assert!(report.ok(), "{}", report.render_text());
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::PackageKeysTrusted && f.property == Property::Authenticity)
    );
}

// ---- hostile packages: refused before any content is read ----

fn hostile(build: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    build(&mut zip);
    zip.finish().unwrap().into_inner()
}

fn check_refused(bytes: &[u8], code: Code, subject: &str) {
    let report = verify(bytes);
    assert!(report.refused, "{}", report.render_text());
    assert_named(&report, code, subject);
    let properties = report.properties();
    assert!(!properties[3].ok, "安全性 fails");
    assert!(!properties[1].checked, "content not read");
}

#[test]
fn zip_bomb_entry_is_refused_by_ratio() {
    let name = media_path(&"cd".repeat(32));
    let bytes = hostile(|zip| {
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file(name.as_str(), options).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..8 {
            zip.write_all(&zeros).unwrap();
        }
    });
    check_refused(&bytes, Code::CompressionRatio, &name);
}

#[test]
fn entry_inflating_beyond_its_declared_size_is_refused() {
    let name = record_path(1);
    let mut bytes = hostile(|zip| {
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(&vec![b'x'; 200_000]).unwrap();
    });
    // Patch the declared uncompressed size (local header offset 22, central header offset 24)
    // from 200,000 down to 1,000.
    let declared = 200_000u32.to_le_bytes();
    let mut patched = 0;
    for idx in 0..bytes.len().saturating_sub(4) {
        if bytes[idx..idx + 4] == declared {
            bytes[idx..idx + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
    }
    assert!(patched >= 2);
    let report = verify(&bytes);
    assert_named(&report, Code::UnreadableEntry, &name);
}

#[test]
fn huge_declared_entry_is_refused() {
    let name = CATALOGUE_PATH;
    let bytes = hostile(|zip| {
        zip.start_file(
            name,
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
        )
        .unwrap();
        zip.write_all(&[b' '; 4096]).unwrap();
    });
    let limits = Limits {
        max_document_bytes: 1024,
        ..Limits::default()
    };
    let report = verify_package(Cursor::new(&bytes), &trusted(), &limits);
    assert!(report.refused);
    assert_named(&report, Code::EntryTooLarge, name);
}

#[test]
fn dot_dot_path_is_refused() {
    let bytes = hostile(|zip| {
        zip.start_file("../evil", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"x").unwrap();
    });
    check_refused(&bytes, Code::UnsafePath, "../evil");
}

#[test]
fn absolute_path_is_refused() {
    let bytes = hostile(|zip| {
        zip.start_file("/tmp/evil", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"x").unwrap();
    });
    check_refused(&bytes, Code::UnsafePath, "/tmp/evil");
}

#[test]
fn symlink_entry_is_refused() {
    let bytes = hostile(|zip| {
        zip.add_symlink(record_path(1), "/etc/passwd", SimpleFileOptions::default())
            .unwrap();
    });
    check_refused(&bytes, Code::Symlink, &record_path(1));
}

#[test]
fn directory_entry_is_refused() {
    let bytes = hostile(|zip| {
        zip.add_directory("records/", SimpleFileOptions::default())
            .unwrap();
    });
    check_refused(&bytes, Code::DirectoryEntry, "records/");
}

#[test]
fn too_many_entries_are_refused() {
    let bytes = hostile(|zip| {
        for seq in 1..=20 {
            zip.start_file(record_path(seq), SimpleFileOptions::default())
                .unwrap();
        }
    });
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let report = verify_package(Cursor::new(&bytes), &trusted(), &limits);
    assert!(report.refused);
    assert_named(&report, Code::TooManyEntries, "package");
}

#[test]
fn not_a_zip_is_refused() {
    let report = verify(b"PK\x03\x04 definitely not a zip");
    assert!(report.refused);
    assert_named(&report, Code::NotAZip, "package");
}

#[test]
fn empty_zip_fails_naming_the_missing_parts() {
    let bytes = hostile(|_| {});
    let report = verify(&bytes);
    assert_named(&report, Code::MissingPart, MANIFEST_PATH);
    assert_named(&report, Code::MissingPart, CHECKPOINT_PATH);
}

// ---- property: no byte flip anywhere makes the verifier panic or pass a changed document ----

fn package() -> &'static Vec<u8> {
    static PACKAGE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PACKAGE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async { fixture().await.export().await })
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    #[test]
    fn a_flipped_byte_never_panics_and_a_changed_entry_never_passes(
        position in 0usize..1_000_000,
        mask in 1u8..=255,
    ) {
        let original = package();
        let mut tampered = original.clone();
        let at = position % tampered.len();
        tampered[at] ^= mask;
        let report = verify(&tampered);
        if report.ok() {
            // Only bytes outside every entry's content may change without notice (ZIP metadata
            // such as "version made by"); the content read must then be exactly the original.
            proptest::prop_assert_eq!(entries(original), entries(&tampered));
        }
    }
}
