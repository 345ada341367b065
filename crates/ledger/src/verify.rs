//! Proof verification with no store: a verifier holds only a leaf hash, sizes, roots and the
//! proof (RFC 9162 §2.1.3.2 and §2.1.4.2).

use crate::error::VerifyError;
use crate::hash::{Hash, HashProfile};

/// A tree head: a size and the root of the tree of that size, as carried by a checkpoint.
///
/// RFC 9162 proofs do not commit to the tree size by themselves (the same audit path can verify
/// for two sizes with identical shapes); the signed checkpoint binds size and root together, so
/// proof documents are verified against a head and their sizes must equal its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    /// Number of leaves.
    pub size: u64,
    /// Root of the tree of `size` leaves.
    pub root: Hash,
}

/// Checks that `leaf_hash` is the leaf at `index` of the tree of `size` leaves whose root is
/// `root`, given the inclusion proof `proof` (RFC 9162 §2.1.3.2).
///
/// Requires `index < size`. Success does NOT show that `root` is genuine; check the signed
/// checkpoint that carries it.
pub fn verify_inclusion(
    profile: HashProfile,
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    let computed = root_from_inclusion_proof(profile, leaf_hash, index, size, proof)?;
    if computed != *root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// The root implied by an inclusion proof (the loop of RFC 9162 §2.1.3.2, steps 1–5).
pub fn root_from_inclusion_proof(
    profile: HashProfile,
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, VerifyError> {
    if index >= size {
        return Err(VerifyError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if sn == 0 {
            return Err(VerifyError::WrongProofLength(proof.len()));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = profile.parent_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = profile.parent_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(VerifyError::WrongProofLength(proof.len()));
    }
    Ok(r)
}

/// Checks that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root`, given the consistency proof `proof`
/// (RFC 9162 §2.1.4.2).
///
/// Requires `0 < old_size <= new_size`. Equal sizes need an empty proof and equal roots. An old
/// size of 0 is refused, as transparency-dev/merkle does: every tree extends the empty tree, so
/// such a "proof" would prove nothing and is more likely a caller's mistake.
pub fn verify_consistency(
    profile: HashProfile,
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), VerifyError> {
    if old_size > new_size {
        return Err(VerifyError::SizesReversed {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(VerifyError::EmptyOldTree);
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(VerifyError::WrongProofLength(proof.len()));
        }
        if old_root != new_root {
            return Err(VerifyError::RootMismatch);
        }
        return Ok(());
    }
    let Some((first, rest)) = proof.split_first() else {
        return Err(VerifyError::WrongProofLength(0));
    };
    // Step 1: if old_size is an exact power of two, prepend old_root to the path.
    let (seed, path): (Hash, &[Hash]) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        (*first, rest)
    };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in path {
        if sn == 0 {
            return Err(VerifyError::WrongProofLength(proof.len()));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = profile.parent_hash(c, &fr);
            sr = profile.parent_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = profile.parent_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(VerifyError::WrongProofLength(proof.len()));
    }
    if fr != *old_root {
        return Err(VerifyError::OldRootMismatch);
    }
    if sr != *new_root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}
