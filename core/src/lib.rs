//! frontdesk-core — the receptionist itself, in pure Rust.
//!
//! Nothing here touches `worker`, the clock or randomness directly: the Worker and the Durable
//! Objects pass time and ids in (see [`ports`]), so every rule is testable on the host.
//! Layout follows docs/ARCHITECTURE.md: one module per concern, channels under [`channel`].

pub mod analytics;
pub mod api;
pub mod at_rest;
pub mod auth;
pub mod booking;
pub mod brain;
pub mod channel;
pub mod console;
pub mod contact_key;
pub mod conversation;
pub mod dialogue;
pub mod effects;
pub mod escalation;
pub mod events;
pub mod follow_up;
pub mod form;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzz_targets;
pub mod http;
pub mod ids;
pub mod inbound;
pub mod jobs;
pub mod kb;
pub mod lead;
pub mod limiter;
pub mod listings;
pub mod llm;
pub mod lossy_json;
pub mod lru;
pub mod mcp;
pub mod oauth;
pub mod onboarding;
pub mod outreach;
pub mod pause;
pub mod phone;
pub mod plan;
pub mod ports;
pub mod principal;
pub mod privacy;
pub mod records;
pub mod secrets;
pub mod signing;
pub mod store;
pub mod tenant;
pub mod tickets;
pub mod turn_stream;
pub mod unparsed;
pub mod users;
pub mod voice;
pub mod webhook;
