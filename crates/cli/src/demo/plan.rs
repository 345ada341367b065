//! The demo cases: which procedure, body, matter and party, when it started and how far it has
//! got. A path is the legal sequence of records of a procedure (the order the rule set's stages
//! and gates allow); a case follows its path up to a milestone, so the district shows every
//! stage at once: 立案审批中, 调查取证, 待法制审核, 已决定, 已送达, 执行中, 已归档, 不予立案…

/// One step of a path: a record type entered on `day` (relative to the case start) at `hour`.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// Record type id.
    pub rt: &'static str,
    /// Day after the case start.
    pub day: i64,
    /// Hour (Asia/Shanghai).
    pub hour: u8,
    /// Minute.
    pub minute: u8,
    /// Duration in minutes, for activities and A/V (event_end).
    pub mins: Option<i64>,
    /// Content variant (e.g. `refuse`, `concluded`).
    pub variant: &'static str,
    /// Milestone reached once this step is done.
    pub milestone: Option<&'static str>,
    /// The step is an attempt the rules must refuse (shown in the audit log, L2-a).
    pub expect_refusal: bool,
}

const fn s(rt: &'static str, day: i64, hour: u8) -> Step {
    Step {
        rt,
        day,
        hour,
        minute: 0,
        mins: None,
        variant: "",
        milestone: None,
        expect_refusal: false,
    }
}

impl Step {
    const fn at(mut self, minute: u8) -> Step {
        self.minute = minute;
        self
    }
    const fn dur(mut self, mins: i64) -> Step {
        self.mins = Some(mins);
        self
    }
    const fn v(mut self, variant: &'static str) -> Step {
        self.variant = variant;
        self
    }
    const fn m(mut self, milestone: &'static str) -> Step {
        self.milestone = Some(milestone);
        self
    }
    const fn refused(mut self) -> Step {
        self.expect_refusal = true;
        self
    }
}

/// Milestone names (the stage a case is left in).
pub mod milestone {
    /// 立案审批中 (only the officer's proposal).
    pub const PROPOSED: &str = "立案审批中";
    /// 已立案 / 已受理 / 已启动, nothing investigated yet.
    pub const INITIATED: &str = "已立案";
    /// 调查取证中.
    pub const INVESTIGATING: &str = "调查取证";
    /// Awaiting the decision, blocked by legal review (L2-a).
    pub const BLOCKED_BY_REVIEW: &str = "待法制审核";
    /// 已作出决定.
    pub const DECIDED: &str = "已决定";
    /// 已送达.
    pub const DELIVERED: &str = "已送达";
    /// 执行中.
    pub const EXECUTING: &str = "执行中";
    /// 已结案归档.
    pub const ARCHIVED: &str = "已归档";
    /// 不予立案 / 不启动 / 不予受理 (R8-b, R9-b).
    pub const NOT_INITIATED: &str = "未立案";
    /// The review office asked for supplementary material, not yet given (L9-a).
    pub const AWAITING_SUPPLEMENT: &str = "待补充材料";
    /// The agency head adopted the review opinion on an escalation: back to the unit (L10-c).
    pub const RETURNED_BY_HEAD: &str = "负责人采纳审核意见";
    /// The disagreement was referred to the agency head, who has not decided yet (L10-c): the
    /// case is in the head's queue.
    pub const ESCALATED: &str = "待负责人决定";
    /// The draft decision was revised after submission: the frozen package no longer holds
    /// (L2-b), the review must be resubmitted.
    pub const PACKAGE_CHANGED: &str = "送审材料已变更";
}

use milestone::*;

/// How the legal review of a penalty case runs (issue 7: the demo shows every review state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// 同意 at the first round (L8-a).
    Pass,
    /// 存在问题 (L10-a); the unit revises the draft and resubmits answering each problem
    /// (L10-b); 同意 at the second round.
    FixThenPass,
    /// 存在问题; the unit disagrees on resubmission, the office maintains its opinion, the
    /// disagreement goes to the agency head (L10-c), who decides for the unit (负责人决定作出, I11).
    HeadForUnit,
    /// As `HeadForUnit`, but the head adopts the review opinion: the case goes back to the unit.
    HeadAgainst,
    /// The office asks for supplementary material (L9-a), holds a 座谈会 (L9-b), then approves.
    Supplement,
    /// The unit revises the draft decision while the review is pending, which voids the
    /// submitted package (L2-b, 送审材料已变更); it resubmits and the office approves.
    Redraft,
}

