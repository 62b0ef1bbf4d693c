//! Times of day → `HH:MM` (24 h): `3pm`, `3:30 in the afternoon`, `15:30`, `half past ten`,
//! `quarter to 4`, `noon`, `evening 5`, `15h30`, `15 Uhr`, `a las 3 de la tarde`. A bare
//! number is only a time after a time preposition (`at 3`, `a las 3`, `um 3`) or when the
//! system asked for a time; without am/pm, 1–7 reads as afternoon and 8–11 as morning.

use super::dates::Found;
use super::numbers::{count_word, int};
use super::text::Text;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Half {
    Am,
    Pm,
    Unknown,
}

#[rustfmt::skip]
const PM_AFTER: &[&str] = &[
    "in the afternoon", "in the evening", "at night", "tonight", "this afternoon", "this evening", "de la tarde",
    "de la noche", "por la tarde", "por la noche", "de l'apres midi", "du soir", "da tarde", "da noite",
    "del pomeriggio", "di pomeriggio", "di sera", "della sera", "nachmittags", "abends", "am nachmittag", "am abend",
];
#[rustfmt::skip]
const AM_AFTER: &[&str] = &[
    "in the morning", "this morning", "de la manana", "por la manana", "du matin", "da manha", "di mattina",
    "del mattino", "morgens", "am morgen", "vormittags",
];
#[rustfmt::skip]
const PM_BEFORE: &[&str] = &["afternoon", "evening", "night"];
#[rustfmt::skip]
const AM_BEFORE: &[&str] = &["morning"];
#[rustfmt::skip]
const COUNT_NOUNS: &[&str] = &[
    "people", "person*", "guest*", "adult*", "kid*", "child*", "bed*", "bath*", "room*", "night*", "day*", "week*",
    "month*", "year*", "star*", "of", "minute*", "hour*", "pet*", "dog*", "cat*",
];
#[rustfmt::skip]
const PREPOSITIONS: &[&str] =
    &["at", "around", "by", "after", "before", "las", "alle", "as", "um", "vers", "a", "gegen", "verso"];

/// `(hour, minute, explicit)` from one token: `15:30`, `3:30pm`, `3pm`, `15h30`, `15h`, `3`, `three`.
/// `explicit` says the token alone proves it is a time (a colon, `h`, am/pm).
fn clock(word: &str) -> Option<(u32, u32, Half, bool)> {
    let (body, half) = if let Some(b) = word.strip_suffix("pm") {
        (b, Half::Pm)
    } else if let Some(b) = word.strip_suffix("am") {
        (b, Half::Am)
    } else {
        (word, Half::Unknown)
    };
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        let hour = count_word(body)?;
        return Some((hour, 0, half, half != Half::Unknown));
    }
    if let Some((h, m)) = body.split_once([':', '.']).or_else(|| body.split_once('h')) {
        let hour = int(h)?;
        let minute = if m.is_empty() { 0 } else { int(m).filter(|_| m.len() == 2)? };
        if word.contains('.') && half == Half::Unknown {
            return None; // 3.5 is a number, not half past three
        }
        return Some((hour, minute, half, true));
    }
    if let Some(h) = body.strip_suffix('h').filter(|h| !h.is_empty()) {
        return Some((int(h)?, 0, half, true));
    }
    let hour = count_word(body).filter(|_| body.len() <= 2 || !body.bytes().all(|b| b.is_ascii_digit()))?;
    Some((hour, 0, half, half != Half::Unknown))
}

fn to_hhmm(hour: u32, minute: u32, half: Half) -> Option<(u8, u8)> {
    if minute > 59 {
        return None;
    }
    let hour = match half {
        Half::Pm if (1..=11).contains(&hour) => hour + 12,
        Half::Pm if hour == 12 => 12,
        Half::Am if hour == 12 => 0,
        Half::Am | Half::Pm if hour > 12 => return None,
        Half::Unknown if (1..=7).contains(&hour) => hour + 12,
        _ => hour,
    };
    (hour <= 23).then_some((hour as u8, minute as u8))
}

/// The am/pm words right after a time: (half, tokens used).
fn half_after(t: &Text, i: usize) -> (Half, usize) {
    match (t.w(i), t.w(i + 1)) {
        ("pm", _) => return (Half::Pm, 1),
        ("am", _) if !matches!(t.w(i + 1), "morgen" | "nachmittag" | "abend") => return (Half::Am, 1),
        ("p", "m") => return (Half::Pm, 2),
        ("a", "m") => return (Half::Am, 2),
        _ => {}
    }
    let mut k = i;
    if t.at(k, "o clock") || t.at(k, "o'clock") || t.at(k, "oclock") || t.at(k, "uhr") {
        k += if t.w(k) == "o" { 2 } else { 1 };
    }
    if let Some(p) = PM_AFTER.iter().find(|p| t.at(k, p)) {
        return (Half::Pm, k - i + p.split(' ').count());
    }
    if let Some(p) = AM_AFTER.iter().find(|p| t.at(k, p)) {
        return (Half::Am, k - i + p.split(' ').count());
    }
    (Half::Unknown, k - i)
}

