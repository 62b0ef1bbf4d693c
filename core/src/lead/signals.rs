//! What the contact's messages showed beyond the fields: what they asked for, how urgently, and
//! when they wanted it — each with their words, so every point of the score can be quoted.

use crate::brain::understand::{CivilDate, Intent, Slot, Understanding, Urgency};
use serde::{Deserialize, Serialize};

/// Quotes are cut to this many characters: enough to recognise the message in an explanation,
/// short enough that a lead's stored signals stay small.
pub const QUOTE_CHARS: usize = 120;

/// One inbound message of this lead, reduced to what scoring needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenMessage {
    /// Makes [`Signals::record`] idempotent: a retried job records a message once.
    pub message_id: String,
    pub intent: Intent,
    pub urgency: Urgency,
    /// The message's words (cut to [`QUOTE_CHARS`]).
    pub quote: String,
    /// The words of a day or time the contact asked for ("Friday at 3"), if any.
    #[serde(default)]
    pub when: Option<String>,
}

impl SeenMessage {
    pub fn from_understanding(message_id: &str, understanding: &Understanding, body: &str) -> Self {
        let when: Vec<&str> = [Slot::Date, Slot::Time]
            .iter()
            .filter_map(|slot| understanding.slots.get(slot))
            .map(|found| found.text.trim())
            .filter(|text| !text.is_empty())
            .collect();
        SeenMessage {
            message_id: message_id.to_owned(),
            intent: understanding.intent,
            urgency: understanding.urgency,
            quote: cut(body.trim()),
            when: (!when.is_empty()).then(|| when.join(" ")),
        }
    }
}

/// Everything the score reads besides the fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    /// This lead's inbound messages that matter for scoring, oldest first (see [`Signals::record`]).
    #[serde(default)]
    pub messages: Vec<SeenMessage>,
    /// The contact has been in touch before this conversation.
    #[serde(default)]
    pub returning: bool,
    /// The tenant's template (`letting_agent`, `vacation_rental`, `clinic_salon`, `hotel`).
    #[serde(default)]
    pub template: Option<String>,
    /// The tenant's local date: "moves in within 30 days" is counted from it.
    pub today: CivilDate,
    /// What the contact did with listings (`listing_interest`), as of the last update.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interest: Vec<super::ListingSeen>,
}

impl Signals {
    /// Adds a message if it tells the score something new, and says whether it did. A message
    /// already recorded is ignored (retries are safe); so is one that repeats an intent already
    /// seen with no day or time, opt-out or first urgency in it — the score quotes the first
    /// time something was said, so storing repeats would only grow the lead row.
    pub fn record(&mut self, seen: SeenMessage) -> bool {
        let news = !self.messages.iter().any(|m| m.message_id == seen.message_id)
            && (self.first(seen.intent).is_none()
                || seen.when.is_some()
                || matches!(seen.intent, Intent::OptOut | Intent::WrongNumberSpam)
                || (urgent_lead(&seen) && self.first_urgent().is_none()));
        if news {
            self.messages.push(seen);
        }
        news
    }

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
        self.messages.iter().find(|m| urgent_lead(m))
    }
}

fn urgent_lead(message: &SeenMessage) -> bool {
    message.urgency == Urgency::High && !matches!(message.intent, Intent::MaintenanceRequest | Intent::Complaint)
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
        SeenMessage::from_understanding(&format!("msg:{body}"), &understand(&input), body)
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
    fn records_each_message_once_and_only_what_the_score_can_use() {
        let mut signals =
            Signals { messages: Vec::new(), returning: false, template: None, today: TODAY, interest: Vec::new() };
        let rent = seen("Looking to rent a 2 bed flat in Leeds", "letting_agent");
        assert!(signals.record(rent.clone()));
        assert!(!signals.record(rent), "a retried job records nothing twice");
        assert!(!signals.record(seen("Also looking to rent a flat with a garden", "letting_agent")), "nothing new");
        assert!(signals.record(seen("Can I view it on Friday at 10am?", "letting_agent")));
        assert!(signals.record(seen("STOP", "letting_agent")));
        assert!(signals.record(seen("STOP!!", "letting_agent")), "the latest opt-out is the one quoted");
        let quotes: Vec<&str> = signals.messages.iter().map(|m| m.quote.as_str()).collect();
        assert_eq!(
            quotes,
            ["Looking to rent a 2 bed flat in Leeds", "Can I view it on Friday at 10am?", "STOP", "STOP!!"]
        );
        let stored: Signals = serde_json::from_str(r#"{"today": {"year": 2026, "month": 11, "day": 23}}"#).unwrap();
        assert!(stored.messages.is_empty() && !stored.returning, "older rows without messages still load");
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
            interest: Vec::new(),
        };
        assert_eq!(signals.messages[0].urgency, Urgency::High);
        assert!(signals.first_urgent().is_none(), "an urgent repair is not an urgent lead");
        let mut hurried = signals.clone();
        hurried.messages.push(seen("I need a 2 bed flat to rent asap, urgent", "letting_agent"));
        assert_eq!(hurried.first_urgent().map(|m| m.intent), Some(Intent::PropertyEnquiryRent));
    }
}
