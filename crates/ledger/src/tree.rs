//! Sans-I/O tree operations: append, tree root and proof generation over a [`TileSet`].
//!
//! Each operation comes in two halves. `tiles_needed_for_*` names the tiles to read (a pure
//! function of indexes and sizes); the caller reads them from wherever it keeps them — inside its
//! own database transaction if it likes — and passes them in a [`TileSet`] to the pure operation.
//! This is what lets a case store append log leaves in the same SQL transaction as its other rows
//! (DESIGN.md "Data flow": record row + ledger leaf + projection in one transaction).

use std::collections::BTreeMap;

use crate::error::TreeError;
use crate::hash::{Hash, HashProfile};
use crate::tile::{MAX_TILE_LEVELS, NodeId, TILE_HEIGHT, TILE_WIDTH, TileId, TileSet};

/// Largest tree size accepted: sizes are stored as signed 64-bit integers in SQL.
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;

/// The result of [`append`]: the new tree head and the tiles to write.
#[derive(Debug, Clone)]
pub struct AppendOutcome {
    /// Tree size before the append; the first new leaf has this index.
    pub old_size: u64,
    /// Tree size after the append.
    pub new_size: u64,
    /// Root of the tree of `new_size` leaves.
    pub root: Hash,
    /// Every tile that changed, full or partial, with its bytes (32 × width). Writing them
    /// replaces any stored tile of the same level and index.
    pub tiles: Vec<(TileId, Vec<u8>)>,
}

/// The tiles [`append`] needs to extend a tree of `size` leaves: the partial tiles on its right
/// edge (at most one per tile level; none at all when every level is a multiple of 256).
pub fn tiles_needed_for_append(size: u64) -> Vec<TileId> {
    crate::tile::right_edge_tiles(size)
}

/// The tiles [`tree_root`] needs for a tree of `size` leaves.
pub fn tiles_needed_for_root(size: u64) -> Vec<TileId> {
    tiles_for_ranges(&[(0, size)])
}

/// Appends `leaf_hashes` (computed with [`HashProfile::leaf_hash`]) to a tree of `size` leaves.
///
/// `tiles` must hold the tiles named by [`tiles_needed_for_append`]`(size)`. Hashing costs one
/// parent hash per leaf (amortised) plus at most 255 per tile level to rebuild the right edge, so
/// a batch of `b` leaves costs `O(b + log n)`; the tiles written are the changed ones only.
pub fn append(
    profile: HashProfile,
    size: u64,
    tiles: &TileSet,
    leaf_hashes: &[Hash],
) -> Result<AppendOutcome, TreeError> {
    let new_size = size
        .checked_add(leaf_hashes.len() as u64)
        .filter(|new_size| *new_size <= MAX_TREE_SIZE)
        .ok_or(TreeError::SizeOverflow)?;
    let mut builder = TreeBuilder::resume(profile, size, tiles)?;
    for leaf_hash in leaf_hashes {
        builder.push(*leaf_hash);
    }
    let root = builder.root();
    let mut changed = builder.take_full_tiles();
    changed.extend(builder.dirty_partial_tiles());
    debug_assert_eq!(builder.size(), new_size);
    Ok(AppendOutcome {
        old_size: size,
        new_size,
        root,
        tiles: changed,
    })
}

/// The root of the tree of `size` leaves (RFC 9162 §2.1.1 `MTH`), from the tiles named by
/// [`tiles_needed_for_root`]. The stored tiles may belong to a larger tree.
pub fn tree_root(profile: HashProfile, size: u64, tiles: &TileSet) -> Result<Hash, TreeError> {
    if size == 0 {
        return Ok(profile.empty_root());
    }
    range_hash(profile, tiles, 0, size)
}

/// The tiles [`prove_inclusion`] needs.
pub fn tiles_needed_for_inclusion(index: u64, size: u64) -> Result<Vec<TileId>, TreeError> {
    Ok(tiles_for_ranges(&inclusion_ranges(index, size)?))
}

