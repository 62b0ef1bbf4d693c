//! `POST /api/v1/conversations/{id}/suggest` → 200 `{"text", "sources", "source", "fallback"?}`:
//! the copilot's draft of a reply to the contact's last message (core::console::copilot) — the
//! tenant's own brain with the knowledge base searched for that message and what the
//! conversation has established (the contact's lead fields and dialogue state), as the
//! conversation's turn does. An LLM tenant's model drafts from the same prompt with the
//! conversation's earlier messages (its tokens charged to the month); the rules brain drafts
//! when the budget is spent or the model fails, and `source` / `fallback` say so.
//! Nothing is sent or stored.

use super::api::inbox_item;
use super::authenticate;
use crate::error::{json_response, AppError, AppResult};
use crate::platform::d1::{self, console_reads};
use frontdesk_core::api::{ApiError, PageRequest};
use frontdesk_core::brain::{rules::RulesBrain, Brain, Turn};
use frontdesk_core::channel::Channel;
use frontdesk_core::console::copilot::{self, Context, Drafter, Fallback};
use frontdesk_core::llm::{budget_mode, transcript_within, BudgetMode, LlmSettings, TRANSCRIPT_CHARS};
use frontdesk_core::plan::usage::month_key;
use frontdesk_core::ports::Clock;
use frontdesk_core::records::Message;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::draft_reply;
use frontdesk_durable::platform::kb::{self, SearchQuery};
use frontdesk_durable::platform::llm_usage;
use frontdesk_durable::platform::time::{local_time, WorkerClock};
use worker::{D1Database, Env, Request, Response};

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
    let (text, source, fallback) = match &settings.llm {
        Some(llm) => llm_draft(env, &db, (&tenant_id, id), llm, &turn, (&recent, &last_inbound.id)).await,
        None => (RulesBrain.respond(&turn).text, Drafter::Rules, None),
    };
    let suggestion = copilot::suggestion(text.unwrap_or_default(), &knowledge, source, fallback);
    Ok(json_response(200, &serde_json::to_value(suggestion)?))
}

/// The tenant's model drafts from the conversation so far, charged to the month like a turn;
/// the rules brain drafts instead when the month's budget is spent or the model fails.
async fn llm_draft(
    env: &Env,
    db: &D1Database,
    (tenant_id, conversation_id): (&str, &str),
    llm: &LlmSettings,
    turn: &Turn,
    (recent, last_inbound_id): (&[Message], &str),
) -> (Option<String>, Drafter, Option<Fallback>) {
    let month = month_key(turn.local_time.date);
    let used = llm_usage::month_tokens(db, tenant_id, &month).await.unwrap_or_else(|e| {
        worker::console_error!("reading LLM usage for a suggestion failed, assuming none: {e}");
        0
    });
    if budget_mode(used, llm.monthly_token_budget) == BudgetMode::Exhausted {
        return (RulesBrain.respond(turn).text, Drafter::Rules, Some(Fallback::BudgetSpent));
    }
    let lines = recent.iter().map(|m| (m.id.as_str(), m.direction.as_str(), m.body.as_str()));
    let history = transcript_within(&copilot::history(lines, last_inbound_id), TRANSCRIPT_CHARS);
    let outcome = draft_reply(env, llm, turn, used, &history, tenant_id).await;
    if outcome.usage.total() > 0 {
        let charged = match llm_usage::charge(db, tenant_id, &month, &outcome.usage) {
            Ok(statement) => statement.run().await.map(|_| ()),
            Err(e) => Err(e),
        };
        if let Err(e) = charged {
            worker::console_error!("charging a suggestion's tokens in {conversation_id} failed: {e}");
        }
    }
    match outcome.fallback {
        None => (outcome.reply.text, Drafter::Llm, None),
        Some(why) => {
            worker::console_warn!("the copilot's model failed in {conversation_id}; the rules brain drafted: {why}");
            (outcome.reply.text, Drafter::Rules, Some(Fallback::LlmFailed))
        }
    }
}
