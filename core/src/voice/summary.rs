//! What a call came to, worked out once when it ends (issue 11, "after every call"): the
//! caller's intent, the outcome — read from what the call actually left behind (bookings,
//! tickets, escalations, the handoff, a voicemail, the dialogue's promises), never from what
//! the words suggest — the facts learnt, one short text for staff and what the team still has
//! to do. The glue gathers the [`CallFacts`] inside the call's time window; this is pure.

use crate::brain::understand::{understand, CivilDate, Input, Intent};
use crate::lead::{slot_name, LeadFields};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    LeadCreated,
    BookingRequested,
    Booked,
    TicketCreated,
    Transferred,
    Voicemail,
    CallbackScheduled,
    Dismissed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::LeadCreated => "lead_created",
            Outcome::BookingRequested => "booking_requested",
            Outcome::Booked => "booked",
            Outcome::TicketCreated => "ticket_created",
            Outcome::Transferred => "transferred",
            Outcome::Voicemail => "voicemail",
            Outcome::CallbackScheduled => "callback_scheduled",
            Outcome::Dismissed => "dismissed",
        }
    }
}

/// One utterance of the call as stored on the voice thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub caller: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingFact {
    /// `viewing`, `appointment`, `stay`.
    pub kind: String,
    pub confirmed: bool,
    /// How the dialogue named it ("a viewing of the flat on Elm Road on Tue 1 Dec at 11:30"), if
    /// it is the dialogue's booking.
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFact {
    pub category: String,
    pub urgency: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationFact {
    /// `core::escalation::Reason` as stored (`human_requested`, `follow_up`, …).
    pub reason: String,
    pub summary: String,
}

/// Everything the call left behind, gathered from storage for the call's time window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFacts {
    /// `relay`, `gather` or `voicemail`.
    pub mode: String,
    /// The terminal `CallStatus`: `completed`, `busy`, `no-answer`, `failed`, `canceled`.
    pub status: String,
    /// The relay ended with a handoff to a person and the tenant has a number to put them through.
    pub transferred: bool,
    /// The relay's `HandoffData` asked for a callback.
    pub callback_requested: bool,
    pub recording_seconds: Option<u64>,
    /// Whether a recording is attached at all.
    pub recording: bool,
    pub utterances: Vec<Utterance>,
    pub bookings: Vec<BookingFact>,
    pub tickets: Vec<TicketFact>,
    pub escalations: Vec<EscalationFact>,
    /// The dialogue promised a booking for the team to confirm during the call.
    pub booking_promised: bool,
    /// The caller became a contact with this call.
    pub new_contact: bool,
    /// What the caller told us on this call (the dialogue's slots from the call's messages).
    pub fields: LeadFields,
    pub caller: String,
    pub caller_name: Option<String>,
    /// The tenant's template and local date, to read the caller's words as the brain did.
    pub template: Option<String>,
    pub today: Option<CivilDate>,
}

impl CallFacts {
    /// What the contact's dialogue state says about this call: the facts told in the call's
    /// own messages (`call_messages`, ids), a booking promised since `since`, and the words for
    /// the dialogue's booking if it is one made on the call (`bookings` are `(id, fact)`).
    pub fn with_dialogue(
        mut self,
        state: &crate::dialogue::DialogueState,
        call_messages: &[String],
        since: u64,
        bookings: Vec<(String, BookingFact)>,
    ) -> Self {
        self.fields = LeadFields(
            state
                .slots
                .0
                .iter()
                .filter(|(_, f)| call_messages.contains(&f.message_id))
                .map(|(s, f)| (*s, f.clone()))
                .collect(),
        );
        self.booking_promised |= state.promised.iter().any(|p| p.booking && p.at >= since);
        self.bookings = bookings
            .into_iter()
            .map(|(id, mut fact)| {
                if let Some(booking) = state.booking.as_ref().filter(|b| b.id == id) {
                    fact.label = Some(staff_label(booking));
                }
                fact
            })
            .collect();
        self
    }
}

/// The dialogue's words for a booking, told to staff rather than the caller ("your viewing" →
/// "a viewing") and dated, since "tomorrow" means nothing once the summary is read later.
fn staff_label(booking: &crate::dialogue::BookingRef) -> String {
    let label = match booking.label.strip_prefix("your ") {
        Some(rest) => format!("a {rest}"),
        None => booking.label.clone(),
    };
    match &booking.date {
        Some(date) => format!("{label} ({date})"),
        None => label,
    }
}

/// The summary stored on the call, shown by the API and put on the contact's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallSummary {
    /// What the caller came for (`book_viewing`, `maintenance_request`, …); none when they said
    /// nothing the brain could read.
    pub intent: Option<Intent>,
    pub outcome: Outcome,
    /// Slot name → normalised value, learnt on this call.
    pub fields: Map<String, Value>,
    pub text: String,
    /// What the team still has to do, one line each.
    pub follow_ups: Vec<String>,
}

