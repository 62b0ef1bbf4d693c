//! Website forms (`POST /webhooks/forms/{tenant}`): the enquiry a contact types into the
//! business's own site, posted by the site's backend or a form service as JSON or
//! `application/x-www-form-urlencoded`.
//!
//! Authenticity: either the tenant's API key, or an HMAC signature for form services that can
//! only sign — `X-Frontdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw
//! body>")>` (the timestamp is signed, so a captured request cannot be replayed after
//! [`REPLAY_WINDOW_SECS`]).
//!
//! Forms vary: the known fields are read under their usual names; every other field is kept
//! as a "Label: value" line of the enquiry, so nothing the contact typed is lost.

use crate::channel::Channel;
use crate::contact_key::{ContactKey, Email};
use crate::form::Form;
use crate::phone::PhoneE164;
use crate::signing::{ct_eq, hex, hmac_sha256};
use serde_json::Value;

pub const PROVIDER: &str = "form";
pub const SIGNATURE_HEADER: &str = "x-frontdesk-signature";
pub const REPLAY_WINDOW_SECS: u64 = 300;
pub const MAX_FIELDS: usize = 40;
pub const MAX_VALUE_CHARS: usize = 4000;
const MAX_ID_CHARS: usize = 128;

const NAME: [&str; 4] = ["name", "full_name", "fullname", "your-name"];
const EMAIL: [&str; 3] = ["email", "email_address", "your-email"];
const PHONE: [&str; 5] = ["phone", "phone_number", "mobile", "tel", "telephone"];
const MESSAGE: [&str; 6] = ["message", "body", "enquiry", "inquiry", "comments", "your-message"];
const PREFERRED: [&str; 2] = ["preferred_channel", "contact_by"];
const ID: [&str; 2] = ["submission_id", "id"];

/// A form submission, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The form service's id for this submission, or a digest of the fields: the idempotency
    /// key, so a resubmitted or retried post has one effect.
    pub id: String,
    pub name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<PhoneE164>,
    pub message: String,
    /// How the contact asked to be answered.
    pub preferred: Option<Channel>,
    /// Every other field, as (label, value), in arrival order.
    pub details: Vec<(String, String)>,
}

impl Submission {
    /// Reads a JSON object (string, number and boolean values) or a form-encoded body.
    pub fn parse(content_type: &str, body: &[u8]) -> Result<Self, String> {
        let pairs = if content_type.trim_start().to_ascii_lowercase().starts_with("application/json") {
            json_pairs(body)?
        } else {
            Form::parse(body).map_err(|_| "the body is not valid form encoding".to_owned())?.pairs().to_vec()
        };
        Self::from_pairs(pairs, body)
    }

