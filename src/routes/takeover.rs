//! Human takeover from the console (docs/API.md "Conversations: takeover"): a person takes a
//! conversation over (the AI stays silent in it), replies as staff on its channel, hands it
//! back; marks it read. Holds are core::console::takeover's; a staff text goes through the
//! same outbox as every message we start, a chat reply through the visitor's live stream.

use super::api::inbox_item;
use super::caller::Caller;
use super::contact_messages::{send, MAX_TEXT_CHARS};
use super::{authenticate, authenticate_key, json_body};
use crate::error::{json_response, AppResult};
use crate::platform::d1::{self, holds};
use crate::platform::events::publish_all;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::Channel;
use frontdesk_core::console::takeover::may_take;
use frontdesk_core::events::{EventKind, NewEvent};
use frontdesk_core::ids;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::records::Message;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env, Request, Response};

const MAX_BODY_BYTES: usize = 8 * 1024;

fn event(kind: EventKind, tenant_id: &str, at: u64, data: serde_json::Value) -> NewEvent {
    NewEvent { kind, tenant_id: tenant_id.to_owned(), at, data }
}

/// `POST …/takeover` → 200 the conversation held by the caller; 409 when someone else holds it.
pub async fn take(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, caller) = authenticate_key(&req, env).await?;
    let current = inbox_item(&db, &caller.tenant_id, id).await?;
    // A caller on the line would hear silence: a call goes to a person by transfer (or a call
    // back), never by holding its conversation.
    if current.conversation.channel == Channel::Voice.as_str() {
        let why = "a call is taken by transfer or a call back, not by holding its conversation";
        return Err(ApiError::unprocessable("unsupported_channel", why).into());
    }
    let actor = caller.actor();
    let holder = current.held_by.as_ref().map(|h| h.actor.as_str());
    let now = WorkerClock.now_ms();
    if !may_take(holder, &actor) || !holds::set_hold(&db, &caller.tenant_id, id, &actor, true, now).await? {
        let who = current.held_by.and_then(|h| h.email).unwrap_or_else(|| "someone else".into());
        return Err(ApiError::conflict(format!("{who} holds this conversation: they hand it back first")).into());
    }
    changed(env, &db, &caller, id, EventKind::ConversationHeld, now).await
}

/// `POST …/handback` → 200 the conversation, the AI answering in it again.
pub async fn hand_back(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, caller) = authenticate_key(&req, env).await?;
    inbox_item(&db, &caller.tenant_id, id).await?;
    let now = WorkerClock.now_ms();
    holds::set_hold(&db, &caller.tenant_id, id, &caller.actor(), false, now).await?;
    changed(env, &db, &caller, id, EventKind::ConversationReleased, now).await
}

async fn changed(
    env: &Env,
    db: &D1Database,
    caller: &Caller,
    id: &str,
    kind: EventKind,
    now: u64,
) -> AppResult<Response> {
    let item = serde_json::to_value(inbox_item(db, &caller.tenant_id, id).await?)?;
    let data = json!({ "conversation": item, "by": caller.actor() });
    publish_all(env, vec![event(kind, &caller.tenant_id, now, data)]).await;
    Ok(json_response(200, &item))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reply {
    text: String,
}

/// `POST …/reply {"text"}` → 201 `{"message_id", "status": "queued"}`: staff's words on the
/// conversation's channel, as the caller; `message.sent` on the live stream.
pub async fn reply(mut req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, caller) = authenticate_key(&req, env).await?;
    let body: Reply = json_body(&mut req, MAX_BODY_BYTES, r#"{"text"}"#).await?;
    let conversation = inbox_item(&db, &caller.tenant_id, id).await?.conversation;
    let actor = caller.actor();
    let tenant_id = caller.tenant_id.as_str();
    let (message_id, status) = match conversation.channel.as_str() {
        "sms" | "whatsapp" => {
            let sent =
                send(env, &db, tenant_id, &conversation.contact_id, &conversation.channel, &body.text, &actor).await?;
            let message_id = sent["message_id"].as_str().unwrap_or_default().to_owned();
            (message_id, "queued")
        }
        "chat" => {
            let text = body.text.trim();
            if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
                return Err(ApiError::bad_request(format!("`text`: 1 to {MAX_TEXT_CHARS} characters")).into());
            }
            let now = WorkerClock.now_ms();
            let message_id = ids::make(ids::MESSAGE, now, WorkerRandom.next_u64());
            let chat = holds::ChatReply {
                tenant_id,
                conversation_id: &conversation.id,
                contact_id: &conversation.contact_id,
                message_id: &message_id,
                body: text,
                actor: &actor,
                now,
            };
            holds::store_chat_reply(&db, &chat).await?;
            (message_id, "sent")
        }
        other => {
            return Err(ApiError::unprocessable(
                "unsupported_channel",
                format!("a {other} conversation cannot be answered here: text the contact instead"),
            )
            .into())
        }
    };
    let message = Message {
        id: message_id.clone(),
        conversation_id: conversation.id.clone(),
        contact_id: conversation.contact_id.clone(),
        direction: "outbound".into(),
        channel: conversation.channel.clone(),
        body: body.text.trim().to_owned(),
        provider_message_id: None,
        status: status.into(),
        created_at: WorkerClock.now_ms(),
        error: None,
        first_token_ms: None,
        last_token_ms: None,
    };
    let contact = d1::contact(&db, tenant_id, &conversation.contact_id).await?;
    let data = json!({ "conversation": conversation, "contact": contact, "message": message, "by": actor });
    publish_all(env, vec![event(EventKind::MessageSent, tenant_id, message.created_at, data)]).await;
    Ok(json_response(201, &json!({ "message_id": message_id, "status": status })))
}

/// `POST …/read` → 204: the conversation's inbound messages so far count as read.
pub async fn read(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    inbox_item(&db, &tenant_id, id).await?;
    holds::mark_read(&db, &tenant_id, id, WorkerClock.now_ms()).await?;
    Ok(Response::empty()?.with_status(204))
}
