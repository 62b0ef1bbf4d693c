//! What a conversation has established so far, kept per contact across turns and channels:
//! the goal they came for, the booking details they gave, the question we last asked (and how
//! often), what we already answered and promised, whether we used their name.
//!
//! The brain reads it to answer first and ask at most one useful question; the turn writes the
//! state the reply leaves behind ([`DialogueState::after_reply`]) with the reply, in the same
//! D1 batch, so it survives evictions and is shared by every channel the contact uses. Facts
//! about the lead themselves (area, budget, name…) stay in `lead::LeadFields`, each with its
//! source message; the state holds only what the dialogue needs on top.

mod goal;

pub use goal::{Goal, GoalKind};

use crate::brain::understand::{Intent, Slot, SlotValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A question is asked at most this many times in a row (the second time in other words);
/// after that it is dropped for the rest of the conversation.
pub const MAX_ASKS: u8 = 2;

/// Promises kept (newest last): enough for "any news?" without growing without bound.
const MAX_PROMISES: usize = 8;
/// Topics remembered as answered in one conversation.
const MAX_ANSWERED: usize = 32;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DialogueState {
    /// What the contact is trying to get done; survives across conversations until replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Goal>,
    /// What we said someone would do ("confirm a viewing of 14 Elm Road on Friday at 10:00").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promised: Vec<Promise>,
    /// What they told us, each with the message it came from: the same facts the lead job
    /// records, but written with the turn, so the next message — on any channel, seconds later —
    /// never asks for them again while the lead job is still on the queue.
    #[serde(default, skip_serializing_if = "crate::lead::LeadFields::is_empty")]
    pub slots: crate::lead::LeadFields,
    /// The listing the conversation is about ("the flat on Elm Road"), once one is identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<ListingRef>,
    /// The booking made in this dialogue, so "can I move it?" and "cancel it" know which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<BookingRef>,
    /// The rest is about the current conversation only and starts over with the next one.
    #[serde(default)]
    pub current: ConversationState,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationState {
    /// The question our last reply asked, and how many replies in a row asked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<Asked>,
    /// Questions asked [`MAX_ASKS`] times without an answer: not asked again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<Slot>,
    /// What this conversation already answered: `hours`, a knowledge chunk id, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answered: Vec<String>,
    /// Questions we could not answer and passed to the team in this conversation.
    #[serde(default)]
    pub unanswered: u8,
    /// We addressed them by name in this conversation (once is warm; every message is not).
    #[serde(default)]
    pub name_used: bool,
    /// Our last reply, so the next one is never the same words again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reply: Option<String>,
    /// They said goodbye; a later message reopens it.
    #[serde(default)]
    pub closed: bool,
    /// The times our last reply offered, so "11:30 please" books the one they mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offered: Vec<OfferedSlot>,
    /// The stay our last reply offered instead (check-in, check-out `YYYY-MM-DD`): "yes" books it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_stay: Option<(String, String)>,
    /// The saved search our last reply offered ("Shall I text you when one comes up?"): "yes"
    /// saves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_alert: Option<crate::listings::saved::Criteria>,
}

/// A listing as the dialogue remembers it: enough to name it back and to book it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingRef {
    pub id: String,
    /// How the reply names it: "the flat on Elm Road".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRef {
    pub id: String,
    /// What was booked, in words: "a viewing of the flat on Elm Road on Tue 1 Dec at 11:30".
    pub label: String,
    /// Its local date (`YYYY-MM-DD`): "move it to 15:00" means that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedSlot {
    pub start_ms: u64,
    pub end_ms: u64,
    /// The local date and time offered, `YYYY-MM-DD` and `HH:MM`: what "Tuesday", "11:30" match.
    pub date: String,
    pub time: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    pub slot: Slot,
    pub times: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    /// What the team will do, in words the contact can be told back.
    pub what: String,
    /// When it was promised (ms since the epoch).
    pub at: u64,
    /// A booking for the team to confirm: kept only until the calendar makes one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub booking: bool,
}

/// What a reply did, for the state it leaves behind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplyActs {
    /// The question the reply ends with, if it asks one.
    pub asked: Option<Slot>,
    pub answered: Vec<String>,
    pub promised: Option<String>,
    /// The promise is a booking for the team to confirm.
    pub promised_booking: bool,
    /// A question they said they have no preference on ("anywhere really"): not asked again.
    pub waived: Option<Slot>,
    pub unanswered: bool,
    pub name_used: bool,
    pub closed: bool,
    pub goal: Option<Goal>,
    /// The listing the reply was about, the booking it made or changed (None: unchanged), and
    /// the times it offered (replacing the last offer).
    pub listing: Option<ListingRef>,
    pub booking: Option<Option<BookingRef>>,
    pub offered: Vec<OfferedSlot>,
    pub offered_stay: Option<(String, String)>,
    pub offered_alert: Option<crate::listings::saved::Criteria>,
}

