//! `POST /oauth/token` (authorization code with PKCE, refresh with rotation) and
//! `POST /oauth/revoke` (RFC 7009). Form bodies in, JSON out, never cached.
//!
//! A code is single-use: presenting it again revokes its grant (RFC 6749 §4.1.2 — whoever
//! holds a copy must not keep the tokens). A refresh token rotates on every use; its
//! predecessor stays valid until the new one is used, and any older one revokes the grant.

use super::body_bytes;
use crate::error::AppResult;
use crate::platform::config::public_base_url;
use crate::platform::d1::oauth::{self, Grant, Issue};
use crate::platform::d1::{self};
use crate::platform::oauth_clients;
use frontdesk_core::api::ApiError;
use frontdesk_core::form::Form;
use frontdesk_core::oauth::authorize::check_resource;
use frontdesk_core::oauth::client::{presented_credentials, AuthMethod};
use frontdesk_core::oauth::error::OAuthError;
use frontdesk_core::oauth::tokens::{self, Kind, RefreshUse, ACCESS_TTL_MS, REFRESH_TTL_MS};
use frontdesk_core::oauth::{mcp_resource, pkce};
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::time::{random_bytes, WorkerClock};
use serde_json::json;
use worker::{D1Database, Env, Headers, Request, Response};

const MAX_FORM_BYTES: usize = 16 * 1024;

/// A new secret of `kind` from the platform CSPRNG.
pub fn new_secret(kind: Kind) -> String {
    tokens::new_secret(kind, random_bytes())
}

fn no_store(status: u16, body: &serde_json::Value) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    headers.set("pragma", "no-cache")?;
    Ok(Response::ok(body.to_string())?.with_status(status).with_headers(headers))
}

fn refuse(e: OAuthError) -> AppResult<Response> {
    no_store(e.status, &e.body())
}

async fn read_form(req: &mut Request) -> AppResult<Form> {
    let raw = body_bytes(req, MAX_FORM_BYTES).await?;
    Ok(Form::parse(&raw).map_err(|_| ApiError::malformed_body("expected an application/x-www-form-urlencoded body"))?)
}

/// The client a token or revocation request authenticates as: any client by its id when it
/// is public, a confidential one only with its secret.
async fn authenticate_client(
    req: &Request,
    env: &Env,
    db: &D1Database,
    form: &Form,
) -> AppResult<Result<String, OAuthError>> {
    let header = req.headers().get("authorization")?;
    let (id, secret) =
        presented_credentials(header.as_deref(), form.non_empty("client_id"), form.non_empty("client_secret"));
    let Some(id) = id else { return Ok(Err(OAuthError::invalid_client("client_id is required"))) };
    let client = match oauth_clients::resolve(env, db, &id, WorkerClock.now_ms()).await? {
        Ok(client) => client,
        Err(why) => return Ok(Err(OAuthError::invalid_client(why))),
    };
    if client.info.auth_method != AuthMethod::None {
        let ok = match (&client.secret_hash, secret) {
            (Some(stored), Some(secret)) => tokens::hash_matches(stored, &secret),
            _ => false,
        };
        if !ok {
            return Ok(Err(OAuthError::invalid_client("client authentication failed")));
        }
    }
    Ok(Ok(client.info.client_id))
}

pub async fn token(mut req: Request, env: &Env) -> AppResult<Response> {
    let form = read_form(&mut req).await?;
    let db = d1::database(env)?;
    let client_id = match authenticate_client(&req, env, &db, &form).await? {
        Ok(id) => id,
        Err(e) => return refuse(e),
    };
    let mcp = mcp_resource(&public_base_url(env)?);
    if let Err(e) = check_resource(form.non_empty("resource"), &mcp) {
        return refuse(e);
    }
    let outcome = match form.get("grant_type").unwrap_or("") {
        "authorization_code" => exchange_code(&db, &form, &client_id).await?,
        "refresh_token" => refresh(&db, &form, &client_id).await?,
        other => Err(OAuthError::unsupported_grant_type(other)),
    };
    match outcome {
        Ok(body) => no_store(200, &body),
        Err(e) => refuse(e),
    }
}

