//! The authorization server's rows (docs/STORAGE.md "Users and OAuth"): clients, grants, codes
//! and tokens, every secret by its SHA-256. State changes that must not race — a code used
//! twice, a refresh token rotated twice — are single conditional statements whose change
//! count says who won.

use super::{statement, Arg};
use frontdesk_core::oauth::client::{AuthMethod, ClientInfo};
use serde::Deserialize;
use worker::{D1Database, Result};

#[derive(Deserialize)]
struct ClientRow {
    id: String,
    client_name: Option<String>,
    redirect_uris: String,
    auth_method: String,
    secret_hash: Option<String>,
    fetched_at: Option<u64>,
}

/// A stored client, its secret's hash and (metadata documents) when it was fetched.
pub struct StoredClient {
    pub info: ClientInfo,
    pub secret_hash: Option<String>,
    pub fetched_at: Option<u64>,
}

pub async fn client(db: &D1Database, client_id: &str) -> Result<Option<StoredClient>> {
    let row: Option<ClientRow> = statement(
        db,
        "SELECT id, client_name, redirect_uris, auth_method, secret_hash, fetched_at FROM oauth_clients WHERE id = ?1",
        &[Arg::Text(client_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| StoredClient {
        info: ClientInfo {
            client_id: r.id,
            client_name: r.client_name,
            redirect_uris: serde_json::from_str(&r.redirect_uris).unwrap_or_default(),
            auth_method: AuthMethod::parse(&r.auth_method).unwrap_or(AuthMethod::None),
        },
        secret_hash: r.secret_hash,
        fetched_at: r.fetched_at,
    }))
}

/// Inserts (or, for a re-fetched metadata document, replaces) a client.
pub async fn save_client(
    db: &D1Database,
    client: &ClientInfo,
    kind: &str,
    secret_hash: Option<&str>,
    now_ms: u64,
) -> Result<()> {
    let uris = serde_json::to_string(&client.redirect_uris).unwrap_or_else(|_| "[]".into());
    let fetched = (kind == "metadata_document").then_some(now_ms);
    statement(
        db,
        "INSERT OR REPLACE INTO oauth_clients (id, kind, client_name, redirect_uris, auth_method, secret_hash, created_at, fetched_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            Arg::Text(&client.client_id),
            Arg::Text(kind),
            Arg::OptText(client.client_name.as_deref()),
            Arg::Text(&uris),
            Arg::Text(client.auth_method.as_str()),
            Arg::OptText(secret_hash),
            Arg::Int(now_ms),
            match fetched {
                Some(at) => Arg::Int(at),
                None => Arg::OptText(None),
            },
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// A grant with what the token endpoint checks.
#[derive(Deserialize, Clone)]
pub struct Grant {
    pub id: String,
    pub tenant_id: String,
    pub client_id: String,
    pub scope: String,
    pub resource: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub client_state: Option<String>,
    pub state: String,
    pub refresh_hash: Option<String>,
    pub previous_refresh_hash: Option<String>,
    pub expires_at: u64,
}

const GRANT_COLUMNS: &str = "id, tenant_id, client_id, scope, resource, redirect_uri, code_challenge, client_state, \
                             state, refresh_hash, previous_refresh_hash, expires_at";

/// A grant waiting on the consent page (`consent_hash` is its ticket's hash).
pub struct NewGrant<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub user_id: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub resource: &'a str,
    pub redirect_uri: &'a str,
    pub code_challenge: &'a str,
    pub client_state: Option<&'a str>,
    pub consent_hash: &'a str,
    pub now_ms: u64,
    pub expires_at: u64,
}

pub async fn insert_pending_grant(db: &D1Database, g: &NewGrant<'_>) -> Result<()> {
    statement(
        db,
        "INSERT INTO oauth_grants (id, tenant_id, user_id, client_id, scope, resource, redirect_uri, code_challenge, \
         client_state, state, consent_hash, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?12, 'pending', ?9, ?10, ?11)",
        &[
            Arg::Text(g.id),
            Arg::Text(g.tenant_id),
            Arg::Text(g.user_id),
            Arg::Text(g.client_id),
            Arg::Text(g.scope),
            Arg::Text(g.resource),
            Arg::Text(g.redirect_uri),
            Arg::Text(g.code_challenge),
            Arg::Text(g.consent_hash),
            Arg::Int(g.now_ms),
            Arg::Int(g.expires_at),
            Arg::OptText(g.client_state),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// The pending grant a consent ticket names, if it has not expired.
pub async fn pending_grant(db: &D1Database, consent_hash: &str, now_ms: u64) -> Result<Option<Grant>> {
    statement(
        db,
        &format!(
            "SELECT {GRANT_COLUMNS} FROM oauth_grants WHERE consent_hash = ?1 AND state = 'pending' AND expires_at > ?2"
        ),
        &[Arg::Text(consent_hash), Arg::Int(now_ms)],
    )?
    .first(None)
    .await
}

pub async fn grant(db: &D1Database, tenant_id: &str, id: &str) -> Result<Option<Grant>> {
    statement(
        db,
        &format!("SELECT {GRANT_COLUMNS} FROM oauth_grants WHERE tenant_id = ?1 AND id = ?2"),
        &[Arg::Text(tenant_id), Arg::Text(id)],
    )?
    .first(None)
    .await
}

/// Consent given: the grant becomes active and its code is stored, in one batch; false when
/// the ticket was already used (a double submit) or expired.
pub async fn activate_with_code(
    db: &D1Database,
    grant: &Grant,
    code_hash: &str,
    now_ms: u64,
    code_expires_at: u64,
    refresh_expires_at: u64,
) -> Result<bool> {
    let results = db
        .batch(vec![
            statement(
                db,
                "UPDATE oauth_grants SET state = 'active', consent_hash = NULL, expires_at = ?3 \
                 WHERE tenant_id = ?1 AND id = ?2 AND state = 'pending'",
                &[Arg::Text(&grant.tenant_id), Arg::Text(&grant.id), Arg::Int(refresh_expires_at)],
            )?,
            statement(
                db,
                "INSERT INTO oauth_codes (code_hash, tenant_id, grant_id, expires_at, created_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() > 0",
                &[
                    Arg::Text(code_hash),
                    Arg::Text(&grant.tenant_id),
                    Arg::Text(&grant.id),
                    Arg::Int(code_expires_at),
                    Arg::Int(now_ms),
                ],
            )?,
        ])
        .await?;
    Ok(results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// The user said no: the pending grant is dropped.
pub async fn deny_pending(db: &D1Database, grant: &Grant, now_ms: u64) -> Result<()> {
    statement(
        db,
        "UPDATE oauth_grants SET state = 'revoked', consent_hash = NULL, revoked_at = ?3 \
         WHERE tenant_id = ?1 AND id = ?2 AND state = 'pending'",
        &[Arg::Text(&grant.tenant_id), Arg::Text(&grant.id), Arg::Int(now_ms)],
    )?
    .run()
    .await?;
    Ok(())
}

/// A code row as found by its hash.
#[derive(Deserialize)]
pub struct CodeRow {
    pub tenant_id: String,
    pub grant_id: String,
    pub expires_at: u64,
    pub used_at: Option<u64>,
}

pub async fn code(db: &D1Database, code_hash: &str) -> Result<Option<CodeRow>> {
    statement(
        db,
        "SELECT tenant_id, grant_id, expires_at, used_at FROM oauth_codes WHERE code_hash = ?1",
        &[Arg::Text(code_hash)],
    )?
    .first(None)
    .await
}

/// Marks the code used; false when another request used it first.
pub async fn use_code(db: &D1Database, code_hash: &str, now_ms: u64) -> Result<bool> {
    let result = statement(
        db,
        "UPDATE oauth_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL",
        &[Arg::Text(code_hash), Arg::Int(now_ms)],
    )?
    .run()
    .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// A token row as found by its hash.
#[derive(Deserialize)]
pub struct TokenRow {
    pub tenant_id: String,
    pub grant_id: String,
    pub kind: String,
}

pub async fn token(db: &D1Database, token_hash: &str) -> Result<Option<TokenRow>> {
    statement(db, "SELECT tenant_id, grant_id, kind FROM oauth_tokens WHERE token_hash = ?1", &[Arg::Text(token_hash)])?
        .first(None)
        .await
}

/// A new access and refresh token pair, by hash.
pub struct Issue<'a> {
    pub access_hash: &'a str,
    pub access_expires_at: u64,
    pub refresh_hash: &'a str,
    pub refresh_expires_at: u64,
    pub now_ms: u64,
}

/// Stores a token pair and makes the refresh token the grant's current one. `rotating_from`
/// is the refresh hash presented (none for a code exchange): the grant is updated only while
/// that token is still its current or previous one and the grant is active, so two racing
/// refreshes cannot both rotate. False when the update lost (nothing is then stored).
pub async fn issue(db: &D1Database, grant: &Grant, issue: &Issue<'_>, rotating_from: Option<&str>) -> Result<bool> {
    let (current, previous) = match rotating_from {
        Some(presented) => frontdesk_core::oauth::tokens::rotated(presented, issue.refresh_hash),
        None => (issue.refresh_hash.to_owned(), String::new()),
    };
    let guard = match rotating_from {
        Some(_) => "AND (refresh_hash = ?6 OR previous_refresh_hash = ?6)",
        // A code exchange: the first tokens of the grant (`?6` is then empty, bound all the same).
        None => "AND refresh_hash IS NULL AND ?6 = ''",
    };
    let update = statement(
        db,
        &format!(
            "UPDATE oauth_grants SET refresh_hash = ?3, previous_refresh_hash = NULLIF(?4, ''), expires_at = ?5 \
             WHERE tenant_id = ?1 AND id = ?2 AND state = 'active' {guard}"
        ),
        &[
            Arg::Text(&grant.tenant_id),
            Arg::Text(&grant.id),
            Arg::Text(&current),
            Arg::Text(&previous),
            Arg::Int(issue.refresh_expires_at),
            Arg::Text(rotating_from.unwrap_or("")),
        ],
    )?;
    // Each insert runs only if the guarded update changed the grant (`changes()` is the
    // previous statement's; the first insert's own change then lets the second through).
    let guarded = |hash: &str, kind: &str, expires_at: u64| {
        statement(
            db,
            "INSERT INTO oauth_tokens (token_hash, tenant_id, grant_id, kind, expires_at, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() > 0",
            &[
                Arg::Text(hash),
                Arg::Text(&grant.tenant_id),
                Arg::Text(&grant.id),
                Arg::Text(kind),
                Arg::Int(expires_at),
                Arg::Int(issue.now_ms),
            ],
        )
    };
    let results = db
        .batch(vec![
            update,
            guarded(issue.refresh_hash, "refresh", issue.refresh_expires_at)?,
            guarded(issue.access_hash, "access", issue.access_expires_at)?,
        ])
        .await?;
    Ok(results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Revokes a grant: it can mint nothing more, and every token it issued stops working now.
pub async fn revoke_grant(db: &D1Database, tenant_id: &str, grant_id: &str, now_ms: u64) -> Result<()> {
    db.batch(vec![
        statement(
            db,
            "UPDATE oauth_grants SET state = 'revoked', revoked_at = ?3, consent_hash = NULL, refresh_hash = NULL, \
             previous_refresh_hash = NULL WHERE tenant_id = ?1 AND id = ?2 AND state != 'revoked'",
            &[Arg::Text(tenant_id), Arg::Text(grant_id), Arg::Int(now_ms)],
        )?,
        statement(
            db,
            "DELETE FROM oauth_tokens WHERE tenant_id = ?1 AND grant_id = ?2",
            &[Arg::Text(tenant_id), Arg::Text(grant_id)],
        )?,
        statement(
            db,
            "DELETE FROM oauth_codes WHERE tenant_id = ?1 AND grant_id = ?2",
            &[Arg::Text(tenant_id), Arg::Text(grant_id)],
        )?,
    ])
    .await?;
    Ok(())
}

/// Revokes one access token (RFC 7009 for an access token: the grant lives on).
pub async fn delete_token(db: &D1Database, tenant_id: &str, token_hash: &str) -> Result<()> {
    statement(
        db,
        "DELETE FROM oauth_tokens WHERE tenant_id = ?1 AND token_hash = ?2",
        &[Arg::Text(tenant_id), Arg::Text(token_hash)],
    )?
    .run()
    .await?;
    Ok(())
}

/// What the resource server needs from an access token: its grant's tenant, user, client,
/// scope and resource, only while the token is unexpired and its grant active.
#[derive(Deserialize)]
pub struct AccessRow {
    pub tenant_id: String,
    pub grant_id: String,
    pub user_id: String,
    pub client_id: String,
    pub scope: String,
    pub resource: String,
}

pub async fn access(db: &D1Database, token_hash: &str, now_ms: u64) -> Result<Option<AccessRow>> {
    statement(
        db,
        "SELECT g.tenant_id, t.grant_id, g.user_id, g.client_id, g.scope, g.resource FROM oauth_tokens t \
         JOIN oauth_grants g ON g.id = t.grant_id AND g.tenant_id = t.tenant_id \
         WHERE t.token_hash = ?1 AND t.kind = 'access' AND t.expires_at > ?2 AND g.state = 'active'",
        &[Arg::Text(token_hash), Arg::Int(now_ms)],
    )?
    .first(None)
    .await
}

/// What one pass of [`prune_expired`] deleted.
#[derive(Debug, Default, serde::Serialize)]
pub struct Pruned {
    pub codes: u32,
    pub tokens: u32,
    pub grants: u32,
}

/// Deletes, across tenants and up to 1,000 of each a pass: codes and tokens past their expiry
/// (an expired one is refused whether or not its row is there), then grants past theirs —
/// pending ones whose consent page timed out, active ones nobody refreshed for 30 days, revoked
/// ones once they would have expired — that no code or token still names (the foreign keys).
/// Every code and token of a grant expires no later than the grant, so a grant goes in the
/// pass after its last token at the latest.
pub async fn prune_expired(db: &D1Database, now: u64) -> Result<Pruned> {
    let expired = |table: &str| {
        let sql =
            format!("DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE expires_at <= ?1 LIMIT 1000)");
        statement(db, &sql, &[Arg::Int(now)])
    };
    let results = db
        .batch(vec![
            expired("oauth_codes")?,
            expired("oauth_tokens")?,
            statement(
                db,
                "DELETE FROM oauth_grants WHERE rowid IN (SELECT g.rowid FROM oauth_grants g \
                 WHERE g.expires_at <= ?1 \
                 AND NOT EXISTS (SELECT 1 FROM oauth_codes c WHERE c.tenant_id = g.tenant_id AND c.grant_id = g.id) \
                 AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.tenant_id = g.tenant_id AND t.grant_id = g.id) \
                 LIMIT 1000)",
                &[Arg::Int(now)],
            )?,
        ])
        .await?;
    let changes = |i: usize| -> Result<u32> {
        Ok(results.get(i).map(|r| r.meta()).transpose()?.flatten().and_then(|m| m.changes).unwrap_or(0) as u32)
    };
    Ok(Pruned { codes: changes(0)?, tokens: changes(1)?, grants: changes(2)? })
}
