//! The booking rules engine: deterministic, and the one place a stay is judged, whoever asks
//! (the API, the rules brain, the LLM's tools).
//!
//! **Month alignment.** A month-aligned listing lets from the 1st of a month: check-in must be
//! on a 1st, and the stay then runs at least `min_nights` — so with a 32-night minimum,
//! 1 March to 2 April is the shortest stay that complies (the property manager's rule this
//! product started from). Check-out may be any later day.
//!
//! **Nearest alternative.** A refusal proposes the compliant stay whose check-in is closest to
//! the one asked for (later first on a tie), keeping the number of nights asked for when the
//! rules allow and stretching or shortening it to the minimum or maximum when they do not,
//! avoiding blackouts and the nights already taken.

use super::settings::{blackout_range, BookingRules, Override};
use super::Violation;
use super::{phrase::phrase_date, Alternative};
use crate::brain::understand::CivilDate;

/// Nights at a listing, from check-in to check-out (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    pub check_in: CivilDate,
    pub check_out: CivilDate,
}

impl Stay {
    pub fn new(check_in: CivilDate, nights: i64) -> Self {
        Self { check_in, check_out: check_in.add_days(nights) }
    }
    pub fn nights(&self) -> i64 {
        self.check_out.to_days() - self.check_in.to_days()
    }
    pub fn overlaps(&self, other: &Stay) -> bool {
        self.check_in < other.check_out && other.check_in < self.check_out
    }
}

/// How far from the requested check-in an alternative is looked for: a year either way covers
/// any monthly let and any sensible advance limit.
const SEARCH_DAYS: i64 = 366;

/// The rules in force for one booking now: the listing's fields over the tenant's, blackouts of
/// both, then every override still active (the tenant's for all listings or this one, and the
/// listing's own). The result has no overrides left.
pub fn effective_rules(
    tenant: &BookingRules,
    listing: Option<&BookingRules>,
    listing_id: Option<&str>,
    today: CivilDate,
    now_ms: u64,
) -> BookingRules {
    let mut rules = tenant.clone();
    let mut overrides: Vec<&Override> =
        tenant.overrides.iter().filter(|o| o.listing_id.is_none() || o.listing_id.as_deref() == listing_id).collect();
    if let Some(l) = listing {
        rules.min_nights = l.min_nights.or(rules.min_nights);
        rules.max_nights = l.max_nights.or(rules.max_nights);
        rules.align_to_month = l.align_to_month.or(rules.align_to_month);
        rules.lead_days = l.lead_days.or(rules.lead_days);
        rules.max_advance_days = l.max_advance_days.or(rules.max_advance_days);
        rules.blackouts.extend(l.blackouts.iter().cloned());
        overrides.extend(&l.overrides);
    }
    let mut value = serde_json::to_value(BookingRules { overrides: Vec::new(), ..rules }).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        for o in overrides.into_iter().filter(|o| o.active(today, now_ms)) {
            match &o.value {
                Some(v) => map.insert(o.rule.clone(), v.clone()),
                None => map.remove(&o.rule),
            };
        }
    }
    // Validation checked every override's value; one that still does not fit lifts nothing.
    serde_json::from_value(value).unwrap_or_else(|_| BookingRules { overrides: Vec::new(), ..tenant.clone() })
}

/// Whether `date` is inside one of the rules' blackouts.
pub fn blacked_out(rules: &BookingRules, date: CivilDate) -> bool {
    rules.blackouts.iter().filter_map(|b| blackout_range(b)).any(|(from, to)| from <= date && date <= to)
}

/// The first rule `stay` breaks, ignoring availability.
fn broken_rule(rules: &BookingRules, stay: &Stay, today: CivilDate) -> Option<(&'static str, String)> {
    let lead = rules.lead_days.unwrap_or(0);
    let nights = stay.nights();
    if stay.check_in < today.add_days(i64::from(lead)) {
        return Some(match lead {
            0 => ("lead_time", "Check-in cannot be in the past.".into()),
            1 => ("lead_time", "Stays need booking at least a day ahead.".into()),
            n => ("lead_time", format!("Stays need booking at least {n} days ahead.")),
        });
    }
    if let Some(max) = rules.max_advance_days {
        if stay.check_in > today.add_days(i64::from(max)) {
            return Some(("max_advance", format!("We take bookings up to {max} days ahead.")));
        }
    }
    if let Some(min) = rules.min_nights.filter(|min| nights < i64::from(*min)) {
        return Some(("min_nights", format!("The minimum stay is {min} nights.")));
    }
    if let Some(max) = rules.max_nights.filter(|max| nights > i64::from(*max)) {
        return Some(("max_nights", format!("The maximum stay is {max} nights.")));
    }
    if rules.align_to_month == Some(true) && stay.check_in.day != 1 {
        return Some(("align_to_month", "Stays here start on the 1st of a month.".into()));
    }
    let mut nights = (0..nights).map(|n| stay.check_in.add_days(n));
    if let Some(night) = nights.find(|d| blacked_out(rules, *d)) {
        return Some(("blackout", format!("The night of {} cannot be booked.", phrase_date(night, today, "en"))));
    }
    None
}

