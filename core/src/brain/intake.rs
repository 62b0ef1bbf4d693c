//! The tenant's intake questions as the caller meets them (`lead::Answer`, set in the console's
//! intake builder): a choice is asked with its options and read against them, a yes/no as a yes
//! or a no, a date as a date. A reply that does not fit is not stored; the question is asked once
//! more, more specifically, and then dropped for the team (`dialogue::MAX_ASKS`): never a loop.
//! Text questions (and questions without an answer type) keep the NLU's reading and wording.

use super::phrases::{fill, phrase, Phrase};
use super::understand::expect::{fits, mentions, read_expected, Expect};
use super::understand::{Intent, Understanding};
use super::Turn;
use crate::dialogue::DialogueState;
use crate::lead::Question;

/// What `question` expects, or `None` for free text.
fn expect(question: &Question) -> Option<Expect<'_>> {
    match question.answer.as_ref()?.kind.as_str() {
        "choice" => Some(Expect::Choice(&question.answer.as_ref()?.options)),
        "yes_no" => Some(Expect::YesNo),
        "date" => Some(Expect::Date),
        _ => None,
    }
}

/// The question as asked, first or `again`; `None` leaves the wording to the built-in questions.
pub(super) fn ask(question: &Question, again: bool, lang: &str) -> Option<String> {
    let expect = expect(question)?;
    let ask = question.ask.trim();
    let text = match (expect, again) {
        (Expect::Choice(options), false) if options.iter().all(|o| mentions(ask, o)) => ask.to_owned(),
        (Expect::Choice(options), false) => {
            let listed = fill(phrase(Phrase::ChoiceOptions, lang), &[("options", &listed(options, lang, false))]);
            format!("{ask} {listed}")
        }
        (Expect::Choice(options), true) => {
            fill(phrase(Phrase::ChoiceAgain, lang), &[("options", &listed(options, lang, true))])
        }
        (Expect::YesNo, false) | (Expect::Date, false) => return None,
        (Expect::YesNo, true) => {
            let ask = if ask.ends_with('?') { ask.to_owned() } else { format!("{}?", ask.trim_end_matches('.')) };
            fill(phrase(Phrase::YesNoAgain, lang), &[("ask", &ask)])
        }
        (Expect::Date, true) => phrase(Phrase::DateAgain, lang).to_owned(),
    };
    Some(text)
}

/// "Furnished, Unfurnished or Part furnished"; numbered ("1) Furnished, 2) …") when asked again,
/// so a number is an easy answer.
fn listed(options: &[String], lang: &str, numbered: bool) -> String {
    let items: Vec<String> =
        options.iter().enumerate().map(|(i, o)| if numbered { format!("{}) {o}", i + 1) } else { o.clone() }).collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {} {last}", rest.join(", "), phrase(Phrase::Or, lang)),
        _ => items.concat(),
    }
}

