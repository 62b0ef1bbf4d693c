use super::*;
use crate::booking::{rfc3339, FixedZone};

const MONDAY: CivilDate = CivilDate { year: 2026, month: 11, day: 30 };

fn settings(staff: serde_json::Value) -> Settings {
    serde_json::from_value(serde_json::json!({
        "hours": {"mon": ["09:00","18:00"], "tue": ["09:00","18:00"], "wed": ["09:00","18:00"],
                  "thu": ["09:00","18:00"], "fri": ["09:00","17:30"], "sat": ["10:00","14:00"]},
        "availability": {"staff": staff}
    }))
    .unwrap()
}

fn at(days: i64, h: u16, m: u16) -> u64 {
    instant(&FixedZone(0), MONDAY.add_days(days), h * 60 + m)
}

fn busy(start: u64, minutes: u64, staff: Option<&str>, listing: Option<&str>) -> Busy {
    Busy {
        start_ms: start,
        end_ms: start + minutes * 60_000,
        staff_id: staff.map(Into::into),
        listing_id: listing.map(Into::into),
    }
}

fn times(slots: &[Slot]) -> Vec<String> {
    slots.iter().map(|s| rfc3339(s.start_ms, s.offset_minutes)[11..16].to_owned()).collect()
}

struct Fixture {
    settings: Settings,
    rules: BookingRules,
    busy: Vec<Busy>,
    now: u64,
    listing: Option<&'static str>,
}

impl Fixture {
    fn new() -> Self {
        Self {
            settings: settings(serde_json::json!([])),
            rules: BookingRules::default(),
            busy: vec![],
            now: at(0, 8, 0),
            listing: None,
        }
    }
    fn cal(&self) -> Calendar<'_> {
        Calendar {
            settings: &self.settings,
            rules: &self.rules,
            zone: &FixedZone(0),
            busy: &self.busy,
            kind: Kind::Viewing,
            listing_id: self.listing,
            today: MONDAY,
            now_ms: self.now,
        }
    }
    fn day(&self, days: i64) -> Vec<String> {
        times(&free_slots(&self.cal(), MONDAY.add_days(days), 1))
    }
}

