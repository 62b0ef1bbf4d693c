//! A message the business starts to one of its contacts — a booking's confirmation, an info
//! pack — by the contact's channel: stored as an outbound message on their timeline, with its
//! delivery intent (the ordinary `deliver_message` path: outbox, retries, `simulated` without
//! credentials) and an optional audit entry, in one batch. The caller queues the job.

use crate::platform::d1::{statement, Arg};
use crate::platform::intents::intent_statements;
use crate::platform::time::WorkerRandom;
use frontdesk_core::ids;
use frontdesk_core::jobs::Job;
use frontdesk_core::ports::Random;
use serde::Deserialize;
use worker::{D1Database, Result};

pub struct ToContact<'a> {
    /// The words for the channel chosen (`sms`, `whatsapp`, `email`): the body, and an
    /// email's subject.
    pub write: &'a dyn Fn(&str) -> (String, Option<String>),
    /// By email if the contact has an address (they asked for one); else their usual channel.
    pub prefer_email: bool,
    pub audit: Option<Audit<'a>>,
}

/// An `audit_log` row for the message; its `detail` gains the contact and message ids.
pub struct Audit<'a> {
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
    let (body, subject) = (message.write)(&to.channel);
    let message_id = ids::make(ids::MESSAGE, now_ms, WorkerRandom.next_u64());
    let conversation_id = ids::make(ids::CONVERSATION, now_ms, WorkerRandom.next_u64());
    let job = Job::DeliverMessage {
        tenant_id: tenant_id.to_owned(),
        message_id: message_id.clone(),
        provider: to.provider.to_owned(),
        channel: to.channel.clone(),
        to: to.address.clone(),
        body: body.clone(),
        window: None,
        subject,
    };
    let base = [Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Text(&to.channel), Arg::Int(now_ms)];
    let mut statements = vec![
        // The contact's conversation on that channel, started if they have none.
        statement(
            db,
            "INSERT INTO conversations (id, tenant_id, contact_id, channel, status, started_at, last_message_at) \
             SELECT ?5, ?1, ?2, ?3, 'open', ?4, ?4 WHERE NOT EXISTS \
               (SELECT 1 FROM conversations WHERE tenant_id = ?1 AND contact_id = ?2 AND channel = ?3)",
            &[base[0], base[1], base[2], base[3], Arg::Text(&conversation_id)],
        )?,
        statement(
            db,
            "INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, status, created_at) \
             VALUES (?5, ?1, (SELECT id FROM conversations WHERE tenant_id = ?1 AND contact_id = ?2 AND channel = ?3 \
                              ORDER BY last_message_at DESC, id DESC LIMIT 1), ?2, 'outbound', ?3, ?6, 'queued', ?4)",
            &[base[0], base[1], base[2], base[3], Arg::Text(&message_id), Arg::Text(&body)],
        )?,
    ];
    statements.extend(intent_statements(db, std::slice::from_ref(&job), now_ms)?);
    if let Some(audit) = &message.audit {
        let mut detail = audit.detail.clone();
        detail["contact_id"] = contact_id.into();
        detail["message_id"] = message_id.clone().into();
        statements.push(statement(
            db,
            "INSERT INTO audit_log (id, tenant_id, actor, action, subject, detail, created_at) VALUES (?1, ?2, 'system', ?3, ?4, ?5, ?6)",
            &[
                Arg::Text(&ids::make(ids::AUDIT, now_ms, WorkerRandom.next_u64())),
                Arg::Text(tenant_id),
                Arg::Text(audit.action),
                Arg::Text(audit.subject),
                Arg::Text(&detail.to_string()),
                Arg::Int(now_ms),
            ],
        )?);
    }
    db.batch(statements).await?;
    Ok(Some(Sent { job, message_id, channel: to.channel, body }))
}

/// How a contact is reached.
struct Reach {
    channel: String,
    provider: &'static str,
    address: String,
}

/// The contact's channel: email when preferred and known; else WhatsApp if that is where they
/// last wrote, else SMS to their phone, else email (recorded `simulated` until an email
/// provider is configured).
async fn reach(db: &D1Database, tenant_id: &str, contact_id: &str, prefer_email: bool) -> Result<Option<Reach>> {
    #[derive(Deserialize)]
    struct C {
        phone: Option<String>,
        email: Option<String>,
        last_channel: Option<String>,
        providers: Option<String>,
    }
    let c: Option<C> = statement(
        db,
        "SELECT phone, email, \
           (SELECT channel FROM conversations WHERE tenant_id = ?1 AND contact_id = ?2 AND channel IN ('sms', 'whatsapp') \
            ORDER BY last_message_at DESC LIMIT 1) AS last_channel, \
           (SELECT group_concat(provider) FROM tenant_channels WHERE tenant_id = ?1) AS providers \
         FROM contacts WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    let Some(c) = c else { return Ok(None) };
    let providers = c.providers.unwrap_or_default();
    let has = |p: &str| providers.split(',').any(|x| x == p);
    let email = |address| Reach { channel: "email".to_owned(), provider: "email", address };
    Ok(match (c.phone, c.email) {
        (_, Some(address)) if prefer_email => Some(email(address)),
        (Some(phone), _) => {
            let channel = c.last_channel.unwrap_or_else(|| "sms".to_owned());
            // The provider that carries that channel for this tenant; Twilio is the default path.
            let provider = match channel.as_str() {
                "whatsapp" if has("meta") => "meta",
                "sms" if !has("twilio") && has("openphone") => "openphone",
                _ => "twilio",
            };
            Some(Reach { channel, provider, address: phone })
        }
        (None, Some(address)) => Some(email(address)),
        (None, None) => None,
    })
}
