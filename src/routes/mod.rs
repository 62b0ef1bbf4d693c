//! One module per route family. Each handler parses, calls one core or platform function per
//! step, and maps the result.

pub mod api;
pub mod events;
pub mod health;
pub mod twilio_sms;

use crate::error::AppResult;
use crate::platform::d1;
use frontdesk_core::api::ApiError;
use frontdesk_core::auth::ApiKey;
use worker::{D1Database, Env, Request};

/// The tenant a request's `Authorization: Bearer` API key belongs to, and the database.
pub async fn authenticate(req: &Request, env: &Env) -> AppResult<(D1Database, String)> {
    let header = req.headers().get("authorization")?.unwrap_or_default();
    let key = ApiKey::from_bearer(&header).ok_or_else(ApiError::unauthorized)?;
    let db = d1::database(env)?;
    let tenant_id = d1::tenant_for_api_key(&db, &key).await?.ok_or_else(ApiError::unauthorized)?;
    Ok((db, tenant_id))
}

/// The first value of a query parameter.
pub fn query_param(req: &Request, name: &str) -> AppResult<Option<String>> {
    Ok(req.url()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}
