//! Routes that exist only in the `test` environment (set by the test harness, never by a
//! deployed configuration): they answer 404 anywhere else, exactly like an unknown path.
//!
//! `POST /__test/sweep {"now": <ms>}` runs one sweeper pass as if the clock read `now`, so the
//! fault-injection suite shows a stuck claim answered, a lost enqueue sent and an unacknowledged
//! emergency re-paged without waiting minutes for the cron trigger.

use super::json_body;
use crate::error::{json_response, AppResult};
use crate::platform::sweeper::sweep;
use frontdesk_core::api::ApiError;
use frontdesk_core::secrets::Environment;
use frontdesk_durable::platform::env::environment;
use serde::Deserialize;
use worker::{Env, Request, Response};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepAt {
    now: u64,
}

pub async fn sweep_now(mut req: Request, env: &Env) -> AppResult<Response> {
    if environment(env) != Environment::Test {
        return Err(ApiError::not_found("route").into());
    }
    let at: SweepAt = json_body(&mut req, 1024, r#"{"now": <unix ms>}"#).await?;
    let report = sweep(env, at.now).await?;
    Ok(json_response(200, &serde_json::to_value(report)?))
}
