//! What the brain is told about a contact who writes again, so it neither re-asks what it knows
//! nor greets a regular like a stranger. Only facts from the inputs: the brain repeats what it
//! reads, so an invented detail here becomes an invented promise to a customer.

use super::describe::describe;
use super::fields::LeadFields;
use super::lifecycle::Status;
use crate::brain::understand::{Intent, Slot};

/// One or two short sentences, e.g. `Returning contact Ana (qualifying): interested in renting;
/// 2 beds, area Clifton, budget up to 1,500, moving in 2026-12-01. 1 open escalation.`
pub fn history_summary(
    name: Option<&str>,
    status: Status,
    fields: &LeadFields,
    last_intent: Option<Intent>,
    open_escalations: u32,
) -> String {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| fields.get(Slot::Name).and_then(|f| f.value.as_str()).map(|n| n.trim().to_owned()));
    let mut out = match &name {
        Some(name) => format!("Returning contact {name} ({})", status_words(status)),
        None => format!("Returning contact ({})", status_words(status)),
    };
    let wants = last_intent.and_then(intent_words);
    let facts: Vec<String> =
        fields.0.iter().filter(|(slot, _)| **slot != Slot::Name).map(|(slot, f)| describe(*slot, &f.value)).collect();
    match (wants, facts.is_empty()) {
        (Some(wants), true) => out.push_str(&format!(": {wants}.")),
        (Some(wants), false) => out.push_str(&format!(": {wants}; {}.", facts.join(", "))),
        (None, false) => out.push_str(&format!(": {}.", facts.join(", "))),
        (None, true) => out.push('.'),
    }
    match open_escalations {
        0 => {}
        1 => out.push_str(" 1 open escalation."),
        n => out.push_str(&format!(" {n} open escalations.")),
    }
    out
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::HandedOff => "handed off to the team",
        other => other.as_str(),
    }
}

/// What the last message was about, in words; `None` for messages that say nothing about what
/// the contact wants (greetings, thanks, yes/no, bare answers).
fn intent_words(intent: Intent) -> Option<&'static str> {
    Some(match intent {
        Intent::PropertyEnquiryRent => "interested in renting",
        Intent::PropertyEnquiryBuy => "interested in buying",
        Intent::BookViewing => "wants a viewing",
        Intent::BookAppointment => "wants an appointment",
        Intent::BookStay => "wants to book a stay",
        Intent::ValuationRequest => "wants a valuation",
        Intent::AvailabilitySearch => "asked about availability",
        Intent::PricingInfo => "asked about prices",
        Intent::HoursLocation => "asked about opening hours or location",
        Intent::RescheduleCancel => "wants to change or cancel a booking",
        Intent::MaintenanceRequest => "reported a repair",
        Intent::Emergency => "reported an emergency",
        Intent::SpeakToHuman => "asked for a person",
        Intent::Complaint => "made a complaint",
        Intent::OptOut => "opted out",
        Intent::WrongNumberSpam => "said it was a wrong number",
        Intent::Greeting
        | Intent::GeneralEnquiry
        | Intent::ThanksGoodbye
        | Intent::Affirm
        | Intent::Deny
        | Intent::ProvideInfo => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::SlotValue;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    fn fields(pairs: &[(Slot, Value)]) -> LeadFields {
        let extracted: BTreeMap<Slot, SlotValue> =
            pairs.iter().map(|(s, v)| (*s, SlotValue { value: v.clone(), text: v.to_string() })).collect();
        let mut fields = LeadFields::default();
        fields.merge(&extracted, "msg_1", 1);
        fields
    }

    #[test]
    fn tells_the_brain_who_this_is_what_they_want_and_what_is_open() {
        let f = fields(&[
            (Slot::Beds, json!(2)),
            (Slot::Area, json!("Clifton")),
            (Slot::BudgetMax, json!(1500)),
            (Slot::MoveIn, json!("2026-12-01")),
        ]);
        assert_eq!(
            history_summary(Some("Ana"), Status::Qualifying, &f, Some(Intent::PropertyEnquiryRent), 1),
            "Returning contact Ana (qualifying): interested in renting; 2 beds, area Clifton, budget up to 1,500, \
             moving in 2026-12-01. 1 open escalation."
        );
    }

    #[test]
    fn says_nothing_it_was_not_given() {
        assert_eq!(history_summary(None, Status::New, &LeadFields::default(), None, 0), "Returning contact (new).");
        assert_eq!(
            history_summary(Some("  "), Status::HandedOff, &LeadFields::default(), Some(Intent::Greeting), 2),
            "Returning contact (handed off to the team). 2 open escalations."
        );
        assert_eq!(
            history_summary(None, Status::Booked, &LeadFields::default(), Some(Intent::BookStay), 0),
            "Returning contact (booked): wants to book a stay."
        );
    }

    #[test]
    fn a_name_the_contact_gave_is_used_and_not_repeated_as_a_fact() {
        let f = fields(&[(Slot::Name, json!("Ana Lopez")), (Slot::PartySize, json!(3))]);
        assert_eq!(
            history_summary(None, Status::Qualified, &f, Some(Intent::ThanksGoodbye), 0),
            "Returning contact Ana Lopez (qualified): 3 guests."
        );
    }
}
