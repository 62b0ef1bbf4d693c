//! Binding names and typed configuration, read once per request from `Env`.

use worker::Env;

/// The canonical public origin providers call (`PUBLIC_BASE_URL`), without a trailing slash.
/// Signatures are verified against it rather than the request's Host, which proxies rewrite.
pub fn public_base_url(env: &Env) -> String {
    env.var("PUBLIC_BASE_URL")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "http://127.0.0.1:8787".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// Resolves `tenant_channels.secret_ref`: `env:NAME` names a wrangler secret; anything else is
/// a literal, which only the dev seed uses. `None` when the named secret is not configured.
pub fn resolve_secret(env: &Env, secret_ref: &str) -> Option<String> {
    match secret_ref.strip_prefix("env:") {
        Some(name) => env.secret(name).ok().map(|s| s.to_string()),
        None => Some(secret_ref.to_owned()),
    }
}

/// The platform key that signs website chat session tokens (`CHAT_SESSION_SECRET`, a wrangler
/// secret in production; wrangler.toml has a dev value). Without it no chat session can be
/// issued or checked, so chat answers 500 rather than accept unsigned sessions.
pub fn chat_session_secret(env: &Env) -> Option<String> {
    env.secret("CHAT_SESSION_SECRET")
        .or_else(|_| env.var("CHAT_SESSION_SECRET"))
        .ok()
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty())
}

/// The keys a chat session token is checked against: `CHAT_SESSION_SECRET` first (the only one
/// that signs new tokens), then `CHAT_SESSION_SECRET_PREVIOUS` when set, so a rotation does not
/// log every visitor out: set the old value as `…_PREVIOUS`, the new one as the secret, and drop
/// `…_PREVIOUS` once the old tokens have expired (`webchat::SESSION_TTL_SECS`). Empty without
/// a current secret, which makes chat answer 500.
pub fn chat_session_keys(env: &Env) -> Vec<String> {
    let Some(current) = chat_session_secret(env) else { return Vec::new() };
    let previous = env
        .secret("CHAT_SESSION_SECRET_PREVIOUS")
        .or_else(|_| env.var("CHAT_SESSION_SECRET_PREVIOUS"))
        .ok()
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty());
    std::iter::once(current).chain(previous).collect()
}
