//! A deterministic local embedder: a STAND-IN for tests and the benchmark, not a semantic model.
//!
//! It hashes word stems and character trigrams into a fixed-size vector (signed feature
//! hashing, FNV-1a), L2-normalised, so cosine similarity measures shared spelling: it finds a
//! question with a typo or a different word ending ("deposti", "viewings"), and knows nothing of
//! meaning ("dog" and "pet" are unrelated to it). A real deployment binds Workers AI or an
//! embeddings API instead.
//!
//! The same algorithm runs in JavaScript in the binding fakes (`miniflare-tests/helpers/
//! hash_embedder.mjs`); `fixtures/hash_embedder.json`, written by that file, pins the two to
//! the same vectors.

use super::{Embedder, VectorError};

/// Dimensions: those of the production index (`bge-small-en-v1.5`), so the fakes take the
/// same vectors the real index would.
pub const DIMS: usize = 384;

/// Words too common to say what a question is about.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "be", "can", "do", "does", "for", "have", "how", "i", "in", "is", "it", "me", "my", "of",
    "on", "or", "the", "to", "we", "what", "when", "where", "you", "your",
];

/// Suffixes stripped from a word (the first that leaves at least three letters).
const SUFFIXES: &[&str] = &["ing", "ed", "es", "s"];

/// A stem and each trigram weigh the same: with trigrams lighter, a one-letter typo ("deposti")
/// kept too little of its word's weight to clear [`MIN_SCORE`].
const WORD_WEIGHT: f64 = 1.0;
const TRIGRAM_WEIGHT: f64 = 1.0;

/// Below this cosine similarity two texts share no more than incidental letters: the 99th
/// percentile of unrelated (paraphrase, FAQ chunk) pairs in `bench/data/faq_paraphrases.json`
/// (3,952 pairs; the most similar unrelated pair scores 0.48). It keeps 53 % of the related
/// pairs — a typo'd question scores 0.3–0.45 against its whole FAQ chunk (question and answer),
/// 0.4–0.6 against the question alone — and 1.3 % of the unrelated ones.
pub const MIN_SCORE: f64 = 0.3;

/// The hashed-trigram embedder (see the module's documentation).
#[derive(Debug, Clone, Copy, Default)]
pub struct HashEmbedder;

impl HashEmbedder {
    /// The vector of one text; all zeros when it has no words.
    pub fn vector(text: &str) -> Vec<f32> {
        let mut acc = vec![0.0f64; DIMS];
        let lower = text.to_lowercase();
        for word in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            if STOPWORDS.contains(&word) {
                continue;
            }
            add(&mut acc, &format!("w:{}", stem(word)), WORD_WEIGHT);
            let padded: Vec<char> = std::iter::once('^').chain(word.chars()).chain(std::iter::once('$')).collect();
            for tri in padded.windows(3) {
                add(&mut acc, &format!("t:{}", tri.iter().collect::<String>()), TRIGRAM_WEIGHT);
            }
        }
        let norm = acc.iter().map(|v| v * v).sum::<f64>().sqrt();
        acc.into_iter().map(|v| if norm > 0.0 { (v / norm) as f32 } else { 0.0 }).collect()
    }
}

impl Embedder for HashEmbedder {
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, VectorError> {
        Ok(texts.iter().map(|t| Self::vector(t)).collect())
    }

    fn min_score(&self) -> f64 {
        MIN_SCORE
    }
}

fn stem(word: &str) -> &str {
    SUFFIXES.iter().find_map(|s| word.strip_suffix(s).filter(|rest| rest.chars().count() >= 3)).unwrap_or(word)
}

/// Adds `weight` to the feature's bucket, with a sign from the hash's top bit so collisions
/// cancel out on average instead of piling up.
fn add(acc: &mut [f64], feature: &str, weight: f64) {
    let h = fnv1a(feature.as_bytes());
    let sign = if h >> 31 == 1 { -1.0 } else { 1.0 };
    acc[h as usize % DIMS] += sign * weight;
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193))
}

/// Cosine similarity of two vectors (0 when either is all zeros).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
    let na = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
