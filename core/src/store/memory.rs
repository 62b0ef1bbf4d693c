//! [`TurnStore`] over in-memory tables: the D1 batch's steps, statement by statement, so the
//! ledger's rules (claim, duplicate, stale takeover, fenced writes) run in `cargo test`.
//!
//! A call works on a copy of the tables and swaps it in at the end, as D1 commits a batch or
//! nothing. Rows are only what the rules need: plain `Vec`s searched by the same keys as the
//! D1 unique indexes. [`MemoryStore::fail_next_write`] makes the next write call fail before
//! anything is applied (D1 unreachable, the batch rejected).

use super::{KnownRow, NewIds, ReadBack, ReplyToStore, StoreError, TurnStore, Written};
use crate::conversation::{reuse_cutoff, Known};
use crate::escalation::Priority;
use crate::inbound::InboundTurn;
use crate::jobs::Job;
use crate::llm::Usage;
use crate::records::{Contact, Conversation, Message};
use crate::webhook::can_take_over;
use std::cell::{Cell, RefCell};

/// `webhook_events`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub tenant_id: String,
    pub provider: String,
    pub event_id: String,
    pub status: String,
    pub claim_id: String,
    /// When the current claim was taken.
    pub received_at: u64,
    pub response: Option<String>,
    /// The turn's JSON while `processing`.
    pub turn: Option<String>,
    pub attempts: u32,
}

/// `contacts`: the record plus the column a chat visitor is keyed on.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub tenant_id: String,
    pub visitor: Option<String>,
    pub contact: Contact,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRow {
    pub tenant_id: String,
    pub conversation: Conversation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub tenant_id: String,
    /// `messages.media` JSON.
    pub media: Option<String>,
    pub message: Message,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EscalationRow {
    pub tenant_id: String,
    pub id: String,
    pub contact_id: String,
    pub conversation_id: String,
    pub message_id: String,
    pub reason: String,
    pub priority: String,
    pub status: String,
    pub summary: String,
    pub detail: String,
    pub created_at: u64,
    pub paged_at: Option<u64>,
}

/// `job_intents`.
#[derive(Debug, Clone, PartialEq)]
pub struct IntentRow {
    pub tenant_id: String,
    pub dedupe_key: String,
    pub job: Job,
    pub status: String,
    pub created_at: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: String,
    pub tenant_id: String,
    pub message_id: Option<String>,
    pub channel: String,
    pub recipient: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub dedupe_key: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
    pub tenant_id: String,
    pub month: String,
    pub usage: Usage,
    pub calls: u64,
}

/// Everything the store holds. Tests read it through [`MemoryStore::tables`] and may edit it
/// through [`MemoryStore::edit`] (a claim marked `failed`, as the sweeper does).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    pub webhook_events: Vec<EventRow>,
    pub contacts: Vec<ContactRow>,
    pub conversations: Vec<ConversationRow>,
    pub messages: Vec<MessageRow>,
    pub escalations: Vec<EscalationRow>,
    pub job_intents: Vec<IntentRow>,
    pub outbox: Vec<OutboxRow>,
    pub llm_usage: Vec<UsageRow>,
}

#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: RefCell<Tables>,
    fail_next: Cell<bool>,
    /// Outbox ids: the D1 backend draws them at random; here a counter keeps tests repeatable.
    outbox_ids: Cell<u64>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next write call (`store_inbound`, `store_reply`, `write_turn`) fails and applies
    /// nothing, as a D1 batch that never committed.
    pub fn fail_next_write(&self) {
        self.fail_next.set(true);
    }

    /// A copy of every table.
    pub fn tables(&self) -> Tables {
        self.tables.borrow().clone()
    }

    /// Changes rows directly, as something outside a turn would (the sweeper giving up on a
    /// claim).
    pub fn edit(&self, change: impl FnOnce(&mut Tables)) {
        change(&mut self.tables.borrow_mut());
    }

    /// One batch: `steps` on a copy of the tables, committed whole, then the read-back.
    fn batch(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
        steps: impl FnOnce(&mut Tables, &Cell<u64>) -> Result<(), StoreError>,
    ) -> Result<Option<Written>, StoreError> {
        if self.fail_next.replace(false) {
            return Err(StoreError::new("injected failure: the batch was not applied"));
        }
        let mut tables = self.tables();
        steps(&mut tables, &self.outbox_ids)?;
        *self.tables.borrow_mut() = tables;
        self.tables.borrow().read_back(turn, ids)
    }
}

