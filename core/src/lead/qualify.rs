//! The qualification dialogue: which questions the receptionist asks a new lead, one at a time,
//! until it knows enough for the team to act. A tenant setting (`qualification`), with
//! defaults per template.

use super::fields::{is_qualification_slot, slot_name, LeadFields, QUALIFICATION_SLOTS};
use crate::brain::understand::Slot;
use serde::{Deserialize, Serialize};

/// A question is sent as one message; 160 characters fit a single SMS segment.
pub const MAX_ASK_CHARS: usize = 160;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The field the answer fills.
    pub field: Slot,
    /// What the receptionist says. Word it so the answer can be read bare: "Which area…?"
    /// makes "Clifton" an area, "How many bedrooms…?" makes "2" a bedroom count.
    pub ask: String,
    /// How the intake builder expects it answered; `None` = free text, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
}

/// An intake question's answer type: `text`, `choice` (one of `options`), `yes_no` or `date`,
/// and whether the lead is incomplete without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

pub const ANSWER_TYPES: [&str; 4] = ["text", "choice", "yes_no", "date"];
const MAX_OPTIONS: usize = 12;

impl Answer {
    fn problems(&self, at: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if !ANSWER_TYPES.contains(&self.kind.as_str()) {
            problems.push(format!("{at}.answer.type: `{}` is not one of {}", self.kind, ANSWER_TYPES.join(", ")));
        }
        let choice = self.kind == "choice";
        if choice && !(2..=MAX_OPTIONS).contains(&self.options.len()) {
            problems.push(format!("{at}.answer.options: a choice needs 2 to {MAX_OPTIONS} options"));
        }
        if !choice && !self.options.is_empty() {
            problems.push(format!("{at}.answer.options: only a choice has options"));
        }
        if self.options.iter().any(|o| o.trim().is_empty() || o.chars().count() > 60) {
            problems.push(format!("{at}.answer.options: each 1 to 60 characters"));
        }
        problems
    }
}

/// The questions a template starts with, in asking order, name last: people answer what they
/// came about more readily than who they are. Appointments and unknown templates ask only the
/// name — the day and time are the booking itself, which the booking flow asks for.
pub fn default_questions(template: Option<&str>) -> Vec<Question> {
    let asks: &[(Slot, &str)] = match template.map(str::trim) {
        Some("letting_agent") => &[
            (Slot::Area, "Which area are you looking in?"),
            (Slot::Beds, "How many bedrooms do you need?"),
            (Slot::BudgetMax, "What is your maximum budget?"),
            (Slot::MoveIn, "When would you like to move in?"),
            (Slot::Name, "And may I take your name?"),
        ],
        Some("vacation_rental" | "hotel") => &[
            (Slot::CheckIn, "When would you like to check in?"),
            (Slot::CheckOut, "And when would you check out?"),
            (Slot::PartySize, "How many guests will be staying?"),
            (Slot::Name, "And may I take your name?"),
        ],
        _ => &[(Slot::Name, "May I take your name?")],
    };
    asks.iter().map(|(field, ask)| Question { field: *field, ask: (*ask).to_owned(), answer: None }).collect()
}

/// The first question whose field is still unknown: one question per reply, in order.
pub fn next_question<'a>(fields: &LeadFields, questions: &'a [Question]) -> Option<&'a Question> {
    questions.iter().find(|q| !fields.knows(q.field))
}

/// Complete: every required question answered — or, when the tenant marked none required,
/// every question (trivially so when none are configured).
pub fn is_qualified(fields: &LeadFields, questions: &[Question]) -> bool {
    missing(fields, questions).is_empty()
}

/// The fields a lead still lacks to count as complete, in asking order (see [`is_qualified`]).
pub fn missing(fields: &LeadFields, questions: &[Question]) -> Vec<Slot> {
    let required = |q: &&Question| q.answer.as_ref().is_some_and(|a| a.required);
    let any_required = questions.iter().any(|q| required(&q));
    questions
        .iter()
        .filter(|q| !any_required || required(q))
        .filter(|q| !fields.knows(q.field))
        .map(|q| q.field)
        .collect()
}

