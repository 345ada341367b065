//! Offline verification of a case-file package (issue 6 item 6): [`verify_package`] reads the ZIP
//! once, streaming, straight from the reader — nothing is extracted to disk, so a hostile name
//! cannot write anywhere — and reports every problem under the four properties (档案 四性).
//!
//! The order is deliberate. First the *structure* is checked from the central directory alone
//! (names against the format's grammar, links, duplicates, overlaps, encryption, methods, declared
//! sizes and ratios against [`Limits`]); any problem there refuses the package before one byte
//! of content is inflated. Then every entry is read once with a hard cap of its declared size
//! (an entry that inflates to more is refused, whatever it declares) and hashed with SHA-256 and
//! SM3; documents are kept in memory (each capped at [`Limits::max_document_bytes`]), media only
//! hashed. Last, the documents are checked against each other and against the signed checkpoint.
//!
//! What success shows: the records in the package are exactly the ones the log held at the
//! checkpoint's size, in their stream order with no gap between the first and the last, and
//! every packaged file is the one the records commit to. It does NOT show that no record was
//! added to the case after the last one packaged (compare with a later checkpoint or the body's
//! 执法台账, R26-a), nor that the log did not fork (needs a consistency proof from a checkpoint
//! you already trust, docs/formats/proof.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek};

use liuhen_core::record::Record;
use liuhen_ledger::checkpoint::{Checkpoint, open_checkpoint};
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::note::{Note, Require};
use liuhen_ledger::proof::InclusionProof;
use liuhen_ledger::signer::{Verifiers, key_from_file_contents, parse_verifier_key};
use zip::{CompressionMethod, ZipArchive};

use crate::digest::{DualDigest, DualHasher};
use crate::format::{
    CATALOGUE_FORMAT, CATALOGUE_PATH, CATALOGUE_TEXT_PATH, CHECKPOINT_PATH, COVER_FORMAT,
    COVER_PATH, Catalogue, Cover, EntryName, FORMAT, MANIFEST_EXTENSION, MANIFEST_PATH, Manifest,
    ManifestFile, manifest_extension, media_path, proof_path, record_path,
};
use crate::report::{Code, Property, Report};

/// Bounds on what a package may make the verifier do. The defaults allow a case of a million
/// records and terabytes of media while keeping memory to a few hundred MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the archive.
    pub max_entries: usize,
    /// Uncompressed size of one media entry.
    pub max_entry_bytes: u64,
    /// Uncompressed size of one document (JSON, text, key); documents are held in memory.
    pub max_document_bytes: u64,
    /// Uncompressed size of all documents together.
    pub max_documents_total: u64,
    /// Uncompressed size of all entries together.
    pub max_total_bytes: u64,
    /// Largest uncompressed/compressed ratio of an entry above [`Limits::ratio_floor`] bytes.
    pub max_ratio: u64,
    /// Entries up to this size are exempt from the ratio check (tiny files compress oddly).
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 1_000_000,
            max_entry_bytes: 256 << 30,
            max_document_bytes: 64 << 20,
            max_documents_total: 1 << 30,
            max_total_bytes: 4 << 40,
            max_ratio: 100,
            ratio_floor: 1 << 20,
        }
    }
}

/// Which keys the verifier trusts for the checkpoint signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedKeys {
    /// Verifier keys (`name+keyid+base64`, docs/formats/checkpoint.md §3), obtained out of band
    /// (the portal, the body's published key).
    pub keys: Vec<String>,
    /// Also trust the keys shipped in `keys/`. They prove nothing about who signed — anyone can
    /// ship a key — so this is reported as a warning under 真实性.
    pub use_package_keys: bool,
}

/// Upper bound of one read from an entry.
const READ_CHUNK: usize = 256 * 1024;

struct EntryInfo {
    name: String,
    kind: EntryName,
}

struct ReadEntry {
    digest: DualDigest,
    /// Content of documents (not media).
    bytes: Option<Vec<u8>>,
}

/// Verifies a package read from `reader` against `trust`, within `limits`. Never fails and never
/// panics: every problem is a finding of the returned [`Report`]; `report.ok()` is the verdict.
pub fn verify_package<R: Read + Seek>(reader: R, trust: &TrustedKeys, limits: &Limits) -> Report {
    let mut report = Report::default();
    let mut archive = match ZipArchive::new(reader) {
        Ok(archive) => archive,
        Err(err) => {
            report.refused = true;
            report.fail(
                Property::Integrity,
                Code::NotAZip,
                "package",
                format!("不是可读取的 ZIP 文件：{err}"),
                format!("not a readable ZIP archive: {err}"),
            );
            return report;
        }
    };
    let Some(entries) = check_structure(&mut archive, limits, &mut report) else {
        report.refused = true;
        return report;
    };
    let contents = read_entries(&mut archive, &entries, limits, &mut report);
    check_content(&entries, &contents, trust, &mut report);
    report
}

