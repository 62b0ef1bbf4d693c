//! The Worker's D1 queries: tenant resolution and the tenant API's reads. The inbound write
//! path belongs to `ConversationDO` (frontdesk-durable).

mod reads;
mod tenants;

pub use frontdesk_durable::platform::d1::{database, statement, Arg};
pub use reads::{contact_list, conversation, conversation_list, message_list};
pub use tenants::{channel_tenant, tenant_for_api_key};
