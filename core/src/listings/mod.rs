//! The business's catalogue: homes to rent or buy and holiday lets, searched, ranked, described
//! in words for text and speech, and recognised when a customer mentions one ("the flat on Elm
//! Road"). Storage lives in the Durable Objects crate's `platform::listings`; everything that
//! decides lives here.

pub mod csv;
pub mod features;
pub mod interest;
pub mod mention;
pub mod pack;
pub mod query;
pub mod saved;
pub mod speech;
pub mod summary;
mod validate;

pub use mention::{mentioned, street};
pub use query::{criteria_match, rank, ListingQuery};
pub use summary::{as_of, summary, Medium};
pub use validate::{from_fields, from_json, merge_json, Invalid};

use serde::{Deserialize, Serialize};

/// Rent (per month), sale (asking price) or a short stay (per night).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Rent,
    Sale,
    Stay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyType {
    Flat,
    House,
    Studio,
    Maisonette,
    Cottage,
    Apartment,
    Room,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricePeriod {
    Month,
    /// An asking price.
    Total,
    Night,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Available,
    LetAgreed,
    UnderOffer,
    Sold,
    Withdrawn,
}

/// How far a contact has gone with a listing; one `listing_interest` row per level reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestLevel {
    Asked,
    Sent,
    Viewed,
    Booked,
}

/// Who owns the property: told about its emergencies (maintenance tickets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landlord {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One listing. Serialised with the API's field names (`type`, not `property_type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    /// `lst_…`; empty until stored.
    #[serde(default)]
    pub id: String,
    /// The business's own reference, unique per tenant, stored upper-case (`MP-2026-014`).
    pub reference: String,
    pub kind: Kind,
    #[serde(rename = "type")]
    pub property_type: PropertyType,
    pub beds: u32,
    pub baths: u32,
    /// Pounds; see `price_period`.
    pub price: f64,
    pub price_period: PricePeriod,
    /// The neighbourhood customers name ("Clifton", "Harbourside").
    pub area: String,
    /// Upper-case with one space before the inward code, or empty when unknown.
    pub postcode: String,
    pub address: String,
    /// Lower-case snake_case words: `parking`, `garden`, `pets_allowed`, `furnished`, …
    pub features: Vec<String>,
    /// `YYYY-MM-DD`; `None` is available now.
    pub available_from: Option<String>,
    pub status: Status,
    pub description: String,
    /// Per-listing booking rules (the booking engine's `ListingRules`), kept as given.
    pub rules: Option<serde_json::Value>,
    pub landlord: Option<Landlord>,
    #[serde(default)]
    pub created_at: u64,
    #[serde(default)]
    pub updated_at: u64,
}

impl crate::api::Identified for Listing {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rent => "rent",
            Kind::Sale => "sale",
            Kind::Stay => "stay",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase())).ok()
    }
    /// What a price means when the listing does not say.
    pub fn default_period(self) -> PricePeriod {
        match self {
            Kind::Rent => PricePeriod::Month,
            Kind::Sale => PricePeriod::Total,
            Kind::Stay => PricePeriod::Night,
        }
    }
}

impl PropertyType {
    pub const ALL: [PropertyType; 7] = [
        PropertyType::Flat,
        PropertyType::House,
        PropertyType::Studio,
        PropertyType::Maisonette,
        PropertyType::Cottage,
        PropertyType::Apartment,
        PropertyType::Room,
    ];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PropertyType::Flat => "flat",
            PropertyType::House => "house",
            PropertyType::Studio => "studio",
            PropertyType::Maisonette => "maisonette",
            PropertyType::Cottage => "cottage",
            PropertyType::Apartment => "apartment",
            PropertyType::Room => "room",
        }
    }
}

impl PricePeriod {
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase())).ok()
    }
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Available => "available",
            Status::LetAgreed => "let_agreed",
            Status::UnderOffer => "under_offer",
            Status::Sold => "sold",
            Status::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase())).ok()
    }
}

impl InterestLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            InterestLevel::Asked => "asked",
            InterestLevel::Sent => "sent",
            InterestLevel::Viewed => "viewed",
            InterestLevel::Booked => "booked",
        }
    }
}

impl Listing {
    /// Lower-case words customers might search by, stored beside the row so the database can
    /// pre-filter free text before [`criteria_match`] decides.
    pub fn search_text(&self) -> String {
        let mut text = format!(
            "{} {} {} {} {} {} bed bedroom {} {}",
            self.reference,
            self.kind.as_str(),
            self.property_type.as_str(),
            self.area,
            self.postcode,
            self.beds,
            self.address,
            self.description
        );
        for feature in &self.features {
            text.push(' ');
            text.push_str(&feature.replace('_', " "));
        }
        text.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed is generated from seed/listings.json by `--bin seed_listings`; this keeps the
    /// source valid and the generated section in step with it.
    #[test]
    fn the_seed_is_valid_and_generated() {
        let seed: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("../../../seed/listings.json")).unwrap();
        let dev_sql = include_str!("../../../seed/dev.sql");
        let mut all = Vec::new();
        for (tenant, list) in &seed {
            let list: Vec<Listing> =
                list.as_array().unwrap().iter().map(|l| from_fields(l.as_object().unwrap()).unwrap()).collect();
            assert!(list.len() >= 12, "{tenant}: a dozen listings");
            for l in &list {
                assert!(
                    dev_sql.contains(&format!("'{tenant}', '{}'", l.reference)),
                    "{} not in seed/dev.sql",
                    l.reference
                );
            }
            all.push(list);
        }
        let elm = mentioned("the flat on Elm Road", &all[0]).expect("the flat on Elm Road");
        assert_eq!(
            summary(elm, Medium::Text),
            "a two-bedroom flat in Clifton at £1,450 a month, available from 1 March"
        );
        let monthly: Vec<_> = all[1].iter().filter(|l| l.price_period == PricePeriod::Month).collect();
        assert_eq!(monthly.len(), 4);
        for l in monthly {
            assert_eq!(l.rules, Some(serde_json::json!({"min_nights": 32, "align_to_month": true})), "{}", l.reference);
        }
    }
}
