//! Note signing keys: the [`Signer`] and [`Verifier`] traits, in-process Ed25519 and SM2 keys,
//! and their text encodings (signer keys `PRIVATE+KEY+…`, verifier keys `name+keyid+base64`).
//!
//! Signing goes through [`Signer`] so that an HSM or a signature server (密码机/签名服务器)
//! can replace the in-process keys without touching the log (DESIGN.md "The verifiable log").
//!
//! Two key types are implemented (byte layouts in `docs/formats/checkpoint.md`):
//! - **Ed25519**, exactly as C2SP signed-note and Go's `sumdb/note`: type byte `0x01`, 32-byte
//!   public key, RFC 8032 signatures over the note text.
//! - **SM2** (GB/T 32918.2, SM3 hash, distinguishing ID `1234567812345678`): under C2SP's
//!   private-use type byte `0xff` followed by the identifier [`SM2_KEY_TYPE_IDENTIFIER`], a
//!   65-byte uncompressed SEC1 public key, and 64-byte `r ‖ s` signatures.
//!
//! Key strings have the forms Go's `note.GenerateKey` writes, so Ed25519 keys are exchangeable
//! with Go tooling:
//!
//! ```text
//! verifier key:  <name>+<8 hex digits of key ID>+<base64(type ‖ public key)>
//! signer key:    PRIVATE+KEY+<name>+<8 hex digits of key ID>+<base64(type ‖ private key)>
//! ```
//!
//! A key file holds one key string followed by a newline ([`key_file_contents`],
//! [`key_from_file_contents`]).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sm2::dsa::signature::{Signer as _, Verifier as _};

use crate::note::{KeyId, NoteError, is_valid_key_name};

/// C2SP signed-note signature type byte for Ed25519.
pub const ED25519_KEY_TYPE: u8 = 0x01;

/// C2SP signed-note signature type byte for types without an assigned byte; it is followed by
/// an identifier "unlikely to collide".
pub const PRIVATE_USE_KEY_TYPE: u8 = 0xff;

/// Identifier that follows [`PRIVATE_USE_KEY_TYPE`] for liuhen's SM2 signatures: the ASCII
/// bytes `liuhen-sm2-v1`.
///
/// It names the whole scheme, version 1: SM2 signature algorithm of GB/T 32918.2-2016 on the
/// recommended curve of GB/T 32918.5-2017, hash SM3 (GB/T 32905-2016), user information hash
/// `Z_A` computed with [`SM2_DISTINGUISHING_ID`], 65-byte uncompressed public keys and 64-byte
/// `r ‖ s` signatures. Any change to these gets a new identifier.
pub const SM2_KEY_TYPE_IDENTIFIER: &[u8] = b"liuhen-sm2-v1";

/// SM2 distinguishing identifier (`ID_A`) used for `Z_A`: the default of GM/T 0009-2012 §10.
pub const SM2_DISTINGUISHING_ID: &str = "1234567812345678";

/// Length of an SM2 public key in uncompressed SEC1 form: `0x04 ‖ x ‖ y`.
pub const SM2_PUBLIC_KEY_LEN: usize = 65;

/// Length of an SM2 signature: `r ‖ s`, each 32 bytes big-endian.
pub const SM2_SIGNATURE_LEN: usize = 64;

/// Length of an Ed25519 signature (RFC 8032 §5.1.6).
pub const ED25519_SIGNATURE_LEN: usize = 64;

/// Prefix of every signer key string.
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// How often SM2 key generation redraws a scalar that is zero or not below the group order
/// before giving up; the chance of even one redraw is about 2^-32.
const SM2_GENERATE_ATTEMPTS: usize = 16;

/// Something that signs note texts under one key name and key ID.
///
/// Implement it for an HSM or a remote signature server; the in-process keys are
/// [`Ed25519Signer`] and [`Sm2Signer`].
pub trait Signer: Send + Sync {
    /// Key name written on the signature line (for checkpoints, normally the log origin).
    fn name(&self) -> &str;

    /// Key ID written before the signature bytes.
    fn key_id(&self) -> KeyId;

    /// Signs `msg` (the whole note text, final newline included) and returns the raw signature
    /// bytes, without key ID. Failures are reported as [`NoteError::Signing`].
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, NoteError>;
}

/// Something that checks signatures made under one key name and key ID.
pub trait Verifier: Send + Sync {
    /// Key name the signature line must carry.
    fn name(&self) -> &str;

