//! Content tests of the shipped district rule set `rules/xc-2024.toml` (D16-a, R31-a, L14-a).
//!
//! The engine's loader checks the *format* (unknown types, bad IDs, missing periods); these tests
//! check the *content* the measures demand: every rule cites a requirement of the catalogue, the
//! fields R7–R25 and R27 enumerate are present, the gates of R13–R16 and L2/L11 guard every
//! decision, A/V is mandatory where R5 says so, and every reference resolves.

use std::collections::{BTreeMap, BTreeSet};

use liuhen_calendar::PeriodTable;
use liuhen_core::rules::schema::{
    FieldSpec, FieldType, GateCheck, ProcedureSpec, RecordKindSpec, RecordTypeSpec, RuleSetFile,
};
use liuhen_core::rules::{RuleBook, Severity};

const DISTRICT: &str = include_str!("../../../rules/xc-2024.toml");
const PERIODS: &str = include_str!("../../../rules/periods.toml");

/// The stage order of R3-a (启动 / 调查取证 / 审核决定 / 送达执行, plus 归档 for R29).
const STAGE_ORDER: [&str; 5] = [
    "initiation",
    "investigation",
    "decision",
    "delivery_execution",
    "archive",
];

fn parsed() -> RuleSetFile {
    match toml::from_str::<RuleSetFile>(DISTRICT) {
        Ok(file) => file,
        Err(err) => panic!("rules/xc-2024.toml does not parse: {err}"),
    }
}

fn record_types(file: &RuleSetFile) -> BTreeMap<String, RecordTypeSpec> {
    file.record_types
        .iter()
        .map(|t| (t.get_ref().id.clone(), t.get_ref().clone()))
        .collect()
}

fn procedures(file: &RuleSetFile) -> BTreeMap<String, ProcedureSpec> {
    file.procedures
        .iter()
        .map(|p| (p.get_ref().id.clone(), p.get_ref().clone()))
        .collect()
}

fn periods() -> PeriodTable {
    match PeriodTable::from_toml_str(PERIODS) {
        Ok(table) => table,
        Err(err) => panic!("rules/periods.toml does not parse: {err}"),
    }
}

/// Whether `id` is a requirement ID of the three measures: `[DRL]\d+(-[a-z]|\.\d+|\.p\d+)?`.
fn is_measure_id(id: &str) -> bool {
    let mut chars = id.chars().peekable();
    if !matches!(chars.next(), Some('D' | 'R' | 'L')) {
        return false;
    }
    let mut digits = 0;
    while chars.next_if(char::is_ascii_digit).is_some() {
        digits += 1;
    }
    if digits == 0 {
        return false;
    }
    let rest: String = chars.collect();
    if rest.is_empty() {
        return true;
    }
    if let Some(letter) = rest.strip_prefix('-') {
        return letter.len() == 1 && letter.chars().all(|c| c.is_ascii_lowercase());
    }
    if let Some(sub) = rest.strip_prefix(".p").or_else(|| rest.strip_prefix('.')) {
        return !sub.is_empty() && sub.chars().all(|c| c.is_ascii_digit());
    }
    false
}

fn cites(ids: &[String]) -> bool {
    ids.iter().any(|id| is_measure_id(id))
}

fn is_snake(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn all_fields(fields: &[FieldSpec]) -> Vec<&FieldSpec> {
    let mut out = Vec::new();
    for field in fields {
        out.push(field);
        out.extend(all_fields(&field.item_fields));
    }
    out
}

fn record_type<'a>(types: &'a BTreeMap<String, RecordTypeSpec>, id: &str) -> &'a RecordTypeSpec {
    match types.get(id) {
        Some(spec) => spec,
        None => panic!("record type {id} is missing"),
    }
}

fn procedure<'a>(procs: &'a BTreeMap<String, ProcedureSpec>, id: &str) -> &'a ProcedureSpec {
    match procs.get(id) {
        Some(spec) => spec,
        None => panic!("procedure {id} is missing"),
    }
}

#[test]
fn shipped_rule_set_parses_with_the_schema_and_is_xc_2024() {
    let file = parsed();
    assert_eq!(file.rule_set.id, "XC-2024");
    assert_eq!(
        file.rule_set.effective_from.to_string(),
        "2024-09-01",
        "D16-a"
    );
    assert_eq!(
        file.rule_set.effective_to.map(|d| d.to_string()).as_deref(),
        Some("2029-08-31"),
        "D16-a, R31"
    );
    assert!(
        file.rule_set.body.is_none() && file.rule_set.extends.is_none(),
        "the district set extends nothing"
    );
    assert!(cites(&file.rule_set.requires));
}

#[test]
fn the_loader_accepts_the_shipped_set_without_any_diagnostic() {
    let files = vec![("xc-2024.toml".to_owned(), DISTRICT.to_owned())];
    let (book, diagnostics) = RuleBook::load(&files, periods());
    let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert!(diagnostics.is_empty(), "diagnostics:\n{}", text.join("\n"));
    assert_eq!(book.sets().len(), 1);
    let builtin = RuleBook::builtin(&[]);
    assert!(
        builtin.as_ref().is_ok_and(|(_, diags)| diags.is_empty()),
        "builtin: {:?}",
        builtin.err()
    );
}

