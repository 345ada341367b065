//! SHA-256 and SM3 of one byte stream in one pass (issue 6 item 1: "hashed with SM3 and SHA-256
//! in one pass"), with the byte count.

use sha2::Digest as _;

/// Hashes bytes with SHA-256 and SM3 at once and counts them.
#[derive(Clone, Default)]
pub struct DualHasher {
    sha256: sha2::Sha256,
    sm3: sm3::Sm3,
    size: u64,
}

/// Size and both hashes (lower-case hex) of a byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DualDigest {
    /// Bytes hashed.
    pub size: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Lower-case hex SM3.
    pub sm3: String,
}

impl DualHasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.sha256.update(bytes);
        self.sm3.update(bytes);
        self.size += bytes.len() as u64;
    }

    /// Bytes fed so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The digests.
    pub fn finish(self) -> DualDigest {
        DualDigest {
            size: self.size,
            sha256: hex::encode(self.sha256.finalize()),
            sm3: hex::encode(self.sm3.finalize()),
        }
    }

    /// The digests of `bytes`.
    pub fn of(bytes: &[u8]) -> DualDigest {
        let mut hasher = DualHasher::new();
        hasher.update(bytes);
        hasher.finish()
    }
}
