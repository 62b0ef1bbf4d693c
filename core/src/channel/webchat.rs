//! The website chat widget (`/chat/{tenant}`): a visitor's messages and their session.
//!
//! A session is a signed token, not a stored row: `v2.<visitor id>.<issued at>.<base64url
//! HMAC-SHA256 of "chat:v2:<tenant id>:<visitor id>:<issued at>">`, the issue time in unix
//! seconds. The visitor id keys the contact and the thread, the tenant id inside the MAC stops a
//! token from one business opening another's chat, and no lookup is needed to check it. The
//! token is the visitor's only credential for their own conversation's stream, so it is
//! unguessable (the id carries 64 random bits and the MAC cannot be forged without the platform
//! secret).
//!
//! Tokens expire [`SESSION_TTL_SECS`] after they were issued, and every message the visitor
//! sends is answered with a fresh one, so the expiry slides: an active visitor never notices,
//! while a token copied from a shared computer or a compromised page stops working a month after
//! its visitor last wrote. `v1` tokens (no issue time, valid forever) are refused; the widget
//! answers `invalid_session` by starting a new session.
//!
//! The platform secret can be rotated: tokens are signed with the current secret and checked
//! against every key given (the current one and, during a rotation, the previous one).

use crate::signing::{ct_eq, hmac_sha256};
use base64::Engine as _;

pub const PROVIDER: &str = "chat";
pub const MAX_TEXT_CHARS: usize = 2000;
const MAX_CLIENT_ID_CHARS: usize = 64;
const VERSION: &str = "v2";

/// How long a session lives after its last message: 30 days covers a visitor who comes back to
/// a conversation weeks later (a let that is not free yet, a quote to think over), and bounds
/// how long a leaked token reads that conversation's stream.
pub const SESSION_TTL_SECS: u64 = 30 * 24 * 60 * 60;

/// How far in the future an issue time may be: clocks of different edge machines differ by a
/// little; more than this is a token nobody here issued.
pub const MAX_CLOCK_SKEW_SECS: u64 = 60;

fn mac(secret: &str, tenant_id: &str, visitor: &str, issued_s: u64) -> String {
    let data = format!("chat:{VERSION}:{tenant_id}:{visitor}:{issued_s}");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hmac_sha256(secret.as_bytes(), data.as_bytes()))
}

/// A new session token for `visitor` (an id such as `vis_…`, made by the caller), issued at
/// `now_s` (unix seconds) and signed with `secret`, the current platform key.
pub fn issue(secret: &str, tenant_id: &str, visitor: &str, now_s: u64) -> String {
    format!("{VERSION}.{visitor}.{now_s}.{}", mac(secret, tenant_id, visitor, now_s))
}

/// The visitor id a token names, if it is genuine for this tenant under one of `secrets` and
/// neither expired nor issued in the future at `now_s`.
pub fn verify(secrets: &[&str], tenant_id: &str, token: &str, now_s: u64) -> Option<String> {
    let mut parts = token.trim().splitn(4, '.');
    let (version, visitor, issued, claimed) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let well_formed = !visitor.is_empty() && visitor.len() <= 64 && visitor.bytes().all(id_byte);
    let issued_digits = !issued.is_empty() && issued.len() <= 12 && issued.bytes().all(|b| b.is_ascii_digit());
    if version != VERSION || !well_formed || !issued_digits {
        return None;
    }
    let issued_s: u64 = issued.parse().ok()?;
    let fresh =
        issued_s <= now_s.saturating_add(MAX_CLOCK_SKEW_SECS) && now_s.saturating_sub(issued_s) < SESSION_TTL_SECS;
    // Every key is tried (no early exit), so timing does not say which key signed it.
    let genuine = secrets.iter().filter(|secret| !secret.is_empty()).fold(false, |found, secret| {
        ct_eq(claimed.as_bytes(), mac(secret, tenant_id, visitor, issued_s).as_bytes()) | found
    });
    (fresh && genuine).then(|| visitor.to_owned())
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

    const NOW: u64 = 1_780_000_000;
    const KEY: &[&str] = &["platform-secret"];

    #[test]
    fn a_token_opens_only_its_own_tenants_chat() {
        let token = issue("platform-secret", "ten_demo", "vis_abc", NOW);
        assert_eq!(token.split('.').take(3).collect::<Vec<_>>(), ["v2", "vis_abc", "1780000000"]);
        assert_eq!(verify(KEY, "ten_demo", &token, NOW).as_deref(), Some("vis_abc"));
        assert_eq!(verify(KEY, "ten_demo2", &token, NOW), None, "another tenant");
        assert_eq!(verify(&["other-secret"], "ten_demo", &token, NOW), None, "forged with another key");
        assert_eq!(verify(&[], "ten_demo", &token, NOW), None, "no key, no session");
        let swapped = token.replace("vis_abc", "vis_abd");
        assert_eq!(verify(KEY, "ten_demo", &swapped, NOW), None, "someone else's visitor id");
        let redated = token.replace(".1780000000.", ".1780000001.");
        assert_eq!(verify(KEY, "ten_demo", &redated, NOW), None, "the issue time is signed");
        for junk in ["", "v2", "v2...", "v2.vis_abc.x.y", "v2.vis abc.1.x", "v2.vis_abc..x", "v2.vis_abc.1780000000."] {
            assert_eq!(verify(KEY, "ten_demo", junk, NOW), None, "{junk}");
        }
    }

    #[test]
    fn tokens_expire_and_cannot_be_dated_ahead() {
        let token = issue("platform-secret", "ten_demo", "vis_abc", NOW);
        assert!(verify(KEY, "ten_demo", &token, NOW + SESSION_TTL_SECS - 1).is_some(), "last second");
        assert_eq!(verify(KEY, "ten_demo", &token, NOW + SESSION_TTL_SECS), None, "expired");
        assert!(verify(KEY, "ten_demo", &token, NOW - MAX_CLOCK_SKEW_SECS).is_some(), "a clock a little behind");
        assert_eq!(verify(KEY, "ten_demo", &token, NOW - MAX_CLOCK_SKEW_SECS - 1), None, "future-dated");
        let far = issue("platform-secret", "ten_demo", "vis_abc", 999_999_999_999);
        assert_eq!(verify(KEY, "ten_demo", &far, NOW), None, "signed, but issued in the future");
    }

    #[test]
    fn the_previous_secret_verifies_during_a_rotation() {
        let old = issue("old-secret", "ten_demo", "vis_abc", NOW);
        let new = issue("new-secret", "ten_demo", "vis_abc", NOW);
        assert_eq!(verify(&["new-secret", "old-secret"], "ten_demo", &old, NOW).as_deref(), Some("vis_abc"));
        assert_eq!(verify(&["new-secret", "old-secret"], "ten_demo", &new, NOW).as_deref(), Some("vis_abc"));
        assert_eq!(verify(&["new-secret"], "ten_demo", &old, NOW), None, "once the old key is dropped");
        assert_eq!(verify(&["new-secret", ""], "ten_demo", &old, NOW), None, "an empty key verifies nothing");
    }

    #[test]
    fn version_one_tokens_are_refused() {
        // What the v1 scheme issued: no issue time, so it never expired.
        let digest = hmac_sha256(b"platform-secret", b"chat:v1:ten_demo:vis_abc");
        let v1 = format!("v1.vis_abc.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest));
        assert_eq!(verify(KEY, "ten_demo", &v1, NOW), None);
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
