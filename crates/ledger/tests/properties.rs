//! Property tests: for random tree sizes every proof verifies, and any single-bit change to the
//! proof, root, size, index or leaf makes verification fail; appends in any batching give the
//! same tiles and roots as a naive RFC 9162 §2.1.1 recursion.

use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::store::{Log, MemoryTileStore, TileStore};
use liuhen_ledger::verify::{self, TreeHead};
use proptest::prelude::*;

fn leaf(index: u64) -> Vec<u8> {
    format!("leaf {index}").into_bytes()
}

fn build(profile: HashProfile, size: u64, batch: usize) -> Log<MemoryTileStore> {
    let mut log = Log::new(profile, MemoryTileStore::new());
    let leaves: Vec<Vec<u8>> = (0..size).map(leaf).collect();
    for chunk in leaves.chunks(batch.max(1)) {
        log.append(chunk).unwrap();
    }
    log
}

/// `MTH(D[lo:hi])` by the RFC's recursion, as an independent reference.
fn naive_root(profile: HashProfile, leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => profile.empty_root(),
        1 => leaves[0],
        n => {
            // The largest power of two strictly below n (RFC 9162 §2.1.1).
            let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            profile.parent_hash(
                &naive_root(profile, &leaves[..k]),
                &naive_root(profile, &leaves[k..]),
            )
        }
    }
}

fn flip(hash: &Hash, bit: usize) -> Hash {
    let mut bytes = *hash.as_bytes();
    bytes[(bit / 8) % 32] ^= 1 << (bit % 8);
    Hash::from_bytes(bytes)
}

