//! The embedded rules brain: deterministic, offline, always available — the default, and the
//! fallback whenever an LLM is down. It understands the message ([`understand`]), answers in
//! the caller's language from fixed phrases and the tenant's own data (hours, address, next
//! step — never a fact it was not given), and hands over to a human when it must: emergencies
//! at any hour, requests for a person, complaints.

use super::compose::{compose, Composed};
use super::persona::{self, Role, Signals};
use super::phrases::{fill, phrase, relative_day, Phrase};
use super::tone::{frame, greeting};
use super::understand::{understand, Emergency, Input, Intent, Understanding};
use super::{Brain, EscalationRequest, Reply, Turn};
use crate::dialogue::DialogueState;
use crate::escalation::Reason;
use crate::tenant::OpenStatus;
use crate::tickets::{emergency_reply, from_turn};

#[derive(Debug, Default, Clone, Copy)]
pub struct RulesBrain;

/// How much of the message an escalation summary quotes.
const SUMMARY_QUOTE_CHARS: usize = 120;

impl RulesBrain {
    /// Whether this brain would read knowledge passages for `text` (a question): for anything
    /// else the turn skips the search, and the reply is the same without it.
    pub fn reads_knowledge(text: &str) -> bool {
        super::compose::may_ask_knowledge(text)
    }
}

impl Brain for RulesBrain {
    fn respond(&self, turn: &Turn) -> Reply {
        if turn.missed_call {
            // Nothing was said: no language to read, so the tenant's (English for now).
            let persona = persona::of_turn(turn, Role::Receptionist).map(|p| p.name.as_str());
            let text = with_greeting(turn, "en", phrase(Phrase::MissedCall, "en"), persona);
            return Reply { text: Some(frame_for(turn, "en", text, persona)), ..Reply::silent() };
        }
        let mut understood = understand(&Input {
            utterance: &turn.text,
            system_before: turn.system_before.as_deref(),
            tenant_template: turn.settings.template.as_deref(),
            today: turn.local_time.date,
        });
        let lang = understood.language.code();
        let state = if turn.new_conversation { turn.dialogue.for_new_conversation() } else { turn.dialogue.clone() };
        super::intake::read_reply(turn, &state, &mut understood);
        let composed = match understood.intent {
            Intent::OptOut | Intent::Emergency => Composed::default(),
            _ => compose(turn, &understood, &state, lang),
        };
        // Nothing to act on: no intent beyond "general", no detail, not an answer to us, and
        // nothing the reply could answer or pass on (a question it answered is not confusion).
        let unclear = understood.intent == Intent::GeneralEnquiry
            && understood.slots.is_empty()
            && composed.bare
            && composed.unanswered.is_none();
        let mut escalation = escalation_for(turn, &understood, unclear);
        let role = persona::role(Signals {
            intent: understood.intent,
            goal: composed.acts.goal.as_ref().map(|g| g.kind),
            qualifying: composed.acts.asked.is_some() || state.current.asked.is_some(),
        });
        let persona = persona::of_turn(turn, role).map(|p| p.name.as_str());
        let confused = escalation.as_ref().is_some_and(|e| e.reason == Reason::RepeatedConfusion);
        let (text, composed) = match understood.intent {
            // The carrier confirms an opt-out itself; a reply would be a second, unwanted message.
            Intent::OptOut => (None, composed),
            // Straight to the point: no greeting, no opening hours — emergencies ignore both.
            Intent::Emergency => (Some(emergency_reply(turn, understood.emergency, lang)), composed),
            _ if confused => {
                (Some(with_greeting(turn, lang, phrase(Phrase::HumanRequested, lang), persona)), Composed::default())
            }
            _ => (Some(opening(turn, &composed, lang, persona)), composed),
        };
        let text =
            text.map(|t| frame_for(turn, lang, t, persona)).map(|t| unlike_last(t, &state, turn, (lang, persona)));
        let mut acts = composed.acts;
        // A question the channel's length limit cut off was not asked.
        acts.asked = acts.asked.filter(|_| text.as_deref().is_some_and(|t| t.ends_with('?')));
        acts.name_used |= turn.new_conversation && first_name(turn).is_some();
        if escalation.is_none() {
            escalation = composed.follow_up.map(|summary| follow_up(turn, summary));
        }
        let dialogue = state.after_reply(text.as_deref(), &acts, local_ms(turn));
        Reply {
            text,
            intent: understood.intent,
            escalation,
            language: understood.language,
            slots: understood.slots,
            urgency: understood.urgency,
            unclear,
            dialogue: Some(dialogue),
            unanswered: composed.unanswered,
            ticket: from_turn(turn, understood.intent, understood.emergency, understood.urgency),
        }
    }
}

