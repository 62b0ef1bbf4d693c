//! How long a caller waited on a voice turn: from their final `prompt` arriving to the first
//! `text` token we sent (when Twilio can start speaking) and to the last. Stored on the reply
//! message and published as a `call.turn` event, so the dashboard shows every turn's wait.

use crate::events::{EventKind, NewEvent};
use serde_json::json;

/// Wall-clock instants (ms) of one turn, as the `CallDO` sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnTimes {
    pub prompt_at: u64,
    pub first_token_at: u64,
    pub last_token_at: u64,
}

impl TurnTimes {
    /// Milliseconds from the prompt to the first token (a clock stepping back reads as 0).
    pub fn first_token_ms(&self) -> u64 {
        self.first_token_at.saturating_sub(self.prompt_at)
    }

    pub fn last_token_ms(&self) -> u64 {
        self.last_token_at.saturating_sub(self.prompt_at)
    }

    /// The `call.turn` event: which call and reply, and the two waits.
    pub fn event(&self, tenant_id: &str, call_sid: &str, turn: u32, message_id: &str) -> NewEvent {
        NewEvent {
            kind: EventKind::CallTurn,
            tenant_id: tenant_id.to_owned(),
            at: self.last_token_at,
            data: json!({
                "call_sid": call_sid,
                "turn": turn,
                "message_id": message_id,
                "first_token_ms": self.first_token_ms(),
                "last_token_ms": self.last_token_ms(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_measured_from_the_prompt() {
        let times = TurnTimes { prompt_at: 1_000, first_token_at: 1_004, last_token_at: 1_250 };
        let event = times.event("ten_1", "CA1", 3, "msg_1");
        assert_eq!(event.kind, EventKind::CallTurn);
        assert_eq!(event.data["first_token_ms"], 4);
        assert_eq!(event.data["last_token_ms"], 250);
        assert_eq!(event.data["turn"], 3);
        assert_eq!(event.at, 1_250);
    }

    #[test]
    fn a_clock_stepping_back_is_no_negative_wait() {
        let times = TurnTimes { prompt_at: 2_000, first_token_at: 1_999, last_token_at: 1_999 };
        assert_eq!((times.first_token_ms(), times.last_token_ms()), (0, 0));
    }
}
