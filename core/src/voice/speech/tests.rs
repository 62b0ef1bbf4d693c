use super::pronunciation::{apply, validate, Pronunciation};
use super::*;

fn english(reply: &str) -> String {
    say(reply, &VoiceSettings::default(), Language::En)
}

#[test]
fn written_forms_are_said_as_a_receptionist_would_say_them() {
    let cases = [
        // prices
        ("It's £1,250 pcm.", "It's 1,250 pounds a month."),
        ("Parking is $95 a month.", "Parking is 95 dollars a month."),
        ("The deposit is €1,500.", "The deposit is 1,500 euros."),
        ("Cleaning is approx. £92.50 p/w.", "Cleaning is about 92 pounds 50 a week."),
        ("Rooms from £1 a night.", "Rooms from 1 pound a night."),
        ("Offers over £1.2m", "Offers over 1.2 million pounds"),
        // times
        ("Viewings at 10:00, 11:30 or 15:00.", "Viewings at 10 a.m., 11:30 a.m. or 3 p.m."),
        ("Come at 10am.", "Come at 10 a.m."),
        ("Or 10.30pm", "Or 10:30 p.m."),
        ("Come at 10:30 pm.", "Come at 10:30 p.m."),
        ("Open until 12:00, closed at 00:00", "Open until 12 noon, closed at midnight"),
        ("We close at 17:30.", "We close at 5:30 p.m."),
        // dates
        ("Moving in 2026-12-01?", "Moving in Tuesday the 1st of December?"),
        ("tomorrow (Tue 1 Dec) at 10:00.", "tomorrow, Tuesday the 1st of December, at 10 a.m."),
        ("on Fri 4 Dec at 14:30", "on Friday the 4th of December at 2:30 p.m."),
        ("from 22nd March", "from the 22nd of March"),
        // opening hours as the tenant summary writes them
        (
            "Our opening hours are Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00.",
            "Our opening hours are Monday to Thursday 9 a.m. to 6 p.m., Friday 9 a.m. to 5:30 p.m., \
             Saturday 10 a.m. to 2 p.m.",
        ),
        // references, postcodes, phone numbers, email
        ("Your booking is BK-7F3Q.", "Your booking is B K 7 F 3 Q."),
        ("Is it MP-2026-014?", "Is it M P 2 0 2 6 0 1 4?"),
        ("We're at 14 Elm Road, Bristol BS1 4QA.", "We're at 14 Elm Road, Bristol B S 1, 4 Q A."),
        ("Baker Street NW1 6XE", "Baker Street N W 1, 6 X E"),
        ("Call +447700900123.", "Call plus 4 4, 7 7 0 0, 9 0 0, 1 2 3."),
        ("Call 0117 496 0000 any time.", "Call 0 1 1 7, 4 9 6, 0 0 0 0 any time."),
        ("Or 07700900123", "Or 0 7 7 0 0, 9 0 0, 1 2 3"),
        ("Email lettings@maple.example", "Email lettings at maple dot example"),
        // abbreviations and symbols
        ("Bills incl. e.g. water & gas.", "Bills including for example water and gas."),
        ("Gas, water etc. Want to view?", "Gas, water and so on. Want to view?"),
        ("It is 850 sq ft.", "It is 850 square feet."),
    ];
    for (written, said) in cases {
        assert_eq!(english(written), said, "{written}");
    }
}

#[test]
fn ordinary_words_and_numbers_are_left_alone() {
    for text in [
        "A 2 bed flat, 3 minutes from the station.",
        "I may have 12 boxes.",
        "The sun sat low at 5 o'clock.",
        "In 2026 we had 1000 calls.",
        "COVID rules apply.",
        "It's 10-15 minutes away.",
        "Score 24:30 or 9:75.",
        "The room is 3.50 metres wide.",
    ] {
        assert_eq!(english(text), text);
    }
}

#[test]
fn one_policy_two_sentences_and_the_closing_question_without_links() {
    assert_eq!(english("One. Two? Three! Four."), "One. Two?");
    assert_eq!(
        english("Hi! It is £1,450 a month. It has a garden. When would you like to view it?"),
        "Hi! It is 1,450 pounds a month. When would you like to view it?"
    );
    assert_eq!(
        english("Yes, it is available. Details: https://x.example/l/1 It has a garden. Want a viewing?"),
        "Yes, it is available. Details: It has a garden. Want a viewing?"
    );
    // An abbreviation's full stop does not end the sentence that is kept.
    assert_eq!(
        english("It's approx. £900 pcm. It's bright. It's quiet."),
        "It's about 900 pounds a month. It's bright."
    );
    assert_eq!(english("Just one line"), "Just one line");
}

#[test]
fn other_languages_keep_their_digits_but_spell_references() {
    let said = say("Sí, MP-2026-014 está disponible por £1,250 a las 10:00.", &VoiceSettings::default(), Language::Es);
    assert_eq!(said, "Sí, M P 2 0 2 6 0 1 4 está disponible por £1,250 a las 10:00.");
}

fn entry(say: &str, said_as: &str) -> Pronunciation {
    Pronunciation { say: say.into(), said_as: said_as.into() }
}

#[test]
fn the_tenants_dictionary_applies_to_whole_words_in_any_case_after_the_rules() {
    let dictionary = [entry("Marylebone", "Marly-bun"), entry("Marylebone Road", "Marly-bun Rode"), entry("&", "and")];
    assert_eq!(
        apply("The flat on marylebone road, near MARYLEBONE station.", &dictionary),
        "The flat on Marly-bun Rode, near Marly-bun station."
    );
    assert_eq!(apply("Marylebones", &dictionary), "Marylebones", "whole words only");
    let voice = VoiceSettings { pronunciations: vec![entry("Tuesday", "Choose-day")], ..Default::default() };
    assert_eq!(
        say("Tue 1 Dec at 10:00?", &voice, Language::En),
        "Choose-day the 1st of December at 10 a.m.?",
        "entries see the rules' words"
    );
    assert_eq!(apply("no entries", &[]), "no entries");
}

#[test]
fn a_bad_dictionary_names_each_bad_entry() {
    assert!(validate(&[entry("Marylebone", "Marly-bun")]).is_empty());
    let problems =
        validate(&[entry(" ", "x"), entry("Soho", &"o".repeat(81)), entry("soho ", "So-ho"), entry("a\u{7}", "b")]);
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(problems[0].starts_with("voice.pronunciations[0].say"), "{problems:?}");
    assert!(problems[1].starts_with("voice.pronunciations[1].as"), "{problems:?}");
    assert!(problems[2].contains("already in the dictionary"), "{problems:?}");
    let too_many: Vec<_> = (0..101).map(|i| entry(&format!("w{i}"), "x")).collect();
    assert!(validate(&too_many)[0].contains("at most 100"));
}

#[test]
fn odd_input_is_said_as_written_and_never_panics() {
    let odd = "£ $, € £.5 £1.2.3 ( ) (( 10: :30 25:00 13pm 0am + +1 0 07 — 🌸 İstanbul e.g. & p/w BK- -7F NW1 6X \
               lettings@ @x.y 99999999999999999999 Mon– –Tue 1st 32 Dec 2026-02-30 2026-13-01";
    for language in [Language::En, Language::Es] {
        let said = say(odd, &VoiceSettings::default(), language);
        assert!(!said.is_empty());
    }
    assert_eq!(english("2026-02-30 and 32 Dec"), "2026-02-30 and 32 Dec", "impossible dates are left as written");
    assert_eq!(english(""), "");
}
