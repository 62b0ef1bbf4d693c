//! The tenant API's reads (docs/API.md). Another tenant's id answers 404, exactly like an id
//! that does not exist, so existence never leaks across tenants.

use super::{authenticate, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1;
use frontdesk_core::api::{page, ApiError};
use frontdesk_core::contact_key::Email;
use frontdesk_core::ids;
use frontdesk_core::phone::PhoneE164;
use worker::{Env, Request, Response};

pub async fn list_conversations(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let rows = d1::conversation_list(&db, &tenant_id, &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

pub async fn get_conversation(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    let conversation = find_conversation(&db, &tenant_id, id).await?;
    Ok(json_response(200, &serde_json::to_value(conversation)?))
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
    let phone = match query_param(&req, "phone")? {
        Some(raw) => Some(
            // An unencoded `+` in a query string decodes as a space: take it as the `+` it was.
            PhoneE164::parse(&raw.replacen(' ', "+", usize::from(raw.starts_with(' '))))
                .map_err(|e| ApiError::bad_request(format!("`phone`: {e}")))?,
        ),
        None => None,
    };
    let email = match query_param(&req, "email")? {
        Some(raw) => Some(Email::parse(&raw).map_err(|e| ApiError::bad_request(format!("`email`: {e}")))?),
        None => None,
    };
    let (phone, email) = (phone.as_ref().map(PhoneE164::as_str), email.as_ref().map(Email::as_str));
    let rows = d1::contact_list(&db, &tenant_id, phone, email, &request).await?;
    Ok(json_response(200, &page(&request, rows)))
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