/// The tiles [`prove_consistency`] needs.
pub fn tiles_needed_for_consistency(
    old_size: u64,
    new_size: u64,
) -> Result<Vec<TileId>, TreeError> {
    Ok(tiles_for_ranges(&consistency_ranges(old_size, new_size)?))
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves: RFC 9162 §2.1.3.1
/// `PATH(index, D[0:size])`, ordered from the leaf upwards. Requires `index < size`.
pub fn prove_inclusion(
    profile: HashProfile,
    index: u64,
    size: u64,
    tiles: &TileSet,
) -> Result<Vec<Hash>, TreeError> {
    inclusion_ranges(index, size)?
        .into_iter()
        .map(|(lo, hi)| range_hash(profile, tiles, lo, hi))
        .collect()
}

/// The consistency proof between trees of `old_size` and `new_size` leaves: RFC 9162 §2.1.4.1
/// `PROOF(old_size, D[0:new_size])`. Requires `0 < old_size <= new_size`; the proof is empty
/// when the sizes are equal.
pub fn prove_consistency(
    profile: HashProfile,
    old_size: u64,
    new_size: u64,
    tiles: &TileSet,
) -> Result<Vec<Hash>, TreeError> {
    consistency_ranges(old_size, new_size)?
        .into_iter()
        .map(|(lo, hi)| range_hash(profile, tiles, lo, hi))
        .collect()
}

/// The tile holding the stored hash of leaf `index`.
pub fn tile_needed_for_leaf_hash(index: u64) -> TileId {
    NodeId { level: 0, index }.tile()
}

/// The stored hash of leaf `index`, read from its level-0 tile
/// ([`tile_needed_for_leaf_hash`]).
pub fn stored_leaf_hash(
    profile: HashProfile,
    index: u64,
    tiles: &TileSet,
) -> Result<Hash, TreeError> {
    tiles.node_hash(profile, NodeId { level: 0, index })
}

/// The largest power of two strictly below `n` (requires n > 1): the split point `k` of RFC 9162
/// §2.1.1.
fn split_point(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The subtrees `[lo, hi)` whose hashes form `PATH(index, D[0:size])`, leaf upwards.
fn inclusion_ranges(index: u64, size: u64) -> Result<Vec<(u64, u64)>, TreeError> {
    if index >= size {
        return Err(TreeError::OutOfRange {
            what: "leaf index",
            size,
        });
    }
    let mut ranges = Vec::new();
    let (mut lo, mut hi) = (0u64, size);
    // Walk down from the root, then reverse to list siblings from the leaf up.
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index - lo < k {
            ranges.push((lo + k, hi));
            hi = lo + k;
        } else {
            ranges.push((lo, lo + k));
            lo += k;
        }
    }
    ranges.reverse();
    Ok(ranges)
}

/// The subtrees whose hashes form `PROOF(old_size, D[0:new_size])` (RFC 9162 §2.1.4.1 SUBPROOF).
fn consistency_ranges(old_size: u64, new_size: u64) -> Result<Vec<(u64, u64)>, TreeError> {
    if !(0 < old_size && old_size <= new_size) {
        return Err(TreeError::OutOfRange {
            what: "old size",
            size: new_size,
        });
    }
    let mut ranges = Vec::new();
    if old_size == new_size {
        return Ok(ranges);
    }
    // SUBPROOF(m, D[lo:hi], b), unrolled; siblings are collected top-down, then reversed.
    let (mut m, mut lo, mut hi, mut complete) = (old_size, 0u64, new_size, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !complete {
                ranges.push((lo, hi));
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            ranges.push((lo + k, hi));
            hi = lo + k;
        } else {
            ranges.push((lo, lo + k));
            m -= k;
            lo += k;
            complete = false;
        }
    }
    ranges.reverse();
    Ok(ranges)
}

/// The perfect subtrees (nodes) that make up `[lo, hi)`, left to right, largest first
/// (Go tlog `subTreeIndex`).
fn range_nodes(mut lo: u64, hi: u64) -> Vec<NodeId> {
    let mut nodes = Vec::new();
    while lo < hi {
        let align = if lo == 0 { 63 } else { lo.trailing_zeros() };
        let fit = 63 - (hi - lo).leading_zeros();
        let level = align.min(fit);
        nodes.push(NodeId {
            level: level as u8,
            index: lo >> level,
        });
        lo += 1u64 << level;
    }
    nodes
}

/// `MTH(D[lo:hi])` for a subtree of the RFC tree structure: the hashes of its perfect subtrees
/// folded from the right.
fn range_hash(profile: HashProfile, tiles: &TileSet, lo: u64, hi: u64) -> Result<Hash, TreeError> {
    let nodes = range_nodes(lo, hi);
    let mut acc: Option<Hash> = None;
    for node in nodes.into_iter().rev() {
        let hash = tiles.node_hash(profile, node)?;
        acc = Some(match acc {
            None => hash,
            Some(right) => profile.parent_hash(&hash, &right),
        });
    }
    acc.ok_or(TreeError::OutOfRange {
        what: "empty subtree",
        size: hi,
    })
}

/// The tiles holding every node of the given ranges, each at the largest width needed.
fn tiles_for_ranges(ranges: &[(u64, u64)]) -> Vec<TileId> {
    let mut widest: BTreeMap<(u8, u64), TileId> = BTreeMap::new();
    for &(lo, hi) in ranges {
        for node in range_nodes(lo, hi) {
            let tile = node.tile();
            let entry = widest.entry((tile.level(), tile.index())).or_insert(tile);
            if tile.width() > entry.width() {
                *entry = tile;
            }
        }
    }
    widest.into_values().collect()
}

/// A streaming tree builder: leaf hashes in, completed tiles and the root out.
///
/// It keeps the compact range of the tree (the roots of the perfect subtrees along the right
/// edge, at most 64) and, per tile level, the hashes of the current partial tile. Used by
/// [`append`] (resumed from stored tiles) and by full verification (started empty), which streams
/// every leaf of the log and compares the tiles it produces with the stored ones.
#[derive(Debug, Clone)]
pub struct TreeBuilder {
    profile: HashProfile,
    size: u64,
    /// Compact range, left to right: (tree level, hash), levels strictly decreasing.
    frontier: Vec<(u8, Hash)>,
    /// Per tile level: index of the current partial tile, its hashes, and whether it changed.
    rows: Vec<Row>,
    full_tiles: Vec<(TileId, Vec<u8>)>,
}

#[derive(Debug, Clone, Default)]
struct Row {
    tile_index: u64,
    hashes: Vec<u8>,
    dirty: bool,
}

impl TreeBuilder {
    /// A builder for the empty tree.
    pub fn new(profile: HashProfile) -> Self {
        TreeBuilder {
            profile,
            size: 0,
            frontier: Vec::new(),
            rows: vec![Row::default(); usize::from(MAX_TILE_LEVELS)],
            full_tiles: Vec::new(),
        }
    }

    /// A builder continuing a tree of `size` leaves whose right-edge tiles
    /// ([`tiles_needed_for_append`]) are in `tiles`.
    pub fn resume(profile: HashProfile, size: u64, tiles: &TileSet) -> Result<Self, TreeError> {
        if size > MAX_TREE_SIZE {
            return Err(TreeError::SizeOverflow);
        }
        let mut builder = TreeBuilder::new(profile);
        builder.size = size;
        for level in 0..MAX_TILE_LEVELS {
            let row_len = size >> (u32::from(level) * u32::from(TILE_HEIGHT));
            let row = &mut builder.rows[usize::from(level)];
            row.tile_index = row_len / TILE_WIDTH;
            let width = (row_len % TILE_WIDTH) as usize;
            if width > 0 {
                let tile = TileId::new(level, row.tile_index, width as u16)?;
                let data = tiles
                    .get(level, row.tile_index)
                    .ok_or(TreeError::MissingTile(tile))?;
                let have = data.len() / Hash::LEN;
                if have < width {
                    return Err(TreeError::TileTooNarrow {
                        tile,
                        have: have as u16,
                        need: width as u16,
                    });
                }
                row.hashes = data[..width * Hash::LEN].to_vec();
            }
        }
        // The compact range: one perfect subtree per set bit of `size`, largest first.
        for level in (0..64u8).rev() {
            if size >> level & 1 == 1 {
                let node = NodeId {
                    level,
                    index: (size >> level) - 1,
                };
                builder
                    .frontier
                    .push((level, tiles.node_hash(profile, node)?));
            }
        }
        Ok(builder)
    }

    /// Number of leaves pushed so far (including those of a resumed tree).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf hash.
    pub fn push(&mut self, leaf_hash: Hash) {
        self.size += 1;
        self.push_row(0, leaf_hash);
        let mut level = 0u8;
        let mut hash = leaf_hash;
        while let Some(&(top_level, top_hash)) = self.frontier.last() {
            if top_level != level {
                break;
            }
            self.frontier.pop();
            hash = self.profile.parent_hash(&top_hash, &hash);
            level += 1;
            if level.is_multiple_of(TILE_HEIGHT) {
                self.push_row(level / TILE_HEIGHT, hash);
            }
        }
        self.frontier.push((level, hash));
    }

    fn push_row(&mut self, tile_level: u8, hash: Hash) {
        let Some(row) = self.rows.get_mut(usize::from(tile_level)) else {
            // Tile level 8 would need 2^64 leaves; sizes are capped at 2^63 - 1.
            return;
        };
        row.hashes.extend_from_slice(hash.as_bytes());
        row.dirty = true;
        if row.hashes.len() == TILE_WIDTH as usize * Hash::LEN {
            let data = std::mem::take(&mut row.hashes);
            let tile = TileId::new(tile_level, row.tile_index, TILE_WIDTH as u16);
            row.tile_index += 1;
            row.dirty = false;
            if let Ok(tile) = tile {
                self.full_tiles.push((tile, data));
            }
        }
    }

    /// The root of the tree built so far (RFC 9162 §2.1.1).
    pub fn root(&self) -> Hash {
        let mut acc: Option<Hash> = None;
        for (_, hash) in self.frontier.iter().rev() {
            acc = Some(match acc {
                None => *hash,
                Some(right) => self.profile.parent_hash(hash, &right),
            });
        }
        acc.unwrap_or_else(|| self.profile.empty_root())
    }

    /// Takes the tiles completed (width 256) since the last call.
    pub fn take_full_tiles(&mut self) -> Vec<(TileId, Vec<u8>)> {
        std::mem::take(&mut self.full_tiles)
    }

    /// The current partial tiles (right edge), all of them.
    pub fn partial_tiles(&self) -> Vec<(TileId, Vec<u8>)> {
        self.partial_tiles_where(|_| true)
    }

    fn dirty_partial_tiles(&self) -> Vec<(TileId, Vec<u8>)> {
        self.partial_tiles_where(|row| row.dirty)
    }

    fn partial_tiles_where(&self, keep: impl Fn(&Row) -> bool) -> Vec<(TileId, Vec<u8>)> {
        let mut tiles = Vec::new();
        for (level, row) in (0u8..).zip(&self.rows) {
            let width = row.hashes.len() / Hash::LEN;
            if width > 0
                && keep(row)
                && let Ok(tile) = TileId::new(level, row.tile_index, width as u16)
            {
                tiles.push((tile, row.hashes.clone()));
            }
        }
        tiles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(1 << 40), 1 << 39);
    }

    #[test]
    fn range_nodes_decompose_into_aligned_perfect_subtrees() {
        let nodes = range_nodes(0, 7);
        let got: Vec<(u8, u64)> = nodes.iter().map(|n| (n.level, n.index)).collect();
        assert_eq!(got, [(2, 0), (1, 2), (0, 6)]);
        let got: Vec<(u8, u64)> = range_nodes(4, 7)
            .iter()
            .map(|n| (n.level, n.index))
            .collect();
        assert_eq!(got, [(1, 2), (0, 6)]);
    }

    #[test]
    fn consistency_ranges_are_empty_for_trivial_sizes() {
        assert!(consistency_ranges(0, 5).is_err());
        assert!(consistency_ranges(5, 5).unwrap().is_empty());
        assert!(consistency_ranges(6, 5).is_err());
    }
}
