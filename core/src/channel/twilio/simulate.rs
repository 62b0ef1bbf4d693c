//! A text to a tenant's own Twilio number, made and signed here exactly as Twilio would: the
//! console's simulator (development and test only) hands it to the real SMS webhook, which
//! checks the signature and answers it like any other. Also reads the reply back out of TwiML.

use super::signature::expected_signature;
use super::twiml::HEADER;
use crate::form;

/// Simulated messages name no real Twilio account.
const SIMULATED_ACCOUNT_SID: &str = "AC00000000000000000000000000000000";

/// The form body Twilio posts for an inbound SMS, and its `X-Twilio-Signature` for `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedSms {
    pub body: String,
    pub signature: String,
}

pub fn signed_sms(auth_token: &str, url: &str, message_sid: &str, from: &str, to: &str, text: &str) -> SignedSms {
    let pairs = [
        ("MessageSid", message_sid),
        ("SmsSid", message_sid),
        ("AccountSid", SIMULATED_ACCOUNT_SID),
        ("From", from),
        ("To", to),
        ("Body", text),
        ("NumMedia", "0"),
    ];
    let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    SignedSms { body: form::encode(&pairs), signature: expected_signature(auth_token, url, &owned) }
}

/// The texts of the `<Message>` verbs of a TwiML answer this crate wrote (`twiml.rs`), in order.
pub fn reply_texts(twiml: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut rest = twiml.strip_prefix(HEADER).unwrap_or(twiml);
    while let Some(open) = rest.find("<Message") {
        let after = &rest[open..];
        let Some(start) = after.find('>').map(|i| i + 1) else { break };
        let Some(len) = after[start..].find("</Message>") else { break };
        texts.push(unescape(&after[start..start + len]));
        rest = &after[start + len..];
    }
    texts
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::super::{empty_response, message_response, tracked_message_response, verify_form};
    use super::*;
    use crate::form::Form;

    #[test]
    fn the_webhook_accepts_what_the_simulator_signs_and_nothing_else() {
        let url = "http://127.0.0.1:8787/webhooks/twilio/sms";
        let sms =
            signed_sms("demo-twilio-auth-token", url, "SM1", "+447700900123", "+14155550100", "Hi & hello, 50% off?");
        let form = Form::parse(sms.body.as_bytes()).expect("form");
        assert_eq!(form.non_empty("Body"), Some("Hi & hello, 50% off?"));
        assert_eq!(form.non_empty("From"), Some("+447700900123"));
        assert!(verify_form("demo-twilio-auth-token", url, form.pairs(), &sms.signature));
        assert!(!verify_form("another-token", url, form.pairs(), &sms.signature), "another tenant's token");
        assert!(!verify_form(
            "demo-twilio-auth-token",
            "http://evil.example/webhooks/twilio/sms",
            form.pairs(),
            &sms.signature
        ));
    }

    #[test]
    fn replies_read_back_from_twiml_as_written() {
        let text = "Fish & chips <today> at \"Joe's\"";
        assert_eq!(reply_texts(&message_response(text)), vec![text.to_owned()]);
        assert_eq!(reply_texts(&tracked_message_response(text, "https://x/status?a=1&b=2")), vec![text.to_owned()]);
        assert!(reply_texts(&empty_response()).is_empty());
    }
}
