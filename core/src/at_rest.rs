//! Values encrypted at rest in D1 (AES-256-GCM, sealed and opened by the Worker through
//! WebCrypto with the platform secret `DATA_KEY`): the stored format and the key's, kept here so
//! that both are host-tested. A stored value is `v1:<base64 nonce>:<base64 ciphertext>`; the
//! version prefix leaves room for a key rotation, and a column value without one is a row written
//! before encryption (plain text), which the caller re-writes sealed.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::fmt;

/// AES-GCM's standard nonce length; random per value, never reused with the same key.
pub const NONCE_BYTES: usize = 12;
/// AES-256.
pub const KEY_BYTES: usize = 32;
/// The authentication tag WebCrypto appends to the ciphertext.
pub const TAG_BYTES: usize = 16;
const V1: &str = "v1:";

/// An encrypted value as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: [u8; NONCE_BYTES],
    /// The ciphertext with its tag, as WebCrypto returns it.
    pub ciphertext: Vec<u8>,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored<'a> {
    Sealed(Sealed),
    /// Written before encryption at rest.
    Plain(&'a str),
}

/// Why a stored value cannot be opened: a broken row, not a wrong password or code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// A `vN:` prefix this build does not know.
    UnknownVersion,
    /// Not `v1:<nonce>:<ciphertext>`.
    Shape,
    /// A part is not base64.
    Base64,
    /// The nonce is not `NONCE_BYTES` long.
    NonceLength,
    /// Shorter than the authentication tag: nothing was ever sealed into it.
    Truncated,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformed::UnknownVersion => "an encrypted value of an unknown version",
            Malformed::Shape => "an encrypted value is not v1:<nonce>:<ciphertext>",
            Malformed::Base64 => "an encrypted value is not base64",
            Malformed::NonceLength => "an encrypted value's nonce is not 12 bytes",
            Malformed::Truncated => "an encrypted value is shorter than its authentication tag",
        })
    }
}

impl Sealed {
    pub fn format(&self) -> String {
        format!("{V1}{}:{}", STANDARD.encode(self.nonce), STANDARD.encode(&self.ciphertext))
    }
}

/// The column value `stored`: sealed, plain (an old row), or malformed.
pub fn parse(stored: &str) -> Result<Stored<'_>, Malformed> {
    let Some(rest) = stored.strip_prefix(V1) else {
        // Plain values (base32 TOTP secrets) never hold a colon; a `v2:` one is from a newer build.
        return if stored.contains(':') { Err(Malformed::UnknownVersion) } else { Ok(Stored::Plain(stored)) };
    };
    let (nonce, ciphertext) = rest.split_once(':').ok_or(Malformed::Shape)?;
    if ciphertext.contains(':') {
        return Err(Malformed::Shape);
    }
    let decode = |part: &str| STANDARD.decode(part).map_err(|_| Malformed::Base64);
    let nonce: [u8; NONCE_BYTES] = decode(nonce)?.try_into().map_err(|_| Malformed::NonceLength)?;
    let ciphertext = decode(ciphertext)?;
    if ciphertext.len() < TAG_BYTES {
        return Err(Malformed::Truncated);
    }
    Ok(Stored::Sealed(Sealed { nonce, ciphertext }))
}

/// The AES-256 key in `DATA_KEY` (base64 of `KEY_BYTES` random bytes, `openssl rand -base64 32`).
pub fn parse_key(value: &str) -> Option<[u8; KEY_BYTES]> {
    STANDARD.decode(value.trim()).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed() -> Sealed {
        Sealed { nonce: [7; NONCE_BYTES], ciphertext: (0..40).collect() }
    }

    #[test]
    fn a_sealed_value_reads_back_as_written() {
        let stored = sealed().format();
        assert!(stored.starts_with("v1:BwcHBwcHBwcHBwcH:"), "{stored}");
        assert_eq!(parse(&stored), Ok(Stored::Sealed(sealed())));
    }

    #[test]
    fn a_value_from_before_encryption_is_plain() {
        assert_eq!(parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), Ok(Stored::Plain("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")));
    }

    #[test]
    fn malformed_values_say_what_is_wrong() {
        let ct = STANDARD.encode([0u8; 20]);
        let nonce = STANDARD.encode([0u8; NONCE_BYTES]);
        for (stored, why) in [
            (format!("v2:{nonce}:{ct}"), Malformed::UnknownVersion),
            ("v1:".to_owned(), Malformed::Shape),
            (format!("v1:{nonce}"), Malformed::Shape),
            (format!("v1:{nonce}:{ct}:{ct}"), Malformed::Shape),
            (format!("v1:{nonce}:not base64!"), Malformed::Base64),
            (format!("v1:%%:{ct}"), Malformed::Base64),
            (format!("v1:{}:{ct}", STANDARD.encode([0u8; 8])), Malformed::NonceLength),
            (format!("v1:{nonce}:{}", STANDARD.encode([0u8; 15])), Malformed::Truncated),
            (format!("v1:{nonce}:"), Malformed::Truncated),
        ] {
            assert_eq!(parse(&stored), Err(why.clone()), "{stored}");
            assert!(!why.to_string().is_empty());
        }
    }

    #[test]
    fn the_key_is_base64_of_32_bytes() {
        assert_eq!(parse_key(&STANDARD.encode([9u8; 32])), Some([9u8; 32]));
        assert_eq!(parse_key(&STANDARD.encode([9u8; 16])), None, "AES-128 length");
        assert_eq!(parse_key("not base64 at all"), None);
        assert_eq!(parse_key(""), None);
    }
}
