//! `POST /mcp`: the MCP Streamable HTTP endpoint (docs/API.md "MCP"), JSON responses only, no
//! sessions. The order of refusals: `Origin` (403), credentials (401 with the
//! protected-resource challenge), the request itself (core's dispatch: 400/404 JSON-RPC errors),
//! the tool's scope (403 `insufficient_scope`); then the tool runs as the caller's tenant and
//! the call is audited. GET and DELETE are 405 (no server-initiated stream, no session).

pub mod auth;
mod tools;

use super::body_bytes;
use super::rate_limit;
use crate::error::{json_response, AppError, AppResult};
use crate::platform::config::public_base_url;
use crate::platform::d1::{self, approvals, audit_statement, Audit};
use auth::Caller;
use frontdesk_core::api::ApiError;
use frontdesk_core::ids;
use frontdesk_core::limiter::Scope as RateScope;
use frontdesk_core::mcp::approval;
use frontdesk_core::mcp::args::Call;
use frontdesk_core::mcp::audit::{self, Outcome as Audited};
use frontdesk_core::mcp::dispatch::{dispatch, Outcome, Post, ToolCall, ToolOutcome};
use frontdesk_core::mcp::jsonrpc::{self, RpcError};
use frontdesk_core::mcp::{challenge, origin};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::principal::Principal;
use frontdesk_core::secrets::Environment;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::env::environment;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde_json::{json, Value};
use worker::{D1Database, Env, Headers, Request, Response};

/// One JSON-RPC message; tool arguments are a few kilobytes at most.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn post(mut req: Request, env: &Env) -> AppResult<Response> {
    let base = public_base_url(env)?;
    let headers = req.headers();
    if !origin::allowed(headers.get("origin")?.as_deref(), &base) {
        let refusal = RpcError::new(jsonrpc::INVALID_REQUEST, "Forbidden: this Origin may not call the MCP endpoint");
        return Ok(json_response(403, &jsonrpc::error(None, &refusal)));
    }
    let client_ip = headers.get("cf-connecting-ip")?;
    let Some(caller) = auth::resolve(&req, env).await? else {
        // Unresolved credentials draw from the IP's bucket: guessing tokens is bounded too.
        if let Some(refusal) = over_limit(env, &RateScope::mcp_key(None, None, client_ip.as_deref())).await? {
            return Ok(refusal);
        }
        let body = json!({ "error": { "code": "unauthorized", "message": "a bearer token is required" } });
        return Ok(with_header(json_response(401, &body), "www-authenticate", &challenge::unauthorized(&base)));
    };
    if let Some(refusal) = over_limit(env, &caller.rate_bucket()).await? {
        return Ok(refusal);
    }
    let (version, method, name) =
        (headers.get("mcp-protocol-version")?, headers.get("mcp-method")?, headers.get("mcp-name")?);
    let body = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let post = Post {
        protocol_version: version.as_deref(),
        mcp_method: method.as_deref(),
        mcp_name: name.as_deref(),
        body: &body,
        fixtures: environment(env) == Environment::Test,
    };
    match dispatch(&post) {
        Outcome::Tool(call) => call_tool(env, &caller, &base, *call).await,
        Outcome::Answer { status, body } => Ok(answer(status, body)),
    }
}

/// Takes one request from `bucket`, or the 429 to send instead: a JSON-RPC error body (what an
/// MCP client reads) with `Retry-After`.
async fn over_limit(env: &Env, bucket: &str) -> AppResult<Option<Response>> {
    match rate_limit::take(env, RateScope::Mcp, bucket).await {
        Ok(()) => Ok(None),
        Err(AppError::Api(ApiError { status: 429, retry_after: Some(seconds), .. })) => {
            let body = jsonrpc::error(None, &RpcError::rate_limited(seconds));
            Ok(Some(with_header(json_response(429, &body), "retry-after", &seconds.to_string())))
        }
        Err(other) => Err(other),
    }
}

async fn call_tool(env: &Env, caller: &Caller, base: &str, call: ToolCall) -> AppResult<Response> {
    let tool = call.tool;
    if !caller.principal.allows(tool.scope) {
        record(caller, tool.name, &call.arguments, Audited::Forbidden).await;
        let message = format!("{} needs the {} scope", tool.name, tool.scope.as_str());
        let body = json!({ "error": { "code": "insufficient_scope", "message": message } });
        let challenge = challenge::insufficient_scope(base, tool.scope);
        return Ok(with_header(json_response(403, &body), "www-authenticate", &challenge));
    }
    if tool.is_write() && needs_approval(&caller.db, &caller.principal.tenant_id, tool.name).await? {
        let approval_id = hold_for_approval(caller, &call).await?;
        return Ok(json_response(200, &call.answer(ToolOutcome::Done(approval::pending(&approval_id, tool.name)))));
    }
    match run_audited(env, caller, tool.name, &call.call, &call.arguments).await {
        Ok(outcome) => Ok(json_response(200, &call.answer(outcome))),
        Err(e) => {
            let failure = e.into_response();
            worker::console_error!("mcp tool {} failed with {}", tool.name, failure.status_code());
            let error = RpcError::new(jsonrpc::INTERNAL_ERROR, "Internal error");
            Ok(answer(500, Some(jsonrpc::error(Some(&call.id), &error))))
        }
    }
}

