//! The JSON the vector leg's bindings and APIs speak, as serde types (byte-for-byte fixtures of
//! each in `fixtures/`).
//!
//! - Vectorize (Workers binding, <https://developers.cloudflare.com/vectorize/reference/client-api/>):
//!   `upsert([{id, values, metadata}])`, `query(vector, {topK, filter, returnMetadata})` →
//!   `{count, matches: [{id, score, metadata?}]}`, `deleteByIds([id])`. A filter object's plain
//!   values are implicit `$eq` (<https://developers.cloudflare.com/vectorize/reference/metadata-filtering/>);
//!   `returnMetadata: "indexed"` returns the indexed properties and keeps topK's limit at 100.
//! - Workers AI text embeddings (<https://developers.cloudflare.com/workers-ai/models/bge-small-en-v1.5/>):
//!   `AI.run("@cf/baai/bge-small-en-v1.5", {text: [...]})` → `{shape: [n, dims], data: [[...]]}`.
//! - OpenAI-compatible embeddings (OpenAI's `POST /v1/embeddings`, served the same way by most
//!   model servers): `{model, input: [...]}` → `{object: "list", data: [{object: "embedding",
//!   index, embedding}], model, usage}`, items matched to inputs by `index`.

use super::{Chunk, VectorError};
use crate::http::HttpRequest;
use serde::{Deserialize, Serialize};

/// The metadata stored with every vector: what queries filter on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub tenant_id: String,
    pub kb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// One vector as `upsert` takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vector {
    pub id: String,
    pub values: Vec<f32>,
    pub metadata: Metadata,
}

impl Vector {
    pub fn of(chunk: &Chunk<'_>, values: Vec<f32>) -> Self {
        Self {
            id: chunk.id.to_owned(),
            values,
            metadata: Metadata {
                tenant_id: chunk.tenant_id.to_owned(),
                kb: chunk.kb.to_owned(),
                category: chunk.category.map(str::to_owned),
            },
        }
    }
}

/// A metadata filter (implicit `$eq` on each property). The tenant is not optional: there is
/// no way to build a filter that spans tenants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filter {
    tenant_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kb: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<String>,
}

impl Filter {
    pub fn new(tenant_id: &str, kb: Option<&str>, category: Option<&str>) -> Self {
        Self { tenant_id: tenant_id.to_owned(), kb: kb.map(str::to_owned), category: category.map(str::to_owned) }
    }

    /// Whether a vector with `metadata` matches, as the index should have decided.
    pub fn admits(&self, metadata: &Metadata) -> bool {
        metadata.tenant_id == self.tenant_id
            && self.kb.as_ref().is_none_or(|kb| *kb == metadata.kb)
            && self.category.as_ref().is_none_or(|c| metadata.category.as_ref() == Some(c))
    }
}

/// `query`'s second argument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryOptions<'a> {
    #[serde(rename = "topK")]
    pub top_k: usize,
    pub filter: &'a Filter,
    #[serde(rename = "returnMetadata")]
    pub return_metadata: &'static str,
}

impl<'a> QueryOptions<'a> {
    pub fn new(top_k: usize, filter: &'a Filter) -> Self {
        Self { top_k, filter, return_metadata: "indexed" }
    }
}

/// One match of a query: cosine similarity for a `cosine` index, higher is nearer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub id: String,
    pub score: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// What `query` resolves to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    pub count: usize,
    pub matches: Vec<Match>,
}

/// Workers AI's input for a text-embedding model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AiTextInput<'a> {
    pub text: &'a [&'a str],
}

/// Workers AI's output for a text-embedding model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AiEmbeddings {
    #[serde(default)]
    pub shape: Vec<usize>,
    pub data: Vec<Vec<f32>>,
}

/// `AI.run`'s answer as vectors, one per text.
pub fn ai_vectors(json: &str, expected: usize) -> Result<Vec<Vec<f32>>, VectorError> {
    let out: AiEmbeddings =
        serde_json::from_str(json).map_err(|e| VectorError::new(format!("Workers AI answer: {e}")))?;
    counted(out.data, expected)
}

#[derive(Serialize)]
struct OpenAiRequest<'a> {
    model: &'a str,
    input: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<u32>,
}

#[derive(Deserialize)]
struct OpenAiResponse {
    data: Vec<OpenAiItem>,
}

#[derive(Deserialize)]
struct OpenAiItem {
    index: usize,
    embedding: Vec<f32>,
}

/// `POST {base}/embeddings`; `dimensions` asks models that can shorten their vectors (OpenAI's
/// text-embedding-3 family) for the index's size.
pub fn openai_request(
    base_url: &str,
    api_key: &str,
    model: &str,
    dimensions: Option<u32>,
    texts: &[&str],
) -> HttpRequest {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if !api_key.is_empty() {
        headers.push(("Authorization".to_owned(), format!("Bearer {api_key}")));
    }
    let body = OpenAiRequest { model, input: texts, dimensions };
    HttpRequest {
        method: "POST",
        url: format!("{}/embeddings", base_url.trim_end_matches('/')),
        headers,
        body: serde_json::to_string(&body).unwrap_or_default(),
    }
}

/// The embeddings API's answer as vectors in input order. The error never carries the body
/// beyond its first 200 characters (a server may echo the request).
pub fn openai_vectors(status: u16, body: &str, expected: usize) -> Result<Vec<Vec<f32>>, VectorError> {
    if !(200..300).contains(&status) {
        let head: String = body.chars().take(200).collect();
        return Err(VectorError::new(format!("embeddings API answered {status}: {head}")));
    }
    let mut out: OpenAiResponse =
        serde_json::from_str(body).map_err(|e| VectorError::new(format!("embeddings API answer: {e}")))?;
    out.data.sort_by_key(|item| item.index);
    counted(out.data.into_iter().map(|item| item.embedding).collect(), expected)
}

fn counted(vectors: Vec<Vec<f32>>, expected: usize) -> Result<Vec<Vec<f32>>, VectorError> {
    if vectors.len() == expected {
        Ok(vectors)
    } else {
        Err(VectorError::new(format!("{} vectors for {expected} texts", vectors.len())))
    }
}
