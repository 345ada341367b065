//! The verification report: findings sorted under the four properties of archives (档案 四性:
//! 真实性、完整性、可用性、安全性, DA/T 70-2018 and the 电子档案 "四性检测"), each naming the file
//! or record it is about, in Chinese and English.

use std::fmt::Write as _;

use serde::Serialize;

/// One of the four properties of an electronic archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    /// 真实性: the content is what the log recorded, under a checkpoint signed by a trusted key.
    Authenticity,
    /// 完整性: nothing added, dropped, reordered or changed; every record and file present.
    Integrity,
    /// 可用性: the package can be read and understood: parts of R29-b present, formats known,
    /// procedure order plausible.
    Usability,
    /// 安全性: the package is safe to open (no escaping paths, links, bombs) and labelled
    /// records are marked (R30-d).
    Security,
}

impl Property {
    /// All four, in report order.
    pub const ALL: [Property; 4] = [
        Property::Authenticity,
        Property::Integrity,
        Property::Usability,
        Property::Security,
    ];

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Property::Authenticity => "真实性",
            Property::Integrity => "完整性",
            Property::Usability => "可用性",
            Property::Security => "安全性",
        }
    }

    /// English name.
    pub fn en(self) -> &'static str {
        match self {
            Property::Authenticity => "authenticity",
            Property::Integrity => "integrity",
            Property::Usability => "usability",
            Property::Security => "security",
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The property fails; `liuhen verify` exits non-zero.
    Fail,
    /// Worth knowing, does not fail the package (e.g. media kept as a storage reference).
    Warn,
}

/// What was found. Tests check codes, not wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The input is not a readable ZIP archive.
    NotAZip,
    /// More entries than the limit.
    TooManyEntries,
    /// An entry name outside the format's grammar (`..`, absolute, unknown).
    UnsafePath,
    /// A symbolic-link entry.
    Symlink,
    /// A directory entry (the format has none).
    DirectoryEntry,
    /// Two entries with the same name.
    DuplicateName,
    /// Entries whose data overlap (a known zip-bomb construction).
    OverlappingEntries,
    /// An encrypted entry.
    Encrypted,
    /// A compression method other than stored or DEFLATE.
    UnsupportedCompression,
    /// An entry larger than the per-entry limit.
    EntryTooLarge,
    /// Entries larger in total than the limit.
    TotalTooLarge,
    /// An entry whose uncompressed/compressed ratio exceeds the limit.
    CompressionRatio,
    /// An entry yields more bytes than it declares, or cannot be read (CRC, inflate error).
    UnreadableEntry,
    /// A required part is missing.
    MissingPart,
    /// A part cannot be parsed.
    Unparseable,
    /// A part has an unknown format tag.
    UnknownFormat,
    /// A file not listed in the manifest.
    UnlistedFile,
    /// A file listed in the manifest but absent.
    MissingFile,
    /// A file's size differs from the manifest.
    SizeMismatch,
    /// A file's SHA-256 differs from the manifest.
    Sha256Mismatch,
    /// A file's SM3 differs from the manifest.
    Sm3Mismatch,
    /// The manifest's hashes are not the ones the signed checkpoint commits to.
    ManifestNotBound,
    /// The checkpoint is not signed by a trusted key (or no key was given).
    CheckpointSignature,
    /// The checkpoint disagrees with the manifest (origin, size, root).
    CheckpointMismatch,
    /// The verifier trusted the keys shipped in the package (opt-in).
    PackageKeysTrusted,
    /// A record's bytes are not its RFC 8785 canonical form.
    NotCanonical,
    /// A record's hash differs from the catalogue's.
    RecordHashMismatch,
    /// A proof is for another leaf, index, size or profile than its record.
    ProofMismatch,
    /// A proof does not lead to the checkpoint root.
    ProofInvalid,
    /// The case stream has a gap, a duplicate or starts elsewhere than 1.
    SequenceGap,
    /// A record's `prev` is not the previous record's hash.
    ChainBroken,
    /// A record belongs to another stream or case.
    WrongStream,
    /// A record references a file neither in `media/` nor listed as external.
    MissingMedia,
    /// A referenced file is only a storage reference.
    ExternalMedia,
    /// Catalogue items go back a stage, or name an unknown stage.
    StageOrder,
    /// The catalogue disagrees with a record (type, date, seq, files).
    CatalogueMismatch,
    /// A cover field required by R29-b is empty.
    CoverIncomplete,
    /// A record's content is withheld (R30-d); only its hash is proven.
    WithheldRecord,
    /// Records carry confidentiality labels (R30-d).
    LabelledRecords,
    /// Manifest, cover, catalogue and records disagree on the case.
    CaseMismatch,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The property it bears on.
    pub property: Property,
    /// Fail or warn.
    pub severity: Severity,
    /// What kind of finding.
    pub code: Code,
    /// The file (`records/000003.json`) or part (`package`) it is about.
    pub subject: String,
    /// Chinese explanation.
    pub zh: String,
    /// English explanation.
    pub en: String,
}