/// 行政处罚普通程序, ex officio; the statement period runs out (or a hearing is held), then the
/// legal review runs as `flow` says.
pub fn penalty_path_flow(hearing: bool, flow: Flow) -> Vec<Step> {
    let mut steps = vec![
        s("r8_initiation", 0, 9).at(30).m(PROPOSED),
        s("r8_unit_opinion", 0, 15),
        s("r8_head_opinion", 1, 10).m(INITIATED),
        s("av_record", 3, 9).dur(50),
        s("r10_4_onsite_inspection", 3, 9).at(5).dur(40),
        s("r10_1_questioning_party", 5, 14).at(30).dur(60),
        s("r10_3_evidence_collection", 6, 10)
            .dur(30)
            .m(INVESTIGATING),
        s("investigation_concluded", 20, 16),
        s("r13_examination", 22, 10),
        s("r13_unit_review", 23, 9).at(30),
        s("r13_head_approval", 23, 16),
        s("r14_statement_notice", 24, 10).v(if hearing { "hearing" } else { "" }),
        s("r18_direct_delivery", 26, 10).v("notice"),
    ];
    // Day the review starts; the decision follows the review's outcome.
    let r = if hearing { 36 } else { 32 };
    if hearing {
        steps.extend([
            s("r15_hearing_notice", 24, 11),
            s("r15_hearing_application", 27, 15),
            s("r15_hearing_summons", 29, 10),
            s("av_record", 35, 9).dur(100),
            s("r15_hearing_record", 35, 9).at(5).dur(90),
            s("r14_statement_response", 35, 14).v("argued"),
            s("decision_requirements_mark", 36, 9).v("collective"),
        ]);
    } else {
        steps.push(s("r14_statement_response", 32, 9).v("expired"));
    }
    steps.extend([
        s("l6_review_submission", r, 15),
        // L2-a: the decision is refused while the review has not passed.
        s("r16_penalty_decision", r + 1, 9)
            .refused()
            .m(BLOCKED_BY_REVIEW),
    ]);
    let shift = match flow {
        Flow::Pass => {
            steps.push(s("l8_review_approved", r + 3, 15));
            0
        }
        Flow::FixThenPass => {
            steps.extend([
                s("l10_review_problems", r + 2, 15).v("documents"),
                s("r13_examination", r + 3, 10).v("revised"),
                s("r13_unit_review", r + 3, 15),
                s("l6_review_submission", r + 4, 10).v("fixed"),
                s("l8_review_approved", r + 5, 15),
            ]);
            2
        }
        Flow::HeadForUnit | Flow::HeadAgainst => {
            steps.extend([
                s("l10_review_problems", r + 2, 15).v("discretion"),
                s("l6_review_submission", r + 3, 15).v("disagree"),
                s("l10_review_problems", r + 4, 15).v("maintained"),
                s("l10_escalation", r + 4, 16).m(ESCALATED),
            ]);
            if flow == Flow::HeadForUnit {
                steps.push(s("l10_head_decision", r + 5, 15).v("for_unit"));
            } else {
                steps.push(
                    s("l10_head_decision", r + 5, 15)
                        .v("against")
                        .m(RETURNED_BY_HEAD),
                );
            }
            2
        }
        Flow::Supplement => {
            steps.extend([
                s("l9_supplement_request", r + 2, 10).m(AWAITING_SUPPLEMENT),
                s("l9_supplement_reply", r + 4, 10),
                s("l9_review_meeting", r + 5, 9).dur(90),
                s("l8_review_approved", r + 6, 15),
            ]);
            3
        }
        Flow::Redraft => {
            steps.extend([
                s("r13_examination", r + 2, 10)
                    .v("revised")
                    .m(PACKAGE_CHANGED),
                s("r13_unit_review", r + 2, 15),
                s("l6_review_submission", r + 3, 15),
                s("l8_review_approved", r + 5, 15),
            ]);
            2
        }
    };
    let r = r + shift;
    if hearing {
        steps.extend([
            s("r16_collective_discussion", r + 6, 9).dur(90),
            s("r16_penalty_decision", r + 7, 10).m(DECIDED),
            s("r19_postal_delivery", r + 8, 10),
            s("r19_postal_receipt", r + 11, 11),
            s("r17_decision_served", r + 11, 14)
                .v("postal")
                .m(DELIVERED),
        ]);
    } else {
        steps.extend([
            s("r16_penalty_decision", r + 4, 10).m(DECIDED),
            s("r18_direct_delivery", r + 5, 10).v("decision"),
            s("r17_decision_served", r + 5, 11).m(DELIVERED),
        ]);
    }
    let d = if hearing { 50 } else { 40 } + shift;
    steps.extend([
        s("r23_execution_status", d, 10).v("pending").m(EXECUTING),
        s("r23_fine_payment", d + 8, 10),
        s("r23_execution_status", d + 8, 15).v("concluded"),
        s("case_closure", d + 10, 10).v("executed"),
        s("r29_archive", d + 15, 10).m(ARCHIVED),
    ]);
    steps
}

