//! Meta WhatsApp Cloud API webhooks: the JSON body and its `X-Hub-Signature-256`.

use crate::channel::meta;
use crate::phone::PhoneE164;
use crate::signing::{hex, hmac_sha256};

/// A webhook body: parsed strictly and read tolerantly for its line without panicking; every
/// message read has an E.164 sender; the body's signature verifies and a changed body's does
/// not.
pub fn meta_whatsapp(data: &[u8]) {
    if let Ok(inbound) = meta::parse(data) {
        for m in &inbound.messages {
            assert!(PhoneE164::parse(m.from.as_str()).is_ok());
        }
        // The tolerant read finds the line the strict one read (the tenant of a kept body).
        let lines = inbound
            .messages
            .iter()
            .map(|m| &m.phone_number_id)
            .chain(inbound.statuses.iter().map(|s| &s.phone_number_id));
        if lines.into_iter().any(|id| !id.trim().is_empty()) {
            assert!(meta::phone_number_id(data).is_some(), "parse read a line that phone_number_id missed");
        }
    }
    let _ = meta::phone_number_id(data);

    let secret = "fuzz_app_secret";
    let header = format!("sha256={}", hex(&hmac_sha256(secret.as_bytes(), data)));
    assert!(meta::verify(secret, data, &header));
    assert!(meta::verify(secret, data, &header.to_uppercase().replacen("SHA256=", "sha256=", 1)), "hex in any case");
    let mut changed = data.to_vec();
    match changed.first_mut() {
        Some(b) => *b ^= 0x20,
        None => changed.push(b'{'),
    }
    assert!(!meta::verify(secret, &changed, &header), "a changed body");
    assert!(!meta::verify("another_secret", data, &header), "another secret");
}
