//! One model round, provider-neutral: the conversation we send ([`Message`]) and what the
//! streamed answer came to ([`Round`]). Each adapter renders and reads its own wire format.

use super::tools::{ToolCall, ToolDef};
use serde::{Deserialize, Serialize};

/// Tokens a turn spent, summed over its rounds, for the tenant's monthly budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
    }
}

/// A message of the conversation after the system prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Message {
    User(String),
    Assistant(String),
    /// An assistant answer that called tools (with the text it wrote first, possibly empty).
    ToolUse {
        text: String,
        calls: Vec<ToolCall>,
    },
    /// Our answers to those calls, in call order.
    ToolResults(Vec<ToolResult>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolResult {
    pub call_id: String,
    pub content: String,
    pub is_error: bool,
}

/// Everything one request carries besides the endpoint and key.
pub(crate) struct Prompt<'a> {
    pub model: &'a str,
    pub max_tokens: u32,
    pub system: &'a str,
    pub messages: &'a [Message],
    pub tools: &'a [ToolDef],
}

/// What one streamed answer came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Round {
    pub text: String,
    pub calls: Vec<ToolCall>,
    /// The model hit `max_tokens`: the text may stop mid-sentence.
    pub truncated: bool,
}

/// Why a round produced no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StreamError {
    /// Overloaded, rate-limited or cut off: the same request may succeed later.
    pub retryable: bool,
    pub detail: String,
}

impl StreamError {
    pub fn retry(detail: impl Into<String>) -> Self {
        Self { retryable: true, detail: detail.into() }
    }

    pub fn fatal(detail: impl Into<String>) -> Self {
        Self { retryable: false, detail: detail.into() }
    }
}

/// Reads one streamed answer, event by event, in a provider's wire format.
pub(crate) trait StreamDecoder {
    /// Reads one event; returns the reply text it adds, if any.
    fn event(&mut self, event: &super::sse::SseEvent) -> Option<String>;
    /// Tokens reported so far.
    fn usage(&self) -> Usage;
    /// What the answer came to, once the stream has ended.
    fn finish(self: Box<Self>) -> Result<Round, StreamError>;
}
