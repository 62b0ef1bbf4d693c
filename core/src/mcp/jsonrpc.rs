//! JSON-RPC 2.0 as MCP uses it: one message per POST (batches were removed in 2025-06-18),
//! requests carry an `id`, notifications do not.

use serde_json::{json, Value};

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
/// 2026-07-28: the HTTP headers do not match the body, or a required one is missing.
pub const HEADER_MISMATCH: i64 = -32020;
/// 2026-07-28: the requested protocol version is not one the server speaks.
pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
/// The caller's rate limit is spent (sent with HTTP 429 and `Retry-After`): the first of
/// JSON-RPC's implementation-defined server errors.
pub const RATE_LIMITED: i64 = -32000;

#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// The caller's bucket is empty: try again in `retry_after` seconds (also in `data`, for
    /// clients that surface only the JSON-RPC error).
    pub fn rate_limited(retry_after: u32) -> Self {
        Self::new(RATE_LIMITED, format!("Too many requests: retry in {retry_after} s"))
            .with_data(json!({ "retryAfterSeconds": retry_after }))
    }

    pub fn to_json(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }
}

/// One message from the client.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Request {
        id: Value,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
    },
    /// A response to a request of ours; we send none, so it is acknowledged and dropped.
    Response,
}

/// Parses one POST body. An array is refused: batching is not part of any revision served.
pub fn parse(body: &[u8]) -> Result<Message, RpcError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| RpcError::new(PARSE_ERROR, format!("Parse error: {e}")))?;
    let Value::Object(object) = value else {
        let why = if value.is_array() { "batches are not supported" } else { "expected a JSON-RPC object" };
        return Err(RpcError::new(INVALID_REQUEST, format!("Invalid Request: {why}")));
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(RpcError::new(INVALID_REQUEST, "Invalid Request: `jsonrpc` must be \"2.0\""));
    }
    let id = object.get("id").filter(|id| id.is_string() || id.is_i64() || id.is_u64()).cloned();
    if object.contains_key("id") && id.is_none() {
        return Err(RpcError::new(INVALID_REQUEST, "Invalid Request: `id` must be a string or an integer"));
    }
    let Some(method) = object.get("method") else {
        if id.is_some() && (object.contains_key("result") || object.contains_key("error")) {
            return Ok(Message::Response);
        }
        return Err(RpcError::new(INVALID_REQUEST, "Invalid Request: no `method`"));
    };
    let method =
        method.as_str().ok_or_else(|| RpcError::new(INVALID_REQUEST, "Invalid Request: `method` must be a string"))?;
    let params = object.get("params").cloned().unwrap_or(Value::Null);
    if !(params.is_null() || params.is_object()) {
        return Err(RpcError::new(INVALID_REQUEST, "Invalid Request: `params` must be an object"));
    }
    Ok(match id {
        Some(id) => Message::Request { id, method: method.to_owned(), params },
        None => Message::Notification { method: method.to_owned() },
    })
}

pub fn result(id: &Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

/// An error answer; `id` is null when the request's own id could not be read.
pub fn error(id: Option<&Value>, error: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id.cloned().unwrap_or(Value::Null), "error": error.to_json() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_notifications_and_responses_are_told_apart() {
        let request = parse(br#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#).unwrap();
        assert_eq!(request, Message::Request { id: json!(7), method: "tools/list".into(), params: Value::Null });
        let note = parse(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).unwrap();
        assert_eq!(note, Message::Notification { method: "notifications/initialized".into() });
        assert_eq!(parse(br#"{"jsonrpc":"2.0","id":"a","result":{}}"#).unwrap(), Message::Response);
    }

    #[test]
    fn malformed_bodies_are_named_errors() {
        assert_eq!(parse(b"{not json").unwrap_err().code, PARSE_ERROR);
        let batch = parse(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#).unwrap_err();
        assert_eq!(batch.code, INVALID_REQUEST);
        assert!(batch.message.contains("batches"));
        assert_eq!(parse(br#"{"id":1,"method":"ping"}"#).unwrap_err().code, INVALID_REQUEST);
        assert_eq!(parse(br#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#).unwrap_err().code, INVALID_REQUEST);
        assert_eq!(parse(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#).unwrap_err().code, INVALID_REQUEST);
    }
}
