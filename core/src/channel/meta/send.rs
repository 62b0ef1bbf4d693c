//! Sending with the Graph API: `POST {api}/v25.0/{phone_number_id}/messages`, Bearer access
//! token, JSON body; 200 answers `{"messages":[{"id":"wamid…"}]}`. A free-form text and a
//! template share the envelope and differ in `type` and its object (PROTOCOLS.md §4; Meta's
//! text-messages and template-messages docs, and the `TemplateObject` of Meta's WhatsApp Node SDK).

use crate::http::{classify_failure, HttpRequest, SendOutcome};
use serde::{Deserialize, Serialize};

pub const API_BASE: &str = "https://graph.facebook.com";
const API_VERSION: &str = "v25.0";

/// Meta's code for a free-form message outside the 24-hour window ("Re-engagement message":
/// more than 24 hours have passed since the customer last replied).
pub const OUTSIDE_WINDOW_CODE: u64 = 131_047;

/// The body, in the field order of Meta's examples (typed, so the order never depends on
/// `serde_json` features).
#[derive(Serialize)]
struct Outbound<'a> {
    messaging_product: &'static str,
    recipient_type: &'static str,
    to: &'a str,
    #[serde(flatten)]
    content: Content<'a>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Content<'a> {
    Text { text: Text<'a> },
    Template { template: Template<'a> },
}

#[derive(Serialize)]
struct Text<'a> {
    preview_url: bool,
    body: &'a str,
}

#[derive(Serialize)]
struct Template<'a> {
    name: &'a str,
    language: Language<'a>,
    /// Omitted for a template without variables: an empty body component is refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<Component<'a>>,
}

#[derive(Serialize)]
struct Language<'a> {
    code: &'a str,
}

#[derive(Serialize)]
struct Component<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    parameters: Vec<Parameter<'a>>,
}

#[derive(Serialize)]
struct Parameter<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    text: &'a str,
}

fn request(api_base: &str, phone_number_id: &str, access_token: &str, to: &str, content: Content<'_>) -> HttpRequest {
    let body = Outbound { messaging_product: "whatsapp", recipient_type: "individual", to, content };
    HttpRequest {
        method: "POST",
        url: format!("{}/{API_VERSION}/{phone_number_id}/messages", api_base.trim_end_matches('/')),
        headers: vec![
            ("authorization".into(), format!("Bearer {access_token}")),
            ("content-type".into(), "application/json".into()),
        ],
        body: serde_json::to_string(&body).expect("strings and bools always serialise"),
    }
}

/// A free-form text: only accepted inside the 24-hour window (see `window::choose`).
pub fn send_request(api_base: &str, phone_number_id: &str, access_token: &str, to: &str, body: &str) -> HttpRequest {
    request(api_base, phone_number_id, access_token, to, Content::Text { text: Text { preview_url: false, body } })
}

/// An approved template, the only message accepted outside the window. `params` fill the
/// body's variables in order (`{{1}}`, `{{2}}`, …).
pub fn template_request(
    api_base: &str,
    phone_number_id: &str,
    access_token: &str,
    to: &str,
    name: &str,
    language: &str,
    params: &[String],
) -> HttpRequest {
    let parameters: Vec<Parameter<'_>> = params.iter().map(|p| Parameter { kind: "text", text: p }).collect();
    let components = if parameters.is_empty() { Vec::new() } else { vec![Component { kind: "body", parameters }] };
    let template = Template { name, language: Language { code: language }, components };
    request(api_base, phone_number_id, access_token, to, Content::Template { template })
}

#[derive(Deserialize)]
struct Sent {
    messages: Vec<SentId>,
}

#[derive(Deserialize)]
struct SentId {
    id: String,
}

/// `{"error": {"code", "message"}}`, Graph's error body; `(0, "")` when it is something else.
fn graph_error(body: &str) -> (u64, String) {
    let error = serde_json::from_str::<serde_json::Value>(body).ok();
    let code = error.as_ref().and_then(|e| e.pointer("/error/code")).and_then(|c| c.as_u64()).unwrap_or(0);
    let message = error.as_ref().and_then(|e| e.pointer("/error/message")).and_then(|m| m.as_str()).unwrap_or("");
    (code, message.to_owned())
}

/// 429 and 5xx are retried; other errors (131047 outside the 24-hour window, bad number, bad
/// token) will not succeed by retrying. [`is_outside_window`] tells the first apart.
pub fn parse_send_response(status: u16, body: &str) -> SendOutcome {
    if (200..300).contains(&status) {
        return match serde_json::from_str::<Sent>(body).ok().and_then(|s| s.messages.into_iter().next()) {
            Some(sent) => SendOutcome::Sent { provider_id: sent.id },
            None => SendOutcome::Retry(format!("graph {status} without a message id")),
        };
    }
    let (code, message) = graph_error(body);
    classify_failure(status, format!("graph {status} code {code}: {message}"))
}

/// True when a send was refused because the 24-hour window has closed: send the template, or
/// hand over to a person, instead of giving up.
pub fn is_outside_window(status: u16, body: &str) -> bool {
    !(200..300).contains(&status) && graph_error(body).0 == OUTSIDE_WINDOW_CODE
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

    #[test]
    fn the_text_body_byte_for_byte() {
        let r = send_request(API_BASE, "1", "T", "+16505551234", "Hi \"there\"");
        assert_eq!(
            r.body,
            r#"{"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"text","text":{"preview_url":false,"body":"Hi \"there\""}}"#
        );
    }

    #[test]
    fn the_documented_template_send_byte_for_byte() {
        let params = vec!["Tuesday 3pm".to_owned()];
        let r = template_request(
            API_BASE,
            "106540352242922",
            "TOKEN",
            "+16505551234",
            "appointment_reminder",
            "en_US",
            &params,
        );
        assert_eq!(r.url, "https://graph.facebook.com/v25.0/106540352242922/messages");
        assert!(r.headers.contains(&("authorization".into(), "Bearer TOKEN".into())));
        assert_eq!(
            r.body,
            concat!(
                r#"{"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"template","#,
                r#""template":{"name":"appointment_reminder","language":{"code":"en_US"},"#,
                r#""components":[{"type":"body","parameters":[{"type":"text","text":"Tuesday 3pm"}]}]}}"#
            )
        );
        let plain = template_request(API_BASE, "1", "T", "+16505551234", "follow_up", "en", &[]);
        assert_eq!(
            plain.body,
            r#"{"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"template","template":{"name":"follow_up","language":{"code":"en"}}}"#,
            "no empty body component"
        );
    }

    #[test]
    fn recognises_a_send_outside_the_window() {
        let window = r#"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
          "error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
          "fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#;
        assert!(is_outside_window(400, window));
        assert!(!is_outside_window(400, r#"{"error":{"message":"Invalid parameter","code":100}}"#));
        assert!(!is_outside_window(400, "not json"));
        assert!(!is_outside_window(200, window), "a success is never a refusal");
        assert!(matches!(parse_send_response(400, window), SendOutcome::Failed(d) if d.contains("131047")));
    }
}
