//! C2SP signed notes: a UTF-8 text followed by a blank line and one or more signature lines.
//!
//! This is the envelope of every checkpoint the log publishes (DESIGN.md "The verifiable log";
//! R4 可追溯, R26 有据可查). The format follows C2SP `signed-note` v1 exactly, and this module
//! behaves like Go's `golang.org/x/mod/sumdb/note.Open`/`Sign`, so notes interoperate with
//! C2SP tooling in both directions:
//!
//! ```text
//! <text, ending in "\n">
//! <blank line>
//! — <key name> <base64(4-byte big-endian key ID || signature)>
//! — <key name> <base64(...)>
//! ```
//!
//! The text is separated from the signatures by the *last* blank line, so a text may contain
//! blank lines. The note text that is signed includes its final newline but not the separating
//! blank line. Byte layouts and key types are documented in `docs/formats/checkpoint.md`.
//!
//! Verification policy (C2SP signed-note §"Signatures"): signatures from keys the verifier does
//! not know (by the pair of key name and key ID) are ignored; a signature from a known key that
//! fails to verify rejects the whole note; a note with no verified signature is rejected; and
//! [`Require`] lets the caller demand every trusted key, or a threshold of them.

use std::collections::HashSet;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::Digest as _;

use crate::signer::{Signer, Verifiers};

/// Largest note, in bytes, that [`Note::parse`] and [`open_note`] look at.
///
/// C2SP signed-note asks verifiers to bound the size of a note; a checkpoint is a few hundred
/// bytes, and even 100 post-quantum signatures of ~5 kB fit in 1 MiB.
pub const MAX_NOTE_BYTES: usize = 1 << 20;

/// Largest number of signature lines accepted in one note.
///
/// C2SP signed-note: verifiers "MUST accept at least up to 16 signatures"; Go's
/// `sumdb/note` stops at 100, and so do we, to bound the work an attacker can cause.
pub const MAX_SIGNATURES: usize = 100;

/// Start of every signature line: em dash (U+2014) followed by a space.
pub const SIGNATURE_LINE_PREFIX: &str = "\u{2014} ";

/// Shortest decoded signature field: a 4-byte key ID plus at least one signature byte.
const MIN_SIGNATURE_FIELD_BYTES: usize = 5;

