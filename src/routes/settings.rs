//! `GET /api/v1/settings`, `PUT /api/v1/settings` and `POST /api/v1/settings/template`: a
//! tenant configures its own front desk (docs/API.md). Every write is validated as a whole —
//! the 400 names every problem — and recorded in `audit_log`.

use super::{authenticate, authenticate_key, json_body};
use crate::error::{json_response, AppError, AppResult};
use crate::platform::d1::{self, TenantRow};
use frontdesk_core::api::ApiError;
use frontdesk_core::ids;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tenant::{Settings, TEMPLATES};
use frontdesk_durable::platform::time::{timezone_is_known, WorkerClock, WorkerRandom};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Env, Request, Response};

/// Settings are a few KiB at most (hours, texts, a handful of on-call contacts).
const MAX_BODY_BYTES: usize = 32 * 1024;
const MAX_NAME_CHARS: usize = 120;

pub async fn get(req: Request, env: &Env) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let row = load(&db, &tenant_id).await?;
    Ok(json_response(200, &view(&row)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Update {
    name: Option<String>,
    timezone: Option<String>,
    settings: Option<Value>,
}

pub async fn put(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let update: Update = json_body(&mut req, MAX_BODY_BYTES, r#"{"name"?, "timezone"?, "settings"?: {…}}"#).await?;
    let mut row = load(&db, &owner.tenant_id).await?;
    let mut problems = Vec::new();
    if let Some(name) = update.name {
        if name.trim().is_empty() || name.chars().count() > MAX_NAME_CHARS {
            problems.push(format!("name: 1 to {MAX_NAME_CHARS} characters"));
        }
        row.name = name.trim().to_owned();
    }
    if let Some(timezone) = update.timezone {
        if !timezone_is_known(&timezone) {
            problems.push(format!("timezone: `{timezone}` is not an IANA timezone (e.g. Europe/London)"));
        }
        row.timezone = timezone;
    }
    if let Some(settings) = update.settings {
        match serde_json::from_value::<Settings>(settings) {
            Ok(mut settings) => {
                let stored: Settings = serde_json::from_str(&row.settings).unwrap_or_default();
                if let Err(refusal) = settings.keep_stored_plan(&stored) {
                    return Err(ApiError { message: refusal, ..ApiError::forbidden() }.into());
                }
                if let Err(mut found) = settings.validate() {
                    problems.append(&mut found);
                }
                row.settings = serde_json::to_string(&settings)?;
            }
            Err(e) => problems.push(format!("settings: {e}")),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::malformed_body(problems.join("; ")).into());
    }
    save(&db, &row, &owner.actor()).await?;
    Ok(json_response(200, &view(&row)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateChoice {
    template: String,
}

pub async fn apply_template(mut req: Request, env: &Env) -> AppResult<Response> {
    let (db, owner) = authenticate_key(&req, env).await?;
    let choice: TemplateChoice = json_body(&mut req, MAX_BODY_BYTES, r#"{"template": "…"}"#).await?;
    let mut row = load(&db, &owner.tenant_id).await?;
    let current: Settings = serde_json::from_str(&row.settings).unwrap_or_default();
    let next = current.with_template(&choice.template).ok_or_else(|| {
        ApiError::malformed_body(format!("template: `{}` is not one of {}", choice.template, TEMPLATES.join(", ")))
    })?;
    row.settings = serde_json::to_string(&next)?;
    save(&db, &row, &owner.actor()).await?;
    Ok(json_response(200, &view(&row)?))
}

async fn load(db: &D1Database, tenant_id: &str) -> AppResult<TenantRow> {
    d1::tenant_row(db, tenant_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("tenant {tenant_id} has a key but no row")))
}

async fn save(db: &D1Database, row: &TenantRow, actor: &str) -> AppResult<()> {
    let now = WorkerClock.now_ms();
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    d1::save_tenant(db, row, actor, &audit_id, now).await?;
    d1::forget_cached_channels();
    Ok(())
}

fn view(row: &TenantRow) -> AppResult<Value> {
    let settings: Value = serde_json::from_str(&row.settings)?;
    let template = settings.get("template").and_then(Value::as_str);
    Ok(json!({
        "tenant": { "id": row.id, "slug": row.slug, "name": row.name, "timezone": row.timezone, "status": row.status },
        "intake": frontdesk_core::lead::builder_view(template),
        "settings": settings,
        "templates": TEMPLATES,
    }))
}
