//! Calls we place (`make_call`): why we call, the request checked before anything is stored, and
//! the URLs Twilio is given. The Calls REST request itself is `channel::twilio::calls`; the
//! greeting the person hears is `greeting::outbound_greeting`.

use crate::api::ApiError;
use crate::form;
use crate::phone::PhoneE164;
use serde::Deserialize;

/// Why we call; it decides the greeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// They rang, wrote or asked to be called back.
    Callback,
    /// A lead worth a call (a hot lead, a quiet one).
    LeadFollowUp,
}

impl Purpose {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "callback" => Some(Self::Callback),
            "lead_follow_up" => Some(Self::LeadFollowUp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Callback => "callback",
            Self::LeadFollowUp => "lead_follow_up",
        }
    }
}

/// `POST /api/v1/calls` (and the MCP `make_call` tool's arguments).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct MakeCallRequest {
    pub to: String,
    pub purpose: String,
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// A call to place, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeCall {
    pub to: PhoneE164,
    pub purpose: Purpose,
    pub contact_id: Option<String>,
}

impl MakeCallRequest {
    pub fn validate(self) -> Result<MakeCall, ApiError> {
        let to = PhoneE164::parse(&self.to)
            .map_err(|_| ApiError::bad_request("`to` must be an E.164 phone number such as +447700900123"))?;
        let purpose = Purpose::parse(&self.purpose)
            .ok_or_else(|| ApiError::bad_request("`purpose` must be one of callback, lead_follow_up"))?;
        let contact_id = match self.contact_id {
            Some(id) if id.is_empty() || id.len() > 64 => {
                return Err(ApiError::bad_request("`contact_id` must be a contact's id"))
            }
            other => other,
        };
        Ok(MakeCall { to, purpose, contact_id })
    }
}

/// An `Idempotency-Key` header: a client's retry of the same request places one call.
pub fn idempotency_key(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(key) if key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(key.to_owned())),
        Some(_) => Err(ApiError::bad_request("`Idempotency-Key` must be at most 255 printable characters")),
    }
}

pub const OUTBOUND_PATH: &str = "/webhooks/twilio/voice/outbound";
pub const STATUS_PATH: &str = "/webhooks/twilio/voice/status";

/// The TwiML URL Twilio fetches when the person answers, and the status callback: both name
/// our call and the tenant's number (on a call we place, `To` is the person, not the tenant).
pub fn webhook_urls(base_url: &str, call_id: &str, tenant_number: &str) -> (String, String) {
    let query = form::encode(&[("call", call_id), ("number", tenant_number)]);
    (format!("{base_url}{OUTBOUND_PATH}?{query}"), format!("{base_url}{STATUS_PATH}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(to: &str, purpose: &str, contact_id: Option<&str>) -> MakeCallRequest {
        MakeCallRequest { to: to.into(), purpose: purpose.into(), contact_id: contact_id.map(Into::into) }
    }

    #[test]
    fn a_call_needs_a_number_and_a_known_purpose() {
        let call = request("+447700900123", "callback", None).validate().unwrap();
        assert_eq!((call.to.as_str(), call.purpose), ("+447700900123", Purpose::Callback));
        let bad_number = request("07700 900123", "callback", None).validate().unwrap_err();
        assert_eq!((bad_number.status, bad_number.message.starts_with("`to`")), (400, true));
        let bad_purpose = request("+447700900123", "sales", None).validate().unwrap_err();
        assert!(bad_purpose.message.starts_with("`purpose`"), "{}", bad_purpose.message);
        assert!(request("+447700900123", "lead_follow_up", Some("")).validate().is_err());
    }

    #[test]
    fn idempotency_keys_are_short_and_printable() {
        assert_eq!(idempotency_key(Some(" k-1 ")).unwrap().as_deref(), Some("k-1"));
        assert_eq!(idempotency_key(None).unwrap(), None);
        assert!(idempotency_key(Some("a b")).is_err());
        assert!(idempotency_key(Some(&"x".repeat(256))).is_err());
    }

    #[test]
    fn the_urls_name_the_call_and_the_tenant_number() {
        let (url, status) = webhook_urls("https://fd.example", "cal_1", "+14155550100");
        assert_eq!(url, "https://fd.example/webhooks/twilio/voice/outbound?call=cal_1&number=%2B14155550100");
        assert_eq!(status, "https://fd.example/webhooks/twilio/voice/status?call=cal_1&number=%2B14155550100");
    }
}
