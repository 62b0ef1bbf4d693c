//! The vector leg's ports: an [`Embedder`] (Workers AI or an OpenAI-compatible embeddings API)
//! and a [`VectorIndex`] (Vectorize). Both are remote-only; when neither is bound, search is
//! lexical alone.
//!
//! What decides lives here and is tested on the host against [`memory::MemoryIndex`] and
//! [`hash::HashEmbedder`]: how chunks are embedded and indexed in batches ([`index_chunks`]),
//! how a question finds its nearest chunks within one tenant ([`nearest`]: the tenant filter is
//! a required part of every query, other tenants' matches are dropped even if the index returns
//! them, and matches under the embedder's floor are dropped), and how the two legs are fused
//! ([`hybrid`]). The Durable Objects crate's `platform::vectors` implements the ports over the
//! runtime's bindings; [`wire`] holds the JSON those bindings speak.

pub mod config;
pub mod hash;
pub mod memory;
#[cfg(test)]
mod tests;
pub mod wire;

use super::fuse::{reciprocal_rank, RRF_K};
use std::fmt;
pub use wire::{Filter, Match, Metadata, Vector};

/// A remote call failed (unreachable, an error answer, an answer of the wrong shape). The
/// text is for logs; search falls back to the lexical leg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorError(String);

impl VectorError {
    pub fn new(cause: impl fmt::Display) -> Self {
        Self(cause.to_string())
    }
}

impl fmt::Display for VectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for VectorError {}

/// Turns texts into vectors. Futures are not `Send`: the Worker's runtime is single-threaded.
#[allow(async_fn_in_trait)]
pub trait Embedder {
    /// One vector per text, in the order given.
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, VectorError>;

    /// The cosine similarity under which this model's neighbours are not related: every query
    /// has a nearest chunk, however far, and a far one must not be fused in as if it matched.
    fn min_score(&self) -> f64;
}

/// Stores vectors with their metadata and finds the nearest ones (Vectorize's operations).
#[allow(async_fn_in_trait)]
pub trait VectorIndex {
    /// Inserts or replaces vectors by id.
    async fn upsert(&self, vectors: &[Vector]) -> Result<(), VectorError>;

    /// The `top_k` nearest vectors among those matching `filter`, best first.
    async fn query(&self, vector: &[f32], top_k: usize, filter: &Filter) -> Result<Vec<Match>, VectorError>;

    /// Removes vectors by id; unknown ids are not an error.
    async fn delete_by_ids(&self, ids: &[String]) -> Result<(), VectorError>;
}

/// A chunk to index: its id, the tenant and knowledge base it belongs to (the metadata every
/// query filters on), its category, and the text to embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub kb: &'a str,
    pub category: Option<&'a str>,
    pub text: &'a str,
}

/// What a chunk is embedded as: its title (an FAQ's question, a document's title and heading)
/// and its text. People ask in the question's words; the text holds what the title does not say.
pub fn embedding_text(title: &str, text: &str) -> String {
    if title.is_empty() {
        text.to_owned()
    } else {
        format!("{title}\n{text}")
    }
}

/// Texts per embedding call: Workers AI's BGE models take at most 100 per request.
pub const EMBED_BATCH: usize = 100;
/// Ids per upsert or delete call: the Workers binding's limit is 1,000.
pub const INDEX_BATCH: usize = 1_000;
/// The most neighbours asked for: Vectorize allows 100 with `returnMetadata: "indexed"`, and
/// fusion only looks at the head of each list.
pub const MAX_TOP_K: usize = 50;

/// Embeds and upserts `chunks` in batches; the number indexed.
pub async fn index_chunks(
    embedder: &impl Embedder,
    index: &impl VectorIndex,
    chunks: &[Chunk<'_>],
) -> Result<usize, VectorError> {
    for batch in chunks.chunks(EMBED_BATCH) {
        let texts: Vec<&str> = batch.iter().map(|c| c.text).collect();
        let values = embedder.embed(&texts).await?;
        if values.len() != batch.len() {
            return Err(VectorError::new(format!("{} vectors for {} texts", values.len(), batch.len())));
        }
        let vectors: Vec<Vector> = batch.iter().zip(values).map(|(chunk, values)| Vector::of(chunk, values)).collect();
        index.upsert(&vectors).await?;
    }
    Ok(chunks.len())
}

/// Removes vectors by id, in batches the binding accepts.
pub async fn remove(index: &impl VectorIndex, ids: &[String]) -> Result<(), VectorError> {
    for batch in ids.chunks(INDEX_BATCH) {
        index.delete_by_ids(batch).await?;
    }
    Ok(())
}

/// The chunks nearest to `text` within `filter` (always one tenant), best first, with their
/// similarity. Matches the index returns for another tenant, or without metadata to prove
/// otherwise, are dropped: the filter depends on a metadata index that an operator creates by
/// hand, and a missing one must not leak another business's answers. Matches under the
/// embedder's floor are dropped too.
pub async fn nearest(
    embedder: &impl Embedder,
    index: &impl VectorIndex,
    filter: &Filter,
    text: &str,
    top_k: usize,
) -> Result<Vec<(String, f64)>, VectorError> {
    if !text.chars().any(char::is_alphanumeric) {
        // Nothing to embed: no call, and no zero vector for a cosine index to refuse.
        return Ok(Vec::new());
    }
    let vector = embedder.embed(&[text]).await?.into_iter().next().ok_or_else(|| VectorError::new("no vector"))?;
    let matches = index.query(&vector, top_k.clamp(1, MAX_TOP_K), filter).await?;
    let floor = embedder.min_score();
    let mut hits: Vec<(String, f64)> = matches
        .into_iter()
        .filter(|m| m.metadata.as_ref().is_some_and(|meta| filter.admits(meta)) && m.score >= floor)
        .map(|m| (m.id, m.score))
        .collect();
    hits.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(hits)
}

/// One ranking from the lexical leg's ids (best first) and the vector leg's hits (from
/// [`nearest`], so already above the embedder's floor), by reciprocal rank, at most `limit`.
/// A chunk both legs found beats a chunk only one found at the same ranks; between two
/// one-leg hits at the same rank the lexical one comes first (a tie keeps first-seen order and
/// the lexical list goes first), so an exact wording match is never pushed down by a merely
/// similar one.
pub fn hybrid(lexical: &[String], vector: &[(String, f64)], limit: usize) -> Vec<(String, f64)> {
    let vector_ids: Vec<String> = vector.iter().map(|(id, _)| id.clone()).collect();
    let mut fused = reciprocal_rank(&[lexical.to_vec(), vector_ids], RRF_K);
    fused.truncate(limit);
    fused
}
