//! Escalations posted to the team's Slack channel through an incoming webhook
//! (<https://api.slack.com/messaging/webhooks>): `POST` the webhook URL with JSON `{"text": …}`;
//! Slack answers `200 ok`, or an error code as plain text (`400 invalid_payload`,
//! `403 action_prohibited`, `404 no_service`, `410 channel_is_archived`) — all final but a 429
//! or 5xx (<https://api.slack.com/messaging/webhooks#handling_errors>).
//!
//! The webhook URL is a credential (whoever has it can post to the channel), so settings hold
//! only a reference to a Worker secret, `env:SLACK_WEBHOOK_…`, resolved when sending; the URL is
//! never stored, returned or logged.

use crate::http::{classify_failure, HttpRequest, SendOutcome};
use serde::{Deserialize, Serialize};

/// Where a resolved webhook URL must point: Slack's webhook host (tests name a fake instead).
pub const WEBHOOK_BASE: &str = "https://hooks.slack.com/services/";

/// `settings.slack`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackSettings {
    /// `env:SLACK_WEBHOOK_<NAME>`: the Worker secret holding the incoming webhook's URL. The
    /// prefix keeps a tenant from pointing it at any other secret of the platform.
    pub webhook: String,
}

impl SlackSettings {
    pub fn validate(&self) -> Vec<String> {
        super::secret_reference_problem("slack.webhook", &self.webhook, "env:SLACK_WEBHOOK_").into_iter().collect()
    }
}

/// The post of `text` to the resolved webhook `url`, if it points where webhooks live.
pub fn send_request(base: &str, url: &str, text: &str) -> Option<HttpRequest> {
    url.starts_with(base).then(|| HttpRequest {
        method: "POST",
        url: url.to_owned(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: serde_json::json!({ "text": text }).to_string(),
    })
}

pub fn parse_send_response(status: u16, body: &str) -> SendOutcome {
    if (200..300).contains(&status) {
        // Slack gives no message id for a webhook post.
        return SendOutcome::Sent { provider_id: "slack".into() };
    }
    let code: String = body.chars().take(60).collect();
    classify_failure(status, format!("slack {status}: {code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_slack_secret_reference_is_accepted() {
        let ok = SlackSettings { webhook: "env:SLACK_WEBHOOK_DEMO".into() };
        assert!(ok.validate().is_empty());
        for bad in [
            "https://hooks.slack.com/services/T/B/X",
            "env:CHAT_SESSION_SECRET",
            "env:SLACK_WEBHOOK_",
            "env:SLACK_WEBHOOK_A-B",
        ] {
            assert_eq!(SlackSettings { webhook: bad.into() }.validate().len(), 1, "{bad}");
        }
    }

    #[test]
    fn posts_text_only_to_webhook_urls() {
        let r = send_request(WEBHOOK_BASE, "https://hooks.slack.com/services/T0/B0/XYZ", "EMERGENCY").unwrap();
        assert_eq!((r.method, r.body.as_str()), ("POST", r#"{"text":"EMERGENCY"}"#));
        assert!(send_request(WEBHOOK_BASE, "https://evil.example/collect", "x").is_none());
        assert_eq!(parse_send_response(200, "ok"), SendOutcome::Sent { provider_id: "slack".into() });
        assert_eq!(parse_send_response(404, "no_service"), SendOutcome::Failed("slack 404: no_service".into()));
        assert!(matches!(parse_send_response(503, ""), SendOutcome::Retry(_)));
    }
}
