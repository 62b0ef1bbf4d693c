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

/// The user `email` (lowercase) of the tenant (active or paused: pausing stops the AI, not the staff) whose slug is `tenant_slug`.
pub async fn user_for_login(db: &D1Database, tenant_slug: &str, email: &str) -> Result<Option<UserRow>> {
    statement(
        db,
        "SELECT u.id, u.tenant_id, t.name AS tenant_name, t.slug AS tenant_slug, u.email, u.role, u.password_hash, u.failed_attempts, \
         u.locked_until, u.totp_secret FROM users u JOIN tenants t ON t.id = u.tenant_id \
         WHERE t.slug = ?1 AND t.status IN ('active', 'paused') AND u.email = ?2",
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
         WHERE t.status IN ('active', 'paused') AND u.email = ?1 LIMIT 2",
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
        statement(db, "SELECT id FROM tenants WHERE slug = ?1 AND status IN ('active', 'paused')", &[Arg::Text(slug)])?
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

/// Swaps a plain-text TOTP secret for its sealed form, unless the row changed meanwhile.
pub async fn replace_totp_secret(db: &D1Database, tenant_id: &str, id: &str, plain: &str, sealed: &str) -> Result<()> {
    statement(
        db,
        "UPDATE users SET totp_secret = ?4 WHERE tenant_id = ?1 AND id = ?2 AND totp_secret = ?3",
        &[Arg::Text(tenant_id), Arg::Text(id), Arg::Text(plain), Arg::Text(sealed)],
    )?
    .run()
    .await?;
    Ok(())
}

/// A user as the console lists them: never the password hash or the second factor's secret.
#[derive(Deserialize, serde::Serialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub role: String,
    /// Whether a second factor is set up.
    #[serde(deserialize_with = "super::flag")]
    pub totp: Option<bool>,
    pub created_at: u64,
}

const USER_VIEW: &str = "id, email, role, totp_secret IS NOT NULL AS totp, created_at";

pub async fn user_list(db: &D1Database, tenant_id: &str) -> Result<Vec<UserView>> {
    statement(
        db,
        &format!("SELECT {USER_VIEW} FROM users WHERE tenant_id = ?1 ORDER BY created_at, id"),
        &[Arg::Text(tenant_id)],
    )?
    .all()
    .await?
    .results()
}

pub async fn user_view(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<UserView>> {
    statement(
        db,
        &format!("SELECT {USER_VIEW} FROM users WHERE tenant_id = ?1 AND id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

pub async fn owner_count(db: &D1Database, tenant_id: &str) -> Result<u32> {
    #[derive(Deserialize)]
    struct Row {
        owners: u32,
    }
    let row: Option<Row> = statement(
        db,
        "SELECT COUNT(*) AS owners FROM users WHERE tenant_id = ?1 AND role = 'owner'",
        &[Arg::Text(tenant_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map_or(0, |r| r.owners))
}

/// A new user's row (`password_hash` already derived), as a statement for the caller's batch.
pub struct NewUserRow<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub created_at: u64,
}

/// Inserts the user unless the tenant already has that email (then it changes nothing).
pub fn insert_user_statement(db: &D1Database, user: &NewUserRow<'_>) -> Result<worker::D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO users (id, tenant_id, email, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (tenant_id, email) DO NOTHING",
        &[
            Arg::Text(user.id),
            Arg::Text(user.tenant_id),
            Arg::Text(user.email),
            Arg::Text(user.role),
            Arg::Text(user.password_hash),
            Arg::Int(user.created_at),
        ],
    )
}

/// The SQL twin of `core::users::admin::may_change`'s last-owner rule, inside the write: a
/// user stops being an owner only while another owner remains, however many requests race.
const ANOTHER_OWNER_REMAINS: &str =
    "(role <> 'owner' OR (SELECT COUNT(*) FROM users o WHERE o.tenant_id = ?1 AND o.role = 'owner') > 1)";

/// Gives the user `role`; whether it changed (false: no such user, or the last owner).
pub async fn set_role(db: &D1Database, id: &str, role: &str, audit: &Audit<'_>) -> Result<bool> {
    let change = statement(
        db,
        &format!(
            "UPDATE users SET role = ?3 WHERE tenant_id = ?1 AND id = ?2 AND (?3 = 'owner' OR {ANOTHER_OWNER_REMAINS})"
        ),
        &[Arg::Text(audit.tenant_id), Arg::Text(id), Arg::Text(role)],
    )?;
    super::change_audited(db, change, audit).await
}

/// Removes the user and everything they signed in with (console sessions, OAuth grants with
/// their codes and tokens), so nothing they hold works a moment longer; whether a user was removed (false: no such user, or the last owner).
pub async fn delete_user(db: &D1Database, id: &str, audit: &Audit<'_>) -> Result<bool> {
    let args = [Arg::Text(audit.tenant_id), Arg::Text(id)];
    let grants = "SELECT g.id FROM oauth_grants g WHERE g.tenant_id = ?1 AND g.user_id = ?2";
    let removable = format!("SELECT 1 FROM users WHERE tenant_id = ?1 AND id = ?2 AND {ANOTHER_OWNER_REMAINS}");
    let mut batch = Vec::new();
    for table in ["oauth_tokens", "oauth_codes"] {
        batch.push(statement(
            db,
            &format!("DELETE FROM {table} WHERE tenant_id = ?1 AND grant_id IN ({grants}) AND EXISTS ({removable})"),
            &args,
        )?);
    }
    for table in ["oauth_grants", "console_sessions"] {
        batch.push(statement(
            db,
            &format!("DELETE FROM {table} WHERE tenant_id = ?1 AND user_id = ?2 AND EXISTS ({removable})"),
            &args,
        )?);
    }
    batch.push(statement(
        db,
        &format!("DELETE FROM users WHERE tenant_id = ?1 AND id = ?2 AND {ANOTHER_OWNER_REMAINS}"),
        &args,
    )?);
    batch.push(super::audit_if_changed(db, audit)?);
    let results = db.batch(batch).await?;
    Ok(super::rows_written(&results, 4) > 0)
}

/// The tenant's owners' email addresses: who is told about the account (summaries, usage).
pub async fn owner_emails(db: &D1Database, tenant_id: &str) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Email {
        email: String,
    }
    let owners: Vec<Email> = statement(
        db,
        "SELECT email FROM users WHERE tenant_id = ?1 AND role = 'owner' ORDER BY created_at",
        &[Arg::Text(tenant_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(owners.into_iter().map(|o| o.email).collect())
}
