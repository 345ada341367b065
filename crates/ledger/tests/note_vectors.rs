//! Known-answer vectors for signed notes and checkpoints (tests/data/note/*.json): the Go
//! `sumdb/note` documentation keys, the C2SP examples, real sum.golang.org checkpoints, the
//! SM2 signature of GB/T 32918.5 Annex A.2, and liuhen's own SM2 + Ed25519 checkpoint.
//! Each file names where it was copied from in its `source` field.

use liuhen_ledger::checkpoint::{Checkpoint, open_checkpoint, sign_checkpoint};
use liuhen_ledger::note::{Note, NoteError, Require, open_note, sign_note};
use liuhen_ledger::signer::{
    Signer, Sm2Signer, Sm2Verifier, Verifier, Verifiers, parse_signer_key, parse_verifier_key,
};
use serde_json::Value;

fn load(file: &str) -> Value {
    let path = format!("{}/tests/data/note/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn strings(value: &Value, field: &str) -> Vec<String> {
    value[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is not an array"))
        .iter()
        .map(|item| item.as_str().unwrap().to_owned())
        .collect()
}

fn field<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string"))
}

/// Opens the vector's note with all its verifier keys required, re-signs its text with its
/// signer keys (must reproduce the note byte for byte), and checks the key strings round-trip.
fn check_note_vector(file: &str) {
    let vector = load(file);
    let verifier_keys = strings(&vector, "verifier_keys");
    let signer_keys = strings(&vector, "signer_keys");
    let text = field(&vector, "text");
    let note = field(&vector, "note");

    for verifier_key in &verifier_keys {
        let parsed = parse_verifier_key(verifier_key).unwrap();
        assert_eq!(
            &parsed.verifier_key(),
            verifier_key,
            "{file}: verifier key round trip"
        );
    }
    let verifiers = Verifiers::from_verifier_keys(&verifier_keys).unwrap();
    let opened = open_note(note, &verifiers, Require::AllKeys)
        .unwrap_or_else(|err| panic!("{file}: {err:?}"));
    assert_eq!(opened.text(), text, "{file}");
    assert_eq!(opened.verified().len(), verifier_keys.len(), "{file}");

    if signer_keys.is_empty() {
        return;
    }
    let signers: Vec<_> = signer_keys
        .iter()
        .map(|key| parse_signer_key(key).unwrap())
        .collect();
    for (signer, signer_key) in signers.iter().zip(&signer_keys) {
        assert_eq!(
            &signer.signer_key(),
            signer_key,
            "{file}: signer key round trip"
        );
        assert!(
            verifier_keys.contains(&signer.verifier_key()),
            "{file}: signer's verifier key"
        );
    }
    let signer_refs: Vec<&dyn Signer> = signers.iter().map(|s| s as &dyn Signer).collect();
    assert_eq!(
        sign_note(text, &signer_refs).unwrap(),
        note,
        "{file}: re-signing"
    );
}

/// Opens a checkpoint vector and compares its fields.
fn check_checkpoint_vector(file: &str) {
    let vector = load(file);
    let verifiers = Verifiers::from_verifier_keys(strings(&vector, "verifier_keys")).unwrap();
    let checkpoint = open_checkpoint(field(&vector, "note"), &verifiers, Require::AllKeys)
        .unwrap_or_else(|err| panic!("{file}: {err:?}"));
    let expect = &vector["checkpoint"];
    assert_eq!(checkpoint.origin(), field(expect, "origin"));
    assert_eq!(checkpoint.size(), expect["size"].as_u64().unwrap());
    let root = base64_decode(field(expect, "root_base64"));
    assert_eq!(checkpoint.root().as_slice(), root.as_slice());
    assert_eq!(checkpoint.to_note_text(), field(&vector, "text"));
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2));
    (0..text.len())
        .step_by(2)
        .map(|idx| u8::from_str_radix(&text[idx..idx + 2], 16).unwrap())
        .collect()
}

#[test]
fn go_sumdb_note_documentation_note_verifies_and_re_signs_identically() {
    check_note_vector("go-peterneumann.json");
}

#[test]
fn go_sumdb_note_doubly_signed_note_verifies_and_re_signs_identically() {
    check_note_vector("go-peterneumann-enochroot.json");
}

#[test]
fn c2sp_signed_note_example_verifies() {
    check_note_vector("c2sp-example-com-foo.json");
}

