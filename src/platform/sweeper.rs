//! The sweeper: what makes the pipeline's promises hold when a request, a queue send or a job
//! dies half-way. Run by the cron trigger every minute (and by `POST /__test/sweep` with an
//! injected time in the test environment), each pass:
//!
//! 1. answers claims left `processing` past their stale time (the holder died: redeploy,
//!    killed isolate, a failed second batch) — the thread's object takes the claim over, the
//!    rules brain replies through the outbox and the team gets an `ai_failure` escalation;
//! 2. enqueues again job intents still pending after their grace period (a lost queue send, a
//!    job whose lease holder died), giving up after `MAX_INTENT_ATTEMPTS` with the delivery
//!    settled `dead`/`failed` and an audit entry;
//! 3. pages the next on-call contact about critical escalations nobody acknowledged within the
//!    tenant's acknowledgement timeout;
//! 4. sends booking reminders (24 h before) and review requests (after), each once
//!    (`platform::bookings::send_due`);
//! 5. sends the follow-ups due to leads who went quiet (`follow_ups`) and the listing offers
//!    to saved searches that waited for the tenant's hours or quiet hours
//!    (`platform::saved_searches::send_pending`);
//! 6. summarises calls that ended [`CALL_SUMMARY_GRACE_MS`] ago without a summary (a lost
//!    status callback, a voicemail caller who hung up before the beep:
//!    `platform::call_summary`);
//! 7. deletes call recordings older than their tenant's retention, at Twilio and on the call
//!    (`platform::recordings`);
//! 8. escalates contacts waiting longer than the tenant allows for a staff reply in a
//!    conversation a person took over (`platform::staff_waits`);
//! 9. checks each tenant's month against its plan (`usage`; run before step 5, which it
//!    informs): the owner is emailed once at 80 % and at 100 % of a quota and on unusual
//!    activity; a tenant whose SMS quota is used has its follow-ups and listing offers held
//!    until next month or a higher limit;
//! 10. deletes messages, calls and transcripts past the tenant's retention (`retention`);
//! 11. deletes intents finished more than [`KEEP_DONE_INTENTS_MS`] ago (the outbox and the
//!     messages keep the history; an intent only matters until its job is done);
//! 12. deletes expired OAuth codes, tokens and grants (`d1::oauth::prune_expired`) and rejects
//!     MCP approvals left pending past `core::mcp::approval::PENDING_TTL_MS`.
//!
//! Each step is bounded per pass (`LIMIT`), so a backlog drains over several minutes rather
//! than one pass outliving its CPU limit.

use super::call_summary::summarize_stragglers;
use super::d1::{approvals, audit_statement, database, oauth, statement, Arg, Audit};
use super::events::publish_all;
use super::outbound::mark_dead;
use frontdesk_core::channel::Channel;
use frontdesk_core::effects::{label, INTENT_GRACE_MS, MAX_INTENT_ATTEMPTS};
use frontdesk_core::escalation::{notifications, Raised, Reason};
use frontdesk_core::ids;
use frontdesk_core::inbound::InboundTurn;
use frontdesk_core::jobs::Job;
use frontdesk_core::mcp::approval;
use frontdesk_core::ports::Random;
use frontdesk_core::tenant::Settings;
use frontdesk_core::webhook::stale_before;
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::bookings;
use frontdesk_durable::platform::enqueue_all;
use frontdesk_durable::platform::intents::intent_statements;
use frontdesk_durable::platform::saved_searches;
use frontdesk_durable::platform::time::WorkerRandom;
use serde::{Deserialize, Serialize};
use worker::{D1Database, Env, Result};

/// A stuck event is taken up this many times at most; past that it is marked `failed` with an
/// audit entry instead of being retried forever (its message is stored; a person can see it).
const MAX_RECOVERY_ATTEMPTS: u64 = 3;

/// A week: long enough to answer "was this page ever queued?" after a weekend, short enough
/// that the table stays the size of a week's traffic.
const KEEP_DONE_INTENTS_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// A call's own callbacks summarise it; the sweeper steps in once they have had this long.
const CALL_SUMMARY_GRACE_MS: u64 = 10 * 60 * 1000;

/// What one pass did, for the log and the test route.
#[derive(Debug, Default, Serialize)]
pub struct SweepReport {
    pub claims_answered: u32,
    pub claims_abandoned: u32,
    pub intents_requeued: u32,
    pub intents_dead: u32,
    pub escalations_repaged: u32,
    pub follow_ups_sent: u32,
    pub listing_offers_sent: u32,
    pub intents_pruned: u32,
    pub booking_reminders: u32,
    pub review_requests: u32,
    pub calls_summarized: u32,
    pub recordings_deleted: u32,
    pub oauth_pruned: oauth::Pruned,
    pub approvals_expired: u32,
    pub staff_waits_escalated: u32,
    pub daily_summaries_enqueued: u32,
    pub usage_alerts: u32,
    /// Tenants whose follow-ups and listing offers wait for SMS quota.
    pub texts_paused: Vec<String>,
    pub retention: super::retention::Deleted,
}

