//! Errors of the calendar crate: one enum per concept (STYLE.md "Errors").
//!
//! Messages are Chinese first (they reach officers and administrators through the CLI and the
//! web layer), followed by the requirement or rule they come from.

use time::Date;

/// Why a date computation could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A computation would leave the supported range of dates ([`crate::MIN_DATE`] ..=
    /// [`crate::MAX_DATE`]); raised instead of looping or overflowing on absurd inputs.
    #[error("日期超出可计算范围（{min} 至 {max}）：{detail}")]
    OutOfRange {
        /// First supported date.
        min: Date,
        /// Last supported date.
        max: Date,
        /// What was being computed.
        detail: String,
    },
    /// `working_days_between(from, to)` was called with `to` earlier than `from`.
    #[error("起止日期颠倒：{from} 晚于 {to}")]
    ReversedRange {
        /// The later date given as the start.
        from: Date,
        /// The earlier date given as the end.
        to: Date,
    },
    /// A date string was not of the form `YYYY-MM-DD` or named no real day.
    #[error("日期格式错误：“{input}”，应为 YYYY-MM-DD 形式的有效日期")]
    BadDate {
        /// The text that failed to parse (truncated to 40 characters).
        input: String,
    },
    /// Two loaded holiday notices say different things about the same date (D12-a).
    #[error(
        "{date} 在 {first_year} 年与 {second_year} 年的放假通知中相互矛盾（一为{first}，一为{second}）"
    )]
    ConflictingNotices {
        /// The date listed twice.
        date: Date,
        /// Notice year of the first statement.
        first_year: i32,
        /// What the first notice says (休息日 / 上班日).
        first: &'static str,
        /// Notice year of the second statement.
        second_year: i32,
        /// What the second notice says.
        second: &'static str,
    },
    /// An embedded holiday file failed validation: a build defect, reported rather than panicking.
    #[error("内置的 {year} 年节假日数据无效：{reason}")]
    EmbeddedData {
        /// The year of the embedded file.
        year: i32,
        /// The validation report.
        reason: String,
    },
}

/// One problem found in a holiday file being imported (D12-a). A file is rejected if it has at
/// least one; all problems found are reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第 {line} 行：{kind}")]
pub struct ImportProblem {
    /// 1-based line of the file where the problem is (the entry's opening brace for per-entry
    /// problems; the syntax error position for malformed JSON).
    pub line: usize,
    /// What is wrong.
    pub kind: ImportProblemKind,
}

