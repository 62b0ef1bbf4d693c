//! Core's `Clock` and `Random` over the JS runtime, and local time through `Intl`.

use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tenant::LocalTime;
use std::sync::atomic::{AtomicI64, Ordering};
use wasm_bindgen::prelude::*;
use worker::js_sys;

/// The business clock: the wall clock, moved by `CLOCK_OFFSET_MS` where a test configuration
/// sets it (see [`configure_isolate`]), so the suite can run a month or a year ahead, or at 03:00.
pub struct WorkerClock;

impl Clock for WorkerClock {
    fn now_ms(&self) -> u64 {
        wall_clock_ms().saturating_add_signed(CLOCK_OFFSET_MS.load(Ordering::Relaxed))
    }
}

/// The unmoved wall clock, for what is checked against someone else's clock: signature replay
/// windows compare with the timestamp the sender signed, which a test offset does not move.
pub fn wall_clock_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// One isolate runs one Worker or Durable Object configuration, so the offset is per isolate.
static CLOCK_OFFSET_MS: AtomicI64 = AtomicI64::new(0);

/// Environments in which `CLOCK_OFFSET_MS` is honoured. Production ignores it, so a stray
/// variable can never move a live tenant's business hours or stale-claim times.
const MOVABLE_CLOCK_ENVIRONMENTS: &[&str] = &["development", "test"];

/// Reads `CLOCK_OFFSET_MS` (signed milliseconds) from the environment, once per entry point,
/// and the development-only statement trace (`d1::configure_trace`).
pub fn configure_isolate(env: &worker::Env) {
    let environment = env.var("ENVIRONMENT").map(|v| v.to_string()).unwrap_or_default();
    super::d1::configure_trace(env, MOVABLE_CLOCK_ENVIRONMENTS.contains(&environment.as_str()));
    let offset = match env.var("CLOCK_OFFSET_MS") {
        Ok(v) if MOVABLE_CLOCK_ENVIRONMENTS.contains(&environment.as_str()) => {
            v.to_string().trim().parse().unwrap_or(0)
        }
        _ => 0,
    };
    CLOCK_OFFSET_MS.store(offset, Ordering::Relaxed);
}

/// Randomness for ids, claim tokens and chat visitor ids from `crypto.getRandomValues` (through
/// `getrandom`): a visitor id is half of a chat credential and a claim token guards a turn, so
/// they must not be predictable from earlier ones, which `Math.random` (a fast PRNG) does not
/// promise.
pub struct WorkerRandom;

impl Random for WorkerRandom {
    fn next_u64(&self) -> u64 {
        let mut bytes = [0u8; 8];
        // Web Crypto is always present in workerd. Without it no id, token or claim could be
        // trusted, so the request fails (an opaque 500) rather than fall back to a predictable
        // generator.
        if let Err(e) = getrandom::getrandom(&mut bytes) {
            panic!("crypto.getRandomValues failed: {e}");
        }
        u64::from_le_bytes(bytes)
    }
}

/// `N` bytes from the platform CSPRNG, for secrets (keys, tokens, salts).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&WorkerRandom.next_u64().to_le_bytes()[..chunk.len()]);
    }
    bytes
}

/// The wall-clock time at `now_ms` in `timezone` (IANA name), or in UTC if the name is unknown.
pub fn local_time(now_ms: u64, timezone: &str) -> LocalTime {
    render_local(now_ms, timezone)
        .or_else(|| render_local(now_ms, "UTC"))
        .unwrap_or(LocalTime { date: CivilDate { year: 1970, month: 1, day: 1 }, minute_of_day: 0 })
}

/// Whether the runtime's tz database knows `timezone` (an IANA name like `Europe/London`).
pub fn timezone_is_known(timezone: &str) -> bool {
    !timezone.trim().is_empty() && render_local(0, timezone).is_some()
}

fn render_local(now_ms: u64, tz: &str) -> Option<LocalTime> {
    let date = js_sys::Date::new(&JsValue::from_f64(now_ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &tz.into());
    let _ = js_sys::Reflect::set(&options, &"hourCycle".into(), &"h23".into());
    // Called through `Function::call2`, which catches: js-sys binds `toLocaleString` without
    // `catch`, and an unknown timezone throws a RangeError that must become `None`, not a trap.
    let to_locale_string: js_sys::Function =
        js_sys::Reflect::get(&date, &"toLocaleString".into()).ok()?.dyn_into().ok()?;
    let rendered = to_locale_string.call2(&date, &"en-US".into(), &options).ok()?;
    LocalTime::from_en_us(&rendered.as_string()?)
}

/// A tenant's timezone as core's booking [`Zone`](frontdesk_core::booking::Zone): the UTC
/// offset at local noon of each date, asked of `Intl` once per date.
pub struct TenantZone {
    timezone: String,
    offsets: std::cell::RefCell<std::collections::BTreeMap<CivilDate, i32>>,
}

impl TenantZone {
    pub fn new(timezone: &str) -> Self {
        Self { timezone: timezone.to_owned(), offsets: Default::default() }
    }

    /// The IANA name (`Europe/London`).
    pub fn name(&self) -> &str {
        &self.timezone
    }
}

impl frontdesk_core::booking::Zone for TenantZone {
    fn offset_minutes(&self, date: CivilDate) -> i32 {
        *self.offsets.borrow_mut().entry(date).or_insert_with(|| {
            let noon_utc_minutes = date.to_days() * 1440 + 720;
            let seen = local_time((noon_utc_minutes * 60_000).max(0) as u64, &self.timezone);
            (seen.date.to_days() * 1440 + i64::from(seen.minute_of_day) - noon_utc_minutes) as i32
        })
    }
}
