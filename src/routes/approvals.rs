//! `GET /api/v1/approvals[?status=]` and `POST /api/v1/approvals/{id}` `{"decision": "approve" |
//! "reject"}` (docs/API.md "Approvals"): MCP write-tool calls the tenant holds for a person.
//! Approving runs the call once, through the MCP endpoint's own tool runner; deciding twice is
//! 409 and runs nothing.

use super::{authenticate, authenticate_key, json_body, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1::{approvals, Audit};
use frontdesk_core::api::{page, ApiError};
use frontdesk_core::ids;
use frontdesk_core::mcp::approval::Decision;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

const MAX_BODY_BYTES: usize = 1024;

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let status = query_param(&req, "status")?;
    if status.as_deref().is_some_and(|s| !["pending", "approved", "rejected"].contains(&s)) {
        return Err(ApiError::bad_request("`status` must be one of pending, approved, rejected").into());
    }
    let rows = approvals::list(&db, &tenant_id, status.as_deref(), &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    decision: String,
}

pub async fn decide(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let body: Body = json_body(&mut req, MAX_BODY_BYTES, r#"{"decision": "approve" | "reject"}"#).await?;
    let decision = Decision::parse(&body.decision)
        .ok_or_else(|| ApiError::malformed_body("`decision` must be approve or reject"))?;
    let tenant_id = &owner.tenant_id;
    let not_found = || ApiError::not_found("approval");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    let approval = approvals::get(&db, tenant_id, id).await?.ok_or_else(not_found)?;
    let now = WorkerClock.now_ms();
    let actor = owner.actor();
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let action = format!("approval.{}", decision.status());
    let detail = json!({ "tool": approval.tool }).to_string();
    let audit =
        Audit { id: &audit_id, tenant_id, actor: &actor, action: &action, subject: id, detail: &detail, at_ms: now };
    if !approvals::decide(&db, tenant_id, id, decision.status(), &actor, &audit).await? {
        return Err(ApiError::conflict(format!("approval {id} was already {}", approval.status)).into());
    }
    if decision == Decision::Approve {
        let result = super::mcp::run_approved(env, &approval, tenant_id).await?;
        approvals::record_result(&db, tenant_id, id, &result).await?;
    }
    let decided = approvals::get(&db, tenant_id, id).await?.ok_or_else(not_found)?;
    Ok(json_response(200, &serde_json::to_value(decided)?))
}
