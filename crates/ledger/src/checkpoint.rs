//! Log checkpoints in C2SP `tlog-checkpoint` format: the signed statement "the log named
//! *origin* had *size* leaves with root hash *root*".
//!
//! Anyone holding a checkpoint and a verifier key can check inclusion and consistency proofs
//! offline (DESIGN.md "Verify, don't trust"; R4 可追溯, R26 有据可查). The note text is
//!
//! ```text
//! <origin>\n
//! <tree size, decimal, no leading zeros>\n
//! <base64 of the 32-byte root hash>\n
//! [<extension line>\n]...
//! ```
//!
//! signed as a C2SP signed note ([`crate::note`]). The root hash is that of the log's hash
//! profile (SM3 or SHA-256, both 32 bytes); the profile is not written in the checkpoint, so a
//! verifier must know it from the origin.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::note::{
    NoteError, Require, check_no_control_characters, is_valid_key_name, open_note, sign_note,
};
use crate::signer::{Signer, Verifiers};

/// A log checkpoint: origin, tree size, root hash and optional extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    // INVARIANT: non-empty, no control characters (so no newline).
    origin: String,
    size: u64,
    root: [u8; 32],
    // INVARIANT: each line non-empty, no control characters.
    extensions: Vec<String>,
}

impl Checkpoint {
    /// Builds a checkpoint to sign.
    ///
    /// The origin must be a valid key name (non-empty, no Unicode space, no `+`): C2SP
    /// tlog-checkpoint says it SHOULD be such a schema-less URL and that the log's key name
    /// SHOULD match it, and liuhen follows both for what it issues. [`Checkpoint::parse`] is
    /// more lenient, as the spec requires of clients.
    pub fn new(origin: &str, size: u64, root: [u8; 32]) -> Result<Checkpoint, NoteError> {
        if !is_valid_key_name(origin) || check_no_control_characters(origin).is_err() {
            return Err(NoteError::InvalidOrigin {
                origin: origin.to_owned(),
            });
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds extension lines (opaque, each non-empty and without control characters). C2SP
    /// tlog-checkpoint: their use is NOT RECOMMENDED, as monitors cannot audit them.
    pub fn with_extensions(mut self, extensions: Vec<String>) -> Result<Checkpoint, NoteError> {
        for (idx, extension) in extensions.iter().enumerate() {
            if extension.is_empty() || check_no_control_characters(extension).is_err() {
                return Err(NoteError::InvalidExtensionLine { line: idx + 4 });
            }
        }
        self.extensions = extensions;
        Ok(self)
    }

    /// Origin: the log's unique name (first line).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Tree size: number of leaves (second line).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Root hash of the tree of that size (third line).
    pub fn root(&self) -> [u8; 32] {
        self.root
    }

    /// Extension lines, possibly none.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note text to sign: origin, size, base64 root, extensions, each ending in `\n`.
    pub fn to_note_text(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        );
        for extension in &self.extensions {
            text.push_str(extension);
            text.push('\n');
        }
        text
    }

    /// Parses a checkpoint note text (the text of a signed note, without signatures).
    ///
    /// Strict, per C2SP tlog-checkpoint §"Note text": at least three non-empty lines, each
    /// ending in newline; no control characters; size in canonical decimal (`0` or no leading
    /// zero, no sign, fits `u64`); root in canonical padded standard base64 of exactly 32
    /// bytes. The origin may be any non-empty line: clients "MUST NOT assume" its format.
    pub fn parse(text: &str) -> Result<Checkpoint, NoteError> {
        check_no_control_characters(text)?;
        let Some(body) = text.strip_suffix('\n') else {
            return Err(NoteError::CheckpointTooShort);
        };
        let mut lines = body.split('\n');
        let (Some(origin), Some(size_line), Some(root_line)) =
            (lines.next(), lines.next(), lines.next())
        else {
            return Err(NoteError::CheckpointTooShort);
        };
        if origin.is_empty() {
            return Err(NoteError::InvalidOrigin {
                origin: String::new(),
            });
        }
        let size = parse_tree_size(size_line)?;
        let root = parse_root_hash(root_line)?;
        let mut extensions = Vec::new();
        for (idx, extension) in lines.enumerate() {
            if extension.is_empty() {
                return Err(NoteError::InvalidExtensionLine { line: idx + 4 });
            }
            extensions.push(extension.to_owned());
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

/// Canonical decimal: `0`, or a non-zero digit followed by digits; must fit in `u64`.
fn parse_tree_size(line: &str) -> Result<u64, NoteError> {
    let invalid = || NoteError::InvalidTreeSize {
        line: line.to_owned(),
    };
    let canonical = !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (line == "0" || !line.starts_with('0'));
    if !canonical {
        return Err(invalid());
    }
    line.parse::<u64>().map_err(|_| invalid())
}

/// Canonical standard base64 (RFC 4648 §4, padded, zero trailing bits) of exactly 32 bytes.
fn parse_root_hash(line: &str) -> Result<[u8; 32], NoteError> {
    let invalid = || NoteError::InvalidRootHash {
        line: line.to_owned(),
    };
    let decoded = BASE64.decode(line).map_err(|_| invalid())?;
    let root: [u8; 32] = decoded.try_into().map_err(|_| invalid())?;
    // The engine already rejects non-canonical padding and trailing bits; comparing the
    // re-encoding makes canonicality an explicit, engine-independent property.
    if BASE64.encode(root) != line {
        return Err(invalid());
    }
    Ok(root)
}

/// Signs a checkpoint with every signer and returns the signed note text.
pub fn sign_checkpoint(
    checkpoint: &Checkpoint,
    signers: &[&dyn Signer],
) -> Result<String, NoteError> {
    sign_note(&checkpoint.to_note_text(), signers)
}

/// Verifies a signed checkpoint against trusted keys and parses it.
///
/// Unknown signatures are ignored; a bad signature by a trusted key, no verified signature, or
/// an unmet `require` rejects it (see [`open_note`]). Success proves only that the trusted keys
/// signed this tree head: that the log is consistent with earlier checkpoints needs a
/// consistency proof.
pub fn open_checkpoint(
    note: impl AsRef<[u8]>,
    verifiers: &Verifiers,
    require: Require,
) -> Result<Checkpoint, NoteError> {
    let opened = open_note(note, verifiers, require)?;
    Checkpoint::parse(opened.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_size_must_be_canonical_decimal() {
        assert_eq!(parse_tree_size("0").unwrap(), 0);
        assert_eq!(parse_tree_size("18446744073709551615").unwrap(), u64::MAX);
        for bad in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1_000",
            "18446744073709551616",
            "١",
        ] {
            assert!(parse_tree_size(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn root_hash_must_be_canonical_base64_of_32_bytes() {
        let good = BASE64.encode([7u8; 32]);
        assert_eq!(parse_root_hash(&good).unwrap(), [7u8; 32]);
        let unpadded = good.trim_end_matches('=');
        assert!(parse_root_hash(unpadded).is_err());
        assert!(parse_root_hash(&BASE64.encode([7u8; 31])).is_err());
        assert!(parse_root_hash(&BASE64.encode([7u8; 33])).is_err());
        // Same 32 bytes, but with non-zero trailing bits in the last character.
        let mut trailing = good.clone().into_bytes();
        let last = trailing.len() - 2;
        trailing[last] = b'd';
        let trailing = String::from_utf8(trailing).unwrap();
        assert!(parse_root_hash(&trailing).is_err());
    }
}
