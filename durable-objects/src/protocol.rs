//! The typed protocol between the Worker and the Durable Objects, in one place: binding
//! names, how an object is named, and the internal path of each command. Callers use these
//! functions and never build DO URLs themselves.

use frontdesk_core::events::NewEvent;
use frontdesk_core::inbound::{InboundTurn, TurnOutcome};
use frontdesk_core::limiter::Limit;
use frontdesk_core::turn_stream::{LineReader, TurnLine};
use futures::channel::mpsc::UnboundedSender;
use futures::StreamExt;
use worker::{Env, Headers, Method, Request, RequestInit, Response, Result};

/// wrangler.toml `[durable_objects]` binding names.
pub const CONVERSATION_BINDING: &str = "CONVERSATION";
pub const TENANT_HUB_BINDING: &str = "TENANT_HUB";
pub const LIMITER_BINDING: &str = "LIMITER";
pub const CALL_BINDING: &str = "CALL";

// Internal URLs: the host is never resolved, only the path is routed by the object.
pub(crate) const TURN_PATH: &str = "/turn";
pub(crate) const PUBLISH_PATH: &str = "/publish";
pub(crate) const STREAM_PATH: &str = "/stream";
pub(crate) const TAKE_PATH: &str = "/take";
pub(crate) const CALL_PATH: &str = "/call";
/// Erasure (`DELETE /api/v1/contacts/{id}`): a thread drops what it holds in memory, a call its
/// storage, the hub the events that name the contact.
pub(crate) const FORGET_PATH: &str = "/forget";
pub(crate) const ERASE_PATH: &str = "/erase";
pub(crate) const REDACT_PATH: &str = "/redact";
/// A turn request whose answer streams back as `TurnLine`s (`conversation_turn_live`).
pub(crate) const LIVE_HEADER: &str = "x-frontdesk-live";
/// The verified tenant's row (`TenantRecord` JSON) on a call's WebSocket upgrade.
pub(crate) const TENANT_HEADER: &str = "x-frontdesk-tenant";
/// Limits a stream to one contact's messages, in the visitor view (`Event::to_visitor_sse`).
pub(crate) const CONTACT_PARAM: &str = "contact";

fn json_request(path: &str, body: &impl serde::Serialize) -> Result<Request> {
    json_request_with(path, body, Headers::new())
}

fn json_request_with(path: &str, body: &impl serde::Serialize, headers: Headers) -> Result<Request> {
    headers.set("content-type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(serde_json::to_string(body)?.into()));
    Request::new_with_init(&format!("https://do{path}"), &init)
}

/// Hands a verified inbound message to its thread's object, which answers it exactly once.
pub async fn conversation_turn(env: &Env, turn: &InboundTurn) -> Result<TurnOutcome> {
    let stub = env.durable_object(CONVERSATION_BINDING)?.get_by_name(&turn.thread_name())?;
    let mut response = stub.fetch_with_request(json_request(TURN_PATH, turn)?).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!("conversation turn failed: {}", response.status_code())));
    }
    response.json().await
}

/// Like `conversation_turn`, with the reply's text handed to `on_text` as soon as it is known:
/// piece by piece while an LLM writes it, or whole (`Reply::Whole`) from the rules brain,
/// before the turn is stored.
pub async fn conversation_turn_live(
    env: &Env,
    turn: &InboundTurn,
    mut on_text: impl FnMut(LiveReply<'_>),
) -> Result<TurnOutcome> {
    let stub = env.durable_object(CONVERSATION_BINDING)?.get_by_name(&turn.thread_name())?;
    let headers = Headers::new();
    headers.set(LIVE_HEADER, "1")?;
    let mut response = stub.fetch_with_request(json_request_with(TURN_PATH, turn, headers)?).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!("conversation turn failed: {}", response.status_code())));
    }
    let mut body = response.stream()?;
    let mut reader = LineReader::default();
    while let Some(chunk) = body.next().await {
        for line in reader.feed(&chunk?) {
            match line.map_err(worker::Error::RustError)? {
                TurnLine::Text(text) => on_text(LiveReply::Piece(&text)),
                TurnLine::Whole(text) => on_text(LiveReply::Whole(&text)),
                TurnLine::Outcome(outcome) => return Ok(outcome),
                TurnLine::Error(e) => return Err(worker::Error::RustError(e)),
            }
        }
    }
    Err(worker::Error::RustError("the turn's stream ended without an outcome".into()))
}

