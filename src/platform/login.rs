//! Checking a sign-in — the OAuth page's (`routes::oauth_authorize`) and the console's
//! (`routes::session`): the user by business and email, the lockout (core::users::lockout),
//! the password (WebCrypto PBKDF2) and the second factor, every attempt audited.

use crate::error::AppResult;
use crate::platform::at_rest as sealed_value;
use crate::platform::d1::users::{self, UserRow};
use crate::platform::d1::Audit;
use crate::platform::password;
use frontdesk_core::at_rest::{self, Stored};
use frontdesk_core::ids;
use frontdesk_core::ports::Random;
use frontdesk_core::users::lockout::{LoginState, LOCKOUT_MS};
use frontdesk_core::users::password::ITERATIONS;
use frontdesk_core::users::totp;
use frontdesk_durable::platform::time::WorkerRandom;
use serde_json::json;
use worker::{D1Database, Env};

pub struct Attempt<'a> {
    /// The business's slug; `None` when the email belongs to one business only.
    pub tenant_slug: Option<&'a str>,
    /// Normalised (`users::normalize_email`).
    pub email: &'a str,
    pub password: &'a str,
    pub totp: Option<&'a str>,
    /// Where the attempt came from, for the audit log: an OAuth client id, or `console`.
    pub via: &'a str,
}

pub enum Outcome {
    SignedIn(Box<UserRow>),
    /// Wrong business, email, password or code (never which).
    Wrong,
    /// Locked: the message says for how long.
    Locked(String),
}

pub async fn sign_in(env: &Env, db: &D1Database, attempt: &Attempt<'_>, now: u64) -> AppResult<Outcome> {
    let email = attempt.email;
    let user = match attempt.tenant_slug {
        Some(slug) => users::user_for_login(db, slug, email).await?,
        None => users::only_user_with_email(db, email).await?,
    };
    let Some(user) = user else {
        // As long as for a real user, so the answer's timing does not tell which emails exist.
        password::derive(attempt.password, b"no-such-user-salt", ITERATIONS).await?;
        if let Some(slug) = attempt.tenant_slug {
            if let Some(tenant_id) = users::tenant_id_for_slug(db, slug).await? {
                audit(db, &tenant_id, None, attempt, "unknown_email", now).await?;
            }
        }
        return Ok(Outcome::Wrong);
    };
    let state = user.login_state();
    if state.is_locked(now) {
        audit(db, &user.tenant_id, Some((&user.id, state)), attempt, "locked", now).await?;
        return Ok(Outcome::Locked(locked_message(state, now)));
    }
    let totp_ok = match &user.totp_secret {
        Some(stored) => {
            let secret = totp_secret(env, db, &user, stored).await?.unwrap_or_default();
            totp::verify(&secret, attempt.totp.unwrap_or(""), now)
        }
        None => true,
    };
    // The password is checked even when the code is wrong, so the answer's timing does not
    // say which of the two failed.
    let password_ok = password::verify(attempt.password, &user.password_hash).await?;
    if !(password_ok && totp_ok) {
        let after = state.after_failure(now);
        let outcome = if after.is_locked(now) { "failed_locked" } else { "failed" };
        audit(db, &user.tenant_id, Some((&user.id, after)), attempt, outcome, now).await?;
        return Ok(if after.is_locked(now) { Outcome::Locked(locked_message(after, now)) } else { Outcome::Wrong });
    }
    audit(db, &user.tenant_id, Some((&user.id, LoginState::after_success())), attempt, "succeeded", now).await?;
    Ok(Outcome::SignedIn(Box::new(user)))
}

/// The base32 TOTP secret in `users.totp_secret`, sealed with the user id as additional data;
/// `None` (no code matches) when it does not open. A plain-text value (a row from before
/// encryption at rest) is used as it is and re-written sealed, so each such row is encrypted by
/// its user's next sign-in.
async fn totp_secret(env: &Env, db: &D1Database, user: &UserRow, stored: &str) -> AppResult<Option<String>> {
    match at_rest::parse(stored) {
        Ok(Stored::Sealed(sealed)) => sealed_value::open(env, &user.id, &sealed).await,
        Ok(Stored::Plain(secret)) => {
            let sealed = sealed_value::seal(env, &user.id, secret).await?;
            users::replace_totp_secret(db, &user.tenant_id, &user.id, stored, &sealed).await?;
            Ok(Some(secret.to_owned()))
        }
        Err(why) => {
            worker::console_error!("users.totp_secret of {}: {why}; the sign-in is refused", user.id);
            Ok(None)
        }
    }
}

fn locked_message(state: LoginState, now: u64) -> String {
    let minutes = state.locked_until.map_or(LOCKOUT_MS, |until| until.saturating_sub(now)).div_ceil(60_000);
    format!("This account is locked after too many failed sign-ins. Try again in {minutes} minutes.")
}

async fn audit(
    db: &D1Database,
    tenant_id: &str,
    user: Option<(&str, LoginState)>,
    attempt: &Attempt<'_>,
    outcome: &str,
    now: u64,
) -> AppResult<()> {
    let email = attempt.email;
    let id = ids::make(ids::AUDIT, now, WorkerRandom.next_u64());
    let actor = user.map_or_else(|| format!("login:{email}"), |(user_id, _)| format!("user:{user_id}"));
    let detail = json!({ "email": email, "client_id": attempt.via, "outcome": outcome }).to_string();
    let subject = user.map_or(email, |(user_id, _)| user_id);
    let audit = Audit { id: &id, tenant_id, actor: &actor, action: "user.login", subject, detail: &detail, at_ms: now };
    users::record_attempt(db, user, &audit).await?;
    Ok(())
}
