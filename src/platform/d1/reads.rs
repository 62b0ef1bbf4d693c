//! The tenant API's reads. Lists are newest first by id (ids are time-ordered) and fetch one
//! extra row so the caller knows whether another page exists (`api::page`).

use super::{statement, Arg};
use frontdesk_core::api::PageRequest;
use frontdesk_core::records::{Contact, Conversation, Message};
use worker::{D1Database, Result};

const CONVERSATION_COLUMNS: &str = "id, contact_id, channel, status, started_at, last_message_at";

pub async fn conversation_list(db: &D1Database, tenant_id: &str, page: &PageRequest) -> Result<Vec<Conversation>> {
    statement(
        db,
        &format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations \
             WHERE tenant_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3"
        ),
        &[Arg::Text(tenant_id), Arg::OptText(page.before.as_deref()), Arg::Int(page.fetch_limit().into())],
    )?
    .all()
    .await?
    .results()
}

pub async fn conversation(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Conversation>> {
    statement(
        db,
        &format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE tenant_id = ?1 AND id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

pub async fn message_list(
    db: &D1Database,
    tenant_id: &str,
    conversation_id: &str,
    page: &PageRequest,
) -> Result<Vec<Message>> {
    statement(
        db,
        "SELECT id, conversation_id, contact_id, direction, channel, body, provider_message_id, status, created_at \
         FROM messages WHERE tenant_id = ?1 AND conversation_id = ?2 AND (?3 IS NULL OR id < ?3) \
         ORDER BY id DESC LIMIT ?4",
        &[
            Arg::Text(tenant_id),
            Arg::Text(conversation_id),
            Arg::OptText(page.before.as_deref()),
            Arg::Int(page.fetch_limit().into()),
        ],
    )?
    .all()
    .await?
    .results()
}

pub async fn contact_list(
    db: &D1Database,
    tenant_id: &str,
    phone: Option<&str>,
    page: &PageRequest,
) -> Result<Vec<Contact>> {
    statement(
        db,
        "SELECT id, phone, email, name, created_at, updated_at FROM contacts \
         WHERE tenant_id = ?1 AND (?2 IS NULL OR phone = ?2) AND (?3 IS NULL OR id < ?3) \
         ORDER BY id DESC LIMIT ?4",
        &[
            Arg::Text(tenant_id),
            Arg::OptText(phone),
            Arg::OptText(page.before.as_deref()),
            Arg::Int(page.fetch_limit().into()),
        ],
    )?
    .all()
    .await?
    .results()
}