/// The reply's text as a live turn hands it over.
pub enum LiveReply<'a> {
    Piece(&'a str),
    Whole(&'a str),
}

/// Where a streamed turn's reply text goes as the brain writes it (`ConversationDO` side).
#[derive(Clone)]
pub struct LiveText(pub(crate) UnboundedSender<Result<Vec<u8>>>);

impl LiveText {
    pub fn text(&self, piece: &str) {
        self.send(TurnLine::Text(piece.to_owned()));
    }

    /// The whole reply at once: said as one (its sentences cut to what a caller can take in),
    /// not phrase by phrase.
    pub fn whole(&self, reply: &str) {
        self.send(TurnLine::Whole(reply.to_owned()));
    }

    fn send(&self, line: TurnLine) {
        // The caller hung up: nobody reads the rest, and the turn still completes and is stored.
        let _ = self.0.unbounded_send(Ok(line.encode()));
    }

    pub fn end(&self, line: TurnLine) {
        let _ = self.0.unbounded_send(Ok(line.encode()));
        self.0.close_channel();
    }
}

/// Hands a verified ConversationRelay WebSocket upgrade to its call's object (one per CallSid),
/// with the tenant the handshake was verified for; the object's 101 answer goes back to Twilio.
pub async fn call_connect(
    env: &Env,
    call_sid: &str,
    tenant: &crate::platform::tenant::TenantRecord,
) -> Result<Response> {
    let stub = env.durable_object(CALL_BINDING)?.get_by_name(call_sid)?;
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    headers.set(TENANT_HEADER, &serde_json::to_string(tenant)?)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    stub.fetch_with_request(Request::new_with_init(&format!("https://do{CALL_PATH}"), &init)?).await
}

/// Publishes events, in order, to their tenant's hub (one object per tenant id) in one call.
/// All events must belong to the same tenant.
pub async fn hub_publish(env: &Env, events: &[NewEvent]) -> Result<()> {
    let Some(first) = events.first() else { return Ok(()) };
    let stub = env.durable_object(TENANT_HUB_BINDING)?.get_by_name(&first.tenant_id)?;
    let response = stub.fetch_with_request(json_request(PUBLISH_PATH, &events)?).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!("hub publish failed: {}", response.status_code())));
    }
    Ok(())
}

/// Opens the tenant's live event stream, replaying after `last_event_id`; with `contact`, only
/// that contact's messages in the visitor view (a website chat session's stream).
pub async fn hub_stream(
    env: &Env,
    tenant_id: &str,
    last_event_id: Option<u64>,
    contact: Option<&str>,
) -> Result<Response> {
    let stub = env.durable_object(TENANT_HUB_BINDING)?.get_by_name(tenant_id)?;
    let headers = Headers::new();
    if let Some(id) = last_event_id {
        headers.set("last-event-id", &id.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let mut url = worker::Url::parse(&format!("https://do{STREAM_PATH}"))?;
    if let Some(contact) = contact {
        url.query_pairs_mut().append_pair(CONTACT_PARAM, contact);
    }
    stub.fetch_with_request(Request::new_with_init(url.as_str(), &init)?).await
}

/// Takes one request from the bucket named `key` (one object per key, `limiter::Scope::key`),
/// or the seconds until one is allowed.
pub async fn limiter_take(env: &Env, key: &str, limit: Limit) -> Result<std::result::Result<(), u32>> {
    let stub = env.durable_object(LIMITER_BINDING)?.get_by_name(key)?;
    let mut response = stub.fetch_with_request(json_request(TAKE_PATH, &limit)?).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!("limiter take failed: {}", response.status_code())));
    }
    Ok(response.json::<Option<u32>>().await?.map_or(Ok(()), Err))
}

/// Makes a thread's object (`inbound::thread_name`) drop what it holds in memory about its
/// contact — the known contact, conversation, lead and answered events — so its next turn
/// reloads from D1 (after an erasure: finds nobody).
pub async fn conversation_forget(env: &Env, thread_name: &str) -> Result<()> {
    let stub = env.durable_object(CONVERSATION_BINDING)?.get_by_name(thread_name)?;
    expect_ok(stub.fetch_with_request(json_request(FORGET_PATH, &())?).await?, "thread forget")
}

/// Deletes a call's object storage (who called, the turns' state) and closes its socket.
pub async fn call_erase(env: &Env, call_sid: &str) -> Result<()> {
    let stub = env.durable_object(CALL_BINDING)?.get_by_name(call_sid)?;
    expect_ok(stub.fetch_with_request(json_request(ERASE_PATH, &())?).await?, "call erase")
}

/// Blanks the tenant hub's replayable events that contain any of `needles` (a contact's id,
/// number, address); returns how many.
pub async fn hub_redact(env: &Env, tenant_id: &str, needles: &[String]) -> Result<u64> {
    let stub = env.durable_object(TENANT_HUB_BINDING)?.get_by_name(tenant_id)?;
    let mut response = stub.fetch_with_request(json_request(REDACT_PATH, &needles)?).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!("hub redact failed: {}", response.status_code())));
    }
    response.json().await
}

fn expect_ok(response: Response, what: &str) -> Result<()> {
    if !(200..300).contains(&response.status_code()) {
        return Err(worker::Error::RustError(format!("{what} failed: {}", response.status_code())));
    }
    Ok(())
}