impl TurnStore for MemoryStore {
    async fn load_known(&self, turn: &InboundTurn) -> Result<Known, StoreError> {
        let tables = self.tables.borrow();
        let Some(contact) = tables.contact(turn) else {
            return Ok(Known::default());
        };
        let conversation = tables.open_conversation(&turn.tenant_id, &contact.id, turn.channel.as_str());
        let open_escalations = tables
            .escalations
            .iter()
            .filter(|e| e.tenant_id == turn.tenant_id && e.contact_id == contact.id && e.status != "resolved")
            .count();
        // No `leads` table here: a known contact's lead starts empty, as a thread whose lead
        // job has not run yet.
        let row = KnownRow {
            id: contact.id.clone(),
            phone: contact.phone.clone(),
            email: contact.email.clone(),
            name: contact.name.clone(),
            created_at: contact.created_at,
            updated_at: contact.updated_at,
            conversation_id: conversation.map(|v| v.id.clone()),
            conversation_status: conversation.map(|v| v.status.clone()),
            started_at: conversation.map(|v| v.started_at),
            last_message_at: conversation.map(|v| v.last_message_at),
            open_escalations: u32::try_from(open_escalations).unwrap_or(u32::MAX),
            ..KnownRow::default()
        };
        Ok(row.into_known(turn.channel.as_str()))
    }

    async fn store_inbound(&self, turn: &InboundTurn, ids: &NewIds) -> Result<Option<Written>, StoreError> {
        let json = serde_json::to_string(turn).map_err(StoreError::new)?;
        self.batch(turn, ids, |t, _| {
            t.claim(turn, ids, json);
            t.store_inbound(turn, ids);
            Ok(())
        })
    }

    async fn store_reply(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
        reply: &ReplyToStore<'_>,
        jobs: &[Job],
        usage: Option<(&str, &Usage)>,
    ) -> Result<Option<Written>, StoreError> {
        self.batch(turn, ids, |t, outbox_ids| {
            t.store_reply(turn, ids, reply, jobs, outbox_ids)?;
            if let Some((month, usage)) = usage {
                t.charge(&turn.tenant_id, month, usage);
            }
            Ok(())
        })
    }

    async fn write_turn(
        &self,
        turn: &InboundTurn,
        ids: &NewIds,
        reply: &ReplyToStore<'_>,
        jobs: &[Job],
    ) -> Result<Option<Written>, StoreError> {
        let json = serde_json::to_string(turn).map_err(StoreError::new)?;
        self.batch(turn, ids, |t, outbox_ids| {
            t.claim(turn, ids, json);
            t.store_inbound(turn, ids);
            t.store_reply(turn, ids, reply, jobs, outbox_ids)
        })
    }

    async fn ledger_response(&self, turn: &InboundTurn) -> Result<Option<String>, StoreError> {
        let tables = self.tables.borrow();
        Ok(tables.event(turn).filter(|w| w.status == "done").and_then(|w| w.response.clone()))
    }

    async fn month_usage(&self, tenant_id: &str, month: &str) -> Result<u64, StoreError> {
        let tables = self.tables.borrow();
        let row = tables.llm_usage.iter().find(|u| u.tenant_id == tenant_id && u.month == month);
        Ok(row.map_or(0, |u| u.usage.total()))
    }
}

impl Tables {
    fn event(&self, turn: &InboundTurn) -> Option<&EventRow> {
        self.webhook_events
            .iter()
            .find(|w| w.tenant_id == turn.tenant_id && w.provider == turn.provider && w.event_id == turn.event_id)
    }

    /// D1's `CLAIMED`: this request holds the event's claim.
    fn holds(&self, turn: &InboundTurn, ids: &NewIds) -> bool {
        self.event(turn).is_some_and(|w| w.claim_id == ids.claim)
    }

    /// The contact on the turn's key column (`phone`, `email` or `visitor`).
    fn contact(&self, turn: &InboundTurn) -> Option<&Contact> {
        let (column, key) = (turn.from.column(), turn.from.as_str());
        self.contacts.iter().find(|c| c.tenant_id == turn.tenant_id && c.key(column) == Some(key)).map(|c| &c.contact)
    }

