//! Conformance: the transparency-dev/merkle vectors (SHA-256 profile) and the known-answer
//! roots for sizes 0–8 under SHA-256 and SM3 (tests/data/README.md records their source).

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::store::{Log, MemoryTileStore};
use liuhen_ledger::verify;
use serde_json::Value;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

/// A decoding failure of the vector's own fields counts as an error, as in the Go harness where
/// a hash of the wrong length can never verify.
fn hash(value: &Value) -> Result<Hash, String> {
    let text = value.as_str().ok_or("hash is not a string")?;
    let bytes = BASE64.decode(text).map_err(|err| err.to_string())?;
    Hash::from_slice(&bytes).map_err(|err| err.to_string())
}

/// Roots are opaque byte strings in Go's API, compared for equal sizes; ours are 32-byte values.
/// A vector root of another length is mapped to SHA-256 of its bytes, which preserves equality,
/// so the equal-size cases still test the rule "equal sizes need equal roots".
fn root(value: &Value) -> Result<Hash, String> {
    let text = value.as_str().ok_or("root is not a string")?;
    let bytes = BASE64.decode(text).map_err(|err| err.to_string())?;
    Ok(Hash::from_slice(&bytes).unwrap_or_else(|_| HashProfile::Sha256.digest(&bytes)))
}

fn hashes(value: &Value) -> Result<Vec<Hash>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(hash).collect(),
        _ => Err("proof is not a list".into()),
    }
}

fn size(value: &Value) -> Result<u64, String> {
    value.as_u64().ok_or_else(|| format!("not a size: {value}"))
}

fn run_inclusion(case: &Value) -> Result<(), String> {
    let leaf_hash = hash(&case["leafHash"])?;
    let root = hash(&case["root"])?;
    let proof = hashes(&case["proof"])?;
    let index = size(&case["leafIdx"])?;
    let tree_size = size(&case["treeSize"])?;
    verify::verify_inclusion(
        HashProfile::Sha256,
        &leaf_hash,
        index,
        tree_size,
        &proof,
        &root,
    )
    .map_err(|err| err.to_string())
}

fn run_consistency(case: &Value) -> Result<(), String> {
    let root1 = root(&case["root1"])?;
    let root2 = root(&case["root2"])?;
    let proof = hashes(&case["proof"])?;
    let size1 = size(&case["size1"])?;
    let size2 = size(&case["size2"])?;
    verify::verify_consistency(HashProfile::Sha256, size1, size2, &proof, &root1, &root2)
        .map_err(|err| err.to_string())
}

fn check_vectors(kind: &str, run: fn(&Value) -> Result<(), String>) -> usize {
    let mut files = Vec::new();
    json_files(
        &data_dir()
            .join("transparency-dev-merkle/testdata")
            .join(kind),
        &mut files,
    );
    let mut failures = Vec::new();
    for file in &files {
        let case: Value = serde_json::from_slice(&fs::read(file).unwrap()).unwrap();
        let want_err = case["wantErr"].as_bool().unwrap();
        let result = run(&case);
        if result.is_err() != want_err {
            failures.push(format!(
                "{}: wantErr={want_err}, got {result:?}",
                file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing vectors:\n{}",
        failures.len(),
        failures.join("\n")
    );
    files.len()
}

#[test]
fn every_transparency_dev_inclusion_vector_behaves_as_want_err_says() {
    let count = check_vectors("inclusion", run_inclusion);
    assert!(count > 90, "only {count} inclusion vectors found");
}

#[test]
fn every_transparency_dev_consistency_vector_behaves_as_want_err_says() {
    let count = check_vectors("consistency", run_consistency);
    assert!(count > 90, "only {count} consistency vectors found");
}

fn known_answers() -> Value {
    serde_json::from_slice(&fs::read(data_dir().join("known-answers.json")).unwrap()).unwrap()
}

fn check_roots(profile: HashProfile) {
    let answers = known_answers();
    let leaves: Vec<Vec<u8>> = answers["leaf_inputs_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|leaf| hex::decode(leaf.as_str().unwrap()).unwrap())
        .collect();
    let expected = answers["tree_roots"][profile.name()].as_array().unwrap();
    assert_eq!(expected.len(), 9);
    let mut log = Log::new(profile, MemoryTileStore::new());
    assert_eq!(
        log.root().to_hex(),
        expected[0].as_str().unwrap(),
        "{profile} size 0"
    );
    for (size, leaf) in (1..).zip(&leaves) {
        log.append(&[leaf]).unwrap();
        assert_eq!(
            log.root().to_hex(),
            expected[size].as_str().unwrap(),
            "{profile} size {size}"
        );
    }
    // The same roots read back from the stored tiles, for every prefix.
    for (size, root) in expected.iter().enumerate() {
        assert_eq!(
            log.root_at(size as u64).unwrap().to_hex(),
            root.as_str().unwrap()
        );
    }
}

#[test]
fn sha256_roots_of_sizes_0_to_8_match_the_known_answers() {
    check_roots(HashProfile::Sha256);
}

#[test]
fn sm3_roots_of_sizes_0_to_8_match_the_known_answers() {
    check_roots(HashProfile::Sm3);
}

#[test]
fn sm3_digests_match_gb_t_32905_examples() {
    let answers = known_answers();
    for example in answers["sm3"].as_array().unwrap() {
        let message = example["message_ascii"].as_str().unwrap();
        let digest = HashProfile::Sm3.digest(message.as_bytes());
        assert_eq!(
            digest.to_hex(),
            example["digest"].as_str().unwrap(),
            "SM3({message})"
        );
    }
}
