//! OpenPhone / Quo (PROTOCOLS.md §5): both webhook signing schemes, the event envelope (texts,
//! missed calls, and the recording, summary and transcript of a call), and sending a text.

mod artefact;
mod inbound;
mod send;
mod signature;

pub use artefact::{ArtefactKind, CallArtefact, Line, MAX_TIMELINE_CHARS};
pub use inbound::{parse, Event, EventKind};
pub use send::{parse_send_response, send_request, API_BASE};
pub use signature::{verify, SignatureHeaders, TOLERANCE_MS};

/// `webhook_events.provider` and `tenant_channels.provider`; the channel address is the
/// tenant's OpenPhone number (E.164).
pub const PROVIDER: &str = "openphone";
