//! `approvals`: MCP write-tool calls waiting for a person (migrations-d1/0019_mcp_approvals.sql).

use super::{audit_if_changed, audit_statement, statement, Arg, Audit};
use frontdesk_core::api::{Identified, PageRequest};
use frontdesk_core::mcp::approval;
use serde::{Deserialize, Serialize};
use worker::{D1Database, Result};

const COLUMNS: &str = "id, tool, arguments, status, requested_by, user_id, client_id, decided_by, result, created_at, \
                       decided_at";

#[derive(Deserialize)]
struct Row {
    id: String,
    tool: String,
    arguments: String,
    status: String,
    requested_by: String,
    user_id: Option<String>,
    client_id: Option<String>,
    decided_by: Option<String>,
    result: Option<String>,
    created_at: u64,
    decided_at: Option<u64>,
}

/// An approval as the API shows it, its JSON columns parsed.
#[derive(Serialize)]
pub struct Approval {
    pub id: String,
    pub tool: String,
    pub arguments: serde_json::Value,
    pub status: String,
    pub requested_by: String,
    pub user_id: Option<String>,
    pub client_id: Option<String>,
    pub decided_by: Option<String>,
    pub result: Option<serde_json::Value>,
    pub created_at: u64,
    pub decided_at: Option<u64>,
}

impl From<Row> for Approval {
    fn from(r: Row) -> Self {
        Approval {
            id: r.id,
            tool: r.tool,
            arguments: serde_json::from_str(&r.arguments).unwrap_or_default(),
            status: r.status,
            requested_by: r.requested_by,
            user_id: r.user_id,
            client_id: r.client_id,
            decided_by: r.decided_by,
            result: r.result.and_then(|r| serde_json::from_str(&r).ok()),
            created_at: r.created_at,
            decided_at: r.decided_at,
        }
    }
}

impl Identified for Approval {
    fn id(&self) -> &str {
        &self.id
    }
}

pub struct NewApproval<'a> {
    pub id: &'a str,
    pub tool: &'a str,
    pub arguments: &'a serde_json::Value,
    pub requested_by: &'a str,
    pub user_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub now_ms: u64,
}

/// Stores a pending approval with its audit entry, in one batch.
pub async fn insert(db: &D1Database, tenant_id: &str, new: &NewApproval<'_>, audit: &Audit<'_>) -> Result<()> {
    let insert = statement(
        db,
        "INSERT INTO approvals (id, tenant_id, tool, arguments, requested_by, user_id, client_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            Arg::Text(new.id),
            Arg::Text(tenant_id),
            Arg::Text(new.tool),
            Arg::Text(&new.arguments.to_string()),
            Arg::Text(new.requested_by),
            Arg::OptText(new.user_id),
            Arg::OptText(new.client_id),
            Arg::Int(new.now_ms),
        ],
    )?;
    db.batch(vec![insert, audit_statement(db, audit)?]).await?;
    Ok(())
}

pub async fn list(db: &D1Database, tenant_id: &str, status: Option<&str>, page: &PageRequest) -> Result<Vec<Approval>> {
    let rows: Vec<Row> = super::status_page(db, ("approvals", COLUMNS), tenant_id, status, page).await?;
    Ok(rows.into_iter().map(Approval::from).collect())
}

pub async fn get(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Approval>> {
    let row: Option<Row> = super::by_id(db, ("approvals", COLUMNS), tenant_id, id).await?;
    Ok(row.map(Approval::from))
}

/// Moves a pending approval to `status` (audited in the same batch); false when it was no
/// longer pending — someone decided first, and this request must do nothing.
pub async fn decide(
    db: &D1Database,
    tenant_id: &str,
    id: &str,
    status: &str,
    decided_by: &str,
    audit: &Audit<'_>,
) -> Result<bool> {
    let update = statement(
        db,
        "UPDATE approvals SET status = ?3, decided_by = ?4, decided_at = ?5 \
         WHERE tenant_id = ?1 AND id = ?2 AND status = 'pending'",
        &[Arg::Text(tenant_id), Arg::Text(id), Arg::Text(status), Arg::Text(decided_by), Arg::Int(audit.at_ms)],
    )?;
    let results = db.batch(vec![update, audit_if_changed(db, audit)?]).await?;
    let changed = results.first().map(|r| r.meta()).transpose()?.flatten().and_then(|m| m.changes).unwrap_or(0);
    Ok(changed > 0)
}

/// What the tool returned once it ran.
pub async fn record_result(db: &D1Database, tenant_id: &str, id: &str, result: &serde_json::Value) -> Result<()> {
    statement(
        db,
        "UPDATE approvals SET result = ?3 WHERE tenant_id = ?1 AND id = ?2",
        &[Arg::Text(tenant_id), Arg::Text(id), Arg::Text(&result.to_string())],
    )?
    .run()
    .await?;
    Ok(())
}

/// Rejects up to 500 approvals still pending from before `created_before`
/// ([`frontdesk_core::mcp::approval::PENDING_TTL_MS`]), across tenants; how many.
pub async fn expire_pending(db: &D1Database, created_before: u64, now: u64) -> Result<u32> {
    let result = statement(
        db,
        "UPDATE approvals SET status = 'rejected', decided_by = ?1, decided_at = ?2, result = ?3 \
         WHERE rowid IN (SELECT rowid FROM approvals WHERE status = 'pending' AND created_at < ?4 LIMIT 500)",
        &[
            Arg::Text(approval::EXPIRED_BY),
            Arg::Int(now),
            Arg::Text(&approval::expired_result().to_string()),
            Arg::Int(created_before),
        ],
    )?
    .run()
    .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u32)
}
