//! The vector leg's ports: an embedder (Workers AI or an OpenAI-compatible embeddings API)
//! and a vector index (Vectorize). Both are remote-only; when neither is bound, search is
//! lexical alone.
