//! Tile-shaped storage of tree hashes, following the C2SP `tlog-tiles` layout and the structure
//! of Go's `golang.org/x/mod/sumdb/tlog`.
//!
//! A tile at tile level `L` and index `N` holds up to 256 consecutive hashes of tree level `8·L`
//! (level 0 = leaf hashes): positions `256·N .. 256·N + width`. Tree levels between two tile levels
//! are not stored; a node at tree level `8·L + s` (0 ≤ s < 8) is recomputed from the 2^s hashes of
//! its tile that it covers (at most 127 parent hashes). A tile on the right edge of the tree is
//! *partial* (width < 256) and is rewritten, wider, as the tree grows; a full tile never changes.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use crate::error::TreeError;
use crate::hash::{Hash, HashProfile};

/// Tree levels per tile: a tile is a subtree of height 8 (C2SP tlog-tiles).
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile (2^[`TILE_HEIGHT`]).
pub const TILE_WIDTH: u64 = 256;
/// Tile levels needed for any tree of at most 2^64 leaves.
pub const MAX_TILE_LEVELS: u8 = 8;

/// The name of a tile: tile level, index, and width (number of hashes, 1..=256).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    // INVARIANT: level < MAX_TILE_LEVELS, 1 <= width <= 256.
    level: u8,
    index: u64,
    width: u16,
}

impl TileId {
    /// Names a tile; fails for a level ≥ 8 or a width outside 1..=256.
    pub fn new(level: u8, index: u64, width: u16) -> Result<Self, TreeError> {
        if level >= MAX_TILE_LEVELS {
            return Err(TreeError::MalformedTile {
                level,
                index,
                reason: "tile level above 7",
            });
        }
        if !(1..=TILE_WIDTH as u16).contains(&width) {
            return Err(TreeError::MalformedTile {
                level,
                index,
                reason: "width outside 1..=256",
            });
        }
        Ok(TileId {
            level,
            index,
            width,
        })
    }

    /// Tile level `L`: the tile holds hashes of tree level `8·L`.
    pub fn level(&self) -> u8 {
        self.level
    }

    /// Index of the tile within its level.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Number of hashes in the tile.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Whether the tile holds all 256 hashes (and so will never change again).
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The tile's path in the C2SP tlog-tiles layout: `tile/<L>/<N>[.p/<W>]`, where `N` is
    /// written in groups of three digits, all but the last prefixed by `x`
    /// (1234067 → `x001/x234/067`), and `.p/<W>` marks a partial tile of width `W`.
    pub fn path(&self) -> String {
        let mut digits = format!("{:03}", self.index % 1000);
        let mut rest = self.index / 1000;
        while rest > 0 {
            digits = format!("x{:03}/{digits}", rest % 1000);
            rest /= 1000;
        }
        if self.is_full() {
            format!("tile/{}/{digits}", self.level)
        } else {
            format!("tile/{}/{digits}.p/{}", self.level, self.width)
        }
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl fmt::Debug for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TileId({})", self.path())
    }
}

/// A node of the tree: the root of the perfect subtree of height `level` covering leaves
/// `index·2^level .. (index+1)·2^level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NodeId {
    pub(crate) level: u8,
    pub(crate) index: u64,
}

impl NodeId {
    /// The tile holding the hashes this node is computed from, at the width needed.
    pub(crate) fn tile(self) -> TileId {
        let sub = u32::from(self.level % TILE_HEIGHT);
        let start = self.index << sub;
        let end_in_tile = (start & (TILE_WIDTH - 1)) + (1u64 << sub);
        TileId {
            level: self.level / TILE_HEIGHT,
            index: start >> TILE_HEIGHT,
            // This cannot exceed 256: `start` is a multiple of 2^sub and 2^sub <= 128.
            width: end_in_tile as u16,
        }
    }
}