    /// The contact's most recent open conversation on `channel`.
    fn open_conversation(&self, tenant_id: &str, contact_id: &str, channel: &str) -> Option<&Conversation> {
        self.conversations
            .iter()
            .map(|v| (&v.tenant_id, &v.conversation))
            .filter(|(t, v)| {
                *t == tenant_id && v.contact_id == contact_id && v.channel == channel && v.status == "open"
            })
            .max_by_key(|(_, v)| v.last_message_at)
            .map(|(_, v)| v)
    }

    /// The turn's inbound message, whoever stored it (UNIQUE tenant, channel, provider id).
    fn inbound(&self, turn: &InboundTurn) -> Option<&Message> {
        self.messages
            .iter()
            .find(|m| {
                m.tenant_id == turn.tenant_id
                    && m.message.channel == turn.inbound_channel()
                    && m.message.provider_message_id.as_deref() == Some(&turn.provider_message_id)
            })
            .map(|m| &m.message)
    }

    /// Claims the event: a new row, or a takeover of a failed or stale one; else nothing.
    fn claim(&mut self, turn: &InboundTurn, ids: &NewIds, turn_json: String) {
        let at = turn.claim_time();
        let claimed = |row: &mut EventRow| {
            row.status = "processing".into();
            row.claim_id = ids.claim.clone();
            row.received_at = at;
            row.turn = Some(turn_json);
            row.attempts = turn.attempt;
        };
        let existing = self
            .webhook_events
            .iter_mut()
            .find(|w| w.tenant_id == turn.tenant_id && w.provider == turn.provider && w.event_id == turn.event_id);
        match existing {
            Some(row) if can_take_over(&row.status, row.received_at, at) => claimed(row),
            Some(_) => {}
            None => {
                let mut row = EventRow {
                    tenant_id: turn.tenant_id.clone(),
                    provider: turn.provider.clone(),
                    event_id: turn.event_id.clone(),
                    status: String::new(),
                    claim_id: String::new(),
                    received_at: 0,
                    response: None,
                    turn: None,
                    attempts: 0,
                };
                claimed(&mut row);
                self.webhook_events.push(row);
            }
        }
    }

    /// Phase one's writes under the claim: the contact, the conversation window, the message.
    fn store_inbound(&mut self, turn: &InboundTurn, ids: &NewIds) {
        if !self.holds(turn, ids) {
            return;
        }
        let (tenant, now, channel) = (&turn.tenant_id, turn.received_at, turn.channel.as_str());
        let (column, key) = (turn.from.column(), turn.from.as_str());
        match self.contacts.iter_mut().find(|c| &c.tenant_id == tenant && c.key(column) == Some(key)) {
            Some(row) => {
                row.contact.name = row.contact.name.take().or_else(|| turn.profile_name.clone());
                row.contact.updated_at = now;
            }
            None => self.contacts.push(ContactRow {
                tenant_id: tenant.clone(),
                visitor: (column == "visitor").then(|| key.to_owned()),
                contact: Contact {
                    id: ids.contact.clone(),
                    phone: (column == "phone").then(|| key.to_owned()),
                    email: (column == "email").then(|| key.to_owned()),
                    name: turn.profile_name.clone(),
                    created_at: now,
                    updated_at: now,
                },
            }),
        }
        let contact_id = self.contact(turn).map(|c| c.id.clone()).unwrap_or_default();
        let cutoff = reuse_cutoff(now);
        for row in &mut self.conversations {
            let v = &mut row.conversation;
            if &row.tenant_id == tenant
                && v.contact_id == contact_id
                && v.channel == channel
                && v.status == "open"
                && v.last_message_at < cutoff
            {
                v.status = "closed".into();
            }
        }
        if self.open_conversation(tenant, &contact_id, channel).is_none() {
            self.conversations.push(ConversationRow {
                tenant_id: tenant.clone(),
                conversation: Conversation {
                    id: ids.conversation.clone(),
                    contact_id: contact_id.clone(),
                    channel: channel.to_owned(),
                    status: "open".into(),
                    started_at: now,
                    last_message_at: now,
                },
            });
        }
        let conversation_id = self.open_conversation(tenant, &contact_id, channel).map(|v| v.id.clone());
        // ON CONFLICT DO NOTHING: a takeover finds the message the first attempt stored.
        let stored = self.inbound(turn).is_some() || self.messages.iter().any(|m| m.message.id == ids.inbound);
        if let (Some(conversation_id), false) = (conversation_id, stored) {
            self.messages.push(MessageRow {
                tenant_id: tenant.clone(),
                media: (!turn.media.is_empty()).then(|| serde_json::json!(turn.media).to_string()),
                message: Message {
                    id: ids.inbound.clone(),
                    conversation_id,
                    contact_id,
                    direction: "inbound".into(),
                    channel: turn.inbound_channel().to_owned(),
                    body: turn.body.clone(),
                    provider_message_id: Some(turn.provider_message_id.clone()),
                    status: turn.inbound_status().to_owned(),
                    created_at: now,
                    error: None,
                    first_token_ms: None,
                    last_token_ms: None,
                },
            });
        }
    }

