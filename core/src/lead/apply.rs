//! One inbound message applied to its contact's lead: fields merged with history, the message
//! recorded as a signal, the score recomputed with its explanation, the status advanced, and
//! whether the lead has just become high-value (the team is told once, when it crosses).
//!
//! The lead job runs this against the stored row and writes the result back only if the row
//! has not changed meanwhile (optimistic version), so two channels of one contact cannot
//! overwrite each other's answers.

use super::score::MISSING_KEY;
use super::{
    advance, is_high_value, is_qualified, score, FieldChange, LeadEvent, LeadFields, Question, RubricItem, Score,
};
use super::{ListingSeen, SeenMessage, Signals, Status};
use crate::brain::understand::{CivilDate, Intent, Slot, SlotValue, Urgency};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Messages remembered as applied, so a retried job applies a message once. Jobs are retried
/// within minutes, not after dozens of later messages.
pub const APPLIED_MEMORY: usize = 64;

/// A lead as stored in `leads`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredLead {
    pub status: Status,
    pub fields: LeadFields,
    pub signals: Signals,
    pub score: u8,
    /// Message ids applied, newest last.
    pub applied: Vec<String>,
    pub version: i64,
}

/// One inbound message, as the lead job receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadMessage {
    pub message_id: String,
    pub at: u64,
    pub intent: Intent,
    pub urgency: Urgency,
    pub slots: BTreeMap<Slot, SlotValue>,
    pub body: String,
    pub returning: bool,
    pub today: CivilDate,
    /// This turn handed the conversation to a person (any escalation).
    pub escalated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeadUpdate {
    pub lead: StoredLead,
    pub score: Score,
    pub changes: Vec<FieldChange>,
    /// The score reached the tenant's high-value threshold with this message.
    pub became_high_value: bool,
}

/// The lead after `message`, with the contact's interest in listings as it stands now;
/// `None` if this message was applied already.
pub fn apply(
    stored: Option<&StoredLead>,
    message: &LeadMessage,
    template: Option<&str>,
    questions: &[Question],
    high_value_threshold: u8,
    interest: &[ListingSeen],
) -> Option<LeadUpdate> {
    if stored.is_some_and(|s| s.applied.contains(&message.message_id)) {
        return None;
    }
    let mut lead = stored.cloned().unwrap_or_else(|| StoredLead {
        status: Status::New,
        fields: LeadFields::default(),
        signals: Signals {
            messages: Vec::new(),
            returning: false,
            template: None,
            today: message.today,
            interest: Vec::new(),
        },
        score: 0,
        applied: Vec::new(),
        version: 0,
    });
    let before = lead.score;
    let changes = lead.fields.merge(&message.slots, &message.message_id, message.at);
    lead.signals.returning |= message.returning;
    lead.signals.template = template.map(str::to_owned);
    lead.signals.today = message.today;
    lead.signals.interest = interest.to_vec();
    lead.signals.record(SeenMessage {
        message_id: message.message_id.clone(),
        intent: message.intent,
        urgency: message.urgency,
        quote: message.body.chars().take(super::QUOTE_CHARS).collect(),
        when: [Slot::Date, Slot::Time]
            .iter()
            .filter_map(|s| message.slots.get(s).map(|v| v.text.clone()))
            .reduce(|a, b| format!("{a} {b}")),
    });
    let qualified = is_qualified(&lead.fields, questions);
    lead.status = advance(lead.status, &LeadEvent::Message { intent: message.intent, qualified });
    if message.escalated {
        lead.status = advance(lead.status, &LeadEvent::Escalated);
    }
    let mut score = score(&lead.fields, &lead.signals);
    if let Some(item) = still_to_answer(&lead.fields, questions) {
        score.items.push(item);
    }
    lead.score = score.value;
    lead.applied.push(message.message_id.clone());
    if lead.applied.len() > APPLIED_MEMORY {
        lead.applied.remove(0);
    }
    let became_high_value = before < high_value_threshold && is_high_value(&score, high_value_threshold);
    Some(LeadUpdate { lead, score, changes, became_high_value })
}

