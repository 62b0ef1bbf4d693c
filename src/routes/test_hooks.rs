//! Routes that exist only in the `test` environment (set by the test harness, never by a
//! deployed configuration): they answer 404 anywhere else, exactly like an unknown path.
//!
//! `POST /__test/sweep {"now": <ms>}` runs one sweeper pass as if the clock read `now`, so the
//! fault-injection suite shows a stuck claim answered, a lost enqueue sent and an unacknowledged
//! emergency re-paged without waiting minutes for the cron trigger.
//!
//! `POST /__test/kb/unanswered {"tenant_id", "contact_id", "conversation_id", "message_id",
//! "question"}` files an unanswered question as the turn does, so the knowledge base suite can
//! answer one through the API without scripting a conversation the brain cannot answer.
//!
//! `POST /__test/listings/mentioned {"tenant_id", "text"}` → `{"listing": {…} | null}`: the
//! conversation's listing lookup (`platform::listings::find_mentioned`) on its own, so the
//! listings suite checks its database pre-filter before the brains call it.
//!
//! `GET /__test/principal[?needs=frontdesk:write]` → 200 with the `Principal` of the request's
//! OAuth access token, the resource server's 401 challenge, or its 403 when the grant lacks the
//! scope `needs` names: the OAuth suite checks token resolution (audience, expiry, revocation)
//! through the same functions the MCP endpoint calls.
//!
//! `POST /__test/job {job}` runs one job as the queue consumer would → 200, or 409 with the
//! error the consumer would retry on: a second copy of a job running beside the queue's (Queues
//! deliver at least once, and production runs consumers concurrently, which the local queue
//! does not), so the booking integrations suite shows the lease keeping them apart.

use super::json_body;
use crate::error::{json_response, AppResult};
use crate::platform::d1::kb_unanswered::{insert_unanswered, Unanswered};
use crate::platform::sweeper::sweep;
use frontdesk_core::api::ApiError;
use frontdesk_core::ids;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::secrets::Environment;
use frontdesk_durable::platform::env::environment;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde::Deserialize;
use worker::{Env, Request, Response};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepAt {
    now: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUnanswered {
    tenant_id: String,
    contact_id: String,
    conversation_id: String,
    message_id: String,
    question: String,
}

pub async fn add_unanswered(mut req: Request, env: &Env) -> AppResult<Response> {
    if environment(env) != Environment::Test {
        return Err(ApiError::not_found("route").into());
    }
    let new: NewUnanswered = json_body(&mut req, 16 * 1024, "an unanswered question").await?;
    let now = WorkerClock.now_ms();
    let row = Unanswered {
        id: ids::make(ids::UNANSWERED, now, WorkerRandom.next_u64()),
        contact_id: new.contact_id,
        conversation_id: new.conversation_id,
        message_id: new.message_id,
        question: new.question,
        status: "open".into(),
        faq_id: None,
        created_at: now,
        updated_at: now,
    };
    insert_unanswered(&crate::platform::d1::database(env)?, &new.tenant_id, &row).await?;
    Ok(json_response(201, &serde_json::json!({ "id": row.id })))
}

pub async fn sweep_now(mut req: Request, env: &Env) -> AppResult<Response> {
    if environment(env) != Environment::Test {
        return Err(ApiError::not_found("route").into());
    }
    let at: SweepAt = json_body(&mut req, 1024, r#"{"now": <unix ms>}"#).await?;
    let report = sweep(env, at.now).await?;
    Ok(json_response(200, &serde_json::to_value(report)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Mention {
    tenant_id: String,
    text: String,
}

pub async fn listing_mentioned(mut req: Request, env: &Env) -> AppResult<Response> {
    if environment(env) != Environment::Test {
        return Err(ApiError::not_found("route").into());
    }
    let m: Mention = json_body(&mut req, 16 * 1024, r#"{"tenant_id", "text"}"#).await?;
    let db = crate::platform::d1::database(env)?;
    let found = frontdesk_durable::platform::listings::find_mentioned(&db, &m.tenant_id, &m.text).await?;
    Ok(json_response(200, &serde_json::json!({ "listing": found })))
}

pub async fn run_job(mut req: Request, env: &Env) -> AppResult<Response> {
    if environment(env) != Environment::Test {
        return Err(ApiError::not_found("route").into());
    }
    let job: frontdesk_core::jobs::Job = json_body(&mut req, 16 * 1024, "a job").await?;
    Ok(match crate::platform::jobs::run(env, job).await {
        Ok(()) => json_response(200, &serde_json::json!({ "ok": true })),
        Err(e) => json_response(409, &serde_json::json!({ "error": e.to_string() })),
    })
}

pub async fn principal(req: &Request, env: &Env) -> AppResult<Response> {
    if environment(env) != Environment::Test {
        return Err(ApiError::not_found("route").into());
    }
    use crate::platform::oauth_bearer::{insufficient_scope, principal_from_bearer};
    let principal = match principal_from_bearer(req, env).await? {
        Ok(principal) => principal,
        Err(challenge) => return Ok(challenge),
    };
    let needs = super::query_param(req, "needs")?.and_then(|raw| frontdesk_core::principal::Scope::parse(&raw));
    match needs {
        Some(scope) if !principal.allows(scope) => insufficient_scope(env, &[scope]),
        _ => Ok(json_response(200, &serde_json::to_value(principal)?)),
    }
}
