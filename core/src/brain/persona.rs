//! Who the front desk is in a reply: the role the conversation puts it in, and the tenant's
//! named persona for that role on the channel (`settings.personas`, set in the console). The
//! rules brain's greeting and "who am I talking to?" answer, the LLM's system prompt and the
//! call's welcome all take the name from here; without a persona they say what they always did.

use super::understand::Intent;
use super::Turn;
use crate::channel::Channel;
use crate::console::settings::{persona_for, Persona};
use crate::dialogue::GoalKind;

/// The part the front desk plays in a conversation (`console::settings::PERSONA_ROLES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The default: greets, answers, books.
    Receptionist,
    /// Asking a lead the questions the team needs (area, budget, dates…).
    Qualifier,
    /// An existing tenant or customer with a problem: a repair, a booking already made.
    Support,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Receptionist => "receptionist",
            Role::Qualifier => "qualifier",
            Role::Support => "support",
        }
    }

    /// What the role does, for the LLM's system prompt.
    pub fn describe(self) -> &'static str {
        match self {
            Role::Receptionist => "the receptionist",
            Role::Qualifier => "the one who asks new enquirers the questions the team needs",
            Role::Support => "support for existing customers (repairs, bookings already made)",
        }
    }
}

/// What the role is decided from: the message's intent, what the contact is trying to get done,
/// and whether the front desk is asking them its questions (in this reply or the last).
#[derive(Debug, Clone, Copy)]
pub struct Signals {
    pub intent: Intent,
    pub goal: Option<GoalKind>,
    pub qualifying: bool,
}

/// Support for a problem with something they already have (it outranks the questions: a tenant
/// reporting a leak is not a lead); the qualifier while questions are being asked; else the
/// receptionist.
pub fn role(signals: Signals) -> Role {
    let support_intent =
        matches!(signals.intent, Intent::MaintenanceRequest | Intent::RescheduleCancel | Intent::Emergency);
    if support_intent || signals.goal == Some(GoalKind::Repair) {
        Role::Support
    } else if signals.qualifying {
        Role::Qualifier
    } else {
        Role::Receptionist
    }
}

/// The role for a brain that does not read the message itself (the LLM's prompt is written
/// before the model answers): the rules' reading of the message and what the conversation has
/// established — a lead's interest, or our question still open, means its questions are asked.
pub fn role_of_turn(turn: &Turn) -> Role {
    let understood = super::understand::understand(&super::understand::Input {
        utterance: &turn.text,
        system_before: turn.system_before.as_deref(),
        tenant_template: turn.settings.template.as_deref(),
        today: turn.local_time.date,
    });
    role(Signals {
        intent: understood.intent,
        goal: turn.dialogue.goal.as_ref().map(|g| g.kind),
        qualifying: turn.dialogue.current.asked.is_some() || crate::lead::shows_interest(understood.intent),
    })
}

/// The persona channel a turn answers on: a website form's reply is the `form` persona's,
/// whichever channel carries it.
pub fn channel_of(turn: &Turn) -> &'static str {
    if turn.from_form {
        return "form";
    }
    match turn.channel {
        Channel::Sms => "sms",
        Channel::Whatsapp => "whatsapp",
        Channel::Chat => "chat",
        Channel::Email => "email",
        Channel::Voice => "voice",
    }
}

/// Who speaks for `role` on `channel`: the role's own persona (the channel's, else `all`), else
/// the receptionist's — a business that named only its receptionist keeps that name throughout.
pub fn speaking<'a>(personas: &'a [Persona], role: Role, channel: &str) -> Option<&'a Persona> {
    persona_for(personas, role.as_str(), channel)
        .or_else(|| persona_for(personas, Role::Receptionist.as_str(), channel))
}

/// Who answers the phone: the receptionist's voice persona. A call keeps one voice throughout
/// (the relay's is set when it is answered), so the role does not change it mid-call.
pub fn on_call(personas: &[Persona]) -> Option<&Persona> {
    speaking(personas, Role::Receptionist, "voice")
}

