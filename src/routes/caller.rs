//! Who calls the tenant API, and whether they may: an `Authorization: Bearer fd_…` API key
//! (a script, acting as the owner, no CSRF) or the console's `fd_session` cookie (a user, with
//! their role, and the session's CSRF token on every write). Every `/api/v1` route goes
//! through [`resolve`], so the role table (core::console::access) is checked here once.

use crate::error::AppResult;
use crate::platform::d1::{self, sessions};
use frontdesk_core::api::ApiError;
use frontdesk_core::auth::ApiKey;
use frontdesk_core::console::access::required_access;
use frontdesk_core::console::session::{self, CSRF_HEADER};
use frontdesk_core::oauth::tokens;
use frontdesk_core::ports::Clock;
use frontdesk_core::users::Role;
use frontdesk_durable::platform::time::WorkerClock;
use worker::{D1Database, Env, Request};

pub enum Who {
    /// `api_keys.id`.
    Key(String),
    /// `users.id`.
    User(String),
}

pub struct Caller {
    pub tenant_id: String,
    pub who: Who,
    /// What the caller may do: an API key acts as the owner.
    pub role: Role,
}

impl Caller {
    /// How audited actions name the caller.
    pub fn actor(&self) -> String {
        match &self.who {
            Who::Key(key_id) => format!("api_key:{key_id}"),
            Who::User(id) => format!("user:{id}"),
        }
    }
}

/// The caller of `req`, allowed to do what it asks — or 401 `unauthorized` (no or a bad
/// credential, an ended session), 403 `csrf_failed` (a cookie write without the session's
/// token) or 403 `forbidden` (the role may not).
pub async fn resolve(req: &Request, env: &Env) -> AppResult<(D1Database, Caller)> {
    let db = d1::database(env)?;
    let headers = req.headers();
    if let Some(header) = headers.get("authorization")? {
        let key = ApiKey::from_bearer(&header).ok_or_else(ApiError::unauthorized)?;
        let owner = d1::tenant_for_api_key(&db, &key).await?.ok_or_else(ApiError::unauthorized)?;
        let caller = Caller { tenant_id: owner.tenant_id, who: Who::Key(owner.key_id), role: Role::Owner };
        return Ok((db, caller));
    }
    let cookies = headers.get("cookie")?.unwrap_or_default();
    let secret = session::from_cookie_header(&cookies).ok_or_else(ApiError::unauthorized)?;
    let (row, _) = live_session(&db, secret).await?.ok_or_else(ApiError::unauthorized)?;
    let method = req.method().to_string();
    if !session::is_safe_method(&method) && !session::csrf_matches(secret, headers.get(CSRF_HEADER)?.as_deref()) {
        return Err(ApiError::csrf_failed().into());
    }
    let role = Role::parse(&row.role).ok_or_else(ApiError::unauthorized)?;
    let path = req.path();
    let rest: Vec<&str> = path.trim_matches('/').split('/').skip(2).collect();
    if !role.may(required_access(&method, &rest)) {
        return Err(ApiError::forbidden().into());
    }
    Ok((db, Caller { tenant_id: row.tenant_id, who: Who::User(row.user_id), role }))
}

/// The unrevoked, unexpired session of a cookie's secret (and its hash), its idle deadline
/// slid forward when due.
pub async fn live_session(db: &D1Database, secret: &str) -> AppResult<Option<(sessions::SessionRow, String)>> {
    let hash = tokens::hash(secret);
    let Some(row) = sessions::find(db, &hash).await? else { return Ok(None) };
    let now = WorkerClock.now_ms();
    let life = row.lifetime();
    if !life.is_live(now) {
        return Ok(None);
    }
    if life.needs_touch(now) {
        sessions::touch(db, &row.tenant_id, &hash, now).await?;
    }
    Ok(Some((row, hash)))
}
