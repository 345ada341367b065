//! View models and askama templates of the workbench (`crates/web/templates/workbench/`), the
//! embedded assets, and the small formatting helpers every page shares. Templates escape every
//! value; the only `|safe` values are form widgets built by [`super::form`] from escaped parts.

use askama::Template;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use liuhen_core::error::Refusal;
use time::OffsetDateTime;

use super::WbError;

/// The workbench's style sheet.
pub const WORKBENCH_CSS: &str = include_str!("../../assets/workbench.css");
/// The workbench's enhancement script (every page works without it).
pub const WORKBENCH_JS: &str = include_str!("../../assets/workbench.js");

/// `GET /workbench/assets/{file}`.
pub(crate) async fn asset(Path(file): Path<String>) -> Result<Response, WbError> {
    let (content_type, body) = match file.as_str() {
        "workbench.css" => ("text/css; charset=utf-8", WORKBENCH_CSS),
        "workbench.js" => ("text/javascript; charset=utf-8", WORKBENCH_JS),
        _ => return Err(WbError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        body,
    )
        .into_response())
}

/// Whether `ch` is a CJK ideograph (for "is this message Chinese").
pub(crate) fn is_cjk(ch: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&ch)
}

/// A refusal as one line: message, rule IDs, article.
pub(crate) fn refusal_text(refusal: &Refusal) -> String {
    let ids = refusal
        .ids
        .iter()
        .map(|id| id.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let mut text = refusal.message.clone();
    if !ids.is_empty() {
        text.push_str(&format!("（{ids}"));
        if !refusal.citation.is_empty() {
            text.push_str(&format!(" {}", refusal.citation));
        }
        text.push('）');
    } else if !refusal.citation.is_empty() {
        text.push_str(&format!("（{}）", refusal.citation));
    }
    text
}

/// A refusal shown on a page: message, rule IDs and article apart.
#[derive(Debug, Clone, Default)]
pub(crate) struct RefusalView {
    pub(crate) message: String,
    pub(crate) rules: String,
    pub(crate) citation: String,
}

impl RefusalView {
    pub(crate) fn of(refusal: &Refusal) -> RefusalView {
        RefusalView {
            message: refusal.message.clone(),
            rules: refusal
                .ids
                .iter()
                .map(|id| id.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            citation: refusal.citation.clone(),
        }
    }
}

/// Today in Beijing (T1): the date deadlines and rule sets are reckoned on.
pub(crate) fn today(services: &liuhen_core::service::Services) -> time::Date {
    services.now().to_offset(liuhen_core::CHINA_OFFSET).date()
}

/// The idle timeout in words: `30 分钟`, or seconds below a minute.
pub(crate) fn idle_text(idle: time::Duration) -> String {
    if idle.whole_seconds() < 60 {
        format!("{} 秒", idle.whole_seconds().max(1))
    } else {
        format!("{} 分钟", idle.whole_minutes())
    }
}

/// `2026-12-08 14:03` in Beijing time.
pub(crate) fn minute(time: OffsetDateTime) -> String {
    let local = time.to_offset(liuhen_core::CHINA_OFFSET);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}

/// A money amount in 分 as 元 (`1234` → `12.34`).
pub(crate) fn yuan(fen: u64) -> String {
    if fen.is_multiple_of(100) {
        format!("{}", fen / 100)
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// What every signed-in page shows in its header.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// The user's name (the officer's name when the user is an officer).
    pub(crate) user_name: String,
    /// The grant acted in: role and body, e.g. `行政执法人员 · 薛城区市场监督管理局`.
    pub(crate) acting: String,
    /// Whether the user holds other grants to switch to.
    pub(crate) can_switch: bool,
    /// The session's CSRF token, for the forms of the page.
    pub(crate) csrf: String,
    /// Which navigation entry is current (`home`, `cases`, `new`).
    pub(crate) nav: &'static str,
    /// Inactivity before sign-out, in words (shown in the footer): `30 分钟`.
    pub(crate) idle_text: String,
}

/// The error page.
#[derive(Template)]
#[template(path = "workbench/error.html")]
pub(crate) struct ErrorPage {
    pub(crate) title: String,
    pub(crate) message: String,
}

/// Chinese names from the rule book: procedures, stages, record types (the screen shows no ids).
pub(crate) struct RuleNames<'a>(pub(crate) &'a liuhen_core::rules::RuleBook);

impl RuleNames<'_> {
    fn procedure_spec(&self, id: &str) -> Option<&liuhen_core::rules::schema::ProcedureSpec> {
        self.0.sets().iter().rev().find_map(|set| set.procedure(id))
    }

    /// `行政处罚普通程序`.
    pub(crate) fn procedure(&self, id: &str) -> String {
        self.procedure_spec(id)
            .map_or_else(|| "其他程序".to_owned(), |p| p.name.clone())
    }

    /// `调查取证`.
    pub(crate) fn stage(&self, procedure: &str, stage: &str) -> String {
        self.procedure_spec(procedure)
            .and_then(|p| p.stages.iter().find(|s| s.id == stage))
            .map_or_else(|| "—".to_owned(), |s| s.name.clone())
    }

    /// `询问当事人`; the built-in types have fixed names.
    pub(crate) fn record_type(&self, id: &str) -> String {
        use liuhen_core::case::types;
        match id {
            types::CASE_OPENED => "案件登记".to_owned(),
            types::VOID => "作废记录".to_owned(),
            types::ACCESS_REQUEST => "当事人查阅申请".to_owned(),
            types::ACCESS_DECISION => "查阅申请决定".to_owned(),
            _ => self
                .0
                .sets()
                .iter()
                .rev()
                .find_map(|set| set.record_type(id))
                .map_or_else(|| "其他记录".to_owned(), |spec| spec.name.clone()),
        }
    }

    /// The title of a statutory period (`行政处罚决定期限`).
    pub(crate) fn period(&self, name: &str) -> String {
        self.0
            .periods()
            .get(name)
            .map_or_else(|| "法定期限".to_owned(), |p| p.title.clone())
    }
}

/// `办理中` / `未立案` / `已结案`.
pub(crate) fn status_label(status: liuhen_core::case::CaseStatus) -> &'static str {
    use liuhen_core::case::CaseStatus;
    match status {
        CaseStatus::Open => "办理中",
        CaseStatus::NotInitiated => "未立案（已终结）",
        CaseStatus::Closed => "已结案",
    }
}

