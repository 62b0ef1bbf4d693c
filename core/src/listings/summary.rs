//! A listing in one natural phrase, for a text reply or for a voice: "a two-bedroom flat in
//! Clifton at £1,450 a month, available from 1 March".

use super::speech::{day_month, number_words, ordinal_words, pounds_digits, pounds_words};
use super::{Listing, PricePeriod, PropertyType, Status};

/// Where the words go: a text may use digits and "£", speech spells everything out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    Text,
    Speech,
}

pub fn summary(listing: &Listing, medium: Medium) -> String {
    let what = match (listing.beds, listing.property_type) {
        (_, PropertyType::Studio) => "studio".to_owned(),
        (0, t) => format!("studio {}", t.as_str()),
        (_, PropertyType::Room) => "room".to_owned(),
        (beds, t) => format!("{}-bedroom {}", number_words(u64::from(beds)), t.as_str()),
    };
    let price = match medium {
        Medium::Text => pounds_digits(listing.price),
        Medium::Speech => pounds_words(listing.price),
    };
    let price = match listing.price_period {
        PricePeriod::Month => format!("at {price} a month"),
        PricePeriod::Night => format!("at {price} a night"),
        PricePeriod::Total => format!("for {price}"),
    };
    let mut out = format!("{} {what} in {} {price}", article(&what), listing.area);
    let when = listing.available_from.as_deref().and_then(day_month);
    match listing.status {
        Status::Available => match when {
            Some((day, month)) if medium == Medium::Text => out.push_str(&format!(", available from {day} {month}")),
            Some((day, month)) => out.push_str(&format!(", available from the {} of {month}", ordinal_words(day))),
            None => out.push_str(", available now"),
        },
        Status::LetAgreed => out.push_str(" (let agreed)"),
        Status::UnderOffer => out.push_str(" (under offer)"),
        Status::Sold => out.push_str(" (sold)"),
        Status::Withdrawn => out.push_str(" (withdrawn)"),
    }
    out
}

/// The listing as of `today`: an available-from date already past is "available now" (the
/// summary itself knows no date).
pub fn as_of(listing: &Listing, today: crate::brain::understand::CivilDate) -> Listing {
    let mut listing = listing.clone();
    let past = listing
        .available_from
        .as_deref()
        .and_then(|d| d.parse::<crate::brain::understand::CivilDate>().ok())
        .is_some_and(|d| d <= today);
    if past {
        listing.available_from = None;
    }
    listing
}

fn article(word: &str) -> &'static str {
    // "one" sounds like "won": a one-bedroom flat.
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) && !word.starts_with("one") {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::from_json;
    use serde_json::json;

    fn listing(extra: serde_json::Value) -> Listing {
        let mut body = json!({"reference": "MP-1", "kind": "rent", "type": "flat", "beds": 2, "baths": 1,
                              "price": 1450, "area": "Clifton", "address": "21 Elm Road", "available_from": "2026-03-01"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        from_json(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn text_uses_digits() {
        let l = listing(json!({}));
        assert_eq!(
            summary(&l, Medium::Text),
            "a two-bedroom flat in Clifton at £1,450 a month, available from 1 March"
        );
    }

    #[test]
    fn speech_spells_numbers_money_and_dates() {
        let l = listing(json!({}));
        assert_eq!(
            summary(&l, Medium::Speech),
            "a two-bedroom flat in Clifton at one thousand four hundred and fifty pounds a month, available from the first of March"
        );
        let sale =
            listing(json!({"kind": "sale", "type": "house", "beds": 3, "price": 475000, "available_from": null}));
        assert_eq!(
            summary(&sale, Medium::Speech),
            "a three-bedroom house in Clifton for four hundred and seventy-five thousand pounds, available now"
        );
    }

    #[test]
    fn studios_stays_and_status() {
        let studio = listing(json!({"type": "studio", "beds": 0, "price": 895, "status": "let_agreed"}));
        assert_eq!(summary(&studio, Medium::Text), "a studio in Clifton at £895 a month (let agreed)");
        let stay =
            listing(json!({"kind": "stay", "type": "apartment", "beds": 1, "price": 92.5, "area": "Harbourside"}));
        assert_eq!(
            summary(&stay, Medium::Text),
            "a one-bedroom apartment in Harbourside at £92.50 a night, available from 1 March"
        );
    }
}
