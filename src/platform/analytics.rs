//! The analytics report of a tenant's date range (`GET /api/v1/analytics`) and the daily
//! summary email built from it: the `daily_summary` job emails each owner the day's report
//! through the email port (the tenant's Resend channel, `simulated` without one), and the
//! sweeper enqueues yesterday's at `SUMMARY_HOUR` local time until its outbox rows exist.

use super::d1::{analytics, database, owner_emails, statement, tenant_row, Arg};
use super::outbound::send_email;
use frontdesk_core::analytics::{report, summary_email, summary_key, Range, SUMMARY_HOUR};
use frontdesk_core::booking::instant;
use frontdesk_core::jobs::Job;
use frontdesk_core::ports::Clock;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::jobs::enqueue;
use frontdesk_durable::platform::time::{local_time, TenantZone, WorkerClock};
use serde::Deserialize;
use worker::{D1Database, Env, Result};

/// The report of `range` for a tenant.
pub async fn tenant_report(
    db: &D1Database,
    tenant_id: &str,
    timezone: &str,
    settings_json: &str,
    range: Range,
) -> Result<serde_json::Value> {
    let zone = TenantZone::new(timezone);
    let settings: Settings = serde_json::from_str(settings_json).unwrap_or_default();
    let (start, end) = (instant(&zone, range.from, 0), instant(&zone, range.to.add_days(1), 0));
    let facts = analytics::facts(db, tenant_id, start, end).await?;
    Ok(report(&facts, range, &zone, &settings))
}

/// The `daily_summary` job: `date`'s report to every owner, once each.
pub async fn send(env: &Env, tenant_id: &str, date: &str) -> Result<()> {
    let db = database(env)?;
    let Some(tenant) = tenant_row(&db, tenant_id).await? else { return Ok(()) };
    let today = local_time(WorkerClock.now_ms(), &tenant.timezone).date;
    let day = Range::parse(Some(date), Some(date), today).map_err(worker::Error::RustError)?;
    let report = tenant_report(&db, tenant_id, &tenant.timezone, &tenant.settings, day).await?;
    let (subject, text) = summary_email(&tenant.name, &report);
    for owner in owner_emails(&db, tenant_id).await? {
        send_email(env, tenant_id, &summary_key(date, &owner), &owner, &subject, &text).await?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct Due {
    id: String,
    timezone: String,
}

/// Enqueues yesterday's summary for every active tenant whose local hour is `SUMMARY_HOUR`
/// and whose summary of that day is not in the outbox yet; how many were enqueued.
pub async fn enqueue_due(env: &Env, db: &D1Database, now: u64) -> Result<u32> {
    let tenants: Vec<Due> = statement(db, "SELECT id, timezone FROM tenants WHERE status = 'active' LIMIT 1000", &[])?
        .all()
        .await?
        .results()?;
    let mut enqueued = 0;
    for tenant in tenants {
        let local = local_time(now, &tenant.timezone);
        if local.minute_of_day / 60 != SUMMARY_HOUR {
            continue;
        }
        let date = local.date.add_days(-1).to_string();
        let sent: Option<serde_json::Value> = statement(
            db,
            "SELECT 1 AS sent FROM outbox WHERE tenant_id = ?1 AND dedupe_key LIKE ?2 LIMIT 1",
            &[Arg::Text(&tenant.id), Arg::Text(&summary_key(&date, "%"))],
        )?
        .first(None)
        .await?;
        if sent.is_none() {
            enqueue(env, &Job::DailySummary { tenant_id: tenant.id, date }).await?;
            enqueued += 1;
        }
    }
    Ok(enqueued)
}
