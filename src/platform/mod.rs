//! Adapters from core's ports to Cloudflare bindings. The only code besides
//! durable-objects/ that touches `worker`.

pub mod analytics;
pub mod at_rest;
pub mod booking_lease;
pub mod calendar;
pub mod call_summary;
pub mod callbacks;
pub mod config;
pub mod crm;
pub mod d1;
pub mod events;
pub mod follow_ups;
pub mod jobs;
pub mod kb_ingest;
pub mod leads;
pub mod login;
pub mod oauth_bearer;
pub mod oauth_clients;
pub mod outbound;
pub mod outbound_calls;
pub mod password;
pub mod privacy;
pub mod provider_call;
pub mod recordings;
pub mod retention;
pub mod staff_waits;
pub mod sweeper;
pub mod tenant_context;
pub mod usage;
pub mod webcrypto;
