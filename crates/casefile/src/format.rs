//! The package format (docs/formats/casefile.md): file names, the JSON documents and the
//! checkpoint extension line that binds the manifest to the signed checkpoint.
//!
//! Every type here is both written by [`crate::write`] and read by [`crate::verify`], with
//! `deny_unknown_fields`, so a document that does not match the format exactly is refused rather
//! than half-understood.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Format tag of the package (`manifest.json` `format`). A change that alters the meaning of
/// any file bumps it.
pub const FORMAT: &str = "liuhen-casefile/1";
/// Format tag of `catalogue.json`.
pub const CATALOGUE_FORMAT: &str = "liuhen-casefile-catalogue/1";
/// Format tag of `cover.json`.
pub const COVER_FORMAT: &str = "liuhen-casefile-cover/1";

/// `manifest.json`: what the package contains, with sizes and hashes.
pub const MANIFEST_PATH: &str = "manifest.json";
/// `checkpoint.txt`: the signed checkpoint (C2SP signed note) that binds the manifest.
pub const CHECKPOINT_PATH: &str = "checkpoint.txt";
/// `cover.json`: the 案卷封面 fields of R29-b.
pub const COVER_PATH: &str = "cover.json";
/// `catalogue.json`: the 卷内目录 (R29-b) in machine form.
pub const CATALOGUE_PATH: &str = "catalogue.json";
/// `卷内目录.txt`: the 卷内目录 as a printable text table.
pub const CATALOGUE_TEXT_PATH: &str = "卷内目录.txt";

/// First word of the checkpoint extension line that commits to the manifest:
/// `liuhen-casefile-manifest <case id> sha256=<hex> sm3=<hex>`.
pub const MANIFEST_EXTENSION: &str = "liuhen-casefile-manifest";

/// Path of the canonical bytes of record `seq` of the case stream.
pub fn record_path(seq: u64) -> String {
    format!("records/{seq:06}.json")
}

/// Path of the inclusion proof of record `seq`.
pub fn proof_path(seq: u64) -> String {
    format!("proofs/{seq:06}.json")
}

/// Path of a media file, addressed by its lower-case hex SHA-256 (the blob store's address).
pub fn media_path(sha256: &str) -> String {
    format!("media/{sha256}")
}

/// Path of an informative verifier key, by its 8-hex-digit key ID.
pub fn key_path(key_id_hex: &str) -> String {
    format!("keys/{key_id_hex}.vkey")
}

/// The checkpoint extension line for a manifest with these hashes.
pub fn manifest_extension(case_id: &str, sha256_hex: &str, sm3_hex: &str) -> String {
    format!("{MANIFEST_EXTENSION} {case_id} sha256={sha256_hex} sm3={sm3_hex}")
}

/// What a package entry is, by its name. Anything else is refused (docs §6: a fixed grammar of
/// names, so no name can escape a directory or alias another).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryName {
    /// `manifest.json`.
    Manifest,
    /// `checkpoint.txt`.
    Checkpoint,
    /// `cover.json`.
    Cover,
    /// `catalogue.json`.
    Catalogue,
    /// `卷内目录.txt`.
    CatalogueText,
    /// `records/NNNNNN.json`.
    Record(u64),
    /// `proofs/NNNNNN.json`.
    Proof(u64),
    /// `media/<64 hex>`.
    Media(String),
    /// `keys/<8 hex>.vkey`.
    Key(String),
}

