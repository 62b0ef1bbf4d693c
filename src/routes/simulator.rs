//! `POST /api/v1/simulator/sms` `{"from", "body"}` — development and test only: a text to the
//! tenant's own Twilio number, signed with the tenant's token (which the browser must never
//! hold) and handed to the real SMS webhook, which verifies and answers it like any other. The
//! console's onboarding wizard uses it to try a business before a provider is connected.
//! Elsewhere it is 404: in production it would let a signed-in user forge customers' messages.

use super::{authenticate, json_body, twilio_sms};
use crate::error::{json_response, AppResult};
use crate::platform::{config, outbound};
use frontdesk_core::api::ApiError;
use frontdesk_core::channel::twilio::{self, simulate};
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::Random;
use frontdesk_durable::platform::time::WorkerRandom;
use serde::Deserialize;
use worker::{Context, Env, Headers, Method, Request, RequestInit, Response};

const MAX_BODY_BYTES: usize = 8192;
/// Ten SMS segments, as Twilio delivers at most.
const MAX_TEXT_CHARS: usize = 1600;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Simulated {
    from: String,
    body: String,
}

pub async fn sms(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    if !config::environment(&env).is_local() {
        return Err(ApiError::not_found("route").into());
    }
    let (db, tenant_id) = authenticate(&req, &env).await?;
    let input: Simulated = json_body(&mut req, MAX_BODY_BYTES, r#"{"from": "+447700900123", "body": "…"}"#).await?;
    let from = PhoneE164::parse(&input.from).map_err(|e| ApiError::bad_request(format!("`from`: {e}")))?;
    let text = input.body.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request(format!("`body`: 1 to {MAX_TEXT_CHARS} characters")).into());
    }
    let channel = outbound::channel_row(&db, &tenant_id, twilio::PROVIDER)
        .await?
        .ok_or_else(|| ApiError::unprocessable("no_sms_number", "the tenant has no Twilio number to text"))?;
    let token = config::channel_secret(&env, &tenant_id, twilio::PROVIDER, &channel.secret_ref)?;
    let url = format!("{}/webhooks/twilio/sms", config::public_base_url(&env)?);
    let sid = format!("SM{:016x}{:016x}", WorkerRandom.next_u64(), WorkerRandom.next_u64());
    let signed = simulate::signed_sms(&token, &url, &sid, from.as_str(), &channel.address, text);

    let headers = Headers::new();
    headers.set("content-type", "application/x-www-form-urlencoded")?;
    headers.set("x-twilio-signature", &signed.signature)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(signed.body.into()));
    let webhook = Request::new_with_init(&url, &init)?;
    let mut answer = twilio_sms::post(webhook, env, ctx).await?;
    let twiml = answer.text().await?;
    Ok(json_response(
        200,
        &serde_json::json!({
            "message_sid": sid,
            "from": from.as_str(),
            "to": channel.address,
            "status": answer.status_code(),
            "replies": simulate::reply_texts(&twiml),
        }),
    ))
}
