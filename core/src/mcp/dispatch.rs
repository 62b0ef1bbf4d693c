//! One POST to `/mcp`, after authentication: which era it speaks, whether its headers agree
//! with its body, and what answers it — a JSON-RPC result or error with its HTTP status, a
//! bare 202 for a notification, or a tool for the glue to run ([`ToolCall`]), whose outcome
//! [`ToolCall::answer`] turns into the result.

use super::args::Call;
use super::fixtures;
use super::jsonrpc::{self, Message, RpcError};
use super::tools::{self, Tool, TOOLS};
use super::version::{self, Era, META_PROTOCOL_VERSION};
use base64::Engine;
use serde_json::{json, Value};

/// How long a modern client may cache `server/discover` and `tools/list` (they change only
/// with a deployment).
const LIST_TTL_MS: u64 = 5 * 60 * 1000;
const INSTRUCTIONS: &str = "Frontdesk is a small business's front desk: its contacts, conversations on SMS, \
WhatsApp, email and chat, leads, listings, bookings, escalations and maintenance tickets. Look a contact up \
(search_contacts) before reading their history or writing to them; write tools act for real and may wait \
for a person's approval.";

/// The request's MCP headers (names are case-insensitive; the glue reads them) and its body.
pub struct Post<'a> {
    pub protocol_version: Option<&'a str>,
    pub mcp_method: Option<&'a str>,
    pub mcp_name: Option<&'a str>,
    pub body: &'a [u8],
    /// Whether the conformance suite's fixture tools are served too ([`fixtures`]): only in the
    /// test environment.
    pub fixtures: bool,
}

#[derive(Debug)]
pub enum Outcome {
    /// Send `body` (none: an empty 202) with this HTTP status.
    Answer {
        status: u16,
        body: Option<Value>,
    },
    Tool(Box<ToolCall>),
}

#[derive(Debug)]
pub struct ToolCall {
    pub id: Value,
    pub era: Era,
    pub tool: &'static Tool,
    pub call: Call,
    /// The arguments as sent, for the audit digest and a deferred approval.
    pub arguments: Value,
}

/// What running a tool came to.
pub enum ToolOutcome {
    /// Done: the `structuredContent`, an object matching the tool's output schema.
    Done(Value),
    /// Refused for a reason the model can act on (bad input, nothing found, a rule).
    Refused(String),
}

impl ToolCall {
    /// The JSON-RPC response carrying the tool's outcome (sent with HTTP 200).
    pub fn answer(&self, outcome: ToolOutcome) -> Value {
        result_body(&self.id, self.era, tool_result(outcome))
    }
}

fn tool_result(outcome: ToolOutcome) -> Value {
    match outcome {
        ToolOutcome::Done(structured) => json!({
            "content": [{ "type": "text", "text": structured.to_string() }],
            "structuredContent": structured,
            "isError": false,
        }),
        ToolOutcome::Refused(why) => json!({ "content": [{ "type": "text", "text": why }], "isError": true }),
    }
}

