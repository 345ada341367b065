//! Fuzz the holiday-file validator (the parser of `liuhen calendar import`, D12-a) and what a
//! calendar does with whatever it accepts. Run: `cargo fuzz run calendar_import`.
//!
//! Invariants checked on every accepted file: it is never empty of sources, every listed date
//! lies within the notice year ± one month and carries a line number, the file loads into an
//! empty calendar, and arithmetic around its dates answers without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liuhen_calendar::holidays::{ImportOptions, parse_holiday_file};
use liuhen_calendar::{Calendar, CalendarDays, NoticeOrigin, RollForward, WorkingDays};

fuzz_target!(|data: &[u8]| {
    for allow_weekday_workdays in [false, true] {
        let options = ImportOptions {
            allow_weekday_workdays,
        };
        let Ok(file) = parse_holiday_file(data, options) else {
            continue;
        };
        assert!(!file.papers().is_empty());
        for day in file.days() {
            assert!(day.line >= 1);
            assert!((day.date.year() - file.year()).abs() <= 1);
        }
        let mut calendar = Calendar::without_notices();
        let first = file.days().first().map(|day| day.date);
        calendar
            .insert_notice(file, NoticeOrigin::Imported)
            .expect("a validated file loads into an empty calendar");
        if let Some(date) = first {
            let _ = calendar.add_working_days(date, WorkingDays(30));
            let _ = calendar.subtract_working_days(date, WorkingDays(30));
            let _ = calendar.add_calendar_days(date, CalendarDays(30), RollForward::ToNextWorkingDay);
            assert!(calendar.is_working_day(date).provisional_years.is_empty());
        }
    }
});
