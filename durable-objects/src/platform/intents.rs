//! Writing jobs as durable intents outside a turn (the sweeper's re-pages): one `job_intents`
//! row per job and, for deliveries, the `outbox` row it sends from. Both are keyed by the
//! job's dedupe key, so writing the same job twice (two sweeps racing) changes nothing.
//! A turn writes the same rows under its claim instead (`thread_store::effect_statements`).

use super::d1::{statement, Arg};
use super::time::WorkerRandom;
use frontdesk_core::ids;
use frontdesk_core::jobs::Job;
use frontdesk_core::ports::Random;
use worker::{D1Database, D1PreparedStatement, Result};

pub fn intent_statements(db: &D1Database, jobs: &[Job], now: u64) -> Result<Vec<D1PreparedStatement>> {
    let mut statements = Vec::new();
    for job in jobs {
        let Some(key) = job.intent_key() else { continue };
        statements.push(statement(
            db,
            "INSERT INTO job_intents (tenant_id, dedupe_key, kind, job, status, attempts, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5) ON CONFLICT (tenant_id, dedupe_key) DO NOTHING",
            &[
                Arg::Text(job.tenant_id()),
                Arg::Text(&key),
                Arg::Text(job.kind()),
                Arg::Text(&serde_json::to_string(job)?),
                Arg::Int(now),
            ],
        )?);
        if let Some(entry) = job.outbox_entry() {
            statements.push(statement(
                db,
                "INSERT INTO outbox (id, tenant_id, message_id, channel, recipient, payload, status, attempts, \
                                     created_at, updated_at, dedupe_key) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7, ?8) \
                 ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING",
                &[
                    Arg::Text(&ids::make(ids::OUTBOX, now, WorkerRandom.next_u64())),
                    Arg::Text(job.tenant_id()),
                    Arg::OptText(entry.message_id.as_deref()),
                    Arg::Text(entry.channel),
                    Arg::Text(&entry.recipient),
                    Arg::Text(&entry.payload.to_string()),
                    Arg::Int(now),
                    Arg::Text(&entry.dedupe_key),
                ],
            )?);
        }
    }
    Ok(statements)
}
