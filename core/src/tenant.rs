//! A tenant's business profile: opening hours in its own timezone and what to tell callers.
//!
//! Timezone arithmetic is done by the platform (the Worker asks the JS `Intl` API, which has
//! the full tz database at no wasm-size cost) and arrives here as a [`LocalTime`].

use crate::brain::understand::CivilDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `tenants.settings` (JSON). Unknown fields are kept by the database, ignored here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Opening hours per weekday key (`mon`..`sun`) as `["HH:MM", "HH:MM"]`; missing = closed.
    #[serde(default)]
    pub hours: BTreeMap<String, [String; 2]>,
    /// What the caller should do next, said in the first reply.
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// The industry template (`letting_agent`, `vacation_rental`, `clinic_salon`, `hotel`):
    /// how ambiguous requests read ("book" = a viewing, a stay or an appointment).
    #[serde(default)]
    pub template: Option<String>,
    /// Who is paged, by SMS and email, when a message is an emergency — at any hour.
    #[serde(default)]
    pub on_call: Vec<crate::escalation::OnCall>,
}

/// A wall-clock moment in the tenant's timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    pub date: CivilDate,
    pub minute_of_day: u16,
}

impl LocalTime {
    /// Parses `Intl`'s `en-US` rendering with `hourCycle: "h23"`, e.g. `11/23/2026, 00:14:19`.
    pub fn from_en_us(rendered: &str) -> Option<Self> {
        let (date, time) = rendered.split_once(", ")?;
        let mut d = date.split('/').map(|p| p.trim().parse::<u16>().ok());
        let (month, day, year) = (d.next()??, d.next()??, d.next()??);
        let mut t = time.split(':').map(|p| p.trim().parse::<u16>().ok());
        let (hour, minute) = (t.next()??, t.next()??);
        if hour > 23 || minute > 59 {
            return None;
        }
        let date = CivilDate::new(i32::from(year), u8::try_from(month).ok()?, u8::try_from(day).ok()?)?;
        Some(Self { date, minute_of_day: hour * 60 + minute })
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(&self) -> u8 {
        self.date.weekday()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenStatus {
    OpenUntil(String),
    /// Closed; reopens on (day name, time), or never if no hours are set.
    Closed(Option<(&'static str, String)>),
}

impl Settings {
    fn span(&self, weekday: u8) -> Option<(u16, u16, &[String; 2])> {
        let span = self.hours.get(WEEKDAYS[weekday as usize % 7])?;
        Some((minutes(&span[0])?, minutes(&span[1])?, span))
    }

    pub fn status_at(&self, now: LocalTime) -> OpenStatus {
        if let Some((open, close, span)) = self.span(now.weekday()) {
            if (open..close).contains(&now.minute_of_day) {
                return OpenStatus::OpenUntil(span[1].clone());
            }
            if now.minute_of_day < open {
                return OpenStatus::Closed(Some(("today", span[0].clone())));
            }
        }
        let next = (1..=7u8).find_map(|ahead| {
            let day = (now.weekday() + ahead) % 7;
            let (_, _, span) = self.span(day)?;
            let name = if ahead == 1 { "tomorrow" } else { DAY_NAMES[day as usize] };
            Some((name, span[0].clone()))
        });
        OpenStatus::Closed(next)
    }

    /// `Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00`: consecutive days with the same
    /// hours are grouped.
    pub fn hours_summary(&self) -> Option<String> {
        let mut groups: Vec<(usize, usize, &[String; 2])> = Vec::new();
        for (day, key) in WEEKDAYS.iter().enumerate() {
            let Some(span) = self.hours.get(*key) else {
                continue;
            };
            match groups.last_mut() {
                Some((_, end, prev)) if *end + 1 == day && *prev == span => *end = day,
                _ => groups.push((day, day, span)),
            }
        }
        if groups.is_empty() {
            return None;
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(start, end, span)| {
                let days = if start == end {
                    DAY_NAMES[*start].to_owned()
                } else {
                    format!("{}–{}", DAY_NAMES[*start], DAY_NAMES[*end])
                };
                format!("{days} {}–{}", span[0], span[1])
            })
            .collect();
        Some(parts.join(", "))
    }
}

fn minutes(hhmm: &str) -> Option<u16> {
    let (h, m) = hhmm.split_once(':')?;
    let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn letting_agent() -> Settings {
        serde_json::from_str(
            r#"{"hours":{"mon":["09:00","18:00"],"tue":["09:00","18:00"],"wed":["09:00","18:00"],
                "thu":["09:00","18:00"],"fri":["09:00","17:30"],"sat":["10:00","14:00"]},
                "next_step":"Reply with the property and a good time for a viewing.","extra":1}"#,
        )
        .unwrap()
    }

    /// `weekday` 0 = Monday 2026-11-23, at `h:m`.
    pub fn at(weekday: u8, h: u16, m: u16) -> LocalTime {
        let monday = CivilDate { year: 2026, month: 11, day: 23 };
        LocalTime { date: monday.add_days(i64::from(weekday)), minute_of_day: h * 60 + m }
    }

    #[test]
    fn parses_intl_output_into_date_weekday_and_minutes() {
        // 2026-11-23 is a Monday; 2024-02-29 a Thursday; 2000-01-01 a Saturday.
        let t = LocalTime::from_en_us("11/23/2026, 00:14:19").unwrap();
        assert_eq!((t.date, t.weekday(), t.minute_of_day), (CivilDate { year: 2026, month: 11, day: 23 }, 0, 14));
        assert_eq!(LocalTime::from_en_us("2/29/2024, 23:59:00").unwrap().weekday(), 3);
        assert_eq!(LocalTime::from_en_us("1/1/2000, 12:00:00").unwrap().weekday(), 5);
        for bad in ["13/1/2000, 12:00:00", "2/30/2024, 10:00:00", "1/1/2000, 24:00:00", "garbage", ""] {
            assert_eq!(LocalTime::from_en_us(bad), None, "{bad}");
        }
    }

    #[test]
    fn open_until_closing_then_names_the_next_opening() {
        let s = letting_agent();
        assert_eq!(s.status_at(at(0, 9, 0)), OpenStatus::OpenUntil("18:00".into()));
        assert_eq!(s.status_at(at(0, 18, 0)), OpenStatus::Closed(Some(("tomorrow", "09:00".into()))));
        assert_eq!(s.status_at(at(0, 7, 30)), OpenStatus::Closed(Some(("today", "09:00".into()))));
        // Saturday evening → closed Sunday → Monday.
        assert_eq!(s.status_at(at(5, 15, 0)), OpenStatus::Closed(Some(("Mon", "09:00".into()))));
        assert_eq!(Settings::default().status_at(at(0, 12, 0)), OpenStatus::Closed(None));
    }

    #[test]
    fn summarises_hours_grouping_equal_days() {
        assert_eq!(letting_agent().hours_summary().unwrap(), "Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00");
        assert_eq!(Settings::default().hours_summary(), None);
    }
}
