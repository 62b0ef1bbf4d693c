//! Rate limits for the routes anyone can call: a token bucket per key, and which routes are
//! limited by what key.
//!
//! A bucket holds up to `burst` tokens and gains `per_minute` tokens a minute; a request takes
//! one or is refused with the whole seconds until one is back (`Retry-After`). Arithmetic is in
//! integers: a token is [`UNITS_PER_TOKEN`] units and a millisecond refills `per_minute` units,
//! so refills are exact whatever the rate. Time is passed in, so every case is testable.
//!
//! Limited: website chat and form/missed-call webhooks (per tenant and client IP), the tenant
//! API (per API key), the OAuth endpoints (per client IP) and MCP (per OAuth grant or API key,
//! [`Scope::mcp_key`]). Never limited: `/health`, and the provider webhooks (Twilio, Meta,
//! OpenPhone), which are signed, come from a few provider IPs carrying every tenant's traffic,
//! and retry on 429 — limiting them would delay or drop real customers' messages.

use crate::auth::ApiKey;
use serde::{Deserialize, Serialize};

/// One token, in refill units: a minute is 60 000 ms, so a millisecond at `per_minute` adds
/// `per_minute` units and a minute adds `per_minute` tokens.
pub const UNITS_PER_TOKEN: u64 = 60_000;

/// A rate: `per_minute` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub per_minute: u32,
    pub burst: u32,
}

impl Limit {
    /// Both at least one: a zero would refuse everything forever.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        Self { per_minute: per_minute.max(1), burst: burst.max(1) }
    }

    /// `default` with the values a configuration sets (wrangler vars), ignoring unparsable ones.
    pub fn configured(default: Limit, per_minute: Option<&str>, burst: Option<&str>) -> Self {
        let parse = |raw: Option<&str>| raw.and_then(|v| v.trim().parse::<u32>().ok()).filter(|n| *n > 0);
        Self::new(parse(per_minute).unwrap_or(default.per_minute), parse(burst).unwrap_or(default.burst))
    }
}

/// A token bucket. Starts full.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    limit: Limit,
    units: u64,
    updated_ms: u64,
}

impl TokenBucket {
    pub fn new(limit: Limit, now_ms: u64) -> Self {
        let limit = Limit::new(limit.per_minute, limit.burst);
        Self { limit, units: capacity(limit), updated_ms: now_ms }
    }

    /// Takes one token at `now_ms`, or says in how many whole seconds (at least 1) one is back.
    pub fn take(&mut self, now_ms: u64) -> Result<(), u32> {
        self.refill(now_ms);
        if self.units >= UNITS_PER_TOKEN {
            self.units -= UNITS_PER_TOKEN;
            return Ok(());
        }
        let missing = UNITS_PER_TOKEN - self.units;
        let wait_ms = missing.div_ceil(u64::from(self.limit.per_minute));
        Err(u32::try_from(wait_ms.div_ceil(1000)).unwrap_or(u32::MAX).max(1))
    }

    /// Applies a changed configuration, keeping what is in the bucket (up to the new burst).
    pub fn set_limit(&mut self, limit: Limit, now_ms: u64) {
        self.refill(now_ms);
        self.limit = Limit::new(limit.per_minute, limit.burst);
        self.units = self.units.min(capacity(self.limit));
    }

    fn refill(&mut self, now_ms: u64) {
        // A clock that steps back refills nothing rather than underflowing.
        let elapsed = now_ms.saturating_sub(self.updated_ms);
        self.units = self.units.saturating_add(elapsed.saturating_mul(u64::from(self.limit.per_minute)));
        self.units = self.units.min(capacity(self.limit));
        self.updated_ms = self.updated_ms.max(now_ms);
    }
}

fn capacity(limit: Limit) -> u64 {
    u64::from(limit.burst) * UNITS_PER_TOKEN
}

/// What a limited route is limited as; each has its own default and configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `/chat/{tenant}/…`, per tenant and client IP.
    Chat,
    /// `/api/…`, per API key (client IP without a well-formed one).
    Api,
    /// `/webhooks/forms/{tenant}` and `/webhooks/missed-call/{tenant}`, per tenant and client IP.
    TenantWebhook,
    /// `/oauth/…` (sign-in, token, registration, revocation), per client IP.
    OAuth,
    /// `/mcp`, per OAuth grant or tenant API key ([`Scope::mcp_key`]). Taken by the route once
    /// the credential is resolved, not by the router: the grant is known only then.
    Mcp,
}

