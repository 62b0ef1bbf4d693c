//! A contact's thread on one channel, as its `ConversationDO` keeps it between turns: which
//! contact and open conversation it maps to, and the provider events it already answered.
//!
//! Conversation windowing: a message continues the contact's open conversation on the same
//! channel if that conversation saw a message within [`REUSE_WINDOW_MS`], else a new one opens.

use crate::brain::Reply;
use crate::dialogue::DialogueState;
use crate::lead::LeadFields;
use crate::records::{Contact, Conversation};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// 24 hours: the span over which a customer expects to be "in the same chat" (and WhatsApp's
/// customer-service window, so a conversation never straddles two Meta sessions).
pub const REUSE_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// Answered events remembered per thread. Providers redeliver the last few messages, not
/// hundreds; older duplicates still hit the D1 ledger, which answers them the same way.
pub const REMEMBERED_EVENTS: usize = 64;

/// The earliest `last_message_at` a conversation may have and still be continued at `now_ms`.
pub fn reuse_cutoff(now_ms: u64) -> u64 {
    now_ms.saturating_sub(REUSE_WINDOW_MS)
}

/// What the thread knows, as last written to D1 by this object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadState {
    /// Loaded from D1 once; `None` until then.
    pub known: Option<Known>,
    /// (provider event id, the answer sent), newest last.
    pub answered: VecDeque<(String, String)>,
    /// Replies in a row that could not place what the contact wanted (repeated confusion).
    /// Memory only: after an eviction the count starts again, which errs towards not
    /// escalating a conversation that may have moved on.
    #[serde(default)]
    pub unclear_streak: u8,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Known {
    pub contact: Option<Contact>,
    /// The most recent open conversation on this channel.
    pub conversation: Option<Conversation>,
    /// What qualification knows about the contact: loaded with the thread, then kept up to date
    /// by this object's own turns (the lead job writes the same merge to D1).
    #[serde(default)]
    pub lead: LeadFields,
    /// A known contact's story so far (`lead::history_summary`), as of the thread's first turn.
    #[serde(default)]
    pub history: Option<String>,
    /// What the conversation has established (shared with the contact's other channels).
    #[serde(default)]
    pub dialogue: DialogueState,
}

/// How the next message relates to what came before, for the brain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Continuity {
    pub returning_contact: bool,
    pub new_conversation: bool,
}

impl ThreadState {
    /// The answer already given to `event_id`, if this thread answered it.
    pub fn answer_for(&self, event_id: &str) -> Option<&str> {
        self.answered.iter().find(|(id, _)| id == event_id).map(|(_, answer)| answer.as_str())
    }

    /// What Frontdesk said last in this thread (the reply to the newest answered event).
    pub fn last_reply(&self) -> Option<String> {
        self.answered.back().and_then(|(_, answer)| crate::inbound::reply_from_ledger(answer))
    }

    /// Whether a message at `now_ms` comes from a known contact and continues a conversation.
    /// The D1 write decides the same way (same cutoff), so the two agree.
    pub fn continuity(&self, now_ms: u64) -> Continuity {
        let known = self.known.as_ref();
        let continues = known
            .and_then(|k| k.conversation.as_ref())
            .is_some_and(|c| c.status == "open" && c.last_message_at >= reuse_cutoff(now_ms));
        Continuity { returning_contact: known.is_some_and(|k| k.contact.is_some()), new_conversation: !continues }
    }

    /// What qualification knows so far.
    pub fn lead(&self) -> LeadFields {
        self.known.as_ref().map(|k| k.lead.clone()).unwrap_or_default()
    }

    /// Takes in what a reply learnt: its fields, and whether it was another one that could not
    /// place the message (a hand-over to a person starts the count again).
    pub fn learn(&mut self, reply: &Reply, message_id: &str, at: u64) {
        self.unclear_streak = match (reply.unclear, &reply.escalation) {
            (_, Some(_)) | (false, _) => 0,
            (true, None) => self.unclear_streak.saturating_add(1),
        };
        if let Some(known) = self.known.as_mut() {
            known.lead.merge(&reply.slots, message_id, at);
            if let Some(dialogue) = &reply.dialogue {
                known.dialogue = dialogue.clone();
            }
        }
    }

