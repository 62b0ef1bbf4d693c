//! Proper names: people, areas, properties and providers. People capitalise names, so a run of
//! capitalised words that are not everyday words ("San Jose", "Avalon Apartments",
//! "Dr. Ana Lima") is a name; what kind of name comes from its own head word ("Apartments",
//! "Salon", "Dr."), the word before it ("in", "named", "with"), the tenant's template, or the
//! system's question ("What city?"). A lower-case bare answer is taken whole only when the
//! system asked for exactly that.

use super::dates::is_month_or_weekday;
use super::dialogue::Asked;
use super::text::Text;
use super::{Slot, Template};

/// Everyday words that start sentences capitalised but are not names.
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "i", "i'm", "i'd", "i'll", "i've", "im", "id", "a", "an", "the", "this", "that", "these", "those", "it", "it's",
    "its", "my", "me", "we", "we're", "our", "you", "your", "he", "she", "they", "there", "there's", "their", "here",
    "what", "what's", "which", "when", "where", "who", "how", "why", "is", "are", "was", "were", "be", "do", "does",
    "did", "can", "could", "would", "will", "should", "shall", "may", "might", "must", "have", "has", "had", "yes",
    "yeah", "yep", "yup", "no", "nope", "nah", "not", "ok", "okay", "sure", "please", "thanks", "thank", "hi",
    "hello", "hey", "dear", "good", "great", "perfect", "fine", "cool", "awesome", "excellent", "wonderful", "nice",
    "sounds", "sound", "find", "search", "look", "looking", "book", "booking", "reserve", "schedule", "make", "get",
    "give", "tell", "show", "help", "need", "want", "like", "also", "and", "or", "but", "so", "then", "just", "only",
    "actually", "maybe", "perhaps", "well", "oh", "um", "uh", "hmm", "now", "today", "tomorrow", "tonight", "in",
    "at", "on", "for", "to", "from", "with", "by", "of", "near", "around", "any", "some", "all", "one", "two",
    "three", "four", "five", "is", "alright", "right", "correct", "exactly", "absolutely", "definitely", "cancel",
    "change", "reschedule", "stop", "bye", "goodbye", "cheers", "sorry", "excuse", "hola", "gracias", "bonjour",
    "merci", "hallo", "danke", "ciao", "grazie", "ola", "obrigado", "si", "oui", "ja", "nein", "non", "sim", "nao",
    "buenos", "buenas", "guten", "buongiorno", "bom", "quiero", "je", "ich", "eu", "io", "yo", "necesito", "vorrei",
    "gostaria", "is", "let's", "lets", "let", "could", "apartment", "apartments", "house", "home", "hotel", "room",
    "flat", "studio", "appointment", "visit", "dentist", "doctor", "salon", "stylist", "therapist", "am", "pm", "no.",
    "can't", "don't", "didn't", "isn't", "that's", "thats", "that'll", "who's", "how's", "where's", "when's", "both",
    "either", "each", "other", "another", "else", "more", "less", "much", "many", "very", "really", "too", "again",
    "still", "check", "checking", "stay", "staying", "go", "going", "come", "coming", "try", "see", "thats", "true",
    "false", "wifi", "pets", "pet", "furnished", "bedroom", "bedrooms", "bath", "baths", "bathroom", "bathrooms",
    "people", "person", "adults", "guests", "none", "nothing", "everything", "something", "anything", "somewhere", "traveling", "travelling", "moving", "someone",
    "anyone", "everyone", "nobody", "done", "all", "that", "nevermind", "never",
];

/// A capitalised word that may be (part of) a name.
fn name_like(t: &Text, i: usize) -> bool {
    let Some(tok) = t.toks.get(i) else { return false };
    tok.cap
        && !COMMON.contains(&tok.norm.as_str())
        && !is_month_or_weekday(&tok.norm)
        && tok.norm.chars().next().is_some_and(char::is_alphabetic)
}

#[rustfmt::skip]
const CONNECTORS: &[&str] =
    &["of", "de", "del", "la", "le", "du", "des", "da", "do", "di", "and", "the", "y", "et", "und", "e"];

