//! Availability, bookings and the booking rules engine: one implementation behind the API,
//! the rules brain and the LLM's tools (docs/API.md, "Bookings").
//!
//! Everything here is pure. The platform supplies what only it can know: the tenant's UTC
//! offset on each local date (through `Intl`, see [`Zone`]), the confirmed bookings, and the
//! listing's own rules (its `rules` JSON column).
//!
//! - [`rules`]: minimum/maximum stay, month-aligned stays, lead time, maximum advance,
//!   blackouts, per-listing rules and expiring overrides; every refusal names the rule and the
//!   nearest compliant alternative.
//! - [`slots`]: free viewing/appointment slots from hours, holidays, staff calendars, slot
//!   length, buffers, notice and existing bookings; [`slots::check_slot`] for one request.
//! - [`phrase`]: slots said naturally in the six languages the brain speaks.

pub mod notice;
pub mod phrase;
pub mod request;
pub mod rules;
pub mod settings;
pub mod slots;

pub use phrase::{phrase_date, phrase_slots};
pub use rules::{check_stay, effective_rules, Stay};
pub use settings::{Availability, BookingRules, ListingRules, Override, Staff};
pub use slots::{check_slot, free_slots, Busy, Calendar};

use crate::brain::understand::CivilDate;
use serde::{Deserialize, Serialize};

/// What is booked: a viewing of a listing, an appointment, or a stay (nights at a listing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Viewing,
    Appointment,
    Stay,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "viewing" => Some(Kind::Viewing),
            "appointment" => Some(Kind::Appointment),
            "stay" => Some(Kind::Stay),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Viewing => "viewing",
            Kind::Appointment => "appointment",
            Kind::Stay => "stay",
        }
    }
}

/// The tenant's UTC offset on a local date, in minutes east of UTC (London in July: 60).
///
/// One offset per date is enough for bookings: clocks change at night, outside any hours a
/// business keeps, so the offset at local noon holds for every slot of that day.
pub trait Zone {
    fn offset_minutes(&self, date: CivilDate) -> i32;
}

/// A fixed offset, for tests and for tenants in UTC.
pub struct FixedZone(pub i32);

impl Zone for FixedZone {
    fn offset_minutes(&self, _date: CivilDate) -> i32 {
        self.0
    }
}

const MINUTE_MS: i64 = 60_000;
const DAY_MINUTES: i64 = 24 * 60;

/// The instant of `minute_of_day` on local `date`.
pub fn instant(zone: &dyn Zone, date: CivilDate, minute_of_day: u16) -> u64 {
    let local = (date.to_days() * DAY_MINUTES + i64::from(minute_of_day)) * MINUTE_MS;
    (local - i64::from(zone.offset_minutes(date)) * MINUTE_MS).max(0) as u64
}

/// The local date and minute of an instant (the offset of the local date it falls on).
pub fn local(zone: &dyn Zone, ms: u64) -> (CivilDate, u16, i32) {
    let split = |offset: i32| {
        let minutes = (ms as i64).div_euclid(MINUTE_MS) + i64::from(offset);
        (CivilDate::from_days(minutes.div_euclid(DAY_MINUTES)), minutes.rem_euclid(DAY_MINUTES) as u16)
    };
    let guess = split(0).0;
    let offset = zone.offset_minutes(guess);
    let date = split(offset).0;
    // Near midnight UTC the local date differs from the UTC one; its own offset decides.
    let offset = if date == guess { offset } else { zone.offset_minutes(date) };
    let (date, minute) = split(offset);
    (date, minute, offset)
}

/// A bookable interval. `offset_minutes` is the tenant's UTC offset at `start_ms`, so the slot
/// can be shown in the tenant's time without the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start_ms: u64,
    pub end_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<String>,
    #[serde(default)]
    pub offset_minutes: i32,
}

impl Slot {
    pub fn start_rfc3339(&self) -> String {
        rfc3339(self.start_ms, self.offset_minutes)
    }
    pub fn end_rfc3339(&self) -> String {
        rfc3339(self.end_ms, self.offset_minutes)
    }
    /// Local date and minute of day of the start.
    pub fn local_start(&self) -> (CivilDate, u16) {
        let minutes = (self.start_ms as i64).div_euclid(MINUTE_MS) + i64::from(self.offset_minutes);
        (CivilDate::from_days(minutes.div_euclid(DAY_MINUTES)), minutes.rem_euclid(DAY_MINUTES) as u16)
    }
}

