//! The idempotency ledger's rules (`webhook_events`, docs/STORAGE.md).
//!
//! Providers redeliver: Twilio retries on timeouts, Meta for days. The first delivery claims
//! the event id atomically; duplicates that arrive while it is processing are acknowledged
//! without a reply, and ones that arrive after it finished get the stored answer. A claim
//! whose holder died (the isolate was evicted mid-request) is taken over once it is stale.

/// Twilio gives a webhook 15 s at most (PROTOCOLS.md §1.3); a claim twice that old cannot
/// belong to a request that is still running.
pub const CLAIM_STALE_AFTER_MS: u64 = 30_000;

/// Claims taken before this instant are stale at `now_ms` (the D1 claim binds it; the rule is
/// [`can_take_over`]).
pub fn stale_before(now_ms: u64) -> u64 {
    now_ms.saturating_sub(CLAIM_STALE_AFTER_MS)
}

/// Whether a delivery claiming at `now_ms` may take over a ledger row in `status` whose claim
/// was taken at `claimed_at`: a failed event, or one still `processing` by a holder that must
/// have died. A `done` event is never taken again (duplicates get its answer).
pub fn can_take_over(status: &str, claimed_at: u64, now_ms: u64) -> bool {
    status == "failed" || (status == "processing" && claimed_at < stale_before(now_ms))
}

/// What the ledger says about an event when a delivery arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This delivery owns the event: do the work.
    Owned,
    /// Another delivery is doing the work right now: acknowledge, do nothing.
    InFlight,
    /// The work was done: answer what the first delivery answered.
    Done { response: String },
}

impl Claim {
    /// Interprets the ledger row read back after an attempted claim. The holder's own token
    /// wins even once it marked the event done (claim and completion share one transaction).
    pub fn from_row(my_claim: &str, row_claim: &str, status: &str, response: Option<String>) -> Self {
        match (status, response) {
            _ if row_claim == my_claim => Claim::Owned,
            ("done", Some(response)) => Claim::Done { response },
            _ => Claim::InFlight,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failed_or_stale_claims_are_taken_over() {
        let at = 1_000_000;
        assert!(!can_take_over("processing", at, at + CLAIM_STALE_AFTER_MS), "exactly the stale time: still live");
        assert!(can_take_over("processing", at, at + CLAIM_STALE_AFTER_MS + 1));
        assert!(can_take_over("failed", at, at));
        assert!(!can_take_over("done", at, u64::MAX), "a finished event is answered, never redone");
        assert!(!can_take_over("processing", at, 5), "a clock behind the claim takes nothing");
    }

    #[test]
    fn the_claim_holder_owns_and_others_wait_or_replay() {
        assert_eq!(Claim::from_row("a", "a", "processing", None), Claim::Owned);
        assert_eq!(Claim::from_row("a", "a", "done", Some("<x/>".into())), Claim::Owned);
        assert_eq!(Claim::from_row("b", "a", "processing", None), Claim::InFlight);
        assert_eq!(Claim::from_row("b", "a", "done", Some("<x/>".into())), Claim::Done { response: "<x/>".into() });
    }
}
