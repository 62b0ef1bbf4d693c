//! `GET /health`: liveness and build info; also the benchmarks' baseline route.

use crate::error::{json_response, AppResult};
use serde_json::json;
use worker::Response;

pub fn get() -> AppResult<Response> {
    Ok(json_response(200, &json!({ "status": "ok", "service": "frontdesk", "version": env!("CARGO_PKG_VERSION") })))
}
