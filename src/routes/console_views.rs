//! The console's read-only views: `GET /api/v1/stats` (the counters, for the tenant's local
//! day) and `GET /api/v1/contacts/{id}/timeline` (a contact's one timeline across channels,
//! core::console::timeline).

use super::authenticate;
use super::listings::find_contact;
use crate::error::{json_response, AppError, AppResult};
use crate::platform::d1::{self, console_reads};
use frontdesk_core::api::ApiError;
use frontdesk_core::console::{stats::day_start_ms, timeline};
use frontdesk_core::ids;
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::time::{local_time, WorkerClock};
use serde_json::json;
use worker::{Env, Request, Response};

pub async fn stats(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let profile = d1::tenant_profile(&db, &tenant_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("tenant {tenant_id} has a caller but no row")))?;
    let now = WorkerClock.now_ms();
    let day_start = day_start_ms(now, &local_time(now, &profile.timezone));
    let counters = console_reads::stats(&db, &tenant_id, day_start)
        .await?
        .ok_or_else(|| AppError::Internal("the counters query returned no row".into()))?;
    Ok(json_response(200, &serde_json::to_value(counters)?))
}

pub async fn contact_timeline(req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    if !ids::is_well_formed(contact_id) {
        return Err(ApiError::not_found("contact").into());
    }
    find_contact(&db, &tenant_id, contact_id).await?;
    let contact = d1::contact(&db, &tenant_id, contact_id).await?;
    let items = timeline::merge(console_reads::timeline(&db, &tenant_id, contact_id).await?);
    Ok(json_response(200, &json!({ "contact": contact, "items": items })))
}
