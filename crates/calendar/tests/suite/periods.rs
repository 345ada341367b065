//! The statutory period table: it parses, every period carries its citation, and deadlines
//! computed through it match the known answers of requirements.md §3 and the statutes.

use liuhen_calendar::{
    Calendar, Deadline, Extension, Meaning, Pause, PauseKind, PeriodError, PeriodRequest,
    PeriodTable, PeriodTableError, PeriodUnit, RollForward,
};
use time::{Date, macros::date};

fn deadline(name: &str, request: &PeriodRequest) -> Deadline {
    let calendar = Calendar::embedded().unwrap();
    PeriodTable::embedded()
        .unwrap()
        .deadline(&calendar, name, request)
        .unwrap_or_else(|err| panic!("{name}: {err}"))
}

/// The period `name` started on `start` is due on `expect`.
fn check(name: &str, start: Date, expect: Date) {
    let result = deadline(name, &PeriodRequest::starting(start));
    assert_eq!(result.due, expect, "{name} from {start}");
    assert!(!result.provisional);
}

#[test]
fn the_embedded_table_parses_and_every_period_quotes_its_citation_and_ids() {
    let table = PeriodTable::embedded().unwrap();
    for period in table.periods() {
        assert!(period.citation.source.starts_with('《'), "{}", period.name);
        assert!(
            period.citation.text.chars().count() >= 10,
            "{}",
            period.name
        );
        assert!(!period.requirements.is_empty(), "{}", period.name);
        // Statute periods measured in working days name the article that makes them so.
        if period.unit == PeriodUnit::WorkingDays
            && period.citation.source.contains("中华人民共和国")
        {
            assert!(period.citation.unit_rule.is_some(), "{}", period.name);
        }
    }
}

#[test]
fn the_table_has_every_period_issue_3_lists() {
    let table = PeriodTable::embedded().unwrap();
    let names: Vec<&str> = table
        .periods()
        .iter()
        .map(|period| period.name.as_str())
        .collect();
    assert_eq!(names, liuhen_calendar::names::ALL);
    for name in liuhen_calendar::names::ALL {
        assert!(table.get(name).is_some(), "{name} missing");
    }
}

#[test]
fn licensing_or_penalty_decision_is_published_within_7_working_days_d12_c() {
    check(
        "disclosure-decision",
        date!(2024 - 09 - 27),
        date!(2024 - 10 - 12),
    );
}

#[test]
fn other_information_is_published_within_20_working_days_d12_b() {
    check("disclosure", date!(2024 - 09 - 27), date!(2024 - 10 - 30));
}

#[test]
fn av_record_is_stored_within_2_working_days_r28_a() {
    check("av-storage", date!(2024 - 09 - 30), date!(2024 - 10 - 09));
}

#[test]
fn case_file_is_archived_within_30_calendar_days_r29_a() {
    check("archive", date!(2024 - 09 - 10), date!(2024 - 10 - 10));
}

#[test]
fn annual_data_is_due_31_january_of_the_next_year_d9_a() {
    check("annual-data", date!(2024 - 06 - 15), date!(2025 - 01 - 31));
}

#[test]
fn annual_data_rolled_forward_by_configuration_leaves_the_spring_festival() {
    let mut request = PeriodRequest::starting(date!(2024 - 06 - 15));
    request.roll_forward = Some(RollForward::ToNextWorkingDay);
    let result = deadline("annual-data", &request);
    assert_eq!(result.due, date!(2025 - 02 - 05));
    assert!(result.rolled_forward);
}

#[test]
fn penalty_decision_is_due_90_calendar_days_after_case_opening() {
    check(
        "penalty-decision",
        date!(2024 - 07 - 01),
        date!(2024 - 09 - 29),
    );
}

#[test]
fn penalty_decision_is_delivered_within_7_working_days_art_61_and_85() {
    check(
        "penalty-delivery",
        date!(2024 - 09 - 27),
        date!(2024 - 10 - 12),
    );
}

#[test]
fn hearing_notice_is_due_7_working_days_before_the_hearing_art_64() {
    check(
        "hearing-notice",
        date!(2024 - 10 - 14),
        date!(2024 - 09 - 29),
    );
}

#[test]
fn fine_payment_period_is_15_calendar_days_and_does_not_roll_by_default() {
    check("fine-payment", date!(2024 - 09 - 20), date!(2024 - 10 - 05));
    let mut request = PeriodRequest::starting(date!(2024 - 09 - 20));
    request.roll_forward = Some(RollForward::ToNextWorkingDay);
    assert_eq!(
        deadline("fine-payment", &request).due,
        date!(2024 - 10 - 08)
    );
}

#[test]
fn court_application_after_reminder_is_a_waiting_period_of_10_working_days() {
    let result = deadline(
        "court-application-after-reminder",
        &PeriodRequest::starting(date!(2024 - 09 - 25)),
    );
    assert_eq!(result.due, date!(2024 - 10 - 14));
    assert_eq!(result.meaning, Meaning::NotBefore);
}

#[test]
fn court_application_is_due_three_months_later_clamped_to_month_end() {
    check(
        "court-application",
        date!(2024 - 11 - 30),
        date!(2025 - 02 - 28),
    );
}

#[test]
fn seizure_lasts_30_days_and_60_with_the_approved_extension() {
    check("seizure", date!(2024 - 03 - 01), date!(2024 - 03 - 31));
    let mut request = PeriodRequest::starting(date!(2024 - 03 - 01));
    request.extension = Extension::Applied;
    assert_eq!(deadline("seizure", &request).due, date!(2024 - 04 - 30));
}

