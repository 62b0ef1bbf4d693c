//! Maintenance tickets as the tenant API reads, opens and updates them. Turns open theirs in
//! the conversation's batch (`thread_store::ticket_statement`).

use super::{audit_if_changed, statement, Arg, Audit};
use frontdesk_core::api::PageRequest;
use frontdesk_core::tickets::{Category, Status, Ticket, TicketUrgency, Updated, ValidTicket};
use serde::Deserialize;
use worker::{D1Database, Result};

const COLUMNS: &str = "id, contact_id, conversation_id, message_id, listing_id, category, urgency, status, assignee, \
                       summary, notes, media, escalation_id, created_at, updated_at";

#[derive(Deserialize)]
struct Row {
    id: String,
    contact_id: Option<String>,
    conversation_id: Option<String>,
    message_id: Option<String>,
    listing_id: Option<String>,
    category: Category,
    urgency: TicketUrgency,
    status: Status,
    assignee: Option<String>,
    summary: String,
    notes: String,
    media: String,
    escalation_id: Option<String>,
    created_at: u64,
    updated_at: u64,
}

impl From<Row> for Ticket {
    fn from(r: Row) -> Self {
        Ticket {
            id: r.id,
            contact_id: r.contact_id,
            conversation_id: r.conversation_id,
            message_id: r.message_id,
            listing_id: r.listing_id,
            category: r.category,
            urgency: r.urgency,
            status: r.status,
            assignee: r.assignee,
            summary: r.summary,
            notes: serde_json::from_str(&r.notes).unwrap_or_default(),
            media: serde_json::from_str(&r.media).unwrap_or_default(),
            escalation_id: r.escalation_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub async fn ticket_list(
    db: &D1Database,
    tenant_id: &str,
    status: Option<Status>,
    page: &PageRequest,
) -> Result<Vec<Ticket>> {
    let rows: Vec<Row> =
        super::status_page(db, ("tickets", COLUMNS), tenant_id, status.map(Status::as_str), page).await?;
    Ok(rows.into_iter().map(Ticket::from).collect())
}

pub async fn ticket(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Ticket>> {
    let row: Option<Row> = super::by_id(db, ("tickets", COLUMNS), tenant_id, id).await?;
    Ok(row.map(Ticket::from))
}

/// Opens a staff ticket. A `contact_id` must be this tenant's: otherwise nothing is written and
/// the answer is `false` (the caller says 404, as for any other tenant's resource).
pub async fn open_ticket(
    db: &D1Database,
    tenant_id: &str,
    id: &str,
    ticket: &ValidTicket,
    audit: &Audit<'_>,
) -> Result<bool> {
    let insert = statement(
        db,
        "INSERT INTO tickets (id, tenant_id, contact_id, listing_id, category, urgency, status, assignee, \
                                      summary, created_at, updated_at) \
                 SELECT ?2, ?1, ?3, ?4, ?5, ?6, CASE WHEN ?7 IS NULL THEN 'open' ELSE 'assigned' END, ?7, ?8, ?9, ?9 \
                 WHERE ?3 IS NULL OR EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND id = ?3)",
        &[
            Arg::Text(tenant_id),
            Arg::Text(id),
            Arg::OptText(ticket.contact_id.as_deref()),
            Arg::OptText(ticket.listing_id.as_deref()),
            Arg::Text(ticket.category.as_str()),
            Arg::Text(ticket.urgency.as_str()),
            Arg::OptText(ticket.assignee.as_deref()),
            Arg::Text(&ticket.summary),
            Arg::Int(audit.at_ms),
        ],
    )?;
    super::change_audited(db, insert, audit).await
}

/// Stores an update (`UpdateTicket::apply`) made to the ticket as it was at `read_at` (its
/// `updated_at`), and records who made it, in one transaction. `false`: someone else changed
/// it in between and nothing was written (their note is not lost; the caller retries).
pub async fn update_ticket(
    db: &D1Database,
    tenant_id: &str,
    id: &str,
    read_at: u64,
    updated: &Updated,
    audit: &Audit<'_>,
) -> Result<bool> {
    let notes = serde_json::to_string(&updated.notes)?;
    let results = db
        .batch(vec![
            statement(
                db,
                "UPDATE tickets SET status = ?3, assignee = ?4, notes = ?5, updated_at = MAX(?6, updated_at + 1) \
             WHERE tenant_id = ?1 AND id = ?2 AND updated_at = ?7",
                &[
                    Arg::Text(tenant_id),
                    Arg::Text(id),
                    Arg::Text(updated.status.as_str()),
                    Arg::OptText(updated.assignee.as_deref()),
                    Arg::Text(&notes),
                    Arg::Int(audit.at_ms),
                    Arg::Int(read_at),
                ],
            )?,
            audit_if_changed(db, audit)?,
        ])
        .await?;
    let written = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    Ok(written > 0)
}
