//! `CallDO`: one per phone call (named by its CallSid), holding Twilio's ConversationRelay
//! WebSocket through the hibernation API.
//!
//! The Worker verifies the handshake and hands the socket here with the tenant's row. Each
//! final `prompt` is a turn of the caller's voice thread, answered by the same `ConversationDO`
//! pipeline as a text (dialogue state, acts, tickets, escalations), and spoken back as `text`
//! tokens. The call's state lives in storage, so a hibernated object or a reconnected socket
//! continues the same call.

use crate::call_voice::{Speaker, Speaking, Voice};
use crate::platform::d1::{database, statement, Arg};
use crate::platform::tenant::TenantRecord;
use crate::platform::time::{wall_clock_ms, WorkerClock};
use crate::protocol::{conversation_turn_live, hub_publish, LiveReply, ERASE_PATH, TENANT_HEADER};
use frontdesk_core::brain::understand::language_of;
use frontdesk_core::channel::twilio::relay::{self, CallState, Handoff, Incoming};
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::Clock;
use frontdesk_core::voice::language;
use frontdesk_core::voice::latency::TurnTimes;
use frontdesk_core::voice::spoken::{self, Next};
use futures::lock::Mutex;
use std::cell::RefCell;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

const CALL_KEY: &str = "call";
const TENANT_KEY: &str = "tenant";

#[durable_object]
pub struct CallDO {
    state: State,
    env: Env,
    /// One turn at a time (while the object is awake; a hibernated one has none running).
    turn_lock: Mutex<()>,
    /// The reply being said now, which an interrupt cuts short.
    speaking: RefCell<Speaking>,
    /// The call and its tenant as last stored: storage is read once per wake-up, not per
    /// message (a caller's turn waits for every read before its first word).
    call: RefCell<Option<CallState>>,
    tenant: RefCell<Option<TenantRecord>>,
}

