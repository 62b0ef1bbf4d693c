//! The fixture tools the official conformance suite's server scenarios call
//! (`@modelcontextprotocol/conformance`, miniflare-tests/mcp_conformance.test.mjs): fixed
//! answers of each content type, an error result, and a 2020-12 input schema kept whole.
//!
//! They exist only when the dispatch is told so ([`super::dispatch::Post::fixtures`]), which the
//! Worker does only when `ENVIRONMENT` is `test` — a value no deployed configuration has — so a
//! tenant's client never sees them. They touch nothing: no storage, no tenant data, no audit.

use serde_json::{json, Value};

/// A 1×1 transparent PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
/// A WAV header with no samples (44 bytes).
const WAV: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

const NO_ARGUMENTS: &str = r#"{"type": "object", "properties": {}}"#;

/// (name, description, input schema)
const FIXTURES: [(&str, &str, &str); 7] = [
    ("test_simple_text", "Returns a simple text response", NO_ARGUMENTS),
    ("test_image_content", "Returns an image", NO_ARGUMENTS),
    ("test_audio_content", "Returns audio", NO_ARGUMENTS),
    ("test_embedded_resource", "Returns an embedded resource", NO_ARGUMENTS),
    ("test_multiple_content_types", "Returns text, an image and a resource", NO_ARGUMENTS),
    ("test_error_handling", "Always fails with an error result", NO_ARGUMENTS),
    (
        "json_schema_2020_12_tool",
        "Tool with JSON Schema 2020-12 features",
        r##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
  "$defs": {"address": {"type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
  "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
  "additionalProperties": false}"##,
    ),
];

/// The fixtures as `tools/list` shows them.
pub fn describe() -> Vec<Value> {
    FIXTURES
        .iter()
        .map(|(name, description, schema)| {
            json!({
                "name": name,
                "description": description,
                "inputSchema": serde_json::from_str::<Value>(schema).unwrap_or(Value::Null),
            })
        })
        .collect()
}

/// The `tools/call` result of the fixture `name`, or `None` when it is not one.
pub fn call(name: &str) -> Option<Value> {
    let text = |text: &str| json!({ "type": "text", "text": text });
    let image = json!({ "type": "image", "data": PNG, "mimeType": "image/png" });
    let resource = json!({ "type": "resource", "resource": {
        "uri": "test://embedded-resource", "mimeType": "text/plain", "text": "This is an embedded resource content."
    }});
    let content = match name {
        "test_simple_text" => vec![text("This is a simple text response for testing.")],
        "test_image_content" => vec![image],
        "test_audio_content" => vec![json!({ "type": "audio", "data": WAV, "mimeType": "audio/wav" })],
        "test_embedded_resource" => vec![resource],
        "test_multiple_content_types" => vec![text("Multiple content types test:"), image, resource],
        "test_error_handling" => {
            return Some(
                json!({ "content": [text("This tool intentionally returns an error for testing")], "isError": true }),
            )
        }
        "json_schema_2020_12_tool" => vec![text("JSON Schema 2020-12 tool called")],
        _ => return None,
    };
    Some(json!({ "content": content, "isError": false }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::tools::TOOLS;

    #[test]
    fn every_listed_fixture_answers_and_none_shadows_a_real_tool() {
        for tool in describe() {
            let name = tool["name"].as_str().unwrap();
            assert!(call(name).is_some(), "{name}");
            assert!(TOOLS.iter().all(|t| t.name != name), "{name} is a real tool's name");
            assert!(tool["inputSchema"].is_object(), "{name}'s schema parses");
        }
        assert_eq!(call("send_sms"), None);
        assert_eq!(call("test_error_handling").unwrap()["isError"], true);
    }

    #[test]
    fn the_2020_12_schema_keeps_its_keywords() {
        let tools = describe();
        let tool = tools.iter().find(|t| t["name"] == "json_schema_2020_12_tool").unwrap();
        assert_eq!(tool["inputSchema"]["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(tool["inputSchema"]["$defs"]["address"].is_object());
        assert_eq!(tool["inputSchema"]["additionalProperties"], false);
    }
}
