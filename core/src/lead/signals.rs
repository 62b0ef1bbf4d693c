//! What the contact's messages showed beyond the fields: what they asked for, how urgently, and
//! when they wanted it — each with their words, so every point of the score can be quoted.

use crate::brain::understand::{CivilDate, Intent, Slot, Understanding, Urgency};
use serde::{Deserialize, Serialize};

/// Quotes are cut to this many characters: enough to recognise the message in an explanation,
/// short enough that a lead's stored signals stay small.
pub const QUOTE_CHARS: usize = 120;

/// One inbound message of this lead, reduced to what scoring needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeenMessage {
    pub intent: Intent,
    pub urgency: Urgency,
    /// The message's words (cut to [`QUOTE_CHARS`]).
    pub quote: String,
    /// The words of a day or time the contact asked for ("Friday at 3"), if any.
    #[serde(default)]
    pub when: Option<String>,
}

impl SeenMessage {
    pub fn from_understanding(understanding: &Understanding, body: &str) -> Self {
        let when: Vec<&str> = [Slot::Date, Slot::Time]
            .iter()
            .filter_map(|slot| understanding.slots.get(slot))
            .map(|found| found.text.trim())
            .filter(|text| !text.is_empty())
            .collect();
        SeenMessage {
            intent: understanding.intent,
            urgency: understanding.urgency,
            quote: cut(body.trim()),
            when: (!when.is_empty()).then(|| when.join(" ")),
        }
    }
}

/// Everything the score reads besides the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signals {
    /// This lead's inbound messages, oldest first.
    pub messages: Vec<SeenMessage>,
    /// The contact has been in touch before this conversation.
    pub returning: bool,
    /// The tenant's template (`letting_agent`, `vacation_rental`, `clinic_salon`, `hotel`).
    pub template: Option<String>,
    /// The tenant's local date: "moves in within 30 days" is counted from it.
    pub today: CivilDate,
}

impl Signals {
    /// The first message that showed `intent`: where the contact first said what they want.
    pub(super) fn first(&self, intent: Intent) -> Option<&SeenMessage> {
        self.messages.iter().find(|m| m.intent == intent)
    }

    /// The latest message that showed `intent`: an opt-out is quoted as last said.
    pub(super) fn latest(&self, intent: Intent) -> Option<&SeenMessage> {
        self.messages.iter().rev().find(|m| m.intent == intent)
    }

    /// The latest day or time asked for: people change their minds.
    pub(super) fn latest_when(&self) -> Option<&str> {
        self.messages.iter().rev().find_map(|m| m.when.as_deref())
    }

    /// The first message that was urgent about buying or booking. Urgent complaints and repairs
    /// (and emergencies, which are `Critical`) are service, not a sign of a hot lead.
    pub(super) fn first_urgent(&self) -> Option<&SeenMessage> {
        self.messages
            .iter()
            .find(|m| m.urgency == Urgency::High && !matches!(m.intent, Intent::MaintenanceRequest | Intent::Complaint))
    }
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::{understand, Input};

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 23 };

    fn seen(body: &str, template: &str) -> SeenMessage {
        let input = Input { utterance: body, system_before: None, tenant_template: Some(template), today: TODAY };
        SeenMessage::from_understanding(&understand(&input), body)
    }

    #[test]
    fn keeps_the_intent_the_words_and_the_time_asked_for() {
        let m = seen("  Can I book a haircut on Friday at 3pm?  ", "clinic_salon");
        assert_eq!(m.intent, Intent::BookAppointment);
        assert_eq!(m.quote, "Can I book a haircut on Friday at 3pm?");
        let when = m.when.unwrap();
        assert!(when.contains("Friday") && when.contains("3pm"), "{when}");
        assert_eq!(seen("What are your opening hours?", "clinic_salon").when, None);
    }

    #[test]
    fn long_messages_are_quoted_in_part() {
        let body = "I am looking to rent a flat ".repeat(20);
        let quote = seen(&body, "letting_agent").quote;
        assert!(quote.ends_with('…') && quote.chars().count() <= QUOTE_CHARS + 1, "{quote}");
        assert!(body.starts_with(quote.trim_end_matches('…')));
    }

    #[test]
    fn urgency_counts_only_for_buying_or_booking() {
        let signals = Signals {
            messages: vec![
                seen("The kitchen tap is leaking, urgent please", "letting_agent"),
                seen("Hi", "letting_agent"),
            ],
            returning: false,
            template: Some("letting_agent".into()),
            today: TODAY,
        };
        assert_eq!(signals.messages[0].urgency, Urgency::High);
        assert!(signals.first_urgent().is_none(), "an urgent repair is not an urgent lead");
        let mut hurried = signals.clone();
        hurried.messages.push(seen("I need a 2 bed flat to rent asap, urgent", "letting_agent"));
        assert_eq!(hurried.first_urgent().map(|m| m.intent), Some(Intent::PropertyEnquiryRent));
    }
}
