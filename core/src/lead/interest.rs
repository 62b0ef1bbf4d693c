//! What the contact did with the business's listings, as points of the score: a viewing
//! booked or done, listings asked about. Listings we sent them are our doing, not theirs, and
//! earn nothing. Each item names the listings it rests on (their references) as its evidence.

use super::rubric::Business;
use super::score::RubricItem;
use crate::listings::interest::Interest;
use crate::listings::InterestLevel;
use serde::{Deserialize, Serialize};

const BOOKED: i16 = 15;
const VIEWED: i16 = 10;
const ASKED_ONE: i16 = 5;
const ASKED_SEVERAL: i16 = 10;

/// One level a contact reached with one listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingSeen {
    pub reference: String,
    pub level: InterestLevel,
}

/// Every level reached with every listing, for [`super::Signals::interest`].
pub fn seen(interest: &[Interest]) -> Vec<ListingSeen> {
    interest
        .iter()
        .flat_map(|i| i.levels.iter().map(|e| ListingSeen { reference: i.reference.clone(), level: e.level }))
        .collect()
}

pub(super) fn items(seen: &[ListingSeen], business: Business) -> Vec<RubricItem> {
    let at = |level: InterestLevel| -> Vec<&str> {
        let mut refs: Vec<&str> = seen.iter().filter(|s| s.level == level).map(|s| s.reference.as_str()).collect();
        refs.dedup();
        refs
    };
    let item = |key: &str, label: String, points: i16, refs: &[&str]| RubricItem {
        key: key.into(),
        label,
        points,
        evidence: Some(refs.join(", ")),
    };
    let mut out = Vec::new();
    let booked = at(InterestLevel::Booked);
    if let Some(first) = booked.first() {
        let what = match business {
            Business::Stay => "booked a stay at",
            Business::Letting => "booked a viewing of",
            _ => "booked",
        };
        let label = match booked.len() {
            1 => format!("{what} {first}"),
            n => format!("{what} {n} listings"),
        };
        out.push(item("listing_booked", label, BOOKED, &booked));
    }
    let viewed = at(InterestLevel::Viewed);
    if let Some(first) = viewed.first() {
        let label = match viewed.len() {
            1 => format!("viewed {first}"),
            n => format!("viewed {n} listings"),
        };
        out.push(item("listing_viewed", label, VIEWED, &viewed));
    }
    let asked = at(InterestLevel::Asked);
    match asked.len() {
        0 => {}
        1 => out.push(item("listings_asked", format!("asked about {}", asked[0]), ASKED_ONE, &asked)),
        n => out.push(item("listings_asked", format!("asked about {n} listings"), ASKED_SEVERAL, &asked)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(reference: &str, level: InterestLevel) -> ListingSeen {
        ListingSeen { reference: reference.into(), level }
    }

    #[test]
    fn bookings_viewings_and_questions_score_with_their_listings_as_evidence() {
        let seen = [
            s("MP-2026-014", InterestLevel::Asked),
            s("MP-2026-014", InterestLevel::Booked),
            s("MP-2026-020", InterestLevel::Asked),
            s("MP-2026-031", InterestLevel::Sent),
        ];
        let items = items(&seen, Business::Letting);
        let said: Vec<(&str, &str, i16, &str)> = items
            .iter()
            .map(|i| (i.key.as_str(), i.label.as_str(), i.points, i.evidence.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(
            said,
            [
                ("listing_booked", "booked a viewing of MP-2026-014", 15, "MP-2026-014"),
                ("listings_asked", "asked about 2 listings", 10, "MP-2026-014, MP-2026-020"),
            ]
        );
        assert!(super::items(&[s("X", InterestLevel::Sent)], Business::Letting).is_empty(), "sent by us: no points");
        let stay = super::items(&[s("HL-7", InterestLevel::Booked), s("HL-7", InterestLevel::Viewed)], Business::Stay);
        assert_eq!(stay.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(), ["booked a stay at HL-7", "viewed HL-7"]);
    }
}
