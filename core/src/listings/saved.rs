//! Saved searches: a contact's criteria (area, bedrooms, budget, move-in, rent/sale/stay) kept
//! after the conversation, so a listing that comes on the market — or comes back, or drops its
//! price — is offered to them. Matching is the search's own test ([`criteria_match`]); this
//! module decides which writes are news, to whom, and in what words.
//!
//! Rules:
//! - A listing is news when it is new, back to `available`, or cheaper than before
//!   ([`news`]); other edits (a description, a photo) are not.
//! - A contact is offered a listing once per price, and again only at a lower price than any
//!   offered before ([`offers`]): never twice at the same price, never "news" that it went up.
//! - Offers wait for the tenant's hours and quiet hours (`outreach::may_send`); an opt-out
//!   stops the contact's searches.

use super::query::criteria_match;
use super::speech::{day_month, number_words, pounds_digits};
use super::summary::{as_of, capitalised, title_case};
use super::{street, summary, Kind, Listing, ListingQuery, Medium, Status};
use crate::brain::understand::{CivilDate, Slot};
use crate::lead::LeadFields;
use serde::{Deserialize, Serialize};

/// What a saved search looks for. Every criterion is optional; at least one must be given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The fewest bedrooms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_price: Option<f64>,
    /// `YYYY-MM-DD`: the listing must be free by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_in: Option<String>,
}

impl Criteria {
    /// A conversation's search (kind, area, beds, budget) with the move-in date the lead gave.
    pub fn from_search(query: &ListingQuery, lead: &LeadFields) -> Criteria {
        let move_in = lead.get(Slot::MoveIn).and_then(|f| f.value.as_str()).map(str::to_owned);
        Criteria {
            kind: query.kind,
            area: query.area.clone().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()),
            beds: query.beds,
            max_price: query.max_price,
            move_in: move_in.filter(|d| d.parse::<CivilDate>().is_ok()),
        }
    }

    /// Problems with criteria sent by staff, each naming the field.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if *self == Criteria::default() {
            problems.push("give at least one of kind, area, beds, max_price, move_in".to_owned());
        }
        if self.area.as_ref().is_some_and(|a| a.trim().is_empty() || a.chars().count() > 80) {
            problems.push("`area`: 1 to 80 characters".to_owned());
        }
        if self.beds.is_some_and(|b| b > 50) {
            problems.push("`beds`: a whole number from 0 to 50".to_owned());
        }
        if self.max_price.is_some_and(|p| !(p > 0.0 && p.is_finite())) {
            problems.push("`max_price`: a number above 0".to_owned());
        }
        if self.move_in.as_ref().is_some_and(|d| d.len() != 10 || d.parse::<CivilDate>().is_err()) {
            problems.push("`move_in`: a date YYYY-MM-DD".to_owned());
        }
        problems
    }

    /// The catalogue search these criteria are: available listings only.
    pub fn query(&self) -> ListingQuery {
        ListingQuery {
            kind: self.kind,
            beds: self.beds,
            max_price: self.max_price,
            area: self.area.clone(),
            status: Some(Status::Available),
            available_by: self.move_in.clone(),
            ..Default::default()
        }
    }

    pub fn matches(&self, listing: &Listing) -> bool {
        criteria_match(listing, &self.query())
    }

    /// "a two-bedroom place to rent in Clifton up to £1,500, free by 1 May".
    pub fn describe(&self) -> String {
        let mut out = match self.beds {
            Some(0) => "a studio".to_owned(),
            Some(n) => format!("a {}-bedroom place", number_words(u64::from(n))),
            None => "a place".to_owned(),
        };
        out.push_str(match self.kind {
            Some(Kind::Rent) => " to rent",
            Some(Kind::Sale) => " to buy",
            Some(Kind::Stay) => " to stay",
            None => "",
        });
        if let Some(area) = &self.area {
            out.push_str(&format!(" in {area}"));
        }
        if let Some(max) = self.max_price {
            out.push_str(&format!(" up to {}", pounds_digits(max)));
        }
        if let Some((day, month)) = self.move_in.as_deref().and_then(day_month) {
            out.push_str(&format!(", free by {day} {month}"));
        }
        out
    }
}

/// Why a listing is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// New to the market, or back on it.
    New,
    /// Cheaper than when it was last offered or listed.
    Repriced,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Repriced => "repriced",
        }
    }

    pub fn parse(text: &str) -> Option<Reason> {
        match text {
            "new" => Some(Reason::New),
            "repriced" => Some(Reason::Repriced),
            _ => None,
        }
    }
}

/// Whether writing `after` over `before` (`None`: a new listing) is news for saved searches.
pub fn news(before: Option<&Listing>, after: &Listing) -> Option<Reason> {
    if after.status != Status::Available {
        return None;
    }
    match before {
        None => Some(Reason::New),
        Some(b) if b.status != Status::Available => Some(Reason::New),
        Some(b) if after.price < b.price => Some(Reason::Repriced),
        Some(_) => None,
    }
}

