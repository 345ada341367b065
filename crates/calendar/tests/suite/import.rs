//! One broken file per case in tests/data/import/, named after what is wrong with it. Each
//! must be rejected with exactly the expected problem on the expected line (D12-a).

use liuhen_calendar::holidays::{ImportOptions, parse_holiday_file};
use liuhen_calendar::{Calendar, ImportProblemKind, NoticeOrigin};

fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn tag(kind: &ImportProblemKind) -> &'static str {
    match kind {
        ImportProblemKind::TooLarge { .. } => "too-large",
        ImportProblemKind::Syntax { .. } => "syntax",
        ImportProblemKind::Schema { .. } => "schema",
        ImportProblemKind::YearOutOfRange { .. } => "year-out-of-range",
        ImportProblemKind::MissingSource => "missing-source",
        ImportProblemKind::BadSourceUrl { .. } => "bad-source-url",
        ImportProblemKind::BadDate { .. } => "bad-date",
        ImportProblemKind::EmptyName { .. } => "empty-name",
        ImportProblemKind::DateOutsideYear { .. } => "date-outside-year",
        ImportProblemKind::Duplicate { .. } => "duplicate",
        ImportProblemKind::Contradiction { .. } => "contradiction",
        ImportProblemKind::MakeupWorkdayNotWeekend { .. } => "makeup-workday-not-weekend",
        ImportProblemKind::ConflictsWithLoaded { .. } => "conflicts-with-loaded",
    }
}

/// The file must be rejected with exactly one problem, of kind `expect_tag` on `expect_line`.
fn check(name: &str, expect_tag: &str, expect_line: usize) {
    let err = parse_holiday_file(&read(name), ImportOptions::default())
        .expect_err(&format!("{name} should be rejected"));
    let found: Vec<(&str, usize)> = err
        .problems
        .iter()
        .map(|problem| (tag(&problem.kind), problem.line))
        .collect();
    assert_eq!(found, [(expect_tag, expect_line)], "{name}: {err}");
    // The message names the line in Chinese.
    assert!(
        err.to_string().contains(&format!("第 {expect_line} 行")),
        "{err}"
    );
}

#[test]
fn trailing_comma_is_a_syntax_error_on_its_line() {
    check("syntax-error-trailing-comma.json", "syntax", 6);
}

#[test]
fn truncated_file_is_a_syntax_error() {
    check("truncated-file.json", "syntax", 6);
}

#[test]
fn invalid_utf8_is_rejected_naming_the_line() {
    check("invalid-utf8.json", "syntax", 3);
}

#[test]
fn missing_year_is_a_schema_error() {
    check("missing-year.json", "schema", 4);
}

#[test]
fn year_given_as_string_is_a_schema_error() {
    check("year-as-string.json", "schema", 2);
}

#[test]
fn year_before_2000_is_out_of_range() {
    check("year-out-of-range.json", "year-out-of-range", 2);
}

#[test]
fn file_without_notice_urls_has_no_provenance() {
    check("no-papers.json", "missing-source", 3);
}

#[test]
fn notice_reference_that_is_not_a_url_is_rejected() {
    check("paper-not-a-url.json", "bad-source-url", 3);
}

#[test]
fn misspelt_field_in_an_entry_is_a_schema_error_on_the_entrys_line() {
    check("unknown-field-in-day.json", "schema", 6);
}

#[test]
fn key_repeated_inside_an_entry_is_a_schema_error() {
    check("duplicate-key-in-day.json", "schema", 5);
}

#[test]
fn date_with_slashes_is_a_bad_date() {
    check("date-with-slashes.json", "bad-date", 5);
}

#[test]
fn thirtieth_of_february_is_a_bad_date() {
    check("impossible-date-february-30.json", "bad-date", 5);
}

#[test]
fn blank_holiday_name_is_rejected() {
    check("empty-name.json", "empty-name", 5);
}

#[test]
fn date_more_than_a_month_outside_the_year_is_rejected() {
    check(
        "date-outside-year-plus-one-month.json",
        "date-outside-year",
        6,
    );
}

#[test]
fn date_listed_twice_is_a_duplicate_naming_both_lines() {
    check("duplicate-date.json", "duplicate", 6);
    let err =
        parse_holiday_file(&read("duplicate-date.json"), ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("2027-01-01"), "{err}");
    assert!(err.to_string().contains("第 5 行"), "{err}");
}

#[test]
fn date_listed_as_both_holiday_and_workday_is_a_contradiction() {
    check("contradicting-date.json", "contradiction", 6);
}

#[test]
fn makeup_workday_on_a_wednesday_is_rejected_unless_allowed() {
    check(
        "makeup-workday-on-a-weekday.json",
        "makeup-workday-not-weekend",
        5,
    );
    let lenient = ImportOptions {
        allow_weekday_workdays: true,
    };
    assert!(parse_holiday_file(&read("makeup-workday-on-a-weekday.json"), lenient).is_ok());
}

#[test]
fn file_contradicting_a_loaded_notice_is_rejected_naming_its_line() {
    // The 2019 notice makes Saturday 2018-12-29 a working day; this 2018 file says day off.
    let file = parse_holiday_file(
        &read("conflicts-with-2019-notice.json"),
        ImportOptions::default(),
    )
    .unwrap();
    let mut calendar = Calendar::embedded().unwrap();
    let err = calendar.check_import(&file).unwrap_err();
    let found: Vec<(&str, usize)> = err
        .problems
        .iter()
        .map(|problem| (tag(&problem.kind), problem.line))
        .collect();
    assert_eq!(found, [("conflicts-with-loaded", 5)]);
    assert!(
        calendar
            .insert_notice(file, NoticeOrigin::Imported)
            .is_err()
    );
    // The calendar is unchanged.
    assert!(!calendar.is_covered(2018));
}

#[test]
fn valid_file_is_accepted_with_lines_and_sources() {
    let file = parse_holiday_file(
        &read("valid-2027-test-notice.json"),
        ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(file.year(), 2027);
    assert_eq!(file.days().len(), 2);
    assert_eq!(file.days()[1].line, 12);
    assert_eq!(file.papers().len(), 1);
}

#[test]
fn several_problems_are_all_reported_in_line_order() {
    let text = br#"{
  "year": 2027,
  "papers": ["https://example.invalid/n"],
  "days": [
    {"name": "", "date": "2027-02-03", "isOffDay": false},
    {"name": "x", "date": "2027-13-01", "isOffDay": true}
  ]
}"#;
    let err = parse_holiday_file(text, ImportOptions::default()).unwrap_err();
    let found: Vec<(&str, usize)> = err
        .problems
        .iter()
        .map(|problem| (tag(&problem.kind), problem.line))
        .collect();
    assert_eq!(
        found,
        [
            ("empty-name", 5),
            ("makeup-workday-not-weekend", 5),
            ("bad-date", 6)
        ]
    );
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let text = vec![b' '; liuhen_calendar::holidays::MAX_FILE_BYTES + 1];
    let err = parse_holiday_file(&text, ImportOptions::default()).unwrap_err();
    assert_eq!(tag(&err.problems[0].kind), "too-large");
}

#[test]
fn arbitrary_bytes_never_panic() {
    for input in [
        &b""[..],
        b"null",
        b"[]",
        b"{",
        b"\"",
        b"{\"days\": [1]}",
        b"\xef\xbb\xbf{}",
    ] {
        assert!(parse_holiday_file(input, ImportOptions::default()).is_err());
    }
}
