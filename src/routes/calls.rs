//! `GET /api/v1/calls[?contact_id=]` and `GET /api/v1/calls/{id}` (docs/API.md): the tenant's
//! phone calls. The recording's URL is only ever given out here, behind the tenant's API key.

use super::{authenticate, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1::calls;
use frontdesk_core::api::{page, ApiError};
use worker::{Env, Request, Response};

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let contact_id = query_param(&req, "contact_id")?;
    let rows = calls::call_list(&db, &tenant_id, contact_id.as_deref(), &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

pub async fn get(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    let call = calls::call(&db, &tenant_id, id).await?.ok_or_else(|| ApiError::not_found("call"))?;
    Ok(json_response(200, &serde_json::to_value(call)?))
}
