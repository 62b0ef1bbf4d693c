//! The console's copilot: "suggest a reply" drafts what the receptionist would say to the
//! contact's last message — the tenant's own brain (its LLM, else the embedded rules) with the
//! business's knowledge — for staff to edit and send. Nothing is sent or stored.

use crate::brain::Turn;
use crate::channel::Channel;
use crate::dialogue::DialogueState;
use crate::kb::Passage;
use crate::lead::LeadFields;
use crate::llm::Role;
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

/// Which brain wrote the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Drafter {
    /// The tenant's LLM.
    Llm,
    /// The embedded rules brain: the tenant has no LLM, or it could not draft (`fallback`).
    Rules,
}

/// Why a tenant with an LLM got the rules brain's draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// The month's token budget is used up: the model was not asked.
    BudgetSpent,
    /// The model failed (an error, a timeout, no key): details are in the Worker's log.
    LlmFailed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub text: String,
    /// The knowledge passages the draft could draw on, best first.
    pub sources: Vec<Source>,
    /// Which brain wrote `text`.
    pub source: Drafter,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
}

pub fn suggestion(text: String, knowledge: &[Passage], source: Drafter, fallback: Option<Fallback>) -> Suggestion {
    let sources =
        knowledge.iter().map(|p| Source { id: p.id.clone(), kb: p.kb.clone(), title: p.title.clone() }).collect();
    Suggestion { text, sources, source, fallback }
}

/// The conversation the model reads before the last message: the stored messages (newest
/// first, as listed) that came before `last_inbound_id`, without empty bodies; the caller keeps
/// what fits with `llm::transcript_within`.
pub fn history<'a>(
    newest_first: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    last_inbound_id: &str,
) -> Vec<(Role, String)> {
    newest_first
        .into_iter()
        .skip_while(|(id, _, _)| *id != last_inbound_id)
        .skip(1)
        .filter(|(_, _, body)| !body.trim().is_empty())
        .map(|(_, direction, body)| (Role::of_direction(direction), body.to_owned()))
        .collect()
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
        let suggestion = suggestion(text, &[deposit], Drafter::Rules, None);
        assert_eq!(serde_json::to_value(&suggestion).unwrap()["source"], "rules");
        assert!(serde_json::to_value(&suggestion).unwrap().get("fallback").is_none());
        assert_eq!(
            suggestion.sources,
            vec![Source { id: "kbc_1".into(), kb: "faq".into(), title: "How much is the deposit?".into() }]
        );
    }

    #[test]
    fn the_model_reads_what_came_before_the_last_message() {
        // Newest first, as the messages API lists them: a staff note after the message is not
        // history of it, and empty bodies (a missed call) say nothing.
        let listed = [
            ("msg_5", "outbound", "Staff: looking into it"),
            ("msg_4", "inbound", "How much is the deposit?"),
            ("msg_3", "outbound", ""),
            ("msg_2", "outbound", "Hi Ana, how can I help?"),
            ("msg_1", "inbound", "Hello"),
        ];
        assert_eq!(
            history(listed, "msg_4"),
            vec![(Role::Assistant, "Hi Ana, how can I help?".to_owned()), (Role::User, "Hello".to_owned())]
        );
        assert!(history(listed, "msg_9").is_empty(), "an unknown message: no history rather than the wrong one");
    }

    #[test]
    fn a_fallback_says_why_the_rules_drafted() {
        let json =
            serde_json::to_value(suggestion("Hi".into(), &[], Drafter::Rules, Some(Fallback::LlmFailed))).unwrap();
        assert_eq!((json["source"].as_str(), json["fallback"].as_str()), (Some("rules"), Some("llm_failed")));
        let llm = serde_json::to_value(suggestion("Hi".into(), &[], Drafter::Llm, None)).unwrap();
        assert_eq!(llm["source"], "llm");
    }
}
