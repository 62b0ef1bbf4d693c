//! The Worker's D1 queries: tenant resolution and the tenant API's reads. The inbound write
//! path belongs to `ConversationDO` (frontdesk-durable).

mod escalations;
mod reads;
mod settings;
mod tenants;

pub use escalations::{escalation, escalation_list, set_escalation_status};
pub use frontdesk_durable::platform::d1::{database, statement, Arg};
pub use reads::{apply_message_status, contact_list, conversation, conversation_list, message_list, outbox_list};
pub use settings::{save_tenant, tenant_row, TenantRow};
pub use tenants::{channel_tenant, forget_cached_channels, tenant_for_api_key, tenant_profile, KeyOwner};
