//! From a customer's free text to a safe FTS5 query, and the normalised terms the brain uses to
//! judge how much of a question a passage covers.
//!
//! The pipeline: fold case and accents, split on anything that is not a letter or digit, drop
//! stopwords, stem (Porter, as the index's `porter` tokenizer does), expand synonyms, OR it all.
//! Only `[a-z0-9]` words ever reach the expression, each double-quoted, so no user text can be
//! read as FTS5 syntax (`NEAR(`, `*`, `-`, `:`, `^`, quotes, `AND`/`OR`/`NOT`).

use super::synonyms;

/// At most this many content words of a message are searched: a pasted essay must not become a
/// query of hundreds of terms.
const MAX_WORDS: usize = 24;

/// The FTS5 `MATCH` expression for `text`: each content word (and its synonyms, as a group)
/// OR-ed, so BM25 ranks passages by how many of the asker's concepts they hold and how rare
/// those are. `None` when nothing searchable is left (only stopwords or punctuation).
pub fn match_expression(text: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in content_words(text) {
        for term in std::iter::once(word.clone()).chain(synonyms::of(&word).iter().map(|s| (*s).to_owned())) {
            // A synonym may be a phrase ("check in"): quoted as a whole it is an FTS5 phrase.
            let quoted = format!("\"{term}\"");
            if !terms.contains(&quoted) {
                terms.push(quoted);
            }
        }
    }
    (!terms.is_empty()).then(|| terms.join(" OR "))
}

/// `expression` (from [`match_expression`]) confined to the tenant inside FTS5 itself: its
/// terms in the `title` and `text` columns, AND the tenant's `scope` token (the hex of its id,
/// as migration 0009 indexes it), so the index ranks only the tenant's rows.
pub fn scoped(expression: &str, tenant_id: &str) -> String {
    let hex: String = tenant_id.bytes().map(|b| format!("{b:02X}")).collect();
    format!("{{title text}} : ({expression}) AND scope : \"{hex}\"")
}

/// For each content word of `text`, in order and without repeats: its stem, then the stems of
/// its synonyms — the normalisation the index applies — so a caller can measure how many of a
/// question's concepts a passage covers (a passage term matches a concept when its stem is in
/// the concept's list). A phrase ("check in", "out of hours") is one entry of space-separated
/// stems: it is covered when those stems occur in that order.
pub fn content_terms(text: &str) -> Vec<Vec<String>> {
    let mut concepts: Vec<Vec<String>> = Vec::new();
    for word in content_words(text) {
        let mut stems = vec![synonyms::stemmed(&word)];
        for synonym in synonyms::of(&word) {
            let s = synonyms::stemmed(synonym);
            if !stems.contains(&s) {
                stems.push(s);
            }
        }
        if !concepts.iter().any(|c| c[0] == stems[0]) {
            concepts.push(stems);
        }
    }
    concepts
}

/// How many of `concepts` (from [`content_terms`]) `passage` covers: a concept is covered when
/// any of its stems is one of the passage's stemmed words, or, for a phrase, its stems occur in
/// that order.
pub fn covered(concepts: &[Vec<String>], passage: &str) -> usize {
    let words: Vec<String> = tokens(passage).iter().map(|w| super::stem::stem(w)).collect();
    let has = |term: &str| {
        let parts: Vec<&str> = term.split(' ').collect();
        words.windows(parts.len()).any(|w| w.iter().zip(&parts).all(|(a, b)| a == b))
    };
    concepts.iter().filter(|terms| terms.iter().any(|t| has(t))).count()
}