/// 行政处罚普通程序, ex officio; the statement period runs out, review passes first time.
pub fn penalty_path(hearing: bool) -> Vec<Step> {
    penalty_path_flow(hearing, Flow::Pass)
}

/// 行政处罚普通程序 started by a complaint (R9): the complaint opens the case, the complainant
/// is told the outcome at the end.
pub fn penalty_from_complaint() -> Vec<Step> {
    let mut steps = vec![s("r9_complaint", 0, 9).v("start").m(PROPOSED)];
    for step in penalty_path(false) {
        let mut step = step;
        step.day += 1;
        if step.rt == "r8_initiation" {
            step.variant = "complaint";
            step.milestone = None;
        }
        if step.rt == "case_closure" {
            steps.push(s("r9_complainant_informed", step.day, 9));
        }
        steps.push(step);
    }
    steps
}

/// R9-b: a complaint not followed up; the complainant is told why, the matter closed.
pub fn complaint_not_started() -> Vec<Step> {
    vec![
        s("r9_complaint", 0, 10).v("not_started"),
        s("r9_complainant_informed", 2, 10),
        s("case_closure", 3, 15).v("not_started").m(NOT_INITIATED),
    ]
}

/// R8-b: the head refuses to open the case; the party is told.
pub fn penalty_refused() -> Vec<Step> {
    vec![
        s("r8_initiation", 0, 9),
        s("r8_unit_opinion", 1, 10).v("refuse"),
        s("r8_head_opinion", 2, 10).v("refuse"),
        s("r8_not_initiated", 3, 10),
        s("case_closure", 4, 10).v("refused").m(NOT_INITIATED),
    ]
}

/// 行政处罚简易程序 (当场).
pub fn summary_path() -> Vec<Step> {
    vec![
        s("summary_onsite_finding", 0, 10).dur(10),
        s("penalty_on_the_spot_decision", 0, 10)
            .at(15)
            .dur(10)
            .m(DECIDED),
        s("summary_filing", 1, 9).m(EXECUTING),
        s("r23_fine_payment", 3, 10),
        s("r23_execution_status", 3, 15).v("concluded"),
        s("case_closure", 5, 10).v("executed"),
        s("r29_archive", 12, 10).m(ARCHIVED),
    ]
}

