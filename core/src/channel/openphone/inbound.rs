//! The OpenPhone event envelope (legacy and versioned): `{id, type, createdAt, data: {object |
//! resource, context}}`. Only what Frontdesk acts on is typed; other events are acknowledged and
//! ignored.

use super::artefact::{self, CallArtefact};
use crate::phone::PhoneE164;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `EV…`: stable across retries, the idempotency key.
    pub id: String,
    pub kind: EventKind,
}

impl Event {
    /// The tenant's own number, which resolves the tenant and its signing key: `to` of what
    /// reached it, `from` of what it sent; `None` for events Frontdesk does not act on.
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
    /// A call ended unanswered (`missed`, `no-answer`, `busy`, or answered by voicemail).
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

/// `object` is read by event type: artefacts name their call `callId`, messages and calls `id`.
#[derive(Deserialize)]
struct Data {
    #[serde(alias = "resource")]
    object: serde_json::Value,
    #[serde(default)]
    context: Option<artefact::Context>,
}

#[derive(Deserialize)]
struct Object {
    id: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<ToField>,
    #[serde(default, alias = "text")]
    body: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    direction: Option<String>,
}

/// `to` is a number in events, a list in API resources.
#[derive(Deserialize)]
#[serde(untagged)]
enum ToField {
    One(String),
    Many(Vec<String>),
}

impl ToField {
    fn first(&self) -> Option<&str> {
        match self {
            ToField::One(s) => Some(s),
            ToField::Many(v) => v.first().map(String::as_str),
        }
    }
}

/// Parses a verified webhook body. `Err` names what is wrong (a 400 for the sender).
pub fn parse(raw: &[u8]) -> Result<Event, String> {
    let e: Envelope = serde_json::from_slice(raw).map_err(|e| format!("not an OpenPhone event: {e}"))?;
    if artefact::is_artefact_type(&e.kind) {
        let artefact = artefact::parse(&e.id, &e.kind, e.created_at.as_deref(), e.data.object, e.data.context)?;
        let kind = artefact.map_or_else(|| EventKind::Other(e.kind.clone()), EventKind::CallArtefact);
        return Ok(Event { id: e.id, kind });
    }
    let o: Object =
        serde_json::from_value(e.data.object).map_err(|err| format!("not an OpenPhone {} event: {err}", e.kind))?;
    let phone = |field: &str, v: Option<&str>| {
        PhoneE164::parse(v.unwrap_or_default())
            .map_err(|_| format!("{} {}: `{field}` is not an E.164 number", e.kind, o.id))
    };
    let kind = match e.kind.as_str() {
        "message.received" => EventKind::MessageReceived {
            message_id: o.id.clone(),
            from: phone("from", o.from.as_deref())?,
            to: phone("to", o.to.as_ref().and_then(ToField::first))?,
            body: o.body.clone().unwrap_or_default(),
        },
        "message.delivered" => {
            EventKind::MessageDelivered { message_id: o.id.clone(), from: phone("from", o.from.as_deref())? }
        }
        "call.completed"
            if o.direction.as_deref() == Some("incoming")
                && matches!(o.status.as_deref(), Some("missed" | "no-answer" | "busy" | "voicemail")) =>
        {
            EventKind::MissedCall {
                call_id: o.id.clone(),
                from: phone("from", o.from.as_deref())?,
                to: phone("to", o.to.as_ref().and_then(ToField::first))?,
            }
        }
        other => EventKind::Other(other.to_owned()),
    };
    Ok(Event { id: e.id, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_received_message() {
        let raw = br#"{"id":"EV1","object":"event","type":"message.received","data":{"object":{"id":"AC1","object":"message","from":"+14155550100","to":"+14155550199","body":"hi","direction":"incoming"}}}"#;
        let event = parse(raw).unwrap();
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
        assert!(matches!(delivered.kind, EventKind::MessageDelivered { .. }));
        assert_eq!(delivered.tenant_number().map(PhoneE164::as_str), Some("+14155550199"), "the number that sent it");
        assert!(parse(b"{}").is_err());
        let bad = br#"{"id":"EV4","type":"message.received","data":{"object":{"id":"AC1","from":"nope","to":"+14155550199"}}}"#;
        assert!(parse(bad).unwrap_err().contains("`from`"));
        let other = br#"{"id":"EV5","type":"contact.updated","data":{"object":{"id":"CT1"}}}"#;
        assert_eq!(parse(other).unwrap().kind, EventKind::Other("contact.updated".into()));
        assert_eq!(parse(other).unwrap().tenant_number(), None);
    }
}
