//! Escalations as the tenant API reads and updates them.

use super::{audit_statement, statement, Arg, Audit};
use frontdesk_core::api::PageRequest;
use frontdesk_core::escalation::{Escalation, Priority, Reason, Status};
use serde::Deserialize;
use worker::{D1Database, Result};

const COLUMNS: &str =
    "id, contact_id, conversation_id, message_id, reason, priority, status, summary, detail, created_at, updated_at";

#[derive(Deserialize)]
struct Row {
    id: String,
    contact_id: String,
    conversation_id: String,
    message_id: String,
    reason: Reason,
    priority: Priority,
    status: Status,
    summary: String,
    detail: String,
    created_at: u64,
    updated_at: u64,
}

impl From<Row> for Escalation {
    fn from(r: Row) -> Self {
        Escalation {
            id: r.id,
            contact_id: r.contact_id,
            conversation_id: r.conversation_id,
            message_id: r.message_id,
            reason: r.reason,
            priority: r.priority,
            status: r.status,
            summary: r.summary,
            detail: serde_json::from_str(&r.detail).unwrap_or_default(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub async fn escalation_list(
    db: &D1Database,
    tenant_id: &str,
    status: Option<Status>,
    page: &PageRequest,
) -> Result<Vec<Escalation>> {
    let rows: Vec<Row> =
        super::status_page(db, ("escalations", COLUMNS), tenant_id, status.map(Status::as_str), page).await?;
    Ok(rows.into_iter().map(Escalation::from).collect())
}

/// A contact's escalations not yet resolved, newest first (a handful at most).
pub async fn open_escalations_of(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Vec<Escalation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM escalations WHERE tenant_id = ?1 AND contact_id = ?2 AND status != 'resolved' \
         ORDER BY id DESC LIMIT 50"
    );
    let rows: Vec<Row> = statement(db, &sql, &[Arg::Text(tenant_id), Arg::Text(contact_id)])?.all().await?.results()?;
    Ok(rows.into_iter().map(Escalation::from).collect())
}

pub async fn escalation(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Escalation>> {
    let row: Option<Row> = super::by_id(db, ("escalations", COLUMNS), tenant_id, id).await?;
    Ok(row.map(Escalation::from))
}

/// A move of an escalation: to what, by whom, and what they wrote about it.
pub struct StatusChange<'a> {
    pub status: Status,
    pub actor: &'a str,
    pub note: Option<&'a str>,
}

/// Sets the status and records who did it (and their note) in `audit_log`, in one transaction.
pub async fn set_escalation_status(
    db: &D1Database,
    tenant_id: &str,
    id: &str,
    change: &StatusChange<'_>,
    audit_id: &str,
    now_ms: u64,
) -> Result<()> {
    let StatusChange { status, actor, note } = *change;
    let mut detail = serde_json::json!({ "status": status.as_str() });
    if let Some(note) = note {
        detail["note"] = note.into();
    }
    let detail = detail.to_string();
    db.batch(vec![
        statement(
            db,
            "UPDATE escalations SET status = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2",
            &[Arg::Text(tenant_id), Arg::Text(id), Arg::Text(status.as_str()), Arg::Int(now_ms)],
        )?,
        audit_statement(
            db,
            &Audit {
                id: audit_id,
                tenant_id,
                actor,
                action: "escalation.status",
                subject: id,
                detail: &detail,
                at_ms: now_ms,
            },
        )?,
    ])
    .await?;
    Ok(())
}
