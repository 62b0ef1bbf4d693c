//! `POST /api/v1/conversations/{id}/suggest` → 200 `{"text", "sources"}`: the copilot's draft
//! of a reply to the contact's last message (core::console::copilot) — the embedded rules
//! brain with the knowledge base searched for that message and what the conversation has
//! established (the contact's lead fields and dialogue state), as the conversation's turn does.
//! Nothing is sent or stored.

use super::api::inbox_item;
use super::authenticate;
use crate::error::{json_response, AppError, AppResult};
use crate::platform::d1::{self, console_reads};
use frontdesk_core::api::{ApiError, PageRequest};
use frontdesk_core::brain::{rules::RulesBrain, Brain};
use frontdesk_core::channel::Channel;
use frontdesk_core::console::copilot::{self, Context};
use frontdesk_core::ports::Clock;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::kb::{self, SearchQuery};
use frontdesk_durable::platform::time::{local_time, WorkerClock};
use worker::{Env, Request, Response};

/// As many passages as the conversation's turn reads.
const PASSAGES: usize = 5;

pub async fn suggest(req: Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let item = inbox_item(&db, &tenant_id, id).await?;
    let recent = d1::message_list(&db, &tenant_id, id, &PageRequest { limit: 50, before: None }).await?;
    let last_inbound = recent.iter().find(|m| m.direction == "inbound" && !m.body.trim().is_empty());
    let Some(last_inbound) = last_inbound else {
        return Err(
            ApiError::unprocessable("nothing_to_answer", "the contact has not written in this conversation").into()
        );
    };
    let last_outbound = recent.iter().find(|m| m.direction == "outbound" && m.created_at <= last_inbound.created_at);
    let tenant = d1::tenant_row(&db, &tenant_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("tenant {tenant_id} has a caller but no row")))?;
    let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
    let query = SearchQuery { text: &last_inbound.body, kb: None, category: None, limit: PASSAGES };
    let knowledge = kb::search(env, &db, &tenant_id, &query).await.unwrap_or_else(|e| {
        worker::console_error!("knowledge search for a suggestion in {id} failed; drafting without it: {e}");
        Vec::new()
    });
    let established = console_reads::established(&db, &tenant_id, &item.contact.id).await?;
    let now = WorkerClock.now_ms();
    let channel = serde_json::from_value::<Channel>(item.conversation.channel.clone().into()).unwrap_or(Channel::Sms);
    let turn = copilot::turn(Context {
        business_name: &tenant.name,
        settings: &settings,
        local_time: local_time(now, &tenant.timezone),
        now_ms: now,
        channel,
        contact_name: item.contact.name.as_deref(),
        last_inbound: &last_inbound.body,
        last_outbound: last_outbound.map(|m| m.body.as_str()),
        knowledge: knowledge.clone(),
        lead_fields: established.lead_fields.as_deref(),
        dialogue: established.dialogue.as_deref(),
    });
    let text = RulesBrain.respond(&turn).text.unwrap_or_default();
    Ok(json_response(200, &serde_json::to_value(copilot::suggestion(text, &knowledge))?))
}
