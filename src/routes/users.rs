//! `GET/POST /api/v1/users`, `PATCH/DELETE /api/v1/users/{id}` (docs/API.md "Users"): an
//! owner or admin manages who signs in to the tenant. Passwords are set on creation and stored
//! as PBKDF2 (`platform::password`); the last owner is never removed or demoted, and only an
//! owner touches an owner (`core::users::admin`).

use super::admin::{authenticate_admin, Admin, Stamp};
use super::json_body;
use crate::error::{json_response, AppResult};
use crate::platform::d1::audit_if_changed;
use crate::platform::d1::users::{self, NewUserRow, UserView};
use crate::platform::password;
use frontdesk_core::api::ApiError;
use frontdesk_core::ids;
use frontdesk_core::ports::Random;
use frontdesk_core::users::admin::{self, may_change};
use frontdesk_core::users::Role;
use frontdesk_durable::platform::time::WorkerRandom;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

const MAX_BODY_BYTES: usize = 4 * 1024;

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let items = users::user_list(&admin.db, &admin.tenant_id).await?;
    Ok(json_response(200, &json!({ "data": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Create {
    email: String,
    role: String,
    password: String,
}

pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let body: Create = json_body(&mut req, MAX_BODY_BYTES, r#"{"email", "role", "password"}"#).await?;
    let user = admin::new_user(&body.email, &body.role, &body.password)
        .map_err(|problems| ApiError::malformed_body(problems.join("; ")))?;
    refuse(may_change(admin.role, None, Some(user.role), 0))?;
    let stamp = Stamp::now();
    let id = ids::make(ids::USER, stamp.now, WorkerRandom.next_u64());
    let hash = password::hash_new(&user.password).await?;
    let row = NewUserRow {
        id: &id,
        tenant_id: &admin.tenant_id,
        email: &user.email,
        role: user.role.as_str(),
        password_hash: &hash,
        created_at: stamp.now,
    };
    if !insert(&admin, &row, &stamp).await? {
        return Err(ApiError::conflict(format!("{} already has an account here", user.email)).into());
    }
    let created = found(users::user_view(&admin.db, &admin.tenant_id, &id).await?)?;
    Ok(json_response(201, &json!(created)))
}

/// Stores the user with its audit entry (written only if the user was); whether it was new.
pub async fn insert(admin: &Admin, row: &NewUserRow<'_>, stamp: &Stamp) -> AppResult<bool> {
    let detail = json!({ "email": row.email, "role": row.role }).to_string();
    let audit = admin.audit(stamp, "user.created", row.id, &detail);
    let results = admin
        .db
        .batch(vec![users::insert_user_statement(&admin.db, row)?, audit_if_changed(&admin.db, &audit)?])
        .await?;
    Ok(results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) > 0)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    role: String,
}

pub async fn update(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let body: Change =
        json_body(&mut req, MAX_BODY_BYTES, r#"{"role": "owner" | "admin" | "agent" | "viewer"}"#).await?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        ApiError::malformed_body(format!("role: `{}` is not one of owner, admin, agent, viewer", body.role))
    })?;
    let user = found(users::user_view(&admin.db, &admin.tenant_id, id).await?)?;
    let owners = users::owner_count(&admin.db, &admin.tenant_id).await?;
    refuse(may_change(admin.role, Role::parse(&user.role), Some(role), owners))?;
    let stamp = Stamp::now();
    let detail = json!({ "email": user.email, "from": user.role, "to": role.as_str() }).to_string();
    if user.role != role.as_str()
        && !users::set_role(&admin.db, id, role.as_str(), &admin.audit(&stamp, "user.role_changed", id, &detail))
            .await?
    {
        // Another request took the other owner away in between.
        return Err(ApiError::conflict(admin::Refusal::LastOwner.message()).into());
    }
    let updated = found(users::user_view(&admin.db, &admin.tenant_id, id).await?)?;
    Ok(json_response(200, &json!(updated)))
}

pub async fn delete(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let admin = authenticate_admin(&req, env).await?;
    let user = found(users::user_view(&admin.db, &admin.tenant_id, id).await?)?;
    let owners = users::owner_count(&admin.db, &admin.tenant_id).await?;
    refuse(may_change(admin.role, Role::parse(&user.role), None, owners))?;
    let stamp = Stamp::now();
    let detail = json!({ "email": user.email, "role": user.role }).to_string();
    if !users::delete_user(&admin.db, id, &admin.audit(&stamp, "user.deleted", id, &detail)).await? {
        return Err(ApiError::conflict(admin::Refusal::LastOwner.message()).into());
    }
    Ok(Response::empty()?.with_status(204))
}

fn found(user: Option<UserView>) -> AppResult<UserView> {
    Ok(user.ok_or_else(|| ApiError::not_found("user"))?)
}

fn refuse(decision: Result<(), admin::Refusal>) -> AppResult<()> {
    decision.map_err(|refusal| match refusal {
        admin::Refusal::OwnersOnly => ApiError { message: refusal.message().into(), ..ApiError::forbidden() }.into(),
        admin::Refusal::LastOwner => ApiError::conflict(refusal.message()).into(),
    })
}
