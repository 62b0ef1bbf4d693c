//! The sweeper's follow-ups: each pass finds SMS conversations whose last word is ours and
//! sends the next step of the tenant's sequence when it is due (`core::follow_up::due`) —
//! never in a conversation a person has taken over (`conversations.held_by`) — as a
//! stored outbound message delivered by a `DeliverMessage` job through the outbox — the same
//! path as any queued reply, so it is retried, dead-lettered and `simulated` like one.

use super::d1::{statement, Arg};
use frontdesk_core::follow_up::{due, message_id, Quiet, DEFAULT_STEPS};
use frontdesk_core::jobs::Job;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::enqueue_all;
use frontdesk_durable::platform::intents::intent_statements;
use frontdesk_durable::platform::time::local_time;
use serde::Deserialize;
use worker::{D1Database, Env, Result};

/// Sequences are looked at for this long after the contact's last message: past the longest
/// step a tenant may set (a week), plus a day for closed days and quiet hours.
const LOOK_BACK_MS: u64 = 8 * 24 * 60 * 60 * 1000;

#[derive(Deserialize)]
struct Candidate {
    tenant_id: String,
    conversation_id: String,
    contact_id: String,
    phone: String,
    settings: String,
    timezone: String,
    anchor_id: String,
    anchor_body: String,
    anchor_at: u64,
    /// Who carries the follow-up: the provider that brought the contact's last message, else
    /// the tenant's SMS channel.
    provider: Option<String>,
    sent: u32,
}

/// Sends the follow-ups due at `now`, except to `paused` tenants (their SMS quota is used: the
/// steps wait, and are sent when the quota allows again if still due); returns how many.
pub async fn send_due(env: &Env, db: &D1Database, now: u64, paused: &[String]) -> Result<u32> {
    let paused = serde_json::to_string(paused).unwrap_or_else(|_| "[]".to_owned());
    // Candidates: SMS conversations of tenants with follow-ups on, whose contact's last message
    // was answered, whose lead is still open, with steps left and no reply to an earlier step.
    let candidates: Vec<Candidate> = statement(
        db,
        "SELECT v.tenant_id, v.id AS conversation_id, v.contact_id, c.phone, t.settings, t.timezone, \
                m.id AS anchor_id, m.body AS anchor_body, m.created_at AS anchor_at, \
                COALESCE((SELECT w.provider FROM webhook_events w WHERE w.tenant_id = m.tenant_id \
                          AND w.event_id = m.provider_message_id LIMIT 1), \
                         (SELECT h.provider FROM tenant_channels h WHERE h.tenant_id = v.tenant_id \
                          AND h.provider IN ('twilio', 'openphone') ORDER BY h.created_at, h.id LIMIT 1)) AS provider, \
                (SELECT COUNT(*) FROM follow_ups f WHERE f.tenant_id = v.tenant_id \
                 AND f.anchor_message_id = m.id) AS sent \
         FROM conversations v JOIN tenants t ON t.id = v.tenant_id JOIN contacts c ON c.id = v.contact_id \
         JOIN messages m ON m.id = (SELECT i.id FROM messages i WHERE i.tenant_id = v.tenant_id \
              AND i.conversation_id = v.id AND i.direction = 'inbound' ORDER BY i.created_at DESC, i.id DESC LIMIT 1) \
         LEFT JOIN leads l ON l.tenant_id = v.tenant_id AND l.contact_id = v.contact_id \
         WHERE t.status = 'active' AND json_type(t.settings, '$.follow_up') = 'object' \
           AND v.tenant_id NOT IN (SELECT value FROM json_each(?4)) \
           AND v.channel = 'sms' AND v.held_by IS NULL AND c.phone IS NOT NULL AND v.last_message_at > ?1 - ?2 \
           AND COALESCE(l.status, 'new') NOT IN ('booked', 'won', 'lost') \
           AND EXISTS (SELECT 1 FROM messages o WHERE o.tenant_id = v.tenant_id AND o.conversation_id = v.id \
                       AND o.direction = 'outbound' AND o.created_at >= m.created_at) \
           AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.tenant_id = v.tenant_id \
                           AND f.conversation_id = v.id AND f.anchor_message_id != m.id) \
           AND (SELECT COUNT(*) FROM follow_ups f WHERE f.tenant_id = v.tenant_id AND f.anchor_message_id = m.id) \
               < COALESCE(json_array_length(t.settings, '$.follow_up.steps'), ?3) \
         ORDER BY v.last_message_at LIMIT 50",
        &[Arg::Int(now), Arg::Int(LOOK_BACK_MS), Arg::Int(DEFAULT_STEPS as u64), Arg::Text(&paused)],
    )?
    .all()
    .await?
    .results()?;
    let mut sent = 0;
    for c in candidates {
        let settings: Settings = serde_json::from_str(&c.settings).unwrap_or_default();
        let quiet = Quiet {
            last_inbound_ms: c.anchor_at,
            last_inbound: &c.anchor_body,
            sent: c.sent as usize,
            // The query leaves out conversations where the contact answered a follow-up.
            replied_to_sequence: false,
        };
        let Some((step, text)) = due(&settings, &quiet, now, local_time(now, &c.timezone)) else { continue };
        let message = message_id(&c.anchor_id, c.anchor_at, step);
        let job = Job::DeliverMessage {
            tenant_id: c.tenant_id.clone(),
            message_id: message.clone(),
            provider: c.provider.clone().unwrap_or_else(|| "twilio".to_owned()),
            channel: "sms".to_owned(),
            to: c.phone.clone(),
            body: text.clone(),
            window: None,
            subject: None,
        };
        let mut statements = vec![
            statement(
                db,
                "INSERT INTO follow_ups (tenant_id, anchor_message_id, step, conversation_id, contact_id, message_id, \
                                         created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                &[
                    Arg::Text(&c.tenant_id),
                    Arg::Text(&c.anchor_id),
                    Arg::Int(step as u64),
                    Arg::Text(&c.conversation_id),
                    Arg::Text(&c.contact_id),
                    Arg::Text(&message),
                    Arg::Int(now),
                ],
            )?,
            statement(
                db,
                "INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, status, \
                                       created_at) VALUES (?1, ?2, ?3, ?4, 'outbound', 'sms', ?5, 'queued', ?6) \
                 ON CONFLICT DO NOTHING",
                &[
                    Arg::Text(&message),
                    Arg::Text(&c.tenant_id),
                    Arg::Text(&c.conversation_id),
                    Arg::Text(&c.contact_id),
                    Arg::Text(&text),
                    Arg::Int(now),
                ],
            )?,
        ];
        let jobs = [job];
        statements.extend(intent_statements(db, &jobs, now)?);
        db.batch(statements).await?;
        if let Err(e) = enqueue_all(env, &jobs).await {
            // The intent is stored: the sweeper's requeue sends it.
            worker::console_error!("queueing follow-up {message} failed: {e}");
        }
        sent += 1;
    }
    Ok(sent)
}
