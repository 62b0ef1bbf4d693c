//! Tenant resolution: by a provider's receiving address (webhooks) and by API key (tenant API).

use super::{statement, Arg};
use frontdesk_core::auth::ApiKey;
use frontdesk_core::lru::Lru;
use serde::Deserialize;
use std::cell::RefCell;
use worker::{D1Database, Result};

/// A tenant as seen through one of its channels.
#[derive(Clone, Deserialize)]
pub struct ChannelTenant {
    pub tenant_id: String,
    pub name: String,
    pub timezone: String,
    /// `tenants.settings` JSON.
    pub settings: String,
    pub secret_ref: String,
    /// `tenants.status`: a paused tenant's webhooks are still taken, and answered by the
    /// holding reply.
    pub status: String,
}

impl std::fmt::Debug for ChannelTenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelTenant").field("tenant_id", &self.tenant_id).field("secret_ref", &"***").finish()
    }
}

/// How long an isolate trusts its copy of the address → tenant map. The map changes only at
/// onboarding, and every webhook needs it, so one D1 read per address per 30 s instead of
/// one per request.
const CHANNEL_CACHE_MS: u64 = 30_000;

/// At most this many addresses are cached per isolate (least recently used evicted first): a
/// few times the number of addresses an isolate serves, yet small: a cached row is mostly the
/// tenant's settings JSON, a few KiB, so the cache stays within a few MiB of the isolate's 128.
const CHANNEL_CACHE_ENTRIES: usize = 1024;

thread_local! {
    /// (provider, address) → tenant. Only addresses that resolved are cached: the addresses
    /// come from unsigned requests, so caching misses would let anyone fill the cache with
    /// made-up numbers and push real tenants out. An unknown address costs a D1 read each time.
    static CHANNEL_CACHE: RefCell<Lru<(String, String), ChannelTenant>> =
        RefCell::new(Lru::new(CHANNEL_CACHE_ENTRIES, CHANNEL_CACHE_MS));
}

/// Drops this isolate's cached map, after a tenant changed its settings; other isolates pick
/// the change up within `CHANNEL_CACHE_MS`.
pub fn forget_cached_channels() {
    CHANNEL_CACHE.with(|c| c.borrow_mut().clear());
}

/// The active tenant that owns `address` on `provider`, if any.
pub async fn channel_tenant(
    db: &D1Database,
    provider: &str,
    address: &str,
    now_ms: u64,
) -> Result<Option<ChannelTenant>> {
    let key = (provider.to_owned(), address.to_owned());
    if let Some(tenant) = CHANNEL_CACHE.with(|c| c.borrow_mut().get(&key, now_ms).cloned()) {
        return Ok(Some(tenant));
    }
    let tenant: Option<ChannelTenant> = statement(
        db,
        "SELECT t.id AS tenant_id, t.name, t.timezone, t.settings, c.secret_ref, t.status \
         FROM tenant_channels c JOIN tenants t ON t.id = c.tenant_id \
         WHERE c.provider = ?1 AND c.address = ?2 AND t.status IN ('active', 'paused')",
        &[Arg::Text(provider), Arg::Text(address)],
    )?
    .first(None)
    .await?;
    if let Some(tenant) = &tenant {
        CHANNEL_CACHE.with(|c| c.borrow_mut().insert(key, tenant.clone(), now_ms));
    }
    Ok(tenant)
}

/// Who is calling the tenant API.
#[derive(Deserialize)]
pub struct KeyOwner {
    pub tenant_id: String,
    /// `api_keys.id`, recorded as the actor of audited actions.
    pub key_id: String,
}

/// The tenant an unrevoked API key belongs to; a paused tenant's keys still work (its owner
/// resumes it with one).
pub async fn tenant_for_api_key(db: &D1Database, key: &ApiKey) -> Result<Option<KeyOwner>> {
    statement(
        db,
        "SELECT k.tenant_id, k.id AS key_id FROM api_keys k JOIN tenants t ON t.id = k.tenant_id \
         WHERE k.key_hash = ?1 AND k.revoked_at IS NULL AND t.status IN ('active', 'paused')",
        &[Arg::Text(&key.hash())],
    )?
    .first(None)
    .await
}

/// What a tenant-scoped feature needs to know about its tenant.
#[derive(Deserialize)]
pub struct TenantProfile {
    pub timezone: String,
    /// `tenants.settings` JSON.
    pub settings: String,
}

pub async fn tenant_profile(db: &D1Database, tenant_id: &str) -> Result<Option<TenantProfile>> {
    statement(db, "SELECT timezone, settings FROM tenants WHERE id = ?1", &[Arg::Text(tenant_id)])?.first(None).await
}

/// A tenant's channel as the console lists it: whether its secret is set, never the secret.
#[derive(Deserialize)]
pub struct ChannelListRow {
    pub provider: String,
    pub address: String,
    pub config: String,
    pub has_secret: u8,
    pub created_at: u64,
}

pub async fn tenant_channels(db: &D1Database, tenant_id: &str) -> Result<Vec<ChannelListRow>> {
    statement(
        db,
        "SELECT provider, address, config, secret_ref != '' AS has_secret, created_at FROM tenant_channels \
         WHERE tenant_id = ?1 \
         ORDER BY provider, created_at, id",
        &[Arg::Text(tenant_id)],
    )?
    .all()
    .await?
    .results()
}