/// A deadline's state on a page: the CSS class and the words.
#[derive(Debug, Clone)]
pub(crate) struct DueView {
    pub(crate) class: &'static str,
    pub(crate) text: String,
}

/// How a due date stands today, in working days (T2–T5; P8: yellow within 2 working days).
pub(crate) fn due_view(
    calendar: &liuhen_calendar::Calendar,
    due: time::Date,
    today: time::Date,
) -> DueView {
    use liuhen_calendar::{DeadlineStatus, StatusPolicy, deadline_status};
    match deadline_status(calendar, due, today, StatusPolicy::default()) {
        Ok(status) => {
            let provisional = if status.is_provisional() {
                "（节假日安排未公布，暂按周一至周五计算）"
            } else {
                ""
            };
            match status.value {
                DeadlineStatus::OnTime { remaining } => DueView {
                    class: "ok",
                    text: format!("剩余 {} 个工作日{provisional}", remaining.0),
                },
                DeadlineStatus::DueSoon { remaining } if remaining.0 == 0 => DueView {
                    class: "soon",
                    text: format!("今日到期{provisional}"),
                },
                DeadlineStatus::DueSoon { remaining } => DueView {
                    class: "soon",
                    text: format!("即将到期：剩余 {} 个工作日{provisional}", remaining.0),
                },
                DeadlineStatus::Overdue { working_days, days } => DueView {
                    class: "late",
                    text: format!(
                        "已逾期 {} 个工作日（{} 日）{provisional}",
                        working_days.0, days.0
                    ),
                },
            }
        }
        Err(_) => DueView {
            class: "soon",
            text: "无法计算（日历数据缺失）".to_owned(),
        },
    }
}
