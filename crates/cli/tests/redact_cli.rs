//! `liuhen redact` end to end through the built binary (issue 4, D10-d, P9).

use std::io::Write;
use std::process::{Command, Output, Stdio};

const DECISION: &str = "当事人：张三，公民身份号码11010519491231002X，联系电话138 1234 5678。\n经查，张三于2023年5月12日销售过期食品。\n";

fn liuhen(args: &[&str], stdin: &str) -> Output {
    let mut child = match Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => panic!("spawning liuhen: {err}"),
    };
    if let Some(mut input) = child.stdin.take()
        && let Err(err) = input.write_all(stdin.as_bytes())
    {
        panic!("writing stdin: {err}");
    }
    match child.wait_with_output() {
        Ok(output) => output,
        Err(err) => panic!("waiting for liuhen: {err}"),
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write_temp(text: &str) -> tempfile::NamedTempFile {
    let mut file = match tempfile::NamedTempFile::new() {
        Ok(file) => file,
        Err(err) => panic!("temp file: {err}"),
    };
    if let Err(err) = file.write_all(text.as_bytes()) {
        panic!("writing temp file: {err}");
    }
    file
}

#[test]
fn portal_policy_masks_id_phone_and_every_name_occurrence() {
    let output = liuhen(&["redact", "--party", "张三"], DECISION);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout(&output),
        "当事人：张某，公民身份号码110105********002X，联系电话138 **** 5678。\n经查，张某于2023年5月12日销售过期食品。\n"
    );
}

#[test]
fn internal_policy_keeps_the_text() {
    let file = write_temp(DECISION);
    let path = file.path().to_string_lossy().into_owned();
    let output = liuhen(&["redact", &path, "--policy", "internal"], "");
    assert!(output.status.success());
    assert_eq!(stdout(&output), DECISION);
}

#[test]
fn json_output_lists_findings_with_offsets_and_rule_ids() {
    let output = liuhen(&["redact", "--json", "--policy", "open-data"], DECISION);
    assert!(output.status.success());
    let value: serde_json::Value = match serde_json::from_slice(&output.stdout) {
        Ok(value) => value,
        Err(err) => panic!("{err}: {}", stdout(&output)),
    };
    assert_eq!(value["channel"], "open-data");
    let findings = value["findings"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<&str> = findings.iter().filter_map(|f| f["kind"].as_str()).collect();
    assert_eq!(kinds, ["person_name", "id_card", "mobile", "person_name"]);
    assert_eq!(findings[1]["rule"], "D10-d");
    assert_eq!(findings[1]["chars"]["start"], 13);
    assert!(
        value["text"]
            .as_str()
            .unwrap_or_default()
            .contains("******************")
    );
}

#[test]
fn check_exits_1_and_lists_each_leak_with_line_and_column() {
    let file = write_temp(DECISION);
    let path = file.path().to_string_lossy().into_owned();
    let output = liuhen(&["redact", "--check", &path], "");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("第1行第14列：未脱敏的居民身份证号「11010519491231002X」（D10-d）"),
        "{text}"
    );
    assert!(text.contains("未脱敏的手机号码「138 1234 5678」"), "{text}");
}

#[test]
fn check_passes_on_masked_text_and_reports_wrong_length_masks() {
    let file = write_temp("身份证号110105********002X，电话138***5678。");
    let path = file.path().to_string_lossy().into_owned();
    let output = liuhen(&["redact", "--check", &path], "");
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("手机号掩码长度为 10 位"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn policy_file_can_switch_name_masking_off_but_not_id_masking() {
    let p9_off = write_temp("channel = \"portal\"\n[rules]\nperson_name = { action = \"keep\" }\n");
    let path = p9_off.path().to_string_lossy().into_owned();
    let output = liuhen(
        &["redact", "--policy-file", &path, "--party", "张三"],
        DECISION,
    );
    assert!(output.status.success());
    assert!(stdout(&output).starts_with("当事人：张三，公民身份号码110105********002X"));

    let keep_ids = write_temp("channel = \"portal\"\n[rules]\nid_card = { action = \"keep\" }\n");
    let path = keep_ids.path().to_string_lossy().into_owned();
    let output = liuhen(&["redact", "--policy-file", &path], DECISION);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("D10-d"));
}
