//! `POST /api/v1/session` (sign in), `GET` (who am I, and the CSRF token again after a
//! reload), `DELETE` (sign out): the operator console's cookie session
//! (core::console::session). The password, lockout and second factor are checked exactly as
//! on the OAuth sign-in page (`platform::login`).

use super::caller::live_session;
use super::json_body;
use crate::error::{json_response, AppResult};
use crate::platform::config::environment;
use crate::platform::d1::{self, sessions};
use crate::platform::login::{self, Attempt, Outcome};
use frontdesk_core::api::ApiError;
use frontdesk_core::console::session::{self, Lifetime, CSRF_HEADER};
use frontdesk_core::oauth::tokens::{self, Kind};
use frontdesk_core::ports::Clock;
use frontdesk_core::users::normalize_email;
use frontdesk_core::users::password::MAX_PASSWORD_BYTES;
use frontdesk_durable::platform::time::WorkerClock;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{Env, Request, Response};

const MAX_BODY_BYTES: usize = 4 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    email: String,
    password: String,
    tenant: Option<String>,
    totp: Option<String>,
}

struct Who<'a> {
    user: (&'a str, &'a str, &'a str),
    tenant: (&'a str, &'a str, &'a str),
}

fn view(who: &Who<'_>, secret: &str) -> Value {
    let (id, email, role) = who.user;
    let (tenant_id, slug, name) = who.tenant;
    json!({
        "user": { "id": id, "email": email, "role": role },
        "tenant": { "id": tenant_id, "slug": slug, "name": name },
        "csrf_token": session::csrf_token(secret),
    })
}

/// `response`, never cached (it carries the CSRF token or the cookie), setting `cookie`.
fn private(response: Response, cookie: Option<&str>) -> AppResult<Response> {
    let headers = response.headers().clone();
    if let Some(cookie) = cookie {
        headers.set("set-cookie", cookie)?;
    }
    headers.set("cache-control", "no-store")?;
    Ok(response.with_headers(headers))
}

fn secure(env: &Env) -> bool {
    !environment(env).is_local()
}

pub async fn create(mut req: Request, env: &Env) -> AppResult<Response> {
    let body: SignIn = json_body(&mut req, MAX_BODY_BYTES, r#"{"email", "password", "tenant"?, "totp"?}"#).await?;
    let email = normalize_email(&body.email);
    let slug = body.tenant.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
    if email.is_empty() || body.password.is_empty() || body.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::bad_request("`email` and `password` are required").into());
    }
    let db = d1::database(env)?;
    let now = WorkerClock.now_ms();
    let attempt = Attempt {
        tenant_slug: slug.as_deref(),
        email: &email,
        password: &body.password,
        totp: body.totp.as_deref(),
        via: "console",
    };
    let user = match login::sign_in(env, &db, &attempt, now).await? {
        Outcome::SignedIn(user) => user,
        Outcome::Wrong => {
            return Err(ApiError {
                message: "wrong email, password, business or code".into(),
                ..ApiError::unauthorized()
            }
            .into())
        }
        Outcome::Locked(message) => return Err(ApiError::locked(message).into()),
    };
    let secret = super::oauth_token::new_secret(Kind::ConsoleSession);
    let life = Lifetime::started(now);
    sessions::insert(&db, &tokens::hash(&secret), &user.tenant_id, &user.id, now, life).await?;
    let who = Who {
        user: (&user.id, &user.email, &user.role),
        tenant: (&user.tenant_id, &user.tenant_slug, &user.tenant_name),
    };
    let cookie = session::set_cookie(&secret, life.max_age_s(now), secure(env));
    private(json_response(200, &view(&who, &secret)), Some(&cookie))
}

pub async fn get(req: Request, env: &Env) -> AppResult<Response> {
    let cookies = req.headers().get("cookie")?.unwrap_or_default();
    let secret = session::from_cookie_header(&cookies).ok_or_else(ApiError::unauthorized)?;
    let db = d1::database(env)?;
    let (row, _) = live_session(&db, secret).await?.ok_or_else(ApiError::unauthorized)?;
    let who = Who {
        user: (&row.user_id, &row.email, &row.role),
        tenant: (&row.tenant_id, &row.tenant_slug, &row.tenant_name),
    };
    private(json_response(200, &view(&who, secret)), None)
}

/// Signs out: the session is revoked (the cookie is worthless from now on, wherever it was
/// copied to) and the browser told to forget it. Needs the CSRF token, like every write.
pub async fn delete(req: Request, env: &Env) -> AppResult<Response> {
    let cookies = req.headers().get("cookie")?.unwrap_or_default();
    let secret = session::from_cookie_header(&cookies).ok_or_else(ApiError::unauthorized)?;
    let db = d1::database(env)?;
    let (row, hash) = live_session(&db, secret).await?.ok_or_else(ApiError::unauthorized)?;
    if !session::csrf_matches(secret, req.headers().get(CSRF_HEADER)?.as_deref()) {
        return Err(ApiError::csrf_failed().into());
    }
    sessions::revoke(&db, &row.tenant_id, &hash, WorkerClock.now_ms()).await?;
    private(Response::empty()?.with_status(204), Some(&session::clear_cookie(secure(env))))
}
