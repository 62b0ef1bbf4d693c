//! `LimiterDO`: one per rate-limit key (`limiter::Scope::key`: a tenant and client IP, or an API
//! key's hash). A thin shell over core's [`TokenBucket`]: each `take` is one token or the seconds
//! until one is back.
//!
//! The bucket lives in memory only, never in storage: a write per request would cost more than
//! the request being limited. If the object is evicted (idle for a while) or restarted, the bucket
//! starts full again, which only gives that key one burst back — never more than `burst` extra
//! requests, and an evicted object was idle, so its bucket had mostly refilled anyway.

use crate::platform::time::WorkerClock;
use crate::protocol::TAKE_PATH;
use frontdesk_core::limiter::{Limit, TokenBucket};
use frontdesk_core::ports::Clock;
use std::cell::RefCell;
use worker::{durable_object, DurableObject, Env, Method, Request, Response, Result, State};

#[durable_object]
pub struct LimiterDO {
    bucket: RefCell<Option<TokenBucket>>,
}

impl DurableObject for LimiterDO {
    fn new(_state: State, _env: Env) -> Self {
        Self { bucket: RefCell::new(None) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.method() != Method::Post || req.path() != TAKE_PATH {
            return Response::error("not found", 404);
        }
        let limit: Limit = req.json().await?;
        let now = WorkerClock.now_ms();
        let mut slot = self.bucket.borrow_mut();
        // The limit travels with each request, so a changed configuration applies at once.
        let bucket = slot.get_or_insert_with(|| TokenBucket::new(limit, now));
        bucket.set_limit(limit, now);
        let retry_after = bucket.take(now).err();
        Response::from_json(&retry_after)
    }
}