/// Errors of signed notes, checkpoints and note keys.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    /// The note is longer than [`MAX_NOTE_BYTES`].
    #[error("签名注记过长：{len} 字节，上限 {max} 字节")]
    TooLarge {
        /// Length of the input in bytes.
        len: usize,
        /// The limit, [`MAX_NOTE_BYTES`].
        max: usize,
    },
    /// The note (or checkpoint text) is not valid UTF-8.
    #[error("签名注记不是有效的 UTF-8 文本")]
    InvalidUtf8,
    /// The note contains an ASCII control character other than newline (C2SP signed-note
    /// §"Format").
    #[error("签名注记第 {offset} 字节处含有控制字符")]
    ControlCharacter {
        /// Byte offset of the offending character.
        offset: usize,
    },
    /// The note has no blank line followed by a newline-terminated signature block.
    #[error("签名注记缺少以空行分隔、以换行结尾的签名块")]
    MissingSignatureBlock,
    /// A signature line does not have the form `— <name> <base64>` with a valid name and at
    /// least 5 decoded bytes.
    #[error("签名注记的第 {line} 个签名行格式错误")]
    MalformedSignatureLine {
        /// 1-based position of the line within the signature block.
        line: usize,
    },
    /// The note carries more than [`MAX_SIGNATURES`] signature lines.
    #[error("签名注记的签名行超过 {max} 个")]
    TooManySignatures {
        /// The limit, [`MAX_SIGNATURES`].
        max: usize,
    },
    /// A signature by a trusted key (matching name and key ID) does not verify; the whole note
    /// is rejected (C2SP signed-note §"Signatures").
    #[error("密钥 {name}+{key_id} 的签名验证失败")]
    InvalidSignature {
        /// Key name of the failing signature.
        name: String,
        /// Key ID of the failing signature.
        key_id: KeyId,
    },
    /// No signature in the note is from a trusted key.
    #[error("签名注记中没有任何受信任密钥的有效签名")]
    NoVerifiedSignature,
    /// [`Require::AllKeys`]: a trusted key has not signed the note.
    #[error("缺少受信任密钥 {name}+{key_id} 的签名")]
    MissingRequiredSignature {
        /// Name of the key whose signature is missing.
        name: String,
        /// Key ID of the key whose signature is missing.
        key_id: KeyId,
    },
    /// [`Require::AtLeast`]: fewer trusted keys signed than required.
    #[error("受信任密钥的有效签名只有 {verified} 个，至少需要 {required} 个")]
    TooFewSignatures {
        /// Number of distinct trusted keys whose signatures verified.
        verified: usize,
        /// Number required.
        required: usize,
    },
    /// [`sign_note`] was called with no signer; a note needs at least one signature line.
    #[error("至少需要一个签名密钥")]
    NoSigners,
    /// Text to be signed is empty or does not end in a newline.
    #[error("待签名文本必须非空并以换行结尾")]
    TextNotNewlineTerminated,
    /// A key name is empty or contains a Unicode space or `+` (C2SP signed-note §"Format").
    #[error("密钥名称无效（不得为空，不得含空白字符或“+”）：{name:?}")]
    InvalidKeyName {
        /// The rejected name.
        name: String,
    },
    /// A signer or verifier key string, or key file, is malformed.
    #[error("密钥格式错误：{reason}")]
    MalformedKey {
        /// What is wrong, in English, for logs and tests.
        reason: &'static str,
    },
    /// The key ID in a key string is not the one derived from its name and public key.
    #[error("密钥 {name} 的密钥标识不符：声明为 {stated}，应为 {computed}")]
    KeyIdMismatch {
        /// Key name.
        name: String,
        /// Key ID written in the key string.
        stated: KeyId,
        /// Key ID computed from name, type and public key.
        computed: KeyId,
    },
    /// The key type byte (and, for `0xff`, identifier) is not one this crate implements.
    #[error("不支持的密钥类型 0x{type_byte:02x}")]
    UnknownKeyType {
        /// The first byte of the decoded key.
        type_byte: u8,
    },
    /// The key material is not a valid key of its type (e.g. not a curve point, zero scalar).
    #[error("密钥材料无效：{reason}")]
    InvalidKeyMaterial {
        /// What is wrong, in English.
        reason: &'static str,
    },
    /// Two verifiers with the same key name and key ID were added to one [`Verifiers`] set;
    /// Go's `VerifierList` reports this as an "ambiguous key".
    #[error("受信任密钥重复：{name}+{key_id}")]
    DuplicateVerifier {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: KeyId,
    },
    /// Two signers with the same key name and key ID were passed to one signing call.
    #[error("签名密钥重复：{name}+{key_id}")]
    DuplicateSigner {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: KeyId,
    },
    /// A [`Signer`] failed (for example an HSM or signature server was unreachable).
    #[error("密钥 {name} 签名失败：{source}")]
    Signing {
        /// Name of the failing signer's key.
        name: String,
        /// The signer's own error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The operating system's random number generator failed while generating a key.
    #[error("无法从操作系统获取随机数：{0}")]
    Randomness(getrandom::Error),
    /// The checkpoint text has fewer than three lines or does not end in a newline
    /// (C2SP tlog-checkpoint §"Note text").
    #[error("检查点正文至少需要三行（来源、树大小、根哈希），且以换行结尾")]
    CheckpointTooShort,
    /// The checkpoint origin is empty, or (when building a checkpoint) not a valid key name.
    #[error("检查点来源无效：{origin:?}")]
    InvalidOrigin {
        /// The rejected origin.
        origin: String,
    },
    /// The tree size line is not a canonical decimal `u64` (digits only, no leading zeros).
    #[error("检查点树大小无效：{line:?}")]
    InvalidTreeSize {
        /// The rejected line.
        line: String,
    },
    /// The root hash line is not canonical standard base64 of exactly 32 bytes.
    #[error("检查点根哈希无效：{line:?}")]
    InvalidRootHash {
        /// The rejected line.
        line: String,
    },
    /// An extension line is empty or contains a control character.
    #[error("检查点第 {line} 行扩展行无效（不得为空或含控制字符）")]
    InvalidExtensionLine {
        /// 1-based line number within the checkpoint text.
        line: usize,
    },
}