/// `2026-12-01T10:00:00+00:00` (always with a numeric offset, as the API promises).
pub fn rfc3339(ms: u64, offset_minutes: i32) -> String {
    let minutes = (ms as i64).div_euclid(MINUTE_MS) + i64::from(offset_minutes);
    let date = CivilDate::from_days(minutes.div_euclid(DAY_MINUTES));
    let minute = minutes.rem_euclid(DAY_MINUTES);
    let seconds = (ms as i64).rem_euclid(MINUTE_MS) / 1000;
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.unsigned_abs();
    format!("{date}T{:02}:{:02}:{seconds:02}{sign}{:02}:{:02}", minute / 60, minute % 60, off / 60, off % 60)
}

/// Parses an RFC 3339 date-time with an offset or `Z` (`2026-12-01T10:00:00+01:00`, seconds
/// optional, fractions ignored) into epoch milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let date: CivilDate = date.parse().ok()?;
    let (time, offset) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0i64)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (t, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off[1..].split_once(':')?;
        let (h, m) = (two_digits(h)?, two_digits(m)?);
        if h > 23 || m > 59 {
            return None;
        }
        (t, sign * (h * 60 + m))
    };
    let time = time.split('.').next()?;
    let mut parts = time.split(':');
    let (h, m) = (two_digits(parts.next()?)?, two_digits(parts.next()?)?);
    let sec = parts.next().map_or(Some(0), two_digits)?;
    if h > 23 || m > 59 || sec > 59 || parts.next().is_some() {
        return None;
    }
    let minutes = date.to_days() * DAY_MINUTES + h * 60 + m - offset;
    u64::try_from(minutes * MINUTE_MS + sec * 1000).ok()
}

fn two_digits(s: &str) -> Option<i64> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// A booking to make: a slot (viewings, appointments) or a stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub kind: Kind,
    pub contact_id: String,
    pub listing_id: Option<String>,
    pub when: When,
    /// Who asked: `api`, `conversation`, `llm`.
    pub source: String,
}

/// When a booking is: an interval for viewings and appointments, nights for a stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// `end_ms` `None` = one slot length.
    Slot {
        start_ms: u64,
        end_ms: Option<u64>,
    },
    Stay(Stay),
}

/// What happened to a booking, for what follows it (the contact's notice, the integrations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Rescheduled,
    Cancelled,
}

/// A stored booking, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub id: String,
    pub kind: Kind,
    pub status: String,
    pub contact_id: String,
    pub listing_id: Option<String>,
    pub staff_id: Option<String>,
    /// RFC 3339 in the tenant's offset; for stays, the check-in and check-out dates.
    pub start: String,
    pub end: String,
    pub source: String,
    pub created_at: u64,
    pub updated_at: u64,
    /// Its copy in the tenant's Cal.com and the HubSpot deal it opened, once the integration
    /// jobs have run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calcom_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hubspot_deal_id: Option<String>,
}

impl Booking {
    /// A confirmed booking of contact `con_1` made in conversation, for tests of what is said
    /// about it.
    #[cfg(test)]
    pub(crate) fn sample(id: &str, kind: Kind, listing_id: &str, start: String, end: String) -> Self {
        Booking {
            id: id.into(),
            kind,
            status: "confirmed".into(),
            contact_id: "con_1".into(),
            listing_id: Some(listing_id.into()),
            staff_id: None,
            start,
            end,
            source: "conversation".into(),
            created_at: 0,
            updated_at: 0,
            calcom_uid: None,
            hubspot_deal_id: None,
        }
    }
}

/// A rule the request breaks, said as the receptionist would, with the nearest option that
/// complies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `min_nights`, `max_nights`, `align_to_month`, `lead_time`, `max_advance`, `blackout`,
    /// `min_notice`, `max_days_ahead`.
    pub rule: &'static str,
    /// "The minimum stay is 32 nights; 1 March to 2 April would work."
    pub message: String,
    pub alternative: Option<Alternative>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alternative {
    Slot(Slot),
    Stay(Stay),
}

