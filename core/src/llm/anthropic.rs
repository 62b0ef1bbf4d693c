//! Anthropic's Messages API with tool use, streamed: `POST {base}/v1/messages` with `x-api-key`
//! and `anthropic-version: 2023-06-01`. The SSE stream is `message_start` (input tokens),
//! then per content block `content_block_start` (text, or tool_use with id and name),
//! `content_block_delta`s (`text_delta`, or `input_json_delta` pieces of the tool input's JSON,
//! complete only at `content_block_stop`), then `message_delta` (stop reason, cumulative output
//! tokens) and `message_stop`; `ping`s anywhere, and `error` events such as `overloaded_error`.
//! Unknown events and block types are ignored, as Anthropic's versioning policy asks.

use super::round::{Message, Prompt, Round, StreamDecoder, StreamError, Usage};
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

impl StreamDecoder for Decoder {
    fn event(&mut self, event: &SseEvent) -> Option<String> {
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

    fn usage(&self) -> Usage {
        self.usage
    }

    fn finish(self: Box<Self>) -> Result<Round, StreamError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if !self.stopped {
            return Err(StreamError::retry("anthropic stream ended before message_stop"));
        }
        Ok(Round { text: self.text, calls: self.calls, truncated: self.stop_reason.as_deref() == Some("max_tokens") })
    }
}

impl Decoder {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::round::ToolResult;
    use crate::llm::testing::cuttings;
    use crate::llm::tools::definitions;

    const DOCS_EXAMPLE: &str = include_str!("fixtures/anthropic_docs_tool_use.sse");
    const FAKE_TOOL_USE: &str = include_str!("fixtures/anthropic_tool_use.sse");

    fn decode(pieces: &[&[u8]]) -> (String, Result<Round, StreamError>, Usage) {
        crate::llm::testing::decode(Box::<Decoder>::default(), pieces)
    }

    #[test]
    fn reads_the_documented_tool_use_stream_however_it_is_cut() {
        for pieces in cuttings(DOCS_EXAMPLE.as_bytes()) {
            let (deltas, round, usage) = decode(&pieces);
            let round = round.unwrap();
            assert_eq!(round.text, "Okay, let's check the weather for San Francisco, CA:");
            assert_eq!(deltas, round.text, "the deltas add up to the text");
            assert_eq!(round.calls.len(), 1);
            let call = &round.calls[0];
            assert_eq!((call.id.as_str(), call.name.as_str()), ("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather"));
            let input: Value = serde_json::from_str(&call.arguments).unwrap();
            assert_eq!(input, json!({"location": "San Francisco, CA", "unit": "fahrenheit"}));
            assert!(!round.truncated);
            assert_eq!(usage, Usage { input_tokens: 472, output_tokens: 89 }, "output tokens are cumulative");
        }
    }

    #[test]
    fn reads_the_fake_servers_capture_byte_for_byte() {
        for pieces in cuttings(FAKE_TOOL_USE.as_bytes()) {
            let (_, round, usage) = decode(&pieces);
            let round = round.unwrap();
            assert_eq!(round.text, "I'm sorry — I'm alerting our on-call team now.");
            assert_eq!(round.calls[0].name, "escalate_to_human");
            let input: Value = serde_json::from_str(&round.calls[0].arguments).unwrap();
            assert_eq!(input["reason"], "emergency");
            assert_eq!(usage, Usage { input_tokens: 812, output_tokens: 64 });
        }
    }

