//! Answering from the business's own knowledge: the retrieved passage that covers the question
//! well enough to be its answer, or none — a weak match is worse than "I'll check with the
//! team", because it states a fact the business never said about this.

use crate::kb::query::content_terms;
use crate::kb::Passage;
use std::collections::BTreeSet;

/// The share of the question's content words a passage must contain to answer it…
const MIN_COVERAGE: f64 = 0.5;
/// …and more when the reply already answers something else in the message (a multi-part
/// message): there a passage must clearly be about the other part.
const MIN_COVERAGE_BESIDES: f64 = 0.75;

/// The best passage that answers `question`, skipping those in `answered` (already said in
/// this conversation) only when the same question is not being asked again.
pub(super) fn answer<'a>(question: &str, passages: &'a [Passage], besides_other_answers: bool) -> Option<&'a Passage> {
    let all = content_terms(question);
    // "Is smoking allowed?" is about smoking: "allowed" alone must not match "Are dogs allowed?".
    let generic = generic_terms();
    let specific: Vec<Vec<String>> =
        all.iter().filter(|alternatives| !alternatives.iter().any(|a| generic.contains(a))).cloned().collect();
    let wanted = if specific.is_empty() { all } else { specific };
    if wanted.is_empty() {
        return None;
    }
    let threshold = if besides_other_answers { MIN_COVERAGE_BESIDES } else { MIN_COVERAGE };
    passages
        .iter()
        .map(|p| (p, coverage(&wanted, p)))
        .filter(|(_, (share, in_title))| *share >= threshold && *in_title)
        .max_by(|a, b| {
            a.1 .0.total_cmp(&b.1 .0).then(a.0.score.total_cmp(&b.0.score)).then(std::cmp::Ordering::Greater)
        })
        .map(|(p, _)| p)
}

/// Words that say how something is asked, not what about: allowed, cost, available, book…
/// (normalised the way search normalises them).
fn generic_terms() -> BTreeSet<String> {
    const WORDS: &str = "allowed allow permitted possible available cost costs price prices much many have has get \
                         need want book booking place property apartment apartments flat house hotel room rooms \
                         there any know tell please like would could also help info information question ask";
    content_terms(WORDS).into_iter().filter_map(|alternatives| alternatives.into_iter().next()).collect()
}

/// The share of `wanted` words found in the passage, and whether its title (the FAQ's
/// question, the document's heading) has at least one: a passage that only mentions a word in
/// passing is not about it.
fn coverage(wanted: &[Vec<String>], passage: &Passage) -> (f64, bool) {
    let words = |text: &str| content_terms(text).into_iter().flatten().collect::<BTreeSet<String>>();
    let title = words(&passage.title);
    let body = words(&passage.text);
    let hit = |alternatives: &Vec<String>, set: &BTreeSet<String>| alternatives.iter().any(|a| set.contains(a));
    let found = wanted.iter().filter(|w| hit(w, &title) || hit(w, &body)).count();
    let in_title = wanted.iter().any(|w| hit(w, &title));
    (found as f64 / wanted.len() as f64, in_title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::simulate::faq;

    #[test]
    fn answers_with_the_passage_about_the_question_and_nothing_weaker() {
        let kb = [
            faq("kbc_1", "How much is the deposit?", "A holding deposit of one week's rent, then five weeks' rent."),
            faq("kbc_2", "Are pets allowed?", "Many landlords accept a small dog or cat by agreement."),
        ];
        assert_eq!(answer("how much is the deposit?", &kb, false).map(|p| p.id.as_str()), Some("kbc_1"));
        assert_eq!(answer("Is there a swimming pool?", &kb, false), None, "nothing about pools: no invented fact");
        assert_eq!(answer("", &kb, false), None);
        let dogs = [faq("kbc_3", "Are dogs allowed?", "Well-behaved dogs are welcome for £20 per dog per stay.")];
        assert_eq!(answer("Is smoking allowed and what is the price per night?", &dogs, false), None, "not about dogs");
        assert!(answer("Are dogs allowed?", &dogs, false).is_some());
    }
}