impl Alternative {
    /// `(start, end)` as the API shows them: RFC 3339 for slots, dates for stays.
    pub fn bounds(&self) -> (String, String) {
        match self {
            Alternative::Slot(slot) => (slot.start_rfc3339(), slot.end_rfc3339()),
            Alternative::Stay(stay) => (stay.check_in.to_string(), stay.check_out.to_string()),
        }
    }
}

/// Why a booking was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingRefusal {
    /// Someone else holds that time (or those nights); `alternative` is the nearest free one.
    SlotTaken {
        alternative: Option<Alternative>,
    },
    RuleViolation(Violation),
    /// Not a bookable time: closed, a holiday, off the slot grid, or nobody does that kind.
    OutsideHours {
        alternative: Option<Alternative>,
    },
    /// The booking to change does not exist (or is another tenant's).
    NotFound,
    /// A cancelled booking cannot be moved or cancelled again.
    Cancelled,
}

impl BookingRefusal {
    /// The API error code.
    pub fn code(&self) -> &'static str {
        match self {
            BookingRefusal::SlotTaken { .. } => "slot_taken",
            BookingRefusal::RuleViolation(_) => "rule_violation",
            BookingRefusal::OutsideHours { .. } => "outside_hours",
            BookingRefusal::NotFound => "not_found",
            BookingRefusal::Cancelled => "conflict",
        }
    }

    pub fn alternative(&self) -> Option<&Alternative> {
        match self {
            BookingRefusal::SlotTaken { alternative } | BookingRefusal::OutsideHours { alternative } => {
                alternative.as_ref()
            }
            BookingRefusal::RuleViolation(v) => v.alternative.as_ref(),
            _ => None,
        }
    }

    /// What to tell the person asking (English; the brains phrase their own).
    pub fn message(&self) -> String {
        match self {
            BookingRefusal::SlotTaken { .. } => "That time has just been taken.".into(),
            BookingRefusal::RuleViolation(v) => v.message.clone(),
            BookingRefusal::OutsideHours { .. } => "That is not a time we can book.".into(),
            BookingRefusal::NotFound => "booking not found".into(),
            BookingRefusal::Cancelled => "the booking is cancelled".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_with_offsets() {
        let ms = parse_rfc3339("2026-12-01T10:00:00Z").unwrap();
        assert_eq!(rfc3339(ms, 0), "2026-12-01T10:00:00+00:00");
        assert_eq!(rfc3339(ms, 60), "2026-12-01T11:00:00+01:00");
        assert_eq!(rfc3339(ms, -300), "2026-12-01T05:00:00-05:00");
        assert_eq!(parse_rfc3339("2026-12-01T11:00:00+01:00"), Some(ms));
        assert_eq!(parse_rfc3339("2026-12-01T05:00-05:00"), Some(ms));
        assert_eq!(parse_rfc3339("2026-12-01T10:00:00.250Z"), Some(ms));
        for bad in ["2026-12-01", "2026-12-01T10:00:00", "2026-13-01T10:00Z", "2026-12-01T25:00Z", "x", ""] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn local_time_uses_the_offset_of_the_local_date() {
        // London: BST (+60) until 25 Oct 2026, GMT after.
        struct London;
        impl Zone for London {
            fn offset_minutes(&self, d: CivilDate) -> i32 {
                if d < CivilDate::new(2026, 10, 25).unwrap() {
                    60
                } else {
                    0
                }
            }
        }
        let before = CivilDate::new(2026, 10, 24).unwrap();
        let after = CivilDate::new(2026, 10, 26).unwrap();
        assert_eq!(rfc3339(instant(&London, before, 600), 60), "2026-10-24T10:00:00+01:00");
        assert_eq!(rfc3339(instant(&London, after, 600), 0), "2026-10-26T10:00:00+00:00");
        assert_eq!(local(&London, instant(&London, before, 30)), (before, 30, 60));
        assert_eq!(local(&London, instant(&London, after, 1439)), (after, 1439, 0));
    }
}