/// 行政许可.
pub fn licensing_path() -> Vec<Step> {
    vec![
        s("r7_application", 0, 9).m(PROPOSED),
        s("r7_supplement_request", 1, 10),
        s("r7_supplement_received", 4, 10),
        s("r7_acceptance", 4, 15).m(INITIATED),
        s("r10_4_onsite_inspection", 7, 9).dur(60),
        s("licence_review", 8, 10).m(INVESTIGATING),
        s("investigation_concluded", 8, 16),
        s("l4_determination", 9, 9),
        s("l4_determination_confirmation", 9, 9).at(30),
        s("r13_examination", 9, 10),
        s("r13_unit_review", 9, 15),
        s("r13_head_approval", 10, 9),
        s("licence_decision", 10, 10).m(DECIDED),
        s("licence_certificate_issued", 11, 10),
        s("r18_direct_delivery", 11, 11).v("decision"),
        s("r17_decision_served", 11, 14).m(DELIVERED),
        s("case_closure", 12, 10).v("licence"),
        s("r29_archive", 20, 10).m(ARCHIVED),
    ]
}

/// 行政许可 not accepted (不予受理).
pub fn licensing_refused() -> Vec<Step> {
    vec![
        s("r7_application", 0, 9),
        s("r7_acceptance", 2, 10).v("refuse"),
        s("case_closure", 3, 10).v("other").m(NOT_INITIATED),
    ]
}

/// 查封、扣押.
pub fn seizure_path() -> Vec<Step> {
    vec![
        s("r8_initiation", 0, 9).m(PROPOSED),
        s("r8_unit_opinion", 0, 11),
        s("r8_head_opinion", 0, 14).m(INITIATED),
        s("head_approval", 1, 8).v("seizure"),
        s("seizure_decision", 1, 9),
        s("av_record", 1, 9).at(50).dur(80),
        s("seizure_act", 1, 10).dur(60).m(INVESTIGATING),
        s("r10_1_questioning_party", 3, 14).dur(60),
        s("investigation_concluded", 20, 16),
        s("l4_determination", 21, 9),
        s("l4_determination_confirmation", 21, 9).at(30),
        s("r13_examination", 21, 10),
        s("r13_unit_review", 22, 9),
        s("r13_head_approval", 22, 15),
        s("seizure_disposal", 23, 10).m(DECIDED),
        s("r18_direct_delivery", 24, 10).v("decision"),
        s("r17_decision_served", 24, 11).m(DELIVERED),
        s("r23_execution_status", 25, 10).v("concluded"),
        s("case_closure", 26, 10).v("coercion"),
        s("r29_archive", 33, 10).m(ARCHIVED),
    ]
}

/// 查封、扣押 where the determination found no review needed (L4-d) but the agency head marked
/// the case for review (L4-e, large quantity and public concern); the review passes first time.
pub fn seizure_path_marked() -> Vec<Step> {
    let mut steps: Vec<Step> = seizure_path()
        .into_iter()
        .take_while(|st| st.rt != "r13_head_approval")
        .collect();
    steps.extend([
        s("l4_review_mark", 22, 11),
        s("l6_review_submission", 22, 15),
        s("l8_review_approved", 24, 15),
        s("r13_head_approval", 25, 9),
        s("seizure_disposal", 25, 10).m(DECIDED),
        s("r18_direct_delivery", 26, 10).v("decision"),
        s("r17_decision_served", 26, 11).m(DELIVERED),
        s("r23_execution_status", 27, 10).v("concluded"),
        s("case_closure", 28, 10).v("coercion"),
        s("r29_archive", 35, 10).m(ARCHIVED),
    ]);
    steps
}

/// 冻结存款、汇款.
pub fn freeze_path() -> Vec<Step> {
    vec![
        s("r8_initiation", 0, 9),
        s("r8_unit_opinion", 0, 11),
        s("r8_head_opinion", 0, 14).m(INITIATED),
        s("head_approval", 1, 8).v("freeze"),
        s("freeze_decision", 1, 10),
        s("r10_3_evidence_collection", 3, 10)
            .dur(60)
            .m(INVESTIGATING),
        s("investigation_concluded", 25, 16),
        s("l4_determination", 26, 9),
        s("l4_determination_confirmation", 26, 9).at(30),
        s("r13_examination", 26, 10),
        s("r13_unit_review", 27, 9),
        s("r13_head_approval", 27, 15),
        s("freeze_disposal", 28, 10).m(DECIDED),
        s("r18_direct_delivery", 28, 15).v("decision"),
        s("r17_decision_served", 28, 16).m(DELIVERED),
        s("r23_execution_status", 29, 10).v("concluded"),
        s("case_closure", 30, 10).v("coercion"),
        s("r29_archive", 37, 10).m(ARCHIVED),
    ]
}

