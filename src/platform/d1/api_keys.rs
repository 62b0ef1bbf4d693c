//! A tenant's API keys as the console manages them: listed by prefix (the key itself exists
//! only in the answer that issued it; `key_hash` is all that is stored), issued, rotated and
//! revoked, each change audited in the same batch.

use super::{audit_if_changed, audit_statement, statement, Arg, Audit};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement, Result};

#[derive(Serialize, Deserialize)]
pub struct KeyView {
    pub id: String,
    pub prefix: String,
    pub label: String,
    pub created_at: u64,
    pub revoked_at: Option<u64>,
}

const KEY_VIEW: &str = "id, prefix, label, created_at, revoked_at";

/// Every key the tenant has had, newest first, revoked ones included (they say when).
pub async fn key_list(db: &D1Database, tenant_id: &str) -> Result<Vec<KeyView>> {
    statement(
        db,
        &format!("SELECT {KEY_VIEW} FROM api_keys WHERE tenant_id = ?1 ORDER BY created_at DESC, id DESC"),
        &[Arg::Text(tenant_id)],
    )?
    .all()
    .await?
    .results()
}

pub async fn key_view(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<KeyView>> {
    statement(
        db,
        &format!("SELECT {KEY_VIEW} FROM api_keys WHERE tenant_id = ?1 AND id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

/// A key about to be stored: its hash, never the key.
pub struct NewKey<'a> {
    pub id: &'a str,
    pub key_hash: &'a str,
    pub prefix: &'a str,
    pub label: &'a str,
    pub created_at: u64,
}

pub fn insert_key_statement(db: &D1Database, tenant_id: &str, key: &NewKey<'_>) -> Result<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO api_keys (id, tenant_id, key_hash, prefix, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            Arg::Text(key.id),
            Arg::Text(tenant_id),
            Arg::Text(key.key_hash),
            Arg::Text(key.prefix),
            Arg::Text(key.label),
            Arg::Int(key.created_at),
        ],
    )
}

pub async fn insert_key(db: &D1Database, key: &NewKey<'_>, audit: &Audit<'_>) -> Result<()> {
    db.batch(vec![insert_key_statement(db, audit.tenant_id, key)?, audit_statement(db, audit)?]).await?;
    Ok(())
}

fn revoke_statement(db: &D1Database, tenant_id: &str, id: &str, at_ms: u64) -> Result<D1PreparedStatement> {
    statement(
        db,
        "UPDATE api_keys SET revoked_at = ?3 WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS NULL",
        &[Arg::Text(tenant_id), Arg::Text(id), Arg::Int(at_ms)],
    )
}

/// Revokes the key; whether it was live until now.
pub async fn revoke_key(db: &D1Database, id: &str, audit: &Audit<'_>) -> Result<bool> {
    super::change_audited(db, revoke_statement(db, audit.tenant_id, id, audit.at_ms)?, audit).await
}

/// Revokes `old_id` and stores `new` in its place, both or neither: the new key is inserted
/// only when the old one was live (`changes()` of the revocation), so rotating a revoked key
/// issues nothing. Whether it rotated.
pub async fn rotate_key(db: &D1Database, old_id: &str, new: &NewKey<'_>, audit: &Audit<'_>) -> Result<bool> {
    let insert = statement(
        db,
        "INSERT INTO api_keys (id, tenant_id, key_hash, prefix, label, created_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() > 0",
        &[
            Arg::Text(new.id),
            Arg::Text(audit.tenant_id),
            Arg::Text(new.key_hash),
            Arg::Text(new.prefix),
            Arg::Text(new.label),
            Arg::Int(new.created_at),
        ],
    )?;
    let results = db
        .batch(vec![revoke_statement(db, audit.tenant_id, old_id, audit.at_ms)?, insert, audit_if_changed(db, audit)?])
        .await?;
    let inserted = results.get(1).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    Ok(inserted > 0)
}
