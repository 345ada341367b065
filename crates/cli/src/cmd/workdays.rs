//! `liuhen workdays …`, `liuhen deadline`, `liuhen calendar …` — the working-day calendar and
//! the statutory period table of liuhen-calendar on the command line (issue 3, D12-a, T1–T6).
//!
//! The calendar is the embedded notices (2019–2026) plus every file imported into
//! `DATA_DIR/calendar/YEAR.json`. The data folder is `--data-dir`, else `$LIUHEN_DATA_DIR`,
//! else `./liuhen-data`. "Today" is the Asia/Shanghai date (UTC+8, T1) unless `--today` is given.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use liuhen_calendar::holidays::{self, ImportOptions};
use liuhen_calendar::{
    Calendar, DayInfo, DayKind, Deadline, DeadlineStatus, Extension, Meaning, NoticeOrigin, Pause,
    PauseKind, PeriodRequest, PeriodTable, Provenance, Reckoned, RollForward, StatusPolicy,
    WorkingDays, deadline_status, parse_date,
};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime, UtcOffset};

/// Options shared by every calendar subcommand.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Data folder holding imported calendars in calendar/YEAR.json
    /// [default: $LIUHEN_DATA_DIR, else ./liuhen-data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

/// `liuhen workdays …`
#[derive(Debug, clap::Subcommand)]
pub enum WorkdaysCommand {
    /// Is DATE a working day (T2)? Says on which notice the answer rests, or that it is provisional.
    Is {
        /// Date, YYYY-MM-DD.
        date: String,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// The Nth working day after DATE (DATE not counted, T2); a negative N counts backwards.
    Add {
        /// Start date, YYYY-MM-DD.
        date: String,
        /// Number of working days (may be negative).
        #[arg(allow_negative_numbers = true)]
        n: i64,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Number of working days after A up to and including B (negative if B is before A).
    Between {
        /// First date, YYYY-MM-DD (not counted).
        from: String,
        /// Second date, YYYY-MM-DD (counted).
        to: String,
        #[command(flatten)]
        common: CommonArgs,
    },
}

/// Whether a due date on a non-working day moves (overrides the period table, I2).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RollChoice {
    /// Keep the due date where it falls (the default of every period, I2).
    No,
    /// Move it to the next working day.
    Yes,
}

/// `liuhen deadline PERIOD START_DATE`
#[derive(Debug, clap::Args)]
pub struct DeadlineArgs {
    /// Period name from the period table (see --list).
    #[arg(required_unless_present = "list")]
    period: Option<String>,
    /// Date of the start event (for "…日前" periods, the event itself), YYYY-MM-DD.
    #[arg(required_unless_present = "list")]
    start: Option<String>,
    /// List the periods of the table with their citations.
    #[arg(long)]
    list: bool,
    /// Apply the period's approved extension (e.g. 行政许可法 第四十二条: +10 working days).
    #[arg(long)]
    extended: bool,
    /// Override the period's roll-forward choice.
    #[arg(long, value_enum)]
    roll_forward: Option<RollChoice>,
    /// Exclude an interval: KIND:FROM:TO, KIND one of hearing, tender, auction, testing,
    /// appraisal, expert-review (repeatable).
    #[arg(long, value_name = "KIND:FROM:TO")]
    pause: Vec<String>,
    /// Show the status as of this date instead of today (UTC+8).
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// "Due soon" window in working days (P8).
    #[arg(long, default_value_t = 2, value_name = "N")]
    due_soon: u32,
    /// Use this period table instead of the built-in rules/periods.toml.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// `liuhen calendar …`
#[derive(Debug, clap::Subcommand)]
pub enum CalendarCommand {
    /// Validate a holiday notice file (holiday-cn JSON) and copy it into DATA_DIR/calendar/YEAR.json.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Accept make-up working days on Monday–Friday (the official 2020 file has one).
        #[arg(long)]
        allow_weekday_workdays: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Show which years are loaded (embedded or imported) and their notice URLs.
    List {
        #[command(flatten)]
        common: CommonArgs,
    },
}

fn data_dir(common: &CommonArgs) -> PathBuf {
    if let Some(dir) = &common.data_dir {
        return dir.clone();
    }
    match std::env::var_os("LIUHEN_DATA_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from("liuhen-data"),
    }
}

fn calendar_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("calendar")
}

/// Reads at most `MAX_FILE_BYTES + 1` bytes, so an oversized file is rejected by the validator
/// without being read whole.
fn read_limited(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("无法打开 {}", path.display()))?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(holidays::MAX_FILE_BYTES + 1).unwrap_or(u64::MAX);
    file.take(limit)
        .read_to_end(&mut bytes)
        .with_context(|| format!("无法读取 {}", path.display()))?;
    Ok(bytes)
}

