//! Which client an OAuth request names: one registered here (`POST /oauth/register`), or one
//! described by a Client ID Metadata Document at its `client_id` URL, fetched (public hosts
//! only, no redirects, 5 KB, 3 s), checked by core and cached in `oauth_clients` for an hour.

use super::d1::oauth::{self, StoredClient};
use super::kb_ingest::{checked_url, read_limited};
use crate::error::AppResult;
use frontdesk_core::oauth::client::{
    from_metadata_document, is_metadata_document_url, ClientInfo, MAX_METADATA_BYTES, METADATA_CACHE_MS,
    METADATA_TIMEOUT_MS,
};
use frontdesk_core::secrets::Environment;
use frontdesk_durable::platform::env::environment;
use frontdesk_durable::platform::http::within;
use worker::{D1Database, Env, Fetch, Method, Request, RequestInit, RequestRedirect};

/// The client `client_id` names, or why it cannot be used (shown to the user, or returned as
/// `invalid_client`).
pub async fn resolve(
    env: &Env,
    db: &D1Database,
    client_id: &str,
    now_ms: u64,
) -> AppResult<Result<StoredClient, String>> {
    let stored = oauth::client(db, client_id).await?;
    if !is_document_id(env, client_id) {
        return Ok(stored.ok_or_else(|| format!("unknown client_id {client_id:?}: register the client first")));
    }
    if let Some(fresh) = stored.filter(|c| c.fetched_at.is_some_and(|at| now_ms < at + METADATA_CACHE_MS)) {
        return Ok(Ok(fresh));
    }
    let info = match fetch_document(env, client_id).await {
        Ok(info) => info,
        Err(why) => return Ok(Err(why)),
    };
    oauth::save_client(db, &info, "metadata_document", None, now_ms).await?;
    Ok(Ok(StoredClient { info, secret_hash: None, fetched_at: Some(now_ms) }))
}

/// An https URL with a path; in the test environment also a loopback http one, where the
/// suite's fake client site listens.
fn is_document_id(env: &Env, client_id: &str) -> bool {
    is_metadata_document_url(client_id)
        || (environment(env) == Environment::Test && client_id.starts_with("http://127.0.0.1:"))
}

async fn fetch_document(env: &Env, url: &str) -> Result<ClientInfo, String> {
    let checked = checked_url(env, url).map_err(|e| e.message)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_redirect(RequestRedirect::Manual);
    let request = Request::new_with_init(checked.as_str(), &init).map_err(|e| format!("bad client_id URL: {e}"))?;
    let _ = request.headers().set("accept", "application/json");
    let mut response = match within(Fetch::Request(request).send(), METADATA_TIMEOUT_MS).await {
        Some(Ok(response)) => response,
        Some(Err(e)) => return Err(format!("could not fetch the client metadata document {url}: {e}")),
        None => {
            return Err(format!("the client metadata document {url} did not answer within {METADATA_TIMEOUT_MS} ms"))
        }
    };
    if response.status_code() != 200 {
        return Err(format!("the client metadata document {url} answered HTTP {}", response.status_code()));
    }
    let body = read_limited(&mut response, MAX_METADATA_BYTES).await?;
    from_metadata_document(url, body.as_bytes())
}
