//! The disclosure side of the demo (issue 8; 《薛城区行政执法信息公示办法》): every step goes
//! through the `Services` disclosure commands, on the demo clock, by the staff member the body
//! gave the permission to (D5-b):
//!
//! - each agency head grants 采集 and 传递 to the second officer, 审核 to the unit head and 发布
//!   to himself; separation stays on, so the collector never reviews or publishes;
//! - the D4 pre-enforcement items (body, officers, power items, entrustments) are drafted from
//!   the registries and published before the first case;
//! - every item a case record drafts (D3-b) is collected, masked, submitted, reviewed and
//!   published within its D12 period, except the cases whose plan says otherwise
//!   ([`Disc`]): late, stuck in review, untouched (due soon), restricted (D10.3, head-approved),
//!   corrected by the body (D13-a), corrected on a public request and answered (D13-b, D13-c),
//!   a request still open, withdrawn after the decision was revoked (D14-a);
//! - the previous year's annual data item (D9) is drafted and published at the end.
//!
//! A task that would fall after "now" is not performed: that item is simply still pending.

use liuhen_core::disclosure::{Ground, ItemView, Step as Permission};
use std::collections::HashMap;
use std::sync::Arc;

use liuhen_core::blobs::Blobs;
use liuhen_core::ids::{BodyId, UserId};
use liuhen_core::ports::ProjectionKind;
use liuhen_core::record::FileRef;
use liuhen_core::service::disclosure::{CorrectionReply, PublicCorrectionRequest, WithdrawalEvent};
use liuhen_core::service::{Ctx, Services};
use liuhen_ledger::hash::HashProfile;
use serde_json::{Map, json};
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime};

use super::district::{BODIES, BodyDef};
use super::plan::Disc;
use super::scenarios::Party;
use super::{DemoClock, DemoError, step};

/// Who holds which D5-b step in every body: (username suffix, steps).
const PERMISSIONS: [(&str, &[Permission]); 3] = [
    ("officer2", &[Permission::Collect, Permission::Submit]),
    ("unithead", &[Permission::Review]),
    ("head", &[Permission::Publish]),
];

/// An item drafted by a case record, with what the demo needs to act on it.
#[derive(Debug, Clone)]
pub struct CaseItem {
    /// Item id.
    pub item: String,
    /// Index of the owning body in [`BODIES`].
    pub body: usize,
    /// The decided measure (the text a correction restores).
    pub measure: &'static str,
    /// The case's party (who may ask for a correction).
    pub party: Party,
    /// The facts of the case (to complete an empty prefilled 主要事实, D3-c).
    pub facts: String,
}

impl CaseItem {
    /// An item not drafted from a case (D4, D9).
    fn registry(item: String, body: usize) -> CaseItem {
        CaseItem {
            item,
            body,
            measure: "",
            party: super::scenarios::PARTIES[0],
            facts: String::new(),
        }
    }
}

/// What follows publication of an item.
#[derive(Debug, Clone)]
enum Then {
    /// Nothing.
    Done,
    /// Stop after submission (never reviewed).
    Stuck,
    /// The body corrects it on its own (D13-a).
    Correct,
    /// The public asks for a correction; `answer`: the body corrects and replies.
    Request { answer: bool },
    /// The decision is revoked and the item withdrawn (D14-a).
    Withdraw,
    /// Reply to the request (after the corrected version is published, D13-c).
    Reply(String),
}

/// One disclosure task on the agenda.
#[derive(Debug, Clone)]
pub struct Task {
    item: CaseItem,
    then: Then,
    act: Act,
}

#[derive(Debug, Clone)]
enum Act {
    /// 采集 + masking + 传递.
    Collect,
    /// 审核 (approve).
    Review,
    /// 发布.
    Publish,
    /// Propose a D10.3 restriction.
    Restrict,
    /// The head approves it.
    ApproveRestriction,
    /// The body opens a correction (with the public request answered, if any).
    Correct(Option<String>),
    /// A member of the public asks for a correction.
    Request,
    /// Reply to a request.
    Reply(String),
    /// Record the revocation.
    Trigger,
    /// Take the item down.
    Withdraw,
}

/// A moment on the demo's calendar (Asia/Shanghai).
fn at(date: Date, hour: u8, minute: u8) -> OffsetDateTime {
    date.midnight().assume_offset(liuhen_core::CHINA_OFFSET)
        + Duration::hours(i64::from(hour))
        + Duration::minutes(i64::from(minute))
}

