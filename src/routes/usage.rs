//! `GET /api/v1/usage` (docs/API.md "Usage"): the tenant's plan, this local month's usage per
//! metric against its limits, and what is paused — counted by `platform::usage`, decided by
//! `core::plan`.

use super::authenticate;
use crate::error::{json_response, AppResult};
use crate::platform::d1::tenant_row;
use crate::platform::usage::month_report;
use frontdesk_core::api::ApiError;
use frontdesk_core::ports::Clock;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::time::WorkerClock;
use worker::{Env, Request, Response};

pub async fn get(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let row = tenant_row(&db, &tenant_id).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
    let settings: Settings = serde_json::from_str(&row.settings).unwrap_or_default();
    let report = month_report(&db, &tenant_id, &row.timezone, &settings, WorkerClock.now_ms()).await?;
    Ok(json_response(200, &serde_json::to_value(&report)?))
}
