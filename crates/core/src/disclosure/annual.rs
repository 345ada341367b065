//! D9 annual enforcement data: the previous year's figures of a body, computed from the case
//! and disclosure projections (D9-b pre-computed data set). Pure: the same views give the same
//! figures, so the drafted item can be recomputed and compared.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ItemKind, ItemState, ItemView, RequestView};
use crate::case::{CaseStatus, CaseView};
use crate::ids::BodyId;
use crate::review::types as review_types;

/// The figures of one body for one calendar year (1 January – 31 December, T1 dates).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualFigures {
    /// The body.
    pub body: Option<BodyId>,
    /// The year reported.
    pub year: i32,
    /// Cases initiated in the year, by action type (penalty, licensing, …).
    pub cases_by_action: BTreeMap<String, u64>,
    /// Matters that ended without initiation (不予受理 / 不予立案 / 不启动).
    pub cases_not_initiated: u64,
    /// Cases closed (结案) in the year.
    pub cases_closed: u64,
    /// Decisions issued in the year, by action type.
    pub decisions_by_action: BTreeMap<String, u64>,
    /// Decisions by outcome text (给予行政处罚 / 不予行政处罚 / 准予行政许可 / …).
    pub decisions_by_outcome: BTreeMap<String, u64>,
    /// Penalty decisions by penalty kind (警告, 罚款, …).
    pub penalties_by_kind: BTreeMap<String, u64>,
    /// Total fines, in fen.
    pub fines_fen: u64,
    /// Total confiscations of illegal gains, in fen.
    pub confiscations_fen: u64,
    /// Licences granted.
    pub permits_granted: u64,
    /// Licences refused.
    pub permits_refused: u64,
    /// Inspection results, by result.
    pub inspections_by_result: BTreeMap<String, u64>,
    /// Legal reviews submitted (rounds, L6).
    pub reviews_submitted: u64,
    /// Approving review opinions (同意, L8).
    pub reviews_approved: u64,
    /// Opinions listing problems (存在问题, L10-a).
    pub reviews_with_problems: u64,
    /// Escalations to the agency head (L10-c).
    pub reviews_escalated: u64,
    /// Hearings held (R15).
    pub hearings: u64,
    /// Decisions revoked, confirmed unlawful or ordered remade (D14), by event.
    pub withdrawals_by_event: BTreeMap<String, u64>,
    /// Disclosure items published on time (按期公示).
    pub disclosures_on_time: u64,
    /// Disclosure items published late (逾期公示).
    pub disclosures_late: u64,
    /// Disclosure items still pending whose due date fell in the year (已逾期 at year end).
    pub disclosures_missed: u64,
    /// Items restricted (不予公示, D10-a).
    pub disclosures_restricted: u64,
    /// Self-corrections discovered in the year (D13-a).
    pub corrections_self: u64,
    /// Correction requests received (D13-b).
    pub correction_requests: u64,
    /// Requests closed with 更正.
    pub correction_requests_corrected: u64,
    /// Requests closed with 不予更正.
    pub correction_requests_refused: u64,
}

/// Computes the figures of `body` for `year` from its cases, items and correction requests.
pub fn compute(
    body: &BodyId,
    year: i32,
    cases: &[CaseView],
    items: &[ItemView],
    requests: &[RequestView],
) -> AnnualFigures {
    let mut f = AnnualFigures {
        body: Some(body.clone()),
        year,
        ..AnnualFigures::default()
    };
    for case in cases.iter().filter(|c| &c.body == body) {
        if case.opened_on.year() == year {
            if case.status == CaseStatus::NotInitiated {
                f.cases_not_initiated += 1;
            } else {
                *f.cases_by_action.entry(case.action.clone()).or_default() += 1;
            }
        }
        if case.closed_on.is_some_and(|d| d.year() == year) {
            f.cases_closed += 1;
        }
        for record in case
            .records
            .iter()
            .filter(|r| r.is_effective() && r.event_date().year() == year)
        {
            match record.record_type.as_str() {
                review_types::SUBMISSION => f.reviews_submitted += 1,
                review_types::APPROVED => f.reviews_approved += 1,
                review_types::PROBLEMS => f.reviews_with_problems += 1,
                review_types::ESCALATION => f.reviews_escalated += 1,
                "r15_hearing_record" => f.hearings += 1,
                _ => {}
            }
        }
    }
    for item in items.iter().filter(|i| &i.body == body) {
        let in_year = item.formation_date.year() == year;
        if in_year && let Some(source) = &item.source {
            match item.kind {
                ItemKind::Decision => {
                    *f.decisions_by_action
                        .entry(source.action.clone())
                        .or_default() += 1;
                    if !item.facts.outcome.is_empty() {
                        *f.decisions_by_outcome
                            .entry(item.facts.outcome.clone())
                            .or_default() += 1;
                    }
                    for kind in &item.facts.penalty_kinds {
                        *f.penalties_by_kind.entry(kind.clone()).or_default() += 1;
                    }
                    f.fines_fen = f.fines_fen.saturating_add(item.facts.fine_fen);
                    f.confiscations_fen = f
                        .confiscations_fen
                        .saturating_add(item.facts.confiscation_fen);
                    match item.facts.outcome.as_str() {
                        "准予行政许可" => f.permits_granted += 1,
                        "不予行政许可" => f.permits_refused += 1,
                        _ => {}
                    }
                }
                ItemKind::InspectionResult => {
                    *f.inspections_by_result
                        .entry(item.facts.outcome.clone())
                        .or_default() += 1;
                }
                _ => {}
            }
        }
        if let Some(w) = &item.withdrawal
            && w.trigger.event_date.year() == year
        {
            *f.withdrawals_by_event
                .entry(w.trigger.event.clone())
                .or_default() += 1;
        }
        if item.state == ItemState::Restricted && in_year {
            f.disclosures_restricted += 1;
        }
        for o in item
            .obligations
            .iter()
            .filter(|o| o.key.starts_with("d12") && o.due.year() == year)
        {
            match o.met_on {
                Some(on) if on <= o.due => f.disclosures_on_time += 1,
                Some(_) => f.disclosures_late += 1,
                None if item.state != ItemState::Restricted => f.disclosures_missed += 1,
                None => {}
            }
        }
        f.corrections_self += item
            .corrections
            .iter()
            .filter(|c| c.request.is_none() && c.discovered_on.year() == year)
            .count() as u64;
    }
    for request in requests.iter().filter(|r| &r.body == body) {
        if request.received_on.year() == year {
            f.correction_requests += 1;
            match request.reply.as_ref().map(|r| r.outcome.as_str()) {
                Some("更正") => f.correction_requests_corrected += 1,
                Some(_) => f.correction_requests_refused += 1,
                None => {}
            }
        }
    }
    f
}