/// A 32-bit key ID: the first four bytes, big-endian, of
/// SHA-256(key name ‖ 0x0A ‖ key type ‖ public key) (C2SP signed-note §"Signatures").
///
/// Displayed as 8 lowercase hex digits, as in verifier keys (`PeterNeumann+c74f20a3+…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

impl KeyId {
    /// Derives the key ID of a key named `name` whose encoded public key (type byte(s) followed
    /// by the key) is `typed_public_key`.
    pub fn derive(name: &str, typed_public_key: &[u8]) -> KeyId {
        let mut hasher = sha2::Sha256::new();
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
        hasher.update(typed_public_key);
        let digest = hasher.finalize();
        KeyId(u32::from_be_bytes([
            digest[0], digest[1], digest[2], digest[3],
        ]))
    }

    /// The four big-endian bytes that prefix a signature.
    pub fn to_be_bytes(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

/// Reports whether `name` may be a key name: non-empty, without Unicode white space and
/// without `+` (C2SP signed-note §"Format"; Go `isValidName`).
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// Checks the rules every signed note obeys before anything else is looked at: bounded size,
/// UTF-8, and no ASCII control character other than newline.
fn check_note_bytes(msg: &[u8]) -> Result<&str, NoteError> {
    if msg.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            len: msg.len(),
            max: MAX_NOTE_BYTES,
        });
    }
    let text = std::str::from_utf8(msg).map_err(|_| NoteError::InvalidUtf8)?;
    check_no_control_characters(text)?;
    Ok(text)
}

/// Rejects ASCII control characters other than newline (C2SP signed-note §"Format").
pub(crate) fn check_no_control_characters(text: &str) -> Result<(), NoteError> {
    match text.bytes().position(|b| b < 0x20 && b != b'\n') {
        Some(offset) => Err(NoteError::ControlCharacter { offset }),
        None => Ok(()),
    }
}

/// One signature line of a note, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    name: String,
    key_id: KeyId,
    // INVARIANT: non-empty (the decoded field is at least MIN_SIGNATURE_FIELD_BYTES long).
    signature: Vec<u8>,
}

impl NoteSignature {
    /// Key name written on the line.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID: the first four bytes of the decoded field.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// Signature bytes: the decoded field after the key ID.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The line as it appears in a note, without its final newline.
    pub fn to_line(&self) -> String {
        let mut field = Vec::with_capacity(4 + self.signature.len());
        field.extend_from_slice(&self.key_id.to_be_bytes());
        field.extend_from_slice(&self.signature);
        format!(
            "{SIGNATURE_LINE_PREFIX}{} {}",
            self.name,
            BASE64.encode(field)
        )
    }

    /// Parses one signature line (without its newline); `line_number` is used in errors.
    fn parse_line(line: &str, line_number: usize) -> Result<NoteSignature, NoteError> {
        let malformed = NoteError::MalformedSignatureLine { line: line_number };
        let Some(rest) = line.strip_prefix(SIGNATURE_LINE_PREFIX) else {
            return Err(malformed);
        };
        // Like Go's `chop`: the name ends at the first space; a space inside the base64 makes
        // the base64 invalid.
        let Some((name, encoded)) = rest.split_once(' ') else {
            return Err(malformed);
        };
        if !is_valid_key_name(name) || encoded.is_empty() {
            return Err(malformed);
        }
        let Ok(field) = BASE64.decode(encoded) else {
            return Err(malformed);
        };
        if field.len() < MIN_SIGNATURE_FIELD_BYTES {
            return Err(malformed);
        }
        let (id_bytes, signature) = field.split_at(4);
        // This cannot fail: `split_at(4)` on a slice of at least 5 bytes yields 4 bytes.
        let key_id = KeyId(u32::from_be_bytes(
            id_bytes.try_into().map_err(|_| malformed)?,
        ));
        Ok(NoteSignature {
            name: name.to_owned(),
            key_id,
            signature: signature.to_vec(),
        })
    }
}

