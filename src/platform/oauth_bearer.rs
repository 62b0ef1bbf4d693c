//! The resource server's side of OAuth: who an MCP request acts for.
//!
//! For the `/mcp` route:
//! ```ignore
//! let principal = match oauth_bearer::principal_from_bearer(&req, &env).await? {
//!     Ok(principal) => principal,
//!     Err(challenge) => return Ok(challenge), // 401 with WWW-Authenticate: Bearer resource_metadata=…
//! };
//! if !principal.allows(Scope::Write) {
//!     return oauth_bearer::insufficient_scope(&env, &[Scope::Write]); // 403 insufficient_scope
//! }
//! ```
//! A token is accepted only when it is an unexpired access token of an active grant whose
//! `resource` (RFC 8707 audience) is exactly this deployment's MCP URL,
//! `PUBLIC_BASE_URL + "/mcp"`; anything else — no header, another scheme, an API key, a refresh
//! token, an unknown, expired or revoked token, a token for another resource — gets the same
//! 401 challenge, which names the protected resource metadata so the client can sign in again.

use crate::error::{json_response, AppResult};
use crate::platform::config::public_base_url;
use crate::platform::d1::{self, oauth};
use frontdesk_core::oauth::error::{self as oauth_error, BearerRefusal};
use frontdesk_core::oauth::tokens::{self, Kind};
use frontdesk_core::oauth::{mcp_resource, resource_metadata_url};
use frontdesk_core::ports::Clock;
use frontdesk_core::principal::{Principal, Scope};
use frontdesk_durable::platform::time::WorkerClock;
use worker::{Env, Request, Response};

/// The principal of the request's `Authorization: Bearer` access token, or the 401 response
/// to send instead. `Err` (the outer one) only for an internal failure (D1 down).
pub async fn principal_from_bearer(req: &Request, env: &Env) -> AppResult<Result<Principal, Response>> {
    let base = public_base_url(env)?;
    let header = req.headers().get("authorization")?;
    let Some(header) = header.filter(|h| !h.trim().is_empty()) else {
        return Ok(Err(refusal_response(oauth_error::unauthorized(&resource_metadata_url(&base), &Scope::ALL, false))));
    };
    let refused =
        || Ok(Err(refusal_response(oauth_error::unauthorized(&resource_metadata_url(&base), &Scope::ALL, true))));
    let token = match header.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return refused(),
    };
    if !tokens::is_shaped(Kind::Access, token) {
        return refused();
    }
    let db = d1::database(env)?;
    let Some(row) = oauth::access(&db, &tokens::hash(token), WorkerClock.now_ms()).await? else { return refused() };
    if row.resource != mcp_resource(&base) {
        return refused();
    }
    Ok(Ok(Principal {
        tenant_id: row.tenant_id,
        user_id: Some(row.user_id),
        client_id: Some(row.client_id),
        grant_id: Some(row.grant_id),
        scopes: Scope::parse_list(&row.scope),
    }))
}

/// 403 `insufficient_scope` naming the scopes a call needs (the token itself is valid).
pub fn insufficient_scope(env: &Env, needed: &[Scope]) -> AppResult<Response> {
    let base = public_base_url(env)?;
    Ok(refusal_response(oauth_error::insufficient_scope(&resource_metadata_url(&base), needed)))
}

/// A core [`BearerRefusal`] as a response.
pub fn refusal_response(refusal: BearerRefusal) -> Response {
    let response = json_response(refusal.status, &refusal.body);
    let headers = response.headers().clone();
    let _ = headers.set("www-authenticate", &refusal.www_authenticate);
    response.with_headers(headers)
}
