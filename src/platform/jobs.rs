//! The queue consumers: `frontdesk-jobs` runs jobs with exponential backoff; after
//! `max_retries` Queues moves a job to `frontdesk-jobs-dlq`, whose consumer records it in
//! `audit_log` so nothing fails silently.

use super::d1::{database, statement, Arg};
use super::events::publish_all;
use super::leads::update_lead;
use super::outbound::{deliver_job, mark_dead};
use frontdesk_core::ids;
use frontdesk_core::jobs::{retry_delay_secs, Job};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::platform::time::{wall_clock_ms, WorkerClock, WorkerRandom};
use frontdesk_durable::{conversation_turn, hub_publish};
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
                // The queue stamps messages with the real clock, whatever a test did to the business clock.
                let age_ms = wall_clock_ms().saturating_sub(message.timestamp().as_millis());
                let delay = retry_delay_secs(age_ms);
                worker::console_warn!("job failed, retrying in {delay} s: {e}");
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build());
            }
        }
    }
    Ok(())
}

pub async fn run(env: &Env, job: Job) -> Result<()> {
    match &job {
        Job::PublishEvent { event } => hub_publish(env, std::slice::from_ref(event)).await,
        Job::Notify { .. } | Job::DeliverMessage { .. } => deliver_job(env, &job).await,
        Job::UpdateLead { tenant_id, contact_id, conversation_id, message } => {
            // The lead write marks its intent done in the same transaction.
            update_lead(env, tenant_id, contact_id, conversation_id, message).await
        }
        Job::KbIngest { tenant_id, job_id } => super::kb_ingest::run_job(env, tenant_id, job_id).await,
        Job::SyncCrm { tenant_id, message_id, contact, note, at } => {
            super::crm::sync(env, tenant_id, message_id, contact, note, *at).await
        }
        Job::SyncDeal { tenant_id, booking_id, at } => super::crm::sync_deal(env, tenant_id, booking_id, *at).await,
        Job::SyncCalendar { tenant_id, booking_id, at } => super::calendar::sync(env, tenant_id, booking_id, *at).await,
        Job::MakeCall { tenant_id, call_id } => super::outbound_calls::place(env, tenant_id, call_id).await,
        Job::DailySummary { tenant_id, date } => super::analytics::send(env, tenant_id, date).await,
        Job::RetryTurn { turn } => {
            let outcome = conversation_turn(env, turn).await?;
            publish_all(env, outcome.events).await;
            Ok(())
        }
    }
}

async fn record_dead_job(env: &Env, body: &serde_json::Value) -> Result<()> {
    let job = serde_json::from_value::<Job>(body.clone()).ok();
    if let Some(key) = job.as_ref().and_then(Job::intent_key) {
        mark_dead(env, job.as_ref().map_or("", Job::tenant_id), &key).await?;
    }

    // A job this version cannot read has no tenant to file it under: it is kept under the
    // platform's own audit actor (tenant_id NULL), never dropped.
    let tenant_id = job.as_ref().map(|j| j.tenant_id().to_owned());
    let now = WorkerClock.now_ms();
    let id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = body.to_string();
    statement(
        &database(env)?,
        "INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) \
         VALUES (?1, (SELECT id FROM tenants WHERE id = ?2), 'system', 'job.dead_lettered', NULL, ?3, ?4)",
        &[Arg::Text(&id), Arg::OptText(tenant_id.as_deref()), Arg::Text(&detail), Arg::Int(now)],
    )?
    .run()
    .await?;
    worker::console_error!("job dead-lettered for tenant {tenant_id:?}");
    Ok(())
}
