//! Signed webhook events our parser does not understand (issue "Nothing lost, nothing forged"):
//! kept raw once the signature has been verified, so the provider gets its 2xx and stops
//! retrying, and replayable through the tenant API once a newer build reads the format
//! (docs/STORAGE.md `unparsed_events`, docs/API.md `/api/v1/unparsed`).
//!
//! What is pure is here: which request headers are kept, the key a provider's retries share,
//! the error text stored, the audit detail and the live event. The Worker writes the row.

use crate::auth::sha256_hex;
use crate::events::{EventKind, NewEvent};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Headers kept with the body: what a person reading the row, or a future parser, may need to
/// know about the delivery. Signature headers (`openphone-signature`, `webhook-signature`,
/// `x-twilio-signature`, `x-hub-signature-256`) are not: the signature was verified before the
/// row was written and a replay never re-verifies, so they would only be a credential at rest.
pub const KEPT_HEADERS: [&str; 4] = ["content-type", "user-agent", "webhook-id", "webhook-timestamp"];

/// Parser errors quote the offending field, and serde's can quote input; 500 characters name
/// any field path we produce, and keep a hostile body from making the error column its copy.
pub const MAX_ERROR_CHARS: usize = 500;

/// The kept headers among those `get` finds, as a JSON object (names lower-case, absent ones
/// left out).
pub fn kept_headers(get: impl Fn(&str) -> Option<String>) -> Value {
    let kept: Map<String, Value> =
        KEPT_HEADERS.iter().filter_map(|name| Some(((*name).to_owned(), Value::String(get(name)?)))).collect();
    Value::Object(kept)
}

/// The key a provider's retries of one event share: its own event id when the body yields one
/// (OpenPhone `EV…`, Twilio `MessageSid`), else `sha256:<hex>` of the body, since a retry
/// resends the same bytes (Meta has no envelope id; a garbled Twilio form may lack the sid).
/// `UNIQUE (tenant, provider, event_id)` then stores an event once however often it comes.
pub fn event_key(provider_id: Option<&str>, body: &[u8]) -> String {
    match provider_id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => id.to_owned(),
        None => format!("sha256:{}", sha256_hex(body)),
    }
}

/// The parser's error as stored and shown: trimmed to [`MAX_ERROR_CHARS`] characters.
pub fn error_text(error: &str) -> String {
    let error = error.trim();
    match error.char_indices().nth(MAX_ERROR_CHARS) {
        Some((end, _)) => format!("{}…", &error[..end]),
        None => error.to_owned(),
    }
}

/// Where a kept event is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Kept; no build has read it yet (a failed replay leaves it here with the newer error).
    Unparsed,
    /// A replay parsed it and acted on it.
    Replayed,
    /// A replay parsed it but acting on it failed (e.g. the channel is gone); may be replayed again.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unparsed => "unparsed",
            Status::Replayed => "replayed",
            Status::Failed => "failed",
        }
    }
}

/// A verified event to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// `unp_…` (`ids::UNPARSED`).
    pub id: String,
    /// `None` only for a platform-level provider (Meta: one app secret for every tenant) whose
    /// body names no number a tenant owns; such rows are in no tenant's list.
    pub tenant_id: Option<String>,
    pub provider: String,
    /// See [`event_key`].
    pub event_id: String,
    /// [`kept_headers`].
    pub headers: Value,
    pub body: String,
    /// [`error_text`].
    pub error: String,
    pub received_at: u64,
}

impl Kept {
    /// `audit_log.detail`: everything but the body (which may hold a contact's words, and is in
    /// the row the audit entry names).
    pub fn audit_detail(&self) -> Value {
        json!({ "provider": self.provider, "event_id": self.event_id, "error": self.error })
    }

