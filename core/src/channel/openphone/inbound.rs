//! The OpenPhone event envelope, both generations (PROTOCOLS.md §5): legacy `{id, type,
//! createdAt, data: {object}}` with the numbers in the object, and versioned `2026-03-30`
//! `{id, apiVersion, type, createdAt, data: {resource, context, links}}` with the numbers in
//! the context (see [`route`](super::route) for where each generation keeps them). Only what
//! Frontdesk acts on is typed; other events are acknowledged and ignored.
//!
//! Sources: quo.com/docs/mdx/guides/webhooks (legacy), quo.com/docs/2026-03-30/
//! webhooks-event-payloads (versioned; samples in `fixtures/2026-03-30`).

use super::artefact::{self, CallArtefact};
use super::route;
use crate::lossy_json;
use crate::phone::PhoneE164;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `EV…`: stable across retries, the idempotency key.
    pub id: String,
    pub kind: EventKind,
}

impl Event {
    /// The tenant's own number, which resolves the tenant and its signing key: `to` of what
    /// reached it, `from` of what it sent; `None` for events Frontdesk does not act on. When
    /// set, it is the `number` [`route`](super::route) reads from the same body.
    pub fn tenant_number(&self) -> Option<&PhoneE164> {
        match &self.kind {
            EventKind::MessageReceived { to, .. } | EventKind::MissedCall { to, .. } => Some(to),
            EventKind::MessageDelivered { from, .. } => Some(from),
            EventKind::CallArtefact(artefact) => artefact.tenant_number.as_ref(),
            EventKind::Other(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A text to the tenant's number.
    MessageReceived { message_id: String, from: PhoneE164, to: PhoneE164, body: String },
    /// A text Frontdesk sent was delivered; `from` is the tenant's number.
    MessageDelivered { message_id: String, from: PhoneE164 },
    /// An incoming call ended unanswered (`missed`, `no-answer`, `busy`, or answered by
    /// voicemail). Quo may report one call several ways (`call.completed`, `call.missed`,
    /// `call.voicemail.completed`); all carry the same `call_id`, which the follow-up is keyed by.
    MissedCall { call_id: String, from: PhoneE164, to: PhoneE164 },
    /// A call's recording, summary or transcript is ready, for the contact's timeline.
    CallArtefact(CallArtefact),
    /// Anything else: acknowledged, not acted on.
    Other(String),
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, rename = "createdAt")]
    created_at: Option<String>,
    data: Data,
}

/// The resource is read by event type (artefacts name their call `callId`, messages and calls
/// `id`); the numbers in it and in `context` through [`route::parties`], as [`route`](super::route)
/// reads them.
#[derive(Deserialize)]
struct Data {
    #[serde(alias = "resource")]
    object: Value,
    #[serde(default)]
    context: Value,
}

/// What the message and call events say beyond their numbers. `body` is the legacy event's
/// field, `text` the API resource's and the versioned event's.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Object {
    id: String,
    #[serde(default, alias = "text")]
    body: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    direction: Option<String>,
    /// A voicemail's own `id` is not the call's; `callId` is (versioned `call.voicemail.completed`).
    #[serde(default)]
    call_id: Option<String>,
    /// Versioned `call.completed`: the caller left a voicemail.
    #[serde(default)]
    has_voicemail: Option<bool>,
}

/// Whether [`parse`] may act on an event of this type; any other type parses to
/// [`EventKind::Other`] whatever its body, so the webhook need not find its tenant to answer it.
pub fn acts_on(event_type: &str) -> bool {
    matches!(
        event_type,
        "message.received" | "message.delivered" | "call.completed" | "call.missed" | "call.voicemail.completed"
    ) || artefact::is_artefact_type(event_type)
}

