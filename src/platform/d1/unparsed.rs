//! `unparsed_events`: signed webhook events kept raw (core::unparsed), and their replays.

use super::{statement, Arg, Audit};
use frontdesk_core::api::PageRequest;
use frontdesk_core::unparsed::{Kept, Status, UnparsedEvent};
use serde::Deserialize;
use worker::{D1Database, Result};

/// A tenant's rows, newest first: one (`?2` its id) or a page (`?3` the cursor, `?4` the limit).
const ROWS: &str = "SELECT id, provider, event_id, headers, body, error, status, received_at, replayed_at \
                    FROM unparsed_events WHERE tenant_id = ?1 AND (?2 IS NULL OR id = ?2) \
                    AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4";

#[derive(Deserialize)]
struct Row {
    id: String,
    provider: String,
    event_id: Option<String>,
    /// JSON text.
    headers: String,
    body: String,
    error: String,
    status: Status,
    received_at: u64,
    replayed_at: Option<u64>,
}

impl From<Row> for UnparsedEvent {
    fn from(r: Row) -> Self {
        UnparsedEvent {
            id: r.id,
            provider: r.provider,
            event_id: r.event_id,
            headers: serde_json::from_str(&r.headers).unwrap_or_default(),
            body: r.body,
            error: r.error,
            status: r.status,
            received_at: r.received_at,
            replayed_at: r.replayed_at,
        }
    }
}

#[derive(Deserialize)]
struct Held {
    id: String,
}

/// Keeps `kept` and its `webhook.unparsed` audit entry (with a tenant; `audit_log` requires one)
/// in one batch, unless a retry of the same event is kept already: then nothing is written.
/// Returns the id of the row holding the event and whether this call wrote it, so only the
/// first delivery publishes a live event.
pub async fn keep_unparsed(db: &D1Database, kept: &Kept, audit_id: &str) -> Result<(String, bool)> {
    let headers = kept.headers.to_string();
    let tenant = kept.tenant_id.as_deref();
    let mut batch = vec![statement(
        db,
        "INSERT INTO unparsed_events (id, tenant_id, provider, event_id, headers, body, error, status, received_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'unparsed', ?8) ON CONFLICT DO NOTHING",
        &[
            Arg::Text(&kept.id),
            Arg::OptText(tenant),
            Arg::Text(&kept.provider),
            Arg::Text(&kept.event_id),
            Arg::Text(&headers),
            Arg::Text(&kept.body),
            Arg::Text(&kept.error),
            Arg::Int(kept.received_at),
        ],
    )?];
    if let Some(tenant_id) = tenant {
        let detail = kept.audit_detail().to_string();
        // Guarded by our own row: a retry that inserted nothing audits nothing.
        batch.push(statement(
            db,
            "INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) \
             SELECT ?1, ?2, 'system', 'webhook.unparsed', ?3, ?4, ?5 \
             WHERE EXISTS (SELECT 1 FROM unparsed_events WHERE id = ?3)",
            &[
                Arg::Text(audit_id),
                Arg::Text(tenant_id),
                Arg::Text(&kept.id),
                Arg::Text(&detail),
                Arg::Int(kept.received_at),
            ],
        )?);
    }
    batch.push(statement(
        db,
        "SELECT id FROM unparsed_events WHERE COALESCE(tenant_id, '') = COALESCE(?1, '') AND provider = ?2 \
         AND event_id = ?3",
        &[Arg::OptText(tenant), Arg::Text(&kept.provider), Arg::Text(&kept.event_id)],
    )?);
    let results = db.batch(batch).await?;
    let held = results.last().map(|last| last.results::<Held>()).transpose()?.and_then(|rows| rows.into_iter().next());
    let id = held.map(|h| h.id).ok_or_else(|| worker::Error::RustError("kept event not read back".into()))?;
    let fresh = id == kept.id;
    Ok((id, fresh))
}

pub async fn unparsed_list(db: &D1Database, tenant_id: &str, page: &PageRequest) -> Result<Vec<UnparsedEvent>> {
    rows(db, tenant_id, None, page.before.as_deref(), page.fetch_limit()).await
}

pub async fn unparsed(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<UnparsedEvent>> {
    Ok(rows(db, tenant_id, Some(id), None, 1).await?.into_iter().next())
}

/// [`ROWS`].
async fn rows(
    db: &D1Database,
    tenant_id: &str,
    id: Option<&str>,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<UnparsedEvent>> {
    let args = [Arg::Text(tenant_id), Arg::OptText(id), Arg::OptText(before), Arg::Int(limit.into())];
    let rows: Vec<Row> = statement(db, ROWS, &args)?.all().await?.results()?;
    Ok(rows.into_iter().map(UnparsedEvent::from).collect())
}

/// Records a replay's outcome (`replayed`, or `unparsed` / `failed` with the newer error, the
/// old one kept when `error` is `None`) and who asked for it (`webhook.replayed`), in one batch.
pub async fn record_replay(db: &D1Database, audit: &Audit<'_>, status: Status, error: Option<&str>) -> Result<()> {
    db.batch(vec![
        statement(
            db,
            "UPDATE unparsed_events SET status = ?3, error = COALESCE(?4, error), \
             replayed_at = CASE ?3 WHEN 'replayed' THEN ?5 ELSE replayed_at END WHERE tenant_id = ?1 AND id = ?2",
            &[
                Arg::Text(audit.tenant_id),
                Arg::Text(audit.subject),
                Arg::Text(status.as_str()),
                Arg::OptText(error),
                Arg::Int(audit.at_ms),
            ],
        )?,
        super::audit_statement(db, audit)?,
    ])
    .await?;
    Ok(())
}
