//! Behaviour of signed notes, checkpoints and note keys: round trips with SM2 and Ed25519,
//! several signatures, the trust policy (unknown keys ignored, required keys enforced), tamper
//! detection, and rejection of malformed notes, checkpoints and key strings.

use liuhen_ledger::checkpoint::{Checkpoint, open_checkpoint, sign_checkpoint};
use liuhen_ledger::note::{
    KeyId, MAX_NOTE_BYTES, MAX_SIGNATURES, Note, NoteError, Require, open_note, sign_note,
};
use liuhen_ledger::signer::{
    Ed25519Signer, Signer, Sm2Signer, Verifiers, key_file_contents, key_from_file_contents,
    parse_signer_key, parse_verifier_key,
};

const ORIGIN: &str = "liuhen.example/district-log";

fn ed25519(name: &str, fill: u8) -> Ed25519Signer {
    Ed25519Signer::from_seed(name, &[fill; 32]).unwrap()
}

fn sm2(name: &str, fill: u8) -> Sm2Signer {
    Sm2Signer::from_secret_bytes(name, &[fill; 32]).unwrap()
}

fn trust(verifier_keys: &[String]) -> Verifiers {
    Verifiers::from_verifier_keys(verifier_keys).unwrap()
}

fn checkpoint() -> Checkpoint {
    Checkpoint::new(ORIGIN, 1234, [0xab; 32]).unwrap()
}

/// A signer that claims another key's name or key ID, or fails like an unreachable HSM.
struct Impostor<'a> {
    inner: &'a dyn Signer,
    name: &'a str,
    key_id: KeyId,
    fail: bool,
}

impl Signer for Impostor<'_> {
    fn name(&self) -> &str {
        self.name
    }
    fn key_id(&self) -> KeyId {
        self.key_id
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, NoteError> {
        if self.fail {
            return Err(NoteError::Signing {
                name: self.name.to_owned(),
                source: "signature server unreachable".into(),
            });
        }
        self.inner.sign(msg)
    }
}

#[test]
fn checkpoint_signed_with_sm2_and_ed25519_opens_with_either_or_both_keys() {
    let sm2_key = sm2(ORIGIN, 7);
    let ed_key = ed25519(ORIGIN, 7);
    let note = sign_checkpoint(&checkpoint(), &[&sm2_key, &ed_key]).unwrap();
    for keys in [
        vec![sm2_key.verifier_key()],
        vec![ed_key.verifier_key()],
        vec![sm2_key.verifier_key(), ed_key.verifier_key()],
    ] {
        let opened = open_checkpoint(&note, &trust(&keys), Require::AllKeys).unwrap();
        assert_eq!(opened, checkpoint());
    }
}

#[test]
fn checkpoint_with_extension_lines_round_trips() {
    let with_extensions = checkpoint()
        .with_extensions(vec![
            "时间 2026-11-27T08:00:00+08:00".to_owned(),
            "x".to_owned(),
        ])
        .unwrap();
    let key = sm2(ORIGIN, 3);
    let note = sign_checkpoint(&with_extensions, &[&key]).unwrap();
    let opened = open_checkpoint(note, &trust(&[key.verifier_key()]), Require::AnyKey).unwrap();
    assert_eq!(opened, with_extensions);
    assert_eq!(opened.extensions().len(), 2);
}

#[test]
fn unknown_signatures_are_ignored_and_reported_as_unverified() {
    let log_key = sm2(ORIGIN, 1);
    let witness = ed25519("witness.example/w1", 2);
    let note = sign_note("text\n", &[&witness, &log_key]).unwrap();
    let opened = open_note(&note, &trust(&[log_key.verifier_key()]), Require::AllKeys).unwrap();
    assert_eq!(opened.verified().len(), 1);
    assert_eq!(opened.verified()[0].name(), ORIGIN);
    assert_eq!(opened.unverified().len(), 1);
    assert_eq!(opened.unverified()[0].name(), "witness.example/w1");
}

