//! `GET /oauth/authorize` → the sign-in page; `POST /oauth/authorize` with `step=login` → the
//! consent page (or the sign-in page again with the reason); `step=consent` → back to the
//! client with `code`, `state` and `iss` (or `error=access_denied`). Plain HTML forms: no
//! script, no cookie — the authorization request rides in hidden fields until sign-in, and a
//! single-use consent ticket (its hash on the pending grant) after it.

use super::body_bytes;
use super::oauth_token::new_secret;
use crate::error::{AppError, AppResult};
use crate::platform::config::public_base_url;
use crate::platform::d1;
use crate::platform::d1::oauth::{self, NewGrant};
use crate::platform::d1::users::UserRow;
use crate::platform::login::{self, Attempt, Outcome};
use crate::platform::oauth_clients;
use frontdesk_core::api::ApiError;
use frontdesk_core::form::Form;
use frontdesk_core::ids;
use frontdesk_core::oauth::authorize::{self, AuthorizationRequest, PARAMS};
use frontdesk_core::oauth::client::ClientInfo;
use frontdesk_core::oauth::error::OAuthError;
use frontdesk_core::oauth::tokens::{self, Kind, CODE_TTL_MS, CONSENT_TTL_MS, REFRESH_TTL_MS};
use frontdesk_core::oauth::{mcp_resource, pages, redirect};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::users::password::MAX_PASSWORD_BYTES;
use frontdesk_core::users::{normalize_email, Role};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use worker::{D1Database, Env, Headers, Request, Response};

const ACTION: &str = "/oauth/authorize";
const MAX_FORM_BYTES: usize = 16 * 1024;

/// An HTML page that no other site may frame (the consent button must not be clickjacked).
fn html(status: u16, body: String) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    headers.set("x-frame-options", "DENY")?;
    headers.set(
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )?;
    Ok(Response::ok(body)?.with_status(status).with_headers(headers))
}

fn found(location: &str) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("location", location)?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::empty()?.with_status(302).with_headers(headers))
}

/// A checked authorization request, or the response that ends it (an error page when the
/// client or redirect URI is not good, a redirect with the error otherwise).
async fn checked(
    env: &Env,
    db: &D1Database,
    form: &Form,
) -> AppResult<Result<(ClientInfo, AuthorizationRequest), Response>> {
    let base = public_base_url(env)?;
    let Some(client_id) = form.non_empty("client_id") else {
        return Ok(Err(html(400, pages::error("The request names no client (client_id is missing)."))?));
    };
    let client = match oauth_clients::resolve(env, db, client_id, WorkerClock.now_ms()).await? {
        Ok(client) => client.info,
        Err(why) => return Ok(Err(html(400, pages::error(&why))?)),
    };
    let Some(redirect_uri) = redirect::choose(&client.redirect_uris, form.non_empty("redirect_uri")) else {
        return Ok(Err(html(400, pages::error("The redirect_uri is not one this client registered."))?));
    };
    match authorize::validate(form, &client.client_id, &redirect_uri, &mcp_resource(&base)) {
        Ok(request) => Ok(Ok((client, request))),
        Err(e) => Ok(Err(found(&authorize::error_redirect(&redirect_uri, &e, form.get("state"), &base))?)),
    }
}

fn client_label(client: &ClientInfo) -> String {
    client.client_name.clone().unwrap_or_else(|| client.client_id.clone())
}

fn carried(form: &Form) -> Vec<(&str, &str)> {
    PARAMS.iter().filter_map(|name| form.get(name).map(|v| (*name, v))).collect()
}

pub async fn get(req: Request, env: &Env) -> AppResult<Response> {
    let form = Form::from_pairs(req.url()?.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())));
    let db = d1::database(env)?;
    let (client, _) = match checked(env, &db, &form).await? {
        Ok(ok) => ok,
        Err(response) => return Ok(response),
    };
    html(200, pages::login(ACTION, &client_label(&client), &carried(&form), "", "", None))
}

pub async fn post(mut req: Request, env: &Env) -> AppResult<Response> {
    let raw = body_bytes(&mut req, MAX_FORM_BYTES).await?;
    let form = Form::parse(&raw).map_err(|_| ApiError::malformed_body("expected a form body"))?;
    let db = d1::database(env)?;
    match form.get("step") {
        Some("login") => login(env, &db, &form).await,
        Some("consent") => consent(env, &db, &form).await,
        _ => html(400, pages::error("This form was not sent by the sign-in page.")),
    }
}

