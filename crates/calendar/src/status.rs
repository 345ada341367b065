//! Deadline status for dashboards (D12-e, D15): on time, due soon (黄色预警) or overdue (红色预警).

use time::Date;

use crate::calendar::{Calendar, CalendarDays, Reckoned, WorkingDays};
use crate::error::CalendarError;

/// How close to its due date an obligation counts as "due soon".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPolicy {
    /// Due soon when at most this many working days remain (P8, default 2; D12-e 即将到期).
    pub due_soon_within: WorkingDays,
}

impl Default for StatusPolicy {
    fn default() -> StatusPolicy {
        StatusPolicy {
            due_soon_within: WorkingDays(2),
        }
    }
}

/// Where a pending obligation stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineStatus {
    /// More than the policy's window remains (待公示 / 正常).
    OnTime {
        /// Working days `d` with `today < d <= due`.
        remaining: WorkingDays,
    },
    /// Due within the policy's window, the due date itself included (即将到期, 黄色预警).
    DueSoon {
        /// Working days `d` with `today < d <= due`; 0 on the due date itself.
        remaining: WorkingDays,
    },
    /// Past the due date: overdue from 00:00 of the day after it (T5; 已逾期, 红色预警).
    Overdue {
        /// Working days `d` with `due < d <= today` (the measure of lateness for T2 periods).
        working_days: WorkingDays,
        /// Calendar days since the due date (the measure for T3/T4 periods).
        days: CalendarDays,
    },
}

impl DeadlineStatus {
    /// Chinese label as shown on dashboards.
    pub fn label_zh(self) -> &'static str {
        match self {
            DeadlineStatus::OnTime { .. } => "未到期",
            DeadlineStatus::DueSoon { .. } => "即将到期（黄色预警）",
            DeadlineStatus::Overdue { .. } => "已逾期（红色预警）",
        }
    }
}

/// The status of a pending obligation due on `due`, seen on `today` (Asia/Shanghai date, T1;
/// the caller supplies it). Provisional when the count crosses a year with no loaded notice.
pub fn deadline_status(
    calendar: &Calendar,
    due: Date,
    today: Date,
    policy: StatusPolicy,
) -> Result<Reckoned<DeadlineStatus>, CalendarError> {
    if today <= due {
        let remaining = calendar.working_days_between(today, due)?;
        let value = if remaining.value <= policy.due_soon_within {
            DeadlineStatus::DueSoon {
                remaining: remaining.value,
            }
        } else {
            DeadlineStatus::OnTime {
                remaining: remaining.value,
            }
        };
        return Ok(Reckoned {
            value,
            provisional_years: remaining.provisional_years,
        });
    }
    let late = calendar.working_days_between(due, today)?;
    let days = u32::try_from((today - due).whole_days()).unwrap_or(u32::MAX);
    Ok(Reckoned {
        value: DeadlineStatus::Overdue {
            working_days: late.value,
            days: CalendarDays(days),
        },
        provisional_years: late.provisional_years,
    })
}
