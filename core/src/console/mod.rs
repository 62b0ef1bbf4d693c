//! The operator console's decisions: who may do what through the API (`access`), the
//! browser session — its cookie, lifetimes and CSRF token (`session`) — the conversation list
//! (`inbox`), human takeover (`takeover`), the copilot's draft (`copilot`), a contact's
//! timeline (`timeline`), the counters' day (`stats`) and the channels list (`channels`). The D1 rows and the
//! routes are the Worker's (`src/platform/d1/sessions.rs`, `src/routes/session.rs`).

pub mod access;
pub mod channels;
pub mod copilot;
pub mod inbox;
pub mod session;
pub mod settings;
pub mod stats;
pub mod takeover;
pub mod timeline;
