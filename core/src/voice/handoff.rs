//! `HandoffData`: the JSON string the `CallDO` sends in ConversationRelay's `end` message,
//! posted back by Twilio to `<Connect action>` (PROTOCOLS.md §2.3). It decides how the call
//! continues once the AI is off the line.

use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Handoff {
    /// `human` = put the caller through to a person; anything else ends the call.
    #[serde(default)]
    pub reason: String,
    /// What staff hear before the caller is connected.
    #[serde(default)]
    pub summary: Option<String>,
}

impl Handoff {
    /// Missing or unreadable data is no handoff: the call ends rather than failing Twilio's
    /// request.
    pub fn parse(raw: Option<&str>) -> Self {
        raw.and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default()
    }

    pub fn wants_person(&self) -> bool {
        self.reason == "human"
    }

    /// What staff are told on answering: the summary, or that there is none.
    pub fn staff_summary(&self) -> String {
        match self.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(summary) => format!("A caller from the front desk. {summary}"),
            None => "A caller from the front desk asked for a person.".to_owned(),
        }
    }
}

/// Where a caller who asked for a person goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonRoute {
    /// Put through (`<Dial>`) to this number.
    Transfer(String),
    /// Nobody to put them through to: the team calls them back (and they may leave a message).
    Callback(super::callback::Missed),
}

/// A transfer needs a number to ring and someone there to answer it: the business open.
pub fn person_route(settings: &super::VoiceSettings, open: bool) -> PersonRoute {
    use super::callback::Missed;
    match &settings.transfer_number {
        Some(number) if open => PersonRoute::Transfer(number.clone()),
        Some(_) => PersonRoute::Callback(Missed::Closed),
        None => PersonRoute::Callback(Missed::NoTransferNumber),
    }
}

/// Whether a `<Dial>` reached someone, from the `DialCallStatus` Twilio posts to its `action`
/// (`completed`/`answered`; `busy`, `no-answer`, `failed`, `canceled` did not).
pub fn dial_answered(dial_call_status: Option<&str>) -> bool {
    matches!(dial_call_status, Some("completed" | "answered"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::callback::Missed;
    use crate::voice::VoiceSettings;

    #[test]
    fn a_transfer_needs_a_number_and_open_hours() {
        let with = VoiceSettings { transfer_number: Some("+447700900123".into()), ..Default::default() };
        assert_eq!(person_route(&with, true), PersonRoute::Transfer("+447700900123".into()));
        assert_eq!(person_route(&with, false), PersonRoute::Callback(Missed::Closed));
        assert_eq!(person_route(&VoiceSettings::default(), true), PersonRoute::Callback(Missed::NoTransferNumber));
    }

    #[test]
    fn only_an_answered_dial_reached_someone() {
        assert!(dial_answered(Some("completed")));
        for missed in [Some("no-answer"), Some("busy"), Some("failed"), Some("canceled"), None] {
            assert!(!dial_answered(missed), "{missed:?}");
        }
    }

    #[test]
    fn reads_the_reason_and_summary_and_tolerates_garbage() {
        let h = Handoff::parse(Some(r#"{"reason":"human","summary":"Wants a viewing","contact":"+44"}"#));
        assert!(h.wants_person());
        assert_eq!(h.summary.as_deref(), Some("Wants a viewing"));
        assert!(!Handoff::parse(Some("not json")).wants_person());
        assert!(!Handoff::parse(None).wants_person());
    }
}