impl DurableObject for CallDO {
    fn new(state: State, env: Env) -> Self {
        crate::platform::time::configure_isolate(&env);
        Self {
            state,
            env,
            turn_lock: Mutex::new(()),
            speaking: RefCell::new(Speaking::Idle),
            call: RefCell::new(None),
            tenant: RefCell::new(None),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        if req.method() == worker::Method::Post && req.path() == ERASE_PATH {
            // The caller was erased: the call's state (their number, the reply being said) goes,
            // and a call still connected is ended.
            for ws in self.state.get_websockets() {
                let _ = ws.close(Some(1000), Some("erased"));
            }
            self.call.replace(None);
            self.tenant.replace(None);
            self.state.storage().delete_all().await?;
            return Ok(Response::empty()?.with_status(204));
        }
        let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
        let tenant = req.headers().get(TENANT_HEADER)?.and_then(|t| serde_json::from_str::<TenantRecord>(&t).ok());
        let Some(tenant) = tenant.filter(|_| upgrade.eq_ignore_ascii_case("websocket")) else {
            return Response::error("expected a WebSocket upgrade", 426);
        };
        self.state.storage().put(TENANT_KEY, &tenant).await?;
        self.tenant.replace(Some(tenant));
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        Response::from_websocket(pair.client)
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        let WebSocketIncomingMessage::String(text) = message else { return Ok(()) };
        let incoming = match serde_json::from_str::<Incoming>(&text) {
            Ok(incoming) => incoming,
            Err(e) => {
                worker::console_warn!("unreadable relay message: {e}");
                return Ok(());
            }
        };
        match incoming {
            Incoming::Setup { call_sid, from, to, direction, custom_parameters } => {
                self.update(|call| {
                    // A reconnect sends `setup` again: the call goes on where it was.
                    if call.call_sid != call_sid {
                        *call = CallState { call_sid, from, to, direction, custom_parameters, ..CallState::default() };
                    }
                })
                .await?;
            }
            Incoming::Prompt { voice_prompt, last: true } if !voice_prompt.trim().is_empty() => {
                // The caller's wait starts now, before any queue behind an earlier turn.
                let prompt_at = wall_clock_ms();
                // Two final prompts in quick succession are two turns, in order.
                let _turn = self.turn_lock.lock().await;
                self.turn(&ws, &voice_prompt, prompt_at).await?;
            }
            Incoming::Dtmf { digit } if relay::is_operator_digit(&digit) => {
                let _turn = self.turn_lock.lock().await;
                let (call, was_ended) = self.update(|call| std::mem::replace(&mut call.ended, true)).await?;
                if !was_ended {
                    ws.send_with_str(relay::end_message(Handoff::Human, "The caller pressed 0 for a person.", &call))?;
                }
            }
            // Not behind the turn lock: the caller interrupts the reply already being spoken,
            // even while their next words are being answered.
            Incoming::Interrupt { utterance_until_interrupt } => {
                // A reply still being written stops here; one already out is corrected below.
                let live = matches!(*self.speaking.borrow(), Speaking::Live);
                if live {
                    *self.speaking.borrow_mut() = Speaking::Interrupted(utterance_until_interrupt);
                } else if let (_, Some((message_id, said))) = self.update(|call| call.speaking.take()).await? {
                    let heard = relay::heard_part(&said, &utterance_until_interrupt);
                    self.record_reply(&message_id, Some(&heard), None).await?;
                }
            }
            Incoming::Error { description } => worker::console_warn!("relay error: {description}"),
            _ => {}
        }
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, _reason: String, _clean: bool) -> Result<()> {
        // Twilio hung up, or the call was handed off: nothing is left to send on this socket.
        let _ = ws.close(Some(code.clamp(1000, 4999) as u16), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, error: worker::Error) -> Result<()> {
        worker::console_warn!("relay socket error: {error}");
        Ok(())
    }
}

impl CallDO {
    /// One caller turn: the thread answers, the first sentences are spoken, and an escalation
    /// to a person (or an emergency) hands the call back to Twilio after them.
    async fn turn(&self, ws: &WebSocket, words: &str, prompt_at: u64) -> Result<()> {
        let tenant = self.tenant().await?.ok_or_else(|| worker::Error::RustError("call has no tenant".into()))?;
        // The turn's number is taken before the brain runs, so no two prompts share an event id.
        let (call, number) = self
            .update(|call| {
                (!call.ended).then(|| {
                    call.turns += 1;
                    call.speaking = None;
                    call.turns
                })
            })
            .await?;
        let Some(number) = number else { return Ok(()) };
        let Ok(caller) = PhoneE164::parse(call.person()) else {
            // A withheld number has no thread to keep: a person takes the call.
            ws.send_with_str(relay::end_message(Handoff::Human, "The caller's number is withheld.", &call))?;
            self.update(|call| call.ended = true).await?;
            return Ok(());
        };
        let now = WorkerClock.now_ms();
        let context = tenant.into_context(now);
        let voice = context.settings.voice.clone().unwrap_or_default();
        let (template, today) = (context.settings.template.clone(), context.local_time.date);
        let turn = InboundTurn::from_call(&call.call_sid, number, caller, words, context, now);
        // The brain answers in the language it read the caller's words in; the voice follows.
        let spoken_in = language_of(words);
        let switch = language::switch(call.language.as_deref(), spoken_in, &voice);
        let voice = Voice { settings: &voice, language: spoken_in, switch };
        let mut speaker = Speaker::new(ws, &self.speaking, voice);
        let outcome = conversation_turn_live(&self.env, &turn, |reply| match reply {
            LiveReply::Piece(piece) => speaker.piece(piece),
            LiveReply::Whole(reply) => speaker.whole(reply),
        })
        .await;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                speaker.finish();
                return Err(e);
            }
        };
        if let (false, Some(reply)) = (speaker.has_spoken(), &outcome.reply) {
            speaker.whole(reply);
        }
        let said = speaker.finish();
        // A person or an emergency first; else a goodbye ends the call once its reply is said
        // (read after the reply is out: the caller is not kept waiting for it).
        let handoff = relay::handoff_in(&outcome.events).or_else(|| {
            let goodbye = spoken::next(words, template.as_deref(), today) == Next::HangUp;
            goodbye.then(|| (Handoff::Goodbye, "The caller said goodbye.".to_owned()))
        });
        // Recorded before any other await, so an interrupt of this reply finds it.
        let speaking = outcome.reply_id.clone().filter(|_| said.heard.is_none()).map(|id| (id, said.text.clone()));
        let (call, _) = self
            .update(|call| {
                call.speaking = speaking;
                call.ended |= handoff.is_some();
                if said.switched.is_some() {
                    call.language = said.switched.clone();
                }
            })
            .await?;
        if let Some((handoff, summary)) = handoff {
            ws.send_with_str(relay::end_message(handoff, &summary, &call))?;
        }
        if let Err(e) = hub_publish(&self.env, &outcome.events).await {
            worker::console_error!("publishing the events of {} failed: {e}", turn.event_id);
        }
        if let (Some(id), Some(first_token_at)) = (&outcome.reply_id, said.first_token_at) {
            let times = TurnTimes { prompt_at, first_token_at, last_token_at: said.last_token_at };
            // The history keeps what the caller heard, not what the brain wrote.
            let kept = said.heard.as_deref().unwrap_or(&said.text);
            let rewritten = (outcome.reply.as_deref() != Some(kept)).then_some(kept);
            self.record_reply(id, rewritten, Some(&times)).await?;
            let event = times.event(&turn.tenant_id, &call.call_sid, number, id);
            if let Err(e) = hub_publish(&self.env, &[event]).await {
                worker::console_error!("publishing the wait of {} failed: {e}", turn.event_id);
            }
        }
        Ok(())
    }

