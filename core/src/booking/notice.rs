//! What the contact is told about their booking: confirmation, change, cancellation, the
//! reminder a day before and the review request afterwards. English for now; the conversation
//! brains phrase their own replies in the contact's language.

use super::{phrase_date, phrase_slots, rules::Stay, Kind, Slot};
use crate::brain::understand::CivilDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    Confirmed,
    Rescheduled,
    Cancelled,
    Reminder,
    Review { link: &'a str },
}

/// When a booking is, as said in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Period {
    Slot(Slot),
    Stay(Stay),
}

/// "your viewing tomorrow at 10:00", "your stay from 1 March to 2 April".
pub fn describe(kind: Kind, period: &Period, today: CivilDate) -> String {
    match period {
        Period::Slot(slot) => {
            format!("your {} {}", kind.as_str(), phrase_slots(std::slice::from_ref(slot), today, "en"))
        }
        Period::Stay(stay) => format!(
            "your stay from {} to {}",
            phrase_date(stay.check_in, today, "en"),
            phrase_date(stay.check_out, today, "en")
        ),
    }
}

/// The message for `notice`, signed by the business.
pub fn notice_text(notice: Notice<'_>, business: &str, what: &str) -> String {
    match notice {
        Notice::Confirmed => format!("{business}: {} is confirmed. Reply here to change it.", capitalise(what)),
        Notice::Rescheduled => format!("{business}: {} has been moved and is confirmed.", capitalise(what)),
        Notice::Cancelled => format!("{business}: {} has been cancelled.", capitalise(what)),
        Notice::Reminder => format!("{business}: a reminder of {what}. Reply here if you need to change it."),
        Notice::Review { link } => {
            format!("{business}: thank you for {what}. We would love to hear how it went: {link}")
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::{instant, FixedZone};
    use super::*;

    #[test]
    fn notices_name_the_booking_and_the_business() {
        let today = CivilDate { year: 2026, month: 11, day: 30 };
        let start_ms = instant(&FixedZone(0), today.add_days(1), 600);
        let slot = Slot { start_ms, end_ms: start_ms + 1_800_000, staff_id: None, offset_minutes: 0 };
        let what = describe(Kind::Viewing, &Period::Slot(slot), today);
        assert_eq!(what, "your viewing tomorrow at 10:00");
        assert_eq!(
            notice_text(Notice::Confirmed, "Harbour Lettings", &what),
            "Harbour Lettings: Your viewing tomorrow at 10:00 is confirmed. Reply here to change it."
        );
        let stay = Stay {
            check_in: CivilDate { year: 2027, month: 3, day: 1 },
            check_out: CivilDate { year: 2027, month: 4, day: 2 },
        };
        let what = describe(Kind::Stay, &Period::Stay(stay), today);
        assert_eq!(what, "your stay from 1 March 2027 to 2 April 2027");
        let review = notice_text(Notice::Review { link: "https://g.page/r/x" }, "Coast", &what);
        assert!(review.ends_with("how it went: https://g.page/r/x"), "{review}");
    }
}
