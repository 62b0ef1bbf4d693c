//! Whether a call (gather or relay) ends after the caller's words (what is said is
//! `voice::speech::say`, the relay's policy too).

use crate::brain::understand::{understand, CivilDate, Input, Intent};

/// How the call goes on after the caller said `words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Listen for the next thing they say.
    Listen,
    /// They said goodbye: say the reply and hang up.
    HangUp,
    /// They asked for a person: put them through (or take a message when nobody can be).
    Person,
}

pub fn next(words: &str, template: Option<&str>, today: CivilDate) -> Next {
    let input = Input { utterance: words, system_before: None, tenant_template: template, today };
    match understand(&input).intent {
        Intent::ThanksGoodbye => Next::HangUp,
        Intent::SpeakToHuman => Next::Person,
        _ => Next::Listen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> CivilDate {
        "2026-11-30".parse().unwrap()
    }

    #[test]
    fn goodbye_ends_the_call_and_a_person_is_a_transfer() {
        assert_eq!(next("bye", None, today()), Next::HangUp);
        assert_eq!(next("can I speak to a person please", None, today()), Next::Person);
        assert_eq!(next("Is the flat on Elm Road still available?", Some("letting_agent"), today()), Next::Listen);
    }
}