impl DialogueState {
    /// The state as a new conversation starts: the goal and promises carry over, the rest does not.
    pub fn for_new_conversation(&self) -> DialogueState {
        DialogueState {
            goal: self.goal.clone(),
            promised: self.promised.clone(),
            slots: self.slots.clone(),
            listing: self.listing.clone(),
            booking: self.booking.clone(),
            current: Default::default(),
        }
    }

    /// How many replies in a row have asked for `slot` (0 if the last one did not).
    pub fn times_asked(&self, slot: Slot) -> u8 {
        self.current.asked.as_ref().filter(|a| a.slot == slot).map_or(0, |a| a.times)
    }

    pub fn was_answered(&self, topic: &str) -> bool {
        self.current.answered.iter().any(|t| t == topic)
    }

    pub fn is_dropped(&self, slot: Slot) -> bool {
        self.current.dropped.contains(&slot)
    }

    /// The state after a reply from a brain that does not track the dialogue itself (an LLM):
    /// the goal the message announced and the words sent, so the next turn — whichever brain
    /// takes it — never repeats them; plus the listing, booking and offers `acted` (its acts)
    /// left.
    pub fn observe(
        &self,
        new_conversation: bool,
        intent: Intent,
        slots: &BTreeMap<Slot, SlotValue>,
        reply: Option<&str>,
        at: u64,
        acted: ReplyActs,
    ) -> DialogueState {
        let base = if new_conversation { self.for_new_conversation() } else { self.clone() };
        let acts = ReplyActs { goal: Goal::updated(self.goal.as_ref(), intent, slots), ..acted };
        base.after_reply(reply, &acts, at)
    }

