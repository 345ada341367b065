//! Statutory periods as data (`rules/periods.toml`) and deadline computation.
//!
//! Each [`Period`] names its unit, length, the event it starts from, whether its due date rolls
//! forward, which suspensions (pauses) the law allows, its citation and the requirement IDs it
//! serves. The table ships in the binary and can be replaced by a body's own table
//! ([`PeriodTable::from_toml_str`]) where requirements.md or the law leaves a choice.

use std::collections::{BTreeSet, HashSet};

use serde::Deserialize;
use time::{Date, Month};

use crate::calendar::{Calendar, CalendarDays, Reckoned, RollForward, WorkingDays, add_months};
use crate::error::{CalendarError, PeriodError, PeriodTableError};

/// The default period table, compiled in.
pub const DEFAULT_PERIODS_TOML: &str = include_str!("../../../rules/periods.toml");

/// How a period is counted (requirements.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodUnit {
    /// 工作日 (T2).
    WorkingDays,
    /// 日, calendar days (T3).
    CalendarDays,
    /// 个月, whole months (corresponding day, clamped to the month's end).
    Months,
    /// A fixed yearly date such as 1月31日前 (T4).
    FixedDate,
}

impl PeriodUnit {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            PeriodUnit::WorkingDays => "工作日",
            PeriodUnit::CalendarDays => "日",
            PeriodUnit::Months => "个月",
            PeriodUnit::FixedDate => "固定日期",
        }
    }
    /// Stable identifier, as in the TOML.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodUnit::WorkingDays => "working-days",
            PeriodUnit::CalendarDays => "calendar-days",
            PeriodUnit::Months => "months",
            PeriodUnit::FixedDate => "fixed-date",
        }
    }
}

/// Whether the due date lies after the start event ("自…之日起N日内") or before it ("…的N日前",
/// 《行政处罚法》第六十四条（二）).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Due N units after the start event (the usual case).
    #[default]
    After,
    /// Due N units before the event (a latest date to act by).
    Before,
}

/// What the computed date means for the obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Meaning {
    /// The act must be done by the end of the date (the usual "…内" period).
    #[default]
    DueBy,
    /// A waiting period: the act is allowed only *after* the date (《行政强制法》第五十四条:
    /// 催告书送达十日后当事人仍未履行义务的，可以申请). Not a deadline; no overdue status.
    NotBefore,
}

/// A reason the law allows to stop a period's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PauseKind {
    /// 听证 (《行政许可法》第四十五条).
    Hearing,
    /// 招标.
    Tender,
    /// 拍卖.
    Auction,
    /// 检验、检测、检疫 (《行政许可法》第四十五条; 《行政强制法》第二十五条第三款).
    Testing,
    /// 鉴定 / 技术鉴定.
    Appraisal,
    /// 专家评审.
    ExpertReview,
    /// 法制审核. Never a pause: review time counts toward the handling period (L11-b).
    LegalReview,
}

impl PauseKind {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            PauseKind::Hearing => "听证",
            PauseKind::Tender => "招标",
            PauseKind::Auction => "拍卖",
            PauseKind::Testing => "检验、检测、检疫",
            PauseKind::Appraisal => "鉴定",
            PauseKind::ExpertReview => "专家评审",
            PauseKind::LegalReview => "法制审核",
        }
    }
    /// Parses the kebab-case identifier used in the TOML and on the command line.
    pub fn parse(text: &str) -> Option<PauseKind> {
        Some(match text {
            "hearing" => PauseKind::Hearing,
            "tender" => PauseKind::Tender,
            "auction" => PauseKind::Auction,
            "testing" => PauseKind::Testing,
            "appraisal" => PauseKind::Appraisal,
            "expert-review" => PauseKind::ExpertReview,
            "legal-review" => PauseKind::LegalReview,
            _ => return None,
        })
    }
}

/// A suspension of a period: the dates `from..=to` (both included) do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    /// Why the clock stops.
    pub kind: PauseKind,
    /// First paused date.
    pub from: Date,
    /// Last paused date.
    pub to: Date,
}

impl Pause {
    fn covers(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}

/// The statute text a period rests on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Instrument and article, e.g. `《中华人民共和国行政处罚法》第六十一条`.
    pub source: String,
    /// The operative words, quoted.
    pub text: String,
    /// Where the counting unit comes from, if the article itself does not say it (e.g.
    /// 《行政处罚法》第八十五条: 二日、三日、五日、七日 are working days).
    #[serde(default)]
    pub unit_rule: Option<String>,
}

/// The day of a fixed-date period (T4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedDay {
    /// Month 1–12.
    pub month: u8,
    /// Day of month.
    pub day: u8,
    /// Which year, relative to the start event's year (D9: 1, the year after the reported one).
    #[serde(default)]
    pub year_offset: i32,
}

