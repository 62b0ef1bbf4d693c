//! Sending a text: `POST {api}/v1/messages`, `Authorization: <API key>` (no "Bearer"),
//! `{"content", "from", "to": [..]}`; 202 answers `{"data": {"id": …}}`.

use crate::http::{classify_failure, HttpRequest, SendOutcome};
use serde_json::json;

pub const API_BASE: &str = "https://api.openphone.com";

pub fn send_request(api_base: &str, api_key: &str, from: &str, to: &str, content: &str) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: format!("{}/v1/messages", api_base.trim_end_matches('/')),
        headers: vec![("authorization".into(), api_key.to_owned()), ("content-type".into(), "application/json".into())],
        body: json!({ "content": content, "from": from, "to": [to] }).to_string(),
    }
}

/// 429 and 5xx are retried; other errors (bad key, unregistered number) are not.
pub fn parse_send_response(status: u16, body: &str) -> SendOutcome {
    let json = serde_json::from_str::<serde_json::Value>(body).ok();
    if (200..300).contains(&status) {
        return match json.as_ref().and_then(|j| j.pointer("/data/id")).and_then(|id| id.as_str()) {
            Some(id) => SendOutcome::Sent { provider_id: id.to_owned() },
            None => SendOutcome::Retry(format!("openphone {status} without a message id")),
        };
    }
    let message = json.as_ref().and_then(|j| j.get("message")).and_then(|m| m.as_str()).unwrap_or("");
    let detail = format!("openphone {status}: {message}");
    classify_failure(status, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_request_and_reads_answers() {
        let r = send_request("https://api.openphone.com", "KEY", "+14155550199", "+447700900123", "Hello");
        assert_eq!(r.url, "https://api.openphone.com/v1/messages");
        assert!(r.headers.contains(&("authorization".into(), "KEY".into())), "raw key, no Bearer");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body, json!({"content": "Hello", "from": "+14155550199", "to": ["+447700900123"]}));
        assert_eq!(
            parse_send_response(202, r#"{"data":{"id":"MS1","status":"queued"}}"#),
            SendOutcome::Sent { provider_id: "MS1".into() }
        );
        assert!(matches!(parse_send_response(401, r#"{"message":"Unauthorized"}"#), SendOutcome::Failed(_)));
        assert!(matches!(parse_send_response(503, ""), SendOutcome::Retry(_)));
    }
}
