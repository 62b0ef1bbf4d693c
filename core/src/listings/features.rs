//! "Do they allow pets?", "Is there parking?" about a listing: answered from its features, so
//! the reply says what the catalogue says and nothing it does not.

use super::Listing;

/// One feature a contact may ask about.
struct Asked {
    /// The words that ask about it.
    words: &'static [&'static str],
    /// The features that say yes.
    yes_if: &'static [&'static str],
    yes: &'static str,
    no: &'static str,
    /// The word a catalogue search for it looks for (`Listing::search_text`); `None` when a
    /// substring would mislead ("furnished" is in "unfurnished").
    search: Option<&'static str>,
}

#[rustfmt::skip]
const ASKED: &[Asked] = &[
    Asked { words: &["pet", "pets", "dog", "dogs", "cat", "cats"], yes_if: &["pets_allowed", "dogs_allowed"],
            yes: "Pets are considered there.", no: "Its listing doesn't say pets are allowed, but I can ask the landlord.",
            search: Some("allowed") },
    Asked { words: &["parking", "park", "car"], yes_if: &["parking"],
            yes: "It has parking.", no: "It doesn't have parking.", search: Some("parking") },
    Asked { words: &["garden", "outside space", "outdoor space"], yes_if: &["garden"],
            yes: "It has a garden.", no: "It doesn't have a garden.", search: Some("garden") },
    Asked { words: &["furnished", "furniture"], yes_if: &["furnished"],
            yes: "It comes furnished.", no: "Its listing doesn't say it's furnished.", search: None },
    Asked { words: &["balcony"], yes_if: &["balcony"],
            yes: "It has a balcony.", no: "It doesn't have a balcony.", search: Some("balcony") },
    Asked { words: &["wifi", "wi-fi", "internet", "broadband"], yes_if: &["wifi"],
            yes: "It has wifi.", no: "Its listing doesn't mention wifi.", search: Some("wifi") },
    Asked { words: &["bills"], yes_if: &["bills_included"],
            yes: "Bills are included.", no: "Bills are not included.", search: Some("bills") },
];

fn asked_in(text: &str) -> impl Iterator<Item = &'static Asked> {
    let lower = format!(" {} ", text.to_lowercase().replace(|c: char| !c.is_alphanumeric() && c != '-', " "));
    ASKED.iter().filter(move |a| a.words.iter().any(|w| lower.contains(&format!(" {w} "))))
}

/// The catalogue words for the features `text` asks for ("anything with parking?"), as a
/// search's free text; `None` when it asks for none.
pub fn wanted(text: &str) -> Option<String> {
    let words: Vec<&str> = asked_in(text).filter_map(|a| a.search).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The answers (English) to what `text` asks about the listing's features, in the order asked;
/// empty when it asks about none.
pub fn answers(listing: &Listing, text: &str) -> Vec<&'static str> {
    let has = |f: &str| listing.features.iter().any(|x| x == f);
    asked_in(text)
        .map(|a| match (a.yes_if.iter().any(|f| has(f)), has("unfurnished")) {
            (true, _) => a.yes,
            (false, true) if a.yes_if == ["furnished"] => "It comes unfurnished.",
            (false, _) => a.no,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(features: &[&str]) -> Listing {
        serde_json::from_value(serde_json::json!({
            "id": "lst_1", "reference": "MP-1", "kind": "rent", "type": "house", "beds": 3, "baths": 1,
            "price": 2100.0, "price_period": "month", "area": "Redland", "postcode": "", "address": "42 Cranbrook Road",
            "features": features, "available_from": null, "status": "available", "description": "",
            "rules": null, "landlord": null
        }))
        .unwrap()
    }

    #[test]
    fn what_is_asked_is_answered_from_the_features_and_nothing_else() {
        let house = listing(&["garden", "parking", "pets_allowed"]);
        assert_eq!(answers(&house, "Is MP-1 still available? Do they allow pets?"), ["Pets are considered there."]);
        assert_eq!(answers(&house, "Is there parking, and a garden?"), ["It has parking.", "It has a garden."]);
        let flat = listing(&["unfurnished"]);
        assert_eq!(
            answers(&flat, "Is it furnished? We have a dog"),
            ["Its listing doesn't say pets are allowed, but I can ask the landlord.", "It comes unfurnished."]
        );
        assert!(answers(&flat, "Is it still available?").is_empty());
        assert_eq!(answers(&house, "furnished?"), ["Its listing doesn't say it's furnished."], "no claim either way");
        assert!(answers(&flat, "carpet?").is_empty(), "whole words only");
        assert_eq!(wanted("do you have anything with parking and a garden?").as_deref(), Some("parking garden"));
        assert_eq!(wanted("furnished please"), None, "'furnished' would match 'unfurnished'");
    }
}
