//! Tenant resolution: by a provider's receiving address (webhooks) and by API key (tenant API).

use super::{statement, Arg};
use frontdesk_core::auth::ApiKey;
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::HashMap;
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
}

impl std::fmt::Debug for ChannelTenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelTenant").field("tenant_id", &self.tenant_id).field("secret_ref", &"***").finish()
    }
}

/// How long an isolate trusts its copy of the address → tenant map. The map changes only at
/// onboarding, and every webhook needs it, so one D1 read per address per 30 s instead of
/// one per request (unknown addresses are cached too, so spam to a stray number stays cheap).
const CHANNEL_CACHE_MS: u64 = 30_000;

/// (provider, address) → (fetched at, tenant).
type ChannelCache = HashMap<(String, String), (u64, Option<ChannelTenant>)>;

thread_local! {
    static CHANNEL_CACHE: RefCell<ChannelCache> = RefCell::new(HashMap::new());
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
    let cached = CHANNEL_CACHE.with(|c| c.borrow().get(&key).cloned());
    if let Some((fetched_at, tenant)) = cached {
        if now_ms.saturating_sub(fetched_at) < CHANNEL_CACHE_MS {
            return Ok(tenant);
        }
    }
    let tenant: Option<ChannelTenant> = statement(
        db,
        "SELECT t.id AS tenant_id, t.name, t.timezone, t.settings, c.secret_ref \
         FROM tenant_channels c JOIN tenants t ON t.id = c.tenant_id \
         WHERE c.provider = ?1 AND c.address = ?2 AND t.status = 'active'",
        &[Arg::Text(provider), Arg::Text(address)],
    )?
    .first(None)
    .await?;
    CHANNEL_CACHE.with(|c| c.borrow_mut().insert(key, (now_ms, tenant.clone())));
    Ok(tenant)
}

/// Who is calling the tenant API.
#[derive(Deserialize)]
pub struct KeyOwner {
    pub tenant_id: String,
    /// `api_keys.id`, recorded as the actor of audited actions.
    pub key_id: String,
}

/// The tenant an unrevoked API key belongs to.
pub async fn tenant_for_api_key(db: &D1Database, key: &ApiKey) -> Result<Option<KeyOwner>> {
    statement(
        db,
        "SELECT k.tenant_id, k.id AS key_id FROM api_keys k JOIN tenants t ON t.id = k.tenant_id \
         WHERE k.key_hash = ?1 AND k.revoked_at IS NULL AND t.status = 'active'",
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