/// A person chatting writes a message every few seconds at most; the widget sends one request
/// per message and opens a stream per page load, which the browser reopens every 3 s while a
/// connection flaps (20 a minute on its own). Visitors behind one office or mobile-carrier NAT
/// share an IP. 60 a minute with 60 at once covers all of that, and still holds a script to one
/// turn a second per IP and tenant (each turn's LLM tokens are also capped by the tenant's budget).
pub const CHAT_DEFAULT: Limit = Limit { per_minute: 60, burst: 60 };

/// The dashboard polls a handful of lists every few seconds and an integration may page through
/// everything at once: 600 a minute (10/s) with 200 at once is generous for both, and bounds
/// one key to what D1 serves comfortably.
pub const API_DEFAULT: Limit = Limit { per_minute: 600, burst: 200 };

/// Forms and missed calls are often posted by one server for all of a tenant's submissions (a
/// form service, the tenant's phone system), so one IP carries the whole tenant: 120 a minute
/// with 60 at once is more than a business receives, and bounds someone replaying a leaked
/// form key.
pub const TENANT_WEBHOOK_DEFAULT: Limit = Limit { per_minute: 120, burst: 60 };

/// A person signs in a few times a day, and a client refreshes once an hour; one sign-in is
/// about five requests (authorize, login, consent, token, maybe registration). 60 a minute with
/// 30 at once is plenty for an office behind one IP, and holds password guessing across
/// accounts to a trickle (each account also locks after five failures).
pub const OAUTH_DEFAULT: Limit = Limit { per_minute: 60, burst: 30 };

/// An MCP client is a model working through a task: tool calls come in bursts (several in
/// parallel, a morning's triage reading dozens of histories) and a few a second at most
/// sustained. 300 a minute with 100 at once leaves room for that — as the API's per-key bucket
/// did before MCP had its own — and holds one user's (or one key's) runaway loop to what D1
/// and the providers behind the write tools serve comfortably, without touching the tenant's
/// other users.
pub const MCP_DEFAULT: Limit = Limit { per_minute: 300, burst: 100 };

impl Scope {
    /// The route a request's path segments name, if the router limits it (`/mcp` limits itself).
    pub fn of_route(segments: &[&str]) -> Option<(Scope, Option<String>)> {
        match segments {
            ["chat", tenant, ..] => Some((Scope::Chat, Some((*tenant).to_owned()))),
            ["api", ..] => Some((Scope::Api, None)),
            ["webhooks", "forms" | "missed-call", tenant, ..] => {
                Some((Scope::TenantWebhook, Some((*tenant).to_owned())))
            }
            ["oauth", ..] => Some((Scope::OAuth, None)),
            _ => None,
        }
    }

    pub fn default_limit(self) -> Limit {
        match self {
            Scope::Chat => CHAT_DEFAULT,
            Scope::Api => API_DEFAULT,
            Scope::TenantWebhook => TENANT_WEBHOOK_DEFAULT,
            Scope::OAuth => OAUTH_DEFAULT,
            Scope::Mcp => MCP_DEFAULT,
        }
    }

    /// The wrangler vars that override the default: (per minute, burst).
    pub fn config_vars(self) -> (&'static str, &'static str) {
        match self {
            Scope::Chat => ("RATE_LIMIT_CHAT_PER_MIN", "RATE_LIMIT_CHAT_BURST"),
            Scope::Api => ("RATE_LIMIT_API_PER_MIN", "RATE_LIMIT_API_BURST"),
            Scope::TenantWebhook => ("RATE_LIMIT_WEBHOOK_PER_MIN", "RATE_LIMIT_WEBHOOK_BURST"),
            Scope::OAuth => ("RATE_LIMIT_OAUTH_PER_MIN", "RATE_LIMIT_OAUTH_BURST"),
            Scope::Mcp => ("RATE_LIMIT_MCP_PER_MIN", "RATE_LIMIT_MCP_BURST"),
        }
    }