/// Parses a verified webhook body, legacy or versioned. `Err` names what is wrong (a 400 for
/// the sender); [`route`](super::route) still reads who such a body is for.
pub fn parse(raw: &[u8]) -> Result<Event, String> {
    let e: Envelope =
        serde_json::from_slice(&lossy_json::readable(raw)).map_err(|e| format!("not an OpenPhone event: {e}"))?;
    let (resource, context) = (&e.data.object, &e.data.context);
    let kind = match e.kind.as_str() {
        "message.received" | "message.delivered" => message(&e.id, &e.kind, resource, context)?,
        "call.completed" | "call.missed" | "call.voicemail.completed" => call(&e.id, &e.kind, resource, context)?,
        kind if artefact::is_artefact_type(kind) => {
            let artefact = artefact::parse(&e.id, kind, e.created_at.as_deref(), resource, context)?;
            artefact.map_or_else(|| EventKind::Other(e.kind.clone()), EventKind::CallArtefact)
        }
        other => EventKind::Other(other.to_owned()),
    };
    Ok(Event { id: e.id, kind })
}

fn object(event_id: &str, kind: &str, resource: &Value) -> Result<Object, String> {
    Object::deserialize(resource).map_err(|err| format!("{kind} {event_id}: {err}"))
}

/// A text the tenant sent is never answered as though the contact had written it, whatever
/// the event is called.
fn message(event_id: &str, kind: &str, resource: &Value, context: &Value) -> Result<EventKind, String> {
    let o = object(event_id, kind, resource)?;
    let what = format!("{kind} {event_id}");
    let parties = route::parties(kind, resource, context);
    Ok(match kind {
        "message.received" if route::message_is_incoming(kind, resource) => EventKind::MessageReceived {
            message_id: o.id,
            from: parties.other.required(&what)?,
            to: parties.tenant.required(&what)?,
            body: o.body.unwrap_or_default(),
        },
        "message.delivered" => EventKind::MessageDelivered { message_id: o.id, from: parties.tenant.required(&what)? },
        _ => EventKind::Other(kind.to_owned()),
    })
}

/// An incoming call nobody answered, however Quo reports it: the legacy or versioned
/// `call.completed` with an unanswered status, the versioned `call.missed` (incoming only, per
/// the docs), or `call.voicemail.completed` (a caller who left a voicemail was not answered
/// either). One call can produce all three, so each carries the call's own id, which the turn
/// is keyed by: one follow-up per call.
fn call(event_id: &str, kind: &str, resource: &Value, context: &Value) -> Result<EventKind, String> {
    let o = object(event_id, kind, resource)?;
    let what = format!("{kind} {event_id}");
    let outgoing = o.direction.as_deref() == Some("outgoing");
    let call_id = match kind {
        "call.completed" if o.direction.as_deref() == Some("incoming") && unanswered(&o) => o.id,
        "call.missed" if !outgoing => o.id,
        "call.voicemail.completed" if !outgoing => {
            o.call_id.filter(|id| !id.is_empty()).ok_or_else(|| format!("{what}: no `callId`"))?
        }
        _ => return Ok(EventKind::Other(kind.to_owned())),
    };
    let parties = route::parties(kind, resource, context);
    Ok(EventKind::MissedCall { call_id, from: parties.other.required(&what)?, to: parties.tenant.required(&what)? })
}

