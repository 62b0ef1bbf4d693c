//! The stateless Worker: event entry points only. Routing is in [`router`], each route in
//! [`routes`], and everything that touches a binding in [`platform`].

mod error;
mod platform;
mod router;
mod routes;

use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::time::{configure_isolate, WorkerClock};
use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

// The Durable Object classes must be exported from this cdylib (workers-rs #204).
pub use frontdesk_durable::{CallDO, ConversationDO, LimiterDO, TenantHubDO};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    configure_isolate(&env);
    router::handle(req, env, ctx).await
}

/// The sweeper (platform::sweeper), every minute (wrangler.toml `[triggers]`).
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    configure_isolate(&env);
    match platform::sweeper::sweep(&env, WorkerClock.now_ms()).await {
        Ok(report) => worker::console_log!("sweep: {}", serde_json::to_string(&report).unwrap_or_default()),
        Err(e) => worker::console_error!("sweep failed: {e}"),
    }
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    configure_isolate(&env);
    platform::jobs::consume(batch, &env).await
}
