//! `console_sessions`: the console's signed-in browsers (core::console::session decides their
//! lifetimes). Every read joins the user and an active tenant, so a deleted user or a
//! suspended tenant ends its sessions at once.

use super::{statement, Arg};
use frontdesk_core::console::session::Lifetime;
use serde::Deserialize;
use worker::{D1Database, Result};

#[derive(Deserialize)]
pub struct SessionRow {
    pub tenant_id: String,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub last_seen_at: u64,
    pub expires_at: u64,
}

impl SessionRow {
    pub fn lifetime(&self) -> Lifetime {
        Lifetime { last_seen_at: self.last_seen_at, expires_at: self.expires_at }
    }
}

pub async fn insert(
    db: &D1Database,
    token_hash: &str,
    tenant_id: &str,
    user_id: &str,
    now_ms: u64,
    life: Lifetime,
) -> Result<()> {
    statement(
        db,
        "INSERT INTO console_sessions (token_hash, tenant_id, user_id, created_at, last_seen_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            Arg::Text(token_hash),
            Arg::Text(tenant_id),
            Arg::Text(user_id),
            Arg::Int(now_ms),
            Arg::Int(life.last_seen_at),
            Arg::Int(life.expires_at),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// The unrevoked session with this hash, with its user and tenant (liveness is the caller's
/// to judge with [`SessionRow::lifetime`]).
pub async fn find(db: &D1Database, token_hash: &str) -> Result<Option<SessionRow>> {
    statement(
        db,
        "SELECT s.tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, s.user_id, u.email, u.role, \
         s.last_seen_at, s.expires_at FROM console_sessions s \
         JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id \
         JOIN tenants t ON t.id = s.tenant_id AND t.status IN ('active', 'paused') \
         WHERE s.token_hash = ?1 AND s.revoked_at IS NULL",
        &[Arg::Text(token_hash)],
    )?
    .first(None)
    .await
}

pub async fn touch(db: &D1Database, tenant_id: &str, token_hash: &str, now_ms: u64) -> Result<()> {
    statement(
        db,
        "UPDATE console_sessions SET last_seen_at = ?3 WHERE tenant_id = ?1 AND token_hash = ?2",
        &[Arg::Text(tenant_id), Arg::Text(token_hash), Arg::Int(now_ms)],
    )?
    .run()
    .await?;
    Ok(())
}

pub async fn revoke(db: &D1Database, tenant_id: &str, token_hash: &str, now_ms: u64) -> Result<()> {
    statement(
        db,
        "UPDATE console_sessions SET revoked_at = ?3 WHERE tenant_id = ?1 AND token_hash = ?2 AND revoked_at IS NULL",
        &[Arg::Text(tenant_id), Arg::Text(token_hash), Arg::Int(now_ms)],
    )?
    .run()
    .await?;
    Ok(())
}
