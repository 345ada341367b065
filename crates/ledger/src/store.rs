//! A synchronous storage trait, an in-memory implementation and a small driver ([`Log`]) that
//! runs the sans-I/O operations against it. The SQL stores (liuhen-store) are asynchronous and
//! drive the same pure functions themselves; this module serves tests and in-memory use.

use std::collections::HashMap;

use crate::error::TreeError;
use crate::hash::{Hash, HashProfile};
use crate::proof::{ConsistencyProof, InclusionProof};
use crate::tile::{TileId, TileSet};
use crate::tree;

/// Where tiles live. Reads return the tile at whatever width it was stored with.
pub trait TileStore {
    /// The stored bytes of tile (level, index), or `None` if there is no such tile.
    fn read_tile(&self, level: u8, index: u64) -> Result<Option<Vec<u8>>, TreeError>;

    /// Stores tiles, replacing any stored tile of the same level and index. Must be atomic for
    /// the log's promise that an acknowledged append is durable and whole.
    fn write_tiles(&mut self, tiles: &[(TileId, Vec<u8>)]) -> Result<(), TreeError>;
}

/// Reads the named tiles from `store` into a [`TileSet`]; a missing tile is an error.
pub fn read_tiles<S: TileStore + ?Sized>(store: &S, ids: &[TileId]) -> Result<TileSet, TreeError> {
    let mut tiles = TileSet::new();
    for id in ids {
        let data = store
            .read_tile(id.level(), id.index())?
            .ok_or(TreeError::MissingTile(*id))?;
        tiles.insert_bytes(id.level(), id.index(), data)?;
    }
    Ok(tiles)
}

/// Tiles kept in a `HashMap`.
#[derive(Debug, Clone, Default)]
pub struct MemoryTileStore {
    tiles: HashMap<(u8, u64), Vec<u8>>,
}

impl MemoryTileStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryTileStore::default()
    }

    /// Number of stored tiles.
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    /// Whether no tile is stored.
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// Mutable access to a stored tile's bytes, for tamper tests.
    pub fn tile_mut(&mut self, level: u8, index: u64) -> Option<&mut Vec<u8>> {
        self.tiles.get_mut(&(level, index))
    }
}

impl TileStore for MemoryTileStore {
    fn read_tile(&self, level: u8, index: u64) -> Result<Option<Vec<u8>>, TreeError> {
        Ok(self.tiles.get(&(level, index)).cloned())
    }

    fn write_tiles(&mut self, tiles: &[(TileId, Vec<u8>)]) -> Result<(), TreeError> {
        for (id, data) in tiles {
            self.tiles.insert((id.level(), id.index()), data.clone());
        }
        Ok(())
    }
}

/// A log over a synchronous [`TileStore`]: keeps the tree head in memory and drives the
/// sans-I/O functions of [`crate::tree`].
#[derive(Debug)]
pub struct Log<S> {
    profile: HashProfile,
    size: u64,
    root: Hash,
    store: S,
}

impl<S: TileStore> Log<S> {
    /// An empty log.
    pub fn new(profile: HashProfile, store: S) -> Self {
        Log {
            profile,
            size: 0,
            root: profile.empty_root(),
            store,
        }
    }

    /// Opens a log of `size` leaves whose tiles are in `store`, recomputing its root.
    pub fn open(profile: HashProfile, size: u64, store: S) -> Result<Self, TreeError> {
        let tiles = read_tiles(&store, &tree::tiles_needed_for_root(size))?;
        let root = tree::tree_root(profile, size, &tiles)?;
        Ok(Log {
            profile,
            size,
            root,
            store,
        })
    }

    /// The hash profile.
    pub fn profile(&self) -> HashProfile {
        self.profile
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Current root.
    pub fn root(&self) -> Hash {
        self.root
    }

    /// The underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The underlying store, mutably (for tamper tests).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// Appends leaves given by their data; returns the index of the first.
    pub fn append<D: AsRef<[u8]>>(&mut self, leaves: &[D]) -> Result<u64, TreeError> {
        let hashes: Vec<Hash> = leaves
            .iter()
            .map(|leaf| self.profile.leaf_hash(leaf.as_ref()))
            .collect();
        self.append_hashes(&hashes)
    }

    /// Appends leaves given by their leaf hashes; returns the index of the first.
    pub fn append_hashes(&mut self, leaf_hashes: &[Hash]) -> Result<u64, TreeError> {
        let tiles = read_tiles(&self.store, &tree::tiles_needed_for_append(self.size))?;
        let outcome = tree::append(self.profile, self.size, &tiles, leaf_hashes)?;
        self.store.write_tiles(&outcome.tiles)?;
        self.size = outcome.new_size;
        self.root = outcome.root;
        Ok(outcome.old_size)
    }

    /// The root of the tree of `size` leaves (`size <= self.size()`).
    pub fn root_at(&self, size: u64) -> Result<Hash, TreeError> {
        if size > self.size {
            return Err(TreeError::OutOfRange {
                what: "tree size",
                size: self.size,
            });
        }
        let tiles = read_tiles(&self.store, &tree::tiles_needed_for_root(size))?;
        tree::tree_root(self.profile, size, &tiles)
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn prove_inclusion(&self, index: u64, size: u64) -> Result<InclusionProof, TreeError> {
        if size > self.size {
            return Err(TreeError::OutOfRange {
                what: "tree size",
                size: self.size,
            });
        }
        let mut ids = tree::tiles_needed_for_inclusion(index, size)?;
        ids.push(tree::tile_needed_for_leaf_hash(index));
        let tiles = read_tiles(&self.store, &ids)?;
        Ok(InclusionProof {
            profile: self.profile,
            index,
            size,
            leaf_hash: tree::stored_leaf_hash(self.profile, index, &tiles)?,
            hashes: tree::prove_inclusion(self.profile, index, size, &tiles)?,
        })
    }

    /// The consistency proof between sizes `old_size <= new_size <= self.size()`.
    pub fn prove_consistency(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<ConsistencyProof, TreeError> {
        if new_size > self.size {
            return Err(TreeError::OutOfRange {
                what: "tree size",
                size: self.size,
            });
        }
        let tiles = read_tiles(
            &self.store,
            &tree::tiles_needed_for_consistency(old_size, new_size)?,
        )?;
        Ok(ConsistencyProof {
            profile: self.profile,
            old_size,
            new_size,
            hashes: tree::prove_consistency(self.profile, old_size, new_size, &tiles)?,
        })
    }
}