/// Structure from the central directory only. Returns `None` (refuse) on any unsafe entry.
fn check_structure<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    limits: &Limits,
    report: &mut Report,
) -> Option<Vec<EntryInfo>> {
    let count = archive.len();
    if count > limits.max_entries {
        report.fail(
            Property::Security,
            Code::TooManyEntries,
            "package",
            format!("条目数 {count} 超过上限 {}", limits.max_entries),
            format!("{count} entries exceed the limit of {}", limits.max_entries),
        );
        return None;
    }
    let before = report.findings.len();
    if archive.has_duplicate_names() {
        report.fail(
            Property::Security,
            Code::DuplicateName,
            "package",
            "存在重名条目",
            "entries with duplicate names",
        );
    }
    match archive.has_overlapping_entries() {
        Ok(false) => {}
        Ok(true) => report.fail(
            Property::Security,
            Code::OverlappingEntries,
            "package",
            "条目数据相互重叠（压缩炸弹构造）",
            "entries overlap (a zip-bomb construction)",
        ),
        Err(err) => report.fail(
            Property::Security,
            Code::OverlappingEntries,
            "package",
            format!("无法检查条目范围：{err}"),
            format!("cannot check entry ranges: {err}"),
        ),
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(count);
    let mut total: u64 = 0;
    let mut documents: u64 = 0;
    for idx in 0..count {
        let entry = match archive.by_index_data(idx) {
            Ok(entry) => entry,
            Err(err) => {
                report.fail(
                    Property::Security,
                    Code::UnreadableEntry,
                    format!("entry #{idx}"),
                    format!("条目元数据无法读取：{err}"),
                    format!("entry metadata unreadable: {err}"),
                );
                continue;
            }
        };
        let raw = entry.name_raw();
        let Ok(name) = std::str::from_utf8(raw) else {
            report.fail(
                Property::Security,
                Code::UnsafePath,
                format!("entry #{idx}"),
                "条目名不是 UTF-8",
                "entry name is not UTF-8",
            );
            continue;
        };
        let subject: String = name.chars().take(200).collect();
        if !seen.insert(name.to_owned()) {
            report.fail(
                Property::Security,
                Code::DuplicateName,
                &subject,
                "重名条目",
                "duplicate entry name",
            );
            continue;
        }
        if entry.is_dir() {
            report.fail(
                Property::Security,
                Code::DirectoryEntry,
                &subject,
                "目录条目（本格式不含目录条目）",
                "directory entry (the format has none)",
            );
            continue;
        }
        let mode_type = entry.unix_mode().map_or(0, |mode| mode & 0o170_000);
        if entry.is_symlink() || (mode_type != 0 && mode_type != 0o100_000) {
            report.fail(
                Property::Security,
                Code::Symlink,
                &subject,
                "符号链接或特殊文件条目，拒绝",
                "symbolic link or special file entry, refused",
            );
            continue;
        }
        let Some(kind) = EntryName::parse(name) else {
            report.fail(
                Property::Security,
                Code::UnsafePath,
                &subject,
                "条目名不符合案卷格式（可能含 ..、绝对路径或未知文件）",
                "entry name outside the format's grammar (`..`, absolute or unknown path)",
            );
            continue;
        };
        if entry.encrypted() {
            report.fail(
                Property::Security,
                Code::Encrypted,
                &subject,
                "加密条目",
                "encrypted entry",
            );
            continue;
        }
        if !matches!(
            entry.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            report.fail(
                Property::Security,
                Code::UnsupportedCompression,
                &subject,
                "不支持的压缩方法（只接受存储或 DEFLATE）",
                "unsupported compression method (only stored or DEFLATE)",
            );
            continue;
        }
        let size = entry.size();
        let compressed = entry.compressed_size();
        let is_media = matches!(kind, EntryName::Media(_));
        let cap = if is_media {
            limits.max_entry_bytes
        } else {
            limits.max_document_bytes
        };
        if size > cap {
            report.fail(
                Property::Security,
                Code::EntryTooLarge,
                &subject,
                format!("声明大小 {size} 字节超过上限 {cap}"),
                format!("declared size {size} bytes exceeds the limit of {cap}"),
            );
            continue;
        }
        if size > limits.ratio_floor && size / compressed.max(1) > limits.max_ratio {
            report.fail(
                Property::Security,
                Code::CompressionRatio,
                &subject,
                format!("压缩比 {size}/{compressed} 超过上限 {}", limits.max_ratio),
                format!(
                    "compression ratio {size}/{compressed} exceeds {}",
                    limits.max_ratio
                ),
            );
            continue;
        }
        total = total.saturating_add(size);
        if !is_media {
            documents = documents.saturating_add(size);
        }
        out.push(EntryInfo {
            name: name.to_owned(),
            kind,
        });
    }
    if total > limits.max_total_bytes || documents > limits.max_documents_total {
        report.fail(
            Property::Security,
            Code::TotalTooLarge,
            "package",
            format!("解压后总大小 {total} 字节超过上限"),
            format!("total uncompressed size {total} bytes exceeds the limit"),
        );
    }
    (report.findings.len() == before).then_some(out)
}

/// Reads every entry once, capped at its declared size, hashing it.
fn read_entries<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    entries: &[EntryInfo],
    limits: &Limits,
    report: &mut Report,
) -> BTreeMap<String, ReadEntry> {
    let mut out = BTreeMap::new();
    let mut buffer = vec![0u8; READ_CHUNK];
    for (idx, info) in entries.iter().enumerate() {
        let keep = !matches!(info.kind, EntryName::Media(_));
        match read_one(archive, idx, keep, limits, &mut buffer) {
            Ok(entry) => {
                report.bytes = report.bytes.saturating_add(entry.digest.size);
                out.insert(info.name.clone(), entry);
            }
            Err((zh, en)) => report.fail(
                Property::Integrity,
                Code::UnreadableEntry,
                &info.name,
                zh,
                en,
            ),
        }
    }
    out
}

