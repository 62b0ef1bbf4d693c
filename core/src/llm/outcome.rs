//! A turn answered with an LLM brain, in the shape the conversation already stores: a
//! [`Reply`] (text, intent, escalation), the lead details to save, and the tokens to charge.
//!
//! The rules brain runs alongside as a safety net — it is free and deterministic: its intent
//! labels the turn, an emergency it detects escalates even if the model did not (emergencies are
//! policy, not judgement), and it answers whenever the model cannot.

use super::round::Usage;
use super::session::LlmOutcome;
use super::tools::Action;
use crate::brain::rules::RulesBrain;
use crate::brain::{Brain, EscalationRequest, Intent, Reply, Turn};
use crate::escalation::{Priority, Reason};
use crate::brain::understand::{Slot, SlotValue};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// How much of the message an `ai_failure` summary quotes.
const SUMMARY_QUOTE_CHARS: usize = 120;

#[derive(Debug, Clone, PartialEq)]
pub struct LlmBrainOutcome {
    pub reply: Reply,
    /// Lead details the model saved this turn (a later save wins), with the caller's words as
    /// `text` — ready for `LeadFields::merge`.
    pub lead: BTreeMap<Slot, SlotValue>,
    /// Tokens spent, failed rounds included.
    pub usage: Usage,
    /// Why the rules brain answered instead (budget spent, the model failed); `None` when the
    /// model did.
    pub fallback: Option<String>,
}

impl LlmBrainOutcome {
    /// The rules brain's answer when the LLM is not called (e.g. [`super::BudgetMode::Exhausted`]).
    pub fn rules(turn: &Turn, why: &str) -> Self {
        Self { reply: RulesBrain.respond(turn), lead: BTreeMap::new(), usage: Usage::default(), fallback: Some(why.to_owned()) }
    }
}

pub(crate) fn answered(turn: &Turn, answer: LlmOutcome) -> LlmBrainOutcome {
    let rules = RulesBrain.respond(turn);
    let escalation = most_urgent(escalations(&answer.actions).chain(rules.escalation.filter(is_emergency)));
    // The carrier confirms an opt-out itself; a reply would be a second, unwanted message.
    let text = (rules.intent != Intent::OptOut).then_some(answer.text);
    let intent = intent_for(escalation.as_ref(), rules.intent);
    LlmBrainOutcome {
        reply: Reply { text, intent, escalation },
        lead: lead(turn, &answer.actions),
        usage: answer.usage,
        fallback: None,
    }
}

pub(crate) fn failed(turn: &Turn, actions: Vec<Action>, usage: Usage, detail: &str) -> LlmBrainOutcome {
    let rules = RulesBrain.respond(turn);
    let mut escalation = most_urgent(escalations(&actions).chain(rules.escalation));
    if escalation.is_none() && rules.intent != Intent::OptOut {
        escalation = Some(ai_failure(turn, detail));
    }
    let intent = intent_for(escalation.as_ref(), rules.intent);
    LlmBrainOutcome {
        reply: Reply { text: rules.text, intent, escalation },
        lead: lead(turn, &actions),
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

fn is_emergency(e: &EscalationRequest) -> bool {
    e.reason == Reason::Emergency
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

/// The saved fields as slots; without `evidence` from the model, the message is the evidence.
fn lead(turn: &Turn, actions: &[Action]) -> BTreeMap<Slot, SlotValue> {
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
