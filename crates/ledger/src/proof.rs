//! Proof documents: the JSON form of inclusion and consistency proofs exchanged between the log
//! and offline verifiers (docs/formats/proof.md). Hashes are lower-case hex.

use serde::{Deserialize, Serialize};

use crate::error::{DecodeError, VerifyError};
use crate::hash::{Hash, HashProfile};
use crate::verify::{self, TreeHead};

/// Format tag of an inclusion proof document.
pub const INCLUSION_FORMAT: &str = "liuhen-inclusion-proof/1";
/// Format tag of a consistency proof document.
pub const CONSISTENCY_FORMAT: &str = "liuhen-consistency-proof/1";

/// An inclusion proof for one leaf (RFC 9162 §2.1.3) with the context a verifier needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// Hash profile of the log.
    pub profile: HashProfile,
    /// Leaf index.
    pub index: u64,
    /// Tree size the proof is for (must match the checkpoint used to verify it).
    pub size: u64,
    /// Hash of the leaf (`HASH(0x00 || data)`).
    pub leaf_hash: Hash,
    /// The audit path, from the leaf upwards.
    pub hashes: Vec<Hash>,
}

/// A consistency proof between two tree sizes (RFC 9162 §2.1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// Hash profile of the log.
    pub profile: HashProfile,
    /// Size of the older tree.
    pub old_size: u64,
    /// Size of the newer tree.
    pub new_size: u64,
    /// The proof hashes.
    pub hashes: Vec<Hash>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InclusionDoc {
    format: String,
    profile: String,
    index: u64,
    size: u64,
    leaf_hash: String,
    hashes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyDoc {
    format: String,
    profile: String,
    old_size: u64,
    new_size: u64,
    hashes: Vec<String>,
}

fn hex_hashes(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_hex).collect()
}

fn parse_hashes(texts: &[String]) -> Result<Vec<Hash>, DecodeError> {
    texts.iter().map(|text| Hash::from_hex(text)).collect()
}

fn check_format(found: &str, expected: &str) -> Result<(), DecodeError> {
    if found != expected {
        return Err(DecodeError::ProofDocument(format!(
            "format is {found:?}, expected {expected:?}"
        )));
    }
    Ok(())
}

impl InclusionProof {
    /// The proof as a pretty-printed JSON document.
    pub fn to_json(&self) -> String {
        let doc = InclusionDoc {
            format: INCLUSION_FORMAT.to_owned(),
            profile: self.profile.name().to_owned(),
            index: self.index,
            size: self.size,
            leaf_hash: self.leaf_hash.to_hex(),
            hashes: hex_hashes(&self.hashes),
        };
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Parses a JSON document; any malformed input is a [`DecodeError`].
    pub fn from_json(bytes: &[u8]) -> Result<Self, DecodeError> {
        let doc: InclusionDoc = serde_json::from_slice(bytes)
            .map_err(|err| DecodeError::ProofDocument(err.to_string()))?;
        check_format(&doc.format, INCLUSION_FORMAT)?;
        Ok(InclusionProof {
            profile: doc.profile.parse()?,
            index: doc.index,
            size: doc.size,
            leaf_hash: Hash::from_hex(&doc.leaf_hash)?,
            hashes: parse_hashes(&doc.hashes)?,
        })
    }

    /// Verifies the proof against `head`, the tree head of a trusted checkpoint; the proof's
    /// size must be the head's size. The caller must also check that `self.leaf_hash` is the hash
    /// of the leaf it cares about.
    pub fn verify(&self, head: &TreeHead) -> Result<(), VerifyError> {
        if self.size != head.size {
            return Err(VerifyError::SizeMismatch {
                proof: self.size,
                head: head.size,
            });
        }
        verify::verify_inclusion(
            self.profile,
            &self.leaf_hash,
            self.index,
            self.size,
            &self.hashes,
            &head.root,
        )
    }
}

impl ConsistencyProof {
    /// The proof as a pretty-printed JSON document.
    pub fn to_json(&self) -> String {
        let doc = ConsistencyDoc {
            format: CONSISTENCY_FORMAT.to_owned(),
            profile: self.profile.name().to_owned(),
            old_size: self.old_size,
            new_size: self.new_size,
            hashes: hex_hashes(&self.hashes),
        };
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Parses a JSON document; any malformed input is a [`DecodeError`].
    pub fn from_json(bytes: &[u8]) -> Result<Self, DecodeError> {
        let doc: ConsistencyDoc = serde_json::from_slice(bytes)
            .map_err(|err| DecodeError::ProofDocument(err.to_string()))?;
        check_format(&doc.format, CONSISTENCY_FORMAT)?;
        Ok(ConsistencyProof {
            profile: doc.profile.parse()?,
            old_size: doc.old_size,
            new_size: doc.new_size,
            hashes: parse_hashes(&doc.hashes)?,
        })
    }

    /// Verifies the proof against two tree heads from trusted checkpoints; the proof's sizes
    /// must be theirs.
    pub fn verify(&self, old: &TreeHead, new: &TreeHead) -> Result<(), VerifyError> {
        if self.old_size != old.size {
            return Err(VerifyError::SizeMismatch {
                proof: self.old_size,
                head: old.size,
            });
        }
        if self.new_size != new.size {
            return Err(VerifyError::SizeMismatch {
                proof: self.new_size,
                head: new.size,
            });
        }
        verify::verify_consistency(
            self.profile,
            self.old_size,
            self.new_size,
            &self.hashes,
            &old.root,
            &new.root,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclusion_documents_round_trip_and_reject_unknown_fields() {
        let proof = InclusionProof {
            profile: HashProfile::Sha256,
            index: 3,
            size: 9,
            leaf_hash: Hash::from_bytes([1; 32]),
            hashes: vec![Hash::from_bytes([2; 32])],
        };
        let json = proof.to_json();
        assert_eq!(InclusionProof::from_json(json.as_bytes()), Ok(proof));
        let extra = json.replacen('{', "{\"extra\":1,", 1);
        assert!(InclusionProof::from_json(extra.as_bytes()).is_err());
        assert!(ConsistencyProof::from_json(json.as_bytes()).is_err());
    }
}