    fn from_pairs(pairs: Vec<(String, String)>, raw: &[u8]) -> Result<Self, String> {
        if pairs.len() > MAX_FIELDS {
            return Err(format!("at most {MAX_FIELDS} fields"));
        }
        let mut s = Submission {
            id: String::new(),
            name: None,
            email: None,
            phone: None,
            message: String::new(),
            preferred: None,
            details: Vec::new(),
        };
        for (key, value) in pairs {
            let value = value.trim().to_owned();
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(format!("{key}: at most {MAX_VALUE_CHARS} characters"));
            }
            if value.is_empty() {
                continue;
            }
            let k = key.trim().to_ascii_lowercase();
            let k = k.as_str();
            if NAME.contains(&k) {
                s.name = Some(value);
            } else if EMAIL.contains(&k) {
                s.email = Some(Email::parse(&value).map_err(|e| format!("{key}: {e}"))?);
            } else if PHONE.contains(&k) {
                s.phone = Some(PhoneE164::parse(&value).map_err(|e| format!("{key}: {e}"))?);
            } else if MESSAGE.contains(&k) {
                s.message = value;
            } else if PREFERRED.contains(&k) {
                s.preferred = Some(match value.to_ascii_lowercase().as_str() {
                    "sms" | "text" | "phone" => Channel::Sms,
                    "whatsapp" => Channel::Whatsapp,
                    "email" => Channel::Email,
                    other => return Err(format!("{key}: `{other}` is not one of sms, whatsapp, email")),
                });
            } else if ID.contains(&k) {
                if value.chars().count() > MAX_ID_CHARS {
                    return Err(format!("{key}: at most {MAX_ID_CHARS} characters"));
                }
                s.id = value;
            } else {
                s.details.push((label(&key), value));
            }
        }
        if s.email.is_none() && s.phone.is_none() {
            return Err("a form needs an email or a phone number to answer".into());
        }
        if s.preferred == Some(Channel::Email) && s.email.is_none() {
            return Err("preferred_channel is email but there is no email".into());
        }
        if matches!(s.preferred, Some(Channel::Sms | Channel::Whatsapp)) && s.phone.is_none() {
            return Err("preferred_channel needs a phone number".into());
        }
        if s.message.is_empty() && s.details.is_empty() {
            return Err("the form is empty: no message and no other fields".into());
        }
        if s.id.is_empty() {
            s.id = format!("sha256:{}", &crate::auth::sha256_hex(raw)[..32]);
        }
        Ok(s)
    }

    /// Who the contact is, and where the answer goes: their preferred channel, else a text to
    /// their phone (answered in seconds), else an email.
    pub fn reply_route(&self) -> (ContactKey, Channel) {
        match (&self.phone, &self.email, self.preferred) {
            (_, Some(email), Some(Channel::Email)) | (None, Some(email), _) => {
                (ContactKey::Email(email.clone()), Channel::Email)
            }
            (Some(phone), _, Some(Channel::Whatsapp)) => (ContactKey::Phone(phone.clone()), Channel::Whatsapp),
            (Some(phone), _, _) => (ContactKey::Phone(phone.clone()), Channel::Sms),
            (None, None, _) => unreachable!("parse requires an email or a phone"),
        }
    }

    /// The enquiry as stored on the timeline and read by the brain: the message, then the
    /// other fields one per line.
    pub fn text(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        if !self.message.is_empty() {
            lines.push(self.message.clone());
        }
        lines.extend(self.details.iter().map(|(label, value)| format!("{label}: {value}")));
        lines.join("\n")
    }
}

fn json_pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Object(fields) = value else { return Err("expected a JSON object of fields".into()) };
    fields
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            Value::Bool(b) => Ok((k, if b { "yes" } else { "no" }.to_owned())),
            _ => Err(format!("{k}: expected text, a number or true/false")),
        })
        .collect()
}

