//! `GET /api/v1/leads[?band=]`, `GET /api/v1/leads/{contact_id}` (with the field history) and
//! `POST /api/v1/leads/{contact_id}` `{"status": …}` for the operator's lifecycle moves
//! (docs/API.md).

use super::{authenticate, authenticate_key, json_body, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1::{self, Audit};
use frontdesk_core::api::{page, ApiError, PageRequest};
use frontdesk_core::ids;
use frontdesk_core::lead::{can_set, Status};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::platform::listings::interest_of;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env, Request, Response};

const MAX_BODY_BYTES: usize = 4096;

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let band = query_param(&req, "band")?;
    Ok(json_response(200, &list_page(&db, &tenant_id, band.as_deref(), &request).await?))
}

/// A page of leads, optionally one band; shared with the MCP `list_leads` tool.
pub async fn list_page(
    db: &D1Database,
    tenant_id: &str,
    band: Option<&str>,
    request: &PageRequest,
) -> AppResult<serde_json::Value> {
    if band.is_some_and(|b| !["hot", "warm", "cold"].contains(&b)) {
        return Err(ApiError::bad_request("`band` must be one of hot, warm, cold").into());
    }
    Ok(page(request, d1::lead_list(db, tenant_id, band, request).await?))
}

pub async fn get(req: &Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    Ok(json_response(200, &detail(&db, &tenant_id, contact_id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Update {
    status: String,
}

pub async fn update(mut req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let expected = r#"{"status": "new" | "qualifying" | "qualified" | "booked" | "handed_off" | "won" | "lost"}"#;
    let update: Update = json_body(&mut req, MAX_BODY_BYTES, expected).await?;
    let next = Status::parse(&update.status)
        .ok_or_else(|| ApiError::malformed_body(format!("`status` must be one of: {expected}")))?;
    let current = find(&db, &owner.tenant_id, contact_id).await?;
    let from = Status::parse(&current.status).unwrap_or(Status::New);
    can_set(from, next).map_err(ApiError::conflict)?;
    if from != next {
        let now = WorkerClock.now_ms();
        let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
        let actor = owner.actor();
        let detail = json!({ "from": from, "to": next }).to_string();
        let audit = Audit {
            id: &audit_id,
            tenant_id: &owner.tenant_id,
            actor: &actor,
            action: "lead.status_set",
            subject: contact_id,
            detail: &detail,
            at_ms: now,
        };
        d1::set_lead_status(&db, &audit, contact_id, next).await?;
    }
    Ok(json_response(200, &detail(&db, &owner.tenant_id, contact_id).await?))
}

async fn find(db: &D1Database, tenant_id: &str, contact_id: &str) -> AppResult<d1::Lead> {
    let not_found = || ApiError::not_found("lead");
    if !ids::is_well_formed(contact_id) {
        return Err(not_found().into());
    }
    Ok(d1::lead(db, tenant_id, contact_id).await?.ok_or_else(not_found)?)
}

/// The lead with its field history and listings of interest; shared with the MCP `get_lead` tool.
pub async fn detail(db: &D1Database, tenant_id: &str, contact_id: &str) -> AppResult<serde_json::Value> {
    let lead = find(db, tenant_id, contact_id).await?;
    let changes = d1::lead_changes(db, tenant_id, contact_id).await?;
    let mut value = serde_json::to_value(lead)?;
    value["changes"] = serde_json::to_value(changes)?;
    value["listings"] = serde_json::to_value(interest_of(db, tenant_id, contact_id).await?)?;
    Ok(value)
}
