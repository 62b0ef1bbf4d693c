//! `ConversationDO`: one per conversation. Runs each turn through the brain, one at a time
//! (the runtime delivers one request at a time while this object awaits nothing else), and
//! keeps the conversation's short-term state: how many turns ran and what was understood last.

use crate::protocol::TURN_PATH;
use frontdesk_core::brain::{rules::RulesBrain, Brain, Turn};
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, Response, Result, State};

#[derive(Debug, Default, Serialize, Deserialize)]
struct ShortTermState {
    turns: u32,
    last_intent: Option<frontdesk_core::brain::Intent>,
}

const STATE_KEY: &str = "state";

#[durable_object]
pub struct ConversationDO {
    state: State,
}

impl DurableObject for ConversationDO {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.method() != Method::Post || req.path() != TURN_PATH {
            return Response::error("not found", 404);
        }
        let turn: Turn = req.json().await?;
        let reply = RulesBrain.respond(&turn);
        let storage = self.state.storage();
        let mut memory: ShortTermState = storage.get(STATE_KEY).await?.unwrap_or_default();
        memory.turns += 1;
        memory.last_intent = Some(reply.intent);
        storage.put(STATE_KEY, &memory).await?;
        Response::from_json(&reply)
    }
}
