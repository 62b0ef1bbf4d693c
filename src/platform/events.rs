//! Publishing live events: straight to the tenant hub, and through the jobs queue when the
//! hub cannot be reached, so a dashboard still learns of the message once it is back.

use frontdesk_core::events::NewEvent;
use frontdesk_core::jobs::Job;
use frontdesk_durable::hub_publish;
use frontdesk_durable::platform::enqueue;
use worker::{Context, Env};

pub async fn publish_all(env: &Env, events: Vec<NewEvent>) {
    if events.is_empty() {
        return;
    }
    let Err(e) = hub_publish(env, &events).await else {
        return;
    };
    worker::console_warn!("hub publish failed, queueing retries: {e}");
    for event in events {
        if let Err(e) = enqueue(env, &Job::PublishEvent { event }).await {
            worker::console_error!("could not queue the event retry either: {e}");
        }
    }
}

/// [`publish_all`] once the response has gone: a dashboard's event never delays the provider's answer.
pub fn publish_after_response(env: &Env, ctx: &Context, events: Vec<NewEvent>) {
    if events.is_empty() {
        return;
    }
    let env = env.clone();
    ctx.wait_until(async move { publish_all(&env, events).await });
}
