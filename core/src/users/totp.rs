//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps,
//! six digits, the step before and after accepted for clock drift — what authenticator apps
//! produce from a base32 secret.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u32 = 6;

/// The HOTP value of `secret` at `counter`, as `digits` decimal digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else { return String::new() };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary =
        u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    let code = u64::from(binary) % 10u64.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// Whether `code` is the current six-digit code of the base32 `secret` at `now_ms`, or the
/// code of the step just before or after.
pub fn verify(secret_base32: &str, code: &str, now_ms: u64) -> bool {
    let Some(secret) = decode_base32(secret_base32) else { return false };
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let step = now_ms / 1000 / STEP_SECONDS;
    [step.saturating_sub(1), step, step + 1]
        .iter()
        .any(|&counter| bool::from(hotp(&secret, counter, DIGITS).as_bytes().ct_eq(code.as_bytes())))
}

/// RFC 4648 base32 (case-insensitive, padding and spaces ignored), as apps show secrets.
pub fn decode_base32(raw: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in raw.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors() {
        // Appendix B: (time, 8-digit TOTP).
        for (time, expected) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(hotp(RFC_SECRET, time / STEP_SECONDS, 8), expected, "T={time}");
        }
    }

    #[test]
    fn six_digit_codes_verify_within_one_step_either_side() {
        // base32 of "12345678901234567890".
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(decode_base32(secret).as_deref(), Some(RFC_SECRET));
        let at = 1_111_111_109_000;
        assert!(verify(secret, "081804", at));
        assert!(verify(secret, "081804", at + 30_000), "one step late");
        assert!(!verify(secret, "081804", at + 90_000), "three steps late");
        assert!(!verify(secret, "081805", at));
        for bad in ["", "08180", "0818044", "08l804"] {
            assert!(!verify(secret, bad, at), "{bad}");
        }
        assert!(!verify("not base32!", "081804", at));
    }
}
