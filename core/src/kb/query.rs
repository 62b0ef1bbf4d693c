//! PLACEHOLDER until the knowledge base's query builder lands (kb-lexical): the two functions
//! the brain's grounding calls, with the same names and meaning.

/// For each content word of `text`, its normalised form (followed by synonyms, in the full version).
pub fn content_terms(text: &str) -> Vec<Vec<String>> {
    const STOP: &[&str] = &[
        "a", "an", "the", "is", "are", "i", "my", "me", "you", "your", "can", "do", "does", "to", "of", "in", "on",
        "it", "what", "how", "much", "there", "any", "and", "or", "for", "we", "be", "with", "at", "this", "that",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.len() > 1 && !STOP.contains(&w.as_str()))
        .map(|w| {
            let w = w.trim_end_matches('s').to_owned();
            if w == "dog" || w == "cat" {
                vec![w, "pet".into()]
            } else {
                vec![w]
            }
        })
        .collect()
}

/// Whole sentences of `text` up to `max_chars`, else a cut at a word with "…".
pub fn condense(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut out = String::new();
    for sentence in text.split_inclusive(['.', '!', '?']) {
        if out.chars().count() + sentence.chars().count() > max_chars {
            break;
        }
        out.push_str(sentence);
    }
    if out.is_empty() {
        let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        return format!("{cut}…");
    }
    out.trim().to_owned()
}