/// What is wrong with an imported holiday file (D12-a; format of `data/holidays/README`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportProblemKind {
    /// The file is larger than [`crate::holidays::MAX_FILE_BYTES`]; a notice is a few KiB.
    #[error("文件过大（{bytes} 字节），放假安排文件不应超过 {max} 字节")]
    TooLarge {
        /// Size of the input.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The text is not valid JSON (or not UTF-8).
    #[error("JSON 语法错误：{reason}")]
    Syntax {
        /// The parser's description.
        reason: String,
    },
    /// The top level or an entry does not have the holiday-cn shape.
    #[error("结构不符合节假日数据格式：{reason}")]
    Schema {
        /// Which field is missing or of the wrong type.
        reason: String,
    },
    /// The `year` is outside the plausible range of notices.
    #[error("年份 {year} 不在允许范围（{min}–{max}）内")]
    YearOutOfRange {
        /// The year given.
        year: i64,
        /// Lowest accepted.
        min: i32,
        /// Highest accepted.
        max: i32,
    },
    /// No notice URL in `papers`: every loaded year must carry its source (provenance).
    #[error("缺少通知来源：papers 须至少列出一个 http(s) 网址")]
    MissingSource,
    /// A `papers` entry is not an http(s) URL.
    #[error("通知来源“{url}”不是 http(s) 网址")]
    BadSourceUrl {
        /// The offending entry (truncated).
        url: String,
    },
    /// A `date` is not `YYYY-MM-DD` or names no real day.
    #[error("日期“{text}”格式错误，应为 YYYY-MM-DD 形式的有效日期")]
    BadDate {
        /// The offending text (truncated).
        text: String,
    },
    /// A `name` is empty.
    #[error("{date} 的名称（name）为空")]
    EmptyName {
        /// The entry's date.
        date: Date,
    },
    /// A date lies outside the notice year extended by one month on either side.
    #[error("{date} 不在 {year} 年通知的范围内（应在 {year} 年前后一个月之内）")]
    DateOutsideYear {
        /// The entry's date.
        date: Date,
        /// The file's year.
        year: i32,
    },
    /// The same date is listed twice with the same status.
    #[error("{date} 重复列出（首次见第 {first_line} 行）")]
    Duplicate {
        /// The date listed twice.
        date: Date,
        /// Line of the first listing.
        first_line: usize,
    },
    /// The same date is listed twice with different `isOffDay`.
    #[error("{date} 前后矛盾：第 {first_line} 行与本行的 isOffDay 不同")]
    Contradiction {
        /// The date listed twice.
        date: Date,
        /// Line of the first listing.
        first_line: usize,
    },
    /// A make-up working day (`isOffDay: false`) falls on Monday–Friday, where it changes
    /// nothing: this is almost always a typo for a holiday or for another date. Allowed only with
    /// [`crate::holidays::ImportOptions::allow_weekday_workdays`].
    #[error("{date}（{weekday}）标为调休上班日，但该日本来就是工作日；调休上班日应为周六或周日")]
    MakeupWorkdayNotWeekend {
        /// The entry's date.
        date: Date,
        /// Chinese weekday name.
        weekday: &'static str,
    },
    /// The file disagrees with another loaded notice about a date.
    #[error("{date} 与已载入的 {other_year} 年通知矛盾（该通知标为{other}）")]
    ConflictsWithLoaded {
        /// The date in question.
        date: Date,
        /// The notice year of the already loaded statement.
        other_year: i32,
        /// What that notice says (休息日 / 上班日).
        other: &'static str,
    },
}

/// A rejected holiday file: every problem found, each naming its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("节假日数据文件无效（{} 处问题）：{}", problems.len(), render(problems))]
pub struct ImportError {
    /// The problems, in file order. Never empty.
    pub problems: Vec<ImportProblem>,
}

fn render(problems: &[ImportProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("；")
}

/// Why the period table (`rules/periods.toml` or an override) could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodTableError {
    /// The TOML does not parse or does not match the table's schema.
    #[error("期限表格式错误：{reason}")]
    Syntax {
        /// The parser's description, with its position.
        reason: String,
    },
    /// Two periods share a name.
    #[error("期限表中名称“{name}”重复")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// A period has no citation text or no requirement/statute reference.
    #[error("期限“{name}”缺少法律依据（citation）")]
    MissingCitation {
        /// The period's name.
        name: String,
    },
    /// A period's fields contradict its unit (e.g. a fixed date without month/day, a zero
    /// length, pauses on a month period).
    #[error("期限“{name}”定义无效：{reason}")]
    Invalid {
        /// The period's name.
        name: String,
        /// What is inconsistent.
        reason: String,
    },
}

/// Why a statutory period could not be computed for a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// No period of that name in the table.
    #[error("期限表中没有名为“{name}”的期限")]
    UnknownPeriod {
        /// The name asked for.
        name: String,
    },
    /// A pause of a kind the period does not allow was supplied. In particular legal review time
    /// counts toward the handling period (L11-b, 《薛城区重大执法决定法制审核办法》第十一条第二款).
    #[error("期限“{name}”不因{kind}而中止计算（依据：{basis}）")]
    PauseNotAllowed {
        /// The period's name.
        name: String,
        /// The pause kind, in Chinese.
        kind: &'static str,
        /// Why it cannot pause.
        basis: String,
    },
    /// A pause interval ends before it starts.
    #[error("中止区间 {from} 至 {to} 起止颠倒")]
    BadPause {
        /// Start of the interval.
        from: Date,
        /// End of the interval.
        to: Date,
    },
    /// An extension was requested for a period that has none.
    #[error("期限“{name}”没有可延长的期间")]
    NoExtension {
        /// The period's name.
        name: String,
    },
    /// The underlying date arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}
