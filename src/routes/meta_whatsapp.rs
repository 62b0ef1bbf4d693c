//! `GET/POST /webhooks/meta/whatsapp`: WhatsApp Cloud API (PROTOCOLS.md §4).
//!
//! GET is Meta's subscription handshake. POST is verified on its raw bytes with the platform's
//! app secret first (one Meta app serves every tenant's number), then parsed; each message is
//! resolved to its tenant by `phone_number_id` and answered by its thread's `ConversationDO`
//! (the reply goes out through the Graph API by a job), each status updates the message it is
//! about. Meta retries anything but a fast 200, so a message for a number no tenant owns is
//! skipped (and logged), not refused.

use super::body_bytes;
use crate::error::{json_response, AppResult};
use crate::platform::config;
use crate::platform::d1;
use crate::platform::events::publish_all;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::meta;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::ports::Clock;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::WorkerClock;
use serde_json::json;
use worker::{Context, Env, Request, Response};

/// Meta's payloads are at most a few MB (batched notifications).
const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

pub fn verify(req: &Request, env: &Env) -> AppResult<Response> {
    let url = req.url()?;
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let expected = config::platform_secret(env, "META_VERIFY_TOKEN")?;
    let (mode, token, challenge) = (param("hub.mode"), param("hub.verify_token"), param("hub.challenge"));
    match meta::verify_challenge(mode.as_deref(), token.as_deref(), challenge.as_deref(), &expected) {
        Some(challenge) => Ok(Response::ok(challenge)?),
        None => Err(ApiError::invalid_signature().into()),
    }
}

pub async fn post(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let raw = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let secret = config::platform_secret(&env, "META_APP_SECRET")?;
    let signature = req.headers().get("x-hub-signature-256")?.unwrap_or_default();
    if !meta::verify(&secret, &raw, &signature) {
        return Err(ApiError::invalid_signature().into());
    }
    let inbound = meta::parse(&raw).map_err(ApiError::malformed_body)?;
    let db = d1::database(&env)?;
    let now = WorkerClock.now_ms();
    let (mut answered, mut skipped) = (0, 0);
    for message in inbound.messages {
        let Some(tenant) = d1::channel_tenant(&db, meta::PROVIDER, &message.phone_number_id, now).await? else {
            worker::console_warn!("whatsapp message for unknown phone_number_id {}", message.phone_number_id);
            skipped += 1;
            continue;
        };
        let outcome = conversation_turn(&env, &InboundTurn::from_meta(message, tenant.into_context(now), now)).await?;
        if !outcome.events.is_empty() {
            let env = env.clone();
            ctx.wait_until(async move { publish_all(&env, outcome.events).await });
        }
        answered += 1;
    }
    for status in inbound.statuses {
        if let Some(tenant) = d1::channel_tenant(&db, meta::PROVIDER, &status.phone_number_id, now).await? {
            d1::apply_message_status(&db, &tenant.tenant_id, "whatsapp", &status.wamid, &status.status).await?;
        }
    }
    Ok(json_response(200, &json!({ "messages": answered, "skipped": skipped })))
}
