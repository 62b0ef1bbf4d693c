//! How much of a reply is said: a caller cannot scroll back, but must hear what they are asked.

/// At most this many sentences are spoken per turn, plus the reply's closing question.
const SPOKEN_SENTENCES: usize = 2;

/// The reply's first sentences and, when that cut a question off the end, that question (the
/// next step). A text reply's detail is for reading.
pub fn cut(reply: &str) -> String {
    let sentences = sentences(reply);
    if sentences.len() <= SPOKEN_SENTENCES {
        return sentences.join(" ");
    }
    let mut kept = sentences[..SPOKEN_SENTENCES].to_vec();
    if let Some(question) = sentences.last().filter(|s| s.ends_with('?')) {
        kept.push(question.clone());
    }
    kept.join(" ")
}

/// Abbreviations whose full stop is not a sentence's end ("approx. £1,250 a month").
const NOT_AN_END: [&str; 14] =
    ["approx.", "e.g.", "i.e.", "incl.", "no.", "mr.", "mrs.", "ms.", "dr.", "st.", "p.a.", "p.w.", "p.c.m.", "vs."];

/// Sentences as the words between `.`, `?` and `!` at word ends (prices and times keep theirs).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for word in text.split_whitespace() {
        current.push(word);
        if ends_sentence(word) {
            out.push(current.join(" "));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// Whether `word` closes its sentence.
pub(super) fn ends_sentence(word: &str) -> bool {
    word.ends_with(['.', '?', '!']) && !NOT_AN_END.iter().any(|a| word.eq_ignore_ascii_case(a))
}