/// Result for one property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyResult {
    /// The property.
    pub property: Property,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// False when verification stopped before checking it (hostile package).
    pub checked: bool,
    /// True when checked with no failing finding.
    pub ok: bool,
    /// Failing findings.
    pub failures: usize,
    /// Warnings.
    pub warnings: usize,
}

/// The verification report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Case id from the manifest, when readable.
    pub case_id: Option<String>,
    /// 案号, when readable.
    pub case_number: Option<String>,
    /// Checkpoint origin and size, when readable.
    pub checkpoint: Option<(String, u64)>,
    /// Records checked.
    pub records: u64,
    /// Media files checked.
    pub media_files: u64,
    /// Bytes read (uncompressed).
    pub bytes: u64,
    /// True when the package was refused as unsafe before its content was read.
    pub refused: bool,
    /// Findings, in the order found.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether the package passed: no failing finding.
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Fail)
    }

    /// Results of the four properties.
    pub fn properties(&self) -> Vec<PropertyResult> {
        Property::ALL
            .iter()
            .map(|&property| {
                let of = |severity| {
                    self.findings
                        .iter()
                        .filter(|f| f.property == property && f.severity == severity)
                        .count()
                };
                let failures = of(Severity::Fail);
                let checked = !self.refused || property == Property::Security;
                PropertyResult {
                    property,
                    zh: property.zh(),
                    en: property.en(),
                    checked,
                    ok: checked && failures == 0,
                    failures,
                    warnings: of(Severity::Warn),
                }
            })
            .collect()
    }

    /// Whether some failing finding has this code and names this subject.
    pub fn fails(&self, code: Code, subject: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Fail && f.code == code && f.subject == subject)
    }

    /// Subjects of failing findings, de-duplicated, in order.
    pub fn failing_subjects(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for finding in self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Fail)
        {
            if !out.contains(&finding.subject.as_str()) {
                out.push(&finding.subject);
            }
        }
        out
    }

    pub(crate) fn push(
        &mut self,
        property: Property,
        severity: Severity,
        code: Code,
        subject: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.findings.push(Finding {
            property,
            severity,
            code,
            subject: subject.into(),
            zh: zh.into(),
            en: en.into(),
        });
    }

    pub(crate) fn fail(
        &mut self,
        property: Property,
        code: Code,
        subject: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.push(property, Severity::Fail, code, subject, zh, en);
    }

    pub(crate) fn warn(
        &mut self,
        property: Property,
        code: Code,
        subject: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.push(property, Severity::Warn, code, subject, zh, en);
    }

    /// The report as bilingual text, as `liuhen verify` prints it.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let verdict = if self.ok() {
            "通过 PASSED"
        } else {
            "未通过 FAILED"
        };
        let _ = writeln!(out, "案卷验证 case-file verification: {verdict}");
        if let Some(case_id) = &self.case_id {
            let _ = writeln!(
                out,
                "案件 case: {case_id}  案号 case number: {}",
                self.case_number.as_deref().unwrap_or("—")
            );
        }
        if let Some((origin, size)) = &self.checkpoint {
            let _ = writeln!(out, "检查点 checkpoint: {origin} @ {size}");
        }
        let _ = writeln!(
            out,
            "记录 records: {}  媒体文件 media files: {}  读取字节 bytes read: {}",
            self.records, self.media_files, self.bytes
        );
        if self.refused {
            let _ = writeln!(
                out,
                "包结构不安全，已拒绝，未读取内容 package refused as unsafe; content not read"
            );
        }
        let _ = writeln!(out, "\n四性 the four properties:");
        for result in self.properties() {
            let state = match (result.checked, result.ok) {
                (false, _) => "未检查 not checked",
                (true, true) => "通过 ok",
                (true, false) => "未通过 FAILED",
            };
            let _ = writeln!(
                out,
                "  {} {:<13} {state}（失败 {} 项，提示 {} 项 / {} failures, {} warnings）",
                result.zh,
                result.en,
                result.failures,
                result.warnings,
                result.failures,
                result.warnings
            );
        }
        if !self.findings.is_empty() {
            let _ = writeln!(out, "\n问题 findings:");
        }
        for finding in &self.findings {
            let level = match finding.severity {
                Severity::Fail => "失败 FAIL",
                Severity::Warn => "提示 WARN",
            };
            let _ = writeln!(
                out,
                "  [{level}] {}/{} {}: {}\n      {}",
                finding.property.zh(),
                finding.property.en(),
                finding.subject,
                finding.zh,
                finding.en
            );
        }
        out
    }
}
