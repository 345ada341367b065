//! The rule-set loader: diagnostics name file, line and rule; overrides and effective periods
//! (D16-a, I15); field validation refusals cite requirement IDs and labels.

use liuhen_calendar::PeriodTable;
use liuhen_core::ids::BodyId;
use liuhen_core::rules::fields::validate_data;
use liuhen_core::rules::{RuleBook, Severity};
use serde_json::json;
use time::macros::date;

fn load(files: &[(&str, &str)]) -> (RuleBook, Vec<liuhen_core::rules::Diagnostic>) {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    RuleBook::load(&files, PeriodTable::embedded().unwrap())
}

/// Loads `text` as `file` and expects an error diagnostic for `rule` on `line` containing `needle`.
fn check(text: &str, rule: &str, line: usize, needle: &str) {
    let (book, diagnostics) = load(&[("bad.toml", text)]);
    assert!(
        book.sets().is_empty(),
        "a file with errors is rejected whole"
    );
    let found = diagnostics.iter().any(|d| {
        d.severity == Severity::Error
            && d.file == "bad.toml"
            && d.rule == rule
            && d.line == Some(line)
            && d.message.contains(needle)
    });
    assert!(found, "{rule}:{line}:{needle} not in {diagnostics:#?}");
}

#[test]
fn minimal_rule_set_loads_without_diagnostics() {
    let (book, diagnostics) = load(&[("minimal.toml", include_str!("data/minimal.toml"))]);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(book.sets().len(), 1);
}

#[test]
fn unknown_references_are_reported_with_file_line_and_rule() {
    let text = include_str!("data/bad_reference.toml");
    check(text, "record_types.intake", 6, "SYSADMIN");
    check(text, "procedures.p", 14, "missing_type");
    check(text, "procedures.p", 14, "bad id");
    check(
        text,
        "procedures.p.deadlines.decision",
        14,
        "no-such-period",
    );
}

#[test]
fn toml_syntax_errors_name_the_line() {
    check("[rule_set]\nid = \"X\"\nname = \n", "toml", 3, "无法解析");
}

#[test]
fn district_rule_set_loads_cleanly() {
    let (book, warnings) = RuleBook::builtin(&[]).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(book.sets().iter().any(|s| s.id.as_str() == "XC-2024"));
}

#[test]
fn body_override_extends_the_district_set_and_wins_in_its_period() {
    let district = include_str!("data/minimal.toml");
    let body_file = r#"
[rule_set]
id = "T-1-B"
name = "某局实施细则"
effective_from = 2025-01-01
body = "b1"
extends = "T-1"

[[record_types]]
id = "intake"
name = "启动记录（细则）"
kind = "text"
requires = ["R8-a", "R4.p2"]
citation = "细则第一条"
roles = ["OFFICER"]
fields = [ { name = "reason", label = "启动原因", type = "text" }, { name = "extra", label = "附加说明", type = "text" } ]
"#;
    let (book, diagnostics) = load(&[("b1.toml", body_file), ("minimal.toml", district)]);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let b1 = BodyId::new("b1").unwrap();
    let other = BodyId::new("b2").unwrap();
    // I15: the set in force on the trigger date.
    assert_eq!(
        book.effective(&b1, date!(2024 - 10 - 01))
            .unwrap()
            .id
            .as_str(),
        "T-1"
    );
    let own = book.effective(&b1, date!(2025 - 02 - 01)).unwrap();
    assert_eq!(own.id.as_str(), "T-1-B");
    assert!(own.procedure("p").is_some(), "procedures are inherited");
    assert_eq!(own.record_type("intake").unwrap().fields.len(), 2);
    assert_eq!(
        book.effective(&other, date!(2025 - 02 - 01))
            .unwrap()
            .id
            .as_str(),
        "T-1"
    );
    assert!(
        book.effective(&b1, date!(2024 - 08 - 31)).is_none(),
        "legacy before 2024-09-01 (D16-a)"
    );
}

fn check_data(data: serde_json::Value, expect: Result<(), &str>) {
    let (book, _) = RuleBook::builtin(&[]).unwrap();
    let set = book.sets().first().unwrap();
    let spec = set.record_type("r8_initiation").unwrap();
    let result = validate_data(spec, data.as_object().unwrap());
    match (result, expect) {
        (Ok(()), Ok(())) => {}
        (Err(err), Err(needle)) => {
            assert!(err.to_string().contains(needle), "{err} lacks {needle}")
        }
        (got, want) => panic!("{got:?} vs {want:?}"),
    }
}

#[test]
fn missing_reason_is_refused_citing_r8_a_and_its_label() {
    check_data(json!({}), Err("缺少必填项：启动原因（R8-a）"));
}

#[test]
fn unknown_fields_and_wrong_types_are_invalid_input() {
    check_data(json!({"no_such_field": 1}), Err("no_such_field"));
    check_data(json!({"reason": 5}), Err("reason"));
    check_data(json!({"confidentiality": "绝密"}), Err("confidentiality"));
}
