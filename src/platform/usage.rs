//! Plans and quotas on D1 (`core::plan`): the month's usage (counted in
//! `frontdesk_durable::platform::usage`), the refusal of what a used-up quota holds back, and
//! the sweeper's step that tells each owner — by email, once — when a metric reaches 80 % and
//! 100 % of the plan, or when activity looks unusual (`core::plan::activity`).

use super::d1::{audit_statement, owner_emails, statement, Arg, Audit};
use super::outbound::send_email;
use crate::error::AppResult;
use frontdesk_core::api::ApiError;
use frontdesk_core::ids;
use frontdesk_core::plan::activity::{hour, unusual, WINDOW_MS};
use frontdesk_core::plan::usage::{alert_email, alert_key};
use frontdesk_core::ports::Random;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::time::WorkerRandom;
pub use frontdesk_durable::platform::usage::{month_report, texts_paused};
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env, Result};

#[derive(Deserialize)]
struct Tenant {
    id: String,
    name: String,
    timezone: String,
    settings: String,
}

/// What the sweeper's usage step found.
#[derive(Debug, Default, serde::Serialize)]
pub struct Checked {
    /// Alerts raised this pass (each sent once).
    pub alerts: u32,
    /// Tenants whose texts we start (follow-ups, listing offers) wait: their SMS quota is used.
    pub texts_paused: Vec<String>,
}

/// Sweeper step: quota alerts (80 %, 100 %) and unusual-activity alerts for every active
/// tenant, each recorded in `usage_alerts` first so it is sent once, and which tenants'
/// outbound texts pause this pass.
pub async fn check(env: &Env, db: &D1Database, now: u64) -> Result<Checked> {
    let tenants: Vec<Tenant> =
        statement(db, "SELECT id, name, timezone, settings FROM tenants WHERE status = 'active' LIMIT 1000", &[])?
            .all()
            .await?
            .results()?;
    let mut checked = Checked::default();
    for tenant in tenants {
        let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
        let report = month_report(db, &tenant.id, &tenant.timezone, &settings, now).await?;
        if report.paused.texts.is_some() {
            checked.texts_paused.push(tenant.id.clone());
        }
        for line in report.alerts() {
            let kind = format!("{}:{}", line.metric.as_str(), line.level.percent());
            let action = format!("usage.{kind}");
            if !record(db, &tenant.id, &report.month, &kind, &action, json!(line), now).await? {
                continue;
            }
            let (subject, text) = alert_email(&tenant.name, line, &report.month);
            let key = |to: &str| alert_key(&report.month, line.metric, line.level, to);
            email_owners(env, db, &tenant.id, &key, &subject, &text).await?;
            checked.alerts += 1;
        }
        for found in unusual_activity(db, &tenant.id, now).await? {
            let detail = json!({ "alert": found.kind(), "window_ms": WINDOW_MS });
            if !record(db, &tenant.id, &hour(now), &found.kind(), found.action(), detail, now).await? {
                continue;
            }
            let (subject, text) = found.email(&tenant.name);
            email_owners(env, db, &tenant.id, &|to| found.key(now, to), &subject, &text).await?;
            checked.alerts += 1;
        }
    }
    Ok(checked)
}

/// The last hour's outbound texts and new contacts, judged by core.
async fn unusual_activity(
    db: &D1Database,
    tenant_id: &str,
    now: u64,
) -> Result<Vec<frontdesk_core::plan::activity::Unusual>> {
    #[derive(Deserialize)]
    struct Sent {
        sent: u64,
    }
    #[derive(Deserialize)]
    struct Phone {
        phone: String,
    }
    let since = now.saturating_sub(WINDOW_MS);
    let sent: Option<Sent> = statement(
        db,
        "SELECT COUNT(*) AS sent FROM messages WHERE tenant_id = ?1 AND direction = 'outbound' \
         AND channel IN ('sms', 'whatsapp') AND created_at >= ?2 AND created_at <= ?3",
        &[Arg::Text(tenant_id), Arg::Int(since), Arg::Int(now)],
    )?
    .first(None)
    .await?;
    let phones: Vec<Phone> = statement(
        db,
        "SELECT phone FROM contacts WHERE tenant_id = ?1 AND phone IS NOT NULL AND created_at >= ?2 \
         AND created_at <= ?3 LIMIT 5000",
        &[Arg::Text(tenant_id), Arg::Int(since), Arg::Int(now)],
    )?
    .all()
    .await?
    .results()?;
    let phones: Vec<&str> = phones.iter().map(|p| p.phone.as_str()).collect();
    Ok(unusual(sent.map_or(0, |s| s.sent), &phones))
}

/// Stores the alert with its audit entry; `false` when it was already raised.
async fn record(
    db: &D1Database,
    tenant_id: &str,
    period: &str,
    kind: &str,
    action: &str,
    detail: serde_json::Value,
    now: u64,
) -> Result<bool> {
    let detail = detail.to_string();
    let inserted = statement(
        db,
        "INSERT INTO usage_alerts (tenant_id, period, kind, detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT DO NOTHING",
        &[Arg::Text(tenant_id), Arg::Text(period), Arg::Text(kind), Arg::Text(&detail), Arg::Int(now)],
    )?
    .run()
    .await?;
    if inserted.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return Ok(false);
    }
    let id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let audit = Audit { id: &id, tenant_id, actor: "system", action, subject: period, detail: &detail, at_ms: now };
    audit_statement(db, &audit)?.run().await?;
    Ok(true)
}

/// Emails every owner of the tenant, each under its own outbox key.
async fn email_owners(
    env: &Env,
    db: &D1Database,
    tenant_id: &str,
    key: &dyn Fn(&str) -> String,
    subject: &str,
    text: &str,
) -> Result<()> {
    for owner in owner_emails(db, tenant_id).await? {
        send_email(env, tenant_id, &key(&owner), &owner, subject, text).await?;
    }
    Ok(())
}

/// 422 `quota_exceeded` with the reason when the tenant's SMS quota holds back texts we start.
pub async fn refuse_texts_if_paused(db: &D1Database, tenant_id: &str, now: u64) -> AppResult<()> {
    match texts_paused(db, tenant_id, now).await? {
        Some(reason) => Err(ApiError::unprocessable("quota_exceeded", reason).into()),
        None => Ok(()),
    }
}
