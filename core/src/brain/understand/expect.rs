//! Reading a reply against the answer an intake question expects (the tenant's intake builder,
//! `lead::Answer`): one of a choice's options — by its words, its number or its place ("the
//! first one") —, a yes or a no in any of the six languages, or a date. `None` means the reply
//! does not fit, and the question is asked again more specifically (`brain::intake`).

use super::dates;
use super::intent::polarity;
use super::numbers::{int, ordinal};
use super::text::{fold, Text};
use super::{CivilDate, SlotValue};
use serde_json::Value;

/// What a question's answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect<'a> {
    /// One of these options, stored as the tenant wrote it.
    Choice(&'a [String]),
    /// `true` or `false`.
    YesNo,
    /// A calendar date, stored `YYYY-MM-DD`.
    Date,
}

/// Ordinal words for a place in a list, in the six languages, and "last".
#[rustfmt::skip]
const PLACES: &[(&str, usize)] = &[
    ("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("fifth", 5), ("sixth", 6),
    ("primero", 1), ("primera", 1), ("segundo", 2), ("segunda", 2), ("tercero", 3), ("tercera", 3),
    ("premier", 1), ("premiere", 1), ("deuxieme", 2), ("second", 2), ("troisieme", 3),
    ("erste", 1), ("ersten", 1), ("erstes", 1), ("zweite", 2), ("zweiten", 2), ("dritte", 3), ("dritten", 3),
    ("primeiro", 1), ("primeira", 1), ("terceiro", 3), ("terceira", 3),
    ("primo", 1), ("prima", 1), ("secondo", 2), ("seconda", 2), ("terzo", 3), ("terza", 3),
];
const LAST: &[&str] = &["last", "ultimo", "ultima", "dernier", "derniere", "letzte", "letzten", "letztes"];
/// Neither a yes nor a no, though "sure" or "no" may be in it.
#[rustfmt::skip]
const UNSURE: &[&str] = &[
    "not sure", "unsure", "maybe", "perhaps", "don't know", "dont know", "no idea", "depends", "not certain",
    "quizas", "quiza", "tal vez", "no se", "no estoy seguro*", "peut etre", "je ne sais pas",
    "pas sur*", "vielleicht", "weiss nicht", "nicht sicher", "talvez", "nao sei", "nao tenho certeza",
    "forse", "non so", "non sono sicur*",
];
/// Words that may surround a bare number or place without changing it ("option 2", "the 2nd one").
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "the", "one", "option", "number", "no", "nr", "please", "pls", "thanks", "thank", "you", "el", "la", "le", "der",
    "die", "das", "o", "a", "il", "opcion", "option", "opcao", "opzione", "nummer", "numero", "por", "favor", "bitte",
    "merci", "gracias", "obrigado", "obrigada", "grazie", "it", "is", "its", "i'd", "like", "go", "for", "with",
];

/// The reply read as `expect` wants it, with the words it came from; `None` when it does not fit.
pub fn read_expected(expect: Expect, reply: &str, today: CivilDate) -> Option<SlotValue> {
    let t = Text::new(reply);
    if t.len() == 0 {
        return None;
    }
    match expect {
        Expect::Choice(options) => choice(&t, options),
        Expect::YesNo => {
            if t.has_any(UNSURE) {
                return None;
            }
            let yes = polarity(&t)?;
            Some(SlotValue { value: Value::Bool(yes), text: t.raw.trim().to_owned() })
        }
        Expect::Date => {
            let found = dates::find(&t, today).into_iter().next()?;
            Some(SlotValue {
                value: Value::String(found.value.to_string()),
                text: t.slice(found.start, found.end).into(),
            })
        }
    }
}

/// Whether a value the NLU read by itself already fits ("we have a small dog" is pets: yes).
pub fn fits(expect: Expect, value: &Value) -> bool {
    match (expect, value) {
        (Expect::YesNo, Value::Bool(_)) => true,
        (Expect::Date, Value::String(date)) => date.parse::<CivilDate>().is_ok(),
        (Expect::Choice(options), Value::String(said)) => options.iter().any(|o| fold(o) == fold(said)),
        _ => false,
    }
}

fn choice(t: &Text, options: &[String]) -> Option<SlotValue> {
    let chosen = |i: usize, words: &str| {
        Some(SlotValue { value: Value::String(options.get(i)?.clone()), text: words.to_owned() })
    };
    // By its words: the options whose words all appear together; the longest wins when one
    // contains another ("part furnished" over "furnished"), two unrelated ones are no answer.
    let named: Vec<(usize, usize, usize)> = options
        .iter()
        .enumerate()
        .filter_map(|(i, option)| {
            let pattern = words_of(option);
            let at = t.find(&pattern).filter(|_| !pattern.is_empty())?;
            Some((i, at, pattern.split(' ').count()))
        })
        .collect();
    if let Some(&(i, at, len)) = named.iter().max_by_key(|(_, _, len)| *len) {
        let covers = |&(_, a, l): &(usize, usize, usize)| a >= at && a + l <= at + len;
        if named.iter().all(covers) {
            return chosen(i, t.slice(at, at + len));
        }
        return None;
    }
    // By number or place: "2", "option 2", "the second one", "the last".
    let rest: Vec<usize> = (0..t.len()).filter(|&k| !FILLER.contains(&t.w(k))).collect();
    let [k] = rest[..] else { return None };
    let word = t.w(k);
    let place = int(word)
        .or_else(|| ordinal(word).filter(|_| word.chars().next().is_some_and(|c| c.is_ascii_digit())))
        .map(|n| n as usize)
        .or_else(|| PLACES.iter().find(|(w, _)| *w == word).map(|(_, n)| *n))
        .or_else(|| LAST.contains(&word).then_some(options.len()))?;
    chosen(place.checked_sub(1)?, t.raw.trim())
}

