//! `ConversationDO`: one per thread (tenant, channel, contact number — `InboundTurn::thread_name`).
//!
//! The owner of a thread's effects: it answers each provider event once, even under duplicate
//! storms. A duplicate of an answered event gets the same reply from memory; one that arrives
//! while the first is still running waits for it and gets the same reply too (so a provider
//! retry after a timeout still carries the answer). Turns of a thread run one at a time here,
//! with what the thread knows (contact, open conversation) cached between turns, so a warm
//! turn costs one D1 round trip.

use crate::llm_turn;
use crate::platform::d1::database;
use crate::platform::enqueue;
use crate::platform::time::{wall_clock_ms, WorkerClock, WorkerRandom};
use crate::protocol::TURN_PATH;
use crate::thread_store::{
    load_known, month_usage, store_inbound, store_reply, usage_month, usage_statement, write_turn, NewIds, ReplyToStore,
};
use frontdesk_core::brain::{rules::RulesBrain, Brain, Reply};
use frontdesk_core::channel::meta;
use frontdesk_core::conversation::ThreadState;
use frontdesk_core::escalation::{notifications, Reason};
use frontdesk_core::ids;
use frontdesk_core::inbound::{
    escalation_event, events, ledger_answer, reply_from_ledger, reply_time, Delivery, InboundTurn, TurnOutcome,
};
use frontdesk_core::jobs::{Job, ServiceWindow};
use frontdesk_core::lead::LeadMessage;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::records::Contact;
use frontdesk_core::webhook::Claim;
use futures::channel::oneshot;
use futures::lock::Mutex;
use std::cell::RefCell;
use std::collections::HashMap;
use worker::{durable_object, DurableObject, Env, Method, Request, Response, Result, State};

#[durable_object]
pub struct ConversationDO {
    env: Env,
    thread: RefCell<Option<ThreadState>>,
    /// Events being answered now → the duplicates waiting for that answer.
    in_flight: RefCell<HashMap<String, Vec<oneshot::Sender<Option<String>>>>>,
    /// One turn at a time: each sees what the previous one wrote (two quick messages from a
    /// new number must not both open the conversation with a greeting).
    turn_lock: Mutex<()>,
}

impl DurableObject for ConversationDO {
    fn new(_state: State, env: Env) -> Self {
        crate::platform::time::configure_clock(&env);
        Self { env, thread: RefCell::new(None), in_flight: RefCell::new(HashMap::new()), turn_lock: Mutex::new(()) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.method() != Method::Post || req.path() != TURN_PATH {
            return Response::error("not found", 404);
        }
        let turn: InboundTurn = req.json().await?;
        Response::from_json(&self.answer(turn).await?)
    }
}

impl ConversationDO {
    /// Queues the pages an escalation sends (for an emergency: every on-call contact, by SMS and
    /// email, whatever the hour) within the turn that raised it. The jobs deliver once per page.
    async fn page_on_call(
        &self,
        turn: &InboundTurn,
        escalation_id: &str,
        reason: Reason,
        contact: &Contact,
    ) -> Result<()> {
        let label = match &contact.name {
            Some(name) => format!("{name} ({})", turn.from),
            None => turn.from.to_string(),
        };
        let pages = notifications(&turn.settings, escalation_id, reason, &turn.business_name, &label, &turn.body);
        if pages.is_empty() {
            return Ok(());
        }
        for notification in pages {
            let job = Job::Notify {
                tenant_id: turn.tenant_id.clone(),
                escalation_id: escalation_id.to_owned(),
                notification,
            };
            self.enqueue(&job).await?;
        }
        Ok(())
    }

    async fn enqueue(&self, job: &Job) -> Result<()> {
        enqueue(&self.env, job).await
    }

