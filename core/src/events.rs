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
    #[serde(rename = "lead.updated")]
    LeadUpdated,
    /// A signed webhook event the parser could not read was kept (`core::unparsed`).
    #[serde(rename = "webhook.unparsed")]
    WebhookUnparsed,
    /// A knowledge base ingestion job moved on (queued, running with progress, done, failed).
    #[serde(rename = "kb.job")]
    KbJob,
    #[serde(rename = "booking.created")]
    BookingCreated,
    /// Rescheduled or cancelled.
    #[serde(rename = "booking.updated")]
    BookingUpdated,
    /// A call was answered (or a placed call answered): the console's live calls show it at
    /// once, before the caller has said anything (`voice::status::started_event`).
    #[serde(rename = "call.started")]
    CallStarted,
    /// A voice turn was spoken: how long the caller waited for the first and last token
    /// (`core::voice::latency`).
    #[serde(rename = "call.turn")]
    CallTurn,
    /// A call ended and was summarised (`core::voice::summary`).
    #[serde(rename = "call.summarized")]
    CallSummarized,
    /// A person took a conversation over: the AI is silent in it (`console::takeover`).
    #[serde(rename = "conversation.held")]
    ConversationHeld,
    /// Handed back to the AI.
    #[serde(rename = "conversation.released")]
    ConversationReleased,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageReceived => "message.received",
            EventKind::MessageSent => "message.sent",
            EventKind::EscalationRaised => "escalation.raised",
            EventKind::LeadUpdated => "lead.updated",
            EventKind::WebhookUnparsed => "webhook.unparsed",
            EventKind::KbJob => "kb.job",
            EventKind::BookingCreated => "booking.created",
            EventKind::BookingUpdated => "booking.updated",
            EventKind::CallStarted => "call.started",
            EventKind::CallTurn => "call.turn",
            EventKind::CallSummarized => "call.summarized",
            EventKind::ConversationHeld => "conversation.held",
            EventKind::ConversationReleased => "conversation.released",
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

    /// The frame a website chat visitor sees, for events of their own conversation: only
    /// the messages (not escalations, not other contacts), and only what the visitor may see —
    /// no contact record, no internal statuses. Ids stay the hub's, so `Last-Event-ID` works.
    pub fn to_visitor_sse(&self, contact_id: &str) -> Option<String> {
        if !matches!(self.kind, EventKind::MessageReceived | EventKind::MessageSent) {
            return None;
        }
        let message = self.data.get("message")?;
        if message.get("contact_id")?.as_str()? != contact_id {
            return None;
        }
        let view = serde_json::json!({
            "id": message.get("id")?,
            "direction": message.get("direction")?,
            "body": message.get("body")?,
            "created_at": message.get("created_at")?,
        });
        Some(format!("id: {}\nevent: message\ndata: {}\n\n", self.id, view))
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
    fn a_visitor_sees_only_their_own_messages_and_only_the_text() {
        let message = |contact: &str| {
            json!({"contact": {"id": contact, "phone": "+447700900123"},
                   "message": {"id": "msg_1", "contact_id": contact, "direction": "outbound", "body": "Hi!",
                               "created_at": 9, "status": "sent", "provider_message_id": "x"}})
        };
        let event = |kind, data| Event::numbered(3, NewEvent { kind, tenant_id: "ten_demo".into(), at: 9, data });
        let frame = event(EventKind::MessageSent, message("con_1")).to_visitor_sse("con_1").unwrap();
        assert_eq!(
            frame,
            "id: 3\nevent: message\ndata: {\"body\":\"Hi!\",\"created_at\":9,\"direction\":\"outbound\",\"id\":\"msg_1\"}\n\n"
        );
        assert_eq!(event(EventKind::MessageSent, message("con_2")).to_visitor_sse("con_1"), None, "someone else");
        assert_eq!(event(EventKind::EscalationRaised, message("con_1")).to_visitor_sse("con_1"), None);
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
