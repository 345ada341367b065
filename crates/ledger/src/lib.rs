//! liuhen-ledger provides the verifiable record log of liuhen (留痕): an append-only Merkle tree
//! as in RFC 9162 §2.1, with inclusion and consistency proofs, in two hash profiles (SM3, the
//! default, and SHA-256). It is the technical basis of R4 (可追溯), R26 (有据可查) and R28
//! (不得自行保管): once a record is a leaf, nobody can change, reorder or drop it without the
//! proofs failing against a published checkpoint.
//!
//! # Brief overview
//!
//! * [`hash::HashProfile`] and [`hash::Hash`]: `leaf_hash` = `H(0x00 ‖ d)`, `parent_hash` = `H(0x01 ‖ l ‖ r)`.
//! * [`tree`]: the sans-I/O operations. [`tree::append`], [`tree::tree_root`],
//!   [`tree::prove_inclusion`] and [`tree::prove_consistency`] are pure functions over a
//!   [`tile::TileSet`]; `tree::tiles_needed_for_*` say which tiles to read first.
//! * [`verify`]: [`verify::verify_inclusion`] and [`verify::verify_consistency`] need no store.
//! * [`proof`]: [`proof::InclusionProof`] / [`proof::ConsistencyProof`] and their JSON form
//!   (docs/formats/proof.md).
//! * [`checkpoint`], [`note`], [`signer`]: C2SP signed-note checkpoints signed with SM2 and
//!   Ed25519 through the [`signer::Signer`] trait.
//! * [`store`]: a synchronous [`store::TileStore`] trait, [`store::MemoryTileStore`] and the
//!   [`store::Log`] driver.
//!
//! # Design: tiles and no I/O
//!
//! Tree hashes are stored as C2SP `tlog-tiles` (see [`tile`]): each tile holds 256 hashes of
//! one tree level in eight, and the right edge of the tree is a partial tile that is rewritten as
//! the tree grows. Appending reads only the right-edge tiles (at most one per tile level) and
//! hashes one parent per leaf (amortised) plus at most 255 per tile level; a proof reads at most
//! two tiles per tile level (O(log n)).
//!
//! The crate performs no I/O. Every operation is split in two: a `tiles_needed_for_*` function
//! names the tiles, the caller reads them, and a pure function computes. The SQL stores are
//! asynchronous and a case store must add its leaves in the *same* database transaction as the
//! record rows; with this split the ledger does not care which runtime, driver or transaction the
//! tiles come from. The rejected alternative, an async storage trait inside the ledger, would tie
//! the pure core to one runtime and make "inside the caller's transaction" awkward to express.
//!
//! Every stored byte and every proof byte is untrusted: malformed input gives an error value
//! ([`error::TreeError`], [`error::VerifyError`], [`error::DecodeError`]), never a panic.
//!
//! # Example
//!
//! ```
//! use liuhen_ledger::store::{Log, MemoryTileStore};
//! use liuhen_ledger::hash::HashProfile;
//! use liuhen_ledger::verify::{self, TreeHead};
//!
//! let mut log = Log::new(HashProfile::Sm3, MemoryTileStore::new());
//! let first = log.append(&[b"record 0".as_slice(), b"record 1", b"record 2"])?;
//! assert_eq!((first, log.size()), (0, 3));
//!
//! // A verifier holding only the root (from a signed checkpoint), the leaf and the proof:
//! let proof = log.prove_inclusion(1, 3)?;
//! let leaf_hash = HashProfile::Sm3.leaf_hash(b"record 1");
//! verify::verify_inclusion(HashProfile::Sm3, &leaf_hash, 1, 3, &proof.hashes, &log.root())?;
//!
//! // Growing the log keeps the old tree as a prefix:
//! let old_root = log.root();
//! log.append(&[b"record 3".as_slice()])?;
//! let consistency = log.prove_consistency(3, 4)?;
//! let old_head = TreeHead { size: 3, root: old_root };
//! consistency.verify(&old_head, &TreeHead { size: 4, root: log.root() })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Driving the sans-I/O functions directly, as an SQL store does inside its transaction:
//!
//! ```
//! use liuhen_ledger::hash::HashProfile;
//! use liuhen_ledger::tile::TileSet;
//! use liuhen_ledger::tree;
//!
//! # fn select_tile(_level: u8, _index: u64) -> Vec<u8> { vec![0; 32] }
//! let profile = HashProfile::Sha256;
//! let size = 0; // read from the log's metadata row
//! let mut tiles = TileSet::new();
//! for id in tree::tiles_needed_for_append(size) {
//!     // SELECT data FROM log_tiles WHERE level = id.level() AND idx = id.index()
//!     let data = select_tile(id.level(), id.index());
//!     tiles.insert_bytes(id.level(), id.index(), data)?;
//! }
//! let outcome = tree::append(profile, size, &tiles, &[profile.leaf_hash(b"leaf")])?;
//! // UPSERT each of outcome.tiles, UPDATE size/root, INSERT the leaf rows, then COMMIT.
//! assert_eq!(outcome.new_size, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod checkpoint;
pub mod error;
pub mod hash;
pub mod note;
pub mod proof;
pub mod signer;
pub mod store;
pub mod tile;
pub mod tree;
pub mod verify;