    async fn answer(&self, turn: InboundTurn) -> Result<TurnOutcome> {
        let thread = self.thread();
        if let Some(answer) = thread.answer_for(&turn.event_id) {
            return Ok(TurnOutcome { reply: reply_from_ledger(answer), events: vec![] });
        }
        let waiting = self.in_flight.borrow_mut().get_mut(&turn.event_id).map(|waiters| {
            let (tx, rx) = oneshot::channel();
            waiters.push(tx);
            rx
        });
        if let Some(rx) = waiting {
            // If the first delivery fails, the waiter fails too, and the provider retries.
            let reply =
                rx.await.map_err(|_| worker::Error::RustError("the first delivery of this event failed".into()))?;
            return Ok(TurnOutcome { reply, events: vec![] });
        }
        self.in_flight.borrow_mut().insert(turn.event_id.clone(), Vec::new());
        let result = {
            let _turn = self.turn_lock.lock().await;
            self.run(&turn, self.thread()).await
        };
        let waiters = self.in_flight.borrow_mut().remove(&turn.event_id).unwrap_or_default();
        if let Ok(outcome) = &result {
            for waiter in waiters {
                let _ = waiter.send(outcome.reply.clone());
            }
        }
        result
    }

    /// The thread's state as this object last left it. It lives in memory only: D1 is the
    /// durable truth, so an evicted object reloads what it knows from D1 on its next turn, and
    /// duplicates it no longer remembers are answered by the D1 ledger instead.
    fn thread(&self) -> ThreadState {
        self.thread.borrow().clone().unwrap_or_default()
    }

