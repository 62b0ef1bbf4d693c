//! The tenant as a turn needs it, built the same way by every inbound route and by `CallDO`
//! (which keeps the row for the length of a call and takes each turn at its own time).

use super::time::local_time;
use frontdesk_core::inbound::TenantContext;
use frontdesk_core::tenant::Settings;
use serde::{Deserialize, Serialize};

/// The `tenants` columns a turn's context is made of.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TenantRecord {
    pub tenant_id: String,
    pub name: String,
    pub timezone: String,
    /// `tenants.settings` JSON.
    pub settings: String,
    /// `tenants.status = 'paused'`: turns answer with the holding reply (`core::pause`).
    #[serde(default)]
    pub paused: bool,
}

impl TenantRecord {
    pub fn into_context(self, now_ms: u64) -> TenantContext {
        let settings = serde_json::from_str::<Settings>(&self.settings).unwrap_or_else(|e| {
            // The turn still runs (with no hours or next step) rather than lose the message.
            worker::console_error!("tenant {} has unreadable settings: {e}", self.tenant_id);
            Settings::default()
        });
        TenantContext {
            local_time: local_time(now_ms, &self.timezone),
            settings,
            tenant_id: self.tenant_id,
            business_name: self.name,
            paused: self.paused,
        }
    }
}
