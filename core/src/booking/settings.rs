//! The booking parts of a tenant's settings (`settings.booking_rules`, `settings.availability`)
//! and of a listing (`listings.rules`), with their validation.

use super::Kind;
use crate::brain::understand::CivilDate;
use crate::tenant::minutes;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Rules a stay (and, for blackouts and maximum advance, a slot) must follow. Every field is
/// optional: a listing's rules override the tenant's field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRules {
    /// Fewest nights a stay may have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_nights: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nights: Option<u32>,
    /// Stays start on the 1st of a month (monthly lets); with `min_nights` the stay then runs
    /// at least that long, so 32 nights from 1 March ends on 2 April.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align_to_month: Option<bool>,
    /// Check-in at least this many days after today (0: today is fine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_days: Option<u32>,
    /// Nothing (stay or slot) starts more than this many days after today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_advance_days: Option<u32>,
    /// Local dates nothing may be booked on: `YYYY-MM-DD` or an inclusive `YYYY-MM-DD..YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blackouts: Vec<String>,
    /// Temporary exceptions, each until its expiry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
}

/// A listing's own rules: the same shape (`{"min_nights": 32, "align_to_month": true}`).
pub type ListingRules = BookingRules;

/// The rules an override can change.
pub const RULES: [&str; 6] =
    ["min_nights", "max_nights", "align_to_month", "lead_days", "max_advance_days", "blackouts"];

/// `{"rule": "min_nights", "listing_id"?: "…", "until": "2027-03-31" | 1795000000000, "value"?: 7}`:
/// until it expires, `rule` takes `value` (or is lifted when there is none) — for one listing,
/// or for all when `listing_id` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<String>,
    pub until: Until,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// An override's expiry: through a local date (inclusive), or until an instant (exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Until {
    Ms(u64),
    Date(String),
}

