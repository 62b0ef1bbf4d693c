//! `GET/POST /api/v1/tickets[?status=]` and `GET/POST /api/v1/tickets/{id}` (docs/API.md):
//! maintenance tickets, tenant-scoped; another tenant's ticket or contact is a 404.

use super::{authenticate, authenticate_key, json_body, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1::{self, Audit};
use frontdesk_core::api::{page, ApiError};
use frontdesk_core::ids;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tickets::{CreateTicket, Status, Ticket, UpdateTicket};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use worker::{D1Database, Env, Request, Response};

/// A ticket or an update is a few hundred bytes; a note is at most 2,000 characters.
const MAX_BODY_BYTES: usize = 16 * 1024;

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let status = match query_param(&req, "status")? {
        Some(raw) => Some(
            Status::parse(&raw)
                .ok_or_else(|| ApiError::bad_request("`status` must be one of open, assigned, resolved"))?,
        ),
        None => None,
    };
    let rows = d1::ticket_list(&db, &tenant_id, status, &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let expected = r#"{"category", "urgency", "summary", "contact_id"?, "listing_id"?, "assignee"?}"#;
    let ticket = json_body::<CreateTicket>(&mut req, MAX_BODY_BYTES, expected).await?;
    let actor = owner.actor();
    Ok(json_response(201, &serde_json::to_value(open(&db, &owner.tenant_id, &actor, ticket).await?)?))
}

/// Opens a staff ticket as `actor`, audited; an unknown contact is 404. Shared with the MCP
/// `create_ticket` tool.
pub async fn open(db: &D1Database, tenant_id: &str, actor: &str, ticket: CreateTicket) -> AppResult<Ticket> {
    let ticket = ticket.validate()?;
    let now = WorkerClock.now_ms();
    let id = ids::make(ids::TICKET, now, WorkerRandom.next_u64());
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = serde_json::json!({ "category": ticket.category.as_str(), "urgency": ticket.urgency.as_str() });
    let detail = detail.to_string();
    let audit =
        Audit { id: &audit_id, tenant_id, actor, action: "ticket.open", subject: &id, detail: &detail, at_ms: now };
    if !d1::open_ticket(db, tenant_id, &id, &ticket, &audit).await? {
        return Err(ApiError::not_found("contact").into());
    }
    find(db, tenant_id, &id).await
}

pub async fn get(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    Ok(json_response(200, &serde_json::to_value(find(&db, &tenant_id, id).await?)?))
}

pub async fn update(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let expected = r#"{"status"?: "assigned" | "resolved", "assignee"?, "note"?}"#;
    let update: UpdateTicket = json_body(&mut req, MAX_BODY_BYTES, expected).await?;
    let current = find(&db, &owner.tenant_id, id).await?;
    let actor = owner.actor();
    let now = WorkerClock.now_ms();
    let updated = update.apply(&current, &actor, now)?;
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = serde_json::json!({ "status": updated.status.as_str(), "assignee": updated.assignee }).to_string();
    let audit = Audit {
        id: &audit_id,
        tenant_id: &owner.tenant_id,
        actor: &actor,
        action: "ticket.update",
        subject: id,
        detail: &detail,
        at_ms: now,
    };
    if !d1::update_ticket(&db, &owner.tenant_id, id, current.updated_at, &updated, &audit).await? {
        return Err(ApiError::conflict("ticket changed while this update was made: read it and try again").into());
    }
    Ok(json_response(200, &serde_json::to_value(find(&db, &owner.tenant_id, id).await?)?))
}

async fn find(db: &D1Database, tenant_id: &str, id: &str) -> AppResult<Ticket> {
    let not_found = || ApiError::not_found("ticket");
    if !ids::is_well_formed(id) || !id.starts_with(ids::TICKET) {
        return Err(not_found().into());
    }
    Ok(d1::ticket(db, tenant_id, id).await?.ok_or_else(not_found)?)
}
