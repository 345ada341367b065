//! Hash profiles and the RFC 9162 §2.1 hashing of leaves and interior nodes.

use std::fmt;
use std::str::FromStr;

use crate::error::DecodeError;

/// Domain-separation prefix of a leaf hash: `MTH({d}) = HASH(0x00 || d)` (RFC 9162 §2.1.1).
pub const LEAF_HASH_PREFIX: &[u8] = &[0x00];
/// Domain-separation prefix of an interior node: `HASH(0x01 || left || right)` (RFC 9162 §2.1.1).
pub const NODE_HASH_PREFIX: &[u8] = &[0x01];

/// The hash function a log is built with. A log never changes profile: the profile is part of
/// the log's metadata and of every proof document.
///
/// SM3 (GB/T 32905) is the default because the platform serves Chinese public bodies (国密);
/// SHA-256 makes the log interoperable with C2SP tools and the transparency-dev test vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashProfile {
    /// SM3, GB/T 32905-2016, 256-bit output.
    #[default]
    Sm3,
    /// SHA-256, FIPS 180-4.
    Sha256,
}

impl HashProfile {
    /// The profile's name as written in metadata and proof documents: `sm3` or `sha256`.
    pub fn name(self) -> &'static str {
        match self {
            HashProfile::Sm3 => "sm3",
            HashProfile::Sha256 => "sha256",
        }
    }

    /// Hashes the concatenation of `parts`.
    pub fn digest_parts(self, parts: &[&[u8]]) -> Hash {
        use sha2::Digest;
        let mut out = [0u8; 32];
        match self {
            HashProfile::Sm3 => {
                let mut hasher = sm3::Sm3::new();
                for part in parts {
                    hasher.update(part);
                }
                out.copy_from_slice(&hasher.finalize());
            }
            HashProfile::Sha256 => {
                let mut hasher = sha2::Sha256::new();
                for part in parts {
                    hasher.update(part);
                }
                out.copy_from_slice(&hasher.finalize());
            }
        }
        Hash(out)
    }

    /// Hashes `data`.
    pub fn digest(self, data: &[u8]) -> Hash {
        self.digest_parts(&[data])
    }

    /// The root of the empty tree, `MTH({}) = HASH()` (RFC 9162 §2.1.1).
    pub fn empty_root(self) -> Hash {
        self.digest(&[])
    }

    /// The hash of a leaf with data `leaf`: `HASH(0x00 || leaf)` (RFC 9162 §2.1.1).
    pub fn leaf_hash(self, leaf: &[u8]) -> Hash {
        self.digest_parts(&[LEAF_HASH_PREFIX, leaf])
    }

    /// The hash of an interior node: `HASH(0x01 || left || right)` (RFC 9162 §2.1.1).
    pub fn parent_hash(self, left: &Hash, right: &Hash) -> Hash {
        self.digest_parts(&[NODE_HASH_PREFIX, &left.0, &right.0])
    }
}

impl fmt::Display for HashProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HashProfile {
    type Err = DecodeError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "sm3" => Ok(HashProfile::Sm3),
            "sha256" => Ok(HashProfile::Sha256),
            other => Err(DecodeError::UnknownProfile(other.to_owned())),
        }
    }
}

/// A 32-byte hash value: a leaf hash, a node hash or a tree root. Both profiles produce 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash([u8; 32]);

impl Hash {
    /// Length of every hash in bytes.
    pub const LEN: usize = 32;

    /// Wraps 32 bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Hash(bytes)
    }

    /// Copies a hash out of a slice, which must be exactly 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| DecodeError::HashLength(bytes.len()))?;
        Ok(Hash(array))
    }

    /// Parses 64 hexadecimal digits (either case).
    pub fn from_hex(text: &str) -> Result<Self, DecodeError> {
        let bytes = hex::decode(text).map_err(|err| DecodeError::Hex(err.to_string()))?;
        Hash::from_slice(&bytes)
    }

    /// The hash as lower-case hexadecimal.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_round_trip() {
        for profile in [HashProfile::Sm3, HashProfile::Sha256] {
            assert_eq!(profile.name().parse::<HashProfile>(), Ok(profile));
        }
        assert!("md5".parse::<HashProfile>().is_err());
        assert_eq!(HashProfile::default(), HashProfile::Sm3);
    }

    #[test]
    fn hash_from_slice_rejects_wrong_lengths() {
        assert_eq!(Hash::from_slice(&[0; 31]), Err(DecodeError::HashLength(31)));
        assert_eq!(Hash::from_slice(&[0; 33]), Err(DecodeError::HashLength(33)));
        assert!(Hash::from_hex("zz").is_err());
        let hash = Hash::from_bytes([7; 32]);
        assert_eq!(Hash::from_hex(&hash.to_hex()), Ok(hash));
    }
}
