//! LLM brains: Anthropic Messages and OpenAI-compatible Chat Completions, with tool use and
//! streaming — the pure half. Requests are built as [`crate::http::HttpRequest`] data and answers
//! are fed back as bytes, so the Worker's part is a loop of fetches (see [`session`]).
//!
//! Layout: [`config`] (the tenant's settings), [`budget`] (spend policy), [`prompt`] (system
//! prompt and conversation), [`tools`] (definitions and the executor), [`act_tools`] (the acts as tools), [`sse`] (the stream
//! parser), [`anthropic`] and [`openai`] (wire formats), [`session`] (the tool loop) and
//! [`outcome`] (the turn's reply, with the rules brain as safety net and fallback).

pub mod act_tools;
pub mod anthropic;
pub mod budget;
pub mod config;
pub mod openai;
pub mod outcome;
pub mod prompt;
mod round;
pub mod session;
pub mod sse;
#[cfg(test)]
mod testing;
pub mod tools;

pub use budget::{budget_mode, BudgetMode};
pub use config::{LlmSettings, Provider};
pub use outcome::LlmBrainOutcome;
pub use prompt::{transcript_within, PromptContext, Role, TRANSCRIPT_CHARS};
pub use round::Usage;
pub use session::{Found, Io, LlmOutcome, Next, Session, Stop};
pub use tools::{run_tool, Action, ToolCall, ToolOutcome};
