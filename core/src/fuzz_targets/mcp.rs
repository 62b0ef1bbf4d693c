//! MCP over HTTP: one JSON-RPC message per POST, its headers, and the tool arguments it carries.

use super::{parts, text};
use crate::mcp::dispatch::{dispatch, Outcome, Post, ToolOutcome};
use crate::mcp::jsonrpc::{self, Message};
use base64::Engine as _;
use serde_json::{json, Value};

pub const DICT: &[&str] = &[
    "{\"jsonrpc\":\"2.0\",",
    "\"id\":1,",
    "\"id\":\"a\",",
    "\"method\":\"tools/call\",",
    "\"method\":\"tools/list\"",
    "\"method\":\"initialize\"",
    "\"params\":{\"name\":\"search_contacts\",\"arguments\":{}}",
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}",
    "\"arguments\":",
    "\"limit\":",
    "\"query\":",
    "\"contact_id\":",
    "2025-11-25",
    "2025-06-18",
    "2026-07-28",
];

/// `[MCP-Protocol-Version, Mcp-Method, Mcp-Name, body]`, and the same body with the headers a
/// modern client would send (read from the body), so requests reach the tools' argument
/// parsers. Every answer is a JSON-RPC 2.0 object with a sensible status that serialises and
/// reads back unchanged; a request's answer carries its id; a tool call's outcome does too.
pub fn mcp_jsonrpc(data: &[u8]) {
    let [version, method, name, body] = parts::<4>(data);
    let (version, method, name) = (text(version), text(method), text(name));
    let parsed = jsonrpc::parse(body);
    if let Ok(Message::Request { id, params, .. }) = &parsed {
        assert!(id.is_string() || id.is_i64() || id.is_u64());
        assert!(params.is_null() || params.is_object());
    }
    let header = |s: &str| Some(s).filter(|s| !s.is_empty()).map(|s| s.to_owned());
    let mirrored = mirrored_headers(body);
    let posts = [
        (header(&version), header(&method), header(&name)),
        mirrored.clone(),
        (
            mirrored.0,
            mirrored.1,
            mirrored.2.map(|n| format!("=?base64?{}?=", base64::engine::general_purpose::STANDARD.encode(n))),
        ),
    ];
    for (i, (version, method, name)) in posts.iter().enumerate() {
        let post = Post {
            protocol_version: version.as_deref(),
            mcp_method: method.as_deref(),
            mcp_name: name.as_deref(),
            body,
            fixtures: i == 1,
        };
        check(&parsed, dispatch(&post));
    }
}

/// The headers a modern client sends for `body`: its `_meta` version, method and tool name.
fn mirrored_headers(body: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else { return (None, None, None) };
    let string = |v: &Value| v.as_str().map(str::to_owned);
    (
        string(&value["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"]),
        string(&value["method"]),
        string(&value["params"]["name"]),
    )
}

fn check(parsed: &Result<Message, jsonrpc::RpcError>, outcome: Outcome) {
    let request_id = match parsed {
        Ok(Message::Request { id, .. }) => Some(id),
        _ => None,
    };
    let body = match outcome {
        Outcome::Answer { status, body } => {
            assert!(matches!(status, 200 | 202 | 400 | 404), "status {status}");
            match body {
                None => {
                    assert_eq!(status, 202);
                    assert!(request_id.is_none(), "a request answered with nothing");
                    return;
                }
                Some(body) => body,
            }
        }
        Outcome::Tool(call) => {
            assert_eq!(Some(&call.id), request_id);
            let refused = call.answer(ToolOutcome::Refused("no".into()));
            assert_eq!(refused["result"]["isError"], true);
            call.answer(ToolOutcome::Done(json!({ "ok": true })))
        }
    };
    assert_eq!(body["jsonrpc"], "2.0");
    if let Some(id) = request_id {
        assert_eq!(&body["id"], id, "the answer names its request");
    }
    let written = serde_json::to_string(&body).expect("a Value serialises");
    assert_eq!(serde_json::from_str::<Value>(&written).expect("reads back"), body);
}
