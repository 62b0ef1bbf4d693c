//! The goal a contact is pursuing, read from what they asked for, and the details of it that
//! are not lead facts (the day, time and property of a viewing they want).

use crate::brain::understand::{Intent, Slot, SlotValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    /// Looking for a place to rent or buy, no particular one yet.
    Search,
    Viewing,
    Appointment,
    /// A holiday let or hotel stay.
    Stay,
    Valuation,
    Repair,
    /// Only asking about something.
    Information,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub kind: GoalKind,
    /// Booking details as they said them: `date` (ISO), `time` (HH:MM), `property`, `provider`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<Slot, String>,
}

/// The details a booking carries that qualification does not keep.
const BOOKING_DETAILS: [Slot; 4] = [Slot::Date, Slot::Time, Slot::Property, Slot::Provider];

impl GoalKind {
    /// The errand a business's contacts usually come with, by its template.
    pub fn usual_for(template: Option<&str>) -> GoalKind {
        match template.map(str::trim) {
            Some("vacation_rental" | "hotel") => GoalKind::Stay,
            Some("clinic_salon") => GoalKind::Appointment,
            _ => GoalKind::Search,
        }
    }
}

impl Goal {
    pub fn new(kind: GoalKind) -> Self {
        Goal { kind, details: BTreeMap::new() }
    }

    /// The goal an intent announces; `None` for turns that pursue no goal of their own
    /// (greetings, answers, thanks), which keep the current one.
    pub fn kind_for(intent: Intent) -> Option<GoalKind> {
        Some(match intent {
            Intent::PropertyEnquiryRent | Intent::PropertyEnquiryBuy | Intent::AvailabilitySearch => GoalKind::Search,
            Intent::BookViewing => GoalKind::Viewing,
            Intent::BookAppointment | Intent::RescheduleCancel => GoalKind::Appointment,
            Intent::BookStay => GoalKind::Stay,
            Intent::ValuationRequest => GoalKind::Valuation,
            Intent::MaintenanceRequest => GoalKind::Repair,
            Intent::PricingInfo | Intent::HoursLocation | Intent::GeneralEnquiry => GoalKind::Information,
            _ => return None,
        })
    }

    /// The goal after a message with `intent` and `slots`: a new goal replaces the old one
    /// unless it is only a question (information never replaces a booking in progress), and
    /// booking details are taken in either way.
    pub fn updated(current: Option<&Goal>, intent: Intent, slots: &BTreeMap<Slot, SlotValue>) -> Option<Goal> {
        let announced = Goal::kind_for(intent);
        let mut goal = match (current, announced) {
            (Some(goal), Some(GoalKind::Information) | None) => goal.clone(),
            // Searching for a place to view is the same errand as viewing it.
            (Some(goal), Some(GoalKind::Search)) if goal.kind == GoalKind::Viewing => goal.clone(),
            (Some(goal), Some(kind)) if goal.kind == kind => goal.clone(),
            // "Can you change it to Tuesday?" moves the booking in progress, whatever kind it is.
            (Some(goal), Some(_)) if intent == Intent::RescheduleCancel && goal.is_booking() => goal.clone(),
            // A search that names a place becomes a viewing of it, details and all.
            (Some(goal), Some(GoalKind::Viewing)) if goal.kind == GoalKind::Search => {
                Goal { kind: GoalKind::Viewing, details: goal.details.clone() }
            }
            (_, Some(kind)) => Goal::new(kind),
            (None, None) => return None,
        };
        // A day for a place they named is a viewing, whatever words asked for it.
        let when = slots.contains_key(&Slot::Date) || slots.contains_key(&Slot::Time);
        if goal.kind == GoalKind::Search
            && when
            && (goal.details.contains_key(&Slot::Property) || slots.contains_key(&Slot::Property))
        {
            goal.kind = GoalKind::Viewing;
        }
        for slot in BOOKING_DETAILS {
            if let Some(value) = slots.get(&slot) {
                let text = value.value.as_str().map_or_else(|| value.text.clone(), str::to_owned);
                goal.details.insert(slot, text);
            }
        }
        Some(goal)
    }

    /// A booking the team must confirm (viewing, appointment, stay).
    pub fn is_booking(&self) -> bool {
        matches!(self.kind, GoalKind::Viewing | GoalKind::Appointment | GoalKind::Stay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(value: &str) -> SlotValue {
        SlotValue { value: serde_json::json!(value), text: value.into() }
    }

    #[test]
    fn a_question_keeps_the_booking_in_progress_and_details_accumulate() {
        let slots = BTreeMap::from([(Slot::Date, slot("2026-12-04"))]);
        let viewing = Goal::updated(None, Intent::BookViewing, &slots).unwrap();
        assert_eq!(viewing.kind, GoalKind::Viewing);
        let time = BTreeMap::from([(Slot::Time, slot("10:00"))]);
        let asked = Goal::updated(Some(&viewing), Intent::PricingInfo, &time).unwrap();
        assert_eq!(asked.kind, GoalKind::Viewing);
        assert_eq!(asked.details.get(&Slot::Date).map(String::as_str), Some("2026-12-04"));
        assert_eq!(asked.details.get(&Slot::Time).map(String::as_str), Some("10:00"));
        let stay = Goal::updated(Some(&asked), Intent::BookStay, &BTreeMap::new()).unwrap();
        assert_eq!((stay.kind, stay.details.len()), (GoalKind::Stay, 0), "a new errand starts clean");
        assert_eq!(Goal::updated(None, Intent::Greeting, &BTreeMap::new()), None);
    }
}
