//! Recording an inbound message exactly once, in two D1 batches (each one transaction, one
//! round trip):
//!
//! 1. claim the provider event id in `webhook_events`, upsert the contact, pick or open the
//!    conversation and store the inbound message — every write guarded by "this request holds
//!    the claim", so concurrent duplicates write nothing;
//! 2. after the brain has answered, store the reply and mark the event done with the answer
//!    a later duplicate should get.
//!
//! The inbound message is durable after batch 1, before any remote call.

use super::{args, statement, Arg};
use frontdesk_core::conversation::reuse_cutoff;
use frontdesk_core::inbound::Stored;
use frontdesk_core::records::{Contact, Conversation, Message};
use frontdesk_core::webhook::{Claim, CLAIM_STALE_AFTER_MS};
use serde::Deserialize;
use worker::{D1Database, Result};

/// True only for the request holding the claim on (?1 tenant, ?2 provider, ?3 event id) with
/// claim token ?4. Every statement below binds those four first.
const CLAIMED: &str = "EXISTS (SELECT 1 FROM webhook_events \
    WHERE tenant_id = ?1 AND provider = ?2 AND event_id = ?3 AND claim_id = ?4)";

/// Ids and values for one inbound message, all decided before the first write.
pub struct InboundRecord<'a> {
    pub tenant_id: &'a str,
    pub provider: &'a str,
    pub event_id: &'a str,
    pub claim_id: &'a str,
    pub now_ms: u64,
    pub channel: &'a str,
    pub phone: &'a str,
    pub profile_name: Option<&'a str>,
    pub body: &'a str,
    pub media_json: Option<&'a str>,
    pub provider_message_id: &'a str,
    pub new_contact_id: &'a str,
    pub new_conversation_id: &'a str,
    pub new_message_id: &'a str,
}

#[derive(Deserialize)]
struct ReadBack {
    claim_id: String,
    claim_status: String,
    response: Option<String>,
    message_id: Option<String>,
    message_created_at: Option<u64>,
    conversation_id: Option<String>,
    started_at: Option<u64>,
    last_message_at: Option<u64>,
    conversation_status: Option<String>,
    contact_id: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    name: Option<String>,
    contact_created_at: Option<u64>,
    contact_updated_at: Option<u64>,
}

