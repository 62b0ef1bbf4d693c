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
use crate::platform::env::fault_armed;
use crate::platform::kb::{self, SearchQuery};
use crate::platform::time::{wall_clock_ms, WorkerClock, WorkerRandom};
use crate::platform::{acts, holds, property};
use crate::platform::{enqueue, enqueue_all};
use crate::protocol::{LiveText, FORGET_PATH, LIVE_HEADER, TURN_PATH};
use crate::thread_store::D1Store;
use frontdesk_core::brain::act::Done;
use frontdesk_core::brain::understand::Slot;
use frontdesk_core::brain::{rules::RulesBrain, Brain, Reply, Turn};
use frontdesk_core::channel::Channel;
use frontdesk_core::conversation::ThreadState;
use frontdesk_core::effects::{after_turn, contact_label, TurnIds};
use frontdesk_core::escalation::Reason;
use frontdesk_core::ids;
use frontdesk_core::inbound::{escalation_event, events, ledger_answer, reply_time, InboundTurn, TurnOutcome};
use frontdesk_core::jobs::Job;
use frontdesk_core::kb::Passage;
use frontdesk_core::llm::{transcript_within, Usage, TRANSCRIPT_CHARS};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::store::{usage_month, NewIds, ReplyToStore, StoreError, TurnStore};
use frontdesk_core::turn_stream::TurnLine;
use frontdesk_core::webhook::Claim;
use futures::channel::oneshot;
use futures::lock::Mutex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;
use worker::{durable_object, Delay, DurableObject, Env, Method, Request, Response, Result, State};

#[durable_object]
pub struct ConversationDO {
    /// Shared with a streamed turn, which goes on after `fetch` has returned its response.
    thread: Rc<Thread>,
}

/// The thread's object state and its turns.
struct Thread {
    env: Env,
    thread: RefCell<Option<ThreadState>>,
    /// Events being answered now → the duplicates waiting for that answer.
    in_flight: RefCell<HashMap<String, Vec<oneshot::Sender<TurnOutcome>>>>,
    /// One turn at a time: each sees what the previous one wrote (two quick messages from a
    /// new number must not both open the conversation with a greeting).
    turn_lock: Mutex<()>,
}

impl DurableObject for ConversationDO {
    fn new(_state: State, env: Env) -> Self {
        crate::platform::time::configure_isolate(&env);
        let thread = Thread {
            env,
            thread: RefCell::new(None),
            in_flight: RefCell::new(HashMap::new()),
            turn_lock: Mutex::new(()),
        };
        Self { thread: Rc::new(thread) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.method() == Method::Post && req.path() == FORGET_PATH {
            // The contact was erased: what is cached about them goes; D1 is the truth again.
            self.thread.thread.replace(None);
            return Ok(Response::empty()?.with_status(204));
        }
        if req.method() != Method::Post || req.path() != TURN_PATH {
            return Response::error("not found", 404);
        }
        let live = req.headers().get(LIVE_HEADER)?.is_some();
        let turn: InboundTurn = req.json().await?;
        if !live {
            return Response::from_json(&self.thread.answer(turn, None).await?);
        }
        // The reply's text streams out as the brain writes it; the turn runs on while the
        // response body is read, and its outcome is the last line.
        let (tx, rx) = futures::channel::mpsc::unbounded();
        let live = LiveText(tx);
        let thread = Rc::clone(&self.thread);
        worker::wasm_bindgen_futures::spawn_local(async move {
            let last = match thread.answer(turn, Some(&live)).await {
                Ok(outcome) => TurnLine::Outcome(outcome),
                Err(e) => TurnLine::Error(e.to_string()),
            };
            live.end(last);
        });
        Response::from_stream(rx)
    }
}

impl Thread {
    async fn answer(&self, turn: InboundTurn, live: Option<&LiveText>) -> Result<TurnOutcome> {
        let thread = self.thread();
        if let Some(answer) = thread.answer_for(&turn.event_id) {
            return Ok(TurnOutcome::from_ledger(answer));
        }
        let waiting = self.in_flight.borrow_mut().get_mut(&turn.event_id).map(|waiters| {
            let (tx, rx) = oneshot::channel();
            waiters.push(tx);
            rx
        });
        if let Some(rx) = waiting {
            // The first delivery's outcome, whatever it was (it is never an error: see below).
            return rx.await.map_err(|_| worker::Error::RustError("the first delivery was dropped".into()));
        }
        self.in_flight.borrow_mut().insert(turn.event_id.clone(), Vec::new());
        let result = {
            let _turn = self.turn_lock.lock().await;
            self.run(&turn, self.thread(), live).await
        };
        let result = match result {
            Ok(outcome) => Ok(outcome),
            Err(e) => self.retry_later(&turn, e).await,
        };
        let waiters = self.in_flight.borrow_mut().remove(&turn.event_id).unwrap_or_default();
        if let Ok(outcome) = &result {
            for waiter in waiters {
                let _ = waiter.send(TurnOutcome { events: vec![], ..outcome.clone() });
            }
        }
        result
    }