/// 行政强制执行: 强制拆除 (R5-a A/V), major-rights review (L4.3).
pub fn demolition_path() -> Vec<Step> {
    vec![
        s("r8_initiation", 0, 9),
        s("r8_unit_opinion", 0, 11),
        s("r8_head_opinion", 0, 15).m(INITIATED),
        s("r24_reminder", 1, 10),
        s("r18_direct_delivery", 2, 10).v("reminder"),
        s("r24_reminder_served", 2, 11),
        s("demolition_notice", 13, 9).m(INVESTIGATING),
        s("investigation_concluded", 24, 16),
        s("l4_determination", 25, 9).v("major"),
        s("l4_determination_confirmation", 25, 9).at(30),
        s("r13_examination", 25, 10),
        s("r13_unit_review", 26, 9),
        s("l6_review_submission", 26, 15),
        s("l8_review_approved", 27, 15),
        s("r13_head_approval", 28, 9),
        s("enforcement_decision", 28, 10).m(DECIDED),
        s("r18_direct_delivery", 29, 10).v("decision"),
        s("r17_decision_served", 29, 11).m(DELIVERED),
        s("av_record", 40, 8).at(50).dur(200),
        s("demolition_act", 40, 9).dur(180).m(EXECUTING),
        s("r23_execution_status", 40, 15).v("concluded"),
        s("case_closure", 42, 10).v("executed"),
        s("r29_archive", 50, 10).m(ARCHIVED),
    ]
}

/// 行政强制执行: 申请人民法院强制执行.
pub fn court_path() -> Vec<Step> {
    vec![
        s("r8_initiation", 0, 9),
        s("r8_unit_opinion", 0, 11),
        s("r8_head_opinion", 0, 15).m(INITIATED),
        s("r24_reminder", 1, 10),
        s("r18_direct_delivery", 2, 10).v("reminder"),
        s("r24_reminder_served", 2, 11).m(INVESTIGATING),
        s("investigation_concluded", 14, 16),
        s("l4_determination", 15, 9),
        s("l4_determination_confirmation", 15, 9).at(30),
        s("r25_court_application", 15, 10).m(EXECUTING),
        s("r25_court_result", 40, 10),
        s("r23_execution_status", 60, 10).v("concluded"),
        s("case_closure", 61, 10).v("executed"),
        s("r29_archive", 68, 10).m(ARCHIVED),
    ]
}

/// 行政检查; `finding` adds a rectification order and its verification.
pub fn inspection_path(finding: bool) -> Vec<Step> {
    let mut steps = vec![
        s("inspection_plan", 0, 9).m(INITIATED),
        s("av_record", 2, 9).dur(70),
        s("r10_4_onsite_inspection", 2, 9)
            .at(5)
            .dur(60)
            .m(INVESTIGATING),
        s("investigation_concluded", 2, 16),
    ];
    if finding {
        steps.extend([
            s("inspection_result", 3, 10).v("finding").m(DECIDED),
            s("r23_rectification_order", 3, 11).m(EXECUTING),
            s("r23_correction_verification", 16, 10).dur(40),
            s("case_closure", 17, 10).v("inspection"),
            s("r29_archive", 24, 10).m(ARCHIVED),
        ]);
    } else {
        steps.extend([
            s("inspection_result", 3, 10).m(DECIDED),
            s("case_closure", 4, 10).v("inspection"),
            s("r29_archive", 11, 10).m(ARCHIVED),
        ]);
    }
    steps
}