/// A syntactically valid signed note whose signatures have *not* been verified.
///
/// C2SP signed-note: "The text MUST be ignored unless the note is signed by a trusted key and
/// the signature has been verified" — use [`open_note`] to get at the text for any purpose
/// other than diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a signed note without verifying anything.
    ///
    /// Rejects notes over [`MAX_NOTE_BYTES`], non-UTF-8 input, control characters, a missing
    /// blank line, a signature block not ending in newline, malformed signature lines and more
    /// than [`MAX_SIGNATURES`] lines.
    pub fn parse(msg: &[u8]) -> Result<Note, NoteError> {
        let msg = check_note_bytes(msg)?;
        let Some(split) = msg.rfind("\n\n") else {
            return Err(NoteError::MissingSignatureBlock);
        };
        // `split` is the index of an ASCII byte, so both slices fall on char boundaries.
        let (text, separator_and_block) = msg.split_at(split + 1);
        let block = &separator_and_block[1..];
        if block.is_empty() || !block.ends_with('\n') {
            return Err(NoteError::MissingSignatureBlock);
        }
        let lines: Vec<&str> = block[..block.len() - 1].split('\n').collect();
        if lines.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures {
                max: MAX_SIGNATURES,
            });
        }
        let signatures = lines
            .iter()
            .enumerate()
            .map(|(idx, line)| NoteSignature::parse_line(line, idx + 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The unverified note text, including its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in note order, duplicates included.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }
}

/// How many of the trusted keys must have signed a note for [`open_note`] to accept it.
///
/// Whatever is asked, a note with no verified signature is rejected (C2SP signed-note: "If no
/// signature from a known key verifies successfully, clients MUST reject the note").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Require {
    /// At least one trusted key ("any of these keys").
    AnyKey,
    /// Every key of the [`Verifiers`] set ("at least these keys").
    AllKeys,
    /// At least this many distinct trusted keys (a witness quorum); 0 is treated as 1.
    AtLeast(usize),
}

/// A note whose signatures by trusted keys all verified and met the [`Require`] policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedNote {
    text: String,
    verified: Vec<NoteSignature>,
    unverified: Vec<NoteSignature>,
}

impl OpenedNote {
    /// The verified note text, including its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Signatures by trusted keys, one per key, in note order.
    pub fn verified(&self) -> &[NoteSignature] {
        &self.verified
    }

    /// Signatures by keys not in the trusted set (ignored, kept so a witness can re-emit them
    /// when cosigning), without exact duplicates.
    pub fn unverified(&self) -> &[NoteSignature] {
        &self.unverified
    }

    /// Returns the verified text, dropping the signature lists.
    pub fn into_text(self) -> String {
        self.text
    }
}

