//! Tenants made and paused from the console: a new tenant's rows — the tenant with its
//! template's settings, its starting channels, its owner and first API key — in one batch, so
//! a failure leaves no half-made business; pause and resume as one audited update.

use super::api_keys::{insert_key_statement, NewKey};
use super::users::{insert_user_statement, NewUserRow};
use super::{audit_statement, statement, Arg, Audit};
use worker::{D1Database, Result};

pub struct NewTenant<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub timezone: &'a str,
    /// `tenants.settings` JSON.
    pub settings: &'a str,
    pub created_at: u64,
}

/// A channel the tenant starts with: `(id, provider, address, secret_ref)`.
pub type NewChannel<'a> = (&'a str, &'a str, &'a str, &'a str);

pub async fn slug_taken(db: &D1Database, slug: &str) -> Result<bool> {
    #[derive(serde::Deserialize)]
    struct Row {
        #[allow(dead_code)]
        id: String,
    }
    let row: Option<Row> =
        statement(db, "SELECT id FROM tenants WHERE slug = ?1", &[Arg::Text(slug)])?.first(None).await?;
    Ok(row.is_some())
}

/// Everything a new tenant is made of, and the entries that record it in its own audit log
/// and in its creator's.
pub async fn create_tenant(
    db: &D1Database,
    tenant: &NewTenant<'_>,
    channels: &[NewChannel<'_>],
    owner: &NewUserRow<'_>,
    key: &NewKey<'_>,
    audits: [&Audit<'_>; 2],
) -> Result<()> {
    let mut batch = vec![statement(
        db,
        "INSERT INTO tenants (id, slug, name, timezone, settings, status, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6)",
        &[
            Arg::Text(tenant.id),
            Arg::Text(tenant.slug),
            Arg::Text(tenant.name),
            Arg::Text(tenant.timezone),
            Arg::Text(tenant.settings),
            Arg::Int(tenant.created_at),
        ],
    )?];
    for (id, provider, address, secret_ref) in channels {
        batch.push(statement(
            db,
            "INSERT INTO tenant_channels (id, tenant_id, provider, address, secret_ref, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                Arg::Text(id),
                Arg::Text(tenant.id),
                Arg::Text(provider),
                Arg::Text(address),
                Arg::Text(secret_ref),
                Arg::Int(tenant.created_at),
            ],
        )?);
    }
    batch.push(insert_user_statement(db, owner)?);
    batch.push(insert_key_statement(db, tenant.id, key)?);
    for audit in audits {
        batch.push(audit_statement(db, audit)?);
    }
    db.batch(batch).await?;
    Ok(())
}

/// Sets `tenants.status` (`active` or `paused`); whether it changed.
pub async fn set_status(db: &D1Database, status: &str, audit: &Audit<'_>) -> Result<bool> {
    let change = statement(
        db,
        "UPDATE tenants SET status = ?2 WHERE id = ?1 AND status <> ?2",
        &[Arg::Text(audit.tenant_id), Arg::Text(status)],
    )?;
    let changed = super::change_audited(db, change, audit).await?;
    if changed {
        super::forget_cached_channels();
    }
    Ok(changed)
}
