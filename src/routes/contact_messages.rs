//! `POST /api/v1/contacts/{id}/messages` `{"channel": "sms" | "whatsapp", "body"}` (docs/API.md
//! "Messages to a contact"): staff text a contact in their own words, through the same outbox
//! as every message we start (`simulated` without provider credentials). The MCP `send_sms` and
//! `send_whatsapp` tools call [`send`].

use super::listings::find_contact;
use super::{authenticate_key, json_body};
use crate::error::{json_response, AppResult};
use frontdesk_core::api::ApiError;
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::contact_message::send_text;
use frontdesk_durable::platform::enqueue_all;
use frontdesk_durable::platform::time::WorkerClock;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Env, Request, Response};

const MAX_BODY_BYTES: usize = 8 * 1024;
/// Ten SMS segments; WhatsApp allows more, but a front desk's message is not a letter.
pub const MAX_TEXT_CHARS: usize = 1600;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    channel: String,
    body: String,
}

pub async fn post(mut req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let body: Body = json_body(&mut req, MAX_BODY_BYTES, r#"{"channel": "sms" | "whatsapp", "body"}"#).await?;
    let actor = owner.actor();
    let sent = send(env, &db, &owner.tenant_id, contact_id, &body.channel, &body.body, &actor).await?;
    Ok(json_response(201, &sent))
}

/// Stores the message on the contact's timeline with its delivery intent and queues it, as
/// `actor`: `{"status": "queued", "message_id", "channel", "body"}`. An unknown contact is 404,
/// one without a phone 422 `unreachable`, a used-up SMS quota 422 `quota_exceeded`, an empty or
/// overlong body 400.
pub async fn send(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    channel: &str,
    body: &str,
    actor: &str,
) -> AppResult<Value> {
    let channel = match channel {
        "sms" => "sms",
        "whatsapp" => "whatsapp",
        _ => return Err(ApiError::bad_request("`channel` must be sms or whatsapp").into()),
    };
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request(format!("`body`: 1 to {MAX_TEXT_CHARS} characters")).into());
    }
    find_contact(db, tenant_id, contact_id).await?;
    let now = WorkerClock.now_ms();
    // A text staff start is outbound the SMS quota holds back; their replies in a conversation are not.
    crate::platform::usage::refuse_texts_if_paused(db, tenant_id, now).await?;
    let sent = send_text(db, tenant_id, contact_id, channel, body, actor, now)
        .await?
        .ok_or_else(|| ApiError::unprocessable("unreachable", "the contact has no phone number"))?;
    // The intent is stored with the message: if queueing fails now, the sweeper sends it.
    if let Err(e) = enqueue_all(env, std::slice::from_ref(&sent.job)).await {
        worker::console_error!("queueing message {} failed: {e}", sent.message_id);
    }
    Ok(json!({ "status": "queued", "message_id": sent.message_id, "channel": sent.channel, "body": sent.body }))
}
