//! `liuhen demo`: a demo district of 薛城区 built through the real `Services` commands, so every
//! registry entry and case record passed the rule set and sits in the verifiable log.
//!
//! The district (see [`district`]) has four bodies with units, entrusted organisations, officers
//! with credentials (one expired and one suspended per body), power items and users for every
//! role; [`plan::CASES`] are the cases, spread over every procedure of `XC-2024` and every
//! stage. Event times are back-dated over the past months with a controllable [`DemoClock`], so
//! entry times follow event times as they would in real use and deadlines (to-do) are live.
//!
//! Legal review (issue 7): each body has a review catalogue and time limits ([`catalogue`]);
//! the penalty cases run through every review state (see [`plan::Flow`]): pending, passed at
//! the first round, 存在问题 then resubmitted and passed, 待补充, escalated and waiting for the
//! agency head (the head's queue), escalated and decided for the unit and against it, a package
//! voided by a revised draft (送审材料已变更, L2-b), a manual mark (L4-e), "not needed"
//! determinations (L4-d), and decision attempts refused under L2-a. Disclosure (issue 8, [`disclose`]): permissions per body, the D4
//! items, and the workflow of every item the decisions draft, as [`plan::Disc`] says.
//!
//! Idempotent: the district supervisor is registered last; if that user exists the demo is
//! complete and nothing is added. A data folder holding other data is refused.

mod catalogue;
mod disclose;
pub mod district;
pub mod ident;
pub mod plan;
mod records;
pub mod scenarios;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use liuhen_core::case::CaseView;
use liuhen_core::error::CoreError;
use liuhen_core::ids::UserId;
use liuhen_core::ports::{Clock, ProjectionKind, ProjectionQuery, Store, StoreError};
use liuhen_core::registry::UserProfile;
use liuhen_core::service::Services;
use liuhen_web::password::{PasswordParams, hash_password};
use time::{Date, OffsetDateTime};

pub use district::accounts;

/// The password of every demo account (printed by `liuhen demo`; demo data only).
pub const DEMO_PASSWORD: &str = "liuhen-demo-2026";

/// Errors of building the demo district.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A core command failed where the demo expected success; `step` names it.
    #[error("演示数据生成失败（{step}）：{source}")]
    Core {
        /// The command and record type.
        step: String,
        /// The core's error.
        #[source]
        source: CoreError,
    },
    /// A command the demo expects the rules to refuse was accepted.
    #[error("演示数据生成失败：{0} 应被规则拒绝但被接受")]
    NotRefused(String),
    /// The store failed.
    #[error("存储错误：{0}")]
    Store(#[from] StoreError),
    /// The data folder holds data that is not a complete demo.
    #[error("数据目录已有数据但不是完整的演示数据（缺少用户 supervisor）；请换一个空目录")]
    NotDemo,
    /// Built-in demo data are inconsistent (a bug in this module).
    #[error("演示数据定义有误：{0}")]
    Data(String),
    /// Hashing a demo password failed.
    #[error("口令哈希失败：{0}")]
    Password(String),
}

/// Runs one core command, naming it in the error.
pub(crate) async fn step<T>(
    name: &str,
    future: impl std::future::Future<Output = Result<T, CoreError>>,
) -> Result<T, DemoError> {
    future.await.map_err(|source| {
        // The refusal's details name the fields or states concerned.
        let details = match &source {
            CoreError::Refused(refusal) if !refusal.details.is_empty() => {
                format!("：{}", refusal.details.join("，"))
            }
            _ => String::new(),
        };
        DemoError::Core {
            step: format!("{name}{details}"),
            source,
        }
    })
}

/// A clock the demo moves to each back-dated event (the service takes `Arc<dyn Clock>`).
#[derive(Debug)]
pub struct DemoClock(Mutex<OffsetDateTime>);

impl DemoClock {
    /// A clock showing `now`.
    pub fn new(now: OffsetDateTime) -> DemoClock {
        DemoClock(Mutex::new(now))
    }

    /// Moves the clock.
    pub fn set(&self, now: OffsetDateTime) {
        let mut guard = match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = now;
    }
}

