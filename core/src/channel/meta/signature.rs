//! The two checks Meta's webhooks carry: the GET subscription handshake and the HMAC-SHA256
//! of the raw body with the app secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The challenge to echo when `hub.mode=subscribe` and the verify token matches; `None` → 403.
pub fn verify_challenge<'a>(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&'a str>,
    expected: &str,
) -> Option<&'a str> {
    let token_ok = token.is_some_and(|t| !expected.is_empty() && bool::from(t.as_bytes().ct_eq(expected.as_bytes())));
    (mode == Some("subscribe") && token_ok).then_some(challenge?)
}

/// `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(app secret, raw body)>`. Always the
/// raw bytes: Meta signs its own (escaped) serialisation, which a re-serialisation would change.
pub fn verify(app_secret: &str, raw_body: &[u8], header: &str) -> bool {
    let Some(hex) = header.trim().strip_prefix("sha256=") else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else { return false };
    mac.update(raw_body);
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    expected.len() == hex.len() && bool::from(expected.as_bytes().ct_eq(hex.to_ascii_lowercase().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_the_documented_vector_and_rejects_changes() {
        let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
        let header = "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756";
        assert!(verify("test_app_secret", body, header));
        assert!(verify("test_app_secret", body, &header.to_uppercase().replace("SHA256=", "sha256=")));
        assert!(!verify("other_secret", body, header));
        assert!(!verify("test_app_secret", br#"{"object":"whatsapp_business_account","entry":[ ]}"#, header));
        assert!(!verify("test_app_secret", body, header.trim_start_matches("sha256=")));
        assert!(!verify("test_app_secret", body, "sha256="));
        assert!(!verify("test_app_secret", body, ""));
    }

    #[test]
    fn echoes_the_challenge_only_for_a_matching_subscribe() {
        assert_eq!(
            verify_challenge(Some("subscribe"), Some("meatyhamhock"), Some("1158201444"), "meatyhamhock"),
            Some("1158201444")
        );
        assert_eq!(verify_challenge(Some("subscribe"), Some("wrong"), Some("1"), "meatyhamhock"), None);
        assert_eq!(verify_challenge(Some("unsubscribe"), Some("meatyhamhock"), Some("1"), "meatyhamhock"), None);
        assert_eq!(verify_challenge(Some("subscribe"), None, Some("1"), "meatyhamhock"), None);
        assert_eq!(verify_challenge(Some("subscribe"), Some(""), Some("1"), ""), None, "an unset token never matches");
    }
}
