//! The business's own website: form posts (JSON or form-encoded, optionally signed) and the
//! chat widget's messages and session tokens.

use super::{parts, text};
use crate::channel::webchat::{self, MAX_TEXT_CHARS};
use crate::channel::webform::{self, SignatureError, Submission, MAX_VALUE_CHARS};
use crate::channel::Channel;
use serde_json::Value;

pub const CHAT_DICT: &[&str] = &["v2.", ".", "vis_", "\"text\":", "\"client_id\":", "\"session\":", "1780000000", " "];

const NOW_S: u64 = 1_780_000_000;

/// A form post `[content type, body]`: whatever it holds, an accepted submission has someone
/// to answer on a channel it can reach, an id, and text for the brain; its signature (this
/// body, now) verifies and a changed body's or an old one's does not.
pub fn web_form(data: &[u8]) {
    let [content_type, body] = parts::<2>(data);
    let content_type = text(content_type);
    for content_type in [content_type.as_str(), "application/json", "application/x-www-form-urlencoded"] {
        let Ok(s) = Submission::parse(content_type, body) else { continue };
        let (_, channel) = s.reply_route();
        match channel {
            Channel::Email => assert!(s.email.is_some()),
            _ => assert!(s.phone.is_some()),
        }
        assert!(!s.id.is_empty() && !s.text().is_empty());
        assert!(s.details.iter().all(|(_, v)| !v.is_empty() && v.chars().count() <= MAX_VALUE_CHARS));
    }

    let secret = "whsec_form";
    let header = format!("t={NOW_S},v1={}", webform::sign(secret, NOW_S, body));
    assert_eq!(webform::verify(secret, &header, body, NOW_S), Ok(()));
    let mut changed = body.to_vec();
    changed.push(b'&');
    assert_eq!(webform::verify(secret, &header, &changed, NOW_S), Err(SignatureError::Mismatch));
    assert_eq!(webform::verify(secret, &header, body, NOW_S + 301), Err(SignatureError::Stale));
    let _ = webform::verify(secret, &text(content_type.as_bytes()), body, NOW_S);
}

/// A chat post `[JSON body, tenant id]` (`{"session"?, "text", "client_id"}`): validation keeps
/// trimmed text within bounds; a session token from outside opens nothing unless this server
/// issued it; one it issued opens its visitor's chat, for its tenant only, and any single
/// changed character breaks it.
pub fn web_chat(data: &[u8]) {
    let [body, tenant] = parts::<2>(data);
    let tenant = text(tenant);
    let Ok(Value::Object(post)) = serde_json::from_slice::<Value>(body) else { return };
    let field = |name: &str| post.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let keys = ["platform-secret"];
    if let Some(session) = post.get("session").and_then(Value::as_str) {
        assert_eq!(webchat::verify(&keys, &tenant, session, NOW_S), None, "a token nobody issued: {session:?}");
    }
    let Ok((text, client_id)) = webchat::validate(&field("text"), &field("client_id")) else { return };
    assert!(!text.is_empty() && text == text.trim() && text.chars().count() <= MAX_TEXT_CHARS);

    // The widget's id is a well-formed visitor id: sign a session for it.
    let token = webchat::issue(keys[0], &tenant, &client_id, NOW_S);
    assert_eq!(webchat::verify(&keys, &tenant, &token, NOW_S).as_deref(), Some(client_id.as_str()));
    assert_eq!(webchat::verify(&keys, &format!("{tenant}x"), &token, NOW_S), None, "another tenant");
    assert_eq!(webchat::verify(&["rotated"], &tenant, &token, NOW_S), None, "another key");
    let bytes = token.as_bytes();
    let at = crate::fuzz_targets::hash(text.as_bytes()) as usize % bytes.len();
    let mut forged = bytes.to_vec();
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ASCII");
    if forged.trim() != token {
        assert_eq!(webchat::verify(&keys, &tenant, &forged, NOW_S), None, "forged {forged}");
    }
}
