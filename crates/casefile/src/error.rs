//! Errors of exporting a case file. Verification never returns an error: every problem of a
//! package is a [`crate::report::Finding`] in the report.

use liuhen_core::error::CoreError;
use liuhen_ledger::error::VerifyError;
use liuhen_ledger::note::NoteError;

/// Why an export failed. Nothing usable was written when this is returned; a caller writing to
/// a file should write to a temporary name and remove it.
#[derive(Debug, thiserror::Error)]
pub enum CasefileError {
    /// The core refused or failed: the case is not readable by the caller (reported as not
    /// found, never revealing other bodies' cases), or the store failed.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The case stream is empty or does not start with `sys_case_opened`.
    #[error("案件 {0} 没有可导出的记录")]
    EmptyCase(String),
    /// A stored record is inconsistent with its hash, its sequence or its log proof; the export
    /// stops rather than package data that cannot verify (R4-a integrity alert).
    #[error("存储数据不一致：{0}")]
    Inconsistent(String),
    /// No signer was given, or signing the checkpoint failed.
    #[error("签署检查点失败：{0}")]
    Signing(#[from] NoteError),
    /// An inclusion proof from the store does not verify against the log root.
    #[error("包含证明不成立：{0}")]
    Proof(#[from] VerifyError),
    /// A media file's bytes differ from the hashes or size its record commits to (R4-a: hashes
    /// are re-verified at archiving, R29-b). Names the SHA-256 address.
    #[error("媒体文件 {sha256} 与记录中的哈希不符（R4-a）")]
    MediaMismatch {
        /// The blob address.
        sha256: String,
    },
    /// A media file required by the export policy is not in the blob store.
    #[error("媒体文件 {sha256} 不在文件存储中")]
    MediaMissing {
        /// The blob address.
        sha256: String,
    },
    /// Reading a media file or writing the package failed.
    #[error("读写失败：{0}")]
    Io(#[from] std::io::Error),
    /// The ZIP writer failed.
    #[error("写入 ZIP 失败：{0}")]
    Zip(#[from] zip::result::ZipError),
    /// Serialising a package document failed.
    #[error("生成 JSON 失败：{0}")]
    Json(#[from] serde_json::Error),
}
