//! `liuhen workdays`, `liuhen deadline` and `liuhen calendar` through the real binary (issue 3).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs the binary with `args`, with the data folder fixed to `data_dir`.
fn liuhen(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(args)
        .env("LIUHEN_DATA_DIR", data_dir)
        .output()
        .unwrap()
}

fn json(data_dir: &Path, args: &[&str]) -> Value {
    let output = liuhen(data_dir, args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const NOTICE_2027: &str = r#"{
    "year": 2027,
    "papers": ["https://example.invalid/test-only-not-an-official-2027-notice"],
    "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
        {"name": "测试调休", "date": "2027-01-09", "isOffDay": false}
    ]
}"#;

#[test]
fn is_reports_a_saturday_makeup_day_with_its_notice() {
    let dir = tempfile::tempdir().unwrap();
    let day = json(dir.path(), &["workdays", "is", "2024-10-12", "--json"]);
    assert_eq!(day["working"], true);
    assert_eq!(day["kind"], "makeup-workday");
    assert_eq!(day["provenance"]["notice_year"], 2024);
    assert_eq!(day["provisional"], false);
}

#[test]
fn add_counts_seven_working_days_over_national_day_2025() {
    let dir = tempfile::tempdir().unwrap();
    let due = json(
        dir.path(),
        &["workdays", "add", "2025-09-30", "7", "--json"],
    );
    assert_eq!(due["date"], "2025-10-16");
    assert_eq!(due["provisional"], false);
    let back = json(
        dir.path(),
        &["workdays", "add", "2025-10-16", "-7", "--json"],
    );
    assert_eq!(back["date"], "2025-09-30");
}

#[test]
fn between_is_signed_and_excludes_the_first_date() {
    let dir = tempfile::tempdir().unwrap();
    let forward = json(
        dir.path(),
        &["workdays", "between", "2024-09-27", "2024-10-12", "--json"],
    );
    assert_eq!(forward["working_days"], 7);
    let backward = json(
        dir.path(),
        &["workdays", "between", "2024-10-12", "2024-09-27", "--json"],
    );
    assert_eq!(backward["working_days"], -7);
}

#[test]
fn deadline_prints_due_date_unit_citation_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "deadline",
        "disclosure-decision",
        "2024-09-27",
        "--today",
        "2024-10-10",
        "--json",
    ];
    let deadline = json(dir.path(), &args);
    assert_eq!(deadline["due"], "2024-10-12");
    assert_eq!(deadline["unit"], "working-days");
    assert_eq!(deadline["requirements"][0], "D12-c");
    assert!(deadline["citation"].as_str().unwrap().contains("第十二条"));
    assert_eq!(deadline["status"]["state"], "due-soon");
    assert_eq!(deadline["status"]["working_days_remaining"], 2);

    let text = liuhen(dir.path(), &args[..5]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("到期：2024-10-12 星期六 23:59:59"), "{text}");
    assert!(
        text.contains("依据：《薛城区行政执法信息公示办法》第十二条"),
        "{text}"
    );
}

#[test]
fn deadline_known_answers_for_storage_and_archiving() {
    let dir = tempfile::tempdir().unwrap();
    let storage = json(
        dir.path(),
        &["deadline", "av-storage", "2024-09-30", "--json"],
    );
    assert_eq!(storage["due"], "2024-10-09");
    let archive = json(dir.path(), &["deadline", "archive", "2024-09-10", "--json"]);
    assert_eq!(archive["due"], "2024-10-10");
    assert_eq!(archive["unit"], "calendar-days");
}

#[test]
fn deadline_reaching_into_2027_is_marked_provisional() {
    let dir = tempfile::tempdir().unwrap();
    let deadline = json(
        dir.path(),
        &["deadline", "disclosure", "2026-12-20", "--json"],
    );
    assert_eq!(deadline["provisional"], true);
    assert_eq!(deadline["provisional_years"][0], 2027);
    let text = liuhen(dir.path(), &["deadline", "disclosure", "2026-12-20"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("【暂定】"));
}

#[test]
fn deadline_refuses_a_legal_review_pause_citing_l11() {
    let dir = tempfile::tempdir().unwrap();
    let output = liuhen(
        dir.path(),
        &[
            "deadline",
            "licence-decision",
            "2024-09-27",
            "--pause",
            "legal-review:2024-10-08:2024-10-09",
        ],
    );
    assert!(!output.status.success());
    assert!(stderr(&output).contains("L11-b"), "{}", stderr(&output));
}

#[test]
fn importing_2027_makes_its_dates_authoritative_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let before = json(dir.path(), &["workdays", "is", "2027-01-01", "--json"]);
    assert_eq!(before["provisional"], true);

    let file = dir.path().join("notice-2027.json");
    std::fs::write(&file, NOTICE_2027).unwrap();
    let imported = json(
        dir.path(),
        &["calendar", "import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(imported["imported"], 2027);
    assert!(dir.path().join("calendar/2027.json").is_file());

    let after = json(dir.path(), &["workdays", "is", "2027-01-01", "--json"]);
    assert_eq!(after["provisional"], false);
    assert_eq!(after["working"], false);
    let listing = json(dir.path(), &["calendar", "list", "--json"]);
    let last = listing["years"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["year"].clone(), last["origin"].clone()),
        (2027.into(), "imported".into())
    );
}

#[test]
fn data_dir_flag_overrides_the_environment() {
    let env_dir = tempfile::tempdir().unwrap();
    let flag_dir = tempfile::tempdir().unwrap();
    let file = env_dir.path().join("notice-2027.json");
    std::fs::write(&file, NOTICE_2027).unwrap();
    let flag = flag_dir.path().to_str().unwrap();
    let output = liuhen(
        env_dir.path(),
        &[
            "calendar",
            "import",
            file.to_str().unwrap(),
            "--data-dir",
            flag,
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(flag_dir.path().join("calendar/2027.json").is_file());
    assert!(!env_dir.path().join("calendar").exists());
}

#[test]
fn broken_import_is_rejected_naming_line_and_date_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    let broken = NOTICE_2027.replace(
        "\"2027-01-09\", \"isOffDay\": false",
        "\"2027-01-01\", \"isOffDay\": false",
    );
    std::fs::write(&file, broken).unwrap();
    let output = liuhen(dir.path(), &["calendar", "import", file.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("第 6 行"), "{message}");
    assert!(message.contains("2027-01-01"), "{message}");
    assert!(!dir.path().join("calendar").exists());
}

#[test]
fn import_contradicting_the_2019_notice_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2018.json");
    let text = r#"{"year": 2018, "papers": ["https://example.invalid/n"],
"days": [{"name": "元旦", "date": "2018-12-29", "isOffDay": true}]}"#;
    std::fs::write(&file, text).unwrap();
    let output = liuhen(dir.path(), &["calendar", "import", file.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("2019 年"), "{}", stderr(&output));
}

#[test]
fn a_corrupted_file_in_the_data_folder_is_an_error_not_a_silent_fallback() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("calendar")).unwrap();
    std::fs::write(dir.path().join("calendar/2027.json"), "{not json").unwrap();
    let output = liuhen(dir.path(), &["workdays", "is", "2027-01-01"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("2027.json"), "{}", stderr(&output));
}

#[test]
fn bad_dates_and_unknown_periods_are_refused_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let output = liuhen(dir.path(), &["workdays", "is", "2024-02-30"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("日期格式错误"),
        "{}",
        stderr(&output)
    );
    let output = liuhen(dir.path(), &["deadline", "no-such-period", "2024-01-01"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no-such-period"),
        "{}",
        stderr(&output)
    );
}
