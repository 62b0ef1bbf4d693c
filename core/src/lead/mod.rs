//! Leads: what a contact who might buy or book has told us, how hot they are, and where they are
//! in the funnel — all explainable from their own words.
//!
//! Layout: `fields` merges extracted slots into qualification fields with history;
//! `signals` keeps what the messages showed besides fields; `score` turns both into a
//! 0–100 score by the per-business `rubric`, every point quoted; `lifecycle` moves the
//! status; `qualify` picks the next qualification question; `summary` tells the brain
//! about a returning contact; `describe` words field values for both people and the brain.

mod describe;
mod fields;
mod interest;
mod lifecycle;
mod qualify;
mod rubric;
mod score;
mod signals;
mod summary;

pub use fields::{is_qualification_slot, slot_name, Field, FieldChange, LeadFields, QUALIFICATION_SLOTS};
pub use interest::{seen as interest_seen, ListingSeen};
pub use lifecycle::{advance, can_set, shows_interest, LeadEvent, Status};
pub use qualify::{
    builder_view, default_questions, is_qualified, missing, next_question, validate_questions, Question, MAX_ASK_CHARS,
};
pub use score::{is_high_value, score, Band, RubricItem, Score, DEFAULT_HIGH_VALUE_THRESHOLD, HOT_MIN, WARM_MIN};
pub use signals::{SeenMessage, Signals, QUOTE_CHARS};
pub use summary::history_summary;

mod announce;
mod apply;
pub use announce::{events, high_value_escalation, Subject};
pub use apply::{apply, LeadMessage, LeadUpdate, StoredLead, APPLIED_MEMORY};
