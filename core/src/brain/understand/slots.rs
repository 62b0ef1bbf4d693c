//! Slot assembly: runs every reader (contact details, dates, times, counts, money, pets,
//! furniture, proper names) and gives each value its role. A date becomes `check_in`,
//! `check_out` or `move_in` from the words before it ("arriving", "until", "move in"), from the
//! system's question, or — for hotels and holiday lets — by order (first arrival, then
//! departure); otherwise it is `date`. A bare number is typed by the system's question
//! ("How many people?" → "3" → `party_size`). The first value of each slot wins.

use super::dates::{self, Found};
use super::dialogue::Asked;
use super::numbers::{amount, count_at, json_number};
use super::text::Text;
use super::{contact, places, times, CivilDate, Slot, SlotValue, Template};
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) type Slots = BTreeMap<Slot, SlotValue>;

fn put(slots: &mut Slots, slot: Slot, value: Value, text: &str) {
    slots.entry(slot).or_insert_with(|| SlotValue { value, text: text.to_owned() });
}

#[rustfmt::skip]
const CHECK_IN_CUES: &[&str] = &[
    "check in", "checkin", "checking in", "check-in", "arriv*", "from", "starting", "llegada", "llego", "arrivee",
    "anreise", "entrada", "arrivo", "dal", "desde", "du", "vom", "ab",
];
#[rustfmt::skip]
const CHECK_OUT_CUES: &[&str] = &[
    "check out", "checkout", "checking out", "leav*", "depart*", "until", "till", "til", "through", "to", "salida",
    "hasta", "depart", "jusqu'au", "au", "abreise", "bis", "saida", "ate", "partenza", "al",
];
#[rustfmt::skip]
const MOVE_IN_CUES: &[&str] =
    &["move in", "moving in", "move", "moving", "mudar*", "mudanza", "emmenag*", "einzug", "einziehen", "trasloc*"];

/// The role cue nearest before token `at` (within 4 words, same sentence).
fn date_cue(t: &Text, at: usize) -> Option<Slot> {
    let from = at.saturating_sub(4);
    let mut best: Option<(usize, Slot)> = None;
    for k in from..at {
        if (k + 1..=at).any(|j| t.breaks_before(j)) {
            continue;
        }
        let slot = if MOVE_IN_CUES.iter().any(|p| t.at(k, p)) {
            Some(Slot::MoveIn)
        } else if CHECK_OUT_CUES.iter().any(|p| t.at(k, p)) {
            Some(Slot::CheckOut)
        } else if CHECK_IN_CUES.iter().any(|p| t.at(k, p)) {
            Some(Slot::CheckIn)
        } else {
            None
        };
        if let Some(s) = slot {
            best = Some((k, s));
        }
    }
    best.map(|(_, s)| s)
}

fn assign_dates(t: &Text, found: &[Found<CivilDate>], asked: &Asked, template: Template, slots: &mut Slots) {
    let expected: Vec<Slot> = asked
        .expects
        .iter()
        .copied()
        .filter(|s| matches!(s, Slot::CheckIn | Slot::CheckOut | Slot::MoveIn | Slot::Date))
        .collect();
    let stay = template == Template::Stay;
    for (n, f) in found.iter().enumerate() {
        let cue = date_cue(t, f.start);
        let slot = match cue {
            // "to"/"from"/"until" only mark a stay range when the context is a stay.
            Some(Slot::CheckOut) if !stay && !slots.contains_key(&Slot::CheckIn) && !strong_out(t, f.start) => None,
            Some(Slot::CheckIn) if !stay && !strong_in(t, f.start) => None,
            other => other,
        };
        // "Could I view it on Thursday?" after "When would you like to move in?" names the
        // viewing's day, not the move.
        let expected_here =
            expected.get(n).copied().filter(|s| *s != Slot::MoveIn || !t.has_any(super::intent::VIEWING));
        let slot = slot.or(expected_here).unwrap_or(if stay {
            if slots.contains_key(&Slot::CheckIn) {
                Slot::CheckOut
            } else {
                Slot::CheckIn
            }
        } else {
            Slot::Date
        });
        let slot = if slot == Slot::CheckOut
            && !slots.contains_key(&Slot::CheckIn)
            && cue.is_none()
            && stay
            && n == 0
            && expected.is_empty()
        {
            Slot::CheckIn
        } else {
            slot
        };
        put(slots, slot, Value::String(f.value.to_string()), t.slice(f.start, f.end));
    }
}

fn strong_out(t: &Text, at: usize) -> bool {
    t.any_in(
        at.saturating_sub(4),
        at,
        &["check", "checkout", "checking", "leav*", "depart*", "salida", "abreise", "saida", "partenza"],
    )
}