impl Override {
    pub fn active(&self, today: CivilDate, now_ms: u64) -> bool {
        match &self.until {
            Until::Ms(until) => now_ms < *until,
            Until::Date(d) => d.parse::<CivilDate>().is_ok_and(|until| today <= until),
        }
    }
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` into an inclusive range.
pub fn blackout_range(s: &str) -> Option<(CivilDate, CivilDate)> {
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (a.parse().ok()?, b.parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => s.parse().ok().map(|d| (d, d)),
    }
}

impl BookingRules {
    pub fn validate(&self, problems: &mut Vec<String>, at: &str) {
        if let (Some(min), Some(max)) = (self.min_nights, self.max_nights) {
            if min > max {
                problems.push(format!("{at}.min_nights: at most max_nights ({max})"));
            }
        }
        for b in &self.blackouts {
            if blackout_range(b).is_none() {
                problems.push(format!("{at}.blackouts: `{b}` is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"));
            }
        }
        for (i, o) in self.overrides.iter().enumerate() {
            let at = format!("{at}.overrides[{i}]");
            if !RULES.contains(&o.rule.as_str()) {
                problems.push(format!("{at}.rule: `{}` is not one of {}", o.rule, RULES.join(", ")));
            } else if let Some(value) = &o.value {
                let mut probe = serde_json::Map::new();
                probe.insert(o.rule.clone(), value.clone());
                if serde_json::from_value::<BookingRules>(probe.into()).is_err() {
                    problems.push(format!("{at}.value: not a valid {}", o.rule));
                }
            }
            if let Until::Date(d) = &o.until {
                if d.parse::<CivilDate>().is_err() {
                    problems.push(format!("{at}.until: `{d}` is not YYYY-MM-DD or epoch milliseconds"));
                }
            }
        }
    }
}

/// `settings.availability`: how viewings and appointments are offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Availability {
    /// Length of one slot and the grid slots start on.
    pub slot_minutes: u16,
    /// Free time kept before and after every booking.
    pub buffer_minutes: u16,
    /// How far ahead of now the earliest slot is.
    pub min_notice_minutes: u32,
    /// The last day slots are offered, counted from today.
    pub max_days_ahead: u16,
    /// Who takes bookings; none = the business itself, in its own hours.
    pub staff: Vec<Staff>,
}

pub const DEFAULT_SLOT_MINUTES: u16 = 30;

impl Default for Availability {
    fn default() -> Self {
        // Two hours' notice gives the team time to see a new booking; 60 days is as far ahead
        // as a letting agent's diary is usually open.
        Self {
            slot_minutes: DEFAULT_SLOT_MINUTES,
            buffer_minutes: 0,
            min_notice_minutes: 120,
            max_days_ahead: 60,
            staff: Vec::new(),
        }
    }
}

/// One person's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    /// Stable id stored on bookings (`neg_ana`); letters, digits, `_` and `-`.
    pub id: String,
    pub name: String,
    /// What they do; empty = viewings and appointments.
    #[serde(default)]
    pub kinds: Vec<Kind>,
    /// Their working hours, like `settings.hours`; only the part inside the business's hours
    /// is offered. Absent = the business's hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<BTreeMap<String, [String; 2]>>,
}

impl Staff {
    pub fn does(&self, kind: Kind) -> bool {
        kind != Kind::Stay && (self.kinds.is_empty() || self.kinds.contains(&kind))
    }
}

impl Availability {
    pub fn validate(&self, problems: &mut Vec<String>) {
        if !(5..=480).contains(&self.slot_minutes) {
            problems.push("availability.slot_minutes: 5 to 480".into());
        }
        if self.buffer_minutes > 240 {
            problems.push("availability.buffer_minutes: 0 to 240".into());
        }
        if self.min_notice_minutes > 60 * 24 * 60 {
            problems.push("availability.min_notice_minutes: 0 to 86400 (60 days)".into());
        }
        if !(1..=366).contains(&self.max_days_ahead) {
            problems.push("availability.max_days_ahead: 1 to 366".into());
        }
        let mut seen = Vec::new();
        for (i, s) in self.staff.iter().enumerate() {
            let id_ok = !s.id.is_empty()
                && s.id.len() <= 64
                && s.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !id_ok {
                problems.push(format!("availability.staff[{i}].id: 1-64 letters, digits, _ or -"));
            } else if seen.contains(&&s.id) {
                problems.push(format!("availability.staff[{i}].id: `{}` is used twice", s.id));
            }
            seen.push(&s.id);
            if s.name.trim().is_empty() {
                problems.push(format!("availability.staff[{i}].name is empty"));
            }
            if s.kinds.contains(&Kind::Stay) {
                problems.push(format!("availability.staff[{i}].kinds: viewing or appointment"));
            }
            for (day, span) in s.hours.iter().flatten() {
                if !crate::tenant::WEEKDAYS.contains(&day.as_str()) {
                    problems.push(format!("availability.staff[{i}].hours: `{day}` is not a weekday key"));
                } else if !matches!((minutes(&span[0]), minutes(&span[1])), (Some(a), Some(b)) if a < b) {
                    problems.push(format!("availability.staff[{i}].hours.{day}: HH:MM, opening before closing"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_rules_read_the_listings_shape_and_refuse_typos() {
        let r: ListingRules = serde_json::from_str(r#"{"min_nights": 32, "align_to_month": true}"#).unwrap();
        assert_eq!((r.min_nights, r.align_to_month), (Some(32), Some(true)));
        assert!(serde_json::from_str::<ListingRules>(r#"{"min_night": 32}"#).is_err());
    }

    #[test]
    fn validation_names_each_bad_field() {
        let rules: BookingRules = serde_json::from_value(serde_json::json!({
            "min_nights": 40, "max_nights": 30, "blackouts": ["2026-12-25", "2026-12-31..2026-12-30", "xmas"],
            "overrides": [{"rule": "min_night", "until": "2027-01-01"}, {"rule": "min_nights", "until": "soon", "value": "x"},
                          {"rule": "align_to_month", "until": 1, "listing_id": "lst_1"}]
        }))
        .unwrap();
        let mut problems = Vec::new();
        rules.validate(&mut problems, "booking_rules");
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(problems.iter().any(|p| p.starts_with("booking_rules.overrides[1].until")));
        let availability: Availability = serde_json::from_value(serde_json::json!({
            "slot_minutes": 0, "max_days_ahead": 0,
            "staff": [{"id": "a b", "name": ""}, {"id": "x", "name": "X", "kinds": ["stay"], "hours": {"mon": ["18:00", "09:00"]}},
                      {"id": "x", "name": "Y"}]
        }))
        .unwrap();
        let mut problems = Vec::new();
        availability.validate(&mut problems);
        assert_eq!(problems.len(), 7, "{problems:#?}");
        let mut none = Vec::new();
        Availability::default().validate(&mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn overrides_expire_at_the_end_of_their_date_or_at_their_instant() {
        let day = CivilDate::new(2027, 2, 10).unwrap();
        let by_date = Override {
            rule: "min_nights".into(),
            listing_id: None,
            until: Until::Date("2027-02-10".into()),
            value: None,
        };
        assert!(by_date.active(day, 0));
        assert!(!by_date.active(day.add_days(1), 0));
        let by_ms = Override { until: Until::Ms(1000), ..by_date };
        assert!(by_ms.active(day, 999) && !by_ms.active(day, 1000));
    }
}
