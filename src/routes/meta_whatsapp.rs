//! `GET/POST /webhooks/meta/whatsapp`: WhatsApp Cloud API (PROTOCOLS.md §4).
//!
//! GET is Meta's subscription handshake. POST is verified on its raw bytes with the platform's
//! app secret first (one Meta app serves every tenant's number), then parsed; each message is
//! resolved to its tenant by `phone_number_id` and answered by its thread's `ConversationDO`
//! (the reply goes out through the Graph API by a job), each status updates the message it is
//! about. Meta retries anything but a fast 200, so a message for a number no tenant owns is
//! skipped (and logged), not refused; and a verified body that does not parse is kept
//! (`unparsed_events`) and answered 200.

use super::body_bytes;
use super::unparsed::{self, Acted, Unparsed};
use crate::error::{json_response, AppResult};
use crate::platform::config;
use crate::platform::d1;
use crate::platform::events::publish_after_response;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::meta;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::ports::Clock;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::WorkerClock;
use serde_json::{json, Value};
use worker::{Context, D1Database, Env, Request, Response};

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
    let db = d1::database(&env)?;
    let now = WorkerClock.now_ms();
    match act(&env, ctx, &db, &raw, now).await? {
        Acted::Done(answer) => Ok(json_response(200, &answer)),
        Acted::Unparsed(error) => {
            // One app secret signs every tenant's events, so the tenant is whoever owns the
            // first `phone_number_id` the body names, if any; otherwise the row is the
            // platform's (tenant NULL), logged, and in no tenant's list.
            let tenant = match meta::phone_number_id(&raw) {
                Some(id) => d1::channel_tenant(&db, meta::PROVIDER, &id, now).await?,
                None => None,
            };
            let tenant_id = tenant.map(|t| t.tenant_id);
            let event = Unparsed {
                tenant_id: tenant_id.as_deref(),
                provider: meta::PROVIDER,
                event_id: None,
                raw: &raw,
                error: &error,
            };
            Ok(unparsed::kept_response(&unparsed::keep(&env, ctx, &db, &req, event).await?))
        }
    }
}

/// Parse → act on a verified body: the webhook's path after the signature check, and the
/// replay of a kept one. Each message is answered for the tenant owning its `phone_number_id`
/// (one body may batch several tenants' numbers); each status updates the message it is about.
pub async fn act(env: &Env, ctx: &Context, db: &D1Database, raw: &[u8], now: u64) -> AppResult<Acted<Value>> {
    let inbound = match meta::parse(raw) {
        Ok(inbound) => inbound,
        Err(error) => return Ok(Acted::Unparsed(error)),
    };
    let (mut answered, mut skipped) = (0, 0);
    for message in inbound.messages {
        let Some(tenant) = d1::channel_tenant(db, meta::PROVIDER, &message.phone_number_id, now).await? else {
            worker::console_warn!("whatsapp message for unknown phone_number_id {}", message.phone_number_id);
            skipped += 1;
            continue;
        };
        let outcome = conversation_turn(env, &InboundTurn::from_meta(message, tenant.into_context(now), now)).await?;
        publish_after_response(env, ctx, outcome.events);
        answered += 1;
    }
    for status in inbound.statuses {
        if let Some(tenant) = d1::channel_tenant(db, meta::PROVIDER, &status.phone_number_id, now).await? {
            d1::apply_message_status(db, &tenant.tenant_id, "whatsapp", &status.wamid, &status.status).await?;
        }
    }
    Ok(Acted::Done(json!({ "messages": answered, "skipped": skipped })))
}
