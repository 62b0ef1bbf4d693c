//! frontdesk-durable — the Durable Object classes, and the binding adapters they share with the
//! Worker ([`platform`]). Each object is a thin shell over core logic: storage, streams and the
//! runtime live here; decisions live in frontdesk-core.

mod call_do;
mod call_voice;
mod conversation_do;
mod limiter_do;
mod llm_turn;
pub mod platform;
mod protocol;
mod tenant_hub_do;
mod thread_store;

pub use call_do::CallDO;
pub use conversation_do::ConversationDO;
pub use limiter_do::LimiterDO;
pub use llm_turn::draft as draft_reply;
pub use protocol::{
    call_connect, call_erase, conversation_forget, conversation_turn, hub_publish, hub_redact, hub_stream, limiter_take,
};
pub use tenant_hub_do::TenantHubDO;
