//! Email through Resend's send API (<https://resend.com/docs/api-reference/emails/send-email>):
//! `POST https://api.resend.com/emails` with `Authorization: Bearer re_…` and a JSON body
//! `{from, to, subject, text}`; a 200 answers `{"id": "…"}`, errors `{"statusCode", "name",
//! "message"}`. The outbox's dedupe key goes in Resend's `Idempotency-Key` header
//! (<https://resend.com/docs/dashboard/emails/idempotency-keys>), so a retry after a lost
//! answer is not a second email — unlike SMS, this delivery is exactly-once.

use crate::http::{classify_failure, HttpRequest, SendOutcome};
use serde_json::json;

pub const PROVIDER: &str = "resend";
pub const API_BASE: &str = "https://api.resend.com";

/// The subject of a reply to a contact (pages carry their own).
pub const REPLY_SUBJECT: &str = "Re: your message";

pub struct OutboundEmail<'a> {
    pub api_key: &'a str,
    /// `Name <address>` or a bare address on the tenant's verified domain.
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub idempotency_key: &'a str,
}

pub fn send_request(api_base: &str, email: &OutboundEmail<'_>) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: format!("{}/emails", api_base.trim_end_matches('/')),
        headers: vec![
            ("authorization".into(), format!("Bearer {}", email.api_key)),
            ("content-type".into(), "application/json".into()),
            ("idempotency-key".into(), email.idempotency_key.to_owned()),
        ],
        body: json!({ "from": email.from, "to": [email.to], "subject": email.subject, "text": email.text }).to_string(),
    }
}

/// 429 and 5xx are retried; other errors (a bad key, an unverified domain) are not.
pub fn parse_send_response(status: u16, body: &str) -> SendOutcome {
    let json = serde_json::from_str::<serde_json::Value>(body).ok();
    if (200..300).contains(&status) {
        return match json.as_ref().and_then(|j| j.get("id")).and_then(|id| id.as_str()) {
            Some(id) => SendOutcome::Sent { provider_id: id.to_owned() },
            None => SendOutcome::Retry(format!("resend {status} without an email id")),
        };
    }
    let field = |name| json.as_ref().and_then(|j| j.get(name)).and_then(|m| m.as_str()).unwrap_or("");
    classify_failure(status, format!("resend {status} {}: {}", field("name"), field("message")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_request() {
        let r = send_request(
            "https://api.resend.com/",
            &OutboundEmail {
                api_key: "re_KEY",
                from: "Maple & Pine <desk@mapleandpine.example>",
                to: "sam@maplepine.example",
                subject: "EMERGENCY",
                text: "Water is pouring in",
                idempotency_key: "esc_1:email:sam@maplepine.example",
            },
        );
        assert_eq!((r.method, r.url.as_str()), ("POST", "https://api.resend.com/emails"));
        assert!(r.headers.contains(&("authorization".into(), "Bearer re_KEY".into())));
        assert!(r.headers.contains(&("idempotency-key".into(), "esc_1:email:sam@maplepine.example".into())));
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            body,
            json!({"from": "Maple & Pine <desk@mapleandpine.example>", "to": ["sam@maplepine.example"],
                   "subject": "EMERGENCY", "text": "Water is pouring in"})
        );
    }

    #[test]
    fn reads_answers() {
        assert_eq!(
            parse_send_response(200, r#"{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}"#),
            SendOutcome::Sent { provider_id: "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794".into() }
        );
        let refused = r#"{"statusCode":422,"name":"validation_error","message":"Invalid `to` field."}"#;
        assert_eq!(
            parse_send_response(422, refused),
            SendOutcome::Failed("resend 422 validation_error: Invalid `to` field.".into())
        );
        assert!(matches!(parse_send_response(429, "{}"), SendOutcome::Retry(_)));
        assert!(matches!(parse_send_response(500, "oops"), SendOutcome::Retry(_)));
        assert!(matches!(parse_send_response(200, "{}"), SendOutcome::Retry(_)));
    }
}