/// Runs of name-like words: (start, end) token ranges. Everyday capitalised words join a run
/// once it has started ("Hotel Le Bleu"), and lower-case connectors join between capitals.
pub(crate) fn runs(t: &Text) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        // An everyday word mid-sentence starts a name when a name follows: "at Great Clips".
        let mid_sentence_start = i > 0
            && !t.breaks_before(i)
            && t.toks[i].cap
            && !matches!(t.w(i), "i" | "i'm" | "i'd" | "i'll" | "i've")
            && !is_month_or_weekday(t.w(i))
            && name_like(t, i + 1)
            && gap_joins(t.gap(i + 1));
        if !name_like(t, i) && !mid_sentence_start {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        loop {
            if end >= t.len() || t.breaks_before(end) || !gap_joins(t.gap(end)) {
                break;
            }
            let tok = &t.toks[end];
            let comma = t.gap(end).contains(',');
            if comma {
                // "London, England" / "Seattle, WA": only a capitalised place after a comma.
                if name_like(t, end) && (end + 1 >= t.len() || t.breaks_before(end + 1) || !t.toks[end + 1].cap) {
                    end += 1;
                }
                break;
            }
            if tok.cap
                && !is_month_or_weekday(&tok.norm)
                && !matches!(tok.norm.as_str(), "i" | "i'm" | "i'd" | "please")
            {
                end += 1;
            } else if CONNECTORS.contains(&tok.norm.as_str())
                && name_like(t, end + 1)
                && !t.breaks_before(end + 1)
                && gap_joins(t.gap(end + 1))
            {
                end += 2;
            } else {
                break;
            }
        }
        out.push((i, end));
        i = end;
    }
    out
}

fn gap_joins(gap: &str) -> bool {
    gap.len() <= 3 && gap.chars().all(|c| matches!(c, ' ' | '&' | '-' | '\'' | '.' | ',' | '!'))
}

#[rustfmt::skip]
const PROVIDER_HEADS: &[&str] = &[
    "dr", "doctor", "salon*", "barber*", "hair*", "cuts", "clips", "spa", "beauty", "dental", "dentist*", "clinic",
    "nails", "medical", "surgery", "md", "dds", "physio*", "therapy", "orthodont*", "smile*", "lab", "studio",
    "parlor", "parlour", "haircut*", "health", "care", "aesthetic*", "chiropract*", "optic*", "pediatric*",
];
#[rustfmt::skip]
const PROPERTY_HEADS: &[&str] = &[
    "apartment*", "homes", "terrace", "towers", "tower", "court", "residences", "residence", "villas", "villa",
    "lofts", "commons", "gardens", "estates", "manor", "hotel*", "inn", "suites", "lodge", "resort", "hostel",
    "motel", "house", "plaza", "place", "condos", "flats", "mansions", "cottage",
];
#[rustfmt::skip]
const STREETS: &[&str] = &[
    "road", "rd", "street", "st", "avenue", "ave", "lane", "ln", "drive", "way", "close", "court", "place",
    "boulevard", "blvd", "crescent", "square", "grove", "mews", "row", "hill", "calle", "rue", "strasse", "str",
    "rua", "via", "avenida",
];
#[rustfmt::skip]
const AREA_PREPS: &[&str] = &[
    "in", "near", "around", "to", "into", "nearby", "within", "en", "cerca", "dans", "pres", "nach", "bei", "em",
    "perto", "vicino",
];

/// A typed proper name found in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Named {
    pub slot: Slot,
    pub start: usize,
    pub end: usize,
    pub value: String,
}

#[rustfmt::skip]
const NAME_CUES: &[&str] = &[
    "my name is", "my name's", "name is", "name's", "this is", "call me", "i'm", "i am", "me llamo", "mi nombre es",
    "soy", "je m'appelle", "je suis", "mon nom est", "ich heisse", "mein name ist", "ich bin", "meu nome e",
    "me chamo", "eu sou", "mi chiamo", "il mio nome e", "sono",
];

/// A person's name after "my name is", "I'm", "me llamo"…: one to three capitalised words
/// (lower case is accepted after the unambiguous "my name is" cues).
fn person(t: &Text) -> Option<Named> {
    for (at, len) in t.find_all(NAME_CUES) {
        let start = at + len;
        // "Call me about the flat", "I'm after a flat": after these cues a lower-case word is
        // what they want, not who they are, so only a capitalised name counts.
        let strong = !matches!(t.w(at), "i'm" | "i" | "this" | "call" | "soy" | "je" | "ich" | "eu" | "sono");
        let mut end = start;
        while end < t.len() && end - start < 3 && !t.breaks_before(end) {
            let ok = name_like(t, end)
                || (strong
                    && end == start
                    && t.toks[end].norm.chars().all(char::is_alphabetic)
                    && !COMMON.contains(&t.w(end)));
            if !ok {
                break;
            }
            end += 1;
        }
        if end > start {
            return Some(Named { slot: Slot::Name, start, end, value: t.slice(start, end).to_owned() });
        }
    }
    None
}

