//! Putting a job on the `frontdesk-jobs` queue.
//!
//! Jobs go as plain JSON. workers-rs' `Queue::send` converts with `serde_wasm_bindgen`, which
//! turns maps into JS `Map`s — and a `Map` becomes `{}` when the queue serialises the body,
//! silently dropping every map-shaped field (a lead's extracted slots, an event's data).
//! Parsing our own JSON into a JS object keeps the body exactly what serde wrote.

use frontdesk_core::jobs::Job;
use worker::{js_sys, Env, QueueContentType, RawMessageBuilder, Result};

/// wrangler.toml queue producer binding for `frontdesk-jobs`.
pub const JOBS_QUEUE: &str = "JOBS";

fn message(job: &Job) -> Result<worker::SendMessage<worker::wasm_bindgen::JsValue>> {
    let json = serde_json::to_string(job)?;
    let body = js_sys::JSON::parse(&json).map_err(|e| worker::Error::RustError(format!("job JSON: {e:?}")))?;
    Ok(RawMessageBuilder::new(body).build_with_content_type(QueueContentType::Json))
}

pub async fn enqueue(env: &Env, job: &Job) -> Result<()> {
    super::d1::trace(|| "[queue] send 1".to_owned());
    env.queue(JOBS_QUEUE)?.send_raw(message(job)?).await
}

/// All of a turn's jobs in one queue call.
pub async fn enqueue_all(env: &Env, jobs: &[Job]) -> Result<()> {
    match jobs {
        [] => Ok(()),
        [one] => enqueue(env, one).await,
        many => {
            let messages = many.iter().map(message).collect::<Result<Vec<_>>>()?;
            super::d1::trace(|| format!("[queue] send {}", messages.len()));
            env.queue(JOBS_QUEUE)?.send_raw_batch(messages).await
        }
    }
}
