//! `POST /oauth/register`: RFC 7591 dynamic client registration (deprecated by the newest MCP
//! revision in favour of metadata documents, still what most clients do). Public clients get
//! no secret; a client asking for `client_secret_basic`/`_post` gets one, shown only here.

use super::body_bytes;
use super::oauth_token::new_secret;
use crate::error::{json_response, AppResult};
use crate::platform::d1::{self, oauth};
use frontdesk_core::ids;
use frontdesk_core::oauth::client::{self, AuthMethod, ClientInfo, Registration};
use frontdesk_core::oauth::error::OAuthError;
use frontdesk_core::oauth::tokens::{self, Kind};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use worker::{Env, Request, Response};

const MAX_REGISTRATION_BYTES: usize = 16 * 1024;

pub async fn post(mut req: Request, env: &Env) -> AppResult<Response> {
    let raw = body_bytes(&mut req, MAX_REGISTRATION_BYTES).await?;
    let registration: Registration = match serde_json::from_slice(&raw) {
        Ok(r) => r,
        Err(e) => {
            return Ok(refuse(OAuthError::invalid_client_metadata(format!("expected client metadata JSON: {e}"))))
        }
    };
    let (redirect_uris, client_name, auth_method) = match client::validate(&registration) {
        Ok(ok) => ok,
        Err(e) => return Ok(refuse(e)),
    };
    let now = WorkerClock.now_ms();
    let info = ClientInfo {
        client_id: ids::make(ids::OAUTH_CLIENT, now, WorkerRandom.next_u64()),
        client_name,
        redirect_uris,
        auth_method,
    };
    let secret = (auth_method != AuthMethod::None).then(|| new_secret(Kind::ClientSecret));
    let db = d1::database(env)?;
    oauth::save_client(&db, &info, "registered", secret.as_deref().map(tokens::hash).as_deref(), now).await?;
    Ok(json_response(201, &client::registration_response(&info, secret.as_deref(), now / 1000)))
}

fn refuse(e: OAuthError) -> Response {
    json_response(e.status, &e.body())
}
