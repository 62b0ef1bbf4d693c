//! Twilio's status callback for a message we sent (PROTOCOLS.md §3.1): `MessageSid`,
//! `MessageStatus` (`accepted|queued|sending|sent|delivered|undelivered|failed|read`),
//! `ErrorCode`, `ErrorMessage`, with `From` our number and `To` the contact. Callbacks are
//! best-effort and unordered, so a status only moves a message forward.

use crate::phone::PhoneE164;

/// A message status as the timeline keeps it (`messages.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted or on its way: nothing to record yet.
    Pending,
    Sent,
    Delivered,
    Read,
    Failed,
}

impl Delivered {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivered::Pending => "queued",
            Delivered::Sent => "sent",
            Delivered::Delivered => "delivered",
            Delivered::Read => "read",
            Delivered::Failed => "failed",
        }
    }
}

/// One status callback, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCallback {
    /// Twilio's id of the message we sent (`SM…`).
    pub message_sid: String,
    /// The tenant's number the message went from (resolves the tenant and its auth token).
    pub from: PhoneE164,
    pub status: Delivered,
    /// `ErrorCode ErrorMessage` of a failed message, e.g. `30003 Unreachable destination handset`.
    pub error: Option<String>,
}

pub fn parse(params: &[(String, String)]) -> Result<StatusCallback, String> {
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let message_sid = get("MessageSid").or(get("SmsSid")).ok_or("MessageSid is missing")?.to_owned();
    let from = get("From").ok_or("From is missing")?;
    let from = PhoneE164::parse(from.strip_prefix("whatsapp:").unwrap_or(from))
        .map_err(|_| format!("From {from:?} is not an E.164 number"))?;
    let raw = get("MessageStatus").or(get("SmsStatus")).ok_or("MessageStatus is missing")?;
    let status = match raw {
        "accepted" | "scheduled" | "queued" | "sending" => Delivered::Pending,
        "sent" => Delivered::Sent,
        "delivered" => Delivered::Delivered,
        "read" => Delivered::Read,
        "undelivered" | "failed" | "canceled" => Delivered::Failed,
        other => return Err(format!("MessageStatus {other:?} is not a Twilio message status")),
    };
    let error = match (get("ErrorCode"), get("ErrorMessage")) {
        _ if status != Delivered::Failed => None,
        (Some(code), Some(message)) => Some(format!("{code} {message}")),
        (Some(code), None) => Some(format!("Twilio error {code}")),
        (None, Some(message)) => Some(message.to_owned()),
        (None, None) => Some(format!("Twilio reported the message {raw}")),
    };
    Ok(StatusCallback { message_sid, from, status, error })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_a_delivery_and_a_failure_with_its_reason() {
        let delivered =
            parse(&params(&[("MessageSid", "SM1"), ("MessageStatus", "delivered"), ("From", "+14155550100")])).unwrap();
        assert_eq!((delivered.status, delivered.error.as_deref()), (Delivered::Delivered, None));
        assert_eq!(delivered.from.as_str(), "+14155550100");
        let failed = parse(&params(&[
            ("MessageSid", "SM2"),
            ("MessageStatus", "undelivered"),
            ("From", "whatsapp:+14155550100"),
            ("ErrorCode", "30003"),
            ("ErrorMessage", "Unreachable destination handset"),
        ]))
        .unwrap();
        assert_eq!(failed.status, Delivered::Failed);
        assert_eq!(failed.error.as_deref(), Some("30003 Unreachable destination handset"));
        assert_eq!(failed.from.as_str(), "+14155550100", "WhatsApp senders lose their prefix");
    }

    #[test]
    fn in_flight_statuses_record_nothing_and_garbage_is_refused() {
        for raw in ["accepted", "queued", "sending"] {
            let s = parse(&params(&[("MessageSid", "SM1"), ("MessageStatus", raw), ("From", "+14155550100")])).unwrap();
            assert_eq!(s.status, Delivered::Pending);
        }
        assert!(parse(&params(&[("MessageStatus", "sent"), ("From", "+14155550100")])).is_err());
        assert!(parse(&params(&[("MessageSid", "SM1"), ("MessageStatus", "lost"), ("From", "+14155550100")])).is_err());
        assert!(parse(&params(&[("MessageSid", "SM1"), ("MessageStatus", "sent"), ("From", "nope")])).is_err());
    }
}
