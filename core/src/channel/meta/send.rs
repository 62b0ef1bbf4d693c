//! Sending a text with the Graph API: `POST {api}/v25.0/{phone_number_id}/messages`, Bearer
//! access token, JSON body; 200 answers `{"messages":[{"id":"wamid…"}]}`.

use crate::http::{classify_failure, HttpRequest, SendOutcome};
use serde::Deserialize;
use serde_json::json;

pub const API_BASE: &str = "https://graph.facebook.com";
const API_VERSION: &str = "v25.0";

pub fn send_request(api_base: &str, phone_number_id: &str, access_token: &str, to: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: format!("{}/{API_VERSION}/{phone_number_id}/messages", api_base.trim_end_matches('/')),
        headers: vec![
            ("authorization".into(), format!("Bearer {access_token}")),
            ("content-type".into(), "application/json".into()),
        ],
        body: json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": { "preview_url": false, "body": body },
        })
        .to_string(),
    }
}

#[derive(Deserialize)]
struct Sent {
    messages: Vec<SentId>,
}

#[derive(Deserialize)]
struct SentId {
    id: String,
}

/// 429 and 5xx are retried; other errors (131047 outside the 24-hour window, bad number, bad
/// token) will not succeed by retrying.
pub fn parse_send_response(status: u16, body: &str) -> SendOutcome {
    if (200..300).contains(&status) {
        return match serde_json::from_str::<Sent>(body).ok().and_then(|s| s.messages.into_iter().next()) {
            Some(sent) => SendOutcome::Sent { provider_id: sent.id },
            None => SendOutcome::Retry(format!("graph {status} without a message id")),
        };
    }
    let error = serde_json::from_str::<serde_json::Value>(body).ok();
    let code = error.as_ref().and_then(|e| e.pointer("/error/code")).and_then(|c| c.as_u64()).unwrap_or(0);
    let message = error.as_ref().and_then(|e| e.pointer("/error/message")).and_then(|m| m.as_str()).unwrap_or("");
    let detail = format!("graph {status} code {code}: {message}");
    classify_failure(status, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_text_send() {
        let r = send_request("https://graph.facebook.com/", "106540352242922", "TOKEN", "+16505551234", "Hi there");
        assert_eq!(r.url, "https://graph.facebook.com/v25.0/106540352242922/messages");
        assert!(r.headers.contains(&("authorization".into(), "Bearer TOKEN".into())));
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["messaging_product"], "whatsapp");
        assert_eq!(body["to"], "+16505551234");
        assert_eq!(body["text"]["body"], "Hi there");
    }

    #[test]
    fn classifies_answers() {
        let ok =
            r#"{"messaging_product":"whatsapp","contacts":[{"input":"+1","wa_id":"1"}],"messages":[{"id":"wamid.Z"}]}"#;
        assert_eq!(parse_send_response(200, ok), SendOutcome::Sent { provider_id: "wamid.Z".into() });
        let window = r#"{"error":{"message":"Re-engagement message","type":"OAuthException","code":131047}}"#;
        assert_eq!(
            parse_send_response(400, window),
            SendOutcome::Failed("graph 400 code 131047: Re-engagement message".into())
        );
        assert!(matches!(parse_send_response(500, "{}"), SendOutcome::Retry(_)));
        assert!(matches!(parse_send_response(200, "{}"), SendOutcome::Retry(_)));
    }
}
