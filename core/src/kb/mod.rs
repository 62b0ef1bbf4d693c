//! The business's own knowledge: knowledge bases of FAQs and documents, chunked, searched and
//! handed to the brains as grounding passages.
//!
//! Search has two legs behind ports: lexical (D1 FTS5 with BM25, always on — the local
//! default) and vectors (an embedder plus a vector index, used only when bound), fused by
//! reciprocal rank ([`fuse`]). Storage and bindings live in the Durable Objects crate's
//! `platform::kb` and `platform::vectors`; everything that decides lives here.

pub mod chunk;
pub mod fuse;
pub mod ingest;
pub mod query;
pub mod stem;
mod synonyms;
pub mod target;
pub mod text;
pub mod vector;

use serde::{Deserialize, Serialize};

/// One retrieved chunk, as search returns it and the brains see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The chunk's id (`kbc_…`).
    pub id: String,
    /// The knowledge base's name.
    pub kb: String,
    /// The FAQ's question, or the document's title (with the chunk's heading, if any).
    pub title: String,
    /// The FAQ's answer, or the chunk's text.
    pub text: String,
    /// Higher is better; comparable only within one result list.
    pub score: f64,
    /// `faq`, a document's URL, or `document`.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}
