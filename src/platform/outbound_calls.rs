//! Calls we place. [`make_call`] is the action — checked, stored `queued` with its job's
//! intent in one batch before anything remote, then queued — called by `POST /api/v1/calls`
//! and meant for the MCP `make_call` tool. [`place`] is the job: Twilio's Calls API with the
//! tenant's credentials (`simulated` without them), the CallSid kept on the row.
//!
//! A job given up on (dead-lettered, or abandoned by the sweeper) leaves the call `failed`
//! (`outbound::mark_dead`).
//!
//! Known limits: Twilio's Calls API takes no idempotency key, so a Worker dying between Twilio
//! accepting the call and the CallSid being stored places it again on the retry; and the call
//! holds no lease, so two copies of the job running at the same moment (a queue retry and the
//! sweeper's re-send) could both place it.

use super::config;
use super::d1::{calls, tenant_row};
use super::outbound::{intent_done, twilio_sender, TWILIO_API_BASE_VAR};
use crate::error::AppResult;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::twilio::calls::{create_request, OutboundCall};
use frontdesk_core::channel::twilio::rest::{parse_send_response, API_BASE};
use frontdesk_core::http::SendOutcome;
use frontdesk_core::ids;
use frontdesk_core::jobs::{call_intent_key, Job};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tenant::Settings;
use frontdesk_core::voice::outbound::{webhook_urls, MakeCall};
use frontdesk_core::voice::VoiceMode;
use frontdesk_durable::platform::bookings::contact_for;
use frontdesk_durable::platform::env::api_base;
use frontdesk_durable::platform::http::execute;
use frontdesk_durable::platform::intents::intent_statements;
use frontdesk_durable::platform::jobs::enqueue;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use worker::{D1Database, Env, Result};

/// Stores the call `queued` and queues the job that places it; a repeated `request_key`
/// answers the call it placed the first time and queues nothing.
pub async fn make_call(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    call: &MakeCall,
    request_key: Option<&str>,
) -> AppResult<calls::Call> {
    if let Some(existing) = match request_key {
        Some(key) => calls::call_by_request_key(db, tenant_id, key).await?,
        None => None,
    } {
        return Ok(existing);
    }
    // Refused before anything is stored: a deployment that cannot give Twilio our URLs.
    config::public_base_url(env)?;
    let number = super::outbound::channel_row(db, tenant_id, "twilio")
        .await?
        .ok_or_else(|| ApiError::unprocessable("no_voice_number", "the tenant has no Twilio number to call from"))?
        .address;
    let now = WorkerClock.now_ms();
    let tenant = tenant_row(db, tenant_id).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
    let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
    // A used-up call quota holds back the calls we start, before anything (a contact) is stored.
    let usage = super::usage::month_report(db, tenant_id, &tenant.timezone, &settings, now).await?;
    if let Some(reason) = usage.paused.calls {
        return Err(ApiError::unprocessable("quota_exceeded", reason).into());
    }
    let contact_id = match &call.contact_id {
        Some(id) if calls::contact_exists(db, tenant_id, id).await? => id.clone(),
        Some(_) => return Err(ApiError::not_found("contact").into()),
        None => contact_for(db, tenant_id, Some(call.to.as_str()), None, None, now)
            .await?
            .ok_or_else(|| worker::Error::RustError("no contact for a phone number".into()))?,
    };
    let mode = match settings.voice.unwrap_or_default().mode {
        VoiceMode::Relay => "relay",
        VoiceMode::Gather => "gather",
    };
    let id = ids::make(ids::CALL, now, WorkerRandom.next_u64());
    let job = Job::MakeCall { tenant_id: tenant_id.to_owned(), call_id: id.clone() };
    let mut batch = vec![calls::queue_outbound_statement(
        db,
        &calls::NewOutboundCall {
            id: &id,
            tenant_id,
            contact_id: &contact_id,
            from: &number,
            to: call.to.as_str(),
            mode,
            purpose: call.purpose.as_str(),
            request_key,
            now_ms: now,
        },
    )?];
    batch.extend(intent_statements(db, std::slice::from_ref(&job), now)?);
    db.batch(batch).await?;
    let stored = match request_key {
        // Two requests with one key at once: the first stored wins; the other's intent finds
        // no call and is settled by its job.
        Some(key) => calls::call_by_request_key(db, tenant_id, key).await?,
        None => calls::call(db, tenant_id, &id).await?,
    }
    .ok_or_else(|| worker::Error::RustError("call missing after insert".into()))?;
    if stored.id == id {
        // The intent is durable: if the queue is unreachable now, the sweeper sends it.
        if let Err(e) = enqueue(env, &job).await {
            worker::console_warn!("queueing call {id} failed, the sweeper will: {e}");
        }
    }
    Ok(stored)
}

/// The `make_call` job: places the call once, or settles it as `simulated` or `failed`.
/// Twilio's 429/5xx and network errors fail the job, so the queue retries it (then the DLQ).
pub async fn place(env: &Env, tenant_id: &str, call_id: &str) -> Result<()> {
    let db = super::d1::database(env)?;
    let key = call_intent_key(call_id);
    let now = WorkerClock.now_ms();
    let Some(call) = calls::call(&db, tenant_id, call_id).await? else {
        return intent_done(&db, tenant_id, &key).await;
    };
    if call.status != "queued" || call.call_sid != call.id {
        // Placed (or settled) by an earlier run.
        return intent_done(&db, tenant_id, &key).await;
    }
    let settle = |status: &'static str, error: Option<String>| {
        let (db, key) = (&db, &key);
        async move {
            calls::settle_unplaced(db, tenant_id, call_id, status, error.as_deref(), now).await?;
            intent_done(db, tenant_id, key).await
        }
    };
    let sender = match twilio_sender(env, &db, tenant_id).await? {
        Ok(Some(sender)) => sender,
        Ok(None) => return settle("simulated", None).await,
        Err(why) => return settle("failed", Some(format!("channel misconfigured: {why}"))).await,
    };
    let base = config::public_base_url(env).map_err(|_| worker::Error::RustError("PUBLIC_BASE_URL is unset".into()))?;
    let (url, status_callback) = webhook_urls(&base, call_id, &sender.from);
    let request = create_request(
        &api_base(env, TWILIO_API_BASE_VAR, API_BASE),
        &OutboundCall {
            account_sid: &sender.account_sid,
            auth_token: &sender.auth_token,
            from: &sender.from,
            to: &call.to_number,
            url: &url,
            status_callback: &status_callback,
        },
    );
    let (status, body) = execute(&request).await.map_err(|e| worker::Error::RustError(format!("twilio calls: {e}")))?;
    match parse_send_response(status, &body) {
        SendOutcome::Sent { provider_id } => {
            calls::attach_call_sid(&db, tenant_id, call_id, &provider_id, now).await?;
            intent_done(&db, tenant_id, &key).await
        }
        SendOutcome::Failed(error) => settle("failed", Some(error)).await,
        SendOutcome::Retry(error) => Err(worker::Error::RustError(format!("placing call {call_id}: {error}"))),
    }
}
