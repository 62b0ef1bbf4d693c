//! A message the business starts to one of its contacts — a booking's confirmation, an info
//! pack — by the contact's channel: stored as an outbound message on their timeline, with its
//! delivery intent (the ordinary `deliver_message` path: outbox, retries, `simulated` without
//! credentials) and an optional audit entry, in one batch. The caller queues the job.

use crate::platform::d1::{statement, Arg};
use crate::platform::outreach::{message_statements, reach, reach_via, Outgoing, Reach, Via};
use crate::platform::time::WorkerRandom;
use frontdesk_core::ids;
use frontdesk_core::jobs::Job;
use frontdesk_core::ports::Random;
use worker::{D1Database, Result};

pub struct ToContact<'a> {
    /// The words for how the contact is reached (the channel — `sms`, `whatsapp`, `email` —
    /// and the language of their last message): the body, and an email's subject.
    pub write: &'a dyn Fn(&Reach) -> (String, Option<String>),
    /// By email if the contact has an address (they asked for one); else their usual channel.
    pub prefer_email: bool,
    pub audit: Option<Audit<'a>>,
}

/// An `audit_log` row for the message; its `detail` gains the contact and message ids.
pub struct Audit<'a> {
    /// Who sent it: `system` for what the business's rules start, else the staff member's key or user.
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
}

/// What went out: the job to queue, the stored message, its channel and words.
pub struct Sent {
    pub job: Job,
    pub message_id: String,
    pub channel: String,
    pub body: String,
}

/// Stores `message` for the contact and its delivery intent; `None` when the contact has no
/// phone or email to reach (or is not the tenant's).
pub async fn message_contact(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    message: &ToContact<'_>,
    now_ms: u64,
) -> Result<Option<Sent>> {
    let Some(to) = reach(db, tenant_id, contact_id, message.prefer_email).await? else { return Ok(None) };
    message_reached(db, tenant_id, contact_id, &to, message, now_ms).await.map(Some)
}

/// Staff's own words to a contact on one phone channel (`sms` or `whatsapp`), as `actor`,
/// audited `message.sent`; `None` when the contact has no phone (or is not the tenant's). The
/// caller queues the job. The MCP `send_sms` / `send_whatsapp` tools and
/// `POST /api/v1/contacts/{id}/messages` send through here.
pub async fn send_text(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    channel: &'static str,
    body: &str,
    actor: &str,
    now_ms: u64,
) -> Result<Option<Sent>> {
    let Some(to) = reach_via(db, tenant_id, contact_id, Via::Phone(channel)).await? else { return Ok(None) };
    let write = |_: &Reach| (body.to_owned(), None);
    let audit =
        Audit { actor, action: "message.sent", subject: contact_id, detail: serde_json::json!({ "channel": channel }) };
    let message = ToContact { write: &write, prefer_email: false, audit: Some(audit) };
    message_reached(db, tenant_id, contact_id, &to, &message, now_ms).await.map(Some)
}

async fn message_reached(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    to: &Reach,
    message: &ToContact<'_>,
    now_ms: u64,
) -> Result<Sent> {
    let (body, subject) = (message.write)(to);
    let message_id = ids::make(ids::MESSAGE, now_ms, WorkerRandom.next_u64());
    let (mut statements, job) =
        message_statements(db, tenant_id, contact_id, to, Outgoing { id: &message_id, body: &body, subject }, now_ms)?;
    if let Some(audit) = &message.audit {
        let mut detail = audit.detail.clone();
        detail["contact_id"] = contact_id.into();
        detail["message_id"] = message_id.clone().into();
        statements.push(statement(
            db,
            "INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) VALUES (?1, ?2, ?7, ?3, ?4, ?5, ?6)",
            &[
                Arg::Text(&ids::make(ids::AUDIT, now_ms, WorkerRandom.next_u64())),
                Arg::Text(tenant_id),
                Arg::Text(audit.action),
                Arg::Text(audit.subject),
                Arg::Text(&detail.to_string()),
                Arg::Int(now_ms),
                Arg::Text(audit.actor),
            ],
        )?);
    }
    db.batch(statements).await?;
    Ok(Sent { job, message_id, channel: to.channel.clone(), body })
}