/// Runs the tool as `caller` and audits how it ended.
async fn run_audited(env: &Env, caller: &Caller, tool: &str, call: &Call, arguments: &Value) -> AppResult<ToolOutcome> {
    let outcome = tools::run(env, caller, call).await;
    let audited = match &outcome {
        Ok(ToolOutcome::Done(_)) => Audited::Ok,
        Ok(ToolOutcome::Refused(_)) => Audited::Refused,
        Err(_) => Audited::Failed,
    };
    record(caller, tool, arguments, audited).await;
    outcome
}

async fn needs_approval(db: &D1Database, tenant_id: &str, tool: &str) -> AppResult<bool> {
    let settings: Settings = d1::tenant_row(db, tenant_id)
        .await?
        .and_then(|row| serde_json::from_str(&row.settings).ok())
        .unwrap_or_default();
    Ok(settings.mcp.is_some_and(|mcp| mcp.needs_approval(tool)))
}

/// Stores the call as a pending approval, audited as such; nothing else is done.
async fn hold_for_approval(caller: &Caller, call: &ToolCall) -> AppResult<String> {
    let now = WorkerClock.now_ms();
    let id = ids::make(ids::APPROVAL, now, WorkerRandom.next_u64());
    let entry = ToolAudit::new(caller, call.tool.name, &call.arguments, Audited::PendingApproval);
    let principal = &caller.principal;
    let new = approvals::NewApproval {
        id: &id,
        tool: call.tool.name,
        arguments: &call.arguments,
        requested_by: &caller.actor,
        user_id: principal.user_id.as_deref(),
        client_id: principal.client_id.as_deref(),
        now_ms: now,
    };
    approvals::insert(&caller.db, &principal.tenant_id, &new, &entry.audit(caller, call.tool.name)).await?;
    Ok(id)
}

/// Runs an approved call once, as the principal that asked for it (its scope was checked
/// when it asked): `{"isError": false, "structuredContent"}` or `{"isError": true, "message"}`.
pub async fn run_approved(env: &Env, approval: &approvals::Approval, tenant_id: &str) -> AppResult<Value> {
    let tool = frontdesk_core::mcp::tools::find(&approval.tool)
        .ok_or_else(|| ApiError::conflict(format!("{} is no longer a tool", approval.tool)))?;
    let caller = Caller {
        db: d1::database(env)?,
        principal: Principal {
            tenant_id: tenant_id.to_owned(),
            user_id: approval.user_id.clone(),
            client_id: approval.client_id.clone(),
            grant_id: None,
            scopes: vec![tool.scope],
        },
        actor: approval.requested_by.clone(),
        api_key_id: None,
    };
    let outcome = match (tool.parse)(approval.arguments.clone()) {
        Ok(call) => run_audited(env, &caller, tool.name, &call, &approval.arguments).await?,
        Err(why) => ToolOutcome::Refused(why),
    };
    Ok(match outcome {
        ToolOutcome::Done(structured) => json!({ "isError": false, "structuredContent": structured }),
        ToolOutcome::Refused(message) => json!({ "isError": true, "message": message }),
    })
}

/// A tool call's `audit_log` entry.
struct ToolAudit {
    id: String,
    detail: String,
    at_ms: u64,
}

impl ToolAudit {
    fn new(caller: &Caller, tool: &str, arguments: &Value, outcome: Audited) -> Self {
        let at_ms = WorkerClock.now_ms();
        let id = ids::make(ids::AUDIT, at_ms, WorkerRandom.next_u64());
        let detail = audit::detail(&caller.principal, tool, arguments, outcome).to_string();
        ToolAudit { id, detail, at_ms }
    }

    fn audit<'a>(&'a self, caller: &'a Caller, tool: &'a str) -> Audit<'a> {
        Audit {
            id: &self.id,
            tenant_id: &caller.principal.tenant_id,
            actor: &caller.actor,
            action: audit::ACTION,
            subject: tool,
            detail: &self.detail,
            at_ms: self.at_ms,
        }
    }
}

/// Writes the entry; a failure to write it is logged, not the caller's problem.
async fn record(caller: &Caller, tool: &str, arguments: &Value, outcome: Audited) {
    let entry = ToolAudit::new(caller, tool, arguments, outcome);
    let written = match audit_statement(&caller.db, &entry.audit(caller, tool)) {
        Ok(statement) => statement.run().await.map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        worker::console_error!("auditing mcp tool call {tool} failed: {e}");
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
