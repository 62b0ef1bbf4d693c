//! `GET /api/v1/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD` (docs/API.md "Analytics"): the
//! tenant's numbers over local dates — read by `platform::d1::analytics`, added up by
//! `core::analytics`.

use super::{authenticate, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::d1::{analytics, tenant_row};
use frontdesk_core::analytics::{report, Range};
use frontdesk_core::api::ApiError;
use frontdesk_core::booking::instant;
use frontdesk_core::ports::Clock;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::time::{local_time, TenantZone, WorkerClock};
use worker::{D1Database, Env, Request, Response};

pub async fn get(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let (from, to) = (query_param(&req, "from")?, query_param(&req, "to")?);
    let row = tenant_row(&db, &tenant_id).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
    let today = local_time(WorkerClock.now_ms(), &row.timezone).date;
    let range = Range::parse(from.as_deref(), to.as_deref(), today).map_err(ApiError::bad_request)?;
    Ok(json_response(200, &tenant_report(&db, &tenant_id, &row.timezone, &row.settings, range).await?))
}

/// The report of `range` for a tenant (also the daily summary's numbers).
pub async fn tenant_report(
    db: &D1Database,
    tenant_id: &str,
    timezone: &str,
    settings_json: &str,
    range: Range,
) -> AppResult<serde_json::Value> {
    let zone = TenantZone::new(timezone);
    let settings: Settings = serde_json::from_str(settings_json).unwrap_or_default();
    let (start, end) = (instant(&zone, range.from, 0), instant(&zone, range.to.add_days(1), 0));
    let facts = analytics::facts(db, tenant_id, start, end).await?;
    Ok(report(&facts, range, &zone, &settings))
}