fn day_of(time: OffsetDateTime) -> Date {
    time.to_offset(liuhen_core::CHINA_OFFSET).date()
}

fn body_id(body: &BodyDef) -> Result<BodyId, DemoError> {
    BodyId::new(body.id).map_err(|e| DemoError::Data(e.to_string()))
}

/// The disclosure desk of the district: the contexts of the staff holding D5-b permissions.
/// Cheap to clone, so that tasks due at the same moment run concurrently (their appends then
/// share the store's group commit).
#[derive(Clone)]
pub struct Desk {
    staff: Arc<HashMap<String, Ctx>>,
    /// Where the public's correction evidence goes (the portal form stores it there too, D13-b);
    /// without one the requests carry only the files' hashes and staff cannot open them.
    evidence: Option<Arc<dyn Blobs>>,
}

impl Desk {
    /// The desk: contexts of every body's staff (the users exist by now).
    pub async fn new(
        services: &Services,
        evidence: Option<Arc<dyn Blobs>>,
    ) -> Result<Desk, DemoError> {
        let mut staff = HashMap::new();
        for body in BODIES {
            for suffix in ["officer2", "unithead", "head"] {
                let username = format!("{}-{suffix}", body.prefix);
                let user =
                    UserId::new(username.clone()).map_err(|e| DemoError::Data(e.to_string()))?;
                let ctx = step(
                    "context_for",
                    services.context_for(&user, Some("127.0.0.1".into())),
                )
                .await?;
                staff.insert(username, ctx);
            }
        }
        Ok(Desk {
            staff: Arc::new(staff),
            evidence,
        })
    }

    /// The context of a body's staff member (`officer2`, `unithead`, `head`).
    pub fn staff(&self, body: usize, suffix: &str) -> Result<&Ctx, DemoError> {
        let body = BODIES
            .get(body)
            .ok_or_else(|| DemoError::Data(format!("body {body}")))?;
        let username = format!("{}-{suffix}", body.prefix);
        self.staff
            .get(&username)
            .ok_or_else(|| DemoError::Data(format!("no context for {username}")))
    }

