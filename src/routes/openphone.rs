//! `POST /webhooks/openphone`: OpenPhone / Quo events (PROTOCOLS.md §5).
//!
//! route (who the event is for, read tolerantly) → the tenant by its line's number, else by
//! its `PN…` id → verify the signature (legacy `openphone-signature` or Standard Webhooks, with
//! a 5-minute replay window) with that channel's signing key → [`act`]: parse, then a received
//! text is answered through OpenPhone's API, a delivery updates the reply, a missed incoming
//! call gets a follow-up text, a call's recording, summary or transcript goes on the contact's
//! timeline; other events are acknowledged. A verified event `parse` refuses is kept
//! (`unparsed_events`) and answered 200, so Quo stops retrying and nothing is lost.

use super::body_bytes;
use super::unparsed::{self, Acted, Unparsed};
use crate::error::{json_response, AppResult};
use crate::platform::config;
use crate::platform::d1;
use crate::platform::events::publish_after_response;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::openphone::{self, EventKind, Route, SignatureHeaders, PROVIDER};
use frontdesk_core::channel::Channel;
use frontdesk_core::inbound::{InboundTurn, TenantContext};
use frontdesk_core::ports::Clock;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::{wall_clock_ms, WorkerClock};
use serde_json::{json, Value};
use worker::{Context, D1Database, Env, Request, Response};

/// Events are a few KiB; 256 KiB leaves room for long transcripts and summaries.
const MAX_BODY_BYTES: usize = 256 * 1024;

pub async fn post(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let raw = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let route = openphone::route(&raw)
        .ok_or_else(|| ApiError::malformed_body("not an OpenPhone event: a JSON object with an `id` is required"))?;
    let now = WorkerClock.now_ms();
    let db = d1::database(&env)?;
    let Some(tenant) = tenant(&db, &route, now).await? else {
        // Nothing is acted on for an event about no line, or of a type we never act on, so
        // there is nothing to verify or keep (as before parse-first became route-first).
        return Ok(json_response(200, &json!({ "handled": false })));
    };
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (legacy, id, ts, sig) =
        (header("openphone-signature"), header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"));
    let headers = SignatureHeaders {
        legacy: legacy.as_deref(),
        webhook_id: id.as_deref(),
        webhook_timestamp: ts.as_deref(),
        webhook_signature: sig.as_deref(),
    };
    let key = config::channel_secret(&env, &tenant.tenant_id, PROVIDER, &tenant.secret_ref)?;
    if !openphone::verify(&key, &raw, &headers, wall_clock_ms()) {
        return Err(ApiError::invalid_signature().into());
    }
    let tenant_id = tenant.tenant_id.clone();
    match act(&env, ctx, &db, tenant.into_context(now), &raw, now).await? {
        Acted::Done(answer) => Ok(json_response(200, &answer)),
        Acted::Unparsed(error) => {
            let event = Unparsed {
                tenant_id: Some(&tenant_id),
                provider: PROVIDER,
                event_id: Some(&route.event_id),
                raw: &raw,
                error: &error,
            };
            Ok(unparsed::kept_response(&unparsed::keep(&env, ctx, &db, &req, event).await?))
        }
    }
}

/// The tenant owning the event's line: by its number, else by its `PN…` id (a tenant may
/// register both as `openphone` channels). `None` when there is nothing to act on without one;
/// 404 `unknown_number` for an event we would act on about a line no tenant owns.
async fn tenant(db: &D1Database, route: &Route, now: u64) -> AppResult<Option<d1::ChannelTenant>> {
    let addresses = [route.number.as_ref().map(|n| n.as_str()), route.phone_number_id.as_deref()];
    for address in addresses.into_iter().flatten() {
        if let Some(found) = d1::channel_tenant(db, PROVIDER, address, now).await? {
            return Ok(Some(found));
        }
    }
    match addresses.into_iter().flatten().next() {
        Some(line) if openphone::acts_on(&route.event_type) => Err(ApiError::unknown_number(line).into()),
        _ => Ok(None),
    }
}

/// Parse → act on a verified body: the webhook's path after the signature check, and the
/// replay of a kept event (`unparsed::replay`).
pub async fn act(
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    context: TenantContext,
    raw: &[u8],
    now: u64,
) -> AppResult<Acted<Value>> {
    let event = match openphone::parse(raw) {
        Ok(event) => event,
        Err(error) => return Ok(Acted::Unparsed(error)),
    };
    let not_acted_on = Acted::Done(json!({ "handled": false }));
    let turn = match event.kind {
        EventKind::MessageDelivered { message_id, .. } => {
            d1::apply_message_status(db, &context.tenant_id, "sms", &message_id, "delivered").await?;
            return Ok(Acted::Done(json!({ "handled": true })));
        }
        EventKind::MessageReceived { message_id, from, body, .. } => {
            InboundTurn::from_openphone(&event.id, &message_id, from, &body, context, now)
        }
        EventKind::MissedCall { call_id, from, .. } => {
            InboundTurn::missed_call(context, PROVIDER, from, &call_id, Channel::Sms, now)
        }
        EventKind::CallArtefact(artefact) => match artefact.contact_number.clone() {
            Some(contact) => InboundTurn::call_note(&artefact, contact, context, now),
            // Without the other party's number there is no contact to put it on.
            None => return Ok(not_acted_on),
        },
        EventKind::Other(_) => return Ok(not_acted_on),
    };
    let outcome = conversation_turn(env, &turn).await?;
    publish_after_response(env, ctx, outcome.events);
    Ok(Acted::Done(json!({ "handled": true })))
}