fn read_one<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    idx: usize,
    keep: bool,
    limits: &Limits,
    buffer: &mut [u8],
) -> Result<ReadEntry, (String, String)> {
    let mut file = archive.by_index(idx).map_err(|err| {
        (
            format!("无法打开条目：{err}"),
            format!("cannot open entry: {err}"),
        )
    })?;
    let declared = file.size();
    let cap = if keep {
        limits.max_document_bytes
    } else {
        limits.max_entry_bytes
    };
    let mut hasher = DualHasher::new();
    let mut bytes = keep.then(|| Vec::with_capacity(declared.min(1 << 20) as usize));
    loop {
        let n = match file.read(buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => {
                return Err((
                    format!("读取失败（CRC 或解压错误）：{err}"),
                    format!("read failed (CRC or inflate error): {err}"),
                ));
            }
        };
        let chunk = buffer.get(..n).unwrap_or_default();
        hasher.update(chunk);
        // Refuse as soon as an entry yields more than it declared or than the cap: a bomb is
        // stopped after at most one chunk beyond the limit.
        if hasher.size() > declared || hasher.size() > cap {
            return Err((
                format!("解压后超过声明大小 {declared} 字节，拒绝"),
                format!("inflates beyond its declared {declared} bytes, refused"),
            ));
        }
        if let Some(bytes) = bytes.as_mut() {
            bytes.extend_from_slice(chunk);
        }
    }
    Ok(ReadEntry {
        digest: hasher.finish(),
        bytes,
    })
}

fn parse_json<T: serde::de::DeserializeOwned>(
    path: &str,
    contents: &BTreeMap<String, ReadEntry>,
    report: &mut Report,
) -> Option<T> {
    let Some(entry) = contents.get(path) else {
        report.fail(
            Property::Usability,
            Code::MissingPart,
            path,
            "缺少此部分",
            "part missing",
        );
        return None;
    };
    let bytes = entry.bytes.as_deref().unwrap_or_default();
    match serde_json::from_slice(bytes) {
        Ok(value) => Some(value),
        Err(err) => {
            report.fail(
                Property::Usability,
                Code::Unparseable,
                path,
                format!("无法解析：{err}"),
                format!("cannot parse: {err}"),
            );
            None
        }
    }
}