/// The words of `text` worth searching: folded, tokenised as unicode61 would, known phrases
/// ("check in", "out of hours") kept whole as space-separated words, without stopwords and
/// one-letter words (digits stay), at most [`MAX_WORDS`].
pub fn content_words(text: &str) -> Vec<String> {
    let tokens = tokens(text);
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() && words.len() < MAX_WORDS {
        let phrase = synonyms::phrases()
            .iter()
            .find(|p| tokens.len() >= i + p.len() && p.iter().zip(&tokens[i..]).all(|(a, b)| a == b));
        let (word, used) = match phrase {
            Some(p) => (p.join(" "), p.len()),
            None => (tokens[i].clone(), 1),
        };
        i += used;
        let single_letter = word.len() < 2 && !word.bytes().all(|b| b.is_ascii_digit());
        if used == 1 && (single_letter || is_stopword(&word)) {
            continue;
        }
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// Lower-case ASCII words: letters folded to their base (é → e, ß → ss), anything else that is
/// not a letter or digit a separator. Letters with no ASCII base (Greek, CJK…) separate too —
/// this search is for the Latin-script languages the receptionist speaks.
pub fn tokens(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        match fold(c) {
            Some(folded) => current.push_str(folded),
            None if c.is_ascii_alphanumeric() => current.push(c.to_ascii_lowercase()),
            None => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    // An apostrophe splits "don't" into "don" + "t"; "t" and "s" are dropped as one-letter words.
    words
}

/// The ASCII base of a Latin letter with a diacritic (as unicode61's `remove_diacritics`).
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        _ => return None,
    })
}

/// English function words and the filler of a customer's question ("can I", "please", "do you").
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Sorted for `binary_search` (a test keeps it so).
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "her",
    "here",
    "hey",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "if",
    "im",
    "in",
    "into",
    "is",
    "it",
    "its",
    "ive",
    "just",
    "know",
    "let",
    "like",
    "many",
    "me",
    "might",
    "more",
    "much",
    "must",
    "my",
    "myself",
    "need",
    "no",
    "not",
    "of",
    "off",
    "ok",
    "okay",
    "on",
    "once",
    "only",
    "or",
    "our",
    "ours",
    "out",
    "over",
    "please",
    "question",
    "quick",
    "really",
    "should",
    "so",
    "some",
    "still",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "up",
    "us",
    "very",
    "want",
    "wanted",
    "was",
    "we",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "wondering",
    "would",
    "ya",
    "yes",
    "you",
    "your",
    "yours",
];

/// `text` cut to at most `max_chars` characters for a channel (SMS: 306): whole sentences while
/// they fit, then — when a good part of the room is left — the next sentence cut at a word
/// boundary ending in "…" (a long answer's key figure is often in its third sentence).
pub fn condense(text: &str, max_chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    let mut kept = String::new();
    for sentence in sentences(&text) {
        let candidate = if kept.is_empty() { sentence.to_owned() } else { format!("{kept} {sentence}") };
        if candidate.chars().count() > max_chars {
            break;
        }
        kept = candidate;
    }
    let room = max_chars.saturating_sub(kept.chars().count());
    if !kept.is_empty() && room < MIN_TAIL_CHARS {
        return kept;
    }
    // Room for the ellipsis, then back to the last space so no word is cut in half.
    let budget = max_chars.saturating_sub(1);
    let cut: String = text.chars().take(budget).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > 0 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ', '-']))
}

/// The least room worth filling with part of the next sentence.
const MIN_TAIL_CHARS: usize = 80;