/// 行政征用 in an emergency.
pub fn requisition_path() -> Vec<Step> {
    vec![
        s("r8_initiation", 0, 8),
        s("r8_unit_opinion", 0, 8).at(30),
        s("r8_head_opinion", 0, 9).m(INITIATED),
        s("r10_4_onsite_inspection", 0, 10).dur(30).m(INVESTIGATING),
        s("investigation_concluded", 0, 11),
        s("l4_determination", 0, 12),
        s("l4_determination_confirmation", 0, 12).at(30),
        s("r13_examination", 0, 13),
        s("r13_unit_review", 0, 14),
        s("r13_head_approval", 0, 15),
        s("expropriation_decision", 0, 16).m(DECIDED),
        s("r18_direct_delivery", 0, 17).v("decision"),
        s("r17_decision_served", 0, 18).m(DELIVERED),
        s("expropriation_compensation", 12, 10)
            .v("return")
            .m(EXECUTING),
        s("expropriation_compensation", 30, 10).v("pay"),
        s("r23_execution_status", 30, 15).v("concluded"),
        s("case_closure", 32, 10).v("executed"),
        s("r29_archive", 40, 10).m(ARCHIVED),
    ]
}

/// A planned case.
#[derive(Debug, Clone, Copy)]
pub struct CasePlan {
    /// Procedure id.
    pub procedure: &'static str,
    /// Index into `district::BODIES`.
    pub body: usize,
    /// Power item suffix.
    pub item: &'static str,
    /// Scenario key.
    pub scenario: &'static str,
    /// Index into `scenarios::PARTIES`.
    pub party: usize,
    /// Days before today the case started.
    pub days_ago: i64,
    /// Path.
    pub path: fn() -> Vec<Step>,
    /// The milestone the case stops at.
    pub until: &'static str,
    /// What happens to the disclosure item of its first decision (issue 8).
    pub disclosure: Disc,
    /// Start the case so that its decision's disclosure is due within P8 today (the start is
    /// computed from the calendar at run time; `days_ago` is the fallback).
    pub due_soon: bool,
}

/// What the demo does with the disclosure item drafted by a case's first decision (D5, D10, D12–
/// D14). Every other item (inspection results, performance updates, later decisions) is
/// published on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disc {
    /// Collected, reviewed and published within its D12 period.
    OnTime,
    /// Published after its D12 due date (supervision shows it as 逾期公示).
    Late,
    /// Collected and submitted, never reviewed: pending past its due date.
    Stuck,
    /// Left as drafted (pending, due soon).
    Untouched,
    /// A D10.3 restriction (publication would obstruct the investigation), approved by the head.
    Restrict,
    /// Published, then corrected by the body on its own (D13-a).
    Correct,
    /// Published, then corrected on a public request (D13-b), which is answered (D13-c).
    RequestAnswered,
    /// Published; a public correction request is still open.
    RequestOpen,
    /// Published, then the decision is revoked on administrative reconsideration and the item
    /// withdrawn (D14-a).
    Withdraw,
}

impl CasePlan {
    /// Sets the disclosure treatment.
    const fn d(mut self, disclosure: Disc) -> CasePlan {
        self.disclosure = disclosure;
        self
    }

    /// Marks the case as the one whose disclosure is due soon.
    const fn due_soon(mut self) -> CasePlan {
        self.due_soon = true;
        self
    }
}

#[allow(clippy::too_many_arguments)] // one positional row per case keeps the table readable
const fn c(
    procedure: &'static str,
    body: usize,
    item: &'static str,
    scenario: &'static str,
    party: usize,
    days_ago: i64,
    path: fn() -> Vec<Step>,
    until: &'static str,
) -> CasePlan {
    CasePlan {
        procedure,
        body,
        item,
        scenario,
        party,
        days_ago,
        path,
        until,
        disclosure: Disc::OnTime,
        due_soon: false,
    }
}

