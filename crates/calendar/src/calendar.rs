//! The working-day calendar and its arithmetic (T1–T4, T6 of requirements.md §3).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::{Date, Month};

use crate::error::{CalendarError, ImportError, ImportProblem, ImportProblemKind};
use crate::holidays::{self, HolidayFile};

/// First date the arithmetic accepts.
pub const MIN_DATE: Date = time::macros::date!(1900 - 01 - 01);
/// Last date the arithmetic accepts. Bounds every loop, so no input can make a computation run
/// away or overflow `time::Date`.
pub const MAX_DATE: Date = time::macros::date!(2199 - 12 - 31);

/// A number of working days (工作日, T2). A newtype so it is never confused with calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WorkingDays(pub u32);

/// A number of calendar days (日, T3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CalendarDays(pub u32);

/// Whether a calendar-day or fixed-date due date that falls on a non-working day moves to the
/// next working day (T3, T4, I2). The default is [`RollForward::No`], the stricter reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RollForward {
    /// The due date stays where it falls (I2, default).
    #[default]
    No,
    /// A due date on a non-working day moves to the next working day.
    ToNextWorkingDay,
}

/// Where the answer about a date comes from (D12-a, T6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The date is listed in the notice of `notice_year` (which may be the following year's
    /// notice, for late-December dates).
    Listed {
        /// The notice that lists the date.
        notice_year: i32,
    },
    /// The date is not listed, but its year's notice is loaded, so the plain Monday–Friday rule
    /// is authoritative for it.
    Unlisted {
        /// The loaded notice of the date's year.
        notice_year: i32,
    },
    /// No notice for the date's year is loaded: the plain Monday–Friday rule is a stand-in and
    /// the answer must be shown as provisional (T6).
    Provisional,
}

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// An unlisted Monday–Friday.
    Weekday,
    /// An unlisted Saturday or Sunday.
    Weekend,
    /// A listed day off (放假), with the holiday's name.
    Holiday(String),
    /// A listed make-up working day (调休上班), with the holiday it belongs to.
    MakeupWorkday(String),
}

/// Everything known about one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    /// The date.
    pub date: Date,
    /// Whether it is a working day under T2.
    pub working: bool,
    /// Why.
    pub kind: DayKind,
    /// On what authority.
    pub provenance: Provenance,
}

/// An answer together with the years it relied on without a loaded notice (T6). Callers must
/// show a provisional answer as such and recompute it once those years are loaded (T7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reckoned<T> {
    /// The answer.
    pub value: T,
    /// Years whose notice was missing for some date the answer depends on. Empty: authoritative.
    pub provisional_years: BTreeSet<i32>,
}

impl<T> Reckoned<T> {
    /// Whether the answer depends on a year with no loaded notice.
    pub fn is_provisional(&self) -> bool {
        !self.provisional_years.is_empty()
    }
}

/// Where a loaded notice came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeOrigin {
    /// Compiled into the binary (2019–2026).
    Embedded,
    /// Loaded at run time from the data folder (`liuhen calendar import`).
    Imported,
}

/// One loaded year, as listed by `liuhen calendar list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCoverage {
    /// The notice year.
    pub year: i32,
    /// Embedded or imported.
    pub origin: NoticeOrigin,
    /// Notice URLs.
    pub papers: Vec<String>,
    /// Number of listed days off.
    pub holidays: usize,
    /// Number of listed make-up working days.
    pub makeup_workdays: usize,
}

#[derive(Debug, Clone)]
struct Listing {
    is_off_day: bool,
    name: String,
    notice_year: i32,
}

/// The China working-day calendar: loaded notices plus the plain Monday–Friday rule.
///
/// Built from the embedded notices ([`Calendar::embedded`]) and then any imported ones
/// ([`Calendar::insert_notice`]). Pure: it reads no files and no clock.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    notices: BTreeMap<i32, (HolidayFile, NoticeOrigin)>,
    // INVARIANT: exactly the days of `notices`, no date from two notices with different status.
    listed: HashMap<Date, Listing>,
}

fn status_zh(is_off_day: bool) -> &'static str {
    if is_off_day { "休息日" } else { "上班日" }
}

fn out_of_range(detail: String) -> CalendarError {
    CalendarError::OutOfRange {
        min: MIN_DATE,
        max: MAX_DATE,
        detail,
    }
}

fn check_in_range(date: Date) -> Result<(), CalendarError> {
    if MIN_DATE <= date && date <= MAX_DATE {
        Ok(())
    } else {
        Err(out_of_range(format!("日期 {date}")))
    }
}

