//! `CallDO`: one per phone call (named by its CallSid), holding Twilio's ConversationRelay
//! WebSocket through the hibernation API.
//!
//! The Worker verifies the handshake and hands the socket here with the tenant's row. Each
//! final `prompt` is a turn of the caller's voice thread, answered by the same `ConversationDO`
//! pipeline as a text (dialogue state, acts, tickets, escalations), and spoken back as `text`
//! tokens. The call's state lives in storage, so a hibernated object or a reconnected socket
//! continues the same call.

use crate::platform::d1::{database, statement, Arg};
use crate::platform::tenant::TenantRecord;
use crate::platform::time::WorkerClock;
use crate::protocol::{conversation_turn, hub_publish, TENANT_HEADER};
use frontdesk_core::channel::twilio::relay::{self, CallState, Handoff, Incoming};
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::Clock;
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
}

impl DurableObject for CallDO {
    fn new(state: State, env: Env) -> Self {
        crate::platform::time::configure_clock(&env);
        Self { state, env }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
        let tenant = req.headers().get(TENANT_HEADER)?.and_then(|t| serde_json::from_str::<TenantRecord>(&t).ok());
        let Some(tenant) = tenant.filter(|_| upgrade.eq_ignore_ascii_case("websocket")) else {
            return Response::error("expected a WebSocket upgrade", 426);
        };
        self.state.storage().put(TENANT_KEY, &tenant).await?;
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
        let mut call: CallState = self.state.storage().get(CALL_KEY).await?.unwrap_or_default();
        match incoming {
            Incoming::Setup { call_sid, from, to, custom_parameters } => {
                // A reconnect sends `setup` again: the call goes on where it was.
                if call.call_sid != call_sid {
                    call = CallState { call_sid, from, to, custom_parameters, ..CallState::default() };
                }
            }
            Incoming::Prompt { voice_prompt, last: true } if !call.ended && !voice_prompt.trim().is_empty() => {
                self.turn(&ws, &mut call, &voice_prompt).await?;
            }
            Incoming::Dtmf { digit } if !call.ended && relay::is_operator_digit(&digit) => {
                ws.send_with_str(relay::end_message(Handoff::Human, "The caller pressed 0 for a person.", &call))?;
                call.ended = true;
            }
            Incoming::Interrupt { utterance_until_interrupt } => {
                if let Some((message_id, said)) = call.speaking.take() {
                    let heard = relay::heard_part(&said, &utterance_until_interrupt);
                    self.keep_as_said(&message_id, &heard).await?;
                }
            }
            Incoming::Error { description } => worker::console_warn!("relay error on {}: {description}", call.call_sid),
            _ => return Ok(()),
        }
        self.state.storage().put(CALL_KEY, &call).await
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
    async fn turn(&self, ws: &WebSocket, call: &mut CallState, words: &str) -> Result<()> {
        let tenant: TenantRecord = self
            .state
            .storage()
            .get(TENANT_KEY)
            .await?
            .ok_or_else(|| worker::Error::RustError("call has no tenant".into()))?;
        let Ok(caller) = PhoneE164::parse(&call.from) else {
            // A withheld number has no thread to keep: a person takes the call.
            ws.send_with_str(relay::end_message(Handoff::Human, "The caller's number is withheld.", call))?;
            call.ended = true;
            return Ok(());
        };
        call.turns += 1;
        let now = WorkerClock.now_ms();
        let turn = InboundTurn::from_call(&call.call_sid, call.turns, caller, words, tenant.into_context(now), now);
        let outcome = conversation_turn(&self.env, &turn).await?;
        if let Err(e) = hub_publish(&self.env, &outcome.events).await {
            worker::console_error!("publishing the events of {} failed: {e}", turn.event_id);
        }
        if let Some(reply) = &outcome.reply {
            let said = relay::spoken(reply);
            for message in relay::text_messages(&said) {
                ws.send_with_str(message)?;
            }
            if let Some(id) = &outcome.reply_id {
                if said != *reply {
                    self.keep_as_said(id, &said).await?;
                }
                call.speaking = Some((id.clone(), said));
            }
        }
        if let Some((handoff, summary)) = relay::handoff_in(&outcome.events) {
            ws.send_with_str(relay::end_message(handoff, &summary, call))?;
            call.ended = true;
        }
        Ok(())
    }

    /// The history keeps what the caller heard, not what the brain wrote.
    async fn keep_as_said(&self, message_id: &str, said: &str) -> Result<()> {
        let tenant: Option<TenantRecord> = self.state.storage().get(TENANT_KEY).await?;
        let Some(tenant) = tenant else { return Ok(()) };
        let db = database(&self.env)?;
        statement(
            &db,
            "UPDATE messages SET body = ?3 WHERE tenant_id = ?1 AND id = ?2",
            &[Arg::Text(&tenant.tenant_id), Arg::Text(message_id), Arg::Text(said)],
        )?
        .run()
        .await?;
        Ok(())
    }
}
