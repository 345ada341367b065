//! Rule sets: loading, cross-reference checks, per-body overrides and effective periods.
//!
//! A rule set is data with citations (DESIGN.md principle 2): [`schema`] defines the TOML shape,
//! this module turns files into a [`RuleBook`] and reports every problem as a [`Diagnostic`] that
//! names file, line and rule, as the parser in rust-analyzer's architecture.md returns
//! `(T, Vec<Diagnostic>)` instead of stopping at the first error. A file with any error is rejected
//! as a whole: half a rule set would enforce half the law.
//!
//! Versioning (D16-a, I15): every set has an effective period; [`RuleBook::effective`] picks the
//! set in force on a trigger date, preferring a body's own override (R4.p2 实施细则) over the
//! district set.

pub mod fields;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use liuhen_calendar::PeriodTable;
use time::Date;

use crate::error::{CoreError, Refusal};
use crate::ids::{BodyId, RequirementId, RuleSetId};
use crate::role::Role;
use schema::{
    FieldSpec, FieldType, GateCheck, MessageSpec, ProcedureSpec, RecordKindSpec, RecordTypeSpec,
    RuleSetFile,
};

/// The compiled-in district rule set (D16-a: XC-2024, 薛政办发〔2024〕8号).
pub const DISTRICT_RULES_FILE: &str = "xc-2024.toml";

/// Text of the compiled-in district rule set.
pub fn district_rules_text() -> &'static str {
    include_str!("../../../../rules/xc-2024.toml")
}

/// Action kinds of R2-a a procedure may declare.
pub const ACTION_KINDS: &[&str] = &[
    "penalty",
    "coercion",
    "compulsory_execution",
    "inspection",
    "expropriation",
    "licensing",
    "other",
];

/// Code-backed gates the engine implements (see `crate::gates`).
pub const CODE_GATES: &[&str] = &[
    "legal_review",
    "statement_period_passed",
    "av_coverage",
    "collective_after_review",
    "on_the_spot_limits",
];

/// Special `from` values of a deadline besides record type ids.
pub const DEADLINE_EVENTS: &[&str] = &["case_opened", "closed", "execution_concluded"];

/// Record types built into the engine (R4-a void, R30 access); rule sets must not define them.
pub const BUILTIN_RECORD_TYPES: &[&str] =
    &["sys_void", "sys_access_request", "sys_access_decision"];

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The file is rejected.
    Error,
    /// The file loads, but something looks wrong (e.g. a set that has expired).
    Warning,
}

/// One problem found while loading rule sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// File name as given to the loader.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The rule (record type, procedure, gate…) the problem is in, e.g. `record_types.r8_initiation`.
    pub rule: String,
    /// What is wrong (Chinese).
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        match self.line {
            Some(line) => write!(
                f,
                "{}:{}: {} [{}] {}",
                self.file, line, level, self.rule, self.message
            ),
            None => write!(
                f,
                "{}: {} [{}] {}",
                self.file, level, self.rule, self.message
            ),
        }
    }
}

/// One loaded rule set (after applying `extends`), checked and indexed.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Identifier, e.g. `XC-2024`.
    pub id: RuleSetId,
    /// Chinese name.
    pub name: String,
    /// Version within the id.
    pub version: u32,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force, inclusive.
    pub effective_to: Option<Date>,
    /// The body this override applies to (None: district-wide).
    pub body: Option<BodyId>,
    /// The set this one extends.
    pub extends: Option<String>,
    /// Source document.
    pub citation: String,
    /// The file it came from.
    pub file: String,
    /// Record types by id.
    pub record_types: BTreeMap<String, RecordTypeSpec>,
    /// Procedures by id.
    pub procedures: BTreeMap<String, ProcedureSpec>,
    /// Named messages for code-backed checks.
    pub messages: BTreeMap<String, MessageSpec>,
}