    #[test]
    fn error_events_and_cut_streams_fail_with_the_right_retry_advice() {
        let start =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\
                     \"output_tokens\":1}}}\n\n";
        let overloaded = format!(
            "{start}event: error\ndata: {{\"type\": \"error\", \"error\": {{\"type\": \"overloaded_error\", \"message\": \
             \"Overloaded\"}}}}\n\n"
        );
        let (_, round, usage) = decode(&[overloaded.as_bytes()]);
        let error = round.unwrap_err();
        assert!(error.retryable);
        assert_eq!(error.detail, "anthropic overloaded_error: Overloaded");
        assert_eq!(usage.input_tokens, 25, "tokens spent before the error still count");

        let invalid = format!(
            "{start}event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}}}\n\n"
        );
        assert!(!decode(&[invalid.as_bytes()]).1.unwrap_err().retryable);

        let cut = &DOCS_EXAMPLE[..DOCS_EXAMPLE.find("event: message_delta").unwrap()];
        let error = decode(&[cut.as_bytes()]).1.unwrap_err();
        assert!(error.retryable && error.detail.contains("before message_stop"), "{error:?}");
        assert!(!decode(&[b"data: <html>\n\n"]).1.unwrap_err().retryable);
    }

    #[test]
    fn ignores_unknown_events_and_blocks_and_notes_max_tokens() {
        let body = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}\n\n\
            event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}\n\n\
            event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}\n\n\
            event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
            event: brand_new_event\ndata: {\"type\":\"brand_new_event\"}\n\n\
            event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"We \"}}\n\n\
            event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"are\"}}\n\n\
            event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n\
            event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":2}}\n\n\
            event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        let (deltas, round, _) = decode(&[body.as_bytes()]);
        let round = round.unwrap();
        assert_eq!((round.text.as_str(), deltas.as_str(), round.truncated), ("We are", "We are", true));
        assert!(round.calls.is_empty());
    }

    #[test]
    fn builds_the_messages_request_with_tools_and_the_tool_round_trip() {
        let call = ToolCall {
            id: "toolu_1".into(),
            name: "escalate_to_human".into(),
            arguments: "{\"reason\":\"emergency\",\"summary\":\"Flood\"}".into(),
        };
        let broken =
            ToolCall { id: "toolu_2".into(), name: "save_lead_details".into(), arguments: "{\"name\":".into() };
        let messages = [
            Message::User("Water everywhere!".into()),
            Message::ToolUse { text: String::new(), calls: vec![call, broken] },
            Message::ToolResults(vec![
                ToolResult {
                    call_id: "toolu_1".into(),
                    content: "{\"escalated\":\"emergency\"}".into(),
                    is_error: false,
                },
                ToolResult { call_id: "toolu_2".into(), content: "{\"error\":\"bad\"}".into(), is_error: true },
            ]),
        ];
        let tools = definitions();
        let prompt = Prompt {
            model: "claude-haiku-4-5",
            max_tokens: 400,
            system: "You are…",
            messages: &messages,
            tools: &tools,
        };
        let request = request("https://api.anthropic.com/", "sk-ant-secret", &prompt);
        assert_eq!((request.method, request.url.as_str()), ("POST", "https://api.anthropic.com/v1/messages"));
        for header in
            [("x-api-key", "sk-ant-secret"), ("anthropic-version", "2023-06-01"), ("content-type", "application/json")]
        {
            assert!(request.headers.contains(&(header.0.into(), header.1.into())), "{header:?}");
        }
        let body: Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!(
            (body["model"].as_str(), body["max_tokens"].as_u64(), body["stream"].as_bool()),
            (Some("claude-haiku-4-5"), Some(400), Some(true))
        );
        assert_eq!(body["system"], "You are…");
        assert_eq!(body["tools"][0]["name"], "escalate_to_human");
        assert_eq!(body["tools"][0]["input_schema"]["required"], json!(["reason", "summary"]));
        assert_eq!(body["messages"][0], json!({"role": "user", "content": "Water everywhere!"}));
        assert_eq!(
            body["messages"][1],
            json!({"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_1", "name": "escalate_to_human", "input": {"reason": "emergency", "summary": "Flood"}},
                {"type": "tool_use", "id": "toolu_2", "name": "save_lead_details", "input": {}}
            ]}),
            "no empty text block; a malformed input is echoed as an empty object"
        );
        assert_eq!(
            body["messages"][2],
            json!({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "{\"escalated\":\"emergency\"}", "is_error": false},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "{\"error\":\"bad\"}", "is_error": true}
            ]})
        );
    }
}