/// `move_in_date` → "Move in date".
fn label(key: &str) -> String {
    let spaced: String = key.trim().chars().map(|c| if c == '_' || c == '-' { ' ' } else { c }).collect();
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The `v1` signature of `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    hex(&hmac_sha256(secret.as_bytes(), &signed))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No header, or not `t=…,v1=…`.
    Malformed,
    /// Signed too long ago (or too far in the future): a replay or a broken clock.
    Stale,
    Mismatch,
}

/// Checks an `X-Frontdesk-Signature` header against the raw body at `now_secs`.
pub fn verify(secret: &str, header: &str, body: &[u8], now_secs: u64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<u64>().ok(),
            Some(("v1", sig)) => signatures.push(sig.to_ascii_lowercase()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now_secs.abs_diff(timestamp) > REPLAY_WINDOW_SECS {
        return Err(SignatureError::Stale);
    }
    let expected = sign(secret, timestamp, body);
    if signatures.iter().any(|sig| ct_eq(sig.as_bytes(), expected.as_bytes())) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_and_keeps_unknown_fields_as_lines() {
        let body = br#"{"name":"Ana Lima","email":"Ana@Example.com","message":"Is the Elm Road flat free?",
                       "budget":1500,"move_in_date":"1 December","pets":true,"utm":null}"#;
        let s = Submission::parse("application/json; charset=utf-8", body).unwrap();
        assert_eq!(s.name.as_deref(), Some("Ana Lima"));
        assert_eq!(s.email.as_ref().unwrap().as_str(), "ana@example.com");
        assert_eq!(s.text(), "Is the Elm Road flat free?\nBudget: 1500\nMove in date: 1 December\nPets: yes");
        assert!(s.id.starts_with("sha256:"), "no id given: a digest of the body keys duplicates");
        assert_eq!(s.reply_route(), (ContactKey::Email(Email::parse("ana@example.com").unwrap()), Channel::Email));
    }

    #[test]
    fn reads_form_encoding_and_prefers_a_text_when_there_is_a_phone() {
        let body = b"your-name=Ben&tel=%2B44%207700%20900123&email=ben%40example.com&your-message=Viewing%3F&id=F-77";
        let s = Submission::parse("application/x-www-form-urlencoded", body).unwrap();
        assert_eq!(s.id, "F-77");
        let phone = PhoneE164::parse("+447700900123").unwrap();
        assert_eq!(s.reply_route(), (ContactKey::Phone(phone.clone()), Channel::Sms));
        let whatsapp = Submission::parse(
            "application/x-www-form-urlencoded",
            b"tel=%2B447700900123&message=hi&contact_by=whatsapp",
        )
        .unwrap();
        assert_eq!(whatsapp.reply_route(), (ContactKey::Phone(phone), Channel::Whatsapp));
        let by_email = Submission::parse(
            "application/json",
            br#"{"phone":"+447700900123","email":"b@example.com","message":"hi","preferred_channel":"email"}"#,
        )
        .unwrap();
        assert_eq!(by_email.reply_route().1, Channel::Email);
    }

    #[test]
    fn bad_submissions_are_named() {
        let err = |ct: &str, body: &[u8]| Submission::parse(ct, body).unwrap_err();
        assert!(err("application/json", b"[1]").contains("JSON object"));
        assert!(err("application/json", b"{").contains("not JSON"));
        assert!(err("application/json", br#"{"message":"hi"}"#).contains("email or a phone"));
        assert!(err("application/json", br#"{"email":"nope","message":"hi"}"#).starts_with("email:"));
        assert!(err("application/json", br#"{"phone":"0770","message":"hi"}"#).starts_with("phone:"));
        assert!(err("application/json", br#"{"email":"a@b.co"}"#).contains("empty"));
        assert!(err("application/json", br#"{"email":"a@b.co","message":"hi","preferred_channel":"sms"}"#)
            .contains("phone"));
        assert!(err("application/json", br#"{"email":"a@b.co","message":{"x":1}}"#).contains("expected text"));
        assert!(err("application/x-www-form-urlencoded", b"email=%ZZ").contains("form encoding"));
        let long = format!(r#"{{"email":"a@b.co","message":"{}"}}"#, "x".repeat(MAX_VALUE_CHARS + 1));
        assert!(err("application/json", long.as_bytes()).contains("at most"));
    }

    #[test]
    fn signatures_verify_and_fail_closed() {
        let body = br#"{"email":"a@b.co","message":"hi"}"#;
        // Independent vector: python3 -c "import hmac,hashlib;print(hmac.new(b'form-secret',
        //   b'1700000000.{\"email\":\"a@b.co\",\"message\":\"hi\"}',hashlib.sha256).hexdigest())"
        let ours = sign("form-secret", 1_700_000_000, body);
        assert_eq!(ours, "bfdf78c3557bce74d9bcf12531b3e9b9a0a10cd38ed141f3558574fcd173a004");
        let header = format!("t=1700000000,v1={ours}");
        assert_eq!(verify("form-secret", &header, body, 1_700_000_100), Ok(()));
        assert_eq!(verify("other-secret", &header, body, 1_700_000_100), Err(SignatureError::Mismatch));
        assert_eq!(verify("form-secret", &header, b"{}", 1_700_000_100), Err(SignatureError::Mismatch));
        assert_eq!(verify("form-secret", &header, body, 1_700_000_000 + 301), Err(SignatureError::Stale));
        assert_eq!(verify("form-secret", &format!("v1={ours}"), body, 1_700_000_000), Err(SignatureError::Malformed));
        assert_eq!(verify("form-secret", "t=1700000000", body, 1_700_000_000), Err(SignatureError::Malformed));
        assert_eq!(verify("form-secret", "", body, 1_700_000_000), Err(SignatureError::Malformed));
    }
}