/// Judges a stay against `rules` (from [`effective_rules`]). A refusal names the first rule
/// broken and the nearest compliant stay that is free of `taken` (the listing's confirmed stays).
pub fn check_stay(rules: &BookingRules, stay: &Stay, today: CivilDate, taken: &[Stay]) -> Result<(), Violation> {
    let Some((rule, reason)) = broken_rule(rules, stay, today) else { return Ok(()) };
    let alternative = nearest_stay(rules, stay, today, taken);
    let message = match &alternative {
        Some(alt) => format!(
            "{}; {} to {} would work.",
            reason.trim_end_matches('.'),
            phrase_date(alt.check_in, today, "en"),
            phrase_date(alt.check_out, today, "en")
        ),
        None => reason,
    };
    Err(Violation { rule, message, alternative: alternative.map(Alternative::Stay) })
}

/// The compliant, free stay closest to `wanted` (see the module notes), if any within a year.
pub fn nearest_stay(rules: &BookingRules, wanted: &Stay, today: CivilDate, taken: &[Stay]) -> Option<Stay> {
    let min = i64::from(rules.min_nights.unwrap_or(1)).max(1);
    let max = rules.max_nights.map_or(i64::MAX, i64::from).max(min);
    let nights = wanted.nights().clamp(min, max);
    (0..=SEARCH_DAYS)
        .flat_map(|k| if k == 0 { vec![0] } else { vec![k, -k] })
        .map(|k| Stay::new(wanted.check_in.add_days(k), nights))
        .find(|s| broken_rule(rules, s, today).is_none() && !taken.iter().any(|t| t.overlaps(s)))
}

#[cfg(test)]
mod tests {
    use super::super::settings::Until;
    use super::*;