#[test]
fn seizure_excludes_testing_time_art_25() {
    let mut request = PeriodRequest::starting(date!(2024 - 03 - 01));
    request.pauses.push(Pause {
        kind: PauseKind::Testing,
        from: date!(2024 - 03 - 10),
        to: date!(2024 - 03 - 19),
    });
    let result = deadline("seizure", &request);
    assert_eq!(result.due, date!(2024 - 04 - 10));
    assert_eq!(result.paused, 10);
}

#[test]
fn licence_decision_excludes_hearing_time_art_45_and_can_be_extended_art_42() {
    check(
        "licence-decision",
        date!(2024 - 09 - 27),
        date!(2024 - 10 - 30),
    );
    let mut request = PeriodRequest::starting(date!(2024 - 09 - 27));
    request.pauses.push(Pause {
        kind: PauseKind::Hearing,
        from: date!(2024 - 10 - 08),
        to: date!(2024 - 10 - 09),
    });
    let paused = deadline("licence-decision", &request);
    assert_eq!((paused.due, paused.paused), (date!(2024 - 11 - 01), 2));
    let mut request = PeriodRequest::starting(date!(2024 - 09 - 27));
    request.extension = Extension::Applied;
    assert_eq!(
        deadline("licence-decision", &request).due,
        date!(2024 - 11 - 13)
    );
}

#[test]
fn legal_review_time_cannot_pause_a_handling_period_citing_l11_b() {
    let calendar = Calendar::embedded().unwrap();
    let table = PeriodTable::embedded().unwrap();
    let mut request = PeriodRequest::starting(date!(2024 - 09 - 27));
    request.pauses.push(Pause {
        kind: PauseKind::LegalReview,
        from: date!(2024 - 10 - 08),
        to: date!(2024 - 10 - 09),
    });
    let err = table
        .deadline(&calendar, "licence-decision", &request)
        .unwrap_err();
    assert!(matches!(err, PeriodError::PauseNotAllowed { .. }), "{err}");
    assert!(err.to_string().contains("L11-b"), "{err}");
}

#[test]
fn pauses_the_statute_does_not_allow_are_refused() {
    let calendar = Calendar::embedded().unwrap();
    let table = PeriodTable::embedded().unwrap();
    let mut request = PeriodRequest::starting(date!(2024 - 09 - 27));
    request.pauses.push(Pause {
        kind: PauseKind::Testing,
        from: date!(2024 - 10 - 08),
        to: date!(2024 - 10 - 09),
    });
    assert!(
        table
            .deadline(&calendar, "disclosure-decision", &request)
            .is_err()
    );
    assert!(matches!(
        table.deadline(&calendar, "no-such-period", &request),
        Err(PeriodError::UnknownPeriod { .. })
    ));
}

fn table_error(toml: &str) -> PeriodTableError {
    PeriodTable::from_toml_str(toml).unwrap_err()
}

const MINIMAL: &str = r#"
version = 1
[[period]]
name = "x"
title = "测试"
unit = "working-days"
length = 3
start_event = "某日"
requirements = ["D12-b"]
[period.citation]
source = "《测试》第一条"
text = "三日内办理完毕。"
"#;

#[test]
fn a_body_can_supply_its_own_table() {
    let table = PeriodTable::from_toml_str(MINIMAL).unwrap();
    assert_eq!(table.periods().len(), 1);
}

#[test]
fn a_table_period_without_citation_text_is_rejected() {
    let toml = MINIMAL.replace("三日内办理完毕。", "");
    assert!(matches!(
        table_error(&toml),
        PeriodTableError::MissingCitation { .. }
    ));
    let toml = MINIMAL.replace("[\"D12-b\"]", "[]");
    assert!(matches!(
        table_error(&toml),
        PeriodTableError::MissingCitation { .. }
    ));
}

#[test]
fn a_table_with_a_repeated_name_is_rejected() {
    let body = MINIMAL.replace("version = 1", "");
    let toml = format!("{MINIMAL}{body}");
    assert!(matches!(
        table_error(&toml),
        PeriodTableError::DuplicateName { .. }
    ));
}

#[test]
fn a_table_that_pauses_for_legal_review_is_rejected() {
    let toml = MINIMAL.replace("length = 3", "length = 3\npausable_by = [\"legal-review\"]");
    assert!(matches!(
        table_error(&toml),
        PeriodTableError::Invalid { .. }
    ));
}

#[test]
fn a_malformed_table_is_a_syntax_error_not_a_panic() {
    for toml in [
        "",
        "version = 2\nperiod = []",
        "version = 1\n[[period]]\nname = 1",
        "\u{0}",
    ] {
        assert!(PeriodTable::from_toml_str(toml).is_err(), "{toml:?}");
    }
}

#[test]
fn docs_calendar_md_renders_every_period_of_the_table() {
    let path = format!("{}/../../docs/calendar.md", env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(&path).unwrap();
    for period in PeriodTable::embedded().unwrap().periods() {
        let row = format!("| `{}` | {} |", period.name, period.title);
        assert!(
            docs.contains(&row),
            "docs/calendar.md lacks the row of {}",
            period.name
        );
        assert!(
            docs.contains(&period.citation.text),
            "docs/calendar.md lacks the quote of {}",
            period.name
        );
    }
}
