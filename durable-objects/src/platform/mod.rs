//! Binding adapters shared by the Durable Objects and the Worker (which depends on this
//! crate): D1 statements, and core's clock/randomness over the JS runtime.

pub mod d1;
pub mod time;

/// wrangler.toml queue producer binding for `frontdesk-jobs`.
pub const JOBS_QUEUE: &str = "JOBS";
