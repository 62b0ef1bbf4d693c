//! D1 access shared by every caller. Values are always bound, never formatted into SQL, and
//! every statement filters on `tenant_id` (docs/STORAGE.md).

use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env, Result};

/// wrangler.toml D1 binding name.
pub const DB: &str = "DB";

pub fn database(env: &Env) -> Result<D1Database> {
    env.d1(DB)
}

/// A value bound to a statement parameter.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(u64),
    /// A signed value (a UTC offset in minutes).
    Signed(i64),
    /// A price.
    Real(f64),
}

impl From<&Arg<'_>> for JsValue {
    fn from(arg: &Arg<'_>) -> Self {
        match arg {
            Arg::Text(s) => JsValue::from_str(s),
            Arg::OptText(Some(s)) => JsValue::from_str(s),
            Arg::OptText(None) => JsValue::NULL,
            // Millisecond timestamps and counts are far below 2^53: exact as f64.
            Arg::Int(n) => JsValue::from_f64(*n as f64),
            Arg::Signed(n) => JsValue::from_f64(*n as f64),
            Arg::Real(x) => JsValue::from_f64(*x),
        }
    }
}

/// `first` followed by `rest`: statements that share leading parameters.
pub fn args<'a>(first: &[Arg<'a>], rest: &[Arg<'a>]) -> Vec<Arg<'a>> {
    first.iter().chain(rest).copied().collect()
}

pub fn statement(db: &D1Database, sql: &str, args: &[Arg<'_>]) -> Result<D1PreparedStatement> {
    trace(|| format!("[d1] {}", sql.split_whitespace().take(8).collect::<Vec<_>>().join(" ")));
    let values: Vec<JsValue> = args.iter().map(JsValue::from).collect();
    db.prepare(sql).bind(&values)
}

/// `TRACE_D1=1` in a development or test environment logs every statement prepared (its first
/// words), so `bench/profile.mjs --trace` can count what a turn asks of D1. Never in production.
static TRACE: AtomicBool = AtomicBool::new(false);

/// Logs `line()` when the trace is on (see [`TRACE`]).
pub fn trace(line: impl FnOnce() -> String) {
    if TRACE.load(Ordering::Relaxed) {
        worker::console_log!("{}", line());
    }
}

pub fn configure_trace(env: &Env, allowed: bool) {
    let on = allowed && env.var("TRACE_D1").is_ok_and(|v| v.to_string() == "1");
    TRACE.store(on, Ordering::Relaxed);
}
