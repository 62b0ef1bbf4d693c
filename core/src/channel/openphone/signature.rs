//! OpenPhone signs webhooks one of two ways (PROTOCOLS.md §5.1, §5.2):
//! - legacy `openphone-signature: hmac;1;<ms timestamp>;<base64 HMAC-SHA256(key, "{ts}.{body}")>`,
//!   key = base64-decoded signing key;
//! - Standard Webhooks `webhook-id`, `webhook-timestamp` (seconds), `webhook-signature:
//!   v1,<base64 HMAC-SHA256(key, "{id}.{ts}.{body}")>` (space-separated list), key = the
//!   `whsec_` secret base64-decoded.
//!
//! Both carry a timestamp: a delivery older or newer than [`TOLERANCE_MS`] is refused, so a
//! captured request cannot be replayed later.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Five minutes, the tolerance of the Standard Webhooks reference libraries and Quo's docs.
pub const TOLERANCE_MS: u64 = 5 * 60 * 1000;

/// The signature headers of one delivery, whichever scheme it uses.
#[derive(Debug, Default, Clone)]
pub struct SignatureHeaders<'a> {
    pub legacy: Option<&'a str>,
    pub webhook_id: Option<&'a str>,
    pub webhook_timestamp: Option<&'a str>,
    pub webhook_signature: Option<&'a str>,
}

/// True when the delivery is signed with `signing_key` (base64, with or without `whsec_`) and
/// its timestamp is within [`TOLERANCE_MS`] of `now_ms`.
pub fn verify(signing_key: &str, raw_body: &[u8], headers: &SignatureHeaders<'_>, now_ms: u64) -> bool {
    let b64 = base64::engine::general_purpose::STANDARD;
    let Ok(key) = b64.decode(signing_key.trim().trim_start_matches("whsec_")) else { return false };
    let sign = |parts: &[&[u8]]| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else { return String::new() };
        for part in parts {
            mac.update(part);
        }
        b64.encode(mac.finalize().into_bytes())
    };
    let fresh = |ts_ms: u64| ts_ms.abs_diff(now_ms) <= TOLERANCE_MS;
    if let Some(header) = headers.legacy {
        // "Future versions may include multiple signatures separated by commas."
        return header.split(',').any(|one| {
            let parts: Vec<&str> = one.trim().split(';').collect();
            let [scheme, version, ts, digest] = parts.as_slice() else { return false };
            let Ok(ts_ms) = ts.parse::<u64>() else { return false };
            *scheme == "hmac" && *version == "1" && fresh(ts_ms) && eq(&sign(&[ts.as_bytes(), b".", raw_body]), digest)
        });
    }
    let (Some(id), Some(ts), Some(signatures)) =
        (headers.webhook_id, headers.webhook_timestamp, headers.webhook_signature)
    else {
        return false;
    };
    let Ok(ts_secs) = ts.trim().parse::<u64>() else { return false };
    if !fresh(ts_secs.saturating_mul(1000)) {
        return false;
    }
    let expected = sign(&[id.as_bytes(), b".", ts.trim().as_bytes(), b".", raw_body]);
    signatures.split(' ').filter_map(|s| s.strip_prefix("v1,")).any(|digest| eq(&expected, digest))
}

fn eq(a: &str, b: &str) -> bool {
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY_KEY: &str = "R2ZLM2o0bFhBNVpyUnU2NG9mYXQ1MHNyR3pvSUhIVVg=";
    const LEGACY_BODY: &str = r#"{"id":"EV1","object":"event","type":"message.received","data":{"object":{"id":"AC1","object":"message","from":"+14155550100","to":"+14155550199","body":"hi"}}}"#;
    const LEGACY_SIG: &str = "hmac;1;1639710054089;O6+gnj08uO+BA28dqLekgwXHy30SUQ7VjeJF9Ky9m5c=";

    fn legacy(sig: &str) -> SignatureHeaders<'_> {
        SignatureHeaders { legacy: Some(sig), ..Default::default() }
    }

    #[test]
    fn legacy_vector_within_the_window_and_not_after() {
        let at = 1_639_710_054_089;
        assert!(verify(LEGACY_KEY, LEGACY_BODY.as_bytes(), &legacy(LEGACY_SIG), at));
        assert!(verify(LEGACY_KEY, LEGACY_BODY.as_bytes(), &legacy(LEGACY_SIG), at + TOLERANCE_MS));
        assert!(
            !verify(LEGACY_KEY, LEGACY_BODY.as_bytes(), &legacy(LEGACY_SIG), at + TOLERANCE_MS + 1),
            "replayed later"
        );
        assert!(!verify(LEGACY_KEY, LEGACY_BODY.replace("hi", "ho").as_bytes(), &legacy(LEGACY_SIG), at));
        assert!(!verify("b3RoZXIta2V5", LEGACY_BODY.as_bytes(), &legacy(LEGACY_SIG), at));
        let other_ts = LEGACY_SIG.replace("1639710054089", "1639710054090");
        assert!(!verify(LEGACY_KEY, LEGACY_BODY.as_bytes(), &legacy(&other_ts), at), "the timestamp is signed");
        let two = format!("hmac;1;1639710054089;AAAA, {LEGACY_SIG}");
        assert!(verify(LEGACY_KEY, LEGACY_BODY.as_bytes(), &legacy(&two), at), "any of several signatures");
    }

    #[test]
    fn standard_webhooks_golden_vector() {
        let headers = SignatureHeaders {
            webhook_id: Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
            webhook_timestamp: Some("1614265330"),
            webhook_signature: Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
            ..Default::default()
        };
        let body = br#"{"test": 2432232314}"#;
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assert!(verify(secret, body, &headers, 1_614_265_330_000));
        assert!(!verify(secret, body, &headers, 1_614_265_330_000 + TOLERANCE_MS + 1000));
        assert!(!verify(secret, br#"{"test": 2432232315}"#, &headers, 1_614_265_330_000));
        let mut listed = headers.clone();
        listed.webhook_signature = Some("v1,AAAA v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(verify(secret, body, &listed, 1_614_265_330_000));
        let mut other_id = headers.clone();
        other_id.webhook_id = Some("msg_other");
        assert!(!verify(secret, body, &other_id, 1_614_265_330_000));
        assert!(!verify(secret, body, &SignatureHeaders::default(), 1_614_265_330_000), "unsigned");
        assert!(!verify("not base64!", body, &headers, 1_614_265_330_000));
    }
}
