//! Who is calling `/mcp`, as a [`Principal`]. The one place credentials are resolved: today a
//! tenant API key (`Authorization: Bearer fd_…`), which acts for the tenant with both scopes —
//! kept for server-to-server clients — and, beside it, the OAuth access tokens of signed-in
//! users once the authorization server resolves them (`/oauth/*`).

use super::super::authenticate_key;
use crate::error::{AppError, AppResult};
use frontdesk_core::api::ApiError;
use frontdesk_core::principal::{Principal, Scope};
use worker::{D1Database, Env, Request};

pub struct Caller {
    pub db: D1Database,
    pub principal: Principal,
    /// How `audit_log` names the caller: `api_key:<id>` or `user:<id>`.
    pub actor: String,
}

/// The caller, or `None` for a missing or unknown credential (answered 401 with the
/// challenge).
pub async fn resolve(req: &Request, env: &Env) -> AppResult<Option<Caller>> {
    match authenticate_key(req, env).await {
        Ok((db, owner)) => Ok(Some(Caller {
            db,
            principal: Principal {
                tenant_id: owner.tenant_id,
                user_id: None,
                client_id: None,
                scopes: Scope::ALL.to_vec(),
            },
            actor: format!("api_key:{}", owner.key_id),
        })),
        Err(AppError::Api(ApiError { status: 401, .. })) => Ok(None),
        Err(other) => Err(other),
    }
}
