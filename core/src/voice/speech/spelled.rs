//! What a caller must be able to write down, said one character at a time: references
//! ("MP-2026-014" → "M P 2 0 2 6 0 1 4"), UK postcodes ("NW1 6XE" → "N W 1, 6 X E"), phone
//! numbers in groups ("+44 7700 900123" → "plus 4 4, 7 7 0 0, 9 0 0, 1 2 3") and email
//! addresses ("at", "dot"). The same in every language: letters and digits are not translated.

use super::{is_digits, parts, Reading};

/// The reading of the words at the front of `words`, if they are one of these.
pub fn read(words: &[&str]) -> Reading {
    let (lead, core, trail) = parts(words[0]);
    if let Some(reading) = postcode(words).or_else(|| phone(words)) {
        return Some(reading);
    }
    let said = reference(core).or_else(|| email(core))?;
    Some((1, format!("{lead}{said}{trail}")))
}

/// Letters and digits, one by one.
fn one_by_one(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(String::from).collect::<Vec<_>>().join(" ")
}

/// A reference: capitals and digits in parts joined by `-` or `/`, with both letters and digits
/// ("MP-2026-014", "BK-7F3Q"); plain words and numbers are not references.
fn reference(word: &str) -> Option<String> {
    let parts_ok = word
        .split(['-', '/'])
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    let joined = word.contains(['-', '/']);
    let mixed = word.bytes().any(|b| b.is_ascii_uppercase()) && word.bytes().any(|b| b.is_ascii_digit());
    (joined && parts_ok && mixed && word.len() <= 24).then(|| one_by_one(word))
}

/// A UK postcode, written as its two halves: outward ("NW1", "BS1", "SW1A") and inward ("6XE").
fn postcode(words: &[&str]) -> Reading {
    let (lead, outward, between) = parts(words[0]);
    let (_, inward, trail) = parts(words.get(1)?);
    let b = outward.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = &b[letters..];
    let outward_ok = (1..=2).contains(&letters)
        && (1..=2).contains(&rest.len())
        && rest[0].is_ascii_digit()
        && rest.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    let i = inward.as_bytes();
    let inward_ok = i.len() == 3 && i[0].is_ascii_digit() && i[1..].iter().all(u8::is_ascii_uppercase);
    (outward_ok && inward_ok && between.is_empty())
        .then(|| (2, format!("{lead}{}, {}{trail}", one_by_one(outward), one_by_one(inward))))
}

/// A phone number: "+447700900123", or written in groups ("0117 496 0000", "+44 7700 900123")
/// starting with `+` or `0`; 9 to 15 digits in all. Each group is said as written (long ones
/// split), with a pause between groups.
fn phone(words: &[&str]) -> Reading {
    let (lead, first, _) = parts(words[0]);
    let digits_of = |w: &str| w.strip_prefix('+').unwrap_or(w).to_owned();
    if !(first.starts_with('+') || first.starts_with('0')) || !is_digits(&digits_of(first)) {
        return None;
    }
    // The groups: this word and the all-digit words after it, up to a word with punctuation.
    let mut groups = vec![digits_of(first)];
    let mut trail = parts(words[0]).2;
    while trail.is_empty() {
        let Some((_, next, next_trail)) = words.get(groups.len()).map(|w| parts(w)) else { break };
        let group_ok = is_digits(next) && next.len() <= 6 && !next.starts_with('+');
        if !group_ok || !parts(words[groups.len()]).0.is_empty() {
            break;
        }
        groups.push(next.to_owned());
        trail = next_trail;
    }
    let total: usize = groups.iter().map(String::len).sum();
    if !(9..=15).contains(&total) {
        return None;
    }
    let taken = groups.len();
    let international = first.starts_with('+');
    let groups: Vec<String> = if taken == 1 { split_compact(&groups[0], international) } else { groups };
    let mut said: Vec<String> = groups.iter().flat_map(|g| split_long(g)).map(|g| one_by_one(&g)).collect();
    if international {
        said[0] = format!("plus {}", said[0]);
    }
    Some((taken, format!("{lead}{}{trail}", said.join(", "))))
}

/// A number written without spaces, in the groups people say: the country code, then the
/// national number as the UK writes it (mobiles 4-3-3 after +44, "07700 900 123"), else threes.
fn split_compact(digits: &str, international: bool) -> Vec<String> {
    let (country, national) = match (international, digits.as_bytes().first()) {
        (false, _) => ("", digits),
        (true, Some(b'1')) => digits.split_at(1),
        (true, _) => digits.split_at(2.min(digits.len())),
    };
    let sizes: &[usize] = match (country, national.len(), national.as_bytes().first()) {
        ("44", 10, Some(b'2')) => &[2, 4, 4],
        ("44", 10, Some(b'1')) => &[3, 3, 4],
        ("44", 10, _) => &[4, 3, 3],
        ("1", 10, _) => &[3, 3, 4],
        ("", 11, _) if national.starts_with("02") => &[3, 4, 4],
        ("", 11, _) if national.starts_with("01") => &[4, 3, 4],
        ("", 11, _) => &[5, 3, 3],
        _ => &[],
    };
    let mut out: Vec<String> = Vec::new();
    if !country.is_empty() {
        out.push(country.to_owned());
    }
    let mut rest = national;
    for size in sizes {
        let (group, after) = rest.split_at((*size).min(rest.len()));
        out.push(group.to_owned());
        rest = after;
    }
    out.extend(split_long(rest).into_iter().filter(|g| !g.is_empty()));
    out
}

/// Groups longer than five digits are said in threes (the last one up to four).
fn split_long(group: &str) -> Vec<String> {
    if group.len() <= 5 {
        return vec![group.to_owned()];
    }
    let mut out = Vec::new();
    let mut rest = group;
    while rest.len() > 4 {
        let (head, tail) = rest.split_at(3);
        out.push(head.to_owned());
        rest = tail;
    }
    out.push(rest.to_owned());
    out
}

/// "lettings@maple.example" → "lettings at maple dot example".
fn email(word: &str) -> Option<String> {
    let (user, domain) = word.split_once('@')?;
    (!user.is_empty() && domain.contains('.'))
        .then(|| format!("{user} at {}", domain.split('.').collect::<Vec<_>>().join(" dot ")))
}