/// The embedded calendar plus every imported year. A broken file in the data folder is an
/// error, never silently skipped: skipping would turn authoritative answers into guesses.
fn load_calendar(common: &CommonArgs) -> anyhow::Result<Calendar> {
    let mut calendar = Calendar::embedded().context("内置节假日数据无效")?;
    let dir = calendar_dir(&data_dir(common));
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(calendar),
        Err(err) => return Err(err).with_context(|| format!("无法读取 {}", dir.display())),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    // Files were validated on import (including the user's choice on weekday workdays), so the
    // load accepts weekday workdays and re-checks everything else.
    let options = ImportOptions {
        allow_weekday_workdays: true,
    };
    for path in paths {
        let bytes = read_limited(&path)?;
        let file = holidays::parse_holiday_file(&bytes, options)
            .with_context(|| format!("数据目录中的 {} 无效", path.display()))?;
        let expected_name = format!("{}.json", file.year());
        if path.file_name().and_then(|name| name.to_str()) != Some(expected_name.as_str()) {
            bail!(
                "数据目录中的 {} 内容为 {} 年，文件名应为 {expected_name}",
                path.display(),
                file.year()
            );
        }
        calendar
            .insert_notice(file, NoticeOrigin::Imported)
            .with_context(|| format!("数据目录中的 {} 与其他年份矛盾", path.display()))?;
    }
    Ok(calendar)
}

fn today_utc8() -> anyhow::Result<Date> {
    let offset = UtcOffset::from_hms(8, 0, 0).context("UTC+8 偏移无效")?;
    Ok(OffsetDateTime::now_utc().to_offset(offset).date())
}

fn date_arg(text: &str) -> anyhow::Result<Date> {
    Ok(parse_date(text)?)
}

fn provisional_json<T>(reckoned: &Reckoned<T>) -> Value {
    json!({
        "provisional": reckoned.is_provisional(),
        "provisional_years": reckoned.provisional_years,
    })
}

fn provisional_note(years: &std::collections::BTreeSet<i32>) -> Option<String> {
    if years.is_empty() {
        return None;
    }
    let years: Vec<String> = years.iter().map(ToString::to_string).collect();
    Some(format!(
        "【暂定】{} 年的放假安排尚未载入，相关日期按周一至周五规则推定；载入后须重新计算（T6）。",
        years.join("、")
    ))
}

fn print_json(value: &Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn weekday(date: Date) -> &'static str {
    holidays::weekday_zh(date.weekday())
}

fn day_json(calendar: &Calendar, info: &DayInfo) -> Value {
    let (kind, name) = match &info.kind {
        DayKind::Weekday => ("weekday", None),
        DayKind::Weekend => ("weekend", None),
        DayKind::Holiday(name) => ("holiday", Some(name.as_str())),
        DayKind::MakeupWorkday(name) => ("makeup-workday", Some(name.as_str())),
    };
    let provenance = match info.provenance {
        Provenance::Listed { notice_year } => json!({
            "kind": "listed", "notice_year": notice_year,
            "papers": calendar.notice(notice_year).map(|file| file.papers().to_vec()),
        }),
        Provenance::Unlisted { notice_year } => json!({
            "kind": "unlisted", "notice_year": notice_year,
            "papers": calendar.notice(notice_year).map(|file| file.papers().to_vec()),
        }),
        Provenance::Provisional => json!({ "kind": "provisional" }),
    };
    json!({
        "date": info.date.to_string(),
        "weekday": weekday(info.date),
        "working": info.working,
        "kind": kind,
        "name": name,
        "provenance": provenance,
        "provisional": info.provenance == Provenance::Provisional,
    })
}

