//! The tenant API's reads. Lists are newest first by id (ids are time-ordered) and fetch one
//! extra row so the caller knows whether another page exists (`api::page`).

use super::{statement, Arg};
use frontdesk_core::api::{like_escaped, PageRequest};
use frontdesk_core::records::{Contact, Conversation, Message};
use worker::{D1Database, Result};

const CONVERSATION_COLUMNS: &str = "id, contact_id, channel, status, started_at, last_message_at";

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
    super::filtered_page(db, ("messages", MESSAGE_COLUMNS), tenant_id, ("conversation_id", Some(conversation_id)), page)
        .await
}

const MESSAGE_COLUMNS: &str =
    "id, conversation_id, contact_id, direction, channel, body, provider_message_id, status, created_at, error, \
     first_token_ms, last_token_ms";

/// The tenant's contacts, newest first: by exact phone or email and/or part of the name
/// (case-insensitive for ASCII, `%` and `_` taken literally).
pub async fn contact_list(
    db: &D1Database,
    tenant_id: &str,
    filter: &ContactFilter<'_>,
    page: &PageRequest,
) -> Result<Vec<Contact>> {
    let name = filter.name.map(like_escaped);
    statement(
        db,
        "SELECT id, phone, email, name, created_at, updated_at FROM contacts \
         WHERE tenant_id = ?1 AND (?2 IS NULL OR phone = ?2) AND (?5 IS NULL OR email = ?5) \
         AND (?6 IS NULL OR name LIKE '%' || ?6 || '%' ESCAPE '\\') \
         AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4",
        &[
            Arg::Text(tenant_id),
            Arg::OptText(filter.phone),
            Arg::OptText(page.before.as_deref()),
            Arg::Int(page.fetch_limit().into()),
            Arg::OptText(filter.email),
            Arg::OptText(name.as_deref()),
        ],
    )?
    .all()
    .await?
    .results()
}

/// What a contact search filters on; all `None` lists every contact.
#[derive(Default)]
pub struct ContactFilter<'a> {
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub name: Option<&'a str>,
}

pub async fn contact(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Contact>> {
    statement(
        db,
        "SELECT id, phone, email, name, created_at, updated_at FROM contacts WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

/// A contact's messages on every channel and conversation, newest first.
pub async fn contact_messages(
    db: &D1Database,
    tenant_id: &str,
    contact_id: &str,
    page: &PageRequest,
) -> Result<Vec<Message>> {
    super::filtered_page(db, ("messages", MESSAGE_COLUMNS), tenant_id, ("contact_id", Some(contact_id)), page).await
}

/// An outbox row as the API shows it: what was (or will be) delivered, to whom, and how.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub status: String,
    pub attempts: u64,
    pub last_error: Option<String>,
    /// The JSON the sender uses, parsed.
    #[serde(deserialize_with = "json_text")]
    pub payload: serde_json::Value,
    pub created_at: u64,
    pub updated_at: u64,
}

fn json_text<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<serde_json::Value, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(d)?;
    Ok(parsed(text))
}

/// [`json_text`] for a column that may be NULL.
pub(super) fn opt_json_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<serde_json::Value>, D::Error> {
    Ok(<Option<String> as serde::Deserialize>::deserialize(d)?.map(parsed))
}

fn parsed(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}

/// An `audit_log` row as `GET /api/v1/audit` shows it: who did what to which subject, when.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    #[serde(deserialize_with = "json_text")]
    pub detail: serde_json::Value,
    pub created_at: u64,
}

impl frontdesk_core::api::Identified for AuditEntry {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The tenant's audit entries, newest first, of one `action` or all.
pub async fn audit_list(
    db: &D1Database,
    tenant_id: &str,
    action: Option<&str>,
    page: &PageRequest,
) -> Result<Vec<AuditEntry>> {
    let columns = "id, actor, action, subject, detail, created_at";
    super::filtered_page(db, ("audit_log", columns), tenant_id, ("action", action), page).await
}

impl frontdesk_core::api::Identified for OutboxEntry {
    fn id(&self) -> &str {
        &self.id
    }
}

pub async fn outbox_list(db: &D1Database, tenant_id: &str, page: &PageRequest) -> Result<Vec<OutboxEntry>> {
    statement(
        db,
        "SELECT id, channel, recipient, status, attempts, last_error, payload, created_at, updated_at FROM outbox \
         WHERE tenant_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3",
        &[Arg::Text(tenant_id), Arg::OptText(page.before.as_deref()), Arg::Int(page.fetch_limit().into())],
    )?
    .all()
    .await?
    .results()
}

/// Statuses arrive out of order, so a message only moves forward (queued → sent → delivered →
/// read) and `failed` always applies: the condition every status update below shares, with the
/// new status bound as `?3`.
const MOVES_FORWARD: &str = "(?3 = 'failed' OR \
     (CASE ?3 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END) > \
     (CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END))";

/// Applies a provider's delivery status to the message it is about (by the provider's id).
pub async fn apply_message_status(
    db: &D1Database,
    tenant_id: &str,
    channel: &str,
    provider_message_id: &str,
    status: &str,
) -> Result<()> {
    statement(
        db,
        &format!(
            "UPDATE messages SET status = ?3 \
             WHERE tenant_id = ?1 AND channel = ?4 AND provider_message_id = ?2 AND {MOVES_FORWARD}"
        ),
        &[Arg::Text(tenant_id), Arg::Text(provider_message_id), Arg::Text(status), Arg::Text(channel)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Applies Twilio's status callback to the reply it is about: our message id when the callback
/// names it (an inline TwiML reply, whose Twilio id we learn here), else Twilio's id. The
/// first callback records Twilio's id on the reply; a failure records Twilio's error.
pub async fn apply_outbound_status(
    db: &D1Database,
    tenant_id: &str,
    message_id: Option<&str>,
    callback: &frontdesk_core::channel::twilio::status::StatusCallback,
) -> Result<()> {
    statement(
        db,
        &format!(
            "UPDATE messages SET provider_message_id = COALESCE(provider_message_id, ?2), \
                    status = CASE WHEN {MOVES_FORWARD} THEN ?3 ELSE status END, \
                    error = CASE WHEN ?3 = 'failed' THEN ?5 ELSE error END \
             WHERE tenant_id = ?1 AND direction = 'outbound' \
               AND (id = ?4 OR (?4 IS NULL AND provider_message_id = ?2))"
        ),
        &[
            Arg::Text(tenant_id),
            Arg::Text(&callback.message_sid),
            Arg::Text(callback.status.as_str()),
            Arg::OptText(message_id),
            Arg::OptText(callback.error.as_deref()),
        ],
    )?
    .run()
    .await?;
    Ok(())
}
