//! OpenAI Chat Completions with function tools, streamed — also spoken by most other providers
//! and local servers: `POST {base}/chat/completions` with `Authorization: Bearer`. The stream is
//! `data: {chunk}` lines: `choices[0].delta.content` pieces, `delta.tool_calls[]` pieces keyed
//! by `index` (id and name in the first, `function.arguments` JSON in fragments), a
//! `finish_reason` (`stop`, `tool_calls`, `length`), with `stream_options.include_usage` a last
//! chunk with no choices and the `usage`, then `data: [DONE]`. Errors are `{"error": {...}}`.

use super::round::{Message, Prompt, Round, StreamDecoder, StreamError, Usage};
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
    let mut body = json!({
        "model": prompt.model,
        "messages": messages,
        "tools": tools,
        "stream": true,
        "stream_options": { "include_usage": true },
    });
    body[token_limit_field(prompt.model)] = json!(prompt.max_tokens);
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

/// OpenAI's reasoning families (o1, o3, o4, gpt-5) refuse `max_tokens` and take
/// `max_completion_tokens`; other models and most compatible servers take `max_tokens`.
fn token_limit_field(model: &str) -> &'static str {
    let name = model.rsplit('/').next().unwrap_or(model).to_ascii_lowercase();
    let reasoning =
        ["o1", "o3", "o4", "gpt-5"].iter().any(|family| name == *family || name.starts_with(&format!("{family}-")));
    if reasoning {
        "max_completion_tokens"
    } else {
        "max_tokens"
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

impl StreamDecoder for Decoder {
    fn event(&mut self, event: &SseEvent) -> Option<String> {
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

    fn usage(&self) -> Usage {
        self.usage
    }

    fn finish(self: Box<Self>) -> Result<Round, StreamError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request_body(prompt: &Prompt<'_>) -> String {
        request("https://api.openai.com/v1", "k", prompt).body
    }
    use crate::llm::round::ToolResult;
    use crate::llm::testing::cuttings;
    use crate::llm::tools::definitions;

    const FAKE_TOOL_CALLS: &str = include_str!("fixtures/openai_tool_calls.sse");

    fn decode(pieces: &[&[u8]]) -> (String, Result<Round, StreamError>, Usage) {
        crate::llm::testing::decode(Box::<Decoder>::default(), pieces)
    }

    fn chunk(choice: Value) -> String {
        let chunk = json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
                           "choices": [choice], "usage": null});
        format!("data: {chunk}\n\n")
    }

    fn tool_piece(index: u64, id: Option<&str>, name: Option<&str>, arguments: &str) -> String {
        let mut call = json!({"index": index, "function": {"arguments": arguments}});
        if let (Some(id), Some(name)) = (id, name) {
            call["id"] = json!(id);
            call["type"] = json!("function");
            call["function"]["name"] = json!(name);
        }
        chunk(json!({"index": 0, "delta": {"tool_calls": [call]}, "logprobs": null, "finish_reason": null}))
    }

    #[test]
    fn two_parallel_tool_calls_interleaved_by_index_come_out_whole_and_in_order() {
        let mut body =
            chunk(json!({"index": 0, "delta": {"role": "assistant", "content": null}, "finish_reason": null}));
        body += &tool_piece(0, Some("call_a"), Some("get_business_hours"), "");
        body += &tool_piece(1, Some("call_b"), Some("save_lead_details"), "{\"na");
        body += &tool_piece(0, None, None, "{}");
        body += &tool_piece(1, None, None, "me\": \"Ana Lima\", ");
        body += &tool_piece(1, None, None, "\"beds\": 2}");
        body += &chunk(json!({"index": 0, "delta": {}, "logprobs": null, "finish_reason": "tool_calls"}));
        body += "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\
                 \"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":40,\"total_tokens\":160}}\n\n\
                 data: [DONE]\n\n";
        for pieces in cuttings(body.as_bytes()) {
            let (deltas, round, usage) = decode(&pieces);
            let round = round.unwrap();
            assert_eq!((round.text.as_str(), deltas.as_str()), ("", ""));
            let calls: Vec<(&str, &str, &str)> =
                round.calls.iter().map(|c| (c.id.as_str(), c.name.as_str(), c.arguments.as_str())).collect();
            assert_eq!(
                calls,
                [
                    ("call_a", "get_business_hours", "{}"),
                    ("call_b", "save_lead_details", "{\"name\": \"Ana Lima\", \"beds\": 2}")
                ]
            );
            assert_eq!(usage, Usage { input_tokens: 120, output_tokens: 40 });
        }
    }

    #[test]
    fn reads_the_fake_servers_capture_byte_for_byte() {
        for pieces in cuttings(FAKE_TOOL_CALLS.as_bytes()) {
            let (deltas, round, usage) = decode(&pieces);
            let round = round.unwrap();
            assert_eq!(round.text, "I'm sorry — I'm alerting our on-call team now.");
            assert_eq!(deltas, round.text);
            assert_eq!(
                (round.calls[0].id.as_str(), round.calls[0].name.as_str()),
                ("call_fake_0005", "escalate_to_human")
            );
            let input: Value = serde_json::from_str(&round.calls[0].arguments).unwrap();
            assert_eq!(input["summary"], "Water pouring through the ceiling at 14 Elm Rd");
            assert_eq!(usage, Usage { input_tokens: 812, output_tokens: 64 });
        }
    }

    #[test]
    fn errors_truncation_and_streams_without_done() {
        let error = "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
        let failure = decode(&[error.as_bytes()]).1.unwrap_err();
        assert!(failure.retryable);
        assert_eq!(failure.detail, "openai server_error: The server had an error");
        let invalid = "data: {\"error\":{\"message\":\"bad model\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}\n\n";
        assert!(!decode(&[invalid.as_bytes()]).1.unwrap_err().retryable);

        let text = chunk(json!({"index": 0, "delta": {"content": "We open at 9"}, "finish_reason": null}));
        let cut = decode(&[text.as_bytes()]).1.unwrap_err();
        assert!(cut.retryable && cut.detail.contains("before finish_reason"), "{cut:?}");

        // Some compatible servers end after the finish reason, without `[DONE]` or a usage chunk.
        let ended = text.clone() + &chunk(json!({"index": 0, "delta": {}, "finish_reason": "length"}));
        let round = decode(&[ended.as_bytes()]).1.unwrap();
        assert_eq!((round.text.as_str(), round.truncated), ("We open at 9", true));
        // `choices: null` and a missing tool call id are tolerated.
        let odd = "data: {\"choices\":null}\n\n".to_owned() + &tool_piece(0, None, None, "{}") + "data: [DONE]\n\n";
        let odd = odd.replace(
            "\"function\":{\"arguments\":\"{}\"}",
            "\"function\":{\"name\":\"get_business_hours\",\"arguments\":\"{}\"}",
        );
        let round = decode(&[odd.as_bytes()]).1.unwrap();
        assert_eq!((round.calls[0].id.as_str(), round.calls[0].name.as_str()), ("call_0", "get_business_hours"));
    }

    #[test]
    fn builds_the_chat_completions_request_with_tools_and_the_tool_round_trip() {
        let call = ToolCall { id: "call_1".into(), name: "get_business_hours".into(), arguments: "{}".into() };
        let messages = [
            Message::Assistant("Hi! How can we help?".into()),
            Message::User("When are you open?".into()),
            Message::ToolUse { text: "Let me check.".into(), calls: vec![call] },
            Message::ToolResults(vec![ToolResult {
                call_id: "call_1".into(),
                content: "{\"open_now\":true}".into(),
                is_error: false,
            }]),
        ];
        let tools = definitions();
        let prompt =
            Prompt { model: "gpt-4o-mini", max_tokens: 150, system: "You are…", messages: &messages, tools: &tools };
        let request = request("https://api.openai.com/v1", "sk-secret", &prompt);
        assert_eq!((request.method, request.url.as_str()), ("POST", "https://api.openai.com/v1/chat/completions"));
        assert!(request.headers.contains(&("authorization".into(), "Bearer sk-secret".into())));
        let body: Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!((body["stream"].as_bool(), body["max_tokens"].as_u64()), (Some(true), Some(150)));
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
        for (model, field) in [
            ("o3-mini", "max_completion_tokens"),
            ("openai/gpt-5", "max_completion_tokens"),
            ("o1", "max_completion_tokens"),
            ("gpt-4o", "max_tokens"),
            ("llama-3.1-o1ish", "max_tokens"),
        ] {
            let reasoning = Prompt { model, ..prompt };
            let body: Value = serde_json::from_str(&request_body(&reasoning)).unwrap();
            assert_eq!(body[field].as_u64(), Some(150), "{model} takes {field}");
            let other = if field == "max_tokens" { "max_completion_tokens" } else { "max_tokens" };
            assert!(body.get(other).is_none(), "{model} never gets {other}");
        }
        assert_eq!(body["tools"][1]["type"], "function");
        assert_eq!(body["tools"][1]["function"]["name"], "save_lead_details");
        assert_eq!(body["tools"][1]["function"]["parameters"]["type"], "object");
        assert_eq!(
            body["messages"],
            json!([
                {"role": "system", "content": "You are…"},
                {"role": "assistant", "content": "Hi! How can we help?"},
                {"role": "user", "content": "When are you open?"},
                {"role": "assistant", "content": "Let me check.", "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_business_hours", "arguments": "{}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "{\"open_now\":true}"}
            ])
        );
    }
}