/// Legacy statuses `missed`, `no-answer`, `busy` and `voicemail`; versioned `hasVoicemail`.
fn unanswered(o: &Object) -> bool {
    matches!(o.status.as_deref(), Some("missed" | "no-answer" | "busy" | "voicemail")) || o.has_voicemail == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::openphone::route::assert_route_agrees;

    #[test]
    fn half_an_emoji_does_not_lose_the_message() {
        // Found by the `openphone_event` fuzz target: a lone surrogate escape (what JavaScript's
        // JSON.stringify writes for a text cut inside an emoji) made `route` refuse a body that
        // `parse` read, and one in the text made both refuse it: a 400 on every retry.
        let raw = br#"{"id":"EV9","apiVersion":"2026-03-30\ud800","type":"message.received","data":{"object":{"id":"AC9","from":"+14155550100","to":"+14155550199","body":"see you \ud83d","direction":"incoming"}}}"#;
        assert_route_agrees(raw);
        let EventKind::MessageReceived { body, .. } = parse(raw).unwrap().kind else { panic!() };
        assert_eq!(body, "see you \u{fffd}");
        // Invalid UTF-8 in a field `parse` skips (and `route` reads): the same event to both.
        let mut garbled = raw.to_vec();
        garbled.splice(1..1, *b"\"k\xff\":1,");
        assert_route_agrees(&garbled);
    }

    #[test]
    fn reads_a_received_message() {
        let raw = br#"{"id":"EV1","object":"event","type":"message.received","data":{"object":{"id":"AC1","object":"message","from":"+14155550100","to":"+14155550199","body":"hi","direction":"incoming"}}}"#;
        let event = parse(raw).unwrap();
        assert_route_agrees(raw);
        assert_eq!(event.id, "EV1");
        assert_eq!(event.tenant_number().map(PhoneE164::as_str), Some("+14155550199"), "the number it reached");
        let EventKind::MessageReceived { message_id, from, to, body } = event.kind else { panic!("{:?}", event.kind) };
        assert_eq!(
            (message_id.as_str(), from.as_str(), to.as_str(), body.as_str()),
            ("AC1", "+14155550100", "+14155550199", "hi")
        );
    }

    #[test]
    fn a_missed_incoming_call_is_a_missed_call_and_other_calls_are_not() {
        let call = |status: &str, direction: &str| {
            format!(
                r#"{{"id":"EV2","type":"call.completed","data":{{"object":{{"id":"CA1","object":"call","from":"+447700900123","to":"+14155550199","status":"{status}","direction":"{direction}"}}}}}}"#
            )
        };
        assert!(matches!(parse(call("missed", "incoming").as_bytes()).unwrap().kind, EventKind::MissedCall { .. }));
        for (status, direction) in [("missed", "incoming"), ("completed", "incoming"), ("missed", "outgoing")] {
            assert_route_agrees(call(status, direction).as_bytes());
        }
        assert!(matches!(parse(call("no-answer", "incoming").as_bytes()).unwrap().kind, EventKind::MissedCall { .. }));
        assert_eq!(
            parse(call("completed", "incoming").as_bytes()).unwrap().kind,
            EventKind::Other("call.completed".into())
        );
        assert_eq!(
            parse(call("missed", "outgoing").as_bytes()).unwrap().kind,
            EventKind::Other("call.completed".into())
        );
    }

    #[test]
    fn reads_versioned_resources_and_refuses_garbage() {
        let raw = br#"{"id":"EV3","apiVersion":"2026-03-30","type":"message.delivered","data":{"resource":{"id":"MS1","to":["+447700900123"],"from":"+14155550199","text":"x"}}}"#;
        let delivered = parse(raw).unwrap();
        assert_route_agrees(raw);
        assert!(matches!(delivered.kind, EventKind::MessageDelivered { .. }));
        assert_eq!(delivered.tenant_number().map(PhoneE164::as_str), Some("+14155550199"), "the number that sent it");
        assert!(parse(b"{}").is_err());
        let bad = br#"{"id":"EV4","type":"message.received","data":{"object":{"id":"AC1","from":"nope","to":"+14155550199"}}}"#;
        assert!(parse(bad).unwrap_err().contains("`from`"));
        let other = br#"{"id":"EV5","type":"contact.updated","data":{"object":{"id":"CT1"}}}"#;
        assert_eq!(parse(other).unwrap().kind, EventKind::Other("contact.updated".into()));
        assert!(!acts_on("contact.updated") && acts_on("message.received") && acts_on("call.summary.completed"));
        assert_eq!(parse(other).unwrap().tenant_number(), None);
        assert_route_agrees(other);
    }
}