impl EntryName {
    /// Parses an entry name against the grammar of the format. Returns `None` for every name the
    /// format does not define — including `..`, absolute paths, back-slashes and aliases such as
    /// `records/0000001.json` for `records/000001.json`.
    pub fn parse(name: &str) -> Option<EntryName> {
        match name {
            MANIFEST_PATH => return Some(EntryName::Manifest),
            CHECKPOINT_PATH => return Some(EntryName::Checkpoint),
            COVER_PATH => return Some(EntryName::Cover),
            CATALOGUE_PATH => return Some(EntryName::Catalogue),
            CATALOGUE_TEXT_PATH => return Some(EntryName::CatalogueText),
            _ => {}
        }
        if let Some(rest) = name.strip_prefix("records/") {
            return parse_seq(rest).map(EntryName::Record);
        }
        if let Some(rest) = name.strip_prefix("proofs/") {
            return parse_seq(rest).map(EntryName::Proof);
        }
        if let Some(rest) = name.strip_prefix("media/") {
            return is_lower_hex(rest, 64).then(|| EntryName::Media(rest.to_owned()));
        }
        if let Some(rest) = name.strip_prefix("keys/") {
            let id = rest.strip_suffix(".vkey")?;
            return is_lower_hex(id, 8).then(|| EntryName::Key(id.to_owned()));
        }
        None
    }
}

fn parse_seq(rest: &str) -> Option<u64> {
    let digits = rest.strip_suffix(".json")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: u64 = digits.parse().ok()?;
    // Only the canonical spelling is accepted, so two names never denote one record.
    (seq >= 1 && format!("{seq:06}") == digits).then_some(seq)
}

/// Whether `text` is exactly `len` lower-case hex digits.
pub fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The case's internal id.
    pub case_id: String,
    /// 案号.
    pub case_number: String,
    /// The owning body's id.
    pub body: String,
    /// Entry time of the case's newest record (RFC 3339): the state the package shows. The wall
    /// clock time of the export is in the audit log (R4-b), not here, so that two exports of the
    /// same state are byte-identical.
    pub as_of: String,
    /// Hash profile of the log: `sm3` or `sha256` (record hashes, leaves, proofs).
    pub hash_profile: String,
    /// The log the checkpoint is of (repeated from `checkpoint.txt` for readers without a note
    /// parser; the verifier checks they agree).
    pub log: ManifestLog,
    /// Every file of the package except `manifest.json` and `checkpoint.txt`, in package order.
    pub files: Vec<ManifestFile>,
    /// Files referenced by records but not in the package (R29-b allows storage references for
    /// A/V), with the reason.
    pub external_media: Vec<ExternalMedia>,
}

/// The checkpoint's log, as in `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLog {
    /// Checkpoint origin (the log's name and key name).
    pub origin: String,
    /// Tree size of the checkpoint.
    pub size: u64,
    /// Root hash, lower-case hex.
    pub root: String,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Entry name.
    pub path: String,
    /// Size in bytes (uncompressed).
    pub size: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Lower-case hex SM3 (GB/T 32905).
    pub sm3: String,
}

/// A referenced file that is not in the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalMedia {
    /// SHA-256 (the blob address), as in the record's `files`.
    pub sha256: String,
    /// SM3, as in the record.
    pub sm3: String,
    /// Size, as in the record.
    pub size: u64,
    /// Why it is not in the package, in Chinese (e.g. `未在文件存储中找到，仅存储引用`).
    pub reason: String,
}

/// `catalogue.json`: the 卷内目录 (R29-b), one item per record, in procedure order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// [`CATALOGUE_FORMAT`].
    pub format: String,
    /// Case id.
    pub case_id: String,
    /// 案号.
    pub case_number: String,
    /// Procedure id from the rule set.
    pub procedure: String,
    /// Procedure name.
    pub procedure_name: String,
    /// The procedure's stages in order (the order the verifier checks items against).
    pub stages: Vec<CatalogueStage>,
    /// The items, in stream order (which is stage order: a case never moves back a stage).
    pub items: Vec<CatalogueItem>,
}

/// One stage of the procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueStage {
    /// Stage id.
    pub id: String,
    /// Stage name (立案, 调查取证, …).
    pub name: String,
}

