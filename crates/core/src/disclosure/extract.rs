//! Prefilling result items from case records (D3-b, D3-c, D8-a…D8-e, I4, I5).
//!
//! Which case records draft an item, and where each of the seven D8.p2 summary fields comes
//! from, is fixed here (one table, [`SOURCES`]), so a change of reading is one edit.

use serde_json::{Map, Value, json};
use time::Date;

use super::{Facts, ItemKind};
use crate::case::CaseView;

/// A case record type that drafts an item.
#[derive(Debug, Clone, Copy)]
pub struct SourceSpec {
    /// Record type id of the rule set.
    pub record_type: &'static str,
    /// Item kind.
    pub kind: ItemKind,
    /// Title prefix.
    pub title: &'static str,
    /// Field holding the document number (R26-b) or form serial.
    pub doc: &'static [&'static str],
    /// Fields holding the main facts, first present wins.
    pub facts: &'static [&'static str],
    /// Fields holding the legal basis, first present wins (else the power item's basis).
    pub basis: &'static [&'static str],
    /// Fields holding the outcome / result.
    pub outcome: &'static [&'static str],
}

/// Every drafting record type. D8-b: every decision, whatever the action type; D8-a: inspection
/// results (I5: record number instead of decision number, result instead of decision).
pub const SOURCES: &[SourceSpec] = &[
    SourceSpec {
        record_type: "r16_penalty_decision",
        kind: ItemKind::Decision,
        title: "行政处罚决定",
        doc: &["document_no"],
        facts: &["facts_evidence"],
        basis: &["legal_basis"],
        outcome: &["outcome"],
    },
    SourceSpec {
        record_type: "penalty_on_the_spot_decision",
        kind: ItemKind::Decision,
        title: "当场行政处罚决定",
        doc: &["document_no", "form_serial"],
        facts: &["violation"],
        basis: &["legal_basis"],
        outcome: &["penalty_kind"],
    },
    SourceSpec {
        record_type: "licence_decision",
        kind: ItemKind::Decision,
        title: "行政许可决定",
        doc: &["document_no"],
        facts: &["licence_content", "refusal_reasons"],
        basis: &[],
        outcome: &["outcome"],
    },
    SourceSpec {
        record_type: "seizure_decision",
        kind: ItemKind::Decision,
        title: "查封、扣押决定",
        doc: &["document_no"],
        facts: &["reason_basis"],
        basis: &["reason_basis"],
        outcome: &[],
    },
    SourceSpec {
        record_type: "seizure_disposal",
        kind: ItemKind::Decision,
        title: "查封、扣押处理决定",
        doc: &["document_no"],
        facts: &["reason_basis"],
        basis: &["reason_basis"],
        outcome: &["disposal"],
    },
    SourceSpec {
        record_type: "freeze_decision",
        kind: ItemKind::Decision,
        title: "冻结决定",
        doc: &["document_no"],
        facts: &["reason_basis"],
        basis: &["reason_basis"],
        outcome: &[],
    },
    SourceSpec {
        record_type: "freeze_disposal",
        kind: ItemKind::Decision,
        title: "冻结处理决定",
        doc: &["document_no"],
        facts: &["reason", "reason_basis"],
        basis: &["reason_basis"],
        outcome: &["disposal"],
    },
    SourceSpec {
        record_type: "enforcement_decision",
        kind: ItemKind::Decision,
        title: "行政强制执行决定",
        doc: &["document_no"],
        facts: &["reason_basis"],
        basis: &["reason_basis"],
        outcome: &[],
    },
    SourceSpec {
        record_type: "expropriation_decision",
        kind: ItemKind::Decision,
        title: "行政征收、征用决定",
        doc: &["document_no"],
        facts: &["content", "reason"],
        basis: &["legal_basis"],
        outcome: &[],
    },
    SourceSpec {
        record_type: "inspection_result",
        kind: ItemKind::InspectionResult,
        title: "行政检查结果",
        doc: &["document_no"],
        facts: &["summary"],
        basis: &[],
        outcome: &["result"],
    },
];

/// D8-c: execution statuses that draft a performance-update item.
pub const PERFORMANCE_STATUSES: &[&str] = &[
    "部分履行",
    "已履行",
    "强制执行中",
    "申请法院强制执行",
    "执行终结",
];

/// Record type of R23-a execution status.
pub const EXECUTION_STATUS: &str = "r23_execution_status";

/// The spec of a drafting record type.
pub fn source_spec(record_type: &str) -> Option<&'static SourceSpec> {
    SOURCES.iter().find(|s| s.record_type == record_type)
}

