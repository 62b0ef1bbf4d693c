//! Prices, times and dates as an English voice says them: "£1,250" → "1,250 pounds", "14:30" →
//! "2:30 p.m.", "Tue 1 Dec" and "2026-12-01" → "Tuesday the 1st of December". Digits stay
//! digits (every engine reads "1,250" well); what engines misread is the symbols around them.

use super::{is_digits, parts, wrap, Reading};
use crate::booking::phrase::WEEKDAYS as WEEKDAYS_BY_LANGUAGE;
use crate::brain::understand::CivilDate;
use crate::listings::speech::MONTHS;

const WEEKDAYS: [&str; 7] = WEEKDAYS_BY_LANGUAGE[0];

/// The reading of the words at the front of `words`, if one of these rules knows them.
pub fn read(words: &[&str]) -> Reading {
    let (lead, core, trail) = parts(words[0]);
    let one = |said: String| Some((1, wrap(lead, &said, trail)));
    if let Some(reading) = day_month(words) {
        return Some(reading);
    }
    if let Some(said) = money(core) {
        return one(said);
    }
    if let Some(said) = iso_date(core) {
        return one(said);
    }
    // "10:00 am", "10 pm": the meridiem is its own word.
    if let Some(next) = words.get(1) {
        let (_, meridiem, next_trail) = parts(next);
        if let Some(said) = clock(core, Some(meridiem)) {
            return Some((2, wrap(lead, &said, next_trail)));
        }
    }
    if let Some(said) = clock(core, None).or_else(|| range(core)).or_else(|| weekday(core).map(str::to_owned)) {
        return one(said);
    }
    None
}

/// "£1,250" → "1,250 pounds", "$95" → "95 dollars", "€12.50" → "12 euros 50", "£1.2m" →
/// "1.2 million pounds".
fn money(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let (one, many) = match chars.next()? {
        '£' => ("pound", "pounds"),
        '$' => ("dollar", "dollars"),
        '€' => ("euro", "euros"),
        _ => return None,
    };
    let amount = chars.as_str();
    let (amount, scale) = match amount.strip_suffix(['k', 'K']) {
        Some(a) => (a, " thousand"),
        None => amount.strip_suffix(['m', 'M']).map_or((amount, ""), |a| (a, " million")),
    };
    let (whole, cents) = match amount.split_once('.') {
        Some((w, c)) if scale.is_empty() && c.len() == 2 && is_digits(c) => (w, Some(c)),
        Some((w, c)) if !scale.is_empty() && is_digits(c) => return Some(format!("{w}.{c}{scale} {many}")),
        Some(_) => return None,
        None => (amount, None),
    };
    let well_formed =
        whole.starts_with(|c: char| c.is_ascii_digit()) && whole.chars().all(|c| c.is_ascii_digit() || c == ',');
    if !well_formed {
        return None;
    }
    let unit = if whole == "1" && scale.is_empty() { one } else { many };
    Some(match cents.filter(|c| *c != "00") {
        Some(c) => format!("{whole}{scale} {unit} {}", c.trim_start_matches('0')),
        None => format!("{whole}{scale} {unit}"),
    })
}

/// A time of day: "10:00", "14:30", "10am", "10.30pm", or "10:00" with `meridiem` ("am", "pm")
/// written after it. `None` when the words are not a time (or `meridiem` is not one).
fn clock(word: &str, meridiem: Option<&str>) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    let (digits, pm) = match meridiem.map(|m| m.to_ascii_lowercase().replace('.', "")) {
        Some(m) if m == "am" || m == "pm" => (lower.as_str(), Some(m == "pm")),
        Some(_) => return None,
        None => match lower.strip_suffix("am").or_else(|| lower.strip_suffix("a.m")) {
            Some(d) => (d, Some(false)),
            None => lower
                .strip_suffix("pm")
                .or_else(|| lower.strip_suffix("p.m"))
                .map_or((lower.as_str(), None), |d| (d, Some(true))),
        },
    };
    // "10.30" is a time only with its "am"/"pm": alone it is as likely a length or a score.
    let separators: &[char] = if pm.is_some() { &[':', '.'] } else { &[':'] };
    let (hour, minute) = match digits.split_once(separators) {
        Some((h, m)) if m.len() == 2 && is_digits(m) => (h, m.parse::<u32>().ok()?),
        Some(_) => return None,
        // A bare number is a time only with its "am"/"pm".
        None if pm.is_some() => (digits, 0),
        None => return None,
    };
    if !(1..=2).contains(&hour.len()) || !is_digits(hour) || minute > 59 {
        return None;
    }
    let hour: u32 = hour.parse().ok()?;
    let (hour12, pm) = match pm {
        Some(pm) if (1..=12).contains(&hour) => (hour, pm),
        Some(_) => return None,
        None if minute == 0 && (hour == 0 || hour == 24) => return Some("midnight".into()),
        None if hour > 23 => return None,
        None if minute == 0 && hour == 12 => return Some("12 noon".into()),
        None => (if hour.is_multiple_of(12) { 12 } else { hour % 12 }, hour >= 12),
    };
    let suffix = if pm { "p.m." } else { "a.m." };
    Some(match minute {
        0 => format!("{hour12} {suffix}"),
        m => format!("{hour12}:{m:02} {suffix}"),
    })
}