/// One 卷内目录 row: a record of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueItem {
    /// 件号: position in the catalogue, from 1.
    pub item: u64,
    /// The record's `seq` in the case stream.
    pub seq: u64,
    /// Stage the case was in once the record was added.
    pub stage: String,
    /// The stage's name.
    pub stage_name: String,
    /// Record type id.
    pub record_type: String,
    /// Record type name (题名).
    pub type_name: String,
    /// 文字记录 / 音像记录 / 系统记录.
    pub kind: String,
    /// Event date (日期), Asia/Shanghai.
    pub date: String,
    /// 文号 of the document the record carries, if any (R26-b).
    pub doc_number: Option<String>,
    /// Confidentiality label (R30-d).
    pub confidentiality: String,
    /// 有效 / 已被更正 / 已作废 (R4-a: corrections and voids are records too).
    pub status: String,
    /// Leaf index in the global log.
    pub log_index: u64,
    /// Record hash, lower-case hex (under the manifest's hash profile).
    pub hash: String,
    /// `records/NNNNNN.json`, or `None` when the record's content is withheld from this export
    /// (R30-d: the exporter was not entitled to a labelled record; hash and proof stay).
    pub record: Option<String>,
    /// `proofs/NNNNNN.json`.
    pub proof: String,
    /// SHA-256 of each attached file (in `media/` or listed in `external_media`).
    pub files: Vec<String>,
    /// First page (页号) of the item in the printed volume.
    pub page_from: u64,
    /// Last page of the item.
    pub page_to: u64,
}

/// `cover.json`: the 案卷封面 of R29-b (documents.md §3 "封面 fields").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// [`COVER_FORMAT`].
    pub format: String,
    /// 案件名称.
    pub title: String,
    /// 案号.
    pub case_number: String,
    /// Case id.
    pub case_id: String,
    /// 执法主体 id.
    pub body: String,
    /// 执法主体 name (办案机构).
    pub body_name: String,
    /// 当事人, as recorded (the party fields of the records, unmodified).
    pub parties: Vec<Value>,
    /// Action type code (R2-a).
    pub action: String,
    /// Procedure id.
    pub procedure: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Case status code (`open`, `closed`, `not_initiated`).
    pub status: String,
    /// 决定书文号 (the last document number recorded), if any.
    pub decision_doc_number: Option<String>,
    /// Key dates.
    pub dates: CoverDates,
    /// 保管期限 (R26-d), e.g. `永久`, `30年`.
    pub retention: String,
    /// Item count (件数).
    pub items: u64,
    /// Page count (页数).
    pub pages: u64,
    /// Media files in the package.
    pub media_files: u64,
}

/// Key dates of the cover (YYYY-MM-DD, Asia/Shanghai).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverDates {
    /// 立案日期.
    pub opened_on: String,
    /// 结案日期.
    pub closed_on: Option<String>,
    /// 执行终结日期 (R23-a).
    pub execution_concluded_on: Option<String>,
    /// 归档期限 (R29-a: 30 days from execution concluded, or the closing date, I9).
    pub archive_due: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, expect: Option<EntryName>) {
        assert_eq!(EntryName::parse(name), expect, "{name:?}");
    }

    #[test]
    fn the_fixed_names_parse() {
        check("manifest.json", Some(EntryName::Manifest));
        check("卷内目录.txt", Some(EntryName::CatalogueText));
        check("records/000001.json", Some(EntryName::Record(1)));
        check("proofs/1234567.json", Some(EntryName::Proof(1_234_567)));
        check(
            &media_path(&"ab".repeat(32)),
            Some(EntryName::Media("ab".repeat(32))),
        );
        check(
            "keys/8077c247.vkey",
            Some(EntryName::Key("8077c247".into())),
        );
    }

    #[test]
    fn escaping_or_aliasing_names_are_refused() {
        for name in [
            "../evil",
            "/etc/passwd",
            "records/../manifest.json",
            "records/000001.json/",
            "records\\000001.json",
            "records/0000001.json",
            "records/000000.json",
            "records/00000a.json",
            "records/+00001.json",
            "media/AB",
            "media/../../x",
            "keys/../../x.vkey",
            "keys/8077C247.vkey",
            "Manifest.json",
            "manifest.json\0",
            "",
            "records/",
        ] {
            check(name, None);
        }
    }
}
