//! Abbreviations a text-to-speech engine reads letter by letter or not at all ("pcm", "p/w",
//! "approx.", "e.g."), and "&", in English replies.

use super::{parts, wrap, Reading};

/// (as written, lower-case, without trailing punctuation; as said).
const SAID_AS: [(&str, &str); 22] = [
    ("pcm", "a month"),
    ("p.c.m", "a month"),
    ("pw", "a week"),
    ("p/w", "a week"),
    ("p.w", "a week"),
    ("pppw", "per person a week"),
    ("p.a", "a year"),
    ("approx", "about"),
    ("e.g", "for example"),
    ("eg", "for example"),
    ("i.e", "that is"),
    ("incl", "including"),
    ("etc", "and so on"),
    ("&", "and"),
    ("w/c", "the week starting"),
    ("sq", "square"),
    ("ft", "feet"),
    ("mins", "minutes"),
    ("hrs", "hours"),
    ("tel", "phone"),
    ("nr", "near"),
    ("vs", "versus"),
];

/// The reading of the first word, if it is one of the abbreviations.
pub fn read(words: &[&str]) -> Reading {
    let (lead, core, trail) = parts(words[0]);
    let lower = core.to_ascii_lowercase();
    let said = SAID_AS.iter().find(|(written, _)| *written == lower).map(|(_, said)| *said)?;
    // The full stop that only marked the abbreviation goes with it ("approx. 10" → "about 10");
    // one that ended the sentence ("pcm.", "etc.") stays: the same reading as `cut::sentences`.
    let trail = match trail.strip_prefix('.') {
        Some(rest) if !super::cut::ends_sentence(words[0]) => rest,
        _ => trail,
    };
    Some((1, wrap(lead, said, trail)))
}
