//! Sentence-aware chunking: sections cut into chunks of about [`TARGET_TOKENS`], each starting
//! with the last ~[`OVERLAP_TOKENS`] of the previous one so a fact split across a boundary is
//! whole in one of them, and each titled with its document and heading path so a chunk read
//! alone still says what it is about.

use super::query::sentences;
use super::text::Section;

pub const TARGET_TOKENS: usize = 500;
pub const OVERLAP_TOKENS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// "Document title › Heading › Subheading".
    pub title: String,
    pub text: String,
    /// Order within the document, from 0.
    pub position: usize,
}

/// Tokens as an embedder or LLM counts them, estimated: about four tokens per three English
/// words. Exactness does not matter, only that chunks stay well inside model limits.
pub fn approx_tokens(text: &str) -> usize {
    (text.split_whitespace().count() * 4).div_ceil(3)
}

/// A sentence, and whether it opens a paragraph (so chunks keep paragraph breaks).
struct Unit {
    text: String,
    tokens: usize,
    new_paragraph: bool,
}

pub fn chunk_document(title: &str, sections: &[Section]) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for section in sections {
        let title = match &section.heading {
            Some(heading) if !title.is_empty() => format!("{title} › {heading}"),
            Some(heading) => heading.clone(),
            None => title.to_owned(),
        };
        for text in chunk_units(&units(&section.text)) {
            chunks.push(Chunk { title: title.clone(), text, position: chunks.len() });
        }
    }
    chunks
}

fn units(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut first = true;
        for line in paragraph.lines() {
            let line = line.trim();
            // A list item is a unit of its own; prose splits into sentences.
            let pieces = if line.starts_with("- ") { vec![line] } else { sentences(line) };
            for piece in pieces {
                for part in split_long(piece) {
                    out.push(Unit { tokens: approx_tokens(&part), text: part, new_paragraph: first });
                    first = false;
                }
            }
        }
    }
    out
}

/// A "sentence" longer than a chunk (a table, a run-on list) cut into word windows.
fn split_long(sentence: &str) -> Vec<String> {
    if approx_tokens(sentence) <= TARGET_TOKENS {
        return vec![sentence.to_owned()];
    }
    let words: Vec<&str> = sentence.split_whitespace().collect();
    words.chunks(TARGET_TOKENS * 3 / 4).map(|w| w.join(" ")).collect()
}

fn chunk_units(units: &[Unit]) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current: Vec<&Unit> = Vec::new();
    let mut tokens = 0;
    for unit in units {
        if !current.is_empty() && tokens + unit.tokens > TARGET_TOKENS {
            chunks.push(join(&current));
            // Carry whole sentences from the end, until about OVERLAP_TOKENS are carried.
            let mut carried: Vec<&Unit> = Vec::new();
            let mut carried_tokens = 0;
            for previous in current.iter().rev() {
                if carried_tokens >= OVERLAP_TOKENS || carried_tokens + previous.tokens > 2 * OVERLAP_TOKENS {
                    break;
                }
                carried_tokens += previous.tokens;
                carried.insert(0, previous);
            }
            current = carried;
            tokens = carried_tokens;
        }
        current.push(unit);
        tokens += unit.tokens;
    }
    if !current.is_empty() {
        chunks.push(join(&current));
    }
    chunks
}

fn join(units: &[&Unit]) -> String {
    let mut out = String::new();
    for (i, unit) in units.iter().enumerate() {
        if i > 0 {
            out.push_str(if unit.new_paragraph {
                "\n\n"
            } else if unit.text.starts_with("- ") {
                "\n"
            } else {
                " "
            });
        }
        out.push_str(&unit.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::text::{sections, Format};

    fn sentence(i: usize) -> String {
        // 15 words: 20 tokens.
        format!("Sentence number {i} talks about the flat and the garden and the bins on collection day here.")
    }

    #[test]
    fn long_sections_split_on_sentences_with_overlap() {
        let text = (0..60).map(sentence).collect::<Vec<_>>().join(" ");
        let chunks = chunk_document("Guide", &sections(Format::Text, &text));
        assert!(chunks.len() >= 3, "{}", chunks.len());
        for (i, chunk) in chunks.iter().enumerate() {
            assert_eq!(chunk.position, i);
            assert!(approx_tokens(&chunk.text) <= TARGET_TOKENS, "chunk {i} too long");
            assert!(chunk.text.ends_with("here."), "chunks end on a sentence");
            assert_eq!(chunk.title, "Guide");
        }
        // The next chunk starts with the last ~50 tokens (here: 3 sentences) of the previous one.
        let first: Vec<&str> = sentences(&chunks[0].text);
        let second: Vec<&str> = sentences(&chunks[1].text);
        assert_eq!(first[first.len() - 3..], second[..3]);
        // Every sentence is somewhere.
        let all = chunks.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" ");
        assert!((0..60).all(|i| all.contains(&sentence(i))));
    }

    #[test]
    fn headings_title_each_chunk() {
        let md = "# Tenant guide\n\nWelcome.\n\n## Deposits\n\nFive weeks' rent.\n\n## Pets\n\nBy agreement.";
        let chunks = chunk_document("Handbook", &sections(Format::Markdown, md));
        let titles: Vec<&str> = chunks.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Handbook › Tenant guide", "Handbook › Tenant guide › Deposits", "Handbook › Tenant guide › Pets"]
        );
        assert_eq!(chunks[1].text, "Five weeks' rent.");
    }

    #[test]
    fn one_huge_sentence_is_cut_into_windows() {
        let words = "word ".repeat(2000);
        let chunks = chunk_document("T", &sections(Format::Text, &words));
        assert!(chunks.len() >= 5);
        assert!(chunks.iter().all(|c| approx_tokens(&c.text) <= TARGET_TOKENS + 2 * OVERLAP_TOKENS));
    }
}
