//! `kb_unanswered`: questions the receptionist could not answer from the knowledge base (written
//! by the turn), listed for the team, answered as FAQs or dismissed.

use super::{statement, Arg};
use frontdesk_core::api::{Identified, PageRequest};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement, Result};

const COLUMNS: &str = "id, contact_id, conversation_id, message_id, question, status, faq_id, created_at, updated_at";

#[derive(Debug, Serialize, Deserialize)]
pub struct Unanswered {
    pub id: String,
    pub contact_id: String,
    pub conversation_id: String,
    pub message_id: String,
    pub question: String,
    pub status: String,
    pub faq_id: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

impl Identified for Unanswered {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The open questions, newest first.
pub async fn unanswered_list(db: &D1Database, tenant_id: &str, page: &PageRequest) -> Result<Vec<Unanswered>> {
    statement(
        db,
        &format!(
            "SELECT {COLUMNS} FROM kb_unanswered WHERE tenant_id = ?1 AND status = 'open' \
             AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3"
        ),
        &[Arg::Text(tenant_id), Arg::OptText(page.before.as_deref()), Arg::Int(page.fetch_limit().into())],
    )?
    .all()
    .await?
    .results()
}

pub async fn unanswered(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Unanswered>> {
    statement(
        db,
        &format!("SELECT {COLUMNS} FROM kb_unanswered WHERE tenant_id = ?1 AND id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

/// Closes an open question: `answered` with the FAQ's chunk id, or `dismissed`. Only an open
/// one changes (the statement reports whether it did).
pub fn close_statement(
    db: &D1Database,
    tenant_id: &str,
    id: &str,
    status: &str,
    faq_id: Option<&str>,
    now: u64,
) -> Result<D1PreparedStatement> {
    statement(
        db,
        "UPDATE kb_unanswered SET status = ?3, faq_id = ?4, updated_at = ?5 \
         WHERE tenant_id = ?1 AND id = ?2 AND status = 'open'",
        &[Arg::Text(tenant_id), Arg::Text(id), Arg::Text(status), Arg::OptText(faq_id), Arg::Int(now)],
    )
}

/// Inserts an open question (the test hook's stand-in for the turn until it writes them).
pub async fn insert_unanswered(db: &D1Database, tenant_id: &str, row: &Unanswered) -> Result<()> {
    statement(
        db,
        "INSERT INTO kb_unanswered (id, tenant_id, contact_id, conversation_id, message_id, question, status, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?7) ON CONFLICT DO NOTHING",
        &[
            Arg::Text(&row.id),
            Arg::Text(tenant_id),
            Arg::Text(&row.contact_id),
            Arg::Text(&row.conversation_id),
            Arg::Text(&row.message_id),
            Arg::Text(&row.question),
            Arg::Int(row.created_at),
        ],
    )?
    .run()
    .await?;
    Ok(())
}