    /// Performs `tasks`, all due at `when`, concurrently; returns their follow-ups.
    pub async fn perform_all(
        &self,
        services: &Services,
        tasks: Vec<Task>,
        when: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<(OffsetDateTime, Task)>, DemoError> {
        let mut set = tokio::task::JoinSet::new();
        for task in tasks {
            let desk = self.clone();
            let services = services.clone();
            set.spawn(async move { desk.perform(&services, task, when, now).await });
        }
        let mut next = Vec::new();
        while let Some(done) = set.join_next().await {
            next.extend(done.map_err(|err| DemoError::Data(err.to_string()))??);
        }
        Ok(next)
    }

    /// The body's settings (D5-b), the review catalogue (L5), and the D4 items published from
    /// the registries; `from` is the registry time, the clock is moved forward from there.
    pub async fn setup(
        &self,
        services: &Services,
        clock: &DemoClock,
        from: OffsetDateTime,
    ) -> Result<(), DemoError> {
        clock.set(from + Duration::minutes(30));
        super::catalogue::set(services, self).await?;
        for (n, body) in BODIES.iter().enumerate() {
            let id = body_id(body)?;
            let head = self.staff(n, "head")?;
            for (suffix, steps) in PERMISSIONS {
                let user = UserId::new(format!("{}-{suffix}", body.prefix))
                    .map_err(|e| DemoError::Data(e.to_string()))?;
                for permission in steps {
                    step(
                        "set_disclosure_permission",
                        services.set_disclosure_permission(head, &id, &user, *permission, true),
                    )
                    .await?;
                }
            }
        }
        // D4 (D12-b: 20 working days from formation): drafted the next day, published within
        // the week.
        let formed = day_of(from);
        let mut drafted = Vec::new();
        clock.set(at(formed + Duration::days(1), 9, 30));
        for (n, body) in BODIES.iter().enumerate() {
            let collector = self.staff(n, "officer2")?;
            let ids = step(
                "draft_pre_enforcement_items",
                services.draft_pre_enforcement_items(collector, &body_id(body)?, formed),
            )
            .await?;
            drafted.extend(ids.into_iter().map(|id| (n, id)));
        }
        self.run_phases(services, clock, &drafted, formed + Duration::days(2))
            .await
    }

    /// Collects, reviews (that afternoon) and publishes (the next morning) `items`.
    async fn run_phases(
        &self,
        services: &Services,
        clock: &DemoClock,
        items: &[(usize, String)],
        day: Date,
    ) -> Result<(), DemoError> {
        for (act, time) in [
            (Act::Collect, at(day, 10, 0)),
            (Act::Review, at(day, 15, 0)),
            (Act::Publish, at(day + Duration::days(1), 10, 0)),
        ] {
            clock.set(time);
            let tasks = items
                .iter()
                .map(|(n, id)| Task {
                    item: CaseItem::registry(id.clone(), *n),
                    then: Then::Done,
                    act: act.clone(),
                })
                .collect();
            // Follow-ups are these very phases.
            self.perform_all(services, tasks, time, time).await?;
        }
        Ok(())
    }

    /// The first tasks for an item a case record drafted at `drafted_at`.
    pub async fn drafted(
        &self,
        services: &Services,
        item: CaseItem,
        treatment: Disc,
        drafted_at: OffsetDateTime,
    ) -> Result<Vec<(OffsetDateTime, Task)>, DemoError> {
        let next_day = at(day_of(drafted_at) + Duration::days(1), 9, 30);
        let task = |act: Act, then: Then| Task {
            item: item.clone(),
            then,
            act,
        };
        Ok(match treatment {
            Disc::OnTime => vec![(next_day, task(Act::Collect, Then::Done))],
            Disc::Late => {
                // Collected two days after the D12 due date, published a day later
                // (supervision shows 逾期公示 with the item's step history).
                let view = item_view(services, &item.item).await?;
                let due = view
                    .obligations
                    .iter()
                    .find(|o| o.key == "d12")
                    .map(|o| o.due)
                    .ok_or_else(|| DemoError::Data(format!("due of {}", item.item)))?;
                vec![(
                    at(due + Duration::days(2), 9, 30),
                    task(Act::Collect, Then::Done),
                )]
            }
            Disc::Stuck => vec![(next_day, task(Act::Collect, Then::Stuck))],
            Disc::Untouched => Vec::new(),
            Disc::Restrict => vec![(next_day, task(Act::Restrict, Then::Done))],
            Disc::Correct => vec![(next_day, task(Act::Collect, Then::Correct))],
            Disc::RequestAnswered => {
                vec![(next_day, task(Act::Collect, Then::Request { answer: true }))]
            }
            Disc::RequestOpen => vec![(
                next_day,
                task(Act::Collect, Then::Request { answer: false }),
            )],
            Disc::Withdraw => vec![(next_day, task(Act::Collect, Then::Withdraw))],
        })
    }

    /// Performs one task at `when` (the clock is already there); returns the follow-ups.
    pub async fn perform(
        &self,
        services: &Services,
        task: Task,
        when: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<(OffsetDateTime, Task)>, DemoError> {
        let Task { item, then, act } = task;
        let today = day_of(when);
        let id = item.item.as_str();
        let follow = |act: Act, then: Then, time: OffsetDateTime| {
            (
                time,
                Task {
                    item: item.clone(),
                    then,
                    act,
                },
            )
        };
        let mut next = Vec::new();
        match act {
            Act::Collect => {
                let collector = self.staff(item.body, "officer2")?;
                // D3-c: a mandatory summary field the prefill left empty is completed from
                // the case, with the reason recorded (supervision sees the change).
                let view = item_view(services, id).await?;
                let mut changes = Map::new();
                for field in view.kind.mandatory_fields() {
                    let blank = view
                        .fields
                        .get(*field)
                        .is_none_or(|v| v.as_str().is_some_and(|s| s.trim().is_empty()));
                    match *field {
                        "facts" if blank && !item.facts.is_empty() => {
                            changes.insert("facts".into(), json!(item.facts));
                        }
                        "party" if blank => {
                            changes.insert("party".into(), json!(item.party.name()));
                        }
                        _ => {}
                    }
                }
                let reason = if changes.is_empty() {
                    ""
                } else {
                    "系统预填的必填项为空，依据决定书原文补充。"
                };
                step(
                    &format!("collect_item {id}"),
                    services.collect_item(collector, id, changes, reason),
                )
                .await?;
                step(
                    &format!("redact_item {id}"),
                    services.redact_item(collector, id),
                )
                .await?;
                step(
                    &format!("submit_item {id}"),
                    services.submit_item(collector, id),
                )
                .await?;
                if !matches!(then, Then::Stuck) {
                    next.push(follow(Act::Review, then, when + Duration::hours(5)));
                }
            }
            Act::Review => {
                let reviewer = self.staff(item.body, "unithead")?;
                step(
                    &format!("review_item {id}"),
                    services.review_item(reviewer, id, true, "内容准确，已作脱敏处理，同意公示。"),
                )
                .await?;
                next.push(follow(
                    Act::Publish,
                    then,
                    at(today + Duration::days(1), 10, 0),
                ));
            }
            Act::Publish => {
                let publisher = self.staff(item.body, "head")?;
                step(
                    &format!("publish_item {id}"),
                    services.publish_item(publisher, id, None),
                )
                .await?;
                match then {
                    Then::Done | Then::Stuck => {}
                    Then::Correct => next.push(follow(
                        Act::Correct(None),
                        Then::Done,
                        at(today + Duration::days(9), 10, 0),
                    )),
                    Then::Request { answer } => {
                        let time = if answer {
                            at(today + Duration::days(6), 20, 30)
                        } else {
                            // Still open: received the day before "now".
                            (now - Duration::hours(20)).max(when + Duration::hours(1))
                        };
                        let then = if answer {
                            Then::Request { answer }
                        } else {
                            Then::Done
                        };
                        next.push(follow(Act::Request, then, time));
                    }
                    Then::Withdraw => next.push(follow(
                        Act::Trigger,
                        Then::Done,
                        at(today + Duration::days(20), 10, 0),
                    )),
                    Then::Reply(tracking) => next.push(follow(
                        Act::Reply(tracking),
                        Then::Done,
                        when + Duration::hours(6),
                    )),
                }
            }
            Act::Restrict => {
                let collector = self.staff(item.body, "officer2")?;
                step(
                    &format!("propose_restriction {id}"),
                    services.propose_restriction(
                        collector,
                        id,
                        Ground::Obstruction,
                        "涉嫌传销案件正在调查，当事人尚有关联账户和人员未查清，公开冻结决定可能导致涉案资金被转移、妨碍调查。",
                        "",
                    ),
                )
                .await?;
                next.push(follow(
                    Act::ApproveRestriction,
                    then,
                    when + Duration::hours(6),
                ));
            }
            Act::ApproveRestriction => {
                let head = self.staff(item.body, "head")?;
                step(
                    &format!("decide_restriction {id}"),
                    services.decide_restriction(head, id, true, "同意暂不公示，调查终结后复核。"),
                )
                .await?;
            }
            Act::Correct(request) => {
                let collector = self.staff(item.body, "officer2")?;
                let mut changes = Map::new();
                changes.insert("outcome".into(), json!(item.measure));
                let reason = if request.is_some() {
                    "根据当事人的更正申请核实：原公示的决定内容仅写明“给予行政处罚”，未载明处罚种类和数额，依据决定书原文更正。"
                } else {
                    "自查发现原公示的决定内容仅写明“给予行政处罚”，未载明处罚种类和数额，依据决定书原文更正。"
                };
                step(
                    &format!("correct_item {id}"),
                    services.correct_item(
                        collector,
                        id,
                        changes,
                        reason,
                        today,
                        request.as_deref(),
                    ),
                )
                .await?;
                step(
                    &format!("redact_item {id}"),
                    services.redact_item(collector, id),
                )
                .await?;
                step(
                    &format!("submit_item {id}"),
                    services.submit_item(collector, id),
                )
                .await?;
                let then = match request {
                    Some(tracking) => Then::Reply(tracking),
                    None => Then::Done,
                };
                next.push(follow(Act::Review, then, when + Duration::hours(5)));
            }
            Act::Request => {
                let (requester_type, name, contact) = match item.party {
                    Party::Org(name, _, _, _, phone) => ("法人", name, phone),
                    Party::Person(name, _, _, phone) => ("公民", name, phone),
                };
                let bytes = evidence_pdf(id);
                if let Some(blobs) = &self.evidence {
                    let reader: liuhen_core::blobs::BlobReader =
                        Box::pin(std::io::Cursor::new(bytes.clone()));
                    blobs
                        .put_stream(reader, bytes.len() as u64)
                        .await
                        .map_err(|err| DemoError::Data(format!("evidence of {id}: {err}")))?;
                }
                let request = PublicCorrectionRequest {
                    item: id.to_owned(),
                    requester_type: requester_type.into(),
                    requester_name: name.into(),
                    contact: contact.into(),
                    reason: "公示的决定内容仅写明“给予行政处罚”，与本单位收到的行政处罚决定书载明的内容不一致，易引起误解。".into(),
                    proposed: "按行政处罚决定书载明的处罚种类和数额公示。".into(),
                    evidence: vec![file_ref("行政处罚决定书（复印件）", &bytes)],
                };
                let tracking = step(
                    "submit_correction_request",
                    services.submit_correction_request(request),
                )
                .await?;
                if matches!(then, Then::Request { answer: true }) {
                    next.push(follow(
                        Act::Correct(Some(tracking)),
                        Then::Done,
                        at(today + Duration::days(2), 10, 0),
                    ));
                }
            }
            Act::Reply(tracking) => {
                let reviewer = self.staff(item.body, "unithead")?;
                let reply = CorrectionReply {
                    outcome: "更正".into(),
                    reasons: String::new(),
                    reply_text: format!(
                        "您提出的更正申请（编号{tracking}）收悉。经核实，原公示的决定内容表述不完整，本机关已于{today}依据决定书原文更正并重新公示。特此答复。"
                    ),
                    method: "邮寄".into(),
                    sent_on: today,
                };
                step(
                    "reply_correction_request",
                    services.reply_correction_request(reviewer, &tracking, reply),
                )
                .await?;
            }
            Act::Trigger => {
                let collector = self.staff(item.body, "officer2")?;
                let event = WithdrawalEvent {
                    event: "撤销".into(),
                    source: "行政复议决定".into(),
                    source_doc: format!(
                        "薛政复决字〔{}〕{}号",
                        today.year(),
                        10 + today.ordinal() % 40
                    ),
                    event_date: today - Duration::days(1),
                };
                step(
                    &format!("record_withdrawal_trigger {id}"),
                    services.record_withdrawal_trigger(collector, id, event),
                )
                .await?;
                next.push(follow(Act::Withdraw, then, when + Duration::hours(5)));
            }
            Act::Withdraw => {
                let publisher = self.staff(item.body, "head")?;
                step(
                    &format!("withdraw_item {id}"),
                    services.withdraw_item(
                        publisher,
                        id,
                        "该行政处罚决定已被行政复议机关撤销，本机关将依法重新调查处理，原公示信息予以撤下。",
                    ),
                )
                .await?;
            }
        }
        Ok(next)
    }

    /// D9: the previous year's annual data of every body, drafted shortly before `now`, then
    /// reviewed and published the same way (late when the 31 January deadline has passed).
    pub async fn annual(
        &self,
        services: &Services,
        clock: &DemoClock,
        now: OffsetDateTime,
    ) -> Result<(), DemoError> {
        let year = day_of(now).year() - 1;
        let mut drafted = Vec::new();
        clock.set(now - Duration::minutes(25));
        for (n, body) in BODIES.iter().enumerate() {
            let collector = self.staff(n, "officer2")?;
            let id = step(
                "draft_annual_item",
                services.draft_annual_item(collector, &body_id(body)?, year),
            )
            .await?;
            drafted.push((n, id));
        }
        for (act, minutes) in [(Act::Collect, 20), (Act::Review, 15), (Act::Publish, 10)] {
            let time = now - Duration::minutes(minutes);
            clock.set(time);
            let tasks = drafted
                .iter()
                .map(|(n, id)| Task {
                    item: CaseItem::registry(id.clone(), *n),
                    then: Then::Done,
                    act: act.clone(),
                })
                .collect();
            self.perform_all(services, tasks, time, now).await?;
        }
        Ok(())
    }
}

/// An item's projection as the service keeps it (the demo's bookkeeping is not a user's read,
/// so it is not audited).
async fn item_view(services: &Services, id: &str) -> Result<ItemView, DemoError> {
    let row = services
        .store()
        .projection(ProjectionKind::Disclosure, id)
        .await?
        .ok_or_else(|| DemoError::Data(format!("item {id}")))?;
    serde_json::from_value(row.data).map_err(|err| DemoError::Data(format!("item {id}: {err}")))
}

/// A synthetic evidence file (hashes only; the demo has no scanned paper).
/// A one-page PDF standing in for the scanned decision a requester attaches (the portal accepts
/// PDF, JPEG and PNG evidence and sniffs the bytes, so the demo's file is a real PDF).
fn evidence_pdf(item: &str) -> Vec<u8> {
    let text = format!("Demo correction evidence for {item}");
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{object}\nendobj\n", n + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

fn file_ref(label: &str, bytes: &[u8]) -> FileRef {
    FileRef {
        name: format!("{label}.pdf"),
        media_type: "application/pdf".into(),
        size: bytes.len() as u64,
        sm3: HashProfile::Sm3.digest(bytes).to_hex(),
        sha256: hex::encode(Sha256::digest(bytes)),
    }
}
