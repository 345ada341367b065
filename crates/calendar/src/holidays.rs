//! Holiday notice files: the holiday-cn JSON format, its strict validator, and the notices
//! compiled into the binary (D12-a).
//!
//! Format (NateScarlet/holiday-cn, MIT): `{"year": N, "papers": [notice URLs], "days":
//! [{"name": "...", "date": "YYYY-MM-DD", "isOffDay": bool}]}` plus the optional `$schema` and
//! `$id`. `isOffDay: false` marks a make-up working day (调休上班). A file may list dates of the
//! previous December (the 2019 notice arranges 2018-12-29…31), so a date's status comes from
//! whichever notice lists it, not from the file of its own year.
//!
//! The validator never panics and reports *every* problem it finds, each with the line it is
//! on, because an administrator fixing a hand-typed file wants the whole list at once.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use time::{Date, Month, Weekday};

use crate::error::{ImportError, ImportProblem, ImportProblemKind};

/// Largest accepted file. A year's notice is about 5 KiB; anything this big is not a notice and
/// would only cost memory.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Earliest accepted notice year (the State Council's current holiday system dates from 2000).
pub const MIN_NOTICE_YEAR: i32 = 2000;
/// Latest accepted notice year; keeps every listed date inside [`crate::MAX_DATE`].
pub const MAX_NOTICE_YEAR: i32 = 2198;

/// The notices shipped in the binary: (year, file text). Source: NateScarlet/holiday-cn, copied
/// from `shared/data/holidays/` with its MIT `LICENSE` beside them in `data/holidays/`.
pub const EMBEDDED: &[(i32, &str)] = &[
    (2019, include_str!("../data/holidays/2019.json")),
    (2020, include_str!("../data/holidays/2020.json")),
    (2021, include_str!("../data/holidays/2021.json")),
    (2022, include_str!("../data/holidays/2022.json")),
    (2023, include_str!("../data/holidays/2023.json")),
    (2024, include_str!("../data/holidays/2024.json")),
    (2025, include_str!("../data/holidays/2025.json")),
    (2026, include_str!("../data/holidays/2026.json")),
];

/// Licence of the embedded holiday data (MIT, NateScarlet), shown by `liuhen calendar list`.
pub const EMBEDDED_LICENSE: &str = include_str!("../data/holidays/LICENSE");

/// Embedded dates that the strict validator flags as [`ImportProblemKind::MakeupWorkdayNotWeekend`]
/// but that are genuinely in the official data. 2020-02-03 (Monday): the 2020 Spring Festival
/// holiday was extended to 2 February by 国务院办公厅 (国办发明电〔2020〕1号, listed in the 2020
/// file's `papers`), and the data records that work resumed on Monday 3 February. The entry is
/// harmless (a Monday is a working day anyway) but we keep the official file byte for byte.
pub const EMBEDDED_WEEKDAY_WORKDAYS: &[&str] = &["2020-02-03"];

/// How strict an import is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Accept `isOffDay: false` on a Monday–Friday (default: reject, see
    /// [`ImportProblemKind::MakeupWorkdayNotWeekend`]). Needed to re-import the official 2020
    /// file; the CLI exposes it as `--allow-weekday-workdays`.
    pub allow_weekday_workdays: bool,
}

/// One date a notice lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDay {
    /// The date (Asia/Shanghai calendar date, T1).
    pub date: Date,
    /// The holiday's name as published (春节, 国庆节、中秋节, …).
    pub name: String,
    /// `true`: a day off (放假); `false`: a make-up working day (调休上班).
    pub is_off_day: bool,
    /// 1-based line of the entry in its file (0 for entries built in code).
    pub line: usize,
}

/// A validated holiday notice file: one year's official arrangement with its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayFile {
    // INVARIANT: MIN_NOTICE_YEAR <= year <= MAX_NOTICE_YEAR; papers non-empty, http(s);
    // days have distinct dates, each within the year ± one month.
    year: i32,
    papers: Vec<String>,
    days: Vec<ListedDay>,
}

