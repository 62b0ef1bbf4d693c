//! Meta WhatsApp Cloud API (PROTOCOLS.md §4): the webhook's verification handshake and
//! `X-Hub-Signature-256`, its payload (messages and delivery statuses), the 24-hour
//! customer-service window, and sending a text or a template.

mod inbound;
mod send;
mod signature;
mod window;

pub use inbound::{parse, phone_number_id, Inbound, InboundText, StatusUpdate};
pub use send::{is_outside_window, parse_send_response, send_request, template_request, API_BASE, OUTSIDE_WINDOW_CODE};
pub use signature::{verify, verify_challenge};
pub use window::{choose, within_service_window, TemplateSetting, WhatsAppSend, SERVICE_WINDOW_MS};

/// `webhook_events.provider` and `tenant_channels.provider`; the channel address is the
/// WhatsApp Business `phone_number_id`.
pub const PROVIDER: &str = "meta";
