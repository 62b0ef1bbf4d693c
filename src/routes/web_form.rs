//! `POST /webhooks/forms/{tenant}`: an enquiry from the business's website form (docs/API.md).
//!
//! Authenticated with the tenant's API key or an `X-Frontdesk-Signature` HMAC (for form
//! services that can only sign) → validated → the contact is found or created by phone and
//! email (merged when both name one person) → the thread's object answers it once per
//! submission id, on the contact's preferred channel, through the outbox.

use super::{authenticate_key, body_bytes};
use crate::error::{json_response, AppResult};
use crate::platform::events::publish_all;
use crate::platform::{config, d1};
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::webform::{self, Submission};
use frontdesk_core::ids;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::time::{wall_clock_ms, WorkerClock, WorkerRandom};
use serde_json::json;
use worker::{Context, Env, Request, Response};

/// Forms are small; 64 KiB holds the longest enquiry and dozens of fields.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn post(mut req: Request, env: Env, ctx: &Context, slug: &str) -> AppResult<Response> {
    let now = WorkerClock.now_ms();
    let db = d1::database(&env)?;
    // A tenant takes forms once it has a `form` channel (address = its slug).
    let tenant =
        d1::channel_tenant(&db, webform::PROVIDER, slug, now).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
    let raw = body_bytes(&mut req, MAX_BODY_BYTES).await?;
    let signature = req.headers().get(webform::SIGNATURE_HEADER)?;
    if req.headers().has("authorization")? {
        let (_, owner) = authenticate_key(&req, &env).await?;
        if owner.tenant_id != tenant.tenant_id {
            return Err(ApiError::not_found("tenant").into());
        }
    } else {
        let header = signature.ok_or_else(ApiError::invalid_signature)?;
        let secret = config::channel_secret(&env, &tenant.tenant_id, webform::PROVIDER, &tenant.secret_ref)?;
        if webform::verify(&secret, &header, &raw, wall_clock_ms() / 1000).is_err() {
            return Err(ApiError::invalid_signature().into());
        }
    }
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    let form = Submission::parse(&content_type, &raw).map_err(ApiError::malformed_body)?;
    if let (Some(phone), Some(email)) = (&form.phone, &form.email) {
        let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
        d1::link_identities(&db, &tenant.tenant_id, phone, email, &audit_id, now).await?;
    }
    let turn = InboundTurn::from_form(&form, tenant.into_context(now), now);
    let outcome = conversation_turn(&env, &turn).await?;
    if !outcome.events.is_empty() {
        let env = env.clone();
        ctx.wait_until(async move { publish_all(&env, outcome.events).await });
    }
    Ok(json_response(
        202,
        &json!({ "submission_id": form.id, "channel": turn.channel.as_str(), "reply": outcome.reply }),
    ))
}
