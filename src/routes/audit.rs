//! `GET /api/v1/audit[?action=][&limit=&before=]` (docs/API.md "Audit"): the tenant's audit log,
//! newest first — sign-ins, MCP tool calls, settings changes, approvals, messages staff sent —
//! each with its actor, subject and detail (an MCP call's arguments only as a digest).

use super::{authenticate, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1::audit_list;
use frontdesk_core::api::{page, ApiError};
use worker::{Env, Request, Response};

/// Longer than any action name (`call.recording_deleted`); a longer filter matches nothing.
const MAX_ACTION_LEN: usize = 64;

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let action = query_param(&req, "action")?;
    if action.as_deref().is_some_and(|a| a.is_empty() || a.len() > MAX_ACTION_LEN) {
        return Err(ApiError::bad_request("`action` must be an action name such as mcp.tool_call").into());
    }
    let rows = audit_list(&db, &tenant_id, action.as_deref(), &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}
