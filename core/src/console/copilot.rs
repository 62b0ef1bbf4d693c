//! The console's copilot: "suggest a reply" drafts what the receptionist would say to the
//! contact's last message — the embedded brain with the business's knowledge — for staff to
//! edit and send. Nothing is sent or stored.

use crate::brain::Turn;
use crate::channel::Channel;
use crate::dialogue::DialogueState;
use crate::kb::Passage;
use crate::lead::LeadFields;
use crate::tenant::{LocalTime, Settings};
use serde::Serialize;

/// What the draft is written from: the business, the contact's last message and our last words.
pub struct Context<'a> {
    pub business_name: &'a str,
    pub settings: &'a Settings,
    pub local_time: LocalTime,
    pub now_ms: u64,
    pub channel: Channel,
    pub contact_name: Option<&'a str>,
    pub last_inbound: &'a str,
    pub last_outbound: Option<&'a str>,
    pub knowledge: Vec<Passage>,
    /// The contact's stored lead fields and dialogue state (JSON, as the turn stores them): what
    /// the conversation has established, so the draft does not ask it again. Unreadable or
    /// missing means starting afresh, as in the turn.
    pub lead_fields: Option<&'a str>,
    pub dialogue: Option<&'a str>,
}

/// The brain's turn for the draft: a continuing conversation (no greeting), the knowledge
/// passages found for the message.
pub fn turn(context: Context<'_>) -> Turn {
    let dialogue: DialogueState = context.dialogue.and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
    let mut lead: LeadFields = context.lead_fields.and_then(|f| serde_json::from_str(f).ok()).unwrap_or_default();
    lead.fill_from(&dialogue.slots);
    Turn {
        business_name: context.business_name.to_owned(),
        settings: context.settings.clone(),
        local_time: context.local_time,
        channel: context.channel,
        contact_name: context.contact_name.map(str::to_owned),
        returning_contact: true,
        new_conversation: false,
        system_before: context.last_outbound.map(str::to_owned),
        missed_call: false,
        text: context.last_inbound.to_owned(),
        lead,
        history_summary: None,
        unclear_streak: 0,
        dialogue,
        knowledge: context.knowledge,
        now_ms: context.now_ms,
        from_form: false,
        acts: Default::default(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub id: String,
    pub kb: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub text: String,
    /// The knowledge passages the draft could draw on, best first.
    pub sources: Vec<Source>,
}

pub fn suggestion(text: String, knowledge: &[Passage]) -> Suggestion {
    let sources =
        knowledge.iter().map(|p| Source { id: p.id.clone(), kb: p.kb.clone(), title: p.title.clone() }).collect();
    Suggestion { text, sources }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::simulate::faq;
    use crate::brain::{rules::RulesBrain, Brain};

    fn context<'a>(settings: &'a Settings, knowledge: Vec<Passage>, dialogue: Option<&'a str>) -> Context<'a> {
        Context {
            business_name: "Maple & Pine Lettings",
            settings,
            local_time: LocalTime { date: "2026-12-01".parse().unwrap(), minute_of_day: 11 * 60 },
            now_ms: 1_764_586_800_000,
            channel: Channel::Sms,
            contact_name: Some("Ana"),
            last_inbound: "How much is the deposit?",
            last_outbound: None,
            knowledge,
            lead_fields: None,
            dialogue,
        }
    }

    #[test]
    fn the_draft_answers_from_the_knowledge_and_names_its_sources() {
        let settings = Settings::default();
        let deposit = faq("kbc_1", "How much is the deposit?", "The holding deposit is one week's rent.");
        let turn = turn(context(&settings, vec![deposit.clone()], Some("not json")));
        assert!(!turn.new_conversation, "a draft continues the conversation: no greeting");
        let text = RulesBrain.respond(&turn).text.unwrap();
        assert!(text.contains("one week's rent"), "{text}");
        let suggestion = suggestion(text, &[deposit]);
        assert_eq!(
            suggestion.sources,
            vec![Source { id: "kbc_1".into(), kb: "faq".into(), title: "How much is the deposit?".into() }]
        );
    }
}
