//! Shared fixtures: a case built through `Services` on a `MemoryStore` (the core's harness, which
//! walks the rule set's procedures), an in-memory media source, and ZIP rewriting helpers for
//! tamper tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use liuhen_casefile::digest::DualHasher;
use liuhen_casefile::report::{Code, Report};
use liuhen_casefile::verify::{Limits, TrustedKeys, verify_package};
use liuhen_casefile::write::{ExportOptions, LogSigning, MediaSource, prepare};
use liuhen_core::ids::CaseId;
use liuhen_core::record::FileRef;
use liuhen_ledger::signer::Sm2Signer;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

#[path = "../../../core/tests/common/mod.rs"]
pub mod common;

use common::{District, Walker};

pub const ORIGIN: &str = "test.example/xc-log";

/// The log's checkpoint key (fixed, so exports are reproducible).
pub fn signer() -> Sm2Signer {
    Sm2Signer::from_secret_bytes(ORIGIN, &[0x5a; 32]).unwrap()
}

/// Another key with the same name: a forged checkpoint.
pub fn other_signer() -> Sm2Signer {
    Sm2Signer::from_secret_bytes(ORIGIN, &[0x3c; 32]).unwrap()
}

/// Blobs in memory, addressed by SHA-256.
#[derive(Default, Clone)]
pub struct MemoryMedia(pub HashMap<String, Vec<u8>>);

impl MemoryMedia {
    /// Stores `bytes` and returns the record's reference to it.
    pub fn add(&mut self, name: &str, media_type: &str, bytes: Vec<u8>) -> FileRef {
        let digest = DualHasher::of(&bytes);
        self.0.insert(digest.sha256.clone(), bytes);
        FileRef {
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size: digest.size,
            sha256: digest.sha256,
            sm3: digest.sm3,
        }
    }
}

#[async_trait::async_trait]
impl MediaSource for MemoryMedia {
    async fn contains(&self, sha256: &str) -> std::io::Result<bool> {
        Ok(self.0.contains_key(sha256))
    }

    fn open(&self, sha256: &str) -> std::io::Result<Box<dyn Read + Send + '_>> {
        let bytes = self
            .0
            .get(sha256)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
        Ok(Box::new(bytes.as_slice()))
    }
}

/// A district with one ordinary-procedure penalty case walked to its end, with two A/V records
/// carrying files (one of them attached twice, stored once).
pub struct Fixture {
    pub district: District,
    pub case_id: CaseId,
    pub media: MemoryMedia,
    pub attachments: Vec<FileRef>,
}

pub async fn fixture() -> Fixture {
    let district = common::district().await;
    let mut media = MemoryMedia::default();
    let video = media.add(
        "现场执法记录.mp4",
        "video/mp4",
        b"\x00\x00\x00\x18ftypmp42 body camera".repeat(300),
    );
    let photo = media.add(
        "现场照片.jpg",
        "image/jpeg",
        b"\xff\xd8\xff\xe0 photo".to_vec(),
    );
    let case_id = {
        let mut walker = Walker::new(&district, "penalty_ordinary");
        let start = walker.procedure.start[0].clone();
        walker.open(&start).await.unwrap();
        for files in [vec![video.clone(), photo.clone()], vec![video.clone()]] {
            let spec = walker.spec("av_record");
            let mut input = walker.input("av_record").await;
            input.files = files;
            walker.add_input(&spec, input).await.unwrap();
        }
        for stage in walker.procedure.stages.clone() {
            for mandatory in &stage.mandatory {
                walker.ensure(mandatory).await.unwrap();
            }
        }
        walker.case_id.clone().unwrap()
    };
    Fixture {
        district,
        case_id,
        media,
        attachments: vec![video, photo],
    }
}

impl Fixture {
    /// Exports the case as `user` and returns the package bytes.
    pub async fn export_as(
        &self,
        user: &str,
    ) -> Result<Vec<u8>, liuhen_casefile::error::CasefileError> {
        let ctx = self.district.ctx(user).await;
        let signer = signer();
        let verifier_key = signer.verifier_key();
        let signing = LogSigning {
            origin: ORIGIN,
            signers: &[&signer],
            verifier_keys: std::slice::from_ref(&verifier_key),
        };
        let case_file = prepare(
            &self.district.services,
            &ctx,
            &self.case_id,
            &signing,
            &self.media,
            &ExportOptions::default(),
        )
        .await?;
        case_file.write(Vec::new(), &self.media)
    }

    pub async fn export(&self) -> Vec<u8> {
        self.export_as("arch").await.unwrap()
    }
}

pub fn trusted() -> TrustedKeys {
    TrustedKeys {
        keys: vec![signer().verifier_key()],
        use_package_keys: false,
    }
}

pub fn verify(bytes: &[u8]) -> Report {
    verify_package(Cursor::new(bytes), &trusted(), &Limits::default())
}

/// The entries of a package, in order.
pub fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|idx| {
            let mut file = archive.by_index(idx).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Re-packs entries (as an attacker with a ZIP tool would).
pub fn pack(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Applies `change` to the entries and re-packs.
pub fn tamper(bytes: &[u8], change: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut all = entries(bytes);
    change(&mut all);
    pack(&all)
}

pub fn entry_mut<'a>(all: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut all
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no entry {name}"))
        .1
}

/// Asserts that verification fails with `code` naming `subject`.
pub fn assert_named(report: &Report, code: Code, subject: &str) {
    assert!(
        !report.ok(),
        "tampered package passed:\n{}",
        report.render_text()
    );
    assert!(
        report.fails(code, subject),
        "expected {code:?} on {subject}, got:\n{}",
        report.render_text()
    );
}
