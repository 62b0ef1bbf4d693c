//! A contact's interest in listings — asked about, sent, viewed, booked — from the stored
//! rows (one per listing and level reached) to one entry per listing with its furthest level.

use super::InterestLevel;
use serde::{Deserialize, Serialize};

/// One listing a contact showed interest in: the furthest level reached, when each was first
/// reached, and which listing it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interest {
    pub listing_id: String,
    pub reference: String,
    /// The furthest level reached (`asked` < `sent` < `viewed` < `booked`).
    pub level: InterestLevel,
    /// Every level reached: `{level, at, message_id}`, first first.
    pub levels: Vec<InterestEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestEvent {
    pub level: InterestLevel,
    pub at: u64,
    pub message_id: Option<String>,
}

/// A `listing_interest` row with its listing's reference.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InterestRow {
    pub listing_id: String,
    pub reference: String,
    pub level: InterestLevel,
    pub at: u64,
    pub message_id: Option<String>,
}

/// One entry per listing, in the order of the rows (most recent first when they are).
pub fn aggregate(rows: Vec<InterestRow>) -> Vec<Interest> {
    let mut out: Vec<Interest> = Vec::new();
    for r in rows {
        let event = InterestEvent { level: r.level, at: r.at, message_id: r.message_id };
        match out.iter_mut().find(|i| i.listing_id == r.listing_id) {
            Some(i) => {
                i.level = i.level.max(event.level);
                i.levels.push(event);
            }
            None => out.push(Interest {
                listing_id: r.listing_id,
                reference: r.reference,
                level: event.level,
                levels: vec![event],
            }),
        }
    }
    for i in &mut out {
        i.levels.sort_by_key(|e| (e.at, e.level));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(listing: &str, level: InterestLevel, at: u64) -> InterestRow {
        InterestRow { listing_id: listing.into(), reference: format!("REF-{listing}"), level, at, message_id: None }
    }

    #[test]
    fn one_entry_per_listing_at_its_furthest_level() {
        let rows = vec![
            row("b", InterestLevel::Sent, 30),
            row("a", InterestLevel::Booked, 20),
            row("a", InterestLevel::Asked, 10),
        ];
        let all = aggregate(rows);
        assert_eq!(
            all.iter().map(|i| (i.reference.as_str(), i.level)).collect::<Vec<_>>(),
            [("REF-b", InterestLevel::Sent), ("REF-a", InterestLevel::Booked)]
        );
        assert_eq!(
            all[1].levels.iter().map(|e| e.level).collect::<Vec<_>>(),
            [InterestLevel::Asked, InterestLevel::Booked]
        );
    }
}
