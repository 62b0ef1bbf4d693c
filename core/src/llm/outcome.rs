//! A turn answered with an LLM brain, in the shape every brain answers in: a [`Reply`], plus
//! the tokens to charge and why the model was not used, if it was not.
//!
//! The rules brain runs alongside as a safety net — it is free and deterministic: it labels the
//! turn (intent, language, urgency, slots), an emergency it detects escalates even if the model
//! did not (emergencies are policy, not judgement), and it answers whenever the model cannot.

use super::round::Usage;
use super::session::LlmOutcome;
use super::tools::Action;
use crate::brain::rules::RulesBrain;
use crate::brain::tone::frame;
use crate::brain::understand::{Language, Slot, SlotValue};
use crate::brain::{Brain, EscalationRequest, Intent, Reply, Turn};
use crate::escalation::{Priority, Reason};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// How much of the message an `ai_failure` summary quotes.
const SUMMARY_QUOTE_CHARS: usize = 120;

#[derive(Debug, Clone, PartialEq)]
pub struct LlmBrainOutcome {
    /// `slots` include the lead details the model saved (with the caller's words as `text`).
    pub reply: Reply,
    /// Tokens spent, failed rounds included: what the tenant's monthly budget is charged.
    pub usage: Usage,
    /// Why the rules brain answered instead (budget spent, the model failed); `None` when the
    /// model did.
    pub fallback: Option<String>,
}

impl LlmBrainOutcome {
    /// The rules brain's answer when the LLM is not called (e.g. [`super::BudgetMode::Exhausted`]).
    pub fn rules(turn: &Turn, why: &str) -> Self {
        Self { reply: RulesBrain.respond(turn), usage: Usage::default(), fallback: Some(why.to_owned()) }
    }
}

pub(crate) fn answered(turn: &Turn, answer: LlmOutcome) -> LlmBrainOutcome {
    let rules = RulesBrain.respond(turn);
    let emergency = rules.escalation.clone().filter(|e| e.reason == Reason::Emergency);
    let escalation = most_urgent(escalations(&answer.actions).chain(emergency));
    // The carrier confirms an opt-out itself; a reply would be a second, unwanted message.
    let text = (rules.intent != Intent::OptOut).then(|| {
        let first_name = turn.contact_name.as_deref().and_then(|n| n.split_whitespace().next());
        let style = turn.settings.style_for(turn.channel);
        frame(answer.text, style, code(rules.language), first_name, &turn.business_name)
    });
    let mut slots = rules.slots.clone();
    slots.extend(saved_slots(turn, &answer.actions));
    LlmBrainOutcome {
        reply: Reply {
            text,
            intent: intent_for(escalation.as_ref(), rules.intent),
            escalation,
            slots,
            // The model answered: whatever the rules could not place, it did.
            unclear: false,
            ..rules
        },
        usage: answer.usage,
        fallback: None,
    }
}

pub(crate) fn failed(turn: &Turn, actions: Vec<Action>, usage: Usage, detail: &str) -> LlmBrainOutcome {
    let rules = RulesBrain.respond(turn);
    let mut escalation = most_urgent(escalations(&actions).chain(rules.escalation.clone()));
    if escalation.is_none() && rules.intent != Intent::OptOut {
        escalation = Some(ai_failure(turn, detail));
    }
    let mut slots = rules.slots.clone();
    slots.extend(saved_slots(turn, &actions));
    LlmBrainOutcome {
        reply: Reply { intent: intent_for(escalation.as_ref(), rules.intent), escalation, slots, ..rules },
        usage,
        fallback: Some(detail.to_owned()),
    }
}

fn escalations(actions: &[Action]) -> impl Iterator<Item = EscalationRequest> + '_ {
    actions.iter().filter_map(|a| match a {
        Action::Escalate(e) => Some(e.clone()),
        Action::SaveLead(_) => None,
    })
}

/// A reply carries one escalation: the most urgent, the first of equals.
fn most_urgent(candidates: impl Iterator<Item = EscalationRequest>) -> Option<EscalationRequest> {
    let rank = |e: &EscalationRequest| match e.reason.priority() {
        Priority::Critical => 0,
        Priority::High => 1,
        Priority::Normal => 2,
    };
    candidates.fold(None, |best, e| match best {
        Some(b) if rank(&b) <= rank(&e) => Some(b),
        _ => Some(e),
    })
}

/// An escalation names what the turn was; otherwise the rules brain's reading stands.
fn intent_for(escalation: Option<&EscalationRequest>, understood: Intent) -> Intent {
    match escalation.map(|e| e.reason) {
        Some(Reason::Emergency) => Intent::Emergency,
        Some(Reason::HumanRequested) => Intent::SpeakToHuman,
        Some(Reason::Complaint) => Intent::Complaint,
        _ => understood,
    }
}

/// `save_lead_details` fields as slots (a later save wins); without `evidence` from the model,
/// the message itself is the evidence.
fn saved_slots(turn: &Turn, actions: &[Action]) -> BTreeMap<Slot, SlotValue> {
    let mut slots = BTreeMap::new();
    for action in actions {
        let Action::SaveLead(fields) = action else {
            continue;
        };
        let evidence = fields.get("evidence").and_then(Value::as_str).unwrap_or(&turn.text);
        for (name, value) in fields {
            if let Ok(slot) = serde_json::from_value::<Slot>(Value::String(name.clone())) {
                slots.insert(slot, SlotValue { value: value.clone(), text: evidence.to_owned() });
            }
        }
    }
    slots
}

fn code(language: Language) -> &'static str {
    match language {
        Language::En => "en",
        Language::Es => "es",
        Language::Fr => "fr",
        Language::De => "de",
        Language::Pt => "pt",
        Language::It => "it",
    }
}

fn ai_failure(turn: &Turn, detail: &str) -> EscalationRequest {
    let quote: String = turn.text.chars().take(SUMMARY_QUOTE_CHARS).collect();
    let ellipsis = if turn.text.chars().count() > SUMMARY_QUOTE_CHARS { "…" } else { "" };
    let summary = if turn.missed_call {
        "AI reply failed after a missed call; the rules brain answered".to_owned()
    } else {
        format!("AI reply failed; the rules brain answered: \u{201c}{quote}{ellipsis}\u{201d}")
    };
    EscalationRequest {
        reason: Reason::AiFailure,
        summary,
        detail: json!({ "error": detail, "quote": turn.text }).to_string(),
    }
}