    async fn run(&self, turn: &InboundTurn, mut thread: ThreadState) -> Result<TurnOutcome> {
        let db = database(&self.env)?;
        if thread.known.is_none() {
            thread.known = Some(load_known(&db, turn).await?);
        }
        let continuity = thread.continuity(turn.received_at);
        let contact_name = thread.known.as_ref().and_then(|k| k.contact.as_ref()).and_then(|c| c.name.clone());
        let mut brain_turn = turn.turn(continuity, contact_name, thread.last_reply());
        brain_turn.lead = thread.lead();
        brain_turn.unclear_streak = thread.unclear_streak;
        brain_turn.history_summary = thread.known.as_ref().and_then(|k| k.history.clone());
        let new_id = |prefix, ms| ids::make(prefix, ms, WorkerRandom.next_u64());
        let mut ids = NewIds {
            claim: new_id(ids::CLAIM, turn.received_at),
            escalation: new_id(ids::ESCALATION, turn.received_at),
            contact: new_id(ids::CONTACT, turn.received_at),
            conversation: new_id(ids::CONVERSATION, turn.received_at),
            inbound: new_id(ids::MESSAGE, turn.received_at),
            reply: String::new(),
        };
        let llm = turn.settings.llm.as_ref().filter(|_| turn.is_contact_words());
        let (reply, usage) = match llm {
            // The model is remote and may fail or hang: the message is stored (and the event
            // claimed) before it is called, and the reply is written in a second batch.
            Some(settings) => {
                let Some(stored) = store_inbound(&db, turn, &ids).await? else {
                    return Ok(TurnOutcome { reply: None, events: vec![] });
                };
                match stored.claim {
                    Claim::Owned => {}
                    Claim::Done { response } => {
                        return Ok(TurnOutcome { reply: reply_from_ledger(&response), events: vec![] })
                    }
                    Claim::InFlight => return Ok(TurnOutcome { reply: None, events: vec![] }),
                }
                let month = usage_month(turn);
                let used = month_usage(&db, &turn.tenant_id, &month).await.unwrap_or_else(|e| {
                    worker::console_error!("reading LLM usage failed, assuming none: {e}");
                    0
                });
                let outcome = llm_turn::answer(&self.env, settings, &brain_turn, used).await;
                if let Some(why) = &outcome.fallback {
                    worker::console_warn!("LLM turn for {} fell back to the rules brain: {why}", turn.event_id);
                }
                (outcome.reply, Some((month, outcome.usage)))
            }
            None if turn.wants_reply() => (RulesBrain.respond(&brain_turn), None),
            None => (Reply::silent(), None),
        };
        let mut reply = reply;
        if reply.text.is_some() && reply.escalation.is_none() {
            // Meta's window runs on its clock: the real one, even when a test moves the business clock.
            reply.escalation = turn.undeliverable(wall_clock_ms());
        }
        let at = reply_time(turn.received_at, WorkerClock.now_ms());
        ids.reply = new_id(ids::MESSAGE, at);
        let answer = ledger_answer(reply.text.as_deref());
        let to_store = ReplyToStore {
            text: reply.text.as_deref(),
            at,
            ledger_answer: &answer,
            escalation: reply.escalation.as_ref(),
        };
        let written = match &usage {
            Some((month, usage)) => {
                let charge = usage_statement(&db, &turn.tenant_id, month, usage)?;
                store_reply(&db, turn, &ids, &to_store, vec![charge]).await?
            }
            None => write_turn(&db, turn, &ids, &to_store).await?,
        };
        let Some(written) = written else {
            // Another request holds this event's claim in D1 and is answering it.
            return Ok(TurnOutcome { reply: None, events: vec![] });
        };
        let outcome = match &written.claim {
            Claim::Owned => {
                let mut published = events(
                    &turn.tenant_id,
                    &written.contact,
                    &written.conversation,
                    &written.inbound,
                    written.reply.as_ref(),
                );
                if let (Some(request), Some(escalation_id)) = (&reply.escalation, &written.escalation_id) {
                    published.push(escalation_event(
                        &turn.tenant_id,
                        escalation_id,
                        request,
                        &written.contact,
                        &written.conversation,
                        &written.inbound,
                    ));
                    if let Err(e) = self.page_on_call(turn, escalation_id, request.reason, &written.contact).await {
                        // The escalation is stored and announced; failing the turn now would only
                        // make the provider's retry find it done and page no one at all.
                        worker::console_error!("paging on-call for {escalation_id} failed: {e}");
                    }
                }
                if let (Delivery::Queued, Some(message)) = (turn.delivery, &written.reply) {
                    let job = Job::DeliverMessage {
                        tenant_id: turn.tenant_id.clone(),
                        message_id: message.id.clone(),
                        provider: turn.provider.clone(),
                        channel: message.channel.clone(),
                        to: turn.from.to_string(),
                        body: message.body.clone(),
                        window: (turn.provider == meta::PROVIDER).then(|| ServiceWindow {
                            last_inbound_ms: turn.sent_at.unwrap_or(turn.received_at),
                            template: turn.settings.whatsapp_template.clone(),
                        }),
                    };
                    if let Err(e) = self.enqueue(&job).await {
                        // The reply is stored as `queued`, visible on the timeline; the turn itself
                        // succeeded, so failing it would only make a retry find it done.
                        worker::console_error!("queueing delivery of {} failed: {e}", message.id);
                    }
                }
                if turn.is_contact_words() {
                    let job = Job::UpdateLead {
                        tenant_id: turn.tenant_id.clone(),
                        contact_id: written.contact.id.clone(),
                        conversation_id: written.conversation.id.clone(),
                        message: LeadMessage {
                            message_id: written.inbound.id.clone(),
                            at: turn.received_at,
                            intent: reply.intent,
                            urgency: reply.urgency,
                            slots: reply.slots.clone(),
                            body: turn.body.clone(),
                            returning: continuity.returning_contact,
                            today: turn.local_time.date,
                            escalated: reply.escalation.is_some(),
                        },
                    };
                    if let Err(e) = self.enqueue(&job).await {
                        // The message and reply are stored; the lead catches up on the next message.
                        worker::console_error!("queueing the lead update for {} failed: {e}", written.inbound.id);
                    }
                }
                thread.learn(&reply, &written.inbound.id, turn.received_at);
                TurnOutcome { reply: reply.text.clone(), events: published }
            }
            Claim::Done { response } => TurnOutcome { reply: reply_from_ledger(response), events: vec![] },
            Claim::InFlight => TurnOutcome { reply: None, events: vec![] },
        };
        let (answered, rows) = match written.claim {
            Claim::Done { response } => (response, None),
            _ => (answer, Some((written.contact, written.conversation))),
        };
        thread.remember(&turn.event_id, &answered, rows);
        *self.thread.borrow_mut() = Some(thread);
        Ok(outcome)
    }
}
