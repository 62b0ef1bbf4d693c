//! A call's status as Twilio's status callbacks report it (PROTOCOLS.md §3.2). Callbacks are
//! best-effort and may arrive out of order or twice, so a status only moves a call forward:
//! each has a rank and the store keeps the highest it has seen.

use crate::events::{EventKind, NewEvent};

/// Twilio's `CallStatus` values.
const STATUSES: [(&str, u8); 8] = [
    ("queued", 0),
    ("ringing", 1),
    ("in-progress", 2),
    // Terminal: nothing moves a call out of them.
    ("completed", 3),
    ("busy", 3),
    ("failed", 3),
    ("no-answer", 3),
    ("canceled", 3),
];

/// The rank of the statuses that end a call.
pub const TERMINAL: u8 = 3;

/// The rank of a `CallStatus`, or `None` for a value Twilio does not document.
pub fn rank(status: &str) -> Option<u8> {
    STATUSES.iter().find(|(s, _)| *s == status).map(|(_, r)| *r)
}

/// `call.started`: which call, whose, and its status as Twilio reported it on answering.
pub fn started_event(tenant_id: &str, call: serde_json::Value, at: u64) -> NewEvent {
    NewEvent {
        kind: EventKind::CallStarted,
        tenant_id: tenant_id.to_owned(),
        at,
        data: serde_json::json!({ "call": call }),
    }
}

/// `CallDuration` in whole seconds; anything else is ignored rather than refused.
pub fn duration_seconds(raw: Option<&str>) -> Option<u64> {
    raw?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_statuses_outrank_the_live_ones() {
        assert!(rank("completed") > rank("in-progress"));
        assert!(rank("in-progress") > rank("ringing"));
        assert_eq!(rank("completed"), rank("no-answer"));
        assert_eq!(rank("canceled"), Some(TERMINAL));
        assert_eq!(rank("answered"), None);
    }

    #[test]
    fn a_started_call_is_announced_with_the_call() {
        let event = started_event("ten_1", serde_json::json!({ "id": "cal_1", "status": "ringing" }), 7);
        assert_eq!(event.kind.as_str(), "call.started");
        assert_eq!(event.data["call"]["id"], "cal_1");
        assert_eq!(event.at, 7);
    }

    #[test]
    fn duration_is_whole_seconds() {
        assert_eq!(duration_seconds(Some("42")), Some(42));
        assert_eq!(duration_seconds(Some("4.2")), None);
        assert_eq!(duration_seconds(None), None);
    }
}
