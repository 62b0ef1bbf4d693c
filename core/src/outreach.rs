//! Messages we start rather than replies — follow-ups to quiet leads, offers of listings that
//! match a saved search: when they may go out, and whether the contact told us to stop.
//!
//! One rule for all of them: only while the business is open (`settings.hours`) and outside
//! the tenant's quiet hours (`follow_up.quiet_hours`, 21:00–08:00 unless set); an opt-out
//! ("STOP") stops them.

use crate::brain::understand::{understand, CivilDate, Input, Intent};
use crate::tenant::{LocalTime, Settings};
use serde::{Deserialize, Serialize};

/// No message is started from `from` until `until` (local `HH:MM`; may span midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    pub from: String,
    pub until: String,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours { from: "21:00".into(), until: "08:00".into() }
    }
}

impl QuietHours {
    pub fn validate(&self, prefix: &str) -> Vec<String> {
        [("from", &self.from), ("until", &self.until)]
            .into_iter()
            .filter(|(_, value)| minutes(value).is_none())
            .map(|(field, _)| format!("{prefix}.{field}: HH:MM"))
            .collect()
    }

    pub fn holds_at(&self, now: LocalTime) -> bool {
        let (Some(from), Some(until)) = (minutes(&self.from), minutes(&self.until)) else {
            return false;
        };
        let m = now.minute_of_day;
        if from <= until {
            (from..until).contains(&m)
        } else {
            m >= from || m < until
        }
    }
}

fn minutes(hhmm: &str) -> Option<u16> {
    let (h, m) = hhmm.split_once(':')?;
    let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
    (h < 24 && m < 60 && hhmm.len() == 5).then_some(h * 60 + m)
}

/// The tenant's quiet hours: those set with the follow-ups, else the default.
pub fn quiet_hours(settings: &Settings) -> QuietHours {
    settings.follow_up.as_ref().map(|f| f.quiet_hours.clone()).unwrap_or_default()
}

/// Whether a message we start may go out at `local`: open, and not quiet hours.
pub fn may_send(settings: &Settings, local: LocalTime) -> bool {
    settings.is_open_at(local) && !quiet_hours(settings).holds_at(local)
}

/// The contact's words opt out of messages ("STOP", "no more messages").
pub fn opted_out(text: &str) -> bool {
    // Opting out reads no dates: any day will do.
    let today = CivilDate { year: 2026, month: 1, day: 1 };
    let input = Input { utterance: text, system_before: None, tenant_template: None, today };
    understand(&input).intent == Intent::OptOut
}

/// A message id derived from `key` rather than random, so two sweeps (or a request and a
/// sweep) racing on the same message write the same message, job and outbox rows — each is
/// insert-if-absent by this id — and the contact gets it once. Its time part is `at_ms`.
pub fn derived_message_id(key: impl IntoIterator<Item = u8>, at_ms: u64) -> String {
    // FNV-1a: stable across builds and platforms, which `std`'s hasher does not promise.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    crate::ids::make(crate::ids::MESSAGE, at_ms, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u16, minute: u16) -> LocalTime {
        LocalTime { date: CivilDate { year: 2026, month: 3, day: 2 }, minute_of_day: hour * 60 + minute }
    }

    #[test]
    fn quiet_hours_may_span_midnight() {
        let q = QuietHours::default();
        assert!(q.holds_at(at(21, 0)) && q.holds_at(at(2, 0)) && q.holds_at(at(7, 59)));
        assert!(!q.holds_at(at(8, 0)) && !q.holds_at(at(20, 59)));
        let lunch = QuietHours { from: "12:00".into(), until: "13:00".into() };
        assert!(lunch.holds_at(at(12, 30)) && !lunch.holds_at(at(13, 0)));
        assert_eq!(QuietHours { from: "9pm".into(), until: "8".into() }.validate("q").len(), 2);
    }

    #[test]
    fn only_while_open_and_not_quiet() {
        let mut s = Settings::default();
        s.hours.insert("mon".into(), ["09:00".into(), "18:00".into()]);
        assert!(may_send(&s, at(9, 0)));
        assert!(!may_send(&s, at(8, 59)) && !may_send(&s, at(18, 0)), "closed");
        s.hours.insert("mon".into(), ["00:00".into(), "24:00".into()]);
        assert!(!may_send(&s, at(22, 0)), "open, but quiet hours");
    }

    #[test]
    fn opt_outs_are_recognised() {
        assert!(opted_out("STOP") && opted_out("no more messages please"));
        assert!(!opted_out("Yes please, text me"));
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let a = derived_message_id(*b"ab", 5);
        assert_eq!(a, derived_message_id(*b"ab", 5));
        assert_ne!(a, derived_message_id(*b"ba", 5));
        assert!(crate::ids::is_well_formed(&a));
    }
}
