//! Numbers as people type them: digits (`1,500`, `1.5`, `2k`), number words in the six
//! languages (`two`, `dos`, `deux`, `zwei`, `dois`, `due`) and ordinals (`12th`, `twelfth`,
//! `1er`, `1º`). Only what a front desk needs: counts, days of the month and prices.

use super::text::Text;

#[rustfmt::skip]
const WORDS: &[(&str, u32)] = &[
    // en
    ("zero", 0), ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7),
    ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12), ("thirteen", 13), ("fourteen", 14),
    ("fifteen", 15), ("sixteen", 16), ("seventeen", 17), ("eighteen", 18), ("nineteen", 19), ("twenty", 20),
    ("thirty", 30), ("forty", 40), ("fifty", 50), ("single", 1), ("couple", 2), ("pair", 2),
    // es
    ("uno", 1), ("una", 1), ("dos", 2), ("tres", 3), ("cuatro", 4), ("cinco", 5), ("seis", 6), ("siete", 7),
    ("ocho", 8), ("nueve", 9), ("diez", 10), ("doce", 12),
    // fr
    ("un", 1), ("une", 1), ("deux", 2), ("trois", 3), ("quatre", 4), ("cinq", 5), ("sept", 7), ("huit", 8),
    ("neuf", 9), ("dix", 10), ("onze", 11), ("douze", 12),
    // de
    ("ein", 1), ("eine", 1), ("einen", 1), ("zwei", 2), ("drei", 3), ("vier", 4), ("funf", 5), ("sechs", 6),
    ("sieben", 7), ("acht", 8), ("neun", 9), ("zehn", 10), ("elf", 11), ("zwolf", 12),
    // pt
    ("uma", 1), ("dois", 2), ("duas", 2), ("quatro", 4), ("oito", 8), ("nove", 9), ("dez", 10), ("doze", 12),
    // it
    ("due", 2), ("tre", 3), ("sei", 6), ("sette", 7), ("otto", 8), ("dieci", 10), ("undici", 11), ("dodici", 12),
];

#[rustfmt::skip]
const ORDINAL_WORDS: &[(&str, u32)] = &[
    ("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("fifth", 5), ("sixth", 6), ("seventh", 7),
    ("eighth", 8), ("ninth", 9), ("tenth", 10), ("eleventh", 11), ("twelfth", 12), ("thirteenth", 13),
    ("fourteenth", 14), ("fifteenth", 15), ("sixteenth", 16), ("seventeenth", 17), ("eighteenth", 18),
    ("nineteenth", 19), ("twentieth", 20), ("thirtieth", 30), ("primero", 1), ("premier", 1), ("primo", 1),
    ("erster", 1), ("ersten", 1),
];

/// A plain unsigned integer made only of ASCII digits (at most 9 of them).
pub(crate) fn int(word: &str) -> Option<u32> {
    if word.is_empty() || word.len() > 9 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

/// A small count written as digits or a word (`3`, `three`, `tres`).
pub(crate) fn count_word(word: &str) -> Option<u32> {
    int(word).or_else(|| WORDS.iter().find(|(w, _)| *w == word).map(|(_, n)| *n))
}

/// A count at token `i`, also reading `twenty one` / `twenty-one`: (value, tokens used).
pub(crate) fn count_at(t: &Text, i: usize) -> Option<(u32, usize)> {
    let n = count_word(t.w(i))?;
    if (20..=90).contains(&n) && n % 10 == 0 {
        if let Some(unit) = count_word(t.w(i + 1)).filter(|u| (1..=9).contains(u)) {
            return Some((n + unit, 2));
        }
    }
    Some((n, 1))
}

/// Day-of-month ordinals: `12th`, `1st`, `2nd`, `3rd`, `1er`, `1o` (folded `1º`), `twelfth`.
pub(crate) fn ordinal(word: &str) -> Option<u32> {
    let digits: String = word.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        let suffix = &word[digits.len()..];
        if matches!(suffix, "st" | "nd" | "rd" | "th" | "er" | "re" | "o" | "a" | "e") {
            return int(&digits);
        }
        return None;
    }
    ORDINAL_WORDS.iter().find(|(w, _)| *w == word).map(|(_, n)| *n)
}

/// An amount of money or a decimal: `1500`, `1,500`, `1.500` (thousands), `1500.50`, `2k`,
/// `1.5k`, `2m`. Returns `None` for anything else.
pub(crate) fn amount(word: &str) -> Option<f64> {
    let (body, factor) = match word.strip_suffix('k') {
        Some(b) => (b, 1_000.0),
        None => match word.strip_suffix('m') {
            Some(b) => (b, 1_000_000.0),
            None => (word, 1.0),
        },
    };
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') {
        return None;
    }
    if !body.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let groups: Vec<&str> = body.split([',', '.']).collect();
    let seps: Vec<char> = body.chars().filter(|c| *c == ',' || *c == '.').collect();
    let number = if seps.is_empty() {
        body.parse::<f64>().ok()?
    } else if groups[1..].iter().all(|g| g.len() == 3) && !(seps.len() == 1 && factor > 1.0) {
        // Thousands separators: 1,500 / 1.500 / 1,500,000.
        groups.concat().parse::<f64>().ok()?
    } else if seps.len() == 1 {
        // One separator not followed by three digits is a decimal point: 1.5 / 1,5.
        format!("{}.{}", groups[0], groups[1]).parse::<f64>().ok()?
    } else {
        return None;
    };
    let value = number * factor;
    value.is_finite().then_some(value)
}

/// A JSON number: integers stay integers.
pub(crate) fn json_number(value: f64) -> serde_json::Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serde_json::Value::from(value as i64)
    } else {
        serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_counts_in_six_languages() {
        for (w, n) in [("two", 2), ("dos", 2), ("deux", 2), ("zwei", 2), ("duas", 2), ("due", 2), ("12", 12)] {
            assert_eq!(count_word(w), Some(n), "{w}");
        }
        assert_eq!(count_word("lots"), None);
        assert_eq!(count_word("99999999999999"), None);
        let t = Text::new("twenty one guests");
        assert_eq!(count_at(&t, 0), Some((21, 2)));
    }

    #[test]
    fn reads_ordinals_and_amounts() {
        assert_eq!(ordinal("12th"), Some(12));
        assert_eq!(ordinal("1er"), Some(1));
        assert_eq!(ordinal("twelfth"), Some(12));
        assert_eq!(ordinal("12"), None);
        assert_eq!(amount("1,500"), Some(1500.0));
        assert_eq!(amount("1.500"), Some(1500.0));
        assert_eq!(amount("1.5k"), Some(1500.0));
        assert_eq!(amount("2k"), Some(2000.0));
        assert_eq!(amount("99.95"), Some(99.95));
        assert_eq!(amount("k"), None);
        assert_eq!(amount(",5"), None);
        assert_eq!(json_number(2.0), serde_json::json!(2));
        assert_eq!(json_number(1.5), serde_json::json!(1.5));
    }
}
