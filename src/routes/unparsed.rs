//! Signed webhook events a provider route could not parse (core::unparsed): keeping one, and
//! `GET /api/v1/unparsed` · `POST /api/v1/unparsed/{id}/replay` (docs/API.md).
//!
//! Each provider route splits at its signature check: before it, what finds the tenant and its
//! key; after it, one `act` function (parse → act) that answers [`Acted::Unparsed`] instead of an
//! error when the body does not parse. The webhook keeps such a body here and answers the
//! provider 2xx; the replay runs the kept body through the same `act`.

use super::{authenticate, authenticate_key, meta_whatsapp, openphone, page_request, twilio_sms};
use crate::error::{json_response, AppError, AppResult};
use crate::platform::d1;
use crate::platform::events::publish_after_response;
use frontdesk_core::api::{page, ApiError};
use frontdesk_core::channel::{meta, openphone as op, twilio};
use frontdesk_core::ids;
use frontdesk_core::inbound::Delivery;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::unparsed::{self, Kept, Status, UnparsedEvent};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde_json::{json, Value};
use worker::{Context, D1Database, Env, Request, Response};

/// What a provider's `act` made of a verified body.
pub enum Acted<T> {
    /// Parsed and acted on; `T` is what the provider is answered.
    Done(T),
    /// The parser refused it: the error, to keep with the body.
    Unparsed(String),
}

/// A verified body to keep, as the provider route saw it.
pub struct Unparsed<'a> {
    /// `None` only for Meta bodies naming no number a tenant owns.
    pub tenant_id: Option<&'a str>,
    pub provider: &'static str,
    /// The provider's id for the event, when the body yields one ([`unparsed::event_key`]).
    pub event_id: Option<&'a str>,
    pub raw: &'a [u8],
    pub error: &'a str,
}

/// Keeps a verified body the provider's parser refused (once across retries), audits it and
/// tells the tenant's dashboard; returns the kept row's id.
pub async fn keep(env: &Env, ctx: &Context, db: &D1Database, req: &Request, event: Unparsed<'_>) -> AppResult<String> {
    let now = WorkerClock.now_ms();
    let kept = Kept {
        id: ids::make(ids::UNPARSED, now, WorkerRandom.next_u64()),
        tenant_id: event.tenant_id.map(str::to_owned),
        provider: event.provider.to_owned(),
        event_id: unparsed::event_key(event.event_id, event.raw),
        headers: unparsed::kept_headers(|name| req.headers().get(name).ok().flatten()),
        // Provider bodies are JSON or form encoding, both UTF-8; a body that is not could not
        // have parsed under any build, so losing its invalid bytes loses nothing replayable.
        body: String::from_utf8_lossy(event.raw).into_owned(),
        error: unparsed::error_text(event.error),
        received_at: now,
    };
    let (id, fresh) = d1::keep_unparsed(db, &kept, &ids::make(ids::AUDIT, now, WorkerRandom.next_u64())).await?;
    if fresh {
        let owner = kept.tenant_id.as_deref().unwrap_or("no tenant");
        worker::console_warn!(
            "kept unparsed {} event {} as {id} ({owner}): {}",
            kept.provider,
            kept.event_id,
            kept.error
        );
        publish_after_response(env, ctx, kept.live_event().into_iter().collect());
    }
    Ok(id)
}

/// The JSON providers (OpenPhone, Meta) are answered for a kept event: a 200, so they stop
/// retrying, that says it was not acted on.
pub fn kept_response(id: &str) -> Response {
    json_response(200, &json!({ "handled": false, "kept": id }))
}

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let rows = d1::unparsed_list(&db, &tenant_id, &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

/// Runs a kept body through its provider's `act` again.
///
/// The signature is not checked again: it was verified before the row was written (nothing
/// unverified is ever kept), so the signature headers were deliberately not stored, and
/// OpenPhone's 5-minute replay window would refuse an old signature anyway. What stands in for
/// it is that only the owning tenant's API key reaches the row.
pub async fn replay(req: Request, env: &Env, ctx: &Context, id: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let row = find(&db, &owner.tenant_id, id).await?;
    if row.status == Status::Replayed {
        return Err(ApiError::conflict(format!("{id} was replayed already")).into());
    }
    let now = WorkerClock.now_ms();
    let result = act(env, ctx, &db, &owner.tenant_id, &row, now).await;
    let (status, error) = match &result {
        Ok(Acted::Done(_)) => (Status::Replayed, None),
        Ok(Acted::Unparsed(error)) => (Status::Unparsed, Some(unparsed::error_text(error))),
        Err(AppError::Api(e)) => (Status::Failed, Some(e.message.clone())),
        Err(AppError::Internal(_)) => (Status::Failed, Some(ApiError::internal().message)),
    };
    let actor = owner.actor();
    let detail = json!({ "status": status.as_str(), "error": error }).to_string();
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let audit = d1::Audit {
        id: &audit_id,
        tenant_id: &owner.tenant_id,
        actor: &actor,
        action: "webhook.replayed",
        subject: &row.id,
        detail: &detail,
        at_ms: now,
    };
    d1::record_replay(&db, &audit, status, error.as_deref()).await?;
    match result? {
        Acted::Done(answer) => Ok(json_response(200, &json!({ "id": row.id, "status": "replayed", "answer": answer }))),
        Acted::Unparsed(error) => Err(ApiError::still_unparsed(unparsed::error_text(&error)).into()),
    }
}

/// The provider's own after-verification path, with the tenant the row belongs to.
async fn act(
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    tenant_id: &str,
    row: &UnparsedEvent,
    now: u64,
) -> AppResult<Acted<Value>> {
    let raw = row.body.as_bytes();
    let tenant = || async {
        let found = d1::tenant_row(db, tenant_id).await?;
        AppResult::Ok(found.ok_or_else(|| ApiError::not_found("tenant"))?.into_context(now))
    };
    match row.provider.as_str() {
        op::PROVIDER => openphone::act(env, ctx, db, tenant().await?, raw, now).await,
        // Twilio's webhook answers inline (TwiML); nobody is waiting for a replay's answer, so
        // the reply goes through the outbox instead.
        twilio::PROVIDER => Ok(match twilio_sms::act(env, ctx, tenant().await?, raw, Delivery::Queued, now).await? {
            Acted::Done((reply, _)) => Acted::Done(json!({ "reply": reply })),
            Acted::Unparsed(error) => Acted::Unparsed(error),
        }),
        meta::PROVIDER => meta_whatsapp::act(env, ctx, db, raw, now).await,
        other => Err(AppError::Internal(format!("unparsed event {} of unknown provider {other}", row.id))),
    }
}

async fn find(db: &D1Database, tenant_id: &str, id: &str) -> AppResult<UnparsedEvent> {
    let not_found = || ApiError::not_found("unparsed event");
    if !ids::is_well_formed(id) {
        return Err(not_found().into());
    }
    Ok(d1::unparsed(db, tenant_id, id).await?.ok_or_else(not_found)?)
}