/// Whether the D12-c 7-working-day rule applies (I4: every decision of a 许可/处罚 case,
/// negative ones included); everything else gets the 20-working-day rule (D12-b).
pub fn seven_day_rule(kind: ItemKind, action: &str) -> bool {
    kind == ItemKind::Decision && matches!(action, "penalty" | "licensing")
}

/// What a drafting record yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// Kind.
    pub kind: ItemKind,
    /// Title (no personal data).
    pub title: String,
    /// Content fields.
    pub fields: Map<String, Value>,
    /// Facts for D9.
    pub facts: Facts,
    /// Natural persons named.
    pub persons: Vec<String>,
    /// Organisations named.
    pub organisations: Vec<String>,
}

fn first_text(data: &Map<String, Value>, keys: &[&str]) -> String {
    keys.iter()
        .filter_map(|k| data.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .find(|v| !v.is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// The party of a record: the first `party`-shaped value among `party`, `applicant`, `target`.
pub fn party_of(data: &Map<String, Value>) -> Option<Map<String, Value>> {
    ["party", "applicant", "target"]
        .iter()
        .filter_map(|k| data.get(*k).and_then(Value::as_object))
        .find(|p| p.get("name").and_then(Value::as_str).is_some())
        .cloned()
}

/// Persons and organisations of a party value (the legal representative is a person too).
fn entities(party: Option<&Map<String, Value>>) -> (String, Vec<String>, Vec<String>) {
    let Some(party) = party else {
        return (String::new(), Vec::new(), Vec::new());
    };
    let name = party
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let natural = party.get("kind").and_then(Value::as_str) != Some("organization");
    let mut persons = Vec::new();
    let mut orgs = Vec::new();
    if natural {
        persons.push(name.clone());
    } else {
        orgs.push(name.clone());
        if let Some(rep) = party.get("legal_representative").and_then(Value::as_str)
            && !rep.trim().is_empty()
        {
            persons.push(rep.trim().to_owned());
        }
    }
    (name, persons, orgs)
}

/// Everything the extraction needs besides the record.
#[derive(Debug, Clone, Copy)]
pub struct ExtractContext<'a> {
    /// The case after the record was folded.
    pub case: &'a CaseView,
    /// The owning body's name.
    pub body_name: &'a str,
    /// The power item's name, if the case has one.
    pub matter: Option<&'a str>,
    /// The power item's basis, if any.
    pub matter_basis: &'a [String],
    /// The party from an earlier record of the case, when the record names none.
    pub fallback_party: Option<&'a Map<String, Value>>,
}

/// Prefills the item of a decision or result record (D8-e seven fields; I5 for inspections).
pub fn extract(
    spec: &SourceSpec,
    data: &Map<String, Value>,
    date: Date,
    cx: &ExtractContext<'_>,
) -> Extracted {
    let own_party = party_of(data);
    let party = own_party.as_ref().or(cx.fallback_party);
    let (party_name, persons, organisations) = entities(party);
    let doc = first_text(data, spec.doc);
    let mut basis = first_text(data, spec.basis);
    if basis.is_empty() {
        basis = cx.matter_basis.join("；");
    }
    let matter = cx
        .matter
        .map(str::to_owned)
        .unwrap_or_else(|| cx.case.title.clone());
    let outcome = first_text(data, spec.outcome);
    let mut facts_text = first_text(data, spec.facts);
    let mut facts = Facts {
        outcome: outcome.clone(),
        ..Facts::default()
    };
    if let Some(list) = data.get("penalties").and_then(Value::as_array) {
        facts.penalty_kinds = list
            .iter()
            .filter_map(|p| p.get("kind").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
    } else if spec.record_type == "penalty_on_the_spot_decision" && !outcome.is_empty() {
        facts.penalty_kinds = vec![outcome.clone()];
    }
    facts.fine_fen = data.get("fine_fen").and_then(Value::as_u64).unwrap_or(0);
    facts.confiscation_fen = data
        .get("confiscation_fen")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if facts_text.is_empty() {
        facts_text = outcome.clone();
    }
    let date_text = format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    let mut fields = Map::new();
    let result_key = if spec.kind == ItemKind::InspectionResult {
        "result"
    } else {
        "outcome"
    };
    for (key, value) in [
        ("doc_number", doc.clone()),
        ("party", party_name),
        ("matter", matter),
        ("facts", facts_text),
        ("basis", basis),
        ("body_name", cx.body_name.to_owned()),
        ("date", date_text),
        (result_key, outcome),
    ] {
        fields.insert(key.to_owned(), json!(value));
    }
    let title = if doc.is_empty() {
        format!("{}（{}）", spec.title, cx.case.case_number)
    } else {
        format!("{} {doc}", spec.title)
    };
    Extracted {
        kind: spec.kind,
        title,
        fields,
        facts,
        persons,
        organisations,
    }
}