pub async fn record_inbound<'a>(
    db: &D1Database,
    r: &InboundRecord<'a>,
) -> Result<(Claim, Option<Stored>)> {
    let claim = claim_args(r);
    let with = |extra: &[Arg<'a>]| args(&claim, extra);
    let now = r.now_ms;
    let cutoff = reuse_cutoff(now);
    let stale_before = now.saturating_sub(CLAIM_STALE_AFTER_MS);
    let statements = vec![
        statement(
            db,
            "INSERT INTO webhook_events (tenant_id, provider, event_id, status, claim_id, received_at) \
             VALUES (?1, ?2, ?3, 'processing', ?4, ?5) \
             ON CONFLICT (tenant_id, provider, event_id) DO UPDATE \
             SET claim_id = excluded.claim_id, status = 'processing', received_at = excluded.received_at \
             WHERE webhook_events.status = 'failed' \
                OR (webhook_events.status = 'processing' AND webhook_events.received_at < ?6)",
            &with(&[Arg::Int(now), Arg::Int(stale_before)]),
        )?,
        statement(
            db,
            &format!(
                "INSERT INTO contacts (id, tenant_id, phone, name, created_at, updated_at) \
                 SELECT ?5, ?1, ?6, ?7, ?8, ?8 WHERE {CLAIMED} \
                 ON CONFLICT (tenant_id, phone) WHERE phone IS NOT NULL \
                 DO UPDATE SET name = COALESCE(contacts.name, excluded.name), updated_at = excluded.updated_at"
            ),
            &with(&[Arg::Text(r.new_contact_id), Arg::Text(r.phone), Arg::OptText(r.profile_name), Arg::Int(now)]),
        )?,
        statement(
            db,
            &format!(
                "UPDATE conversations SET status = 'closed' \
                 WHERE tenant_id = ?1 AND channel = ?6 AND status = 'open' AND last_message_at < ?7 \
                 AND contact_id = (SELECT id FROM contacts WHERE tenant_id = ?1 AND phone = ?5) AND {CLAIMED}"
            ),
            &with(&[Arg::Text(r.phone), Arg::Text(r.channel), Arg::Int(cutoff)]),
        )?,
        statement(
            db,
            &format!(
                "INSERT INTO conversations (id, tenant_id, contact_id, channel, status, started_at, last_message_at) \
                 SELECT ?5, ?1, c.id, ?6, 'open', ?7, ?7 FROM contacts c \
                 WHERE c.tenant_id = ?1 AND c.phone = ?8 AND {CLAIMED} \
                 AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.tenant_id = ?1 AND v.contact_id = c.id \
                                 AND v.channel = ?6 AND v.status = 'open')"
            ),
            &with(&[Arg::Text(r.new_conversation_id), Arg::Text(r.channel), Arg::Int(now), Arg::Text(r.phone)]),
        )?,
        statement(
            db,
            &format!(
                "INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, \
                                       provider_message_id, status, media, created_at) \
                 SELECT ?5, ?1, v.id, v.contact_id, 'inbound', ?6, ?7, ?8, 'received', ?9, ?10 \
                 FROM conversations v JOIN contacts c ON c.id = v.contact_id \
                 WHERE c.tenant_id = ?1 AND c.phone = ?11 AND v.tenant_id = ?1 AND v.channel = ?6 \
                   AND v.status = 'open' AND {CLAIMED} \
                 ORDER BY v.last_message_at DESC LIMIT 1 \
                 ON CONFLICT DO NOTHING"
            ),
            &with(&[
                Arg::Text(r.new_message_id),
                Arg::Text(r.channel),
                Arg::Text(r.body),
                Arg::Text(r.provider_message_id),
                Arg::OptText(r.media_json),
                Arg::Int(now),
                Arg::Text(r.phone),
            ]),
        )?,
        statement(
            db,
            &format!(
                "UPDATE conversations SET last_message_at = ?7 \
                 WHERE id = (SELECT conversation_id FROM messages \
                             WHERE tenant_id = ?1 AND channel = ?5 AND provider_message_id = ?6) AND {CLAIMED}"
            ),
            &with(&[Arg::Text(r.channel), Arg::Text(r.provider_message_id), Arg::Int(now)]),
        )?,
        statement(
            db,
            "SELECT w.claim_id, w.status AS claim_status, w.response, ?4 AS my_claim, \
                    m.id AS message_id, m.created_at AS message_created_at, \
                    v.id AS conversation_id, v.started_at, v.last_message_at, v.status AS conversation_status, \
                    c.id AS contact_id, c.phone, c.email, c.name, \
                    c.created_at AS contact_created_at, c.updated_at AS contact_updated_at \
             FROM webhook_events w \
             LEFT JOIN messages m ON m.tenant_id = w.tenant_id AND m.channel = ?5 AND m.provider_message_id = ?6 \
             LEFT JOIN conversations v ON v.id = m.conversation_id \
             LEFT JOIN contacts c ON c.id = m.contact_id \
             WHERE w.tenant_id = ?1 AND w.provider = ?2 AND w.event_id = ?3",
            &with(&[Arg::Text(r.channel), Arg::Text(r.provider_message_id)]),
        )?,
    ];
    let results = db.batch(statements).await?;
    let row: ReadBack = results
        .last()
        .and_then(|last| last.results::<ReadBack>().ok())
        .and_then(|rows| rows.into_iter().next())
        .ok_or_else(|| worker::Error::RustError("webhook_events row missing after claim".into()))?;
    let claim = Claim::from_row(
        r.claim_id,
        &row.claim_id,
        &row.claim_status,
        row.response.clone(),
    );
    if claim != Claim::Owned {
        return Ok((claim, None));
    }
    Ok((claim, Some(assemble(row, r)?)))
}

fn assemble(row: ReadBack, r: &InboundRecord<'_>) -> Result<Stored> {
    let missing =
        || worker::Error::RustError("inbound rows missing after a successful claim".into());
    let message_created_at = row.message_created_at.ok_or_else(missing)?;
    let contact_created_at = row.contact_created_at.ok_or_else(missing)?;
    let started_at = row.started_at.ok_or_else(missing)?;
    let contact_id = row.contact_id.ok_or_else(missing)?;
    let conversation_id = row.conversation_id.ok_or_else(missing)?;
    Ok(Stored {
        returning_contact: contact_created_at < message_created_at,
        new_conversation: started_at == message_created_at,
        contact: Contact {
            id: contact_id.clone(),
            phone: row.phone,
            email: row.email,
            name: row.name,
            created_at: contact_created_at,
            updated_at: row.contact_updated_at.unwrap_or(contact_created_at),
        },
        conversation: Conversation {
            id: conversation_id.clone(),
            contact_id: contact_id.clone(),
            channel: r.channel.to_owned(),
            status: row.conversation_status.unwrap_or_else(|| "open".into()),
            started_at,
            last_message_at: row.last_message_at.unwrap_or(message_created_at),
        },
        message: Message {
            id: row.message_id.ok_or_else(missing)?,
            conversation_id,
            contact_id,
            direction: "inbound".into(),
            channel: r.channel.to_owned(),
            body: r.body.to_owned(),
            provider_message_id: Some(r.provider_message_id.to_owned()),
            status: "received".into(),
            created_at: message_created_at,
        },
    })
}

/// Stores the reply (if any) and marks the event done with `response`, the answer duplicates
/// will get. Returns false if this request no longer holds the claim (it was taken over as
/// stale), in which case nothing was written.
pub async fn record_reply(
    db: &D1Database,
    r: &InboundRecord<'_>,
    reply: Option<&Message>,
    response: &str,
) -> Result<bool> {
    let claim = claim_args(r);
    let mut statements = Vec::with_capacity(3);
    if let Some(m) = reply {
        let outbound = args(
            &claim,
            &[
                Arg::Text(&m.id),
                Arg::Text(&m.conversation_id),
                Arg::Text(&m.contact_id),
                Arg::Text(&m.channel),
                Arg::Text(&m.body),
                Arg::Text(&m.status),
                Arg::Int(m.created_at),
            ],
        );
        statements.push(statement(
            db,
            &format!(
                "INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, \
                                       provider_message_id, status, created_at) \
                 SELECT ?5, ?1, ?6, ?7, 'outbound', ?8, ?9, NULL, ?10, ?11 WHERE {CLAIMED}"
            ),
            &outbound,
        )?);
        statements.push(statement(
            db,
            &format!("UPDATE conversations SET last_message_at = ?6 WHERE tenant_id = ?1 AND id = ?5 AND {CLAIMED}"),
            &args(&claim, &[Arg::Text(&m.conversation_id), Arg::Int(m.created_at)]),
        )?);
    }
    statements.push(statement(
        db,
        "UPDATE webhook_events SET status = 'done', response = ?5 \
         WHERE tenant_id = ?1 AND provider = ?2 AND event_id = ?3 AND claim_id = ?4",
        &args(&claim, &[Arg::Text(response)]),
    )?);
    let results = db.batch(statements).await?;
    let changed = results
        .last()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(changed == 1)
}

/// Gives the claim up after a failure, so the provider's retry can take it at once.
pub async fn release_claim(db: &D1Database, r: &InboundRecord<'_>) -> Result<()> {
    statement(
        db,
        "UPDATE webhook_events SET status = 'failed' \
         WHERE tenant_id = ?1 AND provider = ?2 AND event_id = ?3 AND claim_id = ?4 AND status = 'processing'",
        &claim_args(r),
    )?
    .run()
    .await?;
    Ok(())
}

fn claim_args<'a>(r: &InboundRecord<'a>) -> [Arg<'a>; 4] {
    [
        Arg::Text(r.tenant_id),
        Arg::Text(r.provider),
        Arg::Text(r.event_id),
        Arg::Text(r.claim_id),
    ]
}