#[test]
fn real_go_checksum_database_checkpoints_verify_and_parse() {
    check_note_vector("go-sumdb-checkpoint-15368405.json");
    check_checkpoint_vector("go-sumdb-checkpoint-15368405.json");
    check_note_vector("go-sumdb-checkpoint-3784599.json");
    check_checkpoint_vector("go-sumdb-checkpoint-3784599.json");
}

#[test]
fn liuhen_sm2_and_ed25519_checkpoint_vector_verifies_and_re_signs_identically() {
    check_note_vector("liuhen-checkpoint-sm2-ed25519.json");
    check_checkpoint_vector("liuhen-checkpoint-sm2-ed25519.json");
}

#[test]
fn c2sp_tlog_checkpoint_example_parses_but_is_unverified_without_its_key() {
    let vector = load("c2sp-tlog-checkpoint-example.json");
    let note = Note::parse(field(&vector, "note").as_bytes()).unwrap();
    assert_eq!(note.signatures().len(), 1);
    assert_eq!(note.signatures()[0].name(), "example.com/behind-the-sofa");
    let checkpoint = Checkpoint::parse(note.text()).unwrap();
    assert_eq!(checkpoint.origin(), "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size(), 20852163);

    let other =
        Verifiers::from_verifier_keys(strings(&load("go-peterneumann.json"), "verifier_keys"))
            .unwrap();
    let err = open_checkpoint(field(&vector, "note"), &other, Require::AnyKey).unwrap_err();
    assert!(matches!(err, NoteError::NoVerifiedSignature), "{err:?}");
}

#[test]
fn sm2_annex_a2_signature_verifies_through_the_note_verifier() {
    let vector = load("sm2-gbt32918-5-annex-a2.json");
    assert_eq!(
        field(&vector, "ID_ascii"),
        liuhen_ledger::signer::SM2_DISTINGUISHING_ID
    );
    let mut public_key = vec![0x04];
    public_key.extend(unhex(field(&vector, "P_x")));
    public_key.extend(unhex(field(&vector, "P_y")));
    let verifier = Sm2Verifier::new("gbt32918.example/a2", &public_key).unwrap();
    let mut signature = unhex(field(&vector, "r"));
    signature.extend(unhex(field(&vector, "s")));
    let message = field(&vector, "M_ascii").as_bytes();
    assert!(verifier.verify(message, &signature));

    // Any single-bit change to message or signature must fail.
    for bit in 0..signature.len() * 8 {
        let mut tampered = signature.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        assert!(!verifier.verify(message, &tampered), "signature bit {bit}");
    }
    for bit in 0..message.len() * 8 {
        let mut tampered = message.to_vec();
        tampered[bit / 8] ^= 1 << (bit % 8);
        assert!(!verifier.verify(&tampered, &signature), "message bit {bit}");
    }
    assert!(!verifier.verify(message, &signature[..63]));
}

#[test]
fn sm2_annex_a2_private_key_derives_the_published_public_key_and_signs_verifiably() {
    let vector = load("sm2-gbt32918-5-annex-a2.json");
    let secret: [u8; 32] = unhex(field(&vector, "d")).try_into().unwrap();
    let signer = Sm2Signer::from_secret_bytes("gbt32918.example/a2", &secret).unwrap();
    let mut public_key = vec![0x04];
    public_key.extend(unhex(field(&vector, "P_x")));
    public_key.extend(unhex(field(&vector, "P_y")));
    let published = Sm2Verifier::new("gbt32918.example/a2", &public_key).unwrap();
    assert_eq!(signer.verifier_key(), published.verifier_key());

    let message = field(&vector, "M_ascii").as_bytes();
    let signature = signer.sign(message).unwrap();
    assert_eq!(signature.len(), 64);
    assert!(published.verify(message, &signature));
}

#[test]
fn signing_the_liuhen_vector_checkpoint_reproduces_the_published_note() {
    let vector = load("liuhen-checkpoint-sm2-ed25519.json");
    let signers: Vec<_> = strings(&vector, "signer_keys")
        .iter()
        .map(|key| parse_signer_key(key).unwrap())
        .collect();
    let expect = &vector["checkpoint"];
    let root: [u8; 32] = base64_decode(field(expect, "root_base64"))
        .try_into()
        .unwrap();
    let checkpoint = Checkpoint::new(
        field(expect, "origin"),
        expect["size"].as_u64().unwrap(),
        root,
    )
    .unwrap();
    let signer_refs: Vec<&dyn Signer> = signers.iter().map(|s| s as &dyn Signer).collect();
    assert_eq!(
        sign_checkpoint(&checkpoint, &signer_refs).unwrap(),
        field(&vector, "note")
    );
}