impl RuleSet {
    /// Whether the set is in force on `date` (D16-a; both ends inclusive).
    pub fn in_force_on(&self, date: Date) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|end| date <= end)
    }

    /// A record type by id.
    pub fn record_type(&self, id: &str) -> Option<&RecordTypeSpec> {
        self.record_types.get(id)
    }

    /// A procedure by id.
    pub fn procedure(&self, id: &str) -> Option<&ProcedureSpec> {
        self.procedures.get(id)
    }

    /// The refusal for a code-backed check: the rule set's own message when it defines
    /// `[messages.<key>]`, else the engine's fallback (which still carries the IDs).
    pub fn refusal(
        &self,
        key: &str,
        fallback_ids: &[&str],
        fallback_message: &str,
        details: Vec<String>,
    ) -> Refusal {
        match self.messages.get(key) {
            Some(spec) => Refusal {
                ids: spec.requires.iter().map(RequirementId::new).collect(),
                message: spec.message.clone(),
                citation: spec.citation.clone(),
                details,
            },
            None => Refusal {
                ids: fallback_ids
                    .iter()
                    .map(|id| RequirementId::new(*id))
                    .collect(),
                message: fallback_message.to_owned(),
                citation: String::new(),
                details,
            },
        }
    }
}

/// All rule sets in force or on file, with the period table they were checked against.
#[derive(Debug, Clone)]
pub struct RuleBook {
    sets: Vec<Arc<RuleSet>>,
    periods: Arc<PeriodTable>,
}

impl RuleBook {
    /// Loads rule-set files given as `(file name, text)` pairs. District sets come first, then
    /// body overrides (which may extend any district set, whatever the order given). Files with
    /// errors are left out; every problem is in the returned diagnostics.
    pub fn load(files: &[(String, String)], periods: PeriodTable) -> (RuleBook, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut parsed = Vec::new();
        for (file, text) in files {
            match toml::from_str::<RuleSetFile>(text) {
                Ok(rule_file) => parsed.push((file.clone(), text.as_str(), rule_file)),
                Err(err) => diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    file: file.clone(),
                    line: err.span().map(|span| line_of(text, span.start)),
                    rule: "toml".to_owned(),
                    message: format!("无法解析：{}", err.message()),
                }),
            }
        }
        // District sets first, so overrides can find what they extend.
        parsed.sort_by_key(|(_, _, rule_file)| rule_file.rule_set.extends.is_some());
        let mut sets: Vec<Arc<RuleSet>> = Vec::new();
        for (file, text, rule_file) in parsed {
            let mut checker = Checker {
                file: &file,
                text,
                periods: &periods,
                diagnostics: Vec::new(),
            };
            if let Some(set) = checker.compile(rule_file, &sets) {
                let has_error = checker
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Error);
                if !has_error {
                    sets.push(Arc::new(set));
                }
            }
            diagnostics.extend(checker.diagnostics);
        }
        (
            RuleBook {
                sets,
                periods: Arc::new(periods),
            },
            diagnostics,
        )
    }

    /// Like [`RuleBook::load`], but any error rejects the whole book (`CoreError::RuleSet` with
    /// one line per diagnostic). Warnings are returned.
    pub fn load_strict(
        files: &[(String, String)],
        periods: PeriodTable,
    ) -> Result<(RuleBook, Vec<Diagnostic>), CoreError> {
        let (book, diagnostics) = RuleBook::load(files, periods);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(CoreError::RuleSet(
                diagnostics.iter().map(ToString::to_string).collect(),
            ));
        }
        Ok((book, diagnostics))
    }

    /// The compiled-in district rule set with the compiled-in period table, plus `overrides`
    /// (body files from `<data dir>/rules/*.toml`).
    pub fn builtin(
        overrides: &[(String, String)],
    ) -> Result<(RuleBook, Vec<Diagnostic>), CoreError> {
        let periods = PeriodTable::embedded()
            .map_err(|err| CoreError::RuleSet(vec![format!("periods.toml: {err}")]))?;
        let mut files = vec![(
            DISTRICT_RULES_FILE.to_owned(),
            district_rules_text().to_owned(),
        )];
        files.extend(overrides.iter().cloned());
        RuleBook::load_strict(&files, periods)
    }

    /// Every loaded set.
    pub fn sets(&self) -> &[Arc<RuleSet>] {
        &self.sets
    }

    /// The period table deadlines are computed with.
    pub fn periods(&self) -> &PeriodTable {
        &self.periods
    }

    /// The set in force for `body` on `date` (I15: pick by the trigger date): the body's own
    /// override if one is in force, else the district set; the highest version wins.
    pub fn effective(&self, body: &BodyId, date: Date) -> Option<&RuleSet> {
        let pick = |own: bool| {
            self.sets
                .iter()
                .filter(|set| set.in_force_on(date))
                .filter(|set| {
                    if own {
                        set.body.as_ref() == Some(body)
                    } else {
                        set.body.is_none()
                    }
                })
                .max_by_key(|set| set.version)
                .map(AsRef::as_ref)
        };
        pick(true).or_else(|| pick(false))
    }

    /// A set by id (the one named in a record's `rule_set`), preferring `body`'s override.
    pub fn by_id(&self, id: &str, body: &BodyId) -> Option<&RuleSet> {
        self.sets
            .iter()
            .filter(|set| set.id.as_str() == id)
            .max_by_key(|set| (set.body.as_ref() == Some(body), set.version))
            .map(AsRef::as_ref)
    }
}