fn step(date: Date, forward: bool) -> Result<Date, CalendarError> {
    let next = if forward {
        date.next_day()
    } else {
        date.previous_day()
    };
    match next {
        Some(next) if MIN_DATE <= next && next <= MAX_DATE => Ok(next),
        _ => Err(out_of_range(format!("自 {date} 推算"))),
    }
}

/// Parses a `YYYY-MM-DD` date for the CLI and other text inputs.
pub fn parse_date(text: &str) -> Result<Date, CalendarError> {
    holidays::parse_iso_date(text.trim()).ok_or_else(|| CalendarError::BadDate {
        input: text.chars().take(40).collect(),
    })
}

/// Adds whole months: the corresponding day of the target month, or its last day when it has
/// no such day (the usual reading of a 月 period, cf. 《民法典》第二百零二条; see
/// docs/calendar.md).
pub fn add_months(start: Date, months: u32) -> Result<Date, CalendarError> {
    let index = i64::from(start.year()) * 12 + i64::from(u8::from(start.month())) - 1;
    let target = index + i64::from(months);
    let year = i32::try_from(target.div_euclid(12)).map_err(|_| out_of_range("月份".into()))?;
    let month_number =
        u8::try_from(target.rem_euclid(12) + 1).map_err(|_| out_of_range("月份".into()))?;
    let month = Month::try_from(month_number).map_err(|_| out_of_range("月份".into()))?;
    let day = start.day().min(month.length(year));
    let due = Date::from_calendar_date(year, month, day)
        .map_err(|_| out_of_range(format!("{start} 加 {months} 个月")))?;
    check_in_range(due)?;
    Ok(due)
}

impl Calendar {
    /// A calendar with no notices: every answer is provisional. For tests and for explaining
    /// T6; production code starts from [`Calendar::embedded`].
    pub fn without_notices() -> Calendar {
        Calendar::default()
    }

