//! Timing of the calendar's hot paths, printed as JSON with medians (no criterion; STYLE.md).
//! Run: `cargo bench -p liuhen-calendar --bench arithmetic`.

use std::time::{Duration, Instant};

use liuhen_calendar::holidays::{EMBEDDED, ImportOptions, parse_holiday_file};
use liuhen_calendar::{Calendar, PeriodRequest, PeriodTable, WorkingDays};
use time::macros::date;

fn median_ns(mut run: impl FnMut(), iterations: u32) -> u128 {
    let mut samples: Vec<Duration> = (0..31)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..iterations {
                run();
            }
            started.elapsed() / iterations
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2].as_nanos()
}

fn main() {
    let calendar = Calendar::embedded().expect("embedded data");
    let table = PeriodTable::embedded().expect("embedded table");
    let text = EMBEDDED[5].1.as_bytes();
    let parse = median_ns(
        || {
            std::hint::black_box(parse_holiday_file(text, ImportOptions::default()).is_ok());
        },
        200,
    );
    let add_20 = median_ns(
        || {
            let due = calendar.add_working_days(date!(2024 - 09 - 27), WorkingDays(20));
            std::hint::black_box(due.is_ok());
        },
        2000,
    );
    let between_year = median_ns(
        || {
            let count = calendar.working_days_between(date!(2024 - 01 - 01), date!(2024 - 12 - 31));
            std::hint::black_box(count.is_ok());
        },
        200,
    );
    let period = median_ns(
        || {
            let request = PeriodRequest::starting(date!(2024 - 09 - 27));
            let due = table.deadline(&calendar, "licence-decision", &request);
            std::hint::black_box(due.is_ok());
        },
        2000,
    );
    println!(
        "{{\"parse_2024_notice_ns\": {parse}, \"add_20_working_days_ns\": {add_20}, \
         \"working_days_in_2024_ns\": {between_year}, \"licence_decision_deadline_ns\": {period}}}"
    );
}
