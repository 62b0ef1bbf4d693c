//! Knowledge import: a page or upload as text, Markdown or HTML (`kb::text`), cut into chunks
//! (`kb::chunk`) — the bytes a tenant's website or upload sends us; and the SSE
//! `Last-Event-ID` header, which any client sends.

use crate::events::parse_last_event_id;
use crate::kb::chunk::{approx_tokens, chunk_document, TARGET_TOKENS};
use crate::kb::text::{decode_entities, html_title, sections, Format};

pub const DICT: &[&str] = &[
    "<html>",
    "<title>",
    "</title>",
    "<h1>",
    "</h1>",
    "<h2>",
    "<p>",
    "</p>",
    "<br>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "&amp;",
    "&#x1F600;",
    "&#0;",
    "&#1114112;",
    "&nbsp;",
    "# ",
    "## ",
    "\n\n",
    "- ",
    "```",
    "|",
    "<li>",
];

/// Every format reads the bytes without panicking; a title has no markup left; no section is
/// empty; every chunk has text, counts from 0, and stays near the target size (a single word
/// longer than the target is the one allowed excess).
pub fn kb_document(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = parse_last_event_id(Some(&text));
    let _ = decode_entities(&text);
    if let Some(title) = html_title(&text) {
        assert!(!title.trim().is_empty(), "an empty title is None");
    }
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let found = sections(format, &text);
        assert!(found.iter().all(|s| !s.text.trim().is_empty()), "{format:?}: an empty section");
        let chunks = chunk_document("Doc", &found);
        for (i, chunk) in chunks.iter().enumerate() {
            assert_eq!(chunk.position, i, "{format:?}: positions count from 0");
            assert!(!chunk.text.trim().is_empty(), "{format:?}: an empty chunk");
            let longest_word = chunk.text.split_whitespace().map(approx_tokens).max().unwrap_or(0);
            assert!(
                approx_tokens(&chunk.text) <= 2 * TARGET_TOKENS + longest_word,
                "{format:?}: a chunk of {} tokens",
                approx_tokens(&chunk.text)
            );
        }
    }
}
