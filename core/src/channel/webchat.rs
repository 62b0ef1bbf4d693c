//! The website chat widget (`/chat/{tenant}`): a visitor's messages and their session.
//!
//! A session is a signed token, not a stored row: `v1.<visitor id>.<base64url HMAC-SHA256 of
//! "chat:v1:<tenant id>:<visitor id>">`. The visitor id keys the contact and the thread, the
//! tenant id inside the MAC stops a token from one business opening another's chat, and no
//! lookup is needed to check it. The token is the visitor's only credential for their own
//! conversation's stream, so it is unguessable (the id carries 64 random bits and the MAC
//! cannot be forged without the platform secret).

use crate::signing::{ct_eq, hmac_sha256};
use base64::Engine as _;

pub const PROVIDER: &str = "chat";
pub const MAX_TEXT_CHARS: usize = 2000;
const MAX_CLIENT_ID_CHARS: usize = 64;
const VERSION: &str = "v1";

fn mac(secret: &str, tenant_id: &str, visitor: &str) -> String {
    let digest = hmac_sha256(secret.as_bytes(), format!("chat:{VERSION}:{tenant_id}:{visitor}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// A new session token for `visitor` (an id such as `vis_…`, made by the caller).
pub fn issue(secret: &str, tenant_id: &str, visitor: &str) -> String {
    format!("{VERSION}.{visitor}.{}", mac(secret, tenant_id, visitor))
}

/// The visitor id a token names, if it is genuine for this tenant.
pub fn verify(secret: &str, tenant_id: &str, token: &str) -> Option<String> {
    let mut parts = token.trim().splitn(3, '.');
    let (version, visitor, claimed) = (parts.next()?, parts.next()?, parts.next()?);
    let well_formed = !visitor.is_empty() && visitor.len() <= 64 && visitor.bytes().all(id_byte);
    if version != VERSION || !well_formed {
        return None;
    }
    ct_eq(claimed.as_bytes(), mac(secret, tenant_id, visitor).as_bytes()).then(|| visitor.to_owned())
}

fn id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// A visitor's message, validated: the text (trimmed) and the widget's id for it, which makes
/// a resent message (flaky connection, double click) one message.
pub fn validate(text: &str, client_id: &str) -> Result<(String, String), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("text: the message is empty".into());
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!("text: at most {MAX_TEXT_CHARS} characters"));
    }
    let client_id = client_id.trim();
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID_CHARS || !client_id.bytes().all(id_byte) {
        return Err(format!("client_id: 1 to {MAX_CLIENT_ID_CHARS} letters, digits, `-` or `_`"));
    }
    Ok((text.to_owned(), client_id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_only_its_own_tenants_chat() {
        let token = issue("platform-secret", "ten_demo", "vis_abc");
        assert!(token.starts_with("v1.vis_abc."));
        assert_eq!(verify("platform-secret", "ten_demo", &token).as_deref(), Some("vis_abc"));
        assert_eq!(verify("platform-secret", "ten_demo2", &token), None, "another tenant");
        assert_eq!(verify("other-secret", "ten_demo", &token), None, "forged with another key");
        let swapped = token.replace("vis_abc", "vis_abd");
        assert_eq!(verify("platform-secret", "ten_demo", &swapped), None, "someone else's visitor id");
        for junk in ["", "v1", "v1..", "v2.vis_abc.x", "v1.vis abc.x", "v1.vis_abc."] {
            assert_eq!(verify("platform-secret", "ten_demo", junk), None, "{junk}");
        }
    }

    #[test]
    fn messages_are_validated() {
        assert_eq!(validate("  hi there \n", "c-1").unwrap(), ("hi there".to_owned(), "c-1".to_owned()));
        assert!(validate("   ", "c-1").unwrap_err().starts_with("text"));
        assert!(validate(&"x".repeat(MAX_TEXT_CHARS + 1), "c-1").unwrap_err().contains("at most"));
        assert!(validate("hi", "").unwrap_err().starts_with("client_id"));
        assert!(validate("hi", "a b").unwrap_err().starts_with("client_id"));
    }
}
