//! Exporting a case file (R26, R29-b): [`prepare`] gathers and checks everything from the core's
//! [`Services`] and signs the checkpoint; [`CaseFile::write`] streams the ZIP, media included,
//! into any [`Write`] (a file, or a pipe to an HTTP response) without holding a media file in
//! memory.
//!
//! The split keeps the async part (store reads, proofs) apart from the blocking part (hashing and
//! compressing gigabytes of media): a web handler awaits `prepare`, then runs `write` on a
//! blocking thread that feeds the response body through a bounded channel.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;

use liuhen_core::case::{CaseView, fold_case, types as case_types};
use liuhen_core::ids::{CaseId, StreamId};
use liuhen_core::ports::AuditEntry;
use liuhen_core::record::{FileRef, Record};
use liuhen_core::rules::schema::{FieldType, RecordKindSpec};
use liuhen_core::service::{Ctx, Services};
use liuhen_ledger::checkpoint::{Checkpoint, sign_checkpoint};
use liuhen_ledger::hash::Hash;
use liuhen_ledger::proof::InclusionProof;
use liuhen_ledger::signer::{Signer, Verifier as _, parse_verifier_key};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::digest::DualHasher;
use crate::error::CasefileError;
use crate::format::{
    CATALOGUE_FORMAT, CATALOGUE_PATH, CATALOGUE_TEXT_PATH, CHECKPOINT_PATH, COVER_FORMAT,
    COVER_PATH, Catalogue, CatalogueItem, CatalogueStage, Cover, CoverDates, ExternalMedia, FORMAT,
    MANIFEST_PATH, Manifest, ManifestFile, ManifestLog, is_lower_hex, key_path, manifest_extension,
    media_path, proof_path, record_path,
};

/// Chunk size for streaming media into the package.
const MEDIA_CHUNK: usize = 256 * 1024;

/// R29-a: the archive is due 30 calendar days after execution concluded (or the closing date, I9).
const ARCHIVE_DAYS: i64 = 30;

/// Where the bytes of attached files come from: the blob store, addressed by SHA-256.
///
/// `contains` is async because [`prepare`] runs on the async runtime (an adapter over the core's
/// async `Blobs` port awaits `Blobs::exists`); `open` is blocking because [`CaseFile::write`]
/// runs on a blocking thread (such an adapter wraps `Blobs::open_range` in
/// `tokio_util::io::SyncIoBridge`).
#[async_trait::async_trait]
pub trait MediaSource: Send + Sync {
    /// Whether the blob with this SHA-256 (64 lower-case hex digits) is stored.
    async fn contains(&self, sha256: &str) -> std::io::Result<bool>;
    /// Opens the blob for reading. Called only for blobs `contains` reported.
    fn open(&self, sha256: &str) -> std::io::Result<Box<dyn Read + Send + '_>>;
}

/// A media source with no files: every attachment becomes a storage reference.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMedia;

#[async_trait::async_trait]
impl MediaSource for NoMedia {
    async fn contains(&self, _sha256: &str) -> std::io::Result<bool> {
        Ok(false)
    }

    fn open(&self, sha256: &str) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no media source for {sha256}"),
        ))
    }
}

/// A content-addressed folder: `<root>/<aa>/<bb>/<sha256>` (the layout of liuhen-store's local
/// blob store, `aa` and `bb` the first two bytes of the address in hex), `<root>/<aa>/<sha256>`
/// or `<root>/<sha256>`.
#[derive(Debug, Clone)]
pub struct FolderMedia {
    root: PathBuf,
}

impl FolderMedia {
    /// A source over `root`.
    pub fn new(root: impl Into<PathBuf>) -> FolderMedia {
        FolderMedia { root: root.into() }
    }