/// 1-based line number of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Checks the shape of a requirement ID: a part letter (D, R, L, T, P, I), an article number,
/// optional `.N` / `.pN` sub-items, optional `-x` requirement letter: `R8-a`, `D4.3`, `R8.p2`,
/// `R10.1`.
pub fn is_requirement_id(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    if !matches!(chars.next(), Some('D' | 'R' | 'L' | 'T' | 'P' | 'I')) {
        return false;
    }
    let mut digits = 0;
    while chars.peek().is_some_and(char::is_ascii_digit) {
        chars.next();
        digits += 1;
    }
    if digits == 0 {
        return false;
    }
    while chars.peek() == Some(&'.') {
        chars.next();
        if chars.peek() == Some(&'p') {
            chars.next();
        }
        let mut sub = 0;
        while chars.peek().is_some_and(char::is_ascii_digit) {
            chars.next();
            sub += 1;
        }
        if sub == 0 {
            return false;
        }
    }
    match chars.next() {
        None => true,
        Some('-') => {
            matches!(chars.next(), Some(c) if c.is_ascii_lowercase()) && chars.next().is_none()
        }
        Some(_) => false,
    }
}

fn is_snake_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn toml_date(value: &toml::value::Datetime) -> Option<Date> {
    let date = value.date?;
    if value.time.is_some() {
        return None;
    }
    let month = time::Month::try_from(date.month).ok()?;
    Date::from_calendar_date(i32::from(date.year), month, date.day).ok()
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    periods: &'a PeriodTable,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, offset: Option<usize>, rule: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            file: self.file.to_owned(),
            line: offset.map(|offset| line_of(self.text, offset)),
            rule: rule.to_owned(),
            message: message.into(),
        });
    }

    fn header_line(&self) -> Option<usize> {
        self.text.find("[rule_set]")
    }

    fn check_ids(&mut self, offset: Option<usize>, rule: &str, ids: &[String], allow_empty: bool) {
        if ids.is_empty() && !allow_empty {
            self.error(offset, rule, "缺少 requires（须引用需求编号）");
        }
        for id in ids {
            if !is_requirement_id(id) {
                self.error(offset, rule, format!("需求编号格式不正确：{id:?}"));
            }
        }
    }

    fn compile(&mut self, file: RuleSetFile, loaded: &[Arc<RuleSet>]) -> Option<RuleSet> {
        let header = file.rule_set;
        let at = self.header_line();
        let id = match RuleSetId::new(header.id.clone()) {
            Ok(id) => id,
            Err(_) => {
                self.error(at, "rule_set", format!("规则集编号无效：{:?}", header.id));
                return None;
            }
        };
        let Some(effective_from) = toml_date(&header.effective_from) else {
            self.error(at, "rule_set", "effective_from 须为日期（YYYY-MM-DD）");
            return None;
        };
        let effective_to = match &header.effective_to {
            None => None,
            Some(value) => match toml_date(value) {
                Some(date) => Some(date),
                None => {
                    self.error(at, "rule_set", "effective_to 须为日期（YYYY-MM-DD）");
                    return None;
                }
            },
        };
        if effective_to.is_some_and(|end| end < effective_from) {
            self.error(at, "rule_set", "effective_to 早于 effective_from");
        }
        self.check_ids(at, "rule_set", &header.requires, true);
        let body = match &header.body {
            None => None,
            Some(text) => match BodyId::new(text.clone()) {
                Ok(body) => Some(body),
                Err(_) => {
                    self.error(at, "rule_set", format!("执法主体编号无效：{text:?}"));
                    return None;
                }
            },
        };
        let mut record_types = BTreeMap::new();
        let mut procedures = BTreeMap::new();
        let mut messages = BTreeMap::new();
        match (&header.extends, &body) {
            (Some(base_id), _) => {
                let base = loaded
                    .iter()
                    .filter(|set| set.id.as_str() == base_id && set.body.is_none())
                    .max_by_key(|set| set.version);
                match base {
                    Some(base) => {
                        record_types = base.record_types.clone();
                        procedures = base.procedures.clone();
                        messages = base.messages.clone();
                    }
                    None => self.error(
                        at,
                        "rule_set",
                        format!("extends 引用的规则集不存在：{base_id}"),
                    ),
                }
                if body.is_none() {
                    self.error(
                        at,
                        "rule_set",
                        "extends 只用于执法主体的实施细则，须同时写 body",
                    );
                }
            }
            (None, Some(_)) => self.error(
                at,
                "rule_set",
                "执法主体的实施细则须写 extends（所依据的区规则集）",
            ),
            (None, None) => {}
        }
        // Entries of this file replace inherited ones with the same id.
        let mut own_types = BTreeSet::new();
        let mut spans = BTreeMap::new();
        for spanned in file.record_types {
            let offset = spanned.span().start;
            let spec = spanned.into_inner();
            if !own_types.insert(spec.id.clone()) {
                self.error(
                    Some(offset),
                    &format!("record_types.{}", spec.id),
                    "记录类型编号重复",
                );
            }
            spans.insert(format!("rt:{}", spec.id), offset);
            record_types.insert(spec.id.clone(), spec);
        }
        let mut own_procedures = BTreeSet::new();
        for spanned in file.procedures {
            let offset = spanned.span().start;
            let spec = spanned.into_inner();
            if !own_procedures.insert(spec.id.clone()) {
                self.error(
                    Some(offset),
                    &format!("procedures.{}", spec.id),
                    "程序编号重复",
                );
            }
            spans.insert(format!("pr:{}", spec.id), offset);
            procedures.insert(spec.id.clone(), spec);
        }
        for (key, spec) in file.messages {
            let offset = self.text.find(&format!("[messages.{key}]"));
            self.check_ids(offset, &format!("messages.{key}"), &spec.requires, false);
            messages.insert(key, spec);
        }
        for (type_id, spec) in &record_types {
            if own_types.contains(type_id) {
                let offset = spans.get(&format!("rt:{type_id}")).copied();
                self.check_record_type(offset, spec, &record_types, &procedures);
            }
        }
        for (procedure_id, spec) in &procedures {
            if own_procedures.contains(procedure_id)
                || own_types.iter().any(|t| record_types.contains_key(t))
            {
                let offset = spans.get(&format!("pr:{procedure_id}")).copied();
                self.check_procedure(offset, spec, &record_types);
            }
        }
        if procedures.is_empty() {
            self.error(at, "rule_set", "规则集没有任何程序（procedures）");
        }
        Some(RuleSet {
            id,
            name: header.name,
            version: header.version,
            effective_from,
            effective_to,
            body,
            extends: header.extends,
            citation: header.citation,
            file: self.file.to_owned(),
            record_types,
            procedures,
            messages,
        })
    }

    fn check_record_type(
        &mut self,
        offset: Option<usize>,
        spec: &RecordTypeSpec,
        record_types: &BTreeMap<String, RecordTypeSpec>,
        procedures: &BTreeMap<String, ProcedureSpec>,
    ) {
        let rule = format!("record_types.{}", spec.id);
        if !is_snake_id(&spec.id) {
            self.error(offset, &rule, "记录类型编号只能含小写字母、数字和下划线");
        }
        if BUILTIN_RECORD_TYPES.contains(&spec.id.as_str()) {
            self.error(
                offset,
                &rule,
                "该编号为系统内置记录类型，不能在规则集中定义",
            );
        }
        if spec.name.trim().is_empty() {
            self.error(offset, &rule, "记录类型名称为空");
        }
        if spec.citation.trim().is_empty() {
            self.error(offset, &rule, "缺少 citation（须引用条款）");
        }
        self.check_ids(offset, &rule, &spec.requires, false);
        if spec.roles.is_empty() {
            self.error(offset, &rule, "roles 为空：没有角色可以录入");
        }
        for role in &spec.roles {
            match Role::from_code(role) {
                None => self.error(offset, &rule, format!("未知角色：{role}")),
                Some(Role::Supervisor | Role::SysAdmin | Role::SecAdmin | Role::Auditor) => self
                    .error(
                        offset,
                        &rule,
                        format!("角色 {role} 不能实施执法步骤（L2-a；监督人员只读）"),
                    ),
                Some(_) => {}
            }
        }
        self.check_fields(offset, &rule, &spec.fields, record_types);
        let field = |name: &str| spec.fields.iter().find(|f| f.name == name);
        if spec.min_officers > 0
            && field("officers").is_none_or(|f| f.field_type != FieldType::Officers)
        {
            self.error(
                offset,
                &rule,
                "min_officers 需要类型为 officers 的字段 officers",
            );
        }
        if spec.needs_av
            && field("av_records").is_none_or(|f| f.field_type != FieldType::RecordRefs)
        {
            self.error(
                offset,
                &rule,
                "needs_av 需要类型为 record_refs 的字段 av_records（R5-a）",
            );
        }
        let effects = &spec.effects;
        for link in &effects.flags_from_fields {
            if field(&link.field).is_none_or(|f| f.field_type != FieldType::Bool) {
                self.error(
                    offset,
                    &rule,
                    format!("flags_from_fields 引用的字段不是布尔字段：{}", link.field),
                );
            }
        }
        for condition in [&effects.initiates_when, &effects.execution_concluded_when]
            .into_iter()
            .flatten()
        {
            match field(&condition.field) {
                None => self.error(
                    offset,
                    &rule,
                    format!("条件引用的字段不存在：{}", condition.field),
                ),
                Some(f) if f.field_type == FieldType::Enum => {
                    for value in &condition.values {
                        if !f.values.contains(value) {
                            self.error(
                                offset,
                                &rule,
                                format!("条件值不在字段 {} 的可选值中：{value}", f.name),
                            );
                        }
                    }
                }
                Some(_) => {}
            }
        }
        if let Some(stage) = &effects.advance_to {
            let known = procedures
                .values()
                .any(|p| p.stages.iter().any(|s| &s.id == stage));
            if !known {
                self.error(
                    offset,
                    &rule,
                    format!("advance_to 引用的阶段不存在：{stage}"),
                );
            }
        }
        if spec.kind == RecordKindSpec::Av && spec.fields.is_empty() {
            self.error(offset, &rule, "音像记录须有 R27-a 元数据字段");
        }
    }

    fn check_fields(
        &mut self,
        offset: Option<usize>,
        rule: &str,
        fields: &[FieldSpec],
        record_types: &BTreeMap<String, RecordTypeSpec>,
    ) {
        let mut names = BTreeSet::new();
        for field in fields {
            let field_rule = format!("{rule}.{}", field.name);
            if !is_snake_id(&field.name) {
                self.error(offset, &field_rule, "字段名只能含小写字母、数字和下划线");
            }
            if field.name == "confidentiality" {
                self.error(
                    offset,
                    &field_rule,
                    "confidentiality 为系统字段（R30-d），不能重复定义",
                );
            }
            if !names.insert(field.name.as_str()) {
                self.error(offset, &field_rule, "字段名重复");
            }
            if field.label.trim().is_empty() {
                self.error(offset, &field_rule, "字段标签为空");
            }
            self.check_ids(offset, &field_rule, &field.requires, true);
            match field.field_type {
                FieldType::Enum if field.values.is_empty() => {
                    self.error(offset, &field_rule, "枚举字段须有 values");
                }
                FieldType::List | FieldType::Object => {
                    if field.item_fields.is_empty() {
                        self.error(offset, &field_rule, "list/object 字段须有 item_fields");
                    }
                    self.check_fields(offset, &field_rule, &field.item_fields, record_types);
                }
                FieldType::RecordRef | FieldType::RecordRefs => {
                    for target in &field.ref_types {
                        if !record_types.contains_key(target) {
                            self.error(
                                offset,
                                &field_rule,
                                format!("ref_types 引用的记录类型不存在：{target}"),
                            );
                        }
                    }
                }
                FieldType::DocNumber if field.required && field.when.is_none() => {
                    self.error(
                        offset,
                        &field_rule,
                        "文号由系统分配（R26-b），doc_number 字段须 required = false",
                    );
                }
                _ => {}
            }
            if let Some(when) = &field.when {
                match fields.iter().find(|f| f.name == when.field) {
                    None => self.error(
                        offset,
                        &field_rule,
                        format!("when 引用的字段不存在：{}", when.field),
                    ),
                    Some(other) if other.field_type == FieldType::Enum => {
                        for value in &when.values {
                            if !other.values.contains(value) {
                                self.error(
                                    offset,
                                    &field_rule,
                                    format!("when 的值不在字段 {} 的可选值中：{value}", other.name),
                                );
                            }
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }

    fn check_procedure(
        &mut self,
        offset: Option<usize>,
        spec: &ProcedureSpec,
        record_types: &BTreeMap<String, RecordTypeSpec>,
    ) {
        let rule = format!("procedures.{}", spec.id);
        if !is_snake_id(&spec.id) {
            self.error(offset, &rule, "程序编号只能含小写字母、数字和下划线");
        }
        if !ACTION_KINDS.contains(&spec.action.as_str()) {
            self.error(
                offset,
                &rule,
                format!("未知的执法行为类别：{}", spec.action),
            );
        }
        self.check_ids(offset, &rule, &spec.requires, false);
        if spec.citation.trim().is_empty() {
            self.error(offset, &rule, "缺少 citation（须引用条款）");
        }
        let exists = |id: &str| record_types.contains_key(id);
        if spec.start.is_empty() {
            self.error(offset, &rule, "start 为空：没有启动记录类型（R7–R9）");
        }
        for id in &spec.start {
            if !exists(id) {
                self.error(offset, &rule, format!("start 引用的记录类型不存在：{id}"));
            }
        }
        if spec.stages.is_empty() {
            self.error(offset, &rule, "程序没有阶段（R3-a）");
        }
        let mut stage_ids = BTreeSet::new();
        for stage in &spec.stages {
            let stage_rule = format!("{rule}.stages.{}", stage.id);
            if !stage_ids.insert(stage.id.as_str()) {
                self.error(offset, &stage_rule, "阶段编号重复");
            }
            for id in &stage.record_types {
                if !exists(id) {
                    self.error(
                        offset,
                        &stage_rule,
                        format!("阶段引用的记录类型不存在：{id}"),
                    );
                }
            }
            for id in &stage.mandatory {
                if !stage.record_types.contains(id) && !spec.any_stage.contains(id) {
                    self.error(
                        offset,
                        &stage_rule,
                        format!("必备记录不在本阶段可录入的类型中：{id}（R4-c）"),
                    );
                }
            }
        }
        for id in &spec.any_stage {
            if !exists(id) {
                self.error(
                    offset,
                    &rule,
                    format!("any_stage 引用的记录类型不存在：{id}"),
                );
            }
        }
        for gate in &spec.gates {
            let gate_rule = format!("{rule}.gates.{}", gate.id);
            if !exists(&gate.before) {
                self.error(
                    offset,
                    &gate_rule,
                    format!("before 引用的记录类型不存在：{}", gate.before),
                );
            }
            self.check_ids(offset, &gate_rule, &gate.requires, false);
            if gate.message.trim().is_empty() {
                self.error(offset, &gate_rule, "门槛缺少中文提示 message");
            }
            let referenced: Vec<&String> = match &gate.check {
                GateCheck::RecordsExist(ids) => ids.iter().collect(),
                GateCheck::IfRecordThen {
                    if_record,
                    then_any,
                } => std::iter::once(if_record).chain(then_any.iter()).collect(),
                GateCheck::IfFlagThen { then_any, .. } => then_any.iter().collect(),
                GateCheck::FlagNotSet(_) => Vec::new(),
                GateCheck::Code(name) => {
                    if !CODE_GATES.contains(&name.as_str()) {
                        self.error(offset, &gate_rule, format!("未知的代码门槛：{name}"));
                    }
                    if name == "av_coverage"
                        && record_types.get(&gate.before).is_some_and(|t| !t.needs_av)
                    {
                        self.error(
                            offset,
                            &gate_rule,
                            "av_coverage 门槛所守的记录类型须 needs_av = true",
                        );
                    }
                    Vec::new()
                }
            };
            for id in referenced {
                if !exists(id) {
                    self.error(
                        offset,
                        &gate_rule,
                        format!("门槛引用的记录类型不存在：{id}"),
                    );
                }
            }
        }
        let mut keys = BTreeSet::new();
        for deadline in &spec.deadlines {
            let deadline_rule = format!("{rule}.deadlines.{}", deadline.key);
            if !keys.insert(deadline.key.as_str()) {
                self.error(offset, &deadline_rule, "期限键重复");
            }
            if self.periods.get(&deadline.period).is_none() {
                self.error(
                    offset,
                    &deadline_rule,
                    format!("期限表中没有该期限：{}", deadline.period),
                );
            }
            if !exists(&deadline.from) && !DEADLINE_EVENTS.contains(&deadline.from.as_str()) {
                self.error(
                    offset,
                    &deadline_rule,
                    format!("from 既不是记录类型也不是已知事件：{}", deadline.from),
                );
            }
            for id in &deadline.until {
                if !exists(id) {
                    self.error(
                        offset,
                        &deadline_rule,
                        format!("until 引用的记录类型不存在：{id}"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_id_shapes() {
        for good in [
            "R8-a", "D4.3", "R8.p2", "R10.1", "L2-a", "T2", "P10", "I14", "D4.4",
        ] {
            assert!(is_requirement_id(good), "{good}");
        }
        for bad in ["", "r8-a", "R", "R8-", "R8-ab", "X1", "R8.", "R8-A", "R8 a"] {
            assert!(!is_requirement_id(bad), "{bad}");
        }
    }

    #[test]
    fn line_numbers_are_one_based() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