/// Reads the reply to the intake question our last reply asked, if it expects a typed answer:
/// a fitting reply becomes that field (and its words stop counting as anything else, so "2"
/// is the second option, not two bedrooms); one that does not fit leaves the field unknown.
pub(super) fn read_reply(turn: &Turn, state: &DialogueState, understood: &mut Understanding) {
    let Some(asked) = &state.current.asked else { return };
    let own = turn.settings.questions();
    let Some(question) = own.iter().find(|q| q.field == asked.slot) else { return };
    // A question worded in the caller's language may list its options in that language.
    let local = turn.settings.questions_in(understood.language.code());
    let question = local.iter().find(|q| q.field == asked.slot && q.answer.is_some()).unwrap_or(question);
    let Some(expect) = expect(question) else { return };
    match read_expected(expect, &turn.text, turn.local_time.date) {
        Some(found) => {
            // A yes or a no is the whole reply, which may go on to say more ("Yes, and up to 1500").
            if expect != Expect::YesNo {
                understood.slots.retain(|_, v| !found.text.contains(v.text.as_str()));
            }
            understood.slots.insert(asked.slot, found);
            if matches!(understood.intent, Intent::GeneralEnquiry | Intent::Affirm | Intent::Deny) {
                understood.intent = Intent::ProvideInfo;
            }
        }
        // Nothing typed, but the NLU may have read it anyway in a way that fits ("we have a
        // small dog" is pets: yes); anything else it read for this field does not count.
        None => {
            if understood.slots.get(&asked.slot).is_some_and(|v| !fits(expect, &v.value)) {
                understood.slots.remove(&asked.slot);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::rules::tests::turn;
    use crate::brain::rules::RulesBrain;
    use crate::brain::understand::Slot;
    use crate::brain::Brain;
    use crate::tenant::tests::{at, letting_agent};
    use crate::tenant::Settings;
    use serde_json::{json, Value};

    fn intake() -> Settings {
        let mut s = letting_agent();
        s.template = Some("letting_agent".into());
        s.next_step = None;
        s.qualification = Some(
            serde_json::from_value(json!([
                {"field": "furnished", "ask": "Would you like it furnished?",
                 "answer": {"type": "choice", "options": ["Furnished", "Unfurnished", "Part furnished"], "required": true}},
                {"field": "pets", "ask": "Do you have any pets?", "answer": {"type": "yes_no", "required": true}},
                {"field": "move_in", "ask": "When would you like to move in?", "answer": {"type": "date"}},
                {"field": "name", "ask": "And may I take your name?"}
            ]))
            .unwrap(),
        );
        s
    }

    /// A conversation with the rules brain: each reply, with the lead kept as the lead job keeps it.
    fn converse(settings: &Settings, messages: &[&str]) -> (Vec<String>, crate::lead::LeadFields) {
        let mut replies = Vec::new();
        let mut lead = crate::lead::LeadFields::default();
        let mut dialogue = DialogueState::default();
        for (i, text) in messages.iter().enumerate() {
            let mut t = turn(settings, text, at(0, 10, i as u16));
            t.new_conversation = i == 0;
            t.system_before = replies.last().cloned();
            t.lead = lead.clone();
            t.dialogue = dialogue.clone();
            let reply = RulesBrain.respond(&t);
            lead.merge(&reply.slots, &format!("msg_{i}"), i as u64 + 1);
            dialogue = reply.dialogue.unwrap();
            replies.push(reply.text.unwrap());
        }
        (replies, lead)
    }

    #[test]
    fn a_choice_is_asked_with_its_options_and_read_by_place() {
        let (replies, lead) = converse(&intake(), &["Hi, I'm looking to rent a 2 bed flat", "the last one"]);
        assert!(
            replies[0].ends_with("Would you like it furnished? Furnished, Unfurnished or Part furnished?"),
            "{}",
            replies[0]
        );
        assert_eq!(lead.get(Slot::Furnished).unwrap().value, json!("Part furnished"));
        assert!(replies[1].ends_with("Do you have any pets?"), "{}", replies[1]);
    }

    #[test]
    fn a_yes_or_no_and_a_date_fill_their_fields_in_the_callers_words() {
        let (replies, lead) =
            converse(&intake(), &["Hi, I'm looking to rent a 2 bed flat", "2", "Yes, a cat", "from 1 December"]);
        assert_eq!(lead.get(Slot::Furnished).unwrap().value, json!("Unfurnished"), "2 is the second option");
        assert!(!lead.knows(Slot::Beds) || lead.get(Slot::Beds).unwrap().message_id == "msg_0", "2 is not beds");
        assert_eq!(lead.get(Slot::Pets).unwrap().value, Value::Bool(true));
        assert_eq!(lead.get(Slot::MoveIn).unwrap().value, json!("2026-12-01"));
        assert!(replies[3].ends_with("And may I take your name?"), "{}", replies[3]);
    }

    #[test]
    fn an_answer_that_does_not_fit_is_asked_again_specifically_once_then_left_for_the_team() {
        let (replies, lead) =
            converse(&intake(), &["Hi, I'm looking to rent a 2 bed flat", "a garden would be nice", "and a garage"]);
        assert!(
            replies[1]
                .ends_with("Could you reply with one of these: 1) Furnished, 2) Unfurnished or 3) Part furnished?"),
            "asked again, numbered: {}",
            replies[1]
        );
        assert!(!lead.knows(Slot::Furnished), "no option fits: nothing stored");
        assert!(replies[2].ends_with("Do you have any pets?"), "not asked a third time: {}", replies[2]);

        let (replies, lead) = converse(
            &intake(),
            &["Hi, I'm looking to rent a 2 bed flat", "furnished", "maybe, depends", "no", "soonish", "still soonish"],
        );
        assert!(replies[2].starts_with("Sorry, is that a yes or a no? Do you have any pets?"), "{}", replies[2]);
        assert_eq!(lead.get(Slot::Pets).unwrap().value, Value::Bool(false), "the second answer fits");
        let (_, lead) =
            converse(&intake(), &["Hi, I'm looking to rent a 2 bed flat", "furnished", "Yes, up to £1500 a month"]);
        assert_eq!(lead.get(Slot::BudgetMax).unwrap().value, json!(1500), "the rest of a yes still counts");
        let (_, lead) =
            converse(&intake(), &["Hi, I'm looking to rent a 2 bed flat", "furnished", "we have a small dog"]);
        assert_eq!(lead.get(Slot::Pets).unwrap().value, Value::Bool(true), "no yes, but plainly a yes");
        assert!(replies[4].ends_with("Which date would that be, for example 14/03?"), "{}", replies[4]);
        assert!(replies[5].ends_with("And may I take your name?"), "{}", replies[5]);
        assert!(!lead.knows(Slot::MoveIn));
    }

    #[test]
    fn options_already_in_the_question_are_not_listed_twice_and_other_languages_list_theirs() {
        let q: Question = serde_json::from_value(json!({"field": "furnished", "ask": "Furnished or unfurnished?",
            "answer": {"type": "choice", "options": ["Furnished", "Unfurnished"]}}))
        .unwrap();
        assert_eq!(ask(&q, false, "en").as_deref(), Some("Furnished or unfurnished?"));
        let es: Question = serde_json::from_value(json!({"field": "furnished", "ask": "¿Lo quiere amueblado?",
            "answer": {"type": "choice", "options": ["Amueblado", "Sin amueblar"]}}))
        .unwrap();
        assert_eq!(ask(&es, false, "es").as_deref(), Some("¿Lo quiere amueblado? ¿Amueblado o Sin amueblar?"));
        assert_eq!(
            ask(&es, true, "es").as_deref(),
            Some("¿Podría responder con una de estas opciones: 1) Amueblado o 2) Sin amueblar?")
        );
        let text: Question = serde_json::from_value(json!({"field": "area", "ask": "Which area?"})).unwrap();
        assert_eq!(ask(&text, false, "en"), None, "free text keeps the built-in wording");
    }
}