/// The tiles a computation reads, keyed by (level, index), each at the width it was stored with.
///
/// Callers fill it with the tiles named by `tiles_needed_for_*`; a stored tile may be wider than
/// the id asked for (the tree has grown since), which is fine because hashes of complete
/// subtrees never change.
///
/// A set also memoises the interior node hashes it recomputes (tree levels between two tile
/// levels), so a long-lived set — a proof server's cache of committed tiles — answers later proofs
/// with far fewer hashes. The memo holds only hashes of complete subtrees, which never change, so
/// it stays valid when tiles are replaced by wider ones or removed.
#[derive(Debug, Default)]
pub struct TileSet {
    tiles: HashMap<(u8, u64), Vec<u8>>,
    memo: Mutex<HashMap<(HashProfile, u8, u64), Hash>>,
}

/// Interior node hashes a [`TileSet`] memoises before it starts over (32 MiB of hashes).
const MEMO_CAPACITY: usize = 1 << 20;

impl Clone for TileSet {
    fn clone(&self) -> Self {
        TileSet {
            tiles: self.tiles.clone(),
            memo: Mutex::new(HashMap::new()),
        }
    }
}

impl TileSet {
    /// An empty set.
    pub fn new() -> Self {
        TileSet::default()
    }

    /// Adds a tile's bytes (32 × width). Fails if the length does not match the id's width.
    pub fn insert(&mut self, tile: TileId, data: Vec<u8>) -> Result<(), TreeError> {
        if data.len() != usize::from(tile.width) * Hash::LEN {
            return Err(TreeError::MalformedTile {
                level: tile.level,
                index: tile.index,
                reason: "data length is not 32 × width",
            });
        }
        self.tiles.insert((tile.level, tile.index), data);
        Ok(())
    }

    /// Adds tile bytes read from storage with their level and index; the width is derived from the
    /// length, which must be a positive multiple of 32 up to 8192.
    pub fn insert_bytes(&mut self, level: u8, index: u64, data: Vec<u8>) -> Result<(), TreeError> {
        let width = data.len() / Hash::LEN;
        if !data.len().is_multiple_of(Hash::LEN) || width == 0 || width > TILE_WIDTH as usize {
            return Err(TreeError::MalformedTile {
                level,
                index,
                reason: "data length is not 32 × width with 1 ≤ width ≤ 256",
            });
        }
        let tile = TileId::new(level, index, width as u16)?;
        self.insert(tile, data)
    }

    /// The stored bytes of tile (level, index), if present.
    pub fn get(&self, level: u8, index: u64) -> Option<&[u8]> {
        self.tiles.get(&(level, index)).map(Vec::as_slice)
    }

    /// Whether tile (level, index) is present.
    pub fn contains(&self, level: u8, index: u64) -> bool {
        self.tiles.contains_key(&(level, index))
    }

    /// Number of tiles in the set.
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// The hashes `[offset, offset + count)` of the tile named by `tile` (whose width says how many
    /// hashes must at least be present).
    fn hashes(&self, tile: TileId, offset: usize, count: usize) -> Result<&[u8], TreeError> {
        let data = self
            .get(tile.level, tile.index)
            .ok_or(TreeError::MissingTile(tile))?;
        let have = data.len() / Hash::LEN;
        let need = offset + count;
        if have < need {
            let have_tile = TileId {
                width: have.max(1) as u16,
                ..tile
            };
            return Err(TreeError::TileTooNarrow {
                tile: have_tile,
                have: have as u16,
                need: need as u16,
            });
        }
        Ok(&data[offset * Hash::LEN..need * Hash::LEN])
    }

    /// The hash of `node`, recomputed from its tile (at most 127 parent hashes).
    pub(crate) fn node_hash(&self, profile: HashProfile, node: NodeId) -> Result<Hash, TreeError> {
        let key = (profile, node.level, node.index);
        let memoise = node.level % TILE_HEIGHT > 1;
        if memoise
            && let Ok(memo) = self.memo.lock()
            && let Some(hash) = memo.get(&key)
        {
            return Ok(*hash);
        }
        let tile = node.tile();
        let count = 1usize << (node.level % TILE_HEIGHT);
        let offset = usize::from(tile.width) - count;
        let bytes = self.hashes(tile, offset, count)?;
        let hash = reduce_perfect(profile, bytes);
        if memoise && let Ok(mut memo) = self.memo.lock() {
            if memo.len() >= MEMO_CAPACITY {
                memo.clear();
            }
            memo.insert(key, hash);
        }
        Ok(hash)
    }

