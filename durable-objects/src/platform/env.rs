//! Which environment this isolate runs in, and the test-only switches that depend on it.

use frontdesk_core::secrets::{self, Environment, Misconfigured};
use worker::Env;

/// `ENVIRONMENT`: `development` (make dev), `test` (the test harness), anything else production.
pub fn environment(env: &Env) -> Environment {
    Environment::parse(env.var("ENVIRONMENT").ok().map(|v| v.to_string()).as_deref())
}

/// A named secret's value: `wrangler secret put` in production, `[vars]` locally.
pub fn lookup(env: &Env, name: &str) -> Option<String> {
    env.secret(name).or_else(|_| env.var(name)).ok().map(|s| s.to_string())
}

/// The value behind an integration's secret reference (`env:CALCOM_API_KEY_…`), refused like
/// any credential when unset or, outside development, a public dev value.
pub fn integration_secret(env: &Env, reference: &str) -> Result<String, Misconfigured> {
    secrets::resolve(reference, environment(env), |name| lookup(env, name))
}

/// An integration's API origin: the env var `var` when set (tests point it at a fake), else
/// the provider's.
pub fn api_base(env: &Env, var: &str, default: &str) -> String {
    env.var(var).map(|v| v.to_string()).unwrap_or_else(|_| default.to_owned())
}

/// Whether a test asked for fault `name` in this message (`#fault:<name>` in its text). Only in
/// the `test` environment, which the test harness sets and no deployed configuration has: the
/// fault-injection suite uses it to fail a queue send or a D1 batch on purpose.
pub fn fault_armed(env: &Env, text: &str, name: &str) -> bool {
    environment(env) == Environment::Test && text.contains(&format!("#fault:{name}"))
}
