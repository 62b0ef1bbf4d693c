//! Tenant API keys. Only the SHA-256 of a key is stored (api_keys.key_hash), so a database
//! leak does not leak keys; a key is 128+ bits of randomness, so a plain hash is enough
//! (no password-style stretching is needed for high-entropy secrets).

use sha2::{Digest, Sha256};
use std::fmt;

/// An API key presented by a client. `Debug` never prints it.
pub struct ApiKey(String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Keys look like `fd_<tenant>_<random>`; anything longer than this is not one of ours.
const MAX_KEY_LEN: usize = 128;

impl ApiKey {
    /// Extracts the key from an `Authorization: Bearer <key>` header value.
    pub fn from_bearer(header: &str) -> Option<Self> {
        let (scheme, key) = header.trim().split_once(' ')?;
        let key = key.trim();
        (scheme.eq_ignore_ascii_case("bearer") && key.starts_with("fd_") && key.len() <= MAX_KEY_LEN)
            .then(|| Self(key.to_owned()))
    }

    /// Hex SHA-256, the value looked up in `api_keys.key_hash`.
    pub fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }
}

/// How many leading characters of a key are kept in clear (`api_keys.prefix`) so people can
/// tell their keys apart in a list; 12 is `fd_` and the start of the slug, never the secret.
pub const PREFIX_CHARS: usize = 12;

/// A new key for the tenant `slug` from 32 random bytes (the platform CSPRNG's): the slug says
/// whose a leaked key is, the 256 random bits make it unguessable.
pub fn new_key(slug: &str, random: [u8; 32]) -> String {
    use base64::Engine;
    format!("fd_{slug}_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random))
}

/// What `api_keys.prefix` keeps of `key`.
pub fn key_prefix(key: &str) -> String {
    key.chars().take(PREFIX_CHARS).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_the_demo_key_to_the_seeded_value() {
        let key = ApiKey::from_bearer("Bearer fd_demo_devkey_0000000000000000").unwrap();
        assert_eq!(key.hash(), "b5ff6db1dbed33de2582c3770180c87d1b380d13e4fb4e04c47138e6310809bb");
        let key2 = ApiKey::from_bearer("bearer  fd_demo2_devkey_000000000000000").unwrap();
        assert_eq!(key2.hash(), "9a0d7c616d5b9277afd2b7e35a2b55b72fdebf175788f8be67c56fb1ab37ebe6");
    }

    #[test]
    fn rejects_other_schemes_and_shapes() {
        for bad in ["", "Bearer", "Basic fd_demo_x", "Bearer sk_live_x", "fd_demo_x"] {
            assert!(ApiKey::from_bearer(bad).is_none(), "{bad}");
        }
        assert!(ApiKey::from_bearer(&format!("Bearer fd_{}", "a".repeat(200))).is_none());
    }

    #[test]
    fn new_keys_are_accepted_as_bearers_and_differ_by_their_randomness() {
        let a = new_key("clinic-north", [1; 32]);
        let b = new_key("clinic-north", [2; 32]);
        assert_ne!(a, b);
        assert!(a.starts_with("fd_clinic-north_"));
        let bearer = ApiKey::from_bearer(&format!("Bearer {a}")).expect("a new key is a valid bearer");
        assert_eq!(bearer.hash(), sha256_hex(a.as_bytes()));
        assert_eq!(key_prefix(&a), "fd_clinic-no");
    }

    #[test]
    fn debug_does_not_leak_the_key() {
        let key = ApiKey::from_bearer("Bearer fd_demo_secret").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
    }
}
