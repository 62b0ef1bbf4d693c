//! Which embedder the deployment has, from its vars and bindings.
//!
//! `EMBEDDINGS_BASE_URL` set → an OpenAI-compatible embeddings API (`EMBEDDINGS_MODEL`, secret
//! `EMBEDDINGS_API_KEY`, optional `EMBEDDINGS_DIMENSIONS`); otherwise an `AI` binding → Workers
//! AI (`EMBEDDINGS_MODEL`, default [`WORKERS_AI_MODEL`]); otherwise none, and the vector leg is
//! off. An explicit API wins over the binding because the `AI` binding may be there for
//! something else. `EMBEDDINGS_MIN_SCORE` overrides the model's floor.

/// Workers AI's small BGE model: 384 dimensions, the index's size in the docs' setup.
pub const WORKERS_AI_MODEL: &str = "@cf/baai/bge-small-en-v1.5";
/// OpenAI's small embedding model, asked for when no model is named.
pub const OPENAI_MODEL: &str = "text-embedding-3-small";

/// BGE v1.5 puts even unrelated text of one domain around 0.4–0.55 cosine and paraphrases
/// above 0.7 (BAAI's model card notes its compressed similarity range): a judgement, not a
/// measurement here, which `EMBEDDINGS_MIN_SCORE` can replace.
const BGE_MIN_SCORE: f64 = 0.6;
/// OpenAI's text-embedding-3 models spread wider: unrelated pairs sit near 0.1–0.2.
const OTHER_MIN_SCORE: f64 = 0.3;

#[derive(Debug, Clone, PartialEq)]
pub enum EmbedderConfig {
    WorkersAi { model: String, min_score: f64 },
    OpenAi { base_url: String, api_key: String, model: String, dimensions: Option<u32>, min_score: f64 },
}

/// The vars (unset or empty = `None`) and whether an `AI` binding exists.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmbedderVars<'a> {
    pub base_url: Option<&'a str>,
    pub api_key: Option<&'a str>,
    pub model: Option<&'a str>,
    pub dimensions: Option<&'a str>,
    pub min_score: Option<&'a str>,
    pub ai_bound: bool,
}

impl EmbedderConfig {
    /// `None`: no embedder, so no vector leg.
    pub fn from_vars(vars: &EmbedderVars<'_>) -> Option<Self> {
        let set = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let floor = |model: &str| {
            set(vars.min_score).and_then(|s| s.parse::<f64>().ok()).unwrap_or(if model.contains("bge-") {
                BGE_MIN_SCORE
            } else {
                OTHER_MIN_SCORE
            })
        };
        if let Some(base_url) = set(vars.base_url) {
            let model = set(vars.model).unwrap_or_else(|| OPENAI_MODEL.to_owned());
            return Some(Self::OpenAi {
                base_url,
                api_key: set(vars.api_key).unwrap_or_default(),
                dimensions: set(vars.dimensions).and_then(|d| d.parse().ok()),
                min_score: floor(&model),
                model,
            });
        }
        if vars.ai_bound {
            let model = set(vars.model).unwrap_or_else(|| WORKERS_AI_MODEL.to_owned());
            return Some(Self::WorkersAi { min_score: floor(&model), model });
        }
        None
    }

    pub fn min_score(&self) -> f64 {
        match self {
            Self::WorkersAi { min_score, .. } | Self::OpenAi { min_score, .. } => *min_score,
        }
    }
}
