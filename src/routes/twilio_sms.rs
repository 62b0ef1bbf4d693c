//! `POST /webhooks/twilio/sms`: Twilio Messaging (SMS, MMS and WhatsApp through Twilio).
//!
//! form → resolve the tenant by `To` → verify `X-Twilio-Signature` against that tenant's auth
//! token → [`act`]: parse the message and hand it to its thread's `ConversationDO`, which
//! answers it exactly once and stores everything → TwiML. Live events are published after the
//! response. A signed form that is not a message we read (a `From` that is not E.164, no
//! `MessageSid`) is kept (`unparsed_events`) and answered with empty TwiML.

use super::unparsed::{self, Acted, Unparsed};
use crate::error::AppResult;
use crate::platform::config;
use crate::platform::d1;
use crate::platform::events::publish_after_response;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::twilio::{self, InboundMessage};
use frontdesk_core::form::Form;
use frontdesk_core::inbound::{Delivery, InboundTurn, TenantContext};
use frontdesk_core::ports::Clock;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::WorkerClock;
use worker::{Context, D1Database, Env, Headers, Request, Response};

/// Twilio's largest message bodies (WhatsApp, 4,096 characters, each up to 4 UTF-8 bytes,
/// percent-encoded ×3) plus all parameters fit well under 64 KiB.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn post(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let raw = super::body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let form = Form::parse(&raw).map_err(|_| ApiError::malformed_body("body is not valid form encoding"))?;
    // Only `To` before the signature check: it names the tenant whose auth token signed the
    // form, and a signed form whose other fields do not parse is kept rather than refused.
    let to = twilio::receiving_number(&form).map_err(|e| ApiError::malformed_body(e.to_string()))?;

    let now = WorkerClock.now_ms();
    let db = d1::database(&env)?;
    let tenant = verified_tenant(&env, &req, &db, &form, to.as_str(), now).await?;

    let tenant_id = tenant.tenant_id.clone();
    match act(&env, ctx, tenant.into_context(now), &raw, Delivery::Inline, now).await? {
        Acted::Done((reply, reply_id)) => twiml(&match (reply, reply_id) {
            // Tracked: Twilio reports the reply's status to our callback, and the reply is
            // `sent` only when Twilio says so. A duplicate repeats the same answer, URL included.
            (Some(text), Some(id)) => twilio::tracked_message_response(&text, &status_url(&env, &id)?),
            (Some(text), None) => twilio::message_response(&text),
            (None, _) => twilio::empty_response(),
        }),
        Acted::Unparsed(error) => {
            let sid = form.non_empty("MessageSid");
            let event = Unparsed {
                tenant_id: Some(&tenant_id),
                provider: twilio::PROVIDER,
                event_id: sid,
                raw: &raw,
                error: &error,
            };
            unparsed::keep(&env, ctx, &db, &req, event).await?;
            // Twilio reads only TwiML: an empty answer acknowledges it and sends nothing.
            twiml(&twilio::empty_response())
        }
    }
}

/// Parse → act on a verified form: the webhook's path after the signature check (the reply
/// `Inline`, as TwiML) and the replay of a kept one (`Queued`: no webhook is waiting for it).
/// Done with the reply text and the reply's message id, if any.
pub async fn act(
    env: &Env,
    ctx: &Context,
    context: TenantContext,
    raw: &[u8],
    delivery: Delivery,
    now: u64,
) -> AppResult<Acted<(Option<String>, Option<String>)>> {
    let parsed = Form::parse(raw)
        .map_err(|_| "body is not valid form encoding".to_owned())
        .and_then(|form| InboundMessage::from_form(&form).map_err(|e| e.to_string()));
    let inbound = match parsed {
        Ok(inbound) => inbound,
        Err(error) => return Ok(Acted::Unparsed(error)),
    };
    let turn = InboundTurn { delivery, ..InboundTurn::from_twilio(inbound, context, now) };
    let outcome = conversation_turn(env, &turn).await?;
    publish_after_response(env, ctx, outcome.events);
    Ok(Acted::Done((outcome.reply, outcome.reply_id)))
}

/// Where Twilio reports the status of reply `message_id` (`/webhooks/twilio/status`).
fn status_url(env: &Env, message_id: &str) -> AppResult<String> {
    Ok(format!("{}{STATUS_PATH}?message={message_id}", config::public_base_url(env)?))
}

pub const STATUS_PATH: &str = "/webhooks/twilio/status";

/// `POST /webhooks/twilio/status?message=msg_…`: Twilio's status callback for a reply we sent
/// (the `<Message action>` of our TwiML). Signed like every Twilio webhook, by the auth token of
/// the tenant whose number sent the message (`From`). The status only moves the message forward;
/// a failure records Twilio's error on it.
pub async fn status(mut req: Request, env: Env) -> AppResult<Response> {
    let raw = super::body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let form = Form::parse(&raw).map_err(|_| ApiError::malformed_body("body is not valid form encoding"))?;
    let callback = twilio::status::parse(form.pairs()).map_err(ApiError::malformed_body)?;
    let now = WorkerClock.now_ms();
    let db = d1::database(&env)?;
    let tenant = verified_tenant(&env, &req, &db, &form, callback.from.as_str(), now).await?;
    let message_id = super::query_param(&req, "message")?;
    d1::apply_outbound_status(&db, &tenant.tenant_id, message_id.as_deref(), &callback).await?;
    Ok(Response::empty()?.with_status(204))
}

/// The tenant owning Twilio `number`, once `form` is proven signed by that tenant's auth token
/// (every Twilio webhook: messages, calls, callbacks). An unknown number is a 404, a missing or
/// development secret a 503 (`config::channel_secret`), a bad signature a 403 — before anything
/// is stored.
pub async fn verified_tenant(
    env: &Env,
    req: &Request,
    db: &D1Database,
    form: &Form,
    number: &str,
    now: u64,
) -> AppResult<d1::ChannelTenant> {
    let tenant =
        d1::channel_tenant(db, twilio::PROVIDER, number, now).await?.ok_or_else(|| ApiError::unknown_number(number))?;
    let auth_token = config::channel_secret(env, &tenant.tenant_id, twilio::PROVIDER, &tenant.secret_ref)?;
    let signature = req.headers().get("x-twilio-signature")?.unwrap_or_default();
    if !twilio::verify_form(&auth_token, &signed_url(env, req)?, form.pairs(), &signature) {
        return Err(ApiError::invalid_signature().into());
    }
    Ok(tenant)
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

pub fn twiml(body: &str) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/xml; charset=utf-8")?;
    Ok(Response::ok(body)?.with_headers(headers))
}
