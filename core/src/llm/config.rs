//! A tenant's LLM settings: which provider and model, where its key lives, and how much it may
//! spend. The key itself is never stored here — only a reference the Worker resolves.

use serde::{Deserialize, Serialize};

/// Anthropic's API origin (`/v1/messages` is appended).
pub const ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";
/// OpenAI's API root (`/chat/completions` is appended); OpenAI-compatible servers set their own.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// The largest reply we let a tenant ask for: a front-desk answer is a text message, not an essay.
const MAX_TOKENS_LIMIT: u32 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// Anthropic Messages API.
    Anthropic,
    /// OpenAI Chat Completions, or any server speaking it (Groq, Together, vLLM, Ollama, …).
    #[serde(rename = "openai")]
    OpenAi,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Anthropic => "anthropic",
            Provider::OpenAi => "openai",
        }
    }
}

/// `Settings::llm`. Unknown fields are refused, as for the rest of the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmSettings {
    pub provider: Provider,
    pub model: String,
    /// A secret reference, `env:NAME`: the Worker reads the secret `NAME` from its environment,
    /// so keys live in Worker secrets and never in D1, logs or the settings API.
    pub api_key: String,
    /// Overrides the provider's default origin (a proxy, an OpenAI-compatible server, a test fake).
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default = "default_max_tokens")]
    pub max_tokens: u32,
    /// Tokens (input + output) the tenant may spend per calendar month; `None` = no cap.
    #[serde(default)]
    pub monthly_token_budget: Option<u64>,
    /// How long the Worker waits for each model round before falling back to the rules brain.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
}

fn default_max_tokens() -> u32 {
    400
}

fn default_timeout_ms() -> u32 {
    8000
}

impl LlmSettings {
    /// Every problem with these settings, for a 400 that names them all (empty = valid).
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.model.trim().is_empty() {
            problems.push("model is empty".to_owned());
        }
        if self.api_key_env().is_none() {
            problems.push("api_key must be a secret reference `env:NAME` (letters, digits, _), not a key".to_owned());
        }
        if let Some(url) = &self.base_url {
            let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
            if rest.is_none_or(|host| host.is_empty() || host.contains(char::is_whitespace)) {
                problems.push(format!("base_url `{url}` is not an http(s) URL"));
            }
        }
        if !(1..=MAX_TOKENS_LIMIT).contains(&self.max_tokens) {
            problems.push(format!("max_tokens must be 1 to {MAX_TOKENS_LIMIT}"));
        }
        if self.monthly_token_budget == Some(0) {
            problems.push("monthly_token_budget must be positive (omit it for no cap)".to_owned());
        }
        if !(1000..=30_000).contains(&self.timeout_ms) {
            problems.push("timeout_ms must be 1000 to 30000".to_owned());
        }
        problems
    }

    /// The Worker secret holding the key: `NAME` in `env:NAME`.
    pub fn api_key_env(&self) -> Option<&str> {
        let name = self.api_key.strip_prefix("env:")?;
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        valid.then_some(name)
    }

    /// The configured origin, or the provider's own, without a trailing slash.
    pub fn base_url(&self) -> &str {
        let default = match self.provider {
            Provider::Anthropic => ANTHROPIC_BASE_URL,
            Provider::OpenAi => OPENAI_BASE_URL,
        };
        self.base_url.as_deref().unwrap_or(default).trim_end_matches('/')
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn anthropic() -> LlmSettings {
        serde_json::from_str(r#"{"provider":"anthropic","model":"claude-haiku-4-5","api_key":"env:ANTHROPIC_API_KEY"}"#)
            .unwrap()
    }

    #[test]
    fn defaults_fill_in_and_the_provider_decides_the_origin() {
        let s = anthropic();
        assert_eq!((s.max_tokens, s.timeout_ms, s.monthly_token_budget), (400, 8000, None));
        assert_eq!(s.base_url(), "https://api.anthropic.com");
        assert_eq!(s.api_key_env(), Some("ANTHROPIC_API_KEY"));
        assert!(s.validate().is_empty(), "{:?}", s.validate());
        let openai: LlmSettings = serde_json::from_str(
            r#"{"provider":"openai","model":"gpt-4o-mini","api_key":"env:OPENAI_KEY","base_url":"http://127.0.0.1:9/"}"#,
        )
        .unwrap();
        assert_eq!((openai.provider, openai.base_url()), (Provider::OpenAi, "http://127.0.0.1:9"));
        let mut default_openai = openai.clone();
        default_openai.base_url = None;
        assert_eq!(default_openai.base_url(), "https://api.openai.com/v1");
    }

    #[test]
    fn validation_names_every_problem_and_unknown_fields_are_refused() {
        let bad = LlmSettings {
            provider: Provider::OpenAi,
            model: " ".into(),
            api_key: "sk-live-123".into(),
            base_url: Some("ftp://example.com".into()),
            max_tokens: 0,
            monthly_token_budget: Some(0),
            timeout_ms: 100,
        };
        let problems = bad.validate();
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("env:NAME")) && !problems.iter().any(|p| p.contains("sk-live")));
        let too_big = LlmSettings { max_tokens: 5000, api_key: "env:".into(), ..anthropic() };
        assert_eq!(too_big.validate().len(), 2);
        let typo = serde_json::from_str::<LlmSettings>(
            r#"{"provider":"anthropic","model":"m","api_key":"env:K","max_token":10}"#,
        );
        assert!(typo.is_err());
        let unknown_provider =
            serde_json::from_str::<LlmSettings>(r#"{"provider":"gemini","model":"m","api_key":"env:K"}"#);
        assert!(unknown_provider.is_err());
    }
}
