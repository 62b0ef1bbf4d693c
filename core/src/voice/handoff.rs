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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_reason_and_summary_and_tolerates_garbage() {
        let h = Handoff::parse(Some(r#"{"reason":"human","summary":"Wants a viewing","contact":"+44"}"#));
        assert!(h.wants_person());
        assert_eq!(h.summary.as_deref(), Some("Wants a viewing"));
        assert!(!Handoff::parse(Some("not json")).wants_person());
        assert!(!Handoff::parse(None).wants_person());
    }
}