fn day_text(info: &DayInfo) -> String {
    let status = if info.working {
        "工作日"
    } else {
        "休息日"
    };
    let why = match &info.kind {
        DayKind::Weekday => "周一至周五".to_owned(),
        DayKind::Weekend => "周末".to_owned(),
        DayKind::Holiday(name) => format!("{name}放假"),
        DayKind::MakeupWorkday(name) => format!("{name}调休上班"),
    };
    let basis = match info.provenance {
        Provenance::Listed { notice_year } | Provenance::Unlisted { notice_year } => {
            format!("依据 {notice_year} 年国务院办公厅放假通知")
        }
        Provenance::Provisional => format!(
            "【暂定】{} 年放假安排尚未载入，按周一至周五规则推定（T6）",
            info.date.year()
        ),
    };
    format!(
        "{} {}：{status}（{why}）；{basis}",
        info.date,
        weekday(info.date)
    )
}

/// Runs `liuhen workdays …`.
pub fn run_workdays(command: WorkdaysCommand) -> anyhow::Result<ExitCode> {
    match command {
        WorkdaysCommand::Is { date, common } => {
            let calendar = load_calendar(&common)?;
            let info = calendar.day(date_arg(&date)?);
            if common.json {
                print_json(&day_json(&calendar, &info))?;
            } else {
                println!("{}", day_text(&info));
            }
        }
        WorkdaysCommand::Add { date, n, common } => {
            let calendar = load_calendar(&common)?;
            let start = date_arg(&date)?;
            let count = WorkingDays(u32::try_from(n.unsigned_abs()).context("工作日数过大")?);
            let due = if n >= 0 {
                calendar.add_working_days(start, count)?
            } else {
                calendar.subtract_working_days(start, count)?
            };
            if common.json {
                let mut value = json!({
                    "start": start.to_string(), "working_days": n,
                    "date": due.value.to_string(), "weekday": weekday(due.value),
                });
                merge(&mut value, provisional_json(&due));
                print_json(&value)?;
            } else {
                let direction = if n >= 0 { "后" } else { "前" };
                println!(
                    "{start} {direction}第 {} 个工作日：{}（{}）",
                    count.0,
                    due.value,
                    weekday(due.value)
                );
                if let Some(note) = provisional_note(&due.provisional_years) {
                    println!("{note}");
                }
            }
        }
        WorkdaysCommand::Between { from, to, common } => {
            let calendar = load_calendar(&common)?;
            let (from, to) = (date_arg(&from)?, date_arg(&to)?);
            let (count, sign) = if from <= to {
                (calendar.working_days_between(from, to)?, 1i64)
            } else {
                (calendar.working_days_between(to, from)?, -1i64)
            };
            let signed = sign * i64::from(count.value.0);
            if common.json {
                let mut value = json!({
                    "from": from.to_string(), "to": to.to_string(), "working_days": signed,
                });
                merge(&mut value, provisional_json(&count));
                print_json(&value)?;
            } else {
                println!("{from} 至 {to}：{signed} 个工作日（不含起日，含止日）");
                if let Some(note) = provisional_note(&count.provisional_years) {
                    println!("{note}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(extra)) = (target, extra) {
        target.extend(extra);
    }
}

fn parse_pause(text: &str) -> anyhow::Result<Pause> {
    let mut parts = text.splitn(3, ':');
    let (Some(kind), Some(from), Some(to)) = (parts.next(), parts.next(), parts.next()) else {
        bail!("中止区间“{text}”格式应为 KIND:FROM:TO，例如 testing:2024-03-10:2024-03-19");
    };
    let kind = PauseKind::parse(kind).with_context(|| {
        format!("未知的中止事由“{kind}”（可用：hearing、tender、auction、testing、appraisal、expert-review、legal-review）")
    })?;
    Ok(Pause {
        kind,
        from: date_arg(from)?,
        to: date_arg(to)?,
    })
}

fn status_json(status: &Reckoned<DeadlineStatus>, today: Date) -> Value {
    let (state, extra) = match status.value {
        DeadlineStatus::OnTime { remaining } => {
            ("on-time", json!({ "working_days_remaining": remaining.0 }))
        }
        DeadlineStatus::DueSoon { remaining } => {
            ("due-soon", json!({ "working_days_remaining": remaining.0 }))
        }
        DeadlineStatus::Overdue { working_days, days } => (
            "overdue",
            json!({ "working_days_overdue": working_days.0, "days_overdue": days.0 }),
        ),
    };
    let mut value =
        json!({ "as_of": today.to_string(), "state": state, "label": status.value.label_zh() });
    merge(&mut value, extra);
    merge(&mut value, provisional_json(status));
    value
}

fn status_text(status: &Reckoned<DeadlineStatus>) -> String {
    let detail = match status.value {
        DeadlineStatus::OnTime { remaining } | DeadlineStatus::DueSoon { remaining } => {
            format!("剩余 {} 个工作日", remaining.0)
        }
        DeadlineStatus::Overdue { working_days, days } => {
            format!("已逾期 {} 日（{} 个工作日）", days.0, working_days.0)
        }
    };
    let provisional = if status.is_provisional() {
        "【暂定】"
    } else {
        ""
    };
    format!("{provisional}{}，{detail}", status.value.label_zh())
}

fn load_table(args: &DeadlineArgs) -> anyhow::Result<PeriodTable> {
    match &args.rules {
        None => Ok(PeriodTable::embedded()?),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("无法读取期限表 {}", path.display()))?;
            PeriodTable::from_toml_str(&text)
                .with_context(|| format!("期限表 {} 无效", path.display()))
        }
    }
}

fn list_periods(table: &PeriodTable, json_output: bool) -> anyhow::Result<()> {
    if json_output {
        let periods: Vec<Value> = table
            .periods()
            .iter()
            .map(|period| {
                json!({
                    "name": period.name, "title": period.title, "unit": period.unit.as_str(),
                    "length": period.length, "extension": period.extension,
                    "start_event": period.start_event, "roll_forward": period.roll_forward,
                    "requirements": period.requirements, "citation": period.citation.source,
                    "citation_text": period.citation.text, "unit_rule": period.citation.unit_rule,
                })
            })
            .collect();
        return print_json(&Value::Array(periods));
    }
    for period in table.periods() {
        println!(
            "{:<34} {}  [{}]  {}",
            period.name,
            period.title,
            period.requirements.join(", "),
            period.citation.source
        );
    }
    Ok(())
}

/// Runs `liuhen deadline`.
pub fn run_deadline(args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    let table = load_table(&args)?;
    if args.list {
        list_periods(&table, args.common.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(name), Some(start)) = (&args.period, &args.start) else {
        bail!("须给出期限名称和起算日期（或使用 --list）");
    };
    let calendar = load_calendar(&args.common)?;
    let mut request = PeriodRequest::starting(date_arg(start)?);
    request.pauses = args
        .pause
        .iter()
        .map(|text| parse_pause(text))
        .collect::<anyhow::Result<_>>()?;
    if args.extended {
        request.extension = Extension::Applied;
    }
    request.roll_forward = args.roll_forward.map(|choice| match choice {
        RollChoice::No => RollForward::No,
        RollChoice::Yes => RollForward::ToNextWorkingDay,
    });
    let deadline = table.deadline(&calendar, name, &request)?;
    let Some(period) = table.get(name) else {
        bail!("期限表中没有名为“{name}”的期限");
    };
    let today = match &args.today {
        Some(text) => date_arg(text)?,
        None => today_utc8()?,
    };
    let policy = StatusPolicy {
        due_soon_within: WorkingDays(args.due_soon),
    };
    // A waiting period (not-before) has no overdue state.
    let status = match deadline.meaning {
        Meaning::DueBy => Some(deadline_status(&calendar, deadline.due, today, policy)?),
        Meaning::NotBefore => None,
    };
    if args.common.json {
        print_json(&deadline_json(&deadline, period, status.as_ref(), today))?;
    } else {
        print_deadline_text(&deadline, period, status.as_ref());
    }
    Ok(ExitCode::SUCCESS)
}

fn deadline_json(
    deadline: &Deadline,
    period: &liuhen_calendar::Period,
    status: Option<&Reckoned<DeadlineStatus>>,
    today: Date,
) -> Value {
    json!({
        "period": deadline.period,
        "title": period.title,
        "start": deadline.start.to_string(),
        "start_event": period.start_event,
        "due": deadline.due.to_string(),
        "due_weekday": weekday(deadline.due),
        "due_time": "23:59:59+08:00",
        "meaning": match deadline.meaning { Meaning::DueBy => "due-by", Meaning::NotBefore => "not-before" },
        "unit": deadline.unit.as_str(),
        "length": deadline.length,
        "paused": deadline.paused,
        "rolled_forward": deadline.rolled_forward,
        "provisional": deadline.provisional,
        "provisional_years": deadline.provisional_years,
        "requirements": deadline.requirements,
        "citation": deadline.citation,
        "citation_text": period.citation.text,
        "unit_rule": period.citation.unit_rule,
        "status": status.map(|status| status_json(status, today)),
    })
}

fn print_deadline_text(
    deadline: &Deadline,
    period: &liuhen_calendar::Period,
    status: Option<&Reckoned<DeadlineStatus>>,
) {
    println!("期限：{} — {}", deadline.period, period.title);
    println!("起算：{}（{}）", deadline.start, period.start_event);
    let label = match deadline.meaning {
        Meaning::DueBy => "到期",
        Meaning::NotBefore => "届满（此日之后方可办理）",
    };
    let due_time = match deadline.meaning {
        Meaning::DueBy => " 23:59:59",
        Meaning::NotBefore => "",
    };
    println!(
        "{label}：{} {}{due_time}",
        deadline.due,
        weekday(deadline.due)
    );
    let length = if deadline.length == 0 {
        "固定日期".to_owned()
    } else {
        format!("{} {}", deadline.length, deadline.unit.label_zh())
    };
    let mut notes = Vec::new();
    if deadline.paused > 0 {
        notes.push(format!(
            "扣除中止 {} {}",
            deadline.paused,
            deadline.unit.label_zh()
        ));
    }
    if deadline.rolled_forward {
        notes.push("已顺延至下一工作日".to_owned());
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("（{}）", notes.join("；"))
    };
    println!("期间：{length}{notes}");
    println!(
        "依据：{}：“{}”",
        period.citation.source, period.citation.text
    );
    if let Some(rule) = &period.citation.unit_rule {
        println!("计日：{rule}");
    }
    println!("要求：{}", deadline.requirements.join("、"));
    if let Some(status) = status {
        println!("状态：{}", status_text(status));
    }
    if let Some(note) = provisional_note(&deadline.provisional_years) {
        println!("{note}");
    }
}

/// Runs `liuhen calendar …`.
pub fn run_calendar(command: CalendarCommand) -> anyhow::Result<ExitCode> {
    match command {
        CalendarCommand::Import {
            file,
            allow_weekday_workdays,
            common,
        } => import(&file, allow_weekday_workdays, &common),
        CalendarCommand::List { common } => {
            let calendar = load_calendar(&common)?;
            let coverage = calendar.coverage();
            if common.json {
                let years: Vec<Value> = coverage
                    .iter()
                    .map(|year| {
                        json!({
                            "year": year.year,
                            "origin": match year.origin { NoticeOrigin::Embedded => "embedded", NoticeOrigin::Imported => "imported" },
                            "papers": year.papers,
                            "holidays": year.holidays,
                            "makeup_workdays": year.makeup_workdays,
                        })
                    })
                    .collect();
                print_json(&json!({
                    "data_dir": data_dir(&common).display().to_string(),
                    "years": years,
                }))?;
            } else {
                println!("数据目录：{}", data_dir(&common).display());
                for year in &coverage {
                    let origin = match year.origin {
                        NoticeOrigin::Embedded => "内置",
                        NoticeOrigin::Imported => "导入",
                    };
                    println!(
                        "{} 年  {origin}  休息日 {} 个，调休上班 {} 个  {}",
                        year.year,
                        year.holidays,
                        year.makeup_workdays,
                        year.papers.join(" ")
                    );
                }
                let next = coverage.last().map_or(2019, |year| year.year + 1);
                println!(
                    "未载入的年份（如 {next} 年）按周一至周五规则推定，结果标为【暂定】（T6）。内置数据来源：NateScarlet/holiday-cn（MIT 许可）。"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import(
    file: &Path,
    allow_weekday_workdays: bool,
    common: &CommonArgs,
) -> anyhow::Result<ExitCode> {
    let bytes = read_limited(file)?;
    let options = ImportOptions {
        allow_weekday_workdays,
    };
    let parsed = match holidays::parse_holiday_file(&bytes, options) {
        Ok(parsed) => parsed,
        Err(err) => return report_rejection(file, &err, common.json),
    };
    let mut calendar = load_calendar(common)?;
    if let Err(err) = calendar.check_import(&parsed) {
        return report_rejection(file, &err, common.json);
    }
    let year = parsed.year();
    let holidays_count = parsed.days().iter().filter(|day| day.is_off_day).count();
    let workdays_count = parsed.days().len() - holidays_count;
    let papers = parsed.papers().to_vec();
    let replaced = calendar.insert_notice(parsed, NoticeOrigin::Imported)?;

    let dir = calendar_dir(&data_dir(common));
    std::fs::create_dir_all(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
    let target = dir.join(format!("{year}.json"));
    // Write then rename, so a crash never leaves a half-written year that would break loading.
    let temporary = dir.join(format!(".{year}.json.tmp"));
    std::fs::write(&temporary, &bytes)
        .with_context(|| format!("无法写入 {}", temporary.display()))?;
    std::fs::rename(&temporary, &target)
        .with_context(|| format!("无法保存 {}", target.display()))?;

    let replaced_label = match replaced {
        None => None,
        Some(NoticeOrigin::Embedded) => Some("embedded"),
        Some(NoticeOrigin::Imported) => Some("imported"),
    };
    if common.json {
        print_json(&json!({
            "imported": year, "path": target.display().to_string(), "papers": papers,
            "holidays": holidays_count, "makeup_workdays": workdays_count, "replaced": replaced_label,
        }))?;
    } else {
        println!(
            "已导入 {year} 年放假安排：休息日 {holidays_count} 个，调休上班 {workdays_count} 个；来源 {}；保存至 {}",
            papers.join(" "),
            target.display()
        );
        if let Some(label) = replaced {
            let label = match label {
                NoticeOrigin::Embedded => "内置",
                NoticeOrigin::Imported => "此前导入",
            };
            println!("（取代了{label}的 {year} 年数据；待办期限须重新计算，T7）");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn report_rejection(
    file: &Path,
    err: &liuhen_calendar::ImportError,
    json_output: bool,
) -> anyhow::Result<ExitCode> {
    if json_output {
        let problems: Vec<Value> = err
            .problems
            .iter()
            .map(|problem| json!({ "line": problem.line, "message": problem.kind.to_string() }))
            .collect();
        print_json(&json!({ "rejected": file.display().to_string(), "problems": problems }))?;
    } else {
        eprintln!(
            "拒绝导入 {}（{} 处问题）：",
            file.display(),
            err.problems.len()
        );
        for problem in &err.problems {
            eprintln!("  {problem}");
        }
    }
    Ok(ExitCode::FAILURE)
}