fn strong_in(t: &Text, at: usize) -> bool {
    t.any_in(
        at.saturating_sub(4),
        at,
        &["check", "checkin", "checking", "arriv*", "llegada", "anreise", "arrivo", "entrada"],
    )
}

#[rustfmt::skip]
const BED_UNITS: &[&str] =
    &["bed rooms", "bed room", "bed", "beds", "bedroom*", "bdr*", "br", "bd", "dormitorio*", "schlafzimmer"];
/// Words for rooms that mean bedrooms only outside hotels.
#[rustfmt::skip]
const ROOM_UNITS: &[&str] = &["habitacion*", "chambre*", "zimmer", "quarto*", "camere", "camera"];
#[rustfmt::skip]
const BATH_UNITS: &[&str] =
    &["bath", "baths", "bathroom*", "ba", "bano*", "salle*", "badezimmer", "bader", "bad", "banheiro*", "bagn*"];
#[rustfmt::skip]
const PEOPLE_UNITS: &[&str] = &[
    "people", "persons", "person", "adults", "adult", "guests", "guest", "pax", "travellers", "travelers", "personas",
    "persona", "personnes", "personne", "personen", "person", "pessoas", "pessoa", "persone", "huespedes", "adultos",
    "adultes", "erwachsene", "adulti", "ospiti", "gaste", "of us", "de nosotros",
];

/// Counts followed by a unit: "2 bedrooms", "one bath", "3 people", "4 of us", "2br".
fn counts(t: &Text, template: Template, slots: &mut Slots) {
    for i in 0..t.len() {
        let w = t.w(i);
        // "2br", "3bed", "2bath" in one token.
        let split = w.find(|c: char| !c.is_ascii_digit()).filter(|&k| k > 0);
        if let Some(k) = split {
            let (n, unit) = w.split_at(k);
            if let Some(n) = super::numbers::int(n) {
                let slot = match unit {
                    "br" | "bd" | "bed" | "bedroom" | "bdr" => Some(Slot::Beds),
                    "ba" | "bath" => Some(Slot::Baths),
                    _ => None,
                };
                if let Some(slot) = slot {
                    put(slots, slot, json_number(f64::from(n)), t.slice(i, i + 1));
                    continue;
                }
            }
        }
        let (value, used) = if let Some(v) = amount(w).filter(|v| *v < 100.0 && w.contains('.')) {
            (v, 1)
        } else if let Some((n, used)) = count_at(t, i) {
            (f64::from(n), used)
        } else if matches!(w, "a" | "an") && t.at(i + 1, "single") {
            (1.0, 2)
        } else {
            continue;
        };
        let mut u = i + used;
        if t.w(u) == "and" && t.at(u + 1, "a half") {
            u += 3;
        }
        let unit_at = u;
        let slot = if BED_UNITS.iter().any(|p| t.at(unit_at, p))
            || (template != Template::Stay && ROOM_UNITS.iter().any(|p| t.at(unit_at, p)))
        {
            Slot::Beds
        } else if BATH_UNITS.iter().any(|p| t.at(unit_at, p)) {
            Slot::Baths
        } else if PEOPLE_UNITS.iter().any(|p| t.at(unit_at, p)) || (t.w(unit_at) == "of" && t.w(unit_at + 1) == "us") {
            Slot::PartySize
        } else {
            continue;
        };
        let value = if u > i + used { value + 0.5 } else { value };
        if value > 50.0 {
            continue;
        }
        let unit_len = if t.w(unit_at) == "of" || t.at(unit_at, "de nosotros") || t.at(unit_at, "salle de bain*") {
            if t.w(unit_at) == "salle" {
                3
            } else {
                2
            }
        } else {
            1
        };
        put(slots, slot, json_number(value), t.slice(i, unit_at + unit_len));
    }
    if !slots.contains_key(&Slot::Beds) && template != Template::Stay {
        if let Some(i) = t.find("studio") {
            put(slots, Slot::Beds, json_number(0.0), t.slice(i, i + 1));
        }
    }
    for (phrase, n) in [
        ("party of", 0.0),
        ("group of", 0.0),
        ("table for", 0.0),
        ("just me", 1.0),
        ("only me", 1.0),
        ("just myself", 1.0),
        ("by myself", 1.0),
        ("only one person", 1.0),
        ("travelling alone", 1.0),
        ("traveling alone", 1.0),
        ("my wife and i", 2.0),
        ("my husband and i", 2.0),
        ("my partner and i", 2.0),
        ("me and my wife", 2.0),
        ("me and my husband", 2.0),
        ("me and my partner", 2.0),
        ("the two of us", 2.0),
        ("both of us", 2.0),
    ] {
        if let Some(i) = t.find(phrase) {
            let len = phrase.split(' ').count();
            if n == 0.0 {
                if let Some((c, used)) = count_at(t, i + len) {
                    put(slots, Slot::PartySize, json_number(f64::from(c)), t.slice(i, i + len + used));
                }
            } else {
                put(slots, Slot::PartySize, json_number(n), t.slice(i, i + len));
            }
        }
    }
}

