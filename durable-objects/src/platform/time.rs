//! Core's `Clock` and `Random` over the JS runtime, and local time through `Intl`.

use frontdesk_core::brain::understand::CivilDate;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::tenant::LocalTime;
use wasm_bindgen::prelude::*;
use worker::js_sys;

pub struct WorkerClock;

impl Clock for WorkerClock {
    fn now_ms(&self) -> u64 {
        worker::Date::now().as_millis()
    }
}

/// Randomness for ids, claim tokens and chat visitor ids from `crypto.getRandomValues` (through
/// `getrandom`): a visitor id is half of a chat credential and a claim token guards a turn, so
/// they must not be predictable from earlier ones, which `Math.random` (a fast PRNG) does not
/// promise.
pub struct WorkerRandom;

impl Random for WorkerRandom {
    fn next_u64(&self) -> u64 {
        let mut bytes = [0u8; 8];
        match getrandom::getrandom(&mut bytes) {
            Ok(()) => u64::from_le_bytes(bytes),
            // Not expected in workerd (Web Crypto is always there); an id must still be made, so
            // this falls back to `Math.random` and says so rather than failing the request.
            Err(e) => {
                worker::console_error!("crypto.getRandomValues failed ({e}); falling back to Math.random");
                let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
                let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
                (high << 32) | low
            }
        }
    }
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
