//! The tenant API's reads (docs/API.md). Another tenant's id answers 404, exactly like an id
//! that does not exist, so existence never leaks across tenants.

use super::{authenticate, page_request, query_param, query_params};
use crate::error::{json_response, AppResult};
use crate::platform::d1::{self, inbox};
use frontdesk_core::api::{page, ApiError, PageRequest};
use frontdesk_core::console::inbox::{InboxFilter, InboxItem};
use frontdesk_core::contact_key::Email;
use frontdesk_core::ids;
use frontdesk_core::phone::PhoneE164;
use worker::{D1Database, Env, Request, Response};

/// The console's list: each conversation with its hold, unread count and contact, filtered
/// (core::console::inbox).
pub async fn list_conversations(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let filter = InboxFilter::from_query(query_params(&req)?)?;
    let rows = inbox::inbox(&db, &tenant_id, &filter, &request).await?;
    Ok(json_response(200, &page(&request, rows.into_iter().map(InboxItem::from).collect())))
}

pub async fn get_conversation(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    Ok(json_response(200, &serde_json::to_value(inbox_item(&db, &tenant_id, id).await?)?))
}

/// One conversation as the console shows it; 404 for an unknown or another tenant's id.
pub async fn inbox_item(db: &D1Database, tenant_id: &str, id: &str) -> AppResult<InboxItem> {
    let not_found = || ApiError::not_found("conversation");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    Ok(inbox::inbox_item(db, tenant_id, id).await?.map(InboxItem::from).ok_or_else(not_found)?)
}

pub async fn list_messages(req: &Request, env: &Env, conversation_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    let request = page_request(req)?;
    find_conversation(&db, &tenant_id, conversation_id).await?;
    let rows = d1::message_list(&db, &tenant_id, conversation_id, &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

pub async fn list_contacts(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    // An unencoded `+` in a query string decodes as a space: take it as the `+` it was.
    let phone = query_param(&req, "phone")?.map(|raw| raw.replacen(' ', "+", usize::from(raw.starts_with(' '))));
    let (email, name) = (query_param(&req, "email")?, query_param(&req, "name")?);
    let found = search_contacts(&db, &tenant_id, phone.as_deref(), email.as_deref(), name.as_deref(), &request).await?;
    Ok(json_response(200, &found))
}

/// A page of the tenant's contacts by exact phone (E.164) or email, and/or part of the name;
/// a malformed phone or email is 400 naming it. Shared with the MCP `search_contacts` tool.
pub async fn search_contacts(
    db: &D1Database,
    tenant_id: &str,
    phone: Option<&str>,
    email: Option<&str>,
    name: Option<&str>,
    request: &PageRequest,
) -> AppResult<serde_json::Value> {
    let phone = phone.map(PhoneE164::parse).transpose().map_err(|e| ApiError::bad_request(format!("`phone`: {e}")))?;
    let email = email.map(Email::parse).transpose().map_err(|e| ApiError::bad_request(format!("`email`: {e}")))?;
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 120) {
        return Err(ApiError::bad_request("`name`: at most 120 characters").into());
    }
    let filter = d1::ContactFilter {
        phone: phone.as_ref().map(PhoneE164::as_str),
        email: email.as_ref().map(Email::as_str),
        name,
    };
    let rows = d1::contact_list(db, tenant_id, &filter, request).await?;
    Ok(page(request, rows))
}

pub async fn list_outbox(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let rows = d1::outbox_list(&db, &tenant_id, &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

async fn find_conversation(
    db: &worker::D1Database,
    tenant_id: &str,
    id: &str,
) -> AppResult<frontdesk_core::records::Conversation> {
    let not_found = || ApiError::not_found("conversation");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    Ok(d1::conversation(db, tenant_id, id).await?.ok_or_else(not_found)?)
}
