//! Availability for viewings and appointments: the free slots of a tenant's calendars, and the
//! check of one requested slot with the nearest free alternative.
//!
//! A slot is free for a calendar (a staff member, or the business itself when it lists no
//! staff) when it lies inside both the business's hours and that person's, on a day that is
//! not a holiday or a blackout, starts on the slot grid (from opening time, every
//! `slot_minutes`), at least `min_notice_minutes` from now and at most `max_days_ahead` days
//! out, and no confirmed booking of that calendar — or of the same listing — comes within
//! `buffer_minutes` of it.

use super::rules::blacked_out;
use super::settings::{Availability, BookingRules, Staff};
use super::{instant, local, phrase_slots, Alternative, BookingRefusal, Kind, Slot, Violation, Zone};
use crate::brain::understand::CivilDate;
use crate::tenant::{minutes, Settings, WEEKDAYS};

/// A confirmed booking that occupies its calendar (and its listing) for an interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub start_ms: u64,
    pub end_ms: u64,
    pub staff_id: Option<String>,
    pub listing_id: Option<String>,
}

/// Everything availability depends on, for one tenant, kind and (optional) listing.
pub struct Calendar<'a> {
    pub settings: &'a Settings,
    /// The rules in force (`rules::effective_rules`): blackouts and maximum advance apply to slots.
    pub rules: &'a BookingRules,
    pub zone: &'a dyn Zone,
    /// Confirmed bookings overlapping the days asked about.
    pub busy: &'a [Busy],
    pub kind: Kind,
    pub listing_id: Option<&'a str>,
    pub today: CivilDate,
    pub now_ms: u64,
}

/// Days either side of a requested slot searched for the nearest free one; the platform loads
/// the bookings of [`check_window`].
pub const ALTERNATIVE_DAYS: i64 = 7;

/// The local days (first, count) whose bookings [`check_slot`] needs for a slot on `date`.
pub fn check_window(date: CivilDate, today: CivilDate) -> (CivilDate, u16) {
    let from = date.add_days(-ALTERNATIVE_DAYS).max(today);
    let days = (date.add_days(ALTERNATIVE_DAYS).to_days() - from.to_days() + 1).max(1);
    (from, days as u16)
}

const MINUTE_MS: u64 = 60_000;

impl Calendar<'_> {
    fn availability(&self) -> &Availability {
        &self.settings.availability
    }

    /// The calendars that take this kind of booking: named staff, or the business itself.
    fn calendars(&self) -> Vec<Option<&Staff>> {
        let staff = &self.availability().staff;
        if staff.is_empty() {
            vec![None]
        } else {
            staff.iter().filter(|s| s.does(self.kind)).map(Some).collect()
        }
    }

    /// Whether anything is bookable on `date`: not past, within both horizons, no holiday or blackout.
    fn day_rule(&self, date: CivilDate) -> Option<Violation> {
        let ahead = date.to_days() - self.today.to_days();
        let max_days = i64::from(self.availability().max_days_ahead);
        if ahead > max_days {
            return Some(violation("max_days_ahead", format!("We take bookings up to {max_days} days ahead.")));
        }
        if let Some(max) = self.rules.max_advance_days.filter(|max| ahead > i64::from(*max)) {
            return Some(violation("max_advance", format!("We take bookings up to {max} days ahead.")));
        }
        if blacked_out(self.rules, date) {
            return Some(violation("blackout", "That day cannot be booked.".into()));
        }
        None
    }

    /// A calendar's open span on `date` (minutes of the day), inside the business's hours.
    fn span(&self, staff: Option<&Staff>, date: CivilDate) -> Option<(u16, u16)> {
        if self.settings.holidays.contains(&date.to_string()) {
            return None;
        }
        let key = WEEKDAYS[usize::from(date.weekday() % 7)];
        let read = |hours: &std::collections::BTreeMap<String, [String; 2]>| {
            hours.get(key).and_then(|s| Some((minutes(&s[0])?, minutes(&s[1])?)))
        };
        let (open, close) = read(&self.settings.hours)?;
        match staff.and_then(|s| s.hours.as_ref()) {
            None => Some((open, close)),
            Some(own) => {
                let (a, b) = read(own)?;
                (a.max(open) < b.min(close)).then_some((a.max(open), b.min(close)))
            }
        }
    }

    fn is_free(&self, staff: Option<&Staff>, start_ms: u64, end_ms: u64) -> bool {
        let buffer = u64::from(self.availability().buffer_minutes) * MINUTE_MS;
        let staff_id = staff.map(|s| s.id.as_str());
        !self.busy.iter().any(|b| {
            let same_calendar = b.staff_id.as_deref() == staff_id;
            let same_listing = self.listing_id.is_some() && b.listing_id.as_deref() == self.listing_id;
            (same_calendar || same_listing) && b.start_ms < end_ms + buffer && start_ms < b.end_ms + buffer
        })
    }

    fn slot_ms(&self) -> u64 {
        u64::from(self.availability().slot_minutes) * MINUTE_MS
    }

    fn earliest_ms(&self) -> u64 {
        self.now_ms + u64::from(self.availability().min_notice_minutes) * MINUTE_MS
    }
}

