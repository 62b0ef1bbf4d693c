//! The embedded rules brain: deterministic, offline, always available — the default, and the
//! fallback whenever an LLM is down. Today it acknowledges, says whether the business is open
//! (in the tenant's timezone) and gives the next step; hours questions get the hours.

use super::{Brain, Intent, Reply, Turn};
use crate::tenant::OpenStatus;

#[derive(Debug, Default, Clone, Copy)]
pub struct RulesBrain;

/// The keywords carriers and Twilio's Advanced Opt-Out treat as opt-out; the carrier sends the
/// confirmation, so replying would be a second, unwanted message.
const OPT_OUT: [&str; 7] = ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout"];
const HOURS_WORDS: [&str; 8] = ["hours", "open", "opening", "close", "closing", "address", "where are you", "located"];
const GREETINGS: [&str; 6] = ["hi", "hello", "hey", "good morning", "good afternoon", "good evening"];

impl Brain for RulesBrain {
    fn respond(&self, turn: &Turn) -> Reply {
        let text = normalise(&turn.text);
        if OPT_OUT.contains(&text.as_str()) {
            return Reply { text: None, intent: Intent::OptOut, escalation: None };
        }
        let intent = classify(&text);
        let mut reply = String::new();
        if turn.new_conversation {
            reply.push_str(&greeting(turn));
            reply.push(' ');
        }
        match intent {
            Intent::HoursLocation => reply.push_str(&hours_answer(turn)),
            _ if turn.new_conversation => {
                reply.push_str(&availability(turn));
                if let Some(step) = &turn.settings.next_step {
                    reply.push(' ');
                    reply.push_str(step);
                }
            }
            _ => reply.push_str(&follow_up(turn)),
        }
        Reply { text: Some(reply), intent, escalation: None }
    }
}

fn normalise(text: &str) -> String {
    text.trim().trim_matches(|c: char| c.is_ascii_punctuation()).to_lowercase()
}

fn classify(text: &str) -> Intent {
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has_phrase = |phrase: &str| {
        let parts: Vec<&str> = phrase.split(' ').collect();
        words.windows(parts.len()).any(|w| w == parts.as_slice())
    };
    if HOURS_WORDS.iter().any(|p| has_phrase(p)) {
        Intent::HoursLocation
    } else if words.len() <= 3 && GREETINGS.iter().any(|p| has_phrase(p)) {
        Intent::Greeting
    } else {
        Intent::GeneralEnquiry
    }
}

fn greeting(turn: &Turn) -> String {
    let name = turn.contact_name.as_deref().map(|n| format!(" {}", first_name(n))).unwrap_or_default();
    if turn.returning_contact {
        format!("Hi{name}, welcome back to {}!", turn.business_name)
    } else {
        format!("Hi{name}, thanks for contacting {}!", turn.business_name)
    }
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

fn availability(turn: &Turn) -> String {
    match turn.settings.status_at(turn.local_time) {
        OpenStatus::OpenUntil(close) => {
            format!("We're open until {close} and a member of the team will reply shortly.")
        }
        OpenStatus::Closed(Some((day, time))) => {
            format!("We're closed right now; the team will reply when we open {day} at {time}.")
        }
        OpenStatus::Closed(None) => "The team will reply as soon as they can.".to_owned(),
    }
}

fn follow_up(turn: &Turn) -> String {
    match turn.settings.status_at(turn.local_time) {
        OpenStatus::OpenUntil(_) => "Thanks, got it — the team will pick this up shortly.".to_owned(),
        OpenStatus::Closed(Some((day, time))) => {
            format!("Thanks, got it — the team will pick this up when we open {day} at {time}.")
        }
        OpenStatus::Closed(None) => "Thanks, got it — the team will pick this up as soon as they can.".to_owned(),
    }
}

fn hours_answer(turn: &Turn) -> String {
    let mut answer = match turn.settings.hours_summary() {
        Some(hours) => format!("Our opening hours are {hours}."),
        None => "The team will confirm our opening hours.".to_owned(),
    };
    if let Some(address) = &turn.settings.address {
        answer.push_str(&format!(" You'll find us at {address}."));
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Channel;
    use crate::tenant::{tests::letting_agent, LocalTime, Settings};

    fn turn(settings: &Settings, text: &str, minute_of_day: u16) -> Turn {
        Turn {
            business_name: "Maple & Pine Lettings".into(),
            settings: settings.clone(),
            local_time: LocalTime { weekday: 0, minute_of_day },
            channel: Channel::Sms,
            contact_name: None,
            returning_contact: false,
            new_conversation: true,
            text: text.into(),
        }
    }

    #[test]
    fn first_message_greets_and_gives_status_and_next_step() {
        let s = letting_agent();
        let reply = RulesBrain.respond(&turn(&s, "Hi, is the flat on Elm Road still available?", 10 * 60));
        let text = reply.text.unwrap();
        assert!(text.starts_with("Hi, thanks for contacting Maple & Pine Lettings!"), "{text}");
        assert!(text.contains("open until 18:00"), "{text}");
        assert!(text.ends_with("Reply with the property and a good time for a viewing."), "{text}");
        assert_eq!(reply.intent, Intent::GeneralEnquiry);
    }

    #[test]
    fn after_hours_says_when_the_team_returns() {
        let s = letting_agent();
        let text = RulesBrain.respond(&turn(&s, "Is it available?", 22 * 60)).text.unwrap();
        assert!(text.contains("closed right now; the team will reply when we open tomorrow at 09:00"), "{text}");
    }

    #[test]
    fn returning_contact_is_welcomed_back_by_first_name() {
        let s = letting_agent();
        let mut t = turn(&s, "hello", 600);
        t.contact_name = Some("Ana Lima".into());
        t.returning_contact = true;
        let reply = RulesBrain.respond(&t);
        assert!(reply.text.unwrap().starts_with("Hi Ana, welcome back to Maple & Pine Lettings!"));
        assert_eq!(reply.intent, Intent::Greeting);
    }

    #[test]
    fn hours_question_gets_the_hours_and_later_turns_do_not_repeat_the_greeting() {
        let s = letting_agent();
        let mut t = turn(&s, "What are your opening hours?", 600);
        t.new_conversation = false;
        let reply = RulesBrain.respond(&t);
        assert_eq!(reply.intent, Intent::HoursLocation);
        assert_eq!(reply.text.unwrap(), "Our opening hours are Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00.");
        let mut later = turn(&s, "I'd like to see it on Friday", 600);
        later.new_conversation = false;
        assert_eq!(RulesBrain.respond(&later).text.unwrap(), "Thanks, got it — the team will pick this up shortly.");
    }

    #[test]
    fn opt_out_gets_no_reply() {
        let s = letting_agent();
        for word in ["STOP", "Unsubscribe.", " stop "] {
            let reply = RulesBrain.respond(&turn(&s, word, 600));
            assert_eq!(reply, Reply { text: None, intent: Intent::OptOut, escalation: None }, "{word}");
        }
        // "stop" inside a sentence is not an opt-out.
        assert!(RulesBrain.respond(&turn(&s, "please don't stop the viewing", 600)).text.is_some());
    }
}
