//! How a thread's contact is known: by phone number (SMS, WhatsApp, calls), by email address
//! (web forms without a phone number, email) or by a chat visitor id (the website widget). The
//! key names the thread's `ConversationDO` and the `contacts` column its row is matched on, so
//! every channel that shares a key shares the contact.

use crate::phone::PhoneE164;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ContactKey {
    Phone(PhoneE164),
    Email(Email),
    /// A website chat visitor (the id inside their session token).
    Visitor(String),
}

impl ContactKey {
    /// The `contacts` column holding this key (each has a unique index per tenant).
    pub fn column(&self) -> &'static str {
        match self {
            ContactKey::Phone(_) => "phone",
            ContactKey::Email(_) => "email",
            ContactKey::Visitor(_) => "visitor",
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ContactKey::Phone(phone) => phone.as_str(),
            ContactKey::Email(email) => email.as_str(),
            ContactKey::Visitor(id) => id,
        }
    }

    pub fn phone(&self) -> Option<&PhoneE164> {
        match self {
            ContactKey::Phone(phone) => Some(phone),
            _ => None,
        }
    }
}

impl fmt::Display for ContactKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<PhoneE164> for ContactKey {
    fn from(phone: PhoneE164) -> Self {
        ContactKey::Phone(phone)
    }
}

/// An email address, trimmed and lower-cased: the form contacts are stored and matched in.
/// Only the shape is checked (one `@`, a dotted domain, no spaces, RFC 5321's 254 characters);
/// whether it exists is for the mail server to say.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

pub const MAX_EMAIL_CHARS: usize = 254;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        let bad = || format!("`{}` is not an email address", raw.trim());
        if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let labels_ok = domain.split('.').all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || !labels_ok
            || email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        {
            return Err(bad());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Email::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_bad_ones_named() {
        assert_eq!(Email::parse("  Ana.Lima@Example.COM ").unwrap().as_str(), "ana.lima@example.com");
        for bad in ["", "ana", "ana@", "@example.com", "ana@example", "ana@@example.com", "a b@example.com", "ana@.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn keys_name_their_column_and_serialise_tagged() {
        let phone = ContactKey::Phone(PhoneE164::parse("+447700900123").unwrap());
        assert_eq!((phone.column(), phone.as_str()), ("phone", "+447700900123"));
        let email = ContactKey::Email(Email::parse("ana@example.com").unwrap());
        assert_eq!(
            serde_json::to_value(&email).unwrap(),
            serde_json::json!({"kind": "email", "value": "ana@example.com"})
        );
        assert_eq!(ContactKey::Visitor("v_1".into()).column(), "visitor");
    }
}
