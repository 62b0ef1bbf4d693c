//! The tenant as a turn needs it, built the same way by every inbound route.

use super::d1::{ChannelTenant, TenantRow};
use frontdesk_core::inbound::TenantContext;
use frontdesk_core::tenant::Settings;
use frontdesk_durable::platform::time::local_time;

fn context(tenant_id: String, business_name: String, timezone: &str, settings: &str, now_ms: u64) -> TenantContext {
    let settings = serde_json::from_str::<Settings>(settings).unwrap_or_else(|e| {
        // The turn still runs (with no hours or next step) rather than lose the message.
        worker::console_error!("tenant {tenant_id} has unreadable settings: {e}");
        Settings::default()
    });
    TenantContext { local_time: local_time(now_ms, timezone), settings, tenant_id, business_name }
}

impl ChannelTenant {
    pub fn into_context(self, now_ms: u64) -> TenantContext {
        context(self.tenant_id, self.name, &self.timezone, &self.settings, now_ms)
    }
}

impl TenantRow {
    pub fn into_context(self, now_ms: u64) -> TenantContext {
        context(self.id, self.name, &self.timezone, &self.settings, now_ms)
    }
}