/// What the console's intake builder offers (`GET /api/v1/settings`, `intake`): the fields a
/// question may fill with their names in words, the answer types, the limits, and the
/// template's own questions for "reset to the template's defaults".
pub fn builder_view(template: Option<&str>) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = QUALIFICATION_SLOTS
        .iter()
        .map(|slot| serde_json::json!({ "field": slot_name(*slot), "label": super::describe::field_label(*slot) }))
        .collect();
    serde_json::json!({
        "fields": fields,
        "answer_types": ANSWER_TYPES,
        "max_ask_chars": MAX_ASK_CHARS,
        "max_options": MAX_OPTIONS,
        "defaults": default_questions(template),
    })
}

/// Every problem with a tenant's questions, for a 400 that names them all.
pub fn validate_questions(questions: &[Question]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, question) in questions.iter().enumerate() {
        let field = slot_name(question.field);
        let ask = question.ask.trim();
        if ask.is_empty() {
            problems.push(format!("qualification[{i}].ask is empty"));
        } else if ask.chars().count() > MAX_ASK_CHARS {
            problems.push(format!("qualification[{i}].ask: at most {MAX_ASK_CHARS} characters (one SMS)"));
        }
        if !is_qualification_slot(question.field) {
            let allowed: Vec<String> = QUALIFICATION_SLOTS.iter().map(|s| slot_name(*s)).collect();
            problems.push(format!(
                "qualification[{i}].field: `{field}` is a booking detail, not a lead field; use one of {}",
                allowed.join(", ")
            ));
        }
        if let Some(answer) = &question.answer {
            problems.extend(answer.problems(&format!("qualification[{i}]")));
        }
        if questions[..i].iter().any(|earlier| earlier.field == question.field) {
            problems.push(format!("qualification[{i}].field: `{field}` is already asked earlier"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_answer_types_are_checked() {
        let q = |answer: &str| -> Question {
            serde_json::from_str(&format!(
                r#"{{"field": "move_in", "ask": "When would you like to move in?", "answer": {answer}}}"#
            ))
            .unwrap()
        };
        assert!(validate_questions(&[q(r#"{"type": "date", "required": true}"#)]).is_empty());
        assert!(validate_questions(&[q(r#"{"type": "choice", "options": ["Now", "Later"]}"#)]).is_empty());
        let problems = validate_questions(&[q(r#"{"type": "colour"}"#)]);
        assert!(problems[0].starts_with("qualification[0].answer.type"), "{problems:?}");
        assert!(validate_questions(&[q(r#"{"type": "choice", "options": ["Only"]}"#)])[0].contains("2 to 12 options"));
        assert!(validate_questions(&[q(r#"{"type": "yes_no", "options": ["Y", "N"]}"#)])[0].contains("only a choice"));
    }
    use crate::brain::understand::{understand, CivilDate, Input, SlotValue};
    use std::collections::BTreeMap;

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 23 };

    fn answer(fields: &mut LeadFields, question: &Question, reply: &str, template: &str) {
        let input = Input {
            utterance: reply,
            system_before: Some(&question.ask),
            tenant_template: Some(template),
            today: TODAY,
        };
        fields.merge(&understand(&input).slots, "msg", 1);
    }

    #[test]
    fn asks_one_question_at_a_time_until_qualified() {
        let questions = default_questions(Some("letting_agent"));
        let mut fields = LeadFields::default();
        let mut asked = Vec::new();
        for reply in ["Clifton", "2", "1500", "1 December", "Ana Lopez"] {
            let question = next_question(&fields, &questions).expect("still qualifying");
            asked.push(question.field);
            answer(&mut fields, question, reply, "letting_agent");
        }
        assert_eq!(asked, [Slot::Area, Slot::Beds, Slot::BudgetMax, Slot::MoveIn, Slot::Name]);
        assert!(is_qualified(&fields, &questions), "{fields:#?}");
        assert_eq!(fields.get(Slot::MoveIn).unwrap().value, "2026-12-01");
    }

    #[test]
    fn bare_answers_to_the_stay_questions_fill_their_fields() {
        let questions = default_questions(Some("hotel"));
        let mut fields = LeadFields::default();
        for (question, reply) in questions.iter().zip(["the 12th", "the 14th", "4", "Ana"]) {
            answer(&mut fields, question, reply, "hotel");
            assert!(fields.knows(question.field), "{:?} after “{reply}”: {fields:#?}", question.field);
        }
        assert!(is_qualified(&fields, &questions));
    }

    #[test]
    fn something_already_said_is_not_asked_again() {
        let questions = default_questions(Some("letting_agent"));
        let mut fields = LeadFields::default();
        let extracted: BTreeMap<Slot, SlotValue> = [
            (Slot::Area, SlotValue { value: "Clifton".into(), text: "Clifton".into() }),
            (Slot::Beds, SlotValue { value: 2.into(), text: "2 bed".into() }),
        ]
        .into_iter()
        .collect();
        fields.merge(&extracted, "msg_1", 1);
        assert_eq!(next_question(&fields, &questions).map(|q| q.field), Some(Slot::BudgetMax));
        assert!(is_qualified(&fields, &[]), "no questions configured: nothing to ask");
    }

    #[test]
    fn required_questions_decide_when_a_lead_is_complete() {
        let questions: Vec<Question> = serde_json::from_value(serde_json::json!([
            {"field": "furnished", "ask": "Furnished?", "answer": {"type": "choice", "options": ["Yes", "No"], "required": true}},
            {"field": "pets", "ask": "Any pets?", "answer": {"type": "yes_no"}},
            {"field": "name", "ask": "Your name?", "answer": {"type": "text", "required": true}}
        ]))
        .unwrap();
        let mut fields = LeadFields::default();
        assert_eq!(
            missing(&fields, &questions),
            [Slot::Furnished, Slot::Name],
            "the optional pets question is not missing"
        );
        let said = |slot, value: serde_json::Value| BTreeMap::from([(slot, SlotValue { value, text: "words".into() })]);
        fields.merge(&said(Slot::Furnished, serde_json::json!("No")), "msg_1", 1);
        fields.merge(&said(Slot::Name, serde_json::json!("Ana")), "msg_2", 2);
        assert!(is_qualified(&fields, &questions), "complete without the optional answer");
        let none_required = default_questions(Some("letting_agent"));
        assert_eq!(missing(&fields, &none_required).len(), 4, "none marked required: every question counts");
    }

    #[test]
    fn the_builder_is_offered_every_lead_field_in_words_and_the_templates_questions() {
        let view = builder_view(Some("hotel"));
        assert_eq!(view["fields"].as_array().unwrap().len(), QUALIFICATION_SLOTS.len());
        assert!(view["fields"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"field": "move_in", "label": "move-in date"})));
        assert_eq!(view["defaults"][0]["field"], "check_in");
        assert_eq!(view["answer_types"], serde_json::json!(["text", "choice", "yes_no", "date"]));
    }

    #[test]
    fn every_template_asks_valid_questions() {
        for template in crate::tenant::TEMPLATES.into_iter().map(Some).chain([None, Some("car_wash")]) {
            let questions = default_questions(template);
            assert!(questions.last().is_some_and(|q| q.field == Slot::Name), "{template:?}");
            assert_eq!(validate_questions(&questions), Vec::<String>::new(), "{template:?}");
        }
    }

    #[test]
    fn validation_names_every_problem() {
        let questions: Vec<Question> = serde_json::from_value(serde_json::json!([
            {"field": "name", "ask": "  "},
            {"field": "date", "ask": "Which day suits you?"},
            {"field": "budget_max", "ask": "x".repeat(MAX_ASK_CHARS + 1)},
            {"field": "name", "ask": "Your name?"}
        ]))
        .unwrap();
        let problems = validate_questions(&questions);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("[0].ask is empty"));
        assert!(problems[1].contains("`date`") && problems[1].contains("budget_max"));
        assert!(problems[2].contains("160"));
        assert!(problems[3].contains("`name` is already asked"));
        let typo = serde_json::from_value::<Question>(serde_json::json!({"field": "name", "question": "?"}));
        assert!(typo.is_err(), "unknown keys are refused, like the rest of the settings");
    }
}
