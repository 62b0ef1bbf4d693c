//! The sweeper's retention step (docs/STORAGE.md "Retention"): per tenant, messages, calls and
//! the raw webhook and outbox rows older than the plan's history days are deleted, and call
//! transcripts (the voice thread's messages) after `plan::TRANSCRIPT_DAYS` unless the tenant
//! opted in (`settings.retention.keep_transcripts`). Recordings have their own step
//! (`platform::recordings`, 30 days by default); a call is deleted only once its recording is.
//! Rows that point at a deleted message lose it first (escalations and follow-ups go with it,
//! tickets and outbox rows keep their own history), all in one batch so the foreign keys hold.

use super::d1::{statement, Arg};
use frontdesk_core::tenant::Settings;
use serde::Deserialize;
use worker::{D1Database, Result};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// Messages deleted per tenant per pass: a first run over years of history drains over passes.
const BATCH: u64 = 500;

#[derive(Deserialize)]
struct Tenant {
    id: String,
    settings: String,
}

/// How many messages and calls this pass deleted.
#[derive(Debug, Default, serde::Serialize)]
pub struct Deleted {
    pub messages: u32,
    pub calls: u32,
}

pub async fn delete_expired(db: &D1Database, now: u64) -> Result<Deleted> {
    let tenants: Vec<Tenant> =
        statement(db, "SELECT id, settings FROM tenants LIMIT 1000", &[])?.all().await?.results()?;
    let mut deleted = Deleted::default();
    for tenant in tenants {
        let settings: Settings = serde_json::from_str(&tenant.settings).unwrap_or_default();
        let limits = settings.limits();
        let cutoff = |days: Option<u64>| days.map_or(0, |d| now.saturating_sub(d.saturating_mul(DAY_MS)));
        let (history, transcripts) = (cutoff(limits.history_days), cutoff(limits.transcript_days(settings.retention)));
        if history == 0 && transcripts == 0 {
            continue;
        }
        let removed = delete_for(db, &tenant.id, history, transcripts).await?;
        deleted.messages += removed.messages;
        deleted.calls += removed.calls;
    }
    Ok(deleted)
}

async fn delete_for(db: &D1Database, tenant_id: &str, history: u64, transcripts: u64) -> Result<Deleted> {
    // The same ordered, bounded set in every statement of the batch (one transaction).
    let old = format!(
        "SELECT id FROM messages WHERE tenant_id = ?1 AND (created_at < ?2 OR (channel = 'voice' AND created_at < ?3)) \
         ORDER BY id LIMIT {BATCH}"
    );
    let args = [Arg::Text(tenant_id), Arg::Int(history), Arg::Int(transcripts)];
    let sql = [
        format!(
            "DELETE FROM follow_ups WHERE tenant_id = ?1 AND (anchor_message_id IN ({old}) OR message_id IN ({old}))"
        ),
        format!(
            "UPDATE tickets SET escalation_id = NULL WHERE tenant_id = ?1 AND escalation_id IN \
             (SELECT id FROM escalations WHERE tenant_id = ?1 AND message_id IN ({old}))"
        ),
        format!("DELETE FROM escalations WHERE tenant_id = ?1 AND message_id IN ({old})"),
        format!("UPDATE tickets SET message_id = NULL WHERE tenant_id = ?1 AND message_id IN ({old})"),
        format!("UPDATE outbox SET message_id = NULL WHERE tenant_id = ?1 AND message_id IN ({old})"),
        format!("DELETE FROM messages WHERE tenant_id = ?1 AND id IN ({old})"),
        // What a message was before it was stored, and what was sent: the same words.
        "DELETE FROM webhook_events WHERE tenant_id = ?1 AND received_at < ?2 AND status != 'processing'".to_owned(),
        "DELETE FROM outbox WHERE tenant_id = ?1 AND created_at < ?2 AND status != 'pending'".to_owned(),
        "DELETE FROM calls WHERE tenant_id = ?1 AND created_at < ?2 AND recording_sid IS NULL".to_owned(),
    ];
    // D1 refuses more bindings than the statement has placeholders: the last three use two.
    let statements = sql
        .iter()
        .enumerate()
        .map(|(i, s)| statement(db, s, if i < 6 { &args[..] } else { &args[..2] }))
        .collect::<Result<Vec<_>>>()?;
    let results = db.batch(statements).await?;
    let changes =
        |i: usize| results.get(i).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) as u32;
    Ok(Deleted { messages: changes(5), calls: changes(8) })
}