#[test]
fn every_record_type_field_gate_procedure_and_message_cites_a_measure_requirement() {
    let file = parsed();
    let mut uncited = Vec::new();
    for spec in record_types(&file).values() {
        if !cites(&spec.requires) || spec.citation.trim().is_empty() {
            uncited.push(format!("record type {}", spec.id));
        }
        // A field without its own IDs inherits the record type's (schema.rs FieldSpec::requires).
        for field in all_fields(&spec.fields) {
            if !field.requires.is_empty() && !cites(&field.requires) {
                uncited.push(format!("field {}.{}", spec.id, field.name));
            }
        }
    }
    for spec in procedures(&file).values() {
        if !cites(&spec.requires) || spec.citation.trim().is_empty() {
            uncited.push(format!("procedure {}", spec.id));
        }
        for gate in &spec.gates {
            if !cites(&gate.requires) || gate.citation.trim().is_empty() || !has_han(&gate.message)
            {
                uncited.push(format!("gate {}.{}", spec.id, gate.id));
            }
        }
    }
    for (key, message) in &file.messages {
        if !cites(&message.requires)
            || message.citation.trim().is_empty()
            || !has_han(&message.message)
        {
            uncited.push(format!("message {key}"));
        }
    }
    assert!(
        uncited.is_empty(),
        "without a D/R/L requirement ID or citation: {uncited:#?}"
    );
}

#[test]
fn every_deadline_uses_a_period_of_the_table_that_cites_a_measure_requirement() {
    let file = parsed();
    let table = periods();
    let types = record_types(&file);
    for spec in procedures(&file).values() {
        for deadline in &spec.deadlines {
            let Some(period) = table.get(&deadline.period) else {
                panic!(
                    "{}: deadline {} uses unknown period {}",
                    spec.id, deadline.key, deadline.period
                );
            };
            assert!(
                cites(&period.requirements),
                "period {} cites no D/R/L requirement",
                period.name
            );
            let special = ["case_opened", "closed", "execution_concluded"];
            assert!(
                types.contains_key(&deadline.from) || special.contains(&deadline.from.as_str()),
                "{}: deadline {} starts at unknown {}",
                spec.id,
                deadline.key,
                deadline.from
            );
            assert!(!deadline.until.is_empty());
            for until in &deadline.until {
                assert!(
                    types.contains_key(until),
                    "{}: deadline {} met by unknown {until}",
                    spec.id,
                    deadline.key
                );
            }
        }
    }
}

