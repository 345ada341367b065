//! Shared by the web benches: the one-body district they seed and small helpers. Not a bench
//! target itself (Cargo only discovers `benches/*.rs`).

use liuhen_core::ids::{BodyId, OfficerId, PowerItemId, UnitId, UserId};
use liuhen_core::ports::Store;
use liuhen_core::registry::{
    BodyKind, BodyProfile, Credential, CredentialStatus, OfficerProfile, PowerItem, RoleGrant,
    Unit, UserProfile,
};
use liuhen_core::role::Role;
use liuhen_web::password::{PasswordParams, hash_password};

/// The seeded body.
pub const BODY: &str = "xc-scjgj";
/// The enforcement domain of its power item and officer credential.
pub const DOMAIN: &str = "市场监管";
/// Password of the seeded officer `off1`.
pub const PASSWORD: &str = "bench-password";

/// A whole number from the environment, or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Seeds one body with a handling unit, a power item and an officer `off1` (valid credential,
/// OFFICER role, password [`PASSWORD`]).
pub async fn seed(state: &liuhen_web::state::AppState, store: &dyn Store) {
    let services = &state.services;
    let admin_id = UserId::new("admin").unwrap();
    services
        .bootstrap_admin(
            &admin_id,
            UserProfile {
                username: "admin".into(),
                name: "管理员".into(),
                officer: None,
            },
        )
        .await
        .unwrap();
    let admin = services.context_for(&admin_id, None).await.unwrap();
    let body = BodyId::new(BODY).unwrap();
    let profile = BodyProfile {
        name: "薛城区市场监督管理局".into(),
        short_name: "薛市监".into(),
        kind: BodyKind::Agency,
        uscc: "91350100M000100Y43".into(),
        parent: None,
        entrustment: None,
        duties: "市场监管执法".into(),
        address: "薛城区".into(),
    };
    services
        .register_body(&admin, &body, profile)
        .await
        .unwrap();
    let unit = Unit {
        id: UnitId::new("handling").unwrap(),
        name: "执法科".into(),
        duties: String::new(),
        address: String::new(),
        legal_review: false,
    };
    services.register_unit(&admin, &body, unit).await.unwrap();
    let item = PowerItem {
        name: "对违法行为的行政处罚".into(),
        action: "penalty".into(),
        basis: vec!["《中华人民共和国行政处罚法》第八条".into()],
        unit: Some(UnitId::new("handling").unwrap()),
        procedure: "立案、调查、决定、送达、执行".into(),
        time_limit: "立案之日起九十日".into(),
        remedies: "行政复议、行政诉讼".into(),
        domain: DOMAIN.into(),
        service: Default::default(),
    };
    services
        .register_power_item(&admin, &PowerItemId::new("p1").unwrap(), &body, item)
        .await
        .unwrap();
    let officer = OfficerId::new("o1").unwrap();
    let user = UserId::new("off1").unwrap();
    services
        .register_officer(
            &admin,
            &officer,
            &body,
            OfficerProfile {
                name: "执法员".into(),
                unit: None,
                user: Some(user.clone()),
            },
        )
        .await
        .unwrap();
    let credential = Credential {
        number: "37040001".into(),
        domains: vec![DOMAIN.into()],
        valid_from: time::macros::date!(2024 - 01 - 01),
        valid_to: time::macros::date!(2030 - 12 - 31),
        status: CredentialStatus::Active,
    };
    services
        .issue_credential(&admin, &officer, credential)
        .await
        .unwrap();
    services
        .register_user(
            &admin,
            &user,
            UserProfile {
                username: "off1".into(),
                name: "执法员".into(),
                officer: Some(officer),
            },
        )
        .await
        .unwrap();
    services
        .grant_role(
            &admin,
            &user,
            RoleGrant {
                role: Role::Officer,
                body: Some(body),
            },
        )
        .await
        .unwrap();
    let phc = hash_password(PASSWORD, PasswordParams::INSECURE_FAST).unwrap();
    store.set_password_hash(&user, "off1", &phc).await.unwrap();
}
