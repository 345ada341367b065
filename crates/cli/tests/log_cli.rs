//! The `liuhen log` round trip of issue 2 §3: init → append → checkpoint → prove →
//! verify-inclusion with only the checkpoint, proof, leaf and verifier keys; consistency between
//! two checkpoints; `verify --dir` naming damage.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_liuhen");

fn liuhen(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let output = liuhen(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn fails_with(args: &[&str], expect: &str) {
    let output = liuhen(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{args:?} should fail");
    assert!(
        stderr.contains(expect),
        "{args:?}: expected {expect:?} in {stderr}"
    );
}

fn write(dir: &Path, name: &str, contents: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

fn check_round_trip(profile: &str) {
    let work = tempfile::tempdir().unwrap();
    let log = work.path().join("log");
    let log = log.to_str().unwrap();
    let vkeys = ok(&[
        "log",
        "init",
        "--dir",
        log,
        "--profile",
        profile,
        "--origin",
        "example.gov.cn/liuhen",
    ]);
    let vkeys: Vec<&str> = vkeys.lines().collect();
    assert_eq!(vkeys.len(), 2);
    let leaf = write(work.path(), "leaf.txt", "行政处罚决定书 record");
    let other = write(work.path(), "other.txt", "another record");
    let printed = ok(&["log", "append", "--dir", log, &other, &leaf, &other]);
    assert!(
        printed.lines().nth(1).unwrap().starts_with("1\t"),
        "{printed}"
    );

    let checkpoint = write(
        work.path(),
        "cp1",
        &ok(&["log", "checkpoint", "--dir", log]),
    );
    let proof = write(
        work.path(),
        "proof.json",
        &ok(&["log", "prove", "--dir", log, "--index", "1"]),
    );
    // Offline: only the checkpoint, proof, leaf and verifier keys.
    let verified = ok(&[
        "log",
        "verify-inclusion",
        "--checkpoint",
        &checkpoint,
        "--proof",
        &proof,
        "--leaf",
        &leaf,
        "--key",
        vkeys[0],
        "--key",
        vkeys[1],
    ]);
    assert!(verified.contains("OK"), "{verified}");
    fails_with(
        &[
            "log",
            "verify-inclusion",
            "--checkpoint",
            &checkpoint,
            "--proof",
            &proof,
            "--leaf",
            &other,
            "--key",
            vkeys[0],
        ],
        "leaf does not match",
    );
    // A tampered proof hash.
    let mut document: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&proof).unwrap()).unwrap();
    let first = document["hashes"][0].as_str().unwrap().to_owned();
    let flipped = format!(
        "{}{}",
        if first.starts_with('0') { "1" } else { "0" },
        &first[1..]
    );
    document["hashes"][0] = serde_json::Value::String(flipped);
    let bad_proof = write(work.path(), "bad.json", &document.to_string());
    fails_with(
        &[
            "log",
            "verify-inclusion",
            "--checkpoint",
            &checkpoint,
            "--proof",
            &bad_proof,
            "--leaf",
            &leaf,
            "--key",
            vkeys[1],
        ],
        "inclusion proof",
    );
    // A key that did not sign the checkpoint.
    fails_with(
        &[
            "log",
            "verify-inclusion",
            "--checkpoint",
            &checkpoint,
            "--proof",
            &proof,
            "--leaf",
            &leaf,
            "--key",
            "example.gov.cn/liuhen+304884aa+AdSX6ANdT6WtwSyXPF39GmA9D8l2bqdPcx0dCPIkFpab",
        ],
        "checkpoint",
    );

    ok(&["log", "append", "--dir", log, &leaf, &leaf]);
    let checkpoint2 = write(
        work.path(),
        "cp2",
        &ok(&["log", "checkpoint", "--dir", log]),
    );
    let consistency = write(
        work.path(),
        "cons.json",
        &ok(&["log", "consistency", "--dir", log, "--old", "3"]),
    );
    ok(&[
        "log",
        "verify-consistency",
        "--old-checkpoint",
        &checkpoint,
        "--new-checkpoint",
        &checkpoint2,
        "--proof",
        &consistency,
        "--key",
        vkeys[0],
    ]);
    fails_with(
        &[
            "log",
            "verify-consistency",
            "--old-checkpoint",
            &checkpoint2,
            "--new-checkpoint",
            &checkpoint,
            "--proof",
            &consistency,
            "--key",
            vkeys[0],
        ],
        "consistency proof",
    );
    let report = ok(&["log", "verify", "--dir", log]);
    assert!(
        report.contains("\"ok\":true") && report.contains("\"checkpoint_size\":5"),
        "{report}"
    );
}

#[test]
fn sm3_log_round_trip_verifies_offline() {
    check_round_trip("sm3");
}

#[test]
fn sha256_log_round_trip_verifies_offline() {
    check_round_trip("sha256");
}

#[test]
fn init_refuses_an_existing_log_and_a_bad_origin() {
    let work = tempfile::tempdir().unwrap();
    let log = work.path().join("log");
    let log = log.to_str().unwrap();
    ok(&["log", "init", "--dir", log]);
    fails_with(&["log", "init", "--dir", log], "already holds a log");
    let other = work.path().join("other");
    fails_with(
        &[
            "log",
            "init",
            "--dir",
            other.to_str().unwrap(),
            "--origin",
            "has space",
        ],
        "origin",
    );
    fails_with(
        &[
            "log",
            "init",
            "--dir",
            other.to_str().unwrap(),
            "--profile",
            "md5",
        ],
        "profile",
    );
}
