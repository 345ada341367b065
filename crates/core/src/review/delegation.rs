//! Entrusted organisations (受委托组织) and the body that delegated to them (委托机关).
//!
//! An entrusted organisation records its own cases (R2) but is neither an agency nor an
//! authorised organisation, so it has no legal-review office of its own in the sense of L2/L3:
//! its major decisions are reviewed by the delegating body's 法制审核机构 (L2-c, I13), and a
//! disagreement with that office goes to the delegating body's head (L10-c). R2-b lets the
//! delegating body's heads and reviewers read the organisation's cases.
//!
//! [`delegated_grants`] turns that into role grants at sign-in: a REVIEWER or AGENCY_HEAD of a
//! body also holds that role for each organisation the body entrusted, so the ordinary body
//! scoping (case reads, `add_record`'s role check, the review queue) lets them act. The review
//! gate then requires that review acts on such a case come from the delegating body's office
//! and head, not from staff of the organisation itself ([`holds_own_grant`]).
//!
//! UNIT_HEAD is deliberately not carried over: a grant would let the delegating body's unit
//! heads enter unit-head records (submission for review, L6-b) in the organisation's cases,
//! which belong to the organisation's own handling unit.

use crate::error::CoreError;
use crate::ids::{BodyId, UserId};
use crate::ports::{ProjectionKind, ProjectionQuery, Store, StoreError};
use crate::registry::{BodyKind, BodyView, RoleGrant, UserView};
use crate::role::Role;

/// Roles of a delegating body that carry over to the cases of its entrusted organisations:
/// the review office (L2-c, I13) and the agency head (L10-c escalations, L4-e marks, R2-b).
pub const DELEGATED_ROLES: [Role; 2] = [Role::Reviewer, Role::AgencyHead];

const PAGE: u32 = 1000;

/// The grants `grants` imply through entrustment: for every REVIEWER or AGENCY_HEAD grant on a
/// body, the same role on each entrusted organisation whose entrustment names that body as
/// the delegating body (whatever the entrustment's period: cases opened within it are still
/// reviewed after it ends). Grants already held are not repeated. Reads the body projections
/// only when the user holds one of [`DELEGATED_ROLES`].
pub async fn delegated_grants(
    store: &dyn Store,
    grants: &[RoleGrant],
) -> Result<Vec<RoleGrant>, CoreError> {
    let delegating: Vec<(Role, &BodyId)> = grants
        .iter()
        .filter(|grant| DELEGATED_ROLES.contains(&grant.role))
        .filter_map(|grant| grant.body.as_ref().map(|body| (grant.role, body)))
        .collect();
    if delegating.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<RoleGrant> = Vec::new();
    let mut offset = 0;
    loop {
        let page = store
            .list_projections(&ProjectionQuery {
                kind: Some(ProjectionKind::Body),
                limit: PAGE,
                offset,
                ..Default::default()
            })
            .await?;
        let full = page.len() == PAGE as usize;
        for row in page {
            let body: BodyView = serde_json::from_value(row.data).map_err(|err| {
                CoreError::Store(StoreError::Corrupt(format!("body/{}: {err}", row.id)))
            })?;
            let Some(entrustment) = body
                .profile
                .entrustment
                .as_ref()
                .filter(|_| body.profile.kind == BodyKind::Entrusted)
            else {
                continue;
            };
            for (role, delegator) in &delegating {
                let grant = RoleGrant {
                    role: *role,
                    body: Some(body.id.clone()),
                };
                if &entrustment.delegating_body == *delegator
                    && !grants.contains(&grant)
                    && !out.contains(&grant)
                {
                    out.push(grant);
                }
            }
        }
        if !full {
            break;
        }
        offset += PAGE;
    }
    out.sort();
    Ok(out)
}

/// Whether `user` holds `role` for `body` by a grant of their own (registered in the user
/// registry), not through delegation.
pub(crate) async fn holds_own_grant(
    store: &dyn Store,
    user: &UserId,
    role: Role,
    body: &BodyId,
) -> Result<bool, CoreError> {
    let Some(row) = store
        .projection(ProjectionKind::User, user.as_str())
        .await?
    else {
        return Ok(false);
    };
    let view: UserView = serde_json::from_value(row.data)
        .map_err(|err| CoreError::Store(StoreError::Corrupt(format!("user/{user}: {err}"))))?;
    Ok(view
        .grants
        .iter()
        .any(|grant| grant.role == role && grant.body.as_ref() == Some(body)))
}
