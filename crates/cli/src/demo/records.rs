//! Runs the case plans through `Services::open_case` / `add_record`, in global time order, with
//! realistic content for each record type and a rule-driven filler for the remaining required
//! fields (so a field added to the rule set does not break the demo).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use liuhen_calendar::{DeadlineStatus, PeriodRequest, StatusPolicy, WorkingDays, deadline_status};
use liuhen_core::case::CaseView;
use liuhen_core::disclosure::P8_DUE_SOON_WORKING_DAYS;
use liuhen_core::disclosure::extract;
use liuhen_core::error::CoreError;
use liuhen_core::ids::{BodyId, CaseId, PowerItemId, UserId};
use liuhen_core::ports::ProjectionKind;
use liuhen_core::record::FileRef;
use liuhen_core::rules::fields::is_required;
use liuhen_core::rules::schema::{FieldSpec, FieldType, RecordTypeSpec};
use liuhen_core::service::{Ctx, OpenCase, RecordInput, Services};
use liuhen_ledger::hash::HashProfile;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime};

use super::disclose;
use super::district::{BODIES, BodyDef, officer_id};
use super::plan::{CASES, CasePlan, Disc, Step};
use super::scenarios::{PARTIES, Party, Scenario, scenario};
use super::{DemoClock, DemoError, step};

/// The state of one case while its plan runs.
struct Run {
    plan: &'static CasePlan,
    body: &'static BodyDef,
    scenario: &'static Scenario,
    party: Party,
    case_id: Option<CaseId>,
    steps: Vec<Step>,
    /// Whether the disclosure item of the case's first decision has been drafted (its
    /// treatment is the plan's; later items are published on time).
    first_decision_drafted: bool,
}