impl Clock for DemoClock {
    fn now(&self) -> OffsetDateTime {
        match self.0.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// What `ensure_demo` did and what the district holds.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    /// True when this run created the demo; false when it was already there.
    pub created: bool,
    /// Cases by procedure and stage label (`<stage>` or `未立案`/`已结案`).
    pub cases: BTreeMap<String, BTreeMap<String, u64>>,
    /// Number of cases.
    pub case_count: u64,
    /// Records in the log.
    pub log_size: u64,
    /// Rule refusals the demo provoked on purpose (L2-a), for the audit log.
    pub refusals: u64,
}

/// Creates the demo district in an empty store (or recognises a complete one). `services` must
/// run on `clock`; `now` is the real current time, the anchor of all back-dating. `evidence`,
/// when given, receives the files the demo's correction requests attach (D13-b), so that staff
/// can open them.
pub async fn ensure_demo(
    services: &Services,
    clock: &Arc<DemoClock>,
    now: OffsetDateTime,
    evidence: Option<Arc<dyn liuhen_core::blobs::Blobs>>,
) -> Result<DemoReport, DemoError> {
    let store = services.store().clone();
    let marker = store
        .projection(ProjectionKind::User, district::SUPERVISOR)
        .await?;
    let any_user = !store
        .list_projections(&ProjectionQuery {
            kind: Some(ProjectionKind::User),
            limit: 1,
            ..Default::default()
        })
        .await?
        .is_empty();
    let mut refusals = 0;
    let created = if marker.is_some() {
        false
    } else if any_user {
        return Err(DemoError::NotDemo);
    } else {
        refusals = build(services, clock, now, evidence).await?;
        true
    };
    let mut report = summarize(&store).await?;
    report.created = created;
    report.refusals = refusals;
    Ok(report)
}

async fn build(
    services: &Services,
    clock: &Arc<DemoClock>,
    now: OffsetDateTime,
    evidence: Option<Arc<dyn liuhen_core::blobs::Blobs>>,
) -> Result<u64, DemoError> {
    let now = now.to_offset(liuhen_core::CHINA_OFFSET);
    let today: Date = now.date();
    // Registries: about seven months ago, before the oldest case.
    let registry_time = (today - time::Duration::days(200))
        .with_hms(9, 0, 0)
        .map_err(|err| DemoError::Data(err.to_string()))?
        .assume_offset(liuhen_core::CHINA_OFFSET);
    clock.set(registry_time);
    let admin_id =
        UserId::new(district::SYSADMIN).map_err(|err| DemoError::Data(err.to_string()))?;
    step(
        "bootstrap_admin",
        services.bootstrap_admin(
            &admin_id,
            UserProfile {
                username: district::SYSADMIN.into(),
                name: "系统管理员".into(),
                officer: None,
            },
        ),
    )
    .await?;
    let admin = step("context_for", services.context_for(&admin_id, None)).await?;
    district::register(services, &admin, today).await?;
    set_passwords(services.store().as_ref()).await?;
    // Issue 7 and 8: review catalogue, disclosure permissions and the D4 items, before the
    // first case; then the cases with the disclosure of what they decide; then D9.
    let desk = disclose::Desk::new(services, evidence).await?;
    desk.setup(services, clock, registry_time).await?;
    let refusals = records::run_cases(services, clock, now, &desk).await?;
    desk.annual(services, clock, now).await?;
    clock.set(now);
    district::register_district_users(services, &admin).await?;
    set_passwords(services.store().as_ref()).await?;
    Ok(refusals)
}

/// Stores an Argon2id hash of [`DEMO_PASSWORD`] for every demo account that has none yet.
async fn set_passwords(store: &dyn Store) -> Result<(), DemoError> {
    // One hash, shared by all demo accounts: each is a fresh-salted PHC string in real use,
    // but the demo's accounts share one published password anyway, and hashing 29 times with
    // the production cost would take seconds.
    let phc =
        tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD, PasswordParams::default()))
            .await
            .map_err(|err| DemoError::Password(err.to_string()))?
            .map_err(|err| DemoError::Password(err.to_string()))?;
    for account in accounts() {
        let Ok(user) = UserId::new(account.username.clone()) else {
            return Err(DemoError::Data(account.username));
        };
        if store
            .projection(ProjectionKind::User, user.as_str())
            .await?
            .is_none()
        {
            continue;
        }
        if store.password_hash(&account.username).await?.is_some() {
            continue;
        }
        store
            .set_password_hash(&user, &account.username, &phc)
            .await?;
    }
    Ok(())
}

/// Counts the cases of the store by procedure and stage.
pub async fn summarize(store: &Arc<dyn Store>) -> Result<DemoReport, DemoError> {
    let mut report = DemoReport::default();
    let mut offset = 0;
    loop {
        let page = store
            .list_projections(&ProjectionQuery {
                kind: Some(ProjectionKind::Case),
                limit: 1000,
                offset,
                ..Default::default()
            })
            .await?;
        let n = page.len();
        for row in page {
            let view: CaseView = serde_json::from_value(row.data)
                .map_err(|err| StoreError::Corrupt(err.to_string()))?;
            *report
                .cases
                .entry(view.procedure.clone())
                .or_default()
                .entry(stage_label(&view))
                .or_default() += 1;
            report.case_count += 1;
        }
        if n < 1000 {
            break;
        }
        offset += 1000;
    }
    report.log_size = store.log_state().await?.size;
    Ok(report)
}

/// `not_initiated`, `closed`, or the stage id of an open case.
pub fn stage_label(view: &CaseView) -> String {
    match view.status.code() {
        "open" => view.stage.clone(),
        "closed" if view.has("r29_archive") => "archived".to_owned(),
        other => other.to_owned(),
    }
}