    fn find(&self, sha256: &str) -> Option<PathBuf> {
        // The address is checked before it becomes a path, so it cannot name anything outside
        // the root.
        if !is_lower_hex(sha256, 64) {
            return None;
        }
        [
            self.root
                .join(&sha256[..2])
                .join(&sha256[2..4])
                .join(sha256),
            self.root.join(&sha256[..2]).join(sha256),
            self.root.join(sha256),
        ]
        .into_iter()
        .find(|path| path.is_file())
    }
}

#[async_trait::async_trait]
impl MediaSource for FolderMedia {
    async fn contains(&self, sha256: &str) -> std::io::Result<bool> {
        Ok(self.find(sha256).is_some())
    }

    fn open(&self, sha256: &str) -> std::io::Result<Box<dyn Read + Send + '_>> {
        let path = self.find(sha256).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("blob {sha256}"))
        })?;
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

/// What to do with an attachment the media source does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MediaPolicy {
    /// Refuse the export ([`CasefileError::MediaMissing`]).
    Require,
    /// Package it as a storage reference in `manifest.json` `external_media` (R29-b: "A/V
    /// records (files or storage references)"); the verifier reports it as a warning.
    #[default]
    AllowExternal,
}

/// Options of an export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// 保管期限 for the cover (R26-d). Default: `30年` for the summary procedure, `永久`
    /// otherwise (documents.md §3: ordinary procedure → 永久, summary → 30年); bodies set their
    /// own table, so callers should pass it.
    pub retention: Option<String>,
    /// Attachments missing from the media source.
    pub media: MediaPolicy,
}

/// The log's signing identity: its origin (checkpoint first line and key name), its signers and
/// the matching verifier keys (copied into `keys/`, informative only).
pub struct LogSigning<'a> {
    /// Checkpoint origin.
    pub origin: &'a str,
    /// Checkpoint signers (at least one).
    pub signers: &'a [&'a dyn Signer],
    /// Published verifier keys of the signers.
    pub verifier_keys: &'a [String],
}

/// Counts of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// Case id.
    pub case_id: String,
    /// 案号.
    pub case_number: String,
    /// Records (catalogue items).
    pub records: u64,
    /// Records whose content was withheld (R30-d).
    pub withheld: u64,
    /// Media files in the package.
    pub media_files: u64,
    /// Their total size.
    pub media_bytes: u64,
    /// Attachments packaged as storage references only.
    pub external_media: u64,
    /// Checkpoint tree size.
    pub checkpoint_size: u64,
}

enum EntryBody {
    Bytes(Vec<u8>),
    Media(FileRef),
}

struct Entry {
    path: String,
    body: EntryBody,
}

/// A prepared case file: every document built and the checkpoint signed; media are read when
/// writing. Owns all its data, so it can move to a blocking thread.
pub struct CaseFile {
    entries: Vec<Entry>,
    summary: ExportSummary,
}

impl std::fmt::Debug for CaseFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseFile")
            .field("summary", &self.summary)
            .field("entries", &self.entries.len())
            .finish()
    }
}

fn inconsistent(what: String) -> CasefileError {
    CasefileError::Inconsistent(what)
}

fn pretty_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, CasefileError> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn builtin_type_name(record_type: &str) -> Option<&'static str> {
    Some(match record_type {
        case_types::CASE_OPENED => "案件登记",
        case_types::VOID => "作废记录",
        case_types::ACCESS_REQUEST => "查阅申请（R30-a）",
        case_types::ACCESS_DECISION => "查阅申请决定（R30-a）",
        _ => return None,
    })
}

