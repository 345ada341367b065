//! T6/T7: a year without a loaded notice gives provisional answers, never a guess presented as
//! fact; loading the year makes them authoritative.

use liuhen_calendar::holidays::{ImportOptions, parse_holiday_file};
use liuhen_calendar::{
    Calendar, NoticeOrigin, PeriodRequest, PeriodTable, Provenance, WorkingDays,
};
use time::macros::date;

fn test_notice_2027() -> liuhen_calendar::holidays::HolidayFile {
    let path = format!(
        "{}/tests/data/import/valid-2027-test-notice.json",
        env!("CARGO_MANIFEST_DIR")
    );
    parse_holiday_file(&std::fs::read(path).unwrap(), ImportOptions::default()).unwrap()
}

#[test]
fn dates_in_2027_are_provisional_plain_weekday_answers() {
    let calendar = Calendar::embedded().unwrap();
    let friday = calendar.day(date!(2027 - 01 - 01));
    assert!(friday.working, "plain rule: a Friday works");
    assert_eq!(friday.provenance, Provenance::Provisional);
    let answer = calendar.is_working_day(date!(2027 - 01 - 01));
    assert_eq!(
        answer.provisional_years.into_iter().collect::<Vec<_>>(),
        [2027]
    );
}

#[test]
fn a_deadline_crossing_into_2027_is_provisional_and_names_the_year() {
    let calendar = Calendar::embedded().unwrap();
    let due = calendar
        .add_working_days(date!(2026 - 12 - 30), WorkingDays(5))
        .unwrap();
    assert!(due.is_provisional());
    assert_eq!(
        due.provisional_years.iter().copied().collect::<Vec<_>>(),
        [2027]
    );
    // A deadline wholly inside 2026 is not.
    let inside = calendar
        .add_working_days(date!(2026 - 12 - 01), WorkingDays(5))
        .unwrap();
    assert!(!inside.is_provisional());
}

#[test]
fn loading_the_2027_notice_makes_the_same_question_authoritative_and_may_change_it() {
    let mut calendar = Calendar::embedded().unwrap();
    let before = calendar
        .add_working_days(date!(2026 - 12 - 31), WorkingDays(1))
        .unwrap();
    assert_eq!(before.value, date!(2027 - 01 - 01));
    assert!(before.is_provisional());

    calendar
        .insert_notice(test_notice_2027(), NoticeOrigin::Imported)
        .unwrap();
    let after = calendar
        .add_working_days(date!(2026 - 12 - 31), WorkingDays(1))
        .unwrap();
    assert_eq!(
        after.value,
        date!(2027 - 01 - 04),
        "1 January is now a holiday"
    );
    assert!(!after.is_provisional());
    assert!(
        calendar.is_working_day(date!(2027 - 01 - 09)).value,
        "test make-up Saturday"
    );
}

#[test]
fn a_period_deadline_in_2027_is_marked_provisional_unless_it_ignores_the_calendar() {
    let calendar = Calendar::embedded().unwrap();
    let table = PeriodTable::embedded().unwrap();
    let start = PeriodRequest::starting(date!(2027 - 03 - 01));
    let disclosure = table.deadline(&calendar, "disclosure", &start).unwrap();
    assert!(disclosure.provisional);
    // 30 calendar days without roll-forward do not depend on any notice (T3, I2).
    let archive = table.deadline(&calendar, "archive", &start).unwrap();
    assert!(!archive.provisional);
}

#[test]
fn a_calendar_without_notices_answers_everything_provisionally() {
    let calendar = Calendar::without_notices();
    assert!(
        calendar
            .is_working_day(date!(2024 - 10 - 01))
            .is_provisional()
    );
    assert!(
        calendar.is_working_day(date!(2024 - 10 - 01)).value,
        "plain rule: a Tuesday"
    );
}