/// What a call's turns say once the call is summarised, for a tenant that keeps no transcripts
/// (`settings.voice.transcripts` off): the rows stay — escalations and tickets point at them —
/// and the summary on the same thread says what happened.
pub const TURN_NOT_KEPT: &str = "(words not kept: see the call summary)";

impl CallSummary {
    /// The contact's timeline entry: the summary, then what the team is to do.
    pub fn timeline_text(&self) -> String {
        let mut text = format!("Call summary ({}): {}", self.outcome.as_str(), self.text);
        if !self.follow_ups.is_empty() {
            text.push_str(" To do: ");
            text.push_str(&self.follow_ups.join(" "));
        }
        text
    }
}

/// Intents that say what a call is about, as opposed to how a turn of it goes.
fn pursues_something(intent: Intent) -> bool {
    !matches!(intent, Intent::Greeting | Intent::ThanksGoodbye | Intent::Affirm | Intent::Deny | Intent::ProvideInfo)
}

/// The call's intent: an emergency anywhere wins, else the first errand the caller named.
pub fn intent(facts: &CallFacts) -> Option<Intent> {
    let today = facts.today.unwrap_or(CivilDate { year: 2026, month: 1, day: 1 });
    let mut before: Option<&str> = None;
    let mut intents = Vec::new();
    for u in &facts.utterances {
        if !u.caller {
            before = Some(&u.text);
            continue;
        }
        let input =
            Input { utterance: &u.text, system_before: before, tenant_template: facts.template.as_deref(), today };
        intents.push(understand(&input).intent);
    }
    if intents.contains(&Intent::Emergency) {
        return Some(Intent::Emergency);
    }
    intents.iter().copied().find(|i| pursues_something(*i))
}

/// What the call came to, best first: what was done for the caller outranks what was passed on.
pub fn outcome(facts: &CallFacts, intent: Option<Intent>) -> Outcome {
    let escalated = |reason: &str| facts.escalations.iter().any(|e| e.reason == reason);
    if facts.bookings.iter().any(|b| b.confirmed) {
        Outcome::Booked
    } else if !facts.tickets.is_empty() {
        Outcome::TicketCreated
    } else if facts.transferred {
        Outcome::Transferred
    } else if facts.callback_requested || escalated("human_requested") {
        // Nobody took the call: the request for a person is the team's task to ring back.
        Outcome::CallbackScheduled
    } else if facts.booking_promised {
        Outcome::BookingRequested
    } else if facts.mode == "voicemail" && facts.recording {
        Outcome::Voicemail
    } else if facts.new_contact && (!facts.fields.is_empty() || intent.is_some_and(is_business)) {
        Outcome::LeadCreated
    } else {
        Outcome::Dismissed
    }
}

/// Intents that make a caller worth following up.
fn is_business(intent: Intent) -> bool {
    !matches!(intent, Intent::WrongNumberSpam | Intent::OptOut | Intent::SpeakToHuman)
}

fn about(intent: Intent) -> &'static str {
    match intent {
        Intent::BookViewing => "a viewing",
        Intent::PropertyEnquiryRent => "renting",
        Intent::PropertyEnquiryBuy => "buying",
        Intent::AvailabilitySearch => "what is available",
        Intent::BookAppointment => "an appointment",
        Intent::BookStay => "a stay",
        Intent::RescheduleCancel => "moving or cancelling a booking",
        Intent::ValuationRequest => "a valuation",
        Intent::MaintenanceRequest => "a repair",
        Intent::Emergency => "an emergency",
        Intent::SpeakToHuman => "speaking to someone",
        Intent::Complaint => "a complaint",
        Intent::PricingInfo => "prices",
        Intent::HoursLocation => "opening hours or the address",
        Intent::GeneralEnquiry => "a question",
        Intent::OptOut => "not being contacted",
        Intent::WrongNumberSpam => "nothing for us",
        Intent::Greeting | Intent::ThanksGoodbye | Intent::Affirm | Intent::Deny | Intent::ProvideInfo => {
            "nothing in particular"
        }
    }
}

fn outcome_sentence(facts: &CallFacts, outcome: Outcome) -> String {
    match outcome {
        Outcome::Booked => {
            let booking = facts.bookings.iter().find(|b| b.confirmed);
            match booking.and_then(|b| b.label.clone()) {
                Some(label) => format!("Booked: {label}."),
                None => format!("A {} was booked.", booking.map(|b| b.kind.as_str()).unwrap_or("booking")),
            }
        }
        Outcome::TicketCreated => {
            let t = &facts.tickets[0];
            format!("An {} {} ticket was opened: {}", t.urgency, t.category, end_with_stop(&t.summary))
        }
        Outcome::Transferred => "They were put through to the team.".into(),
        Outcome::CallbackScheduled => "They asked for a person; the team is to call them back.".into(),
        Outcome::BookingRequested => "They asked to book; the team is to confirm it.".into(),
        Outcome::Voicemail => match facts.recording_seconds {
            Some(s) => format!("They left a voicemail ({s} s)."),
            None => "They left a voicemail.".into(),
        },
        Outcome::LeadCreated => "A new lead.".into(),
        Outcome::Dismissed if facts.status != "completed" => format!("The call did not connect ({}).", facts.status),
        Outcome::Dismissed => "Nothing to follow up.".into(),
    }
}

