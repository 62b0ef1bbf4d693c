//! A turn answered with an LLM brain, in the shape every brain answers in: a [`Reply`], plus
//! the tokens to charge and why the model was not used, if it was not.
//!
//! The rules brain runs alongside as a safety net — it is free and deterministic: it labels the
//! turn (intent, language, urgency, slots), an emergency it detects escalates even if the model
//! did not (emergencies are policy, not judgement), and it answers whenever the model cannot.

use super::round::Usage;
use super::session::LlmOutcome;
use super::tools::Action;
use crate::brain::acted;
use crate::brain::rules::RulesBrain;
use crate::brain::tone::frame;
use crate::brain::understand::{Slot, SlotValue};
use crate::brain::{Brain, EscalationRequest, Intent, Reply, Turn};
use crate::dialogue::ReplyActs;
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
        // Signed as the prompt named it.
        let persona = crate::brain::persona::of_turn(turn, crate::brain::persona::role_of_turn(turn));
        let persona = persona.map(|p| p.name.as_str());
        frame(answer.text, style, rules.language.code(), first_name, &turn.business_name, persona)
    });
    let mut slots = rules.slots.clone();
    slots.extend(saved_slots(turn, &answer.actions));
    let intent = intent_for(escalation.as_ref(), rules.intent);
    // The rules' dialogue bookkeeping describes words that were not sent; what the acts left
    // (the listing in focus, the booking to move or cancel, the times offered) stands.
    let dialogue = acted::say(turn, &turn.lead, "en").map(|said| {
        let acted = ReplyActs {
            listing: said.listing,
            booking: said.booking,
            offered: said.offered,
            offered_stay: said.offered_stay,
            ..Default::default()
        };
        turn.dialogue.observe(turn.new_conversation, intent, &slots, text.as_deref(), turn.now_ms, acted)
    });
    LlmBrainOutcome {
        reply: Reply {
            text,
            intent,
            escalation,
            slots,
            // The model answered: whatever the rules could not place, it did.
            unclear: false,
            dialogue,
            unanswered: None,
            ..rules
        },
        usage: answer.usage,
        fallback: None,
    }
}

pub(crate) fn failed(turn: &Turn, actions: Vec<Action>, usage: Usage, detail: &str) -> LlmBrainOutcome {
    let rules = RulesBrain.respond(turn);
    // The rules' follow-up task is for the team's queue; a failed model must page as one.
    let raised = rules.escalation.clone().filter(|e| e.reason != Reason::FollowUp);
    let mut escalation = most_urgent(escalations(&actions).chain(raised));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Channel;
    use crate::llm::session::Stop;
    use crate::llm::testing::turn;
    use serde_json::Map;

    fn said(text: &str, actions: Vec<Action>) -> LlmOutcome {
        LlmOutcome {
            text: text.into(),
            actions,
            usage: Usage { input_tokens: 10, output_tokens: 5 },
            stop: Stop::EndTurn,
        }
    }

    fn escalate(reason: Reason) -> Action {
        Action::Escalate(EscalationRequest { reason, summary: "s".into(), detail: "{}".into() })
    }

    #[test]
    fn an_emergency_the_model_missed_still_escalates_and_the_most_urgent_escalation_wins() {
        let t = turn("I can smell gas in the kitchen");
        let outcome = answered(&t, said("Please leave the flat now.", vec![]));
        let escalation = outcome.reply.escalation.unwrap();
        assert_eq!((escalation.reason, outcome.reply.intent), (Reason::Emergency, Intent::Emergency));
        assert_eq!(outcome.reply.text.as_deref(), Some("Please leave the flat now."));

        let t = turn("Can I talk to someone? Also it's urgent");
        let both = answered(&t, said("Sure.", vec![escalate(Reason::HighValueLead), escalate(Reason::HumanRequested)]));
        assert_eq!(both.reply.escalation.unwrap().reason, Reason::HumanRequested);
        assert_eq!(both.reply.intent, Intent::SpeakToHuman);
    }

    #[test]
    fn saved_lead_details_become_slots_with_the_callers_words() {
        let t = turn("I'm Ana and I need 2 bedrooms");
        let mut fields = Map::new();
        fields.insert("name".into(), json!("Ana"));
        fields.insert("beds".into(), json!(2));
        let outcome = answered(&t, said("Thanks Ana!", vec![Action::SaveLead(fields)]));
        let name = &outcome.reply.slots[&Slot::Name];
        assert_eq!((name.value.clone(), name.text.as_str()), (json!("Ana"), "I'm Ana and I need 2 bedrooms"));
        assert_eq!(outcome.reply.slots[&Slot::Beds].value, json!(2));
        assert!(!outcome.reply.unclear);
    }

    #[test]
    fn an_opt_out_gets_no_reply_and_email_replies_are_framed_as_letters() {
        let outcome = answered(&turn("STOP"), said("You're unsubscribed.", vec![]));
        assert_eq!((outcome.reply.text, outcome.reply.intent), (None, Intent::OptOut));
        let mut t = turn("When are you open on Saturday?");
        t.channel = Channel::Email;
        t.contact_name = Some("Ana Lima".into());
        let letter = answered(&t, said("We are open 10:00–14:00 on Saturdays.", vec![])).reply.text.unwrap();
        assert!(
            letter.starts_with("Dear Ana,\n\nWe are open") && letter.ends_with("Maple & Pine Lettings"),
            "{letter}"
        );
    }

    #[test]
    fn failures_and_spent_budgets_fall_back_to_the_rules_brain() {
        let t = turn("Hi, is the flat on Elm Road still available?");
        let failed = failed(&t, vec![], Usage { input_tokens: 7, output_tokens: 0 }, "anthropic 401");
        assert!(failed.reply.text.unwrap().contains("Maple & Pine Lettings"));
        assert_eq!(failed.reply.escalation.unwrap().reason, Reason::AiFailure);
        assert_eq!((failed.usage.total(), failed.fallback.as_deref()), (7, Some("anthropic 401")));
        let kept = super::failed(&t, vec![escalate(Reason::Complaint)], Usage::default(), "x");
        assert_eq!(kept.reply.escalation.unwrap().reason, Reason::Complaint, "what the model raised is kept");
        assert!(super::failed(&turn("STOP"), vec![], Usage::default(), "x").reply.escalation.is_none());
        let spent = LlmBrainOutcome::rules(&t, "monthly token budget spent");
        assert_eq!(spent.reply, RulesBrain.respond(&t));
        let raised = spent.reply.escalation.map(|e| e.reason);
        assert_eq!(raised, Some(Reason::FollowUp), "the rules' own task (check Elm Road), no ai_failure");
    }
}