    /// Read, change and write the call in one step: no other message runs in between (storage
    /// calls hold the object's input gate), so an interrupt never loses a turn's update.
    async fn update<T>(&self, change: impl FnOnce(&mut CallState) -> T) -> Result<(CallState, T)> {
        let storage = self.state.storage();
        if self.call.borrow().is_none() {
            let stored: CallState = storage.get(CALL_KEY).await?.unwrap_or_default();
            // Another message may have loaded it while this one read: the first copy wins.
            self.call.borrow_mut().get_or_insert(stored);
        }
        // Changed in memory before the write is awaited, so a message handled meanwhile (an
        // interrupt during a turn) starts from this change, never from an older copy.
        let (call, out) = {
            let mut cached = self.call.borrow_mut();
            let call = cached.get_or_insert_with(CallState::default);
            let out = change(call);
            (call.clone(), out)
        };
        storage.put(CALL_KEY, &call).await?;
        Ok((call, out))
    }

    /// The call's tenant, from memory once read (a hibernated object reads it again).
    async fn tenant(&self) -> Result<Option<TenantRecord>> {
        if let Some(tenant) = self.tenant.borrow().clone() {
            return Ok(Some(tenant));
        }
        let stored: Option<TenantRecord> = self.state.storage().get(TENANT_KEY).await?;
        if let Some(tenant) = &stored {
            self.tenant.borrow_mut().get_or_insert_with(|| tenant.clone());
        }
        Ok(stored)
    }

    /// The history keeps what the caller heard (`said`, when it is not what the brain wrote)
    /// and how long they waited for it.
    async fn record_reply(&self, message_id: &str, said: Option<&str>, times: Option<&TurnTimes>) -> Result<()> {
        let Some(tenant) = self.tenant().await? else { return Ok(()) };
        let db = database(&self.env)?;
        let wait = |ms: Option<u64>| ms.map_or(Arg::OptText(None), Arg::Int);
        statement(
            &db,
            "UPDATE messages SET body = COALESCE(?3, body), first_token_ms = COALESCE(?4, first_token_ms), \
             last_token_ms = COALESCE(?5, last_token_ms) WHERE tenant_id = ?1 AND id = ?2",
            &[
                Arg::Text(&tenant.tenant_id),
                Arg::Text(message_id),
                Arg::OptText(said),
                wait(times.map(TurnTimes::first_token_ms)),
                wait(times.map(TurnTimes::last_token_ms)),
            ],
        )?
        .run()
        .await?;
        Ok(())
    }
}
