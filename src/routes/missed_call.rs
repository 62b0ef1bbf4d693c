//! `POST /webhooks/missed-call/{tenant}`: the tenant's phone system reports a call nobody
//! answered; the caller gets a follow-up text at once (docs/API.md). Authenticated with the
//! tenant's API key; the call id is the idempotency key, so a report sent twice texts once.

use super::{authenticate_key, json_body};
use crate::error::{json_response, AppError, AppResult};
use crate::platform::d1;
use crate::platform::events::publish_all;
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::Channel;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::Clock;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::WorkerClock;
use serde::Deserialize;
use serde_json::json;
use worker::{Context, Env, Request, Response};

const MAX_BODY_BYTES: usize = 4096;
/// Call ids from phone systems are short tokens; a bound keeps the ledger key sane.
const MAX_CALL_ID_CHARS: usize = 128;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MissedCall {
    from: String,
    call_id: String,
    #[serde(default)]
    channel: Option<Channel>,
}

pub async fn post(mut req: Request, env: Env, ctx: &Context, slug: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, &env).await?;
    let tenant = d1::tenant_row(&db, &owner.tenant_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("tenant {} has a key but no row", owner.tenant_id)))?;
    if tenant.slug != slug {
        // Another tenant's URL: answered as if it did not exist.
        return Err(ApiError::not_found("tenant").into());
    }
    let call: MissedCall =
        json_body(&mut req, MAX_BODY_BYTES, r#"{"from": "+E.164", "call_id": "…", "channel"?: "sms" | "whatsapp"}"#)
            .await?;
    let phone = PhoneE164::parse(&call.from).map_err(|e| ApiError::malformed_body(format!("from: {e}")))?;
    let call_id = call.call_id.trim();
    if call_id.is_empty() || call_id.chars().count() > MAX_CALL_ID_CHARS {
        return Err(ApiError::malformed_body(format!("call_id: 1 to {MAX_CALL_ID_CHARS} characters")).into());
    }
    let now = WorkerClock.now_ms();
    let context = tenant.into_context(now);
    let turn =
        InboundTurn::missed_call(context, "missed_call", phone, call_id, call.channel.unwrap_or(Channel::Sms), now);
    let outcome = conversation_turn(&env, &turn).await?;
    if !outcome.events.is_empty() {
        let env = env.clone();
        ctx.wait_until(async move { publish_all(&env, outcome.events).await });
    }
    Ok(json_response(202, &json!({ "follow_up": outcome.reply })))
}