/// An option's words, folded and space-separated: the pattern [`Text::find`] matches.
fn words_of(option: &str) -> String {
    let t = Text::new(option);
    (0..t.len()).map(|k| t.w(k)).collect::<Vec<_>>().join(" ")
}

/// Whether `option` is already named in `text` (a question that lists its options itself).
pub fn mentions(text: &str, option: &str) -> bool {
    let pattern = words_of(option);
    !pattern.is_empty() && Text::new(text).has(&pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 23 };

    fn read(expect: Expect, reply: &str) -> Option<Value> {
        read_expected(expect, reply, TODAY).map(|v| v.value)
    }

    fn options(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_choice_is_read_by_its_words_its_number_or_its_place() {
        let furnishing = options(&["Furnished", "Unfurnished", "Part furnished"]);
        let pick = |reply| read(Expect::Choice(&furnishing), reply).and_then(|v| v.as_str().map(str::to_owned));
        assert_eq!(pick("unfurnished please").as_deref(), Some("Unfurnished"));
        assert_eq!(pick("FURNISHED").as_deref(), Some("Furnished"));
        assert_eq!(pick("part furnished would be ideal").as_deref(), Some("Part furnished"), "the longer option");
        assert_eq!(pick("the first one").as_deref(), Some("Furnished"));
        assert_eq!(pick("2").as_deref(), Some("Unfurnished"));
        assert_eq!(pick("option 3 please").as_deref(), Some("Part furnished"));
        assert_eq!(pick("the 2nd").as_deref(), Some("Unfurnished"));
        assert_eq!(pick("the last one").as_deref(), Some("Part furnished"));
        assert_eq!(pick("la primera").as_deref(), Some("Furnished"), "Spanish");
        assert_eq!(pick("die zweite bitte").as_deref(), Some("Unfurnished"), "German");
        assert_eq!(pick("4"), None, "no fourth option");
        assert_eq!(pick("furnished or unfurnished, either"), None, "two options named: not an answer");
        assert_eq!(pick("is there parking?"), None);
        assert_eq!(pick("2 bedrooms"), None, "a number with other words is not a pick");
        let words = read_expected(Expect::Choice(&furnishing), "Unfurnished please", TODAY).unwrap();
        assert_eq!(words.text, "Unfurnished", "the evidence is the contact's own words");
    }

    #[test]
    fn a_yes_or_no_is_read_in_the_six_languages() {
        for (reply, yes) in [
            ("Yes", true),
            ("yep, a small cat", true),
            ("No", false),
            ("nope", false),
            ("Sí", true),
            ("non merci", false),
            ("oui", true),
            ("Ja", true),
            ("nein", false),
            ("sim", true),
            ("não", false),
            ("certo", true),
        ] {
            assert_eq!(read(Expect::YesNo, reply), Some(Value::Bool(yes)), "{reply}");
        }
        assert_eq!(read(Expect::YesNo, "what's the rent?"), None);
        for unsure in ["not sure, maybe", "Sure? no idea", "depends on the flat", "no sé", "vielleicht"] {
            assert_eq!(read(Expect::YesNo, unsure), None, "{unsure} is neither");
        }
        assert!(fits(Expect::YesNo, &Value::Bool(true)), "the NLU's own pets: yes still counts");
        assert!(!fits(Expect::YesNo, &Value::String("dog".into())));
        let furnishing = options(&["Furnished", "Unfurnished"]);
        assert!(fits(Expect::Choice(&furnishing), &Value::String("unfurnished".into())));
        assert!(!fits(Expect::Choice(&furnishing), &Value::Bool(false)), "a choice stores one of its options");
        assert!(fits(Expect::Date, &Value::String("2026-12-01".into())) && !fits(Expect::Date, &Value::from(3)));
        assert_eq!(read(Expect::YesNo, ""), None);
    }

    #[test]
    fn a_date_is_read_with_the_date_reader() {
        assert_eq!(read(Expect::Date, "1 December"), Some(Value::String("2026-12-01".into())));
        assert_eq!(read(Expect::Date, "from the 12th if possible"), Some(Value::String("2026-12-12".into())));
        assert_eq!(read(Expect::Date, "as soon as I can"), None);
        let found = read_expected(Expect::Date, "hopefully 1 December", TODAY).unwrap();
        assert_eq!(found.text, "1 December");
    }

    #[test]
    fn a_question_that_names_its_options_is_recognised() {
        assert!(mentions("Furnished or unfurnished?", "Unfurnished"));
        assert!(mentions("Would you like it part-furnished?", "Part furnished"));
        assert!(!mentions("Would you like it furnished?", "Unfurnished"));
    }
}
