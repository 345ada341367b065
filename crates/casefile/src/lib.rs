//! liuhen-casefile exports a case as a verifiable case file (案卷, R26, R29-b) and verifies such
//! a package offline, reporting the four properties of archives (档案 四性).
//!
//! # Brief overview
//!
//! * [`write::prepare`] gathers a case through the core's `Services` (scope checked, export
//!   audited, R4-b), with an inclusion proof of every record and a checkpoint signed by the
//!   log's signers; [`write::CaseFile::write`] streams the ZIP, media included, into any
//!   `Write`. Media come from a [`write::MediaSource`] (the blob store).
//! * [`verify::verify_package`] checks a package read from any `Read + Seek` against trusted
//!   verifier keys within [`verify::Limits`] and returns a [`report::Report`].
//! * [`format`] defines the files (docs/formats/casefile.md).
//!
//! # Design: the manifest is bound to the signed checkpoint
//!
//! The package is not signed as a whole. Its trust comes from the log: each record's hash is a
//! leaf proven into a checkpoint. To make the *manifest* (and through it every file, media
//! included) tamper-evident too, the checkpoint signed for the export carries one C2SP extension
//! line `liuhen-casefile-manifest <case> sha256=… sm3=…` with the manifest's hashes. A verifier
//! holding only the published verifier key thus detects a change to any byte of any file. The
//! rejected alternative — a separate signature over the manifest with the log key — would use
//! one key for two kinds of statement; the extension keeps a single signed object whose first
//! three lines are an ordinary checkpoint of the log.
//!
//! # Example
//!
//! ```no_run
//! # async fn example(
//! #     services: &liuhen_core::service::Services,
//! #     ctx: &liuhen_core::service::Ctx,
//! #     signer: &liuhen_ledger::signer::Sm2Signer,
//! # ) -> Result<(), Box<dyn std::error::Error>> {
//! use liuhen_casefile::verify::{Limits, TrustedKeys, verify_package};
//! use liuhen_casefile::write::{ExportOptions, LogSigning, NoMedia, prepare};
//! use liuhen_core::ids::CaseId;
//!
//! let verifier_key = signer.verifier_key();
//! let signing = LogSigning {
//!     origin: "zfj.example/liuhen",
//!     signers: &[signer],
//!     verifier_keys: std::slice::from_ref(&verifier_key),
//! };
//! let case_file = prepare(services, ctx, &CaseId::new("c1")?, &signing, &NoMedia,
//!                         &ExportOptions::default()).await?;
//! let bytes = case_file.write(Vec::new(), &NoMedia)?;
//!
//! let trust = TrustedKeys { keys: vec![verifier_key], use_package_keys: false };
//! let report = verify_package(std::io::Cursor::new(bytes), &trust, &Limits::default());
//! assert!(report.ok(), "{}", report.render_text());
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod digest;
pub mod error;
pub mod format;
pub mod report;
pub mod verify;
pub mod write;