    /// A turn that failed before it was stored (D1 unreachable, an isolate error): the message
    /// goes to the queue, which hands it back to this thread until it is stored and answered
    /// (the reply then goes through the outbox), and the provider is acknowledged. Only when
    /// the queue refuses it too does the provider see an error (and, if it retries, retry).
    async fn retry_later(&self, turn: &InboundTurn, error: worker::Error) -> Result<TurnOutcome> {
        worker::console_error!("turn {} failed, queueing a retry: {error}", turn.event_id);
        let retry = Job::RetryTurn { turn: Box::new(turn.retried(WorkerClock.now_ms(), turn.recovery)) };
        enqueue(&self.env, &retry).await?;
        Ok(TurnOutcome::silent())
    }

    /// The thread's state as this object last left it. It lives in memory only: D1 is the
    /// durable truth, so an evicted object reloads what it knows from D1 on its next turn, and
    /// duplicates it no longer remembers are answered by the D1 ledger instead.
    fn thread(&self) -> ThreadState {
        self.thread.borrow().clone().unwrap_or_default()
    }

    /// Another request holds this event's claim in D1 (another instance of this object during a
    /// redeploy, or a request that died): wait for its answer within the turn's budget. If none
    /// comes the provider is acknowledged without a reply, and the sweeper answers the event
    /// through the outbox once the claim is stale, so it never ends unanswered.
    async fn await_other_claim(&self, store: &impl TurnStore, turn: &InboundTurn) -> Result<TurnOutcome> {
        let deadline = wall_clock_ms().saturating_add(turn.delivery.turn_budget_ms().min(IN_FLIGHT_WAIT_MS));
        while wall_clock_ms() < deadline {
            Delay::from(Duration::from_millis(IN_FLIGHT_POLL_MS)).await;
            if let Some(response) = store.ledger_response(turn).await.map_err(storage_error)? {
                return Ok(TurnOutcome::from_ledger(&response));
            }
        }
        worker::console_warn!("event {} is still claimed elsewhere; the sweeper will answer it", turn.event_id);
        Ok(TurnOutcome::silent())
    }