fn profiles() -> impl Strategy<Value = HashProfile> {
    prop_oneof![Just(HashProfile::Sha256), Just(HashProfile::Sm3)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn inclusion_proofs_verify_and_any_bit_flip_fails(
        profile in profiles(),
        size in 1u64..3000,
        batch in 1usize..600,
        index_seed in any::<u64>(),
        old_seed in any::<u64>(),
        bit in 0usize..256,
    ) {
        let log = build(profile, size, batch);
        // Prove against an older size too: proofs for any tree size up to the current one.
        let tree_size = 1 + old_seed % size;
        let index = index_seed % tree_size;
        let root = log.root_at(tree_size).unwrap();
        let proof = log.prove_inclusion(index, tree_size).unwrap();
        let leaf_hash = profile.leaf_hash(&leaf(index));
        prop_assert_eq!(proof.leaf_hash, leaf_hash);
        prop_assert!(verify::verify_inclusion(profile, &leaf_hash, index, tree_size, &proof.hashes, &root).is_ok());

        prop_assert!(verify::verify_inclusion(profile, &flip(&leaf_hash, bit), index, tree_size, &proof.hashes, &root).is_err());
        prop_assert!(verify::verify_inclusion(profile, &leaf_hash, index, tree_size, &proof.hashes, &flip(&root, bit)).is_err());
        if !proof.hashes.is_empty() {
            let mut tampered = proof.hashes.clone();
            let at = bit % tampered.len();
            tampered[at] = flip(&tampered[at], bit);
            prop_assert!(verify::verify_inclusion(profile, &leaf_hash, index, tree_size, &tampered, &root).is_err());
        }
        // RFC 9162 proofs do not commit to the size by themselves; the checkpoint binds size and
        // root. So a changed size is checked against the head a verifier would use: the proof
        // document's size must match the checkpoint's, and the root of another size must fail.
        let other_size = tree_size ^ (1 << (bit % 12));
        let head = TreeHead { size: tree_size, root };
        let mut other_doc = proof.clone();
        other_doc.size = other_size;
        prop_assert!(proof.verify(&head).is_ok());
        prop_assert!(other_doc.verify(&head).is_err());
        if other_size <= size {
            let other_root = log.root_at(other_size).unwrap();
            prop_assert!(verify::verify_inclusion(profile, &leaf_hash, index, other_size, &proof.hashes, &other_root).is_err());
        }
        let other_index = index ^ (1 << (bit % 12));
        prop_assert!(verify::verify_inclusion(profile, &leaf_hash, other_index, tree_size, &proof.hashes, &root).is_err());
    }

    #[test]
    fn consistency_proofs_verify_and_any_bit_flip_fails(
        profile in profiles(),
        size in 1u64..3000,
        batch in 1usize..600,
        old_seed in any::<u64>(),
        new_seed in any::<u64>(),
        bit in 0usize..256,
    ) {
        let log = build(profile, size, batch);
        let new_size = 1 + new_seed % size;
        let old_size = 1 + old_seed % new_size;
        let old_root = log.root_at(old_size).unwrap();
        let new_root = log.root_at(new_size).unwrap();
        let proof = log.prove_consistency(old_size, new_size).unwrap();

        prop_assert!(verify::verify_consistency(profile, old_size, new_size, &proof.hashes, &flip(&old_root, bit), &new_root).is_err());
        prop_assert!(verify::verify_consistency(profile, old_size, new_size, &proof.hashes, &old_root, &flip(&new_root, bit)).is_err());
        if !proof.hashes.is_empty() {
            let mut tampered = proof.hashes.clone();
            let at = bit % tampered.len();
            tampered[at] = flip(&tampered[at], bit);
            prop_assert!(verify::verify_consistency(profile, old_size, new_size, &tampered, &old_root, &new_root).is_err());
        }
        let old_head = TreeHead { size: old_size, root: old_root };
        let new_head = TreeHead { size: new_size, root: new_root };
        prop_assert!(proof.verify(&old_head, &new_head).is_ok());
        let flip_size = |size: u64| size ^ (1 << (bit % 12));
        let mut other_doc = proof.clone();
        other_doc.old_size = flip_size(old_size);
        prop_assert!(other_doc.verify(&old_head, &new_head).is_err());
        let mut other_doc = proof.clone();
        other_doc.new_size = flip_size(new_size);
        prop_assert!(other_doc.verify(&old_head, &new_head).is_err());
        if old_size < new_size {
            // With the root a verifier would hold for the changed size (see the inclusion test).
            let other_old = flip_size(old_size);
            if other_old <= size && other_old > 0 {
                let other_root = log.root_at(other_old).unwrap();
                prop_assert!(verify::verify_consistency(profile, other_old, new_size, &proof.hashes, &other_root, &new_root).is_err());
            }
            let other_new = flip_size(new_size);
            if other_new <= size {
                let other_root = log.root_at(other_new).unwrap();
                prop_assert!(verify::verify_consistency(profile, old_size, other_new, &proof.hashes, &old_root, &other_root).is_err());
            }
        }
    }

    #[test]
    fn batched_appends_give_the_same_tiles_and_roots_as_the_rfc_recursion(
        size in 0u64..1500,
        batch in 1usize..400,
    ) {
        let profile = HashProfile::Sha256;
        let one_by_one = build(profile, size, 1);
        let batched = build(profile, size, batch);
        prop_assert_eq!(one_by_one.root(), batched.root());
        let leaf_hashes: Vec<Hash> = (0..size).map(|i| profile.leaf_hash(&leaf(i))).collect();
        prop_assert_eq!(batched.root(), naive_root(profile, &leaf_hashes));
        for level in 0..3u8 {
            for index in 0..8u64 {
                prop_assert_eq!(
                    one_by_one.store().read_tile(level, index).unwrap(),
                    batched.store().read_tile(level, index).unwrap()
                );
            }
        }
        let prefix = size / 3;
        prop_assert_eq!(batched.root_at(prefix).unwrap(), naive_root(profile, &leaf_hashes[..prefix as usize]));
    }
}

#[test]
fn a_tampered_stored_tile_changes_the_proofs_or_is_refused() {
    let profile = HashProfile::Sha256;
    let mut log = build(profile, 600, 7);
    let root = log.root();
    if let Some(tile) = log.store_mut().tile_mut(0, 1) {
        tile[5] ^= 1;
    }
    // Byte 5 belongs to the stored hash of leaf 256, a sibling in the proof of leaf 257. (The
    // proof of leaf 10 would not notice: it reads level-8 hashes from tile 1/000 instead.)
    let proof = log.prove_inclusion(257, 600).unwrap();
    let leaf_hash = profile.leaf_hash(&leaf(257));
    assert!(verify::verify_inclusion(profile, &leaf_hash, 257, 600, &proof.hashes, &root).is_err());
    if let Some(tile) = log.store_mut().tile_mut(0, 1) {
        tile.push(0);
    }
    assert!(log.prove_inclusion(257, 600).is_err());
    // Appending reads only the right edge (tile 0/002.p/88 and 1/000.p/2).
    assert!(log.append(&[b"more"]).is_ok());
    if let Some(tile) = log.store_mut().tile_mut(0, 2) {
        tile.pop();
    }
    assert!(log.append(&[b"more"]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The fuzz target `fuzz/fuzz_targets/ledger_proof.rs` in miniature: arbitrary stored tile
    /// bytes, sizes and proof hashes give errors, never panics.
    #[test]
    fn arbitrary_tiles_sizes_and_proofs_never_panic(
        tile_bytes in proptest::collection::vec(any::<u8>(), 0..3000),
        size in 0u64..100_000,
        index in any::<u64>(),
        proof in proptest::collection::vec(any::<[u8; 32]>(), 0..24),
        json in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        use liuhen_ledger::proof::{ConsistencyProof, InclusionProof};
        use liuhen_ledger::tile::TileSet;
        use liuhen_ledger::tree;
        let profile = HashProfile::Sha256;
        let mut tiles = TileSet::new();
        for (position, chunk) in tile_bytes.chunks(700).enumerate() {
            let _ = tiles.insert_bytes((position % 3) as u8, (position / 3) as u64, chunk.to_vec());
        }
        let hashes: Vec<Hash> = proof.iter().map(|bytes| Hash::from_bytes(*bytes)).collect();
        let _ = tree::tree_root(profile, size, &tiles);
        let _ = tree::append(profile, size, &tiles, &hashes);
        if size > 0 {
            let _ = tree::prove_inclusion(profile, index % size, size, &tiles);
            let _ = tree::prove_consistency(profile, 1 + index % size, size, &tiles);
        }
        let root = profile.digest(&tile_bytes);
        let _ = verify::verify_inclusion(profile, &root, index, size, &hashes, &root);
        let _ = verify::verify_consistency(profile, index, size, &hashes, &root, &root);
        let _ = InclusionProof::from_json(&json);
        let _ = ConsistencyProof::from_json(&json);
    }
}