#[test]
fn signature_sharing_only_the_name_or_only_the_key_id_of_a_trusted_key_is_ignored() {
    let trusted = ed25519(ORIGIN, 1);
    let other = ed25519(ORIGIN, 2);
    let same_name = Impostor {
        inner: &other,
        name: ORIGIN,
        key_id: other.key_id(),
        fail: false,
    };
    let same_id = Impostor {
        inner: &other,
        name: "other.example/x",
        key_id: trusted.key_id(),
        fail: false,
    };
    let note = sign_note("text\n", &[&same_name, &same_id, &trusted]).unwrap();
    let opened = open_note(&note, &trust(&[trusted.verifier_key()]), Require::AllKeys).unwrap();
    assert_eq!(opened.verified().len(), 1);
    assert_eq!(opened.unverified().len(), 2);
}

#[test]
fn note_without_any_trusted_signature_is_rejected() {
    let signer = ed25519(ORIGIN, 1);
    let note = sign_note("text\n", &[&signer]).unwrap();
    let stranger = ed25519(ORIGIN, 2);
    let err = open_note(&note, &trust(&[stranger.verifier_key()]), Require::AnyKey).unwrap_err();
    assert!(matches!(err, NoteError::NoVerifiedSignature), "{err:?}");
    let err = open_note(&note, &Verifiers::new(), Require::AnyKey).unwrap_err();
    assert!(matches!(err, NoteError::NoVerifiedSignature), "{err:?}");
}