/// One named statutory period.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Stable name used by callers and the CLI (`liuhen deadline NAME DATE`).
    pub name: String,
    /// Chinese title.
    pub title: String,
    /// Counting unit.
    pub unit: PeriodUnit,
    /// Number of units (0 for fixed dates).
    #[serde(default)]
    pub length: u32,
    /// Additional units allowed with approval (《行政许可法》第四十二条: 10 working days;
    /// 《行政强制法》第二十五条: 30 days). Applied only when a request asks for it.
    #[serde(default)]
    pub extension: Option<u32>,
    /// The event the period runs from, in Chinese.
    pub start_event: String,
    /// After (default) or before the event.
    #[serde(default)]
    pub direction: Direction,
    /// Due-by (default) or a waiting period.
    #[serde(default)]
    pub meaning: Meaning,
    /// Whether a calendar-day/month/fixed due date on a non-working day moves to the next
    /// working day. Default false (I2).
    #[serde(default)]
    pub roll_forward: bool,
    /// Suspensions the law allows for this period.
    #[serde(default)]
    pub pausable_by: Vec<PauseKind>,
    /// Whether legal-review time counts toward this period (L11-b) — informational, and the
    /// basis quoted when a caller tries to pause it for review.
    #[serde(default)]
    pub counts_review_time: bool,
    /// For [`PeriodUnit::FixedDate`].
    #[serde(default)]
    pub fixed: Option<FixedDay>,
    /// Requirement IDs (requirements.md) the period serves.
    pub requirements: Vec<String>,
    /// Legal basis.
    pub citation: Citation,
    /// Interpretation notes and configurable choices.
    #[serde(default)]
    pub note: Option<String>,
}

/// Whether the optional extension of a period is applied (it needs an approval recorded by the
/// caller, e.g. 经本行政机关负责人批准).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Extension {
    /// The base period only.
    #[default]
    NotApplied,
    /// Base period plus [`Period::extension`].
    Applied,
}

/// What a caller knows about one running period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRequest {
    /// Date of the start event (for [`Direction::Before`], the event's date).
    pub start: Date,
    /// Suspensions (must be of kinds the period allows).
    pub pauses: Vec<Pause>,
    /// Whether the approved extension applies.
    pub extension: Extension,
    /// Overrides the table's roll-forward choice for this computation.
    pub roll_forward: Option<RollForward>,
}

impl PeriodRequest {
    /// A request with no pauses, no extension, and the table's roll-forward choice.
    pub fn starting(start: Date) -> PeriodRequest {
        PeriodRequest {
            start,
            pauses: Vec::new(),
            extension: Extension::NotApplied,
            roll_forward: None,
        }
    }
}

/// A computed due date, with its provenance (T6) and basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The period's name.
    pub period: String,
    /// The start event's date.
    pub start: Date,
    /// The due date; the due time is 23:59:59 on it (T2–T4), overdue from 00:00 the next day (T5).
    pub due: Date,
    /// Counting unit.
    pub unit: PeriodUnit,
    /// Due-by date or end of a waiting period.
    pub meaning: Meaning,
    /// Units counted, including any applied extension.
    pub length: u32,
    /// Paused units skipped (working days for working-day periods, days otherwise).
    pub paused: u32,
    /// Whether the due date depends on a year with no loaded notice (T6): show as provisional.
    pub provisional: bool,
    /// Those years.
    pub provisional_years: BTreeSet<i32>,
    /// Whether the due date was rolled forward off a non-working day.
    pub rolled_forward: bool,
    /// Requirement IDs.
    pub requirements: Vec<String>,
    /// Citation source (instrument and article).
    pub citation: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    version: u32,
    period: Vec<Period>,
}

/// The table of statutory periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodTable {
    // INVARIANT: names unique; every period validated by `Period::validate`.
    periods: Vec<Period>,
}

impl PeriodTable {
    /// The compiled-in table (`rules/periods.toml`).
    pub fn embedded() -> Result<PeriodTable, PeriodTableError> {
        PeriodTable::from_toml_str(DEFAULT_PERIODS_TOML)
    }

    /// Parses and validates a table (e.g. a body's override of the defaults).
    pub fn from_toml_str(text: &str) -> Result<PeriodTable, PeriodTableError> {
        let file: TableFile = toml::from_str(text).map_err(|err| PeriodTableError::Syntax {
            reason: err.to_string(),
        })?;
        if file.version != 1 {
            return Err(PeriodTableError::Syntax {
                reason: format!("不支持的版本 {}（应为 1）", file.version),
            });
        }
        let mut names = HashSet::new();
        for period in &file.period {
            if !names.insert(period.name.as_str()) {
                return Err(PeriodTableError::DuplicateName {
                    name: period.name.clone(),
                });
            }
            period.validate()?;
        }
        Ok(PeriodTable {
            periods: file.period,
        })
    }