pub async fn sweep(env: &Env, now: u64) -> Result<SweepReport> {
    let db = database(env)?;
    let mut report = SweepReport::default();
    answer_stuck_claims(env, &db, now, &mut report).await?;
    requeue_intents(env, &db, now, &mut report).await?;
    repage_escalations(env, &db, now, &mut report).await?;
    let usage = super::usage::check(env, &db, now).await?;
    (report.usage_alerts, report.texts_paused) = (usage.alerts, usage.texts_paused);
    report.follow_ups_sent = super::follow_ups::send_due(env, &db, now, &report.texts_paused).await?;
    report.listing_offers_sent = saved_searches::send_pending(env, &db, now, None, &report.texts_paused).await?;
    report.calls_summarized = summarize_stragglers(env, &db, now, CALL_SUMMARY_GRACE_MS).await?;
    report.recordings_deleted = super::recordings::delete_expired(env, &db, now).await?;
    report.staff_waits_escalated = super::staff_waits::escalate_overdue(env, &db, now).await?;
    report.daily_summaries_enqueued = super::analytics::enqueue_due(env, &db, now).await?;
    report.retention = super::retention::delete_expired(&db, now).await?;
    report.intents_pruned = prune_done_intents(&db, now).await?;
    report.oauth_pruned = oauth::prune_expired(&db, now).await?;
    report.approvals_expired =
        approvals::expire_pending(&db, now.saturating_sub(approval::PENDING_TTL_MS), now).await?;
    let due = bookings::send_due(env, &db, now).await?;
    (report.booking_reminders, report.review_requests) = (due.reminders_sent, due.reviews_requested);
    Ok(report)
}

/// At most 1,000 rows a pass, so one pass stays short however large the backlog.
async fn prune_done_intents(db: &D1Database, now: u64) -> Result<u32> {
    let result = statement(
        db,
        "DELETE FROM job_intents WHERE rowid IN (SELECT rowid FROM job_intents \
         WHERE status = 'done' AND updated_at < ?1 LIMIT 1000)",
        &[Arg::Int(now.saturating_sub(KEEP_DONE_INTENTS_MS))],
    )?
    .run()
    .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u32)
}

#[derive(Deserialize)]
struct StuckClaim {
    tenant_id: String,
    provider: String,
    event_id: String,
    turn: String,
    attempts: u64,
}

async fn answer_stuck_claims(env: &Env, db: &D1Database, now: u64, report: &mut SweepReport) -> Result<()> {
    let stuck: Vec<StuckClaim> = statement(
        db,
        "SELECT tenant_id, provider, event_id, turn, attempts FROM webhook_events \
         WHERE status = 'processing' AND received_at < ?1 AND turn IS NOT NULL ORDER BY received_at LIMIT 25",
        &[Arg::Int(stale_before(now))],
    )?
    .all()
    .await?
    .results()?;
    for claim in stuck {
        let turn = serde_json::from_str::<InboundTurn>(&claim.turn);
        let turn = match turn {
            Ok(turn) if claim.attempts < MAX_RECOVERY_ATTEMPTS => turn,
            other => {
                let why = match other {
                    Ok(_) => format!("{} attempts did not answer it", claim.attempts),
                    Err(e) => format!("its stored turn is unreadable: {e}"),
                };
                abandon(db, &claim, &why, now).await?;
                report.claims_abandoned += 1;
                continue;
            }
        };
        match conversation_turn(env, &turn.retried(now, true)).await {
            Ok(outcome) => {
                publish_all(env, outcome.events).await;
                report.claims_answered += 1;
            }
            // Left `processing`: the next pass tries again (its attempt count went up).
            Err(e) => worker::console_error!("answering stuck event {} failed: {e}", claim.event_id),
        }
    }
    Ok(())
}

/// Gives up on a stuck event: `failed` in the ledger, with an audit entry for the team.
async fn abandon(db: &D1Database, claim: &StuckClaim, why: &str, now: u64) -> Result<()> {
    let id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = serde_json::json!({ "provider": claim.provider, "event_id": claim.event_id, "why": why }).to_string();
    db.batch(vec![
        statement(
            db,
            "UPDATE webhook_events SET status = 'failed' \
             WHERE tenant_id = ?1 AND provider = ?2 AND event_id = ?3 AND status = 'processing'",
            &[Arg::Text(&claim.tenant_id), Arg::Text(&claim.provider), Arg::Text(&claim.event_id)],
        )?,
        audit_statement(
            db,
            &Audit {
                id: &id,
                tenant_id: &claim.tenant_id,
                actor: "system",
                action: "turn.abandoned",
                subject: &claim.event_id,
                detail: &detail,
                at_ms: now,
            },
        )?,
    ])
    .await?;
    worker::console_error!("gave up on event {} of {}: {why}", claim.event_id, claim.tenant_id);
    Ok(())
}

#[derive(Deserialize)]
struct PendingIntent {
    tenant_id: String,
    dedupe_key: String,
    job: String,
    attempts: u32,
}

