//! Who an event is for, read tolerantly: the tenant's own line and the other party, from
//! whichever generation the event is in (PROTOCOLS.md §5).
//!
//! The webhook needs the tenant before it can verify the signature (the signing key is per
//! tenant), and a verified event it cannot fully parse is still worth keeping, so [`route`]
//! asks only for an `id` and reads everything else as far as it goes. [`parse`](super::parse)
//! reads the numbers through the same [`parties`], so the two never disagree.
//!
//! Where the numbers are:
//! - Legacy `data.object`: `from` / `to` (`to` is a list in API resources), read by
//!   `direction`: the tenant is `to` of what reached it and `from` of what it sent. Legacy
//!   transcripts name only their speakers; a speaker with a `userId` is staff.
//! - Versioned `2026-03-30` messages: `data.context.senderIdentifier` and
//!   `recipientIdentifiers: [..]`. Calls and their artefacts: `data.context.participants:
//!   {workspace: [..], external: [..], resolution}`; `resolution: unavailable` leaves the lists
//!   empty, and then the resource's own `from` / `to`, if any, are used.
//!
//! Sources: quo.com/docs/mdx/guides/webhooks (legacy), quo.com/docs/2026-03-30/
//! webhooks-event-payloads (versioned; samples in `fixtures/2026-03-30`).

use crate::lossy_json;
use crate::phone::PhoneE164;
use serde_json::Value;

/// Who an event is for, read tolerantly (any JSON object with an `id`): enough to find the tenant and its signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `EV…`: stable across retries.
    pub event_id: String,
    /// The envelope's `type`; empty when absent.
    pub event_type: String,
    /// The tenant's own line; `None` when the event does not name it as an E.164 number.
    pub number: Option<PhoneE164>,
    /// `PN…`: Quo's id of the tenant's line, when the event carries it.
    pub phone_number_id: Option<String>,
}

/// Reads who `raw` is for. `None` for anything but a JSON object with a non-empty string `id`;
/// never panics (serde_json bounds nesting depth, everything else is optional).
pub fn route(raw: &[u8]) -> Option<Route> {
    let event: Value = serde_json::from_slice(&lossy_json::readable(raw)).ok()?;
    let event_id = event.get("id").and_then(Value::as_str).filter(|id| !id.is_empty())?.to_owned();
    // As `parse` reads it, untrimmed, so the two name an event alike.
    let event_type = event.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    let data = event.get("data").unwrap_or(&Value::Null);
    let (resource, context) = resource_and_context(data);
    let number = parties(&event_type, resource, context).tenant.valid();
    let phone_number_id =
        text(resource.get("phoneNumberId")).or_else(|| text(context.get("phoneNumberId"))).map(str::to_owned);
    Some(Route { event_id, event_type, number, phone_number_id })
}

/// `data.object` (legacy) or `data.resource` (versioned), and `data.context`; `Null` when absent.
fn resource_and_context(data: &Value) -> (&Value, &Value) {
    let resource = data.get("object").or_else(|| data.get("resource")).unwrap_or(&Value::Null);
    (resource, data.get("context").unwrap_or(&Value::Null))
}

/// A number as the event spells it, with the field it came from so an error can name it (when
/// absent: the fields it was looked for in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Number<'a> {
    pub field: &'static str,
    pub raw: Option<&'a str>,
}

impl<'a> Number<'a> {
    fn absent(looked_in: &'static str) -> Self {
        Number { field: looked_in, raw: None }
    }

    fn or(self, other: Number<'a>) -> Number<'a> {
        if self.raw.is_some() {
            self
        } else {
            other
        }
    }

    /// The number when it is a valid E.164 one.
    pub fn valid(&self) -> Option<PhoneE164> {
        self.raw.and_then(|raw| PhoneE164::parse(raw).ok())
    }

    /// `None` when absent; an error naming the field when present but not E.164.
    pub fn optional(&self, what: &str) -> Result<Option<PhoneE164>, String> {
        match self.raw {
            None => Ok(None),
            Some(raw) => PhoneE164::parse(raw).map(Some).map_err(|_| self.not_e164(what)),
        }
    }

    /// An error naming the field when absent or not E.164.
    pub fn required(&self, what: &str) -> Result<PhoneE164, String> {
        self.optional(what)?.ok_or_else(|| format!("{what}: no {}", self.field))
    }

    fn not_e164(&self, what: &str) -> String {
        format!("{what}: `{}` is not an E.164 number", self.field)
    }
}

/// The tenant's line and the other party of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Parties<'a> {
    pub tenant: Number<'a>,
    pub other: Number<'a>,
}