fn end_with_stop(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn follow_ups(facts: &CallFacts, outcome: Outcome) -> Vec<String> {
    let mut out: Vec<String> = facts.escalations.iter().map(|e| end_with_stop(&e.summary)).collect();
    for t in &facts.tickets {
        out.push(format!("Work the {} {} ticket: {}", t.urgency, t.category, end_with_stop(&t.summary)));
    }
    match outcome {
        Outcome::Voicemail => out.push("Listen to the voicemail and call them back.".into()),
        Outcome::LeadCreated if out.is_empty() => out.push(format!("Follow up the new lead {}.", facts.caller)),
        _ => {}
    }
    out.dedup();
    out
}

fn field_words(fields: &Map<String, Value>) -> String {
    let words: Vec<String> = fields
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{} {value}", name.replace('_', " "))
        })
        .collect();
    words.join(", ")
}

pub fn summarize(facts: &CallFacts) -> CallSummary {
    let intent = intent(facts);
    let outcome = outcome(facts, intent);
    let fields: Map<String, Value> =
        facts.fields.0.iter().map(|(slot, field)| (slot_name(*slot), field.value.clone())).collect();
    let who = match (&facts.caller_name, facts.caller.as_str()) {
        (Some(name), "") => name.clone(),
        (Some(name), number) => format!("{name} ({number})"),
        // A withheld number.
        (None, "") => "Someone".to_owned(),
        (None, number) => number.to_owned(),
    };
    let mut text = match intent {
        Some(intent) => format!("{who} called about {}.", about(intent)),
        None => format!("{who} called."),
    };
    text.push(' ');
    text.push_str(&outcome_sentence(facts, outcome));
    if !fields.is_empty() {
        text.push_str(&format!(" Learnt: {}.", field_words(&fields)));
    }
    let follow_ups = follow_ups(facts, outcome);
    CallSummary { intent, outcome, fields, text, follow_ups }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::Slot;
    use crate::lead::Field;

    fn call(said: &[&str]) -> CallFacts {
        CallFacts {
            mode: "relay".into(),
            status: "completed".into(),
            caller: "+447700900123".into(),
            template: Some("letting_agent".into()),
            today: Some(CivilDate { year: 2026, month: 11, day: 30 }),
            utterances: said
                .iter()
                .enumerate()
                .map(|(i, t)| Utterance { caller: i % 2 == 0, text: (*t).to_owned() })
                .collect(),
            ..Default::default()
        }
    }

    fn booking(confirmed: bool) -> BookingFact {
        BookingFact {
            kind: "viewing".into(),
            confirmed,
            label: Some("a viewing of the flat on Elm Road today at 11:30".into()),
        }
    }

    #[test]
    fn a_booking_made_on_the_call_is_booked_and_named() {
        let mut facts = call(&["Can I view the flat on Elm Road?", "Today at 11:30 or 15:00?", "11:30 please"]);
        facts.bookings.push(booking(true));
        facts.booking_promised = true;
        let s = summarize(&facts);
        assert_eq!(s.outcome, Outcome::Booked);
        assert_eq!(s.intent, Some(Intent::BookViewing));
        assert_eq!(
            s.text,
            "+447700900123 called about a viewing. Booked: a viewing of the flat on Elm Road today at 11:30."
        );
    }

    #[test]
    fn the_dialogue_gives_the_calls_own_facts_and_names_its_booking() {
        use crate::dialogue::{BookingRef, DialogueState, Promise};
        let field = |v: &str, m: &str| Field {
            value: Value::String(v.into()),
            evidence: v.into(),
            message_id: m.into(),
            at: 1,
        };
        let mut state = DialogueState::default();
        state.slots.0.insert(Slot::Name, field("Tom", "msg_call"));
        state.slots.0.insert(Slot::Area, field("Clifton", "msg_last_week"));
        state.promised.push(Promise { what: "confirm a viewing".into(), at: 50, booking: true });
        state.booking = Some(BookingRef {
            id: "bkg_1".into(),
            label: "your viewing today at 11:30".into(),
            date: Some("2026-11-30".into()),
        });
        let unnamed = BookingFact { kind: "viewing".into(), confirmed: true, label: None };
        let facts = call(&[]).with_dialogue(&state, &["msg_call".into()], 100, vec![("bkg_1".into(), unnamed)]);
        assert_eq!(facts.fields.0.keys().collect::<Vec<_>>(), vec![&Slot::Name], "only what was said on the call");
        assert!(!facts.booking_promised, "a promise from before the call is not this call's");
        assert_eq!(facts.bookings[0].label.as_deref(), Some("a viewing today at 11:30 (2026-11-30)"));
    }

    #[test]
    fn a_booking_cancelled_on_the_same_call_is_not_booked() {
        let mut facts = call(&["Can I view the flat on Elm Road?"]);
        facts.bookings.push(booking(false));
        assert_ne!(outcome(&facts, intent(&facts)), Outcome::Booked);
    }

    #[test]
    fn a_ticket_outranks_the_handoff_and_both_are_followed_up() {
        let mut facts = call(&["There's water pouring through my ceiling"]);
        facts.tickets.push(TicketFact {
            category: "plumbing".into(),
            urgency: "emergency".into(),
            summary: "Water through the ceiling".into(),
        });
        facts.escalations.push(EscalationFact { reason: "emergency".into(), summary: "Emergency: leak".into() });
        facts.transferred = true;
        let s = summarize(&facts);
        assert_eq!(s.outcome, Outcome::TicketCreated);
        assert_eq!(s.intent, Some(Intent::Emergency));
        assert_eq!(
            s.follow_ups,
            vec!["Emergency: leak.", "Work the emergency plumbing ticket: Water through the ceiling."]
        );
    }

    #[test]
    fn a_person_asked_for_is_a_transfer_with_a_number_and_a_callback_without() {
        let mut facts = call(&["Can I speak to someone?"]);
        facts.transferred = true;
        assert_eq!(outcome(&facts, None), Outcome::Transferred);
        facts.transferred = false;
        facts.escalations.push(EscalationFact { reason: "human_requested".into(), summary: "Wants a person".into() });
        assert_eq!(outcome(&facts, None), Outcome::CallbackScheduled);
    }

    #[test]
    fn a_promised_booking_is_a_request_for_the_team() {
        let mut facts = call(&["I'd like to see the flat on Elm Road on Saturday"]);
        facts.booking_promised = true;
        assert_eq!(summarize(&facts).outcome, Outcome::BookingRequested);
    }

    #[test]
    fn a_voicemail_only_with_a_recording() {
        let mut facts = CallFacts { mode: "voicemail".into(), status: "completed".into(), ..Default::default() };
        assert_eq!(outcome(&facts, None), Outcome::Dismissed);
        facts.recording = true;
        facts.recording_seconds = Some(17);
        let s = summarize(&facts);
        assert_eq!(s.outcome, Outcome::Voicemail);
        assert!(s.text.ends_with("They left a voicemail (17 s)."), "{}", s.text);
        assert_eq!(s.follow_ups, vec!["Listen to the voicemail and call them back."]);
        assert_eq!(
            s.timeline_text(),
            "Call summary (voicemail): Someone called. They left a voicemail (17 s). To do: Listen to the voicemail and call them back."
        );
    }

    #[test]
    fn a_new_caller_who_told_us_something_is_a_lead_and_the_fields_are_named() {
        let mut facts = call(&["I'm looking for a two bed flat to rent, I'm Priya"]);
        facts.new_contact = true;
        let field =
            |v: &str| Field { value: Value::String(v.into()), evidence: v.into(), message_id: "m".into(), at: 1 };
        facts.fields.0.insert(Slot::Name, field("Priya"));
        let s = summarize(&facts);
        assert_eq!(s.outcome, Outcome::LeadCreated);
        assert_eq!(s.fields.get("name"), Some(&Value::String("Priya".into())));
        assert!(s.text.ends_with("A new lead. Learnt: name Priya."), "{}", s.text);
        assert_eq!(s.follow_ups, vec!["Follow up the new lead +447700900123."]);
        // The same caller already known, or a wrong number, is nothing to follow up.
        facts.new_contact = false;
        assert_eq!(outcome(&facts, intent(&facts)), Outcome::Dismissed);
    }

    #[test]
    fn an_unanswered_call_says_so() {
        let facts = CallFacts { status: "no-answer".into(), caller: "+447700900123".into(), ..Default::default() };
        let s = summarize(&facts);
        assert_eq!(s.outcome, Outcome::Dismissed);
        assert_eq!(s.intent, None);
        assert_eq!(s.text, "+447700900123 called. The call did not connect (no-answer).");
        assert!(s.follow_ups.is_empty());
    }

    #[test]
    fn the_outcome_is_stored_by_its_wire_name() {
        let json = serde_json::to_value(Outcome::CallbackScheduled).unwrap();
        assert_eq!(json, Value::String(Outcome::CallbackScheduled.as_str().into()));
    }
}