pub fn dispatch(post: &Post<'_>) -> Outcome {
    let (id, method, params) = match jsonrpc::parse(post.body) {
        Err(e) => return error(400, None, &e),
        Ok(Message::Notification { .. } | Message::Response) => return Outcome::Answer { status: 202, body: None },
        Ok(Message::Request { id, method, params }) => (id, method, params),
    };
    let era = match era_of(post, &method, &params) {
        Ok(era) => era,
        Err(e) => return error(400, Some(&id), &e),
    };
    match (era, method.as_str()) {
        (Era::Legacy(_), "initialize") => {
            let requested = params["protocolVersion"].as_str();
            let agreed = version::negotiate_initialize(requested);
            ok(
                &id,
                era,
                json!({
                    "protocolVersion": agreed,
                    "capabilities": capabilities(),
                    "serverInfo": server_info(),
                    "instructions": INSTRUCTIONS,
                }),
            )
        }
        (Era::Legacy(_), "ping") => ok(&id, era, json!({})),
        (Era::Modern(_), "server/discover") => ok(
            &id,
            era,
            json!({
                "supportedVersions": version::supported(),
                "capabilities": capabilities(),
                "instructions": INSTRUCTIONS,
                "ttlMs": LIST_TTL_MS,
                "cacheScope": "public",
            }),
        ),
        (_, "tools/list") => {
            let mut tools: Vec<Value> = TOOLS.iter().map(Tool::describe).collect();
            if post.fixtures {
                tools.extend(fixtures::describe());
            }
            let mut list = json!({ "tools": tools });
            if era.is_modern() {
                list["ttlMs"] = json!(LIST_TTL_MS);
                list["cacheScope"] = json!("public");
            }
            ok(&id, era, list)
        }
        (_, "tools/call") => {
            let name = params["name"].as_str().unwrap_or_default();
            if let Some(result) = fixtures::call(name).filter(|_| post.fixtures) {
                return ok(&id, era, result);
            }
            let Some(tool) = tools::find(name) else {
                return error(
                    200,
                    Some(&id),
                    &RpcError::new(jsonrpc::INVALID_PARAMS, format!("Unknown tool: {name:?}")),
                );
            };
            let arguments = params.get("arguments").cloned().unwrap_or(Value::Null);
            match (tool.parse)(arguments.clone()) {
                Ok(call) => Outcome::Tool(Box::new(ToolCall { id, era, tool, call, arguments })),
                Err(why) => ok(&id, era, tool_result(ToolOutcome::Refused(why))),
            }
        }
        (Era::Modern(_), _) => {
            error(404, Some(&id), &RpcError::new(jsonrpc::METHOD_NOT_FOUND, format!("Method not found: {method}")))
        }
        (Era::Legacy(_), _) => {
            error(200, Some(&id), &RpcError::new(jsonrpc::METHOD_NOT_FOUND, format!("Method not found: {method}")))
        }
    }
}

/// The era and version, per the 2026-07-28 backward-compatibility rules: a request whose
/// `_meta` names a protocol version is modern and its headers must mirror its body; any other
/// is legacy, at the header's version (2025-03-26 when absent).
fn era_of(post: &Post<'_>, method: &str, params: &Value) -> Result<Era, RpcError> {
    let mismatch = |what: String| RpcError::new(jsonrpc::HEADER_MISMATCH, format!("Header mismatch: {what}"));
    let Some(declared) = params["_meta"][META_PROTOCOL_VERSION].as_str() else {
        return match post.protocol_version.map(str::trim) {
            None => Ok(Era::Legacy(version::LEGACY_DEFAULT)),
            Some(v) => match (version::legacy(v), version::modern(v)) {
                (Some(v), _) => Ok(Era::Legacy(v)),
                (None, Some(_)) => Err(mismatch(format!("MCP-Protocol-Version is {v} but `_meta` names no version"))),
                (None, None) => Err(unsupported(v)),
            },
        };
    };
    if post.protocol_version.map(str::trim) != Some(declared) {
        let header = post.protocol_version.unwrap_or("missing");
        return Err(mismatch(format!("MCP-Protocol-Version header {header:?} does not match _meta {declared:?}")));
    }
    let era = Era::Modern(version::modern(declared).ok_or_else(|| unsupported(declared))?);
    if post.mcp_method != Some(method) {
        let header = post.mcp_method.unwrap_or("missing");
        return Err(mismatch(format!("Mcp-Method header {header:?} does not match body {method:?}")));
    }
    if method == "tools/call" {
        let body = params["name"].as_str().unwrap_or_default();
        let header = post.mcp_name.map(decode_header);
        if header.as_deref() != Some(body) {
            let header = post.mcp_name.unwrap_or("missing");
            return Err(mismatch(format!("Mcp-Name header {header:?} does not match body {body:?}")));
        }
    }
    Ok(era)
}

/// A header value in the `=?base64?…?=` sentinel form decoded; any other value as it is.
fn decode_header(raw: &str) -> String {
    raw.strip_prefix("=?base64?")
        .and_then(|rest| rest.strip_suffix("?="))
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| raw.to_owned())
}

