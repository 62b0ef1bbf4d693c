//! The brain answers one turn. [`Brain`] is the seam the LLM brains plug into; the embedded
//! [`rules::RulesBrain`] is the default and works with no network and no key.

pub mod act;
pub(crate) mod acted;
mod acted_words;
mod compose;
mod grounding;
mod intake;
pub mod persona;
pub mod phrases;
mod questions;
pub mod rules;
pub mod simulate;
pub mod tone;
pub mod understand;

use crate::channel::Channel;
use crate::dialogue::DialogueState;
use crate::kb::Passage;
use crate::lead::LeadFields;
use crate::tenant::{LocalTime, Settings};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use understand::{Language, Slot, SlotValue, Urgency};

/// Everything a brain may use to answer one inbound message. Owned and serialisable because
/// the Worker hands it to the conversation's Durable Object, which runs the turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub business_name: String,
    pub settings: Settings,
    pub local_time: LocalTime,
    pub channel: Channel,
    pub contact_name: Option<String>,
    /// The contact had written before this conversation started.
    pub returning_contact: bool,
    /// This message opened a new conversation.
    pub new_conversation: bool,
    /// What Frontdesk said last in this thread: it types bare answers ("What day?" → "Friday").
    pub system_before: Option<String>,
    /// The contact called and nobody answered; `text` is empty.
    pub missed_call: bool,
    pub text: String,
    /// What qualification has learnt about this contact so far (the next question follows it).
    #[serde(default)]
    pub lead: LeadFields,
    /// A returning contact's story so far, for brains that can use prose (LLMs).
    #[serde(default)]
    pub history_summary: Option<String>,
    /// How many replies in a row before this one could not place what the contact wanted.
    #[serde(default)]
    pub unclear_streak: u8,
    /// What the conversation has established (goal, last question, answers, promises).
    #[serde(default)]
    pub dialogue: DialogueState,
    /// The business's own knowledge most relevant to this message, best first.
    #[serde(default)]
    pub knowledge: Vec<Passage>,
    /// Now (ms since the epoch): with `local_time`, the tenant's offset for times they name.
    #[serde(default)]
    pub now_ms: u64,
    /// The message came from the business's website form (its reply travels by email, SMS or
    /// WhatsApp): the `form` persona answers it.
    #[serde(default)]
    pub from_form: bool,
    /// What this turn's acts (listing lookups, availability, bookings) found, in order.
    #[serde(skip)]
    pub acts: act::Done,
}

/// What the turn understood (the full receptionist intent set).
pub use understand::Intent;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// `None` means acknowledge without answering (e.g. an opt-out the carrier confirms).
    pub text: Option<String>,
    pub intent: Intent,
    /// A human must handle this; raised in the same turn, with the message that caused it.
    pub escalation: Option<EscalationRequest>,
    pub language: Language,
    /// What the message said about the lead, each value with the words it came from.
    pub slots: BTreeMap<Slot, SlotValue>,
    pub urgency: Urgency,
    /// The brain could not place what the contact wanted (counts towards repeated confusion).
    pub unclear: bool,
    /// The dialogue state this reply leaves; `None` when the brain did not track it (the
    /// turn then derives it, [`DialogueState::observe`]).
    #[serde(default)]
    pub dialogue: Option<DialogueState>,
    /// A question the brain could not answer from what it knows: logged for the team.
    #[serde(default)]
    pub unanswered: Option<String>,
    /// A maintenance ticket to open with the turn (`tickets::from_turn`).
    #[serde(default)]
    pub ticket: Option<crate::tickets::NewTicket>,
}

/// Why a turn hands over to a human, with what the team needs to act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRequest {
    pub reason: crate::escalation::Reason,
    /// One line for the escalation queue.
    pub summary: String,
    /// Machine-readable context, e.g. `{"emergency":"flood"}`.
    pub detail: String,
}

impl Reply {
    /// No answer and nothing understood: for events that are recorded, not answered.
    pub fn silent() -> Self {
        Reply {
            text: None,
            intent: Intent::GeneralEnquiry,
            escalation: None,
            language: Language::En,
            slots: BTreeMap::new(),
            urgency: Urgency::Normal,
            unclear: false,
            dialogue: None,
            unanswered: None,
            ticket: None,
        }
    }
}

pub trait Brain {
    fn respond(&self, turn: &Turn) -> Reply;
}
