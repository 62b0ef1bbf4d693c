//! `POST /api/v1/understand`: what the rules brain understands of one message, for the
//! tenant's own tests and for evaluation (docs/API.md). Relative dates resolve against the
//! tenant's local date; the template defaults to the tenant's.

use super::{authenticate, json_body};
use crate::error::{json_response, AppError, AppResult};
use crate::platform::d1;
use frontdesk_core::brain::understand::{understand, Input};
use frontdesk_core::ports::Clock;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::time::{local_time, WorkerClock};
use serde::Deserialize;
use worker::{Env, Request, Response};

/// One message, with room for its JSON wrapping; the understanding reads 4 KiB of it.
const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    utterance: String,
    #[serde(default)]
    system_before: Option<String>,
    #[serde(default)]
    tenant_template: Option<String>,
}

pub async fn post(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let body: Body =
        json_body(&mut req, MAX_BODY_BYTES, r#"{"utterance", "system_before"?, "tenant_template"?}"#).await?;
    let profile = d1::tenant_profile(&db, &tenant_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("tenant {tenant_id} has a key but no row")))?;
    let settings: Settings = serde_json::from_str(&profile.settings).unwrap_or_default();
    let today = local_time(WorkerClock.now_ms(), &profile.timezone).date;
    let understood = understand(&Input {
        utterance: &body.utterance,
        system_before: body.system_before.as_deref(),
        tenant_template: body.tenant_template.as_deref().or(settings.template.as_deref()),
        today,
    });
    Ok(json_response(200, &serde_json::to_value(understood)?))
}