fn yuan(fen: u64) -> String {
    if fen.is_multiple_of(100) {
        format!("{}元", fen / 100)
    } else {
        format!("{}.{:02}元", fen / 100, fen % 100)
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Demo users' contexts, built once each.
#[derive(Default)]
pub(crate) struct Contexts(HashMap<String, Ctx>);

impl Contexts {
    /// The context of `username`.
    pub(crate) async fn get(
        &mut self,
        services: &Services,
        username: &str,
    ) -> Result<Ctx, DemoError> {
        if let Some(ctx) = self.0.get(username) {
            return Ok(ctx.clone());
        }
        let user = UserId::new(username).map_err(|e| DemoError::Data(e.to_string()))?;
        let ctx = step(
            "context_for",
            services.context_for(&user, Some("127.0.0.1".into())),
        )
        .await?;
        self.0.insert(username.to_owned(), ctx.clone());
        Ok(ctx)
    }
}

/// Days before `today` to start the case marked `due_soon`: its decision (day 0) is then due
/// for disclosure within P8 working days from today (D12-e 即将到期), whatever today is.
fn due_soon_start(services: &Services, today: Date, fallback: i64) -> i64 {
    let policy = StatusPolicy {
        due_soon_within: WorkingDays(P8_DUE_SOON_WORKING_DAYS),
    };
    for k in 2..=30 {
        let start = today - Duration::days(k);
        let Ok(deadline) = services.rules().periods().deadline(
            services.calendar(),
            liuhen_calendar::names::DISCLOSURE_DECISION,
            &PeriodRequest::starting(start),
        ) else {
            return fallback;
        };
        if let Ok(status) = deadline_status(services.calendar(), deadline.due, today, policy)
            && matches!(status.value, DeadlineStatus::DueSoon { .. })
        {
            return k;
        }
    }
    fallback
}

/// What the agenda holds: a planned case step or a disclosure task.
enum Task {
    Case(usize, usize),
    Disclose(disclose::Task),
}

/// Runs every planned case, and the disclosure workflow of the items their decisions draft,
/// in global time order; returns how many refusals were provoked on purpose.
pub async fn run_cases(
    services: &Services,
    clock: &Arc<DemoClock>,
    now: OffsetDateTime,
    desk: &disclose::Desk,
) -> Result<u64, DemoError> {
    let mut runs = Vec::new();
    // Min-heap on (time, order); the order keeps case steps in plan order at equal times.
    let mut agenda: BinaryHeap<Reverse<(OffsetDateTime, usize, usize)>> = BinaryHeap::new();
    let mut tasks: Vec<Option<Task>> = Vec::new();
    let push = |agenda: &mut BinaryHeap<Reverse<(OffsetDateTime, usize, usize)>>,
                tasks: &mut Vec<Option<Task>>,
                at: OffsetDateTime,
                task: Task| {
        let rank = match task {
            Task::Case(idx, n) => idx * 1000 + n,
            Task::Disclose(_) => usize::MAX,
        };
        tasks.push(Some(task));
        agenda.push(Reverse((at, rank, tasks.len() - 1)));
    };
    for (idx, plan) in CASES.iter().enumerate() {
        let body = BODIES
            .get(plan.body)
            .ok_or_else(|| DemoError::Data(format!("case {idx}: body")))?;
        let scenario = scenario(plan.scenario)
            .ok_or_else(|| DemoError::Data(format!("case {idx}: scenario {}", plan.scenario)))?;
        let party = PARTIES[plan.party % PARTIES.len()];
        let days_ago = if plan.due_soon {
            due_soon_start(services, now.date(), plan.days_ago)
        } else {
            plan.days_ago
        };
        let start = (now.date() - Duration::days(days_ago))
            .midnight()
            .assume_offset(liuhen_core::CHINA_OFFSET);
        let path = (plan.path)();
        let cut = path
            .iter()
            .position(|s| s.milestone == Some(plan.until))
            .ok_or_else(|| DemoError::Data(format!("case {idx}: no milestone {}", plan.until)))?;
        let steps: Vec<Step> = path.into_iter().take(cut + 1).collect();
        for (n, st) in steps.iter().enumerate() {
            let at = start
                + Duration::days(st.day)
                + Duration::hours(i64::from(st.hour))
                + Duration::minutes(i64::from(st.minute));
            let end = at + Duration::minutes(st.mins.unwrap_or(0));
            if end + Duration::minutes(30) > now {
                return Err(DemoError::Data(format!(
                    "case {idx}: step {} at {at} is not in the past",
                    st.rt
                )));
            }
            push(&mut agenda, &mut tasks, at, Task::Case(idx, n));
        }
        runs.push(Run {
            plan,
            body,
            scenario,
            party,
            case_id: None,
            steps,
            first_decision_drafted: false,
        });
    }
    let mut contexts = Contexts::default();
    let mut refusals = 0;
    while let Some(Reverse((at, _, slot))) = agenda.pop() {
        let Some(task) = tasks.get_mut(slot).and_then(Option::take) else {
            continue;
        };
        let (idx, n) = match task {
            Task::Case(idx, n) => (idx, n),
            Task::Disclose(task) => {
                // Every disclosure task due at this moment (case steps at the same moment
                // sort first), run concurrently.
                let mut batch = vec![task];
                while let Some(Reverse((next, _, slot))) = agenda.peek().copied()
                    && next == at
                {
                    agenda.pop();
                    if let Some(Some(Task::Disclose(task))) = tasks.get_mut(slot).map(Option::take)
                    {
                        batch.push(task);
                    }
                }
                clock.set(at);
                for (next, task) in desk.perform_all(services, batch, at, now).await? {
                    // Only what would have happened by now (the rest is still pending).
                    if next + Duration::minutes(10) < now {
                        push(&mut agenda, &mut tasks, next, Task::Disclose(task));
                    }
                }
                continue;
            }
        };
        let run = &mut runs[idx];
        let st = run.steps[n];
        let end = st.mins.map(|m| at + Duration::minutes(m));
        clock.set(end.unwrap_or(at) + Duration::minutes(20));
        let set = services
            .rules()
            .effective(
                &BodyId::new(run.body.id).map_err(|e| DemoError::Data(e.to_string()))?,
                at.date(),
            )
            .ok_or_else(|| DemoError::Data(format!("no rule set on {}", at.date())))?;
        let spec = set
            .record_type(st.rt)
            .ok_or_else(|| DemoError::Data(format!("record type {}", st.rt)))?
            .clone();
        let username = actor_for(run.body, &spec)?;
        let ctx = contexts.get(services, &username).await?;
        let view = match &run.case_id {
            Some(id) => Some(case_view(services, id).await?),
            None => None,
        };
        let mut files = Vec::new();
        let mut data = content(run, &st, view.as_ref(), at);
        fill(&spec, &mut data, run, view.as_ref(), at, &mut files);
        let input = RecordInput {
            record_type: st.rt.to_owned(),
            event_time: at,
            event_end: end,
            data,
            files,
            supersedes: None,
        };
        let label = format!("{} #{idx} {}", run.plan.procedure, st.rt);
        let receipt = match &run.case_id {
            None => {
                let command = OpenCase {
                    procedure: run.plan.procedure.to_owned(),
                    body: BodyId::new(run.body.id).map_err(|e| DemoError::Data(e.to_string()))?,
                    power_item: Some(
                        PowerItemId::new(format!("{}-{}", run.body.id, run.plan.item))
                            .map_err(|e| DemoError::Data(e.to_string()))?,
                    ),
                    title: format!("{}{}", run.party.name(), run.scenario.title),
                    intake: input,
                };
                let receipt = step(&label, services.open_case(&ctx, command)).await?;
                run.case_id = Some(receipt.case_id);
                receipt.receipt
            }
            Some(case_id) => {
                let result = services.add_record(&ctx, case_id, input).await;
                match (result, st.expect_refusal) {
                    (Ok(receipt), false) => receipt,
                    (Err(CoreError::Refused(_)), true) => {
                        refusals += 1;
                        continue;
                    }
                    (Ok(_), true) => return Err(DemoError::NotRefused(label)),
                    (Err(source), _) => {
                        return Err(DemoError::Core {
                            step: label,
                            source,
                        });
                    }
                }
            }
        };
        // D3-b: a decision, inspection result or performance status drafted an item.
        let Some(case_id) = &run.case_id else {
            continue;
        };
        let item = liuhen_core::disclosure::item_id_for(
            services.profile(),
            &format!("case/{case_id}#{}", receipt.seq.0),
        );
        let drafts = extract::source_spec(st.rt).is_some() || st.rt == extract::EXECUTION_STATUS;
        if drafts
            && services
                .store()
                .projection(ProjectionKind::Disclosure, &item)
                .await?
                .is_some()
        {
            let decision = extract::source_spec(st.rt)
                .is_some_and(|spec| spec.kind == liuhen_core::disclosure::ItemKind::Decision);
            let treatment = if decision && !run.first_decision_drafted {
                run.first_decision_drafted = true;
                run.plan.disclosure
            } else {
                Disc::OnTime
            };
            let case = disclose::CaseItem {
                item,
                body: run.plan.body,
                measure: run.scenario.measure,
                party: run.party,
                facts: facts(run),
            };
            for (next, task) in desk.drafted(services, case, treatment, at).await? {
                if next + Duration::minutes(10) < now {
                    push(&mut agenda, &mut tasks, next, Task::Disclose(task));
                }
            }
        }
    }
    Ok(refusals)
}

/// The case projection, read from the store directly (the demo's bookkeeping is not a user's
/// read of case records, so it is not audited).
async fn case_view(services: &Services, id: &CaseId) -> Result<CaseView, DemoError> {
    let row = services
        .store()
        .projection(ProjectionKind::Case, id.as_str())
        .await?
        .ok_or_else(|| DemoError::Data(format!("case {id} vanished")))?;
    serde_json::from_value(row.data).map_err(|err| DemoError::Data(err.to_string()))
}

/// The demo user who enters a record type: the first role of the type's list this body has.
fn actor_for(body: &BodyDef, spec: &RecordTypeSpec) -> Result<String, DemoError> {
    for (role, suffix) in [
        ("OFFICER", "officer1"),
        ("UNIT_HEAD", "unithead"),
        ("AGENCY_HEAD", "head"),
        ("REVIEWER", "reviewer"),
        ("ARCHIVIST", "archivist"),
    ] {
        if spec.roles.iter().any(|r| r == role) {
            return Ok(format!("{}-{suffix}", body.prefix));
        }
    }
    Err(DemoError::Data(format!("no demo user for {}", spec.id)))
}

/// The latest effective record of one of `types` (or any non-system record when empty).
fn latest(view: Option<&CaseView>, types: &[&str]) -> Option<u64> {
    view?
        .records
        .iter()
        .rev()
        .filter(|r| r.is_effective())
        .filter(|r| {
            if types.is_empty() {
                !r.record_type.starts_with("sys_")
            } else {
                types.contains(&r.record_type.as_str())
            }
        })
        .map(|r| r.seq.0)
        .next()
}

/// The latest record carrying a document number: (seq, record type, number).
fn latest_document(view: Option<&CaseView>) -> Option<(u64, String, String)> {
    view?
        .records
        .iter()
        .rev()
        .filter(|r| r.is_effective())
        .filter_map(|r| {
            r.doc_number
                .clone()
                .map(|n| (r.seq.0, r.record_type.clone(), n))
        })
        .next()
}

fn document_name(record_type: &str) -> &'static str {
    match record_type {
        "r14_statement_notice" => "行政处罚告知书",
        "r15_hearing_notice" => "行政处罚听证告知书",
        "r16_penalty_decision" => "行政处罚决定书",
        "licence_decision" => "准予行政许可决定书",
        "seizure_disposal" => "查封、扣押处理决定书",
        "freeze_disposal" => "解除冻结决定书",
        "enforcement_decision" => "行政强制执行决定书",
        "expropriation_decision" => "征用决定书",
        "r24_reminder" => "催告书",
        "r23_rectification_order" => "责令改正通知书",
        _ => "行政执法文书",
    }
}

/// A synthetic attachment (the demo has no scanned paper): its hashes go into the record.
fn attach(files: &mut Vec<FileRef>, label: &str, seed: &str) -> String {
    let bytes = format!("演示附件：{label}\n{seed}\n").into_bytes();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    files.push(FileRef {
        name: format!("{label}.pdf"),
        media_type: "application/pdf".into(),
        size: bytes.len() as u64,
        sm3: HashProfile::Sm3.digest(&bytes).to_hex(),
        sha256: sha256.clone(),
    });
    sha256
}

fn officers(body: &BodyDef) -> Value {
    json!([officer_id(body, 1), officer_id(body, 2)])
}

fn place(run: &Run) -> String {
    if run.scenario.place.is_empty() {
        run.party.address().to_owned()
    } else {
        run.scenario.place.to_owned()
    }
}

fn facts(run: &Run) -> String {
    run.scenario.facts.replace("{party}", run.party.name())
}

fn obj(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Hand-written content of each record type (the filler completes the rest).
fn content(
    run: &Run,
    st: &Step,
    view: Option<&CaseView>,
    at: OffsetDateTime,
) -> Map<String, Value> {
    let sc = run.scenario;
    let party = run.party;
    let facts = facts(run);
    let place = place(run);
    let date = |days: i64| (at.date() + Duration::days(days)).to_string();
    let remedy = "如不服本决定，可以在收到本决定书之日起六十日内向薛城区人民政府申请行政复议，也可以在六个月内直接向薛城区人民法院提起行政诉讼。";
    let evidence_text = sc
        .evidence
        .iter()
        .map(|(name, what)| format!("{name}（证明{what}）"))
        .collect::<Vec<_>>()
        .join("；");
    let goods: Vec<Value> = sc
        .goods
        .iter()
        .map(|(name, qty)| json!({"name": name, "quantity": qty, "specification": "见清单", "location": place}))
        .collect();
    let value = match (st.rt, st.variant) {
        ("r8_initiation", variant) => json!({
            "reason": format!("发现{}涉嫌违反{}", party.name(), sc.violated),
            "source": match variant { "complaint" => "投诉举报", _ if run.plan.procedure == "compulsory_execution" || run.plan.procedure == "expropriation" => "上级交办", _ => "监督检查发现" },
            "source_detail": if run.plan.procedure == "expropriation" { "区防汛抗旱指挥部调度指令" } else { "原行政决定未履行，依法启动强制执行程序" },
            "party": party.to_json(),
            "facts": facts,
            "officer_opinion": format!("当事人涉嫌违反{}，建议立案调查。", sc.violated),
        }),
        ("r8_unit_opinion", "refuse") => {
            json!({"proposal": "建议不予立案", "opinion": "经初步核查，当事人已于当日自行整改，违法行为轻微且无危害后果，建议不予立案。"})
        }
        ("r8_unit_opinion", _) => {
            json!({"proposal": "建议立案", "opinion": "同意承办人意见，建议立案。"})
        }
        ("r8_head_opinion", "refuse") => {
            json!({"decision": "不予立案", "opinion": "同意不予立案。", "refusal_reason": "违法行为轻微并及时改正，没有造成危害后果，依据《中华人民共和国行政处罚法》第三十三条第一款不予立案。"})
        }
        ("r8_head_opinion", _) => {
            json!({"decision": "立案", "opinion": "同意立案，由执法人员周密调查。"})
        }
        ("r8_not_initiated", _) => {
            json!({"method": "告知当事人", "inform_way": "直接送达", "inform_document": "不予立案告知书"})
        }
        ("r9_complaint", variant) => json!({
            "real_name": true,
            "complainant": {"name": "林晓东", "phone": "139-0000-2001"},
            "content": format!("投诉人反映：{facts}"),
            "channel": "电话",
            "outcome": if variant == "not_started" { "不启动" } else { "启动执法程序" },
            "not_started_reason": "经现场核查，被投诉人已取得相关许可，投诉反映的问题不属实。",
            "handled_on": at.date().to_string(),
        }),
        ("r9_complainant_informed", _) => {
            json!({"method": "电话", "summary": "已将投诉举报的处理情况告知投诉人，投诉人表示无异议。"})
        }
        ("av_record", _) => json!({
            "media_type": "录像",
            "device_type": "执法记录仪",
            "method": "执法记录仪全程连续录像，自动叠加时间水印",
            "makers": officers(run.body),
            "proof_object": format!("{place}现场执法全过程"),
            "storage": "执法信息系统",
            "device_id": format!("ZFJLY-{}-0{}", run.body.prefix.to_uppercase(), 1 + st.day % 7),
            "gps": "34.7951N,117.2634E",
            "clock_offset_seconds": 0,
        }),
        ("r10_4_onsite_inspection", _) => json!({
            "place": place,
            "officers": officers(run.body),
            "credentials_shown": true,
            "inspected_objects": "场所和物品",
            "persons_present": [{"person": party.contact(), "role": "当事人"}],
            "content": format!("现场检查情况：{facts}"),
            "photos": latest(view, &["av_record"]).map(|seq| json!([seq])),
            "confirmation": "当事人签名",
        }),
        ("r10_1_questioning_party", _) => json!({
            "place": format!("{}询问室", run.body.name),
            "officers": officers(run.body),
            "credentials_shown": true,
            "interviewee": party.contact(),
            "interviewee_capacity": if party.is_org() { "法定代表人" } else { "当事人本人" },
            "recusal_informed": true,
            "content": format!("问：我们是{}的执法人员，现依法向你了解有关情况，你是否申请回避？答：不申请。问：请说明有关情况。答：{facts}情况属实。", run.body.name),
            "confirmation": "签名",
        }),
        ("r10_3_evidence_collection", _) => json!({
            "place": place,
            "officers": officers(run.body),
            "source": party.name(),
            "items": sc.evidence.iter().map(|(name, what)| json!({"name": name, "kind": "书证", "description": format!("证明{what}"), "quantity": "1份", "form": "复制件"})).collect::<Vec<_>>(),
        }),
        ("investigation_concluded", _) => json!({
            "facts": format!("经调查查明：{facts}"),
            "proposal": format!("当事人的行为违反了{}，依据{}，建议：{}", sc.violated, sc.basis, sc.measure),
        }),
        ("r13_examination", "revised") => json!({
            "findings": format!("本案事实清楚，证据确凿：{evidence_text}。当事人的行为违反了{}，适用{}正确。当事人违法行为持续时间较长，经责令后仍未改正，无从轻、减轻处罚情节，亦无从重处罚情节，按裁量基准一般情形处理。", sc.violated, sc.basis),
            "proposed_decision": sc.measure,
        }),
        ("r13_examination", _) => json!({
            "findings": format!("本案事实清楚，证据确凿：{evidence_text}。当事人的行为违反了{}，适用{}正确。", sc.violated, sc.basis),
            "proposed_decision": sc.measure,
        }),
        ("r13_unit_review", _) => {
            json!({"conclusion": "同意", "opinion": "事实清楚，证据充分，程序合法，同意审理意见。"})
        }
        ("r13_head_approval", _) => json!({"conclusion": "批准", "opinion": "同意。"}),
        ("r14_statement_notice", variant) => json!({
            "facts": facts,
            "evidence": evidence_text,
            "basis": format!("{}；{}", sc.violated, sc.basis),
            "content": sc.measure,
            "rights": if variant == "hearing" { "当事人有权进行陈述和申辩；拟作出较大数额罚款，当事人有权要求听证。" } else { "当事人有权进行陈述和申辩。" },
            "period_days": 5,
            "hearing_rights": variant == "hearing",
        }),
        ("r14_statement_response", "expired") => json!({
            "notice_ref": latest(view, &["r14_statement_notice"]),
            "response": "期满未提出",
            // Delivered two days after the notice; five days to respond (行政处罚法 第四十四条).
            "period_end": date(-1),
        }),
        ("r14_statement_response", _) => json!({
            "notice_ref": latest(view, &["r14_statement_notice"]),
            "response": "提出陈述申辩",
            "content": "当事人称已于立案后完成整改，请求从轻处罚。",
            "points": [{"point": "已完成整改，请求从轻处罚", "adoption": "部分采纳", "reason": "整改情况属实，已在裁量时予以考虑，但不符合不予处罚的情形。"}],
        }),
        ("r15_hearing_notice", _) => {
            json!({"notice_ref": latest(view, &["r14_statement_notice"]), "served_on": at.date().to_string(), "request_period_days": 5})
        }
        ("r15_hearing_application", _) => json!({"applicant": party.contact(), "form": "书面"}),
        ("r15_hearing_summons", _) => {
            json!({"hearing_time": rfc3339(at + Duration::days(6)), "place": format!("{}听证室", run.body.name), "host": format!("{}（法制审核机构，非本案调查人员）", run.body.staff[2])})
        }
        ("r15_hearing_record", _) => json!({
            "notice_ref": latest(view, &["r15_hearing_notice"]),
            "application_ref": latest(view, &["r15_hearing_application"]),
            "place": format!("{}听证室", run.body.name),
            "participants": [
                {"name": run.body.staff[2], "role": "主持人"},
                {"name": run.body.officers[0], "role": "案件调查人员"},
                {"name": match party { Party::Org(_, _, rep, ..) => rep, Party::Person(name, ..) => name }, "role": "当事人"},
            ],
            "summary": "调查人员提出当事人违法的事实、证据和处罚建议；当事人进行申辩和质证，主张已完成整改。",
            "minutes_signed": "当事人或者代理人已签字盖章",
            "av_records": latest(view, &["av_record"]).map(|seq| json!([seq])),
        }),
        ("decision_requirements_mark", _) => {
            json!({"needs_expert_argument": false, "needs_collective_discussion": true, "legal_basis": "《中华人民共和国行政处罚法》第五十七条第二款：对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定。"})
        }
        ("r16_collective_discussion", _) => json!({
            "place": format!("{}会议室", run.body.name),
            "chair": run.body.staff[1],
            "attendees": [{"name": run.body.staff[1], "post": "局长"}, {"name": run.body.staff[0], "post": "承办机构负责人"}, {"name": run.body.staff[2], "post": "法制审核人员"}],
            "matters": format!("{}{}", party.name(), sc.title),
            "opinions": "与会人员一致认为事实清楚、证据确凿，听证中当事人的申辩意见已予复核。",
            "conclusion": sc.measure,
        }),
        ("l6_review_submission", variant) => json!({
            "draft_ref": latest(view, &["r13_examination"]),
            "draft_decision": sc.measure,
            "evidence": view.map(|v| v.records.iter().filter(|r| r.is_effective() && (r.record_type.starts_with("r10_") || r.record_type == "av_record")).map(|r| r.seq.0).collect::<Vec<_>>()).filter(|seqs| !seqs.is_empty()),
            "legal_basis": format!("{}；{}", sc.violated, sc.basis),
            "discretion_standard": "《山东省市场监督管理行政处罚裁量基准》及本机关行政处罚裁量权基准相应条目",
            "summary": facts,
            // L10-b: a resubmission answers each problem of the previous opinion.
            "responses": match variant {
                "fixed" => Some(json!([{"problem_no": 1, "answer": "已处理", "detail": "已重新制作案件审理记录，逐项载明从轻、从重裁量情节及理由，并经承办机构负责人重新审核。"}])),
                "disagree" => Some(json!([{"problem_no": 1, "answer": "不同意", "detail": "当事人违法行为持续时间长、经责令后仍未改正，不具有从轻处罚情节，拟作出的处罚适用裁量基准中的一般情形，并无不当。"}])),
                _ => None,
            },
        }),
        ("l10_review_problems", variant) => {
            // One checklist point fails (L7-a); the problem names it (L10-a).
            let (point, problem, suggestion) = match variant {
                "documents" => (
                    "L7.7",
                    "案件审理记录未载明从轻、从重裁量情节及适用裁量基准的理由。",
                    "重新制作案件审理记录，逐项说明裁量情节和理由后再次报送。",
                ),
                "maintained" => (
                    "L7.5",
                    "承办机构的答复未能说明不适用从轻处罚的事实依据，原审核意见维持。",
                    "按从轻处罚情形重新拟定处罚内容。",
                ),
                _ => (
                    "L7.5",
                    "当事人系初次违法且在立案后主动改正，拟作出的处罚未考虑从轻处罚情节，裁量基准运用不当。",
                    "按裁量基准从轻处罚情形重新拟定处罚内容，或者说明不适用的理由。",
                ),
            };
            let mut map = Map::new();
            for i in 1..=7 {
                let key = format!("L7.{i}");
                let ok = key != point;
                map.insert(format!("l7_{i}"), json!(if ok { "符合" } else { "不符合" }));
                map.insert(
                    format!("l7_{i}_note"),
                    json!(if ok {
                        "经审核无问题。".to_owned()
                    } else {
                        problem.to_owned()
                    }),
                );
            }
            map.insert("l7_8".into(), json!("否"));
            map.insert("l7_8_note".into(), json!("不涉嫌犯罪。"));
            map.insert("l7_9".into(), json!("无"));
            map.insert("l7_9_note".into(), json!("无。"));
            map.insert(
                "problems".into(),
                json!([{"item": point, "problem": problem, "suggestion": suggestion}]),
            );
            map.insert(
                "reviewers".into(),
                json!([{"name": run.body.staff[2], "qualification_no": "A20183704030001"}]),
            );
            Value::Object(map)
        }
        ("l10_escalation", _) => json!({
            "review_position": "当事人系初次违法且主动改正，应当依法从轻处罚，维持审核意见。",
            "unit_position": "当事人违法行为持续时间长，经责令后仍未改正，不具有从轻处罚情节，坚持原拟处理意见。",
        }),
        ("l10_head_decision", variant) => json!({
            "escalation_ref": latest(view, &["l10_escalation"]),
            "adopt_unit_opinion": variant == "for_unit",
            "reasons": if variant == "for_unit" {
                "经研究，现场检查笔录和询问笔录证明当事人经责令后仍未改正，不符合从轻处罚情形，按承办机构意见办理。"
            } else {
                "经研究，当事人在立案后已主动改正并提交整改报告，符合从轻处罚情形，采纳法制审核意见，由承办机构重新拟定处罚内容。"
            },
        }),
        ("l9_supplement_request", _) => json!({
            "items": "请补充说明涉案从业人员的实际入职时间，并提供员工考勤记录和社会保险缴纳记录。",
        }),
        ("l9_supplement_reply", _) => json!({
            "request_ref": latest(view, &["l9_supplement_request"]),
            "explanation": "已调取涉案8名从业人员的考勤记录和社会保险缴纳记录，证明其入职时间均早于现场检查日期，未经安全生产教育和培训即上岗作业的事实清楚。",
        }),
        ("l9_review_meeting", _) => json!({
            "form": "座谈会",
            "participants": [
                {"name": run.body.staff[2], "affiliation": run.body.legal_unit, "field": "行政法"},
                {"name": run.body.staff[0], "affiliation": run.body.handling_unit, "field": "行政执法"},
                {"name": "顾立言", "affiliation": "薛城区司法局（法律顾问）", "field": "安全生产法律"},
            ],
            "questions": "涉案从业人员入职时间的认定及罚款数额是否适当。",
            "conclusions": "补充材料足以证明违法事实，拟作出的处罚适用法律正确、裁量适当。",
        }),
        ("l4_review_mark", _) => json!({
            "reason": "扣押食品数量较大，涉及辖区多家学校食堂供货，社会关注度高，依《薛城区重大执法决定法制审核办法》第四条第（六）项标记为需要法制审核。",
        }),
        ("l8_review_approved", _) => json!({
            "l7_1_note": "执法主体为本机关，具有法定职权。", "l7_2_note": "承办人员均持有效执法证件。",
            "l7_3_note": "立案、调查、告知等程序合法。", "l7_4_note": "事实清楚，证据合法充分。",
            "l7_5_note": "适用法律准确，裁量适当。", "l7_6_note": "未超越法定权限。", "l7_7_note": "文书完备、规范。",
            "l7_8_note": "不涉嫌犯罪。", "l7_9_note": "无。",
            "l7_1": "符合", "l7_2": "符合", "l7_3": "符合", "l7_4": "符合", "l7_5": "符合", "l7_6": "符合", "l7_7": "符合", "l7_8": "否",
            "l7_9": "无",
            "opinion": format!("经审核，本案主体合法，事实清楚，证据充分，程序合法，适用{}正确，裁量适当，同意拟作出的决定。", sc.basis),
            "reviewers": [{"name": run.body.staff[2], "qualification_no": "A20183704030001"}],
        }),
        ("r16_penalty_decision", _) => {
            let mut penalties = vec![json!({"kind": "罚款", "detail": yuan(sc.fine_fen)})];
            if sc.confiscation_fen > 0 {
                penalties
                    .push(json!({"kind": "没收违法所得", "detail": yuan(sc.confiscation_fen)}));
            }
            json!({
                "outcome": "给予行政处罚",
                "party": party.to_json(),
                "facts_evidence": format!("{facts}以上事实有{evidence_text}为证。"),
                "penalties": penalties,
                "fine_fen": sc.fine_fen,
                "confiscation_fen": (sc.confiscation_fen > 0).then_some(sc.confiscation_fen),
                "legal_basis": format!("当事人的行为违反了{}，依据{}，决定：{}", sc.violated, sc.basis, sc.measure),
                "performance": "自收到本决定书之日起十五日内，到指定银行或者通过电子支付系统缴纳罚款。",
                "remedy": remedy,
                "signing_opinion": "同意。",
                "review_ref": latest(view, &["l8_review_approved"]),
                "sealed": true,
            })
        }
        ("r18_direct_delivery" | "r19_postal_delivery", variant) => {
            // The notices are served together: the statement notice and, where a hearing is
            // offered, the hearing notice (R14-b, R15-a, R17-a); otherwise the latest document.
            let notices: Vec<(u64, String, String)> = view
                .map(|v| {
                    v.records
                        .iter()
                        .filter(|r| r.is_effective())
                        .filter(|r| {
                            matches!(
                                r.record_type.as_str(),
                                "r14_statement_notice" | "r15_hearing_notice"
                            )
                        })
                        .filter_map(|r| {
                            r.doc_number
                                .clone()
                                .map(|n| (r.seq.0, r.record_type.clone(), n))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let served = if variant == "notice" && !notices.is_empty() {
                notices
            } else {
                latest_document(view).into_iter().collect()
            };
            let listed: Vec<Value> = served
                .iter()
                .map(|(_, record_type, number)| {
                    json!({"name": document_name(record_type), "number": number})
                })
                .collect();
            json!({
                "documents": listed,
                "mailing_list": listed,
                "document_refs": served.iter().map(|(seq, _, _)| *seq).collect::<Vec<_>>(),
                "place": party.address(),
                "sealed": true,
                "officers": officers(run.body),
                "recipient_kind": "受送达人",
                "recipient": party.contact(),
                "carrier": "邮政特快专递",
                "addressee": party.name(),
                "address": party.address(),
                "tracking_no": format!("1190{:09}", at.unix_timestamp() % 1_000_000_000),
            })
        }
        ("r19_postal_receipt", _) => {
            json!({"postal_ref": latest(view, &["r19_postal_delivery"]), "signed_by": party.name()})
        }
        ("r17_decision_served", _) => json!({
            "decision_ref": latest(view, &["r16_penalty_decision", "licence_decision", "seizure_disposal", "freeze_disposal", "expropriation_decision", "enforcement_decision"]),
            "service_ref": latest(view, &["r18_direct_delivery", "r19_postal_receipt"]),
        }),
        ("r23_execution_status", "pending") => {
            json!({"decision_ref": latest(view, &["r16_penalty_decision"]), "status": "未履行", "evidence": "当事人尚在缴纳期限内，已提示按期缴纳。"})
        }
        ("r23_execution_status", _) => json!({
            "decision_ref": latest(view, &["r16_penalty_decision", "penalty_on_the_spot_decision", "seizure_disposal", "freeze_disposal", "enforcement_decision", "expropriation_decision"]),
            "status": "执行终结",
            "conclusion_reason": "行政执法决定已全部履行完毕。",
            "evidence": "缴款凭证、现场核查记录等已归入案卷。",
        }),
        ("r23_fine_payment", _) => {
            json!({"amount_fen": sc.fine_fen + sc.confiscation_fen, "channel": "电子支付系统", "receipt_no": format!("3704{:010}", at.unix_timestamp() % 10_000_000_000)})
        }
        ("case_closure", variant) => json!({
            "reason": match variant {
                "not_started" => "不启动执法程序",
                "refused" => "不予立案",
                "licence" => "行政许可已办结",
                "inspection" => "行政检查已办结",
                "coercion" => "行政强制措施已解除或者已处理",
                "other" => "其他",
                _ => "执行完毕",
            },
            "summary": format!("{}{}，已依法办结。", party.name(), sc.title),
            "opinion": "同意结案。",
        }),
        ("r29_archive", _) => json!({
            "archive_no": format!("{}-{}-{:04}", run.body.short, at.year(), at.ordinal()),
            "retention": "30年",
            "volumes": 1,
            "pages": 40 + (at.ordinal() % 60) as i64,
            "location": format!("{}档案室", run.body.name),
            "hashes_verified": true,
        }),
        ("summary_onsite_finding", _) => {
            json!({"place": place, "officers": officers(run.body), "credentials_shown": true, "party": party.to_json(), "facts": facts})
        }
        ("penalty_on_the_spot_decision", _) => json!({
            "officers": officers(run.body),
            "form_serial": format!("{}简{}{:05}", run.body.short, at.year(), at.ordinal() * 10 + u16::from(st.hour)),
            "place": place,
            "violation": facts,
            "penalty_kind": if sc.fine_fen > 0 { "罚款" } else { "警告" },
            "fine_fen": (sc.fine_fen > 0).then_some(sc.fine_fen),
            "legal_basis": format!("违反{}，依据{}", sc.violated, sc.basis),
            "remedy": remedy,
            "statement": "已听取陈述申辩",
            "statement_content": "当事人承认违法事实，表示立即改正，未提出新的事实和理由。",
            "handover": "当场交付当事人",
            "collected_on_spot": false,
        }),
        ("summary_filing", _) => {
            json!({"decision_ref": latest(view, &["penalty_on_the_spot_decision"]), "filed_with": run.body.name})
        }
        ("r7_application", _) => {
            json!({"apply_method": "文字申请", "applicant": party.to_json(), "matter": facts})
        }
        ("r7_supplement_request", _) => {
            json!({"missing_items": [{"item": "从业人员健康证明", "defect": "缺少2名从业人员的健康证明"}]})
        }
        ("r7_supplement_received", _) => {
            json!({"request_ref": latest(view, &["r7_supplement_request"]), "received_items": "2名从业人员的健康证明", "complete": true})
        }
        ("r7_acceptance", "refuse") => {
            json!({"outcome": "不予受理", "refusal_ground": "申请事项依法不需要取得行政许可", "refusal_reasons": "申请人仅销售预包装食品，依法办理备案即可，不需要取得食品经营许可。", "refer_to": "请通过山东省市场监管全程电子化平台办理仅销售预包装食品备案"})
        }
        ("r7_acceptance", _) => json!({"outcome": "受理"}),
        ("licence_review", _) => {
            json!({"mode": "实质内容核查", "inspection_ref": latest(view, &["r10_4_onsite_inspection"]), "findings": "经现场核查，经营场所布局、设施设备、食品安全管理制度和人员符合要求。", "conclusion": "符合法定条件、标准"})
        }
        ("l4_determination", variant) => json!({
            "l4_1_public_interest": false, "l4_2_social_impact": false, "l4_3_major_rights": variant == "major",
            "l4_4_after_hearing": false, "l4_5_complex": false, "l4_6_other": false,
            "l4_3_reason": "强制拆除当事人房屋，直接关系当事人重大财产权益。",
            "conclusion_reasons": if variant == "major" { "属于《薛城区重大执法决定法制审核办法》第四条第三项情形，须经法制审核。" } else { "经逐项对照，不属于重大执法决定法制审核情形，亦不在本机关法制审核目录清单内。" },
        }),
        ("l4_determination_confirmation", _) => {
            json!({"determination_ref": latest(view, &["l4_determination"]), "opinion": "经确认，同意情形认定意见。"})
        }
        ("licence_decision", _) => {
            let from = at.date();
            let to = from.replace_year(from.year() + 5).unwrap_or(from);
            json!({"outcome": "准予行政许可", "applicant": party.to_json(), "licence_content": sc.measure, "licence_category": "普通", "certificate_name": "食品经营许可证", "licence_no": format!("JY23704030{:05}", at.ordinal()), "valid_from": from.to_string(), "valid_to": to.to_string(), "signing_opinion": "同意准予许可。"})
        }
        ("licence_certificate_issued", _) => {
            json!({"decision_ref": latest(view, &["licence_decision"]), "certificate_kind": "食品经营许可证", "certificate_no": format!("JY23704030{:05}", at.ordinal())})
        }
        ("head_approval", variant) => {
            json!({"matter": if variant == "freeze" { "实施冻结" } else { "实施查封扣押" }, "approved": true, "opinion": "情况属实，同意依法实施。"})
        }
        ("seizure_decision", _) => {
            json!({"approval_mode": "实施前经负责人批准", "approval_ref": latest(view, &["head_approval"]), "party": party.to_json(), "reason_basis": format!("{facts}依据{}", sc.basis), "term_days": 30, "items": goods, "remedy": remedy})
        }
        ("seizure_act", _) => json!({
            "decision_ref": latest(view, &["seizure_decision"]),
            "place": place, "officers": officers(run.body), "credentials_shown": true,
            "party_presence": "当事人到场", "rights_informed": true,
            "statements": "当事人无异议。",
            "inventory": sc.goods.iter().map(|(name, qty)| json!({"name": name, "quantity": qty})).collect::<Vec<_>>(),
            "inventory_delivered": true,
            "confirmation": "当事人和执法人员已签名",
            "av_records": latest(view, &["av_record"]).map(|seq| json!([seq])),
        }),
        ("seizure_disposal", _) => {
            json!({"disposal": "解除查封、扣押", "release_ground": "已作出处理决定，不再需要查封、扣押", "reason_basis": format!("经检验检测和调查，依据{}及《中华人民共和国行政强制法》第二十八条解除。", sc.basis), "returned_items": sc.goods.iter().map(|(name, qty)| json!({"name": name, "quantity": qty})).collect::<Vec<_>>(), "signing_opinion": "同意解除。"})
        }
        ("freeze_decision", _) => {
            json!({"approval_ref": latest(view, &["head_approval"]), "officers": officers(run.body), "party": party.to_json(), "reason_basis": format!("{facts}依据{}", sc.basis), "term_days": 30, "bank": "示例银行股份有限公司薛城支行", "account": "6222 **** **** 0001（演示）", "amount_fen": 86_000_000u64, "bank_notice_delivered": true, "remedy": remedy})
        }
        ("freeze_disposal", _) => {
            json!({"disposal": "解除冻结", "release_ground": "已作出处理决定，不再需要冻结", "content": "涉案资金已依法移交处理，解除冻结。", "bank_notified": true, "party_notified": true, "signing_opinion": "同意解除冻结。"})
        }
        ("r24_reminder", _) => {
            json!({"decision": sc.facts.split('（').nth(1).and_then(|s| s.split('）').next()).unwrap_or("原行政决定"), "perform_by": date(10), "method": sc.measure, "amount_fen": (sc.fine_fen > 0).then_some(sc.fine_fen), "payment_method": (sc.fine_fen > 0).then_some("到指定银行缴纳"), "rights": "当事人有权进行陈述和申辩。"})
        }
        ("r24_reminder_served", _) => {
            json!({"reminder_ref": latest(view, &["r24_reminder"]), "service_ref": latest(view, &["r18_direct_delivery"])})
        }
        ("demolition_notice", _) => {
            json!({"structures": "二层砖混结构房屋（约180平方米）", "self_demolish_by": date(10), "posted_at": place})
        }
        ("enforcement_decision", _) => {
            json!({"party": party.to_json(), "reason_basis": format!("{facts}依据{}", sc.basis), "method": "强制拆除", "time": "公告期限届满后", "immediate": false, "remedy": remedy, "signing_opinion": "同意。", "review_ref": latest(view, &["l8_review_approved"])})
        }
        ("demolition_act", _) => json!({
            "decision_ref": latest(view, &["enforcement_decision"]),
            "place": place, "officers": officers(run.body),
            "structures": "二层砖混结构房屋（约180平方米）",
            "persons_present": [{"person": party.contact(), "role": "当事人"}, {"person": {"name": "宋立华", "role": "村委会成员"}, "role": "见证人"}],
            "process": "执法人员宣读强制执行决定，清点登记屋内物品后实施拆除，全程录像。",
            "property_handling": "屋内物品已登记造册，交当事人签收。",
            "av_records": latest(view, &["av_record"]).map(|seq| json!([seq])),
        }),
        ("r25_court_application", _) => {
            json!({"court": "薛城区人民法院", "materials": [{"name": "强制执行申请书"}, {"name": "行政处罚决定书及作出决定的事实、理由和依据"}, {"name": "当事人的意见及催告情况"}]})
        }
        ("r25_court_result", _) => {
            json!({"application_ref": latest(view, &["r25_court_application"]), "court_case_no": format!("（{}）鲁0403行审{}号", at.year(), 100 + at.ordinal() % 200), "ruling": "准予执行", "ruling_date": at.date().to_string()})
        }
        ("inspection_plan", _) => {
            json!({"source": "双随机抽查", "target": party.to_json(), "scope": facts, "notice": "依法不事先通知"})
        }
        ("inspection_result", variant) => json!({
            "inspection_refs": latest(view, &["r10_4_onsite_inspection"]).map(|seq| json!([seq])),
            "result": if variant == "finding" { "发现问题，责令改正" } else { "未发现违法问题" },
            "summary": if variant == "finding" { sc.measure.to_owned() } else { "检查未发现违法问题。".to_owned() },
        }),
        ("r23_rectification_order", _) => {
            json!({"violation": facts, "basis": sc.violated, "deadline": date(10)})
        }
        ("r23_correction_verification", _) => {
            json!({"order_ref": latest(view, &["r23_rectification_order"]), "place": place, "officers": officers(run.body), "findings": "经实地核查，当事人已按要求完成整改。", "result": "已改正"})
        }
        ("expropriation_decision", _) => {
            json!({"kind": "征用", "party": party.to_json(), "object": "移动式排涝泵车（3000m³/h）1台及操作人员", "legal_basis": sc.basis, "compensation_standard": "按市场租赁价格每日3000元计算，毁损的按评估价值补偿", "period": "自决定送达之日起至防汛应急响应结束", "remedy": remedy, "signing_opinion": "情况紧急，同意征用。"})
        }
        ("expropriation_compensation", "return") => {
            json!({"decision_ref": latest(view, &["expropriation_decision"]), "kind": "返还被征用财产", "recipient": party.to_json(), "evidence": "财产返还确认单（当事人签字）"})
        }
        ("expropriation_compensation", _) => {
            json!({"decision_ref": latest(view, &["expropriation_decision"]), "kind": "支付补偿", "amount_fen": 3_600_000u64, "recipient": party.to_json(), "evidence": "补偿款支付凭证"})
        }
        _ => json!({}),
    };
    let mut map = obj(value);
    map.retain(|_, v| !v.is_null());
    map
}

/// Fills the required fields the content left out, by type, and resolves missing references
/// (the rule set may ask for more than the hand-written content provides).
fn fill(
    spec: &RecordTypeSpec,
    data: &mut Map<String, Value>,
    run: &Run,
    view: Option<&CaseView>,
    at: OffsetDateTime,
    files: &mut Vec<FileRef>,
) {
    // Drop content fields the type does not have (content is shared across similar types).
    data.retain(|name, _| spec.fields.iter().any(|f| &f.name == name));
    for field in spec
        .fields
        .iter()
        .filter(|f| f.field_type == FieldType::List)
    {
        if let Some(Value::Array(items)) = data.get_mut(&field.name) {
            for item in items.iter_mut() {
                if let Value::Object(members) = item {
                    members.retain(|name, _| field.item_fields.iter().any(|f| &f.name == name));
                }
            }
        }
    }
    for pass in 0..2 {
        for field in &spec.fields {
            if data.contains_key(&field.name) || (pass == 0 && field.when.is_some()) {
                continue;
            }
            if field.name.ends_with("_file") && (field.required || is_required(field, data)) {
                let seed = format!("{}|{}|{}", run.party.name(), spec.id, rfc3339(at));
                let hash = attach(files, &field.label, &seed);
                data.insert(field.name.clone(), json!(hash));
                continue;
            }
            if !is_required(field, data) {
                continue;
            }
            if let Some(value) = sample(field, run, view, at) {
                data.insert(field.name.clone(), value);
            }
        }
    }
}

fn sample(
    field: &FieldSpec,
    run: &Run,
    view: Option<&CaseView>,
    at: OffsetDateTime,
) -> Option<Value> {
    let refs: Vec<&str> = field.ref_types.iter().map(String::as_str).collect();
    Some(match field.field_type {
        FieldType::Text => json!(format!("{}：详见案卷", field.label)),
        FieldType::LongText => json!(format!("{}：{}", field.label, facts(run))),
        FieldType::Integer => json!(1),
        FieldType::AmountFen => json!(run.scenario.fine_fen),
        FieldType::Bool => {
            json!(!field.name.starts_with("l4_") && !field.name.starts_with("needs_"))
        }
        FieldType::Date => json!(at.date().to_string()),
        FieldType::DateTime => json!(rfc3339(at)),
        FieldType::Enum => json!(field.values.first()?),
        FieldType::Party => run.party.to_json(),
        FieldType::Person => run.party.contact(),
        FieldType::Officer => json!(officer_id(run.body, 1)),
        FieldType::Officers => officers(run.body),
        FieldType::RecordRef => json!(latest(view, &refs)?),
        FieldType::RecordRefs => json!([latest(view, &refs)?]),
        FieldType::DocNumber => return None,
        FieldType::List | FieldType::Object => {
            let mut item = Map::new();
            for sub in &field.item_fields {
                if sub.required
                    && let Some(value) = sample(sub, run, view, at)
                {
                    item.insert(sub.name.clone(), value);
                }
            }
            if field.field_type == FieldType::List {
                json!([item])
            } else {
                Value::Object(item)
            }
        }
    })
}