    /// What the brain says: the rules brain, or the tenant's LLM (which is remote, so the
    /// message is stored and the event claimed before it is called), or nothing for a note.
    async fn decide(
        &self,
        store: &D1Store,
        turn: &InboundTurn,
        brain_turn: &Turn,
        ids: &NewIds,
        live: Option<&LiveText>,
    ) -> Result<Decision> {
        if turn.paused && turn.wants_reply() {
            let holding = frontdesk_core::pause::holding_reply(turn, RulesBrain.respond(brain_turn));
            return Ok(Decision::Reply(Box::new(holding), None));
        }
        let llm = turn.settings.llm.as_ref().filter(|_| turn.is_contact_words() && !turn.recovery);
        let Some(settings) = llm else {
            let mut reply = if turn.wants_reply() { RulesBrain.respond(brain_turn) } else { Reply::silent() };
            // A recovered turn tells the team the fallback answered, over a routine follow-up.
            let routine = reply.escalation.as_ref().is_none_or(|e| e.reason == Reason::FollowUp);
            if turn.recovery && routine {
                reply.escalation = Some(turn.recovery_escalation());
            }
            // The rules brain's words are final here (what follows adds rows, not words), so a
            // caller hears them now rather than after the turn's D1 batch. Should the batch fail,
            // the turn is retried from the queue as any failed turn is: said once, stored later.
            if let (Some(live), Some(text)) = (live, reply.text.as_deref()) {
                live.whole(text);
            }
            return Ok(Decision::Reply(Box::new(reply), None));
        };
        let Some(stored) = store.store_inbound(turn, ids).await.map_err(storage_error)? else {
            return Ok(Decision::Settled(self.await_other_claim(store, turn).await?));
        };
        match stored.claim {
            Claim::Owned => {}
            Claim::Done { response } => return Ok(Decision::Settled(TurnOutcome::from_ledger(&response))),
            Claim::InFlight => return Ok(Decision::Settled(self.await_other_claim(store, turn).await?)),
        }
        let month = usage_month(turn);
        // Read side by side: the caller (on a phone call, listening) waits for both.
        let (used, history) = futures::join!(
            store.month_usage(&turn.tenant_id, &month),
            store.transcript(&turn.tenant_id, &stored.conversation.id, &stored.inbound.id)
        );
        let used = used.unwrap_or_else(|e| {
            worker::console_error!("reading LLM usage failed, assuming none: {e}");
            0
        });
        // The model reads the conversation itself, not only our last line: a failed read
        // costs it the context, not the turn.
        let history = history.unwrap_or_else(|e| {
            worker::console_error!("reading the transcript for {} failed: {e}", turn.event_id);
            Vec::new()
        });
        let history = transcript_within(&history, TRANSCRIPT_CHARS);
        let contact_id = stored.contact.id.as_str();
        let outcome =
            llm_turn::answer(&self.env, settings, brain_turn, used, &history, turn, Some(contact_id), live).await;
        if let Some(why) = &outcome.fallback {
            worker::console_warn!("LLM turn for {} fell back to the rules brain: {why}", turn.event_id);
        }
        Ok(Decision::Reply(Box::new(outcome.reply), Some((month, outcome.usage))))
    }