/// Every typed proper name. `asked` types bare answers.
pub(crate) fn find(t: &Text, asked: &Asked, template: Template) -> Vec<Named> {
    let mut out: Vec<Named> = person(t).into_iter().collect();
    for (start0, end) in runs(t) {
        if out.iter().any(|n| n.start <= start0 && start0 < n.end) {
            continue;
        }
        let mut start = start0;
        let words: Vec<&str> = (start..end).map(|k| t.w(k)).collect();
        let has = |heads: &[&str]| words.iter().any(|w| heads.iter().any(|h| super::text::word_matches(h, w)));
        let prev = t.w(start.wrapping_sub(1));
        let prev2 = t.w(start.wrapping_sub(2));
        let before = if prev == "the" { prev2 } else { prev };
        let street = STREETS.contains(words.last().unwrap_or(&""));
        let slot = if words.first().is_some_and(|w| *w == "dr" || *w == "doctor") || matches!(before, "dr" | "doctor") {
            if matches!(before, "dr" | "doctor") && t.toks[start - 1].cap {
                start -= 1;
            }
            Some(Slot::Provider)
        } else if street {
            // "12 Elm Road": keep the house number.
            if start > 0 && super::numbers::int(t.w(start - 1)).is_some() && !t.breaks_before(start) {
                start -= 1;
            }
            Some(Slot::Property)
        } else if has(PROVIDER_HEADS) && !has(&["hotel*", "inn", "apartment*"]) {
            Some(Slot::Provider)
        } else if has(PROPERTY_HEADS) {
            Some(Slot::Property)
        } else if matches!(before, "named" | "called") || (before == "with" && template == Template::Appointments) {
            Some(if template == Template::Appointments { Slot::Provider } else { Slot::Property })
        } else if before == "at" {
            Some(match template {
                Template::Appointments => Slot::Provider,
                Template::Letting | Template::Stay => Slot::Property,
                Template::Other => Slot::Area,
            })
        } else if AREA_PREPS.contains(&before) || matches!(before, "from" | "visiting" | "travelling" | "traveling") {
            Some(Slot::Area)
        } else {
            bare_answer_slot(t, start, end, asked).or_else(|| sign_off(t, start, end).then_some(Slot::Name))
        };
        if let Some(slot) = slot {
            out.push(Named { slot, start, end, value: t.slice(start, end).to_owned() });
        }
    }
    if let Some(bare) = lower_case_answer(t, asked, &out) {
        out.push(bare);
    }
    out
}

/// "Can I view it Friday? Ana": a name on its own as the message's last sentence signs it.
fn sign_off(t: &Text, start: usize, end: usize) -> bool {
    // After a question or on its own line only: "…Paris. London" is more likely a second place.
    start > 0 && end == t.len() && end - start <= 2 && t.gap(start).contains(['?', '\n'])
}

/// The slot a name answers when it is (nearly) the whole message and the system asked for it.
fn bare_answer_slot(t: &Text, start: usize, end: usize, asked: &Asked) -> Option<Slot> {
    let others = t.len() - (end - start);
    let short = others <= 4;
    let wanted = [Slot::Area, Slot::Provider, Slot::Property, Slot::Name];
    let slot = asked.expects.iter().copied().find(|s| wanted.contains(s));
    slot.filter(|_| short || asked.expects.len() > 1 || others <= 8 || opens_the_message(t, start, end))
}

/// "Clifton, up to 1500 a month…": a name that opens the message as a clause of its own is the
/// answer to the question, however much more the message goes on to say.
fn opens_the_message(t: &Text, start: usize, end: usize) -> bool {
    let only_fillers_before = (0..start).all(|k| LEAD_FILLERS.iter().any(|f| super::text::word_matches(f, t.w(k))));
    let clause_ends = end >= t.len() || t.breaks_before(end) || t.gap(end).contains(',');
    only_fillers_before && clause_ends
}

/// Fillers around a bare answer: "I'd like it in san jose please" → "san jose".
#[rustfmt::skip]
const LEAD_FILLERS: &[&str] = &[
    "i'd", "i", "would", "like", "it", "to", "be", "in", "im", "i'm", "looking", "want", "need", "search", "find",
    "look", "try", "somewhere", "please", "how", "about", "maybe", "let's", "lets", "say", "the", "city", "of", "at",
    "near", "around", "make", "go", "with", "for", "one", "ok", "okay", "sure", "yes", "well", "um", "uh", "my",
    "name", "is", "it's", "its", "this", "call", "me", "we", "are", "am", "will", "travel*", "going", "stay",
    "staying", "visit*", "there", "somewhere", "area", "place", "something", "in", "a", "an", "from",
];
#[rustfmt::skip]
const TRAIL_FILLERS: &[&str] = &[
    "please", "thanks", "thank", "you", "would", "be", "great", "good", "nice", "is", "fine", "works", "area", "ok",
    "okay", "then", "for", "me", "city", "if", "possible", "preferably", "thx", "ty",
];

