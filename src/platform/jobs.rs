//! The queue consumers: `frontdesk-jobs` runs jobs with exponential backoff; after
//! `max_retries` Queues moves a job to `frontdesk-jobs-dlq`, whose consumer records it in
//! `audit_log` so nothing fails silently.

use super::d1::{database, statement, Arg};
use frontdesk_core::escalation::{Notification, NotifyChannel};
use frontdesk_core::ids;
use frontdesk_core::jobs::{retry_delay_secs, Job};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::hub_publish;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use worker::{Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, Result};

const DLQ: &str = "frontdesk-jobs-dlq";

pub async fn consume(batch: MessageBatch<serde_json::Value>, env: &Env) -> Result<()> {
    let dead_letters = batch.queue() == DLQ;
    for message in batch.messages()? {
        let body = message.body().clone();
        let outcome = if dead_letters {
            record_dead_job(env, &body).await
        } else {
            match serde_json::from_value::<Job>(body.clone()) {
                Ok(job) => run(env, job).await,
                // A job this version cannot read will never succeed: dead-letter it at once.
                Err(e) => record_dead_job(env, &serde_json::json!({"unreadable": body, "error": e.to_string()})).await,
            }
        };
        match outcome {
            Ok(()) => message.ack(),
            Err(e) => {
                let age_ms = WorkerClock.now_ms().saturating_sub(message.timestamp().as_millis());
                let delay = retry_delay_secs(age_ms);
                worker::console_warn!("job failed, retrying in {delay} s: {e}");
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build());
            }
        }
    }
    Ok(())
}

async fn run(env: &Env, job: Job) -> Result<()> {
    match job {
        Job::PublishEvent { event } => hub_publish(env, std::slice::from_ref(&event)).await,
        Job::Notify { tenant_id, escalation_id, notification } => {
            deliver_simulated(env, &tenant_id, &escalation_id, &notification).await
        }
    }
}

/// No SMS or email provider is configured yet (outbound adapters arrive with the channels
/// work), so a page is recorded in the outbox as `simulated`: visible to the operator, and
/// exactly once per dedupe key however often the job runs.
async fn deliver_simulated(env: &Env, tenant_id: &str, escalation_id: &str, n: &Notification) -> Result<()> {
    let now = WorkerClock.now_ms();
    let id = ids::make(ids::OUTBOX, now, WorkerRandom.next_u64());
    let channel = match n.channel {
        NotifyChannel::Sms => "sms",
        NotifyChannel::Email => "email",
    };
    let payload = serde_json::json!({ "kind": "escalation_page", "escalation_id": escalation_id,
                                      "subject": n.subject, "body": n.body })
    .to_string();
    statement(
        &database(env)?,
        "INSERT INTO outbox (id, tenant_id, message_id, channel, recipient, payload, status, attempts, \
                             created_at, updated_at, dedupe_key) \
         VALUES (?1, ?2, NULL, ?3, ?4, ?5, 'simulated', 1, ?6, ?6, ?7) \
         ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING",
        &[
            Arg::Text(&id),
            Arg::Text(tenant_id),
            Arg::Text(channel),
            Arg::Text(&n.to),
            Arg::Text(&payload),
            Arg::Int(now),
            Arg::Text(&n.dedupe_key),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

async fn record_dead_job(env: &Env, body: &serde_json::Value) -> Result<()> {
    let tenant_id =
        serde_json::from_value::<Job>(body.clone()).map(|job| job.tenant_id().to_owned()).unwrap_or_default();
    let now = WorkerClock.now_ms();
    let id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = body.to_string();
    statement(
        &database(env)?,
        "INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) \
         SELECT ?1, ?2, 'system', 'job.dead_lettered', NULL, ?3, ?4 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = ?2)",
        &[Arg::Text(&id), Arg::Text(&tenant_id), Arg::Text(&detail), Arg::Int(now)],
    )?
    .run()
    .await?;
    worker::console_error!("job dead-lettered for tenant {tenant_id:?}");
    Ok(())
}
