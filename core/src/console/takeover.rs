//! Human takeover: a person holds a conversation, the AI stays silent in it until they hand it
//! back, and a contact left waiting for that person longer than the tenant allows raises an
//! escalation. The rows are the Worker's (`conversations.held_by`, migration 0023); the turn
//! reads the hold before it answers (`ConversationDO`), the sweeper the waits.

use crate::brain::EscalationRequest;
use crate::escalation::Reason;
use serde::{Deserialize, Serialize};

/// Five minutes: a contact who wrote to a person should not wait longer unnoticed.
pub const DEFAULT_STAFF_REPLY_MINUTES: u32 = 5;
const MAX_STAFF_REPLY_MINUTES: u32 = 24 * 60;

/// `settings.handoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffSettings {
    /// How long a contact's message in a held conversation may wait for a staff reply before
    /// it escalates; `None` = [`DEFAULT_STAFF_REPLY_MINUTES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_reply_minutes: Option<u32>,
}

impl HandoffSettings {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    pub fn staff_reply_ms(&self) -> u64 {
        u64::from(self.staff_reply_minutes.unwrap_or(DEFAULT_STAFF_REPLY_MINUTES)) * 60_000
    }

    pub fn validate(&self) -> Vec<String> {
        match self.staff_reply_minutes {
            Some(m) if !(1..=MAX_STAFF_REPLY_MINUTES).contains(&m) => {
                vec![format!("handoff.staff_reply_minutes: 1 to {MAX_STAFF_REPLY_MINUTES}")]
            }
            _ => Vec::new(),
        }
    }
}

/// Who may take a conversation: anyone when it is free or already theirs; someone else holds
/// it otherwise (they hand it back first, so two people never answer one contact).
pub fn may_take(held_by: Option<&str>, actor: &str) -> bool {
    held_by.is_none_or(|holder| holder == actor)
}

/// Whether the contact's last message in a held conversation has waited too long: it came
/// after the last staff reply (or there was none) and more than the limit ago.
pub fn reply_overdue(last_inbound_at: u64, last_outbound_at: Option<u64>, now_ms: u64, limit_ms: u64) -> bool {
    let answered = last_outbound_at.is_some_and(|out| out >= last_inbound_at);
    !answered && now_ms >= last_inbound_at.saturating_add(limit_ms)
}

/// The escalation for a contact waiting on staff in a held conversation. `HumanRequested`: the
/// turn of a held conversation raises none of its own, so the message has no other.
pub fn overdue_escalation(contact: &str, limit_ms: u64) -> EscalationRequest {
    let minutes = limit_ms / 60_000;
    EscalationRequest {
        reason: Reason::HumanRequested,
        summary: format!("{contact} has waited more than {minutes} min for a staff reply in a conversation taken over"),
        detail: serde_json::json!({ "staff_reply_overdue": true, "limit_minutes": minutes }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_defaults_to_five_minutes_and_is_bounded() {
        let settings = HandoffSettings::default();
        assert_eq!(settings.staff_reply_ms(), 5 * 60_000);
        assert!(settings.validate().is_empty());
        assert_eq!(HandoffSettings { staff_reply_minutes: Some(0) }.validate().len(), 1);
        assert_eq!(HandoffSettings { staff_reply_minutes: Some(2000) }.validate().len(), 1);
        assert_eq!(HandoffSettings { staff_reply_minutes: Some(2) }.staff_reply_ms(), 120_000);
    }

    #[test]
    fn only_a_free_conversation_or_ones_own_can_be_taken() {
        assert!(may_take(None, "user:usr_a"));
        assert!(may_take(Some("user:usr_a"), "user:usr_a"));
        assert!(!may_take(Some("user:usr_b"), "user:usr_a"));
    }

    #[test]
    fn a_message_waits_too_long_only_when_unanswered_past_the_limit() {
        let limit = 5 * 60_000;
        assert!(!reply_overdue(1_000, None, 1_000 + limit - 1, limit));
        assert!(reply_overdue(1_000, None, 1_000 + limit, limit));
        assert!(reply_overdue(1_000, Some(500), 1_000 + limit, limit), "a reply before the message does not count");
        assert!(!reply_overdue(1_000, Some(2_000), 1_000 + limit, limit));
    }

    #[test]
    fn the_escalation_says_who_waits_and_how_long() {
        let e = overdue_escalation("+447700900123", 5 * 60_000);
        assert_eq!(e.reason, Reason::HumanRequested);
        assert!(e.summary.contains("+447700900123") && e.summary.contains("5 min"), "{}", e.summary);
    }
}
