//! Meta WhatsApp Cloud API (PROTOCOLS.md §4): the webhook's verification handshake and
//! `X-Hub-Signature-256`, its payload (messages and delivery statuses), and sending a text.

mod inbound;
mod send;
mod signature;

pub use inbound::{parse, Inbound, InboundText, StatusUpdate};
pub use send::{parse_send_response, send_request, API_BASE};
pub use signature::{verify, verify_challenge};

/// `webhook_events.provider` and `tenant_channels.provider`; the channel address is the
/// WhatsApp Business `phone_number_id`.
pub const PROVIDER: &str = "meta";
