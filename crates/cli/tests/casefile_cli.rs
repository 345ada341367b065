//! `liuhen case export` on a data folder made by `liuhen demo --no-serve` (SQLite), then
//! `liuhen verify`: the untouched package passes (exit 0), a tampered one fails (exit 1) naming
//! the file, and without a trusted key the checkpoint is named (issue 6 items 5–6).

use std::path::Path;
use std::process::{Command, Output};

fn liuhen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(args)
        .output()
        .expect("run liuhen")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Flips one byte inside the compressed data of entry `name` of the ZIP at `path`.
fn flip_in_entry(path: &Path, name: &str) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut header = b"PK\x03\x04".to_vec();
    let at = bytes
        .windows(name.len())
        .enumerate()
        .find(|(idx, window)| {
            *window == name.as_bytes() && *idx >= 30 && bytes[idx - 30..idx - 26] == header[..]
        })
        .map(|(idx, _)| idx - 30)
        .expect("local header of the entry");
    header.clear();
    let name_len = u16::from_le_bytes([bytes[at + 26], bytes[at + 27]]) as usize;
    let extra_len = u16::from_le_bytes([bytes[at + 28], bytes[at + 29]]) as usize;
    let data = at + 30 + name_len + extra_len;
    bytes[data + 4] ^= 0x55;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn exported_demo_case_verifies_and_a_tampered_copy_fails_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_dir = data.to_str().unwrap();
    let demo = liuhen(&["demo", "--no-serve", "--data-dir", data_dir]);
    assert!(demo.status.success(), "{}", text(&demo));

    let list = liuhen(&["case", "list", "--data-dir", data_dir]);
    assert!(list.status.success(), "{}", text(&list));
    let listing = String::from_utf8(list.stdout).unwrap();
    let case_id = listing
        .lines()
        .find(|line| line.split('\t').nth(2) == Some("closed"))
        .and_then(|line| line.split('\t').next())
        .expect("a closed demo case")
        .to_owned();

    let package = tmp.path().join("case.zip");
    let out = package.to_str().unwrap();
    let export = liuhen(&[
        "case",
        "export",
        &case_id,
        "--data-dir",
        data_dir,
        "--out",
        out,
    ]);
    assert!(export.status.success(), "{}", text(&export));
    assert!(!tmp.path().join("case.zip.partial").exists());

    let key = data.join("keys/checkpoint.vkey");
    let key = key.to_str().unwrap();
    let verify = liuhen(&["verify", out, "--key", key]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
    let report = text(&verify);
    for property in [
        "真实性",
        "完整性",
        "可用性",
        "安全性",
        "authenticity",
        "security",
    ] {
        assert!(report.contains(property), "{report}");
    }

    // Without a trusted key, authenticity cannot be established.
    let unkeyed = liuhen(&["verify", out]);
    assert_eq!(unkeyed.status.code(), Some(1), "{}", text(&unkeyed));
    assert!(text(&unkeyed).contains("checkpoint.txt"));

    // A second export of the same state is byte-identical.
    let again = tmp.path().join("again.zip");
    let export = liuhen(&[
        "case",
        "export",
        &case_id,
        "--data-dir",
        data_dir,
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(export.status.success(), "{}", text(&export));
    assert!(std::fs::read(&again).unwrap() == std::fs::read(&package).unwrap());

    flip_in_entry(&package, "records/000002.json");
    let tampered = liuhen(&["verify", out, "--key", key, "--json"]);
    assert_eq!(tampered.status.code(), Some(1), "{}", text(&tampered));
    let json: serde_json::Value = serde_json::from_slice(&tampered.stdout).unwrap();
    assert_eq!(json["ok"], false);
    let named = json["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["subject"] == "records/000002.json" && f["severity"] == "fail");
    assert!(named, "{json:#}");
}

#[test]
fn verify_of_a_file_that_is_not_a_package_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("evil.zip");
    std::fs::write(&path, b"not a zip at all").unwrap();
    let output = liuhen(&["verify", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("package"));
}