    /// Key ID the signature must carry.
    fn key_id(&self) -> KeyId;

    /// Reports whether `signature` (raw bytes, key ID removed) is valid for `msg`.
    /// Must return `false`, never panic, for signatures of any length or content.
    fn verify(&self, msg: &[u8], signature: &[u8]) -> bool;
}

/// A set of trusted verifier keys, looked up by (key name, key ID).
///
/// At most one verifier per (name, key ID): a second is refused with
/// [`NoteError::DuplicateVerifier`], where Go's `VerifierList` reports an "ambiguous key" at
/// lookup time.
#[derive(Default)]
pub struct Verifiers {
    verifiers: Vec<Box<dyn Verifier>>,
}

impl Verifiers {
    /// An empty set; a note opened against it is always rejected.
    pub fn new() -> Verifiers {
        Verifiers::default()
    }

    /// Builds a set from verifier key strings (`name+keyid+base64`), as printed by
    /// `liuhen log init` or Go's `note.GenerateKey`.
    pub fn from_verifier_keys<S: AsRef<str>>(
        verifier_keys: impl IntoIterator<Item = S>,
    ) -> Result<Verifiers, NoteError> {
        let mut verifiers = Verifiers::new();
        for verifier_key in verifier_keys {
            verifiers.add(Box::new(parse_verifier_key(verifier_key.as_ref())?))?;
        }
        Ok(verifiers)
    }

    /// Adds a trusted verifier.
    pub fn add(&mut self, verifier: Box<dyn Verifier>) -> Result<(), NoteError> {
        if self.get(verifier.name(), verifier.key_id()).is_some() {
            return Err(NoteError::DuplicateVerifier {
                name: verifier.name().to_owned(),
                key_id: verifier.key_id(),
            });
        }
        self.verifiers.push(verifier);
        Ok(())
    }

    /// The verifier with exactly this name and key ID, if trusted.
    pub fn get(&self, name: &str, key_id: KeyId) -> Option<&dyn Verifier> {
        self.verifiers
            .iter()
            .find(|verifier| verifier.name() == name && verifier.key_id() == key_id)
            .map(|verifier| verifier.as_ref())
    }

    /// All trusted verifiers, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Verifier> {
        self.verifiers.iter().map(|verifier| verifier.as_ref())
    }

    /// Number of trusted verifiers.
    pub fn len(&self) -> usize {
        self.verifiers.len()
    }

    /// Reports whether no verifier is trusted.
    pub fn is_empty(&self) -> bool {
        self.verifiers.is_empty()
    }
}

impl fmt::Debug for Verifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.verifiers
                    .iter()
                    .map(|v| format!("{}+{}", v.name(), v.key_id())),
            )
            .finish()
    }
}

/// Type-tagged key material of either kind (public or private), after the type prefix.
enum TypedKey<'a> {
    Ed25519(&'a [u8]),
    Sm2(&'a [u8]),
}

/// Splits decoded key material into its type and the key bytes after the type prefix.
fn classify_key(typed_key: &[u8]) -> Result<TypedKey<'_>, NoteError> {
    match typed_key.split_first() {
        None => Err(NoteError::MalformedKey {
            reason: "empty key material",
        }),
        Some((&ED25519_KEY_TYPE, key)) => Ok(TypedKey::Ed25519(key)),
        Some((&PRIVATE_USE_KEY_TYPE, rest)) => match rest.strip_prefix(SM2_KEY_TYPE_IDENTIFIER) {
            Some(key) => Ok(TypedKey::Sm2(key)),
            None => Err(NoteError::UnknownKeyType {
                type_byte: PRIVATE_USE_KEY_TYPE,
            }),
        },
        Some((&type_byte, _)) => Err(NoteError::UnknownKeyType { type_byte }),
    }
}

