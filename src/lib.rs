//! The stateless Worker: event entry points only. Routing is in [`router`], each route in
//! [`routes`], and everything that touches a binding in [`platform`].

mod error;
mod platform;
mod router;
mod routes;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result};

// The Durable Object classes must be exported from this cdylib (workers-rs #204).
pub use frontdesk_durable::{ConversationDO, LimiterDO, TenantHubDO};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    router::handle(req, env, ctx).await
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    platform::jobs::consume(batch, &env).await
}