    async fn run(&self, turn: &InboundTurn, mut thread: ThreadState, live: Option<&LiveText>) -> Result<TurnOutcome> {
        let store = D1Store::new(database(&self.env)?);
        // A new conversation reloads what the contact's other channels may have changed since
        // (a name told by SMS greets them on WhatsApp; the dialogue state is shared).
        if thread.known.is_none() || thread.continuity(turn.received_at).new_conversation {
            thread.known = Some(store.load_known(turn).await.map_err(storage_error)?);
        }
        let continuity = thread.continuity(turn.received_at);
        let known_contact = thread.known.as_ref().and_then(|k| k.contact.clone());
        let known_conversation = thread.known.as_ref().and_then(|k| k.conversation.clone());
        let contact_name = known_contact.as_ref().and_then(|c| c.name.clone());
        let mut brain_turn = turn.turn(continuity, contact_name.clone(), thread.last_reply());
        brain_turn.lead = thread.lead();
        brain_turn.unclear_streak = thread.unclear_streak;
        brain_turn.history_summary = thread.known.as_ref().and_then(|k| k.history.clone());
        brain_turn.dialogue = thread.known.as_ref().map(|k| k.dialogue.clone()).unwrap_or_default();
        // Facts told on another channel moments ago may not have reached the lead yet.
        brain_turn.lead.fill_from(&brain_turn.dialogue.slots);
        // A person holds the conversation: the message is stored and shown, the AI says and
        // does nothing (no reply, no booking acts) until it is handed back.
        // Calls are never held (`POST …/takeover` refuses them), so a caller waits for no read.
        let holder = async {
            match (&known_conversation, continuity.new_conversation) {
                _ if turn.channel == Channel::Voice => Ok(false),
                (Some(conversation), false) => {
                    holds::is_held(store.database(), &turn.tenant_id, &conversation.id).await
                }
                _ => Ok(false),
            }
        };
        // A paused tenant's holding reply searches nothing and does nothing for the contact either.
        let wants_answer = turn.is_contact_words() && !turn.body.trim().is_empty() && !turn.paused;
        // The knowledge search only reads, so it runs beside the hold check and the acts (a
        // caller waits for all of them); the acts may book, so they wait for the hold's answer.
        // The rules brain reads passages only to answer a question; a model reads them always.
        let llm_answers = turn.settings.llm.is_some() && !turn.recovery;
        let search = wants_answer && (llm_answers || RulesBrain::reads_knowledge(&brain_turn.text));
        let acting = async {
            let held = holder.await?;
            // Listings, availability and bookings the message asks for, done before the reply
            // is written so it says what really happened. A duplicate never reaches here.
            let done = match wants_answer && !held {
                true => {
                    let contact_id = known_contact.as_ref().map(|c| c.id.as_str());
                    acts::run(&self.env, store.database(), turn, contact_id, &brain_turn).await
                }
                false => Done::default(),
            };
            Ok::<_, worker::Error>((held, done))
        };
        let searching = async {
            match search {
                true => knowledge(&self.env, store.database(), turn).await,
                false => Vec::new(),
            }
        };
        let (acted, passages) = futures::join!(acting, searching);
        let (held, done) = acted?;
        if wants_answer && !held {
            brain_turn.knowledge = passages;
            brain_turn.acts = done;
        }
        let new_id = |prefix, ms| ids::make(prefix, ms, WorkerRandom.next_u64());
        let mut ids = NewIds {
            claim: new_id(ids::CLAIM, turn.received_at),
            escalation: new_id(ids::ESCALATION, turn.received_at),
            contact: new_id(ids::CONTACT, turn.received_at),
            conversation: new_id(ids::CONVERSATION, turn.received_at),
            inbound: new_id(ids::MESSAGE, turn.received_at),
            reply: String::new(),
        };
        let decision = match held {
            true => Decision::Reply(Box::new(Reply::silent()), None),
            false => self.decide(&store, turn, &brain_turn, &ids, live).await?,
        };
        let (mut reply, usage) = match decision {
            Decision::Settled(outcome) => return Ok(outcome),
            Decision::Reply(reply, usage) => (*reply, usage),
        };
        if let Some(ticket) = reply.ticket.as_mut() {
            let contact_id = known_contact.as_ref().map(|c| c.id.as_str());
            ticket.property = property::reported_at(store.database(), &turn.tenant_id, contact_id, &brain_turn)
                .await
                .unwrap_or_else(|e| {
                    worker::console_error!("finding the property of {}'s ticket failed: {e}", turn.event_id);
                    None
                });
        }
        if reply.text.is_some() && reply.escalation.is_none() {
            // Meta's window runs on its clock: the real one, even when a test moves the business clock.
            reply.escalation = turn.undeliverable(wall_clock_ms());
        }
        let at = reply_time(turn.received_at, WorkerClock.now_ms());
        if reply.dialogue.is_none() && turn.is_contact_words() {
            reply.dialogue = Some(brain_turn.dialogue.observe(
                continuity.new_conversation,
                reply.intent,
                &reply.slots,
                reply.text.as_deref(),
                at,
                Default::default(),
            ));
        }
        if let Some(dialogue) = reply.dialogue.as_mut() {
            dialogue.slots.merge(&reply.slots, &ids.inbound, turn.received_at);
        }
        let dialogue_json = reply.dialogue.as_ref().map(serde_json::to_string).transpose()?;
        let told_name =
            reply.slots.get(&Slot::Name).and_then(|v| v.value.as_str()).filter(|n| Some(*n) != contact_name.as_deref());
        ids.reply = new_id(ids::MESSAGE, at);
        let answer = ledger_answer(reply.text.as_deref(), reply.text.as_ref().map(|_| ids.reply.as_str()));
        // Held and paused turns act on nothing; an LLM's own tool calls record theirs as they run.
        let interest = brain_turn.acts.interest();
        let to_store = ReplyToStore {
            text: reply.text.as_deref(),
            at,
            ledger_answer: &answer,
            escalation: reply.escalation.as_ref(),
            dialogue: dialogue_json.as_deref(),
            told_name,
            unanswered: reply.unanswered.as_deref(),
            ticket: reply.ticket.as_ref(),
            opted_out: reply.intent == frontdesk_core::brain::Intent::OptOut,
            interest: &interest,
        };
        // The effects are planned with the ids this turn expects; the batch writes them as
        // intents (correcting a lead update's ids from the stored message), and the jobs
        // enqueued after it carry the ids read back.
        let label = contact_label(turn, contact_name.as_deref());
        let planned = TurnIds {
            contact: known_contact.as_ref().map_or(&ids.contact, |c| &c.id),
            conversation: known_conversation.as_ref().map_or(&ids.conversation, |c| &c.id),
            inbound: &ids.inbound,
            reply: reply.text.as_ref().map(|_| ids.reply.as_str()),
            escalation: reply.escalation.as_ref().map(|_| ids.escalation.as_str()),
        };
        let jobs = after_turn(turn, &reply, &planned, &label, continuity.returning_contact);
        if turn.attempt == 0 && fault_armed(&self.env, &turn.body, "d1") {
            return Err(worker::Error::RustError("injected fault: the turn's D1 batch failed".into()));
        }
        let written = match &usage {
            Some((month, usage)) => store.store_reply(turn, &ids, &to_store, &jobs, Some((month, usage))).await,
            None => store.write_turn(turn, &ids, &to_store, &jobs).await,
        };
        let Some(written) = written.map_err(storage_error)? else {
            return self.await_other_claim(&store, turn).await;
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
                }
                let stored = TurnIds {
                    contact: &written.contact.id,
                    conversation: &written.conversation.id,
                    inbound: &written.inbound.id,
                    reply: written.reply.as_ref().map(|m| m.id.as_str()),
                    escalation: written.escalation_id.as_deref(),
                };
                let jobs = after_turn(turn, &reply, &stored, &label, continuity.returning_contact);
                self.start(turn, &jobs).await;
                thread.learn(&reply, &written.inbound.id, turn.received_at);
                let reply_id = written.reply.as_ref().map(|m| m.id.clone());
                TurnOutcome { reply: reply.text.clone(), reply_id, events: published }
            }
            Claim::Done { response } => TurnOutcome::from_ledger(response),
            Claim::InFlight => return self.await_other_claim(&store, turn).await,
        };
        let (answered, rows) = match written.claim {
            Claim::Done { response } => (response, None),
            _ => (answer, Some((written.contact, written.conversation))),
        };
        thread.remember(&turn.event_id, &answered, rows);
        *self.thread.borrow_mut() = Some(thread);
        Ok(outcome)
    }

    /// Puts the stored turn's jobs on the queue. Their intents are already in D1 with the
    /// turn, so a failed send here is logged, not fatal: the sweeper enqueues them again.
    async fn start(&self, turn: &InboundTurn, jobs: &[Job]) {
        let sent = if fault_armed(&self.env, &turn.body, "enqueue") {
            Err(worker::Error::RustError("injected fault: the queue refused the send".into()))
        } else {
            enqueue_all(&self.env, jobs).await
        };
        if let Err(e) = sent {
            worker::console_error!("queueing {} jobs of {} failed; the sweeper will: {e}", jobs.len(), turn.event_id);
        }
    }
}

