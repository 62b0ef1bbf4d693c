//! An OpenAI-compatible embeddings API over `fetch` (request and answer in core's
//! `kb::vector::wire`).

use crate::platform::http::execute;
use frontdesk_core::kb::vector::wire::{openai_request, openai_vectors};
use frontdesk_core::kb::vector::{Embedder, VectorError};

pub struct EmbeddingsApi {
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    pub dimensions: Option<u32>,
    pub min_score: f64,
}

impl Embedder for EmbeddingsApi {
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, VectorError> {
        let request = openai_request(&self.base_url, &self.api_key, &self.model, self.dimensions, texts);
        // The error names the status and the answer, never the request (it carries the key).
        let (status, body) = execute(&request).await.map_err(VectorError::new)?;
        openai_vectors(status, &body, texts.len())
    }

    fn min_score(&self) -> f64 {
        self.min_score
    }
}
