//! `GET /api/v1/events`: the tenant's live event stream, served by its `TenantHubDO`.

use super::authenticate;
use crate::error::AppResult;
use frontdesk_core::events::parse_last_event_id;
use frontdesk_durable::hub_stream;
use worker::{Env, Request, Response};

pub async fn get(req: Request, env: &Env) -> AppResult<Response> {
    let (_, tenant_id) = authenticate(&req, env).await?;
    let last = parse_last_event_id(req.headers().get("last-event-id")?.as_deref());
    Ok(hub_stream(env, &tenant_id, last, None).await?)
}
