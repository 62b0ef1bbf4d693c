//! OpenAI Chat Completions with function tools, streamed — also spoken by most other providers
//! and local servers: `POST {base}/chat/completions` with `Authorization: Bearer`. The stream is
//! `data: {chunk}` lines: `choices[0].delta.content` pieces, `delta.tool_calls[]` pieces keyed
//! by `index` (id and name in the first, `function.arguments` JSON in fragments), a
//! `finish_reason` (`stop`, `tool_calls`, `length`), with `stream_options.include_usage` a last
//! chunk with no choices and the `usage`, then `data: [DONE]`. Errors are `{"error": {...}}`.

use super::round::{Message, Prompt, Round, StreamError, Usage};
use super::sse::SseEvent;
use super::tools::ToolCall;
use crate::http::HttpRequest;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub(crate) fn request(base_url: &str, api_key: &str, prompt: &Prompt<'_>) -> HttpRequest {
    let mut messages = vec![json!({ "role": "system", "content": prompt.system })];
    for m in prompt.messages {
        match m {
            Message::User(text) => messages.push(json!({ "role": "user", "content": text })),
            Message::Assistant(text) => messages.push(json!({ "role": "assistant", "content": text })),
            Message::ToolUse { text, calls } => {
                let calls: Vec<Value> = calls
                    .iter()
                    .map(|c| json!({ "id": c.id, "type": "function", "function": { "name": c.name, "arguments": c.arguments } }))
                    .collect();
                let content = (!text.trim().is_empty()).then_some(text);
                messages.push(json!({ "role": "assistant", "content": content, "tool_calls": calls }));
            }
            Message::ToolResults(results) => messages.extend(
                results.iter().map(|r| json!({ "role": "tool", "tool_call_id": r.call_id, "content": r.content })),
            ),
        }
    }
    let tools: Vec<Value> = prompt
        .tools
        .iter()
        .map(|t| json!({ "type": "function", "function": { "name": t.name, "description": t.description, "parameters": t.input_schema } }))
        .collect();
    let body = json!({
        "model": prompt.model,
        "max_tokens": prompt.max_tokens,
        "messages": messages,
        "tools": tools,
        "stream": true,
        "stream_options": { "include_usage": true },
    });
    HttpRequest {
        method: "POST",
        url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
        headers: vec![
            ("authorization".into(), format!("Bearer {api_key}")),
            ("content-type".into(), "application/json".into()),
            ("accept".into(), "text/event-stream".into()),
        ],
        body: body.to_string(),
    }
}

#[derive(Default)]
struct PartialCall {
    id: Option<String>,
    name: String,
    arguments: String,
}

/// Reads one answer's chunks.
#[derive(Default)]
pub(crate) struct Decoder {
    text: String,
    calls: BTreeMap<u64, PartialCall>,
    finish_reason: Option<String>,
    usage: Usage,
    done: bool,
    error: Option<StreamError>,
}

impl Decoder {
    /// Reads one event; returns the reply text it adds, if any.
    pub fn event(&mut self, event: &SseEvent) -> Option<String> {
        if self.error.is_some() || self.done {
            return None;
        }
        if event.data.trim() == "[DONE]" {
            self.done = true;
            return None;
        }
        let Ok(chunk) = serde_json::from_str::<Value>(&event.data) else {
            self.error = Some(StreamError::fatal(format!("openai sent an unreadable chunk: {}", event.data)));
            return None;
        };
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            self.error = Some(stream_error(&chunk["error"]));
            return None;
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            self.usage = Usage {
                input_tokens: usage["prompt_tokens"].as_u64().unwrap_or_default(),
                output_tokens: usage["completion_tokens"].as_u64().unwrap_or_default(),
            };
        }
        // `choices` may be empty (the usage chunk), null or absent (some compatible servers).
        let choice = chunk["choices"].as_array()?.iter().find(|c| c["index"].as_u64().unwrap_or(0) == 0)?;
        if let Some(reason) = choice["finish_reason"].as_str() {
            self.finish_reason = Some(reason.to_owned());
        }
        let delta = &choice["delta"];
        for (position, piece) in delta["tool_calls"].as_array().into_iter().flatten().enumerate() {
            let index = piece["index"].as_u64().unwrap_or(position as u64);
            let call = self.calls.entry(index).or_default();
            if let Some(id) = piece["id"].as_str().filter(|id| !id.is_empty()) {
                call.id = Some(id.to_owned());
            }
            let function = &piece["function"];
            if let Some(name) = function["name"].as_str().filter(|n| !n.is_empty()) {
                call.name = name.to_owned();
            }
            call.arguments.push_str(function["arguments"].as_str().unwrap_or_default());
        }
        let text = delta["content"].as_str().unwrap_or_default();
        self.text.push_str(text);
        (!text.is_empty()).then(|| text.to_owned())
    }

    pub fn usage(&self) -> Usage {
        self.usage
    }

    pub fn finish(self) -> Result<Round, StreamError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        // `[DONE]` is the end; a finish reason is enough from servers that omit it.
        if !self.done && self.finish_reason.is_none() {
            return Err(StreamError::retry("openai stream ended before finish_reason"));
        }
        let calls = self
            .calls
            .into_iter()
            .filter(|(_, call)| !call.name.is_empty())
            .map(|(index, call)| ToolCall {
                id: call.id.unwrap_or_else(|| format!("call_{index}")),
                name: call.name,
                arguments: if call.arguments.trim().is_empty() { "{}".to_owned() } else { call.arguments },
            })
            .collect();
        Ok(Round { text: self.text, calls, truncated: self.finish_reason.as_deref() == Some("length") })
    }
}

/// An in-stream `error` object: server-side trouble and rate limits may pass.
fn stream_error(error: &Value) -> StreamError {
    let kind = error["type"].as_str().or(error["code"].as_str()).unwrap_or("error");
    let detail = format!("openai {kind}: {}", error["message"].as_str().unwrap_or_default());
    let retryable = ["server_error", "rate_limit", "overloaded", "timeout", "unavailable"]
        .iter()
        .any(|k| kind.contains(k) || error["code"].as_str().is_some_and(|c| c.contains(k)));
    StreamError { retryable, detail }
}