/// One active saved search, as the offer decision needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub id: String,
    pub contact_id: String,
    pub criteria: Criteria,
}

/// An offer already made: the contact and the price.
#[derive(Debug, Clone, PartialEq)]
pub struct Offered {
    pub contact_id: String,
    pub price: f64,
}

/// The searches `listing` is offered to: those it matches, one per contact (their oldest
/// search), unless that contact was offered it at this price or lower already. The reason is
/// `Repriced` for a contact offered it before at a higher price.
pub fn offers<'a>(listing: &Listing, searches: &'a [Saved], offered: &[Offered]) -> Vec<(&'a Saved, Reason)> {
    let mut out: Vec<(&Saved, Reason)> = Vec::new();
    for search in searches.iter().filter(|s| s.criteria.matches(listing)) {
        if out.iter().any(|(s, _)| s.contact_id == search.contact_id) {
            continue;
        }
        let before: Vec<f64> = offered.iter().filter(|o| o.contact_id == search.contact_id).map(|o| o.price).collect();
        if before.iter().any(|p| *p <= listing.price) {
            continue;
        }
        out.push((search, if before.is_empty() { Reason::New } else { Reason::Repriced }));
    }
    out
}

/// The offer's words: "A two-bedroom flat in Clifton at £1,450 a month, available now, has
/// just come up on Elm Road (MP-2026-014). Reply to arrange a viewing, or STOP to opt out."
pub fn offer_text(listing: &Listing, reason: Reason, today: CivilDate) -> String {
    let what = summary(&as_of(listing, today), Medium::Text);
    let on = street(&listing.address).map(|s| format!(" on {}", title_case(&s))).unwrap_or_default();
    let next = match listing.kind {
        Kind::Stay => "Reply to check dates",
        _ => "Reply to arrange a viewing",
    };
    let lead = match reason {
        Reason::New => format!("{}, has just come up{on}", capitalised(&what)),
        Reason::Repriced if on.is_empty() => format!("Price drop: {what}"),
        Reason::Repriced => format!("Price drop: {what},{on}"),
    };
    format!("{lead} ({}). {next}, or STOP to opt out.", listing.reference)
}

