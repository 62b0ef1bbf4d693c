//! The tenant's pronunciation dictionary (`settings.voice.pronunciations`): names a voice
//! engine gets wrong ("Marylebone" → "Marly-bun"), said as the tenant spells them.

use serde::{Deserialize, Serialize};

/// One entry: where a reply has `say` (a whole word or phrase, any case), the caller hears `as`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pronunciation {
    pub say: String,
    #[serde(rename = "as")]
    pub said_as: String,
}

/// Enough for a business's streets, areas and staff names, and a full dictionary still fits the
/// settings body (32 KiB) with room for the rest; every spoken turn looks each entry up.
pub const MAX_ENTRIES: usize = 100;
pub const MAX_SAY_CHARS: usize = 40;
pub const MAX_AS_CHARS: usize = 80;

/// What is wrong with a dictionary, each problem naming its entry
/// (`voice.pronunciations[2].as: …`).
pub fn validate(entries: &[Pronunciation]) -> Vec<String> {
    let mut problems = Vec::new();
    if entries.len() > MAX_ENTRIES {
        problems.push(format!("voice.pronunciations: at most {MAX_ENTRIES} entries, not {}", entries.len()));
    }
    for (i, entry) in entries.iter().enumerate() {
        for (field, value, max) in [("say", &entry.say, MAX_SAY_CHARS), ("as", &entry.said_as, MAX_AS_CHARS)] {
            let length = value.chars().count();
            if value.trim().is_empty() || length > max || value.chars().any(char::is_control) {
                problems.push(format!(
                    "voice.pronunciations[{i}].{field}: must be 1–{max} characters of text, not {value:?}"
                ));
            }
        }
        let repeated = entries[..i].iter().any(|earlier| same_words(&earlier.say, &entry.say));
        if repeated {
            problems.push(format!("voice.pronunciations[{i}].say: `{}` is already in the dictionary", entry.say));
        }
    }
    problems
}

fn same_words(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// `text` with every whole-word, case-insensitive occurrence of an entry's `say` replaced by its
/// `as`; the longest entry wins where two start at the same word ("Marylebone Road" before
/// "Marylebone"), and what was put in is never matched again.
pub fn apply(text: &str, entries: &[Pronunciation]) -> String {
    if entries.is_empty() {
        return text.to_owned();
    }
    let mut ordered: Vec<(Vec<char>, &str)> =
        entries.iter().map(|e| (folded(e.say.trim()), e.said_as.trim())).filter(|(say, _)| !say.is_empty()).collect();
    ordered.sort_by_key(|(say, _)| std::cmp::Reverse(say.len()));
    let chars: Vec<char> = text.chars().collect();
    let lower = folded(text);
    // Case folding that changes a text's length (rare: "İ") would misalign the two: left as is.
    if lower.len() != chars.len() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        let hit = at_word_start
            .then(|| {
                ordered.iter().find(|(say, _)| {
                    let end = i + say.len();
                    lower.get(i..end) == Some(say.as_slice()) && chars.get(end).is_none_or(|c| !c.is_alphanumeric())
                })
            })
            .flatten();
        match hit {
            Some((say, said_as)) => {
                out.push_str(said_as);
                i += say.len();
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

fn folded(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}