    /// Phase two's writes under the claim, attached to the stored inbound message: the reply,
    /// the escalation, the conversation's clock, the intents and outbox rows, and `done`.
    fn store_reply(
        &mut self,
        turn: &InboundTurn,
        ids: &NewIds,
        reply: &ReplyToStore<'_>,
        jobs: &[Job],
        outbox_ids: &Cell<u64>,
    ) -> Result<(), StoreError> {
        if !self.holds(turn, ids) {
            return Ok(());
        }
        let tenant = &turn.tenant_id;
        let inbound = self.inbound(turn).cloned();
        if let (Some(text), Some(m)) = (reply.text, &inbound) {
            // No ON CONFLICT in D1 either: a reused id fails the whole batch.
            if self.messages.iter().any(|r| r.message.id == ids.reply) {
                return Err(StoreError::new("UNIQUE constraint failed: messages.id"));
            }
            self.messages.push(MessageRow {
                tenant_id: tenant.clone(),
                media: None,
                message: Message {
                    id: ids.reply.clone(),
                    conversation_id: m.conversation_id.clone(),
                    contact_id: m.contact_id.clone(),
                    direction: "outbound".into(),
                    channel: turn.channel.as_str().to_owned(),
                    body: text.to_owned(),
                    provider_message_id: None,
                    status: turn.reply_status().to_owned(),
                    created_at: reply.at,
                    error: None,
                    first_token_ms: None,
                    last_token_ms: None,
                },
            });
        }
        if let (Some(request), Some(m)) = (reply.escalation, &inbound) {
            let reason = request.reason.as_str();
            let raised = self.escalations.iter().any(|e| {
                e.id == ids.escalation || (&e.tenant_id == tenant && e.message_id == m.id && e.reason == reason)
            });
            if !raised {
                let priority = request.reason.priority();
                self.escalations.push(EscalationRow {
                    tenant_id: tenant.clone(),
                    id: ids.escalation.clone(),
                    contact_id: m.contact_id.clone(),
                    conversation_id: m.conversation_id.clone(),
                    message_id: m.id.clone(),
                    reason: reason.to_owned(),
                    priority: priority.as_str().to_owned(),
                    status: "open".into(),
                    summary: request.summary.clone(),
                    detail: request.detail.clone(),
                    created_at: turn.received_at,
                    paged_at: (priority == Priority::Critical).then_some(turn.received_at),
                });
            }
        }
        if let Some(m) = &inbound {
            for row in self.conversations.iter_mut().filter(|v| v.conversation.id == m.conversation_id) {
                row.conversation.last_message_at = reply.at;
            }
        }
        for job in jobs {
            self.add_effect(turn, job, inbound.as_ref(), outbox_ids);
        }
        if let Some(w) = self.webhook_events.iter_mut().find(|w| {
            &w.tenant_id == tenant
                && w.provider == turn.provider
                && w.event_id == turn.event_id
                && w.claim_id == ids.claim
        }) {
            w.status = "done".into();
            w.response = Some(reply.ledger_answer.to_owned());
            w.turn = None;
        }
        Ok(())
    }

