//! One module per route family. Each handler parses, calls one core or platform function per
//! step, and maps the result.

pub mod admin;
pub mod analytics;
pub mod api;
pub mod api_keys;
pub mod approvals;
pub mod audit;
pub mod bookings;
pub mod caller;
pub mod calls;
pub mod channels;
pub mod console_views;
pub mod contact_messages;
pub mod copilot;
pub mod escalations;
pub mod events;
pub mod health;
pub mod info_packs;
pub mod kb;
pub mod kb_unanswered;
pub mod leads;
pub mod listings;
pub mod mcp;
pub mod meta_whatsapp;
pub mod missed_call;
pub mod oauth_authorize;
pub mod oauth_register;
pub mod oauth_token;
pub mod openphone;
pub mod privacy;
pub mod rate_limit;
pub mod saved_searches;
pub mod session;
pub mod settings;
pub mod simulator;
pub mod takeover;
pub mod tenants;
pub mod test_hooks;
pub mod tickets;
pub mod twilio_relay;
pub mod twilio_sms;
pub mod twilio_voice;
pub mod understand;
pub mod unparsed;
pub mod usage;
pub mod users;
pub mod web_chat;
pub mod web_form;
pub mod well_known;

use crate::error::AppResult;
use frontdesk_core::api::ApiError;
use futures::StreamExt;
use worker::{D1Database, Env, Request, Response};

/// The tenant of the request's caller (an API key or a console session, `caller`), once the
/// caller's role may do what the request asks; and the database.
pub async fn authenticate(req: &Request, env: &Env) -> AppResult<(D1Database, String)> {
    let (db, caller) = caller::resolve(req, env).await?;
    Ok((db, caller.tenant_id))
}

/// Like [`authenticate`], also naming the caller, for actions recorded in `audit_log`.
pub async fn authenticate_key(req: &Request, env: &Env) -> AppResult<(D1Database, caller::Caller)> {
    caller::resolve(req, env).await
}

/// An uploaded CSV's text: CSV imports take UTF-8 only, and say so rather than guess.
pub fn csv_text(raw: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(raw).map_err(|_| ApiError::malformed_body("the CSV is not UTF-8"))
}

/// The request body, refused with 413 past `max_bytes` without reading more than that: a
/// declared `Content-Length` over the limit is refused before any byte is read, and a body of
/// unknown length (chunked) is read piece by piece and dropped as soon as it passes the limit,
/// so an unsigned caller cannot make the isolate buffer megabytes.
pub async fn body_bytes(req: &mut Request, max_bytes: usize) -> AppResult<Vec<u8>> {
    let too_large = || ApiError::payload_too_large(max_bytes);
    let declared = req.headers().get("content-length")?.and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > max_bytes as u64) {
        return Err(too_large().into());
    }
    if declared == Some(0) || req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let mut body = req.stream()?;
    let mut raw = Vec::with_capacity(declared.map_or(0, |len| len as usize));
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        if raw.len() + chunk.len() > max_bytes {
            return Err(too_large().into());
        }
        raw.extend_from_slice(&chunk);
    }
    Ok(raw)
}

/// A JSON body of type `T`; anything else is 400 `malformed_body` naming the `expected` shape.
pub async fn json_body<T: serde::de::DeserializeOwned>(
    req: &mut Request,
    max_bytes: usize,
    expected: &str,
) -> AppResult<T> {
    let raw = body_bytes(req, max_bytes).await?;
    Ok(serde_json::from_slice(&raw).map_err(|e| ApiError::malformed_body(format!("expected {expected}: {e}")))?)
}

/// The first value of a query parameter.
pub fn query_param(req: &Request, name: &str) -> AppResult<Option<String>> {
    Ok(query_params(req)?(name))
}

/// The query string as a lookup (first value of a name), for the actions that read their
/// input through one so the MCP tools can hand them their arguments the same way.
pub fn query_params(req: &Request) -> AppResult<impl Fn(&str) -> Option<String>> {
    let url = req.url()?;
    Ok(move |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}

/// `limit` and `cursor` of a list request.
pub fn page_request(req: &Request) -> AppResult<frontdesk_core::api::PageRequest> {
    let limit = query_param(req, "limit")?;
    let cursor = query_param(req, "cursor")?;
    Ok(frontdesk_core::api::PageRequest::from_query(limit.as_deref(), cursor.as_deref())?)
}

/// `response`, readable by scripts of any origin (GET and POST, the given request headers
/// allowed and response headers exposed; preflights cached a day). Only for routes where
/// nothing rides on cookies.
pub fn open_to_any_origin(response: Response, allow_headers: &str, expose_headers: &str) -> Response {
    let headers = response.headers().clone();
    let _ = headers.set("access-control-allow-origin", "*");
    let _ = headers.set("access-control-allow-methods", "GET, POST, OPTIONS");
    let _ = headers.set("access-control-allow-headers", allow_headers);
    let _ = headers.set("access-control-max-age", "86400");
    let _ = headers.set("access-control-expose-headers", expose_headers);
    response.with_headers(headers)
}
