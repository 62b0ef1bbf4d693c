//! Human takeover's rows (core::console::takeover): taking and handing back a conversation,
//! each audited with the change; read marks; a staff reply in a chat; and the held
//! conversations whose contact waits on staff, for the sweeper.

use super::{audit_statement, change_audited, statement, Arg, Audit};
use frontdesk_core::ids;
use frontdesk_core::ports::Random;
use frontdesk_durable::platform::time::WorkerRandom;
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Result};

/// `conversation.held` / `conversation.released`, as `actor`; whether it changed the row. A
/// hold is written only over no hold or `actor`'s own, so of two people taking a conversation
/// at once one wins.
pub async fn set_hold(db: &D1Database, tenant_id: &str, id: &str, actor: &str, take: bool, now: u64) -> Result<bool> {
    let change = if take {
        statement(
            db,
            "UPDATE conversations SET held_by = ?3, held_since = ?4 \
             WHERE tenant_id = ?1 AND id = ?2 AND (held_by IS NULL OR held_by = ?3)",
            &[Arg::Text(tenant_id), Arg::Text(id), Arg::Text(actor), Arg::Int(now)],
        )?
    } else {
        statement(
            db,
            "UPDATE conversations SET held_by = NULL, held_since = NULL WHERE tenant_id = ?1 AND id = ?2",
            &[Arg::Text(tenant_id), Arg::Text(id)],
        )?
    };
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let action = if take { "conversation.held" } else { "conversation.released" };
    let audit = Audit { id: &audit_id, tenant_id, actor, action, subject: id, detail: "{}", at_ms: now };
    change_audited(db, change, &audit).await
}

pub async fn mark_read(db: &D1Database, tenant_id: &str, id: &str, now: u64) -> Result<()> {
    statement(
        db,
        "UPDATE conversations SET read_at = MAX(COALESCE(read_at, 0), ?3) WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(id), Arg::Int(now)],
    )?
    .run()
    .await?;
    Ok(())
}

/// A staff reply in a website chat: the visitor's stream delivers it (so it is `sent` as
/// stored), audited `message.sent` like staff's texts.
pub struct ChatReply<'a> {
    pub tenant_id: &'a str,
    pub conversation_id: &'a str,
    pub contact_id: &'a str,
    pub message_id: &'a str,
    pub body: &'a str,
    pub actor: &'a str,
    pub now: u64,
}

pub async fn store_chat_reply(db: &D1Database, reply: &ChatReply<'_>) -> Result<()> {
    let ChatReply { tenant_id, conversation_id, contact_id, message_id, body, actor, now } = *reply;
    let audit_id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let detail = json!({ "channel": "chat", "contact_id": contact_id, "message_id": message_id }).to_string();
    let audit = Audit {
        id: &audit_id,
        tenant_id,
        actor,
        action: "message.sent",
        subject: contact_id,
        detail: &detail,
        at_ms: now,
    };
    db.batch(vec![
        statement(
            db,
            "INSERT INTO messages (id, tenant_id, conversation_id, contact_id, direction, channel, body, status, created_at) \
             VALUES (?1, ?2, ?3, ?4, 'outbound', 'chat', ?5, 'sent', ?6)",
            &[
                Arg::Text(message_id),
                Arg::Text(tenant_id),
                Arg::Text(conversation_id),
                Arg::Text(contact_id),
                Arg::Text(body),
                Arg::Int(now),
            ],
        )?,
        statement(
            db,
            "UPDATE conversations SET last_message_at = MAX(last_message_at, ?3) WHERE tenant_id = ?1 AND id = ?2",
            &[Arg::Text(tenant_id), Arg::Text(conversation_id), Arg::Int(now)],
        )?,
        audit_statement(db, &audit)?,
    ])
    .await?;
    Ok(())
}

/// A held conversation's last inbound message and the last outbound one after any, with what
/// the sweeper needs to judge and announce the wait.
#[derive(Deserialize)]
pub struct Waiting {
    pub tenant_id: String,
    pub conversation_id: String,
    pub contact_id: String,
    pub settings: String,
    pub contact_label: String,
    pub inbound_id: Option<String>,
    pub last_inbound_at: Option<u64>,
    pub last_outbound_at: Option<u64>,
}

/// Held conversations (at most `limit`) whose last inbound message has no open or past
/// staff-wait escalation yet, oldest hold first.
pub async fn waiting_on_staff(db: &D1Database, limit: u32) -> Result<Vec<Waiting>> {
    statement(
        db,
        "SELECT c.tenant_id, c.id AS conversation_id, c.contact_id, t.settings, \
           COALESCE(co.name, co.phone, co.email, 'A contact') AS contact_label, \
           (SELECT m.id FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id \
              AND m.direction = 'inbound' ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS inbound_id, \
           (SELECT MAX(m.created_at) FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id \
              AND m.direction = 'inbound') AS last_inbound_at, \
           (SELECT MAX(m.created_at) FROM messages m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id \
              AND m.direction = 'outbound') AS last_outbound_at \
         FROM conversations c JOIN tenants t ON t.id = c.tenant_id AND t.status = 'active' \
         JOIN contacts co ON co.tenant_id = c.tenant_id AND co.id = c.contact_id \
         WHERE c.held_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.tenant_id = c.tenant_id \
           AND e.reason = 'human_requested' AND e.message_id = (SELECT m.id FROM messages m WHERE m.tenant_id = c.tenant_id \
             AND m.conversation_id = c.id AND m.direction = 'inbound' ORDER BY m.created_at DESC, m.id DESC LIMIT 1)) \
         ORDER BY c.held_since LIMIT ?1",
        &[Arg::Int(limit.into())],
    )?
    .all()
    .await?
    .results()
}
