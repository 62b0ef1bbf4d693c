//! What a turn needs from storage, as a port (docs/STORAGE.md "Exactly-once inbound").
//!
//! [`TurnStore`] is written by two backends with the same rules: D1
//! (`durable-objects/src/thread_store.rs`, one SQL batch per call) and [`memory::MemoryStore`]
//! (the same steps over in-memory tables, for host tests). Each write call is all-or-nothing:
//! it claims the provider event (or finds it claimed), writes only while this request's claim
//! holds the event, and reads back what storage then holds for it as a [`Written`].
//!
//! The rules both backends share live in one place each: whether a claim may be taken over
//! ([`crate::webhook::can_take_over`]), how a read-back row becomes a [`Claim`] and the turn's
//! rows ([`ReadBack::into_written`]), what a thread knows ([`KnownRow::into_known`]), the
//! conversation window ([`crate::conversation::reuse_cutoff`]) and the month usage is charged
//! to ([`usage_month`]).

pub mod memory;
#[cfg(test)]
mod tests;

use crate::brain::EscalationRequest;
use crate::conversation::Known;
use crate::inbound::InboundTurn;
use crate::jobs::Job;
use crate::lead::{history_summary, LeadFields, Status};
use crate::llm::Usage;
use crate::records::{Contact, Conversation, Message};
use crate::webhook::Claim;
use serde::Deserialize;
use std::fmt;

/// Storage failed (unreachable, a constraint, an injected fault): nothing of the call is known
/// to be stored, so the turn is retried (`Job::RetryTurn`). The text is the backend's, for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(String);

impl StoreError {
    pub fn new(cause: impl fmt::Display) -> Self {
        Self(cause.to_string())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// A turn's reads and writes. Futures are not `Send`: the Worker's runtime is single-threaded,
/// and so is every test of the in-memory backend.
#[allow(async_fn_in_trait)]
pub trait TurnStore {
    /// The contact with the turn's key and their latest open conversation on its channel.
    async fn load_known(&self, turn: &InboundTurn) -> Result<Known, StoreError>;

    /// Phase one of a turn whose answer needs a remote call (an LLM): claim the event and store
    /// the message, so it is kept whatever the remote service does. `None`: the message is not
    /// stored (another request holds the claim and has stored nothing yet).
    async fn store_inbound(&self, turn: &InboundTurn, ids: &NewIds) -> Result<Option<Written>, StoreError>;

    /// Phase two: the reply, escalation, job intents and outbox rows, and the ledger's answer,
    /// still under this request's claim, with the LLM tokens (`(month, usage)`) charged in the
    /// same transaction.
    async fn store_reply(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
        reply: &ReplyToStore<'_>,
        jobs: &[Job],
        usage: Option<(&str, &Usage)>,
    ) -> Result<Option<Written>, StoreError>;

    /// Both phases in one transaction: the rules brain answers in memory, so nothing remote
    /// runs between storing the message and its reply.
    async fn write_turn(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
        reply: &ReplyToStore<'_>,
        jobs: &[Job],
    ) -> Result<Option<Written>, StoreError>;

    /// The ledger's answer for this turn's event, once whoever holds its claim finished it.
    async fn ledger_response(&self, turn: &InboundTurn) -> Result<Option<String>, StoreError>;

    /// Tokens this tenant's LLM turns have spent in `month` ([`usage_month`]).
    async fn month_usage(&self, tenant_id: &str, month: &str) -> Result<u64, StoreError>;
}

/// Fresh ids for whatever this turn may create; `claim` is this request's claim token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIds {
    pub claim: String,
    pub escalation: String,
    pub contact: String,
    pub conversation: String,
    pub inbound: String,
    pub reply: String,
}

/// The reply as the brain produced it.
#[derive(Debug, Clone, Copy)]
pub struct ReplyToStore<'a> {
    pub text: Option<&'a str>,
    pub at: u64,
    /// `webhook_events.response` (`inbound::ledger_answer`).
    pub ledger_answer: &'a str,
    pub escalation: Option<&'a EscalationRequest>,
    /// The dialogue state the reply leaves (`dialogue::DialogueState` JSON).
    pub dialogue: Option<&'a str>,
    /// A name the contact told us in this message: it becomes the contact's name.
    pub told_name: Option<&'a str>,
    /// A question nothing we know answered, for the knowledge base's unanswered list.
    pub unanswered: Option<&'a str>,
    /// A maintenance ticket the message opens (on the stored message's contact and conversation).
    pub ticket: Option<&'a crate::tickets::NewTicket>,
    /// The message opted out ("STOP"): the contact's saved searches stop with it.
    pub opted_out: bool,
    /// Listings the turn's acts showed interest in (`Done::interest`), recorded on the stored
    /// message's contact with the turn, rather than one round trip each while acting.
    pub interest: &'a [(&'a str, crate::listings::InterestLevel)],
}

/// What storage holds for the event after a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub claim: Claim,
    pub contact: Contact,
    pub conversation: Conversation,
    pub inbound: Message,
    /// This request's reply, if it stored one (never another claim's).
    pub reply: Option<Message>,
    /// The id of the escalation this request raised, if any.
    pub escalation_id: Option<String>,
}