/// Gathers a case file for `ctx` (scope checked by the core: a case of another body is "not
/// found"; the read is audited by `case_records`, and the export itself is audited as `export`,
/// R4-b), with inclusion proofs of every record at the current log size and a checkpoint of
/// that size signed by `signing`, which also commits to the manifest.
///
/// Records labelled under R30-d that `ctx` may not see are *withheld*: their hash and proof are
/// packaged, their content is not.
pub async fn prepare(
    services: &Services,
    ctx: &Ctx,
    case_id: &CaseId,
    signing: &LogSigning<'_>,
    media: &dyn MediaSource,
    options: &ExportOptions,
) -> Result<CaseFile, CasefileError> {
    let object = format!("case/{case_id}/casefile");
    let result = prepare_inner(services, ctx, case_id, signing, media, options).await;
    let outcome = match &result {
        Ok(_) => "ok".to_owned(),
        Err(CasefileError::Core(err)) => format!("error: {err}"),
        Err(_) => "failed".to_owned(),
    };
    services
        .store()
        .audit(AuditEntry {
            time: services.now(),
            user: Some(ctx.user.clone()),
            action: "export".to_owned(),
            object,
            client_ip: ctx.client_ip.clone(),
            outcome: outcome.chars().take(200).collect(),
        })
        .await
        .map_err(liuhen_core::error::CoreError::from)?;
    result
}

struct Gathered {
    record: Record,
    canonical: Vec<u8>,
    hash: [u8; 32],
    log_index: u64,
    withheld: bool,
    stage: String,
}