#[test]
fn slots_fill_the_hours_on_the_grid_after_the_notice() {
    let mut f = Fixture::new();
    let monday = f.day(0);
    assert_eq!(
        (monday.first().unwrap().as_str(), monday.last().unwrap().as_str(), monday.len()),
        ("10:00", "17:30", 16)
    );
    assert_eq!(f.day(5), ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30"], "Saturday");
    assert!(f.day(6).is_empty(), "closed on Sunday");
    f.now = at(0, 9, 10);
    assert_eq!(f.day(0)[0], "11:30", "two hours' notice, then the next slot on the grid");
    f.settings.availability.slot_minutes = 45;
    assert_eq!(f.day(1)[..3], ["09:00", "09:45", "10:30"]);
    assert_eq!(f.day(1).last().unwrap(), "17:15", "the last slot ends by closing");
}

#[test]
fn holidays_blackouts_and_the_horizon_close_days() {
    let mut f = Fixture::new();
    f.settings.holidays = vec!["2026-12-01".into()];
    f.rules.blackouts = vec!["2026-12-02".into()];
    assert!(f.day(1).is_empty() && f.day(2).is_empty());
    assert!(!f.day(3).is_empty());
    f.settings.availability.max_days_ahead = 3;
    assert!(!f.day(3).is_empty() && f.day(4).is_empty());
    assert!(times(&free_slots(&f.cal(), MONDAY.add_days(-3), 3)).is_empty(), "no slots in the past");
}

#[test]
fn bookings_and_their_buffers_take_slots() {
    let mut f = Fixture::new();
    f.busy = vec![busy(at(1, 12, 0), 30, None, None)];
    assert!(!f.day(1).contains(&"12:00".to_owned()));
    assert!(f.day(1).contains(&"11:30".to_owned()) && f.day(1).contains(&"12:30".to_owned()));
    f.settings.availability.buffer_minutes = 15;
    let tuesday = f.day(1);
    for gone in ["11:30", "12:00", "12:30"] {
        assert!(!tuesday.contains(&gone.to_owned()), "{gone} is within the buffer");
    }
    assert!(tuesday.contains(&"11:00".to_owned()) && tuesday.contains(&"13:00".to_owned()));
}

#[test]
fn staff_calendars_each_offer_their_own_hours_and_a_listing_is_viewed_once_at_a_time() {
    let mut f = Fixture::new();
    f.settings = settings(serde_json::json!([
        {"id": "ana", "name": "Ana"},
        {"id": "ben", "name": "Ben", "hours": {"tue": ["12:00", "20:00"]}},
        {"id": "cat", "name": "Cat", "kinds": ["appointment"]}
    ]));
    f.busy = vec![busy(at(1, 10, 0), 30, Some("ana"), None), busy(at(1, 13, 0), 30, Some("ana"), Some("lst_1"))];
    let tuesday = free_slots(&f.cal(), MONDAY.add_days(1), 1);
    assert!(!times(&tuesday).contains(&"10:00".to_owned()), "Ben starts at 12:00 and Cat does no viewings");
    let one = tuesday.iter().find(|s| times(std::slice::from_ref(s))[0] == "13:00").unwrap();
    assert_eq!(one.staff_id.as_deref(), Some("ben"), "Ana is busy at 13:00, Ben is not");
    assert_eq!(times(&tuesday).last().unwrap(), "17:30", "Ben's 20:00 is cut to the business's 18:00");
    f.listing = Some("lst_1");
    assert!(!f.day(1).contains(&"13:00".to_owned()), "lst_1 is being viewed at 13:00");
}

#[test]
fn offsets_move_slots_across_a_clock_change() {
    struct London;
    impl Zone for London {
        fn offset_minutes(&self, d: CivilDate) -> i32 {
            if d < CivilDate::new(2027, 3, 28).unwrap() {
                0
            } else {
                60
            }
        }
    }
    let f = Fixture::new();
    let cal = Calendar { zone: &London, today: CivilDate::new(2027, 3, 25).unwrap(), now_ms: 0, ..f.cal() };
    let slots = free_slots(&cal, CivilDate::new(2027, 3, 26).unwrap(), 4);
    let firsts: Vec<String> = slots.iter().filter(|s| s.local_start().1 == 9 * 60).map(Slot::start_rfc3339).collect();
    assert_eq!(firsts, ["2027-03-26T09:00:00+00:00", "2027-03-29T09:00:00+01:00"], "Sat opens at 10, Sun closed");
    assert_eq!(slots.last().unwrap().end_ms - slots.last().unwrap().start_ms, 1_800_000);
}

#[test]
fn a_requested_slot_is_booked_or_refused_with_the_nearest_free_one() {
    let mut f = Fixture::new();
    let ok = check_slot(&f.cal(), at(1, 11, 0), None).unwrap();
    assert_eq!((ok.end_ms - ok.start_ms, ok.staff_id), (1_800_000, None));
    f.busy = vec![busy(at(1, 11, 0), 30, None, None)];
    let nearest = |r: BookingRefusal| match r.alternative() {
        Some(Alternative::Slot(s)) => s.start_rfc3339(),
        other => panic!("{other:?}"),
    };
    let taken = check_slot(&f.cal(), at(1, 11, 0), None).unwrap_err();
    assert_eq!(taken.code(), "slot_taken");
    assert_eq!(nearest(taken), "2026-12-01T10:30:00+00:00");
    let off_grid = check_slot(&f.cal(), at(1, 10, 15), None).unwrap_err();
    assert_eq!((off_grid.code(), nearest(off_grid)), ("outside_hours", "2026-12-01T10:00:00+00:00".to_owned()));
    let sunday = check_slot(&f.cal(), at(6, 11, 0), None).unwrap_err();
    assert_eq!((sunday.code(), nearest(sunday)), ("outside_hours", "2026-12-05T13:30:00+00:00".to_owned()));
    let late = check_slot(&f.cal(), at(1, 17, 30), Some(at(1, 18, 30))).unwrap_err();
    assert_eq!(late.code(), "outside_hours", "ends after closing");
    assert!(check_slot(&f.cal(), at(1, 14, 0), Some(at(1, 15, 0))).is_ok(), "a longer booking inside the hours");
}

#[test]
fn slot_rules_name_the_rule_and_say_the_alternative() {
    let mut f = Fixture::new();
    let BookingRefusal::RuleViolation(v) = check_slot(&f.cal(), at(0, 9, 0), None).unwrap_err() else { panic!() };
    assert_eq!(v.rule, "min_notice");
    assert_eq!(v.message, "Bookings need at least 2 hours' notice; today at 10:00 would work.");
    f.settings.availability.max_days_ahead = 10;
    let BookingRefusal::RuleViolation(v) = check_slot(&f.cal(), at(12, 10, 0), None).unwrap_err() else { panic!() };
    assert_eq!(v.rule, "max_days_ahead");
    assert_eq!(v.message, "We take bookings up to 10 days ahead; on Thursday 10 December at 17:30 would work.");
    f.rules.blackouts = vec!["2026-12-03".into()];
    let BookingRefusal::RuleViolation(v) = check_slot(&f.cal(), at(3, 10, 0), None).unwrap_err() else { panic!() };
    assert_eq!((v.rule, v.alternative.is_some()), ("blackout", true));
}
