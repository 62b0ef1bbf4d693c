//! `GET /api/v1/channels` (docs/API.md): the tenant's channels for the console's settings —
//! provider, address and whether replies really go out; never a secret (`core::console::channels`).

use super::authenticate;
use crate::error::{json_response, AppResult};
use crate::platform::d1::tenant_channels;
use frontdesk_core::console::channels::view;
use serde_json::json;
use worker::{Env, Request, Response};

pub async fn list(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let rows = tenant_channels(&db, &tenant_id).await?;
    let data: Vec<_> =
        rows.iter().map(|r| view(&r.provider, &r.address, &r.config, r.has_secret != 0, r.created_at)).collect();
    Ok(json_response(200, &json!({ "data": data })))
}