async fn prepare_inner(
    services: &Services,
    ctx: &Ctx,
    case_id: &CaseId,
    signing: &LogSigning<'_>,
    media: &dyn MediaSource,
    options: &ExportOptions,
) -> Result<CaseFile, CasefileError> {
    // Scope and audit first: `case_records` refuses a case the caller may not read.
    let views = services.case_records(ctx, case_id).await?;
    let stream = StreamId::case(case_id);
    let stored = services
        .store()
        .read_stream(&stream)
        .await
        .map_err(liuhen_core::error::CoreError::from)?;
    if stored.is_empty() || views.is_empty() {
        return Err(CasefileError::EmptyCase(case_id.to_string()));
    }
    // The records are read before the log state, so every leaf index is below the size.
    let state = services.log_state().await?;
    let profile = services.profile();
    let rules = services.rules().clone();

    let mut gathered: Vec<Gathered> = Vec::with_capacity(stored.len());
    let mut view: Option<CaseView> = None;
    let mut prev_hash: Option<[u8; 32]> = None;
    for (idx, row) in stored.iter().enumerate() {
        let expected_seq = idx as u64 + 1;
        let record = Record::from_bytes(&row.canonical)?;
        if row.seq.0 != expected_seq || record.seq.0 != expected_seq || record.stream != stream {
            return Err(inconsistent(format!(
                "{stream} 第 {expected_seq} 条记录序号不连续"
            )));
        }
        if record.canonical_bytes()? != row.canonical {
            return Err(inconsistent(format!(
                "{stream}#{expected_seq} 不是规范 JSON"
            )));
        }
        if *profile.digest(&row.canonical).as_bytes() != row.hash {
            return Err(inconsistent(format!("{stream}#{expected_seq} 哈希不符")));
        }
        if record.prev != prev_hash.map(hex::encode) {
            return Err(inconsistent(format!("{stream}#{expected_seq} prev 链断开")));
        }
        if row.log_index.0 >= state.size {
            return Err(inconsistent(format!("{stream}#{expected_seq} 不在日志中")));
        }
        prev_hash = Some(row.hash);
        let next = fold_case(view.take(), &record, &rules)?;
        let stage = next.stage.clone();
        view = Some(next);
        let withheld = views
            .iter()
            .find(|v| v.record.seq == record.seq)
            .is_none_or(|v| v.redacted);
        gathered.push(Gathered {
            record,
            canonical: row.canonical.clone(),
            hash: row.hash,
            log_index: row.log_index.0,
            withheld,
            stage,
        });
    }
    let Some(view) = view else {
        return Err(CasefileError::EmptyCase(case_id.to_string()));
    };
    let first = &gathered[0].record;
    let procedure = rules
        .by_id(first.rule_set.as_str(), &first.body)
        .and_then(|set| set.procedure(&view.procedure))
        .cloned();
    let stages: Vec<CatalogueStage> = procedure
        .as_ref()
        .map(|p| {
            p.stages
                .iter()
                .map(|s| CatalogueStage {
                    id: s.id.clone(),
                    name: s.name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let procedure_name = procedure
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| view.procedure.clone());

    // Proofs at the current size, checked before anything is packaged.
    let mut proofs: Vec<Vec<u8>> = Vec::with_capacity(gathered.len());
    let root = Hash::from_bytes(state.root);
    for item in &gathered {
        let hashes = services
            .prove_inclusion(liuhen_core::ids::LogIndex(item.log_index), state.size)
            .await?;
        let proof = InclusionProof {
            profile,
            index: item.log_index,
            size: state.size,
            leaf_hash: profile.leaf_hash(&item.hash),
            hashes: hashes.into_iter().map(Hash::from_bytes).collect(),
        };
        liuhen_ledger::verify::verify_inclusion(
            profile,
            &proof.leaf_hash,
            proof.index,
            proof.size,
            &proof.hashes,
            &root,
        )?;
        proofs.push(proof.to_json().into_bytes());
    }

    // Attachments, de-duplicated by address, in address order.
    let mut attachments: BTreeMap<String, FileRef> = BTreeMap::new();
    for item in gathered.iter().filter(|item| !item.withheld) {
        for file in &item.record.files {
            if !is_lower_hex(&file.sha256, 64) || !is_lower_hex(&file.sm3, 64) {
                return Err(inconsistent(format!(
                    "{stream}#{} 附件哈希格式错误",
                    item.record.seq.0
                )));
            }
            attachments
                .entry(file.sha256.clone())
                .or_insert_with(|| file.clone());
        }
    }
    let mut packaged: Vec<FileRef> = Vec::new();
    let mut external: Vec<ExternalMedia> = Vec::new();
    for (sha256, file) in attachments {
        if media.contains(&sha256).await? {
            packaged.push(file);
        } else if options.media == MediaPolicy::Require {
            return Err(CasefileError::MediaMissing { sha256 });
        } else {
            external.push(ExternalMedia {
                sha256,
                sm3: file.sm3.clone(),
                size: file.size,
                reason: "文件存储中未找到，仅保留存储引用（R29-b）".to_owned(),
            });
        }
    }

    // Catalogue, with page numbers: each record prints on one sheet and each attachment on one
    // further sheet (media are referenced, not printed); cover and 卷内目录 are not numbered
    // (documents.md §3 "Pages").
    let mut items: Vec<CatalogueItem> = Vec::with_capacity(gathered.len());
    let mut page = 1u64;
    let mut parties: Vec<Value> = Vec::new();
    for (idx, item) in gathered.iter().enumerate() {
        let record = &item.record;
        let seq = record.seq.0;
        let set = rules.by_id(record.rule_set.as_str(), &record.body);
        let spec = set.and_then(|set| set.record_type(record.record_type.as_str()));
        let type_name = builtin_type_name(record.record_type.as_str())
            .map(str::to_owned)
            .or_else(|| spec.map(|s| s.name.clone()))
            .unwrap_or_else(|| record.record_type.to_string());
        let kind = match spec.map(|s| s.kind) {
            _ if builtin_type_name(record.record_type.as_str()).is_some() => "系统记录",
            Some(RecordKindSpec::Av) => "音像记录",
            _ => "文字记录",
        };
        let summary = view.record(record.seq);
        let status = match summary {
            Some(s) if s.voided_by.is_some() => "已作废",
            Some(s) if s.superseded_by.is_some() => "已被更正",
            _ => "有效",
        };
        if !item.withheld
            && let Some(spec) = spec
        {
            for field in spec
                .fields
                .iter()
                .filter(|f| f.field_type == FieldType::Party)
            {
                if let Some(value) = record.data.get(&field.name)
                    && !parties.contains(value)
                {
                    parties.push(value.clone());
                }
            }
        }
        let files: Vec<String> = if item.withheld {
            Vec::new()
        } else {
            record.files.iter().map(|f| f.sha256.clone()).collect()
        };
        let pages = 1 + files.len() as u64;
        items.push(CatalogueItem {
            item: idx as u64 + 1,
            seq,
            stage: item.stage.clone(),
            stage_name: stages
                .iter()
                .find(|s| s.id == item.stage)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| item.stage.clone()),
            record_type: record.record_type.to_string(),
            type_name,
            kind: kind.to_owned(),
            date: record
                .event_time
                .to_offset(liuhen_core::CHINA_OFFSET)
                .date()
                .to_string(),
            doc_number: summary.and_then(|s| s.doc_number.clone()),
            confidentiality: summary
                .map(|s| s.confidentiality.clone())
                .unwrap_or_else(|| "普通".to_owned()),
            status: status.to_owned(),
            log_index: item.log_index,
            hash: hex::encode(item.hash),
            record: (!item.withheld).then(|| record_path(seq)),
            proof: proof_path(seq),
            files,
            page_from: page,
            page_to: page + pages - 1,
        });
        page += pages;
    }
    let catalogue = Catalogue {
        format: CATALOGUE_FORMAT.to_owned(),
        case_id: case_id.to_string(),
        case_number: view.case_number.clone(),
        procedure: view.procedure.clone(),
        procedure_name: procedure_name.clone(),
        stages,
        items,
    };

    let body_name = services
        .bodies(ctx)
        .await?
        .into_iter()
        .find(|b| b.id == view.body)
        .map(|b| b.profile.name)
        .unwrap_or_else(|| view.body.to_string());
    let archive_from = view.execution_concluded_on.or(view.closed_on);
    let cover = Cover {
        format: COVER_FORMAT.to_owned(),
        title: view.title.clone(),
        case_number: view.case_number.clone(),
        case_id: case_id.to_string(),
        body: view.body.to_string(),
        body_name,
        parties,
        action: view.action.clone(),
        procedure: view.procedure.clone(),
        procedure_name,
        status: view.status.code().to_owned(),
        decision_doc_number: view
            .records
            .iter()
            .rev()
            .find(|r| r.is_effective() && r.doc_number.is_some())
            .and_then(|r| r.doc_number.clone()),
        dates: CoverDates {
            opened_on: view.opened_on.to_string(),
            closed_on: view.closed_on.map(|d| d.to_string()),
            execution_concluded_on: view.execution_concluded_on.map(|d| d.to_string()),
            archive_due: archive_from
                .and_then(|d| d.checked_add(time::Duration::days(ARCHIVE_DAYS)))
                .map(|d| d.to_string()),
        },
        retention: options
            .retention
            .clone()
            .unwrap_or_else(|| default_retention(&view.procedure).to_owned()),
        items: catalogue.items.len() as u64,
        pages: page - 1,
        media_files: packaged.len() as u64,
    };

    // Package order: documents, keys, records, proofs, media (docs §2).
    let mut entries: Vec<Entry> = vec![
        Entry {
            path: COVER_PATH.to_owned(),
            body: EntryBody::Bytes(pretty_json(&cover)?),
        },
        Entry {
            path: CATALOGUE_PATH.to_owned(),
            body: EntryBody::Bytes(pretty_json(&catalogue)?),
        },
        Entry {
            path: CATALOGUE_TEXT_PATH.to_owned(),
            body: EntryBody::Bytes(render_catalogue_text(&cover, &catalogue).into_bytes()),
        },
    ];
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for verifier_key in signing.verifier_keys {
        let parsed = parse_verifier_key(verifier_key)?;
        keys.insert(
            hex::encode(parsed.key_id().to_be_bytes()),
            liuhen_ledger::signer::key_file_contents(&parsed.verifier_key()),
        );
    }
    for (key_id, contents) in keys {
        entries.push(Entry {
            path: key_path(&key_id),
            body: EntryBody::Bytes(contents.into_bytes()),
        });
    }
    let mut withheld = 0;
    for item in &gathered {
        if item.withheld {
            withheld += 1;
            continue;
        }
        entries.push(Entry {
            path: record_path(item.record.seq.0),
            body: EntryBody::Bytes(item.canonical.clone()),
        });
    }
    for (item, proof) in gathered.iter().zip(proofs) {
        entries.push(Entry {
            path: proof_path(item.record.seq.0),
            body: EntryBody::Bytes(proof),
        });
    }
    let media_bytes = packaged.iter().map(|f| f.size).sum();
    let media_files = packaged.len() as u64;
    for file in packaged {
        entries.push(Entry {
            path: media_path(&file.sha256),
            body: EntryBody::Media(file),
        });
    }

    let files: Vec<ManifestFile> = entries
        .iter()
        .map(|entry| match &entry.body {
            EntryBody::Bytes(bytes) => {
                let digest = DualHasher::of(bytes);
                ManifestFile {
                    path: entry.path.clone(),
                    size: digest.size,
                    sha256: digest.sha256,
                    sm3: digest.sm3,
                }
            }
            // The record commits to these; `write` re-verifies the bytes while streaming.
            EntryBody::Media(file) => ManifestFile {
                path: entry.path.clone(),
                size: file.size,
                sha256: file.sha256.clone(),
                sm3: file.sm3.clone(),
            },
        })
        .collect();
    let last = &gathered[gathered.len() - 1].record;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        case_id: case_id.to_string(),
        case_number: view.case_number.clone(),
        body: view.body.to_string(),
        as_of: last
            .entry_time
            .format(&Rfc3339)
            .map_err(|err| inconsistent(err.to_string()))?,
        hash_profile: profile.name().to_owned(),
        log: ManifestLog {
            origin: signing.origin.to_owned(),
            size: state.size,
            root: hex::encode(state.root),
        },
        files,
        external_media: external,
    };
    let manifest_bytes = pretty_json(&manifest)?;
    let manifest_digest = DualHasher::of(&manifest_bytes);
    let checkpoint =
        Checkpoint::new(signing.origin, state.size, state.root)?.with_extensions(vec![
            manifest_extension(
                case_id.as_str(),
                &manifest_digest.sha256,
                &manifest_digest.sm3,
            ),
        ])?;
    let note = sign_checkpoint(&checkpoint, signing.signers)?;
    let mut all = vec![
        Entry {
            path: MANIFEST_PATH.to_owned(),
            body: EntryBody::Bytes(manifest_bytes),
        },
        Entry {
            path: CHECKPOINT_PATH.to_owned(),
            body: EntryBody::Bytes(note.into_bytes()),
        },
    ];
    all.extend(entries);
    Ok(CaseFile {
        entries: all,
        summary: ExportSummary {
            case_id: case_id.to_string(),
            case_number: view.case_number,
            records: gathered.len() as u64,
            withheld,
            media_files,
            media_bytes,
            external_media: manifest.external_media.len() as u64,
            checkpoint_size: state.size,
        },
    })
}

fn default_retention(procedure: &str) -> &'static str {
    if procedure.contains("summary") {
        "30年"
    } else {
        "永久"
    }
}