    /// The calendar of the notices compiled into the binary (2019–2026).
    ///
    /// Fails only if the embedded data is defective, which a unit test rules out; it returns an
    /// error instead of panicking so that the binary reports it.
    ///
    /// The embedded files are parsed once per process and cloned afterwards.
    pub fn embedded() -> Result<Calendar, CalendarError> {
        static EMBEDDED: std::sync::OnceLock<Result<Calendar, CalendarError>> =
            std::sync::OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                let mut calendar = Calendar::default();
                for file in holidays::embedded_files()? {
                    calendar.insert_notice(file, NoticeOrigin::Embedded)?;
                }
                Ok(calendar)
            })
            .clone()
    }

    /// Checks a validated file against the other loaded notices (a notice for the same year is
    /// replaced, so it is not compared). Conflicts name the file's line (D12-a).
    pub fn check_import(&self, file: &HolidayFile) -> Result<(), ImportError> {
        let problems: Vec<ImportProblem> = file
            .days()
            .iter()
            .filter_map(|day| {
                let other = self.listed.get(&day.date)?;
                (other.notice_year != file.year() && other.is_off_day != day.is_off_day).then(
                    || ImportProblem {
                        line: day.line,
                        kind: ImportProblemKind::ConflictsWithLoaded {
                            date: day.date,
                            other_year: other.notice_year,
                            other: status_zh(other.is_off_day),
                        },
                    },
                )
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ImportError { problems })
        }
    }

    /// Loads a notice, replacing any loaded notice of the same year (an imported correction
    /// supersedes the embedded file). Returns the origin of the replaced notice, if any.
    /// Rejects the file, leaving the calendar unchanged, if it contradicts another year's notice.
    pub fn insert_notice(
        &mut self,
        file: HolidayFile,
        origin: NoticeOrigin,
    ) -> Result<Option<NoticeOrigin>, CalendarError> {
        for day in file.days() {
            if let Some(other) = self.listed.get(&day.date)
                && other.notice_year != file.year()
                && other.is_off_day != day.is_off_day
            {
                return Err(CalendarError::ConflictingNotices {
                    date: day.date,
                    first_year: other.notice_year,
                    first: status_zh(other.is_off_day),
                    second_year: file.year(),
                    second: status_zh(day.is_off_day),
                });
            }
        }
        let year = file.year();
        let replaced = self.notices.remove(&year).map(|(_, origin)| origin);
        self.listed.retain(|_, listing| listing.notice_year != year);
        for day in file.days() {
            // Keep an existing listing from another year: by the check above it says the same.
            self.listed.entry(day.date).or_insert_with(|| Listing {
                is_off_day: day.is_off_day,
                name: day.name.clone(),
                notice_year: year,
            });
        }
        self.notices.insert(year, (file, origin));
        Ok(replaced)
    }

    /// Whether the notice of `year` is loaded.
    pub fn is_covered(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }

    /// The loaded notice of `year`, if any.
    pub fn notice(&self, year: i32) -> Option<&HolidayFile> {
        self.notices.get(&year).map(|(file, _)| file)
    }

    /// The loaded years, in order.
    pub fn coverage(&self) -> Vec<YearCoverage> {
        self.notices
            .iter()
            .map(|(&year, (file, origin))| YearCoverage {
                year,
                origin: *origin,
                papers: file.papers().to_vec(),
                holidays: file.days().iter().filter(|day| day.is_off_day).count(),
                makeup_workdays: file.days().iter().filter(|day| !day.is_off_day).count(),
            })
            .collect()
    }

    /// Everything known about `date` (T2, T6). Works for any date; dates outside
    /// [`MIN_DATE`]..=[`MAX_DATE`] are simply provisional unless listed.
    pub fn day(&self, date: Date) -> DayInfo {
        if let Some(listing) = self.listed.get(&date) {
            let kind = if listing.is_off_day {
                DayKind::Holiday(listing.name.clone())
            } else {
                DayKind::MakeupWorkday(listing.name.clone())
            };
            return DayInfo {
                date,
                working: !listing.is_off_day,
                kind,
                provenance: Provenance::Listed {
                    notice_year: listing.notice_year,
                },
            };
        }
        let weekend = holidays::is_weekend(date);
        DayInfo {
            date,
            working: !weekend,
            kind: if weekend {
                DayKind::Weekend
            } else {
                DayKind::Weekday
            },
            provenance: if self.is_covered(date.year()) {
                Provenance::Unlisted {
                    notice_year: date.year(),
                }
            } else {
                Provenance::Provisional
            },
        }
    }

    /// Working-day test without allocation; records provisional years into `years`.
    fn working(&self, date: Date, years: &mut BTreeSet<i32>) -> bool {
        if let Some(listing) = self.listed.get(&date) {
            return !listing.is_off_day;
        }
        if !self.notices.contains_key(&date.year()) {
            years.insert(date.year());
        }
        !holidays::is_weekend(date)
    }

    /// Whether `date` is a working day (T2): listed with `isOffDay: false`, or an unlisted
    /// Monday–Friday.
    pub fn is_working_day(&self, date: Date) -> Reckoned<bool> {
        let mut years = BTreeSet::new();
        let value = self.working(date, &mut years);
        Reckoned {
            value,
            provisional_years: years,
        }
    }

    fn walk_working_days(
        &self,
        start: Date,
        n: WorkingDays,
        forward: bool,
    ) -> Result<Reckoned<Date>, CalendarError> {
        check_in_range(start)?;
        let mut years = BTreeSet::new();
        let mut date = start;
        let mut counted = 0u32;
        while counted < n.0 {
            date = step(date, forward)?;
            if self.working(date, &mut years) {
                counted += 1;
            }
        }
        Ok(Reckoned {
            value: date,
            provisional_years: years,
        })
    }

    /// The `n`th working day after `start`; `start` itself is not counted even if it is a
    /// working day (T2, I1). `n = 0` returns `start`.
    ///
    /// Example (requirements.md §3): 2024-09-27 + 7 working days = 2024-10-12, a Saturday
    /// make-up working day, because 2024-10-01…07 are National Day holidays (D12-c).
    pub fn add_working_days(
        &self,
        start: Date,
        n: WorkingDays,
    ) -> Result<Reckoned<Date>, CalendarError> {
        self.walk_working_days(start, n, true)
    }

    /// The `n`th working day before `start` (start not counted): the latest date from which `n`
    /// working days later is `start` when `start` is a working day. Used for "N 日前" periods
    /// such as the hearing notice of 《行政处罚法》第六十四条（二）.
    pub fn subtract_working_days(
        &self,
        start: Date,
        n: WorkingDays,
    ) -> Result<Reckoned<Date>, CalendarError> {
        self.walk_working_days(start, n, false)
    }

    /// Number of working days `d` with `from < d <= to`: how many working days after `from`
    /// the date `to` lies. Requires `from <= to` ([`CalendarError::ReversedRange`] otherwise).
    pub fn working_days_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Reckoned<WorkingDays>, CalendarError> {
        if to < from {
            return Err(CalendarError::ReversedRange { from, to });
        }
        check_in_range(from)?;
        check_in_range(to)?;
        let mut years = BTreeSet::new();
        let mut count = 0u32;
        let mut date = from;
        while date < to {
            date = step(date, true)?;
            if self.working(date, &mut years) {
                count += 1;
            }
        }
        Ok(Reckoned {
            value: WorkingDays(count),
            provisional_years: years,
        })
    }

    /// The first working day on or after `date`.
    pub fn next_working_day_on_or_after(
        &self,
        date: Date,
    ) -> Result<Reckoned<Date>, CalendarError> {
        check_in_range(date)?;
        let mut years = BTreeSet::new();
        let mut current = date;
        while !self.working(current, &mut years) {
            current = step(current, true)?;
        }
        Ok(Reckoned {
            value: current,
            provisional_years: years,
        })
    }

    /// The last working day on or before `date` (D9-a: reminders for a due date on a holiday
    /// count back from it; 2025-01-31 → 2025-01-27).
    pub fn last_working_day_on_or_before(
        &self,
        date: Date,
    ) -> Result<Reckoned<Date>, CalendarError> {
        check_in_range(date)?;
        let mut years = BTreeSet::new();
        let mut current = date;
        while !self.working(current, &mut years) {
            current = step(current, false)?;
        }
        Ok(Reckoned {
            value: current,
            provisional_years: years,
        })
    }

    fn roll(&self, due: Date, roll: RollForward) -> Result<Reckoned<Date>, CalendarError> {
        match roll {
            RollForward::No => {
                check_in_range(due)?;
                Ok(Reckoned {
                    value: due,
                    provisional_years: BTreeSet::new(),
                })
            }
            RollForward::ToNextWorkingDay => self.next_working_day_on_or_after(due),
        }
    }

    /// `start + n` calendar days (T3: start not counted), optionally rolled forward to the next
    /// working day. Without roll-forward the answer does not depend on the calendar and is never
    /// provisional. Example (R29-a): 2024-09-10 + 30 days = 2024-10-10.
    pub fn add_calendar_days(
        &self,
        start: Date,
        n: CalendarDays,
        roll: RollForward,
    ) -> Result<Reckoned<Date>, CalendarError> {
        check_in_range(start)?;
        let due = start
            .checked_add(time::Duration::days(i64::from(n.0)))
            .ok_or_else(|| out_of_range(format!("{start} 加 {} 日", n.0)))?;
        self.roll(due, roll)
    }

    /// `start - n` calendar days, optionally rolled *back* to the previous working day.
    pub fn subtract_calendar_days(
        &self,
        start: Date,
        n: CalendarDays,
        roll: RollForward,
    ) -> Result<Reckoned<Date>, CalendarError> {
        check_in_range(start)?;
        let due = start
            .checked_sub(time::Duration::days(i64::from(n.0)))
            .ok_or_else(|| out_of_range(format!("{start} 减 {} 日", n.0)))?;
        match roll {
            RollForward::No => self.roll(due, RollForward::No),
            RollForward::ToNextWorkingDay => self.last_working_day_on_or_before(due),
        }
    }

    /// A fixed yearly date (T4): `month`/`day` of `year`, the day itself included (I3), not
    /// moved unless `roll` says so. D9: `fixed_yearly_date(2025, January, 31, No)`.
    pub fn fixed_yearly_date(
        &self,
        year: i32,
        month: Month,
        day: u8,
        roll: RollForward,
    ) -> Result<Reckoned<Date>, CalendarError> {
        let due = Date::from_calendar_date(year, month, day)
            .map_err(|_| out_of_range(format!("{year} 年 {month} {day} 日")))?;
        self.roll(due, roll)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn months_clamp_to_the_end_of_a_shorter_month() {
        assert_eq!(
            add_months(date!(2024 - 11 - 30), 3).unwrap(),
            date!(2025 - 02 - 28)
        );
        assert_eq!(
            add_months(date!(2023 - 11 - 29), 3).unwrap(),
            date!(2024 - 02 - 29)
        );
        assert_eq!(
            add_months(date!(2024 - 10 - 15), 3).unwrap(),
            date!(2025 - 01 - 15)
        );
    }

    #[test]
    fn arithmetic_refuses_to_leave_the_supported_range() {
        let calendar = Calendar::without_notices();
        let result = calendar.add_working_days(date!(2199 - 12 - 30), WorkingDays(5));
        assert!(matches!(result, Err(CalendarError::OutOfRange { .. })));
        let result = calendar.add_working_days(date!(2024 - 01 - 01), WorkingDays(u32::MAX));
        assert!(matches!(result, Err(CalendarError::OutOfRange { .. })));
    }
}