#[test]
fn every_reference_to_a_record_type_stage_or_field_resolves() {
    let file = parsed();
    let types = record_types(&file);
    let procs = procedures(&file);
    let stage_ids: BTreeSet<&str> = procs
        .values()
        .flat_map(|p| p.stages.iter().map(|s| s.id.as_str()))
        .collect();
    let mut broken = Vec::new();
    for spec in types.values() {
        for field in all_fields(&spec.fields) {
            for target in &field.ref_types {
                if !types.contains_key(target) {
                    broken.push(format!("{}.{} ref_types {target}", spec.id, field.name));
                }
            }
        }
        if let Some(stage) = &spec.effects.advance_to
            && !stage_ids.contains(stage.as_str())
        {
            broken.push(format!("{} advance_to {stage}", spec.id));
        }
        for siblings in std::iter::once(&spec.fields)
            .chain(all_fields(&spec.fields).iter().map(|f| &f.item_fields))
        {
            for field in siblings {
                let Some(when) = &field.when else { continue };
                match siblings.iter().find(|f| f.name == when.field) {
                    None => broken.push(format!("{}.{} when {}", spec.id, field.name, when.field)),
                    Some(other) if other.field_type == FieldType::Enum => {
                        for value in &when.values {
                            if !other.values.contains(value) {
                                broken
                                    .push(format!("{}.{} when value {value}", spec.id, field.name));
                            }
                        }
                    }
                    Some(other) if other.field_type == FieldType::Bool => {
                        if when.values.iter().any(|v| v != "true" && v != "false") {
                            broken.push(format!(
                                "{}.{} when on a bool needs true/false",
                                spec.id, field.name
                            ));
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
    for spec in procs.values() {
        let mut listed: BTreeSet<&str> = spec.any_stage.iter().map(String::as_str).collect();
        for id in spec.start.iter().chain(&spec.any_stage) {
            if !types.contains_key(id) {
                broken.push(format!("{} start/any_stage {id}", spec.id));
            }
        }
        for stage in &spec.stages {
            for id in &stage.record_types {
                listed.insert(id);
                if !types.contains_key(id) {
                    broken.push(format!("{}.{} {id}", spec.id, stage.id));
                }
            }
            for id in &stage.mandatory {
                if !stage.record_types.contains(id) && !spec.any_stage.contains(id) {
                    broken.push(format!(
                        "{}.{} mandatory {id} not allowed there",
                        spec.id, stage.id
                    ));
                }
            }
        }
        for id in &spec.start {
            if !spec
                .stages
                .first()
                .is_some_and(|s| s.record_types.contains(id))
            {
                broken.push(format!(
                    "{}: start type {id} not in the first stage",
                    spec.id
                ));
            }
        }
        for gate in &spec.gates {
            let mut referenced = vec![&gate.before];
            match &gate.check {
                GateCheck::RecordsExist(ids) => referenced.extend(ids),
                GateCheck::IfRecordThen {
                    if_record,
                    then_any,
                } => {
                    referenced.push(if_record);
                    referenced.extend(then_any);
                }
                GateCheck::IfFlagThen { then_any, .. } => referenced.extend(then_any),
                GateCheck::FlagNotSet(_) | GateCheck::Code(_) => {}
            }
            for id in referenced {
                if !types.contains_key(id) {
                    broken.push(format!("{} gate {} -> {id}", spec.id, gate.id));
                }
            }
            if !listed.contains(gate.before.as_str()) {
                broken.push(format!(
                    "{} gate {} guards {} which the procedure never allows",
                    spec.id, gate.id, gate.before
                ));
            }
        }
    }
    assert!(broken.is_empty(), "broken references: {broken:#?}");
}

#[test]
fn every_record_type_is_reachable_from_some_procedure() {
    let file = parsed();
    let mut used = BTreeSet::new();
    for spec in procedures(&file).values() {
        used.extend(spec.start.iter().cloned());
        used.extend(spec.any_stage.iter().cloned());
        for stage in &spec.stages {
            used.extend(stage.record_types.iter().cloned());
        }
    }
    let unused: Vec<String> = record_types(&file)
        .into_keys()
        .filter(|id| !used.contains(id))
        .collect();
    assert!(
        unused.is_empty(),
        "record types no procedure allows: {unused:?}"
    );
}

#[test]
fn names_are_ascii_snake_case_and_labels_are_chinese() {
    let file = parsed();
    for spec in record_types(&file).values() {
        assert!(is_snake(&spec.id), "record type id {}", spec.id);
        assert!(has_han(&spec.name), "record type name {}", spec.name);
        for field in all_fields(&spec.fields) {
            assert!(is_snake(&field.name), "{}.{}", spec.id, field.name);
            assert!(
                has_han(&field.label),
                "{}.{} label {}",
                spec.id,
                field.name,
                field.label
            );
            assert_ne!(
                field.name, "confidentiality",
                "R30-d label is a system field"
            );
        }
    }
}

#[test]
fn help_texts_are_short_chinese_sentences_on_the_most_used_forms() {
    let file = parsed();
    let types = record_types(&file);
    for spec in types.values() {
        for field in all_fields(&spec.fields)
            .into_iter()
            .filter(|f| !f.help.is_empty())
        {
            let at = format!("{}.{}", spec.id, field.name);
            assert!(has_han(&field.help), "{at} help {}", field.help);
            // Shown under the field: a line or two, not a paragraph.
            assert!(field.help.chars().count() <= 80, "{at} help is too long");
            // An article is cited as 《…》第…条 (STYLE.md "Comments and citations").
            if field.help.contains('《') {
                assert!(
                    field.help.contains('》') && field.help.contains("第"),
                    "{at} help cites {}",
                    field.help
                );
            }
        }
    }
    for id in [
        "summary_onsite_finding",
        "penalty_on_the_spot_decision",
        "r8_initiation",
        "av_record",
    ] {
        assert!(
            record_type(&types, id)
                .fields
                .iter()
                .any(|f| !f.help.is_empty()),
            "{id} has no help text"
        );
    }
}

#[test]
fn no_supervisor_or_administrator_can_enter_any_record_citing_l2_a() {
    let file = parsed();
    for spec in record_types(&file).values() {
        for role in &spec.roles {
            assert!(
                [
                    "OFFICER",
                    "UNIT_HEAD",
                    "AGENCY_HEAD",
                    "REVIEWER",
                    "ARCHIVIST"
                ]
                .contains(&role.as_str()),
                "{} allows role {role}",
                spec.id
            );
        }
    }
}

#[test]
fn the_eight_procedures_cover_every_action_kind_with_stages_in_r3_a_order() {
    let file = parsed();
    let procs = procedures(&file);
    let expected = [
        ("penalty_ordinary", "penalty"),
        ("penalty_summary", "penalty"),
        ("licensing", "licensing"),
        ("coercion_seizure", "coercion"),
        ("coercion_freeze", "coercion"),
        ("compulsory_execution", "compulsory_execution"),
        ("inspection", "inspection"),
        ("expropriation", "expropriation"),
    ];
    for (id, action) in expected {
        let spec = procedure(&procs, id);
        assert_eq!(spec.action, action, "{id}");
        let order: Vec<usize> = spec
            .stages
            .iter()
            .map(
                |s| match STAGE_ORDER.iter().position(|known| *known == s.id) {
                    Some(index) => index,
                    None => panic!("{id}: unknown stage {}", s.id),
                },
            )
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "{id}: stages out of R3-a order"
        );
        for required in ["initiation", "decision", "delivery_execution", "archive"] {
            assert!(
                spec.stages.iter().any(|s| s.id == required),
                "{id}: no {required} stage"
            );
        }
        let archive = spec.stages.iter().find(|s| s.id == "archive");
        assert!(
            archive.is_some_and(|s| s.mandatory == ["r29_archive"]),
            "{id}: R29 archive is mandatory"
        );
        assert!(
            spec.deadlines
                .iter()
                .any(|d| d.period == "archive" && d.from == "execution_concluded"),
            "{id}: R29-a"
        );
        assert!(
            spec.any_stage.iter().any(|t| t == "av_record"),
            "{id}: A/V can be recorded in every stage"
        );
        for delivery in [
            "r18_direct_delivery",
            "r19_postal_delivery",
            "r20_lodged_delivery",
            "r22_public_notice_delivery",
        ] {
            assert!(
                spec.any_stage.iter().any(|t| t == delivery),
                "{id}: {delivery} in every stage (R17-a)"
            );
        }
    }
    assert_eq!(procs.len(), expected.len());
}

/// `check(record type, fields that must be present)`: the fields R7–R25 and R27 enumerate.
fn check_fields(types: &BTreeMap<String, RecordTypeSpec>, id: &str, expected: &[&str]) {
    let spec = record_type(types, id);
    let names: BTreeSet<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|name| !names.contains(**name))
        .collect();
    assert!(missing.is_empty(), "{id} lacks {missing:?}");
}

#[test]
fn record_types_carry_the_fields_the_measure_enumerates() {
    let file = parsed();
    let types = record_types(&file);
    let table: &[(&str, &[&str])] = &[
        (
            "r7_application",
            &[
                "apply_method",
                "applicant",
                "application_file",
                "oral_transcript",
            ],
        ),
        (
            "r7_acceptance",
            &["outcome", "acceptance_no", "refusal_reasons", "notice_file"],
        ),
        ("r7_onsite_correction", &["corrections"]),
        ("r7_supplement_request", &["missing_items", "notice_file"]),
        ("r7_supplement_received", &["request_ref", "received_items"]),
        (
            "r8_initiation",
            &["reason", "source", "party", "facts", "officer_opinion"],
        ),
        ("r8_unit_opinion", &["opinion"]),
        ("r8_head_opinion", &["decision", "opinion"]),
        (
            "r8_not_initiated",
            &[
                "method",
                "inform_way",
                "inform_document",
                "channel",
                "no_notice_reason",
            ],
        ),
        (
            "r9_complaint",
            &[
                "real_name",
                "complainant",
                "content",
                "channel",
                "outcome",
                "not_started_reason",
                "transfer_to",
                "handled_on",
            ],
        ),
        ("r9_complainant_informed", &["method", "summary"]),
        (
            "r10_1_questioning_party",
            &[
                "place",
                "officers",
                "interviewee",
                "content",
                "confirmation",
                "document_file",
            ],
        ),
        (
            "r10_2_questioning_witness",
            &[
                "place",
                "officers",
                "witness",
                "relation",
                "content",
                "document_file",
            ],
        ),
        (
            "r10_3_evidence_collection",
            &["place", "officers", "source", "items", "document_file"],
        ),
        (
            "r10_4_onsite_inspection",
            &[
                "place",
                "officers",
                "persons_present",
                "content",
                "photos",
                "document_file",
            ],
        ),
        (
            "r10_5_sampling",
            &[
                "sample_name",
                "specification",
                "quantity",
                "place",
                "sealing",
                "holder",
                "document_file",
            ],
        ),
        (
            "r10_6_preservation",
            &[
                "items",
                "storage_place",
                "approval_ref",
                "document_no",
                "document_file",
            ],
        ),
        (
            "r10_6_preservation_handling",
            &["handling", "preservation_ref"],
        ),
        (
            "r10_7_commission",
            &["institution", "items", "document_file"],
        ),
        ("r10_7_result", &["commission_ref", "conclusion"]),
        (
            "av_record",
            &[
                "media_type",
                "device_type",
                "method",
                "makers",
                "proof_object",
                "content_tags",
                "device_id",
                "gps",
            ],
        ),
        ("av_transcript", &["av_ref", "transcript"]),
        ("r13_examination", &["findings", "proposed_decision"]),
        ("r13_unit_review", &["opinion"]),
        ("r13_head_approval", &["opinion"]),
        (
            "r14_statement_notice",
            &[
                "facts",
                "evidence",
                "basis",
                "content",
                "rights",
                "period_days",
            ],
        ),
        (
            "r14_statement_response",
            &["response", "content", "points", "waiver_form", "period_end"],
        ),
        ("r15_hearing_notice", &["document_no", "served_on"]),
        ("r15_hearing_application", &["applicant"]),
        (
            "r15_hearing_record",
            &[
                "notice_ref",
                "application_ref",
                "place",
                "participants",
                "summary",
                "minutes_file",
            ],
        ),
        (
            "r16_expert_argument",
            &["experts", "form", "conclusions", "report_file"],
        ),
        (
            "r16_collective_discussion",
            &[
                "place",
                "chair",
                "attendees",
                "matters",
                "opinions",
                "conclusion",
                "minutes_file",
            ],
        ),
        (
            "r16_penalty_decision",
            &[
                "signing_opinion",
                "document_no",
                "fine_fen",
                "legal_basis",
                "review_ref",
            ],
        ),
        (
            "r18_direct_delivery",
            &[
                "documents",
                "place",
                "sealed",
                "officers",
                "recipient",
                "relationship",
                "receipt_file",
            ],
        ),
        (
            "r19_postal_delivery",
            &[
                "carrier",
                "addressee",
                "address",
                "tracking_no",
                "postage_proof_file",
                "mailing_list",
            ],
        ),
        ("r19_postal_receipt", &["receipt_file"]),
        (
            "r20_lodged_delivery",
            &[
                "reason",
                "place",
                "officers",
                "witness_status",
                "witnesses",
                "no_witness_explanation",
            ],
        ),
        (
            "r21_entrusted_delivery",
            &[
                "reason",
                "entrusted",
                "server",
                "signer",
                "signed_on",
                "signature_file",
                "documents",
            ],
        ),
        (
            "r21_forwarded_delivery",
            &[
                "reason",
                "forwarder",
                "server",
                "signer",
                "signed_on",
                "signature_file",
                "documents",
            ],
        ),
        (
            "r22_public_notice_delivery",
            &[
                "reason",
                "medium",
                "notice_start",
                "notice_text_file",
                "notice_period_days",
                "service_date",
            ],
        ),
        (
            "r23_execution_status",
            &["status", "conclusion_reason", "evidence"],
        ),
        ("r23_rectification_order", &["deadline"]),
        (
            "r23_correction_verification",
            &["officers", "findings", "result"],
        ),
        (
            "r24_reminder",
            &[
                "perform_by",
                "method",
                "amount_fen",
                "rights",
                "document_no",
            ],
        ),
        ("r24_notification", &["document", "content"]),
        (
            "r24_statement",
            &[
                "content",
                "review",
                "reviewed_by",
                "reviewed_on",
                "handling_opinion",
                "opinion_by",
                "opinion_on",
            ],
        ),
        (
            "r25_court_application",
            &["court", "application_file", "materials", "court_case_no"],
        ),
        (
            "r25_court_result",
            &["ruling", "ruling_date", "result", "result_date"],
        ),
        (
            "r29_archive",
            &["archive_no", "retention", "hashes_verified"],
        ),
    ];
    for (id, fields) in table {
        check_fields(&types, id, fields);
    }
}

#[test]
fn postal_service_allows_only_registered_mail_or_ems_citing_r19_a() {
    let file = parsed();
    let types = record_types(&file);
    let carrier = record_type(&types, "r19_postal_delivery")
        .fields
        .iter()
        .find(|f| f.name == "carrier");
    assert!(
        carrier.is_some_and(
            |f| f.field_type == FieldType::Enum && f.values == ["挂号信", "邮政特快专递"]
        )
    );
}

#[test]
fn investigation_and_coercive_acts_need_two_officers_citing_article_42() {
    let file = parsed();
    let types = record_types(&file);
    for id in [
        "r10_1_questioning_party",
        "r10_2_questioning_witness",
        "r10_3_evidence_collection",
        "r10_4_onsite_inspection",
        "r10_5_sampling",
        "r10_6_preservation",
        "seizure_act",
        "freeze_decision",
        "demolition_act",
        "penalty_on_the_spot_decision",
    ] {
        let spec = record_type(&types, id);
        assert_eq!(spec.min_officers, 2, "{id}");
        assert!(
            spec.fields
                .iter()
                .any(|f| f.name == "officers" && f.field_type == FieldType::Officers),
            "{id}"
        );
    }
}

#[test]
fn seizure_and_demolition_need_full_av_coverage_citing_r5_a() {
    let file = parsed();
    let types = record_types(&file);
    for id in ["seizure_act", "demolition_act"] {
        let spec = record_type(&types, id);
        assert!(spec.needs_av, "{id}");
        let av = spec.fields.iter().find(|f| f.name == "av_records");
        assert!(
            av.is_some_and(|f| f.required && f.ref_types == ["av_record"]),
            "{id}: av_records"
        );
    }
    for spec in procedures(&file).values() {
        for stage in &spec.stages {
            for id in stage
                .record_types
                .iter()
                .filter(|id| ["seizure_act", "demolition_act"].contains(&id.as_str()))
            {
                let guarded = spec.gates.iter().any(|g| {
                    &g.before == id && matches!(&g.check, GateCheck::Code(c) if c == "av_coverage")
                });
                assert!(guarded, "{}: {id} without an av_coverage gate", spec.id);
            }
        }
    }
}

#[test]
fn av_records_carry_r27_metadata_and_r3_c_media_and_device_types() {
    let file = parsed();
    let types = record_types(&file);
    let av: Vec<&RecordTypeSpec> = types
        .values()
        .filter(|t| t.kind == RecordKindSpec::Av)
        .collect();
    assert_eq!(av.len(), 1);
    let spec = av[0];
    let field = |name: &str| match spec.fields.iter().find(|f| f.name == name) {
        Some(field) => field,
        None => panic!("av_record lacks {name}"),
    };
    for name in [
        "method",
        "makers",
        "proof_object",
        "media_type",
        "device_type",
    ] {
        assert!(field(name).required, "{name} is mandatory (R27-a, R3-c)");
    }
    assert_eq!(field("media_type").values, ["照片", "录音", "录像", "视频"]);
    assert_eq!(
        field("device_type").values,
        [
            "照相机",
            "录音机",
            "摄像机",
            "执法记录仪",
            "视频监控",
            "其他"
        ]
    );
    let tags = &field("content_tags").item_fields[0].values;
    assert_eq!(tags.len(), 6, "R12.1–R12.6");
    let transcript = record_type(&types, "av_transcript");
    assert!(
        transcript
            .fields
            .iter()
            .any(|f| f.name == "av_ref" && f.ref_types == ["av_record"]),
        "R27-b"
    );
}

#[test]
fn decisions_are_signed_only_by_the_agency_head_citing_r16_a() {
    let file = parsed();
    let types = record_types(&file);
    for id in [
        "r8_head_opinion",
        "r13_head_approval",
        "r16_penalty_decision",
        "licence_decision",
        "seizure_disposal",
        "freeze_disposal",
        "enforcement_decision",
        "expropriation_decision",
    ] {
        assert_eq!(record_type(&types, id).roles, ["AGENCY_HEAD"], "{id}");
    }
    assert_eq!(
        record_type(&types, "r8_unit_opinion").roles,
        ["UNIT_HEAD"],
        "R8-a (6)"
    );
    assert_eq!(
        record_type(&types, "r13_unit_review").roles,
        ["UNIT_HEAD"],
        "R13-a"
    );
    assert_eq!(
        record_type(&types, "l8_review_approved").roles,
        ["REVIEWER"],
        "L8-a"
    );
    assert_eq!(
        record_type(&types, "r29_archive").roles,
        ["ARCHIVIST"],
        "R29-d"
    );
}

#[test]
fn document_numbers_are_assigned_by_the_engine_never_entered_citing_r26_b() {
    let file = parsed();
    for spec in record_types(&file).values() {
        for field in all_fields(&spec.fields)
            .into_iter()
            .filter(|f| f.field_type == FieldType::DocNumber)
        {
            assert!(
                !field.required && field.when.is_none(),
                "{}.{} must not be required",
                spec.id,
                field.name
            );
            assert!(
                spec.document.as_deref().is_some_and(|d| d.ends_with('字')),
                "{}: 文种代字 for numbering",
                spec.id
            );
        }
    }
}

/// `check(procedure, decision record type, code gates and flag gates it must carry)`.
fn check_decision_gates(
    procs: &BTreeMap<String, ProcedureSpec>,
    proc_id: &str,
    decision: &str,
    codes: &[&str],
    flags: &[&str],
) {
    let spec = procedure(procs, proc_id);
    let gates: Vec<_> = spec.gates.iter().filter(|g| g.before == decision).collect();
    for code in codes {
        assert!(
            gates
                .iter()
                .any(|g| matches!(&g.check, GateCheck::Code(c) if c == code)),
            "{proc_id}: {decision} lacks code gate {code}"
        );
    }
    for flag in flags {
        assert!(
            gates
                .iter()
                .any(|g| matches!(&g.check, GateCheck::IfFlagThen { flag: f, .. } if f == flag)),
            "{proc_id}: {decision} lacks flag gate {flag}"
        );
    }
    assert!(
        gates.iter().any(|g| matches!(&g.check, GateCheck::RecordsExist(ids)
            if ids.iter().any(|i| i == "r13_examination") && ids.iter().any(|i| i == "r13_head_approval"))),
        "{proc_id}: {decision} lacks the R13-a examination/approval gate"
    );
    assert!(
        gates.iter().any(|g| matches!(&g.check, GateCheck::IfRecordThen { then_any, .. }
            if then_any.iter().any(|i| i == "r13_unit_review") && then_any.iter().any(|i| i == "l8_review_approved"))),
        "{proc_id}: {decision} lacks the R13-a review gate"
    );
}

#[test]
fn every_decision_is_gated_by_r13_r14_r15_r16_and_the_l2_a_hook() {
    let file = parsed();
    let procs = procedures(&file);
    let all_flags = ["needs_expert_argument", "needs_collective_discussion"];
    check_decision_gates(
        &procs,
        "penalty_ordinary",
        "r16_penalty_decision",
        &["legal_review", "statement_period_passed"],
        &["hearing_requested", all_flags[0], all_flags[1]],
    );
    check_decision_gates(
        &procs,
        "licensing",
        "licence_decision",
        &["legal_review"],
        &["hearing_requested", all_flags[0], all_flags[1]],
    );
    check_decision_gates(
        &procs,
        "coercion_seizure",
        "seizure_disposal",
        &["legal_review"],
        &["hearing_requested", all_flags[0], all_flags[1]],
    );
    check_decision_gates(
        &procs,
        "coercion_freeze",
        "freeze_disposal",
        &["legal_review"],
        &["hearing_requested", all_flags[0], all_flags[1]],
    );
    check_decision_gates(
        &procs,
        "compulsory_execution",
        "enforcement_decision",
        &["legal_review"],
        &all_flags,
    );
    check_decision_gates(
        &procs,
        "expropriation",
        "expropriation_decision",
        &["legal_review"],
        &["hearing_requested", all_flags[0], all_flags[1]],
    );
    for spec in procs.values() {
        let allows_collective = spec.stages.iter().any(|s| {
            s.record_types
                .iter()
                .any(|t| t == "r16_collective_discussion")
        });
        if allows_collective {
            assert!(
                spec.gates.iter().any(|g| g.before == "r16_collective_discussion"
                    && matches!(&g.check, GateCheck::Code(c) if c == "collective_after_review")),
                "{}: L11-a",
                spec.id
            );
        }
        let allows_notice = spec
            .stages
            .iter()
            .any(|s| s.record_types.iter().any(|t| t == "r14_statement_notice"));
        if allows_notice {
            assert!(
                spec.gates.iter().any(|g| matches!(&g.check, GateCheck::IfRecordThen { if_record, then_any }
                    if if_record == "r14_statement_notice" && then_any == &["r14_statement_response"])),
                "{}: R14-c",
                spec.id
            );
        }
    }
}

#[test]
fn penalty_review_is_required_unless_on_the_spot_citing_l4_a() {
    let file = parsed();
    let procs = procedures(&file);
    let types = record_types(&file);
    assert!(procedure(&procs, "penalty_ordinary").review_required);
    let summary = procedure(&procs, "penalty_summary");
    assert!(!summary.review_required);
    for start in &summary.start {
        assert!(
            record_type(&types, start)
                .effects
                .set_flags
                .iter()
                .any(|f| f == "on_the_spot"),
            "{start}"
        );
    }
    let hearing = &record_type(&types, "r15_hearing_record").effects.set_flags;
    assert!(
        hearing.iter().any(|f| f == "hearing_held")
            && hearing.iter().any(|f| f == "review_required"),
        "R15-c"
    );
    assert!(
        record_type(&types, "l4_review_mark")
            .effects
            .set_flags
            .iter()
            .any(|f| f == "review_required"),
        "L4-e"
    );
    assert!(
        record_type(&types, "l8_review_approved")
            .effects
            .set_flags
            .iter()
            .any(|f| f == "review_passed"),
        "L8-a"
    );
    assert!(
        record_type(&types, "r14_statement_response")
            .effects
            .set_flags
            .iter()
            .any(|f| f == "statement_closed")
    );
}

#[test]
fn compulsory_execution_requires_a_served_reminder_before_deciding_or_going_to_court() {
    let file = parsed();
    let procs = procedures(&file);
    let spec = procedure(&procs, "compulsory_execution");
    for before in ["enforcement_decision", "r25_court_application"] {
        assert!(
            spec.gates.iter().any(|g| g.before == before
                && matches!(&g.check, GateCheck::RecordsExist(ids) if ids == &["r24_reminder", "r24_reminder_served"])),
            "R24-a: {before}"
        );
    }
}

#[test]
fn intake_records_initiate_only_on_a_positive_outcome() {
    let file = parsed();
    let types = record_types(&file);
    let check = |id: &str, field: &str, values: &[&str]| {
        let condition = record_type(&types, id).effects.initiates_when.as_ref();
        assert!(
            condition.is_some_and(|c| c.field == field && c.values == values),
            "{id}"
        );
    };
    check("r7_acceptance", "outcome", &["受理"]);
    check("r8_head_opinion", "decision", &["立案"]);
    check("r9_complaint", "outcome", &["启动执法程序"]);
    let concluded = record_type(&types, "r23_execution_status")
        .effects
        .execution_concluded_when
        .as_ref();
    assert!(concluded.is_some_and(|c| c.values == ["执行终结"]), "R23-a");
    assert!(record_type(&types, "case_closure").effects.closes);
}

#[test]
fn all_messages_for_code_checks_are_defined() {
    let file = parsed();
    for key in [
        "role_not_allowed",
        "body_scope",
        "credential_invalid",
        "too_few_officers",
        "stage_not_allowed",
        "field_missing",
        "field_invalid",
        "av_required",
        "legal_review",
        "statement_period_passed",
        "collective_after_review",
        "supervisor_read_only",
        "admin_no_legal_steps",
        // Keys the engine looks up (crates/core/src/case.rs, gates.rs, service).
        "role_refused",
        "stage_refused",
        "min_officers",
        "mandatory_missing",
        "case_not_initiated",
        "av_coverage",
    ] {
        assert!(file.messages.contains_key(key), "[messages.{key}] missing");
    }
}

/// Rules are data: every message key the engine's code passes to `RuleSet::refusal` (directly
/// or through the review gate's `refuse`) is defined in the shipped set, so no refusal falls back
/// to a text written in Rust. Scans the crate's own sources for `refusal("key"`,
/// `refuse(set, "key"` and the pre-checks' `finding("key"` / `note("key"`.
#[test]
fn every_message_key_used_in_code_is_defined_in_the_shipped_set() {
    fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    /// The string literal starting the argument list after `call` (whitespace and one
    /// leading non-literal argument allowed), if any.
    fn keys_after<'t>(text: &'t str, call: &str, skip_first_arg: bool) -> Vec<&'t str> {
        let mut keys = Vec::new();
        for (at, _) in text.match_indices(call) {
            let mut rest = text[at + call.len()..].trim_start();
            if skip_first_arg {
                let Some(comma) = rest.find(',') else {
                    continue;
                };
                if rest[..comma].contains('"') || rest[..comma].contains('(') {
                    continue;
                }
                rest = rest[comma + 1..].trim_start();
            }
            if let Some(literal) = rest.strip_prefix('"')
                && let Some(end) = literal.find('"')
            {
                let key = &literal[..end];
                if !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                {
                    keys.push(key);
                }
            }
        }
        keys
    }
    let file = parsed();
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut used = BTreeSet::new();
    let mut missing = Vec::new();
    for (path, text) in &files {
        let mut keys = keys_after(text, ".refusal(", false);
        keys.extend(keys_after(text, "refuse(", true));
        // L7-b pre-check findings (`input.finding("key"`, `input.note("key"`).
        keys.extend(keys_after(text, ".finding(", false));
        keys.extend(keys_after(text, ".note(", false));
        for key in keys {
            used.insert(key.to_owned());
            if !file.messages.contains_key(key) {
                missing.push(format!("{key} ({path})"));
            }
        }
    }
    assert!(
        used.len() >= 45,
        "the scan found only {used:?}: is it still looking at the right calls?"
    );
    assert!(missing.is_empty(), "[messages.*] missing for {missing:#?}");
}

#[test]
fn a_body_override_extends_the_district_set_and_replaces_a_record_type() {
    let override_text = r#"
[rule_set]
id = "XC-2024-SCJGJ"
name = "区市场监督管理局行政执法全过程记录实施细则"
effective_from = 2024-10-01
body = "xc-scjgj"
extends = "XC-2024"
requires = ["R4-e"]
citation = "区市场监督管理局实施细则"

[[record_types]]
id = "r9_complainant_informed"
name = "告知投诉举报人"
kind = "text"
requires = ["R9-b"]
citation = "《薛城区行政执法全过程记录办法》第九条第二款"
roles = ["OFFICER", "UNIT_HEAD"]
fields = [
  { name = "method", label = "告知方式", type = "enum", values = ["书面", "电话"] },
  { name = "summary", label = "告知内容摘要", type = "long_text" },
]
"#;
    let files = vec![
        ("scjgj.toml".to_owned(), override_text.to_owned()),
        ("xc-2024.toml".to_owned(), DISTRICT.to_owned()),
    ];
    let (book, diagnostics) = RuleBook::load(&files, periods());
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(book.sets().len(), 2);
    let body_set = book.sets().iter().find(|s| s.body.is_some());
    let informed = body_set.and_then(|s| s.record_type("r9_complainant_informed"));
    assert!(informed.is_some_and(|t| t.roles == ["OFFICER", "UNIT_HEAD"]));
    assert!(
        body_set.is_some_and(|s| s.procedure("penalty_ordinary").is_some()),
        "procedures are inherited"
    );
}

#[test]
fn a_broken_reference_in_the_shipped_text_is_reported_with_file_line_and_rule() {
    let broken = DISTRICT.replacen(
        r#"ref_types = ["r9_complaint"]"#,
        r#"ref_types = ["r9_no_such_type"]"#,
        1,
    );
    assert_ne!(broken, DISTRICT, "the probe must change the text");
    let files = vec![("xc-2024.toml".to_owned(), broken)];
    let (book, diagnostics) = RuleBook::load(&files, periods());
    assert!(
        book.sets().is_empty(),
        "a set with errors is rejected as a whole"
    );
    let hit = diagnostics
        .iter()
        .find(|d| d.message.contains("r9_no_such_type"));
    assert!(
        hit.is_some_and(|d| d.severity == Severity::Error
            && d.file == "xc-2024.toml"
            && d.line.is_some()
            && d.rule.starts_with("record_types.r8_initiation")),
        "{diagnostics:#?}"
    );
}

#[test]
fn measure_id_shapes_are_recognised() {
    for good in ["R8-a", "D4.3", "R8.p2", "R10.1", "L2-a", "R31"] {
        assert!(is_measure_id(good), "{good}");
    }
    for bad in [
        "", "T2", "P10", "I14", "r8-a", "R", "R8-", "R8-ab", "R8.", "R8.p", "R8-A",
    ] {
        assert!(!is_measure_id(bad), "{bad}");
    }
}

#[test]
fn the_guide_documents_every_record_type_procedure_and_message() {
    let guide = include_str!("../../../docs/rules.md");
    let file = parsed();
    let mut undocumented = Vec::new();
    for id in record_types(&file).keys() {
        if !guide.contains(&format!("### `{id}`")) {
            undocumented.push(format!("record type {id}"));
        }
    }
    for id in procedures(&file).keys() {
        if !guide.contains(&format!("`{id}` — ")) {
            undocumented.push(format!("procedure {id}"));
        }
    }
    for key in file.messages.keys() {
        if !guide.contains(&format!("| `{key}` |")) {
            undocumented.push(format!("message {key}"));
        }
    }
    assert!(
        undocumented.is_empty(),
        "docs/rules.md lacks {undocumented:#?}"
    );
}