fn unsupported(requested: &str) -> RpcError {
    RpcError::new(jsonrpc::UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version")
        .with_data(json!({ "supported": version::supported(), "requested": requested }))
}

fn capabilities() -> Value {
    json!({ "tools": { "listChanged": false } })
}

fn server_info() -> Value {
    json!({ "name": "frontdesk", "title": "Frontdesk", "version": env!("CARGO_PKG_VERSION") })
}

fn ok(id: &Value, era: Era, result: Value) -> Outcome {
    Outcome::Answer { status: 200, body: Some(result_body(id, era, result)) }
}

fn result_body(id: &Value, era: Era, mut result: Value) -> Value {
    if era.is_modern() {
        result["resultType"] = json!("complete");
        result["_meta"] = json!({ "io.modelcontextprotocol/serverInfo": server_info() });
    }
    jsonrpc::result(id, result)
}

fn error(status: u16, id: Option<&Value>, e: &RpcError) -> Outcome {
    Outcome::Answer { status, body: Some(jsonrpc::error(id, e)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(version: Option<&'static str>, method: Option<&'static str>, body: &'static str) -> Outcome {
        dispatch(&Post {
            protocol_version: version,
            mcp_method: method,
            mcp_name: None,
            body: body.as_bytes(),
            fixtures: false,
        })
    }

    fn answer(outcome: Outcome) -> (u16, Value) {
        match outcome {
            Outcome::Answer { status, body } => (status, body.unwrap_or(Value::Null)),
            Outcome::Tool(call) => panic!("expected an answer, got a call of {}", call.tool.name),
        }
    }

    const MODERN_LIST: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#;

    #[test]
    fn a_legacy_client_initializes_pings_and_lists_tools_without_a_session() {
        let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
        let (status, body) = answer(post(None, None, init));
        assert_eq!(status, 200);
        assert_eq!(body["result"]["protocolVersion"], "2025-11-25");
        assert_eq!(body["result"]["serverInfo"]["name"], "frontdesk");
        assert!(body["result"].get("resultType").is_none());
        let (status, body) =
            answer(post(Some("2025-11-25"), None, r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#));
        assert_eq!((status, body), (202, Value::Null));
        let (_, body) = answer(post(Some("2025-11-25"), None, r#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#));
        assert_eq!(body, json!({"jsonrpc":"2.0","id":"p","result":{}}));
        let (_, body) = answer(post(Some("2025-06-18"), None, r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#));
        assert_eq!(body["result"]["tools"].as_array().unwrap().len(), TOOLS.len());
    }

    #[test]
    fn a_modern_client_discovers_and_lists_with_result_types_and_cache_hints() {
        let discover = r#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#;
        let (status, body) = answer(post(Some("2026-07-28"), Some("server/discover"), discover));
        assert_eq!(status, 200);
        assert_eq!(body["result"]["supportedVersions"][0], "2026-07-28");
        assert_eq!(body["result"]["resultType"], "complete");
        assert_eq!(body["result"]["cacheScope"], "public");
        let (_, body) = answer(post(Some("2026-07-28"), Some("tools/list"), MODERN_LIST));
        assert!(body["result"]["ttlMs"].as_u64().is_some());
        assert_eq!(body["result"]["tools"][0]["name"], "search_contacts");
    }

    #[test]
    fn legacy_only_methods_are_unknown_to_a_modern_request() {
        let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        let (status, body) = answer(post(Some("2026-07-28"), Some("ping"), ping));
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], jsonrpc::METHOD_NOT_FOUND);
    }

    #[test]
    fn versions_we_do_not_speak_are_400_with_the_list() {
        let (status, body) =
            answer(post(Some("2099-01-01"), None, r#"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#));
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], jsonrpc::UNSUPPORTED_PROTOCOL_VERSION);
        assert_eq!(body["error"]["data"]["requested"], "2099-01-01");
        let modern = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"1900-01-01"}}}"#;
        let (status, body) = answer(post(Some("1900-01-01"), Some("tools/list"), modern));
        assert_eq!((status, body["error"]["code"].as_i64()), (400, Some(jsonrpc::UNSUPPORTED_PROTOCOL_VERSION)));
    }

    #[test]
    fn modern_headers_must_mirror_the_body() {
        for (version, method) in
            [(None, Some("tools/list")), (Some("2026-07-28"), None), (Some("2026-07-28"), Some("tools/call"))]
        {
            let (status, body) = answer(post(version, method, MODERN_LIST));
            assert_eq!(
                (status, body["error"]["code"].as_i64()),
                (400, Some(jsonrpc::HEADER_MISMATCH)),
                "{version:?} {method:?}"
            );
        }
        let (status, body) =
            answer(post(Some("2026-07-28"), None, r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#));
        assert_eq!((status, body["error"]["code"].as_i64()), (400, Some(jsonrpc::HEADER_MISMATCH)));
        let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_leads","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        let with_name = |name| {
            dispatch(&Post {
                protocol_version: Some("2026-07-28"),
                mcp_method: Some("tools/call"),
                mcp_name: name,
                body: call.as_bytes(),
                fixtures: false,
            })
        };
        assert!(matches!(with_name(Some("list_leads")), Outcome::Tool(_)));
        assert!(matches!(with_name(Some("=?base64?bGlzdF9sZWFkcw==?=")), Outcome::Tool(_)));
        assert_eq!(answer(with_name(Some("send_sms"))).0, 400);
        assert_eq!(answer(with_name(None)).0, 400);
    }

    #[test]
    fn tool_calls_are_handed_over_and_their_outcomes_become_results() {
        let call = r#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"send_sms","arguments":{"contact_id":"c","body":"Hi"}}}"#;
        let Outcome::Tool(tool) = post(Some("2025-11-25"), None, call) else { panic!("expected a tool call") };
        assert_eq!(tool.tool.name, "send_sms");
        let done = tool.answer(ToolOutcome::Done(json!({"status": "queued"})));
        assert_eq!(done["result"]["structuredContent"]["status"], "queued");
        assert_eq!(done["result"]["content"][0]["text"], r#"{"status":"queued"}"#);
        let refused = tool.answer(ToolOutcome::Refused("no such contact".into()));
        assert_eq!(refused["result"]["isError"], true);
        assert_eq!(refused["result"]["content"][0]["text"], "no such contact");
    }

    #[test]
    fn bad_arguments_are_a_result_the_model_can_correct_and_unknown_tools_a_protocol_error() {
        let bad = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_sms","arguments":{"contact":"c"}}}"#;
        let (status, body) = answer(post(Some("2025-11-25"), None, bad));
        assert_eq!((status, &body["result"]["isError"]), (200, &json!(true)));
        assert!(body["result"]["content"][0]["text"].as_str().unwrap().contains("contact"));
        let unknown = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"launch_rocket"}}"#;
        let (_, body) = answer(post(Some("2025-11-25"), None, unknown));
        assert_eq!(body["error"]["code"], jsonrpc::INVALID_PARAMS);
    }

    #[test]
    fn fixture_tools_exist_only_when_asked_for() {
        let list = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#;
        let call = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_simple_text"}}"#;
        let with = |body: &'static str, fixtures| {
            answer(dispatch(&Post {
                protocol_version: Some("2025-11-25"),
                mcp_method: None,
                mcp_name: None,
                body: body.as_bytes(),
                fixtures,
            }))
            .1
        };
        let listed = |body: Value| body["result"]["tools"].as_array().unwrap().len();
        assert_eq!(listed(with(list, false)), TOOLS.len());
        assert_eq!(listed(with(list, true)), TOOLS.len() + fixtures::describe().len());
        assert_eq!(with(call, false)["error"]["code"], jsonrpc::INVALID_PARAMS, "unknown outside the test environment");
        assert_eq!(with(call, true)["result"]["content"][0]["type"], "text");
    }

    #[test]
    fn unreadable_bodies_are_400() {
        let (status, body) = answer(post(None, None, "[]"));
        assert_eq!(status, 400);
        assert_eq!(body["id"], Value::Null);
        assert_eq!(answer(post(None, None, "{")).0, 400);
    }
}
