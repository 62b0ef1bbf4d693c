//! D1 access shared by every caller. Values are always bound, never formatted into SQL, and
//! every statement filters on `tenant_id` (docs/STORAGE.md).

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
    let values: Vec<JsValue> = args.iter().map(JsValue::from).collect();
    db.prepare(sql).bind(&values)
}
