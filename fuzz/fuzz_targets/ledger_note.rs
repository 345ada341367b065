//! Feeds arbitrary bytes into the signed-note layer (liuhen-ledger): note parsing and opening
//! against trusted SM2 and Ed25519 keys, checkpoint bodies, verifier and signer key strings
//! and key files (docs/formats/checkpoint.md). Nothing may panic; nothing unsigned may open.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use liuhen_ledger::checkpoint::{Checkpoint, open_checkpoint};
use liuhen_ledger::note::{Note, Require, open_note};
use liuhen_ledger::signer::{
    Ed25519Signer, Sm2Signer, Verifiers, key_from_file_contents, parse_signer_key,
    parse_verifier_key,
};

const ORIGIN: &str = "liuhen.example/fuzz-log";

/// Trusted keys whose private halves the fuzzer never sees, so no input may open.
fn verifiers() -> &'static Verifiers {
    static VERIFIERS: OnceLock<Verifiers> = OnceLock::new();
    VERIFIERS.get_or_init(|| {
        let sm2 = Sm2Signer::from_secret_bytes(ORIGIN, &[0x5a; 32]).expect("fixed valid scalar");
        let ed = Ed25519Signer::from_seed(ORIGIN, &[0xa5; 32]).expect("fixed valid name");
        Verifiers::from_verifier_keys([sm2.verifier_key(), ed.verifier_key()])
            .expect("distinct fixed keys")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(note) = Note::parse(data) {
        let _ = Checkpoint::parse(note.text());
    }
    for require in [Require::AnyKey, Require::AllKeys, Require::AtLeast(2)] {
        assert!(open_note(data, verifiers(), require).is_err());
        assert!(open_checkpoint(data, verifiers(), require).is_err());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(checkpoint) = Checkpoint::parse(text) {
            assert_eq!(
                checkpoint.to_note_text(),
                text,
                "checkpoint parsing is canonical"
            );
        }
        if let Ok(verifier) = parse_verifier_key(text) {
            assert!(parse_verifier_key(&verifier.verifier_key()).is_ok());
        }
        if let Ok(signer) = parse_signer_key(text) {
            assert!(parse_verifier_key(&signer.verifier_key()).is_ok());
        }
        if let Ok(key) = key_from_file_contents(text) {
            let _ = parse_verifier_key(key);
            let _ = parse_signer_key(key);
        }
    }
});
