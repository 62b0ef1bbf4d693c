//! `GET /api/v1/escalations[?status=]`, `GET /api/v1/escalations/{id}` and
//! `POST /api/v1/escalations/{id}` `{"status": "acknowledged" | "resolved", "note"?}` (docs/API.md).

use super::{authenticate, authenticate_key, json_body, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1;
use frontdesk_core::api::{page, ApiError, PageRequest};
use frontdesk_core::escalation::{Escalation, Status};
use frontdesk_core::ids;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde::Deserialize;
use worker::{D1Database, Env, Request, Response};

/// A status update is a few bytes; anything larger is not one.
const MAX_BODY_BYTES: usize = 4096;

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let status = query_param(&req, "status")?;
    Ok(json_response(200, &list_page(&db, &tenant_id, status.as_deref(), &request).await?))
}

/// A page of escalations, optionally of one status; shared with the MCP `list_escalations` tool.
pub async fn list_page(
    db: &D1Database,
    tenant_id: &str,
    status: Option<&str>,
    request: &PageRequest,
) -> AppResult<serde_json::Value> {
    let status = match status {
        Some(raw) => Some(
            Status::parse(raw)
                .ok_or_else(|| ApiError::bad_request("`status` must be one of open, acknowledged, resolved"))?,
        ),
        None => None,
    };
    Ok(page(request, d1::escalation_list(db, tenant_id, status, request).await?))
}

pub async fn get(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    Ok(json_response(200, &serde_json::to_value(find(&db, &tenant_id, id).await?)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Update {
    status: String,
    /// What the person did ("called the tenant, plumber on the way"), kept in the audit log.
    #[serde(default)]
    note: Option<String>,
}

/// Long enough for a handover note; a longer one is a document, not a note.
const MAX_NOTE_CHARS: usize = 2000;

pub async fn update(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let update: Update =
        json_body(&mut req, MAX_BODY_BYTES, r#"{"status": "acknowledged" | "resolved", "note"?: "…"}"#).await?;
    let next = Status::parse(&update.status)
        .filter(|s| *s != Status::Open)
        .ok_or_else(|| ApiError::malformed_body("`status` must be acknowledged or resolved"))?;
    let note = update.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(ApiError::malformed_body(format!("`note`: at most {MAX_NOTE_CHARS} characters")).into());
    }
    let actor = owner.actor();
    let escalation = set_status(&db, &owner.tenant_id, id, next, &actor, note).await?;
    Ok(json_response(200, &serde_json::to_value(escalation)?))
}

/// Moves an escalation on (acknowledged or resolved) as `actor`, audited with the person's note;
/// a move backwards is 409. Shared with the MCP `resolve_escalation` tool.
pub async fn set_status(
    db: &D1Database,
    tenant_id: &str,
    id: &str,
    next: Status,
    actor: &str,
    note: Option<&str>,
) -> AppResult<Escalation> {
    let current = find(db, tenant_id, id).await?;
    if !current.status.can_become(next) {
        return Err(ApiError::conflict(format!(
            "escalation is {}; it cannot become {}",
            current.status.as_str(),
            next.as_str()
        ))
        .into());
    }
    if current.status != next {
        let now = WorkerClock.now_ms();
        let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
        let change = d1::StatusChange { status: next, actor, note };
        d1::set_escalation_status(db, tenant_id, id, &change, &audit_id, now).await?;
    }
    find(db, tenant_id, id).await
}

async fn find(db: &D1Database, tenant_id: &str, id: &str) -> AppResult<Escalation> {
    let not_found = || ApiError::not_found("escalation");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    Ok(d1::escalation(db, tenant_id, id).await?.ok_or_else(not_found)?)
}
