//! Registries: bodies with units, officers with credentials, power items, users with roles.
//! Reads are open to every signed-in user except the user list (registry data is public
//! information, D4-a); writes are SYSADMIN commands, checked in the core. Every write is a
//! record in the log.

use axum::extract::State;
use axum::http::StatusCode;
use liuhen_core::ids::{BodyId, OfficerId, UserId};
use liuhen_core::role::Role;

use crate::dto::{
    BodyDto, BodyProfileDto, BodyQuery, CredentialDto, CredentialStatusRequest, GrantDto,
    OfficerDto, PowerItemDto, ReceiptDto, RegisterBodyRequest, RegisterOfficerRequest,
    RegisterPowerItemRequest, RegisterUserRequest, SetPasswordRequest, UnitDto, UserDto,
    parse_credential_status, parse_id, parse_power_item_id,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::password::hash_password;
use crate::session::Authenticated;
use crate::state::AppState;

type Created = Result<(StatusCode, AppJson<ReceiptDto>), ApiError>;

fn created(receipt: liuhen_core::ports::Receipt) -> Created {
    Ok((StatusCode::CREATED, AppJson(receipt.into())))
}

/// All bodies with their units.
#[utoipa::path(get, path = "/bodies", tag = "registry",
    responses((status = 200, body = [BodyDto]), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn list_bodies(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<AppJson<Vec<BodyDto>>, ApiError> {
    let bodies = state.services.bodies(&auth.ctx).await?;
    Ok(AppJson(bodies.into_iter().map(BodyDto::from).collect()))
}

/// Registers a body (SYSADMIN; D2-a, D4.4).
#[utoipa::path(post, path = "/bodies", tag = "registry", request_body = RegisterBodyRequest,
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn register_body(
    State(state): State<AppState>,
    auth: Authenticated,
    AppJson(request): AppJson<RegisterBodyRequest>,
) -> Created {
    let id = parse_id("id", &request.id, BodyId::new)?;
    created(
        state
            .services
            .register_body(&auth.ctx, &id, request.profile.to_core()?)
            .await?,
    )
}

/// Amends a body's profile (SYSADMIN).
#[utoipa::path(put, path = "/bodies/{id}", tag = "registry", request_body = BodyProfileDto,
    params(("id" = String, Path, description = "Body id")),
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn amend_body(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(profile): AppJson<BodyProfileDto>,
) -> Created {
    let id = parse_id("id", &id, BodyId::new)?;
    created(
        state
            .services
            .amend_body(&auth.ctx, &id, profile.to_core()?)
            .await?,
    )
}

/// Registers a unit of a body, e.g. its legal-review office (SYSADMIN; L3-a).
#[utoipa::path(post, path = "/bodies/{id}/units", tag = "registry", request_body = UnitDto,
    params(("id" = String, Path, description = "Body id")),
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn register_unit(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(unit): AppJson<UnitDto>,
) -> Created {
    let id = parse_id("id", &id, BodyId::new)?;
    created(
        state
            .services
            .register_unit(&auth.ctx, &id, unit.to_core()?)
            .await?,
    )
}

/// Officers of a body with their credentials.
#[utoipa::path(get, path = "/officers", tag = "registry", params(BodyQuery),
    responses((status = 200, body = [OfficerDto]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn list_officers(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<BodyQuery>,
) -> Result<AppJson<Vec<OfficerDto>>, ApiError> {
    let body = parse_id("body", &query.body, BodyId::new)?;
    let officers = state.services.officers(&auth.ctx, &body).await?;
    Ok(AppJson(
        officers.into_iter().map(OfficerDto::from).collect(),
    ))
}

/// Registers an officer (SYSADMIN; D4-a).
#[utoipa::path(post, path = "/officers", tag = "registry", request_body = RegisterOfficerRequest,
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn register_officer(
    State(state): State<AppState>,
    auth: Authenticated,
    AppJson(request): AppJson<RegisterOfficerRequest>,
) -> Created {
    let (id, body, profile) = request.to_core()?;
    created(
        state
            .services
            .register_officer(&auth.ctx, &id, &body, profile)
            .await?,
    )
}

/// Issues a credential to an officer (SYSADMIN; 行政处罚法 第四十二条).
#[utoipa::path(post, path = "/officers/{id}/credentials", tag = "registry", request_body = CredentialDto,
    params(("id" = String, Path, description = "Officer id")),
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn issue_credential(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(credential): AppJson<CredentialDto>,
) -> Created {
    let id = parse_id("id", &id, OfficerId::new)?;
    created(
        state
            .services
            .issue_credential(&auth.ctx, &id, credential.to_core()?)
            .await?,
    )
}

/// Suspends, revokes or reinstates a credential (SYSADMIN).
#[utoipa::path(put, path = "/officers/{id}/credentials/{number}/status", tag = "registry",
    request_body = CredentialStatusRequest,
    params(("id" = String, Path, description = "Officer id"), ("number" = String, Path, description = "Credential number")),
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn change_credential_status(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((id, number)): AppPath<(String, String)>,
    AppJson(request): AppJson<CredentialStatusRequest>,
) -> Created {
    let id = parse_id("id", &id, OfficerId::new)?;
    let status = parse_credential_status(&request.status)?;
    created(
        state
            .services
            .change_credential_status(&auth.ctx, &id, &number, status, &request.reason)
            .await?,
    )
}

/// Power items of a body (D4.2, D4.3).
#[utoipa::path(get, path = "/power-items", tag = "registry", params(BodyQuery),
    responses((status = 200, body = [PowerItemDto]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn list_power_items(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<BodyQuery>,
) -> Result<AppJson<Vec<PowerItemDto>>, ApiError> {
    let body = parse_id("body", &query.body, BodyId::new)?;
    let items = state.services.power_items(&auth.ctx, &body).await?;
    Ok(AppJson(items.into_iter().map(PowerItemDto::from).collect()))
}

/// Registers a power item (SYSADMIN; D4-b, D4-c).
#[utoipa::path(post, path = "/power-items", tag = "registry", request_body = RegisterPowerItemRequest,
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn register_power_item(
    State(state): State<AppState>,
    auth: Authenticated,
    AppJson(request): AppJson<RegisterPowerItemRequest>,
) -> Created {
    let id = parse_power_item_id(&request.id)?;
    let body = parse_id("body", &request.body, BodyId::new)?;
    created(
        state
            .services
            .register_power_item(&auth.ctx, &id, &body, request.item.to_core()?)
            .await?,
    )
}

/// All staff users with their roles (SYSADMIN, SECADMIN, AUDITOR).
#[utoipa::path(get, path = "/users", tag = "registry",
    responses((status = 200, body = [UserDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<AppJson<Vec<UserDto>>, ApiError> {
    let users = state.services.users(&auth.ctx).await?;
    Ok(AppJson(users.into_iter().map(UserDto::from).collect()))
}

/// Registers a staff user (SYSADMIN), optionally with an initial password.
#[utoipa::path(post, path = "/users", tag = "registry", request_body = RegisterUserRequest,
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn register_user(
    State(state): State<AppState>,
    auth: Authenticated,
    AppJson(request): AppJson<RegisterUserRequest>,
) -> Created {
    let (id, profile) = request.to_core()?;
    // Hash first, so a bad password is refused before the user record is written.
    let phc = request
        .password
        .as_deref()
        .map(|password| hash_password(password, state.config.password_params))
        .transpose()?;
    let username = profile.username.clone();
    let receipt = state
        .services
        .register_user(&auth.ctx, &id, profile)
        .await?;
    if let Some(phc) = phc {
        state.store.set_password_hash(&id, &username, &phc).await?;
    }
    created(receipt)
}

/// Sets a user's password: the user themself, or a SYSADMIN / SECADMIN. Existing sessions stay
/// valid until they expire.
#[utoipa::path(put, path = "/users/{id}/password", tag = "registry", request_body = SetPasswordRequest,
    params(("id" = String, Path, description = "User id")),
    responses((status = 204, description = "Password set"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn set_password(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(request): AppJson<SetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id("id", &id, UserId::new)?;
    // Authentication is the web layer's concern (the core has no password command): the
    // account holder or a district administrator may set it.
    let allowed = auth.ctx.user == id
        || auth.ctx.has_district(Role::SysAdmin)
        || auth.ctx.has_district(Role::SecAdmin);
    if !allowed {
        return Err(ApiError::forbidden(
            &["§1"],
            "只有本人或者系统管理员、安全管理员可以设置口令",
        ));
    }
    let username = username_of(&state, &id).await?;
    let phc = hash_password(&request.password, state.config.password_params)?;
    state.store.set_password_hash(&id, &username, &phc).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The username of a registered user, from the user projection (not a core command: reading
/// one's own registry entry needs no role).
async fn username_of(state: &AppState, id: &UserId) -> Result<String, ApiError> {
    let projection = state
        .store
        .projection(liuhen_core::ports::ProjectionKind::User, id.as_str())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("user {id}")))?;
    let view: liuhen_core::registry::UserView = serde_json::from_value(projection.data)
        .map_err(|err| ApiError::Internal(format!("user projection: {err}")))?;
    Ok(view.profile.username)
}

/// Grants a role (SYSADMIN).
#[utoipa::path(post, path = "/users/{id}/grants", tag = "registry", request_body = GrantDto,
    params(("id" = String, Path, description = "User id")),
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn grant_role(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(grant): AppJson<GrantDto>,
) -> Created {
    let id = parse_id("id", &id, UserId::new)?;
    created(
        state
            .services
            .grant_role(&auth.ctx, &id, grant.to_core()?)
            .await?,
    )
}

/// Revokes a role (SYSADMIN).
#[utoipa::path(post, path = "/users/{id}/grants/revoke", tag = "registry", request_body = GrantDto,
    params(("id" = String, Path, description = "User id")),
    responses((status = 201, body = ReceiptDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub(crate) async fn revoke_role(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(id): AppPath<String>,
    AppJson(grant): AppJson<GrantDto>,
) -> Created {
    let id = parse_id("id", &id, UserId::new)?;
    created(
        state
            .services
            .revoke_role(&auth.ctx, &id, grant.to_core()?)
            .await?,
    )
}