/// "09:00–18:00" → "9 a.m. to 6 p.m.", "Mon–Thu" → "Monday to Thursday".
fn range(word: &str) -> Option<String> {
    let (from, to) = word.split_once(['–', '-'])?;
    let from_time = clock(from, None);
    let to_time = clock(to, None);
    if let (Some(from), Some(to)) = (from_time, to_time) {
        return Some(format!("{from} to {to}"));
    }
    Some(format!("{} to {}", weekday(from)?, weekday(to)?))
}

/// "Tue" → "Tuesday" (as written in hours and dates, capitalised: "sat" is a verb).
fn weekday(word: &str) -> Option<&'static str> {
    let index = match word {
        "Mon" => 0,
        "Tue" | "Tues" => 1,
        "Wed" => 2,
        "Thu" | "Thur" | "Thurs" => 3,
        "Fri" => 4,
        "Sat" => 5,
        "Sun" => 6,
        full => return WEEKDAYS.iter().find(|d| **d == full).copied(),
    };
    Some(WEEKDAYS[index])
}

/// "December", "Dec", "Sept" (capitalised, English).
fn month(word: &str) -> Option<usize> {
    if word == "Sept" {
        return Some(8);
    }
    MONTHS.iter().position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
}

/// "1", "1st", "22nd" as a day of the month.
fn day(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    let ok = (1..=2).contains(&digits.len()) && is_digits(digits) && ["", "st", "nd", "rd", "th"].contains(&suffix);
    ok.then(|| digits.parse().ok()).flatten().filter(|d| (1..=31).contains(d))
}

/// "1st", "22nd", "13th".
fn ordinal(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

/// "[Tue] 1 Dec" and "[Tuesday] 1st December" → "[Tuesday] the 1st of December".
fn day_month(words: &[&str]) -> Reading {
    let (lead, first, first_trail) = parts(words[0]);
    let named_day = weekday(first).filter(|_| first_trail.is_empty());
    let at = usize::from(named_day.is_some());
    let (day_lead, day_word, day_trail) = parts(words.get(at)?);
    let (_, month_word, trail) = parts(words.get(at + 1)?);
    let day = day(day_word).filter(|_| day_trail.is_empty() && (at == 0 || day_lead.is_empty()))?;
    let month = MONTHS[month(month_word)?];
    let lead = if at == 0 { day_lead } else { lead };
    let date = format!("the {} of {month}", ordinal(day));
    let said = named_day.map_or(date.clone(), |name| format!("{name} {date}"));
    Some((at + 2, wrap(lead, &said, trail)))
}

/// "2026-12-01" → "Tuesday the 1st of December".
fn iso_date(word: &str) -> Option<String> {
    let mut fields = word.splitn(3, '-');
    let (year, month, day) = (fields.next()?, fields.next()?, fields.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 || ![year, month, day].iter().all(|f| is_digits(f)) {
        return None;
    }
    let date = CivilDate::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    Some(format!(
        "{} the {} of {}",
        WEEKDAYS[usize::from(date.weekday())],
        ordinal(u32::from(date.day)),
        MONTHS[usize::from(date.month - 1)]
    ))
}