    /// The period named `name`.
    pub fn get(&self, name: &str) -> Option<&Period> {
        self.periods.iter().find(|period| period.name == name)
    }

    /// All periods, in table order.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// Computes the deadline of the period named `name`.
    pub fn deadline(
        &self,
        calendar: &Calendar,
        name: &str,
        request: &PeriodRequest,
    ) -> Result<Deadline, PeriodError> {
        let period = self.get(name).ok_or_else(|| PeriodError::UnknownPeriod {
            name: name.to_owned(),
        })?;
        period.deadline(calendar, request)
    }
}

impl Period {
    fn invalid(&self, reason: &str) -> PeriodTableError {
        PeriodTableError::Invalid {
            name: self.name.clone(),
            reason: reason.to_owned(),
        }
    }

    fn validate(&self) -> Result<(), PeriodTableError> {
        if self.name.trim().is_empty() || self.title.trim().is_empty() {
            return Err(self.invalid("名称或标题为空"));
        }
        if self.citation.source.trim().is_empty()
            || self.citation.text.trim().is_empty()
            || self.requirements.is_empty()
        {
            return Err(PeriodTableError::MissingCitation {
                name: self.name.clone(),
            });
        }
        match self.unit {
            PeriodUnit::FixedDate => {
                let Some(fixed) = self.fixed else {
                    return Err(self.invalid("固定日期期限须有 [fixed] month/day"));
                };
                let month = Month::try_from(fixed.month).map_err(|_| self.invalid("月份无效"))?;
                // 2024 is a leap year, so 29 February is accepted here and clamped per year.
                if Date::from_calendar_date(2024, month, fixed.day).is_err() {
                    return Err(self.invalid("日无效"));
                }
                if !(-1..=1).contains(&fixed.year_offset) {
                    return Err(self.invalid("year_offset 应为 -1、0 或 1"));
                }
            }
            _ if self.fixed.is_some() => return Err(self.invalid("只有固定日期期限可有 [fixed]")),
            _ if self.length == 0 => return Err(self.invalid("期限长度为 0")),
            _ => {}
        }
        if self.unit == PeriodUnit::WorkingDays && self.roll_forward {
            return Err(self.invalid("工作日期限的到期日必为工作日，不需要顺延"));
        }
        let simple = matches!(
            self.unit,
            PeriodUnit::WorkingDays | PeriodUnit::CalendarDays
        );
        if !self.pausable_by.is_empty() && !simple {
            return Err(self.invalid("只有工作日或日期限可以中止计算"));
        }
        if self.pausable_by.contains(&PauseKind::LegalReview) {
            return Err(self.invalid("法制审核时间计入办理期间（L11-b），不能作为中止事由"));
        }
        if self.direction == Direction::Before
            && (!simple || !self.pausable_by.is_empty() || self.extension.is_some())
        {
            return Err(self.invalid("“N日前”期限只能是工作日或日，且不能中止或延长"));
        }
        if self.extension == Some(0) || (self.extension.is_some() && !simple) {
            return Err(self.invalid("延长期间无效"));
        }
        Ok(())
    }

    /// The roll-forward choice of the table as a [`RollForward`].
    pub fn roll(&self) -> RollForward {
        if self.roll_forward {
            RollForward::ToNextWorkingDay
        } else {
            RollForward::No
        }
    }

