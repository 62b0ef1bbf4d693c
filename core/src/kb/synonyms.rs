//! Words a customer uses for what a business's FAQ calls something else ("dog" for "pets",
//! "bond" for "deposit", "car" for "parking"). Each group lists surface words; a word belongs
//! to a group when its Porter stem equals a member's, so plurals and tenses come for free.
//!
//! Groups are deliberately narrow: every member of a group is searched whenever one is asked
//! about, so a broad group ("time", "price") would drag unrelated passages up. They were grown
//! against `bench/data/faq_paraphrases.json` (BENCHMARKS.md notes how).

use super::stem::stem;
use std::sync::OnceLock;

const GROUPS: &[&[&str]] = &[
    // Lettings.
    &["pet", "dog", "cat", "puppy", "kitten", "animal"],
    &["deposit", "bond"],
    &["fee", "charge", "admin"],
    &["rent", "rental"],
    &["parking", "park", "car", "garage", "driveway", "vehicle"],
    &["open", "hours", "closing"],
    &["weekend", "saturday", "sunday"],
    &["viewing", "view", "visit", "tour"],
    &["book", "booking", "appointment", "reserve", "reservation"],
    &["repair", "maintenance", "fix", "broken", "leak", "leaking", "fault"],
    &["emergency", "urgent"],
    &["area", "location", "neighbourhood", "neighborhood", "district", "cover"],
    &["reference", "referencing", "credit", "guarantor"],
    &["identification", "id", "passport"],
    &["bill", "utilities", "electricity", "gas", "energy"],
    &["tax", "council"],
    &["furnished", "furniture", "unfurnished"],
    &["tenancy", "lease", "contract"],
    &["minimum", "shortest"],
    &["allow", "permit", "accept", "bring"],
    &["move", "moving"],
    &["smoke", "smoking", "vape"],
    // Stays.
    &["check in", "checkin", "arrive", "arrival"],
    &["check out", "checkout", "depart", "departure", "leave"],
    &["early", "earlier"],
    &["late", "later"],
    &["wifi", "wi", "internet", "broadband"],
    &["password", "code"],
    &["cancel", "cancellation", "refund"],
    &["clean", "cleaning", "cleaner"],
    &["luggage", "bag", "baggage", "suitcase"],
    &["stay", "night"],
    &["child", "kid", "baby", "cot", "toddler"],
    &["towel", "linen", "bedding", "sheet"],
    &["beach", "sea", "seaside"],
];

/// (stem, group index) for every single-word member.
fn index() -> &'static [(String, usize)] {
    static INDEX: OnceLock<Vec<(String, usize)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        GROUPS
            .iter()
            .enumerate()
            .flat_map(|(g, words)| words.iter().filter(|w| !w.contains(' ')).map(move |w| (stem(w), g)))
            .collect()
    })
}

/// The other members of every group `word` (a folded, lower-case word) belongs to.
pub fn of(word: &str) -> Vec<&'static str> {
    let key = stem(word);
    let mut out: Vec<&'static str> = Vec::new();
    for (_, g) in index().iter().filter(|(s, _)| *s == key) {
        for member in GROUPS[*g] {
            if stem(member) != key && !out.contains(member) {
                out.push(member);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn plurals_and_tenses_find_their_group() {
        assert!(of("dogs").contains(&"pet"));
        assert!(of("pets").contains(&"dog"));
        assert!(of("parked").contains(&"car"));
        assert!(of("arriving").contains(&"check in"));
        assert!(!of("dog").contains(&"dog"), "a word is not its own synonym");
        assert!(of("zebra").is_empty());
    }
}
