//! OpenPhone / Quo (PROTOCOLS.md §5): both webhook signing schemes, both event generations
//! (legacy `data.object`, versioned `2026-03-30` `data.resource` + `data.context`) for texts,
//! missed calls, and the recording, summary and transcript of a call, who an event is for
//! (read even when the rest does not parse), and sending a text.
//!
//! `fixtures/2026-03-30/` holds the documented versioned samples (the `body` of each file in
//! hookdeck/webhook-samples `providers/quo/2026-03-30/`, which mirror
//! quo.com/docs/2026-03-30/webhooks-event-payloads).

mod artefact;
mod inbound;
mod route;
mod send;
mod signature;

pub use artefact::{ArtefactKind, CallArtefact, Line, MAX_TIMELINE_CHARS};
pub use inbound::{acts_on, parse, Event, EventKind};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use route::assert_route_agrees;
pub use route::{route, Route};
pub use send::{parse_send_response, send_request, API_BASE};
pub use signature::{verify, SignatureHeaders, TOLERANCE_MS};

/// `webhook_events.provider` and `tenant_channels.provider`; the channel address is the
/// tenant's OpenPhone number (E.164).
pub const PROVIDER: &str = "openphone";