/// Sentences of whitespace-normalised text: split after `.`, `!` or `?` followed by a space.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            out.push(text[start..=i].trim());
            start = i + 1;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_stay_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn builds_an_or_of_quoted_terms_and_synonyms() {
        let expr = match_expression("Can I bring my dog?").unwrap();
        assert!(expr.starts_with("\"bring\" OR \"allow\""), "{expr}");
        assert!(expr.contains("\"pet\""), "dog must reach the pets FAQ: {expr}");
        let expr = match_expression("how much is the deposit").unwrap();
        for needed in ["\"deposit\"", "\"bond\""] {
            assert!(expr.contains(needed), "{expr}");
        }
        assert!(match_expression("where can I park").unwrap().contains("\"car\""));
        assert!(match_expression("opening hours?").unwrap().contains("\"open\""));
    }

    #[test]
    fn nothing_searchable_is_none() {
        for text in ["", "   ", "?!", "can I do it?", "\"", "* - ^ :"] {
            assert_eq!(match_expression(text), None, "{text}");
        }
    }

    #[test]
    fn user_text_never_becomes_fts_syntax() {
        for attack in [
            "\"NEAR(deposit pets, 2)",
            "deposit* OR -pets",
            "title:deposit",
            "pets NOT dogs AND ^cats",
            "deposit\" OR \"x",
            "(deposit",
            "{title text}: pets",
            "NEAR",
        ] {
            let expr = match_expression(attack).unwrap();
            for group in expr.split(" OR ") {
                let inner = group.strip_prefix('"').and_then(|g| g.strip_suffix('"')).expect(group);
                assert!(
                    inner.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' '),
                    "{attack}: {expr}"
                );
            }
        }
    }

    #[test]
    fn scoping_adds_the_tenant_token_and_keeps_the_terms_in_their_columns() {
        let expr = match_expression("pets").unwrap();
        assert_eq!(scoped(&expr, "ten_demo"), format!("{{title text}} : ({expr}) AND scope : \"74656E5F64656D6F\""));
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(content_words("CAFÉ Señor Straße"), ["cafe", "senor", "strasse"]);
        assert_eq!(tokens("Wi-Fi don't"), ["wi", "fi", "don", "t"]);
    }

    #[test]
    fn content_terms_are_stems_then_synonym_stems() {
        let terms = content_terms("Are pets allowed? Pets!");
        assert_eq!(terms.len(), 2, "{terms:?}");
        assert_eq!(terms[0][0], "pet");
        assert!(terms[0].contains(&"dog".to_owned()), "{terms:?}");
        assert_eq!(terms[1][0], "allow");
        assert!(content_terms("the and of").is_empty());
    }

    #[test]
    fn phrases_are_kept_whole_and_searched_as_phrases() {
        assert_eq!(content_words("What time is check-in?"), ["time", "check in"]);
        assert_eq!(content_words("who do I call out of hours"), ["call", "out of hours"]);
        let expr = match_expression("can we checkin at 12").unwrap();
        assert!(expr.contains("\"check in\"") && expr.contains("\"twelve\""), "{expr}");
        let terms = content_terms("checking in early");
        assert_eq!(terms[0][0], "check");
        let terms = content_terms("check in early");
        assert_eq!(terms[0][0], "check in");
        assert!(terms[0].contains(&"arriv".to_owned()), "{terms:?}");
    }

    #[test]
    fn coverage_counts_concepts_a_passage_holds() {
        let concepts = content_terms("Can I bring my dog to check-in?");
        assert_eq!(concepts.len(), 3, "{concepts:?}");
        assert_eq!(covered(&concepts, "Are pets allowed? Small dogs by agreement."), 2, "dog via pet, bring via allow");
        assert_eq!(covered(&concepts, "Check-in is from 4pm."), 1);
        assert_eq!(covered(&concepts, "Check out by 10am, then in the lobby."), 0, "a phrase needs its words in order");
    }

    #[test]
    fn caps_the_number_of_words() {
        let essay = (0..100).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(content_words(&essay).len(), MAX_WORDS);
    }

    #[test]
    fn condense_keeps_whole_sentences_or_cuts_at_a_word() {
        let answer = "The holding deposit is one week's rent. The security deposit is five weeks' rent. \
                      It is protected in a government-backed scheme.";
        assert_eq!(condense(answer, 306), answer.split_whitespace().collect::<Vec<_>>().join(" "));
        assert_eq!(
            condense(answer, 90),
            "The holding deposit is one week's rent. The security deposit is five weeks' rent."
        );
        let long = "word ".repeat(100);
        let cut = condense(&long, 30);
        assert!(cut.chars().count() <= 30 && cut.ends_with("word…"), "{cut}");
        assert_eq!(condense("Éé".repeat(200).as_str(), 10).chars().count(), 10);
    }
}
