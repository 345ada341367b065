//! Errors of the ledger, one enum per concept: building and reading the tree ([`TreeError`]),
//! checking a proof ([`VerifyError`]) and decoding outside bytes ([`DecodeError`]).

use crate::tile::TileId;

/// An error while appending to the tree, reading stored tiles or generating a proof.
///
/// Every stored byte is outside input (R4, R28: an administrator with database access must not be
/// able to change the log unnoticed), so a malformed tile is an error value, never a panic.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// A tile the computation needs was not in the [`crate::tile::TileSet`] given to it.
    #[error("missing tile {0}")]
    MissingTile(TileId),
    /// A stored tile is narrower than the tree size implies (it lacks hashes that must exist).
    #[error("tile {tile} holds {have} hashes but at least {need} are needed")]
    TileTooNarrow {
        /// The tile, at the width it was found with.
        tile: TileId,
        /// Number of hashes it holds.
        have: u16,
        /// Number of hashes the tree size requires.
        need: u16,
    },
    /// Tile bytes whose length is not 32 × width, or a width outside 1..=256.
    #[error("malformed tile at level {level} index {index}: {reason}")]
    MalformedTile {
        /// Tile level.
        level: u8,
        /// Tile index.
        index: u64,
        /// What is wrong.
        reason: &'static str,
    },
    /// A leaf index at or beyond the tree size, or an old size beyond the new one.
    #[error("index or size out of range: {what} (tree size {size})")]
    OutOfRange {
        /// Which value is out of range.
        what: &'static str,
        /// The tree size the value was checked against.
        size: u64,
    },
    /// The tree would grow beyond 2^63 leaves (sizes are stored as signed 64-bit integers).
    #[error("tree size overflow")]
    SizeOverflow,
    /// The storage behind a [`crate::store::TileStore`] failed.
    #[error("storage: {0}")]
    Storage(String),
}

/// Why a proof did not verify (RFC 9162 §2.1.3.2, §2.1.4.2).
///
/// Success of a verification only proves what the RFC says it proves: that the leaf hash is at
/// that index of the tree with that root, or that the old tree is a prefix of the new one. It does
/// NOT prove that the root is the log's genuine root; that needs a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The leaf index is not smaller than the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The claimed leaf index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// The old size is larger than the new size.
    #[error("old size {old} is larger than new size {new}")]
    SizesReversed {
        /// Claimed old size.
        old: u64,
        /// Claimed new size.
        new: u64,
    },
    /// A proof document is for another tree size than the tree head it is checked against.
    #[error("the proof is for tree size {proof} but the tree head has size {head}")]
    SizeMismatch {
        /// Size named in the proof.
        proof: u64,
        /// Size of the tree head (checkpoint).
        head: u64,
    },
    /// A consistency proof from the empty tree (old size 0), which proves nothing.
    #[error("consistency from the empty tree proves nothing")]
    EmptyOldTree,
    /// The proof has more or fewer hashes than the sizes require.
    #[error("proof has the wrong number of hashes ({0})")]
    WrongProofLength(usize),
    /// The root computed from the proof differs from the expected root.
    #[error("computed root does not match the expected root")]
    RootMismatch,
    /// In a consistency proof, the computed old root differs from the expected old root.
    #[error("computed old root does not match the expected old root")]
    OldRootMismatch,
}

/// Bytes from outside (a proof file, a hex string) that cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A hash is not exactly 32 bytes.
    #[error("a hash must be 32 bytes, got {0}")]
    HashLength(usize),
    /// A string is not valid hexadecimal.
    #[error("invalid hex: {0}")]
    Hex(String),
    /// A hash profile name other than `sm3` or `sha256`.
    #[error("unknown hash profile {0:?} (expected sm3 or sha256)")]
    UnknownProfile(String),
    /// A proof document is not valid JSON of the documented shape (docs/formats/proof.md).
    #[error("invalid proof document: {0}")]
    ProofDocument(String),
}
