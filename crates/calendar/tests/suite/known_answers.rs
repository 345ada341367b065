use liuhen_calendar::{Calendar, CalendarDays, DayKind, Provenance, RollForward, WorkingDays};
use time::{Date, Month, macros::date};

fn calendar() -> Calendar {
    Calendar::embedded().unwrap()
}

/// `start` + `n` working days must be `expect`, and authoritative.
fn check(start: Date, n: u32, expect: Date) {
    let due = calendar().add_working_days(start, WorkingDays(n)).unwrap();
    assert_eq!(due.value, expect, "{start} + {n} WD");
    assert!(
        !due.is_provisional(),
        "{start} + {n} WD should not be provisional"
    );
}

#[test]
fn seven_working_days_after_national_day_eve_2025_is_16_october() {
    check(date!(2025 - 09 - 30), 7, date!(2025 - 10 - 16));
}

#[test]
fn decision_of_27_september_2024_is_published_by_saturday_makeup_day_d12_c() {
    check(date!(2024 - 09 - 27), 7, date!(2024 - 10 - 12));
}

#[test]
fn information_formed_27_september_2024_is_due_30_october_d12_b() {
    check(date!(2024 - 09 - 27), 20, date!(2024 - 10 - 30));
}

#[test]
fn av_recording_ended_30_september_2024_is_stored_by_9_october_r28_a() {
    check(date!(2024 - 09 - 30), 2, date!(2024 - 10 - 09));
}

#[test]
fn the_start_day_is_not_counted_even_when_it_is_a_working_day_t2() {
    check(date!(2024 - 03 - 04), 1, date!(2024 - 03 - 05));
    check(date!(2024 - 03 - 04), 0, date!(2024 - 03 - 04));
}

#[test]
fn spring_festival_2025_skips_the_holiday_and_counts_the_sunday_makeup_day() {
    // Fri 2025-01-24 → Sun 01-26 (make-up), Mon 01-27, then 01-28…02-04 off, Wed 02-05.
    check(date!(2025 - 01 - 24), 1, date!(2025 - 01 - 26));
    check(date!(2025 - 01 - 24), 3, date!(2025 - 02 - 05));
}

#[test]
fn execution_ended_10_september_2024_is_archived_by_10_october_r29_a() {
    let due = calendar()
        .add_calendar_days(date!(2024 - 09 - 10), CalendarDays(30), RollForward::No)
        .unwrap();
    assert_eq!(due.value, date!(2024 - 10 - 10));
    assert!(!due.is_provisional());
}

#[test]
fn calendar_day_roll_forward_moves_a_holiday_due_date_to_the_next_working_day_t3() {
    // 2024-09-01 + 30 days = 2024-10-01 (National Day); rolled: 2024-10-08.
    let calendar = calendar();
    let stay = calendar
        .add_calendar_days(date!(2024 - 09 - 01), CalendarDays(30), RollForward::No)
        .unwrap();
    let rolled = calendar
        .add_calendar_days(
            date!(2024 - 09 - 01),
            CalendarDays(30),
            RollForward::ToNextWorkingDay,
        )
        .unwrap();
    assert_eq!(stay.value, date!(2024 - 10 - 01));
    assert_eq!(rolled.value, date!(2024 - 10 - 08));
}

#[test]
fn annual_data_for_2024_is_due_31_january_2025_although_a_holiday_d9_a() {
    let calendar = calendar();
    let due = calendar
        .fixed_yearly_date(2025, Month::January, 31, RollForward::No)
        .unwrap();
    assert_eq!(due.value, date!(2025 - 01 - 31));
    assert!(!calendar.is_working_day(due.value).value);
    let last = calendar.last_working_day_on_or_before(due.value).unwrap();
    assert_eq!(last.value, date!(2025 - 01 - 27));
}

#[test]
fn working_days_between_counts_the_end_but_not_the_start() {
    let calendar = calendar();
    let between = calendar
        .working_days_between(date!(2024 - 09 - 27), date!(2024 - 10 - 12))
        .unwrap();
    assert_eq!(between.value, WorkingDays(7));
    let same = calendar
        .working_days_between(date!(2024 - 10 - 12), date!(2024 - 10 - 12))
        .unwrap();
    assert_eq!(same.value, WorkingDays(0));
    assert!(
        calendar
            .working_days_between(date!(2024 - 10 - 12), date!(2024 - 10 - 11))
            .is_err()
    );
}

#[test]
fn december_dates_listed_in_the_next_years_notice_are_authoritative() {
    let calendar = calendar();
    let saturday = calendar.day(date!(2018 - 12 - 29));
    assert!(saturday.working);
    assert_eq!(saturday.kind, DayKind::MakeupWorkday("元旦".into()));
    assert_eq!(
        saturday.provenance,
        Provenance::Listed { notice_year: 2019 }
    );
    let monday = calendar.day(date!(2018 - 12 - 31));
    assert!(!monday.working);
    // An unlisted December 2018 date has no loaded notice behind it.
    assert_eq!(
        calendar.day(date!(2018 - 12 - 28)).provenance,
        Provenance::Provisional
    );
}

#[test]
fn every_embedded_year_is_covered_with_its_notice_urls() {
    let coverage = calendar().coverage();
    let years: Vec<i32> = coverage.iter().map(|year| year.year).collect();
    assert_eq!(years, (2019..=2026).collect::<Vec<_>>());
    for year in &coverage {
        assert!(
            year.papers.iter().all(|url| url.contains("gov.cn")),
            "{}",
            year.year
        );
    }
}
