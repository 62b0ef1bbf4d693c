//! A reply written to be spoken, the one policy of every call (ConversationRelay and gather):
//! short (`cut`), no links, and what a text-to-speech engine misreads rewritten — prices, times,
//! dates and abbreviations in English (`numbers`, `abbreviations`), references, postcodes and
//! phone numbers spelled out in any language (`spelled`) — then the tenant's own pronunciations
//! (`pronunciation`).

mod abbreviations;
mod cut;
mod numbers;
pub mod pronunciation;
mod spelled;

pub use cut::{cut, SpokenStream};

use crate::brain::understand::Language;
use crate::voice::VoiceSettings;

/// `<Say>` takes up to 4,096 characters; a spoken turn should be far shorter.
const MAX_CHARS: usize = 600;

/// `reply` as the caller hears it, in `language` (the language the reply is in).
pub fn say(reply: &str, voice: &VoiceSettings, language: Language) -> String {
    let spoken = phrase(&cut(&without_links(reply)), voice, language);
    match spoken.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => spoken[..end].trim_end().to_owned(),
        None => spoken,
    }
}

/// A piece of a reply already cut (`SpokenStream`'s phrases, as a model writes them) as the
/// caller hears it: every rule but the cut.
pub fn phrase(text: &str, voice: &VoiceSettings, language: Language) -> String {
    let text = without_links(text);
    let words: Vec<&str> = text.split_whitespace().collect();
    let rewritten = rewrite(&words, language);
    pronunciation::apply(&without_brackets(&rewritten), &voice.pronunciations)
}

/// A URL read aloud helps nobody.
fn without_links(text: &str) -> String {
    text.split_whitespace().filter(|w| !w.contains("://")).collect::<Vec<_>>().join(" ")
}

/// One rule's reading of the words at the front of a slice: how many words it took and what
/// is said for them.
pub(crate) type Reading = Option<(usize, String)>;

/// Each word (or run of words a rule reads together) replaced by how it is said; English rules
/// only for English replies, where their words ("a.m.", "pounds") are right.
fn rewrite(words: &[&str], language: Language) -> String {
    let english = language == Language::En;
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let rest = &words[i..];
        let english_reading = || numbers::read(rest).or_else(|| abbreviations::read(rest));
        let reading = spelled::read(rest).or_else(|| if english { english_reading() } else { None });
        match reading {
            Some((taken, said)) => {
                out.push(said);
                i += taken.max(1);
            }
            None => {
                out.push(rest[0].to_owned());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// A bracketed aside is said as one, between commas: "tomorrow (Tue 1 Dec) at 10:00" →
/// "tomorrow, Tuesday the 1st of December, at 10 a.m.".
fn without_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                let trimmed = out.trim_end().len();
                out.truncate(trimmed);
                if !out.is_empty() && !out.ends_with([',', '.', '?', '!', ':', ';']) {
                    out.push(',');
                }
                if !out.is_empty() {
                    out.push(' ');
                }
            }
            ')' => {
                if chars.peek().is_some_and(|next| next.is_whitespace()) && !out.ends_with([',', '.', '?', '!']) {
                    out.push(',');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A rule's words with what stood around the word(s) they replace; never two full stops
/// ("10 a.m." ending a sentence).
pub(crate) fn wrap(lead: &str, said: &str, trail: &str) -> String {
    let trail = if said.ends_with('.') { trail.strip_prefix('.').unwrap_or(trail) } else { trail };
    format!("{lead}{said}{trail}")
}

/// Splits a word into what precedes it (an opening bracket or quote), the word itself and what
/// follows (punctuation), so a rule reads "10:00," as "10:00" and keeps the comma.
pub(crate) fn parts(word: &str) -> (&str, &str, &str) {
    let core_start = word.find(|c: char| !matches!(c, '(' | '"' | '“' | '‘')).unwrap_or(word.len());
    let (lead, rest) = word.split_at(core_start);
    let core_end = rest.trim_end_matches([',', '.', ';', ':', '!', '?', ')', '"', '”', '’']).len();
    let (core, trail) = rest.split_at(core_end);
    (lead, core, trail)
}

pub(crate) fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests;
