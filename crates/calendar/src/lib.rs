//! China working-day calendar, statutory periods and deadline status for liuhen.
//!
//! # Brief overview
//!
//! * [`Calendar`] — the official holiday arrangements of the State Council (国务院办公厅放假通知)
//!   for 2019–2026 compiled in ([`Calendar::embedded`]), plus years imported at run time
//!   ([`holidays::parse_holiday_file`], [`Calendar::check_import`], [`Calendar::insert_notice`]).
//!   It answers [`Calendar::is_working_day`], [`Calendar::add_working_days`] (T2: the start
//!   day is not counted), [`Calendar::add_calendar_days`] (T3, optional [`RollForward`]),
//!   [`Calendar::fixed_yearly_date`] (T4) and [`Calendar::working_days_between`].
//! * [`Reckoned`] — every answer carries the years it relied on without a loaded notice. Such an
//!   answer is *provisional* (plain Monday–Friday rule, T6): never a guess passed off as fact.
//! * [`PeriodTable`] / [`Period`] — the statutory periods of `rules/periods.toml`, each with
//!   unit, length, start event, roll-forward choice, allowed pauses, citation and requirement
//!   IDs; [`Period::deadline`] turns a [`PeriodRequest`] into a [`Deadline`]. The names of
//!   the default periods are constants in [`names`].
//! * [`deadline_status`] — [`DeadlineStatus::OnTime`], [`DeadlineStatus::DueSoon`] (P8, default
//!   2 working days) or [`DeadlineStatus::Overdue`], for dashboards (D12-e).
//!
//! ```
//! use liuhen_calendar::{Calendar, PeriodRequest, PeriodTable, WorkingDays};
//! use time::macros::date;
//!
//! let calendar = Calendar::embedded()?;
//! // D12-c: a penalty decision dated Friday 2024-09-27 is due for publication on Saturday
//! // 2024-10-12, a make-up working day; 2024-10-01…07 are National Day holidays.
//! let due = calendar.add_working_days(date!(2024 - 09 - 27), WorkingDays(7))?;
//! assert_eq!(due.value, date!(2024 - 10 - 12));
//! assert!(!due.is_provisional());
//!
//! // The same through the period table, with its citation.
//! let table = PeriodTable::embedded()?;
//! let deadline = table.deadline(
//!     &calendar,
//!     liuhen_calendar::names::DISCLOSURE_DECISION,
//!     &PeriodRequest::starting(date!(2024 - 09 - 27)),
//! )?;
//! assert_eq!(deadline.due, date!(2024 - 10 - 12));
//! assert_eq!(deadline.requirements, ["D12-c"]);
//!
//! // 2027 has no published notice in the data: the answer is provisional (T6).
//! assert!(calendar.add_working_days(date!(2027 - 03 - 01), WorkingDays(3))?.is_provisional());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design choices
//!
//! * The crate is pure: no file, clock or network access. The caller passes the Asia/Shanghai
//!   date of "now" (T1) and the bytes of files to import; the CLI (`liuhen calendar import`)
//!   and later the server own the data folder.
//! * A date's status comes from whichever loaded notice lists it (the 2019 notice lists
//!   2018-12-29…31), so a listed date is authoritative even when its own year is not loaded.
//!   Two notices that disagree about a date are rejected, never silently merged.
//! * Counting is a walk day by day. Periods are at most a few hundred days, so this is
//!   microseconds, and it keeps pauses (excluded intervals) and provenance exact without any
//!   clever closed form that could be subtly wrong on a make-up day.

#![deny(missing_docs)]

mod calendar;
mod error;
pub mod holidays;
pub mod names;
mod period;
mod status;

pub use crate::calendar::{
    Calendar, CalendarDays, DayInfo, DayKind, MAX_DATE, MIN_DATE, NoticeOrigin, Provenance,
    Reckoned, RollForward, WorkingDays, YearCoverage, add_months, parse_date,
};
pub use crate::error::{
    CalendarError, ImportError, ImportProblem, ImportProblemKind, PeriodError, PeriodTableError,
};
pub use crate::period::{
    Citation, DEFAULT_PERIODS_TOML, Deadline, Direction, Extension, FixedDay, Meaning, Pause,
    PauseKind, Period, PeriodRequest, PeriodTable, PeriodUnit,
};
pub use crate::status::{DeadlineStatus, StatusPolicy, deadline_status};