/// The offer's message id: the same for the same search, listing and price, so a request and
/// a sweep racing on one offer write one message.
pub fn offer_message_id(search_id: &str, listing_id: &str, price: f64, at_ms: u64) -> String {
    let key = format!("offer/{search_id}/{listing_id}/{price}");
    crate::outreach::derived_message_id(key.into_bytes(), at_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::from_json;
    use serde_json::json;

    const TODAY: CivilDate = CivilDate { year: 2026, month: 3, day: 2 };

    fn flat(reference: &str, area: &str, beds: u32, price: f64, from: Option<&str>) -> Listing {
        let body = json!({"reference": reference, "kind": "rent", "type": "flat", "beds": beds, "baths": 1,
                          "price": price, "area": area, "postcode": "BS8 1AB", "address": format!("12 Elm Road, {area}"),
                          "available_from": from});
        let mut l = from_json(body.to_string().as_bytes()).unwrap();
        l.id = format!("lst_{reference}");
        l
    }

    fn clifton() -> Criteria {
        Criteria {
            kind: Some(Kind::Rent),
            area: Some("Clifton".into()),
            beds: Some(2),
            max_price: Some(1500.0),
            move_in: Some("2026-04-01".into()),
        }
    }

    fn saved(id: &str, contact: &str, criteria: Criteria) -> Saved {
        Saved { id: id.into(), contact_id: contact.into(), criteria }
    }

    #[test]
    fn criteria_match_through_the_search_test_with_the_move_in_date() {
        let c = clifton();
        assert!(c.matches(&flat("A", "Clifton", 2, 1450.0, None)));
        assert!(c.matches(&flat("B", "Clifton", 3, 1500.0, Some("2026-04-01"))));
        assert!(!c.matches(&flat("C", "Clifton", 2, 1550.0, None)), "over budget");
        assert!(!c.matches(&flat("D", "Redland", 2, 1400.0, None)), "another area");
        assert!(!c.matches(&flat("E", "Clifton", 1, 1000.0, None)), "too few bedrooms");
        assert!(!c.matches(&flat("F", "Clifton", 2, 1400.0, Some("2026-05-01"))), "free too late");
        let mut let_agreed = flat("G", "Clifton", 2, 1400.0, None);
        let_agreed.status = Status::LetAgreed;
        assert!(!c.matches(&let_agreed));
        assert_eq!(c.describe(), "a two-bedroom place to rent in Clifton up to £1,500, free by 1 April");
    }

    #[test]
    fn criteria_from_a_conversation_take_the_move_in_from_the_lead() {
        let mut lead = LeadFields::default();
        let slots =
            [(Slot::MoveIn, crate::brain::understand::SlotValue { value: json!("2026-04-01"), text: "April".into() })];
        lead.merge(&slots.into_iter().collect(), "msg_1", 1);
        let query = ListingQuery {
            kind: Some(Kind::Rent),
            area: Some(" Clifton ".into()),
            beds: Some(2),
            max_price: Some(1500.0),
            ..Default::default()
        };
        assert_eq!(Criteria::from_search(&query, &lead), clifton());
    }

    #[test]
    fn bad_criteria_are_named() {
        assert_eq!(Criteria::default().validate().len(), 1);
        let bad = Criteria {
            area: Some(" ".into()),
            beds: Some(99),
            max_price: Some(-1.0),
            move_in: Some("next week".into()),
            ..Default::default()
        };
        let problems = bad.validate();
        for field in ["`area`", "`beds`", "`max_price`", "`move_in`"] {
            assert!(problems.iter().any(|p| p.starts_with(field)), "{field}: {problems:?}");
        }
        assert!(clifton().validate().is_empty());
        assert!(serde_json::from_str::<Criteria>(r#"{"bedrooms": 2}"#).is_err(), "unknown fields refused");
    }

    #[test]
    fn new_back_on_the_market_or_cheaper_is_news_other_edits_are_not() {
        let before = flat("A", "Clifton", 2, 1450.0, None);
        assert_eq!(news(None, &before), Some(Reason::New));
        let mut same = before.clone();
        same.description = "Now with photos".into();
        assert_eq!(news(Some(&before), &same), None);
        let mut cheaper = before.clone();
        cheaper.price = 1395.0;
        assert_eq!(news(Some(&before), &cheaper), Some(Reason::Repriced));
        let mut dearer = before.clone();
        dearer.price = 1500.0;
        assert_eq!(news(Some(&before), &dearer), None);
        let mut agreed = before.clone();
        agreed.status = Status::LetAgreed;
        assert_eq!(news(Some(&before), &agreed), None, "not available: nothing to offer");
        assert_eq!(news(Some(&agreed), &before), Some(Reason::New), "back on the market");
    }

    #[test]
    fn each_contact_once_per_price_and_again_only_cheaper() {
        let searches = [
            saved("s1", "c1", clifton()),
            saved("s2", "c1", Criteria { area: Some("Clifton".into()), ..Default::default() }),
            saved("s3", "c2", clifton()),
            saved("s4", "c3", Criteria { area: Some("Redland".into()), ..Default::default() }),
        ];
        let listing = flat("A", "Clifton", 2, 1450.0, None);
        let first = offers(&listing, &searches, &[]);
        assert_eq!(
            first.iter().map(|(s, r)| (s.id.as_str(), *r)).collect::<Vec<_>>(),
            [("s1", Reason::New), ("s3", Reason::New)]
        );
        let offered =
            |price| vec![Offered { contact_id: "c1".into(), price }, Offered { contact_id: "c2".into(), price }];
        assert!(offers(&listing, &searches, &offered(1450.0)).is_empty(), "same price: never twice");
        assert!(offers(&listing, &searches, &offered(1400.0)).is_empty(), "dearer than offered: no news");
        let again = offers(&listing, &searches, &offered(1500.0));
        assert_eq!(
            again.iter().map(|(s, r)| (s.id.as_str(), *r)).collect::<Vec<_>>(),
            [("s1", Reason::Repriced), ("s3", Reason::Repriced)]
        );
    }

    #[test]
    fn the_offer_names_the_listing_in_its_own_words() {
        let listing = flat("MP-2026-014", "Clifton", 2, 1450.0, Some("2026-03-01"));
        assert_eq!(
            offer_text(&listing, Reason::New, TODAY),
            "A two-bedroom flat in Clifton at £1,450 a month, available now, has just come up on Elm Road \
             (MP-2026-014). Reply to arrange a viewing, or STOP to opt out."
        );
        let text = offer_text(&listing, Reason::Repriced, TODAY);
        assert_eq!(
            text,
            "Price drop: a two-bedroom flat in Clifton at £1,450 a month, available now, on Elm Road (MP-2026-014). \
             Reply to arrange a viewing, or STOP to opt out."
        );
        assert!(text.chars().count() <= 306, "two SMS segments");
    }

    #[test]
    fn offer_ids_are_per_search_listing_and_price() {
        let a = offer_message_id("svs_1", "lst_1", 1450.0, 9);
        assert_eq!(a, offer_message_id("svs_1", "lst_1", 1450.0, 9));
        assert_ne!(a, offer_message_id("svs_1", "lst_1", 1395.0, 9));
        assert_ne!(a, offer_message_id("svs_2", "lst_1", 1450.0, 9));
    }
}