    /// A job's intent (only with the stored message: a lead update takes its ids from it) and,
    /// for a delivery, its outbox row; each once per dedupe key.
    fn add_effect(&mut self, turn: &InboundTurn, job: &Job, inbound: Option<&Message>, outbox_ids: &Cell<u64>) {
        let tenant = &turn.tenant_id;
        if let (Some(_), Some(m)) = (job.intent_key(), inbound) {
            let mut job = job.clone();
            if let Job::UpdateLead { contact_id, conversation_id, message, .. } = &mut job {
                contact_id.clone_from(&m.contact_id);
                conversation_id.clone_from(&m.conversation_id);
                message.message_id.clone_from(&m.id);
            }
            let key = job.intent_key().unwrap_or_default();
            if !self.job_intents.iter().any(|i| &i.tenant_id == tenant && i.dedupe_key == key) {
                self.job_intents.push(IntentRow {
                    tenant_id: tenant.clone(),
                    dedupe_key: key,
                    job,
                    status: "pending".into(),
                    created_at: turn.claim_time(),
                });
            }
        }
        let Some(entry) = job.intent_key().and(job.outbox_entry()) else { return };
        if self.outbox.iter().any(|o| &o.tenant_id == tenant && o.dedupe_key == entry.dedupe_key) {
            return;
        }
        let n = outbox_ids.get() + 1;
        outbox_ids.set(n);
        self.outbox.push(OutboxRow {
            id: format!("obx_{n}"),
            tenant_id: tenant.clone(),
            message_id: entry.message_id,
            channel: entry.channel.to_owned(),
            recipient: entry.recipient,
            payload: entry.payload,
            status: "pending".into(),
            dedupe_key: entry.dedupe_key,
        });
    }

    /// `llm_usage`: not claim-guarded in D1 either, so it is charged whenever the batch runs.
    fn charge(&mut self, tenant_id: &str, month: &str, usage: &Usage) {
        match self.llm_usage.iter_mut().find(|u| u.tenant_id == tenant_id && u.month == month) {
            Some(row) => {
                row.usage.input_tokens += usage.input_tokens;
                row.usage.output_tokens += usage.output_tokens;
                row.calls += 1;
            }
            None => self.llm_usage.push(UsageRow {
                tenant_id: tenant_id.to_owned(),
                month: month.to_owned(),
                usage: *usage,
                calls: 1,
            }),
        }
    }

    /// The read-back: the ledger row, the stored inbound message with its contact and
    /// conversation, and this claim's reply and escalation.
    fn read_back(&self, turn: &InboundTurn, ids: &NewIds) -> Result<Option<Written>, StoreError> {
        let w = self.event(turn).ok_or_else(|| StoreError::new("webhook_events row missing after the claim"))?;
        let mine = w.claim_id == ids.claim;
        let m = self.inbound(turn);
        let v = m.and_then(|m| self.conversations.iter().find(|v| v.conversation.id == m.conversation_id));
        let c = m.and_then(|m| self.contacts.iter().find(|c| c.contact.id == m.contact_id)).map(|c| &c.contact);
        let r = self.messages.iter().find(|r| mine && r.message.id == ids.reply).map(|r| &r.message);
        let e = self.escalations.iter().find(|e| mine && e.id == ids.escalation);
        let v = v.map(|v| &v.conversation);
        let row = ReadBack {
            claim_id: w.claim_id.clone(),
            claim_status: w.status.clone(),
            response: w.response.clone(),
            contact_id: c.map(|c| c.id.clone()),
            phone: c.and_then(|c| c.phone.clone()),
            email: c.and_then(|c| c.email.clone()),
            name: c.and_then(|c| c.name.clone()),
            contact_created_at: c.map(|c| c.created_at),
            contact_updated_at: c.map(|c| c.updated_at),
            conversation_id: v.map(|v| v.id.clone()),
            conversation_status: v.map(|v| v.status.clone()),
            started_at: v.map(|v| v.started_at),
            last_message_at: v.map(|v| v.last_message_at),
            inbound_id: m.map(|m| m.id.clone()),
            inbound_at: m.map(|m| m.created_at),
            reply_id: r.map(|r| r.id.clone()),
            reply_body: r.map(|r| r.body.clone()),
            reply_at: r.map(|r| r.created_at),
            reply_status: r.map(|r| r.status.clone()),
            escalation_id: e.map(|e| e.id.clone()),
        };
        Ok(row.into_written(turn, &ids.claim))
    }
}

impl ContactRow {
    /// The value of key column `column` (`ContactKey::column`).
    fn key(&self, column: &str) -> Option<&str> {
        match column {
            "phone" => self.contact.phone.as_deref(),
            "email" => self.contact.email.as_deref(),
            _ => self.visitor.as_deref(),
        }
    }
}