    /// The live event for the tenant's dashboard; none without a tenant.
    pub fn live_event(&self) -> Option<NewEvent> {
        Some(NewEvent {
            kind: EventKind::WebhookUnparsed,
            tenant_id: self.tenant_id.clone()?,
            at: self.received_at,
            data: json!({
                "id": self.id, "provider": self.provider, "event_id": self.event_id, "error": self.error,
            }),
        })
    }
}

/// A kept event as the tenant API lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnparsedEvent {
    pub id: String,
    pub provider: String,
    pub event_id: Option<String>,
    pub headers: Value,
    pub body: String,
    pub error: String,
    pub status: Status,
    pub received_at: u64,
    pub replayed_at: Option<u64>,
}

impl crate::api::Identified for UnparsedEvent {
    fn id(&self) -> &str {
        &self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn keeps_descriptive_headers_and_never_a_signature() {
        let request: HashMap<&str, &str> = [
            ("content-type", "application/json"),
            ("user-agent", "OpenPhone-Webhooks/1.0"),
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1767225600"),
            ("webhook-signature", "v1,c2lnbmF0dXJl"),
            ("openphone-signature", "hmac;1;1767225600000;c2ln"),
            ("x-twilio-signature", "c2ln"),
            ("x-hub-signature-256", "sha256=00"),
            ("authorization", "Bearer x"),
        ]
        .into_iter()
        .collect();
        let kept = kept_headers(|name| request.get(name).map(|v| (*v).to_owned()));
        assert_eq!(
            kept,
            json!({"content-type": "application/json", "user-agent": "OpenPhone-Webhooks/1.0",
                   "webhook-id": "msg_1", "webhook-timestamp": "1767225600"})
        );
        assert_eq!(kept_headers(|_| None), json!({}), "absent headers are left out");
    }

    #[test]
    fn retries_share_a_key_with_or_without_a_provider_id() {
        assert_eq!(event_key(Some("EV9"), b"x"), "EV9");
        assert_eq!(event_key(Some("  "), b"x"), event_key(None, b"x"), "a blank id is no id");
        let key = event_key(None, b"{\"object\":\"page\"}");
        assert!(key.starts_with("sha256:") && key.len() == 7 + 64, "{key}");
        assert_eq!(key, event_key(None, b"{\"object\":\"page\"}"));
        assert_ne!(key, event_key(None, b"{\"object\":\"pages\"}"));
    }

    #[test]
    fn errors_are_bounded_on_a_character_boundary() {
        assert_eq!(error_text("  bad `from`  "), "bad `from`");
        let long = "é".repeat(MAX_ERROR_CHARS + 10);
        let stored = error_text(&long);
        assert_eq!(stored.chars().count(), MAX_ERROR_CHARS + 1, "the limit plus an ellipsis");
        assert!(stored.ends_with('…'));
        assert_eq!(error_text(&"x".repeat(MAX_ERROR_CHARS)), "x".repeat(MAX_ERROR_CHARS));
    }

    #[test]
    fn the_audit_detail_and_event_leave_the_body_out() {
        let kept = Kept {
            id: "unp_1".into(),
            tenant_id: Some("ten_demo".into()),
            provider: "openphone".into(),
            event_id: "EV9".into(),
            headers: json!({}),
            body: "{\"secret words\":1}".into(),
            error: "message.received EV9: no `id`".into(),
            received_at: 7,
        };
        assert!(!kept.audit_detail().to_string().contains("secret words"));
        let event = kept.live_event().unwrap();
        assert_eq!(event.kind, EventKind::WebhookUnparsed);
        assert_eq!(event.tenant_id, "ten_demo");
        assert_eq!(
            event.data,
            json!({"id": "unp_1", "provider": "openphone", "event_id": "EV9", "error": "message.received EV9: no `id`"})
        );
        assert_eq!(Kept { tenant_id: None, ..kept }.live_event(), None, "no tenant, no stream");
    }

    #[test]
    fn statuses_match_the_table() {
        for s in [Status::Unparsed, Status::Replayed, Status::Failed] {
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
    }
}