/// Why a sign-in failed, as the user is told (never which of business, email or password).
const WRONG: &str = "Wrong business, email, password or code.";

async fn login(env: &Env, db: &D1Database, form: &Form) -> AppResult<Response> {
    let (client, request) = match checked(env, db, form).await? {
        Ok(ok) => ok,
        Err(response) => return Ok(response),
    };
    let slug = form.non_empty("tenant").unwrap_or("").to_lowercase();
    let email = normalize_email(form.get("email").unwrap_or(""));
    let again = |status, error: &str| {
        html(status, pages::login(ACTION, &client_label(&client), &carried(form), &slug, &email, Some(error)))
    };
    let password = form.get("password").unwrap_or("");
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES || email.is_empty() || slug.is_empty() {
        return again(400, "Enter your business, email and password.");
    }
    let now = WorkerClock.now_ms();
    let attempt =
        Attempt { tenant_slug: Some(&slug), email: &email, password, totp: form.get("totp"), via: &client.client_id };
    let user = match login::sign_in(env, db, &attempt, now).await? {
        Outcome::SignedIn(user) => user,
        Outcome::Wrong => return again(401, WRONG),
        Outcome::Locked(message) => return again(423, &message),
    };
    consent_page(env, db, &client, &request, &user, now).await
}

async fn consent_page(
    env: &Env,
    db: &D1Database,
    client: &ClientInfo,
    request: &AuthorizationRequest,
    user: &UserRow,
    now: u64,
) -> AppResult<Response> {
    let role = Role::parse(&user.role)
        .ok_or_else(|| AppError::Internal(format!("user {} has role {:?}", user.id, user.role)))?;
    let scopes = authorize::granted_scopes(&request.scopes, role);
    if scopes.is_empty() {
        let e = OAuthError::access_denied("your role cannot grant the scopes asked for");
        return found(&authorize::error_redirect(
            &request.redirect_uri,
            &e,
            request.state.as_deref(),
            &public_base_url(env)?,
        ));
    }
    let ticket = new_secret(Kind::ConsentTicket);
    let grant_id = ids::make(ids::OAUTH_GRANT, now, WorkerRandom.next_u64());
    let scope = scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
    oauth::insert_pending_grant(
        db,
        &NewGrant {
            id: &grant_id,
            tenant_id: &user.tenant_id,
            user_id: &user.id,
            client_id: &client.client_id,
            scope: &scope,
            resource: &request.resource,
            redirect_uri: &request.redirect_uri,
            code_challenge: &request.code_challenge,
            client_state: request.state.as_deref(),
            consent_hash: &tokens::hash(&ticket),
            now_ms: now,
            expires_at: now + CONSENT_TTL_MS,
        },
    )
    .await?;
    let who = format!("{} at {}", user.email, user.tenant_name);
    html(200, pages::consent(ACTION, &ticket, &client_label(client), &request.redirect_uri, &who, &scopes))
}

async fn consent(env: &Env, db: &D1Database, form: &Form) -> AppResult<Response> {
    let base = public_base_url(env)?;
    let now = WorkerClock.now_ms();
    let ticket = form.get("ticket").unwrap_or("");
    let grant = match tokens::is_shaped(Kind::ConsentTicket, ticket) {
        true => oauth::pending_grant(db, &tokens::hash(ticket), now).await?,
        false => None,
    };
    let Some(grant) = grant else {
        return html(
            400,
            pages::error("This consent page has expired or was already answered: start again from your app."),
        );
    };
    if form.get("decision") != Some("allow") {
        oauth::deny_pending(db, &grant, now).await?;
        let e = OAuthError::access_denied("the user did not allow access");
        return found(&authorize::error_redirect(&grant.redirect_uri, &e, grant.client_state.as_deref(), &base));
    }
    let code = new_secret(Kind::Code);
    if !oauth::activate_with_code(db, &grant, &tokens::hash(&code), now, now + CODE_TTL_MS, now + REFRESH_TTL_MS)
        .await?
    {
        return html(400, pages::error("This consent page was already answered: start again from your app."));
    }
    found(&authorize::code_redirect(&grant.redirect_uri, &code, grant.client_state.as_deref(), &base))
}
