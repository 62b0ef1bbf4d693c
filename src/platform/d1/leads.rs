//! Leads as the tenant API shows them: score, band, status and the explanation, with the
//! field history for one lead; and the operator's status change, audited.

use super::{audit_statement, statement, Arg, Audit};
use frontdesk_core::api::{Identified, PageRequest};
use frontdesk_core::lead::Status;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use worker::{D1Database, Result};

/// A `leads` row with its JSON columns as JSON.
#[derive(Serialize)]
pub struct Lead {
    pub contact_id: String,
    pub status: String,
    pub score: u8,
    pub band: String,
    pub fields: Value,
    /// Rubric items: `{key, label, points, evidence}` (evidence = the contact's words).
    pub explanation: Value,
    pub created_at: u64,
    pub updated_at: u64,
}

impl Identified for Lead {
    fn id(&self) -> &str {
        &self.contact_id
    }
}

#[derive(Deserialize)]
struct Row {
    contact_id: String,
    status: String,
    score: u8,
    band: String,
    fields: String,
    explanation: String,
    created_at: u64,
    updated_at: u64,
}

impl From<Row> for Lead {
    fn from(r: Row) -> Self {
        let json = |s: &str| serde_json::from_str(s).unwrap_or(Value::Null);
        Lead {
            fields: json(&r.fields),
            explanation: json(&r.explanation),
            contact_id: r.contact_id,
            status: r.status,
            score: r.score,
            band: r.band,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const COLUMNS: &str = "contact_id, status, score, band, fields, explanation, created_at, updated_at";

/// Newest contacts first, optionally one band (`hot`, `warm`, `cold`).
pub async fn lead_list(db: &D1Database, tenant_id: &str, band: Option<&str>, page: &PageRequest) -> Result<Vec<Lead>> {
    let rows: Vec<Row> = statement(
        db,
        &format!(
            "SELECT {COLUMNS} FROM leads WHERE tenant_id = ?1 AND (?2 IS NULL OR band = ?2) \
             AND (?3 IS NULL OR contact_id < ?3) ORDER BY contact_id DESC LIMIT ?4"
        ),
        &[
            Arg::Text(tenant_id),
            Arg::OptText(band),
            Arg::OptText(page.before.as_deref()),
            Arg::Int(page.fetch_limit().into()),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Lead::from).collect())
}

pub async fn lead(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Option<Lead>> {
    let row: Option<Row> = statement(
        db,
        &format!("SELECT {COLUMNS} FROM leads WHERE tenant_id = ?1 AND contact_id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(Lead::from))
}

/// One change of a qualification field, with the words that made it.
#[derive(Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: String,
    pub evidence: String,
    pub message_id: String,
    pub created_at: u64,
}

/// The lead's field history, oldest first (bounded: a lead answers a handful of questions).
pub async fn lead_changes(db: &D1Database, tenant_id: &str, contact_id: &str) -> Result<Vec<FieldChange>> {
    statement(
        db,
        "SELECT field, old_value, new_value, evidence, message_id, created_at FROM lead_changes \
         WHERE tenant_id = ?1 AND contact_id = ?2 ORDER BY id LIMIT 200",
        &[Arg::Text(tenant_id), Arg::Text(contact_id)],
    )?
    .all()
    .await?
    .results()
}

/// Sets the status as an operator, with its audit entry, in one transaction. The version moves
/// on, so a lead job racing this write retries on the operator's status.
pub async fn set_lead_status(db: &D1Database, audit: &Audit<'_>, contact_id: &str, status: Status) -> Result<()> {
    db.batch(vec![
        statement(
            db,
            "UPDATE leads SET status = ?3, version = version + 1, updated_at = ?4 \
             WHERE tenant_id = ?1 AND contact_id = ?2",
            &[Arg::Text(audit.tenant_id), Arg::Text(contact_id), Arg::Text(status.as_str()), Arg::Int(audit.at_ms)],
        )?,
        audit_statement(db, audit)?,
    ])
    .await?;
    Ok(())
}