impl HolidayFile {
    /// The notice year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// The URLs of the 国务院办公厅 notices the arrangement comes from.
    pub fn papers(&self) -> &[String] {
        &self.papers
    }
    /// The listed dates, in file order.
    pub fn days(&self) -> &[ListedDay] {
        &self.days
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile<'a> {
    #[serde(rename = "$schema")]
    _schema: Option<String>,
    #[serde(rename = "$id")]
    _id: Option<String>,
    year: i64,
    papers: Vec<String>,
    #[serde(borrow)]
    days: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    name: String,
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

/// Line lookup by byte offset.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(idx, _)| idx + 1));
        Lines { starts }
    }
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(idx) => idx + 1,
            Err(idx) => idx,
        }
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Parses a strict `YYYY-MM-DD` date (exactly ten ASCII characters, a real day).
pub(crate) fn parse_iso_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().try_fold(0u32, |acc, byte| {
            byte.is_ascii_digit()
                .then(|| acc * 10 + u32::from(byte - b'0'))
        })
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(5..7)?).ok()?).ok()?;
    let day = u8::try_from(digits(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Chinese name of a weekday, for messages.
pub fn weekday_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

/// Whether a date is Saturday or Sunday.
pub fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// First and last date a notice of `year` may list: 1 December of the previous year to
/// 31 January of the next (the year ± one month).
fn allowed_span(year: i32) -> Option<(Date, Date)> {
    let first = Date::from_calendar_date(year - 1, Month::December, 1).ok()?;
    let last = Date::from_calendar_date(year + 1, Month::January, 31).ok()?;
    Some((first, last))
}

/// Validates a holiday notice file and returns it, or every problem found (D12-a).
///
/// Checks: size, UTF-8, JSON syntax, schema (known fields only, right types, no duplicate keys),
/// year range, at least one http(s) notice URL, strict dates, non-empty names, dates within the
/// year ± one month, no date listed twice (same status: duplicate; different: contradiction), and
/// make-up working days only on weekends (unless `options` allow it). It does not check the file
/// against other notices; [`crate::Calendar::check_import`] does that.
pub fn parse_holiday_file(
    input: &[u8],
    options: ImportOptions,
) -> Result<HolidayFile, ImportError> {
    let fail = |line: usize, kind: ImportProblemKind| ImportError {
        problems: vec![ImportProblem { line, kind }],
    };
    if input.len() > MAX_FILE_BYTES {
        return Err(fail(
            1,
            ImportProblemKind::TooLarge {
                bytes: input.len(),
                max: MAX_FILE_BYTES,
            },
        ));
    }
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(err) => {
            // `valid_up_to` is within `input` by contract, so the slice cannot fail.
            let prefix = input.get(..err.valid_up_to()).unwrap_or_default();
            let line = prefix.iter().filter(|&&byte| byte == b'\n').count() + 1;
            return Err(fail(
                line,
                ImportProblemKind::Syntax {
                    reason: "不是有效的 UTF-8 文本".to_owned(),
                },
            ));
        }
    };
    let lines = Lines::new(text);
    let raw: RawFile<'_> = match serde_json::from_str(text) {
        Ok(raw) => raw,
        Err(err) => return Err(fail(err.line().max(1), json_problem(&err))),
    };

    let mut problems = Vec::new();
    let year = match i32::try_from(raw.year) {
        Ok(year) if (MIN_NOTICE_YEAR..=MAX_NOTICE_YEAR).contains(&year) => Some(year),
        _ => {
            problems.push(ImportProblem {
                line: find_line(text, &lines, "\"year\""),
                kind: ImportProblemKind::YearOutOfRange {
                    year: raw.year,
                    min: MIN_NOTICE_YEAR,
                    max: MAX_NOTICE_YEAR,
                },
            });
            None
        }
    };
    let papers_line = find_line(text, &lines, "\"papers\"");
    if raw.papers.is_empty() {
        problems.push(ImportProblem {
            line: papers_line,
            kind: ImportProblemKind::MissingSource,
        });
    }
    for url in &raw.papers {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() <= 8 {
            problems.push(ImportProblem {
                line: papers_line,
                kind: ImportProblemKind::BadSourceUrl { url: truncate(url) },
            });
        }
    }

    let span = year.and_then(allowed_span);
    let mut seen: HashMap<Date, (usize, bool)> = HashMap::new();
    let mut days = Vec::with_capacity(raw.days.len());
    for entry in &raw.days {
        let line = offset_in(text, entry.get()).map_or(1, |offset| lines.line_of(offset));
        let day: RawDay = match serde_json::from_str(entry.get()) {
            Ok(day) => day,
            Err(err) => {
                problems.push(ImportProblem {
                    line: line + err.line().saturating_sub(1),
                    kind: json_problem(&err),
                });
                continue;
            }
        };
        let Some(date) = parse_iso_date(&day.date) else {
            problems.push(ImportProblem {
                line,
                kind: ImportProblemKind::BadDate {
                    text: truncate(&day.date),
                },
            });
            continue;
        };
        if day.name.trim().is_empty() {
            problems.push(ImportProblem {
                line,
                kind: ImportProblemKind::EmptyName { date },
            });
        }
        if let (Some(year), Some((first, last))) = (year, span)
            && !(first <= date && date <= last)
        {
            problems.push(ImportProblem {
                line,
                kind: ImportProblemKind::DateOutsideYear { date, year },
            });
        }
        if !day.is_off_day && !is_weekend(date) && !options.allow_weekday_workdays {
            problems.push(ImportProblem {
                line,
                kind: ImportProblemKind::MakeupWorkdayNotWeekend {
                    date,
                    weekday: weekday_zh(date.weekday()),
                },
            });
        }
        if let Some(&(first_line, first_off)) = seen.get(&date) {
            let kind = if first_off == day.is_off_day {
                ImportProblemKind::Duplicate { date, first_line }
            } else {
                ImportProblemKind::Contradiction { date, first_line }
            };
            problems.push(ImportProblem { line, kind });
            continue;
        }
        seen.insert(date, (line, day.is_off_day));
        days.push(ListedDay {
            date,
            name: day.name,
            is_off_day: day.is_off_day,
            line,
        });
    }

    match year {
        Some(year) if problems.is_empty() => Ok(HolidayFile {
            year,
            papers: raw.papers,
            days,
        }),
        _ => {
            problems.sort_by_key(|problem| problem.line);
            Err(ImportError { problems })
        }
    }
}