fn check_content(
    entries: &[EntryInfo],
    contents: &BTreeMap<String, ReadEntry>,
    trust: &TrustedKeys,
    report: &mut Report,
) {
    let manifest: Option<Manifest> = parse_json(MANIFEST_PATH, contents, report);
    if let Some(manifest) = &manifest {
        report.case_id = Some(manifest.case_id.clone());
        report.case_number = Some(manifest.case_number.clone());
        if manifest.format != FORMAT {
            report.fail(
                Property::Usability,
                Code::UnknownFormat,
                MANIFEST_PATH,
                format!("格式 {:?} 不是 {FORMAT}", manifest.format),
                format!("format {:?} is not {FORMAT}", manifest.format),
            );
            return;
        }
    }
    let checkpoint = check_checkpoint(contents, trust, report);
    let Some(manifest) = manifest else { return };
    let Some(checkpoint) = checkpoint else { return };
    report.checkpoint = Some((checkpoint.origin().to_owned(), checkpoint.size()));

    // The manifest is bound to the signed checkpoint by its extension line.
    let manifest_digest = contents
        .get(MANIFEST_PATH)
        .map(|entry| entry.digest.clone())
        .unwrap_or_else(|| DualHasher::of(&[]));
    let expected = manifest_extension(
        &manifest.case_id,
        &manifest_digest.sha256,
        &manifest_digest.sm3,
    );
    let bound: Vec<&String> = checkpoint
        .extensions()
        .iter()
        .filter(|line| line.starts_with(MANIFEST_EXTENSION))
        .collect();
    if bound.len() != 1 || bound[0] != &expected {
        report.fail(
            Property::Authenticity,
            Code::ManifestNotBound,
            MANIFEST_PATH,
            "清单的哈希与签名检查点中记载的不符，清单被改动",
            "the manifest's hashes differ from those the signed checkpoint commits to: the manifest was altered",
        );
    }
    if manifest.log.origin != checkpoint.origin()
        || manifest.log.size != checkpoint.size()
        || manifest.log.root != hex::encode(checkpoint.root())
    {
        report.fail(
            Property::Authenticity,
            Code::CheckpointMismatch,
            MANIFEST_PATH,
            "清单中的日志名称、大小或根哈希与检查点不符",
            "the manifest's log origin, size or root differs from the checkpoint",
        );
    }
    let profile: HashProfile = match manifest.hash_profile.parse() {
        Ok(profile) => profile,
        Err(_) => {
            report.fail(
                Property::Usability,
                Code::UnknownFormat,
                MANIFEST_PATH,
                format!("未知哈希算法 {:?}", manifest.hash_profile),
                format!("unknown hash profile {:?}", manifest.hash_profile),
            );
            return;
        }
    };

    check_files_against_manifest(entries, contents, &manifest, report);

    let catalogue: Option<Catalogue> = parse_json(CATALOGUE_PATH, contents, report);
    let cover: Option<Cover> = parse_json(COVER_PATH, contents, report);
    if !contents.contains_key(CATALOGUE_TEXT_PATH) {
        report.fail(
            Property::Usability,
            Code::MissingPart,
            CATALOGUE_TEXT_PATH,
            "缺少可打印的卷内目录（R29-b）",
            "the printable table of contents is missing (R29-b)",
        );
    }
    report.media_files = entries
        .iter()
        .filter(|e| matches!(e.kind, EntryName::Media(_)))
        .count() as u64;
    if let Some(catalogue) = &catalogue {
        check_catalogue(catalogue, contents, &manifest, &checkpoint, profile, report);
    }
    if let Some(cover) = &cover {
        check_cover(cover, catalogue.as_ref(), &manifest, report);
    }
}