/// Splits `name+keyid+base64` (the part of a signer key after `PRIVATE+KEY+`, or a whole
/// verifier key) into name, stated key ID and decoded typed key bytes.
///
/// Like Go's `chop`, the name ends at the first `+` and the key ID at the second; the base64,
/// which may itself contain `+`, is the rest.
fn split_key_string(key_string: &str) -> Result<(&str, KeyId, Vec<u8>), NoteError> {
    let Some((name, rest)) = key_string.split_once('+') else {
        return Err(NoteError::MalformedKey {
            reason: "missing '+' after the key name",
        });
    };
    let Some((id_hex, key_base64)) = rest.split_once('+') else {
        return Err(NoteError::MalformedKey {
            reason: "missing '+' after the key ID",
        });
    };
    if !is_valid_key_name(name) {
        return Err(NoteError::InvalidKeyName {
            name: name.to_owned(),
        });
    }
    if !(id_hex.len() == 8 && id_hex.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(NoteError::MalformedKey {
            reason: "key ID is not 8 hex digits",
        });
    }
    let Ok(key_id) = u32::from_str_radix(id_hex, 16) else {
        return Err(NoteError::MalformedKey {
            reason: "key ID is not 8 hex digits",
        });
    };
    let Ok(typed_key) = BASE64.decode(key_base64) else {
        return Err(NoteError::MalformedKey {
            reason: "key material is not canonical base64",
        });
    };
    if typed_key.is_empty() {
        return Err(NoteError::MalformedKey {
            reason: "empty key material",
        });
    }
    Ok((name, KeyId(key_id), typed_key))
}