/// The knowledge passages for the message, best first. Search failing is not the turn failing:
/// the brain then answers without them (and says it will check, rather than guess).
async fn knowledge(env: &Env, db: &worker::D1Database, turn: &InboundTurn) -> Vec<Passage> {
    let query = SearchQuery { text: &turn.body, kb: None, category: None, limit: KNOWLEDGE_PASSAGES };
    kb::search(env, db, &turn.tenant_id, &query).await.unwrap_or_else(|e| {
        worker::console_error!("knowledge search for {} failed; answering without it: {e}", turn.event_id);
        Vec::new()
    })
}

/// Passages a brain is given: enough for the best answer to be among them, few enough to read.
const KNOWLEDGE_PASSAGES: usize = 5;

/// A storage failure as the runtime's error: `answer` then queues the turn for a retry.
fn storage_error(e: StoreError) -> worker::Error {
    worker::Error::RustError(format!("storage: {e}"))
}

/// What the brain decided: a reply to store (with the LLM tokens to charge), or an outcome
/// already settled by the ledger (a duplicate, another claim's answer).
enum Decision {
    Reply(Box<Reply>, Option<(String, Usage)>),
    Settled(TurnOutcome),
}

/// How long a duplicate waits for another request's claim to finish before acknowledging:
/// the longest a healthy turn takes (an LLM turn's queued budget is 25 s, but a provider that
/// redelivers is better answered "later" than held that long).
const IN_FLIGHT_WAIT_MS: u64 = 8_000;
const IN_FLIGHT_POLL_MS: u64 = 250;