fn check_checkpoint(
    contents: &BTreeMap<String, ReadEntry>,
    trust: &TrustedKeys,
    report: &mut Report,
) -> Option<Checkpoint> {
    let Some(entry) = contents.get(CHECKPOINT_PATH) else {
        report.fail(
            Property::Authenticity,
            Code::MissingPart,
            CHECKPOINT_PATH,
            "缺少签名检查点",
            "the signed checkpoint is missing",
        );
        return None;
    };
    let note_bytes = entry.bytes.as_deref().unwrap_or_default();
    let mut verifiers = Verifiers::new();
    for key in &trust.keys {
        let added = parse_verifier_key(key.trim())
            .map_err(|err| err.to_string())
            .and_then(|v| verifiers.add(Box::new(v)).map_err(|err| err.to_string()));
        if let Err(err) = added {
            report.fail(
                Property::Authenticity,
                Code::CheckpointSignature,
                "trusted keys",
                format!("信任的公钥无效：{err}"),
                format!("a trusted verifier key is invalid: {err}"),
            );
        }
    }
    if trust.use_package_keys {
        for (name, entry) in contents.range("keys/".to_owned()..) {
            if !name.starts_with("keys/") {
                break;
            }
            let text = String::from_utf8_lossy(entry.bytes.as_deref().unwrap_or_default());
            let parsed = key_from_file_contents(&text)
                .map_err(|err| err.to_string())
                .and_then(|key| parse_verifier_key(key).map_err(|err| err.to_string()));
            match parsed {
                Ok(verifier) => {
                    // A package key equal to a trusted one is already there; that is fine.
                    let _ = verifiers.add(Box::new(verifier));
                    report.warn(
                        Property::Authenticity,
                        Code::PackageKeysTrusted,
                        name,
                        "按要求信任了包内附带的公钥；附带的公钥不能证明签名者身份，请与发布的公钥核对",
                        "trusting a key shipped in the package, as asked; a shipped key proves nothing about the signer: compare it with the published key",
                    );
                }
                Err(err) => report.fail(
                    Property::Usability,
                    Code::Unparseable,
                    name,
                    format!("公钥文件无效：{err}"),
                    format!("invalid key file: {err}"),
                ),
            }
        }
    }
    if verifiers.is_empty() {
        report.fail(
            Property::Authenticity,
            Code::CheckpointSignature,
            CHECKPOINT_PATH,
            "未提供可信公钥，无法验证检查点签名（用 --key 指定发布的公钥）",
            "no trusted key given, the checkpoint signature cannot be verified (pass the published key with --key)",
        );
    } else if let Err(err) = open_checkpoint(note_bytes, &verifiers, Require::AnyKey) {
        report.fail(
            Property::Authenticity,
            Code::CheckpointSignature,
            CHECKPOINT_PATH,
            format!("检查点签名未通过可信公钥验证：{err}"),
            format!("the checkpoint is not validly signed by a trusted key: {err}"),
        );
    }
    // Parse without trusting it, so the remaining checks can still name what else is wrong.
    match Note::parse(note_bytes).and_then(|note| Checkpoint::parse(note.text())) {
        Ok(checkpoint) => Some(checkpoint),
        Err(err) => {
            report.fail(
                Property::Usability,
                Code::Unparseable,
                CHECKPOINT_PATH,
                format!("检查点无法解析：{err}"),
                format!("cannot parse the checkpoint: {err}"),
            );
            None
        }
    }
}

fn check_files_against_manifest(
    entries: &[EntryInfo],
    contents: &BTreeMap<String, ReadEntry>,
    manifest: &Manifest,
    report: &mut Report,
) {
    let mut listed: BTreeMap<&str, &ManifestFile> = BTreeMap::new();
    for file in &manifest.files {
        if listed.insert(file.path.as_str(), file).is_some() {
            report.fail(
                Property::Integrity,
                Code::DuplicateName,
                MANIFEST_PATH,
                format!("清单重复列出 {}", file.path),
                format!("the manifest lists {} twice", file.path),
            );
        }
    }
    for info in entries {
        if matches!(info.kind, EntryName::Manifest | EntryName::Checkpoint) {
            continue;
        }
        let Some(file) = listed.get(info.name.as_str()) else {
            report.fail(
                Property::Integrity,
                Code::UnlistedFile,
                &info.name,
                "文件未列入清单",
                "file not listed in the manifest",
            );
            continue;
        };
        // An unreadable entry was reported when it was read.
        let Some(entry) = contents.get(&info.name) else {
            continue;
        };
        let digest = &entry.digest;
        if digest.size != file.size {
            report.fail(
                Property::Integrity,
                Code::SizeMismatch,
                &info.name,
                format!("大小 {} 与清单的 {} 不符", digest.size, file.size),
                format!(
                    "size {} differs from the manifest's {}",
                    digest.size, file.size
                ),
            );
        }
        if digest.sha256 != file.sha256 {
            report.fail(
                Property::Integrity,
                Code::Sha256Mismatch,
                &info.name,
                "SHA-256 与清单不符，文件被改动",
                "SHA-256 differs from the manifest: the file was altered",
            );
        }
        if digest.sm3 != file.sm3 {
            report.fail(
                Property::Integrity,
                Code::Sm3Mismatch,
                &info.name,
                "SM3 与清单不符，文件被改动",
                "SM3 differs from the manifest: the file was altered",
            );
        }
    }
    let present: BTreeSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    for path in listed.keys() {
        if !present.contains(path) {
            report.fail(
                Property::Integrity,
                Code::MissingFile,
                *path,
                "清单列出的文件缺失",
                "file listed in the manifest is missing",
            );
        }
    }
}