/// Checks the key ID stated in a key string against the one derived from the public key.
fn check_key_id(name: &str, stated: KeyId, computed: KeyId) -> Result<(), NoteError> {
    if stated != computed {
        return Err(NoteError::KeyIdMismatch {
            name: name.to_owned(),
            stated,
            computed,
        });
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), NoteError> {
    if !is_valid_key_name(name) {
        return Err(NoteError::InvalidKeyName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

fn format_key_string(name: &str, key_id: KeyId, typed_key: &[u8]) -> String {
    format!("{name}+{key_id}+{}", BASE64.encode(typed_key))
}

fn ed25519_typed_key(key: &[u8; 32]) -> Vec<u8> {
    let mut typed = Vec::with_capacity(33);
    typed.push(ED25519_KEY_TYPE);
    typed.extend_from_slice(key);
    typed
}

fn sm2_typed_key(key: &[u8]) -> Vec<u8> {
    let mut typed = Vec::with_capacity(1 + SM2_KEY_TYPE_IDENTIFIER.len() + key.len());
    typed.push(PRIVATE_USE_KEY_TYPE);
    typed.extend_from_slice(SM2_KEY_TYPE_IDENTIFIER);
    typed.extend_from_slice(key);
    typed
}

/// Parses a verifier key string `name+keyid+base64(type ‖ public key)` of any supported type,
/// checking the key ID against the name and public key.
pub fn parse_verifier_key(verifier_key: &str) -> Result<VerifierKey, NoteError> {
    let (name, stated, typed_key) = split_key_string(verifier_key)?;
    check_key_id(name, stated, KeyId::derive(name, &typed_key))?;
    match classify_key(&typed_key)? {
        TypedKey::Ed25519(key) => {
            let Ok(key) = <&[u8; 32]>::try_from(key) else {
                return Err(NoteError::MalformedKey {
                    reason: "Ed25519 public key is not 32 bytes",
                });
            };
            Ok(VerifierKey::Ed25519(Ed25519Verifier::new(name, key)?))
        }
        TypedKey::Sm2(key) => Ok(VerifierKey::Sm2(Sm2Verifier::new(name, key)?)),
    }
}

/// A verifier of either supported type, as read from a verifier key string.
#[derive(Clone, Debug)]
pub enum VerifierKey {
    /// Ed25519 key (type `0x01`).
    Ed25519(Ed25519Verifier),
    /// SM2 key (type `0xff` + [`SM2_KEY_TYPE_IDENTIFIER`]).
    Sm2(Sm2Verifier),
}

impl VerifierKey {
    /// The verifier key string (`name+keyid+base64`), canonical (lowercase key ID).
    pub fn verifier_key(&self) -> String {
        match self {
            VerifierKey::Ed25519(verifier) => verifier.verifier_key(),
            VerifierKey::Sm2(verifier) => verifier.verifier_key(),
        }
    }
}

impl Verifier for VerifierKey {
    fn name(&self) -> &str {
        match self {
            VerifierKey::Ed25519(verifier) => verifier.name(),
            VerifierKey::Sm2(verifier) => verifier.name(),
        }
    }

    fn key_id(&self) -> KeyId {
        match self {
            VerifierKey::Ed25519(verifier) => verifier.key_id(),
            VerifierKey::Sm2(verifier) => verifier.key_id(),
        }
    }

    fn verify(&self, msg: &[u8], signature: &[u8]) -> bool {
        match self {
            VerifierKey::Ed25519(verifier) => verifier.verify(msg, signature),
            VerifierKey::Sm2(verifier) => verifier.verify(msg, signature),
        }
    }
}

/// Parses a signer key string `PRIVATE+KEY+name+keyid+base64(type ‖ private key)` of any
/// supported type, checking the key ID against the derived public key.
pub fn parse_signer_key(signer_key: &str) -> Result<InProcessSigner, NoteError> {
    let Some(rest) = signer_key.strip_prefix(PRIVATE_KEY_PREFIX) else {
        return Err(NoteError::MalformedKey {
            reason: "signer key does not start with PRIVATE+KEY+",
        });
    };
    let (name, stated, typed_key) = split_key_string(rest)?;
    let signer = match classify_key(&typed_key)? {
        TypedKey::Ed25519(seed) => {
            let Ok(seed) = <&[u8; 32]>::try_from(seed) else {
                return Err(NoteError::MalformedKey {
                    reason: "Ed25519 seed is not 32 bytes",
                });
            };
            InProcessSigner::Ed25519(Ed25519Signer::from_seed(name, seed)?)
        }
        TypedKey::Sm2(secret) => {
            let Ok(secret) = <&[u8; 32]>::try_from(secret) else {
                return Err(NoteError::MalformedKey {
                    reason: "SM2 private key is not 32 bytes",
                });
            };
            InProcessSigner::Sm2(Sm2Signer::from_secret_bytes(name, secret)?)
        }
    };
    check_key_id(name, stated, signer.key_id())?;
    Ok(signer)
}

/// Contents of a key file: the key string and a newline. One key per file (what
/// `liuhen log init` writes; signer key files must be readable by the log operator only).
pub fn key_file_contents(key_string: &str) -> String {
    format!("{key_string}\n")
}

/// Extracts the key string from key file contents: surrounding ASCII white space (such as the
/// final newline, or `\r\n` after editing on Windows) is ignored; anything else must be
/// exactly one key string.
pub fn key_from_file_contents(contents: &str) -> Result<&str, NoteError> {
    let key = contents.trim_matches(|c: char| c.is_ascii_whitespace());
    if key.is_empty() {
        return Err(NoteError::MalformedKey {
            reason: "key file is empty",
        });
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(NoteError::MalformedKey {
            reason: "key file holds more than one key string",
        });
    }
    Ok(key)
}

/// An in-process signer of either supported type, as read from a signer key string.
#[derive(Debug)]
pub enum InProcessSigner {
    /// Ed25519 key (type `0x01`).
    Ed25519(Ed25519Signer),
    /// SM2 key (type `0xff` + [`SM2_KEY_TYPE_IDENTIFIER`]).
    Sm2(Sm2Signer),
}

impl InProcessSigner {
    /// The verifier key string to publish (`name+keyid+base64`).
    pub fn verifier_key(&self) -> String {
        match self {
            InProcessSigner::Ed25519(signer) => signer.verifier_key(),
            InProcessSigner::Sm2(signer) => signer.verifier_key(),
        }
    }

    /// The signer key string (`PRIVATE+KEY+…`). Secret: write it only to a protected file.
    pub fn signer_key(&self) -> String {
        match self {
            InProcessSigner::Ed25519(signer) => signer.signer_key(),
            InProcessSigner::Sm2(signer) => signer.signer_key(),
        }
    }

    /// The matching verifier.
    pub fn verifier(&self) -> VerifierKey {
        match self {
            InProcessSigner::Ed25519(signer) => VerifierKey::Ed25519(signer.verifier()),
            InProcessSigner::Sm2(signer) => VerifierKey::Sm2(signer.verifier()),
        }
    }
}

impl Signer for InProcessSigner {
    fn name(&self) -> &str {
        match self {
            InProcessSigner::Ed25519(signer) => signer.name(),
            InProcessSigner::Sm2(signer) => signer.name(),
        }
    }

    fn key_id(&self) -> KeyId {
        match self {
            InProcessSigner::Ed25519(signer) => signer.key_id(),
            InProcessSigner::Sm2(signer) => signer.key_id(),
        }
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, NoteError> {
        match self {
            InProcessSigner::Ed25519(signer) => signer.sign(msg),
            InProcessSigner::Sm2(signer) => signer.sign(msg),
        }
    }
}

/// An Ed25519 signing key held in process memory (zeroized on drop by `ed25519-dalek`).
pub struct Ed25519Signer {
    name: String,
    key_id: KeyId,
    signing_key: ed25519_dalek::SigningKey,
}

impl Ed25519Signer {
    /// Generates a new key from the operating system's random number generator.
    pub fn generate(name: &str) -> Result<Ed25519Signer, NoteError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(NoteError::Randomness)?;
        let signer = Ed25519Signer::from_seed(name, &seed);
        seed.fill(0);
        signer
    }

    /// Builds the key from its 32-byte RFC 8032 seed (the private key of Go's signer keys).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Ed25519Signer, NoteError> {
        check_name(name)?;
        let signing_key = ed25519_dalek::SigningKey::from_bytes(seed);
        let public_key = signing_key.verifying_key().to_bytes();
        let key_id = KeyId::derive(name, &ed25519_typed_key(&public_key));
        Ok(Ed25519Signer {
            name: name.to_owned(),
            key_id,
            signing_key,
        })
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Ed25519Verifier {
        Ed25519Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            verifying_key: self.signing_key.verifying_key(),
        }
    }

    /// The verifier key string `name+keyid+base64(0x01 ‖ public key)`.
    pub fn verifier_key(&self) -> String {
        self.verifier().verifier_key()
    }

    /// The signer key string `PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)`, as Go's
    /// `note.GenerateKey`. Secret.
    pub fn signer_key(&self) -> String {
        let typed = ed25519_typed_key(&self.signing_key.to_bytes());
        format!(
            "{PRIVATE_KEY_PREFIX}{}",
            format_key_string(&self.name, self.key_id, &typed)
        )
    }
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The seed is deliberately left out so that keys never end up in logs.
        write!(f, "Ed25519Signer({}+{})", self.name, self.key_id)
    }
}

impl Signer for Ed25519Signer {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> KeyId {
        self.key_id
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, NoteError> {
        use ed25519_dalek::Signer as _;
        Ok(self.signing_key.sign(msg).to_bytes().to_vec())
    }
}

/// An Ed25519 verifier key.
#[derive(Clone, Debug)]
pub struct Ed25519Verifier {
    name: String,
    key_id: KeyId,
    verifying_key: ed25519_dalek::VerifyingKey,
}

impl Ed25519Verifier {
    /// Builds a verifier from a key name and a 32-byte RFC 8032 public key; the key ID is
    /// derived as C2SP signed-note specifies.
    pub fn new(name: &str, public_key: &[u8; 32]) -> Result<Ed25519Verifier, NoteError> {
        check_name(name)?;
        let Ok(verifying_key) = ed25519_dalek::VerifyingKey::from_bytes(public_key) else {
            return Err(NoteError::InvalidKeyMaterial {
                reason: "not an Ed25519 point",
            });
        };
        let key_id = KeyId::derive(name, &ed25519_typed_key(public_key));
        Ok(Ed25519Verifier {
            name: name.to_owned(),
            key_id,
            verifying_key,
        })
    }

    /// The verifier key string `name+keyid+base64(0x01 ‖ public key)`.
    pub fn verifier_key(&self) -> String {
        let typed = ed25519_typed_key(&self.verifying_key.to_bytes());
        format_key_string(&self.name, self.key_id, &typed)
    }
}

impl Verifier for Ed25519Verifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// Uses `verify_strict`: besides RFC 8032 it rejects small-order public keys and
    /// non-canonical `R`, which honest signers (Go's `ed25519.Sign` included) never produce.
    fn verify(&self, msg: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.verifying_key.verify_strict(msg, &signature).is_ok()
    }
}

/// An SM2 signing key held in process memory.
pub struct Sm2Signer {
    name: String,
    key_id: KeyId,
    signing_key: sm2::dsa::SigningKey,
}

impl Sm2Signer {
    /// Generates a new key from the operating system's random number generator (a uniform
    /// scalar in [1, n-1], by rejection sampling).
    pub fn generate(name: &str) -> Result<Sm2Signer, NoteError> {
        check_name(name)?;
        for _ in 0..SM2_GENERATE_ATTEMPTS {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(NoteError::Randomness)?;
            let signer = Sm2Signer::from_secret_bytes(name, &secret);
            secret.fill(0);
            if let Ok(signer) = signer {
                return Ok(signer);
            }
        }
        Err(NoteError::InvalidKeyMaterial {
            reason: "random SM2 scalars kept falling out of range",
        })
    }

    /// Builds the key from its 32-byte big-endian private scalar `d` (1 ≤ d ≤ n-2 per
    /// GB/T 32918.1 §6.1; the `sm2` crate accepts 1 ≤ d < n).
    pub fn from_secret_bytes(name: &str, secret: &[u8; 32]) -> Result<Sm2Signer, NoteError> {
        check_name(name)?;
        let Ok(signing_key) = sm2::dsa::SigningKey::from_slice(SM2_DISTINGUISHING_ID, secret)
        else {
            return Err(NoteError::InvalidKeyMaterial {
                reason: "SM2 private key is zero or not below the group order",
            });
        };
        let public_key = signing_key.verifying_key().to_sec1_bytes();
        let key_id = KeyId::derive(name, &sm2_typed_key(&public_key));
        Ok(Sm2Signer {
            name: name.to_owned(),
            key_id,
            signing_key,
        })
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Sm2Verifier {
        Sm2Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            verifying_key: self.signing_key.verifying_key().clone(),
        }
    }

    /// The verifier key string `name+keyid+base64(0xff ‖ "liuhen-sm2-v1" ‖ public key)`.
    pub fn verifier_key(&self) -> String {
        self.verifier().verifier_key()
    }

    /// The signer key string `PRIVATE+KEY+name+keyid+base64(0xff ‖ "liuhen-sm2-v1" ‖ d)`.
    /// Secret.
    pub fn signer_key(&self) -> String {
        let typed = sm2_typed_key(&self.signing_key.to_bytes());
        format!(
            "{PRIVATE_KEY_PREFIX}{}",
            format_key_string(&self.name, self.key_id, &typed)
        )
    }
}

impl fmt::Debug for Sm2Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The private scalar is deliberately left out so that keys never end up in logs.
        write!(f, "Sm2Signer({}+{})", self.name, self.key_id)
    }
}