#[rustfmt::skip]
const CURRENCY_WORDS: &[&str] =
    &["dollars", "dollar", "bucks", "pounds", "pound", "euros", "euro", "eur", "usd", "gbp", "quid", "reais", "chf"];
#[rustfmt::skip]
const BUDGET_CUES: &[&str] = &[
    "budget", "under", "below", "up to", "max", "maximum", "no more than", "less than", "at most", "hasta",
    "moins de", "maximum de", "bis zu", "hochstens", "maximal", "ate", "fino a", "massimo", "menos de",
];
#[rustfmt::skip]
const PER: &[&str] = &[
    "a month", "per month", "pcm", "monthly", "a week", "per week", "pw", "a night", "per night", "/month", "al mes",
    "par mois", "pro monat", "por mes", "por mes", "al mese",
];

/// The most the caller will pay: "$1,500", "under 2k", "1,500 a month", "1200€".
fn budget(t: &Text, slots: &mut Slots) {
    for i in 0..t.len() {
        let Some(mut value) = amount(t.w(i)) else { continue };
        let gap_before = t.gap(i);
        let symbol_before = gap_before.trim_end().ends_with(['$', '£', '€']);
        let gap_after = t.gap(i + 1);
        let symbol_after = gap_after.trim_start().starts_with(['$', '£', '€'])
            || (i + 1 == t.len() && t.raw[t.toks[i].end..].trim_start().starts_with(['€', '£', '$']));
        let mut end = i + 1;
        if t.w(end) == "k" {
            value *= 1000.0;
            end += 1;
        }
        let word_after = CURRENCY_WORDS.contains(&t.w(end));
        if word_after {
            end += 1;
        }
        let per = PER.iter().find(|p| t.at(end, p));
        let cue = t.any_in(
            i.saturating_sub(3),
            i,
            &[
                "budget",
                "under",
                "below",
                "max",
                "maximum",
                "most",
                "than",
                "hasta",
                "moins",
                "bis",
                "hochstens",
                "ate",
                "fino",
                "massimo",
            ],
        ) || BUDGET_CUES.iter().any(|c| (i.saturating_sub(4)..i).any(|k| t.at(k, c)));
        let next_is_count = t.any_in(
            end,
            end + 1,
            &[
                "bed*", "bath*", "people", "person*", "guest*", "night*", "day*", "room*", "star*", "week*", "month*",
                "minute*",
            ],
        );
        if next_is_count || !(symbol_before || symbol_after || word_after || ((cue || per.is_some()) && value >= 50.0))
        {
            continue;
        }
        if let Some(p) = per {
            end += p.split(' ').count();
        }
        let start_byte = if symbol_before {
            t.toks[i].start - gap_before.trim_end().chars().last().map_or(0, char::len_utf8)
        } else {
            t.toks[i].start
        };
        let mut end_byte = t.toks[end - 1].end;
        if symbol_after && !word_after && per.is_none() {
            let rest = &t.raw[end_byte..];
            let trimmed = rest.trim_start();
            end_byte += rest.len() - trimmed.len() + trimmed.chars().next().map_or(0, char::len_utf8);
        }
        let text = t.raw.get(start_byte..end_byte).unwrap_or("");
        put(slots, Slot::BudgetMax, json_number(value), text);
        return;
    }
}

#[rustfmt::skip]
const PET_WORDS: &[&str] = &[
    "pet", "pets", "dog", "dogs", "cat", "cats", "puppy", "kitten", "mascota*", "perro*", "gato*", "animaux",
    "animal", "chien*", "haustier*", "hund", "hunde", "katze*", "animais", "cachorro*", "cao", "caes", "animali",
    "cane", "cani", "gatti", "gatto",
];
#[rustfmt::skip]
const NEGATORS: &[&str] = &[
    "no", "not", "don't", "dont", "doesn't", "without", "never", "free", "sin", "pas", "sans", "kein", "keine",
    "keinen", "ohne", "nicht", "sem", "nao", "senza", "non", "nessun",
];