/// One time starting at `i`: (tokens used, (hour, minute)). `bare_ok` accepts a lone number.
fn time_at(t: &Text, i: usize, bare_ok: bool) -> Option<(usize, (u8, u8))> {
    match t.w(i) {
        "noon" | "midday" | "mediodia" | "midi" | "mittag" | "mezzogiorno" | "meio-dia" => return Some((1, (12, 0))),
        "midnight" | "medianoche" | "minuit" | "mitternacht" | "mezzanotte" => return Some((1, (0, 0))),
        _ => {}
    }
    // "half past 3", "quarter past 2", "quarter to 4".
    let offsets: [(&str, i32); 4] =
        [("half past", 30), ("quarter past", 15), ("quarter after", 15), ("quarter to", -15)];
    for (p, minutes) in offsets {
        if t.at(i, p) {
            let (hour, _, half0, _) = clock(t.w(i + 2))?;
            let (half1, used) = half_after(t, i + 3);
            let half = if half0 == Half::Unknown { half1 } else { half0 };
            let (h, _) = to_hhmm(hour, 0, half)?;
            let total = (i32::from(h) * 60 + minutes).rem_euclid(24 * 60);
            return Some((3 + used, ((total / 60) as u8, (total % 60) as u8)));
        }
    }
    // "afternoon 2:15", "evening 4", "morning 11:30".
    let mut start = i;
    let mut half = Half::Unknown;
    if PM_BEFORE.contains(&t.w(i)) || AM_BEFORE.contains(&t.w(i)) {
        if let Some((_, _, Half::Unknown, _)) = clock(t.w(i + 1)) {
            half = if AM_BEFORE.contains(&t.w(i)) { Half::Am } else { Half::Pm };
            start = i + 1;
        } else {
            return None;
        }
    }
    let (hour, minute, h0, explicit) = clock(t.w(start))?;
    let (h1, used) = half_after(t, start + 1);
    if h0 != Half::Unknown {
        half = h0;
    } else if h1 != Half::Unknown {
        half = h1;
    }
    let prefixed = start > i;
    let after_preposition = PREPOSITIONS.contains(&t.w(i.wrapping_sub(1))) && i > 0;
    if !(explicit || prefixed || used > 0 || bare_ok || (after_preposition && hour <= 12)) {
        return None;
    }
    // "at 1546 Maurice Lane" is an address (hour > 23); "at 3 people" a count.
    if !(explicit || prefixed || used > 0) && t.any_in(start + 1, start + 2, COUNT_NOUNS) {
        return None;
    }
    let hhmm = to_hhmm(hour, minute, half)?;
    Some((start + 1 + used - i, hhmm))
}

/// Every time in the text. `bare_ok`: the system asked for a time, so `3` alone is one.
pub(crate) fn find(t: &Text, bare_ok: bool) -> Vec<Found<(u8, u8)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match time_at(t, i, bare_ok) {
            Some((used, value)) => {
                out.push(Found { start: i, end: i + used, value });
                i += used;
            }
            None => i += 1,
        }
    }
    out
}

pub(crate) fn format(hhmm: (u8, u8)) -> String {
    format!("{:02}:{:02}", hhmm.0, hhmm.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Option<(String, String)> {
        let t = Text::new(s);
        find(&t, false).first().map(|f| (format(f.value), t.slice(f.start, f.end).to_owned()))
    }

    fn hhmm(s: &str) -> String {
        one(s).map(|(v, _)| v).unwrap_or_default()
    }

    #[test]
    fn english_forms() {
        assert_eq!(hhmm("3pm"), "15:00");
        assert_eq!(one("at 3 pm please"), Some(("15:00".into(), "3 pm".into())));
        assert_eq!(hhmm("3 p.m."), "15:00");
        assert_eq!(hhmm("15:30"), "15:30");
        assert_eq!(hhmm("10:30am"), "10:30");
        assert_eq!(hhmm("12 pm"), "12:00");
        assert_eq!(hhmm("12am"), "00:00");
        assert_eq!(one("half past ten"), Some(("10:30".into(), "half past ten".into())));
        assert_eq!(hhmm("half past 3 in the afternoon"), "15:30");
        assert_eq!(hhmm("quarter to 4"), "15:45");
        assert_eq!(hhmm("noon"), "12:00");
        assert_eq!(one("afternoon 2:15"), Some(("14:15".into(), "afternoon 2:15".into())));
        assert_eq!(hhmm("evening 5"), "17:00");
        assert_eq!(hhmm("morning 11:30"), "11:30");
        assert_eq!(one("10 o\"clock in the morning"), Some(("10:00".into(), "10 o\"clock in the morning".into())));
        assert_eq!(hhmm("three in the afternoon"), "15:00");
        assert_eq!(hhmm("at 10"), "10:00");
        assert_eq!(hhmm("at 4"), "16:00");
    }

    #[test]
    fn other_languages() {
        assert_eq!(hhmm("a las 3 de la tarde"), "15:00");
        assert_eq!(hhmm("à 15h30"), "15:30");
        assert_eq!(hhmm("vers 10h"), "10:00");
        assert_eq!(hhmm("um 15 Uhr"), "15:00");
        assert_eq!(hhmm("alle 3 del pomeriggio"), "15:00");
        assert_eq!(hhmm("às 9h"), "09:00");
    }

    #[test]
    fn numbers_that_are_not_times() {
        assert_eq!(hhmm("2 bedrooms"), "");
        assert_eq!(hhmm("3.5 baths"), "");
        assert_eq!(hhmm("at 1546 Maurice Lane"), "");
        assert_eq!(hhmm("25:00"), "");
        assert_eq!(hhmm("13pm"), "");
        assert_eq!(hhmm("I am here"), "");
    }
}
