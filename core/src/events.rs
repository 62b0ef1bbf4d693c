//! Live events for dashboards: the envelope, its Server-Sent Events framing and the replay
//! rules `TenantHubDO` follows (docs/API.md, `GET /api/v1/events`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Events retained per tenant for `Last-Event-ID` replay. A dashboard that was away for longer
/// than 256 events reloads its lists instead (the API is the source of truth).
pub const REPLAY_RING: u64 = 256;
/// Seconds between `: heartbeat` comments. Proxies close idle streams after 30-100 s; 15 s
/// keeps a stream alive through all common ones and lets a client notice a dead stream fast.
pub const HEARTBEAT_SECS: u64 = 15;
/// The reconnect delay advertised to EventSource clients.
pub const RETRY_MS: u64 = 3000;

/// What happened. Serialised as the SSE `event:` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "message.received")]
    MessageReceived,
    #[serde(rename = "message.sent")]
    MessageSent,
    #[serde(rename = "escalation.raised")]
    EscalationRaised,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageReceived => "message.received",
            EventKind::MessageSent => "message.sent",
            EventKind::EscalationRaised => "escalation.raised",
        }
    }
}

/// An event before the hub numbers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub tenant_id: String,
    pub at: u64,
    pub data: Value,
}

/// An event as delivered: numbered by the tenant's hub, ids strictly increasing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub tenant_id: String,
    pub at: u64,
    pub data: Value,
}

impl Event {
    pub fn numbered(id: u64, new: NewEvent) -> Self {
        Self { id, kind: new.kind, tenant_id: new.tenant_id, at: new.at, data: new.data }
    }

    /// One SSE frame. JSON never contains a raw newline, so `data:` is a single line.
    pub fn to_sse(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned());
        format!("id: {}\nevent: {}\ndata: {}\n\n", self.id, self.kind.as_str(), json)
    }
}

/// What a stream starts with: the reconnect delay and a comment so clients see bytes at once.
pub fn stream_prelude() -> String {
    format!("retry: {RETRY_MS}\n: connected\n\n")
}

pub const HEARTBEAT: &str = ": heartbeat\n\n";

/// The `Last-Event-ID` a reconnecting client sends; anything unparseable means "no replay".
pub fn parse_last_event_id(header: Option<&str>) -> Option<u64> {
    header?.trim().parse().ok()
}

/// The oldest id still retained once `latest` has been assigned.
pub fn oldest_retained(latest: u64) -> u64 {
    latest.saturating_sub(REPLAY_RING - 1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_an_event_for_event_source() {
        let event = Event::numbered(
            17,
            NewEvent {
                kind: EventKind::MessageReceived,
                tenant_id: "ten_demo".into(),
                at: 5,
                data: json!({"body": "a\nb"}),
            },
        );
        let frame = event.to_sse();
        assert!(frame.starts_with("id: 17\nevent: message.received\ndata: {"));
        assert!(frame.ends_with("}\n\n"));
        assert_eq!(frame.matches('\n').count(), 4, "data must stay on one line: {frame}");
        let data = frame.lines().nth(2).unwrap().strip_prefix("data: ").unwrap();
        let parsed: Event = serde_json::from_str(data).unwrap();
        assert_eq!(parsed, event);
    }

    #[test]
    fn last_event_id_and_ring_bounds() {
        assert_eq!(parse_last_event_id(Some(" 42 ")), Some(42));
        assert_eq!(parse_last_event_id(Some("x")), None);
        assert_eq!(parse_last_event_id(None), None);
        assert_eq!(oldest_retained(10), 1);
        assert_eq!(oldest_retained(1000), 1000 - REPLAY_RING + 1);
    }
}