    fn d(s: &str) -> CivilDate {
        s.parse().unwrap()
    }
    fn stay(a: &str, b: &str) -> Stay {
        Stay { check_in: d(a), check_out: d(b) }
    }
    fn monthly() -> BookingRules {
        serde_json::from_str(r#"{"min_nights": 32, "align_to_month": true}"#).unwrap()
    }
    const TODAY: &str = "2027-02-10";

    #[test]
    fn a_ten_night_stay_at_a_monthly_let_is_refused_with_1_march_to_2_april() {
        let v = check_stay(&monthly(), &stay("2027-02-20", "2027-03-02"), d(TODAY), &[]).unwrap_err();
        assert_eq!(v.rule, "min_nights");
        assert_eq!(v.message, "The minimum stay is 32 nights; 1 March to 2 April would work.");
        assert_eq!(v.alternative, Some(Alternative::Stay(stay("2027-03-01", "2027-04-02"))));
        assert!(check_stay(&monthly(), &stay("2027-03-01", "2027-04-02"), d(TODAY), &[]).is_ok());
        assert!(
            check_stay(&monthly(), &stay("2027-03-01", "2027-06-15"), d(TODAY), &[]).is_ok(),
            "any later check-out"
        );
    }

    #[test]
    fn alignment_is_its_own_rule_and_the_nearest_first_can_be_earlier() {
        let v = check_stay(&monthly(), &stay("2027-03-03", "2027-04-10"), d(TODAY), &[]).unwrap_err();
        assert_eq!(v.rule, "align_to_month");
        assert_eq!(v.alternative, Some(Alternative::Stay(stay("2027-03-01", "2027-04-08"))), "38 nights kept");
        assert_eq!(v.message, "Stays here start on the 1st of a month; 1 March to 8 April would work.");
    }

    #[test]
    fn the_alternative_skips_taken_nights_and_blackouts() {
        let taken = [stay("2027-03-01", "2027-04-15")];
        let v = check_stay(&monthly(), &stay("2027-02-20", "2027-03-02"), d(TODAY), &taken).unwrap_err();
        assert_eq!(v.alternative, Some(Alternative::Stay(stay("2027-05-01", "2027-06-02"))));
        let mut rules = monthly();
        rules.blackouts = vec!["2027-03-10..2027-03-12".into()];
        let v = check_stay(&rules, &stay("2027-03-01", "2027-04-02"), d(TODAY), &[]).unwrap_err();
        assert_eq!(v.rule, "blackout");
        assert!(v.message.starts_with("The night of 10 March cannot be booked; 1 April to 3 May"), "{}", v.message);
    }

    #[test]
    fn lead_time_maximum_advance_and_maximum_stay() {
        let rules: BookingRules =
            serde_json::from_str(r#"{"lead_days": 3, "max_advance_days": 30, "max_nights": 14}"#).unwrap();
        let v = check_stay(&rules, &stay("2027-02-11", "2027-02-14"), d(TODAY), &[]).unwrap_err();
        assert_eq!((v.rule, v.alternative), ("lead_time", Some(Alternative::Stay(stay("2027-02-13", "2027-02-16")))));
        let v = check_stay(&rules, &stay("2027-04-01", "2027-04-03"), d(TODAY), &[]).unwrap_err();
        assert_eq!((v.rule, v.alternative), ("max_advance", Some(Alternative::Stay(stay("2027-03-12", "2027-03-14")))));
        let v = check_stay(&rules, &stay("2027-03-01", "2027-03-31"), d(TODAY), &[]).unwrap_err();
        assert_eq!((v.rule, v.alternative), ("max_nights", Some(Alternative::Stay(stay("2027-03-01", "2027-03-15")))));
        let past = check_stay(&BookingRules::default(), &stay("2027-02-09", "2027-02-12"), d(TODAY), &[]).unwrap_err();
        assert_eq!(
            (past.rule, past.message.as_str()),
            ("lead_time", "Check-in cannot be in the past; 10 February to 13 February would work.")
        );
    }

    #[test]
    fn listing_rules_override_the_tenants_and_overrides_expire() {
        let tenant: BookingRules = serde_json::from_str(r#"{"min_nights": 2, "blackouts": ["2027-12-25"]}"#).unwrap();
        let mut listing = monthly();
        listing.blackouts = vec!["2027-12-31".into()];
        let r = effective_rules(&tenant, Some(&listing), Some("lst_1"), d(TODAY), 0);
        assert_eq!((r.min_nights, r.align_to_month, r.blackouts.len()), (Some(32), Some(true), 2));
        let mut tenant = tenant;
        tenant.overrides = vec![
            Override {
                rule: "min_nights".into(),
                listing_id: Some("lst_1".into()),
                until: Until::Date("2027-02-28".into()),
                value: Some(7.into()),
            },
            Override {
                rule: "align_to_month".into(),
                listing_id: Some("lst_1".into()),
                until: Until::Ms(5_000),
                value: None,
            },
            Override {
                rule: "min_nights".into(),
                listing_id: Some("lst_other".into()),
                until: Until::Ms(u64::MAX),
                value: Some(90.into()),
            },
        ];
        let r = effective_rules(&tenant, Some(&listing), Some("lst_1"), d(TODAY), 1_000);
        assert_eq!((r.min_nights, r.align_to_month), (Some(7), None), "both overrides active");
        assert!(r.overrides.is_empty());
        let ten_nights = stay("2027-02-20", "2027-03-02");
        assert!(check_stay(&r, &ten_nights, d(TODAY), &[]).is_ok(), "the override lets it through");
        let r = effective_rules(&tenant, Some(&listing), Some("lst_1"), d("2027-03-01"), 1_000);
        assert_eq!((r.min_nights, r.align_to_month), (Some(32), None), "the dated override expired");
        let r = effective_rules(&tenant, Some(&listing), Some("lst_1"), d(TODAY), 5_000);
        assert_eq!(r.align_to_month, Some(true), "the instant override expired");
        assert_eq!(effective_rules(&tenant, None, Some("lst_2"), d(TODAY), 0).min_nights, Some(2), "other listings");
    }

    #[test]
    fn impossible_rules_give_no_alternative() {
        let rules: BookingRules = serde_json::from_str(r#"{"blackouts": ["2027-01-01..2029-01-01"]}"#).unwrap();
        let v = check_stay(&rules, &stay("2027-03-01", "2027-03-05"), d(TODAY), &[]).unwrap_err();
        assert_eq!((v.rule, v.alternative), ("blackout", None));
        assert!(!v.message.contains("would work"));
    }
}
