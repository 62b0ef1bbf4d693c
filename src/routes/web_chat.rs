//! `/chat/{tenant}`: the website chat widget's API (docs/API.md). `POST …/messages` takes a
//! visitor's message and answers it in the response; `GET …/events?session=` streams that
//! visitor's conversation (their messages and the replies, nothing else) as SSE; `GET …/brand`
//! the white label the widget wears. Sessions are
//! signed tokens (`core::channel::webchat`); the widget is embedded on the tenant's own site,
//! so these routes answer cross-origin requests (no cookies are involved).

use super::json_body;
use crate::error::{json_response, AppResult};
use crate::platform::events::publish_all;
use crate::platform::{config, d1};
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::webchat;
use frontdesk_core::console;
use frontdesk_core::events::{parse_last_event_id, EventKind};
use frontdesk_core::ids;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use frontdesk_durable::{conversation_turn, hub_stream};
use serde::Deserialize;
use serde_json::json;
use worker::{Context, Env, Request, Response};

const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChatPost {
    #[serde(default)]
    session: Option<String>,
    text: String,
    client_id: String,
}

/// The visitor a session token names, if it is genuine under one of the session keys
/// (`config::chat_session_keys`), this tenant's and not expired.
fn visitor_of(keys: &[String], tenant_id: &str, token: &str, now_ms: u64) -> AppResult<String> {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    Ok(webchat::verify(&keys, tenant_id, token, now_ms / 1000).ok_or_else(ApiError::invalid_session)?)
}

/// The tenant, if it has turned chat on (a `chat` channel whose address is its slug).
async fn chat_tenant(env: &Env, slug: &str, now: u64) -> AppResult<d1::ChannelTenant> {
    let db = d1::database(env)?;
    Ok(d1::channel_tenant(&db, webchat::PROVIDER, slug, now).await?.ok_or_else(|| ApiError::not_found("tenant"))?)
}

pub async fn post(mut req: Request, env: Env, ctx: &Context, slug: &str) -> AppResult<Response> {
    let now = WorkerClock.now_ms();
    let tenant = chat_tenant(&env, slug, now).await?;
    let keys = config::chat_session_keys(&env)?;
    let body: ChatPost =
        json_body(&mut req, MAX_BODY_BYTES, r#"{"session"?: "…", "text": "…", "client_id": "…"}"#).await?;
    let (text, client_id) = webchat::validate(&body.text, &body.client_id).map_err(ApiError::malformed_body)?;
    let visitor = match body.session.as_deref() {
        Some(token) => visitor_of(&keys, &tenant.tenant_id, token, now)?,
        None => ids::make(ids::VISITOR, now, WorkerRandom.next_u64()),
    };
    // A fresh token with every answer, signed with the current key: the session's expiry
    // slides with the visitor's activity, and a rotated-out key stops being needed.
    let session = webchat::issue(&keys[0], &tenant.tenant_id, &visitor, now / 1000);
    let turn = InboundTurn::from_chat(&visitor, &client_id, &text, tenant.into_context(now), now);
    let outcome = conversation_turn(&env, &turn).await?;
    // The ids the stream will carry, so the widget shows each message once (absent for a
    // duplicate delivery, whose events went out the first time).
    let (message_id, reply_id) =
        (outcome.message_id(EventKind::MessageReceived), outcome.message_id(EventKind::MessageSent));
    if !outcome.events.is_empty() {
        let env = env.clone();
        ctx.wait_until(async move { publish_all(&env, outcome.events).await });
    }
    Ok(json_response(
        200,
        &json!({ "session": session, "message_id": message_id, "reply": outcome.reply, "reply_id": reply_id }),
    ))
}

pub async fn events(req: Request, env: &Env, slug: &str) -> AppResult<Response> {
    let now = WorkerClock.now_ms();
    let tenant = chat_tenant(env, slug, now).await?;
    let token = super::query_param(&req, "session")?.ok_or_else(ApiError::invalid_session)?;
    let visitor = visitor_of(&config::chat_session_keys(env)?, &tenant.tenant_id, &token, now)?;
    let db = d1::database(env)?;
    // The contact exists from the session's first message (the token is issued with its reply).
    let contact =
        d1::contact_id_for_visitor(&db, &tenant.tenant_id, &visitor).await?.ok_or_else(ApiError::invalid_session)?;
    let last = parse_last_event_id(req.headers().get("last-event-id")?.as_deref());
    Ok(hub_stream(env, &tenant.tenant_id, last, Some(&contact)).await?)
}

/// `GET /chat/{tenant}/brand`: the name, logo and colour the widget shows (the tenant's
/// `settings.white_label` over its own name). Public like the rest of the chat API.
pub async fn brand(env: &Env, slug: &str) -> AppResult<Response> {
    let tenant = chat_tenant(env, slug, WorkerClock.now_ms()).await?;
    let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
    let brand = console::settings::brand(settings.white_label.as_ref(), &tenant.name);
    let mut response = json_response(200, &serde_json::to_value(brand)?);
    // A changed brand reaches the next page view within a minute; pages may cache it that long.
    response.headers_mut().set("cache-control", "public, max-age=60")?;
    Ok(response)
}

/// The CORS preflight answer for the chat routes.
pub fn preflight() -> AppResult<Response> {
    Ok(Response::empty()?.with_status(204))
}

/// Lets any website's widget read the chat answers. Safe because nothing here rides on
/// cookies: the session token travels in the body or the query, chosen by the page itself.
pub fn allow_cross_origin(response: Response) -> Response {
    // `retry-after` exposed so the widget can read how long to wait after a 429.
    super::open_to_any_origin(response, "content-type, last-event-id", "retry-after")
}
