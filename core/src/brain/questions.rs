//! The one question a reply may end with: the first thing the contact's goal still needs that
//! they have not told us, has not been dropped, and — asked once already without an answer —
//! is asked a second time in other words, then never again ([`crate::dialogue::MAX_ASKS`]).
//!
//! A search for a place asks the tenant's qualification questions; a viewing asks which
//! property and when; a stay asks the stay questions; an errand that is only a question asks
//! nothing. Questions are the tenant's words, so they are asked in English (the tenant's
//! language) unless the tenant wrote them in the caller's language (`Settings::texts`).

use super::Turn;
use crate::brain::understand::Slot;
use crate::dialogue::{DialogueState, Goal, GoalKind};
use crate::lead::LeadFields;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ask {
    pub slot: Slot,
    pub text: String,
}

/// The question that moves `goal` forward next, if any.
pub(super) fn next(turn: &Turn, known: &LeadFields, goal: &Goal, state: &DialogueState, lang: &str) -> Option<Ask> {
    // A name we already have (told, or a readable profile name) is not asked for.
    // The listing under discussion is the property; a booking made is the day.
    let has = |slot: Slot| {
        known.knows(slot)
            || goal.details.contains_key(&slot)
            || (slot == Slot::Name && turn.contact_name.is_some())
            || (slot == Slot::Property && state.listing.is_some())
            || (slot == Slot::Date && state.booking.is_some())
    };
    let tenant = turn.settings.questions_in(lang);
    let needed: Vec<Slot> = match goal.kind {
        GoalKind::Information => return None,
        // A named property turns a search into a viewing: ask when, not which area.
        GoalKind::Search if has(Slot::Property) => vec![Slot::Date, Slot::Name],
        GoalKind::Search | GoalKind::Stay => tenant.iter().map(|q| q.field).collect(),
        GoalKind::Viewing => vec![Slot::Property, Slot::Date, Slot::Name],
        GoalKind::Appointment => vec![Slot::Date, Slot::Name],
        GoalKind::Valuation | GoalKind::Repair => vec![Slot::Name],
    };
    let slot = needed.into_iter().find(|&slot| !has(slot) && !state.is_dropped(slot))?;
    let again = state.times_asked(slot) > 0;
    let own = tenant.iter().find(|q| q.field == slot);
    let text = match (again, own) {
        (_, Some(typed)) if typed.answer.is_some() => match super::intake::ask(typed, again, lang) {
            Some(text) => text,
            None if !again => typed.ask.clone(),
            None => builtin(slot, goal.kind, again, lang)?,
        },
        (false, Some(own)) => own.ask.clone(),
        _ => builtin(slot, goal.kind, again, lang)?,
    };
    Some(Ask { slot, text })
}

/// Frontdesk's own wording, for the slots a goal needs that the tenant did not word, and for
/// asking a second time differently. English only: another language asks only the tenant's.
fn builtin(slot: Slot, goal: GoalKind, again: bool, lang: &str) -> Option<String> {
    if lang != "en" {
        return None;
    }
    let text = match (slot, again) {
        (Slot::Area, false) => "Which area are you looking in?",
        (Slot::Area, true) => "Is there a part of town you'd prefer?",
        (Slot::Beds, false) => "How many bedrooms do you need?",
        (Slot::Beds, true) => "What size of place are you after — one bed, two, more?",
        (Slot::BudgetMax, false) => "What is your maximum budget?",
        (Slot::BudgetMax, true) => "Roughly what would you like to keep the rent under?",
        (Slot::MoveIn, false) => "When would you like to move in?",
        (Slot::MoveIn, true) => "Roughly when are you hoping to move?",
        (Slot::CheckIn, false) => "When would you like to check in?",
        (Slot::CheckIn, true) => "Which day would you arrive?",
        (Slot::CheckOut, false) => "And when would you check out?",
        (Slot::CheckOut, true) => "And which day would you leave?",
        (Slot::PartySize, false) => "How many guests will be staying?",
        (Slot::PartySize, true) => "How many of you will there be?",
        (Slot::Property, false) => "Which property would you like to see?",
        (Slot::Property, true) => "Could you tell me the street or the listing you saw?",
        (Slot::Date, false) if goal == GoalKind::Appointment => "What day and time would suit you?",
        (Slot::Date, true) if goal == GoalKind::Appointment => "Is there a day that works best for you?",
        (Slot::Date, false) => "When would you like to view it?",
        (Slot::Date, true) => "Is there a day that suits you for the viewing?",
        (Slot::Name, false) => "May I take your name?",
        (Slot::Name, true) => "Who should the team ask for when they get in touch?",
        _ => return None,
    };
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::rules::tests::turn;
    use crate::dialogue::ReplyActs;
    use crate::tenant::tests::{at, letting_agent};

    fn lettings() -> Turn {
        let mut s = letting_agent();
        s.template = Some("letting_agent".into());
        turn(&s, "", at(0, 10, 0))
    }

    #[test]
    fn a_search_asks_the_tenants_questions_and_a_named_property_asks_when() {
        let t = lettings();
        let state = DialogueState::default();
        let search = Goal::new(GoalKind::Search);
        let ask = next(&t, &LeadFields::default(), &search, &state, "en").unwrap();
        assert_eq!((ask.slot, ask.text.as_str()), (Slot::Area, "Which area are you looking in?"));
        let mut elm = search.clone();
        elm.details.insert(Slot::Property, "Elm Road".into());
        assert_eq!(next(&t, &LeadFields::default(), &elm, &state, "en").unwrap().slot, Slot::Date);
        assert_eq!(next(&t, &LeadFields::default(), &Goal::new(GoalKind::Information), &state, "en"), None);
    }

    #[test]
    fn asked_once_it_is_asked_again_differently_then_dropped() {
        let t = lettings();
        let goal = Goal::new(GoalKind::Search);
        let asked = |s: &DialogueState| next(&t, &LeadFields::default(), &goal, s, "en").unwrap();
        let s0 = DialogueState::default();
        let first = asked(&s0);
        let s1 = s0.after_reply(Some(&first.text), &ReplyActs { asked: Some(first.slot), ..Default::default() }, 1);
        let second = asked(&s1);
        assert_eq!(second.slot, Slot::Area);
        assert_ne!(second.text, first.text, "in other words");
        let s2 = s1.after_reply(Some(&second.text), &ReplyActs { asked: Some(second.slot), ..Default::default() }, 2);
        assert_eq!(asked(&s2).slot, Slot::Beds, "area dropped after two asks");
    }

    #[test]
    fn other_languages_ask_only_what_the_tenant_wrote_in_them() {
        let mut t = lettings();
        let goal = Goal::new(GoalKind::Search);
        assert_eq!(next(&t, &LeadFields::default(), &goal, &DialogueState::default(), "es"), None);
        t.settings.texts.insert(
            "es".into(),
            serde_json::from_value(serde_json::json!({"questions": [{"field": "area", "ask": "¿En qué zona busca?"}]}))
                .unwrap(),
        );
        let ask = next(&t, &LeadFields::default(), &goal, &DialogueState::default(), "es").unwrap();
        assert_eq!(ask.text, "¿En qué zona busca?");
    }
}