fn first_name(turn: &Turn) -> Option<&str> {
    turn.contact_name.as_deref().and_then(|n| n.split_whitespace().next())
}

fn frame_for(turn: &Turn, lang: &str, text: String, persona: Option<&str>) -> String {
    frame(text, turn.settings.style_for(turn.channel), lang, first_name(turn), &turn.business_name, persona)
}

/// The composed parts, opened for a new conversation: the greeting, and when the message needs
/// the team (or nothing more specific was said) whether they are open now; a bare first
/// message also hears the tenant's next step. A continuing conversation with nothing to say
/// gets the follow-up line. "Who am I talking to?" is answered first, in place of the greeting.
fn opening(turn: &Turn, composed: &Composed, lang: &str, persona: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if composed.identity {
        parts.push(identity(turn, lang, persona));
    }
    let needs_team = composed.follow_up.is_some();
    if turn.new_conversation && (composed.bare || needs_team) {
        parts.push(availability(turn, lang));
    }
    parts.extend(composed.parts.iter().cloned());
    if composed.bare && composed.acts.asked.is_none() {
        match (turn.new_conversation, turn.settings.next_step_in(lang)) {
            (true, Some(next)) => parts.push(next),
            (true, None) => {}
            (false, _) => parts.push(follow_up_line(turn, lang)),
        }
    }
    if composed.identity {
        // Saying who answers (and for which business) is the greeting.
        return parts.join(" ");
    }
    with_greeting(turn, lang, &parts.join(" "), persona)
}

/// Who answers: the business's AI assistant, by the persona's name when it has one — never a person.
fn identity(turn: &Turn, lang: &str, persona: Option<&str>) -> String {
    match persona {
        Some(name) => {
            fill(phrase(Phrase::IdentityNamed, lang), &[("persona", name), ("business", &turn.business_name)])
        }
        None => fill(phrase(Phrase::Identity, lang), &[("business", &turn.business_name)]),
    }
}

/// Never the same words twice in a row: a repeat says the follow-up line instead, or says that
/// it has passed it on.
fn unlike_last(text: String, state: &DialogueState, turn: &Turn, (lang, persona): (&str, Option<&str>)) -> String {
    if state.current.last_reply.as_deref() != Some(text.as_str()) {
        return text;
    }
    [
        follow_up_line(turn, lang),
        phrase(Phrase::GotIt, lang).to_owned(),
        phrase(Phrase::WillCheckAgain, lang).to_owned(),
    ]
    .into_iter()
    .map(|t| frame_for(turn, lang, t, persona))
    .find(|t| state.current.last_reply.as_deref() != Some(t.as_str()))
    .unwrap_or(text)
}

/// A task for the team, in the escalation queue at normal priority (nobody is paged).
fn follow_up(turn: &Turn, summary: String) -> EscalationRequest {
    let detail = serde_json::json!({ "quote": turn.text });
    EscalationRequest { reason: Reason::FollowUp, summary, detail: detail.to_string() }
}

/// The turn's local time as milliseconds (for ordering promises; not an instant).
fn local_ms(turn: &Turn) -> u64 {
    let days = u64::try_from(turn.local_time.date.to_days()).unwrap_or(0);
    days * 86_400_000 + u64::from(turn.local_time.minute_of_day) * 60_000
}

