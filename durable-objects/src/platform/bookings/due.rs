//! The sweeper's booking duties: a reminder 24 hours before a booking and a review request
//! (the tenant's `review_link`) after it, each sent once. A booking is claimed by setting its
//! `reminder_sent_at`/`review_sent_at` where still NULL — of two sweeps only one claims it —
//! and the message then goes through the ordinary outbox path (`notify::tell`).

use super::notify::tell;
use super::store::Row;
use super::tenant;
use crate::platform::d1::{statement, Arg};
use crate::platform::enqueue_all;
use frontdesk_core::booking::notice::Notice;
use worker::{D1Database, Env, Result};

/// Reminders go out this long before the start.
pub const REMINDER_BEFORE_MS: u64 = 24 * 60 * 60 * 1000;
/// A review request waits an hour after the end (the viewing may run over; the guest is still
/// checking out), and is not sent for bookings that ended more than a week ago (a link set
/// today does not reach last year's guests).
pub const REVIEW_AFTER_MS: u64 = 60 * 60 * 1000;
const REVIEW_UNTIL_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// Bookings handled per pass; the next minute's pass takes the rest.
const BATCH: u64 = 50;

#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct DueReport {
    pub reminders_sent: u32,
    pub reviews_requested: u32,
}

const COLUMNS: &str = "id, tenant_id, kind, status, contact_id, listing_id, staff_id, start_ms, end_ms, check_in, \
                       check_out, offset_minutes, source, created_at, updated_at";

struct DueRow {
    tenant_id: String,
    row: Row,
}

fn due(rows: Vec<Row>) -> Vec<DueRow> {
    rows.into_iter().filter_map(|row| Some(DueRow { tenant_id: row.tenant_id.clone()?, row })).collect()
}

/// One pass at `now`: every reminder and review request due, each once.
pub async fn send_due(env: &Env, db: &D1Database, now: u64) -> Result<DueReport> {
    let mut report = DueReport::default();
    // A booking made (or moved) within a day of its start needs no reminder: the confirmation was it.
    let reminders: Vec<Row> = statement(
        db,
        &format!(
            "SELECT {COLUMNS} FROM bookings WHERE status = 'confirmed' AND reminder_sent_at IS NULL \
             AND start_ms > ?1 AND start_ms <= ?1 + ?2 AND updated_at <= start_ms - ?2 ORDER BY start_ms LIMIT ?3"
        ),
        &[Arg::Int(now), Arg::Int(REMINDER_BEFORE_MS), Arg::Int(BATCH)],
    )?
    .all()
    .await?
    .results()?;
    let mut jobs = Vec::new();
    for due in due(reminders) {
        if claim(db, &due, "reminder_sent_at", now).await? {
            let Some(t) = tenant(db, &due.tenant_id, now).await? else { continue };
            jobs.extend(tell(db, &due.tenant_id, &t, &due.row, Notice::Reminder, None, now).await?);
            report.reminders_sent += 1;
        }
    }
    let reviews: Vec<Row> = statement(
        db,
        &format!(
            "SELECT {} FROM bookings b JOIN tenants t ON t.id = b.tenant_id \
             WHERE b.status = 'confirmed' AND b.review_sent_at IS NULL AND b.end_ms + ?2 <= ?1 AND b.end_ms + ?3 > ?1 \
               AND json_extract(t.settings, '$.review_link') IS NOT NULL ORDER BY b.end_ms LIMIT ?4",
            COLUMNS.split(", ").map(|c| format!("b.{}", c.trim())).collect::<Vec<_>>().join(", ")
        ),
        &[Arg::Int(now), Arg::Int(REVIEW_AFTER_MS), Arg::Int(REVIEW_UNTIL_MS), Arg::Int(BATCH)],
    )?
    .all()
    .await?
    .results()?;
    for due in due(reviews) {
        let Some(t) = tenant(db, &due.tenant_id, now).await? else { continue };
        let Some(link) = t.settings.review_link.clone() else { continue };
        if claim(db, &due, "review_sent_at", now).await? {
            jobs.extend(tell(db, &due.tenant_id, &t, &due.row, Notice::Review { link: &link }, None, now).await?);
            report.reviews_requested += 1;
        }
    }
    // The intents are stored: a failed send is re-sent by the sweeper's intent pass.
    if let Err(e) = enqueue_all(env, &jobs).await {
        worker::console_error!("queueing booking reminders failed: {e}");
    }
    Ok(report)
}

/// Marks the booking's `column` sent at `now` if nobody has; true when this pass did.
async fn claim(db: &D1Database, due: &DueRow, column: &str, now: u64) -> Result<bool> {
    let sql = format!("UPDATE bookings SET {column} = ?3 WHERE tenant_id = ?1 AND id = ?2 AND {column} IS NULL AND status = 'confirmed'");
    let result =
        statement(db, &sql, &[Arg::Text(&due.tenant_id), Arg::Text(&due.row.id), Arg::Int(now)])?.run().await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}