/// Renders the printable 卷内目录 (documents.md §3 "卷内目录 columns": 序号, 文号, 责任者, 题名,
/// 日期, 页号, 备注), preceded by the cover fields.
fn render_catalogue_text(cover: &Cover, catalogue: &Catalogue) -> String {
    let mut out = String::new();
    out.push_str("行政执法案卷 卷内目录\n");
    out.push_str(&format!("案件名称：{}\n", cover.title));
    out.push_str(&format!("案号：{}\n", cover.case_number));
    out.push_str(&format!(
        "执法主体：{}（{}）\n",
        cover.body_name, cover.body
    ));
    out.push_str(&format!(
        "程序：{}（{}）  行为类别：{}\n",
        cover.procedure_name, cover.procedure, cover.action
    ));
    out.push_str(&format!(
        "立案日期：{}  结案日期：{}  归档期限：{}  保管期限：{}\n",
        cover.dates.opened_on,
        cover.dates.closed_on.as_deref().unwrap_or("—"),
        cover.dates.archive_due.as_deref().unwrap_or("—"),
        cover.retention
    ));
    out.push_str(&format!("共 {} 件 {} 页\n\n", cover.items, cover.pages));
    out.push_str("序号\t阶段\t题名\t文号\t责任者\t日期\t页号\t备注\n");
    for item in &catalogue.items {
        let pages = if item.page_from == item.page_to {
            item.page_from.to_string()
        } else {
            format!("{}-{}", item.page_from, item.page_to)
        };
        let mut remarks: Vec<String> = vec![format!("记录{}", item.seq)];
        if item.status != "有效" {
            remarks.push(item.status.clone());
        }
        if item.confidentiality != "普通" {
            remarks.push(item.confidentiality.clone());
        }
        if item.record.is_none() {
            remarks.push("内容未随卷（R30-d）".to_owned());
        }
        if !item.files.is_empty() {
            remarks.push(format!("附件{}个", item.files.len()));
        }
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            item.item,
            item.stage_name,
            item.type_name,
            item.doc_number.as_deref().unwrap_or(""),
            cover.body_name,
            item.date,
            pages,
            remarks.join("；")
        ));
    }
    out
}

