//! Deadline status for dashboards: on time, due soon (黄色预警, P8 default 2 working days) and
//! overdue (红色预警) from 00:00 of the day after the due date (T5, D12-e).

use liuhen_calendar::{
    Calendar, CalendarDays, DeadlineStatus, StatusPolicy, WorkingDays, deadline_status,
};
use time::{Date, macros::date};

fn check(due: Date, today: Date, policy: StatusPolicy, expect: DeadlineStatus) {
    let calendar = Calendar::embedded().unwrap();
    let status = deadline_status(&calendar, due, today, policy).unwrap();
    assert_eq!(status.value, expect, "due {due}, today {today}");
}

const DUE: Date = date!(2024 - 10 - 12);

#[test]
fn three_working_days_left_is_on_time() {
    let expect = DeadlineStatus::OnTime {
        remaining: WorkingDays(3),
    };
    check(DUE, date!(2024 - 10 - 09), StatusPolicy::default(), expect);
}

#[test]
fn two_working_days_left_is_due_soon_by_default() {
    let expect = DeadlineStatus::DueSoon {
        remaining: WorkingDays(2),
    };
    check(DUE, date!(2024 - 10 - 10), StatusPolicy::default(), expect);
}

#[test]
fn holidays_do_not_count_as_days_left() {
    // From 2024-09-30 the next working days are 10-08 … 10-12 (five).
    let expect = DeadlineStatus::OnTime {
        remaining: WorkingDays(5),
    };
    check(DUE, date!(2024 - 09 - 30), StatusPolicy::default(), expect);
}

#[test]
fn the_due_date_itself_is_due_soon_with_zero_left() {
    let expect = DeadlineStatus::DueSoon {
        remaining: WorkingDays(0),
    };
    check(DUE, DUE, StatusPolicy::default(), expect);
}

#[test]
fn the_day_after_is_overdue_even_when_it_is_a_sunday_t5() {
    let expect = DeadlineStatus::Overdue {
        working_days: WorkingDays(0),
        days: CalendarDays(1),
    };
    check(DUE, date!(2024 - 10 - 13), StatusPolicy::default(), expect);
    let expect = DeadlineStatus::Overdue {
        working_days: WorkingDays(2),
        days: CalendarDays(3),
    };
    check(DUE, date!(2024 - 10 - 15), StatusPolicy::default(), expect);
}

#[test]
fn the_due_soon_window_is_configurable() {
    let policy = StatusPolicy {
        due_soon_within: WorkingDays(5),
    };
    let expect = DeadlineStatus::DueSoon {
        remaining: WorkingDays(3),
    };
    check(DUE, date!(2024 - 10 - 09), policy, expect);
}

#[test]
fn a_status_counted_across_an_unloaded_year_is_provisional() {
    let calendar = Calendar::embedded().unwrap();
    let status = deadline_status(
        &calendar,
        date!(2027 - 01 - 05),
        date!(2026 - 12 - 30),
        StatusPolicy::default(),
    )
    .unwrap();
    assert!(status.is_provisional());
}