/// The persona answering this turn in `role`, if the tenant named one.
pub fn of_turn(turn: &Turn, role: Role) -> Option<&Persona> {
    speaking(&turn.settings.personas, role, channel_of(turn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::settings::tests::persona;

    #[test]
    fn the_role_follows_the_conversation() {
        let at = |intent, goal, qualifying| role(Signals { intent, goal, qualifying });
        assert_eq!(at(Intent::Greeting, None, false), Role::Receptionist, "the default");
        assert_eq!(at(Intent::PropertyEnquiryRent, None, true), Role::Qualifier, "asking a lead its questions");
        assert_eq!(at(Intent::ProvideInfo, Some(GoalKind::Search), true), Role::Qualifier);
        assert_eq!(at(Intent::MaintenanceRequest, None, false), Role::Support, "a repair reported");
        assert_eq!(at(Intent::RescheduleCancel, Some(GoalKind::Viewing), true), Role::Support, "a booking made");
        assert_eq!(at(Intent::ProvideInfo, Some(GoalKind::Repair), true), Role::Support, "a repair's details");
        assert_eq!(at(Intent::HoursLocation, Some(GoalKind::Viewing), false), Role::Receptionist);
    }

    #[test]
    fn a_role_without_a_persona_speaks_as_the_receptionist() {
        let set = vec![persona("receptionist", "all", "Maya"), persona("support", "sms", "Sam")];
        assert_eq!(speaking(&set, Role::Support, "sms").unwrap().name, "Sam");
        assert_eq!(speaking(&set, Role::Support, "whatsapp").unwrap().name, "Maya", "support named on SMS only");
        assert_eq!(speaking(&set, Role::Qualifier, "sms").unwrap().name, "Maya");
        assert!(speaking(&[persona("support", "all", "Sam")], Role::Qualifier, "sms").is_none());
        assert!(speaking(&[], Role::Receptionist, "sms").is_none());
    }

    #[test]
    fn a_form_is_answered_by_the_form_persona() {
        let settings = crate::tenant::Settings {
            personas: vec![persona("receptionist", "form", "Fern"), persona("receptionist", "all", "Maya")],
            ..Default::default()
        };
        let at = crate::tenant::LocalTime { date: "2026-12-01".parse().unwrap(), minute_of_day: 600 };
        let mut turn = crate::brain::simulate::sms_turn("Harbour Lettings", &settings, "Hello", at);
        assert_eq!(of_turn(&turn, Role::Receptionist).unwrap().name, "Maya");
        turn.from_form = true;
        assert_eq!(of_turn(&turn, Role::Receptionist).unwrap().name, "Fern");
    }

    mod replies {
        use super::persona;
        use crate::brain::rules::tests::turn;
        use crate::brain::rules::RulesBrain;
        use crate::brain::Brain;
        use crate::channel::Channel;
        use crate::tenant::tests::{at, letting_agent};
        use crate::tenant::Settings;

        fn named() -> Settings {
            let mut s = letting_agent();
            s.personas = vec![
                persona("receptionist", "all", "Maya"),
                persona("qualifier", "whatsapp", "Leo"),
                persona("support", "all", "Sam"),
            ];
            s
        }

        fn reply(settings: &Settings, text: &str, channel: Channel, new_conversation: bool) -> String {
            let mut t = turn(settings, text, at(0, 10, 0));
            t.channel = channel;
            t.new_conversation = new_conversation;
            RulesBrain.respond(&t).text.unwrap()
        }

        #[test]
        fn a_first_text_introduces_the_persona_as_the_ai_assistant() {
            let text = reply(&named(), "Hello there", Channel::Sms, true);
            assert!(
                text.starts_with("Hi, thanks for contacting Maple & Pine Lettings! I'm Maya, the AI assistant here."),
                "{text}"
            );
            let later = reply(&named(), "Do you allow pets?", Channel::Sms, false);
            assert!(!later.contains("Maya"), "introduced once, in the greeting: {later}");
            let plain = reply(&letting_agent(), "Hello there", Channel::Sms, true);
            assert!(plain.starts_with("Hi, thanks for contacting Maple & Pine Lettings! We're open"), "{plain}");
        }

        #[test]
        fn who_am_i_talking_to_is_answered_plainly_with_the_persona() {
            for asked in ["Who am I talking to?", "Are you a bot?", "Is this a real person?"] {
                let text = reply(&named(), asked, Channel::Sms, false);
                assert!(
                    text.starts_with("I'm Maya, the AI assistant at Maple & Pine Lettings: automated, not a person."),
                    "{asked} → {text}"
                );
            }
            let first = reply(&named(), "hi, who is this?", Channel::Sms, true);
            assert!(
                first.starts_with("I'm Maya, the AI assistant at Maple & Pine Lettings"),
                "in place of the greeting: {first}"
            );
            assert_eq!(first.matches("Maple & Pine").count(), 1, "the business named once: {first}");
            let spanish = reply(&named(), "¿Eres un robot?", Channel::Sms, false);
            assert!(spanish.starts_with("Soy Maya, el asistente de IA de Maple & Pine Lettings"), "{spanish}");
            let unnamed = reply(&letting_agent(), "Are you a bot?", Channel::Sms, false);
            assert!(
                unnamed.starts_with("I'm the AI assistant at Maple & Pine Lettings: automated, not a person."),
                "{unnamed}"
            );
            assert!(!unnamed.contains("I don't have that information"), "{unnamed}");
        }

        #[test]
        fn the_role_picks_the_persona_that_speaks() {
            let repair = reply(&named(), "Hi, the kitchen tap is dripping. Who am I talking to?", Channel::Sms, true);
            assert!(repair.contains("I'm Sam, the AI assistant at"), "a repair is support's: {repair}");
            let lead = reply(&named(), "Hi, I'm looking to rent a 2 bed flat", Channel::Whatsapp, true);
            assert!(lead.contains("I'm Leo, the AI assistant here."), "a lead on WhatsApp is asked by Leo: {lead}");
            let sms_lead = reply(&named(), "Hi, I'm looking to rent a 2 bed flat", Channel::Sms, true);
            assert!(sms_lead.contains("I'm Maya"), "no SMS qualifier: the receptionist's name: {sms_lead}");
        }

        #[test]
        fn a_missed_call_text_and_an_email_name_the_persona() {
            let mut t = turn(&named(), "", at(0, 10, 0));
            t.missed_call = true;
            assert!(RulesBrain.respond(&t).text.unwrap().contains("I'm Maya, the AI assistant here. Sorry we missed"));
            let letter = reply(&named(), "Hello", Channel::Email, true);
            assert!(
                letter.starts_with("Dear,\n\nHi, thanks for contacting Maple & Pine Lettings! I'm Maya"),
                "{letter}"
            );
            assert!(
                letter.ends_with("Kind regards,\nMaya, AI assistant\nMaple & Pine Lettings"),
                "signed by her: {letter}"
            );
        }
    }
}
