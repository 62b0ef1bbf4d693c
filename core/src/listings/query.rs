//! Search: which listings fit what someone asked for ([`criteria_match`]), and in which order
//! ([`rank`]): the area named exactly before a mere text match, then the closest bedroom count,
//! then the price nearest the budget from below, then the soonest available.

use super::{Kind, Listing, Status};
use std::cmp::Ordering;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// Words that say nothing about which listing: dropped from free text.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "the", "in", "on", "at", "of", "for", "to", "with", "one", "near", "by", "any", "is", "it", "i",
    "me", "my", "looking", "want", "please",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingQuery {
    pub kind: Option<Kind>,
    /// The fewest bedrooms wanted.
    pub beds: Option<u32>,
    pub max_price: Option<f64>,
    /// An area ("Clifton") or a postcode district ("BS8").
    pub area: Option<String>,
    /// Free text: every word must appear in the listing (reference, address, area, type,
    /// features, description).
    pub q: Option<String>,
    /// `None`: every status (the staff's catalogue). The brains ask for `Available`.
    pub status: Option<Status>,
    /// `YYYY-MM-DD`: free by then (a saved search's move-in date); a listing with no date is
    /// free now.
    pub available_by: Option<String>,
    /// 0 means [`DEFAULT_LIMIT`]; capped at [`MAX_LIMIT`].
    pub limit: usize,
}

impl ListingQuery {
    pub fn effective_limit(&self) -> usize {
        match self.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        }
    }
    /// The free text's search words, lower-case, stopwords dropped.
    pub fn words(&self) -> Vec<String> {
        self.q.as_deref().map(search_words).unwrap_or_default()
    }
}

/// The search parameters of `GET /api/v1/listings` (`kind`, `beds`, `max_price`, `area`, `q`,
/// `status`, `limit`) read through `param`; `Ok(None)` when no filter is given (the plain,
/// paginated catalogue). Errors name the parameter.
pub fn from_params(param: impl Fn(&str) -> Option<String>) -> Result<Option<ListingQuery>, String> {
    let get = |name: &str| param(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut query = ListingQuery::default();
    if let Some(kind) = get("kind") {
        query.kind = Some(Kind::parse(&kind).ok_or("`kind` must be one of rent, sale, stay")?);
    }
    if let Some(beds) = get("beds") {
        query.beds = Some(beds.parse().ok().filter(|b| *b <= 50).ok_or("`beds` must be a whole number from 0 to 50")?);
    }
    if let Some(price) = get("max_price") {
        let price = price.trim_start_matches('£').replace(',', "");
        query.max_price = Some(
            price
                .parse()
                .ok()
                .filter(|p: &f64| *p > 0.0 && p.is_finite())
                .ok_or("`max_price` must be a number above 0")?,
        );
    }
    query.area = get("area");
    query.q = get("q");
    if let Some(status) = get("status") {
        query.status = Some(
            Status::parse(&status)
                .ok_or("`status` must be one of available, let_agreed, under_offer, sold, withdrawn")?,
        );
    }
    let filtered = query != ListingQuery::default();
    if let Some(limit) = get("limit") {
        query.limit = limit
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or(format!("`limit` must be an integer from 1 to {MAX_LIMIT}"))?;
    }
    Ok(filtered.then_some(query))
}

/// Lower-case words of `text` worth searching for.
pub fn search_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '-').map(|w| w.trim_matches('-').to_lowercase()) {
        if !word.is_empty() && !STOPWORDS.contains(&word.as_str()) && !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// How well the listing's area fits the asked one: 2 exact (name, or postcode district), 1 a
/// text match (the area or address mentions it), 0 none.
fn area_fit(listing: &Listing, area: &str) -> u8 {
    let wanted = area.trim().to_lowercase();
    let district = listing.postcode.split(' ').next().unwrap_or_default().to_lowercase();
    if listing.area.to_lowercase() == wanted || (!district.is_empty() && district == wanted.replace(' ', "")) {
        2
    } else if listing.area.to_lowercase().contains(&wanted) || listing.address.to_lowercase().contains(&wanted) {
        1
    } else {
        0
    }
}

/// Whether the listing fits every criterion given (the saved-search test, and search's filter).
pub fn criteria_match(listing: &Listing, query: &ListingQuery) -> bool {
    if query.kind.is_some_and(|k| k != listing.kind)
        || query.status.is_some_and(|s| s != listing.status)
        || query.beds.is_some_and(|b| listing.beds < b)
        || query.max_price.is_some_and(|p| listing.price > p)
        || query.area.as_deref().is_some_and(|a| !a.trim().is_empty() && area_fit(listing, a) == 0)
        || query.available_by.as_deref().is_some_and(|by| listing.available_from.as_deref().is_some_and(|f| f > by))
    {
        return false;
    }
    let words = query.words();
    if words.is_empty() {
        return true;
    }
    let haystack = search_words(&listing.search_text());
    words.iter().all(|w| haystack.iter().any(|h| h == w || (w.len() >= 4 && h.starts_with(w.as_str()))))
}

/// The listings that match, best first, at most the query's limit.
pub fn rank<'a>(listings: &'a [Listing], query: &ListingQuery) -> Vec<&'a Listing> {
    let mut matched: Vec<&Listing> = listings.iter().filter(|l| criteria_match(l, query)).collect();
    matched.sort_by(|a, b| compare(a, b, query));
    matched.truncate(query.effective_limit());
    matched
}

