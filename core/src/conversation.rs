//! Conversation windowing: a message continues the contact's open conversation on the same
//! channel if that conversation saw a message within the window, else starts a new one.

/// 24 hours: the span over which a customer expects to be "in the same chat" (and WhatsApp's
/// customer-service window, so a conversation never straddles two Meta sessions).
pub const REUSE_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// The earliest `last_message_at` a conversation may have and still be continued at `now_ms`.
pub fn reuse_cutoff(now_ms: u64) -> u64 {
    now_ms.saturating_sub(REUSE_WINDOW_MS)
}
