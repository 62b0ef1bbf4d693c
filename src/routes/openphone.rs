//! `POST /webhooks/openphone`: OpenPhone / Quo events (PROTOCOLS.md §5).
//!
//! parse → resolve the tenant by the number the event is about (`to`) → verify the signature
//! (legacy `openphone-signature` or Standard Webhooks, with a 5-minute replay window) with that
//! channel's signing key → act: a received text is answered through OpenPhone's API, a delivery
//! updates the reply, a missed incoming call gets a follow-up text, a call's recording, summary
//! or transcript goes on the contact's timeline; other events are acknowledged.

use super::body_bytes;
use crate::error::{json_response, AppResult};
use crate::platform::config;
use crate::platform::d1;
use crate::platform::events::publish_all;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::openphone::{self, EventKind, SignatureHeaders};
use frontdesk_core::channel::Channel;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::ports::Clock;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::{wall_clock_ms, WorkerClock};
use serde_json::json;
use worker::{Context, Env, Request, Response};

/// Events are a few KiB; 256 KiB leaves room for long transcripts and summaries.
const MAX_BODY_BYTES: usize = 256 * 1024;

pub async fn post(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let raw = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let event = openphone::parse(&raw).map_err(ApiError::malformed_body)?;
    let Some(number) = event.tenant_number().cloned() else {
        // Not acted on, so nothing to verify or store.
        return Ok(json_response(200, &json!({ "handled": false })));
    };
    let now = WorkerClock.now_ms();
    let db = d1::database(&env)?;
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (legacy, id, ts, sig) =
        (header("openphone-signature"), header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"));
    let headers = SignatureHeaders {
        legacy: legacy.as_deref(),
        webhook_id: id.as_deref(),
        webhook_timestamp: ts.as_deref(),
        webhook_signature: sig.as_deref(),
    };

    let tenant = d1::channel_tenant(&db, openphone::PROVIDER, number.as_str(), now)
        .await?
        .ok_or_else(|| ApiError::unknown_number(number.as_str()))?;
    let key = config::channel_secret(&env, &tenant.tenant_id, openphone::PROVIDER, &tenant.secret_ref)?;
    if !openphone::verify(&key, &raw, &headers, wall_clock_ms()) {
        return Err(ApiError::invalid_signature().into());
    }
    let context = tenant.into_context(now);
    let turn = match event.kind {
        EventKind::MessageDelivered { message_id, .. } => {
            d1::apply_message_status(&db, &context.tenant_id, "sms", &message_id, "delivered").await?;
            return Ok(json_response(200, &json!({ "handled": true })));
        }
        EventKind::MessageReceived { message_id, from, body, .. } => {
            InboundTurn::from_openphone(&event.id, &message_id, from, &body, context, now)
        }
        EventKind::MissedCall { call_id, from, .. } => {
            InboundTurn::missed_call(context, openphone::PROVIDER, from, &call_id, Channel::Sms, now)
        }
        EventKind::CallArtefact(artefact) => match artefact.contact_number.clone() {
            Some(contact) => InboundTurn::call_note(&artefact, contact, context, now),
            // Without the other party's number there is no contact to put it on.
            None => return Ok(json_response(200, &json!({ "handled": false }))),
        },
        EventKind::Other(_) => return Ok(json_response(200, &json!({ "handled": false }))),
    };
    let outcome = conversation_turn(&env, &turn).await?;
    if !outcome.events.is_empty() {
        let env = env.clone();
        ctx.wait_until(async move { publish_all(&env, outcome.events).await });
    }
    Ok(json_response(200, &json!({ "handled": true })))
}
