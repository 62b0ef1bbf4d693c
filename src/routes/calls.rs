//! `GET /api/v1/calls[?contact_id=]` and `GET /api/v1/calls/{id}` (docs/API.md): the tenant's
//! phone calls. The recording's URL is only ever given out here, behind the tenant's API key;
//! `DELETE /api/v1/calls/{id}/recording` deletes it at Twilio before its retention runs out.
//! `POST /api/v1/calls` places a call (`platform::outbound_calls::make_call`).

use super::{authenticate, authenticate_key, json_body, page_request, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1::calls;
use crate::platform::outbound_calls::make_call;
use crate::platform::recordings::{delete_recording, Deletion};
use frontdesk_core::api::{page, ApiError};
use frontdesk_core::ports::Clock;
use frontdesk_core::voice::outbound::{idempotency_key, MakeCallRequest};
use frontdesk_durable::platform::time::WorkerClock;
use worker::{Env, Request, Response};

/// `{"to", "purpose", "contact_id"?}` is well under this.
const MAX_BODY_BYTES: usize = 4 * 1024;

pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let key = idempotency_key(req.headers().get("idempotency-key")?.as_deref())?;
    let expected = r#"{"to": "+44…", "purpose": "callback" | "lead_follow_up", "contact_id"?}"#;
    let call = json_body::<MakeCallRequest>(&mut req, MAX_BODY_BYTES, expected).await?.validate()?;
    let stored = make_call(env, &db, &tenant_id, &call, key.as_deref()).await?;
    Ok(json_response(202, &serde_json::to_value(stored)?))
}

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let request = page_request(&req)?;
    let contact_id = query_param(&req, "contact_id")?;
    let rows = calls::call_list(&db, &tenant_id, contact_id.as_deref(), &request).await?;
    Ok(json_response(200, &page(&request, rows)))
}

pub async fn get(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(req, env).await?;
    let call = calls::call(&db, &tenant_id, id).await?.ok_or_else(|| ApiError::not_found("call"))?;
    Ok(json_response(200, &serde_json::to_value(call)?))
}

pub async fn delete_recording_of(req: &Request, env: &Env, id: &str) -> AppResult<Response> {
    let (db, owner) = authenticate_key(req, env).await?;
    let tenant_id = owner.tenant_id.as_str();
    let call = calls::call(&db, tenant_id, id).await?.ok_or_else(|| ApiError::not_found("call"))?;
    let sid = call.recording_sid.as_deref().ok_or_else(|| ApiError::not_found("recording"))?;
    let actor = owner.actor();
    let now = WorkerClock.now_ms();
    if let Deletion::Refused(_) = delete_recording(env, &db, (tenant_id, id, sid), (&actor, "api"), now).await? {
        return Err(ApiError::provider_failed("Twilio did not delete the recording; it is kept, try again").into());
    }
    let call = calls::call(&db, tenant_id, id).await?.ok_or_else(|| ApiError::not_found("call"))?;
    Ok(json_response(200, &serde_json::to_value(call)?))
}