async fn requeue_intents(env: &Env, db: &D1Database, now: u64, report: &mut SweepReport) -> Result<()> {
    let pending: Vec<PendingIntent> = statement(
        db,
        "SELECT tenant_id, dedupe_key, job, attempts FROM job_intents \
         WHERE status = 'pending' AND updated_at <= ?1 ORDER BY updated_at LIMIT 100",
        &[Arg::Int(now.saturating_sub(INTENT_GRACE_MS))],
    )?
    .all()
    .await?
    .results()?;
    let mut jobs = Vec::new();
    let mut bumps = Vec::new();
    for intent in pending {
        let job = serde_json::from_str::<Job>(&intent.job).ok();
        let Some(job) = job.filter(|_| intent.attempts < MAX_INTENT_ATTEMPTS) else {
            give_up(env, db, &intent, now).await?;
            report.intents_dead += 1;
            continue;
        };
        bumps.push(statement(
            db,
            "UPDATE job_intents SET attempts = attempts + 1, updated_at = ?3 \
             WHERE tenant_id = ?1 AND dedupe_key = ?2 AND status = 'pending'",
            &[Arg::Text(&intent.tenant_id), Arg::Text(&intent.dedupe_key), Arg::Int(now)],
        )?);
        jobs.push(job);
    }
    if jobs.is_empty() {
        return Ok(());
    }
    // Counted first: if the send fails, the next pass finds them due again only after another
    // grace period, and gives up after the maximum like any other failure.
    db.batch(bumps).await?;
    enqueue_all(env, &jobs).await?;
    report.intents_requeued += jobs.len() as u32;
    Ok(())
}

async fn give_up(env: &Env, db: &D1Database, intent: &PendingIntent, now: u64) -> Result<()> {
    mark_dead(env, &intent.tenant_id, &intent.dedupe_key).await?;
    let id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = serde_json::json!({ "dedupe_key": intent.dedupe_key, "attempts": intent.attempts }).to_string();
    audit_statement(
        db,
        &Audit {
            id: &id,
            tenant_id: &intent.tenant_id,
            actor: "system",
            action: "job.abandoned",
            subject: &intent.dedupe_key,
            detail: &detail,
            at_ms: now,
        },
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Unacknowledged {
    id: String,
    tenant_id: String,
    page_level: u32,
    business_name: String,
    settings: String,
    contact_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    quote: String,
    channel: String,
}

async fn repage_escalations(env: &Env, db: &D1Database, now: u64, report: &mut SweepReport) -> Result<()> {
    let due: Vec<Unacknowledged> = statement(
        db,
        "SELECT e.id, e.tenant_id, e.page_level, t.name AS business_name, t.settings, \
                c.name AS contact_name, c.phone, c.email, m.body AS quote, m.channel \
         FROM escalations e JOIN tenants t ON t.id = e.tenant_id \
         JOIN contacts c ON c.id = e.contact_id JOIN messages m ON m.id = e.message_id \
         WHERE e.status = 'open' AND e.priority = 'critical' AND e.paged_at IS NOT NULL \
           AND COALESCE(json_extract(t.settings, '$.escalation_rules.ack_timeout_minutes'), ?2) > 0 \
           AND e.paged_at <= ?1 - COALESCE(json_extract(t.settings, '$.escalation_rules.ack_timeout_minutes'), ?2) * 60000 \
         ORDER BY e.paged_at LIMIT 50",
        &[Arg::Int(now), Arg::Int(u64::from(frontdesk_core::tenant::DEFAULT_ACK_TIMEOUT_MINUTES))],
    )?
    .all()
    .await?
    .results()?;
    for escalation in due {
        let settings: Settings = serde_json::from_str(&escalation.settings).unwrap_or_default();
        let who = escalation.phone.as_deref().or(escalation.email.as_deref()).unwrap_or("unknown");
        let label = label(escalation.contact_name.as_deref(), who);
        let level = escalation.page_level + 1;
        let raised = Raised {
            id: &escalation.id,
            reason: Reason::Emergency,
            business_name: &escalation.business_name,
            contact_label: &label,
            quote: &escalation.quote,
            channel: Channel::parse(&escalation.channel).unwrap_or(Channel::Sms),
        };
        let pages = notifications(&settings, &raised, level);
        let jobs: Vec<Job> = pages
            .into_iter()
            .map(|notification| Job::Notify {
                tenant_id: escalation.tenant_id.clone(),
                escalation_id: escalation.id.clone(),
                notification,
            })
            .collect();
        let mut statements = vec![statement(
            db,
            "UPDATE escalations SET page_level = ?3, paged_at = ?4, updated_at = ?4 \
             WHERE tenant_id = ?1 AND id = ?2 AND page_level = ?5 AND status = 'open'",
            &[
                Arg::Text(&escalation.tenant_id),
                Arg::Text(&escalation.id),
                Arg::Int(u64::from(level)),
                Arg::Int(now),
                Arg::Int(u64::from(escalation.page_level)),
            ],
        )?];
        statements.extend(intent_statements(db, &jobs, now)?);
        db.batch(statements).await?;
        if let Err(e) = enqueue_all(env, &jobs).await {
            // The intents are stored: the next passes send them.
            worker::console_error!("queueing the re-page of {} failed: {e}", escalation.id);
        }
        report.escalations_repaged += 1;
    }
    Ok(())
}