    /// The bucket's name. `tenant` is the path's slug; `client_ip` is `CF-Connecting-IP`
    /// (absent only outside Cloudflare's edge, so those requests share one bucket);
    /// `authorization` the API's `Authorization` header.
    ///
    /// An API key is named by the first 64 bits of its SHA-256, never by the key itself:
    /// the name is visible to whoever reads DO names. A header that is not a well-formed bearer
    /// key falls back to the IP, so garbage cannot make a new bucket per request.
    pub fn key(self, tenant: Option<&str>, client_ip: Option<&str>, authorization: Option<&str>) -> String {
        let ip = client_ip.map(str::trim).filter(|ip| !ip.is_empty()).unwrap_or("unknown");
        let tenant = tenant.unwrap_or("");
        match self {
            Scope::Chat => format!("chat:{tenant}:{ip}"),
            Scope::TenantWebhook => format!("webhook:{tenant}:{ip}"),
            Scope::OAuth => format!("oauth:{ip}"),
            Scope::Mcp => Scope::mcp_key(None, None, client_ip),
            Scope::Api => match authorization.and_then(ApiKey::from_bearer) {
                Some(key) => format!("api:key:{}", &key.hash()[..16]),
                None => format!("api:ip:{ip}"),
            },
        }
    }
}

impl Scope {
    /// An `/mcp` request's bucket: the OAuth grant it acts through — every access token the
    /// grant's refreshes mint draws from it, so refreshing does not buy a fresh bucket —, else
    /// the tenant API key's id, else (a credential that did not resolve) the client IP, which
    /// bounds token guessing. Never by IP for a signed-in user: clients such as Claude call from
    /// a few shared addresses on behalf of every tenant's users. Ids, not secrets, name buckets.
    pub fn mcp_key(grant_id: Option<&str>, api_key_id: Option<&str>, client_ip: Option<&str>) -> String {
        match (grant_id, api_key_id) {
            (Some(grant), _) => format!("mcp:grant:{grant}"),
            (None, Some(key)) => format!("mcp:key:{key}"),
            (None, None) => {
                format!("mcp:ip:{}", client_ip.map(str::trim).filter(|ip| !ip.is_empty()).unwrap_or("unknown"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_gives_its_burst_then_refuses() {
        let mut bucket = TokenBucket::new(Limit::new(60, 3), 0);
        for _ in 0..3 {
            assert_eq!(bucket.take(0), Ok(()));
        }
        assert_eq!(bucket.take(0), Err(1), "60 a minute: one token a second");
    }

    #[test]
    fn tokens_come_back_at_the_rate() {
        let mut bucket = TokenBucket::new(Limit::new(30, 2), 1_000);
        assert_eq!(bucket.take(1_000), Ok(()));
        assert_eq!(bucket.take(1_000), Ok(()));
        assert_eq!(bucket.take(1_000), Err(2), "30 a minute: one token every 2 s");
        assert_eq!(bucket.take(2_999), Err(1), "1 ms short: rounds up to a whole second");
        assert_eq!(bucket.take(3_000), Ok(()));
        assert_eq!(bucket.take(3_000), Err(2));
        // A long pause refills only up to the burst.
        assert_eq!(bucket.take(3_600_000), Ok(()));
        assert_eq!(bucket.take(3_600_000), Ok(()));
        assert!(bucket.take(3_600_000).is_err());
    }

    #[test]
    fn slow_rates_say_how_long_to_wait() {
        let mut bucket = TokenBucket::new(Limit::new(1, 1), 0);
        assert_eq!(bucket.take(0), Ok(()));
        assert_eq!(bucket.take(0), Err(60));
        assert_eq!(bucket.take(30_000), Err(30));
        assert_eq!(bucket.take(60_000), Ok(()));
    }

    #[test]
    fn a_clock_stepping_back_does_not_refill_or_panic() {
        let mut bucket = TokenBucket::new(Limit::new(60, 1), 10_000);
        assert_eq!(bucket.take(10_000), Ok(()));
        assert_eq!(bucket.take(5_000), Err(1));
        assert_eq!(bucket.take(10_999), Err(1));
        assert_eq!(bucket.take(11_000), Ok(()));
    }

    #[test]
    fn a_new_limit_keeps_the_level_up_to_the_new_burst() {
        let mut bucket = TokenBucket::new(Limit::new(60, 10), 0);
        bucket.set_limit(Limit::new(60, 2), 0);
        assert_eq!(bucket.take(0), Ok(()));
        assert_eq!(bucket.take(0), Ok(()));
        assert!(bucket.take(0).is_err());
    }

    #[test]
    fn zero_and_bad_configuration_fall_back_to_sane_values() {
        assert_eq!(Limit::new(0, 0), Limit { per_minute: 1, burst: 1 });
        assert_eq!(Limit::configured(CHAT_DEFAULT, None, None), CHAT_DEFAULT);
        assert_eq!(Limit::configured(CHAT_DEFAULT, Some(" 5 "), Some("2")), Limit { per_minute: 5, burst: 2 });
        assert_eq!(Limit::configured(CHAT_DEFAULT, Some("0"), Some("lots")), CHAT_DEFAULT);
    }

    #[test]
    fn provider_webhooks_and_health_are_never_limited() {
        for path in [
            &["health"][..],
            &["webhooks", "twilio", "sms"],
            &["webhooks", "meta", "whatsapp"],
            &["webhooks", "openphone"],
            &[""],
            &["widget.js"],
        ] {
            assert_eq!(Scope::of_route(path), None, "{path:?}");
        }
        assert_eq!(Scope::of_route(&["chat", "demo", "messages"]), Some((Scope::Chat, Some("demo".into()))));
        assert_eq!(Scope::of_route(&["chat", "demo", "events"]), Some((Scope::Chat, Some("demo".into()))));
        assert_eq!(Scope::of_route(&["api", "v1", "leads"]), Some((Scope::Api, None)));
        assert_eq!(Scope::of_route(&["oauth", "token"]), Some((Scope::OAuth, None)));
        assert_eq!(Scope::OAuth.key(None, Some("203.0.113.9"), None), "oauth:203.0.113.9");
        assert_eq!(Scope::of_route(&["mcp"]), None, "/mcp takes from the caller's bucket itself");
        assert_eq!(Scope::of_route(&["webhooks", "forms", "demo"]), Some((Scope::TenantWebhook, Some("demo".into()))));
        assert_eq!(
            Scope::of_route(&["webhooks", "missed-call", "demo"]),
            Some((Scope::TenantWebhook, Some("demo".into())))
        );
    }

    #[test]
    fn mcp_buckets_are_per_grant_or_key_and_only_unresolved_callers_by_ip() {
        assert_eq!(Scope::mcp_key(Some("grt_1"), None, Some("1.1.1.1")), "mcp:grant:grt_1");
        assert_eq!(
            Scope::mcp_key(Some("grt_1"), None, Some("1.1.1.1")),
            Scope::mcp_key(Some("grt_1"), None, Some("2.2.2.2")),
            "one grant, one bucket, from any IP"
        );
        assert_ne!(
            Scope::mcp_key(Some("grt_1"), None, Some("1.1.1.1")),
            Scope::mcp_key(Some("grt_2"), None, Some("1.1.1.1"))
        );
        assert_eq!(Scope::mcp_key(None, Some("key_demo"), Some("1.1.1.1")), "mcp:key:key_demo");
        assert_eq!(Scope::mcp_key(None, None, Some(" 1.1.1.1 ")), "mcp:ip:1.1.1.1");
        assert_eq!(Scope::mcp_key(None, None, None), "mcp:ip:unknown");
        assert_eq!(Scope::Mcp.default_limit(), MCP_DEFAULT);
    }

    #[test]
    fn keys_separate_tenants_clients_and_api_keys_without_naming_the_key() {
        assert_eq!(Scope::Chat.key(Some("demo"), Some("203.0.113.9"), None), "chat:demo:203.0.113.9");
        assert_eq!(Scope::Chat.key(Some("demo"), None, None), "chat:demo:unknown");
        assert_ne!(
            Scope::Chat.key(Some("demo"), Some("1.1.1.1"), None),
            Scope::Chat.key(Some("demo2"), Some("1.1.1.1"), None)
        );
        assert_eq!(Scope::TenantWebhook.key(Some("demo"), Some("::1"), None), "webhook:demo:::1");

        let key = "Bearer fd_demo_devkey_0000000000000000";
        let named = Scope::Api.key(None, Some("1.1.1.1"), Some(key));
        assert!(named.starts_with("api:key:") && named.len() == "api:key:".len() + 16, "{named}");
        assert!(!named.contains("fd_demo"), "the key itself is never in the name");
        assert_eq!(named, Scope::Api.key(None, Some("2.2.2.2"), Some(key)), "one key, one bucket, from any IP");
        assert_ne!(named, Scope::Api.key(None, None, Some("Bearer fd_demo2_devkey_000000000000000")));
        assert_eq!(Scope::Api.key(None, Some("1.1.1.1"), None), "api:ip:1.1.1.1");
        assert_eq!(Scope::Api.key(None, Some("1.1.1.1"), Some("Basic abc")), "api:ip:1.1.1.1");
    }
}