/// Reads the parties of an event of type `kind` from its resource and context.
pub(super) fn parties<'a>(kind: &str, resource: &'a Value, context: &'a Value) -> Parties<'a> {
    if kind.starts_with("message.") {
        message_parties(kind, resource, context)
    } else {
        call_parties(resource, context)
    }
}

/// Whether the message reached the tenant: as `direction` says, else by type (only
/// `message.received` is about a text that came in; delivered, failed and undelivered are
/// about texts the tenant sent).
pub(super) fn message_is_incoming(kind: &str, resource: &Value) -> bool {
    match text(resource.get("direction")) {
        Some("incoming") => true,
        Some("outgoing") => false,
        _ => kind == "message.received",
    }
}

fn message_parties<'a>(kind: &str, resource: &'a Value, context: &'a Value) -> Parties<'a> {
    let sender = field("senderIdentifier", context.get("senderIdentifier"))
        .or(field("from", resource.get("from")))
        .or(Number::absent("`senderIdentifier` or `from`"));
    let recipient = field("recipientIdentifiers", context.get("recipientIdentifiers"))
        .or(field("to", resource.get("to")))
        .or(Number::absent("`recipientIdentifiers` or `to`"));
    if message_is_incoming(kind, resource) {
        Parties { tenant: recipient, other: sender }
    } else {
        Parties { tenant: sender, other: recipient }
    }
}

/// Calls and everything else: the versioned participants, else `from` / `to` by direction,
/// else (legacy transcripts) the speakers. Each side falls back on its own, so a context that
/// resolved only one side still lets the resource name the other.
fn call_parties<'a>(resource: &'a Value, context: &'a Value) -> Parties<'a> {
    let participants = context.get("participants").unwrap_or(&Value::Null);
    let (from, to) = (field("from", resource.get("from")), field("to", resource.get("to")));
    let (tenant, other) = match text(resource.get("direction")) {
        Some("incoming") => (to, from),
        Some("outgoing") => (from, to),
        _ => (Number::absent("direction"), Number::absent("direction")),
    };
    Parties {
        tenant: field("workspace", participants.get("workspace"))
            .or(tenant)
            .or(speaker(resource, true))
            .or(Number::absent("`participants.workspace` or `from`/`to` by `direction`")),
        other: field("external", participants.get("external"))
            .or(other)
            .or(speaker(resource, false))
            .or(Number::absent("`participants.external` or `from`/`to` by `direction`")),
    }
}

/// The first staff (with a `userId`) or caller speaker of a transcript whose identifier is a
/// number. An identifier is informational (it may be a SIP address), so others are skipped
/// rather than refused.
fn speaker(resource: &Value, staff: bool) -> Number<'_> {
    let turns = resource.get("dialogue").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let raw = turns
        .iter()
        .filter(|turn| text(turn.get("userId")).is_some() == staff)
        .filter_map(|turn| text(turn.get("identifier")))
        .find(|identifier| PhoneE164::parse(identifier).is_ok());
    Number { field: "identifier", raw }
}

/// A number field: a string, or the first of a list (`to` in API resources, the versioned
/// `recipientIdentifiers` and participants).
fn field<'a>(name: &'static str, value: Option<&'a Value>) -> Number<'a> {
    let raw = match value {
        Some(Value::Array(items)) => text(items.first()),
        other => text(other),
    };
    Number { field: name, raw }
}

/// A non-blank string; anything else reads as absent.
fn text(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Test and fuzz helper: `route` reads the same event id and tenant line as `parse` (which must
/// succeed).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn assert_route_agrees(raw: &[u8]) {
    let event = super::parse(raw).unwrap_or_else(|e| panic!("{e}"));
    let found = route(raw).expect("an event with an id has a route");
    assert_eq!(found.event_id, event.id);
    if let Some(number) = event.tenant_number() {
        assert_eq!(found.number.as_ref(), Some(number), "{}", found.event_type);
    }
    if let super::EventKind::Other(kind) = &event.kind {
        assert_eq!(&found.event_type, kind);
    }
}

#[cfg(test)]
mod tests;
