//! Binding adapters shared by the Durable Objects and the Worker (which depends on this
//! crate): D1 statements, and core's clock/randomness over the JS runtime.

pub mod acts;
pub mod bookings;
pub mod contact_message;
pub mod d1;
pub mod env;
pub mod holds;
pub mod http;
pub mod info_pack;
pub mod intents;
pub mod jobs;
pub mod kb;
pub mod listings;
pub mod llm_usage;
pub mod outreach;
pub mod property;
pub mod saved_searches;
pub mod tenant;
pub mod time;
pub mod usage;
pub mod vectors;

pub use jobs::{enqueue, enqueue_all, JOBS_QUEUE};