#[test]
fn missing_required_key_fails_naming_that_key() {
    let log_key = sm2(ORIGIN, 1);
    let witness = ed25519("witness.example/w1", 2);
    let note = sign_checkpoint(&checkpoint(), &[&log_key]).unwrap();
    let verifiers = trust(&[log_key.verifier_key(), witness.verifier_key()]);
    assert!(open_checkpoint(&note, &verifiers, Require::AnyKey).is_ok());
    let err = open_checkpoint(&note, &verifiers, Require::AllKeys).unwrap_err();
    match err {
        NoteError::MissingRequiredSignature { name, key_id } => {
            assert_eq!(name, "witness.example/w1");
            assert_eq!(key_id, witness.key_id());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn threshold_counts_distinct_trusted_keys() {
    let keys = [
        ed25519("w.example/1", 1),
        ed25519("w.example/2", 2),
        ed25519("w.example/3", 3),
    ];
    let verifiers = trust(&keys.iter().map(|k| k.verifier_key()).collect::<Vec<_>>());
    // The second witness's line appears twice: repeats of one key count once.
    let note = sign_note("text\n", &[&keys[0], &keys[1]]).unwrap();
    let repeated = format!("{note}{}", note.lines().last().unwrap_or_default());
    let repeated = format!("{repeated}\n");
    assert!(open_note(&repeated, &verifiers, Require::AtLeast(2)).is_ok());
    let err = open_note(&repeated, &verifiers, Require::AtLeast(3)).unwrap_err();
    assert!(
        matches!(
            err,
            NoteError::TooFewSignatures {
                verified: 2,
                required: 3
            }
        ),
        "{err:?}"
    );
}

#[test]
fn bad_signature_by_a_trusted_key_rejects_the_note_even_if_another_verifies() {
    let good = ed25519("a.example/1", 1);
    let bad_inner = ed25519("b.example/1", 9);
    let claimed = ed25519("b.example/1", 2);
    let forged = Impostor {
        inner: &bad_inner,
        name: "b.example/1",
        key_id: claimed.key_id(),
        fail: false,
    };
    let note = sign_note("text\n", &[&good, &forged]).unwrap();
    let verifiers = trust(&[good.verifier_key(), claimed.verifier_key()]);
    let err = open_note(&note, &verifiers, Require::AnyKey).unwrap_err();
    assert!(
        matches!(&err, NoteError::InvalidSignature { name, .. } if name == "b.example/1"),
        "{err:?}"
    );
}

#[test]
fn any_single_byte_change_to_a_signed_checkpoint_is_rejected() {
    let sm2_key = sm2(ORIGIN, 5);
    let ed_key = ed25519(ORIGIN, 5);
    let note = sign_checkpoint(&checkpoint(), &[&sm2_key, &ed_key]).unwrap();
    let verifiers = trust(&[sm2_key.verifier_key(), ed_key.verifier_key()]);
    assert!(open_checkpoint(&note, &verifiers, Require::AllKeys).is_ok());
    let bytes = note.as_bytes();
    for idx in 0..bytes.len() {
        for mask in [0x01u8, 0x20, 0x80] {
            let mut tampered = bytes.to_vec();
            tampered[idx] ^= mask;
            let res = open_checkpoint(&tampered, &verifiers, Require::AllKeys);
            assert!(res.is_err(), "byte {idx} ^ {mask:#04x} accepted");
        }
    }
}

#[test]
fn empty_text_and_text_without_final_newline_cannot_be_signed() {
    let key = ed25519(ORIGIN, 1);
    for text in ["", "no newline", "a\nb"] {
        let err = sign_note(text, &[&key]).unwrap_err();
        assert!(
            matches!(err, NoteError::TextNotNewlineTerminated),
            "{text:?}: {err:?}"
        );
    }
    let err = sign_note("tab\there\n", &[&key]).unwrap_err();
    assert!(
        matches!(err, NoteError::ControlCharacter { offset: 3 }),
        "{err:?}"
    );
    let err = sign_note("text\n", &[]).unwrap_err();
    assert!(matches!(err, NoteError::NoSigners), "{err:?}");
}

#[test]
fn signing_fails_cleanly_when_a_signer_fails_or_repeats_a_key() {
    let key = ed25519(ORIGIN, 1);
    let down = Impostor {
        inner: &key,
        name: ORIGIN,
        key_id: key.key_id(),
        fail: true,
    };
    let err = sign_note("text\n", &[&down]).unwrap_err();
    assert!(matches!(err, NoteError::Signing { .. }), "{err:?}");
    let err = sign_note("text\n", &[&key, &key]).unwrap_err();
    assert!(matches!(err, NoteError::DuplicateSigner { .. }), "{err:?}");
    let spaced = Impostor {
        inner: &key,
        name: "bad name",
        key_id: key.key_id(),
        fail: false,
    };
    let err = sign_note("text\n", &[&spaced]).unwrap_err();
    assert!(matches!(err, NoteError::InvalidKeyName { .. }), "{err:?}");
}

/// Parses `note` and checks the error kind (or success) against `expect`.
fn check(note: &str, expect: Result<usize, fn(&NoteError) -> bool>) {
    let res = Note::parse(note.as_bytes());
    match (res, expect) {
        (Ok(parsed), Ok(signatures)) => {
            assert_eq!(parsed.signatures().len(), signatures, "{note:?}")
        }
        (Err(err), Err(is_expected)) => assert!(is_expected(&err), "{note:?}: {err:?}"),
        (res, _) => panic!("{note:?}: unexpected {res:?}"),
    }
}

const SIG: &str = "AAAAAAE="; // key ID 0, one signature byte

#[test]
fn malformed_notes_are_rejected() {
    let malformed_line = |e: &NoteError| matches!(e, NoteError::MalformedSignatureLine { .. });
    let missing_block = |e: &NoteError| matches!(e, NoteError::MissingSignatureBlock);
    check(&format!("t\n\n— k {SIG}\n"), Ok(1));
    check(&format!("t\n\n— k {SIG}\n— k2 {SIG}\n"), Ok(2));
    check(&format!("t\n— k {SIG}\n"), Err(missing_block));
    check(&format!("t\n\n— k {SIG}"), Err(missing_block));
    check("t\n\n", Err(missing_block));
    check("", Err(missing_block));
    check(&format!("t\n\n- k {SIG}\n"), Err(malformed_line));
    check(&format!("t\n\n—k {SIG}\n"), Err(malformed_line));
    check(&format!("t\n\n— k  {SIG}\n"), Err(malformed_line));
    check(&format!("t\n\n—  k {SIG}\n"), Err(malformed_line));
    check(&format!("t\n\n— k+1 {SIG}\n"), Err(malformed_line));
    check("t\n\n— k\n", Err(malformed_line));
    check("t\n\n— k \n", Err(malformed_line));
    check("t\n\n— k AAAAAA==\n", Err(malformed_line)); // 4 bytes: key ID only
    check("t\n\n— k AAAAAAE\n", Err(malformed_line)); // unpadded base64
    check("t\n\n— k AAAAAAF=\n", Err(malformed_line)); // non-zero trailing bits
    check(&format!("t\n\n— k {SIG} \n"), Err(malformed_line));
    check(&format!("t\n\n— k {SIG}\n\n"), Err(missing_block)); // last blank line wins
    check(&format!("t\n\n— k {SIG}\nextra\n"), Err(malformed_line));
    check(
        &format!("t\r\n\n— k {SIG}\n"),
        Err(|e| matches!(e, NoteError::ControlCharacter { offset: 1 })),
    );
    let err = Note::parse(b"t\n\n\xe2\x80 k AAAAAAE=\n").unwrap_err();
    assert!(matches!(err, NoteError::InvalidUtf8), "{err:?}");
}

#[test]
fn signature_count_and_note_size_are_bounded() {
    let line = format!("— k {SIG}\n");
    check(
        &format!("t\n\n{}", line.repeat(MAX_SIGNATURES)),
        Ok(MAX_SIGNATURES),
    );
    check(
        &format!("t\n\n{}", line.repeat(MAX_SIGNATURES + 1)),
        Err(|e| matches!(e, NoteError::TooManySignatures { .. })),
    );
    let huge = format!("{}\n\n— k {SIG}\n", "x".repeat(MAX_NOTE_BYTES));
    check(&huge, Err(|e| matches!(e, NoteError::TooLarge { .. })));
}

#[test]
fn sixteen_signatures_by_trusted_keys_are_all_verified() {
    let keys: Vec<_> = (0..16u8)
        .map(|i| ed25519(&format!("w.example/{i}"), i))
        .collect();
    let signers: Vec<&dyn Signer> = keys.iter().map(|k| k as &dyn Signer).collect();
    let note = sign_note("text\n", &signers).unwrap();
    let verifiers = trust(&keys.iter().map(|k| k.verifier_key()).collect::<Vec<_>>());
    let opened = open_note(&note, &verifiers, Require::AllKeys).unwrap();
    assert_eq!(opened.verified().len(), 16);
}

/// Checks that `text` is refused as a checkpoint body by `is_expected`.
fn check_checkpoint(text: &str, is_expected: fn(&NoteError) -> bool) {
    match Checkpoint::parse(text) {
        Ok(parsed) => panic!("{text:?} accepted as {parsed:?}"),
        Err(err) => assert!(is_expected(&err), "{text:?}: {err:?}"),
    }
}

#[test]
fn malformed_checkpoint_bodies_are_rejected() {
    let root = "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=";
    assert_eq!(
        Checkpoint::parse(&format!("o\n1234\n{root}\n"))
            .unwrap()
            .size(),
        1234
    );
    let too_short = |e: &NoteError| matches!(e, NoteError::CheckpointTooShort);
    let bad_size = |e: &NoteError| matches!(e, NoteError::InvalidTreeSize { .. });
    let bad_root = |e: &NoteError| matches!(e, NoteError::InvalidRootHash { .. });
    check_checkpoint("o\n1\n", too_short);
    check_checkpoint(&format!("o\n1\n{root}"), too_short);
    check_checkpoint("", too_short);
    check_checkpoint(&format!("\n1\n{root}\n"), |e| {
        matches!(e, NoteError::InvalidOrigin { .. })
    });
    check_checkpoint(&format!("o\n01\n{root}\n"), bad_size);
    check_checkpoint(&format!("o\n-1\n{root}\n"), bad_size);
    check_checkpoint(&format!("o\n\n{root}\n"), bad_size);
    check_checkpoint(&format!("o\n99999999999999999999\n{root}\n"), bad_size);
    check_checkpoint(
        "o\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urqw==\n",
        bad_root,
    );
    check_checkpoint(
        "o\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s\n",
        bad_root,
    );
    check_checkpoint(
        "o\n1\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6t=\n",
        bad_root,
    );
    check_checkpoint(&format!("o\n1\n{root}\n\n"), |e| {
        matches!(e, NoteError::InvalidExtensionLine { line: 4 })
    });
    check_checkpoint(&format!("o\n1\n{root}\next\n\n"), |e| {
        matches!(e, NoteError::InvalidExtensionLine { line: 5 })
    });
    check_checkpoint(&format!("o\t\n1\n{root}\n"), |e| {
        matches!(e, NoteError::ControlCharacter { .. })
    });
}

#[test]
fn checkpoint_origin_we_issue_must_be_a_valid_key_name() {
    for origin in ["", "has space", "a+b", "tab\there", "line\nbreak"] {
        let err = Checkpoint::new(origin, 0, [0; 32]).unwrap_err();
        assert!(
            matches!(err, NoteError::InvalidOrigin { .. }),
            "{origin:?}: {err:?}"
        );
    }
    let err = checkpoint()
        .with_extensions(vec![String::new()])
        .unwrap_err();
    assert!(
        matches!(err, NoteError::InvalidExtensionLine { line: 4 }),
        "{err:?}"
    );
}

#[test]
fn signed_note_that_is_not_a_checkpoint_is_refused_by_open_checkpoint() {
    let key = ed25519(ORIGIN, 1);
    let note = sign_note("just one line\n", &[&key]).unwrap();
    let err = open_checkpoint(&note, &trust(&[key.verifier_key()]), Require::AnyKey).unwrap_err();
    assert!(matches!(err, NoteError::CheckpointTooShort), "{err:?}");
}

#[test]
fn generated_keys_round_trip_through_key_files_and_sign_verifiably() {
    let ed_key = Ed25519Signer::generate(ORIGIN).unwrap();
    let sm2_key = Sm2Signer::generate(ORIGIN).unwrap();
    assert_ne!(
        ed_key.verifier_key(),
        Ed25519Signer::generate(ORIGIN).unwrap().verifier_key()
    );
    let mut verifier_keys = Vec::new();
    let mut signers = Vec::new();
    for (signer_key, verifier_key) in [
        (ed_key.signer_key(), ed_key.verifier_key()),
        (sm2_key.signer_key(), sm2_key.verifier_key()),
    ] {
        let signer_file = key_file_contents(&signer_key);
        let verifier_file = key_file_contents(&verifier_key);
        assert!(signer_file.ends_with('\n') && verifier_file.ends_with('\n'));
        let signer = parse_signer_key(key_from_file_contents(&signer_file).unwrap()).unwrap();
        assert_eq!(signer.verifier_key(), verifier_key);
        let parsed = parse_verifier_key(key_from_file_contents(&verifier_file).unwrap()).unwrap();
        assert_eq!(parsed.verifier_key(), verifier_key);
        verifier_keys.push(verifier_key);
        signers.push(signer);
    }
    let signer_refs: Vec<&dyn Signer> = signers.iter().map(|s| s as &dyn Signer).collect();
    let note = sign_checkpoint(&checkpoint(), &signer_refs).unwrap();
    assert_eq!(
        open_checkpoint(&note, &trust(&verifier_keys), Require::AllKeys).unwrap(),
        checkpoint()
    );
    assert!(!format!("{ed_key:?}{sm2_key:?}{signers:?}").contains(&ed_key.signer_key()[30..]));
}

#[test]
fn key_string_with_wrong_key_id_is_rejected() {
    let key = sm2(ORIGIN, 1);
    let verifier_key = key.verifier_key();
    let wrong = verifier_key.replacen(&format!("+{}+", key.key_id()), "+00000000+", 1);
    let err = parse_verifier_key(&wrong).unwrap_err();
    assert!(matches!(err, NoteError::KeyIdMismatch { .. }), "{err:?}");
    let signer_key = key.signer_key();
    let wrong = signer_key.replacen(&format!("+{}+", key.key_id()), "+00000000+", 1);
    let err = parse_signer_key(&wrong).unwrap_err();
    assert!(matches!(err, NoteError::KeyIdMismatch { .. }), "{err:?}");
    // Same key under another name: the key ID no longer matches.
    let renamed = verifier_key.replacen(ORIGIN, "other.example/log", 1);
    let err = parse_verifier_key(&renamed).unwrap_err();
    assert!(matches!(err, NoteError::KeyIdMismatch { .. }), "{err:?}");
}

#[test]
fn every_truncation_or_single_byte_change_of_a_verifier_key_is_rejected() {
    // As Go's TestNewVerifier does for the PeterNeumann key.
    for verifier_key in [
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW".to_owned(),
        sm2(ORIGIN, 1).verifier_key(),
    ] {
        assert!(parse_verifier_key(&verifier_key).is_ok());
        let bytes = verifier_key.as_bytes();
        for start in 0..bytes.len() {
            for end in start + 1..=bytes.len() {
                if (start, end) == (0, bytes.len()) {
                    continue;
                }
                let part = String::from_utf8_lossy(&bytes[start..end]);
                assert!(parse_verifier_key(&part).is_err(), "{part:?} accepted");
            }
        }
        for idx in 0..bytes.len() {
            let mut changed = bytes.to_vec();
            changed[idx] = changed[idx].wrapping_add(1);
            let changed = String::from_utf8_lossy(&changed);
            assert!(
                parse_verifier_key(&changed).is_err(),
                "{changed:?} accepted"
            );
        }
    }
}

#[test]
fn unsupported_key_types_are_named() {
    use base64::Engine as _;
    let encode = |typed: &[u8], name: &str| {
        let key_id = KeyId::derive(name, typed);
        format!(
            "{name}+{key_id}+{}",
            base64::engine::general_purpose::STANDARD.encode(typed)
        )
    };
    let mut cosignature = vec![0x04];
    cosignature.extend([1u8; 32]);
    let err = parse_verifier_key(&encode(&cosignature, "w")).unwrap_err();
    assert!(
        matches!(err, NoteError::UnknownKeyType { type_byte: 0x04 }),
        "{err:?}"
    );
    let mut other_private = vec![0xff];
    other_private.extend(b"someone-else-sm2");
    other_private.extend([4u8; 65]);
    let err = parse_verifier_key(&encode(&other_private, "w")).unwrap_err();
    assert!(
        matches!(err, NoteError::UnknownKeyType { type_byte: 0xff }),
        "{err:?}"
    );
    let mut off_curve = vec![0xff];
    off_curve.extend(b"liuhen-sm2-v1");
    off_curve.push(0x04);
    off_curve.extend([1u8; 64]);
    let err = parse_verifier_key(&encode(&off_curve, "w")).unwrap_err();
    assert!(
        matches!(err, NoteError::InvalidKeyMaterial { .. }),
        "{err:?}"
    );
    let no_scalar = encode(&[&[0xffu8][..], b"liuhen-sm2-v1"].concat(), "w");
    let err = parse_signer_key(&format!("PRIVATE+KEY+{no_scalar}")).unwrap_err();
    assert!(matches!(err, NoteError::MalformedKey { .. }), "{err:?}");
    let zero_scalar = encode(&[&[0xffu8][..], b"liuhen-sm2-v1", &[0u8; 32]].concat(), "w");
    let err = parse_signer_key(&format!("PRIVATE+KEY+{zero_scalar}")).unwrap_err();
    assert!(
        matches!(err, NoteError::InvalidKeyMaterial { .. }),
        "{err:?}"
    );
}

#[test]
fn duplicate_trusted_keys_are_refused() {
    let key = ed25519(ORIGIN, 1);
    let err = Verifiers::from_verifier_keys([key.verifier_key(), key.verifier_key()]).unwrap_err();
    assert!(
        matches!(err, NoteError::DuplicateVerifier { .. }),
        "{err:?}"
    );
}
