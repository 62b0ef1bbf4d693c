//! A tenant's own row, as the settings API reads and writes it.

use super::{audit_statement, statement, Arg, Audit};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement, Result};

#[derive(Serialize, Deserialize)]
pub struct TenantRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub timezone: String,
    /// `tenants.settings` JSON.
    pub settings: String,
    /// `active` or `paused`.
    pub status: String,
}

pub async fn tenant_row(db: &D1Database, tenant_id: &str) -> Result<Option<TenantRow>> {
    tenant_statement(db, tenant_id)?.first(None).await
}

/// The statement behind [`tenant_row`], for a caller that batches it with other reads.
pub fn tenant_statement(db: &D1Database, tenant_id: &str) -> Result<D1PreparedStatement> {
    statement(
        db,
        "SELECT id, slug, name, timezone, settings, status FROM tenants WHERE id = ?1",
        &[Arg::Text(tenant_id)],
    )
}

/// Writes name, timezone and settings, and records the change in `audit_log`, in one transaction.
pub async fn save_tenant(db: &D1Database, row: &TenantRow, actor: &str, audit_id: &str, now_ms: u64) -> Result<()> {
    db.batch(vec![
        statement(
            db,
            "UPDATE tenants SET name = ?2, timezone = ?3, settings = ?4 WHERE id = ?1",
            &[Arg::Text(&row.id), Arg::Text(&row.name), Arg::Text(&row.timezone), Arg::Text(&row.settings)],
        )?,
        audit_statement(
            db,
            &Audit {
                id: audit_id,
                tenant_id: &row.id,
                actor,
                action: "settings.updated",
                subject: &row.id,
                detail: &serde_json::json!({"name": row.name, "timezone": row.timezone}).to_string(),
                at_ms: now_ms,
            },
        )?,
    ])
    .await?;
    Ok(())
}
