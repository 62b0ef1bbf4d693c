//! A gather-mode turn as the caller hears it: the brain's reply made short enough to say, and
//! whether the call ends after it.

use crate::brain::understand::{understand, CivilDate, Input, Intent};

/// Voice turns are one or two sentences: longer answers are cut at a sentence end.
const MAX_SENTENCES: usize = 2;
/// `<Say>` takes up to 4,096 characters; a spoken turn should be far shorter.
const MAX_CHARS: usize = 400;

/// The reply's first sentences, without links (a URL read aloud helps nobody), split as the
/// relay splits them (`channel::twilio::relay::sentences`).
pub fn for_speech(reply: &str) -> String {
    let words: Vec<&str> = reply.split_whitespace().filter(|w| !w.contains("://")).collect();
    let spoken = crate::channel::twilio::relay::sentences(&words.join(" "))
        .into_iter()
        .take(MAX_SENTENCES)
        .collect::<Vec<_>>()
        .join(" ");
    match spoken.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => spoken[..cut].trim_end().to_owned(),
        None => spoken,
    }
}

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
    fn long_replies_are_cut_to_two_sentences_without_links() {
        let reply = "Yes, it is available. It's £1,250 a month. Details: https://x.example/l/1 Want a viewing?";
        assert_eq!(for_speech(reply), "Yes, it is available. It's £1,250 a month.");
        assert_eq!(for_speech("Sure"), "Sure");
    }

    #[test]
    fn goodbye_ends_the_call_and_a_person_is_a_transfer() {
        assert_eq!(next("bye", None, today()), Next::HangUp);
        assert_eq!(next("can I speak to a person please", None, today()), Next::Person);
        assert_eq!(next("Is the flat on Elm Road still available?", Some("letting_agent"), today()), Next::Listen);
    }
}