    /// Removes tile (level, index), e.g. to bound a cache; memoised node hashes stay valid.
    pub fn remove(&mut self, level: u8, index: u64) -> Option<Vec<u8>> {
        self.tiles.remove(&(level, index))
    }

    /// Moves every tile of `other` into this set, keeping the wider of two versions of a tile.
    pub fn merge(&mut self, other: TileSet) {
        for (key, data) in other.tiles {
            match self.tiles.get(&key) {
                Some(existing) if existing.len() >= data.len() => {}
                _ => {
                    self.tiles.insert(key, data);
                }
            }
        }
    }
}

/// The root of a perfect subtree whose bottom row is `bytes` (a power-of-two count of hashes,
/// at most 256, concatenated).
pub(crate) fn reduce_perfect(profile: HashProfile, bytes: &[u8]) -> Hash {
    let mut row = [Hash::default(); TILE_WIDTH as usize];
    let mut count = 0;
    for (slot, chunk) in row.iter_mut().zip(bytes.chunks_exact(Hash::LEN)) {
        // chunks_exact yields exactly 32-byte chunks, so this cannot fail.
        if let Ok(hash) = Hash::from_slice(chunk) {
            *slot = hash;
        }
        count += 1;
    }
    while count > 1 {
        for position in 0..count / 2 {
            row[position] = profile.parent_hash(&row[2 * position], &row[2 * position + 1]);
        }
        count /= 2;
    }
    row[0]
}

/// The right-edge (partial) tiles of a tree of `size` leaves, at their exact widths: tile level
/// `L` has a partial tile of width `(size >> 8L) mod 256` when that is not zero.
pub(crate) fn right_edge_tiles(size: u64) -> Vec<TileId> {
    let mut tiles = Vec::new();
    for level in 0..MAX_TILE_LEVELS {
        let row_len = size >> (u32::from(level) * u32::from(TILE_HEIGHT));
        let width = row_len % TILE_WIDTH;
        if width > 0 {
            tiles.push(TileId {
                level,
                index: row_len / TILE_WIDTH,
                width: width as u16,
            });
        }
    }
    tiles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_path(level: u8, index: u64, width: u16, expect: &str) {
        let tile = TileId::new(level, index, width).unwrap();
        assert_eq!(tile.path(), expect);
    }

    #[test]
    fn tile_paths_follow_c2sp_tlog_tiles() {
        check_path(0, 0, 256, "tile/0/000");
        check_path(0, 1234067, 256, "tile/0/x001/x234/067");
        check_path(1, 5, 17, "tile/1/005.p/17");
        check_path(2, 1000, 256, "tile/2/x001/000");
    }

    #[test]
    fn tile_ids_reject_bad_levels_and_widths() {
        assert!(TileId::new(8, 0, 1).is_err());
        assert!(TileId::new(0, 0, 0).is_err());
        assert!(TileId::new(0, 0, 257).is_err());
    }

    #[test]
    fn tile_set_rejects_bytes_of_wrong_length() {
        let mut tiles = TileSet::new();
        assert!(tiles.insert_bytes(0, 0, vec![0; 33]).is_err());
        assert!(tiles.insert_bytes(0, 0, vec![]).is_err());
        assert!(tiles.insert_bytes(0, 0, vec![0; 257 * 32]).is_err());
        assert!(
            tiles
                .insert(TileId::new(0, 0, 2).unwrap(), vec![0; 32])
                .is_err()
        );
        assert!(tiles.insert_bytes(0, 0, vec![0; 64]).is_ok());
    }

    #[test]
    fn right_edge_tiles_match_size_digits() {
        assert!(right_edge_tiles(0).is_empty());
        assert!(
            right_edge_tiles(256)
                .iter()
                .map(|t| t.path())
                .eq(["tile/1/000.p/1"])
        );
        let paths: Vec<String> = right_edge_tiles(257).iter().map(TileId::path).collect();
        assert_eq!(paths, ["tile/0/001.p/1", "tile/1/000.p/1"]);
    }
}
