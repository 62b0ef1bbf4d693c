//! The operator console's decisions: who may do what through the API (`access`) and the
//! browser session — its cookie, lifetimes and CSRF token (`session`). The D1 rows and the
//! routes are the Worker's (`src/platform/d1/sessions.rs`, `src/routes/session.rs`).

pub mod access;
pub mod session;
