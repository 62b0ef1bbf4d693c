//! A contact's data on request: `GET /api/v1/contacts/{id}/export` (everything about them as
//! one JSON document, any role that reads contacts) and `DELETE /api/v1/contacts/{id}` (erased
//! everywhere, admins and owners; core::console::access). Another tenant's id is 404.

use super::{authenticate, authenticate_key};
use crate::error::{json_response, AppResult};
use crate::platform::privacy;
use worker::{Env, Request, Response};

pub async fn export(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let document = privacy::export(&db, &tenant_id, id).await?;
    let response = json_response(200, &document);
    let headers = response.headers().clone();
    headers.set("content-disposition", &format!("attachment; filename=\"contact-{id}.json\""))?;
    Ok(response.with_headers(headers))
}

pub async fn erase(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, caller) = authenticate_key(&req, env).await?;
    let erased = privacy::erase(env, &db, &caller.tenant_id, id, &caller.actor()).await?;
    Ok(json_response(200, &erased))
}