fn violation(rule: &'static str, message: String) -> Violation {
    Violation { rule, message, alternative: None }
}

/// The free slots on `days` local days from `from`, in time order, one per start time (taken
/// by the first calendar free then, in the order staff are listed).
pub fn free_slots(cal: &Calendar<'_>, from: CivilDate, days: u16) -> Vec<Slot> {
    let step = cal.availability().slot_minutes.max(1);
    let (slot_ms, earliest) = (cal.slot_ms(), cal.earliest_ms());
    let mut out = Vec::new();
    for date in (0..i64::from(days)).map(|n| from.add_days(n)) {
        if date < cal.today || cal.day_rule(date).is_some() {
            continue;
        }
        let offset = cal.zone.offset_minutes(date);
        let mut day: Vec<Slot> = Vec::new();
        for staff in cal.calendars() {
            let Some((open, close)) = cal.span(staff, date) else { continue };
            for minute in (open..close.saturating_sub(step - 1)).step_by(usize::from(step)) {
                let start_ms = instant(cal.zone, date, minute);
                if start_ms < earliest || day.iter().any(|s| s.start_ms == start_ms) {
                    continue;
                }
                if cal.is_free(staff, start_ms, start_ms + slot_ms) {
                    let staff_id = staff.map(|s| s.id.clone());
                    day.push(Slot { start_ms, end_ms: start_ms + slot_ms, staff_id, offset_minutes: offset });
                }
            }
        }
        day.sort_by_key(|s| s.start_ms);
        out.extend(day);
    }
    out
}

/// Judges one requested slot (`end_ms` `None` = one slot length). `Ok` names the calendar it
/// goes in; a refusal names the rule (or that the time is closed or taken) and the nearest free
/// slot within [`ALTERNATIVE_DAYS`] (the bookings of [`check_window`] must be in `cal.busy`).
pub fn check_slot(cal: &Calendar<'_>, start_ms: u64, end_ms: Option<u64>) -> Result<Slot, BookingRefusal> {
    let end_ms = end_ms.unwrap_or(start_ms + cal.slot_ms());
    let (date, minute, offset) = local(cal.zone, start_ms);
    let nearest = || {
        let (from, days) = check_window(date, cal.today);
        free_slots(cal, from, days).into_iter().min_by_key(|s| s.start_ms.abs_diff(start_ms))
    };
    let rule = if start_ms < cal.earliest_ms() {
        let notice = cal.availability().min_notice_minutes;
        let said = match notice {
            60 => "an hour's".to_owned(),
            n if n % 60 == 0 => format!("{} hours'", n / 60),
            n => format!("{n} minutes'"),
        };
        Some(violation("min_notice", format!("Bookings need at least {said} notice.")))
    } else {
        cal.day_rule(date)
    };
    if let Some(mut v) = rule {
        v.alternative = nearest().map(|alt| {
            v.message = format!(
                "{}; {} would work.",
                v.message.trim_end_matches('.'),
                phrase_slots(std::slice::from_ref(&alt), cal.today, "en")
            );
            Alternative::Slot(alt)
        });
        return Err(BookingRefusal::RuleViolation(v));
    }
    let step = cal.availability().slot_minutes.max(1);
    let length = ((end_ms.saturating_sub(start_ms)) / MINUTE_MS) as u16;
    let mut open_calendars = cal.calendars().into_iter().filter(|staff| {
        cal.span(*staff, date).is_some_and(|(open, close)| {
            minute >= open && (minute - open) % step == 0 && u32::from(minute) + u32::from(length) <= u32::from(close)
        })
    });
    let mut any_open = false;
    let free = open_calendars.find(|staff| {
        any_open = true;
        cal.is_free(*staff, start_ms, end_ms)
    });
    match free {
        Some(staff) => Ok(Slot { start_ms, end_ms, staff_id: staff.map(|s| s.id.clone()), offset_minutes: offset }),
        None if any_open => Err(BookingRefusal::SlotTaken { alternative: nearest().map(Alternative::Slot) }),
        None => Err(BookingRefusal::OutsideHours { alternative: nearest().map(Alternative::Slot) }),
    }
}

#[cfg(test)]
mod tests;
