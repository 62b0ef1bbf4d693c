//! OpenPhone / Quo (PROTOCOLS.md §5): both webhook signing schemes, the event envelope, and
//! sending a text.

mod inbound;
mod send;
mod signature;

pub use inbound::{parse, Event, EventKind};
pub use send::{parse_send_response, send_request, API_BASE};
pub use signature::{verify, SignatureHeaders, TOLERANCE_MS};

/// `webhook_events.provider` and `tenant_channels.provider`; the channel address is the
/// tenant's OpenPhone number (E.164).
pub const PROVIDER: &str = "openphone";
