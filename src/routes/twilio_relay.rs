//! `GET /webhooks/twilio/relay?call=<CallSid>&to=<the tenant's number>`: the WebSocket Twilio's
//! `<ConversationRelay>` opens for a call.
//!
//! The tenant is found by `to` (its Twilio number, as for SMS); the handshake's
//! `X-Twilio-Signature` must be that tenant's auth token over the `wss://` URL Twilio opened,
//! with no body parameters, or the upgrade is refused (403). The socket then belongs to the
//! call's `CallDO`, which takes the turns.

use crate::error::AppResult;
use crate::platform::{config, d1};
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::twilio::{self, relay};
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::Clock;
use frontdesk_durable::call_connect;
use frontdesk_durable::platform::time::WorkerClock;
use worker::{Env, Request, Response};

pub async fn get(req: Request, env: Env) -> AppResult<Response> {
    let call_sid = super::query_param(&req, "call")?
        .filter(|sid| sid.starts_with("CA") && sid.len() <= 64 && sid.bytes().all(|b| b.is_ascii_alphanumeric()))
        .ok_or_else(|| ApiError::malformed_body("`call` must be the call's CallSid"))?;
    let to = super::query_param(&req, "to")?.unwrap_or_default();
    let to = PhoneE164::parse(&to).map_err(|_| ApiError::malformed_body("`to` must be the tenant's E.164 number"))?;

    let db = d1::database(&env)?;
    let tenant = d1::channel_tenant(&db, twilio::PROVIDER, to.as_str(), WorkerClock.now_ms())
        .await?
        .ok_or_else(|| ApiError::unknown_number(to.as_str()))?;
    let auth_token = config::channel_secret(&env, &tenant.tenant_id, twilio::PROVIDER, &tenant.secret_ref)?;
    let signature = req.headers().get("x-twilio-signature")?.unwrap_or_default();
    let url = req.url()?;
    let signed = relay::signed_url(&config::public_base_url(&env)?, url.path(), url.query());
    if !twilio::verify_form(&auth_token, &signed, &[], &signature) {
        return Err(ApiError::invalid_signature().into());
    }
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Ok(Response::error("this route is a WebSocket", 426)?);
    }
    Ok(call_connect(&env, &call_sid, &tenant.record()).await?)
}
