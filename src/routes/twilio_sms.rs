//! `POST /webhooks/twilio/sms`: Twilio Messaging (SMS, MMS and WhatsApp through Twilio).
//!
//! parse → resolve the tenant by `To` → verify `X-Twilio-Signature` against that tenant's auth
//! token → hand the message to its thread's `ConversationDO`, which answers it exactly once and
//! stores everything → TwiML. Live events are published after the response.

use crate::error::AppResult;
use crate::platform::config;
use crate::platform::d1;
use crate::platform::events::publish_all;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::twilio::{self, InboundMessage};
use frontdesk_core::form::Form;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::ports::Clock;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::WorkerClock;
use worker::{Context, Env, Headers, Request, Response};

/// Twilio's largest message bodies (WhatsApp, 4,096 characters, each up to 4 UTF-8 bytes,
/// percent-encoded ×3) plus all parameters fit well under 64 KiB.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn post(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let raw = super::body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let form = Form::parse(&raw).map_err(|_| ApiError::malformed_body("body is not valid form encoding"))?;
    let inbound = InboundMessage::from_form(&form).map_err(|e| ApiError::malformed_body(e.to_string()))?;

    let now = WorkerClock.now_ms();
    let tenant = d1::channel_tenant(&d1::database(&env)?, twilio::PROVIDER, inbound.to.as_str(), now)
        .await?
        .ok_or_else(|| ApiError::unknown_number(inbound.to.as_str()))?;
    let auth_token = config::channel_secret(&env, &tenant.tenant_id, twilio::PROVIDER, &tenant.secret_ref)?;
    let signature = req.headers().get("x-twilio-signature")?.unwrap_or_default();
    if !twilio::verify_form(&auth_token, &signed_url(&env, &req)?, form.pairs(), &signature) {
        return Err(ApiError::invalid_signature().into());
    }

    let turn = InboundTurn::from_twilio(inbound, tenant.into_context(now), now);
    let outcome = conversation_turn(&env, &turn).await?;
    if !outcome.events.is_empty() {
        let env = env.clone();
        ctx.wait_until(async move { publish_all(&env, outcome.events).await });
    }
    twiml(&match outcome.reply {
        Some(text) => twilio::message_response(&text),
        None => twilio::empty_response(),
    })
}

/// The URL Twilio signed: the configured public origin, this path and the query string.
fn signed_url(env: &Env, req: &Request) -> AppResult<String> {
    let url = req.url()?;
    let mut signed = format!("{}{}", config::public_base_url(env)?, url.path());
    if let Some(query) = url.query() {
        signed.push('?');
        signed.push_str(query);
    }
    Ok(signed)
}

fn twiml(body: &str) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/xml; charset=utf-8")?;
    Ok(Response::ok(body)?.with_headers(headers))
}