/// Parses `msg` and verifies it against the trusted keys in `verifiers`, as Go's `note.Open`.
///
/// Signatures are matched to trusted keys by the pair (key name, key ID); a signature that
/// matches only one of the two is unknown and ignored. The first signature of each trusted key
/// is verified and must be valid, later repeats of that key are ignored (as Go does). Then
/// `require` is applied.
pub fn open_note(
    msg: impl AsRef<[u8]>,
    verifiers: &Verifiers,
    require: Require,
) -> Result<OpenedNote, NoteError> {
    let note = Note::parse(msg.as_ref())?;
    let mut verified: Vec<NoteSignature> = Vec::new();
    let mut unverified: Vec<NoteSignature> = Vec::new();
    let mut seen_keys: HashSet<(String, KeyId)> = HashSet::new();
    for signature in note.signatures {
        let Some(verifier) = verifiers.get(&signature.name, signature.key_id) else {
            if !unverified.contains(&signature) {
                unverified.push(signature);
            }
            continue;
        };
        if !seen_keys.insert((signature.name.clone(), signature.key_id)) {
            continue;
        }
        if !verifier.verify(note.text.as_bytes(), &signature.signature) {
            return Err(NoteError::InvalidSignature {
                name: signature.name,
                key_id: signature.key_id,
            });
        }
        verified.push(signature);
    }
    if verified.is_empty() {
        return Err(NoteError::NoVerifiedSignature);
    }
    match require {
        Require::AnyKey => {}
        Require::AllKeys => {
            for verifier in verifiers.iter() {
                let key = (verifier.name().to_owned(), verifier.key_id());
                if !seen_keys.contains(&key) {
                    return Err(NoteError::MissingRequiredSignature {
                        name: key.0,
                        key_id: key.1,
                    });
                }
            }
        }
        Require::AtLeast(required) => {
            if verified.len() < required {
                return Err(NoteError::TooFewSignatures {
                    verified: verified.len(),
                    required,
                });
            }
        }
    }
    Ok(OpenedNote {
        text: note.text,
        verified,
        unverified,
    })
}

/// Signs `text` with every signer and returns the signed note, as Go's `note.Sign`.
///
/// `text` must be non-empty, end in a newline, and contain no control character other than
/// newline; `signers` must be non-empty and carry distinct (name, key ID) pairs with valid
/// names. Signature lines appear in the order of `signers`.
pub fn sign_note(text: &str, signers: &[&dyn Signer]) -> Result<String, NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::TextNotNewlineTerminated);
    }
    check_no_control_characters(text)?;
    if signers.is_empty() {
        return Err(NoteError::NoSigners);
    }
    let mut seen_keys: HashSet<(&str, KeyId)> = HashSet::new();
    let mut note = String::with_capacity(text.len() + 1 + signers.len() * 128);
    note.push_str(text);
    note.push('\n');
    for signer in signers {
        let name = signer.name();
        if !is_valid_key_name(name) {
            return Err(NoteError::InvalidKeyName {
                name: name.to_owned(),
            });
        }
        if !seen_keys.insert((name, signer.key_id())) {
            return Err(NoteError::DuplicateSigner {
                name: name.to_owned(),
                key_id: signer.key_id(),
            });
        }
        let signature = signer.sign(text.as_bytes())?;
        if signature.is_empty() {
            return Err(NoteError::Signing {
                name: name.to_owned(),
                source: "signer returned an empty signature".into(),
            });
        }
        let line = NoteSignature {
            name: name.to_owned(),
            key_id: signer.key_id(),
            signature,
        };
        note.push_str(&line.to_line());
        note.push('\n');
    }
    if note.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            len: note.len(),
            max: MAX_NOTE_BYTES,
        });
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_follow_c2sp_rules() {
        assert!(is_valid_key_name("example.com/log42"));
        assert!(is_valid_key_name("留痕.example/日志"));
        assert!(!is_valid_key_name(""));
        assert!(!is_valid_key_name("a b"));
        assert!(!is_valid_key_name("a+b"));
        assert!(
            !is_valid_key_name("a\u{3000}b"),
            "ideographic space is a Unicode space"
        );
        assert!(!is_valid_key_name("a\u{a0}b"));
    }

    #[test]
    fn text_is_split_at_the_last_blank_line() {
        let msg = "a\n\nb\n\n\u{2014} k AAAAAAE=\n";
        let note = Note::parse(msg.as_bytes()).unwrap();
        assert_eq!(note.text(), "a\n\nb\n");
        assert_eq!(note.signatures().len(), 1);
        assert_eq!(note.signatures()[0].key_id(), KeyId(0));
        assert_eq!(note.signatures()[0].signature(), &[1]);
    }

    #[test]
    fn key_id_displays_as_eight_hex_digits() {
        assert_eq!(KeyId(0xc74f20a3).to_string(), "c74f20a3");
        assert_eq!(KeyId(0x1).to_string(), "00000001");
    }
}
