//! `POST /webhooks/twilio/sms`: Twilio Messaging (SMS, MMS and WhatsApp through Twilio).
//!
//! parse → resolve the tenant by `To` → verify `X-Twilio-Signature` against that tenant's
//! auth token → claim + store (D1 batch 1) → turn in `ConversationDO` → store the reply and
//! the answer (D1 batch 2) → TwiML; live events are published after the response.

use crate::error::{AppError, AppResult};
use crate::platform::config;
use crate::platform::d1::{self, InboundRecord};
use crate::platform::events::publish_all;
use crate::platform::time::{local_time, WorkerClock, WorkerRandom};
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::twilio::{self, InboundMessage};
use frontdesk_core::form::Form;
use frontdesk_core::ids;
use frontdesk_core::inbound::{answer, turn, Stored};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tenant::Settings;
use frontdesk_core::webhook::Claim;
use frontdesk_durable::conversation_turn;
use worker::{Context, Env, Headers, Request, Response};

/// Twilio's largest message bodies (WhatsApp, 4,096 characters, each up to 4 UTF-8 bytes,
/// percent-encoded ×3) plus all parameters fit well under 64 KiB.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn post(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let raw = req.bytes().await?;
    if raw.len() > MAX_BODY_BYTES {
        return Err(ApiError::payload_too_large(MAX_BODY_BYTES).into());
    }
    let form = Form::parse(&raw)
        .map_err(|_| ApiError::malformed_body("body is not valid form encoding"))?;
    let inbound =
        InboundMessage::from_form(&form).map_err(|e| ApiError::malformed_body(e.to_string()))?;

    let now = WorkerClock.now_ms();
    let db = d1::database(&env)?;
    let tenant = d1::channel_tenant(&db, twilio::PROVIDER, inbound.to.as_str(), now)
        .await?
        .ok_or_else(|| ApiError::unknown_number(inbound.to.as_str()))?;
    let auth_token = config::resolve_secret(&env, &tenant.secret_ref).ok_or_else(|| {
        AppError::Internal(format!(
            "twilio auth token for {} is not configured",
            tenant.tenant_id
        ))
    })?;
    let signature = req.headers().get("x-twilio-signature")?.unwrap_or_default();
    let url = signed_url(&env, &req)?;
    if !twilio::verify_form(&auth_token, &url, form.pairs(), &signature) {
        return Err(ApiError::invalid_signature().into());
    }

    let media_json =
        (!inbound.media.is_empty()).then(|| serde_json::json!(inbound.media).to_string());
    let ids_for = |prefix| ids::make(prefix, now, WorkerRandom.next_u64());
    let (claim_id, contact_id, conversation_id, message_id) = (
        ids_for(ids::CLAIM),
        ids_for(ids::CONTACT),
        ids_for(ids::CONVERSATION),
        ids_for(ids::MESSAGE),
    );
    let record = InboundRecord {
        tenant_id: &tenant.tenant_id,
        provider: twilio::PROVIDER,
        // MessageSid names the message across every retry of its webhook; Twilio's
        // I-Twilio-Idempotency-Token is only documented on retries, so it cannot key the first.
        event_id: &inbound.message_sid,
        claim_id: &claim_id,
        now_ms: now,
        channel: inbound.channel.as_str(),
        phone: inbound.from.as_str(),
        profile_name: inbound.profile_name.as_deref(),
        body: &inbound.body,
        media_json: media_json.as_deref(),
        provider_message_id: &inbound.message_sid,
        new_contact_id: &contact_id,
        new_conversation_id: &conversation_id,
        new_message_id: &message_id,
    };
    let stored = match d1::record_inbound(&db, &record).await? {
        (Claim::Owned, Some(stored)) => stored,
        (Claim::Done { response }, _) => return twiml(&response),
        // Another delivery of this event is being answered right now; it sends the reply.
        (_, _) => return twiml(&twilio::empty_response()),
    };

    match respond(&env, &db, &record, &tenant, stored).await {
        Ok((response, events)) => {
            let env = env.clone();
            ctx.wait_until(async move { publish_all(&env, events).await });
            twiml(&response)
        }
        Err(e) => {
            // The inbound message is stored; free the claim so Twilio's retry can answer it.
            if let Err(release) = d1::release_claim(&db, &record).await {
                worker::console_error!("releasing the claim failed too: {release}");
            }
            Err(e)
        }
    }
}

async fn respond(
    env: &Env,
    db: &worker::D1Database,
    record: &InboundRecord<'_>,
    tenant: &d1::ChannelTenant,
    stored: Stored,
) -> AppResult<(String, Vec<frontdesk_core::events::NewEvent>)> {
    let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
    let channel = serde_json::from_value(serde_json::json!(record.channel))?;
    let local = local_time(record.now_ms, &tenant.timezone);
    let the_turn = turn(&tenant.name, settings, local, channel, &stored);
    let reply = conversation_turn(env, &stored.conversation.id, &the_turn).await?;
    let now = WorkerClock.now_ms();
    let result = answer(
        &tenant.tenant_id,
        &stored,
        &reply,
        ids::make(ids::MESSAGE, now, WorkerRandom.next_u64()),
        now,
    );
    let response = match &result.reply {
        Some(message) => twilio::message_response(&message.body),
        None => twilio::empty_response(),
    };
    if !d1::record_reply(db, record, result.reply.as_ref(), &response).await? {
        return Err(AppError::Internal(
            "claim was taken over before the reply was stored".into(),
        ));
    }
    Ok((response, result.events))
}

/// The URL Twilio signed: the configured public origin, this path and the query string.
fn signed_url(env: &Env, req: &Request) -> AppResult<String> {
    let url = req.url()?;
    let mut signed = format!("{}{}", config::public_base_url(env), url.path());
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
