//! LLM brains: Anthropic Messages and OpenAI-compatible chat completions (being written).
