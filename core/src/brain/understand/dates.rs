//! Calendar dates: the [`CivilDate`] arithmetic and every way a caller names a day, resolved
//! against the tenant's `today`. The ambiguity rules are documented on the parent module.

use super::numbers::{count_at, int, ordinal};
use super::text::Text;
use super::CivilDate;
use std::fmt;
use std::str::FromStr;

/// A match: tokens `start..end` read as `value`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found<T> {
    pub start: usize,
    pub end: usize,
    pub value: T,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateError;

impl fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a date (expected YYYY-MM-DD)")
    }
}

impl std::error::Error for ParseDateError {}

impl FromStr for CivilDate {
    type Err = ParseDateError;
    /// Exactly `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        // Digits only: `parse::<u8>` alone takes "+2" as a month, and a setting validated
        // with "2026-+2-28" would never equal the date it was meant to name.
        let digits = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
        if b.len() != 10 || !digits {
            return Err(ParseDateError);
        }
        let year = s[0..4].parse::<i32>().map_err(|_| ParseDateError)?;
        let month = s[5..7].parse::<u8>().map_err(|_| ParseDateError)?;
        let day = s[8..10].parse::<u8>().map_err(|_| ParseDateError)?;
        CivilDate::new(year, month, day).ok_or(ParseDateError)
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl CivilDate {
    /// A valid date, or `None`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) && (1..=9999).contains(&year))
            .then_some(Self { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn to_days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// 0 = Monday … 6 = Sunday (as `tenant::LocalTime`).
    pub fn weekday(self) -> u8 {
        (self.to_days() + 3).rem_euclid(7) as u8
    }

    pub fn add_days(self, n: i64) -> Self {
        Self::from_days(self.to_days().saturating_add(n.clamp(-3_000_000, 3_000_000)))
    }
}

#[rustfmt::skip]
const MONTHS: &[(&str, u8)] = &[
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4), ("apr", 4),
    ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8), ("aug", 8), ("september", 9),
    ("sept", 9), ("sep", 9), ("october", 10), ("oct", 10), ("november", 11), ("nov", 11), ("december", 12),
    ("dec", 12), ("enero", 1), ("febrero", 2), ("marzo", 3), ("abril", 4), ("mayo", 5), ("junio", 6), ("julio", 7),
    ("agosto", 8), ("septiembre", 9), ("setiembre", 9), ("octubre", 10), ("noviembre", 11), ("diciembre", 12),
    ("janvier", 1), ("fevrier", 2), ("mars", 3), ("avril", 4), ("mai", 5), ("juin", 6), ("juillet", 7), ("aout", 8),
    ("septembre", 9), ("octobre", 10), ("novembre", 11), ("decembre", 12), ("januar", 1), ("februar", 2), ("marz", 3),
    ("maerz", 3), ("juni", 6), ("juli", 7), ("oktober", 10), ("dezember", 12), ("janeiro", 1), ("fevereiro", 2),
    ("marco", 3), ("maio", 5), ("junho", 6), ("julho", 7), ("setembro", 9), ("outubro", 10), ("novembro", 11),
    ("dezembro", 12), ("gennaio", 1), ("febbraio", 2), ("aprile", 4), ("maggio", 5), ("giugno", 6), ("luglio", 7),
    ("settembre", 9), ("ottobre", 10), ("dicembre", 12),
];

#[rustfmt::skip]
const WEEKDAYS: &[(&str, u8)] = &[
    ("monday", 0), ("tuesday", 1), ("tues", 1), ("wednesday", 2), ("weds", 2), ("thursday", 3), ("thurs", 3),
    ("friday", 4), ("saturday", 5), ("sunday", 6), ("lunes", 0), ("martes", 1), ("miercoles", 2), ("jueves", 3),
    ("viernes", 4), ("sabado", 5), ("domingo", 6), ("lundi", 0), ("mardi", 1), ("mercredi", 2), ("jeudi", 3),
    ("vendredi", 4), ("samedi", 5), ("dimanche", 6), ("montag", 0), ("dienstag", 1), ("mittwoch", 2),
    ("donnerstag", 3), ("freitag", 4), ("samstag", 5), ("sonnabend", 5), ("sonntag", 6), ("lunedi", 0),
    ("martedi", 1), ("mercoledi", 2), ("giovedi", 3), ("venerdi", 4), ("sabato", 5), ("domenica", 6),
];

/// Portuguese weekdays need `feira` after them (`segunda` alone is also "second").
#[rustfmt::skip]
const PT_WEEKDAYS: &[(&str, u8)] = &[("segunda", 0), ("terca", 1), ("quarta", 2), ("quinta", 3), ("sexta", 4)];

pub(crate) fn month(word: &str) -> Option<u8> {
    MONTHS.iter().find(|(w, _)| *w == word).map(|(_, m)| *m)
}

pub(crate) fn is_month_or_weekday(word: &str) -> bool {
    (month(word).is_some() && word.len() > 3) || WEEKDAYS.iter().any(|(w, _)| *w == word)
}

#[rustfmt::skip]
const TODAY: &[&str] = &["today", "tonight", "hoy", "aujourd'hui", "heute", "hoje", "oggi", "stasera", "ce soir"];
#[rustfmt::skip]
const TOMORROW: &[&str] = &["tomorrow", "tmrw", "tmr", "manana", "demain", "morgen", "amanha", "domani"];
#[rustfmt::skip]
const DAY_AFTER: &[&str] = &[
    "day after tomorrow", "pasado manana", "apres demain", "ubermorgen", "uebermorgen", "depois de amanha",
    "dopodomani",
];
#[rustfmt::skip]
const NEXT: &[&str] = &[
    "next", "proximo", "proxima", "prochain", "prochaine", "nachsten", "nachste", "kommenden", "prossimo", "prossima",
];
#[rustfmt::skip]
const THIS: &[&str] = &["this", "coming", "este", "esta", "ce", "cette", "diesen", "diese", "questo", "questa"];

#[derive(Clone, Copy)]
enum WeekRef {
    Bare,
    This,
    Next,
}

fn resolve_weekday(today: CivilDate, weekday: u8, which: WeekRef) -> CivilDate {
    let now = i64::from(today.weekday());
    let target = i64::from(weekday);
    match which {
        WeekRef::Bare => today.add_days((target - now - 1).rem_euclid(7) + 1),
        WeekRef::This if target >= now => today.add_days(target - now),
        WeekRef::This => today.add_days(target - now + 7),
        WeekRef::Next => today.add_days(7 - now + target),
    }
}

/// The next date on or after `today` with this day of the month.
fn resolve_day(today: CivilDate, day: u32) -> Option<CivilDate> {
    let day = u8::try_from(day).ok().filter(|d| (1..=31).contains(d))?;
    let (mut y, mut m) = (today.year, today.month);
    if day < today.day {
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    for _ in 0..3 {
        if let Some(d) = CivilDate::new(y, m, day) {
            return Some(d);
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    None
}

/// The next `month`/`day` on or after `today`, or in `year` when given.
fn resolve_month_day(today: CivilDate, month: u8, day: u32, year: Option<i32>) -> Option<CivilDate> {
    let day = u8::try_from(day).ok()?;
    if let Some(year) = year {
        return CivilDate::new(year, month, day);
    }
    let this_year = CivilDate::new(today.year, month, day);
    match this_year {
        Some(d) if d >= today => Some(d),
        _ => CivilDate::new(today.year + 1, month, day).or_else(|| CivilDate::new(today.year + 4, month, day)),
    }
}

fn weekday_at(t: &Text, i: usize) -> Option<(u8, usize)> {
    let w = t.w(i);
    if let Some((_, d)) = WEEKDAYS.iter().find(|(name, _)| *name == w) {
        return Some((*d, 1));
    }
    let (_, d) = PT_WEEKDAYS.iter().find(|(name, _)| *name == w)?;
    (t.w(i + 1) == "feira").then_some((*d, 2))
}

fn year_at(t: &Text, i: usize) -> Option<i32> {
    let y = int(t.w(i))?;
    (1900..=2200).contains(&y).then_some(y as i32)
}

/// A day of the month at `i`: `12`, `12th`, `twelfth`.
fn day_at(t: &Text, i: usize) -> Option<u32> {
    let w = t.w(i);
    ordinal(w).or_else(|| int(w).filter(|_| w.len() <= 2)).filter(|d| (1..=31).contains(d))
}

/// Reads one date starting exactly at token `i`.
fn date_at(t: &Text, i: usize, today: CivilDate) -> Option<(usize, CivilDate)> {
    for p in DAY_AFTER {
        if t.at(i, p) {
            return Some((p.split(' ').count(), today.add_days(2)));
        }
        if t.w(i) == "the" && t.at(i + 1, p) {
            return Some((p.split(' ').count() + 1, today.add_days(2)));
        }
    }
    if t.at(i, "later today") || t.at(i, "later on today") {
        return Some((if t.w(i + 1) == "today" { 2 } else { 3 }, today));
    }
    if let Some(p) = TODAY.iter().find(|p| t.at(i, p)) {
        return Some((p.split(' ').count(), today));
    }
    if TOMORROW.contains(&t.w(i)) {
        let w = t.w(i);
        let prev = t.w(i.wrapping_sub(1));
        // "por la mañana" is the morning; "guten Morgen" / "am Morgen" are not tomorrow.
        let morning = (w == "manana" && matches!(prev, "la" | "esta"))
            || (w == "morgen" && (matches!(prev, "guten" | "am" | "jeden" | "heute") || t.at(i + 1, "fruh")));
        if !morning {
            return Some((1, today.add_days(1)));
        }
    }
    // "in 3 days", "in two weeks" and their translations.
    if matches!(t.w(i), "in" | "en" | "dans" | "em" | "tra" | "fra" | "within") {
        if let Some((n, used)) = count_at(t, i + 1).filter(|(n, _)| *n <= 366) {
            let unit = t.w(i + 1 + used);
            let days = match unit {
                "day" | "days" | "dia" | "dias" | "jours" | "jour" | "tagen" | "tag" | "giorni" | "giorno" => Some(1),
                "week" | "weeks" | "semana" | "semanas" | "semaine" | "semaines" | "woche" | "wochen" | "settimana"
                | "settimane" => Some(7),
                _ => None,
            };
            if let Some(per) = days {
                return Some((used + 2, today.add_days(i64::from(n) * per)));
            }
        }
    }
    // Weekdays with their modifiers.
    let (mut which, mut start) = (WeekRef::Bare, i);
    if NEXT.contains(&t.w(i)) {
        (which, start) = (WeekRef::Next, i + 1);
    } else if THIS.contains(&t.w(i)) {
        (which, start) = (WeekRef::This, i + 1);
    }
    if let Some((wd, used)) = weekday_at(t, start) {
        let mut end = start + used;
        if matches!(which, WeekRef::Bare) {
            if t.at(end, "next week") || t.at(end, "of next week") {
                which = WeekRef::Next;
                end += if t.w(end) == "of" { 3 } else { 2 };
            } else if t.at(end, "this week") || t.at(end, "of this week") {
                which = WeekRef::This;
                end += if t.w(end) == "of" { 3 } else { 2 };
            } else if NEXT.contains(&t.w(end)) {
                // "vendredi prochain": the next one.
                return Some((end + 1 - i, resolve_weekday(today, wd, WeekRef::Bare)));
            }
        }
        return Some((end - i, resolve_weekday(today, wd, which)));
    }
    // Month name then day: "March 12th", "Mar 12, 2027".
    if let Some(m) = month(t.w(i)) {
        let mut k = i + 1;
        if t.w(k) == "the" {
            k += 1;
        }
        if let Some(d) = day_at(t, k) {
            let year = year_at(t, k + 1);
            let date = resolve_month_day(today, m, d, year)?;
            return Some((k + 1 + usize::from(year.is_some()) - i, date));
        }
        return None;
    }
    // Day then month: "12 March", "12th of March", "the 2nd of March 2027", "12 de marzo",
    // "12. März"; or day alone: "the 12th", "12th of this month", "the 12th of next month".
    let mut k = i;
    let had_the = matches!(t.w(k), "the" | "el" | "le" | "il" | "dia");
    if had_the {
        k += 1;
    }
    if let Some(d) = day_at(t, k) {
        let is_ordinal = ordinal(t.w(k)).is_some();
        let mut m_at = k + 1;
        if matches!(t.w(m_at), "of" | "de" | "del") {
            m_at += 1;
        }
        if let Some(m) = month(t.w(m_at)) {
            let year = year_at(t, m_at + 1)
                .or_else(|| (matches!(t.w(m_at + 1), "de" | "del")).then(|| year_at(t, m_at + 2)).flatten());
            let year_len = match year {
                Some(_) if year_at(t, m_at + 1).is_some() => 1,
                Some(_) => 2,
                None => 0,
            };
            let date = resolve_month_day(today, m, d, year)?;
            return Some((m_at + 1 + year_len - i, date));
        }
        // "12 to 19 April", "from the 28th to the 3rd of March": the first day takes the
        // second's month (the one before, when it is the later day of the two).
        if let Some((m, second)) = range_month(t, k + 1) {
            let m = if d > second {
                if m == 1 {
                    12
                } else {
                    m - 1
                }
            } else {
                m
            };
            return Some((k + 1 - i, resolve_month_day(today, m, d, None)?));
        }
        if is_ordinal && (had_the || t.w(k + 1) == "of") {
            if t.at(k + 1, "of this month") {
                return Some((k + 4 - i, resolve_day(today, d)?));
            }
            if t.at(k + 1, "of next month") {
                let first_next = resolve_day(today, 1).filter(|f| *f != today).unwrap_or(today.add_days(32));
                let (y, m) = (first_next.year, first_next.month);
                return Some((k + 4 - i, CivilDate::new(y, m, d as u8)?));
            }
            // "the first one", "the second flat": which of the things offered, not a day.
            if had_the && !PICKED.contains(&t.w(k + 1)) {
                return Some((k + 1 - i, resolve_day(today, d)?));
            }
        }
    }
    numeric_at(t, i, today)
}

/// Words after "the first", "the second"… that make it a choice among things offered.
#[rustfmt::skip]
const PICKED: &[&str] = &[
    "one", "ones", "flat", "flats", "house", "home", "property", "listing", "option", "place", "room", "apartment",
    "studio", "cottage", "slot", "time", "appointment", "viewing", "link", "address",
];

/// Words between the two days of a range.
const RANGE: &[&str] = &["to", "until", "till", "-", "–", "and", "al", "au", "bis", "a", "ao", "ate"];

/// At `i`, "to 19 April" (or "to the 19th of April"): the month and the second day.
fn range_month(t: &Text, i: usize) -> Option<(u8, u32)> {
    if !RANGE.contains(&t.w(i)) {
        return None;
    }
    let mut k = i + 1;
    if matches!(t.w(k), "the" | "el" | "le" | "il") {
        k += 1;
    }
    let second = day_at(t, k)?;
    let mut m_at = k + 1;
    if matches!(t.w(m_at), "of" | "de" | "del") {
        m_at += 1;
    }
    Some((month(t.w(m_at))?, second))
}

/// `12/03`, `12/03/2027`, `2026-03-12`, `12.03.2027`: day first unless impossible.
fn numeric_at(t: &Text, i: usize, today: CivilDate) -> Option<(usize, CivilDate)> {
    let w = t.w(i);
    let sep = ['/', '-', '.'].into_iter().find(|s| w.contains(*s))?;
    let parts: Vec<&str> = w.split(sep).collect();
    if parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 4) {
        return None;
    }
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let date = match (nums.as_slice(), parts[0].len()) {
        ([y, m, d], 4) => CivilDate::new(*y as i32, u8::try_from(*m).ok()?, u8::try_from(*d).ok()?)?,
        ([a, b, y], _) if sep != '-' => {
            let year = if *y < 100 { 2000 + *y as i32 } else { *y as i32 };
            let (d, m) = if *b > 12 { (*b, *a) } else { (*a, *b) };
            CivilDate::new(year, u8::try_from(m).ok()?, u8::try_from(d).ok()?)?
        }
        ([a, b], _) if sep == '/' => {
            let (d, m) = if *b > 12 { (*b, *a) } else { (*a, *b) };
            resolve_month_day(today, u8::try_from(m).ok()?, d, None)?
        }
        _ => return None,
    };
    Some((1, date))
}

/// "12-19 April" written as one word: both days, in the month that follows.
fn joined_range(t: &Text, i: usize, today: CivilDate) -> Option<(CivilDate, CivilDate)> {
    let (a, b) = t.w(i).split_once(['-', '–'])?;
    let day = |p: &str| p.parse::<u32>().ok().filter(|d| p.len() <= 2 && (1..=31).contains(d));
    let (d1, d2, m) = (day(a)?, day(b)?, month(t.w(i + 1))?);
    let m1 = if d1 > d2 {
        if m == 1 {
            12
        } else {
            m - 1
        }
    } else {
        m
    };
    Some((resolve_month_day(today, m1, d1, None)?, resolve_month_day(today, m, d2, None)?))
}

/// Every date in the text, left to right, non-overlapping.
pub(crate) fn find(t: &Text, today: CivilDate) -> Vec<Found<CivilDate>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if let Some((first, second)) = joined_range(t, i, today) {
            out.push(Found { start: i, end: i + 1, value: first });
            out.push(Found { start: i, end: i + 2, value: second });
            i += 2;
            continue;
        }
        match date_at(t, i, today) {
            Some((used, value)) if used > 0 => {
                out.push(Found { start: i, end: i + used, value });
                i += used;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-23 is a Monday.
    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 23 };

    fn one(s: &str) -> Option<(String, String)> {
        let t = Text::new(s);
        let found = find(&t, TODAY);
        found.first().map(|f| (f.value.to_string(), t.slice(f.start, f.end).to_owned()))
    }

    fn iso(s: &str) -> String {
        one(s).map(|(d, _)| d).unwrap_or_default()
    }

    #[test]
    fn arithmetic_round_trips_and_knows_weekdays() {
        assert_eq!(TODAY.weekday(), 0);
        assert_eq!(CivilDate::new(2019, 3, 1).unwrap().weekday(), 4);
        for days in [-800_000, -1, 0, 59, 17_000, 20_000, 2_000_000] {
            assert_eq!(CivilDate::from_days(days).to_days(), days);
        }
        assert_eq!(TODAY.add_days(40).to_string(), "2027-01-02");
        assert_eq!("2024-02-29".parse::<CivilDate>().unwrap().day, 29);
        assert!("2023-02-29".parse::<CivilDate>().is_err());
        assert!("23/11/2026".parse::<CivilDate>().is_err());
    }

    #[test]
    fn an_iso_date_is_digits_only() {
        // Found by the `nlu_dates` fuzz target: "2026-+2-28" read as 28 February.
        for sloppy in ["2026-+2-28", "+202-02-28", "2026-02-+8", "-001-01-01", "2026-02-2\u{0}"] {
            assert!(sloppy.parse::<CivilDate>().is_err(), "{sloppy}");
        }
        assert_eq!("2026-02-28".parse::<CivilDate>().unwrap().to_string(), "2026-02-28");
    }

    #[test]
    fn relative_days() {
        assert_eq!(one("can I come today?"), Some(("2026-11-23".into(), "today".into())));
        assert_eq!(iso("tomorrow at 3"), "2026-11-24");
        assert_eq!(one("the day after tomorrow"), Some(("2026-11-25".into(), "the day after tomorrow".into())));
        assert_eq!(iso("in 3 days"), "2026-11-26");
        assert_eq!(iso("in two weeks"), "2026-12-07");
        assert_eq!(iso("mañana por la tarde"), "2026-11-24");
        assert_eq!(iso("demain"), "2026-11-24");
        assert_eq!(iso("übermorgen"), "2026-11-25");
        assert_eq!(iso("Guten Morgen"), "");
        assert_eq!(iso("por la mañana"), "");
    }

    #[test]
    fn weekdays_follow_the_documented_rule() {
        assert_eq!(iso("Friday"), "2026-11-27");
        assert_eq!(iso("on Monday"), "2026-11-30", "bare weekday = next occurrence after today");
        assert_eq!(iso("this Monday"), "2026-11-23");
        assert_eq!(iso("next Friday"), "2026-12-04");
        assert_eq!(one("Thursday next week"), Some(("2026-12-03".into(), "Thursday next week".into())));
        assert_eq!(iso("Saturday this week"), "2026-11-28");
        assert_eq!(iso("el viernes"), "2026-11-27");
        assert_eq!(iso("vendredi prochain"), "2026-11-27");
        assert_eq!(iso("am Mittwoch"), "2026-11-25");
        assert_eq!(iso("na sexta-feira"), "2026-11-27");
        assert_eq!(iso("sabato"), "2026-11-28");
    }

    #[test]
    fn a_range_gives_its_first_day_the_month_named_after_the_second() {
        let all = |s: &str| find(&Text::new(s), TODAY).iter().map(|f| f.value.to_string()).collect::<Vec<_>>();
        assert_eq!(all("free from 12 to 19 April?"), ["2027-04-12", "2027-04-19"]);
        assert_eq!(all("from the 28th to the 3rd of March"), ["2027-02-28", "2027-03-03"]);
        assert_eq!(all("12-19 April please"), ["2027-04-12", "2027-04-19"]);
        assert_eq!(all("del 12 al 19 de abril"), ["2027-04-12", "2027-04-19"]);
        assert_eq!(all("2 to 3 people"), Vec::<String>::new(), "no month, no range");
    }

    #[test]
    fn days_of_month_and_month_names() {
        assert_eq!(one("on the 12th"), Some(("2026-12-12".into(), "the 12th".into())));
        assert_eq!(iso("the 30th"), "2026-11-30");
        // A choice among the things offered, not a day: "the first" then says which.
        assert_eq!(iso("Can I view the first one on Saturday at 11?"), "2026-11-28");
        assert_eq!(iso("the second flat please"), "");
        assert_eq!(iso("is the first free?"), "2026-12-01");
        assert_eq!(iso("March 12th"), "2027-03-12");
        assert_eq!(one("12th of March"), Some(("2027-03-12".into(), "12th of March".into())));
        assert_eq!(iso("the 2nd of December"), "2026-12-02");
        assert_eq!(iso("Dec 25, 2027"), "2027-12-25");
        assert_eq!(iso("25th of this month"), "2026-11-25");
        assert_eq!(iso("12 de marzo"), "2027-03-12");
        assert_eq!(iso("le 3 décembre"), "2026-12-03");
        assert_eq!(iso("am 5. Januar"), "2027-01-05");
        assert_eq!(iso("I may come"), "");
        assert_eq!(iso("the 2 of us"), "");
    }

    #[test]
    fn numeric_dates_are_day_first_unless_impossible() {
        assert_eq!(iso("12/03"), "2027-03-12");
        assert_eq!(iso("03/25"), "2027-03-25");
        assert_eq!(iso("24/12/2026"), "2026-12-24");
        assert_eq!(iso("2026-12-03"), "2026-12-03");
        assert_eq!(iso("12.03.2027"), "2027-03-12");
        assert_eq!(iso("31/02"), "");
        assert_eq!(iso("1,500"), "");
    }
}
