//! `POST /mcp`: the MCP Streamable HTTP endpoint (docs/API.md "MCP"), JSON responses only, no
//! sessions. The order of refusals: `Origin` (403), credentials (401 with the
//! protected-resource challenge), the request itself (core's dispatch: 400/404 JSON-RPC errors),
//! the tool's scope (403 `insufficient_scope`); then the tool runs as the caller's tenant and
//! the call is audited. GET and DELETE are 405 (no server-initiated stream, no session).

pub mod auth;
mod tools;

use super::body_bytes;
use crate::error::{json_response, AppResult};
use crate::platform::config::public_base_url;
use crate::platform::d1::{audit_statement, Audit};
use auth::Caller;
use frontdesk_core::ids;
use frontdesk_core::mcp::audit::{self, Outcome as Audited};
use frontdesk_core::mcp::dispatch::{dispatch, Outcome, Post, ToolCall, ToolOutcome};
use frontdesk_core::mcp::jsonrpc::{self, RpcError};
use frontdesk_core::mcp::{challenge, origin};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde_json::{json, Value};
use worker::{Env, Headers, Request, Response};

/// One JSON-RPC message; tool arguments are a few kilobytes at most.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn post(mut req: Request, env: &Env) -> AppResult<Response> {
    let base = public_base_url(env)?;
    let headers = req.headers();
    if !origin::allowed(headers.get("origin")?.as_deref(), &base) {
        let refusal = RpcError::new(jsonrpc::INVALID_REQUEST, "Forbidden: this Origin may not call the MCP endpoint");
        return Ok(json_response(403, &jsonrpc::error(None, &refusal)));
    }
    let Some(caller) = auth::resolve(&req, env).await? else {
        let body = json!({ "error": { "code": "unauthorized", "message": "a bearer token is required" } });
        return Ok(with_header(json_response(401, &body), "www-authenticate", &challenge::unauthorized(&base)));
    };
    let (version, method, name) =
        (headers.get("mcp-protocol-version")?, headers.get("mcp-method")?, headers.get("mcp-name")?);
    let body = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let post = Post {
        protocol_version: version.as_deref(),
        mcp_method: method.as_deref(),
        mcp_name: name.as_deref(),
        body: &body,
    };
    match dispatch(&post) {
        Outcome::Answer { status, body } => Ok(answer(status, body)),
        Outcome::Tool(call) => call_tool(env, &caller, &base, call).await,
    }
}

async fn call_tool(env: &Env, caller: &Caller, base: &str, call: ToolCall) -> AppResult<Response> {
    if !caller.principal.allows(call.tool.scope) {
        record(caller, &call, Audited::Forbidden).await;
        let body = json!({ "error": { "code": "insufficient_scope", "message": format!("{} needs the {} scope", call.tool.name, call.tool.scope.as_str()) } });
        let challenge = challenge::insufficient_scope(base, call.tool.scope);
        return Ok(with_header(json_response(403, &body), "www-authenticate", &challenge));
    }
    let outcome = match tools::run(env, caller, &call.call).await {
        Ok(outcome) => outcome,
        Err(e) => {
            record(caller, &call, Audited::Failed).await;
            let failure = crate::error::AppError::into_response(e);
            worker::console_error!("mcp tool {} failed with {}", call.tool.name, failure.status_code());
            let error = RpcError::new(jsonrpc::INTERNAL_ERROR, "Internal error");
            return Ok(answer(500, Some(jsonrpc::error(Some(&call.id), &error))));
        }
    };
    let audited = match outcome {
        ToolOutcome::Done(_) => Audited::Ok,
        ToolOutcome::Refused(_) => Audited::Refused,
    };
    record(caller, &call, audited).await;
    match call.answer(outcome) {
        Outcome::Answer { status, body } => Ok(answer(status, body)),
        Outcome::Tool(_) => unreachable!("an answered call answers"),
    }
}

/// The call's `audit_log` entry; a failure to write it is logged, not the caller's problem.
async fn record(caller: &Caller, call: &ToolCall, outcome: Audited) {
    let now = WorkerClock.now_ms();
    let id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = audit::detail(&caller.principal, call.tool.name, &call.arguments, outcome).to_string();
    let entry = Audit {
        id: &id,
        tenant_id: &caller.principal.tenant_id,
        actor: &caller.actor,
        action: audit::ACTION,
        subject: call.tool.name,
        detail: &detail,
        at_ms: now,
    };
    let written = match audit_statement(&caller.db, &entry) {
        Ok(statement) => statement.run().await.map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        worker::console_error!("auditing mcp tool call {} failed: {e}", call.tool.name);
    }
}

fn answer(status: u16, body: Option<Value>) -> Response {
    match body {
        Some(body) => json_response(status, &body),
        None => {
            Response::empty().map(|r| r.with_status(status)).unwrap_or_else(|_| json_response(status, &Value::Null))
        }
    }
}

fn with_header(response: Response, name: &str, value: &str) -> Response {
    let headers: Headers = response.headers().clone();
    let _ = headers.set(name, value);
    response.with_headers(headers)
}