/// The month LLM usage is charged to (`llm_usage.month`): the tenant's local calendar month.
pub fn usage_month(turn: &InboundTurn) -> String {
    crate::plan::usage::month_key(turn.local_time.date)
}

/// The contact a thread is keyed on, with their latest open conversation on the channel, lead
/// and open escalations: one row (D1 column names).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KnownRow {
    pub id: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
    pub conversation_id: Option<String>,
    pub conversation_status: Option<String>,
    pub started_at: Option<u64>,
    pub last_message_at: Option<u64>,
    /// `leads.fields` JSON.
    pub lead_fields: Option<String>,
    pub lead_status: Option<String>,
    /// The intent of the last message the lead job saw (`leads.signals`).
    pub last_intent: Option<String>,
    pub open_escalations: u32,
    /// `dialogue_states.state` JSON.
    #[serde(default)]
    pub dialogue: Option<String>,
}

impl KnownRow {
    /// What the thread knows about this contact on `channel`.
    pub fn into_known(self, channel: &str) -> Known {
        let conversation = match (self.conversation_id, self.started_at, self.last_message_at) {
            (Some(id), Some(started_at), Some(last_message_at)) => Some(Conversation {
                id,
                contact_id: self.id.clone(),
                channel: channel.to_owned(),
                status: self.conversation_status.unwrap_or_else(|| "open".into()),
                started_at,
                last_message_at,
            }),
            _ => None,
        };
        // An unreadable stored lead only means the questions start again; the turn goes on.
        let lead: LeadFields =
            self.lead_fields.as_deref().and_then(|f| serde_json::from_str(f).ok()).unwrap_or_default();
        let status = self.lead_status.as_deref().and_then(Status::parse).unwrap_or(Status::New);
        let last_intent = self.last_intent.and_then(|i| serde_json::from_value(serde_json::Value::String(i)).ok());
        let history = history_summary(self.name.as_deref(), status, &lead, last_intent, self.open_escalations);
        // An unreadable state, like an unreadable lead, only means the dialogue starts afresh.
        let dialogue = self.dialogue.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
        Known {
            lead,
            dialogue,
            history: Some(history),
            contact: Some(Contact {
                id: self.id,
                phone: self.phone,
                email: self.email,
                name: self.name,
                created_at: self.created_at,
                updated_at: self.updated_at,
            }),
            conversation,
        }
    }
}

/// The read-back after a write call (D1 column names): the event's ledger row; the stored
/// inbound message (whoever stored it) with its contact and conversation; and this request's
/// reply and escalation, present only while this request holds the claim.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReadBack {
    pub claim_id: String,
    pub claim_status: String,
    pub response: Option<String>,
    pub contact_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub contact_created_at: Option<u64>,
    pub contact_updated_at: Option<u64>,
    pub conversation_id: Option<String>,
    pub conversation_status: Option<String>,
    pub started_at: Option<u64>,
    pub last_message_at: Option<u64>,
    pub inbound_id: Option<String>,
    pub inbound_at: Option<u64>,
    pub reply_id: Option<String>,
    pub reply_body: Option<String>,
    pub reply_at: Option<u64>,
    pub reply_status: Option<String>,
    pub escalation_id: Option<String>,
}

impl ReadBack {
    /// The claim as seen by the request holding `my_claim`, with the rows; `None` if the
    /// inbound message is not there (an in-flight claim held by another request, which stored
    /// nothing yet).
    pub fn into_written(self, turn: &InboundTurn, my_claim: &str) -> Option<Written> {
        let claim = Claim::from_row(my_claim, &self.claim_id, &self.claim_status, self.response);
        let contact_id = self.contact_id?;
        let conversation_id = self.conversation_id?;
        let channel = turn.channel.as_str().to_owned();
        let reply = match (self.reply_id, self.reply_body, self.reply_at) {
            (Some(id), Some(body), Some(created_at)) => Some(Message {
                id,
                conversation_id: conversation_id.clone(),
                contact_id: contact_id.clone(),
                direction: "outbound".into(),
                channel: channel.clone(),
                body,
                provider_message_id: None,
                status: self.reply_status.unwrap_or_else(|| turn.reply_status().into()),
                created_at,
                error: None,
                first_token_ms: None,
                last_token_ms: None,
            }),
            _ => None,
        };
        Some(Written {
            claim,
            contact: Contact {
                id: contact_id.clone(),
                phone: self.phone,
                email: self.email,
                name: self.name,
                created_at: self.contact_created_at?,
                updated_at: self.contact_updated_at?,
            },
            conversation: Conversation {
                id: conversation_id.clone(),
                contact_id: contact_id.clone(),
                channel,
                status: self.conversation_status?,
                started_at: self.started_at?,
                last_message_at: self.last_message_at?,
            },
            inbound: Message {
                id: self.inbound_id?,
                conversation_id,
                contact_id,
                direction: "inbound".into(),
                channel: turn.inbound_channel().to_owned(),
                body: turn.body.clone(),
                provider_message_id: Some(turn.provider_message_id.clone()),
                status: turn.inbound_status().to_owned(),
                created_at: self.inbound_at?,
                error: None,
                first_token_ms: None,
                last_token_ms: None,
            },
            reply,
            escalation_id: self.escalation_id,
        })
    }
}
