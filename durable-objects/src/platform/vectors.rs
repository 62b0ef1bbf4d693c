//! The vector leg over the runtime's bindings: Vectorize (`VECTORIZE`) and an embedder —
//! Workers AI (`AI`) or an OpenAI-compatible API (`EMBEDDINGS_BASE_URL`), chosen by core's
//! `kb::vector::config`. Every function is a no-op (or `None`) when either is absent, as they
//! are locally: search is then lexical alone.
//!
//! A failing binding never fails the caller: it is logged and the leg is skipped (ingestion is
//! stored lexically and a re-index adds the vectors; search answers from the lexical leg).
//! Vectorize applies mutations asynchronously (a few seconds), so a chunk just ingested is
//! found lexically first. Ids the index still holds for deleted chunks (a failed delete) are
//! ignored by the caller, which joins hits with its own rows.

mod api;
mod bindings;

use crate::platform::http::within;
use api::EmbeddingsApi;
use bindings::{binding, AiBinding, VectorizeIndex, WorkersAi};
use frontdesk_core::kb::vector::config::{EmbedderConfig, EmbedderVars};
use frontdesk_core::kb::vector::{self as core_vector, Embedder, Filter, VectorError};
use worker::{Env, Result};

pub use frontdesk_core::kb::vector::Chunk as VectorChunk;

/// Binding names in wrangler.toml.
const INDEX_BINDING: &str = "VECTORIZE";
const AI_BINDING: &str = "AI";

/// A search waits this long for the vector leg, then answers lexically: a slow model must not
/// make every search slow.
const QUERY_TIMEOUT_MS: u64 = 3_000;
/// One ingestion batch (one embedding call of up to 100 texts and its upsert) may take longer.
const INGEST_TIMEOUT_MS: u64 = 20_000;

/// Whether the vector leg is bound (an index and an embedder).
pub fn bound(env: &Env) -> bool {
    adapters(env).is_some()
}

/// Embeds and upserts chunks, batch by batch, each batch bounded in time; nothing when unbound.
/// A failure is logged, not returned, and the batches after it are not tried.
pub async fn upsert_chunks(env: &Env, chunks: &[VectorChunk<'_>]) -> Result<()> {
    let Some((embedder, index)) = adapters(env) else { return Ok(()) };
    for (n, batch) in chunks.chunks(core_vector::EMBED_BATCH).enumerate() {
        let done = within(core_vector::index_chunks(&embedder, &index, batch), INGEST_TIMEOUT_MS).await;
        if let Err(e) = flatten(done, INGEST_TIMEOUT_MS) {
            let left = chunks.len() - n * core_vector::EMBED_BATCH;
            worker::console_error!(
                "vector index: {left} of {} chunks not indexed (re-index to retry): {e}",
                chunks.len()
            );
            break;
        }
    }
    Ok(())
}

/// Removes chunks by id; nothing when unbound; a failure is logged, not returned.
pub async fn delete_chunks(env: &Env, ids: &[String]) -> Result<()> {
    let Some(index) = binding::<VectorizeIndex>(env, INDEX_BINDING) else { return Ok(()) };
    if ids.is_empty() {
        return Ok(());
    }
    let done = within(core_vector::remove(&index, ids), INGEST_TIMEOUT_MS).await;
    if let Err(e) = flatten(done, INGEST_TIMEOUT_MS) {
        worker::console_error!("vector index: {} vectors not deleted: {e}", ids.len());
    }
    Ok(())
}

/// The nearest chunk ids to `text` within the tenant (and knowledge base / category, if
/// given), best first, above the embedder's floor; `None` when the vector leg is not bound or
/// failed (logged), so the caller searches lexically alone.
pub async fn query(
    env: &Env,
    tenant_id: &str,
    text: &str,
    kb: Option<&str>,
    category: Option<&str>,
    top_k: usize,
) -> Result<Option<Vec<(String, f64)>>> {
    let Some((embedder, index)) = adapters(env) else { return Ok(None) };
    let filter = Filter::new(tenant_id, kb, category);
    let done = within(core_vector::nearest(&embedder, &index, &filter, text, top_k), QUERY_TIMEOUT_MS).await;
    match flatten(done, QUERY_TIMEOUT_MS) {
        Ok(hits) => Ok(Some(hits)),
        Err(e) => {
            worker::console_error!("vector search failed, answering lexically: {e}");
            Ok(None)
        }
    }
}

fn flatten<T>(done: Option<std::result::Result<T, VectorError>>, ms: u64) -> std::result::Result<T, VectorError> {
    done.unwrap_or_else(|| Err(VectorError::new(format!("no answer within {ms} ms"))))
}

/// The embedder the deployment configured.
enum BoundEmbedder {
    WorkersAi(WorkersAi),
    Api(EmbeddingsApi),
}

impl Embedder for BoundEmbedder {
    async fn embed(&self, texts: &[&str]) -> std::result::Result<Vec<Vec<f32>>, VectorError> {
        match self {
            Self::WorkersAi(ai) => ai.embed(texts).await,
            Self::Api(api) => api.embed(texts).await,
        }
    }

    fn min_score(&self) -> f64 {
        match self {
            Self::WorkersAi(ai) => ai.min_score(),
            Self::Api(api) => api.min_score(),
        }
    }
}

/// The embedder and the index, when both are there.
fn adapters(env: &Env) -> Option<(BoundEmbedder, VectorizeIndex)> {
    let index = binding::<VectorizeIndex>(env, INDEX_BINDING)?;
    let var = |name: &str| env.var(name).ok().map(|v| v.to_string());
    let (base_url, model, dimensions, min_score) = (
        var("EMBEDDINGS_BASE_URL"),
        var("EMBEDDINGS_MODEL"),
        var("EMBEDDINGS_DIMENSIONS"),
        var("EMBEDDINGS_MIN_SCORE"),
    );
    let api_key =
        env.secret("EMBEDDINGS_API_KEY").or_else(|_| env.var("EMBEDDINGS_API_KEY")).ok().map(|s| s.to_string());
    let ai = binding::<AiBinding>(env, AI_BINDING);
    let vars = EmbedderVars {
        base_url: base_url.as_deref(),
        api_key: api_key.as_deref(),
        model: model.as_deref(),
        dimensions: dimensions.as_deref(),
        min_score: min_score.as_deref(),
        ai_bound: ai.is_some(),
    };
    let embedder = match EmbedderConfig::from_vars(&vars)? {
        EmbedderConfig::WorkersAi { model, min_score } => {
            BoundEmbedder::WorkersAi(WorkersAi { binding: ai?, model, min_score })
        }
        EmbedderConfig::OpenAi { base_url, api_key, model, dimensions, min_score } => {
            BoundEmbedder::Api(EmbeddingsApi { base_url, api_key, model, dimensions, min_score })
        }
    };
    Some((embedder, index))
}