    /// Computes this period's deadline for `request`.
    ///
    /// Pauses: the dates inside a pause interval are skipped while counting (《行政许可法》第四十五条;
    /// 《行政强制法》第二十五条第三款), so a pause extends the period by the units it covers.
    /// Legal-review time never pauses (L11-b). Fixed dates ignore `start`'s day and use its year.
    pub fn deadline(
        &self,
        calendar: &Calendar,
        request: &PeriodRequest,
    ) -> Result<Deadline, PeriodError> {
        for pause in &request.pauses {
            if pause.to < pause.from {
                return Err(PeriodError::BadPause {
                    from: pause.from,
                    to: pause.to,
                });
            }
            if !self.pausable_by.contains(&pause.kind) {
                let basis = if pause.kind == PauseKind::LegalReview {
                    "法制审核的时间计入行政执法办理期间（L11-b，《薛城区重大执法决定法制审核办法》第十一条第二款）"
                        .to_owned()
                } else {
                    format!("{}未规定此中止事由", self.citation.source)
                };
                return Err(PeriodError::PauseNotAllowed {
                    name: self.name.clone(),
                    kind: pause.kind.label_zh(),
                    basis,
                });
            }
        }
        let length = match (request.extension, self.extension) {
            (Extension::NotApplied, _) => self.length,
            (Extension::Applied, Some(extra)) => self.length.saturating_add(extra),
            (Extension::Applied, None) => {
                return Err(PeriodError::NoExtension {
                    name: self.name.clone(),
                });
            }
        };
        let roll = request.roll_forward.unwrap_or(self.roll());
        let start = request.start;
        let no_roll = RollForward::No;
        // First the raw due date (no rolling), then the roll, so that we can tell whether the
        // roll moved it.
        let (raw, paused) = match (self.unit, self.direction) {
            (PeriodUnit::WorkingDays, Direction::After) if request.pauses.is_empty() => {
                (calendar.add_working_days(start, WorkingDays(length))?, 0)
            }
            (PeriodUnit::WorkingDays, Direction::Before) => (
                calendar.subtract_working_days(start, WorkingDays(length))?,
                0,
            ),
            (PeriodUnit::CalendarDays, Direction::After) if request.pauses.is_empty() => (
                calendar.add_calendar_days(start, CalendarDays(length), no_roll)?,
                0,
            ),
            (PeriodUnit::CalendarDays, Direction::Before) => (
                calendar.subtract_calendar_days(start, CalendarDays(length), no_roll)?,
                0,
            ),
            (PeriodUnit::WorkingDays | PeriodUnit::CalendarDays, Direction::After) => {
                count_with_pauses(calendar, self.unit, start, length, &request.pauses)?
            }
            (PeriodUnit::Months, _) => (unreckoned(add_months(start, length)?), 0),
            (PeriodUnit::FixedDate, _) => {
                // `validate` guarantees `fixed` and a valid month; the errors are unreachable
                // for a table that came through `PeriodTable::from_toml_str`.
                let fixed = self.fixed.ok_or_else(|| CalendarError::BadDate {
                    input: self.name.clone(),
                })?;
                let year = start.year().saturating_add(fixed.year_offset);
                let month = Month::try_from(fixed.month).map_err(|_| CalendarError::BadDate {
                    input: self.name.clone(),
                })?;
                // 29 February in a common year becomes 28 February.
                let day = fixed.day.min(month.length(year));
                (calendar.fixed_yearly_date(year, month, day, no_roll)?, 0)
            }
        };
        let mut reckoned = match (self.unit, self.direction, roll) {
            (PeriodUnit::WorkingDays, _, _) | (_, _, RollForward::No) => raw.clone(),
            (_, Direction::After, RollForward::ToNextWorkingDay) => {
                calendar.next_working_day_on_or_after(raw.value)?
            }
            (_, Direction::Before, RollForward::ToNextWorkingDay) => {
                calendar.last_working_day_on_or_before(raw.value)?
            }
        };
        reckoned
            .provisional_years
            .extend(raw.provisional_years.iter().copied());
        Ok(Deadline {
            period: self.name.clone(),
            start,
            due: reckoned.value,
            unit: self.unit,
            meaning: self.meaning,
            length,
            paused,
            provisional: reckoned.is_provisional(),
            provisional_years: reckoned.provisional_years,
            rolled_forward: reckoned.value != raw.value,
            requirements: self.requirements.clone(),
            citation: self.citation.source.clone(),
        })
    }
}

fn unreckoned(date: Date) -> Reckoned<Date> {
    Reckoned {
        value: date,
        provisional_years: BTreeSet::new(),
    }
}

fn count_with_pauses(
    calendar: &Calendar,
    unit: PeriodUnit,
    start: Date,
    length: u32,
    pauses: &[Pause],
) -> Result<(Reckoned<Date>, u32), CalendarError> {
    let mut years = BTreeSet::new();
    let mut date = start;
    let mut counted = 0u32;
    let mut paused = 0u32;
    while counted < length {
        date = date
            .next_day()
            .filter(|next| *next <= crate::MAX_DATE)
            .ok_or_else(|| CalendarError::OutOfRange {
                min: crate::MIN_DATE,
                max: crate::MAX_DATE,
                detail: format!("自 {start} 推算"),
            })?;
        let counts = match unit {
            PeriodUnit::WorkingDays => {
                let info = calendar.is_working_day(date);
                years.extend(info.provisional_years);
                info.value
            }
            _ => true,
        };
        if !counts {
            continue;
        }
        if pauses.iter().any(|pause| pause.covers(date)) {
            paused += 1;
        } else {
            counted += 1;
        }
    }
    Ok((
        Reckoned {
            value: date,
            provisional_years: years,
        },
        paused,
    ))
}
