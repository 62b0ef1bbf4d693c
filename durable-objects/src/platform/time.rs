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

/// `Math.random` is enough for ids and claim tokens (uniqueness, not secrecy).
pub struct WorkerRandom;

impl Random for WorkerRandom {
    fn next_u64(&self) -> u64 {
        let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        (high << 32) | low
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
