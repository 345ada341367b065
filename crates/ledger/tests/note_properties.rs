//! Property tests for signed notes and checkpoints: any checkpoint round-trips through
//! signing and opening, any single-bit change is rejected, and arbitrary bytes given to the
//! note, checkpoint and key parsers give errors, never panics.

use liuhen_ledger::checkpoint::{Checkpoint, open_checkpoint, sign_checkpoint};
use liuhen_ledger::note::{Note, Require, open_note};
use liuhen_ledger::signer::{
    Ed25519Signer, Signer, Sm2Signer, Verifiers, parse_signer_key, parse_verifier_key,
};
use proptest::prelude::*;

const ORIGIN: &str = "liuhen.example/prop-log";

fn keys() -> (Sm2Signer, Ed25519Signer, Verifiers) {
    let sm2 = Sm2Signer::from_secret_bytes(ORIGIN, &[0x11; 32]).unwrap();
    let ed = Ed25519Signer::from_seed(ORIGIN, &[0x22; 32]).unwrap();
    let verifiers = Verifiers::from_verifier_keys([sm2.verifier_key(), ed.verifier_key()]).unwrap();
    (sm2, ed, verifiers)
}

fn origin() -> impl Strategy<Value = String> {
    // Key-name characters: anything but Unicode space, '+' and control characters.
    "[a-z0-9./_\\-留痕日志]{1,40}"
}

fn extension() -> impl Strategy<Value = String> {
    "[ -~留痕]{1,30}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_checkpoint_round_trips_through_signing_and_opening(
        origin in origin(),
        size in any::<u64>(),
        root in any::<[u8; 32]>(),
        extensions in prop::collection::vec(extension(), 0..3),
    ) {
        // The log's key name matches its origin (C2SP tlog-checkpoint §"Signatures").
        let sm2 = Sm2Signer::from_secret_bytes(&origin, &[0x11; 32]).unwrap();
        let ed = Ed25519Signer::from_seed(&origin, &[0x22; 32]).unwrap();
        let verifiers =
            Verifiers::from_verifier_keys([sm2.verifier_key(), ed.verifier_key()]).unwrap();
        let checkpoint = Checkpoint::new(&origin, size, root)
            .unwrap()
            .with_extensions(extensions)
            .unwrap();
        let signers: [&dyn Signer; 2] = [&sm2, &ed];
        let note = sign_checkpoint(&checkpoint, &signers).unwrap();
        let opened = open_checkpoint(&note, &verifiers, Require::AllKeys).unwrap();
        prop_assert_eq!(&opened, &checkpoint);
        prop_assert_eq!(Checkpoint::parse(&checkpoint.to_note_text()).unwrap(), checkpoint);
    }

    #[test]
    fn any_single_bit_change_to_a_signed_checkpoint_is_rejected(
        size in any::<u64>(),
        root in any::<[u8; 32]>(),
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let (sm2, ed, verifiers) = keys();
        let checkpoint = Checkpoint::new(ORIGIN, size, root).unwrap();
        let signers: [&dyn Signer; 2] = [&sm2, &ed];
        let note = sign_checkpoint(&checkpoint, &signers).unwrap();
        let mut tampered = note.into_bytes();
        let idx = position.index(tampered.len());
        tampered[idx] ^= 1 << bit;
        // AllKeys: with AnyKey a change to one key ID only turns that signature into an unknown
        // (ignored) one, and the other signature still verifies, as C2SP requires.
        prop_assert!(open_checkpoint(&tampered, &verifiers, Require::AllKeys).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parsers(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let (_, _, verifiers) = keys();
        let _ = Note::parse(&bytes);
        let _ = open_note(&bytes, &verifiers, Require::AnyKey);
        let text = String::from_utf8_lossy(&bytes);
        let _ = Checkpoint::parse(&text);
        let _ = parse_verifier_key(&text);
        let _ = parse_signer_key(&text);
    }

    #[test]
    fn note_shaped_garbage_never_panics_and_never_verifies(
        text in "[a-z0-9\n]{0,40}",
        name in "[a-z+ ]{0,8}",
        signature in "[A-Za-z0-9+/=]{0,120}",
        extra_lines in prop::collection::vec("[— a-zA-Z0-9+/=]{0,40}", 0..3),
    ) {
        let (_, _, verifiers) = keys();
        let mut note = format!("{text}\n\n— {name} {signature}\n");
        for line in extra_lines {
            note.push_str(&line);
            note.push('\n');
        }
        prop_assert!(open_checkpoint(&note, &verifiers, Require::AnyKey).is_err());
    }

    #[test]
    fn key_shaped_garbage_never_panics(
        name in "[a-zA-Z0-9.+/ ]{0,12}",
        key_id in "[0-9a-fA-FxX+]{0,10}",
        material in prop::collection::vec(any::<u8>(), 0..90),
        prefix in prop::sample::select(vec![0x01u8, 0xff, 0x02, 0x04]),
    ) {
        use base64::Engine as _;
        let mut typed = vec![prefix];
        if prefix == 0xff {
            typed.extend_from_slice(b"liuhen-sm2-v1");
        }
        typed.extend(material);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&typed);
        let verifier_key = format!("{name}+{key_id}+{encoded}");
        let _ = parse_verifier_key(&verifier_key);
        let _ = parse_signer_key(&format!("PRIVATE+KEY+{verifier_key}"));
    }
}
