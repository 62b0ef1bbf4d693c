//! Users as the sign-in page needs them: found by business (tenant slug) and email, and each
//! attempt's outcome written with its `audit_log` entry in one batch.

use super::{audit_statement, statement, Arg, Audit};
use frontdesk_core::users::lockout::LoginState;
use serde::Deserialize;
use worker::{D1Database, Result};

#[derive(Deserialize)]
pub struct UserRow {
    pub id: String,
    pub tenant_id: String,
    pub tenant_name: String,
    pub tenant_slug: String,
    pub email: String,
    pub role: String,
    pub password_hash: String,
    pub failed_attempts: u32,
    pub locked_until: Option<u64>,
    pub totp_secret: Option<String>,
}

impl UserRow {
    pub fn login_state(&self) -> LoginState {
        LoginState { failed_attempts: self.failed_attempts, locked_until: self.locked_until }
    }
}

/// The user `email` (lowercase) of the active tenant whose slug is `tenant_slug`.
pub async fn user_for_login(db: &D1Database, tenant_slug: &str, email: &str) -> Result<Option<UserRow>> {
    statement(
        db,
        "SELECT u.id, u.tenant_id, t.name AS tenant_name, t.slug AS tenant_slug, u.email, u.role, u.password_hash, u.failed_attempts, \
         u.locked_until, u.totp_secret FROM users u JOIN tenants t ON t.id = u.tenant_id \
         WHERE t.slug = ?1 AND t.status = 'active' AND u.email = ?2",
        &[Arg::Text(tenant_slug), Arg::Text(email)],
    )?
    .first(None)
    .await
}

/// The user `email` when exactly one active business has it (a sign-in that names no business).
pub async fn only_user_with_email(db: &D1Database, email: &str) -> Result<Option<UserRow>> {
    let mut rows: Vec<UserRow> = statement(
        db,
        "SELECT u.id, u.tenant_id, t.name AS tenant_name, t.slug AS tenant_slug, u.email, u.role, u.password_hash, u.failed_attempts, \
         u.locked_until, u.totp_secret FROM users u JOIN tenants t ON t.id = u.tenant_id \
         WHERE t.status = 'active' AND u.email = ?1 LIMIT 2",
        &[Arg::Text(email)],
    )?
    .all()
    .await?
    .results()?;
    Ok(if rows.len() == 1 { rows.pop() } else { None })
}

/// The tenant id of an active slug, to audit attempts for an email it does not have.
pub async fn tenant_id_for_slug(db: &D1Database, slug: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let row: Option<Row> =
        statement(db, "SELECT id FROM tenants WHERE slug = ?1 AND status = 'active'", &[Arg::Text(slug)])?
            .first(None)
            .await?;
    Ok(row.map(|r| r.id))
}

/// Stores the user's new failure count and lock (when there is a user) and audits the attempt.
pub async fn record_attempt(db: &D1Database, user: Option<(&str, LoginState)>, audit: &Audit<'_>) -> Result<()> {
    let mut batch = Vec::new();
    if let Some((user_id, state)) = user {
        batch.push(statement(
            db,
            "UPDATE users SET failed_attempts = ?3, locked_until = ?4 WHERE tenant_id = ?1 AND id = ?2",
            &[
                Arg::Text(audit.tenant_id),
                Arg::Text(user_id),
                Arg::Int(state.failed_attempts.into()),
                match state.locked_until {
                    Some(until) => Arg::Int(until),
                    None => Arg::OptText(None),
                },
            ],
        )?);
    }
    batch.push(audit_statement(db, audit)?);
    db.batch(batch).await?;
    Ok(())
}
