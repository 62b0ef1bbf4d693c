//! The tenant as a turn needs it, built the same way by every inbound route.

use super::d1::{ChannelTenant, TenantRow};
use frontdesk_core::inbound::TenantContext;
use frontdesk_durable::platform::tenant::TenantRecord;

/// `tenants.status` of a tenant whose front desk answers with the holding reply.
pub const PAUSED: &str = "paused";

impl ChannelTenant {
    pub fn record(&self) -> TenantRecord {
        TenantRecord {
            tenant_id: self.tenant_id.clone(),
            name: self.name.clone(),
            timezone: self.timezone.clone(),
            settings: self.settings.clone(),
            paused: self.status == PAUSED,
        }
    }

    pub fn into_context(self, now_ms: u64) -> TenantContext {
        self.record().into_context(now_ms)
    }
}

impl TenantRow {
    pub fn into_context(self, now_ms: u64) -> TenantContext {
        TenantRecord {
            paused: self.status == PAUSED,
            tenant_id: self.id,
            name: self.name,
            timezone: self.timezone,
            settings: self.settings,
        }
        .into_context(now_ms)
    }
}
