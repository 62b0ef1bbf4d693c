//! The stored form of a password: `pbkdf2-sha256$<iterations>$<salt>$<hash>` (salt and hash in
//! unpadded standard base64). The derivation itself is WebCrypto's PBKDF2 in the Worker —
//! native code, where the same 100,000 iterations in wasm would spend the request's CPU
//! budget — so core only fixes the format, the parameters and the comparison.

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

/// The most Workers' WebCrypto allows for PBKDF2 (it refuses more), and OWASP's floor for
/// PBKDF2-SHA256 is higher still, so nothing less is ever stored.
pub const ITERATIONS: u32 = 100_000;
pub const SALT_BYTES: usize = 16;
pub const HASH_BYTES: usize = 32;
const SCHEME: &str = "pbkdf2-sha256";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl PasswordHash {
    pub fn parse(stored: &str) -> Option<Self> {
        let mut parts = stored.split('$');
        if parts.next()? != SCHEME {
            return None;
        }
        let iterations: u32 = parts.next()?.parse().ok().filter(|n| *n >= 1)?;
        let salt = STANDARD_NO_PAD.decode(parts.next()?).ok().filter(|s| !s.is_empty())?;
        let hash = STANDARD_NO_PAD.decode(parts.next()?).ok().filter(|h| h.len() == HASH_BYTES)?;
        parts.next().is_none().then_some(Self { iterations, salt, hash })
    }

    pub fn format(&self) -> String {
        format!(
            "{SCHEME}${}${}${}",
            self.iterations,
            STANDARD_NO_PAD.encode(&self.salt),
            STANDARD_NO_PAD.encode(&self.hash)
        )
    }

    /// Whether `derived` (the same derivation of the typed password) is this hash, in constant
    /// time, so the comparison does not tell an attacker how many leading bytes matched.
    pub fn matches(&self, derived: &[u8]) -> bool {
        derived.len() == self.hash.len() && bool::from(derived.ct_eq(&self.hash))
    }
}

/// Passwords longer than this are refused before any derivation: hashing megabytes is a cheap
/// way to burn the Worker's CPU.
pub const MAX_PASSWORD_BYTES: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_hash_round_trips() {
        let hash = PasswordHash { iterations: ITERATIONS, salt: vec![7; SALT_BYTES], hash: vec![9; HASH_BYTES] };
        let stored = hash.format();
        assert!(stored.starts_with("pbkdf2-sha256$100000$"));
        assert_eq!(PasswordHash::parse(&stored), Some(hash));
    }

    #[test]
    fn malformed_hashes_are_refused_not_panicked_on() {
        for bad in [
            "",
            "bcrypt$10$abc$def",
            "pbkdf2-sha256$0$AAAA$AAAA",
            "pbkdf2-sha256$x$AAAA$AAAA",
            "pbkdf2-sha256$100000$$AAAA",
            "pbkdf2-sha256$100000$AAAA$AAAA",
            "pbkdf2-sha256$100000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$extra",
        ] {
            assert_eq!(PasswordHash::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_same_derivation_matches() {
        let hash = PasswordHash { iterations: ITERATIONS, salt: vec![1; SALT_BYTES], hash: vec![2; HASH_BYTES] };
        assert!(hash.matches(&[2; HASH_BYTES]));
        assert!(!hash.matches(&[3; HASH_BYTES]));
        assert!(!hash.matches(&[2; 16]), "a shorter derivation never matches");
    }

    #[test]
    fn the_seeded_demo_owner_hashes_parse() {
        // seed/dev.sql; the sign-in test proves WebCrypto derives the same bytes.
        let seed = include_str!("../../../seed/dev.sql");
        let stored: Vec<&str> = seed.split('\'').filter(|part| part.starts_with("pbkdf2-sha256$")).collect();
        assert_eq!(stored.len(), 4, "owners of demo and demo2, demo's agent and viewer");
        for value in stored {
            assert_eq!(PasswordHash::parse(value).expect(value).iterations, ITERATIONS);
        }
    }
}
