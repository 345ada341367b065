//! Deadline rows of a case, computed from its view with the calendar crate (T2–T6).
//!
//! Per procedure, `[[procedures.deadlines]]` names a period of the period table, the event that
//! starts it and the record types that meet it (行政处罚法 第六十条 decision in 90 days, 第六十一条
//! delivery in 7 working days, 第六十七条 payment in 15 days, R29-a archiving in 30 days). R28-a
//! (A/V stored within 2 working days of the recording's end) is added for every A/V record.
//!
//! I15 / R31-a: each obligation is evaluated under the rule set in force on its trigger date; a
//! trigger before any rule set was in force is legacy and gets no row.

use liuhen_calendar::{Calendar, PeriodRequest};
use time::Date;

use crate::case::{CaseView, RecordSummary};
use crate::error::CoreError;
use crate::ids::StreamId;
use crate::ports::DeadlineRow;
use crate::rules::RuleBook;

/// Period name of R28-a in the period table.
pub const AV_STORAGE_PERIOD: &str = "av-storage";

/// The start date of a deadline's `from` event, if it has happened.
fn start_of(view: &CaseView, from: &str) -> Option<Date> {
    match from {
        "case_opened" => {
            (view.status != crate::case::CaseStatus::NotInitiated).then_some(view.opened_on)
        }
        "closed" => view.closed_on,
        // I9: a case without execution uses its closing date.
        "execution_concluded" => view.execution_concluded_on.or(view.closed_on),
        record_type => view.first(record_type).map(RecordSummary::event_date),
    }
}

/// All deadline rows of a case.
pub fn case_deadlines(
    view: &CaseView,
    rules: &RuleBook,
    calendar: &Calendar,
) -> Result<Vec<DeadlineRow>, CoreError> {
    let stream = StreamId::case(&view.id);
    let mut rows = Vec::new();
    // The procedure's clocks.
    let mut seen = std::collections::BTreeSet::new();
    for set in rules.sets() {
        let Some(procedure) = set.procedure(&view.procedure) else {
            continue;
        };
        for spec in &procedure.deadlines {
            if seen.contains(&spec.key) {
                continue;
            }
            let Some(start) = start_of(view, &spec.from) else {
                continue;
            };
            // I15: the set in force on the trigger date decides; skip sets not in force then.
            let Some(effective) = rules.effective(&view.body, start) else {
                seen.insert(spec.key.clone());
                continue;
            };
            if effective.id != set.id
                || effective.version != set.version
                || effective.body != set.body
            {
                continue;
            }
            seen.insert(spec.key.clone());
            let deadline = rules
                .periods()
                .deadline(calendar, &spec.period, &PeriodRequest::starting(start))
                .map_err(|err| CoreError::Invalid {
                    field: spec.period.clone(),
                    reason: err.to_string(),
                })?;
            let met_on = view
                .records
                .iter()
                .filter(|r| r.is_effective() && spec.until.contains(&r.record_type))
                .map(RecordSummary::event_date)
                .filter(|date| *date >= start)
                .min();
            rows.push(DeadlineRow {
                stream: stream.clone(),
                case_id: Some(view.id.clone()),
                body: view.body.clone(),
                key: spec.key.clone(),
                period: spec.period.clone(),
                due: deadline.due,
                provisional: deadline.provisional,
                met_on,
            });
        }
    }
    // R28-a: every A/V record must be stored within 2 working days of the recording's end. The
    // record carries its files' hashes, so entering it is storing it: met on the entry date.
    for record in view.records.iter().filter(|r| r.av && r.is_effective()) {
        let end = record
            .event_end
            .unwrap_or(record.event_time)
            .to_offset(crate::CHINA_OFFSET)
            .date();
        if rules.effective(&view.body, end).is_none() {
            continue; // R31-a: legacy recording, not flagged.
        }
        let deadline = rules
            .periods()
            .deadline(calendar, AV_STORAGE_PERIOD, &PeriodRequest::starting(end))
            .map_err(|err| CoreError::Invalid {
                field: AV_STORAGE_PERIOD.to_owned(),
                reason: err.to_string(),
            })?;
        rows.push(DeadlineRow {
            stream: stream.clone(),
            case_id: Some(view.id.clone()),
            body: view.body.clone(),
            key: format!("r28:{}", record.seq.0),
            period: AV_STORAGE_PERIOD.to_owned(),
            due: deadline.due,
            provisional: deadline.provisional,
            met_on: Some(record.entry_time.to_offset(crate::CHINA_OFFSET).date()),
        });
    }
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(rows)
}
