//! `GET /api/v1/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD` (docs/API.md "Analytics"): the
//! tenant's numbers over local dates — read by `platform::d1::analytics`, added up by
//! `core::analytics`.

use super::{authenticate, query_param};
use crate::error::{json_response, AppResult};
use crate::platform::analytics::tenant_report;
use crate::platform::d1::tenant_row;
use frontdesk_core::analytics::Range;
use frontdesk_core::api::ApiError;
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::time::{local_time, WorkerClock};
use worker::{Env, Request, Response};

pub async fn get(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let (from, to) = (query_param(&req, "from")?, query_param(&req, "to")?);
    let row = tenant_row(&db, &tenant_id).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
    let today = local_time(WorkerClock.now_ms(), &row.timezone).date;
    let range = Range::parse(from.as_deref(), to.as_deref(), today).map_err(ApiError::bad_request)?;
    Ok(json_response(200, &tenant_report(&db, &tenant_id, &row.timezone, &row.settings, range).await?))
}
