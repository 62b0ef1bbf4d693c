//! The month's usage of a tenant counted from the rows it is made of (`core::plan`): read by
//! `GET /api/v1/usage`, the sweeper's alerts, and everything the business starts that a used-up
//! quota holds back (follow-ups, listing offers, staff texts, calls placed).

use super::d1::{statement, Arg};
use super::time::{local_time, TenantZone};
use frontdesk_core::booking::instant;
use frontdesk_core::plan::usage::{month_bounds, month_key};
use frontdesk_core::plan::{Counts, UsageReport};
use frontdesk_core::tenant::Settings;
use worker::{D1Database, Result};

/// The usage of the tenant's local month containing `now`.
pub async fn month_report(
    db: &D1Database,
    tenant_id: &str,
    timezone: &str,
    settings: &Settings,
    now: u64,
) -> Result<UsageReport> {
    let today = local_time(now, timezone).date;
    let (first, next) = month_bounds(today);
    let zone = TenantZone::new(timezone);
    let (start, end) = (instant(&zone, first, 0), instant(&zone, next, 0));
    let month = month_key(today);
    // Texts count once handed to a provider (or simulated, or queued to be): a refused send is
    // not charged. Call minutes round each call up, as carriers bill them.
    let counts: Option<Counts> = statement(
        db,
        "SELECT \
           (SELECT COUNT(*) FROM messages WHERE tenant_id = ?1 AND direction = 'outbound' AND channel = 'sms' \
              AND status NOT IN ('failed', 'undelivered') AND created_at >= ?2 AND created_at < ?3) AS sms, \
           (SELECT COUNT(*) FROM messages WHERE tenant_id = ?1 AND direction = 'outbound' AND channel = 'whatsapp' \
              AND status NOT IN ('failed', 'undelivered') AND created_at >= ?2 AND created_at < ?3) AS whatsapp, \
           (SELECT COUNT(*) FROM calls WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3) AS calls, \
           (SELECT COALESCE(SUM((COALESCE(duration_seconds, 0) + 59) / 60), 0) FROM calls \
              WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3) AS call_minutes, \
           (SELECT COALESCE(SUM(input_tokens + output_tokens), 0) FROM llm_usage \
              WHERE tenant_id = ?1 AND month = ?4) AS llm_tokens, \
           (SELECT COUNT(*) FROM kb_documents WHERE tenant_id = ?1) AS kb_documents, \
           (SELECT COUNT(*) FROM kb_chunks WHERE tenant_id = ?1) AS kb_chunks, \
           (SELECT COALESCE(SUM(length(CAST(title AS BLOB)) + length(CAST(text AS BLOB))), 0) FROM kb_chunks \
              WHERE tenant_id = ?1) AS kb_bytes",
        &[Arg::Text(tenant_id), Arg::Int(start), Arg::Int(end), Arg::Text(&month)],
    )?
    .first(None)
    .await?;
    Ok(UsageReport::new(&settings.limits(), month, counts.unwrap_or_default()))
}

/// Why texts the business starts wait for this tenant this month, or `None` when they go.
pub async fn texts_paused(db: &D1Database, tenant_id: &str, now: u64) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct T {
        timezone: String,
        settings: String,
    }
    let tenant: Option<T> =
        statement(db, "SELECT timezone, settings FROM tenants WHERE id = ?1", &[Arg::Text(tenant_id)])?
            .first(None)
            .await?;
    let Some(tenant) = tenant else { return Ok(None) };
    let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
    Ok(month_report(db, tenant_id, &tenant.timezone, &settings, now).await?.paused.texts)
}