fn json_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
}

fn media_options(size: u64) -> SimpleFileOptions {
    // Media are never compressed (DESIGN.md "Stack"): they are compressed already, and stored
    // entries make the ratio check of the verifier trivial.
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(size >= u64::from(u32::MAX))
}

impl CaseFile {
    /// Counts of the export.
    pub fn summary(&self) -> &ExportSummary {
        &self.summary
    }

    /// Writes the package to `out` and returns it. The output does not need `Seek` (entries use
    /// data descriptors), so `out` can be a pipe; it is byte-identical for the same log state.
    /// Media are streamed in chunks and re-hashed: bytes that differ from what the record
    /// committed to stop the export with [`CasefileError::MediaMismatch`] (R4-a, R29-b), leaving
    /// a truncated package the caller must discard.
    pub fn write<W: Write>(&self, out: W, media: &dyn MediaSource) -> Result<W, CasefileError> {
        let mut zip = ZipWriter::new_stream(out);
        let mut buffer = vec![0u8; MEDIA_CHUNK];
        for entry in &self.entries {
            match &entry.body {
                EntryBody::Bytes(bytes) => {
                    zip.start_file(entry.path.as_str(), json_options())?;
                    zip.write_all(bytes)?;
                }
                EntryBody::Media(file) => {
                    zip.start_file(entry.path.as_str(), media_options(file.size))?;
                    let mut reader = media.open(&file.sha256)?;
                    let mut hasher = DualHasher::new();
                    loop {
                        let n = match reader.read(&mut buffer) {
                            Ok(0) => break,
                            Ok(n) => n,
                            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                            Err(err) => return Err(err.into()),
                        };
                        let chunk = buffer.get(..n).unwrap_or_default();
                        hasher.update(chunk);
                        if hasher.size() > file.size {
                            return Err(CasefileError::MediaMismatch {
                                sha256: file.sha256.clone(),
                            });
                        }
                        zip.write_all(chunk)?;
                    }
                    let digest = hasher.finish();
                    if digest.size != file.size
                        || digest.sha256 != file.sha256
                        || digest.sm3 != file.sm3
                    {
                        return Err(CasefileError::MediaMismatch {
                            sha256: file.sha256.clone(),
                        });
                    }
                }
            }
        }
        let writer = zip.finish()?;
        Ok(writer.into_inner())
    }
}
