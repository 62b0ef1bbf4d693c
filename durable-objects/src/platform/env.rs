//! Which environment this isolate runs in, and the test-only switches that depend on it.

use frontdesk_core::secrets::Environment;
use worker::Env;

/// `ENVIRONMENT`: `development` (make dev), `test` (the test harness), anything else production.
pub fn environment(env: &Env) -> Environment {
    Environment::parse(env.var("ENVIRONMENT").ok().map(|v| v.to_string()).as_deref())
}

/// Whether a test asked for fault `name` in this message (`#fault:<name>` in its text). Only in
/// the `test` environment, which the test harness sets and no deployed configuration has: the
/// fault-injection suite uses it to fail a queue send or a D1 batch on purpose.
pub fn fault_armed(env: &Env, text: &str, name: &str) -> bool {
    environment(env) == Environment::Test && text.contains(&format!("#fault:{name}"))
}
