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
    &["office", "branch", "address", "based"],
    &["weekend", "saturday", "sunday"],
    &["viewing", "view", "visit", "tour", "look round", "look around"],
    &["book", "booking", "appointment", "reserve", "reservation"],
    &["repair", "maintenance", "fix", "broken", "leak", "leaking", "fault"],
    &["emergency", "urgent", "out of hours"],
    &["area", "location", "neighbourhood", "neighborhood", "district", "cover"],
    &["reference", "referencing", "credit", "guarantor"],
    &["identification", "id", "passport"],
    &["bill", "utilities", "electricity", "gas", "energy"],
    &["tax", "council"],
    &["furnished", "furniture", "unfurnished", "sofa"],
    &["tenancy", "lease", "contract"],
    &["minimum", "shortest"],
    &["length", "long", "duration"],
    &["decorate", "redecorate", "paint"],
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
    &["lift", "elevator", "stairs", "step"],
    &["party", "celebrate", "celebration", "birthday", "hen", "stag"],
    // Numbers as customers and FAQs write them.
    &["1", "one"],
    &["2", "two"],
    &["3", "three"],
    &["4", "four"],
    &["5", "five"],
    &["6", "six"],
    &["7", "seven"],
    &["8", "eight"],
    &["9", "nine"],
    &["10", "ten"],
    &["12", "twelve"],
];

/// What a member is found by: its stem, or for a phrase ("check in") the stem of its words
/// run together, so "check-in", "check in" and "checkin" are one key.
fn key(member: &str) -> String {
    stem(&member.replace(' ', ""))
}

/// Each word of a phrase stemmed ("checking in" → "check in"); a single word's stem.
pub(super) fn stemmed(words: &str) -> String {
    words.split(' ').map(stem).collect::<Vec<_>>().join(" ")
}

/// (key, group index) for every member.
fn index() -> &'static [(String, usize)] {
    static INDEX: OnceLock<Vec<(String, usize)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        GROUPS.iter().enumerate().flat_map(|(g, words)| words.iter().map(move |w| (key(w), g))).collect()
    })
}

/// The multi-word members, as words: a message's words are matched against these before
/// stopwords are dropped ("out of hours" would otherwise lose "out" and "of").
pub fn phrases() -> &'static [Vec<&'static str>] {
    static PHRASES: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let mut all: Vec<Vec<&'static str>> =
            GROUPS.iter().flat_map(|g| g.iter()).filter(|w| w.contains(' ')).map(|w| w.split(' ').collect()).collect();
        // Longest first, so the longest phrase at a position wins.
        all.sort_by_key(|p| std::cmp::Reverse(p.len()));
        all
    })
}

/// The other members of every group `word` (a folded, lower-case word, or a phrase of such
/// words separated by single spaces) belongs to.
pub fn of(word: &str) -> Vec<&'static str> {
    let key_of_word = key(word);
    // Only the word itself is left out: "checkin" still yields the phrase "check in", which is
    // how the index holds "check-in".
    let itself = stemmed(word);
    let mut out: Vec<&'static str> = Vec::new();
    for (_, g) in index().iter().filter(|(k, _)| *k == key_of_word) {
        for member in GROUPS[*g] {
            if stemmed(member) != itself && !out.contains(member) {
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
        assert!(of("check in").contains(&"arrive"));
        assert!(of("checkin").contains(&"check in"), "a phrase and its run-together form are one key");
        assert!(of("6").contains(&"six"));
    }
}
