//! Binding names and typed configuration, read from `Env`. Secrets fail closed here: every
//! provider key is obtained through [`channel_secret`] or [`platform_secret`] (core
//! `secrets`), which refuse an unset, empty or (outside development) public dev value with
//! `503 channel_misconfigured` and a log line naming the tenant and the secret, never its value.

use crate::error::{AppError, AppResult};
use frontdesk_core::api::ApiError;
use frontdesk_core::at_rest;
use frontdesk_core::secrets::{self, Environment, Misconfigured};
use worker::Env;

/// `ENVIRONMENT`: `development` (make dev), `test` (the test harness), anything else production.
pub fn environment(env: &Env) -> Environment {
    Environment::parse(env.var("ENVIRONMENT").ok().map(|v| v.to_string()).as_deref())
}

use frontdesk_durable::platform::env::lookup;

fn refuse(tenant: &str, what: &str, why: &Misconfigured) -> AppError {
    worker::console_error!("channel misconfigured: tenant {tenant}, {what}: {why}");
    ApiError::channel_misconfigured().into()
}

/// The canonical public origin providers call (`PUBLIC_BASE_URL`), without a trailing slash.
/// Signatures are verified against it rather than the request's Host, which proxies rewrite.
/// Required outside development (a guessed origin would make every Twilio signature fail, or
/// worse, pass for a URL we do not own).
pub fn public_base_url(env: &Env) -> AppResult<String> {
    let configured = env.var("PUBLIC_BASE_URL").ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty());
    let url = match configured {
        Some(url) => url,
        None if environment(env).is_local() => "http://127.0.0.1:8787".to_owned(),
        None => return Err(refuse("*", "PUBLIC_BASE_URL", &Misconfigured::Unset { name: "PUBLIC_BASE_URL".into() })),
    };
    Ok(url.trim_end_matches('/').to_owned())
}

/// The signing secret of a tenant's channel (`tenant_channels.secret_ref`), or a refusal.
pub fn channel_secret(env: &Env, tenant_id: &str, provider: &str, secret_ref: &str) -> AppResult<String> {
    secrets::resolve(secret_ref, environment(env), |name| lookup(env, name))
        .map_err(|why| refuse(tenant_id, &format!("{provider} channel"), &why))
}

/// A platform-wide secret (`META_APP_SECRET`, `CHAT_SESSION_SECRET`, …), or a refusal.
pub fn platform_secret(env: &Env, name: &str) -> AppResult<String> {
    secrets::named(name, lookup(env, name), environment(env)).map_err(|why| refuse("*", name, &why))
}

/// The AES-256 key values are encrypted at rest with (`DATA_KEY`, base64 of 32 bytes), or a
/// refusal: a key of the wrong length must not silently become some other key.
pub fn data_key(env: &Env) -> AppResult<[u8; at_rest::KEY_BYTES]> {
    const NAME: &str = "DATA_KEY";
    let value = platform_secret(env, "DATA_KEY")?;
    at_rest::parse_key(&value).ok_or_else(|| {
        refuse(
            "*",
            NAME,
            &Misconfigured::Invalid { name: NAME.to_owned(), why: "base64 of 32 bytes (openssl rand -base64 32)" },
        )
    })
}

/// A sending credential (`secret_ref` of a channel's send config): `Ok(None)` when none is
/// configured at all (delivery is `simulated`), an error when one is named but unusable.
pub fn sending_secret(env: &Env, secret_ref: Option<&str>) -> Result<Option<String>, Misconfigured> {
    match secret_ref.filter(|r| !r.trim().is_empty()) {
        None => Ok(None),
        Some(stored) => secrets::resolve(stored, environment(env), |name| lookup(env, name)).map(Some),
    }
}

/// The keys a chat session token is checked against: `CHAT_SESSION_SECRET` first (the only one
/// that signs new tokens, refused like any platform secret when unusable), then
/// `CHAT_SESSION_SECRET_PREVIOUS` when set, so a rotation does not log every visitor out: set the
/// old value as `…_PREVIOUS`, the new one as the secret, and drop `…_PREVIOUS` once the old
/// tokens have expired (`webchat::SESSION_TTL_SECS`). A previous key that is unusable (a public
/// dev value outside development) is left out and logged, never trusted.
pub fn chat_session_keys(env: &Env) -> AppResult<Vec<String>> {
    const PREVIOUS: &str = "CHAT_SESSION_SECRET_PREVIOUS";
    let current = platform_secret(env, "CHAT_SESSION_SECRET")?;
    let previous = match lookup(env, PREVIOUS).filter(|v| !v.is_empty()) {
        None => None,
        Some(value) => secrets::named(PREVIOUS, Some(value), environment(env))
            .map_err(|why| worker::console_error!("ignoring {PREVIOUS}: {why}"))
            .ok(),
    };
    Ok(std::iter::once(current).chain(previous).collect())
}