impl Signer for Sm2Signer {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// Signs with the nonce derived as RFC 6979 (HMAC-SM3) from key and digest, as the `sm2`
    /// crate does: deterministic, so no randomness failure can hit the signing path.
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, NoteError> {
        let signature: sm2::dsa::Signature =
            self.signing_key
                .try_sign(msg)
                .map_err(|err| NoteError::Signing {
                    name: self.name.clone(),
                    source: Box::new(err),
                })?;
        Ok(signature.to_bytes().to_vec())
    }
}

/// An SM2 verifier key.
#[derive(Clone, Debug)]
pub struct Sm2Verifier {
    name: String,
    key_id: KeyId,
    verifying_key: sm2::dsa::VerifyingKey,
}

impl Sm2Verifier {
    /// Builds a verifier from a key name and a 65-byte uncompressed SEC1 public key
    /// (`0x04 ‖ x ‖ y`); the point must lie on the SM2 curve.
    pub fn new(name: &str, public_key: &[u8]) -> Result<Sm2Verifier, NoteError> {
        check_name(name)?;
        if !(public_key.len() == SM2_PUBLIC_KEY_LEN && public_key.first() == Some(&0x04)) {
            return Err(NoteError::MalformedKey {
                reason: "SM2 public key is not 65 bytes of uncompressed SEC1",
            });
        }
        let Ok(verifying_key) =
            sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTINGUISHING_ID, public_key)
        else {
            return Err(NoteError::InvalidKeyMaterial {
                reason: "not a point on the SM2 curve",
            });
        };
        let key_id = KeyId::derive(name, &sm2_typed_key(public_key));
        Ok(Sm2Verifier {
            name: name.to_owned(),
            key_id,
            verifying_key,
        })
    }

    /// The verifier key string `name+keyid+base64(0xff ‖ "liuhen-sm2-v1" ‖ public key)`.
    pub fn verifier_key(&self) -> String {
        let typed = sm2_typed_key(&self.verifying_key.to_sec1_bytes());
        format_key_string(&self.name, self.key_id, &typed)
    }
}

impl Verifier for Sm2Verifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> KeyId {
        self.key_id
    }

    fn verify(&self, msg: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = sm2::dsa::Signature::from_slice(signature) else {
            return false;
        };
        self.verifying_key.verify(msg, &signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_contents_round_trip() {
        let key = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        assert_eq!(
            key_from_file_contents(&key_file_contents(key)).unwrap(),
            key
        );
        assert_eq!(key_from_file_contents(&format!("{key}\r\n")).unwrap(), key);
        assert!(key_from_file_contents("\n").is_err());
        assert!(key_from_file_contents(&format!("{key}\n{key}\n")).is_err());
    }
}
