//! Bridge from the case store to the verifiable log ([`crate::log`]): opening the log on the
//! store's pools, appending record hashes inside the store's write transaction, and mapping the
//! log's errors onto the port's [`StoreError`] variants.

use liuhen_core::ports::{Digest32, LogState, StoreError};
use liuhen_ledger::error::TreeError;
use liuhen_ledger::hash::HashProfile;

use super::convert::backend;
use super::error::SqlStoreError;
use crate::log::{self, LogConn, LogError, LogMeta, SqlLog};

/// Maps a log error: out-of-range requests are `NotFound`, bad stored data is `Corrupt`, the rest
/// is a backend failure.
pub(crate) fn log_error(error: LogError) -> StoreError {
    match error {
        LogError::OutOfRange { .. } => StoreError::NotFound(error.to_string()),
        LogError::CorruptMeta(_)
        | LogError::Damaged(_)
        | LogError::Tree(TreeError::MissingTile(_) | TreeError::MalformedTile { .. }) => {
            StoreError::Corrupt(error.to_string())
        }
        other => backend(SqlStoreError::Log(other)),
    }
}

/// Creates the log's metadata row if there is none (with `profile` and `origin`); otherwise
/// checks that the stored log has `profile` (a log never changes profile: record hashes and
/// proofs depend on it) and, when given, `origin`.
pub(crate) async fn open(
    log: &SqlLog,
    profile: HashProfile,
    origin: Option<&str>,
) -> Result<LogMeta, SqlStoreError> {
    match log.meta().await {
        Ok(meta)
            if meta.profile == profile && origin.is_none_or(|origin| origin == meta.origin) =>
        {
            Ok(meta)
        }
        Ok(meta) => Err(SqlStoreError::Log(LogError::AlreadyInitialized {
            profile: meta.profile,
            origin: meta.origin,
        })),
        Err(LogError::NotInitialized) => log
            .init(profile, origin.unwrap_or(super::DEFAULT_ORIGIN))
            .await
            .map_err(SqlStoreError::Log),
        Err(error) => Err(SqlStoreError::Log(error)),
    }
}

/// Appends `record_hashes` as leaves (leaf hash `H(0x00 ‖ record_hash)`, RFC 9162 §2.1.1) in
/// the caller's transaction, which the caller commits or drops; returns the first leaf index.
pub(crate) async fn append_in(
    conn: LogConn<'_>,
    record_hashes: &[Digest32],
) -> Result<u64, StoreError> {
    let receipt = log::append_in(conn, record_hashes)
        .await
        .map_err(log_error)?;
    Ok(receipt.first_index)
}

/// The log's size and root.
pub(crate) async fn state(log: &SqlLog) -> Result<LogState, StoreError> {
    let meta = log.meta().await.map_err(log_error)?;
    Ok(LogState {
        size: meta.size,
        root: *meta.root.as_bytes(),
    })
}

/// Inclusion proof of leaf `index` in the tree of `size` leaves.
pub(crate) async fn prove_inclusion(
    log: &SqlLog,
    index: u64,
    size: u64,
) -> Result<Vec<Digest32>, StoreError> {
    let proof = log
        .prove_inclusion(index, Some(size))
        .await
        .map_err(log_error)?;
    Ok(proof.hashes.iter().map(|hash| *hash.as_bytes()).collect())
}

/// Consistency proof between sizes `old` and `new` (requires `0 < old <= new <= size`; RFC 9162
/// defines no useful proof from the empty tree).
pub(crate) async fn prove_consistency(
    log: &SqlLog,
    old: u64,
    new: u64,
) -> Result<Vec<Digest32>, StoreError> {
    let proof = log
        .prove_consistency(old, Some(new))
        .await
        .map_err(log_error)?;
    Ok(proof.hashes.iter().map(|hash| *hash.as_bytes()).collect())
}
