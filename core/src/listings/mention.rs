//! Which listing a customer means: by reference ("MP-2026-014"), by street ("the one on Elm
//! Road", "14 Elm Road"), or by area and type ("the two-bed flat in Clifton") — and only when
//! exactly one listing fits. Two candidates are never guessed between: the brain asks instead.

use super::{Listing, PropertyType};

/// Last words of a street name; the words before it (up to two) name the street.
const STREET_WORDS: &[&str] = &[
    "road", "street", "avenue", "lane", "place", "terrace", "crescent", "hill", "way", "close", "drive", "square",
    "parade", "quay", "wharf", "row", "gardens", "walk", "court", "mews", "grove", "park", "vale", "rise", "green",
];
const COMPASS: &[&str] = &["north", "south", "east", "west"];
const COUNT_WORDS: &[&str] = &["studio", "one", "two", "three", "four", "five", "six"];

/// The street of an address, lower-case without its number: "Flat 2, 21 Elm Road, Clifton" →
/// "elm road". `None` when no part of the address ends in a street word.
pub fn street(address: &str) -> Option<String> {
    address.split(',').find_map(|part| {
        let words: Vec<String> = part
            .split_whitespace()
            .map(|w| w.to_lowercase())
            .skip_while(|w| w.starts_with(|c: char| c.is_ascii_digit()) || w == "flat" || w == "apartment")
            .collect();
        // "Back Road East": a street word may be followed by a compass point.
        let named = match words.as_slice() {
            [.., road, side] if STREET_WORDS.contains(&road.as_str()) && COMPASS.contains(&side.as_str()) => {
                words.len() >= 3
            }
            [.., road] => words.len() >= 2 && STREET_WORDS.contains(&road.as_str()),
            [] => false,
        };
        named.then(|| words.join(" "))
    })
}

/// Lower-case text with punctuation (hyphens too) as spaces and single spaces, padded, so
/// `contains(" x ")` is a whole-word test. Storage pre-filters candidates against this form.
pub fn normalise(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { ' ' }).collect();
    format!(" {} ", spaced.to_lowercase().replace('-', " ").split_whitespace().collect::<Vec<_>>().join(" "))
}

fn has_phrase(text: &str, phrase: &str) -> bool {
    !phrase.trim().is_empty() && text.contains(&normalise(phrase))
}

/// The bedroom count said in the text ("two-bed", "2 bedroom", "studio" = 0).
fn beds_said(text: &str) -> Option<u32> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).find_map(|w| {
        if !matches!(w[1], "bed" | "beds" | "bedroom" | "bedrooms" | "bedroomed") {
            return None;
        }
        w[0].parse().ok().or_else(|| COUNT_WORDS.iter().position(|c| *c == w[0]).map(|n| n as u32))
    })
}

fn only<'a>(candidates: &[&'a Listing]) -> Option<&'a Listing> {
    match candidates {
        [one] => Some(*one),
        _ => None,
    }
}

/// Narrows by the type and bedroom count the text names, when it names them.
fn narrow<'a>(text: &str, candidates: Vec<&'a Listing>) -> Vec<&'a Listing> {
    let typed: Vec<&Listing> =
        candidates.iter().copied().filter(|l| has_phrase(text, l.property_type.as_str())).collect();
    let candidates = if typed.is_empty() { candidates } else { typed };
    match beds_said(text) {
        Some(beds) => candidates.into_iter().filter(|l| l.beds == beds).collect(),
        None => candidates,
    }
}

/// The one listing the text refers to, if it names exactly one.
pub fn mentioned<'a>(text: &str, listings: &'a [Listing]) -> Option<&'a Listing> {
    let text = normalise(text);
    // A reference is unambiguous by construction (unique per tenant).
    let by_reference: Vec<&Listing> = listings.iter().filter(|l| has_phrase(&text, &l.reference)).collect();
    if !by_reference.is_empty() {
        return only(&by_reference);
    }
    let on_street: Vec<&Listing> =
        listings.iter().filter(|l| street(&l.address).is_some_and(|s| has_phrase(&text, &s))).collect();
    if !on_street.is_empty() {
        // "21 Elm Road": a house number written before the street picks the listing with that
        // number, and no other — "our office at 14 Elm Road" is not the flat at 21.
        let said = |l: &Listing| {
            let street = street(&l.address).unwrap_or_default();
            (number_before(&text, &street), house_number(&l.address, &street))
        };
        if on_street.iter().any(|l| said(l).0.is_some()) {
            let numbered: Vec<&Listing> =
                on_street.into_iter().filter(|l| matches!(said(l), (Some(a), Some(b)) if a == b)).collect();
            return only(&numbered);
        }
        return only(&narrow(&text, on_street));
    }
    // Area and type (or bedroom count) together; an area alone is too loose to act on.
    let in_area: Vec<&Listing> = listings.iter().filter(|l| has_phrase(&text, &l.area)).collect();
    let typed = PropertyType::ALL.iter().any(|t| has_phrase(&text, t.as_str())) || beds_said(&text).is_some();
    if in_area.is_empty() || !typed {
        return None;
    }
    only(&narrow(&text, in_area))
}

