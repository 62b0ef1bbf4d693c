//! The console's browser session: an opaque `fd_session` cookie (a `fdcs_` secret, stored only
//! as its SHA-256 like every other token, `oauth::tokens`), how long it lives — 12 hours after
//! its last use, 7 days at most — and the CSRF token every write made with it must carry.
//!
//! The CSRF token is derived from the session secret rather than stored: the page can ask for
//! it again after a reload (`GET /api/v1/session`), a database leak (hashes only) does not
//! yield it, and another site, which cannot read the cookie, cannot compute it.

use crate::oauth::tokens::{self, Kind};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const COOKIE_NAME: &str = "fd_session";
/// The header every cookie-authenticated write carries.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A session unused this long is over (the console polls and streams while open).
pub const IDLE_TTL_MS: u64 = 12 * 60 * 60 * 1000;
/// However busy, a session ends this long after sign-in.
pub const ABSOLUTE_TTL_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, not on every request.
pub const TOUCH_EVERY_MS: u64 = 5 * 60 * 1000;

/// `console_sessions`' clock columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    pub last_seen_at: u64,
    /// The absolute end.
    pub expires_at: u64,
}

impl Lifetime {
    pub fn started(now_ms: u64) -> Self {
        Self { last_seen_at: now_ms, expires_at: now_ms + ABSOLUTE_TTL_MS }
    }

    pub fn is_live(&self, now_ms: u64) -> bool {
        now_ms < self.expires_at && now_ms < self.last_seen_at.saturating_add(IDLE_TTL_MS)
    }

    /// Whether this use should slide the idle deadline (written back).
    pub fn needs_touch(&self, now_ms: u64) -> bool {
        now_ms >= self.last_seen_at.saturating_add(TOUCH_EVERY_MS)
    }

    /// The cookie's `Max-Age`: until the absolute end (the idle end is the server's to enforce).
    pub fn max_age_s(&self, now_ms: u64) -> u64 {
        self.expires_at.saturating_sub(now_ms) / 1000
    }
}

/// The session secret in a `Cookie` header, if it has the right shape.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .filter(|value| tokens::is_shaped(Kind::ConsoleSession, value))
}

/// `Set-Cookie` for a new session: readable by no script, sent on top-level navigations and
/// same-site requests only, and (`secure`: outside local development) only over HTTPS.
pub fn set_cookie(secret: &str, max_age_s: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={secret}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age_s}{secure}")
}

/// `Set-Cookie` that makes the browser forget the session.
pub fn clear_cookie(secure: bool) -> String {
    set_cookie("", 0, secure)
}

/// The CSRF token of a session.
pub fn csrf_token(secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"frontdesk console csrf\n");
    hasher.update(secret.as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Whether `presented` (the `X-CSRF-Token` header) is the session's, in constant time.
pub fn csrf_matches(secret: &str, presented: Option<&str>) -> bool {
    let Some(presented) = presented.map(str::trim).filter(|p| !p.is_empty()) else { return false };
    bool::from(csrf_token(secret).as_bytes().ct_eq(presented.as_bytes()))
}

/// Methods that change nothing and so need no CSRF token.
pub fn is_safe_method(method: &str) -> bool {
    matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> String {
        tokens::new_secret(Kind::ConsoleSession, [7; 32])
    }

    #[test]
    fn a_session_ends_after_twelve_idle_hours_or_seven_days() {
        let life = Lifetime::started(1_000);
        assert!(life.is_live(1_000 + IDLE_TTL_MS - 1));
        assert!(!life.is_live(1_000 + IDLE_TTL_MS));
        let busy = Lifetime { last_seen_at: 1_000 + ABSOLUTE_TTL_MS - 10, ..life };
        assert!(busy.is_live(1_000 + ABSOLUTE_TTL_MS - 1));
        assert!(!busy.is_live(1_000 + ABSOLUTE_TTL_MS));
    }

    #[test]
    fn use_is_written_back_every_five_minutes_at_most() {
        let life = Lifetime::started(0);
        assert!(!life.needs_touch(TOUCH_EVERY_MS - 1));
        assert!(life.needs_touch(TOUCH_EVERY_MS));
        assert_eq!(life.max_age_s(0), ABSOLUTE_TTL_MS / 1000);
    }

    #[test]
    fn the_cookie_is_found_among_others_and_must_be_ours() {
        let s = secret();
        assert_eq!(from_cookie_header(&format!("theme=dark; fd_session={s}; x=1")), Some(s.as_str()));
        assert_eq!(from_cookie_header("fd_session=fdoa_notasession"), None);
        assert_eq!(from_cookie_header("fd_session="), None);
        assert_eq!(from_cookie_header(""), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_outside_development() {
        let s = secret();
        assert_eq!(
            set_cookie(&s, 60, true),
            format!("fd_session={s}; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Secure")
        );
        assert!(!set_cookie(&s, 60, false).contains("Secure"));
        assert_eq!(clear_cookie(false), "fd_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    }

    #[test]
    fn the_csrf_token_is_the_sessions_and_no_other() {
        let s = secret();
        let other = tokens::new_secret(Kind::ConsoleSession, [8; 32]);
        assert!(csrf_matches(&s, Some(&csrf_token(&s))));
        assert!(!csrf_matches(&s, Some(&csrf_token(&other))));
        assert!(!csrf_matches(&s, Some("")));
        assert!(!csrf_matches(&s, None));
        assert!(!csrf_token(&s).contains(&s[5..15]));
    }

    #[test]
    fn only_reads_skip_the_csrf_check() {
        assert!(is_safe_method("GET") && is_safe_method("head"));
        assert!(!is_safe_method("POST") && !is_safe_method("DELETE") && !is_safe_method("PUT"));
    }
}