    /// The state after `reply` (as sent) did `acts`. A question asked again counts up; one
    /// left unanswered [`MAX_ASKS`] times is dropped; a question not asked clears the count.
    pub fn after_reply(&self, reply: Option<&str>, acts: &ReplyActs, at: u64) -> DialogueState {
        let mut next = self.clone();
        let current = &mut next.current;
        if let Some(previous) = self.current.asked.as_ref().filter(|a| Some(a.slot) != acts.asked) {
            // The last question got no answer if it is still open and we moved on without it:
            // the brain only moves on once it is answered or dropped.
            if previous.times >= MAX_ASKS && !current.dropped.contains(&previous.slot) {
                current.dropped.push(previous.slot);
            }
        }
        if let Some(slot) = acts.waived.filter(|s| !current.dropped.contains(s)) {
            current.dropped.push(slot);
        }
        current.asked = acts.asked.map(|slot| Asked { slot, times: self.times_asked(slot).saturating_add(1) });
        if let Some(asked) = current.asked.as_ref().filter(|a| a.times >= MAX_ASKS) {
            // Asked twice now: whatever comes next, it is not asked a third time.
            if !current.dropped.contains(&asked.slot) {
                current.dropped.push(asked.slot);
            }
        }
        for topic in &acts.answered {
            if !current.answered.contains(topic) {
                current.answered.push(topic.clone());
            }
        }
        if current.answered.len() > MAX_ANSWERED {
            let excess = current.answered.len() - MAX_ANSWERED;
            current.answered.drain(..excess);
        }
        current.unanswered = current.unanswered.saturating_add(u8::from(acts.unanswered));
        current.name_used |= acts.name_used;
        current.closed = acts.closed;
        if let Some(reply) = reply {
            current.last_reply = Some(reply.to_owned());
        }
        if let Some(goal) = &acts.goal {
            next.goal = Some(goal.clone());
        }
        next.current.offered = acts.offered.clone();
        next.current.offered_stay = acts.offered_stay.clone();
        next.current.offered_alert = acts.offered_alert.clone();
        if let Some(listing) = &acts.listing {
            next.listing = Some(listing.clone());
        }
        if let Some(booking) = &acts.booking {
            // The calendar booked it: no booking left for the team to confirm.
            if booking.is_some() {
                next.promised.retain(|p| !p.booking);
            }
            next.booking = booking.clone();
        }
        if let Some(what) = &acts.promised {
            if !next.promised.iter().any(|p| &p.what == what) {
                next.promised.push(Promise { what: what.clone(), at, booking: acts.promised_booking });
            }
            if next.promised.len() > MAX_PROMISES {
                next.promised.remove(0);
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(slot: Slot) -> ReplyActs {
        ReplyActs { asked: Some(slot), ..Default::default() }
    }

    #[test]
    fn a_question_is_asked_twice_at_most_then_dropped() {
        let s = DialogueState::default();
        let once = s.after_reply(Some("Which area?"), &asking(Slot::Area), 1);
        assert_eq!(once.times_asked(Slot::Area), 1);
        assert!(!once.is_dropped(Slot::Area));
        let twice = once.after_reply(Some("Where are you hoping to live?"), &asking(Slot::Area), 2);
        assert_eq!(twice.times_asked(Slot::Area), 2);
        assert!(twice.is_dropped(Slot::Area), "not asked a third time");
        let moved_on = twice.after_reply(Some("How many bedrooms?"), &asking(Slot::Beds), 3);
        assert_eq!((moved_on.times_asked(Slot::Area), moved_on.times_asked(Slot::Beds)), (0, 1));
        assert!(moved_on.is_dropped(Slot::Area));
    }

    #[test]
    fn a_new_conversation_keeps_the_goal_and_promises_only() {
        let acts = ReplyActs {
            asked: Some(Slot::Name),
            answered: vec!["hours".into()],
            promised: Some("confirm a viewing".into()),
            name_used: true,
            goal: Some(Goal::new(GoalKind::Viewing)),
            ..Default::default()
        };
        let s = DialogueState::default().after_reply(Some("x"), &acts, 5);
        assert!(s.was_answered("hours") && s.current.name_used);
        let fresh = s.for_new_conversation();
        assert_eq!(fresh.goal.as_ref().map(|g| g.kind), Some(GoalKind::Viewing));
        assert_eq!(fresh.promised.len(), 1);
        assert!(!fresh.was_answered("hours") && !fresh.current.name_used && fresh.current.last_reply.is_none());
    }

    #[test]
    fn a_promise_is_kept_once_and_old_ones_make_room() {
        let acts = |what: &str| ReplyActs { promised: Some(what.into()), ..Default::default() };
        let mut s = DialogueState::default().after_reply(None, &acts("a"), 1).after_reply(None, &acts("a"), 2);
        assert_eq!(s.promised.len(), 1);
        for i in 0..20 {
            s = s.after_reply(None, &acts(&format!("p{i}")), i);
        }
        assert_eq!(s.promised.len(), MAX_PROMISES);
        assert_eq!(s.promised.last().map(|p| p.what.as_str()), Some("p19"));
    }

    #[test]
    fn a_booking_the_calendar_made_ends_the_promise_to_confirm_one() {
        let promise = ReplyActs {
            promised: Some("a viewing of Elm Road on Wed 2 Dec".into()),
            promised_booking: true,
            ..Default::default()
        };
        let shortlist = ReplyActs { promised: Some("a shortlist".into()), ..Default::default() };
        let s = DialogueState::default().after_reply(None, &shortlist, 1).after_reply(None, &promise, 2);
        assert_eq!(s.promised.len(), 2);
        let booked = ReplyActs {
            booking: Some(Some(BookingRef { id: "bkg_1".into(), label: "your viewing".into(), date: None })),
            ..Default::default()
        };
        let s = s.after_reply(None, &booked, 3);
        assert_eq!(s.promised.iter().map(|p| p.what.as_str()).collect::<Vec<_>>(), ["a shortlist"]);
    }

    #[test]
    fn the_state_round_trips_through_json_and_reads_old_rows() {
        let s = DialogueState::default().after_reply(Some("Hi"), &asking(Slot::Area), 1);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<DialogueState>(&json).unwrap(), s);
        assert_eq!(serde_json::from_str::<DialogueState>("{}").unwrap(), DialogueState::default());
    }
}
