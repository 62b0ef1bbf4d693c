//! What a caller hears first, and the words speech recognition should expect.

/// Short, in the business's name; a caller whose number we know is greeted by name, and asked
/// about their coming booking (`upcoming`: "your viewing on Friday at 10:00") when they have one.
/// With a voice persona (`persona`, its name) the AI says who it is: "…, this is Sam, the AI
/// assistant."
pub fn greeting(
    business_name: &str,
    contact_name: Option<&str>,
    upcoming: Option<&str>,
    persona: Option<&str>,
) -> String {
    let thanks = match contact_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => {
            let first = name.split_whitespace().next().unwrap_or(name);
            format!("Hi {first}, thanks for calling {business_name}")
        }
        None => format!("Thanks for calling {business_name}"),
    };
    let hello = match persona {
        Some(persona) => format!("{thanks}, this is {persona}, the AI assistant."),
        None => format!("{thanks}."),
    };
    match upcoming {
        Some(booking) => format!("{hello} Are you calling about {booking}?"),
        None => format!("{hello} How can I help?"),
    }
}

/// A greeting as the caller hears it: said like every reply (times, prices and symbols read
/// out, the tenant's pronunciations), never cut (it is two short sentences by design).
pub fn spoken(greeting: &str, voice: &super::VoiceSettings) -> String {
    super::speech::phrase(greeting, voice, crate::brain::understand::Language::En)
}

/// What the person we call hears first: who is calling and why, by name when we know it — and
/// with a voice persona, that it is the business's AI assistant.
pub fn outbound_greeting(
    business_name: &str,
    contact_name: Option<&str>,
    purpose: super::outbound::Purpose,
    persona: Option<&str>,
) -> String {
    let who = match persona {
        Some(persona) => format!("{persona}, the AI assistant at {business_name},"),
        None => business_name.to_owned(),
    };
    let hello = match contact_name.and_then(|n| n.split_whitespace().next()) {
        Some(first) => format!("Hi {first}, it's {who}"),
        None => format!("Hello, it's {who}"),
    };
    match purpose {
        super::outbound::Purpose::Callback => format!("{hello} returning your call. How can I help?"),
        super::outbound::Purpose::LeadFollowUp => {
            format!("{hello} following up on your enquiry. Is now a good time to talk?")
        }
    }
}

/// Said before `<Record>` when the business is closed.
pub fn voicemail_greeting(business_name: &str, contact_name: Option<&str>) -> String {
    let hello = match contact_name.and_then(|n| n.split_whitespace().next()) {
        Some(first) => format!("Hi {first}, thanks for calling {business_name}."),
        None => format!("Thanks for calling {business_name}."),
    };
    format!("{hello} We're closed right now. Please leave a message after the tone and we'll call you back.")
}

/// Twilio caps `hints` (a comma-separated list) well above this; fewer, better hints help more.
const MAX_HINTS: usize = 50;

/// The business name and the listings' streets (stored lower-case, e.g. `elm road`), each once,
/// capitalised as they are said, comma-separated as `hints` wants. Commas inside a name would
/// split it, so they are dropped.
pub fn hints<'a>(business_name: &str, streets: impl IntoIterator<Item = &'a str>) -> String {
    let mut out: Vec<String> = Vec::new();
    let candidates = std::iter::once(business_name.to_owned()).chain(streets.into_iter().map(title_case));
    for hint in candidates {
        let hint = hint.replace(',', " ").split_whitespace().collect::<Vec<_>>().join(" ");
        if !hint.is_empty() && !out.iter().any(|h| h.eq_ignore_ascii_case(&hint)) && out.len() < MAX_HINTS {
            out.push(hint);
        }
    }
    out.join(",")
}

fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_caller_is_greeted_by_first_name() {
        assert_eq!(
            greeting("Acme Lettings", Some("Priya Shah"), None, None),
            "Hi Priya, thanks for calling Acme Lettings. How can I help?"
        );
        assert_eq!(
            greeting("Acme Lettings", Some("  "), None, None),
            "Thanks for calling Acme Lettings. How can I help?"
        );
    }

    #[test]
    fn a_voice_persona_says_its_name_and_that_it_is_the_ai_assistant() {
        assert_eq!(
            greeting("Harbour Lettings", None, None, Some("Sam")),
            "Thanks for calling Harbour Lettings, this is Sam, the AI assistant. How can I help?"
        );
        assert_eq!(
            greeting("Harbour Lettings", Some("Priya Shah"), Some("your viewing on Friday at 10:00"), Some("Sam")),
            "Hi Priya, thanks for calling Harbour Lettings, this is Sam, the AI assistant. Are you calling about your \
             viewing on Friday at 10:00?"
        );
        assert_eq!(
            outbound_greeting(
                "Harbour Lettings",
                Some("Priya"),
                crate::voice::outbound::Purpose::Callback,
                Some("Sam")
            ),
            "Hi Priya, it's Sam, the AI assistant at Harbour Lettings, returning your call. How can I help?"
        );
    }

    #[test]
    fn the_persona_voice_speaks_only_the_calls_own_language() {
        use crate::console::settings::{tests::persona, Persona};
        let personas =
            vec![Persona { voice: Some("en-GB-Neural2-A".into()), ..persona("receptionist", "voice", "Sam") }];
        let settings = crate::voice::VoiceSettings { language: Some("en-GB".into()), ..Default::default() };
        assert_eq!(crate::voice::speaker(&personas, &settings, "en-GB").voice, Some("en-GB-Neural2-A"));
        assert_eq!(crate::voice::speaker(&personas, &settings, "es-ES").voice, None, "a switched caller");
        assert_eq!(crate::voice::speaker(&[], &settings, "en-GB").voice, None, "no persona: the default voice");
    }

    #[test]
    fn a_caller_with_a_coming_booking_is_asked_about_it() {
        assert_eq!(
            greeting("Acme Lettings", Some("Priya Shah"), Some("your viewing on Friday at 10:00"), None),
            "Hi Priya, thanks for calling Acme Lettings. Are you calling about your viewing on Friday at 10:00?"
        );
    }

    #[test]
    fn a_greeting_is_said_as_replies_are() {
        let voice = crate::voice::VoiceSettings {
            pronunciations: vec![crate::voice::speech::pronunciation::Pronunciation {
                say: "Marylebone".into(),
                said_as: "Marly-bun".into(),
            }],
            ..Default::default()
        };
        let hello = greeting("Marylebone Lettings", Some("Priya"), Some("your viewing on Friday at 10:00"), None);
        let said = spoken(&hello, &voice);
        assert!(said.contains("thanks for calling Marly-bun Lettings"), "{said}");
        assert!(!said.contains("10:00"), "a time is read out, not written: {said}");
        assert!(said.ends_with('?'), "{said}");
    }

    #[test]
    fn a_call_we_place_says_who_we_are_and_why() {
        use crate::voice::outbound::Purpose;
        assert_eq!(
            outbound_greeting("Oakfield Lettings", Some("Priya Shah"), Purpose::Callback, None),
            "Hi Priya, it's Oakfield Lettings returning your call. How can I help?"
        );
        assert_eq!(
            outbound_greeting("Oakfield Lettings", None, Purpose::LeadFollowUp, None),
            "Hello, it's Oakfield Lettings following up on your enquiry. Is now a good time to talk?"
        );
    }

    #[test]
    fn hints_name_the_business_and_each_street_once() {
        assert_eq!(
            hints("Acme, Lettings", ["elm road", "high street", "elm road", ""]),
            "Acme Lettings,Elm Road,High Street"
        );
    }
}