async fn exchange_code(
    db: &D1Database,
    form: &Form,
    client_id: &str,
) -> AppResult<Result<serde_json::Value, OAuthError>> {
    let now = WorkerClock.now_ms();
    let code = form.get("code").unwrap_or("");
    let invalid = || Ok(Err(OAuthError::invalid_grant("the authorization code is invalid, expired or already used")));
    if !tokens::is_shaped(Kind::Code, code) {
        return invalid();
    }
    let code_hash = tokens::hash(code);
    let Some(row) = oauth::code(db, &code_hash).await? else { return invalid() };
    let Some(grant) = oauth::grant(db, &row.tenant_id, &row.grant_id).await? else { return invalid() };
    if grant.client_id != client_id {
        return invalid();
    }
    if row.used_at.is_some() {
        oauth::revoke_grant(db, &grant.tenant_id, &grant.id, now).await?;
        return Ok(Err(OAuthError::invalid_grant("the authorization code was already used: its grant is revoked")));
    }
    if row.expires_at <= now || grant.state != "active" {
        return invalid();
    }
    if form.non_empty("redirect_uri").is_some_and(|uri| uri != grant.redirect_uri) {
        return Ok(Err(OAuthError::invalid_grant("redirect_uri is not the one the code was issued to")));
    }
    if !pkce::verify(form.get("code_verifier").unwrap_or(""), &grant.code_challenge) {
        return Ok(Err(OAuthError::invalid_grant("code_verifier does not match the code_challenge")));
    }
    if !oauth::use_code(db, &code_hash, now).await? {
        // Another request exchanged it first: a copy is in someone else's hands.
        oauth::revoke_grant(db, &grant.tenant_id, &grant.id, now).await?;
        return Ok(Err(OAuthError::invalid_grant("the authorization code was already used: its grant is revoked")));
    }
    issue(db, &grant, None, now).await
}

async fn refresh(db: &D1Database, form: &Form, client_id: &str) -> AppResult<Result<serde_json::Value, OAuthError>> {
    let now = WorkerClock.now_ms();
    let presented = form.get("refresh_token").unwrap_or("");
    let invalid = || Ok(Err(OAuthError::invalid_grant("the refresh token is invalid, expired or revoked")));
    if !tokens::is_shaped(Kind::Refresh, presented) {
        return invalid();
    }
    let presented_hash = tokens::hash(presented);
    let Some(row) = oauth::token(db, &presented_hash).await?.filter(|t| t.kind == "refresh") else { return invalid() };
    let Some(grant) = oauth::grant(db, &row.tenant_id, &row.grant_id).await? else { return invalid() };
    if grant.client_id != client_id || grant.state != "active" || grant.expires_at <= now {
        return invalid();
    }
    match tokens::classify_refresh(
        &presented_hash,
        grant.refresh_hash.as_deref(),
        grant.previous_refresh_hash.as_deref(),
    ) {
        RefreshUse::Reused => {
            oauth::revoke_grant(db, &grant.tenant_id, &grant.id, now).await?;
            Ok(Err(OAuthError::invalid_grant("the refresh token was already used: its grant is revoked")))
        }
        RefreshUse::Current | RefreshUse::Previous => issue(db, &grant, Some(&presented_hash), now).await,
    }
}

/// Mints an access and refresh token pair for `grant` (rotating from the presented refresh
/// token's hash, if any) and builds the token response.
async fn issue(
    db: &D1Database,
    grant: &Grant,
    rotating_from: Option<&str>,
    now: u64,
) -> AppResult<Result<serde_json::Value, OAuthError>> {
    let access = new_secret(Kind::Access);
    let refresh = new_secret(Kind::Refresh);
    let stored = oauth::issue(
        db,
        grant,
        &Issue {
            access_hash: &tokens::hash(&access),
            access_expires_at: now + ACCESS_TTL_MS,
            refresh_hash: &tokens::hash(&refresh),
            refresh_expires_at: now + REFRESH_TTL_MS,
            now_ms: now,
        },
        rotating_from,
    )
    .await?;
    if !stored {
        return Ok(Err(OAuthError::invalid_grant(
            "the grant changed meanwhile (revoked, or refreshed by another request)",
        )));
    }
    Ok(Ok(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL_MS / 1000,
        "refresh_token": refresh,
        "scope": grant.scope,
        "resource": grant.resource,
    })))
}

/// RFC 7009: 200 whatever the token was (unknown, already revoked, another client's), so the
/// answer says nothing about tokens; a refresh token revokes its whole grant, an access token
/// only itself.
pub async fn revoke(mut req: Request, env: &Env) -> AppResult<Response> {
    let form = read_form(&mut req).await?;
    let db = d1::database(env)?;
    let client_id = match authenticate_client(&req, env, &db, &form).await? {
        Ok(id) => id,
        Err(e) => return refuse(e),
    };
    let Some(token) = form.non_empty("token") else {
        return refuse(OAuthError::invalid_request("token is required"));
    };
    let hash = tokens::hash(token);
    if let Some(row) = oauth::token(&db, &hash).await? {
        let grant = oauth::grant(&db, &row.tenant_id, &row.grant_id).await?;
        if grant.is_some_and(|g| g.client_id == client_id) {
            match row.kind.as_str() {
                "refresh" => oauth::revoke_grant(&db, &row.tenant_id, &row.grant_id, WorkerClock.now_ms()).await?,
                _ => oauth::delete_token(&db, &row.tenant_id, &hash).await?,
            }
        }
    }
    no_store(200, &json!({}))
}
