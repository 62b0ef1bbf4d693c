//! Messages we start rather than replies (a booking's confirmation, a listing offered to a
//! saved search): how the contact is reached, and the rows that put the message on their
//! timeline and deliver it through the outbox — the same path as a queued reply, so it is
//! retried, dead-lettered and `simulated` like one. When they may go is core's
//! (`frontdesk_core::outreach`).

use super::d1::{statement, Arg};
use super::intents::intent_statements;
use super::time::WorkerRandom;
use frontdesk_core::ids;
use frontdesk_core::jobs::Job;
use frontdesk_core::ports::Random;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

/// How a contact is reached, and the words they last wrote to us (their language).
pub struct Reach {
    pub channel: String,
    pub provider: &'static str,
    pub address: String,
    pub last_inbound: Option<String>,
}

/// The contact's channel: email when preferred (they asked for it) and known; else WhatsApp if
/// that is where they last wrote, else SMS to their phone, else email (recorded `simulated`
/// until an email provider is configured).
pub async fn reach(db: &D1Database, tenant_id: &str, contact_id: &str, prefer_email: bool) -> Result<Option<Reach>> {
    reach_via(db, tenant_id, contact_id, if prefer_email { Via::Email } else { Via::Usual }).await
}

/// How a message we start should go.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The contact's usual channel ([`reach`]).
    Usual,
    /// Email if known, else the usual channel.
    Email,
    /// This phone channel (`sms` or `whatsapp`), or not at all when they have no phone.
    Phone(&'static str),
}

pub async fn reach_via(db: &D1Database, tenant_id: &str, contact_id: &str, via: Via) -> Result<Option<Reach>> {
    #[derive(Deserialize)]
    struct C {
        phone: Option<String>,
        email: Option<String>,
        last_channel: Option<String>,
        providers: Option<String>,
        last_inbound: Option<String>,
    }
    let c: Option<C> = statement(
        db,
        "SELECT phone, email, \
           (SELECT channel FROM conversations WHERE tenant_id = ?1 AND contact_id = ?2 AND channel IN ('sms', 'whatsapp') \
            ORDER BY last_message_at DESC LIMIT 1) AS last_channel, \
           (SELECT group_concat(provider) FROM tenant_channels WHERE tenant_id = ?1) AS providers, \
           (SELECT body FROM messages WHERE tenant_id = ?1 AND direction = 'inbound' AND conversation_id IN \
              (SELECT id FROM conversations WHERE tenant_id = ?1 AND contact_id = ?2) \
            ORDER BY created_at DESC LIMIT 1) AS last_inbound \
         FROM contacts WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    let Some(c) = c else { return Ok(None) };
    let providers = c.providers.unwrap_or_default();
    let has = |p: &str| providers.split(',').any(|x| x == p);
    let email = |address| Reach { channel: "email".to_owned(), provider: "email", address, last_inbound: None };
    Ok(match (c.phone, c.email) {
        (_, Some(address)) if via == Via::Email => Some(Reach { last_inbound: c.last_inbound, ..email(address) }),
        (Some(phone), _) => {
            let channel = match via {
                Via::Phone(channel) => channel.to_owned(),
                _ => c.last_channel.unwrap_or_else(|| "sms".to_owned()),
            };
            // The provider that carries that channel for this tenant; Twilio is the default path.
            let provider = match channel.as_str() {
                "whatsapp" if has("meta") => "meta",
                "sms" if !has("twilio") && has("openphone") => "openphone",
                _ => "twilio",
            };
            Some(Reach { channel, provider, address: phone, last_inbound: c.last_inbound })
        }
        (None, Some(address)) if !matches!(via, Via::Phone(_)) => {
            Some(Reach { last_inbound: c.last_inbound, ..email(address) })
        }
        (None, _) => None,
    })
}

/// A message we start: its id, its words, and an email's subject.
pub struct Outgoing<'a> {
    pub id: &'a str,
    pub body: &'a str,
    pub subject: Option<String>,
}

/// The statements that store `message` as a queued outbound message on the contact's
/// conversation on `to.channel` (started if they have none), with its delivery intent and
/// outbox row; and the delivery job to queue once they are written. Each row is
/// insert-if-absent by the message id, so a derived id written twice is one message.
pub fn message_statements(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    to: &Reach,
    message: Outgoing<'_>,
    now_ms: u64,
) -> Result<(Vec<D1PreparedStatement>, Job)> {
    let Outgoing { id: message_id, body, subject } = message;
    let conversation_id = ids::make(ids::CONVERSATION, now_ms, WorkerRandom.next_u64());
    let job = Job::DeliverMessage {
        tenant_id: tenant_id.to_owned(),
        message_id: message_id.to_owned(),
        provider: to.provider.to_owned(),
        channel: to.channel.clone(),
        to: to.address.clone(),
        body: body.to_owned(),
        window: None,
        subject,
    };
    let base = [Arg::Text(tenant_id), Arg::Text(contact_id), Arg::Text(&to.channel), Arg::Int(now_ms)];
    let mut statements = vec![
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
                              ORDER BY last_message_at DESC, id DESC LIMIT 1), ?2, 'outbound', ?3, ?6, 'queued', ?4) \
             ON CONFLICT DO NOTHING",
            &[base[0], base[1], base[2], base[3], Arg::Text(message_id), Arg::Text(body)],
        )?,
    ];
    statements.extend(intent_statements(db, std::slice::from_ref(&job), now_ms)?);
    Ok((statements, job))
}