fn booleans(t: &Text, slots: &mut Slots) {
    if let Some((i, len)) = t.find_any(PET_WORDS) {
        let negated = t.any_in(i.saturating_sub(3), i, NEGATORS) || t.at(i + 1, "free");
        let start =
            if negated { (i.saturating_sub(3)..i).find(|&k| NEGATORS.contains(&t.w(k))).unwrap_or(i) } else { i };
        put(slots, Slot::Pets, Value::Bool(!negated), t.slice(start, i + len));
    }
    let furnished = ["furnished", "furniture", "amueblad*", "meuble*", "moblier*", "mobliert", "mobiliad*", "arredat*"];
    if let Some(i) = t.find("unfurnished").or_else(|| t.find("unfurnish*")) {
        put(slots, Slot::Furnished, Value::Bool(false), t.slice(i, i + 1));
    } else if let Some((i, len)) = t.find_any(&furnished) {
        let negated = t.any_in(i.saturating_sub(3), i, NEGATORS);
        let start =
            if negated { (i.saturating_sub(3)..i).find(|&k| NEGATORS.contains(&t.w(k))).unwrap_or(i) } else { i };
        put(slots, Slot::Furnished, Value::Bool(!negated), t.slice(start, i + len));
    }
}

/// A message that is only a number, answering "How many …?" / "What time?".
fn bare_number(t: &Text, asked: &Asked, slots: &mut Slots) {
    let Some(slot) = asked
        .expects
        .iter()
        .copied()
        .find(|s| matches!(s, Slot::PartySize | Slot::Beds | Slot::Baths | Slot::BudgetMax))
    else {
        return;
    };
    if slots.contains_key(&slot) || t.len() > 6 {
        return;
    }
    for i in 0..t.len() {
        if let Some((n, used)) = count_at(t, i).filter(|(n, _)| *n <= 50 || slot == Slot::BudgetMax) {
            put(slots, slot, json_number(f64::from(n)), t.slice(i, i + used));
            return;
        }
        if slot == Slot::BudgetMax {
            if let Some(v) = amount(t.w(i)) {
                put(slots, slot, json_number(v), t.slice(i, i + 1));
                return;
            }
        }
        if slot == Slot::PartySize && matches!(t.w(i), "just" | "only") && matches!(t.w(i + 1), "me" | "myself" | "one")
        {
            put(slots, slot, json_number(1.0), t.slice(i, i + 2));
            return;
        }
    }
}

pub(crate) fn extract(t: &Text, asked: &Asked, template: Template, today: CivilDate) -> Slots {
    let mut slots = Slots::new();
    if let Some((s, e, v)) = contact::email(t.raw) {
        put(&mut slots, Slot::Email, Value::String(v), &t.raw[s..e]);
    }
    if let Some((s, e, v)) = contact::phone(t.raw) {
        put(&mut slots, Slot::Phone, Value::String(v), &t.raw[s..e]);
    }
    let found_dates = dates::find(t, today);
    assign_dates(t, &found_dates, asked, template, &mut slots);
    let in_date = |k: usize| found_dates.iter().any(|d| d.start <= k && k < d.end);
    let expect_time = asked.expects(Slot::Time)
        && !asked.expects.iter().any(|s| matches!(s, Slot::PartySize | Slot::Beds | Slot::Baths));
    for f in times::find(t, expect_time) {
        if !(f.start..f.end).any(in_date) {
            put(&mut slots, Slot::Time, Value::String(times::format(f.value)), t.slice(f.start, f.end));
            break;
        }
    }
    counts(t, template, &mut slots);
    nights(t, &mut slots);
    budget(t, &mut slots);
    booleans(t, &mut slots);
    bare_number(t, asked, &mut slots);
    for named in places::find(t, asked, template) {
        if !(named.start..named.end).any(in_date) {
            put(&mut slots, named.slot, Value::String(named.value.clone()), &named.value);
        }
    }
    slots
}

/// "check in on the 1st for 3 nights" also says when they leave.
fn nights(t: &Text, slots: &mut Slots) {
    if slots.contains_key(&Slot::CheckOut) {
        return;
    }
    let Some(check_in) =
        slots.get(&Slot::CheckIn).and_then(|v| v.value.as_str()).and_then(|s| s.parse::<CivilDate>().ok())
    else {
        return;
    };
    for i in 0..t.len() {
        if let Some((n, used)) = count_at(t, i).filter(|(n, _)| (1..=60).contains(n)) {
            if t.any_in(i + used, i + used + 1, &["night", "nights", "noches", "nuits", "nachte", "noites", "notti"]) {
                let out = check_in.add_days(i64::from(n));
                put(slots, Slot::CheckOut, Value::String(out.to_string()), t.slice(i, i + used + 1));
                return;
            }
        }
    }
}
