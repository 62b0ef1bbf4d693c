//! Anthropic's Messages API with tool use, streamed: `POST {base}/v1/messages` with `x-api-key`
//! and `anthropic-version: 2023-06-01`. The SSE stream is `message_start` (input tokens),
//! then per content block `content_block_start` (text, or tool_use with id and name),
//! `content_block_delta`s (`text_delta`, or `input_json_delta` pieces of the tool input's JSON,
//! complete only at `content_block_stop`), then `message_delta` (stop reason, cumulative output
//! tokens) and `message_stop`; `ping`s anywhere, and `error` events such as `overloaded_error`.
//! Unknown events and block types are ignored, as Anthropic's versioning policy asks.

use super::round::{Message, Prompt, Round, StreamError, Usage};
use super::sse::SseEvent;
use super::tools::ToolCall;
use crate::http::HttpRequest;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const API_VERSION: &str = "2023-06-01";

pub(crate) fn request(base_url: &str, api_key: &str, prompt: &Prompt<'_>) -> HttpRequest {
    let tools: Vec<Value> = prompt
        .tools
        .iter()
        .map(|t| json!({ "name": t.name, "description": t.description, "input_schema": t.input_schema }))
        .collect();
    let body = json!({
        "model": prompt.model,
        "max_tokens": prompt.max_tokens,
        "system": prompt.system,
        "messages": prompt.messages.iter().map(message).collect::<Vec<_>>(),
        "tools": tools,
        "stream": true,
    });
    HttpRequest {
        method: "POST",
        url: format!("{}/v1/messages", base_url.trim_end_matches('/')),
        headers: vec![
            ("x-api-key".into(), api_key.into()),
            ("anthropic-version".into(), API_VERSION.into()),
            ("content-type".into(), "application/json".into()),
            ("accept".into(), "text/event-stream".into()),
        ],
        body: body.to_string(),
    }
}

fn message(message: &Message) -> Value {
    match message {
        Message::User(text) => json!({ "role": "user", "content": text }),
        Message::Assistant(text) => json!({ "role": "assistant", "content": text }),
        Message::ToolUse { text, calls } => {
            // Empty text blocks are refused by the API.
            let text = (!text.trim().is_empty()).then(|| json!({ "type": "text", "text": text }));
            let uses = calls.iter().map(|call| {
                // The echoed input must be an object; a malformed one was already answered with an error.
                let input = match serde_json::from_str::<Value>(&call.arguments) {
                    Ok(input @ Value::Object(_)) => input,
                    _ => json!({}),
                };
                json!({ "type": "tool_use", "id": call.id, "name": call.name, "input": input })
            });
            json!({ "role": "assistant", "content": text.into_iter().chain(uses).collect::<Vec<_>>() })
        }
        Message::ToolResults(results) => {
            let blocks: Vec<Value> = results
                .iter()
                .map(|r| json!({ "type": "tool_result", "tool_use_id": r.call_id, "content": r.content, "is_error": r.is_error }))
                .collect();
            json!({ "role": "user", "content": blocks })
        }
    }
}

enum Block {
    Text,
    ToolUse {
        id: String,
        name: String,
        json: String,
    },
    /// Thinking, server tools, citations…: not part of the reply.
    Other,
}

/// Reads one answer's events.
#[derive(Default)]
pub(crate) struct Decoder {
    open: BTreeMap<u64, Block>,
    text: String,
    calls: Vec<ToolCall>,
    stop_reason: Option<String>,
    usage: Usage,
    stopped: bool,
    error: Option<StreamError>,
}

impl Decoder {
    /// Reads one event; returns the reply text it adds, if any.
    pub fn event(&mut self, event: &SseEvent) -> Option<String> {
        if self.error.is_some() || self.stopped {
            return None;
        }
        let Ok(data) = serde_json::from_str::<Value>(&event.data) else {
            self.error = Some(StreamError::fatal(format!("anthropic sent an unreadable event: {}", event.data)));
            return None;
        };
        let kind = data["type"].as_str().or(event.event.as_deref()).unwrap_or_default();
        let index = data["index"].as_u64().unwrap_or_default();
        match kind {
            "message_start" => self.read_usage(&data["message"]["usage"]),
            "content_block_start" => {
                let block = &data["content_block"];
                let opened = match block["type"].as_str() {
                    Some("text") => {
                        self.open.insert(index, Block::Text);
                        return self.push_text(block["text"].as_str().unwrap_or_default());
                    }
                    Some("tool_use") => Block::ToolUse {
                        id: block["id"].as_str().unwrap_or_default().to_owned(),
                        name: block["name"].as_str().unwrap_or_default().to_owned(),
                        json: String::new(),
                    },
                    _ => Block::Other,
                };
                self.open.insert(index, opened);
            }
            "content_block_delta" => {
                let delta = &data["delta"];
                match (self.open.get_mut(&index), delta["type"].as_str()) {
                    (Some(Block::Text), Some("text_delta")) => {
                        return self.push_text(delta["text"].as_str().unwrap_or_default());
                    }
                    (Some(Block::ToolUse { json, .. }), Some("input_json_delta")) => {
                        json.push_str(delta["partial_json"].as_str().unwrap_or_default());
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if let Some(Block::ToolUse { id, name, json }) = self.open.remove(&index) {
                    let arguments = if json.trim().is_empty() { "{}".to_owned() } else { json };
                    self.calls.push(ToolCall { id, name, arguments });
                }
            }
            "message_delta" => {
                if let Some(reason) = data["delta"]["stop_reason"].as_str() {
                    self.stop_reason = Some(reason.to_owned());
                }
                self.read_usage(&data["usage"]);
            }
            "message_stop" => self.stopped = true,
            "error" => {
                let error = &data["error"];
                let kind = error["type"].as_str().unwrap_or("error");
                let detail = format!("anthropic {kind}: {}", error["message"].as_str().unwrap_or_default());
                let retryable = matches!(kind, "overloaded_error" | "api_error" | "rate_limit_error" | "timeout_error");
                self.error = Some(StreamError { retryable, detail });
            }
            _ => {} // ping, and events added after this was written
        }
        None
    }

    fn push_text(&mut self, text: &str) -> Option<String> {
        self.text.push_str(text);
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// Counts are cumulative: the latest one wins. Cache reads and writes are input too.
    fn read_usage(&mut self, usage: &Value) {
        let input: Option<u64> = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]
            .iter()
            .filter_map(|k| usage[*k].as_u64())
            .reduce(|a, b| a.saturating_add(b));
        if let Some(input) = input {
            self.usage.input_tokens = input;
        }
        if let Some(output) = usage["output_tokens"].as_u64() {
            self.usage.output_tokens = output;
        }
    }

    pub fn usage(&self) -> Usage {
        self.usage
    }

    pub fn finish(self) -> Result<Round, StreamError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if !self.stopped {
            return Err(StreamError::retry("anthropic stream ended before message_stop"));
        }
        Ok(Round { text: self.text, calls: self.calls, truncated: self.stop_reason.as_deref() == Some("max_tokens") })
    }
}
