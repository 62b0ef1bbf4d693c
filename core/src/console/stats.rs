//! The console's counters: what "today" is for a tenant.

use crate::tenant::LocalTime;

/// The instant (ms) the tenant's local day began, given now and the local time now (an
/// offset is whole minutes, so the seconds past the minute are the same everywhere).
pub fn day_start_ms(now_ms: u64, local: &LocalTime) -> u64 {
    let minute_start = now_ms - now_ms % 60_000;
    minute_start.saturating_sub(u64::from(local.minute_of_day) * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::CivilDate;

    #[test]
    fn the_day_begins_at_local_midnight() {
        // 2026-12-01 10:15:30 UTC, in a zone where it is 12:15 (UTC+2): the day began at 22:00 UTC.
        let now = 1_764_584_130_000;
        let local = LocalTime { date: "2026-12-01".parse::<CivilDate>().unwrap(), minute_of_day: 12 * 60 + 15 };
        assert_eq!(day_start_ms(now, &local), 1_764_584_100_000 - (12 * 60 + 15) * 60_000);
        assert_eq!((now - day_start_ms(now, &local)) / 60_000, 12 * 60 + 15);
    }
}