fn plain() -> Vec<Step> {
    penalty_path(false)
}
fn fix_then_pass() -> Vec<Step> {
    penalty_path_flow(false, Flow::FixThenPass)
}
fn head_for_unit() -> Vec<Step> {
    penalty_path_flow(false, Flow::HeadForUnit)
}
fn head_against() -> Vec<Step> {
    penalty_path_flow(false, Flow::HeadAgainst)
}
fn supplement() -> Vec<Step> {
    penalty_path_flow(false, Flow::Supplement)
}
fn redraft() -> Vec<Step> {
    penalty_path_flow(false, Flow::Redraft)
}
fn hearing() -> Vec<Step> {
    penalty_path(true)
}
fn finding() -> Vec<Step> {
    inspection_path(true)
}
fn no_finding() -> Vec<Step> {
    inspection_path(false)
}

const PO: &str = "penalty_ordinary";
const PS: &str = "penalty_summary";
const LI: &str = "licensing";
const CS: &str = "coercion_seizure";
const CF: &str = "coercion_freeze";
const CE: &str = "compulsory_execution";
const IN: &str = "inspection";
const EX: &str = "expropriation";

/// The 49 demo cases (bodies: 0 市场监管, 1 综合执法, 2 生态环境, 3 应急管理).
pub const CASES: &[CasePlan] = &[
    // 行政处罚普通程序 (21)
    c(
        PO,
        0,
        "food",
        "expired_food",
        0,
        170,
        fix_then_pass,
        ARCHIVED,
    )
    .d(Disc::Correct),
    c(PO, 0, "food", "expired_food", 10, 120, plain, EXECUTING).d(Disc::Late),
    c(
        PO,
        0,
        "price",
        "price_tag",
        1,
        100,
        head_for_unit,
        DELIVERED,
    ),
    c(PO, 0, "food", "expired_food", 4, 75, plain, DECIDED).d(Disc::Stuck),
    c(PO, 0, "price", "price_tag", 5, 50, plain, BLOCKED_BY_REVIEW),
    c(PO, 0, "food", "expired_food", 7, 12, plain, INVESTIGATING),
    c(
        PO,
        0,
        "price",
        "price_tag",
        11,
        5,
        complaint_not_started,
        NOT_INITIATED,
    ),
    c(PO, 1, "build", "illegal_building", 12, 160, plain, ARCHIVED).d(Disc::RequestAnswered),
    c(
        PO,
        1,
        "road",
        "road_stall",
        3,
        45,
        penalty_from_complaint,
        BLOCKED_BY_REVIEW,
    ),
    c(PO, 1, "build", "illegal_building", 12, 2, plain, PROPOSED),
    c(
        PO,
        1,
        "road",
        "road_stall",
        9,
        20,
        penalty_refused,
        NOT_INITIATED,
    ),
    c(PO, 2, "air", "air_emission", 2, 150, hearing, ARCHIVED),
    c(PO, 2, "water", "dark_pipe", 6, 90, hearing, DELIVERED).d(Disc::Withdraw),
    c(PO, 2, "air", "air_emission", 8, 25, plain, INVESTIGATING),
    c(
        PO,
        3,
        "safety",
        "safety_training",
        13,
        130,
        penalty_from_complaint,
        ARCHIVED,
    ),
    c(PO, 3, "safety", "safety_training", 8, 6, plain, INITIATED),
    c(
        PO,
        3,
        "safety",
        "safety_training",
        2,
        140,
        supplement,
        EXECUTING,
    )
    .d(Disc::Late),
    c(
        PO,
        0,
        "price",
        "price_tag",
        7,
        38,
        supplement,
        AWAITING_SUPPLEMENT,
    ),
    c(
        PO,
        2,
        "water",
        "dark_pipe",
        2,
        48,
        head_against,
        RETURNED_BY_HEAD,
    ),
    // Issue 7: an escalation waiting for the agency head (the head's queue, L10-c) and a
    // package voided by a revised draft (L2-b).
    c(PO, 1, "road", "road_stall", 4, 44, head_for_unit, ESCALATED),
    c(
        PO,
        3,
        "safety",
        "safety_training",
        10,
        40,
        redraft,
        PACKAGE_CHANGED,
    ),
    // 行政处罚简易程序 (5)
    c(
        PS,
        1,
        "road",
        "summary_stall",
        5,
        80,
        summary_path,
        ARCHIVED,
    ),
    c(
        PS,
        1,
        "road",
        "summary_stall",
        11,
        40,
        summary_path,
        ARCHIVED,
    ),
    c(
        PS,
        1,
        "road",
        "summary_stall",
        9,
        3,
        summary_path,
        EXECUTING,
    )
    .d(Disc::Untouched)
    .due_soon(),
    c(
        PS,
        0,
        "price",
        "summary_price",
        10,
        30,
        summary_path,
        ARCHIVED,
    ),
    c(
        PS,
        0,
        "price",
        "summary_price",
        0,
        2,
        summary_path,
        EXECUTING,
    ),
    // 行政许可 (6)
    c(
        LI,
        0,
        "licence",
        "food_licence",
        4,
        110,
        licensing_path,
        ARCHIVED,
    ),
    c(
        LI,
        0,
        "licence",
        "food_licence",
        0,
        60,
        licensing_path,
        DELIVERED,
    )
    .d(Disc::RequestOpen),
    c(
        LI,
        0,
        "licence",
        "food_licence",
        10,
        14,
        licensing_path,
        DECIDED,
    ),
    c(
        LI,
        0,
        "licence",
        "food_licence",
        4,
        11,
        licensing_path,
        INVESTIGATING,
    ),
    c(
        LI,
        0,
        "licence",
        "food_licence",
        1,
        5,
        licensing_path,
        INITIATED,
    ),
    c(
        LI,
        0,
        "licence",
        "food_licence",
        7,
        9,
        licensing_refused,
        NOT_INITIATED,
    ),
    // 查封扣押 (4), 冻结 (2)
    c(
        CS,
        0,
        "seize",
        "seize_food",
        10,
        95,
        seizure_path_marked,
        ARCHIVED,
    ),
    c(
        CS,
        0,
        "seize",
        "seize_food",
        0,
        8,
        seizure_path,
        INVESTIGATING,
    ),
    c(
        CS,
        2,
        "seize",
        "seize_equipment",
        2,
        70,
        seizure_path,
        ARCHIVED,
    ),
    c(
        CS,
        2,
        "seize",
        "seize_equipment",
        6,
        30,
        seizure_path,
        DECIDED,
    ),
    c(CF, 0, "freeze", "freeze_mlm", 13, 85, freeze_path, ARCHIVED),
    c(
        CF,
        0,
        "freeze",
        "freeze_mlm",
        13,
        10,
        freeze_path,
        INVESTIGATING,
    )
    .d(Disc::Restrict),
    // 行政强制执行 (3)
    c(
        CE,
        1,
        "demolish",
        "demolish",
        3,
        105,
        demolition_path,
        ARCHIVED,
    ),
    c(
        CE,
        1,
        "demolish",
        "demolish",
        5,
        18,
        demolition_path,
        INVESTIGATING,
    ),
    c(CE, 2, "court", "court_fine", 6, 55, court_path, EXECUTING),
    // 行政检查 (6)
    c(IN, 0, "inspect", "inspect_food", 4, 65, finding, ARCHIVED),
    c(IN, 3, "inspect", "inspect_safety", 8, 48, finding, ARCHIVED),
    c(
        IN,
        3,
        "inspect",
        "inspect_safety",
        13,
        10,
        finding,
        EXECUTING,
    ),
    c(
        IN,
        1,
        "inspect",
        "inspect_city",
        0,
        35,
        no_finding,
        ARCHIVED,
    ),
    c(
        IN,
        2,
        "inspect",
        "inspect_pollution",
        2,
        4,
        finding,
        INVESTIGATING,
    ),
    c(IN, 3, "inspect", "inspect_safety", 6, 1, finding, INITIATED),
    // 行政征收征用 (2)
    c(
        EX,
        3,
        "requisition",
        "requisition",
        13,
        125,
        requisition_path,
        ARCHIVED,
    ),
    c(
        EX,
        3,
        "requisition",
        "requisition",
        8,
        22,
        requisition_path,
        EXECUTING,
    ),
];