fn lower_case_answer(t: &Text, asked: &Asked, found: &[Named]) -> Option<Named> {
    let slot = asked.expects.iter().copied().find(|s| matches!(s, Slot::Area | Slot::Name | Slot::Provider))?;
    if asked.expects.len() != 1 || found.iter().any(|n| n.slot == slot) || t.len() > 8 {
        return None;
    }
    let mut start = 0;
    while start < t.len() && LEAD_FILLERS.iter().any(|f| super::text::word_matches(f, t.w(start))) {
        start += 1;
    }
    let mut end = t.len();
    while end > start && TRAIL_FILLERS.contains(&t.w(end - 1)) {
        end -= 1;
    }
    // Stop at the first sentence break: "san jose. thanks".
    if let Some(k) = (start + 1..end).find(|&k| t.breaks_before(k)) {
        end = k;
    }
    let plausible = end > start
        && end - start <= 4
        && (start..end).all(|k| t.w(k).chars().all(|c| c.is_alphabetic() || c == '\'') && !COMMON.contains(&t.w(k)));
    plausible.then(|| Named { slot, start, end, value: t.slice(start, end).to_owned() })
}

#[cfg(test)]
mod tests {
    use super::super::dialogue;
    use super::*;

    fn names(s: &str, system: &str, template: Template) -> Vec<(Slot, String)> {
        let t = Text::new(s);
        let asked = dialogue::read(&Text::new(system));
        find(&t, &asked, template).into_iter().map(|n| (n.slot, n.value)).collect()
    }

    #[test]
    fn typed_by_head_word_and_preposition() {
        let none = Template::Other;
        assert_eq!(names("Find me a salon in San Jose", "", none), [(Slot::Area, "San Jose".into())]);
        assert_eq!(
            names("Can I visit Avalon Apartments in Santa Clara?", "", none),
            [(Slot::Property, "Avalon Apartments".into()), (Slot::Area, "Santa Clara".into())]
        );
        assert_eq!(names("Book me with Dr. Ana Lima please", "", none), [(Slot::Provider, "Dr. Ana Lima".into())]);
        assert_eq!(names("I'm travelling to London, England.", "", none), [(Slot::Area, "London, England".into())]);
        assert_eq!(
            names("Is the flat on 12 Elm Road free?", "", Template::Letting),
            [(Slot::Property, "12 Elm Road".into())]
        );
        assert_eq!(
            names("an appointment at Great Clips", "", Template::Appointments),
            [(Slot::Provider, "Great Clips".into())]
        );
        assert_eq!(
            names("a salon named Kim P Beauty Care", "", Template::Appointments),
            [(Slot::Provider, "Kim P Beauty Care".into())]
        );
    }

    #[test]
    fn people_and_bare_answers() {
        assert_eq!(names("Hi, my name is Ana Lima", "", Template::Other), [(Slot::Name, "Ana Lima".into())]);
        assert_eq!(names("Me llamo Sofía", "", Template::Other), [(Slot::Name, "Sofía".into())]);
        assert_eq!(names("I'm looking for a flat", "", Template::Other), []);
        assert_eq!(names("Can someone call me about the flat?", "", Template::Letting), []);
        assert_eq!(names("Please call me Ana", "", Template::Other), [(Slot::Name, "Ana".into())]);
        assert_eq!(names("Sunnyvale please", "What city?", Template::Other), [(Slot::Area, "Sunnyvale".into())]);
        assert_eq!(
            names("i'd like it in san jose please", "Which city?", Template::Other),
            [(Slot::Area, "san jose".into())]
        );
        assert_eq!(names("Sunnyvale please", "", Template::Other), []);
    }

    #[test]
    fn a_long_message_that_opens_with_the_answer_answers_the_question() {
        let long = "Clifton, up to 1500 a month, moving in on 1 December. Can I view it Friday? Ana";
        // The bare question and the question after other sentences (our opening-hours line
        // names a time, which once made the difference between area found and not) agree.
        for system in [
            "Which area are you looking in?",
            "We're open until 18:00 and a member of the team will reply shortly. Which area are you looking in?",
            "We're closed right now; the team will reply when we open today at 09:00. Which area are you looking in?",
        ] {
            assert_eq!(names(long, system, Template::Letting)[0], (Slot::Area, "Clifton".into()), "after {system:?}");
        }
        // A name further into a long message is not taken as the bare answer.
        let inside = "Up to 1500 a month and moving in on 1 December, can I view it Friday? Ana";
        assert!(names(inside, "Which area are you looking in?", Template::Letting)
            .iter()
            .all(|(s, _)| *s != Slot::Area));
    }
}
