//! Codes and tokens: what they look like, how long they live, how they are stored (the
//! SHA-256 only, like API keys: 256 random bits need no stretching) and what presenting a
//! refresh token does to its grant.

use crate::auth::sha256_hex;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// An authorization code is exchanged within seconds; ten minutes covers a slow client.
pub const CODE_TTL_MS: u64 = 10 * 60 * 1000;
/// A consent page left open this long must start over (the pending grant is gone).
pub const CONSENT_TTL_MS: u64 = 10 * 60 * 1000;
/// Access tokens are short-lived: a leaked one is useful for an hour at most.
pub const ACCESS_TTL_MS: u64 = 60 * 60 * 1000;
/// A grant unused (not refreshed) for 30 days expires, as workers-oauth-provider's default.
pub const REFRESH_TTL_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// What a secret is; the prefix tells a leaked string's kind at a glance (and none starts
/// with `fd_`, the API keys' prefix, so no bearer is mistaken for the other kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Code,
    Access,
    Refresh,
    ConsentTicket,
    ClientSecret,
    /// The operator console's `fd_session` cookie (`console::session`), stored hashed like the rest.
    ConsoleSession,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Code => "fdoc_",
            Kind::Access => "fdoa_",
            Kind::Refresh => "fdor_",
            Kind::ConsentTicket => "fdot_",
            Kind::ClientSecret => "fdos_",
            Kind::ConsoleSession => "fdcs_",
        }
    }

    /// `oauth_tokens.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Code => "code",
            Kind::Access => "access",
            Kind::Refresh => "refresh",
            Kind::ConsentTicket => "consent",
            Kind::ClientSecret => "client_secret",
            Kind::ConsoleSession => "console_session",
        }
    }
}

/// A new secret of `kind` from 32 random bytes (the platform CSPRNG's).
pub fn new_secret(kind: Kind, random: [u8; 32]) -> String {
    format!("{}{}", kind.prefix(), URL_SAFE_NO_PAD.encode(random))
}

/// Whether `presented` has the shape of a `kind` secret (checked before any look-up).
pub fn is_shaped(kind: Kind, presented: &str) -> bool {
    presented.strip_prefix(kind.prefix()).is_some_and(|rest| {
        rest.len() == 43 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    })
}

/// The stored form of any secret.
pub fn hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// Whether `secret` is the one `stored_hash` was made from, in constant time.
pub fn hash_matches(stored_hash: &str, secret: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(hash(secret).as_bytes().ct_eq(stored_hash.as_bytes()))
}

/// What presenting a refresh token (known for its grant) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshUse {
    /// The newest token: rotate.
    Current,
    /// The one before it, still valid until the newest is used (the answer carrying the
    /// newest may have been lost): rotate.
    Previous,
    /// Older than that: someone kept a copy. The grant is revoked (OAuth 2.1 §4.3.1).
    Reused,
}

/// Classifies `presented` (a hash) against the grant's current and previous refresh hashes.
pub fn classify_refresh(presented: &str, current: Option<&str>, previous: Option<&str>) -> RefreshUse {
    if current == Some(presented) {
        RefreshUse::Current
    } else if previous == Some(presented) {
        RefreshUse::Previous
    } else {
        RefreshUse::Reused
    }
}

/// The grant's (current, previous) refresh hashes after a rotation from `presented` to
/// `new`: the token just used stays valid until `new` is used, whichever of the two it was.
pub fn rotated(presented: &str, new: &str) -> (String, String) {
    (new.to_owned(), presented.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_their_kind_and_43_random_characters() {
        let token = new_secret(Kind::Access, [7; 32]);
        assert!(token.starts_with("fdoa_") && token.len() == 48);
        assert!(is_shaped(Kind::Access, &token));
        assert!(!is_shaped(Kind::Refresh, &token));
        assert!(!is_shaped(Kind::Access, "fdoa_short"));
        assert!(crate::auth::ApiKey::from_bearer(&format!("Bearer {token}")).is_none(), "never taken for an API key");
        assert_eq!(hash(&token).len(), 64);
        assert_ne!(hash(&token), hash(&new_secret(Kind::Access, [8; 32])));
        assert!(hash_matches(&hash(&token), &token));
        assert!(!hash_matches(&hash(&token), "fdoa_other"));
    }

    #[test]
    fn rotation_keeps_the_used_token_valid_until_the_new_one_is_used() {
        // R1 issued with the code.
        let (mut current, mut previous) = ("h1".to_owned(), None::<String>);
        assert_eq!(classify_refresh("h1", Some(&current), previous.as_deref()), RefreshUse::Current);
        (current, previous) = rotated("h1", "h2").map_second(Some);
        // The answer with R2 was lost: R1 still works once more.
        assert_eq!(classify_refresh("h1", Some(&current), previous.as_deref()), RefreshUse::Previous);
        (current, previous) = rotated("h1", "h3").map_second(Some);
        // R3 used: R1 is now old.
        assert_eq!(classify_refresh("h3", Some(&current), previous.as_deref()), RefreshUse::Current);
        (current, previous) = rotated("h3", "h4").map_second(Some);
        assert_eq!(classify_refresh("h1", Some(&current), previous.as_deref()), RefreshUse::Reused);
        assert_eq!(
            classify_refresh("h2", Some(&current), previous.as_deref()),
            RefreshUse::Reused,
            "never received, never valid again"
        );
    }

    trait MapSecond<A, B> {
        fn map_second<C>(self, f: impl FnOnce(B) -> C) -> (A, C);
    }
    impl<A, B> MapSecond<A, B> for (A, B) {
        fn map_second<C>(self, f: impl FnOnce(B) -> C) -> (A, C) {
            (self.0, f(self.1))
        }
    }
}
