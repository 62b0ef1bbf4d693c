//! Slots and dates said naturally, in the six languages the brain speaks
//! (`tenant::LANGUAGES`): "tomorrow at 10:00, 11:30 or 15:00".

use super::Slot;
use crate::brain::phrases::relative_day;
use crate::brain::understand::CivilDate;

const LANGS: [&str; 6] = ["en", "es", "fr", "de", "pt", "it"];

/// Weekday names per language, Monday first (`CivilDate::weekday`); `[0]` is English.
#[rustfmt::skip]
pub(crate) const WEEKDAYS: [[&str; 7]; 6] = [
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"],
    ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
];

#[rustfmt::skip]
const MONTHS: [[&str; 12]; 6] = [
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
    ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
];

/// (the word before a time, the word for "or").
const AT_OR: [(&str, &str); 6] =
    [("at", "or"), ("a las", "o"), ("à", "ou"), ("um", "oder"), ("às", "ou"), ("alle", "o")];

fn index(lang: &str) -> usize {
    LANGS.iter().position(|l| *l == lang).unwrap_or(0)
}

/// "1 March" ("1 March 2028" in another year than `today`'s), in `lang`.
pub fn phrase_date(date: CivilDate, today: CivilDate, lang: &str) -> String {
    let i = index(lang);
    let month = MONTHS[i][usize::from(date.month - 1) % 12];
    let day = date.day;
    let base = match lang {
        "es" | "pt" => format!("{day} de {month}"),
        "de" => format!("{day}. {month}"),
        _ => format!("{day} {month}"),
    };
    match (date.year == today.year, lang) {
        (true, _) => base,
        (false, "es" | "pt") => format!("{base} de {}", date.year),
        (false, _) => format!("{base} {}", date.year),
    }
}

/// "today", "tomorrow", a weekday name within the coming week, else weekday and date.
fn day_label(date: CivilDate, today: CivilDate, lang: &str) -> String {
    let ahead = date.to_days() - today.to_days();
    let weekday = WEEKDAYS[index(lang)][usize::from(date.weekday() % 7)];
    match ahead {
        0 => relative_day("today", lang),
        1 => relative_day("tomorrow", lang),
        2..=6 => match lang {
            "en" => format!("on {weekday}"),
            "es" => format!("el {weekday}"),
            _ => weekday.to_owned(),
        },
        _ => match lang {
            "en" => format!("on {weekday} {}", phrase_date(date, today, lang)),
            "es" => format!("el {weekday} {}", phrase_date(date, today, lang)),
            "de" | "pt" => format!("{weekday}, {}", phrase_date(date, today, lang)),
            _ => format!("{weekday} {}", phrase_date(date, today, lang)),
        },
    }
}

/// `a, b or c` with the language's "or".
fn either(items: &[String], or: &str, separator: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{separator}{or} {last}", rest.join(", ")),
    }
}

/// The slots as one phrase in the tenant's time, grouped by day in order:
/// "tomorrow at 10:00, 11:30 or 15:00", "today at 16:00, or on Friday at 09:00".
pub fn phrase_slots(slots: &[Slot], today: CivilDate, lang: &str) -> String {
    let (at, or) = AT_OR[index(lang)];
    let mut days: Vec<(CivilDate, Vec<String>)> = Vec::new();
    for slot in slots {
        let (date, minute) = slot.local_start();
        let time = format!("{:02}:{:02}", minute / 60, minute % 60);
        match days.iter_mut().find(|(d, _)| *d == date) {
            Some((_, times)) => times.push(time),
            None => days.push((date, vec![time])),
        }
    }
    days.sort_by_key(|(d, _)| *d);
    let groups: Vec<String> = days
        .iter()
        .map(|(date, times)| format!("{} {at} {}", day_label(*date, today, lang), either(times, or, " ")))
        .collect();
    either(&groups, or, ", ")
}

#[cfg(test)]
mod tests {
    use super::super::{instant, FixedZone};
    use super::*;

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 30 }; // a Monday

    fn at(days: i64, h: u16, m: u16) -> Slot {
        let start_ms = instant(&FixedZone(60), TODAY.add_days(days), h * 60 + m);
        Slot { start_ms, end_ms: start_ms + 1_800_000, staff_id: None, offset_minutes: 60 }
    }

    #[test]
    fn slots_read_as_a_receptionist_would_say_them() {
        let tomorrow = [at(1, 10, 0), at(1, 11, 30), at(1, 15, 0)];
        assert_eq!(phrase_slots(&tomorrow, TODAY, "en"), "tomorrow at 10:00, 11:30 or 15:00");
        assert_eq!(phrase_slots(&tomorrow, TODAY, "es"), "mañana a las 10:00, 11:30 o 15:00");
        assert_eq!(phrase_slots(&tomorrow, TODAY, "fr"), "demain à 10:00, 11:30 ou 15:00");
        assert_eq!(phrase_slots(&tomorrow, TODAY, "de"), "morgen um 10:00, 11:30 oder 15:00");
        assert_eq!(phrase_slots(&tomorrow, TODAY, "pt"), "amanhã às 10:00, 11:30 ou 15:00");
        assert_eq!(phrase_slots(&tomorrow, TODAY, "it"), "domani alle 10:00, 11:30 o 15:00");
        let spread = [at(4, 9, 0), at(0, 16, 0), at(10, 12, 0)];
        assert_eq!(
            phrase_slots(&spread, TODAY, "en"),
            "today at 16:00, on Friday at 09:00, or on Thursday 10 December at 12:00"
        );
        assert_eq!(phrase_slots(&spread[..1], TODAY, "de"), "Freitag um 09:00");
        assert_eq!(phrase_slots(&spread[2..], TODAY, "es"), "el jueves 10 de diciembre a las 12:00");
        assert_eq!(phrase_slots(&[], TODAY, "en"), "");
    }

    #[test]
    fn dates_name_the_year_only_when_it_is_not_this_one() {
        let march = CivilDate { year: 2027, month: 3, day: 1 };
        assert_eq!(phrase_date(march, TODAY, "en"), "1 March 2027");
        assert_eq!(phrase_date(march, march, "en"), "1 March");
        assert_eq!(phrase_date(march, march, "de"), "1. März");
        assert_eq!(phrase_date(march, TODAY, "pt"), "1 de março de 2027");
        assert_eq!(phrase_date(march, march, "xx"), "1 March", "unknown languages speak English");
    }
}