/// The number written just before `street` in normalised text ("14" in "at 14 elm road").
fn number_before(text: &str, street: &str) -> Option<String> {
    let before = text.split(&format!(" {street} ")).next().filter(|b| b.len() < text.len())?;
    before.split_whitespace().last().filter(|w| w.starts_with(|c: char| c.is_ascii_digit())).map(str::to_owned)
}

/// The house number written just before the street in the address ("21" in "Flat 2, 21 Elm Road").
fn house_number(address: &str, street: &str) -> Option<String> {
    let address = normalise(address);
    let before = address.split(&format!(" {street} ")).next()?;
    before.split_whitespace().last().filter(|w| w.starts_with(|c: char| c.is_ascii_digit())).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::from_json;
    use serde_json::json;

    fn l(reference: &str, kind_type: &str, beds: u32, area: &str, address: &str) -> Listing {
        let body = json!({"reference": reference, "kind": "rent", "type": kind_type, "beds": beds, "baths": 1,
                          "price": 1000, "area": area, "address": address});
        from_json(body.to_string().as_bytes()).unwrap()
    }

    fn catalogue() -> Vec<Listing> {
        vec![
            l("MP-2026-014", "flat", 2, "Clifton", "Flat 2, 21 Elm Road, Clifton, Bristol"),
            l("MP-2026-015", "house", 3, "Redland", "8 Elm Road, Redland, Bristol"),
            l("MP-2026-016", "flat", 1, "Cotham", "5 Cotham Hill, Bristol"),
            l("MP-2026-017", "flat", 2, "Southville", "12 North Street, Southville"),
            l("MP-2026-018", "flat", 1, "Southville", "40 Dean Lane, Southville"),
        ]
    }

    fn refs(text: &str) -> Option<String> {
        mentioned(text, &catalogue()).map(|l| l.reference.clone())
    }

    #[test]
    fn streets_are_read_from_addresses() {
        assert_eq!(street("Flat 2, 21 Elm Road, Clifton, Bristol").as_deref(), Some("elm road"));
        assert_eq!(street("Harbour Cottage, 3 Quay Street").as_deref(), Some("quay street"));
        assert_eq!(street("The Old Mill, Bristol"), None);
        assert_eq!(street("Anchor Cottage, 9 Back Road East, Downlong").as_deref(), Some("back road east"));
        assert_eq!(street("12 Road East"), None);
    }

    #[test]
    fn by_reference() {
        assert_eq!(refs("Is mp-2026-016 still free?").as_deref(), Some("MP-2026-016"));
        assert_eq!(refs("MP-2026-016 or MP-2026-017?"), None);
    }

    #[test]
    fn by_street_narrowed_by_number_type_or_beds() {
        // Two listings on Elm Road: the street alone is ambiguous.
        assert_eq!(refs("the one on Elm Road"), None);
        assert_eq!(refs("I'd like to view 21 Elm Road on Friday").as_deref(), Some("MP-2026-014"));
        assert_eq!(refs("8 elm road please").as_deref(), Some("MP-2026-015"));
        // A number no listing on the street has is another building (the office, say).
        assert_eq!(refs("is your office at 14 Elm Road?"), None);
        assert_eq!(refs("the flat on Elm Road").as_deref(), Some("MP-2026-014"));
        assert_eq!(refs("the 3 bed on elm road").as_deref(), Some("MP-2026-015"));
        assert_eq!(refs("anything on North Street?").as_deref(), Some("MP-2026-017"));
        assert_eq!(refs("the one on Cotham Hill").as_deref(), Some("MP-2026-016"));
        assert_eq!(refs("the one on north street").as_deref(), Some("MP-2026-017"));
    }

    #[test]
    fn by_area_and_type_only_when_unambiguous() {
        assert_eq!(refs("the two-bed flat in Southville").as_deref(), Some("MP-2026-017"));
        assert_eq!(refs("the flat in Southville"), None);
        assert_eq!(refs("something in Southville"), None);
        assert_eq!(refs("the house in Redland").as_deref(), Some("MP-2026-015"));
        assert_eq!(refs("hello, do you have parking?"), None);
    }
}
