//! Feeds arbitrary bytes into proof decoding and verification (liuhen-ledger): proof documents
//! (docs/formats/proof.md), raw hash lists, stored tile bytes. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::proof::{ConsistencyProof, InclusionProof};
use liuhen_ledger::tile::TileSet;
use liuhen_ledger::tree;
use liuhen_ledger::verify::{self, TreeHead};

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes.iter_mut().zip(data.iter().skip(at)) {
        *slot = *byte;
    }
    u64::from_le_bytes(bytes)
}

fuzz_target!(|data: &[u8]| {
    let root = HashProfile::Sha256.digest(data);
    let head = TreeHead {
        size: u64_at(data, 0),
        root,
    };
    if let Ok(proof) = InclusionProof::from_json(data) {
        let _ = proof.verify(&head);
        let _ = proof.verify(&TreeHead {
            size: proof.size,
            root,
        });
    }
    if let Ok(proof) = ConsistencyProof::from_json(data) {
        let _ = proof.verify(
            &TreeHead {
                size: proof.old_size,
                root,
            },
            &head,
        );
    }

    // Raw form: two sizes, then 32-byte hashes (the first is the leaf hash / old root).
    let profile = if data.first().is_some_and(|b| b & 1 == 1) {
        HashProfile::Sm3
    } else {
        HashProfile::Sha256
    };
    let (size_a, size_b) = (u64_at(data, 1) >> (data.len() % 64), u64_at(data, 9) >> 3);
    let hashes: Vec<Hash> = data
        .get(17..)
        .unwrap_or_default()
        .chunks_exact(32)
        .filter_map(|chunk| Hash::from_slice(chunk).ok())
        .collect();
    if let Some((first, rest)) = hashes.split_first() {
        let _ = verify::verify_inclusion(profile, first, size_a, size_b, rest, &root);
        let _ = verify::verify_consistency(profile, size_a, size_b, rest, first, &root);
    }

    // Stored tile bytes: whatever the tiles hold, tree operations return errors, not panics.
    let mut tiles = TileSet::new();
    for (index, chunk) in data.get(17..).unwrap_or_default().chunks(8192).enumerate() {
        let _ = tiles.insert_bytes((index % 3) as u8, 0, chunk.to_vec());
    }
    let size = size_b % 70_000;
    let _ = tree::tree_root(profile, size, &tiles);
    let _ = tree::append(profile, size, &tiles, &hashes);
    if size > 0 {
        let _ = tree::prove_inclusion(profile, size_a % size, size, &tiles);
        let _ = tree::prove_consistency(profile, 1 + size_a % size, size, &tiles);
    }
});