/// The required questions still unanswered, as a zero-point item the explanation ends with;
/// `None` when the tenant marked no question required or all are answered.
fn still_to_answer(fields: &LeadFields, questions: &[Question]) -> Option<RubricItem> {
    if !questions.iter().any(|q| q.answer.as_ref().is_some_and(|a| a.required)) {
        return None;
    }
    let missing = super::missing(fields, questions);
    let names: Vec<&str> = missing.iter().map(|slot| super::describe::field_label(*slot)).collect();
    (!names.is_empty()).then(|| RubricItem {
        key: MISSING_KEY.into(),
        label: format!("still to answer: {}", names.join(", ")),
        points: 0,
        evidence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::default_questions;
    use serde_json::json;

    fn message(id: &str, intent: Intent, body: &str, slots: &[(Slot, serde_json::Value, &str)]) -> LeadMessage {
        LeadMessage {
            message_id: id.into(),
            at: 1,
            intent,
            urgency: Urgency::Normal,
            slots: slots.iter().map(|(s, v, t)| (*s, SlotValue { value: v.clone(), text: (*t).into() })).collect(),
            body: body.into(),
            returning: false,
            today: CivilDate { year: 2026, month: 11, day: 23 },
            escalated: false,
        }
    }

    #[test]
    fn a_lead_is_built_up_scored_and_told_to_the_team_once_when_it_turns_high_value() {
        let questions = default_questions(Some("letting_agent"));
        let first = message(
            "msg_1",
            Intent::PropertyEnquiryRent,
            "Looking to rent a 2 bed in Clifton",
            &[(Slot::Beds, json!(2), "2 bed"), (Slot::Area, json!("Clifton"), "Clifton")],
        );
        let one = apply(None, &first, Some("letting_agent"), &questions, 60, &[]).unwrap();
        assert_eq!(one.lead.status, Status::Qualifying);
        assert_eq!(one.changes.len(), 2);
        assert!(apply(Some(&one.lead), &first, Some("letting_agent"), &questions, 60, &[]).is_none(), "retry: no-op");

        let second = message(
            "msg_2",
            Intent::BookViewing,
            "Budget up to 1500, moving 1 December, I'm Ana, can I view Friday?",
            &[
                (Slot::BudgetMax, json!(1500), "up to 1500"),
                (Slot::MoveIn, json!("2026-12-01"), "1 December"),
                (Slot::Name, json!("Ana"), "Ana"),
            ],
        );
        let two = apply(Some(&one.lead), &second, Some("letting_agent"), &questions, 60, &[]).unwrap();
        assert_eq!(two.lead.status, Status::Qualified, "every question answered");
        assert!(two.score.value > one.score.value, "{} then {}", one.score.value, two.score.value);
        assert!(two.became_high_value, "score {}", two.score.value);
        assert!(two.score.items.iter().any(|i| i.evidence.as_deref() == Some("up to 1500")), "{:?}", two.score.items);
        let third = message("msg_3", Intent::ThanksGoodbye, "thanks", &[]);
        assert!(!apply(Some(&two.lead), &third, Some("letting_agent"), &questions, 60, &[]).unwrap().became_high_value);
    }

    #[test]
    fn an_escalated_turn_hands_the_lead_off_and_an_opt_out_scores_zero() {
        let questions = default_questions(Some("letting_agent"));
        let mut m = message("msg_1", Intent::BookViewing, "view it Friday", &[]);
        m.escalated = true;
        assert_eq!(apply(None, &m, None, &questions, 80, &[]).unwrap().lead.status, Status::HandedOff);
        let stop = message("msg_2", Intent::OptOut, "STOP", &[]);
        let one = apply(None, &message("msg_1", Intent::PropertyEnquiryRent, "2 bed", &[]), None, &questions, 80, &[])
            .unwrap();
        assert_eq!(apply(Some(&one.lead), &stop, None, &questions, 80, &[]).unwrap().score.value, 0);
    }

    #[test]
    fn required_questions_decide_completeness_and_the_explanation_names_what_is_missing() {
        let questions: Vec<Question> = serde_json::from_value(json!([
            {"field": "furnished", "ask": "Would you like it furnished?",
             "answer": {"type": "choice", "options": ["Furnished", "Unfurnished"], "required": true}},
            {"field": "pets", "ask": "Any pets?", "answer": {"type": "yes_no", "required": true}},
            {"field": "area", "ask": "Which area?"}
        ]))
        .unwrap();
        let first = message(
            "msg_1",
            Intent::PropertyEnquiryRent,
            "Looking to rent in Clifton",
            &[(Slot::Area, json!("Clifton"), "Clifton")],
        );
        let one = apply(None, &first, Some("letting_agent"), &questions, 80, &[]).unwrap();
        assert_eq!(one.lead.status, Status::Qualifying);
        let explained = one.score.explain();
        assert!(explained.ends_with("Still to answer: furnishing, pets."), "{explained}");
        let second = message(
            "msg_2",
            Intent::ProvideInfo,
            "unfurnished, and no pets",
            &[(Slot::Furnished, json!("Unfurnished"), "unfurnished"), (Slot::Pets, json!(false), "no pets")],
        );
        let two = apply(Some(&one.lead), &second, Some("letting_agent"), &questions, 80, &[]).unwrap();
        assert_eq!(two.lead.status, Status::Qualified, "both required answers in");
        assert!(!two.score.explain().contains("Still to answer"), "{}", two.score.explain());
        assert!(two.score.items.iter().all(|i| i.key != MISSING_KEY));
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;

    #[test]
    fn a_lead_message_survives_the_queue() {
        let m: LeadMessage = serde_json::from_value(serde_json::json!({
            "message_id": "msg_1", "at": 5, "intent": "property_enquiry_rent", "urgency": "normal",
            "slots": {"beds": {"value": 2, "text": "2 bed"}}, "body": "2 bed", "returning": false,
            "today": {"year": 2026, "month": 11, "day": 23}, "escalated": false
        }))
        .unwrap();
        let json = serde_json::to_value(&m).unwrap();
        let back: LeadMessage = serde_json::from_value(json).unwrap();
        let update = apply(None, &back, Some("letting_agent"), &[], 80, &[]).unwrap();
        assert_eq!(update.changes.len(), 1, "{:?}", update.lead.fields);
        let stored = serde_json::to_string(&update.lead.fields).unwrap();
        assert!(stored.contains("\"beds\""), "{stored}");
    }
}
