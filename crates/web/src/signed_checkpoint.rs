//! The log's signed checkpoint (C2SP signed note), signed once per log state.
//!
//! # Why a cache
//! The checkpoint is public: `GET /api/v1/log/checkpoint` serves it, and every portal item page
//! shows the one its inclusion proof is checked against (D11-b "verify" section). What a note
//! vouches for is the origin, size and root only, so a note signed for the current (size, root)
//! is as good as a fresh one; signing again on every request spent an SM2 signature per
//! anonymous request, which made the public pages a cheap way to burn the server's CPU. The
//! cache holds the note of the latest state and is replaced as soon as the log moves.

use std::sync::Mutex;

use liuhen_core::error::CoreError;
use liuhen_ledger::checkpoint::{Checkpoint, sign_checkpoint};
use liuhen_ledger::signer::Signer;

use crate::state::AppState;

/// A note signed for one log state.
#[derive(Debug, Clone)]
pub(crate) struct SignedNote {
    /// Log size the note vouches for.
    pub(crate) size: u64,
    /// Hex of the root hash at that size.
    pub(crate) root_hex: String,
    /// The whole signed note (origin, size, base64 root, blank line, signature lines).
    pub(crate) note: String,
}

/// Why no note could be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NoteError {
    /// The log state could not be read.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The checkpoint could not be built or signed (a key or origin problem).
    #[error("checkpoint: {0}")]
    Signing(String),
}

/// The note signed for the latest log state seen (at most one entry).
#[derive(Debug, Default)]
pub(crate) struct CheckpointCache {
    latest: Mutex<Option<SignedNote>>,
}

impl CheckpointCache {
    /// The signed checkpoint of the log as it is now: the cached note when the log has not
    /// moved since it was signed, else a new one (which replaces it).
    pub(crate) async fn current(&self, app: &AppState) -> Result<SignedNote, NoteError> {
        let state = app.services.log_state().await?;
        let root_hex = hex::encode(state.root);
        if let Ok(latest) = self.latest.lock()
            && let Some(kept) = latest.as_ref()
            && kept.size == state.size
            && kept.root_hex == root_hex
        {
            return Ok(kept.clone());
        }
        let keys = &app.log_keys;
        let checkpoint = Checkpoint::new(&keys.origin, state.size, state.root)
            .map_err(|err| NoteError::Signing(err.to_string()))?;
        let signers: Vec<&dyn Signer> = keys.signers.iter().map(|s| s.as_ref()).collect();
        let note = sign_checkpoint(&checkpoint, &signers)
            .map_err(|err| NoteError::Signing(err.to_string()))?;
        let signed = SignedNote {
            size: state.size,
            root_hex,
            note,
        };
        if let Ok(mut latest) = self.latest.lock() {
            // A slower request may bring an older state: keep the larger log.
            if latest.as_ref().is_none_or(|kept| kept.size <= signed.size) {
                *latest = Some(signed.clone());
            }
        }
        Ok(signed)
    }
}