/// A new conversation's greeting before `answer`, introducing the persona when there is one.
fn with_greeting(turn: &Turn, lang: &str, answer: &str, persona: Option<&str>) -> String {
    // A call was greeted as it was answered (the relay's welcome, gather's first `<Say>`).
    if !turn.new_conversation || (turn.channel == crate::channel::Channel::Voice && !answer.is_empty()) {
        return answer.to_owned();
    }
    let name = first_name(turn).map(|n| format!(" {n}"));
    let style = turn.settings.style_for(turn.channel);
    let name = name.as_deref().unwrap_or("");
    let mut greeting = greeting(turn.settings.tone, style, turn.returning_contact, lang, name, &turn.business_name);
    if let Some(persona) = persona {
        greeting = format!("{greeting} {}", fill(phrase(Phrase::PersonaIntro, lang), &[("persona", persona)]));
    }
    if answer.is_empty() {
        return greeting;
    }
    format!("{greeting} {answer}")
}

fn availability(turn: &Turn, lang: &str) -> String {
    match turn.settings.status_at(turn.local_time) {
        OpenStatus::OpenUntil(close) => fill(phrase(Phrase::OpenUntil, lang), &[("close", &close)]),
        OpenStatus::Closed(Some((day, time))) => {
            fill(phrase(Phrase::ClosedUntil, lang), &[("day", &relative_day(day, lang)), ("time", &time)])
        }
        OpenStatus::Closed(None) => phrase(Phrase::ClosedNoHours, lang).to_owned(),
    }
}

fn follow_up_line(turn: &Turn, lang: &str) -> String {
    match turn.settings.status_at(turn.local_time) {
        OpenStatus::OpenUntil(_) => phrase(Phrase::FollowUpOpen, lang).to_owned(),
        OpenStatus::Closed(Some((day, time))) => {
            fill(phrase(Phrase::FollowUpClosed, lang), &[("day", &relative_day(day, lang)), ("time", &time)])
        }
        OpenStatus::Closed(None) => phrase(Phrase::FollowUpNoHours, lang).to_owned(),
    }
}

/// The hand-over a message calls for, if any: emergencies and requests for a person always;
/// complaints and repeated confusion as the tenant's escalation rules say.
fn escalation_for(turn: &Turn, understood: &Understanding, unclear: bool) -> Option<EscalationRequest> {
    let rules = &turn.settings.escalation_rules;
    let confused =
        unclear && rules.repeated_confusion > 0 && turn.unclear_streak.saturating_add(1) >= rules.repeated_confusion;
    let reason = match understood.intent {
        Intent::Emergency => Reason::Emergency,
        Intent::SpeakToHuman => Reason::HumanRequested,
        Intent::Complaint if rules.complaints => Reason::Complaint,
        _ if confused => Reason::RepeatedConfusion,
        _ => return None,
    };
    let text = turn.text.as_str();
    let quote: String = text.chars().take(SUMMARY_QUOTE_CHARS).collect();
    let ellipsis = if text.chars().count() > SUMMARY_QUOTE_CHARS { "…" } else { "" };
    let label = match understood.emergency {
        Some(kind) => format!("Emergency ({})", emergency_label(kind)),
        None => match reason {
            Reason::HumanRequested => "Asks for a person".to_owned(),
            Reason::RepeatedConfusion => {
                format!("Not understood {} times in a row", turn.unclear_streak.saturating_add(1))
            }
            _ => "Complaint".to_owned(),
        },
    };
    let detail = serde_json::json!({
        "emergency": understood.emergency,
        "urgency": understood.urgency,
        "language": understood.language,
        "quote": text,
    });
    Some(EscalationRequest {
        reason,
        summary: format!("{label}: \u{201c}{quote}{ellipsis}\u{201d}"),
        detail: detail.to_string(),
    })
}

