//! The signed checkpoint shown on the portal (home, item pages, "how to verify"), signed once
//! per log state.
//!
//! # Why a cache
//! Every item page shows the checkpoint its inclusion proof is checked against (D11-b "verify"
//! section). Signing is deterministic in what it vouches for — origin, size and root — so a
//! note signed for the current (size, root) is as good as a fresh one; signing it again on
//! every page view only spent an SM2 signature per anonymous request, which made the public
//! portal a cheap way to burn the server's CPU. The cache holds the note of the latest state
//! and is replaced as soon as the log moves.

use std::sync::Mutex;

use liuhen_ledger::checkpoint::{Checkpoint, sign_checkpoint};
use liuhen_ledger::signer::Signer;

use super::PageError;
use super::view::CheckpointView;
use crate::state::AppState;

/// The note signed for the latest log state seen (at most one entry).
#[derive(Debug, Default)]
pub(crate) struct CheckpointCache {
    latest: Mutex<Option<CheckpointView>>,
}

impl CheckpointCache {
    /// The signed checkpoint of the log as it is now: the cached note when the log has not
    /// moved since it was signed, else a new one (which replaces it).
    pub(crate) async fn current(&self, app: &AppState) -> Result<CheckpointView, PageError> {
        let state = app.services.log_state().await?;
        let root_hex = hex::encode(state.root);
        if let Ok(latest) = self.latest.lock()
            && let Some(view) = latest.as_ref()
            && view.size == state.size
            && view.root_hex == root_hex
        {
            return Ok(view.clone());
        }
        let keys = &app.log_keys;
        let checkpoint = Checkpoint::new(&keys.origin, state.size, state.root)
            .map_err(|err| PageError::Internal(format!("checkpoint: {err}")))?;
        let signers: Vec<&dyn Signer> = keys.signers.iter().map(|s| s.as_ref()).collect();
        let note = sign_checkpoint(&checkpoint, &signers)
            .map_err(|err| PageError::Internal(format!("signing: {err}")))?;
        let signature_lines = note
            .lines()
            .filter(|line| line.starts_with('\u{2014}'))
            .map(str::to_owned)
            .collect();
        let view = CheckpointView {
            origin: keys.origin.clone(),
            size: state.size,
            root_hex,
            note,
            signature_lines,
        };
        if let Ok(mut latest) = self.latest.lock() {
            // A slower request may bring an older state: keep the larger log.
            if latest.as_ref().is_none_or(|kept| kept.size <= view.size) {
                *latest = Some(view.clone());
            }
        }
        Ok(view)
    }
}
