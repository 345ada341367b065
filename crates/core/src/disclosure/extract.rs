//! Prefilling result items from case records (D3-b, D3-c, D8-a…D8-e, I4, I5).
//!
//! Which case records draft an item, and where each of the seven D8.p2 summary fields comes
//! from, is fixed here (one table, [`SOURCES`]), so a change of reading is one edit.
//!
//! Besides the seven summary fields, a decision item carries the fields the 双公示 tables of the
//! open data (D11-c, `docs/formats/open-data.md`) need and the decision record holds: the
//! action type, the party's class, an organisation's unified social credit code and legal
//! representative, the penalty kinds and content, the amounts (fine, confiscation,
//! compensation, in fen as numbers), the licence suspended or revoked, and for a licence the
//! category, certificate name, number and validity ([`EXTRA_FIELDS`]).
//! They go through the same D5-b workflow and D10-d masking as the rest: a natural person's
//! identity number is never copied, and the legal representative is a natural person, masked
//! per P9 at publication like the party's name.

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
        facts: &["content"],
        basis: &[],
        outcome: &["disposal"],
    },
    SourceSpec {
        record_type: "enforcement_decision",
        kind: ItemKind::Decision,
        title: "行政强制执行决定",
        doc: &["document_no"],
        facts: &["reason_basis"],
        basis: &["reason_basis"],
        outcome: &["method"],
    },
    SourceSpec {
        record_type: "expropriation_decision",
        kind: ItemKind::Decision,
        title: "行政征收、征用决定",
        doc: &["document_no"],
        // 主要事实: the property or matter expropriated (the record has no separate facts).
        facts: &["object"],
        basis: &["legal_basis"],
        outcome: &["kind"],
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

/// The fields a decision item carries beyond the seven D8.p2 summary fields, with their
/// Chinese labels (shown on the portal, `crate::disclosure::field_label`). Amounts are
/// integers in fen (分), like the record fields they come from.
pub const EXTRA_FIELDS: &[(&str, &str)] = &[
    ("action_type", "执法行为类别"),
    ("party_class", "行政相对人类别"),
    ("party_code", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("penalty_kinds", "处罚类别"),
    ("penalty_content", "处罚内容"),
    ("fine_fen", "罚款金额"),
    ("confiscation_fen", "没收违法所得、没收非法财物的金额"),
    ("licence_measure", "暂扣或者吊销的证照"),
    ("compensation_fen", "补偿金额"),
    ("licence_category", "许可类别"),
    ("certificate_name", "许可证书名称"),
    ("licence_no", "许可编号"),
    ("valid_from", "有效期自"),
    ("valid_to", "有效期至"),
];

/// The label of an [`EXTRA_FIELDS`] key.
pub fn extra_label(key: &str) -> Option<&'static str> {
    EXTRA_FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
}

/// Penalty kinds that suspend, revoke or downgrade a licence or qualification (column
/// 暂扣或吊销证照名称及编号 of the 双公示 table).
const LICENCE_MEASURES: &[&str] = &["暂扣许可证件", "吊销许可证件", "降低资质等级"];

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

/// The 双公示 fields of a decision record ([`EXTRA_FIELDS`]); empty values are left out.
fn extra_fields(
    spec: &SourceSpec,
    data: &Map<String, Value>,
    party: Option<&Map<String, Value>>,
    action: &str,
) -> Map<String, Value> {
    let mut out = Map::new();
    let mut text = |key: &str, value: String| {
        if !value.trim().is_empty() {
            out.insert(key.to_owned(), json!(value.trim()));
        }
    };
    text("action_type", super::action_label(action).to_owned());
    if let Some(party) = party {
        let organisation = party.get("kind").and_then(Value::as_str) == Some("organization");
        if organisation {
            text("party_class", "法人及非法人组织".to_owned());
            // An organisation's code and representative are public in 双公示; a natural
            // person's identity number never is (D10-d), so it is not even copied.
            text("party_code", first_text(party, &["uscc"]));
            text(
                "legal_representative",
                first_text(party, &["legal_representative"]),
            );
        } else {
            text("party_class", "自然人".to_owned());
        }
    }
    if spec.kind != ItemKind::Decision {
        return out;
    }
    let penalties: Vec<(String, String)> = data
        .get("penalties")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| {
                    let kind = p.get("kind").and_then(Value::as_str)?.trim().to_owned();
                    let detail = p
                        .get("detail")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .trim()
                        .to_owned();
                    Some((kind, detail))
                })
                .collect()
        })
        .unwrap_or_default();
    match spec.record_type {
        "r16_penalty_decision" if !penalties.is_empty() => {
            let kinds: Vec<&str> = penalties.iter().map(|(k, _)| k.as_str()).collect();
            text("penalty_kinds", kinds.join("、"));
            // `kind：detail` (or the kind alone) of each penalty, joined with ；.
            let describe = |keep: &dyn Fn(&str) -> bool| {
                penalties
                    .iter()
                    .filter(|(kind, _)| keep(kind))
                    .map(|(kind, detail)| match detail.as_str() {
                        "" => kind.clone(),
                        detail => format!("{kind}：{detail}"),
                    })
                    .collect::<Vec<_>>()
                    .join("；")
            };
            text("penalty_content", describe(&|_| true));
            text(
                "licence_measure",
                describe(&|kind| LICENCE_MEASURES.contains(&kind)),
            );
        }
        "r16_penalty_decision" => {
            let ground = first_text(data, &["no_penalty_ground"]);
            let outcome = first_text(data, &["outcome"]);
            if !ground.is_empty() {
                text("penalty_content", format!("{outcome}：{ground}"));
            }
        }
        "penalty_on_the_spot_decision" => {
            let kind = first_text(data, &["penalty_kind"]);
            text("penalty_kinds", kind.clone());
            text("penalty_content", kind);
        }
        // The 双公示 licence columns 许可类别, 许可证书名称, 许可编号, 有效期自/至 (D11-c).
        "licence_decision" => {
            for key in [
                "licence_category",
                "certificate_name",
                "licence_no",
                "valid_from",
                "valid_to",
            ] {
                text(key, first_text(data, &[key]));
            }
        }
        _ => {}
    }
    for key in ["fine_fen", "confiscation_fen", "compensation_fen"] {
        if let Some(fen) = data.get(key).and_then(Value::as_u64) {
            out.insert(key.to_owned(), json!(fen));
        }
    }
    out
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
    let extra = extra_fields(spec, data, party, &cx.case.action);
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
    fields.extend(extra);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn case(action: &str) -> CaseView {
        serde_json::from_value(json!({
            "id": "c-test", "case_number": "薛市监立〔2024〕1号", "body": "xc-scjg",
            "procedure": "penalty_ordinary", "action": action, "power_item": null,
            "domain": null, "title": "销售过期食品案", "status": "open", "stage": "decision",
            "flags": [], "procedure_review_required": true,
            "opened_on": serde_json::to_value(time::macros::date!(2024 - 09 - 01)).unwrap(),
            "closed_on": null, "execution_concluded_on": null, "records": [],
            "access_requests": [], "participants": [], "last_seq": 1
        }))
        .unwrap()
    }

    fn check(
        record_type: &str,
        action: &str,
        data: serde_json::Value,
        expect: &[(&str, serde_json::Value)],
        absent: &[&str],
    ) {
        let spec = source_spec(record_type).unwrap();
        let case = case(action);
        let cx = ExtractContext {
            case: &case,
            body_name: "枣庄市薛城区市场监督管理局",
            matter: Some("对销售不符合食品安全标准的食品的行政处罚"),
            matter_basis: &[],
            fallback_party: None,
        };
        let data = data.as_object().unwrap().clone();
        let date = time::macros::date!(2024 - 09 - 27);
        let extracted = extract(spec, &data, date, &cx);
        for (key, value) in expect {
            assert_eq!(
                extracted.fields.get(*key),
                Some(value),
                "{record_type}: {key}"
            );
        }
        for key in absent {
            assert!(!extracted.fields.contains_key(*key), "{record_type}: {key}");
        }
        for key in extracted.fields.keys() {
            assert_ne!(
                crate::disclosure::field_label(key),
                key.as_str(),
                "{key} has a Chinese label"
            );
        }
    }

    #[test]
    fn penalty_decision_carries_kinds_content_amounts_and_the_organisation_code() {
        check(
            "r16_penalty_decision",
            "penalty",
            json!({
                "outcome": "给予行政处罚",
                "party": {"kind": "organization", "name": "枣庄市某某食品有限公司",
                          "uscc": "91370403MA3C1234XY", "legal_representative": "王五",
                          "address": "薛城区", "phone": "0632-1234567"},
                "facts_evidence": "销售超过保质期的食品",
                "penalties": [{"kind": "罚款", "detail": "罚款人民币伍仟元"},
                              {"kind": "没收违法所得"},
                              {"kind": "暂扣许可证件", "detail": "食品经营许可证JY13704030001234"}],
                "fine_fen": 500000, "confiscation_fen": 120000,
                "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
                "document_no": "薛市监罚〔2024〕12号"
            }),
            &[
                ("action_type", json!("行政处罚")),
                ("party_class", json!("法人及非法人组织")),
                ("party_code", json!("91370403MA3C1234XY")),
                ("legal_representative", json!("王五")),
                ("penalty_kinds", json!("罚款、没收违法所得、暂扣许可证件")),
                (
                    "penalty_content",
                    json!(
                        "罚款：罚款人民币伍仟元；没收违法所得；暂扣许可证件：食品经营许可证JY13704030001234"
                    ),
                ),
                (
                    "licence_measure",
                    json!("暂扣许可证件：食品经营许可证JY13704030001234"),
                ),
                ("fine_fen", json!(500000)),
                ("confiscation_fen", json!(120000)),
                ("facts", json!("销售超过保质期的食品")),
            ],
            &["compensation_fen"],
        );
    }

    #[test]
    fn natural_persons_identity_number_is_never_copied_d10_d() {
        check(
            "penalty_on_the_spot_decision",
            "penalty",
            json!({
                "party": {"kind": "natural_person", "name": "张三", "id_type": "居民身份证",
                          "id_number": "11010519491231002X", "address": "薛城区", "phone": "13812345678"},
                "violation": "占用疏散通道", "penalty_kind": "罚款", "fine_fen": 20000,
                "legal_basis": "《中华人民共和国消防法》第六十条", "form_serial": "A0001"
            }),
            &[
                ("party_class", json!("自然人")),
                ("penalty_kinds", json!("罚款")),
                ("fine_fen", json!(20000)),
            ],
            &["party_code", "legal_representative"],
        );
        let case = case("penalty");
        let cx = ExtractContext {
            case: &case,
            body_name: "机关",
            matter: None,
            matter_basis: &[],
            fallback_party: None,
        };
        let data = json!({"party": {"kind": "natural_person", "name": "张三",
                                    "id_number": "11010519491231002X", "phone": "13812345678"},
                          "violation": "占用疏散通道", "penalty_kind": "警告"});
        let extracted = extract(
            source_spec("penalty_on_the_spot_decision").unwrap(),
            data.as_object().unwrap(),
            time::macros::date!(2024 - 09 - 27),
            &cx,
        );
        let text = serde_json::to_string(&extracted.fields).unwrap();
        assert!(!text.contains("11010519491231002X") && !text.contains("13812345678"));
    }

    #[test]
    fn no_penalty_decision_states_the_ground() {
        check(
            "r16_penalty_decision",
            "penalty",
            json!({"outcome": "不予行政处罚", "no_penalty_ground": "违法事实不能成立",
                   "facts_evidence": "经查", "legal_basis": "《中华人民共和国行政处罚法》第四十条"}),
            &[("penalty_content", json!("不予行政处罚：违法事实不能成立"))],
            &["penalty_kinds", "fine_fen"],
        );
    }

    #[test]
    fn expropriation_main_facts_are_the_property_expropriated() {
        check(
            "expropriation_decision",
            "expropriation",
            json!({"kind": "征用", "object": "薛城区某路段临时用地300平方米",
                   "legal_basis": "《中华人民共和国突发事件应对法》第十二条",
                   "compensation_standard": "按市场价", "compensation_fen": 3000000}),
            &[
                ("facts", json!("薛城区某路段临时用地300平方米")),
                ("outcome", json!("征用")),
                ("action_type", json!("行政征收征用")),
                ("compensation_fen", json!(3000000)),
            ],
            &[],
        );
    }

    #[test]
    fn licence_decision_carries_category_certificate_number_and_validity_d11_c() {
        check(
            "licence_decision",
            "licensing",
            json!({"outcome": "准予行政许可",
                   "applicant": {"kind": "organization", "name": "枣庄市某某餐饮有限公司",
                                 "uscc": "91370403MA3C1234XY"},
                   "licence_content": "食品经营许可：热食类食品制售",
                   "licence_category": "普通", "certificate_name": "食品经营许可证",
                   "licence_no": "JY23704030001234", "valid_from": "2024-09-27",
                   "valid_to": "2029-09-26", "document_no": "薛市监许〔2024〕88号"}),
            &[
                ("action_type", json!("行政许可")),
                ("licence_category", json!("普通")),
                ("certificate_name", json!("食品经营许可证")),
                ("licence_no", json!("JY23704030001234")),
                ("valid_from", json!("2024-09-27")),
                ("valid_to", json!("2029-09-26")),
            ],
            &["penalty_kinds"],
        );
    }

    #[test]
    fn every_source_names_only_fields_of_its_record_type() {
        let (rules, _) = crate::rules::RuleBook::builtin(&[]).unwrap();
        let set = rules.sets().first().unwrap();
        for spec in SOURCES {
            let record_type = set
                .record_type(spec.record_type)
                .unwrap_or_else(|| panic!("{} is a record type", spec.record_type));
            // Each list is "first present wins": at least one of its names must be a field,
            // or the summary field is always empty (as 主要事实 of expropriations was).
            for (what, names) in [
                ("doc", spec.doc),
                ("facts", spec.facts),
                ("basis", spec.basis),
                ("outcome", spec.outcome),
            ] {
                assert!(
                    names.is_empty()
                        || names
                            .iter()
                            .any(|name| record_type.fields.iter().any(|f| f.name == *name)),
                    "{}.{what}: none of {names:?} is a field of the rule set",
                    spec.record_type
                );
            }
        }
    }
}