    /// Records an answered event and, for a turn this thread ran itself, what D1 now holds. An
    /// event someone else answered (`Claim::Done`) brings no rows: they are that claim's, which
    /// may belong to another contact, and installing them would greet this contact by the other
    /// one's name.
    pub fn remember(&mut self, event_id: &str, answer: &str, rows: Option<(Contact, Conversation)>) {
        if let Some((contact, conversation)) = rows {
            let (lead, history) = (self.lead(), self.known.as_ref().and_then(|k| k.history.clone()));
            let dialogue = self.known.as_ref().map(|k| k.dialogue.clone()).unwrap_or_default();
            self.known =
                Some(Known { contact: Some(contact), conversation: Some(conversation), lead, history, dialogue });
        }
        self.answered.push_back((event_id.to_owned(), answer.to_owned()));
        while self.answered.len() > REMEMBERED_EVENTS {
            self.answered.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 60 * 60 * 1000;

    fn contact() -> Contact {
        Contact {
            id: "con_1".into(),
            phone: Some("+447700900123".into()),
            email: None,
            name: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn conversation(last_message_at: u64) -> Conversation {
        Conversation {
            id: "cnv_1".into(),
            contact_id: "con_1".into(),
            channel: "sms".into(),
            status: "open".into(),
            started_at: 0,
            last_message_at,
        }
    }

    #[test]
    fn an_unknown_number_is_new_on_both_counts() {
        let cold = ThreadState { known: Some(Known::default()), ..Default::default() };
        assert_eq!(cold.continuity(10 * HOUR), Continuity { returning_contact: false, new_conversation: true });
    }

    #[test]
    fn continues_within_24_hours_and_starts_over_after() {
        let mut s = ThreadState::default();
        s.remember("SM1", "<x/>", Some((contact(), conversation(HOUR))));
        assert_eq!(s.continuity(HOUR + 24 * HOUR), Continuity { returning_contact: true, new_conversation: false });
        assert_eq!(s.continuity(HOUR + 24 * HOUR + 1), Continuity { returning_contact: true, new_conversation: true });
        let mut closed = conversation(HOUR);
        closed.status = "closed".into();
        s.remember("SM2", "<y/>", Some((contact(), closed)));
        assert!(s.continuity(2 * HOUR).new_conversation);
    }

    #[test]
    fn an_answer_from_another_claim_brings_no_rows() {
        let mut s = ThreadState::default();
        s.remember("SM1", "<x/>", Some((contact(), conversation(HOUR))));
        s.remember("SM2", "<y/>", None);
        assert_eq!(s.known.as_ref().and_then(|k| k.contact.as_ref()).map(|c| c.id.as_str()), Some("con_1"));
        assert_eq!(s.answer_for("SM2"), Some("<y/>"));
        let mut cold = ThreadState::default();
        cold.remember("SM3", "<z/>", None);
        assert!(cold.known.is_none(), "still to be loaded from D1");
    }

    #[test]
    fn remembers_a_bounded_number_of_answers() {
        let mut s = ThreadState::default();
        for i in 0..(REMEMBERED_EVENTS + 5) {
            s.remember(&format!("SM{i}"), &format!("a{i}"), Some((contact(), conversation(0))));
        }
        assert_eq!(s.answered.len(), REMEMBERED_EVENTS);
        assert_eq!(s.answer_for("SM4"), None, "oldest forgotten");
        assert_eq!(
            s.answer_for(&format!("SM{}", REMEMBERED_EVENTS + 4)),
            Some(&*format!("a{}", REMEMBERED_EVENTS + 4))
        );
    }
}