/// Byte offset of `part` inside `whole`, when `part` is a sub-slice of it (serde_json's borrowed
/// `RawValue` is). Computed from addresses, so no unsafe code is needed.
fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let offset = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (offset <= whole.len()).then_some(offset)
}

fn find_line(text: &str, lines: &Lines, needle: &str) -> usize {
    text.find(needle).map_or(1, |offset| lines.line_of(offset))
}

fn json_problem(err: &serde_json::Error) -> ImportProblemKind {
    // serde_json appends " at line L column C"; the line is reported separately.
    let message = err.to_string();
    let reason = match message.rfind(" at line ") {
        Some(idx) => message.get(..idx).unwrap_or(&message).to_owned(),
        None => message,
    };
    match err.classify() {
        serde_json::error::Category::Data => ImportProblemKind::Schema { reason },
        _ => ImportProblemKind::Syntax { reason },
    }
}

/// Parses every embedded notice. The embedded files are the official data; the only leniency is
/// [`EMBEDDED_WEEKDAY_WORKDAYS`], checked by a test to be the only weekday workday among them.
pub(crate) fn embedded_files() -> Result<Vec<HolidayFile>, crate::CalendarError> {
    let options = ImportOptions {
        allow_weekday_workdays: true,
    };
    EMBEDDED
        .iter()
        .map(|&(year, text)| {
            let file = parse_holiday_file(text.as_bytes(), options).map_err(|err| {
                crate::CalendarError::EmbeddedData {
                    year,
                    reason: err.to_string(),
                }
            })?;
            if file.year != year {
                return Err(crate::CalendarError::EmbeddedData {
                    year,
                    reason: format!("文件内年份为 {}", file.year),
                });
            }
            Ok(file)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_date_parser_accepts_only_canonical_real_dates() {
        assert!(parse_iso_date("2024-02-29").is_some());
        for bad in [
            "2023-02-29",
            "2024-2-09",
            "2024/02/09",
            "２０２４-01-01",
            "2024-13-01",
            "",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_embedded_file_parses_and_has_its_year() {
        let files = embedded_files().unwrap();
        assert_eq!(files.len(), 8);
        assert!(files.iter().all(|file| !file.papers().is_empty()));
    }

    #[test]
    fn the_only_weekday_workday_in_the_embedded_data_is_the_documented_one() {
        let mut found = Vec::new();
        for &(_, text) in EMBEDDED {
            if let Err(err) = parse_holiday_file(text.as_bytes(), ImportOptions::default()) {
                for problem in err.problems {
                    match problem.kind {
                        ImportProblemKind::MakeupWorkdayNotWeekend { date, .. } => {
                            found.push(date.to_string())
                        }
                        other => panic!("unexpected problem {other}"),
                    }
                }
            }
        }
        assert_eq!(found, EMBEDDED_WEEKDAY_WORKDAYS);
    }
}
