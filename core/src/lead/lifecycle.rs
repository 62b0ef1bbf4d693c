//! A lead's status: where it is in the funnel, moved forward by what happens and set by people.
//!
//! The receptionist only ever moves a lead forward (new → qualifying → qualified → booked →
//! handed off), so a late or replayed message cannot undo progress. Won and lost are outcomes
//! only people know; once set, messages leave them alone.

use crate::brain::understand::Intent;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Known contact, no interest in buying or booking shown yet.
    New,
    /// Interested; the receptionist is asking the qualification questions.
    Qualifying,
    /// Every required question is answered.
    Qualified,
    /// A viewing, stay or appointment is booked.
    Booked,
    /// Escalated: a person owns the conversation now.
    HandedOff,
    Won,
    Lost,
}

impl Status {
    /// In funnel order.
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Qualifying,
        Status::Qualified,
        Status::Booked,
        Status::HandedOff,
        Status::Won,
        Status::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Qualifying => "qualifying",
            Status::Qualified => "qualified",
            Status::Booked => "booked",
            Status::HandedOff => "handed_off",
            Status::Won => "won",
            Status::Lost => "lost",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Status::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Won and lost: only an operator moves a lead out of them.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Won | Status::Lost)
    }

    /// Position in the automatic funnel; terminal states are past its end.
    fn rank(self) -> u8 {
        match self {
            Status::New => 0,
            Status::Qualifying => 1,
            Status::Qualified => 2,
            Status::Booked => 3,
            Status::HandedOff => 4,
            Status::Won | Status::Lost => 5,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that happened to a lead. JSON: `{"message": {"intent": "book_viewing",
/// "qualified": false}}`, `"booked"`, `"escalated"`, `{"set": "won"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadEvent {
    /// An inbound message; `qualified` = every required question is now answered.
    Message {
        intent: Intent,
        qualified: bool,
    },
    Booked,
    /// Escalated to a person, for any reason.
    Escalated,
    /// An operator set the status (checked with [`can_set`]).
    Set(Status),
}

/// Whether a message shows interest in buying or booking: what turns a contact into a lead.
/// Asking prices or availability counts — that is how shopping starts.
pub fn shows_interest(intent: Intent) -> bool {
    matches!(
        intent,
        Intent::PropertyEnquiryRent
            | Intent::PropertyEnquiryBuy
            | Intent::BookViewing
            | Intent::BookAppointment
            | Intent::BookStay
            | Intent::ValuationRequest
            | Intent::AvailabilitySearch
            | Intent::PricingInfo
    )
}

/// The status after `event`. Automatic events only move forward and never touch won or lost; a
/// message from a new contact counts only once it shows interest (so "wrong number" does not
/// make a lead qualified when no questions are configured). An operator `Set` that
/// [`can_set`] refuses leaves the status as it was.
pub fn advance(current: Status, event: &LeadEvent) -> Status {
    let target = match *event {
        LeadEvent::Set(to) => return if can_set(current, to).is_ok() { to } else { current },
        _ if current.is_terminal() => return current,
        LeadEvent::Message { intent, .. } if current == Status::New && !shows_interest(intent) => return current,
        LeadEvent::Message { qualified: true, .. } => Status::Qualified,
        LeadEvent::Message { qualified: false, .. } => Status::Qualifying,
        LeadEvent::Booked => Status::Booked,
        LeadEvent::Escalated => Status::HandedOff,
    };
    if target.rank() > current.rank() {
        target
    } else {
        current
    }
}

/// Whether an operator may set `from` → `to`. Anything goes (people correct mistakes), except
/// reopening a won or lost lead as new: new means "never showed interest", which a closed lead
/// did — reopen it as qualifying or later. Setting the current status again is allowed.
pub fn can_set(from: Status, to: Status) -> Result<(), String> {
    if from.is_terminal() && to == Status::New {
        return Err(format!(
            "a {from} lead cannot go back to new; set it to qualifying (or a later status) to reopen it"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn message(intent: Intent, qualified: bool) -> LeadEvent {
        LeadEvent::Message { intent, qualified }
    }

    fn run(events: &[LeadEvent]) -> Status {
        events.iter().fold(New, advance)
    }

    #[test]
    fn a_lead_moves_through_the_funnel_as_the_conversation_goes() {
        assert_eq!(advance(New, &message(Intent::Greeting, false)), New, "hello is not interest");
        assert_eq!(advance(New, &message(Intent::PropertyEnquiryRent, false)), Qualifying);
        assert_eq!(advance(Qualifying, &message(Intent::ProvideInfo, false)), Qualifying);
        assert_eq!(advance(Qualifying, &message(Intent::ProvideInfo, true)), Qualified);
        assert_eq!(advance(Qualified, &LeadEvent::Booked), Booked);
        assert_eq!(advance(Booked, &LeadEvent::Escalated), HandedOff);
        assert_eq!(run(&[message(Intent::BookStay, true)]), Qualified, "one complete message is enough");
    }

    #[test]
    fn automatic_events_never_move_back() {
        assert_eq!(advance(Booked, &message(Intent::BookViewing, false)), Booked);
        assert_eq!(advance(Qualified, &message(Intent::ProvideInfo, false)), Qualified, "new question added later");
        assert_eq!(advance(HandedOff, &LeadEvent::Booked), HandedOff, "a person owns it now");
        assert_eq!(advance(New, &message(Intent::WrongNumberSpam, true)), New, "no questions ≠ interest");
        assert_eq!(advance(New, &LeadEvent::Escalated), HandedOff);
    }

    #[test]
    fn won_and_lost_are_left_to_people() {
        for closed in [Won, Lost] {
            for event in [message(Intent::BookViewing, true), LeadEvent::Booked, LeadEvent::Escalated] {
                assert_eq!(advance(closed, &event), closed, "{event:?}");
            }
        }
        assert_eq!(run(&[message(Intent::PricingInfo, false), LeadEvent::Set(Won)]), Won);
    }

    #[test]
    fn operators_may_correct_anything_but_reopening_as_new() {
        assert_eq!(advance(Booked, &LeadEvent::Set(Qualifying)), Qualifying);
        assert_eq!(advance(Qualified, &LeadEvent::Set(New)), New);
        assert_eq!(advance(Lost, &LeadEvent::Set(Qualifying)), Qualifying, "reopened");
        assert_eq!(advance(Lost, &LeadEvent::Set(New)), Lost, "refused: stays lost");
        let refused = can_set(Won, New).unwrap_err();
        assert!(refused.contains("won") && refused.contains("qualifying"), "{refused}");
        assert_eq!(can_set(Won, Won), Ok(()));
        assert_eq!(can_set(Won, Lost), Ok(()));
    }

    #[test]
    fn statuses_and_events_round_trip_as_json() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(Status::parse("closed"), None);
        let event: LeadEvent =
            serde_json::from_str(r#"{"message":{"intent":"book_viewing","qualified":false}}"#).unwrap();
        assert_eq!(event, message(Intent::BookViewing, false));
        assert_eq!(serde_json::to_string(&LeadEvent::Set(HandedOff)).unwrap(), r#"{"set":"handed_off"}"#);
        assert_eq!(serde_json::to_string(&LeadEvent::Booked).unwrap(), r#""booked""#);
    }
}