fn check_catalogue(
    catalogue: &Catalogue,
    contents: &BTreeMap<String, ReadEntry>,
    manifest: &Manifest,
    checkpoint: &Checkpoint,
    profile: HashProfile,
    report: &mut Report,
) {
    if catalogue.format != CATALOGUE_FORMAT {
        report.fail(
            Property::Usability,
            Code::UnknownFormat,
            CATALOGUE_PATH,
            format!("格式 {:?} 不是 {CATALOGUE_FORMAT}", catalogue.format),
            format!("format {:?} is not {CATALOGUE_FORMAT}", catalogue.format),
        );
        return;
    }
    if catalogue.case_id != manifest.case_id || catalogue.case_number != manifest.case_number {
        report.fail(
            Property::Integrity,
            Code::CaseMismatch,
            CATALOGUE_PATH,
            "卷内目录的案件与清单不符",
            "the catalogue names another case than the manifest",
        );
    }
    let stream = format!("case/{}", manifest.case_id);
    let root = Hash::from_bytes(checkpoint.root());
    let media: BTreeMap<&str, &ManifestFile> = manifest
        .files
        .iter()
        .filter(|f| f.path.starts_with("media/"))
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut prev_hash: Option<String> = None;
    let mut prev_stage: Option<usize> = None;
    let mut prev_page: u64 = 0;
    let mut catalogued: BTreeSet<String> = BTreeSet::new();
    let mut labelled = 0u64;
    for (idx, item) in catalogue.items.iter().enumerate() {
        let expected_seq = idx as u64 + 1;
        let label = format!("catalogue.json 件号 {}", item.item);
        if item.item != expected_seq {
            report.fail(
                Property::Usability,
                Code::CatalogueMismatch,
                &label,
                format!("件号应为 {expected_seq}"),
                format!("item number should be {expected_seq}"),
            );
        }
        let record_name = record_path(item.seq);
        if item.seq != expected_seq {
            report.fail(
                Property::Integrity,
                Code::SequenceGap,
                &record_name,
                format!("记录序号 {} 处应为 {expected_seq}：记录缺失、重复或顺序被打乱", item.seq),
                format!(
                    "record seq {} where {expected_seq} was expected: a record is missing, repeated or out of order",
                    item.seq
                ),
            );
        }
        if item.confidentiality != "普通" {
            labelled += 1;
        }
        // Stage order (R29-b: 卷内目录 in stage order; 评查: stages in the wrong order).
        match catalogue.stages.iter().position(|s| s.id == item.stage) {
            None => report.fail(
                Property::Usability,
                Code::StageOrder,
                &label,
                format!("阶段 {:?} 不属于本程序", item.stage),
                format!("stage {:?} is not a stage of the procedure", item.stage),
            ),
            Some(stage) => {
                if prev_stage.is_some_and(|prev| stage < prev) {
                    report.fail(
                        Property::Usability,
                        Code::StageOrder,
                        &label,
                        format!("阶段「{}」排在后一阶段之后，程序顺序不当", item.stage_name),
                        format!(
                            "stage {:?} comes after a later stage: procedure order broken",
                            item.stage
                        ),
                    );
                }
                prev_stage = Some(stage);
            }
        }
        if item.page_from != prev_page + 1 || item.page_to < item.page_from {
            report.fail(
                Property::Usability,
                Code::CatalogueMismatch,
                &label,
                "页号不连续",
                "page numbers are not consecutive",
            );
        }
        prev_page = item.page_to;

        let hash = match Hash::from_hex(&item.hash) {
            Ok(hash) => hash,
            Err(_) => {
                report.fail(
                    Property::Usability,
                    Code::Unparseable,
                    &label,
                    "记录哈希格式错误",
                    "malformed record hash",
                );
                continue;
            }
        };
        match &item.record {
            None => {
                report.warn(
                    Property::Usability,
                    Code::WithheldRecord,
                    &record_name,
                    "该记录内容未随卷（R30-d 标注且导出人无权查看），仅证明其哈希在日志中",
                    "content withheld (R30-d label, exporter not entitled); only its hash is proven to be in the log",
                );
            }
            Some(path) => {
                catalogued.insert(path.clone());
                if path != &record_name {
                    report.fail(
                        Property::Usability,
                        Code::CatalogueMismatch,
                        &label,
                        format!("记录文件名应为 {record_name}"),
                        format!("record file should be {record_name}"),
                    );
                }
                check_record(
                    path,
                    item,
                    &hash,
                    prev_hash.as_deref(),
                    &stream,
                    manifest,
                    &media,
                    contents,
                    profile,
                    report,
                );
            }
        }
        prev_hash = Some(item.hash.clone());
        check_proof(item, &hash, checkpoint, &root, profile, contents, report);
        report.records += 1;
    }
    for name in contents.keys().filter(|name| name.starts_with("records/")) {
        if !catalogued.contains(name) {
            report.fail(
                Property::Integrity,
                Code::CatalogueMismatch,
                name,
                "记录不在卷内目录中",
                "record not in the catalogue",
            );
        }
    }
    if labelled > 0 {
        report.warn(
            Property::Security,
            Code::LabelledRecords,
            CATALOGUE_PATH,
            format!("{labelled} 件记录带有保密标注（R30-d），须按标注管理"),
            format!("{labelled} records carry confidentiality labels (R30-d); handle accordingly"),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn check_record(
    path: &str,
    item: &crate::format::CatalogueItem,
    hash: &Hash,
    prev_hash: Option<&str>,
    stream: &str,
    manifest: &Manifest,
    media: &BTreeMap<&str, &ManifestFile>,
    contents: &BTreeMap<String, ReadEntry>,
    profile: HashProfile,
    report: &mut Report,
) {
    let Some(entry) = contents.get(path) else {
        if !report.fails(Code::MissingFile, path) && !report.fails(Code::UnreadableEntry, path) {
            report.fail(
                Property::Integrity,
                Code::MissingFile,
                path,
                "卷内目录列出的记录缺失",
                "a catalogued record is missing",
            );
        }
        return;
    };
    let bytes = entry.bytes.as_deref().unwrap_or_default();
    if profile.digest(bytes) != *hash {
        report.fail(
            Property::Authenticity,
            Code::RecordHashMismatch,
            path,
            "记录哈希与卷内目录及日志叶子不符，记录被改动",
            "the record's hash differs from the catalogue and the log leaf: the record was altered",
        );
    }
    let record = match Record::from_bytes(bytes) {
        Ok(record) => record,
        Err(err) => {
            report.fail(
                Property::Usability,
                Code::Unparseable,
                path,
                format!("记录无法解析：{err}"),
                format!("cannot parse the record: {err}"),
            );
            return;
        }
    };
    match record.canonical_bytes() {
        Ok(canonical) if canonical == bytes => {}
        _ => report.fail(
            Property::Authenticity,
            Code::NotCanonical,
            path,
            "记录不是 RFC 8785 规范形式",
            "the record is not in RFC 8785 canonical form",
        ),
    }
    if record.stream.as_str() != stream {
        report.fail(
            Property::Integrity,
            Code::WrongStream,
            path,
            format!("记录属于 {}，不属于本案", record.stream),
            format!("the record belongs to {}, not to this case", record.stream),
        );
    }
    if record.seq.0 != item.seq {
        report.fail(
            Property::Integrity,
            Code::SequenceGap,
            path,
            format!("记录序号 {} 与卷内目录的 {} 不符", record.seq.0, item.seq),
            format!(
                "record seq {} differs from the catalogue's {}",
                record.seq.0, item.seq
            ),
        );
    }
    if record.prev.as_deref() != prev_hash {
        report.fail(
            Property::Integrity,
            Code::ChainBroken,
            path,
            "prev 与前一记录的哈希不符：记录链断开",
            "prev is not the previous record's hash: the chain is broken",
        );
    }
    if item.seq == 1 {
        let number = record.data.get("case_number").and_then(|v| v.as_str());
        if record.record_type.as_str() != liuhen_core::case::types::CASE_OPENED
            || number != Some(manifest.case_number.as_str())
        {
            report.fail(
                Property::Integrity,
                Code::CaseMismatch,
                path,
                "首条记录不是本案号的立案登记",
                "the first record is not the opening of a case with this number",
            );
        }
    }
    let date = record
        .event_time
        .to_offset(liuhen_core::CHINA_OFFSET)
        .date()
        .to_string();
    let files: Vec<&str> = record.files.iter().map(|f| f.sha256.as_str()).collect();
    if record.record_type.as_str() != item.record_type
        || date != item.date
        || files != item.files.iter().map(String::as_str).collect::<Vec<_>>()
    {
        report.fail(
            Property::Usability,
            Code::CatalogueMismatch,
            path,
            "卷内目录的类型、日期或附件与记录不符",
            "the catalogue's type, date or files differ from the record",
        );
    }
    for file in &record.files {
        let in_package = media
            .get(media_path(&file.sha256).as_str())
            .is_some_and(|m| m.size == file.size && m.sha256 == file.sha256 && m.sm3 == file.sm3);
        if in_package {
            continue;
        }
        let external = manifest
            .external_media
            .iter()
            .any(|m| m.sha256 == file.sha256 && m.sm3 == file.sm3 && m.size == file.size);
        if external {
            report.warn(
                Property::Usability,
                Code::ExternalMedia,
                media_path(&file.sha256),
                format!("附件「{}」未随卷，仅有存储引用（R29-b）", file.name),
                format!(
                    "attachment {:?} is a storage reference only (R29-b)",
                    file.name
                ),
            );
        } else {
            report.fail(
                Property::Integrity,
                Code::MissingMedia,
                path,
                format!("记录引用的附件「{}」({}) 不在包中", file.name, file.sha256),
                format!(
                    "the record references {:?} ({}), which is not in the package",
                    file.name, file.sha256
                ),
            );
        }
    }
}

fn check_proof(
    item: &crate::format::CatalogueItem,
    hash: &Hash,
    checkpoint: &Checkpoint,
    root: &Hash,
    profile: HashProfile,
    contents: &BTreeMap<String, ReadEntry>,
    report: &mut Report,
) {
    let path = proof_path(item.seq);
    let Some(entry) = contents.get(&path) else {
        if !report.fails(Code::MissingFile, &path) && !report.fails(Code::UnreadableEntry, &path) {
            report.fail(
                Property::Integrity,
                Code::MissingFile,
                &path,
                "缺少包含证明",
                "inclusion proof missing",
            );
        }
        return;
    };
    let proof = match InclusionProof::from_json(entry.bytes.as_deref().unwrap_or_default()) {
        Ok(proof) => proof,
        Err(err) => {
            report.fail(
                Property::Usability,
                Code::Unparseable,
                &path,
                format!("证明无法解析：{err}"),
                format!("cannot parse the proof: {err}"),
            );
            return;
        }
    };
    if proof.profile != profile
        || proof.index != item.log_index
        || proof.size != checkpoint.size()
        || proof.leaf_hash != profile.leaf_hash(hash.as_bytes())
    {
        report.fail(
            Property::Authenticity,
            Code::ProofMismatch,
            &path,
            format!(
                "证明不是第 {} 号记录（日志序号 {}）的证明",
                item.seq, item.log_index
            ),
            format!(
                "the proof is not the proof of record {} (log index {})",
                item.seq, item.log_index
            ),
        );
        return;
    }
    if let Err(err) = liuhen_ledger::verify::verify_inclusion(
        profile,
        &proof.leaf_hash,
        proof.index,
        proof.size,
        &proof.hashes,
        root,
    ) {
        report.fail(
            Property::Authenticity,
            Code::ProofInvalid,
            &path,
            format!("包含证明不能推出检查点根哈希：{err}"),
            format!("the inclusion proof does not lead to the checkpoint root: {err}"),
        );
    }
}

fn check_cover(
    cover: &Cover,
    catalogue: Option<&Catalogue>,
    manifest: &Manifest,
    report: &mut Report,
) {
    if cover.format != COVER_FORMAT {
        report.fail(
            Property::Usability,
            Code::UnknownFormat,
            COVER_PATH,
            format!("格式 {:?} 不是 {COVER_FORMAT}", cover.format),
            format!("format {:?} is not {COVER_FORMAT}", cover.format),
        );
        return;
    }
    if cover.case_id != manifest.case_id
        || cover.case_number != manifest.case_number
        || cover.body != manifest.body
    {
        report.fail(
            Property::Integrity,
            Code::CaseMismatch,
            COVER_PATH,
            "封面的案件、案号或执法主体与清单不符",
            "the cover's case, case number or body differs from the manifest",
        );
    }
    // R29-b cover: body, case number, party, action type, key dates, retention period.
    let missing: Vec<&str> = [
        ("案件名称 title", cover.title.trim().is_empty()),
        ("案号 case number", cover.case_number.trim().is_empty()),
        ("执法主体 body", cover.body_name.trim().is_empty()),
        ("行为类别 action type", cover.action.trim().is_empty()),
        (
            "立案日期 opening date",
            cover.dates.opened_on.trim().is_empty(),
        ),
        ("保管期限 retention", cover.retention.trim().is_empty()),
    ]
    .into_iter()
    .filter_map(|(name, empty)| empty.then_some(name))
    .collect();
    if !missing.is_empty() {
        report.fail(
            Property::Usability,
            Code::CoverIncomplete,
            COVER_PATH,
            format!("封面缺少 R29-b 要求的项目：{}", missing.join("、")),
            format!(
                "the cover lacks items R29-b requires: {}",
                missing.join(", ")
            ),
        );
    }
    if cover.parties.is_empty() {
        report.warn(
            Property::Usability,
            Code::CoverIncomplete,
            COVER_PATH,
            "记录中未载明当事人",
            "no party is recorded",
        );
    }
    if let Some(catalogue) = catalogue {
        let pages = catalogue.items.last().map_or(0, |item| item.page_to);
        if cover.items != catalogue.items.len() as u64 || cover.pages != pages {
            report.fail(
                Property::Usability,
                Code::CatalogueMismatch,
                COVER_PATH,
                "封面的件数或页数与卷内目录不符",
                "the cover's item or page count differs from the catalogue",
            );
        }
    }
}