fn emergency_label(kind: Emergency) -> &'static str {
    match kind {
        Emergency::GasLeak => "gas leak",
        Emergency::Flood => "flood / water leak",
        Emergency::Fire => "fire",
        Emergency::NoHeat => "no heating",
        Emergency::NoPower => "no power",
        Emergency::Lockout => "locked out",
        Emergency::Injury => "injury",
        Emergency::Security => "break-in",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::channel::Channel;
    use crate::tenant::tests::{at, letting_agent};
    use crate::tenant::{LocalTime, Settings};

    /// A new SMS conversation at Maple & Pine Lettings, for every brain's tests.
    pub(crate) fn turn(settings: &Settings, text: &str, local_time: LocalTime) -> Turn {
        crate::brain::simulate::sms_turn("Maple & Pine Lettings", settings, text, local_time)
    }

    #[test]
    fn knowledge_is_read_only_for_questions() {
        let s = letting_agent();
        let kb = crate::brain::simulate::demo_faq();
        let statements = [
            "Hello there",
            "Clifton",
            "2 beds, up to 1500 a month",
            "Ana",
            "yes please",
            "Saturday at 10",
            "I have a small dog and I need parking",
            "thanks, bye",
            "The boiler is broken and there is no hot water",
        ];
        for text in statements {
            assert!(!RulesBrain::reads_knowledge(text), "not a question: {text}");
            let bare = RulesBrain.respond(&turn(&s, text, at(0, 10, 0)));
            let mut grounded = turn(&s, text, at(0, 10, 0));
            grounded.knowledge = kb.clone();
            assert_eq!(RulesBrain.respond(&grounded), bare, "knowledge changed the reply to {text:?}");
        }
        for text in ["Do you allow pets?", "what is the deposit", "Is there parking?", "¿Aceptan mascotas?"] {
            assert!(RulesBrain::reads_knowledge(text), "a question: {text}");
        }
        let mut asked = turn(&s, "Do you allow pets?", at(0, 10, 0));
        let bare = RulesBrain.respond(&asked);
        asked.knowledge = kb;
        assert_ne!(RulesBrain.respond(&asked), bare, "a question is answered from the knowledge");
    }

    #[test]
    fn first_message_greets_and_gives_status_and_next_step() {
        let s = letting_agent();
        let reply = RulesBrain.respond(&turn(&s, "Hello there", at(0, 10, 0)));
        let text = reply.text.unwrap();
        assert!(text.starts_with("Hi, thanks for contacting Maple & Pine Lettings!"), "{text}");
        assert!(text.contains("open until 18:00"), "{text}");
        assert!(text.ends_with("Reply with the property and a good time for a viewing."), "{text}");
        assert!(reply.escalation.is_none());
        // An enquiry is a lead: the first qualification question replaces the next step.
        let enquiry = RulesBrain.respond(&turn(&s, "Hi, is the flat on Elm Road still available?", at(0, 10, 0)));
        let text = enquiry.text.unwrap();
        assert!(text.contains("open until 18:00"), "{text}");
        assert!(text.contains("I'll check that Elm Road is still available"), "{text}");
        assert!(text.ends_with("When would you like to view it?"), "a named flat: when, not which area: {text}");
        assert_eq!(enquiry.escalation.unwrap().reason, Reason::FollowUp, "the team is asked to check");
    }

    #[test]
    fn after_hours_says_when_the_team_returns() {
        let s = letting_agent();
        let text = RulesBrain.respond(&turn(&s, "Is it available?", at(0, 22, 0))).text.unwrap();
        assert!(text.contains("closed right now; the team will reply when we open tomorrow at 09:00"), "{text}");
    }

    #[test]
    fn returning_contact_is_welcomed_back_by_first_name() {
        let s = letting_agent();
        let mut t = turn(&s, "hello", at(0, 10, 0));
        t.contact_name = Some("Ana Lima".into());
        t.returning_contact = true;
        let reply = RulesBrain.respond(&t);
        assert!(reply.text.unwrap().starts_with("Hi Ana, welcome back to Maple & Pine Lettings!"));
        assert_eq!(reply.intent, Intent::Greeting);
    }

    #[test]
    fn a_call_is_not_greeted_twice() {
        let s = letting_agent();
        let mut t = turn(&s, "What are your opening hours?", at(0, 10, 0));
        t.channel = crate::channel::Channel::Voice;
        assert!(t.new_conversation);
        let text = RulesBrain.respond(&t).text.unwrap();
        assert!(!text.contains("thanks for contacting"), "the call's welcome already greeted: {text}");
        assert!(text.contains("Mon–Thu 09:00–18:00"), "{text}");
    }

    #[test]
    fn hours_question_gets_the_hours_and_later_turns_do_not_repeat_the_greeting() {
        let s = letting_agent();
        let mut t = turn(&s, "What are your opening hours?", at(0, 10, 0));
        t.new_conversation = false;
        let reply = RulesBrain.respond(&t);
        assert_eq!(reply.intent, Intent::HoursLocation);
        assert_eq!(reply.text.unwrap(), "Our opening hours are Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00.");
        let mut later = turn(&s, "Do you allow pets in the building?", at(0, 10, 0));
        later.new_conversation = false;
        let unknown = RulesBrain.respond(&later);
        assert_eq!(
            unknown.text.unwrap(),
            "I don't have that information to hand, so I've asked the team and they'll get back to you."
        );
        assert_eq!(unknown.unanswered.as_deref(), Some("Do you allow pets in the building?"));
    }

    #[test]
    fn an_interested_lead_is_asked_the_missing_questions_one_at_a_time() {
        let mut s = letting_agent();
        s.template = Some("letting_agent".into());
        s.next_step = None;
        let first = RulesBrain.respond(&turn(&s, "Hi, I'm looking to rent a 2 bed flat", at(0, 10, 0)));
        let text = first.text.unwrap();
        assert!(text.ends_with("Which area are you looking in?"), "beds given, area asked first: {text}");
        let mut next = turn(&s, "Clifton, up to 1500 a month", at(0, 10, 5));
        next.new_conversation = false;
        next.system_before = Some(text);
        next.lead.merge(&first.slots, "msg_1", 1);
        assert_eq!(RulesBrain.respond(&next).text.unwrap(), "When would you like to move in?");
        let mut asked_all = next.clone();
        for (field, value) in [("area", "Clifton"), ("budget_max", "1500"), ("move_in", "2026-12-01"), ("name", "Ana")]
        {
            let slot: crate::brain::understand::Slot = serde_json::from_value(serde_json::json!(field)).unwrap();
            let found = crate::brain::understand::SlotValue { value: serde_json::json!(value), text: value.into() };
            asked_all.lead.merge(&std::collections::BTreeMap::from([(slot, found)]), "msg_2", 2);
        }
        asked_all.text = "Great".into();
        assert_eq!(
            RulesBrain.respond(&asked_all).text.unwrap(),
            "Thanks, got it — the team will pick this up shortly.",
            "nothing left to ask"
        );
    }

    #[test]
    fn not_understood_twice_in_a_row_goes_to_a_person() {
        let s = letting_agent();
        let mut t = turn(&s, "blorp zzz", at(0, 10, 0));
        t.new_conversation = false;
        let once = RulesBrain.respond(&t);
        assert!(once.unclear && once.escalation.is_none());
        t.unclear_streak = 1;
        let twice = RulesBrain.respond(&t);
        assert_eq!(twice.escalation.unwrap().reason, Reason::RepeatedConfusion);
        assert!(twice.text.unwrap().contains("team"));
        let mut off = t.clone();
        off.settings.escalation_rules.repeated_confusion = 0;
        assert!(RulesBrain.respond(&off).escalation.is_none(), "the tenant turned it off");
    }

    #[test]
    fn tone_and_channel_shape_the_reply() {
        let mut s = letting_agent();
        s.tone = crate::brain::tone::Tone::LuxuryConcierge;
        let text = RulesBrain.respond(&turn(&s, "Hello", at(0, 10, 0))).text.unwrap();
        assert!(text.starts_with("Good day, and thank you for contacting Maple & Pine Lettings."), "{text}");
        let mut email = turn(&letting_agent(), "Hello", at(0, 10, 0));
        email.channel = Channel::Email;
        email.contact_name = Some("Ana Lima".into());
        let letter = RulesBrain.respond(&email).text.unwrap();
        assert!(
            letter.starts_with("Dear Ana,\n\nHi Ana, thanks")
                && letter.ends_with("Kind regards,\nMaple & Pine Lettings")
        );
    }

    #[test]
    fn opt_out_gets_no_reply() {
        let s = letting_agent();
        for word in ["STOP", "Unsubscribe.", " stop "] {
            let reply = RulesBrain.respond(&turn(&s, word, at(0, 10, 0)));
            assert_eq!((reply.text, reply.intent), (None, Intent::OptOut), "{word}");
        }
    }

    #[test]
    fn an_emergency_at_3am_on_a_sunday_escalates_at_once_and_says_help_is_coming() {
        let s = letting_agent(); // closed all Sunday
        let reply = RulesBrain.respond(&turn(&s, "There's water pouring through my ceiling", at(6, 3, 0)));
        assert_eq!(reply.intent, Intent::Emergency);
        let text = reply.text.unwrap();
        assert!(text.contains("on-call team") && !text.contains("closed"), "no business-hours talk: {text}");
        let escalation = reply.escalation.unwrap();
        assert_eq!(escalation.reason, Reason::Emergency);
        assert!(escalation.summary.starts_with("Emergency (flood / water leak): \u{201c}There's water pouring"));
        let detail: serde_json::Value = serde_json::from_str(&escalation.detail).unwrap();
        assert_eq!(detail["emergency"], "flood");
        assert_eq!(detail["urgency"], "critical");
    }

    #[test]
    fn replies_in_the_callers_language() {
        let s = letting_agent();
        let es =
            RulesBrain.respond(&turn(&s, "Hola, ¿el piso de Elm Road sigue disponible?", at(0, 10, 0))).text.unwrap();
        assert!(es.starts_with("¡Hola, gracias por contactar con Maple & Pine Lettings!"), "{es}");
        assert!(es.contains("abiertos hasta las 18:00"), "{es}");
        let fr = RulesBrain.respond(&turn(&s, "Je sens une odeur de gaz dans la cuisine", at(6, 3, 0)));
        assert_eq!(fr.intent, Intent::Emergency);
        assert!(fr.text.unwrap().starts_with("Cela ressemble à une urgence."));
    }

    #[test]
    fn a_missed_call_gets_a_follow_up_text() {
        let s = letting_agent();
        let mut t = turn(&s, "", at(6, 3, 0));
        t.missed_call = true;
        let reply = RulesBrain.respond(&t);
        assert_eq!(
            reply.text.unwrap(),
            "Hi, thanks for contacting Maple & Pine Lettings! Sorry we missed your call. Reply to this message with \
             what you need and we'll pick it up from here."
        );
        assert!(reply.escalation.is_none());
    }

    #[test]
    fn a_request_for_a_person_is_handed_over() {
        let s = letting_agent();
        let reply = RulesBrain.respond(&turn(&s, "Can I speak to a real person please?", at(0, 10, 0)));
        assert_eq!(reply.intent, Intent::SpeakToHuman);
        assert_eq!(reply.escalation.unwrap().reason, Reason::HumanRequested);
    }

    #[test]
    fn on_a_call_a_request_for_a_person_is_told_what_happens_next() {
        let mut s = letting_agent();
        let ask = |s: &Settings, hour| {
            let mut t = turn(s, "Can I speak to a real person please?", at(0, hour, 0));
            t.channel = Channel::Voice;
            RulesBrain.respond(&t).text.unwrap()
        };
        let text = ask(&s, 10);
        assert!(
            text.contains("nobody can take your call right now, so I've asked the team to call you back"),
            "{text}"
        );
        s.voice =
            Some(crate::voice::VoiceSettings { transfer_number: Some("+447700900123".into()), ..Default::default() });
        let text = ask(&s, 10);
        assert!(text.contains("putting you through now"), "{text}");
        assert!(!text.contains("get back to you"), "no promise the transfer breaks: {text}");
        let text = ask(&s, 22);
        assert!(text.contains("call you back"), "closed: nobody to put them through to: {text}");
    }
}
