//! Sending an SMS/WhatsApp message with Twilio's Messages REST API:
//! `POST {api}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `From`,
//! `Body`, HTTP Basic `AccountSid:AuthToken`. Twilio answers 201 with the message resource
//! (`sid`, `status`), or an error object `{code, message, status}`.

use crate::form;
use crate::http::{basic_auth, classify_failure, HttpRequest, SendOutcome};
use serde::Deserialize;

/// Twilio's API origin; tests point the Worker at a fake speaking the same wire format.
pub const API_BASE: &str = "https://api.twilio.com";

/// One outbound message.
pub struct OutboundSms<'a> {
    pub account_sid: &'a str,
    pub auth_token: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub body: &'a str,
}

pub fn send_request(api_base: &str, message: &OutboundSms<'_>) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: format!("{}/2010-04-01/Accounts/{}/Messages.json", api_base.trim_end_matches('/'), message.account_sid),
        headers: vec![
            ("authorization".into(), basic_auth(message.account_sid, message.auth_token)),
            ("content-type".into(), "application/x-www-form-urlencoded".into()),
            ("accept".into(), "application/json".into()),
        ],
        body: form::encode(&[("To", message.to), ("From", message.from), ("Body", message.body)]),
    }
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

#[derive(Deserialize)]
struct ApiError {
    code: Option<u32>,
    message: Option<String>,
}

/// Reads Twilio's answer. 429 and 5xx are retried; other 4xx (invalid `To`, unverified
/// sender, bad credentials) will not succeed by retrying.
pub fn parse_send_response(status: u16, body: &str) -> SendOutcome {
    if (200..300).contains(&status) {
        return match serde_json::from_str::<Created>(body) {
            Ok(created) => SendOutcome::Sent { provider_id: created.sid },
            Err(_) => SendOutcome::Retry(format!("twilio {status} without a message sid")),
        };
    }
    let detail = serde_json::from_str::<ApiError>(body)
        .map(|e| format!("twilio {status} code {}: {}", e.code.unwrap_or(0), e.message.unwrap_or_default()))
        .unwrap_or_else(|_| format!("twilio {status}"));
    classify_failure(status, detail)
}

/// Deleting a call recording: `DELETE {api}/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json`
/// (Twilio answers 204 No Content).
pub fn delete_recording_request(
    api_base: &str,
    account_sid: &str,
    auth_token: &str,
    recording_sid: &str,
) -> HttpRequest {
    HttpRequest {
        method: "DELETE",
        url: format!(
            "{}/2010-04-01/Accounts/{account_sid}/Recordings/{}.json",
            api_base.trim_end_matches('/'),
            form::encode_component(recording_sid)
        ),
        headers: vec![
            ("authorization".into(), basic_auth(account_sid, auth_token)),
            ("accept".into(), "application/json".into()),
        ],
        body: String::new(),
    }
}

/// Reads the answer to a delete: done (2xx, or 404 — already gone, which is what was asked),
/// worth retrying (429, 5xx) or refused for good (bad credentials).
pub fn parse_delete_response(status: u16, body: &str, recording_sid: &str) -> SendOutcome {
    if (200..300).contains(&status) || status == 404 {
        return SendOutcome::Sent { provider_id: recording_sid.to_owned() };
    }
    parse_send_response(status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_a_recording_as_twilio_documents_and_a_missing_one_counts_as_deleted() {
        let request = delete_recording_request("https://api.twilio.com/", "AC123", "secret", "RE42");
        assert_eq!(request.method, "DELETE");
        assert_eq!(request.url, "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings/RE42.json");
        assert!(request.headers.contains(&("authorization".into(), "Basic QUMxMjM6c2VjcmV0".into())));
        assert!(request.body.is_empty());
        assert_eq!(parse_delete_response(204, "", "RE42"), SendOutcome::Sent { provider_id: "RE42".into() });
        assert_eq!(parse_delete_response(404, "{}", "RE42"), SendOutcome::Sent { provider_id: "RE42".into() });
        assert!(matches!(parse_delete_response(503, "", "RE42"), SendOutcome::Retry(_)));
        assert!(matches!(
            parse_delete_response(401, r#"{"code":20003,"message":"Authenticate"}"#, "RE42"),
            SendOutcome::Failed(_)
        ));
    }

    #[test]
    fn builds_the_messages_request_twilio_documents() {
        let request = send_request(
            "https://api.twilio.com/",
            &OutboundSms {
                account_sid: "AC123",
                auth_token: "secret",
                from: "+14155550100",
                to: "+447700900999",
                body: "Flood at 14 Elm Rd",
            },
        );
        assert_eq!(request.method, "POST");
        assert_eq!(request.url, "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json");
        assert!(request.headers.contains(&("authorization".into(), "Basic QUMxMjM6c2VjcmV0".into())));
        assert_eq!(request.body, "To=%2B447700900999&From=%2B14155550100&Body=Flood%20at%2014%20Elm%20Rd");
    }

    #[test]
    fn classifies_answers() {
        assert_eq!(
            parse_send_response(201, r#"{"sid":"SM1","status":"queued"}"#),
            SendOutcome::Sent { provider_id: "SM1".into() }
        );
        let invalid = parse_send_response(400, r#"{"code":21211,"message":"Invalid 'To' Phone Number","status":400}"#);
        assert_eq!(invalid, SendOutcome::Failed("twilio 400 code 21211: Invalid 'To' Phone Number".into()));
        assert!(matches!(parse_send_response(429, "{}"), SendOutcome::Retry(_)));
        assert!(matches!(parse_send_response(503, "<html>"), SendOutcome::Retry(_)));
        assert!(matches!(parse_send_response(401, "not json"), SendOutcome::Failed(_)));
        assert!(matches!(parse_send_response(201, "{}"), SendOutcome::Retry(_)));
    }
}
