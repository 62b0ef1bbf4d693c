//! "Who am I talking to?", "Are you a bot?": the contact asks who (or what) answers them. The
//! front desk then says plainly that it is the business's AI assistant, by its persona's name
//! when it has one (`brain::persona`), and never that it is a person.

use super::text::Text;

#[rustfmt::skip]
const WHO_ARE_YOU: &[&str] = &[
    "who am i talking to", "who am i speaking to", "who am i speaking with", "who am i talking with",
    "who is this", "who's this", "who are you", "what's your name", "what is your name", "are you a bot", "are you a robot",
    "are you an ai", "are you ai", "are you a machine", "are you a computer", "are you human", "are you a human",
    "are you a real person", "are you a person", "are you real", "are you automated", "is this a bot",
    "is this a robot", "is this a real person", "is this a person", "is this automated", "is this an ai",
    "is this ai", "talking to a bot", "talking to a robot", "talking to a machine", "talking to an ai",
    "talking to a real person", "talking to a human", "speaking to a bot", "speaking to a robot",
    "speaking to a real person", "speaking to a human", "chatting with a bot",
    // es, fr, de, pt, it
    "con quien hablo", "quien eres", "quien es usted", "eres un bot", "eres un robot", "eres humano",
    "eres una persona", "es usted un robot", "es un bot", "a qui je parle", "a qui ai je affaire", "qui etes vous",
    "qui es tu", "etes vous un robot", "es tu un robot", "vous etes un robot", "c'est un robot", "etes vous humain",
    "mit wem spreche ich", "mit wem schreibe ich", "wer sind sie", "wer bist du", "bist du ein bot",
    "sind sie ein bot", "bist du ein roboter", "sind sie ein roboter", "sind sie ein mensch", "bist du ein mensch",
    "com quem falo", "com quem estou falando", "quem e voce", "voce e um robo", "voce e um bot", "e um robo",
    "e um bot", "con chi parlo", "con chi sto parlando", "chi sei", "chi e lei", "sei un bot", "sei un robot",
    "e un robot", "sei umano", "sei una persona",
];

/// The message asks who, or what, is answering.
pub fn asks_identity(utterance: &str) -> bool {
    asks_in(&Text::new(utterance))
}

pub(super) fn asks_in(t: &Text) -> bool {
    t.has_any(WHO_ARE_YOU)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_and_bot_questions_are_recognised_in_each_language() {
        for asked in [
            "Who am I talking to?",
            "sorry who's this",
            "Are you a bot?",
            "Is this a real person or a robot?",
            "am i talking to an AI",
            "¿Con quién hablo?",
            "Vous êtes un robot ?",
            "Mit wem spreche ich?",
            "Você é um robô?",
            "Sei un bot?",
        ] {
            assert!(asks_identity(asked), "{asked}");
        }
        for other in ["Is the flat on Elm Road still available?", "Can I book a viewing?", "What are your hours?"] {
            assert!(!asks_identity(other), "{other}");
        }
    }

    #[test]
    fn asking_whether_we_are_a_person_is_not_asking_for_one() {
        use crate::brain::understand::{understand, Input, Intent};
        let intent = |text: &str| {
            let today = "2026-12-01".parse().unwrap();
            understand(&Input { utterance: text, system_before: None, tenant_template: None, today }).intent
        };
        assert_ne!(intent("Sorry, am I talking to a real person?"), Intent::SpeakToHuman);
        assert_ne!(intent("Are you a human?"), Intent::SpeakToHuman);
        assert_eq!(intent("Can I speak to a real person please?"), Intent::SpeakToHuman);
        assert_eq!(intent("I want a real person"), Intent::SpeakToHuman);
        assert_eq!(intent("Are you a bot? I want to talk to someone"), Intent::SpeakToHuman);
    }
}
