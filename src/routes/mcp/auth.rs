//! Who is calling `/mcp`, as a [`Principal`]. The one place credentials are resolved: a tenant
//! API key (`Authorization: Bearer fd_…`), which acts for the tenant with both scopes — for
//! server-to-server clients — or the OAuth access token of a signed-in user (`/oauth/*`,
//! resolved by `platform::oauth_bearer`), with the scopes their grant holds.

use super::super::authenticate_key;
use crate::error::{AppError, AppResult};
use crate::platform::d1::database;
use crate::platform::oauth_bearer::principal_from_bearer;
use crate::routes::caller::Who;
use frontdesk_core::api::ApiError;
use frontdesk_core::auth::ApiKey;
use frontdesk_core::limiter::Scope as Bucket;
use frontdesk_core::principal::{Principal, Scope};
use worker::{D1Database, Env, Request};

pub struct Caller {
    pub db: D1Database,
    pub principal: Principal,
    /// How `audit_log` names the caller: `api_key:<id>` or `user:<id>`.
    pub actor: String,
    /// The tenant API key's id, for a key.
    pub api_key_id: Option<String>,
}

impl Caller {
    /// The caller's rate-limit bucket (`limiter::Scope::mcp_key`): its grant or its key.
    pub fn rate_bucket(&self) -> String {
        Bucket::mcp_key(self.principal.grant_id.as_deref(), self.api_key_id.as_deref(), None)
    }
}

/// The caller, or `None` for a missing or unknown credential (answered 401 with the
/// challenge).
pub async fn resolve(req: &Request, env: &Env) -> AppResult<Option<Caller>> {
    let header = req.headers().get("authorization")?.unwrap_or_default();
    if ApiKey::from_bearer(&header).is_none() {
        let Ok(principal) = principal_from_bearer(req, env).await? else { return Ok(None) };
        let actor = format!("user:{}", principal.user_id.as_deref().unwrap_or_default());
        return Ok(Some(Caller { db: database(env)?, principal, actor, api_key_id: None }));
    }
    match authenticate_key(req, env).await {
        Ok((db, owner)) => Ok(Some(Caller {
            db,
            principal: Principal {
                tenant_id: owner.tenant_id.clone(),
                user_id: None,
                client_id: None,
                grant_id: None,
                scopes: Scope::ALL.to_vec(),
            },
            actor: owner.actor(),
            api_key_id: match owner.who {
                Who::Key(id) => Some(id),
                Who::User(_) => None,
            },
        })),
        Err(AppError::Api(ApiError { status: 401, .. })) => Ok(None),
        Err(other) => Err(other),
    }
}