/// Without an area this order is also written in SQL (`platform::listings::search` sorts there
/// when it can): change both together.
fn compare(a: &Listing, b: &Listing, query: &ListingQuery) -> Ordering {
    let area = |l: &Listing| query.area.as_deref().map_or(0, |area| area_fit(l, area));
    let extra_beds = |l: &Listing| query.beds.map_or(0, |b| l.beds.saturating_sub(b));
    // Under a budget, the nearest to it fits best (the asker can afford it and it is the most
    // home for the money); without one, cheaper first.
    let price_gap = |l: &Listing| query.max_price.map_or(l.price, |max| max - l.price);
    let available = |l: &Listing| l.available_from.clone().unwrap_or_default();
    area(b)
        .cmp(&area(a))
        .then(extra_beds(a).cmp(&extra_beds(b)))
        .then(price_gap(a).total_cmp(&price_gap(b)))
        .then(available(a).cmp(&available(b)))
        .then(a.reference.cmp(&b.reference))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::from_json;
    use serde_json::json;

    fn l(reference: &str, area: &str, beds: u32, price: f64, from: Option<&str>) -> Listing {
        let body = json!({"reference": reference, "kind": "rent", "type": "flat", "beds": beds, "baths": 1,
                          "price": price, "area": area, "postcode": "BS8 1AB", "address": format!("1 {area} Road"),
                          "features": ["parking"], "available_from": from});
        from_json(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn filters_apply_together() {
        let all =
            [l("A", "Clifton", 2, 1450.0, None), l("B", "Redland", 1, 950.0, None), l("C", "Clifton", 3, 2100.0, None)];
        let q = ListingQuery { beds: Some(2), max_price: Some(1500.0), ..Default::default() };
        assert_eq!(rank(&all, &q).iter().map(|l| l.reference.as_str()).collect::<Vec<_>>(), ["A"]);
        let q = ListingQuery { kind: Some(Kind::Sale), ..Default::default() };
        assert!(rank(&all, &q).is_empty());
        let q = ListingQuery { q: Some("the one with parking in redland".into()), ..Default::default() };
        assert_eq!(rank(&all, &q).iter().map(|l| l.reference.as_str()).collect::<Vec<_>>(), ["B"]);
    }

    #[test]
    fn exact_area_before_text_match_then_fit_then_sooner() {
        let mut near = l("NEAR", "Cliftonwood", 2, 1400.0, None);
        near.address = "3 Clifton Vale, Cliftonwood".into();
        let all = [
            near,
            l("LATE", "Clifton", 2, 1400.0, Some("2026-06-01")),
            l("SOON", "Clifton", 2, 1400.0, Some("2026-03-01")),
            l("BIG", "Clifton", 4, 1400.0, None),
            l("CHEAP", "Clifton", 2, 900.0, None),
        ];
        let q =
            ListingQuery { area: Some("clifton".into()), beds: Some(2), max_price: Some(1500.0), ..Default::default() };
        let order: Vec<_> = rank(&all, &q).iter().map(|l| l.reference.as_str()).collect();
        assert_eq!(order, ["SOON", "LATE", "CHEAP", "BIG", "NEAR"]);
        let q = ListingQuery { area: Some("BS8".into()), limit: 2, ..Default::default() };
        assert_eq!(rank(&all, &q).len(), 2);
    }

    #[test]
    fn parameters_are_checked_and_named() {
        let params = |pairs: &'static [(&str, &str)]| {
            from_params(move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
        };
        assert_eq!(params(&[("limit", "5")]), Ok(None));
        let q = params(&[("kind", "rent"), ("beds", "2"), ("max_price", "£1,500"), ("area", " Clifton ")])
            .unwrap()
            .unwrap();
        assert_eq!(
            (q.kind, q.beds, q.max_price, q.area.as_deref()),
            (Some(Kind::Rent), Some(2), Some(1500.0), Some("Clifton"))
        );
        for (bad, name) in [
            (&[("kind", "lease")][..], "`kind`"),
            (&[("beds", "two")][..], "`beds`"),
            (&[("max_price", "-3")][..], "`max_price`"),
            (&[("status", "gone")][..], "`status`"),
            (&[("q", "x"), ("limit", "0")][..], "`limit`"),
        ] {
            let pairs: &'static [(&str, &str)] = bad;
            assert!(params(pairs).unwrap_err().contains(name), "{name}");
        }
    }

    #[test]
    fn criteria_match_is_the_saved_search_test() {
        let flat = l("A", "Clifton", 2, 1450.0, None);
        assert!(criteria_match(
            &flat,
            &ListingQuery { area: Some("Clifton".into()), beds: Some(2), ..Default::default() }
        ));
        assert!(!criteria_match(&flat, &ListingQuery { max_price: Some(1400.0), ..Default::default() }));
        assert!(!criteria_match(&flat, &ListingQuery { status: Some(Status::LetAgreed), ..Default::default() }));
        let later = l("B", "Clifton", 2, 1450.0, Some("2026-05-01"));
        let by = |date: &str| ListingQuery { available_by: Some(date.into()), ..Default::default() };
        assert!(criteria_match(&later, &by("2026-05-01")) && !criteria_match(&later, &by("2026-04-30")));
        assert!(criteria_match(&flat, &by("2026-01-01")), "no date: free now");
    }
}
