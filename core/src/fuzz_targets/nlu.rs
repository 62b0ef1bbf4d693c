//! The rules brain's NLU on what a contact writes or says: intent, and the date, time and
//! number readers behind its slots.

use super::{parts, text};
use crate::brain::understand::expect::{fits, read_expected, Expect};
use crate::brain::understand::{language_of, understand, CivilDate, Input, Slot, Understanding};
use crate::phone::PhoneE164;

pub const DICT: &[&str] = &[
    " tomorrow",
    " next friday",
    " this weekend",
    " the 12th",
    " 12/03",
    " 03/25",
    " 2026-03-12",
    " 31st of february",
    " at 3pm",
    " 10:30",
    " half past",
    " 2 bed",
    " £1,450",
    " 1.5k",
    " pcm",
    " for 4 people",
    " twenty",
    " nights",
    " from ",
    " until ",
    " mañana",
    " lundi",
    " übermorgen",
    " 0",
    " 00",
    " 99999999999",
];

const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 30 };

/// `[utterance, what the system asked before, tenant template, today as YYYY-MM-DD]`. Every
/// slot is well-typed: dates are real ISO dates, times real `HH:MM`, numbers finite and not
/// negative, phones E.164; slot words are the contact's own words; the understanding
/// serialises and reads back unchanged.
pub fn nlu_understand(data: &[u8]) {
    let [utterance, before, template, today] = parts::<4>(data).map(text);
    // A clock from 1900 to 2200: relative dates stay within the calendar a date can name.
    let today = today.parse::<CivilDate>().ok().filter(|d| (1900..=2200).contains(&d.year)).unwrap_or(TODAY);
    let input = Input {
        utterance: &utterance,
        system_before: Some(before.as_str()).filter(|b| !b.is_empty()),
        tenant_template: Some(template.as_str()).filter(|t| !t.is_empty()),
        today,
    };
    check(&utterance, &understand(&input));
    let _ = language_of(&utterance);
}

/// `[a date as the API takes it, utterance]`: `YYYY-MM-DD` reads back as written and its day
/// arithmetic is consistent; the utterance is read as the answer to questions about dates,
/// times or numbers, the readers' hardest cases.
pub fn nlu_dates(data: &[u8]) {
    let [date, utterance] = parts::<2>(data).map(text);
    if let Ok(d) = date.parse::<CivilDate>() {
        assert_eq!(d.to_string(), date, "YYYY-MM-DD round trip");
        assert_eq!(CivilDate::from_days(d.to_days()), d);
        assert!(d.weekday() < 7);
        assert_eq!(d.add_days(1).to_days(), d.to_days() + 1);
    }
    // One question per input (chosen by it), so each execution costs one understanding.
    let before = QUESTIONS[super::hash(utterance.as_bytes()) as usize % QUESTIONS.len()];
    let input = Input { utterance: &utterance, system_before: Some(before), tenant_template: None, today: TODAY };
    check(&utterance, &understand(&input));
    // Read as the answer to each kind of intake question: what fits is the contact's own words
    // and a value of the expected kind.
    let options = ["Furnished".to_owned(), "Unfurnished".to_owned(), "Part furnished".to_owned()];
    for expect in [Expect::Choice(&options), Expect::YesNo, Expect::Date] {
        if let Some(found) = read_expected(expect, &utterance, TODAY) {
            assert!(utterance.contains(&found.text), "{expect:?}: {:?} is not the contact's words", found.text);
            assert!(fits(expect, &found.value), "{expect:?}: {:?}", found.value);
        }
    }
}

const QUESTIONS: [&str; 5] = [
    "What date would you like to move in?",
    "What time suits you?",
    "How many people will be staying?",
    "What is your budget?",
    "When would you like to check in and check out?",
];

fn check(utterance: &str, u: &Understanding) {
    for (slot, value) in &u.slots {
        let v = &value.value;
        match slot {
            Slot::Date | Slot::CheckIn | Slot::CheckOut | Slot::MoveIn => {
                let iso = v.as_str().expect("a date is a string");
                let date: CivilDate = iso.parse().unwrap_or_else(|_| panic!("{slot:?} {iso:?} is not a date"));
                assert_eq!(date.to_string(), iso);
            }
            Slot::Time => {
                let hhmm = v.as_str().expect("a time is a string");
                let (h, m) = hhmm.split_once(':').expect("HH:MM");
                let (h, m): (u8, u8) = (h.parse().unwrap(), m.parse().unwrap());
                assert!(h < 24 && m < 60 && hhmm.len() == 5, "time {hhmm:?}");
            }
            Slot::Beds | Slot::Baths | Slot::PartySize | Slot::BudgetMax => {
                let n = v.as_f64().unwrap_or_else(|| panic!("{slot:?} {v} is not a number"));
                assert!(n.is_finite() && n >= 0.0, "{slot:?} {n}");
            }
            // E.164, or the digits of a national number (no country to add).
            Slot::Phone => {
                let phone = v.as_str().expect("a phone is a string");
                let national = (7..=15).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit());
                assert!(national || PhoneE164::parse(phone).is_ok(), "phone {phone:?}");
            }
            Slot::Email => assert!(v.as_str().is_some_and(|e| e.contains('@'))),
            Slot::Pets | Slot::Furnished => assert!(v.is_boolean()),
            Slot::Name | Slot::Area | Slot::Property | Slot::Provider => assert!(v.is_string()),
        }
        if !matches!(slot, Slot::Name | Slot::Area | Slot::Property | Slot::Provider) {
            assert!(utterance.contains(value.text.as_str()), "{slot:?} from {:?}, not in the utterance", value.text);
        }
    }
    let json = serde_json::to_string(u).expect("serialises");
    let back = serde_json::from_str::<Understanding>(&json).expect("reads back");
    assert_eq!(
        (back.intent, back.language, back.urgency, &back.emergency),
        (u.intent, u.language, u.urgency, &u.emergency)
    );
    for ((slot, before), (again, after)) in u.slots.iter().zip(&back.slots) {
        assert_eq!((slot, &before.text), (again, &after.text));
        match (before.value.as_f64(), after.value.as_f64()) {
            // serde_json reads a number of 16+ significant digits to within one unit in the
            // last place (its `float_roundtrip` feature would cost wasm size for amounts no
            // one writes): equal to 1e-15, not to the bit.
            (Some(a), Some(b)) => assert!((a - b).abs() <= a.abs() * 1e-15, "{slot:?} {a} read back as {b}"),
            _ => assert_eq!(before.value, after.value),
        }
    }
    assert_eq!(back.slots.len(), u.slots.len());
}
