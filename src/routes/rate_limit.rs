//! The rate limit in front of the routes anyone can call (`frontdesk_core::limiter`): which
//! bucket a request draws from, and the 429 when it is empty. Each bucket is a `LimiterDO`.
//! `/mcp` calls [`take`] itself once it knows the caller's grant or key.

use crate::error::AppResult;
use frontdesk_core::api::ApiError;
use frontdesk_core::limiter::{Limit, Scope};
use frontdesk_durable::limiter_take;
use worker::{Env, Method, Request};

/// Takes one request from the caller's bucket, or refuses with 429 `rate_limited` and
/// `Retry-After`. Provider webhooks, `/health` and CORS preflights pass without a look-up.
///
/// When the limiter itself fails the request goes through (and the failure is logged): a
/// limiter outage must not take chat and the API down with it, and the routes behind it still
/// authenticate and bound their work on their own.
pub async fn check(req: &Request, env: &Env, segments: &[&str]) -> AppResult<()> {
    if req.method() == Method::Options {
        return Ok(());
    }
    let Some((scope, tenant)) = Scope::of_route(segments) else { return Ok(()) };
    let headers = req.headers();
    let client_ip = headers.get("cf-connecting-ip")?;
    let authorization = if scope == Scope::Api { headers.get("authorization")? } else { None };
    let key = scope.key(tenant.as_deref(), client_ip.as_deref(), authorization.as_deref());
    take(env, scope, &key).await
}

/// Takes one request from the bucket `key` at `scope`'s limit, or refuses with 429
/// `rate_limited` and `Retry-After`; lets it through, logged, when the limiter itself fails.
pub async fn take(env: &Env, scope: Scope, key: &str) -> AppResult<()> {
    match limiter_take(env, key, configured_limit(env, scope)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(retry_after)) => Err(ApiError::rate_limited(retry_after).into()),
        Err(e) => {
            worker::console_error!("rate limiter unavailable, letting the request through: {e}");
            Ok(())
        }
    }
}

/// The scope's default, with the wrangler vars that override it (tests set low ones).
fn configured_limit(env: &Env, scope: Scope) -> Limit {
    let (per_minute, burst) = scope.config_vars();
    let var = |name| env.var(name).ok().map(|v| v.to_string());
    Limit::configured(scope.default_limit(), var(per_minute).as_deref(), var(burst).as_deref())
}
